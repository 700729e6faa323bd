/* SPDX-License-Identifier: MIT */
/* Gated linear units: y = a * g(b) for any op g as the gate (actfn_glu_forward and
 * _backward, flat and in torch's concatenated rows). Each result is a g(b) rounded once
 * from almost its exact value: by one kernel where the ISA has it (kernel_table.h's
 * glu_forward: f32 in double lanes, exact products for the gates that only select), else
 * a block at a time with the inputs widened to double and the gate's f64 kernel (or
 * reference) applied there. The gate at ACTFN_FAST in f32 runs its fast kernel and the
 * products in float instead. */
#include "layers/glu_rows.h"
#include "layers/layer_call.h"

#include "api/errors.h"
#include "api/op_descriptor.h"
#include "route/dispatch.h"
#include "route/threads.h"
#include "spec/dtypes.h"
#include "spec/element_access.h"

#include <string.h>

/* values a block (the double scratch of the accurate path, 2 KiB an array); the fast
 * path's float blocks are FAST_BLOCK long, to keep the per-call cost of its kernels low */
enum { GLU_BLOCK = 256, FAST_BLOCK = 2048 };

typedef struct glu_call {
    const op_def *def;
    op_params params;
    actfn_dtype dtype;
    forward_kernel forward;   /* the gate's f64 kernel, NULL: its reference */
    backward_kernel backward; /* the same for its backward */
    backward_kernel gated;    /* a g(b) in one kernel (kernel_table.h), or NULL */
    forward_kernel fast;      /* f32 at ACTFN_FAST: the gate's fast kernel, then products */
    backward_kernel fast_backward;
    /* the arrays, as rows of cols elements (one row for the flat calls); strides in
     * bytes. dy NULL: a forward into y, else a backward into da and db. */
    const char *a, *b, *dy;
    char *y, *da, *db;
    size_t ab_stride, dy_stride, out_stride, cols;
} glu_call;

static actfn_status prepare(const char *function, const actfn_op *gate, actfn_dtype dtype,
                            glu_call *c) {
    if (gate == NULL) return fail(ACTFN_ERR_NULL_POINTER, "%s: gate is NULL", function);
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(gate, dtype, &c->def, &c->params));
    c->dtype = dtype;
    const kernel_table *table = active_kernels();
    c->forward = table->forward[SLOT_F64][gate->kind];
    c->backward = table->backward[SLOT_F64][gate->kind];
    c->gated = dtype == ACTFN_F32   ? table->glu_forward[SLOT_F32][gate->kind]
               : dtype == ACTFN_F64 ? table->glu_forward[SLOT_F64][gate->kind]
                                    : NULL;
    /* the fast tier where the gate has a fast kernel of its own, and not for the gates
     * that only select, whose product kernel is exact and faster still */
    bool fast = dtype == ACTFN_F32 && gate->accuracy == ACTFN_FAST && !c->def->selects_only &&
                table->forward[SLOT_F32_FAST][gate->kind] != table->forward[SLOT_F32][gate->kind];
    c->fast = fast ? table->forward[SLOT_F32_FAST][gate->kind] : NULL;
    c->fast_backward = fast ? table->backward[SLOT_F32_FAST][gate->kind] : NULL;
    return ACTFN_OK;
}

/* g(b) in double for m values */
static void gate_forward(const glu_call *c, const double *b, double *g, size_t m) {
    if (c->forward != NULL)
        c->forward(&c->params, b, g, m);
    else
        for (size_t i = 0; i < m; i++)
            g[i] = c->def->forward(b[i], &c->params);
}

/* dy * g'(b) in double for m values */
static void gate_backward(const glu_call *c, const double *b, const double *dy, double *out,
                          size_t m) {
    if (c->backward != NULL)
        c->backward(&c->params, b, dy, out, m);
    else
        for (size_t i = 0; i < m; i++)
            out[i] = c->def->backward(b[i], dy[i], &c->params);
}

/* m elements from index start widened to double, exactly: typed loops that vectorize for
 * f32 and f64, element by element for the 16-bit types. */
static void widen(actfn_dtype dtype, const char *array, size_t start, double *wide, size_t m) {
    if (dtype == ACTFN_F32) {
        const float *in = (const float *)array + start;
        for (size_t j = 0; j < m; j++)
            wide[j] = in[j];
    } else if (dtype == ACTFN_F64) {
        memcpy(wide, (const double *)array + start, m * sizeof *wide);
    } else {
        widen_row(dtype, array + start * dtype_size(dtype), wide, m);
    }
}

