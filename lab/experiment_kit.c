/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool load_fashion(const lab_options *o, fashion *f) {
    char error[512];
    memset(f, 0, sizeof *f);
    if (!load_fashion_mnist(o->data, true, &f->all_train, error, sizeof error) ||
        !load_fashion_mnist(o->data, false, &f->test, error, sizeof error)) {
        fprintf(stderr, "actfn lab: %s\n", error);
        dataset_free(&f->all_train);
        return false;
    }
    size_t kept = f->all_train.count > 2 * FASHION_VALIDATION
                      ? f->all_train.count - FASHION_VALIDATION
                      : f->all_train.count / 2; /* a small --data set: half and half */
    f->train = dataset_head(&f->all_train, kept);
    f->validation = dataset_slice(&f->all_train, kept, f->all_train.count - kept);
    if (o->quick) { /* a smoke test evaluates on a part */
        f->validation = dataset_head(&f->validation, 500);
        f->test = dataset_head(&f->test, 500);
    }
    return true;
}

void free_fashion(fashion *f) {
    dataset_free(&f->all_train);
    dataset_free(&f->test);
    memset(f, 0, sizeof *f);
}

FILE *open_output(const lab_options *o, const char *name) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", o->directory, name);
    FILE *file = fopen(path, "w");
    if (file == NULL) fprintf(stderr, "actfn lab: cannot write %s\n", path);
    return file;
}

const char *path_in(const lab_options *o, const char *name, char *buffer, size_t size) {
    snprintf(buffer, size, "%s/%s", o->directory, name);
    return buffer;
}

actfn_op op_named(const char *name) {
    actfn_op op;
    if (actfn_op_from_name(name, &op) != ACTFN_OK) abort();
    return op;
}

/* He initialisation for the relu family and its smooth cousins, Xavier (Glorot) for the
 * saturating ops and the identity: each op with the initialisation it is used with. */
mlp_init init_for(const char *name) {
    return strcmp(name, "sigmoid") == 0 || strcmp(name, "tanh") == 0 ||
                   strcmp(name, "identity") == 0
               ? MLP_INIT_XAVIER
               : MLP_INIT_HE;
}

mlp_config dense(size_t layers, const size_t *sizes, const char *activation, uint64_t seed) {
    mlp_config c = {.layers = layers,
                    .activation = op_named(activation),
                    .init = init_for(activation),
                    .seed = seed,
                    .dtype = ACTFN_F32};
    for (size_t l = 0; l <= layers; l++)
        c.sizes[l] = sizes[l];
    return c;
}

mlp_config deep(size_t hidden_layers, size_t width, const char *activation, uint64_t seed) {
    size_t sizes[MLP_MAX_LAYERS + 1];
    if (hidden_layers + 1 > MLP_MAX_LAYERS) abort();
    sizes[0] = 784, sizes[hidden_layers + 1] = 10;
    for (size_t l = 1; l <= hidden_layers; l++)
        sizes[l] = width;
    return dense(hidden_layers + 1, sizes, activation, seed);
}

bool make_net(mlp *net, const mlp_config *config, size_t capacity) {
    char error[256];
    if (mlp_create(net, config, capacity, error, sizeof error)) return true;
    fprintf(stderr, "actfn lab: %s\n", error);
    return false;
}

size_t epochs_or(const lab_options *o, size_t fallback) {
    return o->epochs > 0 ? o->epochs : fallback;
}

size_t seeds_or(const lab_options *o, size_t fallback) {
    if (o->seeds > 0) return o->seeds;
    return o->quick ? 2 : fallback;
}

/* The first epoch of the highest score among those that did not diverge (0 if all did:
 * a run that diverges stays diverged). */
static size_t best_epoch(const epoch_result *r, size_t epochs,
                         double (*score)(const epoch_result *)) {
    size_t best = 0;
    for (size_t e = 1; e < epochs; e++)
        if (!r[e].diverged && (r[best].diverged || score(&r[e]) > score(&r[best]))) best = e;
    return best;
}

static double validation_accuracy(const epoch_result *r) {
    return r->validation_accuracy;
}

static double minus_validation_loss(const epoch_result *r) {
    return -r->validation_loss;
}

size_t chosen_epoch(const epoch_result *r, size_t epochs) {
    return best_epoch(r, epochs, validation_accuracy);
}

size_t lowest_loss_epoch(const epoch_result *r, size_t epochs) {
    return best_epoch(r, epochs, minus_validation_loss);
}

double chosen_test(const epoch_result *r, size_t epochs) {
    size_t e = chosen_epoch(r, epochs);
    return epochs == 0 || r[e].diverged ? NAN : r[e].test_accuracy;
}

double best_validation(const epoch_result *r, size_t epochs) {
    size_t e = chosen_epoch(r, epochs);
    return epochs == 0 || r[e].diverged ? NAN : r[e].validation_accuracy;
}

typedef struct runs_context {
    const fashion *f;
    const run_spec *specs;
    size_t epochs;
} runs_context;

