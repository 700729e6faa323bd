/* Typed one-line entry points for the everyday cases; each is the generic call with
 * default parameters. */
#include "actfn.h"

actfn_status actfn_relu_f32(const float *x, float *y, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_RELU);
    return actfn_forward(&op, ACTFN_F32, x, y, n);
}

actfn_status actfn_relu_backward_f32(const float *x, const float *dy, float *dx, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_RELU);
    return actfn_backward(&op, ACTFN_F32, x, dy, dx, n);
}

actfn_status actfn_relu_f64(const double *x, double *y, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_RELU);
    return actfn_forward(&op, ACTFN_F64, x, y, n);
}

actfn_status actfn_relu_backward_f64(const double *x, const double *dy, double *dx, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_RELU);
    return actfn_backward(&op, ACTFN_F64, x, dy, dx, n);
}

actfn_status actfn_leaky_relu_f32(const float *x, float *y, size_t n, float negative_slope) {
    actfn_op op = actfn_op_init(ACTFN_LEAKY_RELU);
    op.negative_slope = negative_slope;
    return actfn_forward(&op, ACTFN_F32, x, y, n);
}

actfn_status actfn_sigmoid_f32(const float *x, float *y, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_SIGMOID);
    return actfn_forward(&op, ACTFN_F32, x, y, n);
}

actfn_status actfn_tanh_f32(const float *x, float *y, size_t n) {
    actfn_op op = actfn_op_init(ACTFN_TANH);
    return actfn_forward(&op, ACTFN_F32, x, y, n);
}
