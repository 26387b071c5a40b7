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

/* tm-flowgen: the C side of the sandbox tests.  Builds a model (one of the
 * user guide's examples, or a seeded random one), places its source ENIs
 * on a bridge, and prints what the shell tests need: the bridge's ports,
 * the compiled flows, the test bridge's own forwarding for register
 * pipelines, and packets as hex frames, each with the copies that the
 * reference evaluator says the bridge must make. */

#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "dp-packet.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "random.h"
#include "tmirror/compile.h"
#include "tmirror/evaluate.h"
#include "tmirror/examples.h"
#include "tmirror/model.h"
#include "util.h"

#define ACCOUNT "111111111111"
#define PEER_PORT 10            /* The rest of the network. */
#define MAX_SOURCES 3

static const struct eth_addr peer_mac = {
    .ea = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe }
};

static struct tm_compile_options options;
static int n_packets = 1000;
static bool mixed = false;
static unsigned int seed = 1;

/* The model and where its sources live. */
struct world {
    struct tm_model *model;
    struct tm_eni_location enis[MAX_SOURCES];
    char *names[MAX_SOURCES];
    size_t n_enis;
    struct tm_target_address targets[1];
    size_t n_targets;
    const struct tm_example *example;
};

static void
check(struct tm_error *error)
{
    if (error) {
        ovs_fatal(0, "%s", tm_error_to_string(error));
    }
}

static void
place(struct world *w, const char *eni, int ofport)
{
    struct tm_eni_location *loc = &w->enis[w->n_enis];

    loc->eni = eni;
    loc->ofport = u16_to_ofp(ofport);
    loc->mac = (struct eth_addr) { .ea = { 0x02, 0, 0, 0, 0x01, ofport } };
    w->names[w->n_enis] = xasprintf("vif%d", ofport);
    w->n_enis++;
}

static void
add_eni(struct tm_model *model, const char *id, const char *ip,
        int64_t mtu)
{
    struct tm_eni_spec spec = {
        .id = id, .owner = ACCOUNT, .ip = ip, .vpc_cidr = "10.0.0.0/16",
        .instance_type = "m5.large", .mtu = mtu,
    };

    check(tm_model_add_eni(model, &spec));
}

/* A random port range around the ports that random_port() picks. */
static char *
random_port_range(void)
{
    int a = random_range(65536);
    int b = random_range(4) ? a + random_range(65536 - a) : a;

    return xasprintf("%d-%d", a, b);
}

static const char *const v4_pool[] = {
    "10.0.1.11", "10.0.1.12", "10.0.1.13", "10.0.0.2", "10.0.7.9",
    "10.0.200.1", "198.51.100.7", "203.0.113.9", "169.254.169.253",
    "169.254.169.254", "169.254.169.123", "169.254.169.250",
    "169.254.169.251", "192.0.2.1",
};
static const char *const v6_pool[] = {
    "2001:db8::7", "2001:db8:1::10", "2001:db8:1::11", "fd00:ec2::253",
    "fd00:ec2::254", "fd00:ec2::123", "2001:db8:ff::1",
};

static char *
random_cidr(bool ipv4)
{
    static const int v4_plens[] = { 0, 0, 0, 8, 16, 24, 31, 32 };
    static const int v6_plens[] = { 0, 0, 0, 16, 32, 48, 64, 128 };
    struct tm_cidr cidr;
    struct in6_addr mask;
    const char *addr;
    bool dummy;
    char *error;
    int plen;

    if (ipv4) {
        addr = v4_pool[random_range(ARRAY_SIZE(v4_pool))];
        plen = v4_plens[random_range(ARRAY_SIZE(v4_plens))];
    } else {
        addr = v6_pool[random_range(ARRAY_SIZE(v6_pool))];
        plen = v6_plens[random_range(ARRAY_SIZE(v6_plens))];
    }
    error = tm_parse_ip(addr, &cidr.addr, &dummy);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    mask = ipv4 ? ipv6_create_mask(96 + plen) : ipv6_create_mask(plen);
    cidr.addr = ipv6_addr_bitand(&cidr.addr, &mask);
    cidr.plen = plen;
    cidr.ipv4 = ipv4;

    struct ds s = DS_EMPTY_INITIALIZER;
    tm_cidr_format(&cidr, &s);
    return ds_steal_cstr(&s);
}

/* A random model: three source ENIs with one to three sessions each, to
 * network interface targets of various MTUs and to a load balancer, with
 * filters of up to ten random rules. */
