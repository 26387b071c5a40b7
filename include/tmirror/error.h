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

#ifndef TMIRROR_ERROR_H
#define TMIRROR_ERROR_H 1

/* Errors as values.
 *
 * Every operation of the model that can refuse a request returns a
 * "struct tm_error *": NULL on success, otherwise an error that names the
 * rule that was broken (a code whose name is stable and machine-readable,
 * in the style of the AWS Reachability Analyzer's explanation codes), the
 * field at fault (with the option and attribute names that ovs-tmctl and
 * topology files use), and a sentence for a person.  The caller owns the
 * error and frees it with tm_error_destroy().  An operation that fails
 * changes nothing. */

#include "openvswitch/compiler.h"

struct ds;

/* TM_ERROR(NAME, SUMMARY): each code, with a one-line summary of the rule. */
#define TM_ERROR_CODES                                                      \
    TM_ERROR(NOT_FOUND, "the object referred to does not exist")           \
    TM_ERROR(MISSING_VALUE, "a required value was not given")              \
    TM_ERROR(INVALID_VALUE, "a value is not well formed")                  \
    TM_ERROR(VALUE_OUT_OF_RANGE, "a number is outside its allowed range")  \
    TM_ERROR(DUPLICATE_ID, "an object with that id already exists")        \
    TM_ERROR(CIDR_FAMILY_MISMATCH,                                          \
             "source and destination CIDRs must be both IPv4 or both IPv6") \
    TM_ERROR(PORT_RANGE_NOT_ALLOWED,                                        \
             "port ranges are only allowed with TCP (6) or UDP (17)")       \
    TM_ERROR(DUPLICATE_RULE_NUMBER,                                         \
             "rule numbers are unique per filter and direction")            \
    TM_ERROR(DUPLICATE_SESSION_NUMBER,                                      \
             "session numbers are unique per source network interface")     \
    TM_ERROR(QUOTA_RULES_PER_FILTER, "at most 10 rules per filter")        \
    TM_ERROR(QUOTA_SESSIONS_PER_ENI,                                        \
             "at most 3 sessions per source network interface")             \
    TM_ERROR(QUOTA_SOURCES_PER_TARGET,                                      \
             "at most 10 sources per network interface target "             \
             "(100 for the largest instance sizes)")                        \
    TM_ERROR(QUOTA_SESSIONS_PER_ACCOUNT,                                    \
             "at most 10,000 sessions per account")                         \
    TM_ERROR(QUOTA_TARGETS_PER_ACCOUNT,                                     \
             "at most 10,000 targets per account")                          \
    TM_ERROR(QUOTA_FILTERS_PER_ACCOUNT,                                     \
             "at most 10,000 filters per account")                          \
    TM_ERROR(ENI_IS_SOURCE_AND_TARGET,                                      \
             "a network interface cannot be both a mirror source and "      \
             "a mirror target")                                             \
    TM_ERROR(INSTANCE_TYPE_NOT_SUPPORTED,                                   \
             "the source's instance type does not support mirroring "       \
             "(T2, previous generation, bare metal)")                       \
    TM_ERROR(NOT_OWNER, "only the owner may do this")                      \
    TM_ERROR(TARGET_NOT_SHARED,                                             \
             "another account's target must be shared with the caller")     \
    TM_ERROR(SHARE_NOT_ACCEPTED,                                            \
             "a share between organizations must be accepted")              \
    TM_ERROR(IN_USE, "the object is in use by a session")                  \
    TM_ERROR(COPY_TOO_SHORT,                                                \
             "a copy carries at least 14 bytes (an Ethernet header)")       \
    TM_ERROR(COPY_FAMILY_MISMATCH,                                          \
             "a copy's outer source and destination addresses are of "      \
             "one family")

enum tm_error_code {
#define TM_ERROR(NAME, SUMMARY) TM_ERR_##NAME,
    TM_ERROR_CODES
#undef TM_ERROR
    TM_N_ERROR_CODES
};

struct tm_error {
    enum tm_error_code code;
    char *field;                /* Field at fault, e.g. "session-number";
                                 * NULL when no single field is. */
    char *message;              /* What is wrong, as a sentence. */
};

struct tm_error *tm_error_create(enum tm_error_code, const char *field,
                                 const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);
void tm_error_destroy(struct tm_error *);

const char *tm_error_code_name(enum tm_error_code);
const char *tm_error_code_summary(enum tm_error_code);
bool tm_error_code_from_name(const char *, enum tm_error_code *);

void tm_error_format(const struct tm_error *, struct ds *);
char *tm_error_to_string(const struct tm_error *);

#endif /* tmirror/error.h */
