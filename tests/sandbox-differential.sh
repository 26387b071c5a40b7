#! /bin/sh
# The differential test: seeded random filters and sessions, and thousands
# of seeded random packets, in an Open vSwitch sandbox under both pipeline
# contracts and with both backends.  For every packet, what ofproto/trace
# says the datapath does (which copies: VNI, and so session, outer source
# and destination, UDP port 4789, carried length) must equal what the
# reference evaluator decides.  A vxlan_mirror copy must moreover go on to
# the peer port (the router, whose MAC is its next hop) and nowhere else:
# one that was mirrored again would show as a second copy.
#
# TM_DIFF_SEEDS (default "1 2 3 4 5 6") and TM_DIFF_PACKETS (default 300, per
# seed) set the size of the native backend's run; TM_DIFF_VXLAN_SEEDS
# (default "7 8 9") and the same number of packets that of the vxlan_mirror
# backend's.  TM_DIFF_BACKENDS (default "native vxlan-mirror") chooses.

srcdir=${srcdir:-.}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
seeds=${TM_DIFF_SEEDS:-1 2 3 4 5 6}
vxlan_seeds=${TM_DIFF_VXLAN_SEEDS:-7 8 9}
backends=${TM_DIFF_BACKENDS:-native vxlan-mirror}
n_packets=${TM_DIFF_PACKETS:-300}

work=$(mktemp -d "${TMPDIR:-/tmp}/tm-diff.XXXXXX")
TM_CLEANUP='rm -rf "$work"'
trap "$TM_CLEANUP" EXIT
$flowgen ports random > "$work/ports" || exit 1
tm_sandbox_start $(awk '$4 != "-" { print $4 }' "$work/ports")
tm_sandbox_bridges "$work/ports"

# The peer is the router: NORMAL knows where its MAC is (ofproto/trace does
# not learn), so that a copy to it is not flooded.
peer_mac=$(awk '$1 == "peer" { print $3 }' "$work/ports")
"$OVS_APPCTL" fdb/add br-int peer 0 "$peer_mac" > /dev/null \
    || tm_fail "fdb/add failed"
# The peer's datapath port number, where each vxlan_mirror copy must go.
peer_dp=$("$OVS_APPCTL" dpif/show | sed -n 's|^[ \t]*peer [0-9]*/\([0-9]*\):.*|\1|p')
test -n "$peer_dp" || tm_fail "no datapath port number for the peer"

