/*
 * tests/test_results.c - statistics of a record against hand-computed
 * values, and the HDF5 writer read back through the HDF5 API.  The record's
 * own storage is tested in tests/test_record.c.
 */
#include "tests/testutil.h"
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include "analysis/results.h"

#define T975_4 2.7764451051977987   /* t(0.975, 4 df) */
#define T975_2 4.302652729911275    /* t(0.975, 2 df) */

/* cmocka 1.1.5 has no double comparison; this one reports both values. */
static void near_at(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}
#define assert_near(a, b, eps) near_at((a), (b), (eps), __FILE__, __LINE__)

static const sim_series national_only[] = {
    { "cost", "DKK", SIM_AXIS_NONE, SIM_SERIES_HEADLINE, "total cost" },
};

/* "placed" is on axis 0, which new_record declares as "municipality". */
static const sim_series two_kpis[] = {
    { "cost", "DKK", SIM_AXIS_NONE, SIM_SERIES_HEADLINE, "total cost" },
    { "placed", "count", 0, 0, "children placed" },
};

static char *xstrdup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    return strcpy(p, s);
}

/* An allocated record of the plan with the N series of TABLE and, when
 * ITEMS > 0, an axis "municipality" of ITEMS items. */
static sim_record *new_record(int nv, int nr, int ny, int items,
                              const sim_series *table, size_t n)
{
    sim_record *s = sim_record_create(nv, nr, ny);
    assert_non_null(s);
    if (items > 0) assert_int_equal(sim_record_add_axis(s, "municipality", items), 0);
    assert_int_equal(sim_record_set_series(s, table, n), 0);
    assert_int_equal(sim_record_alloc(s), 0);
    return s;
}

/* One national series, one year, VALS[i] as replicate i of variant 0, all
 * done. */
static sim_record *national_set(const double *vals, int n)
{
    sim_record *s = new_record(1, n, 1, 0, national_only, 1);
    for (int r = 0; r < n; r++) {
        sim_record_slot(s, 0, 0, r)[0] = vals[r];
        sim_record_set_done(s, 0, r, 1);
    }
    return s;
}

static void assert_stat_1_to_5(const res_stat *st)
{
    double half = T975_4 * sqrt(2.5) / sqrt(5.0);
    assert_int_equal(st->n, 5);
    assert_near(st->mean, 3.0, 1e-12);
    assert_near(st->sd, sqrt(2.5), 1e-12);
    assert_near(st->ci_lo, 3.0 - half, 1e-6);
    assert_near(st->ci_hi, 3.0 + half, 1e-6);
    /* GSL: index f*(n-1) interpolated; 0.1 and 3.9 on 1..5 */
    assert_near(st->p025, 1.1, 1e-12);
    assert_near(st->p975, 4.9, 1e-12);
}

/* ---- statistics ---------------------------------------------------------- */

static void test_stat_hand_computed(void **state)
{
    (void)state;
    const double v[] = { 4, 2, 5, 1, 3 };
    sim_record *s = national_set(v, 5);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    assert_near(sim_record_slot(s, 0, 0, 0)[0], 4.0, 0);  /* data not sorted */
    sim_record_free(s);
}

static void test_stat_skips_nan(void **state)
{
    (void)state;
    const double v[] = { 1, NAN, 2, 3, INFINITY, 4, 5 };
    sim_record *s = national_set(v, 7);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    sim_record_free(s);
}

static void test_stat_skips_jobs_not_done(void **state)
{
    (void)state;
    const double v[] = { 1, 2, 100, 3, 4, 5 };
    sim_record *s = national_set(v, 6);
    sim_record_set_done(s, 0, 2, 0);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    sim_record_free(s);
}

static void test_stat_one_and_none(void **state)
{
    (void)state;
    const double v[] = { 7, 8 };
    sim_record *s = national_set(v, 2);
    sim_record_set_done(s, 0, 1, 0);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_int_equal(st.n, 1);
    assert_near(st.mean, 7, 0);
    assert_true(isnan(st.sd));        /* one replicate: no interval */
    assert_true(isnan(st.ci_lo) && isnan(st.ci_hi));
    assert_near(st.p025, 7, 0);
    assert_near(st.p975, 7, 0);
    sim_record_set_done(s, 0, 0, 0);
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_int_equal(st.n, 0);
    assert_true(isnan(st.mean) && isnan(st.ci_lo) && isnan(st.p975));
    sim_record_free(s);
}

