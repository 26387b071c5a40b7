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

/* Unit tests of the simulator: one or more per rule of
 * Documentation/semantics.rst, "Connectivity", the model's refusals as
 * invalid sessions, the loader's errors, and the JSON report's shape. */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "tm-sim-test.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

/* ---- The world of the tests. ----
 *
 * Account 111111111111 (organization o-1) holds:
 *
 *   vpc-a 10.0.0.0/16 with subnet-a1 10.0.1.0/24 (az1) and subnet-a2
 *   10.0.2.0/24 (az2), both on route table rtb-a; eni-src 10.0.1.10 in
 *   subnet-a1 (sg-src, which lets nothing in), eni-t 10.0.2.20 in
 *   subnet-a2 and eni-t1 10.0.1.20 in subnet-a1 (both sg-t);
 *   vpc-b 10.1.0.0/16 with subnet-b1 10.1.1.0/24 (az1, rtb-b) and eni-b
 *   10.1.1.10 (sg-b);
 *   vpc-c 10.2.0.0/16 with subnet-c1 10.2.1.0/24 (az1, rtb-c) and eni-c
 *   10.2.1.10 (sg-c);
 *   target tmt-1, filter tmf-1 and session tms-1 from eni-src to tmt-1.
 *
 * The fields of struct world fill in the rest. */
struct world {
    const char *routes_a;       /* <route/>s of rtb-a. */
    const char *routes_b;       /* <route/>s of rtb-b. */
    const char *acl_a1;         /* <entry/>s of subnet-a1's network ACL;
                                 * NULL: the subnet has none. */
    const char *acl_a2;         /* Likewise for subnet-a2. */
    const char *sg_t;           /* <rule/>s of sg-t; NULL: UDP 4789 from
                                 * 10.0.0.0/8. */
    const char *sg_b;           /* Likewise for sg-b. */
    const char *sg_c;           /* Likewise for sg-c. */
    const char *vpc_a;          /* More elements in vpc-a. */
    const char *vpc_b;          /* More elements in vpc-b. */
    const char *account;        /* More elements in the account. */
    const char *accounts;       /* More accounts. */
    const char *target;         /* Attributes of tmt-1 (default:
                                 * network-interface="eni-t"). */
    const char *session;        /* Attributes of tms-1 (default: from
                                 * eni-src, session number 1). */
};

#define SG_ALLOW_VXLAN \
    "<rule direction=\"ingress\" protocol=\"17\" from-port=\"4789\" " \
    "to-port=\"4789\" cidr=\"10.0.0.0/8\"/>"

static char *
world_xml(const struct world *w)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                "<account id=\"111111111111\" organization=\"o-1\">\n");
    ds_put_format(&s, "<vpc id=\"vpc-a\" cidr=\"10.0.0.0/16\">\n"
                  "<subnet id=\"subnet-a1\" cidr=\"10.0.1.0/24\" "
                  "availability-zone=\"az1\" route-table=\"rtb-a\"%s/>\n"
                  "<subnet id=\"subnet-a2\" cidr=\"10.0.2.0/24\" "
                  "availability-zone=\"az2\" route-table=\"rtb-a\"%s/>\n"
                  "<route-table id=\"rtb-a\">%s</route-table>\n",
                  w->acl_a1 ? " network-acl=\"acl-a1\"" : "",
                  w->acl_a2 ? " network-acl=\"acl-a2\"" : "",
                  w->routes_a ? w->routes_a : "");
    if (w->acl_a1) {
        ds_put_format(&s, "<network-acl id=\"acl-a1\">%s</network-acl>\n",
                      w->acl_a1);
    }
    if (w->acl_a2) {
        ds_put_format(&s, "<network-acl id=\"acl-a2\">%s</network-acl>\n",
                      w->acl_a2);
    }
    ds_put_format(&s, "<security-group id=\"sg-src\"/>\n"
                  "<security-group id=\"sg-t\">%s</security-group>\n"
                  "<network-interface id=\"eni-src\" subnet=\"subnet-a1\" "
                  "ip=\"10.0.1.10\" security-groups=\"sg-src\"/>\n"
                  "<network-interface id=\"eni-t\" subnet=\"subnet-a2\" "
                  "ip=\"10.0.2.20\" security-groups=\"sg-t\"/>\n"
                  "<network-interface id=\"eni-t1\" subnet=\"subnet-a1\" "
                  "ip=\"10.0.1.20\" security-groups=\"sg-t\"/>\n"
                  "%s</vpc>\n",
                  w->sg_t ? w->sg_t : SG_ALLOW_VXLAN,
                  w->vpc_a ? w->vpc_a : "");
    ds_put_format(&s, "<vpc id=\"vpc-b\" cidr=\"10.1.0.0/16\">\n"
                  "<subnet id=\"subnet-b1\" cidr=\"10.1.1.0/24\" "
                  "availability-zone=\"az1\" route-table=\"rtb-b\"/>\n"
                  "<route-table id=\"rtb-b\">%s</route-table>\n"
                  "<security-group id=\"sg-b\">%s</security-group>\n"
                  "<network-interface id=\"eni-b\" subnet=\"subnet-b1\" "
                  "ip=\"10.1.1.10\" security-groups=\"sg-b\"/>\n%s</vpc>\n",
                  w->routes_b ? w->routes_b : "",
                  w->sg_b ? w->sg_b : SG_ALLOW_VXLAN,
                  w->vpc_b ? w->vpc_b : "");
    ds_put_format(&s, "<vpc id=\"vpc-c\" cidr=\"10.2.0.0/16\">\n"
                  "<subnet id=\"subnet-c1\" cidr=\"10.2.1.0/24\" "
                  "availability-zone=\"az1\" route-table=\"rtb-c\"/>\n"
                  "<route-table id=\"rtb-c\"/>\n"
                  "<security-group id=\"sg-c\">%s</security-group>\n"
                  "<network-interface id=\"eni-c\" subnet=\"subnet-c1\" "
                  "ip=\"10.2.1.10\" security-groups=\"sg-c\"/>\n</vpc>\n",
                  w->sg_c ? w->sg_c : SG_ALLOW_VXLAN);
    ds_put_format(&s, "%s\n<traffic-mirror-target id=\"tmt-1\" %s/>\n"
                  "<traffic-mirror-filter id=\"tmf-1\"/>\n"
                  "<traffic-mirror-session id=\"tms-1\" %s "
                  "traffic-mirror-target=\"tmt-1\" "
                  "traffic-mirror-filter=\"tmf-1\"/>\n</account>\n%s"
                  "</topology>\n",
                  w->account ? w->account : "",
                  w->target ? w->target : "network-interface=\"eni-t\"",
                  (w->session ? w->session
                   : "network-interface=\"eni-src\" session-number=\"1\""),
                  w->accounts ? w->accounts : "");
    return ds_steal_cstr(&s);
}

/* Describes 'r' as "CODE@component ..." into 's'. */
static void
format_codes(const struct sim_result *r, struct ds *s)
{
    for (size_t i = 0; i < r->n_explanations; i++) {
        ds_put_format(s, "%s%s@%s", i ? " " : "", r->explanations[i].code,
                      r->explanations[i].component);
    }
}

static void
format_path(const struct sim_result *r, struct ds *s)
{
    for (size_t i = 0; i < r->n_hops; i++) {
        ds_put_format(s, "%s%s", i ? " " : "", r->hops[i].component);
    }
}

/* Loads 'w', checks tms-1 and asserts that its verdict is 'verdict', its
 * reasons are 'codes' ("CODE@component ...", in order; "" for none) and,
 * if 'path' is nonnull, its path is 'path' (component ids). */
#define EXPECT(W, VERDICT, CODES, PATH) \
    expect(W, "tms-1", VERDICT, CODES, PATH, __FILE__, __LINE__)

/* Like EXPECT, for session 'ID' of 'W'. */
#define EXPECT_SESSION(W, ID, VERDICT, CODES, PATH) \
    expect(W, ID, VERDICT, CODES, PATH, __FILE__, __LINE__)

static void
expect(const struct world *w, const char *id, enum sim_verdict verdict,
       const char *codes, const char *path, const char *file, int line)
{
    char *xml = world_xml(w);
    struct sim_topology *topo;
    char *error;

    error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);
    if (error) {
        char *msg = xasprintf("topology does not load: %s\n%s", error, xml);
        CU_assertImplementation(false, line, msg, file, "", CU_FALSE);
        free(msg);
        free(error);
        free(xml);
        return;
    }

    const struct sim_mirror_session *session
        = shash_find_data(&topo->sessions_by_id, id);
    struct ds got_codes = DS_EMPTY_INITIALIZER;
    struct ds got_path = DS_EMPTY_INITIALIZER;
    struct sim_result r;
    char *msg;

    sim_check_session(topo, session, &r);
    format_codes(&r, &got_codes);
    format_path(&r, &got_path);

    msg = xasprintf("verdict %s, expected %s (reasons: %s)",
                    sim_verdict_to_string(r.verdict),
                    sim_verdict_to_string(verdict), ds_cstr(&got_codes));
    CU_assertImplementation(r.verdict == verdict, line, msg, file, "",
                            CU_FALSE);
    free(msg);

    msg = xasprintf("reasons \"%s\", expected \"%s\"", ds_cstr(&got_codes),
                    codes);
    CU_assertImplementation(!strcmp(ds_cstr(&got_codes), codes), line, msg,
                            file, "", CU_FALSE);
    free(msg);

    if (path) {
        msg = xasprintf("path \"%s\", expected \"%s\"", ds_cstr(&got_path),
                        path);
        CU_assertImplementation(!strcmp(ds_cstr(&got_path), path), line,
                                msg, file, "", CU_FALSE);
        free(msg);
    }

    /* Every reason says what to do about it. */
    for (size_t i = 0; i < r.n_explanations; i++) {
        CU_ASSERT(r.explanations[i].detail[0] && r.explanations[i].fix[0]);
    }

    ds_destroy(&got_codes);
    ds_destroy(&got_path);
    sim_result_destroy(&r);
    sim_topology_destroy(topo);
    free(xml);
}

/* Asserts that loading 'xml' fails with an error that begins with
 * 'prefix' (e.g. "t.xml:3: ") and contains 'text'. */
#define EXPECT_LOAD_ERROR(XML, PREFIX, TEXT) \
    expect_load_error(XML, PREFIX, TEXT, __FILE__, __LINE__)

static void
expect_load_error(const char *xml, const char *prefix, const char *text,
                  const char *file, int line)
{
    struct sim_topology *topo;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);
    char *msg = xasprintf("error \"%s\", expected \"%s...%s...\"",
                          error ? error : "(none)", prefix, text);

    CU_assertImplementation(error && !strncmp(error, prefix, strlen(prefix))
                            && strstr(error, text) && !topo,
                            line, msg, file, "", CU_FALSE);
    free(msg);
    free(error);
    sim_topology_destroy(topo);
}

/* ---- Route tables. ---- */

static void
test_route_local(void)
{
    /* Every table has an implicit local route for each VPC CIDR. */
    struct world w = { .target = NULL };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a sg-t eni-t");
}

static void
test_route_local_every_cidr(void)
{
    /* The local routes cover every CIDR of the VPC, not only the first. */
    struct world w = {
        .vpc_a = "<cidr-block cidr=\"10.50.0.0/16\"/>"
                 "<subnet id=\"subnet-a9\" cidr=\"10.50.1.0/24\" "
                 "availability-zone=\"az1\" route-table=\"rtb-a\"/>"
                 "<network-interface id=\"eni-t9\" subnet=\"subnet-a9\" "
                 "ip=\"10.50.1.9\" security-groups=\"sg-t\"/>",
        .target = "network-interface=\"eni-t9\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a sg-t eni-t9");
}

static void
test_route_missing(void)
{
    struct world w = { .target = "network-interface=\"eni-b\"" };

    EXPECT(&w, SIM_BLOCKED, "NO_ROUTE_TO_DESTINATION@rtb-a",
           "eni-src rtb-a");
}

