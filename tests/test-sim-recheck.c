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

/* The incremental re-check (sim_recheck()) against the full check: random
 * topologies, thousands of random changes to their settings, and after
 * each, every result of the incrementally kept report compared, whole,
 * with a new sim_check() of the changed topology.
 *
 * TM_SIM_RECHECK_SEED and TM_SIM_RECHECK_CHANGES in the environment set
 * the seed and the number of changes (by default 1 and 10,000), to run it
 * longer than "make check" does. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "random.h"
#include "sset.h"
#include "tm-sim-test.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

#define N_VPCS 6
#define N_SGS 3                 /* Per VPC. */
#define N_ENIS 4                /* Per VPC. */
#define CHANGES_PER_TOPOLOGY 250

static bool
coin(int percent)
{
    return random_range(100) < percent;
}

/* A CIDR that the copies of the generated topologies may fall in or not:
 * a VPC's, a subnet's, an interface's, a load balancer node's, or wide. */
static void
put_random_cidr(struct ds *s)
{
    int v = random_range(N_VPCS);

    switch (random_range(7)) {
    case 0:
        ds_put_format(s, "10.%d.0.0/16", v);
        break;
    case 1:
        ds_put_format(s, "10.%d.%d.0/24", v, 1 + random_range(2));
        break;
    case 2:
        ds_put_format(s, "10.%d.%d.%d/32", v, 1 + random_range(2),
                      10 + random_range(N_ENIS));
        break;
    case 3:
        ds_put_cstr(s, "10.0.0.0/8");
        break;
    case 4:
        ds_put_cstr(s, "0.0.0.0/0");
        break;
    case 5:
        ds_put_format(s, "10.%d.0.0/17", v);
        break;
    default:
        ds_put_format(s, "10.0.%d.%d/32", 1 + random_range(2),
                      5 + random_range(2));
        break;
    }
}

static void
random_cidr(struct tm_cidr *cidr)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    put_random_cidr(&s);
    char *error = tm_parse_cidr(ds_cstr(&s), cidr);
    ovs_assert(!error);
    ds_destroy(&s);
}

static const char *
random_protocol(void)
{
    static const char *const protocols[] = { "17", "6", "-1" };

    return protocols[random_range(3)];
}

/* Which transit gateways attach VPC 'v'. */
static bool
tgw_attaches(int t, int v)
{
    return t ? v >= 2 : v <= 3;
}

static bool
vpcs_peered(int a, int b, const bool peered[N_VPCS][N_VPCS])
{
    return peered[MIN(a, b)][MAX(a, b)];
}

static void
put_sg_rule(struct ds *s, int v)
{
    const char *protocol = random_protocol();

    ds_put_format(s, "<rule direction=\"%s\" protocol=\"%s\"",
                  coin(80) ? "ingress" : "egress", protocol);
    if (strcmp(protocol, "-1") && coin(70)) {
        int from = coin(70) ? 4789 : 1 + random_range(5000);
        ds_put_format(s, " from-port=\"%d\" to-port=\"%d\"", from,
                      from + random_range(2));
    }
    if (coin(75)) {
        ds_put_cstr(s, " cidr=\"");
        put_random_cidr(s);
        ds_put_cstr(s, "\"");
    } else {
        int w = coin(60) ? v : (int) random_range(N_VPCS);
        ds_put_format(s, " source-group=\"sg-%d-%d\"", w,
                      random_range(N_SGS));
    }
    ds_put_cstr(s, "/>");
}

static void
put_acl(struct ds *s, const char *id)
{
    ds_put_format(s, "<network-acl id=\"%s\">", id);
    for (int d = 0; d < 2; d++) {
        int n = random_range(3);

        if (coin(95)) {
            ds_put_format(s, "<entry rule-number=\"100\" direction=\"%s\" "
                          "rule-action=\"allow\" protocol=\"-1\" "
                          "cidr=\"0.0.0.0/0\"/>", d ? "egress" : "ingress");
        }

        for (int e = 0; e < n; e++) {
            const char *protocol = random_protocol();

            ds_put_format(s, "<entry rule-number=\"%d\" direction=\"%s\" "
                          "rule-action=\"%s\" protocol=\"%s\" cidr=\"",
                          (e + 1) * 10, d ? "egress" : "ingress",
                          coin(80) ? "allow" : "deny", protocol);
            put_random_cidr(s);
            ds_put_cstr(s, "\"");
            if (strcmp(protocol, "-1")) {
                ds_put_cstr(s, " from-port=\"4000\" to-port=\"5000\"");
            }
            ds_put_cstr(s, "/>");
        }
    }
    ds_put_cstr(s, "</network-acl>\n");
}

