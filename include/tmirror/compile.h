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

#ifndef TMIRROR_COMPILE_H
#define TMIRROR_COMPILE_H 1

/* The flow compiler: the mirror sessions of the network interfaces (ENIs)
 * that live on one Open vSwitch bridge, compiled into OpenFlow flows that
 * decide exactly as tm_evaluate() does (Documentation/semantics.rst).
 *
 * The table layout and the pipeline contract are described at the top of
 * ovs-plugin/tm-compile.c and in tm-compile(7).
 *
 * The copy itself is made by a backend: tm_backend_native (stock Open
 * vSwitch: clone() with a flow-based VXLAN port and output(max_len=...)),
 * or tm_backend_vxlan_mirror (the vxlan_mirror action that
 * ovs-plugin/patches adds to the userspace datapath: the copy is
 * encapsulated inside clone() and goes on through the bridge's pipeline,
 * routed like production traffic from the source ENI).
 * tm_backend_probe() asks a running ovs-vswitchd which of the two a bridge
 * can use. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "tmirror/model.h"

struct ds;
struct ofpbuf;
struct ofputil_flow_mod;
struct sset;
struct tm_model;
struct tm_session;

/* Default cookie of every flow: "tmir" in the upper 32 bits. */
#define TM_COOKIE_DEFAULT UINT64_C(0x746d697200000000)

/* Session cookies (the options' 'session_cookies'): the upper 32 bits of
 * every flow's cookie are the options' 'cookie', which says whose flows
 * they are (TM_COOKIE_OWNER_MASK); the lower 32 bits are 0 for the flows
 * that serve all sessions and, for the flows of one session, its key (see
 * struct tm_session_key) above 8 bits of kind: TM_COOKIE_COPY for the
 * flows that make the copy (that a packet hits when the session mirrors
 * it) and TM_COOKIE_INGRESS for the ingress direction.  So the statistics
 * of the flows with one exact cookie (OFPST_AGGREGATE) count a session's
 * mirrored packets and bytes in one direction. */
#define TM_COOKIE_OWNER_MASK UINT64_C(0xffffffff00000000)
#define TM_COOKIE_SESSION_SHIFT 8
#define TM_COOKIE_SESSION_MAX 0xffffff
#define TM_COOKIE_INGRESS 0x1
#define TM_COOKIE_COPY 0x2
#define TM_COOKIE_SESSION_MASK \
    ((uint64_t) TM_COOKIE_SESSION_MAX << TM_COOKIE_SESSION_SHIFT)

/* Default first table of ovs-tmirror's tables, and default register that
 * carries the output port into the output stage. */
#define TM_TABLE_BASE_DEFAULT 200
#define TM_OUTPUT_REG_DEFAULT 6

/* Backends whose copy goes on through the bridge's pipeline (vxlan_mirror):
 * the default bit, reg7[0], that marks a copy so that ovs-tmirror's tables
 * never mirror it again (AWS never mirrors a mirrored copy), and the
 * default table of a REGISTER pipeline where a copy goes on, as if the
 * source ENI had just sent it. */
#define TM_COPY_MARK_REG_DEFAULT 7
#define TM_COPY_MARK_BIT_DEFAULT 0
#define TM_CONTINUE_TABLE_DEFAULT 0

/* Default outer Ethernet destination of a vxlan_mirror copy whose target
 * has no next-hop MAC of its own: the MAC of the router that the bridge's
 * pipeline forwards routed traffic to (02:00:00:00:00:fe, as in the
 * project's sandboxes). */
#define TM_ROUTER_MAC_DEFAULT \
    ((struct eth_addr) { .ea = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } })

/* The OpenFlow port of the flow-based VXLAN port that the programs assume
 * when they are not told ("tm-sim flows", "ovs-tmctl --dry-run"). */
#define TM_TUNNEL_PORT_DEFAULT 100

/* NORMAL pipelines: a broadcast or multicast is predicted delivered to
 * the source ports with ingress sessions, at most this many per flow; with
 * more, groups of them numbered from TM_FLOOD_GROUP_BASE in the output
 * register (above every port number), each group's number loaded into the
 * output register by one flow that resubmits to the group's own flow (see
 * tm-compile(7)). */
#define TM_FLOOD_PORTS_PER_FLOW 64
#define TM_FLOOD_GROUP_BASE 0x10000

/* Open vSwitch's limit on the resubmits in the translation of one packet
 * (MAX_RESUBMITS in ofproto/ofproto-dpif-xlate.c): beyond it, the packet
 * is dropped. */
#define TM_OVS_MAX_RESUBMITS 4096