static void
test_route_longest_prefix(void)
{
    /* The /24 wins over the /16, whichever comes first. */
    struct world w = {
        .routes_a = "<route destination=\"10.1.0.0/16\" blackhole=\"true\"/>"
                    "<route destination=\"10.1.1.0/24\" target=\"pcx-ab\"/>",
        .account = "<vpc-peering id=\"pcx-ab\" requester-vpc=\"vpc-a\" "
                   "accepter-vpc=\"vpc-b\" status=\"active\"/>",
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a pcx-ab sg-b eni-b");
}

static void
test_route_more_specific(void)
{
    /* A more specific blackhole takes the copy from a good route: both
     * reasons are reported. */
    struct world w = {
        .routes_a = "<route destination=\"10.1.0.0/16\" target=\"pcx-ab\"/>"
                    "<route destination=\"10.1.1.0/24\" blackhole=\"true\"/>",
        .account = "<vpc-peering id=\"pcx-ab\" requester-vpc=\"vpc-a\" "
                   "accepter-vpc=\"vpc-b\" status=\"active\"/>",
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "BLACKHOLE_ROUTE@rtb-a MORE_SPECIFIC_ROUTE@rtb-a",
           "eni-src rtb-a");
}

static void
test_route_to_gateway(void)
{
    /* A default route to an internet gateway does not reach a private
     * address in another VPC. */
    struct world w = {
        .routes_a = "<route destination=\"0.0.0.0/0\" target=\"igw-1\"/>",
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "NO_ROUTE_TO_DESTINATION@rtb-a",
           "eni-src rtb-a");
}

static void
test_route_to_eni(void)
{
    /* A route to an appliance interface sends the copy there, not to the
     * target. */
    struct world w = {
        .routes_a = "<route destination=\"10.1.0.0/16\" target=\"eni-t1\"/>",
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "NO_ROUTE_TO_DESTINATION@rtb-a",
           "eni-src rtb-a eni-t1");
}

/* ---- Peering. ---- */

#define PEERING_AB(STATUS)                                              \
    "<vpc-peering id=\"pcx-ab\" requester-vpc=\"vpc-a\" "               \
    "accepter-vpc=\"vpc-b\" status=\"" STATUS "\"/>"

static void
test_peering_active(void)
{
    struct world w = {
        .routes_a = "<route destination=\"10.1.0.0/16\" target=\"pcx-ab\"/>",
        .account = PEERING_AB("active"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a pcx-ab sg-b eni-b");
}

static void
test_peering_not_active(void)
{
    /* Only active peerings carry traffic. */
    static const char *const states[] = {
        PEERING_AB("pending-acceptance"), PEERING_AB("rejected"),
        PEERING_AB("deleted"), PEERING_AB("expired"),
    };

    for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
        struct world w = {
            .routes_a = "<route destination=\"10.1.0.0/16\" "
                        "target=\"pcx-ab\"/>",
            .account = states[i],
            .target = "network-interface=\"eni-b\"",
        };

        EXPECT(&w, SIM_BLOCKED, "BAD_STATE_PCX@pcx-ab",
               "eni-src rtb-a pcx-ab");
    }
}

static void
test_peering_not_transitive(void)
{
    /* vpc-a - vpc-b - vpc-c: vpc-a cannot reach vpc-c through vpc-b. */
    struct world w = {
        .routes_a = "<route destination=\"10.0.0.0/8\" target=\"pcx-ab\"/>",
        .routes_b = "<route destination=\"10.2.0.0/16\" target=\"pcx-bc\"/>",
        .account = PEERING_AB("active")
                   "<vpc-peering id=\"pcx-bc\" requester-vpc=\"vpc-b\" "
                   "accepter-vpc=\"vpc-c\" status=\"active\"/>",
        .target = "network-interface=\"eni-c\"",
    };

    EXPECT(&w, SIM_BLOCKED, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR@pcx-ab",
           "eni-src rtb-a pcx-ab");
}

static void
test_peering_inactive_and_not_transitive(void)
{
    /* A path blocked twice shows both reasons. */
    struct world w = {
        .routes_a = "<route destination=\"10.2.0.0/16\" target=\"pcx-ab\"/>",
        .account = PEERING_AB("pending-acceptance"),
        .target = "network-interface=\"eni-c\"",
    };

    EXPECT(&w, SIM_BLOCKED,
           "BAD_STATE_PCX@pcx-ab PCX_REQUIRES_ADDRESS_IN_VPC_CIDR@pcx-ab",
           "eni-src rtb-a pcx-ab");
}

static void
test_peering_overlap_refused(void)
{
    /* Overlapping CIDRs cannot be peered: the topology is refused. */
    static const char xml[] =
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
        "<account id=\"1\">\n"
        "<vpc id=\"vpc-a\" cidr=\"10.0.0.0/16\"/>\n"
        "<vpc id=\"vpc-b\" cidr=\"10.1.0.0/16\">\n"
        "  <cidr-block cidr=\"10.0.128.0/17\"/>\n"
        "</vpc>\n"
        "<vpc-peering id=\"pcx-ab\" requester-vpc=\"vpc-a\"\n"
        "             accepter-vpc=\"vpc-b\" status=\"active\"/>\n"
        "</account>\n"
        "</topology>\n";

    /* libxml2 gives the line where an element's start tag ends. */
    EXPECT_LOAD_ERROR(xml, "t.xml:8: ", "overlap");
}

/* ---- Transit gateways. ---- */

/* tgw-1 with attachments of vpc-a and vpc-b; ATT_A and ATT_B are more
 * attributes of each, RTB the routes of tgw-rtb-1. */
#define TGW(ATT_A, ATT_B, RTB)                                          \
    "<transit-gateway id=\"tgw-1\">"                                    \
    "<attachment id=\"att-a\" vpc=\"vpc-a\" subnets=\"subnet-a1\" "     \
    ATT_A "/>"                                                          \
    "<attachment id=\"att-b\" vpc=\"vpc-b\" subnets=\"subnet-b1\" "     \
    ATT_B "/>"                                                          \
    "<attachment id=\"att-c\" vpc=\"vpc-c\" subnets=\"subnet-c1\" "     \
    "association=\"tgw-rtb-1\" propagations=\"tgw-rtb-1\"/>"            \
    "<route-table id=\"tgw-rtb-1\">" RTB "</route-table>"               \
    "</transit-gateway>"

#define TO_TGW "<route destination=\"10.1.0.0/16\" target=\"tgw-1\"/>"
#define ASSOC "association=\"tgw-rtb-1\""
#define PROP "propagations=\"tgw-rtb-1\""

static void
test_tgw_propagated(void)
{
    /* An attachment propagates its VPC's CIDRs; the destination VPC's
     * subnet's route table then delivers locally. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC " " PROP, ""),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");
}

static void
test_tgw_static(void)
{
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC,
                       "<route destination=\"10.1.1.0/24\" "
                       "attachment=\"att-b\"/>"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");
}

static void
test_tgw_missing_association(void)
{
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(PROP, ASSOC " " PROP, ""),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION@att-a",
           "eni-src rtb-a tgw-1 att-a");
}

static void
test_tgw_cannot_route(void)
{
    /* vpc-b's attachment does not propagate into the table. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC, ""),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "TGW_RTB_CANNOT_ROUTE@tgw-rtb-1",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1");
}

static void
test_tgw_static_over_propagated(void)
{
    /* A static route hides a propagated one to the same prefix, even when
     * it is wrong. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC " " PROP,
                       "<route destination=\"10.1.0.0/16\" "
                       "attachment=\"att-c\"/>"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT@tgw-rtb-1",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1");
}

static void
test_tgw_blackhole(void)
{
    /* A blackhole with the same prefix as the propagated route: static
     * wins, and drops. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC " " PROP,
                       "<route destination=\"10.1.0.0/16\" "
                       "blackhole=\"true\"/>"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED, "BLACKHOLE_ROUTE@tgw-rtb-1",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1");
}

static void
test_tgw_longest_prefix(void)
{
    /* The propagated /16 loses to a more specific static blackhole; the
     * report names both. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW(ASSOC, ASSOC " " PROP,
                       "<route destination=\"10.1.1.0/24\" "
                       "blackhole=\"true\"/>"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED,
           "BLACKHOLE_ROUTE@tgw-rtb-1 MORE_SPECIFIC_ROUTE@tgw-rtb-1",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1");
}

/* tgw-1 with its security group referencing support 'TGW_SGREF', and
 * attachments of vpc-a and of vpc-b (with more attributes ATT_B). */
#define SGREF_TGW(TGW_SGREF, ATT_B)                                     \
    "<transit-gateway id=\"tgw-1\" "                                    \
    "security-group-referencing-support=\"" TGW_SGREF "\">"             \
    "<attachment id=\"att-a\" vpc=\"vpc-a\" subnets=\"subnet-a1\" "     \
    ASSOC " " PROP "/>"                                                 \
    "<attachment id=\"att-b\" vpc=\"vpc-b\" subnets=\"subnet-b1\" "     \
    ASSOC " " PROP " " ATT_B "/>"                                       \
    "<route-table id=\"tgw-rtb-1\"/>"                                   \
    "</transit-gateway>"

/* tgw-1 with attachments of vpc-a in SUBNETS_A and of vpc-b in
 * SUBNETS_B, both associated with tgw-rtb-1 and propagating into it. */
#define TGW_ZONES(SUBNETS_A, SUBNETS_B)                                 \
    "<transit-gateway id=\"tgw-1\">"                                    \
    "<attachment id=\"att-a\" vpc=\"vpc-a\" "                           \
    "subnets=\"" SUBNETS_A "\" " ASSOC " " PROP "/>"                    \
    "<attachment id=\"att-b\" vpc=\"vpc-b\" "                           \
    "subnets=\"" SUBNETS_B "\" " ASSOC " " PROP "/>"                    \
    "<route-table id=\"tgw-rtb-1\"/></transit-gateway>"

static void
test_tgw_zone_restriction(void)
{
    /* The source is in az1, where att-a has no subnet: the gateway cannot
     * be reached from there. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW_ZONES("subnet-a2", "subnet-b1"),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&w, SIM_BLOCKED, "TGW_ROUTE_AZ_RESTRICTION@att-a",
           "eni-src rtb-a tgw-1 att-a");

    /* From az2, where it has one, the copy goes through. */
    w.session = "network-interface=\"eni-t\" session-number=\"1\"";
    EXPECT(&w, SIM_REACHABLE, "",
           "eni-t rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");
}

/* vpc-b's second subnet, subnet-b2 in az2, whose route table rtb-b2 sends
 * subnet-b1's addresses to a blackhole. */
#define SUBNET_B2                                                       \
    "<subnet id=\"subnet-b2\" cidr=\"10.1.2.0/24\" "                    \
    "availability-zone=\"az2\" route-table=\"rtb-b2\"/>"                \
    "<route-table id=\"rtb-b2\"><route destination=\"10.1.1.0/24\" "     \
    "blackhole=\"true\"/></route-table>"

static void
test_tgw_zone_delivery(void)
{
    /* The gateway delivers through the destination attachment's subnet in
     * the source's zone: from az1 through subnet-b1, whose route table
     * delivers; from az2 through subnet-b2, whose route table does not. */
    struct world w = {
        .routes_a = TO_TGW,
        .vpc_b = SUBNET_B2,
        .account = TGW_ZONES("subnet-a1 subnet-a2", "subnet-b2 subnet-b1"),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");

    w.session = "network-interface=\"eni-t\" session-number=\"1\"";
    EXPECT(&w, SIM_BLOCKED, "MORE_SPECIFIC_ROUTE@rtb-b2",
           "eni-t rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b2");

    /* With no subnet in the source's zone, another zone's will do. */
    struct world other_zone = {
        .routes_a = TO_TGW,
        .vpc_b = SUBNET_B2,
        .account = TGW_ZONES("subnet-a2", "subnet-b1"),
        .target = "network-interface=\"eni-b\"",
        .session = "network-interface=\"eni-t\" session-number=\"1\"",
    };
    EXPECT(&other_zone, SIM_REACHABLE, "",
           "eni-t rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");
}

/* tgw-1 holds vpc-a's attachment, tgw-2 vpc-b's; they are peered by
 * att-p, with the associations ASSOCS, tgw-1 routing vpc-b's CIDR to the
 * peering and tgw-2 propagating att-b; TGW2 are more attributes of
 * tgw-2. */
#define TGW_PEERED(ASSOCS, TGW2)                                        \
    "<transit-gateway id=\"tgw-1\">"                                    \
    "<attachment id=\"att-a\" vpc=\"vpc-a\" subnets=\"subnet-a1\" "     \
    "association=\"tgw-rtb-1\"/>"                                       \
    "<peering-attachment id=\"att-p\" peer-transit-gateway=\"tgw-2\" "  \
    ASSOCS "/>"                                                         \
    "<route-table id=\"tgw-rtb-1\"><route destination=\"10.1.0.0/16\" " \
    "attachment=\"att-p\"/></route-table></transit-gateway>"            \
    "<transit-gateway id=\"tgw-2\" " TGW2 ">"                           \
    "<attachment id=\"att-b\" vpc=\"vpc-b\" subnets=\"subnet-b1\" "     \
    "association=\"tgw-rtb-2\" propagations=\"tgw-rtb-2\"/>"            \
    "<route-table id=\"tgw-rtb-2\"/></transit-gateway>"

static void
test_tgw_peering(void)
{
    /* The copy crosses tgw-1, the peering and tgw-2, which routes it by
     * the route table it associates the peering with. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = TGW_PEERED("association=\"tgw-rtb-1\" "
                              "peer-association=\"tgw-rtb-2\"", ""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-p tgw-2 tgw-rtb-2 "
           "att-b rtb-b sg-b eni-b");

    /* tgw-2 has not associated the peering with a route table. */
    struct world no_assoc = {
        .routes_a = TO_TGW,
        .account = TGW_PEERED("association=\"tgw-rtb-1\"", ""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&no_assoc, SIM_BLOCKED,
           "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION@att-p",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-p");

    /* Security group references never hold across a peering of
     * gateways, whatever their support. */
    struct world sgref = {
        .routes_a = TO_TGW,
        .sg_b = "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4789\" to-port=\"4789\" "
                "source-group=\"sg-src\"/>",
        .account = TGW_PEERED("association=\"tgw-rtb-1\" "
                              "peer-association=\"tgw-rtb-2\"",
                              "security-group-referencing-support="
                              "\"enable\""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&sgref, SIM_BLOCKED, "SG_REFERENCING_SUPPORT@tgw-1", NULL);
}

static void
test_tgw_peering_loop(void)
{
    /* tgw-2 sends vpc-b's CIDR back over the peering: a loop, reported
     * and not followed forever. */
    struct world w = {
        .routes_a = TO_TGW,
        .account = "<transit-gateway id=\"tgw-1\">"
                   "<attachment id=\"att-a\" vpc=\"vpc-a\" "
                   "subnets=\"subnet-a1\" association=\"tgw-rtb-1\"/>"
                   "<peering-attachment id=\"att-p\" "
                   "peer-transit-gateway=\"tgw-2\" "
                   "association=\"tgw-rtb-1\" "
                   "peer-association=\"tgw-rtb-2\"/>"
                   "<route-table id=\"tgw-rtb-1\"><route "
                   "destination=\"10.1.0.0/16\" attachment=\"att-p\"/>"
                   "</route-table></transit-gateway>"
                   "<transit-gateway id=\"tgw-2\">"
                   "<attachment id=\"att-b\" vpc=\"vpc-b\" "
                   "subnets=\"subnet-b1\" association=\"tgw-rtb-2\"/>"
                   "<route-table id=\"tgw-rtb-2\"><route "
                   "destination=\"10.1.0.0/16\" attachment=\"att-p\"/>"
                   "</route-table></transit-gateway>",
        .target = "network-interface=\"eni-b\"",
    };
    struct sim_topology *topo;
    char *xml = world_xml(&w);
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);
    struct sim_result r;

    CU_ASSERT_PTR_NULL_FATAL(error);
    sim_check_session(topo, shash_find_data(&topo->sessions_by_id, "tms-1"),
                      &r);
    CU_ASSERT_EQUAL(r.verdict, SIM_BLOCKED);
    CU_ASSERT_PTR_NOT_NULL(sim_result_find(&r, "TGW_RTB_CANNOT_ROUTE"));
    sim_result_destroy(&r);
    sim_topology_destroy(topo);
    free(xml);
}

/* ---- Security groups. ---- */

static void
test_sg_by_cidr(void)
{
    struct world w = {
        .sg_t = "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4000\" to-port=\"5000\" cidr=\"10.0.1.10/32\"/>",
    };

    EXPECT(&w, SIM_REACHABLE, "", NULL);
}

static void
test_sg_all_protocols(void)
{
    /* Protocol -1 allows every port. */
    struct world w = {
        .sg_t = "<rule direction=\"ingress\" protocol=\"-1\" "
                "cidr=\"0.0.0.0/0\"/>",
    };

    EXPECT(&w, SIM_REACHABLE, "", NULL);
}

static void
test_sg_mismatch(void)
{
    /* Wrong port, wrong protocol, wrong source, wrong direction: none
     * lets the copy in. */
    struct world w = {
        .sg_t = "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4790\" to-port=\"4790\" cidr=\"0.0.0.0/0\"/>"
                "<rule direction=\"ingress\" protocol=\"6\" "
                "from-port=\"4789\" to-port=\"4789\" cidr=\"0.0.0.0/0\"/>"
                "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4789\" to-port=\"4789\" cidr=\"10.0.9.0/24\"/>"
                "<rule direction=\"egress\" protocol=\"-1\" "
                "cidr=\"0.0.0.0/0\"/>",
    };

    EXPECT(&w, SIM_BLOCKED, "ENI_SG_RULES_MISMATCH@sg-t",
           "eni-src rtb-a sg-t eni-t");
}

static void
test_sg_no_rules(void)
{
    struct world w = { .sg_t = "" };

    EXPECT(&w, SIM_BLOCKED, "SG_HAS_NO_RULES@sg-t", NULL);
}

static void
test_sg_any_group_allows(void)
{
    /* The groups of an interface allow what any of them allows. */
    struct world w = {
        .vpc_a = "<security-group id=\"sg-none\"/>"
                 "<security-group id=\"sg-ok\">" SG_ALLOW_VXLAN
                 "</security-group>"
                 "<network-interface id=\"eni-t2\" subnet=\"subnet-a2\" "
                 "ip=\"10.0.2.22\" security-groups=\"sg-none sg-ok\"/>",
        .target = "network-interface=\"eni-t2\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a sg-none sg-ok eni-t2");
}

static void
test_sg_not_applied_to_source(void)
{
    /* sg-src lets nothing in or out, but mirrored copies are not subject
     * to the source's security groups. */
    struct world w = { .target = NULL };

    EXPECT(&w, SIM_REACHABLE, "", NULL);
}

static void
test_sg_group_reference(void)
{
    /* A rule may allow the members of a group. */
    struct world w = {
        .sg_t = "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4789\" to-port=\"4789\" "
                "source-group=\"sg-src\"/>",
    };

    EXPECT(&w, SIM_REACHABLE, "", NULL);
}

static void
test_sg_group_reference_not_member(void)
{
    struct world w = {
        .sg_t = "<rule direction=\"ingress\" protocol=\"17\" "
                "from-port=\"4789\" to-port=\"4789\" source-group=\"sg-t\"/>",
    };

    EXPECT(&w, SIM_BLOCKED, "ENI_SG_RULES_MISMATCH@sg-t", NULL);
}

static void
test_sg_group_reference_peered(void)
{
    /* A group of a peered VPC may be referenced across an active peering,
     * and not across one that is not active. */
    const char *sg_b = "<rule direction=\"ingress\" protocol=\"17\" "
                       "from-port=\"4789\" to-port=\"4789\" "
                       "source-group=\"sg-src\"/>";
    struct world w = {
        .routes_a = "<route destination=\"10.1.0.0/16\" target=\"pcx-ab\"/>",
        .sg_b = sg_b,
        .account = PEERING_AB("active"),
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a pcx-ab sg-b eni-b");

    /* Through a transit gateway instead, the reference does not hold,
     * even though a peering joins the two VPCs: it holds only for a copy
     * that crossed the peering.  The gateway's missing support is the
     * reason. */
    struct world w2 = {
        .routes_a = TO_TGW,
        .sg_b = sg_b,
        .account = TGW(ASSOC, ASSOC " " PROP, "") PEERING_AB("active"),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&w2, SIM_BLOCKED, "SG_REFERENCING_SUPPORT@tgw-1", NULL);

    /* Across a peering that does not join the group's VPC to the
     * target's, never: vpc-a's group is not known in vpc-c. */
    struct world w3 = {
        .routes_a = "<route destination=\"10.2.0.0/16\" target=\"pcx-ac\"/>",
        .sg_c = sg_b,
        .account = "<vpc-peering id=\"pcx-ac\" requester-vpc=\"vpc-a\" "
                   "accepter-vpc=\"vpc-c\"/>",
        .target = "network-interface=\"eni-c\"",
    };
    EXPECT(&w3, SIM_REACHABLE, "", "eni-src rtb-a pcx-ac sg-c eni-c");
}

static void
test_sg_group_reference_tgw(void)
{
    /* Across a transit gateway, a reference holds when the gateway
     * supports security group references (off by default) and both
     * attachments do (on by default). */
    const char *sg_b = "<rule direction=\"ingress\" protocol=\"17\" "
                       "from-port=\"4789\" to-port=\"4789\" "
                       "source-group=\"sg-src\"/>";
    struct world on = {
        .routes_a = TO_TGW,
        .sg_b = sg_b,
        .account = SGREF_TGW("enable", ""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&on, SIM_REACHABLE, "",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");

    struct world att_off = {
        .routes_a = TO_TGW,
        .sg_b = sg_b,
        .account = SGREF_TGW("enable", "security-group-referencing-support="
                             "\"disable\""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&att_off, SIM_BLOCKED, "SG_REFERENCING_SUPPORT@att-b",
           "eni-src rtb-a tgw-1 att-a tgw-rtb-1 att-b rtb-b sg-b eni-b");

    struct world tgw_off = {
        .routes_a = TO_TGW,
        .sg_b = sg_b,
        .account = SGREF_TGW("disable", ""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&tgw_off, SIM_BLOCKED, "SG_REFERENCING_SUPPORT@tgw-1", NULL);

    /* A rule by CIDR needs no support. */
    struct world cidr = {
        .routes_a = TO_TGW,
        .account = SGREF_TGW("disable", ""),
        .target = "network-interface=\"eni-b\"",
    };
    EXPECT(&cidr, SIM_REACHABLE, "", NULL);
}

/* ---- Network ACLs. ---- */

#define ENTRY(NUMBER, DIRECTION, ACTION, PROTOCOL, CIDR, PORTS)         \
    "<entry rule-number=\"" NUMBER "\" direction=\"" DIRECTION "\" "    \
    "rule-action=\"" ACTION "\" protocol=\"" PROTOCOL "\" "             \
    "cidr=\"" CIDR "\" " PORTS "/>"
#define VXLAN_PORTS "from-port=\"4789\" to-port=\"4789\""

static void
test_acl_allows(void)
{
    struct world w = {
        .acl_a1 = ENTRY("100", "egress", "allow", "17", "10.0.2.0/24",
                        VXLAN_PORTS),
        .acl_a2 = ENTRY("100", "ingress", "allow", "-1", "0.0.0.0/0", ""),
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src acl-a1 rtb-a acl-a2 sg-t eni-t");
}

static void
test_acl_first_match_wins(void)
{
    /* Ascending rule number, whatever the order in the file. */
    struct world deny_first = {
        .acl_a2 = ENTRY("200", "ingress", "allow", "-1", "0.0.0.0/0", "")
                  ENTRY("100", "ingress", "deny", "17", "10.0.1.0/24",
                        VXLAN_PORTS),
    };
    EXPECT(&deny_first, SIM_BLOCKED, "SUBNET_ACL_RESTRICTION@acl-a2", NULL);

    struct world allow_first = {
        .acl_a2 = ENTRY("200", "ingress", "deny", "-1", "0.0.0.0/0", "")
                  ENTRY("100", "ingress", "allow", "17", "10.0.1.0/24",
                        VXLAN_PORTS),
    };
    EXPECT(&allow_first, SIM_REACHABLE, "", NULL);
}

static void
test_acl_implicit_deny(void)
{
    /* Entries that do not match (another port, TCP, another source, the
     * other direction) leave the final implicit deny. */
    struct world w = {
        .acl_a2 = ENTRY("10", "ingress", "allow", "17", "0.0.0.0/0",
                        "from-port=\"53\" to-port=\"53\"")
                  ENTRY("20", "ingress", "allow", "6", "0.0.0.0/0", "")
                  ENTRY("30", "ingress", "allow", "-1", "192.168.0.0/16", "")
                  ENTRY("40", "egress", "allow", "-1", "0.0.0.0/0", ""),
    };

    EXPECT(&w, SIM_BLOCKED, "SUBNET_ACL_RESTRICTION@acl-a2", NULL);
}

static void
test_acl_both_sides(void)
{
    /* The source subnet's egress ACL and the target subnet's ingress ACL
     * both apply, and both are reported. */
    struct world w = {
        .acl_a1 = ENTRY("100", "ingress", "allow", "-1", "0.0.0.0/0", ""),
        .acl_a2 = ENTRY("100", "egress", "allow", "-1", "0.0.0.0/0", ""),
    };

    EXPECT(&w, SIM_BLOCKED,
           "SUBNET_ACL_RESTRICTION@acl-a1 SUBNET_ACL_RESTRICTION@acl-a2",
           "eni-src acl-a1 rtb-a acl-a2 sg-t eni-t");
}

static void
test_acl_stateless(void)
{
    /* Stateless: an egress entry does not let the copy in. */
    struct world w = {
        .acl_a2 = ENTRY("100", "egress", "allow", "-1", "10.0.1.0/24", ""),
    };

    EXPECT(&w, SIM_BLOCKED, "SUBNET_ACL_RESTRICTION@acl-a2", NULL);
}

static void
test_acl_same_subnet(void)
{
    /* Traffic within one subnet does not cross its network ACL. */
    struct world w = {
        .acl_a1 = ENTRY("100", "ingress", "deny", "-1", "0.0.0.0/0", ""),
        .target = "network-interface=\"eni-t1\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a sg-t eni-t1");
}

static void
test_every_reason(void)
{
    /* No route, a denying ACL and a security group without rules: three
     * reasons, all reported. */
    struct world w = {
        .acl_a1 = ENTRY("100", "egress", "deny", "-1", "0.0.0.0/0", ""),
        .sg_b = "",
        .target = "network-interface=\"eni-b\"",
    };

    EXPECT(&w, SIM_BLOCKED,
           "SUBNET_ACL_RESTRICTION@acl-a1 NO_ROUTE_TO_DESTINATION@rtb-a "
           "SG_HAS_NO_RULES@sg-b", "eni-src acl-a1 rtb-a");
}

static void
test_codes(void)
{
    /* Each code has a name and a summary of its own, apart from the
     * model's codes, which explain invalid sessions. */
    struct sset names = SSET_INITIALIZER(&names);

    for (int i = 0; i < SIM_N_CODES; i++) {
        enum tm_error_code model_code;
        const char *name = sim_code_name(i);

        CU_ASSERT(sset_add(&names, name) != NULL);
        CU_ASSERT(!tm_error_code_from_name(name, &model_code));
        CU_ASSERT(sim_code_summary(i)[0] != '\0');
    }
    CU_ASSERT_STRING_EQUAL(sim_code_name(SIM_EXPL_SUBNET_ACL_RESTRICTION),
                           "SUBNET_ACL_RESTRICTION");
    sset_destroy(&names);
}

static void
test_consulted(void)
{
    /* Routing fails, sg-b would let the copy in: sg-b is not on the path
     * and not at fault, but was consulted, so that a change to it is known
     * to concern this session; vpc-c's components were not. */
    struct world w = { .target = "network-interface=\"eni-b\"" };
    char *xml = world_xml(&w);
    struct sim_topology *topo;
    struct sim_result r;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL_FATAL(error);
    sim_check_session(topo, shash_find_data(&topo->sessions_by_id, "tms-1"),
                      &r);
    CU_ASSERT(!sim_result_blocks(&r, "sg-b"));
    CU_ASSERT(sim_result_consulted(&r, "sg-b"));
    CU_ASSERT(sim_result_consulted(&r, "rtb-a"));
    CU_ASSERT(!sim_result_consulted(&r, "sg-c"));
    CU_ASSERT(!sim_result_consulted(&r, "rtb-b"));

    /* A route to vpc-b's CIDR in rtb-a concerns the copy, one to vpc-c's
     * does not, nor does anything in rtb-b. */
    struct tm_cidr vpc_b, vpc_c;
    CU_ASSERT_PTR_NULL(tm_parse_cidr("10.1.0.0/16", &vpc_b));
    CU_ASSERT_PTR_NULL(tm_parse_cidr("10.2.0.0/16", &vpc_c));
    CU_ASSERT(sim_result_depends_on(&r, "rtb-a", &vpc_b));
    CU_ASSERT(sim_result_depends_on(&r, "rtb-a", NULL));
    CU_ASSERT(!sim_result_depends_on(&r, "rtb-a", &vpc_c));
    CU_ASSERT(!sim_result_depends_on(&r, "rtb-b", NULL));
    sim_result_destroy(&r);
    sim_topology_destroy(topo);
    free(xml);
}

/* ---- Load balancers. ---- */

/* nlb-1 in subnet-a1 (az1) and subnet-a2 (az2), with ATTRS, a node in each
 * and the given listeners and targets. */
#define NLB(ATTRS, LISTENERS, TARGETS)                                  \
    "<load-balancer id=\"nlb-1\" type=\"network\" "                     \
    "subnets=\"subnet-a1 subnet-a2\" " ATTRS ">"                        \
    "<node subnet=\"subnet-a2\" ip=\"10.0.2.5\"/>"                      \
    "<node subnet=\"subnet-a1\" ip=\"10.0.1.5\"/>"                      \
    LISTENERS TARGETS "</load-balancer>"
#define UDP_LISTENER "<listener protocol=\"udp\" port=\"4789\"/>"
#define TARGET_T_HEALTHY "<target network-interface=\"eni-t\"/>"
#define TARGET_T1_HEALTHY "<target network-interface=\"eni-t1\"/>"
#define TARGET_T1_SICK \
    "<target network-interface=\"eni-t1\" healthy=\"false\"/>"

static void
test_nlb_same_zone(void)
{
    /* The node in the source's zone (az1) forwards to a healthy target in
     * az1. */
    struct world w = {
        .vpc_a = NLB("", UDP_LISTENER, TARGET_T_HEALTHY TARGET_T1_HEALTHY),
        .target = "network-load-balancer=\"nlb-1\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a nlb-1 sg-t eni-t1");
}

static void
test_nlb_node_choice(void)
{
    /* No node in the source's zone: any node will do. */
    struct world w = {
        .vpc_a = "<load-balancer id=\"nlb-1\" type=\"network\" "
                 "subnets=\"subnet-a2\">"
                 "<node subnet=\"subnet-a2\" ip=\"10.0.2.5\"/>"
                 UDP_LISTENER TARGET_T_HEALTHY "</load-balancer>",
        .target = "network-load-balancer=\"nlb-1\"",
    };

    EXPECT(&w, SIM_REACHABLE, "", "eni-src rtb-a nlb-1 sg-t eni-t");
}

static void
test_nlb_listener(void)
{
    /* Without a UDP 4789 listener mirroring silently fails: reported. */
    struct world w = {
        .vpc_a = NLB("", "<listener protocol=\"tcp\" port=\"4789\"/>"
                     "<listener protocol=\"udp\" port=\"4790\"/>",
                     TARGET_T1_HEALTHY),
        .target = "network-load-balancer=\"nlb-1\"",
    };

    EXPECT(&w, SIM_BLOCKED, "ELBV2_LISTENERS_MISMATCH@nlb-1",
           "eni-src rtb-a nlb-1");
}

static void
test_nlb_cross_zone(void)
{
    /* The az1 node may use az2's healthy target only with cross-zone load
     * balancing. */
    struct world off = {
        .vpc_a = NLB("cross-zone=\"false\"", UDP_LISTENER,
                     TARGET_T_HEALTHY TARGET_T1_SICK),
        .target = "network-load-balancer=\"nlb-1\"",
    };
    EXPECT(&off, SIM_BLOCKED, "ELB_NOT_CROSSZONE@nlb-1",
           "eni-src rtb-a nlb-1");

    struct world on = {
        .vpc_a = NLB("cross-zone=\"true\"", UDP_LISTENER,
                     TARGET_T_HEALTHY TARGET_T1_SICK),
        .target = "network-load-balancer=\"nlb-1\"",
    };
    EXPECT(&on, SIM_REACHABLE, "", "eni-src rtb-a nlb-1 sg-t eni-t");
}

static void
test_nlb_no_healthy_target(void)
{
    struct world w = {
        .vpc_a = NLB("cross-zone=\"true\"", "", TARGET_T1_SICK),
        .target = "network-load-balancer=\"nlb-1\"",
    };

    /* No listener and no healthy target: both. */
    EXPECT(&w, SIM_BLOCKED,
           "ELBV2_LISTENERS_MISMATCH@nlb-1 ELBV2_NO_TARGETS_IN_AZ@nlb-1",
           "eni-src rtb-a nlb-1");
}

static void
test_nlb_appliance_sg(void)
{
    /* The appliance sees the source's address, not the node's: a group
     * that lets in only the load balancer's subnet keeps the copy out.
     * A reference to the source's group does not hold behind a load
     * balancer either. */
    static const char *const rules[] = {
        "<rule direction=\"ingress\" protocol=\"17\" from-port=\"4789\" "
        "to-port=\"4789\" cidr=\"10.0.1.5/32\"/>",
        "<rule direction=\"ingress\" protocol=\"17\" from-port=\"4789\" "
        "to-port=\"4789\" source-group=\"sg-src\"/>",
    };

    for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
        struct world w = {
            .vpc_a = NLB("", UDP_LISTENER, TARGET_T1_HEALTHY),
            .sg_t = rules[i],
            .target = "network-load-balancer=\"nlb-1\"",
        };

        EXPECT(&w, SIM_BLOCKED, "ENI_SG_RULES_MISMATCH@sg-t",
               "eni-src rtb-a nlb-1 sg-t eni-t1");
    }
}

static void
test_nlb_appliance_acl(void)
{
    /* Node in subnet-a1, appliance in subnet-a2: the node's subnet must
     * let the copy out to the appliance, the appliance's let it in from
     * the source. */
    struct world w = {
        .vpc_a = NLB("cross-zone=\"true\"", UDP_LISTENER, TARGET_T_HEALTHY),
        .acl_a1 = ENTRY("100", "ingress", "allow", "-1", "0.0.0.0/0", ""),
        .acl_a2 = ENTRY("100", "ingress", "allow", "17", "10.0.1.5/32",
                        VXLAN_PORTS),
        .target = "network-load-balancer=\"nlb-1\"",
    };

    EXPECT(&w, SIM_BLOCKED,
           "SUBNET_ACL_RESTRICTION@acl-a1 SUBNET_ACL_RESTRICTION@acl-a2",
           "eni-src rtb-a nlb-1 acl-a1 acl-a2 sg-t eni-t");

    w.acl_a1 = ENTRY("100", "egress", "allow", "17", "10.0.2.0/24",
                     VXLAN_PORTS);
    w.acl_a2 = ENTRY("100", "ingress", "allow", "17", "10.0.1.10/32",
                     VXLAN_PORTS);
    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a nlb-1 acl-a1 acl-a2 sg-t eni-t");
}

static void
test_nlb_every_target(void)
{
    /* The node spreads the copies over every target it may use: one that
     * keeps them out blocks the session. */
    struct world w = {
        .vpc_a = NLB("cross-zone=\"true\"", UDP_LISTENER,
                     TARGET_T1_HEALTHY
                     "<target network-interface=\"eni-x\"/>")
                 "<security-group id=\"sg-x\"/>"
                 "<network-interface id=\"eni-x\" subnet=\"subnet-a1\" "
                 "ip=\"10.0.1.30\" security-groups=\"sg-x\"/>",
        .target = "network-load-balancer=\"nlb-1\"",
    };

    EXPECT(&w, SIM_BLOCKED, "SG_HAS_NO_RULES@sg-x",
           "eni-src rtb-a nlb-1 sg-t eni-t1");
}

static void
test_nlb_security_groups(void)
{
    /* A load balancer's own groups must let the copy in from the source
     * and out to the appliance; the appliance may then let in members of
     * the load balancer's group. */
    const char *sg_t = "<rule direction=\"ingress\" protocol=\"17\" "
                       "from-port=\"4789\" to-port=\"4789\" "
                       "source-group=\"sg-lb\"/>";
    struct world w = {
        .vpc_a = "<load-balancer id=\"nlb-1\" security-groups=\"sg-lb\">"
                 "<node subnet=\"subnet-a1\" ip=\"10.0.1.5\"/>"
                 UDP_LISTENER TARGET_T1_HEALTHY "</load-balancer>"
                 "<security-group id=\"sg-lb\">" SG_ALLOW_VXLAN
                 "<rule direction=\"egress\" protocol=\"17\" "
                 "from-port=\"4789\" to-port=\"4789\" "
                 "source-group=\"sg-t\"/></security-group>",
        .sg_t = sg_t,
        .target = "network-load-balancer=\"nlb-1\"",
    };
    EXPECT(&w, SIM_REACHABLE, "",
           "eni-src rtb-a sg-lb nlb-1 sg-lb sg-t eni-t1");

    /* Without ingress nor egress rules: both directions reported (the
     * appliance still lets in members of sg-lb). */
    w.vpc_a = "<load-balancer id=\"nlb-1\" security-groups=\"sg-lb\">"
              "<node subnet=\"subnet-a1\" ip=\"10.0.1.5\"/>"
              UDP_LISTENER TARGET_T1_HEALTHY "</load-balancer>"
              "<security-group id=\"sg-lb\"/>";
    EXPECT(&w, SIM_BLOCKED, "SG_HAS_NO_RULES@sg-lb SG_HAS_NO_RULES@sg-lb",
           "eni-src rtb-a sg-lb nlb-1 sg-lb sg-t eni-t1");
}

static void
test_load_new_attributes(void)
{
    /* One subnet per zone in an attachment. */
    EXPECT_LOAD_ERROR(
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\"><account id=\"1\">"
        "<vpc id=\"v\" cidr=\"10.0.0.0/16\">"
        "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" availability-zone=\"z\"/>"
        "<subnet id=\"s2\" cidr=\"10.0.2.0/24\" availability-zone=\"z\"/>"
        "</vpc><transit-gateway id=\"t\">\n"
        "<attachment id=\"a\" vpc=\"v\" subnets=\"s1 s2\"/>"
        "</transit-gateway></account></topology>",
        "t.xml:2: ", "one subnet per zone");

    /* A load balancer's groups are in its VPC. */
    EXPECT_LOAD_ERROR(
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\"><account id=\"1\">"
        "<vpc id=\"w\" cidr=\"10.1.0.0/16\"><security-group id=\"g\"/>"
        "</vpc><vpc id=\"v\" cidr=\"10.0.0.0/16\">"
        "<subnet id=\"s1\" cidr=\"10.0.1.0/24\"/>\n"
        "<load-balancer id=\"lb\" security-groups=\"g\">"
        "<node subnet=\"s1\" ip=\"10.0.1.5\"/></load-balancer>"
        "</vpc></account></topology>",
        "t.xml:2: ", "security group g is in w, not in v");

    /* A gateway does not peer with itself; support is enable or
     * disable. */
    EXPECT_LOAD_ERROR(
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\"><account id=\"1\">"
        "<transit-gateway id=\"t\">\n"
        "<peering-attachment id=\"p\" peer-transit-gateway=\"t\"/>"
        "</transit-gateway></account></topology>",
        "t.xml:2: ", "cannot be peered with itself");
    EXPECT_LOAD_ERROR(
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\"><account id=\"1\">"
        "<transit-gateway id=\"t\" "
        "security-group-referencing-support=\"on\"/>"
        "</account></topology>",
        "t.xml:1: ", "security-group-referencing-support");
}

/* ---- The mirroring model's refusals. ---- */

/* Account 333333333333, in organization ORG, owns vpc-x, peered with
 * vpc-a, and in it the target tmt-x, which it shares with account
 * 111111111111 (STATUS); session tms-x mirrors eni-src to it. */
#define ACCOUNT_X(ORG, STATUS)                                          \
    "<account id=\"333333333333\" organization=\"" ORG "\">"            \
    "<vpc id=\"vpc-x\" cidr=\"10.9.0.0/16\">"                          \
    "<subnet id=\"subnet-x\" cidr=\"10.9.1.0/24\" "                     \
    "availability-zone=\"az1\" route-table=\"rtb-x\"/>"                 \
    "<route-table id=\"rtb-x\"/>"                                       \
    "<network-interface id=\"eni-x\" subnet=\"subnet-x\" "              \
    "ip=\"10.9.1.10\"/></vpc>"                                          \
    "<traffic-mirror-target id=\"tmt-x\" network-interface=\"eni-x\"/>" \
    "<resource-share id=\"rs-x\" resources=\"tmt-x\" "                  \
    "principals=\"111111111111\" status=\"" STATUS "\"/>"               \
    "</account>"
#define ROUTE_X "<route destination=\"10.9.0.0/16\" target=\"pcx-ax\"/>"
#define PEERING_AX                                                      \
    "<vpc-peering id=\"pcx-ax\" requester-vpc=\"vpc-a\" "               \
    "accepter-vpc=\"vpc-x\" status=\"active\"/>"                        \
    "<traffic-mirror-session id=\"tms-x\" network-interface=\"eni-src\" " \
    "traffic-mirror-target=\"tmt-x\" traffic-mirror-filter=\"tmf-1\" "    \
    "session-number=\"2\"/>"

static void
test_invalid_share(void)
{
    /* Another account's target needs a share, accepted across
     * organizations. */
    struct world pending = {
        .routes_a = ROUTE_X,
        .account = PEERING_AX,
        .accounts = ACCOUNT_X("o-2", "pending"),
    };
    EXPECT_SESSION(&pending, "tms-x", SIM_INVALID,
                   "SHARE_NOT_ACCEPTED@tmt-x",
                   "eni-src rtb-a pcx-ax eni-x");

    struct world accepted = {
        .routes_a = ROUTE_X,
        .account = PEERING_AX,
        .accounts = ACCOUNT_X("o-2", "accepted"),
    };
    EXPECT_SESSION(&accepted, "tms-x", SIM_REACHABLE, "",
                   "eni-src rtb-a pcx-ax eni-x");

    /* Within one organization, a pending share will do. */
    struct world same_org = {
        .routes_a = ROUTE_X,
        .account = PEERING_AX,
        .accounts = ACCOUNT_X("o-1", "pending"),
    };
    EXPECT_SESSION(&same_org, "tms-x", SIM_REACHABLE, "", NULL);
}

static void
test_invalid_not_shared(void)
{
    struct world w = {
        .routes_a = ROUTE_X,
        .account = PEERING_AX,
        .accounts = "<account id=\"333333333333\">"
                    "<vpc id=\"vpc-x\" cidr=\"10.9.0.0/16\">"
                    "<subnet id=\"subnet-x\" cidr=\"10.9.1.0/24\" "
                    "availability-zone=\"az1\" route-table=\"rtb-x\"/>"
                    "<route-table id=\"rtb-x\"/>"
                    "<network-interface id=\"eni-x\" subnet=\"subnet-x\" "
                    "ip=\"10.9.1.10\"/></vpc>"
                    "<traffic-mirror-target id=\"tmt-x\" "
                    "network-interface=\"eni-x\"/></account>",
    };

    EXPECT_SESSION(&w, "tms-x", SIM_INVALID, "TARGET_NOT_SHARED@tmt-x",
                   NULL);
}

static void
test_invalid_not_owner(void)
{
    /* A target may only be made of one's own interface. */
    struct world w = {
        .accounts = "<account id=\"333333333333\">"
                    "<traffic-mirror-target id=\"tmt-c\" "
                    "network-interface=\"eni-c\"/>"
                    "<traffic-mirror-filter id=\"tmf-c\"/>"
                    "<traffic-mirror-session id=\"tms-c\" "
                    "network-interface=\"eni-b\" "
                    "traffic-mirror-target=\"tmt-c\" "
                    "traffic-mirror-filter=\"tmf-c\" "
                    "session-number=\"1\"/></account>",
    };

    EXPECT_SESSION(&w, "tms-c", SIM_INVALID,
                   "NOT_OWNER@tmt-c NO_ROUTE_TO_DESTINATION@rtb-b", NULL);
}

static void
test_invalid_quota(void)
{
    /* A fourth session on one source. */
    struct world w = {
        .account = "<traffic-mirror-session id=\"tms-a\" "
                   "network-interface=\"eni-src\" "
                   "traffic-mirror-target=\"tmt-1\" "
                   "traffic-mirror-filter=\"tmf-1\" session-number=\"5\"/>"
                   "<traffic-mirror-session id=\"tms-b\" "
                   "network-interface=\"eni-src\" "
                   "traffic-mirror-target=\"tmt-1\" "
                   "traffic-mirror-filter=\"tmf-1\" session-number=\"6\"/>"
                   "<traffic-mirror-session id=\"tms-c\" "
                   "network-interface=\"eni-src\" "
                   "traffic-mirror-target=\"tmt-1\" "
                   "traffic-mirror-filter=\"tmf-1\" session-number=\"7\"/>",
    };

    EXPECT(&w, SIM_INVALID, "QUOTA_SESSIONS_PER_ENI@eni-src",
           "eni-src rtb-a sg-t eni-t");
}

static void
test_invalid_range_and_blocked(void)
{
    /* An invalid session is still checked: both kinds of reasons. */
    struct world w = {
        .sg_t = "",
        .session = "network-interface=\"eni-src\" session-number=\"40000\"",
    };

    EXPECT(&w, SIM_INVALID,
           "VALUE_OUT_OF_RANGE@tms-1 SG_HAS_NO_RULES@sg-t", NULL);
}

static void
test_invalid_source_is_target(void)
{
    struct world w = { .target = "network-interface=\"eni-src\"" };

    /* And sg-src, which lets nothing in, is now the target's. */
    EXPECT(&w, SIM_INVALID,
           "ENI_IS_SOURCE_AND_TARGET@eni-src SG_HAS_NO_RULES@sg-src", NULL);
}

static void
test_invalid_filter_rule(void)
{
    /* A filter rule the model refuses makes its sessions invalid. */
    struct world w = {
        .account = "<traffic-mirror-filter id=\"tmf-bad\">"
                   "<rule direction=\"ingress\" rule-number=\"1\" "
                   "rule-action=\"accept\" source-cidr=\"0.0.0.0/0\" "
                   "destination-cidr=\"::/0\"/></traffic-mirror-filter>"
                   "<traffic-mirror-session id=\"tms-2\" "
                   "network-interface=\"eni-t1\" "
                   "traffic-mirror-target=\"tmt-1\" "
                   "traffic-mirror-filter=\"tmf-bad\" "
                   "session-number=\"1\"/>",
    };
    char *xml = world_xml(&w);
    struct sim_topology *topo;
    struct sim_result r;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL_FATAL(error);
    sim_check_session(topo, shash_find_data(&topo->sessions_by_id, "tms-2"),
                      &r);
    CU_ASSERT_EQUAL(r.verdict, SIM_INVALID);
    CU_ASSERT_PTR_NOT_NULL(sim_result_find(&r, "CIDR_FAMILY_MISMATCH"));
    CU_ASSERT(sim_result_blocks(&r, "tmf-bad"));
    sim_result_destroy(&r);
    sim_topology_destroy(topo);
    free(xml);
}

/* ---- The loader's errors. ---- */

#define T(BODY)                                                         \
    "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"                 \
    "<account id=\"1\">\n"                                              \
    BODY                                                                \
    "</account>\n</topology>\n"
#define VPC_OPEN "<vpc id=\"vpc-a\" cidr=\"10.0.0.0/16\">\n"
#define SUBNET "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "                \
    "availability-zone=\"az1\" route-table=\"rtb\"/>\n"
#define RTB "<route-table id=\"rtb\"/>\n"

/* The values that the schema's patterns restrict are checked by the
 * loader apart (topology-schema.c: printable ASCII by hand, the rest by the
 * same expressions): each value is refused exactly when the pattern
 * refuses it, ASCII or not, at the limits of lengths and classes. */
static void
test_load_values_as_patterns(void)
{
    static const struct {
        const char *region;     /* A token. */
        const char *account;    /* An id. */
        bool ok;
    } cases[] = {
        { "us-east-1", "a", true },
        { "us-east-1", "A0.b_c:d/e-f", true },
        { "us-east-1", "-a", false },
        { "us-east-1", ".a", false },
        { "us-east-1", "a b", false },
        { "us-east-1", "a&#233;", false },
        { "us-east-1", "a&#9;b", false },
        { "r&#233;gion", "a", true },
        { "r&#xE000;", "a", false },    /* Private use: Co. */
        { "a b", "a", false },
        { "a&#160;b", "a", false },     /* No-break space: Z. */
        { "a&#x200B;b", "a", false },   /* Zero-width space: Cf. */
        { "a&#127;b", "a", false },     /* DEL: Cc. */
        { "!&quot;#$%&amp;'()*+,-./:;&lt;=>?@[\\]^_`{|}~", "a", true },
    };

    for (size_t i = 0; i <= ARRAY_SIZE(cases); i++) {
        /* And ids of 255 characters, the longest, and of 256. */
        for (size_t len = 255; len <= (i == ARRAY_SIZE(cases) ? 256 : 0);
             len++) {
            char *id = xmalloc(len + 1);

            memset(id, 'x', len);
            id[len] = '\0';
            char *xml = xasprintf("<topology xmlns=\"urn:ovs-tmirror:"
                                  "topology:1\"><account id=\"%s\"/>"
                                  "</topology>", id);
            struct sim_topology *topo;
            char *error = sim_topology_load_memory("t.xml", xml,
                                                   strlen(xml), &topo);

            CU_ASSERT((error == NULL) == (len == 255));
            free(error);
            sim_topology_destroy(topo);
            free(xml);
            free(id);
        }
        if (i == ARRAY_SIZE(cases)) {
            break;
        }

        char *xml = xasprintf("<topology xmlns=\"urn:ovs-tmirror:topology:1\" "
                              "region=\"%s\"><account id=\"%s\"/>"
                              "</topology>", cases[i].region,
                              cases[i].account);
        struct sim_topology *topo;
        char *error = sim_topology_load_memory("t.xml", xml, strlen(xml),
                                               &topo);

        if ((error == NULL) != cases[i].ok) {
            char *msg = xasprintf("%s: %s", xml,
                                  error ? error : "loads");
            CU_assertImplementation(false, __LINE__, msg, __FILE__, "",
                                    CU_FALSE);
            free(msg);
        } else if (error) {
            CU_ASSERT(strstr(error, "does not match the topology schema")
                      != NULL);
        }
        free(error);
        sim_topology_destroy(topo);
        free(xml);
    }
}

/* A load validates its document on a second thread while it reads it:
 * each document gets the same result as when the validation comes first,
 * on one thread, and the validation's refusal comes before the loader's,
 * even when the loader's problem comes first in the document (or the
 * loader reads what the schema required and is missing). */
static void
test_load_parallel_as_sequential(void)
{
#define ENI(SUBNET_ID) "<network-interface id=\"eni-a\" subnet=\"" \
    SUBNET_ID "\" ip=\"10.0.1.10\"/>\n"
#define BAD_ACCOUNT "</account>\n<account id=\"2\"><router/>\n"
    static const struct {
        const char *xml;
        const char *error;      /* Part of the error, or NULL if none. */
    } cases[] = {
        { T(VPC_OPEN SUBNET RTB ENI("s1") "</vpc>\n"), NULL },
        { T(VPC_OPEN SUBNET RTB ENI("s9") "</vpc>\n"), "no subnet \"s9\"" },
        { T(VPC_OPEN SUBNET RTB ENI("s9") "</vpc>\n" BAD_ACCOUNT),
          "t.xml:9: does not match the topology schema" },
        { T(VPC_OPEN SUBNET "<route-table/>\n" ENI("s1") "</vpc>\n"),
          "lacks the required attribute id" },
        { T(VPC_OPEN SUBNET RTB "<network-interface subnet=\"s1\"/>\n"
            "</vpc>\n"), "does not match the topology schema" },
        { T(VPC_OPEN SUBNET RTB "<security-group id=\"sg\"><rule/>"
            "</security-group>\n<network-acl id=\"acl\"><entry/>"
            "</network-acl>\n</vpc>\n<resource-share/>\n"
            "<resource-share/>\n"),
          "does not match the topology schema" },
    };
#undef ENI
#undef BAD_ACCOUNT

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *xml = cases[i].xml;
        struct sim_topology *topo[2];
        char *error[2];

        for (int parallel = 0; parallel < 2; parallel++) {
            sim_topology_set_parallel_load(parallel);
            error[parallel] = sim_topology_load_memory("t.xml", xml,
                                                       strlen(xml),
                                                       &topo[parallel]);
        }
        sim_topology_set_parallel_load(true);

        CU_ASSERT(nullable_string_is_equal(error[0], error[1]));
        if (cases[i].error) {
            CU_ASSERT(error[1] && strstr(error[1], cases[i].error));
        } else {
            CU_ASSERT(!error[1] && topo[0] && topo[1]
                      && topo[0]->n_enis == topo[1]->n_enis);
        }
        for (int j = 0; j < 2; j++) {
            free(error[j]);
            sim_topology_destroy(topo[j]);
        }
    }
}

static void
test_load_not_well_formed(void)
{
    EXPECT_LOAD_ERROR("<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                      "<account id=\"1\">\n<vpc id=\"a\" cidr=\"x\">\n"
                      "</account>\n</topology>\n", "t.xml:4: ",
                      "not well-formed");
}

static void
test_load_unknown_element(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "<router id=\"r\"/>\n</vpc>\n"),
                      "t.xml:6: ", "router");
}

static void
test_load_missing_attribute(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" "
                        "availability-zone=\"az1\" route-table=\"rtb\"/>\n"
                        RTB "</vpc>\n"),
                      "t.xml:4: ", "lacks the required attribute cidr");
}

static void
test_load_dangling_reference(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "availability-zone=\"az1\" route-table=\"rtb-x\"/>\n"
                        RTB "</vpc>\n"),
                      "t.xml:4: ", "rtb-x");
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "</vpc>\n"
                        "<traffic-mirror-target id=\"t\" "
                        "network-interface=\"eni-gone\"/>\n"),
                      "t.xml:7: ", "eni-gone");
    /* The right id, but of the wrong kind. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "availability-zone=\"az1\" route-table=\"s1\"/>\n"
                        RTB "</vpc>\n"),
                      "t.xml:4: ", "is a subnet");
}

static void
test_load_duplicate_id(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB
                        "<security-group id=\"s1\"/>\n</vpc>\n"),
                      "t.xml:6: ", "duplicate id \"s1\"");
}

static void
test_load_duplicate_address(void)
{
    /* Two interfaces of one VPC with one address; in two VPCs it is
     * fine. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB
                        "<network-interface id=\"e1\" subnet=\"s1\" "
                        "ip=\"10.0.1.5\"/>\n"
                        "<network-interface id=\"e2\" subnet=\"s1\" "
                        "ip=\"10.0.1.5\"/>\n</vpc>\n"),
                      "t.xml:7: ", "network-interface e2 has the address "
                      "of e1 (line 6) in vpc-a");

    const char *xml = T(VPC_OPEN SUBNET RTB
                        "<network-interface id=\"e1\" subnet=\"s1\" "
                        "ip=\"10.0.1.5\"/>\n</vpc>\n"
                        "<vpc id=\"vpc-b\" cidr=\"10.0.0.0/16\">\n"
                        "<subnet id=\"s2\" cidr=\"10.0.1.0/24\" "
                        "availability-zone=\"az1\" route-table=\"rtb2\"/>\n"
                        "<route-table id=\"rtb2\"/>\n"
                        "<network-interface id=\"e2\" subnet=\"s2\" "
                        "ip=\"10.0.1.5\"/>\n</vpc>\n");
    struct sim_topology *topo;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL(error);
    free(error);
    sim_topology_destroy(topo);
}

static void
test_load_malformed_cidr(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/33\" "
                        "availability-zone=\"az1\" route-table=\"rtb\"/>\n"
                        RTB "</vpc>\n"),
                      "t.xml:4: ", "10.0.1.0/33");
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "</vpc>\n"
                        "<traffic-mirror-filter id=\"f\">\n"
                        "<rule direction=\"ingress\" rule-number=\"1\" "
                        "rule-action=\"accept\" source-cidr=\"10.0.0.1/8\" "
                        "destination-cidr=\"0.0.0.0/0\"/>\n"
                        "</traffic-mirror-filter>\n"),
                      "t.xml:8: ", "10.0.0.1/8");
}

static void
test_load_malformed_ip(void)
{
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB
                        "<network-interface id=\"e\" subnet=\"s1\" "
                        "ip=\"10.0.1.300\"/>\n</vpc>\n"),
                      "t.xml:6: ", "10.0.1.300");
    /* Well formed, but outside its subnet. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB
                        "<network-interface id=\"e\" subnet=\"s1\" "
                        "ip=\"10.0.2.1\"/>\n</vpc>\n"),
                      "t.xml:6: ", "not in subnet s1");
}

static void
test_load_sharing(void)
{
    /* A participant may only use a subnet shared with it. */
    EXPECT_LOAD_ERROR("<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                      "<account id=\"1\">\n" VPC_OPEN SUBNET RTB "</vpc>\n"
                      "</account>\n<account id=\"2\">\n"
                      "<network-interface id=\"e\" subnet=\"s1\" "
                      "ip=\"10.0.1.5\"/>\n</account>\n</topology>\n",
                      "t.xml:9: ", "not shared with account 2");
}

static void
test_load_defaults(void)
{
    /* A subnet without a route table uses its VPC's first one, or one with
     * only the local routes; a load balancer without subnets has those of
     * its nodes; a peering without status is active. */
    static const char xml[] =
        "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
        "<account id=\"1\">\n"
        "<vpc id=\"vpc-a\" cidr=\"10.0.0.0/16\">\n"
        "<subnet id=\"s1\" cidr=\"10.0.1.0/24\"/>\n"
        "<network-interface id=\"e1\" subnet=\"s1\" ip=\"10.0.1.1\"/>\n"
        "<load-balancer id=\"nlb\"><node subnet=\"s1\" ip=\"10.0.1.5\"/>"
        "<listener protocol=\"udp\" port=\"4789\"/>"
        "<target network-interface=\"e1\"/></load-balancer>\n"
        "</vpc>\n"
        "<vpc id=\"vpc-b\" cidr=\"10.1.0.0/16\">\n"
        "<subnet id=\"s2\" cidr=\"10.1.1.0/24\" availability-zone=\"z\"/>\n"
        "<route-table id=\"rtb-b\"><route destination=\"10.0.0.0/16\" "
        "target=\"pcx\"/></route-table>\n"
        "<network-interface id=\"e2\" subnet=\"s2\" ip=\"10.1.1.1\"/>\n"
        "</vpc>\n"
        "<vpc-peering id=\"pcx\" requester-vpc=\"vpc-a\" "
        "accepter-vpc=\"vpc-b\"/>\n"
        "<traffic-mirror-target id=\"t\" network-load-balancer=\"nlb\"/>\n"
        "<traffic-mirror-filter id=\"f\"/>\n"
        "<traffic-mirror-session id=\"x\" network-interface=\"e2\" "
        "traffic-mirror-target=\"t\" traffic-mirror-filter=\"f\" "
        "session-number=\"1\"/>\n"
        "</account>\n</topology>\n";
    struct sim_topology *topo;
    struct sim_result r;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL_FATAL(error);
    const struct sim_subnet *s1 = shash_find_data(&topo->subnets_by_id, "s1");
    const struct sim_subnet *s2 = shash_find_data(&topo->subnets_by_id, "s2");
    CU_ASSERT_STRING_EQUAL(s1->route_table->id, "vpc-a/main");
    CU_ASSERT_EQUAL(s1->route_table->n_routes, 0);
    CU_ASSERT_STRING_EQUAL(s1->zone, "");
    CU_ASSERT_STRING_EQUAL(s2->route_table->id, "rtb-b");
    CU_ASSERT(topo->peerings[0]->active);
    CU_ASSERT_EQUAL(topo->nlbs[0]->n_subnets, 1);

    /* vpc-a's main route table has no route back to vpc-b, which a
     * one-way copy does not need. */
    sim_check_session(topo, topo->sessions[0], &r);
    CU_ASSERT_EQUAL(r.verdict, SIM_REACHABLE);
    sim_result_destroy(&r);
    sim_topology_destroy(topo);
}

static void
test_load_malformed_mac(void)
{
    /* A MAC address is read where it is written, and must be unicast. */
    static const char *bad[] = {
        "02:00:00:00:00", "02:00:00:00:00:01:02", "01:00:5e:00:00:01",
        "00:00:00:00:00:00", "mac",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *xml = xasprintf(T(VPC_OPEN SUBNET RTB
                                "<network-interface id=\"e\" subnet=\"s1\" "
                                "ip=\"10.0.1.5\" mac=\"%s\"/>\n</vpc>\n"),
                              bad[i]);
        char *text = xasprintf("network-interface mac: \"%s\" is not a "
                               "unicast MAC address", bad[i]);

        EXPECT_LOAD_ERROR(xml, "t.xml:6: ", text);
        free(text);
        free(xml);
    }

    static const char xml[] = T(VPC_OPEN SUBNET RTB
                                "<network-interface id=\"e\" subnet=\"s1\" "
                                "ip=\"10.0.1.5\" mac=\"02:00:00:0A:0b:0c\"/>"
                                "<network-interface id=\"f\" subnet=\"s1\" "
                                "ip=\"10.0.1.6\"/>\n</vpc>\n");
    struct eth_addr want = { .ea = { 0x02, 0, 0, 0x0a, 0x0b, 0x0c } };
    struct sim_topology *topo;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topo);
    CU_ASSERT(eth_addr_equals(topo->enis[0]->mac, want));
    CU_ASSERT(eth_addr_is_zero(topo->enis[1]->mac));
    sim_topology_destroy(topo);
}

static void
test_load_ok(void)
{
    static const char xml[] = T(VPC_OPEN SUBNET RTB "</vpc>\n");
    struct sim_topology *topo;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topo);
    CU_ASSERT_EQUAL(topo->n_vpcs, 1);
    CU_ASSERT_EQUAL(topo->subnets[0]->line, 4);
    sim_topology_destroy(topo);
}

