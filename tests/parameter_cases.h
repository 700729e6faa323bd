/* SPDX-License-Identifier: MIT */
/* The ops at parameters other than their defaults, one list for every test that sweeps
 * ops (test_accuracy, test_narrow, the exhaustive tool), and the parameters as the
 * library applies them to a dtype. Public API only. */
#ifndef ACTFN_PARAMETER_CASES_H
#define ACTFN_PARAMETER_CASES_H

#include "actfn.h"

#include <stddef.h>

typedef struct parameter_case {
    const char *label; /* "op:name=value[,name=value]", as the exhaustive tool takes it */
    actfn_op op;
} parameter_case;

/* Every parameter of every op at a value other than its default, including values that
 * do not round exactly to float. Built once; count in *count. */
const parameter_case *parameter_cases(size_t *count);

/* The case with this label, or NULL. */
const parameter_case *find_parameter_case(const char *label);

/* The op as the library applies it to dtype: for every dtype but f64 each parameter
 * rounded to float, and leaky_relu's NaN grad_at_zero replaced by its slope. */
actfn_op op_as_applied(actfn_op op, actfn_dtype dtype);

#endif
