/* SPDX-License-Identifier: MIT */
/* The GPU ops (actfn_cuda_*) against the CPU library: bit for bit for the exact ops and
 * for every 16-bit result (both correctly rounded), within 1 ULP for the f32 smooth ops
 * (each side within its bound of the exact value), within the stated f64 bound; over
 * every f16 and bf16 input, a dense sample of all 2^32 floats (every 251st pattern:
 * every exponent, both signs, NaN, inf, subnormals), random f64, every length 0..4099 at
 * several offsets, in place; the layer ops; and the errors. Skips, saying why, where no
 * GPU or no libactfn_cuda.so is there (CI has none). */
#include "actfn.h"
#include "spec/narrow_float.h"
#include "spec/op_table.h"

#include <cuda_runtime.h>

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void *device_copy(const void *host, size_t bytes) {
    void *device = NULL;
    assert_int_equal(cudaMalloc(&device, bytes > 0 ? bytes : 1), cudaSuccess);
    if (bytes > 0) assert_int_equal(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice), 0);
    return device;
}

static void host_copy(void *host, const void *device, size_t bytes) {
    assert_int_equal(cudaDeviceSynchronize(), cudaSuccess);
    if (bytes > 0) assert_int_equal(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost), 0);
}

/* The distance in representable values between two results of a dtype (0: equal bits,
 * or both NaN); SIZE_MAX where only one is NaN. */
static uint64_t ordered(int64_t bits, int width) {
    int64_t sign = (int64_t)1 << (width - 1);
    return bits & sign ? (uint64_t)(sign - (bits & (sign - 1))) : (uint64_t)(sign + bits);
}

static uint64_t distance(actfn_dtype dtype, const void *a, const void *b, size_t i) {
    double x, y;
    int64_t p, q;
    int width;
    switch (dtype) {
    case ACTFN_F32: {
        float u = ((const float *)a)[i], v = ((const float *)b)[i];
        uint32_t s, t;
        memcpy(&s, &u, 4), memcpy(&t, &v, 4);
        x = u, y = v, p = s, q = t, width = 32;
        break;
    }
    case ACTFN_F64: {
        x = ((const double *)a)[i], y = ((const double *)b)[i];
        memcpy(&p, &x, 8), memcpy(&q, &y, 8);
        width = 64;
        break;
    }
    default: {
        uint16_t s = ((const uint16_t *)a)[i], t = ((const uint16_t *)b)[i];
        x = dtype == ACTFN_F16 ? f16_to_double(s) : bf16_to_double(s);
        y = dtype == ACTFN_F16 ? f16_to_double(t) : bf16_to_double(t);
        p = s, q = t, width = 16;
        break;
    }
    }
    if (isnan(x) || isnan(y)) return isnan(x) && isnan(y) ? 0 : SIZE_MAX;
    if (x == 0 && y == 0) return p == q ? 0 : 1; /* +0 against -0: a sign error */
    uint64_t m = ordered(p, width), n = ordered(q, width);
    return m > n ? m - n : n - m;
}

/* The largest difference allowed between the GPU's and the CPU's result. */
static uint64_t allowed(const op_def *def, actfn_dtype dtype, int backward) {
    if (dtype == ACTFN_F16 || dtype == ACTFN_BF16) return 0; /* both correctly rounded */
    if (def->exact && !backward) return 0;
    if (dtype == ACTFN_F32) return (backward ? def->max_ulp_backward_f32 : def->max_ulp_f32) > 0.5;
    double bound = backward ? def->max_ulp_backward_f64 : def->max_ulp_f64;
    return (uint64_t)ceil(bound) + 2; /* the CUDA math library's few ULPs on top (docs/gpu.md) */
}

typedef enum direction { FORWARD, BACKWARD, FROM_OUTPUT } direction;

/* The f64 backward's bound is absolute near a zero of f' (gelu, gelu_tanh, silu, mish:
 * docs/semantics.md), where dy f'(x) is small and its relative error large: there the
 * two sides may differ by 2^-49 |dy|. */