static void
build_random(struct world *w)
{
    static const char *const protocols[] = {
        "-1", "6", "17", "1", "58", "47", "6", "17",
    };
    static const char *const sources[] = {
        "eni-s1", "eni-s2", "eni-s3",
    };
    static const int64_t mtus[] = { 1500, 9001, 576 };
    int vni = 100;

    w->model = tm_model_create();
    check(tm_model_add_account(w->model, ACCOUNT, NULL));
    add_eni(w->model, "eni-s1", "10.0.1.11", TM_UNSET);
    add_eni(w->model, "eni-s2", "10.0.1.12", TM_UNSET);
    add_eni(w->model, "eni-s3", "10.0.1.13", TM_UNSET);
    add_eni(w->model, "eni-t1", "10.0.2.20", mtus[random_range(3)]);
    add_eni(w->model, "eni-t2", "10.0.2.21", mtus[random_range(3)]);
    check(tm_model_add_nlb(w->model, "nlb-1", ACCOUNT));

    struct tm_target_spec target = { .id = "tmt-1",
                                     .network_interface_id = "eni-t1" };
    check(tm_create_target(w->model, ACCOUNT, &target, NULL));
    target = (struct tm_target_spec) { .id = "tmt-2",
                                       .network_interface_id = "eni-t2" };
    check(tm_create_target(w->model, ACCOUNT, &target, NULL));
    target = (struct tm_target_spec) { .id = "tmt-3",
                                       .network_load_balancer_arn = "nlb-1" };
    check(tm_create_target(w->model, ACCOUNT, &target, NULL));
    w->targets[0] = (struct tm_target_address) { .target = "tmt-3" };
    in6_addr_set_mapped_ipv4(&w->targets[0].ip, htonl(0x0a00031e));
    w->n_targets = 1;

    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        int n_sessions = 1 + random_range(3);

        place(w, sources[i], i + 1);
        for (int s = 0; s < n_sessions; s++) {
            char *filter_id = xasprintf("tmf-%"PRIuSIZE"-%d", i + 1, s);
            char *session_id = xasprintf("tms-%"PRIuSIZE"-%d", i + 1, s);
            char *target_id = xasprintf("tmt-%d", 1 + random_range(3));
            struct tm_filter_spec filter = {
                .id = filter_id,
                .network_services = random_range(3) ? NULL : "amazon-dns",
            };
            int n_rules = random_range(11);

            check(tm_create_filter(w->model, ACCOUNT, &filter, NULL));
            for (int r = 0; r < n_rules; r++) {
                const char *protocol = protocols[random_range(
                                                 ARRAY_SIZE(protocols))];
                bool ipv4 = random_range(5) != 0;
                bool ports = !strcmp(protocol, "6") || !strcmp(protocol,
                                                               "17");
                char *src = random_cidr(ipv4);
                char *dst = random_cidr(ipv4);
                char *sports = (ports && random_range(2)
                                ? random_port_range() : NULL);
                char *dports = (ports && random_range(2)
                                ? random_port_range() : NULL);
                struct tm_rule_spec rule = {
                    .direction = random_range(2) ? "ingress" : "egress",
                    .rule_number = 1 + random_range(TM_RULE_NUMBER_MAX),
                    .action = random_range(3) ? "accept" : "reject",
                    .protocol = protocol,
                    .source_cidr = src,
                    .destination_cidr = dst,
                    .source_port_range = sports,
                    .destination_port_range = dports,
                };
                struct tm_error *error;

                if (!strcmp(protocol, "1") && !ipv4) {
                    rule.protocol = "58";
                } else if (!strcmp(protocol, "58") && ipv4) {
                    rule.protocol = "1";
                }
                error = tm_create_rule(w->model, ACCOUNT, filter_id, &rule,
                                       NULL);
                if (error && error->code == TM_ERR_DUPLICATE_RULE_NUMBER) {
                    tm_error_destroy(error);
                } else {
                    check(error);
                }
                free(src);
                free(dst);
                free(sports);
                free(dports);
            }

            if (n_rules < TM_MAX_RULES_PER_FILTER && random_range(2)) {
                /* A catch-all at the end, after the random rules. */
                struct tm_rule_spec rule = {
                    .direction = random_range(2) ? "ingress" : "egress",
                    .rule_number = TM_RULE_NUMBER_MAX,
                    .action = random_range(4) ? "accept" : "reject",
                    .source_cidr = random_range(4) ? "0.0.0.0/0" : "::/0",
                };
                rule.destination_cidr = rule.source_cidr;
                struct tm_error *error = tm_create_rule(w->model, ACCOUNT,
                                                        filter_id, &rule,
                                                        NULL);
                if (error && error->code == TM_ERR_DUPLICATE_RULE_NUMBER) {
                    tm_error_destroy(error);
                } else {
                    check(error);
                }
            }

            struct tm_session_spec session = {
                .id = session_id,
                .network_interface_id = sources[i],
                .target_id = target_id,
                .filter_id = filter_id,
                .session_number = 1 + random_range(TM_SESSION_NUMBER_MAX),
                .vni = vni++,
                .packet_length = (random_range(2) ? TM_UNSET
                                  : 14 + random_range(1600)),
            };
            struct tm_error *error = tm_create_session(w->model, ACCOUNT,
                                                       &session, NULL);
            if (error && error->code == TM_ERR_DUPLICATE_SESSION_NUMBER) {
                tm_error_destroy(error);
            } else {
                check(error);
            }
            free(filter_id);
            free(session_id);
            free(target_id);
        }
    }
}