/* ovs-tmirror's tables, as offsets from 'table_base'. */
enum tm_table {
    TM_TABLE_EGRESS = 0,        /* Never-mirrored types, then dispatch on
                                 * the packet's input port. */
    TM_TABLE_EGRESS_SESSION,    /* One table per session slot (the first,
                                 * second and third active session of an
                                 * ENI in ascending session number). */
    TM_TABLE_OUTPUT = TM_TABLE_EGRESS_SESSION + 3,
                                /* Register pipelines: the output stage.
                                 * NORMAL pipelines: where each packet
                                 * will be delivered. */
    TM_TABLE_INGRESS,           /* Never-mirrored types, then dispatch on
                                 * the port in the output register. */
    TM_TABLE_INGRESS_SESSION,   /* Session slots, as for egress. */
    TM_TABLE_METER = TM_TABLE_INGRESS_SESSION + 3,
                                /* The copies of rate-limited sessions,
                                 * through their meters. */
    TM_N_TABLES
};

/* How the bridge forwards (see tm-compile(7), "Pipeline contract"). */
enum tm_pipeline {
    /* The bridge forwards with the NORMAL action: ovs-tmirror owns the
     * bridge's entry table and ends it with NORMAL.  Ingress is predicted
     * from the destination MAC address. */
    TM_PIPELINE_NORMAL,

    /* The bridge's own pipeline resubmits each admitted packet once to
     * TM_TABLE_EGRESS, and delivers every copy it sends to a port (flooded
     * ones included) by loading the port number into the output register
     * and resubmitting to TM_TABLE_OUTPUT.  Exact for both directions. */
    TM_PIPELINE_REGISTER,
};

struct tm_compile_options {
    enum tm_pipeline pipeline;
    uint8_t table_base;         /* First of TM_N_TABLES tables. */
    uint8_t entry_table;        /* NORMAL pipelines: the bridge's entry. */
    unsigned int output_reg;    /* 0-15: NXM_NX_REG<n>. */
    ofp_port_t tunnel_port;     /* Flow-based VXLAN port (native). */
    uint64_t cookie;
    const struct tm_backend *backend;

    /* Backends whose copy goes on through the pipeline (vxlan_mirror). */
    struct eth_addr router_mac; /* Outer Ethernet destination of a copy
                                 * whose target address has no MAC. */
    unsigned int copy_mark_reg; /* 0-15: NXM_NX_REG<n>, not 'output_reg'. */
    unsigned int copy_mark_bit; /* 0-31: the bit of it set in a copy. */
    uint8_t continue_table;     /* REGISTER pipelines: where a copy goes
                                 * on, as sent by the source ENI. */

    /* Give each session's flows cookies of their own (see
     * TM_COOKIE_OWNER_MASK) and conjunction ids of their own, so that a
     * change to one session changes no other session's flows (but those of
     * the sessions after it on its ENI, whose slots may move). */
    bool session_cookies;
};

void tm_compile_options_init(struct tm_compile_options *);

/* Where a source ENI lives on the bridge. */
struct tm_eni_location {
    const char *eni;            /* ENI id, as in the model. */
    ofp_port_t ofport;          /* Its OpenFlow port on the bridge. */
    struct eth_addr mac;        /* Its MAC (NORMAL pipelines, and the outer
                                 * Ethernet source of vxlan_mirror copies). */
    struct in6_addr ip;         /* Outer source of its copies (IPv4 as
                                 * IPv4-mapped); all-zeros: the model's. */
};

/* The outer destination of a target's copies.  Needed for load balancer
 * targets; a network interface target defaults to the interface's IP.  A
 * load balancer's node depends on the source's zone, so an address may be
 * given for one session: it then wins over one for all of the target's.
 *
 * 'mac' is the next hop of the copies for the vxlan_mirror backend (their
 * outer Ethernet destination): the target's own MAC when the source's
 * traffic reaches it without a router (same subnet), otherwise leave it
 * all-zeros for the options' 'router_mac'. */
struct tm_target_address {
    const char *target;         /* Target id. */
    const char *session;        /* Session id, or NULL for every session. */
    struct in6_addr ip;         /* IPv4 as IPv4-mapped; all-zeros: the
                                 * network interface target's own IP. */
    struct eth_addr mac;        /* Next hop; all-zeros: 'router_mac'. */
};

struct tm_compile_input {
    const struct tm_model *model;
    const struct tm_eni_location *enis;
    size_t n_enis;
    const struct tm_target_address *targets;
    size_t n_targets;

    /* Sessions to leave out (for example those that the simulator found
     * blocked), or NULL. */
    const struct sset *excluded_sessions;

    /* With session cookies and the vxlan_mirror backend: the sessions
     * whose copies go through a meter of their own for each direction
     * (tm_session_meter()), or NULL.  The meters themselves are the
     * caller's to make.  A copy that its meter drops is one the session
     * skipped.  (The native backend's copies cannot be metered without
     * metering the original too: its sessions are never metered.) */
    const struct sset *metered_sessions;

