/*
 * tests/test_plugin.c - a regime is a type: one defined here, outside the
 * library, runs the market after one call to regime_register.
 *
 * `flat` takes the segments drg's keys select (the broad groups) and pays
 * every placement there the cost-based tariff without case negotiation,
 * with the tariff of each offer type raised by a flat fee per day kept in
 * its own state (sized in its registry row, set up by its init hook and
 * released by its release hook), and counts in data it keeps per citizen
 * (sized in the row too) how often each resident was priced.  Runs tests/data/small.yaml through the
 * library as the CLI does.  Run from the repository root.
 */
#include "tests/testutil.h"
#include "tests/scenario.h"
#include <stddef.h>
#include "models/kpi.h"
#include "models/market.h"
#include "models/params.h"
#include "models/regime.h"

#define SCENARIO "tests/data/small.yaml"
#define FEE 10.0                 /* DKK per day */

typedef struct flat_state {
    double fee[N_OFFER_TYPES];
    long   prices;               /* prices asked of it this run */
} flat_state;

typedef struct flat_citizen { uint32_t priced; } flat_citizen;

static int inits, releases;      /* hooks called, over the whole test */
static long resident_prices;     /* per-citizen counts seen at year ends */

extern const regime_ops regime_flat;

static int flat_init(market *m, void *state)
{
    (void)m;
    flat_state *s = state;
    for (int t = 0; t < N_OFFER_TYPES; t++) s->fee[t] = FEE;
    inits++;
    return 0;
}

static void flat_release(void *state)
{
    flat_state *s = state;
    assert_true(s->prices > 0);
    releases++;
}

static void flat_year_start(market *m, int year)
{
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status != OFFER_CLOSED && regime_owns(m, &regime_flat, o))
            tariff_set(m, o, year);
    }
}

static double flat_price(const market *m, const citizen *c, const offer *o)
{
    flat_state *s = regime_state(m, &regime_flat);
    flat_citizen *fc = regime_offer_citizen(m, o, c);
    s->prices++;
    if (fc) fc->priced++;           /* NULL for a probe citizen */
    return tariff_price(m, c, o) + s->fee[o->type];
}

static void flat_parts(const market *m, const citizen *c, const offer *o, double *parts)
{
    const flat_state *s = regime_state(m, &regime_flat);
    tariff_price_parts(m, c, o, parts);
    parts[PART_STANDARD] += s->fee[o->type];
}

static void flat_year_end(market *m, int year)
{
    (void)year;
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        if (!regime_owns(m, &regime_flat, o)) continue;
        tariff_settle(m, &m->offers[i]);
        for (int id = o->residents; id >= 0; id = m->cit[id].wnext) {
            const flat_citizen *fc = regime_offer_citizen(m, o, &m->cit[id]);
            resident_prices += fc->priced;
        }
    }
}

const regime_ops regime_flat = {
    .name = "flat",
    .year_start = flat_year_start,
    .daily_price = flat_price,
    .price_parts = flat_parts,
    .year_end = flat_year_end,
    .segments = offsetof(params, drg.seg),
    .state_size = sizeof(flat_state),
    .citizen_size = sizeof(flat_citizen),
    .init = flat_init,
    .release = flat_release,
};

typedef struct fixture {
    params     p;
    muni_table mt;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || test_load_scenario(SCENARIO, &f->p, &f->mt)) { free(f); return -1; }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_register(void **state)
{
    (void)state;
    assert_null(regime_find("flat"));
    assert_int_equal(regime_register(&regime_flat), 0);
    assert_ptr_equal(regime_find("flat"), &regime_flat);
    assert_int_equal(regime_register(&regime_flat), -1);    /* a name once */
    assert_ptr_equal(regime_find("takst"), &regime_takst);
}

/* Expenditure of every replicate and year under REGIME into OUT. */
static void run_regime(const fixture *f, const char *regime, double *out)
{
    params p = f->p;
    snprintf(p.regime, sizeof p.regime, "%s", regime);
    sim_record *res = kpi_new_record(&p, &f->mt, 1, p.replicates, p.years);
    assert_non_null(res);
    for (int r = 0; r < p.replicates; r++)
        if (market_run(&p, &f->mt, p.seed, 0, r, res, NULL))
            fail_msg("%s: replicate %d failed", regime, r);
    for (int r = 0; r < p.replicates; r++)
        for (int y = 0; y < p.years; y++)
            out[r * p.years + y] = sim_record_get(res, K_expenditure, 0, r, y, 0);
    sim_record_free(res);
}

/* The regime runs, keeps the market's invariants (market_run checks them
 * every year), has its state set up and released once per replicate, and
 * its fee and the absence of negotiation move spending away from takst. */
static void test_flat_runs(void **state)
{
    fixture *f = *state;
    int n = f->p.replicates * f->p.years;
    double *takst = calloc((size_t)n, sizeof *takst), *flat = calloc((size_t)n, sizeof *flat);
    assert_non_null(takst);
    assert_non_null(flat);
    run_regime(f, "takst", takst);
    assert_int_equal(inits, 0);
    run_regime(f, "flat", flat);
    assert_int_equal(inits, f->p.replicates);
    assert_int_equal(releases, f->p.replicates);
    assert_true(resident_prices > 0);     /* every resident was priced at least once */
    int differ = 0;
    for (int i = 0; i < n; i++) {
        assert_true(flat[i] > 0);
        differ |= flat[i] != takst[i];
    }
    assert_true(differ);
    free(takst);
    free(flat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_flat_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
