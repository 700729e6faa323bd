/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "jobs.h"

#include "actfn.h"
#include "common/progress.h"

#include <cblas.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

size_t job_workers(void) {
    const char *text = getenv("ACTFN_LAB_JOBS");
    if (text != NULL) {
        char *end;
        long n = strtol(text, &end, 10);
        if (end != text && *end == '\0' && n >= 1 && n <= 256) return (size_t)n;
        fprintf(stderr, "actfn lab: ignoring ACTFN_LAB_JOBS='%s' (not 1 to 256)\n", text);
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus >= 1 ? (size_t)cpus : 1;
}

bool run_jobs(size_t count, size_t result_size, job_function job, const void *context,
              void *results, size_t workers, const char *label) {
    progress bar;
    progress_start(&bar, label, count);
    if (workers <= 1 || count <= 1) {
        for (size_t k = 0; k < count; k++) {
            job(k, context, (char *)results + k * result_size);
            progress_update(&bar, k + 1);
        }
        progress_finish(&bar);
        return true;
    }
    size_t bytes = count * result_size;
    char *shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        fprintf(stderr, "actfn lab: no shared memory for %zu runs: %s\n", count, strerror(errno));
        return false;
    }
    size_t next = 0, running = 0, done = 0;
    bool ok = true;
    fflush(NULL); /* nothing buffered twice */
    while (done < count) {
        while (ok && running < workers && next < count) {
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "actfn lab: cannot start a worker: %s\n", strerror(errno));
                ok = false;
                break;
            }
            if (pid == 0) { /* the worker: one thread, one job */
                openblas_set_num_threads(1);
                actfn_set_num_threads(1);
                job(next, context, shared + next * result_size);
                fflush(NULL);
                _exit(0);
            }
            next++, running++;
        }
        if (running == 0) break;
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "actfn lab: lost the workers: %s\n", strerror(errno));
            ok = false;
            break;
        }
        running--, done++;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "actfn lab: a worker of '%s' failed (%s %d)\n", label,
                    WIFEXITED(status) ? "exit" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            ok = false;
        }
        progress_update(&bar, done);
    }
    progress_finish(&bar);
    if (ok) memcpy(results, shared, bytes);
    munmap(shared, bytes);
    return ok;
}