/* A route of VPC 'v': to a peering of 'v', a transit gateway that
 * attaches it, an interface of it, a gateway or a blackhole. */
static void
put_route(struct ds *s, int v, const bool peered[N_VPCS][N_VPCS],
          struct sset *destinations)
{
    struct ds destination = DS_EMPTY_INITIALIZER;
    int w = random_range(N_VPCS);

    put_random_cidr(&destination);
    if (!sset_add(destinations, ds_cstr(&destination))) {
        /* A route table has one route per destination. */
        ds_destroy(&destination);
        return;
    }
    ds_put_format(s, "<route destination=\"%s\"", ds_cstr(&destination));
    ds_destroy(&destination);
    switch (random_range(5)) {
    case 0:
        if (w != v && vpcs_peered(v, w, peered)) {
            ds_put_format(s, " target=\"pcx-%d-%d\"", MIN(v, w), MAX(v, w));
            break;
        }
        /* Fall through. */
    case 1: {
        int t = random_range(2);
        if (tgw_attaches(t, v)) {
            ds_put_format(s, " target=\"tgw-%d\"", t);
            break;
        }
    }
        /* Fall through. */
    case 2:
        ds_put_format(s, " target=\"eni-%d-%d\"", v, random_range(N_ENIS));
        break;
    case 3:
        ds_put_format(s, " target=\"igw-%d\"", v);
        break;
    default:
        ds_put_cstr(s, " blackhole=\"true\"");
        break;
    }
    ds_put_cstr(s, "/>");
}

