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

#ifndef TMIRROR_AWS_CLI_H
#define TMIRROR_AWS_CLI_H 1

/* The AWS CLI's option syntax, as ovs-tmctl's traffic mirror commands take
 * it: "--name VALUE" and "--name=VALUE", lists of values, flags, and the
 * shorthand values of --tag-specifications and --filters.  Parsing needs
 * no database: the commands, and their fuzz target, call these. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "sset.h"

struct smap;
struct svec;
struct tm_error;
struct tm_rule_spec;
struct tm_session_spec;

enum tm_aws_arg {
    TM_AWS_VALUE,               /* --name VALUE or --name=VALUE, once. */
    TM_AWS_REPEAT,              /* Same, any number of times. */
    TM_AWS_LIST,                /* --name V1 V2 ...: values up to the next
                                 * option. */
    TM_AWS_FLAG,                /* --name. */
};

struct tm_aws_option {
    const char *name;           /* Without "--". */
    enum tm_aws_arg arg;
};

struct tm_aws_args {
    struct shash values;        /* Option name -> struct svec *. */
};

/* Parses 'argv[1]' to 'argv[argc - 1]' of command 'argv[0]', which takes
 * 'options' and the options common to every command, into 'args' (which
 * the caller destroys in any case).  Returns NULL or an error naming the
 * option at fault. */
char *tm_aws_args_parse(int argc, char *argv[],
                        const struct tm_aws_option *options,
                        size_t n_options, struct tm_aws_args *args)
    OVS_WARN_UNUSED_RESULT;
void tm_aws_args_destroy(struct tm_aws_args *);

const char *tm_aws_get(const struct tm_aws_args *, const char *name);
const struct svec *tm_aws_get_list(const struct tm_aws_args *,
                                   const char *name);
bool tm_aws_has(const struct tm_aws_args *, const char *name);
char *tm_aws_get_int(const struct tm_aws_args *, const char *name,
                     int64_t *value) OVS_WARN_UNUSED_RESULT;
char *tm_aws_require(const struct tm_aws_args *, const char *const *names)
    OVS_WARN_UNUSED_RESULT;
char *tm_aws_get_tags(const struct tm_aws_args *, struct smap *tags)
    OVS_WARN_UNUSED_RESULT;

/* Specs of the model's commands from their options. */
char *tm_aws_parse_rule_spec(const struct tm_aws_args *,
                             struct tm_rule_spec *) OVS_WARN_UNUSED_RESULT;
char *tm_aws_parse_session_spec(const struct tm_aws_args *,
                                struct tm_session_spec *)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_aws_parse_remove_fields(const struct tm_aws_args *,
                                            unsigned int *fields)
    OVS_WARN_UNUSED_RESULT;

/* The --filters of a describe command: Name=N,Values=V1,V2 each. */
struct tm_describe_filter {
    char *name;
    struct sset values;
};

/* What a describe command asks for: its ids option (its first) and its
 * --filters, whose names must be among the null-terminated 'names'. */
struct tm_describe_query {
    struct sset ids;            /* --traffic-mirror-*-ids. */
    struct tm_describe_filter *filters;
    size_t n_filters;
};

char *tm_describe_query_parse(const struct tm_aws_args *,
                              const char *ids_option,
                              const char *const *names,
                              struct tm_describe_query *)
    OVS_WARN_UNUSED_RESULT;
void tm_describe_query_destroy(struct tm_describe_query *);
bool tm_describe_match(const struct tm_describe_query *, const char *id,
                       const struct smap *fields);

#endif /* tmirror/aws-cli.h */
