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


/* Unit tests of the flow compiler's input from a simulated topology
 * (tmirror/compile-topology.h). */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "sset.h"
#include "tm-sim-test.h"
#include "tmirror/compile-topology.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

/* eni-src (with a MAC, on port 7) and eni-src2 (port 2, its place) live on
 * hv1.  eni-src mirrors to eni-near in its own subnet (tms-near), to the
 * load balancer nlb, whose node in eni-src's zone is 10.0.1.5 (tms-nlb),
 * and to eni-shut, whose security group lets nothing in (tms-shut,
 * blocked); eni-src2 mirrors to eni-near from another subnet
 * (tms-other). */
static const char topology[] =
    "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
    "<account id=\"1\">\n"
    "<vpc id=\"vpc\" cidr=\"10.0.0.0/16\">\n"
    "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" availability-zone=\"az1\"/>\n"
    "<subnet id=\"s2\" cidr=\"10.0.2.0/24\" availability-zone=\"az2\"/>\n"
    "<security-group id=\"sg\"><rule direction=\"ingress\" protocol=\"17\" "
    "from-port=\"4789\" to-port=\"4789\" cidr=\"10.0.0.0/16\"/>"
    "</security-group>\n"
    "<security-group id=\"sg-none\"/>\n"
    "<network-interface id=\"eni-src\" subnet=\"s1\" ip=\"10.0.1.10\" "
    "mac=\"02:00:00:00:01:0a\"/>\n"
    "<network-interface id=\"eni-src2\" subnet=\"s2\" ip=\"10.0.2.10\"/>\n"
    "<network-interface id=\"eni-near\" subnet=\"s1\" ip=\"10.0.1.20\" "
    "mac=\"02:00:00:00:01:14\" security-groups=\"sg\"/>\n"
    "<network-interface id=\"eni-far\" subnet=\"s2\" ip=\"10.0.2.20\" "
    "mac=\"02:00:00:00:02:14\" security-groups=\"sg\"/>\n"
    "<network-interface id=\"eni-shut\" subnet=\"s2\" ip=\"10.0.2.30\" "
    "security-groups=\"sg-none\"/>\n"
    "<load-balancer id=\"nlb\" subnets=\"s1 s2\" cross-zone=\"true\">"
    "<node subnet=\"s2\" ip=\"10.0.2.5\"/><node subnet=\"s1\" "
    "ip=\"10.0.1.5\"/><listener protocol=\"udp\" port=\"4789\"/>"
    "<target network-interface=\"eni-far\"/></load-balancer>\n"
    "</vpc>\n"
    "<traffic-mirror-target id=\"tmt-near\" network-interface=\"eni-near\"/>"
    "\n<traffic-mirror-target id=\"tmt-nlb\" network-load-balancer=\"nlb\"/>"
    "\n<traffic-mirror-target id=\"tmt-shut\" network-interface=\"eni-shut\""
    "/>\n<traffic-mirror-filter id=\"f\"/>\n"
    "<traffic-mirror-session id=\"tms-near\" network-interface=\"eni-src\" "
    "traffic-mirror-target=\"tmt-near\" traffic-mirror-filter=\"f\" "
    "session-number=\"1\"/>\n"
    "<traffic-mirror-session id=\"tms-nlb\" network-interface=\"eni-src\" "
    "traffic-mirror-target=\"tmt-nlb\" traffic-mirror-filter=\"f\" "
    "session-number=\"2\"/>\n"
    "<traffic-mirror-session id=\"tms-shut\" network-interface=\"eni-src\" "
    "traffic-mirror-target=\"tmt-shut\" traffic-mirror-filter=\"f\" "
    "session-number=\"3\"/>\n"
    "<traffic-mirror-session id=\"tms-other\" network-interface=\"eni-src2\" "
    "traffic-mirror-target=\"tmt-near\" traffic-mirror-filter=\"f\" "
    "session-number=\"1\"/>\n"
    "</account>\n"
    "<hypervisor id=\"hv1\" bridge=\"br-int\" underlay-ip=\"192.168.0.1\">"
    "<port network-interface=\"eni-src\" name=\"vif-src\" ofport=\"7\"/>"
    "<port network-interface=\"eni-src2\" name=\"vif-src2\"/></hypervisor>\n"
    "</topology>\n";

static struct sim_topology *topo;
static const struct sim_hypervisor *hv1;

static int
load(void)
{
    char *error = sim_topology_load_memory("t.xml", topology,
                                           strlen(topology), &topo);
    if (error) {
        fprintf(stderr, "%s\n", error);
        free(error);
        return 1;
    }
    hv1 = shash_find_data(&topo->hypervisors_by_id, "hv1");
    return 0;
}

static int
unload(void)
{
    sim_topology_destroy(topo);
    topo = NULL;
    return 0;
}

/* Returns the address of 'session' in 'ti', or NULL if it has none. */
static const struct tm_target_address *
find_address(const struct tm_topology_input *ti, const char *session)
{
    for (size_t i = 0; i < ti->input.n_targets; i++) {
        if (!strcmp(ti->input.targets[i].session, session)) {
            return &ti->input.targets[i];
        }
    }
    return NULL;
}

