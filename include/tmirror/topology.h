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

#ifndef TMIRROR_TOPOLOGY_H
#define TMIRROR_TOPOLOGY_H 1

/* The cloud network that the simulator reasons about, and its loader.
 *
 * A topology is what a topology file (Documentation/topology-format.rst)
 * describes: accounts, VPCs with their subnets, route tables, network ACLs,
 * security groups, network interfaces and load balancers, peering
 * connections, transit gateways and resource shares; and the traffic mirror
 * targets, filters and sessions, which the loader hands to the mirroring
 * model (tmirror/model.h) so that its rules apply to them.
 *
 * Every object keeps the line of the file it was written on.  Objects refer
 * to each other by pointer once loaded: a loaded topology has no dangling
 * reference.  A topology is read-only after loading. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"
#include "sset.h"
#include "tmirror/model.h"

struct sim_account {
    char *id;
    char *organization;         /* NULL if in none. */
    int line;
};

struct sim_route_table;

struct sim_vpc {
    char *id;
    const struct sim_account *owner;
    struct tm_cidr *cidrs;      /* The first is the primary CIDR. */
    size_t n_cidrs;
    struct sim_route_table *main_route_table;   /* For subnets that name
                                                 * none: its first route
                                                 * table, or one with only
                                                 * the local routes made
                                                 * when a subnet needs it;
                                                 * else NULL. */
    int line;
};

struct sim_route {
    struct tm_cidr destination;
    char *target;               /* pcx-, tgw-, eni- or gateway id; NULL for a
                                 * blackhole. */
    int line;
};

struct sim_route_table {
    char *id;
    const struct sim_vpc *vpc;
    struct sim_route *routes;   /* Explicit routes, in file order. */
    size_t n_routes;
    int line;
};

struct sim_acl_entry {
    int64_t rule_number;
    bool egress;
    bool allow;
    int protocol;               /* TM_PROTO_ALL or 0-255. */
    struct tm_cidr cidr;
    bool has_ports;
    struct tm_port_range ports;
    int line;
};

struct sim_network_acl {
    char *id;
    const struct sim_vpc *vpc;
    struct sim_acl_entry *entries;  /* In ascending rule number. */
    size_t n_entries;
    int line;
};

struct sim_subnet {
    char *id;
    const struct sim_vpc *vpc;
    struct tm_cidr cidr;
    char *zone;
    const struct sim_route_table *route_table;
    const struct sim_network_acl *acl;  /* NULL: allows everything. */
    struct sset shared_with;    /* Participant account ids. */
    int line;
};

struct sim_security_group;

struct sim_sg_rule {
    bool egress;
    int protocol;               /* TM_PROTO_ALL or 0-255. */
    bool has_ports;
    struct tm_port_range ports;
    bool has_cidr;
    struct tm_cidr cidr;        /* If 'has_cidr'. */
    const struct sim_security_group *group;     /* Otherwise. */
    int line;
};

struct sim_security_group {
    char *id;
    const struct sim_account *owner;
    const struct sim_vpc *vpc;
    struct sim_sg_rule *rules;
    size_t n_rules;
    int line;
};

struct sim_eni {
    char *id;
    const struct sim_account *owner;
    const struct sim_subnet *subnet;
    struct in6_addr ip;         /* Primary IP, IPv4-mapped for IPv4. */
    struct eth_addr mac;        /* A unicast MAC, or all-zeros if not
                                 * given. */
    const struct sim_security_group **groups;
    size_t n_groups;
    char *instance_type;        /* NULL if not given. */
    unsigned int mtu;
    int line;
};

struct sim_nlb_node {
    const struct sim_subnet *subnet;
    struct in6_addr ip;
    int line;
};

struct sim_nlb_listener {
    char *protocol;             /* udp, tcp, tcp_udp or tls. */
    int64_t port;
    int line;
};

struct sim_nlb_target {
    const struct sim_eni *eni;
    bool healthy;
    int line;
};

