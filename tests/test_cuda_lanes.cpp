/* SPDX-License-Identifier: MIT */
/* The GPU's f32 kernel bodies (src/cuda/lane_ops.cuh over vec/cuda_lane.h) run on the CPU
 * through tests/cuda_on_host.h, so that CI, which has no GPU, tests the arithmetic the GPU
 * runs: for every op at its defaults and at the parameter cases, forward and backward,
 * - against the exact value (the scalar reference in double): within the op's stated f32
 *   bound, ties of the correctly rounded ops to even, NaN where the reference has NaN, on
 *   every 4099th of the 2^32 floats (all exponents, both signs, subnormals, inf, NaN) and
 *   the special values;
 * - against the CPU library's own f32 result, what tests/test_cuda.c asks of the GPU:
 *   bit for bit for the exact ops, within 1 ULP for the others (each side within its
 *   bound), with dy of every kind in the backward;
 * - the 16-bit path from float lanes: every f16 and bf16 input, forward and backward,
 *   bit for bit the CPU's correctly rounded result wherever the lanes settle it.
 * nvcc's code generation is what this cannot see; tests/cuda_sweep.cu sweeps every input
 * on a GPU (scripts/gpu_check.sh). */
#include "cuda_on_host.h"

#include "actfn.h"
#include "lane_check.h"

#include <array>
#include <cfloat>
#include <cstdint>
#include <cstdio>
#include <utility>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" {
#include <cmocka.h>
}

