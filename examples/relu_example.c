/* SPDX-License-Identifier: MIT */
/* The classic example: ReLU of [-2, -1, 0, 1, 2] and its derivative. */
#include <actfn.h>
#include <stdio.h>

int main(void) {
    const float x[5] = {-2, -1, 0, 1, 2};
    const float dy[5] = {1, 1, 1, 1, 1};
    float y[5], dx[5];
    if (actfn_relu_f32(x, y, 5) != ACTFN_OK || actfn_relu_backward_f32(x, dy, dx, 5) != ACTFN_OK)
        return 1;
    printf("x          relu(x)    relu'(x)\n");
    for (int i = 0; i < 5; i++)
        printf("%-10g %-10g %g\n", x[i], y[i], dx[i]);

    /* Any op through the generic API: leaky relu with slope 0.1, derivative 1 at 0. */
    actfn_op leaky = actfn_op_init(ACTFN_LEAKY_RELU);
    leaky.negative_slope = 0.1;
    leaky.grad_at_zero = 1;
    if (actfn_forward(&leaky, ACTFN_F32, x, y, 5) != ACTFN_OK ||
        actfn_backward(&leaky, ACTFN_F32, x, dy, dx, 5) != ACTFN_OK) {
        fprintf(stderr, "%s\n", actfn_last_error());
        return 1;
    }
    printf("\nx          leaky(x)   leaky'(x)  (negative_slope 0.1, grad_at_zero 1)\n");
    for (int i = 0; i < 5; i++)
        printf("%-10g %-10g %g\n", x[i], y[i], dx[i]);
    return 0;
}
