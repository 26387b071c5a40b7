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

/* A libFuzzer target for "tm-sim flows" ("make fuzz"): the flow compiler's
 * input, made from whatever topology the fuzzer writes.  Any input must
 * either be refused by the loader with an error that names the file, or
 * load, check, and compile for every hypervisor with both backends and
 * both pipelines: the check and the compiler apply one set of rules, so
 * the compiler never finds a reason of its own to refuse what loaded, and
 * nothing it prints holds a line that the topology wrote. */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "fuzz-load.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "tmirror/compile-topology.h"
#include "tmirror/compile.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each line of 's' is a flow, a comment that ovs-tmirror writes, or
 * empty: no line comes from the topology. */
static void
check_lines(const char *s)
{
    const char *line = s;

    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? end - line : strlen(line);

        if (len && strncmp(line, "table=", 6)
            && strncmp(line, "# session ", 10)) {
            ovs_abort(0, "a line that is not a flow: %.*s", (int) len, line);
        }
        line += len + (end != NULL);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct tm_backend *const backends[] = {
        &tm_backend_native, &tm_backend_vxlan_mirror,
    };
    struct sim_topology *topo;
    struct sim_report *report;
    char *error;

    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    topo = fuzz_load_and_check(data, size, &report);
    if (!topo) {
        return 0;
    }

    for (size_t i = 0; i < topo->n_hypervisors; i++) {
        const struct sim_hypervisor *hv = topo->hypervisors[i];
        struct tm_topology_input ti;

        tm_topology_input_init(&ti, topo, hv, report);
        for (size_t b = 0; b < ARRAY_SIZE(backends); b++) {
            for (int p = 0; p < 2; p++) {
                struct tm_compile_options options;
                struct ds s = DS_EMPTY_INITIALIZER;

                tm_compile_options_init(&options);
                options.backend = backends[b];
                options.pipeline = p ? TM_PIPELINE_REGISTER
                                     : TM_PIPELINE_NORMAL;
                options.tunnel_port = u16_to_ofp(hv->tunnel_port);
                error = tm_compile_format(&ti.input, &options, &s);
                if (error) {
                    ovs_abort(0, "hypervisor %s, backend %s: the compiler "
                              "refused what the check let through: %s",
                              hv->id, backends[b]->name, error);
                }
                check_lines(ds_cstr(&s));
                ds_destroy(&s);
            }
        }
        tm_topology_input_destroy(&ti);
    }

    sim_report_destroy(report);
    sim_topology_destroy(topo);
    return 0;
}
