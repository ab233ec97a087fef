/*
 * analysis/risk.h - how likely price drift is, how large, and why.
 *
 * Owns: the drift risk tables across replicates (the distribution of
 * cumulative drift, the probability that a year's drift exceeds a
 * threshold, its 95th percentile), the decomposition of drift by source,
 * and the one-at-a-time sensitivity table.
 */
#ifndef ANALYSIS_RISK_H
#define ANALYSIS_RISK_H

#include <stdio.h>
#include "results.h"

/* The horizon aggregates a risk run writes under /compare. */
extern const res_agg risk_aggs[];
extern const size_t risk_n_aggs;

/* The risk table's figures for the first N_BASE variants at threshold T,
 * into OUT[v * RISK_N_FIGURES + i] (shares, not %), for the result file's
 * /risk group; 0 or -1 (no price_drift series, no memory). */
#define RISK_N_FIGURES 7
extern const char *const risk_figure_name[RISK_N_FIGURES];
extern const char *const risk_figure_doc[RISK_N_FIGURES];
int risk_figures(const sim_record *s, int n_base, double threshold, double *out);

/* Risk and sources for the first N_BASE variants, per year threshold T. */
void risk_report(FILE *out, const sim_record *s, int n_base, double threshold);

/* Sensitivity: variants N_BASE.. come in (low, high) pairs, one pair per
 * parameter KEYS[i] with values LOW[i], HIGH[i], varied around variant 0. */
void risk_sensitivity(FILE *out, const sim_record *s, int n_base,
                      const char *const *keys, const double *low,
                      const double *high, int n_keys);

#endif
