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

#ifndef TMIRROR_SIM_H
#define TMIRROR_SIM_H 1

/* The reachability check and its reports.
 *
 * For a traffic mirror session of a loaded topology (tmirror/topology.h),
 * the check follows the mirrored copy, a UDP packet to port 4789 from the
 * source network interface's primary IP to the target, hop by hop, and
 * collects every reason it is blocked (Documentation/semantics.rst,
 * "Connectivity"), each with an explanation code in the style of the AWS
 * Reachability Analyzer and the setting that would fix it.  The mirroring
 * model's refusals of the session, its target or its filter make the
 * session invalid, with the model's codes. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"
#include "smap.h"
#include "sset.h"

struct ds;
struct json;
struct sim_index;
struct sim_mirror_session;
struct sim_topology;
struct sim_trace;
struct tm_cidr;

/* The port that mirrored copies are sent to (VXLAN, RFC 7348). */
#define SIM_VXLAN_PORT 4789

enum sim_verdict {
    SIM_REACHABLE,              /* The copy reaches the target. */
    SIM_BLOCKED,                /* Something on the path stops it. */
    SIM_INVALID,                /* A mirroring rule refuses the session. */
};

const char *sim_verdict_to_string(enum sim_verdict);

/* One component the copy passes through, and more about it: each member
 * after 'type' is NULL where it does not apply.  What a hop points to
 * belongs to the topology or is a constant: after a change to the
 * topology, bring the result up to date (sim_recheck()) before reading
 * it. */
struct sim_hop {
    const char *component;      /* Id, e.g. "rtb-a". */
    const char *type;           /* "network-interface", "route-table", ... */
    const char *direction;      /* "ingress" or "egress", for a network ACL
                                 * or a security group. */
    const char *zone;           /* Availability zone. */
    const char *target;         /* The target of the route taken: "local",
                                 * "blackhole" or an id. */
    const char *route_type;     /* "static" or "propagated", for a transit
                                 * gateway route. */
    const struct tm_cidr *route;    /* The destination of the route
                                     * taken. */
    const struct in6_addr *node;    /* Address of a load balancer's
                                     * node. */
};

/* SIM_EXPLANATION(NAME, SUMMARY): each code that the check itself gives,
 * named as the AWS Reachability Analyzer's explanation codes are, with a
 * one-line summary.  (A session that the mirroring model refuses is
 * explained with the model's codes, tmirror/error.h.) */
#define SIM_EXPLANATIONS                                                    \
    SIM_EXPLANATION(BAD_STATE_PCX, "the peering connection is not active") \
    SIM_EXPLANATION(BLACKHOLE_ROUTE,                                        \
                    "the route that matches drops the traffic")             \
    SIM_EXPLANATION(DISCONNECTED_VPCS,                                      \
                    "the traffic stays in a VPC other than the target's")   \
    SIM_EXPLANATION(ELBV2_LISTENERS_MISMATCH,                               \
                    "no listener of the load balancer takes UDP 4789")      \
    SIM_EXPLANATION(ELBV2_NO_TARGETS_IN_AZ,                                 \
                    "the load balancer has no healthy target to use")       \
    SIM_EXPLANATION(ELB_NOT_CROSSZONE,                                      \
                    "the healthy targets are in other zones and "           \
                    "cross-zone load balancing is off")                     \
    SIM_EXPLANATION(ENI_SG_RULES_MISMATCH,                                  \
                    "no rule of a security group allows the traffic")       \
    SIM_EXPLANATION(MORE_SPECIFIC_ROUTE,                                    \
                    "a more specific route takes the traffic elsewhere")    \
    SIM_EXPLANATION(NO_ROUTE_TO_DESTINATION,                                \
                    "the route table has no route to the destination")      \
    SIM_EXPLANATION(PCX_REQUIRES_ADDRESS_IN_VPC_CIDR,                       \
                    "a peering connection only carries traffic to its "     \
                    "peer VPC's CIDRs")                                     \
    SIM_EXPLANATION(SG_HAS_NO_RULES,                                        \
                    "the security group has no rule in that direction")     \
    SIM_EXPLANATION(SG_REFERENCING_SUPPORT,                                 \
                    "a security group reference does not hold across "      \
                    "the way the traffic came")                             \
    SIM_EXPLANATION(SUBNET_ACL_RESTRICTION,                                 \
                    "a network ACL denies the traffic")                     \
    SIM_EXPLANATION(TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION,                 \
                    "the transit gateway attachment has no route table")    \
    SIM_EXPLANATION(TGW_ROUTE_AZ_RESTRICTION,                               \
                    "the transit gateway attachment has no subnet in the "  \
                    "source's zone")                                        \
    SIM_EXPLANATION(TGW_RTB_CANNOT_ROUTE,                                   \
                    "the transit gateway route table has no route to the "  \
                    "destination")                                          \
    SIM_EXPLANATION(TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT,                     \
                    "the transit gateway route table sends the traffic to " \
                    "another attachment")

