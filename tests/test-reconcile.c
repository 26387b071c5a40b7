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

/* The reconciler's flow tables and differences, and the session cookies
 * of the compiler that they rely on. */

#include <config.h>

#include <CUnit/Basic.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/util.h"
#include "sset.h"
#include "tm-test.h"
#include "tm-test-compile.h"
#include "tmirror/compile.h"
#include "tmirror/model.h"
#include "tmirror/reconcile.h"
#include "packets.h"
#include "util.h"

#define COOKIE TM_COOKIE_DEFAULT

static void
put_flow(struct tm_flow_table *table, uint8_t table_id, uint16_t priority,
         uint16_t in_port, uint64_t cookie, uint16_t out_port)
{
    struct ofpbuf ofpacts;
    struct match match;

    match_init_catchall(&match);
    match_set_in_port(&match, u16_to_ofp(in_port));
    ofpbuf_init(&ofpacts, 64);
    if (out_port) {
        ofpact_put_OUTPUT(&ofpacts)->port = u16_to_ofp(out_port);
    }
    tm_flow_table_put(table, table_id, priority, &match, cookie,
                      ofpacts.data, ofpacts.size);
    ofpbuf_uninit(&ofpacts);
}

static void
test_diff(void)
{
    struct tm_flow_table desired, installed;
    struct tm_flow_diff diff;

    tm_flow_table_init(&desired);
    tm_flow_table_init(&installed);

    /* Nothing installed: everything is added. */
    put_flow(&desired, 200, 10, 1, COOKIE, 2);
    put_flow(&desired, 200, 10, 2, COOKIE, 3);
    put_flow(&desired, 201, 0, 1, COOKIE | 0x102, 0);
    tm_flow_diff_compute(&desired, &installed, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, 3);
    CU_ASSERT_EQUAL(tm_flow_diff_size(&diff), 3);
    tm_flow_diff_destroy(&diff);

    /* The same flows installed: nothing to do. */
    put_flow(&installed, 200, 10, 1, COOKIE, 2);
    put_flow(&installed, 200, 10, 2, COOKIE, 3);
    put_flow(&installed, 201, 0, 1, COOKIE | 0x102, 0);
    tm_flow_diff_compute(&desired, &installed, &diff);
    CU_ASSERT_EQUAL(tm_flow_diff_size(&diff), 0);
    tm_flow_diff_destroy(&diff);

    /* Other actions: a modify; another cookie: an add (that replaces);
     * a flow not desired: a delete; the same key put twice: one flow. */
    put_flow(&installed, 200, 10, 1, COOKIE, 9);
    put_flow(&installed, 201, 0, 1, COOKIE | 0x202, 0);
    put_flow(&installed, 202, 5, 7, COOKIE, 0);
    CU_ASSERT_EQUAL(tm_flow_table_count(&installed), 4);
    tm_flow_diff_compute(&desired, &installed, &diff);
    CU_ASSERT_EQUAL(diff.n_modifies, 1);
    CU_ASSERT_EQUAL(diff.n_adds, 1);
    CU_ASSERT_EQUAL(diff.n_deletes, 1);
    if (diff.n_modifies == 1 && diff.n_adds == 1 && diff.n_deletes == 1) {
        CU_ASSERT_EQUAL(diff.modifies[0]->table_id, 200);
        CU_ASSERT_EQUAL(diff.adds[0]->cookie, COOKIE | 0x102);
        CU_ASSERT_EQUAL(diff.deletes[0]->table_id, 202);
    }
    tm_flow_diff_destroy(&diff);

    /* The installed flows of one cookie, as text. */
    struct ds s = DS_EMPTY_INITIALIZER;
    tm_flow_table_format(&desired, COOKIE | 0x100, TM_COOKIE_OWNER_MASK
                         | TM_COOKIE_SESSION_MASK, &s);
    TM_ASSERT_STRING_EQUAL(ds_cstr(&s), "table=201, cookie=0x746d697200000102"
                           ", priority=0,in_port=1 actions=drop\n");
    ds_destroy(&s);

    tm_flow_table_destroy(&desired);
    tm_flow_table_destroy(&installed);
}

/* ---- Many sessions. ---- */

#define N_ENIS 100

static struct tm_eni_location *locs;
static struct tm_target_address nlb_address;

/* Makes N_ENIS ENIs with three sessions each, every session with a filter
 * of its own (one ingress and one egress rule, the egress one with port
 * ranges that make a conjunction), all to nlb-1. */
