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

#include "tmirror/db.h"

#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "ovs-plugin/traffic-mirror-idl.h"
#include "sset.h"
#include "svec.h"
#include "tmirror/model.h"
#include "tmirror/topology.h"
#include "util.h"

/* The document of a database without a topology. */
static const char empty_topology[] =
    "<topology xmlns=\"urn:ovs-tmirror:topology:1\"/>\n";

static const struct tmrec_global *
get_global(const struct ovsdb_idl *idl)
{
    return tmrec_global_first(CONST_CAST(struct ovsdb_idl *, idl));
}

/* Returns the name of the file that the database's topology was loaded
 * from, or TM_DB_TOPOLOGY_NAME. */
const char *
tm_db_topology_name(const struct ovsdb_idl *idl)
{
    const struct tmrec_global *global = get_global(idl);

    return (global && global->topology_name && global->topology_name[0]
            ? global->topology_name : TM_DB_TOPOLOGY_NAME);
}

static xmlNode *
find_account(xmlNode *root, const char *id)
{
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && !xmlStrcmp(c->name, BAD_CAST "account")) {
            xmlChar *a = xmlGetProp(c, BAD_CAST "id");
            bool match = a && !strcmp((const char *) a, id);

            xmlFree(a);
            if (match) {
                return c;
            }
        }
    }
    return NULL;
}

/* Adds an element 'name' for the object 'id' of 'owner' to the account
 * element of 'owner', on a line of its own, or returns an error if the
 * topology has no such account. */
static char * OVS_WARN_UNUSED_RESULT
add_object(xmlNode *root, const char *owner, const char *name,
           const char *id, xmlNode **nodep)
{
    xmlNode *account = find_account(root, owner);

    if (!account) {
        return xasprintf("%s %s: its owner, account %s, is not in the "
                         "topology", name, id, owner);
    }
    xmlAddChild(account, xmlNewText(BAD_CAST "\n"));
    *nodep = xmlNewChild(account, account->ns, BAD_CAST name, NULL);
    xmlNewProp(*nodep, BAD_CAST "id", BAD_CAST id);
    return NULL;
}

static void
set_attr(xmlNode *node, const char *name, const char *value)
{
    if (value && value[0]) {
        xmlNewProp(node, BAD_CAST name, BAD_CAST value);
    }
}

static void
set_int_attr(xmlNode *node, const char *name, int64_t value)
{
    char s[32];

    snprintf(s, sizeof s, "%"PRId64, value);
    xmlNewProp(node, BAD_CAST name, BAD_CAST s);
}

static void
set_list_attr(xmlNode *node, const char *name, char **values, size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s%s", i ? " " : "", values[i]);
    }
    set_attr(node, name, ds_cstr(&s));
    ds_destroy(&s);
}

static const char *
nonempty(const char *s)
{
    return s && s[0] ? s : NULL;
}

/* Returns the port range whose ends are 'from' and 'to' (each given if its
 * 'n_' is nonzero) as text in 'buf', or NULL if neither is given.  A range
 * with one end only is written as it is, for the model to refuse. */
