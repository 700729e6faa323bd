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
} series;

/* false if the figure could not be written. */
bool figure_lines(const char *path, const char *title, const char *x_label, const char *y_label,
                  const series *lines, size_t count, bool log_y);
/* The network's class over [-1.2, 1.2]^2 as a background, the data's points on it. */
bool figure_decision(const char *path, const char *title, mlp *net, const dataset *data);

#endif
