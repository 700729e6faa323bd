/* SPDX-License-Identifier: MIT */
/* What the lab's experiments share: Fashion-MNIST loaded once, nets made and trained
 * the same way, output files in the experiment's directory. Private to lab/. */
#ifndef ACTFN_LAB_EXPERIMENT_KIT_H
#define ACTFN_LAB_EXPERIMENT_KIT_H

#include "data.h"
#include "figures.h"
#include "lab.h"
#include "mlp.h"
#include "train.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct fashion {
    dataset train, test;
} fashion;

/* 784-256-128-10 */
extern const size_t fashion_sizes[4];

bool load_fashion(const lab_options *o, fashion *f);
void free_fashion(fashion *f);
FILE *open_output(const lab_options *o, const char *name);
const char *path_in(const lab_options *o, const char *name, char *buffer, size_t size);
actfn_op op_named(const char *name);
mlp_init init_for(const char *name);
mlp_config dense(size_t layers, const size_t *sizes, const char *activation, uint64_t seed);
bool make_net(mlp *net, const mlp_config *config, size_t capacity);
size_t epochs_or(const lab_options *o, size_t fallback);
double best_test(const epoch_result *r, size_t epochs);
double mean_seconds(const epoch_result *r, size_t epochs);
int epochs_to(const epoch_result *r, size_t epochs, double accuracy);
bool train_fashion(const fashion *f, const char *activation, uint64_t seed, size_t epochs,
                   epoch_result *results);
void write_curves_csv(FILE *csv, const char *group, const char *name, const epoch_result *r,
                      size_t epochs);
double *epoch_axis(size_t epochs);

/* The experiments (experiments.c lists them). Each returns 0, or 1 with a message. */
int experiment_nonlinearity(const lab_options *o);
int experiment_shootout(const lab_options *o);
int experiment_demo(const lab_options *o);
int experiment_relu_alone(const lab_options *o);
int experiment_dying(const lab_options *o);
int experiment_vanishing(const lab_options *o);
int experiment_relu0(const lab_options *o);

#endif
