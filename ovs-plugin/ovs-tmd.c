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

/* ovs-tmd: the per-hypervisor daemon of ovs-tmirror.
 *
 * It follows two databases: the TrafficMirror database (the network and
 * the traffic mirror objects that ovs-tmctl writes) and Open_vSwitch (the
 * bridge it manages, whose Interfaces with external_ids:iface-id set are
 * the network interfaces of this hypervisor).  Whenever either changes, it
 * loads the mirror objects into the model (which validates them again),
 * checks each session of a local source with the simulator against the
 * network in the database, writes each one's status and explanations
 * back, compiles the active ones and hands the flows to the reconciler,
 * which sends the bridge only the difference.  What it loaded and checked
 * is kept from one change to the next (struct tmd_cache), so that a change
 * of filters loads, checks and compiles again only what it touches.  At
 * an interval it reads
 * each session's counters from the flow statistics of its cookies and
 * writes them to the database and, if asked, to a Prometheus text file.
 *
 * The main loop follows ovn-controller's: run the IDLs, compute, run the
 * reconciler, commit, wait. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitmap.h"
#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "flow.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "ovs-plugin/traffic-mirror-idl.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "stream.h"
#include "stream-ssl.h"
#include "svec.h"
#include "timeval.h"
#include "tmirror/compile.h"
#include "tmirror/compile-topology.h"
#include "tmirror/db.h"
#include "tmirror/model.h"
#include "tmirror/reconcile.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(ovs_tmd);

/* Options. */
static char *ovs_remote;
static char *tm_remote;
static char *bridge_name;
static char *unixctl_path;
static char *metrics_file;
static long long int stats_interval = 10000;
static const char *forced_backend;

/* The counters of one session and direction, kept monotonic across
 * flows that were replaced (their statistics start again from 0). */
struct counter {
    uint64_t base_packets, base_bytes;  /* Of flows replaced before. */
    uint64_t last_packets, last_bytes;  /* As last read. */
};

static void
counter_update(struct counter *c, uint64_t packets, uint64_t bytes)
{
    if (packets < c->last_packets || bytes < c->last_bytes) {
        c->base_packets += c->last_packets;
        c->base_bytes += c->last_bytes;
    }
    c->last_packets = packets;
    c->last_bytes = bytes;
}

static uint64_t
counter_packets(const struct counter *c)
{
    return c->base_packets + c->last_packets;
}

static uint64_t
counter_bytes(const struct counter *c)
{
    return c->base_bytes + c->last_bytes;
}

/* What a session's counters say for one direction. */
struct session_counts {
    uint64_t mirrored_packets, mirrored_bytes;
    uint64_t skipped_packets, skipped_bytes;
};

static uint64_t
sub_floor0(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* A session whose source network interface is on the bridge. */
struct local_session {
    struct hmap_node node;      /* In 'sessions', by 'id'. */
    char *id;
    const char *status;         /* "active", "blocked", "invalid",
                                 * "inactive". */
    uint32_t key;               /* Its cookies' key; 0 if not compiled. */
    bool metered;               /* Its copies go through meters. */
    struct counter counters[TM_N_DIRECTIONS];   /* Accepted by its filter. */
    struct counter skipped[TM_N_DIRECTIONS];    /* Dropped by its meters. */
    bool seen;                  /* Mark for sweeping. */
};

/* What the last computation loaded and checked, kept for the next one.
 *
 * The network (the Global row's document) and the traffic mirror objects
 * are loaded together, as one topology document, and each local session
 * is checked against the result.  When only the rules or other contents
 * of existing traffic mirror filters changed, the next computation
 * changes those filters in the loaded topology's model and checks again
 * only the sessions that use them; any other change loads everything
 * again.  Which tables changed is told by their change numbers in the
 * IDL, against the IDL's change number when the cache was last brought
 * up to date; which filter and rule rows changed, by the IDL's tracking
 * of them, cleared each time the cache is brought up to date. */
struct tmd_cache {
    struct sim_topology *topo;  /* NULL: load everything again. */
    char *network;              /* The Global row's document, or NULL. */
    char *network_name;         /* tm_db_topology_name(). */
    unsigned int seqno;         /* The TrafficMirror IDL's change number
                                 * when the cache was last brought up to
                                 * date. */
    struct shash results;       /* Session id -> struct sim_result *: the
                                 * checks of the local sessions. */
};

/* The daemon's state. */
struct tmd {
    struct ovsdb_idl_loop ovs_loop;
    struct ovsdb_idl *ovs_idl;  /* ovs_loop.idl. */
    struct ovsdb_idl_loop tm_loop;
    struct tm_reconciler *reconciler;
    char *target;               /* The reconciler's. */

    unsigned int ovs_seqno, tm_seqno;
    bool recompute;             /* Forced by "recompute". */

    struct hmap sessions;       /* Contains "struct local_session"s. */
    const char *backend;        /* Name of the backend in use. */
    char *backend_why;          /* Why not vxlan_mirror, or NULL. */
    char *error;                /* The last compute's, or NULL. */
    size_t n_enis;              /* Local network interfaces. */
    struct tm_flows flows;      /* The last compilation's, kept so that the
                                 * next one reuses their storage. */

    /* The reconciler's desired flows are a compile of every local network
     * interface from the Open_vSwitch database's change 'compiled_seqno'
     * with 'compiled_backend' (if 'can_replace'), so that a change of
     * filters only may compile the network interfaces of the sessions it
     * touched alone and replace their flows (if compute() did that, it
     * sets 'replaced'). */
    bool can_replace;
    unsigned int compiled_seqno;
    bool replaced;

    /* What the last full compile took, kept for the compiles of some
     * network interfaces alone (valid while 'can_replace'): the compile's
     * options and input (into the cache's topology), the metered sessions,
     * the database's session rows by id and the input's target addresses
     * by session id. */
    struct tm_compile_options options;
    struct tm_topology_input ti;
    struct sset metered;
    struct shash rows;
    struct shash targets;
    uint64_t n_replaces;        /* Computations that compiled some network
                                 * interfaces alone. */
    struct tmd_cache cache;
    uint64_t n_full_loads;      /* Computations that loaded everything. */
    uint64_t n_mismatches;      /* "recompute"s that found the incremental
                                 * computation wrong. */
    bool last_ok;               /* The last computation gave flows. */

    size_t n_active;
    size_t n_blocked;           /* Sessions whose status is not "active",
                                 * counted by compute() so that "status",
                                 * which clients poll, costs no walk. */
    uint64_t n_computes;

    /* The last change of the databases: when it was seen, how long its
     * computation took, its change number in the reconciler, and how long
     * it took until the bridge had committed its flows (-1 until then). */
    long long int dp_empty;     /* When it first saw the Datapath record
                                 * without capabilities, or 0. */
    long long int retry_at;     /* Compute again then, or LLONG_MAX. */

    long long int change_seen;
    long long int change_compute_ms;
    uint64_t change_seqno;
    long long int change_install_ms;

    long long int next_stats;   /* When to ask for counters again. */
    bool stats_pending;         /* Asked; write them at the next tick. */
};

static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

static unixctl_cb_func tmd_unixctl_exit;
static unixctl_cb_func tmd_unixctl_status;
static unixctl_cb_func tmd_unixctl_recompute;
static unixctl_cb_func tmd_unixctl_show_flows;
static unixctl_cb_func tmd_unixctl_list_sessions;

/* The packets and bytes that 'ls' mirrored and skipped in 'd': its filter
 * accepted them (the statistics of its copying flows), and its meter, if
 * it has one, dropped the skipped ones' copies. */
static struct session_counts
session_counts(const struct local_session *ls, enum tm_direction d)
{
    const struct counter *accepted = &ls->counters[d];
    const struct counter *skipped = &ls->skipped[d];

    return (struct session_counts) {
        .mirrored_packets = sub_floor0(counter_packets(accepted),
                                       counter_packets(skipped)),
        .mirrored_bytes = sub_floor0(counter_bytes(accepted),
                                     counter_bytes(skipped)),
        .skipped_packets = counter_packets(skipped),
        .skipped_bytes = counter_bytes(skipped),
    };
}

static struct local_session *
find_session(const struct tmd *tmd, const char *id)
{
    struct local_session *s;

    HMAP_FOR_EACH_WITH_HASH (s, node, hash_string(id, 0), &tmd->sessions) {
        if (!strcmp(s->id, id)) {
            return s;
        }
    }
    return NULL;
}

static struct local_session *
get_session(struct tmd *tmd, const char *id)
{
    struct local_session *s = find_session(tmd, id);

    if (!s) {
        s = xzalloc(sizeof *s);
        s->id = xstrdup(id);
        hmap_insert(&tmd->sessions, &s->node, hash_string(id, 0));
    }
    return s;
}

/* ---- Open_vSwitch. ---- */

static const struct ovsrec_bridge *
find_bridge(const struct ovsdb_idl *idl)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, bridge_name)) {
            return br;
        }
    }
    return NULL;
}

