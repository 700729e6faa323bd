/* SPDX-License-Identifier: MIT */
/* The kernel table of one ISA: which kernel family serves each op, dtype and direction,
 * declared once below, and the table built from it. The families fill separate tables,
 * so no family's kernel can hide another's by the order they are filled in. */
#include "kernels/kernel_template.h"

#include <string.h>

void ISA_FUNCTION(fill_piecewise_family)(kernel_table *table);
void ISA_FUNCTION(fill_double_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_gelu_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_hard_float_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_hard_f64_family)(kernel_table *table);
void ISA_FUNCTION(fill_gelu_f64_family)(kernel_table *table);
void ISA_FUNCTION(fill_fast_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_fast_gelu_family)(kernel_table *table);
void ISA_FUNCTION(fill_f64_lane_family)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_conversions)(kernel_table *table);
void ISA_FUNCTION(fill_narrow_relu)(kernel_table *table);
void ISA_FUNCTION(fill_byte_lookup)(kernel_table *table);
void ISA_FUNCTION(fill_rrelu_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_mask_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_maxout_kernels)(kernel_table *table);

/* The smooth f32 forwards in float lanes where the fma rounds once (every ISA but SSE2),
 * 2-3x faster than the double-lane ones at the same 1-ULP bound (docs/accuracy.md). */
#if VEC_HAS_FMA
#define SMOOTH_F32 FAMILY_FLOAT_LANES
#else
#define SMOOTH_F32 FAMILY_DOUBLE_LANES
#endif
#define PIECEWISE FAMILY_PIECEWISE
#define DOUBLE    FAMILY_DOUBLE_LANES
/* hardsigmoid and hardswish, f32, correctly rounded in float lanes where the fma rounds
 * once (hard.c; its f64 kernels are in F64_OPS); the reference on SSE2. Left out: the
 * reference (the f64 ops that F64_OPS does not list). */
#if VEC_HAS_FMA
#define HARD_F32 FAMILY_FLOAT_LANES
#else
#define HARD_F32 FAMILY_REFERENCE
#endif
#define HARD_F32_OPS [ACTFN_HARDSIGMOID] = HARD_F32, [ACTFN_HARDSWISH] = HARD_F32
#define PIECEWISE_OPS                                                                              \
    [ACTFN_IDENTITY] = PIECEWISE, [ACTFN_RELU] = PIECEWISE, [ACTFN_LEAKY_RELU] = PIECEWISE,        \
    [ACTFN_RELU6] = PIECEWISE, [ACTFN_CLIPPED_RELU] = PIECEWISE, [ACTFN_HARDTANH] = PIECEWISE,     \
    [ACTFN_SQUARED_RELU] = PIECEWISE, [ACTFN_HARDSHRINK] = PIECEWISE,                              \
    [ACTFN_SOFTSHRINK] = PIECEWISE, [ACTFN_THRESHOLD] = PIECEWISE, [ACTFN_RRELU] = PIECEWISE

/* The ops with only double-lane f32 kernels, in both tiers (logsigmoid's forward has a
 * fast one too). */
#define DOUBLE_LANE_ONLY                                                                           \
    [ACTFN_SOFTSIGN] = DOUBLE, [ACTFN_TANHSHRINK] = DOUBLE, [ACTFN_SQUAREPLUS] = DOUBLE
#define SMOOTH_F32_FORWARDS                                                                        \
    DOUBLE_LANE_ONLY,                                                                              \
        [ACTFN_LOGSIGMOID] = SMOOTH_F32, [ACTFN_SIGMOID] = SMOOTH_F32, [ACTFN_SILU] = SMOOTH_F32,  \
        [ACTFN_TANH] = SMOOTH_F32, [ACTFN_ELU] = SMOOTH_F32, [ACTFN_SELU] = SMOOTH_F32,            \
        [ACTFN_CELU] = SMOOTH_F32, [ACTFN_GELU] = SMOOTH_F32, [ACTFN_GELU_TANH] = SMOOTH_F32,      \
        [ACTFN_MISH] = SMOOTH_F32, [ACTFN_SOFTPLUS] = SMOOTH_F32
