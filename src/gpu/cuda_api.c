/* SPDX-License-Identifier: MIT */
/* The GPU entry points of actfn.h: the CPU's checks (op, dtype, parameters, NULL arrays,
 * overlap, batch layout), then the kernels of libactfn_cuda.so (src/cuda/), loaded once
 * with dlopen, so that the library needs no CUDA to build, load or run. */
#define _GNU_SOURCE /* dladdr */
#include "api/array_checks.h"
#include "api/errors.h"
#include "api/op_descriptor.h"
#include "cuda/plugin.h"
#include "layers/layer_call.h"
#include "spec/dtypes.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cuda_plugin *plugin;
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

typedef const cuda_plugin *(*plugin_entry)(void);

static void *open_library(void) {
    const char *path = getenv("ACTFN_CUDA_LIBRARY");
    if (path != NULL && path[0] != '\0') return dlopen(path, RTLD_NOW | RTLD_LOCAL);
    Dl_info self; /* beside libactfn: the build tree, or the installed libdir */
    if (dladdr((void *)actfn_cuda_available, &self) != 0 && self.dli_fname != NULL) {
        char beside[4096];
        const char *slash = strrchr(self.dli_fname, '/');
        int length = slash == NULL ? 0 : (int)(slash - self.dli_fname) + 1;
        snprintf(beside, sizeof beside, "%.*slibactfn_cuda.so", length, self.dli_fname);
        void *handle = dlopen(beside, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return dlopen("libactfn_cuda.so", RTLD_NOW | RTLD_LOCAL);
}

static void load_plugin(void) {
    void *handle = open_library();
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "no CUDA kernels: libactfn_cuda.so could not be loaded (%s); actfn builds it "
                 "where nvcc is found",
                 why != NULL ? why : "not found");
        return;
    }
    plugin_entry entry = (plugin_entry)(size_t)dlsym(handle, "actfn_cuda_plugin");
    const cuda_plugin *loaded = entry != NULL ? entry() : NULL;
    if (loaded == NULL || loaded->abi != CUDA_PLUGIN_ABI) {
        snprintf(load_error, sizeof load_error,
                 "libactfn_cuda.so is not this version's (interface %d, expected %d)",
                 loaded != NULL ? loaded->abi : -1, CUDA_PLUGIN_ABI);
        return;
    }
    int count = 0, code = loaded->device_count(&count);
    if (code != 0 || count == 0) {
        snprintf(load_error, sizeof load_error, "no CUDA device: %s",
                 code != 0 ? loaded->error_string(code) : "none found");
        return;
    }
    plugin = loaded;
}

/* The plugin, or NULL with the reason recorded. */
static const cuda_plugin *loaded_plugin(const char *function) {
    pthread_once(&load_once, load_plugin);
    if (plugin == NULL) fail(ACTFN_ERR_UNSUPPORTED, "%s: %s", function, load_error);
    return plugin;
}

static actfn_status launched(const char *function, int code) {
    if (code == 0) return ACTFN_OK;
    return fail(ACTFN_ERR_UNSUPPORTED, "%s: CUDA: %s", function, plugin->error_string(code));
}

/* Every array given must be memory a kernel can read. */
static actfn_status check_device(const char *function, int count, const void *const *arrays) {
    for (int i = 0; i < count; i++) {
        int device = 0, code = plugin->is_device_memory(arrays[i], &device);
        if (code != 0) return launched(function, code);
        if (!device)
            return fail(ACTFN_ERR_BAD_PARAMETER, "%s: array %d is not GPU memory", function, i + 1);
    }
    return ACTFN_OK;
}

actfn_status actfn_cuda_available(void) {
    return loaded_plugin("actfn_cuda_available") != NULL ? ACTFN_OK : ACTFN_ERR_UNSUPPORTED;
}

actfn_status actfn_cuda_synchronize(void *stream) {
    static const char function[] = "actfn_cuda_synchronize";
    if (loaded_plugin(function) == NULL) return ACTFN_ERR_UNSUPPORTED;
    return launched(function, plugin->synchronize(stream));
}

/* The checks of actfn_forward / actfn_backward (/ _from_output: from_output), then the
 * plugin's. */
static actfn_status prepare_elements(const char *function, const actfn_op *op, actfn_dtype dtype,
                                     const void *input, const void *second, void *output, size_t n,
                                     bool from_output, const op_def **def, op_params *params) {
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, def, params));
    if (from_output) CHECK(check_output_backward(*def, params));
    if (n == 0) return ACTFN_OK;
    CHECK(check_arrays(function, dtype, n, input, second, output));
    if (loaded_plugin(function) == NULL) return ACTFN_ERR_UNSUPPORTED;
    const void *arrays[] = {input, second, output};
    return check_device(function, 3, arrays);
}

actfn_status actfn_cuda_forward(const actfn_op *op, actfn_dtype dtype, const void *x, void *y,
                                size_t n, void *stream) {
    static const char function[] = "actfn_cuda_forward";
    const op_def *def;
    op_params params;
    CHECK(prepare_elements(function, op, dtype, x, x, y, n, false, &def, &params));
    if (n == 0) return ACTFN_OK;
    return launched(function, plugin->forward(op->kind, dtype, &params, def->above_half_x_near_zero,
                                              x, y, n, stream));
}

