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

/* CUnit suite of the import of AWS CLI describe output
 * (tmirror/import.h): each test writes a few describe files to a
 * temporary folder, imports it, and checks the topology (which must load)
 * and the warnings. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/util.h"
#include "tm-sim-test.h"
#include "tmirror/import.h"
#include "tmirror/topology.h"
#include "util.h"

struct file {
    const char *name;           /* "ec2-describe-vpcs" or
                                 * "ACCOUNT/ec2-describe-vpcs". */
    const char *json;
};

#define A "111111111111"
#define B "222222222222"

#define IDENTITY(ACCOUNT)                                               \
    { "sts-get-caller-identity", "{\"Account\": \"" ACCOUNT "\"}" }
#define VPC(ID, CIDR, OWNER)                                            \
    "{\"VpcId\": \"" ID "\", \"CidrBlock\": \"" CIDR "\", "             \
    "\"OwnerId\": \"" OWNER "\"}"
#define SUBNET(ID, VPC, CIDR, OWNER)                                    \
    "{\"SubnetId\": \"" ID "\", \"VpcId\": \"" VPC "\", "               \
    "\"CidrBlock\": \"" CIDR "\", \"AvailabilityZone\": \"az1\", "      \
    "\"OwnerId\": \"" OWNER "\"}"
#define ENI(ID, SUBNET, VPC, IP, OWNER)                                 \
    "{\"NetworkInterfaceId\": \"" ID "\", \"SubnetId\": \"" SUBNET "\", " \
    "\"VpcId\": \"" VPC "\", \"PrivateIpAddress\": \"" IP "\", "        \
    "\"InterfaceType\": \"interface\", \"OwnerId\": \"" OWNER "\"}"

/* The result of the last import. */
static struct sim_import import;
static char *import_error;

/* Writes 'files' to a new temporary folder, imports it into 'import' (or
 * 'import_error'), removes the folder, and checks that a topology that was
 * written loads. */
static void
run(const struct file *files, size_t n)
{
    char dir[] = "/tmp/test-import.XXXXXX";

    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    for (size_t i = 0; i < n; i++) {
        char *name = xasprintf("%s/%s.json", dir, files[i].name);
        char *slash = strrchr(name, '/');
        FILE *file;

        *slash = '\0';
        mkdir(name, 0700);
        *slash = '/';
        file = fopen(name, "w");
        CU_ASSERT_FATAL(file != NULL);
        fputs(files[i].json, file);
        fclose(file);
        free(name);
    }

    sim_import_destroy(&import);
    sim_import_init(&import);
    free(import_error);
    import_error = sim_import_dir(dir, &import);

    for (size_t i = 0; i < n; i++) {
        char *name = xasprintf("%s/%s.json", dir, files[n - 1 - i].name);
        char *slash = strrchr(name, '/');

        unlink(name);
        *slash = '\0';
        if (strcmp(name, dir)) {
            rmdir(name);
        }
        free(name);
    }
    CU_ASSERT(!rmdir(dir));

    if (!import_error) {
        struct sim_topology *topo;
        char *error = sim_topology_load_memory("imported.xml",
                                               ds_cstr(&import.xml),
                                               import.xml.length, &topo);
        if (error) {
            fprintf(stderr, "%s\n%s", error, ds_cstr(&import.xml));
            free(error);
            CU_FAIL("the imported topology does not load");
        } else {
            sim_topology_destroy(topo);
        }
    }
}

#define RUN(...)                                                        \
    do {                                                                \
        static const struct file files_[] = { __VA_ARGS__ };            \
        run(files_, ARRAY_SIZE(files_));                                \
    } while (0)

static bool
has_warning(const char *text)
{
    for (size_t i = 0; i < import.warnings.n; i++) {
        if (strstr(import.warnings.names[i], text)) {
            return true;
        }
    }
    fprintf(stderr, "no warning with \"%s\" among:\n", text);
    for (size_t i = 0; i < import.warnings.n; i++) {
        fprintf(stderr, "  %s\n", import.warnings.names[i]);
    }
    return false;
}

