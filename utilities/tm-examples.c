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

/* tm-examples: shows what the mirroring model decides for the worked
 * examples of the AWS Traffic Mirroring user guide. */

#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "random.h"
#include "tmirror/evaluate.h"
#include "tmirror/examples.h"
#include "tmirror/model.h"
#include "tmirror/output.h"
#include "util.h"

/* Seed for the VNIs that the model picks, so that the output is the same
 * on every run. */
#define DEFAULT_SEED 1

static void usage(void) OVS_NO_RETURN;

static void
usage(void)
{
    printf("%s: what the traffic mirroring model decides for the AWS user "
           "guide's examples\n"
           "usage: %s [OPTIONS] [EXAMPLE...]\n"
           "\n"
           "With no EXAMPLE, shows all of them.  Each example's sessions, "
           "filters and\n"
           "rules are printed, then packets seen at its source network "
           "interface with\n"
           "the session that mirrors each (or why none does).\n"
           "\n"
           "Options:\n"
           "  -l, --list        list the examples and exit\n"
           "  -s, --seed=N      seed for the VNIs the model picks "
           "(default: %d)\n"
           "  -h, --help        display this help message\n"
           "  -V, --version     display version information\n"
           "\n"
           "Exit status: 0 if every decision is the expected one, 1 if "
           "not, 2 on bad usage.\n",
           program_name, program_name, DEFAULT_SEED);
    exit(EXIT_SUCCESS);
}

static void
print_objects(const struct tm_model *model)
{
    const struct tm_session **sessions;
    size_t n;
    sessions = tm_model_describe_sessions(model, NULL, &n);

    for (size_t i = 0; i < n; i++) {
        const struct tm_session *s = sessions[i];
        const struct tm_filter *f = s->filter;
        const struct tm_eni *eni = tm_model_find_eni(model, s->eni);
        struct ds line = DS_EMPTY_INITIALIZER;

        ds_put_format(&line, "  session %s: number %"PRIu16", source %s (",
                      s->id, s->number, s->eni);
        tm_ip_format(&eni->ip, &line);
        ds_put_format(&line, "), target %s (%s), VNI %"PRIu32"%s, ",
                      s->target_id, s->target ? s->target->resource : "-",
                      s->vni, s->vni_chosen ? " (picked)" : "");
        if (s->packet_length) {
            ds_put_format(&line, "first %"PRIu16" bytes", s->packet_length);
        } else {
            ds_put_cstr(&line, "whole packets");
        }
        puts(ds_cstr(&line));

        printf("    filter %s (%s)%s\n", f->id, f->description,
               f->amazon_dns ? ", network service amazon-dns" : "");
        for (int d = 0; d < TM_N_DIRECTIONS; d++) {
            for (size_t j = 0; j < f->n_rules[d]; j++) {
                ds_clear(&line);
                ds_put_cstr(&line, "      rule ");
                tm_rule_format(f->rules[d][j], &line);
                ds_put_format(&line, "  \"%s\"", f->rules[d][j]->description);
                puts(ds_cstr(&line));
            }
        }
        ds_destroy(&line);
    }
    free(sessions);
}

/* Shows 'example' and returns the number of decisions that were not the
 * expected ones. */
static int
run_example(const struct tm_example *example, int index)
{
    struct tm_model *model = example->build();
    int n_wrong = 0;

    printf("Example %d (%s): %s\n", index, example->name, example->title);
    print_objects(model);
    printf("  packets at %s:\n", TM_EXAMPLE_SOURCE);
    for (size_t i = 0; i < example->n_packets; i++) {
        const struct tm_example_packet *ep = &example->packets[i];
        struct ds line = DS_EMPTY_INITIALIZER;
        struct tm_decision decision;
        struct tm_packet packet;
        char *error;

        error = tm_packet_parse(ep->packet, &packet);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        tm_evaluate(model, TM_EXAMPLE_SOURCE, &packet, &decision);

        const char *got = decision.session ? decision.session->id : NULL;
        bool ok = nullable_string_is_equal(got, ep->session);
        n_wrong += !ok;

        ds_put_format(&line, "    %-3s %s\n        ", ok ? "ok" : "BAD",
                      ep->what);
        tm_packet_format(&packet, &line);
        ds_put_cstr(&line, "\n        => ");
        if (decision.session) {
            ds_put_format(&line, "mirrored by %s to %s, VNI %"PRIu32", "
                          "%"PRIu32" bytes carried", decision.session->id,
                          decision.session->target_id, decision.vni,
                          decision.carried_length);
        } else {
            ds_put_cstr(&line, tm_reason_to_string(decision.reason));
        }
        for (size_t j = 0; j < decision.n_steps; j++) {
            ds_put_cstr(&line, "\n           ");
            tm_step_format(&decision.steps[j], &line);
        }
        if (!ok) {
            ds_put_format(&line, "\n        expected: %s",
                          ep->session ? ep->session : "not mirrored");
        }
        puts(ds_cstr(&line));
        ds_destroy(&line);
    }
    putchar('\n');
    tm_model_destroy(model);
    return n_wrong;
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"list", no_argument, NULL, 'l'},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    const struct tm_example *examples;
    size_t n_examples = tm_examples_get(&examples);
    unsigned int seed = DEFAULT_SEED;
    int n_wrong = 0;

    set_program_name(argv[0]);
    tm_check_stdout_at_exit();
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case 'l':
            for (size_t i = 0; i < n_examples; i++) {
                printf("%-12s %s\n", examples[i].name, examples[i].title);
            }
            free(short_options);
            exit(EXIT_SUCCESS);

        case 's':
            if (!str_to_uint(optarg, 10, &seed) || !seed) {
                ovs_error(0, "--seed: \"%s\" is not a positive number",
                          optarg);
                free(short_options);
                exit(2);
            }
            break;

        case 'h':
            free(short_options);
            usage();

        case 'V':
            ovs_print_version(0, 0);
            free(short_options);
            exit(EXIT_SUCCESS);

        case '?':
            free(short_options);
            exit(2);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    for (int i = optind; i < argc; i++) {
        if (!tm_example_find(argv[i])) {
            ovs_error(0, "no example \"%s\" (try --list)", argv[i]);
            exit(2);
        }
    }

    random_set_seed(seed);
    for (size_t i = 0; i < n_examples; i++) {
        bool wanted = optind >= argc;

        for (int j = optind; j < argc; j++) {
            wanted = wanted || !strcmp(argv[j], examples[i].name);
        }
        if (wanted) {
            n_wrong += run_example(&examples[i], i + 1);
        }
    }
    if (n_wrong) {
        printf("%d decision(s) differ from the user guide's\n", n_wrong);
    }
    return n_wrong ? EXIT_FAILURE : EXIT_SUCCESS;
}
