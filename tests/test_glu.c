/* SPDX-License-Identifier: MIT */
/* The gated linear units (actfn_glu_*): y = a g(b) and its backward against MPFR for
 * several gates in every floating-point dtype, the concatenated rows in both orders with
 * strides against the flat calls, every length 0..257 at odd offsets and in place
 * against one element at a time, and the argument errors. */
#include "actfn.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mpfr.h>

#include "mpfr_reference.h"
#include "parameter_cases.h"

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static double uniform(double low, double high) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return low + (high - low) * ((double)(seed >> 11) * 0x1p-53);
}

/* Gate inputs: mostly [-12, 12], some far out, exact zeros (the kinks). */
static double gate_input(void) {
    double u = uniform(0, 1);
    if (u < 0.05) return 0.0;
    if (u < 0.15) return uniform(-60, 60);
    return uniform(-12, 12);
}

/* ulp_error, or 0 where |computed - exact| is within absolute. */
static double error_beyond(actfn_dtype dtype, double computed, const mpfr_t exact,
                           double absolute) {
    if (absolute > 0 && isfinite(computed)) {
        mpfr_t difference;
        mpfr_init2(difference, mpfr_get_prec(exact) + 64);
        mpfr_sub_d(difference, exact, computed, MPFR_RNDN);
        bool within = fabs(mpfr_get_d(difference, MPFR_RNDN)) <= absolute;
        mpfr_clear(difference);
        if (within) return 0;
    }
    return ulp_error(dtype, computed, exact);
}

static const actfn_kind gates[] = {ACTFN_SIGMOID, ACTFN_SILU,         ACTFN_GELU, ACTFN_GELU_TANH,
                                   ACTFN_RELU,    ACTFN_SQUARED_RELU, ACTFN_TANH, ACTFN_SOFTSIGN};
/* F32_FAST: f32 with the gate at ACTFN_FAST */
enum { F32_FAST = 99 };
static const actfn_dtype dtypes[] = {ACTFN_F32, ACTFN_F64, ACTFN_F16, ACTFN_BF16,
                                     (actfn_dtype)F32_FAST};
enum { SAMPLES = 3000 };

/* The dtype's values of v (rounded once), and back as doubles. */
static void round_trip(actfn_dtype dtype, double *v, void *buffer, size_t n) {
    assert_int_equal(actfn_convert(v, ACTFN_F64, buffer, dtype, n), ACTFN_OK);
    assert_int_equal(actfn_convert(buffer, dtype, v, ACTFN_F64, n), ACTFN_OK);
}

