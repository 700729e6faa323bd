#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each libFuzzer harness for SECONDS, from the seed corpus in fuzz/corpus/, and
# prints its executions. A crash, leak or sanitizer finding fails the run (the input is
# left as crash-* in the build directory). SEED 0 (the default): libFuzzer picks one;
# else its mutations follow that seed.
# usage: fuzz.sh BUILD_DIR SECONDS [SEED]
set -eu
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [SEED]}
seconds=${2:?usage: fuzz.sh BUILD_DIR SECONDS [SEED]}
seed=${3:-0}
build=$(cd "$build" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
for pair in fuzz_number:number fuzz_text:text fuzz_npy:npy fuzz_api:api fuzz_layers:layers; do
    harness=${pair%%:*} seeds=${pair#*:}
    corpus="$build/corpus/$seeds"
    mkdir -p "$corpus"
    log="$build/$harness.log"
    if ! (cd "$build" && "./fuzz/$harness" -max_total_time="$seconds" -seed="$seed" -print_final_stats=1 \
        -max_len=4096 -timeout=10 "corpus/$seeds" "$source_dir/fuzz/corpus/$seeds" >"$log" 2>&1); then
        # the finding's own lines, not the stack's frames (which pushed them out of view)
        grep -v '^ *#[0-9]' "$log" | tail -40
        echo "$harness: a finding (see $log)" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "$harness: $seconds s, $runs executions, no finding"
done
