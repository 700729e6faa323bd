/* Helpers for writing a kernel once for both dtypes. A kernel source defines its
 * element-wise bodies in a file included twice, after this header has mapped T (the
 * element type), V / M (vector and mask), LANES, VOP(name) (the vf_ / vd_ primitive)
 * and SUFFIX (f32 / f64) to one dtype. */
#ifndef ACTFN_KERNEL_TEMPLATE_H
#define ACTFN_KERNEL_TEMPLATE_H

#include "vec/vec.h"
#include "kernels/kernel_table.h"

#include <stdint.h>

#define CONCAT_(a, b) a##_##b
#define CONCAT(a, b)  CONCAT_(a, b)
/* relu_forward -> relu_forward_f32_avx2 */
#define KERNEL(name)       CONCAT(CONCAT(name, SUFFIX), VEC_ISA_SUFFIX)
#define ISA_FUNCTION(name) CONCAT(name, VEC_ISA_SUFFIX)

/* A forward kernel from body(V x, const CONSTANTS *k): four vectors per iteration,
 * then whole vectors, then one masked tail. */
#define DEFINE_FORWARD_KERNEL(name, body)                                                          \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        for (; i + 4 * LANES <= n; i += 4 * LANES) {                                               \
            V a = VOP(load)(x + i), b = VOP(load)(x + i + LANES);                                  \
            V c = VOP(load)(x + i + 2 * LANES), d = VOP(load)(x + i + 3 * LANES);                  \
            VOP(store)(y + i, body(a, &k));                                                        \
            VOP(store)(y + i + LANES, body(b, &k));                                                \
            VOP(store)(y + i + 2 * LANES, body(c, &k));                                            \
            VOP(store)(y + i + 3 * LANES, body(d, &k));                                            \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(y + i, body(VOP(load)(x + i), &k));                                         \
        if (i < n) VOP(store_tail)(y + i, body(VOP(load_tail)(x + i, n - i), &k), n - i);          \
    }

/* A forward kernel for a long body (the float-lane smooth ops): one vector per iteration.
 * The out-of-order core overlaps iterations by itself; unrolling only spills registers. */
#define DEFINE_LONG_FORWARD_KERNEL(name, body)                                                     \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(y + i, body(VOP(load)(x + i), &k));                                         \
        if (i < n) VOP(store_tail)(y + i, body(VOP(load_tail)(x + i, n - i), &k), n - i);          \
    }

/* The same forward with non-temporal stores, for arrays far larger than the caches: the
 * output does not displace the input from the cache, and is not read before it is
 * written (no write-allocate). Stores start once y is aligned to VEC_BYTES. */
#define DEFINE_STREAMING_FORWARD_KERNEL(name, body)                                                \
    static void KERNEL(name##_stream)(const op_params *p, const void *input, void *output,         \
                                      size_t n) {                                                  \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t misalignment = ((uintptr_t)y % VEC_BYTES) / sizeof(T);                              \
        size_t i = misalignment == 0 ? 0 : LANES - misalignment;                                   \
        if (i > n) i = n;                                                                          \
        if (i > 0) VOP(store_tail)(y, body(VOP(load_tail)(x, i), &k), i);                          \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            V a = VOP(load)(x + i), b = VOP(load)(x + i + LANES);                                  \
            VOP(store_stream)(y + i, body(a, &k));                                                 \
            VOP(store_stream)(y + i + LANES, body(b, &k));                                         \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store_stream)(y + i, body(VOP(load)(x + i), &k));                                  \
        if (i < n) VOP(store_tail)(y + i, body(VOP(load_tail)(x + i, n - i), &k), n - i);          \
        stream_fence();                                                                            \
    }

/* A backward kernel from body(V v, V dy, const CONSTANTS *k). */
#define DEFINE_BACKWARD_KERNEL(name, body)                                                         \
    static void KERNEL(name)(const op_params *p, const void *input, const void *gradient,          \
                             void *output, size_t n) {                                             \
        const T *v = input, *dy = gradient;                                                        \
        T *dx = output;                                                                            \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            V a = VOP(load)(v + i), b = VOP(load)(v + i + LANES);                                  \
            V da = VOP(load)(dy + i), db = VOP(load)(dy + i + LANES);                              \
            VOP(store)(dx + i, body(a, da, &k));                                                   \
            VOP(store)(dx + i + LANES, body(b, db, &k));                                           \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(dx + i, body(VOP(load)(v + i), VOP(load)(dy + i), &k));                     \
        if (i < n) VOP(store_tail)                                                                 \
        (dx + i, body(VOP(load_tail)(v + i, n - i), VOP(load_tail)(dy + i, n - i), &k), n - i);    \
    }

