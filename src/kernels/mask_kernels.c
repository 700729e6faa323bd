/* The row kernels of the layer ops, for one ISA and dtype. The mask backward
 * (actfn_mask_backward): each vector of dy takes LANES bits of the mask as a lane mask,
 * and selects dy or the inactive value (+0, or dy * slope for leaky_relu), reading 1/8 of
 * a byte per element instead of the element x. The row add of the fused bias +
 * activation. */
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

/* out = a + b; out may equal a, and overlaps b nowhere else. */
#define DEFINE_ADD_ROWS(T, VOP, V, LANES, SUFFIX)                                                  \
    static void ISA_FUNCTION(add_rows_##SUFFIX)(const void *first, const void *second,             \
                                                void *output, size_t n) {                          \
        const T *a = first, *b = second;                                                           \
        T *out = output;                                                                           \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(out + i, VOP(add)(VOP(load)(a + i), VOP(load)(b + i)));                     \
        if (i < n)                                                                                 \
            VOP(store_tail)                                                                        \
            (out + i, VOP(add)(VOP(load_tail)(a + i, n - i), VOP(load_tail)(b + i, n - i)),        \
             n - i);                                                                               \
    }

DEFINE_ADD_ROWS(float, VF_OP, vf, VF_LANES, f32)
DEFINE_ADD_ROWS(double, VD_OP, vd, VD_LANES, f64)

void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table) {
    table->mask_backward[SLOT_F32] = ISA_FUNCTION(mask_backward_f32);
    table->mask_backward[SLOT_F64] = ISA_FUNCTION(mask_backward_f64);
    table->add_rows[SLOT_F32] = ISA_FUNCTION(add_rows_f32);
    table->add_rows[SLOT_F64] = ISA_FUNCTION(add_rows_f64);
}
