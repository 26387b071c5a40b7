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

/* The datapath support probe: which backend a bridge can use, asked of a
 * running ovs-vswitchd over its control socket, as "ovs-appctl -t TARGET
 * dpif/show-dp-features BRIDGE" would. */

#include <config.h>

#include "tmirror/compile.h"

#include <string.h>

#include "daemon.h"
#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_probe);

/* The line of "dpif/show-dp-features" that tells, as the patch series
 * prints it. */
#define VXLAN_MIRROR_FEATURE "VXLAN mirror action: "

/* Returns the control socket of 'target', as ovs-appctl finds it, or NULL
 * after storing a malloc()'d reason in '*why'. */
static char *
control_socket(const char *target, char **why)
{
    if (strchr(target, '/')) {
        return xstrdup(target);
    }

    char *pidfile = xasprintf("%s/%s.pid", ovs_rundir(), target);
    pid_t pid = read_pidfile(pidfile);
    char *socket = NULL;

    if (pid < 0) {
        *why = xasprintf("cannot read the pidfile \"%s\" of %s (%s)",
                         pidfile, target, ovs_strerror(-pid));
    } else {
        socket = xasprintf("%s/%s.%ld.ctl", ovs_rundir(), target,
                           (long int) pid);
    }
    free(pidfile);
    return socket;
}

/* Returns the value ("Yes" or "No", without the line's end) of the
 * vxlan_mirror line of 'features', or NULL if there is none. */
static char *
find_feature(const char *features)
{
    for (const char *line = features; line && *line; ) {
        const char *end = strchr(line, '\n');
        size_t len = end ? end - line : strlen(line);

        if (!strncmp(line, VXLAN_MIRROR_FEATURE,
                     strlen(VXLAN_MIRROR_FEATURE))) {
            size_t n = strlen(VXLAN_MIRROR_FEATURE);
            return xmemdup0(line + n, len - n);
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

bool
tm_probe_vxlan_mirror(const char *target, const char *bridge, char **why)
{
    char *socket, *result = NULL, *error = NULL;
    struct jsonrpc *client;
    bool supported = false;
    int retval;

    *why = NULL;
    target = target ? target : "ovs-vswitchd";
    socket = control_socket(target, why);
    if (!socket) {
        return false;
    }

    retval = unixctl_client_create(socket, &client);
    if (retval) {
        *why = xasprintf("cannot connect to %s at \"%s\" (%s)", target,
                         socket, ovs_strerror(retval));
        free(socket);
        return false;
    }

    char *argv[] = { CONST_CAST(char *, bridge) };
    retval = unixctl_client_transact(client, "dpif/show-dp-features", 1,
                                     argv, &result, &error);
    if (retval) {
        *why = xasprintf("%s did not answer dpif/show-dp-features (%s)",
                         target, ovs_strerror(retval));
    } else if (error) {
        size_t len = strlen(error);

        while (len && error[len - 1] == '\n') {
            error[--len] = '\0';
        }
        *why = xasprintf("%s refused dpif/show-dp-features: %s", target,
                         error);
    } else {
        char *value = find_feature(result ? result : "");

        if (!value) {
            *why = xasprintf("%s does not know the vxlan_mirror action "
                             "(no \"VXLAN mirror action\" in its "
                             "dpif/show-dp-features)", target);
        } else if (strcmp(value, "Yes")) {
            *why = xasprintf("the datapath has no vxlan_mirror action "
                             "(dpif/show-dp-features says \"%s%s\")",
                             VXLAN_MIRROR_FEATURE, value);
        } else {
            supported = true;
        }
        free(value);
    }

    jsonrpc_close(client);
    free(result);
    free(error);
    free(socket);
    return supported;
}

const struct tm_backend *
tm_backend_probe(const char *target, const char *bridge)
{
    char *why;

    if (tm_probe_vxlan_mirror(target, bridge, &why)) {
        VLOG_INFO("bridge %s: using the vxlan_mirror backend", bridge);
        return &tm_backend_vxlan_mirror;
    }
    VLOG_WARN("bridge %s: falling back to the native backend: %s", bridge,
              why);
    free(why);
    return &tm_backend_native;
}
