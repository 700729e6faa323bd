#define _POSIX_C_SOURCE 200809L
#include "experiments.h"

#include "data.h"
#include "figures.h"
#include "mlp.h"
#include "train.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared pieces ------------------------------------------------------------------ */

typedef struct fashion {
    dataset train, test;
} fashion;

static bool load_fashion(const lab_options *o, fashion *f) {
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

static void free_fashion(fashion *f) {
    dataset_free(&f->train);
    dataset_free(&f->test);
}

static FILE *open_output(const lab_options *o, const char *name) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", o->directory, name);
    FILE *file = fopen(path, "w");
    if (file == NULL) fprintf(stderr, "actfn lab: cannot write %s\n", path);
    return file;
}

static const char *path_in(const lab_options *o, const char *name, char *buffer, size_t size) {
    snprintf(buffer, size, "%s/%s", o->directory, name);
    return buffer;
}

static actfn_op op_named(const char *name) {
    actfn_op op;
    if (actfn_op_from_name(name, &op) != ACTFN_OK) abort();
    return op;
}

/* He initialisation for the relu family and its smooth cousins, Xavier (Glorot) for the
 * saturating ops and the identity: each op with the initialisation it is used with. */
static mlp_init init_for(const char *name) {
    return strcmp(name, "sigmoid") == 0 || strcmp(name, "tanh") == 0 ||
                   strcmp(name, "identity") == 0
               ? MLP_INIT_XAVIER
               : MLP_INIT_HE;
}

static mlp_config dense(size_t layers, const size_t *sizes, const char *activation, uint64_t seed) {
    mlp_config c = {.layers = layers,
                    .activation = op_named(activation),
                    .init = init_for(activation),
                    .seed = seed,
                    .dtype = ACTFN_F32};
    for (size_t l = 0; l <= layers; l++)
        c.sizes[l] = sizes[l];
    return c;
}

static bool make_net(mlp *net, const mlp_config *config, size_t capacity) {
    char error[256];
    if (mlp_create(net, config, capacity, error, sizeof error)) return true;
    fprintf(stderr, "actfn lab: %s\n", error);
    return false;
}

static size_t epochs_or(const lab_options *o, size_t fallback) {
    return o->epochs > 0 ? o->epochs : fallback;
}

static double best_test(const epoch_result *r, size_t epochs) {
    double best = 0;
    for (size_t e = 0; e < epochs; e++)
        best = fmax(best, r[e].test_accuracy);
    return best;
}

static double mean_seconds(const epoch_result *r, size_t epochs) {
    double total = 0;
    for (size_t e = 0; e < epochs; e++)
        total += r[e].seconds;
    return epochs > 0 ? total / (double)epochs : 0;
}

static int epochs_to(const epoch_result *r, size_t epochs, double accuracy) {
    for (size_t e = 0; e < epochs; e++)
        if (r[e].test_accuracy >= accuracy) return (int)e + 1;
    return -1;
}

static const size_t fashion_sizes[4] = {784, 256, 128, 10};

