# pcap-expect.awk PORTS PACKETS: what sending each packet of PACKETS (as
# "tm-flowgen packets" prints them: in_port, hex, the reference evaluator's
# copies or "none", a description) into the sandbox of PORTS (as
# "tm-flowgen ports" prints them) must cause, written to three files of
# the current folder:
#   expected   each copy, in the order sent: "vni=V,src=S,dst=D HEX", HEX
#              being the bytes of the packet that the copy carries
#   mirrored   each copy's VNI and the length of the packet it carries
#   originals  "PORT HEX" for each port the packet must reach: the port
#              whose MAC is its destination, or, for a broadcast, every
#              port; never the one it came from
NR == FNR {
    name[$2] = $1
    mac[$2] = $3
    ofport[++n_ports] = $2
    next
}
{
    in_port = $1
    hex = $2
    if ($3 != "none") {
        n = split($3, copies, ";")
        for (i = 1; i <= n; i++) {
            p = index(copies[i], ",len=")
            len = substr(copies[i], p + 5) + 0
            print substr(copies[i], 1, p - 1), substr(hex, 1, len * 2) \
                > "expected"
            vni = substr(copies[i], 5)
            sub(/,.*/, "", vni)
            print vni, length(hex) / 2 > "mirrored"
        }
    }
    dst = substr(hex, 1, 2)
    for (i = 3; i <= 11; i += 2) {
        dst = dst ":" substr(hex, i, 2)
    }
    for (i = 1; i <= n_ports; i++) {
        p = ofport[i]
        if (p != in_port && (dst == "ff:ff:ff:ff:ff:ff" || mac[p] == dst)) {
            print name[p], hex > "originals"
        }
    }
}
