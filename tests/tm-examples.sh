#! /bin/sh
# Runs tm-examples(1), which exits 1 if any decision differs from what the
# user guide's examples expect, and checks its command-line errors.
set -e
prog=utilities/tm-examples
out=$(mktemp)
trap 'rm -f "$out"' EXIT

$prog > "$out"
grep -q '^Example 3 (non-local)' "$out"
if grep -q BAD "$out"; then
    cat "$out"
    exit 1
fi

# The same seed gives the same output; another seed other VNIs.
test "$($prog inbound-tcp)" = "$($prog inbound-tcp)"
test "$($prog --seed=2 inbound-tcp)" != "$($prog --seed=1 inbound-tcp)"

# Bad usage: exit status 2 and a message that names the problem.
if $prog no-such-example 2> "$out"; then exit 1; fi
grep -q 'no example "no-such-example"' "$out"
status=0; $prog --seed=x 2> "$out" || status=$?
test $status = 2
grep -q 'seed' "$out"
$prog --help | grep -q '^usage:'
test "$($prog --list | wc -l)" = 3
echo "tm-examples.sh: 1 passed, 0 failed"
