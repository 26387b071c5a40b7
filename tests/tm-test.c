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

#include <config.h>

#include "tm-test.h"

#include <CUnit/Basic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "random.h"
#include "util.h"

struct tm_model *tm_test_model;
struct tm_decision tm_test_decision;

static void
add_eni(const char *id, const char *owner, const char *subnet_owner,
        const char *ip, const char *vpc_cidr, const char *instance_type,
        int64_t mtu)
{
    struct tm_eni_spec spec = {
        .id = id,
        .owner = owner,
        .subnet_owner = subnet_owner,
        .ip = ip,
        .vpc_cidr = vpc_cidr,
        .instance_type = instance_type,
        .mtu = mtu,
    };

    TM_OK(tm_model_add_eni(tm_test_model, &spec));
}

void
tm_test_world_create(void)
{
    random_set_seed(42);
    tm_test_model = tm_model_create();
    TM_OK(tm_model_add_account(tm_test_model, ACCT_A, "o-1"));
    TM_OK(tm_model_add_account(tm_test_model, ACCT_B, "o-1"));
    TM_OK(tm_model_add_account(tm_test_model, ACCT_C, "o-2"));
    add_eni("eni-src", ACCT_A, NULL, "10.0.1.10", "10.0.0.0/16",
            "m5.large", TM_UNSET);
    add_eni("eni-src2", ACCT_A, NULL, "10.0.1.11", "10.0.0.0/16",
            "m5.large", TM_UNSET);
    add_eni("eni-src3", ACCT_A, NULL, "10.0.1.12", "10.0.0.0/16",
            "m5.large", TM_UNSET);
    add_eni("eni-t", ACCT_A, NULL, "10.0.2.20", "10.0.0.0/16",
            "c5.xlarge", 1500);
    add_eni("eni-t6", ACCT_A, NULL, "2001:db8::20", "10.0.0.0/16",
            "c5.xlarge", 1500);
    add_eni("eni-big", ACCT_A, NULL, "10.0.2.30", "10.0.0.0/16",
            "m5.24xlarge", 9001);
    add_eni("eni-part", ACCT_B, ACCT_A, "10.0.1.50", "10.0.0.0/16",
            "m5.large", TM_UNSET);
    add_eni("eni-b", ACCT_B, NULL, "10.1.0.10", "10.1.0.0/16",
            "m5.large", TM_UNSET);
    add_eni("eni-c", ACCT_C, NULL, "10.2.0.10", "10.2.0.0/16",
            "m5.large", TM_UNSET);
    TM_OK(tm_model_add_nlb(tm_test_model, "nlb-1", ACCT_A));
}

void
tm_test_world_destroy(void)
{
    tm_model_destroy(tm_test_model);
    tm_test_model = NULL;
}

void
tm_test_ok(struct tm_error *error, const char *expr, const char *file,
           int line)
{
    if (error) {
        char *s = tm_error_to_string(error);
        char *msg = xasprintf("%s failed: %s", expr, s);

        CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
        free(msg);
        free(s);
        tm_error_destroy(error);
    } else {
        CU_assertImplementation(CU_TRUE, line, expr, file, "", CU_FALSE);
    }
}

void
tm_test_err(struct tm_error *error, enum tm_error_code code,
            const char *field, const char *expr, const char *file, int line)
{
    char *msg;
    bool ok;

    if (!error) {
        msg = xasprintf("%s succeeded; expected %s", expr,
                        tm_error_code_name(code));
        ok = false;
    } else {
        char *s = tm_error_to_string(error);

        ok = (error->code == code
              && nullable_string_is_equal(error->field, field)
              && error->message[0]);
        msg = xasprintf("%s: expected %s on %s, got %s", expr,
                        tm_error_code_name(code), field ? field : "(none)",
                        s);
        free(s);
    }
    CU_assertImplementation(ok, line, msg, file, "", CU_FALSE);
    free(msg);
    tm_error_destroy(error);
}

void
tm_test_string_equal(const char *a, const char *b, const char *expr,
                     const char *file, int line)
{
    char *msg = xasprintf("%s: got \"%s\", expected \"%s\"", expr,
                          a ? a : "(null)", b ? b : "(null)");

    CU_assertImplementation(nullable_string_is_equal(a, b), line, msg, file,
                            "", CU_FALSE);
    free(msg);
}

struct tm_error *
tm_test_target(const char *caller, const char *id, const char *eni)
{
    struct tm_target_spec spec = { .id = id };

    if (!strncmp(eni, "nlb-", 4)) {
        spec.network_load_balancer_arn = eni;
    } else {
        spec.network_interface_id = eni;
    }
    return tm_create_target(tm_test_model, caller, &spec, NULL);
}

struct tm_error *
tm_test_filter(const char *caller, const char *id)
{
    struct tm_filter_spec spec = { .id = id };

    return tm_create_filter(tm_test_model, caller, &spec, NULL);
}

