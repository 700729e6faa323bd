/* SPDX-License-Identifier: MIT */
/* Making, naming, changing and checking op descriptors (actfn_op). No arithmetic. */
#include "api/errors.h"
#include "api/op_descriptor.h"
#include "spec/dtypes.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <string.h>

static const op_def *find_def(actfn_kind kind) {
    if ((unsigned)kind >= ACTFN_KIND_COUNT) return NULL;
    return &actfn_op_table[kind];
}

static double *field_of(actfn_op *op, const param_def *param) {
    return (double *)((char *)op + param->offset);
}

static const param_def *find_param(const op_def *def, const char *name) {
    for (size_t i = 0; i < op_param_count(def); i++)
        if (strcmp(def->params[i].name, name) == 0) return &def->params[i];
    return NULL;
}

actfn_op actfn_op_init(actfn_kind kind) {
    actfn_op op = {.kind = kind};
    const op_def *def = find_def(kind);
    if (def != NULL)
        for (size_t i = 0; i < op_param_count(def); i++)
            *field_of(&op, &def->params[i]) = def->params[i].default_value;
    return op;
}

const char *actfn_op_name(actfn_kind kind) {
    const op_def *def = find_def(kind);
    return def != NULL ? def->name : NULL;
}

actfn_status actfn_op_from_name(const char *name, actfn_op *op) {
    if (name == NULL || op == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_op_from_name: NULL argument");
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        if (strcmp(actfn_op_table[kind].name, name) == 0) {
            *op = actfn_op_init((actfn_kind)kind);
            return ACTFN_OK;
        }
    }
    return fail(ACTFN_ERR_UNKNOWN_OP, "unknown op '%s'", name);
}

static actfn_status check_kind(const actfn_op *op, const op_def **def) {
    *def = find_def(op->kind);
    if (*def == NULL) return fail(ACTFN_ERR_UNKNOWN_OP, "unknown op kind %d", (int)op->kind);
    return ACTFN_OK;
}

static actfn_status check_param(const op_def *def, const param_def *param, double value) {
    const char *problem = param->check(value);
    if (problem != NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s %s, got %g", def->name, param->name, problem,
                    value);
    return ACTFN_OK;
}

actfn_status actfn_op_validate(const actfn_op *op) {
    if (op == NULL) return fail(ACTFN_ERR_NULL_POINTER, "op is NULL");
    const op_def *def;
    actfn_status status = check_kind(op, &def);
    if (status != ACTFN_OK) return status;
    for (size_t i = 0; i < op_param_count(def); i++) {
        const param_def *param = &def->params[i];
        status = check_param(def, param, *field_of((actfn_op *)op, param));
        if (status != ACTFN_OK) return status;
    }
    const char *problem = def->check_op != NULL ? def->check_op(op) : NULL;
    if (problem != NULL) return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s", def->name, problem);
    if (op->accuracy != ACTFN_ACCURATE && op->accuracy != ACTFN_FAST)
        return fail(ACTFN_ERR_BAD_PARAMETER,
                    "%s: accuracy must be ACTFN_ACCURATE (0) or ACTFN_FAST (1), got %d", def->name,
                    (int)op->accuracy);
    return ACTFN_OK;
}

