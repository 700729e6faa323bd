/* SPDX-License-Identifier: MIT */
/* The gated linear units, f32, y = a g(b) on n outputs from rows [a | b] of 2n values
 * (one row: torch's glu at dim=-1): actfn's accurate and fast tiers against ggml's CPU
 * formulas written plainly (ggml_vec_swiglu_f32 and its siblings: g in float with expf /
 * tanhf / erff, times a, compiled here at -O3 -march=native), with memcpy of n floats as
 * the limit. Prints the tab-separated lines of bench_peers (threads, op, implementation,
 * n, ns per output).
 *
 * usage: bench_glu THREADS MAX_N */
#include "actfn.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct state {
    float *x, *y; /* x: 2n values, [a | b]; y: n */
    size_t n;
    actfn_op gate;
} state;

static void run_memcpy(void *p) {
    state *s = p;
    memcpy(s->y, s->x, s->n * sizeof(float));
}

static void run_actfn(void *p) {
    state *s = p;
    actfn_glu_forward_rows(&s->gate, ACTFN_F32, ACTFN_GLU_VALUE_FIRST, 1, s->n, s->x, 2 * s->n,
                           s->y, s->n);
}

/* ggml's formulas: silu(b) a, sigmoid(b) a, gelu(b) a (tanh form, and erf) */
static void run_ggml_swiglu(void *p) {
    state *s = p;
    const float *restrict a = s->x, *restrict b = s->x + s->n;
    float *restrict y = s->y;
    for (size_t i = 0; i < s->n; i++)
        y[i] = b[i] / (1.0f + expf(-b[i])) * a[i];
}

static void run_ggml_glu(void *p) {
    state *s = p;
    const float *restrict a = s->x, *restrict b = s->x + s->n;
    float *restrict y = s->y;
    for (size_t i = 0; i < s->n; i++)
        y[i] = 1.0f / (1.0f + expf(-b[i])) * a[i];
}

static void run_ggml_geglu_tanh(void *p) {
    state *s = p;
    const float *restrict a = s->x, *restrict b = s->x + s->n;
    float *restrict y = s->y;
    for (size_t i = 0; i < s->n; i++) {
        float v = b[i];
        y[i] = 0.5f * v * (1.0f + tanhf(0.7978845608f * v * (1.0f + 0.044715f * v * v))) * a[i];
    }
}

static void run_ggml_geglu_erf(void *p) {
    state *s = p;
    const float *restrict a = s->x, *restrict b = s->x + s->n;
    float *restrict y = s->y;
    for (size_t i = 0; i < s->n; i++)
        y[i] = 0.5f * b[i] * (1.0f + erff(b[i] * 0.70710678f)) * a[i];
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    size_t max_n = argc > 2 ? strtoull(argv[2], NULL, 0) : (size_t)1 << 24;
    actfn_set_num_threads(threads);
    state s = {malloc(2 * max_n * sizeof(float)), malloc(max_n * sizeof(float)), 0, {0}};
    if (s.x == NULL || s.y == NULL) {
        fprintf(stderr, "bench_glu: out of memory for n = %zu\n", max_n);
        return 1;
    }
    for (size_t i = 0; i < 2 * max_n; i++)
        s.x[i] = (float)((double)((i * 7) % 1000) / 50.0 - 10.0);
    static const struct {
        const char *op, *variant;
        void (*ggml)(void *);
    } variants[] = {{"swiglu forward", "swiglu", run_ggml_swiglu},
                    {"glu forward", "glu", run_ggml_glu},
                    {"geglu_tanh forward", "geglu_tanh", run_ggml_geglu_tanh},
                    {"geglu forward", "geglu", run_ggml_geglu_erf}};
    for (s.n = 1024; s.n <= max_n; s.n *= 4) {
        report_measurement(threads, "limit", "memcpy", s.n,
                           median_ns_per_element(run_memcpy, &s, s.n));
        for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
            if (actfn_glu_gate_from_name(variants[v].variant, &s.gate) != ACTFN_OK) return 1;
            report_measurement(threads, variants[v].op, "actfn", s.n,
                               median_ns_per_element(run_actfn, &s, s.n));
            s.gate.accuracy = ACTFN_FAST;
            report_measurement(threads, variants[v].op, "actfn fast", s.n,
                               median_ns_per_element(run_actfn, &s, s.n));
            report_measurement(threads, variants[v].op, "ggml (formula)", s.n,
                               median_ns_per_element(variants[v].ggml, &s, s.n));
        }
    }
    free(s.x), free(s.y);
    return 0;
}
