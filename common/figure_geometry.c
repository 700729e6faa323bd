/* SPDX-License-Identifier: MIT */
#include "common/figure_geometry.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The largest of 1, 2, 5 times a power of ten that is at most value. */
static double round_step(double value) {
    double decade = pow(10, floor(log10(value)));
    double mantissa = value / decade;
    return (mantissa >= 5 ? 5 : mantissa >= 2 ? 2 : 1) * decade;
}

size_t figure_log_ticks(double low, double high, double *ticks, size_t max) {
    size_t count = 0;
    double span = high - low;
    if (!(span > 0) || max < 2) return 0;
    if (span > 3.2) { /* decades, every one or every few so that at most about 8 show */
        double stride = ceil(span / 8);
        for (double k = ceil(low / stride) * stride; k <= high && count < max; k += stride)
            ticks[count++] = pow(10, k);
    } else if (span > 0.6) { /* 1, 2, 5 in each decade */
        static const double mantissas[] = {1, 2, 5};
        for (double k = floor(low); k <= ceil(high) && count < max; k++)
            for (size_t m = 0; m < 3 && count < max; m++) {
                double value = mantissas[m] * pow(10, k), at = log10(value);
                if (at >= low && at <= high) ticks[count++] = value;
            }
    }
    if (count >= (span > 3.2 ? 2 : 3)) return count;
    /* under a decade (or too few above): evenly spaced round values, as on a linear axis */
    double from = pow(10, low), to = pow(10, high);
    for (double target = 4; target <= 64; target *= 2) {
        double step = round_step((to - from) / target);
        count = 0;
        double first = ceil(from / step); /* values as multiples of step: no drift */
        for (double j = 0; count < max; j++) {
            double v = (first + j) * step;
            if (v > to) break;
            if (v >= from) ticks[count++] = v;
        }
        if (count >= 2) return count;
    }
    /* a range too narrow for any two round values: its ends */
    ticks[0] = from, ticks[1] = to;
    return 2;
}

static double distance_to_segment(double px, double py, double ax, double ay, double bx,
                                  double by) {
    double dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
    double t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/* Marks in kept[] the points of [first, last] that the tolerance needs: an explicit
 * stack of ranges instead of recursion, so that any n is safe. */
static void thin_range(const double *x, const double *y, size_t first, size_t last, double x_span,
                       double y_span, double tolerance, bool *kept, size_t *stack) {
    size_t top = 0;
    stack[top++] = first, stack[top++] = last;
    while (top > 0) {
        size_t b = stack[--top], a = stack[--top];
        double worst = tolerance;
        size_t at = 0;
        for (size_t i = a + 1; i < b; i++) {
            double d = distance_to_segment(x[i] / x_span, y[i] / y_span, x[a] / x_span,
                                           y[a] / y_span, x[b] / x_span, y[b] / y_span);
            if (d > worst) worst = d, at = i;
        }
        if (at == 0) continue;
        kept[at] = true;
        stack[top++] = a, stack[top++] = at;
        stack[top++] = at, stack[top++] = b;
    }
}

size_t figure_thin(const double *x, const double *y, size_t n, double x_span, double y_span,
                   double tolerance, size_t *keep) {
    if (n <= 2) {
        for (size_t i = 0; i < n; i++)
            keep[i] = i;
        return n;
    }
    bool *kept = calloc(n, sizeof *kept);
    size_t *stack = malloc(2 * n * sizeof *stack);
    if (kept == NULL || stack == NULL) { /* no memory to thin: keep everything */
        free(kept), free(stack);
        for (size_t i = 0; i < n; i++)
            keep[i] = i;
        return n;
    }
    if (!(x_span > 0)) x_span = 1;
    if (!(y_span > 0)) y_span = 1;
    /* each run of finite values thinned on its own; the breaks themselves kept */
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        bool end = i == n || !isfinite(y[i]);
        if (!end) continue;
        if (i > start) {
            kept[start] = kept[i - 1] = true;
            if (i - 1 > start + 1)
                thin_range(x, y, start, i - 1, x_span, y_span, tolerance, kept, stack);
        }
        if (i < n) kept[i] = true;
        start = i + 1;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (kept[i]) keep[count++] = i;
    free(kept), free(stack);
    return count;
}

double figure_overlap(const double *a, const double *b, size_t n, double y_span, double tolerance) {
    if (n == 0) return 0;
    size_t close = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) <= tolerance * y_span) close++;
    return (double)close / (double)n;
}
