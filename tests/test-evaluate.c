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

/* Unit tests of the reference evaluator (shared/semantics.md,
 * "Evaluation") and of the user guide's three worked examples. */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "random.h"
#include "tm-test.h"
#include "tmirror/examples.h"
#include "util.h"

#define M tm_test_model
#define D tm_test_decision

/* A session "tms-1" on eni-src to eni-t with filter "tmf-1", which accepts
 * everything IPv4 in both directions at rule 100. */
static void
setup_accept_all(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 100, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 100, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));
}

static void
assert_never(const char *packet, enum tm_reason reason)
{
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by("eni-src", packet));
    CU_ASSERT_EQUAL(D.reason, reason);
    CU_ASSERT_EQUAL(D.n_steps, 0);
}

/* ---- Packets. ---- */

static void
test_packet_parse(void)
{
    struct tm_packet p;
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error;

    CU_ASSERT_PTR_NULL(tm_packet_parse("ingress tcp 10.0.0.1:1234 > "
                                       "10.0.1.10:80 len 1514", &p));
    CU_ASSERT_EQUAL(p.direction, TM_INGRESS);
    CU_ASSERT_EQUAL(p.eth_type, ETH_TYPE_IP);
    CU_ASSERT_EQUAL(p.ip_proto, 6);
    CU_ASSERT_EQUAL(p.src_port, 1234);
    CU_ASSERT_EQUAL(p.dst_port, 80);
    CU_ASSERT_EQUAL(p.length, 1514);
    tm_packet_format(&p, &s);
    TM_ASSERT_STRING_EQUAL(ds_cstr(&s), "ingress tcp 10.0.0.1:1234 > "
                           "10.0.1.10:80 (1514 bytes)");

    /* What tm_packet_format() prints parses back to the same packet. */
    struct tm_packet q;
    CU_ASSERT_PTR_NULL(tm_packet_parse(ds_cstr(&s), &q));
    CU_ASSERT(!memcmp(&p, &q, sizeof p));

    CU_ASSERT_PTR_NULL(tm_packet_parse("egress udp [2001:db8::1]:53 > "
                                       "[2001:db8::2]:5353 dropped", &p));
    CU_ASSERT_EQUAL(p.eth_type, ETH_TYPE_IPV6);
    CU_ASSERT_EQUAL(p.src_port, 53);
    CU_ASSERT(p.dropped_at_source);
    CU_ASSERT_EQUAL(p.length, 64);
    ds_clear(&s);
    tm_packet_format(&p, &s);
    CU_ASSERT_PTR_NULL(tm_packet_parse(ds_cstr(&s), &q));
    CU_ASSERT(q.dropped_at_source);

    CU_ASSERT_PTR_NULL(tm_packet_parse("ingress arp", &p));
    CU_ASSERT_EQUAL(p.eth_type, ETH_TYPE_ARP);
    CU_ASSERT_PTR_NULL(tm_packet_parse("ingress icmp 10.0.0.1 > 10.0.0.2",
                                       &p));
    CU_ASSERT_PTR_NULL(tm_packet_parse("ingress icmpv6 2001:db8::1 > "
                                       "[2001:db8::2]", &p));
    CU_ASSERT_EQUAL(p.eth_type, ETH_TYPE_IPV6);

    static const char *bad[] = {
        "sideways tcp 1.1.1.1:1 > 2.2.2.2:2",
        "ingress all 1.1.1.1 > 2.2.2.2",
        "ingress tcp 1.1.1.1:1 2.2.2.2:2",
        "ingress tcp 1.1.1.1:1 > [2001:db8::1]:2",
        "ingress tcp 1.1.1.1:99999 > 2.2.2.2:2",
        "ingress tcp 1.1.1.1:x > 2.2.2.2:2",
        "ingress tcp [2001:db8::1]x > [2001:db8::2]:2",
        "ingress tcp 1.1.1.1:1 > 2.2.2.2:2 len 0",
        "ingress tcp 1.1.1.1:1 > 2.2.2.2:2 sideways",
        "ingress",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        error = tm_packet_parse(bad[i], &p);
        CU_ASSERT_PTR_NOT_NULL(error);
        free(error);
    }
    ds_destroy(&s);
}

