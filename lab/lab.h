/* SPDX-License-Identifier: MIT */
/* The lab's public face, all that the actfn command uses: its experiments. Each trains
 * networks, then writes report.md, results.csv and PNG figures into its own directory. */
#ifndef ACTFN_LAB_H
#define ACTFN_LAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct lab_options {
    size_t epochs; /* 0: the experiment's default */
    uint64_t seed;
    size_t seeds;          /* repeats per cell, 0: the experiment's default */
    bool quick;            /* a smoke test: few seeds, one epoch, a small part of the data */
    const char *directory; /* the experiment's output directory (exists) */
    const char *data;      /* Fashion-MNIST directory, NULL for the package's */
} lab_options;

typedef int (*lab_experiment)(const lab_options *options);

typedef struct lab_entry {
    const char *name, *summary;
    lab_experiment run;
} lab_entry;

/* The experiments, NULL-terminated. Each returns 0, or 1 with a message on stderr. */
extern const lab_entry lab_experiments[];

#endif
