/* SPDX-License-Identifier: MIT */
/* SIMD kernels of the smooth ops in f32, compiled once per ISA. Each float is widened
 * to double, the op evaluated there with vector_math.h (relative error below 2^-46),
 * and the result rounded to float once: the same scheme as the scalar reference, so the
 * error stays within the f32 bound of 1 ULP (measured 0.5). The bodies mirror
 * smooth_reference.c, including its guards for the tails. */
#include "spec/scalar_reference.h"
#include "kernels/float_kernels.h"

#include "kernels/smooth_double_body.h"

static inline smooth_constants make_constants_f32(const op_params *p) {
    return make_smooth_constants(p);
}

/* The f32 kernels below come from kernel_template.h over float vectors; each body takes
 * a vector of floats through double lanes as two vectors of doubles, rounding once. */
#define CONSTANTS smooth_constants

#define IN_DOUBLE_LANES(body)                                                                      \
    static inline vf body##_in_double_lanes(vf v, const smooth_constants *k) {                     \
        return vf_narrow(body(vf_widen_low(v), k), body(vf_widen_high(v), k));                     \
    }

IN_DOUBLE_LANES(sigmoid_body)
DEFINE_LONG_FORWARD_KERNEL(sigmoid_forward, sigmoid_body_in_double_lanes)
IN_DOUBLE_LANES(silu_body)
DEFINE_LONG_FORWARD_KERNEL(silu_forward, silu_body_in_double_lanes)
IN_DOUBLE_LANES(elu_body)
DEFINE_LONG_FORWARD_KERNEL(elu_forward, elu_body_in_double_lanes)
IN_DOUBLE_LANES(selu_body)
DEFINE_LONG_FORWARD_KERNEL(selu_forward, selu_body_in_double_lanes)
IN_DOUBLE_LANES(celu_body)
DEFINE_LONG_FORWARD_KERNEL(celu_forward, celu_body_in_double_lanes)
IN_DOUBLE_LANES(softplus_body)
DEFINE_LONG_FORWARD_KERNEL(softplus_forward, softplus_body_in_double_lanes)
IN_DOUBLE_LANES(tanh_body)
DEFINE_LONG_FORWARD_KERNEL(tanh_forward, tanh_body_in_double_lanes)
IN_DOUBLE_LANES(mish_body)
DEFINE_LONG_FORWARD_KERNEL(mish_forward, mish_body_in_double_lanes)
IN_DOUBLE_LANES(gelu_tanh_body)
DEFINE_LONG_FORWARD_KERNEL(gelu_tanh_forward, gelu_tanh_body_in_double_lanes)
IN_DOUBLE_LANES(gelu_body)
DEFINE_LONG_FORWARD_KERNEL(gelu_forward, gelu_body_in_double_lanes)
IN_DOUBLE_LANES(softsign_body)
DEFINE_LONG_FORWARD_KERNEL(softsign_forward, softsign_body_in_double_lanes)
IN_DOUBLE_LANES(logsigmoid_body)
DEFINE_LONG_FORWARD_KERNEL(logsigmoid_forward, logsigmoid_body_in_double_lanes)
IN_DOUBLE_LANES(tanhshrink_body)
DEFINE_LONG_FORWARD_KERNEL(tanhshrink_forward, tanhshrink_body_in_double_lanes)
IN_DOUBLE_LANES(squareplus_body)
DEFINE_LONG_FORWARD_KERNEL(squareplus_forward, squareplus_body_in_double_lanes)

/* Gated linear units a g(b): g's body in double lanes, times a there, rounded once. In
 * the bodies' clamped tails g(b) is below 2^-280, so a g(b) stays below half the
 * smallest float subnormal for any float a: the clamps hold for the product too. */
