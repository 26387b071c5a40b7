#! /bin/sh
# "tm-sim flows": the flows a hypervisor would get, with the check first:
# sessions found blocked are left out and named on standard error, a load
# balancer target's copies go to the node in the source's zone, and what
# is printed is flows that Open vSwitch's own parser accepts.
set -e
tmsim=$(pwd)/utilities/tm-sim
ofctl=${OVS_BUILDDIR:?}/utilities/ovs-ofctl
topologies=${srcdir:-.}/topologies
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

me=sim-flows.sh
. "$(dirname "$0")/tm-check.sh"

# flows FILE [OPTION...]: runs tm-sim flows into $tmp/out and $tmp/err and
# leaves its exit status in $status.
flows() {
    status=0
    "$tmsim" flows "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
}

# parses: the flows (less comments) are valid ovs-ofctl syntax.
parses() {
    grep -v '^#' "$tmp/out" > "$tmp/flows"
    test -s "$tmp/flows" && "$ofctl" parse-flows "$tmp/flows" > /dev/null
}

# The default topology: tms-app is reachable, tms-web blocked twice.
flows "$topologies/default.xml"
check "default: exit status 1" test $status = 1
check "default: tms-web named with both reasons" grep -q -F \
    "session tms-web left out of the flows: blocked: TGW_RTB_CANNOT_ROUTE at tgw-rtb-main; ENI_SG_RULES_MISMATCH at sg-collector" \
    "$tmp/err"
check "default: tms-app not named" sh -c "! grep -q tms-app '$tmp/err'"
check "default: tms-app's copies (VNI 100, to eni-collector)" grep -q -F \
    'set_field:0x64->tun_id,set_field:10.0.1.10->tun_src,set_field:10.2.1.100->tun_dst' \
    "$tmp/out"
check "default: nothing for tms-web (VNI 200)" \
    sh -c "! grep -q -e '0xc8->tun_id' -e '10.1.1.20->tun_src' '$tmp/out'"
check "default: no counters with the native backend" \
    sh -c "! grep -q '^# session' '$tmp/out'"
check "default: one block per hypervisor" \
    test "$(grep -c '^# hypervisor' "$tmp/out")" = 2
check "default: flows parse" parses

flows "$topologies/default.xml" --hypervisor=hv2
check "hv2: only hv2" test "$(grep -c '^# hypervisor hv2,' "$tmp/out")" = 1
check "hv2: no copies (no source there)" \
    sh -c "! grep -q tun_dst '$tmp/out'"

flows "$topologies/default.xml" --hypervisor=hv9
check "hv9: exit status 2" test $status = 2
check "hv9: named" grep -q 'no hypervisor "hv9"' "$tmp/err"

flows "$topologies/default.xml" --tunnel-port=0
check "--tunnel-port=0: exit status 2" test $status = 2

# A load balancer target: the copies of tms-cross-on go to nlb-cross-on's
# node in the source's zone (10.0.10.10, listed second), from port 7.
sed 's|</topology>|<hypervisor id="hv1" bridge="br-int" underlay-ip="192.168.100.1"><port network-interface="eni-src" name="vif-src" ofport="7"/></hypervisor></topology>|' \
    "$topologies/nlb.xml" > "$tmp/nlb.xml"
flows "$tmp/nlb.xml" --tunnel-port=9
check "nlb: exit status 1" test $status = 1
check "nlb: to the node in az1" grep -q -F \
    'set_field:10.0.1.10->tun_src,set_field:10.0.10.10->tun_dst,output:9)' \
    "$tmp/out"
check "nlb: from port 7" grep -q 'in_port=7 ' "$tmp/out"
check "nlb: nothing to the blocked ones' nodes" \
    sh -c "! grep -q -e 10.0.10.5 -e 10.0.10.20 -e 10.0.10.30 '$tmp/out'"
check "nlb: blocked ones named" \
    test "$(grep -c 'left out of the flows: blocked' "$tmp/err")" = 3
check "nlb: flows parse" parses

# Port numbers: in range and unique on a hypervisor, or exit status 2
# with the line.
sed 's|name="vif-app"/>|name="vif-app" ofport="65280"/>|' \
    "$topologies/default.xml" > "$tmp/bad-ofport.xml"
line=$(grep -n 'ofport="65280"' "$tmp/bad-ofport.xml" | cut -d: -f1)
flows "$tmp/bad-ofport.xml"
check "ofport 65280: exit status 2" test $status = 2
check "ofport 65280: file and line" \
    grep -q -F "$tmp/bad-ofport.xml:$line: port ofport: 65280" "$tmp/err"
sed 's|name="vif-web"/>|name="vif-web" ofport="1"/>|' \
    "$topologies/default.xml" > "$tmp/dup-ofport.xml"
flows "$tmp/dup-ofport.xml"
check "duplicate ofport: exit status 2" test $status = 2
check "duplicate ofport: named" \
    grep -q 'port ofport: 1 is already the port of eni-app' "$tmp/err"

