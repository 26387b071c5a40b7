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

/* The flow compiler.
 *
 * Table layout
 * ============
 *
 * B is 'table_base' (default 200), R the output register (default reg6).
 * Every flow carries the project's cookie.
 *
 *   entry   NORMAL pipelines only, in 'entry_table' (default 0):
 *           priority=0 actions=resubmit(,B),resubmit(,B+4),NORMAL
 *
 *   B       Egress: packets from a source ENI's port.
 *           priority=200, REGISTER pipelines with a backend whose copy
 *           goes on through the pipeline (vxlan_mirror): a packet with the
 *           copy mark is a mirrored copy, never mirrored again: no action.
 *           priority=10,in_port=P: resubmit(,B+1), P's first session, if
 *           one of P's sessions may accept egress (an "accept" rule of
 *           that direction or amazon-dns); otherwise P's egress has no
 *           flow here or in the slots.
 *
 *   B+1..3  Egress session slots: slot k holds, for every source port, its
 *           k-th active session in ascending session number:
 *           priority=32768, slot 1 only, for every port: the
 *           never-mirrored types (ARP, DHCP and DHCPv6, the metadata
 *           service, Amazon Time Sync, Windows activation): no action, so
 *           nothing is mirrored;
 *           priority=32767: the filter's amazon-dns service, accept;
 *           priority=32767-N: its rule number N of this direction (rules
 *           in ascending number, so the first match decides);
 *           priority=0: no rule matched.
 *           "Accept" makes the copy (the backend's actions inside clone())
 *           and stops; "reject" and "no match" resubmit to the next slot
 *           that P has, or stop.
 *
 *   B+4     REGISTER pipelines: the output stage.  The bridge loads the
 *           port into R and resubmits here for every delivery:
 *           priority=0 actions=resubmit(,B+5),output:R
 *           NORMAL pipelines: where the packet will be delivered: to P
 *           when its destination is P's MAC (priority=10,dl_dst=MAC), to
 *           every source port with a session that may accept ingress
 *           (an accept rule of that direction or amazon-dns) when it is
 *           a broadcast or multicast; for each such P:
 *           load:P->R,resubmit(,B+5).  The broadcast
 *           flow (priority=10,dl_dst=01:00:00:00:00:00/01:...) lists up
 *           to TM_FLOOD_PORTS_PER_FLOW (64) ports.  With more, they are
 *           split into groups G of 64, in input order, and that flow is
 *           load:G+0x10000->R,resubmit(,B+4) for each group instead, the
 *           group's flow being priority=11,R=G+0x10000 with the broadcast
 *           match: no flow outgrows an OpenFlow message, and the nesting
 *           stays 2 deep.  A broadcast still takes one resubmit or more
 *           per port (tm_flows.max_resubmits counts them), and Open
 *           vSwitch drops a packet past TM_OVS_MAX_RESUBMITS.
 *
 *   B+5     Ingress: as B (the copy mark included), dispatching on R=P
 *           instead of in_port=P, and priority=20,in_port=P,R=P: no action
 *           (a packet is never delivered back to its input port).
 *   B+6..8  Ingress session slots, as B+1..3 with R=P.
 *
 * The never-mirrored flows are looked up only by packets that a session
 * may mirror, after the port's dispatch: the fields they match (UDP ports,
 * IP addresses) are then un-wildcarded in the datapath's megaflows only
 * for those packets, not for every packet that crosses the bridge.
 *
 *   B+9     Meters, with session cookies, for the sessions whose copies
 *           are rate limited: "accept" is then clone(push:R,
 *           load:METER->R, resubmit(,B+9)), and B+9 holds per such
 *           session and direction priority=10,R=METER: meter:METER,
 *           pop:R, the copy.  The meter drops copies only.
 *
 * A port range is the fewest prefix (value/mask) matches that cover it
 * exactly, at most 30 for 16 bits.  A rule with both a source and a
 * destination range that need more than one prefix each is one
 * conjunction(id, 1/2) flow per source prefix, one conjunction(id, 2/2) per
 * destination prefix and one conj_id=id flow with the rule's action, so
 * that the flows grow as the sum of the two, not their product.
 *
 * The original packet is never changed: the copy is made inside clone(),
 * and only R (a register, not the packet) is written.  The backends are at
 * the end of this file. */

#include <config.h>

#include "tmirror/compile.h"

#include <string.h>

#include "bitmap.h"
#include "flow.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "sset.h"
#include "tmirror/error.h"
#include "tmirror/evaluate.h"
#include "tmirror/model.h"
#include "util.h"

/* Priorities. */
#define PRI_COPY 200            /* A marked copy: never mirrored again. */
#define PRI_DISPATCH 10         /* Port dispatch. */
#define PRI_HAIRPIN 20          /* Output stage: not delivered. */
#define PRI_FLOOD_GROUP 11      /* NORMAL: a group of the flooded ports. */
#define PRI_SERVICE 32767       /* amazon-dns, above every rule. */
#define PRI_NEVER (PRI_SERVICE + 1) /* Never-mirrored types, above all. */
#define PRI_NO_MATCH 0

static int
rule_priority(const struct tm_rule *rule)
{
    return PRI_SERVICE - rule->number;
}

/* ---- Port ranges. ---- */

/* Stores in 'prefixes' the fewest aligned blocks (a value and a mask of its
 * fixed upper bits) whose union is [from, to] of a 'width'-bit field.
 * Greedy from the bottom: at each step, the largest block that starts at
 * 'from', is aligned to its size and ends by 'to'.  Every block of a
 * minimal cover must start at the first uncovered value and no block can
 * start there and be larger, so the greedy choice is optimal; a range
 * needs at most 2 * width - 2 blocks (1 for width 1). */
size_t
tm_range_to_prefixes(uint32_t from, uint32_t to, unsigned int width,
                     struct tm_prefix *prefixes)
{
    uint64_t field_mask = (UINT64_C(1) << width) - 1;
    uint64_t lo = from;
    uint64_t hi = to;
    size_t n = 0;

    ovs_assert(width >= 1 && width <= 32 && lo <= hi && hi <= field_mask);
    while (lo <= hi) {
        uint64_t size = lo ? lo & -lo : field_mask + 1;

        while (lo + size - 1 > hi) {
            size >>= 1;
        }
        prefixes[n].value = lo;
        prefixes[n].mask = field_mask & ~(size - 1);
        n++;
        lo += size;
    }
    return n;
}

/* ---- Flows. ---- */

void
tm_compile_options_init(struct tm_compile_options *options)
{
    *options = (struct tm_compile_options) {
        .pipeline = TM_PIPELINE_NORMAL,
        .table_base = TM_TABLE_BASE_DEFAULT,
        .entry_table = 0,
        .output_reg = TM_OUTPUT_REG_DEFAULT,
        .tunnel_port = OFPP_NONE,
        .cookie = TM_COOKIE_DEFAULT,
        .backend = &tm_backend_native,
        .router_mac = TM_ROUTER_MAC_DEFAULT,
        .copy_mark_reg = TM_COPY_MARK_REG_DEFAULT,
        .copy_mark_bit = TM_COPY_MARK_BIT_DEFAULT,
        .continue_table = TM_CONTINUE_TABLE_DEFAULT,
    };
}

/* One list of actions, shared by every flow in a struct tm_flows that has
 * them. */
struct shared_actions {
    struct hmap_node node;      /* In struct tm_flows's 'actions', hashed on
                                 * the bytes of the actions. */
    size_t len;
    uint64_t ofpacts[];         /* 'len' bytes of struct ofpact. */
};

void
tm_flows_init(struct tm_flows *flows)
{
    memset(flows, 0, sizeof *flows);
    hmap_init(&flows->actions);
    flows->next_conj_id = 1;
}

/* Returns the copy of the 'len' bytes of actions at 'ofpacts' that 'flows'
 * keeps, made now if 'flows' has none yet. */
static struct ofpact *
share_actions(struct tm_flows *flows, const struct ofpact *ofpacts,
              size_t len)
{
    uint32_t hash;
    struct shared_actions *sa;

    /* Consecutive flows often have the same actions (a rule's flows all
     * have its action). */
    if (len == flows->last_actions_len
        && !memcmp(flows->last_actions, ofpacts, len)) {
        return CONST_CAST(struct ofpact *, flows->last_actions);
    }

    hash = hash_bytes(ofpacts, len, 0);

    HMAP_FOR_EACH_WITH_HASH (sa, node, hash, &flows->actions) {
        if (sa->len == len && !memcmp(sa->ofpacts, ofpacts, len)) {
            goto found;
        }
    }
    sa = xmalloc(sizeof *sa + len);
    sa->len = len;
    memcpy(sa->ofpacts, ofpacts, len);
    hmap_insert(&flows->actions, &sa->node, hash);

found:
    flows->last_actions = sa->ofpacts;
    flows->last_actions_len = len;
    return ALIGNED_CAST(struct ofpact *, sa->ofpacts);
}

/* The blocks that the flows' matches are carved from: kept from one
 * compilation to the next, so that a compilation reuses its predecessor's
 * memory instead of allocating half a million matches one by one. */
#define MATCH_BLOCK_SIZE (1024 * 1024)

