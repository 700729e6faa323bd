/* f16 and bf16: each block of 16-bit values widened to double (exactly), the op's f64
 * kernel or reference applied there, and the results narrowed once, to nearest, ties to
 * even. The double result is within a few double ULPs of the exact value, so the one
 * rounding to 16 bits gives the correctly rounded result (docs/semantics.md). */
#include "../kernels.h"
#include "../narrow_float.h"

#include <math.h>

enum { BLOCK = 256 };

typedef double (*widen_fn)(uint16_t);
typedef uint16_t (*narrow_fn)(double);

static widen_fn widen_of(actfn_dtype dtype) {
    return dtype == ACTFN_F16 ? f16_to_double : bf16_to_double;
}

static narrow_fn narrow_of(actfn_dtype dtype) {
    return dtype == ACTFN_F16 ? double_to_f16 : double_to_bf16;
}

/* For the ops with f(x) = x/2 + c x^2 + ..., c > 0: where |x| < 2^-60 the double result
 * is x/2, which can be a tie of the 16-bit type (bf16 subnormals); the exact value lies
 * just above it, so one double ULP up breaks the tie the right way and moves nothing
 * else (x/2 is either a tie or far from one). */
static void nudge_half_x(const uint16_t *x, widen_fn widen, double *block, size_t m) {
    for (size_t j = 0; j < m; j++) {
        double value = widen(x[j]);
        if (value != 0 && fabs(value) < 0x1p-60 && block[j] == value / 2)
            block[j] = nextafter(block[j], INFINITY);
    }
}

void narrow_forward(const op_def *def, forward_kernel wide_kernel, const op_params *params,
                    actfn_dtype dtype, const void *input, void *output, size_t n) {
    const uint16_t *x = input;
    uint16_t *y = output;
    widen_fn widen = widen_of(dtype);
    narrow_fn narrow = narrow_of(dtype);
    double block[BLOCK];
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        for (size_t j = 0; j < m; j++)
            block[j] = widen(x[i + j]);
        if (wide_kernel != NULL)
            wide_kernel(params, block, block, m);
        else
            reference_forward(def, params, ACTFN_F64, block, block, m);
        if (def->above_half_x_near_zero) nudge_half_x(x + i, widen, block, m);
        for (size_t j = 0; j < m; j++)
            y[i + j] = narrow(block[j]);
    }
}

void narrow_backward(backward_kernel wide_kernel, scalar_backward_fn reference,
                     const op_params *params, actfn_dtype dtype, const void *input,
                     const void *gradient, void *output, size_t n) {
    const uint16_t *v = input, *dy = gradient;
    uint16_t *dx = output;
    widen_fn widen = widen_of(dtype);
    narrow_fn narrow = narrow_of(dtype);
    double values[BLOCK], gradients[BLOCK];
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        for (size_t j = 0; j < m; j++) {
            values[j] = widen(v[i + j]);
            gradients[j] = widen(dy[i + j]);
        }
        if (wide_kernel != NULL)
            wide_kernel(params, values, gradients, values, m);
        else
            reference_backward(reference, params, ACTFN_F64, values, gradients, values, m);
        for (size_t j = 0; j < m; j++)
            dx[i + j] = narrow(values[j]);
    }
}
