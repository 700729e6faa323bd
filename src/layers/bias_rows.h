/* SPDX-License-Identifier: MIT */
/* The scalar bias add for one dtype: included by layers/for_each_dtype.h once with T = float
 * and once with T = double (DTYPE_NAME appends _f32 / _f64), from bias.c. Arguments are
 * validated there; rows use batch->stride. */

/* z = row r of x + bias; z is either that row itself (in place) or disjoint from it, and
 * never overlaps bias: two loops, so that each can be vectorized without alias checks. */
static void DTYPE_NAME(add_bias)(const actfn_batch *b, size_t r, const T *x, const T *bias, T *z) {
    const T *row = x + r * b->stride;
    if (row == z) {
        T *restrict inout = z;
        const T *restrict add = bias;
        for (size_t j = 0; j < b->cols; j++)
            inout[j] += add[j];
        return;
    }
    T *restrict out = z;
    const T *restrict in = row, *restrict add = bias;
    for (size_t j = 0; j < b->cols; j++)
        out[j] = in[j] + add[j];
}
