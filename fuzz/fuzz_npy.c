/* SPDX-License-Identifier: MIT */
/* libFuzzer: the .npy reader (header and data) over arbitrary bytes. A header either
 * parses into a consistent description or is refused with a reason; the data then
 * reads in chunks to exactly the shape's element count, or fails cleanly. */
#define _GNU_SOURCE
#include "common/npy.h"
#include "common/value_source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    npy_header header;
    char error[200];
    if (npy_parse_header(data, size, &header, error, sizeof error)) {
        uint64_t count = 1;
        for (size_t d = 0; d < header.dims; d++)
            count *= header.shape[d];
        if (count != header.count || header.data_offset > size) abort();
    } else if (error[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    if (size == 0) return 0;
    FILE *stream = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (stream == NULL) return 0;
    if (npy_read_header(stream, (long long)size, &header, error, sizeof error)) {
        value_source source;
        source_open_stream(&source, stream, "fuzz", header.dtype);
        source.npy = true;
        source.header = header;
        value_buffer values = {0};
        bool line_end;
        uint64_t total = 0;
        int status;
        while ((status = source_next(&source, &values, &line_end)) == SOURCE_DATA)
            total += values.count;
        if (status == SOURCE_END && total != header.count) abort();
        free(values.data);
        source_close(&source);
    }
    fclose(stream);
    return 0;
}