#define SMOOTH_F32_BACKWARDS                                                                       \
    DOUBLE_LANE_ONLY,                                                                              \
        [ACTFN_LOGSIGMOID] = SMOOTH_F32, [ACTFN_SIGMOID] = SMOOTH_F32, [ACTFN_TANH] = SMOOTH_F32,  \
        [ACTFN_SILU] = SMOOTH_F32, [ACTFN_SOFTPLUS] = SMOOTH_F32, [ACTFN_ELU] = SMOOTH_F32,        \
        [ACTFN_SELU] = SMOOTH_F32, [ACTFN_GELU] = SMOOTH_F32, [ACTFN_CELU] = SMOOTH_F32,           \
        [ACTFN_MISH] = DOUBLE, [ACTFN_GELU_TANH] = DOUBLE
/* The fast tier's own kernels where the fma rounds once; the accurate ones elsewhere. */
#if VEC_HAS_FMA
#define FAST FAMILY_FAST_LANES
#define FAST_F32_FORWARDS                                                                          \
    DOUBLE_LANE_ONLY, [ACTFN_LOGSIGMOID] = FAST, [ACTFN_SIGMOID] = FAST, [ACTFN_SILU] = FAST,      \
                      [ACTFN_TANH] = FAST, [ACTFN_ELU] = FAST, [ACTFN_SELU] = FAST,                \
                      [ACTFN_CELU] = FAST, [ACTFN_GELU] = FAST, [ACTFN_GELU_TANH] = FAST,          \
                      [ACTFN_MISH] = FAST, [ACTFN_SOFTPLUS] = FAST,                                \
                      [ACTFN_HARDSIGMOID] = HARD_F32, [ACTFN_HARDSWISH] = FAST
#define FAST_F32_BACKWARDS                                                                         \
    DOUBLE_LANE_ONLY, [ACTFN_LOGSIGMOID] = SMOOTH_F32, [ACTFN_SIGMOID] = FAST,                     \
                      [ACTFN_TANH] = FAST, [ACTFN_SILU] = FAST, [ACTFN_SOFTPLUS] = FAST,           \
                      [ACTFN_ELU] = FAST, [ACTFN_SELU] = FAST, [ACTFN_CELU] = FAST,                \
                      [ACTFN_GELU] = FAST, [ACTFN_MISH] = FAST, [ACTFN_GELU_TANH] = FAST,          \
                      [ACTFN_HARDSIGMOID] = HARD_F32, [ACTFN_HARDSWISH] = FAST
#else
#define FAST_F32_FORWARDS  SMOOTH_F32_FORWARDS, HARD_F32_OPS
#define FAST_F32_BACKWARDS SMOOTH_F32_BACKWARDS, HARD_F32_OPS
#endif

/* The f64 smooth ops in double lanes (smooth_f64.c, gelu_f64.c, hard.c) where the fma
 * rounds once; the reference elsewhere, and for the f64 ops not listed. */
#if VEC_HAS_FMA
#define F64_LANES FAMILY_F64_LANES
#define F64_OPS                                                                                    \
    [ACTFN_SIGMOID] = F64_LANES, [ACTFN_SILU] = F64_LANES, [ACTFN_TANH] = F64_LANES,               \
    [ACTFN_ELU] = F64_LANES, [ACTFN_SELU] = F64_LANES, [ACTFN_CELU] = F64_LANES,                   \
    [ACTFN_GELU_TANH] = F64_LANES, [ACTFN_SOFTPLUS] = F64_LANES, [ACTFN_MISH] = F64_LANES,         \
    [ACTFN_LOGSIGMOID] = F64_LANES, [ACTFN_SQUAREPLUS] = F64_LANES,                                \
    [ACTFN_TANHSHRINK] = F64_LANES, [ACTFN_SOFTSIGN] = F64_LANES, [ACTFN_HARDSIGMOID] = F64_LANES, \
    [ACTFN_HARDSWISH] = F64_LANES, [ACTFN_GELU] = F64_LANES
#else
#define F64_OPS /* none: every entry left out is FAMILY_REFERENCE */
#endif

