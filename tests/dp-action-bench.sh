#! /bin/sh
# dp-action-bench.sh: instructions per packet that the userspace datapath
# spends on a mirrored packet, counted by valgrind's callgrind (repeatable on
# shared machines where times are noise), side by side in one run:
#
#   plain       forwarding only, no mirror;
#   native      clone() with a flow-based VXLAN tunnel port, its output
#               truncated with output(max_len=...) or not (stock OVS);
#   vxlan_mirror  clone(vxlan_mirror(...),resubmit(,1)), truncated with
#               max_len or not (the action of ovs-plugin/patches).
#
# One ovs-vswitchd --enable-dummy runs under callgrind in a private sandbox,
# collecting only inside dp_netdev_process_rxq_port(), which receives,
# classifies and executes a batch (recirculation included).  For each
# configuration the flows are replaced, the datapath flows are warmed up,
# the counters zeroed, N packets injected and the cost divided by N.  The
# mirroring cost of a configuration is its cost less that of "plain"; the
# ratio column compares vxlan_mirror with the native backend, truncated and
# not.  The issue's target: at most 0.6 for 1500-byte packets truncated to
# 128 bytes.
#
# Usage: tests/dp-action-bench.sh [PACKET-SIZE [TRUNCATE-TO [N]]]
#        (defaults: 1500 128 1000)
# Environment: OVS_BUILDDIR, the built Open vSwitch tree (default: the one
# named in ./Makefile); TM_SANDBOX_KEEP=1 keeps the sandbox folder.

set -e
me=dp-action-bench.sh
size=${1:-1500}
trunc=${2:-128}
npkts=${3:-1000}

command -v valgrind > /dev/null || { echo "$me: needs valgrind" >&2; exit 1; }
sandbox_timeout=120
. "$(dirname "$0")/sandbox.sh"
sandbox_start

# ovs-vswitchd under callgrind, in the background (valgrind does not follow
# --detach); its pidfile says when it is up.
valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out.%p" \
    --collect-atstart=no --toggle-collect=dp_netdev_process_rxq_port \
    "$OVS_BUILDDIR/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
    --disable-system-route --no-chdir -vconsole:off \
    --pidfile="$dir/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" \
    "unix:$dir/db.sock" > "$dir/valgrind.log" 2>&1 &
n=0
until test -f "$dir/ovs-vswitchd.pid" && $appctl version > /dev/null 2>&1; do
    n=$((n + 1))
    test $n -lt 600 || fail "ovs-vswitchd did not start under valgrind"
    sleep 0.2
done
vpid=$(cat "$dir/ovs-vswitchd.pid")

# br0: the source p1, its destination p2, a flow-based VXLAN port for the
# native backend, and p3 towards the collector for vxlan_mirror.  br-phy:
# the underlay of the native backend, 10.0.1.10/24 (the outer source comes
# from the route), with the gateway's neighbour entry set so that no copy
# is lost to an ARP miss.
$vsctl add-br br0 -- set bridge br0 datapath_type=dummy fail-mode=secure \
    -- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
    -- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2 \
    -- add-port br0 p3 -- set interface p3 type=dummy ofport_request=3 \
    -- add-port br0 vx -- set interface vx type=vxlan ofport_request=4 \
           options:remote_ip=flow options:key=flow \
    -- add-br br-phy -- set bridge br-phy datapath_type=dummy \
           fail-mode=secure other-config:hwaddr=02:00:00:00:00:01 \
    -- add-port br-phy p4 -- set interface p4 type=dummy ofport_request=1
$appctl netdev-dummy/ip4addr br-phy 10.0.1.10/24 > /dev/null
$appctl ovs/route/add 10.0.2.0/24 br-phy 10.0.1.1 > /dev/null
$appctl tnl/neigh/set br-phy 10.0.1.1 02:00:00:00:00:fe > /dev/null
$ofctl add-flow br-phy 'in_port=LOCAL,actions=output:1'

# One packet, SIZE bytes of IPv4/UDP, injected 50 at a time.
pkt=$(/usr/bin/python3 - "$size" <<'EOF'
import struct
import sys

size = int(sys.argv[1])
payload = bytes(i % 256 for i in range(size - 42))
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, size - 14, 1, 0, 64, 17, 0,
                 bytes([192, 168, 0, 100]), bytes([192, 168, 0, 1]))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
udp = struct.pack("!HHHH", 1000, 2000, size - 34, 0)
eth = bytes.fromhex("0200000000020200000000640800")
print((eth + ip + udp + payload).hex())
EOF
)
burst=50
args=
i=0
while test $i -lt $burst; do
    args="$args $pkt"
    i=$((i + 1))
