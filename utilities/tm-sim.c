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

/* tm-sim: the traffic mirroring simulator's command line.  Everything it
 * does is a call into the simulator library (tmirror/topology.h,
 * tmirror/sim.h) and, for "flows", the flow compiler
 * (tmirror/compile-topology.h); this file parses arguments and writes the
 * output. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "svec.h"
#include "tmirror/compile-topology.h"
#include "tmirror/import.h"
#include "tmirror/model.h"
#include "tmirror/output.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

/* Exit statuses (shared/design.md, "tm-sim"). */
#define EXIT_REACHABLE 0        /* Every checked session is reachable. */
#define EXIT_BLOCKED 1          /* Some session is blocked or invalid. */
#define EXIT_BAD_INPUT 2        /* Bad usage or unusable input. */

/* "flows": the OpenFlow port of the flow-based VXLAN port, by default. */
#define DEFAULT_TUNNEL_PORT 100

enum output_format {
    FORMAT_TEXT,
    FORMAT_JSON,
    FORMAT_HTML,
};

/* What the options asked for. */
struct options {
    struct svec sessions;       /* --session, in order. */
    enum output_format format;  /* --format. */
    char *output;               /* -o: file name, or NULL for stdout. */

    /* For "flows". */
    char *hypervisor;           /* --hypervisor, or NULL for all. */
    struct tm_compile_options compile;
    bool probe;                 /* --backend=auto. */
    char *vswitchd;             /* --vswitchd, or NULL for the default. */
};

struct command {
    const char *name;
    const char *usage;          /* Arguments, for messages. */
    int min_args, max_args;
    int (*run)(const struct options *, int argc, char *argv[]);
};

static void usage(void) OVS_NO_RETURN;

static void OVS_PRINTF_FORMAT(1, 2) OVS_NO_RETURN
bad_usage(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    ovs_error_valist(0, format, args);
    va_end(args);
    fputs("(use --help for help)\n", stderr);
    exit(EXIT_BAD_INPUT);
}

