/* SPDX-License-Identifier: MIT */
/* The scalar references of src/spec/ compiled as device code: the same sources the CPU
 * library is built from and tested against MPFR (spec/spec_function.h makes each
 * function static __host__ __device__ here). */
#ifndef ACTFN_DEVICE_REFERENCE_CUH
#define ACTFN_DEVICE_REFERENCE_CUH

#include "spec/exact_round.c"
#include "spec/narrow_float.c"
#include "spec/piecewise_reference.c"
#include "spec/smooth_reference.c"

#endif
