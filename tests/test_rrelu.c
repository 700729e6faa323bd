/* SPDX-License-Identifier: MIT */
/* rrelu in training mode (actfn_rrelu_train_*): slopes in [lower, upper] with the
 * stated mean, a function of (seed, index) alone (any split of a call gives the same
 * bits), the backward regenerating the forward's slopes, the special values, every
 * floating-point dtype, and the argument errors. */
#include "actfn.h"
#include "kernels/kernel_table.h"
#include "route/dispatch.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { N = 100000 };

static actfn_op rrelu(double lower, double upper) {
    actfn_op op = actfn_op_init(ACTFN_RRELU);
    assert_int_equal(actfn_op_set(&op, "lower", lower), ACTFN_OK);
    assert_int_equal(actfn_op_set(&op, "upper", upper), ACTFN_OK);
    return op;
}

static void slopes_lie_in_range_with_the_mean(void **state) {
    (void)state;
    actfn_op op = rrelu(0.1, 0.3);
    double sum = 0, low = INFINITY, high = -INFINITY;
    for (uint64_t i = 0; i < N; i++) {
        double slope = actfn_rrelu_slope(&op, 42, i);
        sum += slope;
        low = fmin(low, slope), high = fmax(high, slope);
    }
    assert_true(low >= 0.1 && high < 0.3);
    assert_true(low < 0.1001 && high > 0.2999); /* the whole range is reached */
    assert_true(fabs(sum / N - 0.2) < 0.001);   /* sd of the mean: 0.058 / sqrt(N) = 1.8e-4 */
    assert_true(actfn_rrelu_slope(&op, 42, 7) != actfn_rrelu_slope(&op, 43, 7));
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    assert_true(isnan(actfn_rrelu_slope(&leaky, 42, 7)));
}

static void forward_and_backward_use_the_same_slopes(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RRELU); /* torch's 1/8, 1/3 */
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *dx = malloc(N * sizeof *dx);
    double *ones = malloc(N * sizeof *ones);
    assert_non_null(x && y && dx && ones);
    for (size_t i = 0; i < N; i++)
        x[i] = (double)(i % 17) - 11.5, ones[i] = 1.0;
    uint64_t seed = 2024, offset = 1000;
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F64, seed, offset, x, y, N), ACTFN_OK);
    assert_int_equal(actfn_rrelu_train_backward(&op, ACTFN_F64, seed, offset, x, ones, dx, N),
                     ACTFN_OK);
    for (size_t i = 0; i < N; i++) {
        double slope = actfn_rrelu_slope(&op, seed, offset + i);
        if (x[i] > 0) {
            assert_true(y[i] == x[i] && dx[i] == 1.0);
        } else {
            assert_true(y[i] == x[i] * slope);
            assert_true(dx[i] == slope);
        }
    }
    /* any split of the call: the same bits */
    double *parts = malloc(N * sizeof *parts);
    assert_non_null(parts);
    for (size_t start = 0; start < N; start += 777) {
        size_t m = N - start < 777 ? N - start : 777;
        assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F64, seed, offset + start, x + start,
                                                   parts + start, m),
                         ACTFN_OK);
    }
    assert_memory_equal(parts, y, N * sizeof *y);
    /* in place */
    memcpy(parts, x, N * sizeof *x);
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F64, seed, offset, parts, parts, N),
                     ACTFN_OK);
    assert_memory_equal(parts, y, N * sizeof *y);
    free(x), free(y), free(dx), free(ones), free(parts);
}

static void every_dtype_rounds_once_with_the_dtype_slope(void **state) {
    (void)state;
    actfn_op op = rrelu((float)0.05, (float)0.6); /* as the dtypes hold them */
    const actfn_dtype dtypes[] = {ACTFN_F32, ACTFN_F16, ACTFN_BF16};
    enum { M = 4096 };
    double values[M], back[M];
    char x[M * 4], y[M * 4];
    for (size_t i = 0; i < M; i++)
        values[i] = -((double)i + 0.37) * 0.011;
    for (size_t d = 0; d < 3; d++) {
        actfn_dtype dtype = dtypes[d];
        assert_int_equal(actfn_convert(values, ACTFN_F64, x, dtype, M), ACTFN_OK);
        assert_int_equal(actfn_rrelu_train_forward(&op, dtype, 9, 0, x, y, M), ACTFN_OK);
        double wide_x[M];
        assert_int_equal(actfn_convert(x, dtype, wide_x, ACTFN_F64, M), ACTFN_OK);
        assert_int_equal(actfn_convert(y, dtype, back, ACTFN_F64, M), ACTFN_OK);
        for (size_t i = 0; i < M; i++) {
            double slope = (float)actfn_rrelu_slope(&op, 9, i), want = wide_x[i] * slope;
            char one[8];
            assert_int_equal(actfn_convert(&want, ACTFN_F64, one, dtype, 1), ACTFN_OK);
            double rounded;
            assert_int_equal(actfn_convert(one, dtype, &rounded, ACTFN_F64, 1), ACTFN_OK);
            assert_true(back[i] == rounded);
        }
    }
}

const kernel_table *kernels_of(isa which);

/* One table's training kernels (f32 and f64, where it has them) against the definition:
 * every length to 67 at an odd start, the specials, an index past 2^40 (the counter's
 * high bits), forward and backward; returns how many kernels it checked. */
