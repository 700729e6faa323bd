/* SPDX-License-Identifier: MIT */
/* Quantized GLUs (int8 / uint8): y = requantize(a * g(b)) with a and b dequantized. The
 * 256 real values of a byte of a and the gate at the 256 of b are computed once a call
 * (the gate through its f64 kernel, accurate tier), so each element is two lookups, a
 * product and a requantization (api/quantization.h, the rounding of every quantized op). */
#include "layers/glu_rows.h"
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "api/quantization.h"
#include "route/run.h"
#include "route/threads.h"

/* Below this many outputs a call runs on the calling thread alone: an element costs
 * about 1 ns here (two lookups, a product, a division), so a second thread pays from
 * about 16K. */
#define QUANTIZED_GLU_PARALLEL_MIN ((size_t)1 << 14)

typedef struct quantized_glu {
    double value[256]; /* a's byte -> its real value */
    double gate[256];  /* b's byte -> g at its real value */
    actfn_dtype dtype;
    actfn_quantization output;
    /* the arrays, as rows of cols outputs (one row for the flat call) */
    const uint8_t *a, *b; /* the first row's value and gate halves */
    size_t a_stride, b_stride;
    uint8_t *y;
    size_t y_stride, cols;
} quantized_glu;

static actfn_status prepare(const char *function, const actfn_op *gate, actfn_dtype dtype,
                            const actfn_quantization *a_q, const actfn_quantization *b_q,
                            const actfn_quantization *y_q, quantized_glu *q) {
    if (gate == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: gate is NULL", function);
    CHECK(check_quantized_dtype(function, dtype));
    const op_def *def;
    op_params params;
    CHECK(op_prepare(gate, ACTFN_F64, &def, &params));
    CHECK(check_quantization(function, "value (a)", dtype, a_q));
    CHECK(check_quantization(function, "gate (b)", dtype, b_q));
    CHECK(check_quantization(function, "output", dtype, y_q));
    params.accuracy = ACTFN_ACCURATE; /* computed once a call: as exact as it can be */
    dequantized_bytes(dtype, a_q, q->value);
    dequantized_bytes(dtype, b_q, q->gate);
    run_forward(gate->kind, &params, ACTFN_F64, q->gate, q->gate, 256);
    q->dtype = dtype;
    q->output = *y_q;
    return ACTFN_OK;
}

/* Outputs begin .. end of the rows, counted row after row. */
static void glu_range(void *context, size_t begin, size_t end) {
    const quantized_glu *q = context;
    for (size_t r = begin / q->cols, c = begin % q->cols; begin < end; r++, c = 0) {
        size_t m = q->cols - c < end - begin ? q->cols - c : end - begin;
        const uint8_t *a = q->a + r * q->a_stride + c, *b = q->b + r * q->b_stride + c;
        uint8_t *y = q->y + r * q->y_stride + c;
        for (size_t j = 0; j < m; j++)
            y[j] = (uint8_t)requantize(q->dtype, &q->output, q->value[a[j]] * q->gate[b[j]]);
        begin += m;
    }
}

static void run(quantized_glu *q, size_t rows) {
    size_t n = rows * q->cols;
    if (n >= QUANTIZED_GLU_PARALLEL_MIN)
        parallel_for(n, 64, glu_range, q);
    else
        glu_range(q, 0, n);
}

actfn_status actfn_glu_forward_quantized(const actfn_op *gate, actfn_dtype dtype,
                                         const actfn_quantization *a_quantization,
                                         const actfn_quantization *b_quantization,
                                         const actfn_quantization *y_quantization, const void *a,
                                         const void *b, void *y, size_t n) {
    static const char function[] = "actfn_glu_forward_quantized";
    quantized_glu q;
    CHECK(prepare(function, gate, dtype, a_quantization, b_quantization, y_quantization, &q));
    CHECK(check_extent(function, 1, n, n, dtype));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {a, b, y};
    CHECK(check_pointers(function, 3, arrays));
    CHECK(check_output(function, y, n, a, n, true));
    CHECK(check_output(function, y, n, b, n, true));
    q.a = a, q.b = b, q.y = y, q.cols = n;
    q.a_stride = q.b_stride = q.y_stride = n;
    run(&q, 1);
    return ACTFN_OK;
}

actfn_status actfn_glu_forward_rows_quantized(const actfn_op *gate, actfn_dtype dtype,
                                              const actfn_quantization *x_quantization,
                                              const actfn_quantization *y_quantization,
                                              actfn_glu_order order, size_t rows, size_t cols,
                                              const void *x, size_t x_stride, void *y,
                                              size_t y_stride) {
    static const char function[] = "actfn_glu_forward_rows_quantized";
    quantized_glu q;
    CHECK(prepare(function, gate, dtype, x_quantization, x_quantization, y_quantization, &q));
    bool empty;
    CHECK(check_glu_forward_rows(function, dtype, order, rows, cols, x, x_stride, y, y_stride,
                                 &empty));
    if (empty) return ACTFN_OK;
    size_t value, gate_half;
    glu_halves(order, cols, &value, &gate_half);
    q.a = (const uint8_t *)x + value, q.b = (const uint8_t *)x + gate_half;
    q.a_stride = q.b_stride = x_stride;
    q.y = y, q.y_stride = y_stride, q.cols = cols;
    run(&q, rows);
    return ACTFN_OK;
}
