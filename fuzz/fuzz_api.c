/* SPDX-License-Identifier: MIT */
/* libFuzzer, differential: the element-wise API (actfn_forward, actfn_backward,
 * actfn_backward_from_output) with any op, dtype, accuracy, parameters, length, offset
 * and values, in place or not, through the public entry point and through every ISA's
 * kernels this CPU runs, against the op table's scalar reference within the documented
 * bounds (tests/test_kernels.c's rule: bit for bit where the op is exact, one step for
 * the accurate tier, the fast bound plus one for the fast tier; f64 bit for bit; f16 and
 * bf16, correctly rounded, within one 16-bit step of the double reference). Arguments
 * the API must refuse get a status and leave the output untouched. */
#include "actfn.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "spec/op_table.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

#include "test_values.h"

enum { MAX_N = 300, GUARD = 16, PAD = GUARD + 8 };

/* A parameter: the default, a value near an edge, or any double. */
static double next_parameter(reader *r, double default_value) {
    static const double edges[] = {0,    -0.0, 1,     -1,    0.5,    2,   1e-30,    -1e-30,
                                   1e30, 3e38, -3e38, 1e-45, 6,      NAN, INFINITY, -INFINITY,
                                   0.01, 1.7,  -2,    1e300, 1e-300, 0.2, 10,       -0.5};
    uint8_t choice = next_byte(r);
    if (choice < 96) return default_value;
    if (choice < 224) return edges[choice % (sizeof edges / sizeof *edges)];
    double value;
    next_bytes(r, &value, sizeof value);
    return value;
}

static const actfn_op *op_under_test;
static size_t n_under_test;
static int in_place_under_test, offset_under_test;

static void report(const char *what, const char *op, actfn_dtype dtype, int which, size_t i,
                   double x, double got, double want) {
    const actfn_op *o = op_under_test;
    fprintf(stderr,
            "negative_slope %a cap %a min_val %a max_val %a alpha %a beta %a threshold %a "
            "grad_at_zero %a value %a lambd %a b %a lower %a upper %a\n",
            o->negative_slope, o->cap, o->min_val, o->max_val, o->alpha, o->beta, o->threshold,
            o->grad_at_zero, o->value, o->lambd, o->b, o->lower, o->upper);
    fprintf(stderr, "n %zu, in place %d, offset %d\n", n_under_test, in_place_under_test,
            offset_under_test);
    fprintf(stderr, "%s: %s%s dtype %d %s i=%zu x=%a: %a, reference %a\n", what, op,
            op_under_test->accuracy == ACTFN_FAST ? " fast" : "", (int)dtype,
            which == 0   ? "forward"
            : which == 1 ? "backward"
                         : "backward from output",
            i, x, got, want);
    abort();
}

static double load(actfn_dtype dtype, const void *array, size_t i) {
    double value;
    actfn_convert((const char *)array + i * actfn_dtype_size(dtype), dtype, &value, ACTFN_F64, 1);
    return value;
}

/* The 16-bit value of the double reference, and its neighbours' distance in steps. */
static int within_one_step_16(actfn_dtype dtype, uint16_t got, double want) {
    uint16_t expected;
    actfn_convert(&want, ACTFN_F64, &expected, dtype, 1);
    double g = load(dtype, &got, 0), e = load(dtype, &expected, 0);
    if (isnan(g) || isnan(e)) return isnan(g) && isnan(e);
    if (g == 0 && e == 0) return got == expected;
    if (signbit(g) != signbit(e) && !(g == 0 || e == 0)) return 0;
    int a = got & 0x7fff, b = expected & 0x7fff;
    if (signbit(g) != signbit(e)) return a + b <= 1;
    return abs(a - b) <= 1;
}

