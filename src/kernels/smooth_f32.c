/* SPDX-License-Identifier: MIT */
/* SIMD kernels of the exp-based smooth ops in f32, evaluated in float lanes: sigmoid,
 * silu, tanh, elu, selu and celu. float_math.h carries exp with its rounding error, and
 * each op keeps its sums exact until one last rounding, so every result is within 0.81
 * ULP of the exact value over all 2^32 inputs (tests/exhaustive, docs/accuracy.md) at
 * twice the lanes of the double-lane kernels in smooth.c, which these replace where the
 * ISA has a fused multiply-add (not SSE2). */
#include "spec/scalar_reference.h"
#include "kernels/smooth_float_body.h"
#include "kernels/float_kernels.h"

#if VEC_HAS_FMA

#define CONSTANTS float_constants

static inline float_constants make_constants_f32(const op_params *p) {
    return make_float_constants(p);
}

DEFINE_LONG_FORWARD_KERNEL(sigmoid_forward, sigmoid_f32_body)
DEFINE_LONG_FORWARD_KERNEL(gelu_tanh_forward, gelu_tanh_f32_body)
DEFINE_LONG_FORWARD_KERNEL(mish_forward, mish_f32_body)
DEFINE_LONG_FORWARD_KERNEL(silu_forward, silu_f32_body)
DEFINE_LONG_FORWARD_KERNEL(tanh_forward, tanh_f32_body)
DEFINE_LONG_FORWARD_KERNEL(elu_nonzero_alpha_forward, elu_f32_body)
/* alpha = 0 (elu turned relu, -0 below zero): the fma sum of elu_f32_body's zero terms
 * rounds to +0, so the reference serves it */
DEFINE_PARTIAL_KERNEL(elu_forward, elu_nonzero_alpha_forward, p->alpha != 0, elu_forward)
DEFINE_LONG_FORWARD_KERNEL(selu_forward, selu_f32_body)
DEFINE_LONG_FORWARD_KERNEL(celu_positive_alpha_forward, celu_f32_body)
/* negative_expm1 takes z <= 0: alpha < 0 (torch allows it, nobody trains with it) makes
 * x / alpha positive below 0, and goes to the reference */
DEFINE_PARTIAL_KERNEL(celu_forward, celu_positive_alpha_forward, p->alpha > 0, celu_forward)

/* The backward from gradient, the reference in the lanes where exponent (an expression of
 * v, dy and k) is below low, or beyond_exp_range says so. */
#define DEFINE_FLOAT_LANE_BACKWARD(name, gradient, exponent, low, reference)                       \
    static inline mf name##_lanes_back(vf v, vf g, const float_constants *k) {                     \
        (void)k;                                                                                   \
        return beyond_exp_range(exponent, low, g);                                                 \
    }                                                                                              \
    DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(name, gradient, name##_lanes_back, reference)

DEFINE_FLOAT_LANE_BACKWARD(sigmoid_backward, sigmoid_f32_gradient, vf_minus_abs(v), -80.0f,
                           sigmoid_backward)
DEFINE_FLOAT_LANE_BACKWARD(tanh_backward, tanh_f32_gradient,
                           vf_add(vf_minus_abs(v), vf_minus_abs(v)), -80.0f, tanh_backward)
/* elu's dy alpha / 4 can overflow where the result does not (alpha up to FLT_MAX, e^x
 * small): those vectors go to the reference too (u_lo would be NaN: fuzz_api) */
static inline mf elu_backward_lanes_back(vf v, vf g, const float_constants *k) {
    return beyond_exp_range(v, -87.0f, vf_mul(g, vf_mul(k->alpha, vf_set1(0.25f))));
}
DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(elu_usual_alpha_backward, elu_f32_gradient,
                                     elu_backward_lanes_back, elu_backward)
/* alpha / 4 is inexact below 2^-124 (alpha = 2^-149 gave 0: fuzz_api): the reference */
DEFINE_PARTIAL_BACKWARD_KERNEL(elu_backward, elu_usual_alpha_backward, fabs(p->alpha) >= 0x1p-100,
                               elu_backward)
DEFINE_FLOAT_LANE_BACKWARD(selu_backward, selu_f32_gradient, v, -87.0f, selu_backward)
DEFINE_FLOAT_LANE_BACKWARD(celu_positive_alpha_backward, celu_f32_gradient,
                           vf_mul(v, k->inverse_alpha), -87.0f, celu_backward)
DEFINE_PARTIAL_BACKWARD_KERNEL(celu_backward, celu_positive_alpha_backward, p->alpha > 0,
                               celu_backward)

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
}

#else

void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table) {
    (void)table; /* without a single-rounding fma the double-lane kernels stay */
}

#endif
