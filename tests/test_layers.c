/* SPDX-License-Identifier: MIT */
/* The layer-level ops against references written here from their definitions: the mask
 * forward and backward (and the activity counts), fused bias + activation, PReLU and
 * Maxout, in f32, f64, f16 and bf16, on one thread and two, with odd cols, row strides larger than
 * cols, N = 0, and the argument errors. */
#include "actfn.h"
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

enum { ROWS = 37, COLS = 23, STRIDE = 29, SPAN = ROWS * STRIDE };

static uint64_t seed = 88172645463325252ull;
static double random_value(void) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    double u = (double)(seed >> 11) * 0x1p-53;
    if ((seed & 63) == 0) return 0.0; /* exact zeros: the kinks */
    if ((seed & 63) == 1) return 6.0;
    return u * 16 - 8;
}

/* Values as doubles; copied to the dtype under test by to_dtype. */
static void fill(double *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        v[i] = random_value();
}

static void *to_dtype(actfn_dtype dtype, const double *v, size_t n) {
    void *out = malloc(n * actfn_dtype_size(dtype));
    assert_int_equal(actfn_convert(v, ACTFN_F64, out, dtype, n), ACTFN_OK);
    return out;
}

static double at(actfn_dtype dtype, const void *a, size_t i) {
    double v;
    assert_int_equal(
        actfn_convert((const char *)a + i * actfn_dtype_size(dtype), dtype, &v, ACTFN_F64, 1),
        ACTFN_OK);
    return v;
}

/* v rounded to the dtype, once. */
static double rounded(actfn_dtype dtype, double v) {
    double buffer[1];
    assert_int_equal(actfn_convert(&v, ACTFN_F64, buffer, dtype, 1), ACTFN_OK);
    return at(dtype, buffer, 0);
}

