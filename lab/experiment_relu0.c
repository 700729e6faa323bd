/* SPDX-License-Identifier: MIT */
/* relu'(0) = 0 against 1 (Bertoin et al. 2021) on paired seeds: in f32, in genuinely
 * 16-bit training (every tensor of the forward and the backward in f16), with f32 and
 * with f16 sums in the matrix products, and with relu's input on an 8-bit grid (where
 * exact zeros are common), under plain SGD, Adam and SGD with batch norm. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"
#include "narrow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PRECISIONS = 4, TRAININGS = 3, CELLS = PRECISIONS * TRAININGS, HIDDEN = 2 };

static const char *const precision_names[PRECISIONS] = {"f32", "f16", "f16, f16 sums", "int8 grid"};
static const mlp_precision precisions[PRECISIONS] = {MLP_WIDE, MLP_F16, MLP_F16_SUMS,
                                                     MLP_INT8_GRID};
static const char *const training_names[TRAININGS] = {"SGD", "Adam", "SGD + batch norm"};

typedef struct relu0_result {
    double accuracy, loss; /* test accuracy and training loss of the last epoch */
    double zeros[HIDDEN];  /* share of each hidden layer's relu inputs exactly 0 */
} relu0_result;

typedef struct relu0_context {
    const dataset *train[2], *test[2]; /* f32 data, f16-rounded data */
    size_t seeds, epochs;
    uint64_t seed;
} relu0_context;

/* Run index: ((precision x training) x seed) x relu'(0) (0, 1). */
static void relu0_job(size_t index, const void *context, void *out) {
    const relu0_context *c = context;
    size_t cell = index / (2 * c->seeds), s = index / 2 % c->seeds, g = index % 2;
    size_t p = cell / TRAININGS, t = cell % TRAININGS;
    relu0_result *result = out;
    mlp net;
    mlp_config config = dense(3, fashion_sizes, "relu", c->seed + 100 * (uint64_t)s);
    config.activation.grad_at_zero = (double)g;
    config.precision = precisions[p];
    config.batch_norm = t == 2;
    if (!make_net(&net, &config, 1000)) exit(1);
    epoch_result r[64];
    train_config training = {.epochs = c->epochs,
                             .batch = 128,
                             .optimizer = t == 1 ? MLP_ADAM : MLP_SGD,
                             .learning_rate = t == 1 ? 1e-3 : 0.1,
                             .seed = c->seed + 100 * (uint64_t)s + 1,
                             .label = "relu0",
                             .quiet = true};
    size_t data = mlp_is_f16(&config);
    train(&net, c->train[data], c->test[data], &training, r);
    const epoch_result *last = &r[c->epochs - 1];
    result->accuracy = last->diverged ? NAN : last->test_accuracy;
    result->loss = last->loss;
    for (size_t l = 0; l < HIDDEN; l++) {
        result->zeros[l] = 0;
        for (size_t e = 0; e < c->epochs; e++)
            result->zeros[l] += r[e].zero_layer[l] / (double)c->epochs;
    }
    mlp_free(&net);
}

/* The data rounded to f16 (as a 16-bit network stores its inputs), in a new array. */
static float *rounded_to_f16(const float *x, size_t n) {
    float *rounded = malloc(n * sizeof *rounded + 1);
    if (rounded == NULL) abort();
    memcpy(rounded, x, n * sizeof *rounded);
    narrow_round_all_f16(rounded, n);
    return rounded;
}

typedef struct cell_summary {
    size_t differ;
    double zeros[HIDDEN];
    estimate zero, one, gap;
} cell_summary;

static cell_summary summarise(const relu0_result *r, size_t cell, size_t seeds) {
    cell_summary s = {0};
    double a0[256], a1[256];
    size_t n = seeds < 256 ? seeds : 256;
    for (size_t k = 0; k < n; k++) {
        const relu0_result *zero = &r[(cell * seeds + k) * 2], *one = zero + 1;
        a0[k] = zero->accuracy, a1[k] = one->accuracy;
        for (size_t l = 0; l < HIDDEN; l++)
            s.zeros[l] += zero->zeros[l] / (double)n;
        s.differ += zero->loss != one->loss || zero->accuracy != one->accuracy;
    }
    s.zero = estimate_of(a0, n), s.one = estimate_of(a1, n);
    s.gap = paired_difference(a0, a1, n);
    return s;
}

