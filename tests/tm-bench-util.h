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

#ifndef TM_BENCH_UTIL_H
#define TM_BENCH_UTIL_H 1

/* What the simulator's benchmarks (tm-sim-bench, tm-import-bench) share:
 * the clock, and the addresses of their generated VPCs. */

#include <stdint.h>
#include <time.h>

#include "openvswitch/dynamic-string.h"

static inline double
tm_bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Appends the address 'offset' into generated VPC number 'vpc', which has
 * 10.0.0.0/8 + vpc * 4096, a /20 (whose subnets are /22s). */
static inline void
tm_bench_put_ip(struct ds *s, int vpc, int offset)
{
    uint32_t ip = (10u << 24) + vpc * 4096u + offset;

    ds_put_format(s, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
                  (ip >> 8) & 0xff, ip & 0xff);
}

#endif /* tm-bench-util.h */
