/* An output file that appears whole or not at all: written to a temporary file beside
 * it, renamed over the final name only when everything was written. With no path, the
 * output is stdout. */
#ifndef ACTFN_OUTPUT_FILE_H
#define ACTFN_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct output_file {
    FILE *file;
    char *path, *temporary; /* NULL for stdout */
} output_file;

/* false with the reason in error if the temporary file cannot be made. */
bool output_open(output_file *out, const char *path, char *error, size_t error_size);
/* Flushes and closes, then renames; false (and nothing left behind) on any error. */
bool output_commit(output_file *out, char *error, size_t error_size);
/* Closes and removes the temporary file. */
void output_abandon(output_file *out);

#endif
