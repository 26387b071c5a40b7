# The patch series to Open vSwitch (applied in name order by
# utilities/ovs-build.sh when the build makes its own Open vSwitch).
EXTRA_DIST += $(wildcard $(srcdir)/ovs-plugin/patches/*.patch) \
	ovs-plugin/patches/README.rst

# The flow compiler: sessions to OpenFlow mirror flows, and the probe that
# tells which of its backends a bridge's datapath can use.
noinst_LTLIBRARIES += ovs-plugin/libtmirror-ovs.la
ovs_plugin_libtmirror_ovs_la_SOURCES = \
	ovs-plugin/tm-compile.c \
	ovs-plugin/tm-probe.c
ovs_plugin_libtmirror_ovs_la_LIBADD = lib/libtmirror.la $(OVS_LIBOPENVSWITCH)
noinst_HEADERS += include/tmirror/compile.h
dist_man_MANS += ovs-plugin/tm-compile.7

# What a program of the OVS side links.
TM_OVS_LIBS = ovs-plugin/libtmirror-ovs.la $(TM_LIBS)

STYLE_FILES += $(ovs_plugin_libtmirror_ovs_la_SOURCES)