/* Stores in 'ports' the OpenFlow port of each Interface of 'br' whose
 * external_ids:iface-id names a network interface, and in 'macs' its
 * external_ids:attached-mac if it has one (the OpenStack convention), and
 * returns the OpenFlow port of its flow-based VXLAN tunnel (for the native
 * backend), or OFPP_NONE. */
static ofp_port_t
read_bridge_ports(const struct ovsrec_bridge *br, struct simap *ports,
                  struct smap *macs)
{
    ofp_port_t tunnel = OFPP_NONE;

    for (size_t i = 0; br && i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];

        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            const char *eni = smap_get(&iface->external_ids, "iface-id");
            int64_t ofport = iface->n_ofport ? iface->ofport[0] : -1;

            if (ofport <= 0 || ofport >= ofp_to_u16(OFPP_MAX)) {
                continue;
            }
            if (eni && *eni) {
                const char *mac = smap_get(&iface->external_ids,
                                           "attached-mac");

                simap_put(ports, eni, ofport);
                if (mac) {
                    smap_replace(macs, eni, mac);
                }
            } else if (!strcmp(iface->type, "vxlan")
                       && smap_get(&iface->options, "remote_ip")
                       && !strcmp(smap_get(&iface->options, "remote_ip"),
                                  "flow")) {
                tunnel = u16_to_ofp(ofport);
            }
        }
    }
    return tunnel;
}

/* Chooses the backend for 'br': vxlan_mirror if its datapath publishes the
 * capability, otherwise native, logging once why.  Returns NULL if the
 * datapath has no record yet: it creates one and ovs-vswitchd will
 * publish the capabilities in it. */
static const struct tm_backend *
choose_backend(struct tmd *tmd, const struct ovsdb_idl *idl,
               struct ovsdb_idl_txn *ovs_txn,
               const struct ovsrec_bridge *br, ofp_port_t tunnel)
{
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(idl);
    const char *dp_type = (br->datapath_type && *br->datapath_type
                           ? br->datapath_type : "system");
    const struct tm_backend *backend = &tm_backend_native;
    char *why = NULL;

    if (forced_backend) {
        backend = tm_backend_find(forced_backend);
        why = xasprintf("--backend=%s", forced_backend);
    } else {
        const struct ovsrec_datapath *dp = NULL;

        for (size_t i = 0; cfg && i < cfg->n_datapaths; i++) {
            if (!strcmp(cfg->key_datapaths[i], dp_type)) {
                dp = cfg->value_datapaths[i];
            }
        }
        if (!dp) {
            /* As ovn-controller does: ovs-vswitchd publishes the
             * capabilities of the datapaths that have a record. */
            if (cfg && ovs_txn) {
                dp = ovsrec_datapath_insert(ovs_txn);
                ovsrec_open_vswitch_verify_datapaths(cfg);
                ovsrec_open_vswitch_update_datapaths_setkey(cfg, dp_type,
                                                            dp);
                VLOG_DBG("bridge %s: created a Datapath record for "
                         "datapath type \"%s\"", br->name, dp_type);
                tmd->dp_empty = 0;
                return NULL;
            }
            why = xasprintf("the Open_vSwitch database has no Datapath "
                            "record for datapath type \"%s\" of bridge %s",
                            dp_type, br->name);
        } else if (smap_is_empty(&dp->capabilities)
                   && (!tmd->dp_empty
                       || time_msec() < tmd->dp_empty + 5000)) {
            /* ovs-vswitchd has not filled in the record yet: wait a little
             * for it (a change of the database, or 5 seconds). */
            if (!tmd->dp_empty) {
                tmd->dp_empty = time_msec();
            }
            return NULL;
        } else if (!smap_get_bool(&dp->capabilities, "vxlan_mirror",
                                  false)) {
            why = xasprintf("datapath type \"%s\" of bridge %s does not "
                            "publish capabilities:vxlan_mirror=true",
                            dp_type, br->name);
        } else {
            backend = &tm_backend_vxlan_mirror;
        }
        if (dp && !smap_is_empty(&dp->capabilities)) {
            tmd->dp_empty = 0;
        }
    }
    if (backend == &tm_backend_native && tunnel == OFPP_NONE) {
        char *more = xasprintf("%s; the native backend needs an Interface "
                               "of type vxlan with options:remote_ip=flow "
                               "on bridge %s, which has none", why,
                               br->name);
        free(why);
        why = more;
    }
    if (!tmd->backend || strcmp(tmd->backend, backend->name)
        || (why && (!tmd->backend_why || strcmp(why, tmd->backend_why)))) {
        if (backend == &tm_backend_vxlan_mirror) {
            VLOG_INFO("bridge %s: using the vxlan_mirror backend", br->name);
        } else {
            VLOG_INFO("bridge %s: using the %s backend: %s", br->name,
                      backend->name, why);
        }
    }
    tmd->backend = backend->name;
    free(tmd->backend_why);
    tmd->backend_why = why;
    return backend;
}

/* ---- The TrafficMirror database. ---- */

