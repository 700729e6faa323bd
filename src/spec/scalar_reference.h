/* SPDX-License-Identifier: MIT */
/* The scalar definitions of every op: forward f(x) and backward dy * f'(v), in double.
 * Each is the specification its fast kernels are tested against. Declared here for the
 * op table (op_table.c); the semantics are documented in include/actfn.h and
 * docs/semantics.md. */
#ifndef ACTFN_FUNCTIONS_H
#define ACTFN_FUNCTIONS_H

#include "spec/op_table.h"
#include "spec/spec_function.h"

#if !defined(__CUDACC__) &&                                                                        \
    !defined(ACTFN_CUDA_ON_HOST) /* there the sources are included, their functions static */

/* Piecewise-linear ops (piecewise_reference.c): results are exact or correctly rounded. */
double identity_forward(double x, const op_params *p);
double identity_backward(double x, double dy, const op_params *p);
double relu_forward(double x, const op_params *p);
double relu_backward(double x, double dy, const op_params *p);
double leaky_relu_forward(double x, const op_params *p);
double leaky_relu_backward(double x, double dy, const op_params *p);
double relu6_forward(double x, const op_params *p);
double relu6_backward(double x, double dy, const op_params *p);
double clipped_relu_forward(double x, const op_params *p);
double clipped_relu_backward(double x, double dy, const op_params *p);
double hardtanh_forward(double x, const op_params *p);
double hardtanh_backward(double x, double dy, const op_params *p);
double hardsigmoid_forward(double x, const op_params *p);
float hardsigmoid_forward_f32(float x, const op_params *p);
double hardsigmoid_backward(double x, double dy, const op_params *p);
double hardswish_forward(double x, const op_params *p);
float hardswish_forward_f32(float x, const op_params *p);
double hardswish_backward(double x, double dy, const op_params *p);
double squared_relu_forward(double x, const op_params *p);
double squared_relu_backward(double x, double dy, const op_params *p);
double hardshrink_forward(double x, const op_params *p);
double hardshrink_backward(double x, double dy, const op_params *p);
double softshrink_forward(double x, const op_params *p);
double softshrink_backward(double x, double dy, const op_params *p);
double softshrink_backward_from_output(double y, double dy, const op_params *p);
double threshold_forward(double x, const op_params *p);
double threshold_backward(double x, double dy, const op_params *p);

/* Smooth ops (smooth_reference.c): accurate to a few ULPs of double, so that rounding
 * to float is within 1 ULP of float. */
double elu_forward(double x, const op_params *p);
double elu_backward(double x, double dy, const op_params *p);
double elu_backward_from_output(double y, double dy, const op_params *p);
double selu_forward(double x, const op_params *p);
double selu_backward(double x, double dy, const op_params *p);
double selu_backward_from_output(double y, double dy, const op_params *p);
double celu_forward(double x, const op_params *p);
double celu_backward(double x, double dy, const op_params *p);
double celu_backward_from_output(double y, double dy, const op_params *p);
double gelu_forward(double x, const op_params *p);
double gelu_backward(double x, double dy, const op_params *p);
double gelu_tanh_forward(double x, const op_params *p);
double gelu_tanh_backward(double x, double dy, const op_params *p);
double silu_forward(double x, const op_params *p);
double silu_backward(double x, double dy, const op_params *p);
double mish_forward(double x, const op_params *p);
double mish_backward(double x, double dy, const op_params *p);
double softplus_forward(double x, const op_params *p);
double softplus_backward(double x, double dy, const op_params *p);
double sigmoid_forward(double x, const op_params *p);
double sigmoid_backward(double x, double dy, const op_params *p);
double sigmoid_backward_from_output(double y, double dy, const op_params *p);
double tanh_forward(double x, const op_params *p);
double tanh_backward(double x, double dy, const op_params *p);
double tanh_backward_from_output(double y, double dy, const op_params *p);
double softsign_forward(double x, const op_params *p);
double softsign_backward(double x, double dy, const op_params *p);
double softsign_backward_from_output(double y, double dy, const op_params *p);
double logsigmoid_forward(double x, const op_params *p);
double logsigmoid_backward(double x, double dy, const op_params *p);
double logsigmoid_backward_from_output(double y, double dy, const op_params *p);
double tanhshrink_forward(double x, const op_params *p);
double tanhshrink_backward(double x, double dy, const op_params *p);
double squareplus_forward(double x, const op_params *p);
double squareplus_backward(double x, double dy, const op_params *p);
double squareplus_backward_from_output(double y, double dy, const op_params *p);

#endif

#endif
