#! /bin/sh
# "tm-sim flows": the flows a hypervisor would get, with the check first:
# sessions found blocked are left out and named on standard error, a load
# balancer target's copies go to the node in the source's zone, and what
# is printed is flows that Open vSwitch's own parser accepts.
set -e
tmsim=$(pwd)/sim/tm-sim
ofctl=${OVS_BUILDDIR:?}/utilities/ovs-ofctl
topologies=${srcdir:-.}/topologies
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0

# check NAME COMMAND...: counts COMMAND's success as a pass of NAME.
check() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "sim-flows.sh: $name failed" >&2
        failed=$((failed + 1))
    fi
}

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

echo "sim-flows.sh: $passed passed, $failed failed"
test $failed = 0
