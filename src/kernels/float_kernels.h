/* SPDX-License-Identifier: MIT */
/* kernel_template.h's names mapped to float vectors, for the sources that write only f32
 * kernels (for_each_dtype.h writes a body for both dtypes): T, V, LANES, VOP(name),
 * SUFFIX. The source defines CONSTANTS, its constants' type (made by make_constants_f32). */
#ifndef ACTFN_FLOAT_KERNELS_H
#define ACTFN_FLOAT_KERNELS_H

#include "kernels/kernel_template.h"

#define T         float
#define V         vf
#define M         mf
#define MOP(name) mf_##name
#define LANES     VF_LANES
#define VOP(name) vf_##name
#define SUFFIX    f32

#endif
