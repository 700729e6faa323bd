/* Correct rounding for the exact ops whose result is a ratio (hardsigmoid, hardswish):
 * a double computation followed by a second rounding would sometimes be off by one
 * ULP, so these helpers decide the near-ties exactly. */
#ifndef ACTFN_EXACT_ROUND_H
#define ACTFN_EXACT_ROUND_H

/* The double nearest to (hi + lo) / 6, where hi + lo is the exact numerator and
 * |lo| is at most a few ULPs of hi. */
double div6_nearest(double hi, double lo);

/* The float nearest to an exact value T, given t, T's value in double to within a
 * relative 2^-50, and excess(m, a, b), which returns a double with the exact sign of
 * (T - m) * 6 for any double m (a and b are passed through). */
float nearest_float(double t, double (*excess)(double m, double a, double b), double a, double b);

#endif
