/* SPDX-License-Identifier: MIT */
/* SIMD kernels of the exp-based smooth ops in f32, evaluated in float lanes: sigmoid,
 * silu, tanh, elu, selu and celu (the forwards of the last four from tables of
 * polynomials, without exp; the elu family's from the exp table where a 32-entry lookup
 * is not one instruction), softplus, logsigmoid and three backwards more. float_math.h
 * carries exp with its rounding error, and each op keeps its sums exact until one last
 * rounding, so every result is within 1 ULP of the exact value over all 2^32 inputs
 * (smooth_float_body.h; tests/exhaustive, docs/accuracy.md) at twice the lanes of the
 * double-lane kernels in smooth.c, which these replace where the ISA has a fused
 * multiply-add (not SSE2). */
#include "spec/scalar_reference.h"
#include "kernels/smooth_float_body.h"
#include "kernels/float_kernels.h"

#if VEC_HAS_FMA

#define CONSTANTS float_constants

/* kernel_template.h's make_constants_f32, with the tables the kernels below it read
 * (FLOAT_TABLES, redefined before each group) */
#define make_constants_f32(p) make_float_constants_with(p, FLOAT_TABLES)
#define FLOAT_TABLES          FLOAT_TABLES_NONE

DEFINE_LONG_FORWARD_KERNEL(sigmoid_forward, sigmoid_f32_body)
DEFINE_LONG_FORWARD_KERNEL(gelu_tanh_forward, gelu_tanh_f32_body)
DEFINE_LONG_FORWARD_KERNEL(mish_forward, mish_f32_body)
DEFINE_LONG_FORWARD_KERNEL(silu_forward, silu_f32_body)
#undef FLOAT_TABLES
#define FLOAT_TABLES FLOAT_TABLES_TANH
DEFINE_LONG_FORWARD_KERNEL(tanh_forward, tanh_f32_body)
#undef FLOAT_TABLES
#define FLOAT_TABLES EXPM1_TABLES
DEFINE_LONG_FORWARD_KERNEL(elu_nonzero_alpha_forward, elu_f32_body)
DEFINE_PARTIAL_KERNEL(elu_forward, elu_nonzero_alpha_forward, elu_f32_forward_serves(p),
                      elu_forward)
DEFINE_LONG_FORWARD_KERNEL(selu_forward, selu_f32_body)
DEFINE_LONG_FORWARD_KERNEL(celu_positive_alpha_forward, celu_f32_body)
DEFINE_PARTIAL_KERNEL(celu_forward, celu_positive_alpha_forward, celu_f32_serves(p), celu_forward)
#undef FLOAT_TABLES
#define FLOAT_TABLES FLOAT_TABLES_NONE

/* ---- backwards: the lanes smooth_float_body.h's *_lanes_back flag from the reference ---- */
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(sigmoid_backward, sigmoid_f32_gradient, sigmoid_f32_lanes_back,
                                     sigmoid_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(tanh_backward, tanh_f32_gradient, tanh_f32_lanes_back,
                                     tanh_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(elu_usual_alpha_backward, elu_f32_gradient, elu_f32_lanes_back,
                                     elu_backward)
DEFINE_PARTIAL_BACKWARD_KERNEL(elu_backward, elu_usual_alpha_backward, elu_f32_backward_serves(p),
                               elu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(selu_backward, selu_f32_gradient, selu_f32_lanes_back,
                                     selu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(celu_positive_alpha_backward, celu_f32_gradient,
                                     celu_f32_lanes_back, celu_backward)
DEFINE_PARTIAL_BACKWARD_KERNEL(celu_backward, celu_positive_alpha_backward, celu_f32_serves(p),
                               celu_backward)

#undef FLOAT_TABLES
#define FLOAT_TABLES FLOAT_TABLES_LOG1P_EXP
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(softplus_unit_forward, softplus_f32_body,
                                    softplus_f32_lanes_back, softplus_forward)
void ISA_FUNCTION(softplus_forward_in_double_lanes)(const op_params *p, const void *x, void *y,
                                                    size_t n);
DEFINE_FORWARD_CHOICE(softplus_forward, softplus_f32_serves(p), KERNEL(softplus_unit_forward),
                      ISA_FUNCTION(softplus_forward_in_double_lanes))
DEFINE_FORWARD_KERNEL_WITH_FALLBACK(logsigmoid_forward, logsigmoid_f32_body,
                                    logsigmoid_f32_lanes_back, logsigmoid_forward)
#undef FLOAT_TABLES
#define FLOAT_TABLES FLOAT_TABLES_NONE
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(silu_backward, silu_f32_gradient, logistic_f32_lanes_back,
                                     silu_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(logsigmoid_backward, logsigmoid_f32_gradient,
                                     logistic_f32_lanes_back, logsigmoid_backward)
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(softplus_unit_backward, softplus_f32_gradient,
                                     logistic_f32_lanes_back, softplus_backward)
void ISA_FUNCTION(softplus_backward_in_double_lanes)(const op_params *p, const void *x,
                                                     const void *dy, void *dx, size_t n);
DEFINE_BACKWARD_CHOICE(softplus_backward, softplus_f32_serves(p), KERNEL(softplus_unit_backward),
                       ISA_FUNCTION(softplus_backward_in_double_lanes))

void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table) {
    table->forward[SLOT_F32][ACTFN_SIGMOID] = KERNEL(sigmoid_forward);
    table->forward[SLOT_F32][ACTFN_SILU] = KERNEL(silu_forward);
    table->forward[SLOT_F32][ACTFN_GELU_TANH] = KERNEL(gelu_tanh_forward);
    table->forward[SLOT_F32][ACTFN_MISH] = KERNEL(mish_forward);
    table->forward[SLOT_F32][ACTFN_TANH] = KERNEL(tanh_forward);
    table->forward[SLOT_F32][ACTFN_ELU] = ISA_FUNCTION(elu_forward);
    table->forward[SLOT_F32][ACTFN_SELU] = KERNEL(selu_forward);
    table->forward[SLOT_F32][ACTFN_CELU] = ISA_FUNCTION(celu_forward);
    table->backward[SLOT_F32][ACTFN_SIGMOID] = KERNEL(sigmoid_backward);
    table->backward[SLOT_F32][ACTFN_TANH] = KERNEL(tanh_backward);
    table->backward[SLOT_F32][ACTFN_ELU] = ISA_FUNCTION(elu_backward);
    table->backward[SLOT_F32][ACTFN_SELU] = KERNEL(selu_backward);
    table->backward[SLOT_F32][ACTFN_CELU] = ISA_FUNCTION(celu_backward);
    table->forward[SLOT_F32][ACTFN_SOFTPLUS] = ISA_FUNCTION(softplus_forward);
    table->forward[SLOT_F32][ACTFN_LOGSIGMOID] = KERNEL(logsigmoid_forward);
    table->backward[SLOT_F32][ACTFN_SILU] = KERNEL(silu_backward);
    table->backward[SLOT_F32][ACTFN_LOGSIGMOID] = KERNEL(logsigmoid_backward);
    table->backward[SLOT_F32][ACTFN_SOFTPLUS] = ISA_FUNCTION(softplus_backward);
}

#else

void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table) {
    (void)table; /* without a single-rounding fma the double-lane kernels stay */
}

#endif
