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

# The vxlan_mirror action that ovs-plugin/patches adds to Open vSwitch, end
# to end in a sandbox of the patched ovs-vswitchd (dummy datapath, private
# folders): the bytes of the mirrored copies, checked one by one.
TESTS += tests/dp-action.sh
EXTRA_DIST += tests/dp-action.sh

# Instructions per packet (valgrind's callgrind) of the vxlan_mirror action
# against the native clone + tunnel push backend, side by side, truncated
# to 128 bytes and not, for 1500-byte packets.
EXTRA_DIST += tests/dp-action-bench.sh
.PHONY: bench-dp-action
bench-dp-action:
	$(AM_V_at)OVS_BUILDDIR='$(OVS_BUILDDIR)' $(SHELL) \
	    $(srcdir)/tests/dp-action-bench.sh
