/*
 * models/regime_drg.c - standardised group tariffs, inspired by hospital DRG.
 *
 * Groups are target group x need level within each offer type (the three
 * types are different services; a group tariff across them would pay a
 * housing place like a longterm one).  Every offer in a group is paid the
 * same tariff per day: the average cost per resident-day of the group
 * across offers, a private provider's normal return counted in its cost
 * (drg.private_return [A]), from cost data `data_lag` years old, moved forward by the
 * cost index [R], national or per region [R], optionally rescaled so that
 * last year's residents would cost in total what they did [R].  How the
 * cost data spread an offer's cost over its residents is an option
 * (drg.cost_allocation, record_costs); a second table kept from the same
 * data as if nobody were upcoded separates upcoding's two effects on price:
 * the upcoded resident's higher group, and every group's tariff moved by
 * the cost data (recalibration).  There is no
 * negotiation on top [R].  Grouping is automatic (assessment noise only) or
 * negotiated, where providers ask for the next group (upcoding) [R].  With
 * the minimum-entitlement option offers must staff to the group standard;
 * without it they staff to what residents really need and keep the
 * difference.  Until enough data exist the tariff is the offers' budgeted
 * cost of the level.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "regime.h"
#include "flow.h"

/* ---- parameters: this regime's keys and their loader ---------------- */

static const cfg_key drg_keys[] = {
    CFG_KEY_E("drg.groups", "broad", "broad|narrow|all", "R", "target groups paid by group tariffs (narrow groups stay on takst by default)"),
    CFG_KEY_S("drg.types", "temporary,longterm,housing", "A", "offer types paid by group tariffs, comma-separated"),
    CFG_KEY_E("drg.scope", "national", "national|regional", "R", "one national tariff table or one per region"),
    CFG_KEY_I("drg.data_lag", 2, 1, MAX_LAG, "years", "R", "age of the cost data the group tariffs are computed from (1-2 years)"),
    CFG_KEY_B("drg.budget_neutral", 1, "R", "rescale the tariffs so last year's residents would cost what they cost"),
    CFG_KEY_E("drg.assignment", "automatic", "automatic|negotiated", "R", "grouping by objective criteria, or negotiated with the provider (upcoding)"),
    CFG_KEY_R("drg.upcode_prob", 0.3, 0, 1, "probability", "A", "negotiated grouping: provider asks for the next group at a follow-up"),
    CFG_KEY_B("drg.minimum_entitlement", 0, "R", "delivered service may not fall below the group standard"),
    CFG_KEY_R("drg.private_return", 0.05, 0, 1, "share", "A", "a private provider's normal return, counted in the cost data as part of its cost (takst pays private offers takst.private_markup for the same); 0: the group tariff pays cost only, and the average private provider earns nothing"),
    CFG_KEY_E("drg.cost_allocation", "delivered", "delivered|priced", "R", "how the cost data behind the tariffs spread an offer's staff cost over its residents: by the hours each receives (as a DRG cost database does) or by the hours each is priced at"),
};

static int drg_load(const cfg *c, const params *base, void *own, cfg_error *err)
{
    (void)base;
    drg_params *d = own;
    if (params_load_segments(c, "drg", &d->seg, err)) return -1;
    d->regional = !strcmp(cfg_text(c, "drg.scope"), "regional");
    d->data_lag = (int)cfg_int(c, "drg.data_lag");
    d->budget_neutral = cfg_bool(c, "drg.budget_neutral");
    d->negotiated = !strcmp(cfg_text(c, "drg.assignment"), "negotiated");
    d->upcode_prob = cfg_real(c, "drg.upcode_prob");
    d->by_delivered = !strcmp(cfg_text(c, "drg.cost_allocation"), "delivered");
    d->minimum_entitlement = cfg_bool(c, "drg.minimum_entitlement");
    d->private_return = cfg_real(c, "drg.private_return");
    return 0;
}

/* This regime's parameters in the market's params. */
static inline const drg_params *drg_par(const market *m)
{
    return regime_params(m->p, &regime_drg);
}

/* drg: cost data by (region, type, group, level) of past years and the
 * group tariffs of this year (per day).  Region 0 holds national figures. */
typedef struct drg_table {
    double tariff[MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS][MAX_LEVELS];
    double cost[MAX_LAG][MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS][MAX_LEVELS];
    double days[MAX_LAG][MAX_REGIONS][N_OFFER_TYPES][MAX_GROUPS][MAX_LEVELS];
} drg_table;

/* The tariff table and its cost data ([DRG_BILLED]), and the same as if no
 * resident had been upcoded ([DRG_UNCODED]): the difference between the
 * two is what upcoding does to every group's tariff (recalibration). */
enum { DRG_BILLED, DRG_UNCODED, DRG_N_TABLES };
typedef struct drg_state {
    drg_table t[DRG_N_TABLES];
    double index[MAX_LAG];    /* cost index of each year of data */
    int    years_of_data;     /* [0] is the latest year */
} drg_state;

static drg_state *drg_of(const market *m) { return regime_state(m, &regime_drg); }
/* The same for an offer drg pays for, without the search (every price). */
static const drg_state *drg_at(const market *m, const offer *o) { return regime_offer_state(m, o); }


