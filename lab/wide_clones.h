/* SPDX-License-Identifier: MIT */
/* WIDE_CLONES before a function definition: GCC compiles it for AVX-512 and AVX2 as well
 * and picks the clone at load time (function multi-versioning), for the lab's hot plain-C
 * loops. Empty elsewhere: clang 14 emits no dispatcher for a clone set its own file does
 * not call (it failed to link), so clang builds the plain loop. */
#ifndef ACTFN_LAB_WIDE_CLONES_H
#define ACTFN_LAB_WIDE_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDE_CLONES
#endif

#endif
