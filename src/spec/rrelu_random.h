/* SPDX-License-Identifier: MIT */
/* rrelu's training slopes: 64 random bits of (seed, index) by a stateless counter-based
 * hash (SplitMix64's finalizer on the seed, then on the seed's mix xor the scrambled
 * index), so that any element can be drawn alone, and slope = lower + (upper - lower) u
 * with u from the top 53 bits. The scalar definition (layers/rrelu.c,
 * actfn_rrelu_slope) and the vector kernels (kernels/rrelu_kernels.c) share these
 * constants and this order of operations, so they give the same slopes bit for bit. */
#ifndef ACTFN_RRELU_RANDOM_H
#define ACTFN_RRELU_RANDOM_H

#include <stdint.h>

#define RRELU_MIX_FIRST    0xbf58476d1ce4e5b9ull
#define RRELU_MIX_SECOND   0x94d049bb133111ebull
#define RRELU_INDEX_FACTOR 0x9e3779b97f4a7c15ull
#define RRELU_INDEX_OFFSET 0x632be59bd9b4e019ull

static inline uint64_t rrelu_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * RRELU_MIX_FIRST;
    z = (z ^ (z >> 27)) * RRELU_MIX_SECOND;
    return z ^ (z >> 31);
}

/* key: rrelu_mix(seed), computed once a call */
static inline uint64_t rrelu_bits(uint64_t key, uint64_t index) {
    return rrelu_mix(key ^ (index * RRELU_INDEX_FACTOR + RRELU_INDEX_OFFSET));
}

/* lower + (upper - lower) u, u in [0, 1) from the top 53 bits (exact in a double) */
static inline double rrelu_slope_from_key(double lower, double upper, uint64_t key,
                                          uint64_t index) {
    double u = (double)(int64_t)(rrelu_bits(key, index) >> 11) * 0x1p-53;
    return lower + (upper - lower) * u;
}

#endif
