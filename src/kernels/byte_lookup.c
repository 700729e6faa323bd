/* SPDX-License-Identifier: MIT */
/* The 256-entry byte table lookup of the quantized ops, and the clamp that replaces it
 * where the table is one, for one ISA, through the vector layer; tails byte by byte. In place (y ==
 * x) is fine: each vector is loaded before it is stored. With stream (large arrays, out of
 * place) y is written by non-temporal stores from its first BYTE_LANES boundary on (the
 * bytes before it one by one), and fenced at the end: y's lines are not read first, a
 * third of the traffic. */

#include "kernels/kernel_template.h"

/* The bytes before y's first BYTE_LANES boundary, at most n: done one by one. */
static inline size_t head_of(const uint8_t *y, size_t n, int stream) {
    if (!stream) return 0;
    size_t head = (BYTE_LANES - (uintptr_t)y % BYTE_LANES) % BYTE_LANES;
    return head < n ? head : n;
}

static void ISA_FUNCTION(lookup_bytes)(const uint8_t table[256], const uint8_t *x, uint8_t *y,
                                       size_t n, int stream) {
    byte_tables tables;
    byte_tables_init(&tables, table);
    size_t i = 0, head = head_of(y, n, stream);
    for (; i < head; i++)
        y[i] = table[x[i]];
    for (; i + BYTE_LANES <= n; i += BYTE_LANES)
        bytes_lookup(&tables, x + i, y + i, stream);
    for (; i < n; i++)
        y[i] = table[x[i]];
    if (stream) stream_fence();
}

/* The lookups that are a clamp of the input (relu and its kin with one quantization on
 * both sides): y = min(max(x, low), high), in unsigned order after x ^ flip. */
static inline uint8_t clamp_byte(uint8_t x, uint8_t low, uint8_t high, uint8_t flip) {
    uint8_t v = (uint8_t)(x ^ flip);
    v = v < low ? low : v > high ? high : v;
    return (uint8_t)(v ^ flip);
}

static void ISA_FUNCTION(clamp_bytes)(const uint8_t *x, uint8_t *y, size_t n, uint8_t low,
                                      uint8_t high, uint8_t flip, int stream) {
    size_t i = 0, head = head_of(y, n, stream);
    for (; i < head; i++)
        y[i] = clamp_byte(x[i], low, high, flip);
    for (; i + BYTE_LANES <= n; i += BYTE_LANES)
        bytes_clamp(x + i, y + i, low, high, flip, stream);
    for (; i < n; i++)
        y[i] = clamp_byte(x[i], low, high, flip);
    if (stream) stream_fence();
}

void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table);
void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table) {
    table->lookup_bytes = ISA_FUNCTION(lookup_bytes);
    table->clamp_bytes = ISA_FUNCTION(clamp_bytes);
}