static int near_a_zero(actfn_dtype dtype, direction d, const void *cpu, const void *gpu,
                       const void *dy, size_t i) {
    if (dtype != ACTFN_F64 || d == FORWARD) return 0;
    double a = ((const double *)cpu)[i], b = ((const double *)gpu)[i];
    return fabs(a - b) <= 0x1p-49 * fabs(((const double *)dy)[i]);
}

/* Runs op on n inputs (and gradients) on both sides and compares; in_place writes the
 * GPU result over its input. Returns the number of elements out of bound (reported). */
static size_t compare(const actfn_op *op, actfn_dtype dtype, direction d, const void *x,
                      const void *dy, size_t n, int in_place) {
    const op_def *def = &actfn_op_table[op->kind];
    size_t bytes = n * actfn_dtype_size(dtype);
    void *cpu = malloc(bytes > 0 ? bytes : 1), *gpu = malloc(bytes > 0 ? bytes : 1);
    void *dx = device_copy(x, bytes), *ddy = device_copy(dy, bytes);
    void *dout = in_place ? dx : device_copy(x, bytes);
    actfn_status a, b;
    if (d == FORWARD) {
        a = actfn_forward(op, dtype, x, cpu, n);
        b = actfn_cuda_forward(op, dtype, dx, dout, n, NULL);
    } else if (d == BACKWARD) {
        a = actfn_backward(op, dtype, x, dy, cpu, n);
        b = actfn_cuda_backward(op, dtype, dx, ddy, dout, n, NULL);
    } else {
        a = actfn_backward_from_output(op, dtype, x, dy, cpu, n);
        b = actfn_cuda_backward_from_output(op, dtype, dx, ddy, dout, n, NULL);
    }
    assert_int_equal(a, b);
    size_t bad = 0;
    if (a == ACTFN_OK) {
        host_copy(gpu, dout, bytes);
        uint64_t limit = allowed(def, dtype, d != FORWARD);
        for (size_t i = 0; i < n; i++)
            if (distance(dtype, cpu, gpu, i) > limit && !near_a_zero(dtype, d, cpu, gpu, dy, i) &&
                bad++ < 3)
                fprintf(stderr, "%s dtype %d direction %d: element %zu differs by %llu ULP\n",
                        def->name, (int)dtype, (int)d, i,
                        (unsigned long long)distance(dtype, cpu, gpu, i));
    }
    cudaFree(dx), cudaFree(ddy);
    if (!in_place) cudaFree(dout);
    free(cpu), free(gpu);
    return bad;
}

static int gpu_present(void) {
    if (actfn_cuda_available() == ACTFN_OK) return 1;
    printf("test_cuda: skipped: %s\n", actfn_last_error());
    return 0;
}

/* Every op, its non-default cases included, in direction d on x and dy. */
static void every_op(actfn_dtype dtype, const void *x, const void *dy, size_t n) {
    size_t bad = 0;
    for (int k = 0; k < ACTFN_KIND_COUNT; k++) {
        actfn_op op = actfn_op_init((actfn_kind)k);
        for (direction d = FORWARD; d <= FROM_OUTPUT; d++)
            bad += compare(&op, dtype, d, x, dy, n, 0);
    }
    assert_int_equal(bad, 0);
}

static void every_16_bit_input(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    uint16_t *x = malloc(65536 * 2), *dy = malloc(65536 * 2);
    for (uint32_t i = 0; i < 65536; i++)
        x[i] = (uint16_t)i, dy[i] = (uint16_t)(i * 40503u);
    every_op(ACTFN_F16, x, dy, 65536);
    every_op(ACTFN_BF16, x, dy, 65536);
    free(x), free(dy);
}

static void dense_f32_sample(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    size_t n = ((size_t)1 << 32) / 251;
    float *x = malloc(n * 4), *dy = malloc(n * 4);
    uint64_t r = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)(i * 251), g = (uint32_t)(r = r * 6364136223846793005u + 1) >> 0;
        memcpy(&x[i], &bits, 4);
        dy[i] = (float)((g >> 8) * 0x1p-24 * 4 - 2);
    }
    every_op(ACTFN_F32, x, dy, n);
    free(x), free(dy);
}

