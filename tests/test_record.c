/*
 * tests/test_record.c - sim/record on its own: declaring axes and series,
 * what the data costs, slot arithmetic, bounds, labels, job flags,
 * truncation, jobs of a plan filling their slots on several threads, a pool
 * of slots for the jobs running now, and a lazy record that loads series
 * when read and drops the least recently read.
 * No model: the axes and series here are made up.
 */
#include "tests/testutil.h"
#include <limits.h>
#include <math.h>
#include "sim/plan.h"
#include "sim/record.h"

/* Axes 0 and 1 are declared by declared() as "place" (3) and "kind" (2). */
static const sim_series three[] = {
    { "total", "count", SIM_AXIS_NONE, SIM_SERIES_HEADLINE, "one a year" },
    { "by_place", "count", 0, 0, "one per place" },
    { "by_kind", "share", 1, 0, "one per kind" },
};

/* 2 variants x 4 replicates x 5 years, the two axes and THREE; no data. */
static sim_record *declared(void)
{
    sim_record *rec = sim_record_create(2, 4, 5);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_axis(rec, "place", 3), 0);
    assert_int_equal(sim_record_add_axis(rec, "kind", 2), 1);
    assert_int_equal(sim_record_set_series(rec, three, 3), 0);
    return rec;
}

static sim_record *allocated(void)
{
    sim_record *rec = declared();
    assert_int_equal(sim_record_alloc(rec), 0);
    return rec;
}

/* ---- declaring ------------------------------------------------------------ */

static void test_declare(void **state)
{
    (void)state;
    sim_record *rec = declared();
    assert_int_equal(rec->n_axes, 2);
    assert_string_equal(rec->axis[1].name, "kind");
    assert_int_equal(rec->axis[0].len, 3);
    assert_null(rec->axis[0].labels);
    assert_null(rec->axis[0].codes);
    assert_int_equal(sim_record_axis_index(rec, "kind"), 1);
    assert_int_equal(sim_record_axis_index(rec, "nothing"), -1);
    assert_int_equal(sim_record_series_index(rec, "by_kind"), 2);
    assert_int_equal(sim_record_series_index(rec, "by"), -1);
    assert_int_equal(sim_record_width(rec, 0), 1);
    assert_int_equal(sim_record_width(rec, 1), 3);
    assert_int_equal(sim_record_width(rec, 2), 2);
    /* 8 jobs x 5 years x (1 + 3 + 2) items */
    assert_int_equal(sim_record_bytes(rec), 8 * 5 * 6 * sizeof(double));
    assert_null(rec->data);
    assert_null(sim_record_slot(rec, 0, 0, 0));          /* no data yet */
    assert_true(isnan(sim_record_get(rec, 0, 0, 0, 0, 0)));
    assert_int_equal(sim_record_put(rec, 0, 0, 0, 0, 0, 1.0), -1);
    sim_record_free(rec);
    sim_record_free(NULL);
}

static void test_create_refuses_bad_plan(void **state)
{
    (void)state;
    assert_null(sim_record_create(0, 1, 1));
    assert_null(sim_record_create(1, 0, 1));
    assert_null(sim_record_create(1, 1, 0));
    assert_null(sim_record_create(-1, 1, 1));
    /* more jobs than sim/plan can number */
    assert_null(sim_record_create(INT_MAX, 2, 1));
    assert_null(sim_record_create(65536, 65536, 1));
}

static void test_axis_refusals(void **state)
{
    (void)state;
    sim_record *rec = sim_record_create(1, 1, 1);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_axis(rec, NULL, 3), -1);
    assert_int_equal(sim_record_add_axis(rec, "", 3), -1);
    assert_int_equal(sim_record_add_axis(rec, "neg", -1), -1);
    assert_int_equal(sim_record_add_axis(rec, "a", 2), 0);
    assert_int_equal(sim_record_add_axis(rec, "a", 5), -1);   /* name taken */
    assert_int_equal(rec->n_axes, 1);
    char name[16];   /* room for any int: -O1 checks */
    for (int a = 1; a < SIM_RECORD_MAX_AXES; a++) {
        snprintf(name, sizeof name, "x%d", a);
        assert_int_equal(sim_record_add_axis(rec, name, 1), a);
    }
    assert_int_equal(sim_record_add_axis(rec, "full", 1), -1);
    assert_int_equal(rec->n_axes, SIM_RECORD_MAX_AXES);
    sim_record_free(rec);
}

