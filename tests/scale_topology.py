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

"""Topologies with many network interfaces in one VPC, whose sessions mirror
to a network load balancer (tmt-nlb): for tests/flood.at, and the network
of tests/tmd-bench.sh.

As a program: writes to standard output a topology of N network
interfaces with S sessions each (argv[1], argv[2]) of filter tmf-1
(ingress TCP), on ports 1 to N of hypervisor hv1."""

import sys

NS = "urn:ovs-tmirror:topology:1"


def topology(n_enis, mirroring="", hypervisors=""):
    """The topology's text: network interfaces eni-0 to eni-N-1 in
    vpc-main, the load balancer nlb-1 with its appliance, then
    'mirroring' in the account and 'hypervisors' after it."""
    enis = "".join(
        '<network-interface id="eni-%d" subnet="subnet-app" '
        'ip="10.0.%d.%d" mac="02:00:00:%02x:%02x:%02x"/>\n'
        % (i, i // 250, 1 + i % 250, i >> 16 & 255, i >> 8 & 255, i & 255)
        for i in range(n_enis))
    return f"""<topology xmlns="{NS}" region="us-east-1">
<account id="111111111111">
<vpc id="vpc-main" cidr="10.0.0.0/16">
<subnet id="subnet-app" cidr="10.0.0.0/18" availability-zone="az1"
        route-table="rtb-main"/>
<subnet id="subnet-lb" cidr="10.0.64.0/24" availability-zone="az1"
        route-table="rtb-main"/>
<route-table id="rtb-main"/>
<security-group id="sg-appl">
<rule direction="ingress" protocol="17" from-port="4789" to-port="4789"
      cidr="10.0.0.0/16"/>
</security-group>
{enis}<network-interface id="eni-appl" subnet="subnet-lb" ip="10.0.64.100"
                   security-groups="sg-appl"/>
<load-balancer id="nlb-1" type="network" subnets="subnet-lb">
<node subnet="subnet-lb" ip="10.0.64.5"/>
<listener protocol="udp" port="4789"/>
<target network-interface="eni-appl" healthy="true"/>
</load-balancer>
</vpc>
{mirroring}</account>
{hypervisors}</topology>
"""


def main():
    n, per = int(sys.argv[1]), int(sys.argv[2])
    sessions = "".join(
        '<traffic-mirror-session id="tms-%d-%d" network-interface="eni-%d" '
        'traffic-mirror-target="tmt-nlb" traffic-mirror-filter="tmf-1" '
        'session-number="%d" virtual-network-id="%d"/>\n'
        % (i, s, i, s + 1, 1 + i * per + s)
        for i in range(n) for s in range(per))
    ports = "".join('<port network-interface="eni-%d" name="vif-%d"/>\n'
                    % (i, i) for i in range(n))
    mirroring = f"""<traffic-mirror-target id="tmt-nlb"
                       network-load-balancer="nlb-1"/>
<traffic-mirror-filter id="tmf-1">
<rule direction="ingress" rule-number="1" rule-action="accept" protocol="6"
      source-cidr="0.0.0.0/0" destination-cidr="0.0.0.0/0"/>
</traffic-mirror-filter>
{sessions}"""
    hypervisors = f"""<hypervisor id="hv1" bridge="br-int"
            underlay-ip="192.168.100.1" tunnel-port="60000">
{ports}</hypervisor>
"""
    sys.stdout.write(topology(n, mirroring, hypervisors))


if __name__ == "__main__":
    main()
