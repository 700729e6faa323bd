/* SPDX-License-Identifier: MIT */
/* actfn bench: the library's own throughput against memcpy of the same bytes (the limit
 * of an out-of-place element-wise op), at sizes from L1 to memory. The peers (oneDNN,
 * XNNPACK, NumPy, PyTorch) are in bench/ (make bench). */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"
#include "bench_plan.h"
#include "commands.h"
#include "common/number_text.h"
#include "common/progress.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_bench_usage(FILE *out) {
    fputs("usage: actfn bench [OP] [--grad] [--fast] [--dtype f32|f64|f16|bf16]\n"
          "                   [--threads N] [--max-n N]\n"
          "\n"
          "Times OP (default relu) forward, or with --grad backward, out of place, at\n"
          "n = 1K, 4K, ... up to --max-n (default 16M) elements, against a memcpy of the\n"
          "same bytes, and prints per n the median ns per element of each and the ratio\n"
          "(actfn's throughput / memcpy's; 1.0 is the physical limit). --fast times the\n"
          "op's fast accuracy tier (ACTFN_FAST). --threads caps the threads (default:\n"
          "all). Medians of 7; a shared machine is noisy.\n",
          out);
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct job {
    const actfn_op *op;
    actfn_dtype dtype;
    bool gradient, copy;
    void *x, *dy, *y;
    size_t n, bytes;
} job;

static void run_once(const job *j) {
    if (j->copy)
        memcpy(j->y, j->x, j->n * j->bytes);
    else if (j->gradient)
        actfn_backward(j->op, j->dtype, j->x, j->dy, j->y, j->n);
    else
        actfn_forward(j->op, j->dtype, j->x, j->y, j->n);
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median over BENCH_REPEATS samples of ns per element; each sample runs long enough
 * (BENCH_SAMPLE_SECONDS) for the clock. */
static double median_ns(const job *j) {
    size_t calls = 1;
    for (;;) {
        double t = seconds();
        for (size_t c = 0; c < calls; c++)
            run_once(j);
        if (seconds() - t > BENCH_SAMPLE_SECONDS || calls > ((size_t)1 << 24)) break;
        calls *= 2;
    }
    double samples[BENCH_REPEATS];
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t = seconds();
        for (size_t c = 0; c < calls; c++)
            run_once(j);
        samples[r] = (seconds() - t) * 1e9 / (double)(calls * j->n);
    }
    qsort(samples, BENCH_REPEATS, sizeof samples[0], compare);
    return samples[BENCH_REPEATS / 2];
}

static bool parse_dtype(const char *text, actfn_dtype *dtype) {
    static const struct {
        const char *name;
        actfn_dtype dtype;
    } names[] = {{"f32", ACTFN_F32}, {"f64", ACTFN_F64}, {"f16", ACTFN_F16}, {"bf16", ACTFN_BF16}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *dtype = names[i].dtype;
            return true;
        }
    return false;
}

int command_bench(int argc, char **argv) {
    actfn_op op = actfn_op_init(ACTFN_RELU);
    const char *op_name = "relu";
    actfn_dtype dtype = ACTFN_F32;
    bool gradient = false, fast = false;
    double threads = 0, max_n = 16 << 20;
    for (int i = 1; i < argc; i++) {
        const char *token = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(token, "--help") == 0) {
            print_bench_usage(stdout);
            return 0;
        } else if (strcmp(token, "--grad") == 0) {
            gradient = true;
        } else if (strcmp(token, "--fast") == 0) {
            fast = true;
        } else if (strcmp(token, "--dtype") == 0 || strcmp(token, "--threads") == 0 ||
                   strcmp(token, "--max-n") == 0) {
            bool ok = value != NULL;
            if (ok && token[2] == 'd')
                ok = parse_dtype(value, &dtype);
            else if (ok && token[2] == 't')
                ok = parse_double(value, &threads) && threads >= 1 && threads <= 64 &&
                     threads == (int)threads;
            else if (ok)
                ok = parse_double(value, &max_n) && max_n >= 1024 && max_n <= 1e9;
            if (!ok) {
                fprintf(stderr, "actfn bench: invalid value '%s' for %s\n",
                        value != NULL ? value : "", token);
                return EXIT_USAGE;
            }
            i++;
        } else if (token[0] != '-' && i == 1) {
            if (actfn_op_from_name(token, &op) != ACTFN_OK) {
                fprintf(stderr, "actfn bench: unknown op '%s' (see 'actfn list')\n", token);
                return EXIT_USAGE;
            }
            op_name = token;
        } else {
            fprintf(stderr, "actfn bench: unexpected argument '%s'\n", token);
            return EXIT_USAGE;
        }
    }
    if (fast) op.accuracy = ACTFN_FAST;
    actfn_set_num_threads((int)threads);
    size_t bytes = actfn_dtype_size(dtype), top = (size_t)max_n;
    void *x = malloc(top * bytes), *dy = malloc(top * bytes), *y = malloc(top * bytes);
    double *values = malloc(1024 * sizeof *values);
    if (x == NULL || dy == NULL || y == NULL || values == NULL) {
        free(x), free(dy), free(y), free(values);
        fputs("actfn bench: out of memory\n", stderr);
        return EXIT_RUNTIME_FAILURE;
    }
    for (size_t i = 0; i < 1024; i++)
        values[i] = ((double)i - 512) / 51.2; /* [-10, 10): both sides of every kink */
    for (size_t i = 0; i < top; i += 1024) {
        size_t n = top - i < 1024 ? top - i : 1024;
        actfn_convert(values, ACTFN_F64, (char *)x + i * bytes, dtype, n);
        actfn_convert(values, ACTFN_F64, (char *)dy + i * bytes, dtype, n);
    }
    printf("actfn %s %s %s, isa %s, %d thread(s); medians of %d\n", op_name,
           gradient ? "backward" : "forward",
           dtype == ACTFN_F64   ? "f64"
           : dtype == ACTFN_F32 ? "f32"
           : dtype == ACTFN_F16 ? "f16"
                                : "bf16",
           actfn_isa(), actfn_get_num_threads(), BENCH_REPEATS);
    printf("%10s  %12s  %12s  %s\n", "n", "actfn ns/el", "memcpy ns/el", "throughput / memcpy");
    progress bar;
    progress_start(&bar, "actfn bench", 0);
    for (size_t n = 1024; n <= top; n *= 4) {
        job work = {&op, dtype, gradient, false, x, dy, y, n, bytes};
        job copy = work;
        copy.copy = true;
        double mine = median_ns(&work), limit = median_ns(&copy);
        progress_finish(&bar);
        printf("%10zu  %12.4f  %12.4f  %.2f\n", n, mine, limit, limit / mine);
        fflush(stdout);
        progress_estimate(&bar, bench_seconds_left(4 * n, top, mine, limit));
    }
    progress_finish(&bar);
    free(x), free(dy), free(y), free(values);
    return 0;
}
