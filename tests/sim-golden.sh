#! /bin/sh
# Golden tests of "tm-sim check" for every topology in topologies/: the
# JSON report must be the one in tests/golden/NAME.json, the verdicts those
# that the topology's leading comment promises ("tms-x  reachable: ..."),
# the exit status the one it states ("tm-sim check exits N"), and the text
# and HTML reports must come out.
#
# After an intended change of the reports, TM_GOLDEN_UPDATE=1 rewrites the
# golden files (then review them with git diff).
set -e
tmsim=$(pwd)/utilities/tm-sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "${srcdir:-.}"

passed=0
failed=0
fail() {
    echo "$topo: $*" >&2
    failed=$((failed + 1))
}

for topo in topologies/*.xml; do
    name=$(basename "$topo" .xml)
    golden=tests/golden/$name.json

    status=0
    "$tmsim" check "$topo" --format=json > "$tmp/json" || status=$?
    if test -n "$TM_GOLDEN_UPDATE"; then
        cp "$tmp/json" "$golden"
    fi
    if ! test -f "$golden"; then
        fail "no golden file $golden"
        continue
    fi
    if ! diff -u "$golden" "$tmp/json" >&2; then
        fail "JSON report differs from $golden"
        continue
    fi

    # The verdicts and exit status of the leading comment.
    sed -n '1,/-->/p' "$topo" > "$tmp/comment"
    want_status=$(sed -n 's/.*tm-sim check exits \([0-9]\).*/\1/p' \
                  "$tmp/comment")
    if test "$status" != "$want_status"; then
        fail "exit status $status, the comment says $want_status"
        continue
    fi
    sed -n 's/^ *\(tms-[A-Za-z0-9-]*\)  *\(reachable\|blocked\|invalid\)[:, ].*/\1 \2/p' \
        "$tmp/comment" | sort > "$tmp/want"
    if ! test -s "$tmp/want"; then
        fail "its comment gives no verdicts"
        continue
    fi
    "$tmsim" check "$topo" > "$tmp/text" || true
    sed -n 's/^Session \(.*\): \(.*\)$/\1 \2/p' "$tmp/text" | sort \
        > "$tmp/got"
    if ! diff -u "$tmp/want" "$tmp/got" >&2; then
        fail "verdicts differ from those of its comment"
        continue
    fi

    # The other formats.
    grep -q "sessions checked" "$tmp/text" || { fail "text report"; continue; }
    "$tmsim" check "$topo" --format=html -o "$tmp/html" || true
    if ! grep -q '<svg' "$tmp/html" || ! grep -q '</html>' "$tmp/html"; then
        fail "HTML report"
        continue
    fi
    passed=$((passed + 1))
done

# --session selects, in the order given.
"$tmsim" check topologies/default.xml --session=tms-web --session=tms-app \
    --format=json > "$tmp/json" || true
if test "$(grep -c '"id":' "$tmp/json")" != 2 \
   || test "$(grep '"id":' "$tmp/json" | head -1 | tr -d ' ,')" \
           != '"id":"tms-web"'; then
    topo=--session; fail "does not select sessions in order"
else
    passed=$((passed + 1))
fi
# A reachable session alone exits 0.
if "$tmsim" check topologies/default.xml --session=tms-app > /dev/null; then
    passed=$((passed + 1))
else
    topo=--session; fail "a reachable session does not exit 0"
fi

echo "sim-golden.sh: $passed passed, $failed failed"
test $failed = 0
