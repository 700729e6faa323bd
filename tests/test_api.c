/* The API's contract: errors, parameters, lengths, alignment, in place, and agreement
 * of every kernel with the scalar reference in the op table (bit for bit). */
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

#include <cmocka.h>

static uint64_t random_state = 0x853c49e6748fea9bULL;

static uint64_t next_random(void) {
    uint64_t x = random_state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    random_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Values that exercise every branch: specials, subnormals, kinks, random magnitudes. */
static double interesting_value(size_t i) {
    static const double specials[] = {
        NAN, -NAN, INFINITY, -INFINITY, 0.0,   -0.0,  1e-310, -1e-310, 1e-40, -1e-40, 3.0,  -3.0,
        6.0, 1.0,  -1.0,     20.0,      -20.0, 1e308, -1e308, 3e38,    -3e38, 0.5,    -0.5, -1.5};
    size_t count = sizeof specials / sizeof *specials;
    if (i < count) return specials[i];
    double magnitude =
        exp2((double)(next_random() % 200) - 100.0) * ((double)(next_random() >> 11) * 0x1p-53);
    return (next_random() & 1) ? magnitude : -magnitude;
}

static int same_bits_f32(float a, float b) {
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static int same_bits_f64(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* For the ops that are not exact, a kernel may round differently from the reference
 * in the last place (both stay within the MPFR-checked bound); zeros must still agree
 * in sign, and NaN with NaN. */
static int within_one_ulp_f32(float a, float b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (a == 0 && b == 0) return same_bits_f32(a, b);
    if (a == 0 || b == 0) return fabsf(a - b) <= 0x1p-149f;
    if (signbit(a) != signbit(b)) return 0;
    int32_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    return abs(ia - ib) <= 1;
}

/* ---------------------------------------------------------------------------------- */

static void every_kind_has_a_complete_table_entry(void **state) {
    (void)state;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const op_def *def = &actfn_op_table[kind];
        assert_non_null(def->name);
        assert_non_null(def->formula);
        assert_non_null(def->forward);
        assert_non_null(def->backward);
        assert_string_equal(actfn_op_name((actfn_kind)kind), def->name);
        actfn_op op;
        assert_int_equal(actfn_op_from_name(def->name, &op), ACTFN_OK);
        assert_int_equal(op.kind, kind);
        for (int other = 0; other < kind; other++)
            assert_string_not_equal(actfn_op_table[other].name, def->name);
        const actfn_op_info *info = actfn_op_describe((actfn_kind)kind);
        assert_non_null(info);
        assert_string_equal(info->name, def->name);
        assert_int_equal(info->exact, def->exact);
        assert_int_equal(info->backward_from_output, def->backward_from_output != NULL);
        for (size_t i = 0; i < info->param_count; i++)
            assert_non_null(info->params[i].range);
    }
    assert_null(actfn_op_name(ACTFN_KIND_COUNT));
    assert_null(actfn_op_name((actfn_kind)-1));
    assert_null(actfn_op_describe(ACTFN_KIND_COUNT));
}

static void defaults_follow_pytorch(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_LEAKY_RELU);
    assert_true(op.negative_slope == 0.01);
    assert_true(isnan(op.grad_at_zero));
    op = actfn_op_init(ACTFN_CLIPPED_RELU);
    assert_true(op.cap == 6 && op.grad_at_zero == 0);
    op = actfn_op_init(ACTFN_HARDTANH);
    assert_true(op.min_val == -1 && op.max_val == 1);
    op = actfn_op_init(ACTFN_ELU);
    assert_true(op.alpha == 1);
    op = actfn_op_init(ACTFN_SOFTPLUS);
    assert_true(op.beta == 1 && op.threshold == 20);
    op = actfn_op_init(ACTFN_RELU);
    assert_true(op.grad_at_zero == 0);
}

static void version_matches_the_macros(void **state) {
    (void)state;
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", ACTFN_VERSION_MAJOR, ACTFN_VERSION_MINOR,
             ACTFN_VERSION_PATCH);
    assert_string_equal(actfn_version(), expected);
}

