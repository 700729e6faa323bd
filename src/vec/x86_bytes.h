/* SPDX-License-Identifier: MIT */
/* The byte operations of the quantized ops on x86 with AVX2 (256-bit vpshufb, vpminub):
 * shared by the AVX2 and the AVX-512 vector layers (byte shuffles on 512 bits would need
 * AVX-512BW, which the AVX-512F kernels do not require). Included by avx2.h and avx512.h
 * only. */
#ifndef ACTFN_VEC_X86_BYTES_H
#define ACTFN_VEC_X86_BYTES_H

#include <immintrin.h>
#include <stdint.h>

/* y[i] = table[x[i]] for 32 bytes: two halves of 128 entries, each eight 16-entry
 * vpshufb lookups over the index minus 16k, whose results XOR-telescope (the tables are
 * passed as differences of neighbours, byte_tables_init below): vpshufb gives 0 where the
 * index went negative. The half is chosen by the index's top bit. */
typedef struct byte_tables {
    __m256i low[8], high[8]; /* differences T_k ^ T_(k-1) of the 16-byte rows, twice */
} byte_tables;
static inline void byte_tables_init(byte_tables *t, const uint8_t table[256]) {
    for (int half = 0; half < 2; half++) {
        __m128i previous = _mm_setzero_si128();
        for (int k = 0; k < 8; k++) {
            __m128i row = _mm_loadu_si128((const __m128i *)(table + half * 128 + k * 16));
            (half ? t->high : t->low)[k] =
                _mm256_broadcastsi128_si256(_mm_xor_si128(row, previous));
            previous = row;
        }
    }
}
static inline __m256i byte_lookup_half(const __m256i rows[8], __m256i index) {
    __m256i result = _mm256_setzero_si256(), sixteen = _mm256_set1_epi8(16);
    for (int k = 0; k < 8; k++) {
        result = _mm256_xor_si256(result, _mm256_shuffle_epi8(rows[k], index));
        index = _mm256_sub_epi8(index, sixteen);
    }
    return result;
}
static inline void bytes_lookup(const byte_tables *t, const uint8_t *x, uint8_t *y, int stream) {
    __m256i index = _mm256_loadu_si256((const __m256i *)x);
    __m256i low_index = index, high_index = _mm256_xor_si256(index, _mm256_set1_epi8((char)0x80));
    __m256i low = byte_lookup_half(t->low, low_index), high = byte_lookup_half(t->high, high_index);
    __m256i result = _mm256_blendv_epi8(low, high, index);
    if (stream)
        _mm256_stream_si256((__m256i *)y, result);
    else
        _mm256_storeu_si256((__m256i *)y, result);
}
#define BYTE_LANES 32

/* y[i] = min(max(x[i] ^ flip, low), high) ^ flip for BYTE_LANES bytes (unsigned order;
 * flip = 0x80 turns signed bytes into it). */
static inline void bytes_clamp(const uint8_t *x, uint8_t *y, uint8_t low, uint8_t high,
                               uint8_t flip, int stream) {
    __m256i f = _mm256_set1_epi8((char)flip);
    __m256i v = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)x), f);
    v = _mm256_min_epu8(_mm256_max_epu8(v, _mm256_set1_epi8((char)low)),
                        _mm256_set1_epi8((char)high));
    if (stream)
        _mm256_stream_si256((__m256i *)y, _mm256_xor_si256(v, f));
    else
        _mm256_storeu_si256((__m256i *)y, _mm256_xor_si256(v, f));
}

#endif
