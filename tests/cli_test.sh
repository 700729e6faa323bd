#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end tests of the actfn command: outputs and exit statuses.
# usage: cli_test.sh PATH_TO_ACTFN
actfn=${1:?usage: cli_test.sh PATH_TO_ACTFN}
actfn=$(cd "$(dirname "$actfn")" && pwd)/$(basename "$actfn")
. "$(dirname "$0")/cli_expect.sh"

input=
expect "the classic example" 0 "0 0 0 1 2" "$actfn" eval relu -- -2 -1 0 1 2
expect "its derivative" 0 "0 0 0 1 1" "$actfn" eval relu --grad -- -2 -1 0 1 2
expect "derivative 1 at zero" 0 "0 1 1" "$actfn" eval relu --grad --grad-at-zero 1 -- -1 0 1
expect "f16: ties to even, overflow" 0 "0 0 1.0009766 1 inf" "$actfn" eval relu --dtype f16 -- -2 -0 1.0009765625 1.00048828125 70000
expect "bf16 sigmoid, correctly rounded" 0 "0.73046875 0.119140625" "$actfn" eval sigmoid --dtype bf16 -- 1 -2
expect "bf16 derivative" 0 "0 0 1" "$actfn" eval relu --dtype bf16 --grad -- -1 0 1
expect_error "unknown dtype" 2 "unknown dtype 'f8'" "$actfn" eval relu --dtype f8 -- 1
expect "numbers without --" 0 "0 0 3" "$actfn" eval relu -2 0 3
expect "negative slope" 0 "-0.4 -0 2" "$actfn" eval leaky_relu --negative-slope 0.2 -- -2 -0 2
expect "shortest float text" 0 "0.7310586 0.5 0.26894143" "$actfn" eval sigmoid -- 1 0 -1
expect "shortest double text" 0 "0.7310585786300049" "$actfn" eval sigmoid --dtype f64 -- 1
expect "specials" 0 "nan 0 inf 0" "$actfn" eval relu -- nan -inf inf -0
expect "subnormal kept" 0 "1e-45" "$actfn" eval relu -- 1e-45
expect "gelu tanh by word" 0 "0.841192" "$actfn" eval gelu --approximate tanh -- 1
expect "clipped cap" 0 "0 1 2.5" "$actfn" eval clipped_relu --cap 2.5 -- -1 1 7
expect "hardtanh bounds" 0 "-2 0.5 3" "$actfn" eval hardtanh --min-val -2 --max-val 3 -- -9 0.5 9
expect "--name=value" 0 "-0.4 -0 2" "$actfn" eval leaky_relu --negative-slope=0.2 -- -2 -0 2
expect "--name=value, a negative value" 0 "-2 0.5 3" "$actfn" eval hardtanh --min-val=-2 --max-val=3 -- -9 0.5 9
expect "--dtype=f64" 0 "0.7310585786300049" "$actfn" eval sigmoid --dtype=f64 -- 1
expect_error "after --, '=' is kept" 2 "invalid number '--x=1'" "$actfn" eval relu -- --x=1
expect_error "--name= with no value" 2 "invalid number ''" "$actfn" eval leaky_relu --negative-slope= -- 1
expect_error "an unknown option is named" 2 "relu has no parameter 'bogus'" "$actfn" eval relu --bogus=1 -- 1
expect "swiglu: a row [a | b]" 0 "-0.26894143 0 0.933689" "$actfn" eval swiglu -- 1 2 3 -1 0 0.5
expect "reglu, gate first" 0 "6" "$actfn" eval reglu --gate-first -- 2 3
expect "geglu's gate parameter" 0 "0.841192" "$actfn" eval geglu --approximate tanh -- 1 1
expect "glu backward: dx in x's layout" 0 "0.95257413 0.98201376 0.04517666 0.03532541" "$actfn" eval glu --grad -- 1 2 3 4
expect_error "a GLU row of odd length" 2 "even number of values" "$actfn" eval glu -- 1 2 3
input='-2 -1 0
1 2
'
expect "stdin keeps lines" 0 "0 0 0
1 2" "$actfn" eval relu
input='1,2,-3'
expect "commas separate too" 0 "1 2 0" "$actfn" eval relu
input='1 2 3 4
-1 0.5
'
expect "glu, a row a line" 0 "0.95257413 1.9640275
-0.62245935" "$actfn" eval glu
input='1 abc 3'
expect_error "bad number on stdin" 2 "stdin:1:3: invalid number 'abc'" "$actfn" eval relu
input=
expect_error "bad number argument" 2 "invalid number '1.2.3'" "$actfn" eval relu -- 1.2.3
expect_error "word argument" 2 "invalid number 'abc'" "$actfn" eval relu abc
expect_error "unknown op" 2 "unknown op 'relu7'" "$actfn" eval relu7 -- 1
expect_error "unknown parameter" 2 "relu has no parameter 'alpha'" "$actfn" eval relu --alpha 1 -- 1
expect_error "out of range" 2 "cap must be > 0, got -1" "$actfn" eval clipped_relu --cap -1 -- 1
expect_error "bad parameter number" 2 "invalid number 'x' for --alpha" "$actfn" eval elu --alpha x -- 1
expect_error "missing value" 2 "--alpha needs a value" "$actfn" eval elu --alpha
expect_error "bad dtype" 2 "unknown dtype 'int4'" "$actfn" eval relu --dtype int4 -- 1
expect_error "bad word" 2 "'none' or 'tanh'" "$actfn" eval gelu --approximate fast -- 1
expect_error "bad accuracy" 2 "'accurate' or 'fast'" "$actfn" eval gelu --accuracy sloppy -- 1
expect "fast tier" 0 "0.5 1 0" "$actfn" eval sigmoid --fast -- 0 inf -inf
expect "fast tier by word" 0 "-0 -0" "$actfn" eval silu --accuracy fast -- -0 -inf
expect_error "unknown command" 2 "unknown command 'frobnicate'" "$actfn" frobnicate
expect_error "no command" 2 "usage" "$actfn"
expect_error "list takes nothing" 2 "unexpected argument" "$actfn" list extra
expect_error "eval needs an op" 2 "usage" "$actfn" eval
# Files: .npy (shape and dtype kept) and text in, text and .npy out, against golden files.
data=$(cd "$(dirname "$0")/data" && pwd)
work=$(mktemp -d)
# two files: x holds a, --gate FILE b; the same results as the rows [a | b]
printf '1 2 3\n' >"$work/glu_a.txt"
printf -- '-1 0 0.5\n' >"$work/glu_b.txt"
expect "swiglu from two files" 0 "-0.26894143 0 0.933689" "$actfn" eval swiglu --gate "$work/glu_b.txt" "$work/glu_a.txt"
expect "glu --grad from two files: rows [da | db]" 0 "0.95257413 0.98201376 0.04517666 0.03532541" sh -c "printf '3 4' >'$work/glu_gb.txt'; printf '1 2' | '$actfn' eval glu --grad --gate '$work/glu_gb.txt'"
printf '1 2 3 4\n' >"$work/glu_long.txt"
expect_error "a gate file with fewer values" 1 "fewer values than x" "$actfn" eval swiglu --gate "$work/glu_a.txt" "$work/glu_long.txt"
expect_error "a gate file with more values" 1 "more values than x" "$actfn" eval swiglu --gate "$work/glu_long.txt" "$work/glu_a.txt"
expect_error "--gate on a plain op" 2 "for a gated linear unit" "$actfn" eval relu --gate "$work/glu_a.txt" -- 1
input=
expect "npy in, text out: a row per line" 0 "0 0 0
1 2 3" "$actfn" eval relu "$data/npy/matrix_f32.npy"
expect "npy by -i" 0 "0 0 0
1 2 3" "$actfn" eval relu -i "$data/npy/matrix_f32.npy"
# the golden text of an exact op (correctly rounded, the same bits on every ISA; checked
# against exact rational arithmetic when written)
expect "3-D f64 npy, golden text" 0 "$(cat "$data/golden/hardswish_cube_f64.txt")" "$actfn" eval hardswish "$data/npy/cube_f64.npy"
expect "0-d npy" 0 "0" "$actfn" eval relu "$data/npy/scalar_f64.npy"
expect "npy out equals the golden file" 0 "same" sh -c \
    "'$actfn' eval relu '$data/npy/matrix_f32.npy' -o '$work/out.npy' && cmp '$work/out.npy' '$data/golden/relu_matrix_f32.npy' && echo same"
