/* SPDX-License-Identifier: MIT */
/* Throughput of actfn on the 16-bit and 8-bit types against oneDNN (bf16, s8 eltwise) and
 * XNNPACK (f16 clamp, s8 and u8 clamp, qs8 and qu8 sigmoid), and against a memcpy of the
 * same bytes; the quantized rows both through actfn_forward_quantized and a prepared op.
 * Prints the same tab-separated lines as bench_peers: threads, op, implementation, n, ns
 * per element; the op names end in the type, and the limit rows are "memcpy 2 B" and
 * "memcpy 1 B" (bytes per element).
 *
 * usage: bench_narrow THREADS MAX_N   (as bench_peers) */
#include "actfn.h"
#include "peer_cases.h"
#include "timing.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buffers {
    void *x, *y;
    size_t n, element_size;
} buffers;

static void run_memcpy(void *state) {
    buffers *b = state;
    memcpy(b->y, b->x, b->n * b->element_size);
}

typedef struct actfn_case {
    buffers *b;
    actfn_op op;
    actfn_dtype dtype;
    actfn_quantization input, output;
    actfn_quantized_op *prepared; /* the quantized rows' second actfn row */
} actfn_case;

static int is_quantized(actfn_dtype dtype) {
    return dtype == ACTFN_S8 || dtype == ACTFN_U8;
}

static void run_actfn(void *state) {
    actfn_case *c = state;
    if (is_quantized(c->dtype))
        actfn_forward_quantized(&c->op, c->dtype, &c->input, &c->output, c->b->x, c->b->y, c->b->n);
    else
        actfn_forward(&c->op, c->dtype, c->b->x, c->b->y, c->b->n);
}

static void run_actfn_prepared(void *state) {
    actfn_case *c = state;
    actfn_quantized_run(c->prepared, c->b->x, c->b->y, c->b->n);
}

static int onednn_prepare(onednn_case *c, buffers *b, dnnl_data_type_t type,
                          dnnl_alg_kind_t algorithm) {
    memset(c, 0, sizeof *c);
    dnnl_dims_t dims = {(dnnl_dim_t)b->n};
    dnnl_memory_desc_t md;
    dnnl_eltwise_desc_t desc;
    dnnl_primitive_desc_t pd = NULL;
    if (dnnl_engine_create(&c->engine, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&md, 1, dims, type, dnnl_a) != dnnl_success ||
        dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &md, 0, 0) !=
            dnnl_success ||
        dnnl_primitive_desc_create(&pd, &desc, NULL, c->engine, NULL) != dnnl_success)
        return 0;
    int ok = dnnl_primitive_create(&c->primitive, pd) == dnnl_success;
    dnnl_primitive_desc_destroy(pd);
    if (!ok) return 0;
    dnnl_memory_create(&c->src, &md, c->engine, b->x);
    dnnl_memory_create(&c->dst, &md, c->engine, b->y);
    return 1;
}

typedef struct row {
    const char *op;
    actfn_kind kind;
    actfn_dtype dtype;
    dnnl_data_type_t onednn_type; /* dnnl_data_type_undef: none */
    dnnl_alg_kind_t onednn;
    int xnnpack; /* 0 none, 1 f16 clamp, 2 s8 clamp, 3 qs8 sigmoid, 4 u8 clamp, 5 qu8 sigmoid */
    /* the quantized rows' input and output quantizations, XNNPACK's the same */
    actfn_quantization input, output;
} row;

/* relu: one quantization on both sides (a clamp at the zero point); sigmoid: XNNPACK's
 * output quantization for it, 1/256 with the zero point at the type's minimum. */
#define RELU_S8                                                                                    \
    {0.05, 0}, {                                                                                   \
        0.05, 0                                                                                    \
    }
#define RELU_U8                                                                                    \
    {0.05, 128}, {                                                                                 \
        0.05, 128                                                                                  \
    }
#define SIGMOID_S8                                                                                 \
    {0.05, 0}, {                                                                                   \
        1.0 / 256, -128                                                                            \
    }
#define SIGMOID_U8                                                                                 \
    {0.05, 128}, {                                                                                 \
        1.0 / 256, 0                                                                               \
    }
static const row rows[] = {
    {"relu forward f16", ACTFN_RELU, ACTFN_F16, dnnl_data_type_undef, 0, 1},
    {"sigmoid forward f16", ACTFN_SIGMOID, ACTFN_F16, dnnl_data_type_undef, 0, 0},
    {"relu forward bf16", ACTFN_RELU, ACTFN_BF16, dnnl_bf16, dnnl_eltwise_relu, 0},
    {"sigmoid forward bf16", ACTFN_SIGMOID, ACTFN_BF16, dnnl_bf16, dnnl_eltwise_logistic, 0},
    {"relu forward s8", ACTFN_RELU, ACTFN_S8, dnnl_s8, dnnl_eltwise_relu, 2, RELU_S8},
    {"sigmoid forward s8", ACTFN_SIGMOID, ACTFN_S8, dnnl_data_type_undef, 0, 3, SIGMOID_S8},
    {"relu forward u8", ACTFN_RELU, ACTFN_U8, dnnl_data_type_undef, 0, 4, RELU_U8},
    {"sigmoid forward u8", ACTFN_SIGMOID, ACTFN_U8, dnnl_data_type_undef, 0, 5, SIGMOID_U8},
};

