/* SPDX-License-Identifier: MIT */
/* The documented semantics value by value (NaN, signed zeros, kinks, infinities), the
 * shortcuts, the floating-point environment, per-thread errors, and the 16-bit types. */
#include "actfn.h"
#include "route/dispatch.h"
#include "spec/op_table.h"

#include <fenv.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_values.h"

#include <cmocka.h>

/* ---------------------------------------------------------------------------------- */
/* The documented semantics, value by value.                                          */

typedef struct semantic_case {
    actfn_kind kind;
    double grad_at_zero; /* NaN: the default */
    double x;
    double y;  /* expected f(x), sign of zero included; NaN means any NaN */
    double dx; /* expected backward with dy */
    double dy;
} semantic_case;

#define DEFAULT NAN
static const semantic_case semantics[] = {
    /* relu: NaN propagates; -0 gives +0; the derivative at 0 is grad_at_zero. */
    {ACTFN_RELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_RELU, DEFAULT, -0.0, 0.0, 0.0, 1},
    {ACTFN_RELU, DEFAULT, 0.0, 0.0, 0.0, 1},
    {ACTFN_RELU, 1.0, 0.0, 0.0, 1.0, 1},
    {ACTFN_RELU, 1.0, -0.0, 0.0, 1.0, 1},
    {ACTFN_RELU, 0.5, 0.0, 0.0, 0.5, 1},
    {ACTFN_RELU, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_RELU, DEFAULT, -INFINITY, 0.0, 0.0, 1},
    {ACTFN_RELU, DEFAULT, -2, 0.0, 0.0, INFINITY}, /* the dead side gives +0, even for inf */
    {ACTFN_RELU, DEFAULT, -2, 0.0, 0.0, NAN},
    {ACTFN_RELU, DEFAULT, 2, 2, -3, -3},
    {ACTFN_RELU, DEFAULT, 0x1p-149, 0x1p-149, 1, 1}, /* f32 subnormals are not flushed */
    {ACTFN_LEAKY_RELU, DEFAULT, -0.0, -0.0, 0.01, 1},
    {ACTFN_LEAKY_RELU, DEFAULT, 0.0, 0.0, 0.01, 1},
    {ACTFN_LEAKY_RELU, 1.0, 0.0, 0.0, 1, 1},
    {ACTFN_LEAKY_RELU, DEFAULT, -INFINITY, -INFINITY, 0.01, 1},
    {ACTFN_LEAKY_RELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_RELU6, DEFAULT, 6, 6, 0, 1},
    {ACTFN_RELU6, DEFAULT, 7, 6, 0, 1},
    {ACTFN_RELU6, DEFAULT, INFINITY, 6, 0, 1},
    {ACTFN_RELU6, DEFAULT, -0.0, 0.0, 0, 1},
    {ACTFN_RELU6, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_HARDTANH, DEFAULT, -0.0, -0.0, 1, 1},
    {ACTFN_HARDTANH, DEFAULT, -1, -1, 0, 1},
    {ACTFN_HARDTANH, DEFAULT, -INFINITY, -1, 0, 1},
    {ACTFN_HARDTANH, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_IDENTITY, DEFAULT, -0.0, -0.0, 1, 1},
    {ACTFN_IDENTITY, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_ELU, DEFAULT, -INFINITY, -1, 0, 1},
    {ACTFN_ELU, DEFAULT, 0.0, 0.0, 1, 1},
    {ACTFN_ELU, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_ELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SIGMOID, DEFAULT, INFINITY, 1, 0, 1},
    {ACTFN_SIGMOID, DEFAULT, -INFINITY, 0, 0, 1},
    {ACTFN_SIGMOID, DEFAULT, 0, 0.5, 0.25, 1},
    {ACTFN_SIGMOID, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_TANH, DEFAULT, INFINITY, 1, 0, 1},
    {ACTFN_TANH, DEFAULT, -INFINITY, -1, 0, 1},
    {ACTFN_TANH, DEFAULT, -0.0, -0.0, 1, 1},
    {ACTFN_TANH, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_GELU, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_GELU, DEFAULT, -INFINITY, -0.0, -0.0, 1}, /* f' < 0 there */
    {ACTFN_GELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_GELU_TANH, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_GELU_TANH, DEFAULT, -INFINITY, -0.0, -0.0, 1}, /* f' < 0 there */
    {ACTFN_SILU, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_SILU, DEFAULT, -INFINITY, -0.0, -0.0, 1}, /* f' < 0 there */
    {ACTFN_SILU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_MISH, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_MISH, DEFAULT, -INFINITY, -0.0, -0.0, 1}, /* f' < 0 there */
    {ACTFN_MISH, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SOFTPLUS, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_SOFTPLUS, DEFAULT, -INFINITY, 0, 0, 1},
    {ACTFN_SOFTPLUS, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_CELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_HARDSIGMOID, DEFAULT, -3, 0, 0, 1},
    {ACTFN_HARDSIGMOID, DEFAULT, 3, 1, 0, 1},
    {ACTFN_HARDSIGMOID, DEFAULT, 0, 0.5, 1.0 / 6, 1},
    {ACTFN_HARDSIGMOID, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_HARDSWISH, DEFAULT, -4, 0.0, 0, 1},
    {ACTFN_HARDSWISH, DEFAULT, -3, 0.0, -0.5, 1}, /* PyTorch's derivative at the kinks */
    {ACTFN_HARDSWISH, DEFAULT, 3, 3, 1.5, 1},
    {ACTFN_HARDSWISH, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_HARDSWISH, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SQUARED_RELU, DEFAULT, -2, 0.0, 0.0, 1},
    {ACTFN_SQUARED_RELU, DEFAULT, -0.0, 0.0, 0.0, 1}, /* +0, not -0 */
    {ACTFN_SQUARED_RELU, DEFAULT, 0.0, 0.0, 0.0, 1},  /* f'(0) = 0: smooth there */
    {ACTFN_SQUARED_RELU, DEFAULT, 3, 9, 6, 1},
    {ACTFN_SQUARED_RELU, DEFAULT, -INFINITY, 0.0, 0.0, NAN}, /* a dead unit ignores dy */
    {ACTFN_SQUARED_RELU, DEFAULT, INFINITY, INFINITY, INFINITY, 1},
    {ACTFN_SQUARED_RELU, DEFAULT, 1e200, INFINITY, 2e200, 1},
    {ACTFN_SQUARED_RELU, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SOFTSIGN, DEFAULT, -0.0, -0.0, 1, 1},
    {ACTFN_SOFTSIGN, DEFAULT, 1, 0.5, 0.25, 1},
    {ACTFN_SOFTSIGN, DEFAULT, -3, -0.75, 0.0625, 1},
    {ACTFN_SOFTSIGN, DEFAULT, INFINITY, 1, 0.0, 1}, /* not inf / inf */
    {ACTFN_SOFTSIGN, DEFAULT, -INFINITY, -1, 0.0, 1},
    {ACTFN_SOFTSIGN, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_LOGSIGMOID, DEFAULT, INFINITY, -0.0, 0.0, 1}, /* 0 approached from below */
    {ACTFN_LOGSIGMOID, DEFAULT, 800, -0.0, 0.0, 1},
    {ACTFN_LOGSIGMOID, DEFAULT, -INFINITY, -INFINITY, 1, 1},
    {ACTFN_LOGSIGMOID, DEFAULT, -1e30, -1e30, 1, 1}, /* no overflow in exp(-x) */
    {ACTFN_LOGSIGMOID, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_HARDSHRINK, DEFAULT, 0.5, 0.0, 0.0, 1}, /* the kinks: 0, as PyTorch */
    {ACTFN_HARDSHRINK, DEFAULT, -0.5, 0.0, 0.0, 1},
    {ACTFN_HARDSHRINK, DEFAULT, 0.75, 0.75, 1, 1},
    {ACTFN_HARDSHRINK, DEFAULT, -0.75, -0.75, 1, 1},
    {ACTFN_HARDSHRINK, DEFAULT, -0.0, 0.0, 0.0, 1},
    {ACTFN_HARDSHRINK, DEFAULT, 0.25, 0.0, 0.0, INFINITY}, /* the shrunk side ignores dy */
    {ACTFN_HARDSHRINK, DEFAULT, -INFINITY, -INFINITY, 1, 1},
    {ACTFN_HARDSHRINK, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, 0.75, 0.25, 1, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, -0.75, -0.25, 1, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, 0.5, 0.0, 0.0, 1}, /* the kinks: 0, as PyTorch */
    {ACTFN_SOFTSHRINK, DEFAULT, -0.5, 0.0, 0.0, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, -0.0, 0.0, 0.0, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, 0.25, 0.0, 0.0, NAN},
    {ACTFN_SOFTSHRINK, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_SOFTSHRINK, DEFAULT, NAN, NAN, NAN, 1}, /* NaN, not 0 */
    {ACTFN_TANHSHRINK, DEFAULT, 0.0, 0.0, 0.0, 1},
    {ACTFN_TANHSHRINK, DEFAULT, -0.0, -0.0, 0.0, 1},
    {ACTFN_TANHSHRINK, DEFAULT, 1e-300, 0.0, 0.0, 1}, /* x^3 / 3 underflows */
    {ACTFN_TANHSHRINK, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_TANHSHRINK, DEFAULT, -INFINITY, -INFINITY, 1, 1},
    {ACTFN_TANHSHRINK, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_THRESHOLD, DEFAULT, 0.0, 0.0, 0.0, 1}, /* at the threshold: value, f' = 0 */
    {ACTFN_THRESHOLD, DEFAULT, -0.0, 0.0, 0.0, 1},
    {ACTFN_THRESHOLD, DEFAULT, 2, 2, 1, 1},
    {ACTFN_THRESHOLD, DEFAULT, -3, 0.0, 0.0, INFINITY},
    {ACTFN_THRESHOLD, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_THRESHOLD, DEFAULT, -INFINITY, 0.0, 0.0, 1},
    {ACTFN_THRESHOLD, DEFAULT, NAN, NAN, NAN, 1}, /* NaN, not value */
    {ACTFN_SQUAREPLUS, DEFAULT, 0.0, 1, 0.5, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, -0.0, 1, 0.5, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, 1.5, 2, 0.8, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, -1.5, 0.5, 0.2, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, -INFINITY, 0.0, 0.0, 1},
    {ACTFN_SQUAREPLUS, DEFAULT, NAN, NAN, NAN, 1},
    {ACTFN_RRELU, DEFAULT, 2, 2, 1, 1}, /* eval mode: leaky_relu */
    {ACTFN_RRELU, DEFAULT, INFINITY, INFINITY, 1, 1},
    {ACTFN_RRELU, DEFAULT, -0.0, -0.0, 0.0, 0}, /* dy = 0: the slope's value aside */
    {ACTFN_RRELU, DEFAULT, NAN, NAN, NAN, 1},
};