expect "f16 npy, its own dtype kept" 0 "same" sh -c \
    "'$actfn' eval sigmoid --grad '$data/npy/vector_f16.npy' -o '$work/h.npy' && cmp '$work/h.npy' '$data/golden/sigmoid_grad_vector_f16.npy' && echo same"
expect "csv text to a 2-D npy" 0 "same" sh -c \
    "'$actfn' eval leaky_relu --negative-slope 0.5 '$data/text_rows.csv' -o '$work/t.npy' && cmp '$work/t.npy' '$data/golden/leaky_text_rows.npy' && echo same"
expect "npy round trip through text" 0 "0 0 0
1 2 3" sh -c "'$actfn' eval relu '$data/npy/matrix_f32.npy' -o '$work/m.npy' && '$actfn' eval identity '$work/m.npy'"
expect "--dtype converts a npy" 0 "0 0 0
1 2 3" "$actfn" eval relu --dtype bf16 "$data/npy/matrix_f32.npy"
expect "empty npy" 0 "" "$actfn" eval relu "$data/npy/empty_f32.npy"
expect "backward with dy from a file" 0 "0 0 0
40 50 60" "$actfn" eval relu --grad --dy "$data/npy/dy_f32.npy" "$data/npy/matrix_f32.npy"
expect "text file to text" 0 "1 0 3
0 5 0" "$actfn" eval relu "$data/text_rows.csv"
expect_error "dy too short" 1 "dy has fewer values than x" "$actfn" eval relu --grad --dy "$data/npy/vector_f16.npy" "$data/npy/matrix_f32.npy"
expect_error "dy too long" 1 "dy has more values than x" "$actfn" eval relu --grad --dy "$data/npy/matrix_f32.npy" "$data/npy/vector_f16.npy"
expect_error "--dy without --grad" 2 "--dy needs --grad" "$actfn" eval relu --dy "$data/npy/dy_f32.npy" "$data/npy/matrix_f32.npy"
expect_error "missing file" 1 "nothing.npy: No such file" "$actfn" eval relu "$work/nothing.npy"
expect_error "-o needs a file" 2 "-o needs a file" "$actfn" eval relu -o
for case in "bad_magic.npy:not a .npy file" "bad_truncated_header.npy:truncated header" \
    "bad_truncated_data.npy:the shape needs 24 bytes of data, the file has 19" \
    "bad_shape_mismatch.npy:the shape needs 32 bytes" "bad_fortran.npy:Fortran-order" \
    "bad_big_endian.npy:big-endian" "bad_object.npy:object arrays" "bad_int.npy:dtype '<i4' is not supported" \
    "bad_overflow.npy:the shape's element count overflows" "bad_dict.npy:the header dictionary is malformed" "bad_version.npy:unknown .npy version 9.0"; do
    expect_error "malformed ${case%%:*}" 1 "${case%%:*}: ${case#*:}" "$actfn" eval relu "$data/npy/${case%%:*}"
