#! /bin/sh
# tmd-demo.sh: ovs-tmirror in action, for people.  In a private sandbox (its
# own run folder, ovsdb-server serving the Open_vSwitch and TrafficMirror
# databases, ovs-vswitchd on the dummy datapath, ovs-tmd; no root, nothing
# leaves the machine): topologies/default.xml's network is loaded with
# ovs-tmctl, the mirror objects are created with ovs-tmctl commands echoed
# as a user would type them, the dry-run report shows which sessions work,
# ovs-tmd installs the flows of those that do, packets are injected and
# the mirrored copies decoded by tshark, ovs-tmctl shows the counters, and
# a change to the network blocks a session, which ovs-tmd shows blocked and
# takes its flows away.  Every daemon is stopped at the end.
#
# Run from the build folder:
#   OVS_BUILDDIR=... tests/tmd-demo.sh

srcdir=${srcdir:-$(dirname "$0")/..}
me=tmd-demo.sh
. "$srcdir/tests/sandbox.sh"
sandbox_enter "$@"
command -v tshark > /dev/null || fail "tshark is not installed"
PYTHON3=${PYTHON3:-python3}
TMD="$PWD/ovs-plugin/ovs-tmd"
test -x "$TMD" || fail "run from the build folder (no ovs-plugin/ovs-tmd)"

sandbox_start
# ovs-tmd too is stopped at the end, whatever happens.
trap 'status=$?; sandbox_stop ovs-tmd; (exit $status); sandbox_cleanup' EXIT
sandbox_local_ips 10.0.1.10 10.1.1.20
sandbox_vswitchd
work=$dir
PATH=$PWD/ovs-plugin:$PWD/utilities:$OVS_BUILDDIR/utilities:$OVS_BUILDDIR/ovsdb:$PATH

# The TrafficMirror database, served by the same ovsdb-server.
ovsdb-tool create "$work/tm.db" "$srcdir/ovs-plugin/traffic-mirror.ovsschema" \
    && $appctl -t ovsdb-server ovsdb-server/add-db "$work/tm.db" \
    || fail "cannot add the TrafficMirror database"

# hv1 of default.xml: eni-app and eni-web on br-int, as OpenStack and OVN
# name them (external_ids:iface-id).
cat > "$work/ports" <<EOF
vif-app 1 02:00:00:00:01:10 10.0.1.10 eni-app
vif-web 2 02:00:00:00:01:20 10.1.1.20 eni-web
EOF
sandbox_bridges "$work/ports"
$vsctl set interface vif-app external_ids:iface-id=eni-app \
    -- set interface vif-web external_ids:iface-id=eni-web \
    || fail "cannot name the interfaces"
$ofctl mod-port br-int tm-vxlan no-flood || exit 1

"$TMD" --detach --no-chdir --pidfile --log-file -vconsole:off \
    --backend=native --stats-interval=500 2> /dev/null \
    || fail "ovs-tmd did not start"

# run COMMAND...: echoes COMMAND as a user would type it (quoted where the
# shell needs it, files named relative to the sandbox), then runs it.
run() {
    line='$'
    for arg in "$@"; do
        case $arg in
            ''|*[!A-Za-z0-9_./:=,@%+-]*) arg="'$arg'" ;;
        esac
        line="$line $arg"
    done
    echo "$line" | sed "s|$work/||g" >&2
    "$@"
}
wait_for() {
    n=0
    until "$@"; do
        n=$((n + 1))
        test $n -lt 300 || fail "timed out waiting for: $*"
        sleep 0.1
    done
}
session_is() {
    $appctl -t ovs-tmd session/list | grep -q "$1"
}
in_sync() {
    $appctl -t ovs-tmd status | grep -q 'in sync: yes'
}

echo "==> The network of topologies/default.xml, into the database"
"$PYTHON3" "$srcdir/tests/tm-db-load.py" "$srcdir/topologies/default.xml" \
    --network > "$work/network.xml" || exit 1
# The resource share names a target that does not exist yet.
sed -i '/<resource-share /d' "$work/network.xml"
run ovs-tmctl load-topology "$work/network.xml" || exit 1

echo
echo "==> The mirror objects, created as the two accounts would"
T=$(run ovs-tmctl --account 222222222222 create-traffic-mirror-target \
        --network-interface-id eni-collector \
        --description "Suricata in the security account") || exit 1
echo "$T"
run ovs-tmctl create Resource_Share resource_share_id=rs-collector \
    owner_id=222222222222 resources="$T" principals=111111111111 \
    status=accepted > /dev/null || exit 1
F=$(run ovs-tmctl --account 111111111111 create-traffic-mirror-filter \
        --description everything) || exit 1
