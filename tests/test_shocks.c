/*
 * tests/test_shocks.c - shocks to the market and the decomposition of price
 * drift: an incidence shock acts when and where it is configured and
 * nowhere else; stochastic shocks are the same in every regime (common
 * random numbers); closures, wage jumps and expensive cases show in the
 * KPIs they should; and the twelve drift_* parts add up to price_drift
 * under every regime, with the regime-specific parts zero where the regime
 * is absent.  Runs tests/data/small.yaml (16 municipalities in two regions,
 * 4 replicates, 4 years from 2021) through the library; shocks are set
 * directly in a copy of the loaded params.  Run from the repository root.
 */
#include "tests/testutil.h"
#include "tests/scenario.h"
#include <math.h>
#include "models/kpi.h"
#include "models/market.h"
#include "models/params.h"

#define SCENARIO "tests/data/small.yaml"
#define MAX_REP  16
#define REGION   "Hovedstaden"

/* ==== fixture ============================================================= */

enum { RG_TAKST, RG_DRG, RG_TENDER, RG_OBJECTIVE, RG_DRG_OBJECTIVE, N_RG };
static const char *const rg_name[N_RG] = { "takst", "drg", "tender", "objective",
                                           "drg+objective" };

typedef struct fixture {
    params     p;                 /* as loaded: takst, no shocks */
    muni_table mt;
    int        region;            /* index of REGION */
    sim_record   *base;              /* no shocks, takst */
    sim_record   *stoch[N_RG];       /* the stochastic shocks of (b), each regime */
} fixture;

static sim_record *new_res(const fixture *f)
{
    return kpi_new_record(&f->p, &f->mt, 1, f->p.replicates, f->p.years);
}

/* Every replicate of P into a new record; every run must return 0. */
static sim_record *run(const fixture *f, const params *p, const char *what)
{
    sim_record *res = new_res(f);
    if (!res) return NULL;
    for (int r = 0; r < res->n_replicates; r++) {
        int rc = market_run(p, &f->mt, p->seed, 0, r, res, NULL);
        if (rc) {
            fprintf(stderr, "%s: replicate %d: market_run returned %d\n", what, r, rc);
            sim_record_free(res);
            return NULL;
        }
    }
    return res;
}

/* Run P in a test: fail the test if any replicate fails. */
static sim_record *run_checked(const fixture *f, const params *p, const char *what)
{
    sim_record *res = run(f, p, what);
    if (!res) fail_msg("%s: a replicate failed (invariants or memory)", what);
    return res;
}

static double kpi(const sim_record *res, size_t k, int r, int y, int a)
{
    return sim_record_get(res, k, 0, r, y, a);
}

static double sum_reps(const sim_record *res, size_t k, int y)
{
    double s = 0;
    for (int r = 0; r < res->n_replicates; r++) s += kpi(res, k, r, y, 0);
    return s;
}

static shock_params make_shock(const char *name, shock_kind kind, int start_year,
                               double duration, int group, int region, int type,
                               double size, double size_sd, double rate)
{
    shock_params s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "%s", name);
    snprintf(s.region_name, sizeof s.region_name, "%s", "all");
    s.kind = kind;
    s.start_year = start_year;
    s.duration_years = duration;
    s.group = group;
    s.region = region;
    s.type = type;
    s.size = size;
    s.size_sd = size_sd;
    s.rate = rate;
    return s;
}

static void add_shock(params *p, shock_params s)
{
    assert_true(p->n_shocks < MAX_SHOCKS);
    p->shock[p->n_shocks++] = s;
}

/* The stochastic shocks of (b): incidence occurrences at rate 1 a year,
 * +50 % (log sd 0.5) for a year, and five expensive cases a year. */
static void add_stochastic(params *p)
{
    add_shock(p, make_shock("incidence_random", SHOCK_INCIDENCE, 0, 1, -1, -1, -1,
                            0.5, 0.5, 1));
    add_shock(p, make_shock("expensive_random", SHOCK_EXPENSIVE_CASE, 0, 100, -1, -1,
                            -1, 3, 0, 5));
}

