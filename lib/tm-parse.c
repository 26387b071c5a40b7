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

/* Parsing and printing of the model's values: CIDRs, addresses, port
 * ranges, protocols, directions and actions.  Parsers return NULL on
 * success or a malloc'd error message that quotes the bad input. */

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "tmirror/model.h"
#include "util.h"

/* Returns true if 's' is a valid id (see TM_ID_RULE). */
bool
tm_id_is_valid(const char *s)
{
    size_t n = 0;

    if (!s || !isalnum((unsigned char) s[0])) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = *p;

        if (++n > TM_ID_MAX_LEN
            || c > 0x7f
            || !(isalnum(c) || strchr("._:/-", c))) {
            return false;
        }
    }
    return true;
}

/* Returns NULL if 's' is a valid id, otherwise an error that quotes it
 * (escaped, as a JSON string: it may hold anything) and gives the rule.
 * The caller must free the error. */
char *
tm_check_id(const char *s)
{
    struct ds quoted = DS_EMPTY_INITIALIZER;

    if (tm_id_is_valid(s)) {
        return NULL;
    }
    json_string_escape(s ? s : "", &quoted);
    if (quoted.length > 80) {
        quoted.length = 76;
        ds_put_cstr(&quoted, "...\"");
    }
    return xasprintf("%s is not an id (ids are %s)", ds_cstr(&quoted),
                     TM_ID_RULE);
}

/* Parses 's' as an IPv4 or IPv6 address into '*ip' (IPv4 as IPv4-mapped)
 * and sets '*ipv4' to say which it was. */
char *
tm_parse_ip(const char *s, struct in6_addr *ip, bool *ipv4)
{
    ovs_be32 ip4;

    if (ip_parse(s, &ip4)) {
        in6_addr_set_mapped_ipv4(ip, ip4);
        *ipv4 = true;
        return NULL;
    }
    if (strchr(s, ':') && ipv6_parse(s, ip)) {
        *ipv4 = false;
        return NULL;
    }
    return xasprintf("\"%s\" is not an IPv4 or IPv6 address", s);
}

/* Parses 's', an IPv4 or IPv6 CIDR block such as "10.0.0.0/16" or
 * "2001:db8::/32", into '*cidr'.  A block with host bits set is refused
 * (with the block it probably meant), as is a missing prefix length. */
char *
tm_parse_cidr(const char *s, struct tm_cidr *cidr)
{
    const char *slash = strchr(s, '/');
    char *addr_s, *error;
    struct in6_addr addr;
    int plen;
    bool ipv4;

    if (!slash) {
        return xasprintf("\"%s\" is not a CIDR block (expected "
                         "ADDRESS/PREFIX-LENGTH, e.g. 10.0.0.0/16)", s);
    }
    addr_s = xmemdup0(s, slash - s);
    error = tm_parse_ip(addr_s, &addr, &ipv4);
    free(addr_s);
    if (error) {
        free(error);
        return xasprintf("\"%s\" is not a CIDR block: bad address", s);
    }
    if (!str_to_int(slash + 1, 10, &plen) || !isdigit((unsigned char) slash[1])
        || plen < 0 || plen > (ipv4 ? 32 : 128)) {
        return xasprintf("\"%s\" is not a CIDR block: the prefix length "
                         "must be 0 to %d", s, ipv4 ? 32 : 128);
    }

    struct in6_addr mask = ipv6_create_mask(ipv4 ? plen + 96 : plen);
    struct in6_addr net = ipv6_addr_bitand(&addr, &mask);
    if (!ipv6_addr_equals(&net, &addr)) {
        struct ds want = DS_EMPTY_INITIALIZER;
        struct tm_cidr fixed = { .addr = net, .plen = plen, .ipv4 = ipv4 };

        tm_cidr_format(&fixed, &want);
        error = xasprintf("\"%s\" has host bits set (did you mean %s?)",
                          s, ds_cstr(&want));
        ds_destroy(&want);
        return error;
    }

    cidr->addr = net;
    cidr->plen = plen;
    cidr->ipv4 = ipv4;
    return NULL;
}

static bool
parse_port(const char *s, uint16_t *port)
{
    int value;

    if (!isdigit((unsigned char) *s) || !str_to_int(s, 10, &value)
        || value < 0 || value > 65535) {
        return false;
    }
    *port = value;
    return true;
}

/* Parses 's' as a port range into '*range'.  Accepts "A", "A-B" (as in
 * topology files) and "FromPort=A,ToPort=B" (the AWS CLI's shorthand),
 * with 0 <= A <= B <= 65535. */
