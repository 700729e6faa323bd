/* SPDX-License-Identifier: MIT */
#include "figures.h"

#include "common/figure_geometry.h"
#include "common/figure_page.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A log10 y axis labelled at any range (PLplot labels only whole decades, so a loss
 * between 0.2 and 0.6 got none): grid lines, ticks and labels at figure_log_ticks'
 * values, powers of ten far from 1 written 10^k. The box's frame is drawn by the caller.
 * Returns the widest label's length in characters, as drawn. */
static size_t log_axis(double x0, double x1, double y0, double y1) {
    double ticks[32];
    size_t count = figure_log_ticks(y0, y1, ticks, 32), widest = 1;
    double tick_length = 0.012 * (x1 - x0);
    for (size_t i = 0; i < count; i++) {
        double at = log10(ticks[i]);
        plcol0(FIGURE_GRID);
        pljoin(x0, at, x1, at);
        plcol0(1);
        pljoin(x0, at, x0 + tick_length, at);
        pljoin(x1, at, x1 - tick_length, at);
        char label[32];
        size_t shown;
        if (at == round(at) && fabs(at) > 3) { /* 10^-8: PLplot's superscript escapes */
            snprintf(label, sizeof label, "10#u%d#d", (int)at);
            shown = strlen(label) - 4;
        } else {
            snprintf(label, sizeof label, "%g", ticks[i]);
            shown = strlen(label);
        }
        widest = shown > widest ? shown : widest;
        plmtex("lv", 0.8, (at - y0) / (y1 - y0), 1.0, label);
    }
    return widest;
}

bool figure_lines(const char *path, const char *title, const char *x_label, const char *y_label,
                  const series *lines, size_t count, bool log_y) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t k = 0; k < count; k++)
        for (size_t i = 0; i < lines[k].n; i++) {
            double y = lines[k].y[i];
            if (!isfinite(y) || (log_y && y <= 0)) continue;
            double low = lines[k].low != NULL && isfinite(lines[k].low[i]) ? lines[k].low[i] : y;
            double high =
                lines[k].high != NULL && isfinite(lines[k].high[i]) ? lines[k].high[i] : y;
            if (log_y) y = log10(y), low = low > 0 ? log10(low) : y, high = log10(high);
            x0 = fmin(x0, lines[k].x[i]), x1 = fmax(x1, lines[k].x[i]);
            y0 = fmin(y0, fmin(y, low)), y1 = fmax(y1, fmax(y, high));
        }
    if (!(x0 < INFINITY)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y1 = y0 + (log_y ? 0.1 : 1);
    double margin = 0.06 * (y1 - y0);
    y0 -= margin, y1 += margin;
    if (!figure_open(path, "pngcairo")) return false;
    const char *names[FIGURE_SERIES];
    size_t shown = count < FIGURE_SERIES ? count : FIGURE_SERIES;
    for (size_t k = 0; k < shown; k++)
        names[k] = lines[k].name;
    figure_viewport_for(names, shown);
    plwind(x0, x1, y0, y1);
    plcol0(FIGURE_GRID);
    plbox("g", 0, 0, log_y ? "" : "g", 0, 0);
    plcol0(1);
    plbox("bcnst", 0, 0, log_y ? "bc" : "bcnstv", 0, 0);
    size_t widest = log_y ? log_axis(x0, x1, y0, y1) : 0;
    pllab(x_label, log_y ? "" : y_label, "");
    if (log_y) { /* beyond the tick labels, however wide they came out */
        char label[160];
        snprintf(label, sizeof label, "%s (log scale)", y_label);
        plmtex("l", 1.6 + 0.75 * (double)widest, 0.5, 0.5, label);
    }
    for (size_t k = 0; k < shown; k++) {
        const series *s = &lines[k];
        PLFLT *x = malloc((s->n + 1) * sizeof *x), *y = malloc((s->n + 1) * sizeof *y);
        if (x == NULL || y == NULL) abort();
        size_t m = 0;
        for (size_t i = 0; i < s->n; i++)
            if (isfinite(s->y[i]) && (!log_y || s->y[i] > 0))
                x[m] = s->x[i], y[m++] = log_y ? log10(s->y[i]) : s->y[i];
        figure_series_style(k, shown);
        if (m > 1) plline((PLINT)m, x, y);
        plssym(0, 0.8);
        if (m > 0) plpoin((PLINT)m, x, y, 17);
        for (size_t i = 0; s->low != NULL && s->high != NULL && i < s->n; i++) {
            double low = s->low[i], high = s->high[i];
            if (!isfinite(low) || !isfinite(high) || (log_y && low <= 0)) continue;
            PLFLT at = s->x[i], from = log_y ? log10(low) : low, to = log_y ? log10(high) : high;
            plerry(1, &at, &from, &to);
        }
        free(x), free(y);
    }
    figure_legend(names, shown);
    plvpor(0.02, 0.98, 0.17, 0.9); /* the title centred on the page, not on the narrowed box */
    plcol0(1);
    plmtex("t", 2.0, 0.5, 0.5, title);
    return figure_close();
}

