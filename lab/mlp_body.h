/* SPDX-License-Identifier: MIT */
/* The arithmetic of mlp.c for one element type: included with T = float (cblas_s*) and
 * T = double (cblas_d*); SUFFIX names the functions, GEMM is the type's cblas_?gemm. */

#include "batch_norm_body.h"

static void SUFFIX(initialise)(mlp *net, uint64_t *seed) {
    const mlp_config *c = &net->config;
    for (size_t l = 0; l < c->layers; l++) {
        size_t in = c->sizes[l], out = mlp_units(c, l);
        /* He: var 2 / fan_in (for relu); Xavier (Glorot): var 2 / (fan_in + fan_out) */
        double sigma = c->init_gain > 0         ? c->init_gain / sqrt((double)in)
                       : c->init == MLP_INIT_HE ? sqrt(2.0 / (double)in)
                                                : sqrt(2.0 / (double)(in + out));
        T *w = net->w[l], *b = net->b[l];
        for (size_t i = 0; i < in * out; i++)
            w[i] = (T)(sigma * random_normal(seed));
        for (size_t j = 0; j < out; j++)
            b[j] = (T)(l + 1 < c->layers ? c->hidden_bias : 0);
        for (size_t j = 0; net->gamma[l] != NULL && j < out; j++)
            ((T *)net->gamma[l])[j] = 1, ((T *)net->running_var[l])[j] = 1;
    }
}

/* z on the symmetric 8-bit grid of step max |z| / 127, in place (MLP_INT8_GRID). */
static void SUFFIX(fake_quantise)(T *z, size_t n) {
    double largest = 0;
    for (size_t i = 0; i < n; i++)
        largest = fabs((double)z[i]) > largest ? fabs((double)z[i]) : largest;
    if (!(largest > 0) || !isfinite(largest)) return;
    double step = largest / 127;
    for (size_t i = 0; i < n; i++)
        z[i] = (T)(nearbyint(z[i] / step) * step);
}

static void SUFFIX(column_sums)(const T *dz, size_t rows, size_t cols, T *sums) {
    for (size_t j = 0; j < cols; j++)
        sums[j] = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++)
            sums[j] += dz[r * cols + j];
}

static void SUFFIX(forward)(mlp *net, const T *x, size_t rows, bool track) {
    const mlp_config *c = &net->config;
    net->a[0] = (void *)(uintptr_t)x;
    for (size_t l = 0; l < c->layers; l++) {
        size_t in = c->sizes[l], out = mlp_units(c, l);
        const T *w = net->w_round[l] != NULL ? net->w_round[l] : net->w[l];
        T *z = net->z[l], *a = net->a[l + 1];
        if (c->precision == MLP_F16_SUMS)
            narrow_gemm_f16(rows, out, in, (const float *)net->a[l], in, (const float *)w, out,
                            (float *)z, out);
        else
            GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)out, (int)in, 1,
                 (const T *)net->a[l], (int)in, w, (int)out, 0, z, (int)out);
        actfn_batch batch = {rows, out, out};
        bool hidden = l + 1 < c->layers;
        /* batch norm's output is rounded once, with its shift (the bias) added */
        if (hidden && c->batch_norm)
            SUFFIX(batch_norm_forward)(net, l, z, rows, out);
        else
            round_narrow(net, z, rows * out);
        double start = clock_if(net);
        if (hidden && net->uses_mask[l]) {
            actfn_op identity = actfn_op_init(ACTFN_IDENTITY);
            actfn_bias_forward(&identity, DTYPE, &batch, z, net->b[l], z);
            round_narrow(net, z, rows * out);
            if (c->precision == MLP_INT8_GRID) SUFFIX(fake_quantise)(z, rows * out);
            double paused = clock_if(net); /* the count is the lab's, not the op's */
            uint64_t zeros = 0;
            for (size_t i = 0; i < rows * out; i++)
                zeros += z[i] == 0;
            net->zeros[l] += zeros;
            net->preactivations[l] += rows * out;
            start += clock_if(net) - paused;
            actfn_mask_forward(&net->act[l], DTYPE, &batch, z, a, net->mask[l],
                               track ? &net->activity[l] : NULL);
            round_narrow(net, a, rows * out); /* leaky_relu's slope rounds */
        } else if (hidden && c->maxout > 1) { /* z + b in place, then the group maxima */
            actfn_op identity = actfn_op_init(ACTFN_IDENTITY);
            actfn_bias_forward(&identity, DTYPE, &batch, z, net->b[l], z);
            actfn_maxout_forward(DTYPE, &batch, c->maxout, z, a, c->sizes[l + 1]);
        } else {
            actfn_op op = hidden ? net->act[l] : output_op(c);
            actfn_bias_forward(&op, DTYPE, &batch, z, net->b[l], a);
            round_narrow(net, a, rows * out);
        }
        if (hidden && c->centre != 0)
            for (size_t i = 0; i < rows * c->sizes[l + 1]; i++)
                a[i] -= (T)c->centre;
        if (hidden) net->activation_seconds += clock_if(net) - start;
    }
}

