/* SPDX-License-Identifier: MIT */
/* The shootout: activations side by side on Fashion-MNIST, each at the learning rate its
 * validation accuracy picks, over many seeds, with paired differences against relu (and
 * the demo and relu alone, short versions of it). */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include "common/figure_page.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shootout {
    const char *const *ops;
    size_t count;
    size_t epochs, seeds; /* defaults, before --epochs, --seeds, --quick */
    const double *rates;  /* Adam's learning rates tried */
    size_t rate_count;    /* 1: no grid */
    size_t grid_seeds;    /* seeds per (op, rate) of the grid, apart from the others */
    const char *heading;
} shootout;

/* Seed k of a cell: far apart so that no run's shuffle seed (seed + 1) is another's. */
static uint64_t seed_of(const lab_options *o, size_t k) {
    return o->seed + 100 * (uint64_t)k;
}

/* The grid: each op's learning rate by its mean best validation accuracy. */
static bool pick_rates(const lab_options *o, const shootout *s, const fashion *f, size_t epochs,
                       size_t max_train, double *rate, double *grid_accuracy, FILE *csv) {
    size_t seeds = o->quick ? 1 : s->grid_seeds, cells = s->count * s->rate_count;
    run_spec *specs = calloc(cells * seeds, sizeof *specs);
    epoch_result *r = calloc(cells * seeds * epochs, sizeof *r);
    if (specs == NULL || r == NULL) abort();
    for (size_t c = 0; c < cells; c++)
        for (size_t g = 0; g < seeds; g++)
            specs[c * seeds + g] = (run_spec){.activation = s->ops[c / s->rate_count],
                                              .learning_rate = s->rates[c % s->rate_count],
                                              .seed = seed_of(o, 1000 + g),
                                              .max_train = max_train};
    bool ok =
        s->rate_count == 1 || train_runs(f, specs, cells * seeds, epochs, r, "learning-rate grid");
    for (size_t k = 0; k < s->count && ok; k++) {
        size_t best = 0;
        for (size_t q = 0; q < s->rate_count; q++) {
            double sum = 0;
            for (size_t g = 0; g < seeds; g++) {
                const epoch_result *run = &r[((k * s->rate_count + q) * seeds + g) * epochs];
                double v = best_validation(run, epochs);
                sum += isnan(v) ? 0 : v; /* a diverged run counts as chance-free zero */
                for (size_t e = 0; e < epochs; e++)
                    fprintf(csv, "grid,%s,%g,%llu,%zu,%.6f,%.6f,%.6f,%.6f,%.4f\n", s->ops[k],
                            s->rates[q], (unsigned long long)specs[g].seed, e + 1, run[e].loss,
                            run[e].train_accuracy, run[e].validation_accuracy, run[e].test_accuracy,
                            run[e].seconds);
            }
            grid_accuracy[k * s->rate_count + q] = sum / (double)seeds;
            if (grid_accuracy[k * s->rate_count + q] > grid_accuracy[k * s->rate_count + best])
                best = q;
        }
        rate[k] = s->rates[best];
    }
    free(specs), free(r);
    return ok;
}

static void write_figures(const lab_options *o, const shootout *s, size_t epochs, size_t seeds,
                          const epoch_result *r, const estimate *test, const estimate *versus) {
    char path[1200];
    double value[FIGURE_SERIES * 4], low[FIGURE_SERIES * 4], high[FIGURE_SERIES * 4];
    const char *names[FIGURE_SERIES * 4];
    size_t shown = s->count < FIGURE_SERIES * 4 ? s->count : FIGURE_SERIES * 4;
    for (size_t k = 0; k < shown; k++) {
        names[k] = s->ops[k];
        value[k] = 100 * test[k].mean;
        low[k] = 100 * (test[k].mean - test[k].half_width);
        high[k] = 100 * (test[k].mean + test[k].half_width);
    }
    char title[200];
    snprintf(title, sizeof title,
             "Test accuracy at the validation-picked epoch, %zu seeds (95 %% CI)", seeds);
    figure_intervals(path_in(o, "test-accuracy.png", path, sizeof path), title, "test accuracy (%)",
                     names, value, low, high, shown, NAN);
    size_t m = 0;
    for (size_t k = 1; k < shown; k++, m++) {
        names[m] = s->ops[k];
        value[m] = 100 * versus[k].mean;
        low[m] = 100 * (versus[k].mean - versus[k].half_width);
        high[m] = 100 * (versus[k].mean + versus[k].half_width);
    }
    snprintf(title, sizeof title, "Paired difference from relu on the same seeds (95 %% CI)");
    figure_intervals(path_in(o, "difference-from-relu.png", path, sizeof path), title,
                     "test accuracy minus relu's (percentage points)", names, value, low, high, m,
                     0);
    /* validation accuracy per epoch, mean over seeds with its interval */
    double *x = epoch_axis(epochs);
    size_t lines_shown = s->count < FIGURE_SERIES ? s->count : FIGURE_SERIES;
    series lines[FIGURE_SERIES];
    double *curves = calloc(lines_shown * epochs * 3, sizeof *curves),
           *column = malloc(seeds * sizeof *column + 1);
    if (curves == NULL || column == NULL) abort();
    for (size_t k = 0; k < lines_shown; k++) {
        double *mean = curves + k * epochs * 3, *lo = mean + epochs, *hi = lo + epochs;
        for (size_t e = 0; e < epochs; e++) {
            for (size_t g = 0; g < seeds; g++) {
                const epoch_result *v = &r[((k * seeds) + g) * epochs + e];
                column[g] = v->diverged ? NAN : 100 * v->validation_accuracy;
            }
            estimate est = estimate_of(column, seeds);
            mean[e] = est.mean, lo[e] = est.mean - est.half_width,
            hi[e] = est.mean + est.half_width;
        }
        lines[k] = (series){s->ops[k], x, mean, epochs, lo, hi};
    }
    figure_lines(path_in(o, "validation-accuracy.png", path, sizeof path),
                 "Validation accuracy per epoch, mean over seeds (95 % CI)", "epoch",
                 "validation accuracy (%)", lines, lines_shown, false);
    free(curves), free(column), free(x);
}

