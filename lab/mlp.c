/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "mlp.h"

#include "data.h"
#include "narrow.h"

#include <cblas.h>
#include <time.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In 16-bit precision, n values rounded to f16 in place (they are f32: mlp_create
 * refuses the 16-bit modes for f64); else nothing. */
bool mlp_is_f16(const mlp_config *c) {
    return c->precision == MLP_F16 || c->precision == MLP_F16_SUMS;
}

static void round_narrow(const mlp *net, void *values, size_t n) {
    if (mlp_is_f16(&net->config)) narrow_round_all_f16(values, n);
}

/* A monotonic clock in seconds (0 unless the network times its activations). */
static double clock_if(const mlp *net) {
    if (!net->time_activations) return 0;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

size_t mlp_units(const mlp_config *c, size_t l) {
    return c->sizes[l + 1] * (l + 1 < c->layers && c->maxout > 1 ? c->maxout : 1);
}

static actfn_op output_op(const mlp_config *c) {
    return c->has_output ? c->output : actfn_op_init(ACTFN_IDENTITY);
}

#define T         float
#define SUFFIX(x) x##_f32
#define GEMM      cblas_sgemm
#define DTYPE     ACTFN_F32
#include "mlp_body.h"
#undef T
#undef SUFFIX
#undef GEMM
#undef DTYPE
#define T         double
#define SUFFIX(x) x##_f64
#define GEMM      cblas_dgemm
#define DTYPE     ACTFN_F64
#include "mlp_body.h"

double mlp_softmax_loss_f32(const float *logits, size_t rows, size_t classes, const uint8_t *labels,
                            size_t *correct, float *dlogits) {
    return rows > 0
               ? softmax_loss_f32(logits, rows, classes, labels, correct, dlogits) / (double)rows
               : (*correct = 0, 0);
}

void mlp_update_f32(float *p, const float *g, float *m, float *v, size_t n, mlp_optimizer optimizer,
                    double learning_rate, double momentum, uint64_t step) {
    update_f32(p, g, m, v, n, optimizer, learning_rate, momentum, step);
}

static size_t element_size(const mlp *net) {
    return actfn_dtype_size(net->config.dtype);
}

static bool mask_op(actfn_kind kind) {
    return kind == ACTFN_RELU || kind == ACTFN_LEAKY_RELU || kind == ACTFN_RELU6;
}

bool mlp_create(mlp *net, const mlp_config *config, size_t capacity, char *error, size_t size) {
    memset(net, 0, sizeof *net);
    net->config = *config;
    net->capacity = capacity;
    const mlp_config *c = &net->config;
    if (c->layers == 0 || c->layers > MLP_MAX_LAYERS ||
        (c->dtype != ACTFN_F32 && c->dtype != ACTFN_F64)) {
        snprintf(error, size, "a network needs 1 to %d layers, f32 or f64", MLP_MAX_LAYERS);
        return false;
    }
    if (c->precision != MLP_WIDE && c->dtype != ACTFN_F32) { /* the 16-bit modes, int8's grid */
        snprintf(error, size, "16-bit precision and the 8-bit grid are for f32 networks");
        return false;
    }
    for (size_t l = 0; c->batch_norm && l + 1 < c->layers; l++)
        if (c->maxout > 1 || mlp_units(c, l) > BATCH_NORM_MAX_COLUMNS) {
            snprintf(error, size, "batch norm is for layers of up to %d units, not Maxout",
                     BATCH_NORM_MAX_COLUMNS);
            return false;
        }
    for (size_t l = 0; l + 1 < c->layers; l++) {
        const actfn_op *op = c->per_layer ? &c->activations[l] : &c->activation;
        net->act[l] = *op;
        /* the mask holds two derivatives: relu'(0) must be one of them (leaky_relu's
         * default, NaN, means its slope) */
        double inactive = op->kind == ACTFN_LEAKY_RELU ? op->negative_slope : 0;
        net->uses_mask[l] = c->maxout <= 1 && mask_op(op->kind) &&
                            (op->grad_at_zero == 1 || op->grad_at_zero == inactive ||
                             (op->kind == ACTFN_LEAKY_RELU && isnan(op->grad_at_zero)));
    }
    size_t e = element_size(net), widest = 0;
    bool ok = true;
    for (size_t l = 0; l <= c->layers; l++)
        widest = c->sizes[l] > widest ? c->sizes[l] : widest;
    for (size_t l = 0; l < c->layers; l++)
        widest = mlp_units(c, l) > widest ? mlp_units(c, l) : widest;
    for (size_t l = 0; l < c->layers && ok; l++) {
        size_t in = c->sizes[l], out = mlp_units(c, l);
        void **arrays[] = {&net->w[l], &net->dw[l], &net->m_w[l], &net->v_w[l]};
        for (int k = 0; k < 4; k++)
            ok = ok && (*arrays[k] = calloc(in * out, e)) != NULL;
        void **vectors[] = {&net->b[l], &net->db[l], &net->m_b[l], &net->v_b[l]};
        for (int k = 0; k < 4; k++)
            ok = ok && (*vectors[k] = calloc(out, e)) != NULL;
        ok = ok && (net->z[l] = calloc(capacity * out, e)) != NULL;
        ok = ok && (net->a[l + 1] = calloc(capacity * c->sizes[l + 1], e)) != NULL;
        if (mlp_is_f16(c)) ok = ok && (net->w_round[l] = calloc(in * out, e)) != NULL;
        if (c->batch_norm && l + 1 < c->layers) { /* seven vectors of out, then capacity x out */
            char *block = calloc((7 + capacity) * out, e);
            ok = ok && (net->batch_norm_block[l] = block) != NULL;
            void **parts[] = {&net->gamma[l],      &net->dgamma[l],       &net->m_g[l],
                              &net->v_g[l],        &net->running_mean[l], &net->running_var[l],
                              &net->inverse_sd[l], &net->normalised[l]};
            for (size_t k = 0; block != NULL && k < sizeof parts / sizeof parts[0]; k++)
                *parts[k] = block + k * out * e;
        }
        if (l + 1 < c->layers && net->uses_mask[l]) {
            ok = ok && (net->mask[l] = calloc(capacity, actfn_mask_row_bytes(out))) != NULL;
            ok = ok && actfn_activity_init(&net->activity[l], out) == ACTFN_OK;
        }
    }
    ok = ok && (net->da = calloc(capacity * widest, e)) != NULL;
    ok = ok && (net->dz = calloc(capacity * widest, e)) != NULL;
    if (!ok) {
        mlp_free(net);
        snprintf(error, size, "out of memory for the network");
        return false;
    }
    uint64_t seed = c->seed;
    if (c->dtype == ACTFN_F32)
        initialise_f32(net, &seed);
    else
        initialise_f64(net, &seed);
    for (size_t l = 0; l < c->layers && mlp_is_f16(c); l++) {
        memcpy(net->w_round[l], net->w[l], c->sizes[l] * mlp_units(c, l) * e);
        round_narrow(net, net->w_round[l], c->sizes[l] * mlp_units(c, l));
    }
    return true;
}

void mlp_free(mlp *net) {
    for (size_t l = 0; l < MLP_MAX_LAYERS; l++) {
        void *arrays[] = {net->w[l],
                          net->b[l],
                          net->dw[l],
                          net->db[l],
                          net->m_w[l],
                          net->v_w[l],
                          net->m_b[l],
                          net->v_b[l],
                          net->z[l],
                          net->a[l + 1],
                          net->mask[l],
                          net->w_round[l],
                          net->batch_norm_block[l]};
        for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
            free(arrays[k]);
        actfn_activity_free(&net->activity[l]);
    }
    free(net->da);
    free(net->dz);
    memset(net, 0, sizeof *net);
}

void mlp_forward(mlp *net, const void *x, size_t rows, bool track) {
    if (net->config.dtype == ACTFN_F32)
        forward_f32(net, x, rows, track);
    else
        forward_f64(net, x, rows, track);
}

double mlp_loss(mlp *net, const uint8_t *labels, size_t rows, size_t *correct, bool backward) {
    return net->config.dtype == ACTFN_F32 ? loss_f32(net, labels, rows, correct, backward)
                                          : loss_f64(net, labels, rows, correct, backward);
}

double mlp_squared_loss(mlp *net, const float *targets, size_t rows, bool backward) {
    return net->config.dtype == ACTFN_F32 ? squared_loss_f32(net, targets, rows, backward)
                                          : squared_loss_f64(net, targets, rows, backward);
}

void mlp_step(mlp *net, mlp_optimizer optimizer, double learning_rate, double momentum) {
    if (net->config.dtype == ACTFN_F32)
        step_f32(net, optimizer, learning_rate, momentum);
    else
        step_f64(net, optimizer, learning_rate, momentum);
}

void mlp_predict(const mlp *net, size_t rows, uint8_t *classes) {
    size_t k = net->config.sizes[net->config.layers];
    for (size_t r = 0; r < rows; r++) {
        size_t best = 0;
        for (size_t j = 1; j < k; j++)
            if (mlp_get_logit(net, r, j) > mlp_get_logit(net, r, best)) best = j;
        classes[r] = (uint8_t)best;
    }
}

static void *parameter(const mlp *net, size_t layer, int which) {
    return which == 0 ? net->w[layer] : which == 1 ? net->b[layer] : net->gamma[layer];
}

size_t mlp_count(const mlp *net, size_t layer, int which) {
    size_t units = mlp_units(&net->config, layer);
    return which == 0                                ? net->config.sizes[layer] * units
           : which == 1 || net->gamma[layer] != NULL ? units
                                                     : 0;
}

static double load(const mlp *net, const void *array, size_t i) {
    return net->config.dtype == ACTFN_F32 ? ((const float *)array)[i] : ((const double *)array)[i];
}

double mlp_get(const mlp *net, size_t layer, int which, size_t i) {
    return load(net, parameter(net, layer, which), i);
}

void mlp_set(mlp *net, size_t layer, int which, size_t i, double value) {
    void *array = parameter(net, layer, which);
    if (net->config.dtype == ACTFN_F32)
        ((float *)array)[i] = (float)value;
    else
        ((double *)array)[i] = value;
}

double mlp_gradient(const mlp *net, size_t layer, int which, size_t i) {
    return load(net,
                which == 0   ? net->dw[layer]
                : which == 1 ? net->db[layer]
                             : net->dgamma[layer],
                i);
}

double mlp_get_logit(const mlp *net, size_t row, size_t k) {
    return load(net, net->a[net->config.layers], row * net->config.sizes[net->config.layers] + k);
}
