/* SPDX-License-Identifier: MIT */
/* The arithmetic behind the figures and the bench's progress bar (common/figure_geometry.c,
 * tools/bench_plan.c): log-axis ticks at every range, curve thinning within its tolerance,
 * overlap detection, and a time estimate that knows the last sizes are most of the run. */
#include "common/figure_geometry.h"
#include "tools/bench_plan.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static void check_ticks(double low, double high) {
    double ticks[64];
    size_t count = figure_log_ticks(low, high, ticks, 64);
    assert_true(count >= 2);  /* an axis a reader can read a value off */
    assert_true(count <= 16); /* and not a wall of labels */
    for (size_t i = 0; i < count; i++) {
        double at = log10(ticks[i]);
        assert_true(at >= low - 1e-9 * (1 + fabs(low)) && at <= high + 1e-9 * (1 + fabs(high)));
        if (i > 0) assert_true(ticks[i] > ticks[i - 1]);
    }
}

static void log_ticks_at_every_range(void **state) {
    (void)state;
    /* the ranges that got no label from PLplot: inside one decade */
    check_ticks(log10(0.2), log10(0.6));
    check_ticks(log10(0.3), log10(0.31));
    check_ticks(log10(1.0), log10(1.0 + 1e-9));
    check_ticks(-9.3, -0.6);  /* gradient norms across layers */
    check_ticks(-300, 300);   /* the whole double range */
    uint64_t state64 = 12345; /* and many more, widths from 1e-8 to 40 decades */
    for (int i = 0; i < 20000; i++) {
        state64 = state64 * 6364136223846793005u + 1442695040888963407u;
        double low = (double)(state64 >> 11) / 0x1p53 * 60 - 30;
        state64 = state64 * 6364136223846793005u + 1442695040888963407u;
        double width = pow(10, (double)(state64 >> 11) / 0x1p53 * 9.6 - 8);
        check_ticks(low, low + width);
    }
    double ticks[8];
    size_t count = figure_log_ticks(log10(0.15), log10(0.65), ticks, 8);
    assert_int_equal(count, 5); /* 0.2, 0.3, 0.4, 0.5, 0.6: round values */
    assert_true(fabs(ticks[0] - 0.2) < 1e-12 && fabs(ticks[4] - 0.6) < 1e-12);
    count = figure_log_ticks(-1.5, 1.5, ticks, 8); /* 1-2-5 within decades */
    assert_true(count >= 5);
    assert_true(figure_log_ticks(1, 1, ticks, 8) == 0); /* an empty range: nothing */
}

/* The largest distance, in units of the plot box, of any sample from the kept polyline. */
static double worst_deviation(const double *x, const double *y, const size_t *keep, size_t kept,
                              double x_span, double y_span) {
    double worst = 0;
    for (size_t k = 0; k + 1 < kept; k++) {
        double ax = x[keep[k]] / x_span, ay = y[keep[k]] / y_span;
        double dx = x[keep[k + 1]] / x_span - ax, dy = y[keep[k + 1]] / y_span - ay;
        for (size_t i = keep[k]; i <= keep[k + 1]; i++) {
            double px = x[i] / x_span - ax, py = y[i] / y_span - ay;
            double t = (px * dx + py * dy) / (dx * dx + dy * dy);
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            worst = fmax(worst, hypot(px - t * dx, py - t * dy));
        }
    }
    return worst;
}

