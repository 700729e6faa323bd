#!/bin/sh
# SPDX-License-Identifier: MIT
# Every source, build and script file names its licence in its first lines (SPDX), so a
# file copied out of the tree still says it is MIT. usage: check-spdx.sh
set -eu
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    files=$(git ls-files)
else
    files=$(find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||')
fi
missing=0
checked=0
for file in $files; do
    case "$file" in
    *.c | *.h | *.cu | *.py | *.sh | *.cmake | *.in | CMakeLists.txt | */CMakeLists.txt | Makefile | .ci/run) ;;
    *) continue ;;
    esac
    [ -f "$file" ] || continue
    checked=$((checked + 1))
    if ! head -n 3 "$file" | grep -q "SPDX-License-Identifier: MIT"; then
        echo "check-spdx: $file has no SPDX-License-Identifier: MIT in its first lines" >&2
        missing=$((missing + 1))
    fi
done
[ "$checked" -gt 100 ] || { echo "check-spdx: only $checked files found" >&2; exit 1; }
[ "$missing" -eq 0 ] || exit 1
echo "check-spdx: $checked files, each with its SPDX identifier"