actfn_status actfn_cuda_backward(const actfn_op *op, actfn_dtype dtype, const void *x,
                                 const void *dy, void *dx, size_t n, void *stream) {
    static const char function[] = "actfn_cuda_backward";
    const op_def *def;
    op_params params;
    CHECK(prepare_elements(function, op, dtype, x, dy, dx, n, false, &def, &params));
    if (n == 0) return ACTFN_OK;
    return launched(function, plugin->backward(op->kind, dtype, &params, 0, x, dy, dx, n, stream));
}

actfn_status actfn_cuda_backward_from_output(const actfn_op *op, actfn_dtype dtype, const void *y,
                                             const void *dy, void *dx, size_t n, void *stream) {
    static const char function[] = "actfn_cuda_backward_from_output";
    const op_def *def;
    op_params params;
    CHECK(prepare_elements(function, op, dtype, y, dy, dx, n, true, &def, &params));
    if (n == 0) return ACTFN_OK;
    return launched(function, plugin->backward(op->kind, dtype, &params, 1, y, dy, dx, n, stream));
}

/* The checks of the CPU's layer ops: batch, arrays, overlaps; then the plugin's. */
static actfn_status prepare_batch(const char *function, actfn_dtype dtype, const actfn_batch *batch,
                                  int count, const void *const *arrays) {
    CHECK(check_dtype(function, dtype));
    CHECK(check_batch(function, batch, dtype));
    if (is_empty(batch)) return ACTFN_OK;
    CHECK(check_pointers(function, count, arrays));
    if (loaded_plugin(function) == NULL) return ACTFN_ERR_UNSUPPORTED;
    return check_device(function, count, arrays);
}

actfn_status actfn_cuda_mask_forward(const actfn_op *op, actfn_dtype dtype,
                                     const actfn_batch *batch, const void *x, void *y,
                                     uint8_t *mask, uint64_t *active, void *stream) {
    static const char function[] = "actfn_cuda_mask_forward";
    op_params params;
    bool zero_bit;
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &params, &zero_bit));
    const void *arrays[] = {x, y, mask, active};
    CHECK(prepare_batch(function, dtype, batch, active != NULL ? 4 : 3, arrays));
    if (is_empty(batch)) return ACTFN_OK;
    size_t bytes = span(batch, dtype), mask_bytes = batch->rows * actfn_mask_row_bytes(batch->cols);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, mask, mask_bytes, x, bytes, false));
    CHECK(check_output(function, mask, mask_bytes, y, bytes, false));
    return launched(function,
                    plugin->mask_forward(op->kind, dtype, &params, zero_bit, batch->rows,
                                         batch->cols, batch->stride, x, y, mask, active, stream));
}

actfn_status actfn_cuda_mask_backward(const actfn_op *op, actfn_dtype dtype,
                                      const actfn_batch *batch, const uint8_t *mask, const void *dy,
                                      void *dx, void *stream) {
    static const char function[] = "actfn_cuda_mask_backward";
    op_params params;
    bool zero_bit;
    CHECK(check_dtype(function, dtype));
    CHECK(prepare_mask_op(function, op, dtype, &params, &zero_bit));
    const void *arrays[] = {mask, dy, dx};
    CHECK(prepare_batch(function, dtype, batch, 3, arrays));
    if (is_empty(batch)) return ACTFN_OK;
    size_t bytes = span(batch, dtype), mask_bytes = batch->rows * actfn_mask_row_bytes(batch->cols);
    CHECK(check_output(function, dx, bytes, dy, bytes, true));
    CHECK(check_output(function, dx, bytes, mask, mask_bytes, false));
    double slope = op->kind == ACTFN_LEAKY_RELU ? params.negative_slope : 0;
    return launched(function, plugin->mask_backward(dtype, slope, batch->rows, batch->cols,
                                                    batch->stride, mask, dy, dx, stream));
}

actfn_status actfn_cuda_bias_forward(const actfn_op *op, actfn_dtype dtype,
                                     const actfn_batch *batch, const void *x, const void *bias,
                                     void *y, void *stream) {
    static const char function[] = "actfn_cuda_bias_forward";
    const op_def *def;
    op_params params;
    CHECK(check_dtype(function, dtype));
    CHECK(op_prepare(op, dtype, &def, &params));
    const void *arrays[] = {x, bias, y};
    CHECK(prepare_batch(function, dtype, batch, 3, arrays));
    if (is_empty(batch)) return ACTFN_OK;
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, bias, batch->cols * dtype_size(dtype), false));
    return launched(function, plugin->bias_forward(op->kind, dtype, &params,
                                                   def->above_half_x_near_zero, batch->rows,
                                                   batch->cols, batch->stride, x, bias, y, stream));
}

actfn_status actfn_cuda_prelu_forward(actfn_dtype dtype, const actfn_batch *batch, const void *x,
                                      const void *slopes, void *y, void *stream) {
    static const char function[] = "actfn_cuda_prelu_forward";
    const void *arrays[] = {x, slopes, y};
    CHECK(prepare_batch(function, dtype, batch, 3, arrays));
    if (is_empty(batch)) return ACTFN_OK;
    size_t bytes = span(batch, dtype);
    CHECK(check_output(function, y, bytes, x, bytes, true));
    CHECK(check_output(function, y, bytes, slopes, batch->cols * dtype_size(dtype), false));
    return launched(function, plugin->prelu_forward(dtype, batch->rows, batch->cols, batch->stride,
                                                    x, slopes, y, stream));
}