/* Returns 'size' bytes (a multiple of 8) of the blocks of 'flows'. */
static void *
alloc_match_data(struct tm_flows *flows, size_t size)
{
    ovs_assert(size <= MATCH_BLOCK_SIZE && !(size % 8));
    if (!flows->n_blocks
        || flows->block_used + size > MATCH_BLOCK_SIZE) {
        if (flows->n_blocks) {
            flows->block++;
        }
        if (flows->block >= flows->n_blocks) {
            flows->blocks = xrealloc(flows->blocks, (flows->block + 1)
                                     * sizeof *flows->blocks);
            flows->blocks[flows->block] = xmalloc(MATCH_BLOCK_SIZE);
            flows->n_blocks = flows->block + 1;
        }
        flows->block_used = 0;
    }

    void *p = (char *) flows->blocks[flows->block] + flows->block_used;
    flows->block_used += size;
    return p;
}

/* Initializes 'dst' to 'src' as minimatch_init() does, out of the blocks
 * of 'flows'. */
static void
flows_minimatch_init(struct tm_flows *flows, struct minimatch *dst,
                     const struct match *src)
{
    struct miniflow map;

    ovs_assert(!src->tun_md.valid);
    miniflow_map_init(&map, &src->wc.masks);

    size_t n_values = miniflow_n_values(&map);
    size_t size = sizeof map + MINIFLOW_VALUES_SIZE(n_values);
    struct miniflow *mf = alloc_match_data(flows, 2 * size);

    dst->flows[0] = mf;
    dst->flows[1] = (struct miniflow *) ((char *) mf + size);
    *dst->flows[0] = map;
    *dst->flows[1] = map;
    miniflow_init(dst->flow, &src->flow);
    minimask_init(dst->mask, &src->wc);
    dst->tun_md = NULL;
}

/* Initializes 'dst' as a copy of 'src' out of the blocks of 'flows'. */
static void
flows_minimatch_clone(struct tm_flows *flows, struct minimatch *dst,
                      const struct minimatch *src)
{
    size_t n_values = miniflow_n_values(src->flow);
    size_t size = sizeof *src->flow + MINIFLOW_VALUES_SIZE(n_values);
    struct miniflow *mf = alloc_match_data(flows, 2 * size);

    memcpy(mf, src->flow, size);
    memcpy((char *) mf + size, src->mask, size);
    dst->flows[0] = mf;
    dst->flows[1] = (struct miniflow *) ((char *) mf + size);
    dst->tun_md = NULL;
}

void
tm_flows_clear(struct tm_flows *flows)
{
    struct shared_actions *sa;

    HMAP_FOR_EACH_POP (sa, node, &flows->actions) {
        free(sa);
    }
    flows->last_actions = NULL;
    flows->last_actions_len = 0;
    flows->block = 0;
    flows->block_used = 0;
    flows->n = 0;
    flows->n_enis = 0;
    flows->n_sessions = 0;
    flows->n_rules = 0;
    flows->max_resubmits = 0;
    flows->next_conj_id = 1;
    for (size_t i = 0; i < flows->n_counters; i++) {
        free(flows->counters[i].session);
    }
    flows->n_counters = 0;
    for (size_t i = 0; i < flows->n_keys; i++) {
        free(flows->keys[i].session);
    }
    flows->n_keys = 0;
}

void
tm_flows_destroy(struct tm_flows *flows)
{
    if (flows) {
        tm_flows_clear(flows);
        free(flows->fms);
        flows->fms = NULL;
        free(flows->eni_of);
        flows->eni_of = NULL;
        flows->allocated = 0;
        free(flows->counters);
        flows->counters = NULL;
        flows->allocated_counters = 0;
        free(flows->keys);
        flows->keys = NULL;
        flows->allocated_keys = 0;
        hmap_destroy(&flows->actions);
        hmap_init(&flows->actions);
        for (size_t i = 0; i < flows->n_blocks; i++) {
            free(flows->blocks[i]);
        }
        free(flows->blocks);
        flows->blocks = NULL;
        flows->n_blocks = 0;
    }
}

/* The ids that struct compiler allocates at a time. */
#define ID_CHUNK 1024

/* What the compiler knows while it works. */
struct compiler {
    const struct tm_compile_input *input;
    const struct tm_compile_options *options;
    struct tm_flows *flows;
    struct ofpbuf ofpacts;
    struct hmap counter_ids;    /* Contains "struct counter_id"s. */
    struct hmap session_keys;   /* Contains "struct counter_id"s. */
    struct counter_id **id_chunks;      /* Where both's ids are carved */
    size_t n_id_chunks;                 /* from, ID_CHUNK at a time. */
    size_t id_chunk_used;
    uint64_t cookie;            /* Of the flows being added. */
    uint32_t next_conj;         /* Session cookies: the session's next
                                 * conjunction, within its key. */
    struct shash addresses_by_session;  /* The input's target addresses */
    struct shash addresses_by_target;   /* for one session or for all. */

    /* NORMAL pipelines: where a broadcast or multicast is delivered. */
    ofp_port_t *flood;          /* The source ports that may mirror
                                 * ingress. */
    size_t n_flood;
    size_t flood_resubmits;     /* The most that their slots take. */
    size_t max_egress_resubmits;        /* The most from one source port. */

    bool shared;                /* Compile the shared flows? */
    size_t eni;                 /* Index in the input's 'enis' of the ENI
                                 * whose own flows are being added, or
                                 * SIZE_MAX for shared flows. */
};

/* An id given to a session, in struct compiler's 'counter_ids' or
 * 'session_keys'. */
struct counter_id {
    struct hmap_node node;      /* Hashed on 'id'. */
    uint32_t id;
};

static bool
id_is_used(const struct hmap *ids, uint32_t id)
{
    const struct counter_id *cid;

    HMAP_FOR_EACH_WITH_HASH (cid, node, hash_int(id, 0), ids) {
        if (cid->id == id) {
            return true;
        }
    }
    return false;
}

/* Returns the hash of 'session''s id within 'mask', or the next value
 * within 'mask' that is free in 'ids' and not 0, and adds it to 'ids'. */
static uint32_t
assign_id(struct compiler *c, struct hmap *ids,
          const struct tm_session *session, uint32_t mask)
{
    uint32_t id = hash_string(session->id, 0) & mask;
    struct counter_id *cid;

    while (!id || id_is_used(ids, id)) {
        id = (id + 1) & mask;
    }
    if (!c->n_id_chunks || c->id_chunk_used >= ID_CHUNK) {
        c->id_chunks = xrealloc(c->id_chunks, (c->n_id_chunks + 1)
                                * sizeof *c->id_chunks);
        c->id_chunks[c->n_id_chunks++] = xmalloc(ID_CHUNK
                                                 * sizeof **c->id_chunks);
        c->id_chunk_used = 0;
    }
    cid = &c->id_chunks[c->n_id_chunks - 1][c->id_chunk_used++];
    cid->id = id;
    hmap_insert(ids, &cid->node, hash_int(id, 0));
    return id;
}

static void
destroy_ids(struct compiler *c)
{
    hmap_destroy(&c->counter_ids);
    hmap_destroy(&c->session_keys);
    for (size_t i = 0; i < c->n_id_chunks; i++) {
        free(c->id_chunks[i]);
    }
    free(c->id_chunks);
}

/* Gives 'session' the key of its cookies (see tm_session_cookie()) and,
 * if 'record', records it in 'c->flows'.  Returns the key. */
static uint32_t
assign_session_key(struct compiler *c, const struct tm_session *session,
                   bool record)
{
    struct tm_flows *flows = c->flows;
    uint32_t key = assign_id(c, &c->session_keys, session,
                             TM_COOKIE_SESSION_MAX);

    if (!record) {
        return key;
    }
    if (flows->n_keys >= flows->allocated_keys) {
        flows->keys = x2nrealloc(flows->keys, &flows->allocated_keys,
                                 sizeof *flows->keys);
    }
    flows->keys[flows->n_keys++] = (struct tm_session_key) {
        .session = xstrdup(session->id),
        .key = key,
    };
    return key;
}

/* Gives 'session' its counters' id (see struct tm_counter): the hash of its
 * id, or the next value that is free and not 0; records it in 'c->flows'
 * if 'record'.  Returns the id. */
static uint32_t
assign_counter_id(struct compiler *c, const struct tm_session *session,
                  bool record)
{
    struct tm_flows *flows = c->flows;
    uint32_t id = assign_id(c, &c->counter_ids, session, UINT32_MAX);

    if (!record) {
        return id;
    }
    if (flows->n_counters >= flows->allocated_counters) {
        flows->counters = x2nrealloc(flows->counters,
                                     &flows->allocated_counters,
                                     sizeof *flows->counters);
    }
    flows->counters[flows->n_counters++] = (struct tm_counter) {
        .session = xstrdup(session->id),
        .id = id,
    };
    return id;
}

static const struct mf_field *
output_reg_field(const struct compiler *c)
{
    return mf_from_id(MFF_REG0 + c->options->output_reg);
}

/* Adds a flow with the actions in 'c->ofpacts' to 'table_id', and clears
 * 'c->ofpacts'.  The caller initializes its match. */
