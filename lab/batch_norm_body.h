/* SPDX-License-Identifier: MIT */
/* Batch normalisation of a hidden layer's product, for one element type (included by
 * mlp_body.h with its T and SUFFIX). The layer's bias is the shift beta: these functions
 * turn z into gamma x_hat, and the caller adds the bias as it does without batch norm;
 * backward, the gradient with respect to gamma x_hat + beta becomes the product's. */

#ifndef ACTFN_LAB_BATCH_NORM_CONSTANTS
#define ACTFN_LAB_BATCH_NORM_CONSTANTS
enum { BATCH_NORM_MAX_COLUMNS = 4096 }; /* the statistics' stack arrays */
#define BATCH_NORM_EPSILON  1e-5
#define BATCH_NORM_MOMENTUM 0.1
#endif

/* z (rows x cols) in place: (z - mean) / sd, from the batch's statistics while training
 * (the running ones updated, the variance's unbiased for them, as PyTorch), else from the
 * running ones; times gamma. The normalised values and 1 / sd kept for the backward. */
static void SUFFIX(batch_norm_forward)(mlp *net, size_t l, T *z, size_t rows, size_t cols) {
    T *gamma = net->gamma[l], *mean_run = net->running_mean[l], *var_run = net->running_var[l];
    T *normalised = net->normalised[l], *inverse_sd = net->inverse_sd[l];
    double mean[BATCH_NORM_MAX_COLUMNS], variance[BATCH_NORM_MAX_COLUMNS];
    for (size_t j = 0; j < cols; j++) {
        if (net->training && rows > 0) {
            double sum = 0, squares = 0;
            for (size_t r = 0; r < rows; r++)
                sum += z[r * cols + j];
            mean[j] = sum / (double)rows;
            for (size_t r = 0; r < rows; r++) {
                double d = z[r * cols + j] - mean[j];
                squares += d * d;
            }
            variance[j] = squares / (double)rows;
            double unbiased = rows > 1 ? squares / (double)(rows - 1) : variance[j];
            mean_run[j] =
                (T)((1 - BATCH_NORM_MOMENTUM) * mean_run[j] + BATCH_NORM_MOMENTUM * mean[j]);
            var_run[j] =
                (T)((1 - BATCH_NORM_MOMENTUM) * var_run[j] + BATCH_NORM_MOMENTUM * unbiased);
        } else {
            mean[j] = mean_run[j], variance[j] = var_run[j];
        }
        inverse_sd[j] = (T)(1 / sqrt(variance[j] + BATCH_NORM_EPSILON));
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) {
            T x_hat = (T)((z[r * cols + j] - mean[j]) * inverse_sd[j]);
            normalised[r * cols + j] = x_hat;
            z[r * cols + j] = gamma[j] * x_hat;
        }
}

/* dz (rows x cols) in place, from dL/d(gamma x_hat + beta) to dL/d(product), with dgamma:
 * dz = gamma / (rows sd) (rows g - sum g - x_hat sum g x_hat), g the incoming gradient. */
static void SUFFIX(batch_norm_backward)(mlp *net, size_t l, T *dz, size_t rows, size_t cols) {
    const T *gamma = net->gamma[l], *normalised = net->normalised[l],
            *inverse_sd = net->inverse_sd[l];
    T *dgamma = net->dgamma[l];
    for (size_t j = 0; j < cols; j++) {
        double sum = 0, weighted = 0;
        for (size_t r = 0; r < rows; r++) {
            sum += dz[r * cols + j];
            weighted += (double)dz[r * cols + j] * normalised[r * cols + j];
        }
        dgamma[j] = (T)weighted;
        double n = (double)rows, scale = gamma[j] * (double)inverse_sd[j] / n;
        for (size_t r = 0; r < rows; r++) {
            size_t i = r * cols + j;
            dz[i] = (T)(scale * (n * dz[i] - sum - normalised[i] * weighted));
        }
    }
}
