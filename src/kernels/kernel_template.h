/* SPDX-License-Identifier: MIT */
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

/* A compiler barrier: memory may have changed, so a rare step behind it loads its vectors
 * afresh, and the compiler computes nothing of that step ahead of the test that picks it
 * (gcc had computed the common step for both paths, keeping masks, inputs and results
 * in memory for the rare one). */
#define RARE_STEP_BARRIER() __asm__ volatile("" ::: "memory")

/* A forward kernel from body(V x, const CONSTANTS *k): four vectors per iteration,
 * then whole vectors, then one masked tail. Each vector is loaded, computed and stored
 * in turn: with the four loads first (as until 2026-12-06) a short body ran 13-40 %
 * slower on Zen 5 (hardswish's five instructions, 4K elements in L1). */
#define DEFINE_FORWARD_KERNEL(name, body)                                                          \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        for (; i + 4 * LANES <= n; i += 4 * LANES) {                                               \
            /* unrolled: gcc kept the four as a loop of their own, whose branch and 64-byte        \
             * boundaries decided the speed of the short bodies (relu's 1.4x, hardtanh's           \
             * 0.6x from one build to the next) */                                                 \
            VEC_UNROLL(4)                                                                          \
            for (size_t j = i; j < i + 4 * LANES; j += LANES)                                      \
                VOP(store)(y + j, body(VOP(load)(x + j), &k));                                     \
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
            VOP(store_stream)(y + i, body(VOP(load)(x + i), &k));                                  \
            VOP(store_stream)(y + i + LANES, body(VOP(load)(x + i + LANES), &k));                  \
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
            VOP(store)(dx + i, body(VOP(load)(v + i), VOP(load)(dy + i), &k));                     \
            VOP(store)                                                                             \
            (dx + i + LANES, body(VOP(load)(v + i + LANES), VOP(load)(dy + i + LANES), &k));       \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(dx + i, body(VOP(load)(v + i), VOP(load)(dy + i), &k));                     \
        if (i < n) VOP(store_tail)                                                                 \
        (dx + i, body(VOP(load_tail)(v + i, n - i), VOP(load_tail)(dy + i, n - i), &k), n - i);    \
    }

/* name_settle_backward(p, x, dy, result, flagged): result with its flagged lanes (rare)
 * replaced by the scalar reference of x's and dy's, lane by lane, out of line. */
#define DEFINE_BACKWARD_LANE_SETTLER(name, reference)                                              \
    static __attribute__((noinline)) V name##_settle_backward(                                     \
        const op_params *p, const T *x, const T *dy, V result, unsigned flagged) {                 \
        T rs[LANES];                                                                               \
        VOP(store)(rs, result);                                                                    \
        for (; flagged != 0; flagged &= flagged - 1) {                                             \
            int j = __builtin_ctz(flagged);                                                        \
            rs[j] = (T)reference(x[j], dy[j], p);                                                  \
        }                                                                                          \
        return VOP(load)(rs);                                                                      \
    }

/* The same from another backward kernel of this ISA (a full function name: the accurate
 * tier's, for a fast body that cannot take a far tail in its lanes): run on the whole
 * vector, its results taken in the flagged lanes alone, so that each element's result
 * still depends on its own input alone. A vector of calls, where the reference is one a
 * lane. */
#define DEFINE_BACKWARD_KERNEL_SETTLER(name, kernel)                                               \
    static __attribute__((noinline)) V name##_settle_backward(                                     \
        const op_params *p, const T *x, const T *dy, V result, unsigned flagged) {                 \
        T rs[LANES], fs[LANES];                                                                    \
        VOP(store)(rs, result);                                                                    \
        kernel(p, x, dy, fs, LANES);                                                               \
        for (; flagged != 0; flagged &= flagged - 1) {                                             \
            int j = __builtin_ctz(flagged);                                                        \
            rs[j] = fs[j];                                                                         \
        }                                                                                          \
        return VOP(load)(rs);                                                                      \
    }

/* A backward kernel from body(V v, V dy, const CONSTANTS *k) where the lanes that
 * lanes_back(v, dy, &k) flags (M, a lane mask: a far tail, a NaN, a non-finite dy: rare)
 * are computed by the scalar reference instead, lane by lane: every element's result
 * depends on its own input alone, never on its neighbours in a vector, so that it is the
 * same however an array is split (chunks, threads, offsets). The body must be harmless
 * (no trap, any value) on the flagged lanes, whose results it overwrites. */
#define DEFINE_BACKWARD_KERNEL_WITH_FALLBACK(name, body, lanes_back, reference)                    \
    DEFINE_BACKWARD_LANE_SETTLER(name, reference)                                                  \
    DEFINE_SETTLED_BACKWARD_KERNEL(name, body, lanes_back)

