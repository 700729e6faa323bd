/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The lab's network and data: the analytic gradients of the whole network against
 * central finite differences in f64 (mask path and fused bias path, every layer), a short
 * training run on the built-in spirals that must reach a stated accuracy (and a linear
 * model that must not), a fixed seed giving the same run twice, the IDX reader
 * against malformed files, the CNN's gradients and loops, the 16-bit arithmetic. */
#include "cnn.h"
#include "cnn_loops.h"
#include "data.h"
#include "idx.h"
#include "mlp.h"
#include "narrow.h"
#include "train.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

enum { ROWS = 6 };

/* NULL: the softmax cross-entropy of labels; else the squared error against these
 * ROWS x 3 targets (a regression head) */
static const float *targets_under_test;

static double loss_of(mlp *net, const uint8_t *labels, bool backward) {
    size_t correct;
    if (targets_under_test != NULL)
        return mlp_squared_loss(net, targets_under_test, ROWS, backward);
    return mlp_loss(net, labels, ROWS, &correct, backward);
}

static double loss_at(mlp *net, const double *x, const uint8_t *labels) {
    mlp_forward(net, x, ROWS, false);
    return loss_of(net, labels, false);
}

/* second NULL: every hidden layer has the first activation; else layer 2 the second */
static void check_gradients(const char *activation, double grad_at_zero, const char *second,
                            void (*tweak)(mlp_config *)) {
    static const size_t sizes[4] = {5, 7, 6, 3};
    mlp_config config = {
        .layers = 3, .init = MLP_INIT_XAVIER, .seed = 42, .dtype = ACTFN_F64, .hidden_bias = 0.1};
    memcpy(config.sizes, sizes, sizeof sizes);
    assert_int_equal(actfn_op_from_name(activation, &config.activation), ACTFN_OK);
    if (!isnan(grad_at_zero)) config.activation.grad_at_zero = grad_at_zero;
    if (second != NULL) {
        config.per_layer = true;
        config.activations[0] = config.activation;
        assert_int_equal(actfn_op_from_name(second, &config.activations[1]), ACTFN_OK);
    }
    if (tweak != NULL) tweak(&config);
    mlp net;
    char error[128];
    assert_true(mlp_create(&net, &config, ROWS, error, sizeof error));
    net.training = true; /* batch norm from the batch's statistics, as in training */
    bool relu_family = strstr(activation, "relu") != NULL && config.maxout <= 1;
    assert_true(net.uses_mask[0] == relu_family); /* leaky_relu's default too */
    uint64_t seed = 7;
    double x[ROWS * 5];
    uint8_t labels[ROWS];
    for (size_t i = 0; i < ROWS * 5; i++)
        x[i] = random_normal(&seed);
    for (size_t r = 0; r < ROWS; r++)
        labels[r] = (uint8_t)(r % 3);
    mlp_forward(&net, x, ROWS, false);
    loss_of(&net, labels, true);
    double worst = 0;
    for (size_t l = 0; l < 3; l++)
        for (int which = 0; which < 3; which++)
            for (size_t i = 0; i < mlp_count(&net, l, which); i++) {
                double analytic = mlp_gradient(&net, l, which, i);
                double saved = mlp_get(&net, l, which, i), h = 1e-6;
                mlp_set(&net, l, which, i, saved + h);
                double up = loss_at(&net, x, labels);
                mlp_set(&net, l, which, i, saved - h);
                double down = loss_at(&net, x, labels);
                mlp_set(&net, l, which, i, saved);
                double numeric = (up - down) / (2 * h);
                double error_here = fabs(analytic - numeric) / fmax(1e-4, fabs(numeric));
                if (error_here > worst) worst = error_here;
            }
    if (worst > 1e-5) {
        print_error("%s: worst relative gradient error %g\n", activation, worst);
        fail();
    }
    mlp_free(&net);
}

static void maxout_pieces(mlp_config *c) {
    c->maxout = 3;
}

