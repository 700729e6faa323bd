/* SPDX-License-Identifier: MIT */
/*
 * actfn — neural-network activation functions, forward and backward.
 *
 * This header is the whole public API. Every function is documented where it is
 * declared; docs/semantics.md (installed in share/doc/actfn, with docs/accuracy.md) holds
 * the same rules as tables, with what PyTorch and NumPy do beside them.
 *
 * Rules that hold for every function below unless its comment says otherwise:
 *  - Arrays are contiguous and hold n elements of the given dtype. n = 0 is valid with
 *    any pointers, NULL included, and does nothing.
 *  - In place is allowed: an output may be the very same pointer as an input. Arrays that
 *    overlap without being identical are rejected with ACTFN_ERR_OVERLAP.
 *  - Nothing is read or written outside [0, n). On an error nothing is written.
 *  - n times the element size must not exceed PTRDIFF_MAX, nor an array pass the end of
 *    the address space (ACTFN_ERR_BAD_PARAMETER). Arrays are aligned to their element,
 *    as C asks of a float or double pointer (the vector paths take any address).
 *  - NaN in gives NaN out, forward and backward. The NaN's payload is not specified.
 *  - Subnormal inputs and results are never flushed to zero; the library never reads or
 *    changes the floating-point control register.
 *  - Every function is thread safe: calls from several threads at once, on separate or
 *    shared read-only inputs, are fine.
 */
#ifndef ACTFN_H
#define ACTFN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the exported symbols; the library is built with hidden visibility. */
#if defined(ACTFN_BUILDING) && defined(__GNUC__)
#define ACTFN_API __attribute__((visibility("default")))
#else
#define ACTFN_API
#endif

#define ACTFN_VERSION_MAJOR 0
#define ACTFN_VERSION_MINOR 1
#define ACTFN_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
ACTFN_API const char *actfn_version(void);

/* The instruction set the kernels run on: "avx512", "avx2", "sse2", "neon" or "scalar".
 * Chosen once, at the first call, as the best the CPU supports; the environment variable
 * ACTFN_ISA (scalar, sse2, avx2, avx512, neon) caps it, for testing and comparison.
 * Every ISA gives the same results bit for bit for the exact ops, and results within
 * the documented bounds for the others. */
ACTFN_API const char *actfn_isa(void);

/* ---------------------------------------------------------------------------------- */
/* Status codes                                                                        */
/* ---------------------------------------------------------------------------------- */

typedef enum actfn_status {
    ACTFN_OK = 0,
    ACTFN_ERR_NULL_POINTER = 1,      /* a pointer is NULL while n > 0 (or op is NULL) */
    ACTFN_ERR_UNKNOWN_OP = 2,        /* op->kind, or an op name, is not an actfn_kind */
    ACTFN_ERR_UNKNOWN_DTYPE = 3,     /* dtype is not an actfn_dtype */
    ACTFN_ERR_BAD_PARAMETER = 4,     /* a parameter is out of its documented range */
    ACTFN_ERR_UNKNOWN_PARAMETER = 5, /* the op has no parameter of that name */
    ACTFN_ERR_UNSUPPORTED = 6,       /* e.g. a backward from the output the op cannot do */
    ACTFN_ERR_OVERLAP = 7,           /* arrays overlap without being the same array */
    ACTFN_ERR_OUT_OF_MEMORY = 8      /* scratch of a layer op, a prepared op (nothing written) */
} actfn_status;

/* A static English sentence for a status code; unknown codes get a message too. */
ACTFN_API const char *actfn_strerror(actfn_status status);

/* The detailed message of the last call on this thread that failed, naming the op,
 * parameter and value (e.g. "clipped_relu: cap must be > 0, got -1"). Empty if no call
 * on this thread has failed. The string stays valid until this thread's next actfn call. */
ACTFN_API const char *actfn_last_error(void);

/* ---------------------------------------------------------------------------------- */
/* Threads                                                                             */
/* ---------------------------------------------------------------------------------- */
/* Large arrays are split across a pool of threads (the calling thread takes a part).
 * Each element's result is the same as in a serial call. While one call uses the pool,
 * a concurrent call from another thread runs serially instead of adding threads, so the
 * machine is never oversubscribed. After a call the pool's threads spin for up to 100
 * microseconds before they sleep, so that a following call starts them at once (waking
 * a sleeping thread can cost tens of microseconds); they use no CPU beyond that.
 * actfn_set_num_threads(count): at most count threads per call, the caller included;
 * 0 restores the default (the environment variable ACTFN_NUM_THREADS, a whole number
 * from 1 up capped at 4 times the online CPUs, else the number of online CPUs; a value
 * that does not parse is named on stderr, once); 1 makes every call serial. Errors:
 * ACTFN_ERR_BAD_PARAMETER for a count outside [0, 64]. Thread safe. */
ACTFN_API actfn_status actfn_set_num_threads(int count);
/* The number of threads a call may use now, at least 1. */
ACTFN_API int actfn_get_num_threads(void);

/* ---------------------------------------------------------------------------------- */
/* Element types                                                                       */
/* ---------------------------------------------------------------------------------- */

