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

/* The reachability check (shared/semantics.md, "Connectivity").
 *
 * The mirrored copy is a UDP packet to port 4789 from the source network
 * interface's primary IP to the target's address: the target interface's
 * primary IP, or the load balancer node in the source's availability zone
 * (any node when the load balancer has none there).  The check follows it:
 *
 *   the source subnet's network ACL, egress (not the source's security
 *   groups: mirrored traffic is not subject to them);
 *   the source subnet's route table, longest prefix first, with its
 *   implicit local routes; then a peering connection (active, not
 *   transitive, the destination in the peer's CIDRs) or a transit gateway
 *   (the attachment's association, its route table with static routes
 *   before propagated ones, the destination attachment and its subnet's
 *   route table);
 *   the destination subnet's network ACL, ingress;
 *   the target interface's security groups, ingress; or, for a load
 *   balancer, a UDP 4789 listener and a healthy target that the node may
 *   use (in its zone, or any zone with cross-zone load balancing).
 *
 * The path is the way the routes take the copy; a network ACL or security
 * group that drops it stays on the path, named by a reason.  Where routing
 * fails, the path ends, but the network ACLs and the target's security
 * groups and load balancer are checked all the same, so that every reason
 * is reported.  Network ACLs do not apply between two addresses of one
 * subnet. */

#include <config.h>

#include "tmirror/sim.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "tmirror/evaluate.h"
#include "tmirror/topology.h"
#include "util.h"


static const char *const code_names[] = {
#define SIM_EXPLANATION(NAME, SUMMARY) #NAME,
    SIM_EXPLANATIONS
#undef SIM_EXPLANATION
};

static const char *const code_summaries[] = {
#define SIM_EXPLANATION(NAME, SUMMARY) SUMMARY,
    SIM_EXPLANATIONS
#undef SIM_EXPLANATION
};

/* Returns the name of 'code', e.g. "SUBNET_ACL_RESTRICTION". */
const char *
sim_code_name(enum sim_code code)
{
    return code < SIM_N_CODES ? code_names[code] : "UNKNOWN";
}

/* Returns a one-line summary of what 'code' means. */
const char *
sim_code_summary(enum sim_code code)
{
    return code < SIM_N_CODES ? code_summaries[code] : "unknown reason";
}

const char *
sim_verdict_to_string(enum sim_verdict verdict)
{
    switch (verdict) {
    case SIM_REACHABLE:
        return "reachable";
    case SIM_BLOCKED:
        return "blocked";
    case SIM_INVALID:
        return "invalid";
    }
    OVS_NOT_REACHED();
}

/* ---- Building a result. ---- */

static struct sim_hop *
add_hop(struct sim_result *r, const char *component, const char *type)
{
    if (r->n_hops >= r->allocated_hops) {
        r->hops = x2nrealloc(r->hops, &r->allocated_hops, sizeof *r->hops);
    }

    struct sim_hop *hop = xmalloc(sizeof *hop);
    r->hops[r->n_hops++] = hop;
    sset_add(&r->consulted, component);
    hop->component = xstrdup(component);
    hop->type = type;
    smap_init(&hop->attrs);
    return hop;
}

static void OVS_PRINTF_FORMAT(6, 0)
explain_valist(struct sim_result *r, const char *code, const char *component,
               const char *direction, const char *fix, const char *format,
               va_list args)
{
    if (r->n_explanations >= r->allocated_explanations) {
        r->explanations = x2nrealloc(r->explanations,
                                     &r->allocated_explanations,
                                     sizeof *r->explanations);
    }

    struct sim_explanation *e = &r->explanations[r->n_explanations++];

    e->code = code;
    e->component = xstrdup(component);
    e->direction = direction;
    e->fix = xstrdup(fix);
    e->detail = xvasprintf(format, args);
}

/* Adds to 'r' the reason 'code', at 'component' in 'direction' (NULL if
 * none), with the setting that would 'fix' it and a sentence made of
 * 'format'. */
static void OVS_PRINTF_FORMAT(6, 7)
explain(struct sim_result *r, enum sim_code code, const char *component,
        const char *direction, const char *fix, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    explain_valist(r, sim_code_name(code), component, direction, fix, format,
                   args);
    va_end(args);
}

/* Like explain(), for the mirroring model's refusal 'error'. */
static void OVS_PRINTF_FORMAT(5, 6)
explain_model(struct sim_result *r, const struct tm_error *error,
              const char *component, const char *fix, const char *format,
              ...)
{
    va_list args;

    va_start(args, format);
    explain_valist(r, tm_error_code_name(error->code), component, NULL, fix,
                   format, args);
    va_end(args);
}

void
sim_result_destroy(struct sim_result *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n_hops; i++) {
        free(r->hops[i]->component);
        smap_destroy(&r->hops[i]->attrs);
        free(r->hops[i]);
    }
    free(r->hops);
    for (size_t i = 0; i < r->n_explanations; i++) {
        free(r->explanations[i].component);
        free(r->explanations[i].detail);
        free(r->explanations[i].fix);
    }
    free(r->explanations);
    sset_destroy(&r->consulted);
}

/* Returns true if one of the reasons in 'r' names 'component'. */
bool
sim_result_blocks(const struct sim_result *r, const char *component)
{
    for (size_t i = 0; i < r->n_explanations; i++) {
        if (!strcmp(r->explanations[i].component, component)) {
            return true;
        }
    }
    return false;
}

/* Returns false if a change to 'component' that concerns only the
 * addresses in 'cidr' (NULL: any address) cannot change 'r': the check
 * did not consult 'component', or neither address of the copy is in
 * 'cidr'.  That holds for a route (whose destination is 'cidr'), a network
 * ACL entry and a security group rule by CIDR (whose CIDR it is); a change
 * of a route's destination or of an entry's CIDR concerns the old and the
 * new one, so ask for both. */
