/* SPDX-License-Identifier: MIT */
/* exhaustive: every one of the 2^32 float inputs of an op, against the library's own
 * f64 result for the same input (the scalar reference, within a few double ULPs, so its
 * error is below 2^-48 float ULPs). Prints the largest error in float ULPs and where it
 * occurs, and the ties rounded the wrong way (for a correctly rounded op, bound 0.5, a
 * failure like any result above 0.5 ULP). Runs outside CI: minutes per op.
 *
 * usage: exhaustive OP|CASE [--grad] [--fast] [--isa ISA] [--threads N]
 *        (--fast: the op at ACTFN_FAST, against its fast bound; ISA as ACTFN_ISA)
 *        exhaustive --cases       lists the CASEs: ops at other parameters
 *                                  (tests/parameter_cases.c), e.g. celu:alpha=1.9; any
 *                                  op:name=value[,name=value] is taken as well */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"
#include "parameter_cases.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 16 };

typedef struct job {
    actfn_op op;
    int gradient;
    uint64_t first, end; /* bit patterns [first, end) */
    double max_ulp;
    float worst_input;
    uint64_t above_half_ulp, nan_mismatches;
    uint64_t wrong_ties; /* exactly 0.5 ULP off the wrong way: a tie not rounded to even
                          * (or, at x / 2 near 0, not up) */
} job;

/* The float ULP at the magnitude of v, subnormal ULP included. */
static double float_ulp(double v) {
    int exponent;
    frexp(v, &exponent); /* v = m 2^exponent, 0.5 <= |m| < 1 */
    return ldexp(1.0, exponent - 24 < -149 ? -149 : exponent - 24);
}

static void evaluate(const job *j, const float *x, float *y32, double *x64, double *y64,
                     const float *ones32, const double *ones64, size_t n) {
    /* the op as f32 applies it (leaky_relu's 0.01 is 0.0099999998f), so that the f64
     * reference computes the same function */
    actfn_op reference = op_as_applied(j->op, ACTFN_F32);
    for (size_t i = 0; i < n; i++)
        x64[i] = x[i];
    if (j->gradient) {
        actfn_backward(&j->op, ACTFN_F32, x, ones32, y32, n);
        actfn_backward(&reference, ACTFN_F64, x64, ones64, y64, n);
    } else {
        actfn_forward(&j->op, ACTFN_F32, x, y32, n);
        actfn_forward(&reference, ACTFN_F64, x64, y64, n);
    }
}

static void *run(void *argument) {
    job *j = argument;
    static _Thread_local float x[CHUNK], y32[CHUNK], ones32[CHUNK];
    static _Thread_local double x64[CHUNK], y64[CHUNK], ones64[CHUNK];
    for (size_t i = 0; i < CHUNK; i++)
        ones32[i] = 1.0f, ones64[i] = 1.0;
    for (uint64_t start = j->first; start < j->end; start += CHUNK) {
        for (size_t i = 0; i < CHUNK; i++) {
            uint32_t bits = (uint32_t)(start + i);
            memcpy(&x[i], &bits, sizeof bits);
        }
        evaluate(j, x, y32, x64, y64, ones32, ones64, CHUNK);
        for (size_t i = 0; i < CHUNK; i++) {
            if (isnan(y64[i]) || isnan(y32[i])) {
                j->nan_mismatches += isnan(y64[i]) != isnan(y32[i]);
                continue;
            }
            double error;
            if (isinf(y32[i]) || fabs(y64[i]) > FLT_MAX)
                error = (double)y32[i] == (double)(float)y64[i] ? 0 : INFINITY;
            else
                error = fabs((double)y32[i] - y64[i]) / float_ulp(y64[i]);
            if (error > 0.5 + 0x1p-20) j->above_half_ulp++;
            uint32_t bits;
            memcpy(&bits, &y32[i], sizeof bits);
            /* at a tie the f64 result is exact, and the correctly rounded float even; but
             * where it is x / 2 (x not 0) the f64 rounding has dropped a positive term
             * near 0 (the x^2 / 6 of hardswish, gelu's x^2 / sqrt(2 pi)) and the float
             * is the one above (docs/semantics.md) */
            int half_x = y64[i] == x64[i] * 0.5 && x64[i] != 0;
            if (error == 0.5 && (half_x ? (double)y32[i] < y64[i] : (bits & 1) != 0))
                j->wrong_ties++; /* the term dropped near 0 is positive: that tie goes up */
            if (error > j->max_ulp) {
                j->max_ulp = error;
                j->worst_input = x[i];
            }
        }
    }
    return NULL;
}