static struct ofputil_flow_mod *
add_flow_mod(struct compiler *c, uint8_t table_id, int priority)
{
    struct tm_flows *flows = c->flows;

    if (flows->n >= flows->allocated) {
        flows->fms = x2nrealloc(flows->fms, &flows->allocated,
                                sizeof *flows->fms);
        flows->eni_of = xrealloc(flows->eni_of, flows->allocated
                                 * sizeof *flows->eni_of);
    }
    flows->eni_of[flows->n] = c->eni;

    struct ofputil_flow_mod *fm = &flows->fms[flows->n++];
    *fm = (struct ofputil_flow_mod) {
        .priority = priority,
        .new_cookie = htonll(c->cookie),
        .table_id = table_id,
        .command = OFPFC_ADD,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = (c->ofpacts.size
                    ? share_actions(flows, c->ofpacts.data, c->ofpacts.size)
                    : NULL),
        .ofpacts_len = c->ofpacts.size,
    };
    ofpbuf_clear(&c->ofpacts);
    return fm;
}

/* Adds a flow with 'match' (which it may normalize) and the actions in
 * 'c->ofpacts' to 'table_id', and clears 'c->ofpacts'.  Returns its
 * match. */
static const struct minimatch *
add_flow__(struct compiler *c, uint8_t table_id, int priority,
           struct match *match)
{
    struct ofputil_flow_mod *fm = add_flow_mod(c, table_id, priority);

    /* As Open vSwitch's own parser does: a match on an Ethernet field is
     * a match on Ethernet packets. */
    if (match->wc.masks.dl_type
        || !eth_addr_is_zero(match->wc.masks.dl_dst)
        || !eth_addr_is_zero(match->wc.masks.dl_src)) {
        match_set_default_packet_type(match);
    }
    flows_minimatch_init(c->flows, &fm->match, match);
    return &fm->match;
}

/* The match of a rule's flow that the rule's next flows copy, as they
 * differ only in the transport ports. */
struct port_template {
    struct minimatch match;     /* Null 'flow' until there is one. */
    size_t ports;               /* The index of the word of the ports among
                                 * the values of 'match' (the same in its
                                 * flow and mask), or SIZE_MAX if its mask
                                 * has no port. */
};

/* Makes the match of the flow just added, 'm', the template 't'. */
static void
set_port_template(struct port_template *t, const struct minimatch *m)
{
    size_t idx = FLOW_U64_OFFSET(tp_src);

    BUILD_ASSERT_DECL(FLOW_U64_OFFSET(tp_src) == FLOW_U64_OFFSET(tp_dst));
    t->match = *m;
    t->ports = (MINIFLOW_IN_MAP(&m->mask->masks, idx)
                ? miniflow_get__(m->flow, idx) - miniflow_get_values(m->flow)
                : SIZE_MAX);
}

/* Whether a flow with the match of 't' but for its port prefixes can be
 * made by add_flow_ports() from 't': its mask has the word of the
 * transport ports (some port is matched there), and would keep it. */
static bool
can_patch_ports(const struct port_template *t, const struct tm_prefix *src,
                const struct tm_prefix *dst)
{
    return (t->match.flow && t->ports != SIZE_MAX
            && ((src && src->mask) || (dst && dst->mask)));
}

/* Adds a flow with the actions in 'c->ofpacts' to 'table_id' whose match
 * is 't''s but for the transport ports: 'src' and 'dst' (NULL: any), so
 * that only the word of the ports is written, not the whole match built
 * and compressed again (a rule's flows differ only there).  The caller
 * has checked can_patch_ports(). */
static void
add_flow_ports(struct compiler *c, enum tm_table table, int priority,
               const struct port_template *t, const struct tm_prefix *src,
               const struct tm_prefix *dst)
{
    struct ofputil_flow_mod *fm = add_flow_mod(c, c->options->table_base
                                               + table, priority);
    struct minimatch *m = &fm->match;
    size_t s = FLOW_U64_OFFREM(tp_src) / sizeof(ovs_be16);
    size_t d = FLOW_U64_OFFREM(tp_dst) / sizeof(ovs_be16);

    flows_minimatch_clone(c->flows, m, &t->match);

    ovs_be16 *value = ALIGNED_CAST(ovs_be16 *,
                                   miniflow_values(m->flow) + t->ports);
    ovs_be16 *mask = ALIGNED_CAST(ovs_be16 *,
                                  miniflow_values(&m->mask->masks)
                                  + t->ports);
    mask[s] = htons(src ? src->mask : 0);
    value[s] = htons(src ? src->value & src->mask : 0);
    mask[d] = htons(dst ? dst->mask : 0);
    value[d] = htons(dst ? dst->value & dst->mask : 0);
}

static const struct minimatch *
add_flow(struct compiler *c, enum tm_table table, int priority,
         struct match *match)
{
    return add_flow__(c, c->options->table_base + table, priority, match);
}

static void
put_resubmit(struct compiler *c, enum tm_table table)
{
    struct ofpact_resubmit *resubmit = ofpact_put_RESUBMIT(&c->ofpacts);

    resubmit->in_port = OFPP_IN_PORT;
    resubmit->table_id = c->options->table_base + table;
}

static void
put_load_output_reg(struct compiler *c, ofp_port_t port)
{
    ovs_be32 value = htonl(ofp_to_u16(port));

    ofpact_put_reg_load(&c->ofpacts, output_reg_field(c), &value, NULL);
}

/* Sets 'match' to packets of 'direction' at 'port': from it (egress) or
 * with it in the output register (ingress). */
static void
match_port(const struct compiler *c, struct match *match,
           enum tm_direction direction, ofp_port_t port)
{
    match_init_catchall(match);
    if (direction == TM_EGRESS) {
        match_set_in_port(match, port);
    } else {
        match_set_reg(match, c->options->output_reg, ofp_to_u16(port));
    }
}

static void
match_set_ip_src(struct match *match, const struct in6_addr *addr,
                 const struct in6_addr *mask)
{
    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        match_set_nw_src_masked(match, in6_addr_get_mapped_ipv4(addr),
                                in6_addr_get_mapped_ipv4(mask));
    } else {
        match_set_ipv6_src_masked(match, addr, mask);
    }
}

static void
match_set_ip_dst(struct match *match, const struct in6_addr *addr,
                 const struct in6_addr *mask)
{
    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        match_set_nw_dst_masked(match, in6_addr_get_mapped_ipv4(addr),
                                in6_addr_get_mapped_ipv4(mask));
    } else {
        match_set_ipv6_dst_masked(match, addr, mask);
    }
}

static struct in6_addr
host_mask(const struct in6_addr *addr)
{
    return (IN6_IS_ADDR_V4MAPPED(addr) ? in6_addr_mapped_ipv4(OVS_BE32_MAX)
            : in6addr_exact);
}

static struct in6_addr
cidr_mask(const struct tm_cidr *cidr)
{
    return (cidr->ipv4 ? in6_addr_mapped_ipv4(be32_prefix_mask(cidr->plen))
            : ipv6_create_mask(cidr->plen));
}

/* ---- Never-mirrored traffic (Documentation/semantics.rst). ---- */

/* Adds flows to 'table' that stop packets with either address 'addr'. */
static void
add_never_addr(struct compiler *c, enum tm_table table,
               const struct in6_addr *addr)
{
    struct in6_addr mask = host_mask(addr);
    uint16_t dl_type = (IN6_IS_ADDR_V4MAPPED(addr) ? ETH_TYPE_IP
                        : ETH_TYPE_IPV6);
    struct match match;

    match_init_catchall(&match);
    match_set_dl_type(&match, htons(dl_type));
    match_set_ip_src(&match, addr, &mask);
    add_flow(c, table, PRI_NEVER, &match);

    match_init_catchall(&match);
    match_set_dl_type(&match, htons(dl_type));
    match_set_ip_dst(&match, addr, &mask);
    add_flow(c, table, PRI_NEVER, &match);
}

static void
add_never_mirrored(struct compiler *c, enum tm_table table)
{
    static const uint16_t dl_types[] = { ETH_TYPE_IP, ETH_TYPE_IPV6 };
    static const uint16_t dhcp[] = { 67, 68 };
    struct match match;

    /* ARP. */
    match_init_catchall(&match);
    match_set_dl_type(&match, htons(ETH_TYPE_ARP));
    add_flow(c, table, PRI_NEVER, &match);

    /* DHCP (both ports 67 or 68) and DHCPv6 (both ports 546 or 547, which
     * one mask covers), over IPv4 or IPv6 alike, as tm_never_mirrored()
     * decides. */
    for (size_t i = 0; i < ARRAY_SIZE(dl_types); i++) {
        for (size_t j = 0; j < 4; j++) {
            match_init_catchall(&match);
            match_set_dl_type(&match, htons(dl_types[i]));
            match_set_nw_proto(&match, IPPROTO_UDP);
            match_set_tp_src(&match, htons(dhcp[j / 2]));
            match_set_tp_dst(&match, htons(dhcp[j % 2]));
            add_flow(c, table, PRI_NEVER, &match);
        }
        match_init_catchall(&match);
        match_set_dl_type(&match, htons(dl_types[i]));
        match_set_nw_proto(&match, IPPROTO_UDP);
        match_set_tp_src_masked(&match, htons(546), htons(0xfffe));
        match_set_tp_dst_masked(&match, htons(546), htons(0xfffe));
        add_flow(c, table, PRI_NEVER, &match);
    }

    /* The instance metadata service and Amazon Time Sync, IPv4 and IPv6. */
    struct in6_addr addrs[] = {
        in6_addr_mapped_ipv4(htonl(TM_AWS_METADATA_IPV4)),
        tm_aws_ipv6(TM_AWS_METADATA_IPV6),
        in6_addr_mapped_ipv4(htonl(TM_AWS_NTP_IPV4)),
        tm_aws_ipv6(TM_AWS_NTP_IPV6),
    };
    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        add_never_addr(c, table, &addrs[i]);
    }

    /* Windows activation: its TCP port either way, with either of its two
     * addresses (one /31). */
    BUILD_ASSERT_DECL(!(TM_AWS_KMS_IPV4 & 1));
    for (int port_side = 0; port_side < 2; port_side++) {
        for (int addr_side = 0; addr_side < 2; addr_side++) {
            ovs_be32 kms = htonl(TM_AWS_KMS_IPV4);
            ovs_be32 mask = be32_prefix_mask(31);

            match_init_catchall(&match);
            match_set_dl_type(&match, htons(ETH_TYPE_IP));
            match_set_nw_proto(&match, IPPROTO_TCP);
            if (port_side) {
                match_set_tp_dst(&match, htons(TM_AWS_KMS_PORT));
            } else {
                match_set_tp_src(&match, htons(TM_AWS_KMS_PORT));
            }
            if (addr_side) {
                match_set_nw_dst_masked(&match, kms, mask);
            } else {
                match_set_nw_src_masked(&match, kms, mask);
            }
            add_flow(c, table, PRI_NEVER, &match);
        }
    }
}