static void test_stat_axis_item(void **state)
{
    (void)state;
    sim_record *s = new_record(1, 2, 2, 3, two_kpis, 2);
    for (int r = 0; r < 2; r++) {
        double *b = sim_record_slot(s, 1, 0, r);
        b[1 * 3 + 2] = 10.0 * (r + 1);   /* year 1, municipality 2 */
        sim_record_set_done(s, 0, r, 1);
    }
    res_stat st;
    res_stat_of(s, 1, 0, 1, 2, &st);
    assert_int_equal(st.n, 2);
    assert_near(st.mean, 15, 1e-12);
    res_stat_of(s, 1, 0, 0, 2, &st);
    assert_near(st.mean, 0, 0);
    sim_record_free(s);
}

static void test_stat_paired_diff(void **state)
{
    (void)state;
    sim_record *s = new_record(2, 4, 1, 0, national_only, 1);
    const double ref[] = { 10, 20, 30, 40 }, alt[] = { 11, 22, 33, 44 };
    for (int r = 0; r < 4; r++) {
        sim_record_slot(s, 0, 0, r)[0] = ref[r];
        sim_record_slot(s, 0, 1, r)[0] = alt[r];
        sim_record_set_done(s, 0, r, 1);
        sim_record_set_done(s, 1, r, r != 3);   /* replicate 3 not done */
    }
    res_stat st;
    res_stat_diff(s, 0, 1, 0, 0, 0, &st);   /* differences 1, 2, 3 */
    assert_int_equal(st.n, 3);
    assert_near(st.mean, 2, 1e-12);
    assert_near(st.sd, 1, 1e-12);
    assert_near(st.ci_lo, 2 - T975_2 / sqrt(3.0), 1e-6);
    assert_near(st.ci_hi, 2 + T975_2 / sqrt(3.0), 1e-6);
    assert_near(st.p025, 1.05, 1e-12);
    assert_near(st.p975, 2.95, 1e-12);
    sim_record_free(s);
}

/* ---- writer -------------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    char path[128];
    sim_record *s;
    res_meta    meta;
} fixture;

static double raw_value(int k, int v, int r, int y, int a)
{
    return 1000.0 * k + 100.0 * v + 10.0 * r + y + 0.1 * a;
}

/* 2 variants, 3 replicates, 2 years; national "cost", municipal "placed". */
static sim_record *writer_set(void)
{
    sim_record *s = new_record(2, 3, 2, 3, two_kpis, 2);
    for (int k = 0; k < 2; k++)
        for (int v = 0; v < 2; v++)
            for (int r = 0; r < 3; r++) {
                for (int y = 0; y < 2; y++)
                    for (int a = 0; a < sim_record_width(s, (size_t)k); a++)
                        assert_int_equal(sim_record_put(s, (size_t)k, v, r, y, a,
                                                        raw_value(k, v, r, y, a)), 0);
                sim_record_set_done(s, v, r, 1);
            }
    assert_int_equal(sim_record_label_variant(s, 0, "baseline"), 0);
    assert_int_equal(sim_record_label_variant(s, 1, "reform"), 0);
    const int years[2] = { 2025, 2026 };
    assert_int_equal(sim_record_set_years(s, years), 0);
    assert_int_equal(sim_record_label_item(s, 0, 0, "København"), 0);
    assert_int_equal(sim_record_label_item(s, 0, 1, "Aarhus"), 0);
    /* label 2 left NULL: written as "" */
    for (int i = 0; i < 3; i++) assert_int_equal(sim_record_code_item(s, 0, i, 101 + i), 0);
    return s;
}

/* What the writer says about the run, beside the record. */
static void writer_meta(res_meta *m)
{
    memset(m, 0, sizeof *m);
    m->program_version = xstrdup("0.1.0");
    m->created = xstrdup("2025-01-01T00:00:00Z");
    m->master_seed = 18446744073709551615ULL;
    m->threads = 4;
    m->scenario_source = xstrdup("name: test\n");
    m->seconds = 1.5;
    m->events = 1234;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    strcpy(f->dir, "/tmp/test_results-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/out.h5", f->dir);
    f->s = writer_set();
    writer_meta(&f->meta);
    *state = f;
    return 0;
}

/* Remove every file in the temp dir (only ever flat), then the dir. */
static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(f->dir);
    sim_record_free(f->s);
    res_meta_clear(&f->meta);
    free(f);
    return 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void assert_file_text(const char *path, const char *text)
{
    char buf[64] = { 0 };
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    assert_int_equal(n, strlen(text));
    assert_string_equal(buf, text);
}