/* The 16-bit types are stored as uint16_t bit patterns. Their ops compute in double
 * (parameters rounded to float, as for f32) and round once to the 16-bit type, to
 * nearest, ties to even: every result is the correctly rounded one (docs/semantics.md).
 * Subnormals are kept, NaN stays NaN. */
typedef enum actfn_dtype {
    ACTFN_F32 = 1,  /* IEEE binary32, `float` */
    ACTFN_F64 = 2,  /* IEEE binary64, `double` */
    ACTFN_F16 = 3,  /* IEEE binary16 (half): 1 sign, 5 exponent, 10 mantissa bits */
    ACTFN_BF16 = 4, /* bfloat16: the top 16 bits of a float (8 exponent, 7 mantissa bits) */
    ACTFN_S8 = 5,   /* quantized int8_t: through actfn_forward_quantized only */
    ACTFN_U8 = 6    /* quantized uint8_t: through actfn_forward_quantized only */
} actfn_dtype;

/* An affine quantization, as TFLite and XNNPACK's qs8 / qu8 define it: the integer q
 * stands for the real value scale * (q - zero_point). */
typedef struct actfn_quantization {
    double scale;       /* finite, > 0 */
    int32_t zero_point; /* within the integer type's range */
} actfn_quantization;

/* ---------------------------------------------------------------------------------- */
/* Operations                                                                          */
/* ---------------------------------------------------------------------------------- */

/* The activation functions. Names and parameters follow torch.nn.functional. */
typedef enum actfn_kind {
    ACTFN_IDENTITY = 0,      /* x; no activation at all */
    ACTFN_RELU = 1,          /* max(0, x) */
    ACTFN_LEAKY_RELU = 2,    /* x > 0 ? x : negative_slope * x */
    ACTFN_RELU6 = 3,         /* min(max(0, x), 6) */
    ACTFN_CLIPPED_RELU = 4,  /* min(max(0, x), cap) */
    ACTFN_HARDTANH = 5,      /* min(max(min_val, x), max_val) */
    ACTFN_ELU = 6,           /* x > 0 ? x : alpha * (exp(x) - 1) */
    ACTFN_SELU = 7,          /* scale * (x > 0 ? x : alpha * (exp(x) - 1)), fixed constants */
    ACTFN_CELU = 8,          /* x > 0 ? x : alpha * (exp(x / alpha) - 1) */
    ACTFN_GELU = 9,          /* x * Phi(x), Phi the normal CDF (erf form, exact) */
    ACTFN_GELU_TANH = 10,    /* x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) */
    ACTFN_SILU = 11,         /* x * sigmoid(x), also called swish */
    ACTFN_MISH = 12,         /* x * tanh(softplus(x)) */
    ACTFN_SOFTPLUS = 13,     /* beta*x > threshold ? x : log(1 + exp(beta * x)) / beta */
    ACTFN_SIGMOID = 14,      /* 1 / (1 + exp(-x)) */
    ACTFN_TANH = 15,         /* tanh(x) */
    ACTFN_HARDSIGMOID = 16,  /* min(max(0, x + 3), 6) / 6 */
    ACTFN_HARDSWISH = 17,    /* x * min(max(0, x + 3), 6) / 6 */
    ACTFN_SQUARED_RELU = 18, /* max(0, x)^2 (So et al. 2021, Primer) */
    ACTFN_SOFTSIGN = 19,     /* x / (1 + |x|) */
    ACTFN_LOGSIGMOID = 20,   /* log(1 / (1 + exp(-x))) = -softplus(-x) */
    ACTFN_HARDSHRINK = 21,   /* |x| > lambd ? x : 0 */
    ACTFN_SOFTSHRINK = 22,   /* x > lambd ? x - lambd : x < -lambd ? x + lambd : 0 */
    ACTFN_TANHSHRINK = 23,   /* x - tanh(x) */
    ACTFN_THRESHOLD = 24,    /* x > threshold ? x : value (torch.nn.Threshold) */
    ACTFN_SQUAREPLUS = 25,   /* (x + sqrt(x^2 + b)) / 2 (So 2021; jax.nn.squareplus) */
    ACTFN_RRELU = 26,     /* x > 0 ? x : (lower + upper) / 2 * x; training: actfn_rrelu_train_* */
    ACTFN_KIND_COUNT = 27 /* the number of kinds; not an op */
} actfn_kind;

