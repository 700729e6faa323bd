/* SPDX-License-Identifier: MIT */
/* actfn_convert: between the floating-point types through double, which holds every value
 * of each exactly, so that a narrowing rounds once. */
#include "spec/dtypes.h"
#include "api/errors.h"
#include "spec/element_access.h"

#include <stdint.h>
#include <string.h>

actfn_status actfn_convert(const void *src, actfn_dtype src_dtype, void *dst, actfn_dtype dst_dtype,
                           size_t n) {
    if (!dtype_is_known(src_dtype) || !dtype_is_known(dst_dtype))
        return fail(ACTFN_ERR_UNKNOWN_DTYPE, "actfn_convert: dtypes %d -> %d (floating-point only)",
                    (int)src_dtype, (int)dst_dtype);
    if (n == 0) return ACTFN_OK;
    if (src == NULL || dst == NULL)
        return fail(ACTFN_ERR_NULL_POINTER, "actfn_convert: NULL array with n = %zu", n);
    size_t src_bytes = n * dtype_size(src_dtype), dst_bytes = n * dtype_size(dst_dtype);
    if (n > SIZE_MAX / sizeof(double))
        return fail(ACTFN_ERR_BAD_PARAMETER, "actfn_convert: n = %zu does not fit in memory", n);
    uintptr_t s = (uintptr_t)src, d = (uintptr_t)dst;
    bool same_place = s == d && src_bytes == dst_bytes;
    if (!same_place && s < d + dst_bytes && d < s + src_bytes)
        return fail(ACTFN_ERR_OVERLAP, "actfn_convert: dst overlaps src without being it");
    for (size_t i = 0; i < n; i++)
        element_store(dst_dtype, dst, i, element_load(src_dtype, src, i));
    return ACTFN_OK;
}

size_t actfn_dtype_size(actfn_dtype dtype) {
    return dtype_is_known(dtype) || dtype_is_quantized(dtype) ? dtype_size(dtype) : 0;
}