static const char *
port_range_text(const int64_t *from, size_t n_from,
                const int64_t *to, size_t n_to, char *buf, size_t size)
{
    if (!n_from && !n_to) {
        return NULL;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    if (n_from) {
        ds_put_format(&s, "%"PRId64, *from);
    }
    ds_put_char(&s, '-');
    if (n_to) {
        ds_put_format(&s, "%"PRId64, *to);
    }
    ovs_strlcpy(buf, ds_cstr(&s), size);
    ds_destroy(&s);
    return buf;
}

struct keyed_row {
    const char *id;
    const struct ovsdb_idl_row *row;
};

static int
compare_keyed_rows(const void *a_, const void *b_)
{
    const struct keyed_row *a = a_;
    const struct keyed_row *b = b_;

    return strcmp(a->id, b->id);
}

/* Returns the rows of 'table' in 'idl' in a new array, sorted by their
 * string column 'id', and their number in '*n': documents made from one
 * database are the same whatever order the IDL keeps the rows in. */
static const void **
sorted_rows(struct ovsdb_idl *idl, const struct ovsdb_idl_table_class *table,
            const struct ovsdb_idl_column *id, size_t *n)
{
    struct keyed_row *keyed = NULL;
    size_t allocated = 0;

    *n = 0;
    for (const struct ovsdb_idl_row *row = ovsdb_idl_first_row(idl, table);
         row; row = ovsdb_idl_next_row(row)) {
        if (*n >= allocated) {
            keyed = x2nrealloc(keyed, &allocated, sizeof *keyed);
        }
        struct keyed_row *k = &keyed[(*n)++];

        k->id = ovsdb_idl_read(row, id)->keys[0].s->string;
        k->row = row;
    }
    if (*n) {
        qsort(keyed, *n, sizeof *keyed, compare_keyed_rows);
    }

    const void **rows = xmalloc((*n ? *n : 1) * sizeof *rows);
    for (size_t i = 0; i < *n; i++) {
        rows[i] = keyed[i].row;
    }
    free(keyed);
    return rows;
}

static char * OVS_WARN_UNUSED_RESULT
add_share(xmlNode *root, const struct sset *targets, const void *row_)
{
    const struct tmrec_resource_share *share = row_;
    struct svec resources = SVEC_EMPTY_INITIALIZER;
    xmlNode *node;
    char *error;

    /* A share's resources are traffic mirror targets; one whose target
     * was deleted shares nothing more. */
    for (size_t i = 0; i < share->n_resources; i++) {
        if (sset_contains(targets, share->resources[i])) {
            svec_add(&resources, share->resources[i]);
        }
    }
    if (!resources.n) {
        return NULL;
    }

    error = add_object(root, share->owner_id, "resource-share",
                       share->resource_share_id, &node);
    if (!error) {
        set_list_attr(node, "resources", resources.names, resources.n);
        set_list_attr(node, "principals", share->principals,
                      share->n_principals);
        set_attr(node, "status", share->status);
    }
    svec_destroy(&resources);
    return error;
}

static char * OVS_WARN_UNUSED_RESULT
add_target(xmlNode *root, const struct sset *targets OVS_UNUSED,
           const void *row_)
{
    const struct tmrec_traffic_mirror_target *target = row_;
    xmlNode *node;
    char *error;

    error = add_object(root, target->owner_id, "traffic-mirror-target",
                       target->traffic_mirror_target_id, &node);
    if (!error) {
        set_attr(node, "network-interface", target->network_interface_id);
        set_attr(node, "network-load-balancer",
                 target->network_load_balancer_arn);
        set_attr(node, "description", target->description);
    }
    return error;
}

static int
compare_rules(const void *a_, const void *b_)
{
    const struct tmrec_traffic_mirror_filter_rule *const *a = a_;
    const struct tmrec_traffic_mirror_filter_rule *const *b = b_;
    int d = strcmp((*a)->traffic_direction, (*b)->traffic_direction);

    return (d ? -d              /* "ingress" first. */
            : (*a)->rule_number < (*b)->rule_number ? -1
            : (*a)->rule_number > (*b)->rule_number);
}

/* Returns the rules of 'filter' in a new array, ingress first, each
 * direction in ascending rule number.  The caller frees the array. */
struct tmrec_traffic_mirror_filter_rule **
tm_db_sorted_rules(const struct tmrec_traffic_mirror_filter *filter)
{
    struct tmrec_traffic_mirror_filter_rule **rules
        = xmalloc((filter->n_rules ? filter->n_rules : 1) * sizeof *rules);

    if (filter->n_rules) {
        memcpy(rules, filter->rules, filter->n_rules * sizeof *rules);
        qsort(rules, filter->n_rules, sizeof *rules, compare_rules);
    }
    return rules;
}

/* Fills 'spec' with the rule of 'row' as a topology document writes it
 * (and the loader gives it to the model): a column without a value as an
 * absent attribute, numbers and port ranges as text, kept in 'text'. */
void
tm_db_rule_spec(const struct tmrec_traffic_mirror_filter_rule *row,
                struct tm_rule_spec *spec, struct tm_db_rule_text *text)
{
    *spec = (struct tm_rule_spec) {
        .direction = nonempty(row->traffic_direction),
        .rule_number = row->rule_number,
        .action = nonempty(row->rule_action),
        .source_cidr = nonempty(row->source_cidr_block),
        .destination_cidr = nonempty(row->destination_cidr_block),
        .description = nonempty(row->description),
    };
    if (row->n_protocol) {
        snprintf(text->protocol, sizeof text->protocol, "%"PRId64,
                 *row->protocol);
        spec->protocol = text->protocol;
    }
    spec->source_port_range = port_range_text(
        row->source_from_port, row->n_source_from_port,
        row->source_to_port, row->n_source_to_port, text->source_ports,
        sizeof text->source_ports);
    spec->destination_port_range = port_range_text(
        row->destination_from_port, row->n_destination_from_port,
        row->destination_to_port, row->n_destination_to_port,
        text->destination_ports, sizeof text->destination_ports);
}

static char * OVS_WARN_UNUSED_RESULT
add_filter(xmlNode *root, const struct sset *targets OVS_UNUSED,
           const void *row_)
{
    const struct tmrec_traffic_mirror_filter *filter = row_;
    xmlNode *node;
    char *error;

    error = add_object(root, filter->owner_id, "traffic-mirror-filter",
                       filter->traffic_mirror_filter_id, &node);
    if (error) {
        return error;
    }
    set_attr(node, "network-services", filter->network_services);
    set_attr(node, "description", filter->description);

    struct tmrec_traffic_mirror_filter_rule **rules
        = tm_db_sorted_rules(filter);
    for (size_t i = 0; i < filter->n_rules; i++) {
        xmlNode *rule = xmlNewChild(node, node->ns, BAD_CAST "rule", NULL);
        struct tm_db_rule_text text;
        struct tm_rule_spec spec;

        tm_db_rule_spec(rules[i], &spec, &text);
        set_attr(rule, "direction", spec.direction);
        set_int_attr(rule, "rule-number", spec.rule_number);
        set_attr(rule, "rule-action", spec.action);
        set_attr(rule, "protocol", spec.protocol);
        set_attr(rule, "source-cidr", spec.source_cidr);
        set_attr(rule, "destination-cidr", spec.destination_cidr);
        set_attr(rule, "source-port-range", spec.source_port_range);
        set_attr(rule, "destination-port-range",
                 spec.destination_port_range);
        set_attr(rule, "description", spec.description);
    }
    free(rules);
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
add_session(xmlNode *root, const struct sset *targets OVS_UNUSED,
            const void *row_)
{
    const struct tmrec_traffic_mirror_session *session = row_;
    xmlNode *node;
    char *error;

    if (!session->traffic_mirror_target) {
        /* Inactive: its shared target was deleted. */
        return NULL;
    }
    error = add_object(root, session->owner_id, "traffic-mirror-session",
                       session->traffic_mirror_session_id, &node);
    if (error) {
        return error;
    }
    set_attr(node, "network-interface", session->network_interface_id);
    set_attr(node, "traffic-mirror-target",
             session->traffic_mirror_target->traffic_mirror_target_id);
    set_attr(node, "traffic-mirror-filter",
             session->traffic_mirror_filter->traffic_mirror_filter_id);
    set_int_attr(node, "session-number", session->session_number);
    set_int_attr(node, "virtual-network-id", session->virtual_network_id);
    if (session->n_packet_length) {
        set_int_attr(node, "packet-length", *session->packet_length);
    }
    set_attr(node, "description", session->description);
    return NULL;
}

/* Adds to 'root' the rows of the database's tables, in order of id. */
static char * OVS_WARN_UNUSED_RESULT
add_rows(const struct ovsdb_idl *idl_, xmlNode *root)
{
    struct ovsdb_idl *idl = CONST_CAST(struct ovsdb_idl *, idl_);
    static const struct {
        const struct ovsdb_idl_table_class *table;
        const struct ovsdb_idl_column *id;
        char *(*add)(xmlNode *root, const struct sset *targets,
                     const void *row);
    } kinds[] = {
        {&tmrec_table_resource_share,
         &tmrec_resource_share_col_resource_share_id, add_share},
        {&tmrec_table_traffic_mirror_target,
         &tmrec_traffic_mirror_target_col_traffic_mirror_target_id,
         add_target},
        {&tmrec_table_traffic_mirror_filter,
         &tmrec_traffic_mirror_filter_col_traffic_mirror_filter_id,
         add_filter},
        {&tmrec_table_traffic_mirror_session,
         &tmrec_traffic_mirror_session_col_traffic_mirror_session_id,
         add_session},
    };
    struct sset targets = SSET_INITIALIZER(&targets);
    char *error = NULL;

    const struct tmrec_traffic_mirror_target *target;
    TMREC_TRAFFIC_MIRROR_TARGET_FOR_EACH (target, idl) {
        sset_add(&targets, target->traffic_mirror_target_id);
    }
    for (size_t i = 0; i < ARRAY_SIZE(kinds) && !error; i++) {
        size_t n;
        const void **rows = sorted_rows(idl, kinds[i].table, kinds[i].id,
                                        &n);

        for (size_t j = 0; j < n && !error; j++) {
            error = kinds[i].add(root, &targets, rows[j]);
        }
        free(rows);
    }
    sset_destroy(&targets);
    return error;
}

/* Puts into 'xml' the topology document that 'idl' describes: the network
 * of its Global row (or an empty one) with its resource shares, traffic
 * mirror targets, filters and sessions added to the elements of the
 * accounts that own them.  Sessions without a target (inactive) are left
 * out.  Filter rules are written without their ids, which topology
 * documents do not have: a rule is known by its filter, direction and rule
 * number, which are unique.  Returns NULL, or an error, which the caller
 * must free. */
char *
tm_db_topology_document(const struct ovsdb_idl *idl, struct ds *xml)
{
    const struct tmrec_global *global = get_global(idl);
    const char *text = (global && global->topology ? global->topology
                        : empty_topology);
    const char *name = tm_db_topology_name(idl);
    char *error = NULL;

    xmlDoc *doc = xmlReadMemory(text, strlen(text), name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR
                                | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        error = xasprintf("%s: the topology stored in the database is not "
                          "well formed", name);
    } else {
        error = add_rows(idl, root);
    }
    if (!error) {
        xmlChar *buf;
        int size;

        xmlDocDumpMemory(doc, &buf, &size);
        ds_put_buffer(xml, (const char *) buf, size);
        xmlFree(buf);
    }
    xmlFreeDoc(doc);
    return error;
}

/* Loads into '*topop' a topology that holds only 'filter', in an account
 * of its owner, as tm_db_topology_document() writes it: so it goes
 * through the same schema and model checks as in the whole document (but
 * for the limits on all the filters of an account).  Returns NULL, or an
 * error, which the caller must free. */
char *
tm_db_load_filter(const struct tmrec_traffic_mirror_filter *filter,
                  struct sim_topology **topop)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "topology");
    xmlNode *account;
    char *error;

    *topop = NULL;
    xmlDocSetRootElement(doc, root);
    xmlSetNs(root, xmlNewNs(root, BAD_CAST "urn:ovs-tmirror:topology:1",
                            NULL));
    account = xmlNewChild(root, root->ns, BAD_CAST "account", NULL);
    xmlNewProp(account, BAD_CAST "id", BAD_CAST filter->owner_id);
    error = add_filter(root, NULL, filter);
    if (!error) {
        xmlChar *buf;
        int size;

        xmlDocDumpMemory(doc, &buf, &size);
        error = sim_topology_load_memory(TM_DB_TOPOLOGY_NAME,
                                         (const char *) buf, size, topop);
        xmlFree(buf);
    }
    xmlFreeDoc(doc);
    return error;
}