/* The same with the flagged lanes from another kernel (DEFINE_BACKWARD_KERNEL_SETTLER). */
#define DEFINE_BACKWARD_KERNEL_WITH_KERNEL_FALLBACK(name, body, lanes_back, kernel)                \
    DEFINE_BACKWARD_KERNEL_SETTLER(name, kernel)                                                   \
    DEFINE_SETTLED_BACKWARD_KERNEL(name, body, lanes_back)

/* A backward kernel from body and lanes_back as above, its flagged lanes from
 * name_settle_backward. */
#define DEFINE_SETTLED_BACKWARD_KERNEL(name, body, lanes_back)                                     \
    static inline void name##_one_vector(const op_params *p, const CONSTANTS *k, T *dx, V v, V g,  \
                                         size_t m) {                                               \
        unsigned flagged = (unsigned)MOP(to_bits)(lanes_back(v, g, k));                            \
        if (m < LANES) flagged &= (1u << m) - 1;                                                   \
        V result = body(v, g, k);                                                                  \
        if (flagged != 0) {                                                                        \
            T xs[LANES], dys[LANES]; /* dx may be x or dy */                                       \
            VOP(store)(xs, v);                                                                     \
            VOP(store)(dys, g);                                                                    \
            result = name##_settle_backward(p, xs, dys, result, flagged);                          \
        }                                                                                          \
        if (m < LANES)                                                                             \
            VOP(store_tail)(dx, result, m);                                                        \
        else                                                                                       \
            VOP(store)(dx, result);                                                                \
    }                                                                                              \
    static void KERNEL(name)(const op_params *p, const void *input, const void *gradient,          \
                             void *output, size_t n) {                                             \
        const T *x = input, *dy = gradient;                                                        \
        T *dx = output;                                                                            \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        /* two vectors a step, one test for both in the usual case that no lane falls back */      \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            V a = VOP(load)(x + i), b = VOP(load)(x + i + LANES);                                  \
            V da = VOP(load)(dy + i), db = VOP(load)(dy + i + LANES);                              \
            if (MOP(to_bits)(MOP(or)(lanes_back(a, da, &k), lanes_back(b, db, &k))) != 0) {        \
                RARE_STEP_BARRIER();                                                               \
                name##_one_vector(p, &k, dx + i, VOP(load)(x + i), VOP(load)(dy + i), LANES);      \
                name##_one_vector(p, &k, dx + i + LANES, VOP(load)(x + i + LANES),                 \
                                  VOP(load)(dy + i + LANES), LANES);                               \
                continue;                                                                          \
            }                                                                                      \
            VOP(store)(dx + i, body(a, da, &k));                                                   \
            VOP(store)(dx + i + LANES, body(b, db, &k));                                           \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            name##_one_vector(p, &k, dx + i, VOP(load)(x + i), VOP(load)(dy + i), LANES);          \
        if (i < n)                                                                                 \
            name##_one_vector(p, &k, dx + i, VOP(load_tail)(x + i, n - i),                         \
                              VOP(load_tail)(dy + i, n - i), n - i);                               \
    }

/* name_settle(p, x, result, flagged): result with its flagged lanes (rare) replaced by
 * the scalar reference of x's, out of line, so that the loops around keep their
 * registers. */
#define DEFINE_LANE_SETTLER(name, reference)                                                       \
    static __attribute__((noinline))                                                               \
    V name##_settle(const op_params *p, const T *x, V result, unsigned flagged) {                  \
        T rs[LANES];                                                                               \
        VOP(store)(rs, result);                                                                    \
        for (; flagged != 0; flagged &= flagged - 1) {                                             \
            int j = __builtin_ctz(flagged);                                                        \
            rs[j] = (T)reference(x[j], p);                                                         \
        }                                                                                          \
        return VOP(load)(rs);                                                                      \
    }

/* The same for a forward: body(V x, const CONSTANTS *k), and lanes_back(x, &k). */
#define DEFINE_FORWARD_KERNEL_WITH_FALLBACK(name, body, lanes_back, reference)                     \
    DEFINE_LANE_SETTLER(name, reference)                                                           \
    static inline void name##_one_vector(const op_params *p, const CONSTANTS *k, T *y, V v,        \
                                         size_t m) {                                               \
        unsigned flagged = (unsigned)MOP(to_bits)(lanes_back(v, k));                               \
        if (m < LANES) flagged &= (1u << m) - 1;                                                   \
        V result = body(v, k);                                                                     \
        if (flagged != 0) {                                                                        \
            T xs[LANES]; /* y may be x */                                                          \
            VOP(store)(xs, v);                                                                     \
            result = name##_settle(p, xs, result, flagged);                                        \
        }                                                                                          \
        if (m < LANES)                                                                             \
            VOP(store_tail)(y, result, m);                                                         \
        else                                                                                       \
            VOP(store)(y, result);                                                                 \
    }                                                                                              \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            V a = VOP(load)(x + i), b = VOP(load)(x + i + LANES);                                  \
            if (MOP(to_bits)(MOP(or)(lanes_back(a, &k), lanes_back(b, &k))) != 0) {                \
                name##_one_vector(p, &k, y + i, a, LANES);                                         \
                name##_one_vector(p, &k, y + i + LANES, b, LANES);                                 \
                continue;                                                                          \
            }                                                                                      \
            VOP(store)(y + i, body(a, &k));                                                        \
            VOP(store)(y + i + LANES, body(b, &k));                                                \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            name##_one_vector(p, &k, y + i, VOP(load)(x + i), LANES);                              \
        if (i < n) name##_one_vector(p, &k, y + i, VOP(load_tail)(x + i, n - i), n - i);           \
    }

