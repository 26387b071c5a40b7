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
 * tmirror/sim.h); this file parses arguments and writes the output. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "svec.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

/* Exit statuses (shared/design.md, "tm-sim"). */
#define EXIT_REACHABLE 0        /* Every checked session is reachable. */
#define EXIT_BLOCKED 1          /* Some session is blocked or invalid. */
#define EXIT_BAD_INPUT 2        /* Bad usage or unusable input. */

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

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n(use --help for help)\n");
    exit(EXIT_BAD_INPUT);
}

static void
usage(void)
{
    printf("%s: traffic mirroring simulator (dry run)\n"
           "usage: %s COMMAND TOPOLOGY.xml [OPTIONS]\n"
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
           "  -h, --help           display this help message\n"
           "  -V, --version        display version information\n"
           "\n"
           "Exit status: 0 if every checked session is reachable, 1 if one "
           "is blocked\n"
           "or invalid, 2 if the input could not be used (the message "
           "names the file\n"
           "and line).\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[], struct options *options)
{
    enum {
        OPT_SESSION = UCHAR_MAX + 1,
        OPT_FORMAT,
    };
    static const struct option long_options[] = {
        {"session", required_argument, NULL, OPT_SESSION},
        {"format", required_argument, NULL, OPT_FORMAT},
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
    FILE *file = options->output ? fopen(options->output, "w") : stdout;

    if (!file) {
        fprintf(stderr, "%s: %s: cannot open for writing: %s\n",
                program_name, options->output, ovs_strerror(errno));
        return EXIT_BAD_INPUT;
    }
    fputs(text, file);
    if (options->output ? fclose(file) : fflush(file)) {
        fprintf(stderr, "%s: %s: write error: %s\n", program_name,
                options->output ? options->output : "standard output",
                ovs_strerror(errno));
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static int
cmd_check(const struct options *options, int argc OVS_UNUSED, char *argv[])
{
    struct sim_topology *topo;
    struct sim_report *report;
    char *error;
    int status;

    error = sim_topology_load(argv[0], &topo);
    if (!error) {
        error = sim_check(topo, options->sessions.names, options->sessions.n,
                          &report);
        if (error) {
            sim_topology_destroy(topo);
        }
    }
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        free(error);
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

/* The commands.  "flows" (the OpenFlow flows that would be installed)
 * joins them with the flow compiler. */
static const struct command commands[] = {
    { "check", "TOPOLOGY.xml", 1, 1, cmd_check },
};

int
main(int argc, char *argv[])
{
    struct options options = { .format = FORMAT_TEXT };
    const struct command *command = NULL;
    int status;

    set_program_name(argv[0]);
    svec_init(&options.sessions);
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
    return status;
}
