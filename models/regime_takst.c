/*
 * models/regime_takst.c - today's cost-based tariffs (takst).
 *
 * takst is the cost-based tariff rules of tariff.h on every offer of its
 * segments, set on 1 January and settled at the year end, with case
 * negotiation and add-ons at intake and follow-ups on.
 */
#include "regime.h"
#include "flow.h"

static void takst_year_start(market *m, int year)
{
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status != OFFER_CLOSED && regime_owns(m, &regime_takst, o))
            tariff_set(m, o, year);
    }
}

static void takst_year_end(market *m, int year)
{
    (void)year;
    for (int i = 0; i < m->n_offers; i++)
        if (regime_owns(m, &regime_takst, &m->offers[i]))
            tariff_settle(m, &m->offers[i]);
}

const regime_ops regime_takst = {
    .name = "takst",
    .year_start = takst_year_start,
    .daily_price = tariff_price,
    .price_parts = tariff_price_parts,
    .year_end = takst_year_end,
    .price_floor = tariff_price_floor,
    .regrade = negotiation_regrade,
    .addons = negotiation_addons,
};
