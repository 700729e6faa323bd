/* SPDX-License-Identifier: MIT */
/* f16 and bf16, exhaustively: for every one of the 65,536 bit patterns of each type and
 * every op (with default and with other parameters), the forward and the backward (for
 * dy = 1 and for another dy per input) must be the correctly rounded 16-bit value of the
 * exact result, bit for bit. The exact result is MPFR's (mpfr_reference.c), rounded to
 * the 16-bit format by MPFR with that format's precision and exponent range
 * (mpfr_subnormalize), independently of the library's own conversions. Also: the
 * conversions themselves, NaN and infinities, and the typed shortcuts. */
#include "mpfr_reference.h"
#include "parameter_cases.h"
#include "route/dispatch.h"
#include "spec/narrow_float.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { PATTERNS = 1 << 16 };

typedef struct format {
    actfn_dtype dtype;
    const char *name;
    mpfr_prec_t precision;
    mpfr_exp_t emin, emax; /* MPFR's convention: x = m 2^e, 0.5 <= m < 1 */
    double (*widen)(uint16_t);
} format;

static const format formats[] = {
    {ACTFN_F16, "f16", 11, -23, 16, f16_to_double},
    {ACTFN_BF16, "bf16", 8, -132, 128, bf16_to_double},
};

/* exact rounded to the format (to nearest, ties to even, subnormals and overflow as
 * IEEE has them), as a double. */
static double round_to_format(const format *f, const mpfr_t exact) {
    mpfr_exp_t saved_emin = mpfr_get_emin(), saved_emax = mpfr_get_emax();
    mpfr_set_emin(f->emin);
    mpfr_set_emax(f->emax);
    mpfr_t rounded;
    mpfr_init2(rounded, f->precision);
    int inexact = mpfr_set(rounded, exact, MPFR_RNDN);
    inexact = mpfr_check_range(rounded, inexact, MPFR_RNDN);
    mpfr_subnormalize(rounded, inexact, MPFR_RNDN);
    double result = mpfr_get_d(rounded, MPFR_RNDN);
    mpfr_clear(rounded);
    mpfr_set_emin(saved_emin);
    mpfr_set_emax(saved_emax);
    return result;
}

