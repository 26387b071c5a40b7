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


/* The topology loader.
 *
 * A file is parsed with libxml2, validated against the RelaxNG schema
 * (topologies/topology.rng, compiled into the program) and read in four
 * passes over the tree:
 *
 *   1. declare: every object with an id is created, empty, and its id
 *      checked to be unique;
 *   2. resolve: attributes are parsed and references turned into pointers;
 *   3. cross-check: rules that involve several objects (a participant's
 *      interface must be in a subnet shared with it, peered VPCs must not
 *      overlap, ...);
 *   4. the inventory and the traffic mirror objects go into the mirroring
 *      model, whose refusals are kept with the objects for the check.
 *
 * The validation runs on a second thread while the caller's thread reads
 * the tree, and its verdict comes first (see load_doc()).
 *
 * The first problem ends the load with an error naming the file and line;
 * nothing of a topology that failed to load is returned. */

#include <config.h>

#include "tmirror/topology.h"

#include <errno.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/util.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "packets.h"
#include "svec.h"
#include "topology-xml.h"
#include "util.h"

/* The RelaxNG validation of a document, run on a thread of its own while
 * the loader reads the same document (see load_doc()). */
struct validation {
    const char *file_name;
    xmlDocPtr doc;
    char *error;                /* Its result, once joined. */
    atomic_bool failed;         /* Set as soon as 'error' is known. */
};

/* An id of the document and its element, in struct loader's 'ids'. */
struct id_entry {
    struct hmap_node hmap_node; /* Hashed on 'id', as hash_string(). */
    const char *id;             /* The attribute's value, in the tree. */
    const xmlNode *node;
};

/* Room for this many more 'struct id_entry's at a time. */
#define ID_ENTRIES_PER_BLOCK 4096

struct loader {
    struct sim_topology *topo;
    const char *file_name;
    size_t n_elements;          /* Elements in the document. */

    /* Every id -> its xmlNode.  There is one for most elements: the map
     * is sized for all of them up front, and its entries, which point
     * into the tree instead of copying the ids, come in blocks. */
    struct hmap ids;
    struct id_entry **blocks;
    size_t n_blocks, allocated_blocks;
    size_t block_used;          /* Entries used in the last block. */

    /* The xmlNodes of the traffic mirror filters and sessions, in the
     * order of the topology's arrays, for pass 4. */
    struct node_list filter_nodes;
    struct node_list session_nodes;

    /* The <port> of each network interface placed on a hypervisor. */
    struct shash placed;        /* ENI id -> its <port> xmlNode. */

    /* The validation running beside the loader, or NULL. */
    struct validation *validation;
};

/* ---- Small helpers. ---- */

/* Returns the element whose id is 'id', or NULL if there is none. */
static const xmlNode *
find_id(const struct loader *l, const char *id)
{
    const struct id_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, hmap_node, hash_string(id, 0), &l->ids) {
        if (!strcmp(e->id, id)) {
            return e->node;
        }
    }
    return NULL;
}

/* Records that 'node' has id 'id', a string that lasts as long as the
 * tree, and returns NULL; or returns the element that already has it. */
static const xmlNode *
add_id(struct loader *l, const char *id, const xmlNode *node)
{
    const xmlNode *other = find_id(l, id);

    if (other) {
        return other;
    }
    if (!l->n_blocks || l->block_used >= ID_ENTRIES_PER_BLOCK) {
        if (l->n_blocks >= l->allocated_blocks) {
            l->blocks = x2nrealloc(l->blocks, &l->allocated_blocks,
                                   sizeof *l->blocks);
        }
        l->blocks[l->n_blocks++] = xmalloc(ID_ENTRIES_PER_BLOCK
                                           * sizeof **l->blocks);
        l->block_used = 0;
    }

    struct id_entry *e = &l->blocks[l->n_blocks - 1][l->block_used++];
    e->id = id;
    e->node = node;
    hmap_insert(&l->ids, &e->hmap_node, hash_string(id, 0));
    return NULL;
}

/* Whether the loader, running beside the validation of its document, may
 * stop: the document does not match the schema, so whatever the loader
 * finds will be discarded. */
static char *
check_abandoned(const struct loader *l)
{
    bool failed;

    if (!l->validation) {
        return NULL;
    }
    atomic_read_relaxed(&l->validation->failed, &failed);
    return failed ? xstrdup("abandoned: not valid") : NULL;
}

static char * OVS_PRINTF_FORMAT(3, 4)
error_at(const struct loader *l, int line, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&s, "%s:%d: ", l->file_name, line);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    return ds_steal_cstr(&s);
}

#define ERROR_AT_NODE(L, NODE, ...) error_at(L, line_of(NODE), __VA_ARGS__)

/* Returns NULL if 'msg' is NULL; otherwise frees 'msg', an error of the
 * parser of attribute 'name' of 'node', and returns it with the file, the
 * line, the element and the attribute before it. */
static char *
attr_error(const struct loader *l, const xmlNode *node, const char *name,
           char *msg)
{
    char *error = NULL;

    if (msg) {
        error = ERROR_AT_NODE(l, node, "%s %s: %s",
                              (const char *) node->name, name, msg);
        free(msg);
    }
    return error;
}

/* Returns the value of attribute 'name' of 'node', one that the schema
 * requires, or "" if 'node' lacks it.  The loader reads a document while
 * it is being validated (see load_doc()): on one that the validation will
 * refuse, it must not trip over what the schema would have required. */
static const char *
required(const xmlNode *node, const char *name)
{
    const char *value = attr(node, name);
    return value ? value : "";
}

static char *
parse_cidr_attr(const struct loader *l, const xmlNode *node,
                const char *name, struct tm_cidr *cidr)
{
    return attr_error(l, node, name,
                      tm_parse_cidr(required(node, name), cidr));
}

/* Checks that 'cidr', attribute 'name' of 'node', is a block that AWS
 * allows for a VPC or, if 'subnet', a subnet (see SIM_IPV4_BLOCK_PLEN_MIN
 * and the others). */
static char *
check_block(const struct loader *l, const xmlNode *node, const char *name,
            const struct tm_cidr *cidr, bool subnet)
{
    const char *what = subnet ? "a subnet" : "a VPC";

    if (cidr->ipv4) {
        if (cidr->plen < SIM_IPV4_BLOCK_PLEN_MIN
            || cidr->plen > SIM_IPV4_BLOCK_PLEN_MAX) {
            return ERROR_AT_NODE(l, node, "%s %s: %s is a /%u, but an IPv4 "
                                 "block of %s is /%d to /%d",
                                 (const char *) node->name, name,
                                 attr(node, name), cidr->plen, what,
                                 SIM_IPV4_BLOCK_PLEN_MIN,
                                 SIM_IPV4_BLOCK_PLEN_MAX);
        }
        return NULL;
    }

    unsigned int max = (subnet ? SIM_IPV6_SUBNET_PLEN_MAX
                        : SIM_IPV6_VPC_PLEN_MAX);
    if (cidr->plen < SIM_IPV6_BLOCK_PLEN_MIN || cidr->plen > max
        || cidr->plen % 4) {
        return ERROR_AT_NODE(l, node, "%s %s: %s is a /%u, but an IPv6 "
                             "block of %s is /%d to /%u, by steps of 4",
                             (const char *) node->name, name,
                             attr(node, name), cidr->plen, what,
                             SIM_IPV6_BLOCK_PLEN_MIN, max);
    }

    uint8_t first = cidr->addr.s6_addr[0];
    if ((first & 0xe0) != 0x20 && (first & 0xfe) != 0xfc) {
        return ERROR_AT_NODE(l, node, "%s %s: %s is not a global unicast "
                             "(2000::/3) or unique local (fc00::/7) block, "
                             "as an IPv6 block of %s is",
                             (const char *) node->name, name,
                             attr(node, name), what);
    }
    return NULL;
}

/* Splits 's', a list attribute's value, into 'words' at XML white space,
 * as RelaxNG splits a <list> (svec_parse_words() would also read quotes
 * and backslashes, which the schema never lets into a list). */
static void
split_list(struct svec *words, const char *s)
{
    char *copy = xstrdup(s ? s : "");
    char *save_ptr = NULL;

    for (char *word = strtok_r(copy, " \t\r\n", &save_ptr); word;
         word = strtok_r(NULL, " \t\r\n", &save_ptr)) {
        svec_add(words, word);
    }
    free(copy);
}

static char *
parse_ip_attr(const struct loader *l, const xmlNode *node, const char *name,
              struct in6_addr *ip)
{
    bool ipv4;

    return attr_error(l, node, name,
                      tm_parse_ip(required(node, name), ip, &ipv4));
}

/* Parses the MAC address in attribute 'name' of 'node', which must be a
 * unicast one, into '*mac' if 'node' has it; otherwise leaves '*mac' as it
 * is. */
static char *
parse_mac_attr(const struct loader *l, const xmlNode *node, const char *name,
               struct eth_addr *mac)
{
    const char *s = attr(node, name);

    if (s && (!eth_addr_from_string(s, mac) || eth_addr_is_zero(*mac)
              || eth_addr_is_multicast(*mac))) {
        return ERROR_AT_NODE(l, node, "%s %s: \"%s\" is not a unicast MAC "
                             "address", (const char *) node->name, name, s);
    }
    return NULL;
}

/* Parses the integer attribute 'name' (which the schema has checked is an
 * integer) into '*value' if 'node' has it; otherwise leaves '*value' as it
 * is. */
static char *
parse_int_attr(const struct loader *l, const xmlNode *node, const char *name,
               int64_t *value)
{
    const char *s = attr(node, name);
    long long int x;

    if (!s) {
        return NULL;
    }
    errno = 0;
    if (!str_to_llong(s, 10, &x)) {
        return ERROR_AT_NODE(l, node, "%s %s: \"%s\" is not an integer "
                             "(or is too large)", (const char *) node->name,
                             name, s);
    }
    *value = x;
    return NULL;
}

static char *
parse_protocol_attr(const struct loader *l, const xmlNode *node,
                    int *protocol)
{
    return attr_error(l, node, "protocol",
                      tm_parse_protocol(required(node, "protocol"), protocol));
}

/* Parses the "from-port" and "to-port" attributes of 'node', which come
 * both or neither. */
static char *
parse_ports(const struct loader *l, const xmlNode *node, bool *has_ports,
            struct tm_port_range *ports)
{
    int64_t from = TM_UNSET, to = TM_UNSET;
    char *error;

