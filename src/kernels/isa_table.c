/* The kernel table of one ISA: every kernel source compiled for it adds its entries. */
#include "kernels/kernel_template.h"

void ISA_FUNCTION(fill_piecewise_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_smooth_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_float_lane_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_gelu_float_lanes)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table);
void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);

void ISA_FUNCTION(fill_kernel_table)(kernel_table *table) {
    ISA_FUNCTION(fill_piecewise_kernels)(table);
    ISA_FUNCTION(fill_smooth_kernels)(table);
    ISA_FUNCTION(fill_float_lane_kernels)(table); /* replaces some of smooth.c's */
    ISA_FUNCTION(fill_gelu_float_lanes)(table);   /* and gelu's forward */
    ISA_FUNCTION(fill_narrow_conversions)(table);
    ISA_FUNCTION(fill_narrow_relu)(table);
    ISA_FUNCTION(fill_byte_lookup)(table);
    ISA_FUNCTION(fill_mask_kernels)(table);
}