static void
usage(void)
{
    printf("%s: traffic mirroring simulator (dry run)\n"
           "usage: %s COMMAND TOPOLOGY.xml|DIR [OPTIONS]\n"
           "\n"
           "Commands:\n"
           "  check TOPOLOGY.xml   check that each mirror session's copies "
           "(UDP 4789)\n"
           "                       reach their target, and report every "
           "reason they\n"
           "                       do not, with the setting that would fix "
           "it\n"
           "\n"
           "Options:\n"
           "  --session=ID         check only session ID (repeatable; "
           "default: all)\n"
           "  --format=FORMAT      text (default), json or html\n"
           "  -o, --output=FILE    write the report to FILE instead of "
           "standard output\n"
           "\n"
           "  flows TOPOLOGY.xml   print, in ovs-ofctl syntax, the OpenFlow "
           "flows each\n"
           "                       hypervisor would get; sessions found "
           "blocked or\n"
           "                       invalid are left out and named on "
           "standard error\n"
           "  --hypervisor=ID      only hypervisor ID (default: all)\n"
           "  --tunnel-port=N      OpenFlow port of the bridge's flow-based "
           "VXLAN port\n"
           "                       (default: %d)\n"
           "  --pipeline=P         normal (default) or register, as in "
           "tm-compile(7)\n"
           "  --backend=B          how copies are made: native (default: "
           "clone, VXLAN\n"
           "                       port), vxlan-mirror (the patched "
           "datapath's action)\n"
           "                       or auto (asks ovs-vswitchd whether "
           "each hypervisor's\n"
           "                       bridge has vxlan_mirror, else native)\n"
           "  --vswitchd=TARGET    auto: the ovs-vswitchd to ask, as "
           "ovs-appctl -t\n"
           "                       (default: ovs-vswitchd)\n"
           "  --router-mac=MAC     vxlan-mirror: the copies' next hop "
           "when the target\n"
           "                       is not in the source's subnet\n"
           "                       (default: "ETH_ADDR_FMT")\n"
           "  import DIR           write the topology of the AWS account "
           "whose describe\n"
           "                       output (aws ... --output json, one "
           "file per call)\n"
           "                       is in DIR, with a warning for what the "
           "model cannot\n"
           "                       hold (-o: to a file)\n"
           "\n"
           "  -h, --help           display this help message\n"
           "  -V, --version        display version information\n"
           "\n"
           "Exit status: 0 if every checked session is reachable, 1 if one "
           "is blocked\n"
           "or invalid, 2 if the input could not be used (the message "
           "names the file\n"
           "and line).\n",
           program_name, program_name, DEFAULT_TUNNEL_PORT,
           ETH_ADDR_ARGS(TM_ROUTER_MAC_DEFAULT));
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[], struct options *options)
{
    enum {
        OPT_SESSION = UCHAR_MAX + 1,
        OPT_FORMAT,
        OPT_HYPERVISOR,
        OPT_TUNNEL_PORT,
        OPT_PIPELINE,
        OPT_BACKEND,
        OPT_VSWITCHD,
        OPT_ROUTER_MAC,
    };
    static const struct option long_options[] = {
        {"session", required_argument, NULL, OPT_SESSION},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"hypervisor", required_argument, NULL, OPT_HYPERVISOR},
        {"tunnel-port", required_argument, NULL, OPT_TUNNEL_PORT},
        {"pipeline", required_argument, NULL, OPT_PIPELINE},
        {"backend", required_argument, NULL, OPT_BACKEND},
        {"vswitchd", required_argument, NULL, OPT_VSWITCHD},
        {"router-mac", required_argument, NULL, OPT_ROUTER_MAC},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_SESSION:
            svec_add(&options->sessions, optarg);
            break;

        case OPT_FORMAT:
            if (!strcmp(optarg, "text")) {
                options->format = FORMAT_TEXT;
            } else if (!strcmp(optarg, "json")) {
                options->format = FORMAT_JSON;
            } else if (!strcmp(optarg, "html")) {
                options->format = FORMAT_HTML;
            } else {
                bad_usage("--format: \"%s\" is not text, json or html",
                          optarg);
            }
            break;

        case OPT_HYPERVISOR:
            free(options->hypervisor);
            options->hypervisor = xstrdup(optarg);
            break;

        case OPT_TUNNEL_PORT: {
            unsigned int port;

            if (!str_to_uint(optarg, 10, &port) || !port || port > 0xfeff) {
                bad_usage("--tunnel-port: \"%s\" is not an OpenFlow port "
                          "number (1 to 65279)", optarg);
            }
            options->compile.tunnel_port = u16_to_ofp(port);
            break;
        }

        case OPT_PIPELINE:
            if (!strcmp(optarg, "normal")) {
                options->compile.pipeline = TM_PIPELINE_NORMAL;
            } else if (!strcmp(optarg, "register")) {
                options->compile.pipeline = TM_PIPELINE_REGISTER;
            } else {
                bad_usage("--pipeline: \"%s\" is not normal or register",
                          optarg);
            }
            break;

        case OPT_BACKEND:
            options->probe = !strcmp(optarg, "auto");
            if (!options->probe) {
                options->compile.backend = tm_backend_find(optarg);
                if (!options->compile.backend) {
                    bad_usage("--backend: \"%s\" is not native, "
                              "vxlan-mirror or auto", optarg);
                }
            }
            break;

        case OPT_VSWITCHD:
            free(options->vswitchd);
            options->vswitchd = xstrdup(optarg);
            break;

        case OPT_ROUTER_MAC:
            if (!eth_addr_from_string(optarg, &options->compile.router_mac)
                || eth_addr_is_zero(options->compile.router_mac)
                || eth_addr_is_multicast(options->compile.router_mac)) {
                bad_usage("--router-mac: \"%s\" is not a unicast MAC "
                          "address", optarg);
            }
            break;

        case 'o':
            free(options->output);
            options->output = xstrdup(optarg);
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        case '?':
            if (optopt) {
                bad_usage("option -%c: unknown, or missing its argument",
                          optopt);
            }
            bad_usage("option %s: unknown, or missing its argument",
                      argv[optind - 1]);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);
}

