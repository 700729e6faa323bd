/* SPDX-License-Identifier: MIT */
/* The byte operations of the quantized ops on AVX-512 with VBMI and BW: 64 bytes at a
 * time, the 256-entry table held in four registers. vpermi2b looks a byte up in 128 of
 * them by the index's low 7 bits; two such lookups give both halves, and the index's top
 * bit picks between them. Included by avx512.h where the compiler targets VBMI and BW
 * (byte_lookup.c's second AVX-512 build, chosen at run time on CPUs that have them). */
#ifndef ACTFN_VEC_X86_BYTES_VBMI_H
#define ACTFN_VEC_X86_BYTES_VBMI_H

#include <immintrin.h>
#include <stdint.h>

typedef struct byte_tables {
    __m512i quarter[4]; /* table[64k .. 64k + 63] */
} byte_tables;
static inline void byte_tables_init(byte_tables *t, const uint8_t table[256]) {
    for (int k = 0; k < 4; k++)
        t->quarter[k] = _mm512_loadu_si512(table + 64 * k);
}
static inline void bytes_lookup(const byte_tables *t, const uint8_t *x, uint8_t *y, int stream) {
    __m512i index = _mm512_loadu_si512(x);
    __m512i low = _mm512_permutex2var_epi8(t->quarter[0], index, t->quarter[1]);
    __m512i high = _mm512_permutex2var_epi8(t->quarter[2], index, t->quarter[3]);
    __m512i result = _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high);
    if (stream)
        _mm512_stream_si512((__m512i *)y, result);
    else
        _mm512_storeu_si512(y, result);
}
#define BYTE_LANES 64

/* y[i] = min(max(x[i] ^ flip, low), high) ^ flip for BYTE_LANES bytes (unsigned order;
 * flip = 0x80 turns signed bytes into it). */
static inline void bytes_clamp(const uint8_t *x, uint8_t *y, uint8_t low, uint8_t high,
                               uint8_t flip, int stream) {
    __m512i f = _mm512_set1_epi8((char)flip);
    __m512i v = _mm512_xor_si512(_mm512_loadu_si512(x), f);
    v = _mm512_min_epu8(_mm512_max_epu8(v, _mm512_set1_epi8((char)low)),
                        _mm512_set1_epi8((char)high));
    if (stream)
        _mm512_stream_si512((__m512i *)y, _mm512_xor_si512(v, f));
    else
        _mm512_storeu_si512(y, _mm512_xor_si512(v, f));
}

#endif
