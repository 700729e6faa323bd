/* SPDX-License-Identifier: MIT */
/* actfn eval: apply an op, or its derivative, to numbers from the command line, stdin,
 * a text file or a .npy file, writing text or .npy; large files stream in chunks. */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"
#include "commands.h"
#include "common/number_text.h"
#include "common/progress.h"
#include "common/value_sink.h"
#include "common/value_source.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct eval_request {
    actfn_op op;
    actfn_dtype dtype;
    bool dtype_given, gradient;
    bool glu;              /* a gated linear unit: op is its gate */
    actfn_glu_order order; /* and its rows hold [a | b] or [b | a] */
    const char *gate;      /* or x holds a, this file b (--gate) */
    const char *input, *output, *dy;
} eval_request;

static void print_eval_usage(FILE *out) {
    fputs("usage: actfn eval OP [--PARAM VALUE ...] [--dtype T] [--grad [--dy FILE]]\n"
          "                     [-o FILE] [-- X ... | FILE | -i FILE]\n"
          "\n"
          "Applies OP to each number X, or to the numbers of FILE: text (numbers separated\n"
          "by blanks or commas, lines kept) or .npy (float16/32/64, C order, any shape,\n"
          "kept). With neither, reads text from stdin. Results are printed as the\n"
          "shortest text that reads back as the same value, or written to -o FILE: .npy\n"
          "by its extension, else text; the file appears only once it is complete.\n"
          "Files stream in chunks, in bounded memory; a progress bar shows on a terminal\n"
          "when a run takes over a second.\n"
          "Parameters are named as in 'actfn list', with '-' for '_':\n"
          "--negative-slope 0.2, --alpha 1.0, --grad-at-zero 1, --approximate tanh.\n"
          "  --fast         the fast accuracy tier (ACTFN_FAST: f32 within the op's\n"
          "                 stated fast bound, 'actfn list'); same as --accuracy fast\n"
          "  --grad         the backward: dx = dy * f'(x); dy = 1 (so f'(x) itself)\n"
          "                 unless --dy FILE gives dy, as many values as x\n"
          "  --dtype T      f32, f64, f16 or bf16: the type OP runs in and the output's\n"
          "                 (default: a .npy input's own, else f32)\n"
          "  -o FILE        write to FILE instead of stdout\n"
          "  -i FILE        read FILE (also: a lone FILE argument that is not a number)\n"
          "A gated linear unit (glu, swiglu, geglu, geglu_tanh, reglu, squared_reglu) reads\n"
          "rows in torch's layout: each text line, each .npy row along the last axis, or the\n"
          "arguments as one row, holds 2c values [a | b]; the output rows hold the c values\n"
          "a * g(b) (with --grad: dx in x's layout, dy holding c values a row). Parameters\n"
          "are the gate's (geglu --approximate tanh).\n"
          "  --gate-first   rows hold [b | a]\n"
          "  --gate FILE    x holds the value half a alone, FILE the gate half b (as many\n"
          "                 values): the output is a * g(b) in x's layout (with --grad:\n"
          "                 rows [da | db], as for x = [a | b])\n"
          "Exit status: 0 on success, 1 on a runtime failure (a file that cannot be read\n"
          "or is malformed), 2 on a usage error (unknown op or parameter, a value out of\n"
          "range, a number that does not parse). Errors name the file, line and token.\n",
          out);
}

/* "--negative-slope" -> "negative_slope"; NULL if it does not start with "--". */
static bool option_to_param(const char *option, char *name, size_t size) {
    if (strncmp(option, "--", 2) != 0 || strlen(option) - 2 >= size) return false;
    strcpy(name, option + 2);
    for (char *c = name; *c != '\0'; c++)
        if (*c == '-') *c = '_';
    return true;
}

static int parse_option(eval_request *request, const char *option, const char *value) {
    if (value == NULL) {
        fprintf(stderr, "actfn eval: %s needs a value\n", option);
        return EXIT_USAGE;
    }
    if (strcmp(option, "--dtype") == 0) {
        request->dtype_given = true;
        if (strcmp(value, "f32") == 0)
            request->dtype = ACTFN_F32;
        else if (strcmp(value, "f64") == 0)
            request->dtype = ACTFN_F64;
        else if (strcmp(value, "f16") == 0)
            request->dtype = ACTFN_F16;
        else if (strcmp(value, "bf16") == 0)
            request->dtype = ACTFN_BF16;
        else {
            fprintf(stderr, "actfn eval: unknown dtype '%s' (f32, f64, f16 or bf16)\n", value);
            return EXIT_USAGE;
        }
        return 0;
    }
    char name[64];
    if (!option_to_param(option, name, sizeof name)) {
        fprintf(stderr, "actfn eval: unknown option '%s'\n", option);
        return EXIT_USAGE;
    }
    actfn_status status;
    if (strcmp(name, "approximate") == 0 || strcmp(name, "accuracy") == 0) {
        status = actfn_op_set_word(&request->op, name, value);
    } else {
        double number;
        if (!parse_double(value, &number)) {
            fprintf(stderr, "actfn eval: invalid number '%s' for %s\n", value, option);
            return EXIT_USAGE;
        }
        status = actfn_op_set(&request->op, name, number);
    }
    if (status != ACTFN_OK) {
        fprintf(stderr, "actfn eval: %s\n", actfn_last_error());
        return EXIT_USAGE;
    }
    return 0;
}