static params with_regime(const params *base, const char *regime)
{
    params p = *base;
    snprintf(p.regime, sizeof p.regime, "%s", regime);
    return p;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    *state = f;
    if (test_load_scenario(SCENARIO, &f->p, &f->mt)) return -1;
    if (f->p.replicates < 2 || f->p.replicates > MAX_REP || f->p.years != 4 ||
        f->p.start_year != 2021 || strcmp(f->p.regime, "takst") || f->p.n_shocks) {
        fprintf(stderr, "unexpected scenario: %d replicates, %d years from %d, "
                "regime %s, %d shocks\n", f->p.replicates, f->p.years,
                f->p.start_year, f->p.regime, f->p.n_shocks);
        return -1;
    }
    /* offers leave only by the shocks and by low occupancy: supervision's
     * closures and insolvencies would swamp one closure in the counts */
    f->p.quality_closure[0] = f->p.quality_closure[1] = 0;
    f->p.private_initial_equity = 5;
    f->region = -1;
    for (int i = 0; i < f->mt.n_regions; i++)
        if (!strcmp(f->mt.region_name[i], REGION)) f->region = i;
    if (f->region < 0 || f->mt.n_regions < 2) {
        fprintf(stderr, "region %s not in the municipality table\n", REGION);
        return -1;
    }
    if (!(f->base = run(f, &f->p, "no shocks"))) return -1;
    for (int g = 0; g < N_RG; g++) {
        params p = with_regime(&f->p, rg_name[g]);
        add_stochastic(&p);
        if (!(f->stoch[g] = run(f, &p, rg_name[g]))) return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f) return 0;
    sim_record_free(f->base);
    for (int g = 0; g < N_RG; g++) sim_record_free(f->stoch[g]);
    free(f);
    return 0;
}

/* ==== (a) an incidence shock acts when and where configured ============== */

static void test_incidence_when_and_where(void **state)
{
    fixture *f = *state;
    const int R = f->region, n = f->mt.n, y0 = 2023 - f->p.start_year;
    params pa = f->p, pb = f->p;
    add_shock(&pa, make_shock("rise", SHOCK_INCIDENCE, 2023, 100, -1, R, -1, 0, 0, 0));
    add_shock(&pb, make_shock("rise", SHOCK_INCIDENCE, 2023, 100, -1, R, -1, 1.0, 0, 0));
    sim_record *a = run_checked(f, &pa, "incidence size 0");
    sim_record *b = run_checked(f, &pb, "incidence size 1");
    int inside = 0;
    for (int i = 0; i < n; i++) inside += f->mt.m[i].region == R;
    assert_true(inside > 0 && inside < n);

    double sum_a[8] = { 0 }, sum_b[8] = { 0 };
    for (int r = 0; r < f->p.replicates; r++) {
        const double *va = sim_record_slot(a, K_muni_needs_arising, 0, r);
        const double *vb = sim_record_slot(b, K_muni_needs_arising, 0, r);
        const double *v0 = sim_record_slot(f->base, K_muni_needs_arising, 0, r);
        for (int y = 0; y < f->p.years; y++)
            for (int i = 0; i < n; i++) {
                int in = f->mt.m[i].region == R;
                size_t at = (size_t)y * (size_t)n + (size_t)i;
                if ((!in || y < y0) && memcmp(&va[at], &vb[at], sizeof *va))
                    fail_msg("r%d %d %s (%s): needs arising %.0f with size 0, %.0f "
                             "with size 1", r, f->p.start_year + y, f->mt.m[i].name,
                             in ? "shocked region, before the shock" : "other region",
                             va[at], vb[at]);
                /* a shock of size 0 spends the same draws as no shock */
                if (va[at] != v0[at])
                    fail_msg("r%d %d %s: needs arising %.0f with a size-0 shock, "
                             "%.0f without", r, f->p.start_year + y, f->mt.m[i].name,
                             va[at], v0[at]);
                if (in) { sum_a[y] += va[at]; sum_b[y] += vb[at]; }
            }
    }
    for (int y = y0; y < f->p.years; y++) {
        print_message("%s %d: needs arising %.0f (size 0), %.0f (size 1)\n", REGION,
                      f->p.start_year + y, sum_a[y], sum_b[y]);
        assert_true(sum_a[y] > 0);
        if (!(sum_b[y] > 1.5 * sum_a[y]))
            fail_msg("%d: doubling incidence gives %.0f needs, %.0f without",
                     f->p.start_year + y, sum_b[y], sum_a[y]);
    }
    sim_record_free(a);
    sim_record_free(b);
}

/* ==== (b) stochastic shocks are the same in every variant ================= */