/* An op: its kind and its parameters. Make one with actfn_op_init() (which fills in the
 * defaults), then change the fields you need, directly or with actfn_op_set(). Fields
 * that the kind does not use are ignored. For f32 every parameter is first rounded to
 * float, as PyTorch does for a float tensor; the op is then exact or accurate with
 * respect to the rounded parameter.
 *
 * Parameters (default; valid range):
 *   negative_slope  leaky_relu                  (0.01; finite)
 *   cap             clipped_relu                (6; > 0, +inf allowed)
 *   min_val         hardtanh                    (-1; not NaN, <= max_val)
 *   max_val         hardtanh                    (1; not NaN, >= min_val)
 *   alpha           elu (1; finite), celu (1; finite and != 0)
 *   beta            softplus                    (1; finite and > 0)
 *   threshold       softplus (20; not NaN), threshold (0; not NaN)
 *   value           threshold                   (0; not NaN): the result at or below it
 *   lambd           hardshrink, softshrink      (0.5; not NaN, >= 0; +inf allowed)
 *   b               squareplus                  (4; finite and > 0)
 *   lower, upper    rrelu                       (1/8, 1/3; finite, lower <= upper): the
 *                   range of the random slopes in training; the op itself (eval mode,
 *                   as torch) is leaky_relu with slope (lower + upper) / 2, rounded to
 *                   the dtype, and that slope as its derivative at 0
 *   grad_at_zero    the derivative used at x == 0 (either zero), where the function has
 *                   a kink there: relu, relu6, clipped_relu (0; in [0, 1]);
 *                   leaky_relu (NaN, meaning "equal to negative_slope", as PyTorch; else
 *                   between negative_slope and 1 inclusive). Any such value is a valid
 *                   subgradient. */
/* How exact the smooth ops are, and so how fast (SLEEF's choice of ULP bound per call).
 * Either tier keeps every rule of docs/semantics.md: NaN in gives NaN out, the signs of
 * zero, the limits at +-inf, subnormal results kept (never flushed), and the far tails
 * (gelu, silu, mish, elu) computed to their representable values, never collapsed to 0.
 * Only the bound on the error differs, per op, as actfn_op_describe() reports and
 * docs/accuracy.md lists, each measured over all 2^32 float inputs. The exact ops (relu,
 * leaky_relu, the clamps, ...) are exact in both, but for hardswish, whose f32 forward at
 * ACTFN_FAST is within its max_ulp_fast_f32; f64, f16 and bf16 are accurate in both (the
 * 16-bit results stay correctly rounded). */
typedef enum actfn_accuracy {
    ACTFN_ACCURATE = 0, /* the default: f32 within 1 ULP (max_ulp_f32) */
    ACTFN_FAST = 1      /* f32 within max_ulp_fast_f32 (at most 4 ULP), for speed */
} actfn_accuracy;

typedef struct actfn_op {
    actfn_kind kind;
    double negative_slope;
    double cap;
    double min_val;
    double max_val;
    double alpha;
    double beta;
    double threshold;
    double grad_at_zero;
    double value;
    double lambd;
    double b;
    double lower;
    double upper;
    actfn_accuracy accuracy; /* ACTFN_ACCURATE (the default) or ACTFN_FAST, any op */
} actfn_op;

/* An op of the given kind with every parameter at its default. For a kind outside
 * actfn_kind the result has that kind and fails validation with ACTFN_ERR_UNKNOWN_OP. */
ACTFN_API actfn_op actfn_op_init(actfn_kind kind);

/* Looks an op up by its name ("relu", "leaky_relu", "gelu_tanh", ... as actfn_op_name
 * gives them) and stores it, with default parameters, in *op.
 * Errors: ACTFN_ERR_NULL_POINTER, ACTFN_ERR_UNKNOWN_OP (nothing is stored). */
ACTFN_API actfn_status actfn_op_from_name(const char *name, actfn_op *op);

/* Sets the parameter `name` (spelled as in actfn_op, e.g. "negative_slope") of *op to
 * value, after checking that the op has that parameter and the value is in range.
 * Errors: ACTFN_ERR_NULL_POINTER, ACTFN_ERR_UNKNOWN_OP, ACTFN_ERR_UNKNOWN_PARAMETER,
 * ACTFN_ERR_BAD_PARAMETER (*op is unchanged on error). */
ACTFN_API actfn_status actfn_op_set(actfn_op *op, const char *name, double value);

/* Sets a parameter that takes a word: gelu's "approximate", as in torch ("none" makes the
 * op ACTFN_GELU and "tanh" makes it ACTFN_GELU_TANH), and every op's "accuracy"
 * ("accurate" or "fast", the field accuracy). Errors as actfn_op_set. */
ACTFN_API actfn_status actfn_op_set_word(actfn_op *op, const char *name, const char *value);

/* Checks every parameter of *op. Returns ACTFN_OK or the error that actfn_forward
 * would return for it, with actfn_last_error() saying which parameter and why. */
ACTFN_API actfn_status actfn_op_validate(const actfn_op *op);

/* The op's name ("relu"), or NULL for a kind outside actfn_kind. */
ACTFN_API const char *actfn_op_name(actfn_kind kind);

/* Describes one parameter of an op, for listings and command-line front ends. */
typedef struct actfn_param_info {
    const char *name;     /* the actfn_op field, e.g. "negative_slope" */
    double default_value; /* NaN for leaky_relu's grad_at_zero: see actfn_op */
    const char *range;    /* the valid values, in words, e.g. "finite, > 0" */
} actfn_param_info;

