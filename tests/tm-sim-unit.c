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

/* tm-sim-unit: runs the simulator's CUnit suites (tests/test-sim.c) and
 * those of the flow compiler's input from a topology
 * (tests/test-compile-topology.c).  With arguments, runs only the suites
 * (or "SUITE:TEST" tests) they name. */

#include <config.h>

#include "tm-sim-test.h"

static void
add_suites(void)
{
    tm_test_add_sim_suites();
    tm_test_add_recheck_suites();
    tm_test_add_compile_topology_suites();
    tm_test_add_import_suites();
}

int
main(int argc, char *argv[])
{
    return tm_test_main(argc, argv, add_suites);
}
