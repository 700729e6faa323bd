/* SPDX-License-Identifier: MIT */
/* Facts about the element types that several modules need. */
#ifndef ACTFN_DTYPES_H
#define ACTFN_DTYPES_H

#include "actfn.h"

#include <stdbool.h>
#include <stddef.h>

/* The floating-point types, which every entry point takes. */
static inline bool dtype_is_known(actfn_dtype dtype) {
    return dtype == ACTFN_F32 || dtype == ACTFN_F64 || dtype == ACTFN_F16 || dtype == ACTFN_BF16;
}

/* The quantized types, which only actfn_forward_quantized takes. */
static inline bool dtype_is_quantized(actfn_dtype dtype) {
    return dtype == ACTFN_S8 || dtype == ACTFN_U8;
}

/* f16 and bf16: stored in 16 bits, computed in double. */
static inline bool dtype_is_narrow(actfn_dtype dtype) {
    return dtype == ACTFN_F16 || dtype == ACTFN_BF16;
}

static inline size_t dtype_size(actfn_dtype dtype) {
    switch (dtype) {
    case ACTFN_F64:
        return sizeof(double);
    case ACTFN_F16:
    case ACTFN_BF16:
        return 2;
    case ACTFN_S8:
    case ACTFN_U8:
        return 1;
    case ACTFN_F32:
        return sizeof(float);
    }
    return sizeof(float); /* not a dtype: validation rejects it before any size matters */
}

static inline const char *dtype_name(actfn_dtype dtype) {
    switch (dtype) {
    case ACTFN_F64:
        return "f64";
    case ACTFN_F32:
        return "f32";
    case ACTFN_F16:
        return "f16";
    case ACTFN_BF16:
        return "bf16";
    case ACTFN_S8:
        return "s8";
    case ACTFN_U8:
        return "u8";
    }
    return "an unknown dtype";
}

#endif
