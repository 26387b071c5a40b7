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

/* Unit tests of the flow compiler: port ranges as prefixes, the flows and
 * their numbers, the text form against OVS's own parser, and the input the
 * model refuses before it can reach the compiler.  What the flows decide,
 * packet by packet, is proven in a sandbox (tests/sandbox-*.sh). */

#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/util.h"
#include "random.h"
#include "bitmap.h"
#include "sset.h"
#include "svec.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "tm-test.h"
#include "tm-test-compile.h"
#include "tmirror/compile.h"
#include "util.h"

/* Fails the current test with the run-time message 'MSG'. */
#define FAIL_MSG(MSG) \
    CU_assertImplementation(CU_FALSE, __LINE__, (MSG), __FILE__, "", CU_FALSE)

/* ---- Port ranges. ---- */

/* The fewest aligned blocks that cover exactly [from, to] of a 'width'-bit
 * field, by dynamic programming over every aligned block, independently of
 * the greedy algorithm under test: best[x] is the least number of blocks
 * that cover [x, to]. */
static size_t
brute_force_prefixes(uint32_t from, uint32_t to, unsigned int width)
{
    size_t n = (size_t) to - from + 2;
    size_t *best = xmalloc(n * sizeof *best);

    best[n - 1] = 0;
    for (size_t i = n - 1; i-- > 0;) {
        uint64_t x = from + i;

        best[i] = SIZE_MAX;
        for (unsigned int bits = 0; bits <= width; bits++) {
            uint64_t size = UINT64_C(1) << bits;

            if (x % size || x + size - 1 > to) {
                break;
            }
            size_t rest = best[i + size];
            if (rest != SIZE_MAX && rest + 1 < best[i]) {
                best[i] = rest + 1;
            }
        }
    }

    size_t result = best[0];
    free(best);
    return result;
}

/* Checks that 'prefixes' cover exactly [from, to] of a 'width'-bit field:
 * every value in it once, and no other value. */
static bool
covers_exactly(const struct tm_prefix *prefixes, size_t n, uint32_t from,
               uint32_t to, unsigned int width)
{
    uint64_t field_max = (UINT64_C(1) << width) - 1;

    for (uint64_t v = 0; v <= field_max; v++) {
        size_t hits = 0;

        for (size_t i = 0; i < n; i++) {
            hits += (v & prefixes[i].mask) == prefixes[i].value;
        }
        if (hits != (v >= from && v <= to)) {
            return false;
        }
    }
    return true;
}

static void
test_range_exhaustive(void)
{
    /* Every range of every width up to 8 bits. */
    size_t n_checked = 0, n_expected = 0;
    for (unsigned int width = 1; width <= 8; width++) {
        uint32_t max = (1u << width) - 1;

        n_expected += (size_t) (max + 1) * (max + 2) / 2;
        for (uint32_t from = 0; from <= max; from++) {
            for (uint32_t to = from; to <= max; to++) {
                struct tm_prefix prefixes[TM_MAX_PREFIXES(8)];
                size_t n = tm_range_to_prefixes(from, to, width, prefixes);

                if (n != brute_force_prefixes(from, to, width)
                    || n > TM_MAX_PREFIXES(width)
                    || !covers_exactly(prefixes, n, from, to, width)) {
                    char *msg = xasprintf("%u-bit range %"PRIu32"-%"PRIu32
                                          ": %"PRIuSIZE" prefixes, minimum "
                                          "%"PRIuSIZE, width, from, to, n,
                                          brute_force_prefixes(from, to,
                                                               width));
                    FAIL_MSG(msg);
                    free(msg);
                    return;
                }
                n_checked++;
            }
        }
    }
    CU_ASSERT_EQUAL(n_checked, n_expected);
}

static void
test_range_16bit(void)
{
    struct tm_prefix prefixes[TM_MAX_PORT_PREFIXES];

    /* The worst case, and the extremes. */
    CU_ASSERT_EQUAL(tm_range_to_prefixes(1, 65534, 16, prefixes), 30);
    CU_ASSERT(covers_exactly(prefixes, 30, 1, 65534, 16));
    CU_ASSERT_EQUAL(tm_range_to_prefixes(0, 65535, 16, prefixes), 1);
    CU_ASSERT_EQUAL(prefixes[0].mask, 0);
    CU_ASSERT_EQUAL(tm_range_to_prefixes(80, 80, 16, prefixes), 1);
    CU_ASSERT_EQUAL(prefixes[0].value, 80);
    CU_ASSERT_EQUAL(prefixes[0].mask, 0xffff);
    CU_ASSERT_EQUAL(tm_range_to_prefixes(1024, 65535, 16, prefixes), 6);
    CU_ASSERT_EQUAL(tm_range_to_prefixes(65535, 65535, 16, prefixes), 1);

    /* Seeded random ranges against the brute force. */
    random_set_seed(16);
    for (int i = 0; i < 100; i++) {
        uint32_t a = random_range(65536);
        uint32_t b = a + random_range(65536 - a);
        size_t n = tm_range_to_prefixes(a, b, 16, prefixes);

        CU_ASSERT(n <= TM_MAX_PORT_PREFIXES);
        CU_ASSERT_EQUAL(n, brute_force_prefixes(a, b, 16));
        if (i < 40) {
            CU_ASSERT(covers_exactly(prefixes, n, a, b, 16));
        }
    }
}

/* ---- Flows. ---- */

#define N_NEVER 23              /* Never-mirrored flows per direction. */
#define N_SERVICE 12            /* amazon-dns flows per session slot and
                                 * direction. */

static struct tm_flows flows;
static struct tm_compile_options opts;

static struct tm_eni_location src_loc = {
    .eni = "eni-src",
    .ofport = OFP_PORT_C(1),
    .mac = { .ea = { 0x02, 0, 0, 0, 0, 0x01 } },
};

/* Compiles the world's eni-src at port 1 and returns NULL or the error. */
static char *
compile_src(void)
{
    struct tm_compile_input input = {
        .model = tm_test_model,
        .enis = &src_loc,
        .n_enis = 1,
    };

    return tm_compile(&input, &opts, &flows);
}

static void
compile_setup(void)
{
    tm_test_world_create();
    tm_flows_init(&flows);
    tm_compile_options_init(&opts);
    opts.tunnel_port = OFP_PORT_C(100);
}

static void
compile_teardown(void)
{
    tm_flows_destroy(&flows);
    tm_test_world_destroy();
}

static size_t
count_flows(int table, int priority)
{
    size_t n = 0;

    for (size_t i = 0; i < flows.n; i++) {
        n += (flows.fms[i].table_id == table
              && (priority < 0 || flows.fms[i].priority == priority));
    }
    return n;
}

#define OK_COMPILE()                                            \
    do {                                                        \
        char *error_ = compile_src();                           \
        if (error_) {                                           \
            FAIL_MSG(error_);                                    \
            free(error_);                                       \
        }                                                       \
    } while (0)

/* The flows that every compile has: the never-mirrored types of both
 * directions, a hairpin flow per source, and for NORMAL pipelines the
 * entry, the prediction for broadcasts and one per source. */
static size_t
fixed_flows(size_t n_sources)
{
    return 2 * N_NEVER + 2 + 2 * n_sources;
}

static void
test_no_sessions(void)
{
    OK_COMPILE();
    /* No source has a session: only the never-mirrored flows, at the
     * top of the first session slots, and the entry with its multicast
     * prediction for no one. */
    CU_ASSERT_EQUAL(flows.n, fixed_flows(0));
    CU_ASSERT_EQUAL(flows.n_sessions, 0);
    CU_ASSERT_EQUAL(count_flows(201, 32768), N_NEVER);
    CU_ASSERT_EQUAL(count_flows(206, 32768), N_NEVER);
    CU_ASSERT_EQUAL(count_flows(0, 0), 1);
}