/* ---- Evaluation 1: never mirrored. ---- */

static void
test_never_arp(void)
{
    setup_accept_all();
    assert_never("ingress arp", TM_REASON_NEVER_ARP);
    assert_never("egress arp", TM_REASON_NEVER_ARP);
}

static void
test_never_dhcp(void)
{
    setup_accept_all();
    assert_never("egress udp 0.0.0.0:68 > 255.255.255.255:67",
                 TM_REASON_NEVER_DHCP);
    assert_never("ingress udp 10.0.0.1:67 > 10.0.1.10:68",
                 TM_REASON_NEVER_DHCP);
    assert_never("egress udp [fe80::1]:546 > [ff02::1:2]:547",
                 TM_REASON_NEVER_DHCP);
    /* Other traffic on those ports is ordinary. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "egress udp 10.0.1.10:68 > 10.0.3.3:80"), "tms-1");
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "egress tcp 10.0.1.10:68 > 10.0.3.3:67"), "tms-1");
}

static void
test_aws_addresses(void)
{
    /* The services' addresses as written in AWS's documentation. */
    static const struct {
        uint32_t ip4;
        uint16_t ip6;
        const char *ip4_s, *ip6_s;
    } services[] = {
        { TM_AWS_METADATA_IPV4, TM_AWS_METADATA_IPV6,
          "169.254.169.254", "fd00:ec2::254" },
        { TM_AWS_NTP_IPV4, TM_AWS_NTP_IPV6,
          "169.254.169.123", "fd00:ec2::123" },
        { TM_AWS_DNS_IPV4, TM_AWS_DNS_IPV6,
          "169.254.169.253", "fd00:ec2::253" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(services); i++) {
        struct in6_addr ip6 = tm_aws_ipv6(services[i].ip6);
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_format(&s, IP_FMT, IP_ARGS(htonl(services[i].ip4)));
        TM_ASSERT_STRING_EQUAL(ds_cstr(&s), services[i].ip4_s);
        ds_clear(&s);
        ipv6_format_addr(&ip6, &s);
        TM_ASSERT_STRING_EQUAL(ds_cstr(&s), services[i].ip6_s);
        ds_destroy(&s);
    }

    /* The VPC's own resolver: its base address plus two. */
    const struct tm_eni *eni = tm_model_find_eni(tm_test_model, "eni-src");
    struct tm_eni unknown = { .has_vpc_cidr = false };

    CU_ASSERT_PTR_NOT_NULL_FATAL(eni);
    CU_ASSERT(eni->has_vpc_cidr);
    CU_ASSERT_EQUAL(tm_vpc_resolver_ipv4(eni),
                    ntohl(in6_addr_get_mapped_ipv4(&eni->vpc_cidr.addr)) + 2);
    CU_ASSERT_EQUAL(tm_vpc_resolver_ipv4(&unknown), TM_AWS_DNS_IPV4);
}

static void
test_never_metadata(void)
{
    setup_accept_all();
    assert_never("egress tcp 10.0.1.10:40000 > 169.254.169.254:80",
                 TM_REASON_NEVER_METADATA);
    assert_never("ingress tcp 169.254.169.254:80 > 10.0.1.10:40000",
                 TM_REASON_NEVER_METADATA);
    assert_never("egress tcp [2001:db8::10]:40000 > [fd00:ec2::254]:80",
                 TM_REASON_NEVER_METADATA);
}

static void
test_never_ntp(void)
{
    setup_accept_all();
    assert_never("egress udp 10.0.1.10:123 > 169.254.169.123:123",
                 TM_REASON_NEVER_NTP);
    assert_never("ingress udp 169.254.169.123:123 > 10.0.1.10:123",
                 TM_REASON_NEVER_NTP);
    /* NTP to another server is mirrored. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "egress udp 10.0.1.10:123 > 203.0.113.1:123"), "tms-1");
}

static void
test_never_windows_activation(void)
{
    setup_accept_all();
    assert_never("egress tcp 10.0.1.10:50000 > 169.254.169.250:1688",
                 TM_REASON_NEVER_WINDOWS_ACTIVATION);
    assert_never("ingress tcp 169.254.169.251:1688 > 10.0.1.10:50000",
                 TM_REASON_NEVER_WINDOWS_ACTIVATION);
    /* Other ports to those addresses are mirrored. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "egress tcp 10.0.1.10:50000 > 169.254.169.250:80"),
        "tms-1");
}

static void
test_dropped_at_source(void)
{
    setup_accept_all();
    assert_never("egress tcp 10.0.1.10:1 > 203.0.113.1:25 dropped",
                 TM_REASON_DROPPED_AT_SOURCE);
    assert_never("ingress tcp 203.0.113.1:1 > 10.0.1.10:22 dropped",
                 TM_REASON_DROPPED_AT_SOURCE);
}

/* ---- Evaluation 2 and 3: sessions and rules in order. ---- */

/* By default nothing is mirrored: no session, or a filter with no rules. */
static void
test_default_nothing(void)
{
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by("eni-src", "ingress tcp "
                                           "1.1.1.1:1 > 10.0.1.10:2"));
    CU_ASSERT_EQUAL(D.reason, TM_REASON_NO_SESSIONS);

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-empty"));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-empty",
                          1));
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by("eni-src", "ingress tcp "
                                           "1.1.1.1:1 > 10.0.1.10:2"));
    CU_ASSERT_EQUAL(D.reason, TM_REASON_NOT_ACCEPTED);
    CU_ASSERT_EQUAL(D.n_steps, 1);
    CU_ASSERT_PTR_NULL(D.steps[0].rule);
}