static bool
xml_has(const char *text)
{
    if (!strstr(ds_cstr(&import.xml), text)) {
        fprintf(stderr, "no \"%s\" in:\n%s", text, ds_cstr(&import.xml));
        return false;
    }
    return true;
}

#define ONE_VPC                                                         \
    IDENTITY(A),                                                        \
    { "ec2-describe-vpcs",                                              \
      "{\"Vpcs\": [" VPC("vpc-1", "10.0.0.0/16", A) "]}" },             \
    { "ec2-describe-subnets",                                           \
      "{\"Subnets\": [" SUBNET("subnet-1", "vpc-1", "10.0.1.0/24", A)   \
      ", " SUBNET("subnet-2", "vpc-1", "10.0.2.0/24", A) "]}" }

static void
test_import_minimal(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1", "subnet-1", "vpc-1", "10.0.1.10", A) "]}" });
    CU_ASSERT_PTR_NULL(import_error);
    CU_ASSERT(xml_has("<account id=\"" A "\">"));
    CU_ASSERT(xml_has("<vpc id=\"vpc-1\" cidr=\"10.0.0.0/16\">"));
    CU_ASSERT(xml_has("<subnet id=\"subnet-1\" cidr=\"10.0.1.0/24\" "
                      "availability-zone=\"az1\"/>"));
    CU_ASSERT(xml_has("<network-interface id=\"eni-1\" subnet=\"subnet-1\""
                      " ip=\"10.0.1.10\"/>"));
    CU_ASSERT(has_warning("no ec2-describe-route-tables.json (call not "
                          "made)"));
}

static void
test_import_route_tables(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-route-tables",
          "{\"RouteTables\": ["
          "{\"RouteTableId\": \"rtb-2\", \"VpcId\": \"vpc-1\", "
          " \"Associations\": [{\"SubnetId\": \"subnet-2\"}],"
          " \"Routes\": [{\"DestinationCidrBlock\": \"10.9.0.0/16\","
          "   \"NetworkInterfaceId\": \"eni-gone\", \"State\": \"active\"},"
          "  {\"DestinationCidrBlock\": \"10.8.0.0/16\","
          "   \"NatGatewayId\": \"nat-1\", \"State\": \"blackhole\"}]},"
          "{\"RouteTableId\": \"rtb-main\", \"VpcId\": \"vpc-1\", "
          " \"Associations\": [{\"Main\": true}],"
          " \"Routes\": [{\"DestinationCidrBlock\": \"10.0.0.0/16\","
          "   \"GatewayId\": \"local\", \"State\": \"active\"},"
          "  {\"DestinationCidrBlock\": \"0.0.0.0/0\","
          "   \"GatewayId\": \"igw-1\", \"State\": \"active\"}]}]}" });
    CU_ASSERT_PTR_NULL(import_error);
    /* The subnet without an association gets the main table, which comes
     * first; local routes are implicit; a blackhole has no target. */
    CU_ASSERT(xml_has("<subnet id=\"subnet-1\" cidr=\"10.0.1.0/24\" "
                      "availability-zone=\"az1\" route-table=\"rtb-main\"/>"
                      "\n      <subnet id=\"subnet-2\" cidr=\"10.0.2.0/24\""
                      " availability-zone=\"az1\" route-table=\"rtb-2\"/>"
                      "\n      <route-table id=\"rtb-main\">\n        "
                      "<route destination=\"0.0.0.0/0\" target=\"igw-1\"/>"
                      "\n      </route-table>\n      <route-table "
                      "id=\"rtb-2\">\n        <route destination="
                      "\"10.8.0.0/16\" blackhole=\"true\"/>\n"));
    CU_ASSERT(has_warning("rtb-2: route to 10.9.0.0/16 via eni-gone "
                          "ignored: the network interface is not "
                          "imported"));
}

