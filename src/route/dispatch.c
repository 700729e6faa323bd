/* SPDX-License-Identifier: MIT */
#include "route/dispatch.h"
#include "route/threads.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[ISA_COUNT] = {"scalar", "sse2", "avx2", "avx512", "neon"};

static kernel_table tables[ISA_COUNT];
static bool available[ISA_COUNT];
static isa active = ISA_SCALAR;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__) && defined(ACTFN_HAVE_X86_KERNELS)
/* F16C (the AVX2 kernels' f16 conversions), from CPUID: GCC 12's __builtin_cpu_supports
 * does not report it. Every AVX2 CPU has it; the check keeps a hypothetical one out. */
static bool has_f16c(void) {
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
}
#endif

static void detect(void) {
    available[ISA_SCALAR] = true;
#if defined(__x86_64__) && defined(ACTFN_HAVE_X86_KERNELS)
    __builtin_cpu_init();
    available[ISA_SSE2] = true; /* the x86-64 baseline */
    /* __builtin_cpu_supports also checks that the OS saves the wider registers. */
    available[ISA_AVX2] =
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
    /* AVX-512 F and DQ: every AVX-512 CPU but the Xeon Phi, which takes the AVX2 kernels */
    available[ISA_AVX512] = available[ISA_AVX2] && __builtin_cpu_supports("avx512f") &&
                            __builtin_cpu_supports("avx512dq");
    fill_kernel_table_sse2(&tables[ISA_SSE2]);
    if (available[ISA_AVX2]) fill_kernel_table_avx2(&tables[ISA_AVX2]);
    if (available[ISA_AVX512]) fill_kernel_table_avx512(&tables[ISA_AVX512]);
    /* the quantized lookups 64 bytes at a time (vpermi2b) and the 16-bit relu on 32
     * words where the CPU has VBMI and BW */
    if (available[ISA_AVX512] && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi")) {
        fill_byte_lookup_avx512vbmi(&tables[ISA_AVX512]);
        fill_narrow_relu_avx512vbmi(&tables[ISA_AVX512]);
    }
    if (available[ISA_AVX512] && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512bf16"))
        fill_narrow_conversions_avx512bf16(&tables[ISA_AVX512]);
#elif defined(__aarch64__) && defined(ACTFN_HAVE_NEON_KERNELS)
    available[ISA_NEON] = true; /* Advanced SIMD is part of every AArch64 CPU */
    fill_kernel_table_neon(&tables[ISA_NEON]);
#endif
}

static void choose(void) {
    detect();
    for (int which = ISA_COUNT - 1; which >= 0; which--) {
        if (available[which]) {
            active = (isa)which;
            break;
        }
    }
    (void)thread_count(); /* ACTFN_NUM_THREADS is read, and a bad value named, now too */
    /* ACTFN_ISA caps the choice, for testing and comparison; a name this CPU cannot run
     * leaves the best available one below it, and an unknown name (or an empty one)
     * changes nothing but says so on stderr, once (this runs once). */
    const char *cap = getenv("ACTFN_ISA");
    if (cap == NULL) return;
    for (int which = 0; which < ISA_COUNT; which++) {
        if (strcmp(cap, names[which]) == 0) {
            while (which > 0 && !available[which])
                which--;
            if ((isa)which < active) active = (isa)which;
            return;
        }
    }
    fprintf(stderr,
            "actfn: ACTFN_ISA=%s is not one of scalar, sse2, avx2, avx512, neon; using %s, "
            "the best this CPU runs\n",
            cap, names[active]);
}

/* Set once the choice is made: every later call reads one pointer instead of going
 * through pthread_once. */
static _Atomic(const kernel_table *) chosen_table;

const kernel_table *active_kernels(void) {
    const kernel_table *table = atomic_load_explicit(&chosen_table, memory_order_acquire);
    if (table != NULL) return table;
    pthread_once(&once, choose);
    atomic_store_explicit(&chosen_table, &tables[active], memory_order_release);
    return &tables[active];
}

const char *actfn_isa(void) {
    pthread_once(&once, choose);
    return names[active];
}

bool isa_available(isa which) {
    pthread_once(&once, choose);
    return (unsigned)which < ISA_COUNT && available[which];
}

const char *isa_name(isa which) {
    return (unsigned)which < ISA_COUNT ? names[which] : "unknown";
}

const kernel_table *kernels_of(isa which) {
    return isa_available(which) ? &tables[which] : NULL;
}

/* Each SIMD ISA's own functions, from its kernel sources; NULL where this build has
 * none. */
typedef struct isa_kernels {
    const kernel_choice *(*choice)(void);
    void (*family)(kernel_family family, kernel_table *table);
} isa_kernels;

static isa_kernels kernels_for(isa which) {
    switch (which) {
#if defined(__x86_64__) && defined(ACTFN_HAVE_X86_KERNELS)
    case ISA_SSE2:
        return (isa_kernels){kernel_choice_sse2, fill_kernel_family_sse2};
    case ISA_AVX2:
        return (isa_kernels){kernel_choice_avx2, fill_kernel_family_avx2};
    case ISA_AVX512:
        return (isa_kernels){kernel_choice_avx512, fill_kernel_family_avx512};
#elif defined(__aarch64__) && defined(ACTFN_HAVE_NEON_KERNELS)
    case ISA_NEON:
        return (isa_kernels){kernel_choice_neon, fill_kernel_family_neon};
#endif
    default:
        return (isa_kernels){NULL, NULL};
    }
}

const kernel_choice *kernel_choice_of(isa which) {
    isa_kernels k = kernels_for(which);
    return isa_available(which) && k.choice != NULL ? k.choice() : NULL;
}

bool kernel_family_of(isa which, kernel_family family, kernel_table *table) {
    isa_kernels k = kernels_for(which);
    if (!isa_available(which) || k.family == NULL) return false;
    k.family(family, table);
    return true;
}