static void centred(mlp_config *c) {
    c->centre = 0.4;
}

static void batch_normed(mlp_config *c) {
    c->batch_norm = true;
}

static void sigmoid_output(mlp_config *c) {
    c->has_output = true;
    c->output = actfn_op_init(ACTFN_SIGMOID);
}

static void gradients_match_finite_differences(void **state) {
    (void)state;
    check_gradients("relu", 0, NULL, NULL);         /* the mask forward and backward */
    check_gradients("leaky_relu", 1, NULL, NULL);   /* the mask with the slope */
    check_gradients("leaky_relu", NAN, NULL, NULL); /* its default: relu'(0) is the slope */
    check_gradients("tanh", 0, NULL, NULL);         /* the fused bias + activation */
    check_gradients("gelu", 0, NULL, NULL);
    check_gradients("sigmoid", 0, NULL, NULL);
    check_gradients("identity", 0, NULL, NULL);
    check_gradients("relu", 0, "tanh", NULL);         /* an activation per layer */
    check_gradients("relu", 0, NULL, maxout_pieces);  /* Maxout layers, k = 3 */
    check_gradients("relu", 0, NULL, centred);        /* relu - c */
    check_gradients("tanh", 0, NULL, sigmoid_output); /* an activated output layer */
    check_gradients("relu", 1, NULL, batch_normed);   /* batch norm: gamma and beta too */
    check_gradients("tanh", 0, NULL, batch_normed);
    static const float targets[ROWS * 3] = {0.1f,  -0.7f, 1.3f, 0.0f, 0.4f, -0.2f,
                                            -1.1f, 0.9f,  0.3f, 0.6f, 0.2f, -0.5f,
                                            0.8f,  -0.3f, 0.0f, 0.5f, 1.0f, -0.9f};
    targets_under_test = targets; /* the squared error of a regression head */
    check_gradients("relu", 0, NULL, NULL);
    check_gradients("relu", 0, NULL, sigmoid_output);
    targets_under_test = NULL;
}

/* A 2 - width - width - 2 f32 network with He initialisation, for the spirals. */
static void create_spiral_net(mlp *net, size_t width, actfn_op activation, uint64_t seed,
                              mlp_precision precision, bool batch_norm, size_t capacity) {
    mlp_config config = {.layers = 3,
                         .sizes = {2, width, width, 2},
                         .init = MLP_INIT_HE,
                         .seed = seed,
                         .dtype = ACTFN_F32,
                         .precision = precision,
                         .batch_norm = batch_norm,
                         .activation = activation};
    char error[128];
    assert_true(mlp_create(net, &config, capacity, error, sizeof error));
}

static double spirals_accuracy(const char *activation, uint64_t seed, epoch_result *last) {
    dataset all;
    make_spirals(1200, 3, &all);
    dataset training = dataset_head(&all, 900), test = all;
    test.x += 900 * 2, test.label += 900, test.count = 300;
    actfn_op op;
    assert_int_equal(actfn_op_from_name(activation, &op), ACTFN_OK);
    mlp net;
    create_spiral_net(&net, 64, op, seed, MLP_WIDE, false, 256);
    enum { EPOCHS = 120 };
    epoch_result results[EPOCHS];
    train_config t = {.epochs = EPOCHS,
                      .batch = 32,
                      .optimizer = MLP_ADAM,
                      .learning_rate = 3e-3,
                      .seed = seed,
                      .label = activation,
                      .quiet = true};
    train(&net, &training, &test, &t, results);
    *last = results[EPOCHS - 1];
    mlp_free(&net);
    dataset_free(&all);
    return last->test_accuracy;
}

