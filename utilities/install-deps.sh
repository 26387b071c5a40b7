#! /bin/sh
# Installs every Debian package that ovs-tmirror needs to build and test.
#
# Idempotent: when every package is already present it prints nothing and
# exits 0 without touching apt.  Run as root (or with sudo available).
#
# Usage: utilities/install-deps.sh [--quiet]

set -e

PACKAGES="
    autoconf automake libtool pkg-config make gcc patch python3
    libssl-dev libcap-ng-dev
    libxml2-dev libxml2-utils
    libcunit1-dev
    clang libclang-rt-14-dev
    openvswitch-source
    mininet iproute2 iputils-ping
    tshark valgrind netsniff-ng
    awscli
    prometheus prometheus-node-exporter
"

case $1 in
    -h|--help)
        sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
esac

missing=
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if test -z "$missing"; then
    exit 0
fi

SUDO=
if test "$(id -u)" != 0; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "$0: these packages are missing and I am not root:$missing" >&2
        exit 1
    fi
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo 'wireshark-common wireshark-common/install-setuid boolean false' \
    | $SUDO debconf-set-selections
log=$(mktemp)
if ! { $SUDO apt-get update -qq \
       && $SUDO apt-get install -y -qq --no-install-recommends $missing; } \
       >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "install-deps: apt-get failed" >&2
    exit 1
fi
rm -f "$log"
echo "install-deps: done"