done
printf '1 2\n3 x4 5\n' >"$work/bad.txt"
expect_error "bad number names file, line, column, token" 2 "bad.txt:2:3: invalid number 'x4'" \
    "$actfn" eval relu "$work/bad.txt" -o "$work/never.txt"
if [ -e "$work/never.txt" ] || ls -A "$work" | grep -q '^\.'; then
    failed=$((failed + 1)); echo "FAIL: a failed run left a partial output file"
else passed=$((passed + 1)); fi
# plot: a real PNG / SVG / PDF, each whole; usage errors before anything is drawn
expect "plot the classic figure" 0 "$work/relu.png" "$actfn" plot -o "$work/relu.png"
expect "a PNG" 0 "PNG" sh -c "head -c 4 '$work/relu.png' | tail -c 3"
expect "several ops, derivatives, SVG" 0 "$work/g.svg" "$actfn" plot relu leaky_relu relu6 --grad --range -3:8 -o "$work/g.svg"
expect "an SVG with a legend" 0 "yes" sh -c "grep -q '<svg' '$work/g.svg' && echo yes"
# curves thinned to what shows: 4 ops' derivatives with dashes once made a 1 MB SVG
expect "a 4-op SVG under 300 KB" 0 "small" sh -c "'$actfn' plot relu leaky_relu relu6 gelu --grad --range -3:8 -o '$work/g4.svg' >/dev/null && [ \$(wc -c <'$work/g4.svg') -lt 300000 ] && echo small"
# a GLU, drawn along a = b = x
expect "a GLU and its slope" 0 "$work/glu.svg" "$actfn" plot swiglu reglu --grad -o "$work/glu.svg"
expect "a PDF" 0 "%PDF" sh -c "'$actfn' plot gelu -o '$work/g.pdf' >/dev/null && head -c 4 '$work/g.pdf'"
expect "the default name" 0 "relu-grad.png" sh -c "cd '$work' && '$actfn' plot --grad"
expect_error "plot: unknown op" 2 "unknown op 'relu9'" "$actfn" plot relu9
expect_error "plot: bad range" 2 "invalid range '3:1'" "$actfn" plot relu --range 3:1
expect_error "plot: bad extension" 2 "must end in .png, .svg or .pdf" "$actfn" plot relu -o "$work/x.gif"
expect_error "plot: unwritable" 1 "could not write the figure" "$actfn" plot relu -o "$work/no/such/dir.png"
if ls -A "$work" | grep -q '^\.'; then failed=$((failed + 1)); echo "FAIL: plot left a temporary file"
else passed=$((passed + 1)); fi
# bench: a row per size with the ratio to memcpy
expect "bench rows" 0 "2" sh -c "'$actfn' bench relu --max-n 4096 --threads 1 | grep -cE '^ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$'"
expect_error "bench: bad dtype" 2 "invalid value 'f8' for --dtype" "$actfn" bench relu --dtype f8
expect_error "bench: bad op" 2 "unknown op 'nope'" "$actfn" bench nope
# lab: usage errors, and a missing data set named by its package
expect_error "lab: unknown experiment" 2 "unknown experiment 'nope'" "$actfn" lab nope
expect_error "lab: bad epochs" 2 "invalid value '0' for --epochs" "$actfn" lab demo --epochs 0
expect_error "lab: no data" 1 "install Debian's package dataset-fashion-mnist" "$actfn" lab demo --data "$work/none" --out "$work/lab"
rm -rf "$work"

