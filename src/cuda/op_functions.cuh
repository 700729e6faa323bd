/* SPDX-License-Identifier: MIT */
/* Each op's scalar reference by kind, for device code: K is a template argument, so the
 * switch folds away and each kernel calls its op's function directly. A missing op is a
 * compile error (-Werror=switch, no default). */
#ifndef ACTFN_OP_FUNCTIONS_CUH
#define ACTFN_OP_FUNCTIONS_CUH

#include "cuda/device_reference.cuh"

template <actfn_kind K> __host__ __device__ inline double forward_of(double x, const op_params *p) {
    switch (K) {
    case ACTFN_IDENTITY:
        return identity_forward(x, p);
    case ACTFN_RELU:
        return relu_forward(x, p);
    case ACTFN_LEAKY_RELU:
    case ACTFN_RRELU: /* eval mode: leaky_relu with the slope op_prepare derives */
        return leaky_relu_forward(x, p);
    case ACTFN_RELU6:
        return relu6_forward(x, p);
    case ACTFN_CLIPPED_RELU:
        return clipped_relu_forward(x, p);
    case ACTFN_HARDTANH:
        return hardtanh_forward(x, p);
    case ACTFN_ELU:
        return elu_forward(x, p);
    case ACTFN_SELU:
        return selu_forward(x, p);
    case ACTFN_CELU:
        return celu_forward(x, p);
    case ACTFN_GELU:
        return gelu_forward(x, p);
    case ACTFN_GELU_TANH:
        return gelu_tanh_forward(x, p);
    case ACTFN_SILU:
        return silu_forward(x, p);
    case ACTFN_MISH:
        return mish_forward(x, p);
    case ACTFN_SOFTPLUS:
        return softplus_forward(x, p);
    case ACTFN_SIGMOID:
        return sigmoid_forward(x, p);
    case ACTFN_TANH:
        return tanh_forward(x, p);
    case ACTFN_HARDSIGMOID:
        return hardsigmoid_forward(x, p);
    case ACTFN_HARDSWISH:
        return hardswish_forward(x, p);
    case ACTFN_SQUARED_RELU:
        return squared_relu_forward(x, p);
    case ACTFN_SOFTSIGN:
        return softsign_forward(x, p);
    case ACTFN_LOGSIGMOID:
        return logsigmoid_forward(x, p);
    case ACTFN_HARDSHRINK:
        return hardshrink_forward(x, p);
    case ACTFN_SOFTSHRINK:
        return softshrink_forward(x, p);
    case ACTFN_TANHSHRINK:
        return tanhshrink_forward(x, p);
    case ACTFN_THRESHOLD:
        return threshold_forward(x, p);
    case ACTFN_SQUAREPLUS:
        return squareplus_forward(x, p);
    case ACTFN_KIND_COUNT:
        break;
    }
    return 0;
}

/* The f32 forward: the op's forward_f32 where the op table has one (a double result
 * rounded again to float would not always be correctly rounded). */
template <actfn_kind K>
__host__ __device__ inline float forward_f32_of(float x, const op_params *p) {
    if (K == ACTFN_HARDSIGMOID) return hardsigmoid_forward_f32(x, p);
    if (K == ACTFN_HARDSWISH) return hardswish_forward_f32(x, p);
    return (float)forward_of<K>(x, p);
}

