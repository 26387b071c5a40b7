#! /bin/sh
# tm-demo.sh: the flow compiler end to end, for people.  For each of the
# user guide's examples: a private Open vSwitch sandbox (dummy datapath,
# no root, nothing leaves the machine), the compiled flows installed in one
# bundle, the example's packets injected, and what tshark decodes: each
# packet sent, next to the mirrored copy that left the underlay port (VNI,
# outer addresses, UDP port, the inner packet), or "not mirrored".  Every
# daemon is stopped at the end.
#
# Run from the build folder: OVS_BUILDDIR=... tests/tm-demo.sh [EXAMPLE...]

srcdir=${srcdir:-$(dirname "$0")/..}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
command -v tshark > /dev/null || tm_fail "tshark is not installed"
command -v text2pcap > /dev/null || tm_fail "text2pcap is not installed"

test $# -gt 0 || set -- inbound-tcp tcp-udp non-local

# hex_to_text2pcap: one frame in hex on stdin, as text2pcap reads it.
hex_to_text2pcap() {
    sed 's/../& /g' | fold -w 48 | awk '{ printf "%06x %s\n", (NR - 1) * 16, $0 }'
}

demo() {
    model=$1
    (
    work=$(mktemp -d "${TMPDIR:-/tmp}/tm-demo.XXXXXX")
    TM_CLEANUP='rm -rf "$work"'
    trap "$TM_CLEANUP" EXIT
    $flowgen ports "$model" > "$work/ports" || exit 1
    $flowgen flows "$model" > "$work/flows" || exit 1
    $flowgen packets "$model" > "$work/packets" || exit 1

    echo "==> $model: $(wc -l < "$work/flows") flows on br-int" \
         "(NORMAL pipeline), $(wc -l < "$work/packets") packets"
    tm_sandbox_start $(awk '$4 != "-" { print $4 }' "$work/ports")
    tm_sandbox_bridges "$work/ports"
    "$OVS_OFCTL" mod-port br-int tm-vxlan no-flood || exit 1
    tm_install "$work/flows"

    n=0
    while read -r in_port hex expect what; do
        n=$((n + 1))
        port=$(tm_port_name "$work/ports" "$in_port")
        before=$(tshark -r "$TM_SANDBOX/p-phy.pcap" 2>/dev/null | wc -l)
        "$OVS_APPCTL" netdev-dummy/receive "$port" "$hex" > /dev/null \
            || tm_fail "netdev-dummy/receive $port failed"
        printf '%s' "$hex" | hex_to_text2pcap > "$work/sent.txt"
        text2pcap -q "$work/sent.txt" "$work/sent.pcap" 2>/dev/null
        echo
        echo "[$n] $what"
        echo "    sent on $port: $(tshark -r "$work/sent.pcap" -T fields \
            -E separator=' ' -e frame.len -e _ws.col.Protocol \
            -e _ws.col.Source -e _ws.col.Destination -e _ws.col.Info \
            2>/dev/null | sed 's/^\([0-9]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\)/\1 bytes, \2 \3 -> \4:/')"
        tshark -r "$TM_SANDBOX/p-phy.pcap" -T fields -E separator=' ' \
            -e frame.len -e vxlan.vni -e ip.src -e ip.dst -e udp.dstport \
            -e _ws.col.Protocol -e _ws.col.Source -e _ws.col.Destination \
            -e _ws.col.Info 2>/dev/null | sed -n "$((before + 1)),\$p" \
        | while read -r len vni src dst udp proto isrc idst info; do
            echo "    copy: VXLAN VNI $vni, ${src%%,*} -> ${dst%%,*}," \
                 "UDP ${udp%%,*}, carrying $((len - 50)) bytes: $proto" \
                 "$isrc -> $idst: $info"
        done
        if test "$(tshark -r "$TM_SANDBOX/p-phy.pcap" 2>/dev/null | wc -l)" \
                = "$before"; then
            echo "    not mirrored"
        fi
        echo "    reference evaluator: $expect"
    done < "$work/packets"
    echo
    ) || exit 1
}

for model in "$@"; do
    demo "$model"
done
