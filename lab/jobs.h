/* SPDX-License-Identifier: MIT */
/* Independent training runs side by side: each job in a worker process of its own
 * (fork: the data set shared copy-on-write), OpenBLAS and actfn single-threaded in it,
 * its result written into shared memory. A job's result depends only on its index, so
 * the numbers are the same whatever the number of workers. */
#ifndef ACTFN_LAB_JOBS_H
#define ACTFN_LAB_JOBS_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*job_function)(size_t index, const void *context, void *result);

/* The number of workers: $ACTFN_LAB_JOBS if set (1 to 256), else the CPUs online. */
size_t job_workers(void);
/* Runs job(k, context, results + k * result_size) for k < count, at most workers at once
 * (1: in this process, no fork). label names the progress bar. false, with a message on
 * stderr, if a worker could not start or did not exit cleanly. */
bool run_jobs(size_t count, size_t result_size, job_function job, const void *context,
              void *results, size_t workers, const char *label);

#endif