/* out against the reference, element by element, within the rule for the tier. */
static void check_values(const actfn_op *op, actfn_dtype dtype, int which, const void *x,
                         const void *dy, const void *out, size_t n, const char *what) {
    const op_def *def;
    op_params p;
    if (op_prepare(op, dtype, &def, &p) != ACTFN_OK) abort();
    const actfn_op_info *info = actfn_op_describe(op->kind);
    int fast = op->accuracy == ACTFN_FAST;
    double fast_bound = which == 0 ? info->max_ulp_fast_f32 : info->max_ulp_fast_backward_f32 + 0.5;
    int exact = def->exact && !(fast && fast_bound > 0.5); /* exact at the tier */
    int steps = exact ? 0 : fast ? (int)ceil(fast_bound) + 1 : 1;
    for (size_t i = 0; i < n; i++) {
        double v = load(dtype, x, i), g = dy != NULL ? load(dtype, dy, i) : 0;
        if (dtype == ACTFN_F32) {
            float xf = (float)v, gf = (float)g, got = ((const float *)out)[i];
            float want = which == 0   ? (def->forward_f32 ? def->forward_f32(xf, &p)
                                                          : (float)def->forward(xf, &p))
                         : which == 1 ? (float)def->backward(xf, gf, &p)
                                      : (float)def->backward_from_output(xf, gf, &p);
            if (!within_ulps_f32(got, want, steps))
                report(what, def->name, dtype, which, i, v, got, want);
        } else if (dtype == ACTFN_F64) {
            double got = ((const double *)out)[i];
            double want = which == 0   ? def->forward(v, &p)
                          : which == 1 ? def->backward(v, g, &p)
                                       : def->backward_from_output(v, g, &p);
            /* the exact ops bit for bit; the smooth f64 kernels (smooth_f64.c) within
             * their bound of the reference, which is within its own: twice the bound, and
             * for a backward with any dy twice the bound of dy f' (test_accuracy's) */
            double bound = which == 0 ? def->max_ulp_f64 : 2 * def->max_ulp_backward_f64 + 0.5;
            int steps64 = def->exact ? 0 : (int)ceil(2 * bound);
            /* near a zero of f' the bound is absolute, 4 x 2^-53 |dy| (op_table.c) */
            double absolute = which == 1 && !def->exact ? 8 * 0x1p-53 * fabs(g) : 0;
            if (!within_ulps_f64(got, want, steps64) && !(fabs(got - want) <= absolute))
                report(what, def->name, dtype, which, i, v, got, want);
        } else {
            uint16_t got = ((const uint16_t *)out)[i];
            double want = which == 0   ? def->forward(v, &p)
                          : which == 1 ? def->backward(v, g, &p)
                                       : def->backward_from_output(v, g, &p);
            if (!within_one_step_16(dtype, got, want))
                report(what, def->name, dtype, which, i, v, load(dtype, &got, 0), want);
        }
    }
}

