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

/* The import of AWS CLI describe output into a topology file
 * (tmirror/import.h).
 *
 * It works in three passes.  The first reads every file of every account
 * and indexes each resource by id, the first description of a resource
 * winning when several accounts describe it (a peering connection, a
 * shared subnet or transit gateway).  The second decides what can be
 * imported: a resource whose parts or references the model cannot hold
 * is left out with a warning, and so is, in turn, whatever refers to it.
 * The third writes the topology, account by account, each VPC with its
 * subnets, route tables, network ACLs, security groups, network
 * interfaces and load balancers. */

#include <config.h>

#include "tmirror/import.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "sset.h"
#include "tmirror/model.h"
#include "tmirror/topology.h"
#include "util.h"

/* The calls, in the order the import reads them. */
#define CALLS                                                           \
    CALL(VPCS, "ec2-describe-vpcs", "Vpcs", false,                      \
         "no VPC, nor anything in one, is imported")                    \
    CALL(SUBNETS, "ec2-describe-subnets", "Subnets", false,             \
         "no subnet, nor anything in one, is imported")                 \
    CALL(ROUTE_TABLES, "ec2-describe-route-tables", "RouteTables",      \
         false, "subnets have only their VPC's local routes")           \
    CALL(ACLS, "ec2-describe-network-acls", "NetworkAcls", false,       \
         "subnets have no network ACL, which allows everything")        \
    CALL(SGS, "ec2-describe-security-groups", "SecurityGroups", false,  \
         "network interfaces have no security group, which lets "      \
         "nothing in")                                                  \
    CALL(ENIS, "ec2-describe-network-interfaces", "NetworkInterfaces",  \
         false, "no network interface is imported")                     \
    CALL(INSTANCES, "ec2-describe-instances", "Reservations", false,    \
         "instance types are unknown, so every network-interface "      \
         "target takes at most 10 sources")                             \
    CALL(PEERINGS, "ec2-describe-vpc-peering-connections",              \
         "VpcPeeringConnections", false,                                \
         "no peering connection is imported")                           \
    CALL(TGWS, "ec2-describe-transit-gateways", "TransitGateways",      \
         false, "no transit gateway is imported")                       \
    CALL(TGW_ATTS, "ec2-describe-transit-gateway-attachments",          \
         "TransitGatewayAttachments", false,                            \
         "no transit gateway attachment is imported")                   \
    CALL(TGW_VPC_ATTS, "ec2-describe-transit-gateway-vpc-attachments",  \
         "TransitGatewayVpcAttachments", false,                         \
         "the subnets of transit gateway attachments are unknown, so "  \
         "no attachment is imported")                                   \
    CALL(TGW_RTBS, "ec2-describe-transit-gateway-route-tables",         \
         "TransitGatewayRouteTables", false,                            \
         "no transit gateway route table is imported")                  \
    CALL(TGW_ROUTES, "ec2-search-transit-gateway-routes", "Routes",     \
         true, "transit gateway route tables have no routes and no "    \
         "propagations")                                                \
    CALL(TARGETS, "ec2-describe-traffic-mirror-targets",                \
         "TrafficMirrorTargets", false,                                 \
         "no traffic mirror target is imported")                        \
    CALL(FILTERS, "ec2-describe-traffic-mirror-filters",                \
         "TrafficMirrorFilters", false,                                 \
         "no traffic mirror filter is imported")                        \
    CALL(SESSIONS, "ec2-describe-traffic-mirror-sessions",              \
         "TrafficMirrorSessions", false,                                \
         "no traffic mirror session is imported")                       \
    CALL(LBS, "elbv2-describe-load-balancers", "LoadBalancers", false,  \
         "no load balancer is imported")                                \
    CALL(LB_ATTRS, "elbv2-describe-load-balancer-attributes",           \
         "Attributes", true,                                            \
         "cross-zone load balancing is taken to be off")                \
    CALL(LISTENERS, "elbv2-describe-listeners", "Listeners", true,      \
         "load balancers have no listener")                             \
    CALL(TGS, "elbv2-describe-target-groups", "TargetGroups", false,    \
         "load balancers have no target")                               \
    CALL(HEALTH, "elbv2-describe-target-health",                        \
         "TargetHealthDescriptions", true,                              \
         "load balancers have no target")                               \
    CALL(SHARES, "ram-get-resource-shares", "resourceShares", false,    \
         "no resource share is imported")                               \
    CALL(SHARE_RESOURCES, "ram-list-resources", "resources", false,     \
         "resource shares share nothing")                               \
    CALL(PRINCIPALS, "ram-list-principals", "principals", false,        \
         "resource shares are shared with no one")                      \
    CALL(INVITATIONS, "ram-get-resource-share-invitations",             \
         "resourceShareInvitations", false,                             \
         "the shares this account was invited to are taken to be "      \
         "accepted")                                                    \
    CALL(ORGANIZATION, "organizations-describe-organization",           \
         "Organization", false,                                         \
         "the account's organization is unknown")                       \
    CALL(IDENTITY, "sts-get-caller-identity", "Account", false,         \
         "the account id comes from the resources' owners")

enum call {
#define CALL(ENUM, NAME, KEY, KEYED, LOST) CALL_##ENUM,
    CALLS
#undef CALL
    N_CALLS
};

struct call_info {
    const char *name;           /* "ec2-describe-vpcs". */
    const char *key;            /* The output's member: "Vpcs". */
    bool keyed;                 /* One output per resource, in an object
                                 * keyed by the resource. */
    const char *lost;           /* What a missing file leaves out. */
};

static const struct call_info calls[N_CALLS] = {
#define CALL(ENUM, NAME, KEY, KEYED, LOST) { NAME, KEY, KEYED, LOST },
    CALLS
#undef CALL
};

size_t
sim_import_n_calls(void)
{
    return N_CALLS;
}

const char *
sim_import_call_name(size_t i)
{
    return i < N_CALLS ? calls[i].name : NULL;
}

/* Where a JSON value came from, for messages: a file and a path in it. */
struct ctx {
    const char *file;
    char path[160];
};

struct account {
    char *id;
    char *dir;                  /* NULL if not described. */
    char *organization;         /* NULL if unknown. */
    struct json *files[N_CALLS];    /* NULL if the file is missing. */
    char *file_names[N_CALLS];
    struct ds vpcs;             /* Its VPC elements. */
    struct ds body;             /* Its elements outside any VPC. */
};

/* A resource as some account described it. */
struct res {
    const char *id;
    const char *owner;          /* Account id. */
    const char *describer;      /* The account whose file holds it. */
    const struct json *json;    /* Its object in that file. */
    struct ctx ctx;
    bool ok;                    /* Imported. */
    struct ds body;             /* VPCs: their elements. */
    struct sset shared_with;    /* Subnets: participant accounts. */
    const char *main_rtb;       /* VPCs: the main route table's id. */
    const char *rtb;            /* Subnets: their route table. */
    const char *acl;            /* Subnets: their network ACL. */
    struct svec subnets;        /* Attachments: their subnets. */
    struct svec propagations;   /* Attachments: route tables. */
    struct svec ips;            /* Load balancers: node addresses, one per
                                 * subnet in 'subnets'. */
    struct sset tgs;            /* Load balancers: target groups. */
    struct sset tgs_4789;       /* Load balancers: target groups of the
                                 * UDP 4789 listeners. */
    bool has_4789;              /* Load balancers: a UDP 4789 listener. */
};

struct kind {
    struct shash by_id;
    struct res **all;           /* In the order first described. */
    size_t n, allocated;
};

struct importer {
    char *error;                /* The first error, if any. */
    struct shash accounts;      /* Account id -> struct account. */
    struct account **described; /* In the order of their folders. */
    size_t n_described;
    struct svec *warnings;

#define KINDS                                                           \
    KIND(vpcs) KIND(subnets) KIND(rtbs) KIND(acls) KIND(sgs)            \
    KIND(enis) KIND(peerings) KIND(tgws) KIND(tgw_atts) KIND(tgw_rtbs)  \
    KIND(nlbs) KIND(targets) KIND(filters) KIND(sessions) KIND(shares)
#define KIND(NAME) struct kind NAME;
    KINDS
#undef KIND

    struct shash instance_types;    /* Instance id -> type. */
    struct shash primary_enis;      /* Instance id -> ENI id. */
    struct shash lb_nodes;          /* "net/NAME/ID SUBNET" -> IP. */
    struct shash enis_by_ip;        /* "VPC IP" and "IP" -> ENI id. */
    struct shash tgw_subnets;       /* Attachment id -> struct json *. */
    char *region;
};

/* ---- Errors and warnings. ---- */

static void OVS_PRINTF_FORMAT(3, 4)
fail(struct importer *imp, const struct ctx *ctx, const char *format, ...)
{
    if (!imp->error) {
        struct ds s = DS_EMPTY_INITIALIZER;
        va_list args;

        ds_put_format(&s, "%s: ", ctx->file);
        if (ctx->path[0]) {
            ds_put_format(&s, "%s: ", ctx->path);
        }
        va_start(args, format);
        ds_put_format_valist(&s, format, args);
        va_end(args);
        imp->error = ds_steal_cstr(&s);
    }
}

static void OVS_PRINTF_FORMAT(2, 3)
warn(struct importer *imp, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    svec_add_nocopy(imp->warnings, xvasprintf(format, args));
    va_end(args);
}

/* Makes 'child' the context of element 'index' of array 'key' in
 * 'parent' (or of member 'key' if 'index' is SIZE_MAX). */
static void
ctx_enter(struct ctx *child, const struct ctx *parent, const char *key,
          size_t index)
{
    const char *dot = parent->path[0] ? "." : "";
    int n;

    child->file = parent->file;
    if (index == SIZE_MAX) {
        n = snprintf(child->path, sizeof child->path, "%s%s%s",
                     parent->path, dot, key);
    } else {
        n = snprintf(child->path, sizeof child->path, "%s%s%s[%"PRIuSIZE"]",
                     parent->path, dot, key, index);
    }
    if (n < 0 || n >= sizeof child->path) {
        /* Too deep to name: the file will do. */
        child->path[0] = '\0';
    }
}

/* ---- Reading JSON values. ---- */

static const char *
json_type_name(enum json_type type)
{
    switch (type) {
    case JSON_NULL: return "null";
    case JSON_FALSE: case JSON_TRUE: return "a boolean";
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_STRING: return "a string";
    case JSON_N_TYPES: case JSON_SERIALIZED_OBJECT: default: return "?";
    }
}

/* Returns member 'key' of object 'obj' if it is of 'type', NULL if it is
 * absent (an error if 'required') or of another type (an error). */
static const struct json *
member(struct importer *imp, const struct ctx *ctx, const struct json *obj,
       const char *key, enum json_type type, bool required)
{
    const struct json *value = shash_find_data(json_object(obj), key);

    if (!value || value->type == JSON_NULL) {
        if (required) {
            fail(imp, ctx, "\"%s\" is missing", key);
        }
        return NULL;
    }
    if (value->type != type
        && !(type == JSON_TRUE && value->type == JSON_FALSE)) {
        fail(imp, ctx, "\"%s\" is %s, not %s", key,
             json_type_name(value->type), json_type_name(type));
        return NULL;
    }
    return value;
}

/* Checks 'value' of member 'key' by what the AWS CLI's key names: ids
 * ("...Id"), CIDR blocks ("...CidrBlock", "CidrIp"), addresses
 * ("PrivateIpAddress") and MAC addresses ("MacAddress") must be what the
 * loader reads, since they are written into the topology.  Returns NULL or
 * an error. */
static char *
check_str(const char *key, const char *value)
{
    size_t len = strlen(key);

    if (len >= 2 && !strcmp(key + len - 2, "Id")) {
        return tm_check_id(value);
    } else if ((len >= 9 && !strcmp(key + len - 9, "CidrBlock"))
               || !strcmp(key, "CidrIp") || !strcmp(key, "CidrIpv6")) {
        struct tm_cidr cidr;
        return tm_parse_cidr(value, &cidr);
    } else if (!strcmp(key, "PrivateIpAddress")
               || !strcmp(key, "PrivateIPv4Address")) {
        struct in6_addr ip;
        bool ipv4;
        return tm_parse_ip(value, &ip, &ipv4);
    } else if (!strcmp(key, "MacAddress")) {
        struct eth_addr mac;
        if (!eth_addr_from_string(value, &mac) || eth_addr_is_zero(mac)
            || eth_addr_is_multicast(mac)) {
            return xasprintf("\"%s\" is not a unicast MAC address", value);
        }
    }
    return NULL;
}

static const char *
get_str(struct importer *imp, const struct ctx *ctx, const struct json *obj,
        const char *key, bool required)
{
    const struct json *v = member(imp, ctx, obj, key, JSON_STRING, required);
    char *error = v ? check_str(key, json_string(v)) : NULL;

    if (error) {
        fail(imp, ctx, "\"%s\": %s", key, error);
        free(error);
        return NULL;
    }
    return v ? json_string(v) : NULL;
}

/* Reads integer member 'key' of 'obj', if present, into '*value'.  A value
 * outside 'min' to 'max', which the AWS CLI never prints, is an error. */
static bool
get_int(struct importer *imp, const struct ctx *ctx, const struct json *obj,
        const char *key, int64_t min, int64_t max, int64_t *value)
{
    const struct json *v = member(imp, ctx, obj, key, JSON_INTEGER, false);
    if (!v) {
        return false;
    }
    if (json_integer(v) < min || json_integer(v) > max) {
        fail(imp, ctx, "\"%s\": %"PRId64" is not between %"PRId64" and "
             "%"PRId64, key, json_integer(v), min, max);
        return false;
    }
    *value = json_integer(v);
    return true;
}

/* Reads integer member 'key' of 'obj', which must be present, as
 * get_int(). */