static void relu_learns_the_spirals_and_a_linear_model_cannot(void **state) {
    (void)state;
    epoch_result a, b, linear;
    double relu = spirals_accuracy("relu", 5, &a);
    if (relu < 0.95) {
        print_error("relu on the spirals: %.3f (want >= 0.95)\n", relu);
        fail();
    }
    assert_true(spirals_accuracy("identity", 5, &linear) < 0.75);
    /* the same seed, the same run, bit for bit */
    spirals_accuracy("relu", 5, &b);
    assert_true(a.loss == b.loss && a.test_accuracy == b.test_accuracy);
}

/* Writes bytes as a gzip file. */
static void write_gz(const char *path, const uint8_t *bytes, size_t n) {
    gzFile file = gzopen(path, "wb");
    assert_non_null(file);
    assert_int_equal(gzwrite(file, bytes, (unsigned)n), (int)n);
    gzclose(file);
}

static void idx_reader_refuses_malformed_files(void **state) {
    (void)state;
    char directory[] = "/tmp/actfn_idx_XXXXXX";
    assert_non_null(mkdtemp(directory));
    char images[256], labels[256], error[512];
    snprintf(images, sizeof images, "%s/images.gz", directory);
    snprintf(labels, sizeof labels, "%s/labels.gz", directory);
    /* two 2 x 2 images and their labels: a good pair first */
    uint8_t image_bytes[24] = {0, 0, 8, 3, 0, 0,   0,  2,  0,  0,  0,  2,
                               0, 0, 0, 2, 0, 255, 10, 20, 30, 40, 50, 60};
    uint8_t label_bytes[10] = {0, 0, 8, 1, 0, 0, 0, 2, 3, 9};
    write_gz(images, image_bytes, sizeof image_bytes);
    write_gz(labels, label_bytes, sizeof label_bytes);
    dataset d;
    assert_true(load_idx_pair(images, labels, &d, error, sizeof error));
    assert_int_equal(d.count, 2);
    assert_int_equal(d.features, 4);
    assert_true(d.x[1] == 1.0f && d.label[1] == 9);
    dataset_free(&d);
    struct {
        const char *name;
        size_t length;
        uint8_t first[4];
        const char *message;
    } cases[] = {
        {"wrong magic", sizeof image_bytes, {0, 0, 8, 1}, "wrong magic"},
        {"truncated header", 6, {0, 0, 8, 3}, "truncated header"},
        {"truncated data", sizeof image_bytes - 3, {0, 0, 8, 3}, "truncated"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint8_t bad[24];
        memcpy(bad, image_bytes, sizeof bad);
        memcpy(bad, cases[k].first, 4);
        write_gz(images, bad, cases[k].length);
        assert_false(load_idx_pair(images, labels, &d, error, sizeof error));
        if (strstr(error, cases[k].message) == NULL || strstr(error, "images.gz") == NULL) {
            print_error("%s: '%s'\n", cases[k].name, error);
            fail();
        }
    }
    write_gz(images, image_bytes, sizeof image_bytes);
    uint8_t three_labels[11] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
    write_gz(labels, three_labels, sizeof three_labels);
    assert_false(load_idx_pair(images, labels, &d, error, sizeof error));
    assert_non_null(strstr(error, "2 images but"));
    uint8_t extra[11] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3};
    write_gz(labels, extra, sizeof extra);
    assert_false(load_idx_pair(images, labels, &d, error, sizeof error));
    assert_non_null(strstr(error, "more bytes than the sizes say"));
    uint8_t bad_class[10] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 12};
    write_gz(labels, bad_class, sizeof bad_class);
    assert_false(load_idx_pair(images, labels, &d, error, sizeof error));
    assert_non_null(strstr(error, "not a class"));
    assert_false(load_fashion_mnist(directory, true, &d, error, sizeof error));
    assert_non_null(strstr(error, "dataset-fashion-mnist")); /* names the package */
    /* well-formed IDX files of 2 x 2 images where Fashion-MNIST's are: refused, not
     * read past their end by the 784-input network */
    char train_images[256], train_labels[256];
    snprintf(train_images, sizeof train_images, "%s/train-images-idx3-ubyte.gz", directory);
    snprintf(train_labels, sizeof train_labels, "%s/train-labels-idx1-ubyte.gz", directory);
    write_gz(train_images, image_bytes, sizeof image_bytes);
    write_gz(train_labels, label_bytes, sizeof label_bytes);
    assert_false(load_fashion_mnist(directory, true, &d, error, sizeof error));
    assert_non_null(strstr(error, "2 images of 4 pixels, not Fashion-MNIST's 28 x 28"));
    unlink(train_images), unlink(train_labels);
    unlink(images), unlink(labels), rmdir(directory);
}

