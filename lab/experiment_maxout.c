/* SPDX-License-Identifier: MIT */
/* Maxout (Goodfellow et al. 2013) against relu, through actfn's maxout ops: k = 2 pieces,
 * at the relu net's parameter count and at its widths. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int experiment_maxout(const lab_options *o) {
    enum { CELLS = 4 };
    static const char *const names[CELLS] = {
        "relu 256-128 (235,146 parameters)", "maxout k=2 136-68 (232,842, matched)",
        "maxout k=2 256-128 (469,002)", "leaky_relu 256-128 (235,146)"};
    size_t seeds = seeds_or(o, 10), epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 8);
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    run_spec cell[CELLS];
    for (size_t k = 0; k < CELLS; k++)
        cell[k] = (run_spec){.activation = k == 3 ? "leaky_relu" : "relu",
                             .learning_rate = 1e-3,
                             .widths = {k == 1 ? 136 : 256, k == 1 ? 68 : 128},
                             .maxout = k == 1 || k == 2 ? 2 : 0};
    double *accuracy =
        train_cell_grid(o, &f, cell, names, CELLS, seeds, epochs, "network", "maxout");
    if (accuracy == NULL) return 1;
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(md,
            "# Maxout against relu\n\n"
            "Maxout (Goodfellow et al. 2013): each hidden unit is the maximum of k affine "
            "pieces, a learned convex activation that contains relu (one piece fixed at 0). "
            "Here k = 2 through actfn's maxout forward and backward, in the 784-h1-h2-10 MLP on "
            "Fashion-MNIST (50,000 training images%s, validation-picked epoch), Adam (lr "
            "10^-3), batches of 128, %zu epoch%s, He initialisation, %zu seeds per cell, the "
            "same seeds in every cell. A Maxout layer of h units has k times the weights of a "
            "relu layer of h units, so the comparison is made twice: at the relu net's "
            "parameter count (136-68: 1 %% fewer) and at its widths (twice the parameters).\n\n",
            o->quick ? "; --quick: 2,000" : "", epochs, epochs == 1 ? "" : "s", seeds);
    char path[1200];
    size_t higher, lower;
    report_cells(md, path_in(o, "maxout.png", path, sizeof path),
                 "Maxout (k = 2) against relu, 95 % CI", names, accuracy, CELLS, seeds, &higher,
                 &lower);
    estimate matched = paired_difference(&accuracy[seeds], accuracy, seeds);
    estimate wide = paired_difference(&accuracy[2 * seeds], accuracy, seeds);
    char a[64], b[64];
    fprintf(md,
            "\n![maxout](maxout.png)\n\n**Verdict.** Maxout against relu at the same parameter "
            "count: %s (%s points); with twice the parameters: %s (%s). %s\n",
            comparison_words(compare(matched)), signed_points(matched, a, sizeof a),
            comparison_words(compare(wide)), signed_points(wide, b, sizeof b),
            compare(matched) == HIGHER ? "Its learned activation pays for its parameters."
            : compare(wide) == HIGHER
                ? "What it gains comes from its extra parameters, not from the activation."
                : "On this task the learned piecewise-linear activation buys nothing over "
                  "relu's fixed one.");
    fclose(md);
    free(accuracy);
    free_fashion(&f);
    return 0;
}