static void test_stochastic_common_random_numbers(void **state)
{
    fixture *f = *state;
    const int cmp[] = { RG_TAKST, RG_DRG, RG_OBJECTIVE };
    size_t n = (size_t)f->p.years * (size_t)f->mt.n * sizeof(double);
    int shocked = 0;
    for (int r = 0; r < f->p.replicates; r++) {
        const double *ref = sim_record_slot(f->stoch[RG_TAKST], K_muni_needs_arising, 0, r);
        for (size_t j = 1; j < sizeof cmp / sizeof cmp[0]; j++)
            if (memcmp(ref, sim_record_slot(f->stoch[cmp[j]], K_muni_needs_arising, 0, r), n))
                fail_msg("replicate %d: needs arising under %s differ from takst "
                         "with stochastic shocks", r, rg_name[cmp[j]]);
        /* the stochastic incidence shock really changed the needs somewhere */
        shocked |= memcmp(ref, sim_record_slot(f->base, K_muni_needs_arising, 0, r), n) != 0;
    }
    assert_true(shocked);
    for (size_t j = 0; j < sizeof cmp / sizeof cmp[0]; j++)
        assert_memory_not_equal(sim_record_slot(f->stoch[cmp[j]], K_muni_needs_arising, 0, 0),
                                sim_record_slot(f->stoch[cmp[j]], K_muni_needs_arising, 0, 1),
                                n);
}

/* ==== (c) closure ========================================================= */

/* A closure of the largest longterm offer on 1 January 2023. */
static sim_record *run_closure(const fixture *f)
{
    params p = f->p;
    add_shock(&p, make_shock("closure", SHOCK_CLOSURE, 2023, 100, -1, -1, OT_LONGTERM,
                             0.2, 0, 0));
    return run_checked(f, &p, "closure");
}

/* The closure happens: one more exit around its date (in 2022 or 2023), and
 * nothing changes in 2021. */
static void test_closure_adds_an_exit(void **state)
{
    fixture *f = *state;
    const int y = 2023 - f->p.start_year;
    sim_record *res = run_closure(f);
    double with = sum_reps(res, K_offer_exits, y - 1) + sum_reps(res, K_offer_exits, y);
    double without = sum_reps(f->base, K_offer_exits, y - 1) +
                     sum_reps(f->base, K_offer_exits, y);
    print_message("offer exits 2022-2023 over %d replicates: %.0f without, %.0f with "
                  "a closure\n", f->p.replicates, without, with);
    assert_true(with >= without + 1);
    for (int r = 0; r < f->p.replicates; r++)
        for (int yy = 0; yy < y - 1; yy++)
            assert_true(kpi(res, K_offer_exits, r, yy, 0) ==
                        kpi(f->base, K_offer_exits, r, yy, 0));
    sim_record_free(res);
}

/* A shock on 1 January 2023 belongs to 2023: the exit is counted in 2023,
 * and the years before are those of the run without the shock. */
static void test_closure_booked_in_its_year(void **state)
{
    fixture *f = *state;
    const int y = 2023 - f->p.start_year;
    sim_record *res = run_closure(f);
    double with = sum_reps(res, K_offer_exits, y), without = sum_reps(f->base, K_offer_exits, y);
    print_message("offer exits in 2023 over %d replicates: %.0f without, %.0f with "
                  "a closure\n", f->p.replicates, without, with);
    for (int r = 0; r < f->p.replicates; r++)
        for (int yy = 0; yy < y; yy++)
            if (kpi(res, K_offer_exits, r, yy, 0) != kpi(f->base, K_offer_exits, r, yy, 0))
                fail_msg("r%d: %.0f offer exits in %d with a closure on 1 January 2023, "
                         "%.0f without", r, kpi(res, K_offer_exits, r, yy, 0),
                         f->p.start_year + yy, kpi(f->base, K_offer_exits, r, yy, 0));
    assert_true(with >= without + 1);
    sim_record_free(res);
}

/* ==== (d) wage shock ====================================================== */

/* The cost index weights the wage index by 1 - costs.fixed_share; a 10 %
 * wage jump moves its wage component by 10 % and the index by the weighted
 * amount (about 7 % with a fixed share of 0.30). */
/* A wage settlement on 1 January 2023 comes after that year's tariffs and
 * cost index are set: the index (and so tariffs) take it up from 2024; in
 * 2023 the offers bear it. */
