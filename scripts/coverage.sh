#!/bin/sh
# SPDX-License-Identifier: MIT
# Line coverage of src/ from a build configured with ACTFN_COVERAGE=ON whose tests have
# run. Prints the summary, writes BUILD/coverage-html, fails below the threshold.
# usage: coverage.sh BUILD_DIR THRESHOLD_PERCENT
set -eu
build=${1:?usage: coverage.sh BUILD_DIR THRESHOLD}
threshold=${2:?usage: coverage.sh BUILD_DIR THRESHOLD}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
# lcov 1.16 under the newer gcov prints perl "redefined" warnings: noise, dropped.
lcov --quiet --capture --directory "$build" --output-file "$build/all.info" 2>&1 | grep -v "redefined at" >&2 || true
lcov --quiet --extract "$build/all.info" "$source_dir/src/*" --output-file "$build/src.info"
# The vector layer of an ISA this CPU lacks cannot run here; it is checked against the
# reference on CPUs that have it (tests/test_api.c) and is left out of this figure.
if ! grep -qw avx512f /proc/cpuinfo; then
    echo "not counted: src/vec/avx512.h (this CPU has no AVX-512, so it cannot run here)"
    lcov --quiet --remove "$build/src.info" "$source_dir/src/vec/avx512.h" \
        --output-file "$build/src.info"
fi
genhtml --quiet "$build/src.info" --output-directory "$build/coverage-html"
summary=$(lcov --summary "$build/src.info" 2>&1)
echo "$summary"
percent=$(echo "$summary" | sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p')
echo "line coverage of src/: $percent% (threshold $threshold%)"
awk -v p="$percent" -v t="$threshold" 'BEGIN { exit !(p >= t) }'