static bool
explanations_match(const struct tmrec_traffic_mirror_session *row,
                   const struct sim_result *r)
{
    if (row->n_explanations != (r ? r->n_explanations : 0)) {
        return false;
    }
    for (size_t i = 0; i < row->n_explanations; i++) {
        const struct tmrec_traffic_mirror_explanation *e
            = row->explanations[i];
        bool found = false;

        for (size_t j = 0; j < r->n_explanations && !found; j++) {
            const struct sim_explanation *x = &r->explanations[j];

            found = (!strcmp(e->code, x->code)
                     && !strcmp(e->component, x->component)
                     && nullable_string_is_equal(e->direction, x->direction)
                     && !strcmp(e->detail, x->detail)
                     && !strcmp(e->fix, x->fix ? x->fix : ""));
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

/* Writes the status of 'row' and its explanations from 'r' (NULL for
 * none) if they differ from what the database holds. */
static void
write_status(struct ovsdb_idl_txn *txn,
             const struct tmrec_traffic_mirror_session *row,
             const char *status, const struct sim_result *r)
{
    if (!txn) {
        return;
    }
    if (!row->status || strcmp(row->status, status)) {
        tmrec_traffic_mirror_session_set_status(row, status);
    }
    if (!explanations_match(row, r)) {
        size_t n = r ? r->n_explanations : 0;
        struct tmrec_traffic_mirror_explanation **rows
            = xmalloc(MAX(n, 1) * sizeof *rows);

        for (size_t i = 0; i < n; i++) {
            const struct sim_explanation *x = &r->explanations[i];
            struct tmrec_traffic_mirror_explanation *e
                = tmrec_traffic_mirror_explanation_insert(txn);

            tmrec_traffic_mirror_explanation_set_code(e, x->code);
            tmrec_traffic_mirror_explanation_set_component(e, x->component);
            tmrec_traffic_mirror_explanation_set_direction(e, x->direction);
            tmrec_traffic_mirror_explanation_set_detail(e, x->detail);
            tmrec_traffic_mirror_explanation_set_fix(e, x->fix ? x->fix
                                                     : "");
            rows[i] = e;
        }
        tmrec_traffic_mirror_session_set_explanations(row, rows, n);
        free(rows);
    }
}

/* Fills 'rows' with the database's sessions, by id. */
static void
index_session_rows(const struct ovsdb_idl *idl, struct shash *rows)
{
    const struct tmrec_traffic_mirror_session *row;

    TMREC_TRAFFIC_MIRROR_SESSION_FOR_EACH (row, idl) {
        shash_add_once(rows, row->traffic_mirror_session_id, row);
    }
}

/* ---- Computing. ---- */

static const char *
session_status(const struct sim_topology *topo, const struct sim_result *r)
{
    if (r->verdict == SIM_INVALID) {
        return "invalid";
    } else if (r->verdict == SIM_BLOCKED) {
        return "blocked";
    } else {
        const struct tm_session *s = tm_model_find_session(topo->model,
                                                           r->session->id);

        return (s && s->status == TM_SESSION_ACTIVE ? "active"
                : "inactive");
    }
}

/* ---- The cache of the loaded topology and of the checks. ---- */

static void
cache_forget_results(struct tmd_cache *c)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &c->results) {
        sim_result_destroy(node->data);
        free(node->data);
    }
    shash_clear(&c->results);
}

static void
cache_clear(struct tmd_cache *c)
{
    cache_forget_results(c);
    sim_topology_destroy(c->topo);
    c->topo = NULL;
    free(c->network);
    c->network = NULL;
    free(c->network_name);
    c->network_name = NULL;
}

static unsigned int
global_seqno(const struct tmrec_global *g)
{
    return MAX(tmrec_global_row_get_seqno(g, OVSDB_IDL_CHANGE_INSERT),
               tmrec_global_row_get_seqno(g, OVSDB_IDL_CHANGE_MODIFY));
}

/* Is the network in 'idl' the one that the cache was loaded with? */
static bool
cache_network_is_current(const struct tmd_cache *c,
                         const struct ovsdb_idl *idl)
{
    const struct tmrec_global *g
        = tmrec_global_first(CONST_CAST(struct ovsdb_idl *, idl));

    if (g && global_seqno(g) <= c->seqno) {
        return true;
    }
    return (nullable_string_is_equal(g ? g->topology : NULL, c->network)
            && !strcmp(tm_db_topology_name(idl), c->network_name));
}

/* Gives the filter of 'row', which the cached topology holds without a
 * refusal, the rules of 'row', and adds the ids of the sessions that use
 * it to 'dirty'.  Returns false if that cannot be done the way loading
 * the whole document would do it (then the cache must be loaded again:
 * it may be half changed). */
static bool
cache_update_filter(struct tmd_cache *c,
                    const struct tmrec_traffic_mirror_filter *row,
                    struct sset *dirty)
{
    const char *id = row->traffic_mirror_filter_id;
    const struct sim_mirror_filter *sf = shash_find_data(
        &c->topo->filters_by_id, id);
    const struct tm_filter *mf = tm_model_find_filter(c->topo->model, id);
    struct sim_topology *alone;
    char *error;
    bool ok;

    if (!sf || sf->n_errors || !mf || strcmp(mf->owner, row->owner_id)) {
        return false;
    }

    /* The filter alone goes through the schema and the model as in the
     * whole document: it must load without a refusal, and its other
     * attributes must not have changed. */
    error = tm_db_load_filter(row, &alone);
    if (error) {
        free(error);
        return false;
    }
    const struct tm_filter *af = tm_model_find_filter(alone->model, id);
    ok = (af && alone->n_filters == 1 && !alone->filters[0]->n_errors
          && !strcmp(af->description, mf->description)
          && af->amazon_dns == mf->amazon_dns);
    sim_topology_destroy(alone);
    if (!ok) {
        return false;
    }

    /* Its rules, made by the model from the same text as in the whole
     * document. */
    struct svec old = SVEC_EMPTY_INITIALIZER;
    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        for (size_t i = 0; i < mf->n_rules[d]; i++) {
            svec_add(&old, mf->rules[d][i]->id);
        }
    }
    char *owner = xstrdup(mf->owner);
    for (size_t i = 0; ok && i < old.n; i++) {
        struct tm_error *e = tm_delete_rule(c->topo->model, owner,
                                            old.names[i]);
        if (e) {
            tm_error_destroy(e);
            ok = false;
        }
    }
    svec_destroy(&old);

    struct tmrec_traffic_mirror_filter_rule **rules = tm_db_sorted_rules(row);
    for (size_t i = 0; ok && i < row->n_rules; i++) {
        struct tm_db_rule_text text;
        struct tm_rule_spec spec;
        struct tm_error *e;

        tm_db_rule_spec(rules[i], &spec, &text);
        e = tm_create_rule(c->topo->model, owner, id, &spec, NULL);
        if (e) {
            tm_error_destroy(e);
            ok = false;
        }
    }
    free(rules);
    free(owner);

    for (size_t i = 0; ok && i < c->topo->n_sessions; i++) {
        const struct sim_mirror_session *s = c->topo->sessions[i];

        if (s->filter == sf) {
            sset_add(dirty, s->id);
        }
    }
    return ok;
}

/* Brings the cache up to date with 'idl' if it can: when the network and
 * every traffic mirror object but filters are as they were, it changes
 * the filters that changed and adds to 'dirty' the ids of the sessions to
 * check again.  Returns false if everything must be loaded again. */
static bool
cache_update(struct tmd_cache *c, struct ovsdb_idl *idl, struct sset *dirty)
{
    const struct tmrec_traffic_mirror_filter *f;

    if (!c->topo
        || !cache_network_is_current(c, idl)
        || tmrec_traffic_mirror_target_get_seqno(idl) > c->seqno
        || tmrec_traffic_mirror_session_get_seqno(idl) > c->seqno
        || tmrec_resource_share_get_seqno(idl) > c->seqno) {
        return false;
    }
    if (tmrec_traffic_mirror_filter_get_seqno(idl) <= c->seqno
        && tmrec_traffic_mirror_filter_rule_get_seqno(idl) <= c->seqno) {
        return true;
    }

    /* The filters that changed since then are those that the IDL tracked
     * (see cache_refresh()): the IDL also tracks as changed a filter whose
     * rule row changed (a row that refers to a tracked row that changed),
     * as it does one whose rules were inserted or deleted. */
    TMREC_TRAFFIC_MIRROR_FILTER_FOR_EACH_TRACKED (f, idl) {
        if (tmrec_traffic_mirror_filter_is_new(f)
            || tmrec_traffic_mirror_filter_is_deleted(f)
            || !cache_update_filter(c, f, dirty)) {
            return false;
        }
    }
    return true;
}

/* Makes the cache hold what 'idl' describes, loading everything again if
 * it must, and stores in 'dirty' the ids of the sessions whose checks are
 * no longer right.  Returns NULL, or an error (then the cache is empty). */
static char *
cache_refresh(struct tmd *tmd, struct ovsdb_idl *idl, struct sset *dirty)
{
    struct tmd_cache *c = &tmd->cache;

    if (!cache_update(c, idl, dirty)) {
        const struct tmrec_global *g = tmrec_global_first(idl);
        char *error;

        cache_clear(c);
        sset_clear(dirty);
        tmd->n_full_loads++;
        error = tm_db_load_topology(idl, &c->topo);
        if (error) {
            return error;
        }
        c->network = nullable_xstrdup(g ? g->topology : NULL);
        c->network_name = xstrdup(tm_db_topology_name(idl));
    }
    c->seqno = ovsdb_idl_get_seqno(idl);
    ovsdb_idl_track_clear(idl);
    return NULL;
}

/* Stores in 'report' the checks of the sessions of 'ids', from the cache
 * where it has them and they are not in 'dirty', and forgets the others.
 * The caller frees report->results (only). */
