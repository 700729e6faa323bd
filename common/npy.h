/* SPDX-License-Identifier: MIT */
/* NumPy's .npy format (version 1.0, 2.0 and 3.0): the header of a file to read, and the
 * header of a file to write. Only what actfn evaluates is accepted: little-endian
 * float16 / float32 / float64 in C order, any shape; everything else (big-endian,
 * Fortran order, object or integer dtypes, a shape whose size overflows, a header that
 * does not parse) is refused with a message saying why. */
#ifndef ACTFN_NPY_H
#define ACTFN_NPY_H

#include "actfn.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NPY_MAX_DIMS 32

typedef struct npy_header {
    actfn_dtype dtype; /* ACTFN_F16, ACTFN_F32 or ACTFN_F64 */
    size_t dims;       /* 0 for a scalar */
    uint64_t shape[NPY_MAX_DIMS];
    uint64_t count;     /* the product of the shape (1 for a scalar) */
    size_t data_offset; /* bytes before the data */
} npy_header;

/* The 6 bytes every .npy file starts with. */
bool npy_has_magic(const unsigned char *bytes, size_t n);

/* Parses the header at the start of bytes[0 .. n): returns true and fills *header, or
 * returns false with the reason in error. Reads nothing beyond n. */
bool npy_parse_header(const unsigned char *bytes, size_t n, npy_header *header, char *error,
                      size_t error_size);

/* Reads and parses the header of an open file (positioned at its start), and checks the
 * data size against file_size (the file's size in bytes, or -1 if unknown). */
bool npy_read_header(FILE *file, long long file_size, npy_header *header, char *error,
                     size_t error_size);

/* Writes a version 1.0 header of NPY_WRITTEN_HEADER bytes (space-padded, so that it can
 * be rewritten in place once the shape is known) for up to 2 dimensions or short shapes;
 * a longer shape (up to NPY_MAX_DIMS dimensions) takes the next multiple of 64 bytes.
 * false on a write error or more than NPY_MAX_DIMS dimensions. */
#define NPY_WRITTEN_HEADER 128
bool npy_write_header(FILE *file, actfn_dtype dtype, size_t dims, const uint64_t *shape);

#endif
