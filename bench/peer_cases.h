/* SPDX-License-Identifier: MIT */
/* A prepared oneDNN eltwise primitive or XNNPACK operator, and running and releasing it:
 * what bench_peers and bench_narrow share (each prepares its own cases). */
#ifndef ACTFN_BENCH_PEER_CASES_H
#define ACTFN_BENCH_PEER_CASES_H

#include <oneapi/dnnl/dnnl.h>
#include <pthreadpool.h>
#include <xnnpack.h>

typedef struct onednn_case {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_t primitive;
    dnnl_memory_t src, dst, diff; /* diff: for a backward only */
    int backward;
} onednn_case;

/* Executes the primitive once and waits for it (a forward: src -> dst; a backward: src
 * and diff -> dst). */
void run_onednn(void *state);
void onednn_release(onednn_case *c);

typedef struct xnnpack_case {
    xnn_operator_t op;
    pthreadpool_t pool;
} xnnpack_case;

void run_xnnpack(void *state);

#endif
