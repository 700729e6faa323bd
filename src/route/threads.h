/* SPDX-License-Identifier: MIT */
/* Splitting a large element-wise call across a small pool of threads. No arithmetic:
 * the pool runs whatever range function it is given. */
#ifndef ACTFN_THREADS_H
#define ACTFN_THREADS_H

#include <stddef.h>

/* Runs range(context, begin, end) over [0, n) split into one contiguous part per thread,
 * each part's start a multiple of `granule` elements (a cache line's worth), the caller
 * taking the first part itself. If the pool is busy with another caller's work, or only
 * one thread is allowed, the caller runs everything: the machine is never
 * oversubscribed, and the results are those of one serial call. */
void parallel_for(size_t n, size_t granule, void (*range)(void *context, size_t begin, size_t end),
                  void *context);

/* The number of threads a call may use (the caller included); at least 1. */
int thread_count(void);

/* The most threads a call may use; set_thread_limit takes 1 .. MAX_THREADS, or 0 for the
 * default (ACTFN_NUM_THREADS, else the online CPUs). The API validates the count. */
#define MAX_THREADS 64
void set_thread_limit(int count);

#endif