static void
test_load_subnet_within_vpc(void)
{
    /* A subnet lies in one CIDR of its VPC, all of it. */
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/24\">\n"
                        "<cidr-block cidr=\"10.0.1.0/24\"/>\n"
                        "<subnet id=\"s1\" cidr=\"10.0.0.0/23\"/>\n"
                        "</vpc>\n"),
                      "t.xml:5: ", "10.0.0.0/23 is not within the CIDRs of v");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"10.0.128.0/20\"/>\n"
                        "</vpc>\n"),
                      "t.xml:4: ", "overlaps another CIDR of v");
}

/* Ids have one character set, and no value has white space or a control
 * character around or in it: the schema and the loader read values as
 * they are written, and nothing read from a file can forge a line of a
 * report. */
static void
test_load_strict_values(void)
{
    /* An id with a line break in it (written as a character reference). */
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1&#10;Session x: "
                        "reachable\" cidr=\"10.0.1.0/24\"/>\n</vpc>\n"),
                      "t.xml:4: ", "subnet id: \"s1\\nSession x: reachable\" "
                      "is not an id");
    /* Quotes, spaces, an empty id, one too long. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "<security-group "
                        "id=\"sg&quot;1\"/>\n</vpc>\n"),
                      "t.xml:6: ", "is not an id");
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "<security-group id=\"\"/>\n"
                        "</vpc>\n"),
                      "t.xml:6: ", "\"\" is not an id");
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "<security-group id=\"sg-"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789"
                        "0123456789012345\"/>\n</vpc>\n"),
                      "t.xml:6: ", "is not an id");

    /* White space around a reference, an integer, a name. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "route-table=\" rtb\"/>\n" RTB "</vpc>\n"),
                      "t.xml:4: ", "subnet route-table: \" rtb\" is not an "
                      "id");
    EXPECT_LOAD_ERROR("<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                      "<hypervisor id=\"hv\" bridge=\"br-int\" "
                      "underlay-ip=\"1.1.1.1\">\n"
                      "<port network-interface=\"e\" name=\"p\" "
                      "ofport=\" 7 \"/></hypervisor></topology>\n",
                      "t.xml:3: ", "port ofport: \" 7 \" is not an integer");
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "availability-zone=\"az1 \"/>\n</vpc>\n"),
                      "t.xml:4: ", "availability-zone: \"az1 \" has white "
                      "space around it");
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "availability-zone=\"az&#9;1\"/>\n</vpc>\n"),
                      "t.xml:4: ", "\"az\\t1\" has white space or a control "
                      "character in it");
    EXPECT_LOAD_ERROR(T("<traffic-mirror-filter id=\"f\" description=\"a"
                        "&#13;b\"/>\n"),
                      "t.xml:3: ", "description: \"a\\rb\" has a control "
                      "character in it");

    /* A list item with a quote in it, which used to make a stray warning
     * about an unterminated quoted string. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s1\" cidr=\"10.0.1.0/24\" "
                        "shared-with=\"2 &quot;3\"/>\n</vpc>\n"
                        "</account><account id=\"2\">\n"),
                      "t.xml:4: ", "subnet shared-with: \"\\\"3\" is not an "
                      "id");

    /* Lists take any XML white space between their items, as RelaxNG
     * lists do. */
    struct sim_topology *topo;
    static const char ok[] = T(VPC_OPEN "<subnet id=\"s1\" "
                               "cidr=\"10.0.1.0/24\" shared-with=\"&#9;2 \n"
                               "  3&#13;\"/>\n</vpc>\n</account>\n"
                               "<account id=\"2\"/><account id=\"3\">\n");
    char *error = sim_topology_load_memory("t.xml", ok, strlen(ok), &topo);

    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topo);
    CU_ASSERT_EQUAL(sset_count(&topo->subnets[0]->shared_with), 2);
    CU_ASSERT(sset_contains(&topo->subnets[0]->shared_with, "3"));
    sim_topology_destroy(topo);
    free(error);
}

