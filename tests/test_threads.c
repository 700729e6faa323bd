/* SPDX-License-Identifier: MIT */
/* Threads: calls split across the pool give exactly the serial results, calls from many
 * user threads at once are safe, and the thread count can be set. Built and run under
 * ThreadSanitizer by `make test`. */
#include "actfn.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* Above the pool thresholds of the SIMD transcendental kernels and the scalar reference
 * (hardswish): those calls are split; relu, below its 4M threshold, runs serially. */
enum { N = (1 << 19) + 37, USERS = 4 };

static const actfn_kind kinds[] = {ACTFN_RELU, ACTFN_SIGMOID, ACTFN_HARDSWISH, ACTFN_GELU,
                                   ACTFN_TANH};
#define KIND_COUNT (sizeof kinds / sizeof *kinds)

static float input[N];
static float expected_forward[KIND_COUNT][N];
static float expected_backward[KIND_COUNT][N];

static void fill_input(void) {
    uint32_t state = 2463534242u;
    for (size_t i = 0; i < N; i++) {
        state ^= state << 13, state ^= state >> 17, state ^= state << 5;
        input[i] = (float)((double)state / 4294967296.0 * 40.0 - 20.0);
    }
}

static int setup(void **state) {
    (void)state;
    fill_input();
    assert_int_equal(actfn_set_num_threads(1), ACTFN_OK);
    for (size_t k = 0; k < KIND_COUNT; k++) {
        actfn_op op = actfn_op_init(kinds[k]);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, input, expected_forward[k], N), ACTFN_OK);
        assert_int_equal(actfn_backward(&op, ACTFN_F32, input, input, expected_backward[k], N),
                         ACTFN_OK);
    }
    return 0;
}

typedef struct user {
    int id;
    int failures;
} user;

static void *user_main(void *argument) {
    user *u = argument;
    float *out = malloc(N * sizeof *out);
    for (int round = 0; round < 3; round++) {
        size_t k = (size_t)(u->id + round) % KIND_COUNT;
        actfn_op op = actfn_op_init(kinds[k]);
        if (actfn_forward(&op, ACTFN_F32, input, out, N) != ACTFN_OK ||
            memcmp(out, expected_forward[k], N * sizeof *out) != 0)
            u->failures++;
        if (actfn_backward(&op, ACTFN_F32, input, input, out, N) != ACTFN_OK ||
            memcmp(out, expected_backward[k], N * sizeof *out) != 0)
            u->failures++;
    }
    free(out);
    return NULL;
}

static void parallel_calls_equal_serial_calls(void **state) {
    (void)state;
    assert_int_equal(actfn_set_num_threads(2), ACTFN_OK);
    float *out = malloc(N * sizeof *out);
    for (size_t k = 0; k < KIND_COUNT; k++) {
        actfn_op op = actfn_op_init(kinds[k]);
        assert_int_equal(actfn_forward(&op, ACTFN_F32, input, out, N), ACTFN_OK);
        assert_memory_equal(out, expected_forward[k], N * sizeof *out);
    }
    free(out);
}

static void many_user_threads_at_once_get_serial_results(void **state) {
    (void)state;
    assert_int_equal(actfn_set_num_threads(0), ACTFN_OK);
    pthread_t threads[USERS];
    user users[USERS];
    for (int i = 0; i < USERS; i++) {
        users[i] = (user){i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, user_main, &users[i]), 0);
    }
    for (int i = 0; i < USERS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(users[i].failures, 0);
    }
}

/* Quantized calls from several threads at once, each cycling through more tables than
 * a thread's cache holds, and sharing one prepared op: every result is the table's. The
 * inputs are large enough (4M + 3 bytes) for the lookups to be split over the pool. */
enum { QUANTIZED_N = (1 << 22) + 3, QUANTIZED_TABLES = 6 };
static uint8_t quantized_input[QUANTIZED_N];
static uint8_t quantized_tables[QUANTIZED_TABLES][256];
static actfn_quantized_op *shared_prepared;

static actfn_op quantized_op(int t) {
    static const actfn_kind quantized_kinds[QUANTIZED_TABLES] = {
        ACTFN_RELU, ACTFN_SIGMOID, ACTFN_TANH, ACTFN_GELU, ACTFN_ELU, ACTFN_LEAKY_RELU};
    return actfn_op_init(quantized_kinds[t]);
}
static const actfn_quantization quantized_in = {0.07, -3}, quantized_out = {0.011, 2};