    /* A compile of some ENIs alone, with session cookies only.  If 'only'
     * is nonnull, a bitmap of 'n_enis' bits, only the ENIs of 'enis' whose
     * bits are set have their own flows compiled (their dispatch, session
     * slot, meter, hairpin and unicast prediction flows), and the shared
     * flows (the never-mirrored types, the entry, the broadcast
     * prediction, the output stage) are compiled only if 'shared'.  The
     * flows of the ENIs and the shared flows are then exactly those that a
     * compile of all of them has, with the same cookies, counter ids and
     * conjunction ids: the others' sessions get their ids as in a full
     * compile without being compiled.  Only the compiled ENIs' errors are
     * found.  'max_resubmits' is computed with the shared flows. */
    const unsigned long *only;
    bool shared;
};

/* The OpenFlow meter of the copies of the session with cookie key 'key' in
 * 'direction'. */
#define TM_METER_BASE UINT32_C(0x40000000)
static inline uint32_t
tm_session_meter(uint32_t key, enum tm_direction direction)
{
    return TM_METER_BASE | key << 1 | (direction == TM_INGRESS);
}

/* The compiled flows, as OpenFlow "add" flow_mods.
 *
 * 'flows' owns the flows' matches and actions: flows with the same actions
 * point to one copy of them, and the matches are carved out of large
 * blocks kept from one compilation to the next.  So never free or destroy
 * them, and take a copy (minimatch_clone(), xmemdup()) of what must
 * outlive tm_flows_clear() or the next compilation. */
struct tm_flows {
    struct ofputil_flow_mod *fms;
    size_t n, allocated;

    /* For each flow of 'fms', the index in the input's 'enis' of the ENI
     * whose own flow it is, or SIZE_MAX for a shared flow (see struct
     * tm_compile_input's 'only'), and the input's 'n_enis'. */
    size_t *eni_of;
    size_t n_enis;

    /* Private. */
    struct hmap actions;        /* The flows' actions. */
    const void *last_actions;   /* The last flow's, and their length. */
    size_t last_actions_len;
    void **blocks;              /* The blocks of the matches. */
    size_t n_blocks;            /* Blocks allocated. */
    size_t block;               /* The block in use. */
    size_t block_used;          /* Its bytes in use. */

    /* What was compiled, for reports and benchmarks. */
    size_t n_sessions;
    size_t n_rules;
    uint32_t next_conj_id;

    /* NORMAL pipelines: the most resubmits that the translation of one
     * packet takes through the compiled flows (a broadcast or multicast
     * that no rule accepts, from the source port with the most session
     * slots, delivered to every source port with ingress sessions).  Open
     * vSwitch drops a packet whose translation takes more than
     * TM_OVS_MAX_RESUBMITS.  0 for REGISTER pipelines, whose bridge
     * decides how many times a packet is delivered. */
    size_t max_resubmits;

    /* The counters of the compiled sessions' copies, in the order their
     * sessions were compiled; only for a backend that counts. */
    struct tm_counter *counters;
    size_t n_counters, allocated_counters;

    /* With session cookies: the compiled sessions' keys, in the order
     * their sessions were compiled. */
    struct tm_session_key *keys;
    size_t n_keys, allocated_keys;
};

/* A session's key in its flows' cookies: the hash of its id in 24 bits,
 * or, if another session compiled before it has that key, the next free
 * one (never 0). */
struct tm_session_key {
    char *session;              /* Session id. */
    uint32_t key;               /* 1 to TM_COOKIE_SESSION_MAX. */
};

/* The cookie of the flows of the session with 'key' for 'direction' that
 * make its copy (if 'copy') or that do not, 'cookie' being the options'. */
static inline uint64_t
tm_session_cookie(uint64_t cookie, uint32_t key, enum tm_direction direction,
                  bool copy)
{
    return ((cookie & TM_COOKIE_OWNER_MASK)
            | (uint64_t) key << TM_COOKIE_SESSION_SHIFT
            | (copy ? TM_COOKIE_COPY : 0)
            | (direction == TM_INGRESS ? TM_COOKIE_INGRESS : 0));
}

/* A session's counters: the vxlan_mirror action's "id", whose packets and
 * bytes "ovs-ofctl dump-vxlan-mirror-stats BRIDGE ID" reads.  The id is
 * derived from the session's id (a hash), so it stays the same from one
 * compilation to the next; two sessions whose hashes collide get the next
 * free values, in the order they are compiled. */
struct tm_counter {
    char *session;              /* Session id. */
    uint32_t id;                /* Never 0. */
};

