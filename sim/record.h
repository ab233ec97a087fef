/*
 * sim/record.h - the results of a run plan: named arrays, one slot per job.
 *
 * Owns: the plan's shape (variants x replicates x years) and the labels of
 * its variants and years; the axes a model declares at run time (a name, a
 * length of at least one item, optional item labels and integer codes); the
 * table of series (name, unit, axis or none, flags, one-line doc); the
 * values of every series, laid out [variant][replicate][year][item]; and
 * which jobs are done.  Job (v, r) writes only its own block of each series,
 * its slot, so jobs on different threads never write the same byte and need
 * no lock.
 *
 * Knows nothing of what a series means, how it is summarised or in which
 * file format it is kept: the model declares the axes and series and fills
 * the slots, analysis reads them and writes the file.  Nor does it hold who
 * ran the plan (command line, scenario text, wall time): that describes an
 * invocation, not its results, and a record made by a test or merged from
 * several runs has no single command line; the writer takes it beside the
 * record.  The labels of variants and years are here because every reader
 * of the values needs them to say what a row is.
 *
 * Life cycle: sim_record_create (the plan), sim_record_add_axis and
 * sim_record_set_series (the shape), sim_record_bytes (what the data will
 * cost, so a plan no machine can hold is refused before it runs),
 * sim_record_alloc (the data, zero-filled); then jobs fill their slots and
 * readers read them; sim_record_free.  Axes and series are fixed once the
 * data exists; labels may be set at any time.
 *
 * Where the values are held: for every job (the default); for the jobs
 * running now, in a pool
 * of slots they are bound to and released from (sim_record_pool: a run
 * keeps each finished job elsewhere, in a journal); or nowhere, loaded
 * series by series from a file when read (sim_record_lazy: a reader of a
 * written result).  The slot and get/put functions work the same on all.
 */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include <stddef.h>

#define SIM_AXIS_NONE      (-1)  /* a series with one value per year */
#define SIM_RECORD_MAX_AXES 8
#define SIM_RECORD_MAX_TABLES 4

/* Series flags. */
#define SIM_SERIES_HEADLINE 1u   /* among the few a reader shows first */

typedef struct sim_axis {
    char  *name;     /* what an item is, e.g. a kind of entity */
    int    len;      /* items, at least one */
    char **labels;   /* len labels; NULL until one is set */
    int   *codes;    /* len integer codes; NULL until one is set */
} sim_axis;

typedef struct sim_series {
    const char *name;   /* unique in the record */
    const char *unit;
    int         axis;   /* index of a declared axis, or SIM_AXIS_NONE */
    unsigned    flags;  /* SIM_SERIES_* */
    const char *doc;    /* one line */
} sim_series;

/* Plain data: readers use the fields, writers the functions below. */
/* A job table: rows of n_cols values whose number differs from job to job
 * (one row per offer, say), each job's rows a block of its own. */
typedef struct sim_table {
    char              *name;
    int                n_cols;
    const char *const *cols;    /* column names, borrowed */
    double           **rows;    /* [job]: n_rows[job] x n_cols, or NULL */
    int               *n_rows;  /* [job] */
} sim_table;

typedef struct sim_record {
    int    n_variants, n_replicates, n_years;
    int        n_tables;
    sim_table  table[SIM_RECORD_MAX_TABLES];
    char **variant_names;         /* n_variants; NULL until one is set */
    int   *years;                 /* n_years labels; NULL until set */
    int      n_axes;
    sim_axis axis[SIM_RECORD_MAX_AXES];
    size_t            n_series;
    const sim_series *series;     /* borrowed from the declarer */
    double          **data;       /* n_series arrays; NULL until allocated */
    unsigned char    *job_done;   /* [variant][replicate] */
    /* a pool: values held for n_slots jobs at a time, slot_of[job] the
     * slot a bound job uses (-1: none); n_slots 0: no pool */
    int    n_slots;
    int   *slot_of;
    unsigned char *slot_used;
    /* a lazy record: a series' values are loaded by load() when first
     * read, and the least recently read dropped beyond budget bytes */
    struct sim_record_lazy *lazy;
} sim_record;

/* A record for the plan, with no axes, series or data yet; NULL when a
 * count is below one, there are more jobs than an int numbers, or memory
 * is short. */
sim_record *sim_record_create(int n_variants, int n_replicates, int n_years);
void        sim_record_free(sim_record *rec);

/* Declare an axis of LEN >= 1 items (NAME copied).  Returns its index,
 * numbered from 0 in the order of declaration, or -1: an empty or repeated
 * name, LEN < 1, SIM_RECORD_MAX_AXES reached, or the data already there. */
int sim_record_add_axis(sim_record *rec, const char *name, int len);

/* Use the N series of TABLE (borrowed: it must outlive the record).
 * Returns 0, or -1 when a name is empty or repeated, an axis is not
 * declared, or the data is already there. */
int sim_record_set_series(sim_record *rec, const sim_series *table, size_t n);

/* Bytes of the values sim_record_alloc would allocate; SIZE_MAX when that
 * does not fit in a size_t. */
