#! /bin/sh
# Unpacks, patches and builds the Open vSwitch that ovs-tmirror links against
# and runs in its sandboxes, unless an up-to-date build is already there.
#
# Usage: utilities/ovs-build.sh TARBALL PATCHDIR DESTDIR
#
#   TARBALL   Open vSwitch source tarball (default build: Debian's
#             /usr/src/openvswitch/openvswitch.tar.gz, OVS 3.1.0).
#   PATCHDIR  folder whose *.patch files are applied in name order
#             (ovs-plugin/patches); it may hold none.
#   DESTDIR   where the tree is unpacked and built, in place.
#
# The build is keyed by the SHA-256 of the tarball, of every patch (name and
# contents) and of this script.  When DESTDIR/.ovs-build-key holds the same
# key the build is reused and nothing is printed.  The key is written only
# after a complete build, so an interrupted build is never reused.
#
# Environment: OVS_BUILD_JOBS (default: the number of online CPUs),
# OVS_BUILD_CFLAGS (default: -O2 -g).

set -e

case $1 in
    -h|--help)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
esac
if test $# != 3; then
    echo "usage: $0 TARBALL PATCHDIR DESTDIR (try --help)" >&2
    exit 1
fi
tarball=$1
patchdir=$2
dest=$3
# Absolute, since the patches are listed again from within DESTDIR.
case $patchdir in
    /*) ;;
    *) patchdir=$(cd "$patchdir" && pwd) || exit 1 ;;
esac
me=$(basename "$0")

if test ! -r "$tarball"; then
    echo "$me: $tarball: not found; install Debian's openvswitch-source" \
         "(utilities/install-deps.sh) or configure --with-ovs-source" >&2
    exit 1
fi

key=$( { sha256sum < "$tarball"
         sha256sum < "$0"
         echo "${OVS_BUILD_CFLAGS:--O2 -g}"
         for p in "$patchdir"/*.patch; do
             test -e "$p" || continue
             echo "$(basename "$p")"
             sha256sum < "$p"
         done
       } | sha256sum | cut -d' ' -f1)

if test -f "$dest/.ovs-build-key" \
        && test "$(cat "$dest/.ovs-build-key")" = "$key"; then
    exit 0
fi

jobs=${OVS_BUILD_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
# Run by make, we would inherit its job server; OVS's build gets its own.
unset MAKEFLAGS MFLAGS MAKELEVEL
log=$dest.log
echo "$me: building Open vSwitch in $dest (a few minutes; log: $log)"

rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xzf "$tarball" -C "$dest.tmp"
top=$(ls "$dest.tmp")
if test "$(echo "$top" | wc -l)" != 1 || test ! -f "$dest.tmp/$top/configure.ac"; then
    echo "$me: $tarball does not hold one Open vSwitch source tree" >&2
    exit 1
fi
mv "$dest.tmp/$top" "$dest"
rmdir "$dest.tmp"

for p in "$patchdir"/*.patch; do
    test -e "$p" || continue
    echo "$me: applying $(basename "$p")"
    if ! (cd "$dest" && patch -p1 --batch --quiet) < "$p" > "$log" 2>&1; then
        cat "$log" >&2
        echo "$me: $p does not apply to $tarball" >&2
        exit 1
    fi
done

fail() {
    tail -n 40 "$log" >&2
    echo "$me: $1 failed; the whole log is in $log" >&2
    exit 1
}

echo "$me: configuring"
(cd "$dest" \
 && { test -x configure && ! ls "$patchdir"/*.patch >/dev/null 2>&1 \
      || ./boot.sh; } \
 && ./configure --enable-silent-rules CFLAGS="${OVS_BUILD_CFLAGS:--O2 -g}") \
    > "$log" 2>&1 || fail "configure"

# Only what ovs-tmirror uses: the library, the switch, the database and the
# utilities.  OVS's own test programs are left out to save minutes.
targets="lib/libopenvswitch.la ofproto/libofproto.la
         vswitchd/ovs-vswitchd ovsdb/ovsdb-server ovsdb/ovsdb-tool
         ovsdb/ovsdb-client utilities/ovs-vsctl utilities/ovs-ofctl
         utilities/ovs-appctl utilities/ovs-dpctl utilities/ovs-pcap
         vswitchd/vswitch.ovsschema"
built=$(cd "$dest" && printf 'tm-print-built:\n\t@echo $(BUILT_SOURCES)\n' \
        | make -s -f Makefile -f - tm-print-built)
echo "$me: compiling with $jobs jobs"
(cd "$dest" && make -j"$jobs" $built && make -j"$jobs" $targets) 2>&1 | tee -a "$log" \
    | awk '/^  CC/ { n++; if (n % 100 == 0) {
               printf "'"$me"': %d files compiled\n", n; fflush() } }'
grep -q '^make.*Error' "$log" && fail "make"
test -x "$dest/vswitchd/ovs-vswitchd" || fail "make"

echo "$key" > "$dest/.ovs-build-key"
echo "$me: done"
