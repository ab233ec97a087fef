/*
 * analysis/results_h5.c - a record and its run's metadata as one HDF5 file.
 *
 * Layout (schema_version 3; 2 kept command_line, created and threads at
 * the root, 1 also lacked the axis columns):
 *   /                      attributes program, version, git_commit,
 *                          scenario_path, plan_digest, master_seed,
 *                          replicates, variants, years, schema_version:
 *                          what the results are of
 *   /scenario/source, /scenario/resolved          string datasets
 *   /axes/year, /axes/variant, /axes/AXIS and /axes/AXIS_code for each
 *        axis of the record in use (for the market: municipality,
 *        municipality_code, group, offer_type), and /axes/AXIS_COLUMN for
 *        each column of facts about an axis's items the writer is given
 *        (municipality_region, municipality_population)
 *   /kpi/{national,DIR}/NAME, one DIR per axis (for the market: municipal,
 *        group, offer_type)
 *        float64 [variant][replicate][year] (national) or
 *        [variant][replicate][year][item]; attributes unit, doc, axis, dims
 *   /summary/<same>/NAME/{n,mean,sd,ci_lo,ci_hi,p025,p975}
 *        [variant][year] (national) or [variant][year][item]
 *   /summary_diff/<same>/NAME/...   paired difference against variant 0
 *   /risk/NAME             risk only: its figures per variant [variant]
 *                          (cumulative drift mean and percentiles, shares of
 *                          years and replicates above the threshold), the
 *                          attribute threshold on /risk
 *   /run                   attributes command_line, created, threads,
 *                          seconds, events, jobs_done: what differs between
 *                          executions of the same plan by nature, and only
 *                          that, so that a plan run on threads, in shards
 *                          merged later or resumed after a kill gives a file
 *                          that differs from any other run of it only here
 *
 * The file is written where it will stay, under PATH.tmp-<pid>
 * (sim/outfile: removed on a signal, flushed, then given the name PATH
 * without replacing a file that appeared meanwhile, unless FORCE; one a
 * SIGKILL left is removed by the next run of PATH), one job
 * at a time as its values come: /kpi's datasets are made empty with one
 * chunk per job, so a job's block goes to the disk whole and nothing is
 * cached, and the tables grow job by job.  The summaries are then computed
 * from the file a slab of years at a time, and analyses read it back
 * through a lazy record (res_writer_view).  So the memory a write needs
 * does not grow with the number of jobs, except for the few bytes a job
 * of the shape's done flags and a slab's replicates.  A disk error is an
 * HDF5 error whose message ends with the system's reason, taken from
 * HDF5's error stack.
 * Objects are created without modification times so that the same record
 * gives the same bytes.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include "results.h"
#include "sim/outfile.h"

#define SCHEMA_VERSION RES_SCHEMA_VERSION
#define DEFLATE_LEVEL  4

/* State of one write; handles shared by every object in the file.  It is
 * the writer (res_writer) the header names. */
struct res_writer {
    const sim_record *s;      /* the shape: names, axes, labels, done flags */
    const res_meta   *m;
    hid_t str;      /* variable-length UTF-8 string type */
    hid_t gcpl;     /* group creation: no timestamps */
    hid_t dcpl;     /* contiguous dataset creation: no timestamps */
    char *err;
    size_t errlen;
    int failed;
    /* the dimension scales under /axes, attached to every /kpi dataset */
    hid_t scale_variant, scale_replicate, scale_year;
    hid_t scale_axis[SIM_RECORD_MAX_AXES];   /* -1: the axis has no dataset */
    /* streaming: the file on disk, /kpi's datasets by series, each job
     * table's columns (variant, replicate, then its own) and rows so far */
    sim_outfile out;
    hid_t  file;
    hid_t *kpi;
    hid_t *tab[SIM_RECORD_MAX_TABLES];
    hsize_t tab_rows[SIM_RECORD_MAX_TABLES];
    sim_record *view;         /* lazy, over /kpi: what analyses read */
    char why[256];            /* HDF5's reason for the last failed call */
    H5E_auto2_t old_fn;       /* HDF5's error printing, restored at the end */
    void       *old_data;
};
typedef struct res_writer h5w;

static void vset_err(char *errbuf, size_t errlen, const char *fmt, va_list ap)
{
    if (errbuf && errlen) vsnprintf(errbuf, errlen, fmt, ap);
}

static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_err(errbuf, errlen, fmt, ap);
    va_end(ap);
}

/* HDF5's own reason for the error on its stack, innermost first: the
 * file driver's "errno = 28, error message = 'No space left on device'". */
static herr_t reason_of(unsigned n, const H5E_error2_t *e, void *out)
{
    (void)n;
    char *buf = out;
    if (!buf[0] && e->desc && e->desc[0]) snprintf(buf, 256, "%s", e->desc);
    const char *sys = e->desc ? strstr(e->desc, "error message = '") : NULL;
    if (sys) {
        snprintf(buf, 256, "%s", sys + strlen("error message = '"));
        char *q = strchr(buf, '\'');
        if (q) *q = '\0';
        return 1;   /* the system's reason: stop there */
    }
    return 0;
}

/* Keep HDF5's reason for the call that just failed: every later HDF5
 * call (closing a dataspace, say) clears its error stack. */
static void note_why(h5w *w)
{
    w->why[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, reason_of, w->why);
}

/* Record the first failure only: it is the cause, the rest are echoes.
 * HDF5's reason, where it gave one, ends the message. */
static int fail(h5w *w, const char *fmt, ...)
{
    if (!w->failed) {
        va_list ap;
        va_start(ap, fmt);
        vset_err(w->err, w->errlen, fmt, ap);
        va_end(ap);
        if (!w->why[0]) note_why(w);
        size_t at = w->err ? strlen(w->err) : 0;
        if (w->why[0] && w->err && at + 3 < w->errlen)
            snprintf(w->err + at, w->errlen - at, ": %s", w->why);
    }
    w->failed = 1;
    return -1;
}

/* "PARENT/NAME" for messages, so an error names the object in the file. */
static const char *where(hid_t loc, const char *name, char *buf, size_t len)
{
    char parent[256] = "";
    if (H5Iget_name(loc, parent, sizeof parent) < 0) parent[0] = '\0';
    snprintf(buf, len, "%s%s%s", parent,
             parent[0] && parent[strlen(parent) - 1] != '/' ? "/" : "", name);
    return buf;
}

