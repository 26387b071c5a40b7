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
#include <libxml/xmlregexp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "tmirror/model.h"
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

/* What an element's pattern in the schema says of its attributes. */
struct attr_rules {
    struct sset required;       /* Names of the required attributes. */
    struct shash allowed;       /* Name of each allowed attribute -> the
                                 * name of its value's definition
                                 * ("id-value", "token", ...) or "" if the
                                 * value is given another way. */
};

static void
attr_rules_init(struct attr_rules *rules)
{
    sset_init(&rules->required);
    shash_init(&rules->allowed);
}

static void
attr_rules_destroy(struct attr_rules *rules)
{
    sset_destroy(&rules->required);
    shash_destroy(&rules->allowed);
}

/* Returns the name of the definition that the value of schema attribute
 * pattern 'attribute' refers to, or "". */
static const char *
value_define(const xmlNode *attribute)
{
    for (const xmlNode *c = attribute->children; c; c = c->next) {
        if (is_element(c, "ref") && attr(c, "name")) {
            return attr(c, "name");
        }
    }
    return "";
}

/* Adds to 'rules' the attributes that the schema pattern 'pattern' allows
 * for its element, and those it requires if 'required_here'.  Follows
 * references to definitions in 'defines', but not into child elements. */
static void
collect_attributes(const xmlNode *pattern, const struct shash *defines,
                   bool required_here, struct attr_rules *rules, int depth)
{
    for (const xmlNode *c = pattern->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_element(c, "element")) {
            continue;
        } else if (is_element(c, "attribute")) {
            const char *name = attr(c, "name");

            if (name) {
                shash_replace(&rules->allowed, name,
                              CONST_CAST(char *, value_define(c)));
                if (required_here) {
                    sset_add(&rules->required, name);
                }
            }
        } else if (is_element(c, "ref")) {
            const xmlNode *define = shash_find_data(defines, attr(c, "name"));

            if (define && depth < 10) {
                collect_attributes(define, defines, required_here, rules,
                                   depth + 1);
            }
        } else {
            collect_attributes(c, defines,
                               required_here && (is_element(c, "group")
                                                 || is_element(c,
                                                               "interleave")),
                               rules, depth + 1);
        }
    }
}

/* The schema, parsed as a document, for the explanations. */
struct schema_doc {
    xmlDocPtr doc;
    struct shash defines;       /* Definition name -> its xmlNode. */
};

static void
find_defines(const xmlNode *node, struct shash *defines)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "define") && attr(c, "name")) {
            shash_add_once(defines, attr(c, "name"), c);
        }
        if (c->type == XML_ELEMENT_NODE) {
            find_defines(c, defines);
        }
    }
}

static bool
schema_doc_init(struct schema_doc *schema)
{
    shash_init(&schema->defines);
    schema->doc = xmlReadMemory(sim_topology_rng, strlen(sim_topology_rng),
                                "topology.rng", NULL, XML_PARSE_NONET);
    if (schema->doc) {
        find_defines((const xmlNode *) schema->doc, &schema->defines);
    }
    return schema->doc != NULL;
}

static void
schema_doc_destroy(struct schema_doc *schema)
{
    shash_destroy(&schema->defines);
    xmlFreeDoc(schema->doc);
}

/* Finds in the schema tree under 'node' the patterns of elements named
 * 'element', into 'elements'. */
static void
find_element_patterns(const xmlNode *node, const char *element,
                      struct node_list *elements)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "element")
            && nullable_string_is_equal(attr(c, "name"), element)) {
            push_node(elements, c);
        }
        if (c->type == XML_ELEMENT_NODE) {
            find_element_patterns(c, element, elements);
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

static bool
is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns true if 's' has a character that the schema's "token" refuses
 * that is easy to name: white space or an ASCII control character. */
static bool
has_space_or_control(const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char) *p <= ' ' || *p == 0x7f) {
            return true;
        }
    }
    return false;
}

