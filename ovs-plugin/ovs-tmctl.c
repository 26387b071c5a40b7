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

/* ovs-tmctl: the TrafficMirror database's configuration utility.
 *
 * It is built on Open vSwitch's db-ctl-base, as ovs-vsctl and vtep-ctl are:
 * global options, "--" between the commands of one transaction, and the
 * generic database commands come from there.  Its own commands carry the
 * names and options of the AWS CLI's EC2 Traffic Mirroring commands.  Each
 * change is first applied to the mirroring model (lib/), loaded with the
 * simulator's loader from what the database holds, so that the model's
 * rules refuse it before anything is sent; the transaction then verifies
 * that the database has not changed since it was read. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command-line.h"
#include "db-ctl-base.h"
#include "fatal-signal.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "process.h"
#include "ovs-plugin/traffic-mirror-idl.h"
#include "ovsdb-data.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "tmirror/aws-cli.h"
#include "tmirror/compile-topology.h"
#include "tmirror/compile.h"
#include "tmirror/db.h"
#include "tmirror/model.h"
#include "tmirror/sim.h"
#include "tmirror/topology.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovs_tmctl);

/* Exit statuses: a rule refused a change, or the input cannot be used. */
#define EXIT_REFUSED 1
#define EXIT_BAD_INPUT 2

/* --db: The database server to contact. */
static const char *db;

/* --dry-run: Do not commit any changes. */
static bool dry_run;

/* --timeout: Time to wait for a connection to 'db'. */
static unsigned int timeout;

/* --account: The caller's account, when its commands do not name one. */
static const char *default_account;

/* --output (the AWS CLI's) or --format: how the traffic mirror commands
 * print what they print. */
enum output_format {
    OUTPUT_TEXT,
    OUTPUT_JSON,
    OUTPUT_TABLE,
};
static enum output_format output_format = OUTPUT_TEXT;

/* Format for the generic commands' tables. */
static struct table_style table_style = TABLE_STYLE_DEFAULT;

/* The IDL and the current transaction, for tmctl_exit() only. */
static struct ovsdb_idl *the_idl;
static struct ovsdb_idl_txn *the_idl_txn;

/* Whether this transaction inserts the Global row. */
static bool global_inserted;

/* The exit status for the error that a command reports. */
static int error_status = EXIT_REFUSED;

OVS_NO_RETURN static void tmctl_exit(int status);
OVS_NO_RETURN static void usage(void);
static void tmctl_cmd_init(void);
static void parse_options(int argc, char *argv[], struct shash *local);
static void run_prerequisites(struct ctl_command[], size_t n_commands,
                              struct ovsdb_idl *);
static bool do_tmctl(const char *args, struct ctl_command *, size_t n,
                     struct ovsdb_idl *);

int
main(int argc, char *argv[])
{
    struct ctl_command *commands;
    struct shash local_options;
    size_t n_commands;

    set_program_name(argv[0]);
    fatal_ignore_sigpipe();
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    vlog_set_levels_from_string_assert("reconnect:warn");

    tmctl_cmd_init();

    char *args = process_escape_args(argv);
    shash_init(&local_options);
    parse_options(argc, argv, &local_options);
    char *error = ctl_parse_commands(argc - optind, argv + optind,
                                     &local_options, &commands, &n_commands);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        exit(EXIT_BAD_INPUT);
    }
    VLOG(ctl_might_write_to_db(commands, n_commands) ? VLL_INFO : VLL_DBG,
         "Called as %s", args);

    /* A command's --dry-run, as the AWS CLI takes it, is the whole
     * transaction's: know it before any command runs. */
    for (size_t i = 0; i < n_commands; i++) {
        for (int j = 1; j < commands[i].argc; j++) {
            dry_run = dry_run || !strcmp(commands[i].argv[j], "--dry-run");
        }
    }

    ctl_timeout_setup(timeout);

    struct ovsdb_idl *idl = the_idl = ovsdb_idl_create(db, &tmrec_idl_class,
                                                       true, false);
    run_prerequisites(commands, n_commands, idl);

    /* There is no point in trying to commit more than once for a given
     * sequence number: a transaction that fails does so because the
     * database changed, and it must be seen before trying again. */
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    for (;;) {
        ovsdb_idl_run(idl);
        if (!ovsdb_idl_is_alive(idl)) {
            int retval = ovsdb_idl_get_last_error(idl);
            ctl_fatal("%s: database connection failed (%s)",
                      db, ovs_retval_to_string(retval));
        }

        if (seqno != ovsdb_idl_get_seqno(idl)) {
            seqno = ovsdb_idl_get_seqno(idl);
            if (do_tmctl(args, commands, n_commands, idl)) {
                free(args);
                exit(EXIT_SUCCESS);
            }
        }

        if (seqno == ovsdb_idl_get_seqno(idl)) {
            ovsdb_idl_wait(idl);
            poll_block();
        }
    }
}

static void
set_output_format(const char *s)
{
    if (!strcmp(s, "json")) {
        output_format = OUTPUT_JSON;
        table_style.format = TF_JSON;
    } else if (!strcmp(s, "table")) {
        output_format = OUTPUT_TABLE;
        table_style.format = TF_TABLE;
    } else if (!strcmp(s, "text")) {
        output_format = OUTPUT_TEXT;
        table_style.format = TF_TABLE;
    } else {
        /* One of the formats of Open vSwitch's tables, for the generic
         * commands; the traffic mirror commands print text. */
        output_format = OUTPUT_TEXT;
        table_parse_format(&table_style, s);
    }
}

static void
parse_options(int argc, char *argv[], struct shash *local_options)
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_NO_SYSLOG,
        OPT_DRY_RUN,
        OPT_ACCOUNT,
        OPT_OUTPUT,
        OPT_LOCAL,
        VLOG_OPTION_ENUMS,
        TABLE_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option global_long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"no-syslog", no_argument, NULL, OPT_NO_SYSLOG},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"account", required_argument, NULL, OPT_ACCOUNT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        TABLE_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const int n_global_long_options = ARRAY_SIZE(global_long_options) - 1;

    char *tmp = ovs_cmdl_long_options_to_short_options(global_long_options);
    char *short_options = xasprintf("+%s", tmp);
    free(tmp);

    /* Global options, then the options of the generic commands. */
    struct option *options = xmemdup(global_long_options,
                                     sizeof global_long_options);
    size_t allocated_options = ARRAY_SIZE(global_long_options);
    size_t n_options = n_global_long_options;
    ctl_add_cmd_options(&options, &n_options, &allocated_options, OPT_LOCAL);

    for (;;) {
        int idx;
        int c = getopt_long(argc, argv, short_options, options, &idx);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_DB:
            db = optarg;
            break;

        case OPT_NO_SYSLOG:
            vlog_set_levels(&this_module, VLF_SYSLOG, VLL_WARN);
            break;

        case OPT_DRY_RUN:
            dry_run = true;
            break;

        case OPT_ACCOUNT:
            default_account = optarg;
            break;

        case OPT_OUTPUT:
        case 'f':
            set_output_format(optarg);
            break;

        case OPT_LOCAL:
            if (shash_find(local_options, options[idx].name)) {
                ctl_fatal("'%s' option specified multiple times",
                          options[idx].name);
            }
            shash_add_nocopy(local_options,
                             xasprintf("--%s", options[idx].name),
                             nullable_xstrdup(optarg));
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            printf("DB Schema %s\n", tmrec_get_db_version());
            exit(EXIT_SUCCESS);

        case 't':
            if (!str_to_uint(optarg, 10, &timeout) || !timeout) {
                ctl_fatal("value %s on -t or --timeout is invalid", optarg);
            }
            break;

        VLOG_OPTION_HANDLERS

        case 'd':
            table_parse_cell_format(&table_style, optarg);
            break;

        case OPT_NO_HEADINGS:
            table_style.headings = false;
            break;

        case OPT_PRETTY:
            table_style.json_flags |= JSSF_PRETTY;
            break;

        case OPT_BARE:
            table_style.format = TF_LIST;
            table_style.cell_format = CF_BARE;
            table_style.headings = false;
            break;

        case OPT_MAX_COLUMN_WIDTH:
            table_style.max_column_width = atoi(optarg);
            break;

        STREAM_SSL_OPTION_HANDLERS

        case '?':
            exit(EXIT_BAD_INPUT);

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    if (!db) {
        db = ctl_default_db();
    }
    if (!default_account) {
        default_account = getenv("TM_ACCOUNT");
    }

    for (size_t i = n_global_long_options; options[i].name; i++) {
        free(CONST_CAST(char *, options[i].name));
    }
    free(options);
}

/* Frees the current transaction and the IDL and exits with 'status'. */
static void
tmctl_exit(int status)
{
    if (the_idl_txn) {
        ovsdb_idl_txn_abort(the_idl_txn);
        ovsdb_idl_txn_destroy(the_idl_txn);
    }
    ovsdb_idl_destroy(the_idl);
    exit(status);
}

