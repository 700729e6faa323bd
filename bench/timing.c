/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median_ns_per_element(void (*run)(void *state), void *state, size_t n) {
    enum { REPETITIONS = 7 };
    double samples[REPETITIONS];
    run(state);
    for (int r = 0; r < REPETITIONS; r++) {
        size_t calls = 0;
        double start = now_seconds(), elapsed;
        do {
            run(state);
            calls++;
            elapsed = now_seconds() - start;
        } while (elapsed < 0.01);
        samples[r] = elapsed * 1e9 / ((double)calls * (double)n);
    }
    qsort(samples, REPETITIONS, sizeof *samples, compare_doubles);
    return samples[REPETITIONS / 2];
}

void report_measurement(int threads, const char *op, const char *implementation, size_t n,
                        double ns_per_element) {
    printf("%s\t%s\t%s\t%zu\t%.5f\n", threads == 1 ? "1" : "all", op, implementation, n,
           ns_per_element);
    fflush(stdout);
}
