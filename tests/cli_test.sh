#!/bin/sh
# End-to-end tests of the actfn command: outputs and exit statuses.
# usage: cli_test.sh PATH_TO_ACTFN
actfn=${1:?usage: cli_test.sh PATH_TO_ACTFN}
passed=0
failed=0

# expect NAME EXPECTED_STATUS EXPECTED_STDOUT COMMAND...; stdin comes from $input.
expect() {
    name=$1 status=$2 want=$3
    shift 3
    got=$(printf '%s' "${input-}" | "$@" 2>/tmp/actfn_cli_stderr.$$)
    code=$?
    if [ "$code" -eq "$status" ] && [ "$got" = "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name: status $code (want $status), output '$got' (want '$want')"
        cat /tmp/actfn_cli_stderr.$$
    fi
}

# expect_error NAME STATUS STDERR_FRAGMENT COMMAND...
expect_error() {
    name=$1 status=$2 fragment=$3
    shift 3
    printf '%s' "${input-}" | "$@" >/dev/null 2>/tmp/actfn_cli_stderr.$$
    code=$?
    if [ "$code" -eq "$status" ] && grep -qF -- "$fragment" /tmp/actfn_cli_stderr.$$; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name: status $code (want $status), stderr: $(cat /tmp/actfn_cli_stderr.$$)"
    fi
}

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
input='-2 -1 0
1 2
'
expect "stdin keeps lines" 0 "0 0 0
1 2" "$actfn" eval relu
input='1,2,-3'
expect "commas separate too" 0 "1 2 0" "$actfn" eval relu
input='1 abc 3'
expect_error "bad number on stdin" 2 "stdin:1: invalid number 'abc'" "$actfn" eval relu
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
expect_error "unknown command" 2 "unknown command 'frobnicate'" "$actfn" frobnicate
expect_error "no command" 2 "usage" "$actfn"
expect_error "list takes nothing" 2 "unexpected argument" "$actfn" list extra
expect_error "eval needs an op" 2 "usage" "$actfn" eval
list_output=$("$actfn" list)
case "$list_output" in
*"leaky_relu"*"--negative-slope"*"0.01"*) passed=$((passed + 1)) ;;
*) failed=$((failed + 1)); echo "FAIL: list shows leaky_relu's slope" ;;
esac
if "$actfn" info | grep -q "^isa: " && [ -n "$("$actfn" info --isa)" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: info"; fi
if [ "$(ACTFN_ISA=scalar "$actfn" info --isa)" = scalar ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: ACTFN_ISA caps the ISA"; fi
for help in "--help" "eval --help" "list --help" "info --help"; do
    # shellcheck disable=SC2086
    if "$actfn" $help | grep -q usage; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: $help"; fi
done
if "$actfn" --version | grep -q "^actfn [0-9]*\.[0-9]*\.[0-9]*$"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: --version"; fi

rm -f /tmp/actfn_cli_stderr.$$
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
