/* SPDX-License-Identifier: MIT */
/* What the lab's experiments share: Fashion-MNIST loaded once, nets made and trained
 * the same way, output files in the experiment's directory. Private to lab/. */
#ifndef ACTFN_LAB_EXPERIMENT_KIT_H
#define ACTFN_LAB_EXPERIMENT_KIT_H

#include "data.h"
#include "figures.h"
#include "jobs.h"
#include "lab.h"
#include "mlp.h"
#include "stats.h"
#include "train.h"

#include <stdbool.h>
#include <stdio.h>

/* The 60,000 training images split as train (the first 50,000: what networks learn
 * from) and validation (the last 10,000: what picks epochs, learning rates and every
 * other model choice); test (10,000) only reports. */
typedef struct fashion {
    dataset all_train, train, validation, test;
} fashion;

enum { FASHION_VALIDATION = 10000 };

/* One training run, batches of 128: what the experiments vary. Zeros mean the default:
 * the 784-256-128-10 network, Adam, its init (init_for). */
typedef struct run_spec {
    const char *activation;
    double learning_rate;
    uint64_t seed;    /* initialisation; the shuffles use seed + 1 */
    size_t max_train; /* 0: all 50,000 */
    bool nudge;       /* the second layer's first weight moved by 1 ULP after initialisation */
    size_t hidden_layers, width; /* 0: 784-256-128-10; else that many layers of width */
    double init_gain;            /* 0: init_for's rule; else N(0, gain^2 / fan_in) */
    bool sgd;                    /* SGD with momentum 0.9 instead of Adam */
    size_t widths[2];            /* 0: 256, 128; the two hidden layers' widths */
    size_t maxout;               /* > 1: Maxout hidden layers of that many pieces */
    double centre;               /* subtracted from every hidden activation */
    const char *output;          /* NULL: identity; else the output layer's activation */
} run_spec;

/* 784-256-128-10 */
extern const size_t fashion_sizes[4];

bool load_fashion(const lab_options *o, fashion *f);
void free_fashion(fashion *f);
FILE *open_output(const lab_options *o, const char *name);
const char *path_in(const lab_options *o, const char *name, char *buffer, size_t size);
actfn_op op_named(const char *name);
mlp_init init_for(const char *name);
mlp_config dense(size_t layers, const size_t *sizes, const char *activation, uint64_t seed);
/* 784, hidden layers of width, 10 */
mlp_config deep(size_t hidden_layers, size_t width, const char *activation, uint64_t seed);
bool make_net(mlp *net, const mlp_config *config, size_t capacity);
size_t epochs_or(const lab_options *o, size_t fallback);
size_t seeds_or(const lab_options *o, size_t fallback);
/* The epoch the validation set picks (its highest accuracy, the first such), and the
 * test accuracy there (NaN if the run diverged before any epoch). */
size_t chosen_epoch(const epoch_result *r, size_t epochs);
/* The epoch of the lowest validation loss (the first such; a regression's choice). */
size_t lowest_loss_epoch(const epoch_result *r, size_t epochs);
double chosen_test(const epoch_result *r, size_t epochs);
double best_validation(const epoch_result *r, size_t epochs);
/* What an experiment's own run_jobs job reads (jobs.h): the data, its list of runs (of
 * the experiment's own type), the epochs and the cap on training images (0: all). */
typedef struct run_list {
    const fashion *f;
    const void *runs;
    size_t epochs, max_train;
} run_list;
/* count runs side by side (jobs.h), epochs each, into results[k * epochs ...]. */
bool train_runs(const fashion *f, const run_spec *specs, size_t count, size_t epochs,
                epoch_result *results, const char *label);
/* Cells of seeds runs each (specs[k * seeds + g], the same seeds in every cell): trains
 * them side by side, writes each epoch to csv (cell name, seed, epoch, loss, validation,
 * test) and puts each run's test accuracy at the validation-picked epoch (NaN if it
 * diverged) into accuracy[k * seeds + g]. */
bool train_cells(const fashion *f, const run_spec *specs, const char *const *names, size_t cells,
                 size_t seeds, size_t epochs, double *accuracy, FILE *csv, const char *label);
/* The whole of a cells x seeds experiment's training: cell k's runs are cell[k] with the
 * seeds o->seed + 100 g (g < seeds) and, under --quick, 2,000 training images; results.csv
 * gets first_column (what the cells differ in) and train_cells' columns. Returns the
 * accuracies (cells * seeds, as train_cells; the caller frees them), NULL on failure. */
double *train_cell_grid(const lab_options *o, const fashion *f, const run_spec *cell,
                        const char *const *names, size_t cells, size_t seeds, size_t epochs,
                        const char *first_column, const char *label);
/* The report's table of cells: test accuracy with its interval, and the paired
 * difference from cell 0 with its verdict; and the same as a figure at path. Returns
 * how many cells are HIGHER / LOWER than cell 0 through higher, lower (may be NULL). */
void report_cells(FILE *md, const char *figure, const char *title, const char *const *names,
                  const double *accuracy, size_t cells, size_t seeds, size_t *higher,
                  size_t *lower);
/* "mean +- half_width" in percentage points of a fraction's estimate */
const char *points(estimate e, char *buffer, size_t size);
/* the same with the mean's sign always shown: a difference */
const char *signed_points(estimate e, char *buffer, size_t size);
double *epoch_axis(size_t epochs);

/* The experiments (experiments.c lists them). Each returns 0, or 1 with a message. */
int experiment_nonlinearity(const lab_options *o);
int experiment_shootout(const lab_options *o);
int experiment_demo(const lab_options *o);
int experiment_relu_alone(const lab_options *o);
int experiment_dying(const lab_options *o);
int experiment_vanishing(const lab_options *o);
int experiment_relu0(const lab_options *o);
int experiment_noise(const lab_options *o);
int experiment_speed(const lab_options *o);
int experiment_cnn(const lab_options *o);
int experiment_cnn_relu(const lab_options *o);
int experiment_maxout(const lab_options *o);
int experiment_output(const lab_options *o);
int experiment_centred(const lab_options *o);

#endif
