/* SPDX-License-Identifier: MIT */
/* actfn info: the version, the instruction set the kernels run on, what the CPU has,
 * and the threads a call may use. */
#include "actfn.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* The CPU's SIMD features from CPUID (what the processor has; the dispatcher also
 * checks that the OS saves the wide registers before it uses them). */
static void print_cpu_features(void) {
    unsigned a, b, c, d;
    fputs("cpu features:", stdout);
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        if (d & (1u << 26)) fputs(" sse2", stdout);
        if (c & (1u << 20)) fputs(" sse4.2", stdout);
        if (c & (1u << 28)) fputs(" avx", stdout);
        if (c & (1u << 12)) fputs(" fma", stdout);
        if (c & (1u << 29)) fputs(" f16c", stdout);
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if (b & (1u << 5)) fputs(" avx2", stdout);
        if (b & (1u << 16)) fputs(" avx512f", stdout);
        if (b & (1u << 30)) fputs(" avx512bw", stdout);
        if (b & (1u << 31)) fputs(" avx512vl", stdout);
        if (c & (1u << 1)) fputs(" avx512vbmi", stdout);
    }
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 5))) fputs(" avx512bf16", stdout);
    putchar('\n');
}
#elif defined(__aarch64__)
static void print_cpu_features(void) {
    puts("cpu features: neon (asimd)");
}
#else
static void print_cpu_features(void) {
    puts("cpu features: (not detected on this architecture)");
}
#endif

int command_info(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: actfn info [--isa]\n\nPrints the version, the instruction set the kernels "
             "run on (capped by ACTFN_ISA), the CPU's SIMD features and the number of threads "
             "a call may use (ACTFN_NUM_THREADS). --isa prints the instruction set alone.");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--isa") == 0) {
        puts(actfn_isa());
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "actfn info: unexpected argument '%s'\n", argv[1]);
        return EXIT_USAGE;
    }
    printf("actfn %s\nisa: %s\n", actfn_version(), actfn_isa());
    print_cpu_features();
    printf("threads: %d\nops: %d\n", actfn_get_num_threads(), (int)ACTFN_KIND_COUNT);
    return 0;
}