/* ---- Sessions. ---- */

static void finish_clone(struct ofpbuf *, size_t ofs);

/* A source ENI's active sessions, as the compiler uses them. */
struct slot {
    const struct tm_session *session;
    const struct tm_eni_location *loc;  /* Where the source ENI is. */
    struct in6_addr src;        /* Outer source. */
    struct in6_addr dst;        /* Outer destination. */
    struct eth_addr eth_dst;    /* Next hop (vxlan_mirror). */
    uint32_t counter_id;        /* 0 if the backend does not count. */
    uint32_t key;               /* Key of its cookies, 0 without session
                                 * cookies. */
    bool metered;               /* Copies through its meters. */
    struct ofpact *copy;        /* The backend's actions, made once. */
    size_t copy_len;
};

static void
free_slots(struct slot *slots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(slots[i].copy);
        slots[i].copy = NULL;
    }
}

/* Can the copy in 's' be metered?  It must be one clone() whose first
 * action cannot be undone (see put_slot_copy()): the vxlan_mirror
 * backend's copy is. */
static bool
copy_is_meterable(const struct slot *s)
{
    const struct ofpact_nest *clone;

    if (s->copy_len < sizeof *clone
        || s->copy->type != OFPACT_CLONE
        || OFPACT_ALIGN(s->copy->len) != s->copy_len) {
        return false;
    }
    clone = ALIGNED_CAST(const struct ofpact_nest *, s->copy);
    return (ofpact_nest_get_action_len(clone)
            && clone->actions[0].type == OFPACT_VXLAN_MIRROR);
}

static const struct ofpact *
copy_first_action(const struct slot *s)
{
    return ALIGNED_CAST(const struct ofpact_nest *, s->copy)->actions;
}

/* Appends to 'c->ofpacts' the copy that 's' makes. */
static void
put_slot_copy(struct compiler *c, const struct slot *s,
              enum tm_direction direction)
{
    if (s->metered) {
        /* clone(A, push:R, load:METER->R, resubmit(,METER table)), where
         * A is the copy's first action (vxlan_mirror); the meter flow
         * there takes R back and does the rest of the copy.  A clone
         * whose actions can all be undone is translated without a
         * datapath clone, and a meter in it would drop the original too:
         * A cannot be undone, so the meter drops only the copy. */
        const struct mf_field *reg = output_reg_field(c);
        struct mf_subfield sf = { .field = reg, .ofs = 0, .n_bits = 32 };
        ovs_be32 meter = htonl(tm_session_meter(s->key, direction));
        const struct ofpact *first = copy_first_action(s);
        size_t ofs = c->ofpacts.size;

        ofpact_put_CLONE(&c->ofpacts);
        ofpbuf_put(&c->ofpacts, first, OFPACT_ALIGN(first->len));
        ofpact_put_STACK_PUSH(&c->ofpacts)->subfield = sf;
        ofpact_put_reg_load(&c->ofpacts, reg, &meter, NULL);
        put_resubmit(c, TM_TABLE_METER);
        finish_clone(&c->ofpacts, ofs);
    } else {
        ofpbuf_put(&c->ofpacts, s->copy, s->copy_len);
    }
}

/* Sets the cookie of the flows added next to those of the session in 's',
 * for 'direction', and to those that make a copy if 'copy'. */
static void
set_session_cookie(struct compiler *c, const struct slot *s,
                   enum tm_direction direction, bool copy)
{
    c->cookie = (s->key
                 ? tm_session_cookie(c->options->cookie, s->key, direction,
                                     copy)
                 : c->options->cookie);
}

/* Adds the flows of the meter table for the metered sessions in 'slots':
 * per direction, R=METER: meter:METER, pop:R, the copy's actions after its
 * first. */
static void
add_meter_flows(struct compiler *c, const struct slot *slots, size_t n)
{
    const struct mf_field *reg = output_reg_field(c);
    struct mf_subfield sf = { .field = reg, .ofs = 0, .n_bits = 32 };

    for (size_t i = 0; i < n; i++) {
        const struct slot *s = &slots[i];

        for (int d = 0; s->metered && d < TM_N_DIRECTIONS; d++) {
            uint32_t meter = tm_session_meter(s->key, d);
            struct match match;

            match_init_catchall(&match);
            match_set_reg(&match, c->options->output_reg, meter);
            const struct ofpact *first = copy_first_action(s);
            const struct ofpact_nest *clone = ALIGNED_CAST(
                const struct ofpact_nest *, s->copy);
            const uint8_t *rest = ((const uint8_t *) first
                                   + OFPACT_ALIGN(first->len));
            const uint8_t *end = ((const uint8_t *) clone->actions
                                  + ofpact_nest_get_action_len(clone));

            ofpact_put_METER(&c->ofpacts)->meter_id = meter;
            ofpact_put_STACK_POP(&c->ofpacts)->subfield = sf;
            ofpbuf_put(&c->ofpacts, rest, end - rest);
            set_session_cookie(c, s, d, false);
            add_flow(c, TM_TABLE_METER, PRI_DISPATCH, &match);
            c->cookie = c->options->cookie;
        }
    }
}

static enum tm_table
session_table(enum tm_direction direction, size_t slot)
{
    return (direction == TM_EGRESS ? TM_TABLE_EGRESS_SESSION
            : TM_TABLE_INGRESS_SESSION) + slot;
}

/* Appends to 'c->ofpacts' what follows a reject or no match in slot
 * 'slot' of 'n_slots': the next slot, if there is one. */
static void
put_next_slot(struct compiler *c, enum tm_direction direction, size_t slot,
              size_t n_slots)
{
    if (slot + 1 < n_slots) {
        put_resubmit(c, session_table(direction, slot + 1));
    }
}

static char * OVS_WARN_UNUSED_RESULT
put_copy(struct compiler *c, const struct slot *s)
{
    const struct tm_model *model = c->input->model;
    const struct tm_session *session = s->session;
    uint32_t carried = tm_carried_length(model, session, UINT32_MAX);
    struct tm_copy copy = {
        .session = session,
        .eni = s->loc->eni,
        .ofport = s->loc->ofport,
        .vni = session->vni,
        .src = s->src,
        .dst = s->dst,
        .max_len = carried == UINT32_MAX ? 0 : carried,
        .eth_src = s->loc->mac,
        .eth_dst = s->eth_dst,
        .counter_id = s->counter_id,
    };

    /* tm_check_copy() has made sure that 'carried' is at least
     * TM_MIN_CARRIED_LENGTH. */
    ovs_assert(carried >= TM_MIN_CARRIED_LENGTH);
    return c->options->backend->put_copy(&copy, c->options, &c->ofpacts);
}

/* Puts the actions for 'action' of the rule in slot 'slot' into
 * 'c->ofpacts'. */
static void
put_rule_action(struct compiler *c, enum tm_rule_action action,
                enum tm_direction direction, const struct slot *slots,
                size_t slot, size_t n_slots)
{
    if (action == TM_ACCEPT) {
        put_slot_copy(c, &slots[slot], direction);
    } else {
        put_next_slot(c, direction, slot, n_slots);
    }
}

/* Adds the amazon-dns flows of 'eni' at 'port' to slot 'slot'. */
static void
add_service_flows(struct compiler *c, const struct tm_eni *eni,
                  enum tm_direction direction, ofp_port_t port,
                  const struct slot *slots, size_t slot)
{
    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
    uint32_t vpc_resolver = tm_vpc_resolver_ipv4(eni);
    struct in6_addr addrs[3];
    size_t n_addrs = 0;

    if (vpc_resolver != TM_AWS_DNS_IPV4) {
        addrs[n_addrs++] = in6_addr_mapped_ipv4(htonl(vpc_resolver));
    }
    addrs[n_addrs++] = in6_addr_mapped_ipv4(htonl(TM_AWS_DNS_IPV4));
    addrs[n_addrs++] = tm_aws_ipv6(TM_AWS_DNS_IPV6);

    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        for (size_t j = 0; j < n_addrs; j++) {
            struct in6_addr mask = host_mask(&addrs[j]);
            uint16_t dl_type = (IN6_IS_ADDR_V4MAPPED(&addrs[j])
                                ? ETH_TYPE_IP : ETH_TYPE_IPV6);

            for (int to = 0; to < 2; to++) {
                struct match match;

                match_port(c, &match, direction, port);
                match_set_dl_type(&match, htons(dl_type));
                match_set_nw_proto(&match, protos[i]);
                if (to) {
                    match_set_ip_dst(&match, &addrs[j], &mask);
                    match_set_tp_dst(&match, htons(TM_AWS_DNS_PORT));
                } else {
                    match_set_ip_src(&match, &addrs[j], &mask);
                    match_set_tp_src(&match, htons(TM_AWS_DNS_PORT));
                }
                put_slot_copy(c, &slots[slot], direction);
                set_session_cookie(c, &slots[slot], direction, true);
                add_flow(c, session_table(direction, slot), PRI_SERVICE,
                         &match);
            }
        }
    }
}

