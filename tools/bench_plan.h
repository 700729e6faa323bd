/* SPDX-License-Identifier: MIT */
/* How long actfn bench takes, for its progress bar: each size costs a job for actfn
 * and one for memcpy, and the sizes grow 4x a step, so the last steps are most of the
 * time (counting steps showed "89 %" with most of the run still to go). */
#ifndef ACTFN_BENCH_PLAN_H
#define ACTFN_BENCH_PLAN_H

#include <stddef.h>

enum { BENCH_REPEATS = 7 };       /* timed samples per job; the median is reported */
#define BENCH_SAMPLE_SECONDS 2e-3 /* each sample runs at least this long */

/* Seconds one job of n elements takes at ns_per_element: doubling the calls until a
 * batch passes BENCH_SAMPLE_SECONDS (about two batches' time), then BENCH_REPEATS
 * batches. */
double bench_job_seconds(size_t n, double ns_per_element);
/* Seconds the sizes from n to top (n, 4n, 16n, ... <= top) still take for actfn and
 * memcpy, at the rates (ns per element) measured last: cache effects make the later
 * sizes slower per element, so this is a lower estimate. */
double bench_seconds_left(size_t n, size_t top, double ns_actfn, double ns_memcpy);

#endif