static void write_csv(FILE *csv, const relu0_result *r, size_t seeds, uint64_t seed) {
    fprintf(csv, "precision,training,seed,relu_grad_at_zero,test_accuracy,final_loss,"
                 "zero_fraction_layer1,zero_fraction_layer2\n");
    for (size_t i = 0; i < CELLS * seeds * 2; i++) {
        size_t cell = i / (2 * seeds);
        fprintf(csv, "%s,%s,%llu,%zu,%.6f,%.8f,%.3e,%.3e\n", precision_names[cell / TRAININGS],
                training_names[cell % TRAININGS],
                (unsigned long long)(seed + 100 * (i / 2 % seeds)), i % 2, r[i].accuracy, r[i].loss,
                r[i].zeros[0], r[i].zeros[1]);
    }
}

/* The verdict's sentence on the cells: which ones favour 0, which 1. */
static void write_verdict(FILE *md, const cell_summary *s, size_t seeds) {
    size_t higher = 0, lower = 0, widest = 0;
    for (size_t k = 0; k < CELLS; k++) {
        comparison v = compare(s[k].gap);
        higher += v == HIGHER, lower += v == LOWER;
        if (s[k].gap.half_width > s[widest].gap.half_width) widest = k;
    }
    const cell_summary *f16_sgd = &s[1 * TRAININGS], *sums_sgd = &s[2 * TRAININGS],
                       *grid = &s[3 * TRAININGS];
    char f16_gap[64], grid_gap[64];
    signed_points(f16_sgd->gap, f16_gap, sizeof f16_gap);
    signed_points(grid->gap, grid_gap, sizeof grid_gap);
    fprintf(md,
            "\n**Verdict.** relu'(0) = 0 trained better in %zu of the %d cells and relu'(0) = 1 "
            "in %zu; the rest are indistinguishable. In floating point exact zeros stay rare "
            "even genuinely 16-bit: under plain SGD %.1e of the first hidden layer's relu "
            "inputs with f32 sums, %.1e with f16 sums (a sum is 0 only where it cancels "
            "exactly), so the choice changes runs (chaos) without a direction (f16, SGD: %s "
            "points, %s). On the 8-bit grid %.1f %% and %.1f %% of the two layers' inputs are "
            "exactly 0, and under plain SGD relu'(0) = 0 minus 1 is %s points (%s). The widest "
            "interval, +-%.2f points (%s, %s), is the smallest effect these %zu seeds could "
            "detect in every cell. ",
            higher, CELLS, lower, f16_sgd->zeros[0], sums_sgd->zeros[0], f16_gap,
            comparison_words(compare(f16_sgd->gap)), 100 * grid->zeros[0], 100 * grid->zeros[1],
            grid_gap, comparison_words(compare(grid->gap)), 100 * s[widest].gap.half_width,
            precision_names[widest / TRAININGS], training_names[widest % TRAININGS], seeds);
    comparison sgd = compare(grid->gap), adam = compare(grid[1].gap), norm = compare(grid[2].gap);
    if (sgd == HIGHER)
        fprintf(md,
                "Where zeros are common, Bertoin et al.'s finding holds: relu'(0) = 0 is the "
                "better choice for plain SGD%s.",
                adam != HIGHER && norm != HIGHER ? ", and Adam and batch norm buffer it, as they "
                                                   "report"
                                                 : "");
    else if (sgd == LOWER)
        fprintf(md, "Where zeros are common, relu'(0) = 1 trained better with plain SGD, unlike "
                    "Bertoin et al.'s finding.");
    else
        fprintf(md, "Bertoin et al.'s finding, relu'(0) = 0 better for plain SGD, is not "
                    "reproduced here even where zeros are common.");
    if (higher + lower > 0) {
        char named[512] = "";
        for (size_t k = 0; k < CELLS; k++) {
            comparison v = compare(s[k].gap);
            if (v != HIGHER && v != LOWER) continue;
            size_t used = strlen(named);
            snprintf(named + used, sizeof named - used, "%s%s, %s", used > 0 ? "; " : "",
                     precision_names[k / TRAININGS], training_names[k % TRAININGS]);
        }
        fprintf(md,
                " With %d cells each tested at 95 %%, the chance that at least one interval "
                "excludes 0 by luck alone is %.0f %%: the cell%s that did (%s) %s a lead to "
                "repeat, not a finding.",
                CELLS, 100 * (1 - pow(0.95, CELLS)), higher + lower == 1 ? "" : "s", named,
                higher + lower == 1 ? "is" : "are");
    }
    fprintf(md, "\n");
}