/* Describes one op: what `actfn list` prints. */
typedef struct actfn_op_info {
    const char *name;                 /* as actfn_op_name */
    const char *formula;              /* the definition in one line */
    size_t param_count;               /* the entries of params */
    const actfn_param_info *params;   /* its parameters, in a fixed order */
    int exact;                        /* 1: correctly rounded (0.5 ULP), at ACTFN_FAST
                                         too where its bounds are 0.5 */
    int backward_from_output;         /* 1: actfn_backward_from_output can serve it */
    double max_ulp_f32;               /* bound of the forward's error in f32, in ULP */
    double max_ulp_f64;               /* the same in f64 */
    double max_ulp_backward_f32;      /* bound of f'(x)'s error in f32 (the backward
                                         with dy = 1); dy * f'(x) adds nothing in f32 */
    double max_ulp_backward_f64;      /* the same in f64; dy * f'(x) adds 0.5 */
    double max_ulp_fast_f32;          /* max_ulp_f32 at accuracy ACTFN_FAST */
    double max_ulp_fast_backward_f32; /* max_ulp_backward_f32 at ACTFN_FAST (dy = 1: a
                                         dy != 1 adds up to 0.5 there) */
} actfn_op_info;

/* The description of an op, or NULL for a kind outside actfn_kind. Static storage. */
ACTFN_API const actfn_op_info *actfn_op_describe(actfn_kind kind);

/* ---------------------------------------------------------------------------------- */
/* Forward and backward on arrays                                                      */
/* ---------------------------------------------------------------------------------- */

/* y[i] = f(x[i]) for i in [0, n). y may equal x.
 * Errors: ACTFN_ERR_NULL_POINTER (op NULL, or x or y NULL with n > 0),
 * ACTFN_ERR_UNKNOWN_OP, ACTFN_ERR_UNKNOWN_DTYPE, ACTFN_ERR_BAD_PARAMETER,
 * ACTFN_ERR_OVERLAP. Nothing is written on error. */
ACTFN_API actfn_status actfn_forward(const actfn_op *op, actfn_dtype dtype, const void *x, void *y,
                                     size_t n);

/* The gradient with respect to the input: dx[i] = dy[i] * f'(x[i]).
 * Where f'(x) is exactly 0 (relu's negative side, the flat parts of the clamps),
 * dx is +0 whatever dy holds, inf and NaN included: the unit took no part in the
 * output (PyTorch does the same). At a kink the derivative is the op's grad_at_zero (relu
 * family) or PyTorch's choice (see docs/semantics.md). If x[i] is NaN, dx[i] is NaN.
 * dx may equal x or dy. Errors as actfn_forward. */
ACTFN_API actfn_status actfn_backward(const actfn_op *op, actfn_dtype dtype, const void *x,
                                      const void *dy, void *dx, size_t n);

/* The same gradient computed from the forward's output y = f(x) instead of x, as
 * oneDNN's use_dst_for_bwd: lets a training loop run the forward in place and keep
 * only y. Served for identity; relu, relu6, clipped_relu with grad_at_zero = 0 (from y
 * alone x == 0 and x < 0 look the same); leaky_relu with negative_slope > 0; hardtanh;
 * elu with alpha >= 0; selu; celu with alpha > 0; sigmoid; tanh. Other ops or
 * parameters give ACTFN_ERR_UNSUPPORTED. The derivative is computed as a function of the
 * given y (e.g. y * (1 - y) for sigmoid), which is accurate with respect to y; where y
 * has saturated (sigmoid's y == 1) the gradient it gives is 0.
 * dx may equal y or dy. Errors as actfn_forward, plus ACTFN_ERR_UNSUPPORTED. */
ACTFN_API actfn_status actfn_backward_from_output(const actfn_op *op, actfn_dtype dtype,
                                                  const void *y, const void *dy, void *dx,
                                                  size_t n);

/* The forward on quantized int8 (ACTFN_S8) or uint8 (ACTFN_U8) arrays, with input and
 * output quantizations that may differ (requantization):
 *   y[i] = clamp(round(f(in.scale * (x[i] - in.zero_point)) / out.scale) + out.zero_point)
 * with f the op's f64 reference (its parameters not rounded), round to nearest with ties
 * to even, and clamp to the type's range (-128..127 or 0..255). The 256 possible results
 * are computed into a table, then looked up; each thread keeps its last few tables
 * (keyed by op, parameters, dtype and both quantizations), so that repeated calls with
 * the same arguments only look up. y may equal x.
 * Errors as actfn_forward, plus ACTFN_ERR_BAD_PARAMETER for a scale that is not finite
 * and positive or a zero point out of range. actfn_forward and actfn_backward refuse
 * ACTFN_S8 and ACTFN_U8 with ACTFN_ERR_UNSUPPORTED. */
ACTFN_API actfn_status actfn_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                               const actfn_quantization *input,
                                               const actfn_quantization *output, const void *x,
                                               void *y, size_t n);

/* A quantized forward prepared once and run many times, as XNNPACK's create / setup /
 * run: actfn_quantized_create validates the op (whose dtype must be ACTFN_S8 or
 * ACTFN_U8) and both quantizations, as actfn_forward_quantized does, and builds the
 * table; actfn_quantized_run applies it to n bytes (y may equal x; errors: a NULL op or
 * array, ACTFN_ERR_OVERLAP, ACTFN_ERR_BAD_PARAMETER for n beyond PTRDIFF_MAX). A
 * prepared op is immutable: threads may run it at once. actfn_quantized_destroy frees
 * it (NULL is fine). On failure *created is NULL; ACTFN_ERR_OUT_OF_MEMORY where the
 * object cannot be allocated. */
