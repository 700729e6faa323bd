/* SPDX-License-Identifier: MIT */
/* libactfn_cuda.so: the CUDA kernels of every op, forward and backward, in every float
 * dtype, and the layer ops, behind the table of plugin.h. f32 forwards and backwards of
 * the ops that do arithmetic run the CPU's SIMD kernel bodies, one lane a thread
 * (lane_ops.cuh); every other element is computed by the op's scalar reference in double
 * (the CPU's specification, the same source) and rounded once to the dtype: the exact
 * ops are bit-exact, the others within the CPU's bounds (tests/test_cuda.c compares the
 * two, tools/cuda_sweep measures the f32 bodies over all inputs). */
#include "cuda/elements.cuh"
#include "cuda/lane_ops.cuh"
#include "cuda/plugin.h"

#include <cuda_runtime.h>

#include <array>
#include <type_traits>
#include <utility>

namespace {

constexpr int THREADS = 256;
constexpr int PER_THREAD = 4; /* elements per thread, THREADS apart: coalesced, in flight together */

/* Blocks for n elements at THREADS * PER_THREAD each (n < 2^31 * 1024 always fits). */
unsigned blocks_for(size_t n) {
    return (unsigned)((n + (size_t)THREADS * PER_THREAD - 1) / ((size_t)THREADS * PER_THREAD));
}

/* The value f(x) stored in the dtype: f32 through lane_forward_f32; 16-bit from the same
 * float lanes where their rounding settles it (lane_forward_16), else from double,
 * nudged above x/2 where the op's exact value lies there (route/narrow_loops.c). */
template <actfn_kind K, class E>
__device__ inline typename E::type forward_element(typename E::type v, const op_params &p,
                                                   int nudge) {
    if constexpr (std::is_same<E, f32_element>::value) return lane_forward_f32<K>(v, &p);
    if constexpr (std::is_same<E, f16_element>::value || std::is_same<E, bf16_element>::value) {
        uint16_t settled;
        if (lane_forward_16<K, std::is_same<E, bf16_element>::value>(v, &p, &settled))
            return settled;
    }
    double x = E::load(v), y = forward_of<K>(x, &p);
    if (sizeof(typename E::type) == 2 && nudge && x != 0 && fabs(x) < 0x1p-60 && y == x / 2)
        y = nextafter(y, HUGE_VAL);
    return E::store(y);
}

template <actfn_kind K, class E>
__global__ void forward_kernel(op_params p, int nudge, const typename E::type *x,
                               typename E::type *y, size_t n) {
    size_t base = (size_t)blockIdx.x * THREADS * PER_THREAD + threadIdx.x;
    typename E::type v[PER_THREAD];
#pragma unroll
    for (int k = 0; k < PER_THREAD; k++)
        if (base + k * THREADS < n) v[k] = x[base + k * THREADS];
#pragma unroll
    for (int k = 0; k < PER_THREAD; k++)
        if (base + k * THREADS < n) y[base + k * THREADS] = forward_element<K, E>(v[k], p, nudge);
}

template <actfn_kind K, class E, bool FROM_OUTPUT>
__global__ void backward_kernel(op_params p, const typename E::type *v,
                                const typename E::type *dy, typename E::type *dx, size_t n) {
    size_t base = (size_t)blockIdx.x * THREADS * PER_THREAD + threadIdx.x;
    typename E::type a[PER_THREAD], g[PER_THREAD];
#pragma unroll
    for (int k = 0; k < PER_THREAD; k++)
        if (base + k * THREADS < n) {
            a[k] = v[base + k * THREADS];
            g[k] = dy[base + k * THREADS];
        }
#pragma unroll
    for (int k = 0; k < PER_THREAD; k++)
        if (base + k * THREADS < n) {
            if constexpr (std::is_same<E, f32_element>::value && !FROM_OUTPUT) {
                dx[base + k * THREADS] = lane_backward_f32<K>(a[k], g[k], &p);
                continue;
            }
            if constexpr ((std::is_same<E, f16_element>::value ||
                           std::is_same<E, bf16_element>::value) &&
                          !FROM_OUTPUT) {
                uint16_t settled;
                if (lane_backward_16<K, std::is_same<E, bf16_element>::value>(a[k], g[k], &p,
                                                                                &settled)) {
                    dx[base + k * THREADS] = settled;
                    continue;
                }
            }
            double x = E::load(a[k]), d = E::load(g[k]);
            double r = FROM_OUTPUT ? backward_from_output_of<K>(x, d, &p) : backward_of<K>(x, d, &p);
            dx[base + k * THREADS] = E::store(r);
        }
}

/* ---- the layer ops: a block covers THREADS columns of ROWS_PER_BLOCK rows ---- */
constexpr unsigned ROWS_PER_BLOCK = 32;

dim3 batch_grid(size_t rows, size_t cols) {
    return dim3((unsigned)((cols + THREADS - 1) / THREADS),
                (unsigned)((rows + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK));
}

/* relu / leaky_relu / relu6 forward with its 1-bit mask: each warp's 32 bits by one
 * ballot, written as 4 bytes by lane 0 (only the row's own bytes); the activity counts
 * summed over the block's rows in a register, then one atomic add per column. */
template <actfn_kind K, class E>
__global__ void mask_forward_kernel(op_params p, int zero_bit, size_t rows, size_t cols,
                                    size_t stride, const typename E::type *x, typename E::type *y,
                                    uint8_t *mask, unsigned long long *active) {
    size_t j = (size_t)blockIdx.x * THREADS + threadIdx.x;
    size_t r0 = (size_t)blockIdx.y * ROWS_PER_BLOCK;
    size_t row_bytes = (cols + 7) / 8;
    unsigned lane = threadIdx.x % 32;
    unsigned long long count = 0;
    for (size_t r = r0; r < r0 + ROWS_PER_BLOCK && r < rows; r++) {
        bool passes = false;
        if (j < cols) {
            typename E::type v = x[r * stride + j];
            double value = E::load(v);
            passes = value > 0 && (K != ACTFN_RELU6 || value < 6);
            passes = passes || (zero_bit && value == 0);
            count += value > 0;
            y[r * stride + j] = forward_element<K, E>(v, p, 0);
        }
        unsigned bits = __ballot_sync(0xffffffffu, passes);
        size_t first_byte = (j - lane) / 8;
        if (lane == 0)
            for (int b = 0; b < 4 && first_byte + b < row_bytes; b++)
                mask[r * row_bytes + first_byte + b] = (uint8_t)(bits >> (8 * b));
    }
    if (active != NULL && j < cols && count != 0) atomicAdd(active + j, count);
}

template <class E>
__global__ void mask_backward_kernel(double slope, size_t rows, size_t cols, size_t stride,
                                     const uint8_t *mask, const typename E::type *dy,
                                     typename E::type *dx) {
    size_t j = (size_t)blockIdx.x * THREADS + threadIdx.x;
    size_t r0 = (size_t)blockIdx.y * ROWS_PER_BLOCK;
    if (j >= cols) return;
    size_t row_bytes = (cols + 7) / 8;
    for (size_t r = r0; r < r0 + ROWS_PER_BLOCK && r < rows; r++) {
        typename E::type g = dy[r * stride + j];
        bool bit = (mask[r * row_bytes + j / 8] >> (j % 8)) & 1;
        dx[r * stride + j] = bit ? g : slope != 0 ? E::store(E::load(g) * slope) : E::store(0.0);
    }
}

/* y = f(x + bias[j]), the sum rounded to the dtype first, as a separate add would. */
template <actfn_kind K, class E>
__global__ void bias_forward_kernel(op_params p, int nudge, size_t rows, size_t cols,
                                    size_t stride, const typename E::type *x,
                                    const typename E::type *bias, typename E::type *y) {
    size_t j = (size_t)blockIdx.x * THREADS + threadIdx.x;
    size_t r0 = (size_t)blockIdx.y * ROWS_PER_BLOCK;
    if (j >= cols) return;
    double b = E::load(bias[j]);
    for (size_t r = r0; r < r0 + ROWS_PER_BLOCK && r < rows; r++) {
        typename E::type sum = E::store(E::load(x[r * stride + j]) + b);
        y[r * stride + j] = forward_element<K, E>(sum, p, nudge);
    }
}

template <class E>
__global__ void prelu_forward_kernel(size_t rows, size_t cols, size_t stride,
                                     const typename E::type *x, const typename E::type *slopes,
                                     typename E::type *y) {
    size_t j = (size_t)blockIdx.x * THREADS + threadIdx.x;
    size_t r0 = (size_t)blockIdx.y * ROWS_PER_BLOCK;
    if (j >= cols) return;
    double a = E::load(slopes[j]);
    for (size_t r = r0; r < r0 + ROWS_PER_BLOCK && r < rows; r++) {
        double v = E::load(x[r * stride + j]);
        y[r * stride + j] = E::store(v > 0 ? v : a * v);
    }
}

/* ---- host side: from (kind, dtype) at run time to the kernel instantiated for it ---- */

template <class E> using T_of = typename E::type;

template <actfn_kind K, class E>
void launch_forward(const op_params &p, int nudge, const void *x, void *y, size_t n,
                    cudaStream_t s) {
    forward_kernel<K, E><<<blocks_for(n), THREADS, 0, s>>>(p, nudge, (const T_of<E> *)x,
                                                            (T_of<E> *)y, n);
}

template <actfn_kind K, class E>
void launch_backward(const op_params &p, int from_output, const void *v, const void *dy, void *dx,
                     size_t n, cudaStream_t s) {
    if (from_output)
        backward_kernel<K, E, true><<<blocks_for(n), THREADS, 0, s>>>(
            p, (const T_of<E> *)v, (const T_of<E> *)dy, (T_of<E> *)dx, n);
    else
        backward_kernel<K, E, false><<<blocks_for(n), THREADS, 0, s>>>(
            p, (const T_of<E> *)v, (const T_of<E> *)dy, (T_of<E> *)dx, n);
}

template <actfn_kind K, class E>
void launch_bias_forward(const op_params &p, int nudge, size_t rows, size_t cols, size_t stride,
                         const void *x, const void *bias, void *y, cudaStream_t s) {
    bias_forward_kernel<K, E><<<batch_grid(rows, cols), THREADS, 0, s>>>(
        p, nudge, rows, cols, stride, (const T_of<E> *)x, (const T_of<E> *)bias, (T_of<E> *)y);
}

typedef void (*forward_launcher)(const op_params &, int, const void *, void *, size_t,
                                 cudaStream_t);
typedef void (*backward_launcher)(const op_params &, int, const void *, const void *, void *,
                                  size_t, cudaStream_t);
typedef void (*bias_launcher)(const op_params &, int, size_t, size_t, size_t, const void *,
                              const void *, void *, cudaStream_t);

/* One row per kind, one entry per dtype (in actfn_dtype's order, F32 first). */
struct launchers {
    forward_launcher forward[4];
    backward_launcher backward[4];
    bias_launcher bias_forward[4];
};

template <actfn_kind K> constexpr launchers launchers_of() {
    return launchers{
        {launch_forward<K, f32_element>, launch_forward<K, f64_element>,
         launch_forward<K, f16_element>, launch_forward<K, bf16_element>},
        {launch_backward<K, f32_element>, launch_backward<K, f64_element>,
         launch_backward<K, f16_element>, launch_backward<K, bf16_element>},
        {launch_bias_forward<K, f32_element>, launch_bias_forward<K, f64_element>,
         launch_bias_forward<K, f16_element>, launch_bias_forward<K, bf16_element>}};
}

template <int... K> constexpr auto table_of(std::integer_sequence<int, K...>) {
    return std::array<launchers, sizeof...(K)>{launchers_of<(actfn_kind)K>()...};
}


const std::array<launchers, ACTFN_KIND_COUNT> every_op =
    table_of(std::make_integer_sequence<int, ACTFN_KIND_COUNT>());

int dtype_index(actfn_dtype dtype) { return (int)dtype - (int)ACTFN_F32; }

int last_error() { return (int)cudaGetLastError(); }

int plugin_device_count(int *count) { return (int)cudaGetDeviceCount(count); }

const char *plugin_error_string(int code) {
    return cudaGetErrorString((cudaError_t)code);
}

int plugin_is_device_memory(const void *p, int *device) {
    cudaPointerAttributes a;
    cudaError_t e = cudaPointerGetAttributes(&a, p);
    if (e != cudaSuccess) return (int)e;
    *device = a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
    return 0;
}

int plugin_forward(actfn_kind kind, actfn_dtype dtype, const op_params *p, int nudge,
                              const void *x, void *y, size_t n, void *stream) {
    if (n == 0) return 0;
    every_op[kind].forward[dtype_index(dtype)](*p, nudge, x, y, n, (cudaStream_t)stream);
    return last_error();
}

int plugin_backward(actfn_kind kind, actfn_dtype dtype, const op_params *p,
                               int from_output, const void *v, const void *dy, void *dx, size_t n,
                               void *stream) {
    if (n == 0) return 0;
    every_op[kind].backward[dtype_index(dtype)](*p, from_output, v, dy, dx, n,
                                                (cudaStream_t)stream);
    return last_error();
}

template <actfn_kind K, class E>
void launch_mask_forward(const op_params *p, int zero_bit, size_t rows, size_t cols,
                         size_t stride, const void *x, void *y, uint8_t *mask, uint64_t *active,
                         cudaStream_t s) {
    mask_forward_kernel<K, E><<<batch_grid(rows, cols), THREADS, 0, s>>>(
        *p, zero_bit, rows, cols, stride, (const T_of<E> *)x, (T_of<E> *)y, mask,
        (unsigned long long *)active);
}

template <actfn_kind K>
void mask_forward_of(actfn_dtype dtype, const op_params *p, int zero_bit, size_t rows,
                     size_t cols, size_t stride, const void *x, void *y, uint8_t *mask,
                     uint64_t *active, cudaStream_t s) {
    switch (dtype) {
    case ACTFN_F32:
        launch_mask_forward<K, f32_element>(p, zero_bit, rows, cols, stride, x, y, mask, active, s);
        break;
    case ACTFN_F64:
        launch_mask_forward<K, f64_element>(p, zero_bit, rows, cols, stride, x, y, mask, active, s);
        break;
    case ACTFN_F16:
        launch_mask_forward<K, f16_element>(p, zero_bit, rows, cols, stride, x, y, mask, active, s);
        break;
    case ACTFN_BF16:
        launch_mask_forward<K, bf16_element>(p, zero_bit, rows, cols, stride, x, y, mask, active,
                                             s);
        break;
    case ACTFN_S8:
    case ACTFN_U8: break;
    }
}

int plugin_mask_forward(actfn_kind kind, actfn_dtype dtype, const op_params *p,
                                   int zero_bit, size_t rows, size_t cols, size_t stride,
                                   const void *x, void *y, uint8_t *mask, uint64_t *active,
                                   void *stream) {
    if (rows == 0 || cols == 0) return 0;
    cudaStream_t s = (cudaStream_t)stream;
    if (kind == ACTFN_RELU6)
        mask_forward_of<ACTFN_RELU6>(dtype, p, zero_bit, rows, cols, stride, x, y, mask, active, s);
    else if (kind == ACTFN_LEAKY_RELU)
        mask_forward_of<ACTFN_LEAKY_RELU>(dtype, p, zero_bit, rows, cols, stride, x, y, mask,
                                          active, s);
    else
        mask_forward_of<ACTFN_RELU>(dtype, p, zero_bit, rows, cols, stride, x, y, mask, active, s);
    return last_error();
}

template <class E>
void launch_layer_pair(int which, double slope, size_t rows, size_t cols, size_t stride,
                       const void *a, const void *b, void *out, cudaStream_t s) {
    if (which == 0)
        mask_backward_kernel<E><<<batch_grid(rows, cols), THREADS, 0, s>>>(
            slope, rows, cols, stride, (const uint8_t *)a, (const T_of<E> *)b, (T_of<E> *)out);
    else
        prelu_forward_kernel<E><<<batch_grid(rows, cols), THREADS, 0, s>>>(
            rows, cols, stride, (const T_of<E> *)a, (const T_of<E> *)b, (T_of<E> *)out);
}

int layer_pair(int which, actfn_dtype dtype, double slope, size_t rows, size_t cols,
               size_t stride, const void *a, const void *b, void *out, void *stream) {
    if (rows == 0 || cols == 0) return 0;
    cudaStream_t s = (cudaStream_t)stream;
    switch (dtype) {
    case ACTFN_F32: launch_layer_pair<f32_element>(which, slope, rows, cols, stride, a, b, out, s); break;
    case ACTFN_F64: launch_layer_pair<f64_element>(which, slope, rows, cols, stride, a, b, out, s); break;
    case ACTFN_F16: launch_layer_pair<f16_element>(which, slope, rows, cols, stride, a, b, out, s); break;
    case ACTFN_BF16: launch_layer_pair<bf16_element>(which, slope, rows, cols, stride, a, b, out, s); break;
    case ACTFN_S8:
    case ACTFN_U8: break;
    }
    return last_error();
}

int plugin_mask_backward(actfn_dtype dtype, double slope, size_t rows, size_t cols,
                                    size_t stride, const uint8_t *mask, const void *dy, void *dx,
                                    void *stream) {
    return layer_pair(0, dtype, slope, rows, cols, stride, mask, dy, dx, stream);
}

int plugin_prelu_forward(actfn_dtype dtype, size_t rows, size_t cols, size_t stride,
                                    const void *x, const void *slopes, void *y, void *stream) {
    return layer_pair(1, dtype, 0, rows, cols, stride, x, slopes, y, stream);
}

int plugin_bias_forward(actfn_kind kind, actfn_dtype dtype, const op_params *p,
                                   int nudge, size_t rows, size_t cols, size_t stride,
                                   const void *x, const void *bias, void *y, void *stream) {
    if (rows == 0 || cols == 0) return 0;
    every_op[kind].bias_forward[dtype_index(dtype)](*p, nudge, rows, cols, stride, x, bias, y,
                                                    (cudaStream_t)stream);
    return last_error();
}

int plugin_synchronize(void *stream) {
    return (int)cudaStreamSynchronize((cudaStream_t)stream);
}

const cuda_plugin the_plugin = {CUDA_PLUGIN_ABI,       plugin_device_count,
                                plugin_error_string,   plugin_is_device_memory,
                                plugin_forward,        plugin_backward,
                                plugin_mask_forward,   plugin_mask_backward,
                                plugin_bias_forward,   plugin_prelu_forward,
                                plugin_synchronize};

}  // namespace

extern "C" __attribute__((visibility("default"))) const cuda_plugin *actfn_cuda_plugin(void) {
    return &the_plugin;
}
