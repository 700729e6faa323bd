/* SPDX-License-Identifier: MIT */
/* The public thread controls: the count validated here, the pool in route/threads.c. */
#include "actfn.h"
#include "api/errors.h"
#include "route/threads.h"

actfn_status actfn_set_num_threads(int count) {
    if (count < 0 || count > MAX_THREADS)
        return fail(ACTFN_ERR_BAD_PARAMETER,
                    "actfn_set_num_threads: count must be in [0, %d], got %d", MAX_THREADS, count);
    set_thread_limit(count);
    return ACTFN_OK;
}

int actfn_get_num_threads(void) {
    return thread_count();
}
