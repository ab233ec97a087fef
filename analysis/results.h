/*
 * analysis/results.h - statistics of a record, and the record as one HDF5
 * file.
 *
 * Owns: statistics across replicates and paired differences between
 * variants, horizon aggregates, what an invocation says about itself in
 * the file (res_meta), and writing a plan's jobs with its res_meta to one
 * HDF5 file on the disk a job at a time (res_writer), under a temporary
 * name from sim/outfile, which gives it its name only once it is whole;
 * and reading what was written back (the writer's lazy view).
 * Reads the record; never fills it (the model does) and holds none of its
 * values beyond the view's few series.  Knows nothing of what the series
 * mean.
 */
#ifndef ANALYSIS_RESULTS_H
#define ANALYSIS_RESULTS_H

#include <stddef.h>
#include "sim/record.h"

/* What the file and the output reference call a series without an axis
 * (one value per year), where others name their axis. */
#define RES_NO_AXIS "national"

/* Over the horizon, per replicate: the sum of the years (flows), the mean of
 * the years with a value (rates), or the last year (levels). */
typedef enum { RES_AGG_SUM, RES_AGG_MEAN, RES_AGG_LAST,
               RES_AGG_COMPOUND   /* product of (1 + x) over the years, minus 1 */
             } res_agg_kind;

typedef struct res_agg {
    const char  *series;  /* name of a series without an axis */
    res_agg_kind kind;
} res_agg;

/* A column of facts about an axis's items written beside it as
 * /axes/AXIS_NAME (e.g. each municipality's region): strings or numbers,
 * one per item of the axis. */
typedef struct res_column {
    const char *axis, *name;
    const char *const *text;   /* or NULL */
    const double *value;       /* or NULL */
} res_column;
#define RES_MAX_COLUMNS 4

/* A dataset of an analysis written beside the record (a sweep's design and
 * indices): PATH under the root, its groups made as needed; numbers
 * (VALUE, RANK 1 or 2 with DIMS) or strings (TEXT, rank 1); attributes
 * dims (what each dimension is) and doc. */
typedef struct res_extra {
    char               *path;
    int                 rank;
    size_t              dims[2];
    const double       *value;
    const char *const  *text;
    const char         *dims_label, *doc;
} res_extra;

/*
 * What the file says beside the record: who made it, from what, how long
 * it took, and which horizon aggregates to add.  It describes one
 * invocation, so it lives with the writer, not in the record.  The strings
 * are owned (res_meta_clear frees them); NULL ones are written as "".
 */
typedef struct res_meta {
    /* root attributes */
    char *program_version, *git_commit, *command_line, *created;
    char *scenario_path;
    char *plan_digest;    /* the plan's digest (analysis/study), or NULL */
    unsigned long long master_seed;
    int   threads;
    /* /scenario: texts */
    char *scenario_source, *resolved_config;
    /* figures of one analysis (risk) written as /GROUP/NAME [variant] for
     * the first n_figure_variants variants, data[v * n_figures + i], with
     * the attribute `threshold` on /GROUP when it is set (borrowed) */
    const char *figure_group;
    const char *const *figure_name, *const *figure_doc;
    const double *figures;
    int   n_figures, n_figure_variants;
    double figure_threshold;
    /* facts about axis items, written under /axes (borrowed) */
    res_column columns[RES_MAX_COLUMNS];
    int   n_columns;
    /* datasets of an analysis (borrowed, may be NULL) */
    const res_extra *extra;   size_t n_extra;
    /* horizon aggregates written under /compare (borrowed, may be NULL) */
    const res_agg *agg;   size_t n_agg;
    /* engine figures, written under /run */
    double seconds, events;           /* wall time, events processed */
} res_meta;

/* Free META's strings and zero it. */
void res_meta_clear(res_meta *meta);

/* Statistics of one series across replicates for variant V, year Y, axis
 * item A, over the replicates whose job is done. */
typedef struct res_stat {
    int    n;
    double mean, sd;
    double ci_lo, ci_hi;     /* 95 % interval of the mean (Student t) */
    double p025, p975;       /* 2.5 % and 97.5 % quantiles of the replicates */
} res_stat;

void res_stat_of(const sim_record *s, size_t k, int v, int y, int a, res_stat *out);
/* The summary of N values X (sorted in place, for the quantiles). */
void res_describe(double *x, int n, res_stat *out);
/* Paired difference variant V minus variant REF, replicate by replicate. */
void res_stat_diff(const sim_record *s, size_t k, int v, int ref, int y, int a,
                   res_stat *out);