/* Sets 'match' to what 'rule' matches, ports aside. */
static void
match_rule(const struct tm_rule *rule, struct match *match)
{
    struct in6_addr src_mask = cidr_mask(&rule->src);
    struct in6_addr dst_mask = cidr_mask(&rule->dst);

    match_set_dl_type(match, htons(rule->src.ipv4 ? ETH_TYPE_IP
                                   : ETH_TYPE_IPV6));
    if (rule->protocol != TM_PROTO_ALL) {
        match_set_nw_proto(match, rule->protocol);
    }
    if (rule->src.plen) {
        match_set_ip_src(match, &rule->src.addr, &src_mask);
    }
    if (rule->dst.plen) {
        match_set_ip_dst(match, &rule->dst.addr, &dst_mask);
    }
}

static size_t
rule_prefixes(bool has_ports, const struct tm_port_range *range,
              struct tm_prefix *prefixes)
{
    if (!has_ports) {
        return 0;
    }
    return tm_range_to_prefixes(range->from, range->to, 16, prefixes);
}

static void
match_set_port_prefix(struct match *match, bool dst,
                      const struct tm_prefix *prefix)
{
    if (prefix->mask == 0) {
        /* 0-65535: no constraint beyond the protocol. */
    } else if (dst) {
        match_set_tp_dst_masked(match, htons(prefix->value),
                                htons(prefix->mask));
    } else {
        match_set_tp_src_masked(match, htons(prefix->value),
                                htons(prefix->mask));
    }
}

/* Adds a flow with the actions in 'c->ofpacts' to 'table' that matches
 * 'base' and the port prefixes 'src' and 'dst' (NULL: any port), by
 * patching '*tmpl' when it can, otherwise from 'base'; then '*tmpl' is the
 * new flow's match. */
static void
add_port_flow(struct compiler *c, enum tm_table table, int priority,
              struct match *base, struct port_template *tmpl,
              const struct tm_prefix *src, const struct tm_prefix *dst)
{
    if (can_patch_ports(tmpl, src, dst)) {
        add_flow_ports(c, table, priority, tmpl, src, dst);
    } else {
        /* 'base' itself with the ports, which are then put back as they
         * were (a struct match is large to copy). */
        ovs_be16 tp_src = base->flow.tp_src;
        ovs_be16 tp_dst = base->flow.tp_dst;
        ovs_be16 tp_src_mask = base->wc.masks.tp_src;
        ovs_be16 tp_dst_mask = base->wc.masks.tp_dst;

        if (src) {
            match_set_port_prefix(base, false, src);
        }
        if (dst) {
            match_set_port_prefix(base, true, dst);
        }
        set_port_template(tmpl, add_flow(c, table, priority, base));
        base->flow.tp_src = tp_src;
        base->flow.tp_dst = tp_dst;
        base->wc.masks.tp_src = tp_src_mask;
        base->wc.masks.tp_dst = tp_dst_mask;
    }
}

/* Adds the flows of 'rule' for 'port' to slot 'slot'. */
static void
add_rule_flows(struct compiler *c, const struct tm_rule *rule,
               enum tm_direction direction, ofp_port_t port,
               const struct slot *slots, size_t slot, size_t n_slots)
{
    struct tm_prefix src[TM_MAX_PORT_PREFIXES], dst[TM_MAX_PORT_PREFIXES];
    size_t n_src = rule_prefixes(rule->has_src_ports, &rule->src_ports, src);
    size_t n_dst = rule_prefixes(rule->has_dst_ports, &rule->dst_ports, dst);
    enum tm_table table = session_table(direction, slot);
    int priority = rule_priority(rule);
    struct port_template tmpl = { .match = { .flows = { NULL, NULL } } };
    struct match base;

    match_port(c, &base, direction, port);
    match_rule(rule, &base);

    if (n_src > 1 && n_dst > 1 && n_src * n_dst > n_src + n_dst + 1) {
        /* Conjunctive match: one flow per prefix of each side, and one
         * that acts when both sides matched. */
        uint32_t id;

        if (slots[slot].key) {
            /* Session cookies: the conjunction's id is the session's, so
             * that no other session's flows change with it. */
            ovs_assert(c->next_conj < 128);
            id = (slots[slot].key << 8) | (direction == TM_INGRESS) << 7
                 | c->next_conj++;
        } else {
            id = c->flows->next_conj_id++;
        }
        set_session_cookie(c, &slots[slot], direction, false);

        for (int side = 0; side < 2; side++) {
            const struct tm_prefix *prefixes = side ? dst : src;
            size_t n = side ? n_dst : n_src;

            for (size_t i = 0; i < n; i++) {
                const struct tm_prefix *sp = side ? NULL : &prefixes[i];
                const struct tm_prefix *dp = side ? &prefixes[i] : NULL;
                struct ofpact_conjunction *conj;

                conj = ofpact_put_CONJUNCTION(&c->ofpacts);
                conj->id = id;
                conj->clause = side;
                conj->n_clauses = 2;
                add_port_flow(c, table, priority, &base, &tmpl, sp, dp);
            }
        }

        match_set_conj_id(&base, id);
        put_rule_action(c, rule->action, direction, slots, slot, n_slots);
        set_session_cookie(c, &slots[slot], direction,
                           rule->action == TM_ACCEPT);
        add_flow(c, table, priority, &base);
        return;
    }

    set_session_cookie(c, &slots[slot], direction,
                       rule->action == TM_ACCEPT);
    /* The product of the two sides (each side at least one flow). */
    for (size_t i = 0; i < MAX(n_src, 1); i++) {
        for (size_t j = 0; j < MAX(n_dst, 1); j++) {
            put_rule_action(c, rule->action, direction, slots, slot,
                            n_slots);
            add_port_flow(c, table, priority, &base, &tmpl,
                          n_src ? &src[i] : NULL, n_dst ? &dst[j] : NULL);
        }
    }
}

static const struct tm_target_address *
find_target_address(const struct compiler *c,
                    const struct tm_session *session)
{
    const struct tm_target_address *a;

    a = shash_find_data(&c->addresses_by_session, session->id);
    if (a && !strcmp(a->target, session->target_id)) {
        return a;
    }
    return shash_find_data(&c->addresses_by_target, session->target_id);
}

/* Indexes the input's target addresses, so that each session finds its
 * own in constant time: the first one given for the session, else the last
 * one given for all of its target's sessions. */
static void
index_target_addresses(struct compiler *c)
{
    const struct tm_compile_input *input = c->input;

    for (size_t i = 0; i < input->n_targets; i++) {
        const struct tm_target_address *a = &input->targets[i];

        if (a->session) {
            shash_add_once(&c->addresses_by_session, a->session, a);
        } else {
            shash_replace(&c->addresses_by_target, a->target, a);
        }
    }
}

/* Is 'session' one of those that the compiler compiles? */
static bool
session_is_compiled(const struct compiler *c,
                    const struct tm_session *session)
{
    return (session->status == TM_SESSION_ACTIVE && session->target
            && !(c->input->excluded_sessions
                 && sset_contains(c->input->excluded_sessions,
                                  session->id)));
}

/* Fills in 'slots' with the active sessions of 'loc', in ascending session
 * number, their outer addresses and the copy each makes.  Stores their
 * number in '*n', also after an error; the caller frees them with
 * free_slots(). */
