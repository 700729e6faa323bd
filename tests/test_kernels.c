/* SPDX-License-Identifier: MIT */
/* Every kernel of every ISA this CPU runs against the op table's scalar reference: every
 * length 0..257, offsets, in place, default and other parameters (bit for bit where the op
 * is exact). */
#include "actfn.h"
#include "api/op_descriptor.h"
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
/* Every length, offset and in-place use against the op table's scalar reference.      */

#define MAX_LENGTH 257
#define GUARD      8

static actfn_op op_with_nondefault_parameters(actfn_kind kind) {
    actfn_op op = actfn_op_init(kind);
    op.negative_slope = 0.2;
    op.cap = 2.5;
    op.min_val = -0.7, op.max_val = 1.3;
    op.alpha = 1.3;
    op.beta = 1.7, op.threshold = 10;
    /* the subgradient at 0 where the op has one: not its default (0, or leaky_relu's NaN,
     * which means the slope) */
    bool has_subgradient = kind == ACTFN_RELU || kind == ACTFN_RELU6 || kind == ACTFN_CLIPPED_RELU;
    op.grad_at_zero = kind == ACTFN_LEAKY_RELU ? 0.6 : has_subgradient ? 0.5 : 0;
    return op;
}

/* The parameters as the library applies them to the dtype (op_prepare, which
 * test_accuracy checks against its own rounding). */
static op_params params_as_applied(const actfn_op *op, int is_f32) {
    const op_def *def;
    op_params p;
    assert_int_equal(op_prepare(op, is_f32 ? ACTFN_F32 : ACTFN_F64, &def, &p), ACTFN_OK);
    return p;
}

static float reference_f32(const op_def *def, const op_params *p, int which, float x, float dy) {
    if (which == 0) return def->forward_f32 ? def->forward_f32(x, p) : (float)def->forward(x, p);
    if (which == 1) return (float)def->backward(x, dy, p);
    return (float)def->backward_from_output(x, dy, p);
}

static double reference_f64(const op_def *def, const op_params *p, int which, double x, double dy) {
    if (which == 0) return def->forward(x, p);
    if (which == 1) return def->backward(x, dy, p);
    return def->backward_from_output(x, dy, p);
}

/* The kernel under test: the given ISA's, or the public API (table == NULL). Tables
 * without a kernel for the op fall back to the reference, as the library does. */
static const kernel_table *table_under_test;
static int streaming_under_test; /* use the table's non-temporal forward where it has one */
static int fast_under_test;      /* the ops at ACTFN_FAST (f32 forwards only) */

static actfn_status call(const actfn_op *given, actfn_dtype dtype, int which, const void *x,
                         const void *dy, void *out, size_t n) {
    actfn_op fast_op = *given;
    fast_op.accuracy = ACTFN_FAST;
    const actfn_op *op = fast_under_test ? &fast_op : given;
    if (table_under_test == NULL) {
        if (which == 0) return actfn_forward(op, dtype, x, out, n);
        if (which == 1) return actfn_backward(op, dtype, x, dy, out, n);
        return actfn_backward_from_output(op, dtype, x, dy, out, n);
    }
    int slot = dtype == ACTFN_F64 ? SLOT_F64 : fast_under_test ? SLOT_F32_FAST : SLOT_F32;
    op_params p = params_as_applied(op, dtype == ACTFN_F32);
    forward_kernel forward = table_under_test->forward[slot][op->kind];
    if (streaming_under_test && table_under_test->forward_stream[slot][op->kind] != NULL)
        forward = table_under_test->forward_stream[slot][op->kind];
    backward_kernel backward = which == 1 ? table_under_test->backward[slot][op->kind]
                                          : table_under_test->backward_from_output[slot][op->kind];
    if (which == 0 && forward != NULL && n > 0)
        forward(&p, x, out, n);
    else if (which != 0 && backward != NULL && n > 0)
        backward(&p, x, dy, out, n);
    else if (which == 0)
        return actfn_forward(op, dtype, x, out, n);
    else if (which == 1)
        return actfn_backward(op, dtype, x, dy, out, n);
    else
        return actfn_backward_from_output(op, dtype, x, dy, out, n);
    return ACTFN_OK;
}

