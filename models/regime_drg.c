/*
 * models/regime_drg.c - standardised group tariffs, inspired by hospital DRG.
 *
 * Groups are target group x need level within each offer type (the three
 * types are different services; a group tariff across them would pay a
 * housing place like a longterm one).  Every offer in a group is paid the
 * same tariff per day: the average cost per resident-day of the group
 * across offers, from cost data `data_lag` years old, moved forward by the
 * cost index [R], national or per region [R], optionally rescaled so that
 * last year's residents would cost in total what they did [R].  There is no
 * negotiation on top [R].  Grouping is automatic (assessment noise only) or
 * negotiated, where providers ask for the next group (upcoding) [R].  With
 * the minimum-entitlement option offers must staff to the group standard;
 * without it they staff to what residents really need and keep the
 * difference.  Until enough data exist the tariff is the offers' budgeted
 * cost of the level.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "regime.h"
#include "flow.h"

double drg_tariff_from_costs(double cost_sum, double resident_days,
                             double index_growth)
{
    return resident_days > 0 ? cost_sum / resident_days * (1 + index_growth) : 0;
}

/* Budgeted cost per day of a resident at LEVEL, averaged over the offers of
 * the segment (in region R, or all when R < 0): the tariff before data. */
static double budgeted_cost(const market *m, int t, int g, int l, int r)
{
    double sum = 0;
    int n = 0;
    for (int k = 0; k < m->seg_n[t][g]; k++) {
        const offer *o = &m->offers[m->seg_offers[t][g][k]];
        if (o->status == OFFER_CLOSED || (r >= 0 && o->region != r)) continue;
        sum += offer_expected_cost_day(m, o, l);
        n++;
    }
    if (n == 0 && r >= 0) return budgeted_cost(m, t, g, l, -1);
    return n ? sum / n : 0;
}

/* Cost data of year LAG-1 for (t, g, l), in region R or nationally (R < 0). */
static void data_of(const drg_state *d, int lag, int nreg, int t, int g, int l,
                    int r, double *cost, double *days)
{
    *cost = *days = 0;
    for (int k = 0; k < nreg; k++)
        if (r < 0 || k == r) {
            *cost += d->cost[lag - 1][k][t][g][l];
            *days += d->days[lag - 1][k][t][g][l];
        }
}

static void set_tariffs(market *m, int t, int g, int r, int slot)
{
    const params *p = m->p;
    drg_state *d = m->drg;
    int lag = p->drg.data_lag, L = p->levels, nreg = m->mt->n_regions;
    int have = d->years_of_data >= lag;
    double growth = have ? m->cost_index / d->index[lag - 1] - 1 : 0;
    double paid = 0, cost = 0;
    for (int l = 0; l < L; l++) {
        double c, days, tariff = 0;
        if (have) {
            data_of(d, lag, nreg, t, g, l, r, &c, &days);
            tariff = drg_tariff_from_costs(c, days, growth);
        }
        if (tariff <= 0) tariff = budgeted_cost(m, t, g, l, r);
        d->tariff[slot][t][g][l] = tariff;
        /* budget neutrality is judged on last year's residents */
        double c1, d1;
        data_of(d, 1, nreg, t, g, l, r, &c1, &d1);
        paid += tariff * d1;
        cost += c1 * (m->cost_index / (d->years_of_data ? d->index[0] : 1));
    }
    if (p->drg.budget_neutral && d->years_of_data > 0 && paid > 0)
        for (int l = 0; l < L; l++) d->tariff[slot][t][g][l] *= cost / paid;
}

static void drg_year_start(market *m, int year)
{
    (void)year;
    const params *p = m->p;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            if (regime_of(m, t, g) != &regime_drg) continue;
            if (p->drg.regional)
                for (int r = 0; r < m->mt->n_regions; r++) set_tariffs(m, t, g, r, r);
            else {
                set_tariffs(m, t, g, -1, 0);
                for (int r = 1; r < m->mt->n_regions; r++)
                    memcpy(m->drg->tariff[r][t][g], m->drg->tariff[0][t][g],
                           sizeof m->drg->tariff[0][t][g]);
            }
        }
}

static double drg_price(const market *m, const citizen *c, const offer *o)
{
    return m->drg->tariff[o->region][o->type][o->group][c->priced_level];
}

/* The group tariff at the true level against the offer's own cost
 * (standard price), the step to the assessed group (regrading: assessment
 * noise) and a negotiated step above it (upcoding). */
