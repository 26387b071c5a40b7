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

#ifndef TMIRROR_EXAMPLES_H
#define TMIRROR_EXAMPLES_H 1

/* The three worked examples of the AWS Traffic Mirroring user guide
 * ("Traffic Mirroring examples"), built through the model's
 * public API, each with packets that show what it mirrors.  tm-examples(1)
 * prints them; the unit tests check them. */

#include <stddef.h>

#include "tmirror/evaluate.h"

struct tm_model;

/* Every example has one account and one source network interface. */
#define TM_EXAMPLE_ACCOUNT "111111111111"
#define TM_EXAMPLE_SOURCE "eni-source"
#define TM_EXAMPLE_VPC_CIDR "10.0.0.0/16"

struct tm_example_packet {
    const char *what;           /* What the packet is, for people. */
    const char *packet;         /* For tm_packet_parse(). */
    const char *session;        /* Session id expected to mirror it, or
                                 * NULL if none should. */
};

struct tm_example {
    const char *name;           /* Short name, e.g. "inbound-tcp". */
    const char *title;          /* The user guide's title. */
    struct tm_model *(*build)(void);
    const struct tm_example_packet *packets;
    size_t n_packets;
};

size_t tm_examples_get(const struct tm_example **);
const struct tm_example *tm_example_find(const char *name);

#endif /* tmirror/examples.h */