static bool
get_required_int(struct importer *imp, const struct ctx *ctx,
                 const struct json *obj, const char *key, int64_t min,
                 int64_t max, int64_t *value)
{
    return (member(imp, ctx, obj, key, JSON_INTEGER, true)
            && get_int(imp, ctx, obj, key, min, max, value));
}

/* Reads the port range of members 'from_key' and 'to_key' of 'obj' into
 * '*from' and '*to' (each left as it is if absent), each from 'min' to
 * 65535, and 'from' not above 'to' when both are given. */
static void
get_port_range(struct importer *imp, const struct ctx *ctx,
               const struct json *obj, const char *from_key,
               const char *to_key, int64_t min, int64_t *from, int64_t *to)
{
    if (get_int(imp, ctx, obj, from_key, min, UINT16_MAX, from)
        & get_int(imp, ctx, obj, to_key, min, UINT16_MAX, to)
        && *from > *to) {
        fail(imp, ctx, "\"%s\" %"PRId64" is above \"%s\" %"PRId64,
             from_key, *from, to_key, *to);
    }
}

static bool
get_bool(struct importer *imp, const struct ctx *ctx, const struct json *obj,
         const char *key)
{
    const struct json *v = member(imp, ctx, obj, key, JSON_TRUE, false);
    return v && v->type == JSON_TRUE;
}

static const struct json *
get_obj(struct importer *imp, const struct ctx *ctx, const struct json *obj,
        const char *key)
{
    return member(imp, ctx, obj, key, JSON_OBJECT, false);
}

/* Returns the array member 'key' of 'obj', or an empty one. */
static const struct json_array *
get_array(struct importer *imp, const struct ctx *ctx,
          const struct json *obj, const char *key)
{
    static const struct json_array empty;
    const struct json *v = member(imp, ctx, obj, key, JSON_ARRAY, false);
    return v ? json_array(v) : &empty;
}

/* Returns element 'i' of 'array' ('key' in the object of 'parent') if it
 * is an object, with its context in 'ctx'. */
static const struct json *
element(struct importer *imp, const struct ctx *parent, const char *key,
        const struct json_array *array, size_t i, struct ctx *ctx)
{
    ctx_enter(ctx, parent, key, i);
    if (array->elems[i]->type != JSON_OBJECT) {
        fail(imp, ctx, "is %s, not an object",
             json_type_name(array->elems[i]->type));
        return NULL;
    }
    return array->elems[i];
}

/* ---- Resources. ---- */

static void
kind_destroy(struct kind *kind)
{
    for (size_t i = 0; i < kind->n; i++) {
        struct res *r = kind->all[i];

        ds_destroy(&r->body);
        sset_destroy(&r->shared_with);
        svec_destroy(&r->subnets);
        svec_destroy(&r->propagations);
        svec_destroy(&r->ips);
        sset_destroy(&r->tgs);
        sset_destroy(&r->tgs_4789);
        free(r);
    }
    free(kind->all);
    shash_destroy(&kind->by_id);
}

/* Adds the resource described by 'json' to 'kind', unless another account
 * described it first.  Returns the new resource, or NULL. */
static struct res *
add_res(struct importer *imp, struct kind *kind, const struct ctx *ctx,
        const struct json *json, const char *id_key, const char *owner,
        const struct account *describer)
{
    const char *id = get_str(imp, ctx, json, id_key, true);
    if (!id || shash_find(&kind->by_id, id)) {
        return NULL;
    }

    struct res *r = xzalloc(sizeof *r);
    r->id = id;
    r->owner = owner ? owner : describer->id;
    r->describer = describer->id;
    r->json = json;
    r->ctx = *ctx;
    r->ok = true;
    ds_init(&r->body);
    sset_init(&r->shared_with);
    svec_init(&r->subnets);
    svec_init(&r->propagations);
    svec_init(&r->ips);
    sset_init(&r->tgs);
    sset_init(&r->tgs_4789);
    shash_add(&kind->by_id, id, r);
    if (kind->n >= kind->allocated) {
        kind->all = x2nrealloc(kind->all, &kind->allocated,
                               sizeof *kind->all);
    }
    kind->all[kind->n++] = r;
    return r;
}

static struct res *
find_ok(const struct kind *kind, const char *id)
{
    struct res *r = id ? shash_find_data(&kind->by_id, id) : NULL;
    return r && r->ok ? r : NULL;
}

static struct account *
get_account(struct importer *imp, const char *id)
{
    struct account *a = shash_find_data(&imp->accounts, id);

    if (!a) {
        a = xzalloc(sizeof *a);
        a->id = xstrdup(id);
        ds_init(&a->vpcs);
        ds_init(&a->body);
        shash_add(&imp->accounts, id, a);
    }
    return a;
}

/* ---- Pass 1: reading the files. ---- */

static bool
is_account_id(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n == 12 && !s[n];
}

/* Reads file 'call' of 'a', if it exists, and checks its shape. */
static void
read_call(struct importer *imp, struct account *a, enum call call)
{
    const struct call_info *info = &calls[call];
    char *name = xasprintf("%s/%s.json", a->dir, info->name);
    struct ctx ctx = { .file = name };
    struct stat st;

    a->file_names[call] = name;
    if (stat(name, &st)) {
        if (errno != ENOENT) {
            fail(imp, &ctx, "%s", ovs_strerror(errno));
        }
        return;
    }

    struct json *json = json_from_file(name);
    if (json->type == JSON_STRING) {
        fail(imp, &ctx, "not JSON as the AWS CLI prints it: %s",
             json_string(json));
        json_destroy(json);
        return;
    }
    a->files[call] = json;
    if (json->type != JSON_OBJECT) {
        fail(imp, &ctx, "is %s, not the object that \"aws %s\" prints",
             json_type_name(json->type), info->name);
        return;
    }
    if (info->keyed) {
        /* An object whose members are outputs, keyed by resource. */
        struct shash_node *node;

        SHASH_FOR_EACH (node, json_object(json)) {
            const struct json *out = node->data;
            struct ctx c;

            ctx_enter(&c, &ctx, node->name, SIZE_MAX);
            if (out->type != JSON_OBJECT
                || !shash_find(json_object(out), info->key)) {
                fail(imp, &c, "expected what the AWS CLI prints for this "
                     "resource, an object with \"%s\" (this call is made "
                     "once per resource, and the file maps each "
                     "resource to its output)", info->key);
                return;
            }
        }
    } else if (!shash_find(json_object(json), info->key)) {
        fail(imp, &ctx, "has no \"%s\": not what \"aws %s --output "
             "json\" prints", info->key, info->name);
    }
}

/* Returns the account id of the folder 'a' from its files. */
static const char *
guess_account(struct importer *imp, struct account *a)
{
    static const struct {
        enum call call;
        const char *owner_key;
    } sources[] = {
        { CALL_VPCS, "OwnerId" },
        { CALL_SUBNETS, "OwnerId" },
        { CALL_ENIS, "OwnerId" },
        { CALL_SGS, "OwnerId" },
    };
    const struct json *identity = a->files[CALL_IDENTITY];

    if (identity) {
        struct ctx ctx = { .file = a->file_names[CALL_IDENTITY] };
        const char *id = get_str(imp, &ctx, identity, "Account", true);
        if (id && !is_account_id(id)) {
            fail(imp, &ctx, "\"Account\": \"%s\" is not an account id", id);
            return NULL;
        }
        return id;
    }

    /* The owner of the first resource that this account owns, that is, one
     * not shared with it: VPCs and subnets of others may be listed, but
     * then their owner would not own the account's own. */
    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        const struct json *json = a->files[sources[i].call];
        struct ctx ctx = { .file = a->file_names[sources[i].call] };

        if (json) {
            const struct json_array *array = get_array(
                imp, &ctx, json, calls[sources[i].call].key);
            for (size_t j = 0; j < array->n; j++) {
                const struct json *o = array->elems[j];
                const struct json *owner = (o->type == JSON_OBJECT
                                            ? shash_find_data(
                                                json_object(o),
                                                sources[i].owner_key)
                                            : NULL);
                if (owner && owner->type == JSON_STRING) {
                    return json_string(owner);
                }
            }
        }
    }
    return NULL;
}

/* Finds the account folders of 'dir': its subfolders named by account
 * ids, or 'dir' itself. */
static void
find_accounts(struct importer *imp, const char *dir)
{
    struct ctx ctx = { .file = dir };
    struct svec subdirs;
    DIR *d = opendir(dir);

    if (!d) {
        fail(imp, &ctx, "%s", ovs_strerror(errno));
        return;
    }
    svec_init(&subdirs);
    struct svec top_files;
    struct dirent *de;

    svec_init(&top_files);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
            svec_add(&top_files, de->d_name);
        }
        if (is_account_id(de->d_name)) {
            struct stat st;
            char *path = xasprintf("%s/%s", dir, de->d_name);

            if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
                svec_add(&subdirs, de->d_name);
            }
            free(path);
        }
    }
    closedir(d);
    svec_sort(&subdirs);
    svec_sort(&top_files);
    for (size_t i = 0; subdirs.n && i < top_files.n; i++) {
        warn(imp, "%s/%s ignored: with account subfolders, each account's "
             "files are in its own", dir, top_files.names[i]);
    }
    svec_destroy(&top_files);

    if (!subdirs.n) {
        struct account *a = xzalloc(sizeof *a);

        a->dir = xstrdup(dir);
        ds_init(&a->vpcs);
        ds_init(&a->body);
        imp->described = xmalloc(sizeof *imp->described);
        imp->described[imp->n_described++] = a;
        for (enum call c = 0; c < N_CALLS && !imp->error; c++) {
            read_call(imp, a, c);
        }
        const char *id = imp->error ? NULL : guess_account(imp, a);
        if (!id && !imp->error) {
            fail(imp, &ctx, "no account id: the folder has no "
                 "sts-get-caller-identity.json and no resource that names "
                 "its owner");
        }
        a->id = xstrdup(id ? id : "");
        shash_add(&imp->accounts, a->id, a);
    } else {
        imp->described = xcalloc(subdirs.n, sizeof *imp->described);
        for (size_t i = 0; i < subdirs.n && !imp->error; i++) {
            struct account *a = get_account(imp, subdirs.names[i]);

            a->dir = xasprintf("%s/%s", dir, subdirs.names[i]);
            imp->described[imp->n_described++] = a;
            for (enum call c = 0; c < N_CALLS && !imp->error; c++) {
                read_call(imp, a, c);
            }

            const char *id = imp->error ? NULL : guess_account(imp, a);
            if (a->files[CALL_IDENTITY] && id && strcmp(id, a->id)) {
                struct ctx c = { .file = a->file_names[CALL_IDENTITY] };
                fail(imp, &c, "the folder of account %s holds the output "
                     "of account %s", a->id, id);
            }
        }
    }
    svec_destroy(&subdirs);
}

/* Calls 'f' for each element of the output of 'call' in each described
 * account (for a keyed call, of each resource's output, with its key). */
static void
for_each(struct importer *imp, enum call call,
         void (*f)(struct importer *, struct account *, const struct ctx *,
                   const struct json *, const char *key))
{
    for (size_t i = 0; i < imp->n_described && !imp->error; i++) {
        struct account *a = imp->described[i];
        const struct json *json = a->files[call];
        struct ctx top = { .file = a->file_names[call] };

        if (!json) {
            continue;
        }
        if (calls[call].keyed) {
            struct shash_node *node;

            SHASH_FOR_EACH (node, json_object(json)) {
                struct ctx c;
                ctx_enter(&c, &top, node->name, SIZE_MAX);

                const struct json_array *array = get_array(
                    imp, &c, node->data, calls[call].key);
                for (size_t j = 0; j < array->n && !imp->error; j++) {
                    struct ctx ec;
                    const struct json *o = element(imp, &c, calls[call].key,
                                                   array, j, &ec);
                    if (o) {
                        f(imp, a, &ec, o, node->name);
                    }
                }
            }
        } else if (call == CALL_ORGANIZATION || call == CALL_IDENTITY) {
            f(imp, a, &top, json, NULL);
        } else {
            const struct json_array *array = get_array(imp, &top, json,
                                                       calls[call].key);
            for (size_t j = 0; j < array->n && !imp->error; j++) {
                struct ctx ec;
                const struct json *o = element(imp, &top, calls[call].key,
                                               array, j, &ec);
                if (o) {
                    f(imp, a, &ec, o, NULL);
                }
            }
        }
    }
}

#define INDEX_FN(NAME, KIND, ID_KEY, OWNER_KEY)                         \
    static void                                                         \
    NAME(struct importer *imp, struct account *a, const struct ctx *ctx, \
         const struct json *o, const char *key OVS_UNUSED)              \
    {                                                                   \
        const char *owner = (OWNER_KEY                                  \
                             ? get_str(imp, ctx, o, OWNER_KEY, false)   \
                             : NULL);                                   \
        add_res(imp, &imp->KIND, ctx, o, ID_KEY, owner, a);             \
    }
INDEX_FN(index_vpc, vpcs, "VpcId", "OwnerId")
INDEX_FN(index_rtb, rtbs, "RouteTableId", "OwnerId")
INDEX_FN(index_acl, acls, "NetworkAclId", "OwnerId")
INDEX_FN(index_sg, sgs, "GroupId", "OwnerId")
INDEX_FN(index_eni, enis, "NetworkInterfaceId", "OwnerId")
INDEX_FN(index_tgw, tgws, "TransitGatewayId", "OwnerId")
INDEX_FN(index_tgw_att, tgw_atts, "TransitGatewayAttachmentId",
         "TransitGatewayOwnerId")