/* Ingress rules see traffic arriving at the ENI; egress rules traffic
 * leaving it. */
static void
test_direction(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "egress", 1, "accept", "udp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));

    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "egress udp 10.0.1.10:5000 > 10.0.3.3:53"), "tms-1");
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by(
        "eni-src", "ingress udp 10.0.3.3:53 > 10.0.1.10:5000"));
}

/* The first matching rule in ascending rule number decides, whatever the
 * order of creation. */
static void
test_first_match_by_rule_number(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 200, "accept", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 100, "reject", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, "22"));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-1", 1));

    CU_ASSERT_PTR_NULL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 203.0.113.5:40000 > 10.0.1.10:22"));
    CU_ASSERT_EQUAL(D.reason, TM_REASON_NOT_ACCEPTED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(D.steps[0].rule);
    CU_ASSERT_EQUAL(D.steps[0].rule->number, 100);

    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 203.0.113.5:40000 > 10.0.1.10:443"),
        "tms-1");
    CU_ASSERT_EQUAL(D.reason, TM_REASON_MIRRORED_BY_RULE);
    CU_ASSERT_EQUAL(D.rule->number, 200);
}

static bool
rule_matches(const struct tm_rule *rule, const char *packet_s)
{
    struct tm_packet packet;
    char *error = tm_packet_parse(packet_s, &packet);

    CU_ASSERT_PTR_NULL(error);
    free(error);
    return tm_rule_matches(rule, &packet);
}

/* A rule matches on protocol, both CIDRs and both port ranges. */
static void
test_rule_match_fields(void)
{
    struct tm_rule_spec spec = {
        .direction = "egress", .rule_number = 1, .action = "accept",
        .protocol = "udp", .source_cidr = "10.0.1.0/24",
        .destination_cidr = "192.0.2.0/24", .source_port_range = "1000-2000",
        .destination_port_range = "53",
    };
    const struct tm_rule *r;
    struct tm_packet p;

    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_create_rule(M, ACCT_A, "tmf-1", &spec, &r));

#define MATCH(S) rule_matches(r, S)
    CU_ASSERT(MATCH("egress udp 10.0.1.10:1000 > 192.0.2.9:53"));
    CU_ASSERT(MATCH("egress udp 10.0.1.10:2000 > 192.0.2.9:53"));
    CU_ASSERT(!MATCH("egress udp 10.0.1.10:999 > 192.0.2.9:53"));
    CU_ASSERT(!MATCH("egress udp 10.0.1.10:2001 > 192.0.2.9:53"));
    CU_ASSERT(!MATCH("egress udp 10.0.1.10:1500 > 192.0.2.9:54"));
    CU_ASSERT(!MATCH("egress tcp 10.0.1.10:1500 > 192.0.2.9:53"));
    CU_ASSERT(!MATCH("egress udp 10.0.2.10:1500 > 192.0.2.9:53"));
    CU_ASSERT(!MATCH("egress udp 10.0.1.10:1500 > 192.0.3.9:53"));
    CU_ASSERT(!MATCH("egress udp [2001:db8::1]:1500 > [2001:db8::2]:53"));
