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

"""How often tm-sim is right: each session's verdict against whether its
copies arrive in the network built from the same file.

For each session that tm-sim does not find invalid, its source sends UDP
datagrams to the one port its filter mirrors (generate.py), from as many
source ports as the load balancer node, if any, has targets to spread the
flows over; the session's copies arrived if the target's collector (every
target's, behind a load balancer) recorded its VNI.  An invalid session
has no flows: nothing may arrive."""

import json
import time

from . import net as tmnet
from . import traffic

CONNECTIVITY_CODES = (
    'NO_ROUTE_TO_DESTINATION', 'MORE_SPECIFIC_ROUTE', 'BLACKHOLE_ROUTE',
    'DISCONNECTED_VPCS', 'BAD_STATE_PCX', 'PCX_REQUIRES_ADDRESS_IN_VPC_CIDR',
    'TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION', 'TGW_RTB_CANNOT_ROUTE',
    'TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT', 'TGW_ROUTE_AZ_RESTRICTION',
    'SG_REFERENCING_SUPPORT', 'SUBNET_ACL_RESTRICTION',
    'ENI_SG_RULES_MISMATCH', 'SG_HAS_NO_RULES', 'ELBV2_LISTENERS_MISMATCH',
    'ELB_NOT_CROSSZONE', 'ELBV2_NO_TARGETS_IN_AZ')


def expected_targets(lab, session):
    """The appliances that must all get copies of 'session', and the
    number of flows to send so that each gets one."""
    t = lab.topo
    target = t.targets[session.target]
    if target.eni:
        return [target.eni], 1
    nlb = t.nlbs[target.nlb]
    zone = t.eni_zone(session.source)
    node = next((n for n in nlb.nodes if t.subnets[n.subnet].zone == zone),
                nlb.nodes[0])
    usable = t.nlb_usable_targets(nlb, node)
    if not usable or not t.nlb_has_listener(nlb):
        return [x.eni for x in nlb.targets], 1
    return usable, len(usable)


def observe(lab, verdicts):
    """Sends each session's traffic in 'lab'; returns {session id: True if
    its copies arrived}."""
    t = lab.topo
    plan = {}
    for sid, session in sorted(t.sessions.items()):
        appliances, flows = expected_targets(lab, session)
        plan[sid] = appliances
        if verdicts[sid] == 'invalid':
            continue
        src = lab.hosts[session.source]
        subnet = t.subnets[t.enis[session.source].subnet]
        traffic.send_udp(src, subnet.cidr.network_address + 1,
                         20000 + session.vni,
                         [30000 + i for i in range(flows)], count=2)
    time.sleep(0.4)
    got = {}
    for eid in lab.collectors:
        got[eid] = set(r.get('vni') for r in lab.arrived(eid))
    return {sid: all(t.sessions[sid].vni in got.get(e, ())
                     for e in appliances)
            for sid, appliances in plan.items()}


def check_topology(path, ovs, tmsim, log, checker=None):
    """Builds 'path', compares; returns (report dict, list of
    disagreements).  'checker' is the tm-sim whose verdicts are compared
    (default: 'tmsim', which makes the flows)."""
    p = tmnet.run([checker or tmsim, 'check', path, '--format=json'],
                  check=False)
    if p.returncode not in (0, 1):
        raise tmnet.Error('tm-sim check %s: %s' % (path, p.stderr.strip()))
    report = json.loads(p.stdout)
    verdicts = {s['id']: s['verdict'] for s in report['sessions']}
    lab = tmnet.Lab(path, ovs, tmsim, log=log)
    try:
        lab.up()
        arrived = observe(lab, verdicts)
    finally:
        lab.down()
    disagreements = []
    for s in report['sessions']:
        want = s['verdict'] == 'reachable'
        if arrived[s['id']] != want:
            disagreements.append((s['id'], s['verdict'], arrived[s['id']],
                                  [e['code'] + '@' + e['component']
                                   for e in s['explanations']]))
    return report, disagreements
