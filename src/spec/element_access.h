/* SPDX-License-Identifier: MIT */
/* One element of an array of any floating-point dtype, as a double (exact) and back
 * (rounded once, to nearest even): for the loops that are not worth a kernel per dtype
 * (conversions, and the 16-bit layer ops, which compute in double and round once). */
#ifndef ACTFN_ELEMENT_ACCESS_H
#define ACTFN_ELEMENT_ACCESS_H

#include "actfn.h"
#include "spec/narrow_float.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

static inline double element_load(actfn_dtype dtype, const void *array, size_t i) {
    switch (dtype) {
    case ACTFN_F64:
        return ((const double *)array)[i];
    case ACTFN_F32:
        return ((const float *)array)[i];
    case ACTFN_F16:
        return f16_to_double(((const uint16_t *)array)[i]);
    case ACTFN_BF16:
        return bf16_to_double(((const uint16_t *)array)[i]);
    case ACTFN_S8: /* the quantized types never reach these loops */
    case ACTFN_U8:
        break;
    }
    return NAN;
}

static inline void element_store(actfn_dtype dtype, void *array, size_t i, double value) {
    switch (dtype) {
    case ACTFN_F64:
        ((double *)array)[i] = value;
        break;
    case ACTFN_F32:
        ((float *)array)[i] = (float)value;
        break;
    case ACTFN_F16:
        ((uint16_t *)array)[i] = double_to_f16(value);
        break;
    case ACTFN_BF16:
        ((uint16_t *)array)[i] = double_to_bf16(value);
        break;
    case ACTFN_S8: /* the quantized types never reach these loops */
    case ACTFN_U8:
        break;
    }
}

#endif
