#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian packages (scripts/make-deb.sh): their fields and contents, then, as root,
# installed with apt, built against with pkg-config and CMake (consumer_test.sh), and
# purged again. Packages of actfn already installed on the machine are left alone: the
# test then checks the unpacked packages instead. usage: deb_test.sh DEB_DIR
set -eu
debs=$(cd "${1:?usage: deb_test.sh DEB_DIR}" && pwd) # apt takes a path, not a name
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
installed_here=""
cleanup() {
    # shellcheck disable=SC2086
    [ -z "$installed_here" ] || dpkg --purge $installed_here >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "deb test: $*" >&2
    exit 1
}
arch=$(dpkg --print-architecture)
library=$(ls "$debs"/libactfn0_*_"$arch".deb)
dev=$(ls "$debs"/libactfn-dev_*_"$arch".deb)
command=$(ls "$debs"/actfn_*_"$arch".deb)
field() { dpkg-deb -f "$1" "$2"; }
version=$(field "$library" Version)
# the soname's package, its symbols file and ldconfig trigger
dpkg-deb -c "$library" | grep "libactfn.so.0 -> libactfn.so.0" >/dev/null || fail "no libactfn.so.0 link"
dpkg-deb --ctrl-tarfile "$library" | tar -tf - | grep -x "./symbols" >/dev/null || fail "no symbols file"
dpkg-deb --ctrl-tarfile "$library" | tar -xOf - ./symbols | grep "^libactfn.so.0 libactfn0 " >/dev/null ||
    fail "the symbols file names another soname or package"
dpkg-deb --ctrl-tarfile "$library" | tar -xOf - ./triggers | grep -x "activate-noawait ldconfig" >/dev/null ||
    fail "no ldconfig trigger"
# each symbol the library exports is in the symbols file
mkdir "$work/library"
dpkg-deb -x "$library" "$work/library"
nm -D --defined-only "$work"/library/usr/lib/*/libactfn.so.0 | awk '{print $3}' | sort >"$work/exported"
dpkg-deb --ctrl-tarfile "$library" | tar -xOf - ./symbols | sed -n 's/^ \([^@]*\)@Base .*/\1/p' |
    sort >"$work/listed"
cmp -s "$work/exported" "$work/listed" || fail "exported symbols and the symbols file differ"
# dependencies
field "$dev" Depends | grep -q "libactfn0 (= $version)" || fail "libactfn-dev must depend on libactfn0 (= $version)"
field "$library" Depends | grep -q "^libc6 (>= " || fail "libactfn0's Depends: $(field "$library" Depends)"
for needed in libc6 libopenblas0 libplplot zlib1g; do
    field "$command" Depends | grep -q "$needed" || fail "actfn does not depend on $needed"
done
for deb in "$library" "$dev" "$command"; do
    dpkg-deb -c "$deb" | grep "usr/share/doc/$(field "$deb" Package)/copyright" >/dev/null ||
        fail "$deb has no copyright file"
done
dpkg-deb -c "$dev" | grep "usr/include/actfn.h" >/dev/null || fail "no header in libactfn-dev"
dpkg-deb -c "$command" | grep "usr/share/man/man1/actfn.1.gz" >/dev/null || fail "no man page in actfn"

already=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' libactfn0 libactfn-dev actfn 2>/dev/null |
    awk '$2 == "installed" {print $1}')
if [ "$(id -u)" -eq 0 ] && [ -z "$already" ]; then
    export DEBIAN_FRONTEND=noninteractive
    installed_here="actfn libactfn-dev libactfn0"
    apt-get install -y -qq --no-install-recommends "$library" "$dev" "$command" >"$work/apt.log" 2>&1 || {
        cat "$work/apt.log" >&2
        fail "apt install of the packages failed"
    }
    dpkg -L libactfn0 | grep "/libactfn.so.0$" >/dev/null || fail "libactfn0 is not installed"
    "$source_dir/tests/consumer_test.sh" /usr "$work/consumer"
    how="installed with apt, built against through pkg-config and CMake, purged"
else
    # not root, or actfn already installed here: the packages unpacked into one tree
    for deb in "$library" "$dev" "$command"; do dpkg-deb -x "$deb" "$work/root"; done
    "$source_dir/tests/consumer_test.sh" "$work/root/usr" "$work/consumer"
    how="unpacked (not installed: ${already:+already installed }${already:-not root}), built against"
fi
echo "deb test: 3 packages checked, $how"
