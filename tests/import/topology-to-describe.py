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

"""Writes what the AWS CLI would print for the describe calls of the
network of a topology file: the other half of the round trip that
"tm-sim import" completes (topology -> describe JSON -> topology).

usage: topology-to-describe.py TOPOLOGY.xml DIR

With one account, DIR holds its files; with several, one subfolder per
account id.  Every file follows the shape of the call's output as
"aws ... --generate-cli-skeleton output" prints it, with what an account
adds on its own: the local routes, each network ACL's final deny entries
(rule 32767), the main route table association, the load balancers'
network interfaces.  Hypervisors are not AWS's and are left out."""

import json
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:ovs-tmirror:topology:1}"
SG_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def tag(e):
    return e.tag[len(NS):] if e.tag.startswith(NS) else e.tag


def children(e, name):
    return [c for c in e if tag(c) == name]


def words(s):
    return s.split() if s else []


def ports(s):
    a, _, b = s.partition("-")
    return int(a), int(b or a)


class Account:
    def __init__(self, account_id, organization):
        self.id = account_id
        self.organization = organization
        self.files = {}
        for call, key in CALLS.items():
            self.files[call] = {key: []}
        for call in KEYED:
            self.files[call] = {}

    def add(self, call, key, item):
        self.files.setdefault(call, {}).setdefault(key, []).append(item)

    def add_keyed(self, call, resource, key, items):
        out = self.files.setdefault(call, {})
        out[resource] = {key: items}


CALLS = {
    "ec2-describe-vpcs": "Vpcs",
    "ec2-describe-subnets": "Subnets",
    "ec2-describe-route-tables": "RouteTables",
    "ec2-describe-network-acls": "NetworkAcls",
    "ec2-describe-security-groups": "SecurityGroups",
    "ec2-describe-network-interfaces": "NetworkInterfaces",
    "ec2-describe-instances": "Reservations",
    "ec2-describe-vpc-peering-connections": "VpcPeeringConnections",
    "ec2-describe-transit-gateways": "TransitGateways",
    "ec2-describe-transit-gateway-attachments": "TransitGatewayAttachments",
    "ec2-describe-transit-gateway-vpc-attachments":
        "TransitGatewayVpcAttachments",
    "ec2-describe-transit-gateway-route-tables": "TransitGatewayRouteTables",
    "ec2-describe-traffic-mirror-targets": "TrafficMirrorTargets",
    "ec2-describe-traffic-mirror-filters": "TrafficMirrorFilters",
    "ec2-describe-traffic-mirror-sessions": "TrafficMirrorSessions",
    "elbv2-describe-load-balancers": "LoadBalancers",
    "elbv2-describe-target-groups": "TargetGroups",
    "ram-get-resource-shares": "resourceShares",
    "ram-list-resources": "resources",
    "ram-list-principals": "principals",
    "ram-get-resource-share-invitations": "resourceShareInvitations",
}
KEYED = ["ec2-search-transit-gateway-routes",
         "elbv2-describe-load-balancer-attributes",
         "elbv2-describe-listeners", "elbv2-describe-target-health"]


