# tm-sandbox.sh: shell functions for the sandbox tests, sourced by them.
#
# A sandbox is a private Open vSwitch (ovsdb-server and ovs-vswitchd with
# the dummy datapath) in a folder of its own, inside a network namespace
# of its own made by "unshare -rn", so that no root is needed, nothing can
# leave the machine, and the outer source address of a mirrored copy (the
# source ENI's IP) can be a local address of the namespace, which Open
# vSwitch's native tunnelling requires of a tun_src.
#
#   tm_sandbox_enter "$@"   re-runs the calling script in a new namespace
#   tm_sandbox_start IP...  starts the daemons, with IP... local
#   tm_sandbox_bridges PORTS-FILE   br-phy (underlay) and br-int
#   tm_sandbox_stop         stops the daemons (a trap calls it on exit),
#                           then runs $TM_CLEANUP

: "${OVS_BUILDDIR:?OVS_BUILDDIR must name the built Open vSwitch tree}"
OVS_VSCTL="$OVS_BUILDDIR/utilities/ovs-vsctl"
OVS_OFCTL="$OVS_BUILDDIR/utilities/ovs-ofctl"
OVS_APPCTL="$OVS_BUILDDIR/utilities/ovs-appctl"
OVS_PCAP="$OVS_BUILDDIR/utilities/ovs-pcap"
TM_TUNNEL_PORT=100
TM_UNDERLAY_GW=192.168.100.254
TM_UNDERLAY_GW_MAC=aa:55:aa:55:00:01

tm_fail() {
    echo "$0: $*" >&2
    exit 1
}

tm_sandbox_enter() {
    if test -z "$TM_IN_SANDBOX"; then
        if ! unshare -rn true 2>/dev/null; then
            tm_fail "\"unshare -rn\" (user and network namespaces) is" \
                    "not available here, so the sandbox cannot run"
        fi
        TM_IN_SANDBOX=1 exec unshare -rn "$0" "$@"
    fi
}

# tm_sandbox_stop: asks each daemon started by tm_sandbox_start to exit,
# kills it if it has not within 5 seconds, removes the sandbox's folder
# (unless TM_KEEP is set) and then runs $TM_CLEANUP.
tm_sandbox_stop() {
    for pid in $TM_PIDS; do
        kill -TERM "$pid" 2>/dev/null || continue
        n=0
        while kill -0 "$pid" 2>/dev/null && test $n -lt 50; do
            sleep 0.1
            n=$((n + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    TM_PIDS=
    if test -n "$TM_KEEP"; then
        echo "$0: sandbox kept in $TM_SANDBOX" >&2
    else
        rm -rf "$TM_SANDBOX"
    fi
    eval "$TM_CLEANUP"
}

# tm_sandbox_pid DAEMON: the process id of DAEMON, from its pidfile.
tm_sandbox_pid() {
    cat "$TM_SANDBOX/$1.pid" 2>/dev/null \
        || tm_fail "$1 wrote no pidfile in $TM_SANDBOX"
}

# tm_sandbox_start IP...: starts ovsdb-server and ovs-vswitchd, after
# making each IP a local address (so that copies can use it as their outer
# source).
tm_sandbox_start() {
    TM_SANDBOX=$(mktemp -d "${TMPDIR:-/tmp}/tm-sandbox.XXXXXX")
    TM_PIDS=
    trap tm_sandbox_stop EXIT
    trap 'exit 1' INT TERM HUP PIPE
    OVS_RUNDIR=$TM_SANDBOX OVS_DBDIR=$TM_SANDBOX OVS_LOGDIR=$TM_SANDBOX
    OVS_SYSCONFDIR=$TM_SANDBOX
    export OVS_RUNDIR OVS_DBDIR OVS_LOGDIR OVS_SYSCONFDIR

    ip link set lo up || tm_fail "cannot bring up lo in the namespace"
    for ip in "$@"; do
        ip addr replace "$ip/32" dev lo || tm_fail "cannot add $ip to lo"
    done

    "$OVS_BUILDDIR/ovsdb/ovsdb-tool" create "$TM_SANDBOX/conf.db" \
        "$OVS_BUILDDIR/vswitchd/vswitch.ovsschema" \
        || tm_fail "ovsdb-tool create failed"
    "$OVS_BUILDDIR/ovsdb/ovsdb-server" --detach --no-chdir --pidfile \
        --log-file --remote="punix:$TM_SANDBOX/db.sock" \
        "$TM_SANDBOX/conf.db" 2> "$TM_SANDBOX/start.err" \
        || tm_fail "ovsdb-server did not start: $(cat "$TM_SANDBOX/start.err")"
    TM_PIDS=$(tm_sandbox_pid ovsdb-server)
    "$OVS_VSCTL" --no-wait init || tm_fail "ovs-vsctl init failed"
    "$OVS_BUILDDIR/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
        --detach --no-chdir --pidfile --log-file -vconsole:off \
        "unix:$TM_SANDBOX/db.sock" 2> "$TM_SANDBOX/start.err" \
        || tm_fail "ovs-vswitchd did not start: $(cat "$TM_SANDBOX/start.err")"
    TM_PIDS="$(tm_sandbox_pid ovs-vswitchd) $TM_PIDS"
}

# tm_sandbox_bridges PORTS: "br-phy", the underlay, whose port p-phy
# captures what leaves the hypervisor (p-phy.pcap), with room for jumbo
# frames (targets of MTU 9001), and "br-int" with the
# ports listed in PORTS (as "tm-flowgen ports" prints them), each capturing
# what it is sent (NAME.pcap), and the flow-based VXLAN port.
tm_sandbox_bridges() {
    ports_file=$1
    set -- add-br br-phy -- set bridge br-phy datapath_type=dummy \
        fail-mode=standalone \
        -- add-port br-phy p-phy -- set interface p-phy type=dummy \
        ofport_request=1 "options:tx_pcap=$TM_SANDBOX/p-phy.pcap" \
        mtu_request=9216 -- set interface br-phy mtu_request=9216 \
        -- add-br br-int -- set bridge br-int datapath_type=dummy \
        fail-mode=secure \
        -- add-port br-int tm-vxlan -- set interface tm-vxlan type=vxlan \
        ofport_request=$TM_TUNNEL_PORT options:remote_ip=flow \
        options:local_ip=flow options:key=flow
    while read -r name ofport mac ip eni; do
        set -- "$@" -- add-port br-int "$name" \
            -- set interface "$name" type=dummy ofport_request="$ofport" \
            "options:tx_pcap=$TM_SANDBOX/$name.pcap"
    done < "$ports_file"
    "$OVS_VSCTL" "$@" || tm_fail "ovs-vsctl could not make the bridges"

    "$OVS_APPCTL" netdev-dummy/ip4addr br-phy 192.168.100.1/24 > /dev/null \
        && "$OVS_APPCTL" ovs/route/add 0.0.0.0/0 br-phy "$TM_UNDERLAY_GW" \
           > /dev/null \
        && "$OVS_APPCTL" tnl/neigh/set br-phy "$TM_UNDERLAY_GW" \
           "$TM_UNDERLAY_GW_MAC" > /dev/null \
        || tm_fail "could not set up the underlay route"
}

# tm_install FILE: replaces br-int's flows with those in FILE, in one
# atomic bundle.
tm_install() {
    "$OVS_OFCTL" --bundle replace-flows br-int "$1" \
        || tm_fail "ovs-ofctl --bundle replace-flows failed"
}

# tm_port_name PORTS OFPORT: the name of OpenFlow port OFPORT.
tm_port_name() {
    awk -v p="$2" '$2 == p { print $1 }' "$1"
}