static int check_train_kernels(const char *name, const kernel_table *table) {
    enum { LENGTH = 67 };
    actfn_op op = rrelu((float)0.07, (float)0.45);
    const double lower = (float)0.07, upper = (float)0.45;
    const uint64_t seed = 77, key_index = ((uint64_t)1 << 40) + 3;
    int checked = 0;
    for (int slot = 0; slot < DTYPE_SLOTS; slot++) {
        rrelu_train_kernel kernel = table->rrelu_train[slot];
        if (kernel == NULL) continue;
        checked++;
        /* the key as rrelu.c forms it: actfn_rrelu_slope's bits are those of this key */
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        uint64_t key = z ^ (z >> 31);
        double values[LENGTH + 1], gradients[LENGTH + 1];
        for (int i = 0; i <= LENGTH; i++)
            values[i] = i % 11 == 0 ? -0.0 : (i % 3 ? -1.0 : 1.0) * (i * 0.37 + 0.01),
            gradients[i] = 1.5 - i * 0.02;
        values[5] = NAN, values[7] = -INFINITY, values[9] = INFINITY, values[13] = 0.0;
        for (int n = 0; n <= LENGTH; n++)
            for (int backward = 0; backward < 2; backward++) {
                double x64[LENGTH + 1], dy64[LENGTH + 1], out64[LENGTH + 1];
                float x32[LENGTH + 1], dy32[LENGTH + 1], out32[LENGTH + 1];
                for (int i = 0; i <= LENGTH; i++)
                    x64[i] = values[i], dy64[i] = gradients[i], x32[i] = (float)values[i],
                    dy32[i] = (float)gradients[i];
                const void *x = slot == SLOT_F32 ? (void *)(x32 + 1) : (void *)(x64 + 1);
                const void *dy = slot == SLOT_F32 ? (void *)(dy32 + 1) : (void *)(dy64 + 1);
                void *out = slot == SLOT_F32 ? (void *)(out32 + 1) : (void *)(out64 + 1);
                kernel(lower, upper, key, key_index, x, backward ? dy : NULL, out, (size_t)n);
                for (int i = 0; i < n; i++) {
                    double slope = actfn_rrelu_slope(&op, seed, key_index + (uint64_t)i);
                    double v = slot == SLOT_F32 ? x32[i + 1] : x64[i + 1];
                    double g = slot == SLOT_F32 ? dy32[i + 1] : dy64[i + 1];
                    double want;
                    if (slot == SLOT_F32) {
                        float s = (float)slope, fv = (float)v, fg = (float)g;
                        want = backward ? (fv > 0    ? fg
                                           : fv <= 0 ? fg * s
                                                     : fv)
                                        : (fv > 0 || isnan(fv) ? fv : fv * s);
                    } else {
                        want = backward ? (v > 0    ? g
                                           : v <= 0 ? g * slope
                                                    : v)
                                        : (v > 0 || isnan(v) ? v : v * slope);
                    }
                    double got = slot == SLOT_F32 ? out32[i + 1] : out64[i + 1];
                    if (!(got == want && signbit(got) == signbit(want)) &&
                        !(isnan(got) && isnan(want)))
                        fail_msg("%s %s %s n %d element %d: got %a, want %a", name,
                                 slot == SLOT_F32 ? "f32" : "f64",
                                 backward ? "backward" : "forward", n, i, got, want);
                }
            }
    }
    return checked;
}

static void every_kernel_draws_the_defined_slopes(void **state) {
    (void)state;
    int checked = 0;
    for (int which = 0; which < ISA_COUNT; which++) {
        const kernel_table *k = kernels_of((isa)which);
        if (k != NULL) checked += check_train_kernels(isa_name((isa)which), k);
    }
    print_message("%d rrelu training kernels checked\n", checked);
}

static void special_values_and_errors(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RRELU);
    float x[5] = {NAN, -0.0f, INFINITY, -INFINITY, 0.0f}, y[5], dx[5], dy[5] = {1, 1, 1, 1, 1};
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F32, 1, 0, x, y, 5), ACTFN_OK);
    assert_true(isnan(y[0]));
    assert_true(y[1] == 0 && signbit(y[1])); /* -0 times a slope */
    assert_true(y[2] == INFINITY && y[3] == -INFINITY && y[4] == 0 && !signbit(y[4]));
    assert_int_equal(actfn_rrelu_train_backward(&op, ACTFN_F32, 1, 0, x, dy, dx, 5), ACTFN_OK);
    assert_true(isnan(dx[0]));
    assert_true(dx[2] == 1 && dx[3] > 0.12f && dx[3] < 0.34f); /* a slope at -inf */
    assert_true(dx[4] > 0.12f && dx[4] < 0.34f);               /* and at 0, as torch */
    assert_int_equal(actfn_rrelu_train_forward(NULL, ACTFN_F32, 1, 0, x, y, 5),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F32, 1, 0, NULL, y, 5),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F32, 1, 0, x, x + 1, 4),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_S8, 1, 0, x, y, 5),
                     ACTFN_ERR_UNSUPPORTED);
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    assert_int_equal(actfn_rrelu_train_forward(&leaky, ACTFN_F32, 1, 0, x, y, 5),
                     ACTFN_ERR_BAD_PARAMETER);
    actfn_op swapped = actfn_op_init(ACTFN_RRELU);
    swapped.lower = 0.5, swapped.upper = 0.25;
    assert_int_equal(actfn_rrelu_train_forward(&swapped, ACTFN_F32, 1, 0, x, y, 5),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_rrelu_train_forward(&op, ACTFN_F32, 1, 0, NULL, NULL, 0), ACTFN_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slopes_lie_in_range_with_the_mean),
        cmocka_unit_test(forward_and_backward_use_the_same_slopes),
        cmocka_unit_test(every_dtype_rounds_once_with_the_dtype_slope),
        cmocka_unit_test(every_kernel_draws_the_defined_slopes),
        cmocka_unit_test(special_values_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