def convert(root):
    region = root.get("region", "us-east-1")
    accounts = {}
    for a in children(root, "account"):
        accounts[a.get("id")] = Account(a.get("id"), a.get("organization"))

    vpcs = {}           # id -> (element, owner)
    subnets = {}        # id -> (element, vpc id)
    enis = {}           # id -> (element, owner, subnet id)
    for a in children(root, "account"):
        for v in children(a, "vpc"):
            vpcs[v.get("id")] = (v, a.get("id"))
            for s in children(v, "subnet"):
                subnets[s.get("id")] = (s, v.get("id"))
            for n in children(v, "network-interface"):
                enis[n.get("id")] = (n, a.get("id"), n.get("subnet"))
        for n in children(a, "network-interface"):
            enis[n.get("id")] = (n, a.get("id"), n.get("subnet"))

    def vpc_of_subnet(s):
        return subnets[s][1]

    def vpc_json(vid):
        v, owner = vpcs[vid]
        cidrs = [v.get("cidr")] + [c.get("cidr")
                                   for c in children(v, "cidr-block")]
        return {"CidrBlock": v.get("cidr"), "State": "available",
                "VpcId": vid, "OwnerId": owner, "IsDefault": False,
                "CidrBlockAssociationSet": [
                    {"AssociationId": "vpc-cidr-assoc-%d" % i,
                     "CidrBlock": c,
                     "CidrBlockState": {"State": "associated"}}
                    for i, c in enumerate(cidrs) if ":" not in c],
                "Ipv6CidrBlockAssociationSet": [
                    {"Ipv6CidrBlock": c,
                     "Ipv6CidrBlockState": {"State": "associated"}}
                    for c in cidrs if ":" in c]}

    def subnet_json(sid):
        s, vid = subnets[sid]
        owner = vpcs[vid][1]
        out = {"SubnetId": sid, "VpcId": vid, "CidrBlock": s.get("cidr"),
               "State": "available", "OwnerId": owner,
               "SubnetArn": "arn:aws:ec2:%s:%s:subnet/%s"
                            % (region, owner, sid)}
        if s.get("availability-zone"):
            out["AvailabilityZone"] = s.get("availability-zone")
        return out

    for a in children(root, "account"):
        acc = accounts[a.get("id")]
        aid = a.get("id")
        if acc.organization:
            acc.files["organizations-describe-organization"] = {
                "Organization": {"Id": acc.organization,
                                 "FeatureSet": "ALL"}}
        acc.files["sts-get-caller-identity"] = {
            "UserId": "AIDAEXAMPLE", "Account": aid,
            "Arn": "arn:aws:iam::%s:user/tm-sim" % aid}

        for v in children(a, "vpc"):
            vid = v.get("id")
            acc.add("ec2-describe-vpcs", "Vpcs", vpc_json(vid))
            rtbs = children(v, "route-table")
            for s in children(v, "subnet"):
                acc.add("ec2-describe-subnets", "Subnets",
                        subnet_json(s.get("id")))
                # A participant sees the VPC and the subnets shared with
                # it.
                for p in words(s.get("shared-with")):
                    pa = accounts[p]
                    if not any(x["VpcId"] == vid for x in
                               pa.files["ec2-describe-vpcs"]["Vpcs"]):
                        pa.add("ec2-describe-vpcs", "Vpcs", vpc_json(vid))
                    pa.add("ec2-describe-subnets", "Subnets",
                           subnet_json(s.get("id")))
            cidrs = [v.get("cidr")] + [c.get("cidr")
                                       for c in children(v, "cidr-block")]
            for i, r in enumerate(rtbs):
                assocs = []
                if i == 0:
                    assocs.append({"Main": True,
                                   "RouteTableId": r.get("id"),
                                   "AssociationState":
                                       {"State": "associated"}})
                for s in children(v, "subnet"):
                    if s.get("route-table") == r.get("id"):
                        assocs.append({"Main": False,
                                       "SubnetId": s.get("id"),
                                       "RouteTableId": r.get("id"),
                                       "AssociationState":
                                           {"State": "associated"}})
                routes = []
                for c in cidrs:
                    routes.append({"DestinationCidrBlock" if ":" not in c
                                   else "DestinationIpv6CidrBlock": c,
                                   "GatewayId": "local",
                                   "Origin": "CreateRouteTable",
                                   "State": "active"})
                for route in children(r, "route"):
                    d = route.get("destination")
                    out = {("DestinationIpv6CidrBlock" if ":" in d
                            else "DestinationCidrBlock"): d,
                           "Origin": "CreateRoute"}
                    t = route.get("target")
                    if route.get("blackhole") == "true":
                        # A route whose target was deleted.
                        out["NatGatewayId"] = "nat-deleted"
                        out["State"] = "blackhole"
                    else:
                        out["State"] = "active"
                        if t.startswith("pcx-") or t in pcx_ids(root):
                            out["VpcPeeringConnectionId"] = t
                        elif t.startswith("tgw-") or t in tgw_ids(root):
                            out["TransitGatewayId"] = t
                        elif t in enis:
                            out["NetworkInterfaceId"] = t
                        elif t.startswith("nat-"):
                            out["NatGatewayId"] = t
                        else:
                            out["GatewayId"] = t
                    routes.append(out)
                acc.add("ec2-describe-route-tables", "RouteTables",
                        {"RouteTableId": r.get("id"), "VpcId": vid,
                         "OwnerId": aid, "Associations": assocs,
                         "Routes": routes, "PropagatingVgws": []})
            for n in children(v, "network-acl"):
                entries = []
                for e in children(n, "entry"):
                    out = {"RuleNumber": int(e.get("rule-number")),
                           "Egress": e.get("direction") == "egress",
                           "Protocol": e.get("protocol"),
                           "RuleAction": e.get("rule-action"),
                           ("Ipv6CidrBlock" if ":" in e.get("cidr")
                            else "CidrBlock"): e.get("cidr")}
                    if e.get("from-port") is not None:
                        out["PortRange"] = {"From": int(e.get("from-port")),
                                            "To": int(e.get("to-port"))}
                    entries.append(out)
                for egress in (False, True):
                    entries.append({"RuleNumber": 32767, "Egress": egress,
                                    "Protocol": "-1", "RuleAction": "deny",
                                    "CidrBlock": "0.0.0.0/0"})
                acc.add("ec2-describe-network-acls", "NetworkAcls",
                        {"NetworkAclId": n.get("id"), "VpcId": vid,
                         "OwnerId": aid, "IsDefault": False,
                         "Entries": entries,
                         "Associations": [
                             {"NetworkAclId": n.get("id"),
                              "SubnetId": s.get("id")}
                             for s in children(v, "subnet")
                             if s.get("network-acl") == n.get("id")]})
            for g in children(v, "security-group"):
                acc.add("ec2-describe-security-groups", "SecurityGroups",
                        sg_json(g, aid, vid))
            for lb in children(v, "load-balancer"):
                nlb_json(acc, lb, vid, enis, subnets, region)
        for g in children(a, "security-group"):
            acc.add("ec2-describe-security-groups", "SecurityGroups",
                    sg_json(g, aid, g.get("vpc")))

    # Network interfaces and their instances, described by their owners.
    for eid, (n, owner, sid) in enis.items():
        acc = accounts[owner]
        vid = vpc_of_subnet(sid)
        out = {"NetworkInterfaceId": eid, "SubnetId": sid, "VpcId": vid,
               "OwnerId": owner, "InterfaceType": "interface",
               "PrivateIpAddress": n.get("ip"), "Status": "in-use",
               "Groups": [{"GroupId": g}
                          for g in words(n.get("security-groups"))]}
        if subnets[sid][0].get("availability-zone"):
            out["AvailabilityZone"] = subnets[sid][0].get(
                "availability-zone")
        if n.get("mac"):
            out["MacAddress"] = n.get("mac")
        instance = "i-" + eid
        out["Attachment"] = {"InstanceId": instance, "DeviceIndex": 0,
                             "Status": "attached"}
        acc.add("ec2-describe-network-interfaces", "NetworkInterfaces", out)
        instance_json = {"InstanceId": instance,
                         "NetworkInterfaces": [
                             {"NetworkInterfaceId": eid,
                              "Attachment": {"DeviceIndex": 0}}]}
        if n.get("instance-type"):
            instance_json["InstanceType"] = n.get("instance-type")
        acc.add("ec2-describe-instances", "Reservations",
                {"ReservationId": "r-" + eid, "OwnerId": owner,
                 "Instances": [instance_json]})

    for a in children(root, "account"):
        aid = a.get("id")
        acc = accounts[aid]
        for p in children(a, "vpc-peering"):
            info = {}
            for side, attr in (("RequesterVpcInfo", "requester-vpc"),
                               ("AccepterVpcInfo", "accepter-vpc")):
                v, owner = vpcs[p.get(attr)]
                info[side] = {"VpcId": v.get("id"), "OwnerId": owner,
                              "CidrBlock": v.get("cidr"), "Region": region}
            out = dict(info, VpcPeeringConnectionId=p.get("id"),
                       Status={"Code": p.get("status", "active")})
            # Both sides describe it.
            owners = {vpcs[p.get("requester-vpc")][1],
                      vpcs[p.get("accepter-vpc")][1], aid}
            for o in sorted(owners):
                accounts[o].add("ec2-describe-vpc-peering-connections",
                                "VpcPeeringConnections", out)
        for t in children(a, "transit-gateway"):
            tgw_json(accounts, acc, t, vpcs, region)
        for rs in children(a, "resource-share"):
            share_json(accounts, acc, rs, region)
        for t in children(a, "traffic-mirror-target"):
            out = {"TrafficMirrorTargetId": t.get("id"), "OwnerId": aid}
            if t.get("network-interface"):
                out["NetworkInterfaceId"] = t.get("network-interface")
                out["Type"] = "network-interface"
            else:
                out["NetworkLoadBalancerArn"] = t.get(
                    "network-load-balancer")
                out["Type"] = "network-load-balancer"
            if t.get("description") is not None:
                out["Description"] = t.get("description")
            acc.add("ec2-describe-traffic-mirror-targets",
                    "TrafficMirrorTargets", out)
        for f in children(a, "traffic-mirror-filter"):
            acc.add("ec2-describe-traffic-mirror-filters",
                    "TrafficMirrorFilters", filter_json(f))
        for s in children(a, "traffic-mirror-session"):
            out = {"TrafficMirrorSessionId": s.get("id"),
                   "TrafficMirrorTargetId": s.get("traffic-mirror-target"),
                   "TrafficMirrorFilterId": s.get("traffic-mirror-filter"),
                   "NetworkInterfaceId": s.get("network-interface"),
                   "OwnerId": aid,
                   "SessionNumber": int(s.get("session-number"))}
            for attr, key in (("virtual-network-id", "VirtualNetworkId"),
                              ("packet-length", "PacketLength")):
                if s.get(attr) is not None:
                    out[key] = int(s.get(attr))
            if s.get("description") is not None:
                out["Description"] = s.get("description")
            acc.add("ec2-describe-traffic-mirror-sessions",
                    "TrafficMirrorSessions", out)
    return accounts