static int same_value(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

/* The f64 result of the library for one input: what the 16-bit types must agree with
 * where the input is not finite (MPFR's reference takes finite inputs only). */
static double f64_forward(const actfn_op *op, double x) {
    double y;
    assert_int_equal(actfn_forward(op, ACTFN_F64, &x, &y, 1), ACTFN_OK);
    return y;
}

static double f64_backward(const actfn_op *op, double x, double dy) {
    double dx;
    assert_int_equal(actfn_backward(op, ACTFN_F64, &x, &dy, &dx, 1), ACTFN_OK);
    return dx;
}

/* A fixed pseudo-random finite dy for input pattern i, in [-4, 4]. */
static uint16_t gradient_pattern(const format *f, uint32_t i) {
    uint32_t h = i * 2654435761u;
    double dy = ((double)(h >> 8) / (1 << 24)) * 8 - 4;
    return f->dtype == ACTFN_F16 ? double_to_f16(dy) : double_to_bf16(dy);
}

/* A double rounded to the format by MPFR (NaN stays NaN). */
static double rounded(const format *f, double value) {
    if (isnan(value)) return NAN;
    mpfr_t exact;
    mpfr_init2(exact, 53);
    mpfr_set_d(exact, value, MPFR_RNDN);
    double result = round_to_format(f, exact);
    mpfr_clear(exact);
    return result;
}

/* dy f'(x). For hardswish on [-3, 3] as (dy (2x + 3)) / 6: the product can be exactly a
 * tie of the 16-bit type, which only the division done last keeps exact; f'(x) rounded
 * first would push it off the tie. */
static void exact_product(const actfn_op *op, mpfr_t product, const mpfr_t derivative,
                          const mpfr_t x, double dy) {
    if (op->kind == ACTFN_HARDSWISH && mpfr_cmp_si(x, -3) >= 0 && mpfr_cmp_si(x, 3) <= 0) {
        mpfr_mul_ui(product, x, 2, MPFR_RNDN);
        mpfr_add_ui(product, product, 3, MPFR_RNDN);
        mpfr_mul_d(product, product, dy, MPFR_RNDN);
        mpfr_div_ui(product, product, 6, MPFR_RNDN);
        return;
    }
    mpfr_mul_d(product, derivative, dy, MPFR_RNDN);
}

typedef struct tally {
    unsigned long checked, wrong;
} tally;

/* want is MPFR's result rounded to the format; wide the library's f64 result for the same
 * input. A zero result takes its sign from wide: the exact value 0 has none, and the
 * library's signs of zero are its documented semantics (docs/semantics.md), checked
 * against the f64 path. */
static void expect(tally *t, const char *what, const char *op_name, const format *f, uint16_t x,
                   double got, double want, double wide) {
    t->checked++;
    if (want == 0 && !isnan(wide)) want = copysign(0.0, wide);
    if (same_value(got, want)) return;
    if (t->wrong++ < 5)
        print_error("%s %s %s x=%a: got %a, want %a\n", op_name, f->name, what, f->widen(x), got,
                    want);
}

static void check_op_on_format(actfn_op op, const char *op_name, const format *f) {
    actfn_op applied = op_as_applied(op, f->dtype);
    uint16_t *x = malloc(PATTERNS * sizeof *x), *y = malloc(PATTERNS * sizeof *y);
    uint16_t *ones = malloc(PATTERNS * sizeof *ones), *dy = malloc(PATTERNS * sizeof *dy);
    uint16_t *dx_one = malloc(PATTERNS * sizeof *dx_one), *dx = malloc(PATTERNS * sizeof *dx);
    assert_non_null(x && y && ones && dy && dx_one && dx);
    uint16_t one = f->dtype == ACTFN_F16 ? 0x3c00 : 0x3f80;
    for (uint32_t i = 0; i < PATTERNS; i++) {
        x[i] = (uint16_t)i;
        ones[i] = one;
        dy[i] = gradient_pattern(f, i);
    }
    assert_int_equal(actfn_forward(&op, f->dtype, x, y, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_backward(&op, f->dtype, x, ones, dx_one, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_backward(&op, f->dtype, x, dy, dx, PATTERNS), ACTFN_OK);

    mpfr_t input, exact, derivative, product;
    mpfr_inits2(reference_precision(op.kind), input, exact, derivative, NULL);
    mpfr_init2(product, reference_precision(op.kind) + 16);
    tally t = {0, 0};
    for (uint32_t i = 0; i < PATTERNS; i++) {
        double value = f->widen(x[i]), gradient = f->widen(dy[i]);
        double forward = f64_forward(&applied, value);
        double backward_one = f64_backward(&applied, value, 1.0);
        double backward = f64_backward(&applied, value, gradient);
        if (!isfinite(value)) {
            /* NaN and +-inf: the f64 result, rounded (NaN stays NaN) */
            expect(&t, "forward", op_name, f, x[i], f->widen(y[i]), rounded(f, forward), forward);
            expect(&t, "backward", op_name, f, x[i], f->widen(dx[i]), rounded(f, backward),
                   backward);
            continue;
        }
        mpfr_set_d(input, value, MPFR_RNDN);
        exact_forward(&applied, exact, input);
        expect(&t, "forward", op_name, f, x[i], f->widen(y[i]), round_to_format(f, exact), forward);
        exact_derivative(&applied, derivative, input);
        expect(&t, "backward dy=1", op_name, f, x[i], f->widen(dx_one[i]),
               round_to_format(f, derivative), backward_one);
        exact_product(&applied, product, derivative, input, gradient);
        expect(&t, "backward", op_name, f, x[i], f->widen(dx[i]), round_to_format(f, product),
               backward);
    }
    mpfr_clears(input, exact, derivative, product, NULL);
    printf("  %-28s %-4s %lu results checked, %lu not correctly rounded\n", op_name, f->name,
           t.checked, t.wrong);
    free(x), free(y), free(ones), free(dy), free(dx_one), free(dx);
    assert_int_equal(t.wrong, 0);
}

static void check_op(actfn_op op, const char *op_name) {
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        check_op_on_format(op, op_name, &formats[i]);
}

static void every_op_is_correctly_rounded(void **state) {
    actfn_kind kind = (actfn_kind)(intptr_t)*state;
    check_op(actfn_op_init(kind), actfn_op_name(kind));
}

static void other_parameters_are_correctly_rounded(void **state) {
    (void)state;
    size_t count;
    const parameter_case *cases = parameter_cases(&count);
    for (size_t i = 0; i < count; i++)
        check_op(cases[i].op, cases[i].label);
}

/* The conversions against the formats' definitions: every pattern round-trips, and a
 * double between two neighbours goes to the nearer, ties to the even one. */
static void conversions_round_to_nearest_even(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
        const format *f = &formats[k];
        uint16_t (*narrow)(double) = f->dtype == ACTFN_F16 ? double_to_f16 : double_to_bf16;
        for (uint32_t i = 0; i < PATTERNS; i++) {
            double value = f->widen((uint16_t)i);
            if (isnan(value)) {
                assert_true(isnan(f->widen(narrow(value))));
                continue;
            }
            assert_int_equal(narrow(value), i);
            uint16_t next_pattern = (uint16_t)(i + 1);
            double next = f->widen(next_pattern);
            if ((i & 0x7fff) == 0x7fff || !isfinite(next) || isinf(value) ||
                signbit(value) != signbit(next))
                continue;
            double midpoint = value + (next - value) / 2; /* exact in double */
            uint16_t even = (i & 1) ? next_pattern : (uint16_t)i;
            assert_int_equal(narrow(midpoint), even);
            assert_int_equal(narrow(nextafter(midpoint, value)), i);
            assert_int_equal(narrow(nextafter(midpoint, next)), next_pattern);
        }
    }
    assert_int_equal(double_to_f16(65520.0), 0x7c00); /* rounds past the largest, 65504 */
    assert_int_equal(double_to_f16(65519.99), 0x7bff);
    assert_int_equal(double_to_f16(0x1p-25), 0x0000); /* half the smallest subnormal: tie to 0 */
    assert_int_equal(double_to_f16(0x1.0000000000001p-25), 0x0001);
    assert_int_equal(double_to_bf16(-INFINITY), 0xff80);
    assert_int_equal(double_to_bf16(0x1.fffp127), 0x7f80);
}

static void relu_shortcuts_match_the_generic_call(void **state) {
    (void)state;
    uint16_t x[PATTERNS], y[PATTERNS], want[PATTERNS], dx[PATTERNS], want_dx[PATTERNS];
    for (uint32_t i = 0; i < PATTERNS; i++)
        x[i] = (uint16_t)i;
    actfn_op relu = actfn_op_init(ACTFN_RELU);
    assert_int_equal(actfn_relu_f16(x, y, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_forward(&relu, ACTFN_F16, x, want, PATTERNS), ACTFN_OK);
    assert_memory_equal(y, want, sizeof y);
    assert_int_equal(actfn_relu_backward_f16(x, x, dx, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_backward(&relu, ACTFN_F16, x, x, want_dx, PATTERNS), ACTFN_OK);
    assert_memory_equal(dx, want_dx, sizeof dx);
    assert_int_equal(actfn_relu_bf16(x, y, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_forward(&relu, ACTFN_BF16, x, want, PATTERNS), ACTFN_OK);
    assert_memory_equal(y, want, sizeof y);
    assert_int_equal(actfn_relu_backward_bf16(x, x, dx, PATTERNS), ACTFN_OK);
    assert_int_equal(actfn_backward(&relu, ACTFN_BF16, x, x, want_dx, PATTERNS), ACTFN_OK);
    assert_memory_equal(dx, want_dx, sizeof dx);
    /* relu(-0) = +0, relu(NaN) = NaN, relu(-inf) = +0 */
    uint16_t special[3] = {0x8000, 0x7e00, 0xfc00}, out[3];
    assert_int_equal(actfn_relu_f16(special, out, 3), ACTFN_OK);
    assert_int_equal(out[0], 0x0000);
    assert_true((out[1] & 0x7c00) == 0x7c00 && (out[1] & 0x03ff) != 0);
    assert_int_equal(out[2], 0x0000);
    assert_int_equal(actfn_relu_f16(NULL, out, 3), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_relu_bf16(special, special + 1, 2), ACTFN_ERR_OVERLAP);
}

/* Any length 0..257, four offsets, out of place and in place: the same results as the
 * one large call, element by element (blocks, tails and threads change nothing). */
static void every_length_offset_and_in_place_agrees(void **state) {
    (void)state;
    uint16_t *table = malloc(PATTERNS * sizeof *table), *all = malloc(PATTERNS * sizeof *all);
    uint16_t input[264], output[264], in_place[264];
    assert_non_null(table && all);
    for (uint32_t i = 0; i < PATTERNS; i++)
        all[i] = (uint16_t)i;
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
        for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
            actfn_op op = actfn_op_init((actfn_kind)kind);
            assert_int_equal(actfn_forward(&op, formats[k].dtype, all, table, PATTERNS), ACTFN_OK);
            uint32_t seed = 12345u + (uint32_t)kind;
            for (size_t n = 0; n <= 257; n++) {
                size_t offset = n % 4;
                for (size_t i = 0; i < n; i++) {
                    seed = seed * 1664525u + 1013904223u;
                    input[offset + i] = in_place[offset + i] = (uint16_t)(seed >> 16);
                }
                assert_int_equal(
                    actfn_forward(&op, formats[k].dtype, input + offset, output + offset, n),
                    ACTFN_OK);
                assert_int_equal(
                    actfn_forward(&op, formats[k].dtype, in_place + offset, in_place + offset, n),
                    ACTFN_OK);
                for (size_t i = 0; i < n; i++) {
                    assert_int_equal(output[offset + i], table[input[offset + i]]);
                    assert_int_equal(in_place[offset + i], table[input[offset + i]]);
                }
            }
        }
    }
    free(table), free(all);
}

/* Every ISA's relu straight on 16-bit patterns (and the AVX-512 BW build where this CPU
 * runs it) against the rule written here: +0 where the sign is set and the value is not
 * NaN, else the input; all 65,536 patterns, then lengths 0..300 at four offsets, in
 * place, and nothing written outside. */
static uint16_t relu_rule(uint16_t h, uint16_t infinity) {
    return (h & 0x8000) && (h & 0x7fff) <= infinity ? 0 : h;
}

static void check_narrow_relu(const char *name, const kernel_table *k) {
    static const struct {
        int slot;
        uint16_t infinity;
    } types[2] = {{NARROW_F16, 0x7c00}, {NARROW_BF16, 0x7f80}};
    uint16_t *all = malloc(PATTERNS * sizeof *all), *out = malloc(PATTERNS * sizeof *out);
    assert_non_null(all && out);
    for (int t = 0; t < 2; t++) {
        forward_kernel relu = k->forward_narrow[types[t].slot][ACTFN_RELU];
        if (relu == NULL) continue;
        for (uint32_t i = 0; i < PATTERNS; i++)
            all[i] = (uint16_t)i;
        relu(NULL, all, out, PATTERNS);
        for (uint32_t i = 0; i < PATTERNS; i++)
            if (out[i] != relu_rule((uint16_t)i, types[t].infinity)) {
                print_error("%s relu %d: 0x%04x gives 0x%04x\n", name, t, (unsigned)i, out[i]);
                fail();
            }
        uint16_t x[308], y[308];
        for (size_t n = 0; n <= 300; n++) {
            size_t offset = n % 4;
            for (size_t i = 0; i < 308; i++)
                x[i] = (uint16_t)(i * 7919u + n * 31u);
            memset(y, 0xA5, sizeof y);
            relu(NULL, x + offset, y + offset, n);
            for (size_t i = 0; i < 308; i++) {
                uint16_t want =
                    i >= offset && i < offset + n ? relu_rule(x[i], types[t].infinity) : 0xA5A5;
                assert_int_equal(y[i], want);
            }
            relu(NULL, x + offset, x + offset, n);
            assert_memory_equal(x + offset, y + offset, n * sizeof *x);
        }
    }
    free(all), free(out);
}

static void every_isa_relu_on_16_bit_patterns_follows_the_rule(void **state) {
    (void)state;
    for (int which = 0; which < ISA_COUNT; which++)
        if (kernels_of((isa)which) != NULL)
            check_narrow_relu(isa_name((isa)which), kernels_of((isa)which));
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw")) {
        kernel_table bw;
        memset(&bw, 0, sizeof bw);
        fill_narrow_relu_avx512vbmi(&bw);
        assert_non_null(bw.forward_narrow[NARROW_F16][ACTFN_RELU]);
        check_narrow_relu("avx512vbmi", &bw);
    }
#endif
}

/* actfn_convert: each type's values survive a round trip through every wider type, a
 * narrowing rounds once (from double, not through float), and bad calls are refused. */
static void convert_rounds_once_and_checks_its_arguments(void **state) {
    (void)state;
    uint16_t all[PATTERNS], back[PATTERNS];
    float wide[PATTERNS];
    double wider[PATTERNS];
    for (uint32_t i = 0; i < PATTERNS; i++)
        all[i] = (uint16_t)i;
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
        actfn_dtype dtype = formats[k].dtype;
        assert_int_equal(actfn_convert(all, dtype, wide, ACTFN_F32, PATTERNS), ACTFN_OK);
        assert_int_equal(actfn_convert(wide, ACTFN_F32, back, dtype, PATTERNS), ACTFN_OK);
        assert_int_equal(actfn_convert(all, dtype, wider, ACTFN_F64, PATTERNS), ACTFN_OK);
        for (uint32_t i = 0; i < PATTERNS; i++) {
            if (isnan(wider[i])) continue;
            assert_int_equal(back[i], all[i]);
            assert_true(wider[i] == (double)wide[i]);
            assert_true(same_value(wider[i], formats[k].widen(all[i])));
        }
    }
    /* 1 + 2^-11 + 2^-40 rounds up in f16; through float (1 + 2^-11, a tie) it would not */
    double above_tie = 1 + 0x1p-11 + 0x1p-40;
    uint16_t h;
    assert_int_equal(actfn_convert(&above_tie, ACTFN_F64, &h, ACTFN_F16, 1), ACTFN_OK);
    assert_int_equal(h, 0x3c01);
    float f = 1.5f;
    assert_int_equal(actfn_convert(&f, ACTFN_F32, &f, ACTFN_F32, 1), ACTFN_OK);
    assert_int_equal(actfn_convert(NULL, ACTFN_F32, &h, ACTFN_F16, 1), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_convert(NULL, ACTFN_F32, NULL, ACTFN_F16, 0), ACTFN_OK);
    assert_int_equal(actfn_convert(&f, ACTFN_S8, &h, ACTFN_F16, 1), ACTFN_ERR_UNKNOWN_DTYPE);
    assert_int_equal(actfn_convert(wider, ACTFN_F64, (char *)wider + 2, ACTFN_F16, 4),
                     ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_convert(wider, ACTFN_F64, wider, ACTFN_F32, 4), ACTFN_ERR_OVERLAP);
}

int main(void) {
    enum { EXTRA = 6 };
    struct CMUnitTest tests[ACTFN_KIND_COUNT + EXTRA];
    static char names[ACTFN_KIND_COUNT][48];
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        snprintf(names[kind], sizeof names[kind], "%s_f16_bf16_correctly_rounded",
                 actfn_op_name((actfn_kind)kind));
        tests[kind] = (struct CMUnitTest){names[kind], every_op_is_correctly_rounded, NULL, NULL,
                                          (void *)(intptr_t)kind};
    }
    tests[ACTFN_KIND_COUNT] =
        (struct CMUnitTest)cmocka_unit_test(other_parameters_are_correctly_rounded);
    tests[ACTFN_KIND_COUNT + 1] =
        (struct CMUnitTest)cmocka_unit_test(conversions_round_to_nearest_even);
    tests[ACTFN_KIND_COUNT + 2] =
        (struct CMUnitTest)cmocka_unit_test(relu_shortcuts_match_the_generic_call);
    tests[ACTFN_KIND_COUNT + 3] =
        (struct CMUnitTest)cmocka_unit_test(every_length_offset_and_in_place_agrees);
    tests[ACTFN_KIND_COUNT + 4] =
        (struct CMUnitTest)cmocka_unit_test(convert_rounds_once_and_checks_its_arguments);
    tests[ACTFN_KIND_COUNT + 5] =
        (struct CMUnitTest)cmocka_unit_test(every_isa_relu_on_16_bit_patterns_follows_the_rule);
    return cmocka_run_group_tests_name("f16 and bf16, every input", tests, NULL, NULL);
}