INDEX_FN(index_tgw_rtb, tgw_rtbs, "TransitGatewayRouteTableId", NULL)
INDEX_FN(index_nlb, nlbs, "LoadBalancerArn", NULL)
INDEX_FN(index_target, targets, "TrafficMirrorTargetId", "OwnerId")
INDEX_FN(index_filter, filters, "TrafficMirrorFilterId", NULL)
INDEX_FN(index_session, sessions, "TrafficMirrorSessionId", "OwnerId")
INDEX_FN(index_share, shares, "resourceShareArn", "owningAccountId")

static void
index_subnet(struct importer *imp, struct account *a, const struct ctx *ctx,
             const struct json *o, const char *key OVS_UNUSED)
{
    const char *owner = get_str(imp, ctx, o, "OwnerId", false);
    const char *id = get_str(imp, ctx, o, "SubnetId", true);

    add_res(imp, &imp->subnets, ctx, o, "SubnetId", owner, a);

    /* A subnet that an account sees but does not own is shared with it. */
    struct res *r = id ? shash_find_data(&imp->subnets.by_id, id) : NULL;
    if (r && strcmp(r->owner, a->id)) {
        sset_add(&r->shared_with, a->id);
    }

    const char *arn = get_str(imp, ctx, o, "SubnetArn", false);
    if (arn && !imp->region && !strncmp(arn, "arn:aws:ec2:", 12)) {
        const char *region = arn + 12;
        imp->region = xmemdup0(region, strcspn(region, ":"));
    }
}

static void
index_peering(struct importer *imp, struct account *a, const struct ctx *ctx,
              const struct json *o, const char *key OVS_UNUSED)
{
    const struct json *req = get_obj(imp, ctx, o, "RequesterVpcInfo");
    const char *owner = req ? get_str(imp, ctx, req, "OwnerId", false) : NULL;
    add_res(imp, &imp->peerings, ctx, o, "VpcPeeringConnectionId", owner, a);
}

static void
index_instance(struct importer *imp, struct account *a OVS_UNUSED,
               const struct ctx *ctx, const struct json *o,
               const char *key OVS_UNUSED)
{
    const struct json_array *instances = get_array(imp, ctx, o, "Instances");

    for (size_t i = 0; i < instances->n && !imp->error; i++) {
        struct ctx c;
        const struct json *inst = element(imp, ctx, "Instances", instances,
                                          i, &c);
        const char *id = inst ? get_str(imp, &c, inst, "InstanceId", true)
                              : NULL;
        const char *type = inst ? get_str(imp, &c, inst, "InstanceType",
                                          false) : NULL;
        if (id && type && !shash_find(&imp->instance_types, id)) {
            shash_add(&imp->instance_types, id, type);
        }
    }
}

static void
index_tgw_vpc_att(struct importer *imp, struct account *a OVS_UNUSED,
                  const struct ctx *ctx, const struct json *o,
                  const char *key OVS_UNUSED)
{
    const char *id = get_str(imp, ctx, o, "TransitGatewayAttachmentId",
                             true);
    const struct json *subnets = member(imp, ctx, o, "SubnetIds",
                                        JSON_ARRAY, false);
    if (id && subnets && !shash_find(&imp->tgw_subnets, id)) {
        shash_add(&imp->tgw_subnets, id, subnets);
    }
}

static void
index_organization(struct importer *imp, struct account *a,
                   const struct ctx *ctx, const struct json *o,
                   const char *key OVS_UNUSED)
{
    const struct json *org = get_obj(imp, ctx, o, "Organization");
    const char *id = org ? get_str(imp, ctx, org, "Id", true) : NULL;

    if (id) {
        free(a->organization);
        a->organization = xstrdup(id);
    }
}

static void
read_all(struct importer *imp, const char *dir)
{
    find_accounts(imp, dir);
    for (size_t i = 0; i < imp->n_described && !imp->error; i++) {
        struct account *a = imp->described[i];

        for (enum call c = 0; c < N_CALLS; c++) {
            if (!a->files[c] && c != CALL_IDENTITY) {
                warn(imp, "account %s: no %s.json (call not made): %s",
                     a->id, calls[c].name, calls[c].lost);
            }
        }
    }

    for_each(imp, CALL_ORGANIZATION, index_organization);
    for_each(imp, CALL_VPCS, index_vpc);
    for_each(imp, CALL_SUBNETS, index_subnet);
    for_each(imp, CALL_ROUTE_TABLES, index_rtb);
    for_each(imp, CALL_ACLS, index_acl);
    for_each(imp, CALL_SGS, index_sg);
    for_each(imp, CALL_ENIS, index_eni);
    for_each(imp, CALL_INSTANCES, index_instance);
    for_each(imp, CALL_PEERINGS, index_peering);
    for_each(imp, CALL_TGWS, index_tgw);
    for_each(imp, CALL_TGW_ATTS, index_tgw_att);
    for_each(imp, CALL_TGW_VPC_ATTS, index_tgw_vpc_att);
    for_each(imp, CALL_TGW_RTBS, index_tgw_rtb);
    for_each(imp, CALL_LBS, index_nlb);
    for_each(imp, CALL_TARGETS, index_target);
    for_each(imp, CALL_FILTERS, index_filter);
    for_each(imp, CALL_SESSIONS, index_session);
    for_each(imp, CALL_SHARES, index_share);
}

/* ---- Pass 2: what can be imported. ---- */

static const char *
vpc_owner(const struct importer *imp, const char *vpc_id)
{
    const struct res *vpc = find_ok(&imp->vpcs, vpc_id);
    return vpc ? vpc->owner : NULL;
}

static void
drop(struct importer *imp, struct res *r, const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* Leaves 'r' out, with a warning that starts with its id. */
static void
drop(struct importer *imp, struct res *r, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&s, "%s: ", r->id);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    ds_put_cstr(&s, ": not imported");
    svec_add_nocopy(imp->warnings, ds_steal_cstr(&s));
    r->ok = false;
}

static void
decide_vpcs(struct importer *imp)
{
    for (size_t i = 0; i < imp->vpcs.n; i++) {
        struct res *vpc = imp->vpcs.all[i];

        if (!get_str(imp, &vpc->ctx, vpc->json, "CidrBlock", false)) {
            drop(imp, vpc, "VPC without an IPv4 CIDR block");
        }
    }
}

/* Sets each subnet's route table and network ACL from their associations,
 * and each VPC's main route table. */
static void
associate(struct importer *imp)
{
    for (size_t i = 0; i < imp->rtbs.n && !imp->error; i++) {
        struct res *rtb = imp->rtbs.all[i];
        const char *vpc_id = get_str(imp, &rtb->ctx, rtb->json, "VpcId",
                                     true);
        const struct json_array *assocs = get_array(imp, &rtb->ctx,
                                                    rtb->json,
                                                    "Associations");
        struct res *vpc = find_ok(&imp->vpcs, vpc_id);

        if (!vpc) {
            rtb->ok = false;
            continue;
        }
        for (size_t j = 0; j < assocs->n && !imp->error; j++) {
            struct ctx c;
            const struct json *as = element(imp, &rtb->ctx, "Associations",
                                            assocs, j, &c);
            if (!as) {
                break;
            }

            const struct json *state = get_obj(imp, &c, as,
                                               "AssociationState");
            const char *st = state ? get_str(imp, &c, state, "State", false)
                                   : NULL;
            if (st && strcmp(st, "associated")) {
                continue;
            }

            const char *subnet_id = get_str(imp, &c, as, "SubnetId", false);
            const char *gw = get_str(imp, &c, as, "GatewayId", false);
            struct res *subnet = find_ok(&imp->subnets, subnet_id);
            if (get_bool(imp, &c, as, "Main")) {
                vpc->main_rtb = rtb->id;
            } else if (subnet) {
                subnet->rtb = rtb->id;
            } else if (gw) {
                warn(imp, "%s: association with gateway %s ignored (the "
                     "model has no ingress routing)", rtb->id, gw);
            }
        }
    }

    for (size_t i = 0; i < imp->acls.n && !imp->error; i++) {
        struct res *acl = imp->acls.all[i];
        const char *vpc_id = get_str(imp, &acl->ctx, acl->json, "VpcId",
                                     true);
        const struct json_array *assocs = get_array(imp, &acl->ctx,
                                                    acl->json,
                                                    "Associations");

        if (!find_ok(&imp->vpcs, vpc_id)) {
            acl->ok = false;
            continue;
        }
        for (size_t j = 0; j < assocs->n && !imp->error; j++) {
            struct ctx c;
            const struct json *as = element(imp, &acl->ctx, "Associations",
                                            assocs, j, &c);
            struct res *subnet = as ? find_ok(&imp->subnets,
                                              get_str(imp, &c, as,
                                                      "SubnetId", false))
                                    : NULL;
            if (subnet) {
                subnet->acl = acl->id;
            }
        }
    }
}

static void
decide_subnets(struct importer *imp)
{
    for (size_t i = 0; i < imp->subnets.n && !imp->error; i++) {
        struct res *subnet = imp->subnets.all[i];
        const char *vpc_id = get_str(imp, &subnet->ctx, subnet->json,
                                     "VpcId", true);

        if (!find_ok(&imp->vpcs, vpc_id)) {
            drop(imp, subnet, "its VPC %s is not imported",
                 vpc_id ? vpc_id : "?");
        } else if (!get_str(imp, &subnet->ctx, subnet->json, "CidrBlock",
                            false)) {
            drop(imp, subnet, "IPv6-only subnet (the model's subnets have "
                 "an IPv4 CIDR)");
        } else {
            const struct json_array *v6 = get_array(
                imp, &subnet->ctx, subnet->json,
                "Ipv6CidrBlockAssociationSet");
            for (size_t j = 0; j < v6->n && !imp->error; j++) {
                struct ctx c;
                const struct json *as = element(
                    imp, &subnet->ctx, "Ipv6CidrBlockAssociationSet", v6, j,
                    &c);
                const char *cidr = as ? get_str(imp, &c, as, "Ipv6CidrBlock",
                                                false) : NULL;
                if (cidr) {
                    warn(imp, "%s: IPv6 CIDR block %s ignored (a subnet "
                         "has one CIDR in the model: its IPv4 one)",
                         subnet->id, cidr);
                }
            }
        }
    }
}

/* Returns true if 'account' may use 'vpc_id': it owns it, or a subnet of
 * it is shared with it. */
static bool
vpc_usable_by(const struct importer *imp, const char *vpc_id,
              const char *account)
{
    const char *owner = vpc_owner(imp, vpc_id);

    if (!owner || !strcmp(owner, account)) {
        return owner != NULL;
    }
    for (size_t i = 0; i < imp->subnets.n; i++) {
        const struct res *s = imp->subnets.all[i];
        const struct json *v = shash_find_data(json_object(s->json),
                                               "VpcId");

        if (s->ok && sset_contains(&s->shared_with, account)
            && v && v->type == JSON_STRING
            && !strcmp(json_string(v), vpc_id)) {
            return true;
        }
    }
    return false;
}

static void
decide_groups(struct importer *imp)
{
    for (size_t i = 0; i < imp->sgs.n && !imp->error; i++) {
        struct res *sg = imp->sgs.all[i];
        const char *vpc_id = get_str(imp, &sg->ctx, sg->json, "VpcId",
                                     false);

        if (!find_ok(&imp->vpcs, vpc_id)) {
            drop(imp, sg, "its VPC %s is not imported",
                 vpc_id ? vpc_id : "(none: EC2-Classic)");
        } else if (!vpc_usable_by(imp, vpc_id, sg->owner)) {
            drop(imp, sg, "account %s has no subnet of %s shared with it",
                 sg->owner, vpc_id);
        }
    }
}

/* Returns true if address 'ip' is in the IPv4 block of 'subnet'. */
static bool
in_subnet(struct importer *imp, const struct res *subnet, const char *ip)
{
    const char *block = get_str(imp, &subnet->ctx, subnet->json,
                                "CidrBlock", false);
    struct in6_addr addr;
    struct tm_cidr cidr;
    bool ipv4;
    char *error;

    error = block ? tm_parse_cidr(block, &cidr) : xstrdup("no block");
    if (!error) {
        error = tm_parse_ip(ip, &addr, &ipv4);
    }
    if (error) {
        free(error);
        return false;
    }
    return tm_cidr_contains(&cidr, &addr);
}

static void
decide_enis(struct importer *imp)
{
    for (size_t i = 0; i < imp->enis.n && !imp->error; i++) {
        struct res *eni = imp->enis.all[i];
        const struct ctx *ctx = &eni->ctx;
        const char *type = get_str(imp, ctx, eni->json, "InterfaceType",
                                   false);
        const char *subnet_id = get_str(imp, ctx, eni->json, "SubnetId",
                                        false);
        const char *ip = get_str(imp, ctx, eni->json, "PrivateIpAddress",
                                 false);
        const struct json *att = get_obj(imp, ctx, eni->json, "Attachment");
        struct res *subnet = find_ok(&imp->subnets, subnet_id);

        if (type && !strcmp(type, "network_load_balancer")) {
            /* A load balancer's node: its address in its subnet. */
            const char *desc = get_str(imp, ctx, eni->json, "Description",
                                       false);
            eni->ok = false;
            if (desc && !strncmp(desc, "ELB ", 4) && ip && subnet_id) {
                char *key = xasprintf("%s %s", desc + 4, subnet_id);
                if (!shash_find(&imp->lb_nodes, key)) {
                    shash_add(&imp->lb_nodes, key, ip);
                }
                free(key);
            }
            continue;
        }
        if (ip) {
            const char *vpc_id = get_str(imp, ctx, eni->json, "VpcId",
                                         false);
            char *key = xasprintf("%s %s", vpc_id ? vpc_id : "", ip);

            if (!shash_find(&imp->enis_by_ip, key)) {
                shash_add_nocopy(&imp->enis_by_ip, key, eni->id);
            } else {
                free(key);
            }
            if (!shash_find(&imp->enis_by_ip, ip)) {
                shash_add(&imp->enis_by_ip, ip, eni->id);
            }
        }
        if (att) {
            const char *instance = get_str(imp, ctx, att, "InstanceId",
                                           false);
            int64_t index = -1;

            get_int(imp, ctx, att, "DeviceIndex", 0, INT32_MAX, &index);
            if (instance && !index
                && !shash_find(&imp->primary_enis, instance)) {
                shash_add(&imp->primary_enis, instance, eni->id);
            }
        }
        if (type && !strcmp(type, "gateway_load_balancer")) {
            drop(imp, eni, "network interface of a Gateway Load Balancer "
                 "(the model has network load balancers only)");
        } else if (!subnet) {
            drop(imp, eni, "its subnet %s is not imported",
                 subnet_id ? subnet_id : "(none)");
        } else if (!ip) {
            drop(imp, eni, "no private IPv4 address");
        } else if (!in_subnet(imp, subnet, ip)) {
            drop(imp, eni, "its address %s is not in its subnet %s", ip,
                 subnet->id);
        } else if (strcmp(eni->owner, subnet->owner)
                   && !sset_contains(&subnet->shared_with, eni->owner)) {
            drop(imp, eni, "owned by account %s, in subnet %s of account "
                 "%s, which is not shared with it", eni->owner, subnet->id,
                 subnet->owner);
        }
    }
}

