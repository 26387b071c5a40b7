#! /bin/sh
# Hostile and sloppy input to tm-sim: nothing forged, nothing misread,
# nothing lost.  Each class of input is refused with exit status 2 and a
# message that names the file and line (or the option), or read exactly as
# the schema and every other XML tool read it.
set -e
tmsim=$(pwd)/sim/tm-sim
examples=$(pwd)/utilities/tm-examples
topologies=${srcdir:-.}/topologies
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

me=sim-hostile.sh
. "$(dirname "$0")/tm-check.sh"

# run PROGRAM ARG...: runs it with its output in $tmp/out and $tmp/err and
# its exit status in $status.
run() {
    status=0
    "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
}

# fails NAME MESSAGE: the last run exited 2 with MESSAGE (a fixed string)
# on standard error, once.
fails() {
    check "$1: exit status 2 (got $status)" test $status = 2
    check "$1: says \"$2\"" test "$(grep -c -F -e "$2" "$tmp/err")" = 1
}

# ---- Write errors: every writer checks its flush and close. ----

# Small reports fail only at the last flush or close, large ones (html,
# flows) in the middle.
for format in text json html; do
    status=0
    "$tmsim" check "$topologies/default.xml" --format=$format \
        -o /dev/full 2> "$tmp/err" || status=$?
    fails "check --format=$format -o /dev/full" "/dev/full: write error"
    status=0
    "$tmsim" check "$topologies/default.xml" --format=$format \
        > /dev/full 2> "$tmp/err" || status=$?
    fails "check --format=$format > /dev/full" \
        "standard output: write error"
done
status=0
"$tmsim" flows "$topologies/default.xml" -o /dev/full 2> "$tmp/err" \
    || status=$?
fails "flows -o /dev/full" "/dev/full: write error"
status=0
"$tmsim" flows "$topologies/default.xml" > /dev/full 2> "$tmp/err" \
    || status=$?
fails "flows > /dev/full" "standard output: write error"
status=0
"$tmsim" --help > /dev/full 2> "$tmp/err" || status=$?
fails "tm-sim --help > /dev/full" "standard output: write error"
status=0
"$examples" > /dev/full 2> "$tmp/err" || status=$?
fails "tm-examples > /dev/full" "standard output: write error"
run "$tmsim" check "$topologies/default.xml" -o "$tmp/no/such/dir/r.txt"
fails "check -o into a missing folder" "r.txt: cannot open for writing"

check_summary
