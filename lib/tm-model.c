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

#include <config.h>

#include "tmirror/model.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "random.h"
#include "sset.h"
#include "util.h"

/* An account, with what the quotas and VNI allocation need. */
struct tm_account {
    char *id;
    char *organization;         /* NULL if in none. */
    size_t n_sessions;
    size_t n_targets;
    size_t n_filters;
    struct hmap vnis;           /* Contains "struct vni_node"s. */
};

/* A VNI in use by one or more sessions of an account. */
struct vni_node {
    struct hmap_node node;      /* In struct tm_account's 'vnis'. */
    uint32_t vni;
    unsigned int n_sessions;
};

struct tm_nlb {
    char *id;
    char *owner;
};

struct tm_share {
    char *id;
    char *owner;
    struct sset resources;
    struct sset principals;
    bool accepted;
};

/* The sessions of one source ENI, in ascending session number. */
struct tm_source {
    struct tm_session *sessions[TM_MAX_SESSIONS_PER_ENI];
    size_t n;
};

struct tm_model {
    struct shash accounts;      /* Account id -> struct tm_account. */
    struct shash enis;          /* ENI id -> struct tm_eni. */
    struct shash nlbs;          /* Load balancer id -> struct tm_nlb. */
    struct shash shares;        /* Share id -> struct tm_share. */
    struct shash targets;       /* Target id -> struct tm_target. */
    struct shash filters;       /* Filter id -> struct tm_filter. */
    struct shash rules;         /* Rule id -> struct tm_rule. */
    struct shash sessions;      /* Session id -> struct tm_session. */
    struct shash sources;       /* Source ENI id -> struct tm_source. */
    struct simap eni_targets;   /* ENI id -> number of targets on it. */
};

/* ---- Model life cycle and inventory. ---- */

struct tm_model *
tm_model_create(void)
{
    struct tm_model *model = xmalloc(sizeof *model);

    shash_init(&model->accounts);
    shash_init(&model->enis);
    shash_init(&model->nlbs);
    shash_init(&model->shares);
    shash_init(&model->targets);
    shash_init(&model->filters);
    shash_init(&model->rules);
    shash_init(&model->sessions);
    shash_init(&model->sources);
    simap_init(&model->eni_targets);
    return model;
}

static void
rule_free(struct tm_rule *rule)
{
    if (rule) {
        free(rule->id);
        free(rule->description);
        free(rule);
    }
}

static void
filter_free(struct tm_filter *filter)
{
    if (filter) {
        for (int d = 0; d < TM_N_DIRECTIONS; d++) {
            for (size_t i = 0; i < filter->n_rules[d]; i++) {
                rule_free(filter->rules[d][i]);
            }
        }
        free(filter->id);
        free(filter->owner);
        free(filter->description);
        smap_destroy(&filter->tags);
        free(filter);
    }
}

static void
target_free(struct tm_target *target)
{
    if (target) {
        free(target->id);
        free(target->owner);
        free(target->resource);
        free(target->description);
        smap_destroy(&target->tags);
        simap_destroy(&target->sources);
        free(target);
    }
}

static void
session_free(struct tm_session *session)
{
    if (session) {
        free(session->id);
        free(session->owner);
        free(session->eni);
        free(session->target_id);
        free(session->description);
        smap_destroy(&session->tags);
        free(session);
    }
}

static void
account_free(struct tm_account *account)
{
    if (account) {
        struct vni_node *node;

        HMAP_FOR_EACH_POP (node, node, &account->vnis) {
            free(node);
        }
        hmap_destroy(&account->vnis);
        free(account->id);
        free(account->organization);
        free(account);
    }
}

static void
eni_free(struct tm_eni *eni)
{
    if (eni) {
        free(eni->id);
        free(eni->owner);
        free(eni->subnet_owner);
        free(eni->instance_type);
        free(eni);
    }
}

static void
nlb_free(struct tm_nlb *nlb)
{
    if (nlb) {
        free(nlb->id);
        free(nlb->owner);
        free(nlb);
    }
}

static void
share_free(struct tm_share *share)
{
    if (share) {
        free(share->id);
        free(share->owner);
        sset_destroy(&share->resources);
        sset_destroy(&share->principals);
        free(share);
    }
}

void
tm_model_destroy(struct tm_model *model)
{
    if (!model) {
        return;
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &model->sessions) {
        session_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->filters) {
        filter_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->targets) {
        target_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->accounts) {
        account_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->enis) {
        eni_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->nlbs) {
        nlb_free(node->data);
    }
    SHASH_FOR_EACH (node, &model->shares) {
        share_free(node->data);
    }
    shash_destroy_free_data(&model->sources);
    shash_destroy(&model->accounts);
    shash_destroy(&model->enis);
    shash_destroy(&model->nlbs);
    shash_destroy(&model->shares);
    shash_destroy(&model->targets);
    shash_destroy(&model->filters);
    shash_destroy(&model->rules);
    shash_destroy(&model->sessions);
    simap_destroy(&model->eni_targets);
    free(model);
}

static bool
is_empty(const char *s)
{
    return !s || !s[0];
}

/* Returns an error if 'id' is not usable as the id of a new object that is
 * kept in 'ids'. */
static struct tm_error *
check_new_id(const struct shash *ids, const char *id, const char *field)
{
    if (is_empty(id)) {
        return tm_error_create(TM_ERR_MISSING_VALUE, field,
                               "an id is required");
    }
    if (!tm_id_is_valid(id)) {
        char *why = tm_check_id(id);
        struct tm_error *error = tm_error_create(TM_ERR_INVALID_VALUE, field,
                                                 "%s", why);
        free(why);
        return error;
    }
    if (shash_find(ids, id)) {
        return tm_error_create(TM_ERR_DUPLICATE_ID, field,
                               "\"%s\" already exists", id);
    }
    return NULL;
}

static struct tm_account *
find_account(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->accounts, id) : NULL;
}

/* Looks up the account 'id' that some object is to belong to, storing it in
 * '*accountp', or returns an error naming 'field'. */
static struct tm_error *
get_account(const struct tm_model *model, const char *id, const char *field,
            struct tm_account **accountp)
{
    if (is_empty(id)) {
        return tm_error_create(TM_ERR_MISSING_VALUE, field,
                               "an account id is required");
    }
    *accountp = find_account(model, id);
    if (!*accountp) {
        return tm_error_create(TM_ERR_NOT_FOUND, field,
                               "account \"%s\" does not exist", id);
    }
    return NULL;
}

/* Adds account 'id', in 'organization' (NULL or "" if none). */
struct tm_error *
tm_model_add_account(struct tm_model *model, const char *id,
                     const char *organization)
{
    struct tm_error *error = check_new_id(&model->accounts, id, "account");
    if (error) {
        return error;
    }

    struct tm_account *account = xzalloc(sizeof *account);
    account->id = xstrdup(id);
    account->organization = (is_empty(organization) ? NULL
                             : xstrdup(organization));
    hmap_init(&account->vnis);
    shash_add(&model->accounts, id, account);
    return NULL;
}

/* Checks the id and the accounts of 'spec', a new network interface of
 * 'model', and stores its accounts in '*ownerp' and '*subnet_ownerp'. */
static struct tm_error *
check_eni_spec(const struct tm_model *model, const struct tm_eni_spec *spec,
               struct tm_account **ownerp, struct tm_account **subnet_ownerp)
{
    struct tm_error *error;