static void random_f64(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    size_t n = 1 << 22;
    double *x = malloc(n * 8), *dy = malloc(n * 8);
    uint64_t r = 7;
    for (size_t i = 0; i < n; i++) {
        r = r * 6364136223846793005u + 1442695040888963407u;
        x[i] = ((double)(r >> 11) * 0x1p-53 - 0.5) * ldexp(1.0, (int)(r % 24) - 4);
        dy[i] = (double)(r >> 40) * 0x1p-24 - 0.5;
    }
    every_op(ACTFN_F64, x, dy, n);
    free(x), free(dy);
}

static void special_values(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    double special[] = {NAN,      -NAN,      INFINITY,  -INFINITY, 0.0,     -0.0,
                        0x1p-149, -0x1p-149, 0x1p-1074, 1e300,     -1e300,  3,
                        -3,       6,         1e-300,    FLT_MAX,   -FLT_MAX};
    size_t n = sizeof special / sizeof *special;
    float x32[32], dy32[32];
    double dy64[32];
    for (size_t i = 0; i < n; i++)
        x32[i] = (float)special[i], dy32[i] = i % 2 ? INFINITY : 1.5f, dy64[i] = dy32[i];
    every_op(ACTFN_F32, x32, dy32, n);
    every_op(ACTFN_F64, special, dy64, n);
}

/* Every length 0..4099 at offsets 0..3 elements, out of place and in place. */
static void lengths_and_offsets(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    enum { MAX = 4099 + 4 };
    float *x = malloc(MAX * 4), *dy = malloc(MAX * 4);
    for (int i = 0; i < MAX; i++)
        x[i] = (float)((i * 37 % 101) - 50) / 8, dy[i] = (float)(i % 7) - 3;
    actfn_op ops[] = {actfn_op_init(ACTFN_RELU), actfn_op_init(ACTFN_GELU),
                      actfn_op_init(ACTFN_SIGMOID)};
    size_t bad = 0;
    for (size_t o = 0; o < sizeof ops / sizeof *ops; o++)
        for (size_t n = 0; n <= 4099; n += n < 300 ? 1 : 97)
            for (int offset = 0; offset < 4; offset++) {
                bad += compare(&ops[o], ACTFN_F32, FORWARD, x + offset, dy, n, offset % 2);
                bad += compare(&ops[o], ACTFN_F32, BACKWARD, x + offset, dy + offset, n, 0);
            }
    assert_int_equal(bad, 0);
    free(x), free(dy);
}

