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

# A small topology that every case below edits: one VPC (IPv4 and IPv6),
# a source and two targets, one session, one hypervisor.  It is reachable.
cat > "$tmp/base.xml" <<'END'
<?xml version="1.0" encoding="UTF-8"?>
<topology xmlns="urn:ovs-tmirror:topology:1">
  <account id="111111111111">
    <vpc id="vpc-a" cidr="10.0.0.0/16">
      <cidr-block cidr="2001:db8::/56"/>
      <subnet id="subnet-a" cidr="10.0.1.0/24"/>
      <subnet id="subnet-v6" cidr="2001:db8::/64"/>
      <security-group id="sg-t">
        <rule direction="ingress" protocol="-1" cidr="0.0.0.0/0"/>
        <rule direction="ingress" protocol="-1" cidr="::/0"/>
      </security-group>
      <network-interface id="eni-src" subnet="subnet-a" ip="10.0.1.10"
                         mac="02:00:00:00:00:01"/>
      <network-interface id="eni-src6" subnet="subnet-v6" ip="2001:db8::10"
                         mac="02:00:00:00:00:04"/>
      <network-interface id="eni-dst" subnet="subnet-a" ip="10.0.1.20"
                         mac="02:00:00:00:00:02" security-groups="sg-t"/>
      <network-interface id="eni-v6" subnet="subnet-v6" ip="2001:db8::20"
                         mac="02:00:00:00:00:03" security-groups="sg-t"/>
    </vpc>
    <traffic-mirror-target id="tmt-1" network-interface="eni-dst"/>
    <traffic-mirror-target id="tmt-v6" network-interface="eni-v6"/>
    <traffic-mirror-filter id="tmf-1">
      <rule direction="ingress" rule-number="10" rule-action="accept"
            source-cidr="0.0.0.0/0" destination-cidr="0.0.0.0/0"/>
    </traffic-mirror-filter>
    <traffic-mirror-session id="tms-1" network-interface="eni-src"
                            traffic-mirror-target="tmt-1"
                            traffic-mirror-filter="tmf-1"
                            session-number="1"/>
  </account>
  <hypervisor id="hv1" bridge="br-int" underlay-ip="192.168.100.1">
    <port network-interface="eni-src" name="vif-src"/>
    <port network-interface="eni-src6" name="vif-src6"/>
  </hypervisor>
</topology>
END

