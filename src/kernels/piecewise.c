/* SPDX-License-Identifier: MIT */
/* SIMD kernels of the piecewise-linear ops, compiled once per ISA. */
#include "kernels/kernel_template.h"

#include <string.h> /* memcpy: the mask forward stores its bits a word at a time */

#define BODY_FILE      "kernels/piecewise_body.h"
#define BODY_CONSTANTS piecewise_constants
#include "kernels/for_each_dtype.h"

/* The from-output backward of these ops, where the op table serves one, is their
 * backward applied to y: y has the same sign and the same position against the kinks
 * as x (docs/semantics.md). */
#define REGISTER(kind, name)                                                                       \
    do {                                                                                           \
        table->forward[SLOT_F32][kind] = CONCAT(CONCAT(name##_forward, f32), VEC_ISA_SUFFIX);      \
        table->forward[SLOT_F64][kind] = CONCAT(CONCAT(name##_forward, f64), VEC_ISA_SUFFIX);      \
        table->forward_stream[SLOT_F32][kind] =                                                    \
            CONCAT(CONCAT(name##_forward_stream, f32), VEC_ISA_SUFFIX);                            \
        table->forward_stream[SLOT_F64][kind] =                                                    \
            CONCAT(CONCAT(name##_forward_stream, f64), VEC_ISA_SUFFIX);                            \
        table->backward[SLOT_F32][kind] = CONCAT(CONCAT(name##_backward, f32), VEC_ISA_SUFFIX);    \
        table->backward[SLOT_F64][kind] = CONCAT(CONCAT(name##_backward, f64), VEC_ISA_SUFFIX);    \
        if (actfn_op_table[kind].backward_from_output != NULL) {                                   \
            table->backward_from_output[SLOT_F32][kind] = table->backward[SLOT_F32][kind];         \
            table->backward_from_output[SLOT_F64][kind] = table->backward[SLOT_F64][kind];         \
        }                                                                                          \
    } while (0)

/* A layer kernel of mask_forward_body.h (slot: mask_forward or bias_forward) for both
 * dtypes: name##_mask_forward_f32_avx2 and so on. */
#define REGISTER_LAYER_KERNEL(slot, kind, name)                                                    \
    do {                                                                                           \
        table->slot[SLOT_F32][kind] = CONCAT(CONCAT(name##_##slot, f32), VEC_ISA_SUFFIX);          \
        table->slot[SLOT_F64][kind] = CONCAT(CONCAT(name##_##slot, f64), VEC_ISA_SUFFIX);          \
    } while (0)

void ISA_FUNCTION(fill_piecewise_family)(kernel_table *table);
void ISA_FUNCTION(fill_piecewise_family)(kernel_table *table) {
    REGISTER(ACTFN_IDENTITY, identity);
    REGISTER(ACTFN_RELU, relu);
    REGISTER(ACTFN_LEAKY_RELU, leaky_relu);
    REGISTER(ACTFN_RELU6, relu6);
    REGISTER(ACTFN_CLIPPED_RELU, clipped_relu);
    REGISTER(ACTFN_HARDTANH, hardtanh);
    REGISTER(ACTFN_SQUARED_RELU, squared_relu);
    REGISTER(ACTFN_HARDSHRINK, hardshrink);
    REGISTER(ACTFN_SOFTSHRINK, softshrink);
    REGISTER(ACTFN_THRESHOLD, threshold);
    REGISTER(ACTFN_RRELU, leaky_relu); /* eval mode: leaky_relu with the derived slope */
    /* the gated linear units of the gates that only select (op_table's selects_only) */
#define REGISTER_GLU(kind, name)                                                                   \
    do {                                                                                           \
        table->glu_forward[SLOT_F32][kind] = CONCAT(CONCAT(name##_glu, f32), VEC_ISA_SUFFIX);      \
        table->glu_forward[SLOT_F64][kind] = CONCAT(CONCAT(name##_glu, f64), VEC_ISA_SUFFIX);      \
    } while (0)
    REGISTER_GLU(ACTFN_IDENTITY, identity);
    REGISTER_GLU(ACTFN_RELU, relu);
    REGISTER_GLU(ACTFN_RELU6, relu6);
    REGISTER_GLU(ACTFN_CLIPPED_RELU, clipped_relu);
    REGISTER_GLU(ACTFN_HARDTANH, hardtanh);
    REGISTER_GLU(ACTFN_HARDSHRINK, hardshrink);
    REGISTER_GLU(ACTFN_THRESHOLD, threshold);
#undef REGISTER_GLU
    /* softshrink's y is shifted toward 0: its from-output backward tests y != 0 */
    table->backward_from_output[SLOT_F32][ACTFN_SOFTSHRINK] =
        CONCAT(CONCAT(softshrink_output_backward, f32), VEC_ISA_SUFFIX);
    table->backward_from_output[SLOT_F64][ACTFN_SOFTSHRINK] =
        CONCAT(CONCAT(softshrink_output_backward, f64), VEC_ISA_SUFFIX);
    REGISTER_LAYER_KERNEL(mask_forward, ACTFN_RELU, relu);
    REGISTER_LAYER_KERNEL(mask_forward, ACTFN_LEAKY_RELU, leaky_relu);
    REGISTER_LAYER_KERNEL(mask_forward, ACTFN_RELU6, relu6);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_IDENTITY, identity);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_RELU, relu);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_LEAKY_RELU, leaky_relu);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_RELU6, relu6);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_CLIPPED_RELU, clipped_relu);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_HARDTANH, hardtanh);
    REGISTER_LAYER_KERNEL(bias_forward, ACTFN_SQUARED_RELU, squared_relu);
}
