/* SPDX-License-Identifier: MIT */
/* torch's concatenated GLU layout (each row [a | b] or [b | a]), shared by the float
 * GLUs (glu.c) and the quantized ones (glu_quantized.c): its checks and its geometry. */
#ifndef ACTFN_GLU_ROWS_H
#define ACTFN_GLU_ROWS_H

#include "actfn.h"

#include <stdbool.h>
#include <stddef.h>

/* ACTFN_ERR_BAD_PARAMETER unless order is an actfn_glu_order, 2 cols fits a size_t and
 * x's rows of 2 cols, x_stride apart, are addressable. */
actfn_status check_glu_layout(const char *function, actfn_dtype dtype, actfn_glu_order order,
                              size_t rows, size_t cols, size_t x_stride);
/* ACTFN_ERR_BAD_PARAMETER unless stride >= width and the rows are addressable. */
actfn_status check_row_stride(const char *function, size_t rows, size_t stride, size_t width,
                              actfn_dtype dtype);
/* Every check of a forward on rows: the layout, y's stride, then, unless the call is
 * empty (*empty, nothing more checked), the arrays and their overlap. */
actfn_status check_glu_forward_rows(const char *function, actfn_dtype dtype, actfn_glu_order order,
                                    size_t rows, size_t cols, const void *x, size_t x_stride,
                                    const void *y, size_t y_stride, bool *empty);
/* The halves of a row of 2 cols: the value half's offset and the gate half's, in elements. */
void glu_halves(actfn_glu_order order, size_t cols, size_t *value, size_t *gate);
/* rows of width elements, stride apart: the bytes from the first to one past the last */
size_t glu_rows_span(size_t rows, size_t stride, size_t width, actfn_dtype dtype);

#endif
