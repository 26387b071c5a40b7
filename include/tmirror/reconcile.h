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

#ifndef TMIRROR_RECONCILE_H
#define TMIRROR_RECONCILE_H 1

/* The reconciler: keeps the flows of one Open vSwitch bridge that carry its
 * cookie equal to the flows it is told to want, over one OpenFlow
 * connection.
 *
 * It keeps two tables of flows, the desired and the installed ones, keyed
 * by table, priority and match.  Only the difference between them is sent,
 * in one OFPBF_ATOMIC | OFPBF_ORDERED bundle per change, so the bridge
 * never holds half a change.  It owns only the flows whose cookie has its
 * owner bits (TM_COOKIE_OWNER_MASK) and never touches another flow.
 *
 * On every (re)connection it reads the bridge's flows of its cookie (a flow
 * dump filtered by cookie) as the installed table, so that when the bridge
 * already holds what it wants (the daemon restarted, nothing changed) it
 * sends nothing, and when ovs-vswitchd restarted with an empty bridge it
 * sends everything.  It also asks for a flow monitor: a flow of its cookie,
 * or in a table where it wants flows, that someone else adds, changes or
 * deletes makes it read the flows again and repair the difference.
 *
 * It also reads counters: the packets and bytes of the flows with one
 * exact cookie (OFPST_AGGREGATE), and those that its meters dropped. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/match.h"

struct ds;
struct ofpact;
struct tm_flows;

/* ---- Flow tables. ---- */

struct tm_flow {
    struct hmap_node node;      /* In struct tm_flow_table, by key. */

    /* Key. */
    uint8_t table_id;
    uint16_t priority;
    struct minimatch match;

    /* Value. */
    uint64_t cookie;
    struct ofpact *ofpacts;
    size_t ofpacts_len;

    /* Desired flows given as compiled flows (see
     * tm_reconciler_set_desired_flows()): the actions as compiled, and the
     * change that last gave the flow. */
    struct ofpact *compiled;
    size_t compiled_len;
    uint64_t seqno;
    size_t owner;               /* 0 for a shared flow, otherwise 1 + the
                                 * index of its ENI in the compile's
                                 * input. */
};

struct tm_flow_table {
    struct hmap flows;          /* Contains "struct tm_flow"s. */
};

void tm_flow_table_init(struct tm_flow_table *);
void tm_flow_table_clear(struct tm_flow_table *);
void tm_flow_table_destroy(struct tm_flow_table *);
void tm_flow_table_swap(struct tm_flow_table *, struct tm_flow_table *);
size_t tm_flow_table_count(const struct tm_flow_table *);

struct tm_flow *tm_flow_table_put(struct tm_flow_table *, uint8_t table_id,
                                  uint16_t priority, const struct match *,
                                  uint64_t cookie, const struct ofpact *,
                                  size_t ofpacts_len);
struct tm_flow *tm_flow_table_find(const struct tm_flow_table *,
                                   uint8_t table_id, uint16_t priority,
                                   const struct minimatch *);
void tm_flow_table_remove(struct tm_flow_table *, struct tm_flow *);

void tm_flow_table_from_flows(struct tm_flow_table *,
                              const struct tm_flows *);

bool tm_flow_equal(const struct tm_flow *, const struct tm_flow *);
void tm_flow_table_format(const struct tm_flow_table *, uint64_t cookie,
                          uint64_t cookie_mask, struct ds *);

/* What it takes to turn the installed flows into the desired ones: the
 * flows to add (new, or of another cookie: an add replaces), to modify
 * (same key and cookie, other actions: a modify keeps their counters), and
 * to delete (installed, not desired).  Pointers into the two tables. */
struct tm_flow_diff {
    const struct tm_flow **adds;
    size_t n_adds;
    const struct tm_flow **modifies;
    size_t n_modifies;
    const struct tm_flow **deletes;
    size_t n_deletes;
};

void tm_flow_diff_compute(const struct tm_flow_table *desired,
                          const struct tm_flow_table *installed,
                          struct tm_flow_diff *);
size_t tm_flow_diff_size(const struct tm_flow_diff *);
void tm_flow_diff_destroy(struct tm_flow_diff *);

/* ---- The reconciler. ---- */

struct tm_reconciler;

struct tm_reconciler *tm_reconciler_create(uint64_t cookie);
void tm_reconciler_destroy(struct tm_reconciler *);

void tm_reconciler_connect(struct tm_reconciler *, const char *target);
const char *tm_reconciler_get_target(const struct tm_reconciler *);
bool tm_reconciler_is_connected(const struct tm_reconciler *);

void tm_reconciler_set_desired(struct tm_reconciler *,
                               struct tm_flow_table *);
void tm_reconciler_set_desired_flows(struct tm_reconciler *,
                                     const struct tm_flows *);
bool tm_reconciler_replace_desired_flows(struct tm_reconciler *,
                                         const struct tm_flows *,
                                         const unsigned long *enis,
                                         bool shared);
const struct tm_flow_table *tm_reconciler_get_desired(
    const struct tm_reconciler *);
const struct tm_flow_table *tm_reconciler_get_installed(
    const struct tm_reconciler *);
bool tm_reconciler_in_sync(const struct tm_reconciler *);
void tm_reconciler_resync(struct tm_reconciler *);

void tm_reconciler_run(struct tm_reconciler *);
void tm_reconciler_wait(struct tm_reconciler *);

struct tm_reconciler_stats {
    uint64_t n_bundles;         /* Bundles committed. */
    uint64_t n_flow_mods;       /* Flow mods sent in them. */
    uint64_t n_meter_mods;      /* Meter mods sent. */
    uint64_t n_failures;        /* Bundles the bridge refused. */
    uint64_t n_dumps;           /* Times the installed flows were read. */
    uint64_t n_repairs;         /* Dumps caused by someone else's change. */
    unsigned int n_connections; /* Connections made. */
    long long int last_commit;  /* time_msec() of the last commit reply,
                                 * or 0. */
    uint64_t last_commit_seqno; /* Change number (see
                                 * tm_reconciler_set_desired()) that the
                                 * last commit reply made current. */
};
void tm_reconciler_get_stats(const struct tm_reconciler *,
                             struct tm_reconciler_stats *);
uint64_t tm_reconciler_get_seqno(const struct tm_reconciler *);

/* Meters.  The reconciler owns the meters whose id has the bits of
 * TM_METER_BASE (tmirror/compile.h) in its upper two bits: it makes those
 * it is told to want, with one drop band, and deletes the others.  Meter
 * changes are not part of the bundle (OpenFlow bundles carry flows): new
 * meters are sent before it and old ones deleted after it. */
struct tm_meter {
    uint32_t id;
    uint32_t kbps;              /* Rate, kilobits per second. */
    uint32_t burst_kb;          /* Burst, kilobits. */
};
void tm_reconciler_set_meters(struct tm_reconciler *,
                              const struct tm_meter *, size_t n);

/* Counters. */
void tm_reconciler_request_aggregate(struct tm_reconciler *,
                                     uint64_t cookie);
bool tm_reconciler_get_aggregate(const struct tm_reconciler *,
                                 uint64_t cookie, uint64_t *packets,
                                 uint64_t *bytes);
void tm_reconciler_request_meter_stats(struct tm_reconciler *);
bool tm_reconciler_get_meter_drops(const struct tm_reconciler *,
                                   uint32_t meter_id, uint64_t *packets,
                                   uint64_t *bytes);

#endif /* tmirror/reconcile.h */