bool
sim_result_depends_on(const struct sim_result *r, const char *component,
                      const struct tm_cidr *cidr)
{
    return (sset_contains(&r->consulted, component)
            && (!cidr
                || tm_cidr_contains(cidr, &r->src_ip)
                || tm_cidr_contains(cidr, &r->dst_ip)));
}

/* Returns the first reason in 'r' with 'code', or NULL. */
const struct sim_explanation *
sim_result_find(const struct sim_result *r, const char *code)
{
    for (size_t i = 0; i < r->n_explanations; i++) {
        if (!strcmp(r->explanations[i].code, code)) {
            return &r->explanations[i];
        }
    }
    return NULL;
}

/* ---- Formatting helpers. ---- */

static char *
ip_to_string(const struct in6_addr *ip)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_ip_format(ip, &s);
    return ds_steal_cstr(&s);
}

static char *
cidr_to_string(const struct tm_cidr *cidr)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_cidr_format(cidr, &s);
    return ds_steal_cstr(&s);
}

/* The CIDR that names one address: "10.0.1.10/32". */
static char *
host_cidr(const struct in6_addr *ip)
{
    struct tm_cidr cidr = {
        .addr = *ip,
        .ipv4 = IN6_IS_ADDR_V4MAPPED(ip),
    };

    cidr.plen = cidr.ipv4 ? 32 : 128;
    return cidr_to_string(&cidr);
}

/* ---- Lookups. ---- */

static const struct sim_peering *
find_active_peering(const struct sim_topology *topo,
                    const struct sim_vpc *a, const struct sim_vpc *b)
{
    for (size_t i = 0; i < topo->n_peerings; i++) {
        const struct sim_peering *pcx = topo->peerings[i];

        if (pcx->active
            && ((pcx->requester == a && pcx->accepter == b)
                || (pcx->requester == b && pcx->accepter == a))) {
            return pcx;
        }
    }
    return NULL;
}

/* A route chosen by longest prefix match in a VPC route table. */
struct vpc_route {
    const struct tm_cidr *destination;
    bool local;
    const char *target;         /* NULL if local or a blackhole. */
};

static bool
vpc_route_lookup(const struct sim_route_table *rtb,
                 const struct in6_addr *ip, struct vpc_route *best)
{
    bool found = false;

    /* Local routes first, so that an explicit route wins only when it is
     * more specific. */
    for (size_t i = 0; i < rtb->vpc->n_cidrs; i++) {
        const struct tm_cidr *c = &rtb->vpc->cidrs[i];

        if (tm_cidr_contains(c, ip)
            && (!found || c->plen > best->destination->plen)) {
            best->destination = c;
            best->local = true;
            best->target = NULL;
            found = true;
        }
    }
    for (size_t i = 0; i < rtb->n_routes; i++) {
        const struct sim_route *route = &rtb->routes[i];
        const struct tm_cidr *c = &route->destination;

        if (tm_cidr_contains(c, ip)
            && (!found || c->plen > best->destination->plen)) {
            best->destination = c;
            best->local = false;
            best->target = route->target;
            found = true;
        }
    }
    return found;
}

static void
format_vpc_route(const struct vpc_route *route, struct ds *s)
{
    tm_cidr_format(route->destination, s);
    ds_put_format(s, " -> %s", (route->local ? "local"
                                : route->target ? route->target
                                : "blackhole"));
}

/* When the chosen 'best' route of 'rtb' fails, reports the less specific
 * routes that the copy would otherwise have taken. */
static void
explain_more_specific(struct sim_result *r, const struct sim_route_table *rtb,
                      const struct in6_addr *ip, const struct vpc_route *best)
{
    struct ds chosen = DS_EMPTY_INITIALIZER;

    format_vpc_route(best, &chosen);
    for (size_t i = 0; i <= rtb->n_routes + rtb->vpc->n_cidrs; i++) {
        struct vpc_route other;

        if (i < rtb->vpc->n_cidrs) {
            other.destination = &rtb->vpc->cidrs[i];
            other.local = true;
            other.target = NULL;
        } else if (i - rtb->vpc->n_cidrs < rtb->n_routes) {
            const struct sim_route *route
                = &rtb->routes[i - rtb->vpc->n_cidrs];
            other.destination = &route->destination;
            other.local = false;
            other.target = route->target;
        } else {
            break;
        }
        if (other.destination == best->destination
            || !tm_cidr_contains(other.destination, ip)
            || other.destination->plen >= best->destination->plen) {
            continue;
        }

        struct ds alt = DS_EMPTY_INITIALIZER;
        char *fix;

        format_vpc_route(&other, &alt);
        fix = xasprintf("in route table %s, remove the route %s or point "
                        "it where %s goes", rtb->id, ds_cstr(&chosen),
                        ds_cstr(&alt));
        explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, rtb->id, "egress", fix,
                "the route %s is more specific than %s and takes the copy "
                "instead", ds_cstr(&chosen), ds_cstr(&alt));
        free(fix);
        ds_destroy(&alt);
    }
    ds_destroy(&chosen);
}

/* ---- Network ACLs and security groups. ---- */

static bool
ports_match(int protocol, bool has_ports, const struct tm_port_range *p)
{
    return (protocol == TM_PROTO_ALL || !has_ports
            || (p->from <= SIM_VXLAN_PORT && SIM_VXLAN_PORT <= p->to));
}

/* Evaluates the entries of 'acl' in 'egress' direction for the copy, whose
 * far end is 'peer'.  Returns the entry that decides, or NULL for the
 * implicit deny. */
static const struct sim_acl_entry *
acl_evaluate(const struct sim_network_acl *acl, bool egress,
             const struct in6_addr *peer)
{
    for (size_t i = 0; i < acl->n_entries; i++) {
        const struct sim_acl_entry *e = &acl->entries[i];

        if (e->egress == egress
            && (e->protocol == TM_PROTO_ALL || e->protocol == IPPROTO_UDP)
            && ports_match(e->protocol, e->has_ports, &e->ports)
            && tm_cidr_contains(&e->cidr, peer)) {
            return e;
        }
    }
    return NULL;
}

