/* SPDX-License-Identifier: MIT */
/* Every op and its derivative in MPFR at high precision: the truth the library's
 * results are measured against. Written from the mathematical definitions, not from
 * the library's formulas. */
#ifndef ACTFN_MPFR_REFERENCE_H
#define ACTFN_MPFR_REFERENCE_H

#include "actfn.h"

#include <mpfr.h>

#define REFERENCE_PRECISION 320

/* The precision an op's reference needs. The exact ops get enough bits to hold
 * x + 3 and x^2 + 3x exactly for every double, subnormals included: a reference that
 * rounded there would itself double-round at the ties it is meant to judge. */
mpfr_prec_t reference_precision(actfn_kind kind);

/* out = f(x) for op (its parameters already rounded to the dtype under test; for
 * leaky_relu a NaN grad_at_zero already replaced by the slope). x must be finite; out must have
 * reference_precision(op->kind) bits. */
void exact_forward(const actfn_op *op, mpfr_t out, const mpfr_t x);

/* out = f'(x), with the library's documented choices at the kinks. */
void exact_derivative(const actfn_op *op, mpfr_t out, const mpfr_t x);

/* exact rounded to dtype (any floating-point one), as a double. */
double round_to_dtype(actfn_dtype dtype, const mpfr_t exact);

/* |computed - exact| in units of the last place of exact in dtype, subnormal ULPs
 * included. A result that overflowed counts as exact if exact rounds to that infinity;
 * NaN, or a nonzero result for an exact 0, is an infinite error. */
double ulp_error(actfn_dtype dtype, double computed, const mpfr_t exact);

#endif