static void
cache_check(struct tmd_cache *c, const struct svec *ids,
            const struct sset *dirty, struct sim_report *report)
{
    struct sset wanted = SSET_INITIALIZER(&wanted);
    struct shash_node *node, *next;

    report->topology = c->topo->file_name;
    report->results = xmalloc(MAX(ids->n, 1) * sizeof *report->results);
    report->n_results = ids->n;
    for (size_t i = 0; i < ids->n; i++) {
        const char *id = ids->names[i];
        struct sim_result *r = shash_find_data(&c->results, id);

        if (r && sset_contains(dirty, id)) {
            sim_result_destroy(r);
            sim_check_session(c->topo, shash_find_data(
                                  &c->topo->sessions_by_id, id), r);
        } else if (!r) {
            r = xmalloc(sizeof *r);
            sim_check_session(c->topo, shash_find_data(
                                  &c->topo->sessions_by_id, id), r);
            shash_add(&c->results, id, r);
        }
        report->results[i] = *r;
        sset_add(&wanted, id);
    }
    SHASH_FOR_EACH_SAFE (node, next, &c->results) {
        if (!sset_contains(&wanted, node->name)) {
            sim_result_destroy(node->data);
            free(node->data);
            shash_delete(&c->results, node);
        }
    }
    sset_destroy(&wanted);
}

static void
warn_resubmits(const struct tm_flows *flows)
{
    char *warning = tm_flows_check_resubmits(flows);

    if (warning) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 60);

        VLOG_WARN_RL(&rl, "bridge %s: %s", bridge_name, warning);
        free(warning);
    }
}

/* Returns a bitmap of the network interfaces of 'input' that are the
 * sources of the sessions in 'ids'. */
static unsigned long *
dirty_enis(const struct sim_topology *topo, const struct sset *ids,
           const struct tm_compile_input *input)
{
    unsigned long *only = bitmap_allocate(input->n_enis);
    struct sset enis = SSET_INITIALIZER(&enis);
    const char *id;

    SSET_FOR_EACH (id, ids) {
        const struct sim_mirror_session *s = shash_find_data(
            &topo->sessions_by_id, id);

        if (s && s->source) {
            sset_add(&enis, s->source->id);
        }
    }
    for (size_t i = 0; i < input->n_enis && !sset_is_empty(&enis); i++) {
        if (sset_find_and_delete(&enis, input->enis[i].eni)) {
            bitmap_set1(only, i);
        }
    }
    sset_destroy(&enis);
    return only;
}

/* Returns the target addresses, of those kept from the last full compile,
 * of the sessions of the network interfaces in 'only', and stores their
 * number in '*n'. */
static struct tm_target_address *
dirty_targets(const struct tmd *tmd, const unsigned long *only, size_t *n)
{
    const struct tm_compile_input *input = &tmd->ti.input;
    struct tm_target_address *targets = NULL;
    size_t allocated = 0;
    size_t i;

    *n = 0;
    BITMAP_FOR_EACH_1 (i, input->n_enis, only) {
        struct tm_session *const *sessions;
        size_t n_sessions = tm_model_sessions_of_eni(input->model,
                                                     input->enis[i].eni,
                                                     &sessions);

        for (size_t j = 0; j < n_sessions; j++) {
            const struct tm_target_address *a = shash_find_data(
                &tmd->targets, sessions[j]->id);

            if (a) {
                if (*n >= allocated) {
                    targets = x2nrealloc(targets, &allocated,
                                         sizeof *targets);
                }
                targets[(*n)++] = *a;
            }
        }
    }
    return targets;
}

/* Do the sessions compiled into 'flows' have the keys that the last
 * compile gave them? */
static bool
keys_unchanged(const struct tmd *tmd, const struct tm_flows *flows)
{
    for (size_t i = 0; i < flows->n_keys; i++) {
        const struct local_session *ls = find_session(tmd,
                                                      flows->keys[i].session);

        if (!ls || ls->key != flows->keys[i].key) {
            return false;
        }
    }
    return true;
}

/* Computes a change that touched only the rules of the filters of the
 * sessions in 'dirty', when the flows were last compiled for every network
 * interface and nothing else changed since: checks those sessions again
 * and, if what their checks give the compile (whether they are compiled,
 * a load balancer target's address) is as before, compiles the network
 * interfaces that are their sources alone, from the input of the last
 * full compile, replaces their flows in the reconciler and writes their
 * statuses.  Returns false if that cannot be exact: then the reconciler
 * was given nothing and the caller computes everything (the checks done
 * here stand). */
static bool
compute_partial(struct tmd *tmd, const struct sset *dirty,
                struct ovsdb_idl_txn *txn)
{
    struct tmd_cache *c = &tmd->cache;
    struct tm_compile_input input = tmd->ti.input;
    const char *id;
    bool ok = true;

    SSET_FOR_EACH (id, dirty) {
        struct sim_result *r = shash_find_data(&c->results, id);

        if (r) {
            enum sim_verdict verdict = r->verdict;
            struct in6_addr dst_ip = r->dst_ip;

            sim_result_destroy(r);
            sim_check_session(c->topo, shash_find_data(
                                  &c->topo->sessions_by_id, id), r);
            ok = (ok && r->verdict == verdict
                  && ipv6_addr_equals(&r->dst_ip, &dst_ip));
        }
    }
    if (!ok) {
        return false;
    }

    /* Only the target addresses of the sessions compiled: the compiler
     * indexes all that it is given. */
    unsigned long *only = dirty_enis(c->topo, dirty, &input);
    struct tm_target_address *targets = dirty_targets(tmd, only,
                                                      &input.n_targets);
    input.targets = targets;
    input.only = only;
    input.shared = true;
    char *error = tm_compile(&input, &tmd->options, &tmd->flows);
    ok = (!error && keys_unchanged(tmd, &tmd->flows)
          && tm_reconciler_replace_desired_flows(tmd->reconciler,
                                                 &tmd->flows, only, true));
    free(targets);
    bitmap_free(only);
    free(error);
    if (!ok) {
        return false;
    }
    warn_resubmits(&tmd->flows);

    SSET_FOR_EACH (id, dirty) {
        const struct sim_result *r = shash_find_data(&c->results, id);
        struct local_session *ls = find_session(tmd, id);

        if (r && ls) {
            const char *status = session_status(c->topo, r);
            const struct tmrec_traffic_mirror_session *row
                = shash_find_data(&tmd->rows, id);

            tmd->n_active += !strcmp(status, "active");
            tmd->n_active -= !strcmp(ls->status, "active");
            tmd->n_blocked += strcmp(status, "active") != 0;
            tmd->n_blocked -= strcmp(ls->status, "active") != 0;
            ls->status = status;
            if (row) {
                write_status(txn, row, status,
                             r->verdict == SIM_REACHABLE ? NULL : r);
            }
        }
    }
    return true;
}

/* Loads the database, checks the local sessions, writes their status,
 * and compiles the flows of the active ones into tmd->flows.  Sets
 * '*pending' if it could not choose a backend yet. */
