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

/* tm-bench: the benchmarks behind "make bench".  Each row is measured in
 * the same run as its baseline, the two interleaved, and is reported as a
 * ratio as well as in absolute terms (which are noise on shared machines).
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bitmap.h"
#include "command-line.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "random.h"
#include "tmirror/compile.h"
#include "tmirror/evaluate.h"
#include "tmirror/model.h"
#include "util.h"

#define ACCOUNT "111111111111"
#define N_PACKETS 4096          /* Packets per batch, cycled. */
#define N_REPS 7                /* Interleaved repetitions; median kept. */
#define N_PARSE_REPS 3          /* Of them, those that parse flows too. */

static double target_seconds = 0.1;     /* Per repetition and case. */

static void
check(struct tm_error *error)
{
    if (error) {
        ovs_fatal(0, "%s", tm_error_to_string(error));
    }
}

/* The processor time of this process: the benchmarks are single-threaded,
 * and so their figures suffer less from a machine loaded by others. */
static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A model with one source ENI "eni-src" that has 'n_sessions' sessions of
 * 'n_rules' ingress rules each.  With 'match_nothing', no rule matches the
 * packets of make_packets() (so every rule of every session is tried);
 * otherwise the first rule of the first session accepts everything. */
static struct tm_model *
make_model(int n_sessions, int n_rules, bool match_nothing)
{
    struct tm_model *model = tm_model_create();
    struct tm_eni_spec eni = {
        .owner = ACCOUNT, .vpc_cidr = "10.0.0.0/16", .mtu = TM_UNSET,
    };

    check(tm_model_add_account(model, ACCOUNT, NULL));
    eni.id = "eni-src";
    eni.ip = "10.0.1.10";
    check(tm_model_add_eni(model, &eni));
    check(tm_model_add_nlb(model, "nlb-1", ACCOUNT));
    struct tm_target_spec target = {
        .id = "tmt-1", .network_load_balancer_arn = "nlb-1",
    };
    check(tm_create_target(model, ACCOUNT, &target, NULL));

    for (int s = 0; s < n_sessions; s++) {
        char filter_id[16];
        struct tm_filter_spec filter = { .id = filter_id };

        snprintf(filter_id, sizeof filter_id, "tmf-%d", s);
        check(tm_create_filter(model, ACCOUNT, &filter, NULL));
        for (int r = 0; r < n_rules; r++) {
            char dst[32], ports[32];
            struct tm_rule_spec rule = {
                .direction = "ingress",
                .rule_number = (r + 1) * 10,
                .action = r % 2 ? "reject" : "accept",
                .protocol = "tcp",
                .source_cidr = "0.0.0.0/0",
                .destination_cidr = dst,
                .destination_port_range = ports,
            };

            /* Realistic rules: a /24 and a port range each.  The packets
             * go to 10.0.1.10 port 40000-40999, so a rule for 10.0.2.0/24
             * never matches them while one for 10.0.0.0/16 does. */
            snprintf(dst, sizeof dst, "%s",
                     match_nothing || s || r ? "10.0.2.0/24"
                     : "10.0.0.0/16");
            snprintf(ports, sizeof ports, "%d-%d", 1000 + r * 100,
                     match_nothing || s || r ? 1099 + r * 100 : 65535);
            check(tm_create_rule(model, ACCOUNT, filter_id, &rule, NULL));
        }

        struct tm_session_spec session = {
            .network_interface_id = "eni-src", .target_id = "tmt-1",
            .filter_id = filter_id, .session_number = s + 1,
            .vni = TM_UNSET, .packet_length = TM_UNSET,
        };
        check(tm_create_session(model, ACCOUNT, &session, NULL));
    }
    return model;
}

static void
make_packets(struct tm_packet *packets)
{
    for (int i = 0; i < N_PACKETS; i++) {
        char *s = xasprintf("ingress tcp 198.51.%d.%d:%d > 10.0.1.10:%d "
                            "len %d", (i >> 8) & 0xff, i & 0xff,
                            1024 + i, 40000 + i % 1000, 64 + i % 1400);
        char *error = tm_packet_parse(s, &packets[i]);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        free(s);
    }
}

