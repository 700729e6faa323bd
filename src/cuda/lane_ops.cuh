/* SPDX-License-Identifier: MIT */
/* The f32 forward and backward of the ops that do arithmetic, on the GPU: the CPU's SIMD
 * kernel bodies (src/kernels/ headers ending in _body.h) compiled for one lane a thread
 * over vec/cuda_lane.h, chosen as the CPU's kernel table chooses them on an ISA with a
 * fused multiply-add (kernels/isa_table.c): float lanes for the exp family, gelu and the
 * hard ops, softplus and logsigmoid and the backwards of silu and gelu, double lanes (the float
 * widened, rounded once at the end) for softsign, tanhshrink, squareplus, softplus at
 * parameters other than PyTorch's defaults and the backwards the CPU keeps there; the
 * CPU's parameter conditions and fallbacks to the scalar reference kept element by
 * element. So an f32 result on the GPU has the CPU kernel's bound (within 1 ULP,
 * docs/accuracy.md), at float speed instead of the FP64 units' pace of the reference;
 * tools/cuda_sweep measures it over all 2^32 inputs on the device. Every other op and
 * dtype stays on the reference (op_functions.cuh). */
#ifndef ACTFN_LANE_OPS_CUH
#define ACTFN_LANE_OPS_CUH

#include "cuda/op_functions.cuh"

#define ACTFN_VEC_CUDA_LANE
#include "vec/vec.h"

#include "kernels/gelu_float_body.h"
#include "kernels/hard_float_body.h"
#include "kernels/smooth_double_body.h"
#include "kernels/smooth_float_body.h"

/* An op computed in double lanes: the float widened, the body's double rounded once. */
#define IN_DOUBLE(body, x, p)                                                                      \
    do {                                                                                           \
        const smooth_constants k = make_smooth_constants(p);                                       \
        return (float)body((double)(x), &k);                                                       \
    } while (0)
#define IN_FLOAT(body, x, p)                                                                       \
    do {                                                                                           \
        const float_constants k = make_float_constants(p);                                         \
        return body(x, &k);                                                                        \
    } while (0)

/* A float-lane body unless its lanes_back flags the lane for the reference. */
#define FLOAT_UNLESS_BACK(body, lanes_back, x, p)                                                  \
    do {                                                                                           \
        const float_constants k = make_float_constants(p);                                         \
        if (!mf_any(lanes_back(x, &k))) return body(x, &k);                                        \
    } while (0)

template <actfn_kind K> __device__ inline float lane_forward_f32(float x, const op_params *p) {
    if constexpr (K == ACTFN_SIGMOID) IN_FLOAT(sigmoid_f32_body, x, p);
    if constexpr (K == ACTFN_SILU) IN_FLOAT(silu_f32_body, x, p);
    if constexpr (K == ACTFN_TANH) IN_FLOAT(tanh_f32_body, x, p);
    if constexpr (K == ACTFN_SELU) IN_FLOAT(selu_f32_body, x, p);
    if constexpr (K == ACTFN_GELU_TANH) IN_FLOAT(gelu_tanh_f32_body, x, p);
    if constexpr (K == ACTFN_MISH) IN_FLOAT(mish_f32_body, x, p);
    /* alpha = 0 (elu turned relu) and alpha < 0 (celu) go to the reference, as on the CPU */
    if constexpr (K == ACTFN_ELU)
        if (elu_f32_forward_serves(p)) IN_FLOAT(elu_f32_body, x, p);
    if constexpr (K == ACTFN_CELU)
        if (celu_f32_serves(p)) IN_FLOAT(celu_f32_body, x, p);
    if constexpr (K == ACTFN_GELU) {
        const gelu_constants k = make_gelu_constants();
        if (!mf_any(gelu_lanes_back(x, &k))) return gelu_near(x, &k);
    }
    if constexpr (K == ACTFN_HARDSIGMOID || K == ACTFN_HARDSWISH) {
        const hard_constants_f32 k = make_hard_constants_f32(p);
        return K == ACTFN_HARDSIGMOID ? hardsigmoid_body_f32(x, &k, NULL)
                                      : hardswish_body_f32(x, &k, NULL);
    }
    if constexpr (K == ACTFN_SOFTPLUS) {
        if (!softplus_f32_serves(p)) IN_DOUBLE(softplus_body, x, p);
        FLOAT_UNLESS_BACK(softplus_f32_body, softplus_f32_lanes_back, x, p);
    }
    if constexpr (K == ACTFN_LOGSIGMOID)
        FLOAT_UNLESS_BACK(logsigmoid_f32_body, logsigmoid_f32_lanes_back, x, p);
    if constexpr (K == ACTFN_SOFTSIGN) IN_DOUBLE(softsign_body, x, p);
    if constexpr (K == ACTFN_TANHSHRINK) IN_DOUBLE(tanhshrink_body, x, p);
    if constexpr (K == ACTFN_SQUAREPLUS) IN_DOUBLE(squareplus_body, x, p);
    return forward_f32_of<K>(x, p);
}

