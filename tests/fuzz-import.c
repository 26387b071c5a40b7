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

/* A libFuzzer target for "tm-sim import DIR" ("make fuzz").  An input is
 * a JSON object that maps the files of an import folder to their text:
 * "ec2-describe-vpcs" (a call of the only account) or
 * "111111111111/ec2-describe-vpcs" (a call of one account of several) to
 * the object that the AWS CLI printed, or to a string written as is (so
 * that broken JSON is read too).  Members that name no call are skipped.
 * The target writes the folder and imports it: the import must either
 * succeed, with a topology that the loader accepts, or be refused with an
 * error that names a file of the folder. */

#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "tmirror/import.h"
#include "tmirror/topology.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The folder of every input, made once. */
static const char *
folder(void)
{
    static char *dir;

    if (!dir) {
        const char *tmp = getenv("TMPDIR");

        dir = xasprintf("%s/fuzz-import.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            ovs_fatal(errno, "%s: cannot make folder", dir);
        }
    }
    return dir;
}

static bool
is_call(const char *name)
{
    for (size_t i = 0; i < sim_import_n_calls(); i++) {
        if (!strcmp(name, sim_import_call_name(i))) {
            return true;
        }
    }
    return false;
}

/* Returns the path in the folder of member 'name' ("CALL" or
 * "ACCOUNT/CALL"), making the account's subfolder, or NULL if 'name' names
 * no call's file. */
static char *
member_path(const char *name, struct svec *made)
{
    const char *slash = strchr(name, '/');

    if (!slash) {
        return is_call(name) ? xasprintf("%s/%s.json", folder(), name) : NULL;
    }
    if (slash - name != 12 || strspn(name, "0123456789") != 12
        || !is_call(slash + 1)) {
        return NULL;
    }

    char *sub = xasprintf("%s/%.12s", folder(), name);
    if (mkdir(sub, 0700) && errno != EEXIST) {
        ovs_fatal(errno, "%s: cannot make folder", sub);
    }
    svec_add_nocopy(made, sub);
    return xasprintf("%s/%s.json", folder(), name);
}

static void
write_file(const char *path, const struct json *value)
{
    FILE *f = fopen(path, "w");
    char *text = NULL;
    const char *s;

    if (!f) {
        ovs_fatal(errno, "%s: cannot write", path);
    }
    if (value->type == JSON_STRING) {
        s = json_string(value);
    } else {
        s = text = json_to_string(value, 0);
    }
    fputs(s, f);
    if (fclose(f)) {
        ovs_fatal(errno, "%s: cannot write", path);
    }
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct svec files = SVEC_EMPTY_INITIALIZER;
    struct svec subdirs = SVEC_EMPTY_INITIALIZER;
    struct shash_node *node;
    struct json *input;

    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);

    char *text = xmemdup0((const char *) data, size);
    input = json_from_string(text);
    free(text);
    if (input->type != JSON_OBJECT) {
        json_destroy(input);
        return 0;
    }
    SHASH_FOR_EACH (node, json_object(input)) {
        char *path = member_path(node->name, &subdirs);
        if (path) {
            write_file(path, node->data);
            svec_add_nocopy(&files, path);
        }
    }
    json_destroy(input);

    struct sim_import import;
    sim_import_init(&import);
    char *error = sim_import_dir(folder(), &import);
    if (error) {
        if (strncmp(error, folder(), strlen(folder()))
            || import.xml.length || import.warnings.n) {
            ovs_abort(0, "refusal without a file of the folder, or with "
                      "output: %s", error);
        }
        free(error);
    } else {
        struct sim_topology *topo;

        error = sim_topology_load_memory("import.xml", ds_cstr(&import.xml),
                                         import.xml.length, &topo);
        if (error) {
            ovs_abort(0, "the import wrote a topology that the loader "
                      "refuses: %s\n%s", error, ds_cstr(&import.xml));
        }
        sim_topology_destroy(topo);
    }
    sim_import_destroy(&import);

    for (size_t i = 0; i < files.n; i++) {
        unlink(files.names[i]);
    }
    for (size_t i = 0; i < subdirs.n; i++) {
        rmdir(subdirs.names[i]);
    }
    svec_destroy(&files);
    svec_destroy(&subdirs);
    return 0;
}