    error = parse_int_attr(l, node, "from-port", &from);
    if (!error) {
        error = parse_int_attr(l, node, "to-port", &to);
    }
    if (error) {
        return error;
    }
    if ((from == TM_UNSET) != (to == TM_UNSET)) {
        return ERROR_AT_NODE(l, node, "%s: from-port and to-port come "
                             "together", (const char *) node->name);
    }
    *has_ports = from != TM_UNSET;
    if (*has_ports) {
        if (from < 0 || to > 65535 || from > to) {
            return ERROR_AT_NODE(l, node, "%s: port range %"PRId64"-%"PRId64
                                 " is not within 0-65535 with from-port "
                                 "<= to-port", (const char *) node->name,
                                 from, to);
        }
        ports->from = from;
        ports->to = to;
    }
    return NULL;
}

static bool
parse_bool_attr(const xmlNode *node, const char *name, bool default_value)
{
    const char *s = attr(node, name);
    return s ? !strcmp(s, "true") : default_value;
}

/* Like parse_bool_attr(), for an attribute of value "enable" or
 * "disable", as the AWS API writes its options. */
static bool
parse_enable_attr(const xmlNode *node, const char *name, bool default_value)
{
    const char *s = attr(node, name);
    return s ? !strcmp(s, "enable") : default_value;
}

/* Looks up the id in attribute 'name' of 'node' (or 'id', if nonnull) among
 * the objects of one kind, 'by_id', called 'kind' in messages. */
static char *
lookup(const struct loader *l, const xmlNode *node, const char *name,
       const char *id, const struct shash *by_id, const char *kind,
       void **objp)
{
    if (!id) {
        id = required(node, name);
    }
    *objp = shash_find_data(by_id, id);
    if (*objp) {
        return NULL;
    }

    const xmlNode *other = find_id(l, id);
    if (other) {
        return ERROR_AT_NODE(l, node, "%s %s: \"%s\" is a %s (line %d), "
                             "not a %s", (const char *) node->name, name, id,
                             (const char *) other->name, line_of(other),
                             kind);
    }
    return ERROR_AT_NODE(l, node, "%s %s: no %s \"%s\" in this topology",
                         (const char *) node->name, name, kind, id);
}

#define LOOKUP(L, NODE, NAME, ID, KIND_NAME, BY_ID, OBJP)               \
    lookup(L, NODE, NAME, ID, &(L)->topo->BY_ID, KIND_NAME,             \
           (void **) (OBJP))

/* Returns the object that pass 1 made for 'node' (see new_TYPE()), kept in
 * the node itself, so that later passes do not look its id up again in
 * 'by_id'. */
static void *
declared(const struct shash *by_id, const xmlNode *node)
{
    return node->_private ? node->_private
           : shash_find_data(by_id, required(node, "id"));
}

/* ---- Pass 1: declare. ---- */

/* Checks that the id of 'node' is new and records it. */
static char *
declare_id(struct loader *l, const xmlNode *node, char **idp)
{
    const char *id = required(node, "id");
    const xmlNode *other = add_id(l, id, node);

    if (other) {
        *idp = NULL;
        return ERROR_AT_NODE(l, node, "duplicate id \"%s\": already used "
                             "by the %s on line %d", id,
                             (const char *) other->name, line_of(other));
    }
    *idp = xstrdup(id);
    return NULL;
}

/* new_TYPE(l, node, &obj) for each kind: creates an empty object of that
 * kind for 'node', with its id and line, and adds it to the topology.
 * Returns NULL, or an error (and a null 'obj') if the id is taken. */
#define SIM_KIND(TYPE, NAME)                                            \
    static char *                                                       \
    new_##TYPE(struct loader *l, const xmlNode *node,                   \
               struct sim_##TYPE **objp)                                \
    {                                                                   \
        struct sim_##TYPE *obj = xzalloc(sizeof *obj);                  \
        char *error;                                                    \
                                                                        \
        obj->line = line_of(node);                                      \
        error = declare_id(l, node, &obj->id);                          \
        if (error) {                                                    \
            free(obj);                                                  \
            obj = NULL;                                                 \
        } else {                                                        \
            sim_topology_add_##TYPE(l->topo, obj);                      \
            CONST_CAST(xmlNode *, node)->_private = obj;                \
        }                                                               \
        *objp = obj;                                                    \
        return error;                                                   \
    }
SIM_KINDS
#undef SIM_KIND

static char *
declare_vpc(struct loader *l, const xmlNode *node,
            const struct sim_account *account)
{
    struct sim_vpc *vpc;
    char *error = new_vpc(l, node, &vpc);

    if (error) {
        return error;
    }
    vpc->owner = account;

    for (const xmlNode *c = node->children; c && !error; c = c->next) {
        if (is_element(c, "subnet")) {
            struct sim_subnet *subnet;

            error = new_subnet(l, c, &subnet);
            if (!error) {
                subnet->vpc = vpc;
                sset_init(&subnet->shared_with);
            }
        } else if (is_element(c, "route-table")) {
            struct sim_route_table *rtb;

            error = new_route_table(l, c, &rtb);
            if (!error) {
                rtb->vpc = vpc;
                if (!vpc->main_route_table) {
                    vpc->main_route_table = rtb;
                }
            }
        } else if (is_element(c, "network-acl")) {
            struct sim_network_acl *acl;

            error = new_network_acl(l, c, &acl);
            if (!error) {
                acl->vpc = vpc;
            }
        } else if (is_element(c, "security-group")) {
            struct sim_security_group *sg;

            error = new_security_group(l, c, &sg);
            if (!error) {
                sg->vpc = vpc;
                sg->owner = account;
            }
        } else if (is_element(c, "network-interface")) {
            struct sim_eni *eni;

            error = new_eni(l, c, &eni);
            if (!error) {
                eni->owner = account;
            }
        } else if (is_element(c, "load-balancer")) {
            struct sim_nlb *nlb;

            error = new_nlb(l, c, &nlb);
            if (!error) {
                nlb->owner = account;
                nlb->vpc = vpc;
            }
        }
    }
    return error;
}

static char *
declare_tgw(struct loader *l, const xmlNode *node,
            const struct sim_account *account)
{
    struct sim_tgw *tgw;
    char *error = new_tgw(l, node, &tgw);

    if (error) {
        return error;
    }
    tgw->owner = account;
    for (const xmlNode *c = node->children; c && !error; c = c->next) {
        if (is_element(c, "attachment")
            || is_element(c, "peering-attachment")) {
            struct sim_tgw_attachment *att;
            size_t n = tgw->n_attachments;

            error = new_tgw_attachment(l, c, &att);
            if (!error) {
                att->tgw = tgw;
                tgw->attachments = xrealloc(tgw->attachments,
                                            (n + 1)
                                            * sizeof *tgw->attachments);
                tgw->attachments[tgw->n_attachments++] = att;
            }
        } else if (is_element(c, "route-table")) {
            struct sim_tgw_route_table *rtb;
            size_t n = tgw->n_route_tables;

            error = new_tgw_route_table(l, c, &rtb);
            if (!error) {
                rtb->tgw = tgw;
                tgw->route_tables = xrealloc(tgw->route_tables,
                                             (n + 1)
                                             * sizeof *tgw->route_tables);
                tgw->route_tables[tgw->n_route_tables++] = rtb;
            }
        }
    }
    return error;
}

static char *
declare_account(struct loader *l, const xmlNode *node)
{
    struct sim_account *account;
    char *error = new_account(l, node, &account);

    if (error) {
        return error;
    }
    const char *org = attr(node, "organization");
    account->organization = nullable_xstrdup(org);

    struct tm_error *tm_error = tm_model_add_account(l->topo->model,
                                                     account->id, org);
    if (tm_error) {
        char *msg = tm_error_to_string(tm_error);
        error = ERROR_AT_NODE(l, node, "account: %s", msg);
        free(msg);
        tm_error_destroy(tm_error);
        return error;
    }

    for (const xmlNode *c = node->children; c && !error; c = c->next) {
        if (is_element(c, "vpc")) {
            error = declare_vpc(l, c, account);
        } else if (is_element(c, "network-interface")) {
            struct sim_eni *eni;

            error = new_eni(l, c, &eni);
            if (!error) {
                eni->owner = account;
            }
        } else if (is_element(c, "security-group")) {
            struct sim_security_group *sg;

            error = new_security_group(l, c, &sg);
            if (!error) {
                sg->owner = account;
            }
        } else if (is_element(c, "vpc-peering")) {
            struct sim_peering *pcx;

            error = new_peering(l, c, &pcx);
            if (!error) {
                pcx->owner = account;
            }
        } else if (is_element(c, "transit-gateway")) {
            error = declare_tgw(l, c, account);
        } else if (is_element(c, "resource-share")) {
            char *id;

            error = declare_id(l, c, &id);
            free(id);
        } else if (is_element(c, "traffic-mirror-target")) {
            struct sim_mirror_target *target;

            error = new_mirror_target(l, c, &target);
            if (!error) {
                target->owner = account;
            }
        } else if (is_element(c, "traffic-mirror-filter")) {
            struct sim_mirror_filter *filter;

            error = new_mirror_filter(l, c, &filter);
            if (!error) {
                filter->owner = account;
                push_node(&l->filter_nodes, c);
            }
        } else if (is_element(c, "traffic-mirror-session")) {
            struct sim_mirror_session *session;

            error = new_mirror_session(l, c, &session);
            if (!error) {
                session->owner = account;
                push_node(&l->session_nodes, c);
            }
        }
    }
    return error;
}

static char *
declare_all(struct loader *l, const xmlNode *root)
{
    char *error = NULL;

    for (const xmlNode *c = root->children; c && !error; c = c->next) {
        error = check_abandoned(l);
        if (error) {
            break;
        }
        if (is_element(c, "account")) {
            error = declare_account(l, c);
        } else if (is_element(c, "hypervisor")) {
            struct sim_hypervisor *hv;

            error = new_hypervisor(l, c, &hv);
        }
    }
    return error;
}

/* ---- Pass 2: resolve. ---- */

