/*
 * analysis/uncertainty.h - uncertainty about assumed parameters carried
 * into the comparison (probabilistic sensitivity analysis).
 *
 * Owns: reading a scenario's `uncertainty:` section (priors on [A] keys:
 * uniform, triangular, normal, lognormal or beta), the parameter draws
 * (draw d of prior j from the stream keyed by (uncertainty.seed, d, j), so
 * draw d is the same in every variant and in every process), which draw a
 * replicate runs under (replicate r: draw r / replicates_per_draw), and the
 * results: for each compare row and variant, the paired difference from
 * the first variant with two intervals, one for the Monte Carlo noise of
 * the replicates and one for the spread over the parameter draws, the
 * parameters' share of that spread and the priors that drive it (Spearman
 * rank correlation over the draws).
 *
 * Knows nothing of the market: the command line makes a params per
 * (variant, draw) from the draws and hands the record back.
 */
#ifndef ANALYSIS_UNCERTAINTY_H
#define ANALYSIS_UNCERTAINTY_H

#include <stdint.h>
#include <stdio.h>
#include "sim/config.h"

#define UNC_MAX_PRIORS 32

typedef enum { PRIOR_UNIFORM, PRIOR_TRIANGULAR, PRIOR_NORMAL, PRIOR_LOGNORMAL,
               PRIOR_BETA } unc_kind;
extern const char *const unc_kind_name[];

typedef struct unc_prior {
    const char *name, *key;    /* borrowed from the cfg */
    unc_kind    kind;
    double      low, high;     /* uniform, triangular, beta: the support; normal,
                                  lognormal: truncation (+-1e15 when not given: the
                                  key's range alone) */
    double      mode;          /* triangular */
    double      mean, sd;      /* normal; lognormal: of the log */
    double      a, b;          /* beta's shapes */
} unc_prior;

typedef struct unc_design {
    int       n;                      /* priors; 0: no uncertainty section */
    unc_prior p[UNC_MAX_PRIORS];
    int       per_draw, draws;
    uint64_t  seed;
    double   *x;                      /* [draw][prior] */
} unc_design;

/* Read C's uncertainty section for a plan of REPLICATES replicates per
 * variant and draw its values (a draw a key would refuse, e.g. out of its
 * range, is drawn again).  0 (u->n == 0 without the section), or -1 with
 * ERR naming the file, line, column and key. */
int  unc_load(const cfg *c, int replicates, unc_design *u, cfg_error *err);
void unc_free(unc_design *u);

/* The draw replicate R runs under. */
static inline int unc_draw_of(const unc_design *u, int r) { return r / u->per_draw; }

struct sim_record;
struct res_extra;

typedef struct unc_result {
    int     n_rows, n_variants;
    /* [row][variant]: the difference from variant 0 */
    double *mean, *mean_half, *mc_lo, *mc_hi, *par_lo, *par_hi, *par_share;
    double *rho;                      /* [row][variant][prior] */
    struct res_extra *extra;
    size_t  n_extra;
    char  **owned;
    size_t  n_owned;
} unc_result;

int  unc_analyse(const unc_design *u, const struct sim_record *rec, unc_result *r);
/* The headline rows, every variant against the first. */
/* The prior that drives the difference at AT ([row][variant]) beyond
 * chance, or -1: a parameters' share of 10 % at least, and a rank
 * correlation above the Bonferroni bound z(1 - 0.025 / n) / sqrt(D - 1). */
int  unc_main_driver(const unc_design *u, const unc_result *r, size_t at);
void unc_print(FILE *f, const unc_design *u, const unc_result *r,
               const struct sim_record *rec);
/* The draws and results as datasets under /uncertainty (kept in R). */
int  unc_extras(const unc_design *u, unc_result *r);
void unc_result_free(unc_result *r);

#endif