static void
check_acl(struct sim_result *r, const struct sim_subnet *subnet,
          bool egress, const struct in6_addr *peer)
{
    const struct sim_network_acl *acl = subnet->acl;
    const char *dir = egress ? "egress" : "ingress";
    const struct sim_acl_entry *e = acl_evaluate(acl, egress, peer);
    char *peer_s, *peer_cidr, *fix;

    sset_add(&r->consulted, acl->id);
    if (e && e->allow) {
        return;
    }

    peer_s = ip_to_string(peer);
    peer_cidr = host_cidr(peer);
    if (e) {
        fix = xasprintf("add to network ACL %s an %s entry numbered below "
                        "%"PRId64": <entry rule-number=\"N\" direction=\"%s\" "
                        "rule-action=\"allow\" protocol=\"%d\" cidr=\"%s\" "
                        "from-port=\"%d\" to-port=\"%d\"/>", acl->id, dir,
                        e->rule_number, dir, IPPROTO_UDP, peer_cidr,
                        SIM_VXLAN_PORT, SIM_VXLAN_PORT);
        explain(r, SIM_EXPL_SUBNET_ACL_RESTRICTION, acl->id, dir, fix,
                "%s entry %"PRId64" of network ACL %s (subnet %s, line %d) "
                "denies UDP %d %s %s", dir, e->rule_number, acl->id,
                subnet->id, e->line, SIM_VXLAN_PORT,
                egress ? "to" : "from", peer_s);
    } else {
        fix = xasprintf("add to network ACL %s: <entry rule-number=\"N\" "
                        "direction=\"%s\" rule-action=\"allow\" "
                        "protocol=\"%d\" cidr=\"%s\" from-port=\"%d\" "
                        "to-port=\"%d\"/>", acl->id, dir, IPPROTO_UDP,
                        peer_cidr, SIM_VXLAN_PORT, SIM_VXLAN_PORT);
        explain(r, SIM_EXPL_SUBNET_ACL_RESTRICTION, acl->id, dir, fix,
                "no %s entry of network ACL %s (subnet %s) allows UDP %d "
                "%s %s, so the implicit final deny drops it", dir, acl->id,
                subnet->id, SIM_VXLAN_PORT, egress ? "to" : "from", peer_s);
    }
    free(fix);
    free(peer_cidr);
    free(peer_s);
}

static bool
eni_in_group(const struct sim_eni *eni, const struct sim_security_group *sg)
{
    for (size_t i = 0; i < eni->n_groups; i++) {
        if (eni->groups[i] == sg) {
            return true;
        }
    }
    return false;
}

/* Returns true if ingress rule 'rule' of a group of 'target' lets in the
 * copy from 'source'. */
static bool
sg_rule_allows(const struct sim_topology *topo, const struct sim_sg_rule *rule,
               const struct sim_eni *source, const struct sim_eni *target)
{
    if (rule->egress
        || (rule->protocol != TM_PROTO_ALL && rule->protocol != IPPROTO_UDP)
        || !ports_match(rule->protocol, rule->has_ports, &rule->ports)) {
        return false;
    }
    if (rule->has_cidr) {
        return tm_cidr_contains(&rule->cidr, &source->ip);
    }

    /* A group reference: the source must be a member of the group, and the
     * group in the target's VPC or in a VPC peered with it (actively). */
    const struct sim_vpc *target_vpc = sim_eni_vpc(target);
    return (eni_in_group(source, rule->group)
            && sim_eni_vpc(source) == rule->group->vpc
            && (rule->group->vpc == target_vpc
                || find_active_peering(topo, rule->group->vpc, target_vpc)));
}

static void
check_security_groups(const struct sim_topology *topo, struct sim_result *r,
                      const struct sim_eni *source,
                      const struct sim_eni *target)
{
    for (size_t i = 0; i < target->n_groups; i++) {
        sset_add(&r->consulted, target->groups[i]->id);
    }
    for (size_t i = 0; i < target->n_groups; i++) {
        const struct sim_security_group *sg = target->groups[i];

        for (size_t j = 0; j < sg->n_rules; j++) {
            if (sg_rule_allows(topo, &sg->rules[j], source, target)) {
                return;
            }
        }
    }

    char *src_s = ip_to_string(&source->ip);
    char *src_cidr = host_cidr(&source->ip);
    for (size_t i = 0; i < target->n_groups; i++) {
        const struct sim_security_group *sg = target->groups[i];
        size_t n_ingress = 0;
        char *fix;

        for (size_t j = 0; j < sg->n_rules; j++) {
            n_ingress += !sg->rules[j].egress;
        }
        fix = xasprintf("add to security group %s: <rule direction="
                        "\"ingress\" protocol=\"%d\" from-port=\"%d\" "
                        "to-port=\"%d\" cidr=\"%s\"/>", sg->id, IPPROTO_UDP,
                        SIM_VXLAN_PORT, SIM_VXLAN_PORT, src_cidr);
        if (!n_ingress) {
            explain(r, SIM_EXPL_SG_HAS_NO_RULES, sg->id, "ingress", fix,
                    "security group %s of %s has no ingress rule, so it "
                    "lets nothing in, UDP %d from %s (%s) included", sg->id,
                    target->id, SIM_VXLAN_PORT, src_s, source->id);
        } else {
            explain(r, SIM_EXPL_ENI_SG_RULES_MISMATCH, sg->id, "ingress", fix,
                    "no ingress rule of security group %s of %s allows UDP "
                    "%d from %s (%s)", sg->id, target->id, SIM_VXLAN_PORT,
                    src_s, source->id);
        }
        free(fix);
    }
    free(src_cidr);
    free(src_s);
}

/* ---- Load balancers. ---- */

static const struct sim_nlb_node *
choose_node(const struct sim_nlb *nlb, const char *zone)
{
    for (size_t i = 0; i < nlb->n_nodes; i++) {
        if (!strcmp(nlb->nodes[i].subnet->zone, zone)) {
            return &nlb->nodes[i];
        }
    }
    return &nlb->nodes[0];
}

