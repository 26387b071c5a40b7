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

#include "tmirror/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/util.h"
#include "util.h"

/* Whether a write error on standard output was already returned to a
 * caller, who reported it. */
static bool stdout_failed;

/* Writes the 'n' bytes at 'data' to the file named 'file_name', created or
 * truncated, or to standard output if 'file_name' is NULL or "-".  Every
 * write is checked, and so is the flush (standard output) or the close
 * (a file) that stdio may leave the last of the data to.  Returns NULL, or
 * an error "FILE: ..." that the caller must free. */
char *
tm_write_output(const char *file_name, const char *data, size_t n)
{
    bool to_stdout = !file_name || !strcmp(file_name, "-");
    const char *name = to_stdout ? "standard output" : file_name;
    FILE *file = to_stdout ? stdout : fopen(file_name, "w");
    int error = 0;

    if (!file) {
        return xasprintf("%s: cannot open for writing: %s", name,
                         ovs_strerror(errno));
    }
    errno = 0;
    if (fwrite(data, 1, n, file) != n || ferror(file)) {
        error = errno ? errno : EIO;
    }
    errno = 0;
    if (to_stdout ? fflush(file) : fclose(file)) {
        error = error ? error : errno;
    }
    if (!error) {
        return NULL;
    }
    stdout_failed = stdout_failed || to_stdout;
    return xasprintf("%s: write error: %s", name, ovs_strerror(error));
}

static void
check_stdout(void)
{
    errno = 0;
    if ((fflush(stdout) || ferror(stdout)) && !stdout_failed) {
        int error = errno ? errno : EIO;

        fprintf(stderr, "%s: standard output: write error: %s\n",
                program_name, ovs_strerror(error));
        _exit(2);
    }
}

/* Makes the program check, when it exits, that everything it printed to
 * standard output was written, and exit with status 2 after saying so on
 * standard error if not: for programs that print as they go (--help,
 * reports written with printf()). */
void
tm_check_stdout_at_exit(void)
{
    atexit(check_stdout);
}
