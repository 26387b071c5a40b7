#! /bin/sh
# What mirroring costs the datapath's classifier, for "make bench": the
# same mixed traffic (tm-flowgen's random packets) through a dummy-datapath
# bridge that forwards with NORMAL, first with no mirrors and then with the
# compiled mirror flows of a random model, counting the megaflows that the
# datapath ends up with and its subtables (distinct masks per input port).
#
# TM_BENCH_SEED (default 1) and TM_BENCH_PACKETS (default 1000) set the
# traffic.

srcdir=${srcdir:-.}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
seed=${TM_BENCH_SEED:-1}
n_packets=${TM_BENCH_PACKETS:-1000}

work=$(mktemp -d "${TMPDIR:-/tmp}/tm-bench.XXXXXX")
TM_CLEANUP='rm -rf "$work"'
trap "$TM_CLEANUP" EXIT
$flowgen ports random > "$work/ports" || exit 1
$flowgen --seed="$seed" flows random > "$work/mirrors" || exit 1
$flowgen --seed="$seed" --packets="$n_packets" packets random \
    > "$work/packets" || exit 1
echo "priority=0 actions=NORMAL" > "$work/plain"
tm_sandbox_start $(awk '$4 != "-" { print $4 }' "$work/ports")
tm_sandbox_bridges "$work/ports"
"$OVS_OFCTL" mod-port br-int tm-vxlan no-flood \
    || tm_fail "cannot set no-flood on tm-vxlan"
# Keep every megaflow for the count.
"$OVS_VSCTL" set Open_vSwitch . other_config:max-idle=600000 \
    || tm_fail "cannot set max-idle"

# run FLOWS: prints "MEGAFLOWS SUBTABLES" after the traffic.
run() {
    tm_install "$1"
    "$OVS_APPCTL" fdb/flush br-int > /dev/null
    "$OVS_APPCTL" dpctl/del-flows > /dev/null \
        || tm_fail "dpctl/del-flows failed"
    while read -r in_port hex expect what; do
        port=$(tm_port_name "$work/ports" "$in_port")
        "$OVS_APPCTL" netdev-dummy/receive "$port" "$hex" > /dev/null \
            || tm_fail "netdev-dummy/receive $port failed"
    done < "$work/packets"
    "$OVS_APPCTL" dpctl/dump-flows -m > "$work/dump" \
        || tm_fail "dpctl/dump-flows failed"
    # A subtable is one mask for one input port: keep in_port and the
    # masks of the other fields (an exact match prints as a bare value),
    # and drop the values and the statistics.
    grep '^ufid' "$work/dump" | sed -e 's/, packets:.*//' \
        -e 's/ufid:[^ ]* //' \
        -e 's/=[^/,)]*\/\([^,)]*\)/=\/\1/g' \
        -e 's/=[^/,)][^,)]*/=X/g' \
        -e 's/eth_type([^)]*)/eth_type(X)/' | sort -u > "$work/masks"
    echo "$(grep -c '^ufid' "$work/dump") $(wc -l < "$work/masks")"
}

printf '| %-68s | %19s | %7s |\n' "datapath benchmark" "count" "ratio"
printf '|%s|%s|%s|\n' "$(printf '%070d' 0 | tr 0 -)" \
    "---------------------" "---------"
set -- $(run "$work/plain")
plain_flows=$1 plain_masks=$2
set -- $(run "$work/mirrors")
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