typedef struct actfn_quantized_op actfn_quantized_op;
ACTFN_API actfn_status actfn_quantized_create(const actfn_op *op, actfn_dtype dtype,
                                              const actfn_quantization *input,
                                              const actfn_quantization *output,
                                              actfn_quantized_op **created);
ACTFN_API actfn_status actfn_quantized_run(const actfn_quantized_op *q, const void *x, void *y,
                                           size_t n);
ACTFN_API void actfn_quantized_destroy(actfn_quantized_op *q);

/* The bytes one element of dtype takes (8, 4, 2, or 1 for the quantized types); 0 for a
 * value that is not an actfn_dtype. */
ACTFN_API size_t actfn_dtype_size(actfn_dtype dtype);

/* Converts n values between the floating-point types (F32, F64, F16, BF16): widening is
 * exact; narrowing rounds once to nearest, ties to even, keeping subnormals, overflowing
 * to infinity, keeping NaN a NaN. dst may equal src only if the types have the same size.
 * Errors: ACTFN_ERR_NULL_POINTER, ACTFN_ERR_UNKNOWN_DTYPE (the quantized types too),
 * ACTFN_ERR_OVERLAP. */
ACTFN_API actfn_status actfn_convert(const void *src, actfn_dtype src_dtype, void *dst,
                                     actfn_dtype dst_dtype, size_t n);

/* ---------------------------------------------------------------------------------- */
/* Layer-level ops on a batch: rows x cols (N samples x C features), row-major, f32/f64 */
/* ---------------------------------------------------------------------------------- */

/* A batch of rows x cols values; row r starts stride elements after row r - 1
 * (stride >= cols, so that a sub-matrix can be passed). Every array of the batch (x, y,
 * dy, dx) has this layout; per-feature vectors (bias, slopes, counts) have cols entries.
 * rows == 0 is an empty batch (nothing is read or written but a backward's per-feature
 * gradient, the sum over no rows: +0). rows, cols and stride must keep a batch within
 * PTRDIFF_MAX bytes (ACTFN_ERR_BAD_PARAMETER). The layer ops take ACTFN_F32,
 * ACTFN_F64, ACTFN_F16 and ACTFN_BF16 (quantized types: ACTFN_ERR_UNSUPPORTED); large
 * batches are split over threads with results identical to one thread's (see
 * docs/semantics.md); a NULL array, or stride < cols, is an error; outputs may equal their inputs
 * where stated, and must not overlap them otherwise. */
typedef struct actfn_batch {
    size_t rows, cols, stride;
} actfn_batch;

/* Per-feature activity over any number of batches: how many rows had x > 0 for each
 * feature. A feature never active over a whole data set is a dead unit. */
typedef struct actfn_activity {
    size_t cols;
    uint64_t rows;    /* rows seen */
    uint64_t *active; /* cols counts */
} actfn_activity;

/* Allocates the counts (zeroed); ACTFN_ERR_BAD_PARAMETER if out of memory or cols == 0. */
ACTFN_API actfn_status actfn_activity_init(actfn_activity *activity, size_t cols);
ACTFN_API void actfn_activity_free(actfn_activity *activity);
/* The fraction of features with no active row so far (0 before any row). */
ACTFN_API double actfn_activity_dead_fraction(const actfn_activity *activity);

/* relu, leaky_relu or relu6 forward that also writes a 1-bit mask, each row starting on a
 * byte: the bit of (r, j) is mask[r * actfn_mask_row_bytes(cols) + j / 8] >> (j % 8) & 1,
 * 1 where the derivative is 1 (relu: x > 0;
 * relu6: 0 < x < 6; leaky_relu: x > 0) and 0 where it is 0 or the slope; at x == 0 the
 * op's grad_at_zero decides, which must therefore be 0 or 1 (leaky_relu: its slope or 1),
 * else ACTFN_ERR_UNSUPPORTED. mask needs rows * actfn_mask_row_bytes(cols) bytes. If
 * activity is not
 * NULL (its cols equal to the batch's) the active rows (x > 0) of each feature are added
 * to it, and the rows seen. y may equal x. A NaN x leaves bit 0: the mask backward then
 * treats it as inactive (the backward from x gives NaN). */
/* The bytes of one row of a mask: (cols + 7) / 8. */
ACTFN_API size_t actfn_mask_row_bytes(size_t cols);
ACTFN_API actfn_status actfn_mask_forward(const actfn_op *op, actfn_dtype dtype,
                                          const actfn_batch *batch, const void *x, void *y,
                                          uint8_t *mask, actfn_activity *activity);
/* The backward from that mask: dx = dy where the bit is 1; where it is 0, +0 (relu,
 * relu6) or dy * negative_slope (leaky_relu; +0 if the slope is 0). dx may equal dy. */
ACTFN_API actfn_status actfn_mask_backward(const actfn_op *op, actfn_dtype dtype,
                                           const actfn_batch *batch, const uint8_t *mask,
                                           const void *dy, void *dx);

