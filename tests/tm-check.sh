# tm-check.sh: counting checks for the shell tests, sourced by them after
# they set "me" (their name).
#
#   check NAME COMMAND...   runs COMMAND and counts its success as a pass
#                           of NAME, its failure as a failure (named on
#                           standard error)
#   check_summary           prints the counts; fails if anything failed

passed=0
failed=0

check() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "$me: $name failed" >&2
        failed=$((failed + 1))
    fi
}

check_summary() {
    echo "$me: $passed passed, $failed failed"
    test $failed = 0
}