actfn_status actfn_op_set(actfn_op *op, const char *name, double value) {
    if (op == NULL || name == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_op_set: NULL argument");
    const op_def *def;
    actfn_status status = check_kind(op, &def);
    if (status != ACTFN_OK) return status;
    const param_def *param = find_param(def, name);
    if (param == NULL)
        return fail(ACTFN_ERR_UNKNOWN_PARAMETER, "%s has no parameter '%s'", def->name, name);
    status = check_param(def, param, value);
    if (status != ACTFN_OK) return status;
    actfn_op changed = *op;
    *field_of(&changed, param) = value;
    const char *problem = def->check_op != NULL ? def->check_op(&changed) : NULL;
    if (problem != NULL) return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s", def->name, problem);
    *op = changed;
    return ACTFN_OK;
}

actfn_status actfn_op_set_word(actfn_op *op, const char *name, const char *value) {
    if (op == NULL || name == NULL || value == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_op_set_word: NULL argument");
    const op_def *def;
    actfn_status status = check_kind(op, &def);
    if (status != ACTFN_OK) return status;
    if (strcmp(name, "accuracy") == 0) {
        if (strcmp(value, "accurate") == 0)
            op->accuracy = ACTFN_ACCURATE;
        else if (strcmp(value, "fast") == 0)
            op->accuracy = ACTFN_FAST;
        else
            return fail(ACTFN_ERR_BAD_PARAMETER,
                        "%s: accuracy must be 'accurate' or 'fast', got '%s'", def->name, value);
        return ACTFN_OK;
    }
    bool is_gelu = op->kind == ACTFN_GELU || op->kind == ACTFN_GELU_TANH;
    if (!is_gelu || strcmp(name, "approximate") != 0)
        return fail(ACTFN_ERR_UNKNOWN_PARAMETER, "%s has no parameter '%s'", def->name, name);
    if (strcmp(value, "none") == 0)
        op->kind = ACTFN_GELU;
    else if (strcmp(value, "tanh") == 0)
        op->kind = ACTFN_GELU_TANH;
    else
        return fail(ACTFN_ERR_BAD_PARAMETER, "gelu: approximate must be 'none' or 'tanh', got '%s'",
                    value);
    return ACTFN_OK;
}

/* Built once from the op table, so the table stays the one place an op is defined. */
static actfn_param_info described_params[ACTFN_KIND_COUNT][MAX_PARAMS];
static actfn_op_info described_ops[ACTFN_KIND_COUNT];
static pthread_once_t describe_once = PTHREAD_ONCE_INIT;

static void describe_all(void) {
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const op_def *def = &actfn_op_table[kind];
        actfn_op_info *info = &described_ops[kind];
        info->name = def->name;
        info->formula = def->formula;
        info->param_count = op_param_count(def);
        for (size_t i = 0; i < info->param_count; i++)
            described_params[kind][i] = (actfn_param_info){
                def->params[i].name, def->params[i].default_value, def->params[i].range};
        info->params = described_params[kind];
        info->exact = def->exact;
        info->backward_from_output = def->backward_from_output != NULL;
        info->max_ulp_f32 = def->max_ulp_f32;
        info->max_ulp_f64 = def->max_ulp_f64;
        info->max_ulp_backward_f32 = def->max_ulp_backward_f32;
        info->max_ulp_backward_f64 = def->max_ulp_backward_f64;
        info->max_ulp_fast_f32 = fmax(def->max_ulp_fast_f32, def->max_ulp_f32);
        info->max_ulp_fast_backward_f32 =
            fmax(def->max_ulp_fast_backward_f32, def->max_ulp_backward_f32);
    }
}

const actfn_op_info *actfn_op_describe(actfn_kind kind) {
    if (find_def(kind) == NULL) return NULL;
    pthread_once(&describe_once, describe_all);
    return &described_ops[kind];
}

/* f32, f16 and bf16 use float parameters; f64 double ones. */
static double round_for(actfn_dtype dtype, double value) {
    return dtype == ACTFN_F64 ? value : (double)(float)value;
}

/* The kernels' parameters: the op's, rounded as the dtype uses them, and the two that
 * follow from others (rrelu's eval slope, leaky_relu's default derivative at 0). */
static void fill_params(const actfn_op *op, actfn_dtype dtype, op_params *params) {
#define ROUND_FIELD(name) params->name = round_for(dtype, op->name);
    OP_PARAMETER_FIELDS(ROUND_FIELD)
#undef ROUND_FIELD
    params->accuracy = op->accuracy;
    if (op->kind == ACTFN_RRELU) /* eval mode: leaky_relu with the mean slope, as torch */
        params->negative_slope = params->grad_at_zero =
            round_for(dtype, (params->lower + params->upper) / 2);
    if (op->kind == ACTFN_LEAKY_RELU && isnan(params->grad_at_zero))
        params->grad_at_zero = params->negative_slope;
}

/* Every op at its defaults, built once, with its parameters for float (f32, f16, bf16)
 * and for f64: an op equal to its kind's defaults (the everyday call) needs no
 * validation and no rounding, which were most of a small call's cost (n = 16 relu: 41
 * ns, half of it validating; then 21 ns, a third of it the rounding and two compares). */
static actfn_op default_ops[ACTFN_KIND_COUNT];
static op_params default_params[2][ACTFN_KIND_COUNT]; /* [dtype == ACTFN_F64][kind] */
static atomic_bool defaults_built;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void build_defaults(void) {
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        default_ops[kind] = actfn_op_init((actfn_kind)kind);
        fill_params(&default_ops[kind], ACTFN_F32, &default_params[0][kind]);
        fill_params(&default_ops[kind], ACTFN_F64, &default_params[1][kind]);
    }
    atomic_store_explicit(&defaults_built, true, memory_order_release);
}

