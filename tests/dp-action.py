#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-tmirror authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""The packets of the vxlan_mirror action's test (tests/dp-action.at), and
the check of every byte of the copies that the action made of them.

  dp-action.py cases            prints the cases as JSON: each packet (in
                                hex) with the VNI, outer family, carried
                                length and counters id its copy must have
  dp-action.py check CASES COPIES ORIGINALS SRC-MAC GW-MAC
                                checks the copies captured in the pcap file
                                COPIES and the originals in ORIGINALS
                                against CASES; prints what differs, exits 1
                                if anything does
"""

import json
import random
import struct
import sys


def checksum(data):
    """The Internet checksum (RFC 1071) of 'data'."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(dst_ip, size, seed):
    rnd = random.Random(seed)
    payload = bytes(rnd.randrange(256) for _ in range(size - 42))
    udp = struct.pack("!HHHH", 1000 + seed, 2000, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), seed, 0,
                     64, 17, 0, bytes([192, 168, 0, 100]), bytes(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = bytes.fromhex("0200000000020200000000640800")
    return eth + ip + udp + payload


def cases():
    table = [
        # Packet length 128 wins over the 9001 MTU; a short packet is
        # whole.
        (1, 1514, 4242, "ipv4", 128),
        (1, 200, 4242, "ipv4", 128),
        (1, 60, 4242, "ipv4", 60),
        # No packet length: a 1500-byte IP packet is cut to 1500 - 54 =
        # 1446 bytes, so that the 1496-byte copy fits the collectors' MTU.
        (2, 1514, 7, "ipv4", 1446),
        (2, 1000, 7, "ipv4", 1000),
        # IPv6 outer headers: 1500 - 74 = 1426 bytes.
        (3, 1514, 16777215, "ipv6", 1426),
    ]
    out = []
    for i, (dst, size, vni, family, carried) in enumerate(table):
        pkt = frame([192, 168, 0, dst], size, i + 1)
        # Each flow's action counts under the id that is its destination's
        # last byte.
        out.append({"hex": pkt.hex(), "vni": vni, "family": family,
                    "carried": carried, "id": dst})
    json.dump(out, sys.stdout)
    print()
    return 0


def check(cases_file, copies_file, originals_file, src_mac, gw_mac):
    errors = []

    def expect(cond, what):
        if not cond:
            errors.append(what)

    def read_pcap(name):
        data = open(name, "rb").read()
        magic = struct.unpack("<I", data[:4])[0]
        endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        pos, pkts = 24, []
        while pos < len(data):
            _, _, incl, orig = struct.unpack(endian + "IIII",
                                             data[pos:pos + 16])
            pkts.append(data[pos + 16:pos + 16 + incl])
            expect(incl == orig, "%s: a record is cut short" % name)
            pos += 16 + incl
        return pkts

    def mac(b):
        return ":".join("%02x" % x for x in b)

    cases = json.load(open(cases_file))
    copies = read_pcap(copies_file)
    originals = read_pcap(originals_file)
    expect(len(copies) == len(cases), "expected %d copies, got %d"
           % (len(cases), len(copies)))
    expect(len(originals) == len(cases), "expected %d originals, got %d"
           % (len(cases), len(originals)))

    for i, (case, pkt, orig) in enumerate(zip(cases, copies, originals)):
        sent = bytes.fromhex(case["hex"])
        carried = case["carried"]
        w = "copy %d (%d bytes sent, %s, VNI %d)" % (
            i + 1, len(sent), case["family"], case["vni"])
        expect(orig == sent, w + ": the original was not delivered unchanged")

        expect(mac(pkt[0:6]) == gw_mac, w + ": outer Ethernet destination")
        expect(mac(pkt[6:12]) == src_mac, w + ": outer Ethernet source")
        if case["family"] == "ipv4":
            expect(pkt[12:14] == b"\x08\x00", w + ": outer EtherType")
            ip = pkt[14:34]
            (vihl, tos, tot_len, ident, frag, ttl, proto, csum,
             src, dst) = struct.unpack("!BBHHHBBH4s4s", ip)
            expect(vihl == 0x45, w + ": IPv4 version or header length")
            expect(tot_len == len(pkt) - 14, w + ": IPv4 total length")
            expect(tot_len == 20 + 8 + 8 + carried,
                   w + ": IPv4 total length")
            expect(frag == 0x4000, w + ": IPv4 DF bit and fragment offset")
            expect(ttl == 64, w + ": IPv4 TTL")
            expect(proto == 17, w + ": IPv4 protocol")
            expect(checksum(ip) == 0, w + ": IPv4 header checksum")
            expect(src == bytes([10, 0, 1, 10]), w + ": outer IPv4 source")
            expect(dst == bytes([10, 0, 2, 20]),
                   w + ": outer IPv4 destination")
            udp_ofs = 34
            expect(tot_len <= 1500, w + ": copy larger than the MTU")
        else:
            expect(pkt[12:14] == b"\x86\xdd", w + ": outer EtherType")
            ip6 = pkt[14:54]
            vtcfl, plen, nxt, hlim = struct.unpack("!IHBB", ip6[:8])
            expect(vtcfl >> 28 == 6, w + ": IPv6 version")
            expect(plen == len(pkt) - 54, w + ": IPv6 payload length")
            expect(plen == 8 + 8 + carried, w + ": IPv6 payload length")
            expect(nxt == 17 and hlim == 64,
                   w + ": IPv6 next header, hop limit")
            expect(ip6[8:24] == bytes.fromhex("20010db8" + "0" * 22 + "10"),
                   w + ": outer IPv6 source")
            expect(ip6[24:40] == bytes.fromhex("20010db8" + "0" * 22 + "20"),
                   w + ": outer IPv6 destination")
            pseudo = ip6[8:40] + struct.pack("!IxxxB", plen, 17)
            expect(checksum(pseudo + pkt[54:]) == 0, w + ": UDP checksum")
            udp_ofs = 54
            expect(plen + 40 <= 1500, w + ": copy larger than the MTU")

        sport, dport, ulen, ucsum = struct.unpack("!HHHH",
                                                  pkt[udp_ofs:udp_ofs + 8])
        expect(dport == 4789, w + ": UDP destination port")
        expect(32768 <= sport <= 61000, w + ": UDP source port out of range")
        expect(ulen == len(pkt) - udp_ofs, w + ": UDP length")
        if case["family"] == "ipv4":
            expect(ucsum == 0, w + ": UDP checksum should be zero over IPv4")
        vx = pkt[udp_ofs + 8:udp_ofs + 16]
        expect(vx[0] == 0x08 and vx[1:4] == b"\0\0\0" and vx[7] == 0,
               w + ": VXLAN flags or reserved bits")
        expect(int.from_bytes(vx[4:7], "big") == case["vni"], w + ": VNI")
        inner = pkt[udp_ofs + 16:]
        expect(len(inner) == carried, w + ": carries %d bytes, expected %d"
               % (len(inner), carried))
        expect(inner == sent[:carried],
               w + ": inner bytes differ from those sent")

    for e in errors:
        print(e)
    return 1 if errors else 0


def main(argv):
    if len(argv) == 2 and argv[1] == "cases":
        return cases()
    if len(argv) == 7 and argv[1] == "check":
        return check(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
