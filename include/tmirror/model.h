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

#ifndef TMIRROR_MODEL_H
#define TMIRROR_MODEL_H 1

/* The traffic mirroring model: targets, filters, filter rules and sessions
 * with the semantics of Amazon VPC Traffic Mirroring (shared/semantics.md).
 *
 * A model also holds the little it must know about the network to apply
 * AWS's rules: accounts and their organizations, network interfaces (ENIs)
 * with their owners and instance types, network load balancers, and
 * resource shares.  The simulator fills those in from a topology; tests
 * fill them in by hand.
 *
 * Every create, modify and delete takes the account making the request (the
 * "caller"), validates the whole request first and either applies all of it
 * or returns a "struct tm_error *" (see tmirror/error.h) and changes
 * nothing.
 *
 * Objects returned by the model are owned by it and stay valid until they
 * are deleted or the model is destroyed; callers must not change them. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/compiler.h"
#include "simap.h"
#include "smap.h"
#include "tmirror/error.h"

struct ds;

/* Ranges and quotas (shared/semantics.md, "Objects" and "Quotas"). */
#define TM_RULE_NUMBER_MIN 1
#define TM_RULE_NUMBER_MAX 32766
#define TM_SESSION_NUMBER_MIN 1
#define TM_SESSION_NUMBER_MAX 32766
#define TM_VNI_MAX 16777215             /* 24 bits. */
#define TM_PACKET_LENGTH_MIN 1
#define TM_PACKET_LENGTH_MAX 8500
#define TM_MAX_RULES_PER_FILTER 10
#define TM_MAX_SESSIONS_PER_ENI 3
#define TM_MAX_SOURCES_PER_TARGET 10
#define TM_MAX_SOURCES_PER_LARGE_TARGET 100
#define TM_MAX_PER_ACCOUNT 10000        /* Sessions, targets, filters. */
#define TM_DEFAULT_MTU 1500
#define TM_MTU_MIN 68                   /* A network interface's MTU. */
#define TM_MTU_MAX 9001

/* A number that was not given (in specs that carry numbers as int64_t so
 * that out-of-range input reaches the model's range checks intact). */
#define TM_UNSET INT64_MIN

enum tm_direction {
    TM_INGRESS,                 /* Traffic arriving at the source ENI. */
    TM_EGRESS,                  /* Traffic leaving the source ENI. */
};
#define TM_N_DIRECTIONS 2

enum tm_rule_action {
    TM_ACCEPT,
    TM_REJECT,
};

#define TM_PROTO_ALL (-1)

/* An IPv4 or IPv6 CIDR block.  IPv4 is kept as an IPv4-mapped IPv6 address
 * and a prefix length of 0 to 32. */
struct tm_cidr {
    struct in6_addr addr;       /* Network address, host bits zero. */
    unsigned int plen;
    bool ipv4;
};

struct tm_port_range {
    uint16_t from, to;          /* Inclusive; from <= to. */
};

struct tm_filter;

struct tm_rule {
    char *id;
    struct tm_filter *filter;
    enum tm_direction direction;
    uint16_t number;
    enum tm_rule_action action;
    int protocol;               /* TM_PROTO_ALL or an IANA number 0-255. */
    bool has_src_ports;
    bool has_dst_ports;
    struct tm_port_range src_ports;
    struct tm_port_range dst_ports;
    struct tm_cidr src;
    struct tm_cidr dst;
    char *description;          /* Never NULL; may be empty. */
};

struct tm_filter {
    char *id;
    char *owner;                /* Account id. */
    char *description;          /* Never NULL; may be empty. */
    struct smap tags;
    bool amazon_dns;            /* The "amazon-dns" network service. */

    /* Rules of each direction, in ascending rule number. */
    struct tm_rule *rules[TM_N_DIRECTIONS][TM_MAX_RULES_PER_FILTER];
    size_t n_rules[TM_N_DIRECTIONS];

    size_t n_sessions;          /* Sessions that use this filter. */
};

enum tm_target_type {
    TM_TARGET_ENI,              /* A network interface. */
    TM_TARGET_NLB,              /* A network load balancer. */
};

struct tm_target {
    char *id;
    char *owner;                /* Account id. */
    enum tm_target_type type;
    char *resource;             /* ENI id or load balancer id. */
    char *description;          /* Never NULL; may be empty. */
    struct smap tags;
    size_t n_sessions;          /* Sessions that use this target. */
    struct simap sources;       /* Source ENI id -> number of sessions. */
};

enum tm_session_status {
    TM_SESSION_ACTIVE,
    TM_SESSION_INACTIVE,        /* Its shared target was deleted. */
};