static void
test_flow_counts(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    /* 1 flow. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 10, "accept", "tcp",
                       "0.0.0.0/0", "10.0.1.10/32", NULL, "80"));
    /* 6 source prefixes x 1 destination: 6 flows. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 20, "reject", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", "1024-65535", "443"));
    /* 30 x 30 as a conjunction: 30 + 30 + 1 flows, not 900. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 10, "accept", "udp",
                       "10.0.0.0/8", "0.0.0.0/0", "1-65534", "1-65534"));
    /* 2 x 2 as a product (4 flows) is no more than 2 + 2 + 1. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 20, "accept", "udp",
                       "::/0", "::/0", "1-2", "1-2"));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));

    OK_COMPILE();
    CU_ASSERT_EQUAL(flows.n_sessions, 1);
    CU_ASSERT_EQUAL(flows.n_rules, 4);
    CU_ASSERT_EQUAL(count_flows(206, 32767 - 10), 1);
    CU_ASSERT_EQUAL(count_flows(206, 32767 - 20), 6);
    CU_ASSERT_EQUAL(count_flows(201, 32767 - 10), 61);
    CU_ASSERT_EQUAL(count_flows(201, 32767 - 20), 4);
    /* One session: no fall-through flows, no second slot. */
    CU_ASSERT_EQUAL(count_flows(201, 0), 0);
    CU_ASSERT_EQUAL(count_flows(202, -1), 0);
    CU_ASSERT_EQUAL(flows.n, fixed_flows(1) + 2 + 1 + 6 + 61 + 4);
}

static void
test_sessions_and_services(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-2"));
    TM_OK(tm_modify_filter_network_services(tm_test_model, ACCT_A, "tmf-2",
                                            "amazon-dns", NULL));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 5, "reject", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    /* Session numbers 7 and 3: slot 1 is session 3 (tmf-2). */
    TM_OK(tm_test_session(ACCT_A, "tms-a", "eni-src", "tmt-1", "tmf-1", 7));
    TM_OK(tm_test_session(ACCT_A, "tms-b", "eni-src", "tmt-1", "tmf-2", 3));

    OK_COMPILE();
    CU_ASSERT_EQUAL(flows.n_sessions, 2);
    /* Slot 1 (session 3): amazon-dns in both directions, then a
     * fall-through to slot 2. */
    CU_ASSERT_EQUAL(count_flows(201, 32767), N_SERVICE);
    CU_ASSERT_EQUAL(count_flows(206, 32767), N_SERVICE);
    CU_ASSERT_EQUAL(count_flows(201, 0), 1);
    CU_ASSERT_EQUAL(count_flows(206, 0), 1);
    /* Slot 2 (session 7): its reject rule, and nothing after it. */
    CU_ASSERT_EQUAL(count_flows(207, 32767 - 5), 1);
    CU_ASSERT_EQUAL(count_flows(207, -1), 1);
    CU_ASSERT_EQUAL(count_flows(202, -1), 0);

    struct ds s = DS_EMPTY_INITIALIZER;
    tm_flows_format(&flows, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "table=207, cookie="
                                  "0x746d697200000000, priority=32762,ip,"
                                  "reg6=0x1 actions=drop\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "priority=0,reg6=0x1 "
                                  "actions=resubmit(,207)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), ",udp,reg6=0x1,nw_dst="
                                  "10.0.0.2,tp_dst=53 actions=clone("));
    ds_destroy(&s);
}

static void
test_copy_actions(void)
{
    struct tm_session_spec spec = {
        .session_number = TM_UNSET,
        .packet_length = 100,
        .vni = TM_UNSET,
    };
    struct ds s = DS_EMPTY_INITIALIZER;

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 1, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));
    spec.vni = 4242;
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &spec, 0));

    OK_COMPILE();
    tm_flows_format(&flows, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "priority=32766,ip,in_port=1"
                                  " actions=clone(set_field:0x1092->tun_id,"
                                  "set_field:10.0.1.10->tun_src,set_field:"
                                  "10.0.2.20->tun_dst,output(port=100,"
                                  "max_len=100))\n"));

    /* Without a packet length, the MTU of eni-t (1500) less 54, plus the
     * inner Ethernet header. */
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &(struct
          tm_session_spec) { .vni = TM_UNSET, .packet_length = TM_UNSET,
                             .session_number = TM_UNSET },
                            TM_REMOVE_PACKET_LENGTH));
    OK_COMPILE();
    ds_clear(&s);
    tm_flows_format(&flows, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "max_len=1460))\n"));

    /* A load balancer is not capped: the whole packet. */
    struct tm_target_address nlb = { .target = "tmt-n" };
    in6_addr_set_mapped_ipv4(&nlb.ip, htonl(0x0a00031e));
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = &src_loc, .n_enis = 1,
        .targets = &nlb, .n_targets = 1,
    };
    TM_OK(tm_test_target(ACCT_A, "tmt-n", "nlb-1"));
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &(struct
          tm_session_spec) { .target_id = "tmt-n", .vni = TM_UNSET,
                             .packet_length = TM_UNSET,
                             .session_number = TM_UNSET }, 0));
    char *error = tm_compile(&input, &opts, &flows);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    ds_clear(&s);
    tm_flows_format(&flows, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "set_field:10.0.3.30->"
                                  "tun_dst,output:100)\n"));
    ds_destroy(&s);
}

static void
test_register_pipeline(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));
    opts.pipeline = TM_PIPELINE_REGISTER;
    opts.output_reg = 9;
    opts.table_base = 50;

    OK_COMPILE();
    tm_flows_format(&flows, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "table=54, cookie="
                                  "0x746d697200000000, priority=0 actions="
                                  "resubmit(,55),output:NXM_NX_REG9[0..15]"
                                  "\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "table=55, cookie="
                                  "0x746d697200000000, priority=20,reg9=0x1,"
                                  "in_port=1 actions=drop\n"));
    CU_ASSERT_PTR_NULL(strstr(ds_cstr(&s), "NORMAL"));
    CU_ASSERT_EQUAL(count_flows(0, -1), 0);
    ds_destroy(&s);
}

/* Returns true if 'a' and 'b' have the same actions in OpenFlow 1.5. */
static bool
same_openflow_actions(const struct ofputil_flow_mod *a,
                      const struct ofputil_flow_mod *b)
{
    struct ofpbuf wire_a, wire_b;
    bool same;

    ofpbuf_init(&wire_a, 0);
    ofpbuf_init(&wire_b, 0);
    ofpacts_put_openflow_actions(a->ofpacts, a->ofpacts_len, &wire_a,
                                 OFP15_VERSION);
    ofpacts_put_openflow_actions(b->ofpacts, b->ofpacts_len, &wire_b,
                                 OFP15_VERSION);
    same = (wire_a.size == wire_b.size
            && (!wire_a.size
                || !memcmp(wire_a.data, wire_b.data, wire_a.size)));
    ofpbuf_uninit(&wire_a);
    ofpbuf_uninit(&wire_b);
    return same;
}

/* Every flow's text, parsed by Open vSwitch's own parser, is the flow:
 * the same match, priority, table, cookie and, in OpenFlow, actions. */
