/* SPDX-License-Identifier: MIT */
/* Randomized leaky ReLU in training mode (actfn_rrelu_train_*): the slope of element
 * offset + i drawn by a counter-based generator from (seed, offset + i) alone, so that a
 * result does not depend on how a call is split, and the backward regenerates the
 * forward's slopes instead of storing them. Eval mode is the op table's rrelu. */
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "api/quantization.h"
#include "route/threads.h"
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
    /* 53 bits, converted as a signed integer: one instruction, no unsigned fix-up */
    double u = (double)(int64_t)(random_bits(seed, index) >> 11) * 0x1p-53; /* in [0, 1) */
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
static double rounded_slope(actfn_dtype dtype, const op_params *p, uint64_t seed, uint64_t index) {
    double slope = slope_of(p->lower, p->upper, seed, index);
    return dtype == ACTFN_F32 || dtype_is_narrow(dtype) ? (double)(float)slope : slope;
}

/* One call's arguments, for the threads: element i draws its slope from offset + i, so
 * any split gives the bits of one serial call. */
typedef struct rrelu_call {
    op_params params;
    actfn_dtype dtype;
    uint64_t seed, offset;
    const void *x, *dy;
    void *out;
    actfn_quantization input, output; /* the quantized forward's */
} rrelu_call;

/* Below this many elements a call runs on the calling thread alone: drawing a slope
 * costs about 1.5 ns (two 64-bit hash rounds), so a second thread pays from about 4K. */
#define RRELU_PARALLEL_MIN ((size_t)1 << 12)

static void run(rrelu_call *c, size_t n, void (*range)(void *, size_t, size_t)) {
    if (n >= RRELU_PARALLEL_MIN)
        parallel_for(n, 64, range, c);
    else
        range(c, 0, n);
}

/* x > 0 and NaN pass; x <= 0 (-0 too: -0 times the slope) scaled, rounded once. In f32
 * the float product is the double one rounded once (24 + 24 bits fit in 53). The slope
 * is drawn for every element and then selected, without a branch on the sign (random
 * signs would mispredict half the time). */
static void forward_range(void *context, size_t begin, size_t end) {
    const rrelu_call *c = context;
    const op_params *p = &c->params;
    if (c->dtype == ACTFN_F32) {
        const float *x = c->x;
        float *y = c->out;
        for (size_t i = begin; i < end; i++) {
            float v = x[i],
                  scaled = v * (float)slope_of(p->lower, p->upper, c->seed, c->offset + i);
            y[i] = v > 0 || v != v ? v : scaled;
        }
    } else if (c->dtype == ACTFN_F64) {
        const double *x = c->x;
        double *y = c->out;
        for (size_t i = begin; i < end; i++) {
            double v = x[i], scaled = v * slope_of(p->lower, p->upper, c->seed, c->offset + i);
            y[i] = v > 0 || v != v ? v : scaled;
        }
    } else {
        for (size_t i = begin; i < end; i++) {
            double v = element_load(c->dtype, c->x, i);
            double scaled = v * rounded_slope(c->dtype, p, c->seed, c->offset + i);
            element_store(c->dtype, c->out, i, v > 0 || isnan(v) ? v : scaled);
        }
    }
}

/* dx = dy for x > 0, slope * dy for x <= 0, NaN x passed through */
static void backward_range(void *context, size_t begin, size_t end) {
    const rrelu_call *c = context;
    const op_params *p = &c->params;
    if (c->dtype == ACTFN_F32) {
        const float *x = c->x, *dy = c->dy;
        float *dx = c->out;
        for (size_t i = begin; i < end; i++) {
            float v = x[i], g = dy[i];
            float scaled = g * (float)slope_of(p->lower, p->upper, c->seed, c->offset + i);
            dx[i] = v > 0 ? g : v <= 0 ? scaled : v;
        }
        return;
    }
    for (size_t i = begin; i < end; i++) {
        double v = element_load(c->dtype, c->x, i), g = element_load(c->dtype, c->dy, i);
        double scaled = g * rounded_slope(c->dtype, p, c->seed, c->offset + i);
        element_store(c->dtype, c->out, i, v > 0 ? g : v <= 0 ? scaled : v);
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
        double scaled = v * slope_of(c->params.lower, c->params.upper, c->seed, c->offset + i);
        double result = v > 0 ? v : scaled;
        y[i] = (uint8_t)requantize(c->dtype, &c->output, result);
    }
}

actfn_status actfn_rrelu_train_forward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                       uint64_t offset, const void *x, void *y, size_t n) {
    static const char function[] = "actfn_rrelu_train_forward";
    rrelu_call c = {.dtype = dtype, .seed = seed, .offset = offset, .x = x, .out = y};
    CHECK(prepare(function, op, dtype, n, false, &c.params));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    run(&c, n, forward_range);
    return ACTFN_OK;
}

actfn_status actfn_rrelu_train_backward(const actfn_op *op, actfn_dtype dtype, uint64_t seed,
                                        uint64_t offset, const void *x, const void *dy, void *dx,
                                        size_t n) {
    static const char function[] = "actfn_rrelu_train_backward";
    rrelu_call c = {.dtype = dtype, .seed = seed, .offset = offset, .x = x, .dy = dy, .out = dx};
    CHECK(prepare(function, op, dtype, n, false, &c.params));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, dx, bytes, x, bytes, true));
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    run(&c, n, backward_range);
    return ACTFN_OK;
}

actfn_status actfn_rrelu_train_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                                 const actfn_quantization *input,
                                                 const actfn_quantization *output, uint64_t seed,
                                                 uint64_t offset, const void *x, void *y,
                                                 size_t n) {
    static const char function[] = "actfn_rrelu_train_forward_quantized";
    rrelu_call c = {.dtype = dtype, .seed = seed, .offset = offset, .x = x, .out = y};
    CHECK(prepare(function, op, dtype, n, true, &c.params));
    CHECK(check_quantization(function, "input", dtype, input));
    CHECK(check_quantization(function, "output", dtype, output));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    CHECK(check_output(function, y, n, x, n, true));
    c.input = *input, c.output = *output;
    run(&c, n, quantized_range);
    return ACTFN_OK;
}
