/* SPDX-License-Identifier: MIT */
/* Test inputs: random values over every region where an op is hard to get right. */
#ifndef ACTFN_SAMPLING_H
#define ACTFN_SAMPLING_H

#include "actfn.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sample_set {
    double *values; /* each exactly representable in the dtype it was made for */
    size_t count;
} sample_set;

/* Where the derivatives of gelu, gelu_tanh, silu and mish cross zero (to ~1e-4). */
#define DERIVATIVE_ZERO_COUNT 4
extern const double derivative_zeros[DERIVATIVE_ZERO_COUNT];

uint64_t sample_next(uint64_t *state);
double sample_uniform(uint64_t *state, double low, double high);

/* The sample for one op in one dtype; the size scales with the environment variable
 * ACTFN_SAMPLE_SCALE (default 1). */
sample_set make_samples(actfn_kind kind, actfn_dtype dtype);
void free_samples(sample_set *samples);

#endif