struct tm_session {
    char *id;
    char *owner;                /* Account id. */
    char *eni;                  /* Source ENI id. */
    char *target_id;            /* Kept when the target is deleted. */
    struct tm_target *target;   /* NULL when inactive. */
    struct tm_filter *filter;
    uint16_t number;
    uint32_t vni;
    bool vni_chosen;            /* True if picked by the model. */
    uint16_t packet_length;     /* 0: the whole packet. */
    char *description;          /* Never NULL; may be empty. */
    struct smap tags;
    enum tm_session_status status;
};

/* A network interface, as far as mirroring cares. */
struct tm_eni {
    char *id;
    char *owner;                /* Account that owns the ENI. */
    char *subnet_owner;         /* Account that owns its subnet. */
    struct in6_addr ip;         /* Primary IP (IPv4-mapped for IPv4). */
    struct tm_cidr vpc_cidr;    /* Primary CIDR of its VPC (amazon-dns). */
    bool has_vpc_cidr;
    char *instance_type;        /* NULL if unknown. */
    unsigned int mtu;
};

/* ---- The model. ---- */

struct tm_model *tm_model_create(void);
void tm_model_destroy(struct tm_model *);

/* Inventory. */
struct tm_error *tm_model_add_account(struct tm_model *, const char *id,
                                      const char *organization)
    OVS_WARN_UNUSED_RESULT;

struct tm_eni_spec {
    const char *id;
    const char *owner;
    const char *subnet_owner;   /* NULL: same as 'owner'. */
    const char *ip;             /* Primary IP; required. */
    const char *vpc_cidr;       /* NULL if unknown. */
    const char *instance_type;  /* NULL if unknown. */
    int64_t mtu;                /* TM_UNSET: 1500. */
};
struct tm_error *tm_model_add_eni(struct tm_model *,
                                  const struct tm_eni_spec *)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_model_add_eni_parsed(struct tm_model *,
                                         const struct tm_eni_spec *,
                                         const struct in6_addr *ip,
                                         const struct tm_cidr *vpc_cidr)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_model_add_nlb(struct tm_model *, const char *id,
                                  const char *owner)
    OVS_WARN_UNUSED_RESULT;

/* A resource share: 'resources' and 'principals' are lists separated by
 * white space; a principal is an account id or an organization id. */
struct tm_error *tm_model_add_share(struct tm_model *, const char *id,
                                    const char *owner, const char *resources,
                                    const char *principals, bool accepted)
    OVS_WARN_UNUSED_RESULT;

const struct tm_eni *tm_model_find_eni(const struct tm_model *,
                                       const char *id);
const struct tm_target *tm_model_find_target(const struct tm_model *,
                                             const char *id);
const struct tm_filter *tm_model_find_filter(const struct tm_model *,
                                             const char *id);
const struct tm_rule *tm_model_find_rule(const struct tm_model *,
                                         const char *id);
const struct tm_session *tm_model_find_session(const struct tm_model *,
                                               const char *id);

/* The sessions whose source is 'eni' (inactive ones included), in ascending
 * session number.  Returns their number and stores a pointer to them in
 * '*sessionsp'. */
size_t tm_model_sessions_of_eni(const struct tm_model *, const char *eni,
                                struct tm_session *const **sessionsp);

/* Describe: the objects 'caller' may see (NULL: all of them), sorted by id,
 * with their number in '*n'.  The caller frees the returned array, not its
 * elements. */
const struct tm_target **tm_model_describe_targets(const struct tm_model *,
                                                   const char *caller,
                                                   size_t *n);
const struct tm_filter **tm_model_describe_filters(const struct tm_model *,
                                                   const char *caller,
                                                   size_t *n);
const struct tm_session **tm_model_describe_sessions(const struct tm_model *,
                                                     const char *caller,
                                                     size_t *n);

/* ---- Targets. ---- */

struct tm_target_spec {
    const char *id;             /* NULL: the model picks "tmt-...". */
    const char *network_interface_id;
    const char *network_load_balancer_arn;
    const char *description;
    const struct smap *tags;
};
struct tm_error *tm_create_target(struct tm_model *, const char *caller,
                                  const struct tm_target_spec *,
                                  const struct tm_target **)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_modify_target(struct tm_model *, const char *caller,
                                  const char *id, const char *description)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_delete_target(struct tm_model *, const char *caller,
                                  const char *id)
    OVS_WARN_UNUSED_RESULT;

/* ---- Filters and their rules. ---- */

struct tm_filter_spec {
    const char *id;             /* NULL: the model picks "tmf-...". */
    const char *description;
    const char *network_services;   /* NULL, "" or "amazon-dns". */
    const struct smap *tags;
};
struct tm_error *tm_create_filter(struct tm_model *, const char *caller,
                                  const struct tm_filter_spec *,
                                  const struct tm_filter **)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_modify_filter_network_services(
    struct tm_model *, const char *caller, const char *id,
    const char *add, const char *remove)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_delete_filter(struct tm_model *, const char *caller,
                                  const char *id)
    OVS_WARN_UNUSED_RESULT;

/* A rule as given by a user: text as in ovs-tmctl options and topology
 * attributes.  In a modify, NULL and TM_UNSET leave a field as it is. */