static void
usage(void)
{
    printf(
    "%s: Traffic Mirror database configuration utility\n"
    "usage: %s [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...\n"
    "\n"
    "Traffic mirror targets:\n"
    "  create-traffic-mirror-target --network-interface-id ENI\n"
    "      | --network-load-balancer-arn NLB  [--description D] [--tag K=V]\n"
    "  delete-traffic-mirror-target --traffic-mirror-target-id T\n"
    "  describe-traffic-mirror-targets [--traffic-mirror-target-ids T...]\n"
    "      [--filters Name=N,Values=V[,V]...]...\n"
    "\n"
    "Traffic mirror filters and their rules:\n"
    "  create-traffic-mirror-filter [--description D] [--tag K=V]...\n"
    "  delete-traffic-mirror-filter --traffic-mirror-filter-id F\n"
    "  describe-traffic-mirror-filters [--traffic-mirror-filter-ids F...]\n"
    "      [--filters Name=N,Values=V[,V]...]...\n"
    "  modify-traffic-mirror-filter-network-services\n"
    "      --traffic-mirror-filter-id F [--add-network-services amazon-dns]\n"
    "      [--remove-network-services amazon-dns]\n"
    "  create-traffic-mirror-filter-rule --traffic-mirror-filter-id F\n"
    "      --traffic-direction ingress|egress --rule-number N\n"
    "      --rule-action accept|reject [--protocol P]\n"
    "      [--source-port-range FromPort=A,ToPort=B]\n"
    "      [--destination-port-range FromPort=A,ToPort=B]\n"
    "      --source-cidr-block C --destination-cidr-block C\n"
    "      [--description D]\n"
    "  modify-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id R\n"
    "      [the options of create-traffic-mirror-filter-rule]\n"
    "      [--remove-fields destination-port-range|source-port-range|\n"
    "                       protocol|description...]\n"
    "  delete-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id R\n"
    "  describe-traffic-mirror-filter-rules\n"
    "      [--traffic-mirror-filter-rule-ids R...]\n"
    "      [--traffic-mirror-filter-id F]\n"
    "      [--filters Name=N,Values=V[,V]...]...\n"
    "\n"
    "Traffic mirror sessions:\n"
    "  create-traffic-mirror-session --network-interface-id ENI\n"
    "      --traffic-mirror-target-id T --traffic-mirror-filter-id F\n"
    "      --session-number N [--virtual-network-id V] [--packet-length L]\n"
    "      [--description D] [--tag K=V]...\n"
    "  modify-traffic-mirror-session --traffic-mirror-session-id S\n"
    "      [--traffic-mirror-target-id T] [--traffic-mirror-filter-id F]\n"
    "      [--session-number N] [--virtual-network-id V]\n"
    "      [--packet-length L] [--description D]\n"
    "      [--remove-fields packet-length|description|\n"
    "                       virtual-network-id...]\n"
    "  delete-traffic-mirror-session --traffic-mirror-session-id S\n"
    "  describe-traffic-mirror-sessions [--traffic-mirror-session-ids S...]\n"
    "      [--filters Name=N,Values=V[,V]...]...\n"
    "\n"
    "Each of these also takes --account ID, --dry-run, --output FORMAT and\n"
    "--client-token TOKEN; where it takes --tag, also --tag-specifications\n"
    "'ResourceType=R,Tags=[{Key=K,Value=V},...]'.\n"
    "\n"
    "The network:\n"
    "  load-topology FILE          store the network of topology FILE\n"
    "  dump-topology               print the network with the mirror\n"
    "                              objects, as a topology file\n"
    "  show                        print an overview of the mirror objects\n"
    "\n",
           program_name, program_name);
    printf("%s%s", ctl_get_db_cmd_usage(), ctl_list_db_tables_usage());
    printf(
    "\n"
    "Options:\n"
    "  --db=DATABASE               connect to DATABASE\n"
    "                              (default: %s)\n"
    "  --account=ID                the caller's account (default:\n"
    "                              $TM_ACCOUNT, or the topology's only\n"
    "                              account)\n"
    "  -t, --timeout=SECS          wait at most SECS seconds\n"
    "  --dry-run                   do not commit changes to database; print\n"
    "                              what the changes would do\n"
    "  --output=json|table|text    how the traffic mirror commands print\n"
    "                              (default: text)\n",
           ctl_default_db());
    table_usage();
    vlog_usage();
    printf("  --no-syslog                 equivalent to "
    "--verbose=ovs_tmctl:syslog:warn\n");
    stream_usage("database", true, true, false);
    printf("\n"
    "Other options:\n"
    "  -h, --help                  display this help message\n"
    "  -V, --version               display version information\n"
    "\n"
    "Exit status: 0 on success, 1 when a mirroring rule refuses a "
    "change,\n2 when the input cannot be used.\n");
    exit(EXIT_SUCCESS);
}

/* ---- The context. ---- */

struct tmctl_context {
    struct ctl_context base;

    const struct tmrec_global *global;

    /* What the database holds, as the mirroring model and the simulator see
     * it, with the changes of the transaction's earlier commands; NULL until
     * a traffic mirror command needs it, and after a generic command. */
    struct sim_topology *topo;
    bool verified;              /* Global:generation verified? */

    /* Sessions that the transaction's changes touch, for --dry-run. */
    struct sset touched;

    /* With --dry-run: what the database held before the transaction, for
     * the flows that the changes add and remove. */
    struct sim_topology *before;
    bool before_loaded;         /* 'before' tried already? */
};

static struct tmctl_context *
tmctl_context_cast(struct ctl_context *base)
{
    return CONTAINER_OF(base, struct tmctl_context, base);
}

static void
tmctl_context_invalidate_cache(struct ctl_context *base)
{
    struct tmctl_context *ctx = tmctl_context_cast(base);

    sim_topology_destroy(ctx->topo);
    ctx->topo = NULL;
}

static void
tmctl_context_init(struct tmctl_context *ctx, struct ctl_command *command,
                   struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                   const struct tmrec_global *global,
                   struct ovsdb_symbol_table *symtab)
{
    ctl_context_init(&ctx->base, command, idl, txn, symtab,
                     tmctl_context_invalidate_cache);
    ctx->global = global;
    ctx->topo = NULL;
    ctx->verified = false;
    sset_init(&ctx->touched);
    ctx->before = NULL;
    ctx->before_loaded = false;
}

static void
tmctl_context_done(struct tmctl_context *ctx, struct ctl_command *command)
{
    ctl_context_done(&ctx->base, command);
    sim_topology_destroy(ctx->topo);
    ctx->topo = NULL;
    sset_destroy(&ctx->touched);
    sim_topology_destroy(ctx->before);
    ctx->before = NULL;
}

/* Reports 'error' (which this function frees) with the exit status
 * 'status'. */
static void
tmctl_error(struct tmctl_context *ctx, int status, char *error)
{
    error_status = status;
    ctl_error(&ctx->base, "%s: %s", ctx->base.argv[0], error);
    free(error);
}

/* Reports the model's refusal 'e' (which this function frees), naming the
 * option at fault and the rule. */
static void
tmctl_model_error(struct tmctl_context *ctx, struct tm_error *e)
{
    char *error = xasprintf("%s%s%s%s (%s: %s)",
                            e->field ? "--" : "", e->field ? e->field : "",
                            e->field ? ": " : "", e->message,
                            tm_error_code_name(e->code),
                            tm_error_code_summary(e->code));
    tm_error_destroy(e);
    tmctl_error(ctx, EXIT_REFUSED, error);
}

/* Makes sure that 'ctx->topo' holds what the database holds, and that the
 * transaction will verify that the database did not change meanwhile.
 * Returns false, with an error reported, if the database cannot be
 * loaded. */
static bool
tmctl_load(struct tmctl_context *ctx)
{
    if (!ctx->verified && ctx->global && !global_inserted) {
        /* Every change of ovs-tmctl sets a new generation: two commands
         * that read the same one cannot both commit. */
        tmrec_global_verify_generation(ctx->global);
    }
    ctx->verified = true;

    if (dry_run && !ctx->before_loaded) {
        /* Loaded before any change: the commands run one after the other
         * and this is the first that needs the database. */
        char *error = tm_db_load_topology(ctx->base.idl, &ctx->before);
        free(error);
    }
    ctx->before_loaded = true;

    if (!ctx->topo) {
        char *error = tm_db_load_topology(ctx->base.idl, &ctx->topo);
        if (error) {
            tmctl_error(ctx, EXIT_BAD_INPUT,
                        xasprintf("the database cannot be used: %s", error));
            free(error);
            return false;
        }
    }
    return true;
}


/* Parses the arguments of the command of 'ctx' into 'args', applies the
 * options common to every traffic mirror command, and checks that
 * 'required' are given.  Returns false, with an error reported, if the
 * arguments cannot be used. */
static bool
tmctl_parse_args(struct tmctl_context *ctx,
                 const struct tm_aws_option *options,
                 size_t n_options, const char *const *required,
                 struct tm_aws_args *args)
{
    char *error = tm_aws_args_parse(ctx->base.argc, ctx->base.argv, options,
                                    n_options, args);
    if (!error && required) {
        error = tm_aws_require(args, required);
    }
    if (!error && tm_aws_get(args, "output")) {
        const char *o = tm_aws_get(args, "output");
        if (strcmp(o, "json") && strcmp(o, "text") && strcmp(o, "table")) {
            error = xasprintf("--output: \"%s\" is not json, text or table",
                              o);
        } else {
            set_output_format(o);
        }
    }
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        tm_aws_args_destroy(args);
        return false;
    }
    if (tm_aws_has(args, "dry-run")) {
        dry_run = true;
        if (ctx->base.txn) {
            ovsdb_idl_txn_set_dry_run(ctx->base.txn);
        }
    }
    return true;
}

/* Returns the caller's account for the command 'args': --account, then the
 * global --account or $TM_ACCOUNT, then the topology's only account. */
static const char *
tmctl_account(struct tmctl_context *ctx, const struct tm_aws_args *args)
{
    const char *account = tm_aws_get(args, "account");

    if (!account) {
        account = default_account;
    }
    if (!account && ctx->topo && ctx->topo->n_accounts == 1) {
        account = ctx->topo->accounts[0]->id;
    }
    if (!account) {
        size_t n = ctx->topo ? ctx->topo->n_accounts : 0;
        tmctl_error(ctx, EXIT_BAD_INPUT,
                    xasprintf("--account: the topology has %"PRIuSIZE" "
                              "accounts: say which is the caller's with "
                              "--account=ID or $TM_ACCOUNT", n));
    }
    return account;
}

/* Starts a traffic mirror command: parses its arguments into 'args' (see
 * tmctl_parse_args()), loads the database, and stores the caller's account
 * in '*accountp' (for a describe, NULL when none is given).  Returns false,
 * with an error reported and 'args' freed, if the command cannot go on. */
static bool
tmctl_begin(struct tmctl_context *ctx, const struct tm_aws_option *options,
            size_t n_options, const char *const *required,
            bool is_describe, struct tm_aws_args *args,
            const char **accountp)
{
    *accountp = NULL;
    if (!tmctl_parse_args(ctx, options, n_options, required, args)) {
        return false;
    }
    if (!tmctl_load(ctx)) {
        tm_aws_args_destroy(args);
        return false;
    }
    if (is_describe) {
        *accountp = tm_aws_get(args, "account");
        if (!*accountp) {
            *accountp = default_account;
        }
    } else {
        *accountp = tmctl_account(ctx, args);
        if (!*accountp) {
            tm_aws_args_destroy(args);
            return false;
        }
    }
    return true;
}

/* ---- Rows. ---- */

#define FIND_ROW(TYPE, TABLE, COLUMN)                                   \
    static const struct tmrec_##TYPE *                                  \
    find_##TYPE(struct ovsdb_idl *idl, const char *id)                  \
    {                                                                   \
        const struct tmrec_##TYPE *row;                                 \
                                                                        \
        TMREC_##TABLE##_FOR_EACH (row, idl) {                           \
            if (id && !strcmp(row->COLUMN, id)) {                       \
                return row;                                             \
            }                                                           \
        }                                                               \
        return NULL;                                                    \
    }
FIND_ROW(traffic_mirror_target, TRAFFIC_MIRROR_TARGET,
         traffic_mirror_target_id)
