#! /bin/sh
# dp-action.sh: the vxlan_mirror action that ovs-plugin/patches adds to Open
# vSwitch, end to end, in the patched ovs-vswitchd that the build made.
#
# A private sandbox (ovsdb-server and ovs-vswitchd --enable-dummy, every file
# in a temporary folder) with a dummy-datapath bridge: p1 is the source, p2
# its ordinary destination, p3 the way to the collectors.  Flows mirror what
# p1 sends with clone(vxlan_mirror(...),resubmit(,1)), and table 1 routes
# the copies by their outer headers to p3, like production traffic.  Packets
# are injected with netdev-dummy/receive and the output of p2 and p3 is
# captured with tx_pcap, then every byte is checked: the outer Ethernet,
# IPv4 or IPv6, UDP and VXLAN headers (addresses, TTL, DF, lengths, IPv4
# checksum, IPv6 UDP checksum, port 4789, I flag, VNI), truncation to the
# session's packet length and to the collector's IP MTU (less the 36 or 56
# bytes of outer IP, UDP and VXLAN headers),
# inner bytes equal to the first bytes sent, and originals delivered
# unchanged.  tshark's VXLAN dissector checks the same copies when tshark is
# installed.  Each flow's action has its own id, whose counters, as
# "ovs-ofctl dump-vxlan-mirror-stats" reads them, must hold the packets sent
# through it and their bytes.
#
# Environment: OVS_BUILDDIR, the built Open vSwitch tree (default: the one
# named in ./Makefile); DP_ACTION_KEEP=1 keeps the sandbox folder.

set -e
me=dp-action.sh

PYTHON=/usr/bin/python3
. "$(dirname "$0")/dp-sandbox.sh"
"$OVS_BUILDDIR/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
    --disable-system-route --detach --no-chdir -vconsole:off \
    --pidfile="$dir/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" \
    "unix:$dir/db.sock"

# p3's MTU is the collectors' 1500: the dummy netdev refuses to send a frame
# longer than its MTU plus the Ethernet header, as a real link would.
$vsctl add-br br0 \
    -- set bridge br0 datapath_type=dummy fail-mode=secure \
    -- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
    -- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2 \
           options:tx_pcap="$dir/p2.pcap" \
    -- add-port br0 p3 -- set interface p3 type=dummy ofport_request=3 \
           options:tx_pcap="$dir/p3.pcap" mtu_request=1500

# The probe: the dummy (userspace) datapath has the action.
$appctl dpif/show-dp-features br0 > "$dir/features"
grep -q '^VXLAN mirror action: Yes$' "$dir/features" \
    || fail "dpif/show-dp-features does not report the vxlan_mirror action"

src_mac=02:00:00:00:00:01
gw_mac=02:00:00:00:00:fe
common="eth_src=$src_mac,eth_dst=$gw_mac"
cat > "$dir/flows" <<EOF
table=0,priority=10,in_port=1,ip,nw_dst=192.168.0.1,actions=clone(vxlan_mirror(vni=4242,$common,ipv4_src=10.0.1.10,ipv4_dst=10.0.2.20,max_len=128,mtu=9001,id=1),resubmit(,1)),output:2
table=0,priority=10,in_port=1,ip,nw_dst=192.168.0.2,actions=clone(vxlan_mirror(vni=7,$common,ipv4_src=10.0.1.10,ipv4_dst=10.0.2.20,mtu=1500,id=2),resubmit(,1)),output:2
table=0,priority=10,in_port=1,ip,nw_dst=192.168.0.3,actions=clone(vxlan_mirror(vni=16777215,$common,ipv6_src=2001:db8::10,ipv6_dst=2001:db8::20,mtu=1500,id=3),resubmit(,1)),output:2
table=1,udp,nw_src=10.0.1.10,nw_dst=10.0.2.20,tp_dst=4789,actions=output:3
table=1,udp6,ipv6_dst=2001:db8::20,tp_dst=4789,actions=output:3
EOF
$ofctl add-flows br0 "$dir/flows"

# ovs-ofctl prints the action back as it was written.
$ofctl dump-flows --no-stats br0 table=0 > "$dir/dump"
grep -q "vxlan_mirror(vni=4242,$common,ipv4_src=10.0.1.10,ipv4_dst=10.0.2.20,max_len=128,mtu=9001,id=1)" "$dir/dump" \
    || fail "ovs-ofctl dump-flows does not print the action as installed"

# ofproto/trace shows the datapath action with the carried length: the
# smaller of max_len and the MTU less 36 (IPv4) or 56 (IPv6) bytes.
trace() {
    $appctl ofproto/trace br0 \
        "in_port=1,udp,nw_src=192.168.0.100,nw_dst=$1,udp_src=1000,udp_dst=2000" \
        | tail -n 1
}
check_trace() {
    got=$(trace "$1")
    case $got in
        *"vxlan_mirror(max_len=$2,"*"vni=$3),3),2") ;;
        *) fail "trace for $1: expected max_len=$2 and vni=$3, got: $got" ;;
    esac
    case $got in
        *recirc*) fail "trace for $1 recirculates: $got" ;;
    esac
}
check_trace 192.168.0.1 128 4242
check_trace 192.168.0.2 1464 7
check_trace 192.168.0.3 1444 16777215