static void
make_sessions(void)
{
    locs = xcalloc(N_ENIS, sizeof *locs);
    TM_OK(tm_test_target(ACCT_A, "tmt-nlb", "nlb-1"));
    for (int i = 0; i < N_ENIS; i++) {
        char *eni = xasprintf("eni-%d", i);
        char *ip = xasprintf("10.0.%d.%d", 10 + i / 200, 1 + i % 200);
        struct tm_eni_spec spec = {
            .id = eni,
            .owner = ACCT_A,
            .ip = ip,
            .vpc_cidr = "10.0.0.0/16",
            .instance_type = "m5.large",
            .mtu = TM_UNSET,
        };

        TM_OK(tm_model_add_eni(tm_test_model, &spec));
        locs[i] = (struct tm_eni_location) {
            .eni = eni,
            .ofport = u16_to_ofp(i + 1),
            .mac = { .ea = { 0x02, 0, 0, 0, i >> 8, i } },
        };
        for (int j = 0; j < 3; j++) {
            char *filter = xasprintf("tmf-%d-%d", i, j);
            char *session = xasprintf("tms-%d-%d", i, j);

            TM_OK(tm_test_filter(ACCT_A, filter));
            TM_OK(tm_test_rule(ACCT_A, filter, "ingress", 10, "accept",
                               "tcp", "0.0.0.0/0", "0.0.0.0/0", NULL, "80"));
            TM_OK(tm_test_rule(ACCT_A, filter, "egress", 10, "accept",
                               "udp", "10.0.0.0/8", "0.0.0.0/0", "1-65534",
                               "1-65534"));
            TM_OK(tm_test_session(ACCT_A, session, eni, "tmt-nlb", filter,
                                  j + 1));
            free(filter);
            free(session);
        }
        free(ip);
    }
    nlb_address = (struct tm_target_address) { .target = "tmt-nlb" };
    nlb_address.ip = in6_addr_mapped_ipv4(htonl(0x0a000232));
}

static void
free_sessions(void)
{
    for (int i = 0; i < N_ENIS; i++) {
        free(CONST_CAST(char *, locs[i].eni));
    }
    free(locs);
}

static void
compile_metered(struct tm_flow_table *table, size_t n_sessions,
                const struct sset *metered, const struct tm_backend *backend)
{
    struct tm_compile_input input = {
        .model = tm_test_model,
        .enis = locs,
        .n_enis = N_ENIS,
        .targets = &nlb_address,
        .n_targets = 1,
        .metered_sessions = metered,
    };
    struct tm_compile_options options;
    struct tm_flows flows;

    tm_compile_options_init(&options);
    options.tunnel_port = OFP_PORT_C(1000);
    options.session_cookies = true;
    options.backend = backend;
    tm_flows_init(&flows);
    char *error = tm_compile(&input, &options, &flows);
    if (error) {
        CU_FAIL(error);
        free(error);
    }
    CU_ASSERT_EQUAL(flows.n_keys, n_sessions);
    tm_flow_table_from_flows(table, &flows);
    tm_flows_destroy(&flows);
}

static void
compile_all(struct tm_flow_table *table, size_t n_sessions)
{
    compile_metered(table, n_sessions, NULL, &tm_backend_native);
}

static uint32_t
cookie_key(uint64_t cookie)
{
    return (cookie & TM_COOKIE_SESSION_MASK) >> TM_COOKIE_SESSION_SHIFT;
}

static void
test_session_cookies(void)
{
    struct tm_flow_table table;
    const struct tm_flow *flow;
    size_t n_copies[4] = { 0 };
    size_t n_shared = 0;

    make_sessions();
    tm_flow_table_init(&table);
    compile_all(&table, 3 * N_ENIS);

    HMAP_FOR_EACH (flow, node, &table.flows) {
        bool copy = false;

        CU_ASSERT_EQUAL(flow->cookie & TM_COOKIE_OWNER_MASK,
                        TM_COOKIE_DEFAULT);
        const struct ofpact *a;

        OFPACT_FOR_EACH (a, flow->ofpacts, flow->ofpacts_len) {
            copy |= a->type == OFPACT_CLONE;
        }
        if (!cookie_key(flow->cookie)) {
            /* Flows for every session make no copy. */
            CU_ASSERT(!copy);
            CU_ASSERT_EQUAL(flow->cookie, TM_COOKIE_DEFAULT);
            n_shared++;
        } else {
            /* A session's flow makes a copy exactly when its cookie says
             * so. */
            CU_ASSERT_EQUAL(copy, (flow->cookie & TM_COOKIE_COPY) != 0);
            n_copies[flow->cookie & 3]++;
        }
    }
    CU_ASSERT(n_shared > 0);
    /* Per session: one ingress copy flow (tcp/80), one egress conj_id
     * flow that copies. */
    CU_ASSERT_EQUAL(n_copies[TM_COOKIE_COPY | TM_COOKIE_INGRESS],
                    3 * N_ENIS);
    CU_ASSERT_EQUAL(n_copies[TM_COOKIE_COPY], 3 * N_ENIS);
    tm_flow_table_destroy(&table);
    free_sessions();
}

/* One session changed among many: the difference is that session's
 * flows, no other's. */