FIND_ROW(traffic_mirror_filter, TRAFFIC_MIRROR_FILTER,
         traffic_mirror_filter_id)
FIND_ROW(traffic_mirror_filter_rule, TRAFFIC_MIRROR_FILTER_RULE,
         traffic_mirror_filter_rule_id)
FIND_ROW(traffic_mirror_session, TRAFFIC_MIRROR_SESSION,
         traffic_mirror_session_id)

/* Returns the filter that holds 'rule'. */
static const struct tmrec_traffic_mirror_filter *
filter_of_rule(struct ovsdb_idl *idl,
               const struct tmrec_traffic_mirror_filter_rule *rule)
{
    const struct tmrec_traffic_mirror_filter *filter;

    TMREC_TRAFFIC_MIRROR_FILTER_FOR_EACH (filter, idl) {
        for (size_t i = 0; i < filter->n_rules; i++) {
            if (filter->rules[i] == rule) {
                return filter;
            }
        }
    }
    return NULL;
}

/* Returns the model's rule for the database's 'rule' of 'filter': rules
 * are known to the model by filter, direction and number. */
static const struct tm_rule *
model_rule(const struct tm_model *model,
           const struct tmrec_traffic_mirror_filter *filter,
           const struct tmrec_traffic_mirror_filter_rule *rule)
{
    const struct tm_filter *f = tm_model_find_filter(
        model, filter->traffic_mirror_filter_id);
    enum tm_direction d;

    if (!f || !tm_parse_direction(rule->traffic_direction, &d)) {
        return NULL;
    }
    for (size_t i = 0; i < f->n_rules[d]; i++) {
        if (f->rules[d][i]->number == rule->rule_number) {
            return f->rules[d][i];
        }
    }
    return NULL;
}

/* Marks for --dry-run the sessions that use 'target_id' or 'filter_id'. */
static void
touch_sessions_of(struct tmctl_context *ctx, const char *target_id,
                  const char *filter_id)
{
    const struct tmrec_traffic_mirror_session *s;

    TMREC_TRAFFIC_MIRROR_SESSION_FOR_EACH (s, ctx->base.idl) {
        if ((target_id && s->traffic_mirror_target
             && !strcmp(s->traffic_mirror_target->traffic_mirror_target_id,
                        target_id))
            || (filter_id && s->traffic_mirror_filter
                && !strcmp(s->traffic_mirror_filter->traffic_mirror_filter_id,
                           filter_id))) {
            sset_add(&ctx->touched, s->traffic_mirror_session_id);
        }
    }
}

/* ---- Output. ---- */

static struct json *
tags_to_json(const struct smap *tags)
{
    struct json *array = json_array_create_empty();
    const struct smap_node **nodes = smap_sort(tags);

    for (size_t i = 0; i < smap_count(tags); i++) {
        struct json *tag = json_object_create();
        json_object_put_string(tag, "Key", nodes[i]->key);
        json_object_put_string(tag, "Value", nodes[i]->value);
        json_array_add(array, tag);
    }
    free(nodes);
    return array;
}

static void
put_string(struct json *object, const char *name, const char *value)
{
    if (value && value[0]) {
        json_object_put_string(object, name, value);
    }
}

static struct json *
target_to_json(const struct tmrec_traffic_mirror_target *t)
{
    struct json *j = json_object_create();

    put_string(j, "TrafficMirrorTargetId", t->traffic_mirror_target_id);
    put_string(j, "NetworkInterfaceId", t->network_interface_id);
    put_string(j, "NetworkLoadBalancerArn", t->network_load_balancer_arn);
    put_string(j, "Type", (t->network_interface_id ? "network-interface"
                           : "network-load-balancer"));
    put_string(j, "Description", t->description);
    put_string(j, "OwnerId", t->owner_id);
    json_object_put(j, "Tags", tags_to_json(&t->tags));
    return j;
}

static struct json *
port_range_to_json(const int64_t *from, size_t n_from,
                   const int64_t *to, size_t n_to)
{
    struct json *j = json_object_create();

    if (n_from) {
        json_object_put(j, "FromPort", json_integer_create(*from));
    }
    if (n_to) {
        json_object_put(j, "ToPort", json_integer_create(*to));
    }
    return j;
}

static struct json *
rule_to_json(const struct tmrec_traffic_mirror_filter *filter,
             const struct tmrec_traffic_mirror_filter_rule *r)
{
    struct json *j = json_object_create();

    put_string(j, "TrafficMirrorFilterRuleId",
               r->traffic_mirror_filter_rule_id);
    if (filter) {
        put_string(j, "TrafficMirrorFilterId",
                   filter->traffic_mirror_filter_id);
    }
    put_string(j, "TrafficDirection", r->traffic_direction);
    json_object_put(j, "RuleNumber", json_integer_create(r->rule_number));
    put_string(j, "RuleAction", r->rule_action);
    if (r->n_protocol) {
        json_object_put(j, "Protocol", json_integer_create(*r->protocol));
    }
    if (r->n_destination_from_port || r->n_destination_to_port) {
        json_object_put(j, "DestinationPortRange",
                        port_range_to_json(r->destination_from_port,
                                           r->n_destination_from_port,
                                           r->destination_to_port,
                                           r->n_destination_to_port));
    }
    if (r->n_source_from_port || r->n_source_to_port) {
        json_object_put(j, "SourcePortRange",
                        port_range_to_json(r->source_from_port,
                                           r->n_source_from_port,
                                           r->source_to_port,
                                           r->n_source_to_port));
    }
    put_string(j, "DestinationCidrBlock", r->destination_cidr_block);
    put_string(j, "SourceCidrBlock", r->source_cidr_block);
    put_string(j, "Description", r->description);
    return j;
}

static struct json *
filter_to_json(const struct tmrec_traffic_mirror_filter *f)
{
    struct json *j = json_object_create();
    struct json *ingress = json_array_create_empty();
    struct json *egress = json_array_create_empty();
    struct json *services = json_array_create_empty();
    struct tmrec_traffic_mirror_filter_rule **rules = tm_db_sorted_rules(f);

    for (size_t i = 0; i < f->n_rules; i++) {
        json_array_add(!strcmp(rules[i]->traffic_direction, "ingress")
                       ? ingress : egress, rule_to_json(f, rules[i]));
    }
    free(rules);
    if (f->network_services) {
        json_array_add(services, json_string_create(f->network_services));
    }

    put_string(j, "TrafficMirrorFilterId", f->traffic_mirror_filter_id);
    json_object_put(j, "IngressFilterRules", ingress);
    json_object_put(j, "EgressFilterRules", egress);
    json_object_put(j, "NetworkServices", services);
    put_string(j, "Description", f->description);
    json_object_put(j, "Tags", tags_to_json(&f->tags));
    return j;
}

static struct json *
session_to_json(const struct tmrec_traffic_mirror_session *s)
{
    struct json *j = json_object_create();

    put_string(j, "TrafficMirrorSessionId", s->traffic_mirror_session_id);
    if (s->traffic_mirror_target) {
        put_string(j, "TrafficMirrorTargetId",
                   s->traffic_mirror_target->traffic_mirror_target_id);
    }
    if (s->traffic_mirror_filter) {
        put_string(j, "TrafficMirrorFilterId",
                   s->traffic_mirror_filter->traffic_mirror_filter_id);
    }
    put_string(j, "NetworkInterfaceId", s->network_interface_id);
    put_string(j, "OwnerId", s->owner_id);
    if (s->n_packet_length) {
        json_object_put(j, "PacketLength",
                        json_integer_create(*s->packet_length));
    }
    json_object_put(j, "SessionNumber",
                    json_integer_create(s->session_number));
    json_object_put(j, "VirtualNetworkId",
                    json_integer_create(s->virtual_network_id));
    put_string(j, "Description", s->description);
    json_object_put(j, "Tags", tags_to_json(&s->tags));

    /* Beyond the AWS API: what ovs-tmd found, if anything. */
    if (s->status) {
        put_string(j, "Status", s->status);
    }
    if (s->n_explanations) {
        struct json *explanations = json_array_create_empty();

        for (size_t i = 0; i < s->n_explanations; i++) {
            const struct tmrec_traffic_mirror_explanation *e
                = s->explanations[i];
            struct json *x = json_object_create();

            put_string(x, "Code", e->code);
            put_string(x, "Component", e->component);
            if (e->direction) {
                put_string(x, "Direction", e->direction);
            }
            put_string(x, "Detail", e->detail);
            put_string(x, "Fix", e->fix);
            json_array_add(explanations, x);
        }
        json_object_put(j, "Explanations", explanations);
    }
    if (s->n_statistics) {
        struct json *statistics = json_object_create();

        for (size_t i = 0; i < s->n_statistics; i++) {
            json_object_put(statistics, s->key_statistics[i],
                            json_integer_create(s->value_statistics[i]));
        }
        json_object_put(j, "Statistics", statistics);
    }
    return j;
}

/* Appends 'json' (which this function frees) to the output of 'ctx'. */
static void
output_json(struct tmctl_context *ctx, struct json *json)
{
    json_to_ds(json, JSSF_PRETTY | JSSF_SORT, &ctx->base.output);
    ds_put_char(&ctx->base.output, '\n');
    json_destroy(json);
}

/* Prints the result of a create or modify of one object: its id as text,
 * or the AWS CLI's answer '{"NAME": object}' in JSON. */
static void
output_object(struct tmctl_context *ctx, const char *name, const char *id,
              struct json *object, const struct tm_aws_args *args)
{
    if (output_format == OUTPUT_JSON) {
        struct json *answer = json_object_create();

        json_object_put(answer, name, object);
        if (tm_aws_get(args, "client-token")) {
            json_object_put_string(answer, "ClientToken",
                                   tm_aws_get(args, "client-token"));
        }
        output_json(ctx, answer);
    } else {
        json_destroy(object);
        ds_put_format(&ctx->base.output, "%s\n", id);
    }
}

/* Prints the result of a delete: the id, or '{"NAME": "ID"}' in JSON. */
static void
output_deleted(struct tmctl_context *ctx, const char *name, const char *id)
{
    if (output_format == OUTPUT_JSON) {
        struct json *answer = json_object_create();

        json_object_put_string(answer, name, id);
        output_json(ctx, answer);
    } else {
        ds_put_format(&ctx->base.output, "%s\n", id);
    }
}

/* ---- Describe. ---- */


static void
smap_add_int(struct smap *smap, const char *key, int64_t value)
{
    smap_add_format(smap, key, "%"PRId64, value);
}

