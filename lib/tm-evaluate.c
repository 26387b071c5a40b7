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

#include <config.h>

#include "tmirror/evaluate.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "socket-util.h"
#include "tmirror/error.h"
#include "util.h"

static const char *const reason_strings[] = {
#define TM_REASON(NAME, TEXT) TEXT,
    TM_REASONS
#undef TM_REASON
};

/* Returns the IPv6 address of an AWS service, fd00:ec2::'suffix' (see
 * TM_AWS_METADATA_IPV6 and the others). */
struct in6_addr
tm_aws_ipv6(uint16_t suffix)
{
    struct in6_addr addr = { .s6_addr = { 0xfd, 0x00, 0x0e, 0xc2 } };

    addr.s6_addr[14] = suffix >> 8;
    addr.s6_addr[15] = suffix & 0xff;
    return addr;
}

/* Returns the IPv4 address, in host byte order, of the Amazon DNS resolver
 * in the VPC of 'eni': its VPC's base address plus two, or
 * TM_AWS_DNS_IPV4 if the model does not know its VPC's IPv4 CIDR. */
uint32_t
tm_vpc_resolver_ipv4(const struct tm_eni *eni)
{
    return (eni->has_vpc_cidr && eni->vpc_cidr.ipv4
            ? ntohl(in6_addr_get_mapped_ipv4(&eni->vpc_cidr.addr)) + 2
            : TM_AWS_DNS_IPV4);
}

/* Returns true if 'addr' is the IPv4 address 'ip4' (in host byte order) or
 * the IPv6 address tm_aws_ipv6('ip6') (never, if 'ip6' is 0). */
static bool
addr_is(const struct in6_addr *addr, uint32_t ip4, uint16_t ip6)
{
    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        return ntohl(in6_addr_get_mapped_ipv4(addr)) == ip4;
    }

    struct in6_addr aws = tm_aws_ipv6(ip6);
    return ip6 && ipv6_addr_equals(addr, &aws);
}

static bool
either_addr_is(const struct tm_packet *packet, uint32_t ip4, uint16_t ip6)
{
    return addr_is(&packet->src, ip4, ip6) || addr_is(&packet->dst, ip4, ip6);
}

static bool
is_ip(const struct tm_packet *packet)
{
    return packet->eth_type == ETH_TYPE_IP
           || packet->eth_type == ETH_TYPE_IPV6;
}

static bool
has_ports(const struct tm_packet *packet)
{
    return is_ip(packet) && (packet->ip_proto == IPPROTO_TCP
                             || packet->ip_proto == IPPROTO_UDP);
}

static bool
both_ports_in(const struct tm_packet *packet, uint16_t a, uint16_t b)
{
    return ((packet->src_port == a || packet->src_port == b)
            && (packet->dst_port == a || packet->dst_port == b));
}

/* Returns true, with the reason in '*reason', if 'packet' is of a type that
 * is never mirrored: ARP, DHCP (UDP 67/68; and DHCPv6, UDP 546/547, a
 * choice), the instance metadata service, the Amazon Time Sync Service
 * (NTP) and Windows activation (KMS, TCP 1688). */
bool
tm_never_mirrored(const struct tm_packet *packet, enum tm_reason *reason)
{
    if (packet->eth_type == ETH_TYPE_ARP) {
        *reason = TM_REASON_NEVER_ARP;
    } else if (!is_ip(packet)) {
        return false;
    } else if (packet->ip_proto == IPPROTO_UDP
               && (both_ports_in(packet, 67, 68)
                   || both_ports_in(packet, 546, 547))) {
        *reason = TM_REASON_NEVER_DHCP;
    } else if (either_addr_is(packet, TM_AWS_METADATA_IPV4,
                              TM_AWS_METADATA_IPV6)) {
        *reason = TM_REASON_NEVER_METADATA;
    } else if (either_addr_is(packet, TM_AWS_NTP_IPV4, TM_AWS_NTP_IPV6)) {
        *reason = TM_REASON_NEVER_NTP;
    } else if (packet->ip_proto == IPPROTO_TCP
               && (packet->src_port == TM_AWS_KMS_PORT
                   || packet->dst_port == TM_AWS_KMS_PORT)
               && (either_addr_is(packet, TM_AWS_KMS_IPV4, 0)
                   || either_addr_is(packet, TM_AWS_KMS_IPV4 + 1, 0))) {
        *reason = TM_REASON_NEVER_WINDOWS_ACTIVATION;
    } else {
        return false;
    }
    return true;
}