static actfn_status call_api(const actfn_op *op, actfn_dtype dtype, int which, const void *x,
                             const void *dy, void *out, size_t n) {
    if (which == 0) return actfn_forward(op, dtype, x, out, n);
    if (which == 1) return actfn_backward(op, dtype, x, dy, out, n);
    return actfn_backward_from_output(op, dtype, x, dy, out, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size, 0};
    static const actfn_dtype dtypes[] = {ACTFN_F32,  ACTFN_F64, ACTFN_F16,
                                         ACTFN_BF16, ACTFN_S8,  (actfn_dtype)99};
    actfn_op op = actfn_op_init((actfn_kind)(next_byte(&r) % (ACTFN_KIND_COUNT + 1)));
    uint8_t dtype_byte = next_byte(&r), flags = next_byte(&r);
    actfn_dtype dtype = dtypes[dtype_byte % 16 < 15 ? dtype_byte % 4 : 4 + dtype_byte % 2];
    int which = flags % 3, in_place = (flags >> 2) & 1, offset = (flags >> 3) & 7;
    op.accuracy = (flags >> 6) & 1 ? ACTFN_FAST : ACTFN_ACCURATE;
    if ((flags >> 7) & 1) op.accuracy = (actfn_accuracy)(next_byte(&r) % 3);
    if ((unsigned)op.kind < ACTFN_KIND_COUNT) {
        const actfn_op_info *info = actfn_op_describe(op.kind);
        for (size_t i = 0; i < info->param_count; i++) {
            double value = next_parameter(&r, info->params[i].default_value);
            actfn_op changed = op;
            if (actfn_op_set(&changed, info->params[i].name, value) == ACTFN_OK) op = changed;
        }
    }
    size_t n = (size_t)(next_byte(&r) | next_byte(&r) << 8) % (MAX_N + 1);
    size_t element = actfn_dtype_size(dtype) ? actfn_dtype_size(dtype) : 4;
    static uint8_t x[(MAX_N + 2 * PAD) * 8], dy[(MAX_N + 2 * PAD) * 8];
    static uint8_t out[(MAX_N + 2 * PAD) * 8], before[(MAX_N + 2 * PAD) * 8];
    size_t bytes = (MAX_N + 2 * PAD) * element;
    next_bytes(&r, x, bytes);
    next_bytes(&r, dy, bytes);
    for (size_t i = 0; i < bytes; i++) /* inputs past the data: varied, not all zero */
        if (r.at >= r.size) x[i] ^= (uint8_t)(i * 37), dy[i] ^= (uint8_t)(i * 91);
    uint8_t *xs = x + (GUARD + (size_t)offset) * element,
            *dys = dy + (GUARD + (size_t)offset) * element;
    uint8_t *target = in_place ? xs : out + (GUARD + (size_t)offset) * element;
    uint8_t *buffer = in_place ? x : out;
    if (!in_place) memset(out, 0xa5, bytes);
    static uint8_t x_copy[(MAX_N + 2 * PAD) * 8];
    memcpy(x_copy, x, bytes);
    memcpy(before, buffer, bytes);
    op_under_test = &op;
    n_under_test = n, in_place_under_test = in_place, offset_under_test = offset;
    actfn_status status = call_api(&op, dtype, which, xs, dys, target, n);
    if (status != ACTFN_OK) {
        /* a refusal writes nothing */
        if (memcmp(before, buffer, bytes) != 0) abort();
        if (status != ACTFN_ERR_UNKNOWN_OP && status != ACTFN_ERR_UNKNOWN_DTYPE &&
            status != ACTFN_ERR_BAD_PARAMETER && status != ACTFN_ERR_UNSUPPORTED)
            abort();
        return 0;
    }
    /* nothing written outside [0, n) */
    size_t first = (GUARD + (size_t)offset) * element, last = first + n * element;
    if (memcmp(before, buffer, first) != 0 || memcmp(before + last, buffer + last, bytes - last))
        abort();
    const uint8_t *inputs = in_place ? x_copy + first : xs;
    check_values(&op, dtype, which, inputs, which ? dys : NULL, target, n, "the API");
    /* every ISA's kernel for f32 and f64, where the table has one */
    if ((dtype != ACTFN_F32 && dtype != ACTFN_F64) || n == 0) return 0;
    op_params p;
    const op_def *def;
    if (op_prepare(&op, dtype, &def, &p) != ACTFN_OK) abort();
    int slot = dtype == ACTFN_F64 ? SLOT_F64 : op.accuracy == ACTFN_FAST ? SLOT_F32_FAST : SLOT_F32;
    for (int which_isa = 0; which_isa < ISA_COUNT; which_isa++) {
        if (!isa_available((isa)which_isa)) continue;
        const kernel_table *table = kernels_of((isa)which_isa);
        for (int stream = 0; stream < 2; stream++) {
            memcpy(out, before, bytes);
            uint8_t *o = out + first;
            if (which == 0) {
                forward_kernel f =
                    stream ? table->forward_stream[slot][op.kind] : table->forward[slot][op.kind];
                if (f == NULL) continue;
                f(&p, inputs, o, n);
            } else {
                backward_kernel b = which == 1 ? table->backward[slot][op.kind]
                                               : table->backward_from_output[slot][op.kind];
                if (b == NULL || stream) continue;
                b(&p, inputs, dys, o, n);
            }
            if (memcmp(before, out, first) != 0 || memcmp(before + last, out + last, bytes - last))
                abort();
            check_values(&op, dtype, which, inputs, which ? dys : NULL, o, n,
                         isa_name((isa)which_isa));
        }
    }
    return 0;
}
