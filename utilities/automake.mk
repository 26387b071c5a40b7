EXTRA_DIST += \
	utilities/install-deps.sh \
	utilities/ovs-build.sh

bin_PROGRAMS += utilities/tm-examples
utilities_tm_examples_SOURCES = utilities/tm-examples.c
utilities_tm_examples_LDADD = $(TM_LIBS)
dist_man_MANS += utilities/tm-examples.1
STYLE_FILES += $(utilities_tm_examples_SOURCES)

# The simulator's command line: the reachability check and, through the
# flow compiler, the flows each hypervisor would get.
bin_PROGRAMS += utilities/tm-sim
utilities_tm_sim_SOURCES = utilities/tm-sim.c
utilities_tm_sim_LDADD = ovs-plugin/libtmirror-ovs.la $(TM_SIM_LIBS)
dist_man_MANS += utilities/tm-sim.1
STYLE_FILES += $(utilities_tm_sim_SOURCES)

# The describe calls that "tm-sim import" reads, made with the user's own
# AWS credentials.
dist_bin_SCRIPTS += utilities/tm-aws-describe
dist_man_MANS += utilities/tm-aws-describe.1
