/* SPDX-License-Identifier: MIT */
/* The vector layer: the small vocabulary every SIMD kernel is written against, defined
 * once per ISA (sse2.h, avx2.h, avx512.h, neon.h) with the same meaning everywhere, and
 * once for CUDA (cuda_lane.h: one lane a thread, for the GPU kernels' bodies).
 * Exactly one ACTFN_VEC_<ISA> macro selects the header; the kernels in src/kernels/ are
 * compiled once per ISA with it.
 *
 * Types: vf (floats, VF_LANES of them), vd (doubles, VD_LANES), and their comparison
 * masks mf and md. For each of vf / vd (prefix vf_ / vd_):
 *   load(p), store(p, v)             unaligned, whole vector
 *   load_tail(p, n), store_tail(p, v, n)
 *                                    the first n < LANES elements only; nothing outside
 *                                    them is read or written (masked, or through a
 *                                    buffer where the ISA has no masked access); lanes
 *                                    past n load as +0
 *   zero(), set1(x)
 *   add, sub, mul, div               IEEE, correctly rounded, no flush to zero
 *   vd_sqrt(a)                       IEEE square root, correctly rounded (-0 stays -0,
 *                                    NaN below -0)
 *   fma(a, b, c)                     a * b + c rounded once; on SSE2, which has no fused
 *                                    multiply-add, rounded twice (kernels that must be
 *                                    bit-exact do not use it)
 *   fnma(a, b, c)                    c - a * b, rounded as fma
 *   gt, lt, eq, ge, le (a, b)        the ordered comparison: false where either is NaN
 *   not_le(a, b)                     !(a <= b): a > b, or either is NaN
 *   is_nan(a)
 *   select(m, a, b)                  m ? a : b, lane by lane; a and b pass unchanged,
 *                                    NaN payloads and the sign of zero included
 *   positive_part(a)                 a where a > 0 or NaN (unchanged, payload and all),
 *                                    else +0: relu, -0 to +0 (one instruction on AVX-512)
 * and for masks (mf_ / md_): or, and, andnot(a, b) = a & !b.
 * For large arrays (vf_ / vd_):
 *   store_stream(p, v)               a non-temporal store, bypassing the caches; p must be
 *                                    aligned to VEC_BYTES (on NEON an ordinary store)
 *   stream_fence()                   orders the streamed stores before later stores
 * For the f32 ops computed in float lanes (src/kernels/float_math.h):
 *   VEC_HAS_FMA                      1 where vf_fma rounds once (all but SSE2); the
 *                                    compensated float kernels need it
 *   mf_any(m)                        nonzero if any lane of m is set
 *   mf_to_bits(m), md_to_bits(m)     bit i set where lane i of m is
 *   vf_mask_from_bits(b), vd_mask_from_bits(b)
 *                                    the mask whose lane i is set where bit i of b is
 *   vf_neg(a)                        -a, the sign bit flipped (-0 from +0; a compiler's
 *                                    negation, which it folds into an fma as fms/fnma)
 *   vf_abs(a)                        |a|, the sign bit cleared
 *   vf_minus_abs(a)                  -|a|, the sign bit set
 *   vf_exp2_integer(k)               2^k exactly, for k integer-valued in [-126, 127]
 *   vf_table8_load(t), vf_lookup8(table, index)
 *                                    an 8-float table, and t[bits & 7] per lane, bits
 *                                    the index lane's bit pattern (one permute on AVX2
 *                                    and AVX-512)
 *   vf_table16_load(t), vf_lookup16(table, index)
 *                                    a 16-float table, and t[bits & 15] per lane, bits
 *                                    the index lane's bit pattern
 *   vf_table32_load(t), vf_lookup32(table, index)
 *                                    the same with 32 floats and bits & 31
 *   VEC_PREFERS_LOOKUP8              1 where vf_lookup8 is one instruction and
 *                                    vf_lookup16 three (AVX2): a kernel may halve its
 *                                    table there (float_math.h's exp)
 *   VEC_HAS_CHEAP_LOOKUP32           1 where vf_lookup32 is one instruction (AVX-512's
 *                                    vpermt2ps), as cheap as vf_lookup8: a kernel may
 *                                    then prefer more table pieces to a longer polynomial
 *                                    (on AVX2 it is seven, four vpermps and three blends)
 *   vf_table32_rows_load(rows, count), vf_lookup32_rows(&table, count, index, out)
 *                                    up to 8 rows of 32-float tables read at one index:
 *                                    out[r] = rows[r][bits & 31] for r < count (defined
 *                                    at the end of this file from vf_lookup32, where a
 *                                    layer has no faster way: avx2.h has)
 *   vf_from_bits(bits)               every lane with the bit pattern bits
 *   vf_bits_shift_left(a, count), vf_bits_shift_right(a, count), vf_bits_add(a, b)
 *                                    the lanes' bit patterns as 32-bit unsigned integers:
 *                                    shifted (count a constant; right is logical), added
 *   vf_reciprocal_estimate(a)        1/a within 2^-14 relative, for normal a
 *   vf_with_sign_of(a, s)            a with the sign bit of s (NaN payloads kept)
 *   at_least(a, low), at_most(a, high) (vf_ and vd_)
 *                                    max(a, low) and min(a, high), the bound not NaN: a
 *                                    NaN a stays NaN (the one max/min the ISAs agree on);
 *                                    where a and the bound are zeros of opposite signs
 *                                    the result's sign is the ISA's (x86: a's)
 *   VEC_HAS_SCALE_EXP2               1 where vf_scale_exp2(a, n) is one instruction, and
 *                                    vf_mantissa / vf_exponent split a float (AVX-512 only)
 *                                    (AVX-512's vscalefps), and only there defined:
 *                                    a 2^floor(n) rounded once, into the subnormals
 *                                    and to 0 or inf, for finite n; with it
 *   vf_mantissa(a), vf_exponent(a)   a as m 2^e (m in [1, 2) with a's sign, +-1 at +-0
 *                                    and +-inf; e -inf at 0, +inf at inf), subnormals
 *                                    normalized: vf_scale_exp2(m, e) is a again
 *   vf_minus_abs_at_least(a, low)    max(-|a|, low) for a float low < 0, and low where a
 *                                    is NaN (vrangeps)
 *   vf_where_negative_else_one(a, v) v where a < 0 (-inf included), +1 where a >= 0
 *                                    (either zero, +inf), a NaN where a is NaN
 *                                    (vfixupimmps): each one instruction, and AVX-512
 *                                    only (elsewhere they would take two to four, and
 *                                    the kernels compose what they need otherwise)
 * For f16 and bf16 (VF_LANES 16-bit values, whole vectors only), both rounding to
 * nearest even, keeping subnormals, NaN staying NaN:
 *   vf_load_f16(p), vf_store_f16(p, v), vf_load_bf16(p), vf_store_bf16(p, v)
 *   vf_round_f16(v), vf_round_bf16(v)  v rounded to the 16-bit type, as floats
 *   vf_store_bf16_pair_flushing(p, a, b)
 *                                    a then b (2 VF_LANES values) to bf16, as
 *                                    vf_store_bf16 except that float subnormals may
 *                                    give +-0 (AVX512-BF16's one instruction for 32
 *                                    values treats them as 0): for callers that redo
 *                                    those lanes
 * For quantized int8 / uint8 (a 256-entry table lookup, BYTE_LANES bytes at a time):
 *   byte_tables_init(&t, table)      prepares the table of 256 bytes for this ISA
 *   bytes_lookup(&t, x, y, stream)   y[i] = table[x[i]] for i < BYTE_LANES; stream: y by a
 *                                    non-temporal store, y aligned to BYTE_LANES (where
 *                                    the ISA has one; then stream_fence after the last)
 *   bytes_clamp(x, y, low, high, flip, stream)
 *                                    y[i] = min(max(x[i] ^ flip, low), high) ^ flip
 * For the f32 ops computed in double:
 *   vd_neg(a)                        -a, as vf_neg
 *   vd_abs(a)                        |a|, the sign bit cleared (NaN stays NaN)
 *   vd_exp2_integer(k)               2^k exactly, for k integer-valued in [-1022, 1023]
 *   vf_widen_low(v), vf_widen_high(v)
 *                                    the first / last VD_LANES floats of v, as doubles
 *   vf_narrow(low, high)             the inverse: the doubles rounded to nearest floats
 * For Maxout's pairs (vf_ and vd_; not in cuda_lane.h):
 *   deinterleave(a, b, &even, &odd) the even- and odd-indexed elements of a then b
 *   interleave(even, odd, &low, &high)
 *                                    the inverse: low then high hold even[0], odd[0], ...
 * For the f64 ops' 32-entry tables (not in cuda_lane.h):
 *   vd_column_of(a, shift)           per lane, a's bit pattern >> shift, mod 32 (vd_column)
 *   vd_lookup32(row, column)         row[column] per lane, row 32 doubles
 * No primitive has an unstated NaN or signed-zero behaviour: there is deliberately no
 * general max/min, whose NaN result differs between x86 (the second operand) and NEON
 * (NaN); vf_at_least and vf_at_most take the bound second, where both agree. */