/* The start of a describe command: its arguments, the database, and the
 * query of its first option (--traffic-mirror-*-ids) and of --filters
 * with the filter names 'names'.  Returns false, with an error reported
 * and nothing to free, if it cannot go on. */
static bool
describe_begin(struct tmctl_context *ctx, const struct tm_aws_option *options,
               size_t n_options, const char *const *names,
               struct tm_aws_args *args, struct tm_describe_query *q,
               const char **accountp)
{
    if (!tmctl_begin(ctx, options, n_options, NULL, true, args, accountp)) {
        return false;
    }

    char *error = tm_describe_query_parse(args, options[0].name, names, q);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        tm_describe_query_destroy(q);
        tm_aws_args_destroy(args);
        return false;
    }
    return true;
}

/* Returns a new table with the columns 'headings' (null-terminated) for
 * --output table, or NULL for the other formats. */
static struct table *
describe_table(const char *const *headings)
{
    if (output_format != OUTPUT_TABLE) {
        return NULL;
    }

    struct table *table = xmalloc(sizeof *table);
    table_init(table);
    for (; *headings; headings++) {
        table_add_column(table, "%s", *headings);
    }
    return table;
}

/* Ends a describe command: prints '{"NAME": array}' in JSON, or leaves
 * 'table' to be printed; frees what the command used. */
static void
describe_end(struct tmctl_context *ctx, const char *name, struct json *array,
             struct table *table, struct tm_describe_query *q,
             struct tm_aws_args *args)
{
    if (output_format == OUTPUT_JSON) {
        struct json *answer = json_object_create();
        json_object_put(answer, name, array);
        output_json(ctx, answer);
    } else {
        json_destroy(array);
        ctx->base.table = table;
    }
    tm_describe_query_destroy(q);
    tm_aws_args_destroy(args);
}

static void
cmd_describe_targets(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-target-ids", TM_AWS_LIST},
        {"filters", TM_AWS_REPEAT},
    };
    static const char *const names[] = {
        "traffic-mirror-target-id", "network-interface-id",
        "network-load-balancer-arn", "owner-id", "description", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_describe_query q;
    struct tm_aws_args args;

    const char *account;
    if (!describe_begin(ctx, options, ARRAY_SIZE(options), names, &args,
                        &q, &account)) {
        return;
    }

    size_t n;
    const struct tm_target **visible = tm_model_describe_targets(
        ctx->topo->model, account, &n);
    struct json *array = json_array_create_empty();
    static const char *const headings[] = {
        "TrafficMirrorTargetId", "Type", "Resource", "OwnerId", "Description",
        NULL,
    };
    struct table *table = describe_table(headings);
    for (size_t i = 0; i < n; i++) {
        const struct tmrec_traffic_mirror_target *t
            = find_traffic_mirror_target(base->idl, visible[i]->id);
        if (!t) {
            continue;
        }

        struct smap fields = SMAP_INITIALIZER(&fields);
        smap_add(&fields, "traffic-mirror-target-id",
                 t->traffic_mirror_target_id);
        smap_add(&fields, "network-interface-id",
                 t->network_interface_id ? t->network_interface_id : "");
        smap_add(&fields, "network-load-balancer-arn",
                 (t->network_load_balancer_arn
                  ? t->network_load_balancer_arn : ""));
        smap_add(&fields, "owner-id", t->owner_id);
        smap_add(&fields, "description", t->description);
        bool match = tm_describe_match(&q, t->traffic_mirror_target_id,
                                       &fields);
        smap_destroy(&fields);
        if (!match) {
            continue;
        }

        const char *resource = (t->network_interface_id
                                ? t->network_interface_id
                                : t->network_load_balancer_arn);
        const char *type = (t->network_interface_id ? "network-interface"
                            : "network-load-balancer");
        if (output_format == OUTPUT_JSON) {
            json_array_add(array, target_to_json(t));
        } else if (table) {
            table_add_row(table);
            table_add_cell(table)->text = xstrdup(
                t->traffic_mirror_target_id);
            table_add_cell(table)->text = xstrdup(type);
            table_add_cell(table)->text = xstrdup(resource ? resource : "");
            table_add_cell(table)->text = xstrdup(t->owner_id);
            table_add_cell(table)->text = xstrdup(t->description);
        } else {
            ds_put_format(&base->output, "%s\t%s\t%s\t%s\t%s\n",
                          t->traffic_mirror_target_id, type,
                          resource ? resource : "", t->owner_id,
                          t->description);
        }
    }
    free(visible);
    describe_end(ctx, "TrafficMirrorTargets", array, table, &q, &args);
}

static void
format_rule_text(const char *prefix,
                 const struct tmrec_traffic_mirror_filter_rule *r,
                 struct ds *s)
{
    ds_put_format(s, "%s%s\t%s\t%"PRId64"\t%s\t", prefix,
                  r->traffic_mirror_filter_rule_id, r->traffic_direction,
                  r->rule_number, r->rule_action);
    if (r->n_protocol) {
        ds_put_format(s, "%"PRId64, *r->protocol);
    } else {
        ds_put_cstr(s, "all");
    }
    ds_put_format(s, "\t%s", r->source_cidr_block);
    if (r->n_source_from_port && r->n_source_to_port) {
        ds_put_format(s, ":%"PRId64"-%"PRId64, *r->source_from_port,
                      *r->source_to_port);
    }
    ds_put_format(s, "\t%s", r->destination_cidr_block);
    if (r->n_destination_from_port && r->n_destination_to_port) {
        ds_put_format(s, ":%"PRId64"-%"PRId64, *r->destination_from_port,
                      *r->destination_to_port);
    }
    ds_put_format(s, "\t%s\n", r->description);
}

static void
cmd_describe_filters(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-ids", TM_AWS_LIST},
        {"filters", TM_AWS_REPEAT},
    };
    static const char *const names[] = {
        "traffic-mirror-filter-id", "description", "owner-id", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_describe_query q;
    struct tm_aws_args args;

    const char *account;
    if (!describe_begin(ctx, options, ARRAY_SIZE(options), names, &args,
                        &q, &account)) {
        return;
    }

    size_t n;
    const struct tm_filter **visible = tm_model_describe_filters(
        ctx->topo->model, account, &n);
    struct json *array = json_array_create_empty();
    static const char *const headings[] = {
        "TrafficMirrorFilterId", "NetworkServices", "Rules", "OwnerId",
        "Description", NULL,
    };
    struct table *table = describe_table(headings);
    for (size_t i = 0; i < n; i++) {
        const struct tmrec_traffic_mirror_filter *f
            = find_traffic_mirror_filter(base->idl, visible[i]->id);
        if (!f) {
            continue;
        }

        struct smap fields = SMAP_INITIALIZER(&fields);
        smap_add(&fields, "traffic-mirror-filter-id",
                 f->traffic_mirror_filter_id);
        smap_add(&fields, "owner-id", f->owner_id);
        smap_add(&fields, "description", f->description);
        bool match = tm_describe_match(&q, f->traffic_mirror_filter_id,
                                       &fields);
        smap_destroy(&fields);
        if (!match) {
            continue;
        }

        const char *services = (f->network_services ? f->network_services
                                : "");
        if (output_format == OUTPUT_JSON) {
            json_array_add(array, filter_to_json(f));
        } else if (table) {
            table_add_row(table);
            table_add_cell(table)->text = xstrdup(
                f->traffic_mirror_filter_id);
            table_add_cell(table)->text = xstrdup(services);
            table_add_cell(table)->text = xasprintf("%"PRIuSIZE,
                                                    f->n_rules);
            table_add_cell(table)->text = xstrdup(f->owner_id);
            table_add_cell(table)->text = xstrdup(f->description);
        } else {
            struct tmrec_traffic_mirror_filter_rule **rules
                = tm_db_sorted_rules(f);

            ds_put_format(&base->output, "%s\t%s\t%s\t%s\n",
                          f->traffic_mirror_filter_id, services,
                          f->owner_id, f->description);
            for (size_t j = 0; j < f->n_rules; j++) {
                format_rule_text("  ", rules[j], &base->output);
            }
            free(rules);
        }
    }
    free(visible);
    describe_end(ctx, "TrafficMirrorFilters", array, table, &q, &args);
}

static void
cmd_describe_rules(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-rule-ids", TM_AWS_LIST},
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
        {"filters", TM_AWS_REPEAT},
    };
    static const char *const names[] = {
        "traffic-mirror-filter-rule-id", "traffic-mirror-filter-id",
        "traffic-direction", "rule-number", "rule-action", "protocol",
        "source-cidr-block", "destination-cidr-block", "description", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_describe_query q;
    struct tm_aws_args args;

    const char *account;
    if (!describe_begin(ctx, options, ARRAY_SIZE(options), names, &args,
                        &q, &account)) {
        return;
    }
    const char *filter_id = tm_aws_get(&args, "traffic-mirror-filter-id");

    /* The rules of the caller's filters, filter by filter. */
    size_t n;
    const struct tm_filter **visible = tm_model_describe_filters(
        ctx->topo->model, account, &n);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        const struct tmrec_traffic_mirror_filter *f
            = find_traffic_mirror_filter(base->idl, visible[i]->id);
        if (!f || (filter_id && strcmp(filter_id,
                                       f->traffic_mirror_filter_id))) {
            continue;
        }

        struct tmrec_traffic_mirror_filter_rule **rules
            = tm_db_sorted_rules(f);
        for (size_t j = 0; j < f->n_rules; j++) {
            const struct tmrec_traffic_mirror_filter_rule *r = rules[j];
            struct smap fields = SMAP_INITIALIZER(&fields);

            smap_add(&fields, "traffic-mirror-filter-rule-id",
                     r->traffic_mirror_filter_rule_id);
            smap_add(&fields, "traffic-mirror-filter-id",
                     f->traffic_mirror_filter_id);
            smap_add(&fields, "traffic-direction", r->traffic_direction);
            smap_add_int(&fields, "rule-number", r->rule_number);
            smap_add(&fields, "rule-action", r->rule_action);
            if (r->n_protocol) {
                smap_add_int(&fields, "protocol", *r->protocol);
            }
            smap_add(&fields, "source-cidr-block", r->source_cidr_block);
            smap_add(&fields, "destination-cidr-block",
                     r->destination_cidr_block);
            smap_add(&fields, "description", r->description);
            bool match = tm_describe_match(&q,
                                           r->traffic_mirror_filter_rule_id,
                                           &fields);
            smap_destroy(&fields);
            if (!match) {
                continue;
            }

            if (output_format == OUTPUT_JSON) {
                json_array_add(array, rule_to_json(f, r));
            } else {
                char *prefix = xasprintf("%s\t",
                                         f->traffic_mirror_filter_id);
                format_rule_text(prefix, r, &base->output);
                free(prefix);
            }
        }
        free(rules);
    }
    free(visible);
    describe_end(ctx, "TrafficMirrorFilterRules", array, NULL, &q, &args);
}

