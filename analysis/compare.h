/*
 * analysis/compare.h - regimes compared pair by pair, for a committee.
 *
 * Owns: which KPIs a comparison reports and how each is summed up over the
 * horizon, the terminal tables (each variant's mean with its 95 % interval
 * and its paired difference from the reference, the first variant), and the
 * stopping rule for adding replicates.
 */
#ifndef ANALYSIS_COMPARE_H
#define ANALYSIS_COMPARE_H

#include <stdio.h>
#include "results.h"

/* The rows a comparison shows, in order: the headline, then the
 * committee's criteria by section (VIVE 2023: economic sustainability,
 * professional sustainability, capacity management). */
enum { COMPARE_HEADLINE, COMPARE_ECONOMIC, COMPARE_PROFESSIONAL, COMPARE_CAPACITY,
       COMPARE_N_SECTIONS };
typedef struct compare_row {
    int          section;
    const char  *series;     /* a series without an axis */
    res_agg_kind kind;       /* how it is summed up over the horizon */
    const char  *title, *title_da;   /* with the unit shown */
    double       scale;      /* shown = value * scale */
    int          decimals;
    int          share;      /* a rate: widths are absolute */
} compare_row;
extern const compare_row compare_rows[];
extern const size_t compare_n_rows;
/* Each section's title, in English and in Danish. */
extern const char *const compare_section_title[COMPARE_N_SECTIONS][2];

/* The horizon aggregates a comparison reports (for res_meta.agg). */
extern const res_agg compare_aggs[];
extern const size_t compare_n_aggs;

/* The committee table over the horizon, then per-year paired differences. */
void compare_report(FILE *out, const sim_record *s);

/*
 * 1 when every reported interval is narrower than WIDTH: for shares (price
 * drift) WIDTH is absolute (0.01 = one percentage point), for the others
 * relative to the reference variant's mean.  Both each variant's mean and
 * each paired difference count.
 */
int compare_converged(const sim_record *s, double width);

#endif
