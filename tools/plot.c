/* SPDX-License-Identifier: MIT */
/* actfn plot: activation functions (or their derivatives) as a figure, with PLplot's
 * cairo drivers (PNG, SVG, PDF). Jumps of a derivative (relu's at 0) are drawn as
 * jumps, the value the library gives at the jump marked by a filled dot and the other
 * side's limit by an open one. */
#define _POSIX_C_SOURCE 200809L
#include "actfn.h"
#include "commands.h"
#include "common/number_text.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef ACTFN_HAVE_PLPLOT
#include "common/figure_geometry.h"
#include "common/figure_page.h"

#include <plplot.h>
#endif

enum { MAX_OPS = 8, SAMPLES = 2001, MAX_JUMPS = 16 };

static void print_plot_usage(FILE *out) {
    fputs("usage: actfn plot [OP ...] [--grad] [--range A:B] [-o FILE.png|.svg|.pdf]\n"
          "\n"
          "Draws each OP (default: relu) over [A, B] (default -10:10), or with --grad its\n"
          "derivative, where a jump is drawn as a jump with the value at the jump marked\n"
          "(filled dot; the other side's limit open). Several ops get a legend beside\n"
          "the plot, distinct colours and line styles (readable in black and white); a\n"
          "curve another covers is drawn wider beneath it and named in a note. The output\n"
          "format follows the extension; default OP[-OP...][-grad].png. A gated linear\n"
          "unit (glu, swiglu, geglu, geglu_tanh, reglu, squared_reglu: y = a g(b)) is drawn\n"
          "along a = b = x, as x g(x), with --grad its slope there, da + db. The file\n"
          "appears only once complete.\n"
          "Exit status: 0 on success, 1 on a runtime failure, 2 on a usage error.\n",
          out);
}

typedef struct curve {
    actfn_op op; /* the op, or a GLU's gate */
    bool glu;    /* a GLU, drawn along a = b = x */
    const char *name;
    double y[SAMPLES];
    size_t jumps;
    double jump_x[MAX_JUMPS], jump_at[MAX_JUMPS], jump_other[MAX_JUMPS];
} curve;

static double evaluate(const curve *c, bool gradient, double x) {
    double y, one = 1;
    if (c->glu) { /* along a = b = x: y = x g(x), dy/dx = da + db */
        double da, db;
        if (!gradient) return actfn_glu_forward(&c->op, ACTFN_F64, &x, &x, &y, 1), y;
        actfn_glu_backward(&c->op, ACTFN_F64, &x, &x, &one, &da, &db, 1);
        return da + db;
    }
    if (gradient)
        actfn_backward(&c->op, ACTFN_F64, &x, &one, &y, 1);
    else
        actfn_forward(&c->op, ACTFN_F64, &x, &y, 1);
    return y;
}

/* The x of a jump between a and b, by bisection, snapped to a short decimal (0, 6, -1)
 * where the function still jumps there: the library's value at the kink is then the
 * value at exactly that point. */
static double locate_jump(const curve *c, bool gradient, double a, double b) {
    double fa = evaluate(c, gradient, a);
    for (int i = 0; i < 200 && b - a > 1e-12 * (1 + fabs(a)); i++) {
        double m = 0.5 * (a + b), fm = evaluate(c, gradient, m);
        if (fabs(fm - fa) < 1e-9)
            a = m;
        else
            b = m;
    }
    double snapped = round(b * 1e6) / 1e6;
    return fabs(snapped - b) < 1e-6 ? snapped : b;
}