#define GLU_IN_DOUBLE_LANES(body)                                                                  \
    static inline vf body##_gated(vf b, vf a, const smooth_constants *k) {                         \
        vd low = vd_mul(vf_widen_low(a), body(vf_widen_low(b), k));                                \
        vd high = vd_mul(vf_widen_high(a), body(vf_widen_high(b), k));                             \
        return vf_narrow(low, high);                                                               \
    }                                                                                              \
    DEFINE_BACKWARD_KERNEL(body##_glu, body##_gated)

GLU_IN_DOUBLE_LANES(sigmoid_body)
GLU_IN_DOUBLE_LANES(silu_body)
GLU_IN_DOUBLE_LANES(elu_body)
GLU_IN_DOUBLE_LANES(selu_body)
GLU_IN_DOUBLE_LANES(celu_body)
GLU_IN_DOUBLE_LANES(softplus_body)
GLU_IN_DOUBLE_LANES(tanh_body)
GLU_IN_DOUBLE_LANES(mish_body)
GLU_IN_DOUBLE_LANES(gelu_tanh_body)
GLU_IN_DOUBLE_LANES(gelu_body)
GLU_IN_DOUBLE_LANES(softsign_body)
GLU_IN_DOUBLE_LANES(logsigmoid_body)
GLU_IN_DOUBLE_LANES(tanhshrink_body)
GLU_IN_DOUBLE_LANES(squareplus_body)

/* dx = dy f'(x) in double lanes, rounded once to float. */
#define GRADIENT_IN_DOUBLE_LANES(derivative)                                                       \
    static inline vf derivative##_gradient(vf v, vf g, const smooth_constants *k) {                \
        vd low = vd_mul(vf_widen_low(g), derivative(vf_widen_low(v), k));                          \
        vd high = vd_mul(vf_widen_high(g), derivative(vf_widen_high(v), k));                       \
        return vf_narrow(low, high);                                                               \
    }

/* A backward from derivative in double lanes, the lanes that needs_reference flags (NaN
 * lanes are not flagged: they pass through) recomputed by the reference. */
#define DEFINE_GUARDED_BACKWARD_KERNEL(name, derivative, needs_reference, reference)               \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, const void *gradient,    \
                                   void *output, size_t n) {                                       \
        const float *x = input, *dy = gradient;                                                    \
        float *dx = output;                                                                        \
        const smooth_constants k = make_constants_f32(p);                                          \
        size_t i = 0;                                                                              \
        for (; i + VF_LANES <= n; i += VF_LANES) {                                                 \
            vf v = vf_load(x + i), g = vf_load(dy + i);                                            \
            vd low = vd_mul(vf_widen_low(g), derivative(vf_widen_low(v), &k));                     \
            vd high = vd_mul(vf_widen_high(g), derivative(vf_widen_high(v), &k));                  \
            unsigned flagged = mf_to_bits(needs_reference(v));                                     \
            if (flagged == 0) {                                                                    \
                vf_store(dx + i, vf_narrow(low, high));                                            \
                continue;                                                                          \
            }                                                                                      \
            float xs[VF_LANES], dys[VF_LANES]; /* dx may be dy (or x) */                           \
            vf_store(xs, v);                                                                       \
            vf_store(dys, g);                                                                      \
            vf_store(dx + i, vf_narrow(low, high));                                                \
            for (; flagged != 0; flagged &= flagged - 1) {                                         \
                int j = __builtin_ctz(flagged);                                                    \
                dx[i + (size_t)j] = (float)reference(xs[j], dys[j], p);                            \
            }                                                                                      \
        }                                                                                          \
        for (; i < n; i++)                                                                         \
            dx[i] = (float)reference(x[i], dy[i], p);                                              \
    }

DEFINE_GUARDED_BACKWARD_KERNEL(gelu_backward_f32, gelu_derivative, gelu_needs_reference,
                               gelu_backward)
DEFINE_GUARDED_BACKWARD_KERNEL(gelu_tanh_backward_f32, gelu_tanh_derivative,
                               gelu_tanh_needs_reference, gelu_tanh_backward)
/* The same kernel by a name other sources see: the fast gelu_tanh backward
 * (fast_f32.c) takes it for the far left tail its narrow form cannot. */
