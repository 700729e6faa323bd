/* SPDX-License-Identifier: MIT */
/* The quantized layer ops: the GLUs (actfn_glu_forward_quantized and its rows form) over
 * every pair of input bytes for several gates, int8 and uint8, against the formula of
 * actfn.h computed here; rrelu's quantized training forward against the slopes of
 * actfn_rrelu_slope; every split of a call, the thread counts and in place giving the same
 * bytes; and the argument errors. */
#include "actfn.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The formula as actfn.h states it: clamp(round(real / scale) + zero_point). */
static int expected_byte(actfn_dtype dtype, const actfn_quantization *q, double real) {
    int low = dtype == ACTFN_S8 ? -128 : 0, high = dtype == ACTFN_S8 ? 127 : 255;
    double scaled = real / q->scale;
    if (isnan(scaled)) return q->zero_point;
    double rounded = nearbyint(scaled) + q->zero_point;
    return rounded < low ? low : rounded > high ? high : (int)rounded;
}

static int integer_of(actfn_dtype dtype, uint8_t byte) {
    return dtype == ACTFN_S8 ? (int8_t)byte : byte;
}

static double real_of(actfn_dtype dtype, const actfn_quantization *q, uint8_t byte) {
    return q->scale * (integer_of(dtype, byte) - q->zero_point);
}

static double gate_at(const actfn_op *gate, double b) {
    double g;
    assert_int_equal(actfn_forward(gate, ACTFN_F64, &b, &g, 1), ACTFN_OK);
    return g;
}

enum { PAIRS = 256 * 256 };

static void glu_every_byte_pair_matches_the_formula(void **state) {
    (void)state;
    const char *variants[] = {"glu", "swiglu", "geglu", "geglu_tanh", "reglu", "squared_reglu"};
    const actfn_dtype types[] = {ACTFN_S8, ACTFN_U8};
    /* same quantizations, requantization, a wide output range, ties (scale 0.5: products
     * of halves land on .5 multiples), a zero point at the type's end */
    const actfn_quantization cases[][3] = {
        {{0.05, 0}, {0.05, 0}, {0.05, 0}},
        {{0.1, -3}, {0.04, 7}, {0.02, 5}},
        {{0.5, 0}, {0.5, 0}, {0.5, 0}},
        {{0.02, 100}, {0.08, -100}, {0.3, 127}},
    };
    uint8_t *a = malloc(PAIRS), *b = malloc(PAIRS), *y = malloc(PAIRS), *in_place = malloc(PAIRS);
    assert_non_null(a && b && y && in_place);
    for (int i = 0; i < PAIRS; i++)
        a[i] = (uint8_t)(i >> 8), b[i] = (uint8_t)i;
    long checked = 0;
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++)
        for (size_t t = 0; t < 2; t++)
            for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
                actfn_op gate;
                assert_int_equal(actfn_glu_gate_from_name(variants[v], &gate), ACTFN_OK);
                actfn_dtype dtype = types[t];
                actfn_quantization qa = cases[k][0], qb = cases[k][1], qy = cases[k][2];
                if (dtype == ACTFN_U8) /* the same cases moved into uint8's range */
                    qa.zero_point += 128, qb.zero_point += 128, qy.zero_point += 128;
                assert_int_equal(
                    actfn_glu_forward_quantized(&gate, dtype, &qa, &qb, &qy, a, b, y, PAIRS),
                    ACTFN_OK);
                double gates[256];
                for (int byte = 0; byte < 256; byte++)
                    gates[byte] = gate_at(&gate, real_of(dtype, &qb, (uint8_t)byte));
                for (int i = 0; i < PAIRS; i++) {
                    int want = expected_byte(dtype, &qy, real_of(dtype, &qa, a[i]) * gates[b[i]]);
                    if (integer_of(dtype, y[i]) != want)
                        fail_msg("%s %s case %zu: a %d b %d gave %d, want %d", variants[v],
                                 dtype == ACTFN_S8 ? "s8" : "u8", k, integer_of(dtype, a[i]),
                                 integer_of(dtype, b[i]), integer_of(dtype, y[i]), want);
                    checked++;
                }
                /* in place, into a and into b */
                memcpy(in_place, a, PAIRS);
                assert_int_equal(actfn_glu_forward_quantized(&gate, dtype, &qa, &qb, &qy, in_place,
                                                             b, in_place, PAIRS),
                                 ACTFN_OK);
                assert_memory_equal(in_place, y, PAIRS);
                memcpy(in_place, b, PAIRS);
                assert_int_equal(actfn_glu_forward_quantized(&gate, dtype, &qa, &qb, &qy, a,
                                                             in_place, in_place, PAIRS),
                                 ACTFN_OK);
                assert_memory_equal(in_place, y, PAIRS);
            }
    assert_int_equal(checked, 6L * 2 * 4 * PAIRS);
    free(a), free(b), free(y), free(in_place);
}