static void
add_rule(struct tm_model *model, const char *filter, const char *direction,
         int number, const char *action, const char *protocol,
         const char *src, const char *dst, const char *sports,
         const char *dports)
{
    struct tm_rule_spec rule = {
        .direction = direction, .rule_number = number, .action = action,
        .protocol = protocol, .source_cidr = src, .destination_cidr = dst,
        .source_port_range = sports, .destination_port_range = dports,
    };

    check(tm_create_rule(model, ACCOUNT, filter, &rule, NULL));
}

static void
add_session(struct tm_model *model, const char *id, const char *eni,
            const char *target, const char *filter, int number, int vni,
            int64_t packet_length)
{
    struct tm_session_spec session = {
        .id = id, .network_interface_id = eni, .target_id = target,
        .filter_id = filter, .session_number = number, .vni = vni,
        .packet_length = packet_length,
    };

    check(tm_create_session(model, ACCOUNT, &session, NULL));
}

/* The fixed cases of Documentation/semantics.rst, "The decision for each
 * packet": eni-s1 (port 1) has session 3 (amazon-dns; ingress: reject TCP
 * to port 22 at rule 10, accept TCP from ports 1000-2000 to 3000-4000 at
 * rule 20; egress: accept UDP at 10) to tmt-1 (MTU 1500), and session 9
 * (ingress: accept all IPv4; egress: accept all IPv6) to tmt-2 (MTU 576);
 * eni-s2 (port 2) has session 1 (egress: reject 10.0.0.0/16, accept all
 * IPv4; 100 bytes) to tmt-1. */
static void
build_evaluation(struct world *w)
{
    struct tm_filter_spec filter = { .id = "tmf-1",
                                     .network_services = "amazon-dns" };

    w->model = tm_model_create();
    check(tm_model_add_account(w->model, ACCOUNT, NULL));
    add_eni(w->model, "eni-s1", "10.0.1.11", TM_UNSET);
    add_eni(w->model, "eni-s2", "10.0.1.12", TM_UNSET);
    add_eni(w->model, "eni-t1", "10.0.2.20", 1500);
    add_eni(w->model, "eni-t2", "10.0.2.21", 576);

    struct tm_target_spec target = { .id = "tmt-1",
                                     .network_interface_id = "eni-t1" };
    check(tm_create_target(w->model, ACCOUNT, &target, NULL));
    target = (struct tm_target_spec) { .id = "tmt-2",
                                       .network_interface_id = "eni-t2" };
    check(tm_create_target(w->model, ACCOUNT, &target, NULL));

    check(tm_create_filter(w->model, ACCOUNT, &filter, NULL));
    add_rule(w->model, "tmf-1", "ingress", 10, "reject", "tcp",
             "0.0.0.0/0", "0.0.0.0/0", NULL, "22");
    add_rule(w->model, "tmf-1", "ingress", 20, "accept", "tcp",
             "0.0.0.0/0", "0.0.0.0/0", "1000-2000", "3000-4000");
    add_rule(w->model, "tmf-1", "egress", 10, "accept", "udp",
             "0.0.0.0/0", "0.0.0.0/0", NULL, NULL);
    filter = (struct tm_filter_spec) { .id = "tmf-2" };
    check(tm_create_filter(w->model, ACCOUNT, &filter, NULL));
    add_rule(w->model, "tmf-2", "ingress", 5, "accept", "-1",
             "0.0.0.0/0", "0.0.0.0/0", NULL, NULL);
    add_rule(w->model, "tmf-2", "egress", 5, "accept", "-1",
             "::/0", "::/0", NULL, NULL);
    filter = (struct tm_filter_spec) { .id = "tmf-3" };
    check(tm_create_filter(w->model, ACCOUNT, &filter, NULL));
    add_rule(w->model, "tmf-3", "egress", 1, "reject", "-1",
             "0.0.0.0/0", "10.0.0.0/16", NULL, NULL);
    add_rule(w->model, "tmf-3", "egress", 2, "accept", "-1",
             "0.0.0.0/0", "0.0.0.0/0", NULL, NULL);

    add_session(w->model, "tms-s1-3", "eni-s1", "tmt-1", "tmf-1", 3, 31,
                TM_UNSET);
    add_session(w->model, "tms-s1-9", "eni-s1", "tmt-2", "tmf-2", 9, 39,
                TM_UNSET);
    add_session(w->model, "tms-s2-1", "eni-s2", "tmt-1", "tmf-3", 1, 21,
                100);
    place(w, "eni-s1", 1);
    place(w, "eni-s2", 2);
}