static const kernel_choice choice = {
    .forward[SLOT_F32] = {PIECEWISE_OPS, SMOOTH_F32_FORWARDS, HARD_F32_OPS},
    .forward[SLOT_F64] = {PIECEWISE_OPS, F64_OPS},
    .forward[SLOT_F32_FAST] = {PIECEWISE_OPS, FAST_F32_FORWARDS},
    .backward[SLOT_F32] = {PIECEWISE_OPS, SMOOTH_F32_BACKWARDS, HARD_F32_OPS},
    .backward[SLOT_F64] = {PIECEWISE_OPS, F64_OPS},
    .backward[SLOT_F32_FAST] = {PIECEWISE_OPS, FAST_F32_BACKWARDS},
};

const kernel_choice *ISA_FUNCTION(kernel_choice)(void) {
    return &choice;
}

void ISA_FUNCTION(fill_kernel_family)(kernel_family family, kernel_table *table) {
    memset(table, 0, sizeof *table);
    switch (family) {
    case FAMILY_REFERENCE:
    case FAMILY_COUNT:
        break;
    case FAMILY_PIECEWISE:
        ISA_FUNCTION(fill_piecewise_family)(table);
        break;
    case FAMILY_DOUBLE_LANES:
        ISA_FUNCTION(fill_double_lane_family)(table);
        break;
    case FAMILY_FLOAT_LANES:
        ISA_FUNCTION(fill_float_lane_family)(table);
        ISA_FUNCTION(fill_gelu_float_lane_family)(table);
        ISA_FUNCTION(fill_hard_float_lane_family)(table);
        break;
    case FAMILY_FAST_LANES:
        ISA_FUNCTION(fill_fast_lane_family)(table);
        ISA_FUNCTION(fill_fast_gelu_family)(table);
        break;
    case FAMILY_F64_LANES:
        ISA_FUNCTION(fill_f64_lane_family)(table);
        ISA_FUNCTION(fill_hard_f64_family)(table);
        ISA_FUNCTION(fill_gelu_f64_family)(table);
        break;
    }
}

/* Where a family's kernel for a slot sits in its table: the fast slot takes the
 * accurate f32 kernel of any family but the fast one (kernel_table.h). */
static int source_slot(int slot, kernel_family family) {
    return slot == SLOT_F32_FAST && family != FAMILY_FAST_LANES ? SLOT_F32 : slot;
}

void ISA_FUNCTION(fill_kernel_table)(kernel_table *table) {
    static kernel_table families[FAMILY_COUNT]; /* filled once, under dispatch's pthread_once */
    for (int f = 0; f < FAMILY_COUNT; f++)
        ISA_FUNCTION(fill_kernel_family)((kernel_family)f, &families[f]);
    for (int slot = 0; slot < KERNEL_SLOTS; slot++) {
        for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
            kernel_family f = choice.forward[slot][kind], b = choice.backward[slot][kind];
            int from_f = source_slot(slot, f), from_b = source_slot(slot, b);
            table->forward[slot][kind] = families[f].forward[from_f][kind];
            table->forward_stream[slot][kind] = families[f].forward_stream[from_f][kind];
            table->backward[slot][kind] = families[b].backward[from_b][kind];
            table->backward_from_output[slot][kind] =
                families[b].backward_from_output[from_b][kind];
        }
    }
    /* the one-pass mask forward and bias + activation apply the piecewise ops' bodies:
     * their family's */
    memcpy(table->mask_forward, families[FAMILY_PIECEWISE].mask_forward,
           sizeof table->mask_forward);
    memcpy(table->bias_forward, families[FAMILY_PIECEWISE].bias_forward,
           sizeof table->bias_forward);
    /* the GLUs: the select-only gates' product kernels, else the double-lane bodies' */
    for (int slot = 0; slot < DTYPE_SLOTS; slot++)
        for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
            backward_kernel selects = families[FAMILY_PIECEWISE].glu_forward[slot][kind];
            table->glu_forward[slot][kind] =
                selects != NULL ? selects : families[FAMILY_DOUBLE_LANES].glu_forward[slot][kind];
        }
    /* one source each: nothing to choose */
    ISA_FUNCTION(fill_narrow_conversions)(table);
    ISA_FUNCTION(fill_narrow_relu)(table);
    ISA_FUNCTION(fill_byte_lookup)(table);
    ISA_FUNCTION(fill_rrelu_kernels)(table);
    ISA_FUNCTION(fill_mask_kernels)(table);
    ISA_FUNCTION(fill_maxout_kernels)(table);
}