/* Returns the part of load balancer ARN 'arn' that its nodes' network
 * interfaces name in their description ("net/NAME/ID"). */
static const char *
lb_suffix(const char *arn)
{
    const char *p = strstr(arn, ":loadbalancer/");
    return p ? p + strlen(":loadbalancer/") : arn;
}

static void
decide_nlbs(struct importer *imp)
{
    for (size_t i = 0; i < imp->nlbs.n && !imp->error; i++) {
        struct res *lb = imp->nlbs.all[i];
        const struct ctx *ctx = &lb->ctx;
        const char *type = get_str(imp, ctx, lb->json, "Type", false);
        const char *vpc_id = get_str(imp, ctx, lb->json, "VpcId", false);
        const struct json_array *zones = get_array(imp, ctx, lb->json,
                                                   "AvailabilityZones");

        if (!type || strcmp(type, "network")) {
            drop(imp, lb, "%s load balancer (the model has network load "
                 "balancers only)", type ? type : "untyped");
            continue;
        }
        if (!find_ok(&imp->vpcs, vpc_id)) {
            drop(imp, lb, "its VPC %s is not imported",
                 vpc_id ? vpc_id : "(none)");
            continue;
        }
        lb->owner = vpc_owner(imp, vpc_id);

        /* Its nodes, one per zone: the address of its network interface
         * in the zone's subnet, or the private address the zone names. */
        for (size_t j = 0; j < zones->n && !imp->error; j++) {
            struct ctx c;
            const struct json *z = element(imp, ctx, "AvailabilityZones",
                                           zones, j, &c);
            const char *subnet_id = z ? get_str(imp, &c, z, "SubnetId",
                                                false) : NULL;
            const char *ip = NULL;

            if (!find_ok(&imp->subnets, subnet_id)) {
                warn(imp, "%s: zone %"PRIuSIZE" ignored: its subnet %s is "
                     "not imported", lb->id, j,
                     subnet_id ? subnet_id : "(none)");
                continue;
            }

            char *key = xasprintf("%s %s", lb_suffix(lb->id), subnet_id);
            ip = shash_find_data(&imp->lb_nodes, key);
            free(key);

            const struct json_array *addrs = get_array(
                imp, &c, z, "LoadBalancerAddresses");
            for (size_t k = 0; !ip && k < addrs->n && !imp->error; k++) {
                struct ctx ac;
                const struct json *a = element(imp, &c,
                                               "LoadBalancerAddresses",
                                               addrs, k, &ac);
                ip = a ? get_str(imp, &ac, a, "PrivateIPv4Address", false)
                       : NULL;
            }
            if (ip && !in_subnet(imp, find_ok(&imp->subnets, subnet_id),
                                 ip)) {
                warn(imp, "%s: zone %"PRIuSIZE" ignored: its address %s is "
                     "not in its subnet %s", lb->id, j, ip, subnet_id);
            } else if (ip) {
                svec_add(&lb->subnets, subnet_id);
                svec_add(&lb->ips, ip);
            } else {
                warn(imp, "%s: no node in subnet %s: no network interface "
                     "\"ELB %s\" there and no PrivateIPv4Address",
                     lb->id, subnet_id, lb_suffix(lb->id));
            }
        }
        if (!lb->subnets.n && lb->ok) {
            drop(imp, lb, "no node with a known address");
        }
        if (get_array(imp, ctx, lb->json, "SecurityGroups")->n) {
            warn(imp, "%s: security groups ignored (the model has none on "
                 "load balancers)", lb->id);
        }
    }
}

static const char *
peering_vpc(struct importer *imp, const struct res *pcx, const char *side,
            const char **owner, const char **region)
{
    const struct json *info = get_obj(imp, &pcx->ctx, pcx->json, side);
    const char *vpc = info ? get_str(imp, &pcx->ctx, info, "VpcId", false)
                           : NULL;

    *owner = info ? get_str(imp, &pcx->ctx, info, "OwnerId", false) : NULL;
    *region = info ? get_str(imp, &pcx->ctx, info, "Region", false) : NULL;
    return vpc;
}

/* Returns the topology's status for peering status code 'code', or
 * NULL. */
static const char *
peering_status(const char *code)
{
    static const char *const codes[] = {
        "active", "pending-acceptance", "initiating-request",
        "provisioning", "rejected", "failed", "expired", "deleted",
    };

    for (size_t i = 0; code && i < ARRAY_SIZE(codes); i++) {
        if (!strcmp(code, codes[i])) {
            return codes[i];
        }
    }
    return code && !strcmp(code, "deleting") ? "deleted" : NULL;
}

static void
decide_peerings(struct importer *imp)
{
    for (size_t i = 0; i < imp->peerings.n && !imp->error; i++) {
        struct res *pcx = imp->peerings.all[i];
        const char *sides[] = { "RequesterVpcInfo", "AccepterVpcInfo" };

        for (size_t j = 0; j < 2 && pcx->ok; j++) {
            const char *owner, *region;
            const char *vpc = peering_vpc(imp, pcx, sides[j], &owner,
                                          &region);

            if (!find_ok(&imp->vpcs, vpc)) {
                drop(imp, pcx, "%s %s (account %s, region %s) is not "
                     "described", sides[j], vpc ? vpc : "?",
                     owner ? owner : "?", region ? region : "?");
            }
        }

        const struct json *status = get_obj(imp, &pcx->ctx, pcx->json,
                                            "Status");
        const char *code = status ? get_str(imp, &pcx->ctx, status, "Code",
                                            false) : NULL;
        if (pcx->ok && !peering_status(code)) {
            drop(imp, pcx, "status \"%s\" unknown", code ? code : "");
        }
    }
}

static void
decide_tgws(struct importer *imp)
{
    for (size_t i = 0; i < imp->tgws.n && !imp->error; i++) {
        struct res *tgw = imp->tgws.all[i];
        const char *state = get_str(imp, &tgw->ctx, tgw->json, "State",
                                    false);

        if (state && (!strcmp(state, "deleted")
                      || !strcmp(state, "deleting"))) {
            drop(imp, tgw, "%s", state);
        }
    }

    for (size_t i = 0; i < imp->tgw_rtbs.n && !imp->error; i++) {
        struct res *rtb = imp->tgw_rtbs.all[i];
        const char *tgw = get_str(imp, &rtb->ctx, rtb->json,
                                  "TransitGatewayId", true);
        const char *state = get_str(imp, &rtb->ctx, rtb->json, "State",
                                    false);

        if (!find_ok(&imp->tgws, tgw)) {
            drop(imp, rtb, "its transit gateway %s is not imported",
                 tgw ? tgw : "?");
        } else if (state && (!strcmp(state, "deleted")
                             || !strcmp(state, "deleting"))) {
            drop(imp, rtb, "%s", state);
        }
    }

    for (size_t i = 0; i < imp->tgw_atts.n && !imp->error; i++) {
        struct res *att = imp->tgw_atts.all[i];
        const struct ctx *ctx = &att->ctx;
        const char *tgw = get_str(imp, ctx, att->json, "TransitGatewayId",
                                  true);
        const char *type = get_str(imp, ctx, att->json, "ResourceType",
                                   false);
        const char *vpc = get_str(imp, ctx, att->json, "ResourceId", false);
        const char *state = get_str(imp, ctx, att->json, "State", false);
        const struct json *subnets = shash_find_data(&imp->tgw_subnets,
                                                     att->id);

        if (!find_ok(&imp->tgws, tgw)) {
            drop(imp, att, "its transit gateway %s is not imported",
                 tgw ? tgw : "?");
        } else if (!type || strcmp(type, "vpc")) {
            drop(imp, att, "%s attachment (the model attaches VPCs only)",
                 type ? type : "untyped");
        } else if (state && strcmp(state, "available")
                   && strcmp(state, "modifying")) {
            drop(imp, att, "state %s", state);
        } else if (!find_ok(&imp->vpcs, vpc)) {
            drop(imp, att, "its VPC %s is not described", vpc ? vpc : "?");
        } else if (!subnets) {
            drop(imp, att, "its subnets are unknown (not in "
                 "ec2-describe-transit-gateway-vpc-attachments.json)");
        } else {
            const struct json_array *a = json_array(subnets);

            for (size_t j = 0; j < a->n; j++) {
                const char *s = (a->elems[j]->type == JSON_STRING
                                 ? json_string(a->elems[j]) : "?");
                if (find_ok(&imp->subnets, s)) {
                    svec_add(&att->subnets, s);
                } else {
                    warn(imp, "%s: subnet %s ignored: not imported",
                         att->id, s);
                }
            }
            if (!att->subnets.n) {
                drop(imp, att, "none of its subnets is imported");
            }
        }
    }
}

/* Returns why resource 'id' of 'kind', which a resource of account 'owner'
 * (NULL if unknown) refers to, is not imported. */
static const char *
why_missing(const struct importer *imp, const struct kind *kind,
            const char *id, const char *owner)
{
    const struct account *a = owner ? shash_find_data(&imp->accounts, owner)
                                    : NULL;

    return (shash_find(&kind->by_id, id) ? "is not imported"
            : owner && (!a || !a->dir)
            ? "is not described: its account is not (describe each account "
              "in a folder of its own)"
            : owner ? "is not described"
            : "is not described (if it is another account's, describe that "
              "account too)");
}

static void
decide_mirroring(struct importer *imp)
{
    for (size_t i = 0; i < imp->targets.n && !imp->error; i++) {
        struct res *t = imp->targets.all[i];
        const char *eni = get_str(imp, &t->ctx, t->json,
                                  "NetworkInterfaceId", false);
        const char *nlb = get_str(imp, &t->ctx, t->json,
                                  "NetworkLoadBalancerArn", false);
        const char *gwlbe = get_str(imp, &t->ctx, t->json,
                                    "GatewayLoadBalancerEndpointId", false);

        if (gwlbe) {
            drop(imp, t, "Gateway Load Balancer endpoint target %s (the "
                 "model has network interface and network load balancer "
                 "targets only)", gwlbe);
        } else if (eni && !find_ok(&imp->enis, eni)) {
            drop(imp, t, "its network interface %s %s", eni,
                 why_missing(imp, &imp->enis, eni, t->owner));
        } else if (!eni && !find_ok(&imp->nlbs, nlb)) {
            drop(imp, t, "its load balancer %s %s", nlb ? nlb : "(none)",
                 nlb ? why_missing(imp, &imp->nlbs, nlb, t->owner)
                     : "is not named");
        }
    }

    for (size_t i = 0; i < imp->sessions.n && !imp->error; i++) {
        struct res *s = imp->sessions.all[i];
        const struct {
            const char *key;
            const struct kind *kind;
            const char *what;
        } refs[] = {
            { "NetworkInterfaceId", &imp->enis, "source network interface" },
            { "TrafficMirrorTargetId", &imp->targets, "target" },
            { "TrafficMirrorFilterId", &imp->filters, "filter" },
        };

        for (size_t j = 0; j < ARRAY_SIZE(refs) && s->ok; j++) {
            const char *id = get_str(imp, &s->ctx, s->json, refs[j].key,
                                     true);
            if (id && !find_ok(refs[j].kind, id)) {
                drop(imp, s, "its %s %s %s", refs[j].what, id,
                     why_missing(imp, refs[j].kind, id,
                                 refs[j].kind == &imp->targets
                                 ? NULL : s->owner));
            }
        }
    }
}

/* ---- Resource shares. ---- */

static void put_escaped(struct ds *, const char *text);

/* Returns the id at the end of ARN 'arn' ("...:traffic-mirror-target/ID"),
 * or 'arn' itself. */
static const char *
arn_id(const char *arn)
{
    const char *slash = strrchr(arn, '/');
    return slash ? slash + 1 : arn;
}

/* Returns the status of the invitation of account 'receiver' to share
 * 'share', or NULL if there is none in its (described) files. */
static const char *
invitation_status(struct importer *imp, const char *share,
                  const char *receiver, bool *described)
{
    const struct account *a = shash_find_data(&imp->accounts, receiver);
    const struct json *json = a ? a->files[CALL_INVITATIONS] : NULL;

    *described = json != NULL;
    if (json) {
        struct ctx top = { .file = a->file_names[CALL_INVITATIONS] };
        const struct json_array *invs = get_array(
            imp, &top, json, "resourceShareInvitations");

        for (size_t i = 0; i < invs->n && !imp->error; i++) {
            struct ctx c;
            const struct json *inv = element(imp, &top,
                                             "resourceShareInvitations",
                                             invs, i, &c);
            const char *arn = inv ? get_str(imp, &c, inv,
                                            "resourceShareArn", false)
                                  : NULL;
            if (arn && !strcmp(arn, share)) {
                return get_str(imp, &c, inv, "status", false);
            }
        }
    }
    return NULL;
}