double drg_tariff_from_costs(double cost_sum, double resident_days,
                             double index_growth)
{
    return resident_days > 0 ? cost_sum / resident_days * (1 + index_growth) : 0;
}

/* Budgeted cost per day of a resident at LEVEL, averaged over the offers of
 * the segment (in region R, or all when R < 0): the tariff before data. */
/* What the cost data count per krone of a provider's cost: a private
 * provider's normal return is part of it. */
static double return_factor(const market *m, const offer *o)
{
    return o->owner_kind == OWNER_PRIVATE ? 1 + drg_par(m)->private_return : 1;
}

static double budgeted_cost(const market *m, int t, int g, int l, int r)
{
    double sum = 0;
    int n = 0;
    for (int k = 0; k < m->seg_n[t][g]; k++) {
        const offer *o = &m->offers[m->seg_offers[t][g][k]];
        if (o->status == OFFER_CLOSED || (r >= 0 && o->region != r)) continue;
        sum += offer_expected_cost_day(m, o, l) * return_factor(m, o);
        n++;
    }
    if (n == 0 && r >= 0) return budgeted_cost(m, t, g, l, -1);
    return n ? sum / n : 0;
}

/* Cost data of year LAG-1 for (t, g, l), in region R or nationally (R < 0). */
static void data_of(const drg_table *d, int lag, int nreg, int t, int g, int l,
                    int r, double *cost, double *days)
{
    *cost = *days = 0;
    for (int k = 0; k < nreg; k++)
        if (r < 0 || k == r) {
            *cost += d->cost[lag - 1][k][t][g][l];
            *days += d->days[lag - 1][k][t][g][l];
        }
}

static void set_tariffs(market *m, drg_table *d, int t, int g, int r, int slot)
{
    const params *p = m->p;
    const drg_state *s = drg_of(m);
    int lag = drg_par(m)->data_lag, L = p->levels, nreg = m->mt->n_regions;
    int have = s->years_of_data >= lag;
    double growth = have ? m->cost_index / s->index[lag - 1] - 1 : 0;
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
        cost += c1 * (m->cost_index / (s->years_of_data ? s->index[0] : 1));
    }
    if (drg_par(m)->budget_neutral && s->years_of_data > 0 && paid > 0)
        for (int l = 0; l < L; l++) d->tariff[slot][t][g][l] *= cost / paid;
}

static void drg_year_start(market *m, int year)
{
    (void)year;
    const params *p = m->p;
    for (int k = 0; k < DRG_N_TABLES; k++) {
        drg_table *d = &drg_of(m)->t[k];
        for (int t = 0; t < N_OFFER_TYPES; t++)
            for (int g = 0; g < p->n_groups; g++) {
                if (regime_of(m, t, g) != &regime_drg) continue;
                if (drg_par(m)->regional)
                    for (int r = 0; r < m->mt->n_regions; r++) set_tariffs(m, d, t, g, r, r);
                else {
                    set_tariffs(m, d, t, g, -1, 0);
                    for (int r = 1; r < m->mt->n_regions; r++)
                        memcpy(d->tariff[r][t][g], d->tariff[0][t][g],
                               sizeof d->tariff[0][t][g]);
                }
            }
    }
}

static double drg_price(const market *m, const citizen *c, const offer *o)
{
    return drg_at(m, o)->t[DRG_BILLED].tariff[o->region][o->type][o->group][c->priced_level];
}

/* What drg keeps per citizen: its grade includes a negotiated step up. */
typedef struct drg_citizen { int8_t upcoded; } drg_citizen;

static drg_citizen *drg_cit(const market *m, const offer *o, const citizen *c)
{
    return regime_offer_citizen(m, o, c);
}

/* C's group in O without a negotiated step up. */
static int uncoded_level(const market *m, const offer *o, const citizen *c)
{
    return drg_cit(m, o, c)->upcoded && c->priced_level > 0 ? c->priced_level - 1
                                                            : c->priced_level;
}

/* The group tariff at the true level from cost data without upcoding,
 * against the offer's own cost (standard price); what upcoding elsewhere
 * did to that tariff through the cost data (recalibration); the step to the
 * assessed group (regrading: assessment noise) and a negotiated step above
 * it (upcoding). */
static void drg_price_parts(const market *m, const citizen *c, const offer *o,
                            double *parts)
{
    const double *row = drg_at(m, o)->t[DRG_BILLED].tariff[o->region][o->type][o->group];
    const double *plain = drg_at(m, o)->t[DRG_UNCODED].tariff[o->region][o->type][o->group];
    int assessed = uncoded_level(m, o, c);
    for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
    parts[PART_COST] = tariff_cost_day(m, c, o);
    parts[PART_STANDARD] = plain[c->true_level] - parts[PART_COST];
    parts[PART_RECALIBRATION] = row[c->true_level] - plain[c->true_level];
    parts[PART_REGRADING] = row[assessed] - row[c->true_level];
    parts[PART_UPCODING] = row[c->priced_level] - row[assessed];
}