/* Loads the topology that 'idl' describes (see tm_db_topology_document())
 * with the simulator's loader into '*topop'.  The mirroring model of the
 * result holds every target, filter and session of the database that the
 * rules accept; the others carry the model's refusals.  Returns NULL, or
 * an error, which the caller must free. */
char *
tm_db_load_topology(const struct ovsdb_idl *idl, struct sim_topology **topop)
{
    struct ds xml = DS_EMPTY_INITIALIZER;
    char *error;

    *topop = NULL;
    error = tm_db_topology_document(idl, &xml);
    if (!error) {
        error = sim_topology_load_memory(tm_db_topology_name(idl),
                                         xml.string, xml.length, topop);
    }
    ds_destroy(&xml);
    return error;
}

/* ---- Writing rows. ---- */

static const struct tmrec_traffic_mirror_target *
find_target(struct ovsdb_idl *idl, const char *id)
{
    const struct tmrec_traffic_mirror_target *row;

    TMREC_TRAFFIC_MIRROR_TARGET_FOR_EACH (row, idl) {
        if (!strcmp(row->traffic_mirror_target_id, id)) {
            return row;
        }
    }
    return NULL;
}

static const struct tmrec_traffic_mirror_filter *
find_filter(struct ovsdb_idl *idl, const char *id)
{
    const struct tmrec_traffic_mirror_filter *row;

    TMREC_TRAFFIC_MIRROR_FILTER_FOR_EACH (row, idl) {
        if (!strcmp(row->traffic_mirror_filter_id, id)) {
            return row;
        }
    }
    return NULL;
}

