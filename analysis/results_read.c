/*
 * analysis/results_read.c - a result file read back into a record.
 *
 * The reverse of results_h5.c for what a report needs: the root attributes,
 * the labels of variants, years and axes, and every raw KPI dataset under
 * /kpi, so that the statistics of results.h run on a file exactly as they
 * ran on the record that wrote it.  Summaries are not read: they are
 * recomputed from the raw values.  The file's schema_version must be one
 * this reader knows; any other is refused with a message that says which.
 *
 * Every job in the file counts as done: a file is written once its jobs
 * are (an interrupted plan writes the replicates it finished, truncated).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "results.h"

/* ---- private to this module ------------------------------------------- */

typedef struct reader {
    hid_t  file, str;
    char  *err;
    size_t errlen;
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (r->err && r->errlen) vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A string attribute of LOC, malloc'd ("" when absent). */
static char *attr_text(reader *r, hid_t loc, const char *name)
{
    if (H5Aexists(loc, name) <= 0) return strdup("");
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    char *v = NULL, *out = NULL;
    if (a >= 0 && H5Aread(a, r->str, &v) >= 0) {
        out = strdup(v ? v : "");
        H5free_memory(v);
    }
    if (a >= 0) H5Aclose(a);
    return out ? out : strdup("");
}

/* An integer attribute of LOC, or DEF when absent. */
static long long attr_ll(hid_t loc, const char *name, long long def)
{
    if (H5Aexists(loc, name) <= 0) return def;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    long long v = def;
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    /* a number only: HDF5 would convert a string or a float otherwise */
    if (t < 0 || H5Tget_class(t) != H5T_INTEGER || H5Aread(a, H5T_NATIVE_LLONG, &v) < 0) v = def;
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return v;
}

static unsigned long long attr_ull(hid_t loc, const char *name)
{
    if (H5Aexists(loc, name) <= 0) return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    unsigned long long v = 0;
    if (a < 0 || H5Aread(a, H5T_NATIVE_ULLONG, &v) < 0) v = 0;
    if (a >= 0) H5Aclose(a);
    return v;
}

/* A 1-D dataset's length, or -1 when PATH is not one. */
static long dset_len(hid_t file, const char *path)
{
    if (H5Lexists(file, "axes", H5P_DEFAULT) <= 0 ||
        H5Lexists(file, path, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    int rank = H5Sget_simple_extent_ndims(sp);
    if (rank == 1) H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    return rank == 1 ? (long)n : -1;
}

/* N strings of the 1-D dataset PATH, each handed to PUT; 0 or -1. */
static int read_strs(reader *r, const char *path, long n,
                     int (*put)(void *ctx, int i, const char *s), void *ctx)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0) return fail(r, "%s is missing", path);
    char **v = calloc((size_t)n, sizeof *v);
    int rc = v && H5Dread(d, r->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 ? 0 : -1;
    for (long i = 0; rc == 0 && i < n; i++)
        if (put(ctx, (int)i, v[i] ? v[i] : "")) rc = -1;
    if (v) {
        hid_t sp = H5Dget_space(d);
        H5Dvlen_reclaim(r->str, sp, H5P_DEFAULT, v);
        H5Sclose(sp);
    }
    free(v);
    H5Dclose(d);
    return rc ? fail(r, "cannot read the strings of %s", path) : 0;
}

static int read_ints(reader *r, const char *path, int *out)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0) return fail(r, "%s is missing", path);
    int rc = H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0 ? -1 : 0;
    H5Dclose(d);
    return rc ? fail(r, "cannot read %s", path) : 0;
}

static int read_doubles(reader *r, const char *path, double *out)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0) return fail(r, "%s is missing", path);
    int rc = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0 ? -1 : 0;
    H5Dclose(d);
    return rc ? fail(r, "cannot read %s", path) : 0;
}

/* One KPI dataset found under /kpi, before the record exists. */
typedef struct found {
    char   *path, *name, *unit, *doc, *axis;
    int     rank;
    hsize_t dims[4];
} found;

typedef struct walk {
    reader *r;
    found  *f;
    size_t  n, cap;
    const char *dir;
    int     failed;
} walk;

static herr_t on_kpi(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
    (void)info;
    walk *w = op;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0) return 0;   /* not a dataset: not a KPI */
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        found *f = realloc(w->f, cap * sizeof *f);
        if (!f) { H5Dclose(d); w->failed = 1; return -1; }
        w->f = f;
        w->cap = cap;
    }
    found *f = &w->f[w->n];
    memset(f, 0, sizeof *f);
    size_t len = strlen(w->dir) + strlen(name) + 8;
    f->path = malloc(len);
    if (f->path) snprintf(f->path, len, "/kpi/%s/%s", w->dir, name);
    f->name = strdup(name);
    f->unit = attr_text(w->r, d, "unit");
    f->doc = attr_text(w->r, d, "doc");
    f->axis = attr_text(w->r, d, "axis");
    hid_t sp = H5Dget_space(d);
    f->rank = H5Sget_simple_extent_ndims(sp);
    if (f->rank >= 3 && f->rank <= 4) H5Sget_simple_extent_dims(sp, f->dims, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    w->n++;
    if (!f->path || !f->name || !f->unit || !f->doc || !f->axis) { w->failed = 1; return -1; }
    return 0;
}