static void check_lengths_f32(const actfn_op *op, int which) {
    const op_def *def = &actfn_op_table[op->kind];
    op_params p = params_as_applied(op, 1);
    static float x[MAX_LENGTH + 2 * GUARD], dy[MAX_LENGTH + 2 * GUARD];
    static float out[MAX_LENGTH + 2 * GUARD], in_place[MAX_LENGTH + 2 * GUARD];
    /* the specials first where the arrays under test start (after the guard) */
    for (size_t i = 0; i < MAX_LENGTH + 2 * GUARD; i++) {
        size_t k = (i + MAX_LENGTH + GUARD) % (MAX_LENGTH + 2 * GUARD);
        x[i] = (float)interesting_value(k);
        dy[i] = (float)interesting_value(k + 7);
    }
    for (size_t offset = 0; offset < 4; offset++) {
        for (size_t n = 0; n <= MAX_LENGTH; n++) {
            float *o = out + GUARD + offset, *ip = in_place + GUARD + offset;
            const float *xi = x + GUARD + offset, *dyi = dy + GUARD + offset;
            fill_sentinel(out, MAX_LENGTH + 2 * GUARD);
            fill_sentinel(in_place, MAX_LENGTH + 2 * GUARD);
            memcpy(ip, xi, n * sizeof *ip);
            assert_int_equal(call(op, ACTFN_F32, which, xi, dyi, o, n), ACTFN_OK);
            assert_int_equal(call(op, ACTFN_F32, which, ip, dyi, ip, n), ACTFN_OK);
            /* the reference is within 0.5 ULP: a kernel within its bound is within
             * bound + 0.5 of it, one more step where a binade boundary lies between */
            const actfn_op_info *info = actfn_op_describe(op->kind);
            double fast_bound = which == 0 ? info->max_ulp_fast_f32
                                           : info->max_ulp_fast_backward_f32 + 0.5; /* dy f' */
            /* bit for bit where the op is exact at the tier under test */
            int exact = def->exact && !(fast_under_test && fast_bound > 0.5);
            int steps = exact ? 0 : fast_under_test ? (int)ceil(fast_bound) + 1 : 1;
            for (size_t i = 0; i < n; i++) {
                float expected = reference_f32(def, &p, which, xi[i], dyi[i]);
                if (!within_ulps_f32(o[i], expected, steps) ||
                    !within_ulps_f32(ip[i], expected, steps)) {
                    print_error("%s f32 %s n=%zu i=%zu x=%a dy=%a: %a / in place %a, reference "
                                "%a\n",
                                def->name, which == 0 ? "forward" : "backward", n, i, xi[i], dyi[i],
                                o[i], ip[i], expected);
                    fail();
                }
            }
            /* Nothing written before or after the n elements. */
            assert_true(all_sentinel(out, GUARD + offset));
            assert_true(all_sentinel(o + n, MAX_LENGTH + GUARD - offset - n));
            assert_true(all_sentinel(in_place, GUARD + offset));
            assert_true(all_sentinel(ip + n, MAX_LENGTH + GUARD - offset - n));
        }
    }
}

