# sandbox.sh: a private Open vSwitch for the scripts that are not tests:
# the benchmarks of "make bench" and the quick start's demo.  (The tests
# start theirs with Open vSwitch's own test macros, tests/tm-macros.at,
# and take only the bridges from here, sandbox_bridges.)  Sourced after the
# script sets "me" (its name) and, if it wants other than 30 seconds,
# "sandbox_timeout" for ovs-vsctl and ovs-appctl.
#
# It finds the project's patched Open vSwitch build (OVS_BUILDDIR, or the
# one named in ./Makefile) and sets "vsctl", "ofctl", "appctl" and
# "ovs_pcap" to its programs.  Then:
#
#   sandbox_enter "$@"       re-runs the calling script in a user and
#                            network namespace of its own ("unshare -rn": no
#                            root needed, nothing leaves the machine)
#   sandbox_start            makes a private folder "$dir" for the
#                            daemons' files, starts ovsdb-server with a
#                            fresh database, and traps the exit to
#                            sandbox_cleanup
#   sandbox_port_ips PORTS   the IPs of the ports of PORTS ("tm-flowgen
#                            ports")
#   sandbox_local_ips IP...  makes each IP a local address (lo, in the
#                            namespace), as the native backend's tunnel
#                            source must be; before sandbox_vswitchd
#   sandbox_vswitchd [ARG...]  starts ovs-vswitchd, dummy datapath
#   sandbox_bridges PORTS    br-phy (the underlay) and br-int, with the
#                            ports of PORTS ("tm-flowgen ports")
#   sandbox_install FILE     replaces br-int's flows with FILE's, at once
#   sandbox_port_name PORTS OFPORT   the name of OpenFlow port OFPORT
#   sandbox_stop DAEMON      stops DAEMON by its pidfile in $dir: TERM, up
#                            to 10 s to exit, then KILL
#   sandbox_cleanup          stops every daemon by its pidfile, shows the
#                            logs if the script failed, removes $dir
#                            (unless TM_SANDBOX_KEEP is set) and exits
#                            with the script's status
#   fail MESSAGE             exits with MESSAGE

if test -z "$OVS_BUILDDIR" && test -f Makefile; then
    OVS_BUILDDIR=$(sed -n 's/^OVS_BUILDDIR = //p' Makefile)
fi
if test ! -x "$OVS_BUILDDIR/vswitchd/ovs-vswitchd"; then
    echo "$me: no built Open vSwitch (set OVS_BUILDDIR)" >&2
    exit 99
fi
vsctl="$OVS_BUILDDIR/utilities/ovs-vsctl --timeout=${sandbox_timeout:-30}"
ofctl="$OVS_BUILDDIR/utilities/ovs-ofctl"
appctl="$OVS_BUILDDIR/utilities/ovs-appctl --timeout=${sandbox_timeout:-30}"
ovs_pcap="$OVS_BUILDDIR/utilities/ovs-pcap"

fail() {
    echo "$me: $*" >&2
    exit 1
}

sandbox_enter() {
    if test -z "$TM_IN_SANDBOX"; then
        unshare -rn true 2>/dev/null \
            || fail "\"unshare -rn\" (user and network namespaces) is" \
                    "not available here, so the sandbox cannot run"
        TM_IN_SANDBOX=1 exec unshare -rn "$0" "$@"
    fi
}

# sandbox_reap PID TENTHS: waits up to TENTHS tenths of a second for
# process PID to exit, then kills it.
sandbox_reap() {
    n=0
    while kill -0 "$1" 2>/dev/null && test $n -lt "$2"; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -9 "$1" 2>/dev/null || true
}

sandbox_stop() {
    test -f "$dir/$1.pid" || return 0
    pid=$(cat "$dir/$1.pid")
    kill "$pid" 2>/dev/null || true
    sandbox_reap "$pid" 100
}