static bool
port_in(uint16_t port, const struct tm_port_range *range)
{
    return port >= range->from && port <= range->to;
}

/* Returns true if 'rule' matches 'packet' (whatever its direction): same
 * protocol (or the rule's is "all"), both addresses in the rule's CIDR
 * blocks (so an IPv4 rule never matches IPv6 and vice versa), and the
 * ports in the rule's port ranges, where it has them. */
bool
tm_rule_matches(const struct tm_rule *rule, const struct tm_packet *packet)
{
    if (!is_ip(packet)
        || (rule->protocol != TM_PROTO_ALL
            && rule->protocol != packet->ip_proto)
        || !tm_cidr_contains(&rule->src, &packet->src)
        || !tm_cidr_contains(&rule->dst, &packet->dst)) {
        return false;
    }
    if (rule->has_src_ports || rule->has_dst_ports) {
        /* The model allows port ranges only on TCP and UDP rules. */
        if (!has_ports(packet)
            || (rule->has_src_ports
                && !port_in(packet->src_port, &rule->src_ports))
            || (rule->has_dst_ports
                && !port_in(packet->dst_port, &rule->dst_ports))) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'packet' is DNS traffic to or from the Amazon DNS
 * resolver of the VPC of 'eni': its VPC's base address plus two, or
 * 169.254.169.253 (fd00:ec2::253 for IPv6), on TCP or UDP port 53. */
bool
tm_is_amazon_dns(const struct tm_eni *eni, const struct tm_packet *packet)
{
    uint32_t resolver = tm_vpc_resolver_ipv4(eni);

    if (!has_ports(packet)) {
        return false;
    }

    bool to = (packet->dst_port == TM_AWS_DNS_PORT
               && (addr_is(&packet->dst, resolver, TM_AWS_DNS_IPV6)
                   || addr_is(&packet->dst, TM_AWS_DNS_IPV4, 0)));
    bool from = (packet->src_port == TM_AWS_DNS_PORT
                 && (addr_is(&packet->src, resolver, TM_AWS_DNS_IPV6)
                     || addr_is(&packet->src, TM_AWS_DNS_IPV4, 0)));
    return to || from;
}

/* Returns how many bytes of a 'length'-byte packet 'session' carries after
 * the VXLAN header: the whole packet, or its packet length when it has
 * one, and never more than fits the MTU of a network interface target less
 * AWS's encapsulation overhead (54 bytes when the target's address is IPv4,
 * 74 when it is IPv6).  Load balancer targets are not capped (AWS truncates
 * only for standalone instances). */
uint32_t
tm_carried_length(const struct tm_model *model,
                  const struct tm_session *session, uint32_t length)
{
    uint32_t carried = length;

    if (session->packet_length && session->packet_length < carried) {
        carried = session->packet_length;
    }
    if (session->target && session->target->type == TM_TARGET_ENI) {
        const struct tm_eni *target = tm_model_find_eni(
            model, session->target->resource);

        if (target) {
            uint32_t overhead = (IN6_IS_ADDR_V4MAPPED(&target->ip)
                                 ? TM_VXLAN_OVERHEAD_IPV4
                                 : TM_VXLAN_OVERHEAD_IPV6);
            uint32_t room = target->mtu > overhead ? target->mtu - overhead
                            : 0;
            carried = MIN(carried, room);
        }
    }
    return carried;
}

/* Returns an error if the copies of 'session', from outer address 'src'
 * (the source's primary IP) to 'dst' (the target's, or its load balancer
 * node's), cannot be made: addresses of two families, or fewer than
 * TM_MIN_CARRIED_LENGTH bytes carried (a packet length or a target MTU too
 * small).  The simulator's check reports this as an invalid session, and
 * the flow compiler refuses the same sessions for the same reasons: one
 * rule for both. */
struct tm_error *
tm_check_copy(const struct tm_model *model, const struct tm_session *session,
              const struct in6_addr *src, const struct in6_addr *dst)
{
    if (IN6_IS_ADDR_V4MAPPED(src) != IN6_IS_ADDR_V4MAPPED(dst)) {
        struct ds src_s = DS_EMPTY_INITIALIZER;
        struct ds dst_s = DS_EMPTY_INITIALIZER;
        struct tm_error *error;

        tm_ip_format(src, &src_s);
        tm_ip_format(dst, &dst_s);
        error = tm_error_create(TM_ERR_COPY_FAMILY_MISMATCH,
                                "traffic-mirror-target-id",
                                "the copies would go from %s (the source's "
                                "address) to %s (the target's), which are "
                                "not of one address family",
                                ds_cstr(&src_s), ds_cstr(&dst_s));
        ds_destroy(&src_s);
        ds_destroy(&dst_s);
        return error;
    }

    uint32_t carried = tm_carried_length(model, session, UINT32_MAX);
    if (carried < TM_MIN_CARRIED_LENGTH) {
        if (session->packet_length
            && session->packet_length < TM_MIN_CARRIED_LENGTH) {
            return tm_error_create(TM_ERR_COPY_TOO_SHORT, "packet-length",
                                   "a packet length of %u is less "
                                   "than the %d bytes that Open vSwitch "
                                   "carries at least",
                                   (unsigned int) session->packet_length,
                                   TM_MIN_CARRIED_LENGTH);
        }
        const struct tm_eni *target = tm_model_find_eni(
            model, session->target->resource);
        return tm_error_create(TM_ERR_COPY_TOO_SHORT,
                               "traffic-mirror-target-id",
                               "the MTU %u of target %s leaves %"PRIu32
                               " bytes after the %d of VXLAN encapsulation, "
                               "fewer than the %d that Open vSwitch "
                               "carries at least", target ? target->mtu : 0,
                               session->target_id, carried,
                               (IN6_IS_ADDR_V4MAPPED(dst)
                                ? TM_VXLAN_OVERHEAD_IPV4
                                : TM_VXLAN_OVERHEAD_IPV6),
                               TM_MIN_CARRIED_LENGTH);
    }
    return NULL;
}

/* Decides which session of source ENI 'eni' mirrors 'packet', following
 * shared/semantics.md, "Evaluation": never-mirrored types and packets
 * dropped at the source first; then the active sessions in ascending
 * session number, each with its network services and then its rules of the
 * packet's direction in ascending rule number, the first match deciding;
 * the first session that accepts mirrors the packet and no other does. */
void
tm_evaluate(const struct tm_model *model, const char *eni_id,
            const struct tm_packet *packet, struct tm_decision *decision)
{
    const struct tm_eni *eni = tm_model_find_eni(model, eni_id);
    struct tm_session *const *sessions;
    size_t n;

    memset(decision, 0, sizeof *decision);
    decision->reason = TM_REASON_NO_SESSIONS;
    if (tm_never_mirrored(packet, &decision->reason)) {
        return;
    }
    if (packet->dropped_at_source) {
        decision->reason = TM_REASON_DROPPED_AT_SOURCE;
        return;
    }

    n = tm_model_sessions_of_eni(model, eni_id, &sessions);
    for (size_t i = 0; i < n; i++) {
        const struct tm_session *session = sessions[i];
        const struct tm_filter *filter = session->filter;

        if (session->status != TM_SESSION_ACTIVE) {
            continue;
        }

        struct tm_step *step = &decision->steps[decision->n_steps++];
        step->session = session;
        decision->reason = TM_REASON_NOT_ACCEPTED;
        if (filter->amazon_dns && eni && tm_is_amazon_dns(eni, packet)) {
            step->by_service = true;
        } else {
            int d = packet->direction;

            for (size_t j = 0; j < filter->n_rules[d]; j++) {
                if (tm_rule_matches(filter->rules[d][j], packet)) {
                    step->rule = filter->rules[d][j];
                    break;
                }
            }
            if (!step->rule || step->rule->action != TM_ACCEPT) {
                continue;
            }
        }

        decision->reason = (step->by_service ? TM_REASON_MIRRORED_BY_SERVICE
                            : TM_REASON_MIRRORED_BY_RULE);
        decision->session = session;
        decision->rule = step->rule;
        decision->vni = session->vni;
        decision->carried_length = tm_carried_length(model, session,
                                                     packet->length);
        return;
    }
}

const char *
tm_reason_to_string(enum tm_reason reason)
{
    return (reason < ARRAY_SIZE(reason_strings) ? reason_strings[reason]
            : "unknown reason");
}

/* Appends 'decision' to 's' as one line: the outcome, then the trail of
 * sessions tried. */
void
tm_decision_format(const struct tm_decision *decision, struct ds *s)
{
    if (decision->session) {
        ds_put_format(s, "mirrored by session %s (number %"PRIu16") to "
                      "%s, VNI %"PRIu32", %"PRIu32" bytes carried",
                      decision->session->id, decision->session->number,
                      decision->session->target_id, decision->vni,
                      decision->carried_length);
    } else {
        ds_put_cstr(s, tm_reason_to_string(decision->reason));
    }

    for (size_t i = 0; i < decision->n_steps; i++) {
        ds_put_cstr(s, i ? "; " : " | ");
        tm_step_format(&decision->steps[i], s);
    }
}

/* Appends to 's' what 'step' decided, e.g. "session 1 (tms-1): rejected by
 * rule ingress 10 reject ...". */
void
tm_step_format(const struct tm_step *step, struct ds *s)
{
    ds_put_format(s, "session %"PRIu16" (%s): ", step->session->number,
                  step->session->id);
    if (step->by_service) {
        ds_put_cstr(s, "accepted by network service amazon-dns");
    } else if (step->rule) {
        ds_put_format(s, "%s by rule ",
                      step->rule->action == TM_ACCEPT ? "accepted"
                      : "rejected");
        tm_rule_format(step->rule, s);
    } else {
        ds_put_cstr(s, "no rule matched");
    }
}

/* Appends an address, with 'port' if 'packet' has ports, in the form that
 * tm_packet_parse() reads: "10.0.0.1:80", "[2001:db8::1]:80" or the bare
 * address. */
static void
endpoint_format(const struct tm_packet *packet, const struct in6_addr *addr,
                uint16_t port, struct ds *s)
{
    if (!has_ports(packet)) {
        tm_ip_format(addr, s);
    } else if (IN6_IS_ADDR_V4MAPPED(addr)) {
        tm_ip_format(addr, s);
        ds_put_format(s, ":%"PRIu16, port);
    } else {
        ipv6_format_addr_bracket(addr, s, true);
        ds_put_format(s, ":%"PRIu16, port);
    }
}

/* Appends 'packet' to 's', e.g. "ingress tcp 10.0.0.5:1234 > 10.0.1.10:80
 * (1514 bytes)". */
void
tm_packet_format(const struct tm_packet *packet, struct ds *s)
{
    ds_put_format(s, "%s ", tm_direction_to_string(packet->direction));
    if (packet->eth_type == ETH_TYPE_ARP) {
        ds_put_cstr(s, "arp");
    } else if (!is_ip(packet)) {
        ds_put_format(s, "eth_type 0x%04"PRIx16, packet->eth_type);
    } else {
        tm_protocol_format(packet->ip_proto, s);
        ds_put_char(s, ' ');
        endpoint_format(packet, &packet->src, packet->src_port, s);
        ds_put_cstr(s, " > ");
        endpoint_format(packet, &packet->dst, packet->dst_port, s);
    }
    ds_put_format(s, " (%"PRIu32" bytes)", packet->length);
    if (packet->dropped_at_source) {
        ds_put_cstr(s, " dropped at source");
    }
}

/* Parses one endpoint of a packet: "ADDR", "IPV4:PORT" or "[IPV6]:PORT". */
static char *
parse_endpoint(const char *s, struct in6_addr *addr, bool *ipv4,
               uint16_t *port)
{
    char *copy = xstrdup(s);
    char *addr_s, *port_s;
    char *error;

    inet_parse_host_port_tokens(copy, &addr_s, &port_s);
    error = tm_parse_ip(addr_s, addr, ipv4);
    if (!error && port_s) {
        int value;

        if (!str_to_int(port_s, 10, &value) || value < 0 || value > 65535) {
            error = xasprintf("\"%s\": bad port \"%s\"", s, port_s);
        } else {
            *port = value;
        }
    }
    free(copy);
    return error;
}

/* Parses a packet written as tm_packet_format() writes it, or more tersely:
 *
 *     DIRECTION arp [len N]
 *     DIRECTION PROTOCOL SRC > DST [len N] [dropped]
 *
 * where DIRECTION is ingress or egress, PROTOCOL a name or number as for
 * filter rules, and SRC and DST "ADDR", "IPV4:PORT" or "[IPV6]:PORT".  The
 * length defaults to 64 bytes. */
char *
tm_packet_parse(const char *s, struct tm_packet *packet)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    char *error = NULL;
    char *tokens[16];
    size_t n = 0;

    memset(packet, 0, sizeof *packet);
    packet->length = 64;
    for (char *token = strtok_r(copy, " \t()", &save_ptr); token;
         token = strtok_r(NULL, " \t()", &save_ptr)) {
        if (n >= ARRAY_SIZE(tokens)) {
            error = xasprintf("\"%s\": too many words", s);
            goto out;
        }
        tokens[n++] = token;
    }

    if (n < 2 || !tm_parse_direction(tokens[0], &packet->direction)) {
        error = xasprintf("\"%s\": a packet starts with ingress or egress "
                          "and a protocol", s);
        goto out;
    }

    size_t i;
    if (!strcmp(tokens[1], "arp")) {
        packet->eth_type = ETH_TYPE_ARP;
        i = 2;
    } else {
        bool src_ipv4, dst_ipv4;
        int protocol;

        error = tm_parse_protocol(tokens[1], &protocol);
        if (!error && protocol == TM_PROTO_ALL) {
            error = xasprintf("\"%s\": a packet has one protocol", s);
        }
        if (!error && (n < 5 || strcmp(tokens[3], ">"))) {
            error = xasprintf("\"%s\": expected PROTOCOL SRC > DST", s);
        }
        if (!error) {
            error = parse_endpoint(tokens[2], &packet->src, &src_ipv4,
                                   &packet->src_port);
        }
        if (!error) {
            error = parse_endpoint(tokens[4], &packet->dst, &dst_ipv4,
                                   &packet->dst_port);
        }
        if (!error && src_ipv4 != dst_ipv4) {
            error = xasprintf("\"%s\": the addresses are of different "
                              "families", s);
        }
        if (error) {
            goto out;
        }
        packet->eth_type = src_ipv4 ? ETH_TYPE_IP : ETH_TYPE_IPV6;
        packet->ip_proto = protocol;
        i = 5;
    }

    for (; i < n; i++) {
        int length;

        if (!strcmp(tokens[i], "dropped")) {
            /* "dropped", or "dropped at source" as printed. */
            packet->dropped_at_source = true;
            if (i + 2 < n && !strcmp(tokens[i + 1], "at")
                && !strcmp(tokens[i + 2], "source")) {
                i += 2;
            }
        } else if (i + 1 < n && (!strcmp(tokens[i], "len")
                                 || !strcmp(tokens[i + 1], "bytes"))) {
            const char *value = (!strcmp(tokens[i], "len") ? tokens[i + 1]
                                 : tokens[i]);

            if (!str_to_int(value, 10, &length) || length < 1) {
                error = xasprintf("\"%s\": bad length \"%s\"", s, value);
                goto out;
            }
            packet->length = length;
            i++;
        } else {
            error = xasprintf("\"%s\": unexpected \"%s\"", s, tokens[i]);
            goto out;
        }
    }

out:
    free(copy);
    return error;
}