# edit NAME SED-SCRIPT: makes $tmp/NAME.xml from the base topology.
edit() {
    sed "$2" "$tmp/base.xml" > "$tmp/$1.xml"
    if cmp -s "$tmp/base.xml" "$tmp/$1.xml"; then
        echo "$me: $1: the edit changed nothing" >&2
        failed=$((failed + 1))
    fi
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

# ---- Nothing read from a file can forge a line. ----

# refused NAME LINE MESSAGE: "check" and "flows" of $tmp/NAME.xml both exit
# 2 with one line on standard error, "NAME.xml:LINE: ...MESSAGE...", and
# print nothing.
refused() {
    for command in check flows; do
        run "$tmsim" $command "$tmp/$1.xml"
        check "$1: $command exits 2 (got $status)" test $status = 2
        check "$1: $command prints nothing" test ! -s "$tmp/out"
        check "$1: $command says one line" \
            test "$(wc -l < "$tmp/err")" = 1
        check "$1: $command says \"$1.xml:$2: ...$3\"" \
            grep -q -F -e "$1.xml:$2: " "$tmp/err"
        check "$1: $command says \"$3\"" grep -q -F -e "$3" "$tmp/err"
    done
}
edit id-newline 's/id="tms-1"/id="tms-1\&#10;Session tms-2: reachable"/'
refused id-newline 30 '"tms-1\nSession tms-2: reachable" is not an id'
edit ref-newline 's/traffic-mirror-filter="tmf-1"/traffic-mirror-filter="tmf-1\&#10;x"/'
refused ref-newline 30 'traffic-mirror-filter: "tmf-1\nx" is not an id'
edit bridge-newline 's/bridge="br-int"/bridge="br-int\&#10;table=0,actions=drop"/'
refused bridge-newline 32 '"br-int\ntable=0,actions=drop" has white space'
edit port-cr 's/name="vif-src"/name="vif-src\&#13;"/'
refused port-cr 33 'port name: "vif-src\r" has white space'
edit zone-tab 's/<subnet id="subnet-a"/& availability-zone="az1\&#9;x"/'
refused zone-tab 6 'availability-zone: "az1\tx" has white space'
# (A line separator: the schema refuses every separator and control
# character of Unicode, not only ASCII's.)
edit region-ls 's/<topology /&region="us-east-1\&#x2028;x" /'
refused region-ls 2 'Invalid attribute region for element topology'
edit id-quote 's/id="eni-dst"/id="eni-\&quot;dst"/'
refused id-quote 17 '"eni-\"dst" is not an id'
# An id may be an ARN or a host name.
edit arn 's/id="tmt-1"/id="arn:aws:ec2:us-east-1:111111111111:traffic-mirror-target\/tmt-1"/
          s/traffic-mirror-target="tmt-1"/traffic-mirror-target="arn:aws:ec2:us-east-1:111111111111:traffic-mirror-target\/tmt-1"/
          s/<hypervisor id="hv1"/<hypervisor id="hv1.example.com"/'
run "$tmsim" flows "$tmp/arn.xml"
check "ARN and host name ids (got $status)" test $status = 0
check "ARN and host name ids: one hypervisor" \
    grep -q '^# hypervisor hv1.example.com, bridge br-int' "$tmp/out"

# ---- White space and lists: the schema and the loader agree. ----

edit ref-spaces 's/network-interface="eni-src"$/network-interface="  eni-src  "/'
refused ref-spaces 30 'network-interface: "  eni-src  " is not an id'
edit ofport-spaces 's/name="vif-src"/& ofport=" 7 "/'
refused ofport-spaces 33 'port ofport: " 7 " is not an integer'
edit cidr-space 's/cidr="10.0.1.0\/24"/cidr="10.0.1.0\/24 "/'
refused cidr-space 6 'subnet cidr: "10.0.1.0/24 " has white space around it'
edit list-quote 's/security-groups="sg-t"/security-groups="sg-t \&quot;sg-u"/'
refused list-quote 17 'security-groups: "\"sg-u" is not an id'
check "list-quote: no warning" sh -c "! grep -q -i -e warn -e unterminated '$tmp/err'"
# Any XML white space separates the items of a list, around them too.
edit list-spaces 's/security-groups="sg-t"/security-groups="\&#9; sg-t\&#10; "/'
run "$tmsim" check "$tmp/list-spaces.xml"
check "list-spaces: reachable (got $status)" test $status = 0
check "list-spaces: nothing on standard error" test ! -s "$tmp/err"

# ---- A document type could change how values read: refused. ----

# doctype NAME LINE DOCTYPE [SED-SCRIPT]: the base topology with DOCTYPE
# after its first line (and SED-SCRIPT applied) is refused at line LINE.
doctype() {
    { sed -n 1p "$tmp/base.xml"; printf '%s\n' "$3"
      sed -n '2,$p' "$tmp/base.xml"; } | sed "${4:-s/x/x/}" > "$tmp/$1.xml"
    run "$tmsim" check "$tmp/$1.xml"
    fails "$1" "$1.xml:$2: DOCTYPE: a topology file takes no document type"
}
doctype doctype-entity 2 '<!DOCTYPE topology [ <!ENTITY x "789"> ]>' \
    's/protocol="-1" cidr="0.0.0.0\/0"/protocol="17" from-port="4\&x;" to-port="4\&x;" cidr="0.0.0.0\/0"/'
doctype doctype-attlist 2 '<!DOCTYPE topology [
<!ATTLIST traffic-mirror-session packet-length CDATA "20"> ]>'
doctype doctype-system 2 '<!DOCTYPE topology SYSTEM "topology.dtd">'
doctype doctype-bare 2 '<!DOCTYPE topology>'

