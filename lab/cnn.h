/* SPDX-License-Identifier: MIT */
/* A small convolutional network for 28 x 28 grey images: conv 3x3 (pad 1) 32 -> act ->
 * max-pool 2 -> conv 3x3 64 -> act -> max-pool 2 -> dense 3136 -> 128 -> act -> dense
 * 10, softmax cross-entropy, Adam. Convolution by im2col and OpenBLAS's cblas_sgemm,
 * NHWC layout, f32; every activation (with its bias) through actfn's layer ops
 * (actfn_bias_forward / actfn_bias_backward), as the MLP's. */
#ifndef ACTFN_LAB_CNN_H
#define ACTFN_LAB_CNN_H

#include "actfn.h"
#include "data.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CNN_LAYERS = 4 }; /* conv, conv, dense, dense */

typedef struct cnn {
    actfn_op act;
    size_t capacity; /* rows (images) of the work buffers */
    float *w[CNN_LAYERS], *b[CNN_LAYERS], *dw[CNN_LAYERS], *db[CNN_LAYERS];
    float *m_w[CNN_LAYERS], *v_w[CNN_LAYERS], *m_b[CNN_LAYERS], *v_b[CNN_LAYERS];
    size_t w_count[CNN_LAYERS], b_count[CNN_LAYERS];
    const float *x;             /* the last forward's input */
    float *col1, *z1, *a1, *p1; /* im2col of x; conv 1 before bias, after act; pooled */
    float *col2, *z2, *a2, *p2; /* the same for conv 2 (p2: rows x 3136) */
    float *z3, *a3, *logits;    /* dense 1 before bias, after act; dense 2's output */
    uint8_t *from1, *from2;     /* which of its 2 x 2 window each pooled value of a1 / a2 is */
    float *d_large, *d_col, *d_small; /* backward scratch */
    uint64_t steps;
} cnn;

/* He initialisation for the relu family, Xavier for the rest (as the MLP's init_for). */
bool cnn_create(cnn *net, const actfn_op *activation, bool he, uint64_t seed, size_t capacity,
                char *error, size_t error_size);
void cnn_free(cnn *net);
/* rows <= capacity images of 784 floats. */
void cnn_forward(cnn *net, const float *x, size_t rows);
/* Mean softmax cross-entropy of the last forward, the number right; with backward, the
 * gradients of every parameter. */
double cnn_loss(cnn *net, const uint8_t *labels, size_t rows, size_t *correct, bool backward);
/* One Adam step (beta 0.9, 0.999) from the gradients. */
void cnn_step(cnn *net, double learning_rate);
size_t cnn_parameters(const cnn *net);

/* One epoch over training in a shuffled order (seed), batches of batch; the mean loss. */
double cnn_train_epoch(cnn *net, const dataset *training, size_t batch, double learning_rate,
                       uint64_t seed, size_t max_train);
double cnn_evaluate(cnn *net, const dataset *data);

#endif