/* The CNN's gradient along a random direction in each layer's weights and biases against
 * the central difference of its loss, smooth ops. f32 leaves a loose tolerance (10 %):
 * a smaller step drowns in rounding, a larger one moves some max-pool's winner (measured:
 * up to 6 % at this step, 0.1 % on the dense layers); a wrong term is off by far more. */
static void cnn_gradients_match_finite_differences(void **state) {
    (void)state;
    enum { IMAGES = 3 };
    static const char *const ops[] = {"tanh", "gelu"};
    float x[IMAGES * 784];
    uint8_t labels[IMAGES] = {1, 7, 3};
    uint64_t seed = 11;
    for (size_t i = 0; i < IMAGES * 784; i++)
        x[i] = (float)random_uniform(&seed);
    for (size_t k = 0; k < 2; k++) {
        actfn_op op;
        assert_int_equal(actfn_op_from_name(ops[k], &op), ACTFN_OK);
        cnn net;
        char error[128];
        assert_true(cnn_create(&net, &op, true, 5, IMAGES, error, sizeof error));
        assert_int_equal(cnn_parameters(&net),
                         9 * 32 + 32 + 288 * 64 + 64 + 3136 * 128 + 128 + 128 * 10 + 10);
        for (size_t l = 0; l < CNN_LAYERS; l++) /* biases away from 0, so that they matter */
            for (size_t j = 0; j < net.b_count[l]; j++)
                net.b[l][j] = (float)(0.1 * random_normal(&seed));
        size_t correct;
        cnn_forward(&net, x, IMAGES);
        cnn_loss(&net, labels, IMAGES, &correct, true);
        for (size_t l = 0; l < CNN_LAYERS; l++)
            for (int which = 0; which < 3; which++) {
                float *p = which ? net.b[l] : net.w[l];
                const float *g = which ? net.db[l] : net.dw[l];
                size_t n = which ? net.b_count[l] : net.w_count[l];
                float *u = malloc(n * sizeof *u), *saved = malloc(n * sizeof *saved);
                assert_non_null(u);
                assert_non_null(saved);
                memcpy(saved, p, n * sizeof *p);
                double analytic = 0, norm = 0;
                for (size_t i = 0; i < n; i++) {
                    u[i] = (float)random_normal(&seed);
                    analytic += (double)g[i] * u[i], norm += (double)u[i] * u[i];
                }
                double h = 3e-3 / sqrt(norm), loss[2];
                for (int side = 0; side < 2; side++) {
                    for (size_t i = 0; i < n; i++)
                        p[i] = (float)(saved[i] + (side ? -h : h) * u[i]);
                    cnn_forward(&net, x, IMAGES);
                    loss[side] = cnn_loss(&net, labels, IMAGES, &correct, false);
                }
                memcpy(p, saved, n * sizeof *p);
                double numeric = (loss[0] - loss[1]) / (2 * h);
                if (fabs(numeric - analytic) > 0.1 * fabs(analytic) + 1e-4) {
                    print_error("%s layer %zu %s: analytic %.6g, numeric %.6g\n", ops[k], l,
                                which ? "bias" : "weights", analytic, numeric);
                    fail();
                }
                free(u), free(saved);
            }
        cnn_free(&net);
    }
}