static char * OVS_WARN_UNUSED_RESULT
collect_slots(struct compiler *c, const struct tm_eni_location *loc,
              const struct tm_eni *eni, struct slot *slots, size_t *n)
{
    const struct tm_model *model = c->input->model;
    struct tm_session *const *sessions;
    size_t n_sessions = tm_model_sessions_of_eni(model, loc->eni, &sessions);

    *n = 0;
    for (size_t i = 0; i < n_sessions; i++) {
        const struct tm_session *session = sessions[i];
        const struct tm_target_address *address;
        struct slot *s;

        if (!session_is_compiled(c, session)) {
            continue;
        }
        ovs_assert(*n < TM_MAX_SESSIONS_PER_ENI);
        s = &slots[(*n)++];
        s->copy = NULL;
        s->session = session;
        s->loc = loc;
        s->src = ipv6_addr_is_set(&loc->ip) ? loc->ip : eni->ip;

        address = find_target_address(c, session);
        s->eth_dst = (address && !eth_addr_is_zero(address->mac)
                      ? address->mac : c->options->router_mac);
        if (address && ipv6_addr_is_set(&address->ip)) {
            s->dst = address->ip;
        } else if (session->target->type == TM_TARGET_ENI
                   && tm_model_find_eni(model, session->target->resource)) {
            s->dst = tm_model_find_eni(model, session->target->resource)->ip;
        } else {
            return xasprintf("session %s: no address for target %s (a "
                             "load balancer's address must be given)",
                             session->id, session->target_id);
        }
        /* The rule that the simulator's check applies too, so that a
         * session it finds valid always compiles. */
        struct tm_error *e = tm_check_copy(model, session, &s->src, &s->dst);
        if (e) {
            char *msg = tm_error_to_string(e);
            char *error = xasprintf("session %s: %s", session->id, msg);

            free(msg);
            tm_error_destroy(e);
            return error;
        }

        s->counter_id = (c->options->backend->counts
                         ? assign_counter_id(c, session, true) : 0);
        s->key = (c->options->session_cookies
                  ? assign_session_key(c, session, true) : 0);
        s->metered = (s->key && c->input->metered_sessions
                      && sset_contains(c->input->metered_sessions,
                                       session->id));

        /* The copy, made once for all of the session's flows, and even if
         * no rule accepts anything, so that a copy that the backend cannot
         * make is always an error. */
        char *error = put_copy(c, s);
        if (error) {
            ofpbuf_clear(&c->ofpacts);
            return error;
        }
        s->copy_len = c->ofpacts.size;
        s->copy = xmemdup(c->ofpacts.data, c->ofpacts.size);
        ofpbuf_clear(&c->ofpacts);
        s->metered = s->metered && copy_is_meterable(s);
        ovs_assert(!s->metered || c->options->backend->meters);
    }
    return NULL;
}

/* Compiles the sessions of the ENI at 'loc' for 'direction'. */
static void
compile_direction(struct compiler *c, const struct tm_eni_location *loc,
                  const struct tm_eni *eni, const struct slot *slots,
                  size_t n_slots, enum tm_direction direction)
{
    struct match match;

    match_port(c, &match, direction, loc->ofport);
    put_resubmit(c, session_table(direction, 0));
    add_flow(c, direction == TM_EGRESS ? TM_TABLE_EGRESS : TM_TABLE_INGRESS,
             PRI_DISPATCH, &match);

    for (size_t i = 0; i < n_slots; i++) {
        const struct tm_filter *filter = slots[i].session->filter;

        c->next_conj = 0;
        if (filter->amazon_dns) {
            add_service_flows(c, eni, direction, loc->ofport, slots, i);
        }
        for (size_t j = 0; j < filter->n_rules[direction]; j++) {
            add_rule_flows(c, filter->rules[direction][j], direction,
                           loc->ofport, slots, i, n_slots);
            c->flows->n_rules++;
        }
        if (i + 1 < n_slots) {
            match_port(c, &match, direction, loc->ofport);
            put_next_slot(c, direction, i, n_slots);
            set_session_cookie(c, &slots[i], direction, false);
            add_flow(c, session_table(direction, i), PRI_NO_MATCH, &match);
        }
        c->cookie = c->options->cookie;
    }
}

/* Returns true if 'filter' may accept a packet of 'direction': with an
 * "accept" rule of that direction or the amazon-dns service. */
static bool
filter_may_accept(const struct tm_filter *filter,
                  enum tm_direction direction)
{
    if (filter->amazon_dns) {
        return true;
    }
    for (size_t i = 0; i < filter->n_rules[direction]; i++) {
        if (filter->rules[direction][i]->action == TM_ACCEPT) {
            return true;
        }
    }
    return false;
}

/* Returns true if a session in 'slots' may accept a packet of 'direction'.
 * When none may, the ENI's packets of that direction are not even
 * dispatched to its slots, so that they meet no match beyond their port:
 * the datapath's megaflows for them keep every other field wildcarded. */
static bool
may_accept(const struct slot *slots, size_t n_slots,
           enum tm_direction direction)
{
    for (size_t i = 0; i < n_slots; i++) {
        if (filter_may_accept(slots[i].session->filter, direction)) {
            return true;
        }
    }
    return false;
}

/* Counts the rules of 'direction' of the sessions in 'slots' as compiled,
 * for a direction that needs no flows. */
static void
count_rules(struct compiler *c, const struct slot *slots, size_t n_slots,
            enum tm_direction direction)
{
    for (size_t i = 0; i < n_slots; i++) {
        c->flows->n_rules += slots[i].session->filter->n_rules[direction];
    }
}

/* Sets 'match' to the packets that carry the copy mark. */
static void
match_copy_mark(const struct compiler *c, struct match *match)
{
    uint32_t bit = UINT32_C(1) << c->options->copy_mark_bit;

    match_init_catchall(match);
    match_set_reg_masked(match, c->options->copy_mark_reg, bit, bit);
}

static void
add_stage_flows(struct compiler *c, const struct tm_eni_location **sources,
                size_t n_sources)
{
    struct eth_addr mcast = { .ea = { 0x01 } };
    struct match match;

    /* A copy that goes on through a REGISTER pipeline comes back to the
     * egress stage and, when it is delivered, to the ingress stage: it is
     * never mirrored again.  (On a NORMAL bridge it goes straight to
     * NORMAL and never meets these tables.) */
    if (c->shared && c->options->pipeline == TM_PIPELINE_REGISTER
        && c->options->backend->reenters) {
        match_copy_mark(c, &match);
        add_flow(c, TM_TABLE_EGRESS, PRI_COPY, &match);
        match_copy_mark(c, &match);
        add_flow(c, TM_TABLE_INGRESS, PRI_COPY, &match);
    }

    /* A packet is never delivered back to the port it came from (Open
     * vSwitch drops an output to the input port, and NORMAL never does
     * it), so it is not mirrored as delivered there either. */
    for (size_t i = 0; i < n_sources; i++) {
        c->eni = sources[i] - c->input->enis;
        match_port(c, &match, TM_INGRESS, sources[i]->ofport);
        match_set_in_port(&match, sources[i]->ofport);
        add_flow(c, TM_TABLE_INGRESS, PRI_HAIRPIN, &match);
    }
    c->eni = SIZE_MAX;

    if (c->options->pipeline == TM_PIPELINE_REGISTER) {
        /* The output stage. */
        struct ofpact_output_reg *output;

        if (!c->shared) {
            return;
        }
        match_init_catchall(&match);
        put_resubmit(c, TM_TABLE_INGRESS);
        output = ofpact_put_OUTPUT_REG(&c->ofpacts);
        output->max_len = UINT16_MAX;
        output->src = (struct mf_subfield) {
            .field = output_reg_field(c), .ofs = 0, .n_bits = 16,
        };
        add_flow(c, TM_TABLE_OUTPUT, 0, &match);
        return;
    }

    /* NORMAL: the entry, then where NORMAL will deliver the packet: to the
     * ENI whose MAC is its destination, or, for a broadcast or multicast,
     * to every ENI. */
    if (c->shared) {
        match_init_catchall(&match);
        put_resubmit(c, TM_TABLE_EGRESS);
        put_resubmit(c, TM_TABLE_OUTPUT);
        ofpact_put_OUTPUT(&c->ofpacts)->port = OFPP_NORMAL;
        add_flow__(c, c->options->entry_table, 0, &match);
    }

    for (size_t i = 0; i < n_sources; i++) {
        c->eni = sources[i] - c->input->enis;
        match_init_catchall(&match);
        match_set_dl_dst(&match, sources[i]->mac);
        put_load_output_reg(c, sources[i]->ofport);
        put_resubmit(c, TM_TABLE_INGRESS);
        add_flow(c, TM_TABLE_OUTPUT, PRI_DISPATCH, &match);
    }
    c->eni = SIZE_MAX;
    if (!c->shared) {
        return;
    }

    /* A broadcast or multicast reaches every source port that has
     * ingress sessions: one flow for up to TM_FLOOD_PORTS_PER_FLOW of
     * them, or one that loads each group's number into R and resubmits
     * to the group's flow, so that no flow's actions outgrow an OpenFlow
     * message. */
    size_t n_groups = DIV_ROUND_UP(c->n_flood, TM_FLOOD_PORTS_PER_FLOW);

    c->flows->max_resubmits = c->max_egress_resubmits + 1
                              + (n_groups > 1 ? n_groups : 0)
                              + c->flood_resubmits;
    for (size_t g = 0; g < n_groups; g++) {
        size_t start = g * TM_FLOOD_PORTS_PER_FLOW;
        size_t end = MIN(start + TM_FLOOD_PORTS_PER_FLOW, c->n_flood);

        match_init_catchall(&match);
        match_set_dl_dst_masked(&match, mcast, mcast);
        if (n_groups > 1) {
            match_set_reg(&match, c->options->output_reg,
                          TM_FLOOD_GROUP_BASE + g);
        }
        for (size_t i = start; i < end; i++) {
            put_load_output_reg(c, c->flood[i]);
            put_resubmit(c, TM_TABLE_INGRESS);
        }
        add_flow(c, TM_TABLE_OUTPUT,
                 n_groups > 1 ? PRI_FLOOD_GROUP : PRI_DISPATCH, &match);
    }
    if (n_groups != 1) {
        match_init_catchall(&match);
        match_set_dl_dst_masked(&match, mcast, mcast);
        for (size_t g = 0; g < n_groups; g++) {
            ovs_be32 value = htonl(TM_FLOOD_GROUP_BASE + g);

            ofpact_put_reg_load(&c->ofpacts, output_reg_field(c), &value,
                                NULL);
            put_resubmit(c, TM_TABLE_OUTPUT);
        }
        add_flow(c, TM_TABLE_OUTPUT, PRI_DISPATCH, &match);
    }
}

