/* SPDX-License-Identifier: MIT */
/* The few CUDA names that src/cuda/lane_ops.cuh and vec/cuda_lane.h use, defined for a
 * host C++ compiler, so that the GPU's f32 kernel bodies run on the CPU in tests
 * (test_cuda_lanes) where no GPU is. Each intrinsic has its device meaning: the _rn
 * operations are IEEE and round to nearest even as the host's SSE arithmetic does (x86-64,
 * no flush to zero), fmaf / fma round once (the C library's, exact in software where the
 * processor has no fma), the bit casts reinterpret; the qualifiers vanish. What this
 * cannot show is nvcc's own code generation: tests/cuda_sweep does that on a GPU. */
#ifndef ACTFN_CUDA_ON_HOST_H
#define ACTFN_CUDA_ON_HOST_H

#ifdef __CUDACC__
#error "tests/cuda_on_host.h stands in for CUDA on the host; nvcc has the real thing"
#endif

#include <cmath>
#include <cstring>

#define ACTFN_CUDA_ON_HOST 1
#define __host__
#define __device__
#define __global__

static inline float __fadd_rn(float a, float b) {
    return a + b;
}
static inline float __fsub_rn(float a, float b) {
    return a - b;
}
static inline float __fmul_rn(float a, float b) {
    return a * b;
}
static inline float __fdiv_rn(float a, float b) {
    return a / b;
}
static inline float __frcp_rn(float a) {
    return 1.0f / a;
}
static inline float __fmaf_rn(float a, float b, float c) {
    return std::fma(a, b, c);
}
static inline double __dadd_rn(double a, double b) {
    return a + b;
}
static inline double __dsub_rn(double a, double b) {
    return a - b;
}
static inline double __dmul_rn(double a, double b) {
    return a * b;
}
static inline double __ddiv_rn(double a, double b) {
    return a / b;
}
static inline double __dsqrt_rn(double a) {
    return std::sqrt(a);
}
static inline double __fma_rn(double a, double b, double c) {
    return std::fma(a, b, c);
}
static inline float __uint_as_float(unsigned bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
static inline unsigned __float_as_uint(float f) {
    unsigned bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}
static inline double __longlong_as_double(long long bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}
static inline long long __double_as_longlong(double d) {
    long long bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}
static inline float __ldg(const float *p) {
    return *p;
}

#endif