static void
test_text_round_trip(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_modify_filter_network_services(tm_test_model, ACCT_A, "tmf-1",
                                            "amazon-dns", NULL));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 10, "accept", "udp",
                       "10.0.0.0/8", "0.0.0.0/0", "1000-2000", "3-60000"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 10, "reject", "58",
                       "2001:db8::/32", "::/0", NULL, NULL));
    /* A product of the two sides, one of them every port (no constraint)
     * and the other several prefixes, and the other way around. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 20, "reject", "tcp",
                       "10.0.0.0/8", "0.0.0.0/0", "0-65535", "1024-65535"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 20, "accept", "udp",
                       "0.0.0.0/0", "10.1.0.0/16", "1-1023", "53-53"));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 2));
    TM_OK(tm_test_session(ACCT_A, "tms-2", "eni-src", "tmt-1", "tmf-1", 1));

    for (int p = 0; p < 4; p++) {
        opts.pipeline = p % 2 ? TM_PIPELINE_REGISTER : TM_PIPELINE_NORMAL;
        opts.backend = p / 2 ? &tm_backend_vxlan_mirror : &tm_backend_native;
        OK_COMPILE();
        CU_ASSERT(flows.n > fixed_flows(1));
        for (size_t i = 0; i < flows.n; i++) {
            const struct ofputil_flow_mod *fm = &flows.fms[i];
            enum ofputil_protocol usable;
            struct ofputil_flow_mod parsed;
            struct ds s = DS_EMPTY_INITIALIZER;
            char *error;

            tm_flow_format(fm, &s);
            error = parse_ofp_flow_mod_str(&parsed, ds_cstr(&s), NULL, NULL,
                                           OFPFC_ADD, &usable);
            if (error) {
                char *msg = xasprintf("%s: %s", ds_cstr(&s), error);
                FAIL_MSG(msg);
                free(msg);
                free(error);
                ds_destroy(&s);
                return;
            }
            if (!minimatch_equal(&parsed.match, &fm->match)
                || parsed.priority != fm->priority
                || parsed.table_id != fm->table_id
                || parsed.new_cookie != fm->new_cookie
                || !same_openflow_actions(&parsed, fm)) {
                char *msg = xasprintf("\"%s\" parses to another flow",
                                      ds_cstr(&s));
                FAIL_MSG(msg);
                free(msg);
            }
            minimatch_destroy(&parsed.match);
            free(parsed.ofpacts);
            ds_destroy(&s);
        }
    }
}

/* Whether the transport port match of 'match' on one side ('dst' or not)
 * is one of the 'n' 'prefixes', a mask of 0 meaning every port. */
static bool
port_match_in(const struct match *match, bool dst,
              const struct tm_prefix *prefixes, size_t n)
{
    uint16_t value = ntohs(dst ? match->flow.tp_dst : match->flow.tp_src);
    uint16_t mask = ntohs(dst ? match->wc.masks.tp_dst
                          : match->wc.masks.tp_src);

    for (size_t i = 0; i < n; i++) {
        if (prefixes[i].mask == mask && prefixes[i].value == value) {
            return true;
        }
    }
    return false;
}

/* A rule's flows differ only in their ports, and the compiler makes them
 * so (see add_flow_ports()): each flow matches exactly its prefixes, every
 * pair of the product (or every prefix of a conjunction) once, and its
 * match is the one that Open vSwitch would build from the same fields. */
static void
test_port_flows(void)
{
    static const struct {
        int number;
        const char *proto, *src_ports, *dst_ports;
        uint16_t src_from, src_to, dst_from, dst_to;
        bool conjunction;
    } rules[] = {
        { 10, "tcp", "0-65535", "1024-65535", 0, 65535, 1024, 65535, false },
        { 20, "udp", "1-1023", "53-53", 1, 1023, 53, 53, false },
        { 30, "tcp", "1000-2000", "3-60000", 1000, 2000, 3, 60000, true },
    };

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    for (size_t r = 0; r < ARRAY_SIZE(rules); r++) {
        TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", rules[r].number,
                           r % 2 ? "reject" : "accept", rules[r].proto,
                           "10.0.0.0/8", "0.0.0.0/0", rules[r].src_ports,
                           rules[r].dst_ports));
    }
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));
    OK_COMPILE();

    for (size_t r = 0; r < ARRAY_SIZE(rules); r++) {
        struct tm_prefix src[TM_MAX_PORT_PREFIXES];
        struct tm_prefix dst[TM_MAX_PORT_PREFIXES];
        size_t n_src = tm_range_to_prefixes(rules[r].src_from,
                                            rules[r].src_to, 16, src);
        size_t n_dst = tm_range_to_prefixes(rules[r].dst_from,
                                            rules[r].dst_to, 16, dst);
        struct tm_prefix any = { 0, 0 };
        size_t n_flows = 0, n_pairs = 0;
        bool *seen = xcalloc(n_src * n_dst, sizeof *seen);

        for (size_t i = 0; i < flows.n; i++) {
            const struct ofputil_flow_mod *fm = &flows.fms[i];
            struct minimatch normal;
            struct match match;

            if (fm->table_id != opts.table_base + TM_TABLE_EGRESS_SESSION
                || fm->priority != 32767 - rules[r].number) {
                continue;
            }
            n_flows++;
            minimatch_expand(&fm->match, &match);
            minimatch_init(&normal, &match);
            CU_ASSERT(minimatch_equal(&normal, &fm->match));
            minimatch_destroy(&normal);
            if (match.wc.masks.conj_id) {
                continue;
            }
            if (rules[r].conjunction) {
                CU_ASSERT((port_match_in(&match, false, src, n_src)
                           && port_match_in(&match, true, &any, 1))
                          || (port_match_in(&match, false, &any, 1)
                              && port_match_in(&match, true, dst, n_dst)));
                continue;
            }
            for (size_t a = 0; a < n_src; a++) {
                for (size_t b = 0; b < n_dst; b++) {
                    if (port_match_in(&match, false, &src[a], 1)
                        && port_match_in(&match, true, &dst[b], 1)) {
                        CU_ASSERT(!seen[a * n_dst + b]);
                        seen[a * n_dst + b] = true;
                        n_pairs++;
                    }
                }
            }
        }
        if (rules[r].conjunction) {
            CU_ASSERT_EQUAL(n_flows, n_src + n_dst + 1);
        } else {
            CU_ASSERT_EQUAL(n_flows, n_src * n_dst);
            CU_ASSERT_EQUAL(n_pairs, n_src * n_dst);
        }
        free(seen);
    }
}

/* ---- Errors. ---- */

static void
assert_compile_error(const char *expected)
{
    char *error = compile_src();

    if (!error) {
        char *msg = xasprintf("no error; expected \"%s\"", expected);
        FAIL_MSG(msg);
        free(msg);
    } else if (!strstr(error, expected)) {
        char *msg = xasprintf("error \"%s\" lacks \"%s\"", error, expected);
        FAIL_MSG(msg);
        free(msg);
    }
    free(error);
    CU_ASSERT_EQUAL(flows.n, 0);
}

static void
test_compile_errors(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-6", "eni-t6"));
    TM_OK(tm_test_target(ACCT_A, "tmt-n", "nlb-1"));
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));

    /* An IPv4 source copying to an IPv6 target. */
    TM_OK(tm_test_session(ACCT_A, "tms-6", "eni-src", "tmt-6", "tmf-1", 1));
    assert_compile_error("session tms-6: COPY_FAMILY_MISMATCH: "
                         "traffic-mirror-target-id: the copies would go "
                         "from 10.0.1.10 (the source's address) to "
                         "2001:db8::20 (the target's)");
    TM_OK(tm_delete_session(tm_test_model, ACCT_A, "tms-6"));

    /* A load balancer whose address was not given. */
    TM_OK(tm_test_session(ACCT_A, "tms-n", "eni-src", "tmt-n", "tmf-1", 1));
    assert_compile_error("session tms-n: no address for target tmt-n");
    TM_OK(tm_delete_session(tm_test_model, ACCT_A, "tms-n"));

    /* Fewer bytes than output(max_len=...) can carry. */
    struct tm_session_spec spec = {
        .id = "tms-short", .network_interface_id = "eni-src",
        .target_id = "tmt-1", .filter_id = "tmf-1", .session_number = 1,
        .vni = TM_UNSET, .packet_length = 13,
    };
    TM_OK(tm_create_session(tm_test_model, ACCT_A, &spec, NULL));
    assert_compile_error("session tms-short: COPY_TOO_SHORT: "
                         "packet-length: a packet length of 13 is less "
                         "than the 14 bytes");

    /* No tunnel port for the native backend. */
    spec.packet_length = 14;
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-short", &(struct
          tm_session_spec) { .vni = TM_UNSET, .packet_length = 14,
                             .session_number = TM_UNSET }, 0));
    OK_COMPILE();
    opts.tunnel_port = OFPP_NONE;
    assert_compile_error("needs the OpenFlow port of a flow-based VXLAN");
    opts.tunnel_port = OFP_PORT_C(100);

    /* Options and locations. */
    opts.output_reg = 16;
    assert_compile_error("output register reg16");
    opts.output_reg = 6;
    opts.table_base = 250;
    assert_compile_error("table base 250");
    opts.table_base = 200;
    opts.entry_table = 203;
    assert_compile_error("entry table 203");
    opts.entry_table = 0;

    struct tm_eni_location locs[2] = { src_loc, src_loc };
    locs[1].eni = "eni-src2";
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = locs, .n_enis = 2,
    };
    char *error = tm_compile(&input, &opts, &flows);
    CU_ASSERT(error && strstr(error, "ENI eni-src and ENI eni-src2: both "
                              "on port 1"));
    free(error);
    locs[1].eni = "eni-nowhere";
    locs[1].ofport = OFP_PORT_C(2);
    error = tm_compile(&input, &opts, &flows);
    CU_ASSERT(error && strstr(error, "ENI eni-nowhere (port 2): no such "
                              "network interface"));
    free(error);
}