static void within_bounds_against_mpfr(void **state) {
    (void)state;
    double *a = malloc(SAMPLES * sizeof *a), *b = malloc(SAMPLES * sizeof *b);
    double *dy = malloc(SAMPLES * sizeof *dy), *out = malloc(3 * SAMPLES * sizeof *out);
    char *xa = malloc(SAMPLES * 8), *xb = malloc(SAMPLES * 8), *xdy = malloc(SAMPLES * 8);
    char *y = malloc(SAMPLES * 8), *da = malloc(SAMPLES * 8), *db = malloc(SAMPLES * 8);
    assert_non_null(a && b && dy && out && xa && xb && xdy && y && da && db);
    mpfr_t g, derivative, product;
    mpfr_inits2(REFERENCE_PRECISION + 64, g, derivative, product, (mpfr_ptr)0);
    for (size_t k = 0; k < sizeof gates / sizeof *gates; k++) {
        for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++) {
            bool fast = dtypes[d] == (actfn_dtype)F32_FAST;
            actfn_dtype dtype = fast ? ACTFN_F32 : dtypes[d];
            actfn_op gate = actfn_op_init(gates[k]);
            if (fast) gate.accuracy = ACTFN_FAST;
            actfn_op applied = op_as_applied(gate, dtype);
            const actfn_op_info *info = actfn_op_describe(gates[k]);
            bool f64 = dtype == ACTFN_F64;
            /* f64: the gate's relative error, up to twice its ULPs in the product's
             * binade, and the product's rounding (for db also dy a's) */
            double forward_bound = f64 ? 2 * info->max_ulp_f64 + 0.5 : 1.0;
            double backward_bound = f64 ? 2 * info->max_ulp_backward_f64 + 1.0 : 1.0;
            if (fast) { /* g(b) within its fast bound, then the products in float */
                double g_bound = info->max_ulp_fast_f32 > 0 ? info->max_ulp_fast_f32 : 1.0;
                double d_bound =
                    info->max_ulp_fast_backward_f32 > 0 ? info->max_ulp_fast_backward_f32 : 1.0;
                forward_bound = 2 * g_bound + 1.0;
                backward_bound = 2 * d_bound + 2.0;
            }
            for (size_t i = 0; i < SAMPLES; i++)
                a[i] = uniform(-4, 4), b[i] = gate_input(), dy[i] = uniform(-4, 4);
            round_trip(dtype, a, xa, SAMPLES);
            round_trip(dtype, b, xb, SAMPLES);
            round_trip(dtype, dy, xdy, SAMPLES);
            assert_int_equal(actfn_glu_forward(&gate, dtype, xa, xb, y, SAMPLES), ACTFN_OK);
            assert_int_equal(actfn_glu_backward(&gate, dtype, xa, xb, xdy, da, db, SAMPLES),
                             ACTFN_OK);
            assert_int_equal(actfn_convert(y, dtype, out, ACTFN_F64, SAMPLES), ACTFN_OK);
            assert_int_equal(actfn_convert(da, dtype, out + SAMPLES, ACTFN_F64, SAMPLES), ACTFN_OK);
            assert_int_equal(actfn_convert(db, dtype, out + 2 * SAMPLES, ACTFN_F64, SAMPLES),
                             ACTFN_OK);
            double worst[3] = {0, 0, 0};
            for (size_t i = 0; i < SAMPLES; i++) {
                mpfr_t input;
                mpfr_init2(input, 64);
                mpfr_set_d(input, b[i], MPFR_RNDN);
                exact_forward(&applied, g, input);
                exact_derivative(&applied, derivative, input);
                mpfr_clear(input);
                mpfr_mul_d(product, g, a[i], MPFR_RNDN);
                double errors[3];
                errors[0] = ulp_error(dtype, out[i], product);
                mpfr_mul_d(product, g, dy[i], MPFR_RNDN);
                errors[1] = ulp_error(dtype, out[SAMPLES + i], product);
                /* near a zero of g' the gate's f64 error is absolute (op_table.c) */
                bool small = mpfr_cmpabs_ui(derivative, 1) < 0 &&
                             mpfr_get_exp(derivative) < -3; /* |g'| < 1/16 */
                mpfr_mul_d(product, derivative, a[i] * dy[i], MPFR_RNDN);
                errors[2] = error_beyond(dtype, out[2 * SAMPLES + i], product,
                                         small ? 8 * 0x1p-53 * fabs(a[i] * dy[i]) : 0);
                for (int e = 0; e < 3; e++)
                    if (!(errors[e] <= worst[e])) worst[e] = errors[e];
                if (errors[0] > forward_bound || errors[1] > forward_bound ||
                    errors[2] > backward_bound) {
                    print_error("%s dtype %d: a %a b %a dy %a: y %a da %a db %a (ULP %g %g %g)\n",
                                actfn_op_name(gates[k]), (int)dtype, a[i], b[i], dy[i], out[i],
                                out[SAMPLES + i], out[2 * SAMPLES + i], errors[0], errors[1],
                                errors[2]);
                    fail();
                }
            }
            printf("  %-12s %-4s y %.3g  da %.3g  db %.3g ULP (bounds %g, %g)\n",
                   actfn_op_name(gates[k]),
                   fast                 ? "fast"
                   : dtype == ACTFN_F32 ? "f32"
                   : dtype == ACTFN_F64 ? "f64"
                   : dtype == ACTFN_F16 ? "f16"
                                        : "bf16",
                   worst[0], worst[1], worst[2], forward_bound, backward_bound);
        }
    }
    mpfr_clears(g, derivative, product, (mpfr_ptr)0);
    free(a), free(b), free(dy), free(out), free(xa), free(xb), free(xdy), free(y), free(da),
        free(db);
}