/* Returns a sentence that says why 'value', of an attribute whose value
 * the schema defines as 'define', does not match it, or NULL if the
 * reason is not one of those that this function knows (then the value is
 * still refused, by the schema). */
static char *
explain_value(const char *define, const char *value)
{
    struct ds quoted = DS_EMPTY_INITIALIZER;
    char *why = NULL;

    json_string_escape(value, &quoted);
    if (strchr(ds_cstr(&quoted), 0x7f)) {
        /* JSON leaves DEL as it is. */
        struct ds s = DS_EMPTY_INITIALIZER;

        for (const char *p = ds_cstr(&quoted); *p; p++) {
            if (*p == 0x7f) {
                ds_put_cstr(&s, "\\u007f");
            } else {
                ds_put_char(&s, *p);
            }
        }
        ds_swap(&s, &quoted);
        ds_destroy(&s);
    }
    if (!strcmp(define, "id-value")) {
        why = tm_check_id(value);
    } else if (!strcmp(define, "id-list")
               || !strcmp(define, "token-list")) {
        char *copy = xstrdup(value);
        char *save_ptr = NULL;

        for (char *word = strtok_r(copy, " \t\r\n", &save_ptr);
             word && !why; word = strtok_r(NULL, " \t\r\n", &save_ptr)) {
            why = explain_value(define[0] == 'i' ? "id-value" : "token",
                                word);
        }
        free(copy);
    } else if (!strcmp(define, "token")) {
        if (!value[0]) {
            why = xstrdup("the value is empty");
        } else if (is_xml_space(value[0])
                   || is_xml_space(value[strlen(value) - 1])) {
            why = xasprintf("%s has white space around it", ds_cstr(&quoted));
        } else if (has_space_or_control(value)) {
            why = xasprintf("%s has white space or a control character in "
                            "it", ds_cstr(&quoted));
        }
    } else if (!strcmp(define, "integer")) {
        const char *p = value + (value[0] == '-');

        if (!*p || strspn(p, "0123456789") != strlen(p)) {
            why = xasprintf("%s is not an integer (digits, after a \"-\" "
                            "if negative, and nothing else, not even white "
                            "space)", ds_cstr(&quoted));
        }
    } else if (!strcmp(define, "text")) {
        if (has_space_or_control(value)) {
            for (const char *p = value; *p; p++) {
                if ((unsigned char) *p < ' ' || *p == 0x7f) {
                    why = xasprintf("%s has a control character in it",
                                    ds_cstr(&quoted));
                    break;
                }
            }
        }
    }
    ds_destroy(&quoted);
    return why;
}

/* libxml2 says only that an element "failed to validate attributes".
 * Returns a sentence that says which attributes of 'node' are missing or
 * not allowed, according to 'schema', or else which value does not match
 * the schema and why, or NULL if nothing is found wrong. */
static char *
explain_attributes(const struct schema_doc *schema, const xmlNode *node)
{
    const char *element = (const char *) node->name;
    struct node_list elements = { .nodes = NULL };
    char *best = NULL;
    size_t best_score = SIZE_MAX;

    find_element_patterns((const xmlNode *) schema->doc, element, &elements);
    for (size_t i = 0; i < elements.n && best_score; i++) {
        struct sset missing = SSET_INITIALIZER(&missing);
        struct sset unknown = SSET_INITIALIZER(&unknown);
        struct attr_rules rules;
        const char *name;

        attr_rules_init(&rules);
        collect_attributes(elements.nodes[i], &schema->defines, true, &rules,
                           0);
        SSET_FOR_EACH (name, &rules.required) {
            if (!attr(node, name)) {
                sset_add(&missing, name);
            }
        }
        for (const xmlAttr *a = node->properties; a; a = a->next) {
            if (!shash_find(&rules.allowed, (const char *) a->name)) {
                sset_add(&unknown, (const char *) a->name);
            }
        }

        size_t score = sset_count(&missing) + sset_count(&unknown);
        struct ds s = DS_EMPTY_INITIALIZER;
        if (!score) {
            /* The right attributes: is a value wrong? */
            for (const xmlAttr *a = node->properties; a; a = a->next) {
                const char *define = shash_find_data(
                    &rules.allowed, (const char *) a->name);
                char *why = explain_value(define,
                                          attr(node,
                                               (const char *) a->name));

                if (why) {
                    ds_put_format(&s, "%s %s: %s", element,
                                  (const char *) a->name, why);
                    free(why);
                    break;
                }
            }
        } else {
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
        }
        if (score < best_score) {
            free(best);
            best = s.length ? ds_steal_cstr(&s) : NULL;
            best_score = score;
        }
        ds_destroy(&s);
        sset_destroy(&missing);
        sset_destroy(&unknown);
        attr_rules_destroy(&rules);
    }
    free(elements.nodes);
    return best;
}