static int same(double a, double b) {
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

enum { DTYPES = 4 };
static const actfn_dtype dtypes[DTYPES] = {ACTFN_F32, ACTFN_F64, ACTFN_F16, ACTFN_BF16};

static void mask_forward_and_backward_match_the_elementwise_ops(void **state) {
    (void)state;
    const actfn_kind kinds[3] = {ACTFN_RELU, ACTFN_LEAKY_RELU, ACTFN_RELU6};
    for (int d = 0; d < DTYPES; d++)
        for (int k = 0; k < 3; k++)
            for (int g0 = 0; g0 < 2; g0++) {
                actfn_dtype dtype = dtypes[d];
                actfn_op op = actfn_op_init(kinds[k]);
                op.negative_slope = 0.125;
                op.grad_at_zero = g0 ? 1.0 : (kinds[k] == ACTFN_LEAKY_RELU ? 0.125 : 0.0);
                double values[SPAN], gradients[SPAN];
                fill(values, SPAN);
                fill(gradients, SPAN);
                void *x = to_dtype(dtype, values, SPAN), *y = to_dtype(dtype, values, SPAN);
                void *dy = to_dtype(dtype, gradients, SPAN), *dx = to_dtype(dtype, gradients, SPAN);
                void *want = to_dtype(dtype, values, SPAN);
                uint8_t mask[ROWS * ((COLS + 7) / 8)];
                actfn_batch batch = {ROWS, COLS, STRIDE};
                actfn_activity activity;
                assert_int_equal(actfn_activity_init(&activity, COLS), ACTFN_OK);
                assert_int_equal(actfn_mask_forward(&op, dtype, &batch, x, y, mask, &activity),
                                 ACTFN_OK);
                assert_int_equal(actfn_mask_backward(&op, dtype, &batch, mask, dy, dx), ACTFN_OK);
                size_t size = actfn_dtype_size(dtype);
                for (size_t r = 0; r < ROWS; r++) {
                    const char *row = (const char *)x + r * STRIDE * size;
                    char *expected = (char *)want + r * STRIDE * size;
                    assert_int_equal(actfn_forward(&op, dtype, row, expected, COLS), ACTFN_OK);
                }
                for (size_t r = 0; r < ROWS; r++)
                    for (size_t j = 0; j < COLS; j++) {
                        size_t i = r * STRIDE + j;
                        assert_true(same(at(dtype, y, i), at(dtype, want, i)));
                    }
                /* the backward from the mask equals the backward from x */
                for (size_t r = 0; r < ROWS; r++) {
                    size_t offset = r * STRIDE * size;
                    assert_int_equal(actfn_backward(&op, dtype, (const char *)x + offset,
                                                    (const char *)dy + offset,
                                                    (char *)want + offset, COLS),
                                     ACTFN_OK);
                }
                for (size_t r = 0; r < ROWS; r++)
                    for (size_t j = 0; j < COLS; j++) {
                        size_t i = r * STRIDE + j;
                        if (!same(at(dtype, dx, i), at(dtype, want, i))) {
                            print_error("%s g0=%d x=%g: mask %g, from x %g\n",
                                        actfn_op_name(kinds[k]), g0, at(dtype, x, i),
                                        at(dtype, dx, i), at(dtype, want, i));
                            fail();
                        }
                    }
                /* the gap between rows is untouched */
                for (size_t r = 0; r + 1 < ROWS; r++)
                    for (size_t j = COLS; j < STRIDE; j++)
                        assert_true(
                            same(at(dtype, y, r * STRIDE + j), at(dtype, x, r * STRIDE + j)));
                for (size_t j = 0; j < COLS; j++) {
                    uint64_t active = 0;
                    for (size_t r = 0; r < ROWS; r++)
                        active += at(dtype, x, r * STRIDE + j) > 0;
                    assert_int_equal(activity.active[j], active);
                }
                assert_int_equal(activity.rows, ROWS);
                actfn_activity_free(&activity);
                free(x), free(y), free(dy), free(dx), free(want);
            }
}

/* The one-pass mask forward kernel of every ISA (y, bits and counts from one load of
 * x) against the plain forward and the bits by their definition: special values at the
 * kinks and beyond, every length 0..257 at offsets 0..3 (the streaming head and the
 * masked tail), in place, with and without counts and streaming. */
static void check_one_pass_row(const char *isa_label, mask_forward_kernel kernel, actfn_kind kind,
                               actfn_dtype dtype, int zero_bit, int stream, int in_place) {
    static const double specials[] = {NAN,  -NAN,      INFINITY,  -INFINITY, 0.0,   -0.0,  6.0,
                                      -6.0, 0x1p-1074, -0x1p-149, 0x1p-149,  5.999, 6.001, 1e300};
    enum { MAX = 257, PAD = 4 };
    size_t size = actfn_dtype_size(dtype);
    double values[MAX + PAD];
    for (size_t i = 0; i < MAX + PAD; i++)
        values[i] =
            i % 3 == 0 ? specials[(i / 3) % (sizeof specials / sizeof *specials)] : random_value();
    actfn_op op = actfn_op_init(kind);
    op.negative_slope = 0.375;
    op_params params;
    assert_int_equal(actfn_op_validate(&op), ACTFN_OK);
    for (size_t n = 0; n <= MAX; n++) {
        size_t offset = n % PAD;
        char *x = to_dtype(dtype, values, MAX + PAD), *y = to_dtype(dtype, values, MAX + PAD);
        char *want = to_dtype(dtype, values, MAX + PAD);
        double counts[MAX] = {0}; /* in the dtype; f32 counts use the first half */
        uint8_t bits[(MAX + 7) / 8 + 1];
        memset(bits, 0xEE, sizeof bits);
        char *out = in_place ? x : y;
        params = (op_params){0};
        params.negative_slope = dtype == ACTFN_F32 ? (double)(float)0.375 : 0.375;
        params.grad_at_zero = op.grad_at_zero;
        kernel(&params, x + offset * size, out + offset * size, bits, n % 2 ? counts : NULL, n,
               zero_bit, stream);
        assert_int_equal(actfn_forward(&op, dtype, want + offset * size, want + offset * size, n),
                         ACTFN_OK);
        for (size_t i = 0; i < MAX + PAD; i++) {
            double got = at(dtype, out, i), expected = at(dtype, want, i);
            if (!same(got, expected)) {
                print_error("%s %s n=%zu i=%zu: y %g, want %g\n", isa_label, actfn_op_name(kind), n,
                            i, got, expected);
                fail();
            }
        }
        for (size_t i = 0; i < n; i++) {
            double v = values[offset + i];
            v = rounded(dtype, v);
            int passes = (v > 0 && (kind != ACTFN_RELU6 || v < 6)) || (zero_bit && v == 0);
            if (((bits[i / 8] >> (i % 8)) & 1) != passes) {
                print_error("%s %s n=%zu bit %zu of x=%g: %d\n", isa_label, actfn_op_name(kind), n,
                            i, v, (bits[i / 8] >> (i % 8)) & 1);
                fail();
            }
            if (n % 2) {
                double count = dtype == ACTFN_F32 ? ((float *)counts)[i] : counts[i];
                assert_true(count == (v > 0));
            }
        }
        if (n % 8 == 0) assert_int_equal(bits[n / 8], 0xEE); /* nothing past the row's bytes */
        free(x), free(y), free(want);
    }
}

static void one_pass_mask_forward_kernels_match_their_definition(void **state) {
    (void)state;
    const actfn_kind kinds[3] = {ACTFN_RELU, ACTFN_LEAKY_RELU, ACTFN_RELU6};
    int checked = 0;
    for (int which = 0; which < ISA_COUNT; which++) {
        const kernel_table *table = kernels_of((isa)which);
        if (table == NULL) continue;
        for (int d = 0; d < 2; d++)
            for (int k = 0; k < 3; k++) {
                mask_forward_kernel kernel =
                    table->mask_forward[d == 0 ? SLOT_F32 : SLOT_F64][kinds[k]];
                if (kernel == NULL) continue;
                for (int variant = 0; variant < 8; variant++)
                    check_one_pass_row(isa_name((isa)which), kernel, kinds[k],
                                       d == 0 ? ACTFN_F32 : ACTFN_F64, variant & 1,
                                       variant & 2 ? STREAM_AND_FENCE : STREAM_NONE,
                                       variant >> 2 & 1);
                checked++;
            }
    }
    print_message("%d one-pass mask kernels checked\n", checked);
#if defined(__x86_64__) || defined(__aarch64__)
    assert_true(checked > 0); /* every SIMD ISA has them */
#endif
}

/* The one-pass bias + activation kernels of every ISA (the piecewise ops) against the
 * add in the dtype and the plain forward, bit for bit: special values in x and in the
 * bias, every length 0..257 at offsets 0..3, in place. */
static void check_bias_row(const char *isa_label, bias_forward_kernel kernel, actfn_kind kind,
                           actfn_dtype dtype) {
    static const double specials[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 6.0, -1.0, 0x1p-1074};
    enum { MAX = 257, PAD = 4 };
    size_t size = actfn_dtype_size(dtype);
    double values[MAX + PAD], biases[MAX + PAD], sums[MAX + PAD];
    for (size_t i = 0; i < MAX + PAD; i++) {
        values[i] = i % 5 == 0 ? specials[(i / 5) % 8] : random_value();
        biases[i] = i % 7 == 0 ? specials[(i / 7) % 8] : random_value();
    }
    actfn_op op = actfn_op_init(kind);
    op.negative_slope = 0.375, op.cap = 2.5, op.min_val = -0.5, op.max_val = 1.5;
    op_params params = {0};
    params.negative_slope = 0.375, params.cap = 2.5, params.min_val = -0.5, params.max_val = 1.5;
    for (size_t n = 0; n <= MAX; n++) {
        size_t offset = n % PAD;
        char *x = to_dtype(dtype, values, MAX + PAD), *b = to_dtype(dtype, biases + offset, MAX);
        char *y = to_dtype(dtype, values, MAX + PAD);
        for (size_t i = 0; i < MAX + PAD; i++)
            sums[i] = i >= offset && i < offset + n
                          ? at(dtype, x, i) + at(dtype, b, i - offset) /* exact in double */
                          : at(dtype, x, i);
        char *want = to_dtype(dtype, sums, MAX + PAD); /* the sum rounded once to the dtype */
        assert_int_equal(actfn_forward(&op, dtype, want + offset * size, want + offset * size, n),
                         ACTFN_OK);
        for (int in_place = 0; in_place < 2; in_place++) {
            char *out = in_place ? x : y;
            int stream = !in_place && n % 2 ? STREAM_AND_FENCE : STREAM_NONE; /* odd: a head */
            kernel(&params, x + offset * size, b, out + offset * size, n, stream);
            for (size_t i = 0; i < MAX + PAD; i++)
                if (!same(at(dtype, out, i), at(dtype, want, i))) {
                    print_error("%s %s bias n=%zu i=%zu: %g, want %g\n", isa_label,
                                actfn_op_name(kind), n, i, at(dtype, out, i), at(dtype, want, i));
                    fail();
                }
        }
        free(x), free(b), free(y), free(want);
    }
}

static void one_pass_bias_kernels_match_the_add_and_the_op(void **state) {
    (void)state;
    int checked = 0;
    for (int which = 0; which < ISA_COUNT; which++) {
        const kernel_table *table = kernels_of((isa)which);
        if (table == NULL) continue;
        for (int d = 0; d < 2; d++)
            for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
                bias_forward_kernel kernel =
                    table->bias_forward[d == 0 ? SLOT_F32 : SLOT_F64][kind];
                if (kernel == NULL) continue;
                check_bias_row(isa_name((isa)which), kernel, (actfn_kind)kind,
                               d == 0 ? ACTFN_F32 : ACTFN_F64);
                checked++;
            }
    }
    print_message("%d one-pass bias kernels checked\n", checked);
#if defined(__x86_64__) || defined(__aarch64__)
    assert_true(checked > 0);
#endif
}

