#!/bin/sh
# SPDX-License-Identifier: MIT
# actfn lab all --quick: every experiment end to end on a slice of Fashion-MNIST (a smoke
# test; its numbers mean nothing): each writes a report with a computed verdict and
# intervals, a results.csv with rows, and the figures its report links. Skipped (77)
# without the data set.
set -eu
actfn=$1
data=${ACTFN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ ! -e "$data/train-images-idx3-ubyte.gz" ]; then
    echo "lab_quick_test: no Fashion-MNIST in $data (dataset-fashion-mnist): skipped"
    exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$actfn" lab all --quick --out "$out" > "$out/reports"
count=0
for report in $(cat "$out/reports"); do
    dir=$(dirname "$report")
    name=$(basename "$dir")
    grep -q '\*\*Verdict\.\*\*' "$report" || { echo "$name: no verdict"; exit 1; }
    [ "$(wc -l < "$dir/results.csv")" -gt 1 ] || { echo "$name: empty results.csv"; exit 1; }
    for figure in $(grep -o '([a-z0-9-]*\.png)' "$report" | tr -d '()'); do
        [ -s "$dir/$figure" ] || { echo "$name: $figure missing"; exit 1; }
    done
    count=$((count + 1))
done
for name in shootout vanishing dying cnn maxout output centred relu0; do
    grep -q "±\|\[" "$out/$name/report.md" ||
        { echo "$name: no interval in its report"; exit 1; }
done
[ "$count" -ge 11 ] || { echo "only $count reports"; exit 1; }
echo "lab_quick_test: $count reports"
