/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* getc_unlocked */
#include "common/value_source.h"

#include "common/number_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool buffer_reserve(value_buffer *buffer, size_t count, actfn_dtype dtype) {
    if (count <= buffer->capacity) return true;
    size_t grown = buffer->capacity < 64 ? 64 : buffer->capacity;
    while (grown < count)
        grown *= 2;
    void *data = realloc(buffer->data, grown * actfn_dtype_size(dtype));
    if (data == NULL) return false;
    buffer->data = data;
    buffer->capacity = grown;
    return true;
}

static bool ends_with(const char *text, const char *suffix) {
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

bool source_open_file(value_source *s, const char *path, actfn_dtype dtype) {
    memset(s, 0, sizeof *s);
    s->file_size = -1;
    s->dtype = dtype;
    if (path == NULL || strcmp(path, "-") == 0) {
        s->name = "stdin";
        s->file = stdin;
        return true;
    }
    s->name = path;
    s->file = fopen(path, "rb");
    if (s->file == NULL) {
        snprintf(s->error, sizeof s->error, "%s: %s", path, strerror(errno));
        return false;
    }
    struct stat status;
    if (fstat(fileno(s->file), &status) == 0 && S_ISDIR(status.st_mode)) {
        snprintf(s->error, sizeof s->error, "%s: %s", path, strerror(EISDIR));
        fclose(s->file);
        s->file = NULL;
        return false;
    }
    if (fstat(fileno(s->file), &status) == 0 && S_ISREG(status.st_mode))
        s->file_size = (long long)status.st_size;
    int first = getc(s->file);
    if (first != EOF) ungetc(first, s->file);
    s->npy = ends_with(path, ".npy") || first == 0x93;
    if (!s->npy) return true;
    char reason[200];
    if (!npy_read_header(s->file, s->file_size, &s->header, reason, sizeof reason)) {
        snprintf(s->error, sizeof s->error, "%s: %s", path, reason);
        fclose(s->file);
        s->file = NULL;
        return false;
    }
    if (s->dtype == 0) s->dtype = s->header.dtype;
    return true;
}

void source_open_stream(value_source *s, FILE *stream, const char *name, actfn_dtype dtype) {
    memset(s, 0, sizeof *s);
    s->file_size = -1;
    s->name = name;
    s->file = stream;
    s->borrowed = true;
    s->dtype = dtype;
}

void source_open_arguments(value_source *s, char **arguments, size_t count, actfn_dtype dtype) {
    memset(s, 0, sizeof *s);
    s->file_size = -1;
    s->name = "the arguments";
    s->arguments = arguments;
    s->argument_count = count;
    s->dtype = dtype;
}

void source_set_dtype(value_source *s, actfn_dtype dtype) {
    s->dtype = dtype;
}

void source_close(value_source *s) {
    if (s->file != NULL && s->file != stdin && !s->borrowed) fclose(s->file);
    free(s->raw);
    free(s->token);
    free(s->pending.data);
    memset(s, 0, sizeof *s);
}

/* f16 and bf16 values are parsed as doubles and rounded once by actfn_convert; f32 by
 * strtof directly (through double would round twice). */
static bool parse_into(actfn_dtype dtype, const char *token, void *values, size_t i) {
    if (dtype == ACTFN_F32) return parse_float(token, &((float *)values)[i]);
    double value;
    if (!parse_double(token, &value)) return false;
    if (dtype == ACTFN_F64) {
        ((double *)values)[i] = value;
        return true;
    }
    return actfn_convert(&value, ACTFN_F64, (uint16_t *)values + i, dtype, 1) == ACTFN_OK;
}

static int out_of_memory(value_source *s) {
    snprintf(s->error, sizeof s->error, "%s: out of memory", s->name);
    return SOURCE_FAILED;
}

static bool is_separator(char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int read_failed(value_source *s) {
    snprintf(s->error, sizeof s->error, "%s: %s", s->name, strerror(errno ? errno : EIO));
    return SOURCE_FAILED;
}

static int not_text(value_source *s) {
    snprintf(s->error, sizeof s->error, "%s:%zu: a NUL byte: not a text file", s->name,
             s->line_number + 1);
    return SOURCE_BAD_NUMBER;
}

/* The values of the rest of the current line, or of its next SOURCE_CHUNK values if it
 * has more (*line_end false then): read a character at a time into a token of at most
 * SOURCE_TOKEN_MAX characters, so that memory stays bounded whatever the input (a file
 * of one endless line, /dev/zero). */
static int next_text(value_source *s, value_buffer *out, bool *line_end) {
    out->count = 0;
    *line_end = false;
    if (s->token == NULL && (s->token = malloc(SOURCE_TOKEN_MAX + 1)) == NULL)
        return out_of_memory(s);
    FILE *f = s->file;
    for (;;) {
        errno = 0;
        int c = getc_unlocked(f);
        if (c == EOF) {
            if (ferror(f)) return read_failed(s);
            *line_end = s->line_open; /* a last line without its newline */
            s->line_open = false;
            return *line_end || out->count > 0 ? SOURCE_DATA : SOURCE_END;
        }
        if (c == '\n') {
            s->line_number++, s->column = 0, s->line_open = false;
            *line_end = true;
            return SOURCE_DATA;
        }
        if (c == '\0') return not_text(s);
        s->line_open = true;
        s->column++;
        if (is_separator((char)c)) continue;
        size_t length = 0, column = s->column;
        do {
            if (length == SOURCE_TOKEN_MAX) {
                snprintf(s->error, sizeof s->error,
                         "%s:%zu:%zu: a token longer than %d characters: '%.20s...'", s->name,
                         s->line_number + 1, column, SOURCE_TOKEN_MAX, s->token);
                return SOURCE_BAD_NUMBER;
            }
            s->token[length++] = (char)c;
            c = getc_unlocked(f);
            if (c == '\0') return not_text(s);
            if (c != EOF) s->column++;
        } while (c != EOF && !is_separator((char)c));
        if (c != EOF) {
            ungetc(c, f);
            s->column--;
        } else if (ferror(f)) {
            return read_failed(s);
        }
        s->token[length] = '\0';
        char *text = s->token;
        /* a UTF-8 byte order mark, as some editors start a file with, is not a number */
        if (s->line_number == 0 && column == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            if (*text == '\0') continue;
        }
        if (!buffer_reserve(out, out->count + 1, s->dtype)) return out_of_memory(s);
        if (!parse_into(s->dtype, text, out->data, out->count)) {
            snprintf(s->error, sizeof s->error, "%s:%zu:%zu: invalid number '%.40s'", s->name,
                     s->line_number + 1, column, text);
            return SOURCE_BAD_NUMBER;
        }
        if (++out->count == SOURCE_CHUNK) return SOURCE_DATA; /* the line goes on */
    }
}

static int next_chunk(value_source *s, value_buffer *out) {
    uint64_t left = s->header.count - s->npy_read;
    if (left == 0) return SOURCE_END;
    size_t n = left < SOURCE_CHUNK ? (size_t)left : SOURCE_CHUNK;
    size_t raw_size = actfn_dtype_size(s->header.dtype);
    if (s->raw == NULL && (s->raw = malloc((size_t)SOURCE_CHUNK * raw_size)) == NULL)
        return out_of_memory(s);
    if (!buffer_reserve(out, n, s->dtype)) return out_of_memory(s);
    if (fread(s->raw, raw_size, n, s->file) != n) {
        snprintf(s->error, sizeof s->error, "%s: %s after %llu of %llu values", s->name,
                 ferror(s->file) ? strerror(errno) : "truncated data",
                 (unsigned long long)s->npy_read, (unsigned long long)s->header.count);
        return SOURCE_FAILED;
    }
    /* .npy data is little-endian, as the hosts actfn runs on */
    actfn_convert(s->raw, s->header.dtype, out->data, s->dtype, n);
    out->count = n;
    s->npy_read += n;
    return SOURCE_DATA;
}

int source_next(value_source *s, value_buffer *out, bool *line_end) {
    *line_end = false;
    if (s->arguments != NULL) {
        *line_end = true;
        if (s->arguments_done) return SOURCE_END;
        s->arguments_done = true;
        if (!buffer_reserve(out, s->argument_count, s->dtype)) return out_of_memory(s);
        for (size_t i = 0; i < s->argument_count; i++)
            if (!parse_into(s->dtype, s->arguments[i], out->data, i)) {
                snprintf(s->error, sizeof s->error, "invalid number '%.40s'", s->arguments[i]);
                return SOURCE_BAD_NUMBER;
            }
        out->count = s->argument_count;
        return SOURCE_DATA;
    }
    return s->npy ? next_chunk(s, out) : next_text(s, out, line_end);
}

int source_take(value_source *s, value_buffer *out, size_t n) {
    size_t size = actfn_dtype_size(s->dtype);
    value_buffer more = {0};
    while (s->pending.count < n) {
        bool line_end;
        int status = source_next(s, &more, &line_end);
        if (status != SOURCE_DATA) {
            free(more.data);
            return status;
        }
        if (!buffer_reserve(&s->pending, s->pending.count + more.count, s->dtype)) {
            free(more.data);
            return out_of_memory(s);
        }
        memcpy((char *)s->pending.data + s->pending.count * size, more.data, more.count * size);
        s->pending.count += more.count;
    }
    free(more.data);
    if (!buffer_reserve(out, n, s->dtype)) return out_of_memory(s);
    memcpy(out->data, s->pending.data, n * size);
    out->count = n;
    memmove(s->pending.data, (char *)s->pending.data + n * size, (s->pending.count - n) * size);
    s->pending.count -= n;
    return SOURCE_DATA;
}

void source_progress(const value_source *s, uint64_t *done, uint64_t *total) {
    if (s->npy) {
        *done = s->npy_read, *total = s->header.count;
    } else if (s->file != NULL && s->file_size > 0) {
        long at = ftell(s->file);
        *done = at > 0 ? (uint64_t)at : 0, *total = (uint64_t)s->file_size;
    } else {
        *done = 0, *total = 0;
    }
}
