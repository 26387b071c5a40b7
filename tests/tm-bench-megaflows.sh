#! /bin/sh
# What mirroring costs the datapath's classifier, for "make bench": the
# same mixed traffic (tm-flowgen's random packets) through a dummy-datapath
# bridge that forwards with NORMAL, first with no mirrors and then with the
# compiled mirror flows of a random model, counting the megaflows that the
# datapath ends up with and its subtables (distinct masks per input port).
# Then the same for the user guide's three examples (tm-examples), each
# with random mixed traffic to and from its source ENI, a realistic load.
#
# TM_BENCH_SEED (default 1) and TM_BENCH_PACKETS (default 1000) set the
# traffic.

srcdir=${srcdir:-.}
me=tm-bench-megaflows.sh
. "$srcdir/tests/sandbox.sh"
sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
seed=${TM_BENCH_SEED:-1}
n_packets=${TM_BENCH_PACKETS:-1000}

sandbox_start
$flowgen ports random > "$dir/ports" || exit 1
$flowgen --seed="$seed" flows random > "$dir/mirrors" || exit 1
$flowgen --seed="$seed" --packets="$n_packets" packets random \
    > "$dir/packets" || exit 1
examples="inbound-tcp tcp-udp non-local"
for example in $examples; do
    $flowgen flows $example > "$dir/mirrors.$example" || exit 1
    $flowgen --seed="$seed" --packets="$n_packets" --mixed packets $example \
        > "$dir/packets.$example" || exit 1
done
echo "priority=0 actions=NORMAL" > "$dir/plain"
sandbox_local_ips $(sandbox_port_ips "$dir/ports")
sandbox_vswitchd
sandbox_bridges "$dir/ports"
$ofctl mod-port br-int tm-vxlan no-flood \
    || fail "cannot set no-flood on tm-vxlan"
# Keep every megaflow for the count.
$vsctl set Open_vSwitch . other_config:max-idle=600000 \
    || fail "cannot set max-idle"

# run FLOWS PACKETS: prints "MEGAFLOWS SUBTABLES" after the traffic.
run() {
    # From an empty table: the classifier's subtables, and so what a
    # lookup un-wildcards, depend on the order the flows came in.
    $ofctl del-flows br-int || fail "ovs-ofctl del-flows failed"
    sandbox_install "$1"
    $appctl fdb/flush br-int > /dev/null
    # Every megaflow and the revalidators' keys for them: a key left
    # from the previous run would keep its flow from being installed.
    $appctl revalidator/purge > /dev/null \
        || fail "revalidator/purge failed"
    while read -r in_port hex expect what; do
        port=$(sandbox_port_name "$dir/ports" "$in_port")
        $appctl netdev-dummy/receive "$port" "$hex" > /dev/null \
            || fail "netdev-dummy/receive $port failed"
    done < "$2"
    $appctl dpctl/dump-flows -m > "$dir/dump" \
        || fail "dpctl/dump-flows failed"
    # A subtable is one mask for one input port: keep in_port and the
    # masks of the other fields (an exact match prints as a bare value),
    # and drop the values and the statistics.
    grep '^ufid' "$dir/dump" | sed -e 's/, packets:.*//' \
        -e 's/ufid:[^ ]* //' \
        -e 's/=[^/,)]*\/\([^,)]*\)/=\/\1/g' \
        -e 's/=[^/,)][^,)]*/=X/g' \
        -e 's/eth_type([^)]*)/eth_type(X)/' | sort -u > "$dir/masks"
    echo "$(grep -c '^ufid' "$dir/dump") $(wc -l < "$dir/masks")"
}

printf '| %-68s | %19s | %7s |\n' "datapath benchmark" "count" "ratio"
printf '|%s|%s|%s|\n' "$(printf '%070d' 0 | tr 0 -)" \
    "---------------------" "---------"
set -- $(run "$dir/plain" "$dir/packets")
plain_flows=$1 plain_masks=$2
set -- $(run "$dir/mirrors" "$dir/packets")
mirror_flows=$1 mirror_masks=$2

row() {
    awk -v name="$1" -v v="$2" -v unit="$3" -v base="$4" 'BEGIN {
        printf "| %-68s | %8d %-10s | %6.2fx |\n", name, v, unit,
               base ? v / base : 0
    }'
}
row "megaflows, $n_packets mixed packets, NORMAL (baseline)" \
    "$plain_flows" megaflows "$plain_flows"
row "megaflows, same packets, NORMAL + mirrors (seed $seed)" \
    "$mirror_flows" megaflows "$plain_flows"
row "datapath subtables, NORMAL (baseline)" "$plain_masks" subtables \
    "$plain_masks"
row "datapath subtables, NORMAL + mirrors" "$mirror_masks" subtables \
    "$plain_masks"

for example in $examples; do
    set -- $(run "$dir/plain" "$dir/packets.$example")
    plain_flows=$1 plain_masks=$2
    set -- $(run "$dir/mirrors.$example" "$dir/packets.$example")
    row "megaflows, $n_packets mixed packets via $example's ENI, NORMAL" \
        "$plain_flows" megaflows "$plain_flows"
    row "megaflows, same, NORMAL + the user guide's $example" "$1" \
        megaflows "$plain_flows"
    row "datapath subtables, NORMAL" "$plain_masks" subtables "$plain_masks"
    row "datapath subtables, NORMAL + $example" "$2" subtables \
        "$plain_masks"
done