static char *
generate(void)
{
    bool peered[N_VPCS][N_VPCS];
    struct ds s = DS_EMPTY_INITIALIZER;

    memset(peered, 0, sizeof peered);
    for (int a = 0; a < N_VPCS; a++) {
        for (int b = a + 1; b < N_VPCS; b++) {
            peered[a][b] = coin(40);
        }
    }

    ds_put_cstr(&s, "<topology xmlns=\"urn:ovs-tmirror:topology:1\">\n"
                "<account id=\"111111111111\" organization=\"o-1\">\n");
    for (int v = 0; v < N_VPCS; v++) {
        bool acl2 = coin(70);

        ds_put_format(&s, "<vpc id=\"vpc-%d\" cidr=\"10.%d.0.0/16\">\n", v,
                      v);
        ds_put_format(&s, "<subnet id=\"subnet-%d-1\" cidr=\"10.%d.1.0/24\" "
                      "availability-zone=\"az1\" route-table=\"rtb-%d-1\" "
                      "network-acl=\"acl-%d-1\"/>\n", v, v, v, v);
        ds_put_format(&s, "<subnet id=\"subnet-%d-2\" cidr=\"10.%d.2.0/24\" "
                      "availability-zone=\"az2\" route-table=\"rtb-%d-%d\"",
                      v, v, v, coin(50) ? 1 : 2);
        if (acl2) {
            ds_put_format(&s, " network-acl=\"acl-%d-2\"", v);
        }
        ds_put_cstr(&s, "/>\n");
        for (int k = 1; k <= 2; k++) {
            struct sset destinations = SSET_INITIALIZER(&destinations);
            int n = random_range(3);

            ds_put_format(&s, "<route-table id=\"rtb-%d-%d\">", v, k);
            for (int w = 0; w < N_VPCS; w++) {
                /* Mostly, a way to every other VPC. */
                if (w == v || coin(20)) {
                    continue;
                }
                ds_put_format(&s, "<route destination=\"10.%d.0.0/16\" ",
                              w);
                if (vpcs_peered(v, w, peered)) {
                    ds_put_format(&s, "target=\"pcx-%d-%d\"/>", MIN(v, w),
                                  MAX(v, w));
                } else if (tgw_attaches(0, v) || tgw_attaches(1, v)) {
                    ds_put_format(&s, "target=\"tgw-%d\"/>",
                                  tgw_attaches(0, v) ? 0 : 1);
                } else {
                    ds_put_cstr(&s, "blackhole=\"true\"/>");
                }
                sset_add_and_free(&destinations,
                                  xasprintf("10.%d.0.0/16", w));
            }
            for (int i = 0; i < n; i++) {
                put_route(&s, v, peered, &destinations);
            }
            ds_put_cstr(&s, "</route-table>\n");
            sset_destroy(&destinations);
        }
        for (int k = 1; k <= 1 + acl2; k++) {
            char *id = xasprintf("acl-%d-%d", v, k);
            put_acl(&s, id);
            free(id);
        }
        for (int g = 0; g < N_SGS; g++) {
            int n = random_range(4);

            ds_put_format(&s, "<security-group id=\"sg-%d-%d\">", v, g);
            if (coin(85)) {
                ds_put_cstr(&s, "<rule direction=\"ingress\" protocol=\"17\" "
                            "from-port=\"4789\" to-port=\"4789\" "
                            "cidr=\"10.0.0.0/8\"/>");
            }
            for (int i = 0; i < n; i++) {
                put_sg_rule(&s, v);
            }
            ds_put_cstr(&s, "</security-group>\n");
        }
        for (int j = 0; j < N_ENIS; j++) {
            int g = random_range(N_SGS);

            ds_put_format(&s, "<network-interface id=\"eni-%d-%d\" "
                          "subnet=\"subnet-%d-%d\" ip=\"10.%d.%d.%d\" "
                          "security-groups=\"sg-%d-%d", v, j, v, j % 2 + 1,
                          v, j % 2 + 1, 10 + j, v, g);
            if (coin(40)) {
                ds_put_format(&s, " sg-%d-%d", v, (g + 1) % N_SGS);
            }
            ds_put_cstr(&s, "\"/>\n");
        }
        if (v == 0) {
            ds_put_format(&s, "<load-balancer id=\"nlb-0\" type=\"network\" "
                          "subnets=\"subnet-0-1 subnet-0-2\" "
                          "cross-zone=\"%s\"%s>"
                          "<node subnet=\"subnet-0-1\" ip=\"10.0.1.5\"/>"
                          "<node subnet=\"subnet-0-2\" ip=\"10.0.2.6\"/>"
                          "<listener protocol=\"%s\" port=\"4789\"/>"
                          "<target network-interface=\"eni-0-2\"%s/>"
                          "<target network-interface=\"eni-0-3\"%s/>"
                          "</load-balancer>\n",
                          coin(50) ? "true" : "false",
                          coin(50) ? " security-groups=\"sg-0-0\"" : "",
                          coin(80) ? "udp" : "tcp",
                          coin(70) ? "" : " healthy=\"false\"",
                          coin(70) ? "" : " healthy=\"false\"");
        }
        ds_put_cstr(&s, "</vpc>\n");
    }

    for (int a = 0; a < N_VPCS; a++) {
        for (int b = a + 1; b < N_VPCS; b++) {
            if (peered[a][b]) {
                ds_put_format(&s, "<vpc-peering id=\"pcx-%d-%d\" "
                              "requester-vpc=\"vpc-%d\" "
                              "accepter-vpc=\"vpc-%d\" "
                              "status=\"%s\"/>\n", a, b, a, b,
                              coin(80) ? "active" : "pending-acceptance");
            }
        }
    }

    for (int t = 0; t < 2; t++) {
        ds_put_format(&s, "<transit-gateway id=\"tgw-%d\" "
                      "security-group-referencing-support=\"%s\">\n", t,
                      coin(50) ? "enable" : "disable");
        for (int v = 0; v < N_VPCS; v++) {
            if (!tgw_attaches(t, v)) {
                continue;
            }

            int zones = coin(85) ? 3 : 1 + random_range(2);
            ds_put_format(&s, "<attachment id=\"att-%d-%d\" vpc=\"vpc-%d\" "
                          "subnets=\"", t, v, v);
            if (zones & 1) {
                ds_put_format(&s, "subnet-%d-1%s", v, zones & 2 ? " " : "");
            }
            if (zones & 2) {
                ds_put_format(&s, "subnet-%d-2", v);
            }
            ds_put_cstr(&s, "\"");
            if (coin(95)) {
                ds_put_format(&s, " association=\"tgw-rtb-%d-%d\"", t,
                              coin(90) ? 0 : 1);
            }
            if (coin(90)) {
                ds_put_format(&s, " propagations=\"tgw-rtb-%d-%d\"", t,
                              coin(90) ? 0 : 1);
            }
            if (coin(20)) {
                ds_put_cstr(&s, " security-group-referencing-support="
                            "\"disable\"");
            }
            ds_put_cstr(&s, "/>\n");
        }
        if (t == 0) {
            ds_put_format(&s, "<peering-attachment id=\"att-p\" "
                          "peer-transit-gateway=\"tgw-1\"%s%s/>\n",
                          coin(80) ? " association=\"tgw-rtb-0-1\"" : "",
                          (coin(80) ? " peer-association=\"tgw-rtb-1-1\""
                           : ""));
        }
        for (int k = 0; k < 2; k++) {
            struct sset destinations = SSET_INITIALIZER(&destinations);
            int n = random_range(2);

            ds_put_format(&s, "<route-table id=\"tgw-rtb-%d-%d\">", t, k);
            for (int i = 0; i < n; i++) {
                struct ds destination = DS_EMPTY_INITIALIZER;

                put_random_cidr(&destination);
                if (!sset_add(&destinations, ds_cstr(&destination))) {
                    ds_destroy(&destination);
                    continue;
                }
                ds_put_format(&s, "<route destination=\"%s",
                              ds_cstr(&destination));
                ds_destroy(&destination);
                if (coin(20)) {
                    ds_put_cstr(&s, "\" blackhole=\"true\"/>");
                } else if (coin(30)) {
                    ds_put_cstr(&s, "\" attachment=\"att-p\"/>");
                } else {
                    int v = t ? 2 + random_range(4) : random_range(4);
                    ds_put_format(&s, "\" attachment=\"att-%d-%d\"/>", t,
                                  v);
                }
            }
            ds_put_cstr(&s, "</route-table>\n");
            sset_destroy(&destinations);
        }
        ds_put_cstr(&s, "</transit-gateway>\n");
    }

    /* Targets: three interfaces and the load balancer; sessions from the
     * first two interfaces of every VPC. */
    static const char *const targets[] = {
        "network-interface=\"eni-1-3\"", "network-interface=\"eni-4-2\"",
        "network-interface=\"eni-2-1\"", "network-load-balancer=\"nlb-0\"",
    };
    for (int i = 0; i < ARRAY_SIZE(targets); i++) {
        ds_put_format(&s, "<traffic-mirror-target id=\"tmt-%d\" %s/>\n", i,
                      targets[i]);
    }
    ds_put_cstr(&s, "<traffic-mirror-filter id=\"tmf-1\"/>\n");
    for (int v = 0; v < N_VPCS; v++) {
        for (int j = 0; j < 2; j++) {
            ds_put_format(&s, "<traffic-mirror-session id=\"tms-%d-%d\" "
                          "network-interface=\"eni-%d-%d\" "
                          "traffic-mirror-target=\"tmt-%d\" "
                          "traffic-mirror-filter=\"tmf-1\" "
                          "session-number=\"1\"/>\n", v, j, v, j,
                          random_range(ARRAY_SIZE(targets)));
        }
    }
    ds_put_cstr(&s, "</account>\n</topology>\n");
    return ds_steal_cstr(&s);
}

