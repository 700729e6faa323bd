/* SPDX-License-Identifier: MIT */
/* rrelu's training forward and backward in f32 and f64 (actfn_rrelu_train_*), for one
 * ISA through the vector layer: each lane draws its slope from the counter-based hash of
 * spec/rrelu_random.h, the same operations as the scalar definition, so every result is
 * bit for bit the one layers/rrelu.c's loop gives. Only where the layer has 64-bit integer
 * lanes (AVX-512, with DQ's vpmullq); elsewhere the table entry stays NULL and rrelu.c
 * loops (AVX2's four lanes of emulated products were slower than that loop: 1.84 against
 * 1.45 ns an element). */
#include "kernels/kernel_template.h"
#include "spec/rrelu_random.h"

#ifdef VEC_HAS_U64_LANES

/* The slopes of elements index .. index + VD_LANES - 1. */
static inline vd slopes(vd lower, vd width, vq key, uint64_t index) {
    vq scrambled =
        vq_add(vq_mul(vq_counter(index), vq_set1(RRELU_INDEX_FACTOR)), vq_set1(RRELU_INDEX_OFFSET));
    vq z = vq_xor(key, scrambled);
    z = vq_mul(vq_xor(z, vq_shift_right(z, 30)), vq_set1(RRELU_MIX_FIRST));
    z = vq_mul(vq_xor(z, vq_shift_right(z, 27)), vq_set1(RRELU_MIX_SECOND));
    z = vq_xor(z, vq_shift_right(z, 31));
    vd u = vd_mul(vq_to_double(vq_shift_right(z, 11)), vd_set1(0x1p-53));
    return vd_add(lower, vd_mul(width, u));
}

/* f32: VF_LANES slopes from two double vectors, each rounded to float (the dtype's). */
static inline vf float_slopes(vd lower, vd width, vq key, uint64_t index) {
    return vf_narrow(slopes(lower, width, key, index), slopes(lower, width, key, index + VD_LANES));
}

/* y = x for x > 0 and NaN, else x times the slope (-0 too) */
static inline vf forward_float(vf x, vf slope) {
    return vf_select(mf_or(vf_gt(x, vf_zero()), vf_is_nan(x)), x, vf_mul(x, slope));
}
static inline vd forward_double(vd x, vd slope) {
    return vd_select(md_or(vd_gt(x, vd_zero()), vd_is_nan(x)), x, vd_mul(x, slope));
}

/* dx = dy for x > 0, dy times the slope for x <= 0, a NaN x itself */
static inline vf backward_float(vf x, vf dy, vf slope) {
    vf result = vf_select(vf_le(x, vf_zero()), vf_mul(dy, slope), x);
    return vf_select(vf_gt(x, vf_zero()), dy, result);
}
static inline vd backward_double(vd x, vd dy, vd slope) {
    vd result = vd_select(vd_le(x, vd_zero()), vd_mul(dy, slope), x);
    return vd_select(vd_gt(x, vd_zero()), dy, result);
}

/* x[i] and (dy NULL: the forward into out; else the backward) for elements i < n, whose
 * slopes are those of indices index + i: one definition for f32 (float vectors, slopes
 * rounded to float) and f64. */
#define DEFINE_RRELU_TRAIN(name, T, V, P, LANES, make_slopes)                                      \
    static void ISA_FUNCTION(name)(double lower, double upper, uint64_t key, uint64_t index,       \
                                   const void *input, const void *gradient, void *output,          \
                                   size_t n) {                                                     \
        const T *x = input, *dy = gradient;                                                        \
        T *out = output;                                                                           \
        vd low = vd_set1(lower), width = vd_set1(upper - lower);                                   \
        vq k = vq_set1(key);                                                                       \
        size_t i = 0;                                                                              \
        for (; i + LANES <= n; i += LANES) {                                                       \
            V slope = make_slopes(low, width, k, index + i), v = P##_load(x + i);                  \
            P##_store(out + i, dy == NULL ? forward_##T(v, slope)                                  \
                                          : backward_##T(v, P##_load(dy + i), slope));             \
        }                                                                                          \
        if (i < n) {                                                                               \
            size_t m = n - i;                                                                      \
            V slope = make_slopes(low, width, k, index + i), v = P##_load_tail(x + i, m);          \
            P##_store_tail(out + i,                                                                \
                           dy == NULL ? forward_##T(v, slope)                                      \
                                      : backward_##T(v, P##_load_tail(dy + i, m), slope),          \
                           m);                                                                     \
        }                                                                                          \
    }

DEFINE_RRELU_TRAIN(rrelu_train_f32, float, vf, vf, VF_LANES, float_slopes)
DEFINE_RRELU_TRAIN(rrelu_train_f64, double, vd, vd, VD_LANES, slopes)

#endif /* VEC_HAS_U64_LANES */

void ISA_FUNCTION(fill_rrelu_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_rrelu_kernels)(kernel_table *table) {
#ifdef VEC_HAS_U64_LANES
    table->rrelu_train[SLOT_F32] = ISA_FUNCTION(rrelu_train_f32);
    table->rrelu_train[SLOT_F64] = ISA_FUNCTION(rrelu_train_f64);
#else
    (void)table;
#endif
}
