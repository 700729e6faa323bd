/* Quantized int8 / uint8 forwards (actfn_forward_quantized): the op applied to the 256
 * possible inputs once per call, in double through the op's f64 kernel, each result
 * requantized (round to nearest, ties to even, then clamped), and the table looked up. */
#include "api/array_checks.h"
#include "route/dispatch.h"
#include "api/errors.h"
#include "route/run.h"
#include "api/op_descriptor.h"
#include "route/threads.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct lookup {
    uint8_t table[256]; /* indexed by the input byte */
    lookup_kernel kernel;
    clamp_kernel clamp; /* set where the table is a clamp of its index */
    uint8_t low, high, flip;
    const uint8_t *x;
    uint8_t *y;
} lookup;

static void look_up(void *context, size_t begin, size_t end) {
    const lookup *l = context;
    if (l->clamp != NULL) {
        l->clamp(l->x + begin, l->y + begin, end - begin, l->low, l->high, l->flip);
        return;
    }
    if (l->kernel != NULL) {
        l->kernel(l->table, l->x + begin, l->y + begin, end - begin);
        return;
    }
    for (size_t i = begin; i < end; i++)
        l->y[i] = l->table[l->x[i]];
}

/* The range of the quantized type. */
static int type_min(actfn_dtype dtype) {
    return dtype == ACTFN_S8 ? INT8_MIN : 0;
}

static int type_max(actfn_dtype dtype) {
    return dtype == ACTFN_S8 ? INT8_MAX : UINT8_MAX;
}

/* relu, relu6 and the like with one quantization on both sides give a table that is a
 * clamp of its index, min(max(q, low), high) in the type's order: then the clamp runs
 * (byte min/max) instead of the lookup. Bytes are compared in unsigned order after
 * flipping the top bit of signed ones. */
static void use_clamp_if_possible(lookup *l, actfn_dtype dtype) {
    uint8_t flip = dtype == ACTFN_S8 ? 0x80 : 0;
    uint8_t low = (uint8_t)(l->table[(uint8_t)(0 ^ flip)] ^ flip);
    uint8_t high = (uint8_t)(l->table[(uint8_t)(255 ^ flip)] ^ flip);
    if (low > high) return;
    for (int u = 0; u < 256; u++) {
        uint8_t expected = (uint8_t)(u < low ? low : u > high ? high : u);
        if ((uint8_t)(l->table[(uint8_t)(u ^ flip)] ^ flip) != expected) return;
    }
    l->clamp = active_kernels()->clamp_bytes;
    l->low = low, l->high = high, l->flip = flip;
}

static actfn_status check_quantization(const char *which, actfn_dtype dtype,
                                       const actfn_quantization *q) {
    if (q == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_forward_quantized: %s quantization is NULL",
                    which);
    if (!isfinite(q->scale) || !(q->scale > 0))
        return fail(ACTFN_ERR_BAD_PARAMETER,
                    "actfn_forward_quantized: %s scale must be finite and > 0, got %g", which,
                    q->scale);
    int low = type_min(dtype), high = type_max(dtype);
    if (q->zero_point < low || q->zero_point > high)
        return fail(ACTFN_ERR_BAD_PARAMETER,
                    "actfn_forward_quantized: %s zero_point must be in [%d, %d], got %d", which,
                    low, high, (int)q->zero_point);
    return ACTFN_OK;
}

/* The requantized integer for one result of the op. */
static int requantize(actfn_dtype dtype, const actfn_quantization *output, double result) {
    double scaled = result / output->scale;
    int low = type_min(dtype), high = type_max(dtype);
    if (isnan(scaled)) return output->zero_point;            /* cannot happen for finite reals */
    double rounded = nearbyint(scaled) + output->zero_point; /* ties to even */
    return rounded < low ? low : rounded > high ? high : (int)rounded;
}

actfn_status actfn_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                     const actfn_quantization *input,
                                     const actfn_quantization *output, const void *x, void *y,
                                     size_t n) {
    if (dtype != ACTFN_S8 && dtype != ACTFN_U8)
        return fail(ACTFN_ERR_UNKNOWN_DTYPE,
                    "actfn_forward_quantized: dtype %d is not ACTFN_S8 or ACTFN_U8", (int)dtype);
    const op_def *def;
    op_params params;
    actfn_status status = op_prepare(op, ACTFN_F64, &def, &params);
    if (status != ACTFN_OK) return status;
    status = check_quantization("input", dtype, input);
    if (status == ACTFN_OK) status = check_quantization("output", dtype, output);
    if (status != ACTFN_OK || n == 0) return status;
    status = check_arrays("actfn_forward_quantized", dtype, n, x, x, y);
    if (status != ACTFN_OK) return status;
    /* the op on the 256 dequantized inputs, through the f64 kernels */
    double reals[256];
    for (int byte = 0; byte < 256; byte++) {
        int q = dtype == ACTFN_S8 ? (int)(int8_t)byte : byte;
        reals[byte] = input->scale * (q - input->zero_point);
    }
    run_forward(op->kind, &params, ACTFN_F64, reals, reals, 256);
    lookup l = {.kernel = active_kernels()->lookup_bytes, .x = x, .y = y};
    for (int byte = 0; byte < 256; byte++)
        l.table[byte] = (uint8_t)requantize(dtype, output, reals[byte]);
    use_clamp_if_possible(&l, dtype);
    if (n >= (size_t)1 << 22)
        parallel_for(n, 64, look_up, &l);
    else
        look_up(&l, 0, n);
    return ACTFN_OK;
}
