/* SPDX-License-Identifier: MIT */
/* The lab's experiments, in the order actfn lab lists them. */
#include "experiment_kit.h"

#include <stddef.h>

const lab_entry lab_experiments[] = {
    {"demo", "relu against sigmoid on Fashion-MNIST, 2 epochs (make demo)", experiment_demo},
    {"nonlinearity", "identity against relu: spirals, checkerboard, Fashion-MNIST",
     experiment_nonlinearity},
    {"noise", "the noise floor: one weight moved by 1 ULP, relu and gelu, 10 seeds",
     experiment_noise},
    {"shootout", "8 activations, learning rate picked on validation, 10 seeds, paired with relu",
     experiment_shootout},
    {"speed", "relu against tanh and sigmoid: the op alone and its share of a training step",
     experiment_speed},
    {"dying", "dead units: born dead (width x depth, He and asymmetric init), killed by SGD",
     experiment_dying},
    {"vanishing", "gradients per layer over depth 4-32, matched and mismatched init, six ops",
     experiment_vanishing},
    {"cnn", "a CNN against the MLP on the same seeds, five activations", experiment_cnn},
    {"maxout", "Maxout (k = 2) through actfn's maxout ops against relu, parameter-matched",
     experiment_maxout},
    {"output", "relu, sigmoid, tanh or none as a classifier's and a regression head's output",
     experiment_output},
    {"centred", "relu's non-zero mean: relu, centred relu, elu, tanh in a deep net",
     experiment_centred},
    {"relu0", "relu'(0) = 0 against 1: f32, 16-bit, an 8-bit grid; SGD, Adam, batch norm",
     experiment_relu0},
    {"relu", "relu alone, 784-256-128-10, Adam (bench/torch_mlp.py compares)",
     experiment_relu_alone},
    {"cnnrelu", "the CNN with relu alone (bench/torch_cnn.py compares)", experiment_cnn_relu},
    {NULL, NULL, NULL},
};