/* An axis of no items is refused when declared, so no series can point at
 * it and no slot is ever zero bytes wide; the record stays usable. */
static void test_zero_length_axis(void **state)
{
    (void)state;
    static const sim_series on_axis0[] = { { "per", "count", 0, 0, "" } };
    static const sim_series national[] = { { "all", "count", SIM_AXIS_NONE, 0, "" } };
    sim_record *rec = sim_record_create(1, 2, 3);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_axis(rec, "empty", 0), -1);
    assert_int_equal(rec->n_axes, 0);
    assert_int_equal(sim_record_set_series(rec, on_axis0, 1), -1);
    assert_int_equal(rec->n_series, 0);
    assert_int_equal(sim_record_set_series(rec, national, 1), 0);
    assert_int_equal(sim_record_alloc(rec), 0);
    assert_int_equal(sim_record_put(rec, 0, 0, 1, 2, 0, 7.0), 0);
    assert_true(sim_record_get(rec, 0, 0, 1, 2, 0) == 7.0);
    sim_record_free(rec);
}

static void test_series_refusals(void **state)
{
    (void)state;
    static const sim_series undeclared[] = { { "a", "", 1, 0, "" } };
    static const sim_series negative[] = { { "a", "", -2, 0, "" } };
    static const sim_series unnamed[] = { { "", "", SIM_AXIS_NONE, 0, "" } };
    static const sim_series null_name[] = { { NULL, "", SIM_AXIS_NONE, 0, "" } };
    static const sim_series twice[] = {
        { "a", "", SIM_AXIS_NONE, 0, "" }, { "b", "", 0, 0, "" },
        { "a", "", 0, 0, "" },
    };
    sim_record *rec = sim_record_create(1, 1, 1);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_axis(rec, "only", 2), 0);
    assert_int_equal(sim_record_set_series(rec, undeclared, 1), -1);
    assert_int_equal(sim_record_set_series(rec, negative, 1), -1);
    assert_int_equal(sim_record_set_series(rec, unnamed, 1), -1);
    assert_int_equal(sim_record_set_series(rec, null_name, 1), -1);
    assert_int_equal(sim_record_set_series(rec, twice, 3), -1);
    assert_int_equal(sim_record_set_series(rec, NULL, 1), -1);
    assert_int_equal(rec->n_series, 0);
    assert_int_equal(sim_record_set_series(rec, twice, 2), 0);
    sim_record_free(rec);
}

/* Once the data exists its shape is fixed. */
static void test_shape_fixed_after_alloc(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    assert_int_equal(sim_record_add_axis(rec, "late", 2), -1);
    assert_int_equal(sim_record_set_series(rec, three, 1), -1);
    assert_int_equal(sim_record_alloc(rec), -1);
    assert_int_equal(rec->n_axes, 2);
    assert_int_equal(rec->n_series, 3);
    sim_record_free(rec);
}

/* A record without series still allocates (the job flags are its data). */
static void test_no_series(void **state)
{
    (void)state;
    sim_record *rec = sim_record_create(2, 2, 1);
    assert_non_null(rec);
    assert_int_equal(sim_record_bytes(rec), 0);
    assert_int_equal(sim_record_alloc(rec), 0);
    assert_non_null(rec->data);
    assert_null(sim_record_slot(rec, 0, 0, 0));
    sim_record_set_done(rec, 1, 1, 1);
    assert_int_equal(sim_record_jobs_done(rec), 1);
    sim_record_free(rec);
}

/* Sizes that do not fit a size_t are SIZE_MAX, and nothing is allocated. */
static void test_bytes_overflow(void **state)
{
    (void)state;
    static const sim_series wide[] = { { "w", "", 0, 0, "" } };
    sim_record *rec = sim_record_create(1, 1, INT_MAX);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_axis(rec, "huge", INT_MAX), 0);
    assert_int_equal(sim_record_set_series(rec, wide, 1), 0);
    assert_true(sim_record_bytes(rec) == SIZE_MAX);   /* 2^62 doubles */
    assert_int_equal(sim_record_alloc(rec), -1);
    assert_null(rec->data);
    sim_record_free(rec);
}

/* ---- slots and values ---------------------------------------------------- */

