/* SPDX-License-Identifier: MIT */
/* Routing a validated call: the active ISA's kernel or the scalar reference, on one
 * thread or split across the pool. The policy lives here; the kernels only compute. */
#include "route/dispatch.h"
#include "spec/dtypes.h"
#include "route/run.h"
#include "route/threads.h"

/* Below these sizes a second thread costs more than it saves. Measured on the 2-core
 * AVX-512 development VM (f32, 1 vs 2 threads, best of 50), with the pool's workers
 * spinning briefly between calls (threads.c): sigmoid 1.0x at 4K, 1.7x at 8K, 1.8x from
 * 32K; relu 1.0x at 8K, 1.34x at 16K, 1.63x at 64K, 1.85x at 256K. The scalar reference
 * costs nanoseconds per element, so a few thousand already pay for the second thread. */
#define PARALLEL_MIN_MEMORY_BOUND  ((size_t)1 << 14)
#define PARALLEL_MIN_COMPUTE_BOUND ((size_t)1 << 13)
#define PARALLEL_MIN_SCALAR        ((size_t)1 << 12)
/* From this size on, an out-of-place forward of a memory-bound op streams its output
 * past the caches (non-temporal stores). Measured on the development VM, relu against
 * memcpy, one thread: 0.96x at 1M with ordinary stores; streaming 1.52x at 4M, 1.49x at
 * 16M, 0.97x at 64M (where glibc's memcpy streams too). */
#define STREAMING_MIN ((size_t)1 << 22)
#define CACHE_LINE    64

/* f16 and bf16 compute in float: the f32 slot here; run_forward and run_backward swap
 * in the fast tier's kernel, whose bound narrow_loops.c's check allows for. */
static int slot_of(actfn_dtype dtype, const op_params *params) {
    if (dtype == ACTFN_F64) return SLOT_F64;
    return dtype == ACTFN_F32 && params->accuracy == ACTFN_FAST ? SLOT_F32_FAST : SLOT_F32;
}

static size_t size_of(actfn_dtype dtype) {
    return dtype_size(dtype);
}

static size_t parallel_threshold(actfn_kind kind, actfn_dtype dtype, bool has_kernel) {
    if (!has_kernel || dtype_is_narrow(dtype)) return PARALLEL_MIN_SCALAR;
    return actfn_op_table[kind].exact ? PARALLEL_MIN_MEMORY_BOUND : PARALLEL_MIN_COMPUTE_BOUND;
}

typedef struct call {
    actfn_kind kind;
    const op_params *params;
    actfn_dtype dtype;
    forward_kernel forward;
    forward_kernel narrow_direct; /* a 16-bit forward on the bit patterns, if any */
    backward_kernel backward;
    bool fast_kernel; /* 16-bit: forward or backward is the fast tier's f32 kernel */
    scalar_backward_fn reference_backward; /* when backward is NULL */
    const char *input, *gradient;
    char *output;
} call;

static void forward_range(void *context, size_t begin, size_t end) {
    const call *c = context;
    size_t offset = begin * size_of(c->dtype);
    if (c->narrow_direct != NULL)
        c->narrow_direct(c->params, c->input + offset, c->output + offset, end - begin);
    else if (dtype_is_narrow(c->dtype))
        narrow_forward(&actfn_op_table[c->kind], c->forward, c->fast_kernel, c->params, c->dtype,
                       c->input + offset, c->output + offset, end - begin);
    else if (c->forward != NULL)
        c->forward(c->params, c->input + offset, c->output + offset, end - begin);
    else
        reference_forward(&actfn_op_table[c->kind], c->params, c->dtype, c->input + offset,
                          c->output + offset, end - begin);
}