static void
test_import_nlb_addresses_and_ip_targets(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1", "subnet-1", "vpc-1", "10.0.1.10", A) ","
          ENI("eni-2", "subnet-2", "vpc-1", "10.0.2.10", A) "]}" },
        { "elbv2-describe-load-balancers",
          "{\"LoadBalancers\": [{\"LoadBalancerArn\": \"arn:lb\", "
          "\"Type\": \"network\", \"VpcId\": \"vpc-1\", "
          "\"AvailabilityZones\": [{\"SubnetId\": \"subnet-1\", "
          "\"LoadBalancerAddresses\": [{\"PrivateIPv4Address\": "
          "\"10.0.1.5\"}]}, {\"SubnetId\": \"subnet-2\"}]}]}" },
        { "elbv2-describe-listeners",
          "{\"arn:lb\": {\"Listeners\": [{\"LoadBalancerArn\": \"arn:lb\","
          " \"Port\": 4789, \"Protocol\": \"UDP\", \"DefaultActions\": "
          "[{\"Type\": \"forward\", \"TargetGroupArn\": \"arn:tg\"}]}]}}" },
        { "elbv2-describe-target-groups",
          "{\"TargetGroups\": [{\"TargetGroupArn\": \"arn:tg\", "
          "\"TargetType\": \"ip\", \"VpcId\": \"vpc-1\", "
          "\"LoadBalancerArns\": [\"arn:lb\"]}, {\"TargetGroupArn\": "
          "\"arn:tg-other\", \"TargetType\": \"ip\", "
          "\"LoadBalancerArns\": [\"arn:lb\"]}]}" },
        { "elbv2-describe-target-health",
          "{\"arn:tg\": {\"TargetHealthDescriptions\": [{\"Target\": "
          "{\"Id\": \"10.0.2.10\"}, \"TargetHealth\": {\"State\": "
          "\"unhealthy\"}}]}, \"arn:tg-other\": {\"TargetHealthDescriptions"
          "\": [{\"Target\": {\"Id\": \"10.0.1.10\"}, \"TargetHealth\": "
          "{\"State\": \"healthy\"}}]}}" });
    CU_ASSERT_PTR_NULL(import_error);
    /* A node from the zone's private address; none in the other zone;
     * only the UDP 4789 listener's target group. */
    CU_ASSERT(xml_has("<load-balancer id=\"arn:lb\" type=\"network\" "
                      "subnets=\"subnet-1\" cross-zone=\"false\">\n"
                      "        <node subnet=\"subnet-1\" ip=\"10.0.1.5\"/>"
                      "\n        <listener protocol=\"udp\" port=\"4789\"/>"
                      "\n        <target network-interface=\"eni-2\" "
                      "healthy=\"false\"/>\n      </load-balancer>"));
    CU_ASSERT(has_warning("arn:lb: no node in subnet subnet-2"));
}