static void check_lengths_f64(const actfn_op *op, int which) {
    const op_def *def = &actfn_op_table[op->kind];
    op_params p = params_as_applied(op, 0);
    static double x[MAX_LENGTH + 2 * GUARD], dy[MAX_LENGTH + 2 * GUARD];
    static double out[MAX_LENGTH + 2 * GUARD], in_place[MAX_LENGTH + 2 * GUARD];
    for (size_t i = 0; i < MAX_LENGTH + 2 * GUARD; i++) {
        size_t k = (i + MAX_LENGTH + GUARD) % (MAX_LENGTH + 2 * GUARD);
        x[i] = interesting_value(k);
        dy[i] = interesting_value(k + 7);
    }
    for (size_t offset = 0; offset < 3; offset++) {
        for (size_t n = 0; n <= MAX_LENGTH; n++) {
            double *o = out + GUARD + offset, *ip = in_place + GUARD + offset;
            const double *xi = x + GUARD + offset, *dyi = dy + GUARD + offset;
            for (size_t i = 0; i < MAX_LENGTH + 2 * GUARD; i++)
                out[i] = in_place[i] = sentinel;
            memcpy(ip, xi, n * sizeof *ip);
            assert_int_equal(call(op, ACTFN_F64, which, xi, dyi, o, n), ACTFN_OK);
            assert_int_equal(call(op, ACTFN_F64, which, ip, dyi, ip, n), ACTFN_OK);
            /* the exact ops bit for bit; the others (smooth_f64.c) within their bound of
             * the reference, which is within its bound of the exact value: twice the
             * bound, and one more step for dy's rounding in a backward */
            double bound = which == 0 ? def->max_ulp_f64 : def->max_ulp_backward_f64 + 1;
            int steps = def->exact ? 0 : (int)ceil(2 * bound);
            for (size_t i = 0; i < n; i++) {
                double expected = reference_f64(def, &p, which, xi[i], dyi[i]);
                /* near a zero of f' the bound is absolute, 4 x 2^-53 |dy| (op_table.c):
                 * twice that between kernel and reference */
                double absolute = which == 1 && !def->exact ? 8 * 0x1p-53 * fabs(dyi[i]) : 0;
                if ((!within_ulps_f64(o[i], expected, steps) &&
                     !(fabs(o[i] - expected) <= absolute)) ||
                    (!within_ulps_f64(ip[i], expected, steps) &&
                     !(fabs(ip[i] - expected) <= absolute))) {
                    print_error("%s f64 n=%zu i=%zu x=%a: %a, reference %a\n", def->name, n, i,
                                xi[i], o[i], expected);
                    fail();
                }
            }
            for (size_t i = 0; i < GUARD + offset; i++)
                assert_true(out[i] == sentinel && in_place[i] == sentinel);
            for (size_t i = GUARD + offset + n; i < MAX_LENGTH + 2 * GUARD; i++)
                assert_true(out[i] == sentinel && in_place[i] == sentinel);
        }
    }
}

static void check_all_lengths(void) {
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const actfn_op ops[2] = {actfn_op_init((actfn_kind)kind),
                                 op_with_nondefault_parameters((actfn_kind)kind)};
        for (int o = 0; o < 2; o++) {
            int from_output = actfn_op_table[kind].backward_from_output != NULL;
            for (int which = 0; which < (from_output ? 3 : 2); which++) {
                float y;
                if (which == 2 &&
                    actfn_backward_from_output(&ops[o], ACTFN_F32, &y, &y, &y, 1) != ACTFN_OK)
                    continue;
                check_lengths_f32(&ops[o], which);
                if (!fast_under_test) check_lengths_f64(&ops[o], which);
            }
        }
    }
}

/* Through the API (the active ISA), then every ISA this CPU can run, kernel by kernel;
 * each at both accuracy tiers (the fast one within its bound). */
static void every_length_offset_and_in_place_matches_the_reference(void **state) {
    (void)state;
    for (fast_under_test = 0; fast_under_test < 2; fast_under_test++) {
        table_under_test = NULL;
        check_all_lengths();
        for (int which = 0; which < ISA_COUNT; which++) {
            if (!isa_available((isa)which)) continue;
            printf("  kernels of %s%s\n", isa_name((isa)which), fast_under_test ? ", fast" : "");
            table_under_test = kernels_of((isa)which);
            check_all_lengths();
            streaming_under_test = 1;
            check_all_lengths();
            streaming_under_test = 0;
        }
    }
    fast_under_test = 0;
    table_under_test = NULL;
}

