/* SPDX-License-Identifier: MIT */
/* Vanishing gradients: the gradient norm per layer of a deep MLP. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int experiment_vanishing(const lab_options *o) {
    enum { HIDDEN = 15, LAYERS = HIDDEN + 1 };
    size_t epochs = epochs_or(o, 3), sizes[LAYERS + 1];
    sizes[0] = 784, sizes[LAYERS] = 10;
    for (int l = 1; l < LAYERS; l++)
        sizes[l] = 64;
    static const char *const ops[3] = {"sigmoid", "tanh", "relu"};
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    double before[3][LAYERS], after[3][LAYERS], accuracy[3];
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "activation,when,layer,gradient_norm\n");
    for (int k = 0; k < 3; k++) {
        mlp net;
        mlp_config config = dense(LAYERS, sizes, ops[k], o->seed);
        if (!make_net(&net, &config, 1000)) return 1;
        gradient_norms(&net, &f.train, 256, before[k]);
        epoch_result *r = calloc(epochs, sizeof *r);
        train_config t = {.epochs = epochs,
                          .batch = 128,
                          .optimizer = MLP_SGD,
                          .learning_rate = 0.01,
                          .momentum = 0.9,
                          .seed = o->seed + 1,
                          .label = ops[k],
                          .max_train = 20000};
        train(&net, &f.train, &f.test, &t, r);
        gradient_norms(&net, &f.train, 256, after[k]);
        accuracy[k] = r[epochs - 1].test_accuracy;
        for (int l = 0; l < LAYERS; l++)
            fprintf(csv, "%s,init,%d,%.6e\n%s,trained,%d,%.6e\n", ops[k], l + 1, before[k][l],
                    ops[k], l + 1, after[k][l]);
        free(r);
        mlp_free(&net);
    }
    fclose(csv);
    double x[LAYERS];
    for (int l = 0; l < LAYERS; l++)
        x[l] = l + 1;
    series lines[6];
    char names[6][48];
    for (int k = 0; k < 3; k++) {
        snprintf(names[k], sizeof names[k], "%s, at initialisation", ops[k]);
        snprintf(names[3 + k], sizeof names[3 + k], "%s, after %zu epochs", ops[k], epochs);
        lines[k] = (series){names[k], x, before[k], LAYERS};
        lines[3 + k] = (series){names[3 + k], x, after[k], LAYERS};
    }
    char path[1200];
    figure_lines(path_in(o, "gradient-norms.png", path, sizeof path),
                 "16 dense layers: ||dL/dW|| per layer (log scale; 1 = nearest the input)", "layer",
                 "gradient norm", lines, 6, true);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# Vanishing gradients\n\n"
            "A deep MLP — 784, fifteen hidden layers of 64, 10 — on Fashion-MNIST: the norm of "
            "the loss gradient with respect to each layer's weights, on one batch of 256 "
            "images, at initialisation (Xavier for sigmoid and tanh, He for relu) and after "
            "%zu epochs of SGD (momentum 0.9, lr 0.01) on 20,000 images.\n\n"
            "| activation | layer 1 / layer 16, at init | after training | test accuracy |\n"
            "|---|---|---|---|\n",
            epochs);
    for (int k = 0; k < 3; k++)
        fprintf(md, "| %s | %.3g | %.3g | %.2f %% |\n", ops[k],
                before[k][0] / before[k][LAYERS - 1], after[k][0] / after[k][LAYERS - 1],
                100 * accuracy[k]);
    fprintf(md,
            "\n![gradient norms](gradient-norms.png)\n\n"
            "**Verdict.** The ratio of the first layer's gradient to the last's at "
            "initialisation: sigmoid %.2g, tanh %.2g, relu %.2g. sigmoid's derivative is at "
            "most 1/4, so each of the fifteen hidden layers shrinks the backward signal and "
            "the layers nearest the input get almost none: after training it reaches %.1f %% "
            "test accuracy. relu (derivative 0 or 1, He initialisation) keeps the gradient's "
            "scale through all sixteen layers and trains (%.1f %%); so does tanh with Xavier "
            "initialisation at this depth (%.1f %%) — its derivative is 1 at 0, where "
            "Xavier keeps its inputs — which makes vanishing gradients a property of sigmoid "
            "(and of saturated tanh units), not of every bounded activation.\n",
            before[0][0] / before[0][LAYERS - 1], before[1][0] / before[1][LAYERS - 1],
            before[2][0] / before[2][LAYERS - 1], 100 * accuracy[0], 100 * accuracy[2],
            100 * accuracy[1]);
    fclose(md);
    free_fashion(&f);
    return 0;
}