static void every_status_has_its_own_message(void **state) {
    (void)state;
    for (int a = 0; a <= ACTFN_ERR_OVERLAP; a++) {
        assert_true(strlen(actfn_strerror((actfn_status)a)) > 0);
        for (int b = 0; b < a; b++)
            assert_string_not_equal(actfn_strerror((actfn_status)a),
                                    actfn_strerror((actfn_status)b));
    }
    assert_string_equal(actfn_strerror((actfn_status)999), "unknown status code");
}

/* ---------------------------------------------------------------------------------- */
/* Bad input: a status, a message that names the problem, and nothing written.         */

static const float sentinel = 12345.0f;

static void fill_sentinel(float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] = sentinel;
}

static void assert_untouched(const float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        assert_true(y[i] == sentinel);
}

static void null_pointers_are_rejected_when_n_is_positive(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RELU);
    float x[4] = {1, 2, 3, 4}, y[4];
    fill_sentinel(y, 4);
    assert_int_equal(actfn_forward(NULL, ACTFN_F32, x, y, 4), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_forward(&op, ACTFN_F32, NULL, y, 4), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_forward(&op, ACTFN_F32, x, NULL, 4), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_backward(&op, ACTFN_F32, x, NULL, y, 4), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_backward(&op, ACTFN_F32, NULL, x, y, 4), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, x, x, NULL, 4),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_relu_f32(NULL, y, 4), ACTFN_ERR_NULL_POINTER);
    assert_non_null(strstr(actfn_last_error(), "NULL"));
    assert_untouched(y, 4);
    /* n = 0 with NULL pointers is a valid empty call. */
    assert_int_equal(actfn_forward(&op, ACTFN_F32, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_backward(&op, ACTFN_F64, NULL, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F64, NULL, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_relu_backward_f64(NULL, NULL, NULL, 0), ACTFN_OK);
    assert_int_equal(actfn_op_from_name(NULL, &op), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_op_from_name("relu", NULL), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_op_set(NULL, "cap", 1), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_op_set(&op, NULL, 1), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_op_set_word(&op, "approximate", NULL), ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_op_validate(NULL), ACTFN_ERR_NULL_POINTER);
}

static void unknown_ops_and_dtypes_are_rejected(void **state) {
    (void)state;
    float x[2] = {1, 2}, y[2];
    fill_sentinel(y, 2);
    const int bad_kinds[] = {-1, ACTFN_KIND_COUNT, 1000};
    for (size_t i = 0; i < 3; i++) {
        actfn_op op = actfn_op_init((actfn_kind)bad_kinds[i]);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, x, y, 2), ACTFN_ERR_UNKNOWN_OP);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, NULL, NULL, 0), ACTFN_ERR_UNKNOWN_OP);
        assert_non_null(strstr(actfn_last_error(), "unknown op"));
        assert_int_equal(actfn_op_set(&op, "cap", 1), ACTFN_ERR_UNKNOWN_OP);
        assert_int_equal(actfn_op_set_word(&op, "approximate", "tanh"), ACTFN_ERR_UNKNOWN_OP);
    }
    actfn_op op = actfn_op_init(ACTFN_RELU);
    const int bad_dtypes[] = {0, 7, -7};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(actfn_forward(&op, (actfn_dtype)bad_dtypes[i], x, y, 2),
                         ACTFN_ERR_UNKNOWN_DTYPE);
        assert_int_equal(actfn_backward(&op, (actfn_dtype)bad_dtypes[i], x, x, y, 2),
                         ACTFN_ERR_UNKNOWN_DTYPE);
        assert_non_null(strstr(actfn_last_error(), "dtype"));
    }
    assert_int_equal(actfn_op_from_name("relu7", &op), ACTFN_ERR_UNKNOWN_OP);
    assert_non_null(strstr(actfn_last_error(), "relu7"));
    assert_untouched(y, 2);
}

typedef struct bad_parameter_case {
    actfn_kind kind;
    const char *name;
    size_t offset; /* of the field in actfn_op */
    double value;
    const char *message; /* a fragment actfn_last_error() must contain */
} bad_parameter_case;