/* The epilogue of a dense layer: y[r][j] = f(x[r][j] + bias[j]), the sum rounded to the
 * dtype (as a separate add would), in one pass. Any op. y may equal x. */
ACTFN_API actfn_status actfn_bias_forward(const actfn_op *op, actfn_dtype dtype,
                                          const actfn_batch *batch, const void *x, const void *bias,
                                          void *y);
/* Its backward: dx[r][j] = dy[r][j] * f'(x[r][j] + bias[j]) and dbias[j] = the sum of
 * dx over the rows (accumulated in double). dx may equal x or dy. With rows = 0 and
 * cols > 0 the sum is over no rows: dbias, if not NULL, is set to +0, nothing else
 * touched. ACTFN_ERR_OUT_OF_MEMORY (nothing written) without scratch memory for a row. */
ACTFN_API actfn_status actfn_bias_backward(const actfn_op *op, actfn_dtype dtype,
                                           const actfn_batch *batch, const void *x,
                                           const void *bias, const void *dy, void *dx, void *dbias);

/* PReLU, a negative slope per feature: y = x > 0 ? x : slopes[j] * x (NaN stays NaN,
 * -0 gives slopes[j] * -0). y may equal x. */
ACTFN_API actfn_status actfn_prelu_forward(actfn_dtype dtype, const actfn_batch *batch,
                                           const void *x, const void *slopes, void *y);
/* Its backward, as torch's prelu: dx = x > 0 ? dy : slopes[j] * dy, and dslopes[j] = the
 * sum over the rows of (x > 0 ? 0 : x * dy) (accumulated in double). dx may equal dy.
 * With rows = 0 and cols > 0, dslopes, if not NULL, is set to +0 (as dbias above). */
ACTFN_API actfn_status actfn_prelu_backward(actfn_dtype dtype, const actfn_batch *batch,
                                            const void *x, const void *slopes, const void *dy,
                                            void *dx, void *dslopes);

/* Maxout (Goodfellow et al. 2013): y[r][g] = the maximum of x[r][g k .. g k + k - 1], for
 * the cols / k groups of k consecutive features; y rows are y_stride elements apart
 * (>= cols / k). A group holding NaN gives NaN. k must divide cols (else
 * ACTFN_ERR_BAD_PARAMETER). */
ACTFN_API actfn_status actfn_maxout_forward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                            const void *x, void *y, size_t y_stride);
/* Its backward: dy[r][g] goes to the arg-max of its group in dx (the lowest index among
 * equal maxima, the first NaN if any), every other element of dx is +0. dy rows are
 * dy_stride elements apart; dx has x's layout and must not overlap x or dy. */
ACTFN_API actfn_status actfn_maxout_backward(actfn_dtype dtype, const actfn_batch *batch, size_t k,
                                             const void *x, const void *dy, size_t dy_stride,
                                             void *dx);

/* Gated linear units (Dauphin et al. 2017; Shazeer 2020): y = a * g(b), element by
 * element, for any op g as the gate: sigmoid (GLU), silu (SwiGLU), gelu or gelu_tanh
 * (GeGLU), relu (ReGLU), squared_relu, ... with its parameters. Floating-point dtypes.
 * g(b) is evaluated in double (the gate's f64 kernel) and a * g(b) rounded once to the
 * dtype: f32 and 16-bit results are within 1 ULP (docs/accuracy.md), f64 within the
 * gate's f64 bound plus 1/2. y may be a or b; other overlaps: ACTFN_ERR_OVERLAP.
 * Errors as actfn_forward, and ACTFN_ERR_UNSUPPORTED for an int8 / uint8 dtype (those
 * take actfn_glu_forward_quantized). */
ACTFN_API actfn_status actfn_glu_forward(const actfn_op *gate, actfn_dtype dtype, const void *a,
                                         const void *b, void *y, size_t n);
/* Its backward, recomputing g(b) instead of storing it: da = dy * g(b) and
 * db = dy * a * g'(b) (dy * a exact in double for f32 and 16-bit, then the gate's f64
 * backward, rounded once). da may be a or dy, db may be b or dy; da and db must not
 * overlap each other. */
ACTFN_API actfn_status actfn_glu_backward(const actfn_op *gate, actfn_dtype dtype, const void *a,
                                          const void *b, const void *dy, void *da, void *db,
                                          size_t n);

/* The concatenated layout of torch.nn.functional.glu(x, dim=-1): each of rows rows of x
 * holds 2 cols elements, the value half a then the gate half b (ACTFN_GLU_VALUE_FIRST,
 * torch's order) or b then a (ACTFN_GLU_GATE_FIRST); rows x_stride elements apart
 * (>= 2 cols). y: rows of cols elements, y_stride apart (>= cols). y must not overlap x. */
typedef enum actfn_glu_order {
    ACTFN_GLU_VALUE_FIRST = 0,
    ACTFN_GLU_GATE_FIRST = 1
} actfn_glu_order;
ACTFN_API actfn_status actfn_glu_forward_rows(const actfn_op *gate, actfn_dtype dtype,
                                              actfn_glu_order order, size_t rows, size_t cols,
                                              const void *x, size_t x_stride, void *y,
                                              size_t y_stride);