static char *
resolve_vpc(struct loader *l, const xmlNode *node)
{
    struct sim_vpc *vpc = declared(&l->topo->vpcs_by_id, node);
    size_t allocated = 0;
    struct tm_cidr cidr;
    char *error;

    size_t n_blocks[2] = { 0, 0 };     /* IPv6, IPv4. */

    error = parse_cidr_attr(l, node, "cidr", &cidr);
    if (!error) {
        error = check_block(l, node, "cidr", &cidr, false);
    }
    if (error) {
        return error;
    }
    vpc->cidrs = x2nrealloc(NULL, &allocated, sizeof *vpc->cidrs);
    vpc->cidrs[vpc->n_cidrs++] = cidr;
    n_blocks[cidr.ipv4]++;
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "cidr-block")) {
            error = parse_cidr_attr(l, c, "cidr", &cidr);
            if (!error) {
                error = check_block(l, c, "cidr", &cidr, false);
            }
            if (error) {
                return error;
            }
            if (++n_blocks[cidr.ipv4] > (cidr.ipv4
                                         ? SIM_MAX_IPV4_BLOCKS_PER_VPC
                                         : SIM_MAX_IPV6_BLOCKS_PER_VPC)) {
                return ERROR_AT_NODE(l, c, "cidr-block: %s has more than "
                                     "the %d %s blocks that a VPC may have",
                                     vpc->id,
                                     (cidr.ipv4
                                      ? SIM_MAX_IPV4_BLOCKS_PER_VPC
                                      : SIM_MAX_IPV6_BLOCKS_PER_VPC),
                                     cidr.ipv4 ? "IPv4" : "IPv6");
            }
            for (size_t i = 0; i < vpc->n_cidrs; i++) {
                if (tm_cidrs_overlap(&vpc->cidrs[i], &cidr)) {
                    return ERROR_AT_NODE(l, c, "cidr-block %s overlaps "
                                         "another CIDR of %s",
                                         attr(c, "cidr"), vpc->id);
                }
            }
            if (vpc->n_cidrs >= allocated) {
                vpc->cidrs = x2nrealloc(vpc->cidrs, &allocated,
                                        sizeof *vpc->cidrs);
            }
            vpc->cidrs[vpc->n_cidrs++] = cidr;
        }
    }
    return NULL;
}

/* Returns the main route table of 'vpc', for subnets that name none: its
 * first route table in the file or, if it has none, one with only the
 * local routes, named "VPC-ID/main" (or "VPC-ID/main2"... if the file uses
 * that id). */
static const struct sim_route_table *
main_route_table(struct loader *l, struct sim_vpc *vpc)
{
    if (!vpc->main_route_table) {
        /* declare_vpc() has noted the first route table, if any. */
        struct sim_route_table *rtb = xzalloc(sizeof *rtb);
        rtb->id = xasprintf("%s/main", vpc->id);
        for (int i = 2; find_id(l, rtb->id); i++) {
            free(rtb->id);
            rtb->id = xasprintf("%s/main%d", vpc->id, i);
        }
        rtb->vpc = vpc;
        rtb->line = vpc->line;
        sim_topology_add_route_table(l->topo, rtb);
        vpc->main_route_table = rtb;
    }
    return vpc->main_route_table;
}

static char *
resolve_subnet(struct loader *l, const xmlNode *node)
{
    struct sim_subnet *subnet = declared(&l->topo->subnets_by_id, node);
    struct sim_route_table *rtb;
    char *error;

    error = parse_cidr_attr(l, node, "cidr", &subnet->cidr);
    if (!error) {
        error = check_block(l, node, "cidr", &subnet->cidr, true);
    }
    if (error) {
        return error;
    }

    /* The VPC's CIDRs do not overlap: the one with the subnet's first
     * address is the only one that can hold it all. */
    const struct tm_cidr *vpc_cidr = sim_vpc_cidr_of(subnet->vpc,
                                                     &subnet->cidr.addr);
    if (!vpc_cidr || vpc_cidr->plen > subnet->cidr.plen) {
        return ERROR_AT_NODE(l, node, "subnet %s: %s is not within the "
                             "CIDRs of %s", subnet->id, attr(node, "cidr"),
                             subnet->vpc->id);
    }
    subnet->zone = xstrdup(attr(node, "availability-zone")
                           ? attr(node, "availability-zone") : "");

    if (!attr(node, "route-table")) {
        subnet->route_table = main_route_table(
            l, shash_find_data(&l->topo->vpcs_by_id, subnet->vpc->id));
    } else {
        error = LOOKUP(l, node, "route-table", NULL, "route-table",
                       route_tables_by_id, &rtb);
        if (error) {
            return error;
        }
        if (rtb->vpc != subnet->vpc) {
            return ERROR_AT_NODE(l, node, "subnet %s: route table %s "
                                 "belongs to %s, not to %s", subnet->id,
                                 rtb->id, rtb->vpc->id, subnet->vpc->id);
        }
        subnet->route_table = rtb;
    }

    if (attr(node, "network-acl")) {
        struct sim_network_acl *acl;

        error = LOOKUP(l, node, "network-acl", NULL, "network-acl",
                       acls_by_id, &acl);
        if (error) {
            return error;
        }
        if (acl->vpc != subnet->vpc) {
            return ERROR_AT_NODE(l, node, "subnet %s: network ACL %s "
                                 "belongs to %s, not to %s", subnet->id,
                                 acl->id, acl->vpc->id, subnet->vpc->id);
        }
        subnet->acl = acl;
    }

    if (attr(node, "shared-with")) {
        struct svec accounts;

        svec_init(&accounts);
        split_list(&accounts, attr(node, "shared-with"));
        for (size_t i = 0; i < accounts.n && !error; i++) {
            struct sim_account *account;

            error = LOOKUP(l, node, "shared-with", accounts.names[i],
                           "account", accounts_by_id, &account);
            if (!error) {
                sset_add(&subnet->shared_with, account->id);
            }
        }
        svec_destroy(&accounts);
    }
    return error;
}

static char *
resolve_route_table(struct loader *l, const xmlNode *node)
{
    struct sim_route_table *rtb = declared(&l->topo->route_tables_by_id, node);
    size_t allocated = 0;

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (!is_element(c, "route")) {
            continue;
        }

        if (rtb->n_routes >= SIM_MAX_ROUTES_PER_TABLE) {
            return ERROR_AT_NODE(l, c, "route table %s has more than the %d "
                                 "routes that a route table may have",
                                 rtb->id, SIM_MAX_ROUTES_PER_TABLE);
        }

        struct sim_route route = { .line = line_of(c) };
        char *error = parse_cidr_attr(l, c, "destination",
                                      &route.destination);
        if (error) {
            return error;
        }
        for (size_t i = 0; i < rtb->n_routes; i++) {
            if (rtb->routes[i].destination.plen == route.destination.plen
                && ipv6_addr_equals(&rtb->routes[i].destination.addr,
                                    &route.destination.addr)) {
                return ERROR_AT_NODE(l, c, "route table %s has two routes "
                                     "to %s (the other on line %d)",
                                     rtb->id, attr(c, "destination"),
                                     rtb->routes[i].line);
            }
        }

        const char *target = attr(c, "target");
        if (target && !shash_find(&l->topo->peerings_by_id, target)
            && !shash_find(&l->topo->tgws_by_id, target)
            && !shash_find(&l->topo->enis_by_id, target)
            && !sim_is_gateway_id(target)) {
            return ERROR_AT_NODE(l, c, "route target \"%s\" is not a "
                                 "vpc-peering, transit-gateway or "
                                 "network-interface of this topology, nor "
                                 "a gateway (igw-, nat-, vgw-, ...)",
                                 target);
        }
        route.target = nullable_xstrdup(target);
        if (rtb->n_routes >= allocated) {
            rtb->routes = x2nrealloc(rtb->routes, &allocated,
                                     sizeof *rtb->routes);
        }
        rtb->routes[rtb->n_routes++] = route;
    }
    return NULL;
}

static int
compare_acl_entries(const void *a_, const void *b_)
{
    const struct sim_acl_entry *a = a_;
    const struct sim_acl_entry *b = b_;

    return (a->rule_number > b->rule_number) - (a->rule_number
                                                < b->rule_number);
}

static char *
resolve_network_acl(struct loader *l, const xmlNode *node)
{
    struct sim_network_acl *acl = declared(&l->topo->acls_by_id, node);
    size_t n_entries[2] = { 0, 0 };    /* Ingress, egress. */
    size_t allocated = 0;

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (!is_element(c, "entry")) {
            continue;
        }

        bool egress = !strcmp(required(c, "direction"), "egress");
        if (++n_entries[egress] > SIM_MAX_ACL_ENTRIES_PER_DIRECTION) {
            return ERROR_AT_NODE(l, c, "network ACL %s has more than the %d "
                                 "%s entries that a network ACL may have",
                                 acl->id, SIM_MAX_ACL_ENTRIES_PER_DIRECTION,
                                 egress ? "egress" : "ingress");
        }

        struct sim_acl_entry entry = { .line = line_of(c) };
        char *error = parse_int_attr(l, c, "rule-number", &entry.rule_number);
        if (!error && (entry.rule_number < TM_RULE_NUMBER_MIN
                       || entry.rule_number > TM_RULE_NUMBER_MAX)) {
            error = ERROR_AT_NODE(l, c, "entry rule-number: %"PRId64" is "
                                  "not within 1-32766", entry.rule_number);
        }
        if (!error) {
            entry.egress = !strcmp(required(c, "direction"), "egress");
            entry.allow = !strcmp(required(c, "rule-action"), "allow");
            error = parse_protocol_attr(l, c, &entry.protocol);
        }
        if (!error) {
            error = parse_cidr_attr(l, c, "cidr", &entry.cidr);
        }
        if (!error) {
            error = parse_ports(l, c, &entry.has_ports, &entry.ports);
        }
        for (size_t i = 0; !error && i < acl->n_entries; i++) {
            if (acl->entries[i].rule_number == entry.rule_number
                && acl->entries[i].egress == entry.egress) {
                error = ERROR_AT_NODE(l, c, "network ACL %s has two %s "
                                      "entries numbered %"PRId64" (the "
                                      "other on line %d)", acl->id,
                                      entry.egress ? "egress" : "ingress",
                                      entry.rule_number,
                                      acl->entries[i].line);
            }
        }
        if (error) {
            return error;
        }
        if (acl->n_entries >= allocated) {
            acl->entries = x2nrealloc(acl->entries, &allocated,
                                      sizeof *acl->entries);
        }
        acl->entries[acl->n_entries++] = entry;
    }
    if (acl->n_entries) {
        qsort(acl->entries, acl->n_entries, sizeof *acl->entries,
              compare_acl_entries);
    }
    return NULL;
}