static void *quantized_user(void *argument) {
    user *u = argument;
    uint8_t *out = malloc(QUANTIZED_N);
    for (int round = 0; round < 2 * QUANTIZED_TABLES; round++) {
        int t = (u->id + round) % QUANTIZED_TABLES;
        actfn_op op = quantized_op(t);
        if (actfn_forward_quantized(&op, ACTFN_S8, &quantized_in, &quantized_out, quantized_input,
                                    out, QUANTIZED_N) != ACTFN_OK)
            u->failures++;
        for (size_t i = 0; i < QUANTIZED_N; i += 4099)
            if (out[i] != quantized_tables[t][quantized_input[i]]) u->failures++;
        if (actfn_quantized_run(shared_prepared, quantized_input, out, QUANTIZED_N) != ACTFN_OK)
            u->failures++;
        for (size_t i = 0; i < QUANTIZED_N; i += 4099)
            if (out[i] != quantized_tables[1][quantized_input[i]]) u->failures++;
    }
    free(out);
    return NULL;
}

static void quantized_calls_from_many_threads_get_their_tables(void **state) {
    (void)state;
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    for (size_t i = 0; i < QUANTIZED_N; i++)
        quantized_input[i] = (uint8_t)(i * 131 + (i >> 9));
    for (int t = 0; t < QUANTIZED_TABLES; t++) {
        actfn_op op = quantized_op(t);
        assert_int_equal(actfn_forward_quantized(&op, ACTFN_S8, &quantized_in, &quantized_out, all,
                                                 quantized_tables[t], 256),
                         ACTFN_OK);
    }
    actfn_op sigmoid = quantized_op(1);
    assert_int_equal(
        actfn_quantized_create(&sigmoid, ACTFN_S8, &quantized_in, &quantized_out, &shared_prepared),
        ACTFN_OK);
    assert_int_equal(actfn_set_num_threads(0), ACTFN_OK);
    pthread_t threads[USERS];
    user users[USERS];
    for (int i = 0; i < USERS; i++) {
        users[i] = (user){i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, quantized_user, &users[i]), 0);
    }
    for (int i = 0; i < USERS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(users[i].failures, 0);
    }
    actfn_quantized_destroy(shared_prepared);
}

static void thread_count_is_settable_and_checked(void **state) {
    (void)state;
    assert_int_equal(actfn_set_num_threads(3), ACTFN_OK);
    assert_int_equal(actfn_get_num_threads(), 3);
    assert_int_equal(actfn_set_num_threads(-1), ACTFN_ERR_BAD_PARAMETER);
    assert_int_equal(actfn_set_num_threads(65), ACTFN_ERR_BAD_PARAMETER);
    assert_non_null(strstr(actfn_last_error(), "actfn_set_num_threads"));
    assert_int_equal(actfn_get_num_threads(), 3);
    assert_int_equal(actfn_set_num_threads(0), ACTFN_OK);
    assert_true(actfn_get_num_threads() >= 1);
}

/* A child of fork() has no pool threads; its calls must still complete. */
static void a_forked_child_can_still_compute(void **state) {
    (void)state;
    assert_int_equal(actfn_set_num_threads(2), ACTFN_OK);
    float *out = malloc(N * sizeof *out);
    actfn_op op = actfn_op_init(ACTFN_RELU);
    assert_int_equal(actfn_forward(&op, ACTFN_F32, input, out, N), ACTFN_OK); /* pool up */
    pid_t child = fork();
    if (child == 0) {
        int ok = actfn_forward(&op, ACTFN_F32, input, out, N) == ACTFN_OK &&
                 memcmp(out, expected_forward[0], N * sizeof *out) == 0;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_calls_equal_serial_calls),
        cmocka_unit_test(many_user_threads_at_once_get_serial_results),
        cmocka_unit_test(quantized_calls_from_many_threads_get_their_tables),
        cmocka_unit_test(thread_count_is_settable_and_checked),
        cmocka_unit_test(a_forked_child_can_still_compute),
    };
    return cmocka_run_group_tests_name("threads", tests, setup, NULL);
}
