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

"""A VXLAN collector, as a monitoring appliance runs one.

Listens on UDP 4789 of every address of the namespace it runs in, as a
socket: a copy counts only once it got through everything a real
appliance's kernel applies (its security groups in nftables, its
routing).  Writes one JSON object per copy to OUTPUT: the outer source,
the VNI (RFC 7348), the length of the mirrored frame carried after the
VXLAN header, and the inner IPv4 header's protocol, addresses and ports.

usage: collector.py OUTPUT"""

import json
import socket
import struct
import sys


def decode(data, addr):
    rec = {'src': addr[0], 'len': len(data) - 8}
    if len(data) < 8 or not data[0] & 0x08:
        rec['error'] = 'not VXLAN'
        return rec
    rec['vni'] = struct.unpack('!I', data[4:8])[0] >> 8
    frame = data[8:]
    if len(frame) >= 34 and frame[12:14] == b'\x08\x00':
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        rec['proto'] = ip[9]
        rec['ip_len'] = struct.unpack('!H', ip[2:4])[0]
        rec['inner_src'] = socket.inet_ntoa(ip[12:16])
        rec['inner_dst'] = socket.inet_ntoa(ip[16:20])
        if ip[9] in (6, 17) and len(ip) >= ihl + 4:
            rec['sport'], rec['dport'] = struct.unpack('!HH',
                                                       ip[ihl:ihl + 4])
    return rec


def main():
    out = open(sys.argv[1], 'a', buffering=1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind(('0.0.0.0', 4789))
    out.write(json.dumps({'listening': True}) + '\n')
    while True:
        data, addr = s.recvfrom(65535)
        out.write(json.dumps(decode(data, addr)) + '\n')


if __name__ == '__main__':
    main()