/* The CNN's loops against their definitions: im2col tap by tap with zero padding, col2im
 * as its adjoint (<im2col x, y> = <x, col2im y>, exact on small integers), max-pooling
 * taking the first of equal values and a NaN, its backward putting each gradient back
 * where the maximum was. Odd channel counts, so that the vector loops have tails. */
static void cnn_loops_match_their_definitions(void **state) {
    (void)state;
    enum { IMAGES = 2, SIDE = 6, MOST = 19 * 9 };
    static const size_t channel_counts[] = {1, 3, 19};
    uint64_t seed = 3;
    for (size_t t = 0; t < 3; t++) {
        size_t ch = channel_counts[t], pixels = IMAGES * SIDE * SIDE, k = 9 * ch;
        float *in = malloc(pixels * ch * sizeof *in), *col = malloc(pixels * k * sizeof *col);
        float *y = malloc(pixels * k * sizeof *y), *back = malloc(pixels * ch * sizeof *back);
        assert_true(in && col && y && back && k <= MOST);
        for (size_t i = 0; i < pixels * ch; i++)
            in[i] = (float)(random_next(&seed) % 7) - 3;
        for (size_t i = 0; i < pixels * k; i++)
            y[i] = (float)(random_next(&seed) % 5) - 2;
        cnn_im2col(in, IMAGES, SIDE, ch, col);
        for (size_t n = 0; n < IMAGES; n++)
            for (size_t py = 0; py < SIDE; py++)
                for (size_t px = 0; px < SIDE; px++)
                    for (size_t tap = 0; tap < 9; tap++)
                        for (size_t c = 0; c < ch; c++) {
                            long sy = (long)py + (long)(tap / 3) - 1;
                            long sx = (long)px + (long)(tap % 3) - 1;
                            bool inside = sy >= 0 && sx >= 0 && sy < SIDE && sx < SIDE;
                            float want =
                                inside ? in[((n * SIDE + (size_t)sy) * SIDE + (size_t)sx) * ch + c]
                                       : 0.0f;
                            size_t line = (n * SIDE + py) * SIDE + px;
                            assert_true(col[line * k + tap * ch + c] == want);
                        }
        cnn_col2im(y, IMAGES, SIDE, ch, back);
        double forward = 0, adjoint = 0;
        for (size_t i = 0; i < pixels * k; i++)
            forward += (double)col[i] * y[i];
        for (size_t i = 0; i < pixels * ch; i++)
            adjoint += (double)in[i] * back[i];
        assert_true(forward == adjoint);

        /* pooling: few distinct values, so that windows hold ties; then NaNs */
        size_t pooled = IMAGES * (SIDE / 2) * (SIDE / 2) * ch;
        float *out = malloc(pooled * sizeof *out), *g = malloc(pooled * sizeof *g);
        uint8_t *from = malloc(pooled);
        assert_true(out && g && from);
        for (int round = 0; round < 2; round++) {
            if (round == 1)
                for (size_t i = 0; i < pixels * ch; i += 5)
                    in[i] = NAN;
            cnn_max_pool(in, IMAGES, SIDE, ch, out, from);
            for (size_t i = 0; i < pooled; i++)
                g[i] = (float)(i + 1);
            cnn_max_unpool(g, from, IMAGES, SIDE, ch, back);
            size_t half = SIDE / 2;
            for (size_t n = 0; n < IMAGES; n++)
                for (size_t py = 0; py < half; py++)
                    for (size_t px = 0; px < half; px++)
                        for (size_t c = 0; c < ch; c++) {
                            size_t at[4], best = 0, o = ((n * half + py) * half + px) * ch + c;
                            for (size_t q = 0; q < 4; q++)
                                at[q] =
                                    ((n * SIDE + 2 * py + q / 2) * SIDE + 2 * px + q % 2) * ch + c;
                            for (size_t q = 1; q < 4; q++) {
                                float v = in[at[q]], b = in[at[best]];
                                if (!isnan(b) && (isnan(v) || v > b)) best = q;
                            }
                            assert_int_equal(from[o], best);
                            assert_memory_equal(&out[o], &in[at[best]], sizeof(float));
                            for (size_t q = 0; q < 4; q++)
                                assert_true(back[at[q]] == (q == best ? g[o] : 0.0f));
                        }
        }
        free(in), free(col), free(y), free(back), free(out), free(g), free(from);
    }
}