echo "$F"
for d in ingress egress; do
    run ovs-tmctl --account 111111111111 create-traffic-mirror-filter-rule \
        --traffic-mirror-filter-id "$F" --traffic-direction $d \
        --rule-number 100 --rule-action accept \
        --source-cidr-block 0.0.0.0/0 \
        --destination-cidr-block 0.0.0.0/0 || exit 1
done
S_APP=$(run ovs-tmctl --account 111111111111 create-traffic-mirror-session \
        --network-interface-id eni-app --traffic-mirror-target-id "$T" \
        --traffic-mirror-filter-id "$F" --session-number 1 \
        --virtual-network-id 100) || exit 1
echo "$S_APP"
S_WEB=$(run ovs-tmctl --account 111111111111 create-traffic-mirror-session \
        --network-interface-id eni-web --traffic-mirror-target-id "$T" \
        --traffic-mirror-filter-id "$F" --session-number 1 \
        --virtual-network-id 200) || exit 1
echo "$S_WEB"

echo
echo "==> The dry-run report of what the database holds"
run ovs-tmctl dump-topology > "$work/current.xml" || exit 1
# (In the sandbox's folder, so that the report names the file as typed.)
(cd "$work" && run tm-sim check current.xml)
test $? -le 1 || exit 1

echo
echo "==> ovs-tmd checked them too, and installed the flows of the one that works"
wait_for session_is "$S_WEB blocked"
wait_for in_sync
run ovs-tmctl describe-traffic-mirror-sessions || exit 1
run ovs-appctl -t ovs-tmd status | grep -E '^(backend|sessions|flows|bundles|flow_mods)'

echo
echo "==> Traffic from and to eni-app (10.0.1.10) and eni-web (10.1.1.20)"
send() {
    port=$1 eth=$2 ip=$3 l4=$4
    run ovs-appctl netdev-dummy/receive "$port" \
        "in_port($5),eth($eth),eth_type(0x0800),ipv4($ip,tos=0,ttl=64,frag=no),$l4" \
        > /dev/null || exit 1
}
send vif-app "src=02:00:00:00:01:10,dst=aa:55:aa:55:00:01" \
    "src=10.0.1.10,dst=10.9.0.1,proto=6" "tcp(src=40000,dst=443)" 1
send vif-app "src=02:00:00:00:01:10,dst=aa:55:aa:55:00:01" \
    "src=10.0.1.10,dst=10.9.0.2,proto=17" "udp(src=5353,dst=53)" 1
send vif-web "src=02:00:00:00:01:20,dst=02:00:00:00:01:10" \
    "src=10.1.1.20,dst=10.0.1.10,proto=6" "tcp(src=50000,dst=443)" 2
echo
echo "The mirrored copies that left the underlay port, decoded by tshark:"
wait_for sh -c "test \"\$(tshark -r '$work/p-phy.pcap' -Y 'udp.dstport == 4789' 2>/dev/null | wc -l)\" -ge 3"
tshark -r "$work/p-phy.pcap" -Y 'udp.dstport == 4789' -T fields \
    -E separator=' ' -e vxlan.vni -e ip.src -e ip.dst -e udp.dstport \
    -e _ws.col.Protocol -e frame.len 2>/dev/null \
| while read -r vni src dst udp proto len; do
    echo "    VXLAN VNI $vni, ${src%%,*} -> ${dst%%,*}, UDP ${udp%%,*}," \
         "$len bytes; inside: $proto ${src#*,} -> ${dst#*,}"
done
echo "(eni-web's session is blocked: none of its traffic is mirrored.)"

echo
echo "==> The counters, as ovs-tmd wrote them into the database"
wait_for session_is "$S_APP active mirrored_packets_in=1 mirrored_packets_out=2"
sleep 1
run ovs-tmctl get Traffic_Mirror_Session "$S_APP" statistics || exit 1

echo
echo "==> The network changes: sg-collector now lets in only 10.9.0.0/16"
sed 's|to-port="4789" cidr="10.0.0.0/16"|to-port="4789" cidr="10.9.0.0/16"|' \
    "$work/network.xml" > "$work/changed.xml"
cmp -s "$work/network.xml" "$work/changed.xml" \
    && fail "the network did not change"
(cd "$work" && run ovs-tmctl --dry-run load-topology changed.xml)
run ovs-tmctl load-topology "$work/changed.xml" || exit 1
wait_for session_is "$S_APP blocked"
wait_for in_sync
run ovs-tmctl describe-traffic-mirror-sessions || exit 1
echo "Its flows are gone:"
run ovs-appctl -t ovs-tmd session/show-flows "$S_APP"
run ovs-appctl -t ovs-tmd status | grep -E '^(sessions|flows)'
echo
echo "==> Stopping every daemon of the sandbox"
