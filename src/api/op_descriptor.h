/* SPDX-License-Identifier: MIT */
/* Turning a public op descriptor into what kernels use. */
#ifndef ACTFN_OP_DESCRIPTOR_H
#define ACTFN_OP_DESCRIPTOR_H

#include "spec/op_table.h"

/* Validates op and dtype; on success stores the op's table entry and its parameters
 * rounded to dtype, with defaults resolved. */
actfn_status op_prepare(const actfn_op *op, actfn_dtype dtype, const op_def **def,
                        op_params *params);

#endif