static void test_wage_shock_moves_cost_index(void **state)
{
    fixture *f = *state;
    const int y0 = 2023 - f->p.start_year + 1;   /* the index's first year with it */
    params p = f->p;
    add_shock(&p, make_shock("wage", SHOCK_WAGE, 2023, 100, -1, -1, -1, 0.10, 0, 0));
    sim_record *res = run_checked(f, &p, "wage");
    const double fs = f->p.fixed_share;
    for (int r = 0; r < f->p.replicates; r++) {
        for (int y = 0; y < y0; y++)
            if (kpi(res, K_cost_index, r, y, 0) != kpi(f->base, K_cost_index, r, y, 0))
                fail_msg("r%d %d: cost index %.17g with a later wage shock, %.17g "
                         "without", r, f->p.start_year + y, kpi(res, K_cost_index, r, y, 0),
                         kpi(f->base, K_cost_index, r, y, 0));
        double with = kpi(res, K_cost_index, r, y0, 0);
        double without = kpi(f->base, K_cost_index, r, y0, 0);
        double fixed = fs * pow(1 + f->p.price_growth, y0);
        if (r == 0) assert_true(y0 < f->p.years);
        double wage_rise = (with - fixed) / (without - fixed) - 1;
        double index_rise = with / without - 1;
        double expect = 0.10 * (without - fixed) / without;  /* the wage part x 10 % */
        if (r == 0)
            print_message("2024 cost index %.6f -> %.6f (%+.2f %%; wage component "
                          "%+.2f %%)\n", without, with, 100 * index_rise, 100 * wage_rise);
        if (!(fabs(wage_rise - 0.10) < 0.005))
            fail_msg("r%d: wage component of the cost index rises %.4f, not 0.10", r,
                     wage_rise);
        if (!(fabs(index_rise - expect) < 1e-9))
            fail_msg("r%d: cost index rises %.6f, the wage weight says %.6f", r,
                     index_rise, expect);
        assert_true(index_rise > 0.05);
    }
    sim_record_free(res);
}

/* ==== (e) expensive case ================================================== */

static void test_expensive_case(void **state)
{
    fixture *f = *state;
    const int y = 2022 - f->p.start_year;
    params p = f->p;
    /* a broad group's case: a narrow one may wait past the year end for a
     * place (the narrow shortage), and then costs nothing in 2022 */
    add_shock(&p, make_shock("expensive", SHOCK_EXPENSIVE_CASE, 2022, 100, 0, -1, -1,
                             5, 0, 0));
    sim_record *res = run_checked(f, &p, "expensive case");   /* every run returns 0 */
    double with = sum_reps(res, K_expenditure, y), without = sum_reps(f->base, K_expenditure, y);
    print_message("expenditure 2022 over %d replicates: %.0f without, %.0f with an "
                  "expensive case (%+.0f)\n", f->p.replicates, without, with,
                  with - without);
    assert_true(with > without);
    for (int r = 0; r < f->p.replicates; r++) {
        if (!(kpi(res, K_expenditure, r, y, 0) > kpi(f->base, K_expenditure, r, y, 0)))
            fail_msg("r%d: expenditure 2022 %.0f with an expensive case, %.0f without",
                     r, kpi(res, K_expenditure, r, y, 0),
                     kpi(f->base, K_expenditure, r, y, 0));
        /* the year before is untouched */
        assert_true(kpi(res, K_expenditure, r, 0, 0) == kpi(f->base, K_expenditure, r, 0, 0));
    }
    sim_record_free(res);
}

/* ==== (f) the drift decomposition adds up ================================= */

static const size_t parts[] = {
    K_drift_cost, K_drift_occupancy, K_drift_regrading, K_drift_upcoding,
    K_drift_addons, K_drift_carry_over, K_drift_markup, K_drift_cap,
    K_drift_tender_risk, K_drift_standard_price, K_drift_mismatch, K_drift_pooled,
    K_drift_recalibration,
};
#define N_PARTS_TESTED (sizeof parts / sizeof parts[0])

static void assert_parts_add_up(const sim_record *res, const char *what)
{
    /* after a warm-up (every scenario here has one) the base year's drift
     * is against the last warm-up year, and its parts add up too */
    for (int r = 0; r < res->n_replicates; r++) {
        for (int y = 0; y < res->n_years; y++) {
            double d = kpi(res, K_price_drift, r, y, 0), s = 0;
            if (!isfinite(d)) fail_msg("%s r%d y%d: price drift %g", what, r, y, d);
            for (size_t j = 0; j < N_PARTS_TESTED; j++) {
                double x = kpi(res, parts[j], r, y, 0);
                if (!isfinite(x))
                    fail_msg("%s r%d y%d: %s is %g", what, r, y, res->series[parts[j]].name, x);
                s += x;
            }
            if (!(fabs(s - d) <= 1e-9))
                fail_msg("%s r%d y%d: parts sum to %.17g, price drift %.17g (off %.3g)",
                         what, r, y, s, d, s - d);
        }
    }
}