void ISA_FUNCTION(accurate_gelu_tanh_backward_f32)(const op_params *p, const void *x,
                                                   const void *dy, void *dx, size_t n);
void ISA_FUNCTION(accurate_gelu_tanh_backward_f32)(const op_params *p, const void *x,
                                                   const void *dy, void *dx, size_t n) {
    ISA_FUNCTION(gelu_tanh_backward_f32)(p, x, dy, dx, n);
}
DEFINE_GUARDED_BACKWARD_KERNEL(mish_backward_f32, mish_derivative, mish_needs_reference,
                               mish_backward)
DEFINE_GUARDED_BACKWARD_KERNEL(silu_backward_f32, silu_derivative, silu_needs_reference,
                               silu_backward)

GRADIENT_IN_DOUBLE_LANES(sigmoid_derivative)
DEFINE_BACKWARD_KERNEL(sigmoid_backward, sigmoid_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(tanh_derivative)
DEFINE_BACKWARD_KERNEL(tanh_backward, tanh_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(softplus_derivative)
DEFINE_BACKWARD_KERNEL(softplus_backward, softplus_derivative_gradient)
/* softplus and softplus' for the parameters the float-lane kernels leave here
 * (smooth_f32.c) */
void ISA_FUNCTION(softplus_forward_in_double_lanes)(const op_params *p, const void *x, void *y,
                                                    size_t n);
void ISA_FUNCTION(softplus_forward_in_double_lanes)(const op_params *p, const void *x, void *y,
                                                    size_t n) {
    KERNEL(softplus_forward)(p, x, y, n);
}

void ISA_FUNCTION(softplus_backward_in_double_lanes)(const op_params *p, const void *x,
                                                     const void *dy, void *dx, size_t n);
void ISA_FUNCTION(softplus_backward_in_double_lanes)(const op_params *p, const void *x,
                                                     const void *dy, void *dx, size_t n) {
    KERNEL(softplus_backward)(p, x, dy, dx, n);
}
GRADIENT_IN_DOUBLE_LANES(elu_derivative)
DEFINE_BACKWARD_KERNEL(elu_backward, elu_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(selu_derivative)
DEFINE_BACKWARD_KERNEL(selu_backward, selu_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(celu_derivative)
DEFINE_BACKWARD_KERNEL(celu_positive_alpha_backward, celu_derivative_gradient)
/* celu with alpha < 0: e^(x / alpha) grows below 0 (the reference's own overflow care) */
DEFINE_PARTIAL_BACKWARD_KERNEL(celu_backward_f32, celu_positive_alpha_backward, p->alpha > 0,
                               celu_backward)

GRADIENT_IN_DOUBLE_LANES(softsign_derivative)
DEFINE_BACKWARD_KERNEL(softsign_backward, softsign_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(logsigmoid_derivative)
DEFINE_BACKWARD_KERNEL(logsigmoid_backward, logsigmoid_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(tanhshrink_derivative)
DEFINE_BACKWARD_KERNEL(tanhshrink_backward, tanhshrink_derivative_gradient)
GRADIENT_IN_DOUBLE_LANES(squareplus_derivative)
DEFINE_BACKWARD_KERNEL(squareplus_backward, squareplus_derivative_gradient)

void ISA_FUNCTION(fill_double_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_double_lane_family)(kernel_table *table) {
    table->forward[SLOT_F32][ACTFN_SIGMOID] = ISA_FUNCTION(sigmoid_forward_f32);
    table->forward[SLOT_F32][ACTFN_SILU] = ISA_FUNCTION(silu_forward_f32);
    table->forward[SLOT_F32][ACTFN_ELU] = ISA_FUNCTION(elu_forward_f32);
    table->forward[SLOT_F32][ACTFN_SELU] = ISA_FUNCTION(selu_forward_f32);
    table->forward[SLOT_F32][ACTFN_CELU] = ISA_FUNCTION(celu_forward_f32);
    table->forward[SLOT_F32][ACTFN_SOFTPLUS] = ISA_FUNCTION(softplus_forward_f32);
    table->forward[SLOT_F32][ACTFN_TANH] = ISA_FUNCTION(tanh_forward_f32);
    table->forward[SLOT_F32][ACTFN_MISH] = ISA_FUNCTION(mish_forward_f32);
    table->forward[SLOT_F32][ACTFN_GELU_TANH] = ISA_FUNCTION(gelu_tanh_forward_f32);
    table->forward[SLOT_F32][ACTFN_GELU] = ISA_FUNCTION(gelu_forward_f32);
    table->backward[SLOT_F32][ACTFN_SIGMOID] = ISA_FUNCTION(sigmoid_backward_f32);
    table->backward[SLOT_F32][ACTFN_TANH] = ISA_FUNCTION(tanh_backward_f32);
    table->backward[SLOT_F32][ACTFN_SILU] = ISA_FUNCTION(silu_backward_f32);
    table->backward[SLOT_F32][ACTFN_SOFTPLUS] = ISA_FUNCTION(softplus_backward_f32);
    table->backward[SLOT_F32][ACTFN_ELU] = ISA_FUNCTION(elu_backward_f32);
    table->backward[SLOT_F32][ACTFN_SELU] = ISA_FUNCTION(selu_backward_f32);
    table->backward[SLOT_F32][ACTFN_GELU] = ISA_FUNCTION(gelu_backward_f32);
    table->backward[SLOT_F32][ACTFN_GELU_TANH] = ISA_FUNCTION(gelu_tanh_backward_f32);
    table->backward[SLOT_F32][ACTFN_MISH] = ISA_FUNCTION(mish_backward_f32);
    table->backward[SLOT_F32][ACTFN_CELU] = ISA_FUNCTION(celu_backward_f32);
    table->forward[SLOT_F32][ACTFN_SOFTSIGN] = ISA_FUNCTION(softsign_forward_f32);
    table->forward[SLOT_F32][ACTFN_LOGSIGMOID] = ISA_FUNCTION(logsigmoid_forward_f32);
    table->forward[SLOT_F32][ACTFN_TANHSHRINK] = ISA_FUNCTION(tanhshrink_forward_f32);
    table->forward[SLOT_F32][ACTFN_SQUAREPLUS] = ISA_FUNCTION(squareplus_forward_f32);
    table->backward[SLOT_F32][ACTFN_SOFTSIGN] = ISA_FUNCTION(softsign_backward_f32);
    table->backward[SLOT_F32][ACTFN_LOGSIGMOID] = ISA_FUNCTION(logsigmoid_backward_f32);
    table->backward[SLOT_F32][ACTFN_TANHSHRINK] = ISA_FUNCTION(tanhshrink_backward_f32);
    table->backward[SLOT_F32][ACTFN_SQUAREPLUS] = ISA_FUNCTION(squareplus_backward_f32);
    table->glu_forward[SLOT_F32][ACTFN_SIGMOID] = ISA_FUNCTION(sigmoid_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_SILU] = ISA_FUNCTION(silu_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_ELU] = ISA_FUNCTION(elu_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_SELU] = ISA_FUNCTION(selu_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_CELU] = ISA_FUNCTION(celu_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_SOFTPLUS] = ISA_FUNCTION(softplus_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_TANH] = ISA_FUNCTION(tanh_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_MISH] = ISA_FUNCTION(mish_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_GELU_TANH] = ISA_FUNCTION(gelu_tanh_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_GELU] = ISA_FUNCTION(gelu_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_SOFTSIGN] = ISA_FUNCTION(softsign_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_LOGSIGMOID] = ISA_FUNCTION(logsigmoid_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_TANHSHRINK] = ISA_FUNCTION(tanhshrink_body_glu_f32);
    table->glu_forward[SLOT_F32][ACTFN_SQUAREPLUS] = ISA_FUNCTION(squareplus_body_glu_f32);
}