/* A forward whose body(V x, const CONSTANTS *k, M *unsettled) also returns the lanes it
 * could not settle (rare: a result within its error of a rounding boundary), which the
 * scalar reference computes instead, lane by lane (so a result depends on its own input
 * alone, however the array is split). */
#define DEFINE_FORWARD_KERNEL_SETTLING(name, body, reference)                                      \
    DEFINE_LANE_SETTLER(name, reference)                                                           \
    static void KERNEL(name)(const op_params *p, const void *input, void *output, size_t n) {      \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        /* two vectors a step, one test for both (y may be x: results stored after) */             \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            M ua, ub;                                                                              \
            V a = body(VOP(load)(x + i), &k, &ua), b = body(VOP(load)(x + i + LANES), &k, &ub);    \
            if (MOP(to_bits)(MOP(or)(ua, ub)) != 0) {                                              \
                a = name##_settle(p, x + i, a, (unsigned)MOP(to_bits)(ua));                        \
                b = name##_settle(p, x + i + LANES, b, (unsigned)MOP(to_bits)(ub));                \
            }                                                                                      \
            VOP(store)(y + i, a);                                                                  \
            VOP(store)(y + i + LANES, b);                                                          \
        }                                                                                          \
        for (; i < n; i += LANES) {                                                                \
            size_t m = n - i < LANES ? n - i : LANES;                                              \
            M u;                                                                                   \
            V a = body(m < LANES ? VOP(load_tail)(x + i, m) : VOP(load)(x + i), &k, &u);           \
            unsigned flagged = (unsigned)MOP(to_bits)(u);                                          \
            if (m < LANES) flagged &= (1u << m) - 1;                                               \
            if (flagged != 0) a = name##_settle(p, x + i, a, flagged);                             \
            if (m < LANES)                                                                         \
                VOP(store_tail)(y + i, a, m);                                                      \
            else                                                                                   \
                VOP(store)(y + i, a);                                                              \
        }                                                                                          \
    }

/* A kernel (of element type T) that serves only part of its op's parameter range
 * (serves, an expression of p), and the scalar reference for the rest. */
#define DEFINE_PARTIAL_KERNEL(name, kernel, serves, reference)                                     \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, void *output,            \
                                   size_t n) {                                                     \
        if (serves) {                                                                              \
            KERNEL(kernel)(p, input, output, n);                                                   \
            return;                                                                                \
        }                                                                                          \
        const T *x = input;                                                                        \
        T *y = output;                                                                             \
        for (size_t i = 0; i < n; i++)                                                             \
            y[i] = (T)reference(x[i], p);                                                          \
    }

/* The same for a backward. */
#define DEFINE_PARTIAL_BACKWARD_KERNEL(name, kernel, serves, reference)                            \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, const void *gradient,    \
                                   void *output, size_t n) {                                       \
        if (serves) {                                                                              \
            KERNEL(kernel)(p, input, gradient, output, n);                                         \
            return;                                                                                \
        }                                                                                          \
        const T *x = input, *dy = gradient;                                                        \
        T *dx = output;                                                                            \
        for (size_t i = 0; i < n; i++)                                                             \
            dx[i] = (T)reference(x[i], dy[i], p);                                                  \
    }

/* A forward that picks one of two kernels (full function names) by a condition on p: a
 * parameter value with a cheaper kernel of its own (softplus at beta = 1). */
#define DEFINE_FORWARD_CHOICE(name, condition, if_true, if_false)                                  \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, void *output,            \
                                   size_t n) {                                                     \
        if (condition)                                                                             \
            if_true(p, input, output, n);                                                          \
        else                                                                                       \
            if_false(p, input, output, n);                                                         \
    }

/* The same for a backward. */
#define DEFINE_BACKWARD_CHOICE(name, condition, if_true, if_false)                                 \
    static void ISA_FUNCTION(name)(const op_params *p, const void *input, const void *gradient,    \
                                   void *output, size_t n) {                                       \
        if (condition)                                                                             \
            if_true(p, input, gradient, output, n);                                                \
        else                                                                                       \
            if_false(p, input, gradient, output, n);                                               \
    }

#endif
