/* SPDX-License-Identifier: MIT */
/* The arithmetic of a readable figure, apart from PLplot so that tests can check it:
 * tick values a log axis can be labelled with at any range, a curve thinned to the
 * points a reader can see (what keeps an SVG small), and whether two curves lie on top
 * of each other (so that the figure can say so). */
#ifndef ACTFN_FIGURE_GEOMETRY_H
#define ACTFN_FIGURE_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>

/* Values to label on a log10 axis that spans [10^low, 10^high] (low < high, finite):
 * every decade when the range is wide, 1-2-5 steps within each decade when it is a few
 * decades, evenly spaced round numbers when it is under one; always at least two, in
 * increasing order, all within the range. Returns how many were written (<= max). */
size_t figure_log_ticks(double low, double high, double *ticks, size_t max);
/* The indices (into keep, increasing, first and last always) of the points of the
 * polyline (x[i], y[i]) that stay when every dropped point lies within tolerance of the
 * line kept, distances measured after dividing x by x_span and y by y_span (so the
 * tolerance is a fraction of the plot box). Ramer-Douglas-Peucker; non-finite y values
 * are kept (they break the line). Returns the count kept. */
size_t figure_thin(const double *x, const double *y, size_t n, double x_span, double y_span,
                   double tolerance, size_t *keep);
/* The fraction of the n samples at which curves a and b are within tolerance * y_span
 * of each other: near 1 where one hides the other. */
double figure_overlap(const double *a, const double *b, size_t n, double y_span, double tolerance);

#endif