static void
test_import_shares(void)
{
    RUN({ "111111111111/sts-get-caller-identity",
          "{\"Account\": \"" A "\"}" },
        { "111111111111/organizations-describe-organization",
          "{\"Organization\": {\"Id\": \"o-1\"}}" },
        { "111111111111/ec2-describe-vpcs",
          "{\"Vpcs\": [" VPC("vpc-1", "10.0.0.0/16", A) "]}" },
        { "111111111111/ec2-describe-subnets",
          "{\"Subnets\": [" SUBNET("subnet-1", "vpc-1", "10.0.1.0/24", A)
          "]}" },
        { "111111111111/ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1", "subnet-1", "vpc-1", "10.0.1.10", A) "]}" },
        { "111111111111/ec2-describe-traffic-mirror-targets",
          "{\"TrafficMirrorTargets\": [{\"TrafficMirrorTargetId\": "
          "\"tmt-1\", \"NetworkInterfaceId\": \"eni-1\", \"OwnerId\": \""
          A "\"}]}" },
        { "111111111111/ram-get-resource-shares",
          "{\"resourceShares\": [{\"resourceShareArn\": \"arn:rs\", "
          "\"owningAccountId\": \"" A "\", \"status\": \"ACTIVE\"}]}" },
        { "111111111111/ram-list-resources",
          "{\"resources\": [{\"arn\": \"arn:aws:ec2:r:" A
          ":traffic-mirror-target/tmt-1\", \"type\": "
          "\"ec2:TrafficMirrorTarget\", \"resourceShareArn\": "
          "\"arn:rs\"}]}" },
        { "111111111111/ram-list-principals",
          "{\"principals\": [{\"id\": \"" B "\", \"resourceShareArn\": "
          "\"arn:rs\"}, {\"id\": \"arn:aws:organizations::" A
          ":organization/o-1\", \"resourceShareArn\": \"arn:rs\"}, "
          "{\"id\": \"arn:aws:organizations::" A ":ou/o-1/ou-x\", "
          "\"resourceShareArn\": \"arn:rs\"}]}" },
        { "222222222222/sts-get-caller-identity",
          "{\"Account\": \"" B "\"}" },
        { "222222222222/ram-get-resource-share-invitations",
          "{\"resourceShareInvitations\": [{\"resourceShareArn\": "
          "\"arn:rs\", \"receiverAccountId\": \"" B "\", \"status\": "
          "\"PENDING\"}]}"  },
        { "ec2-describe-vpcs", "{\"Vpcs\": []}" });
    CU_ASSERT_PTR_NULL(import_error);
    CU_ASSERT(xml_has("<resource-share id=\"arn:rs\" resources=\"tmt-1\" "
                      "principals=\"o-1\" status=\"accepted\"/>"));
    CU_ASSERT(xml_has("<resource-share id=\"arn:rs/pending\" "
                      "resources=\"tmt-1\" principals=\"" B "\" "
                      "status=\"pending\"/>"));
    CU_ASSERT(has_warning("principal arn:aws:organizations::" A
                          ":ou/o-1/ou-x ignored"));
    CU_ASSERT(xml_has("<account id=\"" B "\">"));
    CU_ASSERT(has_warning("ec2-describe-vpcs.json ignored: with account "
                          "subfolders"));
}

static void
test_import_shared_subnet(void)
{
    /* A participant sees the owner's VPC and subnet, and its own
     * interface and group there. */
    RUN({ "111111111111/ec2-describe-vpcs",
          "{\"Vpcs\": [" VPC("vpc-1", "10.0.0.0/16", A) "]}" },
        { "111111111111/ec2-describe-subnets",
          "{\"Subnets\": [" SUBNET("subnet-1", "vpc-1", "10.0.1.0/24", A)
          "]}" },
        { "222222222222/ec2-describe-vpcs",
          "{\"Vpcs\": [" VPC("vpc-1", "10.0.0.0/16", A) "]}" },
        { "222222222222/ec2-describe-subnets",
          "{\"Subnets\": [" SUBNET("subnet-1", "vpc-1", "10.0.1.0/24", A)
          "]}" },
        { "222222222222/ec2-describe-security-groups",
          "{\"SecurityGroups\": [{\"GroupId\": \"sg-b\", \"VpcId\": "
          "\"vpc-1\", \"OwnerId\": \"" B "\"}]}" },
        { "222222222222/ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-b\", "
          "\"SubnetId\": \"subnet-1\", \"VpcId\": \"vpc-1\", "
          "\"PrivateIpAddress\": \"10.0.1.20\", \"OwnerId\": \"" B "\", "
          "\"Groups\": [{\"GroupId\": \"sg-b\"}, {\"GroupId\": "
          "\"sg-gone\"}]}]}" });
    CU_ASSERT_PTR_NULL(import_error);
    CU_ASSERT(xml_has("availability-zone=\"az1\" shared-with=\"" B "\"/>"));
    CU_ASSERT(xml_has("  <account id=\"" B "\">\n"
                      "    <security-group id=\"sg-b\" vpc=\"vpc-1\">\n"
                      "    </security-group>\n"
                      "    <network-interface id=\"eni-b\" "
                      "subnet=\"subnet-1\" ip=\"10.0.1.20\" "
                      "security-groups=\"sg-b\"/>\n"));
    CU_ASSERT(has_warning("eni-b: security group sg-gone ignored"));
}