static void
test_one_session_changes(void)
{
    struct tm_flow_table before, after;
    struct tm_flow_diff diff;
    uint32_t key = 0;

    make_sessions();
    tm_flow_table_init(&before);
    tm_flow_table_init(&after);
    compile_all(&before, 3 * N_ENIS);

    /* A rule more for the last session of an ENI (its slot keeps its
     * place, so only its own flows change). */
    TM_OK(tm_test_rule(ACCT_A, "tmf-42-2", "egress", 20, "reject", "icmp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    compile_all(&after, 3 * N_ENIS);
    tm_flow_diff_compute(&after, &before, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, 1);
    CU_ASSERT_EQUAL(diff.n_modifies, 0);
    CU_ASSERT_EQUAL(diff.n_deletes, 0);
    for (size_t i = 0; i < diff.n_adds; i++) {
        key = cookie_key(diff.adds[i]->cookie);
        CU_ASSERT_NOT_EQUAL(key, 0);
    }
    tm_flow_diff_destroy(&diff);

    /* Deleting that session removes its flows and changes the ENI's no
     * match flow of slot 2 (it no longer falls through to slot 3). */
    TM_OK(tm_delete_session(tm_test_model, ACCT_A, "tms-42-2"));
    compile_all(&before, 3 * N_ENIS - 1);
    tm_flow_diff_compute(&before, &after, &diff);
    CU_ASSERT(diff.n_deletes > 0);
    CU_ASSERT_EQUAL(diff.n_adds, 0);
    for (size_t i = 0; i < diff.n_deletes; i++) {
        uint32_t k = cookie_key(diff.deletes[i]->cookie);

        CU_ASSERT(k == key || diff.deletes[i]->priority == 0);
    }
    tm_flow_diff_destroy(&diff);

    tm_flow_table_destroy(&before);
    tm_flow_table_destroy(&after);
    free_sessions();
}

/* A rate-limited session's copies go through its meters, in the meter
 * table; no other session's flows change. */
static void
test_metered_session(void)
{
    struct tm_flow_table plain, metered;
    struct sset sessions = SSET_INITIALIZER(&sessions);
    struct tm_flow_diff diff;
    uint32_t key = 0;

    make_sessions();
    tm_flow_table_init(&plain);
    tm_flow_table_init(&metered);
    compile_metered(&plain, 3 * N_ENIS, NULL, &tm_backend_vxlan_mirror);
    sset_add(&sessions, "tms-7-1");
    compile_metered(&metered, 3 * N_ENIS, &sessions,
                    &tm_backend_vxlan_mirror);

    /* The accept flows of tms-7-1 (one per direction) change, and two
     * meter flows are added. */
    tm_flow_diff_compute(&metered, &plain, &diff);
    CU_ASSERT_EQUAL(diff.n_modifies, 2);
    CU_ASSERT_EQUAL(diff.n_adds, 2);
    CU_ASSERT_EQUAL(diff.n_deletes, 0);
    for (size_t i = 0; i < diff.n_modifies; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        const struct tm_flow *f = diff.modifies[i];

        key = cookie_key(f->cookie);
        tm_flow_table_format(&metered, f->cookie, UINT64_MAX, &s);
        CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "actions=clone(vxlan_mirror"
                                      "("));
        CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "),push:NXM_NX_REG6[],"
                                      "set_field:0x4"));
        CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "resubmit(,209))"));
        ds_destroy(&s);
    }
    for (size_t i = 0; i < diff.n_adds; i++) {
        const struct tm_flow *f = diff.adds[i];
        struct ds s = DS_EMPTY_INITIALIZER;
        uint32_t meter = tm_session_meter(key, f->cookie & TM_COOKIE_INGRESS
                                          ? TM_INGRESS : TM_EGRESS);
        char *expected = xasprintf("reg6=%#"PRIx32" actions=meter:%"PRIu32
                                   ",pop:NXM_NX_REG6[],set_field:8->in_port"
                                   ",NORMAL", meter, meter);

        CU_ASSERT_EQUAL(f->table_id, 209);
        CU_ASSERT_EQUAL(cookie_key(f->cookie), key);
        CU_ASSERT_FALSE(f->cookie & TM_COOKIE_COPY);
        tm_flow_table_format(&metered, f->cookie, UINT64_MAX, &s);
        CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), expected));
        free(expected);
        ds_destroy(&s);
    }
    tm_flow_diff_destroy(&diff);

    /* The native backend's copies are never metered. */
    compile_metered(&plain, 3 * N_ENIS, NULL, &tm_backend_native);
    compile_metered(&metered, 3 * N_ENIS, &sessions, &tm_backend_native);
    tm_flow_diff_compute(&metered, &plain, &diff);
    CU_ASSERT_EQUAL(tm_flow_diff_size(&diff), 0);
    tm_flow_diff_destroy(&diff);
    sset_destroy(&sessions);
    tm_flow_table_destroy(&plain);
    tm_flow_table_destroy(&metered);
    free_sessions();
}

static CU_TestInfo reconcile_tests[] = {
    TEST(test_diff),
    TEST(test_session_cookies),
    TEST(test_one_session_changes),
    TEST(test_metered_session),
    CU_TEST_INFO_NULL,
};

void
tm_test_add_reconcile_suites(void)
{
    tm_test_add_suite("reconcile", reconcile_tests, true);
}
