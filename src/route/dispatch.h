/* SPDX-License-Identifier: MIT */
/* Choosing the kernels: CPU features detected once, the best ISA picked, capped by the
 * environment variable ACTFN_ISA. Holds no arithmetic. */
#ifndef ACTFN_DISPATCH_H
#define ACTFN_DISPATCH_H

#include "kernels/kernel_table.h"

#include <stdbool.h>

typedef enum isa { ISA_SCALAR, ISA_SSE2, ISA_AVX2, ISA_AVX512, ISA_NEON, ISA_COUNT } isa;

/* The table of the ISA in use; entries left NULL fall back to the scalar reference. */
const kernel_table *active_kernels(void);

/* For tests and benchmarks: whether this CPU (and this build) can run an ISA, its name,
 * and its table (NULL when it cannot run). */
bool isa_available(isa which);
const char *isa_name(isa which);
const kernel_table *kernels_of(isa which);
/* For the test that each ISA's table holds what its declared choice says: the choice,
 * and every kernel of one family (false, table untouched, when the ISA cannot run). */
const kernel_choice *kernel_choice_of(isa which);
bool kernel_family_of(isa which, kernel_family family, kernel_table *table);

#endif
