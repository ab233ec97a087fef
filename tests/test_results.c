/*
 * tests/test_results.c - result set allocation, statistics against
 * hand-computed values, and the HDF5 writer read back through the HDF5 API.
 */
#include "tests/testutil.h"
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
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

static const res_kpi national_only[] = {
    { "cost", "DKK", RES_AXIS_NONE, 1, "total cost" },
};

static const res_kpi two_kpis[] = {
    { "cost", "DKK", RES_AXIS_NONE, 1, "total cost" },
    { "placed", "count", RES_AXIS_MUNICIPALITY, 0, "children placed" },
};

static char *xstrdup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    return strcpy(p, s);
}

/* One national KPI, one year, VALS[i] as replicate i of variant 0, all done. */
static res_set *national_set(const double *vals, int n)
{
    int len[RES_AXIS_COUNT] = { 0 };
    res_set *s = res_create(1, n, 1, len, national_only, 1);
    assert_non_null(s);
    for (int r = 0; r < n; r++) {
        res_slot(s, 0, 0, r)[0] = vals[r];
        s->job_done[r] = 1;
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

/* ---- allocation ---------------------------------------------------------- */

static void test_create_and_free(void **state)
{
    (void)state;
    int len[RES_AXIS_COUNT] = { 7, 3, 0, 0 };
    res_set *s = res_create(2, 4, 5, len, two_kpis, 2);
    assert_non_null(s);
    assert_int_equal(s->axis_len[RES_AXIS_NONE], 1);
    assert_int_equal(s->axis_len[RES_AXIS_MUNICIPALITY], 3);
    for (size_t i = 0; i < 2 * 4 * 5 * 3; i++) assert_true(s->data[1][i] == 0.0);
    for (int j = 0; j < 8; j++) assert_int_equal(s->job_done[j], 0);
    assert_null(s->variant_names);
    assert_null(s->axis_labels[RES_AXIS_MUNICIPALITY]);
    /* slot of (v=1, r=2) starts after 6 jobs of 5 years x 3 items */
    assert_ptr_equal(res_slot(s, 1, 1, 2), s->data[1] + 6 * 15);
    /* everything the caller fills is freed by res_free (ASan checks) */
    s->variant_names = calloc(2, sizeof *s->variant_names);
    s->variant_names[0] = xstrdup("a");
    s->axis_labels[RES_AXIS_MUNICIPALITY] = calloc(3, sizeof(char *));
    s->axis_labels[RES_AXIS_MUNICIPALITY][2] = xstrdup("x");
    s->years = calloc(5, sizeof *s->years);
    s->created = xstrdup("now");
    s->scenario_source = xstrdup("src");
    res_free(s);
    res_free(NULL);
}

static void test_create_rejects_bad_plan(void **state)
{
    (void)state;
    int len[RES_AXIS_COUNT] = { 1, 0, 0, 0 };
    assert_null(res_create(0, 1, 1, len, national_only, 1));
    /* a municipal KPI needs at least one municipality */
    assert_null(res_create(1, 1, 1, len, two_kpis, 2));
}

/* ---- statistics ---------------------------------------------------------- */

static void test_stat_hand_computed(void **state)
{
    (void)state;
    const double v[] = { 4, 2, 5, 1, 3 };
    res_set *s = national_set(v, 5);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    assert_near(res_slot(s, 0, 0, 0)[0], 4.0, 0);  /* data not sorted */
    res_free(s);
}

static void test_stat_skips_nan(void **state)
{
    (void)state;
    const double v[] = { 1, NAN, 2, 3, INFINITY, 4, 5 };
    res_set *s = national_set(v, 7);
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    res_free(s);
}

static void test_stat_skips_jobs_not_done(void **state)
{
    (void)state;
    const double v[] = { 1, 2, 100, 3, 4, 5 };
    res_set *s = national_set(v, 6);
    s->job_done[2] = 0;
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_stat_1_to_5(&st);
    res_free(s);
}

static void test_stat_one_and_none(void **state)
{
    (void)state;
    const double v[] = { 7, 8 };
    res_set *s = national_set(v, 2);
    s->job_done[1] = 0;
    res_stat st;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_int_equal(st.n, 1);
    assert_near(st.mean, 7, 0);
    assert_near(st.sd, 0, 0);
    assert_near(st.ci_lo, 7, 0);
    assert_near(st.ci_hi, 7, 0);
    assert_near(st.p025, 7, 0);
    assert_near(st.p975, 7, 0);
    s->job_done[0] = 0;
    res_stat_of(s, 0, 0, 0, 0, &st);
    assert_int_equal(st.n, 0);
    assert_true(isnan(st.mean) && isnan(st.ci_lo) && isnan(st.p975));
    res_free(s);
}

static void test_stat_axis_item(void **state)
{
    (void)state;
    int len[RES_AXIS_COUNT] = { 1, 3, 0, 0 };
    res_set *s = res_create(1, 2, 2, len, two_kpis, 2);
    assert_non_null(s);
    for (int r = 0; r < 2; r++) {
        double *b = res_slot(s, 1, 0, r);
        b[1 * 3 + 2] = 10.0 * (r + 1);   /* year 1, municipality 2 */
        s->job_done[r] = 1;
    }
    res_stat st;
    res_stat_of(s, 1, 0, 1, 2, &st);
    assert_int_equal(st.n, 2);
    assert_near(st.mean, 15, 1e-12);
    res_stat_of(s, 1, 0, 0, 2, &st);
    assert_near(st.mean, 0, 0);
    res_free(s);
}

static void test_stat_paired_diff(void **state)
{
    (void)state;
    int len[RES_AXIS_COUNT] = { 0 };
    res_set *s = res_create(2, 4, 1, len, national_only, 1);
    assert_non_null(s);
    const double ref[] = { 10, 20, 30, 40 }, alt[] = { 11, 22, 33, 44 };
    for (int r = 0; r < 4; r++) {
        res_slot(s, 0, 0, r)[0] = ref[r];
        res_slot(s, 0, 1, r)[0] = alt[r];
        s->job_done[r] = 1;
        s->job_done[4 + r] = r != 3;   /* variant 1, replicate 3 not done */
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
    res_free(s);
}

/* ---- writer -------------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    char path[128];
    res_set *s;
} fixture;

static double raw_value(int k, int v, int r, int y, int a)
{
    return 1000.0 * k + 100.0 * v + 10.0 * r + y + 0.1 * a;
}

/* 2 variants, 3 replicates, 2 years; national "cost", municipal "placed". */
static res_set *writer_set(void)
{
    int len[RES_AXIS_COUNT] = { 1, 3, 0, 0 };
    res_set *s = res_create(2, 3, 2, len, two_kpis, 2);
    assert_non_null(s);
    for (int k = 0; k < 2; k++)
        for (int v = 0; v < 2; v++)
            for (int r = 0; r < 3; r++)
                for (int y = 0; y < 2; y++)
                    for (int a = 0; a < s->axis_len[two_kpis[k].axis]; a++)
                        res_slot(s, (size_t)k, v, r)[y * s->axis_len[two_kpis[k].axis] + a] =
                            raw_value(k, v, r, y, a);
    memset(s->job_done, 1, 6);
    s->variant_names = calloc(2, sizeof(char *));
    s->variant_names[0] = xstrdup("baseline");
    s->variant_names[1] = xstrdup("reform");
    s->years = malloc(2 * sizeof(int));
    s->years[0] = 2025;
    s->years[1] = 2026;
    s->axis_labels[RES_AXIS_MUNICIPALITY] = calloc(3, sizeof(char *));
    s->axis_labels[RES_AXIS_MUNICIPALITY][0] = xstrdup("København");
    s->axis_labels[RES_AXIS_MUNICIPALITY][1] = xstrdup("Aarhus");
    /* label 2 left NULL: written as "" */
    s->municipality_codes = malloc(3 * sizeof(int));
    for (int i = 0; i < 3; i++) s->municipality_codes[i] = 101 + i;
    s->program_version = xstrdup("0.1.0");
    s->created = xstrdup("2025-01-01T00:00:00Z");
    s->master_seed = 18446744073709551615ULL;
    s->threads = 4;
    s->scenario_source = xstrdup("name: test\n");
    s->seconds = 1.5;
    s->events = 1234;
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    strcpy(f->dir, "/tmp/test_results-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/out.h5", f->dir);
    f->s = writer_set();
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
    res_free(f->s);
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
    assert_int_equal(i, 1);
    read_attr(file, "/run", "jobs_done", H5T_NATIVE_INT, &i);
    assert_int_equal(i, 6);
}

static void test_write_and_read_back(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    assert_int_equal(res_write_h5(f->s, f->path, 0, err, sizeof err), 0);
    assert_int_equal(count_entries(f->dir), 1);   /* no temp file left */
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    check_raw(file);
    check_chunking(file);
    check_summaries(file);
    check_axes_and_meta(file);
    H5Fclose(file);
}

static void test_refuses_overwrite(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_not_equal(res_write_h5(f->s, f->path, 0, err, sizeof err), 0);
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
    assert_int_equal(res_write_h5(f->s, f->path, 1, err, sizeof err), 0);
    assert_true(H5Fis_hdf5(f->path) > 0);
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_unwritable_dir(void **state)
{
    fixture *f = *state;
    char err[256] = "", path[256];
    snprintf(path, sizeof path, "%s/missing/out.h5", f->dir);
    assert_int_not_equal(res_write_h5(f->s, path, 0, err, sizeof err), 0);
    assert_true(err[0] != '\0');
    assert_int_equal(count_entries(f->dir), 0);
}

/* A failure after the file exists (duplicate dataset name) must remove the
 * temporary file and leave an older PATH untouched. */
static void test_failure_midway_cleans_up(void **state)
{
    fixture *f = *state;
    static const res_kpi dup_kpis[] = {
        { "cost", "DKK", RES_AXIS_NONE, 1, "a" },
        { "cost", "DKK", RES_AXIS_NONE, 1, "b" },
    };
    int len[RES_AXIS_COUNT] = { 0 };
    res_set *s = res_create(1, 1, 1, len, dup_kpis, 2);
    assert_non_null(s);
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_not_equal(res_write_h5(s, f->path, 1, err, sizeof err), 0);
    assert_non_null(strstr(err, "cost"));
    assert_file_text(f->path, "old");
    assert_int_equal(count_entries(f->dir), 1);
    res_free(s);
}

/* Same set, two files: dataset bytes identical. */
static void test_deterministic(void **state)
{
    fixture *f = *state;
    char err[256] = "", p2[160];
    snprintf(p2, sizeof p2, "%s/again.h5", f->dir);
    assert_int_equal(res_write_h5(f->s, f->path, 0, err, sizeof err), 0);
    assert_int_equal(res_write_h5(f->s, p2, 0, err, sizeof err), 0);
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
        cmocka_unit_test(test_create_and_free),
        cmocka_unit_test(test_create_rejects_bad_plan),
        cmocka_unit_test(test_stat_hand_computed),
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
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
