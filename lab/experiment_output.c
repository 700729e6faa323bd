/* SPDX-License-Identifier: MIT */
/* "relu only in hidden layers", "sigmoid for classification, tanh for regression":
 * relu, sigmoid, tanh and the identity as the output layer's activation of a classifier
 * (its softmax cross-entropy taken on the activated outputs) and of a regression head
 * (each image's bottom half from its top half, a squared error, the targets in three
 * scalings). */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- the regression head: each image's bottom half from its top half ------------- */

enum { SCALINGS = 3, OUTPUTS = 4 };
static const char *const scaling_names[SCALINGS] = {"[0, 1]", "[-1, 1]", "standardised"};
static const char *const scaling_phrases[SCALINGS] = {"targets in [0, 1]", "targets in [-1, 1]",
                                                      "standardised targets"};
static const char *const scaling_keys[SCALINGS] = {"unit", "symmetric", "standardised"}; /* csv */
static const char *const scaling_labels[SCALINGS] = {"[0, 1]", "[-1, 1]", "z-score"}; /* figure */
static const char *const output_names[OUTPUTS] = {"identity", "relu", "sigmoid", "tanh"};
static const char *const output_ops[OUTPUTS] = {NULL, "relu", "sigmoid", "tanh"};
/* standardised pixels: (p - mean) / max(sd, SD_FLOOR), so that a corner pixel that is
 * nearly always 0 does not become a target of thousands */
#define SD_FLOOR 0.1

typedef struct regression_task {
    dataset train, validation, test;
    double test_variance; /* of the test targets, pooled over pixels: MSE's scale */
} regression_task;

typedef struct regression_context {
    const regression_task *tasks; /* one per scaling */
    size_t seeds, epochs, max_train;
    uint64_t seed;
} regression_context;

/* Run index = (scaling * OUTPUTS + output) * seeds + g. */
static void regression_job(size_t index, const void *context, void *out) {
    const regression_context *c = context;
    size_t cell = index / c->seeds, g = index % c->seeds;
    const regression_task *task = &c->tasks[cell / OUTPUTS];
    const char *output = output_ops[cell % OUTPUTS];
    uint64_t seed = c->seed + 100 * g;
    size_t half = task->train.features, sizes[4] = {half, 256, 128, half};
    mlp_config config = dense(3, sizes, "relu", seed);
    if (output != NULL) config.has_output = true, config.output = op_named(output);
    mlp net;
    if (!make_net(&net, &config, 1000)) exit(1);
    train_config t = {.epochs = c->epochs,
                      .batch = 128,
                      .optimizer = MLP_ADAM,
                      .learning_rate = 1e-3,
                      .seed = seed + 1,
                      .label = "regression",
                      .max_train = c->max_train,
                      .validation = &task->validation,
                      .quiet = true};
    train(&net, &task->train, &task->test, &t, out);
    mlp_free(&net);
}

static double pooled_variance(const dataset *d) {
    double total = 0;
    for (size_t j = 0; j < d->targets; j++) {
        double sum = 0, squares = 0;
        for (size_t i = 0; i < d->count; i++) {
            double v = d->target[i * d->targets + j];
            sum += v, squares += v * v;
        }
        double mean = sum / (double)d->count;
        total += squares / (double)d->count - mean * mean;
    }
    return total / (double)d->targets;
}

/* The three scalings of the bottom half, their statistics from the training images. */
static void make_tasks(const fashion *f, regression_task *tasks) {
    enum { HALF = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE / 2 };
    double mean[HALF] = {0}, sd[HALF] = {0}, shift[HALF], gain[HALF];
    for (size_t j = 0; j < HALF; j++) {
        double sum = 0, squares = 0;
        for (size_t i = 0; i < f->train.count; i++) {
            double v = f->train.x[i * 2 * HALF + HALF + j];
            sum += v, squares += v * v;
        }
        mean[j] = sum / (double)f->train.count;
        sd[j] = sqrt(fmax(squares / (double)f->train.count - mean[j] * mean[j], 0));
    }
    for (size_t k = 0; k < SCALINGS; k++) {
        for (size_t j = 0; j < HALF; j++) {
            shift[j] = k == 0 ? 0 : k == 1 ? 0.5 : mean[j];
            gain[j] = k == 0 ? 1 : k == 1 ? 2 : 1 / fmax(sd[j], SD_FLOOR);
        }
        make_lower_half_task(&f->train, shift, gain, &tasks[k].train);
        make_lower_half_task(&f->validation, shift, gain, &tasks[k].validation);
        make_lower_half_task(&f->test, shift, gain, &tasks[k].test);
        tasks[k].test_variance = pooled_variance(&tasks[k].test);
    }
}