/* Maxout's pair kernels (k = 2) of every ISA against the scalar rule (the first NaN of a
 * pair, else the first maximum; the backward's dy to that element, +0 to the other), bit
 * for bit: pairs of special values in every combination (NaN with two payloads, +-0, +-inf,
 * equal values), every count of groups 0..67 at offsets 0..2, f32 and f64. */
static int same_bits(const void *a, const void *b, size_t size) {
    return memcmp(a, b, size) == 0;
}

static void check_pairs(const char *isa_label, actfn_dtype dtype, maxout_pairs_kernel forward,
                        maxout_pairs_backward_kernel backward) {
    static const double specials[] = {NAN, -NAN, 0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, 2.5};
    enum { SPECIALS = sizeof specials / sizeof *specials, MAX = 67, PAD = 3 };
    size_t size = actfn_dtype_size(dtype);
    double xs[2 * (MAX + PAD)], dys[MAX + PAD];
    for (size_t i = 0; i < 2 * (MAX + PAD); i++) {
        size_t pair = i / 2; /* all SPECIALS^2 combinations, then a ramp */
        size_t first = pair % SPECIALS, second = (pair / SPECIALS) % SPECIALS;
        xs[i] = pair < SPECIALS * SPECIALS / 2 ? specials[i % 2 ? second : first]
                                               : (double)((i * 7) % 5) - 2;
    }
    for (size_t i = 0; i < MAX + PAD; i++)
        dys[i] = (double)i + 0.5;
    char x[2 * (MAX + PAD) * 8], dy[(MAX + PAD) * 8], y[(MAX + PAD) * 8], dx[2 * (MAX + PAD) * 8];
    assert_int_equal(actfn_convert(xs, ACTFN_F64, x, dtype, 2 * (MAX + PAD)), ACTFN_OK);
    assert_int_equal(actfn_convert(dys, ACTFN_F64, dy, dtype, MAX + PAD), ACTFN_OK);
    for (size_t offset = 0; offset < PAD; offset++)
        for (size_t groups = 0; groups <= MAX; groups++) {
            const char *xo = x + 2 * offset * size, *dyo = dy + offset * size;
            forward(xo, y, groups);
            backward(xo, dyo, dx, groups);
            for (size_t g = 0; g < groups; g++) {
                double a, b;
                assert_int_equal(actfn_convert(xo + 2 * g * size, dtype, &a, ACTFN_F64, 1),
                                 ACTFN_OK);
                assert_int_equal(actfn_convert(xo + (2 * g + 1) * size, dtype, &b, ACTFN_F64, 1),
                                 ACTFN_OK);
                int second = a == a && (b != b || b > a);
                const char *want = xo + (2 * g + second) * size;
                static const char zero[8] = {0};
                if (!same_bits(y + g * size, want, size) ||
                    !same_bits(dx + (2 * g + second) * size, dyo + g * size, size) ||
                    !same_bits(dx + (2 * g + !second) * size, zero, size)) {
                    print_error("maxout pairs %s %s: groups %zu offset %zu, group %zu (%g, %g)\n",
                                isa_label, dtype == ACTFN_F32 ? "f32" : "f64", groups, offset, g, a,
                                b);
                    fail();
                }
            }
        }
}