/* Writes 'text' to the file named by -o, or to standard output. */
static int
write_output(const struct options *options, const char *text)
{
    char *error = tm_write_output(options->output, text, strlen(text));

    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        free(error);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* Loads topology 'file_name' and checks the sessions in 'sessions' (all of
 * them if it is NULL or empty).  Returns false, after saying why on
 * standard error, if either fails. */
static bool
load_and_check(const char *file_name, const struct svec *sessions,
               struct sim_topology **topop, struct sim_report **reportp)
{
    char *error = sim_topology_load(file_name, topop);

    if (!error) {
        error = sim_check(*topop, sessions ? sessions->names : NULL,
                          sessions ? sessions->n : 0, reportp);
        if (error) {
            sim_topology_destroy(*topop);
        }
    }
    if (error) {
        ovs_error(0, "%s", error);
        free(error);
        return false;
    }
    return true;
}

static int
cmd_check(const struct options *options, int argc OVS_UNUSED, char *argv[])
{
    struct sim_topology *topo;
    struct sim_report *report;
    int status;

    if (!load_and_check(argv[0], &options->sessions, &topo, &report)) {
        return EXIT_BAD_INPUT;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    switch (options->format) {
    case FORMAT_JSON: {
        struct json *json = sim_report_to_json(report);

        json_to_ds(json, JSSF_PRETTY | JSSF_SORT, &out);
        ds_put_char(&out, '\n');
        json_destroy(json);
        break;
    }
    case FORMAT_HTML:
        sim_report_format_html(report, topo, &out);
        break;
    case FORMAT_TEXT:
    default:
        sim_report_format_text(report, topo, &out);
        break;
    }

    status = write_output(options, ds_cstr(&out));
    if (!status) {
        status = sim_report_exit_status(report) ? EXIT_BLOCKED
                                                : EXIT_REACHABLE;
    }
    ds_destroy(&out);
    sim_report_destroy(report);
    sim_topology_destroy(topo);
    return status;
}

/* Says on standard error why 'result', a session found blocked or invalid,
 * is left out of the flows. */
static void
report_left_out(const struct sim_result *result)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "session %s left out of the flows: %s",
                  result->session->id,
                  sim_verdict_to_string(result->verdict));
    for (size_t i = 0; i < result->n_explanations; i++) {
        const struct sim_explanation *e = &result->explanations[i];

        ds_put_format(&s, "%s %s at %s", i ? ";" : ":", e->code,
                      e->component);
    }
    ovs_error(0, "%s", ds_cstr(&s));
    ds_destroy(&s);
}

/* Appends to 'out' the flows of hypervisor 'hv' of 'topo', whose check
 * is 'report'. */
static char *
hypervisor_flows(const struct sim_topology *topo,
                 const struct sim_hypervisor *hv,
                 const struct sim_report *report,
                 const struct options *options, struct ds *out)
{
    struct tm_compile_options compile = options->compile;
    struct tm_topology_input ti;
    char *error;

    if (options->probe) {
        compile.backend = tm_backend_probe(options->vswitchd, hv->bridge);
    }
    tm_topology_input_init(&ti, topo, hv, report);
    ds_put_format(out, "# hypervisor %s, bridge %s, backend %s\n", hv->id,
                  hv->bridge, compile.backend->name);
    error = tm_compile_format(&ti.input, &compile, out);
    tm_topology_input_destroy(&ti);
    return error;
}