/* Read a whole float64 dataset, checking its shape. */
static double *read_doubles(hid_t file, const char *name, int rank,
                            const hsize_t *want)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t sp = H5Dget_space(ds);
    hsize_t dims[8];
    assert_int_equal(H5Sget_simple_extent_ndims(sp), rank);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        assert_int_equal(dims[i], want[i]);
        n *= (size_t)dims[i];
    }
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0);
    H5Sclose(sp);
    H5Dclose(ds);
    return x;
}

static void assert_attr_string(hid_t loc, const char *obj, const char *name,
                               const char *want)
{
    hid_t at = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(at >= 0);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *v = NULL;
    assert_true(H5Aread(at, t, &v) >= 0);
    assert_string_equal(v, want);
    H5free_memory(v);
    H5Tclose(t);
    H5Aclose(at);
}

static void read_attr(hid_t loc, const char *obj, const char *name,
                      hid_t mtype, void *out)
{
    hid_t at = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(at >= 0);
    assert_true(H5Aread(at, mtype, out) >= 0);
    H5Aclose(at);
}

static void check_raw(hid_t file)
{
    hsize_t nd[3] = { 2, 3, 2 }, md[4] = { 2, 3, 2, 3 };
    double *x = read_doubles(file, "/kpi/national/cost", 3, nd);
    for (int v = 0; v < 2; v++)
        for (int r = 0; r < 3; r++)
            for (int y = 0; y < 2; y++)
                assert_near(x[(v * 3 + r) * 2 + y], raw_value(0, v, r, y, 0), 0);
    free(x);
    x = read_doubles(file, "/kpi/municipal/placed", 4, md);
    for (int v = 0; v < 2; v++)
        for (int r = 0; r < 3; r++)
            for (int y = 0; y < 2; y++)
                for (int a = 0; a < 3; a++)
                    assert_near(x[((v * 3 + r) * 2 + y) * 3 + a],
                                        raw_value(1, v, r, y, a), 0);
    free(x);
    assert_attr_string(file, "/kpi/municipal/placed", "unit", "count");
    assert_attr_string(file, "/kpi/municipal/placed", "axis", "municipality");
    assert_attr_string(file, "/kpi/national/cost", "axis", "national");
}

static void check_chunking(hid_t file)
{
    hid_t ds = H5Dopen2(file, "/kpi/municipal/placed", H5P_DEFAULT);
    hid_t p = H5Dget_create_plist(ds);
    hsize_t chunk[4];
    assert_int_equal(H5Pget_chunk(p, 4, chunk), 4);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(chunk[1], 1);
    assert_int_equal(chunk[2], 2);
    assert_int_equal(chunk[3], 3);
    assert_int_equal(H5Pget_nfilters(p), 2);   /* shuffle, deflate */
    H5Pclose(p);
    H5Dclose(ds);
}

static void check_summaries(hid_t file)
{
    hsize_t nd[2] = { 2, 2 }, md[3] = { 2, 2, 3 };
    /* replicates r = 0..2 add 0, 10, 20: mean +10, sd 10 */
    double *x = read_doubles(file, "/summary/national/cost/mean", 2, nd);
    assert_near(x[1 * 2 + 1], raw_value(0, 1, 1, 1, 0), 1e-9);
    free(x);
    x = read_doubles(file, "/summary/municipal/placed/sd", 3, md);
    assert_near(x[(1 * 2 + 0) * 3 + 2], 10.0, 1e-9);
    free(x);
    x = read_doubles(file, "/summary/municipal/placed/n", 3, md);
    assert_near(x[0], 3, 0);
    free(x);
    /* variant 1 minus variant 0 is 100 in every replicate; row 0 left empty */
    x = read_doubles(file, "/summary_diff/national/cost/mean", 2, nd);
    assert_near(x[0], 0, 0);
    assert_near(x[2], 100, 1e-9);
    assert_near(x[3], 100, 1e-9);
    free(x);
    x = read_doubles(file, "/summary_diff/national/cost/n", 2, nd);
    assert_near(x[0], 0, 0);
    assert_near(x[2], 3, 0);
    free(x);
}

