/* SPDX-License-Identifier: MIT */
#include "idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_BYTES ((size_t)1 << 31) /* larger than any IDX data set: a corrupt size */

static bool refuse(char *error, size_t size, const char *path, const char *reason) {
    snprintf(error, size, "%s: %s", path, reason);
    return false;
}

static bool read_exactly(gzFile file, void *buffer, size_t n) {
    size_t done = 0;
    while (done < n) {
        unsigned chunk = n - done > (1u << 30) ? 1u << 30 : (unsigned)(n - done);
        int got = gzread(file, (char *)buffer + done, chunk);
        if (got <= 0) return false;
        done += (size_t)got;
    }
    return true;
}

static uint32_t big_endian(const uint8_t *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

bool idx_read(const char *path, unsigned expected_dims, idx_file *out, char *error, size_t size) {
    memset(out, 0, sizeof *out);
    gzFile file = gzopen(path, "rb");
    if (file == NULL) {
        snprintf(error, size, "%s: %s", path, errno ? strerror(errno) : "cannot open");
        return false;
    }
    uint8_t header[16];
    bool ok = read_exactly(file, header, 4);
    if (!ok) {
        gzclose(file);
        return refuse(error, size, path, "truncated header");
    }
    if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != expected_dims) {
        gzclose(file);
        char reason[96];
        snprintf(reason, sizeof reason,
                 "wrong magic %02x%02x%02x%02x (want 000008%02x: unsigned bytes, %u dimensions)",
                 header[0], header[1], header[2], header[3], expected_dims, expected_dims);
        return refuse(error, size, path, reason);
    }
    if (!read_exactly(file, header + 4, 4 * expected_dims)) {
        gzclose(file);
        return refuse(error, size, path, "truncated header");
    }
    out->dims = expected_dims;
    size_t bytes = 1;
    for (unsigned d = 0; d < expected_dims; d++) {
        out->sizes[d] = big_endian(header + 4 + 4 * d);
        if (out->sizes[d] != 0 && bytes > MAX_BYTES / out->sizes[d]) {
            gzclose(file);
            return refuse(error, size, path, "sizes too large for an IDX data set");
        }
        bytes *= out->sizes[d];
    }
    out->bytes = bytes;
    out->data = malloc(bytes > 0 ? bytes : 1);
    if (out->data == NULL) {
        gzclose(file);
        return refuse(error, size, path, "out of memory");
    }
    if (!read_exactly(file, out->data, bytes)) {
        gzclose(file);
        idx_free(out);
        return refuse(error, size, path, "truncated: fewer bytes than the sizes say");
    }
    uint8_t extra;
    int more = gzread(file, &extra, 1);
    gzclose(file);
    if (more != 0) {
        idx_free(out);
        return refuse(error, size, path, "more bytes than the sizes say");
    }
    return true;
}

void idx_free(idx_file *file) {
    free(file->data);
    memset(file, 0, sizeof *file);
}
