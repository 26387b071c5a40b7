# The patch series to Open vSwitch (applied in name order by
# utilities/ovs-build.sh when the build makes its own Open vSwitch).
EXTRA_DIST += $(wildcard $(srcdir)/ovs-plugin/patches/*.patch) \
	ovs-plugin/patches/README.rst

# The flow compiler: sessions to OpenFlow mirror flows, its input from a
# simulated topology, and the probe that tells which of its backends a
# bridge's datapath can use.  The topology's input reads the simulator's
# structures but calls none of its functions: a program that uses it links
# the simulator itself (TM_SIM_LIBS).
noinst_LTLIBRARIES += ovs-plugin/libtmirror-ovs.la
ovs_plugin_libtmirror_ovs_la_SOURCES = \
	ovs-plugin/tm-compile.c \
	ovs-plugin/tm-compile-topology.c \
	ovs-plugin/tm-probe.c \
	ovs-plugin/tm-reconcile.c
ovs_plugin_libtmirror_ovs_la_LIBADD = lib/libtmirror.la $(OVS_LIBOPENVSWITCH)
noinst_HEADERS += \
	include/tmirror/compile.h \
	include/tmirror/compile-topology.h \
	include/tmirror/reconcile.h
dist_man_MANS += ovs-plugin/tm-compile.7

# The TrafficMirror database: its schema, the IDL that Open vSwitch's
# ovsdb-idlc generates from it (as Open vSwitch does for its vtep schema),
# and its documentation, traffic-mirror(5), made by ovsdb-doc.
RUN_OVS_PYTHON_TOOL = PYTHONPATH='$(OVS_BUILDDIR)/python:$(OVS_SRCDIR)/python' \
	$(PYTHON3)
OVSDB_IDLC = $(RUN_OVS_PYTHON_TOOL) $(OVS_SRCDIR)/ovsdb/ovsdb-idlc.in
OVSDB_DOC = $(RUN_OVS_PYTHON_TOOL) $(OVS_SRCDIR)/ovsdb/ovsdb-doc
TM_IDL_BUILT = \
	ovs-plugin/traffic-mirror-idl.c \
	ovs-plugin/traffic-mirror-idl.h \
	ovs-plugin/traffic-mirror-idl.ovsidl
BUILT_SOURCES += $(TM_IDL_BUILT)
CLEANFILES += $(TM_IDL_BUILT) ovs-plugin/traffic-mirror.ovsschema.stamp
EXTRA_DIST += \
	ovs-plugin/traffic-mirror.ovsschema \
	ovs-plugin/traffic-mirror.xml \
	ovs-plugin/traffic-mirror-idl.ann
dist_pkgdata_DATA = ovs-plugin/traffic-mirror.ovsschema

# Open vSwitch's tools must be there before they run: when the build makes
# its own Open vSwitch, after ovs-ready (an order-only prerequisite, since
# ovs-ready is always out of date).
if BUILD_OVS
TM_OVS_TOOLS_READY = ovs-ready
endif

# The schema's "cksum" must match its text: a change to the schema must
# come with a new version (build-aux/calculate-schema-cksum in Open vSwitch
# prints the new checksum).
ovs-plugin/traffic-mirror.ovsschema.stamp: \
		ovs-plugin/traffic-mirror.ovsschema | $(TM_OVS_TOOLS_READY)
	$(AM_V_GEN)$(MKDIR_P) ovs-plugin && \
	$(OVS_SRCDIR)/build-aux/cksum-schema-check $< $@
ovs-plugin/traffic-mirror-idl.ovsidl: ovs-plugin/traffic-mirror.ovsschema \
		ovs-plugin/traffic-mirror-idl.ann \
		ovs-plugin/traffic-mirror.ovsschema.stamp
	$(AM_V_GEN)$(OVSDB_IDLC) annotate \
	    $(srcdir)/ovs-plugin/traffic-mirror.ovsschema \
	    $(srcdir)/ovs-plugin/traffic-mirror-idl.ann > $@.tmp && \
	mv $@.tmp $@
ovs-plugin/traffic-mirror-idl.c: ovs-plugin/traffic-mirror-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-source $< > $@.tmp && mv $@.tmp $@
ovs-plugin/traffic-mirror-idl.h: ovs-plugin/traffic-mirror-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-header $< > $@.tmp && mv $@.tmp $@

noinst_LTLIBRARIES += ovs-plugin/libtmirror-db.la
ovs_plugin_libtmirror_db_la_SOURCES = ovs-plugin/tm-db.c
nodist_ovs_plugin_libtmirror_db_la_SOURCES = \
	ovs-plugin/traffic-mirror-idl.c \
	ovs-plugin/traffic-mirror-idl.h
ovs_plugin_libtmirror_db_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir) \
	$(LIBXML2_CFLAGS)
ovs_plugin_libtmirror_db_la_CFLAGS = $(AM_CFLAGS) -Wno-missing-prototypes
ovs_plugin_libtmirror_db_la_LIBADD = sim/libtmsim.la $(OVS_LIBOPENVSWITCH) \
	$(LIBXML2_LIBS)
noinst_HEADERS += include/tmirror/db.h
STYLE_FILES += $(ovs_plugin_libtmirror_db_la_SOURCES) include/tmirror/db.h

# What a program that reads or writes the TrafficMirror database links, and
# the flags that find the generated IDL's header.
TM_DB_LIBS = ovs-plugin/libtmirror-db.la $(TM_SIM_LIBS)
TM_DB_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)

man_MANS += ovs-plugin/traffic-mirror.5
CLEANFILES += ovs-plugin/traffic-mirror.5
ovs-plugin/traffic-mirror.5: ovs-plugin/traffic-mirror.ovsschema \
		ovs-plugin/traffic-mirror.xml | $(TM_OVS_TOOLS_READY)
	$(AM_V_GEN)$(OVSDB_DOC) --version=$(VERSION) \
	    $(srcdir)/ovs-plugin/traffic-mirror.ovsschema \
	    $(srcdir)/ovs-plugin/traffic-mirror.xml > $@.tmp && \
	mv $@.tmp $@

# ovs-tmctl: the TrafficMirror database's ctl utility, on db-ctl-base.
bin_PROGRAMS += ovs-plugin/ovs-tmctl
ovs_plugin_ovs_tmctl_SOURCES = ovs-plugin/ovs-tmctl.c
ovs_plugin_ovs_tmctl_CPPFLAGS = $(TM_DB_CPPFLAGS)
ovs_plugin_ovs_tmctl_LDADD = $(TM_DB_LIBS) ovs-plugin/libtmirror-ovs.la
dist_man_MANS += ovs-plugin/ovs-tmctl.8
STYLE_FILES += $(ovs_plugin_ovs_tmctl_SOURCES)

# ovs-tmd, the per-hypervisor daemon: follows the TrafficMirror and
# Open_vSwitch databases and keeps each local session's mirror flows
# installed through the reconciler.
bin_PROGRAMS += ovs-plugin/ovs-tmd
ovs_plugin_ovs_tmd_SOURCES = ovs-plugin/ovs-tmd.c
ovs_plugin_ovs_tmd_CPPFLAGS = $(TM_DB_CPPFLAGS)
ovs_plugin_ovs_tmd_LDADD = ovs-plugin/libtmirror-ovs.la $(TM_DB_LIBS)
dist_man_MANS += ovs-plugin/ovs-tmd.8
STYLE_FILES += $(ovs_plugin_ovs_tmd_SOURCES)

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