/* Calls 'f' for each member of array 'key' of the file 'call' of the
 * account that owns share 'share' whose "resourceShareArn" is the
 * share's. */
static void
for_each_of_share(struct importer *imp, const struct res *share,
                  enum call call,
                  void (*f)(struct importer *, const struct res *share,
                            const struct ctx *, const struct json *,
                            void *aux),
                  void *aux)
{
    const struct account *a = shash_find_data(&imp->accounts,
                                              share->describer);
    const struct json *json = a->files[call];
    struct ctx top = { .file = a->file_names[call] };
    const struct json_array *array = (json
                                      ? get_array(imp, &top, json,
                                                  calls[call].key)
                                      : NULL);

    for (size_t i = 0; array && i < array->n && !imp->error; i++) {
        struct ctx c;
        const struct json *o = element(imp, &top, calls[call].key, array, i,
                                       &c);
        const char *arn = o ? get_str(imp, &c, o, "resourceShareArn", false)
                            : NULL;
        if (arn && !strcmp(arn, share->id)) {
            f(imp, share, &c, o, aux);
        }
    }
}

/* The accounts (and organizations) a share is shared with, by status. */
struct principals {
    struct svec accepted;
    struct svec pending;
    struct svec accounts;       /* Accounts, for subnets: both. */
};

static void
add_principal(struct importer *imp, const struct res *share,
              const struct ctx *ctx, const struct json *o, void *p_)
{
    struct principals *p = p_;
    const char *id = get_str(imp, ctx, o, "id", true);

    if (!id) {
        return;
    }
    if (is_account_id(id)) {
        bool described;
        const char *status = invitation_status(imp, share->id, id,
                                               &described);

        get_account(imp, id);
        if (!status || !strcmp(status, "ACCEPTED")) {
            if (!status && !described) {
                warn(imp, "%s: the invitation of account %s is not "
                     "described (no ram-get-resource-share-invitations.json "
                     "of that account): taken to be accepted", share->id,
                     id);
            }
            svec_add(&p->accepted, id);
            svec_add(&p->accounts, id);
        } else if (!strcmp(status, "PENDING")) {
            svec_add(&p->pending, id);
            svec_add(&p->accounts, id);
        } else {
            warn(imp, "%s: principal %s ignored: its invitation is %s",
                 share->id, id, status);
        }
    } else if (strstr(id, ":organization/")) {
        const char *org = arn_id(id);
        bool known = false;
        struct shash_node *node;

        SHASH_FOR_EACH (node, &imp->accounts) {
            const struct account *a = node->data;
            if (a->organization && !strcmp(a->organization, org)) {
                svec_add(&p->accounts, a->id);
                known = true;
            }
        }
        if (known) {
            svec_add(&p->accepted, org);
        } else {
            warn(imp, "%s: principal %s ignored: no described account is "
                 "in organization %s", share->id, id, org);
        }
    } else {
        warn(imp, "%s: principal %s ignored (the model shares with "
             "accounts and organizations only)", share->id, id);
    }
}

struct share_resources {
    struct svec targets;
    struct svec subnets;
};

static void
add_share_resource(struct importer *imp, const struct res *share,
                   const struct ctx *ctx, const struct json *o, void *r_)
{
    struct share_resources *r = r_;
    const char *arn = get_str(imp, ctx, o, "arn", true);
    const char *type = get_str(imp, ctx, o, "type", false);

    if (!arn || !type) {
        return;
    } else if (!strcmp(type, "ec2:TrafficMirrorTarget")) {
        svec_add(&r->targets, arn_id(arn));
    } else if (!strcmp(type, "ec2:Subnet")) {
        svec_add(&r->subnets, arn_id(arn));
    } else if (strcmp(type, "ec2:TransitGateway")) {
        /* A transit gateway's share lets other accounts attach to it,
         * which the attachments themselves show. */
        warn(imp, "%s: resource %s ignored (the model shares traffic "
             "mirror targets, subnets and transit gateways)", share->id,
             arn);
    }
}

static void
put_list(struct ds *s, const char *name, const struct svec *list)
{
    ds_put_format(s, " %s=\"", name);
    for (size_t i = 0; i < list->n; i++) {
        if (i) {
            ds_put_char(s, ' ');
        }
        put_escaped(s, list->names[i]);
    }
    ds_put_char(s, '"');
}

/* Shares subnets and, into 'out', traffic mirror targets. */
static void
import_shares(struct importer *imp, bool subnets)
{
    for (size_t i = 0; i < imp->shares.n && !imp->error; i++) {
        struct res *share = imp->shares.all[i];
        const char *status = get_str(imp, &share->ctx, share->json,
                                     "status", false);
        struct principals p;
        struct share_resources r;

        if (status && strcmp(status, "ACTIVE")) {
            if (subnets) {
                drop(imp, share, "status %s", status);
            }
            continue;
        }

        svec_init(&p.accepted);
        svec_init(&p.pending);
        svec_init(&p.accounts);
        svec_init(&r.targets);
        svec_init(&r.subnets);
        for_each_of_share(imp, share, CALL_SHARE_RESOURCES,
                          add_share_resource, &r);
        if (subnets ? r.subnets.n : r.targets.n) {
            for_each_of_share(imp, share, CALL_PRINCIPALS, add_principal,
                              &p);
        }

        if (subnets) {
            for (size_t j = 0; j < r.subnets.n; j++) {
                struct res *subnet = find_ok(&imp->subnets,
                                             r.subnets.names[j]);
                for (size_t k = 0; subnet && k < p.accounts.n; k++) {
                    if (strcmp(p.accounts.names[k], subnet->owner)) {
                        sset_add(&subnet->shared_with, p.accounts.names[k]);
                    }
                }
            }
        } else {
            struct svec targets;

            svec_init(&targets);
            for (size_t j = 0; j < r.targets.n; j++) {
                if (find_ok(&imp->targets, r.targets.names[j])) {
                    svec_add(&targets, r.targets.names[j]);
                } else {
                    warn(imp, "%s: traffic mirror target %s ignored: not "
                         "imported", share->id, r.targets.names[j]);
                }
            }
            struct ds *s = &get_account(imp, share->owner)->body;
            for (int pending = 0; pending < 2 && targets.n; pending++) {
                const struct svec *list = pending ? &p.pending : &p.accepted;
                if (list->n) {
                    ds_put_format(s, "    <resource-share id=\"%s%s\"",
                                  share->id, pending ? "/pending" : "");
                    put_list(s, "resources", &targets);
                    put_list(s, "principals", list);
                    ds_put_format(s, " status=\"%s\"/>\n",
                                  pending ? "pending" : "accepted");
                }
            }
            svec_destroy(&targets);
        }
        svec_destroy(&p.accepted);
        svec_destroy(&p.pending);
        svec_destroy(&p.accounts);
        svec_destroy(&r.targets);
        svec_destroy(&r.subnets);
    }
}

/* ---- Pass 3: writing the topology. ---- */

static void
put_escaped(struct ds *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': ds_put_cstr(s, "&amp;"); break;
        case '<': ds_put_cstr(s, "&lt;"); break;
        case '>': ds_put_cstr(s, "&gt;"); break;
        case '"': ds_put_cstr(s, "&quot;"); break;
        case '\n': ds_put_cstr(s, "&#10;"); break;
        case '\t': ds_put_cstr(s, "&#9;"); break;
        default:
            if ((unsigned char) *p >= 0x20) {
                ds_put_char(s, *p);
            }
        }
    }
}

/* Appends attribute 'name' with 'value', if 'value' is nonnull. */
static void
put_attr(struct ds *s, const char *name, const char *value)
{
    if (value) {
        ds_put_format(s, " %s=\"", name);
        put_escaped(s, value);
        ds_put_char(s, '"');
    }
}

static void
put_int_attr(struct ds *s, const char *name, int64_t value)
{
    ds_put_format(s, " %s=\"%"PRId64"\"", name, value);
}

/* The topology's protocol for security group protocol 'p' ("tcp", "-1",
 * "50", ...), or NULL. */
static const char *
sg_protocol(const char *p)
{
    static const char *const names[][2] = {
        { "tcp", "6" }, { "udp", "17" }, { "icmp", "1" },
        { "icmpv6", "58" }, { "all", "-1" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(p, names[i][0])) {
            return names[i][1];
        }
    }
    return (!strcmp(p, "-1") || strspn(p, "0123456789") == strlen(p)) && *p
           ? p : NULL;
}

static bool
has_ports(const char *protocol)
{
    return !strcmp(protocol, "6") || !strcmp(protocol, "17");
}

static void
put_sg_rules(struct importer *imp, const struct res *sg, bool egress,
             struct ds *s, const char *indent)
{
    const char *key = egress ? "IpPermissionsEgress" : "IpPermissions";
    const struct json_array *perms = get_array(imp, &sg->ctx, sg->json, key);

    for (size_t i = 0; i < perms->n && !imp->error; i++) {
        struct ctx c;
        const struct json *perm = element(imp, &sg->ctx, key, perms, i, &c);
        const char *proto = perm ? get_str(imp, &c, perm, "IpProtocol", true)
                                 : NULL;
        int64_t from = -1, to = -1;
        struct ds head = DS_EMPTY_INITIALIZER;

        if (!proto) {
            break;
        }
        const char *protocol = sg_protocol(proto);
        if (!protocol) {
            warn(imp, "%s: %s[%"PRIuSIZE"] ignored: protocol \"%s\" "
                 "unknown", sg->id, key, i, proto);
            continue;
        }
        get_int(imp, &c, perm, "FromPort", -1, UINT16_MAX, &from);
        get_int(imp, &c, perm, "ToPort", -1, UINT16_MAX, &to);
        ds_put_format(&head, "%s<rule direction=\"%s\" protocol=\"%s\"",
                      indent, egress ? "egress" : "ingress", protocol);
        if (has_ports(protocol) && from > to && to >= 0) {
            fail(imp, &c, "\"FromPort\" %"PRId64" is above \"ToPort\" "
                 "%"PRId64, from, to);
        } else if (has_ports(protocol) && from >= 0 && to >= 0) {
            put_int_attr(&head, "from-port", from);
            put_int_attr(&head, "to-port", to);
        } else if (!strcmp(protocol, "1") || !strcmp(protocol, "58")) {
            if (from != -1 || to != -1) {
                warn(imp, "%s: %s[%"PRIuSIZE"]: ICMP type %"PRId64" and "
                     "code %"PRId64" ignored (the model matches ICMP by "
                     "protocol)", sg->id, key, i, from, to);
            }
        }

        static const struct {
            const char *array, *field;
        } ranges[] = {
            { "IpRanges", "CidrIp" },
            { "Ipv6Ranges", "CidrIpv6" },
        };
        for (size_t r = 0; r < ARRAY_SIZE(ranges); r++) {
            const struct json_array *a = get_array(imp, &c, perm,
                                                   ranges[r].array);
            for (size_t j = 0; j < a->n && !imp->error; j++) {
                struct ctx rc;
                const struct json *o = element(imp, &c, ranges[r].array, a,
                                               j, &rc);
                const char *cidr = o ? get_str(imp, &rc, o, ranges[r].field,
                                               true) : NULL;
                if (cidr) {
                    ds_put_format(s, "%s", ds_cstr(&head));
                    put_attr(s, "cidr", cidr);
                    put_attr(s, "description",
                             get_str(imp, &rc, o, "Description", false));
                    ds_put_cstr(s, "/>\n");
                }
            }
        }

        const struct json_array *pairs = get_array(imp, &c, perm,
                                                   "UserIdGroupPairs");
        for (size_t j = 0; j < pairs->n && !imp->error; j++) {
            struct ctx pc;
            const struct json *o = element(imp, &c, "UserIdGroupPairs",
                                           pairs, j, &pc);
            const char *group = o ? get_str(imp, &pc, o, "GroupId", false)
                                  : NULL;
            const char *user = o ? get_str(imp, &pc, o, "UserId", false)
                                 : NULL;
            if (!o) {
                break;
            } else if (find_ok(&imp->sgs, group)) {
                ds_put_format(s, "%s", ds_cstr(&head));
                put_attr(s, "source-group", group);
                put_attr(s, "description",
                         get_str(imp, &pc, o, "Description", false));
                ds_put_cstr(s, "/>\n");
            } else {
                warn(imp, "%s: %s[%"PRIuSIZE"]: the source security group "
                     "%s of account %s ignored: not imported", sg->id, key,
                     i, group ? group : "?", user ? user : "?");
            }
        }

        const struct json_array *pls = get_array(imp, &c, perm,
                                                 "PrefixListIds");
        for (size_t j = 0; j < pls->n && !imp->error; j++) {
            struct ctx pc;
            const struct json *o = element(imp, &c, "PrefixListIds", pls, j,
                                           &pc);
            const char *pl = o ? get_str(imp, &pc, o, "PrefixListId", false)
                               : NULL;
            if (o) {
                warn(imp, "%s: %s[%"PRIuSIZE"]: prefix list %s ignored "
                     "(the model has no prefix lists)", sg->id, key, i,
                     pl ? pl : "?");
            }
        }
        ds_destroy(&head);
    }
}