/* ---- Random changes, made in place. ---- */

static void
change_route_table(struct sim_topology *topo, struct sim_route_table *rtb)
{
    size_t n = rtb->n_routes;
    struct sim_route *route;

    if (!n || coin(40)) {
        rtb->routes = xrealloc(rtb->routes, (n + 1) * sizeof *rtb->routes);
        route = &rtb->routes[rtb->n_routes++];
        memset(route, 0, sizeof *route);
        random_cidr(&route->destination);
    } else if (coin(50)) {
        size_t i = random_range(n);

        free(rtb->routes[i].target);
        rtb->routes[i] = rtb->routes[--rtb->n_routes];
        return;
    } else {
        route = &rtb->routes[random_range(n)];
        free(route->target);
        if (coin(30)) {
            random_cidr(&route->destination);
        }
    }

    /* A target that the loader would take. */
    const struct sim_vpc *vpc = rtb->vpc;
    const char *target = NULL;
    switch (random_range(5)) {
    case 0:
        for (size_t i = 0; i < topo->n_peerings; i++) {
            const struct sim_peering *pcx = topo->peerings[i];

            if ((pcx->requester == vpc || pcx->accepter == vpc)
                && (!target || coin(50))) {
                target = pcx->id;
            }
        }
        break;
    case 1:
        for (size_t i = 0; i < topo->n_tgws; i++) {
            if (sim_tgw_attachment_of(topo->tgws[i], vpc)
                && (!target || coin(50))) {
                target = topo->tgws[i]->id;
            }
        }
        break;
    case 2:
        for (size_t i = 0; i < topo->n_enis; i++) {
            if (sim_eni_vpc(topo->enis[i]) == vpc
                && (!target || coin(30))) {
                target = topo->enis[i]->id;
            }
        }
        break;
    case 3:
        target = "igw-1";
        break;
    default:
        break;
    }
    route->target = nullable_xstrdup(target);
}