/* dy f'(x) from f' in double lanes, rounded once. */
#define DERIVATIVE_IN_DOUBLE(derivative, x, dy, p)                                                 \
    do {                                                                                           \
        const smooth_constants k = make_smooth_constants(p);                                       \
        return (float)((double)(dy)*derivative((double)(x), &k));                                  \
    } while (0)
/* A float-lane gradient unless the body header's lanes_back flags the lane for the
 * reference (the SIMD kernels' policy). */
#define GRADIENT_IN_FLOAT(gradient, lanes_back, x, dy, p)                                          \
    do {                                                                                           \
        const float_constants k = make_float_constants(p);                                         \
        if (!mf_any(lanes_back(x, dy, &k))) return gradient(x, dy, &k);                            \
    } while (0)

template <actfn_kind K>
__device__ inline float lane_backward_f32(float x, float dy, const op_params *p) {
    if constexpr (K == ACTFN_SIGMOID)
        GRADIENT_IN_FLOAT(sigmoid_f32_gradient, sigmoid_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_TANH)
        GRADIENT_IN_FLOAT(tanh_f32_gradient, tanh_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_SELU)
        GRADIENT_IN_FLOAT(selu_f32_gradient, selu_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_ELU)
        if (elu_f32_backward_serves(p))
            GRADIENT_IN_FLOAT(elu_f32_gradient, elu_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_CELU)
        if (celu_f32_serves(p)) GRADIENT_IN_FLOAT(celu_f32_gradient, celu_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_HARDSIGMOID) {
        const hard_constants_f32 k = make_hard_constants_f32(p);
        return hardsigmoid_backward_body_f32(x, dy, &k);
    }
    if constexpr (K == ACTFN_HARDSWISH) return (float)hardswish_backward_widened(x, dy);
    if constexpr (K == ACTFN_SILU)
        GRADIENT_IN_FLOAT(silu_f32_gradient, logistic_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_LOGSIGMOID)
        GRADIENT_IN_FLOAT(logsigmoid_f32_gradient, logistic_f32_lanes_back, x, dy, p);
    if constexpr (K == ACTFN_SOFTPLUS) {
        if (softplus_f32_serves(p))
            GRADIENT_IN_FLOAT(softplus_f32_gradient, logistic_f32_lanes_back, x, dy, p);
        else
            DERIVATIVE_IN_DOUBLE(softplus_derivative, x, dy, p);
    }
    if constexpr (K == ACTFN_GELU) {
        const gelu_gradient_constants k = make_gelu_gradient_constants();
        if (!mf_any(gelu_gradient_lanes_back(x, dy, &k))) return gelu_gradient_near(x, dy, &k);
    }
    if constexpr (K == ACTFN_GELU_TANH)
        if (!gelu_tanh_needs_reference(x)) DERIVATIVE_IN_DOUBLE(gelu_tanh_derivative, x, dy, p);
    if constexpr (K == ACTFN_MISH)
        if (!mish_needs_reference(x)) DERIVATIVE_IN_DOUBLE(mish_derivative, x, dy, p);
    if constexpr (K == ACTFN_SOFTSIGN) DERIVATIVE_IN_DOUBLE(softsign_derivative, x, dy, p);
    if constexpr (K == ACTFN_TANHSHRINK) DERIVATIVE_IN_DOUBLE(tanhshrink_derivative, x, dy, p);
    if constexpr (K == ACTFN_SQUAREPLUS) DERIVATIVE_IN_DOUBLE(squareplus_derivative, x, dy, p);
    return (float)backward_of<K>(x, dy, p);
}

