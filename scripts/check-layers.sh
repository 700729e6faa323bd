#!/bin/sh
# SPDX-License-Identifier: MIT
# The arrows between src/'s folders run one way: a file may include headers of its own
# folder and of the folders after it in this order, never of one before it.
#   gpu -> layers -> api -> route -> cuda -> kernels -> vec -> spec
# (include/actfn.h and system headers are open to all). Prints every include that
# breaks the order and fails if there is one. Run by make test.
set -eu
cd "$(dirname "$0")/../src"
order="gpu layers api route cuda kernels vec spec"
rank() { i=0; for f in $order; do [ "$f" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0
for file in $(find . -name "*.[ch]" -o -name "*.cu" -o -name "*.cuh" | sed 's|^\./||' | sort); do
    folder=${file%%/*}
    from=$(rank "$folder")
    if [ "$from" -lt 0 ]; then echo "src/$file: not in a layer folder ($order)"; bad=1; continue; fi
    for target in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
        case "$target" in actfn.h) continue ;; esac
        case "$target" in */*) ;; *) echo "src/$file: #include \"$target\" names no folder"; bad=1; continue ;; esac
        to=$(rank "${target%%/*}")
        if [ "$to" -lt "$from" ]; then
            echo "src/$file: $folder/ may not include $target"
            bad=1
        fi
    done
done
[ $bad -eq 0 ] && echo "src/: includes run one way ($order)"
exit $bad
