#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: actfn against memcpy and its peers, one thread and all threads; writes
# bench/RESULTS.md and bench/throughput.png. usage: run.sh BUILD_DIR [MAX_N]
set -eu
build=${1:?usage: run.sh BUILD_DIR [MAX_N]}
max_n=${2:-67108864}
here=$(cd "$(dirname "$0")" && pwd)
data="$build/bench_measurements.tsv"
: >"$data"
echo "one thread..." >&2
OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 "$build/bench/bench_peers" 1 "$max_n" | tee -a "$data"
OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 "$build/bench/bench_narrow" 1 "$max_n" | tee -a "$data"
OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 "$build/bench/bench_layers" 1 "$max_n" | tee -a "$data"
OMP_NUM_THREADS=1 ACTFN_NUM_THREADS=1 /usr/bin/python3 "$here/peers.py" 1 "$max_n" | tee -a "$data"
echo "all threads..." >&2
"$build/bench/bench_peers" 0 "$max_n" | tee -a "$data"
"$build/bench/bench_narrow" 0 "$max_n" | tee -a "$data"
"$build/bench/bench_layers" 0 "$max_n" | tee -a "$data"
/usr/bin/python3 "$here/peers.py" 0 "$max_n" | tee -a "$data"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), actfn ISA $("$build/tools/actfn" info --isa)"
/usr/bin/python3 "$here/report.py" "$data" "$machine" >"$here/RESULTS.md"
"$build/bench/bench_plot" "$data" "$here/throughput.png"
echo "wrote $here/RESULTS.md and $here/throughput.png" >&2