# The copies in ofproto/trace's datapath actions, one line per packet in
# the form of tm-flowgen's expectations.  Native backend ($1 = native):
# each tnl_push() with the trunc() just before it (in the same clone()) is
# one copy.  vxlan_mirror: each vxlan_mirror(max_len=N,eth(...),ipv4(...) or
# ipv6(...),vni=V) is one, with N bytes of the frame (all if 0), and the
# datapath actions after it in its clone() (or after it at the end, when
# the clone() was the last action and so needs no wrapper) must be the
# output to the peer's port ($peer_dp), or the copy says where it went.
trace_copies() {
    awk -v backend="$1" -v peer="$peer_dp" '
    function hex(s,    i, v) {
        v = 0
        for (i = 1; i <= length(s); i++) {
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        }
        return v
    }
    function native_copy(prev, seg,    len, t, v, s, d, u, c) {
        len = frame_len
        if (prev ~ /trunc\([0-9]+\),$/) {
            t = prev
            sub(/.*trunc\(/, "", t)
            sub(/\),$/, "", t)
            if (t + 0 < len) {
                len = t + 0
            }
        }
        v = seg; sub(/.*vni=0x/, "", v); sub(/[^0-9a-f].*/, "", v)
        s = seg; sub(/.*ipv4\(src=/, "", s); sub(/,.*/, "", s)
        d = seg; sub(/.*ipv4\(src=[^,]*,dst=/, "", d); sub(/,.*/, "", d)
        u = seg; sub(/.*udp\(src=[0-9]*,dst=/, "", u); sub(/[^0-9].*/, "", u)
        c = "vni=" hex(v) ",src=" s ",dst=" d ",len=" len
        if (u != 4789) {
            c = c ",udp=" u
        }
        return c
    }
    function vxlan_mirror_copy(seg,    len, m, s, d, v, c, rest) {
        len = frame_len
        m = seg; sub(/^max_len=/, "", m); sub(/[^0-9].*/, "", m)
        if (m + 0 > 0 && m + 0 < len) {
            len = m + 0
        }
        s = seg; sub(/.*ipv[46]\(src=/, "", s); sub(/,.*/, "", s)
        d = seg; sub(/.*ipv[46]\(src=[^,]*,dst=/, "", d); sub(/\).*/, "", d)
        v = seg; sub(/.*vni=/, "", v); sub(/[^0-9].*/, "", v)
        c = "vni=" v ",src=" s ",dst=" d ",len=" len
        rest = seg; sub(/^.*vni=[0-9]*\)/, "", rest)
        if (rest !~ ("^," peer "(\\)|$)")) {
            c = c ",then=" substr(rest, 1, 40)
        }
        return c
    }
    /^==== / { frame_len = $2; next }
    /^Datapath actions:/ {
        if (backend == "native") {
            n = split($0, parts, "tnl_push\\(")
        } else {
            n = split($0, parts, "vxlan_mirror\\(")
        }
        for (i = 2; i <= n; i++) {
            if (backend == "native") {
                copies[i - 1] = native_copy(parts[i - 1], parts[i])
            } else {
                copies[i - 1] = vxlan_mirror_copy(parts[i])
            }
        }
        # Sort the copies (at most a handful) as tm-flowgen does.
        for (i = 1; i < n; i++) {
            for (j = i + 1; j < n; j++) {
                if (copies[j] < copies[i]) {
                    t = copies[i]; copies[i] = copies[j]; copies[j] = t
                }
            }
        }
        out = ""
        for (i = 1; i < n; i++) {
            out = out (i > 1 ? ";" : "") copies[i]
        }
        print (out == "" ? "none" : out)
    }'
}

# run BACKEND PIPELINE SEED: one seed's model, flows and packets, traced.
run() {
    run="seed $3 ($2, $1)"
    gen="$flowgen --backend=$1 --pipeline=$2 --seed=$3"
    $gen flows random > "$work/flows" || exit 1
    if test "$2" = register; then
        $gen forwarding random >> "$work/flows" || exit 1
    fi
    $gen --packets="$n_packets" packets random > "$work/packets" || exit 1
    tm_install "$work/flows"

    while read -r in_port hex expect what; do
        echo "==== $((${#hex} / 2))"
        "$OVS_APPCTL" ofproto/trace br-int "in_port=$in_port" "$hex" \
            || tm_fail "ofproto/trace failed for $what"
    done < "$work/packets" > "$work/traces"
    trace_copies "$1" < "$work/traces" > "$work/actual"
    awk '{ print $3 }' "$work/packets" > "$work/expected"

    n=$(wc -l < "$work/expected")
    test "$(wc -l < "$work/actual")" = "$n" \
        || tm_fail "$run: $n packets but $(wc -l < "$work/actual") traces"
    if ! cmp -s "$work/expected" "$work/actual"; then
        echo "$0: $run: ofproto/trace and the reference evaluator" \
             "disagree:" >&2
        paste -d '|' "$work/expected" "$work/actual" "$work/packets" \
            | awk -F'|' '$1 != $2 {
                split($3, f, " ")
                print "  packet: " substr($3, index($3, f[4]))
                print "    evaluator: " $1
                print "    datapath:  " $2
              }' | head -30 >&2
        exit 1
    fi
    m=$(grep -vc '^none$' "$work/expected")
    total=$((total + n))
    mirrored=$((mirrored + m))
    echo "$run: $n packets agree ($m mirrored, $(wc -l < "$work/flows")" \
         "flows)"
}

total=0
mirrored=0
for backend in $backends; do
    case $backend in
        native) backend_seeds=$seeds ;;
        vxlan-mirror) backend_seeds=$vxlan_seeds ;;
        *) tm_fail "TM_DIFF_BACKENDS: \"$backend\" is not native or" \
                   "vxlan-mirror" ;;
    esac
    for pipeline in normal register; do
        for seed in $backend_seeds; do
            run "$backend" "$pipeline" "$seed"
        done
    done
done
echo "sandbox-differential.sh: $total packets compared, $total agree" \
     "($mirrored mirrored)"
