/* SPDX-License-Identifier: MIT */
/* Randomized leaky ReLU in training mode (actfn_rrelu_train_*): the slope of element
 * offset + i drawn by a counter-based generator from (seed, offset + i) alone, so that a
 * result does not depend on how a call is split, and the backward regenerates the
 * forward's slopes instead of storing them. Eval mode is the op table's rrelu. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "api/quantization.h"
#include "kernels/kernel_table.h"
#include "route/dispatch.h"
#include "route/threads.h"
#include "spec/dtypes.h"
#include "spec/rrelu_random.h"
#include "spec/element_access.h"

#include <math.h>

static double slope_of(double lower, double upper, uint64_t seed, uint64_t index) {
    return rrelu_slope_from_key(lower, upper, rrelu_mix(seed), index);
}

double actfn_rrelu_slope(const actfn_op *op, uint64_t seed, uint64_t index) {
    const op_def *def;
    op_params params;
    if (op == NULL || op->kind != ACTFN_RRELU ||
        op_prepare(op, ACTFN_F64, &def, &params) != ACTFN_OK)
        return NAN;
    return slope_of(params.lower, params.upper, seed, index);
}

/* quantized: the entry point takes ACTFN_S8 / ACTFN_U8, else the floating-point types */
static actfn_status prepare(const char *function, const actfn_op *op, actfn_dtype dtype, size_t n,
                            bool quantized, op_params *params) {
    if (op == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: op is NULL", function);
    if (op->kind != ACTFN_RRELU)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: the op must be rrelu, not %s", function,
                    actfn_op_name(op->kind) != NULL ? actfn_op_name(op->kind) : "unknown");
    CHECK(quantized ? check_quantized_dtype(function, dtype) : check_dtype(function, dtype));
    const op_def *def; /* the quantized types compute in double */
    CHECK(op_prepare(op, quantized ? ACTFN_F64 : dtype, &def, params));
    return check_extent(function, 1, n, n, dtype);
}

/* The slope as the dtype holds it (torch draws it in the tensor's type); the quantized
 * types take the double slope, as their reals are doubles. */
static double rounded_slope(actfn_dtype dtype, const op_params *p, uint64_t key, uint64_t index) {
    double slope = rrelu_slope_from_key(p->lower, p->upper, key, index);
    return dtype == ACTFN_F32 || dtype_is_narrow(dtype) ? (double)(float)slope : slope;
}

/* One call's arguments, for the threads: element i draws its slope from offset + i, so
 * any split gives the bits of one serial call. */
typedef struct rrelu_call {
    op_params params;
    actfn_dtype dtype;
    uint64_t key, offset; /* key: rrelu_mix(seed) */
    const void *x, *dy;   /* dy NULL: the forward */
    void *out;
    rrelu_train_kernel kernel;        /* f32 and f64 where the ISA has one, else NULL */
    actfn_quantization input, output; /* the quantized forward's */
} rrelu_call;

static rrelu_call make_call(const op_params *p, actfn_dtype dtype, uint64_t seed, uint64_t offset,
                            const void *x, const void *dy, void *out) {
    rrelu_call c = {*p, dtype, rrelu_mix(seed), offset, x, dy, out, NULL, {0, 0}, {0, 0}};
    if (dtype == ACTFN_F32 || dtype == ACTFN_F64)
        c.kernel = active_kernels()->rrelu_train[slot_of_wide_dtype(dtype)];
    return c;
}

/* Below this many elements a call runs on the calling thread alone: drawing a slope
 * costs about 1.5 ns in scalar code (two 64-bit hash rounds), so a second thread pays from
 * about 4K. */
#define RRELU_PARALLEL_MIN ((size_t)1 << 12)

static void run(rrelu_call *c, size_t n, void (*range)(void *, size_t, size_t)) {
    if (n >= RRELU_PARALLEL_MIN)
        parallel_for(n, 64, range, c);
    else
        range(c, 0, n);
}