#define BAD(kind, field, value, message)                                                           \
    { kind, #field, offsetof(actfn_op, field), value, message }

static const bad_parameter_case bad_parameters[] = {
    BAD(ACTFN_CLIPPED_RELU, cap, -1, "cap must be > 0"),
    BAD(ACTFN_CLIPPED_RELU, cap, 0, "cap must be > 0"),
    BAD(ACTFN_CLIPPED_RELU, cap, NAN, "cap must be > 0"),
    BAD(ACTFN_LEAKY_RELU, negative_slope, NAN, "negative_slope must be finite"),
    BAD(ACTFN_LEAKY_RELU, negative_slope, INFINITY, "negative_slope must be finite"),
    BAD(ACTFN_LEAKY_RELU, grad_at_zero, 2, "between negative_slope and 1"),
    BAD(ACTFN_LEAKY_RELU, grad_at_zero, INFINITY, "grad_at_zero must be finite"),
    BAD(ACTFN_RELU, grad_at_zero, 1.5, "grad_at_zero must be in [0, 1]"),
    BAD(ACTFN_RELU, grad_at_zero, -0.1, "grad_at_zero must be in [0, 1]"),
    BAD(ACTFN_RELU6, grad_at_zero, NAN, "grad_at_zero must be in [0, 1]"),
    BAD(ACTFN_HARDTANH, min_val, 2, "min_val must be <= max_val"),
    BAD(ACTFN_HARDTANH, max_val, -2, "min_val must be <= max_val"),
    BAD(ACTFN_HARDTANH, max_val, NAN, "max_val must not be NaN"),
    BAD(ACTFN_ELU, alpha, INFINITY, "alpha must be finite"),
    BAD(ACTFN_CELU, alpha, 0, "alpha must be finite and != 0"),
    BAD(ACTFN_SOFTPLUS, beta, 0, "beta must be finite and > 0"),
    BAD(ACTFN_SOFTPLUS, beta, -1, "beta must be finite and > 0"),
    BAD(ACTFN_SOFTPLUS, threshold, NAN, "threshold must not be NaN"),
};

static void out_of_range_parameters_are_rejected_with_a_message(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof bad_parameters / sizeof *bad_parameters; i++) {
        const bad_parameter_case *c = &bad_parameters[i];
        actfn_op op = actfn_op_init(c->kind);
        actfn_op before = op;
        /* Through actfn_op_set: refused, and the op is unchanged. */
        assert_int_equal(actfn_op_set(&op, c->name, c->value), ACTFN_ERR_BAD_PARAMETER);
        assert_memory_equal(&op, &before, sizeof op);
        if (strstr(actfn_last_error(), c->message) == NULL) {
            print_error("case %zu: '%s' lacks '%s'\n", i, actfn_last_error(), c->message);
            fail();
        }
        /* Set directly in the struct: the forward refuses it and writes nothing. */
        double *field = (double *)((char *)&op + c->offset);
        *field = c->value;
        float x[3] = {-1, 0, 1}, y[3];
        fill_sentinel(y, 3);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, x, y, 3), ACTFN_ERR_BAD_PARAMETER);
        assert_int_equal(actfn_backward(&op, ACTFN_F64, NULL, NULL, NULL, 0),
                         ACTFN_ERR_BAD_PARAMETER);
        assert_int_equal(actfn_op_validate(&op), ACTFN_ERR_BAD_PARAMETER);
        assert_non_null(strstr(actfn_last_error(), c->message));
        assert_untouched(y, 3);
    }
}

static void parameters_are_set_by_name(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_LEAKY_RELU);
    assert_int_equal(actfn_op_set(&op, "negative_slope", 0.2), ACTFN_OK);
    assert_true(op.negative_slope == 0.2);
    assert_int_equal(actfn_op_set(&op, "grad_at_zero", 0.5), ACTFN_OK);
    assert_int_equal(actfn_op_set(&op, "cap", 3), ACTFN_ERR_UNKNOWN_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "leaky_relu has no parameter 'cap'"));
    assert_int_equal(actfn_op_set(&op, "approximate", 1), ACTFN_ERR_UNKNOWN_PARAMETER);
    op = actfn_op_init(ACTFN_GELU);
    assert_int_equal(actfn_op_set_word(&op, "approximate", "tanh"), ACTFN_OK);
    assert_int_equal(op.kind, ACTFN_GELU_TANH);
    assert_int_equal(actfn_op_set_word(&op, "approximate", "none"), ACTFN_OK);
    assert_int_equal(op.kind, ACTFN_GELU);
    assert_int_equal(actfn_op_set_word(&op, "approximate", "sigmoid"), ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "'none' or 'tanh'"));
    assert_int_equal(actfn_op_set_word(&op, "mode", "tanh"), ACTFN_ERR_UNKNOWN_PARAMETER);
    op = actfn_op_init(ACTFN_RELU);
    assert_int_equal(actfn_op_set_word(&op, "approximate", "tanh"), ACTFN_ERR_UNKNOWN_PARAMETER);
    op = actfn_op_init(ACTFN_HARDTANH);
    assert_int_equal(actfn_op_set(&op, "max_val", 5), ACTFN_OK);
    assert_int_equal(actfn_op_set(&op, "min_val", 5), ACTFN_OK); /* equal bounds are fine */
}