    error = check_new_id(&model->enis, spec->id, "network-interface");
    if (!error) {
        error = get_account(model, spec->owner, "owner", ownerp);
    }
    if (!error) {
        error = get_account(model, (spec->subnet_owner ? spec->subnet_owner
                                    : spec->owner),
                            "subnet-owner", subnet_ownerp);
    }
    return error;
}

/* Adds the network interface of 'spec' to 'model', its primary IP and its
 * VPC's CIDR given as text there. */
struct tm_error *
tm_model_add_eni(struct tm_model *model, const struct tm_eni_spec *spec)
{
    struct tm_account *owner, *subnet_owner;
    struct tm_cidr vpc_cidr = { .plen = 0 };
    struct tm_error *error;
    struct in6_addr ip;
    bool ipv4;
    char *msg;

    error = check_eni_spec(model, spec, &owner, &subnet_owner);
    if (error) {
        return error;
    }
    if (is_empty(spec->ip)) {
        return tm_error_create(TM_ERR_MISSING_VALUE, "ip",
                               "network interface %s needs a primary IP",
                               spec->id);
    }
    msg = tm_parse_ip(spec->ip, &ip, &ipv4);
    if (!msg && spec->vpc_cidr) {
        msg = tm_parse_cidr(spec->vpc_cidr, &vpc_cidr);
        if (msg) {
            error = tm_error_create(TM_ERR_INVALID_VALUE, "vpc-cidr",
                                    "%s", msg);
            free(msg);
            return error;
        }
    }
    if (msg) {
        error = tm_error_create(TM_ERR_INVALID_VALUE, "ip", "%s", msg);
        free(msg);
        return error;
    }
    return tm_model_add_eni_parsed(model, spec, &ip,
                                   spec->vpc_cidr ? &vpc_cidr : NULL);
}

/* Like tm_model_add_eni(), for a caller that has parsed the addresses
 * already: the primary IP 'ip' (IPv4-mapped for IPv4) and its VPC's
 * primary CIDR 'vpc_cidr' (NULL if unknown) stand for the text of
 * 'spec->ip' and 'spec->vpc_cidr', which are not read. */
struct tm_error *
tm_model_add_eni_parsed(struct tm_model *model,
                        const struct tm_eni_spec *spec,
                        const struct in6_addr *ip,
                        const struct tm_cidr *vpc_cidr)
{
    struct tm_account *owner, *subnet_owner;
    struct tm_error *error;

    error = check_eni_spec(model, spec, &owner, &subnet_owner);
    if (error) {
        return error;
    }
    if (spec->mtu != TM_UNSET
        && (spec->mtu < TM_MTU_MIN || spec->mtu > TM_MTU_MAX)) {
        return tm_error_create(TM_ERR_VALUE_OUT_OF_RANGE, "mtu",
                               "MTU %"PRId64" is not within %d to %d",
                               spec->mtu, TM_MTU_MIN, TM_MTU_MAX);
    }

    struct tm_eni *eni = xzalloc(sizeof *eni);
    eni->id = xstrdup(spec->id);
    eni->owner = xstrdup(owner->id);
    eni->subnet_owner = xstrdup(subnet_owner->id);
    eni->ip = *ip;
    if (vpc_cidr) {
        eni->vpc_cidr = *vpc_cidr;
        eni->has_vpc_cidr = true;
    }
    eni->instance_type = nullable_xstrdup(spec->instance_type);
    eni->mtu = spec->mtu == TM_UNSET ? TM_DEFAULT_MTU : spec->mtu;
    shash_add(&model->enis, eni->id, eni);
    return NULL;
}

struct tm_error *
tm_model_add_nlb(struct tm_model *model, const char *id, const char *owner)
{
    struct tm_account *account;
    struct tm_error *error;

    error = check_new_id(&model->nlbs, id, "load-balancer");
    if (!error) {
        error = get_account(model, owner, "owner", &account);
    }
    if (error) {
        return error;
    }

    struct tm_nlb *nlb = xmalloc(sizeof *nlb);
    nlb->id = xstrdup(id);
    nlb->owner = xstrdup(account->id);
    shash_add(&model->nlbs, nlb->id, nlb);
    return NULL;
}

struct tm_error *
tm_model_add_share(struct tm_model *model, const char *id, const char *owner,
                   const char *resources, const char *principals,
                   bool accepted)
{
    struct tm_account *account;
    struct tm_error *error;

    error = check_new_id(&model->shares, id, "resource-share");
    if (!error) {
        error = get_account(model, owner, "owner", &account);
    }
    if (error) {
        return error;
    }

    struct tm_share *share = xmalloc(sizeof *share);
    share->id = xstrdup(id);
    share->owner = xstrdup(account->id);
    sset_from_delimited_string(&share->resources, resources ? resources : "",
                               " \t\n,");
    sset_from_delimited_string(&share->principals,
                               principals ? principals : "", " \t\n,");
    share->accepted = accepted;
    shash_add(&model->shares, share->id, share);
    return NULL;
}

/* ---- Lookups and describe. ---- */

const struct tm_eni *
tm_model_find_eni(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->enis, id) : NULL;
}

const struct tm_target *
tm_model_find_target(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->targets, id) : NULL;
}

const struct tm_filter *
tm_model_find_filter(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->filters, id) : NULL;
}

const struct tm_rule *
tm_model_find_rule(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->rules, id) : NULL;
}

const struct tm_session *
tm_model_find_session(const struct tm_model *model, const char *id)
{
    return id ? shash_find_data(&model->sessions, id) : NULL;
}

size_t
tm_model_sessions_of_eni(const struct tm_model *model, const char *eni,
                         struct tm_session *const **sessionsp)
{
    const struct tm_source *source = shash_find_data(&model->sources, eni);

    if (!source) {
        *sessionsp = NULL;
        return 0;
    }
    *sessionsp = source->sessions;
    return source->n;
}

/* Returns true if 'share' grants 'account' use of 'resource'; sets
 * '*accepted' to whether the share may be used without (or after) an
 * acceptance. */
static bool
share_grants(const struct tm_model *model, const struct tm_share *share,
             const char *resource, const struct tm_account *account,
             bool *accepted)
{
    if (!sset_contains(&share->resources, resource)
        || !(sset_contains(&share->principals, account->id)
             || (account->organization
                 && sset_contains(&share->principals,
                                  account->organization)))) {
        return false;
    }

    const struct tm_account *owner = find_account(model, share->owner);
    bool same_org = (owner && owner->organization && account->organization
                     && !strcmp(owner->organization, account->organization));
    *accepted = share->accepted || same_org;
    return true;
}

/* Checks that 'account' may mirror to 'target': it owns it, or the owner
 * shared it with the account (or its organization) and, across
 * organizations, the share was accepted. */
