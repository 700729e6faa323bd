/* SPDX-License-Identifier: MIT */
/* One float input of an op's GPU f32 kernel body (src/cuda/lane_ops.cuh) against the
 * op's scalar reference in double, in float ULPs, as tests/exhaustive.c measures the CPU:
 * for tests/cuda_sweep.cu on the device and test_cuda_lanes.cpp on the host. */
#ifndef ACTFN_LANE_CHECK_H
#define ACTFN_LANE_CHECK_H

#include "cuda/lane_ops.cuh"
extern "C" {
#include "parameter_cases.h"
}

#include <string.h>

struct lane_result {
    float y;          /* the kernel's result */
    double error;     /* |y - exact| in ULPs of the float at exact (0 where both NaN) */
    int nan_mismatch; /* one side NaN, the other not */
    int wrong_tie;    /* exactly 0.5 ULP off the wrong way */
};

/* The kernels' parameters of op as f32 applies them (rounded to float, defaults resolved:
 * op_as_applied), for the f32 body and the reference alike. */
inline op_params lane_params(const actfn_op &op) {
    actfn_op applied = op_as_applied(op, ACTFN_F32);
    op_params p;
#define COPY_FIELD(field) p.field = applied.field;
    OP_PARAMETER_FIELDS(COPY_FIELD)
#undef COPY_FIELD
    p.accuracy = ACTFN_ACCURATE;
    return p;
}

/* The float ULP at the magnitude of v, subnormal ULP included. */
__host__ __device__ inline double lane_float_ulp(double v) {
    int exponent;
    frexp(v, &exponent);
    return ldexp(1.0, exponent - 24 < -149 ? -149 : exponent - 24);
}

/* f(x), or f'(x) (the backward with dy = 1), with the op's f32 parameters p. */
template <actfn_kind K, bool GRADIENT>
__host__ __device__ inline lane_result lane_check(float x, const op_params *p) {
    lane_result r = {0, 0, 0, 0};
    double exact;
    if (GRADIENT) {
        r.y = lane_backward_f32<K>(x, 1.0f, p);
        exact = backward_of<K>(x, 1.0, p);
    } else {
        r.y = lane_forward_f32<K>(x, p);
        exact = forward_of<K>(x, p);
    }
    if (isnan(exact) || isnan(r.y)) {
        r.nan_mismatch = isnan(exact) != isnan(r.y);
        return r;
    }
    if (isinf(r.y) || fabs(exact) > 0x1.fffffep127)
        r.error = (double)r.y == (double)(float)exact ? 0 : INFINITY;
    else
        r.error = fabs((double)r.y - exact) / lane_float_ulp(exact);
    /* a tie's correctly rounded float is the even one; but where exact is x / 2 (x not 0)
     * the double has dropped a positive term and the float above is right (exhaustive.c) */
    int half_x = exact == (double)x * 0.5 && x != 0;
    unsigned bits;
    memcpy(&bits, &r.y, sizeof bits);
    r.wrong_tie = r.error == 0.5 && (half_x ? (double)r.y < exact : (bits & 1) != 0);
    return r;
}

#endif
