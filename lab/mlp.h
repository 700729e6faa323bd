/* SPDX-License-Identifier: MIT */
/* A small multilayer perceptron for the lab: dense layers (GEMM through OpenBLAS's
 * cblas_sgemm / cblas_dgemm), one actfn activation for the hidden layers, softmax
 * cross-entropy (or a squared error for regression), SGD with momentum or Adam, He or Xavier
 * initialisation. f32 for training, f64 for the finite-difference gradient check. The activations
 * run through actfn's public layer ops: relu, leaky_relu and relu6 by the 1-bit mask forward and
 * backward with the dead-unit counts, every other op by the fused bias + activation. */
#ifndef ACTFN_LAB_MLP_H
#define ACTFN_LAB_MLP_H

#include "actfn.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MLP_MAX_LAYERS 40

typedef enum mlp_init { MLP_INIT_HE, MLP_INIT_XAVIER } mlp_init;
typedef enum mlp_optimizer { MLP_SGD, MLP_ADAM } mlp_optimizer;

/* The arithmetic of an f32 network's training. Both 16-bit modes round every tensor of
 * the forward and the backward to f16 (inputs, weights, pre-activations, activations,
 * logits, each gradient), as a 16-bit unit stores them, and update f32 master weights
 * (mixed-precision practice; no loss scaling). */
typedef enum mlp_precision {
    MLP_WIDE,      /* the dtype's own arithmetic */
    MLP_F16,       /* matrix products summed in f32 and rounded once (tensor-core style) */
    MLP_F16_SUMS,  /* as MLP_F16, but the forward's products summed in f16 (narrow.h) */
    MLP_INT8_GRID, /* f32, with the hidden activations' inputs on a symmetric 8-bit grid
                      (per batch and layer, step max |z| / 127: the fake quantisation of
                      quantisation-aware training, its gradient passed straight through) */
} mlp_precision;

typedef struct mlp_config {
    size_t layers;                    /* dense layers; layers - 1 hidden activations */
    size_t sizes[MLP_MAX_LAYERS + 1]; /* sizes[0] inputs ... sizes[layers] classes */
    actfn_op activation;              /* of every hidden layer, unless per_layer */
    bool per_layer;                   /* activations[l] for hidden layer l instead */
    actfn_op activations[MLP_MAX_LAYERS];
    mlp_init init;
    double init_gain;   /* > 0: weights N(0, gain^2 / fan_in) instead of init's rule */
    double hidden_bias; /* initial bias of the hidden layers (0 usually) */
    uint64_t seed;
    actfn_dtype dtype; /* ACTFN_F32 or ACTFN_F64 */
    double centre;     /* subtracted from every hidden activation (a centred relu) */
    bool has_output;   /* the output layer's activation is output, not the identity */
    actfn_op output;
    size_t maxout;           /* > 1: hidden layers are Maxout of that many pieces (actfn's
                                maxout ops; activation unused): sizes[l + 1] units, each the
                                maximum of maxout affine pieces */
    mlp_precision precision; /* MLP_F16*: f32 networks only */
    bool batch_norm;         /* hidden layers: the product, then batch normalisation (scale gamma,
                                shift the layer's bias), then the activation; batch statistics
                                while training, running averages (momentum 0.1) otherwise */
} mlp_config;

