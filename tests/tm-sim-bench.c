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

/* tm-sim-bench: the simulator's part of "make bench".
 *
 * Generates a large topology (seeded, so the same seed gives the same
 * file): by default 1,000 VPCs in 10 accounts, 100 network interfaces
 * each (100,000), groups of 10 VPCs fully meshed by peering, 10 transit
 * gateways of 100 attachments each with propagations and blackholes,
 * network ACLs of 20 entries, 10 security groups of 10 rules per VPC, and
 * 10,000 sessions to 100 shared targets.  Then it measures loading it,
 * checking every session, the memory kept per network interface, and
 * re-checking after one change (a route, a security group rule, a network
 * ACL entry) with sim_recheck(), side by side with the old way, re-checking
 * whole the sessions that consulted the changed component: for random
 * changes (most touch no session) and for changes, to what a random
 * session consulted, that change a verdict (the targets).  Last,
 * the load time of N and of 4N elements side by side, whose ratio
 * says whether loading is linear in the size of a topology. */

#include <config.h>

#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "random.h"
#include "tm-bench-util.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

#define ENIS_PER_VPC 100
#define VPCS_PER_ACCOUNT 100
#define VPCS_PER_PEERING_GROUP 10
#define VPCS_PER_TGW 100
#define SUBNETS_PER_VPC 4
#define SGS_PER_VPC 10
#define RULES_PER_SG 10
#define ACL_ENTRIES 10          /* Per direction. */

struct params {
    int n_vpcs;
    int n_sessions;
    int n_changes;
    int n_load;                 /* Accounts of the smaller load test. */
    uint32_t seed;
    const char *write;          /* File to write the topology to, or
                                 * NULL. */
};

/* The processor time of this process (the machine may be loaded by
 * others). */
static double
cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The processor time of the calling thread. */
static double
thread_cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
put_random_cidr24(struct ds *s)
{
    ds_put_format(s, "%u.%u.%u.0/24", 11 + random_range(100),
                  random_range(256), random_range(256));
}

static int
account_of(int vpc)
{
    return 100000 + vpc / VPCS_PER_ACCOUNT;
}

