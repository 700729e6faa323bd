/* SPDX-License-Identifier: MIT */
/* The interface between the library (gpu/cuda_api.c, which validates every call) and
 * libactfn_cuda.so, the CUDA kernels, loaded with dlopen on the first CUDA call: the
 * library itself needs no CUDA to build, load or run. Every function returns 0 or a CUDA
 * error code (cudaError_t), which error_string names. Arrays are device pointers (or
 * managed memory); work is queued on stream (a cudaStream_t; NULL: the default stream)
 * and not waited for. */
#ifndef ACTFN_CUDA_PLUGIN_H
#define ACTFN_CUDA_PLUGIN_H

#include "spec/op_table.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUDA_PLUGIN_ABI 1

typedef struct cuda_plugin {
    int abi; /* CUDA_PLUGIN_ABI */
    int (*device_count)(int *count);
    const char *(*error_string)(int code);
    /* *device = whether p points to memory a kernel on the current device can read */
    int (*is_device_memory)(const void *p, int *device);
    /* y = f(x); nudge: the op's above_half_x_near_zero (16-bit rounding near 0) */
    int (*forward)(actfn_kind kind, actfn_dtype dtype, const op_params *p, int nudge, const void *x,
                   void *y, size_t n, void *stream);
    /* dx = dy f'(v), v = x, or v = y with from_output (the op serves it) */
    int (*backward)(actfn_kind kind, actfn_dtype dtype, const op_params *p, int from_output,
                    const void *v, const void *dy, void *dx, size_t n, void *stream);
    /* The layer ops of actfn.h on a batch rows x cols, rows stride elements apart. */
    int (*mask_forward)(actfn_kind kind, actfn_dtype dtype, const op_params *p, int zero_bit,
                        size_t rows, size_t cols, size_t stride, const void *x, void *y,
                        uint8_t *mask, uint64_t *active, void *stream);
    int (*mask_backward)(actfn_dtype dtype, double slope, size_t rows, size_t cols, size_t stride,
                         const uint8_t *mask, const void *dy, void *dx, void *stream);
    int (*bias_forward)(actfn_kind kind, actfn_dtype dtype, const op_params *p, int nudge,
                        size_t rows, size_t cols, size_t stride, const void *x, const void *bias,
                        void *y, void *stream);
    int (*prelu_forward)(actfn_dtype dtype, size_t rows, size_t cols, size_t stride, const void *x,
                         const void *slopes, void *y, void *stream);
    int (*synchronize)(void *stream);
} cuda_plugin;

/* The one symbol libactfn_cuda.so exports. */
const cuda_plugin *actfn_cuda_plugin(void);

#ifdef __cplusplus
}
#endif

#endif
