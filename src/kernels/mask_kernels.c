/* SPDX-License-Identifier: MIT */
/* The row kernels of the layer ops, for one ISA, written once in mask_body.h. The mask
 * backward (actfn_mask_backward): each vector of dy takes LANES bits of the mask as a
 * lane mask, and selects dy or the inactive value (+0, or dy * slope for leaky_relu),
 * reading 1/8 of a byte per element instead of the element x. The row add of the fused
 * bias + activation and its gradient's column sums, the PReLU rows. (The mask forward is
 * piecewise.c's: it applies the op's own body.) */
#include "kernels/kernel_template.h"

/* LANES bits of a byte-aligned bit row, from bit i (any i with i + lanes <= the row's
 * bits: the bytes read are the row's own). */
static inline unsigned bits_at(const uint8_t *bits, size_t i, unsigned lanes) {
    size_t byte = i >> 3;
    unsigned shift = i & 7, word = bits[byte];
    if (shift + lanes > 8) word |= (unsigned)bits[byte + 1] << 8;
    if (shift + lanes > 16) word |= (unsigned)bits[byte + 2] << 16;
    return (word >> shift) & ((1u << lanes) - 1);
}

/* sums += x * dy where x <= 0 (or NaN), in double lanes. */
static inline void add_inactive_products_f64(vd x, vd g, double *sums) {
    vd term = vd_select(vd_gt(x, vd_zero()), vd_zero(), vd_mul(x, g));
    vd_store(sums, vd_add(vd_load(sums), term));
}

/* The same for a vector of floats: each half widened exactly to double. */
static inline void add_inactive_products_f32(vf x, vf g, double *sums) {
    add_inactive_products_f64(vf_widen_low(x), vf_widen_low(g), sums);
    add_inactive_products_f64(vf_widen_high(x), vf_widen_high(g), sums + VD_LANES);
}

/* sums[0 .. lanes) += each of count rows in turn, in double lanes. */
static inline void add_down_columns_f64(const double *rows, size_t stride, size_t count,
                                        double *sums) {
    vd sum = vd_load(sums);
    for (size_t r = 0; r < count; r++)
        sum = vd_add(sum, vd_load(rows + r * stride));
    vd_store(sums, sum);
}

/* The same for a vector of floats, each half widened exactly to double. */
static inline void add_down_columns_f32(const float *rows, size_t stride, size_t count,
                                        double *sums) {
    vd low = vd_load(sums), high = vd_load(sums + VD_LANES);
    for (size_t r = 0; r < count; r++) {
        vf v = vf_load(rows + r * stride);
        low = vd_add(low, vf_widen_low(v));
        high = vd_add(high, vf_widen_high(v));
    }
    vd_store(sums, low);
    vd_store(sums + VD_LANES, high);
}

#define BODY_FILE "kernels/mask_body.h"
#include "kernels/for_each_dtype.h"

#define REGISTER_BOTH(slot_name, name)                                                             \
    do {                                                                                           \
        table->slot_name[SLOT_F32] = CONCAT(CONCAT(name, f32), VEC_ISA_SUFFIX);                    \
        table->slot_name[SLOT_F64] = CONCAT(CONCAT(name, f64), VEC_ISA_SUFFIX);                    \
    } while (0)

void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table) {
    REGISTER_BOTH(mask_backward, mask_backward);
    REGISTER_BOTH(add_rows, add_rows);
    REGISTER_BOTH(add_to_sums, add_to_sums);
    REGISTER_BOTH(prelu_forward, prelu_forward);
    REGISTER_BOTH(prelu_backward, prelu_backward);
}
