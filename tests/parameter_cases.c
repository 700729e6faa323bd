/* SPDX-License-Identifier: MIT */
#include "parameter_cases.h"

#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* op, then up to two (parameter, value) pairs */
static const struct {
    const char *op;
    const char *names[2];
    double values[2];
} settings[] = {
    {"leaky_relu", {"negative_slope"}, {0.3}},
    {"clipped_relu", {"cap"}, {2.7}},
    {"hardtanh", {"min_val", "max_val"}, {-0.3, 2.5}},
    {"elu", {"alpha"}, {0.7}},
    {"celu", {"alpha"}, {1.9}},
    {"celu", {"alpha"}, {-2.5}}, /* x / alpha > 0 below 0: the kernels' other branch */
    {"elu", {"alpha"}, {-1}},    /* the sign of elu(+-0) */
    {"softplus", {"beta", "threshold"}, {2.0, 15}},
    {"softplus", {"beta"}, {1e-7}}, /* below 2^-20: the fast kernel's fallback */
    {"relu", {"grad_at_zero"}, {1}},
    {"hardshrink", {"lambd"}, {1.25}},
    {"softshrink", {"lambd"}, {0.3}},
    {"threshold", {"threshold", "value"}, {0.7, -2.5}},
    {"squareplus", {"b"}, {0.3}},
    {"rrelu", {"lower", "upper"}, {0.05, 0.6}},
};
enum { CASES = sizeof settings / sizeof *settings };

static parameter_case cases[CASES];
static char labels[CASES][96];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void) {
    for (size_t i = 0; i < CASES; i++) {
        actfn_op *op = &cases[i].op;
        int used = snprintf(labels[i], sizeof labels[i], "%s:", settings[i].op);
        if (actfn_op_from_name(settings[i].op, op) != ACTFN_OK) abort();
        for (size_t p = 0; p < 2 && settings[i].names[p] != NULL; p++) {
            if (actfn_op_set(op, settings[i].names[p], settings[i].values[p]) != ACTFN_OK) {
                fprintf(stderr, "parameter_cases: %s\n", actfn_last_error());
                abort();
            }
            used += snprintf(labels[i] + used, sizeof labels[i] - (size_t)used, "%s%s=%g",
                             p > 0 ? "," : "", settings[i].names[p], settings[i].values[p]);
        }
        cases[i].label = labels[i];
    }
}

const parameter_case *parameter_cases(size_t *count) {
    pthread_once(&once, build);
    *count = CASES;
    return cases;
}

const parameter_case *find_parameter_case(const char *label) {
    size_t count;
    const parameter_case *all = parameter_cases(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(all[i].label, label) == 0) return &all[i];
    return NULL;
}

/* A new field of actfn_op must be rounded below too. */
_Static_assert(offsetof(actfn_op, accuracy) ==
                   offsetof(actfn_op, negative_slope) + 13 * sizeof(double),
               "actfn_op has a field that op_as_applied does not round");

actfn_op op_as_applied(actfn_op op, actfn_dtype dtype) {
    if (dtype != ACTFN_F64) {
        double *fields[] = {&op.negative_slope, &op.cap,   &op.min_val,   &op.max_val,
                            &op.alpha,          &op.beta,  &op.threshold, &op.grad_at_zero,
                            &op.value,          &op.lambd, &op.b,         &op.lower,
                            &op.upper};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
            *fields[i] = (double)(float)*fields[i];
    }
    if (op.kind == ACTFN_RRELU) { /* leaky_relu with the mean slope, rounded to the dtype */
        double mean = (op.lower + op.upper) / 2;
        op.negative_slope = op.grad_at_zero = dtype == ACTFN_F64 ? mean : (double)(float)mean;
    }
    if (op.kind == ACTFN_LEAKY_RELU && isnan(op.grad_at_zero)) op.grad_at_zero = op.negative_slope;
    return op;
}