static void
build_world(struct world *w, const char *name)
{
    memset(w, 0, sizeof *w);
    if (!strcmp(name, "random")) {
        build_random(w);
        return;
    } else if (!strcmp(name, "evaluation")) {
        build_evaluation(w);
        return;
    }
    w->example = tm_example_find(name);
    if (!w->example) {
        ovs_fatal(0, "no model \"%s\" (try \"random\" or an example of "
                  "tm-examples --list)", name);
    }
    w->model = w->example->build();
    place(w, TM_EXAMPLE_SOURCE, 1);
}

static void
destroy_world(struct world *w)
{
    tm_model_destroy(w->model);
    for (size_t i = 0; i < w->n_enis; i++) {
        free(w->names[i]);
    }
}

static void
compile_world(const struct world *w, struct ds *s)
{
    struct tm_compile_input input = {
        .model = w->model,
        .enis = w->enis,
        .n_enis = w->n_enis,
        .targets = w->targets,
        .n_targets = w->n_targets,
    };
    char *error = tm_compile_format(&input, &options, s);

    if (error) {
        ovs_fatal(0, "%s", error);
    }
}

/* ---- Packets. ---- */

/* A packet to inject: the port it arrives on, its frame, and the copies
 * expected, as "vni=V,src=S,dst=D,len=L" sorted, ";"-separated. */
struct test_packet {
    int in_port;
    struct eth_addr dl_dst;
    struct tm_packet packet;
};

static const struct tm_eni_location *
find_loc_by_port(const struct world *w, int port)
{
    for (size_t i = 0; i < w->n_enis; i++) {
        if (ofp_to_u16(w->enis[i].ofport) == port) {
            return &w->enis[i];
        }
    }
    return NULL;
}

static struct eth_addr
port_mac(const struct world *w, int port)
{
    const struct tm_eni_location *loc = find_loc_by_port(w, port);

    return loc ? loc->mac : peer_mac;
}

/* Builds the frame of 'tp' into 'p'. */
static void
compose(const struct world *w, const struct test_packet *tp,
        struct dp_packet *p)
{
    const struct tm_packet *pkt = &tp->packet;
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = port_mac(w, tp->in_port);
    flow.dl_dst = tp->dl_dst;
    flow.dl_type = htons(pkt->eth_type);
    if (pkt->eth_type == ETH_TYPE_ARP) {
        flow.nw_proto = ARP_OP_REQUEST;
        flow.nw_src = htonl(0x0a00010b);
        flow.nw_dst = htonl(0x0a000101);
        flow.arp_sha = flow.dl_src;
    } else if (pkt->eth_type == ETH_TYPE_IP) {
        flow.nw_src = in6_addr_get_mapped_ipv4(&pkt->src);
        flow.nw_dst = in6_addr_get_mapped_ipv4(&pkt->dst);
    } else {
        flow.ipv6_src = pkt->src;
        flow.ipv6_dst = pkt->dst;
    }
    if (pkt->eth_type != ETH_TYPE_ARP) {
        flow.nw_ttl = 64;
        flow.nw_proto = pkt->ip_proto;
        if (pkt->ip_proto == IPPROTO_TCP || pkt->ip_proto == IPPROTO_UDP) {
            flow.tp_src = htons(pkt->src_port);
            flow.tp_dst = htons(pkt->dst_port);
        } else if (pkt->ip_proto == IPPROTO_ICMP) {
            flow.tp_src = htons(ICMP4_ECHO_REQUEST);
        } else if (pkt->ip_proto == IPPROTO_ICMPV6) {
            flow.tp_src = htons(ICMP6_ECHO_REQUEST);
        }
    }
    dp_packet_clear(p);
    flow_compose(p, &flow, NULL, 0);
    if (dp_packet_size(p) < pkt->length) {
        packet_expand(p, &flow, pkt->length);
    }
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

/* Appends to 's' the copies that the evaluator says 'tp' must cause. */
static void
expected_copies(const struct world *w, const struct test_packet *tp,
                struct ds *s)
{
    char *copies[MAX_SOURCES + 1];
    size_t n = 0;

