/* SPDX-License-Identifier: MIT */
/* Quantized int8 and uint8 forwards against a reference that dequantizes each of the 256
 * inputs, applies the library's f64 op, and requantizes (round half to even, then clamp),
 * for every op and several pairs of input and output quantizations; relu and relu6 also
 * against integer arithmetic alone; and the errors. */
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

typedef struct quantizations {
    actfn_quantization input, output;
} quantizations;

static const quantizations s8_cases[] = {
    {{0.05, 0}, {0.05, 0}},     {{0.1, -20}, {0.0173, 5}}, {{1.0 / 16, 3}, {1.0 / 128, -128}},
    {{0.3, 100}, {0.25, -100}}, {{2.5, 0}, {0.01, 0}},
};
static const quantizations u8_cases[] = {
    {{0.05, 128}, {0.05, 128}},
    {{0.1, 100}, {0.0173, 5}},
    {{1.0 / 16, 131}, {1.0 / 256, 0}},
    {{0.02, 0}, {0.04, 255}},
};

/* Round half to even, written with floor (not nearbyint, which the library uses). */
static double round_half_even(double v) {
    double down = floor(v), fraction = v - down;
    if (fraction > 0.5) return down + 1;
    if (fraction < 0.5) return down;
    return fmod(down, 2) == 0 ? down : down + 1;
}

static int reference(const actfn_op *op, actfn_dtype dtype, const quantizations *q, int x) {
    double real = q->input.scale * (x - q->input.zero_point), y;
    assert_int_equal(actfn_forward(op, ACTFN_F64, &real, &y, 1), ACTFN_OK);
    double v = round_half_even(y / q->output.scale) + q->output.zero_point;
    double low = dtype == ACTFN_S8 ? -128 : 0, high = dtype == ACTFN_S8 ? 127 : 255;
    return (int)(v < low ? low : v > high ? high : v);
}

static void check(const actfn_op *op, actfn_dtype dtype, const quantizations *q) {
    uint8_t x[256], y[256];
    for (int i = 0; i < 256; i++)
        x[i] = (uint8_t)i;
    assert_int_equal(actfn_forward_quantized(op, dtype, &q->input, &q->output, x, y, 256),
                     ACTFN_OK);
    for (int i = 0; i < 256; i++) {
        int value = dtype == ACTFN_S8 ? (int8_t)x[i] : x[i];
        int got = dtype == ACTFN_S8 ? (int8_t)y[i] : y[i];
        int want = reference(op, dtype, q, value);
        if (got != want) {
            print_error("%s %s q=%d: got %d, want %d\n", actfn_op_name(op->kind),
                        dtype == ACTFN_S8 ? "s8" : "u8", value, got, want);
            fail();
        }
    }
}

static void every_op_matches_the_requantizing_reference(void **state) {
    (void)state;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        actfn_op op = actfn_op_init((actfn_kind)kind);
        for (size_t c = 0; c < sizeof s8_cases / sizeof *s8_cases; c++)
            check(&op, ACTFN_S8, &s8_cases[c]);
        for (size_t c = 0; c < sizeof u8_cases / sizeof *u8_cases; c++)
            check(&op, ACTFN_U8, &u8_cases[c]);
    }
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    leaky.negative_slope = 0.2;
    check(&leaky, ACTFN_S8, &s8_cases[1]);
    check(&leaky, ACTFN_U8, &u8_cases[1]);
}

/* With one quantization on both sides, relu is max(q, zero_point) and relu6 also caps
 * at zero_point + 6 / scale: integer arithmetic, no reference involved. */
static void relu_and_relu6_are_integer_exact(void **state) {
    (void)state;
    const actfn_quantization same = {0.25, -7};
    actfn_op relu = actfn_op_init(ACTFN_RELU), relu6 = actfn_op_init(ACTFN_RELU6);
    uint8_t x[256], y[256], y6[256];
    for (int i = 0; i < 256; i++)
        x[i] = (uint8_t)i;
    assert_int_equal(actfn_forward_quantized(&relu, ACTFN_S8, &same, &same, x, y, 256), ACTFN_OK);
    assert_int_equal(actfn_forward_quantized(&relu6, ACTFN_S8, &same, &same, x, y6, 256), ACTFN_OK);
    for (int i = 0; i < 256; i++) {
        int q = (int8_t)x[i];
        int expected = q > -7 ? q : -7;
        assert_int_equal((int8_t)y[i], expected);
        assert_int_equal((int8_t)y6[i], expected > -7 + 24 ? -7 + 24 : expected);
    }
}

