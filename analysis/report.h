/*
 * analysis/report.h - what a person reads on the terminal.
 *
 * Owns: the summary table printed after a run (means with 95 % intervals
 * across replicates) and the Markdown reference of the outputs.
 */
#ifndef ANALYSIS_REPORT_H
#define ANALYSIS_REPORT_H

#include <stdio.h>
#include "results.h"

/* Per variant and year: expenditure, unit price, price drift, waiting and
 * external share, each as mean +- half-width of its 95 % interval. */
void report_summary(FILE *out, const sim_record *s);

/* Markdown table of the N series of TABLE: dataset, unit, axis, meaning.
 * AXIS_NAME[a] names axis a (of N_AXES); no record is needed, so the
 * reference can be printed without a scenario. */
void report_kpi_reference(FILE *out, const sim_series *table, size_t n,
                          const char *const *axis_name, int n_axes);

#endif
