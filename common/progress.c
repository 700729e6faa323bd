/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "common/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void progress_start(progress *p, const char *label, uint64_t total) {
    p->label = label;
    p->total = total;
    p->start = p->last_drawn = seconds_now();
    p->terminal = isatty(STDERR_FILENO);
    p->drawn = false;
}

static void draw_bar(double fraction, const char *label, double left) {
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    int filled = (int)(fraction * WIDTH);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %3.0f%%  %.0f s left ", label, bar, fraction * 100, left);
}

/* The elapsed seconds if a bar is due now (a second into the work, 0.1 s since the last
 * one, on a terminal), else a negative value. */
static double due(progress *p) {
    if (!p->terminal) return -1;
    double now = seconds_now(), elapsed = now - p->start;
    if (elapsed < 1.0 || now - p->last_drawn < 0.1) return -1;
    p->last_drawn = now;
    p->drawn = true;
    return elapsed;
}

void progress_update(progress *p, uint64_t done) {
    double elapsed = due(p);
    if (elapsed < 0) return;
    if (p->total == 0) {
        fprintf(stderr, "\r%s: %llu  %.0f s", p->label, (unsigned long long)done, elapsed);
    } else {
        double fraction = done >= p->total ? 1.0 : (double)done / (double)p->total;
        draw_bar(fraction, p->label, fraction > 0 ? elapsed * (1 - fraction) / fraction : 0);
    }
    fflush(stderr);
}

void progress_estimate(progress *p, double seconds_left) {
    double elapsed = due(p);
    if (elapsed < 0) return;
    if (!(seconds_left >= 0)) seconds_left = 0;
    draw_bar(elapsed / (elapsed + seconds_left), p->label, seconds_left);
    fflush(stderr);
}

void progress_finish(progress *p) {
    if (p->drawn) fputs("\r\033[K", stderr);
    p->drawn = false;
}