#ifndef ACTFN_VEC_H
#define ACTFN_VEC_H

#include <stddef.h>
#include <stdint.h>

#if defined(ACTFN_VEC_AVX512)
#include "vec/avx512.h"
#elif defined(ACTFN_VEC_AVX2)
#include "vec/avx2.h"
#elif defined(ACTFN_VEC_SSE2)
#include "vec/sse2.h"
#elif defined(ACTFN_VEC_NEON)
#include "vec/neon.h"
#elif defined(ACTFN_VEC_CUDA_LANE)
#include "vec/cuda_lane.h"
#else
#error "compile the kernels with one of ACTFN_VEC_AVX512, _AVX2, _SSE2, _NEON, _CUDA_LANE"
#endif

/* Where a SIMD layer has no single instruction for it: two ordinary stores. */
#if !defined(VEC_HAS_BF16_PAIR) && !defined(ACTFN_VEC_CUDA_LANE)
static inline void vf_store_bf16_pair_flushing(uint16_t *p, vf a, vf b) {
    vf_store_bf16(p, a);
    vf_store_bf16(p + VF_LANES, b);
}
#endif

/* How the kernel bodies (the src/kernels/ headers ending in _body.h, float_math.h, vector_math.h)
 * declare their functions and file-scope tables, so that the same source compiles as device code
 * where a layer says so (cuda_lane.h: __device__). */
#ifndef VEC_FUNCTION
#define VEC_FUNCTION static inline
#endif
#ifndef VEC_TABLE
#define VEC_TABLE static const
#endif
/* Up to 8 rows of 32-float tables read at one index, where a layer has no faster way
 * (avx2.h has): a vf_lookup32 a row. */
#if !defined(VEC_HAS_TABLE32_ROWS)
typedef struct vf_table32_rows {
    vf_table32 row[8];
} vf_table32_rows;
VEC_FUNCTION vf_table32_rows vf_table32_rows_load(const float (*rows)[32], int count) {
    vf_table32_rows t;
    for (int r = 0; r < count; r++)
        t.row[r] = vf_table32_load(rows[r]);
    return t;
}
VEC_FUNCTION void vf_lookup32_rows(const vf_table32_rows *t, int count, vf index, vf *out) {
    for (int r = 0; r < count; r++)
        out[r] = vf_lookup32(t->row[r], index);
}
#endif
/* A loop unrolled n times (GCC's and clang's pragma here, nvcc's in cuda_lane.h). */
#define VEC_PRAGMA(text) _Pragma(#text)
#ifndef VEC_UNROLL
#define VEC_UNROLL(n) VEC_PRAGMA(GCC unroll n)
#endif

#endif