/* m doubles rounded once to the dtype, into index start on. */
static void store(actfn_dtype dtype, char *array, size_t start, const double *wide, size_t m) {
    if (dtype == ACTFN_F32) {
        float *out = (float *)array + start;
        for (size_t j = 0; j < m; j++)
            out[j] = (float)wide[j];
    } else if (dtype == ACTFN_F64) {
        memcpy((double *)array + start, wide, m * sizeof *wide);
    } else {
        for (size_t j = 0; j < m; j++)
            element_store(dtype, array, start + j, wide[j]);
    }
}

/* The flat forward over n elements; a block's inputs are read before its outputs are
 * written, so y may be a or b. */
/* The fast tier in f32: g(b) by the gate's fast kernel, a block at a time, and the
 * products in float (two roundings more than the accurate path: docs/semantics.md). */
static void glu_forward_fast(const glu_call *c, const float *a, const float *b, float *y,
                             size_t n) {
    float g[FAST_BLOCK];
    for (size_t i = 0; i < n; i += FAST_BLOCK) {
        size_t m = n - i < FAST_BLOCK ? n - i : FAST_BLOCK;
        c->fast(&c->params, b + i, g, m);
        for (size_t j = 0; j < m; j++)
            y[i + j] = a[i + j] * g[j];
    }
}

static void glu_backward_fast(const glu_call *c, const float *a, const float *b, const float *dy,
                              float *da, float *db, size_t n) {
    float g[FAST_BLOCK], product[FAST_BLOCK], gate_input[FAST_BLOCK];
    for (size_t i = 0; i < n; i += FAST_BLOCK) {
        size_t m = n - i < FAST_BLOCK ? n - i : FAST_BLOCK;
        memcpy(gate_input, b + i, m * sizeof *b); /* db may be b */
        c->fast(&c->params, gate_input, g, m);
        for (size_t j = 0; j < m; j++) {
            product[j] = dy[i + j] * a[i + j];
            da[i + j] = dy[i + j] * g[j]; /* after a and dy of this element are read */
        }
        c->fast_backward(&c->params, gate_input, product, db + i, m);
    }
}

static void glu_forward_flat(const glu_call *c, const char *a, const char *b, char *y, size_t n) {
    if (c->fast != NULL) {
        glu_forward_fast(c, (const float *)a, (const float *)b, (float *)y, n);
        return;
    }
    if (c->gated != NULL) { /* each vector read before its own outputs are written */
        c->gated(&c->params, b, a, y, n);
        return;
    }
    double wide_a[GLU_BLOCK], wide_b[GLU_BLOCK], g[GLU_BLOCK];
    for (size_t i = 0; i < n; i += GLU_BLOCK) {
        size_t m = n - i < GLU_BLOCK ? n - i : GLU_BLOCK;
        widen(c->dtype, a, i, wide_a, m);
        widen(c->dtype, b, i, wide_b, m);
        gate_forward(c, wide_b, g, m);
        for (size_t j = 0; j < m; j++)
            wide_a[j] *= g[j];
        store(c->dtype, y, i, wide_a, m);
    }
}

/* da = dy g(b) and db = (dy a) g'(b), a block at a time: the block's inputs are widened
 * before any output is written, so da may be a or dy and db may be b or dy. */
static void glu_backward_flat(const glu_call *c, const char *a, const char *b, const char *dy,
                              char *da, char *db, size_t n) {
    if (c->fast != NULL && c->fast_backward != NULL) {
        glu_backward_fast(c, (const float *)a, (const float *)b, (const float *)dy, (float *)da,
                          (float *)db, n);
        return;
    }
    double wide_a[GLU_BLOCK], wide_b[GLU_BLOCK], wide_dy[GLU_BLOCK], out[GLU_BLOCK];
    size_t size = dtype_size(c->dtype);
    for (size_t i = 0; i < n; i += GLU_BLOCK) {
        size_t m = n - i < GLU_BLOCK ? n - i : GLU_BLOCK;
        widen(c->dtype, a, i, wide_a, m);
        widen(c->dtype, b, i, wide_b, m);
        widen(c->dtype, dy, i, wide_dy, m);
        for (size_t j = 0; j < m; j++)
            wide_a[j] *= wide_dy[j]; /* dy a: exact unless f64 */
        if (c->gated != NULL) {
            c->gated(&c->params, b + i * size, dy + i * size, da + i * size, m);
        } else {
            gate_forward(c, wide_b, out, m);
            for (size_t j = 0; j < m; j++)
                out[j] *= wide_dy[j];
            store(c->dtype, da, i, out, m);
        }
        gate_backward(c, wide_b, wide_a, out, m);
        store(c->dtype, db, i, out, m);
    }
}