/* Statistics across replicates of the horizon aggregate of series K
 * (without an axis) for variant V; with REF >= 0, of the paired difference
 * V - REF. */
void res_stat_agg(const sim_record *s, size_t k, res_agg_kind kind, int v,
                  int ref, res_stat *out);
/* The horizon aggregate of series K (without an axis) for job (V, R); NaN
 * if none. */
double res_aggregate(const sim_record *s, size_t k, res_agg_kind kind, int v,
                     int r);

/*
 * Writing a result as it comes (results_h5.c): the file is made on the
 * disk under PATH.tmp-<pid>, the jobs' values go into it one job at a time
 * and are not held, and the finished file is flushed and given the name
 * PATH (sim/outfile), so a reader never sees a half-written file and a
 * plan of any number of jobs needs the memory of a few.
 *   res_writer_open   root, scenario, axes, /kpi's datasets (empty);
 *                     SHAPE gives names, axes, labels and done flags and
 *                     must outlive the writer, META too (its analyses'
 *                     figures and extras may be filled in until finish)
 *   res_writer_job    job (V, R)'s values, from REC, which holds them
 *                     (SHAPE itself, or a pool of the same shape); jobs in
 *                     job order, for the tables' rows
 *   res_writer_view   a lazy record over what was written: for analyses,
 *                     a few series in memory at a time (owned by the writer)
 *   res_writer_finish summaries, aggregates, figures, extras and /run,
 *                     then the file under its name; frees the writer
 *   res_writer_abort  nothing left on disk; frees the writer
 * FORCE == 0 never replaces a PATH, not even one another process wrote
 * while this one ran.  On failure nothing is left at PATH (an older file
 * there is untouched) and ERRBUF (given at open) says why, with the
 * system's reason.  Each returns 0 on success (open: the writer, or NULL).
 */
typedef struct res_writer res_writer;
/* Once, before any other call here: HDF5 is not shut down when the
 * program ends, where a file a full disk left half closed would crash it
 * (the process's end frees everything anyway). */
void        res_h5_setup(void);
res_writer *res_writer_open(const sim_record *shape, const res_meta *meta, const char *path,
                            int force, char *errbuf, size_t errlen);
int         res_writer_job(res_writer *w, const sim_record *rec, int v, int r);
sim_record *res_writer_view(res_writer *w);
int         res_writer_finish(res_writer *w);
void        res_writer_abort(res_writer *w);

/* Open, every done job of REC (which holds them all), finish. */
int res_write_h5(const sim_record *rec, const res_meta *meta, const char *path,
                 int force, char *errbuf, size_t errlen);

/* The schema results_h5.c writes, and the oldest res_file_read reads. */
#define RES_SCHEMA_VERSION 3
#define RES_SCHEMA_OLDEST  1

/*
 * A result file read back (results_read.c): the record with every raw KPI
 * of /kpi (the series table and its strings owned here), the root
 * attributes, and the municipality columns where the file has them
 * (schema 2; NULL otherwise).  For reports: they read the file, never a
 * record in memory, so a report says what the file holds.
 */
typedef struct res_file {
    sim_record *rec;
    sim_series *series;
    size_t      n_series;
    int         schema_version;
    char       *version, *git_commit, *created, *scenario_path, *command_line,
               *resolved;
    unsigned long long master_seed;
    double      risk_threshold;    /* the threshold risk used (/risk), or NaN */
    char      **muni_region;       /* per municipality, or NULL */
    double     *muni_population;   /* per municipality, or NULL */
    /* uncertainty about assumptions (/uncertainty), when the file has it:
     * the priors' names and the draws [draw][prior]; 0 priors otherwise */
    int         unc_priors, unc_draws;
    char      **unc_prior;
    double     *unc_draw;
} res_file;

/* The root attribute plan_digest of result file PATH into OUT (N bytes):
 * which plan the file is the result of.  0, or -1 (not a result file, or
 * one written before the attribute). */
int  res_file_plan_digest(const char *path, char *out, size_t n);

/* Read PATH into OUT; 0, or -1 with ERR saying why (not HDF5, not a
 * placesim file, a schema this build does not read, a damaged dataset). */
int  res_file_read(const char *path, res_file *out, char *err, size_t errlen);
void res_file_free(res_file *f);

#endif
