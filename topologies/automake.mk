# Topology files: the RelaxNG schema and the worked examples.  Each
# example's leading comment says what it shows and the verdicts it gives;
# the golden tests of tests/sim.at hold tm-sim check to them.
TOPOLOGIES = \
	topologies/cross-account.xml \
	topologies/default.xml \
	topologies/guide-inbound-tcp.xml \
	topologies/guide-non-local.xml \
	topologies/guide-tcp-udp.xml \
	topologies/nlb-appliance.xml \
	topologies/nlb.xml \
	topologies/peering.xml \
	topologies/same-vpc.xml \
	topologies/tgw-zones.xml \
	topologies/transit-gateway.xml \
	topologies/vpc-sharing.xml
EXTRA_DIST += topologies/topology.rng $(TOPOLOGIES)

# The mininet scripts: tm-mininet and its library.
EXTRA_DIST += \
	topologies/README.rst \
	topologies/tm-mininet \
	topologies/tmmininet/__init__.py \
	topologies/tmmininet/collector.py \
	topologies/tmmininet/fidelity.py \
	topologies/tmmininet/generate.py \
	topologies/tmmininet/net.py \
	topologies/tmmininet/topology.py \
	topologies/tmmininet/traffic.py
