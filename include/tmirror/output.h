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

#ifndef TMIRROR_OUTPUT_H
#define TMIRROR_OUTPUT_H 1

/* What the project's programs write, written so that a failure is never
 * lost: a short write, or one that fails only when the last buffer is
 * flushed or the file closed (a full disk, "-o /dev/full"), is an error
 * that names the file. */

#include <stddef.h>

#include "openvswitch/compiler.h"

char *tm_write_output(const char *file_name, const char *data, size_t n)
    OVS_WARN_UNUSED_RESULT;
void tm_check_stdout_at_exit(void);

#endif /* tmirror/output.h */
