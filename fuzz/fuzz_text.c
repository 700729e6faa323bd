/* SPDX-License-Identifier: MIT */
/* libFuzzer: the text/CSV reader of actfn eval over arbitrary bytes, in every dtype:
 * it returns values, the end, or an error naming a line — never a crash, a leak or a
 * read out of bounds. */
#define _GNU_SOURCE
#include "common/value_source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const actfn_dtype dtypes[4] = {ACTFN_F32, ACTFN_F64, ACTFN_F16, ACTFN_BF16};
    if (size == 0) return 0;
    FILE *stream = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (stream == NULL) return 0;
    value_source source;
    source_open_stream(&source, stream, "fuzz", dtypes[data[0] & 3]);
    value_buffer values = {0};
    bool line_end;
    int status;
    size_t lines = 0;
    while ((status = source_next(&source, &values, &line_end)) == SOURCE_DATA)
        if (++lines > size + 1) abort(); /* more lines than bytes: a loop that never ends */
    if (status == SOURCE_BAD_NUMBER && strstr(source.error, "fuzz:") == NULL) abort();
    free(values.data);
    source_close(&source);
    fclose(stream);
    return 0;
}
