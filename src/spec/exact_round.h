/* Correct rounding for the exact ops whose result is a ratio (hardsigmoid, hardswish):
 * computing in a wider type and rounding again would sometimes be off by one ULP (a
 * double rounding), so these helpers settle the near-ties exactly. */
#ifndef ACTFN_EXACT_ROUND_H
#define ACTFN_EXACT_ROUND_H

/* A binary floating type with at least 113 bits of precision. */
#if defined(__aarch64__) || defined(__powerpc64__) && __LDBL_MANT_DIG__ == 113
typedef long double wide_double;
#else
typedef __float128 wide_double;
#endif

/* excess(m, a, b) returns a value with the exact sign of T - m, where T is the exact
 * result being rounded and m the midpoint between two neighbouring results; a and b
 * carry the op's input through. */
typedef double (*excess_f32_fn)(double m, double a, double b);
typedef int (*excess_f64_fn)(double below, double above, double x);

/* The float nearest to T, given t, T in double to within a relative 2^-50. */
float nearest_float(double t, excess_f32_fn excess, double a, double b);

/* The double nearest to T, given t, T to within a relative 2^-105; the midpoint is
 * passed to excess as its two neighbours, since it needs 54 bits. */
double nearest_double(wide_double t, excess_f64_fn excess, double x);

#endif