static void maxout_pair_kernels_match_the_scalar_rule(void **state) {
    (void)state;
    int checked = 0;
    for (int which = 0; which < ISA_COUNT; which++) {
        const kernel_table *table = kernels_of((isa)which);
        if (table == NULL) continue;
        for (int d = 0; d < 2; d++) {
            int slot = d == 0 ? SLOT_F32 : SLOT_F64;
            if (table->maxout_pairs_forward[slot] == NULL) continue;
            assert_non_null(table->maxout_pairs_backward[slot]);
            check_pairs(isa_name((isa)which), d == 0 ? ACTFN_F32 : ACTFN_F64,
                        table->maxout_pairs_forward[slot], table->maxout_pairs_backward[slot]);
            checked++;
        }
    }
    print_message("%d maxout pair kernel sets checked\n", checked);
#if defined(__x86_64__) || defined(__aarch64__)
    assert_true(checked > 0);
#endif
}

/* Through the API at the size where y is streamed (4M elements and more, out of place),
 * y one element off a vector boundary: the plain forward's y, the bits of the
 * definition, the counts. */
static void a_streamed_mask_forward_matches_the_plain_forward(void **state) {
    (void)state;
    enum { BIG_ROWS = 1025, BIG_COLS = 4099 };
    size_t n = (size_t)BIG_ROWS * BIG_COLS;
    float *x = malloc(n * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    float *want = malloc(n * sizeof *want);
    size_t row_bytes = actfn_mask_row_bytes(BIG_COLS);
    uint8_t *mask = malloc(BIG_ROWS * row_bytes);
    assert_non_null(x), assert_non_null(y), assert_non_null(want), assert_non_null(mask);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)random_value();
    actfn_op relu6 = actfn_op_init(ACTFN_RELU6);
    actfn_batch batch = {BIG_ROWS, BIG_COLS, BIG_COLS};
    actfn_activity activity;
    assert_int_equal(actfn_activity_init(&activity, BIG_COLS), ACTFN_OK);
    assert_int_equal(actfn_mask_forward(&relu6, ACTFN_F32, &batch, x, y + 1, mask, &activity),
                     ACTFN_OK);
    assert_int_equal(actfn_forward(&relu6, ACTFN_F32, x, want, n), ACTFN_OK);
    assert_memory_equal(y + 1, want, n * sizeof *want);
    for (size_t r = 0; r < BIG_ROWS; r += 97)
        for (size_t j = 0; j < BIG_COLS; j++) {
            float v = x[r * BIG_COLS + j];
            assert_int_equal((mask[r * row_bytes + j / 8] >> (j % 8)) & 1, v > 0 && v < 6);
        }
    for (size_t j = 0; j < BIG_COLS; j += 13) {
        uint64_t active = 0;
        for (size_t r = 0; r < BIG_ROWS; r++)
            active += x[r * BIG_COLS + j] > 0;
        assert_int_equal(activity.active[j], active);
    }
    actfn_activity_free(&activity);
    free(x), free(y), free(want), free(mask);
}

