/* actfn's throughput against the physical limit: a memcpy of the same array (for a
 * forward) and a 3-stream a + b kernel (for a backward, which reads x and dy and writes
 * dx). Prints medians of repeated timings and their ratios, measured in one run. */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct arrays {
    float *x, *dy, *y;
    size_t n;
} arrays;

typedef void (*kernel_fn)(const void *context, arrays *a);

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over 7 repetitions of the time per element, each repetition running the
 * kernel for at least 10 ms. */
static double median_ns_per_element(kernel_fn kernel, const void *context, arrays *a) {
    enum { REPETITIONS = 7 };
    double samples[REPETITIONS];
    kernel(context, a); /* warm the caches and page in the output */
    for (int r = 0; r < REPETITIONS; r++) {
        size_t calls = 0;
        double start = now_seconds(), elapsed;
        do {
            kernel(context, a);
            calls++;
            elapsed = now_seconds() - start;
        } while (elapsed < 0.01);
        samples[r] = elapsed * 1e9 / ((double)calls * (double)a->n);
    }
    qsort(samples, REPETITIONS, sizeof *samples, compare_doubles);
    return samples[REPETITIONS / 2];
}

static void copy_kernel(const void *context, arrays *a) {
    (void)context;
    memcpy(a->y, a->x, a->n * sizeof *a->x);
}

static void add_kernel(const void *context, arrays *a) {
    (void)context;
    for (size_t i = 0; i < a->n; i++)
        a->y[i] = a->x[i] + a->dy[i];
}

static void forward_kernel(const void *context, arrays *a) {
    actfn_forward(context, ACTFN_F32, a->x, a->y, a->n);
}

static void forward_in_place_kernel(const void *context, arrays *a) {
    actfn_forward(context, ACTFN_F32, a->y, a->y, a->n);
}

static void backward_kernel(const void *context, arrays *a) {
    actfn_backward(context, ACTFN_F32, a->x, a->dy, a->y, a->n);
}

typedef struct row {
    const char *label;
    actfn_kind kind;
    kernel_fn kernel;
    int backward; /* compared with the 3-stream kernel, not memcpy */
} row;

int main(int argc, char **argv) {
    size_t max_n = argc > 1 ? strtoull(argv[1], NULL, 10) : (size_t)16 << 20;
    static const row rows[] = {
        {"relu forward", ACTFN_RELU, forward_kernel, 0},
        {"relu forward, in place", ACTFN_RELU, forward_in_place_kernel, 0},
        {"relu backward", ACTFN_RELU, backward_kernel, 1},
        {"leaky_relu forward", ACTFN_LEAKY_RELU, forward_kernel, 0},
        {"sigmoid forward", ACTFN_SIGMOID, forward_kernel, 0},
        {"tanh forward", ACTFN_TANH, forward_kernel, 0},
        {"gelu forward", ACTFN_GELU, forward_kernel, 0},
        {"silu forward", ACTFN_SILU, forward_kernel, 0},
        {"elu forward", ACTFN_ELU, forward_kernel, 0},
    };
    printf("actfn %s, f32, one thread; ns per element (median of 7) and the ratio of the\n"
           "limit's time to actfn's (1.00 = as fast as memcpy, or as the 3-stream a + b\n"
           "for a backward)\n\n",
           actfn_version());
    printf("%-24s", "n");
    for (size_t n = 1024; n <= max_n; n *= 4)
        printf(" %17zu", n);
    printf("\n");
    size_t count = sizeof rows / sizeof *rows;
    double copy_ns[16], add_ns[16];
    arrays a = {0};
    a.x = aligned_alloc(64, max_n * sizeof(float));
    a.dy = aligned_alloc(64, max_n * sizeof(float));
    a.y = aligned_alloc(64, max_n * sizeof(float));
    if (a.x == NULL || a.dy == NULL || a.y == NULL) {
        fprintf(stderr, "bench: out of memory for n = %zu\n", max_n);
        return 1;
    }
    for (size_t i = 0; i < max_n; i++) {
        a.x[i] = (float)((double)(i % 1000) / 50.0 - 10.0);
        a.dy[i] = 1.0f;
    }
    int column = 0;
    printf("%-24s", "memcpy");
    for (size_t n = 1024; n <= max_n; n *= 4, column++) {
        a.n = n;
        copy_ns[column] = median_ns_per_element(copy_kernel, NULL, &a);
        printf(" %11.3f      ", copy_ns[column]);
    }
    printf("\n%-24s", "a + b (3 streams)");
    column = 0;
    for (size_t n = 1024; n <= max_n; n *= 4, column++) {
        a.n = n;
        add_ns[column] = median_ns_per_element(add_kernel, NULL, &a);
        printf(" %11.3f      ", add_ns[column]);
    }
    printf("\n");
    for (size_t r = 0; r < count; r++) {
        actfn_op op = actfn_op_init(rows[r].kind);
        printf("%-24s", rows[r].label);
        column = 0;
        for (size_t n = 1024; n <= max_n; n *= 4, column++) {
            a.n = n;
            memcpy(a.y, a.x, n * sizeof *a.y);
            double ns = median_ns_per_element(rows[r].kernel, &op, &a);
            double limit = rows[r].backward ? add_ns[column] : copy_ns[column];
            printf(" %11.3f (%.2f)", ns, limit / ns);
        }
        printf("\n");
    }
    free(a.x);
    free(a.dy);
    free(a.y);
    return 0;
}