static bool looks_like_number(const char *token) {
    double ignored;
    return parse_double(token, &ignored);
}

static bool is_file_argument(const char *token) {
    size_t n = strlen(token);
    bool named =
        n > 4 && (strcmp(token + n - 4, ".npy") == 0 || strcmp(token + n - 4, ".txt") == 0 ||
                  strcmp(token + n - 4, ".csv") == 0);
    return named || access(token, F_OK) == 0;
}

static int fail_with(const char *message, int status) {
    fprintf(stderr, "actfn eval: %s\n", message);
    return status;
}

static int status_of(int source_status) {
    return source_status == SOURCE_BAD_NUMBER ? EXIT_USAGE : EXIT_RUNTIME_FAILURE;
}

/* n ones of dtype in buffer: dy = 1, so that the backward is f'(x) itself. */
static bool fill_ones(value_buffer *buffer, size_t n, actfn_dtype dtype) {
    if (!buffer_reserve(buffer, n, dtype)) return false;
    const double one = 1.0;
    for (size_t i = 0; i < n; i++)
        actfn_convert(&one, ACTFN_F64, (char *)buffer->data + i * actfn_dtype_size(dtype), dtype,
                      1);
    buffer->count = n;
    return true;
}

/* The values of x (and dy) chunk by chunk through the op into the sink. */
static int run_eval(const eval_request *request, value_source *x, value_source *dy,
                    value_sink *sink) {
    value_buffer values = {0}, gradients = {0};
    progress bar;
    progress_start(&bar, "actfn eval", 0);
    int status = 0;
    for (;;) {
        bool line_end;
        int got = source_next(x, &values, &line_end);
        if (got == SOURCE_END) break;
        if (got != SOURCE_DATA) {
            status = fail_with(x->error, status_of(got));
            break;
        }
        size_t n = values.count;
        actfn_status computed;
        if (request->gradient) {
            if (dy != NULL) {
                int taken = source_take(dy, &gradients, n);
                if (taken != SOURCE_DATA) {
                    status = taken == SOURCE_END
                                 ? fail_with("dy has fewer values than x", EXIT_RUNTIME_FAILURE)
                                 : fail_with(dy->error, status_of(taken));
                    break;
                }
            } else {
                if (!fill_ones(&gradients, n, request->dtype)) {
                    status = fail_with("out of memory", EXIT_RUNTIME_FAILURE);
                    break;
                }
            }
            computed = actfn_backward(&request->op, request->dtype, values.data, gradients.data,
                                      values.data, n);
        } else {
            computed = actfn_forward(&request->op, request->dtype, values.data, values.data, n);
        }
        if (computed != ACTFN_OK) {
            status = fail_with(actfn_last_error(), EXIT_RUNTIME_FAILURE);
            break;
        }
        if (!sink_write(sink, values.data, n, line_end)) {
            status = fail_with(sink->error, EXIT_RUNTIME_FAILURE);
            break;
        }
        uint64_t done, total;
        source_progress(x, &done, &total);
        bar.total = total;
        progress_update(&bar, done);
    }
    progress_finish(&bar);
    if (status == 0 && dy != NULL) {
        int more = source_take(dy, &gradients, 1);
        if (more == SOURCE_DATA)
            status = fail_with("dy has more values than x", EXIT_RUNTIME_FAILURE);
    }
    free(values.data);
    free(gradients.data);
    return status;
}

/* A gated linear unit, row by row: text lines (a line of one chunk at most), .npy rows
 * of the last axis (row_length values), or the arguments as one row. */
