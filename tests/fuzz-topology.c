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

/* A libFuzzer target for the topology loader ("make fuzz"): any input must
 * either load or be refused with an error that names the file and a line,
 * and whatever loads must check and report without a crash. */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-load.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sim_report *report;
    struct sim_topology *topo = fuzz_load_and_check(data, size, &report);

    if (!topo) {
        return 0;
    }

    struct json *json = sim_report_to_json(report);
    struct ds s = DS_EMPTY_INITIALIZER;
    json_to_ds(json, 0, &s);
    sim_report_format_text(report, topo, &s);
    sim_report_format_html(report, topo, &s);
    ds_destroy(&s);
    json_destroy(json);

    sim_report_destroy(report);
    sim_topology_destroy(topo);
    return 0;
}