done

tx_packets() {
    $ofctl dump-ports br0 2 | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p'
}

# Injects '$1' packets (a multiple of the burst), a burst at a time, each
# once the previous one has gone out of p2: netdev-dummy queues at most 100
# received packets.
inject() {
    target=$(tx_packets)
    sent=0
    while test $sent -lt "$1"; do
        # shellcheck disable=SC2086
        $appctl netdev-dummy/receive p1 $args > /dev/null
        sent=$((sent + burst))
        target=$((target + burst))
        tries=0
        while test "$(tx_packets)" -lt $target; do
            tries=$((tries + 1))
            test $tries -lt 600 || fail "packets not forwarded"
            sleep 0.1
        done
    done
}

total_ir() {
    sed -n 's/^totals: *\([0-9]*\).*/\1/p; s/^summary: *\([0-9]*\).*/\1/p' \
        "$1" | head -n 1
}

# measure NAME FLOWS: instructions per packet for the configuration.
measure() {
    printf '%s\n' "$2" > "$dir/flows"
    $ofctl del-flows br0
    $ofctl add-flows br0 "$dir/flows"
    $appctl revalidator/purge > /dev/null
    inject $burst                       # Installs the datapath flows,
    inject $burst                       # then runs through them.
    $appctl dpctl/dump-flows > "$dir/dpflows.$1"
    callgrind_control -z "$vpid" > /dev/null 2>&1
    inject "$npkts"
    rm -f "$dir"/callgrind.out.*.*
    callgrind_control -d "$vpid" > /dev/null 2>&1
    out=$(ls "$dir"/callgrind.out.*.* | head -n 1)
    ir=$(total_ir "$out")
    test -n "$ir" || fail "no callgrind totals in $out"
    echo $((ir / npkts))
}

mirror="eth_src=02:00:00:00:00:01,eth_dst=02:00:00:00:00:fe,ipv4_src=10.0.1.10,ipv4_dst=10.0.2.20"
tunnel="set_field:10.0.2.20->tun_dst,set_field:100->tun_id"

plain=$(measure plain 'in_port=1,actions=output:2')
native=$(measure native \
    "in_port=1,actions=clone($tunnel,output:4),output:2")
native_t=$(measure native_t \
    "in_port=1,actions=clone($tunnel,output(port=4,max_len=$trunc)),output:2")
vm=$(measure vxlan_mirror "table=0,in_port=1,actions=clone(vxlan_mirror(vni=100,$mirror),resubmit(,1)),output:2
table=1,udp,nw_dst=10.0.2.20,tp_dst=4789,actions=output:3")
vm_t=$(measure vxlan_mirror_t "table=0,in_port=1,actions=clone(vxlan_mirror(vni=100,$mirror,max_len=$trunc),resubmit(,1)),output:2
table=1,udp,nw_dst=10.0.2.20,tp_dst=4789,actions=output:3")

grep -q tnl_push "$dir/dpflows.native" \
    || fail "the native backend did not push a tunnel header"
grep -q vxlan_mirror "$dir/dpflows.vxlan_mirror_t" \
    || fail "the vxlan_mirror datapath action is missing"

recirc() {
    if grep -q 'recirc(' "$dir/dpflows.$1"; then echo yes; else echo no; fi
}
ratio() {
    awk -v a="$1" -v b="$2" -v p="$plain" \
        'BEGIN { if (b - p > 0) printf "%.2f", (a - p) / (b - p); else print "-" }'
}

printf '%s: %d-byte packets, truncated to %d, %d packets each\n' \
    "$me" "$size" "$trunc" "$npkts"
printf '%-34s %12s %12s %8s %7s\n' configuration "Ir/packet" "mirror Ir" \
    ratio recirc
printf '%-34s %12d %12s %8s %7s\n' "plain forwarding" "$plain" - - \
    "$(recirc plain)"
printf '%-34s %12d %12d %8s %7s\n' "native clone + tunnel push" "$native" \
    $((native - plain)) 1.00 "$(recirc native)"
printf '%-34s %12d %12d %8s %7s\n' "vxlan_mirror" "$vm" $((vm - plain)) \
    "$(ratio "$vm" "$native")" "$(recirc vxlan_mirror)"
printf '%-34s %12d %12d %8s %7s\n' "native clone + trunc + tunnel push" \
    "$native_t" $((native_t - plain)) 1.00 "$(recirc native_t)"
printf '%-34s %12d %12d %8s %7s\n' "vxlan_mirror max_len=$trunc" "$vm_t" \
    $((vm_t - plain)) "$(ratio "$vm_t" "$native_t")" \
    "$(recirc vxlan_mirror_t)"
