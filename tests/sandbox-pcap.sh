#! /bin/sh
# The compiled flows in an Open vSwitch sandbox, with real packets: for the
# user guide's three examples, a fixed case for each rule of "Evaluation"
# (tm-flowgen's "evaluation" model) and a seeded random model, under both
# pipeline contracts, inject every test packet with netdev-dummy/receive,
# capture what leaves the underlay port, and decode it with tshark's VXLAN
# dissector.  Each mirrored copy must carry the VNI, outer addresses and
# UDP port 4789 that the reference evaluator expects, and its inner frame
# must be the first carried-length bytes of what was sent; packets the
# evaluator does not mirror must cause no copy; and every original must
# still reach its destination port, unchanged.

srcdir=${srcdir:-.}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
command -v tshark > /dev/null || tm_fail "tshark is not installed"

n_cases=0
n_copies=0
n_originals=0

# run_case MODEL PIPELINE [FLOWGEN-OPTIONS]
run_case() {
    model=$1
    pipeline=$2
    shift 2
    gen="$flowgen --pipeline=$pipeline $*"

    (
    work=$(mktemp -d "${TMPDIR:-/tmp}/tm-pcap.XXXXXX")
    TM_CLEANUP='rm -rf "$work"'
    trap "$TM_CLEANUP" EXIT
    $gen ports "$model" > "$work/ports" || exit 1
    $gen flows "$model" > "$work/flows" || exit 1
    if test "$pipeline" = register; then
        $gen forwarding "$model" >> "$work/flows" || exit 1
    fi
    $gen packets "$model" > "$work/packets" || exit 1

    tm_sandbox_start $(awk '$4 != "-" { print $4 }' "$work/ports")
    tm_sandbox_bridges "$work/ports"
    "$OVS_OFCTL" mod-port br-int tm-vxlan no-flood \
        || tm_fail "cannot set no-flood on tm-vxlan"
    tm_install "$work/flows"

    # Inject, and note what each packet should cause.
    : > "$work/expected"
    : > "$work/originals"
    while read -r in_port hex expect what; do
        port=$(tm_port_name "$work/ports" "$in_port")
        "$OVS_APPCTL" netdev-dummy/receive "$port" "$hex" > /dev/null \
            || tm_fail "netdev-dummy/receive $port failed"
        if test "$expect" != none; then
            echo "$expect" | tr ';' '\n' | while read -r copy; do
                len=${copy##*len=}
                printf '%s %s\n' "${copy%,len=*}" \
                    "$(printf '%s' "$hex" | cut -c1-$((len * 2)))"
            done >> "$work/expected"
        fi
        # Where the original goes: the port whose MAC is its destination,
        # or, for a broadcast, every port; never back where it came from.
        dst=$(printf '%s' "$hex" | cut -c1-12 | sed 's/../&:/g;s/:$//')
        awk -v d="$dst" -v i="$in_port" -v h="$hex" '
            $2 != i && (d == "ff:ff:ff:ff:ff:ff" || $3 == d) {
                print $1, h
            }' "$work/ports" >> "$work/originals"
    done < "$work/packets"

    # Let the datapath finish (the truncated copies recirculate).
    "$OVS_APPCTL" revalidator/wait > /dev/null 2>&1 || true

    # Decode the copies: tshark for the headers, ovs-pcap for the bytes.
    tshark -r "$TM_SANDBOX/p-phy.pcap" -T fields -E separator=' ' \
        -e vxlan.vni -e ip.src -e ip.dst -e udp.dstport \
        2> "$work/tshark.err" > "$work/decoded" \
        || tm_fail "tshark failed: $(cat "$work/tshark.err")"
    "$OVS_PCAP" "$TM_SANDBOX/p-phy.pcap" > "$work/raw" \
        || tm_fail "ovs-pcap failed"
    paste -d ' ' "$work/decoded" "$work/raw" | while read -r vni src dst \
                                                    port raw; do
        port=${port%%,*}
        test "$port" = 4789 || { echo "UDP port $port, not 4789"; continue; }
        echo "vni=$vni,src=${src%%,*},dst=${dst%%,*} $(echo "$raw" | cut -c101-)"
    done > "$work/actual"

    if ! cmp -s "$work/expected" "$work/actual"; then
        echo "$0: $model ($pipeline): the copies differ from what the" \
             "reference evaluator expects (expected, actual):" >&2
        diff "$work/expected" "$work/actual" | cut -c1-160 >&2
        exit 1
    fi

    # Every original reached its destination, unchanged.
    for name in $(awk '{ print $1 }' "$work/ports"); do
        "$OVS_PCAP" "$TM_SANDBOX/$name.pcap" > "$work/$name.sent" \
            || tm_fail "ovs-pcap $name.pcap failed"
    done
    while read -r name hex; do
        grep -qx "$hex" "$work/$name.sent" \
            || tm_fail "$model ($pipeline): a packet never reached $name:" \
                       "$(echo "$hex" | cut -c1-60)..."
    done < "$work/originals"

    echo "$(wc -l < "$work/expected") $(wc -l < "$work/originals")" \
        > "$TM_COUNTS"
    ) || exit 1
    read -r copies originals < "$TM_COUNTS"
    n_cases=$((n_cases + 1))
    n_copies=$((n_copies + copies))
    n_originals=$((n_originals + originals))
    echo "$model ($pipeline): $copies copies decoded, $originals originals" \
         "delivered"
}

TM_COUNTS=$(mktemp "${TMPDIR:-/tmp}/tm-counts.XXXXXX")
trap 'rm -f "$TM_COUNTS"' EXIT
for pipeline in normal register; do
    for model in inbound-tcp tcp-udp non-local evaluation; do
        run_case $model $pipeline
    done
    run_case random $pipeline --seed=7 --packets=200
done
echo "sandbox-pcap.sh: $n_cases passed, 0 failed ($n_copies copies," \
     "$n_originals originals checked)"