static void dead_units_are_counted_across_batches(void **state) {
    (void)state;
    float x[4 * 3] = {-1, 2, 0, -3, 0, 0, -2, 5, 0, -1, 1, 0};
    float y[12];
    uint8_t mask[4]; /* a byte per row of 3 features */
    actfn_batch batch = {4, 3, 3};
    actfn_activity activity;
    actfn_op relu = actfn_op_init(ACTFN_RELU);
    assert_int_equal(actfn_activity_init(&activity, 3), ACTFN_OK);
    assert_true(actfn_activity_dead_fraction(&activity) == 0);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, x, y, mask, &activity), ACTFN_OK);
    assert_int_equal(activity.active[0], 0);
    assert_int_equal(activity.active[1], 3);
    assert_int_equal(activity.active[2], 0);
    assert_true(fabs(actfn_activity_dead_fraction(&activity) - 2.0 / 3) < 1e-15);
    x[2] = 1; /* feature 2 wakes up in the second batch */
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, x, y, mask, &activity), ACTFN_OK);
    assert_int_equal(activity.rows, 8);
    assert_true(fabs(actfn_activity_dead_fraction(&activity) - 1.0 / 3) < 1e-15);
    /* bits: x > 0, each row from a byte boundary */
    assert_int_equal(actfn_mask_row_bytes(3), 1);
    assert_int_equal(mask[0], (1 << 1) | (1 << 2));
    assert_int_equal(mask[1], 0);
    assert_int_equal(mask[2], 1 << 1);
    assert_int_equal(mask[3], 1 << 1);
    actfn_activity_free(&activity);
}

/* The fused bias + activation of one shape against its definition, row by row: z = x +
 * b rounded to the dtype, then the plain forward and backward; db the column sums of dx
 * in row order, rounded once. */
static void check_bias_layer(size_t rows, size_t cols, size_t stride) {
    const actfn_kind kinds[3] = {ACTFN_RELU, ACTFN_GELU, ACTFN_SIGMOID};
    size_t span = rows * stride;
    double *values = malloc(span * sizeof *values), *gradients = malloc(span * sizeof *gradients);
    double *biases = malloc(cols * sizeof *biases), *sums = malloc(cols * sizeof *sums);
    double *zs = malloc(cols * sizeof *zs);
    for (int d = 0; d < DTYPES; d++)
        for (int k = 0; k < 3; k++) {
            actfn_dtype dtype = dtypes[d];
            size_t size = actfn_dtype_size(dtype);
            actfn_op op = actfn_op_init(kinds[k]);
            fill(values, span), fill(gradients, span), fill(biases, cols);
            void *x = to_dtype(dtype, values, span), *dy = to_dtype(dtype, gradients, span);
            void *b = to_dtype(dtype, biases, cols), *y = to_dtype(dtype, values, span);
            void *dx = to_dtype(dtype, values, span), *db = to_dtype(dtype, biases, cols);
            void *z = to_dtype(dtype, values, cols), *want = to_dtype(dtype, values, cols);
            actfn_batch batch = {rows, cols, stride};
            assert_int_equal(actfn_bias_forward(&op, dtype, &batch, x, b, y), ACTFN_OK);
            assert_int_equal(actfn_bias_backward(&op, dtype, &batch, x, b, dy, dx, db), ACTFN_OK);
            for (size_t j = 0; j < cols; j++)
                sums[j] = 0;
            for (size_t r = 0; r < rows; r++) {
                for (size_t j = 0; j < cols; j++)
                    zs[j] = at(dtype, x, r * stride + j) + at(dtype, b, j);
                assert_int_equal(actfn_convert(zs, ACTFN_F64, z, dtype, cols), ACTFN_OK);
                assert_int_equal(actfn_forward(&op, dtype, z, want, cols), ACTFN_OK);
                for (size_t j = 0; j < cols; j++)
                    assert_true(same(at(dtype, y, r * stride + j), at(dtype, want, j)));
                assert_int_equal(
                    actfn_backward(&op, dtype, z, (const char *)dy + r * stride * size, want, cols),
                    ACTFN_OK);
                for (size_t j = 0; j < cols; j++) {
                    assert_true(same(at(dtype, dx, r * stride + j), at(dtype, want, j)));
                    sums[j] += at(dtype, want, j);
                }
            }
            for (size_t j = 0; j < cols; j++) {
                double expected = rounded(dtype, sums[j]);
                assert_true(same(at(dtype, db, j), expected));
            }
            /* in place: dx == dy, and y == x */
            assert_int_equal(actfn_bias_backward(&op, dtype, &batch, x, b, dy, dy, db), ACTFN_OK);
            assert_int_equal(actfn_bias_forward(&op, dtype, &batch, x, b, x), ACTFN_OK);
            for (size_t r = 0; r < rows; r++)
                for (size_t j = 0; j < cols; j++) {
                    size_t i = r * stride + j;
                    assert_true(same(at(dtype, dy, i), at(dtype, dx, i)));
                    assert_true(same(at(dtype, x, i), at(dtype, y, i)));
                }
            free(x), free(dy), free(b), free(y), free(dx), free(db), free(z), free(want);
        }
    free(values), free(gradients), free(biases), free(sums), free(zs);
}