/* The rows form (both orders, strides) against the flat call on each row's halves. */
static void glu_rows_match_the_flat_call(void **state) {
    (void)state;
    enum { ROWS = 37, COLS = 301, X_STRIDE = 2 * COLS + 5, Y_STRIDE = COLS + 3 };
    uint8_t *x = malloc(ROWS * X_STRIDE), *y = calloc(ROWS, Y_STRIDE), *flat = malloc(COLS);
    assert_non_null(x && y && flat);
    for (int i = 0; i < ROWS * X_STRIDE; i++)
        x[i] = (uint8_t)(i * 37 + (i >> 7));
    actfn_op gate;
    assert_int_equal(actfn_glu_gate_from_name("swiglu", &gate), ACTFN_OK);
    actfn_quantization qx = {0.07, -2}, qy = {0.03, 4};
    for (int order = 0; order < 2; order++) {
        assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, &qx, &qy,
                                                          (actfn_glu_order)order, ROWS, COLS, x,
                                                          X_STRIDE, y, Y_STRIDE),
                         ACTFN_OK);
        for (int r = 0; r < ROWS; r++) {
            const uint8_t *row = x + r * X_STRIDE;
            const uint8_t *value = order == ACTFN_GLU_GATE_FIRST ? row + COLS : row;
            const uint8_t *gates = order == ACTFN_GLU_GATE_FIRST ? row : row + COLS;
            assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &qx, &qx, &qy, value,
                                                         gates, flat, COLS),
                             ACTFN_OK);
            assert_memory_equal(flat, y + r * Y_STRIDE, COLS);
        }
    }
    free(x), free(y), free(flat);
}

/* 1 and 2 threads, and the call split at odd places: the same bytes. */
static void splits_and_threads_give_the_same_bytes(void **state) {
    (void)state;
    enum { N = 1 << 17 };
    uint8_t *a = malloc(N), *b = malloc(N), *one = malloc(N), *two = malloc(N), *parts = malloc(N);
    assert_non_null(a && b && one && two && parts);
    for (int i = 0; i < N; i++)
        a[i] = (uint8_t)(i * 131 + 7), b[i] = (uint8_t)(i * 29 + (i >> 9));
    actfn_op gate = actfn_op_init(ACTFN_GELU), rrelu = actfn_op_init(ACTFN_RRELU);
    actfn_quantization q = {0.05, 3}, out = {0.04, -1};
    int threads = actfn_get_num_threads();
    for (int op = 0; op < 2; op++) {
        uint8_t *results[] = {one, two};
        for (int t = 1; t <= 2; t++) {
            assert_int_equal(actfn_set_num_threads(t), ACTFN_OK);
            assert_int_equal(op == 0 ? actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, &out, a,
                                                                   b, results[t - 1], N)
                                     : actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, &q,
                                                                           &out, 77, 1000, a,
                                                                           results[t - 1], N),
                             ACTFN_OK);
        }
        assert_memory_equal(one, two, N);
        for (size_t start = 0; start < N; start += 4099) {
            size_t m = N - start < 4099 ? N - start : 4099;
            assert_int_equal(
                op == 0 ? actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, &out, a + start,
                                                      b + start, parts + start, m)
                        : actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, &q, &out, 77,
                                                              1000 + start, a + start,
                                                              parts + start, m),
                ACTFN_OK);
        }
        assert_memory_equal(parts, one, N);
    }
    assert_int_equal(actfn_set_num_threads(threads), ACTFN_OK);
    free(a), free(b), free(one), free(two), free(parts);
}

static void rrelu_matches_its_slopes(void **state) {
    (void)state;
    enum { N = 4096 };
    actfn_op op = actfn_op_init(ACTFN_RRELU);
    assert_int_equal(actfn_op_set(&op, "lower", 0.1), ACTFN_OK);
    assert_int_equal(actfn_op_set(&op, "upper", 0.6), ACTFN_OK);
    uint8_t x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = (uint8_t)i;
    const actfn_dtype types[] = {ACTFN_S8, ACTFN_U8};
    for (int t = 0; t < 2; t++) {
        actfn_dtype dtype = types[t];
        actfn_quantization in = {0.1, dtype == ACTFN_S8 ? 5 : 130},
                           out = {0.025, dtype == ACTFN_S8 ? -20 : 100};
        uint64_t seed = 9, offset = 123456789;
        assert_int_equal(
            actfn_rrelu_train_forward_quantized(&op, dtype, &in, &out, seed, offset, x, y, N),
            ACTFN_OK);
        int scaled = 0;
        for (int i = 0; i < N; i++) {
            double real = real_of(dtype, &in, x[i]);
            double f = real > 0 ? real : real * actfn_rrelu_slope(&op, seed, offset + (uint64_t)i);
            assert_int_equal(integer_of(dtype, y[i]), expected_byte(dtype, &out, f));
            scaled += real < 0;
        }
        assert_true(scaled > N / 4); /* the random slopes were exercised */
        uint8_t copy[N];
        memcpy(copy, x, N);
        assert_int_equal(
            actfn_rrelu_train_forward_quantized(&op, dtype, &in, &out, seed, offset, copy, copy, N),
            ACTFN_OK);
        assert_memory_equal(copy, y, N);
    }
}

