#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the Debian packages of actfn from a release build installed into /usr:
#   libactfn0     the shared library (soname libactfn.so.0), with its symbols file
#   libactfn-dev  the header, libactfn.so, libactfn.a, pkg-config and CMake files, the docs
#   actfn         the command and its man page
# Depends come from dpkg-shlibdeps; the symbols of libactfn.so.0 must match
# packaging/libactfn0.symbols exactly (dpkg-gensymbols -c4), so that an exported function
# added or removed without updating that file fails the build. usage: make-deb.sh BUILD OUT
set -eu
build=${1:?usage: make-deb.sh BUILD_DIR OUT_DIR}
out=${2:?usage: make-deb.sh BUILD_DIR OUT_DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
for tool in dpkg-deb dpkg-shlibdeps dpkg-gensymbols; do
    command -v "$tool" >/dev/null || {
        echo "make-deb: $tool is missing (Debian's dpkg-dev)" >&2
        exit 1
    }
done
# A build of its own: Release, installed into /usr with Debian's multiarch libdir, no
# tests, no CUDA plugin (it would tie the packages to libcudart).
cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DACTFN_BUILD_TESTS=OFF -DACTFN_CUDA=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target actfn actfn_static_archive actfn_command >/dev/null
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
revision=1
full_version=$version-$revision

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
DESTDIR=$stage cmake --install "$build" >/dev/null

# Moves the staged paths (relative to $stage) into package $1's tree.
take() {
    package=$1
    shift
    for path in "$@"; do
        mkdir -p "$work/$package/$(dirname "$path")"
        mv "$stage/$path" "$work/$package/$path"
    done
}
take libactfn0 "usr/$libdir/libactfn.so.$version" "usr/$libdir/libactfn.so.${version%%.*}"
take libactfn-dev usr/include/actfn.h "usr/$libdir/libactfn.so" "usr/$libdir/libactfn.a" \
    "usr/$libdir/pkgconfig" "usr/$libdir/cmake" usr/share/doc/actfn
take actfn usr/bin/actfn usr/share/man/man1/actfn.1
left=$(cd "$stage" && find . -type f -o -type l)
if [ -n "$left" ]; then
    echo "make-deb: installed files in no package:" >&2
    echo "$left" >&2
    exit 1
fi
gzip -9n "$work/actfn/usr/share/man/man1/actfn.1"

# Debian's machine-readable copyright file, in every package.
for package in libactfn0 libactfn-dev actfn; do
    mkdir -p "$work/$package/usr/share/doc/$package" "$work/$package/DEBIAN"
    {
        echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
        echo "Upstream-Name: actfn"
        echo
        echo "Files: *"
        echo "Copyright: $(sed -n 's/^Copyright (c) //p' "$source_dir/LICENSE")"
        echo "License: Expat"
        sed -n '/^Permission/,$p' "$source_dir/LICENSE" | sed 's/^$/./; s/^/ /'
    } >"$work/$package/usr/share/doc/$package/copyright"
done

# The symbols file: generated from the library and compared with the one kept in the
# source tree; -c4 fails on any symbol added or lost.
mkdir -p "$work/debian"
printf 'Source: actfn\n\nPackage: libactfn0\nArchitecture: any\n\nPackage: libactfn-dev\nArchitecture: any\n\nPackage: actfn\nArchitecture: any\n' \
    >"$work/debian/control"
(cd "$work" && dpkg-gensymbols -plibactfn0 -Plibactfn0 -v"$version" \
    -I"$source_dir/packaging/libactfn0.symbols" -O"$work/libactfn0/DEBIAN/symbols" -c4 \
    -e"libactfn0/usr/$libdir/libactfn.so.$version" >"$work/gensymbols.log" 2>&1) || {
    cat "$work/gensymbols.log" >&2
    echo "make-deb: libactfn.so's symbols differ from packaging/libactfn0.symbols" >&2
    exit 1
}
printf 'activate-noawait ldconfig\n' >"$work/libactfn0/DEBIAN/triggers"

# Depends of the command, from the libraries it links (libactfn itself is linked in
# statically: the command runs with whichever libactfn0 is installed, or none).
depends_of() { # ELF files, relative to $work; prints a Depends value
    (cd "$work" && dpkg-shlibdeps -O -e"$@" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}
library_depends=$(depends_of "libactfn0/usr/$libdir/libactfn.so.$version")
command_depends=$(depends_of actfn/usr/bin/actfn)

installed_size() { du -sk --exclude=DEBIAN "$work/$1" | cut -f1; }
control() { # package, section, depends, multi-arch, description lines
    package=$1
    {
        echo "Package: $1"
        echo "Source: actfn"
        echo "Version: $full_version"
        echo "Architecture: $arch"
        echo "Maintainer: the actfn authors <actfn@localhost>"
        echo "Installed-Size: $(installed_size "$1")"
        echo "Depends: $3"
        if [ -n "$4" ]; then echo "Multi-Arch: $4"; fi
        echo "Section: $2"
        echo "Priority: optional"
        echo "Homepage: https://github.com/actfn/actfn"
        shift 4
        echo "Description: $1"
        shift
        for line in "$@"; do echo " $line"; done
    } >"$work/$package/DEBIAN/control"
}
control libactfn0 libs "$library_depends" same \
    "neural-network activation functions (ReLU family) - shared library" \
    "actfn evaluates ReLU and its family (leaky ReLU, ReLU6, PReLU, ELU, GELU, SiLU," \
    "softplus, sigmoid, tanh and more), forward and backward, with SIMD kernels chosen" \
    "at run time (SSE2, AVX2, AVX-512; NEON), f32, f64, f16, bf16 and int8, within" \
    "1 ULP of the exact result (16-bit results correctly rounded)."
control libactfn-dev libdevel "libactfn0 (= $full_version), libc6-dev" same \
    "neural-network activation functions (ReLU family) - development files" \
    "The header actfn.h, libactfn.so, the static library libactfn.a, pkg-config" \
    "(actfn.pc) and CMake (find_package(actfn): actfn::actfn, actfn::actfn_static)" \
    "files, and the semantics and accuracy documents."
control actfn science "$command_depends" "" \
    "neural-network activation functions (ReLU family) - command" \
    "actfn evaluates, plots and benchmarks activation functions, and runs the lab:" \
    "small networks trained on Fashion-MNIST that measure what is claimed of ReLU."

mkdir -p "$out"
for package in libactfn0 libactfn-dev actfn; do
    find "$work/$package" -type d -exec chmod 0755 {} +
    deb="$out/${package}_${full_version}_$arch.deb"
    dpkg-deb --root-owner-group -Zxz --build "$work/$package" "$deb" >/dev/null
    echo "$deb"
done