/* An f32 backward kernel from body(vf v, vf dy, const CONSTANTS *k), one vector at a
 * time, where a vector for which falls_back(v, dy, &k) holds (a lane in a far tail, a NaN,
 * a non-finite dy: rare lanes) is computed by the scalar reference, element by element. */
#define DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(name, body, falls_back, reference)                    \
    static inline void name##_one_vector(const op_params *p, const CONSTANTS *k, const float *x,   \
                                         const float *dy, float *dx, vf v, vf g) {                 \
        if (falls_back(v, g, k)) {                                                                 \
            for (size_t j = 0; j < VF_LANES; j++)                                                  \
                dx[j] = (float)reference(x[j], dy[j], p);                                          \
        } else {                                                                                   \
            vf_store(dx, body(v, g, k));                                                           \
        }                                                                                          \
    }                                                                                              \
    static void KERNEL(name)(const op_params *p, const void *input, const void *gradient,          \
                             void *output, size_t n) {                                             \
        const float *x = input, *dy = gradient;                                                    \
        float *dx = output;                                                                        \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        /* two vectors a step, one test for both in the usual case that neither falls back */      \
        for (; i + 2 * VF_LANES <= n; i += 2 * VF_LANES) {                                         \
            vf a = vf_load(x + i), b = vf_load(x + i + VF_LANES);                                  \
            vf da = vf_load(dy + i), db = vf_load(dy + i + VF_LANES);                              \
            if (falls_back(a, da, &k) | falls_back(b, db, &k)) {                                   \
                name##_one_vector(p, &k, x + i, dy + i, dx + i, a, da);                            \
                name##_one_vector(p, &k, x + i + VF_LANES, dy + i + VF_LANES, dx + i + VF_LANES,   \
                                  b, db);                                                          \
                continue;                                                                          \
            }                                                                                      \
            vf_store(dx + i, body(a, da, &k));                                                     \
            vf_store(dx + i + VF_LANES, body(b, db, &k));                                          \
        }                                                                                          \
        for (; i + VF_LANES <= n; i += VF_LANES)                                                   \
            name##_one_vector(p, &k, x + i, dy + i, dx + i, vf_load(x + i), vf_load(dy + i));      \
        if (i < n) {                                                                               \
            size_t m = n - i;                                                                      \
            vf v = vf_load_tail(x + i, m), g = vf_load_tail(dy + i, m);                            \
            if (falls_back(v, g, &k)) {                                                            \
                for (size_t j = i; j < n; j++)                                                     \
                    dx[j] = (float)reference(x[j], dy[j], p);                                      \
            } else {                                                                               \
                vf_store_tail(dx + i, body(v, g, &k), m);                                          \
            }                                                                                      \
        }                                                                                          \
    }

/* An f32 kernel that serves only part of its op's parameter range (serves, an expression
 * of p), and the scalar reference for the rest. */
#define DEFINE_PARTIAL_KERNEL(name, kernel, serves, reference)                                     \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, void *output,            \
                                   size_t n) {                                                     \
        if (serves) {                                                                              \
            KERNEL(kernel)(p, input, output, n);                                                   \
            return;                                                                                \
        }                                                                                          \
        const float *x = input;                                                                    \
        float *y = output;                                                                         \
        for (size_t i = 0; i < n; i++)                                                             \
            y[i] = (float)reference(x[i], p);                                                      \
    }

/* The same for a backward. */
#define DEFINE_PARTIAL_BACKWARD_KERNEL(name, kernel, serves, reference)                            \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, const void *gradient,    \
                                   void *output, size_t n) {                                       \
        if (serves) {                                                                              \
            KERNEL(kernel)(p, input, gradient, output, n);                                         \
            return;                                                                                \
        }                                                                                          \
        const float *x = input, *dy = gradient;                                                    \
        float *dx = output;                                                                        \
        for (size_t i = 0; i < n; i++)                                                             \
            dx[i] = (float)reference(x[i], dy[i], p);                                              \
    }

#endif