/* "op" or "op:name=value[,name=value]" (any parameters, not only the listed cases). */
static int parse_op(const char *text, actfn_op *op) {
    char buffer[256];
    if (strlen(text) >= sizeof buffer) return 0;
    strcpy(buffer, text);
    char *colon = strchr(buffer, ':');
    if (colon != NULL) *colon = '\0';
    if (actfn_op_from_name(buffer, op) != ACTFN_OK) return 0;
    for (char *item = colon == NULL ? NULL : strtok(colon + 1, ","); item != NULL;
         item = strtok(NULL, ",")) {
        char *equals = strchr(item, '='), *end = NULL;
        if (equals == NULL) return 0;
        *equals = '\0';
        double value = strtod(equals + 1, &end);
        if (end == equals + 1 || *end != '\0' || actfn_op_set(op, item, value) != ACTFN_OK)
            return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: exhaustive OP|CASE [--grad] [--fast] [--isa ISA] [--threads N]\n"
              "       exhaustive --cases\n",
              stderr);
        return 2;
    }
    if (strcmp(argv[1], "--cases") == 0) {
        size_t count;
        const parameter_case *cases = parameter_cases(&count);
        for (size_t i = 0; i < count; i++)
            puts(cases[i].label);
        return 0;
    }
    job base = {0};
    const parameter_case *named = find_parameter_case(argv[1]);
    if (named != NULL) {
        base.op = named->op;
    } else if (!parse_op(argv[1], &base.op)) {
        fprintf(stderr,
                "exhaustive: unknown op or case '%s' (exhaustive --cases lists them; any "
                "op:name=value[,name=value] is taken too): %s\n",
                argv[1], actfn_last_error());
        return 2;
    }
    int threads = 2;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--grad") == 0) {
            base.gradient = 1;
        } else if (strcmp(argv[i], "--fast") == 0) {
            base.op.accuracy = ACTFN_FAST;
        } else if (strcmp(argv[i], "--isa") == 0 && i + 1 < argc) {
            setenv("ACTFN_ISA", argv[++i], 1); /* read at the library's first call */
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
            threads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
        } else {
            fprintf(stderr, "exhaustive: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    job jobs[64];
    pthread_t ids[64];
    uint64_t total = (uint64_t)1 << 32, share = total / (uint64_t)threads;
    for (int t = 0; t < threads; t++) {
        jobs[t] = base;
        jobs[t].first = share * (uint64_t)t;
        jobs[t].end = t == threads - 1 ? total : share * (uint64_t)(t + 1);
        pthread_create(&ids[t], NULL, run, &jobs[t]);
    }
    job result = base;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        if (jobs[t].max_ulp > result.max_ulp) {
            result.max_ulp = jobs[t].max_ulp;
            result.worst_input = jobs[t].worst_input;
        }
        result.above_half_ulp += jobs[t].above_half_ulp;
        result.nan_mismatches += jobs[t].nan_mismatches;
        result.wrong_ties += jobs[t].wrong_ties;
    }
    uint32_t bits;
    memcpy(&bits, &result.worst_input, sizeof bits);
    const actfn_op_info *info = actfn_op_describe(base.op.kind);
    int fast = base.op.accuracy == ACTFN_FAST;
    double bound = base.gradient
                       ? (fast ? info->max_ulp_fast_backward_f32 : info->max_ulp_backward_f32)
                       : (fast ? info->max_ulp_fast_f32 : info->max_ulp_f32);
    printf("%s %s%s f32 on %s: max %.4f ULP (bound %g) at x = %.9g (0x%08x); %llu inputs above "
           "0.5 ULP; %llu ties rounded the wrong way; %llu NaN mismatches\n",
           argv[1], base.gradient ? "backward" : "forward", fast ? " fast" : "", actfn_isa(),
           result.max_ulp, bound, (double)result.worst_input, bits,
           (unsigned long long)result.above_half_ulp, (unsigned long long)result.wrong_ties,
           (unsigned long long)result.nan_mismatches);
    /* a correctly rounded op (bound 0.5) also rounds its ties to even */
    int correctly_rounded = bound > 0.5 || (result.above_half_ulp == 0 && result.wrong_ties == 0);
    return result.nan_mismatches == 0 && correctly_rounded &&
                   result.max_ulp <= (bound > 1 ? bound : 1.0)
               ? 0
               : 1;
}
