/* SPDX-License-Identifier: MIT */
/* Throughput of actfn, oneDNN and XNNPACK (from Debian's packages) and of the physical
 * limits (memcpy; a 3-stream a + b for backwards), f32, at n = 1K .. 64M. Prints one
 * tab-separated line per measurement: threads, op, implementation, n, ns per element.
 * bench/run.sh adds NumPy and PyTorch and turns it all into bench/RESULTS.md.
 *
 * usage: bench_peers THREADS MAX_N [ROWS]   (THREADS: 1, or 0 for all; set OMP_NUM_THREADS
 *        and ACTFN_NUM_THREADS to match, as run.sh does; ROWS: only the rows whose name
 *        contains it, e.g. "gelu", to measure one op while working on it) */
#include "actfn.h"
#include "peer_cases.h"
#include "timing.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct arrays {
    float *x, *dy, *y;
    size_t n;
} arrays;

/* ---- the limits ---------------------------------------------------------------- */

static void run_memcpy(void *state) {
    arrays *a = state;
    memcpy(a->y, a->x, a->n * sizeof *a->x);
}

static void run_add(void *state) {
    arrays *a = state;
    float *restrict y = a->y;
    const float *restrict x = a->x, *restrict dy = a->dy;
    for (size_t i = 0; i < a->n; i++)
        y[i] = x[i] + dy[i];
}

/* ---- actfn ----------------------------------------------------------------------- */

typedef struct actfn_case {
    arrays *a;
    actfn_op op;
    int mode; /* 0 forward, 1 forward in place, 2 backward */
} actfn_case;

static void run_actfn(void *state) {
    actfn_case *c = state;
    arrays *a = c->a;
    if (c->mode == 0)
        actfn_forward(&c->op, ACTFN_F32, a->x, a->y, a->n);
    else if (c->mode == 1)
        actfn_forward(&c->op, ACTFN_F32, a->y, a->y, a->n);
    else
        actfn_backward(&c->op, ACTFN_F32, a->x, a->dy, a->y, a->n);
}

/* ---- oneDNN ---------------------------------------------------------------------- */

static int onednn_prepare(onednn_case *c, arrays *a, dnnl_alg_kind_t algorithm, float alpha,
                          int mode) {
    memset(c, 0, sizeof *c);
    dnnl_dims_t dims = {(dnnl_dim_t)a->n};
    dnnl_memory_desc_t md;
    if (dnnl_engine_create(&c->engine, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&md, 1, dims, dnnl_f32, dnnl_a) != dnnl_success)
        return 0;
    dnnl_eltwise_desc_t forward_desc;
    dnnl_primitive_desc_t forward_pd = NULL, pd = NULL;
    dnnl_eltwise_forward_desc_init(&forward_desc,
                                   mode == 2 ? dnnl_forward_training : dnnl_forward_inference,
                                   algorithm, &md, alpha, 0);
    if (dnnl_primitive_desc_create(&forward_pd, &forward_desc, NULL, c->engine, NULL) !=
        dnnl_success)
        return 0;
    pd = forward_pd;
    if (mode == 2) {
        dnnl_eltwise_desc_t backward_desc;
        dnnl_eltwise_backward_desc_init(&backward_desc, algorithm, &md, &md, alpha, 0);
        if (dnnl_primitive_desc_create(&pd, &backward_desc, NULL, c->engine, forward_pd) !=
            dnnl_success)
            return 0;
        c->backward = 1;
    }
    if (dnnl_primitive_create(&c->primitive, pd) != dnnl_success) return 0;
    float *input = mode == 1 ? a->y : a->x;
    dnnl_memory_create(&c->src, &md, c->engine, input);
    dnnl_memory_create(&c->dst, &md, c->engine, a->y);
    dnnl_memory_create(&c->diff, &md, c->engine, a->dy);
    if (pd != forward_pd) dnnl_primitive_desc_destroy(pd);
    dnnl_primitive_desc_destroy(forward_pd);
    return 1;
}

/* ---- XNNPACK --------------------------------------------------------------------- */

/* ---- the rows -------------------------------------------------------------------- */

typedef struct row {
    const char *op;
    actfn_kind kind;
    int mode;               /* 0 forward, 1 in place, 2 backward */
    dnnl_alg_kind_t onednn; /* 0: none */
    float alpha;
    int xnnpack; /* 0 none, 1 clamp at 0, 2 leaky, 3 sigmoid, 4 elu, 5 clamp to [0, 6],
                    6 clamp to [-1, 1], 7 hardswish */
    actfn_accuracy accuracy;
} row;

