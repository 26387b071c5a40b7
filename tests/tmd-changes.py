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

"""Random changes of the traffic mirror objects of same-vpc.xml, for
ovs-tmd's test of its cache ("recompute" compares).

Usage: tmd-changes.py SEED N

Prints N + 1 TrafficMirror transactions, one per line, for ovsdb-client
transact: the first gives sessions tms-ok, tms-same, tms-3rd and tms-egress
a filter of their own (tmf-ok, ...) with two rules; each of the others
makes one change, most of them to rules (a field of one, or a filter's
whole rule set replaced), some that make a rule refused by the model (a
rule number taken twice, a bad CIDR), some to other objects (a session's
description or packet length, a filter's description).  Every transaction is one
the database accepts and changes a row that ovs-tmd follows; what the
model makes of it is the daemon's business.
"""

import json
import random
import sys

SESSIONS = ["tms-ok", "tms-same", "tms-3rd", "tms-egress"]
FILTERS = ["tmf-" + s[4:] for s in SESSIONS] + ["tmf-tcp"]
OWNER = "111111111111"


def random_rule(rng, uuid_name, rule_id):
    row = {"traffic_mirror_filter_rule_id": rule_id,
           "traffic_direction": rng.choice(["ingress", "egress"]),
           "rule_number": rng.choice([10, 20, 30]),
           "rule_action": rng.choice(["accept", "accept", "reject"]),
           "source_cidr_block": rng.choice(["0.0.0.0/0", "10.0.0.0/8",
                                            "10.0.1.0/24"]),
           "destination_cidr_block": rng.choice(["0.0.0.0/0",
                                                 "10.0.2.0/24"])}
    proto = rng.choice([None, 6, 17, 1])
    if proto is not None:
        row["protocol"] = proto
    if proto in (6, 17) and rng.random() < 0.7:
        port = rng.choice([53, 80, 443, 8080])
        row["destination_from_port"] = port
        row["destination_to_port"] = port + rng.choice([0, 0, 10])
    return {"op": "insert", "table": "Traffic_Mirror_Filter_Rule",
            "uuid-name": uuid_name, "row": row}


def where(column, value):
    return [[column, "==", value]]


def main():
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    next_rule = [0]

    def rule_id():
        next_rule[0] += 1
        return "tmfr-r%d" % next_rule[0]

    def new_rules(count):
        ops, names = [], []
        for i in range(count):
            name = "r%d" % i
            ops.append(random_rule(rng, name, rule_id()))
            names.append(["named-uuid", name])
        return ops, names

    # Setup: a filter of its own for each of SESSIONS.
    ops = []
    for s, f in zip(SESSIONS, FILTERS):
        rules = []
        for k, (d, number) in enumerate([("ingress", 10), ("egress", 10)]):
            name = "r_%s_%d" % (f[4:], k)
            op = random_rule(rng, name, rule_id())
            op["row"]["traffic_direction"] = d
            op["row"]["rule_number"] = number
            ops.append(op)
            rules.append(["named-uuid", name])
        ops.append({"op": "insert", "table": "Traffic_Mirror_Filter",
                    "uuid-name": "f_" + f[4:],
                    "row": {"traffic_mirror_filter_id": f,
                            "owner_id": OWNER,
                            "rules": ["set", rules]}})
        ops.append({"op": "update", "table": "Traffic_Mirror_Session",
                    "where": where("traffic_mirror_session_id", s),
                    "row": {"traffic_mirror_filter": ["named-uuid",
                                                      "f_" + f[4:]]}})
    print(json.dumps(["TrafficMirror"] + ops))

    rule_ids = ["tmfr-r%d" % i for i in range(1, next_rule[0] + 1)]
    for i in range(n):
        kind = rng.random()
        if kind < 0.45:
            # One field of one rule.
            rid = rng.choice(rule_ids)
            field, value = rng.choice([
                ("rule_action", rng.choice(["accept", "reject"])),
                ("rule_number", rng.choice([10, 20, 30])),
                ("traffic_direction", rng.choice(["ingress", "egress"])),
                ("protocol", ["set", [rng.choice([6, 17, 1])]]),
                ("protocol", ["set", []]),
                ("destination_from_port", rng.choice([80, 443])),
                ("source_cidr_block", rng.choice(["0.0.0.0/0",
                                                  "10.0.0.0/16",
                                                  "10.0.0.0/33"])),
                ("description", rng.choice(["", "changed"])),
            ])
            ops = [{"op": "update", "table": "Traffic_Mirror_Filter_Rule",
                    "where": where("traffic_mirror_filter_rule_id", rid),
                    "row": {field: value}}]
        elif kind < 0.75:
            # A filter's rules replaced (the old ones are deleted).
            f = rng.choice(FILTERS)
            ops, names = new_rules(rng.choice([0, 1, 2, 3]))
            rule_ids.extend(op["row"]["traffic_mirror_filter_rule_id"]
                            for op in ops)
            ops.append({"op": "update", "table": "Traffic_Mirror_Filter",
                        "where": where("traffic_mirror_filter_id", f),
                        "row": {"rules": ["set", names]}})
        elif kind < 0.85:
            f = rng.choice(FILTERS)
            ops = [{"op": "update", "table": "Traffic_Mirror_Filter",
                    "where": where("traffic_mirror_filter_id", f),
                    "row": {"description": rng.choice(["", "d1", "d2"])}}]
        elif kind < 0.95:
            s = rng.choice(SESSIONS)
            ops = [{"op": "update", "table": "Traffic_Mirror_Session",
                    "where": where("traffic_mirror_session_id", s),
                    "row": {"description": rng.choice(["", "x", "y"])}}]
        else:
            s = rng.choice(SESSIONS)
            ops = [{"op": "update", "table": "Traffic_Mirror_Session",
                    "where": where("traffic_mirror_session_id", s),
                    "row": {"packet_length": ["set", [rng.choice(
                        [100, 1000])]]}}]
        # So that every transaction changes something that ovs-tmd sees
        # (a change of a rule to what it was changes nothing), a key of
        # the Global row that means nothing to it.
        ops.append({"op": "update", "table": "Global", "where": [],
                    "row": {"external_ids": ["map", [["tmd-changes",
                                                      str(i)]]]}})
        print(json.dumps(["TrafficMirror"] + ops))


if __name__ == "__main__":
    main()
