/* actfn eval: apply an op, or its derivative, to numbers from the command line or stdin. */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"
#include "commands.h"
#include "number_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_request {
    actfn_op op;
    actfn_dtype dtype;
    bool gradient;
} eval_request;

static void print_eval_usage(FILE *out) {
    fputs(
        "usage: actfn eval OP [--PARAM VALUE ...] [--dtype f32|f64|f16|bf16] [--grad] [-- X ...]\n"
        "\n"
        "Prints OP applied to each number X, space-separated, as the shortest text that\n"
        "reads back as the same value. With no X, reads whitespace-separated numbers from\n"
        "stdin and keeps its lines. Parameters are named as in 'actfn list', with '-' for\n"
        "'_': --negative-slope 0.2, --alpha 1.0, --grad-at-zero 1, --approximate tanh.\n"
        "  --grad         print the derivative f'(x) instead of f(x)\n"
        "  --dtype T      f32 (default), f64, or f16 / bf16 (results correctly rounded)\n"
        "Exit status: 0 on success, 1 on a read error, 2 on a usage error (unknown op,\n"
        "unknown parameter, a value out of range, a number that does not parse).\n",
        out);
}

static size_t element_size(const eval_request *request) {
    switch (request->dtype) {
    case ACTFN_F64:
        return sizeof(double);
    case ACTFN_F32:
        return sizeof(float);
    default:
        return sizeof(uint16_t);
    }
}

/* Evaluates n values in place; the library has validated the op already. */
static void evaluate(const eval_request *request, void *values, void *scratch, size_t n) {
    if (request->gradient) {
        /* dy = 1 makes the backward print f'(x) itself. */
        const double one = 1.0;
        for (size_t i = 0; i < n; i++)
            actfn_convert(&one, ACTFN_F64, (char *)scratch + i * element_size(request),
                          request->dtype, 1);
        actfn_backward(&request->op, request->dtype, values, scratch, values, n);
    } else {
        actfn_forward(&request->op, request->dtype, values, values, n);
    }
}

/* f16 and bf16 values are parsed as doubles and rounded once by actfn_convert. */
static bool parse_into(const eval_request *request, const char *token, void *values, size_t i) {
    if (request->dtype == ACTFN_F32) return parse_float(token, &((float *)values)[i]);
    double value;
    if (!parse_double(token, &value)) return false;
    if (request->dtype == ACTFN_F64) {
        ((double *)values)[i] = value;
        return true;
    }
    return actfn_convert(&value, ACTFN_F64, (uint16_t *)values + i, request->dtype, 1) == ACTFN_OK;
}

static void print_values(const eval_request *request, const void *values, size_t n, FILE *out) {
    for (size_t i = 0; i < n; i++) {
        char text[40];
        double value;
        actfn_convert((const char *)values + i * element_size(request), request->dtype, &value,
                      ACTFN_F64, 1);
        /* shortest round-trip text: as a float for the types a float holds exactly */
        format_shortest(text, sizeof text, value, request->dtype != ACTFN_F64);
        fprintf(out, i == 0 ? "%s" : " %s", text);
    }
}

static int eval_arguments(const eval_request *request, char **tokens, size_t n) {
    void *values = calloc(n, sizeof(double));
    void *scratch = calloc(n, sizeof(double));
    if (values == NULL || scratch == NULL) {
        free(values);
        free(scratch);
        fputs("actfn eval: out of memory\n", stderr);
        return EXIT_RUNTIME_FAILURE;
    }
    for (size_t i = 0; i < n; i++) {
        if (!parse_into(request, tokens[i], values, i)) {
            fprintf(stderr, "actfn eval: invalid number '%s'\n", tokens[i]);
            free(values);
            free(scratch);
            return EXIT_USAGE;
        }
    }
    evaluate(request, values, scratch, n);
    print_values(request, values, n, stdout);
    putchar('\n');
    free(values);
    free(scratch);
    return 0;
}

/* Reads stdin a line at a time, so memory is bounded by the longest line. */
static int eval_stdin(const eval_request *request) {
    char *line = NULL;
    size_t capacity = 0;
    size_t line_number = 0;
    void *values = NULL, *scratch = NULL;
    size_t values_capacity = 0;
    int status = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, stdin)) != -1) {
        line_number++;
        size_t n = 0;
        for (char *token = strtok(line, " \t\r\n\v\f,"); token != NULL;
             token = strtok(NULL, " \t\r\n\v\f,")) {
            if (n == values_capacity) {
                size_t grown = values_capacity == 0 ? 64 : values_capacity * 2;
                void *more_values = realloc(values, grown * element_size(request));
                void *more_scratch =
                    more_values != NULL ? realloc(scratch, grown * element_size(request)) : NULL;
                if (more_values != NULL) values = more_values;
                if (more_scratch == NULL) {
                    fputs("actfn eval: out of memory\n", stderr);
                    status = EXIT_RUNTIME_FAILURE;
                    goto done;
                }
                scratch = more_scratch;
                values_capacity = grown;
            }
            if (!parse_into(request, token, values, n)) {
                fprintf(stderr, "actfn eval: stdin:%zu: invalid number '%s'\n", line_number, token);
                status = EXIT_USAGE;
                goto done;
            }
            n++;
        }
        evaluate(request, values, scratch, n);
        print_values(request, values, n, stdout);
        putchar('\n');
    }
    if (ferror(stdin)) {
        perror("actfn eval: stdin");
        status = EXIT_RUNTIME_FAILURE;
    }
done:
    free(line);
    free(values);
    free(scratch);
    return status;
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
    if (strcmp(name, "approximate") == 0) {
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
    if (actfn_op_from_name(argv[1], &request.op) != ACTFN_OK) {
        fprintf(stderr, "actfn eval: unknown op '%s' (see 'actfn list')\n", argv[1]);
        return EXIT_USAGE;
    }
    char **numbers = calloc((size_t)argc, sizeof *numbers);
    if (numbers == NULL) {
        fputs("actfn eval: out of memory\n", stderr);
        return EXIT_RUNTIME_FAILURE;
    }
    size_t count = 0;
    bool only_numbers = false;
    int status = 0;
    for (int i = 2; i < argc && status == 0; i++) {
        const char *token = argv[i];
        if (only_numbers || token[0] != '-' || looks_like_number(token)) {
            numbers[count++] = argv[i];
        } else if (strcmp(token, "--") == 0) {
            only_numbers = true;
        } else if (strcmp(token, "--grad") == 0) {
            request.gradient = true;
        } else if (strcmp(token, "--help") == 0) {
            print_eval_usage(stdout);
            free(numbers);
            return 0;
        } else {
            status = parse_option(&request, token, i + 1 < argc ? argv[i + 1] : NULL);
            i++;
        }
    }
    if (status == 0)
        status = count > 0 ? eval_arguments(&request, numbers, count) : eval_stdin(&request);
    free(numbers);
    return status;
}