static void the_isa_is_named_and_can_be_capped(void **state) {
    (void)state;
    const char *active = actfn_isa();
    int found = 0;
    for (int which = 0; which < ISA_COUNT; which++)
        if (strcmp(active, isa_name((isa)which)) == 0) {
            found = 1;
            assert_true(isa_available((isa)which));
            assert_ptr_equal(kernels_of((isa)which), active_kernels());
        }
    assert_true(found);
    assert_true(isa_available(ISA_SCALAR));
    assert_false(isa_available(ISA_COUNT));
    assert_null(kernels_of(ISA_COUNT));
    assert_string_equal(isa_name(ISA_COUNT), "unknown");
    const char *cap = getenv("ACTFN_ISA");
    if (cap != NULL && strcmp(cap, "scalar") == 0) assert_string_equal(active, "scalar");
}

/* The smooth ops whose backwards meet exp's tails. */
static const actfn_kind tail_kinds[] = {
    ACTFN_SIGMOID, ACTFN_TANH,      ACTFN_SILU, ACTFN_ELU,      ACTFN_SELU,      ACTFN_CELU,
    ACTFN_GELU,    ACTFN_GELU_TANH, ACTFN_MISH, ACTFN_SOFTPLUS, ACTFN_LOGSIGMOID};

/* Runs the f32 backward of each of tail_kinds on x, dy (n elements) on every ISA and both
 * tiers and holds each result to `accepts` (result, reference, the tier's steps: 1
 * accurate, the fast bound + 1 fast). */
typedef int (*result_check)(float got, float expected, int steps);

static void backwards_everywhere(const float *x, const float *dy, float *out, size_t n,
                                 result_check accepts) {
    const actfn_kind *kinds = tail_kinds;
    size_t count = sizeof tail_kinds / sizeof *tail_kinds;
    int checked = 0;
    for (fast_under_test = 0; fast_under_test < 2; fast_under_test++)
        for (int which = 0; which < ISA_COUNT; which++) {
            if (!isa_available((isa)which)) continue;
            table_under_test = kernels_of((isa)which);
            for (size_t k = 0; k < count; k++) {
                actfn_op op = actfn_op_init(kinds[k]);
                const op_def *def = &actfn_op_table[op.kind];
                const actfn_op_info *info = actfn_op_describe(op.kind);
                op_params p = params_as_applied(&op, 1);
                int steps =
                    fast_under_test ? (int)ceil(info->max_ulp_fast_backward_f32 + 0.5) + 1 : 1;
                assert_int_equal(call(&op, ACTFN_F32, 1, x, dy, out, n), ACTFN_OK);
                for (size_t i = 0; i < n; i++) {
                    float expected = (float)reference_f64(def, &p, 1, x[i], dy[i]);
                    if (!accepts(out[i], expected, steps)) {
                        print_error("%s backward%s on %s: x = %a, dy = %a: %a, reference %a\n",
                                    def->name, fast_under_test ? " fast" : "", isa_name((isa)which),
                                    (double)x[i], (double)dy[i], (double)out[i], (double)expected);
                        fail();
                    }
                }
                checked++;
            }
        }
    fast_under_test = 0;
    table_under_test = NULL;
    printf("  %d op, ISA and tier combinations checked\n", checked);
}

/* zero, inf or NaN on either side: the same bits */
static int same_specials(float got, float expected, int steps) {
    (void)steps;
    int special =
        isnan(expected) || isinf(expected) || expected == 0 || isnan(got) || isinf(got) || got == 0;
    return !special || same_bits_f32(got, expected);
}

/* The far tails of the smooth backwards, where f'(x) is a tiny double that the float
 * result can only show times a huge or infinite dy: every ISA, both tiers, gives the
 * reference's zero (its sign), inf or NaN there, as (float)(dy f'(x)) in double has it
 * (an infinite dy times a nonzero f' is inf, times a zero f' NaN). */
