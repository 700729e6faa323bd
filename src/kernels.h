/* The contract between the API layer (api.c: validation, policy) and the kernels
 * (arithmetic only). Arguments arrive validated: pointers non-NULL, n > 0, arrays
 * either identical or disjoint. */
#ifndef ACTFN_KERNELS_H
#define ACTFN_KERNELS_H

#include "ops.h"

void run_forward(const op_def *def, const op_params *params, actfn_dtype dtype, const void *x,
                 void *y, size_t n);

/* dx = backward(v, dy), v being x or y as `backward` expects. */
void run_backward(scalar_backward_fn backward, const op_params *params, actfn_dtype dtype,
                  const void *v, const void *dy, void *dx, size_t n);

#endif