    for (size_t i = 0; i < w->n_enis; i++) {
        const struct tm_eni_location *loc = &w->enis[i];
        int port = ofp_to_u16(loc->ofport);
        struct tm_packet packet = tp->packet;
        struct tm_decision d;

        if (port == tp->in_port) {
            packet.direction = TM_EGRESS;
        } else if (eth_addr_equals(tp->dl_dst, loc->mac)
                   || eth_addr_is_multicast(tp->dl_dst)) {
            packet.direction = TM_INGRESS;
        } else {
            continue;
        }
        tm_evaluate(w->model, loc->eni, &packet, &d);
        if (d.session) {
            const struct tm_eni *eni = tm_model_find_eni(w->model,
                                                         loc->eni);
            const struct tm_eni *target = tm_model_find_eni(
                w->model, d.session->target->resource);
            struct ds copy = DS_EMPTY_INITIALIZER;

            ds_put_format(&copy, "vni=%"PRIu32",src=", d.vni);
            tm_ip_format(&eni->ip, &copy);
            ds_put_cstr(&copy, ",dst=");
            if (d.session->target->type == TM_TARGET_ENI) {
                tm_ip_format(&target->ip, &copy);
            } else {
                tm_ip_format(&w->targets[0].ip, &copy);
            }
            ds_put_format(&copy, ",len=%"PRIu32, d.carried_length);
            copies[n++] = ds_steal_cstr(&copy);
        }
    }
    if (!n) {
        ds_put_cstr(s, "none");
        return;
    }
    qsort(copies, n, sizeof *copies, compare_strings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%s", i ? ";" : "", copies[i]);
        free(copies[i]);
    }
}

static void
print_packet(const struct world *w, const struct test_packet *tp,
             const char *what)
{
    struct dp_packet *p = dp_packet_new(0);
    struct ds s = DS_EMPTY_INITIALIZER;
    const uint8_t *data;

    compose(w, tp, p);
    ds_put_format(&s, "%d ", tp->in_port);
    data = dp_packet_data(p);
    for (size_t i = 0; i < dp_packet_size(p); i++) {
        ds_put_format(&s, "%02x", data[i]);
    }
    ds_put_char(&s, ' ');

    /* The evaluator sees the frame as it is sent. */
    struct test_packet sent = *tp;
    sent.packet.length = dp_packet_size(p);
    expected_copies(w, &sent, &s);
    ds_put_format(&s, " %s", what);
    puts(ds_cstr(&s));
    ds_destroy(&s);
    dp_packet_delete(p);
}

/* The examples' packets, at the source ENI on port 1. */
static void
print_example_packets(const struct world *w)
{
    const struct tm_example *ex = w->example;

    for (size_t i = 0; i < ex->n_packets; i++) {
        struct test_packet tp;
        char *error = tm_packet_parse(ex->packets[i].packet, &tp.packet);

        if (error) {
            ovs_fatal(0, "%s", error);
        }
        if (tp.packet.dropped_at_source) {
            /* The bridge has no security groups: the packet never reaches
             * it in the first place. */
            continue;
        }
        if (tp.packet.direction == TM_EGRESS) {
            tp.in_port = 1;
            tp.dl_dst = peer_mac;
        } else {
            tp.in_port = PEER_PORT;
            tp.dl_dst = w->enis[0].mac;
        }
        print_packet(w, &tp, ex->packets[i].what);
    }
}

/* The fixed cases' packets: "PORT>" is sent by the ENI on PORT to the
 * network, ">PORT" sent to it from the network, "PORT>*" a broadcast from
 * it. */
static const struct {
    const char *where;
    const char *packet;
    const char *what;
} evaluation_packets[] = {
    { ">1", "ingress arp", "ARP: never mirrored" },
    { ">1", "ingress udp 10.0.0.1:67 > 10.0.1.11:68",
      "DHCP: never mirrored" },
    { "1>", "egress udp [fe80::1]:546 > [ff02::1:2]:547",
      "DHCPv6: never mirrored (choice)" },
    { "1>", "egress tcp 10.0.1.11:40000 > 169.254.169.254:80",
      "metadata service: never mirrored" },
    { "1>", "egress udp 10.0.1.11:123 > 169.254.169.123:123",
      "Amazon Time Sync: never mirrored" },
    { "1>", "egress tcp 10.0.1.11:50000 > 169.254.169.250:1688",
      "Windows activation: never mirrored" },
    { ">1", "ingress tcp 10.0.0.2:53 > 10.0.1.11:22",
      "DNS from the resolver: amazon-dns accepts before rule 10 rejects" },
    { "1>", "egress tcp 10.0.1.11:5353 > 169.254.169.253:53 len 900",
      "DNS to 169.254.169.253: amazon-dns (session 3, all 900 bytes)" },
    { ">1", "ingress tcp 192.0.2.1:1500 > 10.0.1.11:22",
      "SSH: session 3 rejects at rule 10, session 9 accepts" },
    { ">1", "ingress tcp 192.0.2.1:1500 > 10.0.1.11:3500 len 1514",
      "both ranges match: session 3 accepts (MTU 1500: 1460 bytes)" },
    { ">1", "ingress tcp 192.0.2.1:999 > 10.0.1.11:3500 len 1514",
      "source port out of range: no match in session 3; session 9, "
      "capped by the MTU of 576 to 536 bytes" },
    { ">1", "ingress icmp 192.0.2.1 > 10.0.1.11",
      "ICMP: no rule of session 3; session 9 accepts" },
    { "1>", "egress tcp [2001:db8::11]:1 > [2001:db8::7]:2 len 400",
      "IPv6 egress: session 9, all 400 bytes" },
    { "1>", "egress tcp 10.0.1.11:1 > 192.0.2.1:2",
      "IPv4 TCP egress: no session accepts" },
    { "2>", "egress tcp 10.0.1.12:1 > 10.0.3.3:2",
      "eni-s2, within the VPC: rejected at rule 1" },
    { "2>", "egress tcp 10.0.1.12:1 > 192.0.2.1:2 len 300",
      "eni-s2, to the Internet: accepted at rule 2, packet length 100" },
    { "2>1", "egress udp 10.0.1.12:7 > 10.0.1.11:7",
      "eni-s2 to eni-s1: egress of s2 (rejected) and ingress of s1" },
    { "2>*", "egress udp 10.0.1.12:7 > 255.255.255.255:7",
      "broadcast from eni-s2: its egress and eni-s1's ingress" },
    { "1>*", "egress udp 10.0.1.11:7 > 255.255.255.255:7",
      "broadcast from eni-s1: its egress only (s2 has no ingress rule)" },
    { ">1", "ingress 47 192.0.2.1 > 10.0.1.11",
      "GRE: session 9 accepts" },
};

static void
print_evaluation_packets(const struct world *w)
{
    for (size_t i = 0; i < ARRAY_SIZE(evaluation_packets); i++) {
        const char *where = evaluation_packets[i].where;
        const char *arrow = strchr(where, '>');
        struct test_packet tp;
        char *error;

        error = tm_packet_parse(evaluation_packets[i].packet, &tp.packet);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
        tp.in_port = arrow == where ? PEER_PORT : atoi(where);
        if (arrow[1] == '*') {
            tp.dl_dst = eth_addr_broadcast;
        } else if (arrow[1]) {
            tp.dl_dst = find_loc_by_port(w, atoi(arrow + 1))->mac;
        } else {
            tp.dl_dst = peer_mac;
        }
        print_packet(w, &tp, evaluation_packets[i].what);
    }
}

static void
random_addr(bool ipv4, struct in6_addr *addr)
{
    const char *s;
    bool dummy;
    char *error;

    if (ipv4) {
        s = v4_pool[random_range(ARRAY_SIZE(v4_pool))];
    } else {
        s = v6_pool[random_range(ARRAY_SIZE(v6_pool))];
    }
    error = tm_parse_ip(s, addr, &dummy);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    if (ipv4 && random_range(2)) {
        /* Elsewhere in the same /24, to exercise prefixes. */
        addr->s6_addr[15] = random_uint8();
    }
}

static uint16_t
random_port(void)
{
    static const uint16_t special[] = { 53, 67, 68, 546, 547, 1688, 80,
                                        443, 0, 65535 };

    return (random_range(3) ? random_range(65536)
            : special[random_range(ARRAY_SIZE(special))]);
}

static void
print_random_packets(const struct world *w)
{
    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_TCP,
                                      IPPROTO_UDP, IPPROTO_ICMP, 47, 50 };