static void far_tails_with_an_infinite_dy_match_the_reference(void **state) {
    (void)state;
    static const float xs[] = {-80.0f,  -100.0f, -700.0f,   -745.0f, -746.0f, -748.0f,
                               -750.0f, -751.7f, -751.8f,   -755.0f, -760.0f, -800.0f,
                               -1e4f,   -3e38f,  -INFINITY, 60.0f,   1e30f,   INFINITY};
    static const float dys[] = {INFINITY, -INFINITY, 3.4e38f, -3.4e38f, 1.0f, -1.0f};
    enum { COUNT = sizeof xs / sizeof *xs * (sizeof dys / sizeof *dys) };
    static float x[COUNT], dy[COUNT], out[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        x[i] = xs[i % (sizeof xs / sizeof *xs)];
        dy[i] = dys[i / (sizeof xs / sizeof *xs)];
    }
    backwards_everywhere(x, dy, out, COUNT, same_specials);
}

/* Each ISA's table holds, for every op, dtype and direction, the kernel of the family its
 * declared choice names (and the family has that kernel); the choices are the intended
 * ones: the piecewise kernels for the exact ops on every SIMD ISA, and the smooth f32
 * forwards in float lanes exactly where the fma rounds once (every SIMD ISA but SSE2). */
static void each_isa_gets_the_kernels_its_choice_declares(void **state) {
    (void)state;
    static kernel_table families[FAMILY_COUNT];
    static const actfn_kind float_lane_ops[] = {ACTFN_SIGMOID, ACTFN_SILU,     ACTFN_TANH,
                                                ACTFN_ELU,     ACTFN_SELU,     ACTFN_CELU,
                                                ACTFN_GELU,    ACTFN_GELU_TANH};
    static const actfn_kind fast_ops[] = {ACTFN_SIGMOID,   ACTFN_SILU,    ACTFN_TANH, ACTFN_ELU,
                                          ACTFN_SELU,      ACTFN_CELU,    ACTFN_GELU, ACTFN_MISH,
                                          ACTFN_GELU_TANH, ACTFN_SOFTPLUS};
    int checked = 0;
    for (int which = ISA_SCALAR + 1; which < ISA_COUNT; which++) {
        const kernel_table *table = kernels_of((isa)which);
        const kernel_choice *choice = kernel_choice_of((isa)which);
        if (table == NULL) continue;
        assert_non_null(choice);
        for (int f = 0; f < FAMILY_COUNT; f++)
            assert_true(kernel_family_of((isa)which, (kernel_family)f, &families[f]));
        for (int slot = 0; slot < KERNEL_SLOTS; slot++) {
            for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
                kernel_family f = choice->forward[slot][kind], b = choice->backward[slot][kind];
                const kernel_table *forward = &families[f];
                const kernel_table *backward = &families[b];
                /* the fast slot takes the accurate kernel of any other family */
                int from_f = slot == SLOT_F32_FAST && f != FAMILY_FAST_LANES ? SLOT_F32 : slot;
                int from_b = slot == SLOT_F32_FAST && b != FAMILY_FAST_LANES ? SLOT_F32 : slot;
                assert_ptr_equal(table->forward[slot][kind], forward->forward[from_f][kind]);
                assert_ptr_equal(table->forward_stream[slot][kind],
                                 forward->forward_stream[from_f][kind]);
                assert_ptr_equal(table->backward[slot][kind], backward->backward[from_b][kind]);
                assert_ptr_equal(table->backward_from_output[slot][kind],
                                 backward->backward_from_output[from_b][kind]);
                if (slot == SLOT_F32_FAST && f != FAMILY_FAST_LANES) {
                    assert_int_equal(f, choice->forward[SLOT_F32][kind]);
                    assert_ptr_equal(table->forward[slot][kind], table->forward[SLOT_F32][kind]);
                }
                /* a family named for an op has a kernel for it */
                if (choice->forward[slot][kind] != FAMILY_REFERENCE)
                    assert_non_null(table->forward[slot][kind]);
                if (choice->backward[slot][kind] != FAMILY_REFERENCE)
                    assert_non_null(table->backward[slot][kind]);
                if (actfn_op_table[kind].selects_only || kind == ACTFN_LEAKY_RELU) {
                    assert_int_equal(choice->forward[slot][kind], FAMILY_PIECEWISE);
                    assert_int_equal(choice->backward[slot][kind], FAMILY_PIECEWISE);
                }
            }
        }
        kernel_family smooth = which == ISA_SSE2 ? FAMILY_DOUBLE_LANES : FAMILY_FLOAT_LANES;
        for (size_t i = 0; i < sizeof float_lane_ops / sizeof *float_lane_ops; i++)
            assert_int_equal(choice->forward[SLOT_F32][float_lane_ops[i]], smooth);
        /* hardsigmoid and hardswish: float lanes where the fma rounds once, both tiers
         * (hardswish's fast tier: fast lanes, correctly rounded no more) */
        kernel_family hard = which == ISA_SSE2 ? FAMILY_REFERENCE : FAMILY_FLOAT_LANES;
        static const actfn_kind hard_ops[] = {ACTFN_HARDSIGMOID, ACTFN_HARDSWISH};
        for (size_t i = 0; i < sizeof hard_ops / sizeof *hard_ops; i++) {
            for (int slot = SLOT_F32; slot < KERNEL_SLOTS; slot += SLOT_F32_FAST - SLOT_F32) {
                kernel_family want =
                    slot == SLOT_F32_FAST && hard_ops[i] == ACTFN_HARDSWISH && which != ISA_SSE2
                        ? FAMILY_FAST_LANES
                        : hard;
                assert_int_equal(choice->forward[slot][hard_ops[i]], want);
                assert_int_equal(choice->backward[slot][hard_ops[i]], want);
            }
        }
        /* the fast tier has its own kernels wherever the fma rounds once */
        for (size_t i = 0; i < sizeof fast_ops / sizeof *fast_ops; i++)
            assert_int_equal(choice->forward[SLOT_F32_FAST][fast_ops[i]],
                             which == ISA_SSE2 ? choice->forward[SLOT_F32][fast_ops[i]]
                                               : FAMILY_FAST_LANES);
        checked++;
    }
    printf("  %d SIMD ISA(s) checked\n", checked);
}