static void
random_port_range(int protocol, bool *has_ports, struct tm_port_range *p)
{
    *has_ports = protocol != TM_PROTO_ALL && coin(70);
    p->from = coin(60) ? 4789 : 1 + random_range(5000);
    p->to = p->from + random_range(2);
}

static int
random_protocol_number(void)
{
    int p = random_range(3);

    return p == 0 ? 17 : p == 1 ? 6 : TM_PROTO_ALL;
}

static void
change_security_group(struct sim_topology *topo, struct sim_security_group *sg)
{
    size_t n = sg->n_rules;
    struct sim_sg_rule *rule;

    if (n && coin(30)) {
        sg->rules[random_range(n)] = sg->rules[--sg->n_rules];
        return;
    } else if (n && coin(50)) {
        rule = &sg->rules[random_range(n)];
        switch (random_range(3)) {
        case 0:
            rule->protocol = random_protocol_number();
            random_port_range(rule->protocol, &rule->has_ports,
                              &rule->ports);
            return;
        case 1:
            rule->egress = !rule->egress;
            return;
        default:
            break;
        }
    } else {
        sg->rules = xrealloc(sg->rules, (n + 1) * sizeof *sg->rules);
        rule = &sg->rules[sg->n_rules++];
        memset(rule, 0, sizeof *rule);
        rule->egress = coin(20);
        rule->protocol = random_protocol_number();
        random_port_range(rule->protocol, &rule->has_ports, &rule->ports);
    }
    rule->has_cidr = coin(70);
    if (rule->has_cidr) {
        random_cidr(&rule->cidr);
        rule->group = NULL;
    } else {
        rule->group = topo->groups[random_range(topo->n_groups)];
    }
}

static void
change_acl(struct sim_network_acl *acl)
{
    size_t n = acl->n_entries;

    if (n && coin(30)) {
        size_t i = random_range(n);

        memmove(&acl->entries[i], &acl->entries[i + 1],
                (n - i - 1) * sizeof *acl->entries);
        acl->n_entries--;
    } else if (n && coin(60)) {
        struct sim_acl_entry *e = &acl->entries[random_range(n)];

        switch (random_range(3)) {
        case 0:
            e->allow = !e->allow;
            break;
        case 1:
            random_cidr(&e->cidr);
            break;
        default:
            e->protocol = random_protocol_number();
            random_port_range(e->protocol, &e->has_ports, &e->ports);
            break;
        }
    } else {
        /* A new entry, its rule number unused in its direction, in rule
         * number order. */
        struct sim_acl_entry e = {
            .rule_number = 1 + random_range(50),
            .egress = coin(50),
            .allow = coin(60),
            .protocol = random_protocol_number(),
        };
        size_t i;

        random_cidr(&e.cidr);
        random_port_range(e.protocol, &e.has_ports, &e.ports);
        for (i = 0; i < n; i++) {
            if (acl->entries[i].rule_number == e.rule_number
                && acl->entries[i].egress == e.egress) {
                return;
            }
            if (acl->entries[i].rule_number > e.rule_number) {
                break;
            }
        }
        acl->entries = xrealloc(acl->entries, (n + 1) * sizeof e);
        memmove(&acl->entries[i + 1], &acl->entries[i],
                (n - i) * sizeof e);
        acl->entries[i] = e;
        acl->n_entries++;
    }
}

