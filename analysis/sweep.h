/*
 * analysis/sweep.h - designs over scenario numbers, and the sensitivity
 * indices of a result over them.
 *
 * Owns: reading a scenario's `sweep:` section (factors, their ranges, the
 * design), the design's points (each a share in [0, 1) per factor, and the
 * factor values those shares stand for), and the indices: first-order
 * (Saltelli 2010) and total (Jansen 1999) Sobol indices with bootstrap
 * intervals over the design's base rows, and Morris' mu, mu* and sigma of
 * elementary effects.
 *
 * Designs, for k factors:
 *   grid    every combination of each factor's values (its list, or
 *           sweep.levels evenly spaced from low to high);
 *   lhs     sweep.points points, each factor's range cut into as many
 *           equal strata, one point in each, strata shuffled per factor;
 *   sobol   Saltelli's scheme: N = sweep.points base rows, row i point i
 *           (from 0, the origin, which GSL's sequence skips) of the
 *           2k-dimensional Sobol sequence with a random digital shift per
 *           coordinate (drawn from sweep.seed: the points stay a net, best
 *           at N a power of 2), A its first k coordinates and B its last k;
 *           points A (N), B (N), then for each factor j, A with column j
 *           from B (N each): N (k + 2) in all.  At most 20 factors: GSL's
 *           generator is valid up to 40 dimensions, and beyond them
 *           gsl_qrng_alloc still succeeds but leaves it uninitialised (its
 *           points are undefined, with no error);
 *   morris  sweep.points trajectories on a grid of p = sweep.levels (even)
 *           levels,
 *           step D = p / (2 (p - 1)): a random base point, then one factor
 *           at a time, in a random order, moved by +D: r (k + 1) points.
 * The order of the points is the order above; the index functions read
 * the outputs in that order.
 *
 * Knows nothing of the market or of how a point is run: the command line
 * makes each point a variant (sim_record) and hands the outputs back.
 */
#ifndef ANALYSIS_SWEEP_H
#define ANALYSIS_SWEEP_H

#include <stdint.h>
#include <stdio.h>
#include "sim/config.h"

#define SWEEP_MAX_FACTORS 20    /* sobol: 2k <= 40, GSL's limit */
#define SWEEP_MAX_OUTPUTS 16
#define SWEEP_MAX_POINTS 20000  /* points x scenario variants: see placesim.c */

typedef enum { SWEEP_NONE, SWEEP_GRID, SWEEP_LHS, SWEEP_SOBOL, SWEEP_MORRIS } sweep_kind;
extern const char *const sweep_kind_name[];   /* the scenario's words */

typedef struct sweep_factor {
    const char *name, *key;     /* borrowed from the cfg */
    double      low, high;
    int         log;            /* log spacing */
    double      values[CFG_LIST_MAX];
    int         n_values;       /* 0: low..high */
} sweep_factor;

typedef struct sweep_design {
    sweep_kind   kind;
    int          k;                         /* factors */
    sweep_factor f[SWEEP_MAX_FACTORS];
    int          base;                      /* sweep.points */
    int          levels;
    uint64_t     seed;
    int          bootstrap;
    int          n_outputs;
    char         output[SWEEP_MAX_OUTPUTS][64];
    int          n_points;
    double      *u;                         /* [point][factor] shares */
    uint32_t     shift[2 * SWEEP_MAX_FACTORS];  /* sobol: the digital shift */
    double      *x;                         /* [point][factor] values */
} sweep_design;

/* Read C's sweep section into D (kind SWEEP_NONE when the design is none)
 * and make its points.  Every key is checked against the table in use:
 * a factor's key must be a number key of the scenario, its range inside
 * the key's, OUTPUTS names from OUTPUT_NAMES[0..n).  0, or -1 with ERR
 * naming the file, line, column and key. */
int  sweep_load(const cfg *c, const char *const *output_names, int n_output_names,
                sweep_design *d, cfg_error *err);
void sweep_free(sweep_design *d);

/* The points of a design whose kind, factors, base, levels and seed are
 * set (sweep_load calls it; a test may fill D by hand).  0, -1 out of
 * memory, -2 a grid of more than SWEEP_MAX_POINTS points. */
int  sweep_make(sweep_design *d);

/* The value factor F takes at share U in [0, 1). */
double sweep_value(const sweep_factor *f, double u);

/* Sobol indices from Y (n_points outputs in design order) of a sobol
 * design: per factor the first-order and total index and their bootstrap
 * 95 % intervals (percentiles over D->bootstrap resamples of the base
 * rows, drawn from D->seed).  Arrays of D->k.  0, or -1 when the outputs
 * do not vary (no index is defined then: all NaN). */
int sweep_sobol(const sweep_design *d, const double *y, double *first, double *first_lo,
                double *first_hi, double *total, double *total_lo, double *total_hi);

/* Morris' statistics from Y of a morris design, per factor: mu (mean
 * elementary effect, per unit of the factor's share), mu* (mean absolute)
 * and sigma (standard deviation).  Arrays of D->k. */
void sweep_morris(const sweep_design *d, const double *y, double *mu, double *mu_star,
                  double *sigma);

/*
 * A sweep's results: per output KPI and scenario variant (base), the
 * replicate mean of the output's horizon aggregate at every point, and the
 * design's indices over the points: Sobol (sobol), Morris (morris), or
 * Spearman's rank correlation of each factor with the output (grid, lhs).
 * Arrays [output][base][point] and [output][base][factor]; NULL when the
 * design has none of that kind.
 */
typedef struct sweep_result {
    int     n_outputs, n_base, n_points, k;
    double *mean;
    double *noise;     /* [output][base]: the replicates' share of the spread */
    double *first, *first_lo, *first_hi, *total, *total_lo, *total_hi;
    double *mu, *mu_star, *sigma;
    double *rho;
    /* the file's datasets (sweep_extras) */
    struct res_extra *extra;
    size_t n_extra;
    char  **owned;
    size_t  n_owned;
    const char **factor_names, **factor_keys;
} sweep_result;

struct sim_record;
/* The results of the record REC of a sweep over D with N_BASE scenario
 * variants (variant b x n_points + p is base b at point p).  0 or -1. */
int  sweep_analyse(const sweep_design *d, const struct sim_record *rec, int n_base,
                   sweep_result *r);
/* The results as a table on F, one block per output; BASE_NAMES label the
 * scenario variants. */
void sweep_print(FILE *f, const sweep_design *d, const sweep_result *r,
                 const char *const *base_names);
/* The design and results as datasets under /sweep for the writer (kept in
 * R, freed with it).  0 or -1. */
int  sweep_extras(const sweep_design *d, sweep_result *r, const char *const *base_names);
void sweep_result_free(sweep_result *r);

#endif
