/* SPDX-License-Identifier: MIT */
/* Elements of each dtype as doubles on the device and back, bit for bit as the CPU
 * library (spec/element_access.h): widening is exact; narrowing rounds once to nearest
 * even from the double result, in hardware, and NaN goes through the spec's conversion
 * so that its sign and payload bits come out as on the CPU. */
#ifndef ACTFN_ELEMENTS_CUH
#define ACTFN_ELEMENTS_CUH

#include "cuda/device_reference.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

struct f32_element {
    typedef float type;
    static __device__ double load(float v) { return v; }
    static __device__ float store(double v) { return (float)v; }
};

struct f64_element {
    typedef double type;
    static __device__ double load(double v) { return v; }
    static __device__ double store(double v) { return v; }
};

struct f16_element {
    typedef uint16_t type;
    static __device__ double load(uint16_t v) {
        return (double)__half2float(__ushort_as_half(v)); /* exact, NaN payload kept */
    }
    static __device__ uint16_t store(double v) {
        return isnan(v) ? double_to_f16(v) : __half_as_ushort(__double2half(v));
    }
};

struct bf16_element {
    typedef uint16_t type;
    static __device__ double load(uint16_t v) { return (double)__uint_as_float((unsigned)v << 16); }
    static __device__ uint16_t store(double v) {
        return isnan(v) ? double_to_bf16(v) : __bfloat16_as_ushort(__double2bfloat16(v));
    }
};

#endif
