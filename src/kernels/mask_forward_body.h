/* SPDX-License-Identifier: MIT */
/* The layer ops of the piecewise ops in one pass: the mask forward and the fused bias +
 * activation. Included by piecewise_body.h, for the dtype it is compiled for.
 *
 * The mask forward of relu, leaky_relu and relu6 (actfn_mask_forward): each
 * vector of x is loaded once, and gives y = f(x) through the op's own body (so y is the
 * plain forward's, bit for bit), LANES bits of the mask, and the activity counts. */

/* Elements per step of the main loop: 64 bits of the mask, stored as one word. */
#define MASK_GROUP 64

/* The bits of the first `lanes` lanes of v (x passes: 0 < x, and x < 6 for relu6, or
 * x == 0 where zero_bits is nonzero), and counts[j] += (x > 0) if counts is not NULL. */
static inline uint64_t DTYPE_NAME(mask_lanes)(V v, const CONSTANTS *k, int relu6,
                                              uint64_t zero_bits, T *counts, size_t lanes) {
    M positive = VOP(gt)(v, k->zero), passes = positive;
    if (relu6) passes = MOP(and)(passes, VOP(lt)(v, k->six));
    uint64_t bits = (uint64_t)MOP(to_bits)(passes);
    if (zero_bits != 0) bits |= (uint64_t)MOP(to_bits)(VOP(eq)(v, k->zero));
    if (lanes < LANES) bits &= ((uint64_t)1 << lanes) - 1;
    if (counts != NULL) {
        V one = VOP(set1)((T)1), added = VOP(select)(positive, one, k->zero);
        if (lanes == LANES)
            VOP(store)(counts, VOP(add)(VOP(load)(counts), added));
        else
            VOP(store_tail)(counts, VOP(add)(VOP(load_tail)(counts, lanes), added), lanes);
    }
    return bits;
}

/* The bits of a row as they are produced: pending holds `held` bits not yet stored. */
typedef struct DTYPE_NAME(mask_row) {
    uint8_t *bits;
    uint64_t pending;
    unsigned held;
} DTYPE_NAME(mask_row);

/* 64 bits after the pending ones: 8 bytes stored, as many bits left pending. */
static inline void DTYPE_NAME(mask_append_word)(DTYPE_NAME(mask_row) * row, uint64_t bits) {
    uint64_t word = row->pending | bits << row->held;
    row->pending = row->held > 0 ? bits >> (64 - row->held) : 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(row->bits, &word, sizeof word); /* the bytes in the mask's order */
#else
    for (int b = 0; b < 8; b++)
        row->bits[b] = (uint8_t)(word >> 8 * b);
#endif
    row->bits += 8;
}

static inline void DTYPE_NAME(mask_append)(DTYPE_NAME(mask_row) * row, uint64_t bits,
                                           size_t count) {
    row->pending |= bits << row->held;
    row->held += (unsigned)count;
    while (row->held >= 8) {
        *row->bits++ = (uint8_t)row->pending;
        row->pending >>= 8;
        row->held -= 8;
    }
}

/* One row: y = f(x) (y may equal x), the row's bits from bits[0] (byte-aligned), and
 * counts. With stream, y is written by non-temporal stores from its first vector-aligned
 * element (y must be aligned to its elements); the elements before it are one partial
 * vector. The main loop takes MASK_GROUP elements a step, whose bits are one word: the
 * bits still pending from the head (fewer than 8) stay as many after each step. */