/* v rounded to f16 and back by the library's conversion: the lab's rounding's reference. */
static float through_f16(float v) {
    uint16_t h;
    float back;
    actfn_convert(&v, ACTFN_F32, &h, ACTFN_F16, 1);
    actfn_convert(&h, ACTFN_F16, &back, ACTFN_F32, 1);
    return back;
}

static void same_float(float got, float want, float input) {
    uint32_t g, w;
    memcpy(&g, &got, sizeof g), memcpy(&w, &want, sizeof w);
    if (isnan(got) && isnan(want)) return;
    if (g != w) {
        print_error("rounding %a to f16: %a, the conversion gives %a\n", (double)input, (double)got,
                    (double)want);
        fail();
    }
}

/* narrow_round_f16 against actfn_convert: every f32 bit pattern in steps of 251 (17
 * million, both signs, every exponent), and each f16 value, tie and neighbour. */
static void f16_rounding_matches_the_conversion(void **state) {
    (void)state;
    for (uint64_t u = 0; u <= 0xffffffffu; u += 251) {
        uint32_t bits = (uint32_t)u;
        float v;
        memcpy(&v, &bits, sizeof v);
        same_float(narrow_round_f16(v), through_f16(v), v);
    }
    for (uint32_t h = 0; h < 0x7c00; h++) { /* f16's finite magnitudes: ties at 2^12 */
        uint16_t half = (uint16_t)h;
        float value;
        actfn_convert(&half, ACTFN_F16, &value, ACTFN_F32, 1);
        uint32_t bits;
        memcpy(&bits, &value, sizeof bits);
        uint32_t probes[] = {bits, bits + 0x1000u, bits + 0xfffu, bits + 0x1001u, bits - 1};
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
            for (int negative = 0; negative < 2; negative++) {
                uint32_t b = probes[k] | (negative ? 0x80000000u : 0);
                float v;
                memcpy(&v, &b, sizeof v);
                same_float(narrow_round_f16(v), through_f16(v), v);
            }
    }
}

/* The f16-accumulating product against a plain triple loop that rounds each step with
 * the library's conversion: sizes with vector tails, zeros among a's values (skipped by
 * the product), a row stride wider than the row. */
static void f16_sums_product_rounds_every_step(void **state) {
    (void)state;
    enum { M = 5, N = 37, K = 70, LDA = 73, LDC = 41 };
    static float a[M * LDA], b[K * N], c[M * LDC];
    uint64_t seed = 11;
    for (size_t i = 0; i < M * LDA; i++)
        a[i] = i % 3 == 0 ? 0 : through_f16((float)random_normal(&seed));
    for (size_t i = 0; i < K * N; i++)
        b[i] = through_f16((float)(0.1 * random_normal(&seed)));
    narrow_gemm_f16(M, N, K, a, LDA, b, N, c, LDC);
    size_t inexact = 0;
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float sum = 0;
            double exact = 0;
            for (size_t p = 0; p < K; p++) {
                sum = through_f16(sum + through_f16(a[i * LDA + p] * b[p * N + j]));
                exact += (double)a[i * LDA + p] * b[p * N + j];
            }
            inexact += (double)sum != exact;
            same_float(c[i * LDC + j], sum, (float)exact);
        }
    assert_true(inexact > M * N / 2); /* the sums did round */
}

/* Training in both 16-bit modes: every stored tensor holds f16 values (the logits, the
 * hidden activations, the gradients, the rounded weights), and the loss falls. */