static void
change_tgw_route_table(struct sim_tgw_route_table *rtb)
{
    const struct sim_tgw *tgw = rtb->tgw;
    size_t n = rtb->n_routes;
    struct sim_tgw_route *route;

    if (n && coin(30)) {
        rtb->routes[random_range(n)] = rtb->routes[--rtb->n_routes];
        return;
    } else if (n && coin(50)) {
        route = &rtb->routes[random_range(n)];
    } else {
        rtb->routes = xrealloc(rtb->routes, (n + 1) * sizeof *rtb->routes);
        route = &rtb->routes[rtb->n_routes++];
        memset(route, 0, sizeof *route);
        random_cidr(&route->destination);
    }
    route->attachment = (coin(20) ? NULL
                         : tgw->attachments[random_range(
                                 tgw->n_attachments)]);
}

static const struct sim_tgw_route_table *
random_tgw_rtb(const struct sim_tgw *tgw)
{
    return (coin(15) ? NULL
            : tgw->route_tables[random_range(tgw->n_route_tables)]);
}

static void
change_attachment(struct sim_tgw_attachment *att)
{
    if (att->peer_tgw) {
        if (coin(50)) {
            att->association = random_tgw_rtb(att->tgw);
        } else {
            att->peer_association = random_tgw_rtb(att->peer_tgw);
        }
        return;
    }
    switch (random_range(3)) {
    case 0:
        att->association = random_tgw_rtb(att->tgw);
        break;
    case 1:
        free(att->propagations);
        att->propagations = NULL;
        att->n_propagations = 0;
        if (coin(70)) {
            att->propagations = xmalloc(sizeof *att->propagations);
            att->propagations[0] = att->tgw->route_tables[
                random_range(att->tgw->n_route_tables)];
            att->n_propagations = 1;
        }
        break;
    default:
        att->sg_referencing = !att->sg_referencing;
        break;
    }
}

static void
change_nlb(struct sim_topology *topo, struct sim_nlb *nlb)
{
    switch (random_range(4)) {
    case 0:
        nlb->cross_zone = !nlb->cross_zone;
        break;
    case 1: {
        struct sim_nlb_target *t = &nlb->targets[random_range(
                                                     nlb->n_targets)];
        t->healthy = !t->healthy;
        break;
    }
    case 2:
        nlb->listeners[0].port = nlb->listeners[0].port == 4789 ? 80 : 4789;
        break;
    default:
        free(nlb->groups);
        nlb->groups = NULL;
        nlb->n_groups = 0;
        if (coin(60)) {
            nlb->groups = xmalloc(sizeof *nlb->groups);
            nlb->groups[0] = shash_find_data(&topo->groups_by_id,
                                             coin(50) ? "sg-0-0" : "sg-0-1");
            nlb->n_groups = 1;
        }
        break;
    }
}

static void
change_eni(struct sim_topology *topo, struct sim_eni *eni)
{
    const struct sim_vpc *vpc = sim_eni_vpc(eni);
    size_t n = 1 + random_range(2);

    free(eni->groups);
    eni->groups = xmalloc(n * sizeof *eni->groups);
    eni->n_groups = 0;
    for (size_t i = 0; i < topo->n_groups && eni->n_groups < n; i++) {
        if (topo->groups[i]->vpc == vpc && coin(50)) {
            eni->groups[eni->n_groups++] = topo->groups[i];
        }
    }
    if (!eni->n_groups) {
        free(eni->groups);
        eni->groups = NULL;
    }
}

/* Makes a random change to 'topo' and returns the id of the component
 * whose settings it changed. */