static int run_glu(const eval_request *request, value_source *x, value_source *gate,
                   value_source *dy, value_sink *sink, size_t row_length) {
    value_buffer values = {0}, gates = {0}, gradients = {0}, out = {0};
    int status = 0;
    size_t size = actfn_dtype_size(request->dtype);
    for (;;) {
        bool line_end = true;
        int got = row_length > 0 ? source_take(x, &values, row_length)
                                 : source_next(x, &values, &line_end);
        if (got == SOURCE_END) break;
        if (got != SOURCE_DATA) {
            status = fail_with(x->error, status_of(got));
            break;
        }
        if (gate != NULL) { /* [a | b]: a row of x, then as many values of the gate file */
            size_t c = values.count;
            int taken = source_take(gate, &gates, c);
            if (taken != SOURCE_DATA) {
                status = taken == SOURCE_END ? fail_with("the gate file has fewer values than x",
                                                         EXIT_RUNTIME_FAILURE)
                                             : fail_with(gate->error, status_of(taken));
                break;
            }
            if (!buffer_reserve(&values, 2 * c, request->dtype)) {
                status = fail_with("out of memory", EXIT_RUNTIME_FAILURE);
                break;
            }
            memcpy((char *)values.data + c * size, gates.data, c * size);
            values.count = 2 * c;
        }
        size_t n = values.count, cols = n / 2;
        if (!line_end || n % 2 != 0) {
            status = fail_with("a GLU row needs an even number of values (2c: [a | b]), at most "
                               "65536 to a line",
                               EXIT_USAGE);
            break;
        }
        if (!buffer_reserve(&out, n, request->dtype)) {
            status = fail_with("out of memory", EXIT_RUNTIME_FAILURE);
            break;
        }
        actfn_status computed;
        if (request->gradient) {
            int taken = SOURCE_DATA;
            if (dy != NULL)
                taken = source_take(dy, &gradients, cols);
            else if (!fill_ones(&gradients, cols, request->dtype))
                taken = SOURCE_FAILED;
            if (taken != SOURCE_DATA) {
                status = taken == SOURCE_END
                             ? fail_with("dy has fewer values than the rows", EXIT_RUNTIME_FAILURE)
                             : fail_with(dy != NULL ? dy->error : "out of memory",
                                         dy != NULL ? status_of(taken) : EXIT_RUNTIME_FAILURE);
                break;
            }
            computed =
                actfn_glu_backward_rows(&request->op, request->dtype, request->order, 1, cols,
                                        values.data, n, gradients.data, cols, out.data, n);
        } else {
            computed = actfn_glu_forward_rows(&request->op, request->dtype, request->order, 1, cols,
                                              values.data, n, out.data, cols);
        }
        if (computed != ACTFN_OK) {
            status = fail_with(actfn_last_error(), EXIT_RUNTIME_FAILURE);
            break;
        }
        if (!sink_write(sink, out.data, request->gradient ? n : cols, true)) {
            status = fail_with(sink->error, EXIT_RUNTIME_FAILURE);
            break;
        }
    }
    if (status == 0 && dy != NULL && source_take(dy, &gradients, 1) == SOURCE_DATA)
        status = fail_with("dy has more values than the rows", EXIT_RUNTIME_FAILURE);
    if (status == 0 && gate != NULL && source_take(gate, &gates, 1) == SOURCE_DATA)
        status = fail_with("the gate file has more values than x", EXIT_RUNTIME_FAILURE);
    free(values.data), free(gates.data), free(gradients.data), free(out.data);
    return status;
}