static void layer_ops(void **state) {
    (void)state;
    if (!gpu_present()) skip();
    actfn_batch b = {77, 45, 50};
    size_t elements = b.rows * b.stride, row_bytes = actfn_mask_row_bytes(b.cols);
    float *x = calloc(elements, 4), *dy = calloc(elements, 4), *bias = malloc(b.cols * 4);
    for (size_t i = 0; i < elements; i++)
        x[i] = (float)((int)(i * 29 % 23) - 11) / 4, dy[i] = (float)(i % 5) + 0.5f;
    for (size_t j = 0; j < b.cols; j++)
        bias[j] = (float)j / 16 - 1;
    float *cpu = calloc(elements, 4), *gpu = calloc(elements, 4);
    uint8_t *mask = calloc(b.rows, row_bytes), *gpu_mask = calloc(b.rows, row_bytes);
    actfn_activity activity;
    assert_int_equal(actfn_activity_init(&activity, b.cols), ACTFN_OK);
    uint64_t *counts = calloc(b.cols, 8);
    void *dx = device_copy(x, elements * 4), *dout = device_copy(cpu, elements * 4);
    void *dmask = device_copy(mask, b.rows * row_bytes), *dcounts = device_copy(counts, b.cols * 8);
    void *ddy = device_copy(dy, elements * 4), *dbias = device_copy(bias, b.cols * 4);
    for (int k = 0; k < 3; k++) {
        actfn_kind kinds[] = {ACTFN_RELU, ACTFN_LEAKY_RELU, ACTFN_RELU6};
        actfn_op op = actfn_op_init(kinds[k]);
        assert_int_equal(actfn_mask_forward(&op, ACTFN_F32, &b, x, cpu, mask, &activity), 0);
        assert_int_equal(
            actfn_cuda_mask_forward(&op, ACTFN_F32, &b, dx, dout, dmask, dcounts, NULL), 0);
        host_copy(gpu, dout, elements * 4);
        host_copy(gpu_mask, dmask, b.rows * row_bytes);
        host_copy(counts, dcounts, b.cols * 8);
        for (size_t r = 0; r < b.rows; r++)
            assert_memory_equal(cpu + r * b.stride, gpu + r * b.stride, b.cols * 4);
        assert_memory_equal(mask, gpu_mask, b.rows * row_bytes);
        assert_memory_equal(activity.active, counts, b.cols * 8);
        assert_int_equal(actfn_mask_backward(&op, ACTFN_F32, &b, mask, dy, cpu), 0);
        assert_int_equal(actfn_cuda_mask_backward(&op, ACTFN_F32, &b, dmask, ddy, dout, NULL), 0);
        host_copy(gpu, dout, elements * 4);
        for (size_t r = 0; r < b.rows; r++)
            assert_memory_equal(cpu + r * b.stride, gpu + r * b.stride, b.cols * 4);
        assert_int_equal(actfn_bias_forward(&op, ACTFN_F32, &b, x, bias, cpu), 0);
        assert_int_equal(actfn_cuda_bias_forward(&op, ACTFN_F32, &b, dx, dbias, dout, NULL), 0);
        host_copy(gpu, dout, elements * 4);
        for (size_t r = 0; r < b.rows; r++)
            assert_memory_equal(cpu + r * b.stride, gpu + r * b.stride, b.cols * 4);
    }
    assert_int_equal(actfn_prelu_forward(ACTFN_F32, &b, x, bias, cpu), 0);
    assert_int_equal(actfn_cuda_prelu_forward(ACTFN_F32, &b, dx, dbias, dout, NULL), 0);
    host_copy(gpu, dout, elements * 4);
    for (size_t r = 0; r < b.rows; r++)
        assert_memory_equal(cpu + r * b.stride, gpu + r * b.stride, b.cols * 4);
    cudaFree(dx), cudaFree(dout), cudaFree(dmask), cudaFree(dcounts), cudaFree(ddy),
        cudaFree(dbias);
    actfn_activity_free(&activity);
    free(x), free(dy), free(bias), free(cpu), free(gpu), free(mask), free(gpu_mask), free(counts);
}

static void errors(void **state) {
    (void)state;
    actfn_op relu = actfn_op_init(ACTFN_RELU);
    float host[4] = {1, 2, 3, 4};
    /* argument errors come first, with or without a GPU */
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, NULL, host, 4, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_cuda_forward(NULL, ACTFN_F32, host, host, 4, NULL),
                     ACTFN_ERR_NULL_POINTER);
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_S8, host, host, 4, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    actfn_op gelu = actfn_op_init(ACTFN_GELU);
    assert_int_equal(actfn_cuda_backward_from_output(&gelu, ACTFN_F32, host, host, host, 4, NULL),
                     ACTFN_ERR_UNSUPPORTED);
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, host, host + 1, 3, NULL),
                     ACTFN_ERR_OVERLAP);
    if (!gpu_present()) {
        assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, host, host, 4, NULL),
                         ACTFN_ERR_UNSUPPORTED);
        assert_true(strlen(actfn_last_error()) > 0);
        return;
    }
    /* host memory is refused, not read by the device */
    assert_int_equal(actfn_cuda_forward(&relu, ACTFN_F32, host, host, 4, NULL),
                     ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "not GPU memory"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors),
        cmocka_unit_test(special_values),
        cmocka_unit_test(lengths_and_offsets),
        cmocka_unit_test(layer_ops),
        cmocka_unit_test(every_16_bit_input),
        cmocka_unit_test(random_f64),
        cmocka_unit_test(dense_f32_sample),
    };
    /* e.g. TEST_FILTER='*offsets*' for a quick run under compute-sanitizer */
    if (getenv("TEST_FILTER") != NULL) cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
