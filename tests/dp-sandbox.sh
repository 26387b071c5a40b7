# dp-sandbox.sh: shell code shared by the tests of the vxlan_mirror action,
# sourced by them after they set "me" (their name) and, if they want other
# than 30 seconds, "dp_timeout".
#
# It finds the project's patched Open vSwitch build (OVS_BUILDDIR, or the
# one named in ./Makefile), makes a private folder "$dir" for a sandbox,
# sets "vsctl", "ofctl" and "appctl" for it, starts its ovsdb-server with a
# fresh database, and traps the exit to stop every daemon that left a
# pidfile in "$dir", whatever happened (showing the logs on failure).
# "fail MESSAGE" exits with MESSAGE.

if test -z "$OVS_BUILDDIR" && test -f Makefile; then
    OVS_BUILDDIR=$(sed -n 's/^OVS_BUILDDIR = //p' Makefile)
fi
if test ! -x "$OVS_BUILDDIR/vswitchd/ovs-vswitchd"; then
    echo "$me: no built Open vSwitch (set OVS_BUILDDIR)" >&2
    exit 99
fi
vsctl="$OVS_BUILDDIR/utilities/ovs-vsctl --timeout=${dp_timeout:-30}"
ofctl="$OVS_BUILDDIR/utilities/ovs-ofctl"
appctl="$OVS_BUILDDIR/utilities/ovs-appctl --timeout=${dp_timeout:-30}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir
export OVS_RUNDIR OVS_DBDIR OVS_LOGDIR OVS_SYSCONFDIR

# dp_sandbox_reap PID TENTHS: waits up to TENTHS tenths of a second for
# process PID to exit, then kills it.
dp_sandbox_reap() {
    n=0
    while kill -0 "$1" 2>/dev/null && test $n -lt "$2"; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -9 "$1" 2>/dev/null || true
}

# dp_sandbox_stop DAEMON: stops DAEMON by its pidfile in $dir, if it has
# one: TERM, up to 10 s to exit, then KILL.
dp_sandbox_stop() {
    test -f "$dir/$1.pid" || return 0
    pid=$(cat "$dir/$1.pid")
    kill "$pid" 2>/dev/null || true
    dp_sandbox_reap "$pid" 100
}

# Stops the daemons started here, by their pidfiles, whatever happened.
dp_sandbox_cleanup() {
    status=$?
    for daemon in ovs-vswitchd ovsdb-server; do
        dp_sandbox_stop $daemon
    done
    if test $status != 0; then
        echo "$me: FAILED; the logs:" >&2
        tail -n 20 "$dir"/*.log >&2 || true
    fi
    if test -n "$DP_ACTION_KEEP"; then
        echo "$me: sandbox kept in $dir" >&2
    else
        rm -rf "$dir"
    fi
    exit $status
}
trap dp_sandbox_cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
    echo "$me: $*" >&2
    exit 1
}

"$OVS_BUILDDIR/ovsdb/ovsdb-tool" create "$dir/conf.db" \
    "$OVS_BUILDDIR/vswitchd/vswitch.ovsschema"
"$OVS_BUILDDIR/ovsdb/ovsdb-server" --detach --no-chdir -vconsole:off \
    --pidfile="$dir/ovsdb-server.pid" --log-file="$dir/ovsdb-server.log" \
    --remote="punix:$dir/db.sock" "$dir/conf.db"
$vsctl --no-wait init