    for (int i = 0; i < n_packets; i++) {
        struct test_packet tp;
        struct tm_packet *pkt = &tp.packet;
        int kind = random_range(10);

        memset(&tp, 0, sizeof tp);

        /* Where from and to. */
        if (kind < 4) {
            /* From a source to the network (egress). */
            tp.in_port = 1 + random_range(w->n_enis);
            tp.dl_dst = peer_mac;
        } else if (kind < 8) {
            /* From the network to a source (ingress). */
            tp.in_port = PEER_PORT;
            tp.dl_dst = w->enis[random_range(w->n_enis)].mac;
        } else if (kind < 9) {
            /* From one source to another (egress and ingress). */
            tp.in_port = 1 + random_range(w->n_enis);
            tp.dl_dst = w->enis[random_range(w->n_enis)].mac;
        } else {
            /* Broadcast, from anywhere, to every other port. */
            tp.in_port = (random_range(2) ? PEER_PORT
                          : 1 + random_range(w->n_enis));
            tp.dl_dst = eth_addr_broadcast;
        }

        /* What. */
        pkt->length = 14 + random_range(1501);
        if (random_range(20) == 0) {
            pkt->eth_type = ETH_TYPE_ARP;
        } else {
            bool ipv4 = random_range(5) != 0;

            pkt->eth_type = ipv4 ? ETH_TYPE_IP : ETH_TYPE_IPV6;
            pkt->ip_proto = protos[random_range(ARRAY_SIZE(protos))];
            if (pkt->ip_proto == IPPROTO_ICMP && !ipv4) {
                pkt->ip_proto = IPPROTO_ICMPV6;
            }
            random_addr(ipv4, &pkt->src);
            random_addr(ipv4, &pkt->dst);
            if (pkt->ip_proto == IPPROTO_TCP
                || pkt->ip_proto == IPPROTO_UDP) {
                pkt->src_port = random_port();
                pkt->dst_port = random_port();
            }
            if (random_range(8) == 0) {
                /* A DNS query to, or answer from, an Amazon resolver. */
                static const char *const resolvers[] = {
                    "10.0.0.2", "169.254.169.253", "fd00:ec2::253",
                };
                const char *resolver = resolvers[ipv4 ? random_range(2)
                                                 : 2];
                bool query = random_range(2);
                bool dummy;
                char *error;

                pkt->ip_proto = random_range(2) ? IPPROTO_UDP : IPPROTO_TCP;
                error = tm_parse_ip(resolver, query ? &pkt->dst : &pkt->src,
                                    &dummy);
                if (error) {
                    ovs_fatal(0, "%s", error);
                }
                pkt->src_port = query ? random_port() : 53;
                pkt->dst_port = query ? 53 : random_port();
            }
        }

        struct ds what = DS_EMPTY_INITIALIZER;
        tm_packet_format(pkt, &what);
        print_packet(w, &tp, ds_cstr(&what));
        ds_destroy(&what);
    }
}

