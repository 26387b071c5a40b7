# The patch series to Open vSwitch (applied in name order by
# utilities/ovs-build.sh when the build makes its own Open vSwitch).
EXTRA_DIST += $(wildcard $(srcdir)/ovs-plugin/patches/*.patch) \
	ovs-plugin/patches/README.rst

# The flow compiler: sessions to OpenFlow mirror flows, and the probe that
# tells which of its backends a bridge's datapath can use.
noinst_LTLIBRARIES += ovs-plugin/libtmirror-ovs.la
ovs_plugin_libtmirror_ovs_la_SOURCES = \
	ovs-plugin/tm-compile.c \
	ovs-plugin/tm-probe.c \
	ovs-plugin/tm-reconcile.c
ovs_plugin_libtmirror_ovs_la_LIBADD = lib/libtmirror.la $(OVS_LIBOPENVSWITCH)
noinst_HEADERS += include/tmirror/compile.h include/tmirror/reconcile.h
dist_man_MANS += ovs-plugin/tm-compile.7

# What a program of the OVS side links.
TM_OVS_LIBS = ovs-plugin/libtmirror-ovs.la $(TM_LIBS)

STYLE_FILES += $(ovs_plugin_libtmirror_ovs_la_SOURCES)

# Open vSwitch's own tests that the patch series adds or extends
# (ovs-plugin/patches/README.rst), chosen by title, run in the Open vSwitch
# build, which first builds its test programs.
OVS_PATCH_TESTS = -e vxlan_mirror -e VXLAN_MIRROR \
	-e 'OpenFlow 1\.0 action translation' -e 'action parsing errors' \
	-e 'OVS datapath actions parsing and formatting - valid forms'
.PHONY: check-ovs-patches
check-ovs-patches:
	$(AM_V_at)$(MAKE) -C '$(OVS_BUILDDIR)' tests/testsuite > /dev/null
	$(AM_V_at)tests=`cd '$(OVS_BUILDDIR)' \
	    && ./tests/testsuite -C tests -l \
	    | grep $(OVS_PATCH_TESTS) \
	    | sed 's/^ *\([0-9]*\):.*/\1/' | tr '\n' ' '`; \
	test -n "$$tests" \
	    || { echo "$@: no test of the patch series found" >&2; exit 1; }; \
	$(MAKE) -C '$(OVS_BUILDDIR)' check TESTSUITEFLAGS="-j2 $$tests"