/* Softmax cross-entropy of rows x classes logits: the summed loss, the number right;
 * unless d is NULL, dL/dlogits of the mean loss, (softmax - one_hot) / rows, into d. */
static double SUFFIX(softmax_loss)(const T *logits, size_t rows, size_t classes,
                                   const uint8_t *labels, size_t *correct, T *d) {
    double total = 0;
    *correct = 0;
    for (size_t r = 0; r < rows; r++) {
        const T *row = logits + r * classes;
        size_t best = 0;
        for (size_t k = 1; k < classes; k++)
            if (row[k] > row[best]) best = k;
        *correct += best == labels[r];
        double top = row[best], sum = 0;
        for (size_t k = 0; k < classes; k++)
            sum += exp((double)row[k] - top);
        total += log(sum) - ((double)row[labels[r]] - top);
        for (size_t k = 0; d != NULL && k < classes; k++)
            d[r * classes + k] =
                (T)((exp((double)row[k] - top) / sum - (k == labels[r])) / (double)rows);
    }
    return total;
}

/* Every layer's gradients from dL/d(output) in net->dz. */
static void SUFFIX(backpropagate)(mlp *net, size_t rows) {
    const mlp_config *c = &net->config;
    round_narrow(net, net->dz, rows * c->sizes[c->layers]); /* dL/d(output) */
    /* backward through the layers: dz of layer l is in net->dz, its da in net->da */
    for (size_t l = c->layers; l-- > 0;) {
        size_t in = c->sizes[l], out = mlp_units(c, l);
        actfn_batch batch = {rows, out, out};
        T *dz = net->dz, *da = net->da;
        bool hidden = l + 1 < c->layers;
        double start = clock_if(net);
        if (hidden && net->uses_mask[l]) {
            /* dz = mask backward of da; db = the column sums */
            actfn_mask_backward(&net->act[l], DTYPE, &batch, net->mask[l], da, dz);
            SUFFIX(column_sums)(dz, rows, out, net->db[l]);
        } else if (hidden && c->maxout > 1) { /* each group's gradient to its arg-max */
            actfn_maxout_backward(DTYPE, &batch, c->maxout, net->z[l], da, c->sizes[l + 1], dz);
            SUFFIX(column_sums)(dz, rows, out, net->db[l]);
        } else {
            actfn_op op = hidden ? net->act[l] : output_op(c);
            /* the output layer's dz holds dL/d(its output) from the loss: in place */
            const T *gradient = hidden ? da : dz;
            actfn_bias_backward(&op, DTYPE, &batch, net->z[l], net->b[l], gradient, dz, net->db[l]);
        }
        if (hidden) net->activation_seconds += clock_if(net) - start;
        round_narrow(net, dz, rows * out);
        round_narrow(net, net->db[l], out);
        if (hidden && c->batch_norm) {
            SUFFIX(batch_norm_backward)(net, l, dz, rows, out);
            round_narrow(net, dz, rows * out);
            round_narrow(net, net->dgamma[l], out);
        }
        /* dW = a_l^T dz; da_(l-1) = dz W^T */
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out, (int)rows, 1,
             (const T *)net->a[l], (int)in, dz, (int)out, 0, (T *)net->dw[l], (int)out);
        round_narrow(net, net->dw[l], in * out);
        double norm = 0;
        const T *dw = net->dw[l];
        for (size_t i = 0; i < in * out; i++)
            norm += (double)dw[i] * (double)dw[i];
        net->grad_norm[l] = sqrt(norm);
        if (l > 0) {
            GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)in, (int)out, 1, dz,
                 (int)out, (const T *)(net->w_round[l] != NULL ? net->w_round[l] : net->w[l]),
                 (int)out, 0, da, (int)in);
            round_narrow(net, da, rows * in);
            double squares = 0; /* dL/da of hidden layer l - 1's output */
            for (size_t i = 0; i < rows * in; i++)
                squares += (double)da[i] * (double)da[i];
            net->activation_grad_norm[l - 1] = sqrt(squares / (double)(rows * in));
        }
    }
}