static void sample(curve *c, bool gradient, const double *x, double low, double high) {
    for (size_t i = 0; i < SAMPLES; i++)
        c->y[i] = evaluate(c, gradient, x[i]);
    double span = 1e-12;
    for (size_t i = 0; i < SAMPLES; i++)
        if (isfinite(c->y[i])) span = fmax(span, fabs(c->y[i]));
    c->jumps = 0;
    double step = (high - low) / (SAMPLES - 1);
    for (size_t i = 0; i + 1 < SAMPLES && c->jumps < MAX_JUMPS; i++) {
        /* a jump: a change far larger than the neighbouring slopes allow */
        double change = fabs(c->y[i + 1] - c->y[i]);
        double before = i > 0 ? fabs(c->y[i] - c->y[i - 1]) : 0;
        double after = i + 2 < SAMPLES ? fabs(c->y[i + 2] - c->y[i + 1]) : 0;
        if (change > 0.05 * span && change > 20 * fmax(before, after)) {
            double where = locate_jump(c, gradient, x[i], x[i + 1]);
            double at = evaluate(c, gradient, where);
            double left = evaluate(c, gradient, where - step * 1e-3);
            double right = evaluate(c, gradient, where + step * 1e-3);
            c->jump_x[c->jumps] = where;
            c->jump_at[c->jumps] = at;
            c->jump_other[c->jumps] = fabs(at - left) > fabs(at - right) ? left : right;
            c->jumps++;
        }
    }
}

static bool parse_range(const char *text, double *low, double *high) {
    const char *colon = strchr(text + 1, ':'); /* text + 1: a leading '-' is a sign */
    if (colon == NULL || colon - text >= 64) return false;
    char first[64];
    memcpy(first, text, (size_t)(colon - text));
    first[colon - text] = '\0';
    if (!parse_double(first, low) || !parse_double(colon + 1, high)) return false;
    /* PLplot's axis labelling never ends on a range a few ulps wide (1:1.0000000000000002
     * hung), and an infinite width leaves no x to sample */
    double width = *high - *low;
    return isfinite(*low) && isfinite(*high) && *low < *high && isfinite(width) &&
           width >= 0x1p-30 * fmax(fabs(*low), fabs(*high));
}

static const char *extension_of(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot != NULL ? dot + 1 : "";
}

#ifdef ACTFN_HAVE_PLPLOT
/* Draws one curve's line, broken at each jump and thinned to what shows at the page's
 * resolution (2001 samples of a straight piece become 2 points: an SVG stays small). */
static void draw_line(const curve *c, const double *x, double x_span, double y_span) {
    size_t *keep = malloc(SAMPLES * sizeof *keep);
    PLFLT *px = malloc(SAMPLES * sizeof *px), *py = malloc(SAMPLES * sizeof *py);
    if (keep == NULL || px == NULL || py == NULL) {
        free(keep), free(px), free(py);
        plline(SAMPLES, x, c->y); /* unthinned, unbroken: still a figure */
        return;
    }
    size_t start = 0;
    for (size_t j = 0; j <= c->jumps; j++) {
        size_t end = SAMPLES;
        if (j < c->jumps)
            for (end = start; end < SAMPLES && x[end] < c->jump_x[j]; end++) {
            }
        if (end > start + 1) {
            size_t kept =
                figure_thin(x + start, c->y + start, end - start, x_span, y_span, 2e-4, keep);
            for (size_t i = 0; i < kept; i++)
                px[i] = x[start + keep[i]], py[i] = c->y[start + keep[i]];
            plline((PLINT)kept, px, py);
        }
        start = end;
        while (j < c->jumps && start < SAMPLES && x[start] <= c->jump_x[j])
            start++; /* the point at the jump is the marker's */
    }
    free(keep), free(px), free(py);
}

/* The value at each jump (filled dot) and the other side's limit (open circle), large,
 * ringed in white and drawn after every line, so that no curve and no axis hides them. */
static void draw_jump_markers(const curve *c, size_t k, size_t count) {
    for (size_t j = 0; j < c->jumps; j++) {
        PLFLT px = c->jump_x[j], at = c->jump_at[j], other = c->jump_other[j];
        plcol0(0); /* the background colour: a ring that sets the marker off */
        plssym(0, 2.2);
        plpoin(1, &px, &at, 17);
        figure_series_style(k, count);
        plwidth(2);
        plssym(0, 1.4);
        plpoin(1, &px, &other, 4);
        plssym(0, 1.6);
        plpoin(1, &px, &at, 17);
    }
}