template <actfn_kind K>
__host__ __device__ inline double backward_of(double x, double dy, const op_params *p) {
    switch (K) {
    case ACTFN_IDENTITY:
        return identity_backward(x, dy, p);
    case ACTFN_RELU:
        return relu_backward(x, dy, p);
    case ACTFN_LEAKY_RELU:
    case ACTFN_RRELU:
        return leaky_relu_backward(x, dy, p);
    case ACTFN_RELU6:
        return relu6_backward(x, dy, p);
    case ACTFN_CLIPPED_RELU:
        return clipped_relu_backward(x, dy, p);
    case ACTFN_HARDTANH:
        return hardtanh_backward(x, dy, p);
    case ACTFN_ELU:
        return elu_backward(x, dy, p);
    case ACTFN_SELU:
        return selu_backward(x, dy, p);
    case ACTFN_CELU:
        return celu_backward(x, dy, p);
    case ACTFN_GELU:
        return gelu_backward(x, dy, p);
    case ACTFN_GELU_TANH:
        return gelu_tanh_backward(x, dy, p);
    case ACTFN_SILU:
        return silu_backward(x, dy, p);
    case ACTFN_MISH:
        return mish_backward(x, dy, p);
    case ACTFN_SOFTPLUS:
        return softplus_backward(x, dy, p);
    case ACTFN_SIGMOID:
        return sigmoid_backward(x, dy, p);
    case ACTFN_TANH:
        return tanh_backward(x, dy, p);
    case ACTFN_HARDSIGMOID:
        return hardsigmoid_backward(x, dy, p);
    case ACTFN_HARDSWISH:
        return hardswish_backward(x, dy, p);
    case ACTFN_SQUARED_RELU:
        return squared_relu_backward(x, dy, p);
    case ACTFN_SOFTSIGN:
        return softsign_backward(x, dy, p);
    case ACTFN_LOGSIGMOID:
        return logsigmoid_backward(x, dy, p);
    case ACTFN_HARDSHRINK:
        return hardshrink_backward(x, dy, p);
    case ACTFN_SOFTSHRINK:
        return softshrink_backward(x, dy, p);
    case ACTFN_TANHSHRINK:
        return tanhshrink_backward(x, dy, p);
    case ACTFN_THRESHOLD:
        return threshold_backward(x, dy, p);
    case ACTFN_SQUAREPLUS:
        return squareplus_backward(x, dy, p);
    case ACTFN_KIND_COUNT:
        break;
    }
    return 0;
}

/* The backward from y, as the op table's backward_from_output (the host launches it only
 * for the ops and parameters that serve it; the others never run this). */
template <actfn_kind K>
__host__ __device__ inline double backward_from_output_of(double y, double dy, const op_params *p) {
    switch (K) {
    case ACTFN_ELU:
        return elu_backward_from_output(y, dy, p);
    case ACTFN_SELU:
        return selu_backward_from_output(y, dy, p);
    case ACTFN_CELU:
        return celu_backward_from_output(y, dy, p);
    case ACTFN_SIGMOID:
        return sigmoid_backward_from_output(y, dy, p);
    case ACTFN_TANH:
        return tanh_backward_from_output(y, dy, p);
    case ACTFN_SOFTSIGN:
        return softsign_backward_from_output(y, dy, p);
    case ACTFN_LOGSIGMOID:
        return logsigmoid_backward_from_output(y, dy, p);
    case ACTFN_SOFTSHRINK:
        return softshrink_backward_from_output(y, dy, p);
    case ACTFN_SQUAREPLUS:
        return squareplus_backward_from_output(y, dy, p);
    case ACTFN_IDENTITY: /* the piecewise ops: their backward applied to y */
    case ACTFN_RELU:
    case ACTFN_LEAKY_RELU:
    case ACTFN_RRELU:
    case ACTFN_RELU6:
    case ACTFN_CLIPPED_RELU:
    case ACTFN_HARDTANH:
    case ACTFN_HARDSHRINK:
        return backward_of<K>(y, dy, p);
    case ACTFN_GELU: /* not served */
    case ACTFN_GELU_TANH:
    case ACTFN_SILU:
    case ACTFN_MISH:
    case ACTFN_SOFTPLUS:
    case ACTFN_HARDSIGMOID:
    case ACTFN_HARDSWISH:
    case ACTFN_SQUARED_RELU:
    case ACTFN_TANHSHRINK:
    case ACTFN_THRESHOLD:
    case ACTFN_KIND_COUNT:
        break;
    }
    return 0;
}

#endif