static void
emit_groups(struct importer *imp)
{
    for (size_t i = 0; i < imp->sgs.n && !imp->error; i++) {
        const struct res *sg = imp->sgs.all[i];
        const char *vpc_id;
        struct res *vpc;
        struct ds *s;

        if (!sg->ok) {
            continue;
        }
        vpc_id = get_str(imp, &sg->ctx, sg->json, "VpcId", true);
        vpc = find_ok(&imp->vpcs, vpc_id);
        if (!strcmp(vpc->owner, sg->owner)) {
            s = &vpc->body;
            ds_put_cstr(s, "      <security-group");
            put_attr(s, "id", sg->id);
        } else {
            s = &get_account(imp, sg->owner)->body;
            ds_put_cstr(s, "    <security-group");
            put_attr(s, "id", sg->id);
            put_attr(s, "vpc", vpc_id);
        }
        put_attr(s, "description",
                 get_str(imp, &sg->ctx, sg->json, "Description", false));
        ds_put_cstr(s, ">\n");
        put_sg_rules(imp, sg, false, s, s == &vpc->body ? "        "
                                                        : "      ");
        put_sg_rules(imp, sg, true, s, s == &vpc->body ? "        "
                                                       : "      ");
        ds_put_cstr(s, s == &vpc->body ? "      </security-group>\n"
                                       : "    </security-group>\n");
    }
}

static void
emit_subnets(struct importer *imp)
{
    for (size_t i = 0; i < imp->subnets.n && !imp->error; i++) {
        const struct res *subnet = imp->subnets.all[i];

        if (!subnet->ok) {
            continue;
        }

        const struct ctx *ctx = &subnet->ctx;
        struct res *vpc = find_ok(&imp->vpcs, get_str(imp, ctx, subnet->json,
                                                      "VpcId", true));
        struct ds *s = &vpc->body;

        ds_put_cstr(s, "      <subnet");
        put_attr(s, "id", subnet->id);
        put_attr(s, "cidr", get_str(imp, ctx, subnet->json, "CidrBlock",
                                    true));
        put_attr(s, "availability-zone",
                 get_str(imp, ctx, subnet->json, "AvailabilityZone", false));
        put_attr(s, "route-table", subnet->rtb ? subnet->rtb : vpc->main_rtb);
        put_attr(s, "network-acl", subnet->acl);
        if (!sset_is_empty(&subnet->shared_with)) {
            struct svec accounts;

            const char *name;

            svec_init(&accounts);
            SSET_FOR_EACH (name, &subnet->shared_with) {
                get_account(imp, name);
                svec_add(&accounts, name);
            }
            svec_sort(&accounts);
            put_list(s, "shared-with", &accounts);
            svec_destroy(&accounts);
        }
        ds_put_cstr(s, "/>\n");
    }
}

static void
emit_vpcs_cidrs(struct importer *imp)
{
    for (size_t i = 0; i < imp->vpcs.n && !imp->error; i++) {
        struct res *vpc = imp->vpcs.all[i];
        const char *primary;

        if (!vpc->ok) {
            continue;
        }
        primary = get_str(imp, &vpc->ctx, vpc->json, "CidrBlock", true);

        static const struct {
            const char *array, *field, *state;
        } sets[] = {
            { "CidrBlockAssociationSet", "CidrBlock", "CidrBlockState" },
            { "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock",
              "Ipv6CidrBlockState" },
        };
        for (size_t k = 0; k < ARRAY_SIZE(sets); k++) {
            const struct json_array *a = get_array(imp, &vpc->ctx, vpc->json,
                                                   sets[k].array);
            for (size_t j = 0; j < a->n && !imp->error; j++) {
                struct ctx c;
                const struct json *o = element(imp, &vpc->ctx,
                                               sets[k].array, a, j, &c);
                const char *cidr = o ? get_str(imp, &c, o, sets[k].field,
                                               false) : NULL;
                const struct json *st = o ? get_obj(imp, &c, o,
                                                    sets[k].state) : NULL;
                const char *state = st ? get_str(imp, &c, st, "State", false)
                                       : NULL;
                if (cidr && strcmp(cidr, primary)
                    && (!state || !strcmp(state, "associated"))) {
                    ds_put_cstr(&vpc->body, "      <cidr-block");
                    put_attr(&vpc->body, "cidr", cidr);
                    ds_put_cstr(&vpc->body, "/>\n");
                }
            }
        }
    }
}

/* Returns true if transit gateway 'tgw' has an imported attachment to
 * 'vpc_id'. */
static bool
tgw_attached(const struct importer *imp, const char *tgw, const char *vpc_id)
{
    for (size_t i = 0; i < imp->tgw_atts.n; i++) {
        const struct res *att = imp->tgw_atts.all[i];
        const struct shash *o = json_object(att->json);
        const struct json *t = shash_find_data(o, "TransitGatewayId");
        const struct json *v = shash_find_data(o, "ResourceId");

        if (att->ok && t && v && !strcmp(json_string(t), tgw)
            && !strcmp(json_string(v), vpc_id)) {
            return true;
        }
    }
    return false;
}

/* Returns true if peering connection 'pcx' joins 'vpc_id' to another
 * VPC. */
static bool
peering_joins(struct importer *imp, const struct res *pcx,
              const char *vpc_id)
{
    const char *owner, *region;
    const char *req = peering_vpc(imp, pcx, "RequesterVpcInfo", &owner,
                                  &region);
    const char *acc = peering_vpc(imp, pcx, "AccepterVpcInfo", &owner,
                                  &region);

    return ((req && !strcmp(req, vpc_id)) || (acc && !strcmp(acc, vpc_id)));
}

static void
put_route(struct importer *imp, const struct res *rtb, const char *vpc_id,
          const struct ctx *c, const struct json *route, struct sset *dests,
          struct ds *s)
{
    static const char *const keys[] = {
        "VpcPeeringConnectionId", "TransitGatewayId", "NetworkInterfaceId",
        "GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId",
        "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn",
        "InstanceId",
    };
    const char *dest = get_str(imp, c, route, "DestinationCidrBlock", false);
    const char *pl = get_str(imp, c, route, "DestinationPrefixListId",
                             false);
    const char *state = get_str(imp, c, route, "State", false);
    const char *target = NULL, *key = NULL;

    dest = dest ? dest : get_str(imp, c, route, "DestinationIpv6CidrBlock",
                                 false);
    for (size_t i = 0; i < ARRAY_SIZE(keys) && !target; i++) {
        target = get_str(imp, c, route, keys[i], false);
        key = keys[i];
    }
    if (target && !strcmp(target, "local")) {
        return;                 /* Local routes are implicit. */
    }
    if (pl) {
        warn(imp, "%s: route to prefix list %s via %s ignored (the model "
             "has no prefix lists)", rtb->id, pl, target ? target : "?");
        return;
    }
    if (!dest) {
        fail(imp, c, "a route without a destination");
        return;
    }

    bool blackhole = state && !strcmp(state, "blackhole");
    const char *why = NULL;
    if (blackhole || !target) {
        target = NULL;
    } else if (!strcmp(key, "VpcPeeringConnectionId")) {
        const struct res *pcx = find_ok(&imp->peerings, target);
        why = (!pcx ? "the peering connection is not imported"
               : !peering_joins(imp, pcx, vpc_id)
               ? "the peering connection does not join this VPC" : NULL);
    } else if (!strcmp(key, "TransitGatewayId")) {
        why = (!find_ok(&imp->tgws, target)
               ? "the transit gateway is not imported"
               : !tgw_attached(imp, target, vpc_id)
               ? "the VPC's attachment to it is not imported" : NULL);
    } else if (!strcmp(key, "NetworkInterfaceId")) {
        why = (find_ok(&imp->enis, target) ? NULL
               : "the network interface is not imported");
    } else if (!strcmp(key, "CoreNetworkArn")) {
        why = "the model has no Cloud WAN core networks";
    } else if (!strcmp(key, "InstanceId")) {
        why = "an instance without its network interface";
    } else if (!sim_is_gateway_id(target)) {
        why = "a gateway of a kind the model does not know";
    }
    if (why) {
        warn(imp, "%s: route to %s via %s ignored: %s", rtb->id, dest,
             target, why);
        return;
    }
    if (!sset_add(dests, dest)) {
        warn(imp, "%s: second route to %s ignored", rtb->id, dest);
        return;
    }
    ds_put_cstr(s, "        <route");
    put_attr(s, "destination", dest);
    if (target) {
        put_attr(s, "target", target);
    } else {
        ds_put_cstr(s, " blackhole=\"true\"");
    }
    ds_put_cstr(s, "/>\n");
}

static void
emit_route_tables(struct importer *imp)
{
    /* The main route table first, so that the topology's default (its
     * VPC's first route table) agrees. */
    for (int main = 1; main >= 0; main--) {
        for (size_t i = 0; i < imp->rtbs.n && !imp->error; i++) {
            const struct res *rtb = imp->rtbs.all[i];

            if (!rtb->ok) {
                continue;
            }

            const char *vpc_id = get_str(imp, &rtb->ctx, rtb->json, "VpcId",
                                         true);
            struct res *vpc = find_ok(&imp->vpcs, vpc_id);
            if (main != (vpc->main_rtb && !strcmp(vpc->main_rtb, rtb->id))) {
                continue;
            }

            struct ds *s = &vpc->body;
            const struct json_array *routes = get_array(imp, &rtb->ctx,
                                                        rtb->json, "Routes");
            struct sset dests = SSET_INITIALIZER(&dests);

            ds_put_cstr(s, "      <route-table");
            put_attr(s, "id", rtb->id);
            ds_put_cstr(s, ">\n");
            for (size_t j = 0; j < routes->n && !imp->error; j++) {
                struct ctx c;
                const struct json *r = element(imp, &rtb->ctx, "Routes",
                                               routes, j, &c);
                if (r) {
                    put_route(imp, rtb, vpc_id, &c, r, &dests, s);
                }
            }
            ds_put_cstr(s, "      </route-table>\n");
            sset_destroy(&dests);

            const struct json_array *vgws = get_array(imp, &rtb->ctx,
                                                      rtb->json,
                                                      "PropagatingVgws");
            if (vgws->n) {
                warn(imp, "%s: route propagation from virtual private "
                     "gateways ignored (the propagated routes are listed "
                     "as routes)", rtb->id);
            }
        }
    }
}

static void
emit_acls(struct importer *imp)
{
    for (size_t i = 0; i < imp->acls.n && !imp->error; i++) {
        const struct res *acl = imp->acls.all[i];

        if (!acl->ok) {
            continue;
        }

        struct res *vpc = find_ok(&imp->vpcs, get_str(imp, &acl->ctx,
                                                      acl->json, "VpcId",
                                                      true));
        struct ds *s = &vpc->body;
        const struct json_array *entries = get_array(imp, &acl->ctx,
                                                     acl->json, "Entries");

        ds_put_cstr(s, "      <network-acl");
        put_attr(s, "id", acl->id);
        ds_put_cstr(s, ">\n");
        for (size_t j = 0; j < entries->n && !imp->error; j++) {
            struct ctx c;
            const struct json *e = element(imp, &acl->ctx, "Entries",
                                           entries, j, &c);
            int64_t number = 0;

            if (!e) {
                break;
            }
            if (!get_required_int(imp, &c, e, "RuleNumber", 1, 32767,
                                  &number)) {
                break;
            }
            if (number == 32767) {
                /* The final deny, which the model implies. */
                continue;
            }

            const char *proto = get_str(imp, &c, e, "Protocol", true);
            const char *action = get_str(imp, &c, e, "RuleAction", true);
            const char *cidr = get_str(imp, &c, e, "CidrBlock", false);
            const struct json *ports = get_obj(imp, &c, e, "PortRange");
            const char *protocol = proto ? sg_protocol(proto) : NULL;

            cidr = cidr ? cidr : get_str(imp, &c, e, "Ipv6CidrBlock", true);
            if (!proto || !action || !cidr) {
                break;
            } else if (!protocol) {
                warn(imp, "%s: entry %"PRId64" ignored: protocol \"%s\" "
                     "unknown", acl->id, number, proto);
                continue;
            }
            ds_put_cstr(s, "        <entry");
            put_int_attr(s, "rule-number", number);
            put_attr(s, "direction",
                     get_bool(imp, &c, e, "Egress") ? "egress" : "ingress");
            put_attr(s, "rule-action", action);
            put_attr(s, "protocol", protocol);
            put_attr(s, "cidr", cidr);
            if (ports && has_ports(protocol)) {
                int64_t from = 0, to = 65535;

                get_port_range(imp, &c, ports, "From", "To", 0, &from, &to);
                put_int_attr(s, "from-port", from);
                put_int_attr(s, "to-port", to);
            } else if (get_obj(imp, &c, e, "IcmpTypeCode")) {
                warn(imp, "%s: entry %"PRId64": ICMP type and code ignored "
                     "(the model matches ICMP by protocol)", acl->id,
                     number);
            }
            ds_put_cstr(s, "/>\n");
        }
        ds_put_cstr(s, "      </network-acl>\n");
    }
}

static void
emit_enis(struct importer *imp)
{
    for (size_t i = 0; i < imp->enis.n && !imp->error; i++) {
        const struct res *eni = imp->enis.all[i];

        if (!eni->ok) {
            continue;
        }

        const struct ctx *ctx = &eni->ctx;
        const char *subnet_id = get_str(imp, ctx, eni->json, "SubnetId",
                                        true);
        const struct res *subnet = find_ok(&imp->subnets, subnet_id);
        struct res *vpc = find_ok(&imp->vpcs, get_str(imp, &subnet->ctx,
                                                      subnet->json, "VpcId",
                                                      true));
        bool own = !strcmp(vpc->owner, eni->owner);
        struct ds *s = own ? &vpc->body : &get_account(imp, eni->owner)->body;
        const struct json_array *groups = get_array(imp, ctx, eni->json,
                                                    "Groups");
        const struct json *att = get_obj(imp, ctx, eni->json, "Attachment");
        const char *instance = att ? get_str(imp, ctx, att, "InstanceId",
                                             false) : NULL;
        struct svec sgs;

        ds_put_cstr(s, own ? "      <network-interface"
                           : "    <network-interface");
        put_attr(s, "id", eni->id);
        put_attr(s, "subnet", subnet_id);
        put_attr(s, "ip", get_str(imp, ctx, eni->json, "PrivateIpAddress",
                                  true));
        put_attr(s, "mac", get_str(imp, ctx, eni->json, "MacAddress",
                                   false));
        svec_init(&sgs);
        for (size_t j = 0; j < groups->n && !imp->error; j++) {
            struct ctx c;
            const struct json *g = element(imp, ctx, "Groups", groups, j,
                                           &c);
            const char *id = g ? get_str(imp, &c, g, "GroupId", true) : NULL;

            if (find_ok(&imp->sgs, id)) {
                svec_add(&sgs, id);
            } else if (id) {
                warn(imp, "%s: security group %s ignored: not imported",
                     eni->id, id);
            }
        }
        if (sgs.n) {
            put_list(s, "security-groups", &sgs);
        }
        svec_destroy(&sgs);
        put_attr(s, "instance-type",
                 instance ? shash_find_data(&imp->instance_types, instance)
                          : NULL);
        ds_put_cstr(s, "/>\n");
    }
}