size_t sim_record_bytes(const sim_record *rec);
/*
 * Hold values for at most N_SLOTS jobs at a time, whichever they are: a job
 * is bound to a free slot before it runs (sim_record_bind) and released
 * once its values are kept elsewhere (a journal), so that a plan of any
 * number of jobs needs the memory of N_SLOTS.  Before sim_record_alloc, not
 * twice; 0, or -1.  Binding and releasing are not thread-safe: the
 * caller holds a lock around them (the jobs' own writes need none).
 */
int    sim_record_pool(sim_record *rec, int n_slots);
/* Give job (V, R) a free slot, its values zeroed and no table rows; 0, or
 * -1 when no slot is free, the job is bound already or REC is no pool. */
int    sim_record_bind(sim_record *rec, int v, int r);
/* Free job (V, R)'s slot and its table rows; its done flag stays. */
void   sim_record_release(sim_record *rec, int v, int r);

/*
 * A record whose values live elsewhere (a file): LOAD fills series K's
 * whole array (every job's slot, as sim_record_alloc lays it out) the
 * first time it is read, and the series read least recently are dropped
 * while more than BUDGET bytes are loaded (the one being read stays, even
 * alone over the budget).  So a reader of a plan of any size holds a few
 * series at a time.  A pointer from sim_record_slot is good until the next
 * read of another series.  Instead of sim_record_alloc; one thread reads a
 * lazy record.  A failed load reads as NaN and sets the flag
 * sim_record_load_failed reports.  0, or -1 (memory, or data already there).
 */
typedef int (*sim_record_loader)(void *ctx, const sim_record *rec, size_t k, double *dst);
int    sim_record_lazy(sim_record *rec, sim_record_loader load, void *ctx, size_t budget);
int    sim_record_load_failed(const sim_record *rec);

/* Allocate every series' values (zero) and clear the job flags; 0 or -1. */
int    sim_record_alloc(sim_record *rec);

/* Labels, copied; each returns 0, or -1 out of range or out of memory. */
int sim_record_label_variant(sim_record *rec, int v, const char *name);
int sim_record_set_years(sim_record *rec, const int *years);  /* n_years */
int sim_record_label_item(sim_record *rec, int axis, int item, const char *label);
int sim_record_code_item(sim_record *rec, int axis, int item, int code);

/* Index of the series or axis called NAME, or -1. */
int sim_record_series_index(const sim_record *rec, const char *name);
int sim_record_axis_index(const sim_record *rec, const char *name);

/* Items per year of series K: its axis's length, 1 without an axis.
 * K must be a series of REC. */
static inline int sim_record_width(const sim_record *rec, size_t k)
{
    int a = rec->series[k].axis;
    return a == SIM_AXIS_NONE ? 1 : rec->axis[a].len;
}

/* Index of job (V, R) in job_done, as sim/plan numbers jobs. */
static inline size_t sim_record_job(const sim_record *rec, int v, int r)
{
    return (size_t)v * (size_t)rec->n_replicates + (size_t)r;
}

/*
 * The slot of job (V, R) in series K: n_years blocks of sim_record_width
 * values, [year][item].  NULL when K, V or R is out of range or the data is
 * not allocated.  What a job writes; nothing else writes there.
 */
double *sim_record_slot(sim_record *rec, size_t k, int v, int r);
/* One value, or NaN when any index is out of range. */
double  sim_record_get(const sim_record *rec, size_t k, int v, int r, int y,
                       int item);
/* Set one value; 0, or -1 when any index is out of range. */
int     sim_record_put(sim_record *rec, size_t k, int v, int r, int y,
                       int item, double x);

/* Declare a job table NAME (copied) of N_COLS columns named COLS
 * (borrowed).  Its index, or -1: an empty or repeated name, no column,
 * SIM_RECORD_MAX_TABLES reached, or out of memory. */
int     sim_record_add_table(sim_record *rec, const char *name, int n_cols,
                             const char *const *cols);
/* Job (V, R)'s N_ROWS rows of table T, zeroed, replacing any it had: the
 * block to fill, row after row; NULL out of range or out of memory (and
 * for N_ROWS 0).  Like a slot, only that job writes there. */
double *sim_record_table_rows(sim_record *rec, int t, int v, int r, int n_rows);

/* Job flags: a reader counts only the replicates whose job is done. */
int  sim_record_done(const sim_record *rec, int v, int r);
void sim_record_set_done(sim_record *rec, int v, int r, int done);
int  sim_record_jobs_done(const sim_record *rec);

/* Keep the first N replicates of every variant (1 <= N <= n_replicates;
 * otherwise nothing changes).  The memory is kept.  A pool is truncated
 * only while no job is bound, a lazy record never. */
void sim_record_truncate(sim_record *rec, int n);

/*
 * A job's values as one block of bytes, for keeping finished jobs on disk
 * (sim/journal) and reading them back in another process: every series'
 * slot, then each table's rows.  The block's layout follows from the
 * record's shape, so only a record of the same shape reads it back.
 */
/* Bytes of job (V, R)'s block (0 out of range or without data). */
size_t sim_record_job_bytes(const sim_record *rec, int v, int r);
/* Copy job (V, R) into BUF of LEN == sim_record_job_bytes; 0 or -1. */
int    sim_record_pack_job(const sim_record *rec, int v, int r, void *buf, size_t len);
/* Fill job (V, R) from a block and mark it done; -1 when LEN does not fit
 * this record's shape (nothing is marked done then). */
int    sim_record_unpack_job(sim_record *rec, int v, int r, const void *buf, size_t len);

#endif