static void run_one(size_t k, const void *context, void *result) {
    const runs_context *c = context;
    const run_spec *s = &c->specs[k];
    mlp net;
    size_t sizes[4] = {784, s->widths[0] ? s->widths[0] : 256, s->widths[1] ? s->widths[1] : 128,
                       10};
    mlp_config config = s->hidden_layers > 0
                            ? deep(s->hidden_layers, s->width, s->activation, s->seed)
                            : dense(3, sizes, s->activation, s->seed);
    config.init_gain = s->init_gain;
    config.maxout = s->maxout;
    config.centre = s->centre;
    if (s->output != NULL) config.has_output = true, config.output = op_named(s->output);
    if (!make_net(&net, &config, 1000)) exit(1);
    if (s->nudge) /* layer 2: every unit of layer 1 sees every image, not a corner pixel */
        mlp_set(&net, 1, 0, 0, nextafterf((float)mlp_get(&net, 1, 0, 0), INFINITY));
    train_config t = {.epochs = c->epochs,
                      .batch = 128,
                      .optimizer = s->sgd ? MLP_SGD : MLP_ADAM,
                      .learning_rate = s->learning_rate,
                      .momentum = s->sgd ? 0.9 : 0,
                      .seed = s->seed + 1,
                      .label = s->activation,
                      .max_train = s->max_train,
                      .validation = &c->f->validation,
                      .quiet = true};
    train(&net, &c->f->train, &c->f->test, &t, result);
    mlp_free(&net);
}

bool train_runs(const fashion *f, const run_spec *specs, size_t count, size_t epochs,
                epoch_result *results, const char *label) {
    runs_context context = {f, specs, epochs};
    return run_jobs(count, epochs * sizeof *results, run_one, &context, results, job_workers(),
                    label);
}

bool train_cells(const fashion *f, const run_spec *specs, const char *const *names, size_t cells,
                 size_t seeds, size_t epochs, double *accuracy, FILE *csv, const char *label) {
    size_t runs = cells * seeds;
    epoch_result *r = calloc(runs * epochs, sizeof *r);
    if (r == NULL) abort();
    bool ok = train_runs(f, specs, runs, epochs, r, label);
    for (size_t i = 0; ok && i < runs; i++) {
        accuracy[i] = chosen_test(&r[i * epochs], epochs);
        for (size_t e = 0; e < epochs; e++)
            fprintf(csv, "%s,%llu,%zu,%.6f,%.6f,%.6f\n", names[i / seeds],
                    (unsigned long long)specs[i].seed, e + 1, r[i * epochs + e].loss,
                    r[i * epochs + e].validation_accuracy, r[i * epochs + e].test_accuracy);
    }
    free(r);
    return ok;
}

double *train_cell_grid(const lab_options *o, const fashion *f, const run_spec *cell,
                        const char *const *names, size_t cells, size_t seeds, size_t epochs,
                        const char *first_column, const char *label) {
    run_spec *specs = calloc(cells * seeds, sizeof *specs);
    double *accuracy = calloc(cells * seeds, sizeof *accuracy);
    if (specs == NULL || accuracy == NULL) abort();
    for (size_t k = 0; k < cells; k++)
        for (size_t g = 0; g < seeds; g++) {
            specs[k * seeds + g] = cell[k];
            specs[k * seeds + g].seed = o->seed + 100 * g;
            specs[k * seeds + g].max_train = o->quick ? 2000 : 0;
        }
    FILE *csv = open_output(o, "results.csv");
    bool ok = csv != NULL;
    if (ok) {
        fprintf(csv, "%s,seed,epoch,loss,validation_accuracy,test_accuracy\n", first_column);
        ok = train_cells(f, specs, names, cells, seeds, epochs, accuracy, csv, label);
        fclose(csv);
    }
    free(specs);
    if (!ok) free(accuracy);
    return ok ? accuracy : NULL;
}

void report_cells(FILE *md, const char *figure, const char *title, const char *const *names,
                  const double *accuracy, size_t cells, size_t seeds, size_t *higher,
                  size_t *lower) {
    double *value = calloc(cells * 3, sizeof *value);
    if (value == NULL) abort();
    size_t up = 0, down = 0;
    fprintf(md,
            "| | test accuracy | difference from %s (paired) | against it |\n"
            "|---|---|---|---|\n",
            names[0]);
    for (size_t k = 0; k < cells; k++) {
        estimate e = estimate_of(&accuracy[k * seeds], seeds);
        estimate d = paired_difference(&accuracy[k * seeds], accuracy, seeds);
        comparison c = compare(d);
        up += k > 0 && c == HIGHER, down += k > 0 && c == LOWER;
        char a[64], b[64];
        fprintf(md, "| %s | %s %% | %s | %s |\n", names[k], points(e, a, sizeof a),
                k == 0 ? "—" : signed_points(d, b, sizeof b), k == 0 ? "—" : comparison_words(c));
        double h = isnan(e.half_width) ? 0 : e.half_width;
        value[k] = 100 * e.mean, value[cells + k] = 100 * (e.mean - h),
        value[2 * cells + k] = 100 * (e.mean + h);
    }
    figure_intervals(figure, title, "test accuracy (%)", names, value, value + cells,
                     value + 2 * cells, cells, NAN);
    free(value);
    if (higher != NULL) *higher = up;
    if (lower != NULL) *lower = down;
}

static const char *format_points(estimate e, bool sign, char *buffer, size_t size) {
    if (isnan(e.half_width))
        snprintf(buffer, size, sign ? "%+.2f" : "%.2f", 100 * e.mean);
    else
        snprintf(buffer, size, sign ? "%+.2f ± %.2f" : "%.2f ± %.2f", 100 * e.mean,
                 100 * e.half_width);
    return buffer;
}

const char *points(estimate e, char *buffer, size_t size) {
    return format_points(e, false, buffer, size);
}

const char *signed_points(estimate e, char *buffer, size_t size) {
    return format_points(e, true, buffer, size);
}

const size_t fashion_sizes[4] = {784, 256, 128, 10};

double *epoch_axis(size_t epochs) {
    double *x = malloc(epochs * sizeof *x + 1);
    if (x == NULL) abort();
    for (size_t e = 0; e < epochs; e++)
        x[e] = (double)(e + 1);
    return x;
}
