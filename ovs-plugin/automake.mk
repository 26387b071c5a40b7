# The patch series to Open vSwitch (applied in name order by
# utilities/ovs-build.sh when the build makes its own Open vSwitch).
EXTRA_DIST += $(wildcard $(srcdir)/ovs-plugin/patches/*.patch) \
	ovs-plugin/patches/README.rst