# The packets: IPv4/UDP frames from p1 with seeded random payloads, each
# with the carried length and outer headers that its copy must have.
# The Internet checksum (RFC 1071), for both scripts below.
cat > "$dir/inet.py" <<'EOF'
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
EOF

PYTHONPATH=$dir $PYTHON - "$dir" <<'EOF'
import json
import random
import struct
import sys

from inet import checksum


def frame(dst_ip, size, seed):
    rnd = random.Random(seed)
    payload = bytes(rnd.randrange(256) for _ in range(size - 42))
    udp = struct.pack("!HHHH", 1000 + seed, 2000, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), seed, 0,
                     64, 17, 0, bytes([192, 168, 0, 100]), bytes(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = bytes.fromhex("0200000000020200000000640800")
    return eth + ip + udp + payload


cases = [
    # Packet length 128 wins over the 9001 MTU; a short packet is whole.
    (1, 1514, 4242, "ipv4", 128),
    (1, 200, 4242, "ipv4", 128),
    (1, 60, 4242, "ipv4", 60),
    # No packet length: a 1514-byte frame is cut to 1500 - 36 = 1464
    # bytes, so that the 1500-byte outer IPv4 packet fits the collectors'
    # MTU exactly.
    (2, 1514, 7, "ipv4", 1464),
    (2, 1000, 7, "ipv4", 1000),
    # IPv6 outer headers: 1500 - 56 = 1444 bytes.
    (3, 1514, 16777215, "ipv6", 1444),
]
out = []
for i, (dst, size, vni, family, carried) in enumerate(cases):
    pkt = frame([192, 168, 0, dst], size, i + 1)
    # Each flow's action counts under the id that is its destination's
    # last byte.
    out.append({"hex": pkt.hex(), "vni": vni, "family": family,
                "carried": carried, "id": dst})
json.dump(out, open(sys.argv[1] + "/cases.json", "w"))
EOF

count() {
    if test -f "$1"; then
        "$OVS_BUILDDIR/utilities/ovs-pcap" "$1" | wc -l
    else
        echo 0
    fi
}
wait_count() {
    tries=0
    while test "$(count "$1")" -lt "$2"; do
        tries=$((tries + 1))
        test $tries -lt 100 || fail "$1: fewer than $2 packets after 10 s"
        sleep 0.1
    done
}

sent=0
for hex in $($PYTHON -c 'import json, sys
for c in json.load(open(sys.argv[1])): print(c["hex"])' "$dir/cases.json"); do
    sent=$((sent + 1))
    $appctl netdev-dummy/receive p1 "$hex" > /dev/null
    wait_count "$dir/p3.pcap" $sent
    wait_count "$dir/p2.pcap" $sent
done
sleep 0.2
test "$(count "$dir/p3.pcap")" = $sent || fail "p3: more copies than packets"

# Every byte of every copy, and the originals.
PYTHONPATH=$dir $PYTHON - "$dir" "$src_mac" "$gw_mac" <<'EOF'
import json
import struct
import sys

from inet import checksum

d, src_mac, gw_mac = sys.argv[1:4]
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def read_pcap(name):
    data = open(name, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    pos, pkts = 24, []
    while pos < len(data):
        _, _, incl, orig = struct.unpack(endian + "IIII", data[pos:pos + 16])
        pkts.append(data[pos + 16:pos + 16 + incl])
        check(incl == orig, "%s: a record is cut short" % name)
        pos += 16 + incl
    return pkts


def mac(b):
    return ":".join("%02x" % x for x in b)


cases = json.load(open(d + "/cases.json"))
copies = read_pcap(d + "/p3.pcap")
originals = read_pcap(d + "/p2.pcap")
check(len(copies) == len(cases), "expected %d copies, got %d"
      % (len(cases), len(copies)))
check(len(originals) == len(cases), "expected %d originals, got %d"
      % (len(cases), len(originals)))

for i, (case, pkt, orig) in enumerate(zip(cases, copies, originals)):
    sent = bytes.fromhex(case["hex"])
    carried = case["carried"]
    w = "copy %d (%d bytes sent, %s, VNI %d)" % (i + 1, len(sent),
                                                  case["family"], case["vni"])
    check(orig == sent, w + ": the original was not delivered unchanged")

    check(mac(pkt[0:6]) == gw_mac, w + ": outer Ethernet destination")
    check(mac(pkt[6:12]) == src_mac, w + ": outer Ethernet source")
    if case["family"] == "ipv4":
        check(pkt[12:14] == b"\x08\x00", w + ": outer EtherType")
        ip = pkt[14:34]
        (vihl, tos, tot_len, ident, frag, ttl, proto, csum,
         src, dst) = struct.unpack("!BBHHHBBH4s4s", ip)
        check(vihl == 0x45, w + ": IPv4 version or header length")
        check(tot_len == len(pkt) - 14, w + ": IPv4 total length")
        check(tot_len == 20 + 8 + 8 + carried, w + ": IPv4 total length")
        check(frag == 0x4000, w + ": IPv4 DF bit and fragment offset")
        check(ttl == 64, w + ": IPv4 TTL")
        check(proto == 17, w + ": IPv4 protocol")
        check(checksum(ip) == 0, w + ": IPv4 header checksum")
        check(src == bytes([10, 0, 1, 10]), w + ": outer IPv4 source")
        check(dst == bytes([10, 0, 2, 20]), w + ": outer IPv4 destination")
        udp_ofs = 34
        check(tot_len <= 1500, w + ": copy larger than the MTU")
    else:
        check(pkt[12:14] == b"\x86\xdd", w + ": outer EtherType")
        ip6 = pkt[14:54]
        vtcfl, plen, nxt, hlim = struct.unpack("!IHBB", ip6[:8])
        check(vtcfl >> 28 == 6, w + ": IPv6 version")
        check(plen == len(pkt) - 54, w + ": IPv6 payload length")
        check(plen == 8 + 8 + carried, w + ": IPv6 payload length")
        check(nxt == 17 and hlim == 64, w + ": IPv6 next header, hop limit")
        check(ip6[8:24] == bytes.fromhex("20010db8" + "0" * 22 + "10"),
              w + ": outer IPv6 source")
        check(ip6[24:40] == bytes.fromhex("20010db8" + "0" * 22 + "20"),
              w + ": outer IPv6 destination")
        pseudo = ip6[8:40] + struct.pack("!IxxxB", plen, 17)
        check(checksum(pseudo + pkt[54:]) == 0, w + ": UDP checksum")
        udp_ofs = 54
        check(plen + 40 <= 1500, w + ": copy larger than the MTU")

    sport, dport, ulen, ucsum = struct.unpack("!HHHH",
                                              pkt[udp_ofs:udp_ofs + 8])
    check(dport == 4789, w + ": UDP destination port")
    check(32768 <= sport <= 61000, w + ": UDP source port out of range")
    check(ulen == len(pkt) - udp_ofs, w + ": UDP length")
    if case["family"] == "ipv4":
        check(ucsum == 0, w + ": UDP checksum should be zero over IPv4")
    vx = pkt[udp_ofs + 8:udp_ofs + 16]
    check(vx[0] == 0x08 and vx[1:4] == b"\0\0\0" and vx[7] == 0,
          w + ": VXLAN flags or reserved bits")
    check(int.from_bytes(vx[4:7], "big") == case["vni"], w + ": VNI")
    inner = pkt[udp_ofs + 16:]
    check(len(inner) == carried, w + ": carries %d bytes, expected %d"
          % (len(inner), carried))
    check(inner == sent[:carried], w + ": inner bytes differ from those sent")

for e in errors:
    print("dp-action.sh: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

# tshark's own VXLAN dissector, when it is there, decodes the same copies:
# the VNI, good IPv4 header checksums (outer, then inner), the outer UDP
# port 4789 and, inside, the UDP port 2000 of the packets sent.
if command -v tshark > /dev/null 2>&1; then
    tshark -r "$dir/p3.pcap" -o ip.check_checksum:TRUE -T fields \
        -e vxlan.vni -e ip.checksum.status -e udp.dstport \
        > "$dir/tshark" 2> "$dir/tshark.err" \
        || fail "tshark could not read the capture: $(cat "$dir/tshark.err")"
    for vni in 4242 4242 4242 7 7; do
        printf '%s\t1,1\t4789,2000\n' $vni
    done > "$dir/tshark.expected"
    printf '16777215\t1\t4789,2000\n' >> "$dir/tshark.expected"
    diff -u "$dir/tshark.expected" "$dir/tshark" >&2 \
        || fail "tshark decodes the copies differently"
else
    echo "$me: tshark not installed, its decoding was not checked" >&2
fi

# The counters: once the revalidators have credited the datapath flows'
# statistics, each id holds the packets sent through its flow and their
# bytes as sent (not as encapsulated).
$appctl revalidator/purge > /dev/null
$ofctl dump-vxlan-mirror-stats br0 | sed -n 's/^ id=/id=/p' > "$dir/counters"
$PYTHON - "$dir/cases.json" > "$dir/counters.expected" <<'EOF'
import json
import sys

counters = {}
for case in json.load(open(sys.argv[1])):
    packets, octets = counters.get(case["id"], (0, 0))
    counters[case["id"]] = (packets + 1, octets + len(case["hex"]) // 2)
for i, (packets, octets) in sorted(counters.items()):
    print("id=%d,flow_count=1,packet_count=%d,byte_count=%d"
          % (i, packets, octets))
EOF
diff -u "$dir/counters.expected" "$dir/counters" >&2 \
    || fail "ovs-ofctl dump-vxlan-mirror-stats: other counters than sent"

# A datapath without the action (as the kernel datapath is) drops the copy
# and still forwards the original.
$appctl dpif/set-dp-features br0 vxlan_mirror false > /dev/null
got=$(trace 192.168.0.1)
test "$got" = "Datapath actions: 2" \
    || fail "without datapath support: expected only the original, got: $got"

echo "$me: 1 passed, 0 failed"
