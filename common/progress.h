/* SPDX-License-Identifier: MIT */
/* A progress bar on stderr for long runs: drawn only when stderr is a terminal and the
 * work has taken more than a second, so that pipes, logs and quick runs see nothing. */
#ifndef ACTFN_PROGRESS_H
#define ACTFN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct progress {
    const char *label;
    uint64_t total; /* 0: unknown, the count alone is shown */
    double start, last_drawn;
    bool terminal, drawn;
} progress;

void progress_start(progress *p, const char *label, uint64_t total);
void progress_update(progress *p, uint64_t done);
/* For work whose parts take unequal time (actfn bench: each size 4x the last): the bar
 * from the caller's estimate of the seconds still to go, fraction = elapsed / (elapsed +
 * left). */
void progress_estimate(progress *p, double seconds_left);
/* Clears the bar's line, if one was drawn. */
void progress_finish(progress *p);

#endif
