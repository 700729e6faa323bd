/* SPDX-License-Identifier: MIT */
/* Maxout over pairs (k = 2) for the dtype that kernel_template.h's names map (included
 * twice by maxout_kernels.c): y[g] = the first NaN of x[2g], x[2g + 1] if any, else the
 * first maximum (the scalar rule of layers/maxout_rows.h: x[2g + 1] only where it is NaN
 * or strictly greater, and x[2g] is not NaN), from LANES groups a step, split into their
 * even and odd elements; the backward routes dy[g] to that element and +0 to the other.
 * Exact (compares and selects): bit for bit the scalar loops. */

/* Where the second of a pair wins. */
static inline M DTYPE_NAME(second_wins)(V first, V second) {
    return MOP(andnot)(MOP(or)(VOP(is_nan)(second), VOP(gt)(second, first)), VOP(is_nan)(first));
}

static inline int DTYPE_NAME(second_wins_scalar)(T first, T second) {
    return first == first && (second != second || second > first);
}

static void KERNEL(maxout_pairs_forward)(const void *input, void *output, size_t groups) {
    const T *x = input;
    T *y = output;
    size_t g = 0;
    for (; g + LANES <= groups; g += LANES) {
        V even, odd;
        VOP(deinterleave)(VOP(load)(x + 2 * g), VOP(load)(x + 2 * g + LANES), &even, &odd);
        VOP(store)(y + g, VOP(select)(DTYPE_NAME(second_wins)(even, odd), odd, even));
    }
    for (; g < groups; g++)
        y[g] = DTYPE_NAME(second_wins_scalar)(x[2 * g], x[2 * g + 1]) ? x[2 * g + 1] : x[2 * g];
}

static void KERNEL(maxout_pairs_backward)(const void *input, const void *gradient, void *output,
                                          size_t groups) {
    const T *x = input, *dy = gradient;
    T *dx = output;
    size_t g = 0;
    for (; g + LANES <= groups; g += LANES) {
        V even, odd, low, high, d = VOP(load)(dy + g);
        VOP(deinterleave)(VOP(load)(x + 2 * g), VOP(load)(x + 2 * g + LANES), &even, &odd);
        M second = DTYPE_NAME(second_wins)(even, odd);
        VOP(interleave)
        (VOP(select)(second, VOP(zero)(), d), VOP(select)(second, d, VOP(zero)()), &low, &high);
        VOP(store)(dx + 2 * g, low);
        VOP(store)(dx + 2 * g + LANES, high);
    }
    for (; g < groups; g++) {
        int second = DTYPE_NAME(second_wins_scalar)(x[2 * g], x[2 * g + 1]);
        dx[2 * g] = second ? (T)0 : dy[g];
        dx[2 * g + 1] = second ? dy[g] : (T)0;
    }
}
