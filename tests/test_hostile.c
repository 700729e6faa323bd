/* SPDX-License-Identifier: MIT */
/* The library under hostile arguments (the adversarial run of issue 22): lengths and
 * strides beyond what memory can hold, arrays that would wrap the address space,
 * byte-misaligned arrays on the streaming path, scratch that cannot be allocated. Each
 * must give a status and write nothing, or compute what the aligned call computes. */
#include "actfn.h"
#include "route/dispatch.h"
#include "spec/scalar_reference.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static actfn_op op_named(const char *name) {
    actfn_op op;
    assert_int_equal(actfn_op_from_name(name, &op), ACTFN_OK);
    return op;
}

/* A guard of bytes that no call may change. */
enum { GUARD = 64 };
static void assert_untouched(const unsigned char *bytes, size_t n, unsigned char value) {
    for (size_t i = 0; i < n; i++)
        assert_int_equal(bytes[i], value);
}

static void lengths_beyond_an_object_are_a_status(void **state) {
    (void)state;
    actfn_op relu = op_named("relu");
    float buffer[GUARD];
    memset(buffer, 0x5a, sizeof buffer);
    size_t too_long[] = {SIZE_MAX, SIZE_MAX / 4 + 1, (size_t)PTRDIFF_MAX / 4 + 1};
    for (size_t i = 0; i < sizeof too_long / sizeof *too_long; i++) {
        assert_int_equal(actfn_forward(&relu, ACTFN_F32, buffer, buffer, too_long[i]),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_non_null(strstr(actfn_last_error(), "do not fit"));
        assert_int_equal(actfn_backward(&relu, ACTFN_F64, buffer, buffer, buffer, too_long[i]),
                         ACTFN_ERR_BAD_PARAMETER);
    }
    /* one byte per element: the pool's split of SIZE_MAX divided by zero */
    actfn_quantization q = {0.1, 0};
    assert_int_equal(actfn_forward_quantized(&relu, ACTFN_S8, &q, &q, buffer, buffer, SIZE_MAX),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_untouched((const unsigned char *)buffer, sizeof buffer, 0x5a);
}

static void arrays_that_would_wrap_the_address_space_are_a_status(void **state) {
    (void)state;
    actfn_op relu = op_named("relu");
    float y[GUARD];
    memset(y, 0x5a, sizeof y);
    const void *near_the_end = (const void *)(UINTPTR_MAX - 255);
    assert_int_equal(actfn_forward(&relu, ACTFN_F32, near_the_end, y, GUARD),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "end of memory"));
    assert_untouched((const unsigned char *)y, sizeof y, 0x5a);
}

/* Byte-misaligned arrays large enough for the streaming (non-temporal) stores: the same
 * values as the aligned call, no fault (they faulted on every SIMD ISA). The contract asks
 * for element alignment, as C does of a float *; the vector paths take any address, and
 * only they are tested here: the scalar loops' float accesses would be undefined. */
static void byte_misaligned_large_arrays_stream_correctly(void **state) {
    (void)state;
    if (strcmp(actfn_isa(), "scalar") == 0) skip();
    const size_t n = (size_t)1 << 22;
    unsigned char *x = malloc(n * sizeof(float) + 1), *y = malloc(n * sizeof(float) + 1);
    float *aligned = malloc(n * sizeof(float)), *expected = malloc(n * sizeof(float));
    assert_non_null(x), assert_non_null(y), assert_non_null(aligned), assert_non_null(expected);
    for (size_t i = 0; i < n; i++)
        aligned[i] = (float)((int)(i % 17) - 8) * 0.25f;
    memcpy(x + 1, aligned, n * sizeof(float));
    const char *names[] = {"relu", "leaky_relu", "sigmoid"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        actfn_op op = op_named(names[k]);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, aligned, expected, n), ACTFN_OK);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, x + 1, y + 1, n), ACTFN_OK);
        assert_memory_equal(y + 1, expected, n * sizeof(float));
    }
    /* the mask backward streams dx too */
    actfn_op relu = op_named("relu");
    actfn_batch batch = {n / 64, 64, 64};
    uint8_t *mask = malloc(n / 8);
    assert_non_null(mask);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, aligned, expected, mask, NULL),
                     ACTFN_OK);
    assert_int_equal(actfn_mask_backward(&relu, ACTFN_F32, &batch, mask, aligned, expected),
                     ACTFN_OK);
    assert_int_equal(actfn_mask_backward(&relu, ACTFN_F32, &batch, mask, x + 1, y + 1), ACTFN_OK);
    assert_memory_equal(y + 1, expected, n * sizeof(float));
    free(mask), free(x), free(y), free(aligned), free(expected);
}

