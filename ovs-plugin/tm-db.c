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

static void
set_port_range_attr(xmlNode *node, const char *name,
                    const int64_t *from, size_t n_from,
                    const int64_t *to, size_t n_to)
{
    if (n_from || n_to) {
        /* A range with one end only is written as it is, for the model to
         * refuse. */
        struct ds s = DS_EMPTY_INITIALIZER;

        if (n_from) {
            ds_put_format(&s, "%"PRId64, *from);
        }
        ds_put_char(&s, '-');
        if (n_to) {
            ds_put_format(&s, "%"PRId64, *to);
        }
        xmlNewProp(node, BAD_CAST name, BAD_CAST ds_cstr(&s));
        ds_destroy(&s);
    }
}

static char * OVS_WARN_UNUSED_RESULT
add_rows(const struct ovsdb_idl *idl_, xmlNode *root)
{
    struct ovsdb_idl *idl = CONST_CAST(struct ovsdb_idl *, idl_);
    xmlNode *node;
    char *error;

    const struct tmrec_resource_share *share;
    TMREC_RESOURCE_SHARE_FOR_EACH (share, idl) {
        error = add_object(root, share->owner_id, "resource-share",
                           share->resource_share_id, &node);
        if (error) {
            return error;
        }
        set_list_attr(node, "resources", share->resources,
                      share->n_resources);
        set_list_attr(node, "principals", share->principals,
                      share->n_principals);
        set_attr(node, "status", share->status);
    }

    const struct tmrec_traffic_mirror_target *target;
    TMREC_TRAFFIC_MIRROR_TARGET_FOR_EACH (target, idl) {
        error = add_object(root, target->owner_id, "traffic-mirror-target",
                           target->traffic_mirror_target_id, &node);
        if (error) {
            return error;
        }
        set_attr(node, "network-interface", target->network_interface_id);
        set_attr(node, "network-load-balancer",
                 target->network_load_balancer_arn);
        set_attr(node, "description", target->description);
    }

    const struct tmrec_traffic_mirror_filter *filter;
    TMREC_TRAFFIC_MIRROR_FILTER_FOR_EACH (filter, idl) {
        error = add_object(root, filter->owner_id, "traffic-mirror-filter",
                           filter->traffic_mirror_filter_id, &node);
        if (error) {
            return error;
        }
        set_attr(node, "network-services", filter->network_services);
        set_attr(node, "description", filter->description);
        for (size_t i = 0; i < filter->n_rules; i++) {
            const struct tmrec_traffic_mirror_filter_rule *r
                = filter->rules[i];
            xmlNode *rule = xmlNewChild(node, node->ns, BAD_CAST "rule",
                                        NULL);

            set_attr(rule, "direction", r->traffic_direction);
            set_int_attr(rule, "rule-number", r->rule_number);
            set_attr(rule, "rule-action", r->rule_action);
            if (r->n_protocol) {
                set_int_attr(rule, "protocol", *r->protocol);
            }
            set_attr(rule, "source-cidr", r->source_cidr_block);
            set_attr(rule, "destination-cidr", r->destination_cidr_block);
            set_port_range_attr(rule, "source-port-range",
                                r->source_from_port, r->n_source_from_port,
                                r->source_to_port, r->n_source_to_port);
            set_port_range_attr(rule, "destination-port-range",
                                r->destination_from_port,
                                r->n_destination_from_port,
                                r->destination_to_port,
                                r->n_destination_to_port);
            set_attr(rule, "description", r->description);
        }
    }

    const struct tmrec_traffic_mirror_session *session;
    TMREC_TRAFFIC_MIRROR_SESSION_FOR_EACH (session, idl) {
        if (!session->traffic_mirror_target) {
            /* Inactive: its shared target was deleted. */
            continue;
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
                 session->traffic_mirror_filter
                 ? session->traffic_mirror_filter->traffic_mirror_filter_id
                 : "");
        set_int_attr(node, "session-number", session->session_number);
        set_int_attr(node, "virtual-network-id",
                     session->virtual_network_id);
        if (session->n_packet_length) {
            set_int_attr(node, "packet-length", *session->packet_length);
        }
        set_attr(node, "description", session->description);
    }
    return NULL;
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