static char *
compute(struct tmd *tmd, struct ovsdb_idl_txn *ovs_txn,
        struct ovsdb_idl_txn *txn,
        bool *pending)
{
    struct ovsdb_idl *tm_idl = tmd->tm_loop.idl;
    const struct ovsrec_bridge *br = find_bridge(tmd->ovs_idl);
    struct simap ports = SIMAP_INITIALIZER(&ports);
    struct smap macs = SMAP_INITIALIZER(&macs);
    struct sim_hypervisor hv = { .id = CONST_CAST(char *, "this hypervisor") };
    struct sim_report report = { .results = NULL };
    struct sim_topology *topo;
    struct sset dirty = SSET_INITIALIZER(&dirty);
    struct svec ids = SVEC_EMPTY_INITIALIZER;
    struct local_session *ls;
    struct tm_flows *flows = &tmd->flows;
    char *error;

    tmd->n_computes++;

    /* Only filters changed, and nothing else since the flows were compiled
     * for every network interface (the bridge, its ports and the backend
     * are as they were): compile only those whose sessions use them, if
     * that can be exact. */
    if (tmd->can_replace
        && tmd->compiled_seqno == ovsdb_idl_get_seqno(tmd->ovs_idl)) {
        uint64_t n_full_loads = tmd->n_full_loads;

        error = cache_refresh(tmd, tm_idl, &dirty);
        if (error) {
            goto out;
        }
        if (tmd->n_full_loads == n_full_loads
            && compute_partial(tmd, &dirty, txn)) {
            tmd->replaced = true;
            tmd->n_replaces++;
            goto out;
        }
    }
    tmd->can_replace = false;

    if (!br) {
        error = xasprintf("no bridge %s in the Open_vSwitch database",
                          bridge_name);
        goto out;
    }
    ofp_port_t tunnel = read_bridge_ports(br, &ports, &macs);

    /* The backend first: until ovs-vswitchd has published the datapath's
     * capabilities there is nothing to compile, and loading and checking
     * the network takes seconds with thousands of sessions. */
    struct tm_compile_options options;
    tm_compile_options_init(&options);
    options.tunnel_port = tunnel;
    options.session_cookies = true;
    options.backend = choose_backend(tmd, tmd->ovs_idl, ovs_txn, br,
                                     tunnel);
    if (!options.backend) {
        /* Computed again when the capabilities come.  Meanwhile, the
         * databases are loaded into the cache (the rest of an error is
         * the computation's business then). */
        *pending = true;
        if (!tmd->cache.topo) {
            free(cache_refresh(tmd, tm_idl, &dirty));
        }
        error = NULL;
        goto out;
    }

    error = cache_refresh(tmd, tm_idl, &dirty);
    if (error) {
        goto out;
    }
    topo = tmd->cache.topo;
    tmd->options = options;
    if (tmd->ti.enis) {
        tm_topology_input_destroy(&tmd->ti);
        tmd->ti.enis = NULL;
    }
    sset_clear(&tmd->metered);
    shash_clear(&tmd->rows);
    shash_clear(&tmd->targets);

    /* The local network interfaces that the network knows, as the ports
     * of this hypervisor, and their sessions. */
    hv.bridge = bridge_name;
    hv.ports = xcalloc(simap_count(&ports) + 1, sizeof *hv.ports);
    const struct simap_node **sorted = simap_sort(&ports);
    for (size_t i = 0; i < simap_count(&ports); i++) {
        const struct simap_node *p = sorted[i];
        const struct sim_eni *eni = shash_find_data(&topo->enis_by_id,
                                                    p->name);

        if (!eni) {
            VLOG_DBG("interface with iface-id %s: no such network "
                     "interface in the network", p->name);
            continue;
        }
        hv.ports[hv.n_ports++] = (struct sim_port) {
            .eni = eni,
            .name = CONST_CAST(char *, p->name),
            .ofport = p->data,
        };
    }
    free(sorted);
    tmd->n_enis = hv.n_ports;

    for (size_t i = 0; i < topo->n_sessions; i++) {
        const struct sim_mirror_session *s = topo->sessions[i];

        if (s->source && simap_contains(&ports, s->source->id)) {
            svec_add(&ids, s->id);
        }
    }
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        ls->seen = false;
    }
    cache_check(&tmd->cache, &ids, &dirty, &report);

    tmd->n_active = 0;
    index_session_rows(tm_idl, &tmd->rows);
    for (size_t i = 0; i < report.n_results; i++) {
        const struct sim_result *r = &report.results[i];
        const char *status = session_status(topo, r);
        const struct tmrec_traffic_mirror_session *row
            = shash_find_data(&tmd->rows, r->session->id);

        ls = get_session(tmd, r->session->id);
        ls->seen = true;
        ls->status = status;
        if (!strcmp(status, "active")) {
            tmd->n_active++;
        }
        if (row) {
            write_status(txn, row, status,
                         r->verdict == SIM_REACHABLE ? NULL : r);
        }
    }

    /* The compiler's input: the ports, the outer addresses of the copies
     * of the reachable sessions, every other session left out.  A network
     * interface without a MAC in the network takes its Interface's
     * external_ids:attached-mac. */
    struct tm_topology_input *ti = &tmd->ti;
    tm_topology_input_init(ti, topo, &hv, &report);
    for (size_t i = 0; i < ti->input.n_enis; i++) {
        struct tm_eni_location *loc = &ti->enis[i];
        const char *mac = smap_get(&macs, loc->eni);

        if (eth_addr_is_zero(loc->mac) && mac
            && !eth_addr_from_string(mac, &loc->mac)) {
            error = xasprintf("network interface %s: \"%s\" "
                              "(external_ids:attached-mac) is not a MAC "
                              "address", loc->eni, mac);
            goto out;
        }
    }

    if (options.backend == &tm_backend_native && tunnel == OFPP_NONE) {
        error = xasprintf("no backend for bridge %s: %s", br->name,
                          tmd->backend_why);
        goto out;
    }

    /* Sessions with a rate limit: their copies through meters. */
    struct sset *metered = &tmd->metered;
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        const struct tmrec_traffic_mirror_session *row
            = shash_find_data(&tmd->rows, ls->id);

        if (ls->seen && row && row->n_rate_limit_kbps) {
            sset_add(metered, ls->id);
        }
    }
    ti->input.metered_sessions = metered;
    for (size_t i = 0; i < ti->input.n_targets; i++) {
        const struct tm_target_address *a = &ti->input.targets[i];

        if (a->session) {
            shash_add_once(&tmd->targets, a->session, a);
        }
    }
    error = tm_compile(&ti->input, &options, flows);
    if (error) {
        goto out;
    }
    warn_resubmits(flows);

    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        ls->key = 0;
        ls->metered = false;
    }
    size_t n_meters = 0;
    struct tm_meter *meters = xmalloc((2 * flows->n_keys + 1)
                                      * sizeof *meters);
    for (size_t i = 0; i < flows->n_keys; i++) {
        const struct tmrec_traffic_mirror_session *row
            = shash_find_data(&tmd->rows, flows->keys[i].session);

        ls = find_session(tmd, flows->keys[i].session);
        if (ls) {
            ls->key = flows->keys[i].key;
            ls->metered = sset_contains(metered, ls->id);
        }
        if (ls && ls->metered && row) {
            uint32_t kbps = MIN(*row->rate_limit_kbps, UINT32_MAX);
            uint32_t burst = (row->n_rate_burst_kb
                              ? MIN(*row->rate_burst_kb, UINT32_MAX)
                              : kbps);

            for (int d = 0; d < TM_N_DIRECTIONS; d++) {
                meters[n_meters++] = (struct tm_meter) {
                    .id = tm_session_meter(ls->key, d),
                    .kbps = kbps,
                    .burst_kb = burst,
                };
            }
        }
    }
    if (sset_count(metered) && !n_meters) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 60);

        VLOG_WARN_RL(&rl, "bridge %s: the rate limits of %"PRIuSIZE" "
                     "sessions are not enforced: the %s backend cannot "
                     "meter a copy apart from its original", br->name,
                     sset_count(metered), options.backend->name);
    }
    tm_reconciler_set_meters(tmd->reconciler, meters, n_meters);
    free(meters);

out:
    if (!error && !tmd->replaced) {
        struct local_session *next;

        HMAP_FOR_EACH_SAFE (ls, next, node, &tmd->sessions) {
            if (!ls->seen) {
                hmap_remove(&tmd->sessions, &ls->node);
                free(ls->id);
                free(ls);
            }
        }
    }
    if (!tmd->replaced) {
        tmd->n_blocked = 0;
        HMAP_FOR_EACH (ls, node, &tmd->sessions) {
            tmd->n_blocked += strcmp(ls->status, "active") != 0;
        }
    }
    free(hv.ports);
    svec_destroy(&ids);
    sset_destroy(&dirty);
    free(report.results);
    simap_destroy(&ports);
    smap_destroy(&macs);
    return error;
}

/* ---- Counters. ---- */

static uint64_t
session_cookie(const struct local_session *ls, enum tm_direction d)
{
    return tm_session_cookie(TM_COOKIE_DEFAULT, ls->key, d, true);
}

static void
request_counters(struct tmd *tmd)
{
    struct local_session *ls;

    tm_reconciler_request_meter_stats(tmd->reconciler);
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        if (ls->key) {
            for (int d = 0; d < TM_N_DIRECTIONS; d++) {
                tm_reconciler_request_aggregate(tmd->reconciler,
                                                session_cookie(ls, d));
            }
        }
    }
}

static void
update_counters(struct tmd *tmd)
{
    struct local_session *ls;

    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        if (ls->key) {
            for (int d = 0; d < TM_N_DIRECTIONS; d++) {
                uint64_t packets, bytes;

                if (tm_reconciler_get_aggregate(tmd->reconciler,
                                                session_cookie(ls, d),
                                                &packets, &bytes)) {
                    counter_update(&ls->counters[d], packets, bytes);
                }
                if (ls->metered
                    && tm_reconciler_get_meter_drops(
                        tmd->reconciler, tm_session_meter(ls->key, d),
                        &packets, &bytes)) {
                    counter_update(&ls->skipped[d], packets, bytes);
                }
            }
        }
    }
}

