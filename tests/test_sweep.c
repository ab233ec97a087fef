/*
 * tests/test_sweep.c - analysis/sweep without the market: the designs'
 * shapes and ranges, Saltelli's two matrices as two halves of one
 * 2k-dimensional Sobol point, Sobol indices of the Ishigami function
 * against its analytic values (within the bootstrap interval), Morris
 * screening of a function with known effects, and a job's block of a
 * record packed and read back (sim/record's part of the journals).
 */
#include "tests/testutil.h"
#include <math.h>
#include <gsl/gsl_math.h>   /* M_PI */
#include <string.h>
#include <gsl/gsl_qrng.h>
#include "analysis/sweep.h"
#include "sim/record.h"

static void factors(sweep_design *d, int k, double low, double high)
{
    d->k = k;
    for (int j = 0; j < k; j++) {
        d->f[j].name = "x";
        d->f[j].key = "x";
        d->f[j].low = low;
        d->f[j].high = high;
    }
}

/* Ishigami: a = 7, b = 0.1 on [-pi, pi]^3. */
static double ishigami(const double *x)
{
    return sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0]);
}

static void test_ishigami_sobol(void **state)
{
    (void)state;
    sweep_design d = { .kind = SWEEP_SOBOL, .base = 4096, .seed = 3, .bootstrap = 500 };
    factors(&d, 3, -M_PI, M_PI);
    assert_int_equal(sweep_make(&d), 0);
    assert_int_equal(d.n_points, 4096 * 5);
    double *y = malloc((size_t)d.n_points * sizeof *y);
    for (int i = 0; i < d.n_points; i++) y[i] = ishigami(d.x + (size_t)i * 3);
    double s[3], slo[3], shi[3], t[3], tlo[3], thi[3];
    assert_int_equal(sweep_sobol(&d, y, s, slo, shi, t, tlo, thi), 0);
    /* analytic indices (Ishigami and Homma 1990; Saltelli et al. 2008) */
    const double S[3] = { 0.3139, 0.4424, 0.0 }, ST[3] = { 0.5576, 0.4424, 0.2437 };
    for (int j = 0; j < 3; j++) {
        printf("# x%d: first %.3f [%.3f, %.3f] (%.3f), total %.3f [%.3f, %.3f] (%.3f)\n",
               j + 1, s[j], slo[j], shi[j], S[j], t[j], tlo[j], thi[j], ST[j]);
        assert_true(slo[j] <= S[j] && S[j] <= shi[j]);
        assert_true(tlo[j] <= ST[j] && ST[j] <= thi[j]);
        assert_true(shi[j] - slo[j] < 0.15);    /* the intervals say something */
    }
    /* a constant output has no indices */
    for (int i = 0; i < d.n_points; i++) y[i] = 1;
    assert_int_equal(sweep_sobol(&d, y, s, slo, shi, t, tlo, thi), -1);
    assert_true(isnan(s[0]) && isnan(thi[2]));
    free(y);
    sweep_free(&d);
}

/* A and B are the two halves of one 2k-dimensional point of the sequence
 * (not consecutive blocks of a k-dimensional one), shifted, and AB_j is A
 * with column j from B; A and B differ in every row, the first included. */
static void test_sobol_matrices(void **state)
{
    (void)state;
    sweep_design d = { .kind = SWEEP_SOBOL, .base = 8, .seed = 1, .bootstrap = 10 };
    factors(&d, 3, 0, 1);
    assert_int_equal(sweep_make(&d), 0);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 6);
    double pt[6];
    for (int i = 0; i < 8; i++) {
        if (i == 0) memset(pt, 0, sizeof pt);     /* the origin, which GSL skips */
        else gsl_qrng_get(q, pt);
        for (int j = 0; j < 6; j++)               /* the design's digital shift */
            pt[j] = (((uint32_t)(pt[j] * 1073741824.0) ^ d.shift[j]) + 0.5) / 1073741824.0;
        for (int j = 0; j < 3; j++) {
            assert_true(d.u[i * 3 + j] == pt[j]);               /* A */
            assert_true(d.u[(8 + i) * 3 + j] == pt[3 + j]);     /* B */
            for (int c = 0; c < 3; c++)                         /* AB_j */
                assert_true(d.u[((2 + j) * 8 + i) * 3 + c] == (c == j ? pt[3 + c] : pt[c]));
        }
    }
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 3; j++) assert_true(d.u[i * 3 + j] != d.u[(8 + i) * 3 + j]);
    gsl_qrng_free(q);
    sweep_free(&d);
}