static char *
resolve_security_group(struct loader *l, const xmlNode *node)
{
    struct sim_security_group *sg = declared(&l->topo->groups_by_id, node);
    size_t n_rules[2] = { 0, 0 };      /* Ingress, egress. */
    size_t allocated = 0;
    char *error;

    if (attr(node, "vpc")) {
        struct sim_vpc *vpc;

        error = LOOKUP(l, node, "vpc", NULL, "vpc", vpcs_by_id, &vpc);
        if (error) {
            return error;
        }
        sg->vpc = vpc;
    }

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (!is_element(c, "rule")) {
            continue;
        }

        struct sim_sg_rule rule = { .line = line_of(c) };
        rule.egress = !strcmp(required(c, "direction"), "egress");
        if (++n_rules[rule.egress] > SIM_MAX_SG_RULES_PER_DIRECTION) {
            return ERROR_AT_NODE(l, c, "security group %s has more than the "
                                 "%d %s rules that a security group may "
                                 "have", sg->id,
                                 SIM_MAX_SG_RULES_PER_DIRECTION,
                                 rule.egress ? "egress" : "ingress");
        }
        error = parse_protocol_attr(l, c, &rule.protocol);
        if (!error) {
            error = parse_ports(l, c, &rule.has_ports, &rule.ports);
        }
        if (!error && attr(c, "cidr")) {
            rule.has_cidr = true;
            error = parse_cidr_attr(l, c, "cidr", &rule.cidr);
        } else if (!error) {
            struct sim_security_group *group;

            error = LOOKUP(l, c, "source-group", NULL, "security-group",
                           groups_by_id, &group);
            rule.group = group;
        }
        if (error) {
            return error;
        }
        if (sg->n_rules >= allocated) {
            sg->rules = x2nrealloc(sg->rules, &allocated, sizeof *sg->rules);
        }
        sg->rules[sg->n_rules++] = rule;
    }
    return NULL;
}

/* Resolves the "security-groups" attribute of 'node', if any, into an
 * array of '*n' groups, which it returns and the caller must free (even on
 * error, which is stored in '*errorp').  No more than a network interface
 * may have are accepted. */
static const struct sim_security_group **
resolve_groups(struct loader *l, const xmlNode *node, size_t *n,
               char **errorp)
{
    const char *list = attr(node, "security-groups");
    const struct sim_security_group **groups;
    struct svec words;

    *errorp = NULL;
    if (!list) {
        return NULL;
    }
    svec_init(&words);
    split_list(&words, list);
    if (words.n > SIM_MAX_GROUPS_PER_ENI) {
        const char *kind = (const char *) node->name;
        size_t n_words = words.n;

        svec_destroy(&words);
        *errorp = ERROR_AT_NODE(l, node, "%s %s has %"PRIuSIZE" security "
                                "groups, more than the %d that a network "
                                "interface may have", kind, attr(node, "id"),
                                n_words, SIM_MAX_GROUPS_PER_ENI);
        return NULL;
    }
    groups = xcalloc(words.n ? words.n : 1, sizeof *groups);
    for (size_t i = 0; i < words.n && !*errorp; i++) {
        struct sim_security_group *sg;

        *errorp = LOOKUP(l, node, "security-groups", words.names[i],
                         "security-group", groups_by_id, &sg);
        if (!*errorp) {
            groups[(*n)++] = sg;
        }
    }
    svec_destroy(&words);
    return groups;
}

static char *
resolve_eni(struct loader *l, const xmlNode *node)
{
    struct sim_eni *eni = declared(&l->topo->enis_by_id, node);
    struct sim_subnet *subnet;
    int64_t mtu = TM_DEFAULT_MTU;
    char *error;

    error = LOOKUP(l, node, "subnet", NULL, "subnet", subnets_by_id,
                   &subnet);
    if (!error) {
        eni->subnet = subnet;
        error = parse_ip_attr(l, node, "ip", &eni->ip);
    }
    if (error) {
        return error;
    }
    if (!tm_cidr_contains(&subnet->cidr, &eni->ip)) {
        return ERROR_AT_NODE(l, node, "network-interface %s: ip %s is not "
                             "in subnet %s (%s)", eni->id, attr(node, "ip"),
                             subnet->id, attr(node, "subnet"));
    }
    error = parse_mac_attr(l, node, "mac", &eni->mac);
    if (error) {
        return error;
    }
    eni->instance_type = nullable_xstrdup(attr(node, "instance-type"));
    error = parse_int_attr(l, node, "mtu", &mtu);
    if (!error && (mtu < TM_MTU_MIN || mtu > TM_MTU_MAX)) {
        error = ERROR_AT_NODE(l, node, "network-interface %s: mtu %"PRId64
                              " is not within %d-%d", eni->id, mtu,
                              TM_MTU_MIN, TM_MTU_MAX);
    }
    if (error) {
        return error;
    }
    eni->mtu = mtu;

    eni->groups = resolve_groups(l, node, &eni->n_groups, &error);
    return error;
}

/* Parses the list of subnets in attribute 'name' of 'node', each of which
 * must belong to 'vpc', and returns it as an array of '*n' subnets that the
 * caller must free (even on error, which is stored in '*errorp'). */
static const struct sim_subnet **
resolve_subnet_list(struct loader *l, const xmlNode *node, const char *name,
                    const struct sim_vpc *vpc, size_t *n, char **errorp)
{
    const struct sim_subnet **subnets;
    struct svec words;
    char *error = NULL;

    svec_init(&words);
    split_list(&words, attr(node, name));
    subnets = xcalloc(words.n ? words.n : 1, sizeof *subnets);
    for (size_t i = 0; i < words.n && !error; i++) {
        struct sim_subnet *subnet;

        error = LOOKUP(l, node, name, words.names[i], "subnet",
                       subnets_by_id, &subnet);
        if (!error && subnet->vpc != vpc) {
            error = ERROR_AT_NODE(l, node, "%s %s: subnet %s is in %s, not "
                                  "in %s", (const char *) node->name, name,
                                  subnet->id, subnet->vpc->id, vpc->id);
        }
        if (!error) {
            subnets[(*n)++] = subnet;
        }
    }
    svec_destroy(&words);
    *errorp = error;
    return subnets;
}

static size_t
n_nodes_of(const xmlNode *node)
{
    size_t n = 0;

    for (const xmlNode *c = node->children; c; c = c->next) {
        n += is_element(c, "node");
    }
    return n;
}

static char *
resolve_nlb(struct loader *l, const xmlNode *node)
{
    struct sim_nlb *nlb = declared(&l->topo->nlbs_by_id, node);
    size_t n_nodes = 0, n_listeners = 0, n_targets = 0;
    char *error;

    if (attr(node, "subnets")) {
        nlb->subnets = resolve_subnet_list(l, node, "subnets", nlb->vpc,
                                           &nlb->n_subnets, &error);
        if (error) {
            return error;
        }
    }
    nlb->cross_zone = parse_bool_attr(node, "cross-zone", false);
    nlb->groups = resolve_groups(l, node, &nlb->n_groups, &error);
    for (size_t i = 0; !error && i < nlb->n_groups; i++) {
        if (nlb->groups[i]->vpc != nlb->vpc) {
            error = ERROR_AT_NODE(l, node, "load-balancer %s: security "
                                  "group %s is in %s, not in %s", nlb->id,
                                  nlb->groups[i]->id,
                                  nlb->groups[i]->vpc->id, nlb->vpc->id);
        }
    }
    if (error) {
        return error;
    }
    if (!n_nodes_of(node)) {
        return ERROR_AT_NODE(l, node, "load-balancer %s: at least one node "
                             "(<node subnet=\"...\" ip=\"...\"/>) is "
                             "required", nlb->id);
    }

    for (const xmlNode *c = node->children; c; c = c->next) {
        n_nodes += is_element(c, "node");
        n_listeners += is_element(c, "listener");
        n_targets += is_element(c, "target");
    }
    nlb->nodes = xcalloc(n_nodes + 1, sizeof *nlb->nodes);
    nlb->listeners = xcalloc(n_listeners + 1, sizeof *nlb->listeners);
    nlb->targets = xcalloc(n_targets + 1, sizeof *nlb->targets);

    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "node")) {
            struct sim_nlb_node *n = &nlb->nodes[nlb->n_nodes];
            struct sim_subnet *subnet;
            bool found = false;

            error = LOOKUP(l, c, "subnet", NULL, "subnet", subnets_by_id,
                           &subnet);
            if (!error) {
                error = parse_ip_attr(l, c, "ip", &n->ip);
            }
            if (error) {
                return error;
            }
            for (size_t i = 0; i < nlb->n_subnets; i++) {
                found = found || nlb->subnets[i] == subnet;
            }
            if (!attr(node, "subnets") && subnet->vpc == nlb->vpc) {
                /* Without "subnets", the nodes' subnets are the load
                 * balancer's. */
                if (!found) {
                    nlb->subnets = xrealloc(nlb->subnets,
                                            (nlb->n_subnets + 1)
                                            * sizeof *nlb->subnets);
                    nlb->subnets[nlb->n_subnets++] = subnet;
                }
                found = true;
            }
            if (!found) {
                return ERROR_AT_NODE(l, c, "node subnet %s is not one of "
                                     "the subnets of %s", subnet->id,
                                     nlb->id);
            }
            if (!tm_cidr_contains(&subnet->cidr, &n->ip)) {
                return ERROR_AT_NODE(l, c, "node ip %s is not in subnet %s",
                                     attr(c, "ip"), subnet->id);
            }
            n->subnet = subnet;
            n->line = line_of(c);
            nlb->n_nodes++;
        } else if (is_element(c, "listener")) {
            struct sim_nlb_listener *listener
                = &nlb->listeners[nlb->n_listeners];

            listener->port = 0;
            error = parse_int_attr(l, c, "port", &listener->port);
            if (!error && (listener->port < 1 || listener->port > 65535)) {
                error = ERROR_AT_NODE(l, c, "listener port %"PRId64" is not "
                                      "within 1-65535", listener->port);
            }
            if (error) {
                return error;
            }
            listener->protocol = xstrdup(required(c, "protocol"));
            listener->line = line_of(c);
            nlb->n_listeners++;
        } else if (is_element(c, "target")) {
            struct sim_nlb_target *t = &nlb->targets[nlb->n_targets];
            struct sim_eni *eni;

            error = LOOKUP(l, c, "network-interface", NULL,
                           "network-interface", enis_by_id, &eni);
            if (error) {
                return error;
            }
            t->eni = eni;
            t->healthy = parse_bool_attr(c, "healthy", true);
            t->line = line_of(c);
            nlb->n_targets++;
        }
    }
    return NULL;
}

