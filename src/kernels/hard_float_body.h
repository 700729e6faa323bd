/* SPDX-License-Identifier: MIT */
/* hardsigmoid's and hardswish's f32 bodies (hard_body.h for float): hard.c makes the f32
 * SIMD kernels of them, src/cuda/lane_ops.cuh the GPU's lanes. Needs VEC_HAS_FMA. */
#ifndef ACTFN_HARD_FLOAT_BODY_H
#define ACTFN_HARD_FLOAT_BODY_H

#include "kernels/float_math.h"

#include "kernels/dtype_f32.h"
#include "kernels/hard_body.h"
#include "kernels/dtype_end.h"

#endif
