/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The lab's statistics and its machinery: Student's t quantiles against tabulated values,
 * means with their intervals, paired differences and the verdicts they give, Wilson's
 * interval, the epoch the validation set picks, data set slices, and the worker processes
 * (the same results whatever their number; a failing worker reported). */
#include "experiment_kit.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static void t_quantiles_match_the_tables(void **state) {
    (void)state;
    static const struct {
        size_t df;
        double t;
    } known[] = {{1, 12.706204736}, {2, 4.302652730},   {9, 2.262157163},   {10, 2.228138852},
                 {29, 2.045229642}, {30, 2.042272456},  {31, 2.039513446},  {40, 2.021075383},
                 {60, 2.000297822}, {120, 1.979930405}, {1000, 1.962339081}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_true(fabs(t_quantile_975(known[i].df) - known[i].t) < 1e-5);
    assert_true(isnan(t_quantile_975(0)));
    for (size_t df = 1; df < 500; df++) /* falls toward the normal's 1.96 */
        assert_true(t_quantile_975(df + 1) < t_quantile_975(df));
    assert_true(t_quantile_975(100000) > 1.959963);
}

static void estimates_and_verdicts(void **state) {
    (void)state;
    const double v[6] = {1, 2, NAN, 3, 4, 5};
    estimate e = estimate_of(v, 6); /* the NaN (a diverged run) left out */
    assert_int_equal(e.n, 5);
    assert_true(fabs(e.mean - 3) < 1e-15);
    assert_true(fabs(e.sd - sqrt(2.5)) < 1e-15);
    assert_true(fabs(e.half_width - 2.776445105 * sqrt(2.5) / sqrt(5.0)) < 1e-8);
    estimate one = estimate_of(v, 1);
    assert_true(one.mean == 1 && isnan(one.half_width));
    assert_int_equal(compare(one), UNDECIDED);
    assert_true(isnan(estimate_of(v + 2, 1).mean));

    const double base[4] = {0.80, 0.85, 0.90, 0.95};
    double up[4], noisy[4], down[4];
    for (int i = 0; i < 4; i++) {
        up[i] = base[i] + 0.01 + 0.001 * i;          /* always ahead */
        noisy[i] = base[i] + (i % 2 ? 0.01 : -0.01); /* ahead, behind: no difference */
        down[i] = base[i] - 0.02 - 0.001 * (i % 2);
    }
    assert_int_equal(compare(paired_difference(up, base, 4)), HIGHER);
    assert_int_equal(compare(paired_difference(noisy, base, 4)), INDISTINGUISHABLE);
    assert_int_equal(compare(paired_difference(down, base, 4)), LOWER);
    /* unpaired, the same shift would hide in the spread of the base values */
    estimate shift = paired_difference(up, base, 4);
    assert_true(shift.mean > 0.011 && shift.mean < 0.012 && shift.half_width < 0.003);
    assert_string_equal(comparison_words(INDISTINGUISHABLE), "indistinguishable");
}

static void wilson_intervals(void **state) {
    (void)state;
    double low, high;
    wilson_interval(0, 20, &low, &high);
    assert_true(low == 0 && fabs(high - 3.841458821 / (20 + 3.841458821)) < 1e-9);
    wilson_interval(20, 20, &low, &high);
    assert_true(high == 1 && fabs(low - 20 / (20 + 3.841458821)) < 1e-9);
    wilson_interval(10, 20, &low, &high);
    assert_true(fabs(low + high - 1) < 1e-12 && low > 0.29 && low < 0.30);
    wilson_interval(0, 0, &low, &high);
    assert_true(low == 0 && high == 1);
}

static void the_validation_set_picks_the_epoch(void **state) {
    (void)state;
    epoch_result r[4] = {{.validation_accuracy = 0.5, .test_accuracy = 0.4},
                         {.validation_accuracy = 0.7, .test_accuracy = 0.6},
                         {.validation_accuracy = 0.7, .test_accuracy = 0.9},
                         {.validation_accuracy = 0.2, .test_accuracy = 0.95}};
    assert_int_equal(chosen_epoch(r, 4), 1); /* the first of the best, not the test's best */
    assert_true(chosen_test(r, 4) == 0.6 && best_validation(r, 4) == 0.7);
    r[1].diverged = r[2].diverged = true;
    assert_int_equal(chosen_epoch(r, 4), 0);
    epoch_result gone = {.diverged = true};
    assert_true(isnan(chosen_test(&gone, 1)));
}

static void slices_stay_inside_the_set(void **state) {
    (void)state;
    float x[10];
    uint8_t label[5];
    dataset d = {.count = 5, .features = 2, .classes = 2, .x = x, .label = label};
    dataset s = dataset_slice(&d, 3, 10);
    assert_true(s.count == 2 && s.x == x + 6 && s.label == label + 3);
    s = dataset_slice(&d, 7, 1);
    assert_int_equal(s.count, 0);
}

static void square_job(size_t index, const void *context, void *result) {
    const uint64_t *offset = context;
    if (*offset == 99 && index == 2) exit(3); /* a worker that fails */
    uint64_t *out = result;
    out[0] = index * index + *offset, out[1] = ~index;
}

static void workers_give_the_same_results_and_report_failure(void **state) {
    (void)state;
    enum { JOBS = 7 };
    uint64_t offset = 5, serial[JOBS][2], parallel[JOBS][2];
    assert_true(run_jobs(JOBS, sizeof serial[0], square_job, &offset, serial, 1, "test"));
    assert_true(run_jobs(JOBS, sizeof parallel[0], square_job, &offset, parallel, 3, "test"));
    for (size_t k = 0; k < JOBS; k++)
        assert_true(serial[k][0] == k * k + 5 && serial[k][1] == ~(uint64_t)k &&
                    parallel[k][0] == serial[k][0] && parallel[k][1] == serial[k][1]);
    offset = 99;
    assert_false(run_jobs(JOBS, sizeof parallel[0], square_job, &offset, parallel, 3, "test"));
    assert_true(job_workers() >= 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_quantiles_match_the_tables),
        cmocka_unit_test(estimates_and_verdicts),
        cmocka_unit_test(wilson_intervals),
        cmocka_unit_test(the_validation_set_picks_the_epoch),
        cmocka_unit_test(slices_stay_inside_the_set),
        cmocka_unit_test(workers_give_the_same_results_and_report_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