static void backward_range(void *context, size_t begin, size_t end) {
    const call *c = context;
    size_t offset = begin * size_of(c->dtype);
    if (dtype_is_narrow(c->dtype))
        narrow_backward(c->backward, c->fast_kernel, c->reference_backward, c->params, c->dtype,
                        c->input + offset, c->gradient + offset, c->output + offset, end - begin);
    else if (c->backward != NULL)
        c->backward(c->params, c->input + offset, c->gradient + offset, c->output + offset,
                    end - begin);
    else
        reference_backward(c->reference_backward, c->params, c->dtype, c->input + offset,
                           c->gradient + offset, c->output + offset, end - begin);
}

static void run(call *c, void (*range)(void *, size_t, size_t), bool has_kernel, size_t n) {
    if (n >= parallel_threshold(c->kind, c->dtype, has_kernel))
        parallel_for(n, CACHE_LINE / size_of(c->dtype), range, c);
    else
        range(c, 0, n);
}

void run_forward(actfn_kind kind, const op_params *params, actfn_dtype dtype, const void *x,
                 void *y, size_t n) {
    const kernel_table *table = active_kernels();
    forward_kernel kernel = table->forward[slot_of(dtype, params)][kind];
    if (kernel != NULL && !dtype_is_narrow(dtype) && n < parallel_threshold(kind, dtype, true)) {
        kernel(params, x, y, n); /* one thread, no streaming: no call record to build */
        return;
    }
    call c = {.kind = kind, .params = params, .dtype = dtype, .input = x, .output = y};
    c.forward = kernel;
    if (dtype_is_narrow(dtype)) {
        c.narrow_direct =
            table->forward_narrow[dtype == ACTFN_F16 ? NARROW_F16 : NARROW_BF16][kind];
        /* correctly rounded either way: f16 and bf16 take the fast kernel, where the op
         * has one, with the wider check around its midpoints (narrow_loops.c). f16's lie
         * 8x closer (1 result in about 700 recomputed), which paid only once the
         * recomputation was batched through the f64 kernels: one thread, 16K, f16 fast
         * against accurate kernel, ns per element: sigmoid 0.32 / 0.51, tanh 0.30 / 0.73,
         * gelu 0.60 / 1.05, elu 0.32 / 0.50. */
        forward_kernel fast = table->forward[SLOT_F32_FAST][kind];
        c.fast_kernel = fast != NULL && fast != kernel;
        if (c.fast_kernel) c.forward = fast;
    }
    /* streaming stores need y aligned to its elements: they start at a vector boundary */
    if (n >= STREAMING_MIN && x != y && !dtype_is_narrow(dtype) &&
        (uintptr_t)y % size_of(dtype) == 0 &&
        table->forward_stream[slot_of(dtype, params)][kind] != NULL)
        c.forward = table->forward_stream[slot_of(dtype, params)][kind];
    run(&c, forward_range, c.forward != NULL, n);
}

void run_backward(actfn_kind kind, bool from_output, const op_params *params, actfn_dtype dtype,
                  const void *v, const void *dy, void *dx, size_t n) {
    const kernel_table *table = active_kernels();
    backward_kernel kernel = from_output ? table->backward_from_output[slot_of(dtype, params)][kind]
                                         : table->backward[slot_of(dtype, params)][kind];
    if (kernel != NULL && !dtype_is_narrow(dtype) && n < parallel_threshold(kind, dtype, true)) {
        kernel(params, v, dy, dx, n);
        return;
    }
    const op_def *def = &actfn_op_table[kind];
    call c = {
        .kind = kind, .params = params, .dtype = dtype, .input = v, .gradient = dy, .output = dx};
    c.backward = kernel;
    c.reference_backward = from_output ? def->backward_from_output : def->backward;
    /* as the forward (backwards, f16, 16K: silu 0.60 / 1.48, gelu 0.73 / 2.61, elu 0.34 /
     * 0.56, sigmoid 0.55 / 0.52); from y: the accurate kernel */
    if (dtype_is_narrow(dtype) && !from_output) {
        backward_kernel fast = table->backward[SLOT_F32_FAST][kind];
        c.fast_kernel = fast != NULL && fast != kernel;
        if (c.fast_kernel) c.backward = fast;
    }
    run(&c, backward_range, c.backward != NULL, n);
}
