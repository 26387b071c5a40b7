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


#ifndef SIM_TOPOLOGY_XML_H
#define SIM_TOPOLOGY_XML_H 1

/* What the topology loader (sim/topology-load.c) and its schema check
 * (sim/topology-schema.c) share: small helpers over libxml2's tree, the
 * capture of libxml2's first error, and the validation against the
 * RelaxNG schema.  Internal to the simulator's library. */

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "openvswitch/compiler.h"
#include "util.h"

struct node_list {
    const xmlNode **nodes;
    size_t n, allocated;
};

static inline void
push_node(struct node_list *list, const xmlNode *node)
{
    if (list->n >= list->allocated) {
        list->nodes = x2nrealloc(list->nodes, &list->allocated,
                                 sizeof *list->nodes);
    }
    list->nodes[list->n++] = node;
}

static inline bool
is_element(const xmlNode *node, const char *name)
{
    return (node->type == XML_ELEMENT_NODE
            && !strcmp((const char *) node->name, name));
}

static inline int
line_of(const xmlNode *node)
{
    return xmlGetLineNo(node);
}

/* Returns the value of attribute 'name' of 'node', or NULL if it has none.
 * The value belongs to the tree. */
static inline const char *
attr(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (!strcmp((const char *) a->name, name)) {
            return (a->children && a->children->content
                    ? (const char *) a->children->content : "");
        }
    }
    return NULL;
}

struct first_error {
    int line;
    char *message;
    const xmlNode *node;        /* The element at fault, if known. */
};

/* An xmlStructuredErrorFunc whose argument is a struct first_error. */
void sim_xml_record_error(void *first, xmlErrorPtr);

/* Validates 'doc', read from 'file_name', against the topology schema.
 * Returns NULL, or an error naming the line of the first problem, which
 * the caller must free. */
char *sim_topology_validate(const char *file_name, xmlDocPtr)
    OVS_WARN_UNUSED_RESULT;

#endif /* sim/topology-xml.h */
