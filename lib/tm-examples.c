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

#include "tmirror/examples.h"

#include <string.h>

#include "openvswitch/util.h"
#include "tmirror/model.h"
#include "util.h"

/* Aborts with 'error' printed: the examples are fixed data, so an error
 * here is a bug in the model or in this file. */
static void
check(struct tm_error *error)
{
    if (error) {
        char *s = tm_error_to_string(error);
        ovs_fatal(0, "building an example failed: %s", s);
    }
}

/* The network every example shares: one account, a source instance at
 * 10.0.1.10 in VPC 10.0.0.0/16, and two monitoring appliances. */
static struct tm_model *
base_model(void)
{
    struct tm_model *model = tm_model_create();
    struct tm_eni_spec eni = {
        .owner = TM_EXAMPLE_ACCOUNT,
        .vpc_cidr = TM_EXAMPLE_VPC_CIDR,
        .instance_type = "m5.large",
        .mtu = 9001,
    };

    check(tm_model_add_account(model, TM_EXAMPLE_ACCOUNT, "o-example"));
    eni.id = TM_EXAMPLE_SOURCE;
    eni.ip = "10.0.1.10";
    check(tm_model_add_eni(model, &eni));
    eni.id = "eni-appliance-a";
    eni.ip = "10.0.2.20";
    check(tm_model_add_eni(model, &eni));
    eni.id = "eni-appliance-b";
    eni.ip = "10.0.2.21";
    check(tm_model_add_eni(model, &eni));
    return model;
}

static void
add_target(struct tm_model *model, const char *id, const char *eni)
{
    struct tm_target_spec spec = {
        .id = id,
        .network_interface_id = eni,
        .description = "monitoring appliance",
    };

    check(tm_create_target(model, TM_EXAMPLE_ACCOUNT, &spec, NULL));
}

static void
add_filter(struct tm_model *model, const char *id, const char *description)
{
    struct tm_filter_spec spec = { .id = id, .description = description };

    check(tm_create_filter(model, TM_EXAMPLE_ACCOUNT, &spec, NULL));
}

static void
add_rule(struct tm_model *model, const char *filter, const char *direction,
         int number, const char *action, const char *protocol,
         const char *src, const char *dst, const char *description)
{
    struct tm_rule_spec spec = {
        .direction = direction,
        .rule_number = number,
        .action = action,
        .protocol = protocol,
        .source_cidr = src,
        .destination_cidr = dst,
        .description = description,
    };

    check(tm_create_rule(model, TM_EXAMPLE_ACCOUNT, filter, &spec, NULL));
}

static void
add_session(struct tm_model *model, const char *id, int number,
            const char *target, const char *filter)
{
    struct tm_session_spec spec = {
        .id = id,
        .network_interface_id = TM_EXAMPLE_SOURCE,
        .target_id = target,
        .filter_id = filter,
        .session_number = number,
        .vni = TM_UNSET,
        .packet_length = TM_UNSET,
    };

    check(tm_create_session(model, TM_EXAMPLE_ACCOUNT, &spec, NULL));
}

/* "Mirror inbound TCP traffic to a single monitoring appliance". */
static struct tm_model *
build_inbound_tcp(void)
{
    struct tm_model *model = base_model();

    add_target(model, "tmt-a", "eni-appliance-a");
    add_filter(model, "tmf-1", "Filter 1");
    add_rule(model, "tmf-1", "ingress", 100, "accept", "tcp",
             "0.0.0.0/0", "0.0.0.0/0", "TCP Rule");
    add_session(model, "tms-tcp", 1, "tmt-a", "tmf-1");
    return model;
}

static const struct tm_example_packet inbound_tcp_packets[] = {
    { "inbound HTTPS from the Internet",
      "ingress tcp 198.51.100.7:51000 > 10.0.1.10:443 len 1514", "tms-tcp" },
    { "inbound SSH from the VPC",
      "ingress tcp 10.0.3.4:40000 > 10.0.1.10:22", "tms-tcp" },
    { "inbound DNS answer (UDP)",
      "ingress udp 10.0.0.2:53 > 10.0.1.10:33000", NULL },
    { "outbound HTTPS (the filter has no egress rule)",
      "egress tcp 10.0.1.10:51000 > 198.51.100.7:443", NULL },
    { "inbound TCP over IPv6 (the rule is IPv4 only)",
      "ingress tcp [2001:db8::7]:51000 > [2001:db8:1::10]:443", NULL },
    { "ARP (never mirrored)", "ingress arp", NULL },
};