/*
 * This year's cost per resident-day of offer O, recorded under the group
 * each resident was billed in (or, for the uncoded table, would have been
 * without upcoding).  Each resident costs the offer's fixed cost per
 * resident-day plus a share of its staff cost: with cost_allocation
 * `delivered`, in proportion to the hours the offer staffs for each resident
 * at year end (what a DRG cost database does: cost follows what the
 * resident receives);
 * with `priced`, in proportion to the hours of the group billed, so that an
 * upcoded resident draws cost from the others.  The residents at year end
 * stand for the year's mix.
 */
static void record_costs(market *m, const offer *o, int uncoded)
{
    drg_table *d = &drg_of(m)->t[uncoded ? DRG_UNCODED : DRG_BILLED];
    if (o->last_resident_days <= 0 || o->occupied <= 0) return;
    double fixed_day = o->last_cost_fixed / o->last_resident_days;
    double staff = o->last_cost - o->last_cost_fixed;
    double day_share = o->last_resident_days / o->occupied;
    double per_hour = 0;
    int equal = 0;      /* nobody is staffed for: the staff cost is shared equally */
    if (drg_par(m)->by_delivered) {
        /* the staff cost per resident-day, shared by hours received */
        double hours = 0;
        for (int id = o->residents; id >= 0; id = m->cit[id].wnext)
            hours += placement_staffed_hours(m, &m->cit[id], o);
        equal = !(hours > 0);
        per_hour = staff / o->last_resident_days * o->occupied / (equal ? o->occupied : hours);
    } else if (o->last_hour_days > 0) {
        /* the hour-days the residents would have been priced at: the
         * year's scaled by the mix now */
        double billed = 0, used = 0;
        for (int id = o->residents; id >= 0; id = m->cit[id].wnext) {
            const citizen *c = &m->cit[id];
            billed += market_hours(m, o->type, o->group, c->priced_level);
            used += market_hours(m, o->type, o->group,
                                 uncoded ? uncoded_level(m, o, c) : c->priced_level);
        }
        double hour_days = billed > 0 ? o->last_hour_days * used / billed : 0;
        per_hour = hour_days > 0 ? staff / hour_days : 0;
    }
    for (int id = o->residents; id >= 0; id = m->cit[id].wnext) {
        const citizen *c = &m->cit[id];
        int l = uncoded ? uncoded_level(m, o, c) : c->priced_level;
        double hours = !drg_par(m)->by_delivered ? market_hours(m, o->type, o->group, l)
                     : equal ? 1 : placement_staffed_hours(m, c, o);
        d->cost[0][o->region][o->type][o->group][l] +=
            day_share * (fixed_day + per_hour * hours) * return_factor(m, o);
        d->days[0][o->region][o->type][o->group][l] += day_share;
    }
}

static void drg_year_end(market *m, int year)
{
    (void)year;
    drg_state *s = drg_of(m);
    for (int k = 0; k < DRG_N_TABLES; k++) {
        drg_table *d = &s->t[k];
        memmove(d->cost[1], d->cost[0], sizeof d->cost - sizeof d->cost[0]);
        memmove(d->days[1], d->days[0], sizeof d->days - sizeof d->days[0]);
        memset(d->cost[0], 0, sizeof d->cost[0]);
        memset(d->days[0], 0, sizeof d->days[0]);
    }
    memmove(s->index + 1, s->index, sizeof s->index - sizeof s->index[0]);
    s->index[0] = m->cost_index;
    if (s->years_of_data < MAX_LAG) s->years_of_data++;
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (!regime_owns(m, &regime_drg, o)) continue;
        record_costs(m, o, 0);
        record_costs(m, o, 1);
        o->equity += o->last_result;   /* no carry-over: the tariff is not theirs */
    }
}

/* Automatic grouping follows the assessment; negotiated grouping lets the
 * provider ask for the next group, granted when the buyer is not rigorous. */
static int drg_regrade(market *m, citizen *c, const offer *o, int assessed,
                       gsl_rng *r)
{
    const params *p = m->p;
    drg_cit(m, o, c)->upcoded = 0;
    const drg_params *dp = regime_offer_params(m, o);
    if (!dp->negotiated || assessed >= p->levels - 1) return assessed;
    if (gsl_rng_uniform(r) >= dp->upcode_prob) return assessed;
    m->ya.negotiations++;
    market_admin(m, c->home, ADMIN_NEGOTIATION, p->admin_cost_negotiation);
    if (gsl_rng_uniform(r) < regime_rigor(m, c, o)) return assessed;
    m->ya.upcodings++;
    drg_cit(m, o, c)->upcoded = 1;
    return assessed + 1;
}

static double drg_staffed_hours(const market *m, const citizen *c, const offer *o)
{
    const drg_params *dp = regime_offer_params(m, o);
    int level = dp->minimum_entitlement ? c->priced_level : c->true_level;
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
    .keys = drg_keys,
    .n_keys = sizeof drg_keys / sizeof drg_keys[0],
    .params_size = sizeof(drg_params),
    .load = drg_load,
    .segments = offsetof(drg_params, seg),
    .state_size = sizeof(drg_state),
    .citizen_size = sizeof(drg_citizen),
};