# The vxlan-mirror backend: the project's action (ovs-plugin/patches), from
# the source ENI's MAC to the router's, capped by the collector's MTU, in
# flows that the patched Open vSwitch parses.
flows "$topologies/default.xml" --backend=vxlan-mirror
check "vxlan-mirror: exit status 1" test $status = 1
check "vxlan-mirror: named in the comment" \
    grep -q '^# hypervisor hv1, bridge br-int, backend vxlan-mirror$' \
    "$tmp/out"
check "vxlan-mirror: tms-app's copies" grep -q -F \
    'clone(vxlan_mirror(vni=100,eth_src=02:00:00:00:01:10,eth_dst=02:00:00:00:00:fe,ipv4_src=10.0.1.10,ipv4_dst=10.2.1.100,mtu=9001,id=1845359494),set_field:1->in_port,NORMAL)' \
    "$tmp/out"
check "vxlan-mirror: tms-app's counters, from the hash of its id" \
    grep -q '^# session tms-app: counters id=1845359494$' "$tmp/out"
check "vxlan-mirror: no tunnel port" \
    sh -c "! grep -q -e tun_dst -e output:100 '$tmp/out'"
check "vxlan-mirror: flows parse" parses

flows "$topologies/default.xml" --backend=vxlan-mirror --pipeline=register \
    --router-mac=0a:00:00:00:00:01 --hypervisor=hv1
check "vxlan-mirror register: marked, on at table 0" grep -q -F \
    'eth_dst=0a:00:00:00:00:01,ipv4_src=10.0.1.10,ipv4_dst=10.2.1.100,mtu=9001,id=1845359494),set_field:1->in_port,load:0x1->NXM_NX_REG7[0],resubmit(,0))' \
    "$tmp/out"
check "vxlan-mirror register: a marked copy is not mirrored again" \
    test "$(grep -c 'priority=200,reg7=0x1/0x1 actions=drop' "$tmp/out")" = 2
check "vxlan-mirror register: flows parse" parses

# A target in the source's own subnet is its copies' next hop, as for the
# source's own traffic; one in another subnet is reached through the
# router.
sed -e 's|ip="10.0.1.10"|ip="10.0.1.10" mac="02:00:00:00:01:0a"|' \
    -e 's|ip="10.0.1.11"|ip="10.0.1.11" mac="02:00:00:00:01:0b"|' \
    -e 's|ip="10.0.1.20"|ip="10.0.1.20" mac="02:00:00:00:01:14"|' \
    -e 's|ip="10.0.2.10"|ip="10.0.2.10" mac="02:00:00:00:02:0a"|' \
    -e 's|</topology>|<hypervisor id="hv1" bridge="br-int" underlay-ip="192.168.100.1"><port network-interface="eni-web" name="vif-web"/><port network-interface="eni-web2" name="vif-web2"/></hypervisor></topology>|' \
    "$topologies/same-vpc.xml" > "$tmp/same-vpc.xml"
flows "$tmp/same-vpc.xml" --backend=vxlan-mirror
check "same subnet: to the target's MAC" grep -q -F \
    'eth_src=02:00:00:00:01:0b,eth_dst=02:00:00:00:01:14,ipv4_src=10.0.1.11,ipv4_dst=10.0.1.20,' \
    "$tmp/out"
check "other subnet: to the router's" grep -q -F \
    'eth_src=02:00:00:00:01:0a,eth_dst=02:00:00:00:00:fe,ipv4_src=10.0.1.10,ipv4_dst=10.0.2.10,' \
    "$tmp/out"
check "same subnet: flows parse" parses

# Without MACs in the topology, vxlan-mirror has no outer Ethernet source.
sed 's|</topology>|<hypervisor id="hv1" bridge="br-int" underlay-ip="192.168.100.1"><port network-interface="eni-web" name="vif-web"/></hypervisor></topology>|' \
    "$topologies/same-vpc.xml" > "$tmp/no-mac.xml"
flows "$tmp/no-mac.xml" --backend=vxlan-mirror
check "no MAC: exit status 2" test $status = 2
check "no MAC: named" grep -q 'ENI eni-web has no MAC address' "$tmp/err"

# Bad values.
flows "$topologies/default.xml" --backend=vxlan_mirror
check "--backend=vxlan_mirror: exit status 2" test $status = 2
check "--backend=vxlan_mirror: named" grep -q -F -e \
    '--backend: "vxlan_mirror" is not native, vxlan-mirror or auto' \
    "$tmp/err"
flows "$topologies/default.xml" --router-mac=ff:ff:ff:ff:ff:ff
check "--router-mac broadcast: exit status 2" test $status = 2
check "--router-mac broadcast: named" grep -q -F -e \
    '--router-mac: "ff:ff:ff:ff:ff:ff" is not a unicast MAC address' \
    "$tmp/err"
flows "$topologies/default.xml" --vswitchd=ovs-vswitchd
check "--vswitchd without auto: exit status 2" test $status = 2
check "--vswitchd without auto: named" \
    grep -q -F -e '--vswitchd goes with --backend=auto' "$tmp/err"

check_summary
