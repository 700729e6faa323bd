/* Routing a validated call to the active ISA's kernel, or to the scalar reference. */
#include "../dispatch.h"
#include "../kernels.h"

static int slot_of(actfn_dtype dtype) {
    return dtype == ACTFN_F32 ? SLOT_F32 : SLOT_F64;
}

void run_forward(actfn_kind kind, const op_params *params, actfn_dtype dtype, const void *x,
                 void *y, size_t n) {
    forward_kernel kernel = active_kernels()->forward[slot_of(dtype)][kind];
    if (kernel != NULL)
        kernel(params, x, y, n);
    else
        reference_forward(&actfn_op_table[kind], params, dtype, x, y, n);
}

void run_backward(actfn_kind kind, bool from_output, const op_params *params, actfn_dtype dtype,
                  const void *v, const void *dy, void *dx, size_t n) {
    const kernel_table *table = active_kernels();
    backward_kernel kernel = from_output ? table->backward_from_output[slot_of(dtype)][kind]
                                         : table->backward[slot_of(dtype)][kind];
    if (kernel != NULL) {
        kernel(params, v, dy, dx, n);
        return;
    }
    const op_def *def = &actfn_op_table[kind];
    reference_backward(from_output ? def->backward_from_output : def->backward, params, dtype, v,
                       dy, dx, n);
}