static int
cmd_flows(const struct options *options, int argc OVS_UNUSED, char *argv[])
{
    const struct sim_hypervisor *only = NULL;
    struct sim_topology *topo;
    struct sim_report *report;
    char *error = NULL;
    int status = EXIT_REACHABLE;

    if (options->sessions.n || options->format != FORMAT_TEXT) {
        bad_usage("flows: --session and --format are options of check");
    }
    if (options->vswitchd && !options->probe) {
        bad_usage("flows: --vswitchd goes with --backend=auto");
    }
    if (!load_and_check(argv[0], NULL, &topo, &report)) {
        return EXIT_BAD_INPUT;
    }
    if (options->hypervisor) {
        only = shash_find_data(&topo->hypervisors_by_id,
                               options->hypervisor);
        if (!only) {
            ovs_error(0, "%s: no hypervisor \"%s\"", argv[0],
                      options->hypervisor);
            sim_report_destroy(report);
            sim_topology_destroy(topo);
            return EXIT_BAD_INPUT;
        }
    }

    for (size_t i = 0; i < report->n_results; i++) {
        const struct sim_result *r = &report->results[i];

        if (r->verdict != SIM_REACHABLE) {
            report_left_out(r);
            status = EXIT_BLOCKED;
        }
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < topo->n_hypervisors && !error; i++) {
        const struct sim_hypervisor *hv = topo->hypervisors[i];

        if (!only || hv == only) {
            error = hypervisor_flows(topo, hv, report, options, &out);
        }
    }
    if (error) {
        ovs_error(0, "%s", error);
        free(error);
        status = EXIT_BAD_INPUT;
    } else {
        int write_status = write_output(options, ds_cstr(&out));
        status = write_status ? write_status : status;
    }
    ds_destroy(&out);
    sim_report_destroy(report);
    sim_topology_destroy(topo);
    return status;
}

/* "import": an AWS account's describe output to a topology, which must
 * load before it is written. */
static int
cmd_import(const struct options *options, int argc OVS_UNUSED, char *argv[])
{
    struct sim_topology *topo = NULL;
    struct sim_import import;
    int status = EXIT_BAD_INPUT;
    char *error;

    if (options->sessions.n || options->format != FORMAT_TEXT
        || options->hypervisor) {
        bad_usage("import: only -o goes with import");
    }
    sim_import_init(&import);
    error = sim_import_dir(argv[0], &import);
    if (!error) {
        for (size_t i = 0; i < import.warnings.n; i++) {
            ovs_error(0, "warning: %s", import.warnings.names[i]);
        }
        /* A topology that does not load is the import's fault: its
         * messages name the line of the topology it wrote. */
        char *name = xasprintf("%s (imported)", argv[0]);
        error = sim_topology_load_memory(name, ds_cstr(&import.xml),
                                         import.xml.length, &topo);
        free(name);
    }
    if (error) {
        ovs_error(0, "%s", error);
        free(error);
    } else {
        status = write_output(options, ds_cstr(&import.xml));
    }
    sim_topology_destroy(topo);
    sim_import_destroy(&import);
    return status;
}

static const struct command commands[] = {
    { "check", "TOPOLOGY.xml", 1, 1, cmd_check },
    { "flows", "TOPOLOGY.xml", 1, 1, cmd_flows },
    { "import", "DIR", 1, 1, cmd_import },
};

int
main(int argc, char *argv[])
{
    struct options options = { .format = FORMAT_TEXT };
    const struct command *command = NULL;
    int status;

    set_program_name(argv[0]);
    tm_check_stdout_at_exit();
    svec_init(&options.sessions);
    tm_compile_options_init(&options.compile);
    options.compile.tunnel_port = u16_to_ofp(DEFAULT_TUNNEL_PORT);
    parse_options(argc, argv, &options);

    int n_args = argc - optind;
    char **args = argv + optind;
    if (!n_args) {
        bad_usage("missing command (try \"check TOPOLOGY.xml\")");
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(args[0], commands[i].name)) {
            command = &commands[i];
        }
    }
    if (!command) {
        bad_usage("unknown command \"%s\"", args[0]);
    }
    if (n_args - 1 < command->min_args || n_args - 1 > command->max_args) {
        bad_usage("%s: expected %s", command->name, command->usage);
    }

    status = command->run(&options, n_args - 1, args + 1);
    svec_destroy(&options.sessions);
    free(options.output);
    free(options.hypervisor);
    free(options.vswitchd);
    return status;
}
