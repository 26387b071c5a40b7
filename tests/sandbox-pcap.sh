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
#
# With the native backend the copies leave through the flow-based VXLAN
# port and the underlay (p-phy).  With the vxlan-mirror backend (the
# project's datapath action) they go on through br-int to the router's MAC,
# the "peer" port, where the originals sent to the router also arrive; and
# each session's counters (ovs-ofctl dump-vxlan-mirror-stats) must then
# hold the packets and bytes of the originals it mirrored.

srcdir=${srcdir:-.}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
command -v tshark > /dev/null || tm_fail "tshark is not installed"

n_cases=0
n_copies=0
n_originals=0

# run_case MODEL PIPELINE BACKEND [FLOWGEN-OPTIONS]
run_case() {
    model=$1
    pipeline=$2
    backend=$3
    shift 3
    gen="$flowgen --pipeline=$pipeline --backend=$backend $*"

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
    # NORMAL knows the router from the start, so that the first copies to
    # it are not flooded.
    "$OVS_APPCTL" fdb/add br-int peer 0 \
        "$(awk '$1 == "peer" { print $3 }' "$work/ports")" > /dev/null \
        || tm_fail "fdb/add failed"
    tm_install "$work/flows"
    if test "$backend" = native; then
        copies_pcap=p-phy.pcap
    else
        # The router takes jumbo frames, as the underlay does: copies to
        # targets of MTU 9001 are up to 9001 bytes.
        copies_pcap=peer.pcap
        "$OVS_VSCTL" set interface peer mtu_request=9216 \
            || tm_fail "cannot set the peer's MTU"
    fi

    # Inject, and note what each packet should cause.
    : > "$work/expected"
    : > "$work/originals"
    : > "$work/mirrored"
    while read -r in_port hex expect what; do
        port=$(tm_port_name "$work/ports" "$in_port")
        "$OVS_APPCTL" netdev-dummy/receive "$port" "$hex" > /dev/null \
            || tm_fail "netdev-dummy/receive $port failed"
        if test "$expect" != none; then
            echo "$expect" | tr ';' '\n' | while read -r copy; do
                len=${copy##*len=}
                printf '%s %s\n' "${copy%,len=*}" \
                    "$(printf '%s' "$hex" | cut -c1-$((len * 2)))"
                vni=${copy#vni=}
                echo "${vni%%,*} $((${#hex} / 2))" >> "$work/mirrored"
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
    # At the peer, the originals sent to the router are not copies: each
    # one expected there is taken out once.
    tshark -r "$TM_SANDBOX/$copies_pcap" -T fields -E separator=' ' \
        -e vxlan.vni -e ip.src -e ip.dst -e udp.dstport \
        2> "$work/tshark.err" > "$work/decoded" \
        || tm_fail "tshark failed: $(cat "$work/tshark.err")"
    "$OVS_PCAP" "$TM_SANDBOX/$copies_pcap" > "$work/raw" \
        || tm_fail "ovs-pcap failed"
    paste -d ' ' "$work/raw" "$work/decoded" \
    | awk -v pcap="${copies_pcap%.pcap}" '
        NR == FNR { if ($1 == pcap) { original[$2]++ }; next }
        original[$1] > 0 { original[$1]--; next }
        { print }' "$work/originals" - \
    | while read -r raw vni src dst port; do
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

    if test "$backend" = vxlan-mirror; then
        check_counters "$work" || exit 1
    fi

    echo "$(wc -l < "$work/expected") $(wc -l < "$work/originals")" \
        > "$TM_COUNTS"
    ) || exit 1
    read -r copies originals < "$TM_COUNTS"
    n_cases=$((n_cases + 1))
    n_copies=$((n_copies + copies))
    n_originals=$((n_originals + originals))
    echo "$model ($pipeline, $backend): $copies copies decoded," \
         "$originals originals delivered"
}

# check_counters WORK: the counters of each VNI's sessions (the ids of the
# vxlan_mirror actions with that VNI in the flows), summed, must hold the
# packets mirrored with that VNI and their bytes as sent.
check_counters() {
    "$OVS_APPCTL" revalidator/purge > /dev/null \
        || tm_fail "revalidator/purge failed"
    "$OVS_OFCTL" dump-vxlan-mirror-stats br-int > "$1/counters" \
        || tm_fail "ovs-ofctl dump-vxlan-mirror-stats failed"
    grep -o 'vxlan_mirror([^)]*)' "$1/flows" \
        | sed 's/.*vni=\([0-9]*\),.*id=\([0-9]*\))$/\1 \2/' \
        | sort -u > "$1/ids"
    awk '
        FILENAME ~ /ids$/ { vni_of[$2] = $1; next }
        FILENAME ~ /mirrored$/ { want_p[$1]++; want_b[$1] += $2; next }
        /^ id=/ {
            split(substr($0, 2), f, /[=,]/)
            vni = vni_of[f[2]]
            got_p[vni] += f[6]; got_b[vni] += f[8]; next
        }
        END {
            for (v in want_p) {
                if (got_p[v] != want_p[v] || got_b[v] != want_b[v]) {
                    printf "VNI %s: counted %d packets, %d bytes; " \
                           "mirrored %d, %d\n", v, got_p[v], got_b[v], \
                           want_p[v], want_b[v]
                    bad = 1
                }
            }
            for (v in got_p) {
                if (!(v in want_p) && got_p[v]) {
                    printf "VNI %s: counted %d packets, mirrored none\n", \
                           v, got_p[v]
                    bad = 1
                }
            }
            exit bad
        }' "$1/ids" "$1/mirrored" "$1/counters" >&2 \
        || { echo "$0: the vxlan_mirror counters differ from the" \
                  "copies" >&2; return 1; }
}

TM_COUNTS=$(mktemp "${TMPDIR:-/tmp}/tm-counts.XXXXXX")
trap 'rm -f "$TM_COUNTS"' EXIT
for backend in native vxlan-mirror; do
    for pipeline in normal register; do
        for model in inbound-tcp tcp-udp non-local evaluation; do
            run_case $model $pipeline $backend
        done
        run_case random $pipeline $backend --seed=7 --packets=200
    done
done
echo "sandbox-pcap.sh: $n_cases passed, 0 failed ($n_copies copies," \
     "$n_originals originals checked)"