char *
tm_parse_port_range(const char *s, struct tm_port_range *range)
{
    char *copy = xstrdup(s);
    char *from_s, *to_s;
    char *error = NULL;

    if (!strncmp(copy, "FromPort=", 9)) {
        from_s = copy + 9;
        to_s = strstr(from_s, ",ToPort=");
        if (!to_s) {
            error = xasprintf("\"%s\" is not a port range (expected "
                              "FromPort=A,ToPort=B)", s);
            goto out;
        }
        *to_s = '\0';
        to_s += 8;
    } else {
        from_s = copy;
        to_s = strchr(copy, '-');
        if (to_s) {
            *to_s++ = '\0';
        } else {
            to_s = from_s;
        }
    }

    if (!parse_port(from_s, &range->from) || !parse_port(to_s, &range->to)) {
        error = xasprintf("\"%s\" is not a port range: ports are numbers "
                          "from 0 to 65535", s);
    } else if (range->from > range->to) {
        error = xasprintf("\"%s\" is not a port range: %"PRIu16" is greater "
                          "than %"PRIu16, s, range->from, range->to);
    }

out:
    free(copy);
    return error;
}

static const struct {
    const char *name;
    int number;
} protocol_names[] = {
    { "all", TM_PROTO_ALL },
    { "icmp", IPPROTO_ICMP },
    { "tcp", IPPROTO_TCP },
    { "udp", IPPROTO_UDP },
    { "icmpv6", IPPROTO_ICMPV6 },
};

/* Parses 's' as a protocol: "-1" or "all" for all protocols, an IANA
 * protocol number from 0 to 255, or one of the names tcp, udp, icmp and
 * icmpv6 (in any case). */
char *
tm_parse_protocol(const char *s, int *protocol)
{
    int value;

    for (size_t i = 0; i < ARRAY_SIZE(protocol_names); i++) {
        if (!strcasecmp(s, protocol_names[i].name)) {
            *protocol = protocol_names[i].number;
            return NULL;
        }
    }
    if (str_to_int(s, 10, &value) && s[0] != '\0') {
        if (value == -1) {
            *protocol = TM_PROTO_ALL;
            return NULL;
        } else if (value >= 0 && value <= 255) {
            *protocol = value;
            return NULL;
        }
        return xasprintf("protocol %d is out of range (-1 for all, or an "
                         "IANA protocol number from 0 to 255)", value);
    }
    return xasprintf("\"%s\" is not a protocol (expected -1, a number from "
                     "0 to 255, tcp, udp, icmp or icmpv6)", s);
}

bool
tm_parse_direction(const char *s, enum tm_direction *direction)
{
    if (!strcmp(s, "ingress")) {
        *direction = TM_INGRESS;
    } else if (!strcmp(s, "egress")) {
        *direction = TM_EGRESS;
    } else {
        return false;
    }
    return true;
}

bool
tm_parse_rule_action(const char *s, enum tm_rule_action *action)
{
    if (!strcmp(s, "accept")) {
        *action = TM_ACCEPT;
    } else if (!strcmp(s, "reject")) {
        *action = TM_REJECT;
    } else {
        return false;
    }
    return true;
}

/* Returns true if 'addr' (IPv4-mapped for IPv4) lies in 'cidr'.  An IPv4
 * block never contains an IPv6 address and vice versa. */
bool
tm_cidr_contains(const struct tm_cidr *cidr, const struct in6_addr *addr)
{
    if (cidr->ipv4 != IN6_IS_ADDR_V4MAPPED(addr)) {
        return false;
    }

    unsigned int plen = cidr->ipv4 ? cidr->plen + 96 : cidr->plen;
    const uint8_t *a = cidr->addr.s6_addr;
    const uint8_t *b = addr->s6_addr;
    unsigned int bytes = plen / 8;

    if (memcmp(a, b, bytes)) {
        return false;
    }
    if (plen % 8) {
        uint8_t mask = 0xff << (8 - plen % 8);
        return !((a[bytes] ^ b[bytes]) & mask);
    }
    return true;
}

/* Returns true if 'a' and 'b' have an address in common: one contains the
 * other.  Blocks of different families never overlap. */
bool
tm_cidrs_overlap(const struct tm_cidr *a, const struct tm_cidr *b)
{
    return tm_cidr_contains(a, &b->addr) || tm_cidr_contains(b, &a->addr);
}

void
tm_ip_format(const struct in6_addr *addr, struct ds *s)
{
    ipv6_format_mapped(addr, s);
}

void
tm_cidr_format(const struct tm_cidr *cidr, struct ds *s)
{
    ipv6_format_mapped(&cidr->addr, s);
    ds_put_format(s, "/%u", cidr->plen);
}

const char *
tm_direction_to_string(enum tm_direction direction)
{
    return direction == TM_INGRESS ? "ingress" : "egress";
}

