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

#include "tmirror/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "util.h"

static const char *const code_names[] = {
#define TM_ERROR(NAME, SUMMARY) #NAME,
    TM_ERROR_CODES
#undef TM_ERROR
};

static const char *const code_summaries[] = {
#define TM_ERROR(NAME, SUMMARY) SUMMARY,
    TM_ERROR_CODES
#undef TM_ERROR
};

/* Returns a new error with 'code', naming 'field' (which may be NULL), with
 * a message formatted from 'format' as by printf(). */
struct tm_error *
tm_error_create(enum tm_error_code code, const char *field,
                const char *format, ...)
{
    struct tm_error *error = xmalloc(sizeof *error);
    va_list args;

    error->code = code;
    error->field = nullable_xstrdup(field);
    va_start(args, format);
    error->message = xvasprintf(format, args);
    va_end(args);
    return error;
}

void
tm_error_destroy(struct tm_error *error)
{
    if (error) {
        free(error->field);
        free(error->message);
        free(error);
    }
}

/* Returns the stable name of 'code', e.g. "QUOTA_SESSIONS_PER_ENI". */
const char *
tm_error_code_name(enum tm_error_code code)
{
    return code < TM_N_ERROR_CODES ? code_names[code] : "UNKNOWN";
}

/* Returns a one-line summary of the rule behind 'code'. */
const char *
tm_error_code_summary(enum tm_error_code code)
{
    return code < TM_N_ERROR_CODES ? code_summaries[code] : "unknown error";
}

/* Looks up the code named 'name' and stores it in '*code'.  Returns false
 * if there is no such code. */
bool
tm_error_code_from_name(const char *name, enum tm_error_code *code)
{
    for (size_t i = 0; i < TM_N_ERROR_CODES; i++) {
        if (!strcmp(name, code_names[i])) {
            *code = i;
            return true;
        }
    }
    return false;
}

/* Appends 'error' to 's' as "CODE: field: message" (without the field when
 * the error names none). */
void
tm_error_format(const struct tm_error *error, struct ds *s)
{
    ds_put_format(s, "%s: ", tm_error_code_name(error->code));
    if (error->field) {
        ds_put_format(s, "%s: ", error->field);
    }
    ds_put_cstr(s, error->message);
}

/* Returns 'error' formatted as by tm_error_format(), which the caller must
 * free. */
char *
tm_error_to_string(const struct tm_error *error)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_error_format(error, &s);
    return ds_steal_cstr(&s);
}