static struct tm_error *
check_target_usable(const struct tm_model *model,
                    const struct tm_account *account,
                    const struct tm_target *target)
{
    bool shared = false;
    bool accepted = false;
    struct shash_node *node;

    if (!strcmp(target->owner, account->id)) {
        return NULL;
    }
    SHASH_FOR_EACH (node, &model->shares) {
        const struct tm_share *share = node->data;
        bool ok;

        if (!strcmp(share->owner, target->owner)
            && share_grants(model, share, target->id, account, &ok)) {
            shared = true;
            accepted = accepted || ok;
        }
    }
    if (!shared) {
        return tm_error_create(TM_ERR_TARGET_NOT_SHARED,
                               "traffic-mirror-target-id",
                               "target %s belongs to account %s, which has "
                               "not shared it with account %s",
                               target->id, target->owner, account->id);
    } else if (!accepted) {
        return tm_error_create(TM_ERR_SHARE_NOT_ACCEPTED,
                               "traffic-mirror-target-id",
                               "target %s is shared by account %s with "
                               "account %s, in another organization, but "
                               "the share has not been accepted",
                               target->id, target->owner, account->id);
    }
    return NULL;
}

static bool
target_visible(const struct tm_model *model, const struct tm_target *target,
               const char *caller)
{
    const struct tm_account *account = find_account(model, caller);
    struct shash_node *node;
    bool accepted;

    if (!caller || !strcmp(target->owner, caller)) {
        return true;
    }
    if (!account) {
        return false;
    }
    SHASH_FOR_EACH (node, &model->shares) {
        if (share_grants(model, node->data, target->id, account, &accepted)) {
            return true;
        }
    }
    return false;
}

/* Compares two pointers to targets, filters or sessions by id, for qsort().
 * Each of those structures begins with its "char *id". */
BUILD_ASSERT_DECL(offsetof(struct tm_target, id) == 0);
BUILD_ASSERT_DECL(offsetof(struct tm_filter, id) == 0);
BUILD_ASSERT_DECL(offsetof(struct tm_session, id) == 0);

static int
compare_ids(const void *a_, const void *b_)
{
    const void *const *a = a_;
    const void *const *b = b_;
    const char *const *id_a = *a;
    const char *const *id_b = *b;

    return strcmp(*id_a, *id_b);
}

const struct tm_target **
tm_model_describe_targets(const struct tm_model *model, const char *caller,
                          size_t *np)
{
    const struct tm_target **targets;
    struct shash_node *node;
    size_t n = 0;

    targets = xmalloc(shash_count(&model->targets) * sizeof *targets);
    SHASH_FOR_EACH (node, &model->targets) {
        if (target_visible(model, node->data, caller)) {
            targets[n++] = node->data;
        }
    }
    qsort(targets, n, sizeof *targets, compare_ids);
    *np = n;
    return targets;
}

const struct tm_filter **
tm_model_describe_filters(const struct tm_model *model, const char *caller,
                          size_t *np)
{
    const struct tm_filter **filters;
    struct shash_node *node;
    size_t n = 0;

    filters = xmalloc(shash_count(&model->filters) * sizeof *filters);
    SHASH_FOR_EACH (node, &model->filters) {
        const struct tm_filter *filter = node->data;
        if (!caller || !strcmp(filter->owner, caller)) {
            filters[n++] = filter;
        }
    }
    qsort(filters, n, sizeof *filters, compare_ids);
    *np = n;
    return filters;
}

const struct tm_session **
tm_model_describe_sessions(const struct tm_model *model, const char *caller,
                           size_t *np)
{
    const struct tm_session **sessions;
    struct shash_node *node;
    size_t n = 0;

    sessions = xmalloc(shash_count(&model->sessions) * sizeof *sessions);
    SHASH_FOR_EACH (node, &model->sessions) {
        const struct tm_session *session = node->data;
        if (!caller || !strcmp(session->owner, caller)) {
            sessions[n++] = session;
        }
    }
    qsort(sessions, n, sizeof *sessions, compare_ids);
    *np = n;
    return sessions;
}

/* ---- Ids. ---- */

/* Returns a new id "PREFIX-" plus 17 random hexadecimal digits, as AWS
 * makes them, that is not yet in 'ids'. */
static char *
generate_id(const struct shash *ids, const char *prefix)
{
    for (;;) {
        char *id = xasprintf("%s-%01"PRIx32"%016"PRIx64, prefix,
                             random_uint32() & 0xf, random_uint64());
        if (!shash_find(ids, id)) {
            return id;
        }
        free(id);
    }
}

/* Returns a copy of 'id' if it is nonnull, otherwise a new id with
 * 'prefix'.  Returns NULL (and sets '*errorp') if 'id' is taken. */
static char *
new_id(const struct shash *ids, const char *id, const char *prefix,
       const char *field, struct tm_error **errorp)
{
    if (!id) {
        return generate_id(ids, prefix);
    }
    *errorp = check_new_id(ids, id, field);
    return *errorp ? NULL : xstrdup(id);
}

/* Returns an error naming 'field' unless 'caller' owns an object owned by
 * 'owner' (described as 'what'). */
static struct tm_error *
check_owner(const char *caller, const char *owner, const char *field,
            const char *what)
{
    if (strcmp(caller, owner)) {
        return tm_error_create(TM_ERR_NOT_OWNER, field,
                               "%s belongs to account %s, not to account %s",
                               what, owner, caller);
    }
    return NULL;
}

static struct tm_error *
check_range(int64_t value, int64_t min, int64_t max, const char *field,
            const char *what)
{
    if (value == TM_UNSET) {
        return tm_error_create(TM_ERR_MISSING_VALUE, field,
                               "a %s is required", what);
    }
    if (value < min || value > max) {
        return tm_error_create(TM_ERR_VALUE_OUT_OF_RANGE, field,
                               "%s %"PRId64" is not within %"PRId64" to "
                               "%"PRId64, what, value, min, max);
    }
    return NULL;
}

/* ---- VNIs. ---- */

static struct vni_node *
vni_find(const struct tm_account *account, uint32_t vni)
{
    struct vni_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, node, hash_int(vni, 0), &account->vnis) {
        if (node->vni == vni) {
            return node;
        }
    }
    return NULL;
}

static void
vni_ref(struct tm_account *account, uint32_t vni)
{
    struct vni_node *node = vni_find(account, vni);

    if (!node) {
        node = xmalloc(sizeof *node);
        node->vni = vni;
        node->n_sessions = 0;
        hmap_insert(&account->vnis, &node->node, hash_int(vni, 0));
    }
    node->n_sessions++;
}

static void
vni_unref(struct tm_account *account, uint32_t vni)
{
    struct vni_node *node = vni_find(account, vni);

    if (node && !--node->n_sessions) {
        hmap_remove(&account->vnis, &node->node);
        free(node);
    }
}

/* Returns a random VNI that no session of 'account' uses.  An account has
 * at most 10,000 sessions, so a few tries are enough. */
static uint32_t
vni_choose(const struct tm_account *account)
{
    for (;;) {
        uint32_t vni = random_uint32() & TM_VNI_MAX;
        if (!vni_find(account, vni)) {
            return vni;
        }
    }
}

/* ---- Targets. ---- */

static struct tm_account *
caller_account(const struct tm_model *model, const char *caller,
               struct tm_error **errorp)
{
    struct tm_account *account = NULL;

    *errorp = get_account(model, caller, "account", &account);
    return account;
}

