/* SPDX-License-Identifier: MIT */
/* The scalar Maxout loops for one dtype: included by layers/for_each_dtype.h once with T = float
 * and once with T = double (DTYPE_NAME appends _f32 / _f64), from maxout.c. Arguments are
 * validated there; rows use batch->stride. */

/* The arg-max of x[0 .. k - 1]: the first NaN if any, else the first maximum. */
static size_t DTYPE_NAME(arg_max)(const T *x, size_t k) {
    size_t best = 0;
    if (x[0] != x[0]) return 0;
    for (size_t i = 1; i < k; i++) {
        if (x[i] != x[i]) return i;
        if (x[i] > x[best]) best = i;
    }
    return best;
}

static void DTYPE_NAME(maxout_forward)(const actfn_batch *b, size_t k, const T *x, T *y,
                                       size_t y_stride) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        for (size_t g = 0; g < b->cols / k; g++)
            y[r * y_stride + g] = row[g * k + DTYPE_NAME(arg_max)(row + g * k, k)];
    }
}

static void DTYPE_NAME(maxout_backward)(const actfn_batch *b, size_t k, const T *x, const T *dy,
                                        size_t dy_stride, T *dx) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        T *out = dx + r * b->stride;
        for (size_t j = 0; j < b->cols; j++)
            out[j] = 0;
        for (size_t g = 0; g < b->cols / k; g++)
            out[g * k + DTYPE_NAME(arg_max)(row + g * k, k)] = dy[r * dy_stride + g];
    }
}
