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

#ifndef TMIRROR_DB_H
#define TMIRROR_DB_H 1

/* The TrafficMirror database (ovs-plugin/traffic-mirror.ovsschema) seen as
 * a topology.
 *
 * The database holds the network as a topology document (Global:topology)
 * and the traffic mirror objects and resource shares as rows.  The
 * functions here put the two together into the document that the rows and
 * the network describe, and load it with the simulator's loader, so that
 * ovs-tmctl, ovs-tmd and tm-sim apply the same rules to the same objects.
 *
 * They read the rows of an IDL whose every table and column of the schema
 * is monitored, as the IDL shows them: inside a transaction, with its
 * uncommitted changes. */

#include "openvswitch/compiler.h"

struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sim_topology;
struct tm_filter;
struct tm_rule;
struct tm_rule_spec;
struct tm_session;
struct tm_target;
struct tmrec_traffic_mirror_filter;
struct tmrec_traffic_mirror_filter_rule;
struct tmrec_traffic_mirror_session;
struct tmrec_traffic_mirror_target;

/* The name that documents made from a database without a topology, or
 * whose topology has no name, are given in messages. */
#define TM_DB_TOPOLOGY_NAME "TrafficMirror database"

char *tm_db_topology_document(const struct ovsdb_idl *, struct ds *xml)
    OVS_WARN_UNUSED_RESULT;
char *tm_db_load_topology(const struct ovsdb_idl *, struct sim_topology **)
    OVS_WARN_UNUSED_RESULT;
const char *tm_db_topology_name(const struct ovsdb_idl *);

char *tm_db_import_topology(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                            const char *file_name, const char *text,
                            const struct sim_topology *)
    OVS_WARN_UNUSED_RESULT;

/* Rows from the model's objects. */
const struct tmrec_traffic_mirror_target *tm_db_insert_target(
    struct ovsdb_idl_txn *, const struct tm_target *);
const struct tmrec_traffic_mirror_filter *tm_db_insert_filter(
    struct ovsdb_idl_txn *, const struct tm_filter *);
struct tmrec_traffic_mirror_filter_rule *tm_db_insert_rule(
    struct ovsdb_idl_txn *, const struct tm_rule *);
const struct tmrec_traffic_mirror_session *tm_db_insert_session(
    struct ovsdb_idl *, struct ovsdb_idl_txn *, const struct tm_session *);
void tm_db_write_rule(const struct tm_rule *,
                      const struct tmrec_traffic_mirror_filter_rule *);
void tm_db_write_session(struct ovsdb_idl *, const struct tm_session *,
                         const struct tmrec_traffic_mirror_session *);

struct tmrec_traffic_mirror_filter_rule **tm_db_sorted_rules(
    const struct tmrec_traffic_mirror_filter *);

/* A rule row as the model takes it from a topology document. */
struct tm_db_rule_text {
    char protocol[24];
    char source_ports[48];
    char destination_ports[48];
};
void tm_db_rule_spec(const struct tmrec_traffic_mirror_filter_rule *,
                     struct tm_rule_spec *, struct tm_db_rule_text *);

/* Loading one filter alone (see tm-db.c). */
char *tm_db_load_filter(const struct tmrec_traffic_mirror_filter *,
                        struct sim_topology **) OVS_WARN_UNUSED_RESULT;

#endif /* tmirror/db.h */