#undef MATCH

    /* A protocol number other than TCP and UDP. */
    spec.rule_number = 2;
    spec.protocol = "47";
    spec.source_port_range = spec.destination_port_range = NULL;
    spec.source_cidr = spec.destination_cidr = "0.0.0.0/0";
    TM_OK(tm_create_rule(M, ACCT_A, "tmf-1", &spec, &r));
    CU_ASSERT_PTR_NULL(tm_packet_parse("egress 47 10.0.1.10 > 10.9.9.9",
                                       &p));
    CU_ASSERT(tm_rule_matches(r, &p));
    CU_ASSERT_PTR_NULL(tm_packet_parse("egress 50 10.0.1.10 > 10.9.9.9",
                                       &p));
    CU_ASSERT(!tm_rule_matches(r, &p));

    /* IPv6 rules match only IPv6. */
    spec.rule_number = 3;
    spec.protocol = NULL;
    spec.source_cidr = "::/0";
    spec.destination_cidr = "2001:db8::/32";
    TM_OK(tm_create_rule(M, ACCT_A, "tmf-1", &spec, &r));
    CU_ASSERT_PTR_NULL(tm_packet_parse("egress tcp [2001:db8:1::5]:1 > "
                                       "[2001:db8::9]:2", &p));
    CU_ASSERT(tm_rule_matches(r, &p));
    CU_ASSERT_PTR_NULL(tm_packet_parse("egress tcp [2001:db8:1::5]:1 > "
                                       "[2001:db9::9]:2", &p));
    CU_ASSERT(!tm_rule_matches(r, &p));
    CU_ASSERT_PTR_NULL(tm_packet_parse("egress tcp 10.0.0.1:1 > "
                                       "10.0.0.2:2", &p));
    CU_ASSERT(!tm_rule_matches(r, &p));
}

/* Sessions are tried in ascending session number; a reject or no match
 * goes on to the next session; an accept stops: a packet is mirrored at
 * most once, by the first accepting session. */
static void
test_sessions_in_order(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_test_target(ACCT_A, "tmt-2", "nlb-1"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-http"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-http", "ingress", 10, "accept", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, "80"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-no-ssh"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-no-ssh", "ingress", 10, "reject", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, "22"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-no-ssh", "ingress", 20, "accept", "tcp",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_filter(ACCT_A, "tmf-all"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-all", "ingress", 10, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));

    /* Created out of order on purpose. */
    TM_OK(tm_test_session(ACCT_A, "tms-c", "eni-src", "tmt-2", "tmf-all",
                          300));
    TM_OK(tm_test_session(ACCT_A, "tms-a", "eni-src", "tmt-1", "tmf-http",
                          5));
    TM_OK(tm_test_session(ACCT_A, "tms-b", "eni-src", "tmt-2", "tmf-no-ssh",
                          50));

    /* HTTP: the first session accepts; nobody else is tried. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 1.1.1.1:40000 > 10.0.1.10:80"), "tms-a");
    CU_ASSERT_EQUAL(D.n_steps, 1);

    /* Other TCP: no match in the first, accepted by the second. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 1.1.1.1:40000 > 10.0.1.10:443"), "tms-b");
    CU_ASSERT_EQUAL(D.n_steps, 2);
    CU_ASSERT_PTR_NULL(D.steps[0].rule);

    /* SSH: rejected by the second, so on to the third. */
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 1.1.1.1:40000 > 10.0.1.10:22"), "tms-c");
    CU_ASSERT_EQUAL(D.n_steps, 3);
    CU_ASSERT_EQUAL(D.steps[1].rule->action, TM_REJECT);

    /* Renumbering changes the order. */
    struct tm_session_spec change = {
        .session_number = 1, .vni = TM_UNSET, .packet_length = TM_UNSET,
    };
    TM_OK(tm_modify_session(M, ACCT_A, "tms-c", &change, 0));
    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 1.1.1.1:40000 > 10.0.1.10:80"), "tms-c");

    /* The trail prints. */
    struct ds s = DS_EMPTY_INITIALIZER;
    tm_decision_format(&D, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s), "mirrored by session tms-c"));
    ds_destroy(&s);
}