static int
compare_sessions(const void *a_, const void *b_)
{
    const struct tmrec_traffic_mirror_session *const *a = a_;
    const struct tmrec_traffic_mirror_session *const *b = b_;

    return strcmp((*a)->traffic_mirror_session_id,
                  (*b)->traffic_mirror_session_id);
}

static void
cmd_describe_sessions(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-session-ids", TM_AWS_LIST},
        {"filters", TM_AWS_REPEAT},
    };
    static const char *const names[] = {
        "traffic-mirror-session-id", "traffic-mirror-target-id",
        "traffic-mirror-filter-id", "network-interface-id", "session-number",
        "virtual-network-id", "packet-length", "owner-id", "description",
        "status", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_describe_query q;
    struct tm_aws_args args;

    const char *account;
    if (!describe_begin(ctx, options, ARRAY_SIZE(options), names, &args,
                        &q, &account)) {
        return;
    }

    /* Sessions are the caller's own; inactive ones are not in the model. */
    const struct tmrec_traffic_mirror_session **rows = NULL;
    size_t n = 0, allocated = 0;
    const struct tmrec_traffic_mirror_session *s;
    TMREC_TRAFFIC_MIRROR_SESSION_FOR_EACH (s, base->idl) {
        if (account && strcmp(s->owner_id, account)) {
            continue;
        }

        struct smap fields = SMAP_INITIALIZER(&fields);
        smap_add(&fields, "traffic-mirror-session-id",
                 s->traffic_mirror_session_id);
        if (s->traffic_mirror_target) {
            smap_add(&fields, "traffic-mirror-target-id",
                     s->traffic_mirror_target->traffic_mirror_target_id);
        }
        if (s->traffic_mirror_filter) {
            smap_add(&fields, "traffic-mirror-filter-id",
                     s->traffic_mirror_filter->traffic_mirror_filter_id);
        }
        smap_add(&fields, "network-interface-id", s->network_interface_id);
        smap_add_int(&fields, "session-number", s->session_number);
        smap_add_int(&fields, "virtual-network-id", s->virtual_network_id);
        if (s->n_packet_length) {
            smap_add_int(&fields, "packet-length", *s->packet_length);
        }
        smap_add(&fields, "owner-id", s->owner_id);
        smap_add(&fields, "description", s->description);
        smap_add(&fields, "status", s->status ? s->status : "");
        bool match = tm_describe_match(&q, s->traffic_mirror_session_id,
                                       &fields);
        smap_destroy(&fields);
        if (match) {
            if (n >= allocated) {
                rows = x2nrealloc(rows, &allocated, sizeof *rows);
            }
            rows[n++] = s;
        }
    }
    if (n) {
        qsort(rows, n, sizeof *rows, compare_sessions);
    }

    struct json *array = json_array_create_empty();
    static const char *const headings[] = {
        "TrafficMirrorSessionId", "NetworkInterfaceId",
        "TrafficMirrorTargetId", "TrafficMirrorFilterId", "SessionNumber",
        "VirtualNetworkId", "PacketLength", "Status", NULL,
    };
    struct table *table = describe_table(headings);
    for (size_t i = 0; i < n; i++) {
        s = rows[i];
        const char *target = (s->traffic_mirror_target
                              ? s->traffic_mirror_target
                                ->traffic_mirror_target_id : "");
        const char *filter = (s->traffic_mirror_filter
                              ? s->traffic_mirror_filter
                                ->traffic_mirror_filter_id : "");
        const char *status = s->status ? s->status : "unchecked";
        char *length = (s->n_packet_length
                        ? xasprintf("%"PRId64, *s->packet_length)
                        : xstrdup("all"));

        if (output_format == OUTPUT_JSON) {
            json_array_add(array, session_to_json(s));
        } else if (table) {
            table_add_row(table);
            table_add_cell(table)->text = xstrdup(
                s->traffic_mirror_session_id);
            table_add_cell(table)->text = xstrdup(s->network_interface_id);
            table_add_cell(table)->text = xstrdup(target);
            table_add_cell(table)->text = xstrdup(filter);
            table_add_cell(table)->text = xasprintf("%"PRId64,
                                                    s->session_number);
            table_add_cell(table)->text = xasprintf("%"PRId64,
                                                    s->virtual_network_id);
            table_add_cell(table)->text = xstrdup(length);
            table_add_cell(table)->text = xstrdup(status);
        } else {
            struct ds *out = &base->output;

            ds_put_format(out, "%s\t%s\t%s\t%s\t%"PRId64"\t%"PRId64"\t%s"
                          "\t%s\n", s->traffic_mirror_session_id,
                          s->network_interface_id, target, filter,
                          s->session_number, s->virtual_network_id, length,
                          status);
            for (size_t j = 0; j < s->n_explanations; j++) {
                const struct tmrec_traffic_mirror_explanation *e
                    = s->explanations[j];
                ds_put_format(out, "  explanation\t%s\t%s\t%s\t%s\t%s\n",
                              e->code, e->component,
                              e->direction ? e->direction : "-", e->detail,
                              e->fix);
            }
            if (s->n_statistics) {
                ds_put_cstr(out, "  statistics");
                for (size_t j = 0; j < s->n_statistics; j++) {
                    ds_put_format(out, "\t%s=%"PRId64, s->key_statistics[j],
                                  s->value_statistics[j]);
                }
                ds_put_char(out, '\n');
            }
        }
        free(length);
    }
    free(rows);
    describe_end(ctx, "TrafficMirrorSessions", array, table, &q, &args);
}

/* ---- Targets. ---- */

static void
cmd_create_target(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"network-interface-id", TM_AWS_VALUE},
        {"network-load-balancer-arn", TM_AWS_VALUE},
        {"gateway-load-balancer-endpoint-id", TM_AWS_VALUE},
        {"description", TM_AWS_VALUE},
        {"tag", TM_AWS_REPEAT},
        {"tag-specifications", TM_AWS_REPEAT},
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct smap tags = SMAP_INITIALIZER(&tags);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), NULL, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_get_tags(&args, &tags);
    if (!error && tm_aws_get(&args, "gateway-load-balancer-endpoint-id")) {
        error = xstrdup("--gateway-load-balancer-endpoint-id: Gateway Load "
                        "Balancer endpoints are not supported as targets");
    }
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    struct tm_target_spec spec = {
        .network_interface_id = tm_aws_get(&args, "network-interface-id"),
        .network_load_balancer_arn = tm_aws_get(&args,
                                                "network-load-balancer-arn"),
        .description = tm_aws_get(&args, "description"),
        .tags = &tags,
    };
    const struct tm_target *target;
    struct tm_error *e = tm_create_target(ctx->topo->model, account, &spec,
                                          &target);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tmrec_traffic_mirror_target *row
        = tm_db_insert_target(base->txn, target);
    output_object(ctx, "TrafficMirrorTarget", target->id,
                  target_to_json(row), &args);

exit:
    smap_destroy(&tags);
    tm_aws_args_destroy(&args);
}

static void
cmd_delete_target(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-target-id", TM_AWS_VALUE},
    };
    static const char *const required[] = {"traffic-mirror-target-id", NULL};
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }

    const char *id = tm_aws_get(&args, "traffic-mirror-target-id");
    struct tm_error *e = tm_delete_target(ctx->topo->model, account, id);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    /* The model allows deleting a target in use only when the sessions
     * are other accounts': they become inactive. */
    const struct tmrec_traffic_mirror_target *row
        = find_traffic_mirror_target(base->idl, id);
    const struct tmrec_traffic_mirror_session *s;
    TMREC_TRAFFIC_MIRROR_SESSION_FOR_EACH (s, base->idl) {
        if (s->traffic_mirror_target == row) {
            tmrec_traffic_mirror_session_set_traffic_mirror_target(s, NULL);
            tmrec_traffic_mirror_session_set_status(s, "inactive");
            tmrec_traffic_mirror_session_set_explanations(s, NULL, 0);
            sset_add(&ctx->touched, s->traffic_mirror_session_id);
        }
    }
    /* Its resource shares share it no more. */
    const struct tmrec_resource_share *share;
    TMREC_RESOURCE_SHARE_FOR_EACH_SAFE (share, base->idl) {
        for (size_t i = 0; i < share->n_resources; i++) {
            if (!strcmp(share->resources[i], id)) {
                if (share->n_resources == 1) {
                    tmrec_resource_share_delete(share);
                } else {
                    tmrec_resource_share_update_resources_delvalue(share,
                                                                   id);
                }
                break;
            }
        }
    }
    tmrec_traffic_mirror_target_delete(row);
    output_deleted(ctx, "TrafficMirrorTargetId", id);

exit:
    tm_aws_args_destroy(&args);
}

/* ---- Filters. ---- */

static void
cmd_create_filter(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"description", TM_AWS_VALUE},
        {"tag", TM_AWS_REPEAT},
        {"tag-specifications", TM_AWS_REPEAT},
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct smap tags = SMAP_INITIALIZER(&tags);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), NULL, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_get_tags(&args, &tags);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    struct tm_filter_spec spec = {
        .description = tm_aws_get(&args, "description"),
        .tags = &tags,
    };
    const struct tm_filter *filter;
    struct tm_error *e = tm_create_filter(ctx->topo->model, account, &spec,
                                          &filter);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tmrec_traffic_mirror_filter *row
        = tm_db_insert_filter(base->txn, filter);
    output_object(ctx, "TrafficMirrorFilter", filter->id,
                  filter_to_json(row), &args);

exit:
    smap_destroy(&tags);
    tm_aws_args_destroy(&args);
}

static void
cmd_delete_filter(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
    };
    static const char *const required[] = {"traffic-mirror-filter-id", NULL};
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }

    const char *id = tm_aws_get(&args, "traffic-mirror-filter-id");
    struct tm_error *e = tm_delete_filter(ctx->topo->model, account, id);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    /* Its rules go with it: nothing else refers to them. */
    tmrec_traffic_mirror_filter_delete(
        find_traffic_mirror_filter(base->idl, id));
    output_deleted(ctx, "TrafficMirrorFilterId", id);

exit:
    tm_aws_args_destroy(&args);
}