/* A line under the plot naming the curves that a later one covers over most of the
 * range (relu under relu6 in a derivative figure): the wider line underneath shows
 * them, the note says so. Each covered curve once, with the curve covering most of it;
 * at most three, so that the line fits. */
static void note_overlaps(const curve *curves, size_t count, double y_span) {
    char note[512] = "";
    size_t mentioned = 0;
    for (size_t a = 0; a < count; a++) {
        size_t cover = count;
        double most = 0.6; /* over 60% of the samples within 0.4% of the y range */
        for (size_t b = a + 1; b < count; b++) {
            double overlap = figure_overlap(curves[a].y, curves[b].y, SAMPLES, y_span, 4e-3);
            if (overlap >= most) most = overlap, cover = b;
        }
        if (cover == count) continue;
        size_t used = strlen(note);
        if (++mentioned > 3) {
            snprintf(note + used, sizeof note - used, "; ...");
            break;
        }
        snprintf(note + used, sizeof note - used, "%s%s under %s", used ? "; " : "", curves[a].name,
                 curves[cover].name);
    }
    if (note[0] == '\0') return;
    char line[600];
    snprintf(line, sizeof line, "where curves coincide the one below is drawn wider: %s", note);
    plcol0(1);
    plschr(0, 0.75);
    plmtex("b", 5.4, 0, 0, line);
    plschr(0, 1);
}

/* Draws the page figure_open started; false if it could not be written. */
static bool draw(curve *curves, size_t count, bool gradient, const double *x, double low,
                 double high) {
    double y_low = INFINITY, y_high = -INFINITY;
    for (size_t k = 0; k < count; k++)
        for (size_t i = 0; i < SAMPLES; i++)
            if (isfinite(curves[k].y[i])) {
                y_low = fmin(y_low, curves[k].y[i]);
                y_high = fmax(y_high, curves[k].y[i]);
            }
    double y_span = y_high - y_low > 0 ? y_high - y_low : 1;
    y_low -= 0.08 * y_span, y_high += 0.08 * y_span;
    figure_viewport();
    plwind(low, high, y_low, y_high);
    plcol0(FIGURE_GRID);
    plwidth(0.5);
    plbox("g", 0, 0, "g", 0, 0);
    plcol0(1);
    plwidth(1);
    plbox("abcnst", 0, 0, "abcnstv", 0, 0);
    char title[256] = "", ylabel[32];
    for (size_t k = 0; k < count; k++)
        snprintf(title + strlen(title), sizeof title - strlen(title), "%s%s", k ? ", " : "",
                 curves[k].name);
    bool any_glu = false;
    for (size_t k = 0; k < count; k++)
        any_glu |= curves[k].glu;
    snprintf(title + strlen(title), sizeof title - strlen(title), "%s%s",
             gradient ? ": derivatives" : "", any_glu ? " (GLUs at a = b = x)" : "");
    snprintf(ylabel, sizeof ylabel, "%s", gradient ? "f'(x)" : "f(x)");
    pllab("x", ylabel, title);
    const char *names[MAX_OPS];
    for (size_t k = 0; k < count; k++) {
        names[k] = curves[k].name;
        figure_series_style(k, count);
        draw_line(&curves[k], x, high - low, y_high - y_low);
    }
    pllsty(1);
    for (size_t k = 0; k < count; k++)
        draw_jump_markers(&curves[k], k, count);
    note_overlaps(curves, count, y_span);
    figure_legend(names, count);
    return figure_close();
}
#endif

