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

/* The reconciler (see include/tmirror/reconcile.h).
 *
 * States of the connection:
 *
 *   no connection: nothing to do but wait for rconn to make one.
 *
 *   DUMPING: a new connection (or a repair) asked for the flow monitor
 *   and for a dump of the flows of its cookie; the replies build
 *   'installed' afresh.  Nothing is sent until the dump is complete.
 *
 *   SYNCED: 'installed' is what the bridge holds, as far as it knows.
 *   Whenever 'desired' differs, the difference goes out as one bundle
 *   (open, the flow mods, commit) and is applied to 'installed' at once;
 *   one bundle at a time is in flight.  A refused bundle (an error with
 *   one of its xids) or a change by someone else (a full update from the
 *   flow monitor) sends it back to DUMPING.
 *
 * The model is OVN's controller/ofctrl.c (desired versus installed flows,
 * one bundle per change); unlike it, the installed flows are read back
 * from the bridge on every connection instead of being deleted, so that a
 * restart with nothing changed costs no flow mod, and another controller's
 * flows are never touched. */

#include <config.h>

#include "tmirror/reconcile.h"

#include <errno.h>
#include <string.h>

#include "bitmap.h"
#include "byte-order.h"
#include "hash.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofp-monitor.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "tmirror/compile.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_reconcile);

/* ---- Flow tables. ---- */

static uint32_t
flow_key_hash(uint8_t table_id, uint16_t priority,
              const struct minimatch *match)
{
    return minimatch_hash(match, hash_2words(table_id, priority));
}

void
tm_flow_table_init(struct tm_flow_table *table)
{
    hmap_init(&table->flows);
}

static void
tm_flow_destroy(struct tm_flow *flow)
{
    minimatch_destroy(&flow->match);
    free(flow->ofpacts);
    free(flow->compiled);
    free(flow);
}

void
tm_flow_table_clear(struct tm_flow_table *table)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_POP (flow, node, &table->flows) {
        tm_flow_destroy(flow);
    }
}

void
tm_flow_table_destroy(struct tm_flow_table *table)
{
    if (table) {
        tm_flow_table_clear(table);
        hmap_destroy(&table->flows);
    }
}

void
tm_flow_table_swap(struct tm_flow_table *a, struct tm_flow_table *b)
{
    hmap_swap(&a->flows, &b->flows);
}

size_t
tm_flow_table_count(const struct tm_flow_table *table)
{
    return hmap_count(&table->flows);
}

struct tm_flow *
tm_flow_table_find(const struct tm_flow_table *table, uint8_t table_id,
                   uint16_t priority, const struct minimatch *match)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node,
                             flow_key_hash(table_id, priority, match),
                             &table->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && minimatch_equal(&flow->match, match)) {
            return flow;
        }
    }
    return NULL;
}

void
tm_flow_table_remove(struct tm_flow_table *table, struct tm_flow *flow)
{
    hmap_remove(&table->flows, &flow->node);
    tm_flow_destroy(flow);
}

/* Inserts 'flow' into 'table', replacing a flow of the same key. */
static struct tm_flow *
flow_table_insert(struct tm_flow_table *table, struct tm_flow *flow)
{
    struct tm_flow *old = tm_flow_table_find(table, flow->table_id,
                                             flow->priority, &flow->match);
    if (old) {
        tm_flow_table_remove(table, old);
    }
    hmap_insert(&table->flows, &flow->node,
                flow_key_hash(flow->table_id, flow->priority, &flow->match));
    return flow;
}

static struct tm_flow *
flow_create(uint8_t table_id, uint16_t priority, uint64_t cookie,
            const struct ofpact *ofpacts, size_t ofpacts_len)
{
    struct tm_flow *flow = xmalloc(sizeof *flow);

    flow->table_id = table_id;
    flow->priority = priority;
    flow->cookie = cookie;
    flow->ofpacts = ofpacts_len ? xmemdup(ofpacts, ofpacts_len) : NULL;
    flow->ofpacts_len = ofpacts_len;
    flow->compiled = NULL;
    flow->compiled_len = 0;
    flow->seqno = 0;
    flow->owner = 0;
    return flow;
}

/* Puts into 'table' a flow with the given key and value, replacing the one
 * of the same key if there is one.  Returns the new flow. */
struct tm_flow *
tm_flow_table_put(struct tm_flow_table *table, uint8_t table_id,
                  uint16_t priority, const struct match *match,
                  uint64_t cookie, const struct ofpact *ofpacts,
                  size_t ofpacts_len)
{
    struct tm_flow *flow = flow_create(table_id, priority, cookie, ofpacts,
                                       ofpacts_len);

    minimatch_init(&flow->match, match);
    return flow_table_insert(table, flow);
}

/* Compiled actions in the form of a flow dump (see
 * tm_flow_table_from_flows()), by the address of the compiled ones, which
 * flows with the same actions share. */
struct dumped_actions {
    struct hmap_node node;
    const struct ofpact *compiled;
    size_t compiled_len;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
};

/* Puts compiled actions into their dumped form, once for each. */
struct dumper {
    struct hmap actions;        /* Contains "struct dumped_actions"s. */
    struct ofpbuf openflow, ofpacts;
};

static void
dumper_init(struct dumper *d)
{
    hmap_init(&d->actions);
    ofpbuf_init(&d->openflow, 1024);
    ofpbuf_init(&d->ofpacts, 1024);
}

static void
dumper_destroy(struct dumper *d)
{
    struct dumped_actions *da;

    HMAP_FOR_EACH_POP (da, node, &d->actions) {
        free(da->ofpacts);
        free(da);
    }
    hmap_destroy(&d->actions);
    ofpbuf_uninit(&d->openflow);
    ofpbuf_uninit(&d->ofpacts);
}

static const struct dumped_actions *
dumper_get(struct dumper *d, const struct ofpact *compiled,
           size_t compiled_len)
{
    uint32_t hash = hash_pointer(compiled, compiled_len);
    struct dumped_actions *da;

    HMAP_FOR_EACH_WITH_HASH (da, node, hash, &d->actions) {
        if (da->compiled == compiled && da->compiled_len == compiled_len) {
            return da;
        }
    }

    da = xmalloc(sizeof *da);
    da->compiled = compiled;
    da->compiled_len = compiled_len;
    ofpbuf_clear(&d->openflow);
    ofpbuf_clear(&d->ofpacts);
    /* Bytes that decoding leaves alone (padding) are zeros, not those of
     * the actions decoded before, so that equal actions decode to equal
     * bytes. */
    memset(d->ofpacts.base, 0, d->ofpacts.allocated);
    ofpacts_put_openflow_actions(compiled, compiled_len, &d->openflow,
                                 OFP15_VERSION);
    if (!ofpacts_pull_openflow_actions(&d->openflow, d->openflow.size,
                                       OFP15_VERSION, NULL, NULL,
                                       &d->ofpacts)) {
        da->ofpacts = xmemdup(d->ofpacts.data, d->ofpacts.size);
        da->ofpacts_len = d->ofpacts.size;
    } else {
        da->ofpacts = xmemdup(compiled, compiled_len);
        da->ofpacts_len = compiled_len;
    }
    hmap_insert(&d->actions, &da->node, hash);
    return da;
}

