/* SPDX-License-Identifier: MIT */
/* Maxout's row kernels for k = 2 (maxout_body.h), for one ISA: the layer op's rows of
 * pairs run here, other k the scalar loops of layers/maxout_rows.h. */
#include "kernels/kernel_template.h"

#define BODY_FILE "kernels/maxout_body.h"
#include "kernels/for_each_dtype.h"

void ISA_FUNCTION(fill_maxout_kernels)(kernel_table *table);
void ISA_FUNCTION(fill_maxout_kernels)(kernel_table *table) {
    table->maxout_pairs_forward[SLOT_F32] = CONCAT(maxout_pairs_forward_f32, VEC_ISA_SUFFIX);
    table->maxout_pairs_forward[SLOT_F64] = CONCAT(maxout_pairs_forward_f64, VEC_ISA_SUFFIX);
    table->maxout_pairs_backward[SLOT_F32] = CONCAT(maxout_pairs_backward_f32, VEC_ISA_SUFFIX);
    table->maxout_pairs_backward[SLOT_F64] = CONCAT(maxout_pairs_backward_f64, VEC_ISA_SUFFIX);
}
