/* Timing for the benchmarks: medians of repeated runs, since this machine is shared. */
#ifndef ACTFN_BENCH_TIMING_H
#define ACTFN_BENCH_TIMING_H

#include <stddef.h>

/* Median over 7 repetitions of the time per element of run(state), each repetition
 * calling it for at least 10 ms (after one warm-up call). */
double median_ns_per_element(void (*run)(void *state), void *state, size_t n);

#endif