static void
check_nlb(struct sim_result *r, const struct sim_nlb *nlb,
          const struct sim_nlb_node *node, bool reached)
{
    const struct sim_nlb_target *chosen = NULL;
    const char *zone = node->subnet->zone;
    bool listener = false;
    size_t n_healthy = 0;

    sset_add(&r->consulted, nlb->id);
    for (size_t i = 0; i < nlb->n_listeners; i++) {
        const struct sim_nlb_listener *l = &nlb->listeners[i];

        if (l->port == SIM_VXLAN_PORT
            && (!strcmp(l->protocol, "udp")
                || !strcmp(l->protocol, "tcp_udp"))) {
            listener = true;
        }
    }
    if (!listener) {
        char *fix = xasprintf("add to load balancer %s: <listener "
                              "protocol=\"udp\" port=\"%d\"/>", nlb->id,
                              SIM_VXLAN_PORT);
        explain(r, SIM_EXPL_ELBV2_LISTENERS_MISMATCH, nlb->id, "ingress", fix,
                "load balancer %s has no UDP listener on port %d: mirrored "
                "copies sent to it are silently dropped", nlb->id,
                SIM_VXLAN_PORT);
        free(fix);
    }

    for (size_t i = 0; i < nlb->n_targets; i++) {
        const struct sim_nlb_target *t = &nlb->targets[i];

        if (!t->healthy) {
            continue;
        }
        n_healthy++;
        if (!chosen && (nlb->cross_zone || !strcmp(t->eni->subnet->zone,
                                                   zone))) {
            chosen = t;
        }
    }
    if (!chosen && n_healthy && !nlb->cross_zone) {
        char *fix = xasprintf("turn on cross-zone load balancing "
                              "(cross-zone=\"true\" on %s), or register a "
                              "healthy target in %s", nlb->id, zone);
        explain(r, SIM_EXPL_ELB_NOT_CROSSZONE, nlb->id, "ingress", fix,
                "the node of %s in %s has no healthy target in its zone, "
                "and cross-zone load balancing is off, so it may not use "
                "the %"PRIuSIZE" healthy target%s in other zones",
                nlb->id, zone, n_healthy, n_healthy == 1 ? "" : "s");
        free(fix);
    } else if (!chosen) {
        char *fix = xasprintf("register a healthy target with %s%s%s",
                              nlb->id, nlb->cross_zone ? "" : " in ",
                              nlb->cross_zone ? "" : zone);
        explain(r, SIM_EXPL_ELBV2_NO_TARGETS_IN_AZ, nlb->id, "ingress", fix,
                "load balancer %s has no healthy target %s%s", nlb->id,
                nlb->cross_zone ? "in any zone" : "in ",
                nlb->cross_zone ? "" : zone);
        free(fix);
    }

    if (reached && listener && chosen) {
        struct sim_hop *hop = add_hop(r, chosen->eni->id,
                                      "network-interface");
        smap_add(&hop->attrs, "availability-zone",
                 chosen->eni->subnet->zone);
    }
}

/* ---- Routing. ---- */

/* Where the copy is addressed. */
struct destination {
    struct in6_addr ip;
    const struct sim_subnet *subnet;
};

/* A route of a transit gateway route table, static or propagated. */
struct tgw_route {
    const struct tm_cidr *destination;
    const struct sim_tgw_attachment *attachment;   /* NULL: blackhole. */
    bool propagated;
};

/* Collects the routes of 'rtb' that match 'ip', static ones and those that
 * attachments propagate into it, into '*routesp'.  Returns their number;
 * the best is first: longest prefix, then static before propagated (a
 * static route hides a propagated one to the same prefix). */
static size_t
tgw_route_lookup(const struct sim_tgw_route_table *rtb,
                 const struct in6_addr *ip, struct tgw_route **routesp)
{
    struct tgw_route *routes = NULL;
    size_t n = 0, allocated = 0;
    const struct sim_tgw *tgw = rtb->tgw;

    for (size_t i = 0; i < rtb->n_routes; i++) {
        if (tm_cidr_contains(&rtb->routes[i].destination, ip)) {
            if (n >= allocated) {
                routes = x2nrealloc(routes, &allocated, sizeof *routes);
            }
            routes[n++] = (struct tgw_route) {
                .destination = &rtb->routes[i].destination,
                .attachment = rtb->routes[i].attachment,
            };
        }
    }
    for (size_t i = 0; i < tgw->n_attachments; i++) {
        const struct sim_tgw_attachment *att = tgw->attachments[i];
        bool propagates = false;

        for (size_t j = 0; j < att->n_propagations; j++) {
            propagates = propagates || att->propagations[j] == rtb;
        }
        if (!propagates) {
            continue;
        }
        for (size_t j = 0; j < att->vpc->n_cidrs; j++) {
            if (tm_cidr_contains(&att->vpc->cidrs[j], ip)) {
                if (n >= allocated) {
                    routes = x2nrealloc(routes, &allocated, sizeof *routes);
                }
                routes[n++] = (struct tgw_route) {
                    .destination = &att->vpc->cidrs[j],
                    .attachment = att,
                    .propagated = true,
                };
            }
        }
    }

    /* Put the best first. */
    for (size_t i = 1; i < n; i++) {
        const struct tgw_route *b = &routes[0];
        const struct tgw_route *c = &routes[i];

        if (c->destination->plen > b->destination->plen
            || (c->destination->plen == b->destination->plen
                && b->propagated && !c->propagated)) {
            struct tgw_route tmp = routes[0];
            routes[0] = routes[i];
            routes[i] = tmp;
        }
    }
    *routesp = routes;
    return n;
}

static void
format_tgw_route(const struct tgw_route *route, struct ds *s)
{
    tm_cidr_format(route->destination, s);
    ds_put_format(s, " -> %s (%s)",
                  route->attachment ? route->attachment->id : "blackhole",
                  route->propagated ? "propagated" : "static");
}