static void
test_import_tgw_without_subnets(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-transit-gateways",
          "{\"TransitGateways\": [{\"TransitGatewayId\": \"tgw-1\", "
          "\"OwnerId\": \"" A "\", \"State\": \"available\"}]}" },
        { "ec2-describe-transit-gateway-attachments",
          "{\"TransitGatewayAttachments\": [{\"TransitGatewayAttachmentId\""
          ": \"tgw-attach-1\", \"TransitGatewayId\": \"tgw-1\", "
          "\"ResourceType\": \"vpc\", \"ResourceId\": \"vpc-1\", "
          "\"State\": \"available\"}]}" });
    CU_ASSERT_PTR_NULL(import_error);
    CU_ASSERT(xml_has("<transit-gateway id=\"tgw-1\">\n"
                      "    </transit-gateway>"));
    CU_ASSERT(has_warning("tgw-attach-1: its subnets are unknown"));
}

static void
test_import_bad_json(void)
{
    RUN(IDENTITY(A),
        { "ec2-describe-vpcs",
          "{\"Vpcs\": [" VPC("vpc-1", "10.0.0.0/16", A) ", \"vpc-2\"]}" });
    CU_ASSERT_PTR_NOT_NULL(import_error);
    CU_ASSERT(import_error && strstr(import_error, "ec2-describe-vpcs.json:"
                                     " Vpcs[1]: is a string, not an "
                                     "object"));
    CU_ASSERT_EQUAL(import.xml.length, 0);
    CU_ASSERT_EQUAL(import.warnings.n, 0);

    RUN(IDENTITY(A),
        { "ec2-describe-subnets",
          "{\"Subnets\": [{\"SubnetId\": \"subnet-1\", \"VpcId\": "
          "\"vpc-1\", \"CidrBlock\": \"10.0" });
    CU_ASSERT(import_error && strstr(import_error, "ec2-describe-subnets."
                                     "json: not JSON as the AWS CLI "
                                     "prints it: "));

    RUN(IDENTITY("12345"));
    CU_ASSERT(import_error && strstr(import_error, "\"Account\": \"12345\" "
                                     "is not an account id"));
}

/* Numbers that the AWS CLI never prints are refused with the file and the
 * path, not written into a topology that the loader refuses. */
static void
test_import_numbers_out_of_range(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-security-groups",
          "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"VpcId\": "
          "\"vpc-1\", \"OwnerId\": \"" A "\", \"IpPermissions\": "
          "[{\"IpProtocol\": \"tcp\", \"FromPort\": 70000, "
          "\"ToPort\": 70000}]}]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "ec2-describe-security-groups.json: "
                        "SecurityGroups[0].IpPermissions[0]: \"FromPort\": "
                        "70000 is not between -1 and 65535"));
    CU_ASSERT_EQUAL(import.xml.length, 0);

    RUN(ONE_VPC,
        { "ec2-describe-network-acls",
          "{\"NetworkAcls\": [{\"NetworkAclId\": \"acl-1\", "
          "\"VpcId\": \"vpc-1\", \"OwnerId\": \"" A "\", "
          "\"Entries\": [{\"RuleNumber\": 0, \"Protocol\": \"-1\", "
          "\"RuleAction\": \"deny\", \"Egress\": true, "
          "\"CidrBlock\": \"0.0.0.0/0\"}]}]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "ec2-describe-network-acls.json: "
                        "NetworkAcls[0].Entries[0]: \"RuleNumber\": 0 is "
                        "not between 1 and 32767"));

    RUN(ONE_VPC,
        { "ec2-describe-network-acls",
          "{\"NetworkAcls\": [{\"NetworkAclId\": \"acl-1\", "
          "\"VpcId\": \"vpc-1\", \"OwnerId\": \"" A "\", "
          "\"Entries\": [{\"Protocol\": \"-1\", "
          "\"RuleAction\": \"deny\", \"Egress\": true, "
          "\"CidrBlock\": \"0.0.0.0/0\"}]}]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "ec2-describe-network-acls.json: "
                        "NetworkAcls[0].Entries[0]: \"RuleNumber\" is "
                        "missing"));
}