static void
generate_vpc(struct ds *s, int v, int n_vpcs)
{
    int group = v / VPCS_PER_PEERING_GROUP;

    ds_put_format(s, "<vpc id=\"vpc-%d\" cidr=\"", v);
    tm_bench_put_ip(s, v, 0);
    ds_put_cstr(s, "/20\">\n");
    for (int k = 0; k < SUBNETS_PER_VPC; k++) {
        ds_put_format(s, "<subnet id=\"subnet-%d-%d\" cidr=\"", v, k);
        tm_bench_put_ip(s, v, k * 1024);
        ds_put_format(s, "/22\" availability-zone=\"az%d\" "
                      "route-table=\"rtb-%d\" network-acl=\"acl-%d\"/>\n",
                      k % 2 + 1, v, v);
    }

    /* Routes: the peers of its group, one blackhole, the rest of 10/8 to
     * its transit gateway. */
    ds_put_format(s, "<route-table id=\"rtb-%d\">\n", v);
    for (int p = group * VPCS_PER_PEERING_GROUP;
         p < (group + 1) * VPCS_PER_PEERING_GROUP && p < n_vpcs; p++) {
        if (p != v) {
            ds_put_cstr(s, "<route destination=\"");
            tm_bench_put_ip(s, p, 0);
            ds_put_format(s, "/20\" target=\"pcx-%d-%d\"/>\n", MIN(v, p),
                          MAX(v, p));
        }
    }
    ds_put_cstr(s, "<route destination=\"");
    put_random_cidr24(s);
    ds_put_cstr(s, "\" blackhole=\"true\"/>\n");
    ds_put_format(s, "<route destination=\"10.0.0.0/8\" target=\"tgw-%d\"/>"
                  "\n<route destination=\"0.0.0.0/0\" target=\"igw-%d\"/>\n"
                  "</route-table>\n", v / VPCS_PER_TGW, v);

    /* A network ACL of realistic size: TCP denials first, then the
     * allowances. */
    ds_put_format(s, "<network-acl id=\"acl-%d\">\n", v);
    for (int d = 0; d < 2; d++) {
        const char *dir = d ? "egress" : "ingress";

        for (int e = 0; e < ACL_ENTRIES - 2; e++) {
            int port = 1 + random_range(60000);

            ds_put_format(s, "<entry rule-number=\"%d\" direction=\"%s\" "
                          "rule-action=\"deny\" protocol=\"6\" cidr=\"",
                          10 + e * 10, dir);
            put_random_cidr24(s);
            ds_put_format(s, "\" from-port=\"%d\" to-port=\"%d\"/>\n", port,
                          port + random_range(100));
        }
        if (!d && v % 50 == 0) {
            /* Every fifth target refuses copies from the first VPCs. */
            ds_put_cstr(s, "<entry rule-number=\"90\" direction=\"ingress\" "
                        "rule-action=\"deny\" protocol=\"17\" "
                        "cidr=\"10.0.0.0/12\" from-port=\"4789\" "
                        "to-port=\"4789\"/>\n");
        }
        ds_put_format(s, "<entry rule-number=\"100\" direction=\"%s\" "
                      "rule-action=\"allow\" protocol=\"17\" "
                      "cidr=\"10.0.0.0/8\" from-port=\"4789\" "
                      "to-port=\"4789\"/>\n"
                      "<entry rule-number=\"110\" direction=\"%s\" "
                      "rule-action=\"allow\" protocol=\"6\" "
                      "cidr=\"0.0.0.0/0\" from-port=\"443\" "
                      "to-port=\"443\"/>\n", dir, dir);
    }
    ds_put_cstr(s, "</network-acl>\n");

    /* Security groups; sg-V-0 lets in VXLAN from 10/8. */
    for (int g = 0; g < SGS_PER_VPC; g++) {
        ds_put_format(s, "<security-group id=\"sg-%d-%d\">\n", v, g);
        for (int r = 0; r < RULES_PER_SG; r++) {
            if (g == 0 && r == 0) {
                ds_put_cstr(s, "<rule direction=\"ingress\" protocol=\"17\" "
                            "from-port=\"4789\" to-port=\"4789\" "
                            "cidr=\"10.0.0.0/8\"/>\n");
            } else if (r == 1) {
                ds_put_format(s, "<rule direction=\"ingress\" "
                              "protocol=\"6\" from-port=\"22\" "
                              "to-port=\"22\" source-group=\"sg-%d-%d\"/>\n",
                              v, (g + 1) % SGS_PER_VPC);
            } else {
                int port = 1 + random_range(60000);

                ds_put_format(s, "<rule direction=\"%s\" protocol=\"6\" "
                              "from-port=\"%d\" to-port=\"%d\" cidr=\"",
                              r % 3 ? "ingress" : "egress", port, port);
                put_random_cidr24(s);
                ds_put_cstr(s, "\"/>\n");
            }
        }
        ds_put_cstr(s, "</security-group>\n");
    }

    /* Interfaces; the last of every tenth VPC is a mirror target. */
    for (int j = 0; j < ENIS_PER_VPC; j++) {
        int k = j % SUBNETS_PER_VPC;

        ds_put_format(s, "<network-interface id=\"eni-%d-%d\" "
                      "subnet=\"subnet-%d-%d\" ip=\"", v, j, v, k);
        tm_bench_put_ip(s, v, k * 1024 + 10 + j / SUBNETS_PER_VPC);
        ds_put_format(s, "\" security-groups=\"sg-%d-%d sg-%d-%d\"%s/>\n",
                      v, j % SGS_PER_VPC, v, (j + 1) % SGS_PER_VPC,
                      j == ENIS_PER_VPC - 1 ? " instance-type=\"m5.24xlarge\""
                      : "");
    }
    ds_put_cstr(s, "</vpc>\n");
}

/* The target of session 'x': one of the 10 targets of the source's
 * transit gateway's VPCs, each getting at most one session from each
 * VPC. */
static int
session_target(int x, int n_vpcs, int n_targets)
{
    int v = x % n_vpcs;
    int per_tgw = VPCS_PER_TGW / VPCS_PER_PEERING_GROUP;
    int t = v / VPCS_PER_TGW * per_tgw + x / n_vpcs % per_tgw;

    return t < n_targets ? t : x % n_targets;
}