static char *
resolve_peering(struct loader *l, const xmlNode *node)
{
    struct sim_peering *pcx = declared(&l->topo->peerings_by_id, node);
    struct sim_vpc *requester, *accepter;
    char *error;

    error = LOOKUP(l, node, "requester-vpc", NULL, "vpc", vpcs_by_id,
                   &requester);
    if (!error) {
        error = LOOKUP(l, node, "accepter-vpc", NULL, "vpc", vpcs_by_id,
                       &accepter);
    }
    if (error) {
        return error;
    }
    if (requester == accepter) {
        return ERROR_AT_NODE(l, node, "vpc-peering %s: a VPC cannot be "
                             "peered with itself (%s)", pcx->id,
                             requester->id);
    }
    pcx->requester = requester;
    pcx->accepter = accepter;
    pcx->status = xstrdup(attr(node, "status") ? attr(node, "status")
                          : "active");
    pcx->active = !strcmp(pcx->status, "active");
    return NULL;
}

/* Looks up the transit gateway route table in attribute 'name' of 'node',
 * which must be one of 'tgw''s, into '*rtbp'. */
static char *
lookup_tgw_route_table(struct loader *l, const xmlNode *node,
                       const char *name, const char *id,
                       const struct sim_tgw *tgw,
                       struct sim_tgw_route_table **rtbp)
{
    char *error = LOOKUP(l, node, name, id, "transit gateway route-table",
                         tgw_route_tables_by_id, rtbp);

    if (!error && (*rtbp)->tgw != tgw) {
        error = ERROR_AT_NODE(l, node, "%s %s: %s is a route table of %s, "
                              "not of %s", (const char *) node->name, name,
                              (*rtbp)->id, (*rtbp)->tgw->id, tgw->id);
    }
    return error;
}

/* Resolves the peering attachments of transit gateway 'node', before any
 * route of either gateway refers to them. */
static char *
resolve_tgw_peerings(struct loader *l, const xmlNode *node)
{
    struct sim_tgw *tgw = shash_find_data(&l->topo->tgws_by_id,
                                          required(node, "id"));
    char *error = NULL;

    tgw->sg_referencing = parse_enable_attr(
        node, "security-group-referencing-support", false);
    for (const xmlNode *c = node->children; c && !error; c = c->next) {
        if (!is_element(c, "peering-attachment")) {
            continue;
        }

        struct sim_tgw_attachment *att = shash_find_data(
            &l->topo->tgw_attachments_by_id, required(c, "id"));
        struct sim_tgw_route_table *rtb;
        struct sim_tgw *peer;

        error = LOOKUP(l, c, "peer-transit-gateway", NULL,
                       "transit-gateway", tgws_by_id, &peer);
        if (!error && peer == tgw) {
            error = ERROR_AT_NODE(l, c, "peering-attachment %s: a transit "
                                  "gateway cannot be peered with itself "
                                  "(%s)", att->id, tgw->id);
        }
        for (size_t i = 0; !error && i < tgw->n_attachments; i++) {
            const struct sim_tgw_attachment *other = tgw->attachments[i];

            if (other != att && other->peer_tgw
                && (other->peer_tgw == peer || other->tgw == peer)) {
                error = ERROR_AT_NODE(l, c, "peering-attachment %s: %s is "
                                      "already peered with %s by %s",
                                      att->id, tgw->id, peer->id, other->id);
            }
        }
        if (error) {
            break;
        }
        att->peer_tgw = peer;
        if (attr(c, "association")) {
            error = lookup_tgw_route_table(l, c, "association", NULL, tgw,
                                           &rtb);
            att->association = rtb;
        }
        if (!error && attr(c, "peer-association")) {
            error = lookup_tgw_route_table(l, c, "peer-association", NULL,
                                           peer, &rtb);
            att->peer_association = rtb;
        }
        peer->attachments = xrealloc(peer->attachments,
                                     (peer->n_attachments + 1)
                                     * sizeof *peer->attachments);
        peer->attachments[peer->n_attachments++] = att;
    }
    return error;
}

static char *
resolve_tgw(struct loader *l, const xmlNode *node)
{
    struct sim_tgw *tgw = declared(&l->topo->tgws_by_id, node);
    char *error = NULL;

    for (const xmlNode *c = node->children; c && !error; c = c->next) {
        if (is_element(c, "attachment")) {
            struct sim_tgw_attachment *att = declared(
                &l->topo->tgw_attachments_by_id, c);
            struct sim_tgw_route_table *rtb;
            struct sim_vpc *vpc;

            error = LOOKUP(l, c, "vpc", NULL, "vpc", vpcs_by_id, &vpc);
            if (error) {
                break;
            }
            att->vpc = vpc;
            for (size_t i = 0; i < tgw->n_attachments; i++) {
                if (tgw->attachments[i] != att
                    && tgw->attachments[i]->vpc == vpc) {
                    return ERROR_AT_NODE(l, c, "attachment %s: %s is "
                                         "already attached to %s by %s",
                                         att->id, vpc->id, tgw->id,
                                         tgw->attachments[i]->id);
                }
            }
            att->subnets = resolve_subnet_list(l, c, "subnets", vpc,
                                               &att->n_subnets, &error);
            if (!error && !att->n_subnets) {
                error = ERROR_AT_NODE(l, c, "attachment %s: subnets: at "
                                      "least one subnet is required",
                                      att->id);
            }
            for (size_t i = 0; !error && i < att->n_subnets; i++) {
                for (size_t j = 0; j < i; j++) {
                    if (!strcmp(att->subnets[i]->zone,
                                att->subnets[j]->zone)) {
                        error = ERROR_AT_NODE(l, c, "attachment %s: "
                                              "subnets %s and %s are both "
                                              "in zone %s: an attachment "
                                              "takes one subnet per zone",
                                              att->id, att->subnets[j]->id,
                                              att->subnets[i]->id,
                                              att->subnets[i]->zone);
                        break;
                    }
                }
            }
            att->sg_referencing = parse_enable_attr(
                c, "security-group-referencing-support", true);
            if (!error && attr(c, "association")) {
                error = lookup_tgw_route_table(l, c, "association", NULL,
                                               tgw, &rtb);
                if (!error) {
                    att->association = rtb;
                }
            }
            if (!error && attr(c, "propagations")) {
                struct svec words;

                svec_init(&words);
                split_list(&words, attr(c, "propagations"));
                att->propagations = xcalloc(words.n + 1,
                                            sizeof *att->propagations);
                for (size_t i = 0; i < words.n && !error; i++) {
                    error = lookup_tgw_route_table(l, c, "propagations",
                                                   words.names[i], tgw,
                                                   &rtb);
                    if (!error) {
                        att->propagations[att->n_propagations++] = rtb;
                    }
                }
                svec_destroy(&words);
            }
        } else if (is_element(c, "route-table")) {
            struct sim_tgw_route_table *rtb = declared(
                &l->topo->tgw_route_tables_by_id, c);
            size_t allocated = 0;

            for (const xmlNode *r = c->children; r && !error; r = r->next) {
                if (!is_element(r, "route")) {
                    continue;
                }

                struct sim_tgw_route route = { .line = line_of(r) };
                error = parse_cidr_attr(l, r, "destination",
                                        &route.destination);
                for (size_t i = 0; !error && i < rtb->n_routes; i++) {
                    const struct tm_cidr *d = &rtb->routes[i].destination;
                    if (d->plen == route.destination.plen
                        && ipv6_addr_equals(&d->addr,
                                            &route.destination.addr)) {
                        error = ERROR_AT_NODE(l, r, "route table %s has "
                                              "two static routes to %s "
                                              "(the other on line %d)",
                                              rtb->id,
                                              attr(r, "destination"),
                                              rtb->routes[i].line);
                    }
                }
                if (!error && attr(r, "attachment")) {
                    struct sim_tgw_attachment *att;

                    error = LOOKUP(l, r, "attachment", NULL,
                                   "transit gateway attachment",
                                   tgw_attachments_by_id, &att);
                    if (!error && att->tgw != tgw && att->peer_tgw != tgw) {
                        error = ERROR_AT_NODE(l, r, "route attachment: %s "
                                              "is an attachment of %s, not "
                                              "of %s", att->id,
                                              att->tgw->id, tgw->id);
                    }
                    route.attachment = att;
                }
                if (!error) {
                    if (rtb->n_routes >= allocated) {
                        rtb->routes = x2nrealloc(rtb->routes, &allocated,
                                                 sizeof *rtb->routes);
                    }
                    rtb->routes[rtb->n_routes++] = route;
                }
            }
        }
    }
    return error;
}

static char *
resolve_share(struct loader *l, const xmlNode *node,
              const struct sim_account *account)
{
    const char *fields[] = { "resources", "principals" };
    char *error = NULL;

    for (size_t f = 0; f < ARRAY_SIZE(fields) && !error; f++) {
        struct svec words;

        svec_init(&words);
        split_list(&words, attr(node, fields[f]));
        for (size_t i = 0; i < words.n && !error; i++) {
            const char *id = words.names[i];
            bool known;

            if (f == 0) {
                known = find_id(l, id) != NULL;
            } else {
                known = shash_find(&l->topo->accounts_by_id, id) != NULL;
                for (size_t j = 0; !known && j < l->topo->n_accounts; j++) {
                    known = nullable_string_is_equal(
                        l->topo->accounts[j]->organization, id);
                }
            }
            if (!known) {
                error = ERROR_AT_NODE(l, node, "resource-share %s: no %s "
                                      "\"%s\" in this topology",
                                      fields[f],
                                      f == 0 ? "resource"
                                      : "account or organization", id);
            }
        }
        svec_destroy(&words);
    }
    if (error) {
        return error;
    }

    struct tm_error *tm_error = tm_model_add_share(
        l->topo->model, required(node, "id"), account->id,
        required(node, "resources"), required(node, "principals"),
        !strcmp(required(node, "status"), "accepted"));
    if (tm_error) {
        char *msg = tm_error_to_string(tm_error);
        error = ERROR_AT_NODE(l, node, "resource-share: %s", msg);
        free(msg);
        tm_error_destroy(tm_error);
    }
    return error;
}

