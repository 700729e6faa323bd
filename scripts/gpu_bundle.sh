#!/bin/sh
# SPDX-License-Identifier: MIT
# Gathers what scripts/gpu_check.sh runs from a build with the CUDA kernels into one folder
# of plain files, without debug information, for a GPU machine that has CUDA but not this
# machine's libraries (cmocka).
# usage: scripts/gpu_bundle.sh BUILD DIR
set -eu
build=$1 dir=$2
mkdir -p "$dir"
for f in libactfn.so.0 libactfn_cuda.so tests/test_cuda tests/cuda_sweep; do
    cp -L "$build/$f" "$dir/"
    strip --strip-debug "$dir/$(basename "$f")"
done
for library in $(ldd "$build/tests/test_cuda" | awk '/cmocka/ { print $3 }'); do
    cp -L "$library" "$dir/"
done
ls -l "$dir"