/* libxml2 does not always say which element failed to validate its
 * attributes.  Finds in 'node' and its descendants, in document order, the
 * first element named 'name' whose attributes 'schema' explains, and
 * returns it with the explanation in '*why', or NULL. */
static const xmlNode *
find_bad_element(const struct schema_doc *schema, const xmlNode *node,
                 const char *name, char **why)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (!strcmp((const char *) c->name, name)) {
            *why = explain_attributes(schema, c);
            if (*why) {
                return c;
            }
        }

        const xmlNode *found = find_bad_element(schema, c, name, why);
        if (found) {
            return found;
        }
    }
    return NULL;
}

/* Validates 'doc' against the schema.  Returns an error naming the line of
 * the first problem, or NULL. */
/* Validation in linear time.
 *
 * libxml2 compiles the regular expression of a <param name="pattern"> of
 * the schema again for every value that it checks against it, which made
 * the validation of a large topology most of its load time.  So a
 * document is first validated against the schema without its patterns,
 * and the values that the patterns restrict are then checked here, against
 * the same expressions compiled once by the same libxml2 engine.  Only a
 * document that fails either is validated against the whole schema, which
 * finds and explains its first error exactly as before. */

/* The value definitions of the schema that have a pattern, and the lists
 * of them. */
enum value_kind {
    VK_ID,                      /* "id-value" */
    VK_TOKEN,                   /* "token" */
    VK_TEXT,                    /* "text" */
    VK_INTEGER,                 /* "integer" */
    N_VALUE_KINDS,
    VK_LIST = 1 << 3            /* Flag: a white-space separated list. */
};

static const char *const value_defines[N_VALUE_KINDS] = {
    "id-value", "token", "text", "integer",
};

/* Returns the kind of the values of schema definition 'name' (a
 * VK_* value, with VK_LIST for a list), or -1 if they have no pattern. */
static int
value_kind(const struct schema_doc *schema, const char *name, int depth)
{
    const xmlNode *define = shash_find_data(&schema->defines, name);

    for (int k = 0; k < N_VALUE_KINDS; k++) {
        if (!strcmp(name, value_defines[k])) {
            return k;
        }
    }
    if (!define || depth > 10) {
        return -1;
    }
    for (const xmlNode *c = define->children; c; c = c->next) {
        if (is_element(c, "list")) {
            for (const xmlNode *z = c->children; z; z = z->next) {
                const xmlNode *ref = (is_element(z, "zeroOrMore")
                                      || is_element(z, "oneOrMore")
                                      ? z->children : z);

                for (; ref; ref = ref->next) {
                    if (is_element(ref, "ref") && attr(ref, "name")) {
                        int kind = value_kind(schema, attr(ref, "name"),
                                              depth + 1);
                        return kind < 0 ? -1 : kind | VK_LIST;
                    }
                }
            }
        } else if (is_element(c, "ref") && attr(c, "name")) {
            return value_kind(schema, attr(c, "name"), depth + 1);
        }
    }
    return -1;
}