static void partly_overlapping_arrays_are_rejected(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_RELU);
    float buffer[16] = {0};
    assert_int_equal(actfn_forward(&op, ACTFN_F32, buffer, buffer + 1, 8), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_forward(&op, ACTFN_F32, buffer + 1, buffer, 8), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_backward(&op, ACTFN_F32, buffer, buffer + 8, buffer + 2, 4),
                     ACTFN_ERR_OVERLAP);
    assert_non_null(strstr(actfn_last_error(), "overlaps"));
    /* Adjacent, identical, and the two inputs overlapping each other are all fine. */
    assert_int_equal(actfn_forward(&op, ACTFN_F32, buffer, buffer + 8, 8), ACTFN_OK);
    assert_int_equal(actfn_forward(&op, ACTFN_F32, buffer, buffer, 16), ACTFN_OK);
    assert_int_equal(actfn_backward(&op, ACTFN_F32, buffer, buffer + 1, buffer + 8, 4), ACTFN_OK);
    /* A length whose byte size overflows size_t. */
    assert_int_equal(actfn_forward(&op, ACTFN_F64, buffer, buffer + 8, SIZE_MAX / 4),
                     ACTFN_ERR_BAD_PARAMETER);
}

static void backward_from_output_refuses_what_y_cannot_determine(void **state) {
    (void)state;
    float y[2] = {0, 1}, dy[2] = {1, 1}, dx[2];
    fill_sentinel(dx, 2);
    actfn_op op = actfn_op_init(ACTFN_GELU);
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNSUPPORTED);
    assert_non_null(strstr(actfn_last_error(), "gelu"));
    op = actfn_op_init(ACTFN_RELU);
    op.grad_at_zero = 1;
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNSUPPORTED);
    op = actfn_op_init(ACTFN_LEAKY_RELU);
    op.negative_slope = 0;
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNSUPPORTED);
    op = actfn_op_init(ACTFN_ELU);
    op.alpha = -0.5;
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNSUPPORTED);
    assert_untouched(dx, 2);
    op = actfn_op_init(ACTFN_SIGMOID);
    op.kind = (actfn_kind)77;
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNKNOWN_OP);
}

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

static op_params params_as_applied(const actfn_op *op, int is_f32) {
    op_params p = {op->negative_slope, op->cap,  op->min_val,   op->max_val,
                   op->alpha,          op->beta, op->threshold, op->grad_at_zero};
    if (is_f32) {
        double *fields[] = {&p.negative_slope, &p.cap,  &p.min_val,   &p.max_val,
                            &p.alpha,          &p.beta, &p.threshold, &p.grad_at_zero};
        for (size_t i = 0; i < 8; i++)
            *fields[i] = (double)(float)*fields[i];
    }
    if (op->kind == ACTFN_LEAKY_RELU && isnan(p.grad_at_zero)) p.grad_at_zero = p.negative_slope;
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

static actfn_status call(const actfn_op *op, actfn_dtype dtype, int which, const void *x,
                         const void *dy, void *out, size_t n) {
    if (table_under_test == NULL) {
        if (which == 0) return actfn_forward(op, dtype, x, out, n);
        if (which == 1) return actfn_backward(op, dtype, x, dy, out, n);
        return actfn_backward_from_output(op, dtype, x, dy, out, n);
    }
    int slot = dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64;
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
    for (size_t i = 0; i < MAX_LENGTH + 2 * GUARD; i++) {
        x[i] = (float)interesting_value(i);
        dy[i] = (float)interesting_value(i + 7);
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
            int (*agree)(float, float) = def->exact ? same_bits_f32 : within_one_ulp_f32;
            for (size_t i = 0; i < n; i++) {
                float expected = reference_f32(def, &p, which, xi[i], dyi[i]);
                if (!agree(o[i], expected) || !agree(ip[i], expected)) {
                    print_error("%s f32 %s n=%zu i=%zu x=%a: %a / in place %a, reference %a\n",
                                def->name, which == 0 ? "forward" : "backward", n, i, xi[i], o[i],
                                ip[i], expected);
                    fail();
                }
            }
            /* Nothing written before or after the n elements. */
            assert_untouched(out, GUARD + offset);
            assert_untouched(o + n, MAX_LENGTH + GUARD - offset - n);
            assert_untouched(in_place, GUARD + offset);
            assert_untouched(ip + n, MAX_LENGTH + GUARD - offset - n);
        }
    }
}