static int shootout_of(const lab_options *o, const shootout *s) {
    size_t epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, s->epochs);
    size_t seeds = seeds_or(o, s->seeds), max_train = o->quick ? 5000 : 0, count = s->count;
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "stage,activation,learning_rate,seed,epoch,loss,train_accuracy,"
                 "validation_accuracy,test_accuracy,seconds\n");
    double *rate = calloc(count, sizeof *rate), *grid = calloc(count * s->rate_count, sizeof *grid);
    run_spec *specs = calloc(count * seeds, sizeof *specs);
    epoch_result *r = calloc(count * seeds * epochs, sizeof *r);
    double *accuracy = calloc(count * seeds, sizeof *accuracy),
           *last = calloc(count * seeds, sizeof *last);
    estimate *test = calloc(count, sizeof *test), *versus = calloc(count, sizeof *versus);
    if (!rate || !grid || !specs || !r || !accuracy || !last || !test || !versus) abort();
    if (!pick_rates(o, s, &f, epochs, max_train, rate, grid, csv)) return 1;
    for (size_t k = 0; k < count; k++)
        for (size_t g = 0; g < seeds; g++)
            specs[k * seeds + g] = (run_spec){.activation = s->ops[k],
                                              .learning_rate = rate[k],
                                              .seed = seed_of(o, g),
                                              .max_train = max_train};
    if (!train_runs(&f, specs, count * seeds, epochs, r, s->heading)) return 1;
    for (size_t k = 0; k < count; k++) {
        for (size_t g = 0; g < seeds; g++) {
            const epoch_result *run = &r[(k * seeds + g) * epochs];
            accuracy[k * seeds + g] = chosen_test(run, epochs);
            last[k * seeds + g] = run[epochs - 1].diverged ? NAN : run[epochs - 1].test_accuracy;
            for (size_t e = 0; e < epochs; e++)
                fprintf(csv, "final,%s,%g,%llu,%zu,%.6f,%.6f,%.6f,%.6f,%.4f\n", s->ops[k], rate[k],
                        (unsigned long long)specs[k * seeds + g].seed, e + 1, run[e].loss,
                        run[e].train_accuracy, run[e].validation_accuracy, run[e].test_accuracy,
                        run[e].seconds);
        }
        test[k] = estimate_of(&accuracy[k * seeds], seeds);
        versus[k] = paired_difference(&accuracy[k * seeds], &accuracy[0], seeds);
    }
    fclose(csv);
    write_figures(o, s, epochs, seeds, r, test, versus);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# %s\n\n"
            "784-256-128-10 MLP on Fashion-MNIST: trained on the first 50,000 training "
            "images, the last 10,000 held out for validation, the 10,000 test images only "
            "reported. Adam, batches of 128, %zu epoch%s%s; He initialisation for the relu "
            "family and its smooth cousins, Xavier for sigmoid, tanh and identity. Every "
            "model choice is made on the validation set: the epoch (the one with the highest "
            "validation accuracy) and, where a grid is tried, the learning rate. Each cell is "
            "%zu seeds (initialisation and shuffle; seed %llu + 100 k), the same seeds for "
            "every activation, so differences from relu are paired. Intervals are t-based "
            "95 %% confidence intervals of the mean, in percentage points.\n\n",
            s->heading, epochs, epochs == 1 ? "" : "s",
            o->quick ? ", 5,000 training images (--quick: a smoke test, numbers without meaning)"
                     : "",
            seeds, (unsigned long long)o->seed);
    if (s->rate_count > 1) {
        fprintf(md,
                "## Learning rate, picked on validation (%zu seed%s each, apart from the "
                "others)\n\n| activation |",
                o->quick ? (size_t)1 : s->grid_seeds,
                (o->quick ? 1 : s->grid_seeds) == 1 ? "" : "s");
        for (size_t q = 0; q < s->rate_count; q++)
            fprintf(md, " lr %g |", s->rates[q]);
        fprintf(md, " picked |\n|---|");
        for (size_t q = 0; q <= s->rate_count; q++)
            fprintf(md, "---|");
        fprintf(md, "\n");
        for (size_t k = 0; k < count; k++) {
            fprintf(md, "| %s |", s->ops[k]);
            for (size_t q = 0; q < s->rate_count; q++)
                fprintf(md, " %.2f %% |", 100 * grid[k * s->rate_count + q]);
            fprintf(md, " %g |\n", rate[k]);
        }
        fprintf(md, "\n(mean best validation accuracy)\n\n");
    }
    fprintf(md, "## Test accuracy\n\n"
                "| activation | lr | test accuracy at the picked epoch | sd | last epoch | "
                "difference from relu (paired) | against relu |\n|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < count; k++) {
        char a[64], l[64], d[64];
        estimate at_last = estimate_of(&last[k * seeds], seeds);
        fprintf(md, "| %s | %g | %s %% | %.2f | %s %% | %s | %s |\n", s->ops[k], rate[k],
                points(test[k], a, sizeof a), 100 * test[k].sd, points(at_last, l, sizeof l),
                k == 0 ? "—" : signed_points(versus[k], d, sizeof d),
                k == 0 ? "—" : comparison_words(compare(versus[k])));
    }
    fprintf(md, "\n![test accuracy](test-accuracy.png)\n\n"
                "![difference from relu](difference-from-relu.png)\n\n"
                "![validation accuracy](validation-accuracy.png)\n\n**Verdict.** ");
    size_t top = 0;
    for (size_t k = 1; k < count; k++)
        if (test[k].mean > test[top].mean) top = k;
    size_t tied = 0, higher = 0;
    for (size_t k = 1; k < count; k++) {
        comparison c = compare(versus[k]);
        tied += c == INDISTINGUISHABLE, higher += c == HIGHER;
    }
    char a[64], b[64];
    fprintf(md,
            "Highest mean: %s (%s %%). Against relu (%s %%), on %zu paired seeds: ", s->ops[top],
            points(test[top], a, sizeof a), points(test[0], b, sizeof b), seeds);
    for (int pass = 0; pass < 3; pass++) {
        comparison want = pass == 0 ? HIGHER : pass == 1 ? INDISTINGUISHABLE : LOWER;
        const char *words = pass == 0 ? "higher" : pass == 1 ? "indistinguishable" : "lower";
        size_t n = 0;
        for (size_t k = 1; k < count; k++)
            if (compare(versus[k]) == want) {
                char d[64];
                fprintf(md, "%s%s (%s)", n++ == 0 ? "" : ", ", s->ops[k],
                        signed_points(versus[k], d, sizeof d));
            }
        if (n > 0) fprintf(md, " %s; ", words);
    }
    double chance = 1 - pow(0.95, (double)(count - 1));
    fprintf(md,
            "(differences in points, 95 %% CI). %s With %zu comparison%s at 95 %% each, the "
            "chance that at least one interval excludes 0 by luck alone is %.0f %%: a single "
            "\"higher\" or \"lower\" by a few tenths is a lead to rerun with more seeds, "
            "not a ranking.\n",
            seeds < 2    ? "With one seed nothing is decided."
            : higher > 0 ? "An activation ahead of relu by more than the seed-to-seed noise is "
                           "named above as higher."
            : tied > 0   ? "No activation beats relu by more than the seed-to-seed noise: where "
                           "the interval holds 0, the ranking is noise."
                         : "relu is ahead of every other activation.",
            count - 1, count == 2 ? "" : "s", 100 * chance);
    fclose(md);
    free(rate), free(grid), free(specs), free(r), free(accuracy), free(last), free(test),
        free(versus);
    free_fashion(&f);
    return 0;
}

int experiment_shootout(const lab_options *o) {
    static const char *const ops[] = {"relu", "leaky_relu", "elu",     "gelu",
                                      "silu", "tanh",       "sigmoid", "identity"};
    static const double rates[] = {3e-4, 1e-3, 3e-3};
    shootout s = {ops, 8, 10, 10, rates, 3, 2, "Activation shootout on Fashion-MNIST"};
    return shootout_of(o, &s);
}

int experiment_demo(const lab_options *o) {
    static const char *const ops[] = {"relu", "sigmoid"};
    static const double rate[] = {1e-3};
    shootout s = {ops, 2, 2, 2, rate, 1, 0, "relu against sigmoid on Fashion-MNIST (a short run)"};
    return shootout_of(o, &s);
}

int experiment_relu_alone(const lab_options *o) {
    static const char *const ops[] = {"relu"};
    static const double rate[] = {1e-3};
    shootout s = {ops,  1, 5, 1,
                  rate, 1, 0, "relu on Fashion-MNIST (the network of bench/torch_mlp.py)"};
    return shootout_of(o, &s);
}
