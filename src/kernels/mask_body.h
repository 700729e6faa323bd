/* SPDX-License-Identifier: MIT */
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
        if (stream == STREAM_AND_FENCE) stream_fence();
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

/* out[r] = a[r] + b for count rows (a's rows first_stride elements apart, out's
 * out_stride); out may equal a with the same stride, and overlaps b nowhere. */
static void KERNEL(add_rows)(const void *first, size_t first_stride, const void *second,
                             void *output, size_t out_stride, size_t count, size_t n) {
    const T *b = second;
    for (size_t r = 0; r < count; r++) {
        const T *a = (const T *)first + r * first_stride;
        T *out = (T *)output + r * out_stride;
        size_t i = 0;
        for (; i + LANES <= n; i += LANES)
            VOP(store)(out + i, VOP(add)(VOP(load)(a + i), VOP(load)(b + i)));
        if (i < n) VOP(store_tail)
        (out + i, VOP(add)(VOP(load_tail)(a + i, n - i), VOP(load_tail)(b + i, n - i)), n - i);
    }
}

/* sums[j] += rows[r][j] for r = 0 .. count - 1 in turn (rows stride elements apart), in
 * double, a float widened exactly: the bias gradient's column sums. Each column is added
 * in the scalar loop's order, so the sums are the same; they stay in registers down the
 * rows. */
static void KERNEL(add_to_sums)(const void *input, size_t stride, size_t count, double *sums,
                                size_t n) {
    const T *rows = input;
    size_t j = 0;
    for (; j + LANES <= n; j += LANES)
        DTYPE_NAME(add_down_columns)(rows + j, stride, count, sums + j);
    for (; j < n; j++) {
        double sum = sums[j];
        for (size_t r = 0; r < count; r++)
            sum += (double)rows[r * stride + j];
        sums[j] = sum;
    }
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