static void test_slot_arithmetic(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    for (size_t k = 0; k < 3; k++) {
        size_t n = 8 * 5 * (size_t)sim_record_width(rec, k);
        for (size_t i = 0; i < n; i++) assert_true(rec->data[k][i] == 0.0);
    }
    for (int j = 0; j < 8; j++) assert_int_equal(rec->job_done[j], 0);
    /* job (1, 2) is job 6: after 6 slots of 5 years x width items */
    assert_int_equal(sim_record_job(rec, 1, 2), 6);
    assert_ptr_equal(sim_record_slot(rec, 0, 1, 2), rec->data[0] + 6 * 5);
    assert_ptr_equal(sim_record_slot(rec, 1, 1, 2), rec->data[1] + 6 * 15);
    assert_ptr_equal(sim_record_slot(rec, 2, 0, 0), rec->data[2]);
    assert_ptr_equal(sim_record_slot(rec, 2, 1, 3), rec->data[2] + 7 * 10);
    /* put and get address [year][item] inside the slot */
    assert_int_equal(sim_record_put(rec, 1, 1, 2, 4, 2, 42.5), 0);
    assert_true(sim_record_slot(rec, 1, 1, 2)[4 * 3 + 2] == 42.5);
    assert_true(sim_record_get(rec, 1, 1, 2, 4, 2) == 42.5);
    sim_record_slot(rec, 2, 0, 3)[1 * 2 + 1] = -1.0;
    assert_true(sim_record_get(rec, 2, 0, 3, 1, 1) == -1.0);
    /* the last value of the last slot is the last of the array */
    assert_int_equal(sim_record_put(rec, 2, 1, 3, 4, 1, 9.0), 0);
    assert_true(rec->data[2][8 * 5 * 2 - 1] == 9.0);
    sim_record_free(rec);
}

