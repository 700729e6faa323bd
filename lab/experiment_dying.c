/* SPDX-License-Identifier: MIT */
/* Dead units: learning rates and a bad initialisation, relu against leaky_relu. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dying_case {
    const char *activation;
    double learning_rate, hidden_bias;
} dying_case;

int experiment_dying(const lab_options *o) {
    size_t epochs = epochs_or(o, 5);
    static const dying_case cases[8] = {{"relu", 0.01, 0},       {"relu", 0.1, 0},
                                        {"relu", 0.5, 0},        {"relu", 0.01, -1},
                                        {"leaky_relu", 0.01, 0}, {"leaky_relu", 0.1, 0},
                                        {"leaky_relu", 0.5, 0},  {"leaky_relu", 0.01, -1}};
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    epoch_result r[8][64];
    if (epochs > 64) epochs = 64;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "activation,learning_rate,hidden_bias,epoch,loss,test_accuracy,dead_layer1,"
                 "dead_layer2\n");
    char names[8][64];
    for (int k = 0; k < 8; k++) {
        const dying_case *c = &cases[k];
        snprintf(names[k], sizeof names[k], "%s lr %g%s", c->activation, c->learning_rate,
                 c->hidden_bias != 0 ? ", bias -1" : "");
        mlp net;
        mlp_config config = dense(3, fashion_sizes, c->activation, o->seed);
        config.hidden_bias = c->hidden_bias;
        if (!make_net(&net, &config, 1000)) return 1;
        train_config t = {.epochs = epochs,
                          .batch = 128,
                          .optimizer = MLP_SGD,
                          .learning_rate = c->learning_rate,
                          .momentum = 0.9,
                          .seed = o->seed + 1,
                          .track_activity = true,
                          .label = names[k]};
        train(&net, &f.train, &f.test, &t, r[k]);
        mlp_free(&net);
        for (size_t e = 0; e < epochs; e++)
            fprintf(csv, "%s,%g,%g,%zu,%.6f,%.6f,%.6f,%.6f\n", c->activation, c->learning_rate,
                    c->hidden_bias, e + 1, r[k][e].loss, r[k][e].test_accuracy, r[k][e].dead[0],
                    r[k][e].dead[1]);
    }
    fclose(csv);
    double *x = epoch_axis(epochs), dead[2][8][64];
    series lines[2][8];
    for (int layer = 0; layer < 2; layer++)
        for (int k = 0; k < 8; k++) {
            for (size_t e = 0; e < epochs; e++)
                dead[layer][k][e] = r[k][e].diverged ? NAN : r[k][e].dead[layer];
            lines[layer][k] = (series){names[k], x, dead[layer][k], epochs};
        }
    char path[1200];
    figure_lines(path_in(o, "dead-layer1.png", path, sizeof path),
                 "Dead units of hidden layer 1 (256): never active in an epoch", "epoch",
                 "fraction dead", lines[0], 8, false);
    figure_lines(path_in(o, "dead-layer2.png", path, sizeof path),
                 "Dead units of hidden layer 2 (128): never active in an epoch", "epoch",
                 "fraction dead", lines[1], 8, false);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# Dying ReLU\n\n"
            "784-256-128-10 on Fashion-MNIST, SGD with momentum 0.9, batches of 128, %zu "
            "epochs, He initialisation. A unit is *dead* in an epoch when its pre-activation "
            "was never positive on any of the 60,000 training images (counted by "
            "`actfn_mask_forward`'s activity counts). Learning rates 0.01, 0.1, 0.5, and a "
            "bad initialisation: every hidden bias -1.\n\n"
            "| run | dead, layer 1 (first → last epoch) | dead, layer 2 | test accuracy |\n"
            "|---|---|---|---|\n",
            epochs);
    for (int k = 0; k < 8; k++) {
        const epoch_result *last = &r[k][epochs - 1];
        if (last->diverged)
            fprintf(md, "| %s | diverged (loss not finite) | | |\n", names[k]);
        else
            fprintf(md, "| %s | %.1f %% → %.1f %% | %.1f %% → %.1f %% | %.2f %% |\n", names[k],
                    100 * r[k][0].dead[0], 100 * last->dead[0], 100 * r[k][0].dead[1],
                    100 * last->dead[1], 100 * last->test_accuracy);
    }
    const epoch_result *relu_bad = &r[3][epochs - 1], *leaky_bad = &r[7][epochs - 1];
    const epoch_result *relu_high = &r[2][epochs - 1], *leaky_high = &r[6][epochs - 1];
    fprintf(md, "\n![layer 1](dead-layer1.png)\n\n![layer 2](dead-layer2.png)\n\n**Verdict.** ");
    if (relu_high->diverged)
        fprintf(md, "With a high learning rate (0.5) relu diverged. ");
    else
        fprintf(md,
                "With a high learning rate (0.5) relu dies: %.1f %% of layer 1 and %.1f %% of "
                "layer 2 never active by the last epoch, test accuracy %.2f %%. ",
                100 * relu_high->dead[0], 100 * relu_high->dead[1], 100 * relu_high->test_accuracy);
    if (leaky_high->diverged)
        fprintf(md, "leaky_relu at that rate does not die but diverges (its loss overflows): "
                    "the rate is too high for either. ");
    else
        fprintf(md, "leaky_relu at that rate: %.1f %% and %.1f %% never positive, %.2f %%. ",
                100 * leaky_high->dead[0], 100 * leaky_high->dead[1],
                100 * leaky_high->test_accuracy);
    fprintf(md,
            "With every hidden bias at -1, relu starts with %.1f %% of layer 1 dead and ends "
            "with %.1f %% (%.2f %% test accuracy); leaky_relu %.1f %% → %.1f %% never positive "
            "(%.2f %%). ",
            100 * r[3][0].dead[0], 100 * relu_bad->dead[0], 100 * relu_bad->test_accuracy,
            100 * r[7][0].dead[0], 100 * leaky_bad->dead[0], 100 * leaky_bad->test_accuracy);
    if (leaky_bad->dead[0] < relu_bad->dead[0] - 0.01)
        fprintf(md, "The leaky units, which still receive a gradient (times 0.01) while "
                    "negative, come back; the dead relu units get none and stay dead.\n");
    else
        fprintf(md,
                "With slope 0.01 a never-positive leaky unit receives a gradient 100 "
                "times smaller than a live one, and in %zu epochs the leaky units did not "
                "come back either: 'leaky relu fixes dying units' is not borne out at this "
                "slope and length; its test accuracy differs by %+.2f points.\n",
                epochs, 100 * (leaky_bad->test_accuracy - relu_bad->test_accuracy));
    fclose(md);
    free(x);
    free_fashion(&f);
    return 0;
}
