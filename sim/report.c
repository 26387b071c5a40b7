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

/* The reports of tm-sim check: JSON (the contract of
 * Documentation/contracts.rst), text for a person at a terminal, and HTML
 * with the path drawn as inline SVG. */

#include <config.h>

#include "tmirror/sim.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "tmirror/topology.h"
#include "util.h"

/* The destination of the route that 'hop' takes, as text, or NULL.  The
 * caller frees it. */
static char *
hop_route(const struct sim_hop *hop)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!hop->route) {
        return NULL;
    }
    tm_cidr_format(hop->route, &s);
    return ds_steal_cstr(&s);
}

/* The address of the load balancer node of 'hop', as text, or NULL.  The
 * caller frees it. */
static char *
hop_node(const struct sim_hop *hop)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!hop->node) {
        return NULL;
    }
    tm_ip_format(hop->node, &s);
    return ds_steal_cstr(&s);
}

/* ---- JSON. ---- */

static struct json *
hop_to_json(const struct sim_hop *hop)
{
    struct json *json = json_object_create();
    char *route = hop_route(hop);
    char *node = hop_node(hop);
    const struct {
        const char *key;
        const char *value;
    } attrs[] = {
        { "direction", hop->direction },
        { "availability-zone", hop->zone },
        { "route", route },
        { "target", hop->target },
        { "route-type", hop->route_type },
        { "node", node },
    };

    json_object_put_string(json, "component", hop->component);
    json_object_put_string(json, "type", hop->type);
    for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
        if (attrs[i].value) {
            json_object_put_string(json, attrs[i].key, attrs[i].value);
        }
    }
    free(route);
    free(node);
    return json;
}

static struct json *
explanation_to_json(const struct sim_explanation *e)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "code", e->code);
    json_object_put_string(json, "component", e->component);
    json_object_put(json, "direction", (e->direction
                                        ? json_string_create(e->direction)
                                        : json_null_create()));
    json_object_put_string(json, "detail", e->detail);
    json_object_put_string(json, "fix", e->fix);
    return json;
}

/* Returns the JSON form of 'report' (Documentation/contracts.rst,
 * "The JSON report"), which the caller must free with json_destroy(). */
struct json *
sim_report_to_json(const struct sim_report *report)
{
    struct json *sessions = json_array_create_empty();

    for (size_t i = 0; i < report->n_results; i++) {
        const struct sim_result *r = &report->results[i];
        struct json *path = json_array_create_empty();
        struct json *explanations = json_array_create_empty();
        struct json *s = json_object_create();

        for (size_t j = 0; j < r->n_hops; j++) {
            json_array_add(path, hop_to_json(&r->hops[j]));
        }
        for (size_t j = 0; j < r->n_explanations; j++) {
            json_array_add(explanations,
                           explanation_to_json(&r->explanations[j]));
        }
        json_object_put_string(s, "id", r->session->id);
        json_object_put_string(s, "verdict",
                               sim_verdict_to_string(r->verdict));
        json_object_put_string(s, "source", r->session->source->id);
        json_object_put_string(s, "target", r->session->target->id);
        json_object_put(s, "path", path);
        json_object_put(s, "explanations", explanations);
        json_array_add(sessions, s);
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "topology", report->topology);
    json_object_put(json, "sessions", sessions);
    return json;
}

/* ---- Text. ---- */

static void
put_hop_attrs(const struct sim_hop *hop, struct ds *s)
{
    char *route = hop_route(hop);
    const char *target = hop->target;
    const char *dir = hop->direction;
    char *node = hop_node(hop);
    const char *zone = hop->zone;
    const char *type = hop->route_type;

    ds_put_format(s, " (%s", hop->type);
    if (dir) {
        ds_put_format(s, ", %s", dir);
    }
    if (route) {
        ds_put_format(s, ", route %s -> %s", route, target ? target : "?");
        if (type) {
            ds_put_format(s, " %s", type);
        }
    }
    if (node) {
        ds_put_format(s, ", node %s", node);
    }
    if (zone) {
        ds_put_format(s, ", %s", zone);
    }
    ds_put_char(s, ')');
    free(route);
    free(node);
}

static void
put_eni(const struct sim_eni *eni, struct ds *s)
{
    ds_put_format(s, "%s ", eni->id);
    tm_ip_format(&eni->ip, s);
    ds_put_format(s, " (%s, ", eni->subnet->id);
    if (eni->subnet->zone[0]) {
        ds_put_format(s, "%s, ", eni->subnet->zone);
    }
    ds_put_format(s, "%s, account %s)", eni->subnet->vpc->id,
                  eni->owner->id);
}