/* Out of range reads are NaN, writes are refused and write nothing. */
static void test_bounds(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    assert_null(sim_record_slot(rec, 3, 0, 0));
    assert_null(sim_record_slot(rec, 0, -1, 0));
    assert_null(sim_record_slot(rec, 0, 2, 0));
    assert_null(sim_record_slot(rec, 0, 0, -1));
    assert_null(sim_record_slot(rec, 0, 0, 4));
    const int bad[][5] = {   /* k, v, r, y, item */
        { 3, 0, 0, 0, 0 }, { 0, 2, 0, 0, 0 }, { 0, 0, 4, 0, 0 },
        { 0, 0, 0, 5, 0 }, { 0, 0, 0, -1, 0 }, { 0, 0, 0, 0, 1 },
        { 1, 0, 0, 0, 3 }, { 2, 0, 0, 0, 2 }, { 1, 0, 0, 0, -1 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const int *b = bad[i];
        assert_int_equal(sim_record_put(rec, (size_t)b[0], b[1], b[2], b[3], b[4], 1.0), -1);
        assert_true(isnan(sim_record_get(rec, (size_t)b[0], b[1], b[2], b[3], b[4])));
    }
    for (size_t k = 0; k < 3; k++) {
        size_t n = 8 * 5 * (size_t)sim_record_width(rec, k);
        for (size_t i = 0; i < n; i++) assert_true(rec->data[k][i] == 0.0);
    }
    /* job flags out of range: never done, never set */
    sim_record_set_done(rec, 2, 0, 1);
    sim_record_set_done(rec, 0, 4, 1);
    assert_int_equal(sim_record_jobs_done(rec), 0);
    assert_int_equal(sim_record_done(rec, -1, 0), 0);
    sim_record_free(rec);
}

/* ---- labels and flags ----------------------------------------------------- */

static void test_labels(void **state)
{
    (void)state;
    sim_record *rec = declared();   /* labels need no data */
    assert_null(rec->variant_names);
    assert_null(rec->years);
    assert_int_equal(sim_record_label_variant(rec, 1, "reform"), 0);
    assert_null(rec->variant_names[0]);
    assert_string_equal(rec->variant_names[1], "reform");
    assert_int_equal(sim_record_label_variant(rec, 1, "again"), 0);  /* replaced */
    assert_string_equal(rec->variant_names[1], "again");
    assert_int_equal(sim_record_label_variant(rec, 2, "x"), -1);
    assert_int_equal(sim_record_label_variant(rec, 0, NULL), -1);
    const int years[5] = { 2025, 2026, 2027, 2028, 2029 };
    assert_int_equal(sim_record_set_years(rec, years), 0);
    assert_int_equal(rec->years[4], 2029);
    assert_int_equal(sim_record_set_years(rec, NULL), -1);
    assert_int_equal(sim_record_label_item(rec, 0, 2, "third"), 0);
    assert_string_equal(rec->axis[0].labels[2], "third");
    assert_null(rec->axis[0].labels[0]);
    assert_null(rec->axis[1].labels);
    assert_int_equal(sim_record_label_item(rec, 0, 3, "x"), -1);
    assert_int_equal(sim_record_label_item(rec, 2, 0, "x"), -1);
    assert_int_equal(sim_record_label_item(rec, SIM_AXIS_NONE, 0, "x"), -1);
    assert_int_equal(sim_record_code_item(rec, 1, 1, 707), 0);
    assert_int_equal(rec->axis[1].codes[1], 707);
    assert_int_equal(rec->axis[1].codes[0], 0);
    assert_int_equal(sim_record_code_item(rec, 1, 2, 1), -1);
    assert_int_equal(sim_record_code_item(rec, -1, 0, 1), -1);
    assert_int_equal(sim_record_alloc(rec), 0);   /* labels survive */
    assert_string_equal(rec->axis[0].labels[2], "third");
    sim_record_free(rec);                          /* ASan: all freed */
}

static void test_job_flags(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    sim_record_set_done(rec, 1, 3, 1);
    sim_record_set_done(rec, 0, 0, 7);   /* any non-zero is done */
    assert_int_equal(rec->job_done[7], 1);
    assert_int_equal(rec->job_done[0], 1);
    assert_true(sim_record_done(rec, 1, 3));
    assert_false(sim_record_done(rec, 1, 2));
    assert_int_equal(sim_record_jobs_done(rec), 2);
    sim_record_set_done(rec, 0, 0, 0);
    assert_int_equal(sim_record_jobs_done(rec), 1);
    sim_record_free(rec);
}

/* ---- truncation ------------------------------------------------------------ */

static double code(int k, int v, int r, int y, int a)
{
    return 1000.0 * k + 100.0 * v + 10.0 * r + y + 0.1 * a;
}

/* A job of a plan: fill slot (V, R) of every series with code(), and say
 * it is done. */
static int fill_job(void *ctx, int v, int r)
{
    sim_record *rec = ctx;
    for (size_t k = 0; k < rec->n_series; k++) {
        double *slot = sim_record_slot(rec, k, v, r);
        int w = sim_record_width(rec, k);
        for (int y = 0; y < rec->n_years; y++)
            for (int a = 0; a < w; a++) slot[y * w + a] = code((int)k, v, r, y, a);
    }
    sim_record_set_done(rec, v, r, 1);
    return 0;
}

/* Every value of every job in REC is the code() of its place. */
static void assert_filled(const sim_record *rec)
{
    for (size_t k = 0; k < rec->n_series; k++)
        for (int v = 0; v < rec->n_variants; v++)
            for (int r = 0; r < rec->n_replicates; r++)
                for (int y = 0; y < rec->n_years; y++)
                    for (int a = 0; a < sim_record_width(rec, k); a++)
                        assert_true(sim_record_get(rec, k, v, r, y, a) ==
                                    code((int)k, v, r, y, a));
}

static void test_truncate(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    for (int v = 0; v < 2; v++)
        for (int r = 0; r < 4; r++) {
            fill_job(rec, v, r);
            sim_record_set_done(rec, v, r, r != 1);
        }
    sim_record_truncate(rec, 0);    /* out of range: nothing changes */
    sim_record_truncate(rec, 4);
    sim_record_truncate(rec, 9);
    assert_int_equal(rec->n_replicates, 4);
    sim_record_truncate(rec, 2);
    assert_int_equal(rec->n_replicates, 2);
    assert_filled(rec);   /* the first two replicates, moved together */
    assert_true(sim_record_done(rec, 1, 0));
    assert_false(sim_record_done(rec, 1, 1));
    assert_int_equal(sim_record_jobs_done(rec), 2);
    assert_null(sim_record_slot(rec, 0, 0, 2));
    sim_record_free(rec);
}

/* ---- jobs of a plan on threads ------------------------------------------- */

/* Every job of the plan writes its own slot, on two threads: each value is
 * where the job that wrote it says, and sim/plan's job numbering is the
 * record's. */
/* Job tables: refusals, rows per job, replacement, and truncation keeping
 * each kept job's own rows. */
static void test_tables(void **state)
{
    (void)state;
    static const char *const cols[] = { "a", "b" };
    sim_record *rec = sim_record_create(2, 3, 1);
    assert_non_null(rec);
    assert_int_equal(sim_record_add_table(rec, "", 2, cols), -1);
    assert_int_equal(sim_record_add_table(rec, "t", 0, cols), -1);
    assert_int_equal(sim_record_add_table(rec, "t", 2, cols), 0);
    assert_int_equal(sim_record_add_table(rec, "t", 2, cols), -1);   /* repeated */
    assert_null(sim_record_table_rows(rec, 1, 0, 0, 1));              /* no table 1 */
    assert_null(sim_record_table_rows(rec, 0, 2, 0, 1));              /* no variant 2 */
    assert_null(sim_record_table_rows(rec, 0, 0, 0, 0));              /* no rows */
    for (int v = 0; v < 2; v++)
        for (int r = 0; r < 3; r++) {
            double *x = sim_record_table_rows(rec, 0, v, r, r + 1);
            assert_non_null(x);
            for (int i = 0; i < 2 * (r + 1); i++) x[i] = 100 * v + 10 * r + i;
        }
    double *again = sim_record_table_rows(rec, 0, 1, 2, 1);   /* replaces */
    assert_non_null(again);
    again[0] = -1;
    sim_record_truncate(rec, 2);
    const sim_table *tb = &rec->table[0];
    assert_int_equal(tb->n_rows[sim_record_job(rec, 1, 1)], 2);
    assert_true(tb->rows[sim_record_job(rec, 1, 1)][3] == 113);
    assert_true(tb->rows[sim_record_job(rec, 1, 0)][1] == 101);
    sim_record_free(rec);
}

static void test_plan_fills_slots(void **state)
{
    (void)state;
    sim_record *rec = allocated();
    sim_plan plan = { rec->n_variants, rec->n_replicates, 0, 8 };
    assert_int_equal(sim_plan_run(&plan, fill_job, rec, 2, NULL, NULL), 0);
    assert_int_equal(sim_record_jobs_done(rec), 8);
    assert_filled(rec);
    sim_record_free(rec);
}

/* ---- a pool of slots ----------------------------------------------------- */

static void test_pool(void **state)
{
    (void)state;
    static const char *const cols[] = { "a" };
    sim_record *rec = declared();
    assert_int_equal(sim_record_add_table(rec, "t", 1, cols), 0);
    assert_int_equal(sim_record_pool(rec, 0), -1);
    assert_int_equal(sim_record_pool(rec, 2), 0);
    assert_int_equal(sim_record_pool(rec, 2), -1);            /* once */
    /* two jobs' values whatever the plan's size */
    assert_int_equal(sim_record_bytes(rec), 2 * 5 * 6 * sizeof(double));
    assert_int_equal(sim_record_alloc(rec), 0);
    assert_null(sim_record_slot(rec, 0, 1, 3));               /* not bound */
    assert_int_equal(sim_record_put(rec, 1, 1, 3, 0, 0, 1.0), -1);
    assert_int_equal(sim_record_bind(rec, 1, 3), 0);
    assert_int_equal(sim_record_bind(rec, 1, 3), -1);         /* bound already */
    assert_int_equal(sim_record_bind(rec, 0, 0), 0);
    assert_int_equal(sim_record_bind(rec, 0, 1), -1);         /* no slot free */
    assert_int_equal(sim_record_put(rec, 1, 1, 3, 4, 2, 7.5), 0);
    assert_true(sim_record_get(rec, 1, 1, 3, 4, 2) == 7.5);
    assert_true(sim_record_get(rec, 1, 0, 0, 4, 2) == 0);
    assert_non_null(sim_record_table_rows(rec, 0, 1, 3, 4));
    /* its block goes elsewhere (a journal) and comes back into another slot */
    size_t len = sim_record_job_bytes(rec, 1, 3);
    assert_int_equal(len, 5 * 6 * sizeof(double) + sizeof(int32_t) + 4 * sizeof(double));
    void *b = malloc(len);
    assert_int_equal(sim_record_pack_job(rec, 1, 3, b, len), 0);
    sim_record_set_done(rec, 1, 3, 1);
    sim_record_release(rec, 1, 3);
    assert_int_equal(sim_record_done(rec, 1, 3), 1);         /* the flag stays */
    assert_int_equal(rec->table[0].n_rows[sim_record_job(rec, 1, 3)], 0);
    assert_int_equal(sim_record_job_bytes(rec, 1, 3), 0);
    assert_int_equal(sim_record_bind(rec, 0, 2), 0);          /* the freed slot */
    assert_true(sim_record_get(rec, 1, 0, 2, 4, 2) == 0);     /* zeroed for it */
    sim_record_release(rec, 0, 2);
    sim_record_truncate(rec, 2);                              /* a job is bound: no */
    assert_int_equal(rec->n_replicates, 4);
    assert_int_equal(sim_record_bind(rec, 1, 3), 0);
    assert_int_equal(sim_record_unpack_job(rec, 1, 3, b, len), 0);
    assert_true(sim_record_get(rec, 1, 1, 3, 4, 2) == 7.5);
    assert_int_equal(rec->table[0].n_rows[sim_record_job(rec, 1, 3)], 4);
    sim_record_release(rec, 1, 3);
    sim_record_release(rec, 0, 0);
    sim_record_release(rec, 0, 0);                            /* twice: nothing */
    sim_record_set_done(rec, 0, 1, 1);
    sim_record_truncate(rec, 2);                              /* flags only */
    assert_int_equal(rec->n_replicates, 2);
    assert_int_equal(sim_record_done(rec, 0, 1), 1);
    assert_int_equal(sim_record_done(rec, 1, 1), 0);
    free(b);
    sim_record_free(rec);
}

/* ---- a lazy record ---------------------------------------------------------- */

/* Value of series K at element I: what the "file" holds. */
static double stored(size_t k, size_t i) { return 1000.0 * (double)k + (double)i; }

typedef struct loads { int count[3], fail_k; } loads;

static int load_three(void *ctx, const sim_record *rec, size_t k, double *dst)
{
    loads *l = ctx;
    if ((int)k == l->fail_k) return -1;
    l->count[k]++;
    size_t n = (size_t)rec->n_variants * (size_t)rec->n_replicates * (size_t)rec->n_years *
               (size_t)sim_record_width(rec, k);
    for (size_t i = 0; i < n; i++) dst[i] = stored(k, i);
    return 0;
}

static void test_lazy(void **state)
{
    (void)state;
    loads l = { { 0, 0, 0 }, -1 };
    sim_record *rec = declared();
    /* room for "by_place" (8 x 5 x 3 doubles) and "by_kind" (8 x 5 x 2), not
     * with "total" (8 x 5) too */
    size_t budget = (8 * 5 * 3 + 8 * 5 * 2) * sizeof(double);
    assert_int_equal(sim_record_lazy(rec, NULL, &l, budget), -1);
    assert_int_equal(sim_record_lazy(rec, load_three, &l, budget), 0);
    assert_int_equal(sim_record_alloc(rec), -1);
    assert_int_equal(sim_record_jobs_done(rec), 8);           /* its values exist */
    assert_int_equal(l.count[0] + l.count[1] + l.count[2], 0); /* none loaded yet */
    /* job (1, 2), year 3, place 2 of by_place: element ((6 * 5) + 3) * 3 + 2 */
    assert_true(sim_record_get(rec, 1, 1, 2, 3, 2) == stored(1, 101));
    assert_true(sim_record_get(rec, 0, 0, 1, 4, 0) == stored(0, 9));
    assert_true(sim_record_get(rec, 1, 0, 0, 0, 0) == stored(1, 0));
    assert_int_equal(l.count[1], 1);                          /* loaded once */
    /* by_kind needs room: total was read longest ago and goes */
    assert_true(sim_record_get(rec, 2, 0, 0, 0, 1) == stored(2, 1));
    assert_null(rec->data[0]);
    assert_non_null(rec->data[1]);
    assert_true(sim_record_get(rec, 0, 0, 0, 0, 0) == stored(0, 0));
    assert_int_equal(l.count[0], 2);                          /* loaded again */
    assert_null(rec->data[1]);                                /* by_place went */
    const double *slot = sim_record_slot(rec, 2, 1, 3);
    assert_non_null(slot);
    assert_true(slot[0] == stored(2, 7 * 5 * 2));
    assert_int_equal(sim_record_load_failed(rec), 0);
    sim_record_truncate(rec, 2);                              /* never */
    assert_int_equal(rec->n_replicates, 4);
    l.fail_k = 1;
    assert_true(isnan(sim_record_get(rec, 1, 0, 0, 0, 0)));
    assert_int_equal(sim_record_load_failed(rec), 1);
    sim_record_free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declare),
        cmocka_unit_test(test_create_refuses_bad_plan),
        cmocka_unit_test(test_axis_refusals),
        cmocka_unit_test(test_zero_length_axis),
        cmocka_unit_test(test_series_refusals),
        cmocka_unit_test(test_shape_fixed_after_alloc),
        cmocka_unit_test(test_no_series),
        cmocka_unit_test(test_bytes_overflow),
        cmocka_unit_test(test_slot_arithmetic),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_job_flags),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_plan_fills_slots),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_lazy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
