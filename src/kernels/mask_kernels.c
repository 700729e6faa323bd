/* The mask backward of one row (actfn_mask_backward), for one ISA and dtype: each vector
 * of dy takes LANES bits of the mask as a lane mask, and selects dy or the inactive value
 * (+0, or dy * slope for leaky_relu). Reads 1/8 of a byte per element instead of the
 * element x. */
#include "kernel_template.h"

/* LANES bits of a byte-aligned bit row, from bit i (a multiple of LANES). */
static inline unsigned bits_at(const uint8_t *bits, size_t i, unsigned lanes) {
    unsigned word = bits[i >> 3];
    if (lanes > 8) word |= (unsigned)bits[(i >> 3) + 1] << 8;
    return (word >> (i & 7)) & ((1u << lanes) - 1);
}

#define DEFINE_MASK_BACKWARD(T, VOP, V, LANES, MASK_FROM_BITS, SUFFIX)                             \
    static void ISA_FUNCTION(mask_backward_##SUFFIX)(const uint8_t *bits, const void *gradient,    \
                                                     void *output, size_t n, double slope) {       \
        const T *dy = gradient;                                                                    \
        T *dx = output;                                                                            \
        const V factor = VOP(set1)((T)slope);                                                      \
        const int leaky = slope != 0;                                                              \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES) {                                                       \
            V g = VOP(load)(dy + i);                                                               \
            V inactive = leaky ? VOP(mul)(g, factor) : VOP(zero)();                                \
            VOP(store)(dx + i, VOP(select)(MASK_FROM_BITS(bits_at(bits, i, LANES)), g, inactive)); \
        }                                                                                          \
        for (; i < n; i++) {                                                                       \
            T inactive = leaky ? dy[i] * (T)slope : (T)0;                                          \
            dx[i] = (bits[i >> 3] >> (i & 7)) & 1 ? dy[i] : inactive;                              \
        }                                                                                          \
    }

#define VF_OP(name) vf_##name
#define VD_OP(name) vd_##name
DEFINE_MASK_BACKWARD(float, VF_OP, vf, VF_LANES, vf_mask_from_bits, f32)
DEFINE_MASK_BACKWARD(double, VD_OP, vd, VD_LANES, vd_mask_from_bits, f64)

void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table) {
    table->mask_backward[SLOT_F32] = ISA_FUNCTION(mask_backward_f32);
    table->mask_backward[SLOT_F64] = ISA_FUNCTION(mask_backward_f64);
}