/* Adds to 'kinds' (element name -> a "struct shash" of attribute name ->
 * a bit per VK_* value, of the kinds that some pattern of the element says
 * the attribute has, those of lists above them) what the element patterns
 * under 'node' say. */
static void
collect_value_kinds(const struct schema_doc *schema, const xmlNode *node,
                    struct shash *kinds)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (is_element(c, "element") && attr(c, "name")) {
            struct attr_rules rules;
            struct shash_node *an;

            attr_rules_init(&rules);
            collect_attributes(c, &schema->defines, true, &rules, 0);
            SHASH_FOR_EACH (an, &rules.allowed) {
                const char *define = an->data;
                int kind = *define ? value_kind(schema, define, 0) : -1;

                if (kind >= 0) {
                    struct shash *attrs = shash_find_data(kinds,
                                                          attr(c, "name"));
                    if (!attrs) {
                        attrs = xmalloc(sizeof *attrs);
                        shash_init(attrs);
                        shash_add(kinds, attr(c, "name"), attrs);
                    }

                    uintptr_t bits = (uintptr_t) shash_find_data(attrs,
                                                                 an->name);
                    bits |= (kind & VK_LIST
                             ? (uintptr_t) 1 << (N_VALUE_KINDS
                                                + (kind & ~VK_LIST))
                             : (uintptr_t) 1 << kind);
                    shash_replace(attrs, an->name, (void *) bits);
                }
            }
            attr_rules_destroy(&rules);
        }
        if (c->type == XML_ELEMENT_NODE) {
            collect_value_kinds(schema, c, kinds);
        }
    }
}

static bool
is_ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_ascii_alnum(char c)
{
    return is_ascii_digit(c) || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z');
}

/* Whether the 'n' bytes at 'value' are of kind 'kind' (a VK_* value,
 * without VK_LIST).  Values of printable ASCII, nearly all of them, are
 * decided here as the patterns decide them; the others by the compiled
 * 'regexps'. */
