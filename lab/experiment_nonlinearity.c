/* SPDX-License-Identifier: MIT */
/* Is relu non-linear enough? identity against relu on 2-D sets and Fashion-MNIST, over
 * seeds. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trains 2-64-64-2 on the first three quarters of a 2-D set; the last quarter's accuracy.
 * picture: the decision boundary drawn there (NULL: none). */
static double train_2d(const dataset *all, const char *activation, uint64_t seed, size_t epochs,
                       const char *picture, const char *title) {
    dataset training = dataset_head(all, all->count * 3 / 4);
    dataset test = dataset_slice(all, training.count, all->count - training.count);
    static const size_t sizes[4] = {2, 64, 64, 2};
    mlp net;
    mlp_config config = dense(3, sizes, activation, seed);
    if (!make_net(&net, &config, 256)) return NAN;
    epoch_result *r = calloc(epochs, sizeof *r);
    if (r == NULL) abort();
    train_config t = {.epochs = epochs,
                      .batch = 32,
                      .optimizer = MLP_ADAM,
                      .learning_rate = 3e-3,
                      .seed = seed + 1,
                      .label = activation,
                      .quiet = true};
    train(&net, &training, &test, &t, r);
    double accuracy = r[epochs - 1].test_accuracy;
    if (picture != NULL) figure_decision(picture, title, &net, all);
    free(r);
    mlp_free(&net);
    return accuracy;
}

int experiment_nonlinearity(const lab_options *o) {
    size_t epochs_2d = o->quick ? 20 : 150, seeds = seeds_or(o, 10);
    size_t epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 5);
    static const char *const ops[2] = {"identity", "relu"};
    static const char *const set_names[2] = {"spirals", "checkerboard"};
    dataset sets[2];
    make_spirals(2000, o->seed, &sets[0]);
    make_checkerboard(2000, o->seed, &sets[1]);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "data,seed,epoch,loss,validation_accuracy,test_accuracy\n");
    double *flat = calloc(2 * 2 * seeds, sizeof *flat),
           *fashion_acc = calloc(2 * seeds, sizeof(double));
    if (flat == NULL || fashion_acc == NULL) abort();
    char path[1200];
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++)
            for (size_t g = 0; g < seeds; g++) {
                char name[64], title[128];
                snprintf(name, sizeof name, "%s-%s.png", set_names[d], ops[k]);
                snprintf(title, sizeof title, "%s, %s hidden activations", set_names[d], ops[k]);
                double a = train_2d(&sets[d], ops[k], o->seed + 100 * g, epochs_2d,
                                    g == 0 ? path_in(o, name, path, sizeof path) : NULL, title);
                flat[(d * 2 + k) * seeds + g] = a;
                fprintf(csv, "%s %s,%llu,%zu,,,%.6f\n", set_names[d], ops[k],
                        (unsigned long long)(o->seed + 100 * g), epochs_2d, a);
            }
    run_spec *specs = calloc(2 * seeds, sizeof *specs);
    if (specs == NULL) abort();
    for (size_t i = 0; i < 2 * seeds; i++)
        specs[i] = (run_spec){.activation = ops[i / seeds],
                              .learning_rate = 1e-3,
                              .seed = o->seed + 100 * (i % seeds),
                              .max_train = o->quick ? 2000 : 0};
    static const char *const fashion_names[2] = {"fashion-mnist identity", "fashion-mnist relu"};
    if (!train_cells(&f, specs, fashion_names, 2, seeds, epochs, fashion_acc, csv, "nonlinearity"))
        return 1;
    fclose(csv);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# Does a network need a non-linearity?\n\n"
            "The same MLP with every hidden activation the identity — which makes the whole "
            "network one linear map, however many layers — against relu, %zu seeds each "
            "(initialisation and shuffle; the same seeds for both). 2-D sets: 2-64-64-2, Adam "
            "(lr 3 10^-3), %zu epochs on 1,500 points, accuracy on the other 500. "
            "Fashion-MNIST: 784-256-128-10, Adam (lr 10^-3), %zu epoch%s on 50,000 images%s, "
            "test accuracy at the validation-picked epoch. Means with 95 %% CIs, in %%.\n\n"
            "| data | identity | relu | relu minus identity (paired) |\n|---|---|---|---|\n",
            seeds, epochs_2d, epochs, epochs == 1 ? "" : "s", o->quick ? " (--quick: 2,000)" : "");
    estimate gain[3];
    for (int d = 0; d < 3; d++) {
        const double *id = d < 2 ? &flat[(d * 2) * seeds] : fashion_acc;
        const double *re = d < 2 ? &flat[(d * 2 + 1) * seeds] : fashion_acc + seeds;
        gain[d] = paired_difference(re, id, seeds);
        char a[64], b[64], c[64];
        fprintf(md, "| %s | %s | %s | %s |\n", d < 2 ? set_names[d] : "Fashion-MNIST",
                points(estimate_of(id, seeds), a, sizeof a),
                points(estimate_of(re, seeds), b, sizeof b), signed_points(gain[d], c, sizeof c));
    }
    estimate linear[2] = {estimate_of(&flat[0], seeds), estimate_of(&flat[2 * seeds], seeds)};
    char g[64];
    fprintf(md,
            "\nThe first seed's decision boundaries:\n\n| | identity | relu |\n|---|---|---|\n"
            "| spirals | ![](spirals-identity.png) | ![](spirals-relu.png) |\n"
            "| checkerboard | ![](checkerboard-identity.png) | ![](checkerboard-relu.png) |\n\n"
            "**Verdict.** A stack of linear layers is one linear classifier: on the spirals and "
            "the checkerboard it reaches %.0f %% and %.0f %% (two balanced classes: chance is "
            "50 %%), and relu is %s on both (%+.0f and %+.0f points). On Fashion-MNIST a linear "
            "model is already decent — the classes are largely linearly separable in pixel "
            "space — and relu's difference from it is %s points (%s).\n",
            100 * linear[0].mean, 100 * linear[1].mean,
            compare(gain[0]) == HIGHER && compare(gain[1]) == HIGHER ? "higher" : "not higher",
            100 * gain[0].mean, 100 * gain[1].mean, signed_points(gain[2], g, sizeof g),
            comparison_words(compare(gain[2])));
    fclose(md);
    free(flat), free(fashion_acc), free(specs);
    dataset_free(&sets[0]), dataset_free(&sets[1]);
    free_fashion(&f);
    return 0;
}