/* Sessions of another ENI are not consulted. */
static void
test_sessions_per_eni(void)
{
    setup_accept_all();
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by(
        "eni-src2", "ingress tcp 1.1.1.1:1 > 10.0.1.11:2"));
    CU_ASSERT_EQUAL(D.reason, TM_REASON_NO_SESSIONS);
}

/* amazon-dns: DNS to and from the VPC resolver (base + 2) and
 * 169.254.169.253, TCP and UDP port 53, in both directions, checked before
 * the rules. */
static void
test_amazon_dns(void)
{
    struct tm_filter_spec spec = {
        .id = "tmf-dns", .network_services = "amazon-dns",
    };

    TM_OK(tm_test_target(ACCT_A, "tmt-1", "eni-t"));
    TM_OK(tm_create_filter(M, ACCT_A, &spec, NULL));
    /* A reject-all rule, to show that the service is checked first. */
    TM_OK(tm_test_rule(ACCT_A, "tmf-dns", "egress", 1, "reject", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_session(ACCT_A, "tms-1", "eni-src", "tmt-1", "tmf-dns",
                          1));

    static const char *dns[] = {
        "egress udp 10.0.1.10:40000 > 10.0.0.2:53",
        "ingress udp 10.0.0.2:53 > 10.0.1.10:40000",
        "egress tcp 10.0.1.10:40000 > 10.0.0.2:53",
        "ingress tcp 10.0.0.2:53 > 10.0.1.10:40000",
        "egress udp 10.0.1.10:40000 > 169.254.169.253:53",
        "ingress udp 169.254.169.253:53 > 10.0.1.10:40000",
        "egress udp [2001:db8::10]:40000 > [fd00:ec2::253]:53",
    };
    for (size_t i = 0; i < ARRAY_SIZE(dns); i++) {
        TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by("eni-src", dns[i]),
                               "tms-1");
        CU_ASSERT_EQUAL(D.reason, TM_REASON_MIRRORED_BY_SERVICE);
        CU_ASSERT_PTR_NULL(D.rule);
    }

    static const char *not_dns[] = {
        "egress udp 10.0.1.10:40000 > 10.0.0.3:53",         /* Not it. */
        "egress udp 10.0.1.10:40000 > 8.8.8.8:53",          /* Public. */
        "egress udp 10.0.1.10:40000 > 10.0.0.2:5353",       /* Port. */
        "egress icmp 10.0.1.10 > 10.0.0.2",                 /* Protocol. */
        "egress udp 10.0.1.10:53 > 10.0.0.2:40000",         /* Backwards. */
    };
    for (size_t i = 0; i < ARRAY_SIZE(not_dns); i++) {
        CU_ASSERT_PTR_NULL(tm_test_mirrored_by("eni-src", not_dns[i]));
    }

    /* The resolver of another VPC is not this one's. */
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by(
        "eni-src", "egress udp 10.0.1.10:40000 > 10.1.0.2:53"));

    /* Without the service, DNS is up to the rules. */
    TM_OK(tm_modify_filter_network_services(M, ACCT_A, "tmf-dns", NULL,
                                            "amazon-dns"));
    CU_ASSERT_PTR_NULL(tm_test_mirrored_by("eni-src", dns[0]));
}

/* ---- Evaluation 4 and 7: VNI, packet length and MTU. ---- */