static int xnnpack_prepare(xnnpack_case *c, const row *r, buffers *b, int threads) {
    c->pool = threads == 1 ? NULL : pthreadpool_create(0);
    enum xnn_status status = xnn_status_unsupported_parameter;
    switch (r->xnnpack) {
    case 1:
        status = xnn_create_clamp_nc_f16(1, 1, 1, 0.0f, INFINITY, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_clamp_nc_f16(c->op, b->n, b->x, b->y, c->pool);
        break;
    case 2:
        status = xnn_create_clamp_nc_s8(1, 1, 1, 0, 127, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_clamp_nc_s8(c->op, b->n, b->x, b->y, c->pool);
        break;
    case 3:
        status = xnn_create_sigmoid_nc_qs8(1, 1, 1, (int8_t)r->input.zero_point,
                                           (float)r->input.scale, (int8_t)r->output.zero_point,
                                           (float)r->output.scale, -128, 127, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_sigmoid_nc_qs8(c->op, b->n, b->x, b->y, c->pool);
        break;
    case 4:
        status = xnn_create_clamp_nc_u8(1, 1, 1, (uint8_t)r->input.zero_point, 255, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_clamp_nc_u8(c->op, b->n, b->x, b->y, c->pool);
        break;
    case 5:
        status = xnn_create_sigmoid_nc_qu8(1, 1, 1, (uint8_t)r->input.zero_point,
                                           (float)r->input.scale, (uint8_t)r->output.zero_point,
                                           (float)r->output.scale, 0, 255, 0, &c->op);
        if (status == xnn_status_success)
            status = xnn_setup_sigmoid_nc_qu8(c->op, b->n, b->x, b->y, c->pool);
        break;
    }
    return status == xnn_status_success;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    size_t max_n = argc > 2 ? strtoull(argv[2], NULL, 10) : (size_t)64 << 20;
    actfn_set_num_threads(threads);
    if (xnn_initialize(NULL) != xnn_status_success) {
        fprintf(stderr, "bench_narrow: XNNPACK failed to initialize\n");
        return 1;
    }
    uint16_t *x16 = aligned_alloc(64, max_n * 2), *xb16 = aligned_alloc(64, max_n * 2);
    uint16_t *y = aligned_alloc(64, max_n * 2);
    int8_t *x8 = aligned_alloc(64, max_n), *y8 = aligned_alloc(64, max_n);
    if (x16 == NULL || xb16 == NULL || y == NULL || x8 == NULL || y8 == NULL) {
        fprintf(stderr, "bench_narrow: out of memory for n = %zu\n", max_n);
        return 1;
    }
    /* the values of bench_peers, -10 .. 10, in each type */
    for (size_t i = 0; i < max_n; i++) {
        float f = (float)((double)(i % 1000) / 50.0 - 10.0);
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        x16[i] = _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
        xb16[i] = (uint16_t)(bits >> 16);
        x8[i] = (int8_t)((int)(i % 256) - 128);
    }
    for (size_t n = 1024; n <= max_n; n *= 4) {
        buffers f16 = {x16, y, n, 2}, bf16 = {xb16, y, n, 2}, one = {x8, y8, n, 1};
        report_measurement(threads, "limit", "memcpy 2 B", n,
                           median_ns_per_element(run_memcpy, &f16, n));
        report_measurement(threads, "limit", "memcpy 1 B", n,
                           median_ns_per_element(run_memcpy, &one, n));
        for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
            buffers *b = is_quantized(rows[r].dtype)  ? &one
                         : rows[r].dtype == ACTFN_F16 ? &f16
                                                      : &bf16;
            actfn_case ac = {
                b, actfn_op_init(rows[r].kind), rows[r].dtype, rows[r].input, rows[r].output, NULL};
            report_measurement(threads, rows[r].op, "actfn", n,
                               median_ns_per_element(run_actfn, &ac, n));
            if (is_quantized(rows[r].dtype) &&
                actfn_quantized_create(&ac.op, ac.dtype, &ac.input, &ac.output, &ac.prepared) ==
                    ACTFN_OK) {
                report_measurement(threads, rows[r].op, "actfn prepared", n,
                                   median_ns_per_element(run_actfn_prepared, &ac, n));
                actfn_quantized_destroy(ac.prepared);
            }
            onednn_case oc;
            if (rows[r].onednn_type != dnnl_data_type_undef &&
                onednn_prepare(&oc, b, rows[r].onednn_type, rows[r].onednn)) {
                report_measurement(threads, rows[r].op, "oneDNN", n,
                                   median_ns_per_element(run_onednn, &oc, n));
                onednn_release(&oc);
            }
            xnnpack_case xc = {0};
            if (rows[r].xnnpack != 0 && xnnpack_prepare(&xc, &rows[r], b, threads)) {
                report_measurement(threads, rows[r].op, "XNNPACK", n,
                                   median_ns_per_element(run_xnnpack, &xc, n));
                xnn_delete_operator(xc.op);
            }
            if (xc.pool != NULL) pthreadpool_destroy(xc.pool);
        }
    }
    free(x16), free(xb16), free(y), free(x8), free(y8);
    return 0;
}