struct eval_case {
    const char *name;
    struct tm_model *model;
    double samples[N_REPS];     /* Nanoseconds per packet. */
    size_t n_mirrored;
};

/* Evaluates batches of 'packets' against 'c' for about 'target_seconds'
 * and records the cost per packet. */
static void
run_eval(struct eval_case *c, const struct tm_packet *packets, int rep)
{
    struct tm_decision decision;
    long long int n = 0;
    double start = now(), elapsed;

    do {
        for (int i = 0; i < N_PACKETS; i++) {
            tm_evaluate(c->model, "eni-src", &packets[i], &decision);
            c->n_mirrored += decision.session != NULL;
        }
        n += N_PACKETS;
        elapsed = now() - start;
    } while (elapsed < target_seconds);
    c->samples[rep] = elapsed * 1e9 / n;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

static double
median__(double *samples, size_t n)
{
    qsort(samples, n, sizeof *samples, compare_doubles);
    return samples[n / 2];
}

static double
median(double *samples)
{
    return median__(samples, N_REPS);
}

static void
bench_evaluator(void)
{
    struct tm_packet *packets = xmalloc(N_PACKETS * sizeof *packets);
    struct eval_case cases[] = {
        { "reference evaluator, 3 sessions x 10 rules, no rule matches",
          make_model(3, 10, true), { 0 }, 0 },
        { "reference evaluator, 3 sessions x 10 rules, first rule accepts",
          make_model(3, 10, false), { 0 }, 0 },
        { "reference evaluator, 1 session x 1 rule, no rule matches "
          "(baseline)", make_model(1, 1, true), { 0 }, 0 },
    };
    const size_t n = ARRAY_SIZE(cases);
    const size_t base = n - 1;

    make_packets(packets);
    for (int rep = 0; rep < N_REPS; rep++) {
        for (size_t i = 0; i < n; i++) {
            run_eval(&cases[i], packets, rep);
        }
    }

    double base_ns = median(cases[base].samples);
    for (size_t i = 0; i < n; i++) {
        double ns = median(cases[i].samples);

        printf("| %-68s | %9.1f ns/packet | %6.2fx |\n", cases[i].name, ns,
               ns / base_ns);
        tm_model_destroy(cases[i].model);
    }
    if (cases[0].n_mirrored || !cases[1].n_mirrored) {
        ovs_fatal(0, "benchmark models do not decide as designed");
    }
    free(packets);
}

/* ---- The flow compiler. ---- */

/* A model of 'n_sessions' sessions, three to each source ENI (so
 * 'n_sessions' / 3 ENIs, rounded up), every session with its own filter of
 * 'n_rules' rules (half ingress, half egress, each a /24 and a port range),
 * to a load balancer target; and the ENIs' places on a bridge in
 * '*locsp'. */
static struct tm_model *
make_compile_model(int n_sessions, int n_rules,
                   struct tm_eni_location **locsp)
{
    int n_enis = DIV_ROUND_UP(n_sessions, TM_MAX_SESSIONS_PER_ENI);
    struct tm_model *model = tm_model_create();
    struct tm_eni_location *locs = xcalloc(n_enis, sizeof *locs);

    check(tm_model_add_account(model, ACCOUNT, NULL));
    check(tm_model_add_nlb(model, "nlb-1", ACCOUNT));
    struct tm_target_spec target = {
        .id = "tmt-1", .network_load_balancer_arn = "nlb-1",
    };
    check(tm_create_target(model, ACCOUNT, &target, NULL));

    for (int e = 0; e < n_enis; e++) {
        char *eni_id = xasprintf("eni-%d", e);
        char *ip = xasprintf("10.%d.%d.%d", 1 + e / 65536, (e / 256) % 256,
                             e % 256);
        struct tm_eni_spec eni = {
            .id = eni_id, .owner = ACCOUNT, .ip = ip,
            .vpc_cidr = "10.0.0.0/8", .mtu = TM_UNSET,
        };

        check(tm_model_add_eni(model, &eni));
        locs[e].eni = tm_model_find_eni(model, eni_id)->id;
        locs[e].ofport = u16_to_ofp(e + 1);
        locs[e].mac = (struct eth_addr) { .ea = { 2, 0, 0, e >> 16,
                                                  (e >> 8) & 0xff,
                                                  e & 0xff } };
        for (int s = 0; s < TM_MAX_SESSIONS_PER_ENI
                        && e * TM_MAX_SESSIONS_PER_ENI + s < n_sessions; s++) {
            char *filter_id = xasprintf("tmf-%d-%d", e, s);
            struct tm_filter_spec filter = { .id = filter_id };

            check(tm_create_filter(model, ACCOUNT, &filter, NULL));
            for (int r = 0; r < n_rules; r++) {
                char dst[32], ports[32];
                struct tm_rule_spec rule = {
                    .direction = r % 2 ? "egress" : "ingress",
                    .rule_number = (r + 1) * 10,
                    .action = r % 3 ? "accept" : "reject",
                    .protocol = "tcp",
                    .source_cidr = "0.0.0.0/0",
                    .destination_cidr = dst,
                    .destination_port_range = ports,
                };

                snprintf(dst, sizeof dst, "10.0.%d.0/24", r);
                snprintf(ports, sizeof ports, "%d-%d", 1000 + r * 100,
                         1099 + r * 100);
                check(tm_create_rule(model, ACCOUNT, filter_id, &rule,
                                     NULL));
            }

            struct tm_session_spec session = {
                .network_interface_id = eni_id, .target_id = "tmt-1",
                .filter_id = filter_id, .session_number = s + 1,
                .vni = TM_UNSET, .packet_length = TM_UNSET,
            };
            check(tm_create_session(model, ACCOUNT, &session, NULL));
            free(filter_id);
        }
        free(eni_id);
        free(ip);
    }
    *locsp = locs;
    return model;
}

struct compile_case {
    const char *name;
    int n_sessions;
    int n_enis;
    struct tm_model *model;
    struct tm_eni_location *locs;
    double samples[N_REPS];     /* Milliseconds per compile. */
    double first_samples[N_REPS];   /* The same, the first into a new
                                     * struct tm_flows. */
    size_t n_flows;

    /* With session cookies (as ovs-tmd compiles): everything, one ENI's
     * own flows alone, the shared flows alone. */
    double cookie_samples[N_REPS];
    double eni_samples[N_REPS];
    double shared_samples[N_REPS];
};

/* Returns the milliseconds that compiling 'input' as 'options' say into
 * 'flows' takes, as the mean of as many compiles as fit in
 * 'target_seconds'. */
static double
time_compile(const struct tm_compile_input *input,
             const struct tm_compile_options *options, struct tm_flows *flows)
{
    double start = now();
    double elapsed;
    long long int n = 0;

    do {
        char *error = tm_compile(input, options, flows);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        n++;
        elapsed = now() - start;
    } while (elapsed < target_seconds);
    return elapsed * 1e3 / n;
}

static void
run_compile(struct compile_case *c, int rep)
{
    struct tm_target_address nlb = { .target = "tmt-1" };
    struct tm_compile_input input = {
        .model = c->model, .enis = c->locs, .n_enis = c->n_enis,
        .targets = &nlb, .n_targets = 1,
    };
    struct tm_compile_options options;
    struct tm_flows flows;
    long long int n = 0;
    double start, elapsed;

    in6_addr_set_mapped_ipv4(&nlb.ip, htonl(0xc0a86401));
    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(0xfe00);

    /* The first compilation into a new struct tm_flows, which allocates
     * its memory. */
    tm_flows_init(&flows);
    start = now();
    char *error = tm_compile(&input, &options, &flows);
    c->first_samples[rep] = (now() - start) * 1e3;
    if (error) {
        ovs_fatal(0, "%s", error);
    }

    /* Then compilations again into the same one, as a caller that keeps
     * it does. */
    start = now();
    do {
        error = tm_compile(&input, &options, &flows);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        n++;
        elapsed = now() - start;
    } while (elapsed < target_seconds);
    c->samples[rep] = elapsed * 1e3 / n;
    c->n_flows = flows.n;

    /* With session cookies, as a whole and in parts: the ENI in the
     * middle alone, then the shared flows alone. */
    unsigned long *only = bitmap_allocate(c->n_enis);

    options.session_cookies = true;
    c->cookie_samples[rep] = time_compile(&input, &options, &flows);
    input.only = only;
    bitmap_set1(only, c->n_enis / 2);
    c->eni_samples[rep] = time_compile(&input, &options, &flows);
    bitmap_set0(only, c->n_enis / 2);
    input.shared = true;
    c->shared_samples[rep] = time_compile(&input, &options, &flows);
    bitmap_free(only);
    tm_flows_destroy(&flows);
}

/* Writes the flows that 'c' compiles, as "ovs-ofctl add-flows" text, to a
 * new temporary file.  Returns its name. */
static char *
write_flows_file(struct compile_case *c)
{
    struct tm_target_address nlb = { .target = "tmt-1" };
    struct tm_compile_input input = {
        .model = c->model, .enis = c->locs, .n_enis = c->n_enis,
        .targets = &nlb, .n_targets = 1,
    };
    struct tm_compile_options options;
    struct ds text = DS_EMPTY_INITIALIZER;
    const char *tmpdir = getenv("TMPDIR");
    char *name = xasprintf("%s/tm-bench-flows-XXXXXX",
                           tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(name);
    FILE *file = fd < 0 ? NULL : fdopen(fd, "w");

    if (!file) {
        ovs_fatal(errno, "%s: cannot create", name);
    }
    in6_addr_set_mapped_ipv4(&nlb.ip, htonl(0xc0a86401));
    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(0xfe00);
    struct tm_flows flows;
    tm_flows_init(&flows);
    char *error = tm_compile(&input, &options, &flows);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    for (size_t i = 0; i < flows.n; i++) {
        tm_flow_format(&flows.fms[i], &text);
        ds_put_char(&text, '\n');
    }
    tm_flows_destroy(&flows);
    if (fwrite(text.string, 1, text.length, file) != text.length
        || fclose(file)) {
        ovs_fatal(errno, "%s: cannot write", name);
    }
    ds_destroy(&text);
    return name;
}

/* Returns the milliseconds that Open vSwitch's parser takes to read the
 * flows in 'file_name' as "ovs-ofctl add-flows" does (and nothing else:
 * no connection, no encoding), and stores their number in '*n_flows'. */
static double
time_parse_flows(const char *file_name, size_t *n_flows)
{
    enum ofputil_protocol usable;
    struct ofputil_flow_mod *fms;
    double start = now();
    char *error = parse_ofp_flow_mod_file(file_name, NULL, NULL, OFPFC_ADD,
                                          &fms, n_flows, &usable);
    double elapsed = now() - start;

    if (error) {
        ovs_fatal(0, "%s: %s", file_name, error);
    }
    for (size_t i = 0; i < *n_flows; i++) {
        minimatch_destroy(&fms[i].match);
        free(fms[i].ofpacts);
    }
    free(fms);
    return elapsed * 1e3;
}

static void
bench_compiler(void)
{
    struct compile_case cases[] = {
        { .name = "compile 10,000 sessions x 10 rules (3,334 ENIs)",
          .n_sessions = 10000, .n_enis = 3334 },
        { .name = "compile 1,000 sessions x 10 rules (334 ENIs; baseline)",
          .n_sessions = 1000, .n_enis = 334 },
    };
    const size_t n = ARRAY_SIZE(cases);

    for (size_t i = 0; i < n; i++) {
        cases[i].model = make_compile_model(cases[i].n_sessions, 10,
                                            &cases[i].locs);
    }
    /* The flows of the largest case, as text, for Open vSwitch's parser
     * (parsed in the same repetitions, interleaved). */
    char *flows_file = write_flows_file(&cases[0]);
    double parse_samples[N_PARSE_REPS];
    size_t n_parsed = 0;

    for (int rep = 0; rep < N_REPS; rep++) {
        for (size_t i = 0; i < n; i++) {
            run_compile(&cases[i], rep);
        }
        if (rep < N_PARSE_REPS) {
            parse_samples[rep] = time_parse_flows(flows_file, &n_parsed);
        }
    }
    unlink(flows_file);
    free(flows_file);

    double base_ms = median(cases[n - 1].samples);
    for (size_t i = 0; i < n; i++) {
        double ms = median(cases[i].samples);
        char *name = xasprintf("%s, %"PRIuSIZE" flows", cases[i].name,
                               cases[i].n_flows);

        printf("| %-68s | %8.2f ms/compile | %6.2fx |\n", name, ms,
               ms / base_ms);
        free(name);
        if (!i) {
            /* Target: the largest case in under 100 ms. */
            double parse_ms = median__(parse_samples, N_PARSE_REPS);

            name = xasprintf("  target < 100 ms: %s (%.2fx of it); %.2f M "
                             "flows/s", ms < 100 ? "met" : "missed",
                             ms / 100, cases[i].n_flows / ms / 1e3);
            printf("| %-68s | %19s | %7s |\n", name, "", "");
            free(name);
            if (ms >= 100) {
                /* What callgrind showed of the compiler's instructions. */
                printf("| %-68s | %19s | %7s |\n", "  profiled: the first "
                       "match of each rule ~40%, the others ~25%,", "", "");
                printf("| %-68s | %19s | %7s |\n", "  the flow_mods and "
                       "their shared actions ~20%", "", "");
            }
            double first_ms = median(cases[i].first_samples);
            printf("| %-68s | %8.2f ms/compile | %6.2fx |\n",
                   "  the first into a new struct tm_flows (allocating)",
                   first_ms, first_ms / base_ms);
            name = xasprintf("  the same %"PRIuSIZE" flows parsed from text "
                             "as ovs-ofctl does", n_parsed);
            printf("| %-68s | %10.2f ms/parse | %6.2fx |\n", name,
                   parse_ms, parse_ms / ms);
            free(name);

            /* One ENI's sessions alone, and the shared flows alone,
             * against everything, all with session cookies. */
            double cookie_ms = median(cases[i].cookie_samples);
            double eni_ms = median(cases[i].eni_samples);
            double shared_ms = median(cases[i].shared_samples);
            printf("| %-68s | %8.2f ms/compile | %6.2fx |\n",
                   "  with session cookies (as ovs-tmd compiles)",
                   cookie_ms, cookie_ms / base_ms);
            printf("| %-68s | %8.3f ms/compile | %6.4fx |\n",
                   "    one ENI's own flows alone (of those; ratio to them)",
                   eni_ms, eni_ms / cookie_ms);
            printf("| %-68s | %8.3f ms/compile | %6.4fx |\n",
                   "    the shared flows alone (entry, broadcast, ...)",
                   shared_ms, shared_ms / cookie_ms);
        }
        tm_model_destroy(cases[i].model);
        free(cases[i].locs);
    }
}

/* Flows per filter rule against the minimal cover, for worst-case port
 * ranges (1-65534, 30 prefixes) at both ends: what the compiler emits (a
 * conjunction, the sum of the two covers plus one) against the product of
 * the two covers that a plain cross product would need. */
static void
bench_rule_flows(void)
{
    struct tm_prefix prefixes[TM_MAX_PORT_PREFIXES];
    size_t cover = tm_range_to_prefixes(1, 65534, 16, prefixes);
    struct tm_model *model = tm_model_create();
    struct tm_eni_location loc = {
        .eni = "eni-src", .ofport = u16_to_ofp(1),
    };
    struct tm_compile_options options;
    struct tm_flows empty, full;

    check(tm_model_add_account(model, ACCOUNT, NULL));
    struct tm_eni_spec eni = {
        .id = "eni-src", .owner = ACCOUNT, .ip = "10.0.1.10",
        .mtu = TM_UNSET,
    };
    check(tm_model_add_eni(model, &eni));
    check(tm_model_add_nlb(model, "nlb-1", ACCOUNT));
    struct tm_target_spec target = {
        .id = "tmt-1", .network_load_balancer_arn = "nlb-1",
    };
    check(tm_create_target(model, ACCOUNT, &target, NULL));
    struct tm_filter_spec filter = { .id = "tmf-1" };
    check(tm_create_filter(model, ACCOUNT, &filter, NULL));
    struct tm_session_spec session = {
        .network_interface_id = "eni-src", .target_id = "tmt-1",
        .filter_id = "tmf-1", .session_number = 1, .vni = 7,
        .packet_length = TM_UNSET,
    };
    check(tm_create_session(model, ACCOUNT, &session, NULL));

    struct tm_target_address nlb = { .target = "tmt-1" };
    in6_addr_set_mapped_ipv4(&nlb.ip, htonl(0xc0a86401));
    struct tm_compile_input input = {
        .model = model, .enis = &loc, .n_enis = 1,
        .targets = &nlb, .n_targets = 1,
    };
    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(100);
    tm_flows_init(&empty);
    tm_flows_init(&full);
    char *error = tm_compile(&input, &options, &empty);
    for (int r = 1; !error && r <= TM_MAX_RULES_PER_FILTER; r++) {
        struct tm_rule_spec rule = {
            .direction = "ingress", .rule_number = r, .action = "accept",
            .protocol = "udp", .source_cidr = "0.0.0.0/0",
            .destination_cidr = "0.0.0.0/0",
            .source_port_range = "1-65534",
            .destination_port_range = "1-65534",
        };
        check(tm_create_rule(model, ACCOUNT, "tmf-1", &rule, NULL));
    }
    if (!error) {
        error = tm_compile(&input, &options, &full);
    }
    if (error) {
        ovs_fatal(0, "%s", error);
    }

    double per_rule = (double) (full.n - empty.n) / TM_MAX_RULES_PER_FILTER;
    char *name = xasprintf("flows per rule, both ports 1-65534 (%"PRIuSIZE
                           " prefixes each; product %"PRIuSIZE")", cover,
                           cover * cover);
    printf("| %-68s | %8.1f flows/rule | %6.2fx |\n", name, per_rule,
           per_rule / (double) (cover * cover));
    free(name);
    tm_flows_destroy(&empty);
    tm_flows_destroy(&full);
    tm_model_destroy(model);
}

static void usage(void) OVS_NO_RETURN;

static void
usage(void)
{
    printf("%s: ovs-tmirror benchmarks\n"
           "usage: %s [OPTIONS]\n"
           "\n"
           "Prints a table: each row's cost and its ratio to the baseline "
           "row measured\n"
           "in the same run, interleaved with it (median of %d "
           "repetitions).\n"
           "\n"
           "Options:\n"
           "  -t, --time=SECONDS  time per case and repetition "
           "(default: %.1f)\n"
           "  -h, --help          display this help message\n",
           program_name, program_name, N_REPS, target_seconds);
    exit(EXIT_SUCCESS);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"time", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 't':
            target_seconds = strtod(optarg, NULL);
            if (target_seconds <= 0) {
                free(short_options);
                ovs_fatal(0, "--time: \"%s\" is not a positive number",
                          optarg);
            }
            break;
        case 'h':
            free(short_options);
            usage();
        case '?':
            free(short_options);
            exit(2);
        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    random_set_seed(1);
    printf("| %-68s | %19s | %7s |\n", "benchmark", "cost", "ratio");
    printf("|%s|%s|%s|\n", "----------------------------------------------"
           "------------------------", "---------------------", "---------");
    bench_evaluator();
    bench_rule_flows();
    bench_compiler();
    return 0;
}
