/*
 * analysis/html.h - the report a committee reads: one HTML file from one
 * result file.
 *
 * Owns: what the report says and in which order (report_html.c writes the
 * order down once, in report_sections[]), its words in English and in
 * Danish, the rules it states (the likelihood scale, the materiality
 * threshold, the bands of winners and losers), the charts it asks gnuplot
 * for (plot.h) and the CSV file of every table.
 *
 * Reads a res_file (results_read.c), never a record in memory, so that a
 * report says what the file holds and can be made again later from it.
 * Writes nothing itself: the caller gives the streams (the HTML into
 * memory, then to disk whole; each CSV through csv_open).
 */
#ifndef ANALYSIS_HTML_H
#define ANALYSIS_HTML_H

#include <stdio.h>
#include "results.h"

typedef enum { REPORT_EN, REPORT_DA } report_lang;

typedef struct report_opts {
    report_lang lang;
    double materiality;   /* |difference| below this share of the reference: about the same */
    double threshold;     /* yearly price drift the risk section counts exceedances of */
    int    threshold_given;   /* 0: a risk file's own threshold, when it has one */
    int    price_year;    /* fixed prices of this year (0: the first year of the file) */
    /* Where a table's CSV goes: a stream for NAME (e.g. "criteria.csv"),
     * which the report closes with csv_close; NULL: no CSV. */
    FILE *(*csv_open)(void *ctx, const char *name);
    int   (*csv_close)(void *ctx, FILE *f);
    void  *csv_ctx;
    const char *csv_dir;  /* the CSV folder as the report links it, or NULL */
} report_opts;

/* Write the report of F to OUT; 0, or -1 with ERR (gnuplot missing or
 * failing, a CSV that could not be written). */
int report_html(const res_file *f, const report_opts *o, FILE *out, char *err,
                size_t errlen);

/*
 * `placesim report`: read IN (a result file), write the report to OUT
 * (NULL: IN with .html for .h5) whole or not at all, each table's CSV into
 * the folder OUT without .html plus "_files", and with PDF also OUT with
 * .pdf printed by headless Chromium.  Without FORCE an existing OUT is
 * kept and the call fails.  0; 2 for bad input (not a result file, a
 * schema this build does not read, OUT exists); 1 when writing failed.
 * ERR says why.  WROTE (may be NULL) receives the path written.
 */
int report_write(const char *in, const char *out, const report_opts *o, int force,
                 int pdf, char *wrote, size_t wrote_len, char *err, size_t errlen);

/* The report's path for IN and OUT (as report_write names it), and the
 * checks report_write makes on it before any work, for callers that run
 * a plan first (compare --report): 0, or 2 with ERR. */
int report_paths(const char *in, const char *out, char *path, size_t n);
int report_check_output(const char *in, const char *out, int force, char *err,
                        size_t errlen);

/* The likelihood words (IPCC AR6 scale) for P, the share of paired
 * replicates in which a variant is lower than the reference; exposed for
 * tests. */
const char *report_likelihood(double p, report_lang lang);

#endif
