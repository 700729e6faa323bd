/* SPDX-License-Identifier: MIT */
#include "bench_plan.h"

double bench_job_seconds(size_t n, double ns_per_element) {
    double call = (double)n * ns_per_element * 1e-9;
    /* a batch ends between BENCH_SAMPLE_SECONDS and twice that, or is one call */
    double batch = call > BENCH_SAMPLE_SECONDS ? call : 1.5 * BENCH_SAMPLE_SECONDS;
    return (BENCH_REPEATS + 2) * batch;
}

double bench_seconds_left(size_t n, size_t top, double ns_actfn, double ns_memcpy) {
    double left = 0;
    for (size_t m = n; m >= n && m <= top; m *= 4) /* m >= n: no wrap-around */
        left += bench_job_seconds(m, ns_actfn) + bench_job_seconds(m, ns_memcpy);
    return left;
}
