#! /bin/sh
# tm-demo.sh: the flow compiler end to end, for people.  For each of the
# user guide's examples: a private Open vSwitch sandbox (dummy datapath,
# no root, nothing leaves the machine), the compiled flows installed in one
# bundle, the example's packets injected, and what tshark decodes: each
# packet sent, next to the mirrored copy that left the underlay port (VNI,
# outer addresses, UDP port, the inner packet), or "not mirrored".  Every
# daemon is stopped at the end.
#
# With --backend=vxlan-mirror the flows use the project's vxlan_mirror
# action instead of the native tunnel port: the copies go on through br-int
# to the router (the "peer" port), and each session's counters are shown,
# as "ovs-ofctl dump-vxlan-mirror-stats" reads them.
#
# Run from the build folder:
#   OVS_BUILDDIR=... tests/tm-demo.sh [--backend=BACKEND] [EXAMPLE...]

srcdir=${srcdir:-$(dirname "$0")/..}
me=tm-demo.sh
. "$srcdir/tests/sandbox.sh"
sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
command -v tshark > /dev/null || fail "tshark is not installed"
command -v text2pcap > /dev/null || fail "text2pcap is not installed"

backend=native
case $1 in
    --backend=native|--backend=vxlan-mirror) backend=${1#--backend=}; shift ;;
    --backend=*) fail "$1: the backend is native or vxlan-mirror" ;;
esac
test $# -gt 0 || set -- inbound-tcp tcp-udp non-local
if test $backend = native; then
    copies=p-phy.pcap
    where="the underlay port"
else
    copies=peer.pcap
    where="the router's port"
fi

# copies_in PCAP: the VXLAN frames in PCAP, one a line.
copies_in() {
    tshark -r "$1" -Y 'udp.dstport == 4789' 2>/dev/null | wc -l
}

# hex_to_text2pcap: one frame in hex on stdin, as text2pcap reads it.
hex_to_text2pcap() {
    sed 's/../& /g' | fold -w 48 | awk '{ printf "%06x %s\n", (NR - 1) * 16, $0 }'
}

demo() {
    model=$1
    (
    sandbox_start
    work=$dir
    gen="$flowgen --backend=$backend"
    $gen ports "$model" > "$work/ports" || exit 1
    $gen flows "$model" > "$work/flows" || exit 1
    $gen packets "$model" > "$work/packets" || exit 1

    echo "==> $model: $(grep -vc '^#' "$work/flows") flows on br-int" \
         "(NORMAL pipeline, $backend backend), $(wc -l < "$work/packets")" \
         "packets; copies captured at $where"
    sandbox_local_ips $(sandbox_port_ips "$work/ports")
    sandbox_vswitchd
    sandbox_bridges "$work/ports"
    $ofctl mod-port br-int tm-vxlan no-flood || exit 1
    if test $backend = vxlan-mirror; then
        # The router takes jumbo frames, and NORMAL knows where it is.
        $vsctl set interface peer mtu_request=9216 || exit 1
        $appctl fdb/add br-int peer 0 \
            "$(awk '$1 == "peer" { print $3 }' "$work/ports")" > /dev/null \
            || exit 1
    fi
    sandbox_install "$work/flows"

    n=0
    while read -r in_port hex expect what; do
        n=$((n + 1))
        port=$(sandbox_port_name "$work/ports" "$in_port")
        before=$(copies_in "$dir/$copies")
        $appctl netdev-dummy/receive "$port" "$hex" > /dev/null \
            || fail "netdev-dummy/receive $port failed"
        printf '%s' "$hex" | hex_to_text2pcap > "$work/sent.txt"
        text2pcap -q "$work/sent.txt" "$work/sent.pcap" 2>/dev/null
        echo
        echo "[$n] $what"
        echo "    sent on $port: $(tshark -r "$work/sent.pcap" -T fields \
            -E separator=' ' -e frame.len -e _ws.col.Protocol \
            -e _ws.col.Source -e _ws.col.Destination -e _ws.col.Info \
            2>/dev/null | sed 's/^\([0-9]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\)/\1 bytes, \2 \3 -> \4:/')"
        tshark -r "$dir/$copies" -Y 'udp.dstport == 4789' \
            -T fields -E separator=' ' -e frame.len -e vxlan.vni -e ip.src -e ip.dst -e udp.dstport \
            -e _ws.col.Protocol -e _ws.col.Source -e _ws.col.Destination \
            -e _ws.col.Info 2>/dev/null | sed -n "$((before + 1)),\$p" \
        | while read -r len vni src dst udp proto isrc idst info; do
            echo "    copy: VXLAN VNI $vni, ${src%%,*} -> ${dst%%,*}," \
                 "UDP ${udp%%,*}, carrying $((len - 50)) bytes: $proto" \
                 "$isrc -> $idst: $info"
        done
        if test "$(copies_in "$dir/$copies")" = "$before"; then
            echo "    not mirrored"
        fi
        echo "    reference evaluator: $expect"
    done < "$work/packets"
    echo
    if test $backend = vxlan-mirror; then
        # The datapath flows' statistics reach the counters when the
        # revalidators run; purge makes that now.
        $appctl revalidator/purge > /dev/null
        echo "Each session's counters (ovs-ofctl dump-vxlan-mirror-stats" \
             "br-int):"
        $ofctl dump-vxlan-mirror-stats br-int > "$work/counters" \
            || exit 1
        sed -n 's/^# session \([^:]*\): counters id=\([0-9]*\)$/\2 \1/p' \
            "$work/flows" | while read -r id session; do
            sed -n "s/^ id=$id,.*packet_count=\([0-9]*\),byte_count=\([0-9]*\)\$/\1 \2/p" \
                "$work/counters" | {
                read -r packets bytes || { packets=0; bytes=0; }
                echo "    session $session (counters id $id):" \
                     "packet_count=$packets, byte_count=$bytes"
            }
        done
        echo
    fi
    ) || exit 1
}

for model in "$@"; do
    demo "$model"
done