/* Tails, offsets and in place, through the lookup (sigmoid) and through the clamp that
 * replaces it for relu with one quantization on both sides, in both types. */
static void check_lengths(actfn_kind kind, actfn_dtype dtype, const quantizations *q);

static void lengths_offsets_and_in_place(void **state) {
    (void)state;
    check_lengths(ACTFN_SIGMOID, ACTFN_U8, &u8_cases[2]);
    check_lengths(ACTFN_RELU, ACTFN_U8, &u8_cases[0]);
    check_lengths(ACTFN_RELU, ACTFN_S8, &s8_cases[0]);
    check_lengths(ACTFN_RELU6, ACTFN_S8, &s8_cases[0]);
}

static void check_lengths(actfn_kind kind, actfn_dtype dtype, const quantizations *q) {
    actfn_op op = actfn_op_init(kind);
    uint8_t all[256], table[256], input[264], output[264];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    assert_int_equal(actfn_forward_quantized(&op, dtype, &q->input, &q->output, all, table, 256),
                     ACTFN_OK);
    for (size_t n = 0; n <= 257; n++) {
        size_t offset = n % 4;
        for (size_t i = 0; i < n; i++)
            input[offset + i] = (uint8_t)(i * 37 + n);
        assert_int_equal(actfn_forward_quantized(&op, dtype, &q->input, &q->output, input + offset,
                                                 output + offset, n),
                         ACTFN_OK);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(output[offset + i], table[input[offset + i]]);
        assert_int_equal(actfn_forward_quantized(&op, dtype, &q->input, &q->output, input + offset,
                                                 input + offset, n),
                         ACTFN_OK);
        assert_memory_equal(input + offset, output + offset, n);
    }
}

static void bad_quantizations_are_rejected(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RELU);
    uint8_t x[4] = {1, 2, 3, 4}, y[4];
    actfn_quantization good = {0.1, 0};
    const actfn_quantization bad[] = {{0, 0},        {-1, 0},    {NAN, 0},
                                      {INFINITY, 0}, {0.1, 128}, {0.1, -129}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &bad[i], &good, x, y, 4),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &good, &bad[i], x, y, 4),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_non_null(strstr(actfn_last_error(), "actfn_forward_quantized"));
    }
    actfn_quantization u8_bad = {0.1, 256};
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_U8, &u8_bad, &good, x, y, 4),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, NULL, &good, x, y, 4),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &good, &good, NULL, y, 4),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &good, &good, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_F32, &good, &good, x, y, 4),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &good, &good, x, x + 1, 3),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_forward(&op, ACTFN_S8, x, y, 4), ACTFN_ERR_UNSUPPORTED);
    assert_non_null(strstr(actfn_last_error(), "actfn_forward_quantized"));
    assert_int_equal(actfn_backward(&op, ACTFN_U8, x, x, y, 4), ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_forward_quantized(NULL, ACTFN_S8, &good, &good, x, y, 4),
                     ACTFN_ERR_NULL_POINTER);
}

/* Every ISA's byte kernels (the lookup, and the clamp that replaces it) against the
 * table read byte by byte: lengths 0..300 at four offsets, with ordinary and non-temporal
 * stores (the head before y's first vector boundary byte by byte), in place, a table of
 * pseudo-random bytes so that each of the 256 entries is told apart. On a CPU with
 * AVX-512 VBMI the AVX-512 table holds the 64-byte vpermi2b kernels. */
