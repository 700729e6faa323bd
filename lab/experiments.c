/* SPDX-License-Identifier: MIT */
/* The lab's experiments, in the order actfn lab lists them. */
#include "experiment_kit.h"

#include <stddef.h>

const lab_entry lab_experiments[] = {
    {"demo", "relu against sigmoid on Fashion-MNIST, 2 epochs (make demo)", experiment_demo},
    {"nonlinearity", "identity against relu: spirals, checkerboard, Fashion-MNIST",
     experiment_nonlinearity},
    {"shootout", "8 activations on Fashion-MNIST, 784-256-128-10", experiment_shootout},
    {"dying", "dead units: learning rates and a bad initialisation, relu and leaky_relu",
     experiment_dying},
    {"vanishing", "gradient norm per layer of a 16-layer MLP: sigmoid, tanh, relu",
     experiment_vanishing},
    {"relu0", "relu'(0) = 0 against 1, in f32 and in f16", experiment_relu0},
    {"relu", "relu alone, 784-256-128-10, Adam (bench/torch_mlp.py compares)",
     experiment_relu_alone},
    {NULL, NULL, NULL},
};