static int eval_with(eval_request *request, char **numbers, size_t count) {
    value_source x, dy;
    if (count > 0 && request->input == NULL) {
        source_open_arguments(&x, numbers, count,
                              request->dtype_given ? request->dtype : ACTFN_F32);
    } else if (count > 0) {
        return fail_with("give numbers or a file, not both", EXIT_USAGE);
    } else if (!source_open_file(&x, request->input, request->dtype_given ? request->dtype : 0)) {
        return fail_with(x.error, EXIT_RUNTIME_FAILURE);
    }
    if (x.dtype == 0) source_set_dtype(&x, ACTFN_F32); /* text */
    request->dtype = x.dtype;
    /* the parameters as the dtype holds them (an empty call validates): a slope of 1e300
     * is fine in f64 and inf in f32 */
    if (actfn_forward(&request->op, request->dtype, NULL, NULL, 0) != ACTFN_OK) {
        source_close(&x);
        return fail_with(actfn_last_error(), EXIT_USAGE);
    }
    bool has_dy = request->dy != NULL;
    if (has_dy && !request->gradient) {
        source_close(&x);
        return fail_with("--dy needs --grad", EXIT_USAGE);
    }
    if (has_dy && !source_open_file(&dy, request->dy, request->dtype)) {
        source_close(&x);
        return fail_with(dy.error, EXIT_RUNTIME_FAILURE);
    }
    if (has_dy && dy.dtype != request->dtype) source_set_dtype(&dy, request->dtype);
    bool has_gate = request->gate != NULL;
    value_source gate;
    if (has_gate && request->order == ACTFN_GLU_GATE_FIRST) {
        source_close(&x);
        if (has_dy) source_close(&dy);
        return fail_with("--gate-first is for rows [b | a]; with --gate, x holds a alone",
                         EXIT_USAGE);
    }
    if (has_gate && !request->glu) {
        source_close(&x);
        if (has_dy) source_close(&dy);
        return fail_with("--gate is for a gated linear unit (glu, swiglu, ...)", EXIT_USAGE);
    }
    if (has_gate && !source_open_file(&gate, request->gate, request->dtype)) {
        source_close(&x);
        if (has_dy) source_close(&dy);
        return fail_with(gate.error, EXIT_RUNTIME_FAILURE);
    }
    if (has_gate && gate.dtype != request->dtype) source_set_dtype(&gate, request->dtype);
    value_sink sink;
    int status = 0;
    npy_header shape = x.header; /* a GLU forward halves the last axis */
    size_t row_length = 0;
    if (request->glu && x.npy) {
        row_length = shape.dims > 0 ? (size_t)shape.shape[shape.dims - 1] : 1;
        if (has_gate && request->gradient && shape.dims > 0) { /* [da | db] rows */
            shape.shape[shape.dims - 1] *= 2;
            shape.count *= 2;
        } else if (!has_gate && !request->gradient && row_length % 2 == 0 && shape.dims > 0) {
            shape.shape[shape.dims - 1] /= 2;
            shape.count /= 2;
        }
    }
    if (!sink_open(&sink, request->output, request->dtype, x.npy ? &shape : NULL)) {
        status = fail_with(sink.error, EXIT_RUNTIME_FAILURE);
    } else {
        status = request->glu ? run_glu(request, &x, has_gate ? &gate : NULL, has_dy ? &dy : NULL,
                                        &sink, row_length)
                              : run_eval(request, &x, has_dy ? &dy : NULL, &sink);
        if (status == 0 && !sink_commit(&sink))
            status = fail_with(sink.error, EXIT_RUNTIME_FAILURE);
        if (status != 0) sink_abandon(&sink);
    }
    source_close(&x);
    if (has_dy) source_close(&dy);
    if (has_gate) source_close(&gate);
    return status;
}

int command_eval(int argc, char **argv) {
    if (argc < 2) {
        print_eval_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0) {
        print_eval_usage(stdout);
        return 0;
    }
    eval_request request = {.dtype = ACTFN_F32};
    request.glu = actfn_op_from_name(argv[1], &request.op) != ACTFN_OK &&
                  actfn_glu_gate_from_name(argv[1], &request.op) == ACTFN_OK;
    if (!request.glu && actfn_op_from_name(argv[1], &request.op) != ACTFN_OK) {
        fprintf(stderr, "actfn eval: unknown op '%s' (see 'actfn list')\n", argv[1]);
        return EXIT_USAGE;
    }
    char **numbers = calloc((size_t)argc, sizeof *numbers);
    if (numbers == NULL) return fail_with("out of memory", EXIT_RUNTIME_FAILURE);
    size_t count = 0;
    bool only_numbers = false;
    int status = 0;
    for (int i = 2; i < argc && status == 0; i++) {
        const char *token = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (only_numbers || token[0] != '-' || looks_like_number(token)) {
            numbers[count++] = argv[i];
        } else if (strcmp(token, "--") == 0) {
            only_numbers = true;
        } else if (strcmp(token, "--grad") == 0) {
            request.gradient = true;
        } else if (request.glu && strcmp(token, "--gate-first") == 0) {
            request.order = ACTFN_GLU_GATE_FIRST;
        } else if (strcmp(token, "--fast") == 0) {
            request.op.accuracy = ACTFN_FAST;
        } else if (strcmp(token, "--help") == 0) {
            print_eval_usage(stdout);
            free(numbers);
            return 0;
        } else if (strcmp(token, "-o") == 0 || strcmp(token, "--output") == 0 ||
                   strcmp(token, "-i") == 0 || strcmp(token, "--input") == 0 ||
                   strcmp(token, "--dy") == 0 || strcmp(token, "--gate") == 0) {
            if (value == NULL) {
                fprintf(stderr, "actfn eval: %s needs a file\n", token);
                status = EXIT_USAGE;
            } else if (token[1] == 'o' || token[2] == 'o')
                request.output = value;
            else if (token[1] == 'i' || token[2] == 'i')
                request.input = value;
            else if (strcmp(token, "--gate") == 0)
                request.gate = value;
            else
                request.dy = value;
            i++;
        } else {
            status = parse_option(&request, token, value);
            i++;
        }
    }
    /* a lone argument that is not a number but names a file is the input */
    double ignored;
    if (status == 0 && count == 1 && request.input == NULL && !parse_double(numbers[0], &ignored) &&
        is_file_argument(numbers[0])) {
        request.input = numbers[0];
        count = 0;
    }
    if (status == 0) status = eval_with(&request, numbers, count);
    free(numbers);
    return status;
}