static void
generate(const struct params *p, struct ds *s)
{
    int n_accounts = DIV_ROUND_UP(p->n_vpcs, VPCS_PER_ACCOUNT);
    int n_tgws = DIV_ROUND_UP(p->n_vpcs, VPCS_PER_TGW);
    int n_targets = DIV_ROUND_UP(p->n_vpcs, VPCS_PER_PEERING_GROUP);

    random_set_seed(p->seed);
    ds_put_format(s, "<?xml version=\"1.0\"?>\n<!-- Generated by "
                  "tm-sim-bench: seed %"PRIu32", %d VPCs, %d sessions. "
                  "-->\n<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n",
                  p->seed, p->n_vpcs, p->n_sessions);
    for (int a = 0; a < n_accounts; a++) {
        int first = a * VPCS_PER_ACCOUNT;
        int last = MIN(first + VPCS_PER_ACCOUNT, p->n_vpcs);

        ds_put_format(s, "<account id=\"%d\" organization=\"o-1\">\n",
                      account_of(first));
        for (int v = first; v < last; v++) {
            generate_vpc(s, v, p->n_vpcs);
        }

        /* Peerings whose requester is here. */
        for (int v = first; v < last; v++) {
            int group_end = MIN((v / VPCS_PER_PEERING_GROUP + 1)
                                * VPCS_PER_PEERING_GROUP, p->n_vpcs);
            for (int w = v + 1; w < group_end; w++) {
                ds_put_format(s, "<vpc-peering id=\"pcx-%d-%d\" "
                              "requester-vpc=\"vpc-%d\" "
                              "accepter-vpc=\"vpc-%d\" status=\"active\"/>\n",
                              v, w, v, w);
            }
        }

        /* This account's transit gateways. */
        for (int t = 0; t < n_tgws; t++) {
            if (account_of(t * VPCS_PER_TGW) != account_of(first)) {
                continue;
            }
            ds_put_format(s, "<transit-gateway id=\"tgw-%d\">\n", t);
            for (int v = t * VPCS_PER_TGW;
                 v < MIN((t + 1) * VPCS_PER_TGW, p->n_vpcs); v++) {
                ds_put_format(s, "<attachment id=\"tgw-attach-%d\" "
                              "vpc=\"vpc-%d\" subnets=\"subnet-%d-0 "
                              "subnet-%d-1\" association=\"tgw-rtb-%d\" "
                              "propagations=\"tgw-rtb-%d\"/>\n",
                              v, v, v, v, t, t);
            }
            ds_put_format(s, "<route-table id=\"tgw-rtb-%d\">\n", t);
            for (int b = 0; b < 10; b++) {
                ds_put_cstr(s, "<route destination=\"");
                put_random_cidr24(s);
                ds_put_cstr(s, "\" blackhole=\"true\"/>\n");
            }
            ds_put_cstr(s, "</route-table>\n</transit-gateway>\n");
        }

        /* The targets here, shared with the organization. */
        struct ds shared = DS_EMPTY_INITIALIZER;
        for (int t = 0; t < n_targets; t++) {
            int v = t * VPCS_PER_PEERING_GROUP;

            if (account_of(v) == account_of(first)) {
                ds_put_format(s, "<traffic-mirror-target id=\"tmt-%d\" "
                              "network-interface=\"eni-%d-%d\"/>\n", t, v,
                              ENIS_PER_VPC - 1);
                ds_put_format(&shared, " tmt-%d", t);
            }
        }
        if (shared.length) {
            ds_put_format(s, "<resource-share id=\"rs-%d\" resources=\"%s\" "
                          "principals=\"o-1\" status=\"accepted\"/>\n",
                          a, ds_cstr(&shared) + 1);
        }
        ds_destroy(&shared);

        ds_put_format(s, "<traffic-mirror-filter id=\"tmf-%d\">\n"
                      "<rule direction=\"ingress\" rule-number=\"10\" "
                      "rule-action=\"accept\" protocol=\"6\" "
                      "source-cidr=\"0.0.0.0/0\" "
                      "destination-cidr=\"0.0.0.0/0\" "
                      "destination-port-range=\"443\"/>\n"
                      "<rule direction=\"egress\" rule-number=\"10\" "
                      "rule-action=\"accept\" source-cidr=\"0.0.0.0/0\" "
                      "destination-cidr=\"0.0.0.0/0\"/>\n"
                      "</traffic-mirror-filter>\n", a);

        /* Session 'x' mirrors interface x / n_vpcs of VPC x % n_vpcs, one
         * session per source, to a target that its transit gateway or a
         * peering reaches, at most 100 sessions per target. */
        for (int x = 0; x < p->n_sessions; x++) {
            int v = x % p->n_vpcs;

            if (v < first || v >= last) {
                continue;
            }
            ds_put_format(s, "<traffic-mirror-session id=\"tms-%d\" "
                          "network-interface=\"eni-%d-%d\" "
                          "traffic-mirror-target=\"tmt-%d\" "
                          "traffic-mirror-filter=\"tmf-%d\" "
                          "session-number=\"1\"/>\n", x, v,
                          x / p->n_vpcs % (ENIS_PER_VPC - 1),
                          session_target(x, p->n_vpcs, n_targets), a);
        }
        ds_put_cstr(s, "</account>\n");
    }
    ds_put_cstr(s, "</topology>\n");
}

/* For the baseline: the sessions (indexes into a report's results) that
 * consulted a component, by its id. */
struct consumers {
    size_t *results;
    size_t n, allocated;
};

static void
consumers_index(struct shash *consumers, const struct sim_report *report)
{
    for (size_t i = 0; i < report->n_results; i++) {
        struct sset consulted = SSET_INITIALIZER(&consulted);
        const char *name;

        sim_result_get_consulted(&report->results[i], &consulted);
        SSET_FOR_EACH (name, &consulted) {
            struct consumers *c = shash_find_data(consumers, name);

            if (!c) {
                c = xzalloc(sizeof *c);
                shash_add(consumers, name, c);
            }
            if (c->n >= c->allocated) {
                c->results = x2nrealloc(c->results, &c->allocated,
                                        sizeof *c->results);
            }
            c->results[c->n++] = i;
        }
        sset_destroy(&consulted);
    }
}

