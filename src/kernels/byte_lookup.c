/* The 256-entry byte table lookup of the quantized ops, for one ISA, through the vector
 * layer's bytes_lookup; the tail byte by byte. In place (y == x) is fine: each vector is
 * loaded before it is stored. */
#include "kernel_template.h"

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

void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table);
void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table) {
    table->lookup_bytes = ISA_FUNCTION(lookup_bytes);
}