/* The test bridge's forwarding for register pipelines: table 0 hands each
 * packet to ovs-tmirror's egress stage once and then to table 1, which
 * delivers by destination MAC through the output stage, a broadcast or
 * multicast to every port. */
static void
print_forwarding(const struct world *w)
{
    int base = options.table_base;
    int out = base + TM_TABLE_OUTPUT;
    int reg = options.output_reg;
    struct ds all = DS_EMPTY_INITIALIZER;

    printf("table=0, priority=0 actions=resubmit(,%d),resubmit(,1)\n",
           base + TM_TABLE_EGRESS);
    for (size_t i = 0; i <= w->n_enis; i++) {
        int port = i < w->n_enis ? ofp_to_u16(w->enis[i].ofport) : PEER_PORT;
        struct eth_addr mac = port_mac(w, port);

        printf("table=1, priority=10, dl_dst="ETH_ADDR_FMT" "
               "actions=load:%d->NXM_NX_REG%d[],resubmit(,%d)\n",
               ETH_ADDR_ARGS(mac), port, reg, out);
        ds_put_format(&all, "%sload:%d->NXM_NX_REG%d[],resubmit(,%d)",
                      i ? "," : "", port, reg, out);
    }
    printf("table=1, priority=5, dl_dst=01:00:00:00:00:00/01:00:00:00:00:00"
           " actions=%s\n", ds_cstr(&all));
    ds_destroy(&all);
}

static void
print_ports(const struct world *w)
{
    for (size_t i = 0; i < w->n_enis; i++) {
        const struct tm_eni *eni = tm_model_find_eni(w->model,
                                                     w->enis[i].eni);
        struct ds ip = DS_EMPTY_INITIALIZER;

        tm_ip_format(&eni->ip, &ip);
        printf("%s %"PRIu16" "ETH_ADDR_FMT" %s %s\n", w->names[i],
               ofp_to_u16(w->enis[i].ofport), ETH_ADDR_ARGS(w->enis[i].mac),
               ds_cstr(&ip), w->enis[i].eni);
        ds_destroy(&ip);
    }
    printf("peer %d "ETH_ADDR_FMT" - -\n", PEER_PORT,
           ETH_ADDR_ARGS(peer_mac));
}