/* Bad input never reaches the compiler: the model refuses it first, and
 * what is compiled afterwards is what was accepted. */
static void
test_model_refuses_first(void)
{
    char *before;

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    for (int i = 1; i <= TM_MAX_RULES_PER_FILTER; i++) {
        TM_OK(tm_test_rule(ACCT_A, "tmf-1", i % 2 ? "ingress" : "egress",
                           i, "accept", "tcp", "0.0.0.0/0", "0.0.0.0/0",
                           NULL, "80"));
    }
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));
    OK_COMPILE();
    size_t n_flows = flows.n;
    CU_ASSERT_EQUAL(flows.n_rules, 10);

    before = tm_test_snapshot();
    TM_ERR(tm_test_rule(ACCT_A, "tmf-1", "ingress", 11, "accept", "tcp",
                        "0.0.0.0/0", "0.0.0.0/0", NULL, NULL),
           QUOTA_RULES_PER_FILTER, "traffic-mirror-filter-id");
    TM_ERR(tm_test_rule(ACCT_A, "tmf-1", "ingress", 11, "accept", "icmp",
                        "0.0.0.0/0", "0.0.0.0/0", NULL, "1-10"),
           PORT_RANGE_NOT_ALLOWED, "destination-port-range");
    TM_ERR(tm_test_rule(ACCT_A, "tmf-1", "ingress", 11, "accept", "tcp",
                        "0.0.0.0/0", "::/0", NULL, NULL),
           CIDR_FAMILY_MISMATCH, "destination-cidr-block");

    char *after = tm_test_snapshot();
    TM_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);

    OK_COMPILE();
    CU_ASSERT_EQUAL(flows.n, n_flows);
    CU_ASSERT_EQUAL(flows.n_rules, 10);
}

/* ---- The vxlan_mirror backend. ---- */

/* Compiles with 'input' (eni-src at port 1 if NULL) into 'flows' and
 * returns their text, or NULL after failing the test. */
static char *
compile_text(const struct tm_compile_input *input)
{
    struct tm_compile_input src_input = {
        .model = tm_test_model, .enis = &src_loc, .n_enis = 1,
    };
    char *error = tm_compile(input ? input : &src_input, &opts, &flows);
    struct ds s = DS_EMPTY_INITIALIZER;

    if (error) {
        FAIL_MSG(error);
        free(error);
        return NULL;
    }
    tm_flows_format(&flows, &s);
    return ds_steal_cstr(&s);
}

/* Asserts that 'text' (which it frees) has 'expected' in it. */
#define ASSERT_HAS(TEXT, EXPECTED)                                      \
    do {                                                                \
        char *text_ = (TEXT);                                           \
        if (!text_ || !strstr(text_, (EXPECTED))) {                     \
            char *msg_ = xasprintf("\"%s\" not in the flows:\n%s",     \
                                   (EXPECTED), text_ ? text_ : "");     \
            FAIL_MSG(msg_);                                             \
            free(msg_);                                                 \
        }                                                               \
        free(text_);                                                    \
    } while (0)

/* eni-src's one session, egress, accept all IPv4, to 'target'. */
static void
vxlan_mirror_world(const char *target, const char *resource,
                   int64_t packet_length)
{
    struct tm_session_spec spec = {
        .id = "tms-1", .network_interface_id = "eni-src",
        .target_id = target, .filter_id = "tmf-1", .session_number = 1,
        .vni = 4242, .packet_length = packet_length,
    };

    TM_OK(tm_test_target(ACCT_A, target, resource));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 1, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_create_session(tm_test_model, ACCT_A, &spec, NULL));
    opts.backend = &tm_backend_vxlan_mirror;
    opts.tunnel_port = OFPP_NONE;       /* Not needed. */
}

static void
test_vxlan_mirror_normal(void)
{
    vxlan_mirror_world("tmt-1", "eni-t", 100);

    /* The carried length as max_len: the packet length, below the cap of
     * eni-t's MTU. */
    ASSERT_HAS(compile_text(NULL), "priority=32766,ip,in_port=1 actions="
               "clone(vxlan_mirror(vni=4242,eth_src=02:00:00:00:00:01,"
               "eth_dst=02:00:00:00:00:fe,ipv4_src=10.0.1.10,ipv4_dst="
               "10.0.2.20,max_len=100,id=1597301361),"
               "set_field:1->in_port,NORMAL)\n");
    /* NORMAL pipelines need no copy mark: the copy never meets
     * ovs-tmirror's tables again. */
    CU_ASSERT_EQUAL(count_flows(200, 200), 0);
    CU_ASSERT_EQUAL(count_flows(205, 200), 0);
    /* The filter accepts only egress: the port's packets are dispatched
     * to its sessions as they leave it, not as they reach it. */
    CU_ASSERT_EQUAL(count_flows(200, 10), 1);
    CU_ASSERT_EQUAL(count_flows(205, 10), 0);
    CU_ASSERT_EQUAL(flows.n, fixed_flows(1) + 1 + 1);

    /* Without a packet length: the MTU's cap, 1500 - 54 + 14. */
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &(struct
          tm_session_spec) { .vni = TM_UNSET, .packet_length = TM_UNSET,
                             .session_number = TM_UNSET },
                            TM_REMOVE_PACKET_LENGTH));
    ASSERT_HAS(compile_text(NULL), "ipv4_dst=10.0.2.20,max_len=1460,"
               "id=1597301361),set_field:1->in_port,NORMAL)\n");

    /* Another router MAC, and eni-big (MTU 9001). */
    opts.router_mac = (struct eth_addr) { .ea = { 0x0a, 0, 0, 0, 0, 1 } };
    TM_OK(tm_test_target(ACCT_A, "tmt-big", "eni-big"));
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &(struct
          tm_session_spec) { .target_id = "tmt-big", .vni = TM_UNSET,
                             .packet_length = TM_UNSET,
                             .session_number = TM_UNSET }, 0));
    ASSERT_HAS(compile_text(NULL), "eth_dst=0a:00:00:00:00:01,ipv4_src="
               "10.0.1.10,ipv4_dst=10.0.2.30,max_len=8961,id=1597301361)");

    /* A target's own MAC (same subnet) wins over the router's; its
     * address stays the target's own when none is given. */
    struct tm_target_address next_hop = {
        .target = "tmt-big",
        .mac = { .ea = { 0x02, 0, 0, 0, 0x02, 0x30 } },
    };
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = &src_loc, .n_enis = 1,
        .targets = &next_hop, .n_targets = 1,
    };
    ASSERT_HAS(compile_text(&input), "eth_dst=02:00:00:00:02:30,ipv4_src="
               "10.0.1.10,ipv4_dst=10.0.2.30,max_len=8961,id=1597301361)");
}

