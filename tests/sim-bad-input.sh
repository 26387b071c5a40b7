#! /bin/sh
# Bad input to "tm-sim check": each kind of error must exit with status 2
# and a message that names the file, the line and what is wrong; bad usage
# exits 2 too.  The bad topologies are made from topologies/default.xml by
# one edit each.
set -e
tmsim=$(pwd)/utilities/tm-sim
good=${srcdir:-.}/topologies/default.xml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0

# bad NAME SED-SCRIPT LINE-PATTERN MESSAGE: makes $tmp/NAME.xml from the
# default topology with SED-SCRIPT and expects exit status 2 and an error
# "NAME.xml:LINE: ...MESSAGE...", LINE being the first line that matches
# LINE-PATTERN in the bad file.
bad() {
    file=$tmp/$1.xml
    sed "$2" "$good" > "$file"
    if cmp -s "$good" "$file"; then
        echo "$1: the edit changed nothing" >&2
        failed=$((failed + 1))
        return
    fi
    line=$(grep -n -e "$3" "$file" | head -1 | cut -d: -f1)
    status=0
    "$tmsim" check "$file" > "$tmp/out" 2> "$tmp/err" || status=$?
    if test $status != 2 || test -s "$tmp/out" \
       || ! grep -q -F "$file:$line: " "$tmp/err" \
       || ! grep -q -F -e "$4" "$tmp/err"; then
        echo "$1: expected exit status 2 and \"$file:$line: ...$4...\"," \
             "got status $status:" >&2
        cat "$tmp/err" >&2
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
}

bad not-well-formed 's|</route-table>|</route-tables>|' \
    '</route-tables>' 'not well-formed'
bad unknown-element 's|<route-table id="rtb-web">|&<router/>|' \
    '<router/>' 'got router'
bad unknown-attribute 's|<route-table id="rtb-web">|<route-table id="rtb-web" color="red">|' \
    'color="red"' 'color'
bad missing-attribute 's|<route-table id="rtb-web">|<route-table>|' \
    '<route-table>$' 'lacks the required attribute id'
bad bad-value 's|status="active"|status="happy"|' \
    'status="happy"' 'value'
bad dangling-reference 's|target="tgw-1"|target="tgw-9"|' \
    'tgw-9' '"tgw-9" is not a'
bad dangling-target 's|traffic-mirror-target="tmt-collector"|traffic-mirror-target="tmt-gone"|' \
    'virtual-network-id="100"' 'no traffic-mirror-target "tmt-gone"'
bad wrong-kind 's|route-table="rtb-app"|route-table="acl-app"|' \
    'route-table="acl-app"' 'is a network-acl'
bad duplicate-id 's|<security-group id="sg-web">|<security-group id="sg-app"> |' \
    '<security-group id="sg-app"> $' 'duplicate id "sg-app"'
bad malformed-cidr 's|<route destination="10.2.0.0/16" target="pcx-app-tools"/>|<route destination="10.2.0.0/40" target="pcx-app-tools"/>|' \
    '10.2.0.0/40' '10.2.0.0/40'
bad host-bits 's|<route destination="10.2.0.0/16" target="tgw-1"/>|<route destination="10.2.0.1/16" target="tgw-1"/>|' \
    '10.2.0.1/16' 'did you mean 10.2.0.0/16'
bad malformed-ip 's|<port network-interface="eni-app" name="vif-app"/>|<port network-interface="eni-app" name="vif-app"/><port network-interface="eni-web" name="x"/>|; s|underlay-ip="192.168.100.1"|underlay-ip="192.168.100.256"|' \
    '192.168.100.256' '192.168.100.256'
bad address-outside-subnet 's|<vpc-peering id="pcx-app-tools"|<vpc-peering id="pcx-app-tools"|; s|<route-table id="rtb-tools">|<network-interface id="eni-x" subnet="subnet-tools" ip="10.2.9.9"/><route-table id="rtb-tools">|' \
    'eni-x' 'not in subnet subnet-tools'
bad overlapping-peering 's|<vpc id="vpc-tools" cidr="10.2.0.0/16">|<vpc id="vpc-tools" cidr="10.2.0.0/16"><cidr-block cidr="10.0.128.0/17"/>|' \
    'accepter-vpc="vpc-tools" status="active"' 'overlap'
bad not-shared 's|<network-interface id="eni-web" subnet="subnet-web"|<network-interface id="eni-web" subnet="subnet-tools"|; s|ip="10.1.1.20"|ip="10.2.1.20"|' \
    'instance-type="c5.large"' 'not shared with account 111111111111'

# A file that does not exist.
status=0
"$tmsim" check "$tmp/nonexistent.xml" 2> "$tmp/err" || status=$?
if test $status = 2 && grep -q "nonexistent.xml: cannot open" "$tmp/err"; then
    passed=$((passed + 1))
else
    echo "nonexistent file: status $status" >&2; failed=$((failed + 1))
fi

# Bad usage.
usage() {
    status=0
    "$tmsim" "$@" > /dev/null 2> "$tmp/err" || status=$?
    if test $status = 2 && test -s "$tmp/err"; then
        passed=$((passed + 1))
    else
        echo "tm-sim $*: expected exit status 2 and a message, got" \
             "$status" >&2
        failed=$((failed + 1))
    fi
}
usage
usage check
usage check "$good" extra
usage frobnicate "$good"
usage check "$good" --format=xml
usage check "$good" --session=tms-nope
usage check "$good" --no-such-option
"$tmsim" --help | grep -q '^usage:' && passed=$((passed + 1)) \
    || { echo "--help" >&2; failed=$((failed + 1)); }

echo "sim-bad-input.sh: $passed passed, $failed failed"
test $failed = 0
