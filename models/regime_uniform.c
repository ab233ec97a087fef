/*
 * models/regime_uniform.c - a uniform frame tariff (rammetakst) among the
 * municipalities that join it.
 *
 * RSD rammestyring [R]: the joining municipalities' offers of a
 * region are financed as one frame, and every joining buyer pays one price
 * per day for a place of an offer type, whatever the resident needs: the
 * frame divided by the places.  Here the frame of (region, offer type) is
 * what the joining owners' offers of the segments taken would earn at
 * their own cost-based tariffs (takst, carry-over and cap included) at
 * budgeted occupancy with their residents at 1 January, and the uniform
 * tariff is that frame over their budgeted place-days.  The offers' results
 * are carried over as under takst, so a frame that does not cover its
 * offers' costs rises the year after.
 *
 * The uniform price holds only where buyer and owner both join; any other
 * placement in these segments - a non-joining buyer, a private or regional
 * offer, another region's offer - pays the offer's takst price.  What
 * follows is left to the model's behaviour: a joining buyer pays the same
 * for a light and a heavy case, so light cases are cheaper elsewhere and
 * heavy ones cheaper inside; sellers inside receive the average whatever
 * they take; net buyers and net sellers trade at other prices than takst's.
 * Municipal offers never decline a citizen (placement.c: an assumption of
 * the model, stricter than the duty to take the owner's own citizens), so
 * high-need citizens are not refused inside the frame; the model cannot
 * show the refusals the note fears.
 */
#include <math.h>
#include <string.h>
#include <stddef.h>
#include "regime.h"
#include "flow.h"

/* ---- parameters: this regime's keys and their loader ---------------- */

static const cfg_key uniform_keys[] = {
    CFG_KEY_E("uniform.groups", "all", "broad|narrow|all", "R", "target groups under the uniform frame tariff"),
    CFG_KEY_S("uniform.types", "temporary,longterm,housing", "R", "offer types under the uniform frame tariff, comma-separated"),
    CFG_KEY_S("uniform.regions", "all", "R", "regions whose municipalities join the uniform frame tariff, comma-separated, or all (RSD rammestyring: it works only if all of a region's municipalities join)"),
    CFG_KEY_S("uniform.municipalities", "", "A", "only these municipalities join (codes, comma-separated, within uniform.regions); empty: all of those regions"),
};

static int uniform_load(const cfg *c, const params *base, void *own, cfg_error *err)
{
    (void)base;
    uniform_params *u = own;
    if (params_load_segments(c, "uniform", &u->seg, err)) return -1;
    const char *ur = cfg_text(c, "uniform.regions"), *um = cfg_text(c, "uniform.municipalities");
    if (strlen(ur) >= sizeof u->regions)
        return cfg_fail(c, "uniform.regions", err, "longer than %zu characters",
                        sizeof u->regions - 1) - 1;
    if (strlen(um) >= sizeof u->municipalities)
        return cfg_fail(c, "uniform.municipalities", err, "longer than %zu characters",
                        sizeof u->municipalities - 1) - 1;
    if (strspn(ur, " ,\t") == strlen(ur))
        return cfg_fail(c, "uniform.regions", err, "names no region (region names "
                        "of the municipality table, comma-separated, or all)") - 1;
    snprintf(u->regions, sizeof u->regions, "%s", ur);
    snprintf(u->municipalities, sizeof u->municipalities, "%s", um);
    return 0;
}

/* uniform.regions and uniform.municipalities into joins[]. */
static int uniform_bind(const cfg *c, const params *base, void *own,
                        const params_regions *t, cfg_error *err)
{
    (void)base;
    uniform_params *u = own;
    const char (*names)[48] = t->names;
    const int *region_of = t->region_of, *code = t->code;
    int n = t->n, n_munis = t->n_munis;
    int region_joins[MAX_REGIONS] = { 0 };
    char buf[sizeof u->municipalities];
    snprintf(buf, sizeof buf, "%s", u->regions);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w;
         w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ') w++;
        size_t len = strlen(w);
        while (len && w[len - 1] == ' ') w[--len] = 0;
        int r = -1;
        for (int i = 0; i < n; i++) if (!strcmp(w, names[i])) r = i;
        if (!strcmp(w, "all")) {
            for (int i = 0; i < n; i++) region_joins[i] = 1;
            continue;
        }
        if (r < 0) {
            const char *rn[MAX_REGIONS];
            for (int i = 0; i < n; i++) rn[i] = names[i];
            const char *near = cfg_nearest_word(w, rn, n);
            return cfg_fail(c, "uniform.regions", err, "'%s' is not a region of the "
                            "municipality table%s%s%s", w, near ? "; did you mean '" : "",
                            near ? near : "", near ? "'?" : "") - 1;
        }
        region_joins[r] = 1;
    }
    int listed = 0;
    memset(u->joins, 0, sizeof u->joins);
    snprintf(buf, sizeof buf, "%s", u->municipalities);
    for (char *save = NULL, *w = strtok_r(buf, ", ", &save); w;
         w = strtok_r(NULL, ", ", &save)) {
        char *end;
        long k = strtol(w, &end, 10);
        int i = 0;
        while (i < n_munis && !(*end == 0 && code[i] == k)) i++;
        if (i == n_munis)
            return cfg_fail(c, "uniform.municipalities", err, "'%s' is not the code "
                            "of a municipality in the table", w) - 1;
        if (!region_joins[region_of[i]])
            return cfg_fail(c, "uniform.municipalities", err, "municipality %ld is "
                            "not in a region of uniform.regions", k) - 1;
        if (u->joins[i])
            return cfg_fail(c, "uniform.municipalities", err, "municipality %ld is "
                            "named twice", k) - 1;
        u->joins[i] = 1;
        listed = 1;
    }
    /* "" means every municipality of the regions; "," names none */
    if (!listed && u->municipalities[0])
        return cfg_fail(c, "uniform.municipalities", err, "names no municipality "
                        "(codes, comma-separated; empty for all of uniform.regions)") - 1;
    if (!listed)
        for (int i = 0; i < n_munis; i++) u->joins[i] = (int8_t)region_joins[region_of[i]];
    return 0;
}


