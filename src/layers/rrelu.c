/* SPDX-License-Identifier: MIT */
/* Randomized leaky ReLU in training mode (actfn_rrelu_train_*): the slope of element
 * offset + i drawn by a counter-based generator from (seed, offset + i) alone, so that a
 * result does not depend on how a call is split, and the backward regenerates the
 * forward's slopes instead of storing them. Eval mode is the op table's rrelu. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <math.h>

/* 64 random bits of (seed, index): the index as a counter through SplitMix64's
 * finalizer, keyed by the seed, and mixed again (a stateless hash: any element can be
 * drawn alone). */
static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t random_bits(uint64_t seed, uint64_t index) {
    return mix(mix(seed) ^ (index * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull));
}

static double slope_of(double lower, double upper, uint64_t seed, uint64_t index) {
    double u = (double)(random_bits(seed, index) >> 11) * 0x1p-53; /* in [0, 1) */
    return lower + (upper - lower) * u;
}

double actfn_rrelu_slope(const actfn_op *op, uint64_t seed, uint64_t index) {
    const op_def *def;
    op_params params;
    if (op == NULL || op->kind != ACTFN_RRELU ||
        op_prepare(op, ACTFN_F64, &def, &params) != ACTFN_OK)
        return NAN;
    return slope_of(params.lower, params.upper, seed, index);
}

static actfn_status prepare(const char *function, const actfn_op *op, actfn_dtype dtype, size_t n,
                            op_params *params) {
    if (op == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: op is NULL", function);
    if (op->kind != ACTFN_RRELU)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: the op must be rrelu, not %s", function,
                    actfn_op_name(op->kind) != NULL ? actfn_op_name(op->kind) : "unknown");
    CHECK(check_dtype(function, dtype));
    const op_def *def;
    CHECK(op_prepare(op, dtype, &def, params));
    return check_extent(function, 1, n, n, dtype);
}

/* The slope as the dtype holds it (torch draws it in the tensor's type). */
static double rounded_slope(actfn_dtype dtype, const op_params *p, uint64_t seed, uint64_t index) {
    double slope = slope_of(p->lower, p->upper, seed, index);
    return dtype == ACTFN_F64 ? slope : (double)(float)slope;
}

actfn_status actfn_rrelu_train_forward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                       uint64_t offset, const void *x, void *y, size_t n) {
    static const char function[] = "actfn_rrelu_train_forward";
    op_params p;
    CHECK(prepare(function, op, dtype, n, &p));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    for (size_t i = 0; i < n; i++) {
        double v = element_load(dtype, x, i);
        /* x > 0 and NaN pass; x <= 0 (-0 too: -0 times the slope) scaled, rounded once */
        element_store(dtype, y, i,
                      v > 0 || isnan(v) ? v : v * rounded_slope(dtype, &p, seed, offset + i));
    }
    return ACTFN_OK;
}

actfn_status actfn_rrelu_train_backward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                        uint64_t offset, const void *x, const void *dy, void *dx,
                                        size_t n) {
    static const char function[] = "actfn_rrelu_train_backward";
    op_params p;
    CHECK(prepare(function, op, dtype, n, &p));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, dx, bytes, x, bytes, true));
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    for (size_t i = 0; i < n; i++) {
        double v = element_load(dtype, x, i), g = element_load(dtype, dy, i);
        double result = v > 0 ? g : v <= 0 ? g * rounded_slope(dtype, &p, seed, offset + i) : v;
        element_store(dtype, dx, i, result);
    }
    return ACTFN_OK;
}