/* Placements that cannot work: refused where the file says them. */
#define HV_ENI "<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n" \
    "<subnet id=\"s\" cidr=\"10.0.1.0/24\"/>\n" \
    "<network-interface id=\"e\" subnet=\"s\" ip=\"10.0.1.1\" " \
    "mac=\"02:00:00:00:00:01\"/>\n" \
    "<network-interface id=\"f\" subnet=\"s\" ip=\"10.0.1.2\"/>\n</vpc>\n"
#define HV(ATTRS, PORTS) \
    "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n" \
    "<account id=\"1\">\n" HV_ENI "</account>\n" \
    "<hypervisor id=\"hv\" bridge=\"br-int\" underlay-ip=\"1.1.1.1\"" \
    ATTRS ">\n" PORTS "</hypervisor>\n</topology>\n"

static void
test_load_placements(void)
{
    struct sim_topology *topo;
    static const char ok[] = HV("", "<port network-interface=\"e\" "
                                "name=\"p\"/>\n");
    char *error = sim_topology_load_memory("t.xml", ok, strlen(ok), &topo);

    CU_ASSERT_PTR_NULL_FATAL(error);
    CU_ASSERT_EQUAL(topo->hypervisors[0]->tunnel_port,
                    SIM_TUNNEL_PORT_DEFAULT);
    sim_topology_destroy(topo);

    EXPECT_LOAD_ERROR(HV("", "<port network-interface=\"e\" name=\"p\" "
                         "ofport=\"100\"/>\n"),
                      "t.xml:10: ", "port ofport: 100 is the tunnel port of "
                      "hypervisor hv");
    EXPECT_LOAD_ERROR(HV(" tunnel-port=\"1\"",
                         "<port network-interface=\"e\" name=\"p\"/>\n"),
                      "t.xml:10: ", "port ofport: 1 (the port's place, by "
                      "default) is the tunnel port");
    EXPECT_LOAD_ERROR(HV(" tunnel-port=\"65280\"", ""),
                      "t.xml:9: ", "tunnel-port: 65280 is not an OpenFlow "
                      "port number");
    EXPECT_LOAD_ERROR(HV("", "<port network-interface=\"e\" name=\"p\"/>\n"
                         "<port network-interface=\"e\" name=\"q\"/>\n"),
                      "t.xml:11: ", "e is already on a port of hypervisor "
                      "hv (line 10)");
    EXPECT_LOAD_ERROR(HV("", "<port network-interface=\"f\" name=\"p\"/>\n"),
                      "t.xml:10: ", "port network-interface: f (line 6) has "
                      "no mac");
}

