/* SPDX-License-Identifier: MIT */
/* Where actfn eval's results go: text (the shortest decimal that reads back as the same
 * value, lines kept: a line per input line, or per row of the last dimension of a .npy
 * input) or a .npy file (the shape of a .npy input; for text input one row per line if
 * every line has as many values, else 1-D). Written through output_file: a failed run
 * leaves no partial file. */
#ifndef ACTFN_VALUE_SINK_H
#define ACTFN_VALUE_SINK_H

#include "actfn.h"
#include "common/npy.h"
#include "common/output_file.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct value_sink {
    output_file out;
    actfn_dtype dtype;
    bool npy;
    const npy_header *shape; /* a .npy input's shape, or NULL */
    uint64_t row_length;     /* text from .npy: values per line */
    uint64_t in_row, written, lines, line_length, first_line_length;
    bool rectangular, row_open;
    char error[256];
} value_sink;

/* path NULL or "-": text on stdout. A path ending in .npy: a .npy file. */
bool sink_open(value_sink *sink, const char *path, actfn_dtype dtype, const npy_header *shape);
bool sink_write(value_sink *sink, const void *values, size_t n, bool line_end);
bool sink_commit(value_sink *sink);
void sink_abandon(value_sink *sink);

#endif