/* Writes the model's 'rule' into the database's 'row' (all but its id). */
void
tm_db_write_rule(const struct tm_rule *rule,
                 const struct tmrec_traffic_mirror_filter_rule *row)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    int64_t protocol = rule->protocol;
    int64_t src[2] = { rule->src_ports.from, rule->src_ports.to };
    int64_t dst[2] = { rule->dst_ports.from, rule->dst_ports.to };

    tmrec_traffic_mirror_filter_rule_set_traffic_direction(
        row, tm_direction_to_string(rule->direction));
    tmrec_traffic_mirror_filter_rule_set_rule_number(row, rule->number);
    tmrec_traffic_mirror_filter_rule_set_rule_action(
        row, tm_rule_action_to_string(rule->action));
    tmrec_traffic_mirror_filter_rule_set_protocol(
        row, &protocol, rule->protocol != TM_PROTO_ALL);
    tmrec_traffic_mirror_filter_rule_set_source_from_port(
        row, &src[0], rule->has_src_ports);
    tmrec_traffic_mirror_filter_rule_set_source_to_port(
        row, &src[1], rule->has_src_ports);
    tmrec_traffic_mirror_filter_rule_set_destination_from_port(
        row, &dst[0], rule->has_dst_ports);
    tmrec_traffic_mirror_filter_rule_set_destination_to_port(
        row, &dst[1], rule->has_dst_ports);
    tm_cidr_format(&rule->src, &s);
    tmrec_traffic_mirror_filter_rule_set_source_cidr_block(row, ds_cstr(&s));
    ds_clear(&s);
    tm_cidr_format(&rule->dst, &s);
    tmrec_traffic_mirror_filter_rule_set_destination_cidr_block(row,
                                                                ds_cstr(&s));
    tmrec_traffic_mirror_filter_rule_set_description(row, rule->description);
    ds_destroy(&s);
}

