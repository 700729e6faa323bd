/* The row kernels of the layer ops, for one ISA and dtype. The mask backward
 * (actfn_mask_backward): each vector of dy takes LANES bits of the mask as a lane mask,
 * and selects dy or the inactive value (+0, or dy * slope for leaky_relu), reading 1/8 of
 * a byte per element instead of the element x. The row add of the fused bias +
 * activation; the PReLU rows. */
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

/* With stream set (large batches), dx is written by non-temporal stores from its first
 * VEC_BYTES-aligned element: no read of dx's lines before they are written, so the
 * backward moves 4 + 4 + 1/8 bytes per float instead of 4 + 4 + 4 + 1/8. */
#define DEFINE_MASK_BACKWARD(T, VOP, V, LANES, MASK_FROM_BITS, SUFFIX)                             \
    static void ISA_FUNCTION(mask_backward_##SUFFIX)(const uint8_t *bits, const void *gradient,    \
                                                     void *output, size_t n, double slope,         \
                                                     int stream) {                                 \
        const T *dy = gradient;                                                                    \
        T *dx = output;                                                                            \
        const V factor = VOP(set1)((T)slope);                                                      \
        const int leaky = slope != 0;                                                              \
        size_t i = 0;                                                                              \
        if (stream) {                                                                              \
            for (; i < n && (uintptr_t)(dx + i) % VEC_BYTES != 0; i++)                             \
                dx[i] = (bits[i >> 3] >> (i & 7)) & 1 ? dy[i] : leaky ? dy[i] * (T)slope : (T)0;   \
            for (; i + LANES <= n; i += LANES) {                                                   \
                V g = VOP(load)(dy + i);                                                           \
                V inactive = leaky ? VOP(mul)(g, factor) : VOP(zero)();                            \
                VOP(store_stream)                                                                  \
                (dx + i, VOP(select)(MASK_FROM_BITS(bits_at(bits, i, LANES)), g, inactive));       \
            }                                                                                      \
            stream_fence();                                                                        \
        }                                                                                          \
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

/* One row of the mask forward's bits: bit j of bits (byte-aligned) set where x passes
 * (0 < x, and x < 6 for relu6, or x == 0 when zero_bit), and, if counts is not NULL,
 * counts[j] += (x > 0), counted in the dtype (exact below 2^24 rows per call). */
#define DEFINE_MASK_FORWARD(T, VOP, V, M, MOP, LANES, SUFFIX)                                      \
    static void ISA_FUNCTION(mask_forward_##SUFFIX)(const void *input, uint8_t *bits, void *count, \
                                                    size_t n, int relu6, int zero_bit) {           \
        const T *x = input;                                                                        \
        T *counts = count;                                                                         \
        const V zero = VOP(zero)(), six = VOP(set1)((T)6), one = VOP(set1)((T)1);                  \
        uint64_t pending = 0;                                                                      \
        unsigned held = 0;                                                                         \
        size_t i = 0, byte = 0;                                                                    \
        for (; i + LANES <= n; i += LANES) {                                                       \
            V v = VOP(load)(x + i);                                                                \
            M positive = VOP(gt)(v, zero), passes = positive;                                      \
            if (relu6) passes = MOP(and)(passes, VOP(lt)(v, six));                                 \
            if (zero_bit) passes = MOP(or)(passes, VOP(eq)(v, zero));                              \
            pending |= (uint64_t)MOP(to_bits)(passes) << held;                                     \
            held += LANES;                                                                         \
            while (held >= 8) {                                                                    \
                bits[byte++] = (uint8_t)pending;                                                   \
                pending >>= 8;                                                                     \
                held -= 8;                                                                         \
            }                                                                                      \
            if (counts != NULL) VOP(store)                                                         \
            (counts + i, VOP(add)(VOP(load)(counts + i), VOP(select)(positive, one, zero)));       \
        }                                                                                          \
        for (; i < n; i++) {                                                                       \
            T v = x[i];                                                                            \
            int passes = v > 0 && (!relu6 || v < 6);                                               \
            passes |= zero_bit && v == 0;                                                          \
            pending |= (uint64_t)passes << held;                                                   \
            if (++held == 8) {                                                                     \
                bits[byte++] = (uint8_t)pending;                                                   \
                pending = 0;                                                                       \
                held = 0;                                                                          \
            }                                                                                      \
            if (counts != NULL) counts[i] += v > 0;                                                \
        }                                                                                          \
        if (held > 0) bits[byte] = (uint8_t)pending;                                               \
    }

#define MF_OP(name) mf_##name
#define MD_OP(name) md_##name
DEFINE_MASK_FORWARD(float, VF_OP, vf, mf, MF_OP, VF_LANES, f32)
DEFINE_MASK_FORWARD(double, VD_OP, vd, md, MD_OP, VD_LANES, f64)

/* out = a + b; out may equal a, and overlaps b nowhere else. */
#define DEFINE_ADD_ROWS(T, VOP, V, LANES, SUFFIX)                                                  \
    static void ISA_FUNCTION(add_rows_##SUFFIX)(const void *first, const void *second,             \
                                                void *output, size_t n) {                          \
        const T *a = first, *b = second;                                                           \
        T *out = output;                                                                           \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(out + i, VOP(add)(VOP(load)(a + i), VOP(load)(b + i)));                     \
        if (i < n) VOP(store_tail)                                                                 \
        (out + i, VOP(add)(VOP(load_tail)(a + i, n - i), VOP(load_tail)(b + i, n - i)), n - i);    \
    }

DEFINE_ADD_ROWS(float, VF_OP, vf, VF_LANES, f32)
DEFINE_ADD_ROWS(double, VD_OP, vd, VD_LANES, f64)

/* PReLU rows: the scalar loops of layers/prelu_rows.h, a vector at a time. */
#define DEFINE_PRELU_FORWARD(T, VOP, V, LANES, SUFFIX)                                             \
    static void ISA_FUNCTION(prelu_forward_##SUFFIX)(const void *input, const void *slope,         \
                                                     void *output, size_t n) {                     \
        const T *x = input, *a = slope;                                                            \
        T *y = output;                                                                             \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES) {                                                       \
            V v = VOP(load)(x + i);                                                                \
            VOP(store)                                                                             \
            (y + i, VOP(select)(VOP(gt)(v, VOP(zero)()), v, VOP(mul)(VOP(load)(a + i), v)));       \
        }                                                                                          \
        for (; i < n; i++)                                                                         \
            y[i] = x[i] > 0 ? x[i] : a[i] * x[i];                                                  \
    }