enum sim_code {
#define SIM_EXPLANATION(NAME, SUMMARY) SIM_EXPL_##NAME,
    SIM_EXPLANATIONS
#undef SIM_EXPLANATION
    SIM_N_CODES
};

const char *sim_code_name(enum sim_code);
const char *sim_code_summary(enum sim_code);

/* One reason the session does not work. */
struct sim_explanation {
    const char *code;           /* sim_code_name() of one of the check's
                                 * codes, e.g. "ENI_SG_RULES_MISMATCH", or
                                 * tm_error_code_name() of the model's. */
    const char *component;      /* Id of the component at fault (the
                                 * topology's). */
    const char *direction;      /* "ingress", "egress" or NULL. */
    char *detail;               /* What is wrong, as a sentence. */
    char *fix;                  /* The setting that would fix it. */
};

struct sim_result {
    const struct sim_mirror_session *session;
    enum sim_verdict verdict;
    struct sim_hop *hops;
    size_t n_hops, allocated_hops;
    struct sim_explanation *explanations;
    size_t n_explanations, allocated_explanations;

    /* The copy's outer addresses: the source's primary IP and the
     * target's (or its load balancer node's) address. */
    struct in6_addr src_ip, dst_ip;

    struct sim_trace *trace;    /* Private: how the check went, for
                                 * sim_recheck(). */
};

void sim_check_session(const struct sim_topology *,
                       const struct sim_mirror_session *,
                       struct sim_result *);
void sim_result_destroy(struct sim_result *);
bool sim_result_blocks(const struct sim_result *, const char *component);
bool sim_result_consulted(const struct sim_result *, const char *component);
void sim_result_get_consulted(const struct sim_result *, struct sset *);
bool sim_result_depends_on(const struct sim_result *, const char *component,
                           const struct tm_cidr *);
const struct sim_explanation *sim_result_find(const struct sim_result *,
                                              const char *code);

/* The results of checking some sessions of a topology. */
struct sim_report {
    char *topology;             /* File name, as given. */
    struct sim_result *results;
    size_t n_results;
};

char *sim_check(const struct sim_topology *, char *const *session_ids,
                size_t n_session_ids, struct sim_report **)
    OVS_WARN_UNUSED_RESULT;
void sim_report_destroy(struct sim_report *);
int sim_report_exit_status(const struct sim_report *);

/* Incremental re-check.
 *
 * The check of a session runs in steps: the mirroring model's refusals,
 * the source interface, the source subnet's network ACL, routing (route
 * tables, peering connections, transit gateways, their attachments and
 * route tables), the destination subnet's network ACL, and the target's
 * security groups or load balancer.  Each step records the components
 * whose settings it read, and the index maps each such component to the
 * steps, of every session of a report, that read it.
 *
 * After a change to the settings of some components, made in place in the
 * topology, sim_recheck() runs again only the steps that read one of them:
 * a change to a security group's rules runs again the security group step
 * of the sessions whose target (or appliance) it guards, not their
 * routing.  When a routing step, run again, gets the copy somewhere else
 * or another way, the steps after it that depend on that run again too.
 * The new hops and explanations replace the old ones in place, so that
 * each result of the report is then what sim_check() would give on the
 * changed topology, but for the sentences of the new explanations (their
 * 'detail' and 'fix', left NULL to keep a re-check fast): the code,
 * component and direction of each explanation say what is wrong, and
 * sim_result_make_texts() or sim_report_make_texts() write the sentences
 * when they are wanted, as sim_check() would have; the report writers
 * below want them.
 *
 * What a change may be: the routes of a route table or of a transit
 * gateway route table; the entries of a network ACL; the rules of a
 * security group; a peering connection's status; a transit gateway's or
 * attachment's security group referencing support, an attachment's
 * association or propagations; a load balancer's listeners, targets
 * (their health), cross-zone setting or security groups; an interface's
 * security groups; a traffic mirror session, target or filter as the
 * model sees it (which runs the whole session again).  Name the component
 * whose settings changed (the route table, not the route).
 *
 * Anything else changes the shape of the topology: adding or removing a
 * component, a subnet's route table or network ACL, an address, a CIDR
 * of a VPC or subnet, a load balancer's nodes, a session's source or
 * target.  After such a change, check again with sim_check() and make a
 * new index.
 *
 * The index refers to the report and to the ids of the topology's
 * components: destroy it before either. */
struct sim_index *sim_index_create(const struct sim_report *);
void sim_index_destroy(struct sim_index *);
size_t sim_recheck(const struct sim_topology *, struct sim_report *,
                   struct sim_index *, const char *const *components,
                   size_t n_components, struct sset *changed_sessions);
void sim_result_make_texts(const struct sim_topology *, struct sim_result *);
void sim_report_make_texts(const struct sim_topology *, struct sim_report *);

/* Report writers (sim/report.c). */
struct json *sim_report_to_json(const struct sim_report *);
void sim_report_format_text(const struct sim_report *,
                            const struct sim_topology *, struct ds *);
void sim_report_format_html(const struct sim_report *,
                            const struct sim_topology *, struct ds *);

#endif /* tmirror/sim.h */