int command_plot(int argc, char **argv) {
    curve *curves = calloc(MAX_OPS, sizeof *curves);
    double *x = malloc(SAMPLES * sizeof *x);
    if (curves == NULL || x == NULL) {
        free(curves), free(x);
        fputs("actfn plot: out of memory\n", stderr);
        return EXIT_RUNTIME_FAILURE;
    }
    size_t count = 0;
    bool gradient = false;
    double low = -10, high = 10;
    const char *output = NULL;
    int status = -1;
    for (int i = 1; i < argc && status < 0; i++) {
        const char *token = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(token, "--help") == 0) {
            print_plot_usage(stdout);
            status = 0;
        } else if (strcmp(token, "--grad") == 0) {
            gradient = true;
        } else if (strcmp(token, "--range") == 0 || strcmp(token, "-o") == 0) {
            if (value == NULL) {
                fprintf(stderr, "actfn plot: %s needs a value\n", token);
                status = EXIT_USAGE;
            } else if (token[1] == 'o') {
                output = value;
            } else if (!parse_range(value, &low, &high)) {
                fprintf(
                    stderr,
                    "actfn plot: invalid range '%s' (A:B, finite, A < B, B - A finite and at least "
                    "2^-30 of |A| and |B|)\n",
                    value);
                status = EXIT_USAGE;
            }
            i++;
        } else if (token[0] == '-') {
            fprintf(stderr, "actfn plot: unknown option '%s'\n", token);
            status = EXIT_USAGE;
        } else if (count == MAX_OPS) {
            fprintf(stderr, "actfn plot: at most %d ops in one figure\n", MAX_OPS);
            status = EXIT_USAGE;
        } else if (actfn_op_from_name(token, &curves[count].op) != ACTFN_OK &&
                   !(curves[count].glu =
                         actfn_glu_gate_from_name(token, &curves[count].op) == ACTFN_OK)) {
            fprintf(stderr, "actfn plot: unknown op '%s' (see 'actfn list')\n", token);
            status = EXIT_USAGE;
        } else {
            curves[count++].name = token;
        }
    }
    if (status < 0 && count == 0) {
        actfn_op_from_name("relu", &curves[0].op);
        curves[count++].name = "relu";
    }
    char default_path[256] = "";
    const char *device = NULL;
    if (status < 0) {
        if (output == NULL) {
            for (size_t k = 0; k < count; k++)
                snprintf(default_path + strlen(default_path),
                         sizeof default_path - strlen(default_path), "%s%s", k ? "-" : "",
                         curves[k].name);
            snprintf(default_path + strlen(default_path),
                     sizeof default_path - strlen(default_path), "%s.png", gradient ? "-grad" : "");
            output = default_path;
        }
        const char *extension = extension_of(output);
        device = strcmp(extension, "png") == 0   ? "pngcairo"
                 : strcmp(extension, "svg") == 0 ? "svgcairo"
                 : strcmp(extension, "pdf") == 0 ? "pdfcairo"
                                                 : NULL;
        if (device == NULL) {
            fprintf(stderr, "actfn plot: %s: the output must end in .png, .svg or .pdf\n", output);
            status = EXIT_USAGE;
        } else if (strlen(output) > 4000) {
            fprintf(stderr, "actfn plot: the output path is too long\n");
            status = EXIT_USAGE;
        }
    }
#ifdef ACTFN_HAVE_PLPLOT
    if (status < 0) {
        for (size_t i = 0; i < SAMPLES; i++)
            x[i] = low + (high - low) * (double)i / (SAMPLES - 1);
        for (size_t k = 0; k < count; k++)
            sample(&curves[k], gradient, x, low, high);
        /* drawn into a temporary file, put at the output when complete (figure_page.h) */
        if (!figure_open(output, device)) {
            fprintf(stderr, "actfn plot: %s: could not write the figure\n", output);
            free(curves), free(x);
            return EXIT_RUNTIME_FAILURE;
        }
        if (!draw(curves, count, gradient, x, low, high)) {
            fprintf(stderr, "actfn plot: %s: could not write the figure\n", output);
            status = EXIT_RUNTIME_FAILURE;
        } else {
            printf("%s\n", output);
            status = 0;
        }
    }
#else
    if (status < 0) {
        fputs("actfn plot: this actfn was built without PLplot (libplplot-dev)\n", stderr);
        status = EXIT_RUNTIME_FAILURE;
    }
#endif
    free(curves), free(x);
    return status;
}
