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

"""Prints an ovsdb-client transaction that loads a topology file into the
TrafficMirror database: the network into Global:topology, each traffic
mirror target, filter (with its rules) and session into rows of their own,
as ovs-tmctl would store them.  The ovs-tmd tests use it to fill the
database in one transaction, with or without some of the sessions.

usage: tm-db-load.py TOPOLOGY.xml [--skip SESSION]...
       tm-db-load.py TOPOLOGY.xml --update-network
       tm-db-load.py TOPOLOGY.xml --network

With --update-network, the transaction replaces only the network in
Global:topology, as a change to the network would.  With --network, it
prints the topology without its traffic mirror objects, as
"ovs-tmctl load-topology" takes it.
"""

import json
import sys
import xml.etree.ElementTree as ET

NS = "urn:ovs-tmirror:topology:1"
MIRROR = ("traffic-mirror-target", "traffic-mirror-filter",
          "traffic-mirror-session")


def q(tag):
    return "{%s}%s" % (NS, tag)


def optional(value, convert=str):
    return ["set", [convert(value)]] if value is not None else ["set", []]


def port_range(value):
    if value is None:
        return None, None
    a, _, b = value.partition("-")
    return int(a), int(b or a)


def main(argv):
    file_name = argv[1]
    only_network = "--update-network" in argv or "--network" in argv
    skip = {argv[i + 1] for i, a in enumerate(argv) if a == "--skip"}

    ET.register_namespace("", NS)
    tree = ET.parse(file_name)
    root = tree.getroot()
    ops = []
    n = 0

    for account in root.findall(q("account")):
        owner = account.get("id")
        for child in list(account):
            tag = child.tag.split("}")[1]
            if tag not in MIRROR:
                continue
            account.remove(child)
            if only_network:
                continue
            if tag == "traffic-mirror-target":
                row = {"traffic_mirror_target_id": child.get("id"),
                       "owner_id": owner,
                       "network_interface_id":
                       optional(child.get("network-interface")),
                       "network_load_balancer_arn":
                       optional(child.get("network-load-balancer"))}
                ops.append({"op": "insert", "table": "Traffic_Mirror_Target",
                            "row": row, "uuid-name": "t_" + child.get("id")
                            .replace("-", "_")})
            elif tag == "traffic-mirror-filter":
                rules = []
                for rule in child.findall(q("rule")):
                    n += 1
                    name = "r%d" % n
                    sfrom, sto = port_range(rule.get("source-port-range"))
                    dfrom, dto = port_range(
                        rule.get("destination-port-range"))
                    proto = rule.get("protocol", "-1")
                    row = {
                        "traffic_mirror_filter_rule_id": "tmfr-%d" % n,
                        "traffic_direction": rule.get("direction"),
                        "rule_number": int(rule.get("rule-number")),
                        "rule_action": rule.get("rule-action"),
                        "protocol": optional(None if proto == "-1"
                                             else proto, int),
                        "source_from_port": optional(sfrom, int),
                        "source_to_port": optional(sto, int),
                        "destination_from_port": optional(dfrom, int),
                        "destination_to_port": optional(dto, int),
                        "source_cidr_block": rule.get("source-cidr"),
                        "destination_cidr_block":
                        rule.get("destination-cidr"),
                    }
                    ops.append({"op": "insert",
                                "table": "Traffic_Mirror_Filter_Rule",
                                "row": row, "uuid-name": name})
                    rules.append(["named-uuid", name])
                row = {"traffic_mirror_filter_id": child.get("id"),
                       "owner_id": owner,
                       "network_services":
                       optional(child.get("network-services")),
                       "rules": ["set", rules]}
                ops.append({"op": "insert", "table": "Traffic_Mirror_Filter",
                            "row": row, "uuid-name": "f_" + child.get("id")
                            .replace("-", "_")})
            elif child.get("id") not in skip:
                target = "t_" + child.get("traffic-mirror-target") \
                    .replace("-", "_")
                flt = "f_" + child.get("traffic-mirror-filter") \
                    .replace("-", "_")
                number = int(child.get("session-number"))
                row = {"traffic_mirror_session_id": child.get("id"),
                       "owner_id": owner,
                       "network_interface_id":
                       child.get("network-interface"),
                       "traffic_mirror_target": ["named-uuid", target],
                       "traffic_mirror_filter": ["named-uuid", flt],
                       "session_number": number,
                       "virtual_network_id":
                       int(child.get("virtual-network-id", 100 + number)),
                       "packet_length":
                       optional(child.get("packet-length"), int)}
                ops.append({"op": "insert",
                            "table": "Traffic_Mirror_Session", "row": row})

    network = ET.tostring(root, encoding="unicode")
    if "--network" in argv:
        print(network)
        return
    if only_network:
        ops = [{"op": "update", "table": "Global", "where": [],
                "row": {"topology": network}}]
    else:
        ops.insert(0, {"op": "insert", "table": "Global",
                       "row": {"topology": network,
                               "topology_name": file_name}})
    print(json.dumps(["TrafficMirror"] + ops))


if __name__ == "__main__":
    main(sys.argv)
