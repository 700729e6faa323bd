#!/bin/sh
# SPDX-License-Identifier: MIT
# The GPU checks, for a machine with a GPU (CI has none): tests/test_cuda (the GPU against
# the CPU), compute-sanitizer's memcheck over its lengths, offsets and layer ops,
# tests/cuda_sweep (every float input of the f32 kernels, forward and backward, against
# the reference on the device) and bench/bench_cuda.py (against the copy limit, PyTorch and
# cuDNN). Binaries come from a build here or elsewhere: scripts/gpu_bundle.sh gathers them.
#
# usage: scripts/gpu_check.sh DIR OUT [--no-bench]
#   DIR: test_cuda, cuda_sweep, libactfn.so.0, libactfn_cuda.so (and any shared library
#   they need that the machine lacks); OUT: where the logs and bench.md go.
set -u
dir=$(cd "$1" && pwd) out=$2
mkdir -p "$out"
export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export ACTFN_CUDA_LIBRARY="$dir/libactfn_cuda.so"
status=0
step() { # name command...: runs it, its output to OUT/name.log, and notes a failure
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$out/$name.log" 2>&1
    rc=$?
    echo "== $name: exit $rc in $(($(date +%s) - start)) s"
    tail -n 40 "$out/$name.log"
    [ $rc -eq 0 ] || status=1
}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
step test_cuda "$dir/test_cuda"
step sweep_forward "$dir/cuda_sweep"
step sweep_backward "$dir/cuda_sweep" --grad
TEST_FILTER='*offsets*' step memcheck_lengths compute-sanitizer --tool memcheck --error-exitcode 1 \
    "$dir/test_cuda"
TEST_FILTER='layer_ops' step memcheck_layers compute-sanitizer --tool memcheck --error-exitcode 1 \
    "$dir/test_cuda"
if [ "${3:-}" != "--no-bench" ]; then
    ACTFN_LIB="$dir/libactfn.so.0" PYTHONUNBUFFERED=1 step bench python3 \
        "$(dirname "$0")/../bench/bench_cuda.py"
    cp "$out/bench.log" "$out/bench.md"
fi
exit $status