static void
cmd_modify_filter_network_services(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
        {"add-network-services", TM_AWS_LIST},
        {"remove-network-services", TM_AWS_LIST},
    };
    static const char *const required[] = {"traffic-mirror-filter-id", NULL};
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }

    const char *id = tm_aws_get(&args, "traffic-mirror-filter-id");
    const struct svec *add = tm_aws_get_list(&args, "add-network-services");
    const struct svec *remove = tm_aws_get_list(&args,
                                                "remove-network-services");
    char *add_s = add ? svec_join(add, " ", "") : NULL;
    char *remove_s = remove ? svec_join(remove, " ", "") : NULL;
    struct tm_error *e = tm_modify_filter_network_services(
        ctx->topo->model, account, id, add_s, remove_s);
    free(add_s);
    free(remove_s);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tm_filter *filter = tm_model_find_filter(ctx->topo->model,
                                                          id);
    const struct tmrec_traffic_mirror_filter *row
        = find_traffic_mirror_filter(base->idl, id);
    tmrec_traffic_mirror_filter_set_network_services(
        row, filter->amazon_dns ? "amazon-dns" : NULL);
    touch_sessions_of(ctx, NULL, id);
    output_object(ctx, "TrafficMirrorFilter", id, filter_to_json(row),
                  &args);

exit:
    tm_aws_args_destroy(&args);
}

/* ---- Filter rules. ---- */

/* The options of create-traffic-mirror-filter-rule; modify takes these
 * and the two that follow them. */
#define RULE_OPTIONS                           \
    {"traffic-direction", TM_AWS_VALUE},       \
    {"rule-number", TM_AWS_VALUE},             \
    {"rule-action", TM_AWS_VALUE},             \
    {"protocol", TM_AWS_VALUE},                \
    {"source-port-range", TM_AWS_VALUE},       \
    {"destination-port-range", TM_AWS_VALUE},  \
    {"source-cidr-block", TM_AWS_VALUE},       \
    {"destination-cidr-block", TM_AWS_VALUE},  \
    {"description", TM_AWS_VALUE}


static void
cmd_create_rule(struct ctl_context *base)
{
    static const char *const required[] = {
        "traffic-mirror-filter-id", "traffic-direction", "rule-number",
        "rule-action", "source-cidr-block", "destination-cidr-block", NULL,
    };
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
        RULE_OPTIONS,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_rule_spec spec;
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_parse_rule_spec(&args, &spec);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    const char *filter_id = tm_aws_get(&args, "traffic-mirror-filter-id");
    const struct tm_rule *rule;
    struct tm_error *e = tm_create_rule(ctx->topo->model, account, filter_id,
                                        &spec, &rule);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tmrec_traffic_mirror_filter *filter
        = find_traffic_mirror_filter(base->idl, filter_id);
    const struct tmrec_traffic_mirror_filter_rule *row
        = tm_db_insert_rule(base->txn, rule);

    /* The whole set, not a mutation, so that later commands and --dry-run
     * see it. */
    struct tmrec_traffic_mirror_filter_rule **rules
        = xmalloc((filter->n_rules + 1) * sizeof *rules);
    if (filter->n_rules) {
        memcpy(rules, filter->rules, filter->n_rules * sizeof *rules);
    }
    rules[filter->n_rules] = CONST_CAST(
        struct tmrec_traffic_mirror_filter_rule *, row);
    tmrec_traffic_mirror_filter_set_rules(filter, rules,
                                          filter->n_rules + 1);
    free(rules);

    touch_sessions_of(ctx, NULL, filter_id);
    output_object(ctx, "TrafficMirrorFilterRule", rule->id,
                  rule_to_json(filter, row), &args);

exit:
    tm_aws_args_destroy(&args);
}

/* Looks up the rule of --traffic-mirror-filter-rule-id in the database and
 * in the model. */
static bool
get_rule(struct tmctl_context *ctx, const struct tm_aws_args *args,
         const struct tmrec_traffic_mirror_filter_rule **rowp,
         const struct tmrec_traffic_mirror_filter **filterp,
         const struct tm_rule **rulep)
{
    const char *id = tm_aws_get(args, "traffic-mirror-filter-rule-id");

    *rowp = find_traffic_mirror_filter_rule(ctx->base.idl, id);
    *filterp = *rowp ? filter_of_rule(ctx->base.idl, *rowp) : NULL;
    *rulep = *filterp ? model_rule(ctx->topo->model, *filterp, *rowp) : NULL;
    if (!*rulep) {
        tmctl_model_error(ctx, tm_error_create(
                              TM_ERR_NOT_FOUND,
                              "traffic-mirror-filter-rule-id",
                              "filter rule %s does not exist", id));
        return false;
    }
    return true;
}

static void
cmd_modify_rule(struct ctl_context *base)
{
    static const char *const required[] = {
        "traffic-mirror-filter-rule-id", NULL,
    };
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-rule-id", TM_AWS_VALUE},
        {"remove-fields", TM_AWS_LIST},
        RULE_OPTIONS,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_rule_spec spec;
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_parse_rule_spec(&args, &spec);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    unsigned int remove;
    struct tm_error *e = tm_aws_parse_remove_fields(&args, &remove);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tmrec_traffic_mirror_filter_rule *row;
    const struct tmrec_traffic_mirror_filter *filter;
    const struct tm_rule *rule;
    if (!get_rule(ctx, &args, &row, &filter, &rule)) {
        goto exit;
    }
    char *model_id = xstrdup(rule->id);
    e = tm_modify_rule(ctx->topo->model, account, model_id, &spec, remove);
    if (!e) {
        tm_db_write_rule(tm_model_find_rule(ctx->topo->model, model_id), row);
        touch_sessions_of(ctx, NULL, filter->traffic_mirror_filter_id);
        output_object(ctx, "TrafficMirrorFilterRule",
                      row->traffic_mirror_filter_rule_id,
                      rule_to_json(filter, row), &args);
    } else {
        tmctl_model_error(ctx, e);
    }
    free(model_id);

exit:
    tm_aws_args_destroy(&args);
}

static void
cmd_delete_rule(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-filter-rule-id", TM_AWS_VALUE},
    };
    static const char *const required[] = {
        "traffic-mirror-filter-rule-id", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }

    const struct tmrec_traffic_mirror_filter_rule *row;
    const struct tmrec_traffic_mirror_filter *filter;
    const struct tm_rule *rule;
    if (!get_rule(ctx, &args, &row, &filter, &rule)) {
        goto exit;
    }
    struct tm_error *e = tm_delete_rule(ctx->topo->model, account, rule->id);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    /* A rule is not a root row: dropping the filter's reference deletes
     * it. */
    struct tmrec_traffic_mirror_filter_rule **rules
        = xmalloc((filter->n_rules ? filter->n_rules : 1) * sizeof *rules);
    size_t n = 0;
    for (size_t i = 0; i < filter->n_rules; i++) {
        if (filter->rules[i] != row) {
            rules[n++] = filter->rules[i];
        }
    }
    char *id = xstrdup(row->traffic_mirror_filter_rule_id);
    tmrec_traffic_mirror_filter_set_rules(filter, rules, n);
    free(rules);
    touch_sessions_of(ctx, NULL, filter->traffic_mirror_filter_id);
    output_deleted(ctx, "TrafficMirrorFilterRuleId", id);
    free(id);

exit:
    tm_aws_args_destroy(&args);
}

/* ---- Sessions. ---- */


static void
cmd_create_session(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"network-interface-id", TM_AWS_VALUE},
        {"traffic-mirror-target-id", TM_AWS_VALUE},
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
        {"session-number", TM_AWS_VALUE},
        {"virtual-network-id", TM_AWS_VALUE},
        {"packet-length", TM_AWS_VALUE},
        {"description", TM_AWS_VALUE},
        {"tag", TM_AWS_REPEAT},
        {"tag-specifications", TM_AWS_REPEAT},
    };
    static const char *const required[] = {
        "network-interface-id", "traffic-mirror-target-id",
        "traffic-mirror-filter-id", "session-number", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct smap tags = SMAP_INITIALIZER(&tags);
    struct tm_session_spec spec;
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_parse_session_spec(&args, &spec);
    if (!error) {
        error = tm_aws_get_tags(&args, &tags);
    }
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    spec.tags = &tags;
    const struct tm_session *session;
    struct tm_error *e = tm_create_session(ctx->topo->model, account, &spec,
                                           &session);
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const struct tmrec_traffic_mirror_session *row
        = tm_db_insert_session(base->idl, base->txn, session);
    sset_add(&ctx->touched, session->id);
    output_object(ctx, "TrafficMirrorSession", session->id,
                  session_to_json(row), &args);

exit:
    smap_destroy(&tags);
    tm_aws_args_destroy(&args);
}

static void
cmd_modify_session(struct ctl_context *base)
{
    static const char *const required[] = {
        "traffic-mirror-session-id", NULL,
    };
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-session-id", TM_AWS_VALUE},
        {"traffic-mirror-target-id", TM_AWS_VALUE},
        {"traffic-mirror-filter-id", TM_AWS_VALUE},
        {"session-number", TM_AWS_VALUE},
        {"virtual-network-id", TM_AWS_VALUE},
        {"packet-length", TM_AWS_VALUE},
        {"description", TM_AWS_VALUE},
        {"remove-fields", TM_AWS_LIST},
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_session_spec spec;
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }
    char *error = tm_aws_parse_session_spec(&args, &spec);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        goto exit;
    }

    unsigned int remove;
    struct tm_error *e = tm_aws_parse_remove_fields(&args, &remove);
    if (!e) {
        e = tm_modify_session(ctx->topo->model, account,
                              tm_aws_get(&args, "traffic-mirror-session-id"),
                              &spec, remove);
    }
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    const char *id = tm_aws_get(&args, "traffic-mirror-session-id");
    const struct tmrec_traffic_mirror_session *row
        = find_traffic_mirror_session(base->idl, id);
    tm_db_write_session(base->idl, tm_model_find_session(ctx->topo->model, id),
                   row);
    sset_add(&ctx->touched, id);
    output_object(ctx, "TrafficMirrorSession", id, session_to_json(row),
                  &args);

exit:
    tm_aws_args_destroy(&args);
}