struct sim_nlb {
    char *id;
    const struct sim_account *owner;
    const struct sim_vpc *vpc;
    const struct sim_subnet **subnets;
    size_t n_subnets;
    bool cross_zone;
    struct sim_nlb_node *nodes;
    size_t n_nodes;
    struct sim_nlb_listener *listeners;
    size_t n_listeners;
    struct sim_nlb_target *targets;
    size_t n_targets;
    const struct sim_security_group **groups;   /* Its security groups;
                                                 * none: it has none, and
                                                 * lets in all. */
    size_t n_groups;
    int line;
};

struct sim_peering {
    char *id;
    const struct sim_account *owner;
    const struct sim_vpc *requester;
    const struct sim_vpc *accepter;
    char *status;
    bool active;
    int line;
};

struct sim_tgw;
struct sim_tgw_route_table;

/* A VPC attachment, or a peering attachment between 'tgw' and 'peer_tgw'
 * (then 'vpc' is NULL, there are no subnets nor propagations, and each
 * side associates it with a route table of its own). */
struct sim_tgw_attachment {
    char *id;
    const struct sim_tgw *tgw;
    const struct sim_vpc *vpc;
    const struct sim_subnet **subnets;  /* At most one per zone. */
    size_t n_subnets;
    const struct sim_tgw_route_table *association;  /* NULL if none. */
    const struct sim_tgw_route_table **propagations;
    size_t n_propagations;
    bool sg_referencing;        /* security-group-referencing-support,
                                 * "enable" by default on an attachment. */
    const struct sim_tgw *peer_tgw;     /* Nonnull for a peering. */
    const struct sim_tgw_route_table *peer_association; /* The peer side's
                                                         * route table. */
    int line;
};

struct sim_tgw_route {
    struct tm_cidr destination;
    const struct sim_tgw_attachment *attachment;    /* NULL: blackhole. */
    int line;
};

struct sim_tgw_route_table {
    char *id;
    const struct sim_tgw *tgw;
    struct sim_tgw_route *routes;   /* Static routes, in file order. */
    size_t n_routes;
    int line;
};

struct sim_tgw {
    char *id;
    const struct sim_account *owner;
    struct sim_tgw_attachment **attachments;
    size_t n_attachments;
    struct sim_tgw_route_table **route_tables;
    size_t n_route_tables;
    bool sg_referencing;        /* security-group-referencing-support,
                                 * "disable" by default. */
    int line;
};

/* A traffic mirror object as written in the file, with what the model said
 * when the loader created it. */
struct sim_mirror_target {
    char *id;
    const struct sim_account *owner;
    const struct sim_eni *eni;      /* One of these two is nonnull. */
    const struct sim_nlb *nlb;
    struct tm_error **errors;       /* The model's refusals, if any. */
    size_t n_errors;
    int line;
};

struct sim_mirror_filter {
    char *id;
    const struct sim_account *owner;
    struct tm_error **errors;
    size_t n_errors;
    int line;
};

struct sim_mirror_session {
    char *id;
    const struct sim_account *owner;
    const struct sim_eni *source;
    const struct sim_mirror_target *target;
    const struct sim_mirror_filter *filter;
    struct tm_error **errors;
    size_t n_errors;
    int line;
};

struct sim_port {
    const struct sim_eni *eni;
    char *name;
    int ofport;                 /* OpenFlow port number on the bridge: the
                                 * "ofport" attribute, or by default the
                                 * port's place among its hypervisor's
                                 * ports, counting from 1. */
    int line;
};

/* AWS's limits on the network objects of a topology, which the loader
 * enforces.  A quota that AWS raises on request counts at its highest.
 *
 * CIDR blocks: an IPv4 block of a VPC or a subnet is /16 to /28; an IPv6
 * block of a VPC is /44 to /60 and one of a subnet /44 to /64, by steps
 * of 4, global unicast (2000::/3) or unique local (fc00::/7). */
#define SIM_IPV4_BLOCK_PLEN_MIN 16
#define SIM_IPV4_BLOCK_PLEN_MAX 28
#define SIM_IPV6_BLOCK_PLEN_MIN 44
#define SIM_IPV6_VPC_PLEN_MAX 60
#define SIM_IPV6_SUBNET_PLEN_MAX 64
#define SIM_MAX_IPV4_BLOCKS_PER_VPC 50
#define SIM_MAX_IPV6_BLOCKS_PER_VPC 5
#define SIM_MAX_ROUTES_PER_TABLE 1000
#define SIM_MAX_ACL_ENTRIES_PER_DIRECTION 40
#define SIM_MAX_SG_RULES_PER_DIRECTION 1000
#define SIM_MAX_GROUPS_PER_ENI 16

