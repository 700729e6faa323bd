/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool load_fashion(const lab_options *o, fashion *f) {
    char error[512];
    memset(f, 0, sizeof *f);
    if (!load_fashion_mnist(o->data, true, &f->train, error, sizeof error) ||
        !load_fashion_mnist(o->data, false, &f->test, error, sizeof error)) {
        fprintf(stderr, "actfn lab: %s\n", error);
        dataset_free(&f->train);
        return false;
    }
    return true;
}

void free_fashion(fashion *f) {
    dataset_free(&f->train);
    dataset_free(&f->test);
}

FILE *open_output(const lab_options *o, const char *name) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", o->directory, name);
    FILE *file = fopen(path, "w");
    if (file == NULL) fprintf(stderr, "actfn lab: cannot write %s\n", path);
    return file;
}

const char *path_in(const lab_options *o, const char *name, char *buffer, size_t size) {
    snprintf(buffer, size, "%s/%s", o->directory, name);
    return buffer;
}

actfn_op op_named(const char *name) {
    actfn_op op;
    if (actfn_op_from_name(name, &op) != ACTFN_OK) abort();
    return op;
}

/* He initialisation for the relu family and its smooth cousins, Xavier (Glorot) for the
 * saturating ops and the identity: each op with the initialisation it is used with. */
mlp_init init_for(const char *name) {
    return strcmp(name, "sigmoid") == 0 || strcmp(name, "tanh") == 0 ||
                   strcmp(name, "identity") == 0
               ? MLP_INIT_XAVIER
               : MLP_INIT_HE;
}

mlp_config dense(size_t layers, const size_t *sizes, const char *activation, uint64_t seed) {
    mlp_config c = {.layers = layers,
                    .activation = op_named(activation),
                    .init = init_for(activation),
                    .seed = seed,
                    .dtype = ACTFN_F32};
    for (size_t l = 0; l <= layers; l++)
        c.sizes[l] = sizes[l];
    return c;
}

bool make_net(mlp *net, const mlp_config *config, size_t capacity) {
    char error[256];
    if (mlp_create(net, config, capacity, error, sizeof error)) return true;
    fprintf(stderr, "actfn lab: %s\n", error);
    return false;
}

size_t epochs_or(const lab_options *o, size_t fallback) {
    return o->epochs > 0 ? o->epochs : fallback;
}

double best_test(const epoch_result *r, size_t epochs) {
    double best = 0;
    for (size_t e = 0; e < epochs; e++)
        best = fmax(best, r[e].test_accuracy);
    return best;
}

double mean_seconds(const epoch_result *r, size_t epochs) {
    double total = 0;
    for (size_t e = 0; e < epochs; e++)
        total += r[e].seconds;
    return epochs > 0 ? total / (double)epochs : 0;
}

int epochs_to(const epoch_result *r, size_t epochs, double accuracy) {
    for (size_t e = 0; e < epochs; e++)
        if (r[e].test_accuracy >= accuracy) return (int)e + 1;
    return -1;
}

const size_t fashion_sizes[4] = {784, 256, 128, 10};

/* Trains a 784-256-128-10 network with Adam (lr 1e-3, batches of 128). */
bool train_fashion(const fashion *f, const char *activation, uint64_t seed, size_t epochs,
                   epoch_result *results) {
    mlp net;
    mlp_config config = dense(3, fashion_sizes, activation, seed);
    if (!make_net(&net, &config, 1000)) return false;
    train_config t = {.epochs = epochs,
                      .batch = 128,
                      .optimizer = MLP_ADAM,
                      .learning_rate = 1e-3,
                      .seed = seed + 1,
                      .label = activation};
    train(&net, &f->train, &f->test, &t, results);
    mlp_free(&net);
    return true;
}

void write_curves_csv(FILE *csv, const char *group, const char *name, const epoch_result *r,
                      size_t epochs) {
    for (size_t e = 0; e < epochs; e++)
        fprintf(csv, "%s,%s,%zu,%.6f,%.6f,%.6f,%.4f\n", group, name, e + 1, r[e].loss,
                r[e].train_accuracy, r[e].test_accuracy, r[e].seconds);
}

double *epoch_axis(size_t epochs) {
    double *x = malloc(epochs * sizeof *x + 1);
    if (x == NULL) abort();
    for (size_t e = 0; e < epochs; e++)
        x[e] = (double)(e + 1);
    return x;
}