static void
test_vxlan_mirror_nlb(void)
{
    /* A load balancer is not capped by an MTU (as tm_carried_length()
     * decides): no max_len, and with a packet length that one. */
    struct tm_target_address nlb = { .target = "tmt-n" };
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = &src_loc, .n_enis = 1,
        .targets = &nlb, .n_targets = 1,
    };

    in6_addr_set_mapped_ipv4(&nlb.ip, htonl(0x0a00031e));
    vxlan_mirror_world("tmt-n", "nlb-1", TM_UNSET);
    ASSERT_HAS(compile_text(&input), "ipv4_dst=10.0.3.30,id=1597301361),"
               "set_field:1->in_port,NORMAL)\n");
    TM_OK(tm_modify_session(tm_test_model, ACCT_A, "tms-1", &(struct
          tm_session_spec) { .vni = TM_UNSET, .packet_length = 8500,
                             .session_number = TM_UNSET }, 0));
    ASSERT_HAS(compile_text(&input), "ipv4_dst=10.0.3.30,max_len=8500,"
               "id=1597301361),set_field:1->in_port,NORMAL)\n");
}

static void
test_vxlan_mirror_register(void)
{
    vxlan_mirror_world("tmt-1", "eni-t", 128);
    opts.pipeline = TM_PIPELINE_REGISTER;

    /* The copy goes on at table 0, marked with reg7[0]; the egress and
     * ingress stages stop a marked packet before anything else. */
    char *text = compile_text(NULL);
    ASSERT_HAS(text ? xstrdup(text) : NULL, "max_len=128,"
               "id=1597301361),set_field:1->in_port,"
               "load:0x1->NXM_NX_REG7[0],"
               "resubmit(,0))\n");
    ASSERT_HAS(text ? xstrdup(text) : NULL, "table=200, cookie="
               "0x746d697200000000, priority=200,reg7=0x1/0x1 actions="
               "drop\n");
    ASSERT_HAS(text, "table=205, cookie=0x746d697200000000, priority=200,"
               "reg7=0x1/0x1 actions=drop\n");
    CU_ASSERT_EQUAL(count_flows(200, 200), 1);
    CU_ASSERT_EQUAL(count_flows(205, 200), 1);

    /* The native backend needs no mark: two flows fewer. */
    size_t n_vxlan = flows.n;
    opts.backend = &tm_backend_native;
    opts.tunnel_port = OFP_PORT_C(100);
    free(compile_text(NULL));
    CU_ASSERT_EQUAL(flows.n + 2, n_vxlan);
    CU_ASSERT_EQUAL(count_flows(200, 200), 0);

    /* Another mark and continue table. */
    opts.backend = &tm_backend_vxlan_mirror;
    opts.copy_mark_reg = 12;
    opts.copy_mark_bit = 31;
    opts.continue_table = 17;
    text = compile_text(NULL);
    ASSERT_HAS(text ? xstrdup(text) : NULL,
               "set_field:1->in_port,load:0x1->NXM_NX_REG12[31],"
               "resubmit(,17))\n");
    ASSERT_HAS(text, "priority=200,reg12=0x80000000/0x80000000 "
               "actions=drop\n");
}

static void
test_vxlan_mirror_ipv6(void)
{
    struct tm_eni_location loc6 = src_loc;
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = &loc6, .n_enis = 1,
    };

    /* eni-src copies from an IPv6 address of its own to eni-t6: 1500
     * less the 74 bytes of IPv6 encapsulation, plus the inner Ethernet
     * header, is below the packet length. */
    ovs_assert(ipv6_parse("2001:db8::10", &loc6.ip));
    vxlan_mirror_world("tmt-6", "eni-t6", 8500);
    ASSERT_HAS(compile_text(&input), "clone(vxlan_mirror(vni=4242,"
               "eth_src=02:00:00:00:00:01,eth_dst=02:00:00:00:00:fe,"
               "ipv6_src=2001:db8::10,ipv6_dst=2001:db8::20,max_len=1440,"
               "id=1597301361),set_field:1->in_port,NORMAL)\n");
}

/* Each session's copies count under an id derived from its session's id
 * (hash_string()), the same from one compilation to the next; colliding
 * hashes take the next free value. */
static void
test_vxlan_mirror_counters(void)
{
    struct tm_session_spec spec = {
        .network_interface_id = "eni-src", .target_id = "tmt-1",
        .filter_id = "tmf-1", .vni = 7, .packet_length = TM_UNSET,
    };

    vxlan_mirror_world("tmt-1", "eni-t", TM_UNSET);
    spec.id = "tms-2";
    spec.session_number = 2;
    TM_OK(tm_create_session(tm_test_model, ACCT_A, &spec, NULL));

    for (int i = 0; i < 2; i++) {
        char *text = compile_text(NULL);

        CU_ASSERT_EQUAL_FATAL(flows.n_counters, 2);
        CU_ASSERT_STRING_EQUAL(flows.counters[0].session, "tms-1");
        CU_ASSERT_EQUAL(flows.counters[0].id, 1597301361);
        CU_ASSERT_STRING_EQUAL(flows.counters[1].session, "tms-2");
        CU_ASSERT_EQUAL(flows.counters[1].id, 4104191257);
        ASSERT_HAS(text ? xstrdup(text) : NULL,
                   "# session tms-1: counters id=1597301361\n"
                   "# session tms-2: counters id=4104191257\n");
        ASSERT_HAS(text, "vni=7,eth_src=02:00:00:00:00:01,eth_dst="
                   "02:00:00:00:00:fe,ipv4_src=10.0.1.10,ipv4_dst="
                   "10.0.2.20,max_len=1460,id=4104191257)");
    }

    /* "tms-808" and "tms-61671" have the same hash, 387317056: the
     * session compiled second (by session number) takes 387317057. */
    TM_OK(tm_delete_session(tm_test_model, ACCT_A, "tms-1"));
    TM_OK(tm_delete_session(tm_test_model, ACCT_A, "tms-2"));
    spec.id = "tms-61671";
    spec.session_number = 1;
    TM_OK(tm_create_session(tm_test_model, ACCT_A, &spec, NULL));
    spec.id = "tms-808";
    spec.session_number = 2;
    TM_OK(tm_create_session(tm_test_model, ACCT_A, &spec, NULL));
    ASSERT_HAS(compile_text(NULL),
               "# session tms-61671: counters id=387317056\n"
               "# session tms-808: counters id=387317057\n");

    /* The native backend has no counters. */
    opts.backend = &tm_backend_native;
    opts.tunnel_port = OFP_PORT_C(100);
    char *text = compile_text(NULL);
    CU_ASSERT_EQUAL(flows.n_counters, 0);
    CU_ASSERT_PTR_NULL(text ? strstr(text, "# session") : "compiled");
    free(text);
}

static void
test_vxlan_mirror_errors(void)
{
    vxlan_mirror_world("tmt-1", "eni-t", TM_UNSET);
    OK_COMPILE();

    /* No MAC for the source ENI, or for the next hop. */
    src_loc.mac = eth_addr_zero;
    assert_compile_error("session tms-1: ENI eni-src has no MAC address");
    src_loc.mac = (struct eth_addr) { .ea = { 0x02, 0, 0, 0, 0, 0x01 } };
    opts.router_mac = eth_addr_zero;
    assert_compile_error("session tms-1: no next-hop MAC address for "
                         "target tmt-1");
    opts.router_mac = TM_ROUTER_MAC_DEFAULT;
    OK_COMPILE();

    /* The copy mark, and where the copy goes on (REGISTER pipelines). */
    opts.pipeline = TM_PIPELINE_REGISTER;
    opts.copy_mark_reg = 6;
    assert_compile_error("copy mark register reg6: not a register (0 to "
                         "15) other than the output register reg6");
    opts.copy_mark_reg = 16;
    assert_compile_error("copy mark register reg16");
    opts.copy_mark_reg = 7;
    opts.copy_mark_bit = 32;
    assert_compile_error("copy mark bit 32");
    opts.copy_mark_bit = 0;
    opts.continue_table = 205;
    assert_compile_error("continue table 205 is one of ovs-tmirror's "
                         "tables (200 to 209)");
    opts.continue_table = 0;
    OK_COMPILE();

    /* The native backend ignores all of that. */
    opts.backend = &tm_backend_native;
    opts.tunnel_port = OFP_PORT_C(100);
    opts.copy_mark_reg = 6;
    opts.continue_table = 205;
    OK_COMPILE();
}