/* Follows the copy from the transit gateway 'tgw', which it entered from
 * 'vpc'.  Returns true if it reaches the destination. */
static bool
route_tgw(struct sim_result *r, const struct sim_tgw *tgw,
          const struct sim_vpc *vpc, const struct destination *dst)
{
    const struct sim_tgw_attachment *att = sim_tgw_attachment_of(tgw, vpc);
    const struct sim_vpc *dst_vpc = dst->subnet->vpc;
    char *dst_s = ip_to_string(&dst->ip);
    struct tgw_route *routes = NULL;
    struct sim_hop *hop;
    bool ok = false;
    char *fix;
    size_t n;

    add_hop(r, att->id, "transit-gateway-attachment");
    if (!att->association) {
        fix = xasprintf("associate attachment %s with a route table of %s "
                        "(association=\"...\")", att->id, tgw->id);
        explain(r, SIM_EXPL_TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION, att->id,
                "egress", fix, "attachment %s of %s to %s is associated "
                "with no transit gateway route table, so %s cannot route "
                "what comes from %s", att->id, vpc->id, tgw->id, tgw->id,
                vpc->id);
        free(fix);
        goto out;
    }

    const struct sim_tgw_route_table *rtb = att->association;
    n = tgw_route_lookup(rtb, &dst->ip, &routes);
    hop = add_hop(r, rtb->id, "transit-gateway-route-table");
    if (!n) {
        const struct sim_tgw_attachment *dst_att
            = sim_tgw_attachment_of(tgw, dst_vpc);

        if (dst_att) {
            fix = xasprintf("propagate attachment %s into %s "
                            "(propagations=\"%s\"), or add a static route "
                            "to %s's CIDR with attachment=\"%s\"",
                            dst_att->id, rtb->id, rtb->id, dst_vpc->id,
                            dst_att->id);
        } else {
            fix = xasprintf("attach %s to %s, then propagate its "
                            "attachment into %s", dst_vpc->id, tgw->id,
                            rtb->id);
        }
        explain(r, SIM_EXPL_TGW_RTB_CANNOT_ROUTE, rtb->id, "egress", fix,
                "transit gateway route table %s has no route, static or "
                "propagated, for %s", rtb->id, dst_s);
        free(fix);
        goto out;
    }

    struct ds route_s = DS_EMPTY_INITIALIZER;
    format_tgw_route(&routes[0], &route_s);
    smap_add_nocopy(&hop->attrs, xstrdup("route"),
                    cidr_to_string(routes[0].destination));
    smap_add(&hop->attrs, "target", (routes[0].attachment
                                     ? routes[0].attachment->id
                                     : "blackhole"));
    smap_add(&hop->attrs, "route-type",
             routes[0].propagated ? "propagated" : "static");

    if (!routes[0].attachment) {
        fix = xasprintf("remove the blackhole route %s from %s, or point "
                        "it at %s's attachment", ds_cstr(&route_s), rtb->id,
                        dst_vpc->id);
        explain(r, SIM_EXPL_BLACKHOLE_ROUTE, rtb->id, "egress", fix,
                "the route %s of transit gateway route table %s is a "
                "blackhole: %s drops the copy", ds_cstr(&route_s), rtb->id,
                tgw->id);
        free(fix);
    } else if (routes[0].attachment->vpc != dst_vpc) {
        fix = xasprintf("route %s in %s to %s's attachment", dst_s, rtb->id,
                        dst_vpc->id);
        explain(r, SIM_EXPL_TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT, rtb->id,
                "egress", fix, "the route %s of %s sends the copy to %s "
                "(%s), but the target is in %s", ds_cstr(&route_s), rtb->id,
                routes[0].attachment->id, routes[0].attachment->vpc->id,
                dst_vpc->id);
        free(fix);
    } else {
        const struct sim_tgw_attachment *out_att = routes[0].attachment;
        const struct sim_route_table *out_rtb
            = out_att->subnets[0]->route_table;
        struct vpc_route route;

        add_hop(r, out_att->id, "transit-gateway-attachment");
        hop = add_hop(r, out_rtb->id, "route-table");
        if (vpc_route_lookup(out_rtb, &dst->ip, &route) && route.local) {
            struct ds s = DS_EMPTY_INITIALIZER;

            tm_cidr_format(route.destination, &s);
            smap_add(&hop->attrs, "route", ds_cstr(&s));
            smap_add(&hop->attrs, "target", "local");
            ds_destroy(&s);
            ok = true;
        } else {
            fix = xasprintf("in route table %s, let the local route of %s "
                            "deliver %s", out_rtb->id, dst_vpc->id, dst_s);
            explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, out_rtb->id, "egress",
                    fix, "route table %s of %s's transit gateway subnet %s "
                    "sends %s elsewhere than to its local route",
                    out_rtb->id, dst_vpc->id, out_att->subnets[0]->id,
                    dst_s);
            free(fix);
        }
    }

    if (!ok) {
        /* Less specific routes that the copy would otherwise follow. */
        for (size_t i = 1; i < n; i++) {
            if (routes[i].destination->plen
                < routes[0].destination->plen) {
                struct ds alt = DS_EMPTY_INITIALIZER;

                format_tgw_route(&routes[i], &alt);
                fix = xasprintf("in %s, remove the route %s or point it "
                                "where %s goes", rtb->id, ds_cstr(&route_s),
                                ds_cstr(&alt));
                explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, rtb->id, "egress",
                        fix, "the route %s is more specific than %s and takes "
                        "the copy instead", ds_cstr(&route_s),
                        ds_cstr(&alt));
                free(fix);
                ds_destroy(&alt);
            }
        }
    }
    ds_destroy(&route_s);

out:
    free(routes);
    free(dst_s);
    return ok;
}

/* Follows the copy from the source subnet to 'dst'.  Returns true if it
 * reaches it. */