void tm_flows_init(struct tm_flows *);
void tm_flows_clear(struct tm_flows *);
void tm_flows_destroy(struct tm_flows *);

char *tm_compile(const struct tm_compile_input *,
                 const struct tm_compile_options *, struct tm_flows *)
    OVS_WARN_UNUSED_RESULT;

char *tm_flows_check_resubmits(const struct tm_flows *);

void tm_flow_format(const struct ofputil_flow_mod *, struct ds *);
void tm_flows_format(const struct tm_flows *, struct ds *);
char *tm_compile_format(const struct tm_compile_input *,
                        const struct tm_compile_options *, struct ds *)
    OVS_WARN_UNUSED_RESULT;

/* The copy that a session makes of a packet, as a backend sees it. */
struct tm_copy {
    const struct tm_session *session;
    const char *eni;            /* The source ENI's id. */
    ofp_port_t ofport;          /* The source ENI's port. */
    uint32_t vni;
    struct in6_addr src;        /* Outer source: the source ENI's IP. */
    struct in6_addr dst;        /* Outer destination: the target's IP. */
    uint32_t max_len;           /* Bytes of the frame carried, the
                                 * target's MTU counted; 0: all. */

    struct eth_addr eth_src;    /* The source ENI's MAC, or all-zeros. */
    struct eth_addr eth_dst;    /* The next hop's MAC. */
    uint32_t counter_id;        /* The session's counters (see struct
                                 * tm_counter), for a backend that counts;
                                 * otherwise 0. */
};

/* A way of making the copy: appends to 'ofpacts' the actions that send it,
 * without changing the packet that the actions after them see.  Returns
 * NULL, or a malloc()'d error if it cannot make this copy.
 *
 * A backend whose copy goes on through the bridge's OpenFlow pipeline
 * ('reenters') marks it with the options' copy mark (REGISTER pipelines),
 * and the compiler then adds the flows that keep ovs-tmirror's tables from
 * mirroring a marked packet. */
struct tm_backend {
    const char *name;
    bool reenters;
    bool counts;                /* Uses tm_copy's 'counter_id'. */
    bool meters;                /* Its copies can go through a meter. */
    char *(*put_copy)(const struct tm_copy *,
                      const struct tm_compile_options *,
                      struct ofpbuf *ofpacts);
};

extern const struct tm_backend tm_backend_native;
extern const struct tm_backend tm_backend_vxlan_mirror;

const struct tm_backend *tm_backend_find(const char *name);

/* Which backend the bridge named 'bridge' of the ovs-vswitchd at 'target'
 * (as "ovs-appctl -t" takes it: a daemon name, whose pidfile is looked up
 * in the run directory, or a control socket's path; NULL for
 * "ovs-vswitchd") can use: tm_backend_vxlan_mirror when its datapath has
 * the vxlan_mirror action ("ovs-appctl dpif/show-dp-features BRIDGE" says
 * "VXLAN mirror action: Yes") and it is not turned off at run time
 * ("dpif/set-dp-features BRIDGE vxlan_mirror false"), otherwise
 * tm_backend_native, after logging one line that names the bridge and the
 * reason. */
const struct tm_backend *tm_backend_probe(const char *target,
                                          const char *bridge);

/* The probe itself: returns true if the datapath of 'bridge' has the
 * vxlan_mirror action; otherwise stores in '*why' a malloc()'d sentence
 * saying why it cannot be used (ovs-vswitchd cannot be reached, has no
 * such bridge, or its datapath lacks the action) and returns false. */
bool tm_probe_vxlan_mirror(const char *target, const char *bridge,
                           char **why);

/* How long the probe waits for ovs-vswitchd to connect and to answer each
 * request: TM_PROBE_TIMEOUT_DEFAULT milliseconds unless set (0 or less
 * restores the default).  A daemon that does not answer in time is one
 * that cannot be used. */
#define TM_PROBE_TIMEOUT_DEFAULT 5000
void tm_probe_set_timeout(long long int ms);

/* Port ranges as masked matches: the fewest value/mask prefixes whose
 * union is exactly [from, to] of a 'width'-bit field (1 to 32 bits).
 * 'prefixes' must have room for TM_MAX_PREFIXES(width).  Returns their
 * number. */
struct tm_prefix {
    uint32_t value;
    uint32_t mask;
};
#define TM_MAX_PREFIXES(WIDTH) ((WIDTH) > 1 ? 2 * (WIDTH) - 2 : 1)
#define TM_MAX_PORT_PREFIXES TM_MAX_PREFIXES(16)   /* 30 */
size_t tm_range_to_prefixes(uint32_t from, uint32_t to, unsigned int width,
                            struct tm_prefix *prefixes);

#endif /* tmirror/compile.h */