list_output=$("$actfn" list)
case "$list_output" in
*"leaky_relu"*"--negative-slope"*"0.01"*) passed=$((passed + 1)) ;;
*) failed=$((failed + 1)); echo "FAIL: list shows leaky_relu's slope" ;;
esac
if "$actfn" info | grep -q "^isa: " && "$actfn" info | grep -q "^cpu features:" && [ -n "$("$actfn" info --isa)" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: info"; fi
if [ "$(ACTFN_ISA=scalar "$actfn" info --isa)" = scalar ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: ACTFN_ISA caps the ISA"; fi
# environment variables that do not parse: one line on stderr each, the documented
# fallback (the best ISA; the CPUs online), results as without them
env_check() { # what, variable=value, text expected on stderr, text expected on stdout
    env_out=$(env "$2" "$actfn" eval relu -- -1 2 2>"$work_env/err")
    if [ "$env_out" = "0 2" ] && grep -q "$3" "$work_env/err" && [ "$(wc -l <"$work_env/err")" -eq 1 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: $1 (stdout '$env_out', stderr '$(cat "$work_env/err")')"
    fi
}
work_env=$(mktemp -d)
best_isa=$("$actfn" info --isa)
env_check "an unknown ISA" ACTFN_ISA=bogus "ACTFN_ISA=bogus is not one of .*; using $best_isa"
env_check "a thread count that does not parse" ACTFN_NUM_THREADS=abc "ACTFN_NUM_THREADS=abc is not a whole number"
env_check "a thread count with trailing text" ACTFN_NUM_THREADS=2x "ACTFN_NUM_THREADS=2x is not a whole number"
env_check "no threads" ACTFN_NUM_THREADS=0 "ACTFN_NUM_THREADS=0 is not a whole number"
env_check "too many threads" ACTFN_NUM_THREADS=100000 "ACTFN_NUM_THREADS=100000 is more than 4 times the"
cpus=$(getconf _NPROCESSORS_ONLN)
cap=$((cpus * 4 > 64 ? 64 : cpus * 4))
if [ "$(ACTFN_NUM_THREADS=100000 "$actfn" info 2>/dev/null | sed -n 's/^threads: //p')" = "$cap" ] &&
    [ "$(ACTFN_NUM_THREADS=1 "$actfn" info 2>&1 | sed -n 's/^threads: //p')" = 1 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL: the thread count is capped at 4 times the CPUs"
fi
rm -rf "$work_env"
for help in "--help" "eval --help" "list --help" "info --help" "plot --help" "bench --help" "lab --help"; do
    # shellcheck disable=SC2086
    if "$actfn" $help | grep -q usage; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: $help"; fi
done
if "$actfn" --version | grep -q "^actfn [0-9]*\.[0-9]*\.[0-9]*$"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: --version"; fi
if "$actfn" -V | grep -q "^actfn [0-9]*\.[0-9]*\.[0-9]*$"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: -V"; fi
# every option a command's --help documents is accepted (the run is no usage error), and
# every option run here is documented: the runs below are the accepted set, compared with
# the options named in each help text
work_opts=$(mktemp -d)
printf '1 2\n' >"$work_opts/x.txt"
accepted() { # command, then the arguments of a run that must not be a usage error
    command=$1
    "$actfn" "$@" >/dev/null 2>"$work_opts/err" </dev/null
    if [ $? -ne 2 ]; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: actfn $* is a usage error: $(cat "$work_opts/err")"; fi
    for word in "$@"; do
        case "$word" in -[a-z] | --[a-z]*) echo "$command ${word%%=*}" >>"$work_opts/used" ;; esac
    done
}
: >"$work_opts/used"
accepted eval relu --grad -- 1
accepted eval relu --fast -- 1
accepted eval relu --accuracy fast -- 1
accepted eval relu --dtype f64 -- 1
accepted eval relu -o "$work_opts/y.txt" -- 1
accepted eval relu -i "$work_opts/x.txt"
accepted eval relu --grad --dy "$work_opts/x.txt" -i "$work_opts/x.txt"
accepted eval leaky_relu --negative-slope 0.1 -- 1
accepted eval elu --alpha 1 -- 1
accepted eval relu --grad --grad-at-zero 1 -- 0
accepted eval gelu --approximate tanh -- 1
accepted eval swiglu --gate-first -- 1 2
accepted eval swiglu --gate "$work_opts/x.txt" -i "$work_opts/x.txt"
accepted plot relu --grad --range -1:1 -o "$work_opts/p.svg"
accepted bench relu --grad --fast --dtype f32 --threads 1 --max-n 1024
accepted lab demo --epochs 1 --seed 2 --seeds 2 --quick --out "$work_opts/lab" --data "$work_opts/none"
accepted info --isa
for command in eval plot bench lab info list; do
    "$actfn" "$command" --help | grep -o -- '\(^\|[ [(]\)--*[a-z][a-z-]*' | sed 's/^[ [(]*//' |
        grep -E -- '^(--[a-z][a-z-]*|-[a-z])$' | grep -v -- '^--help$' | sort -u |
        while read -r option; do echo "$command $option"; done
done | sort -u >"$work_opts/documented"
sort -u "$work_opts/used" >"$work_opts/used_sorted"
if cmp -s "$work_opts/documented" "$work_opts/used_sorted"; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL: documented options (<) against accepted ones (>):"
    diff "$work_opts/documented" "$work_opts/used_sorted"
fi
# the man page names every command and every option the help texts document
man_page="$(dirname "$0")/../docs/actfn.1"
while read -r command option; do
    escaped=$(printf '%s' "$option" | sed 's/-/\\\\-/g')
    if grep -q "^\.B actfn $command" "$man_page" && grep -q -- "$escaped" "$man_page"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: the man page lacks actfn $command or its $option"
    fi
done <"$work_opts/documented"
for command in eval plot bench lab list info; do
    if grep -q "^\.B actfn $command" "$man_page"; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: the man page lacks actfn $command"; fi
done
rm -rf "$work_opts"
# getopt_long's spellings: -h anywhere, --name=value, -- ending the options
for help in "-h" "eval relu -h" "eval -h" "plot -h" "bench -h" "list -h" "info -h" "lab -h" \
    "lab demo --epochs 1 -h" "info --isa --help" "plot relu --range=-1:1 -h"; do
    # shellcheck disable=SC2086
    if "$actfn" $help | grep -q usage; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: $help"; fi
done

finish