/* Rows with gaps between them; and narrow rows one after another, many (the backward goes
 * a block of 16 KiB of rows at a time, its op over the whole block at once: 3001 rows of 7
 * cross blocks in every dtype and leave a part block). */
static void bias_forward_and_backward(void **state) {
    (void)state;
    check_bias_layer(ROWS, COLS, STRIDE);
    check_bias_layer(3001, 7, 7);
}

static void prelu_forward_and_backward(void **state) {
    (void)state;
    for (int d = 0; d < DTYPES; d++) {
        actfn_dtype dtype = dtypes[d];
        double values[SPAN], gradients[SPAN], slopes[COLS];
        fill(values, SPAN), fill(gradients, SPAN), fill(slopes, COLS);
        values[3] = NAN, values[4] = -0.0;
        void *x = to_dtype(dtype, values, SPAN), *dy = to_dtype(dtype, gradients, SPAN);
        void *a = to_dtype(dtype, slopes, COLS), *y = to_dtype(dtype, values, SPAN);
        void *dx = to_dtype(dtype, values, SPAN), *da = to_dtype(dtype, slopes, COLS);
        actfn_batch batch = {ROWS, COLS, STRIDE};
        assert_int_equal(actfn_prelu_forward(dtype, &batch, x, a, y), ACTFN_OK);
        assert_int_equal(actfn_prelu_backward(dtype, &batch, x, a, dy, dx, da), ACTFN_OK);
        double sums[COLS] = {0};
        for (size_t r = 0; r < ROWS; r++)
            for (size_t j = 0; j < COLS; j++) {
                size_t i = r * STRIDE + j;
                double v = at(dtype, x, i), g = at(dtype, dy, i), s = at(dtype, a, j);
                double fy = v > 0 ? v : s * v, fdx = v > 0 ? g : s * g;
                fy = rounded(dtype, fy), fdx = rounded(dtype, fdx);
                assert_true(same(at(dtype, y, i), fy));
                assert_true(same(at(dtype, dx, i), fdx));
                if (!(v > 0)) sums[j] += v * g;
            }
        for (size_t j = 0; j < COLS; j++) {
            double expected = rounded(dtype, sums[j]);
            assert_true(same(at(dtype, da, j), expected));
        }
        free(x), free(dy), free(a), free(y), free(dx), free(da);
    }
}

