/* SPDX-License-Identifier: MIT */
#include "cnn.h"

#include "cnn_loops.h"
#include "mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIDE = 28, POOLED1 = 14, POOLED2 = 7, C1 = 32, C2 = 64, HIDDEN = 128, CLASSES = 10 };
enum { FLAT = POOLED2 * POOLED2 * C2 }; /* 3136 */

/* c = a (m x k) b (k x n), row-major; the flags transpose a or b as stored. */
static void gemm(bool ta, bool tb, size_t m, size_t n, size_t k, const float *a, const float *b,
                 float *c) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, 1, a, ta ? (int)m : (int)k, b, tb ? (int)k : (int)n, 0, c,
                (int)n);
}

bool cnn_create(cnn *net, const actfn_op *activation, bool he, uint64_t seed, size_t capacity,
                char *error, size_t size) {
    memset(net, 0, sizeof *net);
    net->act = *activation;
    net->capacity = capacity;
    static const size_t fan_in[CNN_LAYERS] = {9, 9 * C1, FLAT, HIDDEN},
                        fan_out[CNN_LAYERS] = {C1, C2, HIDDEN, CLASSES};
    bool ok = true;
    for (size_t l = 0; l < CNN_LAYERS; l++) {
        net->w_count[l] = fan_in[l] * fan_out[l], net->b_count[l] = fan_out[l];
        float **w[4] = {&net->w[l], &net->dw[l], &net->m_w[l], &net->v_w[l]};
        float **b[4] = {&net->b[l], &net->db[l], &net->m_b[l], &net->v_b[l]};
        for (int k = 0; k < 4; k++) {
            ok = ok && (*w[k] = calloc(net->w_count[l], sizeof(float))) != NULL;
            ok = ok && (*b[k] = calloc(net->b_count[l], sizeof(float))) != NULL;
        }
    }
    size_t n = capacity, pixels = n * SIDE * SIDE, pooled = n * POOLED1 * POOLED1;
    float **arrays[] = {&net->col1,   &net->z1,      &net->a1,    &net->p1,     &net->col2,
                        &net->z2,     &net->a2,      &net->p2,    &net->z3,     &net->a3,
                        &net->logits, &net->d_large, &net->d_col, &net->d_small};
    size_t counts[] = {pixels * 9,  pixels * C1, pixels * C1,     pooled * C1, pooled * 9 * C1,
                       pooled * C2, pooled * C2, n * FLAT,        n * HIDDEN,  n * HIDDEN,
                       n * CLASSES, pixels * C1, pooled * 9 * C1, pooled * C1};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        ok = ok && (*arrays[k] = malloc(counts[k] * sizeof(float) + 1)) != NULL;
    ok = ok && (net->from1 = malloc(pooled * C1)) != NULL;
    ok = ok && (net->from2 = malloc(n * FLAT)) != NULL;
    if (!ok) {
        cnn_free(net);
        snprintf(error, size, "out of memory for a CNN of %zu rows", capacity);
        return false;
    }
    for (size_t l = 0; l < CNN_LAYERS; l++) {
        double sigma = l + 1 < CNN_LAYERS && he ? sqrt(2.0 / (double)fan_in[l])
                                                : sqrt(2.0 / (double)(fan_in[l] + fan_out[l]));
        for (size_t i = 0; i < net->w_count[l]; i++)
            net->w[l][i] = (float)(sigma * random_normal(&seed));
    }
    return true;
}

void cnn_free(cnn *net) {
    for (size_t l = 0; l < CNN_LAYERS; l++) {
        float *p[] = {net->w[l],   net->b[l],   net->dw[l],  net->db[l],
                      net->m_w[l], net->v_w[l], net->m_b[l], net->v_b[l]};
        for (size_t k = 0; k < 8; k++)
            free(p[k]);
    }
    float *arrays[] = {net->col1,   net->z1,      net->a1,    net->p1,     net->col2,
                       net->z2,     net->a2,      net->p2,    net->z3,     net->a3,
                       net->logits, net->d_large, net->d_col, net->d_small};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    free(net->from1), free(net->from2);
    memset(net, 0, sizeof *net);
}

size_t cnn_parameters(const cnn *net) {
    size_t total = 0;
    for (size_t l = 0; l < CNN_LAYERS; l++)
        total += net->w_count[l] + net->b_count[l];
    return total;
}

static void activate(const actfn_op *op, size_t rows, size_t cols, const float *z, const float *b,
                     float *a) {
    actfn_batch batch = {rows, cols, cols};
    actfn_bias_forward(op, ACTFN_F32, &batch, z, b, a);
}

void cnn_forward(cnn *net, const float *x, size_t rows) {
    size_t pixels = rows * SIDE * SIDE, pooled = rows * POOLED1 * POOLED1;
    actfn_op identity = actfn_op_init(ACTFN_IDENTITY);
    net->x = x;
    cnn_im2col(x, rows, SIDE, 1, net->col1);
    gemm(false, false, pixels, C1, 9, net->col1, net->w[0], net->z1);
    activate(&net->act, pixels, C1, net->z1, net->b[0], net->a1);
    cnn_max_pool(net->a1, rows, SIDE, C1, net->p1, net->from1);
    cnn_im2col(net->p1, rows, POOLED1, C1, net->col2);
    gemm(false, false, pooled, C2, 9 * C1, net->col2, net->w[1], net->z2);
    activate(&net->act, pooled, C2, net->z2, net->b[1], net->a2);
    cnn_max_pool(net->a2, rows, POOLED1, C2, net->p2, net->from2);
    gemm(false, false, rows, HIDDEN, FLAT, net->p2, net->w[2], net->z3);
    activate(&net->act, rows, HIDDEN, net->z3, net->b[2], net->a3);
    gemm(false, false, rows, CLASSES, HIDDEN, net->a3, net->w[3], net->logits);
    activate(&identity, rows, CLASSES, net->logits, net->b[3], net->logits);
}