/* Writes the model's 'session' into the database's 'row': its target and
 * filter (rows of 'idl' found by id), numbers and description. */
void
tm_db_write_session(struct ovsdb_idl *idl, const struct tm_session *session,
                    const struct tmrec_traffic_mirror_session *row)
{
    int64_t length = session->packet_length;

    tmrec_traffic_mirror_session_set_traffic_mirror_target(
        row, find_target(idl, session->target_id));
    tmrec_traffic_mirror_session_set_traffic_mirror_filter(
        row, find_filter(idl, session->filter->id));
    tmrec_traffic_mirror_session_set_session_number(row, session->number);
    tmrec_traffic_mirror_session_set_virtual_network_id(row, session->vni);
    tmrec_traffic_mirror_session_set_packet_length(
        row, &length, session->packet_length != 0);
    tmrec_traffic_mirror_session_set_description(row, session->description);
}

/* Inserts into 'txn' a row for the model's 'target', owned by its owner,
 * and returns it. */
const struct tmrec_traffic_mirror_target *
tm_db_insert_target(struct ovsdb_idl_txn *txn, const struct tm_target *t)
{
    const struct tmrec_traffic_mirror_target *row
        = tmrec_traffic_mirror_target_insert(txn);

    tmrec_traffic_mirror_target_set_traffic_mirror_target_id(row, t->id);
    tmrec_traffic_mirror_target_set_owner_id(row, t->owner);
    if (t->type == TM_TARGET_ENI) {
        tmrec_traffic_mirror_target_set_network_interface_id(row,
                                                             t->resource);
    } else {
        tmrec_traffic_mirror_target_set_network_load_balancer_arn(
            row, t->resource);
    }
    tmrec_traffic_mirror_target_set_description(row, t->description);
    tmrec_traffic_mirror_target_set_tags(row, &t->tags);
    return row;
}

