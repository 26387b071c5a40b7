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

"""Real traffic between the hosts of a Lab: UDP datagrams and TCP
transfers by the kernel's own sockets, run inside the hosts."""

import json
import sys

_SEND_UDP = r'''
import socket, sys, json
a = json.loads(sys.argv[1])
for sport in a["sports"]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport))
    for _ in range(a["count"]):
        s.sendto(b"m" * a["size"], (a["dst"], a["dport"]))
    s.close()
'''

_TCP_SERVER = r'''
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); s.settimeout(10)
c, _ = s.accept(); c.settimeout(10); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n)
'''

_TCP_CLIENT = r'''
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
c.sendall(b"t" * int(sys.argv[3])); c.close(); print("sent")
'''

_UDP_SERVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.settimeout(float(sys.argv[2]))
n = 0
try:
    while True:
        d, _ = s.recvfrom(65536); n += 1
except socket.timeout:
    pass
print(n)
'''


def send_udp(host, dst, dport, sports, size=64, count=1):
    """Sends 'count' UDP datagrams of 'size' bytes from each of the
    source ports 'sports' of 'host' to 'dst':'dport'."""
    arg = json.dumps({'dst': str(dst), 'dport': dport, 'sports': sports,
                      'size': size, 'count': count})
    host.popen([sys.executable, '-c', _SEND_UDP, arg]).wait()


def tcp_transfer(client, server, server_ip, port, nbytes):
    """Sends 'nbytes' over a TCP connection from 'client' to 'server', at
    'server_ip':'port'.  Returns the number of bytes the server got."""
    srv = server.popen([sys.executable, '-c', _TCP_SERVER, str(port)],
                       stdout=-1, universal_newlines=True)
    out = ''
    for _ in range(50):
        out = server.cmd('ss -Hltn "sport = :%d"' % port)
        if out.strip():
            break
        server.cmd('sleep 0.05')
    client.popen([sys.executable, '-c', _TCP_CLIENT, str(server_ip),
                  str(port), str(nbytes)], stdout=-1).wait()
    got, _ = srv.communicate(timeout=20)
    try:
        return int(got.strip())
    except ValueError:
        return 0


def udp_exchange(client, server, server_ip, port, n, size=100):
    """Sends 'n' UDP datagrams from 'client' to 'server_ip':'port' on
    'server'.  Returns how many the server got."""
    srv = server.popen([sys.executable, '-c', _UDP_SERVER, str(port), '1'],
                       stdout=-1, universal_newlines=True)
    for _ in range(50):
        if server.cmd('ss -Hlun "sport = :%d"' % port).strip():
            break
        server.cmd('sleep 0.05')
    send_udp(client, server_ip, port, [40000], size=size, count=n)
    got, _ = srv.communicate(timeout=20)
    try:
        return int(got.strip())
    except ValueError:
        return 0
