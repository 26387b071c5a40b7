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

#ifndef TMIRROR_EVALUATE_H
#define TMIRROR_EVALUATE_H 1

/* The reference evaluator: which session, if any, mirrors a packet seen at
 * a source network interface, and why (shared/semantics.md, "Evaluation").
 *
 * It is written for clarity, not speed, and is the oracle that the flows
 * compiled for Open vSwitch are tested against. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "tmirror/model.h"

struct ds;

/* A packet as seen at a source ENI. */
struct tm_packet {
    enum tm_direction direction;
    uint16_t eth_type;          /* In host byte order: 0x0800, 0x86dd... */
    uint8_t ip_proto;           /* For IPv4 and IPv6. */
    struct in6_addr src;        /* IPv4 as IPv4-mapped IPv6. */
    struct in6_addr dst;
    uint16_t src_port;          /* For TCP and UDP. */
    uint16_t dst_port;
    uint32_t length;            /* Bytes of the whole frame. */
    bool dropped_at_source;     /* By the ENI's security group or the
                                 * subnet's network ACL. */
};

#define TM_REASONS                                                          \
    TM_REASON(MIRRORED_BY_RULE, "mirrored: accepted by a filter rule")     \
    TM_REASON(MIRRORED_BY_SERVICE,                                          \
              "mirrored: the filter's amazon-dns network service")          \
    TM_REASON(NEVER_ARP, "never mirrored: ARP")                            \
    TM_REASON(NEVER_DHCP, "never mirrored: DHCP")                          \
    TM_REASON(NEVER_METADATA, "never mirrored: instance metadata service") \
    TM_REASON(NEVER_NTP, "never mirrored: Amazon Time Sync (NTP)")         \
    TM_REASON(NEVER_WINDOWS_ACTIVATION,                                     \
              "never mirrored: Windows activation (KMS)")                   \
    TM_REASON(DROPPED_AT_SOURCE,                                            \
              "not mirrored: dropped at the source by its security group "  \
              "or network ACL")                                             \
    TM_REASON(NO_SESSIONS, "not mirrored: no active session on this ENI")  \
    TM_REASON(NOT_ACCEPTED, "not mirrored: no session accepted it")

enum tm_reason {
#define TM_REASON(NAME, TEXT) TM_REASON_##NAME,
    TM_REASONS
#undef TM_REASON
};

/* What one session decided about the packet. */
struct tm_step {
    const struct tm_session *session;
    const struct tm_rule *rule; /* The first matching rule, or NULL. */
    bool by_service;            /* Accepted by a network service. */
};

struct tm_decision {
    enum tm_reason reason;
    const struct tm_session *session;   /* Mirroring session, or NULL. */
    const struct tm_rule *rule;         /* Accepting rule, or NULL. */
    uint32_t vni;                       /* Only if mirrored. */
    uint32_t carried_length;            /* Bytes of the original carried
                                         * after the VXLAN header. */

    /* The sessions tried, in order, up to the one that decided. */
    struct tm_step steps[TM_MAX_SESSIONS_PER_ENI];
    size_t n_steps;
};

void tm_evaluate(const struct tm_model *, const char *eni,
                 const struct tm_packet *, struct tm_decision *);
bool tm_never_mirrored(const struct tm_packet *, enum tm_reason *);
bool tm_rule_matches(const struct tm_rule *, const struct tm_packet *);
bool tm_is_amazon_dns(const struct tm_eni *, const struct tm_packet *);
uint32_t tm_carried_length(const struct tm_model *,
                           const struct tm_session *, uint32_t length);
struct tm_error *tm_check_copy(const struct tm_model *,
                               const struct tm_session *,
                               const struct in6_addr *src,
                               const struct in6_addr *dst)
    OVS_WARN_UNUSED_RESULT;

const char *tm_reason_to_string(enum tm_reason);
void tm_decision_format(const struct tm_decision *, struct ds *);
void tm_step_format(const struct tm_step *, struct ds *);
void tm_packet_format(const struct tm_packet *, struct ds *);
char *tm_packet_parse(const char *, struct tm_packet *)
    OVS_WARN_UNUSED_RESULT;

/* The link-local addresses of the AWS services that the evaluator and the
 * compiler treat apart (shared/semantics.md, "Evaluation", item 1, and
 * amazon-dns), IPv4 in host byte order.  Each also has an IPv6 address
 * fd00:ec2::N on Nitro instances, with N the same digits as the last IPv4
 * byte, given here as the address's last 16 bits (tm_aws_ipv6() makes the
 * address); treating those alike is a choice, since AWS documents them for
 * the services, not for mirroring.  Windows activation (KMS) has two
 * addresses, TM_AWS_KMS_IPV4 and the next one, and no IPv6 address. */
#define TM_AWS_METADATA_IPV4 0xa9fea9fe     /* 169.254.169.254 */
#define TM_AWS_METADATA_IPV6 0x0254         /* fd00:ec2::254 */
#define TM_AWS_NTP_IPV4 0xa9fea97b          /* 169.254.169.123 */
#define TM_AWS_NTP_IPV6 0x0123              /* fd00:ec2::123 */
#define TM_AWS_KMS_IPV4 0xa9fea9fa          /* 169.254.169.250 and .251 */
#define TM_AWS_KMS_PORT 1688                /* TCP. */
#define TM_AWS_DNS_IPV4 0xa9fea9fd          /* 169.254.169.253 */
#define TM_AWS_DNS_IPV6 0x0253              /* fd00:ec2::253 */
#define TM_AWS_DNS_PORT 53                  /* TCP and UDP. */

struct in6_addr tm_aws_ipv6(uint16_t suffix);
uint32_t tm_vpc_resolver_ipv4(const struct tm_eni *);

/* Encapsulation overhead that AWS subtracts from the target's MTU. */
#define TM_VXLAN_OVERHEAD_IPV4 54
#define TM_VXLAN_OVERHEAD_IPV6 74

/* The fewest bytes of the original packet that a copy carries: Open
 * vSwitch truncates to no fewer than an Ethernet header (output(max_len)),
 * so a session that would carry less cannot be installed. */
#define TM_MIN_CARRIED_LENGTH 14

#endif /* tmirror/evaluate.h */