/* An IPv6 target of MTU 70 leaves room for an inner IP packet of no bytes
 * (70 - 74, AWS's overhead), so for 10 bytes of the frame: fewer than
 * Open vSwitch carries, for either backend, and the refusal is
 * tm_check_copy()'s, which the simulator's check applies too. */
static void
test_mtu_smallest(void)
{
    struct tm_eni_spec tiny = {
        .id = "eni-tiny", .owner = ACCT_A, .ip = "2001:db8::74",
        .mtu = 70,
    };
    struct tm_eni_location loc6 = src_loc;
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = &loc6, .n_enis = 1,
    };

    ovs_assert(ipv6_parse("2001:db8::10", &loc6.ip));
    TM_OK(tm_model_add_eni(tm_test_model, &tiny));
    vxlan_mirror_world("tmt-tiny", "eni-tiny", TM_UNSET);
    for (int i = 0; i < 2; i++) {
        char *error;

        opts.backend = i ? &tm_backend_native : &tm_backend_vxlan_mirror;
        opts.tunnel_port = OFP_PORT_C(100);
        error = tm_compile(&input, &opts, &flows);
        CU_ASSERT(error && strstr(error, "session tms-1: COPY_TOO_SHORT: "
                                  "traffic-mirror-target-id: the MTU 70 of "
                                  "target tmt-tiny leaves room for 10 bytes "
                                  "of the frame"));
        free(error);
        CU_ASSERT_EQUAL(flows.n, 0);
    }
}

static void
test_backend_find(void)
{
    CU_ASSERT_PTR_EQUAL(tm_backend_find("native"), &tm_backend_native);
    CU_ASSERT_PTR_EQUAL(tm_backend_find("vxlan-mirror"),
                        &tm_backend_vxlan_mirror);
    CU_ASSERT_PTR_NULL(tm_backend_find("vxlan_mirror"));
    CU_ASSERT_PTR_NULL(tm_backend_find("auto"));
    CU_ASSERT(!tm_backend_native.reenters);
    CU_ASSERT(tm_backend_vxlan_mirror.reenters);
}

/* The probe, where no ovs-vswitchd is: false, with the reason. */
static void
test_probe_unreachable(void)
{
    static const char socket[] = "/nonexistent/ovs-vswitchd.ctl";
    char *why;

    CU_ASSERT(!tm_probe_vxlan_mirror(socket, "br-int", &why));
    CU_ASSERT(why && strstr(why, "cannot connect to "
                            "/nonexistent/ovs-vswitchd.ctl"));
    free(why);
}

/* A daemon that takes the connection but never answers: the probe gives
 * up after its timeout and says so. */
static void
test_probe_timeout(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char *dir = xasprintf("%s/tm-probe.XXXXXX", tmpdir ? tmpdir : "/tmp");
    struct pstream *listener;
    char *socket, *why;

    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    socket = xasprintf("%s/hung.ctl", dir);
    char *name = xasprintf("punix:%s", socket);
    CU_ASSERT_EQUAL_FATAL(pstream_open(name, &listener, DSCP_DEFAULT), 0);

    long long int start = time_msec();
    tm_probe_set_timeout(200);
    CU_ASSERT(!tm_probe_vxlan_mirror(socket, "br-int", &why));
    tm_probe_set_timeout(0);
    CU_ASSERT(time_msec() - start >= 200);
    CU_ASSERT(why && strstr(why, "did not answer dpif/show-dp-features "
                            "within 200 ms"));

    free(why);
    pstream_close(listener);
    unlink(socket);
    rmdir(dir);
    free(name);
    free(socket);
    free(dir);
}

/* ---- Broadcasts at scale. ---- */

/* Follows 'ofpacts' as Open vSwitch translates them for 'flow' (which
 * they change) through 'flows', and returns the resubmits it counts, as
 * ofproto-dpif-xlate.c does: every resubmit, even to a table that misses.
 * Only the actions that the compiled flows use for a packet that no rule
 * accepts are followed: register loads, resubmits and clone(). */
static size_t
trace_resubmits(const struct tm_flows *fl, const struct ofpact *ofpacts,
                size_t ofpacts_len, struct flow *flow)
{
    const struct ofpact *a;
    size_t n = 0;

    OFPACT_FOR_EACH (a, ofpacts, ofpacts_len) {
        if (a->type == OFPACT_SET_FIELD) {
            const struct ofpact_set_field *sf = ofpact_get_SET_FIELD(a);

            mf_set_flow_value_masked(sf->field, sf->value,
                                     ofpact_set_field_mask(sf), flow);
        } else if (a->type == OFPACT_RESUBMIT) {
            const struct ofputil_flow_mod *best = NULL;
            uint8_t table = ofpact_get_RESUBMIT(a)->table_id;

            for (size_t i = 0; i < fl->n; i++) {
                const struct ofputil_flow_mod *fm = &fl->fms[i];

                if (fm->table_id == table
                    && (!best || fm->priority > best->priority)
                    && minimatch_matches_flow(&fm->match, flow)) {
                    best = fm;
                }
            }
            n++;
            if (best) {
                n += trace_resubmits(fl, best->ofpacts, best->ofpacts_len,
                                     flow);
            }
        } else if (a->type == OFPACT_CLONE) {
            const struct ofpact_nest *clone = ofpact_get_CLONE(a);
            struct flow copy = *flow;

            n += trace_resubmits(fl, clone->actions,
                                 ofpact_nest_get_action_len(clone), &copy);
        }
    }
    return n;
}

/* Adds ENIs eni-fFIRST... ('n' of them), with a session of 'filter' each
 * (to a target for each 10 of them), and their locations from port 1000 to
 * 'locs'. */
static void
add_flood_enis(struct tm_eni_location *locs, size_t first, size_t n,
               const char *filter)
{
    for (size_t i = first; i < first + n; i++) {
        char *id = xasprintf("eni-f%"PRIuSIZE, i);
        char *ip = xasprintf("10.0.%"PRIuSIZE".%"PRIuSIZE,
                             100 + i / 250, 1 + i % 250);
        char *session = xasprintf("tms-f%"PRIuSIZE, i);
        struct tm_eni_spec spec = {
            .id = id, .owner = ACCT_A, .ip = ip, .vpc_cidr = "10.0.0.0/16",
            .instance_type = "m5.large", .mtu = TM_UNSET,
        };

        char *target = xasprintf("tmt-f%"PRIuSIZE, i / 10);

        TM_OK(tm_model_add_eni(tm_test_model, &spec));
        if (i % 10 == 0) {
            /* A network interface target takes 10 sources at most. */
            char *target_eni = xasprintf("eni-ft%"PRIuSIZE, i / 10);
            char *target_ip = xasprintf("10.0.%"PRIuSIZE".%"PRIuSIZE,
                                        200 + i / 2500, 1 + i / 10 % 250);
            struct tm_eni_spec target_spec = {
                .id = target_eni, .owner = ACCT_A, .ip = target_ip,
                .vpc_cidr = "10.0.0.0/16", .instance_type = "c5.xlarge",
                .mtu = 1500,
            };

            TM_OK(tm_model_add_eni(tm_test_model, &target_spec));
            TM_OK(tm_test_target(ACCT_A, target, target_eni));
            free(target_eni);
            free(target_ip);
        }
        TM_OK(tm_test_session(ACCT_A, session, id, target, filter, 1));
        free(target);
        locs[i] = (struct tm_eni_location) {
            .eni = id,
            .ofport = u16_to_ofp(1000 + i),
            .mac = { .ea = { 0x02, 0, 0, 0, (i >> 8) & 0xff, i & 0xff } },
        };
        free(ip);
        free(session);
    }
}

