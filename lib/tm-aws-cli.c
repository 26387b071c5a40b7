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

/* The AWS CLI's option syntax (tmirror/aws-cli.h). */

#include <config.h>

#include "tmirror/aws-cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "smap.h"
#include "svec.h"
#include "tmirror/model.h"
#include "util.h"

/* Options that every traffic mirror command takes, as the AWS CLI's global
 * options and EC2's --dry-run. */
static const struct tm_aws_option common_options[] = {
    {"account", TM_AWS_VALUE},
    {"dry-run", TM_AWS_FLAG},
    {"no-dry-run", TM_AWS_FLAG},
    {"output", TM_AWS_VALUE},
    {"client-token", TM_AWS_VALUE},
};

void
tm_aws_args_destroy(struct tm_aws_args *args)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &args->values) {
        svec_destroy(node->data);
        free(node->data);
    }
    shash_destroy(&args->values);
}

static const struct tm_aws_option *
find_aws_option(const struct tm_aws_option *options, size_t n,
                const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(common_options); i++) {
        if (!strcmp(common_options[i].name, name)) {
            return &common_options[i];
        }
    }
    return NULL;
}

/* Parses the arguments 'argv[1]' to 'argv[argc - 1]' of a traffic mirror
 * command, which takes 'options', into 'args'.  Returns NULL, or an error
 * naming the option at fault. */
char *
tm_aws_args_parse(int argc, char *argv[], const struct tm_aws_option *options,
                  size_t n_options, struct tm_aws_args *args)
{
    shash_init(&args->values);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strncmp(arg, "--", 2) || !arg[2]) {
            return xasprintf("\"%s\" is not an option (options start with "
                             "\"--\")", arg);
        }

        char *name = xstrdup(arg + 2);
        char *value = strchr(name, '=');
        if (value) {
            *value++ = '\0';
        }

        const struct tm_aws_option *o = find_aws_option(options, n_options,
                                                     name);
        if (!o) {
            char *error = xasprintf("--%s is not an option of %s", name,
                                    argv[0]);
            free(name);
            return error;
        }

        struct svec *values = shash_find_data(&args->values, name);
        if (values && (o->arg == TM_AWS_VALUE || o->arg == TM_AWS_FLAG)) {
            free(name);
            return xasprintf("--%s given twice", o->name);
        }
        if (!values) {
            values = xmalloc(sizeof *values);
            svec_init(values);
            shash_add(&args->values, name, values);
        }

        if (o->arg == TM_AWS_FLAG) {
            if (value) {
                free(name);
                return xasprintf("--%s takes no value", o->name);
            }
        } else if (value) {
            svec_add(values, value);
        } else if (o->arg == TM_AWS_LIST) {
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
                svec_add(values, argv[++i]);
            }
            if (!values->n) {
                free(name);
                return xasprintf("--%s needs at least one value", o->name);
            }
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
            svec_add(values, argv[++i]);
        } else {
            free(name);
            return xasprintf("--%s needs a value", o->name);
        }
        free(name);
    }
    return NULL;
}

const char *
tm_aws_get(const struct tm_aws_args *args, const char *name)
{
    const struct svec *values = shash_find_data(&args->values, name);

    return values && values->n ? values->names[0] : NULL;
}

const struct svec *
tm_aws_get_list(const struct tm_aws_args *args, const char *name)
{
    return shash_find_data(&args->values, name);
}

bool
tm_aws_has(const struct tm_aws_args *args, const char *name)
{
    return shash_find(&args->values, name) != NULL;
}

/* Parses the integer option 'name' into '*value', or leaves TM_UNSET there
 * if it is absent. */
char *
tm_aws_get_int(const struct tm_aws_args *args, const char *name,
               int64_t *value)
{
    const char *s = tm_aws_get(args, name);
    long long int n;

    *value = TM_UNSET;
    if (!s) {
        return NULL;
    }
    if (!str_to_llong(s, 10, &n) || n == TM_UNSET) {
        return xasprintf("--%s: \"%s\" is not an integer", name, s);
    }
    *value = n;
    return NULL;
}

/* Checks that the required options 'names' (a null-terminated list) are
 * given. */
char *
tm_aws_require(const struct tm_aws_args *args, const char *const *names)
{
    for (; *names; names++) {
        if (!tm_aws_get(args, *names)) {
            return xasprintf("--%s is required", *names);
        }
    }
    return NULL;
}

/* Parses the tags of --tag K=V and --tag-specifications
 * 'ResourceType=R,Tags=[{Key=K,Value=V},...]' into 'tags'. */
char *
tm_aws_get_tags(const struct tm_aws_args *args, struct smap *tags)
{
    const struct svec *values = tm_aws_get_list(args, "tag");

    for (size_t i = 0; values && i < values->n; i++) {
        const char *eq = strchr(values->names[i], '=');
        if (!eq || eq == values->names[i]) {
            return xasprintf("--tag: \"%s\" is not KEY=VALUE",
                             values->names[i]);
        }
        char *key = xmemdup0(values->names[i], eq - values->names[i]);
        smap_replace(tags, key, eq + 1);
        free(key);
    }

    values = tm_aws_get_list(args, "tag-specifications");
    for (size_t i = 0; values && i < values->n; i++) {
        const char *s = strstr(values->names[i], "Tags=[");
        if (!s) {
            return xasprintf("--tag-specifications: \"%s\" has no "
                             "Tags=[...]", values->names[i]);
        }
        s += strlen("Tags=[");
        while (*s == '{') {
            const char *key = s + 1;
            const char *comma = strchr(key, ',');
            const char *end = strchr(key, '}');
            if (strncmp(key, "Key=", 4) || !comma || !end || comma > end
                || strncmp(comma + 1, "Value=", 6)) {
                return xasprintf("--tag-specifications: \"%s\": each tag "
                                 "is {Key=K,Value=V}", values->names[i]);
            }
            char *k = xmemdup0(key + 4, comma - key - 4);
            char *v = xmemdup0(comma + 7, end - comma - 7);
            smap_replace(tags, k, v);
            free(k);
            free(v);
            s = end + 1;
            if (*s == ',') {
                s++;
            }
        }
        if (*s != ']') {
            return xasprintf("--tag-specifications: \"%s\": each tag is "
                             "{Key=K,Value=V}", values->names[i]);
        }
    }
    return NULL;
}