struct tm_error *
tm_create_target(struct tm_model *model, const char *caller,
                 const struct tm_target_spec *spec,
                 const struct tm_target **targetp)
{
    struct tm_account *account;
    struct tm_error *error;
    enum tm_target_type type;
    const char *resource, *owner;

    account = caller_account(model, caller, &error);
    if (error) {
        return error;
    }

    bool has_eni = !is_empty(spec->network_interface_id);
    bool has_nlb = !is_empty(spec->network_load_balancer_arn);
    if (has_eni == has_nlb) {
        return tm_error_create(has_eni ? TM_ERR_INVALID_VALUE
                               : TM_ERR_MISSING_VALUE,
                               "network-interface-id",
                               "a target is either a network interface "
                               "(--network-interface-id) or a network load "
                               "balancer (--network-load-balancer-arn)");
    }
    if (has_eni) {
        const struct tm_eni *eni;

        type = TM_TARGET_ENI;
        resource = spec->network_interface_id;
        eni = tm_model_find_eni(model, resource);
        if (!eni) {
            return tm_error_create(TM_ERR_NOT_FOUND, "network-interface-id",
                                   "network interface %s does not exist",
                                   resource);
        }
        owner = eni->owner;
        if (shash_find(&model->sources, resource)) {
            return tm_error_create(TM_ERR_ENI_IS_SOURCE_AND_TARGET,
                                   "network-interface-id",
                                   "network interface %s is the source of "
                                   "a mirror session", resource);
        }
    } else {
        const struct tm_nlb *nlb;

        type = TM_TARGET_NLB;
        resource = spec->network_load_balancer_arn;
        nlb = shash_find_data(&model->nlbs, resource);
        if (!nlb) {
            return tm_error_create(TM_ERR_NOT_FOUND,
                                   "network-load-balancer-arn",
                                   "network load balancer %s does not "
                                   "exist", resource);
        }
        owner = nlb->owner;
    }
    error = check_owner(account->id, owner,
                        has_eni ? "network-interface-id"
                        : "network-load-balancer-arn",
                        resource);
    if (error) {
        return error;
    }
    if (account->n_targets >= TM_MAX_PER_ACCOUNT) {
        return tm_error_create(TM_ERR_QUOTA_TARGETS_PER_ACCOUNT, NULL,
                               "account %s already has %d targets",
                               account->id, TM_MAX_PER_ACCOUNT);
    }

    char *id = new_id(&model->targets, spec->id, "tmt",
                      "traffic-mirror-target-id", &error);
    if (error) {
        return error;
    }

    struct tm_target *target = xzalloc(sizeof *target);
    target->id = id;
    target->owner = xstrdup(account->id);
    target->type = type;
    target->resource = xstrdup(resource);
    target->description = xstrdup(spec->description ? spec->description : "");
    if (spec->tags) {
        smap_clone(&target->tags, spec->tags);
    } else {
        smap_init(&target->tags);
    }
    simap_init(&target->sources);
    shash_add(&model->targets, target->id, target);
    if (type == TM_TARGET_ENI) {
        simap_increase(&model->eni_targets, resource, 1);
    }
    account->n_targets++;
    if (targetp) {
        *targetp = target;
    }
    return NULL;
}

struct tm_error *
tm_modify_target(struct tm_model *model, const char *caller, const char *id,
                 const char *description)
{
    struct tm_target *target = shash_find_data(&model->targets, id);
    struct tm_error *error;

    if (!target) {
        return tm_error_create(TM_ERR_NOT_FOUND, "traffic-mirror-target-id",
                               "target %s does not exist", id);
    }
    caller_account(model, caller, &error);
    if (!error) {
        error = check_owner(caller, target->owner,
                            "traffic-mirror-target-id", target->id);
    }
    if (error) {
        return error;
    }
    if (description) {
        free(target->description);
        target->description = xstrdup(description);
    }
    return NULL;
}

/* Deletes a target.  Only its owner may, and not while a session of the
 * owner's account uses it (the error lists those sessions).  Sessions of
 * other accounts, which use it through a share, become inactive. */
struct tm_error *
tm_delete_target(struct tm_model *model, const char *caller, const char *id)
{
    struct tm_target *target = shash_find_data(&model->targets, id);
    struct tm_error *error;
    struct shash_node *node;

    if (!target) {
        return tm_error_create(TM_ERR_NOT_FOUND, "traffic-mirror-target-id",
                               "target %s does not exist", id);
    }
    caller_account(model, caller, &error);
    if (!error) {
        error = check_owner(caller, target->owner,
                            "traffic-mirror-target-id", target->id);
    }
    if (error) {
        return error;
    }

    const struct tm_session **sessions;
    size_t n;
    sessions = tm_model_describe_sessions(model, target->owner, &n);
    struct ds users = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        if (sessions[i]->target == target) {
            ds_put_format(&users, "%s%s", users.length ? ", " : "",
                          sessions[i]->id);
        }
    }
    free(sessions);
    if (users.length) {
        error = tm_error_create(TM_ERR_IN_USE, "traffic-mirror-target-id",
                                "target %s is in use by session(s) %s; "
                                "delete them or give them another target "
                                "first", target->id, ds_cstr(&users));
        ds_destroy(&users);
        return error;
    }
    ds_destroy(&users);

    SHASH_FOR_EACH (node, &model->sessions) {
        struct tm_session *session = node->data;

        if (session->target == target) {
            session->target = NULL;
            session->status = TM_SESSION_INACTIVE;
        }
    }
    if (target->type == TM_TARGET_ENI) {
        struct simap_node *count = simap_find(&model->eni_targets,
                                              target->resource);
        if (count && !--count->data) {
            simap_delete(&model->eni_targets, count);
        }
    }
    find_account(model, target->owner)->n_targets--;
    shash_find_and_delete(&model->targets, target->id);
    target_free(target);
    return NULL;
}

/* ---- Filters. ---- */

/* Parses 'services', a list of network services separated by white space
 * or commas, into '*amazon_dns' (set to true if "amazon-dns" is listed). */
static struct tm_error *
parse_network_services(const char *services, const char *field,
                       bool *amazon_dns)
{
    struct sset set;
    const char *name;
    struct tm_error *error = NULL;

    *amazon_dns = false;
    sset_from_delimited_string(&set, services ? services : "", " \t\n,");
    SSET_FOR_EACH (name, &set) {
        if (!strcmp(name, "amazon-dns")) {
            *amazon_dns = true;
        } else if (!error) {
            error = tm_error_create(TM_ERR_INVALID_VALUE, field,
                                    "\"%s\" is not a network service (the "
                                    "only one is amazon-dns)", name);
        }
    }
    sset_destroy(&set);
    return error;
}

struct tm_error *
tm_create_filter(struct tm_model *model, const char *caller,
                 const struct tm_filter_spec *spec,
                 const struct tm_filter **filterp)
{
    struct tm_account *account;
    struct tm_error *error;
    bool amazon_dns;

    account = caller_account(model, caller, &error);
    if (!error) {
        error = parse_network_services(spec->network_services,
                                       "network-services", &amazon_dns);
    }
    if (error) {
        return error;
    }
    if (account->n_filters >= TM_MAX_PER_ACCOUNT) {
        return tm_error_create(TM_ERR_QUOTA_FILTERS_PER_ACCOUNT, NULL,
                               "account %s already has %d filters",
                               account->id, TM_MAX_PER_ACCOUNT);
    }

    char *id = new_id(&model->filters, spec->id, "tmf",
                      "traffic-mirror-filter-id", &error);
    if (error) {
        return error;
    }

    struct tm_filter *filter = xzalloc(sizeof *filter);
    filter->id = id;
    filter->owner = xstrdup(account->id);
    filter->description = xstrdup(spec->description ? spec->description : "");
    if (spec->tags) {
        smap_clone(&filter->tags, spec->tags);
    } else {
        smap_init(&filter->tags);
    }
    filter->amazon_dns = amazon_dns;
    shash_add(&model->filters, filter->id, filter);
    account->n_filters++;
    if (filterp) {
        *filterp = filter;
    }
    return NULL;
}

