/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "route/threads.h"

#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The work the pool is doing: written by the caller that holds `owner`, read by the
 * workers under `lock` once the generation changes. It is cut into `chunks` pieces of
 * `chunk` elements that every thread, the caller included, claims one at a time. */
typedef struct work {
    void (*range)(void *context, size_t begin, size_t end);
    void *context;
    size_t n, chunk;
    unsigned long generation;
    uint32_t chunks;
} work;

static pthread_mutex_t owner = PTHREAD_MUTEX_INITIALIZER; /* one parallel call at a time */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
static work current;             /* guarded by lock */
static unsigned long generation; /* guarded by lock */
static int workers_started;      /* guarded by lock */
/* The generation current when each worker was started: a worker started for a new
 * piece of work must not take that work for one it has already done. */
static unsigned long birth_generation[MAX_THREADS]; /* guarded by lock */
static atomic_int requested_threads;                /* 0: the default */
/* The hot path, without the lock: a worker that has just finished spins on
 * published_generation for a while before it sleeps on work_ready, and the caller
 * spins on parts_pending before it sleeps on work_done. Waking a sleeping thread costs
 * tens of microseconds on a virtual machine (measured here: a second thread gained
 * nothing below 1M sigmoid elements, 110 us of work); a spinning one starts at once. */
static atomic_ulong published_generation;
/* The next chunk to claim, tagged with its generation in the high 32 bits, so that a
 * worker still holding an older `work` can never claim a piece of a newer one. */
static _Atomic uint64_t next_chunk;
static atomic_uint chunks_done;
#define SPIN_NANOSECONDS 100000

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static int default_threads;

/* The default: the CPUs online, or ACTFN_NUM_THREADS where it is a whole number from 1
 * up, capped at THREADS_PER_CPU_CAP times the CPUs (more threads than that only wait on
 * each other) and MAX_THREADS. A value that does not parse, or a cap, is said on stderr,
 * once (this runs once). */
#define THREADS_PER_CPU_CAP 4

static void compute_default_threads(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) cpus = 1;
    long count = cpus, cap = cpus * THREADS_PER_CPU_CAP;
    if (cap > MAX_THREADS) cap = MAX_THREADS;
    const char *text = getenv("ACTFN_NUM_THREADS");
    if (text != NULL) {
        char *end;
        errno = 0;
        long wanted = strtol(text, &end, 10);
        if (end == text || *end != '\0' || errno != 0 || wanted < 1) {
            fprintf(stderr,
                    "actfn: ACTFN_NUM_THREADS=%s is not a whole number from 1 up; using %ld, "
                    "the CPUs online\n",
                    text, count > cap ? cap : count);
        } else if (wanted > cap) {
            fprintf(stderr,
                    "actfn: ACTFN_NUM_THREADS=%s is more than %d times the %ld CPUs online; "
                    "using %ld\n",
                    text, THREADS_PER_CPU_CAP, cpus, cap);
            count = cap;
        } else {
            count = wanted;
        }
    }
    default_threads = (int)(count > cap ? cap : count);
}

int thread_count(void) {
    int requested = atomic_load_explicit(&requested_threads, memory_order_relaxed);
    if (requested > 0) return requested;
    pthread_once(&default_once, compute_default_threads);
    return default_threads;
}

void set_thread_limit(int count) {
    atomic_store_explicit(&requested_threads, count, memory_order_relaxed);
}

