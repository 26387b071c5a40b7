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

#ifndef TESTS_FUZZ_LOAD_H
#define TESTS_FUZZ_LOAD_H 1

/* What the fuzz targets share: loading what the fuzzer wrote, and
 * checking what loaded. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/util.h"
#include "random.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"

/* Loads the 'size' bytes at 'data' as a topology "fuzz.xml" and checks
 * every session into '*reportp'.  Returns the topology, or NULL if the
 * loader refused it, with an error that must name the file (and a line
 * when there is one).  Aborts if anything else happens. */
static inline struct sim_topology *
fuzz_load_and_check(const uint8_t *data, size_t size,
                    struct sim_report **reportp)
{
    struct sim_topology *topo;
    char *error;

    /* The ids and VNIs that the loader makes up come from Open vSwitch's
     * random numbers: the same ones for every input, so that an input runs
     * the same way alone as within a fuzzing run (a crash reproduces from
     * its input). */
    random_set_seed(1);

    error = sim_topology_load_memory("fuzz.xml", (const char *) data, size,
                                     &topo);
    if (error) {
        if (strncmp(error, "fuzz.xml:", 9) || topo) {
            ovs_abort(0, "refusal without the file's name, or with a "
                      "topology: %s", error);
        }
        free(error);
        return NULL;
    }

    error = sim_check(topo, NULL, 0, reportp);
    if (error) {
        ovs_abort(0, "check of a loaded topology failed: %s", error);
    }
    return topo;
}

#endif /* tests/fuzz-load.h */
