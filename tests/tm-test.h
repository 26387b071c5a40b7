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

#ifndef TM_TEST_H
#define TM_TEST_H 1

/* Helpers shared by the CUnit suites. */

#include <CUnit/CUnit.h>
#include <stdbool.h>

#include "tmirror/error.h"
#include "tmirror/evaluate.h"
#include "tmirror/model.h"

/* The world of most tests (see tm-test.c):
 *
 *   account A "111111111111" and B "222222222222" in organization o-1,
 *   account C "333333333333" in organization o-2;
 *   A's VPC 10.0.0.0/16 holds eni-src (10.0.1.10), eni-src2 (10.0.1.11),
 *   eni-src3 (10.0.1.12), eni-t (10.0.2.20, MTU 1500), eni-t6
 *   (2001:db8::20, MTU 1500) and eni-big (10.0.2.30, m5.24xlarge, MTU
 *   9001); eni-part (10.0.1.50) belongs to B in a subnet of A (VPC
 *   sharing); eni-b (10.1.0.10) is B's and eni-c (10.2.0.10) is C's;
 *   nlb-1 is A's network load balancer. */
#define ACCT_A "111111111111"
#define ACCT_B "222222222222"
#define ACCT_C "333333333333"

extern struct tm_model *tm_test_model;

void tm_test_world_create(void);
void tm_test_world_destroy(void);

/* Checks that 'error' is NULL; if not, prints it and fails the test. */
#define TM_OK(EXPR) tm_test_ok((EXPR), #EXPR, __FILE__, __LINE__)
void tm_test_ok(struct tm_error *, const char *expr, const char *file,
                int line);

/* Checks that 'error' has 'code' and names 'field' (NULL: no field), and
 * frees it. */
#define TM_ERR(EXPR, CODE, FIELD) \
    tm_test_err((EXPR), TM_ERR_##CODE, (FIELD), #EXPR, __FILE__, __LINE__)
void tm_test_err(struct tm_error *, enum tm_error_code, const char *field,
                 const char *expr, const char *file, int line);

/* Creating objects in tm_test_model. */
struct tm_error *tm_test_target(const char *caller, const char *id,
                                const char *eni);
struct tm_error *tm_test_filter(const char *caller, const char *id);
struct tm_error *tm_test_rule(const char *caller, const char *filter,
                              const char *direction, int64_t number,
                              const char *action, const char *protocol,
                              const char *src, const char *dst,
                              const char *sports, const char *dports);
struct tm_error *tm_test_session(const char *caller, const char *id,
                                 const char *eni, const char *target,
                                 const char *filter, int64_t number);

/* Evaluates 'packet' (as for tm_packet_parse()) at 'eni' and returns the id
 * of the session that mirrors it, or NULL.  The whole decision is left in
 * tm_test_decision. */
extern struct tm_decision tm_test_decision;
const char *tm_test_mirrored_by(const char *eni, const char *packet);

/* A fingerprint of everything 'caller' can describe, to check that a
 * failed operation changed nothing.  The caller frees it. */
char *tm_test_snapshot(void);

#define TM_ASSERT_STRING_EQUAL(A, B) \
    tm_test_string_equal((A), (B), #A, __FILE__, __LINE__)
void tm_test_string_equal(const char *a, const char *b, const char *expr,
                          const char *file, int line);

#define TEST(NAME) { #NAME, NAME }
void tm_test_add_suite(const char *name, CU_TestInfo *, bool world);
int tm_test_main(int argc, char *argv[], void (*add_suites)(void));
void tm_test_add_model_suites(void);
void tm_test_add_evaluate_suites(void);

#endif /* tm-test.h */