static void
write_statistics(struct tmd *tmd, struct ovsdb_idl_txn *txn)
{
    struct shash rows = SHASH_INITIALIZER(&rows);
    struct local_session *ls;

    if (!txn) {
        return;
    }
    index_session_rows(tmd->tm_loop.idl, &rows);
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        const struct tmrec_traffic_mirror_session *row
            = shash_find_data(&rows, ls->id);
        struct session_counts in = session_counts(ls, TM_INGRESS);
        struct session_counts out = session_counts(ls, TM_EGRESS);
        const char *keys[] = {
            "mirrored_packets_in", "mirrored_bytes_in",
            "mirrored_packets_out", "mirrored_bytes_out",
            "skipped_packets_in", "skipped_bytes_in",
            "skipped_packets_out", "skipped_bytes_out",
        };
        int64_t values[] = {
            in.mirrored_packets, in.mirrored_bytes,
            out.mirrored_packets, out.mirrored_bytes,
            in.skipped_packets, in.skipped_bytes,
            out.skipped_packets, out.skipped_bytes,
        };
        bool same;

        if (!row) {
            continue;
        }
        same = row->n_statistics == ARRAY_SIZE(keys);
        for (size_t i = 0; same && i < row->n_statistics; i++) {
            for (size_t j = 0; j < ARRAY_SIZE(keys); j++) {
                if (!strcmp(row->key_statistics[i], keys[j])) {
                    same = row->value_statistics[i] == values[j];
                }
            }
        }
        if (!same) {
            tmrec_traffic_mirror_session_set_statistics(
                row, CONST_CAST(const char **, keys), values,
                ARRAY_SIZE(keys));
        }
    }
    shash_destroy(&rows);
}

static int
compare_sessions(const void *a_, const void *b_)
{
    const struct local_session *const *a = a_;
    const struct local_session *const *b = b_;

    return strcmp((*a)->id, (*b)->id);
}

static const struct local_session **
sorted_sessions(const struct tmd *tmd)
{
    const struct local_session **v;
    const struct local_session *ls;
    size_t n = 0;

    v = xmalloc((hmap_count(&tmd->sessions) + 1) * sizeof *v);
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        v[n++] = ls;
    }
    qsort(v, n, sizeof *v, compare_sessions);
    return v;
}

/* Writes the counters in Prometheus's text exposition format to
 * 'metrics_file', atomically: to a temporary file in the same folder,
 * then renamed over it. */
static void
write_metrics(const struct tmd *tmd)
{
    static const struct {
        const char *name;
        const char *help;
        bool skipped;
        bool bytes;
    } metrics[] = {
        { "ovs_tmirror_mirrored_packets_total",
          "Packets mirrored by a traffic mirror session.", false, false },
        { "ovs_tmirror_mirrored_bytes_total",
          "Bytes of the packets mirrored by a traffic mirror session.",
          false, true },
        { "ovs_tmirror_skipped_packets_total",
          "Packets that a traffic mirror session's filter accepted but "
          "whose copy was dropped to give production traffic priority.",
          true, false },
        { "ovs_tmirror_skipped_bytes_total",
          "Bytes of the packets skipped by a traffic mirror session.",
          true, true },
    };
    const struct local_session **v;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n = hmap_count(&tmd->sessions);
    char *tmp;
    FILE *f;

    if (!metrics_file) {
        return;
    }
    v = sorted_sessions(tmd);
    for (size_t m = 0; m < ARRAY_SIZE(metrics); m++) {
        ds_put_format(&s, "# HELP %s %s\n# TYPE %s counter\n",
                      metrics[m].name, metrics[m].help, metrics[m].name);
        for (size_t i = 0; i < n; i++) {
            for (int d = 0; d < TM_N_DIRECTIONS; d++) {
                struct session_counts c = session_counts(v[i], d);
                uint64_t value = (metrics[m].skipped
                                  ? (metrics[m].bytes ? c.skipped_bytes
                                     : c.skipped_packets)
                                  : (metrics[m].bytes ? c.mirrored_bytes
                                     : c.mirrored_packets));

                ds_put_format(&s, "%s{session=\"%s\",direction=\"%s\"} "
                              "%"PRIu64"\n", metrics[m].name, v[i]->id,
                              d == TM_INGRESS ? "in" : "out", value);
            }
        }
    }
    ds_put_cstr(&s, "# HELP ovs_tmirror_sessions Traffic mirror sessions "
                "of the network interfaces on the bridge, by status.\n"
                "# TYPE ovs_tmirror_sessions gauge\n");
    static const char *statuses[] = {
        "active", "blocked", "invalid", "inactive",
    };
    for (size_t j = 0; j < ARRAY_SIZE(statuses); j++) {
        size_t count = 0;

        for (size_t i = 0; i < n; i++) {
            count += !strcmp(v[i]->status, statuses[j]);
        }
        ds_put_format(&s, "ovs_tmirror_sessions{status=\"%s\"} %"PRIuSIZE
                      "\n", statuses[j], count);
    }
    free(v);

    tmp = xasprintf("%s.tmp.%ld", metrics_file, (long int) getpid());
    f = fopen(tmp, "w");
    if (!f
        || fwrite(s.string, 1, s.length, f) != s.length
        || fclose(f)
        || rename(tmp, metrics_file)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_WARN_RL(&rl, "%s: cannot write metrics (%s)", metrics_file,
                     ovs_strerror(errno));
        if (f) {
            unlink(tmp);
        }
    }
    free(tmp);
    ds_destroy(&s);
}

/* ---- Main loop. ---- */

/* Counts a mismatch, and says what differs, if 'flows' and the
 * sessions' statuses differ from the flows that the reconciler was last
 * given and the statuses in 'statuses' (session id -> status). */
static void
verify_computation(struct tmd *tmd, const struct tm_flows *flows,
                   const struct shash *statuses)
{
    const struct local_session *ls;
    struct tm_flow_diff diff;
    size_t n_sessions = 0;
    struct tm_flow_table desired;

    tm_flow_table_init(&desired);
    tm_flow_table_from_flows(&desired, flows);
    tm_flow_diff_compute(&desired,
                         tm_reconciler_get_desired(tmd->reconciler), &diff);
    tm_flow_table_destroy(&desired);
    HMAP_FOR_EACH (ls, node, &tmd->sessions) {
        const char *status = shash_find_data(statuses, ls->id);

        n_sessions += !status || strcmp(status, ls->status);
    }
    n_sessions += shash_count(statuses) > hmap_count(&tmd->sessions);
    if (tm_flow_diff_size(&diff) || n_sessions) {
        tmd->n_mismatches++;
        VLOG_WARN("recompute: the computation from the cache differs from "
                  "one from nothing: %"PRIuSIZE" flows to add, %"PRIuSIZE
                  " to modify, %"PRIuSIZE" to delete, %"PRIuSIZE" sessions' "
                  "statuses", diff.n_adds, diff.n_modifies, diff.n_deletes,
                  n_sessions);
    }
    tm_flow_diff_destroy(&diff);
}

/* Computes the flows and gives them to the reconciler.  If 'verify', the
 * result is also compared with the computation before (see
 * verify_computation()).  Returns true if it gave the reconciler flows. */
static bool
run_compute(struct tmd *tmd, struct ovsdb_idl_txn *ovs_txn,
            struct ovsdb_idl_txn *txn, bool verify)
{
    struct shash statuses = SHASH_INITIALIZER(&statuses);
    struct local_session *ls;
    bool ok = false;

    if (verify) {
        HMAP_FOR_EACH (ls, node, &tmd->sessions) {
            shash_add_once(&statuses, ls->id, ls->status);
        }
    }
    bool pending = false;
    char *error;