struct tm_error *
tm_test_rule(const char *caller, const char *filter, const char *direction,
             int64_t number, const char *action, const char *protocol,
             const char *src, const char *dst, const char *sports,
             const char *dports)
{
    struct tm_rule_spec spec = {
        .direction = direction,
        .rule_number = number,
        .action = action,
        .protocol = protocol,
        .source_cidr = src,
        .destination_cidr = dst,
        .source_port_range = sports,
        .destination_port_range = dports,
    };

    return tm_create_rule(tm_test_model, caller, filter, &spec, NULL);
}

struct tm_error *
tm_test_session(const char *caller, const char *id, const char *eni,
                const char *target, const char *filter, int64_t number)
{
    struct tm_session_spec spec = {
        .id = id,
        .network_interface_id = eni,
        .target_id = target,
        .filter_id = filter,
        .session_number = number,
        .vni = TM_UNSET,
        .packet_length = TM_UNSET,
    };

    return tm_create_session(tm_test_model, caller, &spec, NULL);
}

const char *
tm_test_mirrored_by(const char *eni, const char *packet_s)
{
    struct tm_packet packet;
    char *error = tm_packet_parse(packet_s, &packet);

    if (error) {
        CU_FAIL(error);
        free(error);
        return "(bad packet)";
    }
    tm_evaluate(tm_test_model, eni, &packet, &tm_test_decision);
    return (tm_test_decision.session ? tm_test_decision.session->id
            : NULL);
}

char *
tm_test_snapshot(void)
{
    const struct tm_target **targets;
    const struct tm_filter **filters;
    const struct tm_session **sessions;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;

    targets = tm_model_describe_targets(tm_test_model, NULL, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "target %s %s %s %s %"PRIuSIZE"\n", targets[i]->id,
                      targets[i]->owner, targets[i]->resource,
                      targets[i]->description, targets[i]->n_sessions);
    }
    free(targets);

    filters = tm_model_describe_filters(tm_test_model, NULL, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tm_filter *f = filters[i];

        ds_put_format(&s, "filter %s %s dns=%d %"PRIuSIZE"\n", f->id,
                      f->owner, f->amazon_dns, f->n_sessions);
        for (int d = 0; d < TM_N_DIRECTIONS; d++) {
            for (size_t j = 0; j < f->n_rules[d]; j++) {
                ds_put_format(&s, "  %s ", f->rules[d][j]->id);
                tm_rule_format(f->rules[d][j], &s);
                ds_put_format(&s, " \"%s\"\n", f->rules[d][j]->description);
            }
        }
    }
    free(filters);

    sessions = tm_model_describe_sessions(tm_test_model, NULL, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tm_session *x = sessions[i];

        ds_put_format(&s, "session %s %s %s %s %s %"PRIu16" %"PRIu32
                      " %"PRIu16" %d \"%s\"\n", x->id, x->owner, x->eni,
                      x->target_id, x->filter->id, x->number, x->vni,
                      x->packet_length, x->status, x->description);
    }
    free(sessions);
    return ds_steal_cstr(&s);
}

/* Adds a suite 'name' with 'tests'; if 'world' is true, each test runs in
 * a fresh world (tm_test_world_create()). */
void
tm_test_add_suite(const char *name, CU_TestInfo *tests, bool world)
{
    CU_pSuite suite = CU_add_suite_with_setup_and_teardown(
        name, NULL, NULL, world ? tm_test_world_create : NULL,
        world ? tm_test_world_destroy : NULL);

    for (CU_TestInfo *t = tests; t->pName; t++) {
        CU_add_test(suite, t->pName, t->pTestFunc);
    }
}

static int
run_selected(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        char *suite_name = xstrdup(argv[i]);
        char *test_name = strchr(suite_name, ':');
        CU_pSuite suite;

        if (test_name) {
            *test_name++ = '\0';
        }
        suite = CU_get_suite(suite_name);
        if (!suite) {
            ovs_error(0, "no suite \"%s\"", suite_name);
            free(suite_name);
            return -1;
        }
        if (test_name) {
            CU_pTest test = CU_get_test(suite, test_name);
            if (!test) {
                ovs_error(0, "no test \"%s\" in suite \"%s\"", test_name,
                          suite_name);
                free(suite_name);
                return -1;
            }
            CU_basic_run_test(suite, test);
        } else {
            CU_basic_run_suite(suite);
        }
        free(suite_name);
    }
    return 0;
}

/* Runs the suites that 'add_suites' registers, or with arguments only the
 * suites (or "SUITE:TEST" tests) they name, printing CUnit's verbose
 * report.  Returns the program's exit status: 0 if all passed, 1 if one
 * failed, 2 on bad usage. */
int
tm_test_main(int argc, char *argv[], void (*add_suites)(void))
{
    unsigned int failures;

    set_program_name(argv[0]);
    if (CU_initialize_registry() != CUE_SUCCESS) {
        ovs_error(0, "%s", CU_get_error_msg());
        return EXIT_FAILURE;
    }
    add_suites();
    if (CU_get_error() != CUE_SUCCESS) {
        ovs_error(0, "%s", CU_get_error_msg());
        return EXIT_FAILURE;
    }

    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (argc > 1) {
        if (run_selected(argc, argv)) {
            CU_cleanup_registry();
            return 2;
        }
    } else {
        CU_basic_run_tests();
    }
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
