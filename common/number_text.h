/* SPDX-License-Identifier: MIT */
/* Numbers as text: strict parsing and the shortest output that reads back exactly. */
#ifndef ACTFN_NUMBER_TEXT_H
#define ACTFN_NUMBER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Parses the whole of text as a double ("1e-3", "-inf", "nan" are fine; "1.2.3",
 * "abc", "" and "1 " are not). Returns false, leaving *value alone, on failure. */
bool parse_double(const char *text, double *value);

/* As parse_double, but rounds the decimal once, directly to float (strtof): going
 * through double would round twice. */
bool parse_float(const char *text, float *value);

/* Writes the shortest decimal that strtof reads back as exactly `value` (for
 * is_float) or strtod as exactly `value`; "inf", "-inf", "nan" for the specials.
 * `size` must be at least 32. */
void format_shortest(char *out, size_t size, double value, bool is_float);

#endif
