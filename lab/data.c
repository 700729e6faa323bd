/* SPDX-License-Identifier: MIT */
#include "data.h"

#include "idx.h"

#include <math.h>

static const double PI = 3.14159265358979323846;
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t random_next(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double random_uniform(uint64_t *state) {
    return (double)(random_next(state) >> 11) * 0x1p-53;
}

double random_normal(uint64_t *state) { /* Box-Muller */
    double u = random_uniform(state), v = random_uniform(state);
    return sqrt(-2 * log(1 - u)) * cos(2 * PI * v);
}

bool load_idx_pair(const char *images, const char *labels, dataset *out, char *error,
                   size_t error_size) {
    memset(out, 0, sizeof *out);
    idx_file image_file, label_file;
    if (!idx_read(images, 3, &image_file, error, error_size)) return false;
    if (!idx_read(labels, 1, &label_file, error, error_size)) {
        idx_free(&image_file);
        return false;
    }
    if (image_file.sizes[0] != label_file.sizes[0]) {
        snprintf(error, error_size, "%s has %u images but %s has %u labels", images,
                 image_file.sizes[0], labels, label_file.sizes[0]);
        idx_free(&image_file), idx_free(&label_file);
        return false;
    }
    for (size_t i = 0; i < label_file.bytes; i++)
        if (label_file.data[i] > 9) {
            snprintf(error, error_size, "%s: label %u at %zu is not a class 0-9", labels,
                     label_file.data[i], i);
            idx_free(&image_file), idx_free(&label_file);
            return false;
        }
    out->count = image_file.sizes[0];
    out->features = (size_t)image_file.sizes[1] * image_file.sizes[2];
    out->classes = 10;
    out->x = malloc(image_file.bytes * sizeof *out->x + 1);
    out->label = label_file.data; /* taken over */
    if (out->x == NULL) {
        snprintf(error, error_size, "out of memory for %zu images", out->count);
        idx_free(&image_file), idx_free(&label_file);
        return false;
    }
    for (size_t i = 0; i < image_file.bytes; i++)
        out->x[i] = (float)image_file.data[i] / 255.0f;
    idx_free(&image_file);
    return true;
}

bool load_fashion_mnist(const char *directory, bool train, dataset *out, char *error,
                        size_t error_size) {
    memset(out, 0, sizeof *out);
    if (directory == NULL) directory = getenv("ACTFN_FASHION_MNIST");
    if (directory == NULL) directory = FASHION_MNIST_DIR;
    char images[1024], labels[1024];
    const char *part = train ? "train" : "t10k";
    snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte.gz", directory, part);
    snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", directory, part);
    if (access(images, R_OK) != 0 || access(labels, R_OK) != 0) {
        snprintf(error, error_size,
                 "Fashion-MNIST is not in %s: install Debian's package dataset-fashion-mnist "
                 "(apt-get install dataset-fashion-mnist)",
                 directory);
        return false;
    }
    if (!load_idx_pair(images, labels, out, error, error_size)) return false;
    /* the networks take 28 x 28 = 784 inputs: other images would be read past their end
     * (2 x 2) or train on garbage (40 x 40) */
    if (out->features != FASHION_MNIST_SIDE * FASHION_MNIST_SIDE || out->count == 0) {
        snprintf(error, error_size,
                 "%s: %zu images of %zu pixels, not Fashion-MNIST's %d x %d images", images,
                 out->count, out->features, FASHION_MNIST_SIDE, FASHION_MNIST_SIDE);
        dataset_free(out);
        return false;
    }
    return true;
}

static void allocate(dataset *out, size_t count) {
    memset(out, 0, sizeof *out);
    out->count = count;
    out->features = 2;
    out->classes = 2;
    out->x = malloc(count * 2 * sizeof *out->x + 1);
    out->label = malloc(count + 1);
    if (out->x == NULL || out->label == NULL) abort();
}

void make_spirals(size_t count, uint64_t seed, dataset *out) {
    allocate(out, count);
    for (size_t i = 0; i < count; i++) {
        unsigned c = (unsigned)(i & 1);
        double t = random_uniform(&seed) * 3 * PI + 0.3; /* 1.5 turns */
        double r = t / (3 * PI + 0.3);
        double angle = t + c * PI;
        out->x[2 * i] = (float)(r * cos(angle) + 0.02 * random_normal(&seed));
        out->x[2 * i + 1] = (float)(r * sin(angle) + 0.02 * random_normal(&seed));
        out->label[i] = (uint8_t)c;
    }
}

void make_checkerboard(size_t count, uint64_t seed, dataset *out) {
    allocate(out, count);
    for (size_t i = 0; i < count; i++) {
        double u = random_uniform(&seed) * 2 - 1, v = random_uniform(&seed) * 2 - 1;
        int cell = (int)floor((u + 1) * 2) + (int)floor((v + 1) * 2);
        out->x[2 * i] = (float)u;
        out->x[2 * i + 1] = (float)v;
        out->label[i] = (uint8_t)(cell & 1);
    }
}

void make_lower_half_task(const dataset *images, const double *shift, const double *gain,
                          dataset *out) {
    size_t half = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE / 2, n = images->count;
    if (images->features != 2 * half) abort();
    memset(out, 0, sizeof *out);
    out->count = n, out->features = half, out->classes = images->classes, out->targets = half;
    out->x = malloc(n * half * sizeof *out->x + 1);
    out->target = malloc(n * half * sizeof *out->target + 1);
    out->label = malloc(n + 1);
    if (out->x == NULL || out->target == NULL || out->label == NULL) abort();
    for (size_t i = 0; i < n; i++) {
        const float *image = images->x + i * 2 * half;
        memcpy(out->x + i * half, image, half * sizeof *image);
        for (size_t j = 0; j < half; j++)
            out->target[i * half + j] = (float)(((double)image[half + j] - shift[j]) * gain[j]);
        out->label[i] = images->label[i];
    }
}

dataset dataset_head(const dataset *d, size_t count) {
    dataset head = *d;
    if (count < d->count) head.count = count;
    return head;
}

dataset dataset_slice(const dataset *d, size_t start, size_t count) {
    dataset slice = *d;
    if (start > d->count) start = d->count;
    if (count > d->count - start) count = d->count - start;
    slice.count = count;
    slice.x = d->x + start * d->features;
    slice.label = d->label + start;
    if (d->target != NULL) slice.target = d->target + start * d->targets;
    return slice;
}

void dataset_free(dataset *d) {
    free(d->x);
    free(d->label);
    free(d->target);
    memset(d, 0, sizeof *d);
}