static void test_grid_lhs_shapes(void **state)
{
    (void)state;
    sweep_design g = { .kind = SWEEP_GRID, .levels = 3 };
    factors(&g, 2, 10, 20);
    g.f[1].n_values = 2;
    g.f[1].values[0] = 5;
    g.f[1].values[1] = 7;
    assert_int_equal(sweep_make(&g), 0);
    assert_int_equal(g.n_points, 6);
    const double want[6][2] = { {10, 5}, {10, 7}, {15, 5}, {15, 7}, {20, 5}, {20, 7} };
    for (int i = 0; i < 6; i++) {
        assert_true(fabs(g.x[i * 2] - want[i][0]) < 1e-12);
        assert_true(g.x[i * 2 + 1] == want[i][1]);
    }
    sweep_free(&g);

    sweep_design l = { .kind = SWEEP_LHS, .base = 50, .seed = 9 };
    factors(&l, 3, 1, 100);
    l.f[2].log = 1;
    assert_int_equal(sweep_make(&l), 0);
    for (int j = 0; j < 3; j++) {
        int hit[50] = { 0 };
        for (int i = 0; i < 50; i++) hit[(int)(l.u[i * 3 + j] * 50)]++;
        for (int s = 0; s < 50; s++) assert_int_equal(hit[s], 1);   /* one per stratum */
    }
    for (int i = 0; i < 50; i++) {
        double x = l.x[i * 3 + 2];
        assert_true(x >= 1 && x < 100);
        assert_true(fabs(log(x) / log(100) - l.u[i * 3 + 2]) < 1e-12);   /* log spacing */
    }
    /* the same seed, the same points */
    sweep_design l2 = l;
    l2.u = l2.x = NULL;
    assert_int_equal(sweep_make(&l2), 0);
    assert_memory_equal(l.u, l2.u, 150 * sizeof(double));
    sweep_free(&l);
    sweep_free(&l2);
}

/* y = 10 x1 + x2^2 * 4 + 0 x3: Morris ranks x1 first, x3 at zero, and x2's
 * effect varies (sigma > 0) where x1's does not. */
static void test_morris(void **state)
{
    (void)state;
    sweep_design d = { .kind = SWEEP_MORRIS, .base = 40, .levels = 4, .seed = 5 };
    factors(&d, 3, 0, 1);
    assert_int_equal(sweep_make(&d), 0);
    assert_int_equal(d.n_points, 40 * 4);
    double *y = malloc((size_t)d.n_points * sizeof *y);
    for (int i = 0; i < d.n_points; i++) {
        const double *x = d.x + (size_t)i * 3;
        assert_true(x[0] >= 0 && x[0] <= 1 + 1e-12);
        y[i] = 10 * x[0] + 4 * x[1] * x[1];
    }
    double mu[3], ms[3], sd[3];
    sweep_morris(&d, y, mu, ms, sd);
    printf("# morris mu* %.3f %.3f %.3f, sigma %.3f %.3f %.3f\n", ms[0], ms[1], ms[2],
           sd[0], sd[1], sd[2]);
    assert_true(fabs(ms[0] - 10) < 1e-9 && sd[0] < 1e-9);
    assert_true(ms[1] > 0 && ms[1] < ms[0] && sd[1] > 0.1);
    assert_true(ms[2] == 0);
    free(y);
    sweep_free(&d);
}

/* A job packed and read into another record of the same shape is the
 * same, bit for bit; a block of another shape is refused. */