const char *
tm_rule_action_to_string(enum tm_rule_action action)
{
    return action == TM_ACCEPT ? "accept" : "reject";
}

void
tm_protocol_format(int protocol, struct ds *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(protocol_names); i++) {
        if (protocol_names[i].number == protocol) {
            ds_put_cstr(s, protocol_names[i].name);
            return;
        }
    }
    ds_put_format(s, "%d", protocol);
}

static void
port_range_format(const struct tm_port_range *range, struct ds *s)
{
    if (range->from == range->to) {
        ds_put_format(s, "%"PRIu16, range->from);
    } else {
        ds_put_format(s, "%"PRIu16"-%"PRIu16, range->from, range->to);
    }
}

/* Appends a one-line description of 'rule' to 's', e.g.
 * "ingress 10 accept tcp 0.0.0.0/0 -> 10.0.0.0/16 dport 80". */
void
tm_rule_format(const struct tm_rule *rule, struct ds *s)
{
    ds_put_format(s, "%s %"PRIu16" %s ",
                  tm_direction_to_string(rule->direction), rule->number,
                  tm_rule_action_to_string(rule->action));
    tm_protocol_format(rule->protocol, s);
    ds_put_char(s, ' ');
    tm_cidr_format(&rule->src, s);
    if (rule->has_src_ports) {
        ds_put_cstr(s, " sport ");
        port_range_format(&rule->src_ports, s);
    }
    ds_put_cstr(s, " -> ");
    tm_cidr_format(&rule->dst, s);
    if (rule->has_dst_ports) {
        ds_put_cstr(s, " dport ");
        port_range_format(&rule->dst_ports, s);
    }
}

/* Families for which the rule in tm_instance_type_is_largest() below
 * ("24xlarge and up") is wrong, with their largest size. */
static const struct {
    const char *family;
    const char *largest;
} small_largest[] = {
    { "c4", "8xlarge" }, { "d2", "8xlarge" }, { "g3", "16xlarge" },
    { "g3s", "xlarge" }, { "h1", "16xlarge" }, { "i3", "16xlarge" },
    { "m4", "16xlarge" }, { "p2", "16xlarge" }, { "p3", "16xlarge" },
    { "r4", "16xlarge" }, { "c5n", "18xlarge" }, { "x1", "32xlarge" },
    { "x1e", "32xlarge" },
};

/* Returns true if 'instance_type' (e.g. "m5.24xlarge") is the largest size
 * of its family, which AWS allows 100 sources per target instead of 10.
 * AWS defines this per family; the families it supports for mirroring
 * before Nitro, and a few common Nitro ones, are listed in a table here and
 * any other family counts as largest from 24xlarge up.  "metal" sizes do
 * not support mirroring and never count. */
bool
tm_instance_type_is_largest(const char *instance_type)
{
    const char *dot;
    int n;

    if (!instance_type || !(dot = strchr(instance_type, '.'))) {
        return false;
    }

    const char *size = dot + 1;
    size_t family_len = dot - instance_type;
    for (size_t i = 0; i < ARRAY_SIZE(small_largest); i++) {
        if (strlen(small_largest[i].family) == family_len
            && !strncmp(instance_type, small_largest[i].family, family_len)) {
            return !strcmp(size, small_largest[i].largest);
        }
    }

    char *end;
    errno = 0;
    n = strtol(size, &end, 10);
    return end != size && !errno && !strcmp(end, "xlarge") && n >= 24;
}

/* Families that cannot be mirror sources: T2, and the previous-generation
 * families of Amazon EC2.  The Xen-based families that the user guide lists
 * as supported (C4, D2, G3, G3s, H1, I3, M4, P2, P3, R4, X1, X1e) are not
 * here. */
static const char *const unsupported_families[] = {
    "t1", "t2", "m1", "m2", "m3", "c1", "c3", "cc1", "cc2", "cg1", "cr1",
    "g2", "hi1", "hs1", "i2", "r3",
};

/* Returns false if a network interface of an instance of 'instance_type'
 * (e.g. "t2.micro") cannot be a mirror source: T2, the previous-generation
 * types, and bare metal sizes (mirroring needs a virtualized instance:
 * Nitro, or one of the Xen-based families the user guide lists).  An
 * unknown or absent type is allowed. */
bool
tm_instance_type_supports_mirroring(const char *instance_type)
{
    const char *dot;

    if (!instance_type || !(dot = strchr(instance_type, '.'))) {
        return true;
    }

    size_t family_len = dot - instance_type;
    for (size_t i = 0; i < ARRAY_SIZE(unsupported_families); i++) {
        if (strlen(unsupported_families[i]) == family_len
            && !strncasecmp(instance_type, unsupported_families[i],
                            family_len)) {
            return false;
        }
    }
    return !strstr(dot + 1, "metal");
}
