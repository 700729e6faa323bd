/* SPDX-License-Identifier: MIT */
/* The IDX files of MNIST and Fashion-MNIST, gzip-compressed (read with zlib): a big-endian
 * header — magic 0x0000 0801 (labels, 1 dimension) or 0x0000 0803 (images, 3 dimensions)
 * — then the sizes, then unsigned bytes. Anything else is refused with the reason. */
#ifndef ACTFN_LAB_IDX_H
#define ACTFN_LAB_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct idx_file {
    unsigned dims;     /* 1: labels, 3: images */
    uint32_t sizes[3]; /* count, then rows and columns for images */
    uint8_t *data;     /* count * rows * columns bytes */
    size_t bytes;
} idx_file;

/* false with the reason (naming the file) in error. */
bool idx_read(const char *path, unsigned expected_dims, idx_file *out, char *error,
              size_t error_size);
void idx_free(idx_file *file);

#endif
