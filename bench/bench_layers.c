/* SPDX-License-Identifier: MIT */
/* The layer-level ops against what they replace, on batches of rows x 1024 features, f32:
 * the relu backward from a 1-bit mask against the backward from x (4 + 4 + 4 bytes moved
 * per element against 1/8 + 4 + 4), and the fused bias + relu against a separate bias add
 * and relu (two passes), its backward (dx and the bias gradient's column sums) against
 * the three passes it replaces and on rows of 32 features, and the relu forward that writes
 * a mask (and counts the active units) against the plain one.
 * Prints the tab-separated lines of bench_peers (threads, op,
 * implementation, n, ns per element), with the limits memcpy and a + b.
 *
 * usage: bench_layers THREADS MAX_N [MIN_N] (MIN_N: 1M unless given; a multiple of 1024) */
#include "actfn.h"
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COLS = 1024 };

typedef struct state {
    float *x, *dy, *dx, *y, *bias, *dbias;
    double *sums;
    uint8_t *mask;
    actfn_batch batch;
    actfn_op relu;
    actfn_activity activity;
} state;

static void run_memcpy(void *p) {
    state *s = p;
    memcpy(s->y, s->x, s->batch.rows * COLS * sizeof(float));
}

static void run_add(void *p) {
    state *s = p;
    size_t n = s->batch.rows * COLS;
    float *restrict y = s->y;
    const float *restrict a = s->x, *restrict b = s->dy;
    for (size_t i = 0; i < n; i++)
        y[i] = a[i] + b[i];
}

static void run_backward_from_x(void *p) {
    state *s = p;
    actfn_backward(&s->relu, ACTFN_F32, s->x, s->dy, s->dx, s->batch.rows * COLS);
}

static void run_backward_from_mask(void *p) {
    state *s = p;
    actfn_mask_backward(&s->relu, ACTFN_F32, &s->batch, s->mask, s->dy, s->dx);
}

static void run_forward_plain(void *p) {
    state *s = p;
    actfn_forward(&s->relu, ACTFN_F32, s->x, s->y, s->batch.rows * COLS);
}

static void run_forward_with_mask(void *p) {
    state *s = p;
    actfn_mask_forward(&s->relu, ACTFN_F32, &s->batch, s->x, s->y, s->mask, NULL);
}

static void run_forward_with_mask_and_counts(void *p) {
    state *s = p;
    actfn_mask_forward(&s->relu, ACTFN_F32, &s->batch, s->x, s->y, s->mask, &s->activity);
}

static void run_bias_fused(void *p) {
    state *s = p;
    actfn_bias_forward(&s->relu, ACTFN_F32, &s->batch, s->x, s->bias, s->y);
}

/* out = x + bias, row by row. */
static void run_bias_separate_add(const state *s, float *out_rows) {
    for (size_t r = 0; r < s->batch.rows; r++) {
        const float *restrict row = s->x + r * COLS;
        float *restrict out = out_rows + r * COLS;
        for (size_t j = 0; j < COLS; j++)
            out[j] = row[j] + s->bias[j];
    }
}

static void run_bias_separate(void *p) {
    state *s = p;
    run_bias_separate_add(s, s->y);
    actfn_forward(&s->relu, ACTFN_F32, s->y, s->y, s->batch.rows * COLS);
}

static void run_bias_backward_fused(void *p) {
    state *s = p;
    actfn_bias_backward(&s->relu, ACTFN_F32, &s->batch, s->x, s->bias, s->dy, s->dx, s->dbias);
}

/* The same batch as rows of 32 features (a convolution's channels): many short rows. */
static void run_bias_backward_narrow(void *p) {
    state *s = p;
    actfn_batch narrow = {s->batch.rows * COLS / 32, 32, 32};
    actfn_bias_backward(&s->relu, ACTFN_F32, &narrow, s->x, s->bias, s->dy, s->dx, s->dbias);
}

/* What the fused backward replaces: x + b into dx, relu's backward in place, and the
 * column sums of dx in double. */
