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

#ifndef TMIRROR_IMPORT_H
#define TMIRROR_IMPORT_H 1

/* Importing an AWS account into a topology file.
 *
 * The input is a folder with what the AWS CLI printed (--output json) for
 * the describe calls of one region, one file per call, named after the
 * service and the call: "ec2-describe-vpcs.json",
 * "elbv2-describe-listeners.json", "ram-get-resource-shares.json", ...
 * With several accounts, the folder holds one subfolder per account, named
 * by the account id.  A call made once per resource (the health of each
 * target group, the routes of each transit gateway route table) is one
 * file holding a JSON object that maps each resource's id or ARN to what
 * the CLI printed for it.
 *
 * The output is the text of a topology file (tmirror/topology.h) and the
 * list of what the import could not carry into the model: each warning
 * names the resource and what is ignored; each call whose file is missing
 * is named with what that leaves out. */

#include "openvswitch/compiler.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"

struct sim_import {
    struct ds xml;              /* The topology file. */
    struct svec warnings;       /* What was not imported, and why. */
};

void sim_import_init(struct sim_import *);
void sim_import_destroy(struct sim_import *);

/* Reads folder 'dir' into 'import'.  Returns NULL, or an error that names
 * the file and what is wrong with it (the caller frees it); on error,
 * 'import' holds nothing. */
char *sim_import_dir(const char *dir, struct sim_import *import)
    OVS_WARN_UNUSED_RESULT;

/* The calls whose output the import reads, as "service-call" names, for
 * documentation and for the script that makes them. */
size_t sim_import_n_calls(void);
const char *sim_import_call_name(size_t i);

#endif /* tmirror/import.h */