bool figure_intervals(const char *path, const char *title, const char *x_label,
                      const char *const *names, const double *value, const double *low,
                      const double *high, size_t count, double reference) {
    double x0 = isnan(reference) ? INFINITY : reference,
           x1 = isnan(reference) ? -INFINITY : reference;
    for (size_t k = 0; k < count; k++) {
        double v[3] = {value[k], low[k], high[k]};
        for (int i = 0; i < 3; i++)
            if (isfinite(v[i])) x0 = fmin(x0, v[i]), x1 = fmax(x1, v[i]);
    }
    if (!(x0 < INFINITY)) x0 = 0, x1 = 1;
    if (x1 <= x0) x1 = x0 + 1;
    double margin = 0.08 * (x1 - x0);
    x0 -= margin, x1 += margin;
    double y0 = 0.4, y1 = (double)count + 0.6;
    if (!figure_open(path, "pngcairo")) return false;
    size_t longest = 0;
    for (size_t k = 0; k < count; k++)
        longest = strlen(names[k]) > longest ? strlen(names[k]) : longest;
    /* room on the left for the names: about 0.0145 of the width per character */
    plvpor(fmin(0.5, fmax(0.22, 0.02 + 0.0145 * (double)longest)), 0.95, 0.12, 0.9);
    plwind(x0, x1, y0, y1);
    plcol0(FIGURE_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(1);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    pllab(x_label, "", title);
    if (!isnan(reference)) {
        pllsty(2);
        pljoin(reference, y0, reference, y1);
        pllsty(1);
    }
    for (size_t k = 0; k < count; k++) {
        PLFLT y = (double)(count - k), v = value[k], from = low[k], to = high[k];
        plmtex("lv", 0.8, (y - y0) / (y1 - y0), 1.0, names[k]);
        plcol0(2);
        plwidth(2);
        if (isfinite(from) && isfinite(to)) plerrx(1, &from, &to, &y);
        plssym(0, 1.0);
        if (isfinite(v)) plpoin(1, &v, &y, 17);
        plwidth(1);
        plcol0(1);
    }
    return figure_close();
}

bool figure_decision(const char *path, const char *title, mlp *net, const dataset *data) {
    enum { GRID = 160 };
    const double low = -1.2, high = 1.2;
    PLFLT **image = malloc(GRID * sizeof *image);
    float *points = malloc(GRID * 2 * sizeof *points);
    if (image == NULL || points == NULL || net->capacity < GRID) abort();
    for (int i = 0; i < GRID; i++) {
        image[i] = malloc(GRID * sizeof **image);
        if (image[i] == NULL) abort();
        for (int j = 0; j < GRID; j++) {
            points[2 * j] = (float)(low + (high - low) * (i + 0.5) / GRID);
            points[2 * j + 1] = (float)(low + (high - low) * (j + 0.5) / GRID);
        }
        mlp_forward(net, points, GRID, false);
        for (int j = 0; j < GRID; j++)
            image[i][j] = mlp_get_logit(net, (size_t)j, 1) > mlp_get_logit(net, (size_t)j, 0);
    }
    bool ok = figure_open(path, "pngcairo");
    if (ok) {
        static const PLFLT position[2] = {0, 1}, red[2] = {0.80, 0.98}, green[2] = {0.88, 0.84},
                           blue[2] = {0.98, 0.80};
        plscmap1n(2);
        plscmap1l(1, 2, position, red, green, blue, NULL);
        plvpas(0.1, 0.9, 0.1, 0.9, 1.0);
        plwind(low, high, low, high);
        plimage((PLFLT_MATRIX)image, GRID, GRID, low, high, low, high, 0, 1, low, high, low, high);
        plcol0(1);
        plbox("bcnst", 0, 0, "bcnstv", 0, 0);
        pllab("x1", "x2", title);
        plssym(0, 0.5);
        for (size_t c = 0; c < 2; c++) {
            plcol0(c == 0 ? 2 : 3);
            for (size_t i = 0; i < data->count; i++)
                if (data->label[i] == c) {
                    PLFLT px = data->x[2 * i], py = data->x[2 * i + 1];
                    plpoin(1, &px, &py, c == 0 ? 17 : 4);
                }
        }
        ok = figure_close();
    }
    for (int i = 0; i < GRID; i++)
        free(image[i]);
    free(image), free(points);
    return ok;
}