/* Ids, CIDR blocks, addresses and MACs are checked as the loader reads
 * them, and refused with the file and the path. */
static void
test_import_strings_checked(void)
{
    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1;x", "subnet-1", "vpc-1", "10.0.1.10", A) "]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "ec2-describe-network-interfaces.json: "
                        "NetworkInterfaces[0]: \"NetworkInterfaceId\": "
                        "\"eni-1;x\" is not an id"));

    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1", "subnet-1", "vpc-1", "10.0.1.1O", A) "]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "\"PrivateIpAddress\": \"10.0.1.1O\""));

    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-1\", "
          "\"SubnetId\": \"subnet-1\", \"VpcId\": \"vpc-1\", "
          "\"PrivateIpAddress\": \"10.0.1.10\", \"MacAddress\": "
          "\"01:00:00:00:00:01\", \"InterfaceType\": \"interface\", "
          "\"OwnerId\": \"" A "\"}]}" });
    CU_ASSERT(import_error
              && strstr(import_error, "\"MacAddress\": \"01:00:00:00:00:01\" "
                        "is not a unicast MAC address"));
    CU_ASSERT_EQUAL(import.xml.length, 0);

    /* An address outside its subnet leaves the interface out. */
    RUN(ONE_VPC,
        { "ec2-describe-network-interfaces",
          "{\"NetworkInterfaces\": ["
          ENI("eni-1", "subnet-1", "vpc-1", "10.0.2.10", A) "]}" });
    CU_ASSERT_PTR_NULL(import_error);
    CU_ASSERT(has_warning("eni-1: its address 10.0.2.10 is not in its "
                          "subnet subnet-1"));
    CU_ASSERT(!strstr(ds_cstr(&import.xml), "eni-1"));
}

static void
test_import_calls(void)
{
    CU_ASSERT_EQUAL(sim_import_n_calls(), 27);
    CU_ASSERT_STRING_EQUAL(sim_import_call_name(0), "ec2-describe-vpcs");
    CU_ASSERT_PTR_NULL(sim_import_call_name(27));
}

static int
import_cleanup(void)
{
    sim_import_destroy(&import);
    free(import_error);
    import_error = NULL;
    return 0;
}

void
tm_test_add_import_suites(void)
{
    static CU_TestInfo tests[] = {
        TEST(test_import_minimal),
        TEST(test_import_route_tables),
        TEST(test_import_nlb_addresses_and_ip_targets),
        TEST(test_import_shares),
        TEST(test_import_shared_subnet),
        TEST(test_import_tgw_without_subnets),
        TEST(test_import_bad_json),
        TEST(test_import_numbers_out_of_range),
        TEST(test_import_strings_checked),
        TEST(test_import_calls),
        CU_TEST_INFO_NULL,
    };
    CU_pSuite suite = CU_add_suite("sim-import", NULL, import_cleanup);

    sim_import_init(&import);
    for (CU_TestInfo *t = tests; t->pName; t++) {
        CU_add_test(suite, t->pName, t->pTestFunc);
    }
}
