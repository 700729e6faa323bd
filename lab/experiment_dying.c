/* SPDX-License-Identifier: MIT */
/* Dead units: born dead (deep narrow relu nets at initialisation, He against Lu et al.'s
 * randomized asymmetric initialisation), and killed by training (plain SGD at rising
 * learning rates, relu against leaky_relu at three slopes), with revival counted. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WIDTHS = 5, DEPTHS = 4, PROBE = 1000, SLOPES = 4, RATES = 4, MOST_EPOCHS = 64 };
static const size_t widths[WIDTHS] = {2, 3, 4, 8, 16}, depths[DEPTHS] = {4, 8, 16, 32};
static const double slopes[SLOPES] = {0, 0.01, 0.1, 0.3}; /* 0: relu */
static const double rates[RATES] = {0.01, 0.1, 0.3, 1.0};

/* Randomized asymmetric initialisation (Lu, Shin, Su, Karniadakis 2019): for each unit,
 * one of its fan_in weights and its bias, picked at random, drawn from Beta(2, 1)
 * (positive: sqrt of a uniform), the rest N(0, s^2) with s^2 = 1.5 / fan_in, so that the
 * unit's expected sum of squared weights is He's 2. */
static void randomized_asymmetric(mlp *net, uint64_t *seed) {
    for (size_t l = 0; l < net->config.layers; l++) {
        size_t in = net->config.sizes[l], out = net->config.sizes[l + 1];
        double s = sqrt(1.5 / (double)in);
        for (size_t j = 0; j < out; j++) {
            size_t chosen = (size_t)(random_next(seed) % (in + 1));
            for (size_t i = 0; i < in; i++)
                mlp_set(net, l, 0, i * out + j,
                        i == chosen ? sqrt(random_uniform(seed)) : s * random_normal(seed));
            mlp_set(net, l, 1, j, chosen == in ? sqrt(random_uniform(seed)) : 0);
        }
    }
}

/* Born dead: some hidden layer inactive on every probe image, so the net is constant. */
static bool born_dead(const fashion *f, size_t width, size_t depth, bool asymmetric,
                      uint64_t seed) {
    mlp net;
    mlp_config config = deep(depth, width, "relu", seed);
    if (!make_net(&net, &config, PROBE)) exit(1);
    if (asymmetric) randomized_asymmetric(&net, &seed);
    mlp_forward(&net, f->train.x, PROBE, true);
    bool dead = false;
    for (size_t l = 0; l < depth && !dead; l++)
        dead = actfn_activity_dead_fraction(&net.activity[l]) == 1;
    mlp_free(&net);
    return dead;
}

typedef struct dying_result {
    double dead_first[2], dead_last[2], revived[2]; /* layers 1 and 2 */
    double test;                                    /* at the validation-picked epoch */
    bool diverged;
} dying_result;

typedef struct dying_run {
    double slope, rate;
    uint64_t seed;
} dying_run;

/* One run, an epoch at a time, so that each unit's state after the first epoch can be
 * compared with its state in the last (revival). */
static void dying_job(size_t index, const void *context, void *out) {
    const run_list *c = context;
    const dying_run *run = (const dying_run *)c->runs + index;
    dying_result *result = out;
    mlp net;
    mlp_config config = dense(3, fashion_sizes, run->slope > 0 ? "leaky_relu" : "relu", run->seed);
    if (run->slope > 0) config.activation.negative_slope = run->slope;
    if (!make_net(&net, &config, 1000)) exit(1);
    epoch_result r[MOST_EPOCHS];
    bool *was_dead[2];
    for (int l = 0; l < 2; l++)
        if ((was_dead[l] = calloc(config.sizes[l + 1], sizeof(bool))) == NULL) abort();
    for (size_t e = 0; e < c->epochs; e++) {
        train_config t = {.epochs = 1,
                          .batch = 128,
                          .optimizer = MLP_SGD,
                          .learning_rate = run->rate,
                          .seed = run->seed + 1 + 1000 * e,
                          .track_activity = true,
                          .label = "dying",
                          .max_train = c->max_train,
                          .validation = &c->f->validation,
                          .quiet = true};
        train(&net, &c->f->train, &c->f->test, &t, &r[e]);
        if (r[e].diverged) {
            for (size_t rest = e + 1; rest < c->epochs; rest++)
                r[rest] = r[e];
            break;
        }
        for (int l = 0; l < 2; l++) {
            const actfn_activity *a = &net.activity[l];
            size_t revived = 0, dead = 0;
            for (size_t j = 0; j < a->cols; j++) {
                if (e == 0) was_dead[l][j] = a->active[j] == 0;
                dead += was_dead[l][j], revived += was_dead[l][j] && a->active[j] > 0;
            }
            if (e == 0) result->dead_first[l] = r[e].dead[l];
            result->dead_last[l] = r[e].dead[l];
            result->revived[l] = dead > 0 ? (double)revived / (double)dead : 0;
        }
    }
    result->diverged = r[c->epochs - 1].diverged;
    for (int l = 0; l < 2 && result->diverged; l++) /* no activity to speak of */
        result->dead_first[l] = result->dead_last[l] = result->revived[l] = NAN;
    result->test = chosen_test(r, c->epochs);
    for (int l = 0; l < 2; l++)
        free(was_dead[l]);
    mlp_free(&net);
}

