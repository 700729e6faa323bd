/* SPDX-License-Identifier: MIT */
/* Where actfn eval's numbers come from: the command line, a text stream (stdin or a
 * file: numbers separated by blanks or commas, lines kept), or a .npy file read in
 * chunks. Values come out converted to the dtype the op runs in; memory stays bounded
 * by a chunk, whatever the input (an endless line, /dev/zero). */
#ifndef ACTFN_VALUE_SOURCE_H
#define ACTFN_VALUE_SOURCE_H

#include "actfn.h"
#include "common/npy.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct value_buffer {
    void *data;
    size_t count, capacity; /* elements of the source's dtype */
} value_buffer;

typedef struct value_source {
    const char *name; /* for messages: the path, "stdin" or "the arguments" */
    actfn_dtype dtype;
    FILE *file;
    bool borrowed; /* file is the caller's to close */
    bool npy;
    npy_header header;
    uint64_t npy_read;  /* elements read so far */
    void *raw;          /* a chunk in the file's dtype */
    char *token;        /* text: the token being read */
    size_t line_number; /* text: the lines read to their end */
    size_t column;      /* text: the bytes read of the current line */
    bool line_open;     /* text: the current line has begun */
    char **arguments;
    size_t argument_count;
    bool arguments_done;
    value_buffer pending; /* values read but not yet taken (source_take) */
    long long file_size;  /* -1 if not a regular file */
    char error[256];      /* the reason of the last failure */
} value_source;

/* Values per chunk (a text line longer than this comes in several); a text token may
 * be SOURCE_TOKEN_MAX characters long (a number with every digit of a subnormal double
 * written out has about 770). */
enum { SOURCE_CHUNK = 1 << 16, SOURCE_TOKEN_MAX = 4096 };
enum { SOURCE_END = 0, SOURCE_DATA = 1, SOURCE_BAD_NUMBER = -2, SOURCE_FAILED = -1 };

/* path NULL: stdin (text). A path ending in .npy, or a file starting with the .npy
 * magic, is read as .npy. false with the reason in source->error. */
bool source_open_file(value_source *source, const char *path, actfn_dtype dtype_or_zero);
/* An open text stream (not closed by source_close), named name in messages. */
void source_open_stream(value_source *source, FILE *stream, const char *name, actfn_dtype dtype);
void source_open_arguments(value_source *source, char **arguments, size_t count, actfn_dtype dtype);
/* The dtype the values come in: the one given, else the .npy file's, else f32. */
void source_set_dtype(value_source *source, actfn_dtype dtype);
void source_close(value_source *source);

/* The next values (a chunk, a line or a chunk of one, or all the arguments) into out,
 * replacing its contents; *line_end tells whether they end a text line. Returns SOURCE_DATA,
 * SOURCE_END, SOURCE_BAD_NUMBER (source->error names the line, column and token) or
 * SOURCE_FAILED (a read error or a malformed file). */
int source_next(value_source *source, value_buffer *out, bool *line_end);

/* Exactly n values into out (from as many lines or chunks as needed): SOURCE_DATA, or
 * SOURCE_END if the source ends first, or an error as source_next. */
int source_take(value_source *source, value_buffer *out, size_t n);

/* Bytes (or elements, for .npy) done and in all, for a progress bar; total 0 if unknown. */
void source_progress(const value_source *source, uint64_t *done, uint64_t *total);

bool buffer_reserve(value_buffer *buffer, size_t count, actfn_dtype dtype);

#endif
