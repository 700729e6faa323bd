/* SPDX-License-Identifier: MIT */
/* The scalar loops of the mask ops (bits, and the backward of one row) for one dtype: included by
 * layers/for_each_dtype.h once with T = float and once with T = double (DTYPE_NAME appends _f32 /
 * _f64), from mask.c. Arguments are validated there; rows use batch->stride. */

static void DTYPE_NAME(mask_bits)(const actfn_batch *b, const T *x, uint8_t *mask, uint64_t *active,
                                  int kind, bool zero_bit) {
    size_t row_bytes = (b->cols + 7) / 8;
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        uint8_t *bits = mask + r * row_bytes;
        for (size_t j0 = 0; j0 < b->cols; j0 += 8) {
            unsigned byte = 0;
            size_t end = j0 + 8 < b->cols ? j0 + 8 : b->cols;
            for (size_t j = j0; j < end; j++) {
                T v = row[j];
                int passes = kind == ACTFN_RELU6 ? (v > 0 && v < 6) : v > 0;
                passes |= zero_bit && v == 0;
                byte |= (unsigned)passes << (j - j0);
            }
            bits[j0 / 8] = (uint8_t)byte;
        }
        if (active != NULL)
            for (size_t j = 0; j < b->cols; j++)
                active[j] += row[j] > 0;
    }
}

/* The reference of the per-ISA mask backward (mask_kernels.c), and the scalar ISA's. */
static void DTYPE_NAME(mask_backward_row)(const uint8_t *bits, const T *dy, T *dx, size_t cols,
                                          T slope) {
    for (size_t j = 0; j < cols; j++) {
        T inactive = slope == 0 ? (T)0 : dy[j] * slope;
        dx[j] = (bits[j >> 3] >> (j & 7)) & 1 ? dy[j] : inactive;
    }
}
