/* SPDX-License-Identifier: MIT */
/* The contract between the API layer (api.c: validation) and the kernels (arithmetic
 * only). Arguments arrive validated: pointers non-NULL, n > 0, arrays either identical
 * or disjoint. */
#ifndef ACTFN_KERNELS_H
#define ACTFN_KERNELS_H

#include "kernels/kernel_table.h"
#include "spec/op_table.h"

/* Runs the active ISA's kernel for the op, or the scalar reference where it has none. */
void run_forward(actfn_kind kind, const op_params *params, actfn_dtype dtype, const void *x,
                 void *y, size_t n);
/* from_output: v is y and the op's backward_from_output applies; else v is x. */
void run_backward(actfn_kind kind, bool from_output, const op_params *params, actfn_dtype dtype,
                  const void *v, const void *dy, void *dx, size_t n);

/* The scalar reference applied element by element (reference_loops.c). */
void reference_forward(const op_def *def, const op_params *params, actfn_dtype dtype, const void *x,
                       void *y, size_t n);
void reference_backward(scalar_backward_fn backward, const op_params *params, actfn_dtype dtype,
                        const void *v, const void *dy, void *dx, size_t n);

/* f16 and bf16 through float (narrow_loops.c): an f32 kernel where there is one, else
 * the scalar reference; results near a 16-bit midpoint again from the double reference.
 * fast_kernel: the kernel is the fast tier's (within 4.5 float ULPs, dy included), whose
 * results are checked against a wider band around the midpoints; else within 1 ULP. */
enum { NARROW_MARGIN_ACCURATE = 2, NARROW_MARGIN_FAST = 6 }; /* float ULPs */
void narrow_forward(const op_def *def, forward_kernel f32_kernel, bool fast_kernel,
                    const op_params *params, actfn_dtype dtype, const void *x, void *y, size_t n);
void narrow_backward(backward_kernel f32_kernel, bool fast_kernel, scalar_backward_fn reference,
                     const op_params *params, actfn_dtype dtype, const void *v, const void *dy,
                     void *dx, size_t n);

#endif