/* Replaces the contents of 'table' by the compiled 'flows'.
 *
 * Their actions are first put in the form in which the bridge will give
 * them back in a flow dump (a flow's actions, encoded in OpenFlow 1.5 and
 * decoded again: a "load" of a whole register becomes a "set_field"), so
 * that a flow read back from the bridge compares equal to the one that
 * was compiled.  That is done once for each set of actions that compiled
 * flows share. */
void
tm_flow_table_from_flows(struct tm_flow_table *table,
                         const struct tm_flows *flows)
{
    struct dumper dumper;

    dumper_init(&dumper);
    tm_flow_table_clear(table);
    for (size_t i = 0; i < flows->n; i++) {
        const struct ofputil_flow_mod *fm = &flows->fms[i];
        const struct dumped_actions *acts = dumper_get(&dumper, fm->ofpacts,
                                                       fm->ofpacts_len);
        struct tm_flow *flow = flow_create(fm->table_id, fm->priority,
                                           ntohll(fm->new_cookie),
                                           acts->ofpacts, acts->ofpacts_len);

        minimatch_clone(&flow->match, &fm->match);
        flow_table_insert(table, flow);
    }
    dumper_destroy(&dumper);
}

/* Are 'a' and 'b' the same actions in other bytes?  Compared in their
 * OpenFlow 1.5 encoding (which has no padding of its own to differ in),
 * and as text if that differs too. */
static bool
actions_equal_encoded(const struct ofpact *a, size_t a_len,
                      const struct ofpact *b, size_t b_len)
{
    uint64_t a_stub[1024 / 8], b_stub[1024 / 8];
    struct ofpbuf a_of = OFPBUF_STUB_INITIALIZER(a_stub);
    struct ofpbuf b_of = OFPBUF_STUB_INITIALIZER(b_stub);
    bool equal;

    ofpacts_put_openflow_actions(a, a_len, &a_of, OFP15_VERSION);
    ofpacts_put_openflow_actions(b, b_len, &b_of, OFP15_VERSION);
    equal = (a_of.size == b_of.size
             && !memcmp(a_of.data, b_of.data, a_of.size));
    ofpbuf_uninit(&a_of);
    ofpbuf_uninit(&b_of);
    return equal || ofpacts_equal_stringwise(a, a_len, b, b_len);
}

/* Are the actions of 'a' and 'b' the same?  Actions that went through the
 * bridge and back may differ from the compiled ones in bytes that do not
 * matter (padding, the form of a load). */
static bool
flow_actions_equal(const struct tm_flow *a, const struct tm_flow *b)
{
    return (ofpacts_equal(a->ofpacts, a->ofpacts_len,
                          b->ofpacts, b->ofpacts_len)
            || actions_equal_encoded(a->ofpacts, a->ofpacts_len,
                                     b->ofpacts, b->ofpacts_len));
}

/* True if 'a' and 'b' have the same key and value. */
bool
tm_flow_equal(const struct tm_flow *a, const struct tm_flow *b)
{
    return (a->table_id == b->table_id
            && a->priority == b->priority
            && a->cookie == b->cookie
            && minimatch_equal(&a->match, &b->match)
            && flow_actions_equal(a, b));
}

static void
flow_format(const struct tm_flow *flow, struct ds *s)
{
    struct ofpact_format_params fp = { .s = s };

    ds_put_format(s, "table=%"PRIu8", cookie=%#"PRIx64", ", flow->table_id,
                  flow->cookie);
    minimatch_format(&flow->match, NULL, NULL, s, flow->priority);
    ds_put_cstr(s, " actions=");
    if (flow->ofpacts_len) {
        ofpacts_format(flow->ofpacts, flow->ofpacts_len, &fp);
    } else {
        ds_put_cstr(s, "drop");
    }
}