/* True if part K is exactly 0 in every replicate and year after the first. */
static int all_zero(const sim_record *res, size_t k)
{
    for (int r = 0; r < res->n_replicates; r++)
        for (int y = 1; y < res->n_years; y++)
            if (kpi(res, k, r, y, 0) != 0) return 0;
    return 1;
}

static void test_drift_parts_add_up(void **state)
{
    fixture *f = *state;
    assert_parts_add_up(f->base, "takst without shocks");
    for (int g = 0; g < N_RG; g++) assert_parts_add_up(f->stoch[g], rg_name[g]);
}

static void test_drift_parts_zero_without_their_regime(void **state)
{
    fixture *f = *state;
    if (!all_zero(f->stoch[RG_TAKST], K_drift_upcoding))
        fail_msg("takst: drift_upcoding is not 0");
    for (int g = 0; g < N_RG; g++) {
        if (g != RG_TENDER && !all_zero(f->stoch[g], K_drift_tender_risk))
            fail_msg("%s: drift_tender_risk is not 0 without tenders", rg_name[g]);
        /* automatic grouping upcodes nobody: both tables are the same */
        if (!all_zero(f->stoch[g], K_drift_recalibration))
            fail_msg("%s: drift_recalibration is not 0 without upcoding", rg_name[g]);
        int pooled = g == RG_OBJECTIVE || g == RG_DRG_OBJECTIVE;
        if (!pooled && !all_zero(f->stoch[g], K_drift_pooled))
            fail_msg("%s: drift_pooled is not 0 without pools or frames", rg_name[g]);
    }
    /* the parts are not all trivially zero: the regimes' own parts move */
    assert_false(all_zero(f->stoch[RG_TENDER], K_drift_tender_risk));
    assert_false(all_zero(f->stoch[RG_OBJECTIVE], K_drift_pooled));
    assert_false(all_zero(f->stoch[RG_TAKST], K_drift_cost));
}

/* Summed over replicates and years after the first. */
static double summed(const sim_record *res, size_t k)
{
    double s = 0;
    for (int r = 0; r < res->n_replicates; r++)
        for (int y = 1; y < res->n_years; y++) s += kpi(res, k, r, y, 0);
    return s;
}

/* Negotiated grouping: upcoding raises the upcoded residents' price, and
 * through the cost data moves every group's tariff; the two are separate
 * parts, under either cost allocation. */
static void test_drg_negotiated_upcoding_drift(void **state)
{
    fixture *f = *state;
    for (int alloc = 0; alloc < 2; alloc++) {
        params p = with_regime(&f->p, "drg");
        DRG_OF(&p)->negotiated = 1;
        DRG_OF(&p)->by_delivered = alloc;
        add_stochastic(&p);
        const char *what = alloc ? "drg negotiated, by delivered hours"
                                 : "drg negotiated, by priced hours";
        sim_record *res = run_checked(f, &p, what);
        assert_parts_add_up(res, what);
        double up = summed(res, K_drift_upcoding), re = summed(res, K_drift_recalibration);
        print_message("%s: drift_upcoding %+.3g, drift_recalibration %+.3g %%-points summed\n",
                      what, 100 * up, 100 * re);
        assert_false(all_zero(res, K_drift_upcoding));
        assert_false(all_zero(res, K_drift_recalibration));
        assert_true(all_zero(res, K_drift_tender_risk));
        sim_record_free(res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incidence_when_and_where),
        cmocka_unit_test(test_stochastic_common_random_numbers),
        cmocka_unit_test(test_closure_adds_an_exit),
        cmocka_unit_test(test_closure_booked_in_its_year),
        cmocka_unit_test(test_wage_shock_moves_cost_index),
        cmocka_unit_test(test_expensive_case),
        cmocka_unit_test(test_drift_parts_add_up),
        cmocka_unit_test(test_drift_parts_zero_without_their_regime),
        cmocka_unit_test(test_drg_negotiated_upcoding_drift),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