/* hardsigmoid and hardswish f64 (hard.c), bit for bit against the reference on every ISA:
 * random inputs over [-4, 4] and near 0, and inputs whose exact result is a double
 * midpoint or lies within 2^-100 relative of one (where the kernels' settling test hands
 * the lane to the reference): hardsigmoid at x = 3 (2t + 1) 2^-53, (x + 3) / 6 = 1/2 +
 * (2t + 1) 2^-54; hardswish at x = 3 j 2^-k, x (x + 3) / 6 = 3 j (j + 2^k) 2^-(2k + 1),
 * 54 or 55 bits for j near 2^26; and x = 1 - 2^-53, whose result lies 2^-107 above a
 * midpoint. */
static void hard_ops_f64_are_correctly_rounded_on_every_isa(void **state) {
    (void)state;
    enum { COUNT = 200000 };
    static double x[COUNT], y[COUNT];
    size_t n = 0;
    x[n++] = 1 - 0x1p-53;
    x[n++] = -(1 - 0x1p-53);
    for (int t = 0; t < 2000; t++) {
        x[n++] = 3.0 * (2 * t + 1) * 0x1p-53;
        x[n++] = -3.0 * (2 * t + 1) * 0x1p-54;
    }
    for (int k = 20; k <= 30 && n < COUNT / 2; k++)
        for (int j = 0; j < 3000; j++) {
            double mantissa = (double)((1u << 26) + ((next_random() >> 11) & ((1u << 27) - 1)));
            x[n++] = ldexp(3.0 * mantissa, -k - 27 + 2);
            x[n++] = -ldexp(3.0 * mantissa, -k - 27 + 1);
        }
    while (n < COUNT) {
        double unit = (double)(next_random() >> 11) * 0x1p-53; /* [0, 1) */
        double v = n % 3 == 0 ? 8 * unit - 4 : ldexp(unit, -(int)((next_random() >> 11) % 1100));
        x[n] = n % 2 ? v : -v;
        n++;
    }
    static const actfn_kind ops[] = {ACTFN_HARDSIGMOID, ACTFN_HARDSWISH};
    int checked = 0;
    for (int which = ISA_SCALAR + 1; which < ISA_COUNT; which++) {
        const kernel_table *table = kernels_of((isa)which);
        if (table == NULL) continue;
        for (size_t o = 0; o < sizeof ops / sizeof *ops; o++) {
            forward_kernel kernel = table->forward[SLOT_F64][ops[o]];
            if (kernel == NULL) continue; /* SSE2: the reference itself */
            const op_def *def = &actfn_op_table[ops[o]];
            actfn_op op = actfn_op_init(ops[o]);
            op_params p = params_as_applied(&op, 0);
            kernel(&p, x, y, COUNT);
            for (size_t i = 0; i < COUNT; i++) {
                double expected = def->forward(x[i], &p);
                if (memcmp(&y[i], &expected, sizeof expected) != 0) {
                    print_error("%s f64 %s x=%a: %a, reference %a\n", def->name,
                                isa_name((isa)which), x[i], y[i], expected);
                    fail();
                }
            }
            checked++;
        }
    }
    printf("  %d kernel(s) checked on %d inputs\n", checked, COUNT);
}