/* dz = da * f'(z + b) and db, through actfn's layer op; dz may be da. */
static void deactivate(const actfn_op *op, size_t rows, size_t cols, const float *z, const float *b,
                       const float *da, float *dz, float *db) {
    actfn_batch batch = {rows, cols, cols};
    actfn_bias_backward(op, ACTFN_F32, &batch, z, b, da, dz, db);
}

double cnn_loss(cnn *net, const uint8_t *labels, size_t rows, size_t *correct, bool backward) {
    float *d = net->d_small; /* dlogits, rows x 10 */
    double loss =
        mlp_softmax_loss_f32(net->logits, rows, CLASSES, labels, correct, backward ? d : NULL);
    if (!backward) return loss;
    size_t pixels = rows * SIDE * SIDE, pooled = rows * POOLED1 * POOLED1;
    actfn_op identity = actfn_op_init(ACTFN_IDENTITY);
    /* dense 2 */
    deactivate(&identity, rows, CLASSES, net->logits, net->b[3], d, d, net->db[3]);
    gemm(true, false, HIDDEN, CLASSES, rows, net->a3, d, net->dw[3]);
    float *da3 = net->d_col; /* rows x 128 */
    gemm(false, true, rows, HIDDEN, CLASSES, d, net->w[3], da3);
    /* dense 1 */
    deactivate(&net->act, rows, HIDDEN, net->z3, net->b[2], da3, da3, net->db[2]);
    gemm(true, false, FLAT, HIDDEN, rows, net->p2, da3, net->dw[2]);
    float *dp2 = net->d_small; /* rows x 3136; dlogits no longer needed */
    gemm(false, true, rows, FLAT, HIDDEN, da3, net->w[2], dp2);
    /* conv 2 */
    float *da2 = net->d_large; /* pooled x 64 */
    cnn_max_unpool(dp2, net->from2, rows, POOLED1, C2, da2);
    deactivate(&net->act, pooled, C2, net->z2, net->b[1], da2, da2, net->db[1]);
    gemm(true, false, 9 * C1, C2, pooled, net->col2, da2, net->dw[1]);
    gemm(false, true, pooled, 9 * C1, C2, da2, net->w[1], net->d_col);
    float *dp1 = net->d_small; /* pooled x 32, the scratch's size */
    cnn_col2im(net->d_col, rows, POOLED1, C1, dp1);
    /* conv 1 */
    float *da1 = net->d_large;
    cnn_max_unpool(dp1, net->from1, rows, SIDE, C1, da1);
    deactivate(&net->act, pixels, C1, net->z1, net->b[0], da1, da1, net->db[0]);
    gemm(true, false, 9, C1, pixels, net->col1, da1, net->dw[0]);
    return loss;
}

void cnn_step(cnn *net, double learning_rate) {
    net->steps++;
    for (size_t l = 0; l < CNN_LAYERS; l++) {
        mlp_update_f32(net->w[l], net->dw[l], net->m_w[l], net->v_w[l], net->w_count[l], MLP_ADAM,
                       learning_rate, 0, net->steps);
        mlp_update_f32(net->b[l], net->db[l], net->m_b[l], net->v_b[l], net->b_count[l], MLP_ADAM,
                       learning_rate, 0, net->steps);
    }
}

/* The rows of order[start ...] gathered into x and labels. */
static void gather(const dataset *data, const size_t *order, size_t start, size_t rows, float *x,
                   uint8_t *labels) {
    for (size_t r = 0; r < rows; r++) {
        size_t i = order != NULL ? order[start + r] : start + r;
        memcpy(x + r * data->features, data->x + i * data->features,
               data->features * sizeof(float));
        labels[r] = data->label[i];
    }
}

double cnn_train_epoch(cnn *net, const dataset *training, size_t batch, double learning_rate,
                       uint64_t seed, size_t max_train) {
    size_t count = max_train > 0 && max_train < training->count ? max_train : training->count;
    if (batch > net->capacity) batch = net->capacity;
    size_t *order = malloc(count * sizeof *order + 1);
    float *x = malloc(batch * training->features * sizeof *x);
    uint8_t *labels = malloc(batch);
    if (order == NULL || x == NULL || labels == NULL) abort();
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    for (size_t i = count; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)(random_next(&seed) % i), t = order[i - 1];
        order[i - 1] = order[j], order[j] = t;
    }
    double loss = 0;
    for (size_t at = 0; at < count; at += batch) {
        size_t rows = count - at < batch ? count - at : batch, correct;
        gather(training, order, at, rows, x, labels);
        cnn_forward(net, x, rows);
        loss += cnn_loss(net, labels, rows, &correct, true) * (double)rows;
        cnn_step(net, learning_rate);
    }
    free(order), free(x), free(labels);
    return count > 0 ? loss / (double)count : 0;
}

double cnn_evaluate(cnn *net, const dataset *data) {
    size_t right = 0, capacity = net->capacity;
    float *x = malloc(capacity * data->features * sizeof *x);
    uint8_t *labels = malloc(capacity);
    if (x == NULL || labels == NULL) abort();
    for (size_t at = 0; at < data->count; at += capacity) {
        size_t rows = data->count - at < capacity ? data->count - at : capacity, correct;
        gather(data, NULL, at, rows, x, labels);
        cnn_forward(net, x, rows);
        cnn_loss(net, labels, rows, &correct, false);
        right += correct;
    }
    free(x), free(labels);
    return data->count > 0 ? (double)right / (double)data->count : 0;
}
