/* SPDX-License-Identifier: MIT */
/* The shootout: activations side by side on Fashion-MNIST (and the demo, and relu alone). */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int shootout_of(const lab_options *o, const char *const *ops, size_t count,
                       size_t default_epochs, const char *heading) {
    size_t epochs = epochs_or(o, default_epochs);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    epoch_result **r = calloc(count, sizeof *r);
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL || r == NULL) return 1;
    fprintf(csv, "dataset,activation,epoch,loss,train_accuracy,test_accuracy,seconds\n");
    for (size_t k = 0; k < count; k++) {
        r[k] = calloc(epochs, sizeof *r[k]);
        if (!train_fashion(&f, ops[k], o->seed, epochs, r[k])) return 1;
        write_curves_csv(csv, "fashion-mnist", ops[k], r[k], epochs);
    }
    fclose(csv);
    double *x = epoch_axis(epochs);
    series *lines = calloc(count, sizeof *lines), *losses = calloc(count, sizeof *losses);
    double **acc = calloc(count, sizeof *acc), **loss = calloc(count, sizeof *loss);
    for (size_t k = 0; k < count; k++) {
        acc[k] = malloc(epochs * sizeof(double)), loss[k] = malloc(epochs * sizeof(double));
        for (size_t e = 0; e < epochs; e++)
            acc[k][e] = r[k][e].test_accuracy, loss[k][e] = r[k][e].loss;
        lines[k] = (series){ops[k], x, acc[k], epochs};
        losses[k] = (series){ops[k], x, loss[k], epochs};
    }
    char path[1200];
    figure_lines(path_in(o, "test-accuracy.png", path, sizeof path),
                 "Fashion-MNIST, 784-256-128-10, Adam: test accuracy", "epoch", "test accuracy",
                 lines, count, false);
    figure_lines(path_in(o, "training-loss.png", path, sizeof path),
                 "Fashion-MNIST, 784-256-128-10, Adam: training loss (log)", "epoch",
                 "cross-entropy", losses, count, true);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# %s\n\n"
            "784-256-128-10 MLP on Fashion-MNIST (60,000 training, 10,000 test images), Adam "
            "(lr 10^-3), batches of 128, %zu epochs, seed %llu; He initialisation for the relu "
            "family, Xavier for sigmoid, tanh and identity. The data set's README lists an "
            "MLP 256-128-100 at 88.33 %% test accuracy.\n\n"
            "| activation | test accuracy (last) | best | epochs to 85 %% | s per epoch |\n"
            "|---|---|---|---|---|\n",
            heading, epochs, (unsigned long long)o->seed);
    size_t winner = 0;
    for (size_t k = 0; k < count; k++) {
        int reach = epochs_to(r[k], epochs, 0.85);
        char reached[16];
        snprintf(reached, sizeof reached, reach > 0 ? "%d" : "not reached", reach);
        fprintf(md, "| %s | %.2f %% | %.2f %% | %s | %.2f |\n", ops[k],
                100 * r[k][epochs - 1].test_accuracy, 100 * best_test(r[k], epochs), reached,
                mean_seconds(r[k], epochs));
        if (r[k][epochs - 1].test_accuracy > r[winner][epochs - 1].test_accuracy) winner = k;
    }
    double relu_accuracy = 0;
    for (size_t k = 0; k < count; k++)
        if (strcmp(ops[k], "relu") == 0) relu_accuracy = r[k][epochs - 1].test_accuracy;
    fprintf(md,
            "\n![test accuracy](test-accuracy.png)\n\n![training loss](training-loss.png)\n\n"
            "**Verdict.** Highest final test accuracy: %s (%.2f %%). relu: %.2f %%, %s the "
            "88.33 %% of the data set's MLP baseline.\n",
            ops[winner], 100 * r[winner][epochs - 1].test_accuracy, 100 * relu_accuracy,
            relu_accuracy >= 0.8833 ? "at or above" : "below");
    fclose(md);
    for (size_t k = 0; k < count; k++)
        free(r[k]), free(acc[k]), free(loss[k]);
    free(r), free(acc), free(loss), free(lines), free(losses), free(x);
    free_fashion(&f);
    return 0;
}

int experiment_shootout(const lab_options *o) {
    static const char *const ops[] = {"relu", "leaky_relu", "elu",  "gelu",
                                      "silu", "sigmoid",    "tanh", "identity"};
    return shootout_of(o, ops, 8, 15, "Activation shootout on Fashion-MNIST");
}

int experiment_demo(const lab_options *o) {
    static const char *const ops[] = {"relu", "sigmoid"};
    return shootout_of(o, ops, 2, 2, "relu against sigmoid on Fashion-MNIST (a short run)");
}

int experiment_relu_alone(const lab_options *o) {
    static const char *const ops[] = {"relu"};
    return shootout_of(o, ops, 1, 5, "relu on Fashion-MNIST (the network of bench/torch_mlp.py)");
}