static herr_t on_dir(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
    (void)info;
    walk *w = op;
    hid_t sub = H5Gopen2(g, name, H5P_DEFAULT);
    if (sub < 0) return 0;
    w->dir = name;
    herr_t rc = H5Literate(sub, H5_INDEX_NAME, H5_ITER_INC, NULL, on_kpi, w);
    H5Gclose(sub);
    return rc < 0 ? -1 : 0;
}

typedef struct label_ctx { sim_record *rec; int axis; } label_ctx;

static int put_variant(void *ctx, int i, const char *s)
{
    return sim_record_label_variant(ctx, i, s);
}

static int put_item(void *ctx, int i, const char *s)
{
    label_ctx *l = ctx;
    return sim_record_label_item(l->rec, l->axis, i, s);
}

static int put_extra(void *ctx, int i, const char *s)
{
    char **out = ctx;
    return (out[i] = strdup(s)) ? 0 : -1;
}

static void found_free(found *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].path);
        free(f[i].name);
        free(f[i].unit);
        free(f[i].doc);
        free(f[i].axis);
    }
    free(f);
}

/* ---- reading ------------------------------------------------------------ */

/* The record's shape from the KPIs found, its axes labelled from /axes. */
static int build_record(reader *r, res_file *out, found *f, size_t n)
{
    int nv = (int)attr_ll(r->file, "variants", 0), nr = (int)attr_ll(r->file, "replicates", 0),
        ny = (int)attr_ll(r->file, "years", 0);
    sim_record *rec = sim_record_create(nv, nr, ny);
    if (!rec) return fail(r, "the file's shape (%d variants, %d replicates, %d years) "
                          "is not one a record can hold", nv, nr, ny);
    out->rec = rec;
    sim_series *ser = calloc(n, sizeof *ser);
    if (!ser) return fail(r, "out of memory");
    out->series = ser;
    out->n_series = n;
    for (size_t i = 0; i < n; i++) {
        if (f[i].rank < 3 || f[i].dims[0] != (hsize_t)nv || f[i].dims[1] != (hsize_t)nr ||
            f[i].dims[2] != (hsize_t)ny)
            return fail(r, "%s does not have the file's shape [%d][%d][%d]", f[i].path,
                        nv, nr, ny);
        int axis = SIM_AXIS_NONE;
        if (f[i].rank == 4) {
            axis = sim_record_axis_index(rec, f[i].axis);
            if (axis < 0) axis = sim_record_add_axis(rec, f[i].axis, (int)f[i].dims[3]);
            if (axis < 0 || rec->axis[axis].len != (int)f[i].dims[3])
                return fail(r, "%s: axis '%s' of %d items disagrees with the other series",
                            f[i].path, f[i].axis, (int)f[i].dims[3]);
        }
        /* the strings move to the series table, which owns them from here */
        ser[i] = (sim_series){ f[i].name, f[i].unit, axis, 0, f[i].doc };
        f[i].name = f[i].unit = f[i].doc = NULL;
    }
    if (sim_record_set_series(rec, ser, n) || sim_record_alloc(rec))
        return fail(r, "out of memory for the file's values");
    for (size_t i = 0; i < n; i++)
        if (read_doubles(r, f[i].path, rec->data[i])) return -1;
    for (int v = 0; v < nv; v++)
        for (int k = 0; k < nr; k++) sim_record_set_done(rec, v, k, 1);

    if (dset_len(r->file, "/axes/variant") == nv) {
        if (read_strs(r, "/axes/variant", nv, put_variant, rec)) return -1;
    }
    for (int v = 0; v < nv; v++)   /* a file without the labels: numbered */
        if (!rec->variant_names || !rec->variant_names[v]) {
            char name[32];
            snprintf(name, sizeof name, "variant %d", v + 1);
            if (sim_record_label_variant(rec, v, name)) return fail(r, "out of memory");
        }
    if (dset_len(r->file, "/axes/year") == ny) {
        int *years = calloc((size_t)ny, sizeof *years);
        if (!years || read_ints(r, "/axes/year", years) || sim_record_set_years(rec, years)) {
            free(years);
            return fail(r, "cannot read /axes/year");
        }
        free(years);
    }
    for (int a = 0; a < rec->n_axes; a++) {
        sim_axis *ax = &rec->axis[a];
        char path[300];
        snprintf(path, sizeof path, "/axes/%s", ax->name);
        label_ctx l = { rec, a };
        if (dset_len(r->file, path) == ax->len && read_strs(r, path, ax->len, put_item, &l))
            return -1;
        snprintf(path, sizeof path, "/axes/%s_code", ax->name);
        if (dset_len(r->file, path) == ax->len) {
            int *codes = calloc((size_t)ax->len, sizeof *codes);
            int rc = !codes || read_ints(r, path, codes);
            for (int i = 0; !rc && i < ax->len; i++) rc = sim_record_code_item(rec, a, i, codes[i]);
            free(codes);
            if (rc) return fail(r, "cannot read %s", path);
        }
    }
    return 0;
}