static const row rows[] = {
    {"relu forward", ACTFN_RELU, 0, dnnl_eltwise_relu, 0, 1},
    {"relu forward in place", ACTFN_RELU, 1, dnnl_eltwise_relu, 0, 1},
    {"relu backward", ACTFN_RELU, 2, dnnl_eltwise_relu, 0, 0},
    {"leaky_relu forward", ACTFN_LEAKY_RELU, 0, dnnl_eltwise_relu, 0.01f, 2},
    {"relu6 forward", ACTFN_RELU6, 0, 0, 0, 5},
    {"hardtanh forward", ACTFN_HARDTANH, 0, 0, 0, 6},
    /* exact ops: one kernel for both tiers but hardswish's forward (oneDNN here has no
     * hardsigmoid) */
    {"hardswish forward", ACTFN_HARDSWISH, 0, dnnl_eltwise_hardswish, 0, 7},
    {"hardswish forward fast", ACTFN_HARDSWISH, 0, dnnl_eltwise_hardswish, 0, 7, ACTFN_FAST},
    {"hardsigmoid forward", ACTFN_HARDSIGMOID, 0, 0, 0, 0},
    {"sigmoid forward", ACTFN_SIGMOID, 0, dnnl_eltwise_logistic, 0, 3},
    {"tanh forward", ACTFN_TANH, 0, dnnl_eltwise_tanh, 0, 0},
    {"gelu forward", ACTFN_GELU, 0, dnnl_eltwise_gelu_erf, 0, 0},
    {"silu forward", ACTFN_SILU, 0, dnnl_eltwise_swish, 1, 0},
    {"elu forward", ACTFN_ELU, 0, dnnl_eltwise_elu, 1, 4},
    {"gelu_tanh forward", ACTFN_GELU_TANH, 0, dnnl_eltwise_gelu_tanh, 0, 0},
    {"mish forward", ACTFN_MISH, 0, dnnl_eltwise_mish, 0, 0},
    {"softplus forward", ACTFN_SOFTPLUS, 0, dnnl_eltwise_soft_relu, 0, 0},
    {"logsigmoid forward", ACTFN_LOGSIGMOID, 0, dnnl_eltwise_logsigmoid, 0, 0},
    /* the fast tier (ACTFN_FAST) against the same peers */
    {"sigmoid forward fast", ACTFN_SIGMOID, 0, dnnl_eltwise_logistic, 0, 3, ACTFN_FAST},
    {"tanh forward fast", ACTFN_TANH, 0, dnnl_eltwise_tanh, 0, 0, ACTFN_FAST},
    {"gelu forward fast", ACTFN_GELU, 0, dnnl_eltwise_gelu_erf, 0, 0, ACTFN_FAST},
    {"gelu_tanh forward fast", ACTFN_GELU_TANH, 0, dnnl_eltwise_gelu_tanh, 0, 0, ACTFN_FAST},
    {"silu forward fast", ACTFN_SILU, 0, dnnl_eltwise_swish, 1, 0, ACTFN_FAST},
    {"elu forward fast", ACTFN_ELU, 0, dnnl_eltwise_elu, 1, 4, ACTFN_FAST},
    {"mish forward fast", ACTFN_MISH, 0, dnnl_eltwise_mish, 0, 0, ACTFN_FAST},
    {"softplus forward fast", ACTFN_SOFTPLUS, 0, dnnl_eltwise_soft_relu, 0, 0, ACTFN_FAST},
    {"logsigmoid forward fast", ACTFN_LOGSIGMOID, 0, dnnl_eltwise_logsigmoid, 0, 0, ACTFN_FAST},
    /* the backwards from x (oneDNN's eltwise backward from src), both tiers */
    {"sigmoid backward", ACTFN_SIGMOID, 2, dnnl_eltwise_logistic, 0, 0},
    {"sigmoid backward fast", ACTFN_SIGMOID, 2, dnnl_eltwise_logistic, 0, 0, ACTFN_FAST},
    {"tanh backward", ACTFN_TANH, 2, dnnl_eltwise_tanh, 0, 0},
    {"tanh backward fast", ACTFN_TANH, 2, dnnl_eltwise_tanh, 0, 0, ACTFN_FAST},
    {"elu backward", ACTFN_ELU, 2, dnnl_eltwise_elu, 1, 0},
    {"elu backward fast", ACTFN_ELU, 2, dnnl_eltwise_elu, 1, 0, ACTFN_FAST},
    {"softplus backward", ACTFN_SOFTPLUS, 2, dnnl_eltwise_soft_relu, 0, 0},
    {"softplus backward fast", ACTFN_SOFTPLUS, 2, dnnl_eltwise_soft_relu, 0, 0, ACTFN_FAST},
    {"silu backward", ACTFN_SILU, 2, dnnl_eltwise_swish, 1, 0},
    {"silu backward fast", ACTFN_SILU, 2, dnnl_eltwise_swish, 1, 0, ACTFN_FAST},
    {"gelu backward", ACTFN_GELU, 2, dnnl_eltwise_gelu_erf, 0, 0},
    {"gelu backward fast", ACTFN_GELU, 2, dnnl_eltwise_gelu_erf, 0, 0, ACTFN_FAST},
    {"gelu_tanh backward", ACTFN_GELU_TANH, 2, dnnl_eltwise_gelu_tanh, 0, 0},
    {"gelu_tanh backward fast", ACTFN_GELU_TANH, 2, dnnl_eltwise_gelu_tanh, 0, 0, ACTFN_FAST},
    {"mish backward", ACTFN_MISH, 2, dnnl_eltwise_mish, 0, 0},
    {"mish backward fast", ACTFN_MISH, 2, dnnl_eltwise_mish, 0, 0, ACTFN_FAST},
    {"hardswish backward", ACTFN_HARDSWISH, 2, dnnl_eltwise_hardswish, 0, 0},
    {"hardswish backward fast", ACTFN_HARDSWISH, 2, dnnl_eltwise_hardswish, 0, 0, ACTFN_FAST},
    {"hardsigmoid backward", ACTFN_HARDSIGMOID, 2, 0, 0, 0},
    {"logsigmoid backward", ACTFN_LOGSIGMOID, 2, dnnl_eltwise_logsigmoid, 0, 0},
};

