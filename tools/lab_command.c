/* SPDX-License-Identifier: MIT */
/* actfn lab: the experiments of lab/ — ReLU in a real network, measured. */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"
#include "common/number_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef ACTFN_HAVE_LAB
#include "lab.h"
#endif

static void print_lab_usage(FILE *out) {
    fputs("usage: actfn lab NAME|all [--epochs N] [--seed S] [--seeds K] [--quick] [--out DIR]\n"
          "                           [--data DIR]\n"
          "\n"
          "Runs an experiment on Fashion-MNIST (Debian's dataset-fashion-mnist, or --data\n"
          "DIR with its four .gz files) and writes report.md, results.csv and PNG figures\n"
          "into DIR/NAME (default DIR: lab-results). 'all' runs every experiment but demo,\n"
          "relu and cnnrelu (parts of the others).\n"
          "--epochs overrides each experiment's default; --seed (default 1) makes a run\n"
          "repeatable; --seeds sets the repeats per cell (default: the experiment's, 10 for\n"
          "most); --quick is a smoke test (2 seeds, 1 epoch, part of the data: numbers\n"
          "without meaning). Independent runs go side by side, one per CPU\n"
          "($ACTFN_LAB_JOBS sets how many); the numbers do not depend on it.\n"
          "\nexperiments:\n",
          out);
#ifdef ACTFN_HAVE_LAB
    for (const lab_entry *e = lab_experiments; e->name != NULL; e++)
        fprintf(out, "  %-13s %s\n", e->name, e->summary);
#endif
}

static int make_directory(const char *path) {
    char partial[1024];
    size_t n = strlen(path);
    if (n >= sizeof partial) return -1;
    for (size_t i = 1; i <= n; i++)
        if (path[i] == '/' || path[i] == '\0') {
            memcpy(partial, path, i);
            partial[i] = '\0';
            if (mkdir(partial, 0777) != 0 && errno != EEXIST) return -1;
        }
    return 0;
}

int command_lab(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        print_lab_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *name = argv[1], *out = "lab-results", *data = NULL;
    double epochs = 0, seed = 1, seeds = 0;
    bool quick = false;
    for (int i = 2; i < argc; i += 2) { /* options and their values */
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(option, "--quick") == 0) { /* the one flag without a value */
            quick = true;
            i--;
            continue;
        }
        bool ok = value != NULL;
        if (strcmp(option, "--epochs") == 0)
            ok = ok && parse_double(value, &epochs) && epochs >= 1 && epochs <= 1000 &&
                 epochs == (double)(long)epochs;
        else if (strcmp(option, "--seed") == 0)
            ok = ok && parse_double(value, &seed) && seed >= 0 && seed < 1e15 &&
                 seed == (double)(long long)seed;
        else if (strcmp(option, "--seeds") == 0)
            ok = ok && parse_double(value, &seeds) && seeds >= 1 && seeds <= 1000 &&
                 seeds == (double)(long)seeds;
        else if (strcmp(option, "--out") == 0)
            out = value;
        else if (strcmp(option, "--data") == 0)
            data = value;
        else {
            fprintf(stderr, "actfn lab: unknown option '%s'\n", option);
            return EXIT_USAGE;
        }
        if (!ok) {
            fprintf(stderr, "actfn lab: invalid value '%s' for %s\n", value ? value : "", option);
            return EXIT_USAGE;
        }
    }
#ifdef ACTFN_HAVE_LAB
    bool all = strcmp(name, "all") == 0, found = false;
    for (const lab_entry *e = lab_experiments; e->name != NULL; e++) {
        bool skipped_by_all = strcmp(e->name, "demo") == 0 || strcmp(e->name, "relu") == 0 ||
                              strcmp(e->name, "cnnrelu") == 0;
        if (all ? skipped_by_all : strcmp(e->name, name) != 0) continue;
        found = true;
        char directory[1024];
        snprintf(directory, sizeof directory, "%s/%s", out, e->name);
        if (make_directory(directory) != 0) {
            fprintf(stderr, "actfn lab: cannot make %s: %s\n", directory, strerror(errno));
            return EXIT_RUNTIME_FAILURE;
        }
        fprintf(stderr, "== actfn lab %s: %s\n", e->name, e->summary);
        lab_options options = {.epochs = (size_t)epochs,
                               .seed = (uint64_t)seed,
                               .seeds = (size_t)seeds,
                               .quick = quick,
                               .directory = directory,
                               .data = data};
        if (e->run(&options) != 0) return EXIT_RUNTIME_FAILURE;
        printf("%s/report.md\n", directory);
    }
    if (!found) {
        fprintf(stderr, "actfn lab: unknown experiment '%s'\n", name);
        print_lab_usage(stderr);
        return EXIT_USAGE;
    }
    return 0;
#else
    (void)data;
    fputs("actfn lab: this actfn was built without the lab (it needs OpenBLAS, zlib and "
          "PLplot: libopenblas-dev, zlib1g-dev, libplplot-dev)\n",
          stderr);
    return EXIT_RUNTIME_FAILURE;
#endif
}
