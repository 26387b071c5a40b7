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

/* A libFuzzer target for ovs-tmctl's option parsing ("make fuzz"): an
 * input is a command line, one argument a line, the first the command's
 * name, parsed with the options of every traffic mirror command (their
 * names and kinds are the same in each) and then as each command reads
 * them: tags, rule and session specs and their values (port ranges, CIDR
 * blocks, protocols), --remove-fields and describe --filters.  Any input
 * must be parsed or refused with an error, never crash, leak or read out
 * of bounds, and what parses must be consistent. */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "svec.h"
#include "tmirror/aws-cli.h"
#include "tmirror/error.h"
#include "tmirror/model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct tm_aws_option options[] = {
    {"network-interface-id", TM_AWS_VALUE},
    {"network-load-balancer-arn", TM_AWS_VALUE},
    {"gateway-load-balancer-endpoint-id", TM_AWS_VALUE},
    {"description", TM_AWS_VALUE},
    {"traffic-mirror-target-id", TM_AWS_VALUE},
    {"traffic-mirror-filter-id", TM_AWS_VALUE},
    {"traffic-mirror-filter-rule-id", TM_AWS_VALUE},
    {"traffic-mirror-session-id", TM_AWS_VALUE},
    {"traffic-direction", TM_AWS_VALUE},
    {"rule-number", TM_AWS_VALUE},
    {"rule-action", TM_AWS_VALUE},
    {"protocol", TM_AWS_VALUE},
    {"source-port-range", TM_AWS_VALUE},
    {"destination-port-range", TM_AWS_VALUE},
    {"source-cidr-block", TM_AWS_VALUE},
    {"destination-cidr-block", TM_AWS_VALUE},
    {"session-number", TM_AWS_VALUE},
    {"virtual-network-id", TM_AWS_VALUE},
    {"packet-length", TM_AWS_VALUE},
    {"tag", TM_AWS_REPEAT},
    {"tag-specifications", TM_AWS_REPEAT},
    {"filters", TM_AWS_REPEAT},
    {"traffic-mirror-filter-rule-ids", TM_AWS_LIST},
    {"add-network-services", TM_AWS_LIST},
    {"remove-network-services", TM_AWS_LIST},
    {"remove-fields", TM_AWS_LIST},
};

/* The filter names of describe-traffic-mirror-filter-rules. */
static const char *const names[] = {
    "traffic-mirror-filter-rule-id", "traffic-mirror-filter-id",
    "traffic-direction", "rule-number", "rule-action", "protocol",
    "source-cidr-block", "destination-cidr-block", "description", NULL,
};

static const char *const required[] = {
    "traffic-mirror-filter-id", "traffic-direction", "rule-number", NULL,
};

static void
check_error(char *error)
{
    if (error && !error[0]) {
        ovs_abort(0, "an empty error");
    }
    free(error);
}

static void
parse_port_range(const char *s)
{
    struct tm_port_range range;
    char *error = s ? tm_parse_port_range(s, &range) : NULL;

    if (s && !error && range.from > range.to) {
        ovs_abort(0, "\"%s\" parsed as %u-%u", s, range.from, range.to);
    }
    check_error(error);
}

static void
parse_cidr(const char *s)
{
    struct tm_cidr cidr;

    check_error(s ? tm_parse_cidr(s, &cidr) : NULL);
}

static void
parse_rule(const struct tm_aws_args *args)
{
    struct tm_rule_spec spec;
    char *error = tm_aws_parse_rule_spec(args, &spec);

    if (error) {
        check_error(error);
        return;
    }
    parse_port_range(spec.source_port_range);
    parse_port_range(spec.destination_port_range);
    parse_cidr(spec.source_cidr);
    parse_cidr(spec.destination_cidr);
    if (spec.protocol) {
        int protocol;

        error = tm_parse_protocol(spec.protocol, &protocol);
        if (!error && protocol != TM_PROTO_ALL
            && (protocol < 0 || protocol > 255)) {
            ovs_abort(0, "protocol \"%s\" parsed as %d", spec.protocol,
                      protocol);
        }
        check_error(error);
    }
    if (spec.direction) {
        enum tm_direction direction;
        tm_parse_direction(spec.direction, &direction);
    }
    if (spec.action) {
        enum tm_rule_action action;
        tm_parse_rule_action(spec.action, &action);
    }
}

static void
parse_describe(const struct tm_aws_args *args)
{
    struct tm_describe_query q;
    char *error = tm_describe_query_parse(
        args, "traffic-mirror-filter-rule-ids", names, &q);

    if (!error) {
        struct smap fields = SMAP_INITIALIZER(&fields);

        smap_add(&fields, "traffic-direction", "ingress");
        smap_add(&fields, "rule-number", "100");
        smap_add(&fields, "description", "");
        tm_describe_match(&q, "tmfr-1", &fields);
        smap_destroy(&fields);
    }
    check_error(error);
    tm_describe_query_destroy(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct svec argv = SVEC_EMPTY_INITIALIZER;
    char *text = xmemdup0((const char *) data, size);
    char *save_ptr = NULL;

    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    for (char *arg = strtok_r(text, "\n", &save_ptr); arg;
         arg = strtok_r(NULL, "\n", &save_ptr)) {
        svec_add(&argv, arg);
    }
    free(text);
    if (!argv.n) {
        svec_destroy(&argv);
        return 0;
    }
    svec_terminate(&argv);

    struct tm_aws_args args;
    char *error = tm_aws_args_parse(argv.n, argv.names, options,
                                    ARRAY_SIZE(options), &args);
    if (error) {
        check_error(error);
    } else {
        struct smap tags = SMAP_INITIALIZER(&tags);
        struct tm_session_spec session;
        unsigned int fields;

        check_error(tm_aws_require(&args, required));
        check_error(tm_aws_get_tags(&args, &tags));
        smap_destroy(&tags);
        parse_rule(&args);
        check_error(tm_aws_parse_session_spec(&args, &session));
        tm_error_destroy(tm_aws_parse_remove_fields(&args, &fields));
        parse_describe(&args);
    }
    tm_aws_args_destroy(&args);
    svec_destroy(&argv);
    return 0;
}
