/* SPDX-License-Identifier: MIT */
/* Draws relu forward throughput against array size, one thread, for actfn, its peers
 * and memcpy, from bench_peers / peers.py measurements, with PLplot into a PNG.
 * usage: bench_plot MEASUREMENTS.tsv OUTPUT.png */
#include <plplot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 32

typedef struct series {
    const char *implementation;
    const char *op;
    PLFLT x[MAX_POINTS], y[MAX_POINTS];
    int count;
} series;

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: bench_plot MEASUREMENTS.tsv OUTPUT.png\n", stderr);
        return 2;
    }
    series all[] = {
        {"memcpy", "limit", {0}, {0}, 0},         {"actfn", "relu forward", {0}, {0}, 0},
        {"oneDNN", "relu forward", {0}, {0}, 0},  {"XNNPACK", "relu forward", {0}, {0}, 0},
        {"PyTorch", "relu forward", {0}, {0}, 0}, {"NumPy", "relu forward", {0}, {0}, 0}};
    int series_count = (int)(sizeof all / sizeof *all);
    FILE *in = fopen(argv[1], "r");
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    char line[512];
    while (fgets(line, sizeof line, in) != NULL) {
        char threads[8], op[64], implementation[64];
        unsigned long long n;
        double ns;
        if (sscanf(line, "%7[^\t]\t%63[^\t]\t%63[^\t]\t%llu\t%lf", threads, op, implementation, &n,
                   &ns) != 5 ||
            strcmp(threads, "1") != 0 || ns <= 0)
            continue;
        for (int s = 0; s < series_count; s++) {
            if (strcmp(all[s].implementation, implementation) == 0 && strcmp(all[s].op, op) == 0 &&
                all[s].count < MAX_POINTS) {
                all[s].x[all[s].count] = log10((double)n);
                /* GB/s of the 8 bytes per element a forward moves */
                all[s].y[all[s].count] = 8.0 / ns;
                all[s].count++;
            }
        }
    }
    fclose(in);
    PLFLT top = 1;
    for (int s = 0; s < series_count; s++)
        for (int i = 0; i < all[s].count; i++)
            top = all[s].y[i] > top ? all[s].y[i] : top;
    plsdev("pngcairo");
    plsfnam(argv[2]);
    plspage(0, 0, 1000, 650, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    plscol0(1, 0, 0, 0);
    plcol0(1);
    plenv(3, 8, 0, top * 1.1, 0, 10); /* log x axis */
    pllab("elements (f32)", "GB/s (read + write)", "relu forward, one thread");
    static const int colours[][3] = {{0, 0, 0},     {200, 30, 30}, {30, 90, 200},
                                     {20, 150, 60}, {200, 120, 0}, {130, 50, 160}};
    PLINT opt[6], text_colors[6], line_colors[6], line_styles[6];
    PLFLT line_widths[6];
    const char *texts[6];
    for (int s = 0; s < series_count; s++) {
        plscol0(2 + s, colours[s][0], colours[s][1], colours[s][2]);
        plcol0(2 + s);
        pllsty(1 + s % 8); /* distinct dash patterns survive black-and-white print */
        plwidth(s == 1 ? 3 : 1.5);
        if (all[s].count > 0) plline(all[s].count, all[s].x, all[s].y);
        opt[s] = PL_LEGEND_LINE;
        text_colors[s] = 1;
        line_colors[s] = 2 + s;
        line_styles[s] = 1 + s % 8;
        line_widths[s] = s == 1 ? 3 : 1.5;
        texts[s] = all[s].implementation;
    }
    pllsty(1);
    PLFLT width, height;
    pllegend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_RIGHT | PL_POSITION_TOP | PL_POSITION_INSIDE, 0.02, 0.02, 0.12, 0, 1, 1, 0,
             0, series_count, opt, 1.0, 1.0, 2.0, 1.0, text_colors, texts, NULL, NULL, NULL, NULL,
             line_colors, line_styles, line_widths, NULL, NULL, NULL, NULL);
    plend();
    return 0;
}
