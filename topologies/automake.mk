# Topology files: the RelaxNG schema and the worked examples.  Each
# example's leading comment says what it shows and the verdicts it gives;
# tests/sim-golden.sh holds tm-sim check to them.
TOPOLOGIES = \
	topologies/default.xml
EXTRA_DIST += topologies/topology.rng $(TOPOLOGIES)
