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

"""Random topologies, from a seed: the same seed, the same file.

Two to four VPCs (one at times overlapping another) with subnets in two
zones, route tables that send the other VPCs' CIDRs to peerings, transit
gateways, gateways or blackholes (rightly or not), network ACLs, security
groups by CIDR or by reference, peerings active or not, transit gateways
with several route tables, associations, propagations, static and
blackhole routes, zones left out of attachments, security group
referencing on or off, peered gateways, load balancers with listeners,
healthy and sick targets in both zones, cross-zone on and off and groups
of their own.

Each session mirrors only egress UDP to a port of its own (20000 + its
VNI, unique), so that a datagram to that port is mirrored by that session
and by no other."""

import random

ZONES = ('az1', 'az2')


class Gen(object):
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.out = []
        self.vni = 0

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(list(seq))

    def x(self, s):
        self.out.append(s)

    def generate(self):
        r = self.r
        n = r.randint(2, 4)
        vpcs = []
        overlap = n >= 3 and self.chance(0.2)
        for k in range(n):
            base = 0 if (overlap and k == n - 1) else k
            third = 100 if (overlap and k == n - 1) else 0
            subnets = []
            for s in range(r.randint(1, 3)):
                subnets.append({
                    'id': 'subnet-%d-%d' % (k, s),
                    'cidr': '10.%d.%d.0/24' % (base, third + s),
                    'net': (base, third + s),
                    'zone': ZONES[s % 2] if s < 2 else self.pick(ZONES),
                })
            vpcs.append({'k': k, 'id': 'vpc-%d' % k,
                         'cidr': '10.%d.0.0/16' % base, 'base': base,
                         'subnets': subnets, 'enis': [], 'nlbs': []})
        self.vpcs = vpcs

        # Interfaces: sources, targets, appliances behind load balancers.
        for v in vpcs:
            host = {}
            for role, count in (('src', r.randint(1, 2)),
                                ('tgt', r.randint(0 if k else 1, 2))):
                for i in range(count):
                    sn = self.pick(v['subnets'])
                    net = sn['net']
                    host[net] = host.get(net, 9) + 1
                    v['enis'].append({
                        'id': 'eni-%s-%d-%d' % (role, v['k'], i),
                        'role': role, 'subnet': sn, 'k': v['k'],
                        'ip': '10.%d.%d.%d' % (net[0], net[1], host[net]),
                        'mac': '02:00:%02x:%02x:%02x:%02x' % (
                            v['k'], net[1], host[net], i),
                    })
            if self.chance(0.45):
                nsub = [s for z in ZONES for s in v['subnets'][:2]
                        if s['zone'] == z][:2]
                if self.chance(0.3):
                    nsub = nsub[:1]
                nlb = {'id': 'nlb-%d' % v['k'], 'subnets': nsub,
                       'cross': self.chance(0.5),
                       'listener': self.pick(['udp'] * 3 + ['tcp_udp',
                                                            'tcp']),
                       'groups': self.chance(0.3), 'targets': []}
                for i, sn in enumerate(nsub):
                    sn.setdefault('node', '10.%d.%d.%d' % (sn['net'][0],
                                                          sn['net'][1],
                                                          5 + i))
                for i in range(r.randint(1, 2)):
                    sn = self.pick(v['subnets'])
                    net = sn['net']
                    host[net] = host.get(net, 9) + 1
                    eni = {'id': 'eni-appl-%d-%d' % (v['k'], i),
                           'role': 'appl', 'subnet': sn,
                           'ip': '10.%d.%d.%d' % (net[0], net[1],
                                                  host[net]),
                           'mac': '02:01:%02x:%02x:%02x:%02x' % (
                               v['k'], net[1], host[net], i)}
                    v['enis'].append(eni)
                    nlb['targets'].append((eni['id'], self.chance(0.8)))
                v['nlbs'].append(nlb)

        # Peerings.
        self.pcx = {}
        for a in vpcs:
            for b in vpcs:
                if a['k'] < b['k'] and self.chance(0.35) \
                        and a['base'] != b['base']:
                    self.pcx[(a['k'], b['k'])] = {
                        'id': 'pcx-%d-%d' % (a['k'], b['k']),
                        'active': self.chance(0.8)}

        # Transit gateways.
        self.tgws = []
        for g in range(r.choice([0, 1, 1, 2])):
            atts = [v for v in vpcs if self.chance(0.75)]
            tgw = {'id': 'tgw-%d' % g, 'sgref': self.chance(0.4),
                   'rtbs': ['tgw-rtb-%d-%d' % (g, i)
                            for i in range(r.randint(1, 2))],
                   'atts': [], 'static': [], 'peer': None}
            for v in atts:
                subs = []
                for z in ZONES:
                    inz = [s for s in v['subnets'] if s['zone'] == z]
                    if inz and (self.chance(0.7) or not subs):
                        subs.append(self.pick(inz))
                tgw['atts'].append({
                    'id': 'tgw-att-%d-%d' % (g, v['k']), 'vpc': v,
                    'subnets': subs,
                    'assoc': (self.pick(tgw['rtbs']) if self.chance(0.9)
                              else None),
                    'props': [t for t in tgw['rtbs'] if self.chance(0.85)],
                    'sgref': self.chance(0.85)})
            for rtb in tgw['rtbs']:
                if tgw['atts'] and self.chance(0.3):
                    att = self.pick(tgw['atts'])
                    tgw['static'].append((rtb, att['vpc']['cidr'],
                                          att['id']))
                if tgw['atts'] and self.chance(0.2):
                    sn = self.pick(self.pick(tgw['atts'])['vpc']['subnets'])
                    tgw['static'].append((rtb, sn['cidr'], None))
            self.tgws.append(tgw)
        if len(self.tgws) == 2 and self.chance(0.6):
            a, b = self.tgws
            peer = {'id': 'tgw-peer-0-1',
                    'assoc': self.pick(a['rtbs']) if self.chance(0.9)
                    else None,
                    'peer_assoc': self.pick(b['rtbs']) if self.chance(0.9)
                    else None}
            a['peer'] = peer
            for mine, other in ((a, b), (b, a)):
                for att in other['atts']:
                    if self.chance(0.7):
                        rtb = self.pick(mine['rtbs'])
                        if not any(s[0] == rtb and s[1] == att['vpc']['cidr']
                                   for s in mine['static']):
                            mine['static'].append((rtb, att['vpc']['cidr'],
                                                   peer['id']))

        # Sessions.
        sources = [e for v in vpcs for e in v['enis'] if e['role'] == 'src']
        targets = [('eni', e) for v in vpcs for e in v['enis']
                   if e['role'] == 'tgt']
        targets += [('nlb', n) for v in vpcs for n in v['nlbs']]
        self.sessions = []
        if targets:
            for src in sources:
                for number in range(1, r.randint(1, 2) + 1):
                    self.vni += 1
                    self.sessions.append((src, self.pick(targets), number,
                                          self.vni))
        return self.write()

    # -- Writing. --

    def group_rules(self, v, allow_nlb_ref=None, eni=None):
        """Ingress rules of the group of 'eni', a target in 'v'."""
        # References are mostly to the group of a source that mirrors to
        # it, so that the way the copy comes decides.
        refs = [src['k'] for src, (kind, tgt), _, _ in self.sessions
                if tgt is eni] or [self.pick(self.vpcs)['k']]
        c = self.r.random()
        if c < 0.42:
            rules = [('17', '4789', 'cidr', '10.0.0.0/8')]
        elif c < 0.52:
            rules = [('-1', None, 'cidr', self.pick(self.vpcs)['cidr'])]
        elif c < 0.8:
            ref = 'sg-src-%d' % self.pick(refs)
            rules = [('17', '4789', 'group', ref)]
        elif c < 0.85:
            rules = [('17', '4790', 'cidr', '0.0.0.0/0')]
        elif c < 0.93 and allow_nlb_ref:
            rules = [('17', '4789', 'group', allow_nlb_ref)]
        else:
            rules = []
        return rules

    def rule_xml(self, direction, rule):
        proto, port, kind, val = rule
        ports = (' from-port="%s" to-port="%s"' % (port, port)
                 if port else '')
        attr = 'cidr' if kind == 'cidr' else 'source-group'
        return ('<rule direction="%s" protocol="%s"%s %s="%s"/>'
                % (direction, proto, ports, attr, val))

    def acl_entries(self):
        entries = []
        cidrs = ['0.0.0.0/0', '10.0.0.0/8'] + [v['cidr'] for v in self.vpcs]
        for n in range(self.r.randint(1, 3)):
            proto = self.pick(['-1', '-1', '17', '6'])
            ports = ''
            if proto in ('6', '17') and self.chance(0.5):
                port = self.pick(['4789', '53'])
                ports = ' from-port="%s" to-port="%s"' % (port, port)
            entries.append(
                '<entry rule-number="%d" direction="%s" rule-action="%s" '
                'protocol="%s" cidr="%s"%s/>'
                % ((n + 1) * 100, self.pick(['ingress', 'egress']),
                   self.pick(['allow', 'allow', 'deny']), proto,
                   self.pick(cidrs), ports))
        # Mostly, let the rest through.
        if self.chance(0.75):
            for d in ('ingress', 'egress'):
                entries.append('<entry rule-number="1000" direction="%s" '
                               'rule-action="allow" protocol="-1" '
                               'cidr="0.0.0.0/0"/>' % d)
        return entries

    def routes(self, v):
        out = []
        for o in self.vpcs:
            if o is v or not self.chance(0.85):
                continue
            choices = []
            key = tuple(sorted((v['k'], o['k'])))
            if key in self.pcx:
                choices += [self.pcx[key]['id']] * 3
            for tgw in self.tgws:
                if any(a['vpc'] is v for a in tgw['atts']):
                    choices += [tgw['id']] * 4
            other_pcx = [p['id'] for kk, p in self.pcx.items()
                         if v['k'] in kk and kk != key]
            choices += other_pcx
            if self.chance(0.3) or not choices:
                choices += ['igw-%d' % v['k'], None]
            target = self.pick(choices)
            dest = o['cidr'] if self.chance(0.85) else '10.0.0.0/8'
            if any(dest == d for d, _ in out) or dest == v['cidr']:
                continue
            out.append((dest, target))
        if self.chance(0.15):
            o = self.pick(self.vpcs)
            sn = self.pick(o['subnets'])
            if o is not v and not any(sn['cidr'] == d for d, _ in out):
                out.append((sn['cidr'], None))
        return out

    def write(self):
        x = self.x
        x('<?xml version="1.0" encoding="UTF-8"?>')
        x('<!-- Random topology, seed %d (tm-fidelity). -->' % self.seed)
        x('<topology xmlns="urn:ovs-tmirror:topology:1">')
        x('<account id="111111111111">')
        for v in self.vpcs:
            k = v['k']
            x('<vpc id="%s" cidr="%s">' % (v['id'], v['cidr']))
            nrtb = self.r.randint(1, 2)
            acls = ['acl-%d-%d' % (k, i) for i in range(self.r.randint(1, 2))]
            used_acls = set()
            for sn in v['subnets']:
                acl = self.pick(acls) if self.chance(0.25) else None
                if acl:
                    used_acls.add(acl)
                x('<subnet id="%s" cidr="%s" availability-zone="%s" '
                  'route-table="rtb-%d-%d"%s/>'
                  % (sn['id'], sn['cidr'], sn['zone'], k,
                     self.r.randrange(nrtb),
                     ' network-acl="%s"' % acl if acl else ''))
            for i in range(nrtb):
                x('<route-table id="rtb-%d-%d">' % (k, i))
                for dest, target in self.routes(v):
                    if target:
                        x('<route destination="%s" target="%s"/>'
                          % (dest, target))
                    else:
                        x('<route destination="%s" blackhole="true"/>'
                          % dest)
                x('</route-table>')
            for acl in sorted(used_acls):
                x('<network-acl id="%s">%s</network-acl>'
                  % (acl, ''.join(self.acl_entries())))
            x('<security-group id="sg-src-%d"/>' % k)
            nlb_group = 'sg-nlb-%d' % k if any(n['groups']
                                               for n in v['nlbs']) else None
            for e in v['enis']:
                if e['role'] == 'src':
                    groups = 'sg-src-%d' % k
                else:
                    groups = 'sg-%s' % e['id']
                    rules = self.group_rules(v, nlb_group, e)
                    x('<security-group id="%s">%s</security-group>'
                      % (groups, ''.join(self.rule_xml('ingress', rl)
                                         for rl in rules)))
                x('<network-interface id="%s" subnet="%s" ip="%s" mac="%s" '
                  'security-groups="%s"/>' % (e['id'], e['subnet']['id'],
                                              e['ip'], e['mac'], groups))
            for nlb in v['nlbs']:
                attrs = ''
                if nlb['groups']:
                    ing = self.pick([('17', '4789', 'cidr', '10.0.0.0/8'),
                                     ('17', '4789', 'cidr', '192.168.0.0/16'),
                                     ('17', '4789', 'group',
                                      'sg-src-%d' % k)])
                    eg = self.pick([('-1', None, 'cidr', '0.0.0.0/0'),
                                    ('17', '4789', 'cidr', v['cidr'])] * 2
                                   + [None])
                    x('<security-group id="%s">%s%s</security-group>'
                      % (nlb_group, self.rule_xml('ingress', ing),
                         self.rule_xml('egress', eg) if eg else ''))
                    attrs = ' security-groups="%s"' % nlb_group
                x('<load-balancer id="%s" type="network" subnets="%s" '
                  'cross-zone="%s"%s>'
                  % (nlb['id'], ' '.join(s['id'] for s in nlb['subnets']),
                     'true' if nlb['cross'] else 'false', attrs))
                for sn in nlb['subnets']:
                    x('<node subnet="%s" ip="%s"/>' % (sn['id'], sn['node']))
                x('<listener protocol="%s" port="%s"/>'
                  % (nlb['listener'],
                     '80' if nlb['listener'] == 'tcp' else '4789'))
                for eni, healthy in nlb['targets']:
                    x('<target network-interface="%s" healthy="%s"/>'
                      % (eni, 'true' if healthy else 'false'))
                x('</load-balancer>')
            x('</vpc>')
        for (a, b), p in sorted(self.pcx.items()):
            x('<vpc-peering id="%s" requester-vpc="vpc-%d" '
              'accepter-vpc="vpc-%d" status="%s"/>'
              % (p['id'], a, b,
                 'active' if p['active'] else 'pending-acceptance'))
        for g, tgw in enumerate(self.tgws):
            x('<transit-gateway id="%s"%s>' % (
                tgw['id'], ' security-group-referencing-support="enable"'
                if tgw['sgref'] else ''))
            for att in tgw['atts']:
                x('<attachment id="%s" vpc="%s" subnets="%s"%s%s%s/>' % (
                    att['id'], att['vpc']['id'],
                    ' '.join(s['id'] for s in att['subnets']),
                    ' association="%s"' % att['assoc'] if att['assoc']
                    else '',
                    ' propagations="%s"' % ' '.join(att['props'])
                    if att['props'] else '',
                    '' if att['sgref']
                    else ' security-group-referencing-support="disable"'))
            if tgw['peer']:
                p = tgw['peer']
                x('<peering-attachment id="%s" peer-transit-gateway="%s"%s%s/>'
                  % (p['id'], self.tgws[1]['id'],
                     ' association="%s"' % p['assoc'] if p['assoc'] else '',
                     ' peer-association="%s"' % p['peer_assoc']
                     if p['peer_assoc'] else ''))
            for rtb in tgw['rtbs']:
                x('<route-table id="%s">' % rtb)
                for rr, dest, att in tgw['static']:
                    if rr != rtb:
                        continue
                    if att:
                        x('<route destination="%s" attachment="%s"/>'
                          % (dest, att))
                    else:
                        x('<route destination="%s" blackhole="true"/>'
                          % dest)
                x('</route-table>')
            x('</transit-gateway>')
        shared = set()
        for src, (kind, tgt), number, vni in self.sessions:
            tid = 'tmt-%s' % tgt['id']
            if tid not in shared:
                shared.add(tid)
                attr = ('network-interface' if kind == 'eni'
                        else 'network-load-balancer')
                x('<traffic-mirror-target id="%s" %s="%s"/>'
                  % (tid, attr, tgt['id']))
        for src, (kind, tgt), number, vni in self.sessions:
            self.session_xml(src, tgt, number, vni)
        x('</account>')
        x('</topology>')
        return '\n'.join(self.out) + '\n'

    def session_xml(self, src, tgt, number, vni):
        port = 20000 + vni
        self.x('<traffic-mirror-filter id="tmf-%d">'
               '<rule direction="egress" rule-number="10" '
               'rule-action="accept" protocol="17" source-cidr="0.0.0.0/0" '
               'destination-cidr="0.0.0.0/0" destination-port-range="%d-%d"/>'
               '</traffic-mirror-filter>' % (vni, port, port))
        self.x('<traffic-mirror-session id="tms-%d" network-interface="%s" '
               'traffic-mirror-target="tmt-%s" traffic-mirror-filter='
               '"tmf-%d" session-number="%d" virtual-network-id="%d"/>'
               % (vni, src['id'], tgt['id'], vni, number, vni))


def generate(seed):
    """The topology of 'seed', as the text of a topology file."""
    return Gen(seed).generate()