/* ---- attributes ---------------------------------------------------------- */

static int attr_write(h5w *w, hid_t loc, const char *name, hid_t ftype,
                      hid_t mtype, const void *val)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t at = sp < 0 ? -1
                      : H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = at < 0 ? -1 : H5Awrite(at, mtype, val);
    if (rc < 0) note_why(w);
    if (at >= 0) H5Aclose(at);
    if (sp >= 0) H5Sclose(sp);
    char at_path[320];
    return rc < 0 ? fail(w, "HDF5: cannot write attribute %s",
                         where(loc, name, at_path, sizeof at_path))
                  : 0;
}

static int attr_str(h5w *w, hid_t loc, const char *name, const char *val)
{
    const char *p = val ? val : "";
    return attr_write(w, loc, name, w->str, w->str, &p);
}

static int attr_int(h5w *w, hid_t loc, const char *name, int val)
{
    return attr_write(w, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, &val);
}

static int attr_f64(h5w *w, hid_t loc, const char *name, double val)
{
    return attr_write(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &val);
}

static int attr_u64(h5w *w, hid_t loc, const char *name, unsigned long long val)
{
    return attr_write(w, loc, name, H5T_STD_U64LE, H5T_NATIVE_ULLONG, &val);
}

/* ---- groups and datasets ------------------------------------------------- */

/* Open NAME under LOC, creating it if absent (several KPIs share a group). */
static hid_t group_open(h5w *w, hid_t loc, const char *name)
{
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    hid_t g = ex > 0    ? H5Gopen2(loc, name, H5P_DEFAULT)
              : ex == 0 ? H5Gcreate2(loc, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT)
                        : -1;
    char g_path[320];
    if (g < 0)
        fail(w, "HDF5: cannot create group %s", where(loc, name, g_path, sizeof g_path));
    return g;
}

/* Create and fill dataset NAME; returns it open (for attributes) or < 0. */
static hid_t dset_put(h5w *w, hid_t loc, const char *name, int rank,
                      const hsize_t *dims, hid_t ftype, hid_t mtype, hid_t dcpl,
                      const void *buf)
{
    hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR)
                         : H5Screate_simple(rank, dims, NULL);
    hid_t ds = sp < 0 ? -1
                      : H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl,
                                   H5P_DEFAULT);
    if (sp >= 0) H5Sclose(sp);
    if (ds < 0) note_why(w);
    if (ds >= 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        note_why(w);
        H5Dclose(ds);
        ds = -1;
    }
    char ds_path[320];
    if (ds < 0)
        fail(w, "HDF5: cannot write dataset %s", where(loc, name, ds_path, sizeof ds_path));
    return ds;
}

static int dset_write(h5w *w, hid_t loc, const char *name, int rank,
                      const hsize_t *dims, hid_t ftype, hid_t mtype,
                      const void *buf)
{
    hid_t ds = dset_put(w, loc, name, rank, dims, ftype, mtype, w->dcpl, buf);
    if (ds < 0) return -1;
    H5Dclose(ds);
    return 0;
}

static int dset_str(h5w *w, hid_t loc, const char *name, const char *val)
{
    const char *p = val ? val : "";
    return dset_write(w, loc, name, 0, NULL, w->str, w->str, &p);
}

/* N strings from V (V or any entry may be NULL: written as ""). */
static int dset_strs(h5w *w, hid_t loc, const char *name, char *const *v, int n)
{
    const char **p = malloc((size_t)n * sizeof *p);
    if (!p) return fail(w, "out of memory writing %s", name);
    for (int i = 0; i < n; i++) p[i] = v && v[i] ? v[i] : "";
    hsize_t dim = (hsize_t)n;
    int rc = dset_write(w, loc, name, 1, &dim, w->str, w->str, p);
    free(p);
    return rc;
}

static int dset_ints(h5w *w, hid_t loc, const char *name, const int *v, int n)
{
    hsize_t dim = (hsize_t)n;
    return dset_write(w, loc, name, 1, &dim, H5T_STD_I32LE, H5T_NATIVE_INT, v);
}

/* ---- names of schema 1 ----------------------------------------------------- */

/* The "axis" attribute of a series: its axis's name, RES_NO_AXIS without. */
static const char *axis_of(const h5w *w, const sim_series *ser)
{
    return ser->axis == SIM_AXIS_NONE ? RES_NO_AXIS : w->s->axis[ser->axis].name;
}

/* The group a series is filed under in /kpi, /summary and /summary_diff:
 * its axis's name, except that schema 1 has always filed the series per
 * municipality under "municipal", and readers of it look there. */
static const char *dir_of(const h5w *w, const sim_series *ser)
{
    const char *axis = axis_of(w, ser);
    return strcmp(axis, "municipality") == 0 ? "municipal" : axis;
}

/* ---- root, scenario, axes, run ------------------------------------------- */

static int write_root(h5w *w, hid_t file)
{
    const sim_record *s = w->s;
    const res_meta *m = w->m;
    if (attr_str(w, file, "program", "placesim") ||
        attr_str(w, file, "version", m->program_version) ||
        attr_str(w, file, "git_commit", m->git_commit) ||
        attr_str(w, file, "scenario_path", m->scenario_path) ||
        attr_str(w, file, "plan_digest", m->plan_digest) ||
        attr_u64(w, file, "master_seed", m->master_seed) ||
        attr_int(w, file, "replicates", s->n_replicates) ||
        attr_int(w, file, "variants", s->n_variants) ||
        attr_int(w, file, "years", s->n_years))
        return -1;
    return attr_int(w, file, "schema_version", SCHEMA_VERSION);
}

