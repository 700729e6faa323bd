/* SPDX-License-Identifier: MIT */
#include "sampling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t sample_next(uint64_t *state) {
    /* xorshift64*: fixed seeds give the same sample on every machine. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

double sample_uniform(uint64_t *state, double low, double high) {
    return low + (high - low) * ((double)(sample_next(state) >> 11) * 0x1p-53);
}

typedef struct builder {
    sample_set set;
    size_t capacity;
    actfn_dtype dtype;
} builder;

static void add(builder *b, double value) {
    value = b->dtype == ACTFN_F32 ? (double)(float)value : value;
    if (!isfinite(value)) return;
    if (b->set.count == b->capacity) {
        b->capacity = b->capacity ? 2 * b->capacity : 4096;
        b->set.values = realloc(b->set.values, b->capacity * sizeof *b->set.values);
    }
    b->set.values[b->set.count++] = value;
}

static void add_uniform(builder *b, uint64_t *state, size_t count, double low, double high) {
    for (size_t i = 0; i < count; i++)
        add(b, sample_uniform(state, low, high));
}

/* Consecutive representable values around center: where a single ULP matters. */
static void add_neighbours(builder *b, double center, int count) {
    if (b->dtype == ACTFN_F32) {
        float up = (float)center, down = (float)center;
        for (int i = 0; i < count; i++) {
            add(b, up), add(b, down);
            up = nextafterf(up, INFINITY), down = nextafterf(down, -INFINITY);
        }
    } else {
        double up = center, down = center;
        for (int i = 0; i < count; i++) {
            add(b, up), add(b, down);
            up = nextafter(up, INFINITY), down = nextafter(down, -INFINITY);
        }
    }
}

/* Random bit patterns: every exponent, subnormals, the largest values. */
static void add_random_bits(builder *b, uint64_t *state, size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint64_t bits = sample_next(state);
        if (b->dtype == ACTFN_F32) {
            uint32_t narrow = (uint32_t)bits;
            float value;
            memcpy(&value, &narrow, sizeof value);
            add(b, value);
        } else {
            double value;
            memcpy(&value, &bits, sizeof value);
            add(b, value);
        }
    }
}

/* Log-uniform magnitudes from 2^low_exponent to 2^high_exponent, both signs. */
static void add_log_uniform(builder *b, uint64_t *state, size_t count, double low_exponent,
                            double high_exponent) {
    for (size_t i = 0; i < count; i++) {
        double magnitude = exp2(sample_uniform(state, low_exponent, high_exponent));
        add(b, (sample_next(state) & 1) ? magnitude : -magnitude);
    }
}

static size_t scaled(size_t count) {
    const char *text = getenv("ACTFN_SAMPLE_SCALE");
    double scale = text != NULL ? atof(text) : 1.0;
    size_t result = (size_t)(count * (scale > 0 ? scale : 1.0));
    return result > 0 ? result : 1;
}

/* Where the derivatives of gelu, gelu_tanh, silu and mish cross zero, found by bisection
 * in MPFR; the derivative's relative accuracy is hardest there. */
const double derivative_zeros[DERIVATIVE_ZERO_COUNT] = {-0.7517915634, -0.7522, -1.2784645428,
                                                        -1.1924};

sample_set make_samples(actfn_kind kind, actfn_dtype dtype) {
    builder b = {.dtype = dtype};
    uint64_t state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)kind << 32) ^ (uint64_t)dtype;
    int is_f32 = dtype == ACTFN_F32;
    add_random_bits(&b, &state, scaled(2000));
    add_uniform(&b, &state, scaled(2000), -40, 40);
    add_uniform(&b, &state, scaled(1000), -6, 6);
    add_log_uniform(&b, &state, scaled(1000), is_f32 ? -149 : -1074, 7);
    /* The far left, where exp(x) and the results become subnormal, then vanish. */
    if (is_f32)
        add_uniform(&b, &state, scaled(1000), -110, -8);
    else
        add_uniform(&b, &state, scaled(1000), -770, -30);
    add_uniform(&b, &state, scaled(300), 8, is_f32 ? 100 : 750);
    static const double kinks[] = {0, -3, 3, 6, -1, 1, 20, -20};
    for (size_t i = 0; i < sizeof kinks / sizeof *kinks; i++)
        add_neighbours(&b, kinks[i], (int)scaled(40));
    for (size_t i = 0; i < DERIVATIVE_ZERO_COUNT; i++) {
        add_neighbours(&b, derivative_zeros[i], (int)scaled(300));
        add_uniform(&b, &state, scaled(200), derivative_zeros[i] - 1e-3,
                    derivative_zeros[i] + 1e-3);
        add_uniform(&b, &state, scaled(200), derivative_zeros[i] - 0.5, derivative_zeros[i] + 0.5);
    }
    return b.set;
}

void free_samples(sample_set *samples) {
    free(samples->values);
    samples->values = NULL;
    samples->count = 0;
}
