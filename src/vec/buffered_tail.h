/* SPDX-License-Identifier: MIT */
/* Tails through a small buffer, for the ISAs without masked loads and stores (SSE2,
 * NEON): only the n elements asked for are read or written, so nothing past the end of
 * an array is touched (a whole-vector access there could cross into an unmapped page,
 * and is out of bounds for the sanitizers). Lanes past n load as +0. */
#ifndef ACTFN_VEC_BUFFERED_TAIL_H
#define ACTFN_VEC_BUFFERED_TAIL_H

#include <stddef.h>
#include <string.h>

#define DEFINE_BUFFERED_TAIL(prefix, element, vector, lanes, load, store)                          \
    static inline vector prefix##_load_tail(const element *p, size_t n) {                          \
        element buffer[lanes] = {0};                                                               \
        memcpy(buffer, p, n * sizeof *p);                                                          \
        return load(buffer);                                                                       \
    }                                                                                              \
    static inline void prefix##_store_tail(element *p, vector v, size_t n) {                       \
        element buffer[lanes];                                                                     \
        store(buffer, v);                                                                          \
        memcpy(p, buffer, n * sizeof *p);                                                          \
    }

#endif