DEFINE_PRELU_FORWARD(float, VF_OP, vf, VF_LANES, f32)
DEFINE_PRELU_FORWARD(double, VD_OP, vd, VD_LANES, f64)

/* x * dy where x <= 0 (or NaN), else 0, added to sums: in double, a product of floats
 * exact, a product of doubles rounded once and then added, as the scalar loop does. */
static inline void add_inactive_products(vd x, vd g, double *sums) {
    vd term = vd_select(vd_gt(x, vd_zero()), vd_zero(), vd_mul(x, g));
    vd_store(sums, vd_add(vd_load(sums), term));
}

static void ISA_FUNCTION(prelu_backward_f32)(const void *input, const void *slope,
                                             const void *gradient, void *output, double *sums,
                                             size_t n) {
    const float *x = input, *a = slope, *dy = gradient;
    float *dx = output;
    size_t i = 0;
    for (; i + VF_LANES <= n; i += VF_LANES) {
        vf v = vf_load(x + i), g = vf_load(dy + i);
        add_inactive_products(vf_widen_low(v), vf_widen_low(g), sums + i);
        add_inactive_products(vf_widen_high(v), vf_widen_high(g), sums + i + VD_LANES);
        vf_store(dx + i, vf_select(vf_gt(v, vf_zero()), g, vf_mul(vf_load(a + i), g)));
    }
    for (; i < n; i++) {
        if (!(x[i] > 0)) sums[i] += (double)x[i] * (double)dy[i];
        dx[i] = x[i] > 0 ? dy[i] : a[i] * dy[i];
    }
}

static void ISA_FUNCTION(prelu_backward_f64)(const void *input, const void *slope,
                                             const void *gradient, void *output, double *sums,
                                             size_t n) {
    const double *x = input, *a = slope, *dy = gradient;
    double *dx = output;
    size_t i = 0;
    for (; i + VD_LANES <= n; i += VD_LANES) {
        vd v = vd_load(x + i), g = vd_load(dy + i);
        add_inactive_products(v, g, sums + i);
        vd_store(dx + i, vd_select(vd_gt(v, vd_zero()), g, vd_mul(vd_load(a + i), g)));
    }
    for (; i < n; i++) {
        if (!(x[i] > 0)) sums[i] += x[i] * dy[i];
        dx[i] = x[i] > 0 ? dy[i] : a[i] * dy[i];
    }
}

void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table) {
    table->mask_backward[SLOT_F32] = ISA_FUNCTION(mask_backward_f32);
    table->mask_backward[SLOT_F64] = ISA_FUNCTION(mask_backward_f64);
    table->mask_forward[SLOT_F32] = ISA_FUNCTION(mask_forward_f32);
    table->mask_forward[SLOT_F64] = ISA_FUNCTION(mask_forward_f64);
    table->add_rows[SLOT_F32] = ISA_FUNCTION(add_rows_f32);
    table->add_rows[SLOT_F64] = ISA_FUNCTION(add_rows_f64);
    table->prelu_forward[SLOT_F32] = ISA_FUNCTION(prelu_forward_f32);
    table->prelu_forward[SLOT_F64] = ISA_FUNCTION(prelu_forward_f64);
    table->prelu_backward[SLOT_F32] = ISA_FUNCTION(prelu_backward_f32);
    table->prelu_backward[SLOT_F64] = ISA_FUNCTION(prelu_backward_f64);
}