/* Every length 0..257 at an odd offset, and in place, equals one element at a time. */
static void every_length_offset_and_in_place(void **state) {
    (void)state;
    enum { N = 257, OFFSET = 3 };
    float a[N + OFFSET], b[N + OFFSET], dy[N + OFFSET], y[N + OFFSET], da[N + OFFSET],
        db[N + OFFSET];
    for (size_t i = 0; i < N + OFFSET; i++)
        a[i] = (float)uniform(-3, 3), b[i] = (float)gate_input(), dy[i] = (float)uniform(-2, 2);
    actfn_op gate = actfn_op_init(ACTFN_SILU);
    for (size_t n = 0; n <= N; n++) {
        assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, a + OFFSET, b + OFFSET, y + OFFSET, n),
                         ACTFN_OK);
        assert_int_equal(actfn_glu_backward(&gate, ACTFN_F32, a + OFFSET, b + OFFSET, dy + OFFSET,
                                            da + OFFSET, db + OFFSET, n),
                         ACTFN_OK);
        for (size_t i = OFFSET; i < OFFSET + n; i++) {
            float one, one_da, one_db;
            actfn_glu_forward(&gate, ACTFN_F32, a + i, b + i, &one, 1);
            actfn_glu_backward(&gate, ACTFN_F32, a + i, b + i, dy + i, &one_da, &one_db, 1);
            assert_memory_equal(&one, y + i, sizeof one);
            assert_memory_equal(&one_da, da + i, sizeof one);
            assert_memory_equal(&one_db, db + i, sizeof one);
        }
    }
    /* in place: y = a, then y = b; da = a and db = b */
    float copy_a[N], copy_b[N];
    memcpy(copy_a, a + OFFSET, sizeof copy_a), memcpy(copy_b, b + OFFSET, sizeof copy_b);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, copy_a, b + OFFSET, copy_a, N), ACTFN_OK);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, a + OFFSET, copy_b, copy_b, N), ACTFN_OK);
    assert_memory_equal(copy_a, y + OFFSET, sizeof copy_a);
    assert_memory_equal(copy_b, y + OFFSET, sizeof copy_b);
    memcpy(copy_a, a + OFFSET, sizeof copy_a), memcpy(copy_b, b + OFFSET, sizeof copy_b);
    assert_int_equal(
        actfn_glu_backward(&gate, ACTFN_F32, copy_a, copy_b, dy + OFFSET, copy_a, copy_b, N),
        ACTFN_OK);
    assert_memory_equal(copy_a, da + OFFSET, sizeof copy_a);
    assert_memory_equal(copy_b, db + OFFSET, sizeof copy_b);
}