static int matches(double got, double expected) {
    if (isnan(expected)) return isnan(got);
    return got == expected && signbit(got) == signbit(expected);
}

static void documented_semantics_hold_in_both_dtypes(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof semantics / sizeof *semantics; i++) {
        const semantic_case *c = &semantics[i];
        actfn_op op = actfn_op_init(c->kind);
        if (!isnan(c->grad_at_zero)) op.grad_at_zero = c->grad_at_zero;
        double x64 = c->x, dy64 = c->dy, y64, dx64;
        float x32 = (float)c->x, dy32 = (float)c->dy, y32, dx32;
        assert_int_equal(actfn_forward(&op, ACTFN_F64, &x64, &y64, 1), ACTFN_OK);
        assert_int_equal(actfn_backward(&op, ACTFN_F64, &x64, &dy64, &dx64, 1), ACTFN_OK);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, &x32, &y32, 1), ACTFN_OK);
        assert_int_equal(actfn_backward(&op, ACTFN_F32, &x32, &dy32, &dx32, 1), ACTFN_OK);
        double expected_y32 = (float)c->y, expected_dx32 = (float)c->dx;
        if (!matches(y64, c->y) || !matches(dx64, c->dx) || !matches(y32, expected_y32) ||
            !matches(dx32, expected_dx32)) {
            print_error("case %zu %s(%g): f64 %g %g, f32 %g %g; expected %g %g\n", i,
                        actfn_op_name(c->kind), c->x, y64, dx64, (double)y32, (double)dx32, c->y,
                        c->dx);
            fail();
        }
    }
}