/* Optional municipality columns beside the axis (schema 2). */
static int read_municipalities(reader *r, res_file *out)
{
    int a = sim_record_axis_index(out->rec, "municipality");
    if (a < 0) return 0;
    long n = out->rec->axis[a].len;
    if (dset_len(r->file, "/axes/municipality_region") == n) {
        out->muni_region = calloc((size_t)n, sizeof *out->muni_region);
        if (!out->muni_region ||
            read_strs(r, "/axes/municipality_region", n, put_extra, out->muni_region))
            return -1;
    }
    if (dset_len(r->file, "/axes/municipality_population") == n) {
        out->muni_population = calloc((size_t)n, sizeof *out->muni_population);
        if (!out->muni_population ||
            read_doubles(r, "/axes/municipality_population", out->muni_population))
            return -1;
    }
    return 0;
}

static char *dset_text(reader *r, const char *path)
{
    if (H5Lexists(r->file, "scenario", H5P_DEFAULT) <= 0 ||
        H5Lexists(r->file, path, H5P_DEFAULT) <= 0) return strdup("");
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    char *v = NULL, *out = NULL;
    if (d >= 0 && H5Dread(d, r->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0) {
        out = strdup(v ? v : "");
        H5free_memory(v);
    }
    if (d >= 0) H5Dclose(d);
    return out ? out : strdup("");
}

/* /uncertainty: the priors' names and the draws, when there. */
static int put_prior(void *ctx, int i, const char *s)
{
    res_file *f = ctx;
    return (f->unc_prior[i] = strdup(s)) ? 0 : -1;
}

static int read_uncertainty(reader *r, res_file *out)
{
    if (H5Lexists(r->file, "uncertainty", H5P_DEFAULT) <= 0) return 0;
    long n = dset_len(r->file, "uncertainty/prior");
    if (n < 1) return fail(r, "/uncertainty/prior is missing or not a list");
    hid_t d = H5Dopen2(r->file, "uncertainty/draw", H5P_DEFAULT);
    if (d < 0) return fail(r, "/uncertainty/draw is missing");
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = { 0, 0 };
    int rank = H5Sget_simple_extent_ndims(sp);
    if (rank == 2) H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    if (rank != 2 || dims[1] != (hsize_t)n || dims[0] < 1 || dims[0] > 1000000 ||
        out->rec->n_replicates % (int)dims[0])
        return fail(r, "/uncertainty/draw is not [draw][prior] of whole draws of the replicates");
    out->unc_prior = calloc((size_t)n, sizeof *out->unc_prior);
    out->unc_draw = malloc((size_t)dims[0] * (size_t)n * sizeof *out->unc_draw);
    if (!out->unc_prior || !out->unc_draw) return fail(r, "out of memory");
    out->unc_priors = (int)n;   /* set first: res_file_free frees the names */
    out->unc_draws = (int)dims[0];
    if (read_strs(r, "uncertainty/prior", n, put_prior, out)) return -1;
    return read_doubles(r, "uncertainty/draw", out->unc_draw);
}

int res_file_plan_digest(const char *path, char *out, size_t n)
{
    out[0] = '\0';
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);          /* a non-HDF5 file is an answer */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int rc = -1;
    if (f >= 0 && H5Aexists(f, "plan_digest") > 0) {
        hid_t a = H5Aopen(f, "plan_digest", H5P_DEFAULT);
        hid_t t = a >= 0 ? H5Aget_type(a) : -1;
        char *s = NULL;
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        if (t >= 0) H5Tset_cset(mem, H5Tget_cset(t));
        if (t >= 0 && H5Tis_variable_str(t) > 0 && H5Aread(a, mem, &s) >= 0 && s) {
            snprintf(out, n, "%s", s);
            H5free_memory(s);
            rc = 0;
        }
        H5Tclose(mem);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Aclose(a);
    }
    if (f >= 0) H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return rc;
}