/* torch's layout: rows of [a | b] (or [b | a]), strided, against the flat calls. */
static void rows_match_the_flat_calls(void **state) {
    (void)state;
    enum { ROWS = 5, COLS = 19, X_STRIDE = 2 * COLS + 3, Y_STRIDE = COLS + 2 };
    actfn_dtype kinds[] = {ACTFN_F32, ACTFN_BF16};
    for (size_t d = 0; d < 2; d++) {
        actfn_dtype dtype = kinds[d];
        size_t size = actfn_dtype_size(dtype);
        double values[ROWS * X_STRIDE], gradients[ROWS * Y_STRIDE];
        for (size_t i = 0; i < ROWS * X_STRIDE; i++)
            values[i] = gate_input();
        for (size_t i = 0; i < ROWS * Y_STRIDE; i++)
            gradients[i] = uniform(-2, 2);
        char x[ROWS * X_STRIDE * 8], dy[ROWS * Y_STRIDE * 8], y[ROWS * Y_STRIDE * 8],
            dx[ROWS * X_STRIDE * 8], flat[3][COLS * 8];
        assert_int_equal(actfn_convert(values, ACTFN_F64, x, dtype, ROWS * X_STRIDE), ACTFN_OK);
        assert_int_equal(actfn_convert(gradients, ACTFN_F64, dy, dtype, ROWS * Y_STRIDE), ACTFN_OK);
        actfn_op gate;
        assert_int_equal(actfn_glu_gate_from_name("geglu_tanh", &gate), ACTFN_OK);
        assert_int_equal(gate.kind, ACTFN_GELU_TANH);
        for (int order = 0; order < 2; order++) {
            memset(dx, 0, sizeof dx);
            assert_int_equal(actfn_glu_forward_rows(&gate, dtype, (actfn_glu_order)order, ROWS,
                                                    COLS, x, X_STRIDE, y, Y_STRIDE),
                             ACTFN_OK);
            assert_int_equal(actfn_glu_backward_rows(&gate, dtype, (actfn_glu_order)order, ROWS,
                                                     COLS, x, X_STRIDE, dy, Y_STRIDE, dx, X_STRIDE),
                             ACTFN_OK);
            size_t value = order ? COLS : 0, gated = order ? 0 : COLS;
            for (size_t r = 0; r < ROWS; r++) {
                const char *row = x + r * X_STRIDE * size;
                const char *gradient = dy + r * Y_STRIDE * size;
                assert_int_equal(actfn_glu_forward(&gate, dtype, row + value * size,
                                                   row + gated * size, flat[0], COLS),
                                 ACTFN_OK);
                assert_memory_equal(flat[0], y + r * Y_STRIDE * size, COLS * size);
                assert_int_equal(actfn_glu_backward(&gate, dtype, row + value * size,
                                                    row + gated * size, gradient, flat[1], flat[2],
                                                    COLS),
                                 ACTFN_OK);
                const char *out = dx + r * X_STRIDE * size;
                assert_memory_equal(flat[1], out + value * size, COLS * size);
                assert_memory_equal(flat[2], out + gated * size, COLS * size);
            }
        }
    }
}

/* Calls large enough for the threads: one thread and two give the same bits, flat and in
 * rows (whose parts start inside a row), forward and backward, for an accurate, a fast
 * and a selecting gate and a 16-bit dtype. */
static void threads_give_the_same_bits(void **state) {
    (void)state;
    enum { ROWS = 97, COLS = 1031, N = ROWS * COLS };
    struct {
        actfn_kind gate;
        actfn_dtype dtype;
        actfn_accuracy accuracy;
    } cases[] = {{ACTFN_SILU, ACTFN_F32, ACTFN_ACCURATE},
                 {ACTFN_GELU, ACTFN_F32, ACTFN_FAST},
                 {ACTFN_RELU, ACTFN_F32, ACTFN_ACCURATE},
                 {ACTFN_SIGMOID, ACTFN_BF16, ACTFN_ACCURATE},
                 {ACTFN_GELU_TANH, ACTFN_F64, ACTFN_ACCURATE}};
    double *values = malloc(2 * N * sizeof *values), *gradients = malloc(N * sizeof *gradients);
    char *x = malloc(2 * N * 8), *dy = malloc(N * 8), *out[2][3];
    assert_non_null(values && gradients && x && dy);
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 3; k++)
            assert_non_null(out[t][k] = malloc(2 * N * 8));
    for (size_t i = 0; i < 2 * N; i++)
        values[i] = gate_input();
    for (size_t i = 0; i < N; i++)
        gradients[i] = uniform(-2, 2);
    int threads = actfn_get_num_threads();
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        actfn_dtype dtype = cases[c].dtype;
        size_t size = actfn_dtype_size(dtype);
        actfn_op gate = actfn_op_init(cases[c].gate);
        gate.accuracy = cases[c].accuracy;
        assert_int_equal(actfn_convert(values, ACTFN_F64, x, dtype, 2 * N), ACTFN_OK);
        assert_int_equal(actfn_convert(gradients, ACTFN_F64, dy, dtype, N), ACTFN_OK);
        for (int t = 0; t < 2; t++) {
            assert_int_equal(actfn_set_num_threads(t + 1), ACTFN_OK);
            assert_int_equal(actfn_glu_forward(&gate, dtype, x, x + N * size, out[t][0], N),
                             ACTFN_OK);
            assert_int_equal(actfn_glu_backward(&gate, dtype, x, x + N * size, dy, out[t][1],
                                                out[t][1] + N * size, N),
                             ACTFN_OK);
            assert_int_equal(actfn_glu_backward_rows(&gate, dtype, ACTFN_GLU_GATE_FIRST, ROWS, COLS,
                                                     x, 2 * COLS, dy, COLS, out[t][2], 2 * COLS),
                             ACTFN_OK);
        }
        assert_memory_equal(out[0][0], out[1][0], N * size);
        assert_memory_equal(out[0][1], out[1][1], 2 * N * size);
        assert_memory_equal(out[0][2], out[1][2], 2 * N * size);
    }
    assert_int_equal(actfn_set_num_threads(threads), ACTFN_OK);
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 3; k++)
            free(out[t][k]);
    free(values), free(gradients), free(x), free(dy);
}