static void
format_result_text(const struct sim_result *r, struct ds *s)
{
    const struct sim_mirror_session *session = r->session;
    const struct sim_mirror_target *target = session->target;

    ds_put_format(s, "Session %s: %s\n", session->id,
                  sim_verdict_to_string(r->verdict));
    ds_put_cstr(s, "  source: ");
    put_eni(session->source, s);
    ds_put_format(s, "\n  target: %s, ", target->id);
    if (target->eni) {
        ds_put_cstr(s, "network interface ");
        put_eni(target->eni, s);
    } else {
        ds_put_format(s, "network load balancer %s (%s, cross-zone %s)",
                      target->nlb->id, target->nlb->vpc->id,
                      target->nlb->cross_zone ? "on" : "off");
    }
    ds_put_format(s, "\n  path of a UDP %d copy:\n", SIM_VXLAN_PORT);
    for (size_t i = 0; i < r->n_hops; i++) {
        const struct sim_hop *hop = &r->hops[i];

        ds_put_format(s, "    %2"PRIuSIZE". %s", i + 1, hop->component);
        put_hop_attrs(hop, s);
        if (sim_result_blocks(r, hop->component)) {
            ds_put_cstr(s, "  <-- blocked");
        }
        ds_put_char(s, '\n');
    }

    if (!r->n_explanations) {
        ds_put_cstr(s, "  The copy reaches the target.\n");
    } else {
        ds_put_format(s, "  %s %"PRIuSIZE" problem%s:\n",
                      (r->verdict == SIM_INVALID
                       ? "Invalid (a rule of traffic mirroring refuses it),"
                       : "Blocked by"),
                      r->n_explanations, r->n_explanations == 1 ? "" : "s");
        for (size_t i = 0; i < r->n_explanations; i++) {
            const struct sim_explanation *e = &r->explanations[i];

            ds_put_format(s, "    %"PRIuSIZE". %s at %s", i + 1, e->code,
                          e->component);
            if (e->direction) {
                ds_put_format(s, " (%s)", e->direction);
            }
            ds_put_format(s, "\n       %s\n       fix: %s\n", e->detail,
                          e->fix);
        }
    }
}

/* Appends to 's' the report for a person at a terminal: one block per
 * session, the path hop by hop, each problem with its fix, then a
 * summary. */
void
sim_report_format_text(const struct sim_report *report,
                       const struct sim_topology *topo OVS_UNUSED,
                       struct ds *s)
{
    size_t counts[3] = { 0, 0, 0 };

    for (size_t i = 0; i < report->n_results; i++) {
        if (i) {
            ds_put_char(s, '\n');
        }
        format_result_text(&report->results[i], s);
        counts[report->results[i].verdict]++;
    }
    ds_put_format(s, "%s%s: %"PRIuSIZE" session%s checked: %"PRIuSIZE
                  " reachable, %"PRIuSIZE" blocked, %"PRIuSIZE" invalid.\n",
                  report->n_results ? "\n" : "", report->topology,
                  report->n_results, report->n_results == 1 ? "" : "s",
                  counts[SIM_REACHABLE],
                  counts[SIM_BLOCKED], counts[SIM_INVALID]);
}

/* ---- HTML. ---- */

static void
put_escaped(struct ds *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '<':
            ds_put_cstr(s, "&lt;");
            break;
        case '>':
            ds_put_cstr(s, "&gt;");
            break;
        case '&':
            ds_put_cstr(s, "&amp;");
            break;
        case '"':
            ds_put_cstr(s, "&quot;");
            break;
        default:
            ds_put_char(s, *p);
            break;
        }
    }
}

#define BOX_W 170
#define BOX_H 58
#define GAP_X 46
#define GAP_Y 50
#define PER_ROW 5
#define MARGIN 20