static void backward_from_output_agrees_with_backward_from_input(void **state) {
    (void)state;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        actfn_op op = actfn_op_init((actfn_kind)kind);
        double probe;
        if (actfn_backward_from_output(&op, ACTFN_F64, &probe, &probe, &probe, 1) != ACTFN_OK)
            continue;
        for (int i = 0; i < 2000; i++) {
            double x = -12 + 24 * ((double)(next_random() >> 11) * 0x1p-53), dy = 1.5;
            double y, from_input, from_output;
            actfn_forward(&op, ACTFN_F64, &x, &y, 1);
            actfn_backward(&op, ACTFN_F64, &x, &dy, &from_input, 1);
            actfn_backward_from_output(&op, ACTFN_F64, &y, &dy, &from_output, 1);
            /* y carries f's rounding, so the two agree to that: relatively, except where
             * a saturated y loses what x still had (sigmoid, tanh for |x| > 6). */
            double tolerance = 1e-14 * fabs(from_input) + 1e-14 * fabs(y / (x == 0 ? 1 : x));
            if (fabs(x) > 6 && (kind == ACTFN_SIGMOID || kind == ACTFN_TANH)) tolerance = 1e-10;
            if (fabs(from_input - from_output) > tolerance) {
                print_error("%s at x=%g: from x %.17g, from y %.17g\n",
                            actfn_op_name((actfn_kind)kind), x, from_input, from_output);
                fail();
            }
        }
    }
}

