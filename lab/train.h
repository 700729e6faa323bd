/* SPDX-License-Identifier: MIT */
/* Training and evaluation loops of the lab: minibatches in a seeded shuffled order, one
 * line (or a progress bar on a terminal) per epoch, and what the experiments measure
 * per epoch. */
#ifndef ACTFN_LAB_TRAIN_H
#define ACTFN_LAB_TRAIN_H

#include "data.h"
#include "mlp.h"

typedef struct train_config {
    size_t epochs, batch;
    mlp_optimizer optimizer;
    double learning_rate, momentum;
    uint64_t seed;             /* the shuffles */
    bool track_activity;       /* dead units per epoch (mask ops only) */
    const char *label;         /* for the progress lines */
    size_t max_train;          /* 0: all of the training set */
    const dataset *validation; /* NULL: none; else its accuracy after every epoch */
    bool quiet;                /* no line per epoch */
} train_config;

typedef struct epoch_result {
    double loss, train_accuracy, validation_accuracy, test_accuracy, seconds;
    double validation_loss, test_loss; /* mean loss over each set (0 where it has none) */
    double dead[MLP_MAX_LAYERS];       /* fraction of hidden units never active this epoch */
    double grad_norm[MLP_MAX_LAYERS];  /* mean over the epoch's steps of ||dL/dW|| */
    double zero_fraction;              /* hidden pre-activations exactly 0 (mask ops) */
    double zero_layer[MLP_MAX_LAYERS]; /* that share per hidden layer */
    bool diverged;                     /* the loss became NaN or inf */
} epoch_result;

/* Trains for config->epochs, filling results[0 .. epochs - 1]; stops early (the rest
 * marked diverged) if the loss stops being finite. */
void train(mlp *net, const dataset *training, const dataset *test, const train_config *config,
           epoch_result *results);
/* Accuracy of the network on a data set (batches of the network's capacity; 0 for a
 * regression set), and unless NULL its mean loss into *loss: the softmax cross-entropy,
 * or the squared error where the set has targets. */
double evaluate(mlp *net, const dataset *data, double *loss);
/* The gradient norms per layer of one batch (the first rows), without a step: ||dL/dW||
 * per dense layer into norms, and (unless NULL) the RMS of dL/da per hidden layer's
 * output into activation_norms. */
void gradient_norms(mlp *net, const dataset *data, size_t rows, double *norms,
                    double *activation_norms);

#endif