static void
svg_box(struct ds *s, int x, int y, const char *title, const char *type,
        const char *note, bool blocked, bool off_path)
{
    ds_put_format(s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                  "rx=\"8\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                  x, y, BOX_W, BOX_H, blocked ? "#fde2e1" : "#e8f1fb",
                  blocked ? "#d0021b" : "#2a6ebb",
                  off_path ? " stroke-dasharray=\"6 4\"" : "");
    ds_put_format(s, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                  "font-weight=\"bold\" font-size=\"13\">", x + BOX_W / 2,
                  y + 20);
    put_escaped(s, title);
    ds_put_format(s, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                  "font-size=\"11\" fill=\"#444\">", x + BOX_W / 2, y + 36);
    put_escaped(s, type);
    ds_put_cstr(s, "</text>");
    if (note) {
        ds_put_format(s, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                      "font-size=\"10\" fill=\"#444\">", x + BOX_W / 2,
                      y + 50);
        put_escaped(s, note);
        ds_put_cstr(s, "</text>");
    }
}

static void
hop_note(const struct sim_hop *hop, struct ds *note)
{
    char *route = hop_route(hop);
    const char *dir = hop->direction;
    char *node = hop_node(hop);
    const char *zone = hop->zone;

    if (route) {
        ds_put_format(note, "%s -> %s", route,
                      hop->target ? hop->target : "?");
    } else if (dir) {
        ds_put_cstr(note, dir);
    } else if (node) {
        ds_put_format(note, "node %s", node);
    } else if (zone) {
        ds_put_cstr(note, zone);
    }
    free(route);
    free(node);
}

static void
format_result_html(const struct sim_result *r, struct ds *s)
{
    const struct sim_mirror_session *session = r->session;
    struct sset off_path = SSET_INITIALIZER(&off_path);
    const char *name;

    for (size_t i = 0; i < r->n_explanations; i++) {
        bool on_path = false;

        for (size_t j = 0; j < r->n_hops; j++) {
            on_path = on_path || !strcmp(r->hops[j].component,
                                         r->explanations[i].component);
        }
        if (!on_path) {
            sset_add(&off_path, r->explanations[i].component);
        }
    }

    ds_put_cstr(s, "<section><h2>");
    put_escaped(s, session->id);
    ds_put_format(s, " <span class=\"verdict %s\">%s</span></h2>\n<p>",
                  sim_verdict_to_string(r->verdict),
                  sim_verdict_to_string(r->verdict));
    ds_put_cstr(s, "Source ");
    put_escaped(s, session->source->id);
    ds_put_cstr(s, ", target ");
    put_escaped(s, session->target->id);
    ds_put_format(s, " (%s ", session->target->eni ? "network interface"
                  : "network load balancer");
    put_escaped(s, (session->target->eni ? session->target->eni->id
                    : session->target->nlb->id));
    ds_put_format(s, "); the copy is UDP %d.</p>\n", SIM_VXLAN_PORT);

    size_t n_boxes = r->n_hops;
    size_t rows = (n_boxes + PER_ROW - 1) / PER_ROW;
    size_t off_rows = (sset_count(&off_path) + PER_ROW - 1) / PER_ROW;
    int width = 2 * MARGIN + PER_ROW * BOX_W + (PER_ROW - 1) * GAP_X;
    int height = (2 * MARGIN + (rows + off_rows) * (BOX_H + GAP_Y) - GAP_Y
                  + (off_rows ? 20 : 0) + 20);

    /* An <svg> element inside an HTML document needs no xmlns attribute:
     * the HTML parser puts it in the SVG namespace itself. */
    ds_put_format(s, "<svg width=\"%d\" height=\"%d\" "
                  "font-family=\"sans-serif\">"
                  "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" "
                  "refX=\"10\" refY=\"5\" markerWidth=\"8\" "
                  "markerHeight=\"8\" orient=\"auto-start-reverse\">"
                  "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>"
                  "</marker></defs>\n", width, height);
    for (size_t i = 0; i < r->n_hops; i++) {
        const struct sim_hop *hop = &r->hops[i];
        int x = MARGIN + (i % PER_ROW) * (BOX_W + GAP_X);
        int y = MARGIN + (i / PER_ROW) * (BOX_H + GAP_Y);
        struct ds note = DS_EMPTY_INITIALIZER;

        if (i) {
            if (i % PER_ROW) {
                ds_put_format(s, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                              "y2=\"%d\" stroke=\"#555\" stroke-width=\"2\" "
                              "marker-end=\"url(#arrow)\"/>",
                              x - GAP_X, y + BOX_H / 2, x - 2,
                              y + BOX_H / 2);
            } else {
                /* Back to the start of the next row, below the codes
                 * that a blocking component may have under it. */
                int px = MARGIN + (PER_ROW - 1) * (BOX_W + GAP_X) + BOX_W / 2;
                int py = y - GAP_Y;
                int turn = y - 16;
                ds_put_format(s, "<polyline points=\"%d,%d %d,%d %d,%d "
                              "%d,%d\" fill=\"none\" stroke=\"#555\" "
                              "stroke-width=\"2\" "
                              "marker-end=\"url(#arrow)\"/>",
                              px, py, px, turn, x + BOX_W / 2, turn,
                              x + BOX_W / 2, y - 2);
            }
        }
        hop_note(hop, &note);
        svg_box(s, x, y, hop->component, hop->type,
                note.length ? ds_cstr(&note) : NULL,
                sim_result_blocks(r, hop->component), false);
        ds_destroy(&note);

        /* Under a blocking component, its reasons' codes, one a line. */
        int line = 0;
        for (size_t j = 0; j < r->n_explanations; j++) {
            if (!strcmp(r->explanations[j].component, hop->component)) {
                ds_put_format(s, "<text x=\"%d\" y=\"%d\" "
                              "text-anchor=\"middle\" font-size=\"10\" "
                              "fill=\"#d0021b\">%s</text>", x + BOX_W / 2,
                              y + BOX_H + 13 + 11 * line++,
                              r->explanations[j].code);
            }
        }
        ds_put_char(s, '\n');
    }
    if (off_rows) {
        int y0 = MARGIN + rows * (BOX_H + GAP_Y);
        size_t i = 0;

        ds_put_format(s, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                      "fill=\"#d0021b\">Also blocking, beyond where the copy "
                      "stops:</text>\n", MARGIN, y0 + 4);
        SSET_FOR_EACH (name, &off_path) {
            int x = MARGIN + (i % PER_ROW) * (BOX_W + GAP_X);
            int y = y0 + 20 + (i / PER_ROW) * (BOX_H + GAP_Y);
            const char *type = "";

            for (size_t j = 0; j < r->n_explanations; j++) {
                if (!strcmp(r->explanations[j].component, name)) {
                    type = r->explanations[j].code;
                    break;
                }
            }
            svg_box(s, x, y, name, type, NULL, true, true);
            ds_put_char(s, '\n');
            i++;
        }
    }
    ds_put_cstr(s, "</svg>\n");

    if (r->n_explanations) {
        ds_put_cstr(s, "<ol class=\"reasons\">\n");
        for (size_t i = 0; i < r->n_explanations; i++) {
            const struct sim_explanation *e = &r->explanations[i];

            ds_put_format(s, "<li><code>%s</code> at <b>", e->code);
            put_escaped(s, e->component);
            ds_put_cstr(s, "</b>");
            if (e->direction) {
                ds_put_format(s, " (%s)", e->direction);
            }
            ds_put_cstr(s, ": ");
            put_escaped(s, e->detail);
            ds_put_cstr(s, "<br><span class=\"fix\">Fix: ");
            put_escaped(s, e->fix);
            ds_put_cstr(s, "</span></li>\n");
        }
        ds_put_cstr(s, "</ol>\n");
    } else {
        ds_put_cstr(s, "<p>The copy reaches the target.</p>\n");
    }
    ds_put_cstr(s, "</section>\n");
    sset_destroy(&off_path);
}