/* Looks up filter 'id' and checks that 'caller' owns it. */
static struct tm_filter *
get_own_filter(struct tm_model *model, const char *caller, const char *id,
               struct tm_error **errorp)
{
    struct tm_filter *filter;

    caller_account(model, caller, errorp);
    if (*errorp) {
        return NULL;
    }
    filter = id ? shash_find_data(&model->filters, id) : NULL;
    if (!filter) {
        *errorp = tm_error_create(TM_ERR_NOT_FOUND,
                                  "traffic-mirror-filter-id",
                                  "filter %s does not exist",
                                  id ? id : "(none)");
        return NULL;
    }
    *errorp = check_owner(caller, filter->owner, "traffic-mirror-filter-id",
                          filter->id);
    return *errorp ? NULL : filter;
}

struct tm_error *
tm_modify_filter_network_services(struct tm_model *model, const char *caller,
                                  const char *id, const char *add,
                                  const char *remove)
{
    struct tm_filter *filter;
    struct tm_error *error;
    bool add_dns, remove_dns;

    filter = get_own_filter(model, caller, id, &error);
    if (!error) {
        error = parse_network_services(add, "add-network-services",
                                       &add_dns);
    }
    if (!error) {
        error = parse_network_services(remove, "remove-network-services",
                                       &remove_dns);
    }
    if (error) {
        return error;
    }
    if (add_dns && remove_dns) {
        return tm_error_create(TM_ERR_INVALID_VALUE, "add-network-services",
                               "amazon-dns cannot be both added and "
                               "removed");
    }
    if (add_dns) {
        filter->amazon_dns = true;
    } else if (remove_dns) {
        filter->amazon_dns = false;
    }
    return NULL;
}

struct tm_error *
tm_delete_filter(struct tm_model *model, const char *caller, const char *id)
{
    struct tm_filter *filter;
    struct tm_error *error;
    struct shash_node *node;

    filter = get_own_filter(model, caller, id, &error);
    if (error) {
        return error;
    }
    if (filter->n_sessions) {
        const struct tm_session **sessions;
        struct ds users = DS_EMPTY_INITIALIZER;
        size_t n;
        sessions = tm_model_describe_sessions(model, NULL, &n);

        for (size_t i = 0; i < n; i++) {
            if (sessions[i]->filter == filter) {
                ds_put_format(&users, "%s%s", users.length ? ", " : "",
                              sessions[i]->id);
            }
        }
        free(sessions);
        error = tm_error_create(TM_ERR_IN_USE, "traffic-mirror-filter-id",
                                "filter %s is in use by session(s) %s",
                                filter->id, ds_cstr(&users));
        ds_destroy(&users);
        return error;
    }

    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        for (size_t i = 0; i < filter->n_rules[d]; i++) {
            shash_find_and_delete(&model->rules, filter->rules[d][i]->id);
        }
    }
    node = shash_find(&model->filters, filter->id);
    shash_delete(&model->filters, node);
    find_account(model, filter->owner)->n_filters--;
    filter_free(filter);
    return NULL;
}

/* ---- Filter rules. ---- */

static struct tm_error *
invalid(const char *field, char *msg)
{
    struct tm_error *error = tm_error_create(TM_ERR_INVALID_VALUE, field,
                                             "%s", msg);
    free(msg);
    return error;
}

/* Builds in '*rule' the rule that 'spec' describes.  When 'base' is nonnull
 * (a modify), fields that 'spec' leaves NULL or TM_UNSET keep their value
 * from 'base', less those named in 'remove'. */
static struct tm_error *
rule_from_spec(const struct tm_rule_spec *spec, const struct tm_rule *base,
               unsigned int remove, struct tm_rule *rule)
{
    struct tm_error *error;
    char *msg;

    if (base) {
        *rule = *base;
    } else {
        memset(rule, 0, sizeof *rule);
        rule->protocol = TM_PROTO_ALL;
    }

    if (spec->direction) {
        if (!tm_parse_direction(spec->direction, &rule->direction)) {
            return tm_error_create(TM_ERR_INVALID_VALUE, "traffic-direction",
                                   "\"%s\" is not a direction (expected "
                                   "ingress or egress)", spec->direction);
        }
    } else if (!base) {
        return tm_error_create(TM_ERR_MISSING_VALUE, "traffic-direction",
                               "a direction (ingress or egress) is "
                               "required");
    }

    if (spec->rule_number != TM_UNSET || !base) {
        error = check_range(spec->rule_number, TM_RULE_NUMBER_MIN,
                            TM_RULE_NUMBER_MAX, "rule-number",
                            "rule number");
        if (error) {
            return error;
        }
        rule->number = spec->rule_number;
    }

    if (spec->action) {
        if (!tm_parse_rule_action(spec->action, &rule->action)) {
            return tm_error_create(TM_ERR_INVALID_VALUE, "rule-action",
                                   "\"%s\" is not a rule action (expected "
                                   "accept or reject)", spec->action);
        }
    } else if (!base) {
        return tm_error_create(TM_ERR_MISSING_VALUE, "rule-action",
                               "a rule action (accept or reject) is "
                               "required");
    }

    if (remove & TM_REMOVE_PROTOCOL) {
        rule->protocol = TM_PROTO_ALL;
    }
    if (spec->protocol) {
        msg = tm_parse_protocol(spec->protocol, &rule->protocol);
        if (msg) {
            return invalid("protocol", msg);
        }
    }

    if (remove & TM_REMOVE_SOURCE_PORT_RANGE) {
        rule->has_src_ports = false;
    }
    if (spec->source_port_range) {
        msg = tm_parse_port_range(spec->source_port_range, &rule->src_ports);
        if (msg) {
            return invalid("source-port-range", msg);
        }
        rule->has_src_ports = true;
    }
    if (remove & TM_REMOVE_DESTINATION_PORT_RANGE) {
        rule->has_dst_ports = false;
    }
    if (spec->destination_port_range) {
        msg = tm_parse_port_range(spec->destination_port_range,
                                  &rule->dst_ports);
        if (msg) {
            return invalid("destination-port-range", msg);
        }
        rule->has_dst_ports = true;
    }

    if (spec->source_cidr) {
        msg = tm_parse_cidr(spec->source_cidr, &rule->src);
        if (msg) {
            return invalid("source-cidr-block", msg);
        }
    } else if (!base) {
        return tm_error_create(TM_ERR_MISSING_VALUE, "source-cidr-block",
                               "a source CIDR block is required (0.0.0.0/0 "
                               "for any IPv4 source)");
    }
    if (spec->destination_cidr) {
        msg = tm_parse_cidr(spec->destination_cidr, &rule->dst);
        if (msg) {
            return invalid("destination-cidr-block", msg);
        }
    } else if (!base) {
        return tm_error_create(TM_ERR_MISSING_VALUE,
                               "destination-cidr-block",
                               "a destination CIDR block is required "
                               "(0.0.0.0/0 for any IPv4 destination)");
    }

    if (rule->src.ipv4 != rule->dst.ipv4) {
        struct ds s = DS_EMPTY_INITIALIZER;

        tm_cidr_format(&rule->src, &s);
        ds_put_cstr(&s, " and ");
        tm_cidr_format(&rule->dst, &s);
        error = tm_error_create(TM_ERR_CIDR_FAMILY_MISMATCH,
                                "destination-cidr-block",
                                "%s: the source and destination CIDR blocks "
                                "must be both IPv4 or both IPv6",
                                ds_cstr(&s));
        ds_destroy(&s);
        return error;
    }
    if ((rule->has_src_ports || rule->has_dst_ports)
        && rule->protocol != IPPROTO_TCP && rule->protocol != IPPROTO_UDP) {
        struct ds s = DS_EMPTY_INITIALIZER;

        tm_protocol_format(rule->protocol, &s);
        error = tm_error_create(TM_ERR_PORT_RANGE_NOT_ALLOWED,
                                rule->has_src_ports ? "source-port-range"
                                : "destination-port-range",
                                "a port range needs protocol tcp (6) or "
                                "udp (17), not %s", ds_cstr(&s));
        ds_destroy(&s);
        return error;
    }
    return NULL;
}

