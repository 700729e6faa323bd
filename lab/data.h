/* SPDX-License-Identifier: MIT */
/* The lab's data sets: Fashion-MNIST from Debian's dataset-fashion-mnist (pixels scaled
 * to [0, 1]), and two built-in 2-D sets for the non-linearity experiment. */
#ifndef ACTFN_LAB_DATA_H
#define ACTFN_LAB_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dataset {
    size_t count, features, classes;
    float *x;       /* count x features, row-major */
    uint8_t *label; /* count */
    size_t targets; /* > 0: a regression set, whose target (count x targets) the
                       network's outputs are fitted to; label then unused */
    float *target;
} dataset;

#define FASHION_MNIST_DIR  "/usr/share/datasets/fashion-mnist"
#define FASHION_MNIST_SIDE 28 /* pixels a side; load_fashion_mnist refuses other images */

/* train: the 60,000 training images, else the 10,000 test images. directory NULL: the
 * package's (or $ACTFN_FASHION_MNIST). false with the reason (naming the package when the
 * files are missing; the size when the images are not 28 x 28, or none) in error. */
bool load_fashion_mnist(const char *directory, bool train, dataset *out, char *error,
                        size_t error_size);
/* Labels file + images file as one set (also for tests on small IDX files). */
bool load_idx_pair(const char *images, const char *labels, dataset *out, char *error,
                   size_t error_size);

/* Two interleaved spirals (2 classes) and a 4 x 4 checkerboard (2 classes) in [-1, 1]^2. */
void make_spirals(size_t count, uint64_t seed, dataset *out);
void make_checkerboard(size_t count, uint64_t seed, dataset *out);

/* A regression task from 28 x 28 images: the top half's 392 pixels as inputs, the
 * bottom half's 392 as targets, each target (pixel - shift[j]) * gain[j] for pixel j of
 * the bottom half (a scaling); the labels are kept. */
void make_lower_half_task(const dataset *images, const double *shift, const double *gain,
                          dataset *out);

/* The first count rows (a view: frees nothing). */
dataset dataset_head(const dataset *d, size_t count);
/* Rows start .. start + count - 1, clipped to the set (a view: frees nothing). */
dataset dataset_slice(const dataset *d, size_t start, size_t count);
void dataset_free(dataset *d);

/* A small fast generator for shuffles, initialisation and the built-in sets. */
uint64_t random_next(uint64_t *state);
double random_uniform(uint64_t *state); /* [0, 1) */
double random_normal(uint64_t *state);

#endif
