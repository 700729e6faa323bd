/* SPDX-License-Identifier: MIT */
/* The look every actfn figure shares, for actfn plot and the lab: a 960 x 640 page on
 * white, black axes, a light grid colour, and FIGURE_SERIES dark, distinct line colours
 * each paired with its own line style, so that curves stay apart in black and white. */
#ifndef ACTFN_FIGURE_PAGE_H
#define ACTFN_FIGURE_PAGE_H

#include <stdbool.h>
#include <stddef.h>

enum { FIGURE_SERIES = 8, FIGURE_GRID = 15 };

/* Starts a page drawn by device (pngcairo, svgcairo, pdfcairo) for path; false, with
 * nothing started, if path cannot be written (PLplot would ask on the terminal for
 * another name). The page is drawn into a temporary file (common/output_file.h), so a
 * path may hold any character, '%' included. */
bool figure_open(const char *path, const char *device);
/* Colour, line style and width of series k of count: set for the lines that follow.
 * Earlier series are drawn wider, so that a curve a later one lies on still shows at
 * both its edges. */
void figure_series_style(size_t k, size_t count);
/* The plot box of a page with a legend: the right part of the page is the legend's. */
void figure_viewport(void);
/* The same, narrowed so that a legend of these names fits beside it. */
void figure_viewport_for(const char *const *names, size_t count);
/* A boxed legend of count series, outside the plot box on its right. */
void figure_legend(const char *const *names, size_t count);
/* Ends the page and puts it at the path: false (nothing left behind) if that fails. */
bool figure_close(void);

#endif
