/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "train.h"

#include "common/progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The rows of a batch gathered into contiguous memory, in the network's dtype (targets,
 * of a regression set, in f32). */
static void gather(const mlp *net, const dataset *data, const size_t *order, size_t start,
                   size_t rows, void *x, uint8_t *labels, float *targets) {
    size_t f = data->features;
    for (size_t r = 0; r < rows; r++) {
        const float *row = data->x + order[start + r] * f;
        if (net->config.dtype == ACTFN_F32)
            memcpy((float *)x + r * f, row, f * sizeof(float));
        else
            for (size_t j = 0; j < f; j++)
                ((double *)x)[r * f + j] = row[j];
        labels[r] = data->label[order[start + r]];
        if (data->target != NULL)
            memcpy(targets + r * data->targets, data->target + order[start + r] * data->targets,
                   data->targets * sizeof *targets);
    }
}

/* A batch's loss (the squared error where the set has targets), and with backward the
 * gradients; *correct counts the right classes (0 for regression). */
static double batch_loss(mlp *net, const dataset *data, const uint8_t *labels, const float *targets,
                         size_t rows, size_t *correct, bool backward) {
    if (data->target == NULL) return mlp_loss(net, labels, rows, correct, backward);
    *correct = 0;
    return mlp_squared_loss(net, targets, rows, backward);
}

static float *target_buffer(const dataset *data, size_t rows) {
    float *targets = malloc(rows * (data->target != NULL ? data->targets : 0) * sizeof(float) + 1);
    if (targets == NULL) abort();
    return targets;
}

double evaluate(mlp *net, const dataset *data, double *loss) {
    size_t f = data->features, capacity = net->capacity, correct = 0;
    bool training = net->training;
    net->training = false; /* batch norm: the running statistics */
    size_t e = actfn_dtype_size(net->config.dtype);
    void *x = malloc(capacity * f * e);
    uint8_t *labels = malloc(capacity);
    float *targets = target_buffer(data, capacity);
    double total = 0;
    size_t *order = malloc(data->count * sizeof *order + 1);
    if (x == NULL || labels == NULL || order == NULL) abort();
    for (size_t i = 0; i < data->count; i++)
        order[i] = i;
    for (size_t start = 0; start < data->count; start += capacity) {
        size_t rows = data->count - start < capacity ? data->count - start : capacity, ok;
        gather(net, data, order, start, rows, x, labels, targets);
        mlp_forward(net, x, rows, false);
        total += batch_loss(net, data, labels, targets, rows, &ok, false) * (double)rows;
        correct += ok;
    }
    free(x), free(labels), free(order), free(targets);
    net->training = training;
    if (loss != NULL) *loss = data->count > 0 ? total / (double)data->count : 0;
    return data->count > 0 ? (double)correct / (double)data->count : 0;
}

void gradient_norms(mlp *net, const dataset *data, size_t rows, double *norms,
                    double *activation_norms) {
    size_t f = data->features, e = actfn_dtype_size(net->config.dtype), correct;
    if (rows > net->capacity) rows = net->capacity;
    if (rows > data->count) rows = data->count;
    void *x = malloc(rows * f * e);
    uint8_t *labels = malloc(rows);
    float *targets = target_buffer(data, rows);
    size_t *order = malloc(rows * sizeof *order);
    if (x == NULL || labels == NULL || order == NULL) abort();
    for (size_t i = 0; i < rows; i++)
        order[i] = i;
    gather(net, data, order, 0, rows, x, labels, targets);
    bool training = net->training;
    net->training = true; /* batch norm: the gradient of the batch statistics */
    mlp_forward(net, x, rows, false);
    batch_loss(net, data, labels, targets, rows, &correct, true);
    net->training = training;
    for (size_t l = 0; l < net->config.layers; l++)
        norms[l] = net->grad_norm[l];
    for (size_t l = 0; activation_norms != NULL && l + 1 < net->config.layers; l++)
        activation_norms[l] = net->activation_grad_norm[l];
    free(x), free(labels), free(order), free(targets);
}