/* The forward (dy NULL) or backward over elements begin .. end: the ISA's kernel, else
 * element by element. Forward: x > 0 and NaN pass, x <= 0 (-0 too) times the slope,
 * rounded once. Backward: dy for x > 0, dy times the slope for x <= 0, a NaN x itself.
 * The slope is drawn for every element and then selected, without a branch on the sign
 * (random signs would mispredict half the time). */
static void train_range(void *context, size_t begin, size_t end) {
    const rrelu_call *c = context;
    size_t size = dtype_size(c->dtype);
    if (c->kernel != NULL) {
        c->kernel(c->params.lower, c->params.upper, c->key, c->offset + begin,
                  (const char *)c->x + begin * size,
                  c->dy == NULL ? NULL : (const char *)c->dy + begin * size,
                  (char *)c->out + begin * size, end - begin);
        return;
    }
    const op_params *p = &c->params;
    if (c->dtype == ACTFN_F32) { /* typed: the float product is the double one rounded */
        const float *x = c->x, *dy = c->dy;
        float *out = c->out;
        for (size_t i = begin; i < end; i++) {
            float v = x[i];
            float slope = (float)rrelu_slope_from_key(p->lower, p->upper, c->key, c->offset + i);
            out[i] = dy == NULL ? (v > 0 || v != v ? v : v * slope)
                                : (v > 0    ? dy[i]
                                   : v <= 0 ? dy[i] * slope
                                            : v);
        }
        return;
    }
    for (size_t i = begin; i < end; i++) {
        double v = element_load(c->dtype, c->x, i);
        double slope = rounded_slope(c->dtype, p, c->key, c->offset + i);
        if (c->dy == NULL) {
            element_store(c->dtype, c->out, i, v > 0 || isnan(v) ? v : v * slope);
        } else {
            double g = element_load(c->dtype, c->dy, i);
            element_store(c->dtype, c->out, i, v > 0 ? g : v <= 0 ? g * slope : v);
        }
    }
}

static void quantized_range(void *context, size_t begin, size_t end) {
    const rrelu_call *c = context;
    double reals[256];
    dequantized_bytes(c->dtype, &c->input, reals);
    const uint8_t *x = c->x;
    uint8_t *y = c->out;
    for (size_t i = begin; i < end; i++) {
        double v = reals[x[i]];
        double scaled =
            v * rrelu_slope_from_key(c->params.lower, c->params.upper, c->key, c->offset + i);
        double result = v > 0 ? v : scaled;
        y[i] = (uint8_t)requantize(c->dtype, &c->output, result);
    }
}

actfn_status actfn_rrelu_train_forward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                       uint64_t offset, const void *x, void *y, size_t n) {
    static const char function[] = "actfn_rrelu_train_forward";
    op_params p;
    CHECK(prepare(function, op, dtype, n, false, &p));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    rrelu_call c = make_call(&p, dtype, seed, offset, x, NULL, y);
    run(&c, n, train_range);
    return ACTFN_OK;
}

actfn_status actfn_rrelu_train_backward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                        uint64_t offset, const void *x, const void *dy, void *dx,
                                        size_t n) {
    static const char function[] = "actfn_rrelu_train_backward";
    op_params p;
    CHECK(prepare(function, op, dtype, n, false, &p));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, dx, bytes, x, bytes, true));
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    rrelu_call c = make_call(&p, dtype, seed, offset, x, dy, dx);
    run(&c, n, train_range);
    return ACTFN_OK;
}

actfn_status actfn_rrelu_train_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                                 const actfn_quantization *input,
                                                 const actfn_quantization *output, uint64_t seed,
                                                 uint64_t offset, const void *x, void *y,
                                                 size_t n) {
    static const char function[] = "actfn_rrelu_train_forward_quantized";
    op_params p;
    CHECK(prepare(function, op, dtype, n, true, &p));
    CHECK(check_quantization(function, "input", dtype, input));
    CHECK(check_quantization(function, "output", dtype, output));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    CHECK(check_output(function, y, n, x, n, true));
    rrelu_call c = make_call(&p, dtype, seed, offset, x, NULL, y);
    c.input = *input, c.output = *output;
    run(&c, n, quantized_range);
    return ACTFN_OK;
}