static const char *better_or_worse(comparison c) {
    return c == HIGHER ? "worse" : c == LOWER ? "better" : comparison_words(c);
}

/* Trains the 3 x 4 cells, writes regression.csv, the table, the figure and the verdict.
 * false on failure. */
static bool regression_head(const lab_options *o, const fashion *f, size_t seeds, size_t epochs,
                            FILE *md) {
    regression_task tasks[SCALINGS];
    make_tasks(f, tasks);
    size_t cells = SCALINGS * OUTPUTS, runs = cells * seeds;
    epoch_result *r = calloc(runs * epochs, sizeof *r);
    double *error = calloc(runs, sizeof *error), *value = calloc(3 * cells, sizeof *value);
    if (r == NULL || error == NULL || value == NULL) abort();
    regression_context context = {tasks, seeds, epochs, o->quick ? 2000 : 0, o->seed};
    bool ok = run_jobs(runs, epochs * sizeof *r, regression_job, &context, r, job_workers(),
                       "regression head");
    FILE *csv = ok ? open_output(o, "regression.csv") : NULL;
    ok = csv != NULL;
    if (ok) {
        fprintf(csv, "scaling,output,seed,epoch,loss,validation_loss,test_loss\n");
        for (size_t i = 0; i < runs; i++) {
            size_t cell = i / seeds;
            const epoch_result *run = &r[i * epochs];
            size_t e = lowest_loss_epoch(run, epochs);
            error[i] =
                run[e].diverged ? NAN : run[e].test_loss / tasks[cell / OUTPUTS].test_variance;
            for (size_t k = 0; k < epochs; k++)
                fprintf(csv, "%s,%s,%llu,%zu,%.6f,%.6f,%.6f\n", scaling_keys[cell / OUTPUTS],
                        output_names[cell % OUTPUTS],
                        (unsigned long long)(o->seed + 100 * (i % seeds)), k + 1, run[k].loss,
                        run[k].validation_loss, run[k].test_loss);
        }
        fclose(csv);
    }
    if (ok) {
        fprintf(md,
                "\n## A regression head\n\n"
                "The claim \"sigmoid for classification, tanh for regression\", measured on a "
                "regression: each image's bottom half (392 pixels) predicted from its top half "
                "(392-256-128-392, relu hidden layers, Adam lr 10^-3, %zu epoch%s, the epoch of "
                "the lowest validation loss, %zu seeds per cell), with a squared-error loss on "
                "the output layer passed through each activation. The targets in three "
                "scalings: the pixels as they are, in [0, 1] (sigmoid's range); mapped to "
                "[-1, 1] (tanh's); and standardised per pixel (z-scores) with the training images' "
                "mean "
                "and standard deviation (floored at %.1f), unbounded on both sides. The error "
                "is the test MSE as a percentage of the test targets' variance (100 %%: no "
                "better than predicting each pixel's mean), so the scalings compare.\n\n"
                "| targets | output | test MSE (%% of variance) | difference from identity "
                "(paired) | against identity |\n|---|---|---|---|---|\n",
                epochs, epochs == 1 ? "" : "s", seeds, SD_FLOOR);
        const char *names[SCALINGS * OUTPUTS];
        static char labels[SCALINGS * OUTPUTS][48];
        size_t best[SCALINGS] = {0};
        comparison tanh_against[SCALINGS];
        for (size_t cell = 0; cell < cells; cell++) {
            size_t k = cell / OUTPUTS, base = k * OUTPUTS;
            estimate e = estimate_of(&error[cell * seeds], seeds);
            estimate d = paired_difference(&error[cell * seeds], &error[base * seeds], seeds);
            comparison c = compare(d);
            if (cell % OUTPUTS == 3) tanh_against[k] = c;
            if (e.mean < estimate_of(&error[(base + best[k]) * seeds], seeds).mean)
                best[k] = cell % OUTPUTS;
            char a[64], b[64];
            fprintf(md, "| %s | %s | %s | %s | %s |\n", scaling_names[k],
                    output_names[cell % OUTPUTS], points(e, a, sizeof a),
                    cell == base ? "—" : signed_points(d, b, sizeof b),
                    cell == base ? "—" : better_or_worse(c));
            double h = isnan(e.half_width) ? 0 : e.half_width;
            value[cell] = 100 * e.mean, value[cells + cell] = 100 * (e.mean - h),
            value[2 * cells + cell] = 100 * (e.mean + h);
            snprintf(labels[cell], sizeof labels[cell], "%s %s", scaling_labels[k],
                     output_names[cell % OUTPUTS]);
            names[cell] = labels[cell];
        }
        char path[1200];
        figure_intervals(path_in(o, "regression-head.png", path, sizeof path),
                         "Output activation of a regression head, 95 % CI",
                         "test MSE (% of the targets' variance)", names, value, value + cells,
                         value + 2 * cells, cells, NAN);
        fprintf(md, "\n![regression head](regression-head.png)\n\n**Verdict (regression).** "
                    "Lowest error:");
        for (size_t k = 0; k < SCALINGS; k++)
            fprintf(md, "%s %s for %s", k == 0 ? "" : ";", output_names[best[k]],
                    scaling_phrases[k]);
        fprintf(md, ". Against the identity, tanh is");
        for (size_t k = 0; k < SCALINGS; k++)
            fprintf(md, "%s %s for %s",
                    k == 0              ? ""
                    : k + 1 == SCALINGS ? " and"
                                        : ",",
                    better_or_worse(tanh_against[k]), scaling_phrases[k]);
        bool fits = tanh_against[1] != HIGHER, fails = tanh_against[2] == HIGHER;
        bool worse_everywhere = true, worse_nowhere = true;
        for (size_t k = 0; k < SCALINGS; k++)
            worse_everywhere &= tanh_against[k] == HIGHER,
                worse_nowhere &= tanh_against[k] != HIGHER;
        fprintf(md, ". %s\n",
                worse_nowhere ? "tanh costs nothing against the identity in any scaling here: "
                                "\"tanh for regression\" is harmless, not needed."
                : worse_everywhere
                    ? "tanh costs error in every scaling, even where the targets lie in its "
                      "range: the identity is the better regression output."
                : fits && fails
                    ? "\"tanh for regression\" holds only as far as the targets lie "
                      "in tanh's range: on unbounded (standardised) targets it costs "
                      "error, and the identity is the safe regression output."
                    : "Whether tanh helps depends on the targets' scaling (the table).");
    }
    for (size_t k = 0; k < SCALINGS; k++)
        dataset_free(&tasks[k].train), dataset_free(&tasks[k].validation),
            dataset_free(&tasks[k].test);
    free(r), free(error), free(value);
    return ok;
}

