/* SPDX-License-Identifier: MIT */
/* "ReLU is effective for images because of spatial patterns": a CNN against the MLP on
 * the same seeds, five activations, both trained the same way. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include "cnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { CNN_OPS = 5, MOST_EPOCHS = 64 };
static const char *const cnn_ops[CNN_OPS] = {"relu", "leaky_relu", "gelu", "tanh", "sigmoid"};

typedef struct cnn_run {
    const char *activation;
    uint64_t seed;
} cnn_run;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One CNN run: epochs of Adam (lr 10^-3, batches of 128), validation and test accuracy
 * after each (epoch_result's loss, validation, test, seconds filled). */
static void cnn_job(size_t index, const void *context, void *out) {
    const run_list *c = context;
    const cnn_run *run = (const cnn_run *)c->runs + index;
    epoch_result *r = out;
    actfn_op op = op_named(run->activation);
    cnn net;
    char error[128];
    if (!cnn_create(&net, &op, init_for(run->activation) == MLP_INIT_HE, run->seed, 128, error,
                    sizeof error)) {
        fprintf(stderr, "actfn lab: %s\n", error);
        exit(1);
    }
    for (size_t e = 0; e < c->epochs; e++) {
        double start = seconds();
        r[e].loss =
            cnn_train_epoch(&net, &c->f->train, 128, 1e-3, run->seed + 1 + 1000 * e, c->max_train);
        r[e].seconds = seconds() - start;
        r[e].diverged = !isfinite(r[e].loss);
        r[e].validation_accuracy = cnn_evaluate(&net, &c->f->validation);
        r[e].test_accuracy = cnn_evaluate(&net, &c->f->test);
    }
    cnn_free(&net);
}