    tmd->retry_at = LLONG_MAX;
    tmd->change_seen = time_msec();
    tmd->replaced = false;
    error = compute(tmd, ovs_txn, txn, &pending);
    tmd->change_compute_ms = time_msec() - tmd->change_seen;
    if (pending || error) {
        tmd->can_replace = false;
    }
    if (pending) {
        /* Nothing to do until the Datapath record is filled in (a
         * change of the database), or for at most 5 seconds. */
        tmd->retry_at = (tmd->dp_empty ? tmd->dp_empty + 5000
                         : LLONG_MAX);
    } else if (error) {
        /* Keep the flows installed: a database that cannot be read is
         * no reason to stop mirroring what was valid. */
        if (!tmd->error || strcmp(error, tmd->error)) {
            VLOG_WARN("%s", error);
        }
        free(tmd->error);
        tmd->error = error;
    } else {
        if (tmd->error) {
            VLOG_INFO("the databases can be used again");
        }
        free(tmd->error);
        tmd->error = NULL;
        if (verify) {
            verify_computation(tmd, &tmd->flows, &statuses);
        }
        if (!tmd->replaced) {
            tm_reconciler_set_desired_flows(tmd->reconciler, &tmd->flows);
            tmd->can_replace = true;
            tmd->compiled_seqno = ovsdb_idl_get_seqno(tmd->ovs_idl);
        }
        ok = true;
        tmd->change_seqno = tm_reconciler_get_seqno(tmd->reconciler);
        tmd->change_install_ms = -1;
    }
    tm_flows_clear(&tmd->flows);
    shash_destroy(&statuses);
    tmd->last_ok = ok;
    return ok;
}

static void
tmd_run(struct tmd *tmd, struct ovsdb_idl_txn *ovs_txn,
        struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_bridge *br = find_bridge(tmd->ovs_idl);
    char *target = (br ? xasprintf("unix:%s/%s.mgmt", ovs_rundir(),
                                   bridge_name)
                    : NULL);

    if (target && (!tmd->target || strcmp(target, tmd->target))) {
        tm_reconciler_connect(tmd->reconciler, target);
        free(tmd->target);
        tmd->target = target;
    } else {
        free(target);
    }

    unsigned int ovs_seqno = ovsdb_idl_get_seqno(tmd->ovs_idl);
    unsigned int tm_seqno = ovsdb_idl_get_seqno(tmd->tm_loop.idl);
    bool changed = (ovs_seqno != tmd->ovs_seqno || tm_seqno != tmd->tm_seqno
                    || time_msec() >= tmd->retry_at);
    if ((changed || tmd->recompute)
        && ovsdb_idl_has_ever_connected(tmd->ovs_idl)
        && ovsdb_idl_has_ever_connected(tmd->tm_loop.idl)) {
        if (changed || !tmd->recompute) {
            run_compute(tmd, ovs_txn, txn, false);
        }
        if (tmd->recompute) {
            /* Everything again, from nothing, and compared with what the
             * computation before made of the same databases. */
            cache_clear(&tmd->cache);
            run_compute(tmd, ovs_txn, txn, tmd->last_ok);
            tm_reconciler_resync(tmd->reconciler);
            tmd->recompute = false;
        }
        tmd->ovs_seqno = ovs_seqno;
        tmd->tm_seqno = tm_seqno;
    }

    tm_reconciler_run(tmd->reconciler);

    struct tm_reconciler_stats stats;
    tm_reconciler_get_stats(tmd->reconciler, &stats);
    if (tmd->change_install_ms < 0
        && stats.last_commit_seqno >= tmd->change_seqno) {
        tmd->change_install_ms = stats.last_commit - tmd->change_seen;
    }

    if (time_msec() >= tmd->next_stats) {
        if (tmd->stats_pending) {
            update_counters(tmd);
            write_statistics(tmd, txn);
            write_metrics(tmd);
        }
        request_counters(tmd);
        tmd->stats_pending = true;
        tmd->next_stats = time_msec() + stats_interval;
    }
}

static void
add_ovs_columns(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_datapaths);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_table(idl, &ovsrec_table_datapath);
    ovsdb_idl_add_column(idl, &ovsrec_datapath_col_capabilities);
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    struct tmd tmd = {
        .sessions = HMAP_INITIALIZER(&tmd.sessions),
        .cache = { .results = SHASH_INITIALIZER(&tmd.cache.results) },
        .metered = SSET_INITIALIZER(&tmd.metered),
        .rows = SHASH_INITIALIZER(&tmd.rows),
        .targets = SHASH_INITIALIZER(&tmd.targets),
        .change_install_ms = -1,
        .retry_at = LLONG_MAX,
    };
    bool exiting = false;
    int retval;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    daemonize_start(false);
    retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, tmd_unixctl_exit, &exiting);
    unixctl_command_register("status", "", 0, 0, tmd_unixctl_status, &tmd);
    unixctl_command_register("recompute", "", 0, 0, tmd_unixctl_recompute,
                             &tmd);
    unixctl_command_register("session/show-flows", "SESSION", 1, 1,
                             tmd_unixctl_show_flows, &tmd);
    unixctl_command_register("session/list", "", 0, 0,
                             tmd_unixctl_list_sessions, &tmd);
    daemonize_complete();

    tmd.ovs_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(ovs_remote, &ovsrec_idl_class, false, true));
    tmd.ovs_idl = tmd.ovs_loop.idl;
    add_ovs_columns(tmd.ovs_idl);
    tmd.tm_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(tm_remote, &tmrec_idl_class, true, true));
    /* What it writes itself is no reason to compute again. */
    ovsdb_idl_omit_alert(tmd.tm_loop.idl,
                         &tmrec_traffic_mirror_session_col_status);
    ovsdb_idl_omit_alert(tmd.tm_loop.idl,
                         &tmrec_traffic_mirror_session_col_explanations);
    ovsdb_idl_omit_alert(tmd.tm_loop.idl,
                         &tmrec_traffic_mirror_session_col_statistics);
    for (size_t i = 0; i < TMREC_TRAFFIC_MIRROR_EXPLANATION_N_COLUMNS; i++) {
        ovsdb_idl_omit_alert(tmd.tm_loop.idl,
                             &tmrec_traffic_mirror_explanation_columns[i]);
    }
    /* Which filters changed since the cache was last brought up to date
     * (cache_update()), their rules included. */
    for (size_t i = 0; i < TMREC_TRAFFIC_MIRROR_FILTER_N_COLUMNS; i++) {
        ovsdb_idl_track_add_column(tmd.tm_loop.idl,
                                   &tmrec_traffic_mirror_filter_columns[i]);
    }
    for (size_t i = 0; i < TMREC_TRAFFIC_MIRROR_FILTER_RULE_N_COLUMNS; i++) {
        ovsdb_idl_track_add_column(
            tmd.tm_loop.idl, &tmrec_traffic_mirror_filter_rule_columns[i]);
    }
    tmd.reconciler = tm_reconciler_create(TM_COOKIE_DEFAULT);
    tm_flows_init(&tmd.flows);
    tmd.ovs_seqno = tmd.tm_seqno = UINT_MAX;

    while (!exiting) {
        struct ovsdb_idl_txn *ovs_txn = ovsdb_idl_loop_run(&tmd.ovs_loop);
        struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&tmd.tm_loop);

        unixctl_server_run(unixctl);
        tmd_run(&tmd, ovs_txn, txn);
        ovsdb_idl_loop_commit_and_wait(&tmd.ovs_loop);
        ovsdb_idl_loop_commit_and_wait(&tmd.tm_loop);

        tm_reconciler_wait(tmd.reconciler);
        unixctl_server_wait(unixctl);
        poll_timer_wait_until(tmd.next_stats);
        poll_timer_wait_until(tmd.retry_at);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            exiting = true;
        }
    }

    struct local_session *ls;
    HMAP_FOR_EACH_POP (ls, node, &tmd.sessions) {
        free(ls->id);
        free(ls);
    }
    hmap_destroy(&tmd.sessions);
    unixctl_server_destroy(unixctl);
    tm_reconciler_destroy(tmd.reconciler);
    tm_flows_destroy(&tmd.flows);
    cache_clear(&tmd.cache);
    shash_destroy(&tmd.cache.results);
    if (tmd.ti.enis) {
        tm_topology_input_destroy(&tmd.ti);
    }
    sset_destroy(&tmd.metered);
    shash_destroy(&tmd.rows);
    shash_destroy(&tmd.targets);
    ovsdb_idl_loop_destroy(&tmd.tm_loop);
    ovsdb_idl_loop_destroy(&tmd.ovs_loop);
    free(tmd.target);
    free(tmd.error);
    free(tmd.backend_why);
    service_stop();
    return 0;
}

