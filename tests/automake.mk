# The autotest suite (tests/testsuite.at, one .at file per area), built
# with autom4te on Open vSwitch's own test macros, read from the Open
# vSwitch source tree at build time as OVN's suite reads them.  "make check"
# runs it after the CUnit programs, with TESTSUITEFLAGS (-j2, -k KEYWORD,
# --recheck, test numbers: see tests/testsuite.at); RECHECK=yes runs the
# failed tests once more.
TESTSUITE_AT = \
	tests/testsuite.at \
	tests/tm-macros.at \
	tests/examples.at \
	tests/import.at \
	tests/sim.at \
	tests/sim-hostile.at \
	tests/probe.at \
	tests/dp-action.at \
	tests/sandbox-pcap.at \
	tests/sandbox-differential.at \
	tests/tmctl.at \
	tests/tmd.at \
	tests/flood.at \
	tests/mininet.at
OVS_MACROS_AT = \
	$(OVS_SRCDIR)/tests/ovs-macros.at \
	$(OVS_SRCDIR)/tests/ovsdb-macros.at \
	$(OVS_SRCDIR)/tests/ofproto-macros.at
EXTRA_DIST += $(TESTSUITE_AT) tests/atlocal.in tests/tmctl-network.xml \
	tests/tm-db-load.py tests/tmd-demo.sh tests/tmd-bench.sh \
	tests/tmd-changes.py
TESTSUITE = tests/testsuite
TESTSUITE_DIR = $(abs_top_builddir)/tests/testsuite.dir
DISTCLEANFILES += tests/atconfig tests/atlocal
CLEANFILES += $(TESTSUITE) tests/package.m4

# The programs of the tests: Open vSwitch's daemons and utilities, then the
# project's (a relative folder is looked for in the build and the source).
AUTOTEST_PATH = $(OVS_BUILDDIR)/utilities:$(OVS_BUILDDIR)/vswitchd:$(OVS_BUILDDIR)/ovsdb:utilities:ovs-plugin:tests

AUTOTEST = $(AUTOM4TE) --language=autotest
$(TESTSUITE): tests/package.m4 $(TESTSUITE_AT) $(OVS_MACROS_AT)
	$(AM_V_GEN)$(AUTOTEST) -I tests -I '$(srcdir)' -I '$(OVS_SRCDIR)' \
	    -o $@.tmp $(srcdir)/tests/testsuite.at && mv $@.tmp $@

tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) tests && { \
	  echo '# Signature of the current package.' && \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])' && \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])' && \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])' && \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])' && \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > $@.tmp && mv $@.tmp $@

# After the CUnit programs (check-TESTS), so that their results come first.
check-local: check-TESTS $(TESTSUITE) tests/atlocal
	$(AM_V_at)set $(SHELL) '$(TESTSUITE)' -C tests \
	    AUTOTEST_PATH='$(AUTOTEST_PATH)'; \
	"$$@" $(TESTSUITEFLAGS) || \
	(test -z "$$(find $(TESTSUITE_DIR) -name 'asan.*')" && \
	 test -z "$$(find $(TESTSUITE_DIR) -name 'ubsan.*')" && \
	 test X'$(RECHECK)' = Xyes && "$$@" --recheck)

clean-local: clean-testsuite
.PHONY: clean-testsuite
clean-testsuite:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean

# Unit tests (CUnit).
check_PROGRAMS += tests/tm-unit
tests_tm_unit_SOURCES = \
	tests/tm-test.c \
	tests/tm-test.h \
	tests/tm-unit.c \
	tests/test-compile.c \
	tests/test-evaluate.c \
	tests/test-model.c \
	tests/tm-test-compile.h
tests_tm_unit_LDADD = $(TM_OVS_LIBS) $(CUNIT_LIBS)
TESTS += tests/tm-unit

# Benchmarks: "make bench" prints a table of side-by-side ratios.
noinst_PROGRAMS += tests/tm-bench
tests_tm_bench_SOURCES = tests/tm-bench.c
tests_tm_bench_LDADD = $(TM_OVS_LIBS)

# Its parts are prerequisites of "bench", run in the order they are added:
# this one, the model's and the compiler's table, comes first.
.PHONY: bench bench-model
bench: bench-model
bench-model: tests/tm-bench
	$(AM_V_at)tests/tm-bench

# Coding style (make check-style): the CUnit suites and the benchmark.
STYLE_FILES += $(filter %.c %.h,$(tests_tm_unit_SOURCES) \
	$(tests_tm_bench_SOURCES))

