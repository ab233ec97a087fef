/*
 * analysis/results.h - the result set of one invocation and its HDF5 file.
 *
 * Owns: the in-memory arrays that jobs fill (one disjoint slot per job, so
 * threads never share a write), statistics across replicates, and writing
 * everything to one HDF5 file, built in memory and handed to sim/outfile,
 * which gives it its name only once it is whole and on the disk.
 * Knows nothing of what the KPIs mean: the model supplies the KPI table.
 *
 * Layout of one KPI's data: [variant][replicate][year][axis], axis length 1
 * for national KPIs.
 */
#ifndef ANALYSIS_RESULTS_H
#define ANALYSIS_RESULTS_H

#include <stddef.h>

typedef enum {
    RES_AXIS_NONE = 0,       /* national: one value per year */
    RES_AXIS_MUNICIPALITY,
    RES_AXIS_GROUP,
    RES_AXIS_OFFER_TYPE,
    RES_AXIS_COUNT
} res_axis;

typedef struct res_kpi {
    const char *name;   /* dataset name, snake_case */
    const char *unit;   /* "DKK", "DKK/year", "share", "days", "count", ... */
    res_axis    axis;
    int         headline; /* 1: shown in the terminal summary table */
    const char *doc;    /* one line, also written as an HDF5 attribute */
} res_kpi;

/* Over the horizon, per replicate: the sum of the years (flows), the mean of
 * the years with a value (rates), or the last year (levels). */
typedef enum { RES_AGG_SUM, RES_AGG_MEAN, RES_AGG_LAST,
               RES_AGG_COMPOUND   /* product of (1 + x) over the years, minus 1 */
             } res_agg_kind;

typedef struct res_agg {
    const char  *kpi;     /* name in the KPI table (national KPIs) */
    res_agg_kind kind;
} res_agg;

typedef struct res_set {
    /* plan */
    int          n_variants, n_replicates, n_years;
    char       **variant_names;       /* n_variants */
    int         *years;               /* n_years calendar years */
    /* axes: labels for each non-national axis */
    int          axis_len[RES_AXIS_COUNT];   /* [RES_AXIS_NONE] == 1 */
    char       **axis_labels[RES_AXIS_COUNT];
    int         *municipality_codes;  /* axis_len[MUNICIPALITY] */
    /* KPIs */
    size_t        n_kpi;
    const res_kpi *kpi;
    double      **data;               /* n_kpi arrays, layout above */
    unsigned char *job_done;          /* n_variants * n_replicates */
    /* run metadata, written as root attributes */
    char *program_version, *git_commit, *command_line, *created;
    unsigned long long master_seed;
    int   threads;
    char *scenario_path, *scenario_source, *resolved_config; /* texts */
    /* horizon aggregates written under /compare (borrowed, may be NULL) */
    const res_agg *agg;   size_t n_agg;
    /* engine figures, written under /run */
    double seconds, events;           /* wall time, events processed */
} res_set;

/* Allocate arrays for the given plan, axes and KPI table (zero-filled).
 * Returns NULL on allocation failure. */
res_set *res_create(int n_variants, int n_replicates, int n_years,
                    const int axis_len[RES_AXIS_COUNT],
                    const res_kpi *kpi, size_t n_kpi);
void     res_free(res_set *s);
/* Bytes res_create would allocate for the data (SIZE_MAX on overflow), so
 * a caller can refuse a plan no machine can hold before running it. */
size_t   res_bytes(int n_variants, int n_replicates, int n_years,
                   const int axis_len[RES_AXIS_COUNT], const res_kpi *kpi,
                   size_t n_kpi);

/* The block [year][axis] of KPI K for job (V, R): what a job writes. */
static inline double *res_slot(res_set *s, size_t k, int v, int r)
{
    size_t per_job = (size_t)s->n_years * (size_t)s->axis_len[s->kpi[k].axis];
    return s->data[k] + ((size_t)v * (size_t)s->n_replicates + (size_t)r) * per_job;
}

/* Statistics of one KPI across replicates for variant V, year Y, axis item A,
 * over the replicates whose job is done. */
typedef struct res_stat {
    int    n;
    double mean, sd;
    double ci_lo, ci_hi;     /* 95 % interval of the mean (Student t) */
    double p025, p975;       /* 2.5 % and 97.5 % quantiles of the replicates */
} res_stat;

void res_stat_of(const res_set *s, size_t k, int v, int y, int a, res_stat *out);
/* Paired difference variant V minus variant REF, replicate by replicate. */
void res_stat_diff(const res_set *s, size_t k, int v, int ref, int y, int a,
                   res_stat *out);

/* Statistics across replicates of the horizon aggregate of national KPI K
 * for variant V; with REF >= 0, of the paired difference V - REF. */
void res_stat_agg(const res_set *s, size_t k, res_agg_kind kind, int v, int ref,
                  res_stat *out);
/* The horizon aggregate of national KPI K for job (V, R); NaN if none. */
double res_aggregate(const res_set *s, size_t k, res_agg_kind kind, int v, int r);
/* Index of the KPI called NAME, or -1. */
int  res_kpi_index(const res_set *s, const char *name);
/* Keep the first R replicates of every variant (R <= n_replicates). */
void res_truncate(res_set *s, int r);

/*
 * Write the whole set to PATH: the HDF5 image is built in memory, written
 * to PATH.tmp-<pid>, flushed and linked to PATH.  FORCE == 0 never replaces
 * a PATH, not even one another process wrote while this one ran.  On
 * failure nothing is left at PATH (an older file there is untouched) and
 * ERRBUF says why, with the system's reason.
 * Returns 0 on success.
 */
int res_write_h5(const res_set *s, const char *path, int force,
                 char *errbuf, size_t errlen);

#endif