static void usage(void) OVS_NO_RETURN;

static void
usage(void)
{
    printf("%s: models, flows and packets for the sandbox tests\n"
           "usage: %s [OPTIONS] COMMAND MODEL\n"
           "\n"
           "MODEL is an example of tm-examples(1) (inbound-tcp, tcp-udp,\n"
           "non-local), \"evaluation\" (a fixed case for each rule of\n"
           "evaluation) or \"random\" (seeded).  COMMAND is one of:\n"
           "  ports       the bridge's ports: NAME OFPORT MAC IP ENI\n"
           "  flows       the compiled flows (ovs-ofctl add-flows)\n"
           "  forwarding  the test bridge's own flows (register pipeline)\n"
           "  packets     IN_PORT HEX EXPECTED-COPIES DESCRIPTION, one a "
           "line\n"
           "\n"
           "Options:\n"
           "  --seed=N             seed of the random model and packets\n"
           "  --packets=N          random packets (default %d)\n"
           "  --mixed              random packets for an example too, "
           "not its own\n"
           "  --pipeline=normal|register\n"
           "  --backend=native|vxlan-mirror\n"
           "                       how the copies are made (the "
           "vxlan_mirror copies go\n"
           "                       to the peer's MAC, the router)\n"
           "  --tunnel-port=N      OpenFlow port of the VXLAN port\n"
           "  -h, --help           display this help message\n",
           program_name, program_name, n_packets);
    exit(EXIT_SUCCESS);
}

static int
parse_int_option(const char *name, const char *s, int min, int max)
{
    int value;

    if (!str_to_int(s, 10, &value) || value < min || value > max) {
        ovs_fatal(0, "--%s: \"%s\" is not a number from %d to %d", name, s,
                  min, max);
    }
    return value;
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"seed", required_argument, NULL, 's'},
        {"packets", required_argument, NULL, 'n'},
        {"mixed", no_argument, NULL, 'm'},
        {"pipeline", required_argument, NULL, 'p'},
        {"tunnel-port", required_argument, NULL, 't'},
        {"backend", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    set_program_name(argv[0]);
    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(100);
    options.router_mac = peer_mac;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 's':
            seed = parse_int_option("seed", optarg, 0, INT_MAX);
            break;
        case 'n':
            n_packets = parse_int_option("packets", optarg, 0, 1000000);
            break;
        case 'm':
            mixed = true;
            break;
        case 'p':
            if (!strcmp(optarg, "normal")) {
                options.pipeline = TM_PIPELINE_NORMAL;
            } else if (!strcmp(optarg, "register")) {
                options.pipeline = TM_PIPELINE_REGISTER;
            } else {
                ovs_fatal(0, "--pipeline: \"%s\" is neither normal nor "
                          "register", optarg);
            }
            break;
        case 'b':
            options.backend = tm_backend_find(optarg);
            if (!options.backend) {
                ovs_fatal(0, "--backend: \"%s\" is neither native nor "
                          "vxlan-mirror", optarg);
            }
            break;
        case 't':
            options.tunnel_port = u16_to_ofp(
                parse_int_option("tunnel-port", optarg, 1, 0xfeff));
            break;
        case 'h':
            usage();
        case '?':
            exit(2);
        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);
    if (argc - optind != 2) {
        ovs_fatal(0, "expected COMMAND MODEL (use --help for help)");
    }

    const char *command = argv[optind];
    struct world w;
    random_set_seed(seed);
    build_world(&w, argv[optind + 1]);
    if (!strcmp(command, "flows")) {
        struct ds s = DS_EMPTY_INITIALIZER;

        compile_world(&w, &s);
        fputs(ds_cstr(&s), stdout);
        ds_destroy(&s);
    } else if (!strcmp(command, "ports")) {
        print_ports(&w);
    } else if (!strcmp(command, "forwarding")) {
        print_forwarding(&w);
    } else if (!strcmp(command, "packets")) {
        if (w.example && !mixed) {
            print_example_packets(&w);
        } else if (!strcmp(argv[optind + 1], "evaluation")) {
            print_evaluation_packets(&w);
        } else {
            print_random_packets(&w);
        }
    } else {
        ovs_fatal(0, "unknown command \"%s\"", command);
    }
    destroy_world(&w);
    return 0;
}