int res_file_read(const char *path, res_file *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    reader r = { -1, -1, err, errlen };
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* errors are ours to word */
    if (H5Fis_hdf5(path) <= 0)
        return fail(&r, "%s: not an HDF5 file (or not readable)", path);
    r.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.file < 0) return fail(&r, "%s: cannot open the HDF5 file", path);
    r.str = H5Tcopy(H5T_C_S1);
    H5Tset_size(r.str, H5T_VARIABLE);
    H5Tset_cset(r.str, H5T_CSET_UTF8);
    int rc = -1;
    walk w = { &r, NULL, 0, 0, NULL, 0 };
    char *program = attr_text(&r, r.file, "program");
    out->schema_version = (int)attr_ll(r.file, "schema_version", -1);
    if (!program || strcmp(program, "placesim")) {
        fail(&r, "%s: not a placesim result file (no program attribute 'placesim')", path);
        goto done;
    }
    if (out->schema_version == -1) {
        fail(&r, "%s: no integer schema_version attribute: not a result file this placesim reads",
             path);
        goto done;
    }
    if (out->schema_version < RES_SCHEMA_OLDEST || out->schema_version > RES_SCHEMA_VERSION) {
        fail(&r, "%s: result file schema %d, but this placesim reads schemas %d to %d; "
             "%s", path, out->schema_version, RES_SCHEMA_OLDEST, RES_SCHEMA_VERSION,
             out->schema_version > RES_SCHEMA_VERSION
                 ? "the file is newer: use the placesim that wrote it (or a later one)"
                 : "the file is older: run its scenario again with this placesim");
        goto done;
    }
    out->version = attr_text(&r, r.file, "version");
    out->git_commit = attr_text(&r, r.file, "git_commit");
    out->scenario_path = attr_text(&r, r.file, "scenario_path");
    /* schema 3 keeps what differs between executions under /run */
    hid_t run = out->schema_version >= 3 && H5Lexists(r.file, "run", H5P_DEFAULT) > 0
                ? H5Gopen2(r.file, "run", H5P_DEFAULT) : H5I_INVALID_HID;
    out->created = attr_text(&r, run >= 0 ? run : r.file, "created");
    out->command_line = attr_text(&r, run >= 0 ? run : r.file, "command_line");
    if (run >= 0) H5Gclose(run);
    out->master_seed = attr_ull(r.file, "master_seed");
    out->risk_threshold = NAN;
    if (H5Lexists(r.file, "risk", H5P_DEFAULT) > 0) {
        hid_t g = H5Gopen2(r.file, "risk", H5P_DEFAULT);
        if (g >= 0 && H5Aexists(g, "threshold") > 0) {
            hid_t a = H5Aopen(g, "threshold", H5P_DEFAULT);
            double t;
            if (a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, &t) >= 0) out->risk_threshold = t;
            if (a >= 0) H5Aclose(a);
        }
        if (g >= 0) H5Gclose(g);
    }
    out->resolved = dset_text(&r, "/scenario/resolved");
    if (H5Lexists(r.file, "kpi", H5P_DEFAULT) <= 0) {
        fail(&r, "%s: no /kpi group: not a result file of run, compare or risk", path);
        goto done;
    }
    hid_t kpi = H5Gopen2(r.file, "kpi", H5P_DEFAULT);
    herr_t it = H5Literate(kpi, H5_INDEX_NAME, H5_ITER_INC, NULL, on_dir, &w);
    H5Gclose(kpi);
    if (it < 0 || w.failed) { fail(&r, "%s: cannot read the KPI datasets", path); goto done; }
    if (build_record(&r, out, w.f, w.n) || read_municipalities(&r, out) ||
        read_uncertainty(&r, out)) {
        if (err && errlen && !strstr(err, path)) {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "%s", err);
            snprintf(err, errlen, "%s: %s", path, tmp);
        }
        goto done;
    }
    rc = 0;
done:
    found_free(w.f, w.n);
    free(program);
    H5Tclose(r.str);
    H5Fclose(r.file);
    if (rc) res_file_free(out);
    return rc;
}

void res_file_free(res_file *f)
{
    int nm = 0;
    if (f->rec) {
        int a = sim_record_axis_index(f->rec, "municipality");
        if (a >= 0) nm = f->rec->axis[a].len;
    }
    sim_record_free(f->rec);
    for (size_t i = 0; i < f->n_series; i++) {
        free((char *)f->series[i].name);
        free((char *)f->series[i].unit);
        free((char *)f->series[i].doc);
    }
    free(f->series);
    if (f->muni_region)
        for (int i = 0; i < nm; i++) free(f->muni_region[i]);
    free(f->muni_region);
    free(f->muni_population);
    for (int i = 0; f->unc_prior && i < f->unc_priors; i++) free(f->unc_prior[i]);
    free(f->unc_prior);
    free(f->unc_draw);
    free(f->version);
    free(f->git_commit);
    free(f->created);
    free(f->scenario_path);
    free(f->command_line);
    free(f->resolved);
    memset(f, 0, sizeof *f);
}
