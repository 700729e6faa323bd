/* SPDX-License-Identifier: MIT */
/* libFuzzer: the strict number parser and the shortest formatter. Any text either
 * parses or not, without reading past its end; whatever parses, formatted shortest,
 * reads back as the same value (float and double). */
#include "common/number_text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (text == NULL) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    double d;
    float f;
    char out[40];
    if (parse_double(text, &d)) {
        format_shortest(out, sizeof out, d, false);
        double back;
        if (!parse_double(out, &back) || (back != d && !(isnan(back) && isnan(d)))) abort();
    }
    if (parse_float(text, &f)) {
        format_shortest(out, sizeof out, f, true);
        float back;
        if (!parse_float(out, &back) || (back != f && !(isnan(back) && isnan(f)))) abort();
    }
    free(text);
    return 0;
}