static void thinning_keeps_the_shape(void **state) {
    (void)state;
    enum { N = 2001 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    size_t *keep = malloc(N * sizeof *keep);
    assert_non_null(x), assert_non_null(y), assert_non_null(keep);
    for (size_t i = 0; i < N; i++)
        x[i] = -10 + 20.0 * (double)i / (N - 1), y[i] = 0.5 * x[i] + 1;
    size_t kept = figure_thin(x, y, N, 20, 10, 2e-4, keep);
    assert_int_equal(kept, 2); /* a straight line: its ends */
    assert_int_equal(keep[0], 0), assert_int_equal(keep[1], N - 1);
    for (size_t i = 0; i < N; i++)
        y[i] = sin(x[i]) + 0.3 * sin(7 * x[i]);
    kept = figure_thin(x, y, N, 20, 2.6, 2e-4, keep);
    assert_true(kept > 20 && kept < N / 2); /* fewer points, still the curve */
    assert_int_equal(keep[0], 0), assert_int_equal(keep[kept - 1], N - 1);
    for (size_t k = 1; k < kept; k++)
        assert_true(keep[k] > keep[k - 1]);
    assert_true(worst_deviation(x, y, keep, kept, 20, 2.6) <= 2e-4 * (1 + 1e-9));
    y[1000] = NAN; /* a break: kept, with the points on both sides */
    kept = figure_thin(x, y, N, 20, 2.6, 2e-4, keep);
    size_t found = 0;
    for (size_t k = 0; k < kept; k++)
        found += keep[k] == 999 || keep[k] == 1000 || keep[k] == 1001;
    assert_int_equal(found, 3);
    assert_int_equal(figure_thin(x, y, 1, 20, 2.6, 2e-4, keep), 1);
    assert_int_equal(figure_thin(x, y, 0, 20, 2.6, 2e-4, keep), 0);
    free(x), free(y), free(keep);
}

static void overlap_of_curves(void **state) {
    (void)state;
    enum { N = 100 };
    double a[N], b[N];
    for (size_t i = 0; i < N; i++)
        a[i] = i < N / 2 ? 0 : 1, b[i] = i < N / 2 ? 0.01 : 1; /* relu' and leaky_relu' */
    assert_true(fabs(figure_overlap(a, a, N, 1, 4e-3) - 1) < 1e-12);
    assert_true(fabs(figure_overlap(a, b, N, 1, 4e-3) - 0.5) < 1e-12);
    assert_true(fabs(figure_overlap(a, b, N, 1, 2e-2) - 1) < 1e-12);
    for (size_t i = 0; i < N; i++)
        b[i] = a[i] + 0.5;
    assert_true(figure_overlap(a, b, N, 1, 4e-3) == 0);
    assert_true(figure_overlap(a, b, 0, 1, 4e-3) == 0);
}

/* The bench's bar: at a constant rate, the fraction it shows after each size is the
 * fraction of the run's time spent, and the sizes left dominate: counting steps showed
 * 7/8 = 89 % with most of the time still to go. */
static void bench_estimate_follows_time(void **state) {
    (void)state;
    const size_t top = (size_t)16 << 20;
    const double ns_actfn = 5, ns_copy = 0.2; /* a slow op: f64 gelu's backward */
    double total = bench_seconds_left(1024, top, ns_actfn, ns_copy), spent = 0;
    double last_fraction = 0;
    size_t steps = 0;
    for (size_t n = 1024; n <= top; n *= 4, steps++) {
        spent += bench_job_seconds(n, ns_actfn) + bench_job_seconds(n, ns_copy);
        double left = bench_seconds_left(4 * n, top, ns_actfn, ns_copy);
        assert_true(fabs(spent + left - total) < 1e-9 * total); /* consistent */
        double fraction = spent / (spent + left);
        assert_true(fraction > last_fraction);
        last_fraction = fraction;
        if (n == top / 4) assert_true(fraction < 0.5); /* not 7/8: 16M costs the most */
    }
    assert_int_equal(steps, 8);
    assert_true(fabs(last_fraction - 1) < 1e-12);
    /* a job is at least its samples' time, and grows with n beyond them */
    assert_true(bench_job_seconds(1024, 1) >= BENCH_REPEATS * BENCH_SAMPLE_SECONDS);
    assert_true(bench_job_seconds(top, 1) > 4 * bench_job_seconds(top / 4, 1) * 0.99);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_ticks_at_every_range),
        cmocka_unit_test(thinning_keeps_the_shape),
        cmocka_unit_test(overlap_of_curves),
        cmocka_unit_test(bench_estimate_follows_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