/* Trains a 784-256-128-10 network with Adam (lr 1e-3, batches of 128). */
static bool train_fashion(const fashion *f, const char *activation, uint64_t seed, size_t epochs,
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

static void write_curves_csv(FILE *csv, const char *group, const char *name, const epoch_result *r,
                             size_t epochs) {
    for (size_t e = 0; e < epochs; e++)
        fprintf(csv, "%s,%s,%zu,%.6f,%.6f,%.6f,%.4f\n", group, name, e + 1, r[e].loss,
                r[e].train_accuracy, r[e].test_accuracy, r[e].seconds);
}

static double *epoch_axis(size_t epochs) {
    double *x = malloc(epochs * sizeof *x + 1);
    if (x == NULL) abort();
    for (size_t e = 0; e < epochs; e++)
        x[e] = (double)(e + 1);
    return x;
}

/* ---- nonlinearity ------------------------------------------------------------------- */

static double train_2d(const dataset *all, const char *activation, uint64_t seed, size_t epochs,
                       const char *picture, const char *title) {
    dataset training = dataset_head(all, all->count * 3 / 4);
    dataset test = *all;
    test.x += training.count * 2, test.label += training.count;
    test.count = all->count - training.count;
    static const size_t sizes[4] = {2, 64, 64, 2};
    mlp net;
    mlp_config config = dense(3, sizes, activation, seed);
    if (!make_net(&net, &config, 256)) return -1;
    epoch_result *r = calloc(epochs, sizeof *r);
    train_config t = {.epochs = epochs,
                      .batch = 32,
                      .optimizer = MLP_ADAM,
                      .learning_rate = 3e-3,
                      .seed = seed + 1,
                      .label = activation,
                      .quiet = true};
    train(&net, &training, &test, &t, r);
    double accuracy = r[epochs - 1].test_accuracy;
    figure_decision(picture, title, &net, all);
    free(r);
    mlp_free(&net);
    return accuracy;
}

static int nonlinearity(const lab_options *o) {
    size_t epochs_2d = 150, epochs = epochs_or(o, 5);
    const char *ops[2] = {"identity", "relu"};
    dataset sets[2];
    make_spirals(2000, o->seed, &sets[0]);
    make_checkerboard(2000, o->seed + 7, &sets[1]);
    const char *set_names[2] = {"spirals", "checkerboard"};
    double accuracy_2d[2][2];
    char path[1200], title[128], name[64];
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "%s-%s.png", set_names[d], ops[k]);
            snprintf(title, sizeof title, "%s, 2-64-64-2 MLP, %s", set_names[d], ops[k]);
            accuracy_2d[d][k] = train_2d(&sets[d], ops[k], o->seed, epochs_2d,
                                         path_in(o, name, path, sizeof path), title);
            fprintf(stderr, "nonlinearity: %s %s: test accuracy %.2f%%\n", set_names[d], ops[k],
                    100 * accuracy_2d[d][k]);
        }
    dataset_free(&sets[0]);
    dataset_free(&sets[1]);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    epoch_result *r[2];
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "dataset,activation,epoch,loss,train_accuracy,test_accuracy,seconds\n");
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++)
            fprintf(csv, "%s,%s,%zu,,,%.6f,\n", set_names[d], ops[k], epochs_2d, accuracy_2d[d][k]);
    for (int k = 0; k < 2; k++) {
        r[k] = calloc(epochs, sizeof *r[k]);
        if (!train_fashion(&f, ops[k], o->seed, epochs, r[k])) return 1;
        write_curves_csv(csv, "fashion-mnist", ops[k], r[k], epochs);
    }
    fclose(csv);
    double *x = epoch_axis(epochs);
    series lines[2] = {{"identity (a linear model)", x, NULL, epochs}, {"relu", x, NULL, epochs}};
    double *acc[2];
    for (int k = 0; k < 2; k++) {
        acc[k] = malloc(epochs * sizeof(double));
        for (size_t e = 0; e < epochs; e++)
            acc[k][e] = r[k][e].test_accuracy;
        lines[k].y = acc[k];
    }
    figure_lines(path_in(o, "fashion-accuracy.png", path, sizeof path),
                 "Fashion-MNIST, 784-256-128-10: test accuracy", "epoch", "test accuracy", lines, 2,
                 false);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md, "# Does a network need a non-linearity?\n\n"
                "The same MLP with every hidden activation the identity — which makes the whole "
                "network one linear map, however many layers — against relu.\n\n"
                "| data | identity | relu |\n|---|---|---|\n");
    for (int d = 0; d < 2; d++)
        fprintf(md, "| %s (2-64-64-2, %zu epochs, Adam) | %.1f %% | %.1f %% |\n", set_names[d],
                epochs_2d, 100 * accuracy_2d[d][0], 100 * accuracy_2d[d][1]);
    fprintf(md, "| Fashion-MNIST (784-256-128-10, %zu epochs, Adam) | %.2f %% | %.2f %% |\n\n",
            epochs, 100 * r[0][epochs - 1].test_accuracy, 100 * r[1][epochs - 1].test_accuracy);
    fprintf(md,
            "Test accuracy on held-out data (the last quarter of each 2-D set; the 10,000 test "
            "images).\n\n"
            "| | identity | relu |\n|---|---|---|\n"
            "| spirals | ![](spirals-identity.png) | ![](spirals-relu.png) |\n"
            "| checkerboard | ![](checkerboard-identity.png) | ![](checkerboard-relu.png) |\n\n"
            "![Fashion-MNIST test accuracy](fashion-accuracy.png)\n\n"
            "**Verdict.** A stack of linear layers is one linear classifier: on the spirals and "
            "the checkerboard its boundary is a straight line and it stays near chance "
            "(%.0f %%, %.0f %%), where relu bends the boundary around the data (%.0f %%, "
            "%.0f %%). On Fashion-MNIST a linear model is already decent — the classes are "
            "largely linearly separable in pixel space — but relu adds %.1f points.\n",
            100 * accuracy_2d[0][0], 100 * accuracy_2d[1][0], 100 * accuracy_2d[0][1],
            100 * accuracy_2d[1][1],
            100 * (r[1][epochs - 1].test_accuracy - r[0][epochs - 1].test_accuracy));
    fclose(md);
    for (int k = 0; k < 2; k++)
        free(r[k]), free(acc[k]);
    free(x);
    free_fashion(&f);
    return 0;
}

