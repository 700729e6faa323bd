/* The layer ops' row kernels, written once for the dtype that kernels/for_each_dtype.h
 * names (included twice by mask_kernels.c). */

/* The mask backward: with stream set (large batches), dx is written by non-temporal
 * stores from its first VEC_BYTES-aligned element: no read of dx's lines before they are
 * written, so the backward moves 4 + 4 + 1/8 bytes per float instead of 4 + 4 + 4 + 1/8. */
static void KERNEL(mask_backward)(const uint8_t *bits, const void *gradient, void *output, size_t n,
                                  double slope, int stream) {
    const T *dy = gradient;
    T *dx = output;
    const V factor = VOP(set1)((T)slope);
    const int leaky = slope != 0;
    size_t i = 0;
    if (stream) {
        for (; i < n && (uintptr_t)(dx + i) % VEC_BYTES != 0; i++)
            dx[i] = (bits[i >> 3] >> (i & 7)) & 1 ? dy[i] : leaky ? dy[i] * (T)slope : (T)0;
        for (; i + LANES <= n; i += LANES) {
            V g = VOP(load)(dy + i);
            V inactive = leaky ? VOP(mul)(g, factor) : VOP(zero)();
            VOP(store_stream)
            (dx + i, VOP(select)(VOP(mask_from_bits)(bits_at(bits, i, LANES)), g, inactive));
        }
        stream_fence();
    }
    for (; i + LANES <= n; i += LANES) {
        V g = VOP(load)(dy + i);
        V inactive = leaky ? VOP(mul)(g, factor) : VOP(zero)();
        VOP(store)(dx + i, VOP(select)(VOP(mask_from_bits)(bits_at(bits, i, LANES)), g, inactive));
    }
    for (; i < n; i++) {
        T inactive = leaky ? dy[i] * (T)slope : (T)0;
        dx[i] = (bits[i >> 3] >> (i & 7)) & 1 ? dy[i] : inactive;
    }
}

/* One row of the mask forward's bits: bit j of bits (byte-aligned) set where x passes
 * (0 < x, and x < 6 for relu6, or x == 0 when zero_bit), and, if counts is not NULL,
 * counts[j] += (x > 0), counted in the dtype (exact below 2^24 rows per call). */
static void KERNEL(mask_forward)(const void *input, uint8_t *bits, void *count, size_t n, int relu6,
                                 int zero_bit) {
    const T *x = input;
    T *counts = count;
    const V zero = VOP(zero)(), six = VOP(set1)((T)6), one = VOP(set1)((T)1);
    uint64_t pending = 0;
    unsigned held = 0;
    size_t i = 0, byte = 0;
    for (; i + LANES <= n; i += LANES) {
        V v = VOP(load)(x + i);
        M positive = VOP(gt)(v, zero), passes = positive;
        if (relu6) passes = MOP(and)(passes, VOP(lt)(v, six));
        if (zero_bit) passes = MOP(or)(passes, VOP(eq)(v, zero));
        pending |= (uint64_t)MOP(to_bits)(passes) << held;
        held += LANES;
        while (held >= 8) {
            bits[byte++] = (uint8_t)pending;
            pending >>= 8;
            held -= 8;
        }
        if (counts != NULL) VOP(store)
        (counts + i, VOP(add)(VOP(load)(counts + i), VOP(select)(positive, one, zero)));
    }
    for (; i < n; i++) {
        T v = x[i];
        int passes = v > 0 && (!relu6 || v < 6);
        passes |= zero_bit && v == 0;
        pending |= (uint64_t)passes << held;
        if (++held == 8) {
            bits[byte++] = (uint8_t)pending;
            pending = 0;
            held = 0;
        }
        if (counts != NULL) counts[i] += v > 0;
    }
    if (held > 0) bits[byte] = (uint8_t)pending;
}

/* out = a + b; out may equal a, and overlaps b nowhere else. */
static void KERNEL(add_rows)(const void *first, const void *second, void *output, size_t n) {
    const T *a = first, *b = second;
    T *out = output;
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        VOP(store)(out + i, VOP(add)(VOP(load)(a + i), VOP(load)(b + i)));
    if (i < n) VOP(store_tail)
    (out + i, VOP(add)(VOP(load_tail)(a + i, n - i), VOP(load_tail)(b + i, n - i)), n - i);
}

/* PReLU rows: the scalar loops of layers/prelu_rows.h, a vector at a time. */
static void KERNEL(prelu_forward)(const void *input, const void *slope, void *output, size_t n) {
    const T *x = input, *a = slope;
    T *y = output;
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        V v = VOP(load)(x + i);
        VOP(store)(y + i, VOP(select)(VOP(gt)(v, VOP(zero)()), v, VOP(mul)(VOP(load)(a + i), v)));
    }
    for (; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : a[i] * x[i];
}

/* The slope's gradient sums x * dy over the inactive elements, in double: a product of
 * floats exact, a product of doubles rounded once and then added, as the scalar loop. */
static void KERNEL(prelu_backward)(const void *input, const void *slope, const void *gradient,
                                   void *output, double *sums, size_t n) {
    const T *x = input, *a = slope, *dy = gradient;
    T *dx = output;
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        V v = VOP(load)(x + i), g = VOP(load)(dy + i);
        DTYPE_NAME(add_inactive_products)(v, g, sums + i);
        VOP(store)(dx + i, VOP(select)(VOP(gt)(v, VOP(zero)()), g, VOP(mul)(VOP(load)(a + i), g)));
    }
    for (; i < n; i++) {
        if (!(x[i] > 0)) sums[i] += (double)x[i] * (double)dy[i];
        dx[i] = x[i] > 0 ? dy[i] : a[i] * dy[i];
    }
}