static int
compare_flow_texts(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

/* Appends to 's' the flows of 'table' whose cookie, masked by
 * 'cookie_mask', is 'cookie', one a line in ovs-ofctl's syntax, sorted. */
void
tm_flow_table_format(const struct tm_flow_table *table, uint64_t cookie,
                     uint64_t cookie_mask, struct ds *s)
{
    size_t n = 0, allocated = 0;
    const struct tm_flow *flow;
    char **lines = NULL;

    HMAP_FOR_EACH (flow, node, &table->flows) {
        if ((flow->cookie & cookie_mask) == (cookie & cookie_mask)) {
            struct ds line = DS_EMPTY_INITIALIZER;

            flow_format(flow, &line);
            if (n >= allocated) {
                lines = x2nrealloc(lines, &allocated, sizeof *lines);
            }
            lines[n++] = ds_steal_cstr(&line);
        }
    }
    if (n) {
        qsort(lines, n, sizeof *lines, compare_flow_texts);
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

/* An array of flows that grows. */
struct flow_array {
    const struct tm_flow **flows;
    size_t n, allocated;
};

static void
flow_array_append(struct flow_array *a, const struct tm_flow *flow)
{
    if (a->n >= a->allocated) {
        a->flows = x2nrealloc(a->flows, &a->allocated, sizeof *a->flows);
    }
    a->flows[a->n++] = flow;
}

/* Adds to the arrays what turns 'old', the installed flow of the key of
 * the desired 'flow', into 'flow' (see flow_diff_compute()). */
static void
flow_diff_one(const struct tm_flow *flow, const struct tm_flow *old,
              struct flow_array *adds, struct flow_array *modifies,
              struct flow_array *same_text)
{
    if (!old || old->cookie != flow->cookie) {
        flow_array_append(adds, flow);
    } else if (ofpacts_equal(old->ofpacts, old->ofpacts_len,
                             flow->ofpacts, flow->ofpacts_len)) {
        /* The same. */
    } else if (!actions_equal_encoded(old->ofpacts, old->ofpacts_len,
                                      flow->ofpacts, flow->ofpacts_len)) {
        flow_array_append(modifies, flow);
    } else if (same_text) {
        flow_array_append(same_text, old);
        flow_array_append(same_text, flow);
    }
}

/* Stores in 'diff' what turns 'installed' into 'desired', looking at every
 * flow of both, or if 'keys' is nonnull only at the flows with the keys of
 * the flows in 'keys' (the others being known to be the same).  If
 * 'same_text' is nonnull, appends to it each installed flow whose actions
 * are those of its desired flow in other bytes (see flow_actions_equal()),
 * followed by that desired flow. */
static void
flow_diff_compute(const struct tm_flow_table *desired,
                  const struct tm_flow_table *installed,
                  const struct tm_flow_table *keys,
                  struct tm_flow_diff *diff, struct flow_array *same_text)
{
    struct flow_array adds = { NULL, 0, 0 };
    struct flow_array modifies = { NULL, 0, 0 };
    struct flow_array deletes = { NULL, 0, 0 };
    const struct tm_flow *flow;

    if (keys) {
        HMAP_FOR_EACH (flow, node, &keys->flows) {
            const struct tm_flow *new = tm_flow_table_find(
                desired, flow->table_id, flow->priority, &flow->match);
            const struct tm_flow *old = tm_flow_table_find(
                installed, flow->table_id, flow->priority, &flow->match);

            if (new) {
                flow_diff_one(new, old, &adds, &modifies, same_text);
            } else if (old) {
                flow_array_append(&deletes, old);
            }
        }
    } else {
        HMAP_FOR_EACH (flow, node, &desired->flows) {
            flow_diff_one(flow, tm_flow_table_find(installed, flow->table_id,
                                                   flow->priority,
                                                   &flow->match),
                          &adds, &modifies, same_text);
        }
        HMAP_FOR_EACH (flow, node, &installed->flows) {
            if (!tm_flow_table_find(desired, flow->table_id, flow->priority,
                                    &flow->match)) {
                flow_array_append(&deletes, flow);
            }
        }
    }
    *diff = (struct tm_flow_diff) {
        .adds = adds.flows, .n_adds = adds.n,
        .modifies = modifies.flows, .n_modifies = modifies.n,
        .deletes = deletes.flows, .n_deletes = deletes.n,
    };
}

void
tm_flow_diff_compute(const struct tm_flow_table *desired,
                     const struct tm_flow_table *installed,
                     struct tm_flow_diff *diff)
{
    flow_diff_compute(desired, installed, NULL, diff, NULL);
}

size_t
tm_flow_diff_size(const struct tm_flow_diff *diff)
{
    return diff->n_adds + diff->n_modifies + diff->n_deletes;
}

void
tm_flow_diff_destroy(struct tm_flow_diff *diff)
{
    if (diff) {
        free(diff->adds);
        free(diff->modifies);
        free(diff->deletes);
        memset(diff, 0, sizeof *diff);
    }
}

/* ---- The reconciler. ---- */

enum reconciler_state {
    S_DISCONNECTED,
    S_DUMPING,
    S_SYNCED,
};

/* The last known statistics of the flows with one exact cookie. */
struct aggregate {
    struct hmap_node node;      /* In 'aggregates', by 'cookie'. */
    uint64_t cookie;
    uint64_t packets;
    uint64_t bytes;
    bool valid;                 /* False until a reply came. */
};

/* A meter: what it is, as wanted or as installed, and what it dropped. */
struct meter {
    struct hmap_node node;      /* By 'id'. */
    uint32_t id;
    uint32_t kbps;
    uint32_t burst_kb;
    uint64_t drop_packets;      /* Installed only: as last read. */
    uint64_t drop_bytes;
    bool has_stats;
};

static struct meter *
meter_find(const struct hmap *meters, uint32_t id)
{
    struct meter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), meters) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

static struct meter *
meter_put(struct hmap *meters, uint32_t id, uint32_t kbps, uint32_t burst_kb)
{
    struct meter *m = meter_find(meters, id);

    if (!m) {
        m = xzalloc(sizeof *m);
        m->id = id;
        hmap_insert(meters, &m->node, hash_int(id, 0));
    }
    m->kbps = kbps;
    m->burst_kb = burst_kb;
    return m;
}

static void
meters_clear(struct hmap *meters)
{
    struct meter *m;

    HMAP_FOR_EACH_POP (m, node, meters) {
        free(m);
    }
}

static bool
meter_is_ours(uint32_t id)
{
    return (id & UINT32_C(0xc0000000)) == TM_METER_BASE;
}

/* An aggregate request in flight. */
struct aggregate_request {
    struct hmap_node node;      /* In 'aggregate_requests', by 'xid'. */
    ovs_be32 xid;
    uint64_t cookie;
};

/* The desired flows of one ENI, or the shared ones. */
struct owner_flows {
    struct tm_flow **flows;
    size_t n, allocated;
};

struct tm_reconciler {
    uint64_t cookie;            /* Owner bits only. */
    struct rconn *rconn;
    unsigned int conn_seqno;    /* The rconn's seqno when last synced. */
    enum reconciler_state state;

    struct tm_flow_table desired;
    struct tm_flow_table installed;
    uint64_t desired_seqno;     /* Incremented on each change. */
    uint64_t sent_seqno;        /* 'desired_seqno' of the bundle in
                                 * flight, or of the last one. */
    bool desired_changed;       /* Not yet compared with 'installed'. */
    bool full_diff;             /* Compare all of 'desired' and 'installed'
                                 * next time; otherwise only the keys in
                                 * 'dirty'. */
    struct tm_flow_table dirty; /* Keys whose desired flow changed since
                                 * the last comparison (values unused). */
    bool has_desired;           /* Told what to want at least once: until
                                 * then nothing is sent, so that a
                                 * restarted daemon never deletes what it
                                 * has not yet computed. */
    size_t n_table_flows[256];  /* Desired flows in each table. */

    /* Desired flows given as compiled flows: those of each ENI ('owners'
     * index 1 + the ENI's index in the compile's input) and the shared ones
     * (index 0), so that tm_reconciler_replace_desired_flows() can replace
     * those of some ENIs.  Valid only if 'has_owners'. */
    struct owner_flows *owners;
    size_t n_owners;
    bool has_owners;

    /* The dump in DUMPING. */
    ovs_be32 dump_xid;
    struct tm_flow_table dumped;
    bool resync_needed;         /* Dump again as soon as possible. */

    /* The bundle in flight in SYNCED. */
    uint32_t bundle_id;
    ovs_be32 first_xid, commit_xid;     /* xids from first to commit. */
    bool bundle_in_flight;

    struct hmap aggregates;
    struct hmap aggregate_requests;

    /* Meters: wanted, and installed (read back on each connection). */
    struct hmap desired_meters;
    struct hmap installed_meters;
    bool meters_changed;
    ovs_be32 meter_dump_xid;
    bool dumping_meters;
    bool dumping_flows;

    struct tm_reconciler_stats stats;
};

struct tm_reconciler *
tm_reconciler_create(uint64_t cookie)
{
    struct tm_reconciler *r = xzalloc(sizeof *r);

    r->cookie = cookie & TM_COOKIE_OWNER_MASK;
    /* No inactivity probe: a bundle of tens of thousands of flow mods
     * gets no reply until it is committed, and an echo request queued
     * behind it is answered only after the commit, which takes seconds
     * on a loaded machine: with a probe of 5 s, a commit that ends more
     * than 10 s after the last message was sent drops the connection,
     * and the dump starts over.  The bridge is local: a dead ovs-vswitchd
     * closes the socket. */
    r->rconn = rconn_create(0, 1, DSCP_DEFAULT,
                            (1u << OFP14_VERSION) | (1u << OFP15_VERSION));
    r->state = S_DISCONNECTED;
    tm_flow_table_init(&r->desired);
    tm_flow_table_init(&r->installed);
    tm_flow_table_init(&r->dirty);
    r->full_diff = true;
    tm_flow_table_init(&r->dumped);
    hmap_init(&r->aggregates);
    hmap_init(&r->aggregate_requests);
    hmap_init(&r->desired_meters);
    hmap_init(&r->installed_meters);
    return r;
}

void
tm_reconciler_destroy(struct tm_reconciler *r)
{
    if (r) {
        struct aggregate_request *req;
        struct aggregate *agg;

        rconn_destroy(r->rconn);
        tm_flow_table_destroy(&r->desired);
        tm_flow_table_destroy(&r->installed);
        tm_flow_table_destroy(&r->dirty);
        tm_flow_table_destroy(&r->dumped);
        HMAP_FOR_EACH_POP (agg, node, &r->aggregates) {
            free(agg);
        }
        hmap_destroy(&r->aggregates);
        HMAP_FOR_EACH_POP (req, node, &r->aggregate_requests) {
            free(req);
        }
        hmap_destroy(&r->aggregate_requests);
        meters_clear(&r->desired_meters);
        hmap_destroy(&r->desired_meters);
        meters_clear(&r->installed_meters);
        hmap_destroy(&r->installed_meters);
        for (size_t i = 0; i < r->n_owners; i++) {
            free(r->owners[i].flows);
        }
        free(r->owners);
        free(r);
    }
}

/* Connects to the bridge at 'target' (for example
 * "unix:/var/run/openvswitch/br-int.mgmt"), and reconnects whenever the
 * connection drops. */
void
tm_reconciler_connect(struct tm_reconciler *r, const char *target)
{
    rconn_connect(r->rconn, target, target);
    r->state = S_DISCONNECTED;
}

const char *
tm_reconciler_get_target(const struct tm_reconciler *r)
{
    return rconn_get_target(r->rconn);
}

bool
tm_reconciler_is_connected(const struct tm_reconciler *r)
{
    return rconn_is_connected(r->rconn);
}

/* Makes the flows in 'desired' (which it empties) the ones to install.
 * Each call is a change whose number tm_reconciler_get_seqno() then
 * returns. */
void
tm_reconciler_set_desired(struct tm_reconciler *r,
                          struct tm_flow_table *desired)
{
    const struct tm_flow *flow;

    tm_flow_table_swap(&r->desired, desired);
    tm_flow_table_clear(desired);
    r->full_diff = true;
    r->has_owners = false;
    memset(r->n_table_flows, 0, sizeof r->n_table_flows);
    HMAP_FOR_EACH (flow, node, &r->desired.flows) {
        r->n_table_flows[flow->table_id]++;
    }
    r->desired_seqno++;
    r->desired_changed = true;
    r->has_desired = true;
}

/* Are the compiled actions 'a' and 'b' the same?  Like ofpacts_equal(),
 * but a "set_field" (or "load") is compared by its field, value and mask
 * alone: ofpact_put_set_field() leaves the bytes after the value and after
 * the mask as they were in the buffer, which differ from one compilation
 * to the next.  The actions of a "clone" are compared one by one too. */
static bool
compiled_actions_equal(const struct ofpact *a, size_t a_len,
                       const struct ofpact *b, size_t b_len)
{
    if (a_len != b_len) {
        return false;
    } else if (!a_len || !memcmp(a, b, a_len)) {
        /* No actions (a drop) may come with null pointers, which memcmp()
         * must not be given. */
        return true;
    }

    const uint8_t *end = (const uint8_t *) a + a_len;
    while ((const uint8_t *) a < end) {
        if (a->type != b->type || a->len != b->len) {
            return false;
        }
        if (a->type == OFPACT_SET_FIELD) {
            const struct ofpact_set_field *sa = ofpact_get_SET_FIELD(a);
            const struct ofpact_set_field *sb = ofpact_get_SET_FIELD(b);
            unsigned int n = sa->field->n_bytes;

            if (sa->field != sb->field
                || sa->flow_has_vlan != sb->flow_has_vlan
                || memcmp(sa->value, sb->value, n)
                || memcmp(ofpact_set_field_mask(sa),
                          ofpact_set_field_mask(sb), n)) {
                return false;
            }
        } else if (a->type == OFPACT_CLONE) {
            /* Its header, then its actions, which follow it. */
            size_t header = sizeof(struct ofpact_nest);

            a = ALIGNED_CAST(const struct ofpact *,
                             (const uint8_t *) a + header);
            b = ALIGNED_CAST(const struct ofpact *,
                             (const uint8_t *) b + header);
            continue;
        } else if (memcmp(a, b, a->len)) {
            return false;
        }
        a = ofpact_next(a);
        b = ofpact_next(b);
    }
    return true;
}

/* Records that the desired flow with the key of 'flow' changed. */
static void
mark_dirty(struct tm_reconciler *r, const struct tm_flow *flow)
{
    if (!r->full_diff
        && !tm_flow_table_find(&r->dirty, flow->table_id, flow->priority,
                               &flow->match)) {
        struct tm_flow *key = flow_create(flow->table_id, flow->priority,
                                          0, NULL, 0);

        minimatch_clone(&key->match, &flow->match);
        flow_table_insert(&r->dirty, key);
    }
}

/* Gives the desired flow of compiled 'fm' for change 'seqno': keeps the
 * desired flow of its key if it has the same cookie and compiled actions,
 * otherwise changes or adds it (putting its actions into their dumped form
 * with 'dumper') and marks its key dirty.  Sets '*again' if a flow of
 * 'fm''s key was already given for 'seqno'. */
static struct tm_flow *
give_flow(struct tm_reconciler *r, struct dumper *dumper,
          const struct ofputil_flow_mod *fm, uint64_t seqno, bool *again)
{
    uint64_t cookie = ntohll(fm->new_cookie);
    struct tm_flow *flow;

    flow = tm_flow_table_find(&r->desired, fm->table_id, fm->priority,
                              &fm->match);
    *again = flow && flow->seqno == seqno;
    if (flow && !*again && flow->cookie == cookie && flow->compiled
        && compiled_actions_equal(flow->compiled, flow->compiled_len,
                                  fm->ofpacts, fm->ofpacts_len)) {
        flow->seqno = seqno;
        return flow;
    }

    const struct dumped_actions *acts = dumper_get(dumper, fm->ofpacts,
                                                   fm->ofpacts_len);
    if (!flow) {
        flow = flow_create(fm->table_id, fm->priority, cookie,
                           acts->ofpacts, acts->ofpacts_len);
        minimatch_clone(&flow->match, &fm->match);
        flow_table_insert(&r->desired, flow);
        r->n_table_flows[flow->table_id]++;
    } else {
        free(flow->ofpacts);
        flow->ofpacts = xmemdup(acts->ofpacts, acts->ofpacts_len);
        flow->ofpacts_len = acts->ofpacts_len;
        flow->cookie = cookie;
    }
    free(flow->compiled);
    flow->compiled = xmemdup(fm->ofpacts, fm->ofpacts_len);
    flow->compiled_len = fm->ofpacts_len;
    flow->seqno = seqno;
    mark_dirty(r, flow);
    return flow;
}

/* Removes desired 'flow', which was not given again. */
static void
take_flow(struct tm_reconciler *r, struct tm_flow *flow)
{
    mark_dirty(r, flow);
    r->n_table_flows[flow->table_id]--;
    tm_flow_table_remove(&r->desired, flow);
}

/* The owner index of the i-th flow of 'flows' (see struct tm_reconciler's
 * 'owners'). */
static size_t
flow_owner(const struct tm_flows *flows, size_t i)
{
    return flows->eni_of[i] == SIZE_MAX ? 0 : flows->eni_of[i] + 1;
}

static void
owner_add(struct owner_flows *o, struct tm_flow *flow)
{
    if (o->n >= o->allocated) {
        o->flows = x2nrealloc(o->flows, &o->allocated, sizeof *o->flows);
    }
    o->flows[o->n++] = flow;
}

/* Gives the desired flows of 'flows' for change 'seqno' (see give_flow())
 * and adds each to its ENI's list.  Returns false if a key was given
 * twice: it belongs to two ENIs, the last one wins, as in a flow table,
 * but replacing one ENI's flows alone cannot be exact any more. */
static bool
give_flows(struct tm_reconciler *r, const struct tm_flows *flows,
           uint64_t seqno)
{
    bool has_owners = true;
    struct dumper dumper;

    dumper_init(&dumper);
    for (size_t i = 0; i < flows->n; i++) {
        bool again;
        struct tm_flow *flow = give_flow(r, &dumper, &flows->fms[i], seqno,
                                         &again);

        has_owners = has_owners && !again;
        flow->owner = flow_owner(flows, i);
        owner_add(&r->owners[flow->owner], flow);
    }
    dumper_destroy(&dumper);
    return has_owners;
}

static void
desired_flows_changed(struct tm_reconciler *r, uint64_t seqno)
{
    VLOG_DBG("%s: %"PRIuSIZE" desired flows changed of %"PRIuSIZE,
             rconn_get_name(r->rconn), tm_flow_table_count(&r->dirty),
             tm_flow_table_count(&r->desired));
    r->desired_seqno = seqno;
    r->desired_changed = true;
    r->has_desired = true;
}

/* Makes the compiled 'flows' the ones to install, as
 * tm_reconciler_set_desired() of tm_flow_table_from_flows() would, but
 * changing only the desired flows whose key, cookie or compiled actions
 * changed (and putting only those into their dumped form), so that the
 * next bundle is computed from those keys alone.  It remembers which ENI
 * each flow is of, for tm_reconciler_replace_desired_flows(). */
void
tm_reconciler_set_desired_flows(struct tm_reconciler *r,
                                const struct tm_flows *flows)
{
    uint64_t seqno = r->desired_seqno + 1;

    if (r->n_owners != flows->n_enis + 1) {
        for (size_t i = 0; i < r->n_owners; i++) {
            free(r->owners[i].flows);
        }
        free(r->owners);
        r->n_owners = flows->n_enis + 1;
        r->owners = xcalloc(r->n_owners, sizeof *r->owners);
    }
    for (size_t i = 0; i < r->n_owners; i++) {
        r->owners[i].n = 0;
    }

    bool has_owners = give_flows(r, flows, seqno);

    struct tm_flow *flow, *next;
    HMAP_FOR_EACH_SAFE (flow, next, node, &r->desired.flows) {
        if (flow->seqno != seqno) {
            take_flow(r, flow);
        }
    }
    r->has_owners = has_owners;
    desired_flows_changed(r, seqno);
}

/* Replaces the desired flows of the ENIs whose bits are set in 'enis' (and
 * the shared ones too if 'shared') by those in 'flows', a compile of those
 * ENIs alone (see struct tm_compile_input's 'only') of the same input as
 * the flows last given to tm_reconciler_set_desired_flows(), but for the
 * changes to those ENIs' sessions.  The desired flows are then those that
 * tm_reconciler_set_desired_flows() of a compile of all ENIs would give,
 * and only the flows that changed are marked for the next bundle.
 *
 * Returns false, having changed nothing, if it cannot be exact: the
 * desired flows were not last given by tm_reconciler_set_desired_flows()
 * with as many ENIs, or a flow in 'flows' has the key of another ENI's
 * flow. */
bool
tm_reconciler_replace_desired_flows(struct tm_reconciler *r,
                                    const struct tm_flows *flows,
                                    const unsigned long *enis, bool shared)
{
    if (!r->has_owners || r->n_owners != flows->n_enis + 1) {
        return false;
    }

    for (size_t i = 0; i < flows->n; i++) {
        const struct ofputil_flow_mod *fm = &flows->fms[i];
        const struct tm_flow *flow = tm_flow_table_find(
            &r->desired, fm->table_id, fm->priority, &fm->match);

        if (flow && (flow->owner == 0
                     ? !shared
                     : !bitmap_is_set(enis, flow->owner - 1))) {
            return false;
        }
    }

    uint64_t seqno = r->desired_seqno + 1;
    struct owner_flows *old = xcalloc(r->n_owners, sizeof *old);

    for (size_t o = 0; o < r->n_owners; o++) {
        if (o ? bitmap_is_set(enis, o - 1) : shared) {
            old[o] = r->owners[o];
            memset(&r->owners[o], 0, sizeof r->owners[o]);
        }
    }
    bool has_owners = give_flows(r, flows, seqno);

    for (size_t o = 0; o < r->n_owners; o++) {
        for (size_t i = 0; i < old[o].n; i++) {
            if (old[o].flows[i]->seqno != seqno) {
                take_flow(r, old[o].flows[i]);
            }
        }
        free(old[o].flows);
    }
    free(old);
    r->has_owners = has_owners;
    desired_flows_changed(r, seqno);
    return true;
}

const struct tm_flow_table *
tm_reconciler_get_desired(const struct tm_reconciler *r)
{
    return &r->desired;
}

const struct tm_flow_table *
tm_reconciler_get_installed(const struct tm_reconciler *r)
{
    return &r->installed;
}

uint64_t
tm_reconciler_get_seqno(const struct tm_reconciler *r)
{
    return r->desired_seqno;
}

/* True if the bridge is known to hold the desired flows: connected, the
 * installed flows read, the last change committed. */
bool
tm_reconciler_in_sync(const struct tm_reconciler *r)
{
    return (r->has_desired && r->state == S_SYNCED && !r->bundle_in_flight
            && !r->resync_needed && !r->desired_changed
            && r->stats.last_commit_seqno == r->desired_seqno);
}

/* Reads the bridge's flows again and repairs what differs. */
void
tm_reconciler_resync(struct tm_reconciler *r)
{
    r->resync_needed = true;
}

void
tm_reconciler_get_stats(const struct tm_reconciler *r,
                        struct tm_reconciler_stats *stats)
{
    *stats = r->stats;
}

static enum ofputil_protocol
reconciler_protocol(const struct tm_reconciler *r)
{
    return ofputil_protocol_from_ofp_version(rconn_get_version(r->rconn));
}

static void
reconciler_send(struct tm_reconciler *r, struct ofpbuf *msg)
{
    rconn_send(r->rconn, msg, NULL);
}

/* Asks for the flow monitor and for a dump of the flows of the cookie. */
static void
start_dump(struct tm_reconciler *r)
{
    enum ofputil_protocol protocol = reconciler_protocol(r);
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .cookie = htonll(r->cookie),
        .cookie_mask = htonll(TM_COOKIE_OWNER_MASK),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    struct ofpbuf *msg;

    match_init_catchall(&fsr.match);
    msg = ofputil_encode_flow_stats_request(&fsr, protocol);
    r->dump_xid = ((struct ofp_header *) msg->data)->xid;
    tm_flow_table_clear(&r->dumped);
    reconciler_send(r, msg);
    r->dumping_flows = true;

    msg = ofputil_encode_meter_request(rconn_get_version(r->rconn),
                                       OFPUTIL_METER_CONFIG, OFPM13_ALL);
    r->meter_dump_xid = ((struct ofp_header *) msg->data)->xid;
    meters_clear(&r->installed_meters);
    reconciler_send(r, msg);
    r->dumping_meters = true;

    r->state = S_DUMPING;
    r->resync_needed = false;
    r->bundle_in_flight = false;
    r->stats.n_dumps++;
}

static void
start_monitor(struct tm_reconciler *r)
{
    struct ofputil_flow_monitor_request fmr = {
        .id = 1,
        .flags = OFPFMF_ADD | OFPFMF_REMOVED | OFPFMF_MODIFY,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    struct ofpbuf *msg = ofpbuf_new(0);

    match_init_catchall(&fmr.match);
    ofputil_append_flow_monitor_request(&fmr, msg, reconciler_protocol(r));
    ofpmsg_update_length(msg);
    reconciler_send(r, msg);
}

static void
handle_dump_reply(struct tm_reconciler *r, const struct ofp_header *oh)
{
    struct ofpbuf msg = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t ofpacts_stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(ofpacts_stub);

    for (;;) {
        struct ofputil_flow_stats fs;
        int error = ofputil_decode_flow_stats_reply(&fs, &msg, false,
                                                    &ofpacts);
        if (error) {
            if (error != EOF) {
                VLOG_WARN("%s: bad flow stats reply (%s): reading the "
                          "flows again", rconn_get_name(r->rconn),
                          ofperr_to_string(error));
                r->resync_needed = true;
            }
            break;
        }
        if ((ntohll(fs.cookie) & TM_COOKIE_OWNER_MASK) == r->cookie) {
            tm_flow_table_put(&r->dumped, fs.table_id, fs.priority,
                              &fs.match, ntohll(fs.cookie), fs.ofpacts,
                              fs.ofpacts_len);
        }
    }
    ofpbuf_uninit(&ofpacts);

    if (!ofpmp_more(oh)) {
        tm_flow_table_swap(&r->installed, &r->dumped);
        tm_flow_table_clear(&r->dumped);
        r->full_diff = true;
        r->dumping_flows = false;
        if (!r->dumping_meters) {
            r->state = S_SYNCED;
        }
        r->desired_changed = true;
        VLOG_DBG("%s: %"PRIuSIZE" flows of cookie %#"PRIx64" installed",
                 rconn_get_name(r->rconn),
                 tm_flow_table_count(&r->installed), r->cookie);
    }
}

/* Does 'flow' (from a flow monitor update) concern the reconciler? */
static bool
update_concerns(const struct tm_reconciler *r,
                const struct ofputil_flow_update *fu)
{
    return ((ntohll(fu->cookie) & TM_COOKIE_OWNER_MASK) == r->cookie
            || r->n_table_flows[fu->table_id] > 0);
}

static void
handle_flow_update(struct tm_reconciler *r, const struct ofp_header *oh)
{
    struct ofpbuf msg = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t ofpacts_stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(ofpacts_stub);

    for (;;) {
        struct ofputil_flow_update fu;
        int error = ofputil_decode_flow_update(&fu, &msg, &ofpacts);

        if (error) {
            if (error != EOF) {
                r->resync_needed = true;
            }
            break;
        }
        if (fu.event == OFPFME_ADDED || fu.event == OFPFME_REMOVED
            || fu.event == OFPFME_MODIFIED) {
            /* Someone else's change (the reconciler's own come as
             * OFPFME_ABBREV). */
            if (update_concerns(r, &fu) && !r->resync_needed) {
                VLOG_INFO("%s: a flow in table %"PRIu8" was changed by "
                          "someone else: reading the flows again",
                          rconn_get_name(r->rconn), fu.table_id);
                r->resync_needed = true;
                r->stats.n_repairs++;
            }
        } else if (fu.event == OFPFME_RESUMED) {
            /* Updates were lost while paused. */
            r->resync_needed = true;
        }
    }
    ofpbuf_uninit(&ofpacts);
}

static void
handle_meter_config_reply(struct tm_reconciler *r,
                          const struct ofp_header *oh)
{
    struct ofpbuf msg = ofpbuf_const_initializer(oh, ntohs(oh->length));
    struct ofpbuf bands;

    ofpbuf_init(&bands, 64);
    for (;;) {
        struct ofputil_meter_config mc;
        int error = ofputil_decode_meter_config(&msg, &mc, &bands);

        if (error) {
            if (error != EOF) {
                r->resync_needed = true;
            }
            break;
        }
        if (meter_is_ours(mc.meter_id)) {
            bool plain = (mc.n_bands == 1
                          && mc.bands[0].type == OFPMBT13_DROP
                          && mc.flags & OFPMF13_KBPS);

            /* A meter of another form is never equal to a wanted one, so
             * it is replaced. */
            meter_put(&r->installed_meters, mc.meter_id,
                      plain ? mc.bands[0].rate : 0,
                      plain ? mc.bands[0].burst_size : 0);
        }
    }
    ofpbuf_uninit(&bands);

    if (!ofpmp_more(oh)) {
        r->dumping_meters = false;
        if (!r->dumping_flows) {
            r->state = S_SYNCED;
        }
        r->meters_changed = true;
    }
}

static void
handle_meter_stats_reply(struct tm_reconciler *r,
                         const struct ofp_header *oh)
{
    struct ofpbuf msg = ofpbuf_const_initializer(oh, ntohs(oh->length));
    struct ofpbuf bands;

    ofpbuf_init(&bands, 64);
    for (;;) {
        struct ofputil_meter_stats ms;
        struct meter *m;

        if (ofputil_decode_meter_stats(&msg, &ms, &bands)) {
            break;
        }
        m = meter_find(&r->installed_meters, ms.meter_id);
        if (m && ms.n_bands >= 1) {
            m->drop_packets = ms.bands[0].packet_count;
            m->drop_bytes = ms.bands[0].byte_count;
            m->has_stats = true;
        }
    }
    ofpbuf_uninit(&bands);
}

static void
handle_aggregate_reply(struct tm_reconciler *r, const struct ofp_header *oh)
{
    struct aggregate_request *req;

    HMAP_FOR_EACH_WITH_HASH (req, node, hash_int(ntohl(oh->xid), 0),
                             &r->aggregate_requests) {
        if (req->xid == oh->xid) {
            struct ofputil_aggregate_stats as;
            struct aggregate *agg;

            if (!ofputil_decode_aggregate_stats_reply(&as, oh)) {
                HMAP_FOR_EACH_WITH_HASH (agg, node,
                                         hash_uint64(req->cookie),
                                         &r->aggregates) {
                    if (agg->cookie == req->cookie) {
                        agg->packets = as.packet_count;
                        agg->bytes = as.byte_count;
                        agg->valid = true;
                    }
                }
            }
            hmap_remove(&r->aggregate_requests, &req->node);
            free(req);
            return;
        }
    }
}

static bool
xid_in_bundle(const struct tm_reconciler *r, ovs_be32 xid)
{
    uint32_t x = ntohl(xid);

    return (r->bundle_in_flight
            && x - ntohl(r->first_xid) <= ntohl(r->commit_xid)
                                          - ntohl(r->first_xid));
}

static void
handle_error(struct tm_reconciler *r, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 1);

    if (xid_in_bundle(r, oh->xid)) {
        VLOG_WARN_RL(&rl, "%s: the bridge refused a change: %s",
                     rconn_get_name(r->rconn), s);
        r->stats.n_failures++;
        if (oh->xid == r->commit_xid) {
            r->bundle_in_flight = false;
        }
        /* What the bridge holds is no longer known. */
        r->resync_needed = true;
    } else {
        VLOG_WARN_RL(&rl, "%s: %s", rconn_get_name(r->rconn), s);
        if (oh->xid == r->dump_xid) {
            r->resync_needed = true;
        } else if (oh->xid == r->meter_dump_xid && r->dumping_meters) {
            /* A bridge without meters: none installed. */
            r->dumping_meters = false;
            if (r->state == S_DUMPING && !r->dumping_flows) {
                r->state = S_SYNCED;
            }
        }
    }
    free(s);
}

static void
handle_msg(struct tm_reconciler *r, const struct ofp_header *oh)
{
    enum ofptype type;

    if (ofptype_decode(&type, oh)) {
        return;
    }
    if (type == OFPTYPE_ECHO_REQUEST) {
        reconciler_send(r, ofputil_encode_echo_reply(oh));
    } else if (type == OFPTYPE_FLOW_STATS_REPLY) {
        if (r->state == S_DUMPING && oh->xid == r->dump_xid) {
            handle_dump_reply(r, oh);
        }
    } else if (type == OFPTYPE_AGGREGATE_STATS_REPLY) {
        handle_aggregate_reply(r, oh);
    } else if (type == OFPTYPE_METER_CONFIG_STATS_REPLY) {
        if (r->state == S_DUMPING && oh->xid == r->meter_dump_xid) {
            handle_meter_config_reply(r, oh);
        }
    } else if (type == OFPTYPE_METER_STATS_REPLY) {
        handle_meter_stats_reply(r, oh);
    } else if (type == OFPTYPE_FLOW_MONITOR_STATS_REPLY) {
        handle_flow_update(r, oh);
    } else if (type == OFPTYPE_BUNDLE_CONTROL) {
        if (r->bundle_in_flight && oh->xid == r->commit_xid) {
            r->bundle_in_flight = false;
            r->stats.n_bundles++;
            r->stats.last_commit = time_msec();
            r->stats.last_commit_seqno = r->sent_seqno;
        }
    } else if (type == OFPTYPE_ERROR) {
        handle_error(r, oh);
    }
}

static ovs_be32
queue_in_bundle(struct tm_reconciler *r, struct ofpbuf *msg)
{
    struct ofputil_bundle_add_msg bam = {
        .bundle_id = r->bundle_id,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
        .msg = msg->data,
    };
    ovs_be32 xid = bam.msg->xid;

    reconciler_send(r, ofputil_encode_bundle_add(rconn_get_version(r->rconn),
                                                 &bam));
    ofpbuf_delete(msg);
    return xid;
}

static void
queue_flow_mod(struct tm_reconciler *r, const struct tm_flow *flow,
               uint16_t command)
{
    struct ofputil_flow_mod fm = {
        .priority = flow->priority,
        .table_id = flow->table_id,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };

    fm.match = flow->match;
    if (command == OFPFC_ADD) {
        fm.new_cookie = htonll(flow->cookie);
    } else {
        /* Only the reconciler's own flow, and its cookie stays. */
        fm.cookie = htonll(flow->cookie);
        fm.cookie_mask = OVS_BE64_MAX;
        fm.new_cookie = OVS_BE64_MAX;
    }
    if (command != OFPFC_DELETE_STRICT) {
        fm.ofpacts = flow->ofpacts;
        fm.ofpacts_len = flow->ofpacts_len;
    }
    queue_in_bundle(r, ofputil_encode_flow_mod(&fm, reconciler_protocol(r)));
    r->stats.n_flow_mods++;

    if (VLOG_IS_DBG_ENABLED()) {
        struct ds s = DS_EMPTY_INITIALIZER;

        flow_format(flow, &s);
        VLOG_DBG("%s: %s %s", rconn_get_name(r->rconn),
                 (command == OFPFC_ADD ? "add"
                  : command == OFPFC_DELETE_STRICT ? "delete" : "modify"),
                 ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
send_bundle_ctrl(struct tm_reconciler *r, uint16_t type, ovs_be32 *xidp)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = r->bundle_id,
        .type = type,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_ctrl_request(
        rconn_get_version(r->rconn), &bc);

    *xidp = ((struct ofp_header *) msg->data)->xid;
    reconciler_send(r, msg);
}

static void
send_meter_mod(struct tm_reconciler *r, uint16_t command,
               const struct meter *m)
{
    struct ofputil_meter_band band = {
        .type = OFPMBT13_DROP,
        .rate = m->kbps,
        .burst_size = m->burst_kb,
    };
    struct ofputil_meter_mod mm = {
        .command = command,
        .meter = {
            .meter_id = m->id,
            .flags = OFPMF13_KBPS | OFPMF13_BURST | OFPMF13_STATS,
            .n_bands = command == OFPMC13_DELETE ? 0 : 1,
            .bands = &band,
        },
    };

    reconciler_send(r, ofputil_encode_meter_mod(rconn_get_version(r->rconn),
                                                &mm));
    r->stats.n_meter_mods++;
}

/* Sends the meters wanted that the bridge lacks or has otherwise, and
 * updates 'installed_meters'.  The new ones go before the flows that use
 * them. */
static void
send_meter_additions(struct tm_reconciler *r)
{
    const struct meter *m;

    HMAP_FOR_EACH (m, node, &r->desired_meters) {
        struct meter *old = meter_find(&r->installed_meters, m->id);

        if (!old || old->kbps != m->kbps || old->burst_kb != m->burst_kb) {
            send_meter_mod(r, old ? OFPMC13_MODIFY : OFPMC13_ADD, m);
            meter_put(&r->installed_meters, m->id, m->kbps, m->burst_kb);
        }
    }
}

/* Deletes the bridge's meters that are not wanted, once no flow uses
 * them. */
static void
send_meter_deletions(struct tm_reconciler *r)
{
    struct meter *m, *next;

    HMAP_FOR_EACH_SAFE (m, next, node, &r->installed_meters) {
        if (!meter_find(&r->desired_meters, m->id)) {
            send_meter_mod(r, OFPMC13_DELETE, m);
            hmap_remove(&r->installed_meters, &m->node);
            free(m);
        }
    }
}

/* Applies the flows of 'diff' to 'r->installed' as they will be once the
 * bridge committed them. */
static void
apply_diff(struct tm_reconciler *r, const struct tm_flow_diff *diff)
{
    for (size_t i = 0; i < diff->n_deletes; i++) {
        tm_flow_table_remove(&r->installed,
                             CONST_CAST(struct tm_flow *, diff->deletes[i]));
    }
    for (int pass = 0; pass < 2; pass++) {
        const struct tm_flow **flows = pass ? diff->modifies : diff->adds;
        size_t n = pass ? diff->n_modifies : diff->n_adds;

        for (size_t i = 0; i < n; i++) {
            const struct tm_flow *f = flows[i];
            struct tm_flow *copy = flow_create(f->table_id, f->priority,
                                               f->cookie, f->ofpacts,
                                               f->ofpacts_len);

            minimatch_clone(&copy->match, &f->match);
            flow_table_insert(&r->installed, copy);
        }
    }
}

/* Sends what turns 'installed' into 'desired' as one bundle. */
static void
send_changes(struct tm_reconciler *r)
{
    struct tm_flow_diff diff;

    r->desired_changed = false;
    r->meters_changed = false;
    send_meter_additions(r);

    /* Installed flows read back from the bridge whose actions are the
     * desired ones in other bytes take the desired bytes, so that the
     * next difference compares them as bytes, not as text. */
    struct flow_array same_text = { NULL, 0, 0 };
    flow_diff_compute(&r->desired, &r->installed,
                      r->full_diff ? NULL : &r->dirty, &diff, &same_text);
    r->full_diff = false;
    tm_flow_table_clear(&r->dirty);
    for (size_t i = 0; i < same_text.n; i += 2) {
        struct tm_flow *old = CONST_CAST(struct tm_flow *,
                                         same_text.flows[i]);
        const struct tm_flow *new = same_text.flows[i + 1];

        free(old->ofpacts);
        old->ofpacts = xmemdup(new->ofpacts, new->ofpacts_len);
        old->ofpacts_len = new->ofpacts_len;
    }
    free(same_text.flows);
    if (!tm_flow_diff_size(&diff)) {
        send_meter_deletions(r);
        r->stats.last_commit = time_msec();
        r->stats.last_commit_seqno = r->desired_seqno;
        tm_flow_diff_destroy(&diff);
        return;
    }

    VLOG_DBG("%s: sending %"PRIuSIZE" additions, %"PRIuSIZE" modifications "
             "and %"PRIuSIZE" deletions", rconn_get_name(r->rconn),
             diff.n_adds, diff.n_modifies, diff.n_deletes);
    r->bundle_id++;
    send_bundle_ctrl(r, OFPBCT_OPEN_REQUEST, &r->first_xid);
    /* Deletions first: an ordered bundle applies them in this order. */
    for (size_t i = 0; i < diff.n_deletes; i++) {
        queue_flow_mod(r, diff.deletes[i], OFPFC_DELETE_STRICT);
    }
    for (size_t i = 0; i < diff.n_adds; i++) {
        queue_flow_mod(r, diff.adds[i], OFPFC_ADD);
    }
    for (size_t i = 0; i < diff.n_modifies; i++) {
        queue_flow_mod(r, diff.modifies[i], OFPFC_MODIFY_STRICT);
    }
    send_bundle_ctrl(r, OFPBCT_COMMIT_REQUEST, &r->commit_xid);
    r->bundle_in_flight = true;
    send_meter_deletions(r);
    r->sent_seqno = r->desired_seqno;

    apply_diff(r, &diff);
    tm_flow_diff_destroy(&diff);
}

void
tm_reconciler_run(struct tm_reconciler *r)
{
    rconn_run(r->rconn);

    if (!rconn_is_connected(r->rconn)
        || rconn_get_version(r->rconn) < 0) {
        r->state = S_DISCONNECTED;
        return;
    }
    if (r->state == S_DISCONNECTED
        || r->conn_seqno != rconn_get_connection_seqno(r->rconn)) {
        struct aggregate_request *req;

        r->conn_seqno = rconn_get_connection_seqno(r->rconn);
        r->stats.n_connections++;
        VLOG_INFO("%s: connected: reading the flows of cookie %#"PRIx64,
                  rconn_get_name(r->rconn), r->cookie);
        HMAP_FOR_EACH_POP (req, node, &r->aggregate_requests) {
            free(req);
        }
        start_monitor(r);
        start_dump(r);
    }

    for (int i = 0; i < 500; i++) {
        struct ofpbuf *msg = rconn_recv(r->rconn);

        if (!msg) {
            break;
        }
        handle_msg(r, msg->data);
        ofpbuf_delete(msg);
    }

    if (r->state == S_DISCONNECTED || !rconn_is_connected(r->rconn)) {
        return;
    }
    if (r->resync_needed && !r->bundle_in_flight
        && r->state == S_SYNCED) {
        start_dump(r);
    } else if (r->state == S_SYNCED && !r->bundle_in_flight
               && (r->desired_changed || r->meters_changed)
               && r->has_desired) {
        send_changes(r);
    }
}

void
tm_reconciler_wait(struct tm_reconciler *r)
{
    rconn_run_wait(r->rconn);
    rconn_recv_wait(r->rconn);
    if (r->state == S_SYNCED && !r->bundle_in_flight
        && (((r->desired_changed || r->meters_changed) && r->has_desired)
            || r->resync_needed)) {
        poll_immediate_wake();
    }
}

/* Asks for the packets and bytes of the flows whose cookie is exactly
 * 'cookie'; tm_reconciler_get_aggregate() returns them once the reply
 * came. */
void
tm_reconciler_request_aggregate(struct tm_reconciler *r, uint64_t cookie)
{
    struct aggregate_request *req;
    struct aggregate *agg = NULL, *a;
    struct ofpbuf *msg;

    if (!rconn_is_connected(r->rconn) || rconn_get_version(r->rconn) < 0) {
        return;
    }
    HMAP_FOR_EACH_WITH_HASH (a, node, hash_uint64(cookie), &r->aggregates) {
        if (a->cookie == cookie) {
            agg = a;
        }
    }
    if (!agg) {
        agg = xzalloc(sizeof *agg);
        agg->cookie = cookie;
        hmap_insert(&r->aggregates, &agg->node, hash_uint64(cookie));
    }

    struct ofputil_flow_stats_request fsr = {
        .aggregate = true,
        .cookie = htonll(cookie),
        .cookie_mask = OVS_BE64_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    match_init_catchall(&fsr.match);
    msg = ofputil_encode_flow_stats_request(&fsr, reconciler_protocol(r));

    req = xmalloc(sizeof *req);
    req->xid = ((struct ofp_header *) msg->data)->xid;
    req->cookie = cookie;
    hmap_insert(&r->aggregate_requests, &req->node,
                hash_int(ntohl(req->xid), 0));
    reconciler_send(r, msg);
}

/* Stores in '*packets' and '*bytes' the last known statistics of the
 * flows of 'cookie' and returns true, or returns false if none are known
 * yet. */
bool
tm_reconciler_get_aggregate(const struct tm_reconciler *r, uint64_t cookie,
                            uint64_t *packets, uint64_t *bytes)
{
    const struct aggregate *agg;

    HMAP_FOR_EACH_WITH_HASH (agg, node, hash_uint64(cookie),
                             &r->aggregates) {
        if (agg->cookie == cookie && agg->valid) {
            *packets = agg->packets;
            *bytes = agg->bytes;
            return true;
        }
    }
    return false;
}

/* Makes the 'n' meters in 'meters' the ones to install. */
void
tm_reconciler_set_meters(struct tm_reconciler *r,
                         const struct tm_meter *meters, size_t n)
{
    meters_clear(&r->desired_meters);
    for (size_t i = 0; i < n; i++) {
        ovs_assert(meter_is_ours(meters[i].id));
        meter_put(&r->desired_meters, meters[i].id, meters[i].kbps,
                  meters[i].burst_kb);
    }
    r->meters_changed = true;
}

/* Asks for the statistics of every meter; tm_reconciler_get_meter_drops()
 * returns them once the reply came. */
void
tm_reconciler_request_meter_stats(struct tm_reconciler *r)
{
    if (rconn_is_connected(r->rconn) && rconn_get_version(r->rconn) >= 0
        && !hmap_is_empty(&r->installed_meters)) {
        reconciler_send(r, ofputil_encode_meter_request(
                            rconn_get_version(r->rconn), OFPUTIL_METER_STATS,
                            OFPM13_ALL));
    }
}

/* Stores in '*packets' and '*bytes' what the band of meter 'meter_id'
 * dropped, as last read, and returns true, or returns false if that is not
 * known. */
bool
tm_reconciler_get_meter_drops(const struct tm_reconciler *r,
                              uint32_t meter_id, uint64_t *packets,
                              uint64_t *bytes)
{
    const struct meter *m = meter_find(&r->installed_meters, meter_id);

    if (m && m->has_stats) {
        *packets = m->drop_packets;
        *bytes = m->drop_bytes;
        return true;
    }
    return false;
}
