#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds examples/relu_example.c against an installed actfn twice, through pkg-config and
# through CMake's find_package (actfn::actfn, actfn::actfn_static), and runs each; runs the
# installed command. usage: consumer_test.sh PREFIX WORK_DIR
#   PREFIX: where actfn is installed (/usr for the Debian packages)
set -eu
prefix=${1:?usage: consumer_test.sh PREFIX WORK_DIR}
work=${2:?usage: consumer_test.sh PREFIX WORK_DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig:$prefix/lib/aarch64-linux-gnu/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -o "$work/example" "$source_dir/examples/relu_example.c" $(pkg-config --cflags --libs actfn)
libdir=$(pkg-config --variable=libdir actfn)
case "$(cd "$libdir" && pwd -P)" in
/usr/lib | /usr/lib/*-linux-gnu) "$work/example" ;; # the dynamic linker finds it alone
*) LD_LIBRARY_PATH=$libdir "$work/example" ;;
esac | grep -q "^2 *2 *1$"
"$prefix/bin/actfn" eval relu -- -1 2 | grep -qx "0 2"
for target in actfn actfn_static; do
    mkdir -p "$work/$target"
    cat >"$work/$target/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(actfn REQUIRED)
add_executable(example $source_dir/examples/relu_example.c)
target_link_libraries(example PRIVATE actfn::$target)
CMAKE
    cmake -S "$work/$target" -B "$work/$target/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$work/$target/build" >/dev/null
    LD_LIBRARY_PATH=$libdir "$work/$target/build/example" | grep -q "^2 *2 *1$"
done
