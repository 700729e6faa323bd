/* SPDX-License-Identifier: MIT */
#include "cnn_loops.h"

#include "wide_clones.h"

#include <stdbool.h>
#include <string.h>

/* Padding 1: tap row ky of output row y reads source row y + ky - 1, inside the image or
 * not; tap column kx reads inside the image for the output pixels [first, end). */
static inline bool row_inside(size_t y, size_t ky, size_t side) {
    return y + ky >= 1 && y + ky - 1 < side;
}

static inline size_t first_inside(size_t kx) {
    return kx == 0 ? 1 : 0;
}

static inline size_t end_inside(size_t kx, size_t side) {
    return kx == 2 ? side - 1 : side;
}

/* Tap (ky, kx) of every pixel of image row y: source row y + ky - 1 shifted by kx - 1,
 * the pixels whose source lies beyond the border zeroed. `line` is the row's first
 * pixel's line, `source` the source row (NULL beyond the border). */
static inline void gather_tap(float *line, const float *source, size_t side, size_t channels,
                              size_t kx, size_t tap) {
    size_t k = 9 * channels, first = first_inside(kx), end = end_inside(kx, side);
    if (source == NULL) first = end = side;
    for (size_t x = 0; x < side; x++)
        if (x < first || x >= end) memset(line + x * k + tap, 0, channels * sizeof *line);
    if (channels == 1) { /* the input image: one value per tap */
        for (size_t x = first; x < end; x++)
            line[x * k + tap] = source[x + kx - 1];
        return;
    }
    for (size_t x = first; x < end; x++) {
        float *to = line + x * k + tap;
        const float *from = source + (x + kx - 1) * channels;
        for (size_t c = 0; c < channels; c++)
            to[c] = from[c];
    }
}

WIDE_CLONES
void cnn_im2col(const float *in, size_t rows, size_t side, size_t channels, float *col) {
    size_t k = 9 * channels, image = side * side * channels;
    for (size_t n = 0; n < rows; n++)
        for (size_t y = 0; y < side; y++) {
            float *line = col + (n * side + y) * side * k;
            for (size_t ky = 0; ky < 3; ky++) {
                const float *source = row_inside(y, ky, side)
                                          ? in + n * image + (y + ky - 1) * side * channels
                                          : NULL;
                for (size_t kx = 0; kx < 3; kx++)
                    gather_tap(line, source, side, channels, kx, (ky * 3 + kx) * channels);
            }
        }
}

WIDE_CLONES
void cnn_col2im(const float *col, size_t rows, size_t side, size_t channels, float *out) {
    size_t k = 9 * channels, image = side * side * channels;
    memset(out, 0, rows * image * sizeof *out);
    for (size_t n = 0; n < rows; n++)
        for (size_t y = 0; y < side; y++) {
            const float *line = col + (n * side + y) * side * k;
            for (size_t ky = 0; ky < 3; ky++) {
                if (!row_inside(y, ky, side)) continue;
                float *target = out + n * image + (y + ky - 1) * side * channels;
                for (size_t kx = 0; kx < 3; kx++) {
                    for (size_t x = first_inside(kx); x < end_inside(kx, side); x++) {
                        float *to = target + (x + kx - 1) * channels;
                        const float *from = line + x * k + (ky * 3 + kx) * channels;
                        for (size_t c = 0; c < channels; c++)
                            to[c] += from[c];
                    }
                }
            }
        }
}

/* v replaces best where it is larger or NaN, unless best is NaN; where follows. Written
 * with an if, which GCC if-converts into selects and vectorises (its bool-select form
 * it does not). */
#define KEEP_LARGER(best, where, v, k)                                                             \
    do {                                                                                           \
        float candidate = (v);                                                                     \
        if (!(candidate <= best) && best == best) best = candidate, where = (k);                   \
    } while (0)

WIDE_CLONES
void cnn_max_pool(const float *in, size_t rows, size_t side, size_t channels, float *out,
                  uint8_t *from) {
    size_t half = side / 2, row = side * channels;
    for (size_t n = 0; n < rows; n++)
        for (size_t y = 0; y < half; y++)
            for (size_t x = 0; x < half; x++) {
                const float *top = in + ((n * side + 2 * y) * side + 2 * x) * channels;
                const float *bottom = top + row;
                size_t o = ((n * half + y) * half + x) * channels;
                for (size_t c = 0; c < channels; c++) {
                    float best = top[c];
                    uint8_t where = 0;
                    KEEP_LARGER(best, where, top[channels + c], 1);
                    KEEP_LARGER(best, where, bottom[c], 2);
                    KEEP_LARGER(best, where, bottom[channels + c], 3);
                    out[o + c] = best, from[o + c] = where;
                }
            }
}

/* One window's gradient: g where the maximum was, 0 at the other three places. Its own
 * function, so that restrict tells GCC the four rows do not overlap the inputs. */
static inline void unpool_window(const float *restrict d_out, const uint8_t *restrict from,
                                 size_t channels, float *restrict top, float *restrict bottom) {
    for (size_t c = 0; c < channels; c++) {
        float g = d_out[c];
        uint8_t where = from[c];
        top[c] = where == 0 ? g : 0.0f;
        top[channels + c] = where == 1 ? g : 0.0f;
        bottom[c] = where == 2 ? g : 0.0f;
        bottom[channels + c] = where == 3 ? g : 0.0f;
    }
}

WIDE_CLONES
void cnn_max_unpool(const float *d_out, const uint8_t *from, size_t rows, size_t side,
                    size_t channels, float *d_in) {
    size_t half = side / 2, row = side * channels;
    for (size_t n = 0; n < rows; n++)
        for (size_t y = 0; y < half; y++)
            for (size_t x = 0; x < half; x++) {
                float *top = d_in + ((n * side + 2 * y) * side + 2 * x) * channels;
                size_t o = ((n * half + y) * half + x) * channels;
                unpool_window(d_out + o, from + o, channels, top, top + row);
            }
}
