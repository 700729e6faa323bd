/* SPDX-License-Identifier: MIT */
/* A fuzzer's input read as a stream of bytes: zeros once it is used up, so that every
 * input, however short, decodes to a whole call. */
#ifndef ACTFN_FUZZ_INPUT_H
#define ACTFN_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct reader {
    const uint8_t *data;
    size_t size, at;
} reader;

static inline uint8_t next_byte(reader *r) {
    return r->at < r->size ? r->data[r->at++] : 0;
}

static inline void next_bytes(reader *r, void *out, size_t n) {
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)out)[i] = next_byte(r);
}

#endif