/* Returns true if some described account made 'call'. */
static bool
call_made(const struct importer *imp, enum call call)
{
    for (size_t i = 0; i < imp->n_described; i++) {
        if (imp->described[i]->files[call]) {
            return true;
        }
    }
    return false;
}

/* Finds the output of keyed call 'call' for resource 'key' in any described
 * account. */
static const struct json *
find_keyed(const struct importer *imp, enum call call, const char *key,
           struct ctx *ctx)
{
    for (size_t i = 0; i < imp->n_described; i++) {
        const struct account *a = imp->described[i];
        const struct json *json = a->files[call];
        const struct json *out = (json
                                  ? shash_find_data(json_object(json), key)
                                  : NULL);
        if (out) {
            struct ctx top = { .file = a->file_names[call] };
            ctx_enter(ctx, &top, key, SIZE_MAX);
            return out;
        }
    }
    return NULL;
}

static void
index_listener(struct importer *imp, struct account *a OVS_UNUSED,
               const struct ctx *ctx, const struct json *o,
               const char *key OVS_UNUSED)
{
    const char *arn = get_str(imp, ctx, o, "LoadBalancerArn", true);
    const char *proto = get_str(imp, ctx, o, "Protocol", true);
    int64_t port = 0;
    struct res *lb = find_ok(&imp->nlbs, arn);

    get_required_int(imp, ctx, o, "Port", 1, UINT16_MAX, &port);
    if (!lb || !proto) {
        return;
    }

    static const char *const protocols[][2] = {
        { "UDP", "udp" }, { "TCP", "tcp" }, { "TCP_UDP", "tcp_udp" },
        { "TLS", "tls" },
    };
    const char *protocol = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
        if (!strcmp(proto, protocols[i][0])) {
            protocol = protocols[i][1];
        }
    }
    if (!protocol) {
        warn(imp, "%s: %s listener on port %"PRId64" ignored (not a "
             "network load balancer's protocol)", lb->id, proto, port);
        return;
    }
    ds_put_format(&lb->body, "        <listener protocol=\"%s\" "
                  "port=\"%"PRId64"\"/>\n", protocol, port);

    bool vxlan = port == 4789 && strstr(protocol, "udp");
    const struct json_array *actions = get_array(imp, ctx, o,
                                                 "DefaultActions");
    lb->has_4789 |= vxlan;
    for (size_t i = 0; vxlan && i < actions->n && !imp->error; i++) {
        struct ctx c;
        const struct json *action = element(imp, ctx, "DefaultActions",
                                            actions, i, &c);
        const char *tg = action ? get_str(imp, &c, action, "TargetGroupArn",
                                          false) : NULL;
        const struct json *fwd = action ? get_obj(imp, &c, action,
                                                  "ForwardConfig") : NULL;
        if (tg) {
            sset_add(&lb->tgs_4789, tg);
        }
        if (fwd) {
            const struct json_array *tgs = get_array(imp, &c, fwd,
                                                     "TargetGroups");
            for (size_t j = 0; j < tgs->n && !imp->error; j++) {
                struct ctx tc;
                const struct json *t = element(imp, &c, "TargetGroups", tgs,
                                               j, &tc);
                tg = t ? get_str(imp, &tc, t, "TargetGroupArn", false)
                       : NULL;
                if (tg) {
                    sset_add(&lb->tgs_4789, tg);
                }
            }
        }
    }
}

/* The target groups of each load balancer, and their VPCs. */
static void
index_target_group(struct importer *imp, struct account *a OVS_UNUSED,
                   const struct ctx *ctx, const struct json *o,
                   const char *key OVS_UNUSED)
{
    const char *arn = get_str(imp, ctx, o, "TargetGroupArn", true);
    const char *type = get_str(imp, ctx, o, "TargetType", false);
    const struct json_array *lbs = get_array(imp, ctx, o,
                                             "LoadBalancerArns");

    for (size_t i = 0; arn && i < lbs->n; i++) {
        const struct json *l = lbs->elems[i];
        struct res *lb = (l->type == JSON_STRING
                          ? find_ok(&imp->nlbs, json_string(l)) : NULL);

        if (!lb) {
            continue;
        } else if (type && strcmp(type, "instance") && strcmp(type, "ip")) {
            warn(imp, "%s: target group %s ignored: targets of type %s "
                 "(the model's targets are network interfaces)", lb->id,
                 arn, type);
        } else {
            sset_add(&lb->tgs, arn);
        }
    }
}

/* Returns the network interface of target 'id': an instance's primary
 * interface, or the one with address 'id' in 'vpc_id' or else in any
 * VPC (an address target may be in a peered VPC). */
static const char *
target_eni(const struct importer *imp, const char *id, const char *vpc_id)
{
    if (!strncmp(id, "i-", 2)) {
        return shash_find_data(&imp->primary_enis, id);
    }

    char *key = xasprintf("%s %s", vpc_id, id);
    const char *eni = shash_find_data(&imp->enis_by_ip, key);
    free(key);
    return eni ? eni : shash_find_data(&imp->enis_by_ip, id);
}

static void
emit_nlbs(struct importer *imp)
{
    for_each(imp, CALL_LISTENERS, index_listener);
    for_each(imp, CALL_TGS, index_target_group);

    for (size_t i = 0; i < imp->nlbs.n && !imp->error; i++) {
        struct res *lb = imp->nlbs.all[i];

        if (!lb->ok) {
            continue;
        }

        const char *vpc_id = get_str(imp, &lb->ctx, lb->json, "VpcId", true);
        struct res *vpc = find_ok(&imp->vpcs, vpc_id);
        struct ds *s = &vpc->body;
        struct ctx c;
        const struct json *attrs = find_keyed(imp, CALL_LB_ATTRS, lb->id, &c);
        bool cross_zone = false;

        if (attrs) {
            const struct json_array *a = get_array(imp, &c, attrs,
                                                   "Attributes");
            for (size_t j = 0; j < a->n && !imp->error; j++) {
                struct ctx ac;
                const struct json *kv = element(imp, &c, "Attributes", a, j,
                                                &ac);
                const char *k = kv ? get_str(imp, &ac, kv, "Key", false)
                                   : NULL;
                const char *v = kv ? get_str(imp, &ac, kv, "Value", false)
                                   : NULL;
                if (k && v
                    && !strcmp(k, "load_balancing.cross_zone.enabled")) {
                    cross_zone = !strcmp(v, "true");
                }
            }
        }

        ds_put_cstr(s, "      <load-balancer");
        put_attr(s, "id", lb->id);
        ds_put_cstr(s, " type=\"network\"");
        put_list(s, "subnets", &lb->subnets);
        put_attr(s, "cross-zone", cross_zone ? "true" : "false");
        ds_put_cstr(s, ">\n");
        for (size_t j = 0; j < lb->subnets.n; j++) {
            ds_put_cstr(s, "        <node");
            put_attr(s, "subnet", lb->subnets.names[j]);
            put_attr(s, "ip", lb->ips.names[j]);
            ds_put_cstr(s, "/>\n");
        }
        ds_put_cstr(s, ds_cstr_ro(&lb->body));

        /* Targets: those of the UDP 4789 listeners' target groups, or
         * without such a listener (which blocks every copy), of all. */
        const struct sset *tgs = lb->has_4789 ? &lb->tgs_4789 : &lb->tgs;
        struct shash healthy = SHASH_INITIALIZER(&healthy);
        struct svec order;
        const char *tg;

        svec_init(&order);
        SSET_FOR_EACH (tg, tgs) {
            struct ctx hc;
            const struct json *health = find_keyed(imp, CALL_HEALTH, tg, &hc);
            const struct json_array *descs = (health
                                              ? get_array(imp, &hc, health,
                                                  "TargetHealthDescriptions")
                                              : NULL);

            if (!health && call_made(imp, CALL_HEALTH)) {
                warn(imp, "%s: the targets of target group %s are unknown "
                     "(not in elbv2-describe-target-health.json)", lb->id,
                     tg);
            }
            for (size_t j = 0; descs && j < descs->n && !imp->error; j++) {
                struct ctx dc;
                const struct json *d = element(imp, &hc,
                                               "TargetHealthDescriptions",
                                               descs, j, &dc);
                const struct json *t = d ? get_obj(imp, &dc, d, "Target")
                                         : NULL;
                const struct json *h = d ? get_obj(imp, &dc, d,
                                                   "TargetHealth") : NULL;
                const char *id = t ? get_str(imp, &dc, t, "Id", true) : NULL;
                const char *state = h ? get_str(imp, &dc, h, "State", false)
                                      : NULL;
                const char *eni = id ? target_eni(imp, id, vpc_id) : NULL;

                if (!id) {
                    break;
                } else if (!eni || !find_ok(&imp->enis, eni)) {
                    warn(imp, "%s: target %s of %s ignored: its network "
                         "interface is not imported", lb->id, id, tg);
                    continue;
                }

                bool up = state && !strcmp(state, "healthy");
                struct shash_node *node = shash_find(&healthy, eni);
                if (!node) {
                    shash_add(&healthy, eni, up ? "true" : "false");
                    svec_add(&order, eni);
                } else if (up) {
                    node->data = "true";
                }
            }
        }
        for (size_t j = 0; j < order.n; j++) {
            ds_put_cstr(s, "        <target");
            put_attr(s, "network-interface", order.names[j]);
            put_attr(s, "healthy", shash_find_data(&healthy,
                                                   order.names[j]));
            ds_put_cstr(s, "/>\n");
        }
        shash_destroy(&healthy);
        svec_destroy(&order);
        ds_put_cstr(s, "      </load-balancer>\n");
    }
}

static void
emit_peerings(struct importer *imp)
{
    for (size_t i = 0; i < imp->peerings.n && !imp->error; i++) {
        const struct res *pcx = imp->peerings.all[i];
        const char *owner, *region;

        if (!pcx->ok) {
            continue;
        }

        struct ds *s = &get_account(imp, pcx->owner)->body;
        const struct json *status = get_obj(imp, &pcx->ctx, pcx->json,
                                            "Status");

        ds_put_cstr(s, "    <vpc-peering");
        put_attr(s, "id", pcx->id);
        put_attr(s, "requester-vpc", peering_vpc(imp, pcx, "RequesterVpcInfo",
                                                 &owner, &region));
        put_attr(s, "accepter-vpc", peering_vpc(imp, pcx, "AccepterVpcInfo",
                                                &owner, &region));
        put_attr(s, "status", peering_status(
                     get_str(imp, &pcx->ctx, status, "Code", false)));
        ds_put_cstr(s, "/>\n");
    }
}

static void
add_tgw_route(struct importer *imp, struct res *rtb, const struct ctx *c,
              const struct json *route)
{
    const char *dest = get_str(imp, c, route, "DestinationCidrBlock", false);
    const char *pl = get_str(imp, c, route, "PrefixListId", false);
    const char *type = get_str(imp, c, route, "Type", false);
    const char *state = get_str(imp, c, route, "State", false);
    const struct json_array *atts = get_array(imp, c, route,
                                              "TransitGatewayAttachments");
    const char *att_id = NULL;

    if (atts->n) {
        struct ctx ac;
        const struct json *a = element(imp, c, "TransitGatewayAttachments",
                                       atts, 0, &ac);
        att_id = a ? get_str(imp, &ac, a, "TransitGatewayAttachmentId",
                             false) : NULL;
    }
    if (pl) {
        warn(imp, "%s: route to prefix list %s ignored (the model has no "
             "prefix lists)", rtb->id, pl);
        return;
    } else if (!dest) {
        fail(imp, c, "a route without a destination");
        return;
    } else if (state && strcmp(state, "active")
               && strcmp(state, "blackhole")) {
        warn(imp, "%s: route to %s ignored: %s", rtb->id, dest, state);
        return;
    }

    bool blackhole = state && !strcmp(state, "blackhole");
    struct res *att = find_ok(&imp->tgw_atts, att_id);
    if (!blackhole && !att) {
        warn(imp, "%s: %s route to %s ignored: its attachment %s is not "
             "imported", rtb->id, type ? type : "", dest,
             att_id ? att_id : "(none)");
        return;
    }
    if (atts->n > 1) {
        warn(imp, "%s: route to %s: only its first attachment, %s, is "
             "imported (the model has no equal-cost routes)", rtb->id,
             dest, att_id);
    }
    if (type && !strcmp(type, "propagated") && !blackhole) {
        if (!svec_contains(&att->propagations, rtb->id)) {
            svec_add(&att->propagations, rtb->id);
        }
        return;
    }
    ds_put_cstr(&rtb->body, "        <route");
    put_attr(&rtb->body, "destination", dest);
    if (blackhole) {
        ds_put_cstr(&rtb->body, " blackhole=\"true\"");
    } else {
        put_attr(&rtb->body, "attachment", att->id);
    }
    ds_put_cstr(&rtb->body, "/>\n");
}