/* This regime's parameters in the market's params. */
static inline const uniform_params *uniform_par(const market *m)
{
    return regime_params(m->p, &regime_uniform);
}

/* This year's uniform tariff per day, by region and segment (0: none). */
typedef struct uniform_state {
    double day[MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS];
} uniform_state;

static double uniform_day(const market *m, const offer *o)
{
    const uniform_state *u = regime_offer_state(m, o);
    return u->day[o->region][o->type][o->group];
}

/* Does the uniform price hold for a placement of C in O? */
static int inside(const market *m, const citizen *c, const offer *o)
{
    const int8_t *joins = ((const uniform_params *)regime_offer_params(m, o))->joins;
    return o->owner_kind == OWNER_MUNICIPAL && joins[c->home] && joins[o->owner] &&
           m->mt->m[c->home].region == o->region;
}

static void uniform_year_start(market *m, int year)
{
    const params *p = m->p;
    double frame[MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS] = { { { 0 } } };
    double days[MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS] = { { { 0 } } };
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status == OFFER_CLOSED || !regime_owns(m, &regime_uniform, o)) continue;
        tariff_set(m, o, year);
        if (o->owner_kind != OWNER_MUNICIPAL || !uniform_par(m)->joins[o->owner]) continue;
        double d = o->capacity * p->budgeted_occupancy * DAYS_PER_YEAR;
        frame[o->region][o->type][o->group] += o->average_day * d;
        days[o->region][o->type][o->group] += d;
    }
    uniform_state *u = regime_state(m, &regime_uniform);
    for (int r = 0; r < m->mt->n_regions; r++)
        for (int t = 0; t < N_OFFER_TYPES; t++)
            for (int g = 0; g < p->n_groups; g++)
                u->day[r][t][g] = days[r][t][g] > 0 ? frame[r][t][g] / days[r][t][g] : 0;
}

static double uniform_price(const market *m, const citizen *c, const offer *o)
{
    if (!inside(m, c, o) || !(uniform_day(m, o) > 0))
        return tariff_price(m, c, o);
    return uniform_day(m, o);
}

/* Inside the frame the price is the citizen's cost and the distance of the
 * uniform tariff from it (standard price); outside, takst's parts. */
static void uniform_price_parts(const market *m, const citizen *c, const offer *o,
                                double *parts)
{
    if (!inside(m, c, o) || !(uniform_day(m, o) > 0)) {
        tariff_price_parts(m, c, o, parts);
        return;
    }
    for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
    parts[PART_COST] = tariff_cost_day(m, c, o);
    parts[PART_STANDARD] = uniform_day(m, o) - parts[PART_COST];
}

/* Outside the frame takst's floor; an offer of a joining owner may also be
 * paid the uniform tariff, whatever the hours. */
static void uniform_price_floor(const market *m, const offer *o, double *a, double *b)
{
    tariff_price_floor(m, o, a, b);
    double u = uniform_day(m, o);
    const uniform_params *up = regime_offer_params(m, o);
    if (o->owner_kind == OWNER_MUNICIPAL && up->joins[o->owner] && u > 0) {
        *a = fmin(*a, u);   /* below both prices, whatever the hours */
        *b = 0;
    }
}

static void uniform_year_end(market *m, int year)
{
    (void)year;
    for (int i = 0; i < m->n_offers; i++)
        if (regime_owns(m, &regime_uniform, &m->offers[i])) tariff_settle(m, &m->offers[i]);
}

/* One price whatever the need: nothing to negotiate inside the frame. */
static int uniform_on_contract(const market *m, const citizen *c, const offer *o)
{
    return inside(m, c, o);
}

const regime_ops regime_uniform = {
    .name = "uniform",
    .year_start = uniform_year_start,
    .daily_price = uniform_price,
    .price_parts = uniform_price_parts,
    .year_end = uniform_year_end,
    .price_floor = uniform_price_floor,
    .on_contract = uniform_on_contract,
    .regrade = negotiation_regrade,
    .addons = negotiation_addons,
    .keys = uniform_keys,
    .n_keys = sizeof uniform_keys / sizeof uniform_keys[0],
    .params_size = sizeof(uniform_params),
    .load = uniform_load,
    .bind = uniform_bind,
    .segments = offsetof(uniform_params, seg),
    .state_size = sizeof(uniform_state),
};