/* Elements begin .. end of the call's rows, counted row after row. */
static void glu_range(void *context, size_t begin, size_t end) {
    const glu_call *c = context;
    size_t size = dtype_size(c->dtype);
    for (size_t r = begin / c->cols, col = begin % c->cols; begin < end; r++, col = 0) {
        size_t m = c->cols - col < end - begin ? c->cols - col : end - begin;
        size_t in = r * c->ab_stride + col * size, out = r * c->out_stride + col * size;
        if (c->dy == NULL)
            glu_forward_flat(c, c->a + in, c->b + in, c->y + out, m);
        else
            glu_backward_flat(c, c->a + in, c->b + in, c->dy + r * c->dy_stride + col * size,
                              c->da + out, c->db + out, m);
        begin += m;
    }
}

/* Below this many elements a GLU runs on the calling thread alone. Measured on the
 * 2-core Zen 5 (one against two threads): the computing gates' f32 forward costs
 * 0.4-1.5 ns an element, so a second thread pays from about 8K; the gates that only
 * select stream three arrays at memory speed, as relu, from 64K. */
#define GLU_PARALLEL_MIN        ((size_t)1 << 13)
#define GLU_PARALLEL_MIN_SELECT ((size_t)1 << 16)

static void run(glu_call *c, size_t rows) {
    size_t n = rows * c->cols;
    size_t threshold = c->def->selects_only ? GLU_PARALLEL_MIN_SELECT : GLU_PARALLEL_MIN;
    if (n >= threshold)
        parallel_for(n, 64 / dtype_size(c->dtype), glu_range, c);
    else
        glu_range(c, 0, n);
}

actfn_status actfn_glu_forward(const actfn_op *gate, actfn_dtype dtype, const void *a,
                               const void *b, void *y, size_t n) {
    static const char function[] = "actfn_glu_forward";
    glu_call c;
    CHECK(prepare(function, gate, dtype, &c));
    CHECK(check_extent(function, 1, n, n, dtype));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {a, b, y};
    CHECK(check_pointers(function, 3, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, y, bytes, a, bytes, true));
    CHECK(check_output(function, y, bytes, b, bytes, true));
    c.a = a, c.b = b, c.dy = NULL, c.y = y;
    c.ab_stride = c.out_stride = bytes, c.cols = n;
    run(&c, 1);
    return ACTFN_OK;
}

actfn_status actfn_glu_backward(const actfn_op *gate, actfn_dtype dtype, const void *a,
                                const void *b, const void *dy, void *da, void *db, size_t n) {
    static const char function[] = "actfn_glu_backward";
    glu_call c;
    CHECK(prepare(function, gate, dtype, &c));
    CHECK(check_extent(function, 1, n, n, dtype));
    if (n == 0) return ACTFN_OK;
    const void *arrays[] = {a, b, dy, da, db};
    CHECK(check_pointers(function, 5, arrays));
    size_t bytes = n * dtype_size(dtype);
    CHECK(check_output(function, da, bytes, db, bytes, false));
    CHECK(check_output(function, da, bytes, a, bytes, true));
    CHECK(check_output(function, da, bytes, dy, bytes, true));
    CHECK(check_output(function, da, bytes, b, bytes, false));
    CHECK(check_output(function, db, bytes, b, bytes, true));
    CHECK(check_output(function, db, bytes, dy, bytes, true));
    CHECK(check_output(function, db, bytes, a, bytes, false));
    c.a = a, c.b = b, c.dy = dy, c.da = da, c.db = db;
    c.ab_stride = c.dy_stride = c.out_stride = bytes, c.cols = n;
    run(&c, 1);
    return ACTFN_OK;
}

void glu_halves(actfn_glu_order order, size_t cols, size_t *value, size_t *gate) {
    *value = order == ACTFN_GLU_GATE_FIRST ? cols : 0;
    *gate = order == ACTFN_GLU_GATE_FIRST ? 0 : cols;
}

actfn_status check_row_stride(const char *function, size_t rows, size_t stride, size_t width,
                              actfn_dtype dtype) {
    if (stride < width)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: a row stride of %zu is below %zu", function,
                    stride, width);
    return check_extent(function, rows, stride, width, dtype);
}

actfn_status check_glu_layout(const char *function, actfn_dtype dtype, actfn_glu_order order,
                              size_t rows, size_t cols, size_t x_stride) {
    if (order != ACTFN_GLU_VALUE_FIRST && order != ACTFN_GLU_GATE_FIRST)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: order %d is not an actfn_glu_order", function,
                    (int)order);
    if (cols > SIZE_MAX / 2)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: cols %zu is too large", function, cols);
    return check_row_stride(function, rows, x_stride, 2 * cols, dtype);
}

