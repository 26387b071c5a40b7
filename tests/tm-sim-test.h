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

#ifndef TM_SIM_TEST_H
#define TM_SIM_TEST_H 1

/* The simulator's CUnit suites (tests/test-sim.c, and
 * tests/test-sim-recheck.c for the incremental re-check) and those of the
 * flow compiler's input from a topology (tests/test-compile-topology.c),
 * run by tm-sim-unit. */

#include "tm-test.h"

void tm_test_add_sim_suites(void);
void tm_test_add_compile_topology_suites(void);
void tm_test_add_import_suites(void);
void tm_test_add_recheck_suites(void);

#endif /* tm-sim-test.h */