static void check_byte_kernels(const char *name, const kernel_table *k) {
    uint8_t table[256], x[308], y[308], z[308];
    uint32_t state = 12345;
    for (int i = 0; i < 256; i++) {
        state = state * 1664525u + 1013904223u;
        table[i] = (uint8_t)(state >> 24);
    }
    for (size_t n = 0; n <= 300; n++) {
        size_t offset = n % 4;
        for (size_t i = 0; i < n; i++) {
            state = state * 1664525u + 1013904223u;
            x[offset + i] = (uint8_t)(state >> 24);
        }
        for (int stream = 1; stream >= 0; stream--) { /* out of place: both kinds of stores */
            memset(y, 0xA5, sizeof y);
            k->lookup_bytes(table, x + offset, y + offset, n, stream);
            for (size_t i = 0; i < sizeof y; i++) {
                int inside = i >= offset && i < offset + n;
                int want = inside ? table[x[i]] : 0xA5;
                if (y[i] != want) {
                    print_error("%s lookup n=%zu i=%zu stream=%d: got %d, want %d\n", name, n, i,
                                stream, y[i], want);
                    fail();
                }
            }
        }
        memcpy(z, x, sizeof z); /* in place (y holds the out-of-place result) */
        k->lookup_bytes(table, z + offset, z + offset, n, 0);
        assert_memory_equal(z + offset, y + offset, n);
        for (int stream = 0; stream <= 1; stream++)
            for (int flip = 0; flip <= 0x80; flip += 0x80) {
                const uint8_t low = 17, high = 200;
                memset(y, 0xA5, sizeof y);
                k->clamp_bytes(x + offset, y + offset, n, low, high, (uint8_t)flip, stream);
                for (size_t i = 0; i < sizeof y; i++) {
                    int v = x[i] ^ flip;
                    int clamped = (v < low ? low : v > high ? high : v) ^ flip;
                    int want = i >= offset && i < offset + n ? clamped : 0xA5;
                    if (y[i] != want) {
                        print_error("%s clamp n=%zu i=%zu flip=%d: got %d, want %d\n", name, n, i,
                                    flip, y[i], want);
                        fail();
                    }
                }
            }
    }
}

static void every_isa_byte_kernel_matches_the_table(void **state) {
    (void)state;
    int checked = 0;
    for (int which = 0; which < ISA_COUNT; which++) {
        const kernel_table *k = kernels_of((isa)which);
        if (k == NULL || k->lookup_bytes == NULL) continue;
        assert_non_null(k->clamp_bytes);
        check_byte_kernels(isa_name((isa)which), k);
        checked++;
    }
#if defined(__x86_64__)
    /* the VBMI kernels where this CPU can run them, whatever ACTFN_ISA caps */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512f")) {
        kernel_table vbmi;
        memset(&vbmi, 0, sizeof vbmi);
        fill_byte_lookup_avx512vbmi(&vbmi);
        check_byte_kernels("avx512vbmi", &vbmi);
        checked++;
    }
#endif
    print_message("byte kernels of %d ISAs checked\n", checked);
}

/* The per-thread cache keeps a few tables: calls that cycle through more keys than it
 * holds, keys that differ in one parameter, one zero point, or only in the dtype, each
 * get their own table (checked against the reference), in two orders. */
static void the_table_cache_tells_every_key_apart(void **state) {
    (void)state;
    actfn_op leaky_a = actfn_op_init(ACTFN_LEAKY_RELU), leaky_b = leaky_a;
    leaky_a.negative_slope = 0.2;
    leaky_b.negative_slope = 0.25;
    actfn_op sigmoid = actfn_op_init(ACTFN_SIGMOID), relu = actfn_op_init(ACTFN_RELU);
    actfn_op fast_sigmoid = sigmoid;
    fast_sigmoid.accuracy = ACTFN_FAST;
    const quantizations shifted = {{0.1, -19}, {0.0173, 5}};
    const quantizations u8_like_s8 = {{0.1, 20}, {0.0173, 5}};
    struct {
        const actfn_op *op;
        actfn_dtype dtype;
        const quantizations *q;
    } calls[] = {
        {&leaky_a, ACTFN_S8, &s8_cases[1]}, {&leaky_b, ACTFN_S8, &s8_cases[1]},
        {&sigmoid, ACTFN_S8, &s8_cases[1]}, {&sigmoid, ACTFN_S8, &shifted},
        {&relu, ACTFN_S8, &s8_cases[0]},    {&relu, ACTFN_U8, &u8_cases[0]},
        {&sigmoid, ACTFN_U8, &u8_like_s8},  {&fast_sigmoid, ACTFN_S8, &s8_cases[1]},
    };
    size_t count = sizeof calls / sizeof *calls;
    for (int round = 0; round < 3; round++)
        for (size_t c = 0; c < count; c++) {
            size_t i = round == 1 ? count - 1 - c : (c * 3) % count;
            check(calls[i].op, calls[i].dtype, calls[i].q);
        }
}