static void
emit_tgws(struct importer *imp)
{
    for (size_t i = 0; i < imp->tgw_rtbs.n && !imp->error; i++) {
        struct res *rtb = imp->tgw_rtbs.all[i];
        struct ctx c;
        const struct json *out = (rtb->ok
                                  ? find_keyed(imp, CALL_TGW_ROUTES, rtb->id,
                                               &c)
                                  : NULL);

        if (rtb->ok && !out && call_made(imp, CALL_TGW_ROUTES)) {
            warn(imp, "%s: routes unknown (not in "
                 "ec2-search-transit-gateway-routes.json)", rtb->id);
        } else if (out) {
            const struct json_array *routes = get_array(imp, &c, out,
                                                        "Routes");
            for (size_t j = 0; j < routes->n && !imp->error; j++) {
                struct ctx rc;
                const struct json *r = element(imp, &c, "Routes", routes, j,
                                               &rc);
                if (r) {
                    add_tgw_route(imp, rtb, &rc, r);
                }
            }
            if (get_bool(imp, &c, out, "AdditionalRoutesAvailable")) {
                warn(imp, "%s: more routes than were described (search "
                     "with narrower filters): those not described are "
                     "missing", rtb->id);
            }
        }
    }

    for (size_t i = 0; i < imp->tgw_atts.n && !imp->error; i++) {
        const struct res *att = imp->tgw_atts.all[i];

        if (!att->ok) {
            continue;
        }

        const struct ctx *ctx = &att->ctx;
        struct res *tgw = find_ok(&imp->tgws, get_str(imp, ctx, att->json,
                                                      "TransitGatewayId",
                                                      true));
        const struct json *as = get_obj(imp, ctx, att->json, "Association");
        const char *rtb = as ? get_str(imp, ctx, as,
                                       "TransitGatewayRouteTableId", false)
                             : NULL;
        const char *state = as ? get_str(imp, ctx, as, "State", false) : NULL;
        struct ds *s = &tgw->body;

        ds_put_cstr(s, "      <attachment");
        put_attr(s, "id", att->id);
        put_attr(s, "vpc", get_str(imp, ctx, att->json, "ResourceId", true));
        put_list(s, "subnets", &att->subnets);
        if (find_ok(&imp->tgw_rtbs, rtb)
            && (!state || !strcmp(state, "associated"))) {
            put_attr(s, "association", rtb);
        }
        if (att->propagations.n) {
            put_list(s, "propagations", &att->propagations);
        }
        ds_put_cstr(s, "/>\n");
    }

    for (size_t i = 0; i < imp->tgw_rtbs.n && !imp->error; i++) {
        const struct res *rtb = imp->tgw_rtbs.all[i];

        if (rtb->ok) {
            struct res *tgw = find_ok(&imp->tgws, get_str(
                                          imp, &rtb->ctx, rtb->json,
                                          "TransitGatewayId", true));
            ds_put_cstr(&tgw->body, "      <route-table");
            put_attr(&tgw->body, "id", rtb->id);
            ds_put_format(&tgw->body, ">\n%s      </route-table>\n",
                          ds_cstr_ro(&rtb->body));
        }
    }

    for (size_t i = 0; i < imp->tgws.n && !imp->error; i++) {
        const struct res *tgw = imp->tgws.all[i];

        if (tgw->ok) {
            struct ds *s = &get_account(imp, tgw->owner)->body;

            ds_put_cstr(s, "    <transit-gateway");
            put_attr(s, "id", tgw->id);
            ds_put_format(s, ">\n%s    </transit-gateway>\n",
                          ds_cstr_ro(&tgw->body));
        }
    }
}

static void
put_port_range(struct importer *imp, const struct ctx *c,
               const struct json *rule, const char *key, const char *attr,
               struct ds *s)
{
    const struct json *range = get_obj(imp, c, rule, key);
    int64_t from = 0, to = 0;

    if (range && get_int(imp, c, range, "FromPort", 0, UINT16_MAX, &from)
        && get_int(imp, c, range, "ToPort", 0, UINT16_MAX, &to)) {
        if (from > to) {
            fail(imp, c, "%s: \"FromPort\" %"PRId64" is above \"ToPort\" "
                 "%"PRId64, key, from, to);
        } else {
            ds_put_format(s, " %s=\"%"PRId64"-%"PRId64"\"", attr, from, to);
        }
    }
}

static void
emit_mirroring(struct importer *imp)
{
    for (size_t i = 0; i < imp->targets.n && !imp->error; i++) {
        const struct res *t = imp->targets.all[i];

        if (t->ok) {
            struct ds *s = &get_account(imp, t->owner)->body;

            ds_put_cstr(s, "    <traffic-mirror-target");
            put_attr(s, "id", t->id);
            put_attr(s, "network-interface",
                     get_str(imp, &t->ctx, t->json, "NetworkInterfaceId",
                             false));
            if (!get_str(imp, &t->ctx, t->json, "NetworkInterfaceId",
                         false)) {
                put_attr(s, "network-load-balancer",
                         get_str(imp, &t->ctx, t->json,
                                 "NetworkLoadBalancerArn", false));
            }
            put_attr(s, "description", get_str(imp, &t->ctx, t->json,
                                               "Description", false));
            ds_put_cstr(s, "/>\n");
        }
    }

    for (size_t i = 0; i < imp->filters.n && !imp->error; i++) {
        const struct res *f = imp->filters.all[i];
        struct ds *s = &get_account(imp, f->owner)->body;
        const struct json_array *services = get_array(imp, &f->ctx, f->json,
                                                      "NetworkServices");
        struct svec names;

        ds_put_cstr(s, "    <traffic-mirror-filter");
        put_attr(s, "id", f->id);
        svec_init(&names);
        for (size_t j = 0; j < services->n; j++) {
            if (services->elems[j]->type == JSON_STRING) {
                svec_add(&names, json_string(services->elems[j]));
            }
        }
        if (names.n) {
            put_list(s, "network-services", &names);
        }
        svec_destroy(&names);
        put_attr(s, "description", get_str(imp, &f->ctx, f->json,
                                           "Description", false));
        ds_put_cstr(s, ">\n");

        static const char *const lists[] = {
            "IngressFilterRules", "EgressFilterRules",
        };
        for (size_t k = 0; k < ARRAY_SIZE(lists); k++) {
            const struct json_array *rules = get_array(imp, &f->ctx, f->json,
                                                       lists[k]);
            for (size_t j = 0; j < rules->n && !imp->error; j++) {
                struct ctx c;
                const struct json *r = element(imp, &f->ctx, lists[k],
                                               rules, j, &c);
                int64_t number = 0, protocol = 0;

                if (!r) {
                    break;
                }
                ds_put_cstr(s, "      <rule");
                put_attr(s, "direction", k ? "egress" : "ingress");
                get_required_int(imp, &c, r, "RuleNumber",
                                 TM_RULE_NUMBER_MIN, TM_RULE_NUMBER_MAX,
                                 &number);
                put_int_attr(s, "rule-number", number);
                put_attr(s, "rule-action", get_str(imp, &c, r, "RuleAction",
                                                   true));
                if (get_int(imp, &c, r, "Protocol", 0, UINT8_MAX,
                            &protocol)) {
                    put_int_attr(s, "protocol", protocol);
                }
                put_attr(s, "source-cidr", get_str(imp, &c, r,
                                                   "SourceCidrBlock", true));
                put_attr(s, "destination-cidr",
                         get_str(imp, &c, r, "DestinationCidrBlock", true));
                put_port_range(imp, &c, r, "SourcePortRange",
                               "source-port-range", s);
                put_port_range(imp, &c, r, "DestinationPortRange",
                               "destination-port-range", s);
                put_attr(s, "description", get_str(imp, &c, r, "Description",
                                                   false));
                ds_put_cstr(s, "/>\n");
            }
        }
        ds_put_cstr(s, "    </traffic-mirror-filter>\n");
    }

    for (size_t i = 0; i < imp->sessions.n && !imp->error; i++) {
        const struct res *t = imp->sessions.all[i];
        int64_t n;

        if (!t->ok) {
            continue;
        }

        struct ds *s = &get_account(imp, t->owner)->body;
        ds_put_cstr(s, "    <traffic-mirror-session");
        put_attr(s, "id", t->id);
        put_attr(s, "network-interface", get_str(imp, &t->ctx, t->json,
                                                 "NetworkInterfaceId", true));
        put_attr(s, "traffic-mirror-target",
                 get_str(imp, &t->ctx, t->json, "TrafficMirrorTargetId",
                         true));
        put_attr(s, "traffic-mirror-filter",
                 get_str(imp, &t->ctx, t->json, "TrafficMirrorFilterId",
                         true));
        if (get_int(imp, &t->ctx, t->json, "SessionNumber",
                    TM_SESSION_NUMBER_MIN, TM_SESSION_NUMBER_MAX, &n)) {
            put_int_attr(s, "session-number", n);
        } else {
            fail(imp, &t->ctx, "\"SessionNumber\" is missing");
        }
        if (get_int(imp, &t->ctx, t->json, "VirtualNetworkId", 0,
                    TM_VNI_MAX, &n)) {
            put_int_attr(s, "virtual-network-id", n);
        }
        if (get_int(imp, &t->ctx, t->json, "PacketLength",
                    TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX, &n)) {
            put_int_attr(s, "packet-length", n);
        }
        put_attr(s, "description", get_str(imp, &t->ctx, t->json,
                                           "Description", false));
        ds_put_cstr(s, "/>\n");
    }
}

static void
assemble(struct importer *imp, struct ds *xml)
{
    const struct shash_node **accounts;

    for (size_t i = 0; i < imp->vpcs.n; i++) {
        const struct res *vpc = imp->vpcs.all[i];

        if (vpc->ok) {
            struct ds *s = &get_account(imp, vpc->owner)->vpcs;

            ds_put_cstr(s, "    <vpc");
            put_attr(s, "id", vpc->id);
            put_attr(s, "cidr", get_str(imp, &vpc->ctx, vpc->json,
                                        "CidrBlock", true));
            ds_put_format(s, ">\n%s    </vpc>\n", ds_cstr_ro(&vpc->body));
        }
    }

    ds_put_cstr(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<!-- Imported by tm-sim import from AWS CLI describe "
                "output. -->\n"
                "<topology xmlns=\"urn:ovs-tmirror:topology:1\"");
    put_attr(xml, "region", imp->region);
    ds_put_cstr(xml, ">\n");
    accounts = shash_sort(&imp->accounts);
    for (size_t i = 0; i < shash_count(&imp->accounts); i++) {
        const struct account *a = accounts[i]->data;

        ds_put_cstr(xml, "  <account");
        put_attr(xml, "id", a->id);
        put_attr(xml, "organization", a->organization);
        ds_put_format(xml, ">\n%s%s  </account>\n", ds_cstr_ro(&a->vpcs),
                      ds_cstr_ro(&a->body));
    }
    free(accounts);
    ds_put_cstr(xml, "</topology>\n");
}

/* ---- The import. ---- */

static void
importer_init(struct importer *imp, struct svec *warnings)
{
    memset(imp, 0, sizeof *imp);
    imp->warnings = warnings;
    shash_init(&imp->accounts);
#define KIND(NAME) shash_init(&imp->NAME.by_id);
    KINDS
#undef KIND
    shash_init(&imp->instance_types);
    shash_init(&imp->primary_enis);
    shash_init(&imp->lb_nodes);
    shash_init(&imp->enis_by_ip);
    shash_init(&imp->tgw_subnets);
}

static void
importer_destroy(struct importer *imp)
{
    struct shash_node *node;

#define KIND(NAME) kind_destroy(&imp->NAME);
    KINDS
#undef KIND
    shash_destroy(&imp->instance_types);
    shash_destroy(&imp->primary_enis);
    shash_destroy(&imp->lb_nodes);
    shash_destroy(&imp->enis_by_ip);
    shash_destroy(&imp->tgw_subnets);
    SHASH_FOR_EACH (node, &imp->accounts) {
        struct account *a = node->data;

        for (enum call c = 0; c < N_CALLS; c++) {
            json_destroy(a->files[c]);
            free(a->file_names[c]);
        }
        ds_destroy(&a->vpcs);
        ds_destroy(&a->body);
        free(a->organization);
        free(a->dir);
        free(a->id);
        free(a);
    }
    shash_destroy(&imp->accounts);
    free(imp->described);
    free(imp->region);
}

void
sim_import_init(struct sim_import *import)
{
    ds_init(&import->xml);
    svec_init(&import->warnings);
}

void
sim_import_destroy(struct sim_import *import)
{
    if (import) {
        ds_destroy(&import->xml);
        svec_destroy(&import->warnings);
    }
}

char *
sim_import_dir(const char *dir, struct sim_import *import)
{
    struct importer imp;
    char *error;

    ds_clear(&import->xml);
    svec_clear(&import->warnings);
    importer_init(&imp, &import->warnings);

    read_all(&imp, dir);
    if (!imp.error) {
        decide_vpcs(&imp);
        decide_subnets(&imp);
        associate(&imp);
        import_shares(&imp, true);
        decide_groups(&imp);
        decide_enis(&imp);
        decide_nlbs(&imp);
        decide_peerings(&imp);
        decide_tgws(&imp);
        decide_mirroring(&imp);

        emit_vpcs_cidrs(&imp);
        emit_subnets(&imp);
        emit_route_tables(&imp);
        emit_acls(&imp);
        emit_groups(&imp);
        emit_enis(&imp);
        emit_nlbs(&imp);
        emit_peerings(&imp);
        emit_tgws(&imp);
        import_shares(&imp, false);
        emit_mirroring(&imp);
    }
    if (!imp.error) {
        assemble(&imp, &import->xml);
    }

    error = imp.error;
    importer_destroy(&imp);
    if (error) {
        ds_clear(&import->xml);
        svec_clear(&import->warnings);
    }
    return error;
}