static void drg_price_parts(const market *m, const citizen *c, const offer *o,
                            double *parts)
{
    const double *row = m->drg->tariff[o->region][o->type][o->group];
    int assessed = c->upcoded && c->priced_level > 0 ? c->priced_level - 1
                                                     : c->priced_level;
    for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
    parts[PART_COST] = regime_cost_day(m, c, o);
    parts[PART_STANDARD] = row[c->true_level] - parts[PART_COST];
    parts[PART_REGRADING] = row[assessed] - row[c->true_level];
    parts[PART_UPCODING] = row[c->priced_level] - row[assessed];
}

/*
 * This year's cost per resident-day by level, offer by offer: its fixed cost
 * per resident-day plus its staff cost per staffed hour times the level's
 * hours.  Residents' levels at year end stand for the year's mix.
 */
static void record_costs(market *m, const offer *o, int (*levels)[MAX_LEVELS])
{
    drg_state *d = m->drg;
    if (o->last_resident_days <= 0) return;
    int n = 0;
    for (int l = 0; l < m->p->levels; l++) n += levels[0][l];
    if (n == 0) return;
    double fixed_day = o->last_cost_fixed / o->last_resident_days;
    double per_hour = o->last_hour_days > 0
        ? (o->last_cost - o->last_cost_fixed) / o->last_hour_days : 0;
    for (int l = 0; l < m->p->levels; l++) {
        if (!levels[0][l]) continue;
        double days = o->last_resident_days * levels[0][l] / n;
        double day_cost = fixed_day + per_hour * market_hours(m, o->type, o->group, l);
        d->cost[0][o->region][o->type][o->group][l] += days * day_cost;
        d->days[0][o->region][o->type][o->group][l] += days;
    }
}

static void drg_year_end(market *m, int year)
{
    (void)year;
    drg_state *d = m->drg;
    memmove(d->cost[1], d->cost[0], sizeof d->cost - sizeof d->cost[0]);
    memmove(d->days[1], d->days[0], sizeof d->days - sizeof d->days[0]);
    memmove(d->index + 1, d->index, sizeof d->index - sizeof d->index[0]);
    memset(d->cost[0], 0, sizeof d->cost[0]);
    memset(d->days[0], 0, sizeof d->days[0]);
    d->index[0] = m->cost_index;
    if (d->years_of_data < MAX_LAG) d->years_of_data++;

    static const int zero[MAX_LEVELS];
    int (*mix)[MAX_LEVELS] = calloc((size_t)m->n_offers, sizeof *mix);
    if (!mix) { market_fail(m, "out of memory for group tariff data"); return; }
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_PLACED) mix[c->offer][c->priced_level]++;
    }
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (!regime_owns(m, &regime_drg, o)) continue;
        if (memcmp(mix[i], zero, sizeof zero)) record_costs(m, o, &mix[i]);
        o->equity += o->last_result;   /* no carry-over: the tariff is not theirs */
    }
    free(mix);
}

/* Automatic grouping follows the assessment; negotiated grouping lets the
 * provider ask for the next group, granted when the buyer is not rigorous. */
static int drg_regrade(market *m, citizen *c, const offer *o, int assessed,
                       gsl_rng *r)
{
    (void)o;
    const params *p = m->p;
    c->upcoded = 0;
    if (!p->drg.negotiated || assessed >= p->levels - 1) return assessed;
    if (gsl_rng_uniform(r) >= p->drg.upcode_prob) return assessed;
    m->ya.negotiations++;
    m->muni[c->home].acct.admin_cost += p->admin_cost_negotiation;
    m->ya.admin_cost += p->admin_cost_negotiation;
    if (gsl_rng_uniform(r) < m->muni[c->home].rigor) return assessed;
    m->ya.upcodings++;
    c->upcoded = 1;
    return assessed + 1;
}

static double drg_staffed_hours(const market *m, const citizen *c, const offer *o)
{
    int level = m->p->drg.minimum_entitlement ? c->priced_level : c->true_level;
    return citizen_hours(m, c, o, level);
}

const regime_ops regime_drg = {
    .name = "drg",
    .year_start = drg_year_start,
    .daily_price = drg_price,
    .price_parts = drg_price_parts,
    .year_end = drg_year_end,
    .regrade = drg_regrade,
    .staffed_hours = drg_staffed_hours,
    .negotiates = 0,
};
