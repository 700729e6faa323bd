#!/bin/sh
# SPDX-License-Identifier: MIT
# The actfn command under hostile input (issue 22's adversarial run): special files as
# outputs, signals during a run, endless or binary input, format characters in names,
# ranges and parameters at the edge. Each case failed before its fix.
# usage: cli_hostile_test.sh PATH_TO_ACTFN
actfn=${1:?usage: cli_hostile_test.sh PATH_TO_ACTFN}
actfn=$(cd "$(dirname "$actfn")" && pwd)/$(basename "$actfn")
. "$(dirname "$0")/cli_expect.sh"
work=$(mktemp -d)
no_temporaries() { ! ls -A "$work" | grep -q '^\.'; }

# -o onto something that is not a regular file: written into, never replaced
input=
ln -s /dev/null "$work/null.txt"
expect "-o a link to /dev/null" 0 "" "$actfn" eval relu -o "$work/null.txt" -- 1
check "the link is kept" test -L "$work/null.txt"
check "/dev/null is still a device" test -c /dev/null
if [ -c /dev/full ]; then
    expect_error "-o /dev/full reports the full device" 1 "No space left on device" \
        "$actfn" eval relu -o /dev/full -- 1
fi
if [ "$(id -u)" = 0 ] && mknod "$work/device" c 1 3 2>/dev/null; then
    expect "-o a character device" 0 "" "$actfn" eval relu -o "$work/device" -- 1
    check "the device node stays one" test -c "$work/device"
fi
mkfifo "$work/fifo"
timeout 10 cat "$work/fifo" >"$work/from_fifo" &
reader=$!
expect "-o a FIFO" 0 "" "$actfn" eval relu -o "$work/fifo" -- -1 2
wait $reader
check "the FIFO got the values and stays one" sh -c \
    "[ \"\$(cat '$work/from_fifo')\" = '0 2' ] && test -p '$work/fifo'"
echo old >"$work/target.txt"
ln -s target.txt "$work/link.txt"
expect "-o a link to a file" 0 "" "$actfn" eval relu -o "$work/link.txt" -- 3
check "the link kept, its file replaced" sh -c \
    "test -L '$work/link.txt' && [ \"\$(cat '$work/target.txt')\" = 3 ]"
ln -s /dev/null "$work/null.png"
expect "plot into a link to /dev/null" 0 "$work/null.png" "$actfn" plot relu -o "$work/null.png"
check "the plot's link is kept" test -L "$work/null.png"
expect_error "-o a directory" 1 "Is a directory" "$actfn" eval relu -o "$work" -- 1
check "no temporary file left" no_temporaries

# SIGINT and SIGTERM during a run: the hidden temporary output is removed. The input is a
# FIFO held open, so that the run waits mid-way; timeout sends the signal.
mkfifo "$work/slow"
for signal in INT TERM; do
    (echo 1; sleep 3) >"$work/slow" &
    writer=$!
    timeout -s $signal 1 "$actfn" eval relu -i "$work/slow" -o "$work/interrupted.txt"
    code=$?
    kill $writer 2>/dev/null
    wait $writer 2>/dev/null
    check "SIG$signal ends the run (status $code)" [ "$code" -eq 124 ]
    check "SIG$signal leaves no temporary file" no_temporaries
    check "SIG$signal leaves no output" test ! -e "$work/interrupted.txt"
done

# text input: bounded memory per token, a clear error, never a silent truncation
expect_error "/dev/zero is not text" 2 "/dev/zero:1: a NUL byte: not a text file" \
    "$actfn" eval relu -i /dev/zero
# (not under AddressSanitizer, which cannot start within a 300 MB address space)
if (ulimit -v 300000; "$actfn" --version) >/dev/null 2>&1; then
    expect_error "an endless token in bounded memory" 2 "a token longer than 4096 characters" sh -c \
        "head -c 300000000 /dev/zero | tr '\\0' 1 | (ulimit -v 300000; '$actfn' eval relu)"
fi
expect "a line of 200000 values stays one line" 0 "1 200000" sh -c \
    "yes '1 -1' | head -n 100000 | tr '\\n' ' ' | '$actfn' eval relu | wc -lw | tr -s ' ' | sed 's/^ //'"
expect_error "a directory as input" 1 "$work: Is a directory" "$actfn" eval relu -i "$work"
input=$(printf '\357\273\2771 -2')
expect "a UTF-8 byte order mark" 0 "1 0" "$actfn" eval relu
input=

# names and ranges that reached PLplot's format strings and its axis labelling
expect "plot -o with a %n in the name" 0 "$work/p%n.png" "$actfn" plot relu -o "$work/p%n.png"
check "the PNG is whole" sh -c "[ \"\$(head -c 4 '$work/p%n.png' | tail -c 3)\" = PNG ]"
check "plot left no temporary file" no_temporaries
expect_error "a range a few ulps wide" 2 "invalid range" \
    timeout 20 "$actfn" plot relu --range 1:1.0000000000000002 -o "$work/r.png"
expect_error "a range whose width overflows" 2 "invalid range" \
    "$actfn" plot relu --range -1e308:1e308 -o "$work/r.png"

# parameters validated as the dtype holds them
expect_error "a slope that is inf in f32" 2 "negative_slope = 1e+300 is inf in f32" \
    "$actfn" eval leaky_relu --negative-slope 1e300 -- -0 0
expect "the same slope in f64" 0 "-0 0 -1e+300" \
    "$actfn" eval leaky_relu --negative-slope 1e300 --dtype f64 -- -0 0 -1
expect_error "an alpha that is 0 in f32" 2 "alpha = 1e-300 is 0 in f32" \
    "$actfn" eval celu --alpha 1e-300 -- -1
expect_error "a beta that is inf in bf16" 2 "beta = 1e+300 is inf in bf16" \
    "$actfn" eval softplus --beta 1e300 --dtype bf16 -- 1
expect "celu with a negative alpha, f32" 0 "-inf -1.2974426 -0 0" \
    "$actfn" eval celu --alpha -2 -- -1000 -1 -0 0
expect "celu with a negative alpha, f16" 0 "-inf -1.2978516 -0 0" \
    "$actfn" eval celu --alpha -2 --dtype f16 -- -1000 -1 -0 0
expect "celu with a negative alpha, f64" 0 "-2.8071844357056745e+217 -0 0" \
    "$actfn" eval celu --alpha -2 --dtype f64 -- -1000 -0 0

# .npy of many dimensions: read and written
python=/usr/bin/python3
if "$python" -c 'import numpy' 2>/dev/null; then
    "$python" -c "import numpy as np; np.save('$work/d32.npy', np.arange(-4, 4, dtype=np.float32).reshape((2,) + (1,) * 30 + (4,)))"
    expect "a 32-dimensional .npy written" 0 "32 [0. 0. 0. 0. 0. 1. 2. 3.]" sh -c \
        "'$actfn' eval relu '$work/d32.npy' -o '$work/d32_out.npy' && '$python' -c \"import numpy as np; a = np.load('$work/d32_out.npy'); print(a.ndim, a.ravel())\""
fi

rm -rf "$work"
finish