static void shortcuts_equal_the_generic_calls(void **state) {
    (void)state;
    enum { N = 64 };
    float x[N], dy[N], a[N], b[N];
    double x64[N], dy64[N], a64[N], b64[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)interesting_value((size_t)i);
        dy[i] = (float)interesting_value((size_t)i + 3);
        x64[i] = interesting_value((size_t)i);
        dy64[i] = interesting_value((size_t)i + 3);
    }
    actfn_op relu = actfn_op_init(ACTFN_RELU), sigmoid = actfn_op_init(ACTFN_SIGMOID);
    actfn_op tanh_op = actfn_op_init(ACTFN_TANH), leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    leaky.negative_slope = 0.125;
    assert_int_equal(actfn_relu_f32(x, a, N), ACTFN_OK);
    actfn_forward(&relu, ACTFN_F32, x, b, N);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(actfn_relu_backward_f32(x, dy, a, N), ACTFN_OK);
    actfn_backward(&relu, ACTFN_F32, x, dy, b, N);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(actfn_relu_f64(x64, a64, N), ACTFN_OK);
    actfn_forward(&relu, ACTFN_F64, x64, b64, N);
    assert_memory_equal(a64, b64, sizeof a64);
    assert_int_equal(actfn_relu_backward_f64(x64, dy64, a64, N), ACTFN_OK);
    actfn_backward(&relu, ACTFN_F64, x64, dy64, b64, N);
    assert_memory_equal(a64, b64, sizeof a64);
    assert_int_equal(actfn_leaky_relu_f32(x, a, N, 0.125f), ACTFN_OK);
    actfn_forward(&leaky, ACTFN_F32, x, b, N);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(actfn_leaky_relu_f32(x, a, N, NAN), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_sigmoid_f32(x, a, N), ACTFN_OK);
    actfn_forward(&sigmoid, ACTFN_F32, x, b, N);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(actfn_tanh_f32(x, a, N), ACTFN_OK);
    actfn_forward(&tanh_op, ACTFN_F32, x, b, N);
    assert_memory_equal(a, b, sizeof a);
}

/* The library neither reads nor changes the floating-point environment: results are
 * the same under another rounding mode, and the mode is left as it was. */
static void the_floating_point_environment_is_left_alone(void **state) {
    (void)state;
    float x[3] = {0x1p-149f, -2.5f, 0.3f}, y[3], expected[3];
    actfn_op op = actfn_op_init(ACTFN_LEAKY_RELU);
    actfn_forward(&op, ACTFN_F32, x, expected, 3);
    fenv_t before, after;
    fegetenv(&before);
    actfn_forward(&op, ACTFN_F32, x, y, 3);
    fegetenv(&after);
    assert_memory_equal(&before, &after, sizeof before);
    assert_true(y[0] == 0x1p-149f); /* not flushed */
}

static void last_error_is_per_thread_and_names_the_op(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_CELU);
    op.alpha = 0;
    float x = 1, y;
    assert_int_equal(actfn_forward(&op, ACTFN_F32, &x, &y, 1), ACTFN_ERR_BAD_PARAMETER);
    assert_string_equal(actfn_last_error(), "celu: alpha must be finite and != 0, got 0");
}

/* f16 and bf16 on the ISA in use (NEON too, under qemu, where MPFR's test_narrow does not
 * run): every 7th of the 65,536 inputs of each type (test_narrow takes them all, natively;
 * this keeps the emulated run short), forward and backward (dy = 1), equals
 * the library's own f64 result rounded once by actfn_convert; the only exceptions allowed
 * are the bf16 ties at |x| < 2^-60 that the 16-bit path breaks upwards (docs/semantics.md). */
