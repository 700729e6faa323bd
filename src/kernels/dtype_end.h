/* SPDX-License-Identifier: MIT */
/* Ends a mapping of dtype_f32.h or dtype_f64.h (a source that named CONSTANTS ends it). */
#undef T
#undef V
#undef M
#undef LANES
#undef VOP
#undef MOP
#undef SUFFIX
