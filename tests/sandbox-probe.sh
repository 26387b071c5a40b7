#! /bin/sh
# sandbox-probe.sh: the datapath support probe behind "tm-sim flows
# --backend=auto", against a sandboxed ovs-vswitchd (dummy datapath, private
# folders).  With the vxlan_mirror action in the datapath, auto chooses the
# vxlan-mirror backend and the flows install; with the action turned off
# ("dpif/set-dp-features BR vxlan_mirror false", as on the kernel
# datapath), on a bridge that does not exist, or with no ovs-vswitchd to
# ask, it falls back to native with one log line that names the bridge and
# the reason.
#
# Environment: OVS_BUILDDIR, the built Open vSwitch tree (default: the one
# named in ./Makefile); DP_ACTION_KEEP=1 keeps the sandbox folder.

set -e
me=sandbox-probe.sh
tmsim=$(pwd)/utilities/tm-sim
topologies=${srcdir:-.}/topologies

. "$(dirname "$0")/dp-sandbox.sh"
"$OVS_BUILDDIR/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
    --disable-system-route --detach --no-chdir -vconsole:off \
    --pidfile="$dir/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" \
    "unix:$dir/db.sock"
$vsctl add-br br-int -- set bridge br-int datapath_type=dummy \
    fail-mode=secure

. "$(dirname "$0")/tm-check.sh"

# auto [OPTION...]: tm-sim flows --backend=auto for hv1 of the default
# topology (bridge br-int), into $dir/out and $dir/err, the exit status in
# $status.  The sandbox's OVS_RUNDIR makes "ovs-vswitchd" the sandbox's.
auto() {
    status=0
    "$tmsim" flows "$topologies/default.xml" --hypervisor=hv1 \
        --backend=auto "$@" > "$dir/out" 2> "$dir/err" || status=$?
}

# lines PATTERN: the number of lines of $dir/err with PATTERN.
lines() {
    grep -c -F -e "$1" "$dir/err" || true
}

# With the action: vxlan-mirror, and OVS takes the flows.
auto
check "supported: exit status 1 (tms-web is blocked)" test $status = 1
check "supported: vxlan-mirror chosen" \
    grep -q '^# hypervisor hv1, bridge br-int, backend vxlan-mirror$' \
    "$dir/out"
check "supported: vxlan_mirror copies" grep -q 'clone(vxlan_mirror(vni=100,' \
    "$dir/out"
check "supported: said once" test "$(lines \
    'tm_probe|INFO|bridge br-int: using the vxlan_mirror backend')" = 1
check "supported: no fallback" test "$(lines 'falling back')" = 0
grep -v '^#' "$dir/out" > "$dir/flows"
check "supported: the flows install" $ofctl add-flows br-int "$dir/flows"
check "supported: installed" test "$($ofctl dump-flows br-int \
    | grep -c 'vxlan_mirror(vni=100,')" = 2

# Turned off (as the translation of a datapath without it, the kernel's,
# sees it): native, and one line saying why.
$appctl dpif/set-dp-features br-int vxlan_mirror false > /dev/null
auto
check "unsupported: native chosen" \
    grep -q '^# hypervisor hv1, bridge br-int, backend native$' "$dir/out"
check "unsupported: no vxlan_mirror" \
    sh -c "! grep -q vxlan_mirror '$dir/out'"
check "unsupported: native copies" grep -q 'set_field:0x64->tun_id' \
    "$dir/out"
check "unsupported: one fallback line" test "$(lines \
    'tm_probe|WARN|bridge br-int: falling back to the native backend: the vxlan_mirror action is turned off at run time (dpif/set-dp-features says "vxlan_mirror (VXLAN mirror action) : [run time]:false, [boot time]:true")')" = 1
check "unsupported: nothing else logged" \
    test "$(grep -c '|tm_probe|' "$dir/err")" = 1
$appctl dpif/set-dp-features br-int vxlan_mirror true > /dev/null
auto
check "supported again: vxlan-mirror chosen" \
    grep -q 'backend vxlan-mirror$' "$dir/out"

# A bridge that ovs-vswitchd does not have.
sed 's|<hypervisor id="hv1" bridge="br-int"|<hypervisor id="hv1" bridge="br-none"|' \
    "$topologies/default.xml" > "$dir/none.xml"
status=0
"$tmsim" flows "$dir/none.xml" --hypervisor=hv1 --backend=auto \
    > "$dir/out" 2> "$dir/err" || status=$?
check "no bridge: native chosen" grep -q 'bridge br-none, backend native$' \
    "$dir/out"
check "no bridge: named, with the reason" test "$(lines \
    'bridge br-none: falling back to the native backend: ovs-vswitchd refused dpif/show-dp-features:')" = 1

# No ovs-vswitchd to ask.
auto --vswitchd="$dir/nothing.ctl"
check "no daemon: native chosen" grep -q 'backend native$' "$dir/out"
check "no daemon: the reason" test "$(lines \
    "bridge br-int: falling back to the native backend: cannot connect to $dir/nothing.ctl")" = 1
check "no daemon: one line" test "$(wc -l < "$dir/err")" = 2

check_summary