static void
cmd_delete_session(struct ctl_context *base)
{
    static const struct tm_aws_option options[] = {
        {"traffic-mirror-session-id", TM_AWS_VALUE},
    };
    static const char *const required[] = {
        "traffic-mirror-session-id", NULL,
    };
    struct tmctl_context *ctx = tmctl_context_cast(base);
    struct tm_aws_args args;

    const char *account;
    if (!tmctl_begin(ctx, options, ARRAY_SIZE(options), required, false, &args,
                     &account)) {
        return;
    }

    const char *id = tm_aws_get(&args, "traffic-mirror-session-id");
    const struct tmrec_traffic_mirror_session *row
        = find_traffic_mirror_session(base->idl, id);
    struct tm_error *e = NULL;
    if (row && !row->traffic_mirror_target) {
        /* Inactive: not in the model, and only its owner's to delete. */
        if (strcmp(row->owner_id, account)) {
            e = tm_error_create(TM_ERR_NOT_OWNER,
                                "traffic-mirror-session-id",
                                "session %s belongs to account %s, not to "
                                "account %s", id, row->owner_id, account);
        }
    } else {
        e = tm_delete_session(ctx->topo->model, account, id);
    }
    if (e) {
        tmctl_model_error(ctx, e);
        goto exit;
    }

    tmrec_traffic_mirror_session_delete(row);
    output_deleted(ctx, "TrafficMirrorSessionId", id);

exit:
    tm_aws_args_destroy(&args);
}

/* ---- The network. ---- */

/* Returns true if 'idl' holds a traffic mirror object or resource
 * share. */
static bool
tmctl_db_has_mirror_objects(struct ovsdb_idl *idl)
{
    return (tmrec_traffic_mirror_target_first(idl)
            || tmrec_traffic_mirror_filter_first(idl)
            || tmrec_traffic_mirror_session_first(idl)
            || tmrec_resource_share_first(idl));
}

/* Returns the ids of the sessions that 'topo' checks as 'verdict'. */
static void
sessions_with_verdict(const struct sim_topology *topo,
                      enum sim_verdict verdict, struct sset *ids)
{
    struct sim_report *report;
    char *error = sim_check(topo, NULL, 0, &report);

    if (error) {
        free(error);
        return;
    }
    for (size_t i = 0; i < report->n_results; i++) {
        if (report->results[i].verdict == verdict) {
            sset_add(ids, report->results[i].session->id);
        }
    }
    sim_report_destroy(report);
}

static void
cmd_load_topology(struct ctl_context *base)
{
    struct tmctl_context *ctx = tmctl_context_cast(base);
    const char *file_name = base->argv[1];
    struct sim_topology *topo;
    char *error;

    struct ds text = DS_EMPTY_INITIALIZER;
    FILE *stream = fopen(file_name, "r");
    if (stream) {
        char buf[4096];
        size_t n;

        while ((n = fread(buf, 1, sizeof buf, stream)) > 0) {
            ds_put_buffer(&text, buf, n);
        }
        if (ferror(stream)) {
            fclose(stream);
            stream = NULL;
        } else {
            fclose(stream);
        }
    }
    if (!stream) {
        tmctl_error(ctx, EXIT_BAD_INPUT, xasprintf("%s: %s", file_name,
                                                   ovs_strerror(errno)));
        ds_destroy(&text);
        return;
    }

    /* The same loader as tm-sim's: well formed, valid, no dangling
     * reference. */
    error = sim_topology_load_memory(file_name, text.string, text.length,
                                     &topo);
    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
        ds_destroy(&text);
        return;
    }
    size_t n_mirror = topo->n_targets + topo->n_filters + topo->n_sessions;
    if (n_mirror && tmctl_db_has_mirror_objects(base->idl)) {
        tmctl_error(ctx, EXIT_REFUSED,
                    xasprintf("%s: holds traffic mirror objects, and so "
                              "does the database: delete the database's "
                              "first, or load a file without any",
                              file_name));
        sim_topology_destroy(topo);
        ds_destroy(&text);
        return;
    }

    if (!tmctl_load(ctx)) {
        ds_destroy(&text);
        sim_topology_destroy(topo);
        return;
    }
    struct sset blocked_before = SSET_INITIALIZER(&blocked_before);
    struct sset invalid_before = SSET_INITIALIZER(&invalid_before);
    sessions_with_verdict(ctx->topo, SIM_BLOCKED, &blocked_before);
    sessions_with_verdict(ctx->topo, SIM_INVALID, &invalid_before);

    if (n_mirror) {
        /* The network, and the file's mirror objects and shares as rows
         * with the file's ids. */
        error = tm_db_import_topology(base->idl, base->txn, file_name,
                                      ds_cstr(&text), topo);
    } else {
        tmrec_global_set_topology(ctx->global, ds_cstr(&text));
        tmrec_global_set_topology_name(ctx->global, file_name);
    }
    ds_destroy(&text);
    sim_topology_destroy(topo);
    if (error) {
        tmctl_error(ctx, EXIT_REFUSED, error);
        goto exit;
    }

    /* The database's mirror objects must still load against the new
     * network: a session whose source disappears would be a dangling
     * reference. */
    tmctl_context_invalidate_cache(base);
    error = tm_db_load_topology(base->idl, &ctx->topo);
    if (error) {
        tmctl_error(ctx, EXIT_REFUSED,
                    xasprintf("%s: the database's traffic mirror objects do "
                              "not fit this network: %s", file_name, error));
        free(error);
        goto exit;
    }

    if (dry_run) {
        struct sset blocked = SSET_INITIALIZER(&blocked);
        struct sset invalid = SSET_INITIALIZER(&invalid);
        const char *id;

        sessions_with_verdict(ctx->topo, SIM_BLOCKED, &blocked);
        sessions_with_verdict(ctx->topo, SIM_INVALID, &invalid);
        SSET_FOR_EACH (id, &blocked) {
            if (!sset_contains(&blocked_before, id)) {
                ds_put_format(&base->output, "%s: would be blocked\n", id);
                sset_add(&ctx->touched, id);
            }
        }
        SSET_FOR_EACH (id, &invalid) {
            if (!sset_contains(&invalid_before, id)) {
                ds_put_format(&base->output, "%s: would be invalid\n", id);
                sset_add(&ctx->touched, id);
            }
        }
        sset_destroy(&blocked);
        sset_destroy(&invalid);
    }

exit:
    sset_destroy(&blocked_before);
    sset_destroy(&invalid_before);
}

static void
cmd_dump_topology(struct ctl_context *base)
{
    struct tmctl_context *ctx = tmctl_context_cast(base);
    char *error = tm_db_topology_document(base->idl, &base->output);

    if (error) {
        tmctl_error(ctx, EXIT_BAD_INPUT, error);
    }
}

/* ---- Running the commands. ---- */

static void
run_prerequisites(struct ctl_command *commands, size_t n_commands,
                  struct ovsdb_idl *idl)
{
    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        if (c->syntax->prerequisites) {
            struct tmctl_context ctx;

            ds_init(&c->output);
            c->table = NULL;

            tmctl_context_init(&ctx, c, idl, NULL, NULL, NULL);
            (c->syntax->prerequisites)(&ctx.base);
            if (ctx.base.error) {
                ctl_fatal("%s", ctx.base.error);
            }
            tmctl_context_done(&ctx, c);

            ovs_assert(!c->output.string);
            ovs_assert(!c->table);
        }
    }
}

/* Puts into 'flows' the flows, one a node, that each hypervisor of 'topo'
 * would get, with the compiler's default options, each prefixed by the
 * hypervisor's id and a space. */
static char * OVS_WARN_UNUSED_RESULT
topology_flows(const struct sim_topology *topo, struct sset *flows)
{
    struct sim_report *report;
    char *error;

    if (!topo) {
        return NULL;
    }
    error = sim_check(topo, NULL, 0, &report);
    if (error) {
        return error;
    }

    struct tm_compile_options options;
    tm_compile_options_init(&options);
    options.tunnel_port = u16_to_ofp(TM_TUNNEL_PORT_DEFAULT);
    for (size_t i = 0; i < topo->n_hypervisors && !error; i++) {
        const struct sim_hypervisor *hv = topo->hypervisors[i];
        struct tm_topology_input ti;
        struct ds out = DS_EMPTY_INITIALIZER;

        tm_topology_input_init(&ti, topo, hv, report);
        error = tm_compile_format(&ti.input, &options, &out);
        tm_topology_input_destroy(&ti);

        char *save_ptr = NULL;
        for (char *line = strtok_r(ds_cstr(&out), "\n", &save_ptr); line;
             line = strtok_r(NULL, "\n", &save_ptr)) {
            char *flow = xasprintf("%s %s", hv->id, line);
            sset_add(flows, flow);
            free(flow);
        }
        ds_destroy(&out);
    }
    sim_report_destroy(report);
    return error;
}

/* Appends to 'out' the flows that each hypervisor would gain ("+") and
 * lose ("-") from 'before' to 'after'. */
static void
flows_difference(const struct sim_topology *before,
                 const struct sim_topology *after, struct ds *out)
{
    struct sset old = SSET_INITIALIZER(&old);
    struct sset new = SSET_INITIALIZER(&new);
    char *error = topology_flows(before, &old);

    if (!error) {
        error = topology_flows(after, &new);
    }
    if (error) {
        ds_put_format(out, "no flows: %s\n", error);
        free(error);
    } else {
        const char **lines = sset_sort(&old);
        size_t n_old = sset_count(&old);
        size_t n_gained = 0, n_lost = 0;

        for (size_t i = 0; i < n_old; i++) {
            if (!sset_contains(&new, lines[i])) {
                ds_put_format(out, "- %s\n", lines[i]);
                n_lost++;
            }
        }
        free(lines);
        lines = sset_sort(&new);
        for (size_t i = 0; i < sset_count(&new); i++) {
            if (!sset_contains(&old, lines[i])) {
                ds_put_format(out, "+ %s\n", lines[i]);
                n_gained++;
            }
        }
        free(lines);
        ds_put_format(out, "flows: %"PRIuSIZE" gained, %"PRIuSIZE" lost "
                      "(each after its hypervisor; as tm-sim flows gives "
                      "them)\n", n_gained, n_lost);
    }
    sset_destroy(&old);
    sset_destroy(&new);
}

/* Appends to 'out' the --dry-run report of the sessions of 'ctx->touched':
 * their reachability, as tm-sim check prints it, in what the transaction
 * would leave in the database. */
static void
dry_run_report(struct tmctl_context *ctx, struct ds *out)
{
    struct sim_topology *after;
    char *error = tm_db_load_topology(ctx->base.idl, &after);

    if (error) {
        ds_put_format(out, "the change would leave the database unusable: "
                      "%s\n", error);
        free(error);
        return;
    }

    struct svec ids = SVEC_EMPTY_INITIALIZER;
    const char *id;
    SSET_FOR_EACH (id, &ctx->touched) {
        if (shash_find(&after->sessions_by_id, id)) {
            svec_add(&ids, id);
        } else {
            ds_put_format(out, "%s: would no longer be installed\n", id);
        }
    }
    if (ids.n) {
        struct sim_report *report;

        svec_sort(&ids);
        error = sim_check(after, ids.names, ids.n, &report);
        if (error) {
            ds_put_format(out, "%s\n", error);
            free(error);
        } else {
            sim_report_format_text(report, after, out);
            sim_report_destroy(report);
        }
    }
    svec_destroy(&ids);
    flows_difference(ctx->before, after, out);
    sim_topology_destroy(after);
}