/* Appends to 's' a standalone HTML page with one section per session: the
 * path drawn as inline SVG (components as boxes, hops as arrows, blocking
 * components in red) and the reasons with their fixes. */
void
sim_report_format_html(const struct sim_report *report,
                       const struct sim_topology *topo OVS_UNUSED,
                       struct ds *s)
{
    ds_put_cstr(s, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                "<meta charset=\"utf-8\"><title>tm-sim check: ");
    put_escaped(s, report->topology);
    ds_put_cstr(s, "</title>\n<style>\n"
                "body{font-family:sans-serif;margin:2em;color:#222}\n"
                "section{margin-bottom:2.5em}\n"
                ".verdict{font-size:0.7em;padding:2px 8px;border-radius:4px;"
                "color:#fff;vertical-align:middle}\n"
                ".reachable{background:#2e7d32}.blocked{background:#d0021b}"
                ".invalid{background:#e65100}\n"
                ".fix{color:#2e7d32}\nli{margin-bottom:0.6em}\n"
                "</style></head><body>\n<h1>Traffic mirroring dry run: ");
    put_escaped(s, report->topology);
    ds_put_cstr(s, "</h1>\n");
    for (size_t i = 0; i < report->n_results; i++) {
        format_result_html(&report->results[i], s);
    }
    ds_put_cstr(s, "</body></html>\n");
}