static char *
resolve_mirror_target(struct loader *l, const xmlNode *node)
{
    struct sim_mirror_target *target = declared(&l->topo->targets_by_id, node);

    if (attr(node, "network-interface")) {
        struct sim_eni *eni;
        char *error = LOOKUP(l, node, "network-interface", NULL,
                             "network-interface", enis_by_id, &eni);
        target->eni = eni;
        return error;
    } else {
        struct sim_nlb *nlb;
        char *error = LOOKUP(l, node, "network-load-balancer", NULL,
                             "load-balancer", nlbs_by_id, &nlb);
        target->nlb = nlb;
        return error;
    }
}

static char *
resolve_mirror_session(struct loader *l, const xmlNode *node)
{
    struct sim_mirror_session *session = declared(&l->topo->sessions_by_id,
                                                  node);
    struct sim_mirror_target *target;
    struct sim_mirror_filter *filter;
    struct sim_eni *eni;
    char *error;

    error = LOOKUP(l, node, "network-interface", NULL, "network-interface",
                   enis_by_id, &eni);
    if (!error) {
        error = LOOKUP(l, node, "traffic-mirror-target", NULL,
                       "traffic-mirror-target", targets_by_id, &target);
    }
    if (!error) {
        error = LOOKUP(l, node, "traffic-mirror-filter", NULL,
                       "traffic-mirror-filter", filters_by_id, &filter);
    }
    if (!error) {
        session->source = eni;
        session->target = target;
        session->filter = filter;
    }
    return error;
}

/* Parses the OpenFlow port number in attribute 'name' of 'node', if it
 * has it, into '*ofport' (otherwise leaves it as it is). */
static char *
parse_ofport_attr(const struct loader *l, const xmlNode *node,
                  const char *name, int64_t *ofport)
{
    char *error = parse_int_attr(l, node, name, ofport);

    if (!error && (*ofport < 1 || *ofport > 0xfeff)) {
        error = ERROR_AT_NODE(l, node, "%s %s: %"PRId64" is not an "
                              "OpenFlow port number (1 to 65279)",
                              (const char *) node->name, name, *ofport);
    }
    return error;
}

static char *
resolve_hypervisor(struct loader *l, const xmlNode *node)
{
    struct sim_hypervisor *hv = declared(&l->topo->hypervisors_by_id, node);
    size_t n = 0;
    char *error;

    hv->bridge = xstrdup(required(node, "bridge"));
    error = parse_ip_attr(l, node, "underlay-ip", &hv->underlay_ip);
    if (error) {
        return error;
    }
    int64_t tunnel_port = SIM_TUNNEL_PORT_DEFAULT;
    error = parse_ofport_attr(l, node, "tunnel-port", &tunnel_port);
    if (error) {
        return error;
    }
    hv->tunnel_port = tunnel_port;

    for (const xmlNode *c = node->children; c; c = c->next) {
        n += is_element(c, "port");
    }
    hv->ports = xcalloc(n + 1, sizeof *hv->ports);
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "port")) {
            struct sim_eni *eni;

            error = LOOKUP(l, c, "network-interface", NULL,
                           "network-interface", enis_by_id, &eni);
            if (error) {
                return error;
            }

            /* An interface lives in one place. */
            const xmlNode *other = shash_find_data(&l->placed, eni->id);
            if (other) {
                return ERROR_AT_NODE(l, c, "port network-interface: %s is "
                                     "already on a port of hypervisor %s "
                                     "(line %d): an interface lives in one "
                                     "place", eni->id,
                                     required(other->parent, "id"),
                                     line_of(other));
            }
            shash_add(&l->placed, eni->id, c);

            /* Its flows match its MAC (dl_dst, for traffic to it), so
             * without one they would never match anything. */
            if (eth_addr_is_zero(eni->mac)) {
                return ERROR_AT_NODE(l, c, "port network-interface: %s (line "
                                     "%d) has no mac, which its flows "
                                     "match: give it its MAC address "
                                     "(mac=\"02:...\")", eni->id,
                                     eni->line);
            }

            int64_t ofport = hv->n_ports + 1;
            error = parse_ofport_attr(l, c, "ofport", &ofport);
            if (error) {
                return error;
            }
            if (ofport == hv->tunnel_port) {
                return ERROR_AT_NODE(l, c, "port ofport: %"PRId64"%s is the "
                                     "tunnel port of hypervisor %s (its "
                                     "tunnel-port, %d by default): give one "
                                     "of them another number", ofport,
                                     attr(c, "ofport") ? "" : " (the port's "
                                     "place, by default)", hv->id,
                                     SIM_TUNNEL_PORT_DEFAULT);
            }
            for (size_t i = 0; i < hv->n_ports; i++) {
                if (hv->ports[i].ofport == ofport) {
                    return ERROR_AT_NODE(l, c, "port ofport: %"PRId64" is "
                                         "already the port of %s on "
                                         "hypervisor %s", ofport,
                                         hv->ports[i].eni->id, hv->id);
                }
            }
            hv->ports[hv->n_ports].eni = eni;
            hv->ports[hv->n_ports].name = xstrdup(required(c, "name"));
            hv->ports[hv->n_ports].ofport = ofport;
            hv->ports[hv->n_ports].line = line_of(c);
            hv->n_ports++;
        }
    }
    return NULL;
}

static char *
resolve_vpc_children(struct loader *l, const xmlNode *vpc_node)
{
    char *error = resolve_vpc(l, vpc_node);

    /* Subnets first: interfaces and load balancers need their CIDRs. */
    for (const xmlNode *c = vpc_node->children; c && !error; c = c->next) {
        if (is_element(c, "subnet")) {
            error = resolve_subnet(l, c);
        } else if (is_element(c, "route-table")) {
            error = resolve_route_table(l, c);
        } else if (is_element(c, "network-acl")) {
            error = resolve_network_acl(l, c);
        } else if (is_element(c, "security-group")) {
            error = resolve_security_group(l, c);
        }
    }
    return error;
}

static char *
resolve_all(struct loader *l, const xmlNode *root)
{
    char *error = NULL;

    /* VPCs and their subnets, route tables, ACLs and groups, before the
     * objects that refer to subnets. */
    for (const xmlNode *a = root->children; a && !error; a = a->next) {
        error = check_abandoned(l);
        if (error || !is_element(a, "account")) {
            continue;
        }
        for (const xmlNode *c = a->children; c && !error; c = c->next) {
            if (is_element(c, "vpc")) {
                error = resolve_vpc_children(l, c);
            } else if (is_element(c, "security-group")) {
                error = resolve_security_group(l, c);
            } else if (is_element(c, "transit-gateway")) {
                error = resolve_tgw_peerings(l, c);
            }
        }
    }

    for (const xmlNode *a = root->children; a && !error; a = a->next) {
        error = check_abandoned(l);
        if (error || !is_element(a, "account")) {
            continue;
        }

        const struct sim_account *account = shash_find_data(
            &l->topo->accounts_by_id, required(a, "id"));
        for (const xmlNode *c = a->children; c && !error; c = c->next) {
            if (is_element(c, "vpc")) {
                for (const xmlNode *v = c->children; v && !error;
                     v = v->next) {
                    if (is_element(v, "network-interface")) {
                        error = resolve_eni(l, v);
                    }
                }
            } else if (is_element(c, "network-interface")) {
                error = resolve_eni(l, c);
            } else if (is_element(c, "vpc-peering")) {
                error = resolve_peering(l, c);
            } else if (is_element(c, "transit-gateway")) {
                error = resolve_tgw(l, c);
            } else if (is_element(c, "resource-share")) {
                error = resolve_share(l, c, account);
            } else if (is_element(c, "traffic-mirror-target")) {
                error = resolve_mirror_target(l, c);
            } else if (is_element(c, "traffic-mirror-session")) {
                error = resolve_mirror_session(l, c);
            }
        }
    }

    /* Load balancers and hypervisors refer to interfaces. */
    for (const xmlNode *a = root->children; a && !error; a = a->next) {
        if (is_element(a, "hypervisor")) {
            error = resolve_hypervisor(l, a);
        } else if (is_element(a, "account")) {
            for (const xmlNode *c = a->children; c && !error; c = c->next) {
                if (!is_element(c, "vpc")) {
                    continue;
                }
                for (const xmlNode *v = c->children; v && !error;
                     v = v->next) {
                    if (is_element(v, "load-balancer")) {
                        error = resolve_nlb(l, v);
                    }
                }
            }
        }
    }
    return error;
}

/* ---- Pass 3: cross-checks. ---- */

/* Checks that each network interface is in a subnet its account may use,
 * with security groups of its VPC, at an address of its own there. */
/* An ENI's address in its VPC, in check_enis(). */
struct eni_address {
    struct hmap_node node;      /* Hashed on the VPC and the address. */
    const struct sim_eni *eni;
};

static char *
check_enis(const struct loader *l)
{
    const struct sim_topology *topo = l->topo;
    struct hmap addresses = HMAP_INITIALIZER(&addresses);
    char *error = NULL;

    for (size_t i = 0; i < topo->n_enis && !error; i++) {
        const struct sim_eni *eni = topo->enis[i];
        const struct sim_subnet *subnet = eni->subnet;

        if (subnet->vpc->owner != eni->owner
            && !sset_contains(&subnet->shared_with, eni->owner->id)) {
            error = error_at(l, eni->line, "network-interface %s: subnet %s "
                             "belongs to account %s and is not shared with "
                             "account %s (shared-with)", eni->id, subnet->id,
                             subnet->vpc->owner->id, eni->owner->id);
            break;
        }
        for (size_t j = 0; j < eni->n_groups && !error; j++) {
            if (eni->groups[j]->vpc != subnet->vpc) {
                error = error_at(l, eni->line, "network-interface %s: "
                                 "security group %s is in %s, not in %s",
                                 eni->id, eni->groups[j]->id,
                                 eni->groups[j]->vpc->id, subnet->vpc->id);
            }
        }

        /* One address per VPC. */
        uint32_t hash = hash_pointer(subnet->vpc,
                                     hash_bytes(&eni->ip, sizeof eni->ip, 0));
        const struct eni_address *other = NULL;
        const struct eni_address *a;

        HMAP_FOR_EACH_WITH_HASH (a, node, hash, &addresses) {
            if (a->eni->subnet->vpc == subnet->vpc
                && ipv6_addr_equals(&a->eni->ip, &eni->ip)) {
                other = a;
                break;
            }
        }
        if (other && !error) {
            error = error_at(l, eni->line, "network-interface %s has the "
                             "address of %s (line %d) in %s", eni->id,
                             other->eni->id, other->eni->line,
                             subnet->vpc->id);
        }
        if (!other) {
            struct eni_address *new = xmalloc(sizeof *new);

            new->eni = eni;
            hmap_insert(&addresses, &new->node, hash);
        }
    }

    struct eni_address *a;
    HMAP_FOR_EACH_POP (a, node, &addresses) {
        free(a);
    }
    hmap_destroy(&addresses);
    return error;
}