static bool
do_tmctl(const char *args, struct ctl_command *commands, size_t n_commands,
         struct ovsdb_idl *idl)
{
    struct ovsdb_idl_txn *txn;
    const struct tmrec_global *global;
    enum ovsdb_idl_txn_status status;
    struct ovsdb_symbol_table *symtab;
    struct tmctl_context ctx;
    struct ctl_command *c;
    struct shash_node *node;
    struct ds report = DS_EMPTY_INITIALIZER;
    char *error = NULL;

    txn = the_idl_txn = ovsdb_idl_txn_create(idl);
    if (dry_run) {
        ovsdb_idl_txn_set_dry_run(txn);
    }
    ovsdb_idl_txn_add_comment(txn, "ovs-tmctl: %s", args);

    bool writes = ctl_might_write_to_db(commands, n_commands);
    global = tmrec_global_first(idl);
    int64_t generation = global ? global->generation : 0;
    global_inserted = !global && writes;
    if (global_inserted) {
        global = tmrec_global_insert(txn);
    }

    symtab = ovsdb_symbol_table_create();
    for (c = commands; c < &commands[n_commands]; c++) {
        ds_init(&c->output);
        c->table = NULL;
    }
    tmctl_context_init(&ctx, NULL, idl, txn, global, symtab);
    for (c = commands; c < &commands[n_commands]; c++) {
        ctl_context_init_command(&ctx.base, c, c == &commands[n_commands - 1]);
        if (c->syntax->run) {
            (c->syntax->run)(&ctx.base);
        }
        if (ctx.base.error) {
            fprintf(stderr, "%s: %s\n", program_name, ctx.base.error);
            tmctl_exit(error_status);
        }
        ctl_context_done_command(&ctx.base, c);

        if (ctx.base.try_again) {
            tmctl_context_done(&ctx, NULL);
            goto try_again;
        }
    }
    if (dry_run && writes && ctx.before_loaded) {
        dry_run_report(&ctx, &report);
    }
    tmctl_context_done(&ctx, NULL);

    if (writes) {
        /* Every change makes a new generation (see tmctl_load()). */
        tmrec_global_set_generation(global, generation + 1);
    }

    SHASH_FOR_EACH (node, &symtab->sh) {
        struct ovsdb_symbol *symbol = node->data;
        if (!symbol->created) {
            ctl_fatal("row id \"%s\" is referenced but never created "
                      "(e.g. with \"-- --id=%s create ...\")",
                      node->name, node->name);
        }
        if (!symbol->strong_ref) {
            if (!symbol->weak_ref) {
                VLOG_WARN("row id \"%s\" was created but no reference to it "
                          "was inserted, so it will not actually appear in "
                          "the database", node->name);
            } else {
                VLOG_WARN("row id \"%s\" was created but only a weak "
                          "reference to it was inserted, so it will not "
                          "actually appear in the database", node->name);
            }
        }
    }

    status = ovsdb_idl_txn_commit_block(txn);
    if (status == TXN_UNCHANGED || status == TXN_SUCCESS) {
        for (c = commands; c < &commands[n_commands]; c++) {
            if (c->syntax->postprocess) {
                tmctl_context_init(&ctx, c, idl, txn, global, symtab);
                (c->syntax->postprocess)(&ctx.base);
                if (ctx.base.error) {
                    ctl_fatal("%s", ctx.base.error);
                }
                tmctl_context_done(&ctx, c);
            }
        }
    }
    error = xstrdup(ovsdb_idl_txn_get_error(txn));
    ovsdb_idl_txn_destroy(txn);
    txn = the_idl_txn = NULL;

    switch (status) {
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
        OVS_NOT_REACHED();

    case TXN_ABORTED:
        /* Should not happen--we never call ovsdb_idl_txn_abort(). */
        ctl_fatal("transaction aborted");

    case TXN_UNCHANGED:
    case TXN_SUCCESS:
        break;

    case TXN_TRY_AGAIN:
        goto try_again;

    case TXN_ERROR:
        ctl_fatal("transaction error: %s", error);

    case TXN_NOT_LOCKED:
        /* Should not happen--we never call ovsdb_idl_set_lock(). */
        ctl_fatal("database not locked");

    default:
        OVS_NOT_REACHED();
    }
    free(error);

    ovsdb_symbol_table_destroy(symtab);

    for (c = commands; c < &commands[n_commands]; c++) {
        if (c->table) {
            table_print(c->table, &table_style);
        } else {
            fputs(ds_cstr(&c->output), stdout);
        }
        table_destroy(c->table);
        free(c->table);
        ds_destroy(&c->output);
        shash_destroy_free_data(&c->options);
    }
    free(commands);
    if (report.length) {
        fputs(ds_cstr(&report), stdout);
    }
    ds_destroy(&report);
    ovsdb_idl_destroy(idl);
    return true;

try_again:
    /* Our transaction needs to be rerun, or a prerequisite was not met.
     * Free resources and return so that the caller can try again. */
    if (txn) {
        ovsdb_idl_txn_abort(txn);
        ovsdb_idl_txn_destroy(txn);
    }
    the_idl_txn = NULL;

    ovsdb_symbol_table_destroy(symtab);
    for (c = commands; c < &commands[n_commands]; c++) {
        ds_destroy(&c->output);
        table_destroy(c->table);
        free(c->table);
    }
    ds_destroy(&report);
    free(error);
    return false;
}

/* ---- Commands. ---- */

static const struct ctl_table_class tables[TMREC_N_TABLES] = {
    [TMREC_TABLE_TRAFFIC_MIRROR_TARGET].row_ids[0]
    = {&tmrec_traffic_mirror_target_col_traffic_mirror_target_id, NULL,
       NULL},
    [TMREC_TABLE_TRAFFIC_MIRROR_FILTER].row_ids[0]
    = {&tmrec_traffic_mirror_filter_col_traffic_mirror_filter_id, NULL,
       NULL},
    [TMREC_TABLE_TRAFFIC_MIRROR_FILTER_RULE].row_ids[0]
    = {&tmrec_traffic_mirror_filter_rule_col_traffic_mirror_filter_rule_id,
       NULL, NULL},
    [TMREC_TABLE_TRAFFIC_MIRROR_SESSION].row_ids[0]
    = {&tmrec_traffic_mirror_session_col_traffic_mirror_session_id, NULL,
       NULL},
    [TMREC_TABLE_RESOURCE_SHARE].row_ids[0]
    = {&tmrec_resource_share_col_resource_share_id, NULL, NULL},
};

static struct cmd_show_table cmd_show_tables[] = {
    {&tmrec_table_traffic_mirror_session,
     &tmrec_traffic_mirror_session_col_traffic_mirror_session_id,
     {&tmrec_traffic_mirror_session_col_network_interface_id,
      &tmrec_traffic_mirror_session_col_traffic_mirror_target,
      &tmrec_traffic_mirror_session_col_traffic_mirror_filter,
      &tmrec_traffic_mirror_session_col_status},
     {NULL, NULL, NULL}},
    {&tmrec_table_traffic_mirror_target,
     &tmrec_traffic_mirror_target_col_traffic_mirror_target_id,
     {&tmrec_traffic_mirror_target_col_network_interface_id,
      &tmrec_traffic_mirror_target_col_network_load_balancer_arn,
      NULL, NULL},
     {NULL, NULL, NULL}},
    {&tmrec_table_traffic_mirror_filter,
     &tmrec_traffic_mirror_filter_col_traffic_mirror_filter_id,
     {&tmrec_traffic_mirror_filter_col_network_services,
      &tmrec_traffic_mirror_filter_col_rules, NULL, NULL},
     {NULL, NULL, NULL}},
    {&tmrec_table_traffic_mirror_filter_rule,
     &tmrec_traffic_mirror_filter_rule_col_traffic_mirror_filter_rule_id,
     {&tmrec_traffic_mirror_filter_rule_col_traffic_direction,
      &tmrec_traffic_mirror_filter_rule_col_rule_number,
      &tmrec_traffic_mirror_filter_rule_col_rule_action, NULL},
     {NULL, NULL, NULL}},
    {NULL, NULL, {NULL, NULL, NULL, NULL}, {NULL, NULL, NULL}},
};

#define AWS_COMMAND(NAME, RUN, MODE) \
    {NAME, 0, INT_MAX, "[--OPTION VALUE]...", NULL, RUN, NULL, \
     "", MODE}

static const struct ctl_command_syntax tmctl_commands[] = {
    AWS_COMMAND("create-traffic-mirror-target", cmd_create_target, RW),
    AWS_COMMAND("delete-traffic-mirror-target", cmd_delete_target, RW),
    AWS_COMMAND("describe-traffic-mirror-targets", cmd_describe_targets, RO),
    AWS_COMMAND("create-traffic-mirror-filter", cmd_create_filter, RW),
    AWS_COMMAND("delete-traffic-mirror-filter", cmd_delete_filter, RW),
    AWS_COMMAND("describe-traffic-mirror-filters", cmd_describe_filters, RO),
    AWS_COMMAND("describe-traffic-mirror-filter-rules", cmd_describe_rules,
                RO),
    AWS_COMMAND("modify-traffic-mirror-filter-network-services",
                cmd_modify_filter_network_services, RW),
    AWS_COMMAND("create-traffic-mirror-filter-rule", cmd_create_rule, RW),
    AWS_COMMAND("modify-traffic-mirror-filter-rule", cmd_modify_rule, RW),
    AWS_COMMAND("delete-traffic-mirror-filter-rule", cmd_delete_rule, RW),
    AWS_COMMAND("create-traffic-mirror-session", cmd_create_session, RW),
    AWS_COMMAND("modify-traffic-mirror-session", cmd_modify_session, RW),
    AWS_COMMAND("delete-traffic-mirror-session", cmd_delete_session, RW),
    AWS_COMMAND("describe-traffic-mirror-sessions", cmd_describe_sessions,
                RO),
    {"load-topology", 1, 1, "FILE", NULL, cmd_load_topology, NULL, "", RW},
    {"dump-topology", 0, 0, "", NULL, cmd_dump_topology, NULL, "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};

static void
tmctl_cmd_init(void)
{
    ctl_init(&tmrec_idl_class, tmrec_table_classes, tables, cmd_show_tables,
             tmctl_exit);
    ctl_register_commands(tmctl_commands);
}