def pcx_ids(root):
    return {p.get("id") for a in children(root, "account")
            for p in children(a, "vpc-peering")}


def tgw_ids(root):
    return {t.get("id") for a in children(root, "account")
            for t in children(a, "transit-gateway")}


def sg_json(g, owner, vid):
    out = {"GroupId": g.get("id"), "GroupName": g.get("id"),
           "OwnerId": owner, "VpcId": vid,
           "Description": g.get("description", g.get("id")),
           "IpPermissions": [], "IpPermissionsEgress": []}
    for r in children(g, "rule"):
        proto = r.get("protocol")
        perm = {"IpProtocol": SG_PROTOCOLS.get(proto, proto),
                "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                "UserIdGroupPairs": []}
        if r.get("from-port") is not None:
            perm["FromPort"] = int(r.get("from-port"))
            perm["ToPort"] = int(r.get("to-port"))
        cidr = r.get("cidr")
        if cidr and ":" in cidr:
            perm["Ipv6Ranges"].append({"CidrIpv6": cidr})
        elif cidr:
            perm["IpRanges"].append({"CidrIp": cidr})
        else:
            perm["UserIdGroupPairs"].append({"GroupId": r.get("source-group"),
                                             "UserId": owner})
        for key in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs"):
            if perm[key] and r.get("description") is not None:
                perm[key][0]["Description"] = r.get("description")
        out["IpPermissionsEgress" if r.get("direction") == "egress"
            else "IpPermissions"].append(perm)
    return out


def nlb_json(acc, lb, vid, enis, subnets, region):
    arn = lb.get("id")
    suffix = arn.split(":loadbalancer/")[-1]
    nodes = children(lb, "node")
    zones = []
    for sid in words(lb.get("subnets")) or [n.get("subnet") for n in nodes]:
        zone = {"SubnetId": sid,
                "ZoneName": subnets[sid][0].get("availability-zone", ""),
                "LoadBalancerAddresses": []}
        zones.append(zone)
    for n in nodes:
        # Each node is a network interface the load balancer owns.
        acc.add("ec2-describe-network-interfaces", "NetworkInterfaces",
                {"NetworkInterfaceId": "eni-%s-%s" % (suffix.replace("/", "-"),
                                                     n.get("subnet")),
                 "SubnetId": n.get("subnet"), "VpcId": vid,
                 "OwnerId": acc.id, "InterfaceType": "network_load_balancer",
                 "Description": "ELB " + suffix, "RequesterManaged": True,
                 "PrivateIpAddress": n.get("ip"), "Status": "in-use"})
    acc.add("elbv2-describe-load-balancers", "LoadBalancers",
            {"LoadBalancerArn": arn, "LoadBalancerName": suffix,
             "Type": "network", "Scheme": "internal", "VpcId": vid,
             "State": {"Code": "active"}, "AvailabilityZones": zones,
             "IpAddressType": "ipv4"})
    acc.add_keyed("elbv2-describe-load-balancer-attributes", arn,
                  "Attributes",
                  [{"Key": "load_balancing.cross_zone.enabled",
                    "Value": lb.get("cross-zone", "false")}])
    tg = "%s-targets" % arn
    listeners = []
    for i, listener in enumerate(children(lb, "listener")):
        listeners.append({"ListenerArn": "%s/listener-%d" % (arn, i),
                          "LoadBalancerArn": arn,
                          "Port": int(listener.get("port")),
                          "Protocol": listener.get("protocol").upper(),
                          "DefaultActions": [{"Type": "forward",
                                              "TargetGroupArn": tg}]})
    acc.add_keyed("elbv2-describe-listeners", arn, "Listeners", listeners)
    acc.add("elbv2-describe-target-groups", "TargetGroups",
            {"TargetGroupArn": tg, "TargetGroupName": suffix,
             "Protocol": "UDP", "Port": 4789, "VpcId": vid,
             "TargetType": "instance", "LoadBalancerArns": [arn]})
    health = []
    for t in children(lb, "target"):
        eni = t.get("network-interface")
        sid = enis[eni][2]
        health.append({"Target": {"Id": "i-" + eni, "Port": 4789,
                                  "AvailabilityZone":
                                      subnets[sid][0].get(
                                          "availability-zone", "")},
                       "HealthCheckPort": "4789",
                       "TargetHealth": {"State": "healthy"
                                        if t.get("healthy", "true") == "true"
                                        else "unhealthy"}})
    acc.add_keyed("elbv2-describe-target-health", tg,
                  "TargetHealthDescriptions", health)


def tgw_json(accounts, acc, t, vpcs, region):
    tid = t.get("id")
    acc.add("ec2-describe-transit-gateways", "TransitGateways",
            {"TransitGatewayId": tid, "OwnerId": acc.id,
             "State": "available",
             "TransitGatewayArn": "arn:aws:ec2:%s:%s:transit-gateway/%s"
                                  % (region, acc.id, tid)})
    atts = children(t, "attachment")
    for att in atts:
        vid = att.get("vpc")
        vpc_owner = vpcs[vid][1]
        out = {"TransitGatewayAttachmentId": att.get("id"),
               "TransitGatewayId": tid, "TransitGatewayOwnerId": acc.id,
               "ResourceOwnerId": vpc_owner, "ResourceType": "vpc",
               "ResourceId": vid, "State": "available"}
        if att.get("association"):
            out["Association"] = {"TransitGatewayRouteTableId":
                                  att.get("association"),
                                  "State": "associated"}
        vpc_out = {"TransitGatewayAttachmentId": att.get("id"),
                   "TransitGatewayId": tid, "VpcId": vid,
                   "VpcOwnerId": vpc_owner, "State": "available",
                   "SubnetIds": words(att.get("subnets"))}
        for o in sorted({acc.id, vpc_owner}):
            accounts[o].add("ec2-describe-transit-gateway-attachments",
                            "TransitGatewayAttachments", out)
            accounts[o].add("ec2-describe-transit-gateway-vpc-attachments",
                            "TransitGatewayVpcAttachments", vpc_out)
    for r in children(t, "route-table"):
        rid = r.get("id")
        acc.add("ec2-describe-transit-gateway-route-tables",
                "TransitGatewayRouteTables",
                {"TransitGatewayRouteTableId": rid, "TransitGatewayId": tid,
                 "State": "available"})
        routes = []
        for route in children(r, "route"):
            out = {"DestinationCidrBlock": route.get("destination"),
                   "Type": "static"}
            if route.get("blackhole") == "true":
                out["State"] = "blackhole"
            else:
                out["State"] = "active"
                a = [x for x in atts if x.get("id") ==
                     route.get("attachment")][0]
                out["TransitGatewayAttachments"] = [
                    {"TransitGatewayAttachmentId": a.get("id"),
                     "ResourceId": a.get("vpc"), "ResourceType": "vpc"}]
            routes.append(out)
        for a in atts:
            if rid in words(a.get("propagations")):
                v = vpcs[a.get("vpc")][0]
                for c in [v.get("cidr")] + [x.get("cidr") for x in
                                            children(v, "cidr-block")]:
                    routes.append({"DestinationCidrBlock": c,
                                   "Type": "propagated", "State": "active",
                                   "TransitGatewayAttachments": [
                                       {"TransitGatewayAttachmentId":
                                        a.get("id"),
                                        "ResourceId": a.get("vpc"),
                                        "ResourceType": "vpc"}]})
        acc.add_keyed("ec2-search-transit-gateway-routes", rid, "Routes",
                      routes)
        acc.files["ec2-search-transit-gateway-routes"][rid][
            "AdditionalRoutesAvailable"] = False


def share_json(accounts, acc, rs, region):
    arn = "arn:aws:ram:%s:%s:resource-share/%s" % (region, acc.id,
                                                    rs.get("id"))
    acc.add("ram-get-resource-shares", "resourceShares",
            {"resourceShareArn": arn, "name": rs.get("id"),
             "owningAccountId": acc.id, "allowExternalPrincipals": True,
             "status": "ACTIVE"})
    for r in words(rs.get("resources")):
        acc.add("ram-list-resources", "resources",
                {"arn": "arn:aws:ec2:%s:%s:traffic-mirror-target/%s"
                        % (region, acc.id, r),
                 "type": "ec2:TrafficMirrorTarget", "resourceShareArn": arn,
                 "status": "AVAILABLE"})
    for p in words(rs.get("principals")):
        if p in accounts:
            acc.add("ram-list-principals", "principals",
                    {"id": p, "resourceShareArn": arn, "external": True})
            accounts[p].add("ram-get-resource-share-invitations",
                            "resourceShareInvitations",
                            {"resourceShareArn": arn,
                             "resourceShareName": rs.get("id"),
                             "senderAccountId": acc.id,
                             "receiverAccountId": p,
                             "status": rs.get("status").upper()})
        else:
            acc.add("ram-list-principals", "principals",
                    {"id": "arn:aws:organizations::%s:organization/%s"
                           % (acc.id, p),
                     "resourceShareArn": arn, "external": False})


def filter_json(f):
    out = {"TrafficMirrorFilterId": f.get("id"), "IngressFilterRules": [],
           "EgressFilterRules": [],
           "NetworkServices": words(f.get("network-services"))}
    if f.get("description") is not None:
        out["Description"] = f.get("description")
    for i, r in enumerate(children(f, "rule")):
        rule = {"TrafficMirrorFilterRuleId": "tmfr-%s-%d" % (f.get("id"), i),
                "TrafficMirrorFilterId": f.get("id"),
                "TrafficDirection": r.get("direction"),
                "RuleNumber": int(r.get("rule-number")),
                "RuleAction": r.get("rule-action"),
                "SourceCidrBlock": r.get("source-cidr"),
                "DestinationCidrBlock": r.get("destination-cidr")}
        if r.get("protocol") not in (None, "-1"):
            rule["Protocol"] = int(r.get("protocol"))
        for attr, key in (("source-port-range", "SourcePortRange"),
                          ("destination-port-range",
                           "DestinationPortRange")):
            if r.get(attr):
                a, b = ports(r.get(attr))
                rule[key] = {"FromPort": a, "ToPort": b}
        if r.get("description") is not None:
            rule["Description"] = r.get("description")
        out["EgressFilterRules" if r.get("direction") == "egress"
            else "IngressFilterRules"].append(rule)
    return out


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    accounts = convert(ET.parse(sys.argv[1]).getroot())
    for aid, acc in accounts.items():
        d = (sys.argv[2] if len(accounts) == 1
             else os.path.join(sys.argv[2], aid))
        os.makedirs(d, exist_ok=True)
        for call, out in sorted(acc.files.items()):
            with open(os.path.join(d, call + ".json"), "w") as f:
                json.dump(out, f, indent=4)
                f.write("\n")


if __name__ == "__main__":
    main()