/* The OpenFlow port of a hypervisor's flow-based VXLAN port, which carries
 * the copies of the native backend, when its "tunnel-port" attribute is
 * absent. */
#define SIM_TUNNEL_PORT_DEFAULT 100

struct sim_hypervisor {
    char *id;
    char *bridge;
    struct in6_addr underlay_ip;
    int tunnel_port;            /* OpenFlow port of the VXLAN port: no
                                 * port of an interface has it. */
    struct sim_port *ports;
    size_t n_ports;
    int line;
};

/* Each shash maps an id to an object of its kind and keeps the objects in
 * file order in the arrays beside it. */
struct sim_topology {
    char *file_name;
    char *region;                   /* NULL if not given. */

#define SIM_KINDS                                                       \
    SIM_KIND(account, accounts)                                         \
    SIM_KIND(vpc, vpcs)                                                 \
    SIM_KIND(subnet, subnets)                                           \
    SIM_KIND(route_table, route_tables)                                 \
    SIM_KIND(network_acl, acls)                                         \
    SIM_KIND(security_group, groups)                                    \
    SIM_KIND(eni, enis)                                                 \
    SIM_KIND(nlb, nlbs)                                                 \
    SIM_KIND(peering, peerings)                                         \
    SIM_KIND(tgw, tgws)                                                 \
    SIM_KIND(tgw_attachment, tgw_attachments)                           \
    SIM_KIND(tgw_route_table, tgw_route_tables)                         \
    SIM_KIND(mirror_target, targets)                                    \
    SIM_KIND(mirror_filter, filters)                                    \
    SIM_KIND(mirror_session, sessions)                                  \
    SIM_KIND(hypervisor, hypervisors)
#define SIM_KIND(TYPE, NAME)                                            \
    struct shash NAME##_by_id;                                          \
    struct sim_##TYPE **NAME;                                           \
    size_t n_##NAME;                                                    \
    size_t allocated_##NAME;
    SIM_KINDS
#undef SIM_KIND

    struct tm_model *model;         /* The mirror objects, as the model
                                     * knows them. */
};

/* The most that sim_topology_load() reads from standard input ("-") or
 * from any other file that is not a regular file (a pipe, a device). */
#define SIM_TOPOLOGY_STREAM_MAX (64 * 1024 * 1024)

char *sim_topology_load(const char *file_name, struct sim_topology **)
    OVS_WARN_UNUSED_RESULT;
char *sim_topology_load_memory(const char *file_name, const char *buffer,
                               size_t size, struct sim_topology **)
    OVS_WARN_UNUSED_RESULT;
void sim_topology_destroy(struct sim_topology *);

/* Whether a load validates its document against the schema on a second
 * thread while the caller's thread reads it (true, the default), or
 * first, on the caller's thread alone (as the benchmark compares). */
void sim_topology_set_parallel_load(bool);

/* Building a topology, for loaders: sim_topology_create() returns an empty
 * one, and sim_topology_add_TYPE() appends an object of a kind, which the
 * topology owns from then on, to its array and its index by id. */
struct sim_topology *sim_topology_create(const char *file_name);
#define SIM_KIND(TYPE, NAME)                                            \
    void sim_topology_add_##TYPE(struct sim_topology *,                 \
                                 struct sim_##TYPE *);
SIM_KINDS
#undef SIM_KIND

/* Queries. */
const struct sim_vpc *sim_eni_vpc(const struct sim_eni *);
const struct tm_cidr *sim_vpc_cidr_of(const struct sim_vpc *,
                                      const struct in6_addr *);
bool sim_vpc_usable_by(const struct sim_topology *, const struct sim_vpc *,
                       const struct sim_account *);
const struct sim_tgw_attachment *sim_tgw_attachment_of(
    const struct sim_tgw *, const struct sim_vpc *);
bool sim_is_gateway_id(const char *);

#endif /* tmirror/topology.h */
