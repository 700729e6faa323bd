/* SPDX-License-Identifier: MIT */
/* Timing for the benchmarks: medians of repeated runs, since this machine is shared. */
#ifndef ACTFN_BENCH_TIMING_H
#define ACTFN_BENCH_TIMING_H

#include <stddef.h>

/* Median over 7 repetitions of the time per element of run(state), each repetition
 * calling it for at least 10 ms (after one warm-up call). */
double median_ns_per_element(void (*run)(void *state), void *state, size_t n);

/* Prints one measurement as the benchmarks' tab-separated line, which bench/report.py
 * reads: threads (1, or "all" for threads == 0), op, implementation, n, ns per element. */
void report_measurement(int threads, const char *op, const char *implementation, size_t n,
                        double ns_per_element);

#endif
