EXTRA_DIST += \
	utilities/install-deps.sh \
	utilities/ovs-build.sh

bin_PROGRAMS += utilities/tm-examples
utilities_tm_examples_SOURCES = utilities/tm-examples.c
utilities_tm_examples_LDADD = $(TM_LIBS)
dist_man_MANS += utilities/tm-examples.1