static bool
route(const struct sim_topology *topo, struct sim_result *r,
      const struct sim_subnet *src_subnet, const struct destination *dst)
{
    const struct sim_route_table *rtb = src_subnet->route_table;
    const struct sim_vpc *vpc = src_subnet->vpc;
    const struct sim_vpc *dst_vpc = dst->subnet->vpc;
    char *dst_s = ip_to_string(&dst->ip);
    struct sim_hop *hop = add_hop(r, rtb->id, "route-table");
    struct vpc_route best;
    bool ok = false;
    char *fix;

    if (!vpc_route_lookup(rtb, &dst->ip, &best)) {
        const struct tm_cidr *want = sim_vpc_cidr_of(dst_vpc, &dst->ip);
        char *want_s = want ? cidr_to_string(want) : host_cidr(&dst->ip);

        fix = xasprintf("add to route table %s a route to %s (%s) through "
                        "a peering connection or transit gateway that "
                        "reaches it: <route destination=\"%s\" "
                        "target=\"...\"/>", rtb->id, want_s, dst_vpc->id,
                        want_s);
        explain(r, SIM_EXPL_NO_ROUTE_TO_DESTINATION, rtb->id, "egress", fix,
                "route table %s (subnet %s, %s) has no route for %s",
                rtb->id, src_subnet->id, vpc->id, dst_s);
        free(fix);
        free(want_s);
        goto out;
    }

    struct ds route_s = DS_EMPTY_INITIALIZER;
    format_vpc_route(&best, &route_s);
    smap_add_nocopy(&hop->attrs, xstrdup("route"),
                    cidr_to_string(best.destination));
    smap_add(&hop->attrs, "target", (best.local ? "local"
                                     : best.target ? best.target
                                     : "blackhole"));

    if (best.local) {
        if (dst_vpc == vpc) {
            ok = true;
        } else {
            fix = xasprintf("give %s and %s CIDRs that do not overlap, and "
                            "connect them by peering or a transit gateway",
                            vpc->id, dst_vpc->id);
            explain(r, SIM_EXPL_DISCONNECTED_VPCS, rtb->id, "egress", fix,
                    "%s is in the local range %s of %s, so the copy stays "
                    "in %s; the target is in %s", dst_s,
                    ds_cstr(&route_s), vpc->id, vpc->id, dst_vpc->id);
            free(fix);
        }
    } else if (!best.target) {
        fix = xasprintf("remove the blackhole route %s from route table %s, "
                        "or replace it by a route to a peering connection "
                        "or transit gateway", ds_cstr(&route_s), rtb->id);
        explain(r, SIM_EXPL_BLACKHOLE_ROUTE, rtb->id, "egress", fix,
                "the route %s of route table %s is a blackhole and drops "
                "the copy", ds_cstr(&route_s), rtb->id);
        free(fix);
    } else if (shash_find(&topo->peerings_by_id, best.target)) {
        const struct sim_peering *pcx
            = shash_find_data(&topo->peerings_by_id, best.target);
        const struct sim_vpc *peer = (pcx->requester == vpc
                                      ? pcx->accepter : pcx->requester);

        add_hop(r, pcx->id, "vpc-peering");
        if (!pcx->active) {
            fix = xasprintf("have the owner of %s accept peering connection "
                            "%s (status=\"active\")", pcx->accepter->id,
                            pcx->id);
            explain(r, SIM_EXPL_BAD_STATE_PCX, pcx->id, "egress", fix,
                    "peering connection %s is %s, not active: it carries "
                    "no traffic", pcx->id, pcx->status);
            free(fix);
        }
        if (!sim_vpc_cidr_of(peer, &dst->ip)) {
            const struct sim_peering *direct = find_active_peering(topo, vpc,
                                                                   dst_vpc);
            fix = (direct
                   ? xasprintf("route %s to %s, which peers %s with %s",
                               dst_s, direct->id, vpc->id, dst_vpc->id)
                   : xasprintf("peer %s with %s directly (peering is not "
                               "transitive) or connect them through a "
                               "transit gateway, and route %s there",
                               vpc->id, dst_vpc->id, dst_s));
            explain(r, SIM_EXPL_PCX_REQUIRES_ADDRESS_IN_VPC_CIDR, pcx->id,
                    "egress", fix, "peering connection %s only carries "
                    "traffic to %s's CIDRs; %s is in %s, not in %s (peering "
                    "is not transitive)", pcx->id, peer->id, dst_s,
                    dst_vpc->id, peer->id);
            free(fix);
        } else if (peer != dst_vpc) {
            fix = xasprintf("give %s and %s CIDRs that do not overlap",
                            peer->id, dst_vpc->id);
            explain(r, SIM_EXPL_DISCONNECTED_VPCS, pcx->id, "egress", fix,
                    "%s is in the CIDRs of %s, where %s delivers it, but "
                    "the target is in %s", dst_s, peer->id, pcx->id,
                    dst_vpc->id);
            free(fix);
        } else {
            ok = pcx->active;
        }
    } else if (shash_find(&topo->tgws_by_id, best.target)) {
        const struct sim_tgw *tgw = shash_find_data(&topo->tgws_by_id,
                                                    best.target);

        add_hop(r, tgw->id, "transit-gateway");
        ok = route_tgw(r, tgw, vpc, dst);
    } else if (shash_find(&topo->enis_by_id, best.target)) {
        const struct sim_eni *eni = shash_find_data(&topo->enis_by_id,
                                                    best.target);

        add_hop(r, eni->id, "network-interface");
        if (ipv6_addr_equals(&eni->ip, &dst->ip)
            && eni->subnet == dst->subnet) {
            ok = true;
        } else {
            fix = xasprintf("route %s through a peering connection or "
                            "transit gateway instead of network interface "
                            "%s", dst_s, eni->id);
            explain(r, SIM_EXPL_NO_ROUTE_TO_DESTINATION, rtb->id, "egress",
                    fix, "the route %s sends the copy to network interface "
                    "%s, an appliance, not to the target %s",
                    ds_cstr(&route_s), eni->id, dst_s);
            free(fix);
        }
    } else {
        fix = xasprintf("route %s through a peering connection or transit "
                        "gateway instead of %s", dst_s, best.target);
        explain(r, SIM_EXPL_NO_ROUTE_TO_DESTINATION, rtb->id, "egress", fix,
                "the route %s sends the copy out of %s through gateway %s; "
                "the target's address %s is private", ds_cstr(&route_s),
                vpc->id, best.target, dst_s);
        free(fix);
    }

    if (!ok) {
        explain_more_specific(r, rtb, &dst->ip, &best);
    }
    ds_destroy(&route_s);

out:
    free(dst_s);
    return ok;
}

