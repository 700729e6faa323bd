/* SPDX-License-Identifier: MIT */
/* Includes BODY_FILE twice: with T = float and DTYPE_NAME(x) = x##_f32, then with
 * T = double and DTYPE_NAME(x) = x##_f64, so that a layer op's scalar loops are written
 * once (as kernels/for_each_dtype.h does for the vector kernels). */
#define T             float
#define DTYPE_NAME(x) x##_f32
#include BODY_FILE
#undef T
#undef DTYPE_NAME
#define T             double
#define DTYPE_NAME(x) x##_f64
#include BODY_FILE
#undef T
#undef DTYPE_NAME
