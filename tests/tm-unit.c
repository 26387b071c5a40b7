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

/* tm-unit: runs the CUnit suites.  With arguments, runs only the suites
 * (or "SUITE:TEST" tests) they name. */

#include <config.h>

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm-test.h"
#include "tm-test-compile.h"
#include "util.h"

static int
run_selected(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        char *suite_name = xstrdup(argv[i]);
        char *test_name = strchr(suite_name, ':');
        CU_pSuite suite;

        if (test_name) {
            *test_name++ = '\0';
        }
        suite = CU_get_suite(suite_name);
        if (!suite) {
            fprintf(stderr, "tm-unit: no suite \"%s\"\n", suite_name);
            free(suite_name);
            return -1;
        }
        if (test_name) {
            CU_pTest test = CU_get_test(suite, test_name);
            if (!test) {
                fprintf(stderr, "tm-unit: no test \"%s\" in suite \"%s\"\n",
                        test_name, suite_name);
                free(suite_name);
                return -1;
            }
            CU_basic_run_test(suite, test);
        } else {
            CU_basic_run_suite(suite);
        }
        free(suite_name);
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    unsigned int failures;

    set_program_name(argv[0]);
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "tm-unit: %s\n", CU_get_error_msg());
        return EXIT_FAILURE;
    }
    tm_test_add_model_suites();
    tm_test_add_evaluate_suites();
    tm_test_add_compile_suites();
    if (CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "tm-unit: %s\n", CU_get_error_msg());
        return EXIT_FAILURE;
    }

    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (argc > 1) {
        if (run_selected(argc, argv)) {
            CU_cleanup_registry();
            return 2;
        }
    } else {
        CU_basic_run_tests();
    }
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
