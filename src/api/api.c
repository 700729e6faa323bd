/* SPDX-License-Identifier: MIT */
/* The public entry points: argument checks and routing to the kernels. No arithmetic. */
#include "api/errors.h"
#include "route/run.h"
#include "api/op_descriptor.h"
#include "api/array_checks.h"
#include "spec/dtypes.h"

#include <stddef.h>
#include <stdint.h>

/* Arrays may be identical (in place) or disjoint, never partly overlapping: a kernel
 * that reads a vector ahead would see values it had already overwritten. */
static bool overlap_partially(const void *a, const void *b, size_t bytes) {
    uintptr_t first = (uintptr_t)a, second = (uintptr_t)b;
    if (first == second) return false;
    return first < second ? second - first < bytes : first - second < bytes;
}

static bool wraps(const void *array, size_t bytes) {
    return (uintptr_t)array > UINTPTR_MAX - bytes;
}

actfn_status check_arrays(const char *function, actfn_dtype dtype, size_t n, const void *input,
                          const void *second_input, void *output) {
    if (input == NULL || second_input == NULL || output == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "%s: NULL array with n = %zu", function, n);
    /* an object spans at most PTRDIFF_MAX bytes and cannot wrap the address space: larger
     * n is no array, and the pool's split and the pointer arithmetic would overflow */
    size_t bytes; /* n size > PTRDIFF_MAX, without a division (a small call's cost) */
    if (__builtin_mul_overflow(n, dtype_size(dtype), &bytes) || bytes > PTRDIFF_MAX)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: n = %zu elements do not fit in memory", function,
                    n);
    if (wraps(input, bytes) || wraps(second_input, bytes) || wraps(output, bytes))
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %zu bytes from the array pass the end of memory",
                    function, bytes);
    if (overlap_partially(input, output, bytes) || overlap_partially(second_input, output, bytes))
        return fail(ACTFN_ERR_OVERLAP, "%s: output overlaps an input without being it", function);
    return ACTFN_OK;
}

actfn_status check_output_backward(const op_def *def, const op_params *params) {
    if (def->backward_from_output == NULL)
        return fail(ACTFN_ERR_UNSUPPORTED, "%s: its backward needs the input x, not the output",
                    def->name);
    if (def->output_backward_ok != NULL && !def->output_backward_ok(params))
        return fail(ACTFN_ERR_UNSUPPORTED,
                    "%s: with these parameters the output does not determine the derivative",
                    def->name);
    return ACTFN_OK;
}

actfn_status actfn_forward(const actfn_op *op, actfn_dtype dtype, const void *x, void *y,
                           size_t n) {
    const op_def *def;
    op_params params;
    actfn_status status = op_prepare(op, dtype, &def, &params);
    if (status != ACTFN_OK || n == 0) return status;
    status = check_arrays("actfn_forward", dtype, n, x, x, y);
    if (status != ACTFN_OK) return status;
    run_forward(op->kind, &params, dtype, x, y, n);
    return ACTFN_OK;
}

actfn_status actfn_backward(const actfn_op *op, actfn_dtype dtype, const void *x, const void *dy,
                            void *dx, size_t n) {
    const op_def *def;
    op_params params;
    actfn_status status = op_prepare(op, dtype, &def, &params);
    if (status != ACTFN_OK || n == 0) return status;
    status = check_arrays("actfn_backward", dtype, n, x, dy, dx);
    if (status != ACTFN_OK) return status;
    run_backward(op->kind, false, &params, dtype, x, dy, dx, n);
    return ACTFN_OK;
}

actfn_status actfn_backward_from_output(const actfn_op *op, actfn_dtype dtype, const void *y,
                                        const void *dy, void *dx, size_t n) {
    const op_def *def;
    op_params params;
    actfn_status status = op_prepare(op, dtype, &def, &params);
    if (status != ACTFN_OK) return status;
    status = check_output_backward(def, &params);
    if (status != ACTFN_OK) return status;
    if (n == 0) return ACTFN_OK;
    status = check_arrays("actfn_backward_from_output", dtype, n, y, dy, dx);
    if (status != ACTFN_OK) return status;
    run_backward(op->kind, true, &params, dtype, y, dy, dx, n);
    return ACTFN_OK;
}
