/*
 * analysis/plot.h - charts drawn by gnuplot, as SVG text to inline.
 *
 * Owns: running gnuplot (Debian's gnuplot-nox) on a script, the SVG
 * terminal settings every chart shares (size, font, the colour-blind-safe
 * palette of Okabe and Ito), and making the SVG fit inside an HTML page
 * beside others (no XML prolog, ids prefixed so that two charts never
 * share one).  The caller writes the plot commands and the data, as
 * gnuplot datablocks; nothing here draws.
 *
 * The same script gives the same bytes: gnuplot's SVG carries no date or
 * file name, and the data are written by the caller in fixed notation.
 */
#ifndef ANALYSIS_PLOT_H
#define ANALYSIS_PLOT_H

#include <stddef.h>

#define PLOT_COLOURS 8
/* Okabe-Ito: distinguishable with every common colour-vision deficiency. */
extern const char *const plot_colour[PLOT_COLOURS];

/* The lines every script starts with: terminal, font, border, grid, the
 * line styles 1..PLOT_COLOURS in the palette.  W x H in pixels. */
void plot_preamble(char *buf, size_t n, int w, int h);

/*
 * Run gnuplot on SCRIPT (which sets no terminal or output: the preamble
 * and the output are added here) and return the SVG as a malloc'd string,
 * its ids prefixed by ID, or NULL with ERR saying why (gnuplot missing,
 * or its own message).
 */
char *plot_svg(const char *script, int w, int h, const char *id, char *err,
               size_t errlen);

/* 1 when gnuplot can be run. */
int plot_available(void);

#endif