/* Its backward: dx has x's layout (dx_stride apart, >= 2 cols), da and db in its halves;
 * dy rows dy_stride apart (>= cols). dx must not overlap x or dy. */
ACTFN_API actfn_status actfn_glu_backward_rows(const actfn_op *gate, actfn_dtype dtype,
                                               actfn_glu_order order, size_t rows, size_t cols,
                                               const void *x, size_t x_stride, const void *dy,
                                               size_t dy_stride, void *dx, size_t dx_stride);
/* Quantized GLUs (ACTFN_S8 or ACTFN_U8, forward only): a, b and y each with their own
 * quantization (actfn_forward_quantized's rules):
 *   y[i] = clamp(round(A * g(B) / y_q.scale) + y_q.zero_point)
 * with A = a_q.scale * (a[i] - a_q.zero_point), B likewise from b and b_q, g the gate's
 * f64 reference (accurate tier), A * g(B) and the quotient in double, round to nearest
 * with ties to even. y may be a or b. Errors as actfn_glu_forward, ACTFN_ERR_UNKNOWN_DTYPE
 * for a dtype other than ACTFN_S8 / ACTFN_U8, and ACTFN_ERR_BAD_PARAMETER for a
 * quantization actfn_forward_quantized refuses. */
ACTFN_API actfn_status actfn_glu_forward_quantized(const actfn_op *gate, actfn_dtype dtype,
                                                   const actfn_quantization *a_quantization,
                                                   const actfn_quantization *b_quantization,
                                                   const actfn_quantization *y_quantization,
                                                   const void *a, const void *b, void *y, size_t n);
/* The same on torch's concatenated rows (actfn_glu_forward_rows' layout), both halves of
 * x in x_quantization. */
ACTFN_API actfn_status actfn_glu_forward_rows_quantized(const actfn_op *gate, actfn_dtype dtype,
                                                        const actfn_quantization *x_quantization,
                                                        const actfn_quantization *y_quantization,
                                                        actfn_glu_order order, size_t rows,
                                                        size_t cols, const void *x, size_t x_stride,
                                                        void *y, size_t y_stride);
/* The gate of a named GLU variant, with default parameters: "glu" (sigmoid), "swiglu"
 * (silu), "geglu" (gelu), "geglu_tanh" (gelu_tanh), "reglu" (relu), "squared_reglu"
 * (squared_relu). Errors: ACTFN_ERR_NULL_POINTER, ACTFN_ERR_UNKNOWN_OP (nothing stored). */
ACTFN_API actfn_status actfn_glu_gate_from_name(const char *name, actfn_op *gate);

/* Randomized leaky ReLU in training mode (Xu et al. 2015; torch.nn.RReLU): y = x for
 * x > 0, else slope_i * x, slope_i uniform in [lower, upper] (op: an ACTFN_RRELU op) and
 * rounded to the dtype. slope_i is a function of (seed, offset + i) alone, by a
 * counter-based generator: the same for any thread count or call split, and the backward
 * regenerates it instead of storing it (pass the forward's seed and offset). y may be x.
 * Errors as actfn_forward. */
ACTFN_API actfn_status actfn_rrelu_train_forward(const actfn_op *op, actfn_dtype dtype,
                                                 uint64_t seed, uint64_t offset, const void *x,
                                                 void *y, size_t n);
/* dx = x > 0 ? dy : slope_i * dy (slope_i at x = 0 too, as torch; NaN x gives NaN). dx may
 * be x or dy. */
ACTFN_API actfn_status actfn_rrelu_train_backward(const actfn_op *op, actfn_dtype dtype,
                                                  uint64_t seed, uint64_t offset, const void *x,
                                                  const void *dy, void *dx, size_t n);
/* rrelu's training forward on quantized int8 (ACTFN_S8) or uint8 (ACTFN_U8) arrays:
 *   y[i] = clamp(round(f(X) / output.scale) + output.zero_point),
 * X = input.scale * (x[i] - input.zero_point), f(X) = X > 0 ? X : slope_i * X with the
 * double slope_i of actfn_rrelu_slope; rounding and errors as actfn_forward_quantized.
 * y may be x. */
ACTFN_API actfn_status actfn_rrelu_train_forward_quantized(const actfn_op *op, actfn_dtype dtype,
                                                           const actfn_quantization *input,
                                                           const actfn_quantization *output,
                                                           uint64_t seed, uint64_t offset,
                                                           const void *x, void *y, size_t n);
/* The slope of element index (offset + i) as a double: lower + (upper - lower) u, u in
 * [0, 1) with 53 random bits. A call in another dtype uses lower and upper as that dtype
 * holds them (float for f32, f16, bf16) and rounds the slope to it. NaN for an op that is
 * not a valid rrelu. */
ACTFN_API double actfn_rrelu_slope(const actfn_op *op, uint64_t seed, uint64_t index);