int experiment_relu0(const lab_options *o) {
    size_t seeds = seeds_or(o, 12), epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 3);
    if (epochs > 64) epochs = 64;
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    if (o->quick) f.train = dataset_head(&f.train, 2000);
    dataset train16 = f.train, test16 = f.test;
    train16.x = rounded_to_f16(f.train.x, f.train.count * f.train.features);
    test16.x = rounded_to_f16(f.test.x, f.test.count * f.test.features);
    relu0_context context = {{&f.train, &train16}, {&f.test, &test16}, seeds, epochs, o->seed};
    size_t runs = CELLS * seeds * 2;
    relu0_result *r = calloc(runs, sizeof *r);
    if (r == NULL) abort();
    if (!run_jobs(runs, sizeof *r, relu0_job, &context, r, job_workers(), "relu'(0)")) return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    write_csv(csv, r, seeds, o->seed);
    fclose(csv);
    cell_summary s[CELLS];
    for (size_t k = 0; k < CELLS; k++)
        s[k] = summarise(r, k, seeds);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# ReLU'(0): 0 or 1?\n\n"
            "Bertoin et al., *Numerical influence of ReLU'(0) on backpropagation* (NeurIPS "
            "2021): the choice matters in 32 bits about half the time and systematically in "
            "16 bits, relu'(0) = 0 is the better for plain SGD, and batch norm and Adam buffer "
            "the effect. Here: 784-256-128-10 on Fashion-MNIST (50,000 training images%s), "
            "batches of 128, %zu epoch%s, %zu seeds; each seed trained twice, identical but for "
            "relu'(0) (through the mask op's grad_at_zero), so the difference is paired; test "
            "accuracy after the last epoch. Training: plain SGD (lr 0.1, no momentum), Adam "
            "(lr 10^-3), SGD (lr 0.1) with batch norm before each relu. Precision: f32; f16, "
            "genuinely 16-bit forward and backward: the inputs, weights, pre-activations, "
            "activations, logits and every gradient (dL/dlogits, dz, dW, db, da, batch norm's) "
            "rounded to f16 as a 16-bit unit stores them, the matrix products summed in f32 and "
            "rounded once (as tensor cores do), f32 master weights for the update, no loss "
            "scaling; f16 sums: as f16, with each product and each partial sum of the "
            "forward's matrix products rounded to f16 (a 16-bit accumulator without fused "
            "multiply-add); int8 grid: f32, with each relu's input rounded to a symmetric 8-bit "
            "grid (step max |z| / 127 per batch and layer, the fake quantisation of "
            "quantisation-aware training, its gradient passed straight through): a setting "
            "where exact zeros are common, as they are not in floating point.\n\n"
            "| precision | training | runs that differ | relu inputs exactly 0, layer 1 | layer "
            "2 | test accuracy, relu'(0) = 0 | relu'(0) = 1 | 0 minus 1 (paired) | verdict |\n"
            "|---|---|---|---|---|---|---|---|---|\n",
            o->quick ? "; --quick: 2,000" : "", epochs, epochs == 1 ? "" : "s", seeds);
    const char *rows[CELLS];
    char names[CELLS][48];
    double value[CELLS], low[CELLS], high[CELLS];
    for (size_t k = 0; k < CELLS; k++) {
        char x[64], y[64], d[64];
        fprintf(md, "| %s | %s | %zu of %zu | %.2e | %.2e | %s %% | %s %% | %s | %s |\n",
                precision_names[k / TRAININGS], training_names[k % TRAININGS], s[k].differ, seeds,
                s[k].zeros[0], s[k].zeros[1], points(s[k].zero, x, sizeof x),
                points(s[k].one, y, sizeof y), signed_points(s[k].gap, d, sizeof d),
                comparison_words(compare(s[k].gap)));
        static const char *const short_training[TRAININGS] = {"SGD", "Adam", "SGD + BN"};
        snprintf(names[k], sizeof names[k], "%s, %s", precision_names[k / TRAININGS],
                 short_training[k % TRAININGS]);
        rows[k] = names[k];
        double h = isnan(s[k].gap.half_width) ? 0 : s[k].gap.half_width;
        value[k] = 100 * s[k].gap.mean, low[k] = 100 * (s[k].gap.mean - h);
        high[k] = 100 * (s[k].gap.mean + h);
    }
    char path[1200];
    figure_intervals(path_in(o, "difference.png", path, sizeof path),
                     "relu'(0) = 0 minus relu'(0) = 1, paired seeds (95 % CI)",
                     "test accuracy difference (points)", rows, value, low, high, CELLS, 0);
    fprintf(md, "\n![difference](difference.png)\n");
    write_verdict(md, s, seeds);
    fclose(md);
    free(r);
    free(train16.x);
    free(test16.x);
    free_fashion(&f);
    return 0;
}