/* AWS's limits on network objects. */
static void
test_load_aws_limits(void)
{
    /* VPC blocks: IPv4 /16 to /28. */
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"0.0.0.0/0\"/>\n"),
                      "t.xml:3: ", "vpc cidr: 0.0.0.0/0 is a /0, but an IPv4 "
                      "block of a VPC is /16 to /28");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/15\"/>\n"),
                      "t.xml:3: ", "is a /15");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/29\"/>\n"),
                      "t.xml:3: ", "is a /29");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"10.1.0.0/8\"/>\n</vpc>\n"),
                      "t.xml:4: ", "cidr-block cidr: \"10.1.0.0/8\" has host "
                      "bits set");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"10.0.0.0/8\"/>\n</vpc>\n"),
                      "t.xml:4: ", "is a /8, but an IPv4 block of a VPC");

    /* IPv6 VPC blocks: /44 to /60 by 4, global unicast or unique local. */
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"2001:db8::/64\"/>\n</vpc>\n"),
                      "t.xml:4: ", "is a /64, but an IPv6 block of a VPC is "
                      "/44 to /60, by steps of 4");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"2001:db8::/57\"/>\n</vpc>\n"),
                      "t.xml:4: ", "is a /57");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"::/56\"/>\n</vpc>\n"),
                      "t.xml:4: ", "::/56 is not a global unicast");

    /* IPv4-mapped IPv6 addresses would be taken for IPv4 ones: refused,
     * so that such a block cannot hide an overlap. */
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"::ffff:10.1.0.0/112\"/>\n"
                        "</vpc>\n"),
                      "t.xml:4: ", "is an IPv4-mapped IPv6 address: write "
                      "the IPv4 address 10.1.0.0");
    EXPECT_LOAD_ERROR(T(VPC_OPEN SUBNET RTB "<network-interface id=\"e\" "
                        "subnet=\"s1\" ip=\"::ffff:10.0.1.9\"/>\n</vpc>\n"),
                      "t.xml:6: ", "write the IPv4 address 10.0.1.9");

    /* Subnet blocks: IPv4 /16 to /28, IPv6 /44 to /64 by 4. */
    EXPECT_LOAD_ERROR(T(VPC_OPEN "<subnet id=\"s\" cidr=\"10.0.1.0/29\"/>\n"
                        "</vpc>\n"),
                      "t.xml:4: ", "subnet cidr: 10.0.1.0/29 is a /29, but "
                      "an IPv4 block of a subnet is /16 to /28");
    EXPECT_LOAD_ERROR(T("<vpc id=\"v\" cidr=\"10.0.0.0/16\">\n"
                        "<cidr-block cidr=\"2001:db8::/56\"/>\n"
                        "<subnet id=\"s\" cidr=\"2001:db8::/72\"/>\n"
                        "</vpc>\n"),
                      "t.xml:5: ", "is a /72, but an IPv6 block of a subnet "
                      "is /44 to /64");

    /* Counts: 41 ingress entries of a network ACL, 17 groups. */
    struct ds xml = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&xml, "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                "<account id=\"1\">\n" VPC_OPEN "<network-acl id=\"acl\">\n");
    for (int i = 1; i <= 41; i++) {
        ds_put_format(&xml, "<entry rule-number=\"%d\" direction=\"ingress\""
                      " rule-action=\"allow\" protocol=\"-1\" "
                      "cidr=\"0.0.0.0/0\"/>\n", i);
    }
    ds_put_cstr(&xml, "</network-acl>\n</vpc>\n</account>\n</topology>\n");
    EXPECT_LOAD_ERROR(ds_cstr(&xml), "t.xml:45: ", "network ACL acl has more "
                      "than the 40 ingress entries");

    ds_clear(&xml);
    ds_put_cstr(&xml, "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                "<account id=\"1\">\n" VPC_OPEN SUBNET RTB);
    for (int i = 1; i <= 17; i++) {
        ds_put_format(&xml, "<security-group id=\"sg%d\"/>\n", i);
    }
    ds_put_cstr(&xml, "<network-interface id=\"e\" subnet=\"s1\" "
                "ip=\"10.0.1.9\" security-groups=\"");
    for (int i = 1; i <= 17; i++) {
        ds_put_format(&xml, "sg%d ", i);
    }
    ds_put_cstr(&xml, "\"/>\n</vpc>\n</account>\n</topology>\n");
    EXPECT_LOAD_ERROR(ds_cstr(&xml), "t.xml:23: ", "network-interface e has "
                      "17 security groups, more than the 16");
    ds_destroy(&xml);
}