/* Checks that 'filter' has no rule other than 'self' with the number and
 * direction of 'rule'. */
static struct tm_error *
check_rule_number_free(const struct tm_filter *filter,
                       const struct tm_rule *rule, const struct tm_rule *self)
{
    int d = rule->direction;

    for (size_t i = 0; i < filter->n_rules[d]; i++) {
        const struct tm_rule *other = filter->rules[d][i];

        if (other != self && other->number == rule->number) {
            return tm_error_create(TM_ERR_DUPLICATE_RULE_NUMBER,
                                   "rule-number",
                                   "filter %s already has %s rule number "
                                   "%"PRIu16" (%s)", filter->id,
                                   tm_direction_to_string(rule->direction),
                                   rule->number, other->id);
        }
    }
    return NULL;
}

static void
filter_insert_rule(struct tm_filter *filter, struct tm_rule *rule)
{
    int d = rule->direction;
    size_t i = filter->n_rules[d]++;

    while (i > 0 && filter->rules[d][i - 1]->number > rule->number) {
        filter->rules[d][i] = filter->rules[d][i - 1];
        i--;
    }
    filter->rules[d][i] = rule;
}

static void
filter_remove_rule(struct tm_filter *filter, struct tm_rule *rule)
{
    int d = rule->direction;
    size_t i = 0;

    while (filter->rules[d][i] != rule) {
        i++;
    }
    filter->n_rules[d]--;
    memmove(&filter->rules[d][i], &filter->rules[d][i + 1],
            (filter->n_rules[d] - i) * sizeof filter->rules[d][i]);
}

struct tm_error *
tm_create_rule(struct tm_model *model, const char *caller,
               const char *filter_id, const struct tm_rule_spec *spec,
               const struct tm_rule **rulep)
{
    struct tm_filter *filter;
    struct tm_error *error;
    struct tm_rule tmp;

    filter = get_own_filter(model, caller, filter_id, &error);
    if (!error) {
        error = rule_from_spec(spec, NULL, 0, &tmp);
    }
    if (!error) {
        error = check_rule_number_free(filter, &tmp, NULL);
    }
    if (error) {
        return error;
    }
    if (filter->n_rules[TM_INGRESS] + filter->n_rules[TM_EGRESS]
        >= TM_MAX_RULES_PER_FILTER) {
        return tm_error_create(TM_ERR_QUOTA_RULES_PER_FILTER,
                               "traffic-mirror-filter-id",
                               "filter %s already has %d rules, the most "
                               "a filter may have", filter->id,
                               TM_MAX_RULES_PER_FILTER);
    }

    char *id = new_id(&model->rules, spec->id, "tmfr",
                      "traffic-mirror-filter-rule-id", &error);
    if (error) {
        return error;
    }

    struct tm_rule *rule = xmalloc(sizeof *rule);
    *rule = tmp;
    rule->id = id;
    rule->filter = filter;
    rule->description = xstrdup(spec->description ? spec->description : "");
    filter_insert_rule(filter, rule);
    shash_add(&model->rules, rule->id, rule);
    if (rulep) {
        *rulep = rule;
    }
    return NULL;
}

/* Looks up rule 'id' and checks that 'caller' owns its filter. */
static struct tm_rule *
get_own_rule(struct tm_model *model, const char *caller, const char *id,
             struct tm_error **errorp)
{
    struct tm_rule *rule = id ? shash_find_data(&model->rules, id) : NULL;

    caller_account(model, caller, errorp);
    if (*errorp) {
        return NULL;
    }
    if (!rule) {
        *errorp = tm_error_create(TM_ERR_NOT_FOUND,
                                  "traffic-mirror-filter-rule-id",
                                  "filter rule %s does not exist",
                                  id ? id : "(none)");
        return NULL;
    }
    *errorp = check_owner(caller, rule->filter->owner,
                          "traffic-mirror-filter-rule-id", rule->id);
    return *errorp ? NULL : rule;
}

struct tm_error *
tm_modify_rule(struct tm_model *model, const char *caller, const char *id,
               const struct tm_rule_spec *spec, unsigned int remove)
{
    struct tm_error *error;
    struct tm_rule *rule;
    struct tm_rule tmp;

    rule = get_own_rule(model, caller, id, &error);
    if (!error) {
        error = rule_from_spec(spec, rule, remove, &tmp);
    }
    if (!error) {
        error = check_rule_number_free(rule->filter, &tmp, rule);
    }
    if (error) {
        return error;
    }

    filter_remove_rule(rule->filter, rule);
    if (remove & TM_REMOVE_DESCRIPTION) {
        free(tmp.description);
        tmp.description = xstrdup("");
    }
    if (spec->description) {
        free(tmp.description);
        tmp.description = xstrdup(spec->description);
    }
    *rule = tmp;
    filter_insert_rule(rule->filter, rule);
    return NULL;
}

struct tm_error *
tm_delete_rule(struct tm_model *model, const char *caller, const char *id)
{
    struct tm_error *error;
    struct tm_rule *rule;

    rule = get_own_rule(model, caller, id, &error);
    if (error) {
        return error;
    }
    filter_remove_rule(rule->filter, rule);
    shash_find_and_delete(&model->rules, rule->id);
    rule_free(rule);
    return NULL;
}

static const struct {
    const char *name;
    enum tm_remove_field field;
} remove_fields[] = {
    { "destination-port-range", TM_REMOVE_DESTINATION_PORT_RANGE },
    { "source-port-range", TM_REMOVE_SOURCE_PORT_RANGE },
    { "protocol", TM_REMOVE_PROTOCOL },
    { "description", TM_REMOVE_DESCRIPTION },
    { "packet-length", TM_REMOVE_PACKET_LENGTH },
    { "virtual-network-id", TM_REMOVE_VIRTUAL_NETWORK_ID },
};

/* Parses 's', a field name as given to the AWS CLI's --remove-fields. */
struct tm_error *
tm_parse_remove_field(const char *s, enum tm_remove_field *field)
{
    for (size_t i = 0; i < ARRAY_SIZE(remove_fields); i++) {
        if (!strcmp(s, remove_fields[i].name)) {
            *field = remove_fields[i].field;
            return NULL;
        }
    }
    return tm_error_create(TM_ERR_INVALID_VALUE, "remove-fields",
                           "\"%s\" is not a field that can be removed "
                           "(destination-port-range, source-port-range, "
                           "protocol, description, packet-length, "
                           "virtual-network-id)", s);
}