/* ---- shootout ----------------------------------------------------------------------- */

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

static int shootout(const lab_options *o) {
    static const char *const ops[] = {"relu", "leaky_relu", "elu",  "gelu",
                                      "silu", "sigmoid",    "tanh", "identity"};
    return shootout_of(o, ops, 8, 15, "Activation shootout on Fashion-MNIST");
}

static int demo(const lab_options *o) {
    static const char *const ops[] = {"relu", "sigmoid"};
    return shootout_of(o, ops, 2, 2, "relu against sigmoid on Fashion-MNIST (a short run)");
}

/* ---- dying -------------------------------------------------------------------------- */

typedef struct dying_case {
    const char *activation;
    double learning_rate, hidden_bias;
} dying_case;

static int dying(const lab_options *o) {
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

/* ---- vanishing ---------------------------------------------------------------------- */

static int vanishing(const lab_options *o) {
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

/* ---- relu0 -------------------------------------------------------------------------- */

static int relu0(const lab_options *o) {
    enum { SEEDS = 4 };
    size_t epochs = epochs_or(o, 3);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    /* the 16-bit runs see their inputs rounded to f16, as stored in 16 bits */
    dataset train16 = f.train, test16 = f.test;
    size_t n_train = f.train.count * f.train.features, n_test = f.test.count * f.test.features;
    train16.x = malloc(n_train * sizeof(float));
    test16.x = malloc(n_test * sizeof(float));
    uint16_t *scratch = malloc((n_train > n_test ? n_train : n_test) * sizeof(uint16_t));
    if (train16.x == NULL || test16.x == NULL || scratch == NULL) abort();
    actfn_convert(f.train.x, ACTFN_F32, scratch, ACTFN_F16, n_train);
    actfn_convert(scratch, ACTFN_F16, train16.x, ACTFN_F32, n_train);
    actfn_convert(f.test.x, ACTFN_F32, scratch, ACTFN_F16, n_test);
    actfn_convert(scratch, ACTFN_F16, test16.x, ACTFN_F32, n_test);
    free(scratch);
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "precision,seed,relu_grad_at_zero,test_accuracy,final_loss,zero_fraction\n");
    double accuracy[2][SEEDS][2], loss[2][SEEDS][2], zeros[2][SEEDS][2];
    const char *precision[2] = {"f32", "f16"};
    for (int p = 0; p < 2; p++)
        for (int s = 0; s < SEEDS; s++)
            for (int g = 0; g < 2; g++) {
                char label[64];
                snprintf(label, sizeof label, "%s seed %d relu'(0)=%d", precision[p], s, g);
                mlp net;
                mlp_config config = dense(3, fashion_sizes, "relu", o->seed + 100 * (uint64_t)s);
                config.activation.grad_at_zero = g;
                config.emulate = p == 1 ? ACTFN_F16 : 0;
                if (!make_net(&net, &config, 1000)) return 1;
                epoch_result *r = calloc(epochs, sizeof *r);
                train_config t = {.epochs = epochs,
                                  .batch = 128,
                                  .optimizer = MLP_SGD,
                                  .learning_rate = 0.1,
                                  .seed = o->seed + 100 * (uint64_t)s + 1,
                                  .label = label};
                train(&net, p == 1 ? &train16 : &f.train, p == 1 ? &test16 : &f.test, &t, r);
                accuracy[p][s][g] = r[epochs - 1].test_accuracy;
                loss[p][s][g] = r[epochs - 1].loss;
                double z = 0;
                for (size_t e = 0; e < epochs; e++)
                    z += r[e].zero_fraction / (double)epochs;
                zeros[p][s][g] = z;
                fprintf(csv, "%s,%d,%d,%.6f,%.8f,%.3e\n", precision[p], s, g, accuracy[p][s][g],
                        loss[p][s][g], z);
                free(r);
                mlp_free(&net);
            }
    fclose(csv);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# ReLU'(0): 0 or 1?\n\n"
            "Bertoin et al., *Numerical influence of ReLU'(0) on backpropagation* (NeurIPS "
            "2021): the choice matters in 32 bits about half the time and systematically in "
            "16 bits, with ReLU'(0) = 0 the better for plain SGD. Here: 784-256-128-10 on "
            "Fashion-MNIST, plain SGD (lr 0.1, no momentum), batches of 128, %zu epochs, %d "
            "seeds; each seed trained twice, identical but for relu'(0) (through the mask "
            "op's grad_at_zero). In f16 the forward sees f16 inputs, f16 weights (f32 master "
            "copies) and its pre-activations rounded to f16.\n\n"
            "| precision | seed | test acc., relu'(0)=0 | relu'(0)=1 | runs identical? | "
            "pre-activations exactly 0 |\n|---|---|---|---|---|---|\n",
            epochs, SEEDS);
    int differ[2] = {0, 0};
    double mean_gap[2] = {0, 0};
    for (int p = 0; p < 2; p++)
        for (int s = 0; s < SEEDS; s++) {
            bool same = accuracy[p][s][0] == accuracy[p][s][1] && loss[p][s][0] == loss[p][s][1];
            differ[p] += !same;
            mean_gap[p] += (accuracy[p][s][0] - accuracy[p][s][1]) / SEEDS;
            fprintf(md, "| %s | %d | %.2f %% | %.2f %% | %s | %.2e |\n", precision[p], s,
                    100 * accuracy[p][s][0], 100 * accuracy[p][s][1], same ? "yes" : "no",
                    zeros[p][s][0]);
        }
    int zero_better[2] = {0, 0};
    for (int p = 0; p < 2; p++)
        for (int s = 0; s < SEEDS; s++)
            zero_better[p] += accuracy[p][s][0] > accuracy[p][s][1];
    fprintf(md,
            "\n**Verdict.** In f32 the two choices gave different runs for %d of %d seeds "
            "(mean test accuracy, relu'(0) = 0 minus 1: %+.2f points); in f16 for %d of %d "
            "(%+.2f points; relu'(0) = 0 ahead in %d of %d). A run can only change where some "
            "pre-activation is exactly 0, and the table gives how often that happened. ",
            differ[0], SEEDS, 100 * mean_gap[0], differ[1], SEEDS, 100 * mean_gap[1],
            zero_better[1], SEEDS);
    fprintf(md, "%s %s\n",
            differ[1] > differ[0]
                ? "That the choice matters more in 16 bits than in 32 is reproduced: exact "
                  "zeros are rare in f32 (here none) and common enough in f16 to change "
                  "every run."
                : "Here 16 bits did not make the choice matter more than 32: Bertoin et "
                  "al.'s 16-bit finding is not reproduced on this data.",
            fabs(mean_gap[1]) < 0.002
                ? "But the accuracy differences are within seed-to-seed noise (a few tenths "
                  "of a point either way): that relu'(0) = 0 trains better is not shown here."
            : mean_gap[1] > 0 ? "relu'(0) = 0 trained better on average, as they found."
                              : "relu'(0) = 1 trained better on average, unlike their "
                                "finding.");
    fclose(md);
    free(train16.x);
    free(test16.x);
    free_fashion(&f);
    return 0;
}

static int relu_alone(const lab_options *o) {
    static const char *const ops[] = {"relu"};
    return shootout_of(o, ops, 1, 5, "relu on Fashion-MNIST (the network of bench/torch_mlp.py)");
}

const lab_entry lab_experiments[] = {
    {"demo", "relu against sigmoid on Fashion-MNIST, 2 epochs (make demo)", demo},
    {"nonlinearity", "identity against relu: spirals, checkerboard, Fashion-MNIST", nonlinearity},
    {"shootout", "8 activations on Fashion-MNIST, 784-256-128-10", shootout},
    {"dying", "dead units: learning rates and a bad initialisation, relu and leaky_relu", dying},
    {"vanishing", "gradient norm per layer of a 16-layer MLP: sigmoid, tanh, relu", vanishing},
    {"relu0", "relu'(0) = 0 against 1, in f32 and in f16", relu0},
    {"relu", "relu alone, 784-256-128-10, Adam (bench/torch_mlp.py compares)", relu_alone},
    {NULL, NULL, NULL},
};