namespace {

/* The largest and its input, the counts of the failures, over one op and direction. */
struct tally {
    double max_ulp = 0;
    float worst = 0;
    unsigned long long over_bound = 0, wrong_ties = 0, nan_mismatches = 0, cpu_mismatches = 0;
};

typedef lane_result (*checker)(float, const op_params *);
typedef float (*forward_fn)(float, const op_params *);
typedef float (*backward_fn)(float, float, const op_params *);

template <actfn_kind K> lane_result forward_check(float x, const op_params *p) {
    return lane_check<K, false>(x, p);
}
template <actfn_kind K> lane_result backward_check(float x, const op_params *p) {
    return lane_check<K, true>(x, p);
}
template <actfn_kind K> float lane_forward(float x, const op_params *p) {
    return lane_forward_f32<K>(x, p);
}
template <actfn_kind K> float lane_backward(float x, float dy, const op_params *p) {
    return lane_backward_f32<K>(x, dy, p);
}

struct op_checkers {
    checker forward, backward; /* against the exact value */
    forward_fn lane_forward;   /* the bodies themselves, against the CPU */
    backward_fn lane_backward;
};

template <int... K> constexpr auto checkers_of(std::integer_sequence<int, K...>) {
    return std::array<op_checkers, sizeof...(K)>{
        op_checkers{forward_check<(actfn_kind)K>, backward_check<(actfn_kind)K>,
                    lane_forward<(actfn_kind)K>, lane_backward<(actfn_kind)K>}...};
}

const std::array<op_checkers, ACTFN_KIND_COUNT> every_op =
    checkers_of(std::make_integer_sequence<int, ACTFN_KIND_COUNT>());

op_params params_of(const actfn_op &op) {
    return lane_params(op);
}

/* Distance in floats between a and b (0: the same bits, or both NaN; a sign error on
 * zeros counts 1; UINT32_MAX where only one is NaN). */
uint32_t float_distance(float a, float b) {
    if (a != a || b != b) return a != a && b != b ? 0 : UINT32_MAX;
    unsigned p = __float_as_uint(a), q = __float_as_uint(b);
    if (a == 0 && b == 0) return p != q;
    int64_t m = p & 0x80000000u ? -(int64_t)(p & 0x7fffffffu) : (int64_t)p;
    int64_t n = q & 0x80000000u ? -(int64_t)(q & 0x7fffffffu) : (int64_t)q;
    return (uint32_t)(m > n ? m - n : n - m);
}

const float special[] = {NAN,        -NAN,     INFINITY, -INFINITY, 0.0f,   -0.0f,   0x1p-149f,
                         -0x1p-149f, 1e-30f,   -1e-30f,  3,         -3,     6,       -6,
                         FLT_MAX,    -FLT_MAX, 0.5f,     -0.5f,     -0.75f, -1.19f,  11.0f,
                         -11.0f,     80.0f,    -80.0f,   88.0f,     -88.0f, -103.0f, 20.0f};

enum { STEP = 4099, BATCH = 4096 };

/* Checks one op (label for the messages) in one direction over the sample. */
tally check_op(const char *label, const actfn_op &op, bool backward) {
    const op_params p = params_of(op);
    const op_checkers &c = every_op[op.kind];
    const actfn_op_info *info = actfn_op_describe(op.kind);
    double bound = backward ? info->max_ulp_backward_f32 : info->max_ulp_f32;
    double limit = bound > 1 ? bound : 1.0; /* as tests/exhaustive.c */
    uint32_t allowed = info->exact && !backward ? 0 : bound > 0.5;
    tally t;
    static float x[BATCH], dy[BATCH], cpu[BATCH];
    size_t count = 0;
    auto flush = [&]() {
        actfn_status s = backward ? actfn_backward(&op, ACTFN_F32, x, dy, cpu, count)
                                  : actfn_forward(&op, ACTFN_F32, x, cpu, count);
        assert_int_equal(s, ACTFN_OK);
        for (size_t i = 0; i < count; i++) {
            float lane = backward ? c.lane_backward(x[i], dy[i], &p) : c.lane_forward(x[i], &p);
            if (float_distance(lane, cpu[i]) > allowed && t.cpu_mismatches++ < 3)
                fprintf(stderr, "%s %s: x = %a, dy = %a: GPU body %a, CPU %a\n", label,
                        backward ? "backward" : "forward", (double)x[i], (double)dy[i],
                        (double)lane, (double)cpu[i]);
        }
        count = 0;
    };
    auto visit = [&](float v, float g) {
        lane_result r = (backward ? c.backward : c.forward)(v, &p);
        t.nan_mismatches += r.nan_mismatch;
        t.wrong_ties += r.wrong_tie && bound <= 0.5;
        t.over_bound += r.error > limit || (bound <= 0.5 && r.error > 0.5 + 0x1p-20);
        if (r.error > t.max_ulp) t.max_ulp = r.error, t.worst = v;
        x[count] = v, dy[count] = g;
        if (++count == BATCH) flush();
    };
    const float gradients[] = {1.0f, -2.5f, 0x1p-140f, 3e38f, INFINITY, -0.0f, NAN};
    for (float v : special)
        for (float g : gradients)
            visit(v, g);
    for (uint64_t bits = 0; bits < (1ull << 32); bits += STEP)
        visit(__uint_as_float((unsigned)bits), gradients[bits % 5]);
    flush();
    if (t.over_bound || t.wrong_ties || t.nan_mismatches || getenv("VERBOSE"))
        fprintf(stderr,
                "%s %s: max %.4f ULP (bound %g) at %a; %llu over, %llu wrong ties, %llu "
                "NaN mismatches\n",
                label, backward ? "backward" : "forward", t.max_ulp, bound, (double)t.worst,
                t.over_bound, t.wrong_ties, t.nan_mismatches);
    return t;
}

void check_all(bool backward) {
    unsigned long long failures = 0;
    double worst = 0;
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        const char *name = actfn_op_describe((actfn_kind)kind)->name;
        tally t = check_op(name, actfn_op_init((actfn_kind)kind), backward);
        failures += t.over_bound + t.wrong_ties + t.nan_mismatches + t.cpu_mismatches;
        worst = t.max_ulp > worst ? t.max_ulp : worst;
    }
    size_t cases = 0;
    const parameter_case *list = parameter_cases(&cases);
    for (size_t i = 0; i < cases; i++) {
        tally t = check_op(list[i].label, list[i].op, backward);
        failures += t.over_bound + t.wrong_ties + t.nan_mismatches + t.cpu_mismatches;
    }
    printf("GPU f32 bodies on the host, %s: largest error at the defaults %.4f ULP; %zu "
           "parameter cases\n",
           backward ? "backward" : "forward", worst, cases);
    assert_int_equal(failures, 0);
}

void forwards(void **state) {
    (void)state;
    check_all(false);
}

void backwards(void **state) {
    (void)state;
    check_all(true);
}

