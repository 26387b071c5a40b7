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


/* The topology's RelaxNG schema: validation of a parsed file against it,
 * with a sentence on the attributes at fault where libxml2 says only that
 * an element "failed to validate attributes", and the capture of
 * libxml2's first error for the parser and the validator alike. */

#include <config.h>

#include "topology-xml.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "util.h"

/* The schema, from topologies/topology.rng (see sim/automake.mk). */
extern const char sim_topology_rng[];

/* Keeps the message of the first error that libxml2 reports and the line
 * and element of the first that names them (some of libxml2's RelaxNG
 * errors name neither). */
void
sim_xml_record_error(void *first_, xmlErrorPtr error)
{
    struct first_error *first = first_;

    if (!error) {
        return;
    }
    if (!first->message && error->message) {
        size_t len = strlen(error->message);

        while (len && (error->message[len - 1] == '\n'
                       || error->message[len - 1] == ' ')) {
            len--;
        }
        first->message = xmemdup0(error->message, len);
    }
    if (!first->line) {
        first->line = (error->line ? error->line
                       : error->node ? xmlGetLineNo(error->node) : 0);
    }
    if (!first->node && error->node) {
        first->node = error->node;
    }
}

static void
ignore_error(void *aux OVS_UNUSED, xmlErrorPtr error OVS_UNUSED)
{
}

/* Adds to 'required' and 'allowed' the names of the attributes that the
 * schema pattern 'pattern' allows for its element, those in 'required'
 * only if the pattern requires them ('required_here').  Follows references
 * to definitions in 'defines', but not into child elements. */
static void
collect_attributes(const xmlNode *pattern, const struct shash *defines,
                   bool required_here, struct sset *required,
                   struct sset *allowed, int depth)
{
    for (const xmlNode *c = pattern->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_element(c, "element")) {
            continue;
        } else if (is_element(c, "attribute")) {
            const char *name = attr(c, "name");

            if (name) {
                sset_add(allowed, name);
                if (required_here) {
                    sset_add(required, name);
                }
            }
        } else if (is_element(c, "ref")) {
            const xmlNode *define = shash_find_data(defines, attr(c, "name"));

            if (define && depth < 10) {
                collect_attributes(define, defines, required_here, required,
                                   allowed, depth + 1);
            }
        } else {
            collect_attributes(c, defines,
                               required_here && (is_element(c, "group")
                                                 || is_element(c,
                                                               "interleave")),
                               required, allowed, depth + 1);
        }
    }
}

/* Finds in the schema tree under 'node' the definitions, into 'defines',
 * and the patterns of elements named 'element', into 'elements'. */
static void
find_schema_nodes(const xmlNode *node, const char *element,
                  struct shash *defines, struct node_list *elements)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "define") && attr(c, "name")) {
            shash_add_once(defines, attr(c, "name"), c);
        } else if (is_element(c, "element")
                   && nullable_string_is_equal(attr(c, "name"), element)) {
            push_node(elements, c);
        }
        if (c->type == XML_ELEMENT_NODE) {
            find_schema_nodes(c, element, defines, elements);
        }
    }
}

static void
put_names(struct ds *s, const struct sset *names)
{
    const char **array = sset_sort(names);

    for (size_t i = 0; i < sset_count(names); i++) {
        ds_put_format(s, "%s%s", i ? ", " : "", array[i]);
    }
    free(array);
}

/* libxml2 says only that an element "failed to validate attributes".
 * Returns a sentence that says which attributes of 'node' are missing or
 * not allowed, according to the schema, or NULL if none is (then a value
 * is not one the schema allows). */
static char *
explain_attributes(const xmlNode *node)
{
    const char *element = (const char *) node->name;
    struct node_list elements = { .nodes = NULL };
    struct shash defines = SHASH_INITIALIZER(&defines);
    char *best = NULL;
    size_t best_score = SIZE_MAX;
    xmlDocPtr schema;

    schema = xmlReadMemory(sim_topology_rng, strlen(sim_topology_rng),
                           "topology.rng", NULL, XML_PARSE_NONET);
    if (!schema) {
        return NULL;
    }
    find_schema_nodes((const xmlNode *) schema, element, &defines,
                      &elements);
    for (size_t i = 0; i < elements.n; i++) {
        struct sset required = SSET_INITIALIZER(&required);
        struct sset allowed = SSET_INITIALIZER(&allowed);
        struct sset missing = SSET_INITIALIZER(&missing);
        struct sset unknown = SSET_INITIALIZER(&unknown);
        const char *name;

        collect_attributes(elements.nodes[i], &defines, true, &required,
                           &allowed, 0);
        SSET_FOR_EACH (name, &required) {
            if (!attr(node, name)) {
                sset_add(&missing, name);
            }
        }
        for (const xmlAttr *a = node->properties; a; a = a->next) {
            if (!sset_contains(&allowed, (const char *) a->name)) {
                sset_add(&unknown, (const char *) a->name);
            }
        }

        size_t score = sset_count(&missing) + sset_count(&unknown);
        if (score && score < best_score) {
            struct ds s = DS_EMPTY_INITIALIZER;

            if (!sset_is_empty(&missing)) {
                ds_put_format(&s, "%s lacks the required attribute%s ",
                              element, sset_count(&missing) > 1 ? "s" : "");
                put_names(&s, &missing);
            }
            if (!sset_is_empty(&unknown)) {
                ds_put_format(&s, "%s%s has no attribute%s ",
                              s.length ? "; " : "", element,
                              sset_count(&unknown) > 1 ? "s" : "");
                put_names(&s, &unknown);
            }
            free(best);
            best = ds_steal_cstr(&s);
            best_score = score;
        } else if (!score) {
            free(best);
            best = NULL;
            best_score = 0;
        }
        sset_destroy(&required);
        sset_destroy(&allowed);
        sset_destroy(&missing);
        sset_destroy(&unknown);
    }
    free(elements.nodes);
    shash_destroy(&defines);
    xmlFreeDoc(schema);
    return best;
}

/* Validates 'doc' against the schema.  Returns an error naming the line of
 * the first problem, or NULL. */
char *
sim_topology_validate(const char *file_name, xmlDocPtr doc)
{
    struct first_error first = { .message = NULL };
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlRelaxNGPtr schema;
    char *error = NULL;

    pctxt = xmlRelaxNGNewMemParserCtxt(sim_topology_rng,
                                       strlen(sim_topology_rng));
    xmlRelaxNGSetParserStructuredErrors(pctxt, ignore_error, NULL);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!schema) {
        /* The schema is part of the program: this is a build problem. */
        return xasprintf("%s: the topology schema built into this program "
                         "does not compile", file_name);
    }

    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, sim_xml_record_error, &first);
    if (xmlRelaxNGValidateDoc(vctxt, doc)) {
        char *why = NULL;

        if (first.node && first.node->type == XML_ELEMENT_NODE) {
            why = explain_attributes(first.node);
            if (!why && first.message
                && strstr(first.message, "attributes")) {
                why = xasprintf("an attribute of %s has a value that the "
                                "schema does not allow",
                                (const char *) first.node->name);
            }
        }
        error = xasprintf("%s:%d: does not match the topology schema: %s%s%s",
                          file_name, first.line,
                          first.message ? first.message : "invalid",
                          why ? ": " : "", why ? why : "");
        free(why);
    }
    free(first.message);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);
    return error;
}