static void
consumers_destroy(struct shash *consumers)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, consumers) {
        struct consumers *c = node->data;

        free(c->results);
        free(c);
    }
    shash_destroy(consumers);
}

/* The old way, as the baseline: re-checks, whole, each session of
 * 'report' that consulted 'component' when first checked, and throws the
 * new results away.  Returns the seconds it took. */
static double
recheck_whole(const struct sim_topology *topo,
              const struct sim_report *report,
              const struct shash *consumers, const char *component)
{
    const struct consumers *c = shash_find_data(consumers, component);
    double t0 = cpu_now();

    for (size_t i = 0; c && i < c->n; i++) {
        struct sim_result r;

        sim_check_session(topo, report->results[c->results[i]].session, &r);
        sim_result_destroy(&r);
    }
    return cpu_now() - t0;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_;
    const double *b = b_;

    return (*a > *b) - (*a < *b);
}

enum change_kind {
    CHANGE_ROUTE,
    CHANGE_SG_RULE,
    CHANGE_ACL_ENTRY,
};

/* One change and its re-check. */
struct change_time {
    double t;                   /* Seconds of sim_recheck(). */
    double texts;               /* Seconds of making the sentences that it
                                 * left for later. */
    double baseline;            /* Seconds of re-checking, whole, the
                                 * sessions that consulted the component. */
    size_t n;                   /* Sessions that sim_recheck() looked at
                                 * (its return value). */
    size_t n_verdicts;          /* Verdicts that it changed. */
};

/* Makes one random change of 'kind' to 'topo', re-checks what it affects
 * with sim_recheck() and, unless 'verdicts_only' and it changed no
 * verdict, also whole (the baseline), then undoes it and re-checks again.
 * If 'consulted', changes a component that a random session consulted.
 * Returns the times and counts of the first re-check. */
static struct change_time
one_change(struct sim_topology *topo, struct sim_report *report,
           struct sim_index *index, const struct shash *consumers,
           enum change_kind kind, bool consulted, bool verdicts_only)
{
    const struct sim_result *r
        = &report->results[random_range(report->n_results)];
    const struct sim_mirror_session *session = r->session;
    struct sset changed = SSET_INITIALIZER(&changed);
    struct change_time ct;
    const char *component;
    char *saved = NULL;
    int *protocol = NULL, saved_protocol = 0;
    bool *allow = NULL;
    struct sim_route *route = NULL;
    double t0;

    switch (kind) {
    case CHANGE_ROUTE: {
        struct sim_route_table *rtb
            = (consulted
               ? shash_find_data(&topo->route_tables_by_id,
                                 session->source->subnet->route_table->id)
               : topo->route_tables[random_range(topo->n_route_tables)]);

        route = &rtb->routes[random_range(rtb->n_routes)];
        component = rtb->id;
        saved = route->target;
        route->target = NULL;           /* Make it a blackhole. */
        break;
    }
    case CHANGE_SG_RULE: {
        const struct sim_eni *eni = session->target->eni;
        struct sim_security_group *sg
            = (consulted && eni && eni->n_groups
               ? shash_find_data(&topo->groups_by_id,
                                 eni->groups[random_range(
                                     eni->n_groups)]->id)
               : topo->groups[random_range(topo->n_groups)]);

        struct sim_sg_rule *rule = &sg->rules[random_range(sg->n_rules)];

        protocol = &rule->protocol;
        component = sg->id;
        saved_protocol = *protocol;
        *protocol = *protocol == 17 ? 6 : 17;
        break;
    }
    case CHANGE_ACL_ENTRY:
    default: {
        const struct sim_eni *eni = session->target->eni;
        const struct sim_subnet *subnet = (random_range(2) || !eni
                                           ? session->source->subnet
                                           : eni->subnet);
        struct sim_network_acl *acl
            = (consulted && subnet->acl
               ? shash_find_data(&topo->acls_by_id, subnet->acl->id)
               : topo->acls[random_range(topo->n_acls)]);

        struct sim_acl_entry *entry
            = &acl->entries[random_range(acl->n_entries)];

        allow = &entry->allow;
        component = acl->id;
        *allow = !*allow;
        break;
    }
    }
    t0 = cpu_now();
    ct.n = sim_recheck(topo, report, index, &component, 1, &changed);
    ct.t = cpu_now() - t0;
    ct.n_verdicts = sset_count(&changed);

    const struct consumers *c = shash_find_data(consumers, component);
    t0 = cpu_now();
    for (size_t i = 0; c && i < c->n; i++) {
        sim_result_make_texts(topo, &report->results[c->results[i]]);
    }
    ct.texts = cpu_now() - t0;