static void check_lengths_f64(const actfn_op *op, int which) {
    const op_def *def = &actfn_op_table[op->kind];
    op_params p = params_as_applied(op, 0);
    static double x[MAX_LENGTH + 2 * GUARD], dy[MAX_LENGTH + 2 * GUARD];
    static double out[MAX_LENGTH + 2 * GUARD], in_place[MAX_LENGTH + 2 * GUARD];
    for (size_t i = 0; i < MAX_LENGTH + 2 * GUARD; i++) {
        x[i] = interesting_value(i);
        dy[i] = interesting_value(i + 7);
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
            for (size_t i = 0; i < n; i++) {
                double expected = reference_f64(def, &p, which, xi[i], dyi[i]);
                if (!same_bits_f64(o[i], expected) || !same_bits_f64(ip[i], expected)) {
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
                check_lengths_f64(&ops[o], which);
            }
        }
    }
}

/* Through the API (the active ISA), then every ISA this CPU can run, kernel by kernel. */
static void every_length_offset_and_in_place_matches_the_reference(void **state) {
    (void)state;
    table_under_test = NULL;
    check_all_lengths();
    for (int which = 0; which < ISA_COUNT; which++) {
        if (!isa_available((isa)which)) continue;
        printf("  kernels of %s\n", isa_name((isa)which));
        table_under_test = kernels_of((isa)which);
        check_all_lengths();
        streaming_under_test = 1;
        check_all_lengths();
        streaming_under_test = 0;
    }
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
                double *fields[] = {&as_float.negative_slope, &as_float.cap,
                                    &as_float.min_val,        &as_float.max_val,
                                    &as_float.alpha,          &as_float.beta,
                                    &as_float.threshold,      &as_float.grad_at_zero};
                for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
                    *fields[f] = isnan(*fields[f]) ? *fields[f] : (double)(float)*fields[f];
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
        cmocka_unit_test(every_kind_has_a_complete_table_entry),
        cmocka_unit_test(defaults_follow_pytorch),
        cmocka_unit_test(version_matches_the_macros),
        cmocka_unit_test(dtype_sizes_are_the_element_sizes),
        cmocka_unit_test(every_status_has_its_own_message),
        cmocka_unit_test(null_pointers_are_rejected_when_n_is_positive),
        cmocka_unit_test(unknown_ops_and_dtypes_are_rejected),
        cmocka_unit_test(out_of_range_parameters_are_rejected_with_a_message),
        cmocka_unit_test(parameters_are_set_by_name),
        cmocka_unit_test(partly_overlapping_arrays_are_rejected),
        cmocka_unit_test(backward_from_output_refuses_what_y_cannot_determine),
        cmocka_unit_test(every_length_offset_and_in_place_matches_the_reference),
        cmocka_unit_test(the_isa_is_named_and_can_be_capped),
        cmocka_unit_test(documented_semantics_hold_in_both_dtypes),
        cmocka_unit_test(backward_from_output_agrees_with_backward_from_input),
        cmocka_unit_test(shortcuts_equal_the_generic_calls),
        cmocka_unit_test(the_floating_point_environment_is_left_alone),
        cmocka_unit_test(last_error_is_per_thread_and_names_the_op),
        cmocka_unit_test(sixteen_bit_types_match_the_f64_path_rounded_once),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