static void maxout_strides_whose_row_offsets_wrap_are_a_status(void **state) {
    (void)state;
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[GUARD];
    memset(y, 0x5a, sizeof y);
    actfn_batch batch = {2, 4, 4};
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &batch, 2, x, y + 8, SIZE_MAX / 4),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_maxout_backward(ACTFN_F32, &batch, 2, x, y, SIZE_MAX / 4 + 3, y + 8),
                     ACTFN_ERR_BAD_PARAMETER);
    actfn_batch wrapping_rows = {SIZE_MAX / 8, 4, SIZE_MAX / 16};
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &wrapping_rows, 2, x, y + 8, 2),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_untouched((const unsigned char *)y, sizeof y, 0x5a);
}

/* rows = 0: the per-feature gradient is the sum over no rows, zeros, but only for cols
 * that fit in memory. */
static void empty_batches_with_impossible_cols_are_a_status(void **state) {
    (void)state;
    actfn_op relu = op_named("relu");
    float out[GUARD];
    memset(out, 0x5a, sizeof out);
    actfn_batch huge = {0, SIZE_MAX / 2, SIZE_MAX / 2};
    assert_int_equal(actfn_bias_backward(&relu, ACTFN_F32, &huge, out, out, out, out, out),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_prelu_backward(ACTFN_F32, &huge, out, out, out, out, out),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_untouched((const unsigned char *)out, sizeof out, 0x5a);
    actfn_batch empty = {0, 5, 5};
    assert_int_equal(actfn_bias_backward(&relu, ACTFN_F32, &empty, NULL, NULL, NULL, NULL, out),
                     ACTFN_OK);
    for (int j = 0; j < 5; j++)
        assert_true(out[j] == 0 && !signbit(out[j]));
    assert_untouched((const unsigned char *)(out + 5), sizeof out - 5 * sizeof *out, 0x5a);
}

/* Scratch the layer ops cannot get: ACTFN_ERR_OUT_OF_MEMORY before any part has run, so
 * nothing is written. The arrays are never touched: the allocation fails first. */
static void layer_scratch_out_of_memory_writes_nothing(void **state) {
    (void)state;
    unsigned char y[GUARD];
    memset(y, 0x5a, sizeof y);
    const size_t cols = (size_t)1 << 44; /* 16-bit maxout widens each row: 2^47 bytes */
    actfn_batch batch = {1, cols, cols};
    assert_int_equal(actfn_maxout_forward(ACTFN_F16, &batch, 2, (const void *)0x1000, y, cols / 2),
                     ACTFN_ERR_OUT_OF_MEMORY);
    assert_non_null(strstr(actfn_last_error(), "out of memory"));
    actfn_op relu = op_named("relu");
    actfn_activity activity = {cols, 0, (uint64_t *)(void *)y};
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_BF16, &batch, (const void *)0x1000,
                                        (void *)0x1000, y, &activity),
                     ACTFN_ERR_OUT_OF_MEMORY);
    assert_untouched(y, sizeof y, 0x5a);
    assert_string_equal(actfn_strerror(ACTFN_ERR_OUT_OF_MEMORY), "out of memory");
}

/* The sign of zero where the ISAs disagreed (issue 22, item 13): elu(+-0) = alpha (+-0)
 * (so -0, +0 for alpha > 0; flipped for alpha < 0; alpha = 0 gives 0 (+-0) and -0 far
 * below zero), celu(+-0) = +0 for alpha > 0 (as PyTorch) and +-0 below; every dtype, both tiers,
 * and a length that puts the zeros in vector lanes and in a tail. */
static void zeros_of_elu_and_celu_keep_their_documented_sign(void **state) {
    (void)state;
    static const double alphas[] = {1.0, 0.7, -1.5, -0.1, 0.0};
    static const actfn_dtype dtypes[] = {ACTFN_F32, ACTFN_F64, ACTFN_F16, ACTFN_BF16};
    enum { N = 37 };
    double x[N];
    for (int i = 0; i < N; i++)
        x[i] = i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : -5000.0;
    for (int kind = 0; kind < 2; kind++)
        for (size_t a = 0; a < sizeof alphas / sizeof *alphas; a++) {
            if (kind == 1 && alphas[a] == 0) continue; /* celu's alpha is != 0 */
            actfn_op op = op_named(kind == 0 ? "elu" : "celu");
            assert_int_equal(actfn_op_set(&op, "alpha", alphas[a]), ACTFN_OK);
            for (int fast = 0; fast < 2; fast++)
                for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++) {
                    op.accuracy = fast ? ACTFN_FAST : ACTFN_ACCURATE;
                    unsigned char in[N * 8], out[N * 8];
                    assert_int_equal(actfn_convert(x, ACTFN_F64, in, dtypes[d], N), ACTFN_OK);
                    assert_int_equal(actfn_forward(&op, dtypes[d], in, out, N), ACTFN_OK);
                    double y[N];
                    assert_int_equal(actfn_convert(out, dtypes[d], y, ACTFN_F64, N), ACTFN_OK);
                    for (int i = 0; i < N; i++) {
                        if (x[i] == -5000.0) {
                            if (alphas[a] == 0) assert_true(y[i] == 0 && signbit(y[i]));
                            continue;
                        }
                        int negative = kind == 0 ? (signbit(x[i]) != 0) != (alphas[a] < 0)
                                                 : signbit(x[i]) != 0 && alphas[a] < 0;
                        if (y[i] != 0 || (signbit(y[i]) != 0) != negative) {
                            print_error("%s alpha %g dtype %d%s: f(%g) = %g\n",
                                        kind ? "celu" : "elu", alphas[a], (int)dtypes[d],
                                        fast ? " fast" : "", x[i], y[i]);
                            fail();
                        }
                    }
                }
        }
}