static void check_axes_and_meta(hid_t file)
{
    hsize_t three[1] = { 3 }, two[1] = { 2 };
    double *x = read_doubles(file, "/axes/municipality_code", 1, three);
    assert_near(x[2], 103, 0);
    free(x);
    x = read_doubles(file, "/axes/year", 1, two);
    assert_near(x[1], 2026, 0);
    free(x);
    assert_true(H5Lexists(file, "/axes/municipality", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(file, "/axes/group", H5P_DEFAULT) == 0);
    assert_attr_string(file, "/", "program", "placesim");
    assert_attr_string(file, "/", "version", "0.1.0");
    assert_attr_string(file, "/", "git_commit", "");
    unsigned long long seed = 0;
    int i = 0;
    read_attr(file, "/", "master_seed", H5T_NATIVE_ULLONG, &seed);
    assert_true(seed == 18446744073709551615ULL);
    read_attr(file, "/", "schema_version", H5T_NATIVE_INT, &i);
    assert_int_equal(i, RES_SCHEMA_VERSION);
    read_attr(file, "/run", "jobs_done", H5T_NATIVE_INT, &i);
    assert_int_equal(i, 6);
}

static void test_write_and_read_back(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    assert_int_equal(res_write_h5(f->s, &f->meta, f->path, 0, err, sizeof err), 0);
    assert_int_equal(count_entries(f->dir), 1);   /* no temp file left */
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    check_raw(file);
    check_chunking(file);
    check_summaries(file);
    check_axes_and_meta(file);
    H5Fclose(file);
}

/* The reader gives back what the writer wrote: every raw value, the
 * labels, codes and columns of the axes, and the root attributes. */
static void test_file_read(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    const char *region[3] = { "Hovedstaden", "Midtjylland", "Øst" };
    const double pop[3] = { 600000, 350000, 1000 };
    f->meta.columns[0] = (res_column){ "municipality", "region", region, NULL };
    f->meta.columns[1] = (res_column){ "municipality", "population", NULL, pop };
    f->meta.n_columns = 2;
    assert_int_equal(res_write_h5(f->s, &f->meta, f->path, 0, err, sizeof err), 0);
    res_file rf;
    assert_int_equal(res_file_read(f->path, &rf, err, sizeof err), 0);
    const sim_record *s = rf.rec;
    assert_int_equal(s->n_variants, 2);
    assert_int_equal(s->n_replicates, 3);
    assert_int_equal(s->n_years, 2);
    assert_string_equal(s->variant_names[1], "reform");
    assert_int_equal(s->years[0], 2025);
    assert_true(rf.master_seed == 18446744073709551615ULL);
    assert_string_equal(rf.version, "0.1.0");
    assert_int_equal(rf.schema_version, RES_SCHEMA_VERSION);
    for (int k = 0; k < 2; k++) {
        int j = sim_record_series_index(s, two_kpis[k].name);
        assert_true(j >= 0);
        assert_string_equal(s->series[j].unit, two_kpis[k].unit);
        assert_string_equal(s->series[j].doc, two_kpis[k].doc);
        for (int v = 0; v < 2; v++)
            for (int r = 0; r < 3; r++)
                for (int y = 0; y < 2; y++)
                    for (int a = 0; a < sim_record_width(s, (size_t)j); a++)
                        assert_true(sim_record_get(s, (size_t)j, v, r, y, a) ==
                                    raw_value(k, v, r, y, a));
    }
    int ax = sim_record_axis_index(s, "municipality");
    assert_true(ax >= 0);
    assert_string_equal(s->axis[ax].labels[0], "København");
    assert_string_equal(s->axis[ax].labels[2], "");
    assert_int_equal(s->axis[ax].codes[2], 103);
    /* every dimension of a raw KPI has its scale and label */
    hid_t h = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(h, "/kpi/municipal/placed", H5P_DEFAULT);
    for (unsigned d = 0; d < 4; d++) assert_int_equal(H5DSget_num_scales(ds, d), 1);
    char label[32] = "";
    H5DSget_label(ds, 3, label, sizeof label);
    assert_string_equal(label, "municipality");
    H5Dclose(ds);
    H5Fclose(h);
    assert_non_null(rf.muni_region);
    assert_string_equal(rf.muni_region[2], "Øst");
    assert_true(rf.muni_population[0] == 600000);
    res_file_free(&rf);
}

/* A file of another schema, or not a result file, is refused in words. */
static void test_file_read_refuses(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    res_file rf;
    write_text(f->path, "not hdf5\n");
    assert_int_equal(res_file_read(f->path, &rf, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an HDF5 file"));
    unlink(f->path);
    assert_int_equal(res_write_h5(f->s, &f->meta, f->path, 0, err, sizeof err), 0);
    hid_t file = H5Fopen(f->path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(file, "schema_version", H5P_DEFAULT);
    int newer = RES_SCHEMA_VERSION + 1;
    H5Awrite(a, H5T_NATIVE_INT, &newer);
    H5Aclose(a);
    H5Fclose(file);
    assert_int_equal(res_file_read(f->path, &rf, err, sizeof err), -1);
    assert_non_null(strstr(err, "newer"));
    assert_null(rf.rec);
}

static void test_refuses_overwrite(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_not_equal(res_write_h5(f->s, &f->meta, f->path, 0, err, sizeof err), 0);
    assert_non_null(strstr(err, "exists; use --force to replace it"));
    assert_non_null(strstr(err, f->path));
    assert_file_text(f->path, "old");
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_force_replaces(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_equal(res_write_h5(f->s, &f->meta, f->path, 1, err, sizeof err), 0);
    assert_true(H5Fis_hdf5(f->path) > 0);
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_unwritable_dir(void **state)
{
    fixture *f = *state;
    char err[256] = "", path[256];
    snprintf(path, sizeof path, "%s/missing/out.h5", f->dir);
    assert_int_not_equal(res_write_h5(f->s, &f->meta, path, 0, err, sizeof err), 0);
    assert_true(err[0] != '\0');
    assert_int_equal(count_entries(f->dir), 0);
}

/* A failure after the file exists (a series name HDF5 reads as a path
 * through groups that do not exist) must remove the temporary file and
 * leave an older PATH untouched.  Without metadata (NULL) the root
 * attributes before it are written empty. */
static void test_failure_midway_cleans_up(void **state)
{
    fixture *f = *state;
    static const sim_series bad_name[] = {
        { "cost", "DKK", SIM_AXIS_NONE, 0, "a" },
        { "no/such/group", "DKK", SIM_AXIS_NONE, 0, "b" },
    };
    sim_record *s = new_record(1, 1, 1, 0, bad_name, 2);
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_not_equal(res_write_h5(s, NULL, f->path, 1, err, sizeof err), 0);
    assert_non_null(strstr(err, "/kpi/national/no/such/group"));
    assert_file_text(f->path, "old");
    assert_int_equal(count_entries(f->dir), 1);
    sim_record_free(s);
}

/* A record whose data was never allocated has nothing to write. */
static void test_refuses_record_without_data(void **state)
{
    fixture *f = *state;
    sim_record *s = sim_record_create(1, 1, 1);
    assert_non_null(s);
    char err[256] = "";
    assert_int_not_equal(res_write_h5(s, NULL, f->path, 0, err, sizeof err), 0);
    assert_true(err[0] != '\0');
    assert_int_equal(count_entries(f->dir), 0);
    sim_record_free(s);
}

/* Same record, two files: dataset bytes identical. */
static void test_deterministic(void **state)
{
    fixture *f = *state;
    char err[256] = "", p2[160];
    snprintf(p2, sizeof p2, "%s/again.h5", f->dir);
    assert_int_equal(res_write_h5(f->s, &f->meta, f->path, 0, err, sizeof err), 0);
    assert_int_equal(res_write_h5(f->s, &f->meta, p2, 0, err, sizeof err), 0);
    hid_t a = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t b = H5Fopen(p2, H5F_ACC_RDONLY, H5P_DEFAULT);
    hsize_t md[4] = { 2, 3, 2, 3 }, sd[3] = { 2, 2, 3 };
    const char *names[] = { "/kpi/municipal/placed", "/summary/municipal/placed/p975" };
    for (int i = 0; i < 2; i++) {
        double *x = read_doubles(a, names[i], i ? 3 : 4, i ? sd : md);
        double *y = read_doubles(b, names[i], i ? 3 : 4, i ? sd : md);
        assert_memory_equal(x, y, (i ? 12 : 36) * sizeof(double));
        free(x);
        free(y);
    }
    H5Fclose(a);
    H5Fclose(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_hand_computed),
        cmocka_unit_test_setup_teardown(test_file_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_read_refuses, setup, teardown),
        cmocka_unit_test(test_stat_skips_nan),
        cmocka_unit_test(test_stat_skips_jobs_not_done),
        cmocka_unit_test(test_stat_one_and_none),
        cmocka_unit_test(test_stat_axis_item),
        cmocka_unit_test(test_stat_paired_diff),
        cmocka_unit_test_setup_teardown(test_write_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_force_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_midway_cleans_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_record_without_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