static int within_steps(float got, float expected, int steps) {
    return within_ulps_f32(got, expected, steps);
}

/* The backwards keep their bound where dy f'(x) is subnormal: a small f' (far tails) times
 * a small dy, where a product rounded into the subnormals and then scaled up would be
 * steps off (AVX2's fast tanh backward at x = 39.8, dy = 2^-30: 6 steps, found by
 * fuzz_api). Every ISA, both tiers, against the reference within the tier's steps. */
static void subnormal_products_keep_the_bound(void **state) {
    (void)state;
    enum { XS = 400, DYS = 12, COUNT = XS * DYS };
    static float x[COUNT], dy[COUNT], out[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        double t = (double)(i % XS) / XS; /* both tails, |x| from 20 to 100 */
        x[i] = (float)((t < 0.5 ? -1 : 1) * (20 + 160 * fabs(t - 0.5)));
        dy[i] = ldexpf(i % 2 ? 1.37f : -1.0f, -4 - 6 * (int)(i / XS));
    }
    backwards_everywhere(x, dy, out, COUNT, within_steps);
}

/* A NaN in x gives NaN out, and only there, with every parameter at +0, -0 and extremes
 * (where the op takes them; in f32 where the value is still in range there): a zero
 * parameter times a scale computed from a NaN is a number (f64 elu's backward at alpha =
 * -0 lost the NaN), a tiny one's reciprocal inf (celu's float lanes at alpha = 2^-150
 * gave NaN for numbers); both found by fuzz_api. Every ISA, both tiers, f32 and f64,
 * each direction the op has. */