struct tm_rule_spec {
    const char *id;             /* NULL: the model picks "tmfr-...". */
    const char *direction;      /* "ingress" or "egress". */
    int64_t rule_number;
    const char *action;         /* "accept" or "reject". */
    const char *protocol;       /* NULL, "-1" or "all": all; or a number
                                 * 0-255, or tcp, udp, icmp, icmpv6. */
    const char *source_port_range;      /* "A", "A-B" or
                                         * "FromPort=A,ToPort=B". */
    const char *destination_port_range;
    const char *source_cidr;
    const char *destination_cidr;
    const char *description;
};

/* Fields that a modify can remove, as in the AWS CLI's --remove-fields. */
enum tm_remove_field {
    TM_REMOVE_DESTINATION_PORT_RANGE = 1 << 0,
    TM_REMOVE_SOURCE_PORT_RANGE = 1 << 1,
    TM_REMOVE_PROTOCOL = 1 << 2,
    TM_REMOVE_DESCRIPTION = 1 << 3,
    TM_REMOVE_PACKET_LENGTH = 1 << 4,
    TM_REMOVE_VIRTUAL_NETWORK_ID = 1 << 5,
};
struct tm_error *tm_parse_remove_field(const char *, enum tm_remove_field *)
    OVS_WARN_UNUSED_RESULT;

struct tm_error *tm_create_rule(struct tm_model *, const char *caller,
                                const char *filter_id,
                                const struct tm_rule_spec *,
                                const struct tm_rule **)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_modify_rule(struct tm_model *, const char *caller,
                                const char *id, const struct tm_rule_spec *,
                                unsigned int remove_fields)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_delete_rule(struct tm_model *, const char *caller,
                                const char *id)
    OVS_WARN_UNUSED_RESULT;

/* ---- Sessions. ---- */

/* In a create, 'vni' and 'packet_length' may be TM_UNSET (a random unused
 * VNI; the whole packet).  In a modify, NULL and TM_UNSET leave a field as
 * it is. */
struct tm_session_spec {
    const char *id;             /* NULL: the model picks "tms-...". */
    const char *network_interface_id;
    const char *target_id;
    const char *filter_id;
    int64_t session_number;
    int64_t vni;
    int64_t packet_length;
    const char *description;
    const struct smap *tags;
};
struct tm_error *tm_create_session(struct tm_model *, const char *caller,
                                   const struct tm_session_spec *,
                                   const struct tm_session **)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_modify_session(struct tm_model *, const char *caller,
                                   const char *id,
                                   const struct tm_session_spec *,
                                   unsigned int remove_fields)
    OVS_WARN_UNUSED_RESULT;
struct tm_error *tm_delete_session(struct tm_model *, const char *caller,
                                   const char *id)
    OVS_WARN_UNUSED_RESULT;

/* ---- Values: parsing and printing. ---- */

/* Ids: 1 to TM_ID_MAX_LEN characters, ASCII letters, digits, '.', '_',
 * ':', '/' and '-', the first a letter or a digit.  AWS's ids fit, and so
 * do ARNs and host names; white space, quotes and control characters never
 * do, so that an id printed in a line-oriented format (a report, flows,
 * ovs-tmctl's tables) cannot forge a line.  The same rule is the
 * "id-value" of the topology schema (topologies/topology.rng). */
#define TM_ID_MAX_LEN 255
#define TM_ID_RULE "1 to 255 letters, digits, \".\", \"_\", \":\", \"/\" " \
    "and \"-\", beginning with a letter or a digit"
bool tm_id_is_valid(const char *);
char *tm_check_id(const char *) OVS_WARN_UNUSED_RESULT;

char *tm_parse_cidr(const char *, struct tm_cidr *) OVS_WARN_UNUSED_RESULT;
char *tm_parse_ip(const char *, struct in6_addr *, bool *ipv4)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_port_range(const char *, struct tm_port_range *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_protocol(const char *, int *protocol) OVS_WARN_UNUSED_RESULT;
bool tm_parse_direction(const char *, enum tm_direction *);
bool tm_parse_rule_action(const char *, enum tm_rule_action *);

bool tm_cidr_contains(const struct tm_cidr *, const struct in6_addr *);
bool tm_cidrs_overlap(const struct tm_cidr *, const struct tm_cidr *);
void tm_cidr_format(const struct tm_cidr *, struct ds *);
void tm_ip_format(const struct in6_addr *, struct ds *);
const char *tm_direction_to_string(enum tm_direction);
const char *tm_rule_action_to_string(enum tm_rule_action);
void tm_protocol_format(int protocol, struct ds *);
void tm_rule_format(const struct tm_rule *, struct ds *);

bool tm_instance_type_is_largest(const char *instance_type);
bool tm_instance_type_supports_mirroring(const char *instance_type);

#endif /* tmirror/model.h */
