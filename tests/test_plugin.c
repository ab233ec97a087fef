/*
 * tests/test_plugin.c - a regime is a type: one defined here, outside the
 * library, runs the market after one call to regime_register.
 *
 * `flat` owns its parameters: its keys (flat.groups, flat.types, flat.fee)
 * join the scenario's key table when it is registered, and its load hook
 * fills them into params.  It takes the segments its keys select and pays
 * every placement there the cost-based tariff without case negotiation,
 * plus a flat fee per day kept in its own state (sized in its registry
 * row, set up by its init hook from its parameters and released by its
 * release hook), and counts in data it keeps per citizen (sized in the row
 * too) how often each resident was priced.  Runs tests/data/plugin.yaml
 * (tests/data/small.yaml under flat) through the library as the CLI does.
 * Run from the repository root.
 */
#include "tests/testutil.h"
#include "tests/scenario.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "models/kpi.h"
#include "models/market.h"
#include "models/params.h"
#include "models/regime.h"

#define SCENARIO "tests/data/plugin.yaml"

/* ---- the regime -------------------------------------------------------- */

typedef struct flat_params {
    segment_set seg;
    double      fee;             /* DKK per day */
} flat_params;

static const cfg_key flat_keys[] = {
    CFG_KEY_E("flat.groups", "broad", "broad|narrow|all", "A", "target groups paid the flat fee"),
    CFG_KEY_S("flat.types", "all", "A", "offer types paid the flat fee, comma-separated"),
    CFG_KEY_R("flat.fee", 10, 0, 1e4, "DKK/day", "A", "fee per day on top of the cost-based tariff"),
};

typedef struct flat_state {
    double fee[N_OFFER_TYPES];
    long   prices;               /* prices asked of it this run */
} flat_state;

typedef struct flat_citizen { uint32_t priced; } flat_citizen;

static int inits, releases;      /* hooks called, over the whole test */
static long resident_prices;     /* per-citizen counts seen at year ends */
static double fee_seen;          /* the fee the init hook found */

extern const regime_ops regime_flat;

static int flat_load(const cfg *c, const params *base, void *own, cfg_error *err)
{
    (void)base;
    flat_params *fp = own;
    if (params_load_segments(c, "flat", &fp->seg, err)) return -1;
    fp->fee = cfg_real(c, "flat.fee");
    return 0;
}

static int flat_init(market *m, void *state)
{
    const flat_params *fp = regime_params(m->p, &regime_flat);
    flat_state *s = state;
    for (int t = 0; t < N_OFFER_TYPES; t++) s->fee[t] = fp->fee;
    fee_seen = fp->fee;
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
    .keys = flat_keys,
    .n_keys = sizeof flat_keys / sizeof flat_keys[0],
    .params_size = sizeof(flat_params),
    .load = flat_load,
    .segments = offsetof(flat_params, seg),
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

/* Write TEXT to a temporary scenario file beside tests/data/small.yaml
 * (so that `extends: small.yaml` resolves), into PATH. */
static void scenario_file(char *path, size_t n, const char *text)
{
    snprintf(path, n, "tests/data/plugin_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* Load TEXT as a scenario with the whole key table; 0, or -1 with ERR. */
static int load_text(const char *text, params *p, cfg_error *err)
{
    char path[64];
    scenario_file(path, sizeof path, text);
    cfg *c = cfg_load(path, params_keys(), params_keys_len(), err);
    int rc = c ? params_load(c, p, err) : -1;
    cfg_free(c);
    unlink(path);
    return rc;
}

static void test_register(void **state)
{
    (void)state;
    params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    cfg_error err = { 0 };
    /* before registration its keys are unknown */
    assert_int_equal(load_text("extends: small.yaml\nflat: { fee: 25 }\n", p, &err), -1);
    assert_non_null(strstr(err.message, "flat.fee"));
    assert_null(regime_find("flat"));
    size_t before = params_keys_len();

    /* refused: keys outside its name, parameters beyond the room in params */
    static const cfg_key stray[] = { CFG_KEY_R("other.x", 1, 0, 2, "x", "A", "not flat's") };
    regime_ops bad = regime_flat;
    bad.name = "flat_stray";
    bad.keys = stray;
    bad.n_keys = 1;
    assert_int_equal(regime_register(&bad), -1);
    bad = regime_flat;
    bad.name = "flat_big";
    bad.n_keys = 0;
    bad.params_size = REGIME_PARAMS_MAX + 1;
    assert_int_equal(regime_register(&bad), -1);
    assert_int_equal(params_keys_len(), before);
    /* names regime.name could not select, or that clash with the market's keys */
    static const char *const bad_names[] = { "", "a+b", "x y", "drg.extra", "offers", "Flat" };
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        bad = regime_flat;
        bad.name = bad_names[i];
        bad.n_keys = 0;
        assert_int_equal(regime_register(&bad), -1);
    }

    assert_int_equal(regime_register(&regime_flat), 0);
    assert_ptr_equal(regime_find("flat"), &regime_flat);
    assert_int_equal(regime_register(&regime_flat), -1);    /* a name once */
    assert_ptr_equal(regime_find("takst"), &regime_takst);
    assert_int_equal(params_keys_len(), before + 3);
    free(p);
}

/* Its keys load into its own parameters, with the table's checks. */
static void test_keys(void **state)
{
    (void)state;
    params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    cfg_error err = { 0 };
    assert_int_equal(load_text("extends: small.yaml\nregime: { name: flat }\n"
                               "flat: { fee: 25, groups: all, types: housing }\n", p, &err), 0);
    const flat_params *fp = regime_params(p, &regime_flat);
    assert_non_null(fp);
    assert_true(fp->fee == 25);
    assert_int_equal(fp->seg.groups, GROUPS_ALL);
    assert_int_equal(fp->seg.types[OT_HOUSING], 1);
    assert_int_equal(fp->seg.types[OT_TEMPORARY], 0);
    /* a misspelt key of its own is named, with the nearest */
    assert_int_equal(load_text("extends: small.yaml\nflat: { feee: 25 }\n", p, &err), -1);
    assert_non_null(strstr(err.message, "flat.feee"));
    assert_non_null(strstr(err.message, "flat.fee"));
    assert_int_equal(err.line, 2);
    /* out of its range */
    assert_int_equal(load_text("extends: small.yaml\nflat: { fee: -1 }\n", p, &err), -1);
    assert_non_null(strstr(err.message, "flat.fee"));
    /* its loader's own check (a bad offer type) */
    assert_int_equal(load_text("extends: small.yaml\nflat: { types: kitchen }\n", p, &err), -1);
    assert_non_null(strstr(err.message, "kitchen"));
    free(p);
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
    assert_true(fee_seen == 25);          /* from tests/data/plugin.yaml */
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
    /* in this order: the fixture's scenario needs flat registered */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_keys),
        cmocka_unit_test_setup_teardown(test_flat_runs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
