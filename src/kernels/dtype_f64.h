/* SPDX-License-Identifier: MIT */
/* kernel_template.h's names mapped to f64 (as dtype_f32.h for float). */
#define T         double
#define V         vd
#define M         md
#define LANES     VD_LANES
#define VOP(name) vd_##name
#define MOP(name) md_##name
#define SUFFIX    f64
