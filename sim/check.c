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

/* The reachability check (Documentation/semantics.rst, "Connectivity").
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

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
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

/* ---- The trace kept for sim_recheck(). ----
 *
 * The check of a session runs in steps, each of which appends its hops
 * and explanations to the result after those of the steps before it, and
 * records the ids of the components whose settings it read.  The route
 * step also leaves where the copy got and the way it went, which the steps
 * after it read.  So a step can run again alone, on a changed topology,
 * and its hops and explanations replace its old ones in place. */

enum check_step {
    STEP_MODEL,                 /* The model's refusals; the addresses. */
    STEP_SOURCE,                /* The source interface. */
    STEP_SRC_ACL,               /* The source subnet's network ACL. */
    STEP_ROUTE,                 /* Routing, to the destination subnet. */
    STEP_DST_ACL,               /* The destination subnet's network ACL. */
    STEP_TARGET,                /* The target's security groups, or its
                                 * load balancer and appliances. */
    N_STEPS
};

/* Where the copy is addressed. */
struct destination {
    struct in6_addr ip;
    const struct sim_subnet *subnet;
};

/* How the copy went from its source's VPC to its destination's.  A
 * security group rule that references the source's group lets the copy in
 * only if the way it came honours references: within one VPC, across the
 * peering connection that joins the two VPCs, or across transit gateways
 * and attachments that all support security group references (off by
 * default on a gateway, on by default on an attachment, never across a
 * peering of two gateways). */
struct crossing {
    bool known;                 /* False if routing did not get there: then
                                 * references are given the benefit of the
                                 * doubt, so that only sure reasons are
                                 * reported. */
    const struct sim_peering *peering;  /* The peering crossed, if any. */
    bool tgw;                   /* A transit gateway was crossed. */
    const char *sgref_off;      /* The first gateway, attachment or gateway
                                 * peering crossed that does not support
                                 * references, or NULL. */
    const char *sgref_off_type; /* "transit gateway", ... */
};

struct check_cache;

/* What a step read. */
struct step {
    const char **deps;          /* Ids of what it read, topology-owned, */
    size_t n_deps, allocated_deps;  /* each once: in 'small_deps'... */
    const char *small_deps[8];  /* ...unless there are more. */
};

/* What a re-check reads of every result it touches comes first, close
 * together: a re-check of many sessions waits on memory more than it
 * computes. */
/* What decided a network ACL's verdict on the copy: all that its step's
 * hops and explanations depend on, but for the ACL's and subnet's ids and
 * the copy's addresses. */
struct acl_decision {
    bool matched;               /* False: the implicit final deny. */
    bool allow;                 /* The entry that matched... */
    int64_t rule_number;
    int line;
};

struct sim_trace {
    uint16_t n_hops[N_STEPS];   /* The hops and explanations of each step, */
    uint16_t n_explanations[N_STEPS];   /* which follow those before. */
    struct acl_decision acls[2];        /* Of STEP_SRC_ACL, STEP_DST_ACL. */
    struct destination dst;     /* Set by STEP_MODEL. */
    const struct sim_nlb_node *node;    /* Set by STEP_MODEL if the target
                                         * is a load balancer. */
    bool invalid;               /* Set by STEP_MODEL. */
    bool reached;               /* Set by STEP_ROUTE. */
    struct crossing crossing;   /* Set by STEP_ROUTE. */
    enum check_step cur;        /* The step running. */
    struct check_cache *cache;  /* While steps run. */
    bool texts;                 /* Whether the steps running write the
                                 * explanations' sentences. */
    bool textless[N_STEPS];     /* Steps whose explanations lack them. */
    struct step steps[N_STEPS];
};

/* Records that the step running for 'r' read the settings of 'id', a
 * component's id owned by the topology. */
static void
consult(struct sim_result *r, const char *id)
{
    struct step *step = &r->trace->steps[r->trace->cur];

    for (size_t i = 0; i < step->n_deps; i++) {
        if (step->deps[i] == id) {
            return;
        }
    }
    if (step->n_deps >= step->allocated_deps) {
        if (step->deps == step->small_deps) {
            step->deps = xmemdup(step->small_deps, sizeof step->small_deps);
        }
        step->deps = x2nrealloc(step->deps, &step->allocated_deps,
                                sizeof *step->deps);
    }
    step->deps[step->n_deps++] = id;
}

static struct sim_trace *
trace_create(void)
{
    struct sim_trace *t = xzalloc(sizeof *t);

    for (size_t i = 0; i < N_STEPS; i++) {
        t->steps[i].deps = t->steps[i].small_deps;
        t->steps[i].allocated_deps = ARRAY_SIZE(t->steps[i].small_deps);
    }
    return t;
}

static void
trace_destroy(struct sim_trace *t)
{
    if (t) {
        for (size_t i = 0; i < N_STEPS; i++) {
            if (t->steps[i].deps != t->steps[i].small_deps) {
                free(t->steps[i].deps);
            }
        }
        free(t);
    }
}

/* ---- Building a result. ---- */

/* Adds to 'r' a hop through 'component' (an id owned by the topology) of
 * 'type', and returns it, valid until the next hop is added. */
static struct sim_hop *
add_hop(struct sim_result *r, const char *component, const char *type)
{
    if (r->n_hops >= r->allocated_hops) {
        /* Room at once for a path through transit gateways. */
        r->allocated_hops = MAX(r->allocated_hops, 6);
        r->hops = x2nrealloc(r->hops, &r->allocated_hops, sizeof *r->hops);
    }

    struct sim_hop *hop = &r->hops[r->n_hops++];
    consult(r, component);
    *hop = (struct sim_hop) { .component = component, .type = type };
    return hop;
}

static void OVS_PRINTF_FORMAT(6, 0)
explain_valist(struct sim_result *r, const char *code, const char *component,
               const char *direction, const char *fix, const char *format,
               va_list args)
{
    if (r->n_explanations >= r->allocated_explanations) {
        r->allocated_explanations = MAX(r->allocated_explanations, 2);
        r->explanations = x2nrealloc(r->explanations,
                                     &r->allocated_explanations,
                                     sizeof *r->explanations);
    }

    struct sim_explanation *e = &r->explanations[r->n_explanations++];

    e->code = code;
    e->component = component;
    e->direction = direction;
    if (r->trace->texts) {
        e->fix = xstrdup(fix);
        e->detail = xvasprintf(format, args);
    } else {
        e->fix = e->detail = NULL;
    }
}

/* Returns the string in 's', or NULL if 'r' is being made without the
 * sentences of its explanations (which 's' is for). */
static const char *
text_of(const struct sim_result *r, struct ds *s)
{
    return r->trace->texts ? ds_cstr(s) : NULL;
}

/* Returns the setting that would fix a reason for 'r', made of 'format',
 * or NULL if 'r' is being made without its sentences. */