static void maxout_routes_to_the_first_maximum(void **state) {
    (void)state;
    /* 2 rows of 6 features, k = 3; row stride 7; y stride 3 */
    double x[14] = {1, 5, 5, -2, -1, -3, 99, 0, NAN, 2, 4, 4, 9, 99};
    double y[6], dy[6] = {10, 20, 0, 30, 40, 0}, dx[14];
    actfn_batch batch = {2, 6, 7};
    assert_int_equal(actfn_maxout_forward(ACTFN_F64, &batch, 3, x, y, 3), ACTFN_OK);
    assert_true(y[0] == 5 && y[1] == -1 && isnan(y[3]) && y[4] == 9);
    memset(dx, 0x7f, sizeof dx); /* the gap (index 6) stays as it was */
    assert_int_equal(actfn_maxout_backward(ACTFN_F64, &batch, 3, x, dy, 3, dx), ACTFN_OK);
    double want[14] = {0, 10, 0, 0, 20, 0, dx[6], 0, 30, 0, 0, 0, 40, dx[13]};
    for (int i = 0; i < 14; i++)
        assert_true(same(dx[i], want[i]));
    for (int d = 2; d < DTYPES; d++) { /* the 16-bit types select the same elements */
        void *xn = to_dtype(dtypes[d], x, 14), *dyn = to_dtype(dtypes[d], dy, 6);
        void *yn = to_dtype(dtypes[d], y, 6), *dxn = to_dtype(dtypes[d], dx, 14);
        assert_int_equal(actfn_maxout_forward(dtypes[d], &batch, 3, xn, yn, 3), ACTFN_OK);
        assert_int_equal(actfn_maxout_backward(dtypes[d], &batch, 3, xn, dyn, 3, dxn), ACTFN_OK);
        for (int i = 0; i < 6; i++)
            assert_true(i % 3 == 2 || same(at(dtypes[d], yn, i), y[i]));
        for (int i = 0; i < 14; i++)
            assert_true(same(at(dtypes[d], dxn, i), rounded(dtypes[d], want[i])));
        free(xn), free(dyn), free(yn), free(dxn);
    }
    float xf[6] = {3, 3, 1, -1, -1, -1}, yf[2], dyf[2] = {1, 2}, dxf[6];
    actfn_batch one = {1, 6, 6};
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &one, 3, xf, yf, 2), ACTFN_OK);
    assert_true(yf[0] == 3 && yf[1] == -1);
    assert_int_equal(actfn_maxout_backward(ACTFN_F32, &one, 3, xf, dyf, 2, dxf), ACTFN_OK);
    assert_true(dxf[0] == 1 && dxf[1] == 0 && dxf[3] == 2 && dxf[4] == 0);
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &one, 4, xf, yf, 2), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &one, 0, xf, yf, 2), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_maxout_forward(ACTFN_F32, &one, 3, xf, yf, 1), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_maxout_backward(ACTFN_F32, &one, 3, xf, dyf, 2, xf), ACTFN_ERR_OVERLAP);
}

/* Large enough to be split over threads (by rows, or by columns for the sums): the
 * results equal those of one thread, bit for bit, in every dtype. */
/* ACTFN_TEST_QUICK (make test-neon, under qemu-user) skips the large batches below:
 * emulated, they take minutes; the split and streaming logic is the same code natively. */
static int quick(void) {
    const char *text = getenv("ACTFN_TEST_QUICK");
    return text != NULL && text[0] == '1';
}

static void threads_give_the_results_of_one_thread(void **state) {
    (void)state;
    if (quick()) skip();
    enum { R = 2048, C = 520, S = 530, N = R * S }; /* over 2^20 elements */
    double *values = malloc(N * sizeof *values), *gradients = malloc(N * sizeof *gradients);
    double biases[C];
    fill(values, N), fill(gradients, N), fill(biases, C);
    actfn_batch batch = {R, C, S};
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU), silu = actfn_op_init(ACTFN_SILU);
    for (int d = 0; d < DTYPES; d++) {
        actfn_dtype dtype = dtypes[d];
        void *x = to_dtype(dtype, values, N), *dy = to_dtype(dtype, gradients, N);
        void *b = to_dtype(dtype, biases, C);
        void *out[2][6];
        uint8_t *masks[2];
        actfn_activity activity[2];
        for (int t = 0; t < 2; t++) {
            assert_int_equal(actfn_set_num_threads(t == 0 ? 1 : 2), ACTFN_OK);
            for (int o = 0; o < 6; o++)
                out[t][o] = to_dtype(dtype, values, N);
            masks[t] = calloc(R, actfn_mask_row_bytes(C));
            assert_int_equal(actfn_activity_init(&activity[t], C), ACTFN_OK);
            assert_int_equal(
                actfn_mask_forward(&leaky, dtype, &batch, x, out[t][0], masks[t], &activity[t]),
                ACTFN_OK);
            assert_int_equal(actfn_mask_backward(&leaky, dtype, &batch, masks[t], dy, out[t][1]),
                             ACTFN_OK);
            assert_int_equal(actfn_bias_forward(&silu, dtype, &batch, x, b, out[t][2]), ACTFN_OK);
            assert_int_equal(
                actfn_bias_backward(&silu, dtype, &batch, x, b, dy, out[t][3], (char *)out[t][5]),
                ACTFN_OK);
            assert_int_equal(actfn_prelu_backward(dtype, &batch, x, b, dy, out[t][4],
                                                  (char *)out[t][5] + C * actfn_dtype_size(dtype)),
                             ACTFN_OK);
        }
        assert_int_equal(actfn_set_num_threads(0), ACTFN_OK);
        size_t bytes = ((R - 1) * S + C) * actfn_dtype_size(dtype);
        for (int o = 0; o < 5; o++)
            assert_memory_equal(out[0][o], out[1][o], bytes);
        assert_memory_equal(out[0][5], out[1][5], 2 * C * actfn_dtype_size(dtype)); /* the sums */
        assert_memory_equal(masks[0], masks[1], R * actfn_mask_row_bytes(C));
        assert_memory_equal(activity[0].active, activity[1].active, C * sizeof(uint64_t));
        for (int t = 0; t < 2; t++) {
            for (int o = 0; o < 6; o++)
                free(out[t][o]);
            free(masks[t]);
            actfn_activity_free(&activity[t]);
        }
        free(x), free(dy), free(b);
    }
    free(values), free(gradients);
}