/* The softmax cross-entropy, and with backward every layer's gradients. */
static double SUFFIX(loss)(mlp *net, const uint8_t *labels, size_t rows, size_t *correct,
                           bool backward) {
    const mlp_config *c = &net->config;
    double total = SUFFIX(softmax_loss)(net->a[c->layers], rows, c->sizes[c->layers], labels,
                                        correct, backward ? net->dz : NULL);
    if (backward) SUFFIX(backpropagate)(net, rows);
    return total / (double)rows;
}

/* The mean squared error over rows x outputs, and with backward every layer's gradients
 * (dL/dy = 2 (y - t) / (rows outputs)). */
static double SUFFIX(squared_loss)(mlp *net, const float *targets, size_t rows, bool backward) {
    const mlp_config *c = &net->config;
    size_t n = rows * c->sizes[c->layers];
    const T *y = net->a[c->layers];
    T *d = net->dz;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double error = (double)y[i] - (double)targets[i];
        total += error * error;
        if (backward) d[i] = (T)(2 * error / (double)n);
    }
    if (backward) SUFFIX(backpropagate)(net, rows);
    return n > 0 ? total / (double)n : 0;
}

static void SUFFIX(update)(T *p, const T *g, T *m, T *v, size_t n, mlp_optimizer optimizer,
                           double lr, double momentum, uint64_t step) {
    if (optimizer == MLP_SGD) {
        for (size_t i = 0; i < n; i++) {
            m[i] = (T)(momentum * m[i] + g[i]);
            p[i] -= (T)(lr * m[i]);
        }
        return;
    }
    const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    double c1 = 1 - pow(beta1, (double)step), c2 = 1 - pow(beta2, (double)step);
    for (size_t i = 0; i < n; i++) {
        m[i] = (T)(beta1 * m[i] + (1 - beta1) * g[i]);
        v[i] = (T)(beta2 * v[i] + (1 - beta2) * (double)g[i] * g[i]);
        p[i] -= (T)(lr * (m[i] / c1) / (sqrt(v[i] / c2) + epsilon));
    }
}

static void SUFFIX(step)(mlp *net, mlp_optimizer optimizer, double lr, double momentum) {
    const mlp_config *c = &net->config;
    net->steps++;
    for (size_t l = 0; l < c->layers; l++) {
        size_t in = c->sizes[l], out = mlp_units(c, l);
        SUFFIX(update)
        (net->w[l], net->dw[l], net->m_w[l], net->v_w[l], in * out, optimizer, lr, momentum,
         net->steps);
        SUFFIX(update)
        (net->b[l], net->db[l], net->m_b[l], net->v_b[l], out, optimizer, lr, momentum, net->steps);
        if (net->gamma[l] != NULL) { /* batch norm's scale */
            T *gamma = net->gamma[l];
            SUFFIX(update)
            (gamma, net->dgamma[l], net->m_g[l], net->v_g[l], out, optimizer, lr, momentum,
             net->steps);
        }
        if (net->w_round[l] != NULL) {
            memcpy(net->w_round[l], net->w[l], in * out * sizeof(T));
            round_narrow(net, net->w_round[l], in * out);
        }
    }
}