/* A document type could make an attribute read differently ("4&x;"):
 * refused, whatever it declares. */
static void
test_load_doctype(void)
{
    EXPECT_LOAD_ERROR("<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE topology [ <!ENTITY x \"789\"> ]>\n"
                      "<topology xmlns=\"urn:ovs-tmirror:topology:1\"/>\n",
                      "t.xml:2: ", "DOCTYPE: a topology file takes no "
                      "document type declaration");
    EXPECT_LOAD_ERROR("<!DOCTYPE topology SYSTEM \"t.dtd\">\n"
                      "<topology xmlns=\"urn:ovs-tmirror:topology:1\"/>\n",
                      "t.xml:1: ", "DOCTYPE");
    EXPECT_LOAD_ERROR("\n\n<!DOCTYPE topology>\n"
                      "<topology xmlns=\"urn:ovs-tmirror:topology:1\"/>\n",
                      "t.xml:3: ", "DOCTYPE");
}

static void
test_queries(void)
{
    struct world w = {
        .account = TGW(ASSOC, ASSOC, ""),
        .accounts = "<account id=\"222222222222\"/>",
    };
    char *xml = world_xml(&w);
    struct sim_topology *topo;
    char *error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);

    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topo);

    const struct sim_vpc *a = shash_find_data(&topo->vpcs_by_id, "vpc-a");
    const struct sim_vpc *b = shash_find_data(&topo->vpcs_by_id, "vpc-b");
    const struct sim_tgw *tgw = shash_find_data(&topo->tgws_by_id, "tgw-1");
    const struct sim_eni *eni = shash_find_data(&topo->enis_by_id, "eni-b");
    const struct sim_account *owner
        = shash_find_data(&topo->accounts_by_id, "111111111111");
    const struct sim_account *other
        = shash_find_data(&topo->accounts_by_id, "222222222222");

    CU_ASSERT_PTR_EQUAL(sim_vpc_cidr_of(b, &eni->ip), &b->cidrs[0]);
    CU_ASSERT_PTR_NULL(sim_vpc_cidr_of(a, &eni->ip));
    CU_ASSERT_PTR_EQUAL(sim_eni_vpc(eni), b);

    CU_ASSERT_STRING_EQUAL(sim_tgw_attachment_of(tgw, a)->id, "att-a");
    CU_ASSERT_STRING_EQUAL(sim_tgw_attachment_of(tgw, b)->id, "att-b");

    CU_ASSERT(sim_vpc_usable_by(topo, a, owner));
    CU_ASSERT(!sim_vpc_usable_by(topo, a, other));

    sim_topology_destroy(topo);
    free(xml);
}