typedef struct mlp {
    mlp_config config;
    size_t capacity; /* rows of the work buffers */
    void *w[MLP_MAX_LAYERS], *b[MLP_MAX_LAYERS], *dw[MLP_MAX_LAYERS], *db[MLP_MAX_LAYERS];
    void *m_w[MLP_MAX_LAYERS], *v_w[MLP_MAX_LAYERS], *m_b[MLP_MAX_LAYERS], *v_b[MLP_MAX_LAYERS];
    void *w_round[MLP_MAX_LAYERS]; /* 16-bit precision: the rounded weights */
    /* batch norm of hidden layer l: the scale, its gradient and optimizer state, the
     * running mean and variance, and the last forward's normalised values and 1 / sd */
    void *gamma[MLP_MAX_LAYERS], *dgamma[MLP_MAX_LAYERS], *m_g[MLP_MAX_LAYERS],
        *v_g[MLP_MAX_LAYERS];
    void *running_mean[MLP_MAX_LAYERS], *running_var[MLP_MAX_LAYERS];
    void *normalised[MLP_MAX_LAYERS], *inverse_sd[MLP_MAX_LAYERS];
    void *batch_norm_block[MLP_MAX_LAYERS]; /* the one allocation those point into */
    bool training;               /* batch norm: batch statistics (and update the running ones) */
    void *a[MLP_MAX_LAYERS + 1]; /* a[0] the input, a[l + 1] layer l's output */
    void *z[MLP_MAX_LAYERS];     /* pre-activations */
    void *da, *dz;               /* backward scratch, capacity x widest */
    uint8_t *mask[MLP_MAX_LAYERS];
    actfn_activity activity[MLP_MAX_LAYERS];
    double grad_norm[MLP_MAX_LAYERS];            /* ||dL/dW|| of the last backward, per layer */
    double activation_grad_norm[MLP_MAX_LAYERS]; /* ||dL/da|| of hidden layer l's output, RMS
                                                    per element, of the last backward */
    uint64_t zeros[MLP_MAX_LAYERS];              /* hidden layer l's activation inputs exactly 0 */
    uint64_t preactivations[MLP_MAX_LAYERS];     /* and all of them (mask ops only) */
    uint64_t steps;                              /* optimizer steps (Adam's bias correction) */
    bool time_activations;          /* add the time of the layer ops to activation_seconds */
    double activation_seconds;      /* the bias + activation layer ops, forward and backward */
    actfn_op act[MLP_MAX_LAYERS];   /* each hidden layer's activation */
    bool uses_mask[MLP_MAX_LAYERS]; /* through the mask ops (relu family) */
} mlp;

/* Whether the config rounds its tensors to f16 (MLP_F16, MLP_F16_SUMS). */
bool mlp_is_f16(const mlp_config *config);

/* Columns of layer l's matrix product: sizes[l + 1], times maxout for a hidden layer. */
size_t mlp_units(const mlp_config *config, size_t layer);

bool mlp_create(mlp *net, const mlp_config *config, size_t batch_capacity, char *error,
                size_t error_size);
void mlp_free(mlp *net);

/* Forward of rows inputs (rows <= capacity, row-major, the config's dtype): the logits
 * are net->a[layers]. track adds the hidden layers' activity counts. */
void mlp_forward(mlp *net, const void *x, size_t rows, bool track);
/* Softmax cross-entropy of the last forward's logits: the mean loss, the number of
 * correct predictions; with backward, the gradients dw, db of every layer. */
double mlp_loss(mlp *net, const uint8_t *labels, size_t rows, size_t *correct, bool backward);
/* The mean squared error of the last forward's outputs against rows x outputs targets
 * (a regression head); with backward, the gradients of every layer. */
double mlp_squared_loss(mlp *net, const float *targets, size_t rows, bool backward);
/* One optimizer step from the gradients. */
void mlp_step(mlp *net, mlp_optimizer optimizer, double learning_rate, double momentum);
/* The mean softmax cross-entropy of rows x classes f32 logits and the number right;
 * unless dlogits is NULL, the gradient of the mean loss into it (the CNN's loss too). */
double mlp_softmax_loss_f32(const float *logits, size_t rows, size_t classes, const uint8_t *labels,
                            size_t *correct, float *dlogits);
/* One optimizer step on n f32 parameters p from their gradients g, with the optimizer's
 * state m, v (the CNN's parameters too); step counts from 1 (Adam's bias correction). */
void mlp_update_f32(float *p, const float *g, float *m, float *v, size_t n, mlp_optimizer optimizer,
                    double learning_rate, double momentum, uint64_t step);
/* The predicted class of each row of the last forward. */
void mlp_predict(const mlp *net, size_t rows, uint8_t *classes);
/* Logit k of row r of the last forward. */
double mlp_get_logit(const mlp *net, size_t row, size_t k);

/* Parameter access for the gradient check: layer, which (0 weights, 1 biases, 2 batch
 * norm's scales, none where the layer has no batch norm), index. */
double mlp_get(const mlp *net, size_t layer, int which, size_t i);
void mlp_set(mlp *net, size_t layer, int which, size_t i, double value);
double mlp_gradient(const mlp *net, size_t layer, int which, size_t i);
size_t mlp_count(const mlp *net, size_t layer, int which);

#endif