    ct.baseline = (!verdicts_only || ct.n_verdicts
                   ? recheck_whole(topo, report, consumers, component)
                   : 0);

    if (route) {
        route->target = saved;
    } else if (protocol) {
        *protocol = saved_protocol;
    } else {
        *allow = !*allow;
    }
    sim_recheck(topo, report, index, &component, 1, NULL);
    sset_destroy(&changed);
    return ct;
}

/* The medians of 'n' changes' times and counts. */
static struct change_time
change_medians(const struct change_time *cts, size_t n)
{
    double *t = xmalloc(MAX(n, 1) * sizeof *t);
    double *texts = xmalloc(MAX(n, 1) * sizeof *texts);
    double *baseline = xmalloc(MAX(n, 1) * sizeof *baseline);
    double *sessions = xmalloc(MAX(n, 1) * sizeof *sessions);
    double *verdicts = xmalloc(MAX(n, 1) * sizeof *verdicts);
    struct change_time m = { .t = 0 };

    for (size_t i = 0; i < n; i++) {
        t[i] = cts[i].t;
        texts[i] = cts[i].texts;
        baseline[i] = cts[i].baseline;
        sessions[i] = cts[i].n;
        verdicts[i] = cts[i].n_verdicts;
    }
    if (n) {
        qsort(t, n, sizeof *t, compare_doubles);
        qsort(texts, n, sizeof *texts, compare_doubles);
        qsort(baseline, n, sizeof *baseline, compare_doubles);
        qsort(sessions, n, sizeof *sessions, compare_doubles);
        qsort(verdicts, n, sizeof *verdicts, compare_doubles);
        m.t = t[n / 2];
        m.texts = texts[n / 2];
        m.baseline = baseline[n / 2];
        m.n = sessions[n / 2];
        m.n_verdicts = verdicts[n / 2];
    }
    free(t);
    free(texts);
    free(baseline);
    free(sessions);
    free(verdicts);
    return m;
}

/* Prints a row of a re-check: its median time, its baseline, their ratio
 * and 'target' (microseconds; 0 if none), with a note on the sessions, and
 * 'why' if the target is missed. */
static void
print_change_row(const char *label, const struct change_time *m,
                 double target, const char *why)
{
    char *target_s = target ? xasprintf("< %.0f us", target) : xstrdup("");

    double ratio = m->t > 0 ? m->baseline / m->t : 0;

    printf("%-52s %11.1f us %10s  ", label, m->t * 1e6, target_s);
    if (m->n) {
        printf("baseline %.1f us (%.1fx); ", m->baseline * 1e6, ratio);
    }
    printf("%"PRIuSIZE" session%s looked at again, %"PRIuSIZE" verdict%s "
           "changed", m->n, m->n == 1 ? "" : "s", m->n_verdicts,
           m->n_verdicts == 1 ? "" : "s");
    if (m->texts * 1e6 >= 0.05) {
        printf("; the sentences, later: %.1f us", m->texts * 1e6);
    }
    putchar('\n');
    if (target) {
        bool met = m->t * 1e6 < target;

        printf("  target %s: %s (%.2fx of it)%s%s\n", target_s,
               met ? "met" : "MISSED", m->t * 1e6 / target,
               met ? "" : "; ", met ? "" : why);
    }
    free(target_s);
}

struct load_time {
    double wall;                /* Seconds of wall time. */
    double cpu;                 /* Seconds of processor time. */
    double caller_cpu;          /* Of it, the caller's thread's. */
};

/* Loads the topology in 'xml' into '*topop', with the validation on a
 * second thread if 'parallel', and returns how long that took. */
static struct load_time
timed_load(const struct ds *xml, bool parallel, struct sim_topology **topop)
{
    struct load_time t;
    char *error;

    sim_topology_set_parallel_load(parallel);
    t.wall = tm_bench_now();
    t.cpu = cpu_now();
    t.caller_cpu = thread_cpu_now();
    error = sim_topology_load_memory("generated.xml", xml->string,
                                     xml->length, topop);
    t.caller_cpu = thread_cpu_now() - t.caller_cpu;
    t.cpu = cpu_now() - t.cpu;
    t.wall = tm_bench_now() - t.wall;
    sim_topology_set_parallel_load(true);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    return t;
}

/* Load time against size: a topology of 'n_accounts' small accounts (one
 * VPC with a subnet, a route table, a network ACL, a security group and two
 * interfaces; one mirror target, filter and session), all siblings under
 * the root, into 's'.  Returns the number of elements. */
