/* SPDX-License-Identifier: MIT */
/* The API's contract: errors, parameters, names, status messages. */
#define _POSIX_C_SOURCE 200809L /* setenv */
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

#include "test_values.h"

#include <cmocka.h>

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
    for (int a = 0; a <= ACTFN_ERR_OUT_OF_MEMORY; a++) {
        assert_true(strlen(actfn_strerror((actfn_status)a)) > 0);
        for (int b = 0; b < a; b++)
            assert_string_not_equal(actfn_strerror((actfn_status)a),
                                    actfn_strerror((actfn_status)b));
    }
    assert_string_equal(actfn_strerror((actfn_status)999), "unknown status code");
}

/* ---------------------------------------------------------------------------------- */
/* Bad input: a status, a message that names the problem, and nothing written.         */

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
    assert_true(all_sentinel(y, 4));
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
    assert_true(all_sentinel(y, 2));
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
        assert_true(all_sentinel(y, 3));
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

/* The accuracy tier: ACTFN_ACCURATE by default, ACTFN_FAST by field or word, anything
 * else refused before a byte is written; describe() states both bounds. */
static void the_accuracy_tier_is_a_checked_choice(void **state) {
    (void)state;
    actfn_op op = actfn_op_init(ACTFN_SIGMOID);
    assert_int_equal(op.accuracy, ACTFN_ACCURATE);
    assert_int_equal(actfn_op_set_word(&op, "accuracy", "fast"), ACTFN_OK);
    assert_int_equal(op.accuracy, ACTFN_FAST);
    assert_int_equal(actfn_op_set_word(&op, "accuracy", "accurate"), ACTFN_OK);
    assert_int_equal(op.accuracy, ACTFN_ACCURATE);
    assert_int_equal(actfn_op_set_word(&op, "accuracy", "sloppy"), ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "'accurate' or 'fast'"));
    assert_int_equal(op.accuracy, ACTFN_ACCURATE);
    float x[3] = {-1, 0, 1}, y[3] = {7, 7, 7};
    op.accuracy = (actfn_accuracy)2;
    assert_int_equal(actfn_op_validate(&op), ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "accuracy must be"));
    assert_int_equal(actfn_forward(&op, ACTFN_F32, x, y, 3), ACTFN_ERR_BAD_PARAMETER);
    assert_true(y[0] == 7 && y[1] == 7 && y[2] == 7);
    op.accuracy = ACTFN_FAST; /* a default op at the fast tier needs no other change */
    assert_int_equal(actfn_forward(&op, ACTFN_F32, x, y, 3), ACTFN_OK);
    assert_true(y[1] == 0.5f && y[0] > 0.268f && y[0] < 0.269f && y[2] > 0.731f && y[2] < 0.732f);
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const actfn_op_info *info = actfn_op_describe((actfn_kind)kind);
        assert_true(info->max_ulp_fast_f32 >= info->max_ulp_f32);
        assert_true(info->max_ulp_fast_f32 <= 4);
        assert_true(info->max_ulp_fast_backward_f32 >= info->max_ulp_backward_f32);
        /* an exact op is exact at both tiers, but for hardswish's fast kernels */
        if (info->exact && kind != ACTFN_HARDSWISH) {
            assert_true(info->max_ulp_fast_f32 == info->max_ulp_f32);
            assert_true(info->max_ulp_fast_backward_f32 == info->max_ulp_backward_f32);
        }
    }
    assert_true(actfn_op_describe(ACTFN_SIGMOID)->max_ulp_fast_f32 > 1);
    assert_true(actfn_op_describe(ACTFN_HARDSWISH)->max_ulp_fast_f32 > 0.5);
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
    assert_true(all_sentinel(dx, 2));
    op = actfn_op_init(ACTFN_SIGMOID);
    op.kind = (actfn_kind)77;
    assert_int_equal(actfn_backward_from_output(&op, ACTFN_F32, y, dy, dx, 2),
                     ACTFN_ERR_UNKNOWN_OP);
}

/* Without the CUDA kernels (none to load here) every GPU call checks its arguments as the
 * CPU call does, then says what is missing: never a crash. */
static void gpu_calls_without_kernels_say_why(void **state) {
    (void)state;
    setenv("ACTFN_CUDA_LIBRARY", "/nonexistent/libactfn_cuda.so", 1);
    actfn_op relu = actfn_op_init(ACTFN_RELU), gelu = actfn_op_init(ACTFN_GELU);
    float a[8] = {0}, b[8] = {0}, c[8] = {0};
    uint8_t mask[8] = {0};
    uint64_t counts[4] = {0};
    actfn_batch batch = {2, 4, 4}, bad_batch = {2, 4, 3};
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, NULL, a, 4, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_U8, a, b, 4, NULL), ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, a, a + 1, 4, NULL), ACTFN_ERR_OVERLAP);
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, a, b, 0, NULL), ACTFN_OK);
    assert_int_equal(actfn_cuda_backward_from_output(&gelu, ACTFN_F32, a, b, c, 4, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    assert_non_null(strstr(actfn_last_error(), "needs the input"));
    assert_int_equal(actfn_cuda_mask_forward(&gelu, ACTFN_F32, &batch, a, b, mask, counts, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_cuda_bias_forward(&relu, ACTFN_F32, &bad_batch, a, b, c, NULL),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_cuda_prelu_forward(ACTFN_F32, &batch, a, NULL, c, NULL),
                     ACTFN_ERR_NULL_POINTER);
    /* valid calls: the kernels are missing, and the message says so */
    actfn_status calls[] = {
        actfn_cuda_available(),
        actfn_cuda_forward(&relu, ACTFN_F32, a, b, 4, NULL),
        actfn_cuda_backward(&relu, ACTFN_F32, a, b, c, 4, NULL),
        actfn_cuda_backward_from_output(&relu, ACTFN_F32, a, b, c, 4, NULL),
        actfn_cuda_mask_forward(&relu, ACTFN_F32, &batch, a, b, mask, counts, NULL),
        actfn_cuda_mask_backward(&relu, ACTFN_F32, &batch, mask, a, b, NULL),
        actfn_cuda_bias_forward(&relu, ACTFN_F32, &batch, a, b, c, NULL),
        actfn_cuda_prelu_forward(ACTFN_F32, &batch, a, b, c, NULL),
        actfn_cuda_synchronize(NULL),
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++)
        assert_int_equal(calls[i], ACTFN_ERR_UNSUPPORTED);
    assert_non_null(strstr(actfn_last_error(), "libactfn_cuda.so could not be loaded"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_has_a_complete_table_entry),
        cmocka_unit_test(defaults_follow_pytorch),
        cmocka_unit_test(version_matches_the_macros),
        cmocka_unit_test(every_status_has_its_own_message),
        cmocka_unit_test(null_pointers_are_rejected_when_n_is_positive),
        cmocka_unit_test(unknown_ops_and_dtypes_are_rejected),
        cmocka_unit_test(out_of_range_parameters_are_rejected_with_a_message),
        cmocka_unit_test(parameters_are_set_by_name),
        cmocka_unit_test(the_accuracy_tier_is_a_checked_choice),
        cmocka_unit_test(partly_overlapping_arrays_are_rejected),
        cmocka_unit_test(backward_from_output_refuses_what_y_cannot_determine),
        cmocka_unit_test(gpu_calls_without_kernels_say_why),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