static char *
cross_check(struct loader *l)
{
    const struct sim_topology *topo = l->topo;

    for (size_t i = 0; i < topo->n_groups; i++) {
        const struct sim_security_group *sg = topo->groups[i];

        if (!sim_vpc_usable_by(topo, sg->vpc, sg->owner)) {
            return error_at(l, sg->line, "security-group %s: account %s "
                            "may not create it in %s, which belongs to "
                            "account %s and has no subnet shared with it",
                            sg->id, sg->owner->id, sg->vpc->id,
                            sg->vpc->owner->id);
        }
    }

    char *error = check_enis(l);
    if (error) {
        return error;
    }

    for (size_t i = 0; i < topo->n_route_tables; i++) {
        const struct sim_route_table *rtb = topo->route_tables[i];

        for (size_t j = 0; j < rtb->n_routes; j++) {
            const struct sim_route *route = &rtb->routes[j];
            const struct sim_peering *pcx;
            const struct sim_tgw *tgw;

            if (!route->target) {
                continue;
            }
            pcx = shash_find_data(&topo->peerings_by_id, route->target);
            if (pcx && pcx->requester != rtb->vpc
                && pcx->accepter != rtb->vpc) {
                return error_at(l, route->line, "route table %s of %s: "
                                "peering connection %s joins %s and %s, "
                                "not %s", rtb->id, rtb->vpc->id, pcx->id,
                                pcx->requester->id, pcx->accepter->id,
                                rtb->vpc->id);
            }
            tgw = shash_find_data(&topo->tgws_by_id, route->target);
            if (tgw && !sim_tgw_attachment_of(tgw, rtb->vpc)) {
                return error_at(l, route->line, "route table %s: %s has no "
                                "attachment to transit gateway %s",
                                rtb->id, rtb->vpc->id, tgw->id);
            }
        }
    }

    for (size_t i = 0; i < topo->n_peerings; i++) {
        const struct sim_peering *pcx = topo->peerings[i];

        if (!pcx->active) {
            continue;
        }
        for (size_t a = 0; a < pcx->requester->n_cidrs; a++) {
            for (size_t b = 0; b < pcx->accepter->n_cidrs; b++) {
                if (tm_cidrs_overlap(&pcx->requester->cidrs[a],
                                     &pcx->accepter->cidrs[b])) {
                    struct ds s = DS_EMPTY_INITIALIZER;

                    tm_cidr_format(&pcx->requester->cidrs[a], &s);
                    ds_put_format(&s, " of %s and ", pcx->requester->id);
                    tm_cidr_format(&pcx->accepter->cidrs[b], &s);
                    ds_put_format(&s, " of %s", pcx->accepter->id);
                    error = error_at(l, pcx->line, "vpc-peering %s is "
                                     "active but its VPCs overlap (%s): "
                                     "overlapping CIDRs cannot be peered",
                                     pcx->id, ds_cstr(&s));
                    ds_destroy(&s);
                    return error;
                }
            }
        }
    }
    return NULL;
}

/* ---- Pass 4: the mirroring model. ---- */

/* Codes of the model that mean the input is not usable, rather than that a
 * rule of traffic mirroring is broken. */
static bool
is_input_error(const struct tm_error *error)
{
    return (error->code == TM_ERR_INVALID_VALUE
            || error->code == TM_ERR_MISSING_VALUE
            || error->code == TM_ERR_NOT_FOUND
            || error->code == TM_ERR_DUPLICATE_ID);
}

static char *
model_error(const struct loader *l, int line, const char *what,
            struct tm_error *tm_error)
{
    char *msg = tm_error_to_string(tm_error);
    char *error = error_at(l, line, "%s: %s", what, msg);

    free(msg);
    tm_error_destroy(tm_error);
    return error;
}

/* Appends 'error' to the 'n' errors in 'errors' and returns the new
 * array. */
static struct tm_error **
push_error(struct tm_error **errors, size_t *n, struct tm_error *error)
{
    errors = xrealloc(errors, (*n + 1) * sizeof *errors);
    errors[(*n)++] = error;
    return errors;
}

static char *
fill_model(struct loader *l)
{
    struct sim_topology *topo = l->topo;
    struct tm_error *e;

    for (size_t i = 0; i < topo->n_enis; i++) {
        const struct sim_eni *eni = topo->enis[i];
        const struct sim_vpc *vpc = sim_eni_vpc(eni);
        struct tm_eni_spec spec = {
            .id = eni->id,
            .owner = eni->owner->id,
            .subnet_owner = vpc->owner->id,
            .instance_type = eni->instance_type,
            .mtu = eni->mtu,
        };

        e = tm_model_add_eni_parsed(topo->model, &spec, &eni->ip,
                                    &vpc->cidrs[0]);
        if (e) {
            return model_error(l, eni->line, "network-interface", e);
        }
    }
    for (size_t i = 0; i < topo->n_nlbs; i++) {
        e = tm_model_add_nlb(topo->model, topo->nlbs[i]->id,
                             topo->nlbs[i]->owner->id);
        if (e) {
            return model_error(l, topo->nlbs[i]->line, "load-balancer", e);
        }
    }

    for (size_t i = 0; i < topo->n_targets; i++) {
        struct sim_mirror_target *target = topo->targets[i];
        struct tm_target_spec spec = {
            .id = target->id,
            .network_interface_id = target->eni ? target->eni->id : NULL,
            .network_load_balancer_arn = target->nlb ? target->nlb->id : NULL,
        };

        e = tm_create_target(topo->model, target->owner->id, &spec, NULL);
        if (e && is_input_error(e)) {
            return model_error(l, target->line, "traffic-mirror-target", e);
        } else if (e) {
            target->errors = push_error(target->errors, &target->n_errors,
                                        e);
        }
    }

    for (size_t i = 0; i < topo->n_filters; i++) {
        struct sim_mirror_filter *filter = topo->filters[i];
        const xmlNode *node = l->filter_nodes.nodes[i];
        struct tm_filter_spec spec = {
            .id = filter->id,
            .description = attr(node, "description"),
            .network_services = attr(node, "network-services"),
        };

        e = tm_create_filter(topo->model, filter->owner->id, &spec, NULL);
        if (e && is_input_error(e)) {
            return model_error(l, filter->line, "traffic-mirror-filter", e);
        } else if (e) {
            filter->errors = push_error(filter->errors, &filter->n_errors,
                                        e);
            continue;
        }

        for (const xmlNode *c = node->children; c; c = c->next) {
            if (!is_element(c, "rule")) {
                continue;
            }

            struct tm_rule_spec rule = {
                .direction = required(c, "direction"),
                .rule_number = TM_UNSET,
                .action = required(c, "rule-action"),
                .protocol = attr(c, "protocol"),
                .source_port_range = attr(c, "source-port-range"),
                .destination_port_range = attr(c, "destination-port-range"),
                .source_cidr = required(c, "source-cidr"),
                .destination_cidr = required(c, "destination-cidr"),
                .description = attr(c, "description"),
            };
            char *error = parse_int_attr(l, c, "rule-number",
                                         &rule.rule_number);
            if (error) {
                return error;
            }
            e = tm_create_rule(topo->model, filter->owner->id, filter->id,
                               &rule, NULL);
            if (e && is_input_error(e)) {
                return model_error(l, line_of(c), "traffic-mirror-filter "
                                   "rule", e);
            } else if (e) {
                filter->errors = push_error(filter->errors, &filter->n_errors,
                                            e);
            }
        }
    }

    for (size_t i = 0; i < topo->n_sessions; i++) {
        struct sim_mirror_session *session = topo->sessions[i];
        const xmlNode *node = l->session_nodes.nodes[i];
        struct tm_session_spec spec = {
            .id = session->id,
            .network_interface_id = session->source->id,
            .target_id = session->target->id,
            .filter_id = session->filter->id,
            .session_number = TM_UNSET,
            .vni = TM_UNSET,
            .packet_length = TM_UNSET,
            .description = attr(node, "description"),
        };
        char *error;

        error = parse_int_attr(l, node, "session-number",
                               &spec.session_number);
        if (!error) {
            error = parse_int_attr(l, node, "virtual-network-id", &spec.vni);
        }
        if (!error) {
            error = parse_int_attr(l, node, "packet-length",
                                   &spec.packet_length);
        }
        if (error) {
            return error;
        }

        /* A target or filter that the model refused does not exist in it:
         * the session is invalid for their reasons, not for a missing
         * object. */
        if (!tm_model_find_target(topo->model, session->target->id)
            || !tm_model_find_filter(topo->model, session->filter->id)) {
            continue;
        }
        e = tm_create_session(topo->model, session->owner->id, &spec, NULL);
        if (e && is_input_error(e)) {
            return model_error(l, session->line, "traffic-mirror-session",
                               e);
        } else if (e) {
            session->errors = push_error(session->errors, &session->n_errors,
                                         e);
        }
    }
    return NULL;
}

/* Reads the validated-or-being-validated 'doc' into a topology, in the
 * four passes described at the top of this file. */
static char *
read_doc(struct loader *l, const xmlDoc *doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    char *error;

    l->topo = sim_topology_create(l->file_name);
    hmap_init(&l->ids);
    hmap_reserve(&l->ids, l->n_elements);
    shash_init(&l->placed);
    if (root) {
        l->topo->region = nullable_xstrdup(attr(root, "region"));
        error = declare_all(l, root);
    } else {
        /* Only in a document that the validation refuses. */
        error = xstrdup("no root element");
    }
    if (!error) {
        error = resolve_all(l, root);
    }
    if (!error) {
        error = check_abandoned(l);
    }
    if (!error) {
        error = cross_check(l);
    }
    if (!error) {
        error = check_abandoned(l);
    }
    if (!error) {
        error = fill_model(l);
    }

    hmap_destroy(&l->ids);
    for (size_t i = 0; i < l->n_blocks; i++) {
        free(l->blocks[i]);
    }
    free(l->blocks);
    shash_destroy(&l->placed);
    free(l->filter_nodes.nodes);
    free(l->session_nodes.nodes);
    return error;
}

