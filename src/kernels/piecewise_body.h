/* SPDX-License-Identifier: MIT */
/* The piecewise-linear ops, written once against the vector layer for the dtype that
 * kernel_template.h's macros name (included twice by piecewise.c). Each body reproduces
 * its scalar reference in piecewise_reference.c bit for bit: comparisons and selects
 * only, and the one multiplication the reference also rounds once. */

typedef struct CONSTANTS {
    V zero, slope, cap, six, min_val, max_val, grad_at_zero, smallest_normal;
    V lambd, minus_lambd, threshold, value;
    M slope_nonzero, grad_at_zero_nonzero;
} CONSTANTS;

static inline CONSTANTS CONCAT(make_constants, SUFFIX)(const op_params *p) {
    CONSTANTS k;
    k.zero = VOP(zero)();
    k.slope = VOP(set1)((T)p->negative_slope);
    k.cap = VOP(set1)((T)p->cap);
    k.six = VOP(set1)((T)6);
    k.min_val = VOP(set1)((T)p->min_val);
    k.max_val = VOP(set1)((T)p->max_val);
    k.grad_at_zero = VOP(set1)((T)p->grad_at_zero);
    k.smallest_normal = VOP(set1)(sizeof(T) == sizeof(float) ? (T)0x1p-126 : (T)0x1p-1022);
    k.lambd = VOP(set1)((T)p->lambd);
    k.minus_lambd = VOP(set1)(-(T)p->lambd);
    k.threshold = VOP(set1)((T)p->threshold);
    k.value = VOP(set1)((T)p->value);
    k.slope_nonzero = VOP(not_le)(VOP(set1)(p->negative_slope == 0 ? 0 : 1), k.zero);
    k.grad_at_zero_nonzero = VOP(not_le)(VOP(set1)(p->grad_at_zero == 0 ? 0 : 1), k.zero);
    return k;
}

/* dy * d for a derivative d that is the same in every lane, +0 where d == 0 (the
 * masked_gradient rule of the reference). */
static inline V CONCAT(uniform_gradient, SUFFIX)(V dy, V d, M d_nonzero, V zero) {
    return VOP(select)(d_nonzero, VOP(mul)(dy, d), zero);
}
#define UNIFORM_GRADIENT CONCAT(uniform_gradient, SUFFIX)

/* NaN in x gives NaN out: the last select of every backward. */
static inline V CONCAT(keep_nan, SUFFIX)(V x, V result) {
    return VOP(select)(VOP(is_nan)(x), x, result);
}
#define KEEP_NAN CONCAT(keep_nan, SUFFIX)

static inline V CONCAT(identity_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    (void)k;
    return x;
}

static inline V CONCAT(identity_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    (void)k;
    return KEEP_NAN(x, dy);
}

/* x where x > 0 or x is NaN, +0 elsewhere (-0 included). */
static inline V CONCAT(relu_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    (void)k;
    return VOP(positive_part)(x); /* x > 0 or NaN ? x : +0 */
}

static inline V CONCAT(relu_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    V result = VOP(select)(VOP(gt)(x, k->zero), dy, k->zero);
    V at_zero = UNIFORM_GRADIENT(dy, k->grad_at_zero, k->grad_at_zero_nonzero, k->zero);
    result = VOP(select)(VOP(eq)(x, k->zero), at_zero, result);
    return KEEP_NAN(x, result);
}

/* The same at the default grad_at_zero = 0 (or -0), where x = 0 gives +0 like x < 0:
 * half the operations. */
static inline V CONCAT(relu_backward_zero_at_zero_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return KEEP_NAN(x, VOP(select)(VOP(gt)(x, k->zero), dy, k->zero));
}

static inline V CONCAT(leaky_relu_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return VOP(select)(VOP(gt)(x, k->zero), x, VOP(mul)(x, k->slope));
}

static inline V CONCAT(leaky_relu_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    V negative_side = UNIFORM_GRADIENT(dy, k->slope, k->slope_nonzero, k->zero);
    V result = VOP(select)(VOP(gt)(x, k->zero), dy, negative_side);
    V at_zero = UNIFORM_GRADIENT(dy, k->grad_at_zero, k->grad_at_zero_nonzero, k->zero);
    result = VOP(select)(VOP(eq)(x, k->zero), at_zero, result);
    return KEEP_NAN(x, result);
}