static void
check(char **ids, size_t n_ids, struct tm_topology_input *ti)
{
    struct sim_report *report;
    char *error = sim_check(topo, ids, n_ids, &report);

    CU_ASSERT_PTR_NULL_FATAL(error);
    tm_topology_input_init(ti, topo, hv1, report);
    sim_report_destroy(report);
}

static void
test_ports(void)
{
    struct tm_topology_input ti;

    check(NULL, 0, &ti);
    CU_ASSERT_PTR_EQUAL(ti.input.model, topo->model);
    CU_ASSERT_EQUAL_FATAL(ti.input.n_enis, 2);
    CU_ASSERT_PTR_EQUAL(ti.input.enis, ti.enis);

    CU_ASSERT_STRING_EQUAL(ti.enis[0].eni, "eni-src");
    CU_ASSERT_EQUAL(ofp_to_u16(ti.enis[0].ofport), 7);
    CU_ASSERT(eth_addr_equals(ti.enis[0].mac,
                              ((struct eth_addr) { .ea = { 2, 0, 0, 0, 1,
                                                           0x0a } })));
    CU_ASSERT(IN6_ARE_ADDR_EQUAL(&ti.enis[0].ip,
                                 &topo->enis[0]->ip));

    /* A port without "ofport" is numbered by its place; an interface
     * without a MAC has none. */
    CU_ASSERT_STRING_EQUAL(ti.enis[1].eni, "eni-src2");
    CU_ASSERT_EQUAL(ofp_to_u16(ti.enis[1].ofport), 2);
    CU_ASSERT(eth_addr_is_zero(ti.enis[1].mac));

    tm_topology_input_destroy(&ti);
}

static void
test_targets(void)
{
    const struct tm_target_address *a;
    struct tm_topology_input ti;
    struct in6_addr node;

    check(NULL, 0, &ti);

    /* The load balancer's node in the source's zone. */
    a = find_address(&ti, "tms-nlb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(a->target, "tmt-nlb");
    in6_addr_set_mapped_ipv4(&node, htonl(0x0a000105));
    CU_ASSERT(IN6_ARE_ADDR_EQUAL(&a->ip, &node));
    CU_ASSERT(eth_addr_is_zero(a->mac));

    /* The same subnet: the target's own MAC, its own IP. */
    a = find_address(&ti, "tms-near");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(a->target, "tmt-near");
    CU_ASSERT(eth_addr_equals(a->mac,
                              ((struct eth_addr) { .ea = { 2, 0, 0, 0, 1,
                                                           0x14 } })));
    CU_ASSERT(ipv6_addr_equals(&a->ip, &in6addr_any));

    /* Another subnet: through the router, so no address at all. */
    CU_ASSERT_PTR_NULL(find_address(&ti, "tms-other"));

    /* Blocked: left out. */
    CU_ASSERT_PTR_NULL(find_address(&ti, "tms-shut"));
    CU_ASSERT_EQUAL(ti.input.n_targets, 2);
    CU_ASSERT_PTR_EQUAL(ti.input.excluded_sessions, &ti.excluded);
    CU_ASSERT_EQUAL(sset_count(&ti.excluded), 1);
    CU_ASSERT(sset_contains(&ti.excluded, "tms-shut"));

    tm_topology_input_destroy(&ti);
}

static void
test_unchecked_left_out(void)
{
    /* A session that the report does not cover is not installed. */
    char *ids[] = { "tms-near" };
    struct tm_topology_input ti;

    check(ids, ARRAY_SIZE(ids), &ti);
    CU_ASSERT_EQUAL(ti.input.n_targets, 1);
    CU_ASSERT_EQUAL(sset_count(&ti.excluded), 3);
    CU_ASSERT(!sset_contains(&ti.excluded, "tms-near"));
    tm_topology_input_destroy(&ti);
}

static void
test_compiles(void)
{
    /* The input compiles, and the blocked session has no flow. */
    struct tm_compile_options options;
    struct tm_topology_input ti;
    struct tm_flows flows;
    char *error;

    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(100);
    check(NULL, 0, &ti);
    tm_flows_init(&flows);
    error = tm_compile(&ti.input, &options, &flows);
    if (error) {
        fprintf(stderr, "%s\n", error);
    }
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(flows.n_sessions, 3);
    free(error);
    tm_flows_destroy(&flows);
    tm_topology_input_destroy(&ti);
}

void
tm_test_add_compile_topology_suites(void)
{
    static const CU_TestInfo tests[] = {
        TEST(test_ports),
        TEST(test_targets),
        TEST(test_unchecked_left_out),
        TEST(test_compiles),
        CU_TEST_INFO_NULL,
    };
    CU_pSuite suite = CU_add_suite("compile-topology", load, unload);

    for (const CU_TestInfo *t = tests; t->pName; t++) {
        CU_add_test(suite, t->pName, t->pTestFunc);
    }
}