size_t glu_rows_span(size_t rows, size_t stride, size_t width, actfn_dtype dtype) {
    return ((rows - 1) * stride + width) * dtype_size(dtype);
}

actfn_status check_glu_forward_rows(const char *function, actfn_dtype dtype, actfn_glu_order order,
                                    size_t rows, size_t cols, const void *x, size_t x_stride,
                                    const void *y, size_t y_stride, bool *empty) {
    *empty = true;
    CHECK(check_glu_layout(function, dtype, order, rows, cols, x_stride));
    CHECK(check_row_stride(function, rows, y_stride, cols, dtype));
    if (rows == 0 || cols == 0) return ACTFN_OK;
    const void *arrays[] = {x, y};
    CHECK(check_pointers(function, 2, arrays));
    CHECK(check_output(function, y, glu_rows_span(rows, y_stride, cols, dtype), x,
                       glu_rows_span(rows, x_stride, 2 * cols, dtype), false));
    *empty = false;
    return ACTFN_OK;
}

actfn_status actfn_glu_forward_rows(const actfn_op *gate, actfn_dtype dtype, actfn_glu_order order,
                                    size_t rows, size_t cols, const void *x, size_t x_stride,
                                    void *y, size_t y_stride) {
    static const char function[] = "actfn_glu_forward_rows";
    glu_call c;
    CHECK(prepare(function, gate, dtype, &c));
    bool empty;
    CHECK(check_glu_forward_rows(function, dtype, order, rows, cols, x, x_stride, y, y_stride,
                                 &empty));
    if (empty) return ACTFN_OK;
    size_t value, gate_half, size = dtype_size(dtype);
    glu_halves(order, cols, &value, &gate_half);
    c.a = (const char *)x + value * size, c.b = (const char *)x + gate_half * size;
    c.dy = NULL, c.y = y;
    c.ab_stride = x_stride * size, c.out_stride = y_stride * size, c.cols = cols;
    run(&c, rows);
    return ACTFN_OK;
}

actfn_status actfn_glu_backward_rows(const actfn_op *gate, actfn_dtype dtype, actfn_glu_order order,
                                     size_t rows, size_t cols, const void *x, size_t x_stride,
                                     const void *dy, size_t dy_stride, void *dx, size_t dx_stride) {
    static const char function[] = "actfn_glu_backward_rows";
    glu_call c;
    CHECK(prepare(function, gate, dtype, &c));
    CHECK(check_glu_layout(function, dtype, order, rows, cols, x_stride));
    CHECK(check_row_stride(function, rows, dy_stride, cols, dtype));
    CHECK(check_row_stride(function, rows, dx_stride, 2 * cols, dtype));
    if (rows == 0 || cols == 0) return ACTFN_OK;
    const void *arrays[] = {x, dy, dx};
    CHECK(check_pointers(function, 3, arrays));
    size_t dx_bytes = glu_rows_span(rows, dx_stride, 2 * cols, dtype);
    CHECK(check_output(function, dx, dx_bytes, x, glu_rows_span(rows, x_stride, 2 * cols, dtype),
                       false));
    CHECK(check_output(function, dx, dx_bytes, dy, glu_rows_span(rows, dy_stride, cols, dtype),
                       false));
    size_t value, gate_half, size = dtype_size(dtype);
    glu_halves(order, cols, &value, &gate_half);
    c.a = (const char *)x + value * size, c.b = (const char *)x + gate_half * size;
    c.dy = dy, c.da = (char *)dx + value * size, c.db = (char *)dx + gate_half * size;
    c.ab_stride = x_stride * size, c.dy_stride = dy_stride * size;
    c.out_stride = dx_stride * size, c.cols = cols;
    run(&c, rows);
    return ACTFN_OK;
}

actfn_status actfn_glu_gate_from_name(const char *name, actfn_op *gate) {
    static const struct {
        const char *name;
        actfn_kind gate;
    } variants[] = {{"glu", ACTFN_SIGMOID}, {"swiglu", ACTFN_SILU},
                    {"geglu", ACTFN_GELU},  {"geglu_tanh", ACTFN_GELU_TANH},
                    {"reglu", ACTFN_RELU},  {"squared_reglu", ACTFN_SQUARED_RELU}};
    if (name == NULL || gate == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_glu_gate_from_name: %s is NULL",
                    name == NULL ? "name" : "gate");
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++)
        if (strcmp(name, variants[i].name) == 0) {
            *gate = actfn_op_init(variants[i].gate);
            return ACTFN_OK;
        }
    return fail(ACTFN_ERR_UNKNOWN_OP,
                "actfn_glu_gate_from_name: unknown GLU variant '%s' (glu, swiglu, geglu, "
                "geglu_tanh, reglu, squared_reglu)",
                name);
}