static void argument_errors(void **state) {
    (void)state;
    float a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {0}, y[8];
    actfn_op gate = actfn_op_init(ACTFN_SIGMOID), bad = gate;
    assert_int_equal(actfn_glu_forward(NULL, ACTFN_F32, a, b, y, 8), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, NULL, b, y, 8), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, NULL, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_glu_forward(&gate, (actfn_dtype)99, a, b, y, 8),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_S8, a, b, y, 8), ACTFN_ERR_UNSUPPORTED);
    bad.kind = (actfn_kind)999;
    assert_int_equal(actfn_glu_forward(&bad, ACTFN_F32, a, b, y, 8), ACTFN_ERR_UNKNOWN_OP);
    bad = actfn_op_init(ACTFN_ELU);
    bad.alpha = NAN;
    assert_int_equal(actfn_glu_forward(&bad, ACTFN_F32, a, b, y, 8), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, a, b, a + 1, 7), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_glu_backward(&gate, ACTFN_F32, a, b, a, y, y + 1, 4),
                     ACTFN_ERR_OVERLAP); /* da and db overlap */
    assert_int_equal(actfn_glu_forward_rows(&gate, ACTFN_F32, (actfn_glu_order)2, 1, 4, a, 8, y, 4),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(
        actfn_glu_forward_rows(&gate, ACTFN_F32, ACTFN_GLU_VALUE_FIRST, 2, 4, a, 7, y, 4),
        ACTFN_ERR_BAD_PARAMETER); /* stride below 2 cols */
    assert_int_equal(
        actfn_glu_forward_rows(&gate, ACTFN_F32, ACTFN_GLU_VALUE_FIRST, 1, 4, a, 8, a + 2, 4),
        ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_glu_forward_rows(&gate, ACTFN_F32, ACTFN_GLU_VALUE_FIRST, 1, SIZE_MAX, a,
                                            SIZE_MAX, y, SIZE_MAX),
                     ACTFN_ERR_BAD_PARAMETER);
    actfn_op named;
    assert_int_equal(actfn_glu_gate_from_name("swiglu", &named), ACTFN_OK);
    assert_int_equal(named.kind, ACTFN_SILU);
    assert_int_equal(actfn_glu_gate_from_name("bogus", &named), ACTFN_ERR_UNKNOWN_OP);
    assert_int_equal(actfn_glu_gate_from_name(NULL, &named), ACTFN_ERR_NULL_POINTER);
    /* NaN in either half gives NaN */
    float nan_a = NAN, one = 1, out;
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, &nan_a, &one, &out, 1), ACTFN_OK);
    assert_true(isnan(out));
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_F32, &one, &nan_a, &out, 1), ACTFN_OK);
    assert_true(isnan(out));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(within_bounds_against_mpfr),
        cmocka_unit_test(every_length_offset_and_in_place),
        cmocka_unit_test(rows_match_the_flat_calls),
        cmocka_unit_test(threads_give_the_same_bits),
        cmocka_unit_test(argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