/* Whether lane_forward_f32 / lane_backward_f32 run a kernel body for K (not only the
 * reference): the ops the 16-bit path below serves from float lanes. */
template <actfn_kind K> __host__ __device__ constexpr bool has_lane_body() {
    return K == ACTFN_SIGMOID || K == ACTFN_SILU || K == ACTFN_TANH || K == ACTFN_ELU ||
           K == ACTFN_SELU || K == ACTFN_CELU || K == ACTFN_GELU || K == ACTFN_GELU_TANH ||
           K == ACTFN_MISH || K == ACTFN_HARDSIGMOID || K == ACTFN_HARDSWISH ||
           K == ACTFN_SOFTPLUS || K == ACTFN_SOFTSIGN || K == ACTFN_LOGSIGMOID ||
           K == ACTFN_TANHSHRINK || K == ACTFN_SQUAREPLUS;
}

/* ---- f16 and bf16 from float lanes, still correctly rounded ----
 * An f32 body's result y lies within 1 ULP of the exact value (0.9997 at most, over all
 * floats: docs/accuracy.md), so the exact value lies between the floats two steps below
 * and two steps above y. Rounding is monotonic: where those two round to the same 16-bit
 * value, so does every real between them, the exact value included, and y's rounding is
 * the correctly rounded result. Elsewhere (y near a 16-bit midpoint, rare: about 4 in
 * 2^13 of f16 results, 4 in 2^16 of bf16's) and at 0, inf and NaN, the caller computes
 * the element from the reference in double, as before. The conversions are the spec's,
 * bit for bit on host and device. */
template <bool BF16> __device__ inline uint16_t narrow_of(float v) {
    return BF16 ? double_to_bf16(v) : double_to_f16(v);
}
template <bool BF16> __device__ inline float widen_of(uint16_t v) {
    return (float)(BF16 ? bf16_to_double(v) : f16_to_double(v));
}

/* y rounded to the 16-bit type in *out where that is the exact value's rounding too. */
template <bool BF16> __device__ inline bool settled_16(float y, uint16_t *out) {
    if (!(fabsf(y) <= 0x1.fffffep127f) || y == 0) return false; /* NaN, inf, 0 */
    float below = nextafterf(nextafterf(y, -INFINITY), -INFINITY);
    float above = nextafterf(nextafterf(y, INFINITY), INFINITY);
    uint16_t r = narrow_of<BF16>(y);
    if (narrow_of<BF16>(below) != r || narrow_of<BF16>(above) != r) return false;
    *out = r;
    return true;
}

/* f(x) for a 16-bit x through the f32 body, where its rounding settles the result. */
template <actfn_kind K, bool BF16>
__device__ inline bool lane_forward_16(uint16_t x, const op_params *p, uint16_t *y) {
    if constexpr (!has_lane_body<K>()) return false;
    return settled_16<BF16>(lane_forward_f32<K>(widen_of<BF16>(x), p), y);
}

template <actfn_kind K, bool BF16>
__device__ inline bool lane_backward_16(uint16_t x, uint16_t dy, const op_params *p, uint16_t *dx) {
    if constexpr (!has_lane_body<K>()) return false;
    return settled_16<BF16>(lane_backward_f32<K>(widen_of<BF16>(x), widen_of<BF16>(dy), p), dx);
}

#undef IN_DOUBLE
#undef IN_FLOAT
#undef FLOAT_UNLESS_BACK
#undef DERIVATIVE_IN_DOUBLE
#undef GRADIENT_IN_FLOAT

#endif
