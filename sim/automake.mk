# The network simulator: the cloud network model, the topology loader, the
# reachability check and its reports (tm-sim, the program, is in
# utilities/: it also drives the flow compiler).
noinst_LTLIBRARIES += sim/libtmsim.la
sim_libtmsim_la_SOURCES = \
	sim/check.c \
	sim/import.c \
	sim/report.c \
	sim/topology.c \
	sim/topology-load.c \
	sim/topology-schema.c
nodist_sim_libtmsim_la_SOURCES = sim/topology-rng.c
sim_libtmsim_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBXML2_CFLAGS)
sim_libtmsim_la_LIBADD = lib/libtmirror.la $(OVS_LIBOPENVSWITCH) \
	$(LIBXML2_LIBS)
noinst_HEADERS += \
	include/tmirror/import.h \
	include/tmirror/sim.h \
	include/tmirror/topology.h \
	sim/topology-xml.h

# The RelaxNG schema is compiled into the library, so that a program never
# looks for it at run time.
BUILT_SOURCES += sim/topology-rng.c
CLEANFILES += sim/topology-rng.c
sim/topology-rng.c: topologies/topology.rng sim/rng2c.sh
	$(AM_V_GEN)$(MKDIR_P) sim && \
	$(SHELL) $(srcdir)/sim/rng2c.sh sim_topology_rng \
	    $(srcdir)/topologies/topology.rng > $@.tmp && mv $@.tmp $@
EXTRA_DIST += sim/rng2c.sh

# What a program that uses the simulator links.
TM_SIM_LIBS = sim/libtmsim.la $(TM_LIBS) $(LIBXML2_LIBS)

STYLE_FILES += $(sim_libtmsim_la_SOURCES) include/tmirror/import.h \
	include/tmirror/sim.h include/tmirror/topology.h sim/topology-xml.h