/* A prepared op gives what actfn_forward_quantized gives, in place too; its arguments
 * are checked as there, and at run time the arrays are. */
static void prepared_ops_match_the_one_shot_call(void **state) {
    (void)state;
    uint8_t x[300], y[300], z[300];
    for (int i = 0; i < 300; i++)
        x[i] = (uint8_t)(i * 7 + 3);
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        actfn_op op = actfn_op_init((actfn_kind)kind);
        for (int u8 = 0; u8 <= 1; u8++) {
            actfn_dtype dtype = u8 ? ACTFN_U8 : ACTFN_S8;
            const quantizations *q = u8 ? &u8_cases[1] : &s8_cases[2];
            actfn_quantized_op *prepared = NULL;
            assert_int_equal(actfn_quantized_create(&op, dtype, &q->input, &q->output, &prepared),
                             ACTFN_OK);
            assert_non_null(prepared);
            assert_int_equal(actfn_quantized_run(prepared, x, y, 300), ACTFN_OK);
            assert_int_equal(actfn_forward_quantized(&op, dtype, &q->input, &q->output, x, z, 300),
                             ACTFN_OK);
            assert_memory_equal(y, z, 300);
            memcpy(z, x, sizeof z);
            assert_int_equal(actfn_quantized_run(prepared, z + 1, z + 1, 299), ACTFN_OK);
            assert_int_equal(actfn_quantized_run(prepared, x + 1, y, 299), ACTFN_OK);
            assert_memory_equal(z + 1, y, 299);
            actfn_quantized_destroy(prepared);
        }
    }
}

static void prepared_ops_refuse_bad_arguments(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RELU), bad_op = actfn_op_init(ACTFN_LEAKY_RELU);
    bad_op.negative_slope = NAN;
    actfn_quantization good = {0.1, 0}, bad = {0, 0};
    actfn_quantized_op *prepared = (actfn_quantized_op *)&good; /* must be reset to NULL */
    assert_int_equal(actfn_quantized_create(&op, ACTFN_S8, &bad, &good, &prepared),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_null(prepared);
    assert_non_null(strstr(actfn_last_error(), "actfn_quantized_create"));
    assert_int_equal(actfn_quantized_create(&op, ACTFN_F32, &good, &good, &prepared),
                     ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_quantized_create(&bad_op, ACTFN_S8, &good, &good, &prepared),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_quantized_create(NULL, ACTFN_S8, &good, &good, &prepared),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_create(&op, ACTFN_S8, &good, NULL, &prepared),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_create(&op, ACTFN_S8, &good, &good, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_create(&op, ACTFN_S8, &good, &good, &prepared), ACTFN_OK);
    uint8_t x[8] = {0}, y[8];
    assert_int_equal(actfn_quantized_run(NULL, x, y, 8), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_run(prepared, NULL, y, 8), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_run(prepared, x, NULL, 8), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_quantized_run(prepared, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_quantized_run(prepared, x, x + 1, 7), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_quantized_run(prepared, x, y, SIZE_MAX), ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "actfn_quantized_run"));
    actfn_quantized_destroy(prepared);
    actfn_quantized_destroy(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_op_matches_the_requantizing_reference),
        cmocka_unit_test(relu_and_relu6_are_integer_exact),
        cmocka_unit_test(lengths_offsets_and_in_place),
        cmocka_unit_test(bad_quantizations_are_rejected),
        cmocka_unit_test(every_isa_byte_kernel_matches_the_table),
        cmocka_unit_test(the_table_cache_tells_every_key_apart),
        cmocka_unit_test(prepared_ops_match_the_one_shot_call),
        cmocka_unit_test(prepared_ops_refuse_bad_arguments),
    };
    return cmocka_run_group_tests_name("quantized int8 and uint8", tests, NULL, NULL);
}
