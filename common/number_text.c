/* SPDX-License-Identifier: MIT */
#include "common/number_text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strtod and strtof skip leading blanks and stop at the first character they cannot
 * use; a number here is the whole token or nothing. An overflow reads as inf and an
 * underflow as the nearest subnormal or zero: what the text means in IEEE arithmetic. */
static bool starts_well(const char *text) {
    return text != NULL && *text != '\0' && !isspace((unsigned char)*text);
}

bool parse_double(const char *text, double *value) {
    if (!starts_well(text)) return false;
    char *end;
    double parsed = strtod(text, &end);
    if (*end != '\0') return false;
    *value = parsed;
    return true;
}

bool parse_float(const char *text, float *value) {
    if (!starts_well(text)) return false;
    char *end;
    float parsed = strtof(text, &end);
    if (*end != '\0') return false;
    *value = parsed;
    return true;
}

void format_shortest(char *out, size_t size, double value, bool is_float) {
    if (isnan(value)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(value)) {
        snprintf(out, size, value > 0 ? "inf" : "-inf");
        return;
    }
    int max_digits = is_float ? 9 : 17;
    for (int digits = 1; digits <= max_digits; digits++) {
        snprintf(out, size, "%.*g", digits, value);
        bool exact = is_float ? strtof(out, NULL) == (float)value : strtod(out, NULL) == value;
        if (!exact) continue;
        /* "4e+01" reads back, but 40 is what a person writes: positional notation for
         * magnitudes below 10^9 (float) or 10^17, with as many digits as the integer part needs */
        int exponent = value == 0 ? 0 : (int)floor(log10(fabs(value)));
        if (strchr(out, 'e') != NULL && exponent >= digits && exponent < max_digits)
            snprintf(out, size, "%.*g", exponent + 1, value);
        return;
    }
}
