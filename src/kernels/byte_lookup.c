/* SPDX-License-Identifier: MIT */
/* The 256-entry byte table lookup of the quantized ops, and the clamp that replaces it
 * where the table is one, for one ISA, through the vector layer; tails byte by byte. In place (y ==
 * x) is fine: each vector is loaded before it is stored. */
#include "kernels/kernel_template.h"

static void ISA_FUNCTION(lookup_bytes)(const uint8_t table[256], const uint8_t *x, uint8_t *y,
                                       size_t n) {
    byte_tables tables;
    byte_tables_init(&tables, table);
    size_t i = 0;
    for (; i + BYTE_LANES <= n; i += BYTE_LANES)
        bytes_lookup(&tables, x + i, y + i);
    for (; i < n; i++)
        y[i] = table[x[i]];
}

/* The lookups that are a clamp of the input (relu and its kin with one quantization on
 * both sides): y = min(max(x, low), high), in unsigned order after x ^ flip. */
static void ISA_FUNCTION(clamp_bytes)(const uint8_t *x, uint8_t *y, size_t n, uint8_t low,
                                      uint8_t high, uint8_t flip) {
    size_t i = 0;
    for (; i + BYTE_LANES <= n; i += BYTE_LANES)
        bytes_clamp(x + i, y + i, low, high, flip);
    for (; i < n; i++) {
        uint8_t v = (uint8_t)(x[i] ^ flip);
        v = v < low ? low : v > high ? high : v;
        y[i] = (uint8_t)(v ^ flip);
    }
}

void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table);
void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table) {
    table->lookup_bytes = ISA_FUNCTION(lookup_bytes);
    table->clamp_bytes = ISA_FUNCTION(clamp_bytes);
}