static bool
item_matches(xmlRegexpPtr regexps[N_VALUE_KINDS], int kind,
             const char *value, size_t n)
{
    bool ascii = true;          /* Printable ASCII (0x20 to 0x7e) only. */
    bool space = false;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = value[i];

        if (c < 0x20 || c > 0x7e) {
            ascii = false;
            break;
        }
        space = space || c == ' ';
    }
    if (ascii) {
        switch (kind) {
        case VK_ID:
            /* [A-Za-z0-9][A-Za-z0-9._:/\-]{0,254} */
            if (!n || n > 255 || !is_ascii_alnum(value[0])) {
                return false;
            }
            for (size_t i = 1; i < n; i++) {
                if (!is_ascii_alnum(value[i])
                    && !strchr("._:/-", value[i])) {
                    return false;
                }
            }
            return true;
        case VK_TOKEN:
            /* [^\p{C}\p{Z}]+ */
            return n && !space;
        case VK_TEXT:
            /* [^\p{Cc}]* */
            return true;
        case VK_INTEGER:
            /* -?[0-9]+ */
            if (n && value[0] == '-') {
                value++;
                n--;
            }
            if (!n) {
                return false;
            }
            for (size_t i = 0; i < n; i++) {
                if (!is_ascii_digit(value[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    char *item = xmemdup0(value, n);
    bool ok = xmlRegexpExec(regexps[kind], BAD_CAST item) == 1;
    free(item);
    return ok;
}

/* Whether 'value' is of kind 'kind' (a VK_* value, VK_LIST for a list of
 * them) by the compiled 'regexps'. */
static bool
value_matches(xmlRegexpPtr regexps[N_VALUE_KINDS], int kind,
              const char *value)
{
    if (!(kind & VK_LIST)) {
        return item_matches(regexps, kind, value, strlen(value));
    }

    const char *p = value;
    for (;;) {
        while (*p && is_xml_space(*p)) {
            p++;
        }
        if (!*p) {
            return true;
        }

        const char *end = p;
        while (*end && !is_xml_space(*end)) {
            end++;
        }

        if (!item_matches(regexps, kind & ~VK_LIST, p, end - p)) {
            return false;
        }
        p = end;
    }
}

/* A memo of shash_find_data() by the address of the name looked up.
 * libxml2 keeps the names of elements and attributes in the document's
 * dictionary, so that a few addresses stand for all the names of a
 * document (and the same address always stands for the same name). */
struct memo_entry {
    struct hmap_node hmap_node; /* Hashed on 'table' and 'name'. */
    const struct shash *table;
    const xmlChar *name;
    void *data;                 /* shash_find_data(table, name). */
};

static void *
memo_find(struct hmap *memo, const struct shash *table, const xmlChar *name)
{
    uint32_t hash = hash_pointer(name, hash_pointer(table, 0));
    struct memo_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, hmap_node, hash, memo) {
        if (e->table == table && e->name == name) {
            return e->data;
        }
    }
    e = xmalloc(sizeof *e);
    e->table = table;
    e->name = name;
    e->data = shash_find_data(table, (const char *) name);
    hmap_insert(memo, &e->hmap_node, hash);
    return e->data;
}

/* Checks the attributes of 'node' and of the elements under it against
 * 'kinds' (see collect_value_kinds()), looked up through 'memo'.  Returns
 * false at the first value that does not match. */
static bool
values_match(const xmlNode *node, const struct shash *kinds,
             xmlRegexpPtr regexps[N_VALUE_KINDS], struct hmap *memo)
{
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }

        const struct shash *attrs = memo_find(memo, kinds, c->name);
        for (const xmlAttr *a = attrs ? c->properties : NULL; a;
             a = a->next) {
            uintptr_t bits = (uintptr_t) memo_find(memo, attrs, a->name);
            if (!bits) {
                continue;
            }

            /* One text node, nearly always: read in place. */
            const xmlNode *t = a->children;
            xmlChar *copy = (t && (t->next || t->type != XML_TEXT_NODE)
                             ? xmlNodeListGetString(c->doc, t, 1) : NULL);
            const xmlChar *value = (copy ? copy
                                    : t && t->content ? t->content
                                    : BAD_CAST "");
            bool ok = true;
            for (int k = 0; ok && k < 2 * N_VALUE_KINDS; k++) {
                if (bits & ((uintptr_t) 1 << k)) {
                    ok = value_matches(regexps, (k >= N_VALUE_KINDS
                                                 ? (k - N_VALUE_KINDS)
                                                   | VK_LIST
                                                 : k),
                                       (const char *) value);
                }
            }
            xmlFree(copy);
            if (!ok) {
                return false;
            }
        }
        if (!values_match(c, kinds, regexps, memo)) {
            return false;
        }
    }
    return true;
}

/* Returns the schema, parsed, with every definition of values that have a
 * pattern (and every list of them) replaced by <text/>: any string, as
 * without the pattern, and with no datatype to call for each value. */
static xmlDocPtr
schema_without_patterns(void)
{
    struct schema_doc sdoc;
    struct shash_node *node;

    if (!schema_doc_init(&sdoc)) {
        return NULL;
    }
    SHASH_FOR_EACH (node, &sdoc.defines) {
        xmlNode *define = node->data;

        if (value_kind(&sdoc, node->name, 0) >= 0) {
            xmlNode *child;

            while ((child = define->children) != NULL) {
                xmlUnlinkNode(child);
                xmlFreeNode(child);
            }
            xmlAddChild(define, xmlNewDocNode(sdoc.doc, define->ns,
                                              BAD_CAST "text", NULL));
        }
    }

    xmlDocPtr doc = sdoc.doc;
    sdoc.doc = NULL;
    schema_doc_destroy(&sdoc);
    return doc;
}

/* Whether 'doc' matches the schema, found in linear time as described
 * above; false also when it cannot tell. */
static bool
quick_validate(xmlDocPtr doc)
{
    xmlDocPtr schema_doc = schema_without_patterns();
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlRelaxNGPtr schema;
    bool ok = false;

    if (!schema_doc) {
        return false;
    }
    /* libxml2 works on a copy of 'schema_doc'. */
    pctxt = xmlRelaxNGNewDocParserCtxt(schema_doc);
    xmlRelaxNGSetParserStructuredErrors(pctxt, ignore_error, NULL);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    xmlFreeDoc(schema_doc);
    if (!schema) {
        return false;
    }
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, ignore_error, NULL);
    ok = !xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);

    struct schema_doc sdoc;
    if (ok && schema_doc_init(&sdoc)) {
        xmlRegexpPtr regexps[N_VALUE_KINDS];
        struct shash kinds = SHASH_INITIALIZER(&kinds);
        struct shash_node *node;

        for (int k = 0; k < N_VALUE_KINDS; k++) {
            const xmlNode *define = shash_find_data(&sdoc.defines,
                                                    value_defines[k]);
            const xmlNode *param = NULL;

            for (const xmlNode *d = define ? define->children : NULL;
                 d && !param; d = d->next) {
                for (const xmlNode *q = is_element(d, "data")
                         ? d->children : NULL; q; q = q->next) {
                    if (is_element(q, "param")
                        && nullable_string_is_equal(attr(q, "name"),
                                                    "pattern")) {
                        param = q;
                        break;
                    }
                }
            }
            xmlChar *pattern = param ? xmlNodeGetContent(param) : NULL;
            regexps[k] = pattern ? xmlRegexpCompile(pattern) : NULL;
            xmlFree(pattern);
            ok = ok && regexps[k];
        }

        collect_value_kinds(&sdoc, (const xmlNode *) sdoc.doc, &kinds);
        struct hmap memo = HMAP_INITIALIZER(&memo);
        struct memo_entry *e;

        ok = ok && values_match((const xmlNode *) doc, &kinds, regexps,
                                &memo);
        HMAP_FOR_EACH_POP (e, hmap_node, &memo) {
            free(e);
        }
        hmap_destroy(&memo);

        for (int k = 0; k < N_VALUE_KINDS; k++) {
            xmlRegFreeRegexp(regexps[k]);
        }
        SHASH_FOR_EACH (node, &kinds) {
            shash_destroy(node->data);
            free(node->data);
        }
        shash_destroy(&kinds);
        schema_doc_destroy(&sdoc);
    } else {
        ok = false;
    }
    return ok;
}

char *
sim_topology_validate(const char *file_name, xmlDocPtr doc)
{
    struct first_error first = { .message = NULL };
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlRelaxNGPtr schema;
    char *error = NULL;

    if (quick_validate(doc)) {
        return NULL;
    }

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
        struct schema_doc sdoc;
        const xmlNode *node = first.node;
        char *why = NULL;
        char name[64];

        if (schema_doc_init(&sdoc)) {
            if (node && node->type == XML_ELEMENT_NODE) {
                why = explain_attributes(&sdoc, node);
            } else if (first.message
                       && sscanf(first.message, "Element %63s failed to "
                                 "validate attributes", name) == 1) {
                node = find_bad_element(&sdoc, (const xmlNode *) doc, name,
                                        &why);
                if (node) {
                    first.line = line_of(node);
                }
            }
            schema_doc_destroy(&sdoc);
        }
        if (!why && node && node->type == XML_ELEMENT_NODE
            && first.message && strstr(first.message, "attributes")) {
            why = xasprintf("an attribute of %s has a value that the "
                            "schema does not allow",
                            (const char *) node->name);
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

