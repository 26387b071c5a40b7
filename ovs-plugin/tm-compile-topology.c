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


/* The flow compiler's input from a simulated topology
 * (tmirror/compile-topology.h). */

#include <config.h>

#include "tmirror/compile-topology.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"
#include "packets.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

/* Initializes 'ti' with the compiler's input for hypervisor 'hv' of
 * 'topo', given the report of 'topo''s check, 'report'.  The caller must
 * eventually pass 'ti' to tm_topology_input_destroy(); 'topo' must outlive
 * it, 'report' need not. */
void
tm_topology_input_init(struct tm_topology_input *ti,
                       const struct sim_topology *topo,
                       const struct sim_hypervisor *hv,
                       const struct sim_report *report)
{
    struct shash reachable = SHASH_INITIALIZER(&reachable);
    size_t n_targets = 0;

    ti->enis = xcalloc(hv->n_ports + 1, sizeof *ti->enis);
    for (size_t i = 0; i < hv->n_ports; i++) {
        const struct sim_eni *eni = hv->ports[i].eni;

        ti->enis[i] = (struct tm_eni_location) {
            .eni = eni->id,
            .ofport = u16_to_ofp(hv->ports[i].ofport),
            .mac = eni->mac,
            .ip = eni->ip,
        };
    }

    for (size_t i = 0; i < report->n_results; i++) {
        const struct sim_result *r = &report->results[i];

        if (r->verdict == SIM_REACHABLE) {
            shash_add_once(&reachable, r->session->id, r);
        }
    }

    sset_init(&ti->excluded);
    ti->targets = xcalloc(topo->n_sessions + 1, sizeof *ti->targets);
    for (size_t i = 0; i < topo->n_sessions; i++) {
        const struct sim_mirror_session *session = topo->sessions[i];
        const struct sim_result *r = shash_find_data(&reachable,
                                                     session->id);
        const struct sim_eni *target_eni;
        struct tm_target_address *a;

        if (!r) {
            sset_add(&ti->excluded, session->id);
            continue;
        }

        a = &ti->targets[n_targets];
        *a = (struct tm_target_address) {
            .target = session->target->id,
            .session = session->id,
        };
        target_eni = session->target->eni;
        if (session->target->nlb) {
            a->ip = r->dst_ip;
            n_targets++;
        } else if (target_eni && !eth_addr_is_zero(target_eni->mac)
                   && target_eni->subnet == session->source->subnet) {
            a->mac = target_eni->mac;
            n_targets++;
        }
    }

    shash_destroy(&reachable);

    ti->input = (struct tm_compile_input) {
        .model = topo->model,
        .enis = ti->enis,
        .n_enis = hv->n_ports,
        .targets = ti->targets,
        .n_targets = n_targets,
        .excluded_sessions = &ti->excluded,
    };
}

void
tm_topology_input_destroy(struct tm_topology_input *ti)
{
    if (ti) {
        free(ti->enis);
        free(ti->targets);
        sset_destroy(&ti->excluded);
    }
}