/* min(max(0, x), cap) keeping NaN and with clamp(-0) = +0, as clamp_below_at_zero: relu's
 * positive part (one instruction on AVX-512, as XNNPACK's clamp's max), then the min,
 * which keeps NaN. cap > 0. */
static inline V CONCAT(clamp_at_zero, SUFFIX)(V x, V cap, V zero) {
    (void)zero;
    return VOP(at_most)(VOP(positive_part)(x), cap);
}

static inline V CONCAT(clamp_backward, SUFFIX)(V x, V dy, V cap, const CONSTANTS *k) {
    M inside = MOP(and)(VOP(gt)(x, k->zero), VOP(lt)(x, cap));
    V result = VOP(select)(inside, dy, k->zero);
    V at_zero = UNIFORM_GRADIENT(dy, k->grad_at_zero, k->grad_at_zero_nonzero, k->zero);
    result = VOP(select)(VOP(eq)(x, k->zero), at_zero, result);
    return KEEP_NAN(x, result);
}

static inline V CONCAT(relu6_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return CONCAT(clamp_at_zero, SUFFIX)(x, k->six, k->zero);
}

static inline V CONCAT(relu6_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return CONCAT(clamp_backward, SUFFIX)(x, dy, k->six, k);
}

static inline V CONCAT(clipped_relu_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return CONCAT(clamp_at_zero, SUFFIX)(x, k->cap, k->zero);
}

static inline V CONCAT(clipped_relu_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return CONCAT(clamp_backward, SUFFIX)(x, dy, k->cap, k);
}

static inline V CONCAT(hardtanh_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return VOP(clamp)(x, k->min_val, k->max_val); /* two instructions on x86 */
}

static inline V CONCAT(hardtanh_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    M inside = MOP(and)(VOP(gt)(x, k->min_val), VOP(lt)(x, k->max_val));
    return KEEP_NAN(x, VOP(select)(inside, dy, k->zero));
}

/* The reference's x * x and 2 (dy x), each rounded once (piecewise_reference.c). */
static inline V CONCAT(squared_relu_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    V relu = VOP(select)(VOP(not_le)(x, k->zero), x, k->zero); /* NaN kept, -0 -> +0 */
    return VOP(mul)(relu, relu);
}

static inline V CONCAT(squared_relu_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    V product = VOP(mul)(dy, x);
    M tiny = VOP(le)(VOP(abs)(product), k->smallest_normal);
    V gradient = VOP(select)(tiny, VOP(mul)(VOP(add)(dy, dy), x), VOP(add)(product, product));
    return KEEP_NAN(x, VOP(select)(VOP(gt)(x, k->zero), gradient, k->zero));
}

/* [-lambd, lambd], the ends included: where the shrinks give +0 and f' = 0. */
static inline M CONCAT(within_lambd, SUFFIX)(V x, const CONSTANTS *k) {
    return MOP(and)(VOP(ge)(x, k->minus_lambd), VOP(le)(x, k->lambd));
}

static inline V CONCAT(hardshrink_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return VOP(select)(CONCAT(within_lambd, SUFFIX)(x, k), k->zero, x); /* NaN: x */
}

/* Also the backward from y: y is outside [-lambd, lambd] where x is, and 0 elsewhere. */
static inline V CONCAT(hardshrink_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return KEEP_NAN(x, VOP(select)(CONCAT(within_lambd, SUFFIX)(x, k), k->zero, dy));
}

/* x - lambd and x + lambd, each rounded once as the reference's (piecewise_reference.c
 * says why the float difference is the double one rounded). */
static inline V CONCAT(softshrink_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    V shrunk = VOP(select)(VOP(gt)(x, k->lambd), VOP(sub)(x, k->lambd), k->zero);
    shrunk = VOP(select)(VOP(lt)(x, k->minus_lambd), VOP(add)(x, k->lambd), shrunk);
    return KEEP_NAN(x, shrunk);
}

static inline V CONCAT(softshrink_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return KEEP_NAN(x, VOP(select)(CONCAT(within_lambd, SUFFIX)(x, k), k->zero, dy));
}

