/* SPDX-License-Identifier: MIT */
#include "common/value_sink.h"

#include "common/number_text.h"
#include "common/value_source.h"

#include <string.h>

bool sink_open(value_sink *s, const char *path, actfn_dtype dtype, const npy_header *shape) {
    memset(s, 0, sizeof *s);
    s->dtype = dtype;
    s->shape = shape;
    s->rectangular = true;
    size_t length = path != NULL ? strlen(path) : 0;
    s->npy = length >= 4 && strcmp(path + length - 4, ".npy") == 0;
    if (shape != NULL) s->row_length = shape->dims == 0 ? 1 : shape->shape[shape->dims - 1];
    if (!output_open(&s->out, path, s->error, sizeof s->error)) return false;
    if (!s->npy) return true;
    /* the shape is final for a .npy input; otherwise rewritten at the end */
    uint64_t unknown[1] = {0};
    if (!npy_write_header(s->out.file, dtype, shape != NULL ? shape->dims : 1,
                          shape != NULL ? shape->shape : unknown)) {
        snprintf(s->error, sizeof s->error, "%s: cannot write the header", path);
        output_abandon(&s->out);
        return false;
    }
    return true;
}

static bool write_text(value_sink *s, const void *values, size_t n, bool line_end) {
    FILE *f = s->out.file;
    size_t size = actfn_dtype_size(s->dtype);
    for (size_t i = 0; i < n; i++) {
        double value;
        actfn_convert((const char *)values + i * size, s->dtype, &value, ACTFN_F64, 1);
        char text[40];
        format_shortest(text, sizeof text, value, s->dtype != ACTFN_F64);
        fputs(s->row_open ? " " : "", f);
        fputs(text, f);
        s->row_open = true;
        if (s->row_length > 0 && ++s->in_row == s->row_length) {
            fputc('\n', f);
            s->in_row = 0;
            s->row_open = false;
        }
    }
    if (line_end && s->row_length == 0) {
        fputc('\n', f);
        s->row_open = false;
    }
    return !ferror(f);
}

bool sink_write(value_sink *s, const void *values, size_t n, bool line_end) {
    bool ok;
    if (s->npy) {
        ok = fwrite(values, actfn_dtype_size(s->dtype), n, s->out.file) == n;
        s->line_length += n;
        if (line_end && s->shape == NULL) {
            if (s->lines == 0) s->first_line_length = s->line_length;
            if (s->line_length != s->first_line_length) s->rectangular = false;
            s->lines++;
            s->line_length = 0;
        }
    } else {
        ok = write_text(s, values, n, line_end);
    }
    s->written += n;
    if (!ok)
        snprintf(s->error, sizeof s->error, "%s: write error",
                 s->out.path ? s->out.path : "stdout");
    return ok;
}

bool sink_commit(value_sink *s) {
    if (!s->npy && s->row_open) fputc('\n', s->out.file);
    if (s->npy && s->shape == NULL) { /* now the shape is known */
        uint64_t shape[2] = {s->written, 0};
        size_t dims = 1;
        if (s->rectangular && s->lines > 1)
            shape[0] = s->lines, shape[1] = s->written / s->lines, dims = 2;
        if (fseek(s->out.file, 0, SEEK_SET) != 0 ||
            !npy_write_header(s->out.file, s->dtype, dims, shape)) {
            snprintf(s->error, sizeof s->error, "%s: cannot rewrite the header", s->out.path);
            output_abandon(&s->out);
            return false;
        }
    }
    return output_commit(&s->out, s->error, sizeof s->error);
}

void sink_abandon(value_sink *s) {
    output_abandon(&s->out);
}