/* ---- unixctl. ---- */

static void
tmd_unixctl_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                 const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;

    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
tmd_unixctl_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *tmd_)
{
    const struct tmd *tmd = tmd_;
    struct tm_reconciler_stats stats;
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_reconciler_get_stats(tmd->reconciler, &stats);
    ds_put_format(&s, "bridge: %s\n", bridge_name);
    ds_put_format(&s, "openflow: %s (%s)\n",
                  tmd->target ? tmd->target : "(none)",
                  tm_reconciler_is_connected(tmd->reconciler)
                  ? "connected" : "not connected");
    ds_put_format(&s, "backend: %s\n", tmd->backend ? tmd->backend : "");
    if (tmd->backend_why) {
        ds_put_format(&s, "backend reason: %s\n", tmd->backend_why);
    }
    ds_put_format(&s, "error: %s\n", tmd->error ? tmd->error : "none");
    ds_put_format(&s, "network interfaces: %"PRIuSIZE"\n", tmd->n_enis);
    ds_put_format(&s, "sessions: %"PRIuSIZE" active, %"PRIuSIZE
                  " not active\n", tmd->n_active, tmd->n_blocked);
    ds_put_format(&s, "flows: %"PRIuSIZE" installed\n",
                  tm_flow_table_count(
                      tm_reconciler_get_installed(tmd->reconciler)));
    ds_put_format(&s, "in sync: %s\n",
                  tm_reconciler_in_sync(tmd->reconciler) ? "yes" : "no");
    ds_put_format(&s, "computes: %"PRIu64"\n", tmd->n_computes);
    ds_put_format(&s, "full loads: %"PRIu64"\n", tmd->n_full_loads);
    ds_put_format(&s, "partial compiles: %"PRIu64"\n", tmd->n_replaces);
    ds_put_format(&s, "recompute mismatches: %"PRIu64"\n",
                  tmd->n_mismatches);
    if (tmd->change_install_ms >= 0) {
        ds_put_format(&s, "last change: %lld ms to compute, %lld ms to "
                      "install\n", tmd->change_compute_ms,
                      tmd->change_install_ms);
    }
    ds_put_format(&s, "connections: %u\n", stats.n_connections);
    ds_put_format(&s, "dumps: %"PRIu64"\n", stats.n_dumps);
    ds_put_format(&s, "repairs: %"PRIu64"\n", stats.n_repairs);
    ds_put_format(&s, "bundles: %"PRIu64"\n", stats.n_bundles);
    ds_put_format(&s, "flow_mods: %"PRIu64"\n", stats.n_flow_mods);
    ds_put_format(&s, "meter_mods: %"PRIu64"\n", stats.n_meter_mods);
    ds_put_format(&s, "refused bundles: %"PRIu64"\n", stats.n_failures);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
tmd_unixctl_recompute(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[] OVS_UNUSED, void *tmd_)
{
    struct tmd *tmd = tmd_;

    tmd->recompute = true;
    poll_immediate_wake();
    unixctl_command_reply(conn, NULL);
}

static void
tmd_unixctl_show_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
                       const char *argv[], void *tmd_)
{
    const struct tmd *tmd = tmd_;
    const struct local_session *ls = find_session(tmd, argv[1]);
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!ls) {
        unixctl_command_reply_error(conn, "no such session on this bridge");
        return;
    }
    if (ls->key) {
        tm_flow_table_format(tm_reconciler_get_installed(tmd->reconciler),
                             tm_session_cookie(TM_COOKIE_DEFAULT, ls->key,
                                               TM_INGRESS, false),
                             TM_COOKIE_OWNER_MASK | TM_COOKIE_SESSION_MASK,
                             &s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
tmd_unixctl_list_sessions(struct unixctl_conn *conn, int argc OVS_UNUSED,
                          const char *argv[] OVS_UNUSED, void *tmd_)
{
    const struct tmd *tmd = tmd_;
    const struct local_session **v = sorted_sessions(tmd);
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < hmap_count(&tmd->sessions); i++) {
        struct session_counts in = session_counts(v[i], TM_INGRESS);
        struct session_counts out = session_counts(v[i], TM_EGRESS);

        ds_put_format(&s, "%s %s mirrored_packets_in=%"PRIu64
                      " mirrored_packets_out=%"PRIu64, v[i]->id,
                      v[i]->status, in.mirrored_packets,
                      out.mirrored_packets);
        if (v[i]->metered) {
            ds_put_format(&s, " skipped_packets_in=%"PRIu64
                          " skipped_packets_out=%"PRIu64,
                          in.skipped_packets, out.skipped_packets);
        }
        ds_put_char(&s, '\n');
    }
    free(v);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* ---- Command line. ---- */

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_TM_DB = UCHAR_MAX + 1,
        OPT_BRIDGE,
        OPT_UNIXCTL,
        OPT_METRICS_FILE,
        OPT_STATS_INTERVAL,
        OPT_BACKEND,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"tm-db", required_argument, NULL, OPT_TM_DB},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"metrics-file", required_argument, NULL, OPT_METRICS_FILE},
        {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
        {"backend", required_argument, NULL, OPT_BACKEND},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_TM_DB:
            free(tm_remote);
            tm_remote = xstrdup(optarg);
            break;

        case OPT_BRIDGE:
            free(bridge_name);
            bridge_name = xstrdup(optarg);
            break;

        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;

        case OPT_METRICS_FILE:
            free(metrics_file);
            metrics_file = xstrdup(optarg);
            break;

        case OPT_STATS_INTERVAL:
            if (!str_to_llong(optarg, 10, &stats_interval)
                || stats_interval < 100) {
                ovs_fatal(0, "--stats-interval=%s: expected a number of "
                          "milliseconds, at least 100", optarg);
            }
            break;

        case OPT_BACKEND:
            if (!tm_backend_find(optarg)) {
                ovs_fatal(0, "--backend=%s: expected native or "
                          "vxlan-mirror", optarg);
            }
            forced_backend = tm_backend_find(optarg)->name;
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case '?':
            exit(2);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    argc -= optind;
    argv += optind;
    if (argc > 1) {
        ovs_fatal(0, "at most one argument (the Open_vSwitch database) "
                  "expected; use --help for usage");
    }
    ovs_remote = (argc ? xstrdup(argv[0])
                  : xasprintf("unix:%s/db.sock", ovs_rundir()));
    if (!tm_remote) {
        tm_remote = xstrdup(ovs_remote);
    }
    if (!bridge_name) {
        bridge_name = xstrdup("br-int");
    }
}

static void
usage(void)
{
    printf("%s: the per-hypervisor daemon of ovs-tmirror\n"
           "usage: %s [OPTIONS] [OVS-DATABASE]\n"
           "\n"
           "Checks the traffic mirror sessions of the network interfaces\n"
           "on a bridge and keeps their mirror flows installed.\n"
           "OVS-DATABASE is the Open_vSwitch database's remote (default:\n"
           "unix:%s/db.sock).\n"
           "\n"
           "Options:\n"
           "  --tm-db=REMOTE          the TrafficMirror database (default:\n"
           "                          OVS-DATABASE)\n"
           "  --bridge=NAME           the bridge to manage (default: "
           "br-int)\n"
           "  --backend=NAME          native or vxlan-mirror (default: as\n"
           "                          the datapath's capabilities say)\n"
           "  --stats-interval=MS     how often to read counters (10000)\n"
           "  --metrics-file=FILE     write counters for Prometheus's\n"
           "                          node_exporter textfile collector\n"
           "  --unixctl=SOCKET        override the control socket's name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n",
           program_name, program_name, ovs_rundir());
    daemon_usage();
    vlog_usage();
    stream_usage("remote", true, true, true);
    exit(EXIT_SUCCESS);
}
