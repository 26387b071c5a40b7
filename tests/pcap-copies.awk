# pcap-copies.awk -v pcap=PORT ORIGINALS -: the copies that left through
# PORT, from the lines of standard input, each a frame captured there in
# hex (by ovs-pcap) followed by what tshark decodes of it (VNI, outer IP
# source and destination, UDP destination port), in the form of
# pcap-expect.awk's "expected".  The originals that ORIGINALS says PORT
# receives are not copies: each one is taken out once.
NR == FNR {
    if ($1 == pcap) {
        original[$2]++
    }
    next
}
original[$1] > 0 {
    original[$1]--
    next
}
{
    src = $3
    dst = $4
    port = $5
    sub(/,.*/, "", src)
    sub(/,.*/, "", dst)
    sub(/,.*/, "", port)
    if (port != 4789) {
        print "UDP port " port ", not 4789"
        next
    }
    print "vni=" $2 ",src=" src ",dst=" dst " " substr($1, 101)
}