sandbox_cleanup() {
    status=$?
    for daemon in ovs-vswitchd ovsdb-server; do
        sandbox_stop $daemon
    done
    if test $status != 0; then
        echo "$me: FAILED; the logs:" >&2
        tail -n 20 "$dir"/*.log >&2 || true
    fi
    if test -n "$TM_SANDBOX_KEEP"; then
        echo "$me: sandbox kept in $dir" >&2
    else
        rm -rf "$dir"
    fi
    exit $status
}

sandbox_start() {
    dir=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
    OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir
    export OVS_RUNDIR OVS_DBDIR OVS_LOGDIR OVS_SYSCONFDIR
    trap sandbox_cleanup EXIT
    trap 'exit 1' HUP INT PIPE TERM

    "$OVS_BUILDDIR/ovsdb/ovsdb-tool" create "$dir/conf.db" \
        "$OVS_BUILDDIR/vswitchd/vswitch.ovsschema" \
        || fail "ovsdb-tool create failed"
    "$OVS_BUILDDIR/ovsdb/ovsdb-server" --detach --no-chdir -vconsole:off \
        --pidfile="$dir/ovsdb-server.pid" \
        --log-file="$dir/ovsdb-server.log" \
        --remote="punix:$dir/db.sock" "$dir/conf.db" \
        || fail "ovsdb-server did not start"
    $vsctl --no-wait init || fail "ovs-vsctl init failed"
}

sandbox_port_ips() {
    awk '$4 != "-" { print $4 }' "$1"
}

sandbox_local_ips() {
    ip link set lo up || fail "cannot bring up lo in the namespace"
    for ip in "$@"; do
        ip addr replace "$ip/32" dev lo || fail "cannot add $ip to lo"
    done
}

sandbox_vswitchd() {
    "$OVS_BUILDDIR/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
        --detach --no-chdir -vconsole:off --pidfile="$dir/ovs-vswitchd.pid" \
        --log-file="$dir/ovs-vswitchd.log" "$@" "unix:$dir/db.sock" \
        || fail "ovs-vswitchd did not start"
}

# sandbox_bridges PORTS: "br-phy", the underlay, whose port p-phy captures
# what leaves the hypervisor ($dir/p-phy.pcap), with room for jumbo frames
# (targets of MTU 9001), and "br-int" with the ports listed in PORTS (as
# "tm-flowgen ports" prints them), each capturing what it is sent
# ($dir/NAME.pcap), and the flow-based VXLAN port tm-vxlan (OpenFlow port
# 100).  The underlay's gateway is 192.168.100.254, the default route.
sandbox_bridges() {
    ports_file=$1
    set -- add-br br-phy -- set bridge br-phy datapath_type=dummy \
        fail-mode=standalone \
        -- add-port br-phy p-phy -- set interface p-phy type=dummy \
        ofport_request=1 "options:tx_pcap=$dir/p-phy.pcap" \
        mtu_request=9216 -- set interface br-phy mtu_request=9216 \
        -- add-br br-int -- set bridge br-int datapath_type=dummy \
        fail-mode=secure \
        -- add-port br-int tm-vxlan -- set interface tm-vxlan type=vxlan \
        ofport_request=100 options:remote_ip=flow \
        options:local_ip=flow options:key=flow
    while read -r name ofport mac ip eni; do
        set -- "$@" -- add-port br-int "$name" \
            -- set interface "$name" type=dummy ofport_request="$ofport" \
            "options:tx_pcap=$dir/$name.pcap"
    done < "$ports_file"
    $vsctl "$@" || fail "ovs-vsctl could not make the bridges"

    $appctl netdev-dummy/ip4addr br-phy 192.168.100.1/24 > /dev/null \
        && $appctl ovs/route/add 0.0.0.0/0 br-phy 192.168.100.254 \
           > /dev/null \
        && $appctl tnl/neigh/set br-phy 192.168.100.254 aa:55:aa:55:00:01 \
           > /dev/null \
        || fail "could not set up the underlay route"
}

sandbox_install() {
    $ofctl --bundle replace-flows br-int "$1" \
        || fail "ovs-ofctl --bundle replace-flows failed"
}

sandbox_port_name() {
    awk -v p="$2" '$2 == p { print $1 }' "$1"
}