/* From y: dy where y != 0. */
static inline V CONCAT(softshrink_output_backward_body, SUFFIX)(V y, V dy, const CONSTANTS *k) {
    return KEEP_NAN(y, VOP(select)(VOP(eq)(y, k->zero), k->zero, dy));
}

static inline V CONCAT(threshold_forward_body, SUFFIX)(V x, const CONSTANTS *k) {
    return VOP(select)(VOP(le)(x, k->threshold), k->value, x); /* NaN: x */
}

static inline V CONCAT(threshold_backward_body, SUFFIX)(V x, V dy, const CONSTANTS *k) {
    return KEEP_NAN(x, VOP(select)(VOP(le)(x, k->threshold), k->zero, dy));
}

DEFINE_FORWARD_KERNEL(identity_forward, CONCAT(identity_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(identity_forward, CONCAT(identity_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(identity_backward, CONCAT(identity_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(relu_forward, CONCAT(relu_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(relu_forward, CONCAT(relu_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(relu_backward_any, CONCAT(relu_backward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(relu_backward_zero_at_zero, CONCAT(relu_backward_zero_at_zero_body, SUFFIX))
static void KERNEL(relu_backward)(const op_params *p, const void *input, const void *gradient,
                                  void *output, size_t n) {
    if (p->grad_at_zero == 0)
        KERNEL(relu_backward_zero_at_zero)(p, input, gradient, output, n);
    else
        KERNEL(relu_backward_any)(p, input, gradient, output, n);
}
DEFINE_FORWARD_KERNEL(leaky_relu_forward, CONCAT(leaky_relu_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(leaky_relu_forward, CONCAT(leaky_relu_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(leaky_relu_backward, CONCAT(leaky_relu_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(relu6_forward, CONCAT(relu6_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(relu6_forward, CONCAT(relu6_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(relu6_backward, CONCAT(relu6_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(clipped_relu_forward, CONCAT(clipped_relu_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(clipped_relu_forward, CONCAT(clipped_relu_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(clipped_relu_backward, CONCAT(clipped_relu_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(hardtanh_forward, CONCAT(hardtanh_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(hardtanh_forward, CONCAT(hardtanh_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(hardtanh_backward, CONCAT(hardtanh_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(squared_relu_forward, CONCAT(squared_relu_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(squared_relu_forward, CONCAT(squared_relu_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(squared_relu_backward, CONCAT(squared_relu_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(hardshrink_forward, CONCAT(hardshrink_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(hardshrink_forward, CONCAT(hardshrink_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(hardshrink_backward, CONCAT(hardshrink_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(softshrink_forward, CONCAT(softshrink_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(softshrink_forward, CONCAT(softshrink_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(softshrink_backward, CONCAT(softshrink_backward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(softshrink_output_backward, CONCAT(softshrink_output_backward_body, SUFFIX))
DEFINE_FORWARD_KERNEL(threshold_forward, CONCAT(threshold_forward_body, SUFFIX))
DEFINE_STREAMING_FORWARD_KERNEL(threshold_forward, CONCAT(threshold_forward_body, SUFFIX))
DEFINE_BACKWARD_KERNEL(threshold_backward, CONCAT(threshold_backward_body, SUFFIX))

/* Gated linear units a g(b) for the gates whose g only selects (g(b) is b, 0 or a
 * parameter, exact): the one product rounds once, as the double path does. */
#define DEFINE_GLU_KERNEL(name)                                                                    \
    static inline V CONCAT(name##_gated, SUFFIX)(V b, V a, const CONSTANTS *k) {                   \
        return VOP(mul)(a, CONCAT(name##_forward_body, SUFFIX)(b, k));                             \
    }                                                                                              \
    DEFINE_BACKWARD_KERNEL(name##_glu, CONCAT(name##_gated, SUFFIX))
DEFINE_GLU_KERNEL(identity)
DEFINE_GLU_KERNEL(relu)
DEFINE_GLU_KERNEL(relu6)
DEFINE_GLU_KERNEL(clipped_relu)
DEFINE_GLU_KERNEL(hardtanh)
DEFINE_GLU_KERNEL(hardshrink)
DEFINE_GLU_KERNEL(threshold)
#undef DEFINE_GLU_KERNEL

#include "kernels/mask_forward_body.h"

#undef UNIFORM_GRADIENT
#undef KEEP_NAN
