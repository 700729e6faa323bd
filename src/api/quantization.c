/* SPDX-License-Identifier: MIT */
/* The quantization rules shared by every quantized entry point (quantization.h). */
#include "api/quantization.h"

#include "api/errors.h"

#include <math.h>
#include <stdint.h>

actfn_status check_quantized_dtype(const char *function, actfn_dtype dtype) {
    if (dtype != ACTFN_S8 && dtype != ACTFN_U8)
        return fail(ACTFN_ERR_UNKNOWN_DTYPE, "%s: dtype %d is not ACTFN_S8 or ACTFN_U8", function,
                    (int)dtype);
    return ACTFN_OK;
}

actfn_status check_quantization(const char *function, const char *which, actfn_dtype dtype,
                                const actfn_quantization *q) {
    if (q == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "%s: %s quantization is NULL", function, which);
    if (!isfinite(q->scale) || !(q->scale > 0))
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s scale must be finite and > 0, got %g",
                    function, which, q->scale);
    int low = quantized_min(dtype), high = quantized_max(dtype);
    if (q->zero_point < low || q->zero_point > high)
        return fail(ACTFN_ERR_BAD_PARAMETER, "%s: %s zero_point must be in [%d, %d], got %d",
                    function, which, low, high, (int)q->zero_point);
    return ACTFN_OK;
}

void dequantized_bytes(actfn_dtype dtype, const actfn_quantization *q, double reals[256]) {
    for (int byte = 0; byte < 256; byte++) {
        int integer = dtype == ACTFN_S8 ? (int)(int8_t)byte : byte;
        reals[byte] = q->scale * (integer - q->zero_point);
    }
}