static void
test_vni_and_length(void)
{
    struct tm_session_spec spec = {
        .id = "tms-1", .network_interface_id = "eni-src",
        .target_id = "tmt-big", .filter_id = "tmf-1", .session_number = 1,
        .vni = 4242, .packet_length = 100,
    };

    TM_OK(tm_test_target(ACCT_A, "tmt-big", "eni-big"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 1, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_create_session(M, ACCT_A, &spec, NULL));

    TM_ASSERT_STRING_EQUAL(tm_test_mirrored_by(
        "eni-src", "ingress tcp 1.1.1.1:1 > 10.0.1.10:2 len 1514"), "tms-1");
    CU_ASSERT_EQUAL(D.vni, 4242);
    CU_ASSERT_EQUAL(D.carried_length, 100);

    /* Shorter than the packet length: whole. */
    tm_test_mirrored_by("eni-src", "ingress tcp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 60");
    CU_ASSERT_EQUAL(D.carried_length, 60);

    /* No packet length: whole, up to what the target's MTU (9001) allows:
     * 9001 - 54 = 8947 bytes. */
    struct tm_session_spec change = {
        .session_number = TM_UNSET, .vni = TM_UNSET,
        .packet_length = TM_UNSET,
    };
    TM_OK(tm_modify_session(M, ACCT_A, "tms-1", &change,
                            TM_REMOVE_PACKET_LENGTH));
    tm_test_mirrored_by("eni-src", "ingress tcp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 8947");
    CU_ASSERT_EQUAL(D.carried_length, 8947);
    tm_test_mirrored_by("eni-src", "ingress tcp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 9014");
    CU_ASSERT_EQUAL(D.carried_length, 8947);
}

/* A copy larger than an ENI target's MTU is truncated: 54 bytes of
 * overhead for an IPv4 target, 74 for an IPv6 one; a load balancer target
 * is not capped. */
static void
test_mtu_truncation(void)
{
    TM_OK(tm_test_target(ACCT_A, "tmt-4", "eni-t"));
    TM_OK(tm_test_target(ACCT_A, "tmt-6", "eni-t6"));
    TM_OK(tm_test_target(ACCT_A, "tmt-nlb", "nlb-1"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_rule(ACCT_A, "tmf-1", "ingress", 1, "accept", "-1",
                       "0.0.0.0/0", "0.0.0.0/0", NULL, NULL));
    TM_OK(tm_test_session(ACCT_A, "tms-4", "eni-src", "tmt-4", "tmf-1", 1));
    TM_OK(tm_test_session(ACCT_A, "tms-6", "eni-src2", "tmt-6", "tmf-1", 1));
    TM_OK(tm_test_session(ACCT_A, "tms-n", "eni-src3", "tmt-nlb", "tmf-1",
                          1));

    tm_test_mirrored_by("eni-src", "ingress udp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 1514");
    CU_ASSERT_EQUAL(D.carried_length, 1500 - 54);
    tm_test_mirrored_by("eni-src", "ingress udp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 1446");
    CU_ASSERT_EQUAL(D.carried_length, 1446);
    tm_test_mirrored_by("eni-src2", "ingress udp 1.1.1.1:1 > 10.0.1.11:2 "
                        "len 1514");
    CU_ASSERT_EQUAL(D.carried_length, 1500 - 74);
    tm_test_mirrored_by("eni-src3", "ingress udp 1.1.1.1:1 > 10.0.1.12:2 "
                        "len 9000");
    CU_ASSERT_EQUAL(D.carried_length, 9000);

    /* A packet length below the MTU cap wins. */
    struct tm_session_spec change = {
        .session_number = TM_UNSET, .vni = TM_UNSET, .packet_length = 128,
    };
    TM_OK(tm_modify_session(M, ACCT_A, "tms-4", &change, 0));
    tm_test_mirrored_by("eni-src", "ingress udp 1.1.1.1:1 > 10.0.1.10:2 "
                        "len 1514");
    CU_ASSERT_EQUAL(D.carried_length, 128);
}

/* tm_check_copy(), the rule that the simulator's check and the flow
 * compiler share: copies carry at least 14 bytes, between addresses of one
 * family. */
static void
test_check_copy(void)
{
    struct tm_eni_spec tiny = {
        .id = "eni-tiny", .owner = ACCT_A, .ip = "2001:db8::80", .mtu = 87,
    };
    struct in6_addr v4, v6;
    const struct tm_session *session;
    struct tm_error *e;

    ovs_assert(ipv6_parse("2001:db8::1", &v6));
    in6_addr_set_mapped_ipv4(&v4, htonl(0x0a00010a));
    TM_OK(tm_model_add_eni(M, &tiny));
    TM_OK(tm_test_target(ACCT_A, "tmt-4", "eni-t"));
    TM_OK(tm_test_target(ACCT_A, "tmt-tiny", "eni-tiny"));
    TM_OK(tm_test_filter(ACCT_A, "tmf-1"));
    TM_OK(tm_test_session(ACCT_A, "tms-4", "eni-src", "tmt-4", "tmf-1", 1));
    TM_OK(tm_test_session(ACCT_A, "tms-tiny", "eni-src2", "tmt-tiny",
                          "tmf-1", 1));

    /* Whole packets to an IPv4 target from an IPv4 source. */
    session = tm_model_find_session(M, "tms-4");
    TM_OK(tm_check_copy(M, session, &v4, &v4));

    /* Two families, either way round. */
    e = tm_check_copy(M, session, &v4, &v6);
    TM_ERR(e, COPY_FAMILY_MISMATCH, "traffic-mirror-target-id");
    e = tm_check_copy(M, session, &v6, &v4);
    TM_ERR(e, COPY_FAMILY_MISMATCH, "traffic-mirror-target-id");

    /* Packet lengths of 1, 13 and 14. */
    struct tm_session_spec change = {
        .session_number = TM_UNSET, .vni = TM_UNSET, .packet_length = 1,
    };
    TM_OK(tm_modify_session(M, ACCT_A, "tms-4", &change, 0));
    TM_ERR(tm_check_copy(M, session, &v4, &v4), COPY_TOO_SHORT,
           "packet-length");
    change.packet_length = 13;
    TM_OK(tm_modify_session(M, ACCT_A, "tms-4", &change, 0));
    TM_ERR(tm_check_copy(M, session, &v4, &v4), COPY_TOO_SHORT,
           "packet-length");
    change.packet_length = 14;
    TM_OK(tm_modify_session(M, ACCT_A, "tms-4", &change, 0));
    TM_OK(tm_check_copy(M, session, &v4, &v4));

    /* An IPv6 target of MTU 87 leaves 13 bytes after 74; 88 leaves 14. */
    session = tm_model_find_session(M, "tms-tiny");
    e = tm_check_copy(M, session, &v6, &v6);
    CU_ASSERT(e && strstr(e->message, "the MTU 87 of target tmt-tiny "
                          "leaves 13 bytes after the 74"));
    TM_ERR(e, COPY_TOO_SHORT, "traffic-mirror-target-id");
}

/* ---- The user guide's worked examples. ---- */

static struct tm_model *example_model;

static const char *
example_decides(const char *packet_s)
{
    struct tm_packet packet;
    char *error = tm_packet_parse(packet_s, &packet);

    CU_ASSERT_PTR_NULL_FATAL(error);
    tm_evaluate(example_model, TM_EXAMPLE_SOURCE, &packet, &D);
    return D.session ? D.session->id : NULL;
}

/* Example 1: inbound TCP to one appliance. */
static void
test_example_inbound_tcp(void)
{
    example_model = tm_example_find("inbound-tcp")->build();

    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress tcp 198.51.100.7:51000 > 10.0.1.10:443"), "tms-tcp");
    CU_ASSERT_STRING_EQUAL(D.session->target->resource, "eni-appliance-a");
    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress tcp 10.0.3.4:1 > 10.0.1.10:22"), "tms-tcp");
    CU_ASSERT_PTR_NULL(example_decides(
        "ingress udp 10.0.3.4:1 > 10.0.1.10:53"));
    CU_ASSERT_PTR_NULL(example_decides(
        "egress tcp 10.0.1.10:51000 > 198.51.100.7:443"));
    tm_model_destroy(example_model);
}

/* Example 2: TCP to appliance A with session 1, UDP to appliance B with
 * session 2. */
static void
test_example_tcp_udp(void)
{
    example_model = tm_example_find("tcp-udp")->build();

    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress tcp 198.51.100.7:51000 > 10.0.1.10:443"), "tms-tcp");
    CU_ASSERT_EQUAL(D.session->number, 1);
    CU_ASSERT_STRING_EQUAL(D.session->target->resource, "eni-appliance-a");
    CU_ASSERT_EQUAL(D.n_steps, 1);

    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress udp 198.51.100.7:500 > 10.0.1.10:500"), "tms-udp");
    CU_ASSERT_EQUAL(D.session->number, 2);
    CU_ASSERT_STRING_EQUAL(D.session->target->resource, "eni-appliance-b");
    CU_ASSERT_EQUAL(D.n_steps, 2);

    CU_ASSERT_PTR_NULL(example_decides(
        "ingress icmp 198.51.100.7 > 10.0.1.10"));
    CU_ASSERT_EQUAL(D.n_steps, 2);
    CU_ASSERT_PTR_NULL(example_decides(
        "egress udp 10.0.1.10:500 > 198.51.100.7:500"));
    tm_model_destroy(example_model);
}

/* Example 3: non-local VPC traffic: reject 10.0.0.0/16 at rule 10, accept
 * all at rule 20, in both directions. */
static void
test_example_non_local(void)
{
    example_model = tm_example_find("non-local")->build();

    TM_ASSERT_STRING_EQUAL(example_decides(
        "egress tcp 10.0.1.10:1 > 203.0.113.9:443"), "tms-f");
    CU_ASSERT_EQUAL(D.rule->number, 20);
    CU_ASSERT_PTR_NULL(example_decides(
        "egress tcp 10.0.1.10:1 > 10.0.200.1:443"));
    CU_ASSERT_EQUAL(D.steps[0].rule->number, 10);
    CU_ASSERT_EQUAL(D.steps[0].rule->action, TM_REJECT);
    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress icmp 198.51.100.1 > 10.0.1.10"), "tms-f");
    CU_ASSERT_EQUAL(D.rule->number, 20);
    CU_ASSERT_PTR_NULL(example_decides(
        "ingress udp 10.0.255.255:9 > 10.0.1.10:9"));
    CU_ASSERT_EQUAL(D.steps[0].rule->number, 10);
    /* 10.1.0.0/16 is outside the VPC: mirrored. */
    TM_ASSERT_STRING_EQUAL(example_decides(
        "ingress udp 10.1.0.1:9 > 10.0.1.10:9"), "tms-f");
    tm_model_destroy(example_model);
}

/* Every packet that the examples list decides as listed (what
 * tm-examples(1) shows). */
static void
test_examples_listed_packets(void)
{
    const struct tm_example *examples;
    size_t n = tm_examples_get(&examples);

    CU_ASSERT_EQUAL(n, 3);
    for (size_t i = 0; i < n; i++) {
        example_model = examples[i].build();
        for (size_t j = 0; j < examples[i].n_packets; j++) {
            TM_ASSERT_STRING_EQUAL(
                example_decides(examples[i].packets[j].packet),
                examples[i].packets[j].session);
        }
        tm_model_destroy(example_model);
    }
}

static CU_TestInfo packet_tests[] = {
    TEST(test_packet_parse),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo evaluate_tests[] = {
    TEST(test_never_arp),
    TEST(test_never_dhcp),
    TEST(test_aws_addresses),
    TEST(test_never_metadata),
    TEST(test_never_ntp),
    TEST(test_never_windows_activation),
    TEST(test_dropped_at_source),
    TEST(test_default_nothing),
    TEST(test_direction),
    TEST(test_first_match_by_rule_number),
    TEST(test_rule_match_fields),
    TEST(test_sessions_in_order),
    TEST(test_sessions_per_eni),
    TEST(test_amazon_dns),
    TEST(test_vni_and_length),
    TEST(test_mtu_truncation),
    TEST(test_check_copy),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo example_tests[] = {
    TEST(test_example_inbound_tcp),
    TEST(test_example_tcp_udp),
    TEST(test_example_non_local),
    TEST(test_examples_listed_packets),
    CU_TEST_INFO_NULL,
};

void
tm_test_add_evaluate_suites(void)
{
    tm_test_add_suite("packets", packet_tests, false);
    tm_test_add_suite("evaluation", evaluate_tests, true);
    tm_test_add_suite("seed-examples", example_tests, false);
}
