/* SPDX-License-Identifier: MIT */
/* The scalar references are the library's C and, compiled again by nvcc, the GPU's device
 * code (src/cuda/device_reference.cuh includes the same sources): one definition of the
 * math for both. SPEC_FUNCTION marks a function the op table names, SPEC_HELPER one
 * private to its file. In the CUDA build both are static to the one translation unit
 * that includes the sources. */
#ifndef ACTFN_SPEC_FUNCTION_H
#define ACTFN_SPEC_FUNCTION_H

#if defined(__CUDACC__) || defined(ACTFN_CUDA_ON_HOST) /* tests/cuda_on_host.h */
#define SPEC_FUNCTION static inline __host__ __device__
#define SPEC_HELPER   static inline __host__ __device__
#else
#define SPEC_FUNCTION
#define SPEC_HELPER static
#endif

#endif
