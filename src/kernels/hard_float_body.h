/* SPDX-License-Identifier: MIT */
/* hardsigmoid's and hardswish's f32 bodies (hard_body.h for float): hard.c makes the f32
 * SIMD kernels of them, src/cuda/lane_ops.cuh the GPU's lanes. Needs VEC_HAS_FMA. */
#ifndef ACTFN_HARD_FLOAT_BODY_H
#define ACTFN_HARD_FLOAT_BODY_H

#include "kernels/float_math.h"

#define T         float
#define V         vf
#define M         mf
#define VOP(name) vf_##name
#define MOP(name) mf_##name
#define SUFFIX    f32
#include "kernels/hard_body.h"
#undef T
#undef V
#undef M
#undef VOP
#undef MOP
#undef SUFFIX

#endif