static const char *
random_change(struct sim_topology *topo)
{
    switch (random_range(10)) {
    case 0:
    case 1: {
        struct sim_route_table *rtb
            = topo->route_tables[random_range(topo->n_route_tables)];
        change_route_table(topo, rtb);
        return rtb->id;
    }
    case 2:
    case 3: {
        struct sim_security_group *sg
            = topo->groups[random_range(topo->n_groups)];
        change_security_group(topo, sg);
        return sg->id;
    }
    case 4:
    case 5: {
        struct sim_network_acl *acl = topo->acls[random_range(topo->n_acls)];
        change_acl(acl);
        return acl->id;
    }
    case 6:
        if (topo->n_peerings) {
            struct sim_peering *pcx
                = topo->peerings[random_range(topo->n_peerings)];
            pcx->active = !pcx->active;
            free(pcx->status);
            pcx->status = xstrdup(pcx->active ? "active"
                                  : "pending-acceptance");
            return pcx->id;
        }
        /* Fall through. */
    case 7:
        if (coin(50)) {
            struct sim_tgw_route_table *rtb = topo->tgw_route_tables[
                random_range(topo->n_tgw_route_tables)];
            change_tgw_route_table(rtb);
            return rtb->id;
        } else if (coin(80)) {
            struct sim_tgw_attachment *att = topo->tgw_attachments[
                random_range(topo->n_tgw_attachments)];
            change_attachment(att);
            return att->id;
        } else {
            struct sim_tgw *tgw = topo->tgws[random_range(topo->n_tgws)];
            tgw->sg_referencing = !tgw->sg_referencing;
            return tgw->id;
        }
    case 8:
        change_nlb(topo, topo->nlbs[0]);
        return topo->nlbs[0]->id;
    default: {
        struct sim_eni *eni = topo->enis[random_range(topo->n_enis)];
        change_eni(topo, eni);
        return eni->id;
    }
    }
}

/* ---- Comparing results. ---- */

static bool
cidrs_equal(const struct tm_cidr *a, const struct tm_cidr *b)
{
    return (a && b
            ? (a->plen == b->plen && a->ipv4 == b->ipv4
               && ipv6_addr_equals(&a->addr, &b->addr))
            : a == b);
}

/* Returns NULL if 'a' and 'b' are the same in every respect (but the
 * sentences of the explanations, unless 'texts'), otherwise what differs
 * first.  The caller frees it. */
static char *
results_differ(const struct sim_result *a, const struct sim_result *b,
               bool texts)
{
    if (a->verdict != b->verdict) {
        return xasprintf("verdict %s, not %s",
                         sim_verdict_to_string(a->verdict),
                         sim_verdict_to_string(b->verdict));
    }
    if (!ipv6_addr_equals(&a->src_ip, &b->src_ip)
        || !ipv6_addr_equals(&a->dst_ip, &b->dst_ip)) {
        return xstrdup("addresses differ");
    }
    if (a->n_hops != b->n_hops) {
        return xasprintf("%"PRIuSIZE" hops, not %"PRIuSIZE, a->n_hops,
                         b->n_hops);
    }
    for (size_t i = 0; i < a->n_hops; i++) {
        const struct sim_hop *x = &a->hops[i];
        const struct sim_hop *y = &b->hops[i];

        if (strcmp(x->component, y->component) || strcmp(x->type, y->type)
            || !nullable_string_is_equal(x->direction, y->direction)
            || !nullable_string_is_equal(x->zone, y->zone)
            || !cidrs_equal(x->route, y->route)
            || !nullable_string_is_equal(x->target, y->target)
            || !nullable_string_is_equal(x->route_type, y->route_type)
            || (x->node ? !y->node || !ipv6_addr_equals(x->node, y->node)
                : !!y->node)) {
            return xasprintf("hop %"PRIuSIZE" is %s, not %s", i,
                             x->component, y->component);
        }
    }
    if (a->n_explanations != b->n_explanations) {
        return xasprintf("%"PRIuSIZE" explanations, not %"PRIuSIZE,
                         a->n_explanations, b->n_explanations);
    }
    for (size_t i = 0; i < a->n_explanations; i++) {
        const struct sim_explanation *x = &a->explanations[i];
        const struct sim_explanation *y = &b->explanations[i];

        if (strcmp(x->code, y->code) || strcmp(x->component, y->component)
            || !nullable_string_is_equal(x->direction, y->direction)
            || (texts && (!nullable_string_is_equal(x->detail, y->detail)
                          || !nullable_string_is_equal(x->fix, y->fix)))) {
            return xasprintf("explanation %"PRIuSIZE" is %s at %s: %s, "
                             "not %s at %s: %s", i, x->code, x->component,
                             x->detail ? x->detail : "(no text)", y->code,
                             y->component, y->detail);
        }
    }
    struct sset x = SSET_INITIALIZER(&x);
    struct sset y = SSET_INITIALIZER(&y);
    bool same;

    sim_result_get_consulted(a, &x);
    sim_result_get_consulted(b, &y);
    same = sset_equals(&x, &y);
    sset_destroy(&x);
    sset_destroy(&y);
    return same ? NULL : xstrdup("the components consulted differ");
}

