/* SPDX-License-Identifier: MIT */
/* The lab's pictures, drawn with PLplot's cairo PNG driver: curves against epochs or
 * layers, and a decision boundary of a 2-D classifier. */
#ifndef ACTFN_LAB_FIGURES_H
#define ACTFN_LAB_FIGURES_H

#include "data.h"
#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct series {
    const char *name;
    const double *x, *y;
    size_t n;
    const double *low, *high; /* NULL: none; else an error bar from low[i] to high[i] */
} series;

/* false if the figure could not be written. */
bool figure_lines(const char *path, const char *title, const char *x_label, const char *y_label,
                  const series *lines, size_t count, bool log_y);
/* One row per name, a dot at value[k] and a bar from low[k] to high[k] (a 95 %
 * interval), values along x; a dashed vertical line at reference unless NaN. */
bool figure_intervals(const char *path, const char *title, const char *x_label,
                      const char *const *names, const double *value, const double *low,
                      const double *high, size_t count, double reference);
/* The network's class over [-1.2, 1.2]^2 as a background, the data's points on it. */
bool figure_decision(const char *path, const char *title, mlp *net, const dataset *data);

#endif
