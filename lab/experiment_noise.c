/* SPDX-License-Identifier: MIT */
/* The noise floor: the same seed trained twice, the second time with one weight moved
 * by 1 ULP. What that changes is what any rounding change does (another machine's GEMM
 * kernel, another thread count), and it is the smallest difference a comparison of
 * activations can hope to resolve. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int experiment_noise(const lab_options *o) {
    static const char *const ops[] = {"relu", "gelu"};
    enum { OPS = 2 };
    size_t epochs = o->quick && o->epochs == 0 ? 1 : epochs_or(o, 10);
    size_t seeds = seeds_or(o, 10), max_train = o->quick ? 5000 : 0, runs = OPS * seeds * 2;
    fashion f;
    if (!load_fashion(o, &f)) return 1;
    run_spec *specs = calloc(runs, sizeof *specs);
    epoch_result *r = calloc(runs * epochs, sizeof *r);
    double *plain = calloc(OPS * seeds, sizeof *plain),
           *nudged = calloc(OPS * seeds, sizeof *nudged);
    if (specs == NULL || r == NULL || plain == NULL || nudged == NULL) abort();
    for (size_t k = 0; k < OPS; k++)
        for (size_t g = 0; g < seeds; g++)
            for (int n = 0; n < 2; n++)
                specs[(k * seeds + g) * 2 + n] = (run_spec){.activation = ops[k],
                                                            .learning_rate = 1e-3,
                                                            .seed = o->seed + 100 * (uint64_t)g,
                                                            .max_train = max_train,
                                                            .nudge = n == 1};
    if (!train_runs(&f, specs, runs, epochs, r, "noise floor")) return 1;
    FILE *csv = open_output(o, "results.csv");
    if (csv == NULL) return 1;
    fprintf(csv, "activation,seed,nudged,epoch,loss,validation_accuracy,test_accuracy\n");
    for (size_t i = 0; i < runs; i++)
        for (size_t e = 0; e < epochs; e++)
            fprintf(csv, "%s,%llu,%d,%zu,%.8f,%.6f,%.6f\n", specs[i].activation,
                    (unsigned long long)specs[i].seed, specs[i].nudge, e + 1,
                    r[i * epochs + e].loss, r[i * epochs + e].validation_accuracy,
                    r[i * epochs + e].test_accuracy);
    fclose(csv);
    FILE *md = open_output(o, "report.md");
    if (md == NULL) return 1;
    fprintf(
        md,
        "# The noise floor: one weight moved by 1 ULP\n\n"
        "784-256-128-10 on Fashion-MNIST (50,000 training images), Adam (lr 10^-3), batches "
        "of 128, %zu epoch%s%s, %zu seeds. Each seed trained twice, identical but for the "
        "first weight of the second layer (256 -> 128), moved to the next float up (a change of "
        "about 10^-8 in one of 235,146 parameters) before training. Test accuracy at the last "
        "epoch; \"seed spread\" is the standard deviation over the seeds of the unchanged "
        "runs; a run is identical when the nudge never changed a rounded result (it fell "
        "below half an ULP of every sum it entered, or on a unit that never fired).\n\n"
        "| activation | mean abs. change from the nudge | largest | sd of the change / "
        "sqrt 2 | seed spread (sd) | runs identical |\n|---|---|---|---|---|---|\n",
        epochs, epochs == 1 ? "" : "s", o->quick ? ", 5,000 images (--quick)" : "", seeds);
    double chaos[OPS], spread[OPS], value[2 * OPS], low[2 * OPS], high[2 * OPS];
    char labels[2 * OPS][48];
    const char *names[2 * OPS];
    for (size_t k = 0; k < OPS; k++) {
        double total = 0, largest = 0;
        size_t identical = 0;
        for (size_t g = 0; g < seeds; g++) {
            const epoch_result *a = &r[(k * seeds + g) * 2 * epochs], *b = a + epochs;
            plain[k * seeds + g] = a[epochs - 1].test_accuracy;
            nudged[k * seeds + g] = b[epochs - 1].test_accuracy;
            double change = fabs(plain[k * seeds + g] - nudged[k * seeds + g]);
            total += change, largest = fmax(largest, change);
            identical += a[epochs - 1].loss == b[epochs - 1].loss;
        }
        estimate d = paired_difference(&nudged[k * seeds], &plain[k * seeds], seeds);
        estimate p = estimate_of(&plain[k * seeds], seeds);
        chaos[k] = d.sd / sqrt(2.0), spread[k] = p.sd;
        snprintf(labels[2 * k], sizeof labels[0], "%s: nudge", ops[k]);
        snprintf(labels[2 * k + 1], sizeof labels[0], "%s: new seed", ops[k]);
        names[2 * k] = labels[2 * k], names[2 * k + 1] = labels[2 * k + 1];
        value[2 * k] = 0, low[2 * k] = -100 * chaos[k], high[2 * k] = 100 * chaos[k];
        value[2 * k + 1] = 0, low[2 * k + 1] = -100 * p.sd, high[2 * k + 1] = 100 * p.sd;
        fprintf(md, "| %s | %.2f points | %.2f | %.2f | %.2f | %zu of %zu |\n", ops[k],
                100 * total / (double)seeds, 100 * largest, 100 * chaos[k], 100 * spread[k],
                identical, seeds);
    }
    char path[1200];
    figure_intervals(path_in(o, "noise-floor.png", path, sizeof path),
                     "What a 1-ULP nudge and a new seed do to a run (+- 1 sd)",
                     "test accuracy change (points)", names, value, low, high, 2 * OPS, 0);
    fprintf(md, "\n![noise floor](noise-floor.png)\n\n**Verdict.** ");
    for (size_t k = 0; k < OPS; k++) {
        double share = spread[k] > 0 ? chaos[k] / spread[k] : NAN;
        fprintf(md,
                "%s: a 1-ULP nudge moves a run's test accuracy by %.2f points (sd), %s the "
                "%.2f points that changing the seed does (ratio %.2f). ",
                ops[k], 100 * chaos[k],
                share >= 0.7   ? "about as much as"
                : share >= 0.3 ? "a large part of"
                               : "much less than",
                100 * spread[k], share);
    }
    fprintf(md, "Training is chaotic: any change of rounding — another GEMM kernel, another "
                "machine, another thread count — gives a run as different as this, so one run "
                "per activation cannot rank activations, and two machines disagreeing by a few "
                "tenths of a point on the same seed is this floor, not a bug. The other reports "
                "compare means over seeds, with intervals.\n");
    fclose(md);
    free(specs), free(r), free(plain), free(nudged);
    free_fashion(&f);
    return 0;
}