/* ---- The report. ---- */

static void
test_report_json(void)
{
    struct world w = {
        .sg_t = "",
        .account = "<traffic-mirror-session id=\"tms-2\" "
                   "network-interface=\"eni-t1\" "
                   "traffic-mirror-target=\"tmt-1\" "
                   "traffic-mirror-filter=\"tmf-1\" session-number=\"1\"/>",
    };
    char *xml = world_xml(&w);
    struct sim_topology *topo;
    struct sim_report *report;
    char *error;

    error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);
    CU_ASSERT_PTR_NULL_FATAL(error);

    /* An unknown session is an error; known ones come in the order
     * asked. */
    char *bad[] = { "tms-nope" };
    error = sim_check(topo, bad, 1, &report);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_PTR_NULL(report);
    free(error);

    char *ids[] = { "tms-2", "tms-1" };
    error = sim_check(topo, ids, 2, &report);
    CU_ASSERT_PTR_NULL_FATAL(error);
    CU_ASSERT_EQUAL(sim_report_exit_status(report), 1);

    struct json *json = sim_report_to_json(report);
    struct json *sessions = shash_find_data(json_object(json), "sessions");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(json_object(json),
                                                       "topology")),
                           "t.xml");
    CU_ASSERT_EQUAL_FATAL(json_array(sessions)->n, 2);

    const struct shash *s = json_object(json_array(sessions)->elems[0]);
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(s, "id")), "tms-2");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(s, "verdict")),
                           "blocked");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(s, "source")),
                           "eni-t1");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(s, "target")),
                           "tmt-1");

    const struct json_array *path = json_array(shash_find_data(s, "path"));
    CU_ASSERT_EQUAL_FATAL(path->n, 4);
    const struct shash *hop = json_object(path->elems[1]);
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(hop, "component")),
                           "rtb-a");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(hop, "type")),
                           "route-table");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(hop, "route")),
                           "10.0.0.0/16");

    const struct json_array *ex = json_array(shash_find_data(s,
                                                             "explanations"));
    CU_ASSERT_EQUAL_FATAL(ex->n, 1);
    const struct shash *e = json_object(ex->elems[0]);
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(e, "code")),
                           "SG_HAS_NO_RULES");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(e, "component")),
                           "sg-t");
    CU_ASSERT_STRING_EQUAL(json_string(shash_find_data(e, "direction")),
                           "ingress");
    CU_ASSERT_PTR_NOT_NULL(strstr(json_string(shash_find_data(e, "detail")),
                                  "10.0.1.20"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json_string(shash_find_data(e, "fix")),
                                  "4789"));

    json_destroy(json);
    sim_report_destroy(report);
    sim_topology_destroy(topo);
    free(xml);
}