static void test_job_block(void **state)
{
    (void)state;
    static const sim_series ser[] = {
        { "a", "x", SIM_AXIS_NONE, 0, "a" }, { "b", "x", 0, 0, "b" },
    };
    static const char *const cols[] = { "c1", "c2" };
    sim_record *r[2];
    for (int i = 0; i < 2; i++) {
        r[i] = sim_record_create(2, 3, 4);
        assert_int_equal(sim_record_add_axis(r[i], "item", 5), 0);
        assert_int_equal(sim_record_set_series(r[i], ser, 2), 0);
        assert_int_equal(sim_record_add_table(r[i], "t", 2, cols), 0);
        assert_int_equal(sim_record_alloc(r[i]), 0);
    }
    for (int y = 0; y < 4; y++) {
        sim_record_put(r[0], 0, 1, 2, y, 0, y * 0.1);
        for (int it = 0; it < 5; it++) sim_record_put(r[0], 1, 1, 2, y, it, -y / 3.0 + it);
    }
    double *rows = sim_record_table_rows(r[0], 0, 1, 2, 3);
    for (int i = 0; i < 6; i++) rows[i] = i * 1.5;
    size_t n = sim_record_job_bytes(r[0], 1, 2);
    assert_true(n > 0);
    unsigned char *b = malloc(n);
    assert_int_equal(sim_record_pack_job(r[0], 1, 2, b, n), 0);
    assert_int_equal(sim_record_unpack_job(r[1], 1, 2, b, n - 8), -1);
    assert_false(sim_record_done(r[1], 1, 2));
    assert_int_equal(sim_record_unpack_job(r[1], 1, 2, b, n), 0);
    assert_true(sim_record_done(r[1], 1, 2));
    for (int y = 0; y < 4; y++)
        for (int it = 0; it < 5; it++)
            assert_true(sim_record_get(r[1], 1, 1, 2, y, it) == sim_record_get(r[0], 1, 1, 2, y, it));
    assert_int_equal(r[1]->table[0].n_rows[sim_record_job(r[1], 1, 2)], 3);
    assert_memory_equal(r[1]->table[0].rows[sim_record_job(r[1], 1, 2)], rows, 6 * sizeof(double));
    /* a record holding a pool of slots (the jobs running now): a bound job
     * reads back the same, one not bound has no slot */
    sim_record *w = sim_record_create(2, 3, 4);
    assert_int_equal(sim_record_add_axis(w, "item", 5), 0);
    assert_int_equal(sim_record_set_series(w, ser, 2), 0);
    assert_int_equal(sim_record_add_table(w, "t", 2, cols), 0);
    assert_int_equal(sim_record_pool(w, 2), 0);
    size_t whole = sim_record_bytes(r[0]);
    assert_true(sim_record_bytes(w) * 3 == whole);           /* 2 of 6 jobs */
    assert_int_equal(sim_record_alloc(w), 0);
    assert_int_equal(sim_record_pool(w, 1), -1);             /* not after the values exist */
    assert_int_equal(sim_record_unpack_job(w, 1, 2, b, n), -1);   /* not bound */
    assert_int_equal(sim_record_bind(w, 1, 2), 0);
    assert_int_equal(sim_record_unpack_job(w, 1, 2, b, n), 0);
    for (int y = 0; y < 4; y++)
        assert_true(sim_record_get(w, 1, 1, 2, y, 3) == sim_record_get(r[0], 1, 1, 2, y, 3));
    assert_null(sim_record_slot(w, 0, 0, 0));
    assert_true(isnan(sim_record_get(w, 0, 0, 1, 0, 0)));
    assert_int_equal(sim_record_put(w, 0, 0, 1, 0, 0, 1.0), -1);
    assert_int_equal(sim_record_unpack_job(w, 0, 0, b, n), -1);
    unsigned char *b2 = malloc(n);
    assert_int_equal(sim_record_pack_job(w, 1, 2, b2, n), 0);
    assert_memory_equal(b, b2, n);
    free(b2);
    sim_record_free(w);
    free(b);
    sim_record_free(r[0]);
    sim_record_free(r[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami_sobol),
        cmocka_unit_test(test_sobol_matrices),
        cmocka_unit_test(test_grid_lhs_shapes),
        cmocka_unit_test(test_morris),
        cmocka_unit_test(test_job_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