/* Frees 'locs' and their ENI ids. */
static void
free_locs(struct tm_eni_location *locs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(CONST_CAST(char *, locs[i].eni));
    }
    free(locs);
}

/* A broadcast on a bridge with thousands of mirrored ports: every flow
 * fits in an OpenFlow message (one flow that listed every port did not
 * beyond about 2,000 of them), only the ports with ingress sessions are
 * predicted delivered, and the compiler says how many resubmits the
 * broadcast's translation takes, which exceeds Open vSwitch's limit
 * here. */
static void
test_flood_scale(void)
{
    enum { N_IN = 2100, N_OUT = 300 };
    struct tm_eni_location *locs = xcalloc(N_IN + N_OUT, sizeof *locs);
    struct tm_compile_input input = {
        .model = tm_test_model, .enis = locs, .n_enis = N_IN + N_OUT,
    };
    size_t n_groups = DIV_ROUND_UP(N_IN, TM_FLOOD_PORTS_PER_FLOW);

    TM_OK(tm_test_filter(ACCT_A, "tmf-in"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-in", "ingress", 1, "accept", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_filter(ACCT_A, "tmf-out"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-out", "egress", 1, "accept", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    add_flood_enis(locs, 0, N_IN, "tmf-in");
    add_flood_enis(locs, N_IN, N_OUT, "tmf-out");

    char *error = tm_compile(&input, &opts, &flows);
    if (error) {
        FAIL_MSG(error);
        free(error);
        free_locs(locs, N_IN + N_OUT);
        return;
    }

    /* Every flow fits in an OpenFlow 1.5 message. */
    size_t max_size = 0;
    for (size_t i = 0; i < flows.n; i++) {
        struct ofpbuf *msg = ofputil_encode_flow_mod(&flows.fms[i],
                                                     OFPUTIL_P_OF15_OXM);

        max_size = MAX(max_size, msg->size);
        ofpbuf_delete(msg);
    }
    CU_ASSERT(max_size <= UINT16_MAX);

    /* The broadcast: one flow that resubmits to each group's flow. */
    CU_ASSERT_EQUAL(count_flows(204, 11), n_groups);
    CU_ASSERT_EQUAL(count_flows(204, 10), N_IN + N_OUT + 1);

    /* A UDP broadcast from the first egress-only port, which no rule
     * accepts: its egress dispatch and slot (2), the output stage (1),
     * its groups, and for each port with ingress sessions the ingress
     * dispatch and slot (2): the most that a broadcast takes here. */
    struct flow flow;
    memset(&flow, 0, sizeof flow);
    flow.in_port.ofp_port = locs[N_IN].ofport;
    flow.dl_src = locs[N_IN].mac;
    flow.dl_dst = eth_addr_broadcast;
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_proto = IPPROTO_UDP;
    flow.nw_src = htonl(0x0a00640a);
    flow.nw_dst = htonl(0xffffffff);
    flow.tp_src = flow.tp_dst = htons(9999);

    const struct ofputil_flow_mod *entry = &flows.fms[0];
    for (size_t i = 0; i < flows.n; i++) {
        if (flows.fms[i].table_id == 0) {
            entry = &flows.fms[i];
        }
    }
    size_t traced = trace_resubmits(&flows, entry->ofpacts,
                                    entry->ofpacts_len, &flow);
    CU_ASSERT_EQUAL(traced, 2 + 1 + n_groups + 2 * N_IN);
    CU_ASSERT_EQUAL(flows.max_resubmits, traced);

    /* From the first port, whose sessions mirror only ingress: no egress
     * slot (1), and its own port's hairpin flow stops its ingress (1). */
    flow.in_port.ofp_port = locs[0].ofport;
    flow.dl_src = locs[0].mac;
    CU_ASSERT_EQUAL(trace_resubmits(&flows, entry->ofpacts,
                                    entry->ofpacts_len, &flow),
                    1 + 1 + n_groups + 2 * N_IN - 1);
    CU_ASSERT(flows.max_resubmits > TM_OVS_MAX_RESUBMITS);
    free_locs(locs, N_IN + N_OUT);
}

/* ---- Compiling some network interfaces alone. ---- */

/* Appends to 'lines' the flows of 'fl', one line each, each after the
 * index of the ENI whose own flow it is ("-" for a shared one). */
static void
flows_to_owned_lines(const struct tm_flows *fl, struct svec *lines)
{
    for (size_t i = 0; i < fl->n; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;

        if (fl->eni_of[i] == SIZE_MAX) {
            ds_put_cstr(&s, "- ");
        } else {
            ds_put_format(&s, "%"PRIuSIZE" ", fl->eni_of[i]);
        }
        tm_flow_format(&fl->fms[i], &s);
        svec_add_nocopy(lines, ds_steal_cstr(&s));
    }
}

/* Are all of the flows of 'fl' the own flows of the ENI with index 'eni'
 * (SIZE_MAX: shared flows)? */
static bool
flows_are_of(const struct tm_flows *fl, size_t eni)
{
    for (size_t i = 0; i < fl->n; i++) {
        if (fl->eni_of[i] != eni) {
            return false;
        }
    }
    return true;
}

/* Is the key that 'part' gives each of its sessions the one in 'full'? */
static bool
keys_agree(const struct tm_flows *part, const struct tm_flows *full)
{
    for (size_t i = 0; i < part->n_keys; i++) {
        size_t j;

        for (j = 0; j < full->n_keys; j++) {
            if (!strcmp(part->keys[i].session, full->keys[j].session)) {
                break;
            }
        }
        if (j == full->n_keys || part->keys[i].key != full->keys[j].key) {
            return false;
        }
    }
    for (size_t i = 0; i < part->n_counters; i++) {
        size_t j;

        for (j = 0; j < full->n_counters; j++) {
            if (!strcmp(part->counters[i].session,
                        full->counters[j].session)) {
                break;
            }
        }
        if (j == full->n_counters
            || part->counters[i].id != full->counters[j].id) {
            return false;
        }
    }
    return true;
}

/* Stores in 'a' and 'b' two session ids whose hashes are the same in the
 * bits of a session key, so that the second compiled gets another key. */
static void
colliding_session_ids(char **a, char **b)
{
    struct id_hash {
        struct hmap_node node;
        int i;
    };
    struct hmap hashes = HMAP_INITIALIZER(&hashes);
    struct id_hash *ih;

    *a = *b = NULL;
    for (int i = 0; !*a; i++) {
        char *id = xasprintf("tms-c%d", i);
        uint32_t key = hash_string(id, 0) & TM_COOKIE_SESSION_MAX;

        HMAP_FOR_EACH_WITH_HASH (ih, node, key, &hashes) {
            *a = xasprintf("tms-c%d", ih->i);
            *b = xstrdup(id);
            break;
        }
        ih = xmalloc(sizeof *ih);
        ih->i = i;
        hmap_insert(&hashes, &ih->node, key);
        free(id);
    }
    HMAP_FOR_EACH_POP (ih, node, &hashes) {
        free(ih);
    }
    hmap_destroy(&hashes);
}

/* Random filters (some with amazon-dns, some with port ranges that make
 * conjunctions, some of one direction only) and sessions on 8 ports; the
 * first port's first session and the last port's first session have ids
 * whose keys collide. */
static void
random_world(struct tm_eni_location *locs, size_t n_locs, struct sset *metered)
{
    char *collide[2];

    colliding_session_ids(&collide[0], &collide[1]);
    static const char *protocols[] = { "6", "17", "-1" };
    static const char *cidrs[] = { "0.0.0.0/0", "10.0.0.0/8",
                                   "10.0.1.0/24" };
    static const char *ranges[] = { NULL, "80", "1-65534", "1024-65535" };

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_target(ACCT_A, "tmt-2", "eni-big"));
    for (int f = 0; f < 4; f++) {
        char *filter = xasprintf("tmf-%d", f);
        int n_rules = random_range(6);

        TM_OK(tm_test_filter(ACCT_A, filter));
        if (random_range(3) == 0) {
            TM_OK(tm_modify_filter_network_services(tm_test_model, ACCT_A,
                                                    filter, "amazon-dns",
                                                    NULL));
        }
        for (int r = 0; r < n_rules; r++) {
            const char *protocol = protocols[random_range(3)];
            bool ports = strcmp(protocol, "-1");

            TM_OK(tm_test_rule(ACCT_A, filter,
                               f == 3 ? "egress"
                               : random_range(2) ? "ingress" : "egress",
                               r + 1, random_range(3) ? "accept" : "reject",
                               protocol, cidrs[random_range(3)],
                               cidrs[random_range(3)],
                               ports ? ranges[random_range(4)] : NULL,
                               ports ? ranges[random_range(4)] : NULL));
        }
        free(filter);
    }
    for (size_t i = 0; i < n_locs; i++) {
        char *id = xasprintf("eni-p%"PRIuSIZE, i);
        char *ip = xasprintf("10.0.1.%"PRIuSIZE, 100 + i);
        struct tm_eni_spec spec = {
            .id = id, .owner = ACCT_A, .ip = ip, .vpc_cidr = "10.0.0.0/16",
            .instance_type = "m5.large", .mtu = TM_UNSET,
        };
        bool collides = i == 0 || i == n_locs - 1;
        int n_sessions = collides ? 1 + random_range(3) : random_range(4);

        TM_OK(tm_model_add_eni(tm_test_model, &spec));
        for (int j = 0; j < n_sessions; j++) {
            char *session = (collides && !j
                             ? xstrdup(collide[i > 0])
                             : xasprintf("tms-p%"PRIuSIZE"-%d", i, j));
            char *filter = xasprintf("tmf-%d", (int) random_range(4));

            TM_OK(tm_test_session(ACCT_A, session, id,
                                  random_range(2) ? "tmt-1" : "tmt-2",
                                  filter, 1 + random_range(100) * 3 + j));
            if (random_range(2)) {
                sset_add(metered, session);
            }
            free(session);
            free(filter);
        }
        locs[i] = (struct tm_eni_location) {
            .eni = id,
            .ofport = u16_to_ofp(1 + i),
            .mac = { .ea = { 0x02, 0, 0, 0, 1, 1 + i } },
        };
        free(ip);
    }
    free(collide[0]);
    free(collide[1]);
}

/* Over random inputs, the shared flows and each port's flows, compiled
 * alone, are exactly the flows of a full compile, with the same session
 * keys and counter ids, and the full compile says whose flows they are
 * (struct tm_flows's 'eni_of'); and so is any subset of ports. */
static void
test_compile_alone(void)
{
    enum { N_LOCS = 8 };
    struct tm_flows part;

    tm_flows_init(&part);
    for (int round = 0; round < 40; round++) {
        struct tm_eni_location locs[N_LOCS];
        struct sset metered = SSET_INITIALIZER(&metered);
        unsigned long *only = bitmap_allocate(N_LOCS);
        struct tm_compile_input input = {
            .enis = locs, .n_enis = N_LOCS, .metered_sessions = &metered,
        };
        struct svec full_lines = SVEC_EMPTY_INITIALIZER;
        struct svec part_lines = SVEC_EMPTY_INITIALIZER;
        char *error;

        tm_test_world_destroy();
        tm_test_world_create();
        random_set_seed(round + 1);
        random_world(locs, N_LOCS, &metered);
        input.model = tm_test_model;
        opts.backend = (round % 2 ? &tm_backend_vxlan_mirror
                        : &tm_backend_native);
        opts.tunnel_port = round % 2 ? OFPP_NONE : OFP_PORT_C(100);
        opts.pipeline = (round % 4 < 2 ? TM_PIPELINE_NORMAL
                         : TM_PIPELINE_REGISTER);
        opts.session_cookies = true;

        error = tm_compile(&input, &opts, &flows);
        if (error) {
            FAIL_MSG(error);
            free(error);
        }
        flows_to_owned_lines(&flows, &full_lines);

        /* The shared flows, then each port alone. */
        input.only = only;
        input.shared = true;
        error = tm_compile(&input, &opts, &part);
        CU_ASSERT_PTR_NULL(error);
        free(error);
        CU_ASSERT_EQUAL(part.max_resubmits, flows.max_resubmits);
        CU_ASSERT(flows_are_of(&part, SIZE_MAX));
        flows_to_owned_lines(&part, &part_lines);
        input.shared = false;
        for (size_t i = 0; i < N_LOCS; i++) {
            bitmap_set1(only, i);
            error = tm_compile(&input, &opts, &part);
            CU_ASSERT_PTR_NULL(error);
            free(error);
            CU_ASSERT(keys_agree(&part, &flows));
            CU_ASSERT(flows_are_of(&part, i));
            flows_to_owned_lines(&part, &part_lines);
            bitmap_set0(only, i);
        }
        svec_sort(&full_lines);
        svec_sort(&part_lines);
        CU_ASSERT(svec_equal(&full_lines, &part_lines));

        /* All ports with the shared flows, as one partial compile. */
        svec_clear(&part_lines);
        bitmap_set_multiple(only, 0, N_LOCS, true);
        input.shared = true;
        error = tm_compile(&input, &opts, &part);
        CU_ASSERT_PTR_NULL(error);
        free(error);
        flows_to_owned_lines(&part, &part_lines);
        svec_sort(&part_lines);
        CU_ASSERT(svec_equal(&full_lines, &part_lines));
        CU_ASSERT(keys_agree(&part, &flows) && keys_agree(&flows, &part));

        for (size_t i = 0; i < N_LOCS; i++) {
            free(CONST_CAST(char *, locs[i].eni));
        }
        svec_destroy(&full_lines);
        svec_destroy(&part_lines);
        bitmap_free(only);
        sset_destroy(&metered);
    }
    tm_flows_destroy(&part);

    /* Without session cookies, conjunction ids depend on what was
     * compiled before: refused. */
    struct tm_compile_input input = { .model = tm_test_model };
    unsigned long only = 0;
    char *error;

    input.only = &only;
    opts.session_cookies = false;
    error = tm_compile(&input, &opts, &flows);
    CU_ASSERT(error && strstr(error, "needs session cookies"));
    free(error);
}

static CU_TestInfo range_tests[] = {
    TEST(test_range_exhaustive),
    TEST(test_range_16bit),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo compile_tests[] = {
    TEST(test_no_sessions),
    TEST(test_flow_counts),
    TEST(test_port_flows),
    TEST(test_sessions_and_services),
    TEST(test_copy_actions),
    TEST(test_register_pipeline),
    TEST(test_text_round_trip),
    TEST(test_compile_errors),
    TEST(test_model_refuses_first),
    TEST(test_vxlan_mirror_normal),
    TEST(test_vxlan_mirror_nlb),
    TEST(test_vxlan_mirror_register),
    TEST(test_vxlan_mirror_ipv6),
    TEST(test_vxlan_mirror_counters),
    TEST(test_vxlan_mirror_errors),
    TEST(test_mtu_smallest),
    TEST(test_flood_scale),
    TEST(test_compile_alone),
    TEST(test_backend_find),
    TEST(test_probe_unreachable),
    TEST(test_probe_timeout),
    CU_TEST_INFO_NULL,
};

void
tm_test_add_compile_suites(void)
{
    tm_test_add_suite("port-ranges", range_tests, false);

    CU_pSuite suite = CU_add_suite_with_setup_and_teardown(
        "compile", NULL, NULL, compile_setup, compile_teardown);
    for (CU_TestInfo *t = compile_tests; t->pName; t++) {
        CU_add_test(suite, t->pName, t->pTestFunc);
    }
}
