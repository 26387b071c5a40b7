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


/* The network model's lifecycle (a topology is created empty, filled by its
 * loader, sim/topology-load.c, and destroyed) and the queries over it that
 * the loader and the check share. */

#include <config.h>

#include "tmirror/topology.h"

#include <stdlib.h>
#include <string.h>

#include "sset.h"
#include "util.h"

#define SIM_KIND(TYPE, NAME)                                            \
    void                                                                \
    sim_topology_add_##TYPE(struct sim_topology *topo,                  \
                            struct sim_##TYPE *obj)                     \
    {                                                                   \
        if (topo->n_##NAME >= topo->allocated_##NAME) {                 \
            topo->NAME = x2nrealloc(topo->NAME, &topo->allocated_##NAME, \
                                    sizeof *topo->NAME);                \
        }                                                               \
        topo->NAME[topo->n_##NAME++] = obj;                             \
        shash_add(&topo->NAME##_by_id, obj->id, obj);                   \
    }
SIM_KINDS
#undef SIM_KIND

/* Returns a new, empty topology read from 'file_name' (only kept for
 * messages), with an empty mirroring model. */
struct sim_topology *
sim_topology_create(const char *file_name)
{
    struct sim_topology *topo = xzalloc(sizeof *topo);

    topo->file_name = xstrdup(file_name);
#define SIM_KIND(TYPE, NAME) shash_init(&topo->NAME##_by_id);
    SIM_KINDS
#undef SIM_KIND
    topo->model = tm_model_create();
    return topo;
}

static void
free_errors(struct tm_error **errors, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tm_error_destroy(errors[i]);
    }
    free(errors);
}

void
sim_topology_destroy(struct sim_topology *topo)
{
    if (!topo) {
        return;
    }

    for (size_t i = 0; i < topo->n_accounts; i++) {
        free(topo->accounts[i]->id);
        free(topo->accounts[i]->organization);
        free(topo->accounts[i]);
    }
    for (size_t i = 0; i < topo->n_vpcs; i++) {
        free(topo->vpcs[i]->id);
        free(topo->vpcs[i]->cidrs);
        free(topo->vpcs[i]);
    }
    for (size_t i = 0; i < topo->n_subnets; i++) {
        free(topo->subnets[i]->id);
        free(topo->subnets[i]->zone);
        sset_destroy(&topo->subnets[i]->shared_with);
        free(topo->subnets[i]);
    }
    for (size_t i = 0; i < topo->n_route_tables; i++) {
        struct sim_route_table *rtb = topo->route_tables[i];

        for (size_t j = 0; j < rtb->n_routes; j++) {
            free(rtb->routes[j].target);
        }
        free(rtb->routes);
        free(rtb->id);
        free(rtb);
    }
    for (size_t i = 0; i < topo->n_acls; i++) {
        free(topo->acls[i]->id);
        free(topo->acls[i]->entries);
        free(topo->acls[i]);
    }
    for (size_t i = 0; i < topo->n_groups; i++) {
        free(topo->groups[i]->id);
        free(topo->groups[i]->rules);
        free(topo->groups[i]);
    }
    for (size_t i = 0; i < topo->n_enis; i++) {
        free(topo->enis[i]->id);
        free(topo->enis[i]->groups);
        free(topo->enis[i]->instance_type);
        free(topo->enis[i]);
    }
    for (size_t i = 0; i < topo->n_nlbs; i++) {
        struct sim_nlb *nlb = topo->nlbs[i];

        for (size_t j = 0; j < nlb->n_listeners; j++) {
            free(nlb->listeners[j].protocol);
        }
        free(nlb->listeners);
        free(nlb->nodes);
        free(nlb->targets);
        free(nlb->subnets);
        free(nlb->id);
        free(nlb);
    }
    for (size_t i = 0; i < topo->n_peerings; i++) {
        free(topo->peerings[i]->id);
        free(topo->peerings[i]->status);
        free(topo->peerings[i]);
    }
    for (size_t i = 0; i < topo->n_tgws; i++) {
        free(topo->tgws[i]->attachments);
        free(topo->tgws[i]->route_tables);
        free(topo->tgws[i]->id);
        free(topo->tgws[i]);
    }
    for (size_t i = 0; i < topo->n_tgw_attachments; i++) {
        free(topo->tgw_attachments[i]->id);
        free(topo->tgw_attachments[i]->subnets);
        free(topo->tgw_attachments[i]->propagations);
        free(topo->tgw_attachments[i]);
    }
    for (size_t i = 0; i < topo->n_tgw_route_tables; i++) {
        free(topo->tgw_route_tables[i]->id);
        free(topo->tgw_route_tables[i]->routes);
        free(topo->tgw_route_tables[i]);
    }
    for (size_t i = 0; i < topo->n_targets; i++) {
        free_errors(topo->targets[i]->errors, topo->targets[i]->n_errors);
        free(topo->targets[i]->id);
        free(topo->targets[i]);
    }
    for (size_t i = 0; i < topo->n_filters; i++) {
        free_errors(topo->filters[i]->errors, topo->filters[i]->n_errors);
        free(topo->filters[i]->id);
        free(topo->filters[i]);
    }
    for (size_t i = 0; i < topo->n_sessions; i++) {
        free_errors(topo->sessions[i]->errors, topo->sessions[i]->n_errors);
        free(topo->sessions[i]->id);
        free(topo->sessions[i]);
    }
    for (size_t i = 0; i < topo->n_hypervisors; i++) {
        struct sim_hypervisor *hv = topo->hypervisors[i];

        for (size_t j = 0; j < hv->n_ports; j++) {
            free(hv->ports[j].name);
        }
        free(hv->ports);
        free(hv->bridge);
        free(hv->id);
        free(hv);
    }

#define SIM_KIND(TYPE, NAME)                    \
    shash_destroy(&topo->NAME##_by_id);         \
    free(topo->NAME);
    SIM_KINDS
#undef SIM_KIND
    tm_model_destroy(topo->model);
    free(topo->region);
    free(topo->file_name);
    free(topo);
}

const struct sim_vpc *
sim_eni_vpc(const struct sim_eni *eni)
{
    return eni->subnet->vpc;
}


/* Returns the CIDR block of 'vpc' that contains 'ip', or NULL if none does.
 * A VPC's blocks do not overlap, so there is at most one. */
const struct tm_cidr *
sim_vpc_cidr_of(const struct sim_vpc *vpc, const struct in6_addr *ip)
{
    for (size_t i = 0; i < vpc->n_cidrs; i++) {
        if (tm_cidr_contains(&vpc->cidrs[i], ip)) {
            return &vpc->cidrs[i];
        }
    }
    return NULL;
}

/* Returns true if 'account' may place its own objects in 'vpc': it owns it,
 * or some subnet of 'vpc' is shared with it. */
bool
sim_vpc_usable_by(const struct sim_topology *topo, const struct sim_vpc *vpc,
                  const struct sim_account *account)
{
    if (vpc->owner == account) {
        return true;
    }
    for (size_t i = 0; i < topo->n_subnets; i++) {
        if (topo->subnets[i]->vpc == vpc
            && sset_contains(&topo->subnets[i]->shared_with, account->id)) {
            return true;
        }
    }
    return false;
}

/* Returns the attachment of 'vpc' to 'tgw', or NULL if it has none. */
const struct sim_tgw_attachment *
sim_tgw_attachment_of(const struct sim_tgw *tgw, const struct sim_vpc *vpc)
{
    for (size_t i = 0; i < tgw->n_attachments; i++) {
        if (tgw->attachments[i]->vpc == vpc) {
            return tgw->attachments[i];
        }
    }
    return NULL;
}

/* Returns true if 'id' looks like the id of a gateway that the topology
 * does not model (the copy leaves the VPC through it). */
bool
sim_is_gateway_id(const char *id)
{
    static const char *const prefixes[] = {
        "igw-", "eigw-", "nat-", "vgw-", "cagw-", "lgw-", "vpce-",
    };

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        if (!strncmp(id, prefixes[i], strlen(prefixes[i]))) {
            return true;
        }
    }
    return false;
}