/* ---- Sessions. ---- */

static struct tm_source *
source_get(struct tm_model *model, const char *eni)
{
    struct tm_source *source = shash_find_data(&model->sources, eni);

    if (!source) {
        source = xzalloc(sizeof *source);
        shash_add(&model->sources, eni, source);
    }
    return source;
}

static void
source_insert(struct tm_model *model, struct tm_session *session)
{
    struct tm_source *source = source_get(model, session->eni);
    size_t i = source->n++;

    ovs_assert(source->n <= TM_MAX_SESSIONS_PER_ENI);
    while (i > 0 && source->sessions[i - 1]->number > session->number) {
        source->sessions[i] = source->sessions[i - 1];
        i--;
    }
    source->sessions[i] = session;
}

static void
source_remove(struct tm_model *model, struct tm_session *session)
{
    struct shash_node *node = shash_find(&model->sources, session->eni);
    struct tm_source *source = node->data;
    size_t i = 0;

    while (source->sessions[i] != session) {
        i++;
    }
    source->n--;
    memmove(&source->sessions[i], &source->sessions[i + 1],
            (source->n - i) * sizeof source->sessions[i]);
    if (!source->n) {
        shash_delete(&model->sources, node);
        free(source);
    }
}

static void
target_add_source(struct tm_target *target, const char *eni)
{
    target->n_sessions++;
    simap_increase(&target->sources, eni, 1);
}

static void
target_remove_source(struct tm_target *target, const char *eni)
{
    struct simap_node *node = simap_find(&target->sources, eni);

    target->n_sessions--;
    if (node && !--node->data) {
        simap_delete(&target->sources, node);
    }
}

/* Checks that 'target' may take one more session from source 'eni'. */
static struct tm_error *
check_sources_quota(const struct tm_model *model,
                    const struct tm_target *target, const char *eni)
{
    if (target->type != TM_TARGET_ENI
        || simap_contains(&target->sources, eni)) {
        return NULL;
    }

    const struct tm_eni *target_eni = tm_model_find_eni(model,
                                                        target->resource);
    bool large = target_eni
                 && tm_instance_type_is_largest(target_eni->instance_type);
    size_t max = large ? TM_MAX_SOURCES_PER_LARGE_TARGET
                 : TM_MAX_SOURCES_PER_TARGET;

    if (simap_count(&target->sources) >= max) {
        return tm_error_create(TM_ERR_QUOTA_SOURCES_PER_TARGET,
                               "traffic-mirror-target-id",
                               "target %s already has %"PRIuSIZE" sources, "
                               "the most a network interface target%s%s "
                               "may have", target->id, max,
                               large ? " of type " : "",
                               large ? target_eni->instance_type : "");
    }
    return NULL;
}

/* Checks that session number 'number' is free on source 'eni', ignoring
 * 'self'. */
static struct tm_error *
check_session_number_free(const struct tm_model *model, const char *eni,
                          uint16_t number, const struct tm_session *self)
{
    struct tm_session *const *sessions;
    size_t n = tm_model_sessions_of_eni(model, eni, &sessions);

    for (size_t i = 0; i < n; i++) {
        if (sessions[i] != self && sessions[i]->number == number) {
            return tm_error_create(TM_ERR_DUPLICATE_SESSION_NUMBER,
                                   "session-number",
                                   "network interface %s already has "
                                   "session number %"PRIu16" (%s)", eni,
                                   number, sessions[i]->id);
        }
    }
    return NULL;
}

/* Looks up target 'id' for a session of 'account'. */
static struct tm_target *
get_usable_target(struct tm_model *model, const struct tm_account *account,
                  const char *id, struct tm_error **errorp)
{
    struct tm_target *target = id ? shash_find_data(&model->targets, id)
                               : NULL;

    if (!target) {
        *errorp = (is_empty(id)
                   ? tm_error_create(TM_ERR_MISSING_VALUE,
                                     "traffic-mirror-target-id",
                                     "a target is required")
                   : tm_error_create(TM_ERR_NOT_FOUND,
                                     "traffic-mirror-target-id",
                                     "target %s does not exist", id));
        return NULL;
    }
    *errorp = check_target_usable(model, account, target);
    return *errorp ? NULL : target;
}

struct tm_error *
tm_create_session(struct tm_model *model, const char *caller,
                  const struct tm_session_spec *spec,
                  const struct tm_session **sessionp)
{
    struct tm_account *account;
    const struct tm_eni *eni;
    struct tm_target *target = NULL;
    struct tm_filter *filter = NULL;
    struct tm_error *error;

    account = caller_account(model, caller, &error);
    if (error) {
        return error;
    }

    /* The source. */
    if (is_empty(spec->network_interface_id)) {
        return tm_error_create(TM_ERR_MISSING_VALUE, "network-interface-id",
                               "a source network interface is required");
    }
    eni = tm_model_find_eni(model, spec->network_interface_id);
    if (!eni) {
        return tm_error_create(TM_ERR_NOT_FOUND, "network-interface-id",
                               "network interface %s does not exist",
                               spec->network_interface_id);
    }
    if (strcmp(eni->owner, account->id)
        && strcmp(eni->subnet_owner, account->id)) {
        return tm_error_create(TM_ERR_NOT_OWNER, "network-interface-id",
                               "only account %s, which owns network "
                               "interface %s, or account %s, which owns its "
                               "subnet, may mirror it; not account %s",
                               eni->owner, eni->id, eni->subnet_owner,
                               account->id);
    }
    if (!tm_instance_type_supports_mirroring(eni->instance_type)) {
        return tm_error_create(TM_ERR_INSTANCE_TYPE_NOT_SUPPORTED,
                               "network-interface-id",
                               "network interface %s is on an instance of "
                               "type %s, which does not support mirroring "
                               "(T2, previous-generation types and bare "
                               "metal cannot be sources)",
                               eni->id, eni->instance_type);
    }
    if (simap_get(&model->eni_targets, eni->id)) {
        return tm_error_create(TM_ERR_ENI_IS_SOURCE_AND_TARGET,
                               "network-interface-id",
                               "network interface %s is a mirror target",
                               eni->id);
    }

    /* The numbers. */
    error = check_range(spec->session_number, TM_SESSION_NUMBER_MIN,
                        TM_SESSION_NUMBER_MAX, "session-number",
                        "session number");
    if (!error && spec->vni != TM_UNSET) {
        error = check_range(spec->vni, 0, TM_VNI_MAX, "virtual-network-id",
                            "VNI");
    }
    if (!error && spec->packet_length != TM_UNSET) {
        error = check_range(spec->packet_length, TM_PACKET_LENGTH_MIN,
                            TM_PACKET_LENGTH_MAX, "packet-length",
                            "packet length");
    }

    /* The target and the filter. */
    if (!error) {
        target = get_usable_target(model, account, spec->target_id, &error);
    }
    if (!error) {
        filter = get_own_filter(model, caller, spec->filter_id, &error);
    }

    /* Uniqueness and quotas. */
    if (!error) {
        error = check_session_number_free(model, eni->id,
                                          spec->session_number, NULL);
    }
    if (!error) {
        struct tm_session *const *sessions;
        size_t n = tm_model_sessions_of_eni(model, eni->id, &sessions);

        if (n >= TM_MAX_SESSIONS_PER_ENI) {
            error = tm_error_create(TM_ERR_QUOTA_SESSIONS_PER_ENI,
                                    "network-interface-id",
                                    "network interface %s already has %d "
                                    "sessions, the most a source may have",
                                    eni->id, TM_MAX_SESSIONS_PER_ENI);
        }
    }
    if (!error) {
        error = check_sources_quota(model, target, eni->id);
    }
    if (!error && account->n_sessions >= TM_MAX_PER_ACCOUNT) {
        error = tm_error_create(TM_ERR_QUOTA_SESSIONS_PER_ACCOUNT, NULL,
                                "account %s already has %d sessions",
                                account->id, TM_MAX_PER_ACCOUNT);
    }
    if (error) {
        return error;
    }

    char *id = new_id(&model->sessions, spec->id, "tms",
                      "traffic-mirror-session-id", &error);
    if (error) {
        return error;
    }

    struct tm_session *session = xzalloc(sizeof *session);
    session->id = id;
    session->owner = xstrdup(account->id);
    session->eni = xstrdup(eni->id);
    session->target_id = xstrdup(target->id);
    session->target = target;
    session->filter = filter;
    session->number = spec->session_number;
    session->vni_chosen = spec->vni == TM_UNSET;
    session->vni = session->vni_chosen ? vni_choose(account) : spec->vni;
    session->packet_length = (spec->packet_length == TM_UNSET ? 0
                              : spec->packet_length);
    session->description = xstrdup(spec->description
                                   ? spec->description : "");
    if (spec->tags) {
        smap_clone(&session->tags, spec->tags);
    } else {
        smap_init(&session->tags);
    }
    session->status = TM_SESSION_ACTIVE;

    shash_add(&model->sessions, session->id, session);
    source_insert(model, session);
    target_add_source(target, session->eni);
    filter->n_sessions++;
    vni_ref(account, session->vni);
    account->n_sessions++;
    if (sessionp) {
        *sessionp = session;
    }
    return NULL;
}