void train(mlp *net, const dataset *training, const dataset *test, const train_config *config,
           epoch_result *results) {
    size_t count = config->max_train > 0 && config->max_train < training->count ? config->max_train
                                                                                : training->count;
    size_t f = training->features,
           batch = config->batch < net->capacity ? config->batch : net->capacity;
    size_t e = actfn_dtype_size(net->config.dtype), layers = net->config.layers;
    void *x = malloc(batch * f * e);
    uint8_t *labels = malloc(batch);
    float *targets = target_buffer(training, batch);
    size_t *order = malloc(count * sizeof *order + 1);
    if (x == NULL || labels == NULL || order == NULL) abort();
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    uint64_t seed = config->seed;
    bool diverged = false;
    for (size_t epoch = 0; epoch < config->epochs; epoch++) {
        epoch_result *result = &results[epoch];
        memset(result, 0, sizeof *result);
        if (diverged) {
            result->diverged = true;
            result->loss = NAN;
            continue;
        }
        for (size_t i = count; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)(random_next(&seed) % i), t = order[i - 1];
            order[i - 1] = order[j], order[j] = t;
        }
        for (size_t l = 0; l + 1 < layers; l++)
            if (net->activity[l].active != NULL) {
                memset(net->activity[l].active, 0, net->activity[l].cols * sizeof(uint64_t));
                net->activity[l].rows = 0;
            }
        memset(net->zeros, 0, sizeof net->zeros);
        memset(net->preactivations, 0, sizeof net->preactivations);
        net->training = true;
        double start = seconds_now(), loss = 0;
        size_t correct = 0, steps = 0;
        progress bar;
        char label[96];
        snprintf(label, sizeof label, "%s epoch %zu/%zu", config->label, epoch + 1, config->epochs);
        progress_start(&bar, label, count);
        bar.terminal = bar.terminal && !config->quiet;
        for (size_t at = 0; at < count; at += batch) {
            size_t rows = count - at < batch ? count - at : batch, ok;
            gather(net, training, order, at, rows, x, labels, targets);
            mlp_forward(net, x, rows, config->track_activity);
            loss += batch_loss(net, training, labels, targets, rows, &ok, true) * (double)rows;
            correct += ok;
            for (size_t l = 0; l < layers; l++)
                result->grad_norm[l] += net->grad_norm[l];
            mlp_step(net, config->optimizer, config->learning_rate, config->momentum);
            steps++;
            progress_update(&bar, at + rows);
        }
        progress_finish(&bar);
        net->training = false;
        result->seconds = seconds_now() - start;
        result->loss = loss / (double)count;
        result->train_accuracy = (double)correct / (double)count;
        for (size_t l = 0; l < layers; l++)
            result->grad_norm[l] /= (double)steps;
        for (size_t l = 0; l + 1 < layers; l++)
            result->dead[l] = actfn_activity_dead_fraction(&net->activity[l]);
        uint64_t zeros = 0, all = 0;
        for (size_t l = 0; l + 1 < layers; l++) {
            zeros += net->zeros[l], all += net->preactivations[l];
            result->zero_layer[l] = net->preactivations[l] > 0
                                        ? (double)net->zeros[l] / (double)net->preactivations[l]
                                        : 0;
        }
        result->zero_fraction = all > 0 ? (double)zeros / (double)all : 0;
        diverged = !isfinite(result->loss);
        result->diverged = diverged;
        result->test_accuracy =
            test != NULL && !diverged ? evaluate(net, test, &result->test_loss) : 0;
        result->validation_accuracy =
            config->validation != NULL && !diverged
                ? evaluate(net, config->validation, &result->validation_loss)
                : 0;
        if (!config->quiet)
            fprintf(stderr, "%s: loss %.4f, train %.2f%%, test %.2f%% (loss %.4f), %.2f s\n", label,
                    result->loss, 100 * result->train_accuracy, 100 * result->test_accuracy,
                    result->test_loss, result->seconds);
    }
    free(x), free(labels), free(order), free(targets);
}
