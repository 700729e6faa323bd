#!/bin/sh
# SPDX-License-Identifier: MIT
# Compiles and runs each C block of README.md as a program of its own: its #include lines
# first (with those of the C library a snippet uses), the rest as main's body, against the
# built library, with the warnings CI builds with. usage: readme_blocks.sh BUILD_DIR
set -eu
build=${1:?usage: readme_blocks.sh BUILD_DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# split the ```c blocks into work/block_N.c
awk -v dir="$work" '
    /^```c$/ { n++; inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > (dir "/block_" n ".c") }
' "$source_dir/README.md"
passed=0
for block in "$work"/block_*.c; do
    program="${block%.c}_main.c"
    {
        printf '#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <actfn.h>\n'
        grep '^#include' "$block" || true
        printf 'int main(void) {\n'
        grep -v '^#include' "$block"
        printf 'return 0;\n}\n'
    } >"$program"
    cc -std=c11 -Wall -Wextra -Werror -Wno-unused-variable -Wno-unused-but-set-variable \
        -I"$source_dir/include" -o "${block%.c}" "$program" "$build/libactfn.a" -lm -lpthread
    "${block%.c}" >/dev/null
    passed=$((passed + 1))
done
[ "$passed" -ge 3 ] || { echo "readme blocks: only $passed C blocks found" >&2; exit 1; }
echo "readme blocks: $passed passed, 0 failed"