/* ---- The mirroring model's refusals. ---- */

static const char *generic_fix(const struct tm_error *);

/* Returns the setting that would fix 'e', a refusal by the model of
 * 'component' (the session, its target or its filter) that concerns
 * 'session'.  The caller must free it. */
static char *
fix_for_model_error(const struct tm_error *e,
                    const struct sim_mirror_session *session,
                    const char *component)
{
    const struct sim_mirror_target *target = session->target;

    if (e->code == TM_ERR_TARGET_NOT_SHARED) {
        return xasprintf("have account %s share %s with account %s: "
                         "<resource-share id=\"...\" resources=\"%s\" "
                         "principals=\"%s\" status=\"accepted\"/>",
                         target->owner->id, target->id, session->owner->id,
                         target->id, session->owner->id);
    } else if (e->code == TM_ERR_SHARE_NOT_ACCEPTED) {
        return xasprintf("have account %s accept the share of %s "
                         "(status=\"accepted\")", session->owner->id,
                         target->id);
    } else if (e->code == TM_ERR_NOT_OWNER && !strcmp(component,
                                                      target->id)) {
        const struct sim_account *owner = (target->eni
                                           ? target->eni->owner
                                           : target->nlb->owner);
        return xasprintf("create %s in account %s, which owns %s",
                         target->id, owner->id,
                         target->eni ? target->eni->id : target->nlb->id);
    } else if (e->code == TM_ERR_NOT_OWNER
               && nullable_string_is_equal(e->field,
                                           "network-interface-id")) {
        return xasprintf("create the session in account %s, which owns %s, "
                         "or in the account that owns its subnet",
                         session->source->owner->id, session->source->id);
    } else if (e->code == TM_ERR_COPY_TOO_SHORT
               && nullable_string_is_equal(e->field, "packet-length")) {
        return xasprintf("set packet-length of %s to %d or more, or leave "
                         "it out to carry whole packets", session->id,
                         TM_MIN_CARRIED_LENGTH);
    } else if (e->code == TM_ERR_COPY_TOO_SHORT && target->eni) {
        return xasprintf("raise the mtu of %s, the target's network "
                         "interface", target->eni->id);
    }
    return xstrdup(generic_fix(e));
}

static const char *
generic_fix(const struct tm_error *e)
{
    switch (e->code) {
    case TM_ERR_QUOTA_SESSIONS_PER_ENI:
        return "mirror this source with at most 3 sessions";
    case TM_ERR_QUOTA_RULES_PER_FILTER:
        return "keep at most 10 rules in the filter";
    case TM_ERR_QUOTA_SOURCES_PER_TARGET:
        return "spread the sources over more targets, or use a network "
               "load balancer target";
    case TM_ERR_QUOTA_SESSIONS_PER_ACCOUNT:
    case TM_ERR_QUOTA_TARGETS_PER_ACCOUNT:
    case TM_ERR_QUOTA_FILTERS_PER_ACCOUNT:
        return "stay within 10,000 per account";
    case TM_ERR_ENI_IS_SOURCE_AND_TARGET:
        return "mirror to another network interface than the source";
    case TM_ERR_INSTANCE_TYPE_NOT_SUPPORTED:
        return "mirror an interface of a Nitro-based or supported Xen-based "
               "instance type (not T2, not previous generation)";
    case TM_ERR_NOT_OWNER:
        return "do it in the account that owns the resource";
    case TM_ERR_TARGET_NOT_SHARED:
        return "share the target with this account in a resource-share "
               "(resources=\"TARGET\" principals=\"ACCOUNT\")";
    case TM_ERR_SHARE_NOT_ACCEPTED:
        return "accept the resource share (status=\"accepted\")";
    case TM_ERR_VALUE_OUT_OF_RANGE:
        return "use a value within the allowed range";
    case TM_ERR_CIDR_FAMILY_MISMATCH:
        return "use two IPv4 or two IPv6 CIDR blocks";
    case TM_ERR_PORT_RANGE_NOT_ALLOWED:
        return "remove the port ranges or use protocol 6 or 17";
    case TM_ERR_DUPLICATE_RULE_NUMBER:
        return "give each rule of a direction its own rule number";
    case TM_ERR_DUPLICATE_SESSION_NUMBER:
        return "give each session of the source its own session number";
    case TM_ERR_COPY_TOO_SHORT:
        return "carry at least 14 bytes: a larger packet length or target "
               "MTU";
    case TM_ERR_COPY_FAMILY_MISMATCH:
        return "mirror to a target whose address is of the source's family "
               "(IPv4 to IPv4, IPv6 to IPv6)";
    case TM_ERR_IN_USE:
    case TM_ERR_NOT_FOUND:
    case TM_ERR_MISSING_VALUE:
    case TM_ERR_INVALID_VALUE:
    case TM_ERR_DUPLICATE_ID:
    case TM_N_ERROR_CODES:
    default:
        return "correct the value named in the detail";
    }
}

/* Reports the model's refusals 'errors' of an object of 'session' (the
 * session itself, its target or its filter), naming 'component' or, for
 * the session's own refusals, the object that its field designates. */
