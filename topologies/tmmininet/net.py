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

"""A topology file built as a live network of namespaces, with mininet.

What AWS does, each piece by the kernel or Open vSwitch doing it:

  - each network interface is a mininet host with its address and MAC, on
    an access port (the subnet's VLAN) of its hypervisor's Open vSwitch
    bridge, on the userspace datapath of the project's patched
    ovs-vswitchd, which runs in a private folder; interfaces that no
    hypervisor of the file holds sit on a bridge of their own, "tmmh0";
    every bridge is patched to a fabric bridge that carries the VLANs;
  - the mirror sessions are the flows of "tm-sim flows --backend=
    vxlan-mirror --include-blocked", installed by install_mirrors(): the
    copy leaves the source's port as the source's own traffic would;
  - each VPC is a router namespace with an interface in each subnet (the
    subnet's first address, MAC 02:00:00:00:00:fe, tm-sim's default next
    hop), routing by policy: what comes in from a subnet is routed by that
    subnet's route table, what comes from a transit gateway by the table of
    the attachment's subnet it came through, what comes from a peering
    locally; a local route "throws" the lookup to a table of the subnets;
  - network ACLs are stateless nftables chains in the VPC router, first
    match wins, the implicit deny last: a subnet's egress entries for what
    comes from it, its ingress entries for what goes to it;
  - a peering connection is a namespace that forwards from each side only
    to the other VPC's CIDRs, and nothing when not active;
  - a transit gateway is a namespace with a link to each attachment subnet
    and, for a peering of gateways, one per zone, so that the gateway
    knows the zone the copy came from: what comes in is routed by the
    route table its attachment is associated with, in that zone's copy of
    it, whose routes lead to the attachment's subnet in the same zone (or
    its first); routes are the static ones and the propagated ones that no
    static route hides;
  - security groups are stateful nftables in the interface's namespace,
    ingress only; a reference holds when the copy came without a mark in
    its DSCP field: a transit gateway (or attachment, or gateway peering)
    that does not carry references marks what it forwards, and a load
    balancer node marks with a value of its own, which a reference to the
    load balancer's group accepts;
  - a load balancer node is a namespace that, with a UDP 4789 listener,
    DNATs each new flow to the next of the healthy targets it may use,
    keeping the client's address, through its own security groups;
  - monitoring appliances run a VXLAN collector (collector.py) that writes
    what arrived, per VNI.

Only IPv4 topologies are built."""

import fcntl
import ipaddress
import json
import os
import signal
import subprocess
import sys
import time

from .topology import Topology

ROUTER_MAC = '02:00:00:00:00:fe'
VXLAN_PORT = 4789
DSCP_NO_REFERENCES = 1          # Forwarded by what does not carry
                                # security group references.
DSCP_NLB = 8                    # Plus the load balancer's index.
PREFIX = 'tmm'                  # Of every node, link and bridge made here.
LINK_POOL = ipaddress.ip_network('100.64.0.0/10')

HERE = os.path.dirname(os.path.abspath(__file__))


class Error(Exception):
    pass


def run(args, env=None, check=True, **kw):
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, **kw)
    if check and p.returncode:
        raise Error('%s: exit %d: %s' % (' '.join(args), p.returncode,
                                         p.stderr.strip()))
    return p