/* Claims and runs chunks of w until none is left; returns how many it ran. */
static uint32_t run_chunks(const work *w) {
    uint64_t tag = (uint64_t)(uint32_t)w->generation << 32;
    uint32_t ran = 0;
    uint64_t seen = atomic_load_explicit(&next_chunk, memory_order_relaxed);
    for (;;) {
        if ((seen & ~(uint64_t)UINT32_MAX) != tag || (uint32_t)seen >= w->chunks) return ran;
        if (!atomic_compare_exchange_weak_explicit(&next_chunk, &seen, seen + 1,
                                                   memory_order_acquire, memory_order_relaxed))
            continue;
        size_t begin = (uint32_t)seen * w->chunk, end = begin + w->chunk;
        w->range(w->context, begin, end < w->n ? end : w->n);
        ran++;
    }
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long long now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* A bounded spin: the loop calls spin_step while its condition holds; spin_step
 * returns 0 once SPIN_NANOSECONDS have passed (the clock is read every 64 steps). */
typedef struct spin {
    unsigned steps;
    long long deadline;
} spin;

static int spin_step(spin *s) {
    cpu_relax();
    if (++s->steps % 64 != 0) return 1;
    long long now = now_nanoseconds();
    if (s->deadline == 0) s->deadline = now + SPIN_NANOSECONDS;
    return now <= s->deadline;
}

static void *worker_main(void *argument) {
    int index = (int)(intptr_t)argument;
    pthread_mutex_lock(&lock);
    unsigned long seen = birth_generation[index];
    for (;;) {
        if (generation == seen) {
            pthread_mutex_unlock(&lock);
            spin s = {0, 0};
            while (atomic_load_explicit(&published_generation, memory_order_acquire) == seen &&
                   spin_step(&s)) {
            }
            pthread_mutex_lock(&lock);
            while (generation == seen)
                pthread_cond_wait(&work_ready, &lock);
        }
        seen = generation;
        work w = current;
        pthread_mutex_unlock(&lock);
        uint32_t ran = run_chunks(&w);
        if (ran > 0 &&
            atomic_fetch_add_explicit(&chunks_done, ran, memory_order_acq_rel) + ran == w.chunks) {
            pthread_mutex_lock(&lock); /* the caller checks under it before sleeping */
            pthread_cond_signal(&work_done);
            pthread_mutex_unlock(&lock);
        }
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

/* Starts workers 1 .. wanted - 1 that are not running yet; returns how many run.
 * Called with lock held. */
static int start_workers(int wanted) {
    while (workers_started < wanted - 1) {
        pthread_t thread;
        pthread_attr_t attributes;
        birth_generation[workers_started + 1] = generation;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main,
                                    (void *)(intptr_t)(workers_started + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        workers_started++;
    }
    return workers_started + 1;
}

/* A child of fork() has none of the parent's workers. */
static void forget_workers_after_fork(void) {
    pthread_mutex_init(&owner, NULL);
    pthread_mutex_init(&lock, NULL);
    pthread_cond_init(&work_ready, NULL);
    pthread_cond_init(&work_done, NULL);
    workers_started = 0;
}

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void register_fork_handler(void) {
    pthread_atfork(NULL, NULL, forget_workers_after_fork);
}

void parallel_for(size_t n, size_t granule, void (*range)(void *context, size_t begin, size_t end),
                  void *context) {
    int threads = thread_count();
    if (threads <= 1 || pthread_mutex_trylock(&owner) != 0) {
        range(context, 0, n);
        return;
    }
    pthread_once(&fork_once, register_fork_handler);
    pthread_mutex_lock(&lock);
    threads = start_workers(threads);
    /* a few chunks per thread: a worker that is slow to start (or not scheduled at all)
     * leaves its share to the others instead of holding the caller up */
    size_t chunk = (n + (size_t)threads * 4 - 1) / ((size_t)threads * 4);
    chunk = (chunk + granule - 1) / granule * granule;
    generation++;
    current = (work){range, context, n, chunk, generation, (uint32_t)((n + chunk - 1) / chunk)};
    atomic_store_explicit(&chunks_done, 0, memory_order_relaxed);
    atomic_store_explicit(&next_chunk, (uint64_t)(uint32_t)generation << 32, memory_order_relaxed);
    atomic_store_explicit(&published_generation, generation, memory_order_release);
    work mine = current;
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);

    uint32_t ran = run_chunks(&mine);
    if (atomic_fetch_add_explicit(&chunks_done, ran, memory_order_acq_rel) + ran != mine.chunks) {
        spin s = {0, 0};
        while (atomic_load_explicit(&chunks_done, memory_order_acquire) != mine.chunks &&
               spin_step(&s)) {
        }
        pthread_mutex_lock(&lock);
        while (atomic_load_explicit(&chunks_done, memory_order_acquire) != mine.chunks)
            pthread_cond_wait(&work_done, &lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_unlock(&owner);
}
