/* SPDX-License-Identifier: MIT */
/* Correct rounding for the exact ops whose result is a ratio (hardsigmoid, hardswish):
 * computing in a wider type and rounding again would sometimes be off by one ULP (a
 * double rounding), so these helpers settle the near-ties exactly. Plain double
 * arithmetic only (error-free sums and products, double-double values), so that the
 * same code runs on the GPU. */
#ifndef ACTFN_EXACT_ROUND_H
#define ACTFN_EXACT_ROUND_H

#include "spec/spec_function.h"

/* The unevaluated sum hi + lo, with |lo| at most half an ULP of hi. */
typedef struct double_double {
    double hi, lo;
} double_double;

/* excess(m, a, b) returns a value with the exact sign of T - m, where T is the exact
 * result being rounded and m the midpoint between two neighbouring results; a and b
 * carry the op's input through. */
typedef double (*excess_f32_fn)(double m, double a, double b);
/* The same for a double result: the midpoint is passed as its two neighbours, since it
 * needs 54 bits. */
typedef int (*excess_f64_fn)(double below, double above, double x);

#if !defined(__CUDACC__) &&                                                                        \
    !defined(ACTFN_CUDA_ON_HOST) /* there exact_round.c is included, its functions static */
/* a + b exactly, as hi + lo (Knuth's two-sum). */
double_double exact_sum(double a, double b);
/* a * b exactly, as hi + lo (one fused multiply-add), barring underflow. */
double_double exact_product(double a, double b);
/* The exact sign (-1, 0, 1) of terms[0] + ... + terms[count - 1], count <= 16, for
 * terms whose sum does not overflow (Shewchuk's growing expansion). */
int sign_of_sum(const double *terms, int count);

/* The float nearest to T, given t, T in double to within a relative 2^-50. */
float nearest_float(double t, excess_f32_fn excess, double a, double b);

/* The double nearest to T, given t, T to within a relative 2^-102, for results that are
 * normal doubles. */
double nearest_double(double_double t, excess_f64_fn excess, double x);
#endif

#endif
