#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs actfn into a temporary prefix, builds programs against it (consumer_test.sh:
# pkg-config, CMake) and checks what was installed. usage: install_test.sh BUILD_DIR
set -eu
build=${1:?usage: install_test.sh BUILD_DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
"$source_dir/tests/consumer_test.sh" "$prefix" "$prefix/consumer"
test -f "$prefix/share/man/man1/actfn.1" # the man page
grep -q "MIT License" "$prefix/share/doc/actfn/LICENSE" # the licence, and its name in
consumer_files=$(find "$prefix" -name actfn.pc -o -name actfnConfig.cmake -o -name actfn.h)
[ "$(echo "$consumer_files" | wc -l)" -eq 3 ] || { echo "install test: $consumer_files" >&2; exit 1; }
for file in $consumer_files; do # each file a consumer reads
    grep -q "SPDX-License-Identifier: MIT" "$file" || {
        echo "install test: $file does not name the licence" >&2
        exit 1
    }
done
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
echo "install test: 1 passed, 0 failed"
