/* The element loops of the layer ops for one dtype: included by layer_ops.c once with
 * T = float and once with T = double (NAME appends the suffix). Arguments are validated
 * there; rows use batch->stride, mask rows start on a byte (row_bytes apart). */

static void NAME(mask_bits)(const actfn_batch *b, const T *x, uint8_t *mask, uint64_t *active,
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
static void NAME(mask_backward_row)(const uint8_t *bits, const T *dy, T *dx, size_t cols, T slope) {
    for (size_t j = 0; j < cols; j++) {
        T inactive = slope == 0 ? (T)0 : dy[j] * slope;
        dx[j] = (bits[j >> 3] >> (j & 7)) & 1 ? dy[j] : inactive;
    }
}

/* z = row r of x + bias; z is either that row itself (in place) or disjoint from it, and
 * never overlaps bias: two loops, so that each can be vectorized without alias checks. */
static void NAME(add_bias)(const actfn_batch *b, size_t r, const T *x, const T *bias, T *z) {
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

static void NAME(prelu_forward)(const actfn_batch *b, const T *x, const T *slopes, T *y) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        T *out = y + r * b->stride;
        for (size_t j = 0; j < b->cols; j++)
            out[j] = row[j] > 0 ? row[j] : slopes[j] * row[j];
    }
}

static void NAME(prelu_backward)(const actfn_batch *b, const T *x, const T *slopes, const T *dy,
                                 T *dx, double *sums) {
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

/* The arg-max of x[0 .. k - 1]: the first NaN if any, else the first maximum. */
static size_t NAME(arg_max)(const T *x, size_t k) {
    size_t best = 0;
    if (x[0] != x[0]) return 0;
    for (size_t i = 1; i < k; i++) {
        if (x[i] != x[i]) return i;
        if (x[i] > x[best]) best = i;
    }
    return best;
}

static void NAME(maxout_forward)(const actfn_batch *b, size_t k, const T *x, T *y,
                                 size_t y_stride) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        for (size_t g = 0; g < b->cols / k; g++)
            y[r * y_stride + g] = row[g * k + NAME(arg_max)(row + g * k, k)];
    }
}

static void NAME(maxout_backward)(const actfn_batch *b, size_t k, const T *x, const T *dy,
                                  size_t dy_stride, T *dx) {
    for (size_t r = 0; r < b->rows; r++) {
        const T *row = x + r * b->stride;
        T *out = dx + r * b->stride;
        for (size_t j = 0; j < b->cols; j++)
            out[j] = 0;
        for (size_t g = 0; g < b->cols / k; g++)
            out[g * k + NAME(arg_max)(row + g * k, k)] = dy[r * dy_stride + g];
    }
}