/* The most resubmits that the translation of a packet takes through the
 * session slots in 'slots', their copy included: one to each slot (a
 * rejected or unmatched packet goes on to the next) and one to the meter
 * table when a copy is metered. */
static size_t
slots_resubmits(const struct slot *slots, size_t n)
{
    size_t resubmits = n;

    for (size_t i = 0; i < n; i++) {
        if (slots[i].metered) {
            resubmits++;
            break;
        }
    }
    return resubmits;
}

static char * OVS_WARN_UNUSED_RESULT
check_options(const struct tm_compile_options *options)
{
    if (options->output_reg >= FLOW_N_REGS) {
        return xasprintf("output register reg%u: there are only %d "
                         "registers", options->output_reg, FLOW_N_REGS);
    }
    if (options->table_base + TM_N_TABLES > 255) {
        return xasprintf("table base %d: ovs-tmirror needs tables %d to %d, "
                         "beyond the last table (254)", options->table_base,
                         options->table_base,
                         options->table_base + TM_N_TABLES - 1);
    }
    if (options->pipeline == TM_PIPELINE_NORMAL
        && options->entry_table >= options->table_base
        && options->entry_table < options->table_base + TM_N_TABLES) {
        return xasprintf("entry table %d is one of ovs-tmirror's tables "
                         "(%d to %d)", options->entry_table,
                         options->table_base,
                         options->table_base + TM_N_TABLES - 1);
    }
    if (!options->backend) {
        return xstrdup("no backend");
    }
    if (options->session_cookies && options->cookie & ~TM_COOKIE_OWNER_MASK) {
        return xasprintf("cookie %#"PRIx64": with session cookies, its "
                         "lower 32 bits are the sessions' and must be 0",
                         options->cookie);
    }
    if (options->backend->reenters
        && options->pipeline == TM_PIPELINE_REGISTER) {
        if (options->copy_mark_reg >= FLOW_N_REGS
            || options->copy_mark_reg == options->output_reg) {
            return xasprintf("copy mark register reg%u: not a register "
                             "(0 to %d) other than the output register "
                             "reg%u", options->copy_mark_reg,
                             FLOW_N_REGS - 1, options->output_reg);
        }
        if (options->copy_mark_bit >= 32) {
            return xasprintf("copy mark bit %u: a register has bits 0 to "
                             "31", options->copy_mark_bit);
        }
        if (options->continue_table >= options->table_base
            && options->continue_table < options->table_base
                                         + TM_N_TABLES) {
            return xasprintf("continue table %d is one of ovs-tmirror's "
                             "tables (%d to %d)", options->continue_table,
                             options->table_base,
                             options->table_base + TM_N_TABLES - 1);
        }
    }
    return NULL;
}

/* Does for the ENI at 'loc' what compiling it does to the ids of the
 * sessions compiled after it (if 'ids': none is compiled after it
 * otherwise) and to the shared flows, without compiling it. */
static void
skip_eni(struct compiler *c, const struct tm_eni_location *loc, bool ids)
{
    struct tm_session *const *sessions;
    size_t n = tm_model_sessions_of_eni(c->input->model, loc->eni,
                                        &sessions);
    const struct sset *metered = c->input->metered_sessions;
    size_t n_slots = 0;
    bool has_egress = false;
    bool has_ingress = false;
    bool any_metered = false;

    for (size_t i = 0; i < n; i++) {
        const struct tm_session *session = sessions[i];

        if (!session_is_compiled(c, session)) {
            continue;
        }
        n_slots++;
        if (ids && c->options->backend->counts) {
            assign_counter_id(c, session, false);
        }
        if (ids) {
            assign_session_key(c, session, false);
        }
        any_metered = any_metered || (c->options->backend->meters
                                      && metered
                                      && sset_contains(metered,
                                                       session->id));
        has_egress = (has_egress
                      || filter_may_accept(session->filter, TM_EGRESS));
        has_ingress = (has_ingress
                       || filter_may_accept(session->filter, TM_INGRESS));
    }
    if (n_slots) {
        size_t resubmits = 1 + n_slots + any_metered;

        c->max_egress_resubmits = MAX(c->max_egress_resubmits,
                                      has_egress ? resubmits : 1);
        if (has_ingress) {
            c->flood[c->n_flood++] = loc->ofport;
            c->flood_resubmits += resubmits;
        }
    }
}

/* Compiles the sessions of the source ENIs in 'input' into 'flows' (which
 * it clears first), as 'options' say.  Returns NULL, or a malloc()'d error
 * that names the ENI or session at fault; then 'flows' is left empty.
 *
 * Only the sessions of the ENIs in 'input->enis' are compiled, and of them
 * only the active ones.  A model refuses invalid rules and sessions (eleven
 * rules, a port range on ICMP, mixed families), so none reaches here. */
char *
tm_compile(const struct tm_compile_input *input,
           const struct tm_compile_options *options, struct tm_flows *flows)
{
    const struct tm_eni_location **sources;
    unsigned long *ports;       /* The ports of the ENIs seen so far. */
    size_t n_sources = 0;
    char *error;

    tm_flows_clear(flows);
    error = check_options(options);
    if (error) {
        return error;
    }

    struct compiler c = {
        .input = input,
        .options = options,
        .flows = flows,
        .counter_ids = HMAP_INITIALIZER(&c.counter_ids),
        .session_keys = HMAP_INITIALIZER(&c.session_keys),
        .cookie = options->cookie,
        .addresses_by_session = SHASH_INITIALIZER(&c.addresses_by_session),
        .addresses_by_target = SHASH_INITIALIZER(&c.addresses_by_target),
        .eni = SIZE_MAX,
    };
    flows->n_enis = input->n_enis;
    index_target_addresses(&c);
    ofpbuf_init(&c.ofpacts, 256);
    sources = xmalloc(MAX(input->n_enis, 1) * sizeof *sources);
    ports = bitmap_allocate(UINT16_MAX + 1);
    c.flood = xmalloc(MAX(input->n_enis, 1) * sizeof *c.flood);

    c.shared = !input->only || input->shared;

    /* A partial compile: the last ENI compiled.  The ids of the sessions
     * after it matter to no compiled session. */
    size_t last_only = 0;
    for (size_t i = input->only ? input->n_enis : 0; i > 0; i--) {
        if (bitmap_is_set(input->only, i - 1)) {
            last_only = i - 1;
            break;
        }
    }
    if (input->only && !options->session_cookies) {
        error = xstrdup("a compile of some network interfaces alone needs "
                        "session cookies");
        goto out;
    }
    if (c.shared) {
        add_never_mirrored(&c, session_table(TM_EGRESS, 0));
        add_never_mirrored(&c, session_table(TM_INGRESS, 0));
    }

    for (size_t i = 0; i < input->n_enis; i++) {
        const struct tm_eni_location *loc = &input->enis[i];
        const struct tm_eni *eni = tm_model_find_eni(input->model, loc->eni);
        struct slot slots[TM_MAX_SESSIONS_PER_ENI];
        size_t n_slots;

        if (!eni) {
            error = xasprintf("ENI %s (port %"PRIu16"): no such network "
                              "interface in the model", loc->eni,
                              ofp_to_u16(loc->ofport));
            goto out;
        }
        if (bitmap_is_set(ports, ofp_to_u16(loc->ofport))) {
            for (size_t j = 0; j < i; j++) {
                if (input->enis[j].ofport == loc->ofport) {
                    error = xasprintf("ENI %s and ENI %s: both on port "
                                      "%"PRIu16, input->enis[j].eni,
                                      loc->eni, ofp_to_u16(loc->ofport));
                    goto out;
                }
            }
        }
        bitmap_set1(ports, ofp_to_u16(loc->ofport));
        if (input->only && !bitmap_is_set(input->only, i)) {
            /* Not compiled, but its sessions' keys and ids are given as
             * the full compile gives them, so that the others' are the
             * same, and it counts in the broadcast prediction. */
            skip_eni(&c, loc, i < last_only);
            continue;
        }
        c.eni = i;
        error = collect_slots(&c, loc, eni, slots, &n_slots);
        if (!error && n_slots) {
            sources[n_sources++] = loc;
            flows->n_sessions += n_slots;
            for (int d = 0; d < TM_N_DIRECTIONS; d++) {
                if (may_accept(slots, n_slots, d)) {
                    compile_direction(&c, loc, eni, slots, n_slots, d);
                } else {
                    count_rules(&c, slots, n_slots, d);
                }
            }
            add_meter_flows(&c, slots, n_slots);

            /* One resubmit to the dispatch table, then its slots if it
             * dispatches in that direction. */
            size_t resubmits = 1 + slots_resubmits(slots, n_slots);
            c.max_egress_resubmits
                = MAX(c.max_egress_resubmits,
                      may_accept(slots, n_slots, TM_EGRESS) ? resubmits : 1);
            if (may_accept(slots, n_slots, TM_INGRESS)) {
                c.flood[c.n_flood++] = loc->ofport;
                c.flood_resubmits += resubmits;
            }
        }
        free_slots(slots, n_slots);
        c.eni = SIZE_MAX;
        if (error) {
            goto out;
        }
    }
    add_stage_flows(&c, sources, n_sources);

out:
    if (error) {
        tm_flows_clear(flows);
    }
    free(sources);
    free(c.flood);
    bitmap_free(ports);
    ofpbuf_uninit(&c.ofpacts);
    destroy_ids(&c);
    shash_destroy(&c.addresses_by_session);
    shash_destroy(&c.addresses_by_target);
    return error;
}