static int xnnpack_prepare(xnnpack_case *c, const row *r, arrays *a, int threads) {
    c->pool = threads == 1 ? NULL : pthreadpool_create(0);
    enum xnn_status status = xnn_status_unsupported_parameter;
    size_t n = a->n;
    float *input = r->mode == 1 ? a->y : a->x;
    switch (r->xnnpack) {
    case 1:
        status = xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, INFINITY, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_clamp_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    case 5:
    case 6:
        status = xnn_create_clamp_nc_f32(1, 1, 1, r->xnnpack == 5 ? 0.0f : -1.0f,
                                         r->xnnpack == 5 ? 6.0f : 1.0f, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_clamp_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    case 2:
        status = xnn_create_leaky_relu_nc_f32(1, 1, 1, r->alpha, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_leaky_relu_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    case 3:
        status = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_sigmoid_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    case 4:
        status = xnn_create_elu_nc_f32(1, 1, 1, r->alpha, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_elu_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    case 7:
        status = xnn_create_hardswish_nc_f32(1, 1, 1, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_hardswish_nc_f32(c->op, n, input, a->y, c->pool);
        break;
    }
    return status == xnn_status_success;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    size_t max_n = argc > 2 ? strtoull(argv[2], NULL, 10) : (size_t)64 << 20;
    const char *only = argc > 3 ? argv[3] : "";
    actfn_set_num_threads(threads);
    if (xnn_initialize(NULL) != xnn_status_success) {
        fprintf(stderr, "bench_peers: XNNPACK failed to initialize\n");
        return 1;
    }
    arrays a = {0};
    a.x = aligned_alloc(64, max_n * sizeof(float));
    a.dy = aligned_alloc(64, max_n * sizeof(float));
    a.y = aligned_alloc(64, max_n * sizeof(float));
    if (a.x == NULL || a.dy == NULL || a.y == NULL) {
        fprintf(stderr, "bench_peers: out of memory for n = %zu\n", max_n);
        return 1;
    }
    for (size_t i = 0; i < max_n; i++) {
        a.x[i] = (float)((double)(i % 1000) / 50.0 - 10.0);
        a.dy[i] = 1.0f;
        a.y[i] = a.x[i];
    }
    for (size_t n = 1024; n <= max_n; n *= 4) {
        a.n = n;
        report_measurement(threads, "limit", "memcpy", n, median_ns_per_element(run_memcpy, &a, n));
        report_measurement(threads, "limit", "a + b", n, median_ns_per_element(run_add, &a, n));
        for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
            if (strstr(rows[r].op, only) == NULL) continue;
            actfn_case ac = {&a, actfn_op_init(rows[r].kind), rows[r].mode};
            ac.op.accuracy = rows[r].accuracy;
            report_measurement(threads, rows[r].op, "actfn", n,
                               median_ns_per_element(run_actfn, &ac, n));
            onednn_case oc;
            if (rows[r].onednn != 0 &&
                onednn_prepare(&oc, &a, rows[r].onednn, rows[r].alpha, rows[r].mode)) {
                report_measurement(threads, rows[r].op, "oneDNN", n,
                                   median_ns_per_element(run_onednn, &oc, n));
                onednn_release(&oc);
            }
            xnnpack_case xc = {0};
            if (rows[r].xnnpack != 0 && xnnpack_prepare(&xc, &rows[r], &a, threads)) {
                report_measurement(threads, rows[r].op, "XNNPACK", n,
                                   median_ns_per_element(run_xnnpack, &xc, n));
                xnn_delete_operator(xc.op);
            }
            if (xc.pool != NULL) pthreadpool_destroy(xc.pool);
        }
    }
    free(a.x);
    free(a.dy);
    free(a.y);
    return 0;
}
