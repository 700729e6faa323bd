/* SPDX-License-Identifier: MIT */
/* The one way a kernel is written for both dtypes: a source defines BODY_FILE and
 * includes this header, which includes BODY_FILE twice with kernel_template.h's names
 * mapped to one dtype each time: T (element), V / M (vector, mask), LANES, VOP(name) and
 * MOP(name) (the vf_ / mf_ or vd_ / md_ primitive), SUFFIX (f32, f64) and
 * CONSTANTS (BODY_CONSTANTS_f32 / _f64, where the source names a BODY_CONSTANTS). A body file
 * writes its functions with DEFINE_*_KERNEL or with DTYPE_NAME(name) (name_f32, name_f64). */
#ifndef BODY_FILE
#error "define BODY_FILE before including kernels/for_each_dtype.h"
#endif

#define DTYPE_NAME(name) CONCAT(name, SUFFIX)

#include "kernels/dtype_f32.h"
#ifdef BODY_CONSTANTS
#define CONSTANTS CONCAT(BODY_CONSTANTS, f32)
#endif
#include BODY_FILE
#include "kernels/dtype_end.h"
#undef CONSTANTS

#include "kernels/dtype_f64.h"
#ifdef BODY_CONSTANTS
#define CONSTANTS CONCAT(BODY_CONSTANTS, f64)
#endif
#include BODY_FILE
#include "kernels/dtype_end.h"
#undef CONSTANTS