static void sixteen_bit_types_match_the_f64_path_rounded_once(void **state) {
    (void)state;
    enum { PATTERNS = (1 << 16) / 7 + 1 }; /* bit patterns 0, 7, 14, ... */
    static uint16_t x[PATTERNS], y[PATTERNS], ones[PATTERNS], want[PATTERNS];
    static double wide[PATTERNS], wide_ones[PATTERNS];
    const actfn_dtype types[2] = {ACTFN_F16, ACTFN_BF16};
    for (int t = 0; t < 2; t++) {
        for (uint32_t i = 0; i < PATTERNS; i++)
            x[i] = (uint16_t)(7 * i), wide_ones[i] = 1.0;
        assert_int_equal(actfn_convert(wide_ones, ACTFN_F64, ones, types[t], PATTERNS), ACTFN_OK);
        for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
            actfn_op op = actfn_op_init((actfn_kind)kind);
            for (int backward = 0; backward < 2; backward++) {
                assert_int_equal(actfn_convert(x, types[t], wide, ACTFN_F64, PATTERNS), ACTFN_OK);
                actfn_op as_float = op; /* the 16-bit types use float parameters */
                double *fields[] = {&as_float.negative_slope,
                                    &as_float.cap,
                                    &as_float.min_val,
                                    &as_float.max_val,
                                    &as_float.alpha,
                                    &as_float.beta,
                                    &as_float.threshold,
                                    &as_float.grad_at_zero,
                                    &as_float.value,
                                    &as_float.lambd,
                                    &as_float.b,
                                    &as_float.lower,
                                    &as_float.upper};
                for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
                    *fields[f] = isnan(*fields[f]) ? *fields[f] : (double)(float)*fields[f];
                if (kind == ACTFN_RRELU) { /* leaky_relu with the mean slope, as a float */
                    double slope = (float)((as_float.lower + as_float.upper) / 2);
                    as_float = actfn_op_init(ACTFN_LEAKY_RELU);
                    as_float.negative_slope = as_float.grad_at_zero = slope;
                }
                if (backward) {
                    assert_int_equal(actfn_backward(&op, types[t], x, ones, y, PATTERNS), ACTFN_OK);
                    assert_int_equal(
                        actfn_backward(&as_float, ACTFN_F64, wide, wide_ones, wide, PATTERNS),
                        ACTFN_OK);
                } else {
                    assert_int_equal(actfn_forward(&op, types[t], x, y, PATTERNS), ACTFN_OK);
                    assert_int_equal(actfn_forward(&as_float, ACTFN_F64, wide, wide, PATTERNS),
                                     ACTFN_OK);
                }
                assert_int_equal(actfn_convert(wide, ACTFN_F64, want, types[t], PATTERNS),
                                 ACTFN_OK);
                for (uint32_t i = 0; i < PATTERNS; i++) {
                    double input;
                    actfn_convert(&x[i], types[t], &input, ACTFN_F64, 1);
                    int nan_y = (y[i] & 0x7fff) > (types[t] == ACTFN_F16 ? 0x7c00 : 0x7f80);
                    int nan_want = (want[i] & 0x7fff) > (types[t] == ACTFN_F16 ? 0x7c00 : 0x7f80);
                    if (nan_y && nan_want) continue;
                    if (y[i] == want[i]) continue;
                    if (fabs(input) < 0x1p-60 && abs((int)y[i] - (int)want[i]) == 1) continue;
                    print_error("%s %s %s x=%a: %04x, f64 path %04x\n",
                                actfn_op_name((actfn_kind)kind),
                                types[t] == ACTFN_F16 ? "f16" : "bf16",
                                backward ? "backward" : "forward", input, y[i], want[i]);
                    fail();
                }
            }
        }
    }
}

static void dtype_sizes_are_the_element_sizes(void **state) {
    (void)state;
    assert_int_equal(actfn_dtype_size(ACTFN_F32), sizeof(float));
    assert_int_equal(actfn_dtype_size(ACTFN_F64), sizeof(double));
    assert_int_equal(actfn_dtype_size(ACTFN_F16), 2);
    assert_int_equal(actfn_dtype_size(ACTFN_BF16), 2);
    assert_int_equal(actfn_dtype_size(ACTFN_S8), 1);
    assert_int_equal(actfn_dtype_size(ACTFN_U8), 1);
    assert_int_equal(actfn_dtype_size((actfn_dtype)0), 0);
    assert_int_equal(actfn_dtype_size((actfn_dtype)99), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dtype_sizes_are_the_element_sizes),
        cmocka_unit_test(documented_semantics_hold_in_both_dtypes),
        cmocka_unit_test(backward_from_output_agrees_with_backward_from_input),
        cmocka_unit_test(shortcuts_equal_the_generic_calls),
        cmocka_unit_test(the_floating_point_environment_is_left_alone),
        cmocka_unit_test(last_error_is_per_thread_and_names_the_op),
        cmocka_unit_test(sixteen_bit_types_match_the_f64_path_rounded_once),
    };
    return cmocka_run_group_tests_name("semantics", tests, NULL, NULL);
}