static size_t
generate_flat(int n_accounts, struct ds *s)
{
    ds_put_cstr(s, "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n");
    for (int i = 0; i < n_accounts; i++) {
        ds_put_format(s,
            "<account id=\"%d\"><vpc id=\"vpc-%d\" cidr=\"10.0.0.0/16\">"
            "<subnet id=\"subnet-%d\" cidr=\"10.0.1.0/24\" "
            "network-acl=\"acl-%d\"/>\n"
            "<route-table id=\"rtb-%d\"/><network-acl id=\"acl-%d\">"
            "<entry rule-number=\"100\" direction=\"ingress\" "
            "rule-action=\"allow\" protocol=\"-1\" cidr=\"0.0.0.0/0\"/>"
            "</network-acl>\n"
            "<security-group id=\"sg-%d\"><rule direction=\"ingress\" "
            "protocol=\"-1\" cidr=\"0.0.0.0/0\"/></security-group>\n"
            "<network-interface id=\"eni-%d-a\" subnet=\"subnet-%d\" "
            "ip=\"10.0.1.10\" security-groups=\"sg-%d\"/>\n"
            "<network-interface id=\"eni-%d-b\" subnet=\"subnet-%d\" "
            "ip=\"10.0.1.20\" security-groups=\"sg-%d\"/></vpc>\n"
            "<traffic-mirror-target id=\"tmt-%d\" "
            "network-interface=\"eni-%d-b\"/>"
            "<traffic-mirror-filter id=\"tmf-%d\"/>\n"
            "<traffic-mirror-session id=\"tms-%d\" "
            "network-interface=\"eni-%d-a\" traffic-mirror-target=\"tmt-%d\" "
            "traffic-mirror-filter=\"tmf-%d\" session-number=\"1\"/>"
            "</account>\n",
            i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i);
    }
    ds_put_cstr(s, "</topology>\n");
    return 1 + n_accounts * 14;
}

/* Returns the processor time of loading a topology of 'n_accounts' flat
 * accounts, the least of three loads, and its element count in
 * '*n_elements'. */
static double
time_flat_load(int n_accounts, size_t *n_elements)
{
    struct ds xml = DS_EMPTY_INITIALIZER;
    double best = DBL_MAX;

    *n_elements = generate_flat(n_accounts, &xml);
    for (int i = 0; i < 3; i++) {
        struct sim_topology *topo;
        double t0 = cpu_now();
        char *error = sim_topology_load_memory("flat.xml", xml.string,
                                               xml.length, &topo);

        best = MIN(best, cpu_now() - t0);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        sim_topology_destroy(topo);
    }
    ds_destroy(&xml);
    return best;
}

static void usage(void) OVS_NO_RETURN;