static void *
validate_main(void *v_)
{
    struct validation *v = v_;

    v->error = sim_topology_validate(v->file_name, v->doc);
    atomic_store_relaxed(&v->failed, v->error != NULL);
    return NULL;
}

static bool parallel_load = true;

void
sim_topology_set_parallel_load(bool parallel)
{
    parallel_load = parallel;
}

/* Validates 'doc' and reads it into '*topop'.
 *
 * The validation and the reading are the two halves of a load's work
 * after the parse, so they run side by side: the validation on a thread of
 * its own, the reading on the caller's (whose random numbers make up the
 * model's ids).  Both only read the tree, except for two fields that each
 * has to itself: the loader keeps its objects in the elements' '_private',
 * libxml2's RelaxNG validation marks the elements it validated in their
 * 'psvi' (the big line numbers that xmlGetLineNo() reads are kept in the
 * 'psvi' of text nodes, which the validation leaves alone).  The thread
 * only uses libxml2 and the project's own code, with no state shared with
 * the caller but 'struct validation', and it is joined before this
 * returns, so that callers see a load as single-threaded as before.
 *
 * The validation's verdict comes first, as if it had run alone: a
 * document that does not match the schema gets the validation's error,
 * whatever the loader made of it (the loader never assumes more than a
 * well-formed document: what the schema requires and it reads, it checks
 * or reads as empty), and the loader gives up early once the validation
 * has failed. */
static char *
load_doc(const char *file_name, xmlDocPtr doc, size_t n_elements,
         struct sim_topology **topop)
{
    struct validation v = { .file_name = file_name, .doc = doc };
    struct loader l = { .file_name = file_name, .n_elements = n_elements };
    pthread_t thread;
    char *error;

    *topop = NULL;
    atomic_init(&v.failed, false);
    if (parallel_load && !pthread_create(&thread, NULL, validate_main, &v)) {
        l.validation = &v;
        error = read_doc(&l, doc);
        xpthread_join(thread, NULL);
    } else {
        /* One after the other, as asked or for want of a thread. */
        validate_main(&v);
        error = v.error ? NULL : read_doc(&l, doc);
    }

    if (v.error) {
        free(error);
        error = v.error;
    }
    if (error) {
        sim_topology_destroy(l.topo);
        return error;
    }
    *topop = l.topo;
    return NULL;
}

static const int parse_options = (XML_PARSE_NONET | XML_PARSE_NOWARNING
                                  | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA
                                  | XML_PARSE_COMPACT);

/* What parse() learns while libxml2 parses. */
struct parse_state {
    struct first_error first;
    int doctype_line;           /* Line of a DOCTYPE, or 0 if none. */
    size_t n_elements;          /* Elements seen. */
};

/* libxml2's SAX handler for the start of an element, counting it. */
static void
count_element(void *ctxt_, const xmlChar *localname, const xmlChar *prefix,
              const xmlChar *uri, int n_namespaces,
              const xmlChar **namespaces, int n_attributes, int n_defaulted,
              const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctxt_;
    struct parse_state *state = ctxt->_private;

    state->n_elements++;
    xmlSAX2StartElementNs(ctxt, localname, prefix, uri, n_namespaces,
                          namespaces, n_attributes, n_defaulted, attributes);
}

/* libxml2's SAX handler for a DOCTYPE.  A topology file needs no document
 * type: its declarations would change how attribute values read (an
 * entity reference in "4&x;", attribute defaults, normalization of
 * declared types) in ways that the schema, the loader and other XML tools
 * do not agree on.  So parse() refuses a file that has one, at its line.
 * (Stopping the parser here would be quicker, but libxml2 2.9 then loops
 * in the internal subset.) */
static void
note_doctype(void *ctxt_, const xmlChar *name, const xmlChar *external_id,
             const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctxt_;
    struct parse_state *state = ctxt->_private;

    if (!state->doctype_line) {
        state->doctype_line = ctxt->input ? MAX(ctxt->input->line, 1) : 1;
    }
    xmlSAX2InternalSubset(ctxt, name, external_id, system_id);
}

/* Parses the 'size' bytes at 'buffer', read from 'file_name', into
 * '*docp', and counts its elements into '*n_elements'.  Returns NULL, or
 * an error that names the line of the first problem. */
static char *
parse(const char *file_name, const char *buffer, size_t size,
      xmlDocPtr *docp, size_t *n_elements)
{
    struct parse_state state = { .first = { .message = NULL } };
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    char *error = NULL;

    *n_elements = 0;
    if (size > INT_MAX) {
        xmlFreeParserCtxt(ctxt);
        *docp = NULL;
        return xasprintf("%s: larger than the %d bytes that the XML parser "
                         "reads", file_name, INT_MAX);
    }
    ctxt->_private = &state;
    ctxt->sax->internalSubset = note_doctype;
    ctxt->sax->startElementNs = count_element;

    /* The parser reports every error to the structured handler, which
     * keeps the first: later ones tend to be consequences. */
    xmlSetStructuredErrorFunc(&state.first, sim_xml_record_error);
    *docp = xmlCtxtReadMemory(ctxt, buffer, size, file_name, NULL,
                              parse_options);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (state.doctype_line) {
        error = xasprintf("%s:%d: DOCTYPE: a topology file takes no "
                          "document type declaration (it could change how "
                          "attribute values read); remove it", file_name,
                          state.doctype_line);
    } else if (!*docp || !ctxt->wellFormed) {
        error = xasprintf("%s:%d: not well-formed XML: %s", file_name,
                          state.first.line,
                          (state.first.message ? state.first.message
                           : "cannot parse"));
    }
    if (error) {
        xmlFreeDoc(*docp);
        *docp = NULL;
    }
    free(state.first.message);
    xmlFreeParserCtxt(ctxt);
    *n_elements = state.n_elements;
    return error;
}

/* Reads all of 'file', named 'file_name' in messages, into '*buffer' and
 * '*size'.  Input that is not a regular file (standard input, a pipe, a
 * device) may be endless: it is read up to SIM_TOPOLOGY_STREAM_MAX bytes,
 * and refused beyond. */
static char *
read_all(FILE *file, const char *file_name, char **buffer, size_t *size)
{
    size_t allocated = 64 * 1024;
    struct stat st;
    size_t max = SIZE_MAX - 1;
    size_t n = 0;

    if (!fstat(fileno(file), &st) && S_ISREG(st.st_mode)) {
        allocated = st.st_size + 1;
    } else {
        max = SIM_TOPOLOGY_STREAM_MAX;
    }
    *buffer = xmalloc(allocated);
    for (;;) {
        if (n >= allocated) {
            *buffer = x2nrealloc(*buffer, &allocated, 1);
        }

        /* One byte beyond 'max' tells that there is more. */
        size_t chunk = MIN(allocated - n, max - n + 1);
        size_t got = fread(*buffer + n, 1, chunk, file);
        n += got;
        if (n > max) {
            free(*buffer);
            *buffer = NULL;
            return xasprintf("%s: more than the %d MiB that are read from "
                             "standard input or a pipe (give a regular "
                             "file)", file_name,
                             SIM_TOPOLOGY_STREAM_MAX / (1024 * 1024));
        }
        if (got < chunk) {
            if (ferror(file)) {
                free(*buffer);
                *buffer = NULL;
                return xasprintf("%s: read error: %s", file_name,
                                 ovs_strerror(errno));
            }
            break;
        }
    }
    *size = n;
    return NULL;
}

/* Loads the topology in file 'file_name' ("-" for standard input) into
 * '*topop'.  Returns NULL on success, otherwise an error message
 * "FILE:LINE: what is wrong", which the caller must free; '*topop' is
 * then NULL. */
char *
sim_topology_load(const char *file_name, struct sim_topology **topop)
{
    bool is_stdin = !strcmp(file_name, "-");
    const char *name = is_stdin ? "standard input" : file_name;
    FILE *file = is_stdin ? stdin : fopen(file_name, "r");
    char *buffer = NULL;
    size_t size = 0;
    char *error;

    *topop = NULL;
    if (!file) {
        return xasprintf("%s: cannot open: %s", file_name,
                         ovs_strerror(errno));
    }
    error = read_all(file, name, &buffer, &size);
    if (!is_stdin) {
        fclose(file);
    }
    if (!error) {
        error = sim_topology_load_memory(name, buffer, size, topop);
        free(buffer);
    }
    return error;
}

static void *
free_nodes_main(void *nodes)
{
    xmlFreeNodeList(nodes);
    return NULL;
}

/* Frees 'doc'.  A large tree takes a while to free: unless loads are on
 * one thread, the second half of the root's children is freed on a second
 * thread meanwhile.  libxml2 only reads the document's dictionary while it
 * frees nodes, and frees the dictionary last, with the document, after
 * the thread is joined. */
static void
free_doc(xmlDocPtr doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t n = 0;

    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        n++;
    }
    if (parallel_load && n >= 2) {
        xmlNode *half = root->children;
        xmlNode *first_last, *last = root->last;
        pthread_t thread;

        for (size_t i = 0; i < n / 2; i++) {
            half = half->next;
        }
        first_last = half->prev;
        first_last->next = half->prev = NULL;
        root->last = first_last;
        if (!pthread_create(&thread, NULL, free_nodes_main, half)) {
            xmlFreeNodeList(root->children);
            root->children = root->last = NULL;
            xpthread_join(thread, NULL);
        } else {
            first_last->next = half;
            half->prev = first_last;
            root->last = last;
        }
    }
    xmlFreeDoc(doc);
}

/* Like sim_topology_load(), for a topology held in memory; 'file_name' is
 * only used in messages. */
char *
sim_topology_load_memory(const char *file_name, const char *buffer,
                         size_t size, struct sim_topology **topop)
{
    size_t n_elements;
    xmlDocPtr doc;
    char *error;

    *topop = NULL;
    error = parse(file_name, buffer ? buffer : "", buffer ? size : 0, &doc,
                  &n_elements);
    if (!error) {
        error = load_doc(file_name, doc, n_elements, topop);
        free_doc(doc);
    }
    return error;
}