int experiment_output(const lab_options *o) {
    enum { CELLS = 4 };
    static const char *const names[CELLS] = {"identity (logits)", "relu", "sigmoid", "tanh"};
    static const char *const ops[CELLS] = {NULL, "relu", "sigmoid", "tanh"};
    size_t seeds = seeds_or(o, 10), epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 6);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    run_spec cell[CELLS];
    for (size_t k = 0; k < CELLS; k++)
        cell[k] = (run_spec){.activation = "relu", .learning_rate = 1e-3, .output = ops[k]};
    double *accuracy =
        train_cell_grid(o, &f, cell, names, CELLS, seeds, epochs, "output", "output layer");
    if (accuracy == NULL) return 1;
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# The output layer: relu, sigmoid, tanh or none?\n\n"
            "The claim: relu belongs in hidden layers only; a classifier's output should be "
            "logits for the softmax. Here the 784-256-128-10 relu MLP on Fashion-MNIST "
            "(50,000 training images%s, validation-picked epoch), Adam (lr 10^-3), batches of "
            "128, %zu epoch%s, %zu seeds per cell (the same in every cell), with the output "
            "layer's 10 values passed through each activation before the softmax "
            "cross-entropy. A relu output cannot go below 0 (a class whose unit is dead "
            "stays at 0 and gets no gradient); sigmoid and tanh bound the logits to (0, 1) and "
            "(-1, 1), so the softmax can never be confident (at most e / (e + 9) = 23 %% for "
            "sigmoid), which caps how far the loss can fall but not the arg-max "
            "accuracy.\n\n",
            o->quick ? "; --quick: 2,000" : "", epochs, epochs == 1 ? "" : "s", seeds);
    char path[1200];
    size_t higher, lower;
    report_cells(md, path_in(o, "output-layer.png", path, sizeof path),
                 "Output activation of a classifier, 95 % CI", names, accuracy, CELLS, seeds,
                 &higher, &lower);
    fprintf(md,
            "\n![output layer](output-layer.png)\n\n**Verdict.** Of the three activated "
            "outputs, %zu %s below plain logits and %zu above (paired, 95 %% CI). %s\n",
            lower, lower == 1 ? "is" : "are", higher,
            lower == CELLS - 1 ? "Logits are the right output for a softmax classifier: every "
                                 "activation on them costs accuracy."
            : lower > 0        ? "The activations the table marks lower cost accuracy; the "
                                 "others are within seed-to-seed noise of plain logits."
                               : "None costs accuracy measurably here: the claim is about the "
                                 "loss's calibration more than about accuracy.");
    bool ok = regression_head(o, &f, seeds, epochs, md);
    fclose(md);
    free(accuracy);
    free_fashion(&f);
    return ok ? 0 : 1;
}
