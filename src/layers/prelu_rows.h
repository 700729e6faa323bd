/* SPDX-License-Identifier: MIT */
/* The scalar PReLU loops for one dtype: included by layers/for_each_dtype.h once with T = float
 * and once with T = double (DTYPE_NAME appends _f32 / _f64), from prelu.c. Arguments are
 * validated there; rows use batch->stride. */

static void DTYPE_NAME(prelu_forward)(const actfn_batch *b, const T *x, const T *slopes, T *y) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        T *out = y + r * b->stride;
        for (size_t j = 0; j < b->cols; j++)
            out[j] = row[j] > 0 ? row[j] : slopes[j] * row[j];
    }
}

static void DTYPE_NAME(prelu_backward)(const actfn_batch *b, const T *x, const T *slopes,
                                       const T *dy, T *dx, double *sums) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride, *g = dy + r * b->stride;
        T *out = dx + r * b->stride;
        for (size_t j = 0; j < b->cols; j++) {
            T v = row[j], gradient = g[j];
            if (!(v > 0)) sums[j] += (double)v * (double)gradient;
            out[j] = v > 0 ? gradient : slopes[j] * gradient;
        }
    }
}
