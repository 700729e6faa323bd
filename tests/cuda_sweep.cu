/* SPDX-License-Identifier: MIT */
/* cuda_sweep: every one of the 2^32 float inputs of each op's f32 kernel on the GPU
 * (src/cuda/lane_ops.cuh: the CPU's kernel bodies, one lane a thread) against the op's
 * scalar reference evaluated in double on the same GPU (within a few double ULPs, so its
 * error is below 2^-48 float ULPs), all on the device: a fraction of a second per op.
 * Prints the largest error in float ULPs and where, the results above 0.5 ULP, the ties
 * rounded the wrong way and the NaN mismatches, as tests/exhaustive does for the CPU, and
 * fails where an op exceeds its stated f32 bound (actfn_op_describe). Runs outside CI
 * (CI has no GPU): tests/gpu_check.sh runs it on a lent GPU.
 *
 * usage: cuda_sweep [--grad] [OP|CASE ...]
 *        (no OP: every op at its defaults; CASE: an op at other parameters, as
 *        tests/parameter_cases.c labels them, e.g. celu:alpha=1.9; --grad: the backward,
 *        dy = 1) */
#include "actfn.h"
#include "lane_check.h"

#include <cuda_runtime.h>

#include <stdio.h>
#include <string.h>

#include <array>
#include <utility>

namespace {

struct sweep_totals {
    unsigned long long worst;      /* error's float bits << 32 | the input's bits */
    unsigned long long above_half; /* results more than 0.5 ULP off */
    unsigned long long wrong_ties; /* exactly 0.5 ULP off, the wrong way */
    unsigned long long nan_mismatches;
};

template <actfn_kind K, bool GRADIENT>
__global__ void sweep_kernel(op_params p, unsigned long long first, unsigned long long count,
                             sweep_totals *totals) {
    float worst_error = 0;
    unsigned worst_input = 0;
    unsigned long long above_half = 0, wrong_ties = 0, nan_mismatches = 0;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
         i < count; i += stride) {
        unsigned bits = (unsigned)(first + i);
        float x = __uint_as_float(bits);
        lane_result r = lane_check<K, GRADIENT>(x, &p);
        nan_mismatches += r.nan_mismatch;
        above_half += r.error > 0.5 + 0x1p-20;
        wrong_ties += r.wrong_tie;
        if ((float)r.error > worst_error) {
            worst_error = (float)r.error;
            worst_input = bits;
        }
    }
    if (worst_error > 0)
        atomicMax(&totals->worst,
                  (unsigned long long)__float_as_uint(worst_error) << 32 | worst_input);
    if (above_half) atomicAdd(&totals->above_half, above_half);
    if (wrong_ties) atomicAdd(&totals->wrong_ties, wrong_ties);
    if (nan_mismatches) atomicAdd(&totals->nan_mismatches, nan_mismatches);
}

typedef void (*sweep_launcher)(const op_params &, bool, unsigned long long, unsigned long long,
                               sweep_totals *);

template <actfn_kind K>
void launch_sweep(const op_params &p, bool gradient, unsigned long long first,
                  unsigned long long count, sweep_totals *totals) {
    if (gradient)
        sweep_kernel<K, true><<<132 * 16, 256>>>(p, first, count, totals);
    else
        sweep_kernel<K, false><<<132 * 16, 256>>>(p, first, count, totals);
}

template <int... K> constexpr auto sweeps_of(std::integer_sequence<int, K...>) {
    return std::array<sweep_launcher, sizeof...(K)>{launch_sweep<(actfn_kind)K>...};
}

const std::array<sweep_launcher, ACTFN_KIND_COUNT> every_sweep =
    sweeps_of(std::make_integer_sequence<int, ACTFN_KIND_COUNT>());

/* 0 where the op keeps its bound over all inputs, 1 where not, 2 on a CUDA error. */
int sweep(const char *name, bool gradient) {
    actfn_op op;
    const parameter_case *c = find_parameter_case(name);
    if (c != NULL)
        op = c->op;
    else if (actfn_op_from_name(name, &op) != ACTFN_OK) {
        fprintf(stderr, "cuda_sweep: %s: %s\n", name, actfn_last_error());
        return 2;
    }
    op_params p = lane_params(op);
    sweep_totals *totals;
    if (cudaMalloc(&totals, sizeof *totals) != cudaSuccess ||
        cudaMemset(totals, 0, sizeof *totals) != cudaSuccess)
        return 2;
    const unsigned long long all = 1ull << 32, piece = 1ull << 30;
    for (unsigned long long first = 0; first < all; first += piece)
        every_sweep[op.kind](p, gradient, first, piece, totals);
    sweep_totals t;
    cudaError_t e = cudaMemcpy(&t, totals, sizeof t, cudaMemcpyDeviceToHost);
    cudaFree(totals);
    if (e != cudaSuccess) {
        fprintf(stderr, "cuda_sweep: %s\n", cudaGetErrorString(e));
        return 2;
    }
    unsigned error_bits = (unsigned)(t.worst >> 32), input_bits = (unsigned)t.worst;
    float max_ulp, input;
    memcpy(&max_ulp, &error_bits, 4);
    memcpy(&input, &input_bits, 4);
    const actfn_op_info *info = actfn_op_describe(op.kind);
    double bound = gradient ? info->max_ulp_backward_f32 : info->max_ulp_f32;
    printf("%s %s f32 on the GPU: max %.4f ULP (bound %g) at x = %.9g (0x%08x); %llu inputs above "
           "0.5 ULP; %llu ties rounded the wrong way; %llu NaN mismatches\n",
           name, gradient ? "backward" : "forward", max_ulp, bound, (double)input, input_bits,
           t.above_half, t.wrong_ties, t.nan_mismatches);
    int correctly_rounded = bound > 0.5 || (t.above_half == 0 && t.wrong_ties == 0);
    return t.nan_mismatches == 0 && correctly_rounded && max_ulp <= (bound > 1 ? bound : 1.0) ? 0
                                                                                             : 1;
}

}  // namespace

int main(int argc, char **argv) {
    bool gradient = false;
    int first_op = 1, status = 0;
    if (argc > 1 && strcmp(argv[1], "--grad") == 0) gradient = true, first_op = 2;
    if (first_op < argc) {
        for (int i = first_op; i < argc; i++) {
            int s = sweep(argv[i], gradient);
            status = s > status ? s : status;
        }
        return status;
    }
    for (int kind = 0; kind < ACTFN_KIND_COUNT; kind++) {
        int s = sweep(actfn_op_describe((actfn_kind)kind)->name, gradient);
        status = s > status ? s : status;
    }
    return status;
}
