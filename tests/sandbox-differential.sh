#! /bin/sh
# The differential test: seeded random filters and sessions, and thousands
# of seeded random packets, in an Open vSwitch sandbox under both pipeline
# contracts.  For every packet, what ofproto/trace says the datapath does
# (which copies: VNI, and so session, outer source and destination, UDP
# port 4789, carried length) must equal what the reference evaluator
# decides.
#
# TM_DIFF_SEEDS (default "1 2 3 4 5 6") and TM_DIFF_PACKETS (default 300, per
# seed) set the size of the run.

srcdir=${srcdir:-.}
. "$srcdir/tests/tm-sandbox.sh"
tm_sandbox_enter "$@"
flowgen=${TM_FLOWGEN:-tests/tm-flowgen}
seeds=${TM_DIFF_SEEDS:-1 2 3 4 5 6}
n_packets=${TM_DIFF_PACKETS:-300}

work=$(mktemp -d "${TMPDIR:-/tmp}/tm-diff.XXXXXX")
TM_CLEANUP='rm -rf "$work"'
trap "$TM_CLEANUP" EXIT
$flowgen ports random > "$work/ports" || exit 1
tm_sandbox_start $(awk '$4 != "-" { print $4 }' "$work/ports")
tm_sandbox_bridges "$work/ports"

# The copies in ofproto/trace's datapath actions, one line per packet in
# the form of tm-flowgen's expectations: each tnl_push() with the trunc()
# just before it (in the same clone()) is one copy.
trace_copies() {
    awk '
    function hex(s,    i, v) {
        v = 0
        for (i = 1; i <= length(s); i++) {
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        }
        return v
    }
    /^==== / { frame_len = $2; next }
    /^Datapath actions:/ {
        n = split($0, parts, "tnl_push\\(")
        out = ""
        for (i = 2; i <= n; i++) {
            prev = parts[i - 1]
            len = frame_len
            if (prev ~ /trunc\([0-9]+\),$/) {
                t = prev
                sub(/.*trunc\(/, "", t)
                sub(/\),$/, "", t)
                if (t + 0 < len) {
                    len = t + 0
                }
            }
            seg = parts[i]
            v = seg; sub(/.*vni=0x/, "", v); sub(/[^0-9a-f].*/, "", v)
            s = seg; sub(/.*ipv4\(src=/, "", s); sub(/,.*/, "", s)
            d = seg; sub(/.*ipv4\(src=[^,]*,dst=/, "", d); sub(/,.*/, "", d)
            u = seg; sub(/.*udp\(src=[0-9]*,dst=/, "", u); sub(/[^0-9].*/, "", u)
            c = "vni=" hex(v) ",src=" s ",dst=" d ",len=" len
            if (u != 4789) {
                c = c ",udp=" u
            }
            copies[i - 1] = c
        }
        # Sort the copies (at most a handful) as tm-flowgen does.
        for (i = 1; i < n; i++) {
            for (j = i + 1; j < n; j++) {
                if (copies[j] < copies[i]) {
                    t = copies[i]; copies[i] = copies[j]; copies[j] = t
                }
            }
        }
        for (i = 1; i < n; i++) {
            out = out (i > 1 ? ";" : "") copies[i]
        }
        print (out == "" ? "none" : out)
    }'
}

total=0
mirrored=0
for pipeline in normal register; do
    for seed in $seeds; do
        gen="$flowgen --pipeline=$pipeline --seed=$seed"
        $gen flows random > "$work/flows" || exit 1
        if test "$pipeline" = register; then
            $gen forwarding random >> "$work/flows" || exit 1
        fi
        $gen --packets="$n_packets" packets random > "$work/packets" \
            || exit 1
        tm_install "$work/flows"

        while read -r in_port hex expect what; do
            echo "==== $((${#hex} / 2))"
            "$OVS_APPCTL" ofproto/trace br-int "in_port=$in_port" "$hex" \
                || tm_fail "ofproto/trace failed for $what"
        done < "$work/packets" > "$work/traces"
        trace_copies < "$work/traces" > "$work/actual"
        awk '{ print $3 }' "$work/packets" > "$work/expected"

        n=$(wc -l < "$work/expected")
        test "$(wc -l < "$work/actual")" = "$n" \
            || tm_fail "seed $seed ($pipeline): $n packets but" \
                       "$(wc -l < "$work/actual") traces"
        if ! cmp -s "$work/expected" "$work/actual"; then
            echo "$0: seed $seed ($pipeline): ofproto/trace and the" \
                 "reference evaluator disagree:" >&2
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
        echo "seed $seed ($pipeline): $n packets agree ($m mirrored," \
             "$(wc -l < "$work/flows") flows)"
    done
done
echo "sandbox-differential.sh: $total packets compared, $total agree" \
     "($mirrored mirrored)"
