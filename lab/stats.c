/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <math.h>

double t_quantile_975(size_t df) {
    static const double table[30] = {12.70620474, 4.30265273, 3.18244631, 2.77644511, 2.57058184,
                                     2.44691185,  2.36462425, 2.30600414, 2.26215716, 2.22813885,
                                     2.20098516,  2.17881283, 2.16036866, 2.14478669, 2.13144955,
                                     2.11990530,  2.10981558, 2.10092204, 2.09302405, 2.08596345,
                                     2.07961384,  2.07387307, 2.06865761, 2.06389856, 2.05953855,
                                     2.05552944,  2.05183052, 2.04840714, 2.04522964, 2.04227246};
    if (df == 0) return NAN;
    if (df <= 30) return table[df - 1];
    /* Cornish-Fisher: t = z + g1/v + g2/v^2 + g3/v^3 about the normal quantile z */
    double z = 1.959963984540054, v = (double)df, z2 = z * z;
    double g1 = z * (z2 + 1) / 4;
    double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
    double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v);
}

estimate estimate_of(const double *values, size_t n) {
    estimate e = {0, 0, NAN, 0};
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i])) sum += values[i], e.n++;
    if (e.n == 0) {
        e.mean = NAN;
        return e;
    }
    e.mean = sum / (double)e.n;
    if (e.n < 2) return e;
    double squares = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i])) squares += (values[i] - e.mean) * (values[i] - e.mean);
    e.sd = sqrt(squares / (double)(e.n - 1));
    e.half_width = t_quantile_975(e.n - 1) * e.sd / sqrt((double)e.n);
    return e;
}

estimate paired_difference(const double *a, const double *b, size_t n) {
    enum { MOST = 4096 };
    double d[MOST];
    size_t m = n < MOST ? n : MOST;
    for (size_t i = 0; i < m; i++)
        d[i] = a[i] - b[i]; /* NaN where either is */
    return estimate_of(d, m);
}

void wilson_interval(size_t successes, size_t trials, double *low, double *high) {
    if (trials == 0) {
        *low = 0, *high = 1;
        return;
    }
    double z = 1.959963984540054, n = (double)trials, p = (double)successes / n;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    *low = fmax(0, centre - half), *high = fmin(1, centre + half);
}

comparison compare(estimate difference) {
    if (difference.n < 2 || isnan(difference.half_width)) return UNDECIDED;
    if (difference.mean - difference.half_width > 0) return HIGHER;
    if (difference.mean + difference.half_width < 0) return LOWER;
    return INDISTINGUISHABLE;
}

const char *comparison_words(comparison c) {
    switch (c) {
    case HIGHER:
        return "higher";
    case LOWER:
        return "lower";
    case INDISTINGUISHABLE:
        return "indistinguishable";
    default:
        return "undecided (n < 2)";
    }
}
