/*
 * Copyright (c) 2026 The ovs-tmirror authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* tm-import-bench: the import's row of "make bench".
 *
 * Writes, in a temporary folder, what the AWS CLI would print for a
 * generated account (by default 1,000 VPCs of 4 subnets, a route table, a
 * network ACL and 2 security groups each, and 100 network interfaces each,
 * 100,000 in all, on as many instances, with 1,000 mirror sessions), then
 * times "tm-sim import" of that folder (sim_import_dir()) against loading
 * the topology it produces (sim_topology_load_memory()), each the median
 * of a few runs, and prints the ratio.  The target: the import within 2
 * times the load. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "tm-bench-util.h"
#include "tmirror/import.h"
#include "tmirror/topology.h"
#include "util.h"

#define ACCOUNT "111111111111"
#define SUBNETS_PER_VPC 4
#define TARGETS 100



static void
write_file(const char *dir, const char *call, struct ds *s)
{
    char *name = xasprintf("%s/%s.json", dir, call);
    FILE *file = fopen(name, "w");

    if (!file || fputs(ds_cstr(s), file) < 0 || fclose(file)) {
        ovs_fatal(errno, "%s: cannot write", name);
    }
    free(name);
    ds_clear(s);
}

/* Writes the describe output of the account into 'dir'. */
static void
generate(const char *dir, int n_vpcs, int enis_per_vpc, int n_sessions)
{
    static const char *const empty[][2] = {
        { "ec2-describe-vpc-peering-connections", "VpcPeeringConnections" },
        { "ec2-describe-transit-gateways", "TransitGateways" },
        { "ec2-describe-transit-gateway-attachments",
          "TransitGatewayAttachments" },
        { "ec2-describe-transit-gateway-vpc-attachments",
          "TransitGatewayVpcAttachments" },
        { "ec2-describe-transit-gateway-route-tables",
          "TransitGatewayRouteTables" },
        { "elbv2-describe-load-balancers", "LoadBalancers" },
        { "elbv2-describe-target-groups", "TargetGroups" },
        { "ram-get-resource-shares", "resourceShares" },
        { "ram-list-resources", "resources" },
        { "ram-list-principals", "principals" },
        { "ram-get-resource-share-invitations", "resourceShareInvitations" },
    };
    static const char *const keyed[] = {
        "ec2-search-transit-gateway-routes",
        "elbv2-describe-load-balancer-attributes",
        "elbv2-describe-listeners", "elbv2-describe-target-health",
    };
    int eni_bytes = 4096 / SUBNETS_PER_VPC;
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < ARRAY_SIZE(empty); i++) {
        ds_put_format(&s, "{\n    \"%s\": []\n}\n", empty[i][1]);
        write_file(dir, empty[i][0], &s);
    }
    for (size_t i = 0; i < ARRAY_SIZE(keyed); i++) {
        ds_put_cstr(&s, "{}\n");
        write_file(dir, keyed[i], &s);
    }
    ds_put_cstr(&s, "{\n    \"UserId\": \"AIDAEXAMPLE\",\n"
                "    \"Account\": \""ACCOUNT"\",\n"
                "    \"Arn\": \"arn:aws:iam::"ACCOUNT":user/bench\"\n}\n");
    write_file(dir, "sts-get-caller-identity", &s);
    ds_put_cstr(&s, "{\n    \"Organization\": {\n        \"Id\": "
                "\"o-bench\",\n        \"FeatureSet\": \"ALL\"\n    }\n}\n");
    write_file(dir, "organizations-describe-organization", &s);

    ds_put_cstr(&s, "{\n    \"Vpcs\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        ds_put_format(&s, "%s        {\n            \"CidrBlock\": \"",
                      v ? ",\n" : "");
        tm_bench_put_ip(&s, v, 0);
        ds_put_format(&s, "/20\",\n            \"State\": \"available\",\n"
                      "            \"VpcId\": \"vpc-%05d\",\n"
                      "            \"OwnerId\": \""ACCOUNT"\",\n"
                      "            \"CidrBlockAssociationSet\": [\n"
                      "                {\n                    \"CidrBlock\": "
                      "\"", v);
        tm_bench_put_ip(&s, v, 0);
        ds_put_cstr(&s, "/20\",\n                    \"CidrBlockState\": "
                    "{\"State\": \"associated\"}\n                }\n"
                    "            ],\n            \"IsDefault\": false\n"
                    "        }");
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-vpcs", &s);

    ds_put_cstr(&s, "{\n    \"Subnets\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        for (int k = 0; k < SUBNETS_PER_VPC; k++) {
            ds_put_format(&s, "%s        {\n            \"AvailabilityZone\": "
                          "\"us-east-1%c\",\n            \"CidrBlock\": \"",
                          v || k ? ",\n" : "", 'a' + k);
            tm_bench_put_ip(&s, v, k * eni_bytes);
            ds_put_format(&s, "/22\",\n            \"State\": \"available\","
                          "\n            \"SubnetId\": \"subnet-%05d-%d\",\n"
                          "            \"VpcId\": \"vpc-%05d\",\n"
                          "            \"OwnerId\": \""ACCOUNT"\",\n"
                          "            \"SubnetArn\": \"arn:aws:ec2:"
                          "us-east-1:"ACCOUNT":subnet/subnet-%05d-%d\"\n"
                          "        }", v, k, v, v, k);
        }
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-subnets", &s);

    ds_put_cstr(&s, "{\n    \"RouteTables\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        ds_put_format(&s, "%s        {\n            \"Associations\": [\n"
                      "                {\"Main\": true, \"RouteTableId\": "
                      "\"rtb-%05d\", \"AssociationState\": {\"State\": "
                      "\"associated\"}}\n            ],\n"
                      "            \"RouteTableId\": \"rtb-%05d\",\n"
                      "            \"Routes\": [\n"
                      "                {\"DestinationCidrBlock\": \"",
                      v ? ",\n" : "", v, v);
        tm_bench_put_ip(&s, v, 0);
        ds_put_format(&s, "/20\", \"GatewayId\": \"local\", \"State\": "
                      "\"active\"},\n                {\"DestinationCidrBlock"
                      "\": \"0.0.0.0/0\", \"GatewayId\": \"igw-%05d\", "
                      "\"State\": \"active\"}\n            ],\n"
                      "            \"VpcId\": \"vpc-%05d\",\n"
                      "            \"OwnerId\": \""ACCOUNT"\"\n        }",
                      v, v);
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-route-tables", &s);

    ds_put_cstr(&s, "{\n    \"NetworkAcls\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        ds_put_format(&s, "%s        {\n            \"Associations\": [",
                      v ? ",\n" : "");
        for (int k = 0; k < SUBNETS_PER_VPC; k++) {
            ds_put_format(&s, "%s\n                {\"NetworkAclId\": "
                          "\"acl-%05d\", \"SubnetId\": \"subnet-%05d-%d\"}",
                          k ? "," : "", v, v, k);
        }
        ds_put_format(&s, "\n            ],\n            \"Entries\": [\n"
                      "                {\"CidrBlock\": \"10.0.0.0/8\", "
                      "\"Egress\": false, \"PortRange\": {\"From\": 4789, "
                      "\"To\": 4789}, \"Protocol\": \"17\", \"RuleAction\": "
                      "\"allow\", \"RuleNumber\": 100},\n"
                      "                {\"CidrBlock\": \"0.0.0.0/0\", "
                      "\"Egress\": false, \"PortRange\": {\"From\": 443, "
                      "\"To\": 443}, \"Protocol\": \"6\", \"RuleAction\": "
                      "\"allow\", \"RuleNumber\": 200},\n"
                      "                {\"CidrBlock\": \"0.0.0.0/0\", "
                      "\"Egress\": true, \"Protocol\": \"-1\", "
                      "\"RuleAction\": \"allow\", \"RuleNumber\": 100},\n"
                      "                {\"CidrBlock\": \"0.0.0.0/0\", "
                      "\"Egress\": false, \"Protocol\": \"-1\", "
                      "\"RuleAction\": \"deny\", \"RuleNumber\": 32767},\n"
                      "                {\"CidrBlock\": \"0.0.0.0/0\", "
                      "\"Egress\": true, \"Protocol\": \"-1\", "
                      "\"RuleAction\": \"deny\", \"RuleNumber\": 32767}\n"
                      "            ],\n            \"IsDefault\": true,\n"
                      "            \"NetworkAclId\": \"acl-%05d\",\n"
                      "            \"VpcId\": \"vpc-%05d\",\n"
                      "            \"OwnerId\": \""ACCOUNT"\"\n        }",
                      v, v);
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-network-acls", &s);

    ds_put_cstr(&s, "{\n    \"SecurityGroups\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        for (int g = 0; g < 2; g++) {
            ds_put_format(&s, "%s        {\n            \"Description\": "
                          "\"group %d\",\n            \"GroupName\": "
                          "\"g%d\",\n            \"IpPermissions\": [\n"
                          "                {\"FromPort\": 4789, "
                          "\"IpProtocol\": \"udp\", \"IpRanges\": "
                          "[{\"CidrIp\": \"10.0.0.0/8\"}], \"ToPort\": 4789,"
                          " \"UserIdGroupPairs\": []},\n"
                          "                {\"FromPort\": 443, "
                          "\"IpProtocol\": \"tcp\", \"IpRanges\": "
                          "[{\"CidrIp\": \"0.0.0.0/0\", \"Description\": "
                          "\"https\"}], \"ToPort\": 443},\n"
                          "                {\"IpProtocol\": \"-1\", "
                          "\"UserIdGroupPairs\": [{\"GroupId\": "
                          "\"sg-%05d-%d\", \"UserId\": \""ACCOUNT"\"}]}\n"
                          "            ],\n"
                          "            \"IpPermissionsEgress\": [\n"
                          "                {\"IpProtocol\": \"-1\", "
                          "\"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}\n"
                          "            ],\n"
                          "            \"OwnerId\": \""ACCOUNT"\",\n"
                          "            \"GroupId\": \"sg-%05d-%d\",\n"
                          "            \"VpcId\": \"vpc-%05d\"\n        }",
                          v || g ? ",\n" : "", g, g, v, g, v, g, v);
        }
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-security-groups", &s);

    struct ds inst = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&s, "{\n    \"NetworkInterfaces\": [\n");
    ds_put_cstr(&inst, "{\n    \"Reservations\": [\n");
    for (int v = 0; v < n_vpcs; v++) {
        for (int e = 0; e < enis_per_vpc; e++) {
            int k = e % SUBNETS_PER_VPC;
            const char *sep = v || e ? ",\n" : "";

            ds_put_format(&s, "%s        {\n            \"Attachment\": {"
                          "\"DeviceIndex\": 0, \"InstanceId\": "
                          "\"i-%05d-%03d\", \"Status\": \"attached\"},\n"
                          "            \"AvailabilityZone\": "
                          "\"us-east-1%c\",\n            \"Groups\": ["
                          "{\"GroupName\": \"g0\", \"GroupId\": "
                          "\"sg-%05d-0\"}, {\"GroupName\": \"g1\", "
                          "\"GroupId\": \"sg-%05d-1\"}],\n"
                          "            \"InterfaceType\": \"interface\",\n"
                          "            \"MacAddress\": "
                          "\"02:00:%02x:%02x:%02x:%02x\",\n"
                          "            \"NetworkInterfaceId\": "
                          "\"eni-%05d-%03d\",\n"
                          "            \"OwnerId\": \""ACCOUNT"\",\n"
                          "            \"PrivateIpAddress\": \"",
                          sep, v, e, 'a' + k, v, v, v >> 8, v & 0xff,
                          e >> 8, e & 0xff, v, e);
            tm_bench_put_ip(&s, v, k * eni_bytes + 10 + e / SUBNETS_PER_VPC);
            ds_put_format(&s, "\",\n            \"Status\": \"in-use\",\n"
                          "            \"SubnetId\": \"subnet-%05d-%d\",\n"
                          "            \"VpcId\": \"vpc-%05d\"\n        }",
                          v, k, v);
            ds_put_format(&inst, "%s        {\"ReservationId\": "
                          "\"r-%05d-%03d\", \"OwnerId\": \""ACCOUNT"\", "
                          "\"Instances\": [{\"InstanceId\": \"i-%05d-%03d\""
                          ", \"InstanceType\": \"m5.large\"}]}",
                          sep, v, e, v, e);
        }
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    ds_put_cstr(&inst, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-network-interfaces", &s);
    write_file(dir, "ec2-describe-instances", &inst);
    ds_destroy(&inst);

    /* Targets: the last interface of the first VPCs; sessions: from the
     * first interfaces, each to one target. */
    ds_put_cstr(&s, "{\n    \"TrafficMirrorTargets\": [\n");
    for (int t = 0; t < TARGETS && t < n_vpcs; t++) {
        ds_put_format(&s, "%s        {\"TrafficMirrorTargetId\": "
                      "\"tmt-%05d\", \"NetworkInterfaceId\": "
                      "\"eni-%05d-%03d\", \"Type\": \"network-interface\", "
                      "\"OwnerId\": \""ACCOUNT"\"}", t ? ",\n" : "",
                      t, t, enis_per_vpc - 1);
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-traffic-mirror-targets", &s);
    ds_put_cstr(&s, "{\n    \"TrafficMirrorFilters\": [\n        {"
                "\"TrafficMirrorFilterId\": \"tmf-all\", "
                "\"IngressFilterRules\": [{\"TrafficDirection\": "
                "\"ingress\", \"RuleNumber\": 100, \"RuleAction\": "
                "\"accept\", \"DestinationCidrBlock\": \"0.0.0.0/0\", "
                "\"SourceCidrBlock\": \"0.0.0.0/0\"}], "
                "\"EgressFilterRules\": [], \"NetworkServices\": []}\n"
                "    ]\n}\n");
    write_file(dir, "ec2-describe-traffic-mirror-filters", &s);
    ds_put_cstr(&s, "{\n    \"TrafficMirrorSessions\": [\n");
    for (int i = 0; i < n_sessions; i++) {
        int t = i % TARGETS % n_vpcs;

        ds_put_format(&s, "%s        {\"TrafficMirrorSessionId\": "
                      "\"tms-%05d\", \"TrafficMirrorTargetId\": "
                      "\"tmt-%05d\", \"TrafficMirrorFilterId\": "
                      "\"tmf-all\", \"NetworkInterfaceId\": "
                      "\"eni-%05d-%03d\", \"OwnerId\": \""ACCOUNT"\", "
                      "\"SessionNumber\": 1, \"VirtualNetworkId\": %d}",
                      i ? ",\n" : "", i, t, i % n_vpcs,
                      i / n_vpcs % (enis_per_vpc - 1), i + 1);
    }
    ds_put_cstr(&s, "\n    ]\n}\n");
    write_file(dir, "ec2-describe-traffic-mirror-sessions", &s);
    ds_destroy(&s);
}

/* Loads the topology that 'import' produced into '*topop', on two threads
 * if 'parallel', and returns the seconds it took. */
static double
time_load(const struct sim_import *import, bool parallel,
          struct sim_topology **topop)
{
    double t0 = tm_bench_now();
    char *error;

    sim_topology_set_parallel_load(parallel);
    error = sim_topology_load_memory("imported.xml", ds_cstr_ro(&import->xml),
                                     import->xml.length, topop);
    sim_topology_set_parallel_load(true);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return tm_bench_now() - t0;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_;
    const double *b = b_;

    return (*a > *b) - (*a < *b);
}

static void usage(void) OVS_NO_RETURN;

static void
usage(void)
{
    printf("%s: the import's benchmark\n"
           "usage: %s [OPTIONS]\n"
           "  --vpcs=N        VPCs (default: 1000)\n"
           "  --enis=N        network interfaces per VPC (default: 100)\n"
           "  --runs=N        runs of each measure, the median kept "
           "(default: 3)\n"
           "  -h, --help      display this help message\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"vpcs", required_argument, NULL, 'v'},
        {"enis", required_argument, NULL, 'e'},
        {"runs", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int n_vpcs = 1000, enis_per_vpc = 100, runs = 3;

    set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, "h", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'v': n_vpcs = atoi(optarg); break;
        case 'e': enis_per_vpc = atoi(optarg); break;
        case 'r': runs = atoi(optarg); break;
        case 'h': usage();
        default: ovs_fatal(0, "bad usage (use --help for help)");
        }
    }
    if (n_vpcs < 1 || n_vpcs > 4096 || enis_per_vpc < 2
        || enis_per_vpc > 200 || runs < 1) {
        ovs_fatal(0, "--vpcs: 1 to 4096, --enis: 2 to 200, --runs: 1 or "
                  "more");
    }

    char dir[] = "/tmp/tm-import-bench.XXXXXX";
    if (!mkdtemp(dir)) {
        ovs_fatal(errno, "mkdtemp");
    }
    double t0 = tm_bench_now();
    generate(dir, n_vpcs, enis_per_vpc, 1000);
    double t_generate = tm_bench_now() - t0;

    double *t_import = xcalloc(runs, sizeof *t_import);
    double *t_load = xcalloc(runs, sizeof *t_load);
    double *t_load1 = xcalloc(runs, sizeof *t_load1);
    struct sim_import import;
    size_t n_enis = 0, n_sessions = 0, xml_bytes = 0, n_warnings = 0;

    sim_import_init(&import);
    for (int r = 0; r < runs; r++) {
        struct sim_topology *topo;
        char *error;

        t0 = tm_bench_now();
        error = sim_import_dir(dir, &import);
        t_import[r] = tm_bench_now() - t0;
        if (error) {
            ovs_fatal(0, "%s", error);
        }

        t_load[r] = time_load(&import, true, &topo);
        n_enis = topo->n_enis;
        n_sessions = topo->n_sessions;
        xml_bytes = import.xml.length;
        n_warnings = import.warnings.n;
        sim_topology_destroy(topo);

        /* The same on one thread, as every load was before the loader
         * validated on a second thread. */
        t_load1[r] = time_load(&import, false, &topo);
        sim_topology_destroy(topo);
    }
    sim_import_destroy(&import);

    /* The folder: the files, then the folder itself. */
    for (size_t i = 0; i < sim_import_n_calls(); i++) {
        char *name = xasprintf("%s/%s.json", dir, sim_import_call_name(i));
        unlink(name);
        free(name);
    }
    if (rmdir(dir)) {
        ovs_error(errno, "%s: cannot remove", dir);
    }

    qsort(t_import, runs, sizeof *t_import, compare_doubles);
    qsort(t_load, runs, sizeof *t_load, compare_doubles);
    qsort(t_load1, runs, sizeof *t_load1, compare_doubles);
    double import_s = t_import[runs / 2];
    double load_s = t_load[runs / 2];
    double load1_s = t_load1[runs / 2];

    printf("\ntm-sim import bench: an account of %d VPCs and %"PRIuSIZE
           " network interfaces, %"PRIuSIZE" sessions;\n  describe JSON "
           "written in %.2f s; topology of %.1f MB, %"PRIuSIZE
           " warnings; median of %d runs\n\n",
           n_vpcs, n_enis, n_sessions, t_generate, xml_bytes / 1e6,
           n_warnings, runs);
    printf("%-52s %14s %10s\n", "measure", "value", "target");
    printf("%-52s %12.3f s %10s\n", "load the topology it produces",
           load_s, "");
    printf("%-52s %12.3f s %10s\n", "  the same load on 1 thread", load1_s,
           "");
    printf("%-52s %12.3f s %10s\n", "import (read JSON, write topology)",
           import_s, "");
    printf("%-52s %13.2fx %10s\n", "  import / load", import_s / load_s,
           "<= 2x");
    printf("%-52s %13.2fx %10s\n", "  import / load on 1 thread",
           import_s / load1_s, "");
    if (import_s > 2 * load_s) {
        printf("  target <= 2x: missed by %.2fx.  The load became faster (a\n"
               "  second thread validates, fewer copies) and the import did "
               "not.\n  Profiled (the whole bench, mostly its imports): "
               "the allocator ~32%%\n  (glibc's consolidation of freed "
               "memory ~11%% of it), the JSON objects'\n  lookups "
               "(shash_find) ~14%%, the JSON parser ~5%%.\n",
               import_s / load_s / 2);
    }
    free(t_import);
    free(t_load);
    free(t_load1);
    return 0;
}