/* Appends 'fm' to 's' as ovs-ofctl add-flow(s) text. */
void
tm_flow_format(const struct ofputil_flow_mod *fm, struct ds *s)
{
    struct ofpact_format_params fp = { .s = s };
    struct match match;

    minimatch_expand(&fm->match, &match);
    ds_put_format(s, "table=%"PRIu8", cookie=%#"PRIx64", ", fm->table_id,
                  ntohll(fm->new_cookie));
    match_format(&match, NULL, s, fm->priority);
    ds_put_cstr(s, " actions=");
    if (fm->ofpacts_len) {
        ofpacts_format(fm->ofpacts, fm->ofpacts_len, &fp);
    } else {
        ds_put_cstr(s, "drop");
    }
}

/* Appends 'flows' to 's', one a line, as for "ovs-ofctl add-flows", after
 * a comment line for each session's counters, if the backend counts. */
void
tm_flows_format(const struct tm_flows *flows, struct ds *s)
{
    char *warning = tm_flows_check_resubmits(flows);
    if (warning) {
        ds_put_format(s, "# warning: %s\n", warning);
        free(warning);
    }
    for (size_t i = 0; i < flows->n_counters; i++) {
        ds_put_format(s, "# session %s: counters id=%"PRIu32"\n",
                      flows->counters[i].session, flows->counters[i].id);
    }
    for (size_t i = 0; i < flows->n; i++) {
        tm_flow_format(&flows->fms[i], s);
        ds_put_char(s, '\n');
    }
}

/* Returns NULL if Open vSwitch can translate every packet through 'flows'
 * (NORMAL pipelines), otherwise a malloc()'d warning that says why not. */
char *
tm_flows_check_resubmits(const struct tm_flows *flows)
{
    if (flows->max_resubmits <= TM_OVS_MAX_RESUBMITS) {
        return NULL;
    }
    return xasprintf("a broadcast or multicast that no rule accepts takes "
                     "up to %"PRIuSIZE" resubmits through these flows, "
                     "beyond Open vSwitch's %d: it would be dropped (see "
                     "tm-compile(7))", flows->max_resubmits,
                     TM_OVS_MAX_RESUBMITS);
}

/* Compiles 'input' as tm_compile() does and appends the flows to 's' as
 * "ovs-ofctl add-flows" text: what "tm-sim flows" prints. */
char *
tm_compile_format(const struct tm_compile_input *input,
                  const struct tm_compile_options *options, struct ds *s)
{
    struct tm_flows flows;
    char *error;

    tm_flows_init(&flows);
    error = tm_compile(input, options, &flows);
    if (!error) {
        tm_flows_format(&flows, s);
    }
    tm_flows_destroy(&flows);
    return error;
}

/* ---- The native backend: stock Open vSwitch. ---- */

/* Ends the clone() action that starts at offset 'ofs' of 'ofpacts', after
 * the actions nested in it. */
static void
finish_clone(struct ofpbuf *ofpacts, size_t ofs)
{
    struct ofpact_nest *clone = ofpbuf_at_assert(ofpacts, ofs,
                                                 sizeof *clone);

    ofpacts->header = clone;
    ofpact_finish_CLONE(ofpacts, &clone);
}

/* clone(set_field:VNI->tun_id, set_field:SRC->tun_src,
 *       set_field:DST->tun_dst, output(port=VXLAN,max_len=N)) */
static char *
native_put_copy(const struct tm_copy *copy,
                const struct tm_compile_options *options,
                struct ofpbuf *ofpacts)
{
    bool ipv4 = IN6_IS_ADDR_V4MAPPED(&copy->dst);
    ovs_be64 tun_id = htonll(copy->vni);
    size_t ofs = ofpacts->size;

    if (options->tunnel_port == OFPP_NONE) {
        return xasprintf("session %s: the native backend needs the "
                         "OpenFlow port of a flow-based VXLAN port",
                         copy->session->id);
    }
    BUILD_ASSERT(TM_MIN_CARRIED_LENGTH >= ETH_HEADER_LEN);

    ofpact_put_CLONE(ofpacts);
    ofpact_put_set_field(ofpacts, mf_from_id(MFF_TUN_ID), &tun_id, NULL);
    if (ipv4) {
        ovs_be32 src = in6_addr_get_mapped_ipv4(&copy->src);
        ovs_be32 dst = in6_addr_get_mapped_ipv4(&copy->dst);

        ofpact_put_set_field(ofpacts, mf_from_id(MFF_TUN_SRC), &src, NULL);
        ofpact_put_set_field(ofpacts, mf_from_id(MFF_TUN_DST), &dst, NULL);
    } else {
        ofpact_put_set_field(ofpacts, mf_from_id(MFF_TUN_IPV6_SRC),
                             &copy->src, NULL);
        ofpact_put_set_field(ofpacts, mf_from_id(MFF_TUN_IPV6_DST),
                             &copy->dst, NULL);
    }
    if (copy->max_len) {
        struct ofpact_output_trunc *trunc = ofpact_put_OUTPUT_TRUNC(ofpacts);

        trunc->port = options->tunnel_port;
        trunc->max_len = copy->max_len;
    } else {
        ofpact_put_OUTPUT(ofpacts)->port = options->tunnel_port;
    }

    finish_clone(ofpacts, ofs);
    return NULL;
}

const struct tm_backend tm_backend_native = {
    .name = "native",
    .put_copy = native_put_copy,
};

/* ---- The vxlan_mirror backend: the project's datapath action. ---- */

/* clone(vxlan_mirror(vni=VNI,eth_src=ENI-MAC,eth_dst=NEXT-HOP,
 *                    ipv4_src=ENI-IP,ipv4_dst=TARGET-IP,max_len=N),
 *       set_field:P->in_port,
 *       NORMAL                                            (NORMAL pipelines)
 *       | load:1->MARK,resubmit(,CONTINUE))             (REGISTER pipelines)
 *
 * The copy leaves as if the source ENI (port P) had sent it, whichever
 * direction was mirrored, so that it is forwarded like the ENI's own
 * traffic (and a NORMAL bridge does not learn the ENI's MAC on the port
 * that an ingress packet came from).  N is the carried length that
 * tm_carried_length() decides, AWS's MTU cap included, as for the native
 * backend; the action's own 'mtu', which counts only the headers that the
 * action builds, is not used. */
static char *
vxlan_mirror_put_copy(const struct tm_copy *copy,
                      const struct tm_compile_options *options,
                      struct ofpbuf *ofpacts)
{
    size_t ofs = ofpacts->size;

    if (eth_addr_is_zero(copy->eth_src)) {
        return xasprintf("session %s: ENI %s has no MAC address, which the "
                         "vxlan_mirror backend needs as the copies' outer "
                         "Ethernet source", copy->session->id, copy->eni);
    }
    if (eth_addr_is_zero(copy->eth_dst)) {
        return xasprintf("session %s: no next-hop MAC address for target "
                         "%s (give the target's or the router's MAC)",
                         copy->session->id, copy->session->target_id);
    }
    if (copy->max_len > UINT16_MAX) {
        return xasprintf("session %s: carries %"PRIu32" bytes, beyond the "
                         "65535 of the vxlan_mirror action",
                         copy->session->id, copy->max_len);
    }

    ofpact_put_CLONE(ofpacts);
    struct ofpact_vxlan_mirror *vm = ofpact_put_VXLAN_MIRROR(ofpacts);
    vm->id = copy->counter_id;
    vm->vni = copy->vni;
    vm->max_len = copy->max_len;
    vm->eth_src = copy->eth_src;
    vm->eth_dst = copy->eth_dst;
    vm->ip_src = copy->src;
    vm->ip_dst = copy->dst;

    ovs_be16 in_port = htons(ofp_to_u16(copy->ofport));
    ofpact_put_set_field(ofpacts, mf_from_id(MFF_IN_PORT), &in_port, NULL);
    if (options->pipeline == TM_PIPELINE_REGISTER) {
        ovs_be32 bit = htonl(UINT32_C(1) << options->copy_mark_bit);
        struct ofpact_resubmit *resubmit;

        ofpact_put_reg_load(ofpacts,
                            mf_from_id(MFF_REG0 + options->copy_mark_reg),
                            &bit, &bit);
        resubmit = ofpact_put_RESUBMIT(ofpacts);
        resubmit->in_port = OFPP_IN_PORT;
        resubmit->table_id = options->continue_table;
    } else {
        ofpact_put_OUTPUT(ofpacts)->port = OFPP_NORMAL;
    }

    finish_clone(ofpacts, ofs);
    return NULL;
}

const struct tm_backend tm_backend_vxlan_mirror = {
    .name = "vxlan-mirror",
    .reenters = true,
    .counts = true,
    .meters = true,
    .put_copy = vxlan_mirror_put_copy,
};

/* Returns the backend named 'name' ("native" or "vxlan-mirror"), or NULL. */
const struct tm_backend *
tm_backend_find(const char *name)
{
    static const struct tm_backend *const backends[] = {
        &tm_backend_native, &tm_backend_vxlan_mirror,
    };

    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        if (!strcmp(name, backends[i]->name)) {
            return backends[i];
        }
    }
    return NULL;
}