#define DEFINE_MASK_FORWARD_KERNEL(name, body, relu6)                                              \
    static inline __attribute__((always_inline)) void KERNEL(name##_as)(                           \
        const op_params *p, const void *input, void *output, uint8_t *bits, void *count, size_t n, \
        const int zero_bit, const int stream, int fence) {                                         \
        const T *x = input;                                                                        \
        T *y = output, *counts = count;                                                            \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        const uint64_t zero_bits = zero_bit ? ~(uint64_t)0 : 0;                                    \
        DTYPE_NAME(mask_row) row = {bits, 0, 0};                                                   \
        size_t i = 0;                                                                              \
        if (stream) {                                                                              \
            size_t head = (VEC_BYTES - (uintptr_t)y % VEC_BYTES) % VEC_BYTES / sizeof(T);          \
            if (head > n) head = n;                                                                \
            if (head > 0) {                                                                        \
                V v = VOP(load_tail)(x, head);                                                     \
                DTYPE_NAME(mask_append)                                                            \
                (&row, DTYPE_NAME(mask_lanes)(v, &k, relu6, zero_bits, counts, head), head);       \
                VOP(store_tail)(y, body(v, &k), head);                                             \
                i = head;                                                                          \
            }                                                                                      \
        }                                                                                          \
        for (; i + MASK_GROUP <= n; i += MASK_GROUP) {                                             \
            uint64_t group = 0;                                                                    \
            _Pragma("GCC unroll 8") for (unsigned g = 0; g < MASK_GROUP / LANES; g++) {            \
                V v = VOP(load)(x + i + g * LANES);                                                \
                T *c = counts != NULL ? counts + i + g * LANES : NULL;                             \
                group |= DTYPE_NAME(mask_lanes)(v, &k, relu6, zero_bits, c, LANES) << g * LANES;   \
                if (stream)                                                                        \
                    VOP(store_stream)(y + i + g * LANES, body(v, &k));                             \
                else                                                                               \
                    VOP(store)(y + i + g * LANES, body(v, &k));                                    \
            }                                                                                      \
            DTYPE_NAME(mask_append_word)(&row, group);                                             \
        }                                                                                          \
        if (fence) stream_fence();                                                                 \
        for (; i + LANES <= n; i += LANES) {                                                       \
            V v = VOP(load)(x + i);                                                                \
            T *c = counts != NULL ? counts + i : NULL;                                             \
            DTYPE_NAME(mask_append)                                                                \
            (&row, DTYPE_NAME(mask_lanes)(v, &k, relu6, zero_bits, c, LANES), LANES);              \
            VOP(store)(y + i, body(v, &k));                                                        \
        }                                                                                          \
        if (i < n) {                                                                               \
            V v = VOP(load_tail)(x + i, n - i);                                                    \
            T *c = counts != NULL ? counts + i : NULL;                                             \
            DTYPE_NAME(mask_append)                                                                \
            (&row, DTYPE_NAME(mask_lanes)(v, &k, relu6, zero_bits, c, n - i), n - i);              \
            VOP(store_tail)(y + i, body(v, &k), n - i);                                            \
        }                                                                                          \
        if (row.held > 0) *row.bits = (uint8_t)row.pending;                                        \
    }                                                                                              \
    /* compiled for each zero_bit and stream, so that neither is tested in the loop */             \
    static void KERNEL(name)(const op_params *p, const void *x, void *y, uint8_t *bits,            \
                             void *counts, size_t n, int zero_bit, int stream) {                   \
        if (zero_bit && stream)                                                                    \
            KERNEL(name##_as)(p, x, y, bits, counts, n, 1, 1, stream == STREAM_AND_FENCE);         \
        else if (zero_bit)                                                                         \
            KERNEL(name##_as)(p, x, y, bits, counts, n, 1, 0, 0);                                  \
        else if (stream)                                                                           \
            KERNEL(name##_as)(p, x, y, bits, counts, n, 0, 1, stream == STREAM_AND_FENCE);         \
        else                                                                                       \
            KERNEL(name##_as)(p, x, y, bits, counts, n, 0, 0, 0);                                  \
    }

DEFINE_MASK_FORWARD_KERNEL(relu_mask_forward, CONCAT(relu_forward_body, SUFFIX), 0)
DEFINE_MASK_FORWARD_KERNEL(leaky_relu_mask_forward, CONCAT(leaky_relu_forward_body, SUFFIX), 0)
DEFINE_MASK_FORWARD_KERNEL(relu6_mask_forward, CONCAT(relu6_forward_body, SUFFIX), 1)
#undef DEFINE_MASK_FORWARD_KERNEL
#undef MASK_GROUP

/* The fused bias + activation of a piecewise op in one pass (actfn_bias_forward): each
 * vector is x + b, rounded to the dtype as a separate add would, then the op's body. */
#define DEFINE_BIAS_FORWARD_KERNEL(name, body)                                                     \
    static void KERNEL(name)(const op_params *p, const void *input, const void *bias_row,          \
                             void *output, size_t n, int stream) {                                 \
        const T *x = input, *b = bias_row;                                                         \
        T *y = output;                                                                             \
        const CONSTANTS k = CONCAT(make_constants, SUFFIX)(p);                                     \
        size_t i = 0;                                                                              \
        if (stream) { /* y past the caches from its first vector boundary, as mask forward */      \
            size_t head = (VEC_BYTES - (uintptr_t)y % VEC_BYTES) % VEC_BYTES / sizeof(T);          \
            if (head > n) head = n;                                                                \
            if (head > 0) {                                                                        \
                V u = VOP(add)(VOP(load_tail)(x, head), VOP(load_tail)(b, head));                  \
                VOP(store_tail)(y, body(u, &k), head);                                             \
                i = head;                                                                          \
            }                                                                                      \
            for (; i + LANES <= n; i += LANES)                                                     \
                VOP(store_stream)(y + i, body(VOP(add)(VOP(load)(x + i), VOP(load)(b + i)), &k));  \
            if (stream == STREAM_AND_FENCE) stream_fence();                                        \
        }                                                                                          \
        for (; i + 2 * LANES <= n; i += 2 * LANES) {                                               \
            V u = VOP(add)(VOP(load)(x + i), VOP(load)(b + i));                                    \
            V v = VOP(add)(VOP(load)(x + i + LANES), VOP(load)(b + i + LANES));                    \
            VOP(store)(y + i, body(u, &k));                                                        \
            VOP(store)(y + i + LANES, body(v, &k));                                                \
        }                                                                                          \
        for (; i + LANES <= n; i += LANES)                                                         \
            VOP(store)(y + i, body(VOP(add)(VOP(load)(x + i), VOP(load)(b + i)), &k));             \
        if (i < n) {                                                                               \
            V u = VOP(add)(VOP(load_tail)(x + i, n - i), VOP(load_tail)(b + i, n - i));            \
            VOP(store_tail)(y + i, body(u, &k), n - i);                                            \
        }                                                                                          \
    }

DEFINE_BIAS_FORWARD_KERNEL(identity_bias_forward, CONCAT(identity_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(relu_bias_forward, CONCAT(relu_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(leaky_relu_bias_forward, CONCAT(leaky_relu_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(relu6_bias_forward, CONCAT(relu6_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(clipped_relu_bias_forward, CONCAT(clipped_relu_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(hardtanh_bias_forward, CONCAT(hardtanh_forward_body, SUFFIX))
DEFINE_BIAS_FORWARD_KERNEL(squared_relu_bias_forward, CONCAT(squared_relu_forward_body, SUFFIX))
#undef DEFINE_BIAS_FORWARD_KERNEL
