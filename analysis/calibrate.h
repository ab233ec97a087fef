/*
 * analysis/calibrate.h - the baseline against Danish figures.
 *
 * Owns: the calibration targets (reference model, section 8), measuring
 * them on a record of the KPIs, the free parameters a calibration moves (knobs),
 * fitting them with GSL's Nelder-Mead simplex, and writing the fitted
 * values as a scenario that extends the unfitted one.
 */
#ifndef ANALYSIS_CALIBRATE_H
#define ANALYSIS_CALIBRATE_H

#include <stdio.h>
#include "results.h"
#include "models/market.h"
#include "models/params.h"

typedef struct calib_target {
    const char *name;     /* what is measured */
    double      lo, hi;   /* the reported value, or range */
    double      weight;   /* in the fit; 0: reported by validate only */
    const char *source;
} calib_target;

#define CALIB_MAX_TARGETS 48
extern const calib_target calib_targets[];
extern const size_t calib_n_targets;

/* Target I's value in replicate R of variant V (NaN if it cannot be had). */
double calib_measure(const sim_record *s, size_t i, int v, int r);
/* Relative distance from the target: 0 inside a range. */
double calib_error(const calib_target *t, double value);

/* Print target, simulated mean with 95 % interval, relative error. */
int  calib_validate(FILE *out, const sim_record *s);

/* The free parameters, named in calib_knob_name: incidence multipliers by
 * offer type and for the narrow groups, placement penalties, home support,
 * the spread of need, county ownership and the weight of others' queue in
 * narrow capacity.  X has CALIB_KNOBS values. */
#define CALIB_KNOBS 10
extern const char *const calib_knob_name[CALIB_KNOBS];
void calib_apply(params *p, const double *x);    /* x = 1,1,1,...: no change */
void calib_start(const params *p, double *x);     /* the unchanged point */

/* Fit the first N_FREE knobs of BASE (the rest stay at the start) so that
 * R replicates of YEARS years match the targets (or TARGET_VALUES when not
 * NULL: one value per target, for tests that recover parameters from data
 * the model made), each trial on THREADS threads (0: all).  Returns the
 * final objective; X holds all knobs. */
double calib_fit(const params *base, const muni_table *mt, int replicates,
                 int years, const double *target_values, int n_free,
                 int max_iter, int threads, int verbose, double *x);

/* Housing users' mean change per year over YEARS years of R replicates of
 * BASE with every incidence trend at zero and no shocks, on THREADS
 * threads (0: all); HALF: its 95 % half-width, NaN from one replicate.
 * How far the starting stock is from what the flows sustain; NaN when
 * there are no housing users. */
double calib_housing_drift(const params *base, const muni_table *mt, int replicates,
                           int years, int threads, double *half);

/* Set P's home_support.escalated_share, by bisection, to where housing
 * holds without trends (calib_housing_drift 0) and return it, with
 * *BRACKETED 1.  When no share in [0, 1] holds housing, the nearer end and
 * *BRACKETED 0; with no housing users, NaN and the share unchanged. */
double calib_settle(params *p, const muni_table *mt, int replicates, int years,
                    int threads, int verbose, int *bracketed);

/* Write SCENARIO_OUT: `extends: BASE_REL` plus the fitted values. */
int  calib_write(const char *path, const char *base_rel, const params *fitted,
                 const double *x, double objective, int settled, const char *command,
                 char *err, size_t errlen);

#endif