class Ovs(object):
    """The project's patched ovsdb-server and ovs-vswitchd, in 'rundir',
    never the system's."""

    def __init__(self, rundir, ovs_builddir):
        self.rundir = rundir
        self.b = ovs_builddir
        self.env = dict(os.environ)
        self.env.update(OVS_RUNDIR=rundir, OVS_DBDIR=rundir,
                        OVS_LOGDIR=rundir, OVS_SYSCONFDIR=rundir,
                        OVS_PKGDATADIR=os.path.join(ovs_builddir,
                                                    'vswitchd'))
        self.env['PATH'] = ':'.join([os.path.join(ovs_builddir, d)
                                     for d in ('utilities', 'vswitchd',
                                               'ovsdb')]
                                    + [self.env.get('PATH', '')])

    def tool(self, name):
        for d in ('utilities', 'vswitchd', 'ovsdb'):
            p = os.path.join(self.b, d, name)
            if os.access(p, os.X_OK):
                return p
        raise Error('no %s in %s' % (name, self.b))

    def start(self):
        os.makedirs(self.rundir, exist_ok=True)
        db = os.path.join(self.rundir, 'conf.db')
        if not os.path.exists(db):
            run([self.tool('ovsdb-tool'), 'create', db,
                 os.path.join(self.b, 'vswitchd', 'vswitch.ovsschema')])
        sock = os.path.join(self.rundir, 'db.sock')
        run([self.tool('ovsdb-server'), db, '--remote=punix:' + sock,
             '--pidfile', '--detach', '--no-chdir', '--log-file'],
            env=self.env)
        run([self.tool('ovs-vsctl'), '--no-wait', 'init'], env=self.env)
        run([self.tool('ovs-vswitchd'), 'unix:' + sock, '--pidfile',
             '--detach', '--no-chdir', '--log-file',
             '-vconsole:off', '-vfile:info'], env=self.env)
        for _ in range(100):
            if self.vsctl('show', check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise Error('ovs-vswitchd does not answer')

    def vsctl(self, *args, check=True):
        return run([self.tool('ovs-vsctl'), '--timeout=10'] + list(args),
                   env=self.env, check=check)

    def ofctl(self, *args, check=True):
        return run([self.tool('ovs-ofctl')] + list(args), env=self.env,
                   check=check)

    def pids(self):
        pids = []
        for name in ('ovs-vswitchd', 'ovsdb-server'):
            try:
                with open(os.path.join(self.rundir, name + '.pid')) as f:
                    pids.append(int(f.read().strip()))
            except (OSError, ValueError):
                pass
        return pids

    def stop(self):
        for pid in self.pids():
            kill_and_wait(pid)


def kill_and_wait(pid, timeout=5.0):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _nft_ports(protocol, ports):
    """The nftables match of a protocol and destination port range."""
    if protocol == -1:
        return ''
    names = {6: 'tcp', 17: 'udp'}
    s = 'meta l4proto %d ' % protocol
    if ports is not None and protocol in names:
        lo, hi = ports
        s += '%s dport %d-%d ' % (names[protocol], lo, hi)
    return s


class Lab(object):
    """One topology file, built.  'ovs' is a started Ovs; 'tmsim' the
    tm-sim program."""

    def __init__(self, path, ovs, tmsim, log=None):
        self.path = path
        self.topo = Topology(path)
        self.ovs = ovs
        self.tmsim = tmsim
        self.log = log or (lambda s: None)
        self.net = None
        self.hosts = {}             # ENI id -> mininet host.
        self.host_of = {}           # mininet name -> what it is.
        self.collectors = {}        # ENI id -> output file.
        self.procs = []             # Processes started in the hosts.
        self.flows = ''
        if not self.topo.ipv4_only():
            raise Error('%s: only IPv4 topologies are built' % path)

    # -- Building. --

    def _link_addrs(self):
        """Yields (a, b, plen) for point-to-point links."""
        for i, net in enumerate(LINK_POOL.subnets(new_prefix=30)):
            hosts = list(net.hosts())
            yield str(hosts[0]), str(hosts[1]), 30

    def up(self):
        from mininet.net import Mininet
        from mininet.node import Host, OVSSwitch
        from mininet.log import setLogLevel

        setLogLevel('error')
        os.environ.update(self.ovs.env)
        t = self.topo
        self.vlan = {sid: i + 1 for i, sid in enumerate(sorted(t.subnets))}
        net = Mininet(topo=None, build=False, controller=None,
                      autoSetMacs=False, autoStaticArp=False)
        self.net = net
        links = self._link_addrs()
        self.addrs = {}         # (node name, intf name) -> (ip, plen).
        self.tags = {}          # root-side intf name -> VLAN.

        def switch(name, dpid):
            return net.addSwitch(name, cls=OVSSwitch, datapath='user',
                                 failMode='standalone', dpid='%016x' % dpid)

        def host(name, what):
            h = net.addHost(name, cls=Host, ip=None)
            self.host_of[name] = what
            return h

        fabric = switch(PREFIX + 'fab', 1)

        # Hypervisors and their ports: the file's, then one for the rest.
        placed = {}
        self.bridges = {}
        for i, hv in enumerate(t.hypervisors):
            self.bridges[hv.id] = switch('%sh%d' % (PREFIX, i + 1), i + 2)
            for j, p in enumerate(hv.ports):
                placed[p.eni] = (hv.id, int(p.ofport or j + 1))
        rest = [e for e in sorted(t.enis) if e not in placed]
        self.auto_ports = []
        if rest:
            self.bridges['tm-mininet'] = switch(PREFIX + 'h0', 99)
            for j, e in enumerate(rest):
                placed[e] = ('tm-mininet', j + 1)
                self.auto_ports.append((e, 'p%d' % (j + 1), j + 1))

        for i, eid in enumerate(sorted(t.enis)):
            eni = t.enis[eid]
            h = host('%se%d' % (PREFIX, i + 1), 'network interface ' + eid)
            self.hosts[eid] = h
            hv, ofport = placed[eid]
            link = net.addLink(h, self.bridges[hv], port2=ofport)
            self.tags[link.intf2.name] = self.vlan[eni.subnet]
            subnet = t.subnets[eni.subnet]
            self.addrs[(h.name, link.intf1.name)] = (str(eni.ip),
                                                     subnet.cidr.prefixlen)

        # VPC routers.
        self.routers = {}
        self.subnet_intf = {}
        for i, vid in enumerate(sorted(t.vpcs)):
            r = host('%sr%d' % (PREFIX, i + 1), 'router of ' + vid)
            self.routers[vid] = r
            for sid in t.vpcs[vid].subnets:
                link = net.addLink(r, fabric)
                self.tags[link.intf2.name] = self.vlan[sid]
                cidr = t.subnets[sid].cidr
                self.addrs[(r.name, link.intf1.name)] = (
                    str(cidr.network_address + 1), cidr.prefixlen)
                self.subnet_intf[sid] = link.intf1.name

        # Load balancer nodes.
        self.nlb_nodes = []
        for i, nid in enumerate(sorted(t.nlbs)):
            nlb = t.nlbs[nid]
            nlb.index = i
            for j, node in enumerate(nlb.nodes):
                h = host('%sn%d' % (PREFIX, len(self.nlb_nodes) + 1),
                         'load balancer %s, node %s' % (nid, node.ip))
                link = net.addLink(h, fabric)
                self.tags[link.intf2.name] = self.vlan[node.subnet]
                self.addrs[(h.name, link.intf1.name)] = (
                    str(node.ip), t.subnets[node.subnet].cidr.prefixlen)
                self.nlb_nodes.append((nlb, node, h))

        def p2p(a, b):
            link = net.addLink(a, b)
            ia, ib, plen = next(links)
            self.addrs[(a.name, link.intf1.name)] = (ia, plen)
            self.addrs[(b.name, link.intf2.name)] = (ib, plen)
            return link.intf1.name, ia, link.intf2.name, ib

        # Peering connections.
        self.pcx_links = {}     # (pcx id, vpc id) -> (router intf, next hop)
        self.pcx_nodes = {}
        for i, pid in enumerate(sorted(t.peerings)):
            pcx = t.peerings[pid]
            p = host('%sp%d' % (PREFIX, i + 1), 'peering ' + pid)
            self.pcx_nodes[pid] = p
            pcx.sides = {}
            for vid in (pcx.requester, pcx.accepter):
                ri, ra, pi, pa = p2p(self.routers[vid], p)
                self.pcx_links[(pid, vid)] = (ri, pa)
                pcx.sides[vid] = (pi, ra)

        # Transit gateways.
        self.tgw_nodes = {}
        for i, gid in enumerate(sorted(t.tgws)):
            self.tgw_nodes[gid] = host('%st%d' % (PREFIX, i + 1),
                                       'transit gateway ' + gid)
        self.att_links = {}     # (att, subnet) -> (router intf, tgw ip,
                                #                   tgw intf, router ip)
        self.peer_links = {}    # (att, tgw, zone) -> (intf, next hop)
        for aid in sorted(t.attachments):
            att = t.attachments[aid]
            g = self.tgw_nodes[att.tgw]
            if att.peer:
                g2 = self.tgw_nodes[att.peer]
                for z in t.zones():
                    i1, a1, i2, a2 = p2p(g, g2)
                    self.peer_links[(aid, att.tgw, z)] = (i1, a2)
                    self.peer_links[(aid, att.peer, z)] = (i2, a1)
                continue
            for sid in att.subnets:
                ri, ra, gi, ga = p2p(self.routers[att.vpc], g)
                self.att_links[(aid, sid)] = (ri, ga, gi, ra)

        net.build()
        net.start()
        self._configure_switches()
        for (name, intf), (ip, plen) in self.addrs.items():
            node = net.get(name)
            node.cmd('ip addr flush dev %s' % intf)
            node.cmd('ip addr add %s/%d dev %s' % (ip, plen, intf))
        for node in net.hosts:
            for intf in node.intfList():
                node.cmd('ethtool -K %s tx off rx off sg off tso off '
                         '>/dev/null 2>&1' % intf)
                node.cmd('ip link set %s up' % intf)
        self._configure_enis()
        self._configure_routers()
        self._configure_peerings()
        self._configure_tgws()
        self._configure_nlbs()
        install_mirrors(self)
        self._start_collectors()

    def _configure_switches(self):
        vs = self.ovs.vsctl
        for intf, vlan in self.tags.items():
            vs('set', 'port', intf, 'tag=%d' % vlan)
        # One patch per subnet between a hypervisor's bridge and the
        # fabric, an access port on both sides: no frame on a hypervisor's
        # bridge carries a VLAN tag, so that the copies carry none.
        k = 0
        for hv, br in self.bridges.items():
            for vlan in sorted(set(self.tags[i.name] for i in br.intfList()
                                   if i.name in self.tags)):
                a, b = '%sq%da' % (PREFIX, k), '%sq%db' % (PREFIX, k)
                k += 1
                vs('add-port', br.name, a, 'tag=%d' % vlan, '--',
                   'set', 'interface', a, 'type=patch', 'options:peer=' + b,
                   '--', 'add-port', PREFIX + 'fab', b, 'tag=%d' % vlan,
                   '--', 'set', 'interface', b, 'type=patch',
                   'options:peer=' + a)
        for sw in self.net.switches:
            for intf in sw.intfList():
                if intf.name != 'lo':
                    run(['ethtool', '-K', intf.name, 'tx', 'off', 'rx',
                         'off', 'sg', 'off', 'tso', 'off'], check=False)
                    run(['ip', 'link', 'set', intf.name, 'mtu', '9001'],
                        check=False)

    def _sysctl_router(self, node):
        node.cmd('sysctl -qw net.ipv4.ip_forward=1 '
                 'net.ipv4.conf.all.rp_filter=0 '
                 'net.ipv4.conf.default.rp_filter=0 '
                 'net.ipv4.conf.all.send_redirects=0 '
                 'net.ipv4.conf.all.accept_local=1')
        for intf in node.intfList():
            node.cmd('sysctl -qw net.ipv4.conf.%s.rp_filter=0 '
                     'net.ipv4.conf.%s.send_redirects=0' % (intf, intf))
            node.cmd('ip link set %s mtu 9001' % intf)

    def _nft(self, node, text):
        p = node.popen(['nft', '-f', '-'], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
        out, err = p.communicate(text)
        if p.returncode:
            raise Error('%s: nft: %s\n%s' % (node.name, err.strip(), text))

    def _sg_rules(self, groups, egress, action, chain_sets):
        """nftables rules for the 'egress' (or ingress) rules of 'groups',
        each ending in 'action'; adds the member sets it needs to
        'chain_sets'."""
        t = self.topo
        lines = []
        for gid in groups:
            for rule in t.groups[gid].rules:
                if rule.egress != egress:
                    continue
                m = _nft_ports(rule.protocol, rule.ports)
                peer = 'daddr' if egress else 'saddr'
                if rule.cidr is not None:
                    if rule.cidr.version == 4:
                        lines.append('ip %s %s %s%s' % (peer, rule.cidr, m,
                                                        action))
                    continue
                ref = rule.group
                members = t.members(ref)
                if members:
                    name = 'm_%d' % sorted(t.groups).index(ref)
                    chain_sets[name] = members
                    dscp = '' if egress else 'ip dscp 0 '
                    lines.append('ip %s @%s %s%s%s' % (peer, name, dscp, m,
                                                       action))
                if not egress:
                    for nlb in t.nlbs.values():
                        if ref in nlb.groups:
                            lines.append('ip dscp %d %s%s' % (
                                DSCP_NLB + nlb.index, m, action))
        return lines

    @staticmethod
    def _sets(sets):
        return ''.join('  set %s { type ipv4_addr; elements = { %s } }\n'
                       % (n, ', '.join(v)) for n, v in sorted(sets.items()))

    def _configure_enis(self):
        t = self.topo
        for eid, h in self.hosts.items():
            eni = t.enis[eid]
            subnet = t.subnets[eni.subnet]
            intf = h.defaultIntf().name
            h.cmd('ip link set %s address %s mtu %d' % (intf, eni.mac,
                                                         eni.mtu))
            h.cmd('ip route add default via %s'
                  % (subnet.cidr.network_address + 1))
            if eni.groups is None:
                continue
            sets = {}
            rules = self._sg_rules(eni.groups, False, 'accept', sets)
            self._nft(h, 'table inet tmsg {\n%s'
                      '  chain input {\n'
                      '    type filter hook input priority 0; policy drop;\n'
                      '    ct state established,related accept\n'
                      '    iifname "lo" accept\n%s  }\n}\n'
                      % (self._sets(sets),
                         ''.join('    %s\n' % r for r in rules)))

    def _acl_chain(self, name, acl, egress):
        peer = 'daddr' if egress else 'saddr'
        lines = ['  chain %s {' % name]
        for e in acl.entries:
            if e.egress != egress or e.cidr.version != 4:
                continue
            lines.append('    ip %s %s %s%s' % (
                peer, e.cidr, _nft_ports(e.protocol, e.ports),
                'return' if e.allow else 'drop'))
        lines.append('    drop\n  }')
        return '\n'.join(lines) + '\n'

    def _configure_routers(self):
        t = self.topo
        for vid, r in self.routers.items():
            vpc = t.vpcs[vid]
            self._sysctl_router(r)
            local = 10
            cmds = []
            for sid in vpc.subnets:
                cmds.append('ip route add %s dev %s table %d'
                            % (t.subnets[sid].cidr, self.subnet_intf[sid],
                               local))
                r.cmd('ip link set %s address %s'
                      % (self.subnet_intf[sid], ROUTER_MAC))
            for c in vpc.cidrs:
                cmds.append('ip route add blackhole %s table %d'
                            % (c, local))
            pref = 100
            for k, sid in enumerate(vpc.subnets):
                table = 100 + k
                cmds += self._route_table(vid, sid, table)
                cmds.append('ip rule add pref %d iif %s lookup %d'
                            % (pref, self.subnet_intf[sid], table))
                pref += 1
                for (aid, asid), (ri, _, _, _) in self.att_links.items():
                    if asid == sid:
                        cmds.append('ip rule add pref %d iif %s lookup %d'
                                    % (pref, ri, table))
                        pref += 1
            for (pid, pvid), (ri, _) in self.pcx_links.items():
                if pvid == vid:
                    cmds.append('ip rule add pref %d iif %s lookup %d'
                                % (pref, ri, local))
                    pref += 1
            cmds.append('ip rule add pref 5000 lookup %d' % local)
            cmds.append('ip rule add pref 5001 blackhole')
            for c in cmds:
                out = r.cmd(c + ' 2>&1')
                if out.strip():
                    raise Error('%s: %s: %s' % (r.name, c, out.strip()))

            # Network ACLs.
            chains, jumps = '', ''
            acls = sorted(set(t.subnets[s].acl for s in vpc.subnets
                              if t.subnets[s].acl))
            for k, aid in enumerate(acls):
                chains += self._acl_chain('acl%d_e' % k, t.acls[aid], True)
                chains += self._acl_chain('acl%d_i' % k, t.acls[aid], False)
            for sid in vpc.subnets:
                aid = t.subnets[sid].acl
                if aid:
                    k = acls.index(aid)
                    i = self.subnet_intf[sid]
                    jumps += ('    iifname "%s" oifname != "%s" jump acl%d_e\n'
                              '    oifname "%s" iifname != "%s" jump acl%d_i\n'
                              % (i, i, k, i, i, k))
            self._nft(r, 'table inet tmacl {\n%s  chain forward {\n'
                      '    type filter hook forward priority 0; '
                      'policy accept;\n%s  }\n}\n' % (chains, jumps))

    def _route_table(self, vid, sid, table):
        """The commands that fill 'table' with subnet 'sid''s route
        table, in VPC 'vid''s router."""
        t = self.topo
        vpc = t.vpcs[vid]
        zone = t.subnets[sid].zone
        cmds = ['ip route add blackhole default table %d' % table]
        routes = {}
        for c in vpc.cidrs:
            routes[c] = 'throw %s' % c
        for route in t.route_tables[t.subnets[sid].route_table].routes:
            d = route.destination
            if d.version != 4 or d in vpc.cidrs:
                continue
            target = route.target
            how = 'blackhole %s' % d
            if target in t.peerings and (target, vid) in self.pcx_links:
                intf, hop = self.pcx_links[(target, vid)]
                how = '%s via %s dev %s' % (d, hop, intf)
            elif target in t.tgws:
                for (aid, asid), (ri, ga, _, _) in self.att_links.items():
                    att = t.attachments[aid]
                    if (att.tgw == target and att.vpc == vid
                            and t.subnets[asid].zone == zone):
                        how = '%s via %s dev %s' % (d, ga, ri)
            elif target in t.enis and t.enis[target].vpc == vid:
                eni = t.enis[target]
                how = '%s via %s dev %s' % (d, eni.ip,
                                            self.subnet_intf[eni.subnet])
            routes[d] = how
        for d, how in routes.items():
            cmds.append('ip route replace %s table %d' % (how, table))
        return cmds

    def _configure_peerings(self):
        t = self.topo
        for pid, p in self.pcx_nodes.items():
            pcx = t.peerings[pid]
            self._sysctl_router(p)
            cmds = []
            for k, (a, b) in enumerate(((pcx.requester, pcx.accepter),
                                        (pcx.accepter, pcx.requester))):
                table = 100 + k
                cmds.append('ip route add blackhole default table %d'
                            % table)
                if pcx.active:
                    out_intf, hop = pcx.sides[b]
                    for c in t.vpcs[b].cidrs:
                        cmds.append('ip route add %s via %s dev %s table %d'
                                    % (c, hop, out_intf, table))
                # Only what comes from the side's own VPC: no edge-to-edge
                # routing through the peering.
                for n, c in enumerate(t.vpcs[a].cidrs):
                    cmds.append('ip rule add pref %d iif %s from %s lookup %d'
                                % (100 + 10 * k + n, pcx.sides[a][0], c,
                                   table))
            cmds.append('ip rule add pref 5001 blackhole')
            for c in cmds:
                out = p.cmd(c + ' 2>&1')
                if out.strip():
                    raise Error('%s: %s: %s' % (p.name, c, out.strip()))

    def _tgw_routes(self, rtb_id):
        """The effective routes of transit gateway route table 'rtb_id':
        prefix -> attachment id (None: blackhole)."""
        t = self.topo
        rtb = t.tgw_route_tables[rtb_id]
        routes = {}
        for r in rtb.routes:
            routes[r.destination] = r.attachment
        for aid in t.tgws[rtb.tgw].attachments:
            att = t.attachments[aid]
            if rtb_id in att.propagations and att.vpc:
                for c in t.vpcs[att.vpc].cidrs:
                    routes.setdefault(c, aid)
        return routes

    def _configure_tgws(self):
        t = self.topo
        zones = t.zones()
        for gid, g in self.tgw_nodes.items():
            tgw = t.tgws[gid]
            self._sysctl_router(g)
            tables = {}
            cmds = []
            for rid in tgw.route_tables:
                for z in zones:
                    table = 100 + len(tables)
                    tables[(rid, z)] = table
                    cmds.append('ip route add blackhole default table %d'
                                % table)
                    for d, aid in self._tgw_routes(rid).items():
                        if d.version != 4:
                            continue
                        how = 'blackhole %s' % d
                        att = t.attachments.get(aid)
                        if att and att.peer:
                            intf, hop = self.peer_links[(aid, gid, z)]
                            how = '%s via %s dev %s' % (d, hop, intf)
                        elif att:
                            subnet = next((s for s in att.subnets
                                           if t.subnets[s].zone == z),
                                          att.subnets[0])
                            _, _, gi, ra = self.att_links[(aid, subnet)]
                            how = '%s via %s dev %s' % (d, ra, gi)
                        cmds.append('ip route replace %s table %d'
                                    % (how, table))
            pref = 100
            marked = set()
            for aid in tgw.attachments:
                att = t.attachments[aid]
                if att.peer:
                    rid = att.association if att.tgw == gid \
                        else att.peer_association
                    intfs = [(self.peer_links[(aid, gid, z)][0], z)
                             for z in zones]
                    marked.update(i for i, _ in intfs)
                else:
                    rid = att.association
                    intfs = [(self.att_links[(aid, s)][2],
                              t.subnets[s].zone) for s in att.subnets]
                    if not att.sgref:
                        marked.update(i for i, _ in intfs)
                for intf, z in intfs:
                    if rid:
                        cmds.append('ip rule add pref %d iif %s lookup %d'
                                    % (pref, intf, tables[(rid, z)]))
                    else:
                        cmds.append('ip rule add pref %d iif %s blackhole'
                                    % (pref, intf))
                    pref += 1
            cmds.append('ip rule add pref 5001 blackhole')
            for c in cmds:
                out = g.cmd(c + ' 2>&1')
                if out.strip():
                    raise Error('%s: %s: %s' % (g.name, c, out.strip()))
            if tgw.sgref:
                if marked:
                    names = ', '.join('"%s"' % i for i in sorted(marked))
                    mark = ('    iifname { %s } ip dscp set %d\n'
                            '    oifname { %s } ip dscp set %d\n'
                            % (names, DSCP_NO_REFERENCES, names,
                               DSCP_NO_REFERENCES))
                else:
                    mark = ''
            else:
                mark = '    ip dscp set %d\n' % DSCP_NO_REFERENCES
            self._nft(g, 'table ip tmsg {\n  chain forward {\n'
                      '    type filter hook forward priority 0; '
                      'policy accept;\n%s  }\n}\n' % mark)

    def _configure_nlbs(self):
        t = self.topo
        for nlb, node, h in self.nlb_nodes:
            subnet = t.subnets[node.subnet]
            intf = h.defaultIntf().name
            h.cmd('ip link set %s address 02:01:%02x:%02x:%02x:%02x'
                  % ((intf,) + tuple(node.ip.packed)))
            self._sysctl_router(h)
            h.cmd('ip route add default via %s'
                  % (subnet.cidr.network_address + 1))
            targets = [str(t.enis[e].ip)
                       for e in t.nlb_usable_targets(nlb, node)]
            dnat = ''
            if t.nlb_has_listener(nlb) and targets:
                dnat = ('    ip daddr %s udp dport %d dnat to numgen inc '
                        'mod %d map { %s }\n'
                        % (node.ip, VXLAN_PORT, len(targets),
                           ', '.join('%d : %s' % (k, a)
                                     for k, a in enumerate(targets))))
            sets = {}
            checks = ''
            chains = ''
            if nlb.groups:
                for name, egress in (('sg_in', False), ('sg_out', True)):
                    rules = self._sg_rules(nlb.groups, egress, 'return',
                                           sets)
                    chains += '  chain %s {\n%s    drop\n  }\n' % (
                        name, ''.join('    %s\n' % r for r in rules))
                    checks += '    jump %s\n' % name
            self._nft(h, 'table ip tmnlb {\n%s%s'
                      '  chain prerouting {\n'
                      '    type nat hook prerouting priority dstnat; '
                      'policy accept;\n%s  }\n'
                      '  chain forward {\n'
                      '    type filter hook forward priority 0; '
                      'policy drop;\n%s'
                      '    ip dscp set %d accept\n  }\n}\n'
                      % (self._sets(sets), chains, dnat, checks,
                         DSCP_NLB + nlb.index))

    def _start_collectors(self):
        t = self.topo
        appliances = set()
        for target in t.targets.values():
            if target.eni:
                appliances.add(target.eni)
            elif target.nlb in t.nlbs:
                appliances.update(x.eni for x in t.nlbs[target.nlb].targets)
        rundir = self.ovs.rundir
        for eid in sorted(appliances):
            h = self.hosts[eid]
            out = os.path.join(rundir, 'collector-%s.json' % h.name)
            if os.path.exists(out):
                os.unlink(out)
            p = h.popen([sys.executable,
                         os.path.join(HERE, 'collector.py'), out],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.procs.append(p)
            self.collectors[eid] = out
        deadline = time.time() + 5
        for out in self.collectors.values():
            while not os.path.exists(out) and time.time() < deadline:
                time.sleep(0.01)

    # -- Looking. --

    def arrived(self, eni_id):
        """What the collector of 'eni_id' recorded: a list of dicts."""
        out = self.collectors.get(eni_id)
        recs = []
        if out and os.path.exists(out):
            with open(out) as f:
                for line in f:
                    rec = json.loads(line)
                    if 'listening' not in rec:
                        recs.append(rec)
        return recs

    def describe(self):
        """Which mininet node is what, one line each."""
        return '\n'.join('%-8s %s' % (n, w)
                         for n, w in sorted(self.host_of.items()))

    # -- Tearing down. --

    def down(self):
        """Tears the network down, quickly: the bridges go, then the
        namespaces, and every link with them."""
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []
        if self.net:
            net, self.net = self.net, None
            for br in net.switches:
                self.ovs.vsctl('--if-exists', 'del-br', br.name,
                               check=False)
            for node in net.hosts + net.switches:
                try:
                    node.terminate()
                except Exception as e:      # Go on tearing down.
                    self.log('%s: %s' % (node.name, e))
        # The kernel destroys a namespace, and its links, after its last
        # process is gone, in its own time: wait for it, so that the next
        # lab finds its names free.
        deadline = time.time() + 5
        while _our_links() and time.time() < deadline:
            time.sleep(0.05)
        for name in _our_links():
            run(['ip', 'link', 'del', name], check=False)


def install_mirrors(lab):
    """Puts the mirror sessions of 'lab''s topology into its bridges: the
    flows of tm-sim flows, with ovs-ofctl.  The one step that the daemon,
    ovs-tmd, will take over."""
    t = lab.topo
    path = lab.path
    if lab.auto_ports or t.needs_completing():
        path = os.path.join(lab.ovs.rundir, 'topology.xml')
        t.write_completed(path, 'tm-mininet', lab.auto_ports)
    p = run([lab.tmsim, 'flows', path, '--backend=vxlan-mirror',
             '--include-blocked', '--router-mac=' + ROUTER_MAC],
            check=False)
    if p.returncode not in (0, 1):
        raise Error('tm-sim flows: %s' % p.stderr.strip())
    lab.flows = p.stdout
    sections = {}
    hv = None
    for line in p.stdout.splitlines():
        if line.startswith('# hypervisor '):
            hv = line[len('# hypervisor '):].split(',')[0]
            sections[hv] = []
        elif line and not line.startswith('#') and hv:
            sections[hv].append(line)
    for hv, flows in sections.items():
        bridge = lab.bridges[hv].name
        fname = os.path.join(lab.ovs.rundir, 'flows-%s.txt' % bridge)
        with open(fname, 'w') as f:
            f.write('\n'.join(flows) + '\n')
        lab.ovs.ofctl('--bundle', 'replace-flows', bridge, fname)


def interrupt_on_signals():
    """Makes SIGTERM and SIGHUP interrupt as Ctrl-C does, so that whatever
    runs a lab tears it down on the way out whichever way it is stopped."""
    def handler(signum, frame):
        raise KeyboardInterrupt()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


_lock_file = None


def lock():
    """Waits until no other lab is up on this machine (they would share
    node names), then holds that until the process ends."""
    global _lock_file
    if _lock_file is None:
        _lock_file = open('/tmp/tm-mininet.lock', 'w')
        fcntl.flock(_lock_file, fcntl.LOCK_EX)


# -- Cleaning up, and looking for what was left. --

def _proc_cmdlines():
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                cmd = f.read().replace(b'\0', b' ').decode(errors='replace')
        except OSError:
            continue
        yield int(pid), cmd


def _our_links():
    """The links of the root namespace whose names are ours."""
    p = run(['ip', '-o', 'link', 'show'], check=False)
    names = (line.split(':')[1].strip().split('@')[0]
             for line in p.stdout.splitlines())
    return [n for n in names if n.startswith(PREFIX)]


def leftovers(rundir):
    """What a lab in 'rundir' left behind: a list of sentences."""
    found = []
    me = os.getpid()
    for pid, cmd in _proc_cmdlines():
        if pid == me:
            continue
        if 'mininet:' + PREFIX in cmd or (rundir in cmd and cmd.strip()):
            found.append('process %d: %s' % (pid, cmd.strip()))
    for name in _our_links():
        found.append('link %s' % name)
    p = run(['ip', 'netns', 'list'], check=False)
    for line in p.stdout.splitlines():
        if line.startswith(PREFIX):
            found.append('network namespace %s' % line.split()[0])
    return found


def cleanup(rundir, ovs_builddir=None):
    """Stops whatever a lab in 'rundir' left running and removes what it
    left behind, even after a crash."""
    if ovs_builddir:
        ovs = Ovs(rundir, ovs_builddir)
        if ovs.pids():
            ovs.vsctl('--if-exists', 'del-br', PREFIX + 'fab', check=False)
    for pid, cmd in _proc_cmdlines():
        if pid != os.getpid() and ('mininet:' + PREFIX in cmd
                                   or rundir in cmd):
            kill_and_wait(pid, 2)
    for name in _our_links():
        run(['ip', 'link', 'del', name], check=False)
