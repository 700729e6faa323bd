#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs actfn into a temporary prefix and builds a program against it twice: through
# pkg-config and through CMake's find_package. usage: install_test.sh BUILD_DIR
set -eu
build=${1:?usage: install_test.sh BUILD_DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig:$prefix/lib/aarch64-linux-gnu/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -o "$prefix/example" "$source_dir/examples/relu_example.c" $(pkg-config --cflags --libs actfn)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir actfn) "$prefix/example" | grep -q "^2 *2 *1$"
"$prefix/bin/actfn" eval relu -- -1 2 | grep -qx "0 2"
test -f "$prefix/share/man/man1/actfn.1" # the man page
grep -q "MIT License" "$prefix/share/doc/actfn/LICENSE" # the licence
test -f "$prefix/share/doc/actfn/semantics.md" # what the header points to
test -f "$prefix/share/doc/actfn/accuracy.md"
# a relocatable CMake config: no path from the build machine in the exported targets
if grep -rqs -- "$source_dir\|/usr/lib/[^ ]*libm" "$prefix"/lib*/cmake "$prefix"/lib/*/cmake; then
    echo "install test: the CMake config names a path of the build machine" >&2
    exit 1
fi
# no debug information in what a release build installs (a Debug build keeps it)
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$build/CMakeCache.txt"; then
    for binary in "$prefix"/lib*/libactfn.so.*.*.* "$prefix"/lib*/libactfn.a \
        "$prefix"/lib/*/libactfn.so.*.*.* "$prefix"/lib/*/libactfn.a "$prefix/bin/actfn"; do
        [ -e "$binary" ] || continue
        if readelf -S "$binary" | grep -q '\.debug_info'; then
            echo "install test: $binary has debug information" >&2
            exit 1
        fi
    done
fi
mkdir "$prefix/consumer"
cat >"$prefix/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(actfn REQUIRED)
add_executable(example $source_dir/examples/relu_example.c)
target_link_libraries(example PRIVATE actfn::actfn_static)
CMAKE
cmake -S "$prefix/consumer" -B "$prefix/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer/build" >/dev/null
"$prefix/consumer/build/example" | grep -q "^2 *2 *1$"
echo "install test: 1 passed, 0 failed"