static void nan_propagates_with_extreme_parameters(void **state) {
    (void)state;
    enum { COUNT = 48 };
    static double x64[COUNT], dy64[COUNT], out64[COUNT];
    static float x32[COUNT], dy32[COUNT], out32[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        /* NaN, signed zeros and the smallest subnormals among numbers of [-6, 7) */
        static const double small[] = {0.0, -0.0, 0x1p-149, -0x1p-148};
        x64[i] = i % 4 == 1 ? NAN : i % 4 == 3 ? small[(i / 4) % 4] : -6 + 0.27 * (double)i;
        dy64[i] = 1.5 - 0.1 * (double)i;
        x32[i] = (float)x64[i], dy32[i] = (float)dy64[i];
    }
    static const double values[] = {
        0.0, -0.0, 0x1.6d601ad376ab9p-150, -0x1.6d601ad376ab9p-150, 1e-300, 3e38, -3e38, 1e300};
    int checked = 0;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const actfn_op_info *info = actfn_op_describe((actfn_kind)kind);
        const op_def *def = &actfn_op_table[kind];
        for (size_t q = 0; q < info->param_count; q++)
            for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
                actfn_op op = actfn_op_init((actfn_kind)kind);
                if (actfn_op_set(&op, info->params[q].name, values[v]) != ACTFN_OK) continue;
                for (fast_under_test = 0; fast_under_test < 2; fast_under_test++)
                    for (int which = 0; which < ISA_COUNT; which++) {
                        if (!isa_available((isa)which)) continue;
                        table_under_test = kernels_of((isa)which);
                        for (int direction = 0; direction < 3; direction++) {
                            if (direction == 2 && def->backward_from_output == NULL) continue;
                            /* what the API takes: f32 refuses a value out of its range,
                             * and either dtype a backward from the output the value rules
                             * out (alpha = 0) */
                            const kernel_table *table = table_under_test;
                            table_under_test = NULL;
                            actfn_status s64 =
                                call(&op, ACTFN_F64, direction, x64, dy64, out64, COUNT);
                            actfn_status s32 =
                                call(&op, ACTFN_F32, direction, x32, dy32, out32, COUNT);
                            table_under_test = table;
                            assert_true(s64 == ACTFN_OK ||
                                        (direction == 2 && s64 == ACTFN_ERR_UNSUPPORTED));
                            assert_true(s32 == ACTFN_OK || s32 == ACTFN_ERR_BAD_PARAMETER ||
                                        (direction == 2 && s32 == ACTFN_ERR_UNSUPPORTED));
                            if (s64 != ACTFN_OK) continue;
                            int f32 = s32 == ACTFN_OK;
                            assert_int_equal(
                                call(&op, ACTFN_F64, direction, x64, dy64, out64, COUNT), ACTFN_OK);
                            if (f32)
                                assert_int_equal(
                                    call(&op, ACTFN_F32, direction, x32, dy32, out32, COUNT),
                                    ACTFN_OK);
                            op_params p64 = params_as_applied(&op, 0),
                                      p32 = f32 ? params_as_applied(&op, 1) : p64;
                            for (size_t i = 0; i < COUNT; i++) {
                                double e64 = reference_f64(def, &p64, direction, x64[i], dy64[i]);
                                float e32 =
                                    f32 ? reference_f32(def, &p32, direction, x32[i], dy32[i])
                                        : out32[i];
                                if (!isnan(out64[i]) != !isnan(e64) ||
                                    !isnan(out32[i]) != !isnan(e32)) {
                                    print_error("%s %s=%a%s on %s, direction %d, x = %g: f64 "
                                                "%g (reference %g), f32 %g (reference %g)\n",
                                                def->name, info->params[q].name, values[v],
                                                fast_under_test ? " fast" : "",
                                                isa_name((isa)which), direction, x64[i], out64[i],
                                                e64, (double)out32[i], (double)e32);
                                    fail();
                                }
                            }
                            checked++;
                        }
                    }
            }
    }
    fast_under_test = 0;
    table_under_test = NULL;
    printf("  %d op, parameter, ISA, tier and direction combinations checked\n", checked);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_length_offset_and_in_place_matches_the_reference),
        cmocka_unit_test(the_isa_is_named_and_can_be_capped),
        cmocka_unit_test(each_isa_gets_the_kernels_its_choice_declares),
        cmocka_unit_test(far_tails_with_an_infinite_dy_match_the_reference),
        cmocka_unit_test(hard_ops_f64_are_correctly_rounded_on_every_isa),
        cmocka_unit_test(nan_propagates_with_extreme_parameters),
        cmocka_unit_test(subnormal_products_keep_the_bound),
    };
    return cmocka_run_group_tests_name("kernels", tests, NULL, NULL);
}
