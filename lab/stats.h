/* SPDX-License-Identifier: MIT */
/* The lab's statistics: a mean with its t-based 95 % confidence interval, paired
 * differences on shared seeds, and the verdict those numbers give (never a fixed string:
 * "indistinguishable" whenever the interval holds 0). */
#ifndef ACTFN_LAB_STATS_H
#define ACTFN_LAB_STATS_H

#include <stddef.h>

typedef struct estimate {
    double mean, sd;   /* sd: the sample standard deviation (n - 1), 0 for n < 2 */
    double half_width; /* of the 95 % interval, mean +- half_width; NaN for n < 2 */
    size_t n;
} estimate;

/* Student's t at 0.975 with df degrees of freedom (df >= 1): the 95 % two-sided
 * quantile. Exact to 8 digits up to 30, a Cornish-Fisher expansion beyond (error
 * below 1e-5). */
double t_quantile_975(size_t df);
/* Mean, sd and the 95 % interval of n values; NaNs (a diverged run) are skipped. */
estimate estimate_of(const double *values, size_t n);
/* The same of the differences a[i] - b[i] (pairs with a NaN skipped). */
estimate paired_difference(const double *a, const double *b, size_t n);

/* The Wilson score 95 % interval of a proportion, successes of trials, into low and
 * high (both 0 .. 1; [0, 1] for no trials). */
void wilson_interval(size_t successes, size_t trials, double *low, double *high);

typedef enum comparison { INDISTINGUISHABLE, HIGHER, LOWER, UNDECIDED } comparison;
/* HIGHER or LOWER when the interval of a difference excludes 0, INDISTINGUISHABLE when
 * it holds 0, UNDECIDED with fewer than two values. */
comparison compare(estimate difference);
/* "higher", "lower", "indistinguishable", "undecided (n < 2)" */
const char *comparison_words(comparison c);

#endif
