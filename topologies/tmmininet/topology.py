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

"""A topology file, read for building it as a network.

tm-sim's loader (sim/topology-load.c) is the judge of a file: it validates
it against topologies/topology.rng and checks every reference.  This reader
takes a file that tm-sim has accepted and keeps only what the network
needs, with the loader's defaults: a subnet without route-table uses its
VPC's first route table (or one with the local routes only), a subnet
without availability-zone is in the zone "", a peering without status is
active, a load balancer target without healthy is healthy, a transit
gateway supports security group references only when it says so, an
attachment unless it says not."""

import ipaddress
import xml.etree.ElementTree as ET

NS = '{urn:ovs-tmirror:topology:1}'


class Obj(object):
    """A bag of attributes, for the objects of a topology."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return '<%s>' % getattr(self, 'id', '?')


def _words(s):
    return s.split() if s else []


def _tag(elem):
    return elem.tag[len(NS):] if elem.tag.startswith(NS) else elem.tag


def _ports(elem, name_from='from-port', name_to='to-port'):
    if elem.get(name_from) is None:
        return None
    return (int(elem.get(name_from)), int(elem.get(name_to, elem.get(
        name_from))))


def _protocol(s):
    return -1 if s in (None, '-1', 'all') else int(s)


class Topology(object):
    def __init__(self, path):
        self.path = path
        self.vpcs = {}
        self.subnets = {}
        self.route_tables = {}
        self.acls = {}
        self.groups = {}
        self.enis = {}
        self.nlbs = {}
        self.peerings = {}
        self.tgws = {}
        self.attachments = {}
        self.tgw_route_tables = {}
        self.targets = {}
        self.sessions = {}
        self.hypervisors = []
        root = ET.parse(path).getroot()
        self._root = root
        for account in root.findall(NS + 'account'):
            self._account(account)
        for hv in root.findall(NS + 'hypervisor'):
            self.hypervisors.append(Obj(
                id=hv.get('id'), bridge=hv.get('bridge'),
                ports=[Obj(eni=p.get('network-interface'),
                           name=p.get('name'),
                           ofport=p.get('ofport'))
                       for p in hv.findall(NS + 'port')]))
        self._resolve()

    # -- Reading. --

    def _account(self, account):
        owner = account.get('id')
        for vpc in account.findall(NS + 'vpc'):
            self._vpc(vpc, owner)
        for eni in account.findall(NS + 'network-interface'):
            self._eni(eni, None)
        for sg in account.findall(NS + 'security-group'):
            self._group(sg, sg.get('vpc'))
        for pcx in account.findall(NS + 'vpc-peering'):
            self.peerings[pcx.get('id')] = Obj(
                id=pcx.get('id'), requester=pcx.get('requester-vpc'),
                accepter=pcx.get('accepter-vpc'),
                active=pcx.get('status', 'active') == 'active')
        for tgw in account.findall(NS + 'transit-gateway'):
            self._tgw(tgw)
        for t in account.findall(NS + 'traffic-mirror-target'):
            self.targets[t.get('id')] = Obj(
                id=t.get('id'), eni=t.get('network-interface'),
                nlb=t.get('network-load-balancer'))
        for s in account.findall(NS + 'traffic-mirror-session'):
            vni = s.get('virtual-network-id')
            length = s.get('packet-length')
            self.sessions[s.get('id')] = Obj(
                id=s.get('id'), source=s.get('network-interface'),
                target=s.get('traffic-mirror-target'),
                filter=s.get('traffic-mirror-filter'),
                number=int(s.get('session-number')),
                vni=int(vni) if vni is not None else None,
                packet_length=int(length) if length is not None else None)

    def _vpc(self, elem, owner):
        vpc = Obj(id=elem.get('id'), owner=owner,
                  cidrs=[ipaddress.ip_network(elem.get('cidr'))]
                  + [ipaddress.ip_network(c.get('cidr'))
                     for c in elem.findall(NS + 'cidr-block')],
                  subnets=[], route_tables=[], main=None)
        self.vpcs[vpc.id] = vpc
        for rtb in elem.findall(NS + 'route-table'):
            table = Obj(id=rtb.get('id'), vpc=vpc.id, routes=[])
            for r in rtb.findall(NS + 'route'):
                table.routes.append(Obj(
                    destination=ipaddress.ip_network(r.get('destination')),
                    target=(None if r.get('blackhole') == 'true'
                            else r.get('target'))))
            self.route_tables[table.id] = table
            vpc.route_tables.append(table.id)
        for acl in elem.findall(NS + 'network-acl'):
            entries = []
            for e in acl.findall(NS + 'entry'):
                entries.append(Obj(
                    number=int(e.get('rule-number')),
                    egress=e.get('direction') == 'egress',
                    allow=e.get('rule-action') == 'allow',
                    protocol=_protocol(e.get('protocol')),
                    cidr=ipaddress.ip_network(e.get('cidr')),
                    ports=_ports(e)))
            entries.sort(key=lambda e: e.number)
            self.acls[acl.get('id')] = Obj(id=acl.get('id'), entries=entries)
        for sn in elem.findall(NS + 'subnet'):
            subnet = Obj(id=sn.get('id'), vpc=vpc.id,
                         cidr=ipaddress.ip_network(sn.get('cidr')),
                         zone=sn.get('availability-zone', ''),
                         route_table=sn.get('route-table'),
                         acl=sn.get('network-acl'))
            self.subnets[subnet.id] = subnet
            vpc.subnets.append(subnet.id)
        for sg in elem.findall(NS + 'security-group'):
            self._group(sg, vpc.id)
        for eni in elem.findall(NS + 'network-interface'):
            self._eni(eni, vpc.id)
        for lb in elem.findall(NS + 'load-balancer'):
            nlb = Obj(id=lb.get('id'), vpc=vpc.id,
                      cross_zone=lb.get('cross-zone') == 'true',
                      groups=_words(lb.get('security-groups')),
                      nodes=[Obj(subnet=n.get('subnet'),
                                 ip=ipaddress.ip_address(n.get('ip')))
                             for n in lb.findall(NS + 'node')],
                      listeners=[Obj(protocol=ln.get('protocol'),
                                     port=int(ln.get('port')))
                                 for ln in lb.findall(NS + 'listener')],
                      targets=[Obj(eni=t.get('network-interface'),
                                   healthy=t.get('healthy', 'true')
                                   == 'true')
                               for t in lb.findall(NS + 'target')])
            self.nlbs[nlb.id] = nlb

    def _group(self, elem, vpc):
        rules = []
        for r in elem.findall(NS + 'rule'):
            cidr = r.get('cidr')
            rules.append(Obj(egress=r.get('direction') == 'egress',
                             protocol=_protocol(r.get('protocol')),
                             ports=_ports(r),
                             cidr=ipaddress.ip_network(cidr) if cidr
                             else None,
                             group=r.get('source-group')))
        self.groups[elem.get('id')] = Obj(id=elem.get('id'), vpc=vpc,
                                          rules=rules)

    def _eni(self, elem, vpc):
        mtu = elem.get('mtu')
        ip = ipaddress.ip_address(elem.get('ip'))
        self.enis[elem.get('id')] = Obj(
            id=elem.get('id'), subnet=elem.get('subnet'), elem=elem,
            ip=ip, given_mac=elem.get('mac') is not None,
            mac=elem.get('mac') or '02:00:%02x:%02x:%02x:%02x'
            % tuple(ip.packed[-4:]),
            groups=(_words(elem.get('security-groups'))
                    if elem.get('security-groups') is not None else None),
            mtu=int(mtu) if mtu else 1500)

    def _tgw(self, elem):
        tgw = Obj(id=elem.get('id'),
                  sgref=elem.get('security-group-referencing-support')
                  == 'enable',
                  attachments=[], route_tables=[])
        self.tgws[tgw.id] = tgw
        for child in elem:
            tag = _tag(child)
            if tag == 'attachment':
                att = Obj(id=child.get('id'), tgw=tgw.id,
                          vpc=child.get('vpc'),
                          subnets=_words(child.get('subnets')),
                          association=child.get('association'),
                          propagations=_words(child.get('propagations')),
                          sgref=child.get(
                              'security-group-referencing-support')
                          != 'disable',
                          peer=None, peer_association=None)
            elif tag == 'peering-attachment':
                att = Obj(id=child.get('id'), tgw=tgw.id, vpc=None,
                          subnets=[], propagations=[], sgref=False,
                          association=child.get('association'),
                          peer=child.get('peer-transit-gateway'),
                          peer_association=child.get('peer-association'))
            elif tag == 'route-table':
                rtb = Obj(id=child.get('id'), tgw=tgw.id, routes=[])
                for r in child.findall(NS + 'route'):
                    rtb.routes.append(Obj(
                        destination=ipaddress.ip_network(
                            r.get('destination')),
                        attachment=r.get('attachment')))
                self.tgw_route_tables[rtb.id] = rtb
                tgw.route_tables.append(rtb.id)
                continue
            else:
                continue
            self.attachments[att.id] = att
            tgw.attachments.append(att.id)

    def _resolve(self):
        for vpc in self.vpcs.values():
            if vpc.route_tables:
                vpc.main = vpc.route_tables[0]
            else:
                vpc.main = vpc.id + '/main'
                self.route_tables[vpc.main] = Obj(id=vpc.main, vpc=vpc.id,
                                                  routes=[])
        for subnet in self.subnets.values():
            if not subnet.route_table:
                subnet.route_table = self.vpcs[subnet.vpc].main
        for eni in self.enis.values():
            eni.vpc = self.subnets[eni.subnet].vpc
        for att in list(self.attachments.values()):
            if att.peer:
                self.tgws[att.peer].attachments.append(att.id)

    # -- Queries. --

    def eni_zone(self, eni_id):
        return self.subnets[self.enis[eni_id].subnet].zone

    def members(self, group_id):
        """The addresses of the interfaces in security group 'group_id'."""
        return sorted(str(e.ip) for e in self.enis.values()
                      if e.groups and group_id in e.groups)

    def nlb_usable_targets(self, nlb, node):
        zone = self.subnets[node.subnet].zone
        return [t.eni for t in nlb.targets
                if t.healthy and (nlb.cross_zone
                                  or self.eni_zone(t.eni) == zone)]

    def nlb_has_listener(self, nlb):
        return any(ln.port == 4789 and ln.protocol in ('udp', 'tcp_udp')
                   for ln in nlb.listeners)

    def zones(self):
        return sorted(set(s.zone for s in self.subnets.values()))

    def ipv4_only(self):
        nets = [c for v in self.vpcs.values() for c in v.cidrs]
        nets += [s.cidr for s in self.subnets.values()]
        return all(n.version == 4 for n in nets)

    def needs_completing(self):
        return any(not e.given_mac for e in self.enis.values())

    def write_completed(self, path, hv_id, ports):
        """Writes the topology to 'path' as the network is built: every
        network interface with the MAC it got (one from its address where
        the file gives none), and, if 'ports' is not empty, one more
        hypervisor, 'hv_id', holding 'ports': a list of (eni id, port name,
        ofport)."""
        root = self._root
        hv = None
        if ports:
            hv = ET.SubElement(root, NS + 'hypervisor',
                               {'id': hv_id, 'bridge': hv_id,
                                'underlay-ip': '192.0.2.1'})
            for eni, name, ofport in ports:
                ET.SubElement(hv, NS + 'port', {'network-interface': eni,
                                                'name': name,
                                                'ofport': str(ofport)})
        for eni in self.enis.values():
            eni.elem.set('mac', eni.mac)
        ET.register_namespace('', NS[1:-1])
        ET.ElementTree(root).write(path, xml_declaration=True,
                                   encoding='UTF-8')
        if hv is not None:
            root.remove(hv)