/* Looks up session 'id' and checks that 'caller' owns it. */
static struct tm_session *
get_own_session(struct tm_model *model, const char *caller, const char *id,
                struct tm_error **errorp)
{
    struct tm_session *session = (id ? shash_find_data(&model->sessions, id)
                                  : NULL);

    caller_account(model, caller, errorp);
    if (*errorp) {
        return NULL;
    }
    if (!session) {
        *errorp = tm_error_create(TM_ERR_NOT_FOUND,
                                  "traffic-mirror-session-id",
                                  "session %s does not exist",
                                  id ? id : "(none)");
        return NULL;
    }
    *errorp = check_owner(caller, session->owner,
                          "traffic-mirror-session-id", session->id);
    return *errorp ? NULL : session;
}

/* Changes a session.  Giving an inactive session (whose target was
 * deleted) a new target makes it active again. */
struct tm_error *
tm_modify_session(struct tm_model *model, const char *caller,
                  const char *id, const struct tm_session_spec *spec,
                  unsigned int remove)
{
    struct tm_session *session;
    struct tm_account *account;
    struct tm_target *target;
    struct tm_filter *filter;
    struct tm_error *error;

    session = get_own_session(model, caller, id, &error);
    if (error) {
        return error;
    }
    account = find_account(model, session->owner);

    if (spec->network_interface_id
        && strcmp(spec->network_interface_id, session->eni)) {
        return tm_error_create(TM_ERR_INVALID_VALUE, "network-interface-id",
                               "the source of a session cannot change; "
                               "create another session");
    }

    uint16_t number = session->number;
    if (spec->session_number != TM_UNSET) {
        error = check_range(spec->session_number, TM_SESSION_NUMBER_MIN,
                            TM_SESSION_NUMBER_MAX, "session-number",
                            "session number");
        if (!error) {
            number = spec->session_number;
            error = check_session_number_free(model, session->eni, number,
                                              session);
        }
        if (error) {
            return error;
        }
    }

    /* A new VNI: the one given, or a new random one when the VNI is
     * removed. */
    bool vni_chosen = session->vni_chosen;
    bool rechoose = false;
    uint32_t vni = session->vni;
    if (spec->vni != TM_UNSET) {
        error = check_range(spec->vni, 0, TM_VNI_MAX, "virtual-network-id",
                            "VNI");
        if (error) {
            return error;
        }
        vni = spec->vni;
        vni_chosen = false;
    } else if (remove & TM_REMOVE_VIRTUAL_NETWORK_ID) {
        vni_chosen = rechoose = true;
    }

    uint16_t packet_length = session->packet_length;
    if (spec->packet_length != TM_UNSET) {
        error = check_range(spec->packet_length, TM_PACKET_LENGTH_MIN,
                            TM_PACKET_LENGTH_MAX, "packet-length",
                            "packet length");
        if (error) {
            return error;
        }
        packet_length = spec->packet_length;
    } else if (remove & TM_REMOVE_PACKET_LENGTH) {
        packet_length = 0;
    }

    target = session->target;
    if (spec->target_id) {
        target = get_usable_target(model, account, spec->target_id, &error);
        if (!error && target != session->target) {
            error = check_sources_quota(model, target, session->eni);
        }
        if (error) {
            return error;
        }
    }

    filter = session->filter;
    if (spec->filter_id) {
        filter = get_own_filter(model, caller, spec->filter_id, &error);
        if (error) {
            return error;
        }
    }

    /* Everything checked: apply. */
    if (number != session->number) {
        source_remove(model, session);
        session->number = number;
        source_insert(model, session);
    }
    if (rechoose || vni != session->vni) {
        vni_unref(account, session->vni);
        if (rechoose) {
            vni = vni_choose(account);
        }
        vni_ref(account, vni);
    }
    session->vni = vni;
    session->vni_chosen = vni_chosen;
    session->packet_length = packet_length;
    if (target != session->target) {
        if (session->target) {
            target_remove_source(session->target, session->eni);
        }
        target_add_source(target, session->eni);
        session->target = target;
        free(session->target_id);
        session->target_id = xstrdup(target->id);
        session->status = TM_SESSION_ACTIVE;
    }
    if (filter != session->filter) {
        session->filter->n_sessions--;
        filter->n_sessions++;
        session->filter = filter;
    }
    if (remove & TM_REMOVE_DESCRIPTION) {
        free(session->description);
        session->description = xstrdup("");
    }
    if (spec->description) {
        free(session->description);
        session->description = xstrdup(spec->description);
    }
    return NULL;
}

struct tm_error *
tm_delete_session(struct tm_model *model, const char *caller, const char *id)
{
    struct tm_session *session;
    struct tm_account *account;
    struct tm_error *error;

    session = get_own_session(model, caller, id, &error);
    if (error) {
        return error;
    }
    account = find_account(model, session->owner);

    source_remove(model, session);
    if (session->target) {
        target_remove_source(session->target, session->eni);
    }
    session->filter->n_sessions--;
    vni_unref(account, session->vni);
    account->n_sessions--;
    shash_find_and_delete(&model->sessions, session->id);
    session_free(session);
    return NULL;
}
