# Unit tests (CUnit).
check_PROGRAMS += tests/tm-unit
tests_tm_unit_SOURCES = \
	tests/tm-test.c \
	tests/tm-test.h \
	tests/tm-unit.c \
	tests/test-evaluate.c \
	tests/test-model.c
tests_tm_unit_LDADD = $(TM_LIBS) $(CUNIT_LIBS)
TESTS += tests/tm-unit

# The examples of the user guide must decide as the guide says.
TESTS += tests/tm-examples.sh
EXTRA_DIST += tests/tm-examples.sh

# Benchmarks: "make bench" prints a table of side-by-side ratios.
noinst_PROGRAMS += tests/tm-bench
tests_tm_bench_SOURCES = tests/tm-bench.c
tests_tm_bench_LDADD = $(TM_LIBS)

.PHONY: bench
bench: tests/tm-bench
	$(AM_V_at)tests/tm-bench

# Coding style: Open vSwitch's own checkpatch.py over every C file.
STYLE_FILES += $(filter %.c %.h,$(lib_libtmirror_la_SOURCES) \
	$(noinst_HEADERS) $(tests_tm_unit_SOURCES) $(tests_tm_bench_SOURCES) \
	$(utilities_tm_examples_SOURCES))
.PHONY: check-style
check-style:
	$(AM_V_at)cd $(srcdir) && $(PYTHON3) \
	    '$(OVS_SRCDIR)/utilities/checkpatch.py' -q -f $(sort $(STYLE_FILES))

# The flow compiler, proven in Open vSwitch sandboxes (dummy datapath,
# private folders, no root): tm-flowgen prints models, flows and packets
# with the reference evaluator's expectations for the shell tests.
noinst_PROGRAMS += tests/tm-flowgen
tests_tm_flowgen_SOURCES = tests/tm-flowgen.c
tests_tm_flowgen_LDADD = $(TM_OVS_LIBS)
STYLE_FILES += $(tests_tm_flowgen_SOURCES)

# The flow compiler's CUnit suites.
tests_tm_unit_SOURCES += tests/test-compile.c tests/tm-test-compile.h
tests_tm_unit_LDADD += ovs-plugin/libtmirror-ovs.la

# The sandbox tests run the Open vSwitch that the project builds against.
AM_TESTS_ENVIRONMENT = OVS_BUILDDIR='$(OVS_BUILDDIR)'; export OVS_BUILDDIR;
TESTS += tests/sandbox-pcap.sh tests/sandbox-differential.sh
EXTRA_DIST += tests/sandbox-pcap.sh tests/sandbox-differential.sh \
	tests/tm-sandbox.sh

# The flow compiler's benchmark rows.
tests_tm_bench_LDADD += ovs-plugin/libtmirror-ovs.la

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