static void argument_errors(void **state) {
    (void)state;
    actfn_op gate = actfn_op_init(ACTFN_SILU), rrelu = actfn_op_init(ACTFN_RRELU);
    actfn_quantization q = {0.1, 0}, bad_scale = {0.0, 0}, nan_scale = {NAN, 0},
                       bad_zero = {0.1, 300}, negative_zero_u8 = {0.1, -1};
    uint8_t a[8] = {0}, b[8] = {0}, y[8];
    /* dtypes */
    assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_F32, &q, &q, &q, a, b, y, 8),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_F16, &q, &q, 1, 0, a, y, 8),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_glu_forward(&gate, ACTFN_S8, a, b, y, 8), ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_rrelu_train_forward(&rrelu, ACTFN_U8, 1, 0, a, y, 8),
                     ACTFN_ERR_UNSUPPORTED);
    /* NULLs */
    assert_int_equal(actfn_glu_forward_quantized(NULL, ACTFN_S8, &q, &q, &q, a, b, y, 8),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, NULL, &q, a, b, y, 8),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, &q, a, NULL, y, 8),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, &q, NULL, NULL, NULL, 0),
                     ACTFN_OK);
    assert_int_equal(actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, &q, NULL, 1, 0, a, y, 8),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(
        actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, &q, &q, 1, 0, NULL, y, 8),
        ACTFN_ERR_NULL_POINTER);
    /* quantizations */
    const actfn_quantization *bad[] = {&bad_scale, &nan_scale, &bad_zero};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, bad[i], a, b, y, 8),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, bad[i], &q,
                                                          ACTFN_GLU_VALUE_FIRST, 1, 4, a, 8, y, 4),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_int_equal(
            actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, bad[i], &q, 1, 0, a, y, 8),
            ACTFN_ERR_BAD_PARAMETER);
    }
    assert_int_equal(
        actfn_glu_forward_quantized(&gate, ACTFN_U8, &negative_zero_u8, &q, &q, a, b, y, 8),
        ACTFN_ERR_BAD_PARAMETER);
    /* ops and layouts */
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    assert_int_equal(actfn_rrelu_train_forward_quantized(&leaky, ACTFN_S8, &q, &q, 1, 0, a, y, 8),
                     ACTFN_ERR_BAD_PARAMETER);
    actfn_op bad_gate = actfn_op_init(ACTFN_ELU);
    bad_gate.alpha = NAN;
    assert_int_equal(actfn_glu_forward_quantized(&bad_gate, ACTFN_S8, &q, &q, &q, a, b, y, 8),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, &q, &q, (actfn_glu_order)7,
                                                      1, 4, a, 8, y, 4),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, &q, &q,
                                                      ACTFN_GLU_VALUE_FIRST, 1, 4, a, 7, y, 4),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, &q, &q,
                                                      ACTFN_GLU_VALUE_FIRST, 1, 4, a, 8, y, 3),
                     ACTFN_ERR_BAD_PARAMETER);
    /* overlaps: y partly over a */
    assert_int_equal(actfn_glu_forward_quantized(&gate, ACTFN_S8, &q, &q, &q, a, b, a + 1, 4),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_glu_forward_rows_quantized(&gate, ACTFN_S8, &q, &q,
                                                      ACTFN_GLU_VALUE_FIRST, 1, 4, a, 8, a, 4),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(
        actfn_rrelu_train_forward_quantized(&rrelu, ACTFN_S8, &q, &q, 1, 0, a, a + 1, 4),
        ACTFN_ERR_OVERLAP);
    assert_non_null(strstr(actfn_last_error(), "overlap"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(glu_every_byte_pair_matches_the_formula),
        cmocka_unit_test(glu_rows_match_the_flat_call),
        cmocka_unit_test(splits_and_threads_give_the_same_bytes),
        cmocka_unit_test(rrelu_matches_its_slopes),
        cmocka_unit_test(argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