static const char *slope_name(double slope, char *buffer, size_t size) {
    if (slope > 0)
        snprintf(buffer, size, "leaky_relu %g", slope);
    else
        snprintf(buffer, size, "relu");
    return buffer;
}

int experiment_dying(const lab_options *o) {
    size_t trials = o->quick ? 20 : 200, seeds = o->quick ? 1 : o->seeds > 0 ? o->seeds : 10;
    size_t epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 3);
    size_t max_train = o->quick ? 2000 : 0;
    if (epochs > MOST_EPOCHS) epochs = MOST_EPOCHS;
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    /* born dead */
    size_t dead[2][WIDTHS][DEPTHS] = {{{0}}};
    fprintf(csv, "part,init_or_activation,width_or_rate,depth_or_seed,value,dead_layer1,"
                 "dead_layer2,revived_layer1,revived_layer2\n");
    for (int init = 0; init < 2; init++)
        for (size_t w = 0; w < WIDTHS; w++)
            for (size_t d = 0; d < DEPTHS; d++) {
                for (size_t t = 0; t < trials; t++)
                    dead[init][w][d] +=
                        born_dead(&f, widths[w], depths[d], init == 1, o->seed + 7919 * t);
                fprintf(csv, "born_dead,%s,%zu,%zu,%.6f,,,,\n", init ? "asymmetric" : "he",
                        widths[w], depths[d], (double)dead[init][w][d] / (double)trials);
            }
    /* trained: plain SGD */
    size_t runs = SLOPES * RATES * seeds;
    dying_run *list = calloc(runs, sizeof *list);
    dying_result *results = calloc(runs, sizeof *results);
    if (list == NULL || results == NULL) abort();
    for (size_t i = 0; i < runs; i++)
        list[i] = (dying_run){slopes[i / (RATES * seeds)], rates[i / seeds % RATES],
                              o->seed + 100 * (i % seeds)};
    run_list context = {&f, list, epochs, max_train};
    if (!run_jobs(runs, sizeof *results, dying_job, &context, results, job_workers(),
                  "dying: training"))
        return 1;
    for (size_t i = 0; i < runs; i++) {
        char name[48];
        const dying_result *r = &results[i];
        fprintf(csv, "trained,%s,%g,%llu,%.6f,%.6f,%.6f,%.6f,%.6f\n",
                slope_name(list[i].slope, name, sizeof name), list[i].rate,
                (unsigned long long)list[i].seed, r->diverged ? NAN : r->test, r->dead_last[0],
                r->dead_last[1], r->revived[0], r->revived[1]);
    }
    fclose(csv);

    /* figures: born-dead probability against depth per width and init; dead units
     * against the learning rate per slope */
    char path[1200], names[2 * WIDTHS][48];
    double depth_axis[DEPTHS], rate_axis[RATES];
    for (size_t d = 0; d < DEPTHS; d++)
        depth_axis[d] = (double)depths[d];
    for (size_t q = 0; q < RATES; q++)
        rate_axis[q] = rates[q];
    double p[2][WIDTHS][3][DEPTHS];
    series lines[2 * WIDTHS];
    size_t shown = 0;
    for (int init = 0; init < 2; init++)
        for (size_t w = 0; w < WIDTHS; w++) {
            if (w == 1 || w == 3) continue; /* widths 2, 4, 16 drawn: eight lines at most */
            for (size_t d = 0; d < DEPTHS; d++) {
                p[init][w][0][d] = 100 * (double)dead[init][w][d] / (double)trials;
                wilson_interval(dead[init][w][d], trials, &p[init][w][1][d], &p[init][w][2][d]);
                p[init][w][1][d] *= 100, p[init][w][2][d] *= 100;
            }
            snprintf(names[shown], sizeof names[shown], "width %zu, %s", widths[w],
                     init ? "asymmetric" : "He");
            lines[shown] = (series){names[shown], depth_axis,    p[init][w][0],
                                    DEPTHS,       p[init][w][1], p[init][w][2]};
            shown++;
        }
    figure_lines(path_in(o, "born-dead.png", path, sizeof path),
                 "relu nets born dead (constant on 1,000 images), 95 % Wilson CI", "hidden layers",
                 "born dead (%)", lines, shown, false);
    double curves[SLOPES][3][RATES];
    for (size_t s = 0; s < SLOPES; s++) {
        for (size_t q = 0; q < RATES; q++) {
            double v[256];
            size_t n = seeds < 256 ? seeds : 256;
            for (size_t g = 0; g < n; g++)
                v[g] = 100 * results[(s * RATES + q) * seeds + g].dead_last[0];
            estimate e = estimate_of(v, n);
            double h = isnan(e.half_width) ? 0 : e.half_width;
            curves[s][0][q] = e.mean, curves[s][1][q] = e.mean - h, curves[s][2][q] = e.mean + h;
        }
        slope_name(slopes[s], names[s], sizeof names[s]);
        lines[s] = (series){names[s], rate_axis, curves[s][0], RATES, curves[s][1], curves[s][2]};
    }
    figure_lines(path_in(o, "dead-after-training.png", path, sizeof path),
                 "Layer 1 units never positive in the last epoch, plain SGD", "learning rate",
                 "dead units (%)", lines, SLOPES, false);

    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# Dying ReLU\n\n"
            "## Born dead\n\n"
            "Lu, Shin, Su and Karniadakis, *Dying ReLU and initialization* (2019): a deep, "
            "narrow relu net is born dead — constant, some hidden layer inactive on every "
            "input — with a probability that goes to 1 with depth, and their randomized "
            "asymmetric initialisation lowers it. Here: 784 inputs, hidden layers of the given "
            "width, 10 outputs, %zu random initialisations per cell; a net counts as born dead "
            "if some hidden layer has no unit positive on any of %d training images. He: "
            "N(0, 2 / fan_in), biases 0. Asymmetric: per unit one of its weights and bias "
            "drawn from Beta(2, 1), the rest N(0, 1.5 / fan_in). Probability with its 95 %% "
            "Wilson interval.\n\n| width | init | 4 layers | 8 | 16 | 32 "
            "|\n|---|---|---|---|---|---|\n",
            trials, PROBE);
    for (size_t w = 0; w < WIDTHS; w++)
        for (int init = 0; init < 2; init++) {
            fprintf(md, "| %zu | %s |", widths[w], init ? "asymmetric" : "He");
            for (size_t d = 0; d < DEPTHS; d++) {
                double low, high;
                wilson_interval(dead[init][w][d], trials, &low, &high);
                fprintf(md, " %.1f %% [%.1f, %.1f] |",
                        100 * (double)dead[init][w][d] / (double)trials, 100 * low, 100 * high);
            }
            fprintf(md, "\n");
        }
    fprintf(md,
            "\n![born dead](born-dead.png)\n\n## Killed by training\n\n"
            "784-256-128-10 on Fashion-MNIST, plain SGD (no momentum), batches of 128, %zu "
            "epoch%s%s, He initialisation, %zu seeds per cell. A unit is dead in an epoch if it "
            "was positive for no training image of that epoch (counted by the mask forward); "
            "*revived*: of the units dead in the first epoch, the share positive again in the "
            "last. leaky_relu units cannot stop learning (their slope is never 0) but they can "
            "stay negative: the same count applies. A diverged run (loss not finite) has no "
            "activity to count and is left out of the means.\n\n"
            "| activation | lr | layer 1 dead, epoch 1 | layer 1 dead, last | layer 2 dead, last "
            "| revived (layer 1) | test accuracy | diverged |\n|---|---|---|---|---|---|---|---|\n",
            epochs, epochs == 1 ? "" : "s", o->quick ? ", 2,000 images (--quick)" : "", seeds);
    double relu_dead_high = 0, leaky_dead_high[SLOPES] = {0};
    size_t diverged_by_slope[SLOPES] = {0};
    for (size_t s = 0; s < SLOPES; s++)
        for (size_t q = 0; q < RATES; q++) {
            double v[5][256];
            size_t n = seeds < 256 ? seeds : 256, diverged = 0;
            for (size_t g = 0; g < n; g++) {
                const dying_result *r = &results[(s * RATES + q) * seeds + g];
                diverged += r->diverged;
                v[0][g] = r->dead_first[0], v[1][g] = r->dead_last[0], v[2][g] = r->dead_last[1];
                v[3][g] = r->revived[0], v[4][g] = r->diverged ? NAN : r->test;
            }
            char name[48], text[5][64];
            for (int m = 0; m < 5; m++)
                points(estimate_of(v[m], n), text[m], sizeof text[m]);
            fprintf(md, "| %s | %g | %s %% | %s %% | %s %% | %s %% | %s %% | %zu of %zu |\n",
                    slope_name(slopes[s], name, sizeof name), rates[q], text[0], text[1], text[2],
                    text[3], text[4], diverged, n);
            diverged_by_slope[s] += diverged;
            double mean_dead = estimate_of(v[1], n).mean;
            if (s == 0) relu_dead_high = fmax(relu_dead_high, mean_dead);
            leaky_dead_high[s] = fmax(leaky_dead_high[s], mean_dead);
        }
    size_t deepest_narrow = 0, deepest_wide = 0;
    for (int init = 0; init < 2; init++)
        deepest_narrow += dead[init][0][DEPTHS - 1],
            deepest_wide += dead[init][WIDTHS - 1][DEPTHS - 1];
    fprintf(md,
            "\n![dead after training](dead-after-training.png)\n\n**Verdict.** Born dead at 32 "
            "layers: width 2 %.0f %% (He) and %.0f %% (asymmetric), width 16 %.0f %% and %.0f %%; "
            "%s %s Trained with plain SGD, relu's layer 1 loses up to %.0f %% of its units "
            "(the worst learning rate); leaky_relu with slope 0.01 %.0f %%, 0.1 %.0f %%, 0.3 "
            "%.0f %%: %s Diverged runs (left out of those means), of %zu per activation: relu "
            "%zu, leaky_relu %zu, %zu, %zu%s\n",
            100 * (double)dead[0][0][DEPTHS - 1] / (double)trials,
            100 * (double)dead[1][0][DEPTHS - 1] / (double)trials,
            100 * (double)dead[0][WIDTHS - 1][DEPTHS - 1] / (double)trials,
            100 * (double)dead[1][WIDTHS - 1][DEPTHS - 1] / (double)trials,
            deepest_narrow > deepest_wide
                ? "narrow and deep nets are born dead, wide ones are not, as Lu et al. find."
                : "width did not protect here, unlike Lu et al.'s finding.",
            dead[1][0][DEPTHS - 1] < dead[0][0][DEPTHS - 1]
                ? "The asymmetric initialisation lowers the probability at width 2, as they "
                  "report."
                : "The asymmetric initialisation did not lower it at width 2 here.",
            100 * relu_dead_high, 100 * leaky_dead_high[1], 100 * leaky_dead_high[2],
            100 * leaky_dead_high[3],
            leaky_dead_high[3] < relu_dead_high
                ? "a larger negative slope leaves fewer units stuck below 0, and those it "
                  "leaves still pass gradient; the revival column says how many dead relu "
                  "units came back."
                : "the slope did not reduce the count of units stuck below 0 here.",
            RATES * seeds, diverged_by_slope[0], diverged_by_slope[1], diverged_by_slope[2],
            diverged_by_slope[3],
            diverged_by_slope[1] > diverged_by_slope[0]
                ? ": where relu's units die, leaky_relu's runs blow up instead — the slope does "
                  "not cure a learning rate that is too large."
                : ".");
    fclose(md);
    free(list), free(results);
    free_fashion(&f);
    return 0;
}
