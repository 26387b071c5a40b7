# pcap-counters.awk IDS MIRRORED COUNTERS: the vxlan_mirror counters of each
# VNI's sessions, summed, must hold the packets mirrored with that VNI and
# their bytes as sent.  IDS has a line "VNI ID" for each vxlan_mirror
# action of the flows, MIRRORED a line "VNI LENGTH" for each copy expected
# (pcap-expect.awk's), COUNTERS is what "ovs-ofctl
# dump-vxlan-mirror-stats" printed.  Prints each difference, and exits 1
# if there is one.
FILENAME ~ /ids$/ {
    vni_of[$2] = $1
    next
}
FILENAME ~ /mirrored$/ {
    want_p[$1]++
    want_b[$1] += $2
    next
}
/^ id=/ {
    split(substr($0, 2), f, /[=,]/)
    vni = vni_of[f[2]]
    got_p[vni] += f[6]
    got_b[vni] += f[8]
    next
}
END {
    for (v in want_p) {
        if (got_p[v] != want_p[v] || got_b[v] != want_b[v]) {
            printf "VNI %s: counted %d packets, %d bytes; mirrored %d, %d\n", \
                   v, got_p[v], got_b[v], want_p[v], want_b[v]
            bad = 1
        }
    }
    for (v in got_p) {
        if (!(v in want_p) && got_p[v]) {
            printf "VNI %s: counted %d packets, mirrored none\n", v, got_p[v]
            bad = 1
        }
    }
    exit bad
}
