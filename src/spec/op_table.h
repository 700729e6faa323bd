/* SPDX-License-Identifier: MIT */
/* The op table: the one definition of every activation, and the scalar reference that
 * every fast path must reproduce. Internal to the library. */
#ifndef ACTFN_OPS_H
#define ACTFN_OPS_H

#include "actfn.h"

#include <stdbool.h>
#include <stddef.h>

/* Every numeric parameter field of actfn_op, in declaration order: the one list that
 * op_params, op_prepare's rounding and the default-op check are built from. A field added
 * to actfn_op and not here fails the static assertion below. */
/* clang-format off */
#define OP_PARAMETER_FIELDS(X)                                                                     \
    X(negative_slope) X(cap) X(min_val) X(max_val) X(alpha) X(beta) X(threshold) X(grad_at_zero)   \
    X(value) X(lambd) X(b) X(lower) X(upper)
/* clang-format on */

#define OP_COUNT_FIELD(name) +1
enum { OP_PARAMETER_COUNT = 0 OP_PARAMETER_FIELDS(OP_COUNT_FIELD) };
#undef OP_COUNT_FIELD
#ifdef __cplusplus /* the CUDA sources read this header too */
#define OP_STATIC_ASSERT static_assert
#else
#define OP_STATIC_ASSERT _Static_assert
#endif
OP_STATIC_ASSERT(offsetof(actfn_op, accuracy) ==
                     offsetof(actfn_op, negative_slope) + OP_PARAMETER_COUNT * sizeof(double),
                 "actfn_op has a field that OP_PARAMETER_FIELDS does not list");
OP_STATIC_ASSERT(sizeof(actfn_op) <= offsetof(actfn_op, accuracy) + sizeof(double),
                 "actfn_op has a field after accuracy");

/* The parameters of an op as a kernel sees them: already validated, rounded to the
 * dtype, and with defaults that depend on other parameters resolved. */
typedef struct op_params {
#define OP_DECLARE_FIELD(name) double name;
    OP_PARAMETER_FIELDS(OP_DECLARE_FIELD)
#undef OP_DECLARE_FIELD
    actfn_accuracy accuracy; /* picks the kernel (run.c); the reference is one for both */
} op_params;

/* f(v) in double. For f32 the argument is a float widened to double and the result is
 * rounded to float once; the functions are accurate enough in double that this single
 * rounding is the only error that matters (docs/accuracy in docs/semantics.md). */
typedef double (*scalar_forward_fn)(double x, const op_params *p);
/* dy * f'(v), where v is x for a backward from the input and y for one from the output.
 * Returns +0 where f'(v) is exactly 0, whatever dy is. */
typedef double (*scalar_backward_fn)(double v, double dy, const op_params *p);
/* f(x) in f32, for the exact ops whose double result rounded again to float would not
 * always be the correctly rounded float (a double rounding). */
typedef float (*scalar_forward_f32_fn)(float x, const op_params *p);
/* Whether the op, with these parameters, can compute its backward from y. */
typedef bool (*output_backward_ok_fn)(const op_params *p);

typedef struct param_def {
    const char *name;
    size_t offset; /* of the double in actfn_op */
    double default_value;
    const char *range;
    /* NULL if value is valid, else the reason (e.g. "must be > 0"). */
    const char *(*check)(double value);
} param_def;

#define MAX_PARAMS 3

typedef struct op_def {
    const char *name;
    const char *formula;
    param_def params[MAX_PARAMS];
    bool exact;
    /* Every result is the input, a parameter or a constant (comparisons and selects, no
     * arithmetic): exact in any type the input and parameters are exact in. */
    bool selects_only;
    double max_ulp_f32; /* the bound the docs state for the forward */
    double max_ulp_f64;
    double max_ulp_backward_f32;
    double max_ulp_backward_f64;
    /* The f32 bounds at ACTFN_FAST where its kernels are less exact (0: as accurate). */
    double max_ulp_fast_f32;
    double max_ulp_fast_backward_f32;
    scalar_forward_fn forward;
    scalar_backward_fn backward;
    scalar_backward_fn backward_from_output;  /* NULL: not served */
    output_backward_ok_fn output_backward_ok; /* NULL: always, if backward_from_output */
    scalar_forward_f32_fn forward_f32;        /* NULL: (float)forward(x) */
    /* f(x) = x/2 + c x^2 + ... near 0 with c > 0 (gelu, gelu_tanh, silu,
     * hardswish): below |x| =
     * 2^-60 the double result is x/2 exactly, and where that is a tie of a 16-bit type the
     * exact value, just above it, decides the rounding (narrow_loops.c). */
    bool above_half_x_near_zero;
    /* Checks relations between parameters; NULL if there are none. Returns the reason. */
    const char *(*check_op)(const actfn_op *op);
} op_def;

/* Indexed by actfn_kind; every entry is filled (a test checks it). */
extern const op_def actfn_op_table[ACTFN_KIND_COUNT];

static inline size_t op_param_count(const op_def *def) {
    size_t count = 0;
    while (count < MAX_PARAMS && def->params[count].name != NULL)
        count++;
    return count;
}

#endif
