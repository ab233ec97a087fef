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
#include <stddef.h>
#include "regime.h"
#include "flow.h"

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
    const int8_t *joins = m->p->uniform.joins;
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
        if (o->owner_kind != OWNER_MUNICIPAL || !p->uniform.joins[o->owner]) continue;
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
    if (o->owner_kind == OWNER_MUNICIPAL && m->p->uniform.joins[o->owner] && u > 0) {
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
    .segments = offsetof(params, uniform.seg),
    .state_size = sizeof(uniform_state),
};