static int write_scenario(h5w *w, hid_t file)
{
    hid_t g = group_open(w, file, "scenario");
    if (g < 0) return -1;
    int rc = dset_str(w, g, "source", w->m->scenario_source) ||
             dset_str(w, g, "resolved", w->m->resolved_config);
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* An axis is worth describing when it has several items or named ones. */
static int axis_used(const sim_axis *ax)
{
    return ax->len > 1 || ax->labels != NULL;
}

/* /axes/NAME, the labels, and /axes/NAME_code where the items have codes. */
static int write_axis_items(h5w *w, hid_t g)
{
    for (int a = 0; a < w->s->n_axes; a++) {
        const sim_axis *ax = &w->s->axis[a];
        if (!axis_used(ax)) continue;
        if (dset_strs(w, g, ax->name, ax->labels, ax->len)) return -1;
        if (!ax->codes) continue;
        size_t len = strlen(ax->name) + sizeof "_code";
        char *name = malloc(len);
        if (!name) return fail(w, "out of memory writing /axes/%s_code", ax->name);
        snprintf(name, len, "%s_code", ax->name);
        int rc = dset_ints(w, g, name, ax->codes, ax->len);
        free(name);
        if (rc) return -1;
    }
    return 0;
}

/* /axes/AXIS_NAME for each column the writer was given. */
static int write_axis_columns(h5w *w, hid_t g)
{
    for (int i = 0; w->m && i < w->m->n_columns; i++) {
        const res_column *col = &w->m->columns[i];
        int a = sim_record_axis_index(w->s, col->axis);
        if (a < 0) return fail(w, "no axis '%s' for the column %s", col->axis, col->name);
        char name[256];
        snprintf(name, sizeof name, "%s_%s", col->axis, col->name);
        int n = w->s->axis[a].len, rc;
        if (col->text) {
            rc = dset_strs(w, g, name, (char *const *)col->text, n);
        } else {
            hsize_t dims[1] = { (hsize_t)n };
            hid_t ds = dset_put(w, g, name, 1, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                w->dcpl, col->value);
            rc = ds < 0 ? -1 : 0;
            if (ds >= 0) H5Dclose(ds);
        }
        if (rc) return -1;
    }
    return 0;
}

/* Open /axes/NAME and make it the dimension scale NAME; -1 when absent. */
static hid_t make_scale(h5w *w, hid_t g, const char *name)
{
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0) return -1;
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    if (ds >= 0 && H5DSset_scale(ds, name) < 0) {
        fail(w, "HDF5: cannot make /axes/%s a dimension scale", name);
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

static int write_axes(h5w *w, hid_t file)
{
    const sim_record *s = w->s;
    hid_t g = group_open(w, file, "axes");
    if (g < 0) return -1;
    int *reps = malloc((size_t)s->n_replicates * sizeof *reps);
    if (!reps) { H5Gclose(g); return fail(w, "out of memory writing /axes/replicate"); }
    for (int r = 0; r < s->n_replicates; r++) reps[r] = r;
    int rc = (s->years && dset_ints(w, g, "year", s->years, s->n_years)) ||
             dset_strs(w, g, "variant", s->variant_names, s->n_variants) ||
             dset_ints(w, g, "replicate", reps, s->n_replicates) ||
             write_axis_items(w, g) || write_axis_columns(w, g);
    free(reps);
    if (!rc) {
        w->scale_variant = make_scale(w, g, "variant");
        w->scale_replicate = make_scale(w, g, "replicate");
        w->scale_year = make_scale(w, g, "year");
        for (int a = 0; a < s->n_axes; a++)
            w->scale_axis[a] = axis_used(&s->axis[a]) ? make_scale(w, g, s->axis[a].name) : -1;
        rc = w->failed;
    }
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* Attach the scales to the dimensions of a raw KPI dataset, so that a
 * reader (xarray, h5py's dims) names them. */
static int attach_scales(h5w *w, hid_t ds, const sim_series *kpi)
{
    hid_t scale[4] = { w->scale_variant, w->scale_replicate, w->scale_year,
                       kpi->axis == SIM_AXIS_NONE ? -1 : w->scale_axis[kpi->axis] };
    const char *label[4] = { "variant", "replicate", "year",
                             kpi->axis == SIM_AXIS_NONE ? "" : w->s->axis[kpi->axis].name };
    for (unsigned d = 0; d < (kpi->axis == SIM_AXIS_NONE ? 3u : 4u); d++)
        if (H5DSset_label(ds, d, label[d]) < 0 ||
            (scale[d] >= 0 && H5DSattach_scale(ds, scale[d], d) < 0))
            return fail(w, "HDF5: cannot attach a dimension scale to %s", kpi->name);
    return 0;
}

static void close_scales(h5w *w)
{
    hid_t *all[] = { &w->scale_variant, &w->scale_replicate, &w->scale_year };
    for (size_t i = 0; i < 3; i++) if (*all[i] >= 0) { H5Dclose(*all[i]); *all[i] = -1; }
    for (int a = 0; a < SIM_RECORD_MAX_AXES; a++)
        if (w->scale_axis[a] >= 0) { H5Dclose(w->scale_axis[a]); w->scale_axis[a] = -1; }
}

static int write_run(h5w *w, hid_t file)
{
    hid_t g = group_open(w, file, "run");
    if (g < 0) return -1;
    int rc = attr_str(w, g, "command_line", w->m->command_line) ||
             attr_str(w, g, "created", w->m->created) ||
             attr_int(w, g, "threads", w->m->threads) ||
             attr_f64(w, g, "seconds", w->m->seconds) ||
             attr_f64(w, g, "events", w->m->events) ||
             attr_int(w, g, "jobs_done", sim_record_jobs_done(w->s));
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* ---- KPI data ------------------------------------------------------------ */

/* Attributes that let a reader interpret a KPI dataset or summary group. */
static int kpi_attrs(h5w *w, hid_t loc, const sim_series *kpi, const char *dims)
{
    if (attr_str(w, loc, "unit", kpi->unit) || attr_str(w, loc, "doc", kpi->doc) ||
        attr_str(w, loc, "axis", axis_of(w, kpi)))
        return -1;
    return attr_str(w, loc, "dims", dims);
}

/* kpi_attrs with the dimension names of the raw data (WITH_REP) or of its
 * summaries: "variant,replicate,year[,AXIS]" or "variant,year[,AXIS]". */
static int series_attrs(h5w *w, hid_t loc, const sim_series *kpi, int with_rep)
{
    const char *head = with_rep ? "variant,replicate,year" : "variant,year";
    const char *axis = kpi->axis == SIM_AXIS_NONE ? NULL : axis_of(w, kpi);
    size_t len = strlen(head) + (axis ? strlen(axis) + 1 : 0) + 1;
    char *dims = malloc(len);
    if (!dims) return fail(w, "out of memory writing %s", kpi->name);
    snprintf(dims, len, "%s%s%s", head, axis ? "," : "", axis ? axis : "");
    int rc = kpi_attrs(w, loc, kpi, dims);
    free(dims);
    return rc;
}

/* One chunk per job's [year][axis] block: what a job wrote is what a reader
 * of one replicate fetches, and the shuffle helps deflate on doubles. */
static hid_t chunked_dcpl(int rank, const hsize_t *chunk)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p < 0) return -1;
    if (H5Pset_obj_track_times(p, 0) < 0 || H5Pset_chunk(p, rank, chunk) < 0 ||
        H5Pset_shuffle(p) < 0 || H5Pset_deflate(p, DEFLATE_LEVEL) < 0) {
        H5Pclose(p);
        return -1;
    }
    return p;
}

/* /kpi's dataset of series K, made empty: jobs fill it as they come
 * (res_writer_job), each job's block one chunk written whole, so no chunk
 * is cached (a chunk cache per dataset would grow with the series). */
static int write_kpi(h5w *w, hid_t dir, size_t k)
{
    const sim_record *s = w->s;
    const sim_series *kpi = &s->series[k];
    hsize_t dims[4] = { (hsize_t)s->n_variants, (hsize_t)s->n_replicates,
                        (hsize_t)s->n_years, (hsize_t)sim_record_width(s, k) };
    hsize_t chunk[4] = { 1, 1, dims[2], dims[3] };
    int rank = kpi->axis == SIM_AXIS_NONE ? 3 : 4;
    hid_t dcpl = chunked_dcpl(rank, chunk);
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = dcpl < 0 || dapl < 0 || sp < 0 || H5Pset_chunk_cache(dapl, 0, 0, 1.0) < 0
             ? -1 : H5Dcreate2(dir, kpi->name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, dapl);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (dapl >= 0) H5Pclose(dapl);
    if (sp >= 0) H5Sclose(sp);
    char ds_path[320];
    if (ds < 0) return fail(w, "HDF5: cannot create dataset %s",
                            where(dir, kpi->name, ds_path, sizeof ds_path));
    w->kpi[k] = ds;
    return series_attrs(w, ds, kpi, 1) || attach_scales(w, ds, kpi) ? -1 : 0;
}

/* Run FN(w, subgroup, k) for every KPI inside TOP/<axis group>. */
typedef int (*kpi_fn)(h5w *w, hid_t dir, size_t k);

static int each_kpi(h5w *w, hid_t file, const char *top, kpi_fn fn)
{
    hid_t g = group_open(w, file, top);
    if (g < 0) return -1;
    int rc = 0;
    /* the record has checked that every series has a name */
    for (size_t k = 0; k < w->s->n_series && rc == 0; k++) {
        hid_t dir = group_open(w, g, dir_of(w, &w->s->series[k]));
        if (dir < 0) {
            rc = -1;
            break;
        }
        rc = fn(w, dir, k);
        H5Gclose(dir);
    }
    H5Gclose(g);
    return rc;
}

/* ---- summaries ----------------------------------------------------------- */

static const struct {
    const char *name;
    size_t off;
} stat_fields[] = {
    { "mean", offsetof(res_stat, mean) },   { "sd", offsetof(res_stat, sd) },
    { "ci_lo", offsetof(res_stat, ci_lo) }, { "ci_hi", offsetof(res_stat, ci_hi) },
    { "p025", offsetof(res_stat, p025) },   { "p975", offsetof(res_stat, p975) },
};

/* Lay the array of summaries out as one dataset per field. */
static int write_stat_fields(h5w *w, hid_t g, const res_stat *st, size_t count,
                             int rank, const hsize_t *dims)
{
    double *x = malloc(count * sizeof *x);
    int *n = malloc(count * sizeof *n);
    int rc = (x && n) ? 0 : fail(w, "out of memory writing summaries");
    for (size_t i = 0; i < count && rc == 0; i++) n[i] = st[i].n;
    if (rc == 0)
        rc = dset_write(w, g, "n", rank, dims, H5T_STD_I32LE, H5T_NATIVE_INT, n);
    for (size_t f = 0; f < sizeof stat_fields / sizeof *stat_fields && rc == 0; f++) {
        for (size_t i = 0; i < count; i++)
            memcpy(&x[i], (const char *)&st[i] + stat_fields[f].off, sizeof *x);
        rc = dset_write(w, g, stat_fields[f].name, rank, dims, H5T_IEEE_F64LE,
                        H5T_NATIVE_DOUBLE, x);
    }
    free(x);
    free(n);
    return rc;
}

/* Years of series K read at once for summaries: as many as fit in a
 * slab of this many bytes, one at least. */
#define SLAB_BYTES ((size_t)16 << 20)

/* Replicates read back in one HDF5 call at most: a read builds a
 * selection for every chunk it touches (several KiB each) before it
 * starts, so a read over every replicate would cost memory in proportion
 * to the jobs. */
#define READ_REPLICATES 256

/* Variant V's values of series K for years [Y0, Y0 + NY) into BUF, laid
 * out [replicate][year][item]. */
static int read_slab(h5w *w, size_t k, int v, int y0, int ny, double *buf)
{
    const sim_record *s = w->s;
    int width = sim_record_width(s, k);
    hid_t fs = H5Dget_space(w->kpi[k]);
    herr_t rc = fs < 0 ? -1 : 0;
    for (int r0 = 0; rc >= 0 && r0 < s->n_replicates; r0 += READ_REPLICATES) {
        int nr = s->n_replicates - r0 < READ_REPLICATES ? s->n_replicates - r0 : READ_REPLICATES;
        hsize_t start[4] = { (hsize_t)v, (hsize_t)r0, (hsize_t)y0, 0 };
        hsize_t count[4] = { 1, (hsize_t)nr, (hsize_t)ny, (hsize_t)width };
        hsize_t n = count[1] * count[2] * count[3];
        hid_t ms = H5Screate_simple(1, &n, NULL);
        rc = ms < 0 ? -1 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
        if (rc >= 0)
            rc = H5Dread(w->kpi[k], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT,
                         buf + (size_t)r0 * (size_t)ny * (size_t)width);
        if (ms >= 0) H5Sclose(ms);
    }
    if (fs >= 0) H5Sclose(fs);
    return rc < 0 ? fail(w, "HDF5: cannot read back /kpi's %s", s->series[k].name) : 0;
}

/* Summaries of KPI K for every [variant][year][item], from the file, a
 * slab of years at a time.  With DIFF, the paired difference against
 * variant 0; the row of variant 0 itself stays all zero with n = 0, so
 * that variant indices mean the same in every dataset.  Replicates whose
 * job is not done and values that are not finite are left out, in
 * replicate order (res_stat_of, res_stat_diff). */
static res_stat *compute_stats(h5w *w, size_t k, int diff, size_t count)
{
    const sim_record *s = w->s;
    int len = sim_record_width(s, k), R = s->n_replicates, Y = s->n_years;
    size_t per_year = (size_t)R * (size_t)len;
    int ny = (int)(SLAB_BYTES / sizeof(double) / (per_year ? per_year : 1));
    if (ny < 1) ny = 1;
    if (ny > Y) ny = Y;
    res_stat *st = calloc(count, sizeof *st);
    double *x = malloc(per_year * (size_t)ny * sizeof *x);
    double *x0 = diff ? malloc(per_year * (size_t)ny * sizeof *x0) : NULL;
    double *buf = malloc((size_t)(R ? R : 1) * sizeof *buf);
    int rc = st && x && buf && (!diff || x0) ? 0 : -1;
    if (rc) fail(w, "out of memory summarising %s", s->series[k].name);
    /* years outside, so that variant 0's slab is read once for all the
     * differences against it */
    for (int y0 = 0; rc == 0 && y0 < Y; y0 += ny) {
        int n_y = y0 + ny <= Y ? ny : Y - y0;
        if (diff) rc = read_slab(w, k, 0, y0, n_y, x0);
        for (int v = diff ? 1 : 0; rc == 0 && v < s->n_variants; v++) {
            rc = read_slab(w, k, v, y0, n_y, x);
            for (int y = y0; rc == 0 && y < y0 + n_y; y++)
                for (int a = 0; a < len; a++) {
                    int n = 0;
                    for (int r = 0; r < R; r++) {
                        if (!sim_record_done(s, v, r) || (diff && !sim_record_done(s, 0, r)))
                            continue;
                        size_t at = ((size_t)r * (size_t)n_y + (size_t)(y - y0)) * (size_t)len +
                                    (size_t)a;
                        double val = x[at];
                        if (diff) val -= x0[at];
                        if (isfinite(val)) buf[n++] = val;
                    }
                    res_describe(buf, n, &st[((size_t)v * (size_t)Y + (size_t)y) *
                                                 (size_t)len + (size_t)a]);
                }
        }
    }
    free(x);
    free(x0);
    free(buf);
    if (rc) {
        free(st);
        return NULL;
    }
    return st;
}

static int write_summary(h5w *w, hid_t dir, size_t k, int diff)
{
    const sim_record *s = w->s;
    const sim_series *kpi = &s->series[k];
    hsize_t dims[3] = { (hsize_t)s->n_variants, (hsize_t)s->n_years,
                        (hsize_t)sim_record_width(s, k) };
    int rank = kpi->axis == SIM_AXIS_NONE ? 2 : 3;
    size_t count = (size_t)dims[0] * (size_t)dims[1] * (size_t)dims[2];
    res_stat *st = compute_stats(w, k, diff, count);
    if (!st) return fail(w, "out of memory summarising %s", kpi->name);
    hid_t g = group_open(w, dir, kpi->name);
    int rc = g < 0 ? -1
                   : (series_attrs(w, g, kpi, 0) ||
                      write_stat_fields(w, g, st, count, rank, dims)) ? -1 : 0;
    if (g >= 0) H5Gclose(g);
    free(st);
    return rc;
}

static int write_summary_of(h5w *w, hid_t dir, size_t k)
{
    return write_summary(w, dir, k, 0);
}

static int write_summary_diff(h5w *w, hid_t dir, size_t k)
{
    return write_summary(w, dir, k, 1);
}

static int write_diffs(h5w *w, hid_t file)
{
    if (w->s->n_variants < 2) return 0;
    if (each_kpi(w, file, "summary_diff", write_summary_diff)) return -1;
    hid_t g = group_open(w, file, "summary_diff");
    if (g < 0) return -1;
    int rc = attr_int(w, g, "reference_variant", 0);
    H5Gclose(g);
    return rc;
}

/* Horizon aggregates, one group per aggregate: [variant] statistics, and
 * (with DIFF) the paired difference against variant 0. */
static int write_aggregates(h5w *w, hid_t file, const char *top, int diff)
{
    const sim_record *s = w->view;
    const res_meta *m = w->m;
    static const char *const kind_name[] = { "sum", "mean", "last", "compound" };
    hid_t dir = group_open(w, file, top);
    if (dir < 0) return -1;
    int rc = 0;
    res_stat *st = calloc((size_t)s->n_variants, sizeof *st);
    if (!st) rc = fail(w, "out of memory summarising the horizon");
    for (size_t i = 0; i < m->n_agg && rc == 0; i++) {
        int k = sim_record_series_index(s, m->agg[i].series);
        if (k < 0) continue;
        for (int v = 0; v < s->n_variants; v++) {
            if (diff && v == 0) { memset(&st[v], 0, sizeof st[v]); continue; }
            res_stat_agg(s, (size_t)k, m->agg[i].kind, v, diff ? 0 : -1, &st[v]);
        }
        hsize_t dims[1] = { (hsize_t)s->n_variants };
        hid_t g = group_open(w, dir, m->agg[i].series);
        rc = g < 0 ? -1
           : (kpi_attrs(w, g, &s->series[k], "variant") ||
              attr_str(w, g, "over_years", kind_name[m->agg[i].kind]) ||
              write_stat_fields(w, g, st, (size_t)s->n_variants, 1, dims)) ? -1 : 0;
        if (g >= 0) H5Gclose(g);
    }
    free(st);
    H5Gclose(dir);
    if (rc == 0 && sim_record_load_failed(s)) rc = w->failed ? -1 : fail(w, "HDF5: cannot read back /kpi");
    return rc;
}

static int write_compare(h5w *w, hid_t file)
{
    if (w->m->n_agg == 0) return 0;
    if (write_aggregates(w, file, "compare", 0)) return -1;
    return w->s->n_variants > 1 ? write_aggregates(w, file, "compare_diff", 1) : 0;
}

/* ---- job tables ------------------------------------------------------------ */

/*
 * /NAME/COLUMN for each job table: the rows of every job written, in job
 * order (variant, then replicate), so the file does not depend on which
 * thread ran which job; /NAME/variant and /NAME/replicate say whose row it
 * is.  Columns are float64 vectors of one length, made empty and extended
 * job by job; shuffled and deflated in chunks (most columns are small
 * codes), with a cache of one chunk so that a job's few rows do not
 * compress the chunk again.
 */
#define TABLE_CHUNK 16384

static int make_table(h5w *w, int t)
{
    const sim_table *tb = &w->s->table[t];
    hid_t g = group_open(w, w->file, tb->name);
    if (g < 0) return -1;
    int rc = attr_str(w, g, "doc", "one row per item and job (variant, replicate) "
                      "of the last simulated year; columns of one length");
    w->tab[t] = malloc((size_t)(tb->n_cols + 2) * sizeof *w->tab[t]);
    if (!w->tab[t]) rc = fail(w, "out of memory writing %s", tb->name);
    for (int c = 0; w->tab[t] && c < tb->n_cols + 2; c++) w->tab[t][c] = -1;
    hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = TABLE_CHUNK;
    for (int c = 0; c < tb->n_cols + 2 && !rc; c++) {
        const char *name = c == 0 ? "variant" : c == 1 ? "replicate" : tb->cols[c - 2];
        hid_t dcpl = chunked_dcpl(1, &chunk);
        hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
        hid_t sp = H5Screate_simple(1, &zero, &unlimited);
        hid_t ds = dcpl < 0 || dapl < 0 || sp < 0 ||
                   H5Pset_chunk_cache(dapl, 101, 2 * TABLE_CHUNK * sizeof(double), 1.0) < 0
                 ? -1 : H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, dapl);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (dapl >= 0) H5Pclose(dapl);
        if (sp >= 0) H5Sclose(sp);
        char ds_path[320];
        if (ds < 0) rc = fail(w, "HDF5: cannot create dataset %s",
                              where(g, name, ds_path, sizeof ds_path));
        else w->tab[t][c] = ds;
    }
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* Job (V, R)'s rows of table T of REC, after the rows so far. */
static int append_rows(h5w *w, const sim_record *rec, int t, int v, int r)
{
    const sim_table *tb = &rec->table[t];
    size_t j = sim_record_job(rec, v, r);
    hsize_t n = (hsize_t)tb->n_rows[j], at = w->tab_rows[t], size = at + n;
    if (n == 0) return 0;
    double *col = malloc((size_t)n * sizeof *col);
    if (!col) return fail(w, "out of memory writing %s", tb->name);
    int rc = 0;
    for (int c = 0; c < tb->n_cols + 2 && rc == 0; c++) {
        for (hsize_t i = 0; i < n; i++)
            col[i] = c == 0 ? v : c == 1 ? r
                   : tb->rows[j][(size_t)i * (size_t)tb->n_cols + (size_t)(c - 2)];
        hid_t ds = w->tab[t][c];
        hid_t fs = H5Dset_extent(ds, &size) < 0 ? -1 : H5Dget_space(ds);
        hid_t ms = H5Screate_simple(1, &n, NULL);
        herr_t e = fs < 0 || ms < 0 ? -1
                 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL);
        if (e >= 0) e = H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, col);
        if (e < 0) note_why(w);
        if (fs >= 0) H5Sclose(fs);
        if (ms >= 0) H5Sclose(ms);
        if (e < 0) rc = fail(w, "HDF5: cannot write /%s", tb->name);
    }
    free(col);
    if (rc == 0) w->tab_rows[t] = size;
    return rc;
}

/* ---- the file ------------------------------------------------------------ */

/* /GROUP/NAME [variant] for each figure of an analysis (risk), and the
 * threshold it used. */
static int write_figures(h5w *w, hid_t file)
{
    const res_meta *m = w->m;
    if (!m || !m->figure_group || !m->figures) return 0;
    hid_t g = group_open(w, file, m->figure_group);
    if (g < 0) return -1;
    int rc = attr_f64(w, g, "threshold", m->figure_threshold);
    double *col = malloc((size_t)m->n_figure_variants * sizeof *col);
    if (!col) rc = fail(w, "out of memory writing /%s", m->figure_group);
    for (int i = 0; !rc && i < m->n_figures; i++) {
        for (int v = 0; v < m->n_figure_variants; v++)
            col[v] = m->figures[(size_t)v * (size_t)m->n_figures + (size_t)i];
        hsize_t dim = (hsize_t)m->n_figure_variants;
        hid_t ds = dset_put(w, g, m->figure_name[i], 1, &dim, H5T_IEEE_F64LE,
                            H5T_NATIVE_DOUBLE, w->dcpl, col);
        if (ds < 0) { rc = -1; break; }
        rc = attr_str(w, ds, "doc", m->figure_doc[i]) || attr_str(w, ds, "unit", "share") ||
             attr_str(w, ds, "dims", "variant");
        H5Dclose(ds);
    }
    free(col);
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* Each of META's extra datasets, its groups made on the way. */
static int write_extras(h5w *w, hid_t file)
{
    const res_meta *m = w->m;
    for (size_t i = 0; m && i < m->n_extra; i++) {
        const res_extra *x = &m->extra[i];
        char path[512];
        snprintf(path, sizeof path, "%s", x->path);
        hid_t loc = file, g = -1;
        char *name = path, *slash;
        int rc = 0;
        while (rc == 0 && (slash = strchr(name, '/'))) {
            *slash = '\0';
            hid_t next = group_open(w, loc, name);
            if (g >= 0) H5Gclose(g);
            g = next;
            if (g < 0) rc = -1;
            loc = g;
            name = slash + 1;
        }
        hsize_t dims[2] = { (hsize_t)x->dims[0], (hsize_t)x->dims[1] };
        hid_t ds = -1;
        if (rc == 0 && x->text) {
            const char **p = malloc(x->dims[0] * sizeof *p + 1);
            if (!p) rc = fail(w, "out of memory writing %s", x->path);
            for (size_t k = 0; p && k < x->dims[0]; k++) p[k] = x->text[k] ? x->text[k] : "";
            if (p) ds = dset_put(w, loc, name, 1, dims, w->str, w->str, w->dcpl, p);
            free(p);
        } else if (rc == 0) {
            ds = dset_put(w, loc, name, x->rank, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                          w->dcpl, x->value);
        }
        if (rc == 0 && ds < 0) rc = -1;
        if (rc == 0)
            rc = attr_str(w, ds, "dims", x->dims_label) || attr_str(w, ds, "doc", x->doc);
        if (ds >= 0) H5Dclose(ds);
        if (g >= 0) H5Gclose(g);
        if (rc) return -1;
    }
    return 0;
}

/* Property lists and string type shared by the whole write. */
static int open_shared(h5w *w)
{
    w->str = H5Tcopy(H5T_C_S1);
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (w->str < 0 || w->gcpl < 0 || w->dcpl < 0 ||
        H5Tset_size(w->str, H5T_VARIABLE) < 0 ||
        H5Tset_cset(w->str, H5T_CSET_UTF8) < 0 ||
        H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
        H5Pset_obj_track_times(w->dcpl, 0) < 0)
        return fail(w, "HDF5: cannot set up types and property lists");
    return 0;
}

static void close_shared(h5w *w)
{
    if (w->str >= 0) H5Tclose(w->str);
    if (w->gcpl >= 0) H5Pclose(w->gcpl);
    if (w->dcpl >= 0) H5Pclose(w->dcpl);
}

/* ---- the writer ---------------------------------------------------------- */

void res_h5_setup(void)
{
    H5dont_atexit();
}

#define MDC_BYTES ((size_t)4 << 20)

/* The file, created on disk under the temporary name, and what comes
 * first: root, scenario, axes, /kpi's datasets (empty) and the tables. */
static int start_file(h5w *w)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* HDF5's cache of the file's own structure (chunk indexes, headers)
     * grows towards 32 MiB with the chunks written; a few MiB serve a
     * write that goes through the file once */
    H5AC_cache_config_t mdc = { .version = H5AC__CURR_CACHE_CONFIG_VERSION };
    int ok = fcpl >= 0 && fapl >= 0 && H5Pget_mdc_config(fapl, &mdc) >= 0;
    if (ok) {
        mdc.set_initial_size = 1;
        mdc.initial_size = MDC_BYTES / 2;
        mdc.min_size = MDC_BYTES / 4;
        mdc.max_size = MDC_BYTES;
        ok = H5Pset_mdc_config(fapl, &mdc) >= 0;
    }
    /* HDF5 1.10's chunk indexes (a fixed array for /kpi, an extensible
     * one for the tables) instead of the B-trees of 1.8 files, whose nodes
     * held memory in proportion to the chunks written */
    if (ok) ok = H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0;
    /* the root group is created with the file: no timestamp there either */
    w->file = !ok || H5Pset_obj_track_times(fcpl, 0) < 0
            ? -1 : H5Fcreate(w->out.tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    if (w->file < 0) return fail(w, "HDF5: cannot create %s", w->out.path);
    w->kpi = malloc((w->s->n_series ? w->s->n_series : 1) * sizeof *w->kpi);
    if (!w->kpi) return fail(w, "out of memory writing %s", w->out.path);
    for (size_t k = 0; k < w->s->n_series; k++) w->kpi[k] = -1;
    int rc = write_root(w, w->file) || write_scenario(w, w->file) ||
             write_axes(w, w->file) || each_kpi(w, w->file, "kpi", write_kpi);
    close_scales(w);
    for (int t = 0; rc == 0 && t < w->s->n_tables; t++) rc = make_table(w, t);
    return rc ? -1 : 0;
}

res_writer *res_writer_open(const sim_record *shape, const res_meta *meta, const char *path,
                            int force, char *errbuf, size_t errlen)
{
    static const res_meta unknown;
    struct stat st;
    if (!shape || !path || !path[0]) {
        set_err(errbuf, errlen, "no record or no path");
        return NULL;
    }
    /* Checked up front so a refusal costs no work.  A file that appears
     * later is still kept: sim_outfile_commit never replaces without FORCE. */
    if (!force && lstat(path, &st) == 0) {
        set_err(errbuf, errlen, "%s exists; use --force to replace it", path);
        return NULL;
    }
    h5w *w = calloc(1, sizeof *w);
    if (!w) {
        set_err(errbuf, errlen, "out of memory writing %s", path);
        return NULL;
    }
    w->s = shape;
    w->m = meta ? meta : &unknown;
    w->str = w->gcpl = w->dcpl = w->file = H5I_INVALID_HID;
    w->err = errbuf;
    w->errlen = errlen;
    w->scale_variant = w->scale_replicate = w->scale_year = -1;
    for (int a = 0; a < SIM_RECORD_MAX_AXES; a++) w->scale_axis[a] = -1;
    w->out.fd = -1;
    /* Our messages say what failed; HDF5's stack dump would only bury them. */
    H5Eget_auto2(H5E_DEFAULT, &w->old_fn, &w->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (sim_outfile_open(&w->out, path, force, errbuf, errlen)) {
        w->failed = 1;
        res_writer_abort(w);
        return NULL;
    }
    if (open_shared(w) || start_file(w)) {
        res_writer_abort(w);
        return NULL;
    }
    return w;
}

int res_writer_job(res_writer *w, const sim_record *rec, int v, int r)
{
    if (w->failed) return -1;
    const sim_record *s = w->s;
    if (v < 0 || v >= s->n_variants || r < 0 || r >= s->n_replicates)
        return fail(w, "job (%d, %d) is outside the plan written", v, r);
    for (size_t k = 0; k < s->n_series; k++) {
        const double *slot = sim_record_slot((sim_record *)rec, k, v, r);
        if (!slot) return fail(w, "job (%d, %d) has no values for %s", v, r, s->series[k].name);
        hsize_t start[4] = { (hsize_t)v, (hsize_t)r, 0, 0 };
        hsize_t count[4] = { 1, 1, (hsize_t)s->n_years, (hsize_t)sim_record_width(s, k) };
        hsize_t n = count[2] * count[3];
        hid_t fs = H5Dget_space(w->kpi[k]);
        hid_t ms = H5Screate_simple(1, &n, NULL);
        herr_t e = fs < 0 || ms < 0 ? -1
                 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
        if (e >= 0) e = H5Dwrite(w->kpi[k], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, slot);
        if (e < 0) note_why(w);
        if (fs >= 0) H5Sclose(fs);
        if (ms >= 0) H5Sclose(ms);
        if (e < 0) return fail(w, "HDF5: cannot write /kpi's %s", s->series[k].name);
    }
    for (int t = 0; t < s->n_tables; t++)
        if (append_rows(w, rec, t, v, r)) return -1;
    return 0;
}

/* The lazy view's loader: series K, every job, from /kpi, a variant's
 * every year at a time (the layout of a record's series). */
static int load_series(void *ctx, const sim_record *view, size_t k, double *dst)
{
    h5w *w = ctx;
    size_t per_variant = (size_t)view->n_replicates * (size_t)view->n_years *
                         (size_t)sim_record_width(view, k);
    for (int v = 0; v < view->n_variants; v++)
        if (read_slab(w, k, v, 0, view->n_years, dst + (size_t)v * per_variant)) return -1;
    return 0;
}

/* What analyses read at a time from the view. */
#define VIEW_BUDGET ((size_t)32 << 20)

sim_record *res_writer_view(res_writer *w)
{
    if (w->view || w->failed) return w->view;
    const sim_record *s = w->s;
    sim_record *v = sim_record_create(s->n_variants, s->n_replicates, s->n_years);
    int rc = v ? 0 : -1;
    for (int a = 0; rc == 0 && a < s->n_axes; a++) {
        const sim_axis *ax = &s->axis[a];
        rc = sim_record_add_axis(v, ax->name, ax->len) != a;
        for (int i = 0; rc == 0 && i < ax->len; i++)
            rc = (ax->labels && ax->labels[i] && sim_record_label_item(v, a, i, ax->labels[i])) ||
                 (ax->codes && sim_record_code_item(v, a, i, ax->codes[i]));
    }
    for (int i = 0; rc == 0 && s->variant_names && i < s->n_variants; i++)
        rc = s->variant_names[i] && sim_record_label_variant(v, i, s->variant_names[i]);
    if (rc == 0 && s->years) rc = sim_record_set_years(v, s->years);
    if (rc == 0) rc = sim_record_set_series(v, s->series, s->n_series) ||
                      sim_record_lazy(v, load_series, w, VIEW_BUDGET);
    if (rc) {
        sim_record_free(v);
        fail(w, "out of memory reading %s back", w->out.path);
        return NULL;
    }
    memcpy(v->job_done, s->job_done, (size_t)s->n_variants * (size_t)s->n_replicates);
    w->view = v;
    return v;
}

/* Close every handle of the write, the file last. */
static int close_all(h5w *w)
{
    close_scales(w);
    for (size_t k = 0; w->kpi && k < w->s->n_series; k++)
        if (w->kpi[k] >= 0) H5Dclose(w->kpi[k]);
    free(w->kpi);
    w->kpi = NULL;
    for (int t = 0; t < SIM_RECORD_MAX_TABLES; t++) {
        for (int c = 0; w->tab[t] && c < w->s->table[t].n_cols + 2; c++)
            if (w->tab[t][c] >= 0) H5Dclose(w->tab[t][c]);
        free(w->tab[t]);
        w->tab[t] = NULL;
    }
    close_shared(w);
    int rc = 0;
    /* A full disk fails HDF5's last flush, and HDF5 then keeps the file
     * half closed: a second close crashes, and so would the library's own
     * at exit (res_h5_setup turns that off).  So the last flush is tried
     * first and a failure reported, and a file given up (a failed write or
     * flush) is emptied, freeing its room, and closed once; the caller
     * removes it. */
    if (w->file >= 0 && !w->failed && H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0) {
        note_why(w);
        fail(w, "HDF5: cannot finish %s", w->out.path);
        rc = -1;
    }
    if (w->file >= 0 && w->failed && w->out.fd >= 0 && ftruncate(w->out.fd, 0) != 0) rc = -1;
    if (w->file >= 0 && H5Fclose(w->file) < 0) rc = -1;
    w->file = -1;
    return rc;
}

static void writer_free(h5w *w)
{
    sim_record_free(w->view);
    H5Eset_auto2(H5E_DEFAULT, w->old_fn, w->old_data);
    free(w);
}

void res_writer_abort(res_writer *w)
{
    if (!w) return;
    close_all(w);
    sim_outfile_abort(&w->out);
    writer_free(w);
}

int res_writer_finish(res_writer *w)
{
    if (!w->failed && res_writer_view(w)) {
        if (each_kpi(w, w->file, "summary", write_summary_of) == 0 && write_diffs(w, w->file) == 0 &&
            write_compare(w, w->file) == 0 && write_figures(w, w->file) == 0 &&
            write_extras(w, w->file) == 0)
            write_run(w, w->file);
    }
    if (close_all(w) < 0 && !w->failed) fail(w, "HDF5: cannot finish %s", w->out.path);
    int rc = w->failed ? -1 : sim_outfile_commit(&w->out, w->err, w->errlen);
    if (rc) sim_outfile_abort(&w->out);
    writer_free(w);
    return rc;
}

int res_write_h5(const sim_record *rec, const res_meta *meta, const char *path,
                 int force, char *errbuf, size_t errlen)
{
    if (!rec || !rec->data) {
        set_err(errbuf, errlen, "no record, or no data in it");
        return -1;
    }
    res_writer *w = res_writer_open(rec, meta, path, force, errbuf, errlen);
    if (!w) return -1;
    for (int v = 0; v < rec->n_variants; v++)
        for (int r = 0; r < rec->n_replicates; r++)
            if (sim_record_done(rec, v, r) && res_writer_job(w, rec, v, r)) {
                res_writer_abort(w);
                return -1;
            }
    return res_writer_finish(w);
}