static void sixteen_bit_training_stays_in_f16(void **state) {
    (void)state;
    dataset all;
    make_spirals(512, 3, &all);
    mlp_precision modes[2] = {MLP_F16, MLP_F16_SUMS};
    for (int m = 0; m < 2; m++)
        for (int norm = 0; norm < 2; norm++) {
            mlp net;
            create_spiral_net(&net, 32, actfn_op_init(ACTFN_RELU), 5, modes[m], norm == 1, 128);
            enum { EPOCHS = 20 };
            epoch_result r[EPOCHS];
            train_config t = {.epochs = EPOCHS,
                              .batch = 64,
                              .optimizer = MLP_ADAM,
                              .learning_rate = 1e-2,
                              .seed = 3,
                              .label = "f16",
                              .quiet = true};
            train(&net, &all, NULL, &t, r);
            assert_true(r[EPOCHS - 1].loss < 0.8 * r[0].loss);
            net.training = true;
            mlp_forward(&net, all.x, 128, false);
            size_t correct;
            mlp_loss(&net, all.label, 128, &correct, true);
            const float *tensors[] = {net.a[1],  net.a[2],  net.a[3],       net.dw[0],
                                      net.dw[1], net.db[2], net.w_round[0], net.dz};
            size_t counts[] = {128 * 32, 128 * 32, 128 * 2, 2 * 32, 32 * 32, 2, 2 * 32, 128 * 32};
            for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
                for (size_t i = 0; i < counts[k]; i++)
                    same_float(tensors[k][i], through_f16(tensors[k][i]), tensors[k][i]);
            mlp_free(&net);
        }
    mlp_config f64 = {.layers = 1, .sizes = {2, 2}, .dtype = ACTFN_F64, .precision = MLP_F16};
    mlp refused;
    char error[128];
    assert_false(mlp_create(&refused, &f64, 4, error, sizeof error));
    dataset_free(&all);
}

/* The 8-bit grid: every hidden relu input is a multiple of max |z| / 127 (at most 127 of
 * them), some of them exactly 0, and the f32 network without the grid has no zeros. */
static void int8_grid_puts_relu_inputs_on_the_grid(void **state) {
    (void)state;
    dataset all;
    make_spirals(256, 9, &all);
    size_t zeros[2] = {0, 0};
    for (int grid = 0; grid < 2; grid++) {
        mlp net;
        create_spiral_net(&net, 64, actfn_op_init(ACTFN_RELU), 4, grid ? MLP_INT8_GRID : MLP_WIDE,
                          false, 256);
        mlp_forward(&net, all.x, 256, false);
        for (size_t l = 0; l < 2; l++) {
            const float *z = net.z[l];
            double largest = 0;
            for (size_t i = 0; i < 256 * 64; i++)
                largest = fmax(largest, fabs(z[i]));
            for (size_t i = 0; i < 256 * 64; i++) {
                double steps = z[i] / (largest / 127);
                if (grid) assert_true(fabs(steps - nearbyint(steps)) < 1e-4);
            }
            zeros[grid] += net.zeros[l];
        }
        mlp_free(&net);
    }
    assert_int_equal(zeros[0], 0);
    assert_true(zeros[1] > 0);
    dataset_free(&all);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gradients_match_finite_differences),
        cmocka_unit_test(relu_learns_the_spirals_and_a_linear_model_cannot),
        cmocka_unit_test(cnn_gradients_match_finite_differences),
        cmocka_unit_test(cnn_loops_match_their_definitions),
        cmocka_unit_test(idx_reader_refuses_malformed_files),
        cmocka_unit_test(f16_rounding_matches_the_conversion),
        cmocka_unit_test(f16_sums_product_rounds_every_step),
        cmocka_unit_test(sixteen_bit_training_stays_in_f16),
        cmocka_unit_test(int8_grid_puts_relu_inputs_on_the_grid),
    };
    return cmocka_run_group_tests_name("lab", tests, NULL, NULL);
}
