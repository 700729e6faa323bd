/* SPDX-License-Identifier: MIT */
/* The checks every array entry point makes before any kernel runs. */
#ifndef ACTFN_ARRAY_CHECKS_H
#define ACTFN_ARRAY_CHECKS_H

#include "actfn.h"
#include "spec/op_table.h"

/* ACTFN_OK, or ACTFN_ERR_NULL_POINTER / _BAD_PARAMETER (n too large) / _OVERLAP (output
 * partly overlapping an input) with the message recorded. Call only with n > 0. */
actfn_status check_arrays(const char *function, actfn_dtype dtype, size_t n, const void *input,
                          const void *second_input, void *output);

/* ACTFN_ERR_UNSUPPORTED (recorded) unless the op serves a backward from its output with
 * these parameters. */
actfn_status check_output_backward(const op_def *def, const op_params *params);

#endif