# Without a document type, only XML's own entities and character
# references exist, and they read whole: the same verdict however a value
# is spelled.
edit spelled-plain 's/protocol="-1" cidr="0.0.0.0\/0"/protocol="17" from-port="4789" to-port="4789" cidr="0.0.0.0\/0"/'
edit spelled-refs 's/protocol="-1" cidr="0.0.0.0\/0"/protocol="1\&#55;" from-port="4\&#x37;89" to-port="\&#52;789" cidr="0.0.0.0\/0"/'
run "$tmsim" check "$tmp/spelled-plain.xml" --format=json
sed 's/spelled-plain/spelled/' "$tmp/out" > "$tmp/plain.json"
run "$tmsim" check "$tmp/spelled-refs.xml" --format=json
sed 's/spelled-refs/spelled/' "$tmp/out" > "$tmp/refs.json"
check "character references: reachable (got $status)" test $status = 0
check "character references: the same report" \
    cmp -s "$tmp/plain.json" "$tmp/refs.json"
edit undeclared 's/session-number="1"/session-number="\&one;"/'
run "$tmsim" check "$tmp/undeclared.xml"
fails "undeclared entity" "undeclared.xml:30: not well-formed XML: Entity 'one' not defined"

# ---- Standard input and pipes: read, up to a size. ----

status=0
"$tmsim" check - < "$tmp/base.xml" > "$tmp/out" 2> "$tmp/err" || status=$?
check "check - < file (got $status)" test $status = 0
check "check - < file: named" grep -q '^standard input: 1 session' \
    "$tmp/out"
status=0
cat "$tmp/base.xml" | "$tmsim" check /dev/stdin > /dev/null 2>&1 \
    || status=$?
check "a pipe (got $status)" test $status = 0
status=0
head -c 65M /dev/zero | "$tmsim" check - > /dev/null 2> "$tmp/err" \
    || status=$?
fails "65 MiB on standard input" "standard input: more than the 64 MiB"
status=0
yes '<!-- -->' | "$tmsim" check /dev/stdin > /dev/null 2> "$tmp/err" \
    || status=$?
fails "an endless pipe" "/dev/stdin: more than the 64 MiB"
run "$tmsim" check "$tmp"
fails "a folder" "read error: Is a directory"

# ---- "check" and "flows" agree: what cannot be compiled is invalid. ----

# agree NAME CODE: check finds session tms-1 of $tmp/NAME.xml invalid with
# CODE and says how to fix it, and flows, with either backend, leaves it out
# for that reason (exit status 1) rather than finding one of its own.
agree() {
    run "$tmsim" check "$tmp/$1.xml" --format=json
    check "$1: check exits 1 (got $status)" test $status = 1
    check "$1: invalid" grep -q '"verdict": "invalid"' "$tmp/out"
    check "$1: $2" grep -q "\"code\": \"$2\"" "$tmp/out"
    check "$1: a fix" grep -q '"fix": "[a-z]' "$tmp/out"
    for backend in native vxlan-mirror; do
        run "$tmsim" flows "$tmp/$1.xml" --backend=$backend
        check "$1: flows --backend=$backend exits 1 (got $status)" \
            test $status = 1
        check "$1: flows --backend=$backend names $2" grep -q -F \
            "session tms-1 left out of the flows: invalid: $2" "$tmp/err"
    done
}
edit plen1 's/session-number="1"/& packet-length="1"/'
agree plen1 COPY_TOO_SHORT
edit plen13 's/session-number="1"/& packet-length="13"/'
agree plen13 COPY_TOO_SHORT
edit family 's/traffic-mirror-target="tmt-1"/traffic-mirror-target="tmt-v6"/'
agree family COPY_FAMILY_MISMATCH
edit mtu-v6 's/ip="2001:db8::20"/& mtu="87"/
             s/network-interface="eni-src"$/network-interface="eni-src6"/
             s/traffic-mirror-target="tmt-1"/traffic-mirror-target="tmt-v6"/'
agree mtu-v6 COPY_TOO_SHORT

# Just within: 14 bytes, and an IPv6 target of MTU 88.
edit plen14 's/session-number="1"/& packet-length="14"/'
edit mtu-v6-88 's/ip="2001:db8::20"/& mtu="88"/
                s/network-interface="eni-src"$/network-interface="eni-src6"/
                s/traffic-mirror-target="tmt-1"/traffic-mirror-target="tmt-v6"/'
for t in base plen14 mtu-v6-88; do
    run "$tmsim" check "$tmp/$t.xml"
    check "$t: reachable (got $status)" test $status = 0
    for backend in native vxlan-mirror; do
        run "$tmsim" flows "$tmp/$t.xml" --backend=$backend
        check "$t: flows --backend=$backend (got $status)" test $status = 0
    done
done

check_summary
