/* SPDX-License-Identifier: MIT */
/* kernel_template.h's names mapped to f32: T (element), V / M (vector, mask), LANES,
 * VOP(name) / MOP(name) (the vf_ / mf_ primitive), SUFFIX. No include guard: included
 * once per mapping, each ended by dtype_end.h. */
#define T         float
#define V         vf
#define M         mf
#define LANES     VF_LANES
#define VOP(name) vf_##name
#define MOP(name) mf_##name
#define SUFFIX    f32
