# trace-copies.awk -v backend=BACKEND -v peer=DP-PORT: the copies in the
# datapath actions of the ofproto/trace outputs on standard input, each
# preceded by a line "==== LENGTH" (the length of the packet traced), one
# line per packet in the form of tm-flowgen's expectations (sorted as
# tm-flowgen sorts them, or "none").
#
# Native backend: each tnl_push() with the trunc() just before it (in the
# same clone()) is one copy.  vxlan_mirror: each vxlan_mirror(max_len=N,
# eth(...),ipv4(...) or ipv6(...),vni=V) is one, with N bytes of the frame
# (all if 0), and the datapath actions after it in its clone() (or after
# it at the end, when the clone() was the last action and so needs no
# wrapper) must be the output to the peer's datapath port DP-PORT, or the
# copy says where it went.
function hex(s,    i, v) {
    v = 0
    for (i = 1; i <= length(s); i++) {
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    }
    return v
}
function native_copy(prev, seg,    len, t, v, s, d, u, c) {
    len = frame_len
    if (prev ~ /trunc\([0-9]+\),$/) {
        t = prev
        sub(/.*trunc\(/, "", t)
        sub(/\),$/, "", t)
        if (t + 0 < len) {
            len = t + 0
        }
    }
    v = seg; sub(/.*vni=0x/, "", v); sub(/[^0-9a-f].*/, "", v)
    s = seg; sub(/.*ipv4\(src=/, "", s); sub(/,.*/, "", s)
    d = seg; sub(/.*ipv4\(src=[^,]*,dst=/, "", d); sub(/,.*/, "", d)
    u = seg; sub(/.*udp\(src=[0-9]*,dst=/, "", u); sub(/[^0-9].*/, "", u)
    c = "vni=" hex(v) ",src=" s ",dst=" d ",len=" len
    if (u != 4789) {
        c = c ",udp=" u
    }
    return c
}
function vxlan_mirror_copy(seg,    len, m, s, d, v, c, rest) {
    len = frame_len
    m = seg; sub(/^max_len=/, "", m); sub(/[^0-9].*/, "", m)
    if (m + 0 > 0 && m + 0 < len) {
        len = m + 0
    }
    s = seg; sub(/.*ipv[46]\(src=/, "", s); sub(/,.*/, "", s)
    d = seg; sub(/.*ipv[46]\(src=[^,]*,dst=/, "", d); sub(/\).*/, "", d)
    v = seg; sub(/.*vni=/, "", v); sub(/[^0-9].*/, "", v)
    c = "vni=" v ",src=" s ",dst=" d ",len=" len
    rest = seg; sub(/^.*vni=[0-9]*\)/, "", rest)
    if (rest !~ ("^," peer "(\\)|$)")) {
        c = c ",then=" substr(rest, 1, 40)
    }
    return c
}
/^==== / { frame_len = $2; next }
/^Datapath actions:/ {
    if (backend == "native") {
        n = split($0, parts, "tnl_push\\(")
    } else {
        n = split($0, parts, "vxlan_mirror\\(")
    }
    for (i = 2; i <= n; i++) {
        if (backend == "native") {
            copies[i - 1] = native_copy(parts[i - 1], parts[i])
        } else {
            copies[i - 1] = vxlan_mirror_copy(parts[i])
        }
    }
    # Sort the copies (at most a handful) as tm-flowgen does.
    for (i = 1; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (copies[j] < copies[i]) {
                t = copies[i]; copies[i] = copies[j]; copies[j] = t
            }
        }
    }
    out = ""
    for (i = 1; i < n; i++) {
        out = out (i > 1 ? ";" : "") copies[i]
    }
    print (out == "" ? "none" : out)
}