static void
explain_model_errors(struct sim_result *r,
                     const struct sim_mirror_session *session,
                     const char *component, struct tm_error **errors,
                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct tm_error *e = errors[i];
        const char *at = component;

        if (!strcmp(component, session->id) && e->field) {
            if (!strcmp(e->field, "traffic-mirror-target-id")) {
                at = session->target->id;
            } else if (!strcmp(e->field, "traffic-mirror-filter-id")) {
                at = session->filter->id;
            } else if (!strcmp(e->field, "network-interface-id")) {
                at = session->source->id;
            }
        }

        char *fix = fix_for_model_error(e, session, component);
        if (e->field) {
            explain_model(r, e, at, fix, "%s: %s", e->field, e->message);
        } else {
            explain_model(r, e, at, fix, "%s", e->message);
        }
        free(fix);
    }
}

/* ---- The check. ---- */

/* Checks 'session' of 'topo' into 'r', which the caller must later free
 * with sim_result_destroy(). */
void
sim_check_session(const struct sim_topology *topo,
                  const struct sim_mirror_session *session,
                  struct sim_result *r)
{
    const struct sim_mirror_target *target = session->target;
    const struct sim_eni *src = session->source;
    const struct sim_nlb_node *node = NULL;
    struct destination dst;
    struct sim_hop *hop;
    bool reached;

    memset(r, 0, sizeof *r);
    r->session = session;
    sset_init(&r->consulted);

    explain_model_errors(r, session, target->id, target->errors,
                         target->n_errors);
    explain_model_errors(r, session, session->filter->id,
                         session->filter->errors, session->filter->n_errors);
    explain_model_errors(r, session, session->id, session->errors,
                         session->n_errors);
    bool invalid = r->n_explanations > 0;

    if (target->eni) {
        dst.ip = target->eni->ip;
        dst.subnet = target->eni->subnet;
    } else {
        node = choose_node(target->nlb, src->subnet->zone);
        dst.ip = node->ip;
        dst.subnet = node->subnet;
    }

    r->src_ip = src->ip;
    r->dst_ip = dst.ip;

    /* What the flow compiler needs of the copies: a session that it would
     * refuse is invalid here, for the same reason, so that "tm-sim flows"
     * never finds one of its own. */
    const struct tm_session *tm_session = tm_model_find_session(topo->model,
                                                                session->id);
    if (tm_session) {
        struct tm_error *e = tm_check_copy(topo->model, tm_session,
                                           &r->src_ip, &r->dst_ip);
        if (e) {
            explain_model_errors(r, session, session->id, &e, 1);
            tm_error_destroy(e);
            invalid = true;
        }
    }
    hop = add_hop(r, src->id, "network-interface");
    smap_add(&hop->attrs, "availability-zone", src->subnet->zone);

    /* Both ACLs are evaluated whatever the routing does; the hops are put
     * where the copy meets them. */
    bool same_subnet = src->subnet == dst.subnet;
    if (!same_subnet && src->subnet->acl) {
        hop = add_hop(r, src->subnet->acl->id, "network-acl");
        smap_add(&hop->attrs, "direction", "egress");
        check_acl(r, src->subnet, true, &dst.ip);
    }

    reached = route(topo, r, src->subnet, &dst);

    if (!same_subnet && dst.subnet->acl) {
        if (reached) {
            hop = add_hop(r, dst.subnet->acl->id, "network-acl");
            smap_add(&hop->attrs, "direction", "ingress");
        }
        check_acl(r, dst.subnet, false, &src->ip);
    }

    if (target->eni) {
        if (reached) {
            for (size_t i = 0; i < target->eni->n_groups; i++) {
                hop = add_hop(r, target->eni->groups[i]->id,
                              "security-group");
                smap_add(&hop->attrs, "direction", "ingress");
            }
            add_hop(r, target->eni->id, "network-interface");
        }
        check_security_groups(topo, r, src, target->eni);
    } else {
        if (reached) {
            char *ip = ip_to_string(&node->ip);

            hop = add_hop(r, target->nlb->id, "load-balancer");
            smap_add_nocopy(&hop->attrs, xstrdup("node"), ip);
            smap_add(&hop->attrs, "availability-zone", node->subnet->zone);
        }
        check_nlb(r, target->nlb, node, reached);
    }

    r->verdict = (invalid ? SIM_INVALID
                  : r->n_explanations ? SIM_BLOCKED
                  : SIM_REACHABLE);
}

/* Checks the sessions of 'topo' named in 'session_ids' (all of them, in
 * file order, if 'n_session_ids' is 0) into a new report in '*reportp'.
 * Returns an error if a session does not exist. */
char *
sim_check(const struct sim_topology *topo, char *const *session_ids,
          size_t n_session_ids, struct sim_report **reportp)
{
    struct sim_report *report;
    size_t n = n_session_ids ? n_session_ids : topo->n_sessions;

    *reportp = NULL;
    for (size_t i = 0; i < n_session_ids; i++) {
        if (!shash_find(&topo->sessions_by_id, session_ids[i])) {
            return xasprintf("%s: no traffic-mirror-session \"%s\"",
                             topo->file_name, session_ids[i]);
        }
    }

    report = xzalloc(sizeof *report);
    report->topology = xstrdup(topo->file_name);
    report->results = xcalloc(n ? n : 1, sizeof *report->results);
    for (size_t i = 0; i < n; i++) {
        const struct sim_mirror_session *session
            = (n_session_ids
               ? shash_find_data(&topo->sessions_by_id, session_ids[i])
               : topo->sessions[i]);

        sim_check_session(topo, session, &report->results[i]);
    }
    report->n_results = n;
    *reportp = report;
    return NULL;
}

void
sim_report_destroy(struct sim_report *report)
{
    if (report) {
        for (size_t i = 0; i < report->n_results; i++) {
            sim_result_destroy(&report->results[i]);
        }
        free(report->results);
        free(report->topology);
        free(report);
    }
}

/* Returns 0 if every session in 'report' is reachable, otherwise 1. */
int
sim_report_exit_status(const struct sim_report *report)
{
    for (size_t i = 0; i < report->n_results; i++) {
        if (report->results[i].verdict != SIM_REACHABLE) {
            return 1;
        }
    }
    return 0;
}
