/* SPDX-License-Identifier: MIT */
/* Every result depends on its own element alone: the same values computed in another
 * order and at another offset give the same bits, for every op, f32 and f64, both
 * accuracy tiers, forward and backward, with far tails, NaN, infinities and subnormals
 * among ordinary values (so that the SIMD kernels' rare-lane paths, the scalar reference
 * of a far lane and the wide forms, meet ordinary lanes in the same vector). An array
 * split into chunks (Dask), among threads or at another alignment gives the results of
 * the whole. Run at every ISA through ACTFN_ISA as the other kernel tests. */
#include "actfn.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { N = 3000, SHIFT = 5 };

static uint64_t state = 0x9e3779b97f4a7c15u;

static double uniform(void) { /* xorshift64*, in [0, 1) */
    state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
    return (double)((state * 0x2545f4914f6cdd1du) >> 11) * 0x1p-53;
}

static double sample(void) {
    double u = uniform();
    if (u < 0.004) return NAN;
    if (u < 0.008) return uniform() < 0.5 ? INFINITY : -INFINITY;
    if (u < 0.03) return (uniform() < 0.5 ? 1 : -1) * (20 + 900 * uniform()); /* far tails */
    if (u < 0.035) return (uniform() - 0.5) * 0x1p-140;                       /* subnormal f32 */
    double a = uniform() + 1e-300, b = uniform();
    return 4 * sqrt(-2 * log(a)) * cos(6.283185307179586 * b); /* normal, sigma 4 */
}

/* NaN against NaN counts as equal (the payload is the kernels' own); every other result
 * bit for bit. */
static int same(const void *a, const void *b, size_t size) {
    if (size == 4) {
        float x, y;
        memcpy(&x, a, 4), memcpy(&y, b, 4);
        if (isnan(x) && isnan(y)) return 1;
    } else {
        double x, y;
        memcpy(&x, a, 8), memcpy(&y, b, 8);
        if (isnan(x) && isnan(y)) return 1;
    }
    return memcmp(a, b, size) == 0;
}

/* y = f(x) (or dy f'(x)) on the values in order, then reversed at an odd offset. */
static size_t check(const actfn_op *op, actfn_dtype dtype, int backward, const double *x,
                    const double *dy) {
    size_t size = dtype == ACTFN_F32 ? 4 : 8;
    unsigned char *a = malloc((N + SHIFT) * size), *g = malloc((N + SHIFT) * size);
    unsigned char *b = malloc((N + SHIFT) * size), *h = malloc((N + SHIFT) * size);
    unsigned char *ya = malloc(N * size), *yb = malloc((N + SHIFT) * size);
    for (size_t i = 0; i < N; i++) {
        size_t j = SHIFT + N - 1 - i; /* reversed, shifted */
        if (size == 4) {
            float v = (float)x[i], d = (float)dy[i];
            memcpy(a + i * 4, &v, 4), memcpy(g + i * 4, &d, 4);
            memcpy(b + j * 4, &v, 4), memcpy(h + j * 4, &d, 4);
        } else {
            memcpy(a + i * 8, &x[i], 8), memcpy(g + i * 8, &dy[i], 8);
            memcpy(b + j * 8, &x[i], 8), memcpy(h + j * 8, &dy[i], 8);
        }
    }
    actfn_status s1 =
        backward ? actfn_backward(op, dtype, a, g, ya, N) : actfn_forward(op, dtype, a, ya, N);
    actfn_status s2 = backward ? actfn_backward(op, dtype, b + SHIFT * size, h + SHIFT * size,
                                                yb + SHIFT * size, N)
                               : actfn_forward(op, dtype, b + SHIFT * size, yb + SHIFT * size, N);
    assert_int_equal(s1, ACTFN_OK);
    assert_int_equal(s2, ACTFN_OK);
    size_t bad = 0;
    for (size_t i = 0; i < N; i++)
        if (!same(ya + i * size, yb + (SHIFT + N - 1 - i) * size, size) && bad++ < 3)
            print_error("%s %s %s%s: x = %g, dy = %g: depends on its neighbours\n",
                        actfn_op_name(op->kind), dtype == ACTFN_F32 ? "f32" : "f64",
                        backward ? "backward" : "forward",
                        op->accuracy == ACTFN_FAST ? " fast" : "", x[i], dy[i]);
    free(a), free(g), free(b), free(h), free(ya), free(yb);
    return bad;
}

static void results_depend_on_the_element_alone(void **unused) {
    (void)unused;
    static double x[N], dy[N];
    for (size_t i = 0; i < N; i++)
        x[i] = sample(), dy[i] = uniform() < 0.01 ? INFINITY : sample() / 4;
    size_t bad = 0;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++)
        for (int fast = 0; fast < 2; fast++)
            for (int backward = 0; backward < 2; backward++) {
                actfn_op op = actfn_op_init((actfn_kind)kind);
                op.accuracy = fast ? ACTFN_FAST : ACTFN_ACCURATE;
                bad += check(&op, ACTFN_F32, backward, x, dy);
                bad += check(&op, ACTFN_F64, backward, x, dy);
            }
    assert_int_equal(bad, 0);
}

/* The check can fail: a result that depends on a neighbour is caught. */
static void a_neighbour_dependence_is_caught(void **unused) {
    (void)unused;
    float one = 1.0f, other = nextafterf(1.0f, 2.0f), nan1 = NAN, nan2 = -NAN;
    assert_false(same(&one, &other, 4));
    assert_true(same(&nan1, &nan2, 4));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_neighbour_dependence_is_caught),
        cmocka_unit_test(results_depend_on_the_element_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
