/* SPDX-License-Identifier: MIT */
/* The CNN's data movement around its matrix products, NHWC (channels innermost): im2col
 * and its adjoint for 3 x 3 convolutions with padding 1, and 2 x 2 max-pooling with its
 * backward. Written so that the channel loops vectorise, and compiled for the wide
 * vector units as well (GCC's function multi-versioning). */
#ifndef ACTFN_LAB_CNN_LOOPS_H
#define ACTFN_LAB_CNN_LOOPS_H

#include <stddef.h>
#include <stdint.h>

/* rows images of side x side x channels into rows * side^2 lines of 9 * channels: each
 * pixel's 3 x 3 neighbourhood, tap by tap (ky, kx), zeros beyond the border. */
void cnn_im2col(const float *in, size_t rows, size_t side, size_t channels, float *col);

/* The adjoint of cnn_im2col: every line's entries added back onto the image (out is
 * overwritten). */
void cnn_col2im(const float *col, size_t rows, size_t side, size_t channels, float *out);

/* 2 x 2 max-pooling, stride 2, side even: out (side / 2 squared per image) and, for each
 * of its values, which of the window's four (0 top left, 1 top right, 2 bottom left, 3
 * bottom right) it came from: the first of equal ones; a NaN wins, so that it propagates. */
void cnn_max_pool(const float *in, size_t rows, size_t side, size_t channels, float *out,
                  uint8_t *from);

/* The backward: d_in (rows x side^2 x channels, overwritten) holds each d_out at the
 * place its value came from and 0 elsewhere. */
void cnn_max_unpool(const float *d_out, const uint8_t *from, size_t rows, size_t side,
                    size_t channels, float *d_in);

#endif