void
tm_describe_query_destroy(struct tm_describe_query *q)
{
    sset_destroy(&q->ids);
    for (size_t i = 0; i < q->n_filters; i++) {
        free(q->filters[i].name);
        sset_destroy(&q->filters[i].values);
    }
    free(q->filters);
}

char *
tm_describe_query_parse(const struct tm_aws_args *args, const char *ids_option,
                        const char *const *names, struct tm_describe_query *q)
{
    const struct svec *ids = tm_aws_get_list(args, ids_option);
    const struct svec *filters = tm_aws_get_list(args, "filters");

    sset_init(&q->ids);
    /* Allocated once: an sset cannot move. */
    q->filters = xcalloc(filters && filters->n ? filters->n : 1,
                         sizeof *q->filters);
    q->n_filters = 0;
    for (size_t i = 0; ids && i < ids->n; i++) {
        sset_add(&q->ids, ids->names[i]);
    }
    for (size_t i = 0; filters && i < filters->n; i++) {
        const char *s = filters->names[i];
        const char *values = strstr(s, ",Values=");

        if (strncmp(s, "Name=", 5) || !values) {
            return xasprintf("--filters: \"%s\" is not "
                             "Name=NAME,Values=VALUE[,VALUE]...", s);
        }
        char *name = xmemdup0(s + 5, values - s - 5);
        bool known = false;
        for (const char *const *n = names; *n; n++) {
            known = known || !strcmp(*n, name);
        }
        if (!known) {
            struct ds list = DS_EMPTY_INITIALIZER;
            for (const char *const *n = names; *n; n++) {
                ds_put_format(&list, "%s%s", n == names ? "" : ", ", *n);
            }
            char *error = xasprintf("--filters: unknown name \"%s\" (known: "
                                    "%s)", name, ds_cstr(&list));
            ds_destroy(&list);
            free(name);
            return error;
        }

        struct tm_describe_filter *f = &q->filters[q->n_filters++];
        f->name = name;
        sset_init(&f->values);

        char *copy = xstrdup(values + strlen(",Values="));
        char *save_ptr = NULL;
        for (char *v = strtok_r(copy, ",", &save_ptr); v;
             v = strtok_r(NULL, ",", &save_ptr)) {
            sset_add(&f->values, v);
        }
        free(copy);
    }
    return NULL;
}

/* Returns true if the object with 'id', whose filterable fields are in
 * 'fields', passes query 'q'. */
bool
tm_describe_match(const struct tm_describe_query *q, const char *id,
                  const struct smap *fields)
{
    if (!sset_is_empty(&q->ids) && !sset_contains(&q->ids, id)) {
        return false;
    }
    for (size_t i = 0; i < q->n_filters; i++) {
        const char *value = smap_get(fields, q->filters[i].name);
        if (!value || !sset_contains(&q->filters[i].values, value)) {
            return false;
        }
    }
    return true;
}

char *
tm_aws_parse_rule_spec(const struct tm_aws_args *args,
                       struct tm_rule_spec *spec)
{
    *spec = (struct tm_rule_spec) {
        .direction = tm_aws_get(args, "traffic-direction"),
        .action = tm_aws_get(args, "rule-action"),
        .protocol = tm_aws_get(args, "protocol"),
        .source_port_range = tm_aws_get(args, "source-port-range"),
        .destination_port_range = tm_aws_get(args, "destination-port-range"),
        .source_cidr = tm_aws_get(args, "source-cidr-block"),
        .destination_cidr = tm_aws_get(args, "destination-cidr-block"),
        .description = tm_aws_get(args, "description"),
    };
    return tm_aws_get_int(args, "rule-number", &spec->rule_number);
}

/* Parses --remove-fields into '*fields'. */
struct tm_error *
tm_aws_parse_remove_fields(const struct tm_aws_args *args,
                           unsigned int *fields)
{
    const struct svec *values = tm_aws_get_list(args, "remove-fields");

    *fields = 0;
    for (size_t i = 0; values && i < values->n; i++) {
        enum tm_remove_field field;
        struct tm_error *e = tm_parse_remove_field(values->names[i], &field);
        if (e) {
            return e;
        }
        *fields |= field;
    }
    return NULL;
}

char *
tm_aws_parse_session_spec(const struct tm_aws_args *args,
                          struct tm_session_spec *spec)
{
    *spec = (struct tm_session_spec) {
        .network_interface_id = tm_aws_get(args, "network-interface-id"),
        .target_id = tm_aws_get(args, "traffic-mirror-target-id"),
        .filter_id = tm_aws_get(args, "traffic-mirror-filter-id"),
        .description = tm_aws_get(args, "description"),
    };

    char *error = tm_aws_get_int(args, "session-number",
                                 &spec->session_number);
    if (!error) {
        error = tm_aws_get_int(args, "virtual-network-id", &spec->vni);
    }
    if (!error) {
        error = tm_aws_get_int(args, "packet-length", &spec->packet_length);
    }
    return error;
}
