/* SPDX-License-Identifier: MIT */
#include "common/figure_page.h"

#include "common/output_file.h"

#include <plplot.h>
#include <string.h>
#include <stdio.h>

/* The page being drawn: PLplot writes the temporary file, figure_close publishes it. */
static output_file page;

bool figure_open(const char *path, const char *device) {
    char error[256];
    if (!output_open_named(&page, path, error, sizeof error)) return false;
    static const int rgb[FIGURE_SERIES][3] = {{31, 119, 180}, {214, 39, 40},   {44, 160, 44},
                                              {255, 127, 14}, {148, 103, 189}, {140, 86, 75},
                                              {23, 190, 207}, {127, 127, 127}};
    plsdev(device);
    plsfnam(page.temporary);
    plspage(0, 0, 960, 640, 0, 0);
    plscol0(0, 255, 255, 255); /* cmap0: 0 the background, 1 the axes */
    plscol0(1, 0, 0, 0);
    plscol0(FIGURE_GRID, 200, 200, 200);
    for (int k = 0; k < FIGURE_SERIES; k++)
        plscol0(2 + k, rgb[k][0], rgb[k][1], rgb[k][2]);
    plinit();
    pladv(0);
    return true;
}

static double series_width(size_t k, size_t count) {
    size_t above = count - 1 - k; /* series drawn over this one */
    return 2.0 + 1.25 * (double)(above < 3 ? above : 3);
}

void figure_series_style(size_t k, size_t count) {
    plcol0(2 + (PLINT)(k % FIGURE_SERIES));
    pllsty(1 + (PLINT)(k % 8));
    plwidth(series_width(k, count));
}

void figure_viewport(void) {
    plvpor(0.1, 0.78, 0.17, 0.9);
}

void figure_viewport_for(const char *const *names, size_t count) {
    size_t longest = 0;
    for (size_t k = 0; k < count && k < FIGURE_SERIES; k++)
        longest = strlen(names[k]) > longest ? strlen(names[k]) : longest;
    /* the legend's line sample and margins take about 7 characters' width */
    double right = 0.95 - 0.0115 * (double)(longest + 7);
    plvpor(0.1, right > 0.78 ? 0.78 : right < 0.5 ? 0.5 : right, 0.17, 0.9);
}

void figure_legend(const char *const *names, size_t count) {
    PLINT opts[FIGURE_SERIES], colours[FIGURE_SERIES], styles[FIGURE_SERIES];
    PLINT zeros[FIGURE_SERIES] = {0};
    PLFLT widths[FIGURE_SERIES], unit[FIGURE_SERIES];
    if (count > FIGURE_SERIES) count = FIGURE_SERIES;
    for (size_t k = 0; k < count; k++) {
        opts[k] = PL_LEGEND_LINE, colours[k] = 2 + (PLINT)k, styles[k] = 1 + (PLINT)(k % 8);
        widths[k] = series_width(k, count), unit[k] = 1;
    }
    pllsty(1);
    plwidth(1);
    PLFLT width, height;
    /* outside the box, so that it never covers a curve */
    pllegend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0, 0.06, 0, 1, 1, 0, 0, (PLINT)count,
             opts, 1.0, 0.9, 2.0, 0, colours, names, zeros, zeros, unit, unit, colours, styles,
             widths, zeros, unit, zeros, NULL);
}

bool figure_close(void) {
    plend();
    char error[256];
    return output_commit(&page, error, sizeof error);
}