static void
test_report_text_and_html(void)
{
    struct world w = { .sg_t = "" };
    char *xml = world_xml(&w);
    struct ds text = DS_EMPTY_INITIALIZER;
    struct ds html = DS_EMPTY_INITIALIZER;
    struct sim_topology *topo;
    struct sim_report *report;
    char *error;

    error = sim_topology_load_memory("t.xml", xml, strlen(xml), &topo);
    CU_ASSERT_PTR_NULL_FATAL(error);
    error = sim_check(topo, NULL, 0, &report);
    CU_ASSERT_PTR_NULL_FATAL(error);

    sim_report_format_text(report, topo, &text);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&text), "Session tms-1: blocked"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&text), "sg-t (security-group, "
                                  "ingress)  <-- blocked"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&text), "fix: add to security "
                                  "group sg-t"));

    sim_report_format_html(report, topo, &html);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&html), "<svg"));
    /* The blocking component is drawn in red. */
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&html), "stroke=\"#d0021b\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&html), "SG_HAS_NO_RULES"));

    ds_destroy(&text);
    ds_destroy(&html);
    sim_report_destroy(report);
    sim_topology_destroy(topo);
    free(xml);
}

void
tm_test_add_sim_suites(void)
{
    static CU_TestInfo routes[] = {
        TEST(test_route_local),
        TEST(test_route_local_every_cidr),
        TEST(test_route_missing),
        TEST(test_route_longest_prefix),
        TEST(test_route_more_specific),
        TEST(test_route_to_gateway),
        TEST(test_route_to_eni),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo peering[] = {
        TEST(test_peering_active),
        TEST(test_peering_not_active),
        TEST(test_peering_not_transitive),
        TEST(test_peering_inactive_and_not_transitive),
        TEST(test_peering_overlap_refused),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo tgw[] = {
        TEST(test_tgw_propagated),
        TEST(test_tgw_static),
        TEST(test_tgw_missing_association),
        TEST(test_tgw_cannot_route),
        TEST(test_tgw_static_over_propagated),
        TEST(test_tgw_blackhole),
        TEST(test_tgw_longest_prefix),
        TEST(test_tgw_zone_restriction),
        TEST(test_tgw_zone_delivery),
        TEST(test_tgw_peering),
        TEST(test_tgw_peering_loop),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo sg[] = {
        TEST(test_sg_by_cidr),
        TEST(test_sg_all_protocols),
        TEST(test_sg_mismatch),
        TEST(test_sg_no_rules),
        TEST(test_sg_any_group_allows),
        TEST(test_sg_not_applied_to_source),
        TEST(test_sg_group_reference),
        TEST(test_sg_group_reference_not_member),
        TEST(test_sg_group_reference_peered),
        TEST(test_sg_group_reference_tgw),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo acl[] = {
        TEST(test_acl_allows),
        TEST(test_acl_first_match_wins),
        TEST(test_acl_implicit_deny),
        TEST(test_acl_both_sides),
        TEST(test_acl_stateless),
        TEST(test_acl_same_subnet),
        TEST(test_every_reason),
        TEST(test_consulted),
        TEST(test_codes),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo nlb[] = {
        TEST(test_nlb_same_zone),
        TEST(test_nlb_node_choice),
        TEST(test_nlb_listener),
        TEST(test_nlb_cross_zone),
        TEST(test_nlb_no_healthy_target),
        TEST(test_nlb_appliance_sg),
        TEST(test_nlb_appliance_acl),
        TEST(test_nlb_every_target),
        TEST(test_nlb_security_groups),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo invalid[] = {
        TEST(test_invalid_share),
        TEST(test_invalid_not_shared),
        TEST(test_invalid_not_owner),
        TEST(test_invalid_quota),
        TEST(test_invalid_range_and_blocked),
        TEST(test_invalid_source_is_target),
        TEST(test_invalid_filter_rule),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo load[] = {
        TEST(test_load_not_well_formed),
        TEST(test_load_unknown_element),
        TEST(test_load_missing_attribute),
        TEST(test_load_dangling_reference),
        TEST(test_load_duplicate_id),
        TEST(test_load_duplicate_address),
        TEST(test_load_malformed_cidr),
        TEST(test_load_malformed_ip),
        TEST(test_load_malformed_mac),
        TEST(test_load_sharing),
        TEST(test_load_defaults),
        TEST(test_load_ok),
        TEST(test_load_new_attributes),
        TEST(test_load_subnet_within_vpc),
        TEST(test_load_strict_values),
        TEST(test_load_values_as_patterns),
        TEST(test_load_doctype),
        TEST(test_load_placements),
        TEST(test_load_aws_limits),
        TEST(test_load_parallel_as_sequential),
        TEST(test_queries),
        CU_TEST_INFO_NULL,
    };
    static CU_TestInfo report[] = {
        TEST(test_report_json),
        TEST(test_report_text_and_html),
        CU_TEST_INFO_NULL,
    };

    tm_test_add_suite("sim-routes", routes, false);
    tm_test_add_suite("sim-peering", peering, false);
    tm_test_add_suite("sim-tgw", tgw, false);
    tm_test_add_suite("sim-sg", sg, false);
    tm_test_add_suite("sim-acl", acl, false);
    tm_test_add_suite("sim-nlb", nlb, false);
    tm_test_add_suite("sim-invalid", invalid, false);
    tm_test_add_suite("sim-load", load, false);
    tm_test_add_suite("sim-report", report, false);
}
