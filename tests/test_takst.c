/*
 * tests/test_takst.c - the takst rules as pure functions, against numbers
 * computed by hand, and loading the Danish scenario into params.
 * Run from the repository root: scenario paths are relative to it.
 */
#include "tests/testutil.h"
#include <math.h>
#include "models/params.h"
#include "models/regime.h"

/* Equal to within rounding, relative to the expected value. */
static void near(double a, double b, const char *file, int line)
{
    if (!(fabs(a - b) < 1e-9 * (fabs(b) + 1))) {
        print_error("%.17g is not %.17g\n", a, b);
        _fail(file, line);
    }
}
#define NEAR(a, b) near((a), (b), __FILE__, __LINE__)

/* ---- basic tariff -------------------------------------------------------- */

/* 3,000,000 DKK / (20 places * 365 days * 0.95) = 3e6 / 6935
 * = 432.58832... DKK/day */
static void test_basic_day_hand_computed(void **state)
{
    (void)state;
    double t = tariff_basic_day(3e6, 20, 0.95);
    NEAR(t, 3e6 / (20 * 365.0 * 0.95));
    assert_true(fabs(t - 432.58832) < 1e-5);
    /* full occupancy: 3e6 / 7300 = 410.958904... */
    assert_true(fabs(tariff_basic_day(3e6, 20, 1.0) - 410.958904) < 1e-6);
}

/* Budgeting with fewer occupied days spreads the same cost over fewer
 * days: the tariff must rise. */
static void test_basic_day_lower_occupancy_higher_tariff(void **state)
{
    (void)state;
    double hi = tariff_basic_day(3e6, 20, 0.98);
    double mid = tariff_basic_day(3e6, 20, 0.95);
    double lo = tariff_basic_day(3e6, 20, 0.80);
    assert_true(lo > mid && mid > hi);
    NEAR(lo / hi, 0.98 / 0.80);   /* inversely proportional */
}

/* An offer without places has no tariff rather than a division by zero. */
static void test_basic_day_no_places(void **state)
{
    (void)state;
    assert_true(tariff_basic_day(3e6, 0, 0.95) == 0);
}

/* ---- carry-over ---------------------------------------------------------- */

/* Cost 1000, band 5 %: results within +-50 stay with the offer. */
static void test_carry_deficit(void **state)
{
    (void)state;
    NEAR(tariff_carry_amount(-60, 1000, 0.05, CARRY_WHOLE), -60);
    NEAR(tariff_carry_amount(-60, 1000, 0.05, CARRY_EXCESS), -10);
}

static void test_carry_surplus(void **state)
{
    (void)state;
    NEAR(tariff_carry_amount(80, 1000, 0.05, CARRY_WHOLE), 80);
    NEAR(tariff_carry_amount(80, 1000, 0.05, CARRY_EXCESS), 30);
}

static void test_carry_within_band(void **state)
{
    (void)state;
    assert_true(tariff_carry_amount(40, 1000, 0.05, CARRY_WHOLE) == 0);
    assert_true(tariff_carry_amount(40, 1000, 0.05, CARRY_EXCESS) == 0);
    assert_true(tariff_carry_amount(-40, 1000, 0.05, CARRY_WHOLE) == 0);
}

/* "Beyond +-5 %" means strictly beyond: exactly 50 is not carried. */
static void test_carry_boundary(void **state)
{
    (void)state;
    assert_true(tariff_carry_amount(50, 1000, 0.05, CARRY_WHOLE) == 0);
    assert_true(tariff_carry_amount(-50, 1000, 0.05, CARRY_WHOLE) == 0);
    assert_true(tariff_carry_amount(50, 1000, 0.05, CARRY_EXCESS) == 0);
}

/* ---- rammeaftale cap ----------------------------------------------------- */

/* limit = 100 * (1 + 0.02 - 0.01) = 101 */
static void test_capped_binds(void **state)
{
    (void)state;
    NEAR(tariff_capped(110, 100, 0.02, -0.01), 101);
}

static void test_capped_below_limit(void **state)
{
    (void)state;
    NEAR(tariff_capped(100.5, 100, 0.02, -0.01), 100.5);
    /* a falling cost-based tariff is never raised to the limit */
    NEAR(tariff_capped(90, 100, 0.02, -0.01), 90);
}

/* Without a last tariff (new offer) there is nothing to cap against. */
static void test_capped_no_last(void **state)
{
    (void)state;
    NEAR(tariff_capped(110, 0, 0.02, -0.01), 110);
}

/* ---- the Danish scenario into params ------------------------------------- */

static void test_params_denmark(void **state)
{
    (void)state;
    cfg_error err = { 0 };
    cfg *c = cfg_load("scenarios/denmark.yaml", params_keys(), params_keys_len(), &err);
    if (!c) fail_msg("cfg_load: %s", err.message);
    params p;
    if (params_load(c, &p, &err)) fail_msg("params_load: %s", err.message);
    assert_int_equal(p.n_groups, 7);
    assert_int_equal(p.levels, 5);
    NEAR(p.type[OT_TEMPORARY].places, 7600);
    NEAR(p.type[OT_LONGTERM].places, 5300);
    NEAR(p.type[OT_HOUSING].full_cost, 600000);
    assert_string_equal(p.regime, "takst");
    assert_int_equal(p.tariff, TARIFF_DIFFERENTIATED);
    NEAR(p.budgeted_occupancy, 0.95);
    assert_true(p.seed == 20211);
    /* groups keep file order; the narrow flag and need_dist come through */
    assert_string_equal(p.group[0].name, "developmental");
    assert_string_equal(p.group[6].name, "secure");
    assert_int_equal(p.group[0].narrow, 0);
    assert_int_equal(p.group[4].narrow, 1);
    NEAR(p.group[6].need_dist[3], 0.40);
    /* the municipalities file is resolved against the scenario's folder */
    assert_non_null(strstr(p.municipalities_file, "scenarios/data/municipalities.csv"));
    /* every key the model reads is in the table: a getter on an unknown
     * key would silently return 0 */
    assert_int_equal(cfg_get_unknown_count(c), 0);
    cfg_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_day_hand_computed),
        cmocka_unit_test(test_basic_day_lower_occupancy_higher_tariff),
        cmocka_unit_test(test_basic_day_no_places),
        cmocka_unit_test(test_carry_deficit),
        cmocka_unit_test(test_carry_surplus),
        cmocka_unit_test(test_carry_within_band),
        cmocka_unit_test(test_carry_boundary),
        cmocka_unit_test(test_capped_binds),
        cmocka_unit_test(test_capped_below_limit),
        cmocka_unit_test(test_capped_no_last),
        cmocka_unit_test(test_params_denmark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