/* Inserts into 'txn' a row for the model's 'filter', without its rules,
 * and returns it. */
const struct tmrec_traffic_mirror_filter *
tm_db_insert_filter(struct ovsdb_idl_txn *txn, const struct tm_filter *f)
{
    const struct tmrec_traffic_mirror_filter *row
        = tmrec_traffic_mirror_filter_insert(txn);

    tmrec_traffic_mirror_filter_set_traffic_mirror_filter_id(row, f->id);
    tmrec_traffic_mirror_filter_set_owner_id(row, f->owner);
    tmrec_traffic_mirror_filter_set_description(row, f->description);
    tmrec_traffic_mirror_filter_set_network_services(
        row, f->amazon_dns ? "amazon-dns" : NULL);
    tmrec_traffic_mirror_filter_set_tags(row, &f->tags);
    return row;
}

/* Inserts into 'txn' a row for the model's 'rule' and returns it; the
 * caller adds it to its filter's row. */
struct tmrec_traffic_mirror_filter_rule *
tm_db_insert_rule(struct ovsdb_idl_txn *txn, const struct tm_rule *rule)
{
    struct tmrec_traffic_mirror_filter_rule *row
        = tmrec_traffic_mirror_filter_rule_insert(txn);

    tmrec_traffic_mirror_filter_rule_set_traffic_mirror_filter_rule_id(
        row, rule->id);
    tm_db_write_rule(rule, row);
    return row;
}

/* Inserts into 'txn' a row for the model's 'session', whose target and
 * filter have rows in 'idl', and returns it. */
const struct tmrec_traffic_mirror_session *
tm_db_insert_session(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                     const struct tm_session *s)
{
    const struct tmrec_traffic_mirror_session *row
        = tmrec_traffic_mirror_session_insert(txn);

    tmrec_traffic_mirror_session_set_traffic_mirror_session_id(row, s->id);
    tmrec_traffic_mirror_session_set_owner_id(row, s->owner);
    tmrec_traffic_mirror_session_set_network_interface_id(row, s->eni);
    tmrec_traffic_mirror_session_set_tags(row, &s->tags);
    tm_db_write_session(idl, s, row);
    return row;
}

/* ---- Importing a topology file. ---- */

static bool
is_mirror_element(const xmlNode *node)
{
    static const char *const names[] = {
        "resource-share", "traffic-mirror-target", "traffic-mirror-filter",
        "traffic-mirror-session",
    };

    if (node->type != XML_ELEMENT_NODE) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!xmlStrcmp(node->name, BAD_CAST names[i])) {
            return true;
        }
    }
    return false;
}

/* Adds to 'txn' a Resource_Share row for 'node', a resource-share element
 * of 'account'. */
static void
import_share(struct ovsdb_idl_txn *txn, const char *account,
             const xmlNode *node)
{
    const struct tmrec_resource_share *row
        = tmrec_resource_share_insert(txn);
    xmlChar *id = xmlGetProp(node, BAD_CAST "id");
    xmlChar *status = xmlGetProp(node, BAD_CAST "status");
    static const char *const lists[] = { "resources", "principals" };

    tmrec_resource_share_set_resource_share_id(row, (const char *) id);
    tmrec_resource_share_set_owner_id(row, account);
    tmrec_resource_share_set_status(row, (const char *) status);
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        xmlChar *list = xmlGetProp(node, BAD_CAST lists[i]);
        struct svec words = SVEC_EMPTY_INITIALIZER;

        svec_parse_words(&words, (const char *) list);
        if (i == 0) {
            tmrec_resource_share_set_resources(
                row, (const char **) words.names, words.n);
        } else {
            tmrec_resource_share_set_principals(
                row, (const char **) words.names, words.n);
        }
        svec_destroy(&words);
        xmlFree(list);
    }
    xmlFree(id);
    xmlFree(status);
}

/* Returns an error naming the object 'id' of 'kind' on 'line' of
 * 'file_name' with its first refusal among 'errors', or NULL if there is
 * none. */
static char *
refusal(const char *file_name, const char *kind, const char *id,
        struct tm_error **errors, size_t n_errors, int line)
{
    if (!n_errors) {
        return NULL;
    }