static void run_bias_backward_separate(void *p) {
    state *s = p;
    size_t n = s->batch.rows * COLS;
    run_bias_separate_add(s, s->dx);
    actfn_backward(&s->relu, ACTFN_F32, s->dx, s->dy, s->dx, n);
    memset(s->sums, 0, COLS * sizeof *s->sums);
    for (size_t r = 0; r < s->batch.rows; r++) {
        const float *restrict row = s->dx + r * COLS;
        double *restrict sums = s->sums;
        for (size_t j = 0; j < COLS; j++)
            sums[j] += row[j];
    }
    for (size_t j = 0; j < COLS; j++)
        s->dbias[j] = (float)s->sums[j];
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    size_t max_n = argc > 2 ? strtoull(argv[2], NULL, 10) : (size_t)64 << 20;
    size_t min_n = argc > 3 ? strtoull(argv[3], NULL, 10) : (size_t)1 << 20;
    if (min_n < COLS) min_n = COLS;
    actfn_set_num_threads(threads);
    size_t max_rows = max_n / COLS;
    state s = {0};
    s.x = aligned_alloc(64, max_rows * COLS * sizeof(float));
    s.dy = aligned_alloc(64, max_rows * COLS * sizeof(float));
    s.dx = aligned_alloc(64, max_rows * COLS * sizeof(float));
    s.y = aligned_alloc(64, max_rows * COLS * sizeof(float));
    s.bias = aligned_alloc(64, COLS * sizeof(float));
    s.dbias = malloc(COLS * sizeof(float));
    s.sums = malloc(COLS * sizeof(double));
    s.mask = malloc(max_rows * actfn_mask_row_bytes(COLS));
    if (!s.x || !s.dy || !s.dx || !s.y || !s.bias || !s.dbias || !s.sums || !s.mask) {
        fprintf(stderr, "bench_layers: out of memory for n = %zu\n", max_n);
        return 1;
    }
    for (size_t i = 0; i < max_rows * COLS; i++) {
        s.x[i] = (float)((double)(i % 1000) / 50.0 - 10.0);
        s.dy[i] = 1.0f;
    }
    for (size_t j = 0; j < COLS; j++)
        s.bias[j] = (float)j / COLS - 0.5f;
    s.relu = actfn_op_init(ACTFN_RELU);
    if (actfn_activity_init(&s.activity, COLS) != ACTFN_OK) return 1;
    for (size_t n = min_n / COLS * COLS; n <= max_rows * COLS; n *= 4) {
        s.batch = (actfn_batch){n / COLS, COLS, COLS};
        actfn_mask_forward(&s.relu, ACTFN_F32, &s.batch, s.x, s.y, s.mask, NULL);
        report_measurement(threads, "limit", "memcpy", n, median_ns_per_element(run_memcpy, &s, n));
        report_measurement(threads, "limit", "a + b", n, median_ns_per_element(run_add, &s, n));
        report_measurement(threads, "relu backward from x", "actfn", n,
                           median_ns_per_element(run_backward_from_x, &s, n));
        report_measurement(threads, "relu backward from a 1-bit mask", "actfn", n,
                           median_ns_per_element(run_backward_from_mask, &s, n));
        report_measurement(threads, "relu forward, rows of 1024", "actfn", n,
                           median_ns_per_element(run_forward_plain, &s, n));
        report_measurement(threads, "relu forward writing a 1-bit mask", "actfn", n,
                           median_ns_per_element(run_forward_with_mask, &s, n));
        report_measurement(threads, "relu forward writing a 1-bit mask and counts", "actfn", n,
                           median_ns_per_element(run_forward_with_mask_and_counts, &s, n));
        report_measurement(threads, "bias + relu forward, fused", "actfn", n,
                           median_ns_per_element(run_bias_fused, &s, n));
        report_measurement(threads, "bias + relu forward, bias add then relu", "actfn", n,
                           median_ns_per_element(run_bias_separate, &s, n));
        report_measurement(threads, "bias + relu backward, fused (dx and dbias)", "actfn", n,
                           median_ns_per_element(run_bias_backward_fused, &s, n));
        report_measurement(threads, "bias + relu backward, fused, rows of 32", "actfn", n,
                           median_ns_per_element(run_bias_backward_narrow, &s, n));
        report_measurement(threads, "bias + relu backward, add, backward, then column sums",
                           "actfn", n, median_ns_per_element(run_bias_backward_separate, &s, n));
    }
    return 0;
}