/* Compared bit for bit as one block of OP_PARAMETER_COUNT doubles (op_table.h asserts
 * they are contiguous), in 16-byte words the compiler keeps in vector registers: the
 * library's memcmp was a quarter of a small call's cost, a field-by-field compare 44
 * instructions of the 312 of a 16-element call. */
typedef uint64_t parameter_words __attribute__((vector_size(16)));

static bool is_default_op(const actfn_op *op) {
    if (op == NULL || (unsigned)op->kind >= (unsigned)ACTFN_KIND_COUNT) return false;
    if (!atomic_load_explicit(&defaults_built, memory_order_acquire))
        pthread_once(&defaults_once, build_defaults);
    if (op->accuracy != ACTFN_ACCURATE && op->accuracy != ACTFN_FAST) return false;
    const char *a = (const char *)&op->negative_slope;
    const char *b = (const char *)&default_ops[op->kind].negative_slope;
    enum { BYTES = OP_PARAMETER_COUNT * sizeof(double), WORDS = BYTES / sizeof(parameter_words) };
    parameter_words differ = {0, 0};
#pragma GCC unroll 8
    for (size_t i = 0; i < WORDS; i++) {
        parameter_words x, y;
        memcpy(&x, a + i * sizeof x, sizeof x);
        memcpy(&y, b + i * sizeof y, sizeof y);
        differ |= x ^ y;
    }
    uint64_t rest = 0;
    for (size_t i = WORDS * sizeof(parameter_words); i < BYTES; i += sizeof(uint64_t)) {
        uint64_t x, y;
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        rest |= x ^ y;
    }
    return (differ[0] | differ[1] | rest) == 0;
}

/* The kernels of the narrower dtypes use the parameters rounded to float: those must be
 * valid too (a slope of 1e300 is inf there, an alpha of 1e-300 is 0). */
static actfn_status check_rounded(const actfn_op *op, const op_def *def, actfn_dtype dtype) {
    actfn_op rounded = *op;
    for (size_t i = 0; i < op_param_count(def); i++) {
        const param_def *param = &def->params[i];
        double value = *field_of((actfn_op *)op, param), used = round_for(dtype, value);
        *field_of(&rounded, param) = used;
        const char *problem = param->check(used);
        if (problem != NULL)
            return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s = %g is %g in %s, which %s", def->name,
                        param->name, value, used, dtype_name(dtype), problem);
    }
    const char *problem = def->check_op != NULL ? def->check_op(&rounded) : NULL;
    if (problem != NULL)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: rounded to %s, %s", def->name, dtype_name(dtype),
                    problem);
    return ACTFN_OK;
}

/* Any op: validated, the dtype checked, its parameters filled (rounded to the dtype).
 * Out of line, so that a default op's call (op_prepare's first branch) saves no registers
 * for it. */
static __attribute__((noinline)) actfn_status prepare_any(const actfn_op *op, actfn_dtype dtype,
                                                          const op_def **def, op_params *params) {
    actfn_status status = actfn_op_validate(op);
    if (status != ACTFN_OK) return status;
    if (dtype_is_quantized(dtype))
        return fail(ACTFN_ERR_UNSUPPORTED,
                    "quantized dtype %d: use actfn_forward_quantized with scales and zero points",
                    (int)dtype);
    if (!dtype_is_known(dtype))
        return fail(ACTFN_ERR_UNKNOWN_DTYPE, "unknown dtype %d", (int)dtype);
    *def = &actfn_op_table[op->kind];
    if (dtype != ACTFN_F64) {
        status = check_rounded(op, *def, dtype);
        if (status != ACTFN_OK) return status;
    }
    fill_params(op, dtype, params);
    return ACTFN_OK;
}

actfn_status op_prepare(const actfn_op *op, actfn_dtype dtype, const op_def **def,
                        op_params *params) {
    if (is_default_op(op) && dtype_is_known(dtype) && !dtype_is_quantized(dtype)) {
        *def = &actfn_op_table[op->kind];
        *params = default_params[dtype == ACTFN_F64][op->kind];
        params->accuracy = op->accuracy;
        return ACTFN_OK;
    }
    return prepare_any(op, dtype, def, params);
}
