/* SPDX-License-Identifier: MIT */
/* An output file that appears whole or not at all: written to a temporary file beside
 * it, renamed over the final name only when everything was written. A path that names
 * something other than a regular file (a device such as /dev/null or /dev/full, a FIFO)
 * is written into, never replaced; a symbolic link is followed, the link kept. With no
 * path, the output is stdout. The temporary files of a run are removed if SIGINT,
 * SIGTERM or SIGHUP ends it. */
#ifndef ACTFN_OUTPUT_FILE_H
#define ACTFN_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct output_file {
    FILE *file;      /* output_open's stream; NULL for output_open_named */
    char *path;      /* the final file (links followed); NULL for stdout */
    char *temporary; /* NULL when writing into path directly */
    bool copy;       /* commit copies temporary into path (a special file) */
} output_file;

/* A stream to write into. false with the reason in error if it cannot be made (a
 * directory, a directory that cannot be written, ...). */
bool output_open(output_file *out, const char *path, char *error, size_t error_size);
/* For a writer that opens files by name (PLplot): out->temporary is a regular file
 * whose name has no '%', to be written and closed before output_commit. */
bool output_open_named(output_file *out, const char *path, char *error, size_t error_size);
/* Flushes and closes, then renames (or copies into a special file); false, with
 * nothing left behind, on any error (ENOSPC included). */
bool output_commit(output_file *out, char *error, size_t error_size);
/* Closes and removes the temporary file. */
void output_abandon(output_file *out);

#endif
