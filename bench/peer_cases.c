/* SPDX-License-Identifier: MIT */
#include "peer_cases.h"

void run_onednn(void *state) {
    onednn_case *c = state;
    if (c->backward) {
        dnnl_exec_arg_t args[3] = {
            {DNNL_ARG_SRC, c->src}, {DNNL_ARG_DIFF_DST, c->diff}, {DNNL_ARG_DIFF_SRC, c->dst}};
        dnnl_primitive_execute(c->primitive, c->stream, 3, args);
    } else {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_DST, c->dst}};
        dnnl_primitive_execute(c->primitive, c->stream, 2, args);
    }
    dnnl_stream_wait(c->stream);
}

void onednn_release(onednn_case *c) {
    dnnl_memory_destroy(c->src);
    dnnl_memory_destroy(c->dst);
    if (c->diff != NULL) dnnl_memory_destroy(c->diff);
    dnnl_primitive_destroy(c->primitive);
    dnnl_stream_destroy(c->stream);
    dnnl_engine_destroy(c->engine);
}

void run_xnnpack(void *state) {
    xnnpack_case *c = state;
    xnn_run_operator(c->op, c->pool);
}