static void
usage(void)
{
    printf("%s: benchmark of the traffic mirroring simulator\n"
           "usage: %s [OPTIONS]\n"
           "\n"
           "Options:\n"
           "  --vpcs=N          VPCs (100 network interfaces each; "
           "default 1000)\n"
           "  --sessions=N      mirror sessions (default 10000)\n"
           "  --changes=N       changes of each kind (default 301)\n"
           "  --load=N          accounts of the load-time rows (N and 4N; "
           "default 2500)\n"
           "  --seed=N          seed of the generator (default 1)\n"
           "  --write=FILE      also write the generated topology to FILE\n"
           "  -h, --help        display this help message\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[], struct params *p)
{
    enum { OPT_VPCS = UCHAR_MAX + 1, OPT_SESSIONS, OPT_CHANGES, OPT_LOAD,
           OPT_SEED, OPT_WRITE };
    static const struct option long_options[] = {
        {"vpcs", required_argument, NULL, OPT_VPCS},
        {"sessions", required_argument, NULL, OPT_SESSIONS},
        {"changes", required_argument, NULL, OPT_CHANGES},
        {"load", required_argument, NULL, OPT_LOAD},
        {"seed", required_argument, NULL, OPT_SEED},
        {"write", required_argument, NULL, OPT_WRITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        int value;

        if (c == -1) {
            break;
        }
        if (c != 'h' && c != OPT_WRITE && c != '?'
            && (!str_to_int(optarg, 10, &value) || value < 1)) {
            ovs_fatal(0, "%s: \"%s\" is not a positive integer",
                      argv[optind - 1], optarg);
        }
        switch (c) {
        case OPT_VPCS:
            p->n_vpcs = value;
            break;
        case OPT_SESSIONS:
            p->n_sessions = value;
            break;
        case OPT_CHANGES:
            p->n_changes = value;
            break;
        case OPT_LOAD:
            p->n_load = value;
            break;
        case OPT_SEED:
            p->seed = value;
            break;
        case OPT_WRITE:
            p->write = optarg;
            break;
        case 'h':
            usage();
        case '?':
            exit(EXIT_FAILURE);
        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);
}

int
main(int argc, char *argv[])
{
    struct params p = {
        .n_vpcs = 1000, .n_sessions = 10000, .n_changes = 301,
        .n_load = 2500, .seed = 1,
    };
    struct ds xml = DS_EMPTY_INITIALIZER;
    struct sim_topology *topo;
    struct sim_report *report;
    struct rusage usage_;
    char *error;
    double t0;

    set_program_name(argv[0]);
    parse_options(argc, argv, &p);
    if (p.n_sessions > p.n_vpcs * (ENIS_PER_VPC - 1)) {
        ovs_fatal(0, "at most %d sessions for %d VPCs (one per source)",
                  p.n_vpcs * (ENIS_PER_VPC - 1), p.n_vpcs);
    }

    t0 = tm_bench_now();
    generate(&p, &xml);
    double t_generate = tm_bench_now() - t0;
    if (p.write) {
        FILE *file = fopen(p.write, "w");

        if (!file || fputs(ds_cstr(&xml), file) < 0 || fclose(file)) {
            ovs_fatal(errno, "%s: cannot write", p.write);
        }
    }

    size_t before = mallinfo2().uordblks;
    struct load_time load = timed_load(&xml, true, &topo);
    size_t retained = mallinfo2().uordblks - before;
    size_t xml_bytes = xml.length;

    /* glibc consolidates the many small blocks that loading freed at the
     * first large allocation after it (perf shows malloc_consolidate()):
     * make it here, apart, so that the check's row times the check. */
    t0 = cpu_now();
    free(xmalloc(1024 * 1024));
    double t_consolidate = cpu_now() - t0;

    t0 = cpu_now();
    error = sim_check(topo, NULL, 0, &report);
    double t_check = cpu_now() - t0;
    if (error) {
        ovs_fatal(0, "%s", error);
    }

    size_t counts[3] = { 0, 0, 0 };
    for (size_t i = 0; i < report->n_results; i++) {
        counts[report->results[i].verdict]++;
    }
    struct shash consumers = SHASH_INITIALIZER(&consumers);
    consumers_index(&consumers, report);
    t0 = cpu_now();
    struct sim_index *index = sim_index_create(report);
    double t_index = cpu_now() - t0;

    static const char *const kinds[] = {
        "a route", "a security group rule", "a network ACL entry",
    };
    /* The targets, for a change that affects sessions, and what
     * perf (cpu-clock) showed of such re-checks here (the share of
     * sim_recheck()'s samples), once the targets were met on a loaded
     * machine. */
    static const double targets[] = { 20, 50, 20 };
    static const char *const whys[] = {
        "profiled: routing through\n  a transit gateway (~30%) and in "
        "the VPC (~15%), the index's upkeep as the paths\n  change "
        "(~17%), splicing the new hops in (~8%)",
        "profiled: the security\n  group step (~35%), the steps' "
        "bookkeeping (~20%), splicing the new hops in (~15%),\n  the "
        "index (~10%); much of it is the first touch of each session's "
        "state",
        "profiled: the first touch of\n  each of the 109 sessions' "
        "state to find its deciding entry again (its session,\n  "
        "interface and trace: ~50%), the loop over them (~25%), splicing "
        "the new hops\n  in (~10%)",
    };

    /* Random changes (most affect no session), and apart changes to what
     * a random session consulted that change a verdict. */
    struct change_time random_medians[3], hit_medians[3];
    size_t n_hits[3];
    struct change_time *cts = xcalloc(p.n_changes, sizeof *cts);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < p.n_changes; i++) {
            cts[i] = one_change(topo, report, index, &consumers, k, false,
                                false);
        }
        random_medians[k] = change_medians(cts, p.n_changes);

        n_hits[k] = 0;
        for (int tries = 0; n_hits[k] < p.n_changes
             && tries < 100 * p.n_changes; tries++) {
            struct change_time ct = one_change(topo, report, index,
                                               &consumers, k, true, true);
            if (ct.n_verdicts) {
                cts[n_hits[k]++] = ct;
            }
        }
        hit_medians[k] = change_medians(cts, n_hits[k]);
    }
    free(cts);

    getrusage(RUSAGE_SELF, &usage_);

    /* The same load on one thread, validation first, as before loads used
     * two (after the peak memory above, which it would raise). */
    struct sim_topology *topo1;
    struct load_time load1 = timed_load(&xml, false, &topo1);
    sim_topology_destroy(topo1);
    ds_destroy(&xml);
    printf("tm-sim bench (seed %"PRIu32"): %"PRIuSIZE" VPCs, %"PRIuSIZE
           " network interfaces, %"PRIuSIZE" subnets, %"PRIuSIZE
           " peerings,\n  %"PRIuSIZE" transit gateways, %"PRIuSIZE
           " security groups, %"PRIuSIZE" network ACLs, %"PRIuSIZE
           " sessions\n"
           "  (%"PRIuSIZE" reachable, %"PRIuSIZE" blocked, %"PRIuSIZE
           " invalid); generated in %.2f s, %.1f MB of XML\n\n",
           p.seed, topo->n_vpcs, topo->n_enis, topo->n_subnets,
           topo->n_peerings, topo->n_tgws, topo->n_groups, topo->n_acls,
           topo->n_sessions, counts[SIM_REACHABLE], counts[SIM_BLOCKED],
           counts[SIM_INVALID], t_generate, xml_bytes / 1e6);
    printf("%-52s %14s %10s\n", "measure", "value", "target");
    printf("%-52s %12.3f s %10s  %s\n",
           "load, 2 threads (parse; validate | read, model)", load.wall,
           "< 1 s", "(wall time)");
    printf("%-52s %12.3f s %10s\n", "  processor time, both threads",
           load.cpu, "");
    printf("%-52s %12.3f s %10s\n",
           "    caller's thread (parse, read, model, free)", load.caller_cpu,
           "");
    printf("%-52s %12.3f s %10s\n", "    the other (validation, free)",
           load.cpu - load.caller_cpu, "");
    printf("%-52s %12.3f s %10s  (wall; %.3f s processor)\n",
           "  baseline: the same on 1 thread, validation first", load1.wall,
           "", load1.cpu);
    if (load.wall < 1.0) {
        printf("  target < 1 s: met (%.2fx of it; %.2fx of the 1-thread "
               "load)\n", load.wall, load.wall / load1.wall);
    } else {
        /* What the loader's phases, timed apart on each thread, and perf
         * (cpu-clock) showed here: the caller's thread is the longer. */
        printf("  target < 1 s: missed by %.2fx (%.2fx of the 1-thread "
               "load): this process got\n  %.2f cores of the 2 it could "
               "use; on 2 free cores the caller's thread\n  (%.3f s of "
               "processor time here) is about the wall time.  Of the "
               "processor\n  time, profiled: libxml2's parse ~25%%, the "
               "validation ~30%% (RelaxNG ~24%%,\n  patterns ~6%%), "
               "reading and the model ~35%%, freeing the tree ~10%% (half\n"
               "  on each thread)\n",
               load.wall, load.wall / load1.wall, load.cpu / load.wall,
               load.caller_cpu);
    }
    printf("%-52s %12.3f s %10s\n", "glibc consolidating what loading freed",
           t_consolidate, "");
    printf("  (at the first large allocation after loading, whoever makes "
           "it)\n");
    printf("%-52s %12.3f s %10s\n", "check every session (processor time)",
           t_check, "< 0.1 s");
    printf("%-52s %11.2f us %10s\n", "  per session",
           t_check / MAX(report->n_results, 1) * 1e6, "");
    printf("  target < 0.1 s: %s (%.2fx of it)%s\n",
           t_check < 0.1 ? "met" : "MISSED", t_check / 0.1,
           (t_check < 0.1 ? ""
            : "; profiled: routing through transit\n  gateways (~45%), "
            "the hops and the index of what each step read (~25%),\n  "
            "malloc in a heap that loading left fragmented (~20%)"));
    printf("%-52s %12.0f B %10s\n", "memory kept per network interface",
           (double) retained / MAX(topo->n_enis, 1), "<= 1024 B");
    printf("%-52s %12.0f B %10s\n", "peak resident memory per interface",
           usage_.ru_maxrss * 1024.0 / MAX(topo->n_enis, 1), "");
    printf("%-52s %12.3f s %10s\n", "index the report for re-checks",
           t_index, "");
    for (int k = 0; k < 3; k++) {
        char *label = xasprintf("re-check after %s (median of %d)",
                                kinds[k], p.n_changes);

        if (!k) {
            printf("re-checks (processor time), each against the baseline "
                   "of re-checking whole the\nsessions that consulted the "
                   "changed component:\n");
        }
        print_change_row(label, &random_medians[k], 0, NULL);
        free(label);

        label = xasprintf("  one that changes a verdict (median of "
                          "%"PRIuSIZE")", n_hits[k]);
        print_change_row(label, &hit_medians[k], targets[k], whys[k]);
        free(label);
    }

    /* Load time against size: N and 4N elements, side by side. */
    size_t n1, n4;
    double t1 = time_flat_load(p.n_load, &n1);
    double t4 = time_flat_load(4 * p.n_load, &n4);
    char *label = xasprintf("load %"PRIuSIZE" elements (processor time)", n1);
    printf("%-52s %12.3f s %10s\n", label, t1, "");
    free(label);
    label = xasprintf("load %"PRIuSIZE" elements (processor time)", n4);
    printf("%-52s %12.3f s %10s\n", label, t4, "");
    free(label);
    printf("%-52s %12.2f x %10s\n", "  ratio, 4x the elements", t4 / t1,
           "<= 5 x");

    consumers_destroy(&consumers);
    sim_index_destroy(index);
    sim_report_destroy(report);
    sim_topology_destroy(topo);
    return 0;
}
