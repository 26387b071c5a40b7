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

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_probe);

/* How long the probe waits for ovs-vswitchd, in milliseconds. */
static long long int probe_timeout = TM_PROBE_TIMEOUT_DEFAULT;

void
tm_probe_set_timeout(long long int ms)
{
    probe_timeout = ms > 0 ? ms : TM_PROBE_TIMEOUT_DEFAULT;
}

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
    char *socket = NULL;
    pid_t pid;

    /* read_pidfile() would log a missing file: that is the caller's to
     * say, once. */
    pid = access(pidfile, R_OK) ? -errno : read_pidfile(pidfile);
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

/* Connects to the control socket 'socket', as unixctl_client_create() does
 * but without logging a failure: the caller's one line says it.  Returns 0
 * or a positive errno value. */
static int
connect_control_socket(const char *socket, struct jsonrpc **client)
{
    char *abs_path = abs_file_name(ovs_rundir(), socket);
    char *name = xasprintf("unix:%s", abs_path);
    struct stream *stream;
    int error;

    error = stream_open_block(stream_open(name, &stream, DSCP_DEFAULT),
                              probe_timeout, &stream);
    *client = error ? NULL : jsonrpc_open(stream);
    free(name);
    free(abs_path);
    return error;
}

/* Returns the value ("Yes" or "No", without the line's end) of the
 * vxlan_mirror line of 'features', or NULL if there is none. */
static char *
find_feature(const char *features)
{
    size_t n = strlen(VXLAN_MIRROR_FEATURE);
    const char *line = features;

    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? end - line : strlen(line);

        if (len >= n && !strncmp(line, VXLAN_MIRROR_FEATURE, n)) {
            return xmemdup0(line + n, len - n);
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

/* Sends 'request' on 'client' and waits, until 'deadline' (in msec, as
 * time_msec()), for its reply, which it stores in '*replyp'.  Returns 0 or
 * a positive errno value (ETIMEDOUT past the deadline): as
 * jsonrpc_transact_block() does, but a hung ovs-vswitchd cannot block the
 * caller for ever. */
static int
transact_until(struct jsonrpc *client, struct jsonrpc_msg *request,
               long long int deadline, struct jsonrpc_msg **replyp)
{
    struct json *id = json_clone(request->id);
    int error = jsonrpc_send(client, request);

    *replyp = NULL;
    while (!error) {
        struct jsonrpc_msg *msg;

        jsonrpc_run(client);
        error = jsonrpc_recv(client, &msg);
        if (!error) {
            if (msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR) {
                if (json_equal(msg->id, id)) {
                    *replyp = msg;
                    break;
                }
            }
            jsonrpc_msg_destroy(msg);
        } else if (error == EAGAIN) {
            if (time_msec() >= deadline) {
                error = ETIMEDOUT;
                break;
            }
            error = 0;
            jsonrpc_wait(client);
            jsonrpc_recv_wait(client);
            poll_timer_wait_until(deadline);
            poll_block();
        }
    }
    json_destroy(id);
    return error;
}

/* Runs 'command' with the 'argc' arguments in 'argv' on 'client' (of
 * 'target'), as unixctl_client_transact() does but for at most the probe's
 * timeout, and returns its output, or NULL after storing a malloc()'d
 * reason in '*why'. */
static char *
transact(struct jsonrpc *client, const char *target, const char *command,
         int argc, char *argv[], char **why)
{
    struct json **args = xmalloc(MAX(argc, 1) * sizeof *args);
    char *result = NULL, *error = NULL;
    struct jsonrpc_msg *reply;
    int retval;

    for (int i = 0; i < argc; i++) {
        args[i] = json_string_create(argv[i]);
    }
    retval = transact_until(client,
                            jsonrpc_create_request(
                                command, json_array_create(args, argc),
                                NULL),
                            time_msec() + probe_timeout, &reply);
    if (!retval) {
        const struct json *value = reply->error ? reply->error
                                   : reply->result;

        if (value && value->type != JSON_STRING) {
            retval = EPROTO;
        } else if (reply->error) {
            error = xstrdup(json_string(value));
        } else if (value) {
            result = xstrdup(json_string(value));
        }
        jsonrpc_msg_destroy(reply);
    }

    if (retval == ETIMEDOUT) {
        *why = xasprintf("%s did not answer %s within %lld ms", target,
                         command, probe_timeout);
    } else if (retval) {
        *why = xasprintf("%s did not answer %s (%s)", target, command,
                         ovs_strerror(retval));
    } else if (error) {
        size_t len = strlen(error);

        while (len && error[len - 1] == '\n') {
            error[--len] = '\0';
        }
        *why = xasprintf("%s refused %s: %s", target, command, error);
    }
    free(error);
    if (*why) {
        free(result);
        return NULL;
    }
    return result ? result : xstrdup("");
}

/* Asks 'client' (of 'target') whether the datapath of 'bridge' has the
 * action, and whether it is turned on: "dpif/show-dp-features" says what
 * the datapath can do, "dpif/set-dp-features BRIDGE vxlan_mirror" (which
 * only shows, without a value) whether the translation may use it now,
 * since tests and operators can turn a feature off at run time. */
static bool
probe(struct jsonrpc *client, const char *target, const char *bridge,
      char **why)
{
    char *argv[] = { CONST_CAST(char *, bridge), "vxlan_mirror" };
    bool supported = false;
    char *result, *value;

    result = transact(client, target, "dpif/show-dp-features", 1, argv,
                      why);
    if (!result) {
        return false;
    }
    value = find_feature(result);
    if (!value) {
        *why = xasprintf("%s does not know the vxlan_mirror action (no "
                         "\"VXLAN mirror action\" in its "
                         "dpif/show-dp-features)", target);
    } else if (strcmp(value, "Yes")) {
        *why = xasprintf("the datapath has no vxlan_mirror action "
                         "(dpif/show-dp-features says \"%s%s\")",
                         VXLAN_MIRROR_FEATURE, value);
    }
    free(value);
    free(result);
    if (*why) {
        return false;
    }

    result = transact(client, target, "dpif/set-dp-features", 2, argv,
                      why);
    if (!result) {
        return false;
    }
    if (strstr(result, "[run time]:true")) {
        supported = true;
    } else {
        result[strcspn(result, "\n")] = '\0';
        *why = xasprintf("the vxlan_mirror action is turned off at run "
                         "time (dpif/set-dp-features says \"%s\")",
                         result);
    }
    free(result);
    return supported;
}

bool
tm_probe_vxlan_mirror(const char *target, const char *bridge, char **why)
{
    struct jsonrpc *client;
    bool supported;
    char *socket;
    int retval;

    *why = NULL;
    target = target ? target : "ovs-vswitchd";
    socket = control_socket(target, why);
    if (!socket) {
        return false;
    }

    retval = connect_control_socket(socket, &client);
    if (retval) {
        *why = (strcmp(target, socket)
                ? xasprintf("cannot connect to %s at \"%s\" (%s)", target,
                            socket, ovs_strerror(retval))
                : xasprintf("cannot connect to %s (%s)", target,
                            ovs_strerror(retval)));
        free(socket);
        return false;
    }
    supported = probe(client, target, bridge, why);
    jsonrpc_close(client);
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