static char * OVS_PRINTF_FORMAT(2, 3)
fix_text(const struct sim_result *r, const char *format, ...)
{
    char *fix = NULL;

    if (r->trace->texts) {
        va_list args;

        va_start(args, format);
        fix = xvasprintf(format, args);
        va_end(args);
    }
    return fix;
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

static void
explanation_destroy(struct sim_explanation *e)
{
    free(e->detail);
    free(e->fix);
}

void
sim_result_destroy(struct sim_result *r)
{
    if (!r) {
        return;
    }
    free(r->hops);
    for (size_t i = 0; i < r->n_explanations; i++) {
        explanation_destroy(&r->explanations[i]);
    }
    free(r->explanations);
    trace_destroy(r->trace);
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

/* Returns true if the check that gave 'r' consulted 'component' (on the
 * path or not): a change to any other component cannot change 'r'. */
bool
sim_result_consulted(const struct sim_result *r, const char *component)
{
    for (size_t i = 0; i < N_STEPS; i++) {
        const struct step *step = &r->trace->steps[i];

        for (size_t j = 0; j < step->n_deps; j++) {
            if (!strcmp(step->deps[j], component)) {
                return true;
            }
        }
    }
    return false;
}

/* Adds to 'consulted' the id of every component that the check that gave
 * 'r' consulted. */
void
sim_result_get_consulted(const struct sim_result *r, struct sset *consulted)
{
    for (size_t i = 0; i < N_STEPS; i++) {
        const struct step *step = &r->trace->steps[i];

        for (size_t j = 0; j < step->n_deps; j++) {
            sset_add(consulted, step->deps[j]);
        }
    }
}

/* Returns false if a change to 'component' that concerns only the
 * addresses in 'cidr' (NULL: any address) cannot change 'r': the check
 * did not consult 'component', or neither address of the copy is in
 * 'cidr'.  That holds for a route (whose destination is 'cidr'), a network
 * ACL entry (whose CIDR it is) and a security group rule by CIDR changed
 * in place (one added or removed, or turned to the other direction,
 * changes the count of a group's rules in a direction, which an
 * explanation tells); a change of a route's destination or of an entry's
 * CIDR concerns the old and the new one, so ask for both. */
bool
sim_result_depends_on(const struct sim_result *r, const char *component,
                      const struct tm_cidr *cidr)
{
    return (sim_result_consulted(r, component)
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

/* ---- Formatting helpers. ----
 *
 * The check formats an address or two for every hop of every session: the
 * IPv4 ones here without printf, as tm_ip_format() and tm_cidr_format()
 * would. */

static void
put_decimal(unsigned int n, struct ds *s)
{
    char buf[16];
    size_t i = sizeof buf;

    do {
        buf[--i] = '0' + n % 10;
        n /= 10;
    } while (n);
    ds_put_buffer(s, &buf[i], sizeof buf - i);
}

static void
put_ip(const struct in6_addr *ip, struct ds *s)
{
    if (IN6_IS_ADDR_V4MAPPED(ip)) {
        for (int i = 12; i < 16; i++) {
            if (i > 12) {
                ds_put_char(s, '.');
            }
            put_decimal(ip->s6_addr[i], s);
        }
    } else {
        tm_ip_format(ip, s);
    }
}

static void
put_cidr(const struct tm_cidr *cidr, struct ds *s)
{
    put_ip(&cidr->addr, s);
    ds_put_char(s, '/');
    put_decimal(cidr->plen, s);
}

/* Formats 'ip' into 'buf', as tm_ip_format() would. */
static void
ip_to_buf(const struct in6_addr *ip, char buf[INET6_ADDRSTRLEN])
{
    if (IN6_IS_ADDR_V4MAPPED(ip)) {
        char *p = buf;

        for (int i = 12; i < 16; i++) {
            unsigned int b = ip->s6_addr[i];

            if (i > 12) {
                *p++ = '.';
            }
            if (b >= 100) {
                *p++ = '0' + b / 100;
            }
            if (b >= 10) {
                *p++ = '0' + b / 10 % 10;
            }
            *p++ = '0' + b % 10;
        }
        *p = '\0';
    } else {
        inet_ntop(AF_INET6, ip, buf, INET6_ADDRSTRLEN);
    }
}

static char *
ip_to_string(const struct in6_addr *ip)
{
    struct ds s;

    ds_init(&s);
    ds_reserve(&s, 48);
    put_ip(ip, &s);
    return ds_steal_cstr(&s);
}

static char *
cidr_to_string(const struct tm_cidr *cidr)
{
    struct ds s;

    ds_init(&s);
    ds_reserve(&s, 52);
    put_cidr(cidr, &s);
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

/* tm_cidr_contains(), with the common case, IPv4, inline. */
static inline bool
cidr_contains(const struct tm_cidr *cidr, const struct in6_addr *ip)
{
    if (cidr->ipv4 && IN6_IS_ADDR_V4MAPPED(ip)) {
        uint32_t a = ntohl(in6_addr_get_mapped_ipv4(&cidr->addr));
        uint32_t b = ntohl(in6_addr_get_mapped_ipv4(ip));

        return !cidr->plen || !((a ^ b) >> (32 - cidr->plen));
    }
    return tm_cidr_contains(cidr, ip);
}

/* Returns the first active peering connection of 'a' and 'b', or NULL,
 * having consulted for 'r' those that peer them. */
static const struct sim_peering *
find_active_peering(const struct sim_topology *topo, struct sim_result *r,
                    const struct sim_vpc *a, const struct sim_vpc *b)
{
    for (size_t i = 0; i < topo->n_peerings; i++) {
        const struct sim_peering *pcx = topo->peerings[i];

        if ((pcx->requester == a && pcx->accepter == b)
            || (pcx->requester == b && pcx->accepter == a)) {
            consult(r, pcx->id);
            if (pcx->active) {
                return pcx;
            }
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

        if (cidr_contains(c, ip)
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

        if (cidr_contains(c, ip)
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
    put_cidr(route->destination, s);
    ds_put_cstr(s, " -> ");
    ds_put_cstr(s, (route->local ? "local"
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

    if (r->trace->texts) {
        format_vpc_route(best, &chosen);
    }
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
            || !cidr_contains(other.destination, ip)
            || other.destination->plen >= best->destination->plen) {
            continue;
        }

        struct ds alt = DS_EMPTY_INITIALIZER;
        char *fix;

        if (r->trace->texts) {
            format_vpc_route(&other, &alt);
        }
        fix = fix_text(r, "in route table %s, remove the route %s or point "
                          "it where %s goes", rtb->id, text_of(r, &chosen),
                          text_of(r, &alt));
        explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, rtb->id, "egress", fix,
                "the route %s is more specific than %s and takes the copy "
                "instead", text_of(r, &chosen), text_of(r, &alt));
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

/* The entries of a network ACL in a direction that may match the copy, a
 * UDP packet to port 4789, in their order: no other entry decides. */
struct acl_filter {
    struct hmap_node node;      /* In struct check_cache's 'acls'. */
    const struct sim_network_acl *acl;
    bool egress;
    const struct sim_acl_entry **entries;
    size_t n;
};

static bool
acl_entry_may_match(const struct sim_acl_entry *e, bool egress)
{
    return (e->egress == egress
            && (e->protocol == TM_PROTO_ALL || e->protocol == IPPROTO_UDP)
            && ports_match(e->protocol, e->has_ports, &e->ports));
}

static const struct acl_filter *acl_filter_get(struct check_cache *,
                                               const struct sim_network_acl *,
                                               bool egress);

/* Evaluates the entries of 'acl' in 'egress' direction for the copy, whose
 * far end is 'peer', with those that 'cache' (if nonnull) picked out.
 * Returns the entry that decides, or NULL for the implicit deny. */
static const struct sim_acl_entry *
acl_evaluate(struct check_cache *cache, const struct sim_network_acl *acl,
             bool egress, const struct in6_addr *peer)
{
    if (cache) {
        const struct acl_filter *f = acl_filter_get(cache, acl, egress);

        for (size_t i = 0; i < f->n; i++) {
            if (cidr_contains(&f->entries[i]->cidr, peer)) {
                return f->entries[i];
            }
        }
        return NULL;
    }

    for (size_t i = 0; i < acl->n_entries; i++) {
        const struct sim_acl_entry *e = &acl->entries[i];

        if (acl_entry_may_match(e, egress) && cidr_contains(&e->cidr, peer)) {
            return e;
        }
    }
    return NULL;
}

static struct acl_decision
acl_decision_of(const struct sim_acl_entry *e)
{
    return (e
            ? (struct acl_decision) { .matched = true, .allow = e->allow,
                                      .rule_number = e->rule_number,
                                      .line = e->line }
            : (struct acl_decision) { .matched = false });
}

static bool
acl_decisions_equal(const struct acl_decision *a,
                    const struct acl_decision *b)
{
    return (a->matched == b->matched && a->allow == b->allow
            && a->rule_number == b->rule_number && a->line == b->line);
}

static void
check_acl(struct sim_result *r, const struct sim_subnet *subnet,
          bool egress, const struct in6_addr *peer)
{
    const struct sim_network_acl *acl = subnet->acl;
    const char *dir = egress ? "egress" : "ingress";
    const struct sim_acl_entry *e = acl_evaluate(r->trace->cache, acl,
                                                 egress, peer);
    char *peer_s, *peer_cidr, *fix;

    consult(r, acl->id);
    if (r->trace->cur == STEP_SRC_ACL || r->trace->cur == STEP_DST_ACL) {
        r->trace->acls[r->trace->cur == STEP_DST_ACL] = acl_decision_of(e);
    }
    if (e && e->allow) {
        return;
    }

    peer_s = r->trace->texts ? ip_to_string(peer) : NULL;
    peer_cidr = r->trace->texts ? host_cidr(peer) : NULL;
    if (e) {
        fix = fix_text(r, "add to network ACL %s an %s entry numbered "
                          "below %"PRId64": <entry rule-number=\"N\" "
                          "direction=\"%s\" rule-action=\"allow\" "
                          "protocol=\"%d\" cidr=\"%s\" "
                          "from-port=\"%d\" to-port=\"%d\"/>", acl->id, dir,
                          e->rule_number, dir, IPPROTO_UDP, peer_cidr,
                          SIM_VXLAN_PORT, SIM_VXLAN_PORT);
        explain(r, SIM_EXPL_SUBNET_ACL_RESTRICTION, acl->id, dir, fix,
                "%s entry %"PRId64" of network ACL %s (subnet %s, line %d) "
                "denies UDP %d %s %s", dir, e->rule_number, acl->id,
                subnet->id, e->line, SIM_VXLAN_PORT,
                egress ? "to" : "from", peer_s);
    } else {
        fix = fix_text(r, "add to network ACL %s: <entry rule-number=\"N\" "
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

/* Checks the network ACL of 'subnet', if it has one, for the copy going out
 * to (if 'egress') or coming in from 'peer', and puts the ACL on the path
 * if 'on_path'. */
static void
cross_acl(struct sim_result *r, const struct sim_subnet *subnet, bool egress,
          const struct in6_addr *peer, bool on_path)
{
    if (subnet->acl) {
        if (on_path) {
            struct sim_hop *hop = add_hop(r, subnet->acl->id, "network-acl");
            hop->direction = egress ? "egress" : "ingress";
        }
        check_acl(r, subnet, egress, peer);
    }
}

static const struct crossing local_crossing = { .known = true };

/* Records that the copy crossed 'component' of 'type', which supports
 * security group references if 'sg_referencing'. */
static void
cross_tgw(struct crossing *c, const char *component, const char *type,
          bool sg_referencing)
{
    c->tgw = true;
    if (!sg_referencing && !c->sgref_off) {
        c->sgref_off = component;
        c->sgref_off_type = type;
    }
}

/* The far end of the copy as a security group rule sees it: its address,
 * the groups it is a member of, and their VPC. */
struct sg_peer {
    const char *id;                     /* For messages. */
    const struct in6_addr *ip;
    const struct sim_security_group *const *groups;
    size_t n_groups;
    const struct sim_vpc *vpc;          /* NULL: that of 'eni'... */
    const struct sim_eni *eni;          /* ...found only for a reference,
                                         * the rare case. */
};

static const struct sim_vpc *
sg_peer_vpc(const struct sg_peer *peer)
{
    return peer->vpc ? peer->vpc : sim_eni_vpc(peer->eni);
}

static bool
peer_in_group(const struct sg_peer *peer,
              const struct sim_security_group *sg)
{
    for (size_t i = 0; i < peer->n_groups; i++) {
        if (peer->groups[i] == sg) {
            return true;
        }
    }
    return false;
}

/* Returns true if 'rule' of a group in 'vpc' lets the copy in from, or if
 * 'egress' out to, 'peer', having come the way 'c' says.  If only the way
 * it came keeps a reference from holding, stores in '*sgref_off' the
 * component that does not support references. */
static bool
sg_rule_allows(const struct sim_sg_rule *rule, bool egress,
               const struct sg_peer *peer, const struct sim_vpc *vpc,
               const struct crossing *c, const char **sgref_off)
{
    if (rule->egress != egress
        || (rule->protocol != TM_PROTO_ALL && rule->protocol != IPPROTO_UDP)
        || !ports_match(rule->protocol, rule->has_ports, &rule->ports)) {
        return false;
    }
    if (rule->has_cidr) {
        return cidr_contains(&rule->cidr, peer->ip);
    }

    /* A group reference: the peer must be a member of the group, which is
     * in the peer's VPC. */
    const struct sim_vpc *peer_vpc = sg_peer_vpc(peer);
    if (!peer_in_group(peer, rule->group) || rule->group->vpc != peer_vpc) {
        return false;
    }
    if (peer_vpc == vpc || !c->known) {
        return true;
    }
    if (c->peering) {
        return ((c->peering->requester == vpc
                 && c->peering->accepter == peer_vpc)
                || (c->peering->accepter == vpc
                    && c->peering->requester == peer_vpc));
    }
    if (c->tgw) {
        if (!c->sgref_off) {
            return true;
        }
        *sgref_off = c->sgref_off;
    }
    return false;
}

/* Checks that the security groups 'groups' of 'owner', an interface or a
 * load balancer in 'vpc', let the copy in from 'peer' (out to 'peer' if
 * 'egress'), the copy having come the way 'c' says. */
static void
check_groups(struct sim_result *r, const char *owner,
             const struct sim_security_group *const *groups, size_t n,
             const struct sim_vpc *vpc, bool egress,
             const struct sg_peer *peer, const struct crossing *c)
{
    const char *dir = egress ? "egress" : "ingress";
    const char *sgref_off = NULL;

    for (size_t i = 0; i < n; i++) {
        consult(r, groups[i]->id);
    }
    for (size_t i = 0; i < n; i++) {
        const struct sim_security_group *sg = groups[i];

        for (size_t j = 0; j < sg->n_rules; j++) {
            if (sg_rule_allows(&sg->rules[j], egress, peer, vpc, c,
                               &sgref_off)) {
                return;
            }
        }
    }

    char *peer_s = r->trace->texts ? ip_to_string(peer->ip) : NULL;
    char *peer_cidr = r->trace->texts ? host_cidr(peer->ip) : NULL;
    char *fix;

    if (sgref_off) {
        /* One change lets the copy in: say only that. */
        if (!strcmp(c->sgref_off_type, "transit gateway peering")) {
            fix = fix_text(r, "security group references do not hold across "
                              "a peering of transit gateways: allow the "
                              "source's address in %s's security group: "
                              "<rule direction=\"%s\" protocol=\"%d\" "
                              "from-port=\"%d\" to-port=\"%d\" cidr=\"%s\"/>",
                              owner, dir, IPPROTO_UDP, SIM_VXLAN_PORT,
                              SIM_VXLAN_PORT, peer_cidr);
        } else {
            fix = fix_text(r, "turn on security group referencing support "
                              "on %s %s (security-group-referencing-support="
                              "\"enable\"), or allow the source's address: "
                              "<rule direction=\"%s\" protocol=\"%d\" "
                              "from-port=\"%d\" to-port=\"%d\" cidr=\"%s\"/>",
                              c->sgref_off_type, sgref_off, dir, IPPROTO_UDP,
                              SIM_VXLAN_PORT, SIM_VXLAN_PORT, peer_cidr);
        }
        explain(r, SIM_EXPL_SG_REFERENCING_SUPPORT, sgref_off, dir, fix,
                "a security group of %s lets in UDP %d from %s (%s) only by "
                "reference to its group, and the copy crossed %s %s, which "
                "does not carry security group references", owner,
                SIM_VXLAN_PORT, peer_s, peer->id, c->sgref_off_type,
                sgref_off);
        free(fix);
        goto out;
    }

    for (size_t i = 0; i < n; i++) {
        const struct sim_security_group *sg = groups[i];
        size_t n_dir = 0;

        for (size_t j = 0; j < sg->n_rules; j++) {
            n_dir += sg->rules[j].egress == egress;
        }
        fix = fix_text(r, "add to security group %s: <rule direction="
                          "\"%s\" protocol=\"%d\" from-port=\"%d\" "
                          "to-port=\"%d\" cidr=\"%s\"/>", sg->id, dir,
                          IPPROTO_UDP, SIM_VXLAN_PORT, SIM_VXLAN_PORT,
                          peer_cidr);
        if (!n_dir) {
            explain(r, SIM_EXPL_SG_HAS_NO_RULES, sg->id, dir, fix,
                    "security group %s of %s has no %s rule, so it "
                    "lets nothing %s, UDP %d %s %s (%s) included", sg->id,
                    owner, dir, egress ? "out" : "in", SIM_VXLAN_PORT,
                    egress ? "to" : "from", peer_s, peer->id);
        } else {
            explain(r, SIM_EXPL_ENI_SG_RULES_MISMATCH, sg->id, dir, fix,
                    "no %s rule of security group %s of %s allows UDP "
                    "%d %s %s (%s)", dir, sg->id, owner, SIM_VXLAN_PORT,
                    egress ? "to" : "from", peer_s, peer->id);
        }
        free(fix);
    }

out:
    free(peer_cidr);
    free(peer_s);
}

static void
eni_peer(const struct sim_eni *eni, struct sg_peer *peer)
{
    peer->id = eni->id;
    peer->ip = &eni->ip;
    peer->groups = eni->groups;
    peer->n_groups = eni->n_groups;
    peer->vpc = NULL;
    peer->eni = eni;
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

/* Returns true if the node of 'nlb' in 'zone' may forward to 't'. */
static bool
nlb_may_use(const struct sim_nlb *nlb, const char *zone,
            const struct sim_nlb_target *t)
{
    return t->healthy && (nlb->cross_zone
                          || !strcmp(t->eni->subnet->zone, zone));
}

static void
add_group_hops(struct sim_result *r,
               const struct sim_security_group *const *groups, size_t n,
               const char *direction)
{
    for (size_t i = 0; i < n; i++) {
        struct sim_hop *hop = add_hop(r, groups[i]->id, "security-group");
        hop->direction = direction;
    }
}

/* Checks the way from the node 'node' of 'nlb' to the appliances it may
 * forward the copy of 'src' to, which came the way 'c' says.  UDP target
 * groups keep the client's address: an appliance sees the copy come from
 * the source, so its subnet's network ACL and its security groups must
 * let that in; a reference to the load balancer's own groups holds there,
 * a reference to the source's does not (choice: as for any client of a
 * load balancer, AWS asks for the client's addresses). */
static void
check_nlb(struct sim_result *r, const struct sim_nlb *nlb,
          const struct sim_nlb_node *node, const struct sim_eni *src,
          const struct crossing *c, bool reached)
{
    const struct sim_nlb_target *chosen = NULL;
    const char *zone = node->subnet->zone;
    bool listener = false;
    size_t n_healthy = 0;
    struct sg_peer src_peer;

    eni_peer(src, &src_peer);
    consult(r, nlb->id);
    for (size_t i = 0; i < nlb->n_listeners; i++) {
        const struct sim_nlb_listener *l = &nlb->listeners[i];

        if (l->port == SIM_VXLAN_PORT
            && (!strcmp(l->protocol, "udp")
                || !strcmp(l->protocol, "tcp_udp"))) {
            listener = true;
        }
    }
    if (!listener) {
        char *fix = fix_text(r, "add to load balancer %s: <listener "
                                "protocol=\"udp\" port=\"%d\"/>", nlb->id,
                                SIM_VXLAN_PORT);
        explain(r, SIM_EXPL_ELBV2_LISTENERS_MISMATCH, nlb->id, "ingress", fix,
                "load balancer %s has no UDP listener on port %d: mirrored "
                "copies sent to it are silently dropped", nlb->id,
                SIM_VXLAN_PORT);
        free(fix);
    }
    if (nlb->n_groups) {
        check_groups(r, nlb->id, nlb->groups, nlb->n_groups, nlb->vpc,
                     false, &src_peer, c);
    }

    for (size_t i = 0; i < nlb->n_targets; i++) {
        const struct sim_nlb_target *t = &nlb->targets[i];

        n_healthy += t->healthy;
        if (!chosen && nlb_may_use(nlb, zone, t)) {
            chosen = t;
        }
    }
    if (!chosen && n_healthy && !nlb->cross_zone) {
        char *fix = fix_text(r, "turn on cross-zone load balancing "
                                "(cross-zone=\"true\" on %s), or register a "
                                "healthy target in %s", nlb->id, zone);
        explain(r, SIM_EXPL_ELB_NOT_CROSSZONE, nlb->id, "ingress", fix,
                "the node of %s in %s has no healthy target in its zone, "
                "and cross-zone load balancing is off, so it may not use "
                "the %"PRIuSIZE" healthy target%s in other zones",
                nlb->id, zone, n_healthy, n_healthy == 1 ? "" : "s");
        free(fix);
    } else if (!chosen) {
        char *fix = fix_text(r, "register a healthy target with %s%s%s",
                                nlb->id, nlb->cross_zone ? "" : " in ",
                                nlb->cross_zone ? "" : zone);
        explain(r, SIM_EXPL_ELBV2_NO_TARGETS_IN_AZ, nlb->id, "ingress", fix,
                "load balancer %s has no healthy target %s%s", nlb->id,
                nlb->cross_zone ? "in any zone" : "in ",
                nlb->cross_zone ? "" : zone);
        free(fix);
    }

    /* The node spreads the copies over every target it may use: each must
     * let them in. */
    struct sg_peer via_nlb = {
        .id = src->id,
        .ip = &src->ip,
        .groups = nlb->groups,
        .n_groups = nlb->n_groups,
        .vpc = nlb->vpc,
    };
    for (size_t i = 0; i < nlb->n_targets; i++) {
        const struct sim_nlb_target *t = &nlb->targets[i];
        const struct sim_eni *appl = t->eni;
        bool on_path = reached && listener && t == chosen;
        bool crosses_acls = appl->subnet != node->subnet;
        struct sg_peer appl_peer;

        if (!nlb_may_use(nlb, zone, t)) {
            continue;
        }
        consult(r, appl->id);
        eni_peer(appl, &appl_peer);
        if (nlb->n_groups) {
            if (on_path) {
                add_group_hops(r, nlb->groups, nlb->n_groups, "egress");
            }
            check_groups(r, nlb->id, nlb->groups, nlb->n_groups, nlb->vpc,
                         true, &appl_peer, &local_crossing);
        }
        if (crosses_acls) {
            cross_acl(r, node->subnet, true, &appl->ip, on_path);
            cross_acl(r, appl->subnet, false, &src->ip, on_path);
        }
        if (on_path) {
            add_group_hops(r, appl->groups, appl->n_groups, "ingress");

            struct sim_hop *hop = add_hop(r, appl->id, "network-interface");
            hop->zone = appl->subnet->zone;
        }
        check_groups(r, appl->id, appl->groups, appl->n_groups,
                     sim_eni_vpc(appl), false, &via_nlb, &local_crossing);
    }
}

/* ---- Routing. ---- */

/* A route of a transit gateway route table, static or propagated. */
struct tgw_route {
    const struct tm_cidr *destination;
    const struct sim_tgw_attachment *attachment;   /* NULL: blackhole. */
    bool propagated;
};

/* The routes that attachments propagate into a transit gateway route
 * table, gathered once for the sessions of one check: a lookup in a
 * route table reads every attachment of its gateway. */
struct propagated {
    struct hmap_node node;      /* In struct check_cache's
                                 * 'propagated'. */
    const struct sim_tgw_route_table *rtb;
    struct tgw_route *routes;   /* In the order of the attachments. */
    struct tm_cidr *cidrs;      /* Their destinations, side by side. */
    size_t n, allocated;
};

/* What a check of many sessions works out once: the routes propagated
 * into transit gateway route tables, which an index keeps from one
 * re-check to the next (forgotten when an attachment changes), and the
 * entries of network ACLs that may decide, for one check only. */
struct check_cache {
    struct hmap propagated;     /* Contains "struct propagated"s. */
    struct hmap acls;           /* Contains "struct acl_filter"s. */
};

static void
check_cache_init(struct check_cache *cache)
{
    hmap_init(&cache->propagated);
    hmap_init(&cache->acls);
}

/* Forgets the network ACLs' entries, which may change once a check is
 * over. */
static void
check_cache_forget_acls(struct check_cache *cache)
{
    struct acl_filter *f;

    HMAP_FOR_EACH_POP (f, node, &cache->acls) {
        free(f->entries);
        free(f);
    }
}

static void
check_cache_destroy(struct check_cache *cache)
{
    struct propagated *p;

    HMAP_FOR_EACH_POP (p, node, &cache->propagated) {
        free(p->routes);
        free(p->cidrs);
        free(p);
    }
    hmap_destroy(&cache->propagated);
    check_cache_forget_acls(cache);
    hmap_destroy(&cache->acls);
}

static const struct acl_filter *
acl_filter_get(struct check_cache *cache, const struct sim_network_acl *acl,
               bool egress)
{
    uint32_t hash = hash_pointer(acl, egress);
    struct acl_filter *f;

    HMAP_FOR_EACH_WITH_HASH (f, node, hash, &cache->acls) {
        if (f->acl == acl && f->egress == egress) {
            return f;
        }
    }

    f = xzalloc(sizeof *f);
    f->acl = acl;
    f->egress = egress;
    f->entries = xmalloc(MAX(acl->n_entries, 1) * sizeof *f->entries);
    for (size_t i = 0; i < acl->n_entries; i++) {
        if (acl_entry_may_match(&acl->entries[i], egress)) {
            f->entries[f->n++] = &acl->entries[i];
        }
    }
    hmap_insert(&cache->acls, &f->node, hash);
    return f;
}

/* Forgets what 'cache' knows of the route tables of 'tgw'. */
static void
check_cache_forget_tgw(struct check_cache *cache,
                       const struct sim_tgw *tgw)
{
    struct propagated *p;

    HMAP_FOR_EACH_SAFE (p, node, &cache->propagated) {
        if (p->rtb->tgw == tgw) {
            hmap_remove(&cache->propagated, &p->node);
            free(p->routes);
            free(p->cidrs);
            free(p);
        }
    }
}

static const struct propagated *
propagated_routes(struct check_cache *cache,
                  const struct sim_tgw_route_table *rtb)
{
    uint32_t hash = hash_pointer(rtb, 0);
    struct propagated *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash, &cache->propagated) {
        if (p->rtb == rtb) {
            return p;
        }
    }

    p = xzalloc(sizeof *p);
    p->rtb = rtb;
    for (size_t i = 0; i < rtb->tgw->n_attachments; i++) {
        const struct sim_tgw_attachment *att = rtb->tgw->attachments[i];
        bool propagates = false;

        for (size_t j = 0; j < att->n_propagations; j++) {
            propagates = propagates || att->propagations[j] == rtb;
        }
        for (size_t j = 0; propagates && j < att->vpc->n_cidrs; j++) {
            if (p->n >= p->allocated) {
                p->allocated = 2 * p->allocated + 8;
                p->routes = xrealloc(p->routes,
                                     p->allocated * sizeof *p->routes);
                p->cidrs = xrealloc(p->cidrs,
                                    p->allocated * sizeof *p->cidrs);
            }
            p->cidrs[p->n] = att->vpc->cidrs[j];
            p->routes[p->n++] = (struct tgw_route) {
                .destination = &att->vpc->cidrs[j],
                .attachment = att,
                .propagated = true,
            };
        }
    }
    hmap_insert(&cache->propagated, &p->node, hash);
    return p;
}

/* Collects the routes of 'rtb' that match 'ip', static ones and those that
 * attachments propagate into it (found through 'cache'), into '*routesp',
 * which is 'buf' (of 'n_buf' routes) if they fit and otherwise allocated.
 * Returns their number; the best is first: longest prefix, then static
 * before propagated (a static route hides a propagated one to the same
 * prefix). */
static size_t
tgw_route_lookup(const struct sim_tgw_route_table *rtb,
                 const struct in6_addr *ip, struct check_cache *cache,
                 struct tgw_route *buf, size_t n_buf,
                 struct tgw_route **routesp)
{
    const struct propagated *p = propagated_routes(cache, rtb);
    struct tgw_route *routes = buf;
    size_t n = 0, allocated = n_buf;

    for (size_t i = 0; i < rtb->n_routes + p->n; i++) {
        struct tgw_route route;

        if (i < rtb->n_routes) {
            route = (struct tgw_route) {
                .destination = &rtb->routes[i].destination,
                .attachment = rtb->routes[i].attachment,
            };
            if (!cidr_contains(route.destination, ip)) {
                continue;
            }
        } else if (cidr_contains(&p->cidrs[i - rtb->n_routes], ip)) {
            /* The copy of the destination is at hand, the VPC's is not. */
            route = p->routes[i - rtb->n_routes];
        } else {
            continue;
        }

        if (n >= allocated) {
            routes = (routes == buf
                      ? xmemdup(buf, n_buf * sizeof *buf)
                      : routes);
            routes = x2nrealloc(routes, &allocated, sizeof *routes);
        }
        routes[n++] = route;
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
    put_cidr(route->destination, s);
    ds_put_cstr(s, " -> ");
    ds_put_cstr(s, route->attachment ? route->attachment->id : "blackhole");
    ds_put_cstr(s, route->propagated ? " (propagated)" : " (static)");
}

/* Returns the subnet of attachment 'att' in 'zone', or NULL. */
static const struct sim_subnet *
attachment_subnet_in(const struct sim_tgw_attachment *att, const char *zone)
{
    for (size_t i = 0; i < att->n_subnets; i++) {
        if (!strcmp(att->subnets[i]->zone, zone)) {
            return att->subnets[i];
        }
    }
    return NULL;
}

/* Follows the copy of a source in 'zone' through transit gateway 'tgw',
 * which routes it by its route table 'rtb'.  'depth' counts the gateways
 * crossed so far.  Returns true if the copy reaches the destination. */
static bool
tgw_forward(const struct sim_topology *topo, struct sim_result *r,
            const struct sim_tgw *tgw, const struct sim_tgw_route_table *rtb,
            const char *zone, const struct destination *dst,
            struct crossing *c, size_t depth)
{
    const struct sim_vpc *dst_vpc = dst->subnet->vpc;
    struct tgw_route buf[8], *routes;
    bool ok = false, failed_here = true;
    char dst_s[INET6_ADDRSTRLEN];
    struct sim_hop *hop;
    char *fix;
    size_t n;

    ip_to_buf(&dst->ip, dst_s);
    n = tgw_route_lookup(rtb, &dst->ip, r->trace->cache, buf,
                         ARRAY_SIZE(buf), &routes);
    hop = add_hop(r, rtb->id, "transit-gateway-route-table");
    if (!n) {
        const struct sim_tgw_attachment *dst_att
            = sim_tgw_attachment_of(tgw, dst_vpc);

        if (dst_att) {
            fix = fix_text(r, "propagate attachment %s into %s "
                              "(propagations=\"%s\"), or add a static route "
                              "to %s's CIDR with attachment=\"%s\"",
                              dst_att->id, rtb->id, rtb->id, dst_vpc->id,
                              dst_att->id);
        } else {
            fix = fix_text(r, "attach %s to %s, then propagate its "
                              "attachment into %s", dst_vpc->id, tgw->id,
                              rtb->id);
        }
        explain(r, SIM_EXPL_TGW_RTB_CANNOT_ROUTE, rtb->id, "egress", fix,
                "transit gateway route table %s has no route, static or "
                "propagated, for %s", rtb->id, dst_s);
        free(fix);
        goto out;
    }

    const struct sim_tgw_attachment *next = routes[0].attachment;
    struct ds route_s = DS_EMPTY_INITIALIZER;
    hop->route = routes[0].destination;
    hop->target = next ? next->id : "blackhole";
    hop->route_type = routes[0].propagated ? "propagated" : "static";

    if (!next) {
        if (r->trace->texts) {
            format_tgw_route(&routes[0], &route_s);
        }
        fix = fix_text(r, "remove the blackhole route %s from %s, or point "
                          "it at %s's attachment", text_of(r, &route_s),
                          rtb->id, dst_vpc->id);
        explain(r, SIM_EXPL_BLACKHOLE_ROUTE, rtb->id, "egress", fix,
                "the route %s of transit gateway route table %s is a "
                "blackhole: %s drops the copy", text_of(r, &route_s), rtb->id,
                tgw->id);
        free(fix);
    } else if (next->peer_tgw) {
        /* A peering with another gateway: that gateway routes the copy by
         * the route table it associates the peering with. */
        bool ours = next->tgw == tgw;
        const struct sim_tgw *peer = ours ? next->peer_tgw : next->tgw;
        const struct sim_tgw_route_table *peer_rtb
            = ours ? next->peer_association : next->association;

        add_hop(r, next->id, "transit-gateway-peering-attachment");
        cross_tgw(c, next->id, "transit gateway peering", false);
        if (depth > topo->n_tgws) {
            fix = fix_text(r, "in %s, route %s to %s's attachment instead of "
                              "back through %s", rtb->id, dst_s, dst_vpc->id,
                              next->id);
            explain(r, SIM_EXPL_TGW_RTB_CANNOT_ROUTE, rtb->id, "egress", fix,
                    "the copy has gone through %"PRIuSIZE" transit gateways "
                    "and is sent on through %s: the routes of the peered "
                    "gateways make a loop", depth, next->id);
            free(fix);
        } else if (!peer_rtb) {
            fix = fix_text(r, "on %s, associate peering attachment %s with a "
                              "route table (%s=\"...\")", peer->id, next->id,
                              ours ? "peer-association" : "association");
            explain(r, SIM_EXPL_TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION,
                    next->id, "egress", fix, "on %s's side, peering "
                    "attachment %s is associated with no route table, so "
                    "%s cannot route what comes from %s", peer->id,
                    next->id, peer->id, tgw->id);
            free(fix);
        } else {
            add_hop(r, peer->id, "transit-gateway");
            cross_tgw(c, peer->id, "transit gateway", peer->sg_referencing);
            failed_here = false;
            ok = tgw_forward(topo, r, peer, peer_rtb, zone, dst, c,
                             depth + 1);
        }
    } else if (next->vpc != dst_vpc) {
        if (r->trace->texts) {
            format_tgw_route(&routes[0], &route_s);
        }
        fix = fix_text(r, "route %s in %s to %s's attachment", dst_s, rtb->id,
                          dst_vpc->id);
        explain(r, SIM_EXPL_TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT,
                rtb->id, "egress", fix, "the route %s of %s sends the copy "
                "to %s (%s), but the target is in %s", text_of(r, &route_s),
                rtb->id, next->id, next->vpc->id, dst_vpc->id);
        free(fix);
    } else {
        /* The gateway keeps the copy in its zone when the attachment has a
         * subnet there, and otherwise delivers it through another of its
         * subnets. */
        const struct sim_subnet *out_subnet = attachment_subnet_in(next,
                                                                   zone);
        if (!out_subnet) {
            out_subnet = next->subnets[0];
        }

        const struct sim_route_table *out_rtb = out_subnet->route_table;
        struct vpc_route route;

        hop = add_hop(r, next->id, "transit-gateway-attachment");
        hop->zone = out_subnet->zone;
        cross_tgw(c, next->id, "transit gateway attachment",
                  next->sg_referencing);
        hop = add_hop(r, out_rtb->id, "route-table");
        if (vpc_route_lookup(out_rtb, &dst->ip, &route) && route.local) {
            hop->route = route.destination;
            hop->target = "local";
            ok = true;
        } else {
            fix = fix_text(r, "in route table %s, let the local route of %s "
                              "deliver %s", out_rtb->id, dst_vpc->id, dst_s);
            explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, out_rtb->id, "egress",
                    fix, "route table %s of %s's transit gateway subnet %s "
                    "sends %s elsewhere than to its local route",
                    out_rtb->id, dst_vpc->id, out_subnet->id, dst_s);
            free(fix);
        }
    }

    if (!ok && failed_here) {
        /* Less specific routes that the copy would otherwise follow. */
        for (size_t i = 1; i < n; i++) {
            if (routes[i].destination->plen
                < routes[0].destination->plen) {
                struct ds alt = DS_EMPTY_INITIALIZER;

                if (r->trace->texts) {
                    if (!route_s.length) {
                        format_tgw_route(&routes[0], &route_s);
                    }
                    format_tgw_route(&routes[i], &alt);
                }
                fix = fix_text(r, "in %s, remove the route %s or point it "
                                  "where %s goes", rtb->id,
                                  text_of(r, &route_s), text_of(r, &alt));
                explain(r, SIM_EXPL_MORE_SPECIFIC_ROUTE, rtb->id, "egress",
                        fix, "the route %s is more specific than %s and takes "
                        "the copy instead", text_of(r, &route_s),
                        text_of(r, &alt));
                free(fix);
                ds_destroy(&alt);
            }
        }
    }
    ds_destroy(&route_s);

out:
    if (routes != buf) {
        free(routes);
    }
    return ok;
}

/* Follows the copy of a source in 'zone' from the transit gateway 'tgw',
 * which it entered from 'vpc'.  Returns true if it reaches the
 * destination. */
static bool
route_tgw(const struct sim_topology *topo, struct sim_result *r,
          const struct sim_tgw *tgw, const struct sim_vpc *vpc,
          const char *zone, const struct destination *dst,
          struct crossing *c)
{
    const struct sim_tgw_attachment *att = sim_tgw_attachment_of(tgw, vpc);
    struct sim_hop *hop;
    bool ok = true;
    char *fix;

    hop = add_hop(r, att->id, "transit-gateway-attachment");
    hop->zone = zone;
    cross_tgw(c, tgw->id, "transit gateway", tgw->sg_referencing);
    cross_tgw(c, att->id, "transit gateway attachment", att->sg_referencing);
    if (!attachment_subnet_in(att, zone)) {
        fix = fix_text(r, "add to attachment %s a subnet of %s in zone %s "
                          "(subnets=\"...\")", att->id, vpc->id, zone);
        explain(r, SIM_EXPL_TGW_ROUTE_AZ_RESTRICTION, att->id, "egress", fix,
                "attachment %s of %s to %s has no subnet in zone %s, where "
                "the source is: %s cannot be reached from there", att->id,
                vpc->id, tgw->id, zone, tgw->id);
        free(fix);
        ok = false;
    }
    if (!att->association) {
        fix = fix_text(r, "associate attachment %s with a route table of %s "
                          "(association=\"...\")", att->id, tgw->id);
        explain(r, SIM_EXPL_TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION, att->id,
                "egress", fix, "attachment %s of %s to %s is associated "
                "with no transit gateway route table, so %s cannot route "
                "what comes from %s", att->id, vpc->id, tgw->id, tgw->id,
                vpc->id);
        free(fix);
        ok = false;
    }
    return ok && tgw_forward(topo, r, tgw, att->association, zone, dst, c,
                             1);
}

/* Follows the copy from the source subnet to 'dst', recording in 'c' the
 * way it goes.  Returns true if it reaches it. */
static bool
route(const struct sim_topology *topo, struct sim_result *r,
      const struct sim_subnet *src_subnet, const struct destination *dst,
      struct crossing *c)
{
    const struct sim_route_table *rtb = src_subnet->route_table;
    const struct sim_vpc *vpc = src_subnet->vpc;
    const struct sim_vpc *dst_vpc = dst->subnet->vpc;
    struct sim_hop *hop = add_hop(r, rtb->id, "route-table");
    char dst_s[INET6_ADDRSTRLEN];
    struct vpc_route best;
    bool ok = false;
    char *fix;

    ip_to_buf(&dst->ip, dst_s);
    if (!vpc_route_lookup(rtb, &dst->ip, &best)) {
        const struct tm_cidr *want = sim_vpc_cidr_of(dst_vpc, &dst->ip);
        char *want_s = (!r->trace->texts ? NULL
                        : want ? cidr_to_string(want)
                        : host_cidr(&dst->ip));

        fix = fix_text(r, "add to route table %s a route to %s (%s) through "
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

    /* The route as explanations tell it, made where one does. */
    struct ds route_s = DS_EMPTY_INITIALIZER;
    const struct sim_peering *pcx;
    const struct sim_tgw *tgw;
    const struct sim_eni *eni;
    hop->route = best.destination;
    hop->target = (best.local ? "local"
                   : best.target ? best.target
                   : "blackhole");

    if (best.local) {
        if (dst_vpc == vpc) {
            ok = true;
        } else {
            if (r->trace->texts) {
                format_vpc_route(&best, &route_s);
            }
            fix = fix_text(r, "give %s and %s CIDRs that do not overlap, and "
                              "connect them by peering or a transit gateway",
                              vpc->id, dst_vpc->id);
            explain(r, SIM_EXPL_DISCONNECTED_VPCS, rtb->id, "egress", fix,
                    "%s is in the local range %s of %s, so the copy stays "
                    "in %s; the target is in %s", dst_s,
                    text_of(r, &route_s), vpc->id, vpc->id, dst_vpc->id);
            free(fix);
        }
    } else if (!best.target) {
        if (r->trace->texts) {
            format_vpc_route(&best, &route_s);
        }
        fix = fix_text(r, "remove the blackhole route %s from route table %s, "
                          "or replace it by a route to a peering connection "
                          "or transit gateway", text_of(r, &route_s), rtb->id);
        explain(r, SIM_EXPL_BLACKHOLE_ROUTE, rtb->id, "egress", fix,
                "the route %s of route table %s is a blackhole and drops "
                "the copy", text_of(r, &route_s), rtb->id);
        free(fix);
    } else if ((pcx = shash_find_data(&topo->peerings_by_id,
                                      best.target))) {
        const struct sim_vpc *peer = (pcx->requester == vpc
                                      ? pcx->accepter : pcx->requester);

        add_hop(r, pcx->id, "vpc-peering");
        if (!pcx->active) {
            fix = fix_text(r, "have the owner of %s accept peering connection "
                              "%s (status=\"active\")", pcx->accepter->id,
                              pcx->id);
            explain(r, SIM_EXPL_BAD_STATE_PCX, pcx->id, "egress", fix,
                    "peering connection %s is %s, not active: it carries "
                    "no traffic", pcx->id, pcx->status);
            free(fix);
        }
        if (!sim_vpc_cidr_of(peer, &dst->ip)) {
            const struct sim_peering *direct
                = find_active_peering(topo, r, vpc, dst_vpc);
            fix = (direct
                   ? fix_text(r, "route %s to %s, which peers %s with %s",
                                 dst_s, direct->id, vpc->id, dst_vpc->id)
                   : fix_text(r, "peer %s with %s directly (peering is not "
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
            fix = fix_text(r, "give %s and %s CIDRs that do not overlap",
                              peer->id, dst_vpc->id);
            explain(r, SIM_EXPL_DISCONNECTED_VPCS, pcx->id, "egress", fix,
                    "%s is in the CIDRs of %s, where %s delivers it, but "
                    "the target is in %s", dst_s, peer->id, pcx->id,
                    dst_vpc->id);
            free(fix);
        } else {
            ok = pcx->active;
            c->peering = pcx;
        }
    } else if ((tgw = shash_find_data(&topo->tgws_by_id, best.target))) {
        add_hop(r, tgw->id, "transit-gateway");
        ok = route_tgw(topo, r, tgw, vpc, src_subnet->zone, dst, c);
    } else if ((eni = shash_find_data(&topo->enis_by_id, best.target))) {
        add_hop(r, eni->id, "network-interface");
        if (ipv6_addr_equals(&eni->ip, &dst->ip)
            && eni->subnet == dst->subnet) {
            ok = true;
        } else {
            if (r->trace->texts) {
                format_vpc_route(&best, &route_s);
            }
            fix = fix_text(r, "route %s through a peering connection or "
                              "transit gateway instead of network interface "
                              "%s", dst_s, eni->id);
            explain(r, SIM_EXPL_NO_ROUTE_TO_DESTINATION, rtb->id, "egress",
                    fix, "the route %s sends the copy to network interface "
                    "%s, an appliance, not to the target %s",
                    text_of(r, &route_s), eni->id, dst_s);
            free(fix);
        }
    } else {
        if (r->trace->texts) {
            format_vpc_route(&best, &route_s);
        }
        fix = fix_text(r, "route %s through a peering connection or transit "
                          "gateway instead of %s", dst_s, best.target);
        explain(r, SIM_EXPL_NO_ROUTE_TO_DESTINATION, rtb->id, "egress", fix,
                "the route %s sends the copy out of %s through gateway %s; "
                "the target's address %s is private", text_of(r, &route_s),
                vpc->id, best.target, dst_s);
        free(fix);
    }

    if (!ok) {
        explain_more_specific(r, rtb, &dst->ip, &best);
    }
    ds_destroy(&route_s);

out:
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

/* Runs 'step' of the check of 'session' into 'r', whose trace holds what
 * the steps before it left. */
static void
run_step(const struct sim_topology *topo,
         const struct sim_mirror_session *session, struct sim_result *r,
         enum check_step step)
{
    const struct sim_mirror_target *target = session->target;
    const struct sim_eni *src = session->source;
    struct sim_trace *t = r->trace;
    bool same_subnet = src->subnet == t->dst.subnet;
    struct sim_hop *hop;

    t->cur = step;
    switch (step) {
    case STEP_MODEL:
        consult(r, session->id);
        consult(r, target->id);
        consult(r, session->filter->id);
        explain_model_errors(r, session, target->id, target->errors,
                             target->n_errors);
        explain_model_errors(r, session, session->filter->id,
                             session->filter->errors,
                             session->filter->n_errors);
        explain_model_errors(r, session, session->id, session->errors,
                             session->n_errors);
        t->invalid = r->n_explanations > 0;

        if (target->eni) {
            t->dst.ip = target->eni->ip;
            t->dst.subnet = target->eni->subnet;
            t->node = NULL;
        } else {
            t->node = choose_node(target->nlb, src->subnet->zone);
            t->dst.ip = t->node->ip;
            t->dst.subnet = t->node->subnet;
        }
        r->src_ip = src->ip;
        r->dst_ip = t->dst.ip;

        /* What the flow compiler needs of the copies: a session that it
         * would refuse is invalid here, for the same reason, so that
         * "tm-sim flows" never finds one of its own. */
        const struct tm_session *tm_session
            = tm_model_find_session(topo->model, session->id);
        if (tm_session) {
            struct tm_error *e = tm_check_copy(topo->model, tm_session,
                                               &r->src_ip, &r->dst_ip);
            if (e) {
                explain_model_errors(r, session, session->id, &e, 1);
                tm_error_destroy(e);
                t->invalid = true;
            }
        }
        break;

    case STEP_SOURCE:
        hop = add_hop(r, src->id, "network-interface");
        hop->zone = src->subnet->zone;
        break;

    case STEP_SRC_ACL:
        /* Both ACLs are evaluated whatever the routing does; the hops are
         * put where the copy meets them. */
        if (!same_subnet) {
            cross_acl(r, src->subnet, true, &t->dst.ip, true);
        }
        break;

    case STEP_ROUTE:
        memset(&t->crossing, 0, sizeof t->crossing);
        t->reached = route(topo, r, src->subnet, &t->dst, &t->crossing);
        t->crossing.known = t->reached;
        break;

    case STEP_DST_ACL:
        if (!same_subnet) {
            cross_acl(r, t->dst.subnet, false, &src->ip, t->reached);
        }
        break;

    case STEP_TARGET:
        /* The source's groups, for references to them. */
        consult(r, src->id);
        if (target->eni) {
            struct sg_peer src_peer;

            consult(r, target->eni->id);
            if (t->reached) {
                add_group_hops(r, target->eni->groups,
                               target->eni->n_groups, "ingress");
                add_hop(r, target->eni->id, "network-interface");
            }
            eni_peer(src, &src_peer);
            check_groups(r, target->eni->id, target->eni->groups,
                         target->eni->n_groups, sim_eni_vpc(target->eni),
                         false, &src_peer, &t->crossing);
        } else {
            if (t->reached) {
                add_group_hops(r, target->nlb->groups, target->nlb->n_groups,
                               "ingress");
                hop = add_hop(r, target->nlb->id, "load-balancer");
                hop->node = &t->node->ip;
                hop->zone = t->node->subnet->zone;
            }
            check_nlb(r, target->nlb, t->node, src, &t->crossing,
                      t->reached);
        }
        break;

    case N_STEPS:
    default:
        OVS_NOT_REACHED();
    }
}

static enum sim_verdict
result_verdict(const struct sim_result *r)
{
    return (r->trace->invalid ? SIM_INVALID
            : r->n_explanations ? SIM_BLOCKED
            : SIM_REACHABLE);
}

static void
check_session(const struct sim_topology *topo,
              const struct sim_mirror_session *session,
              struct check_cache *cache, struct sim_result *r)
{
    memset(r, 0, sizeof *r);
    r->session = session;
    r->trace = trace_create();
    r->trace->cache = cache;
    r->trace->texts = true;

    for (enum check_step i = 0; i < N_STEPS; i++) {
        size_t n_hops = r->n_hops;
        size_t n_explanations = r->n_explanations;

        run_step(topo, session, r, i);
        ovs_assert(r->n_hops - n_hops <= UINT16_MAX
                   && r->n_explanations - n_explanations <= UINT16_MAX);
        r->trace->n_hops[i] = r->n_hops - n_hops;
        r->trace->n_explanations[i] = r->n_explanations - n_explanations;
    }
    r->trace->cache = NULL;
    r->verdict = result_verdict(r);
}

/* Checks 'session' of 'topo' into 'r', which the caller must later free
 * with sim_result_destroy(). */
void
sim_check_session(const struct sim_topology *topo,
                  const struct sim_mirror_session *session,
                  struct sim_result *r)
{
    struct check_cache cache;

    check_cache_init(&cache);
    check_session(topo, session, &cache, r);
    check_cache_destroy(&cache);
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

    struct check_cache cache;

    check_cache_init(&cache);
    report = xzalloc(sizeof *report);
    report->topology = xstrdup(topo->file_name);
    report->results = xcalloc(n ? n : 1, sizeof *report->results);
    for (size_t i = 0; i < n; i++) {
        const struct sim_mirror_session *session
            = (n_session_ids
               ? shash_find_data(&topo->sessions_by_id, session_ids[i])
               : topo->sessions[i]);

        check_session(topo, session, &cache, &report->results[i]);
    }
    check_cache_destroy(&cache);
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

/* ---- Incremental re-check. ---- */

/* A step of a result that read a component. */
struct dep_entry {
    uint32_t result;            /* Index in the report's results. */
    uint32_t step;              /* enum check_step. */
};

/* The steps that read a component, and some that no longer do: when a
 * step that ran again stops reading a component, its entry stays, counted
 * in 'n_stale' (it often reads it again at the next change, undoing this
 * one), until a change to the component weeds them out. */
struct dep_node {
    struct hmap_node node;      /* In struct sim_index's 'deps'. */
    struct hmap_node ptr_node;  /* In struct sim_index's 'deps_by_ptr'. */
    const char *id;             /* The component's id, topology-owned. */
    struct dep_entry *entries;  /* In order of result, then step. */
    size_t n, allocated;
    size_t n_stale;             /* Entries of steps that no longer read
                                 * it. */
};

struct sim_index {
    struct hmap deps;           /* Contains "struct dep_node"s, by id. */
    struct hmap deps_by_ptr;    /* The same, by the address of the id. */
    struct sim_result scratch;  /* Where a step runs again. */
    struct check_cache cache;
    size_t n_results;
    uint8_t *marks;             /* Per result, 1 << step for each step to
                                 * run again. */
    size_t *touched;            /* The results with marks. */
    size_t n_touched;
};

BUILD_ASSERT_DECL(N_STEPS <= 8);

/* Returns the node for 'id', the topology's own string, or NULL. */
static struct dep_node *
dep_find_ptr(const struct sim_index *index, const char *id)
{
    struct dep_node *d;

    HMAP_FOR_EACH_WITH_HASH (d, ptr_node, hash_pointer(id, 0),
                             &index->deps_by_ptr) {
        if (d->id == id) {
            return d;
        }
    }
    return NULL;
}

static struct dep_node *
dep_find(const struct sim_index *index, const char *id, uint32_t hash)
{
    struct dep_node *d;

    HMAP_FOR_EACH_WITH_HASH (d, node, hash, &index->deps) {
        if (!strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

/* Returns the position in 'd' of the entry for 'step' of 'result', or
 * where it would go.  (A component that a transit gateway's sessions all
 * read has thousands.) */
static size_t
dep_bsearch(const struct dep_node *d, size_t result, enum check_step step)
{
    uint64_t key = ((uint64_t) result << 8) | step;
    size_t lo = 0, hi = d->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct dep_entry *e = &d->entries[mid];

        if ((((uint64_t) e->result << 8) | e->step) < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Records that 'step' of 'result' reads 'id', which it did not. */
static void
dep_add(struct sim_index *index, const char *id, size_t result,
        enum check_step step)
{
    struct dep_node *d = dep_find_ptr(index, id);
    size_t i;

    if (!d) {
        d = xzalloc(sizeof *d);
        d->id = id;
        hmap_insert(&index->deps, &d->node, hash_string(id, 0));
        hmap_insert(&index->deps_by_ptr, &d->ptr_node, hash_pointer(id, 0));
    }
    i = (!d->n || d->entries[d->n - 1].result < result
         ? d->n : dep_bsearch(d, result, step));
    if (i < d->n && d->entries[i].result == result
        && d->entries[i].step == step) {
        /* It read it before, and again now. */
        ovs_assert(d->n_stale);
        d->n_stale--;
        return;
    }
    if (d->n >= d->allocated) {
        d->entries = x2nrealloc(d->entries, &d->allocated,
                                sizeof *d->entries);
    }
    memmove(&d->entries[i + 1], &d->entries[i],
            (d->n - i) * sizeof *d->entries);
    d->entries[i] = (struct dep_entry) { .result = result, .step = step };
    d->n++;
}

/* Records that a step no longer reads 'id'. */
static void
dep_stale(struct sim_index *index, const char *id)
{
    struct dep_node *d = dep_find_ptr(index, id);

    ovs_assert(d && d->n_stale < d->n);
    d->n_stale++;
}

static bool deps_contain(const char *const *deps, size_t n, const char *id);

/* Drops the stale entries of 'd', whose steps are those of the results of
 * 'report'. */
static void
dep_weed(struct dep_node *d, const struct sim_report *report)
{
    size_t n = 0;

    for (size_t i = 0; i < d->n; i++) {
        const struct dep_entry *e = &d->entries[i];
        const struct step *step
            = &report->results[e->result].trace->steps[e->step];

        if (deps_contain(step->deps, step->n_deps, d->id)) {
            d->entries[n++] = *e;
        }
    }
    /* The index knew how many steps stopped reading it. */
    ovs_assert(d->n - n == d->n_stale);
    d->n = n;
    d->n_stale = 0;
}

static bool
deps_contain(const char *const *deps, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (deps[i] == id) {
            return true;
        }
    }
    return false;
}

/* Makes 'index' say that 'step' of result 'result' reads 'new' instead of
 * the 'n_old' components in 'old'. */
static void
index_update(struct sim_index *index, size_t result, enum check_step step,
             const char *const *old, size_t n_old, const struct step *new)
{
    for (size_t i = 0; i < n_old; i++) {
        if (!deps_contain(new->deps, new->n_deps, old[i])) {
            dep_stale(index, old[i]);
        }
    }
    for (size_t i = 0; i < new->n_deps; i++) {
        if (!deps_contain(old, n_old, new->deps[i])) {
            dep_add(index, new->deps[i], result, step);
        }
    }
}

/* Returns an index of what the steps of each result of 'report' read, for
 * sim_recheck().  The caller must later free it with
 * sim_index_destroy(). */
struct sim_index *
sim_index_create(const struct sim_report *report)
{
    struct sim_index *index = xzalloc(sizeof *index);

    hmap_init(&index->deps);
    hmap_init(&index->deps_by_ptr);
    check_cache_init(&index->cache);
    index->n_results = report->n_results;
    index->marks = xcalloc(MAX(report->n_results, 1), sizeof *index->marks);
    index->touched = xcalloc(MAX(report->n_results, 1),
                             sizeof *index->touched);
    for (size_t i = 0; i < report->n_results; i++) {
        const struct sim_trace *t = report->results[i].trace;

        for (enum check_step j = 0; j < N_STEPS; j++) {
            for (size_t k = 0; k < t->steps[j].n_deps; k++) {
                dep_add(index, t->steps[j].deps[k], i, j);
            }
        }
    }
    return index;
}

void
sim_index_destroy(struct sim_index *index)
{
    if (index) {
        struct dep_node *d;

        hmap_destroy(&index->deps_by_ptr);
        HMAP_FOR_EACH_POP (d, node, &index->deps) {
            free(d->entries);
            free(d);
        }
        hmap_destroy(&index->deps);
        check_cache_destroy(&index->cache);
        free(index->scratch.hops);
        free(index->scratch.explanations);
        free(index->marks);
        free(index->touched);
        free(index);
    }
}

/* Marks in 'index' the steps of the results of 'report' that read 'id'. */
static void
mark(struct sim_index *index, const struct sim_report *report,
     const char *id)
{
    struct dep_node *d = dep_find(index, id, hash_string(id, 0));

    if (d && d->n_stale) {
        dep_weed(d, report);
    }
    for (size_t i = 0; d && i < d->n; i++) {
        const struct dep_entry *e = &d->entries[i];

        if (!index->marks[e->result]) {
            index->touched[index->n_touched++] = e->result;
        }
        index->marks[e->result] |= 1u << e->step;
    }
}

/* Replaces the hops and explanations of step 'k' of 'r' by those of 's',
 * which it takes, leaving 's' empty. */
static void
splice_step(struct sim_result *r, enum check_step k, struct sim_result *s)
{
    struct sim_trace *t = r->trace;
    size_t old_hops = t->n_hops[k];
    size_t old_expl = t->n_explanations[k];
    size_t h0 = 0, e0 = 0;

    for (enum check_step j = 0; j < k; j++) {
        h0 += t->n_hops[j];
        e0 += t->n_explanations[j];
    }

    size_t n_hops = r->n_hops - old_hops + s->n_hops;
    if (n_hops > r->allocated_hops) {
        r->allocated_hops = MAX(n_hops, 2 * r->allocated_hops);
        r->hops = xrealloc(r->hops, r->allocated_hops * sizeof *r->hops);
    }
    if (s->n_hops != old_hops) {
        memmove(&r->hops[h0 + s->n_hops], &r->hops[h0 + old_hops],
                (r->n_hops - h0 - old_hops) * sizeof *r->hops);
    }
    if (s->n_hops) {
        memcpy(&r->hops[h0], s->hops, s->n_hops * sizeof *r->hops);
    }
    r->n_hops = n_hops;

    for (size_t i = e0; i < e0 + old_expl; i++) {
        explanation_destroy(&r->explanations[i]);
    }
    size_t n_expl = r->n_explanations - old_expl + s->n_explanations;
    if (n_expl > r->allocated_explanations) {
        r->allocated_explanations = MAX(n_expl,
                                        2 * r->allocated_explanations);
        r->explanations = xrealloc(r->explanations,
                                   (r->allocated_explanations
                                    * sizeof *r->explanations));
    }
    if (s->n_explanations != old_expl) {
        memmove(&r->explanations[e0 + s->n_explanations],
                &r->explanations[e0 + old_expl],
                ((r->n_explanations - e0 - old_expl)
                 * sizeof *r->explanations));
    }
    if (s->n_explanations) {
        memcpy(&r->explanations[e0], s->explanations,
               s->n_explanations * sizeof *r->explanations);
    }
    r->n_explanations = n_expl;

    ovs_assert(s->n_hops <= UINT16_MAX && s->n_explanations <= UINT16_MAX);
    t->n_hops[k] = s->n_hops;
    t->n_explanations[k] = s->n_explanations;
    s->n_hops = s->n_explanations = 0;
}

/* Runs step 'k' of result 'i', 'r', again, with the sentences of its
 * explanations if 'texts', and updates 'index', if nonnull, with what it
 * reads now. */
static void
rerun_step(const struct sim_topology *topo, struct sim_index *index,
           size_t i, struct sim_result *r, enum check_step k, bool texts)
{
    struct step *step = &r->trace->steps[k];
    size_t n_old = step->n_deps;
    const char *buf[16];
    const char **old = (n_old <= ARRAY_SIZE(buf)
                        ? memcpy(buf, step->deps, n_old * sizeof *old)
                        : xmemdup(step->deps, n_old * sizeof *old));
    struct sim_result local, *s = index ? &index->scratch : &local;

    step->n_deps = 0;

    if (!index) {
        memset(&local, 0, sizeof local);
    }
    s->trace = r->trace;
    s->trace->texts = texts;
    run_step(topo, r->session, s, k);
    s->trace->texts = true;
    s->trace->textless[k] = !texts && s->n_explanations;
    if (k == STEP_MODEL) {
        r->src_ip = s->src_ip;
        r->dst_ip = s->dst_ip;
    }
    splice_step(r, k, s);
    s->trace = NULL;
    if (!index) {
        free(local.hops);
        free(local.explanations);
    }

    if (index) {
        index_update(index, i, k, old, n_old, step);
    }
    if (old != buf) {
        free(old);
    }
}

static void
make_texts(const struct sim_topology *topo, struct sim_result *r,
           struct check_cache *cache)
{
    for (enum check_step k = 0; k < N_STEPS; k++) {
        if (r->trace->textless[k]) {
            r->trace->cache = cache;
            rerun_step(topo, NULL, 0, r, k, true);
            r->trace->cache = NULL;
        }
    }
}

/* Writes the sentences (detail and fix) of the explanations of 'r', a
 * result on 'topo', that sim_recheck() left without them. */
void
sim_result_make_texts(const struct sim_topology *topo, struct sim_result *r)
{
    struct check_cache cache;

    check_cache_init(&cache);
    make_texts(topo, r, &cache);
    check_cache_destroy(&cache);
}

/* Writes the sentences of every explanation in 'report', checked on
 * 'topo', that sim_recheck() left without them. */
void
sim_report_make_texts(const struct sim_topology *topo,
                      struct sim_report *report)
{
    struct check_cache cache;

    check_cache_init(&cache);
    for (size_t i = 0; i < report->n_results; i++) {
        make_texts(topo, &report->results[i], &cache);
    }
    check_cache_destroy(&cache);
}

/* Returns true if step 'k' of 'r', a network ACL's, would give again what
 * it gave, the copy going where it went: if the entry that decides is the
 * same. */
static bool
acl_step_holds(const struct sim_result *r, enum check_step k)
{
    const struct sim_eni *src = r->session->source;
    const struct sim_trace *t = r->trace;
    struct acl_decision d;

    if (src->subnet == t->dst.subnet) {
        return false;
    } else if (k == STEP_SRC_ACL && src->subnet->acl) {
        d = acl_decision_of(acl_evaluate(t->cache, src->subnet->acl, true,
                                         &t->dst.ip));
    } else if (k == STEP_DST_ACL && t->dst.subnet->acl) {
        d = acl_decision_of(acl_evaluate(t->cache, t->dst.subnet->acl,
                                         false, &src->ip));
    } else {
        return false;
    }
    return acl_decisions_equal(&d, &t->acls[k == STEP_DST_ACL]);
}

static bool
crossings_equal(const struct crossing *a, const struct crossing *b)
{
    return (a->known == b->known
            && a->peering == b->peering
            && a->tgw == b->tgw
            && a->sgref_off == b->sgref_off
            && nullable_string_is_equal(a->sgref_off_type,
                                        b->sgref_off_type));
}

/* Brings the results of 'report', checked on 'topo' and indexed in 'index'
 * (see sim_index_create()), up to date after a change to the settings of
 * the 'n_components' components whose ids are in 'components' (see "What
 * a change may be" above), and 'index' with them.  Adds to
 * 'changed_sessions', if nonnull, the id of each session whose verdict
 * changed.  Returns the number of sessions that it looked at again: those
 * with a step that read one of 'components' (a network ACL's step whose
 * deciding entry is the same does not run again). */
size_t
sim_recheck(const struct sim_topology *topo, struct sim_report *report,
            struct sim_index *index, const char *const *components,
            size_t n_components, struct sset *changed_sessions)
{
    ovs_assert(index->n_results == report->n_results);

    index->n_touched = 0;
    for (size_t i = 0; i < n_components; i++) {
        const struct sim_tgw_attachment *att
            = shash_find_data(&topo->tgw_attachments_by_id, components[i]);
        const struct sim_tgw *tgw = shash_find_data(&topo->tgws_by_id,
                                                    components[i]);

        mark(index, report, components[i]);
        if (tgw) {
            check_cache_forget_tgw(&index->cache, tgw);
        }
        if (att) {
            /* A transit gateway's route tables hold the routes that its
             * attachments propagate: a lookup in one reads them all. */
            mark(index, report, att->tgw->id);
            check_cache_forget_tgw(&index->cache, att->tgw);
        }
    }

    for (size_t i = 0; i < index->n_touched; i++) {
        size_t k = index->touched[i];
        struct sim_result *r = &report->results[k];
        struct sim_trace *t = r->trace;
        enum sim_verdict verdict = r->verdict;
        unsigned int marks = index->marks[k];
        bool moved = false;

        index->marks[k] = 0;
        t->cache = &index->cache;
        for (enum check_step j = 0; j < N_STEPS; j++) {
            if (!(marks & (1u << j)) && !moved) {
                continue;
            }

            struct destination dst = t->dst;
            struct crossing crossing = t->crossing;
            bool reached = t->reached;

            if (!moved && (j == STEP_SRC_ACL || j == STEP_DST_ACL)
                && acl_step_holds(r, j)) {
                continue;
            }
            rerun_step(topo, index, k, r, j, false);
            if ((j == STEP_MODEL
                 && (dst.subnet != t->dst.subnet
                     || !ipv6_addr_equals(&dst.ip, &t->dst.ip)))
                || (j == STEP_ROUTE
                    && (reached != t->reached
                        || !crossings_equal(&crossing, &t->crossing)))) {
                /* The steps after it read where the copy goes, or where it
                 * got and how. */
                moved = true;
            }
        }
        t->cache = NULL;
        r->verdict = result_verdict(r);
        if (changed_sessions && r->verdict != verdict) {
            sset_add(changed_sessions, r->session->id);
        }
    }
    check_cache_forget_acls(&index->cache);
    return index->n_touched;
}
