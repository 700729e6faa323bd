# SPDX-License-Identifier: MIT
# The checks the command's tests share (sourced by cli_test.sh and cli_hostile_test.sh):
# expect, expect_error, check, and finish, which prints the counts and sets the status.
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

# check NAME COMMAND...: passes if COMMAND succeeds.
check() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
    fi
}

finish() {
    rm -f /tmp/actfn_cli_stderr.$$
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