/* "Mirror inbound TCP and UDP traffic to multiple appliances". */
static struct tm_model *
build_tcp_udp(void)
{
    struct tm_model *model = base_model();

    add_target(model, "tmt-a", "eni-appliance-a");
    add_target(model, "tmt-b", "eni-appliance-b");
    add_filter(model, "tmf-1", "Filter 1");
    add_rule(model, "tmf-1", "ingress", 100, "accept", "tcp",
             "0.0.0.0/0", "0.0.0.0/0", "TCP Rule");
    add_filter(model, "tmf-2", "Filter 2");
    add_rule(model, "tmf-2", "ingress", 100, "accept", "udp",
             "0.0.0.0/0", "0.0.0.0/0", "UDP Rule");
    add_session(model, "tms-tcp", 1, "tmt-a", "tmf-1");
    add_session(model, "tms-udp", 2, "tmt-b", "tmf-2");
    return model;
}

static const struct tm_example_packet tcp_udp_packets[] = {
    { "inbound HTTPS: session 1 to appliance A",
      "ingress tcp 198.51.100.7:51000 > 10.0.1.10:443", "tms-tcp" },
    { "inbound syslog (UDP): session 2 to appliance B",
      "ingress udp 10.0.3.4:514 > 10.0.1.10:514", "tms-udp" },
    { "inbound ping: neither",
      "ingress icmp 10.0.3.4 > 10.0.1.10", NULL },
    { "DHCP offer (never mirrored)",
      "ingress udp 10.0.0.1:67 > 10.0.1.10:68", NULL },
    { "instance metadata answer (never mirrored)",
      "ingress tcp 169.254.169.254:80 > 10.0.1.10:40000", NULL },
};

/* "Mirror non-local VPC traffic". */
static struct tm_model *
build_non_local(void)
{
    struct tm_model *model = base_model();

    add_target(model, "tmt-a", "eni-appliance-a");
    add_filter(model, "tmf-f", "Filter F");
    add_rule(model, "tmf-f", "egress", 10, "reject", "-1",
             "0.0.0.0/0", TM_EXAMPLE_VPC_CIDR,
             "Reject all intra-VPC traffic");
    add_rule(model, "tmf-f", "egress", 20, "accept", "-1",
             "0.0.0.0/0", "0.0.0.0/0", "Accept all outbound traffic");
    add_rule(model, "tmf-f", "ingress", 10, "reject", "-1",
             TM_EXAMPLE_VPC_CIDR, "0.0.0.0/0",
             "Reject all intra-VPC traffic");
    add_rule(model, "tmf-f", "ingress", 20, "accept", "-1",
             "0.0.0.0/0", "0.0.0.0/0", "Accept all inbound traffic");
    add_session(model, "tms-f", 1, "tmt-a", "tmf-f");
    return model;
}

static const struct tm_example_packet non_local_packets[] = {
    { "outbound to the Internet",
      "egress tcp 10.0.1.10:51000 > 203.0.113.9:443", "tms-f" },
    { "outbound within the VPC (rejected by rule 10)",
      "egress tcp 10.0.1.10:51000 > 10.0.3.4:5432", NULL },
    { "inbound from the Internet",
      "ingress udp 198.51.100.7:4500 > 10.0.1.10:4500", "tms-f" },
    { "inbound from the VPC (rejected by rule 10)",
      "ingress icmp 10.0.5.6 > 10.0.1.10", NULL },
    { "outbound NTP to the Amazon Time Sync Service (never mirrored)",
      "egress udp 10.0.1.10:123 > 169.254.169.123:123", NULL },
    { "outbound, dropped by the security group (not mirrored)",
      "egress tcp 10.0.1.10:51000 > 203.0.113.9:25 dropped", NULL },
};

static const struct tm_example examples[] = {
    { "inbound-tcp",
      "Mirror inbound TCP traffic to a single monitoring appliance",
      build_inbound_tcp, inbound_tcp_packets,
      ARRAY_SIZE(inbound_tcp_packets) },
    { "tcp-udp",
      "Mirror inbound TCP and UDP traffic to multiple appliances",
      build_tcp_udp, tcp_udp_packets, ARRAY_SIZE(tcp_udp_packets) },
    { "non-local",
      "Mirror non-local VPC traffic",
      build_non_local, non_local_packets, ARRAY_SIZE(non_local_packets) },
};

/* Stores the examples in '*examplesp' and returns their number. */
size_t
tm_examples_get(const struct tm_example **examplesp)
{
    *examplesp = examples;
    return ARRAY_SIZE(examples);
}

/* Returns the example called 'name', or NULL. */
const struct tm_example *
tm_example_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(examples); i++) {
        if (!strcmp(examples[i].name, name)) {
            return &examples[i];
        }
    }
    return NULL;
}