/* ---------------------------------------------------------------------------------- */
/* On the GPU (CUDA)                                                                   */
/* ---------------------------------------------------------------------------------- */
/* The same ops on arrays in GPU memory, with the CPU's semantics and results: each
 * element is computed by the op's scalar reference (the CPU library's specification,
 * compiled as device code) in double and rounded once, so the exact ops match the CPU
 * bit for bit and the others stay within the CPU's bounds (docs/gpu.md). The kernels live
 * in libactfn_cuda.so, loaded on the first call from the environment variable
 * ACTFN_CUDA_LIBRARY, else beside libactfn, else by the system's search; the library
 * itself needs no CUDA. Arrays must be device (or managed) memory; stream is a
 * cudaStream_t (NULL: the default stream). The calls queue the work on stream and return
 * without waiting; a fault inside a kernel shows up at the next synchronization.
 * Errors: those of the CPU calls, plus ACTFN_ERR_UNSUPPORTED when no CUDA library or
 * device is there (the message says which) or a launch fails, and
 * ACTFN_ERR_BAD_PARAMETER for an array that is not GPU memory. */
/* ACTFN_OK when the GPU calls can run here; else ACTFN_ERR_UNSUPPORTED and the reason in
 * actfn_last_error(). */
ACTFN_API actfn_status actfn_cuda_available(void);
ACTFN_API actfn_status actfn_cuda_forward(const actfn_op *op, actfn_dtype dtype, const void *x,
                                          void *y, size_t n, void *stream);
ACTFN_API actfn_status actfn_cuda_backward(const actfn_op *op, actfn_dtype dtype, const void *x,
                                           const void *dy, void *dx, size_t n, void *stream);
ACTFN_API actfn_status actfn_cuda_backward_from_output(const actfn_op *op, actfn_dtype dtype,
                                                       const void *y, const void *dy, void *dx,
                                                       size_t n, void *stream);
/* actfn_mask_forward on the GPU; active is NULL or cols uint64_t counts in GPU memory, to
 * which the active rows (x > 0) of each feature are added. */
ACTFN_API actfn_status actfn_cuda_mask_forward(const actfn_op *op, actfn_dtype dtype,
                                               const actfn_batch *batch, const void *x, void *y,
                                               uint8_t *mask, uint64_t *active, void *stream);
ACTFN_API actfn_status actfn_cuda_mask_backward(const actfn_op *op, actfn_dtype dtype,
                                                const actfn_batch *batch, const uint8_t *mask,
                                                const void *dy, void *dx, void *stream);
ACTFN_API actfn_status actfn_cuda_bias_forward(const actfn_op *op, actfn_dtype dtype,
                                               const actfn_batch *batch, const void *x,
                                               const void *bias, void *y, void *stream);
ACTFN_API actfn_status actfn_cuda_prelu_forward(actfn_dtype dtype, const actfn_batch *batch,
                                                const void *x, const void *slopes, void *y,
                                                void *stream);
/* Waits for the work queued on stream; a kernel's fault is reported here. */
ACTFN_API actfn_status actfn_cuda_synchronize(void *stream);

/* ---------------------------------------------------------------------------------- */
/* Typed shortcuts for the everyday cases (default parameters unless given)            */
/* ---------------------------------------------------------------------------------- */

/* relu, f32: y[i] = x[i] > 0 ? x[i] : +0; NaN stays NaN; relu(-0) = +0. */
ACTFN_API actfn_status actfn_relu_f32(const float *x, float *y, size_t n);
/* relu backward, f32: dx[i] = x[i] > 0 ? dy[i] : +0 (x == 0 gives 0); NaN x gives NaN. */
ACTFN_API actfn_status actfn_relu_backward_f32(const float *x, const float *dy, float *dx,
                                               size_t n);
/* relu, f64: as actfn_relu_f32. */
ACTFN_API actfn_status actfn_relu_f64(const double *x, double *y, size_t n);
/* relu backward, f64: as actfn_relu_backward_f32. */
ACTFN_API actfn_status actfn_relu_backward_f64(const double *x, const double *dy, double *dx,
                                               size_t n);
/* relu and its backward on f16 and bf16 bit patterns: as actfn_relu_f32. */
ACTFN_API actfn_status actfn_relu_f16(const uint16_t *x, uint16_t *y, size_t n);
ACTFN_API actfn_status actfn_relu_backward_f16(const uint16_t *x, const uint16_t *dy, uint16_t *dx,
                                               size_t n);
ACTFN_API actfn_status actfn_relu_bf16(const uint16_t *x, uint16_t *y, size_t n);
ACTFN_API actfn_status actfn_relu_backward_bf16(const uint16_t *x, const uint16_t *dy, uint16_t *dx,
                                                size_t n);
/* leaky relu, f32: y[i] = x[i] > 0 ? x[i] : x[i] * negative_slope (slope rounded to
 * float; the product is correctly rounded). negative_slope must be finite. */
ACTFN_API actfn_status actfn_leaky_relu_f32(const float *x, float *y, size_t n,
                                            float negative_slope);
/* sigmoid, f32, within 1 ULP. */
ACTFN_API actfn_status actfn_sigmoid_f32(const float *x, float *y, size_t n);
/* tanh, f32, within 1 ULP. */
ACTFN_API actfn_status actfn_tanh_f32(const float *x, float *y, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* ACTFN_H */