    char *s = tm_error_to_string(errors[0]);
    char *error = xasprintf("%s:%d: %s %s: %s", file_name, line, kind, id,
                            s);
    free(s);
    return error;
}

/* Returns an error naming the first traffic mirror object of 'topo' that
 * the mirroring model refused, or NULL. */
static char *
first_refusal(const char *file_name, const struct sim_topology *topo)
{
    char *error = NULL;

    for (size_t i = 0; !error && i < topo->n_targets; i++) {
        const struct sim_mirror_target *t = topo->targets[i];
        error = refusal(file_name, "traffic-mirror-target", t->id,
                        t->errors, t->n_errors, t->line);
    }
    for (size_t i = 0; !error && i < topo->n_filters; i++) {
        const struct sim_mirror_filter *f = topo->filters[i];
        error = refusal(file_name, "traffic-mirror-filter", f->id,
                        f->errors, f->n_errors, f->line);
    }
    for (size_t i = 0; !error && i < topo->n_sessions; i++) {
        const struct sim_mirror_session *s = topo->sessions[i];
        error = refusal(file_name, "traffic-mirror-session", s->id,
                        s->errors, s->n_errors, s->line);
    }
    return error;
}

/* Adds to 'txn' what the topology file 'file_name', whose text is 'text'
 * and which 'topo' is loaded from, describes: its network, without traffic
 * mirror objects and resource shares, as the topology of the Global row
 * (which must exist), and those objects and shares as rows, with the
 * file's ids.  Returns NULL, or an error if the mirroring model refused
 * any of them (then the caller must abort 'txn'). */
char *
tm_db_import_topology(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                      const char *file_name, const char *text,
                      const struct sim_topology *topo)
{
    char *error = first_refusal(file_name, topo);
    if (error) {
        return error;
    }

    xmlDoc *doc = xmlReadMemory(text, strlen(text), file_name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR
                                | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return xasprintf("%s: not well formed", file_name);
    }

    /* The network, and the shares. */
    for (xmlNode *account = root->children; account;
         account = account->next) {
        if (account->type != XML_ELEMENT_NODE
            || xmlStrcmp(account->name, BAD_CAST "account")) {
            continue;
        }

        xmlChar *account_id = xmlGetProp(account, BAD_CAST "id");
        xmlNode *next;
        for (xmlNode *c = account->children; c; c = next) {
            next = c->next;
            if (is_mirror_element(c)) {
                if (!xmlStrcmp(c->name, BAD_CAST "resource-share")) {
                    import_share(txn, (const char *) account_id, c);
                }
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
        }
        xmlFree(account_id);
    }
    xmlChar *buf;
    int size;
    xmlDocDumpMemory(doc, &buf, &size);
    const struct tmrec_global *global = tmrec_global_first(idl);
    tmrec_global_set_topology(global, (const char *) buf);
    tmrec_global_set_topology_name(global, file_name);
    xmlFree(buf);
    xmlFreeDoc(doc);

    /* The mirror objects, as the model holds them. */
    const struct tm_model *model = topo->model;
    for (size_t i = 0; i < topo->n_targets; i++) {
        tm_db_insert_target(txn, tm_model_find_target(model,
                                                      topo->targets[i]->id));
    }
    for (size_t i = 0; i < topo->n_filters; i++) {
        const struct tm_filter *f = tm_model_find_filter(
            model, topo->filters[i]->id);
        const struct tmrec_traffic_mirror_filter *row
            = tm_db_insert_filter(txn, f);
        struct tmrec_traffic_mirror_filter_rule *rules[
            TM_N_DIRECTIONS * TM_MAX_RULES_PER_FILTER];
        size_t n_rules = 0;

        for (int d = 0; d < TM_N_DIRECTIONS; d++) {
            for (size_t j = 0; j < f->n_rules[d]; j++) {
                rules[n_rules++] = tm_db_insert_rule(txn, f->rules[d][j]);
            }
        }
        tmrec_traffic_mirror_filter_set_rules(row, rules, n_rules);
    }
    for (size_t i = 0; i < topo->n_sessions; i++) {
        tm_db_insert_session(idl, txn, tm_model_find_session(
                                 model, topo->sessions[i]->id));
    }
    return NULL;
}