/* The first count of cnn_ops (1: relu alone, for bench/torch_cnn.py). */
static int cnn_of(const lab_options *o, size_t count) {
    size_t seeds = o->quick ? 1 : o->seeds > 0 ? o->seeds : 10;
    size_t epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 3);
    size_t max_train = o->quick ? 500 : 0;
    if (epochs > MOST_EPOCHS) epochs = MOST_EPOCHS;
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    size_t runs = count * seeds;
    cnn_run *list = calloc(runs, sizeof *list);
    run_spec *specs = calloc(runs, sizeof *specs);
    epoch_result *conv = calloc(runs * epochs, sizeof *conv),
                 *dense = calloc(runs * epochs, sizeof *dense);
    double *acc[2] = {calloc(runs, sizeof(double)), calloc(runs, sizeof(double))};
    if (list == NULL || specs == NULL || conv == NULL || dense == NULL || !acc[0] || !acc[1])
        abort();
    for (size_t i = 0; i < runs; i++) {
        list[i] = (cnn_run){cnn_ops[i / seeds], o->seed + 100 * (i % seeds)};
        specs[i] = (run_spec){.activation = list[i].activation,
                              .learning_rate = 1e-3,
                              .seed = list[i].seed,
                              .max_train = max_train};
    }
    run_list context = {&f, list, epochs, max_train};
    if (!run_jobs(runs, epochs * sizeof *conv, cnn_job, &context, conv, job_workers(),
                  "cnn: training") ||
        !train_runs(&f, specs, runs, epochs, dense, "cnn: the MLP on the same seeds"))
        return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "network,activation,seed,epoch,loss,validation_accuracy,test_accuracy,seconds\n");
    for (int net = 0; net < 2; net++)
        for (size_t i = 0; i < runs; i++) {
            const epoch_result *r = net == 0 ? &conv[i * epochs] : &dense[i * epochs];
            acc[net][i] = chosen_test(r, epochs);
            for (size_t e = 0; e < epochs; e++)
                fprintf(csv, "%s,%s,%llu,%zu,%.6f,%.6f,%.6f,%.3f\n", net == 0 ? "cnn" : "mlp",
                        list[i].activation, (unsigned long long)list[i].seed, e + 1, r[e].loss,
                        r[e].validation_accuracy, r[e].test_accuracy, r[e].seconds);
        }
    fclose(csv);
    double value[2 * CNN_OPS], low[2 * CNN_OPS], high[2 * CNN_OPS];
    const char *names[2 * CNN_OPS];
    char labels[2 * CNN_OPS][48];
    estimate est[2][CNN_OPS], gain[CNN_OPS];
    double epoch_seconds[2][CNN_OPS];
    for (size_t k = 0; k < count; k++) {
        for (int net = 0; net < 2; net++) {
            est[net][k] = estimate_of(&acc[net][k * seeds], seeds);
            size_t row = 2 * k + (size_t)net;
            snprintf(labels[row], sizeof labels[row], "%s, %s", cnn_ops[k], net ? "MLP" : "CNN");
            names[row] = labels[row];
            double h = isnan(est[net][k].half_width) ? 0 : est[net][k].half_width;
            value[row] = 100 * est[net][k].mean;
            low[row] = 100 * (est[net][k].mean - h), high[row] = 100 * (est[net][k].mean + h);
            double total = 0;
            const epoch_result *all = net == 0 ? conv : dense;
            for (size_t i = k * seeds; i < (k + 1) * seeds; i++)
                for (size_t e = 0; e < epochs; e++)
                    total += all[i * epochs + e].seconds;
            epoch_seconds[net][k] = total / (double)(seeds * epochs);
        }
        gain[k] = paired_difference(&acc[0][k * seeds], &acc[1][k * seeds], seeds);
    }
    char path[1200];
    figure_intervals(path_in(o, "cnn-against-mlp.png", path, sizeof path),
                     "Test accuracy, CNN and MLP on the same seeds (95 % CI)", "test accuracy (%)",
                     names, value, low, high, 2 * count, NAN);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    cnn probe;
    char error[128];
    actfn_op relu = op_named("relu");
    if (!cnn_create(&probe, &relu, true, 1, 1, error, sizeof error)) return 1;
    size_t parameters = cnn_parameters(&probe);
    cnn_free(&probe);
    fprintf(md,
            "# A CNN against the MLP: do images favour relu because of spatial patterns?\n\n"
            "CNN: conv 3x3 32 -> act -> max-pool 2 -> conv 3x3 64 -> act -> max-pool 2 -> "
            "dense 128 -> act -> dense 10 (%zu parameters; im2col + OpenBLAS, the "
            "activations through actfn's bias + activation layer ops). MLP: 784-256-128-10 "
            "(235,146 parameters). Both: Fashion-MNIST, trained on 50,000 images%s, the last "
            "10,000 of the training set for validation, Adam (lr 10^-3), batches of 128, %zu "
            "epoch%s, test accuracy at the epoch the validation set picks; He initialisation "
            "for the relu family and gelu, Xavier for tanh and sigmoid; %zu seeds per cell%s, "
            "the same seeds for both networks, so that CNN - MLP is a paired difference. Seconds "
            "per epoch on one core (one worker per core).\n\n"
            "| activation | CNN | MLP | CNN - MLP (paired) | s per epoch, CNN | MLP |\n"
            "|---|---|---|---|---|---|\n",
            parameters, o->quick ? " (--quick: 500)" : "", epochs, epochs == 1 ? "" : "s", seeds,
            seeds >= 10 ? "" : " (fewer than 10: a CNN epoch takes about 25 s of one core)");
    for (size_t k = 0; k < count; k++) {
        char a[64], b[64], d[64];
        fprintf(md, "| %s | %s %% | %s %% | %s | %.1f | %.1f |\n", cnn_ops[k],
                points(est[0][k], a, sizeof a), points(est[1][k], b, sizeof b),
                signed_points(gain[k], d, sizeof d), epoch_seconds[0][k], epoch_seconds[1][k]);
    }
    /* relu's advantage inside each network: paired differences on the same seeds */
    fprintf(md, "\n| activation | minus relu, CNN | minus relu, MLP |\n|---|---|---|\n");
    size_t relu_ahead[2] = {0, 0};
    for (size_t k = 1; k < count; k++) {
        char a[64], b[64];
        estimate in_cnn = paired_difference(&acc[0][k * seeds], &acc[0][0], seeds);
        estimate in_mlp = paired_difference(&acc[1][k * seeds], &acc[1][0], seeds);
        relu_ahead[0] += compare(in_cnn) == LOWER, relu_ahead[1] += compare(in_mlp) == LOWER;
        fprintf(md, "| %s | %s (%s) | %s (%s) |\n", cnn_ops[k], signed_points(in_cnn, a, sizeof a),
                comparison_words(compare(in_cnn)), signed_points(in_mlp, b, sizeof b),
                comparison_words(compare(in_mlp)));
    }
    size_t better = 0;
    for (size_t k = 0; k < count; k++)
        better += compare(gain[k]) == HIGHER;
    char g[64];
    fprintf(md,
            "\n![CNN against MLP](cnn-against-mlp.png)\n\n**Verdict.** The CNN beats the MLP "
            "for %zu of %zu activations (relu: %s points). relu is ahead of %zu of the other "
            "%zu activations in the CNN and of %zu in the MLP. %s\n",
            better, count, signed_points(gain[0], g, sizeof g), relu_ahead[0], count - 1,
            relu_ahead[1],
            relu_ahead[0] > relu_ahead[1]
                ? "Convolutions favour relu more than dense layers do here."
                : "What the convolution brings, spatial weight sharing, it brings to every "
                  "activation: images do not favour relu over its smooth cousins here; the "
                  "architecture, not the activation, exploits the spatial patterns.");
    fclose(md);
    free(list), free(specs), free(conv), free(dense), free(acc[0]), free(acc[1]);
    free_fashion(&f);
    return 0;
}

int experiment_cnn(const lab_options *o) {
    return cnn_of(o, CNN_OPS);
}

int experiment_cnn_relu(const lab_options *o) {
    return cnn_of(o, 1);
}