template <actfn_kind K> bool forward_16(bool bf16, uint16_t x, const op_params *p, uint16_t *y) {
    return bf16 ? lane_forward_16<K, true>(x, p, y) : lane_forward_16<K, false>(x, p, y);
}
template <actfn_kind K>
bool backward_16(bool bf16, uint16_t x, uint16_t dy, const op_params *p, uint16_t *dx) {
    return bf16 ? lane_backward_16<K, true>(x, dy, p, dx)
                : lane_backward_16<K, false>(x, dy, p, dx);
}
typedef bool (*forward_16_fn)(bool, uint16_t, const op_params *, uint16_t *);
typedef bool (*backward_16_fn)(bool, uint16_t, uint16_t, const op_params *, uint16_t *);
template <int... K> constexpr auto narrow_of(std::integer_sequence<int, K...>) {
    return std::make_pair(std::array<forward_16_fn, sizeof...(K)>{forward_16<(actfn_kind)K>...},
                          std::array<backward_16_fn, sizeof...(K)>{backward_16<(actfn_kind)K>...});
}
const auto every_narrow = narrow_of(std::make_integer_sequence<int, ACTFN_KIND_COUNT>());

/* The 16-bit path (lane_forward_16 / lane_backward_16): wherever it settles a result, the
 * CPU library's correctly rounded one, bit for bit, for all 65,536 inputs of f16 and bf16,
 * forward and backward (dy cycling through 16-bit values of every kind). Returns the
 * elements that differ; *settled counts those the float lanes settled. */
size_t check_narrow(const char *label, const actfn_op &op, actfn_dtype dtype, bool backward,
                    size_t *settled) {
    const op_params p = params_of(op);
    bool bf16 = dtype == ACTFN_BF16;
    static uint16_t x[65536], dy[65536], cpu[65536];
    const uint16_t gradients[] = {0x3c00, 0xc0a0, 0x0001, 0x7bff, 0x7c00, 0x8000, 0x7e00, 0x3555};
    const uint16_t bf16_gradients[] = {0x3f80, 0xc020, 0x0001, 0x7f7f,
                                       0x7f80, 0x8000, 0x7fc0, 0x3eab};
    for (unsigned i = 0; i < 65536; i++)
        x[i] = (uint16_t)i, dy[i] = (bf16 ? bf16_gradients : gradients)[i % 8];
    actfn_status s = backward ? actfn_backward(&op, dtype, x, dy, cpu, 65536)
                              : actfn_forward(&op, dtype, x, cpu, 65536);
    assert_int_equal(s, ACTFN_OK);
    size_t bad = 0;
    for (unsigned i = 0; i < 65536; i++) {
        uint16_t lane;
        bool done = backward ? every_narrow.second[op.kind](bf16, x[i], dy[i], &p, &lane)
                             : every_narrow.first[op.kind](bf16, x[i], &p, &lane);
        *settled += done;
        if (done && lane != cpu[i] && bad++ < 3)
            fprintf(stderr, "%s %s %s: x = 0x%04x dy = 0x%04x: lanes 0x%04x, CPU 0x%04x\n", label,
                    bf16 ? "bf16" : "f16", backward ? "backward" : "forward", x[i], dy[i], lane,
                    cpu[i]);
    }
    return bad;
}

void every_16_bit_input(void **state) {
    (void)state;
    size_t bad = 0, settled = 0, total = 0;
    for (actfn_dtype dtype : {ACTFN_F16, ACTFN_BF16})
        for (bool backward : {false, true}) {
            for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++, total += 65536)
                bad += check_narrow(actfn_op_describe((actfn_kind)kind)->name,
                                    actfn_op_init((actfn_kind)kind), dtype, backward, &settled);
            size_t cases = 0;
            const parameter_case *list = parameter_cases(&cases);
            for (size_t i = 0; i < cases; i++, total += 65536)
                bad += check_narrow(list[i].label, list[i].op, dtype, backward, &settled);
        }
    printf("16-bit from float lanes: %zu of %zu results settled there, every one the CPU's\n",
           settled, total);
    assert_int_equal(bad, 0);
}

/* The check itself can fail: a body one ULP off is caught. */
void a_wrong_result_is_caught(void **state) {
    (void)state;
    op_params p = params_of(actfn_op_init(ACTFN_SIGMOID));
    lane_result r = lane_check<ACTFN_SIGMOID, false>(0.3f, &p);
    float off = nextafterf(r.y, INFINITY);
    double exact = forward_of<ACTFN_SIGMOID>(0.3, &p);
    assert_true(fabs((double)off - exact) / lane_float_ulp(exact) > 0.5);
    assert_true(float_distance(off, r.y) == 1);
    assert_true(float_distance(0.0f, -0.0f) == 1 && float_distance(NAN, 1.0f) == UINT32_MAX);
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_wrong_result_is_caught),
        cmocka_unit_test(forwards),
        cmocka_unit_test(backwards),
        cmocka_unit_test(every_16_bit_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