/* A batch large enough for the mask backward's non-temporal stores, with rows that do
 * not start on a vector boundary: equal to the backward from x. */
static void large_mask_backward_streams_the_same_values(void **state) {
    (void)state;
    if (quick()) skip();
    enum { R = 2050, C = 2047, N = R * C }; /* over 2^22 elements, odd row length */
    for (int d = 0; d < 2; d++) {
        actfn_dtype dtype = dtypes[d];
        double *values = malloc(N * sizeof *values);
        fill(values, N);
        void *x = to_dtype(dtype, values, N), *dy = to_dtype(dtype, values, N);
        void *dx = malloc((N + 1) * actfn_dtype_size(dtype)), *want = to_dtype(dtype, values, N);
        uint8_t *mask = malloc(R * actfn_mask_row_bytes(C));
        actfn_batch batch = {R, C, C};
        actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
        void *out = (char *)dx + actfn_dtype_size(dtype); /* dx + 1: misaligned */
        assert_int_equal(actfn_mask_forward(&leaky, dtype, &batch, x, want, mask, NULL), ACTFN_OK);
        assert_int_equal(actfn_mask_backward(&leaky, dtype, &batch, mask, dy, out), ACTFN_OK);
        assert_int_equal(actfn_backward(&leaky, dtype, x, dy, want, N), ACTFN_OK);
        assert_memory_equal(out, want, (size_t)N * actfn_dtype_size(dtype));
        free(values), free(x), free(dy), free(dx), free(want), free(mask);
    }
}

static void bad_arguments_are_rejected(void **state) {
    (void)state;
    float x[8] = {0}, y[8];
    uint8_t mask[1];
    actfn_batch batch = {2, 4, 4}, narrow = {2, 4, 3}, empty = {0, 4, 4};
    actfn_op relu = actfn_op_init(ACTFN_RELU), sigmoid = actfn_op_init(ACTFN_SIGMOID);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &narrow, x, y, mask, NULL),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_mask_forward(&sigmoid, ACTFN_F32, &batch, x, y, mask, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    actfn_op half = relu;
    half.grad_at_zero = 0.5;
    assert_int_equal(actfn_mask_forward(&half, ACTFN_F32, &batch, x, y, mask, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    assert_non_null(strstr(actfn_last_error(), "grad_at_zero"));
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_S8, &batch, x, y, mask, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_mask_forward(&relu, (actfn_dtype)9, &batch, x, y, mask, NULL),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, NULL, x, y, mask, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, x, y, NULL, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &empty, NULL, NULL, NULL, NULL),
                     ACTFN_OK);
    actfn_activity wrong;
    assert_int_equal(actfn_activity_init(&wrong, 5), ACTFN_OK);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, x, y, mask, &wrong),
                     ACTFN_ERR_BAD_PARAMETER);
    actfn_activity_free(&wrong);
    assert_int_equal(actfn_mask_forward(&relu, ACTFN_F32, &batch, x, x + 1, mask, NULL),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_bias_forward(&relu, ACTFN_F32, &batch, x, NULL, y),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_bias_forward(&relu, ACTFN_F32, &batch, x, x, y), ACTFN_OK);
    assert_int_equal(actfn_bias_forward(&relu, ACTFN_F32, &batch, x, y, y), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_prelu_forward(ACTFN_F32, &batch, x, y + 2, y), ACTFN_ERR_OVERLAP);
    float db[4] = {1, 1, 1, 1};
    assert_int_equal(actfn_bias_backward(&relu, ACTFN_F32, &empty, x, x, x, y, db), ACTFN_OK);
    assert_true(db[0] == 0 && db[3] == 0); /* no rows: the sums are 0 */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mask_forward_and_backward_match_the_elementwise_ops),
        cmocka_unit_test(one_pass_mask_forward_kernels_match_their_definition),
        cmocka_unit_test(a_streamed_mask_forward_matches_the_plain_forward),
        cmocka_unit_test(one_pass_bias_kernels_match_the_add_and_the_op),
        cmocka_unit_test(dead_units_are_counted_across_batches),
        cmocka_unit_test(bias_forward_and_backward),
        cmocka_unit_test(prelu_forward_and_backward),
        cmocka_unit_test(maxout_routes_to_the_first_maximum),
        cmocka_unit_test(maxout_pair_kernels_match_the_scalar_rule),
        cmocka_unit_test(threads_give_the_results_of_one_thread),
        cmocka_unit_test(large_mask_backward_streams_the_same_values),
        cmocka_unit_test(bad_arguments_are_rejected),
    };
    return cmocka_run_group_tests_name("layer-level ops", tests, NULL, NULL);
}
