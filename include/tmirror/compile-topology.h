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


#ifndef TMIRROR_COMPILE_TOPOLOGY_H
#define TMIRROR_COMPILE_TOPOLOGY_H 1

/* The flow compiler's input for one hypervisor of a simulated topology.
 *
 * A topology (tmirror/topology.h) says which network interfaces sit on
 * which ports of each hypervisor's bridge, and its check (tmirror/sim.h)
 * says which sessions reach their targets and through which load balancer
 * node.  tm_topology_input_init() turns the two into the struct
 * tm_compile_input that tm_compile() takes for one hypervisor:
 *
 *   - each port becomes a struct tm_eni_location: the interface's id, the
 *     port's OpenFlow number, the interface's primary IP and MAC;
 *
 *   - each session that the report finds reachable gets a struct
 *     tm_target_address when its target needs one: a load balancer target
 *     is addressed at the node the check chose for that session, and the
 *     copies to a network interface in the source's own subnet go to that
 *     interface's MAC, as the source's own traffic would (other copies go
 *     through the router, the compile options' 'router_mac');
 *
 *   - every session that the report does not find reachable (blocked,
 *     invalid, or not checked) is left out: the check comes before the
 *     install, always. */

#include <stddef.h>

#include "sset.h"
#include "tmirror/compile.h"

struct sim_hypervisor;
struct sim_report;
struct sim_topology;

struct tm_topology_input {
    /* What tm_compile() and tm_compile_format() take.  It points to the
     * members below and into the topology, whose model, ids and addresses
     * it uses as they are: the topology must outlive it. */
    struct tm_compile_input input;

    /* Owned by this structure. */
    struct tm_eni_location *enis;       /* One per port of the hypervisor. */
    struct tm_target_address *targets;
    struct sset excluded;               /* Ids of the sessions left out. */
};

void tm_topology_input_init(struct tm_topology_input *,
                            const struct sim_topology *,
                            const struct sim_hypervisor *,
                            const struct sim_report *);
void tm_topology_input_destroy(struct tm_topology_input *);

#endif /* tmirror/compile-topology.h */