/* elu's backward with alpha = +-0 (fuzz_api found it): f' = alpha exp(x) is alpha itself,
 * so dy f' has the sign of dy alpha, as the reference's; every ISA's f64 kernel, every
 * lane position (x from tiny to -700, dy of both signs). The f64 kernels had formed
 * alpha exp(x) with an fma whose zero took the sign of expm1's. */
static void elu_backward_with_a_zero_alpha_keeps_the_reference_sign(void **state) {
    (void)state;
    enum { N = 40 };
    double x[N], dy[N], dx[N];
    for (int i = 0; i < N; i++) {
        x[i] = i % 4 == 0 ? -0x1.e59340feac5ap-456 : i % 4 == 1 ? -0.3 : i % 4 == 2 ? -1.5 : -650;
        dy[i] = i % 3 == 0 ? 1.0 : i % 3 == 1 ? -2.5 : 3.0;
    }
    for (int sign = 0; sign < 2; sign++) {
        op_params p = {0};
        p.alpha = sign ? -0.0 : 0.0;
        for (int which = 0; which < ISA_COUNT; which++) {
            const kernel_table *k = kernels_of((isa)which);
            if (k == NULL || k->backward[SLOT_F64][ACTFN_ELU] == NULL) continue;
            k->backward[SLOT_F64][ACTFN_ELU](&p, x, dy, dx, N);
            for (int i = 0; i < N; i++) {
                double want = elu_backward(x[i], dy[i], &p);
                if (dx[i] != want || signbit(dx[i]) != signbit(want)) {
                    print_error("%s alpha %g: elu'(%a) dy %g = %g, reference %g\n",
                                isa_name((isa)which), p.alpha, x[i], dy[i], dx[i], want);
                    fail();
                }
            }
        }
    }
}

/* celu with x / alpha underflowing to -0 (a huge alpha, a tiny x: fuzz_api found it):
 * the reference's expm1(q) + error is -0, and alpha times it -0; the f64 kernels' expm1
 * gave +0. Every ISA's f64 kernel, every lane position, against the reference. */
static void celu_with_an_underflowed_quotient_keeps_the_reference_sign(void **state) {
    (void)state;
    enum { N = 40 };
    double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = i % 4 == 0   ? -0x1.e3914efcaa58p-970
               : i % 4 == 1 ? -0.0
               : i % 4 == 2 ? -1e-300
                            : -3.5;
    static const double alphas[] = {0x1.c363cbf21f28ap+127, 1e300, 2.0};
    for (size_t a = 0; a < sizeof alphas / sizeof *alphas; a++) {
        op_params p = {0};
        p.alpha = alphas[a];
        for (int which = 0; which < ISA_COUNT; which++) {
            const kernel_table *k = kernels_of((isa)which);
            if (k == NULL || k->forward[SLOT_F64][ACTFN_CELU] == NULL) continue;
            k->forward[SLOT_F64][ACTFN_CELU](&p, x, y, N);
            for (int i = 0; i < N; i++) {
                double want = celu_forward(x[i], &p); /* zeros exactly, the rest to 4 ULP */
                bool differs = want == 0 ? y[i] != 0 || signbit(y[i]) != signbit(want)
                                         : fabs(y[i] - want) > 0x1p-50 * fabs(want);
                if (differs) {
                    print_error("%s alpha %g: celu(%a) = %a, reference %a\n", isa_name((isa)which),
                                p.alpha, x[i], y[i], want);
                    fail();
                }
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lengths_beyond_an_object_are_a_status),
        cmocka_unit_test(arrays_that_would_wrap_the_address_space_are_a_status),
        cmocka_unit_test(byte_misaligned_large_arrays_stream_correctly),
        cmocka_unit_test(maxout_strides_whose_row_offsets_wrap_are_a_status),
        cmocka_unit_test(empty_batches_with_impossible_cols_are_a_status),
        cmocka_unit_test(layer_scratch_out_of_memory_writes_nothing),
        cmocka_unit_test(zeros_of_elu_and_celu_keep_their_documented_sign),
        cmocka_unit_test(elu_backward_with_a_zero_alpha_keeps_the_reference_sign),
        cmocka_unit_test(celu_with_an_underflowed_quotient_keeps_the_reference_sign),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
