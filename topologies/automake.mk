# Topology files: the RelaxNG schema and the worked examples.  Each
# example's leading comment says what it shows and the verdicts it gives;
# the golden tests of tests/sim.at hold tm-sim check to them.
TOPOLOGIES = \
	topologies/cross-account.xml \
	topologies/default.xml \
	topologies/nlb.xml \
	topologies/peering.xml \
	topologies/same-vpc.xml \
	topologies/transit-gateway.xml \
	topologies/vpc-sharing.xml
EXTRA_DIST += topologies/topology.rng $(TOPOLOGIES)