# The simulator's unit tests (CUnit); its golden reports (tests/golden),
# bad input and "tm-sim flows" are in tests/sim.at.
check_PROGRAMS += tests/tm-sim-unit
tests_tm_sim_unit_SOURCES = \
	tests/tm-sim-test.h \
	tests/tm-sim-unit.c \
	tests/tm-test.c \
	tests/tm-test.h \
	tests/test-compile-topology.c \
	tests/test-import.c \
	tests/test-sim.c \
	tests/test-sim-recheck.c
tests_tm_sim_unit_LDADD = ovs-plugin/libtmirror-ovs.la $(TM_SIM_LIBS) \
	$(CUNIT_LIBS)
TESTS += tests/tm-sim-unit
STYLE_FILES += $(filter %.c %.h,$(tests_tm_sim_unit_SOURCES))

EXTRA_DIST += $(wildcard $(srcdir)/tests/golden/*.json)

# The simulator's benchmark, part of "make bench".
noinst_PROGRAMS += tests/tm-sim-bench
tests_tm_sim_bench_SOURCES = tests/tm-bench-util.h tests/tm-sim-bench.c
tests_tm_sim_bench_LDADD = $(TM_SIM_LIBS)
STYLE_FILES += $(tests_tm_sim_bench_SOURCES)
.PHONY: bench-sim
bench: bench-sim
bench-sim: tests/tm-sim-bench
	$(AM_V_at)tests/tm-sim-bench

# The import's benchmark, part of "make bench": importing a generated
# account of 1,000 VPCs and 100,000 network interfaces against loading the
# topology it produces.
noinst_PROGRAMS += tests/tm-import-bench
tests_tm_import_bench_SOURCES = tests/tm-bench-util.h tests/tm-import-bench.c
tests_tm_import_bench_LDADD = $(TM_SIM_LIBS)
STYLE_FILES += $(tests_tm_import_bench_SOURCES)
.PHONY: bench-import
bench: bench-import
bench-import: tests/tm-import-bench
	$(AM_V_at)tests/tm-import-bench

# libFuzzer targets, built with clang and run by "make fuzz" (not by "make"
# or "make check"), each for FUZZ_SECONDS from a random seed, or, with
# FUZZ_RUNS set, for that many inputs (from seed FUZZ_SEED if set, as CI
# runs them: a length that does not depend on the machine's speed), with a
# dictionary of the topology vocabulary: tests/fuzz-topology (the loader,
# the check and its reports) and tests/fuzz-flows (what "tm-sim flows"
# does: the compiler's input from a topology, compiled for every hypervisor
# with both backends, which must never refuse what the check let
# through).  Their seeds are the shipped topologies and tests/fuzz-seeds/,
# the hostile inputs of tests/sim-hostile.at.  The simulator's, the
# model's and the compiler's sources are compiled into them so that the
# fuzzer sees their coverage; libtool links them with what Open vSwitch's
# library says it needs.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_RUNS =
FUZZ_SEED =
FUZZ_LENGTH = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),\
	-max_total_time=$(FUZZ_SECONDS))
FUZZ_SRCS = $(sim_libtmsim_la_SOURCES) $(lib_libtmirror_la_SOURCES)
FUZZ_FLOWS_SRCS = $(FUZZ_SRCS) ovs-plugin/tm-compile.c \
	ovs-plugin/tm-compile-topology.c
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_LINK = $(LIBTOOL) $(AM_V_lt) --tag=CC --mode=link $(FUZZ_CC) \
	$(FUZZ_FLAGS) $(AM_CPPFLAGS) $(LIBXML2_CFLAGS)
EXTRA_DIST += tests/fuzz-topology.c tests/fuzz-flows.c tests/fuzz-load.h \
	tests/fuzz-topology.dict $(wildcard $(srcdir)/tests/fuzz-seeds/*.xml)
STYLE_FILES += tests/fuzz-topology.c tests/fuzz-flows.c tests/fuzz-load.h
CLEANFILES += tests/fuzz-topology tests/fuzz-flows
tests/fuzz-topology: tests/fuzz-topology.c tests/fuzz-load.h $(FUZZ_SRCS) \
		sim/topology-rng.c
	$(AM_V_CCLD)$(FUZZ_LINK) $(srcdir)/tests/fuzz-topology.c \
	    $(addprefix $(srcdir)/,$(FUZZ_SRCS)) sim/topology-rng.c \
	    $(OVS_LIBOPENVSWITCH) $(LIBXML2_LIBS) -o $@
tests/fuzz-flows: tests/fuzz-flows.c tests/fuzz-load.h $(FUZZ_FLOWS_SRCS) \
		sim/topology-rng.c
	$(AM_V_CCLD)$(FUZZ_LINK) $(srcdir)/tests/fuzz-flows.c \
	    $(addprefix $(srcdir)/,$(FUZZ_FLOWS_SRCS)) sim/topology-rng.c \
	    $(OVS_LIBOPENVSWITCH) $(LIBXML2_LIBS) -o $@

# tests/fuzz-import: "tm-sim import DIR" on a folder that the fuzzer
# writes, each input a JSON object of the folder's files (see the
# target), seeded with tests/import/'s folders as tests/fuzz-seeds/*.json;
# "make fuzz-import" runs it.  It is not yet part of "make fuzz": the
# import still writes some topologies that the loader refuses (a subnet
# outside its VPC's blocks, overlapping VPC blocks, an interface in a
# subnet not shared with its owner, a rule action of the wrong kind,
# text that is not UTF-8), which the target finds within a minute.
EXTRA_DIST += tests/fuzz-import.c tests/fuzz-import.dict \
	$(wildcard $(srcdir)/tests/fuzz-seeds/*.json)
STYLE_FILES += tests/fuzz-import.c
CLEANFILES += tests/fuzz-import
tests/fuzz-import: tests/fuzz-import.c $(FUZZ_SRCS) sim/topology-rng.c
	$(AM_V_CCLD)$(FUZZ_LINK) $(srcdir)/tests/fuzz-import.c \
	    $(addprefix $(srcdir)/,$(FUZZ_SRCS)) sim/topology-rng.c \
	    $(OVS_LIBOPENVSWITCH) $(LIBXML2_LIBS) -o $@
.PHONY: fuzz-import
fuzz-import: tests/fuzz-import
	$(AM_V_at)corpus=tests/fuzz-corpus-import; \
	rm -rf $$corpus && $(MKDIR_P) $$corpus && \
	cp $(srcdir)/tests/fuzz-seeds/*.json $$corpus/ && \
	echo "tests/fuzz-import," \
	    "$(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)," \
	    "seed $(or $(FUZZ_SEED),random):" && \
	tests/fuzz-import $(FUZZ_LENGTH) $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) \
	    -max_len=65536 \
	    -dict=$(srcdir)/tests/fuzz-import.dict $$corpus

# tests/fuzz-tmctl: ovs-tmctl's option parsing (lib/tm-aws-cli.c) and the
# model's parsers of the values, on command lines that the fuzzer writes,
# one argument a line, seeded with tests/fuzz-seeds/tmctl-*.txt.
EXTRA_DIST += tests/fuzz-tmctl.c tests/fuzz-tmctl.dict \
	$(wildcard $(srcdir)/tests/fuzz-seeds/*.txt)
STYLE_FILES += tests/fuzz-tmctl.c
CLEANFILES += tests/fuzz-tmctl
tests/fuzz-tmctl: tests/fuzz-tmctl.c $(lib_libtmirror_la_SOURCES)
	$(AM_V_CCLD)$(FUZZ_LINK) $(srcdir)/tests/fuzz-tmctl.c \
	    $(addprefix $(srcdir)/,$(lib_libtmirror_la_SOURCES)) \
	    $(OVS_LIBOPENVSWITCH) -o $@
.PHONY: fuzz-tmctl
fuzz: fuzz-tmctl
fuzz-tmctl: tests/fuzz-tmctl
	$(AM_V_at)corpus=tests/fuzz-corpus-tmctl; \
	rm -rf $$corpus && $(MKDIR_P) $$corpus && \
	cp $(srcdir)/tests/fuzz-seeds/*.txt $$corpus/ && \
	echo "tests/fuzz-tmctl," \
	    "$(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)," \
	    "seed $(or $(FUZZ_SEED),random):" && \
	tests/fuzz-tmctl $(FUZZ_LENGTH) $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) \
	    -max_len=4096 \
	    -dict=$(srcdir)/tests/fuzz-tmctl.dict $$corpus

.PHONY: fuzz
fuzz: tests/fuzz-topology tests/fuzz-flows
	$(AM_V_at)for target in topology flows; do \
	    corpus=tests/fuzz-corpus-$$target; \
	    rm -rf $$corpus && $(MKDIR_P) $$corpus && \
	    cp $(srcdir)/topologies/*.xml $(srcdir)/tests/fuzz-seeds/*.xml \
	        $$corpus/ && \
	    echo "tests/fuzz-$$target," \
	        "$(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)," \
	        "seed $(or $(FUZZ_SEED),random):" && \
	    tests/fuzz-$$target $(FUZZ_LENGTH) \
	        $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) \
	        -max_len=16384 -dict=$(srcdir)/tests/fuzz-topology.dict \
	        $$corpus || exit 1; \
	done

# The flow compiler, proven in Open vSwitch sandboxes (dummy datapath,
# private folders, no root): tm-flowgen prints models, flows and packets
# with the reference evaluator's expectations for the sandbox tests.
noinst_PROGRAMS += tests/tm-flowgen
tests_tm_flowgen_SOURCES = tests/tm-flowgen.c
tests_tm_flowgen_LDADD = $(TM_OVS_LIBS)
STYLE_FILES += $(tests_tm_flowgen_SOURCES)

# ovs-tmd's reconciler, in the same CUnit program.
tests_tm_unit_SOURCES += tests/test-reconcile.c

# The sandbox tests (tests/sandbox-pcap.at, tests/sandbox-differential.at)
# and what they read.
EXTRA_DIST += tests/pcap-expect.awk tests/pcap-copies.awk \
	tests/pcap-counters.awk tests/trace-copies.awk

# What mirroring costs the datapath's classifier (a sandbox), in
# "make bench".
bench: bench-megaflows
.PHONY: bench-megaflows
bench-megaflows: tests/tm-flowgen
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' srcdir='$(srcdir)' \
	    $(SHELL) '$(srcdir)/tests/tm-bench-megaflows.sh'
EXTRA_DIST += tests/tm-bench-megaflows.sh

# The compiler end to end, for people: flows installed in a sandbox,
# packets injected, the copies decoded by tshark next to what was sent.
EXTRA_DIST += tests/tm-demo.sh

# The private Open vSwitch of the scripts that are not tests (the demo and
# the benchmarks); the tests have theirs in tests/tm-macros.at.
EXTRA_DIST += tests/sandbox.sh

# The vxlan_mirror action that ovs-plugin/patches adds to Open vSwitch, end
# to end in a sandbox of the patched ovs-vswitchd (tests/dp-action.at): the
# bytes of the mirrored copies, checked one by one by tests/dp-action.py.
EXTRA_DIST += tests/dp-action.py

# The topologies of tests/flood.at and tests/tmd-bench.sh.
EXTRA_DIST += tests/scale_topology.py

# Instructions per packet (valgrind's callgrind) of the vxlan_mirror action
# against the native clone + tunnel push backend, side by side, truncated
# to 128 bytes and not, for 1500-byte packets.
EXTRA_DIST += tests/dp-action-bench.sh
.PHONY: bench-dp-action
bench: bench-dp-action
bench-dp-action:
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' $(SHELL) \
	    $(srcdir)/tests/dp-action-bench.sh

# End to end on real veths: ovs-vswitchd's CPU time per delivered packet
# and its forwarded rate, saturated by trafgen, with no mirror, the floor
# (a plain second output to the collector), the native clone + tunnel push
# backend and the vxlan_mirror action, truncated to 128 bytes and not, at
# 64 and 1500 bytes; then 4,096 flows through a compiled example.  It
# needs root and trafgen (netsniff-ng); without them it says so and "make
# bench" goes on.
EXTRA_DIST += tests/dp-e2e-bench.sh
.PHONY: bench-e2e
bench: bench-e2e
bench-e2e: tests/tm-flowgen
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' TM_FLOWGEN=tests/tm-flowgen \
	    $(SHELL) $(srcdir)/tests/dp-e2e-bench.sh || test $$? = 77

# The mininet scripts (topologies/tm-mininet): tests/mininet.at runs the
# user guide's examples with real traffic, and a fixed-seed subset of the
# fidelity run, as root (skipped otherwise).  "make check-fidelity" runs
# the whole of it: FIDELITY_COUNT random topologies, requiring every
# connectivity code.
EXTRA_DIST += tests/tm-mininet-e2e tests/tm-fidelity \
	$(wildcard $(srcdir)/tests/fidelity/*.xml)
FIDELITY_COUNT = 200
.PHONY: check-fidelity
check-fidelity: all
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' \
	TM_SIM='$(abs_builddir)/utilities/tm-sim' \
	$(srcdir)/tests/tm-fidelity --count=$(FIDELITY_COUNT) \
	    --require-coverage --keep=$(abs_builddir)/fidelity-disagreements

# ovs-tmd with 10,000 sessions in a sandbox, in "make bench": bulk install
# against ovs-ofctl --bundle add-flows, one session's change to installed
# (median and 99th percentile), resident memory, flow_mods on a restart.
.PHONY: bench-tmd
bench: bench-tmd
bench-tmd: ovs-plugin/ovs-tmd
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' srcdir='$(srcdir)' \
	    PYTHON3='$(PYTHON3)' $(SHELL) '$(srcdir)/tests/tmd-bench.sh'

# The import's fixtures, reference topologies and test helpers.
EXTRA_DIST += tests/import
