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
void report_summary(FILE *out, const res_set *s);

/* Markdown table of the KPI table: dataset, unit, axis, meaning. */
void report_kpi_reference(FILE *out, const res_kpi *kpi, size_t n);

#endif