static unsigned long
env_number(const char *name, unsigned long default_)
{
    const char *s = getenv(name);

    return s && *s ? strtoul(s, NULL, 0) : default_;
}

static void
test_recheck_equals_check(void)
{
    uint32_t seed = env_number("TM_SIM_RECHECK_SEED", 1);
    unsigned long n_changes = env_number("TM_SIM_RECHECK_CHANGES", 10000);
    unsigned long done = 0;
    size_t n_rechecked = 0, n_verdicts = 0;

    random_set_seed(seed);
    while (done < n_changes) {
        struct sim_topology *topo;
        struct sim_report *report;
        char *xml = generate();
        char *error = sim_topology_load_memory("random.xml", xml,
                                               strlen(xml), &topo);

        if (error) {
            fprintf(stderr, "%s\n%s\n", error, xml);
        }
        CU_ASSERT_PTR_NULL_FATAL(error);
        free(xml);
        error = sim_check(topo, NULL, 0, &report);
        CU_ASSERT_PTR_NULL_FATAL(error);

        struct sim_index *index = sim_index_create(report);
        for (int i = 0; i < CHANGES_PER_TOPOLOGY && done < n_changes;
             i++, done++) {
            enum sim_verdict *before = xmalloc(report->n_results
                                               * sizeof *before);
            struct sset changed = SSET_INITIALIZER(&changed);
            struct sim_report *full;

            for (size_t j = 0; j < report->n_results; j++) {
                before[j] = report->results[j].verdict;
            }

            const char *component = random_change(topo);
            n_rechecked += sim_recheck(topo, report, index, &component, 1,
                                       &changed);
            error = sim_check(topo, NULL, 0, &full);
            CU_ASSERT_PTR_NULL_FATAL(error);

            /* What the re-check gave, then with the sentences that it
             * leaves for later. */
            bool ok = true;
            for (size_t j = 0; j < 2 * report->n_results; j++) {
                const struct sim_result *r
                    = &report->results[j % report->n_results];
                bool texts = j >= report->n_results;
                char *diff;

                if (j == report->n_results) {
                    sim_report_make_texts(topo, report);
                }
                diff = results_differ(r, &full->results[j % report->n_results],
                                      texts);
                if (texts) {
                    if (diff) {
                        fprintf(stderr, "seed %"PRIu32", change %lu (%s): "
                                "session %s, with texts: %s\n", seed, done,
                                component, r->session->id, diff);
                        ok = false;
                    }
                    free(diff);
                    continue;
                }

                bool verdict_changed = r->verdict != before[j];

                if (diff || verdict_changed != sset_contains(
                        &changed, r->session->id)) {
                    fprintf(stderr, "seed %"PRIu32", change %lu (%s): "
                            "session %s: %s\n", seed, done, component,
                            r->session->id,
                            diff ? diff : "said changed wrongly");
                    ok = false;
                }
                n_verdicts += verdict_changed;
                free(diff);
            }
            CU_ASSERT_FATAL(ok);

            sim_report_destroy(full);
            sset_destroy(&changed);
            free(before);
        }
        sim_index_destroy(index);
        sim_report_destroy(report);
        sim_topology_destroy(topo);
    }

    /* The changes did matter (one in 30 changes a verdict, with seed 1),
     * and most of the sessions did not run again (a change runs again 1.4
     * of the 12 sessions, on average). */
    CU_ASSERT(n_verdicts > n_changes / 50);
    CU_ASSERT(n_rechecked < n_changes * N_VPCS * 2 / 4);
}

void
tm_test_add_recheck_suites(void)
{
    static CU_TestInfo recheck[] = {
        TEST(test_recheck_equals_check),
        CU_TEST_INFO_NULL,
    };

    tm_test_add_suite("sim-recheck", recheck, false);
}
