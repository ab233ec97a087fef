/*
 * models/regime_objective.c - objective financing (objektiv finansiering).
 *
 * For the offers of eligible segments (default: the narrow groups) a share
 * phi of each offer's budget is paid on 1 January by all municipalities of
 * the pool (region or nation) in proportion to their adults [R]; the rest
 * is paid per use at the offer's cost-based tariff times (1 - phi).  The
 * threshold variant has the buyer pay a share of the tariff plus a share of
 * a case's yearly amount above a threshold, the pool the rest of the budget
 * [R].  Offers' results are settled in next year's contributions [R].  A
 * coordinator adds places where the pool's citizens wait longer than the
 * target [R]; the pool pays for those places in full, used or not.
 * Because the buyer's price falls, visitation to these offers loosens by
 * `elasticity` levels times the share of the price the buyer no longer pays
 * [R direction, A size].  Two more incentives the reports name [VIVE 2023
 * ch. 5: R direction, A size]: an offer paid whatever the demand lets its
 * staff cost per delivered hour creep up (cost_drift times the pooled
 * share of its income, every year), and a buyer whose price is pooled
 * follows up less rigorously (rigor_loss times the pooled share of the
 * price).  Both raise costs, so tariffs and the pooled budget (which follow
 * cost) and so what municipalities pay.
 *
 * The population weights are the scenario's (one population for the whole
 * run): the model has no population growth, so "the year before" is it.
 */
#include <math.h>
#include <string.h>
#include <stddef.h>
#include <stdlib.h>
#include "regime.h"
#include "flow.h"

/* ---- parameters: this regime's keys and their loader ---------------- */

static const cfg_key objective_keys[] = {
    CFG_KEY_E("objective.groups", "narrow", "broad|narrow|all", "R", "target groups under objective financing"),
    CFG_KEY_S("objective.types", "temporary,longterm,housing", "A", "offer types under objective financing, comma-separated"),
    CFG_KEY_E("objective.pool", "region", "region|national", "R", "municipalities that share the objective part"),
    CFG_KEY_E("objective.mode", "share", "share|threshold", "R", "share: phi of the budget pooled; threshold: buyer pays a share of the tariff and of the amount above a threshold"),
    CFG_KEY_R("objective.share", 0.6, 0, 1, "share", "R", "phi: pooled share of an offer's budget (1 = full objective financing; 60/40 in practice)"),
    CFG_KEY_R("objective.buyer_share", 0.10, 0, 1, "share", "R", "threshold mode: share of the tariff the buyer pays per use"),
    CFG_KEY_R("objective.above_share", 0.25, 0, 1, "share", "R", "threshold mode: share of a case's yearly amount above the threshold the buyer pays"),
    CFG_KEY_R("objective.threshold", 1000000, 0, 1e8, "DKK/year", "R", "threshold mode: yearly amount per case above which the buyer pays above_share"),
    CFG_KEY_R("objective.elasticity", 0.5, 0, 10, "levels", "A", "visitation becomes less strict by this many levels as the buyer's price falls to zero"),
    CFG_KEY_B("objective.coordinator", 1, "R", "a coordinator plans capacity of eligible offers toward the target wait"),
    CFG_KEY_R("objective.target_wait_days", 30, 0, 3650, "days", "R", "the coordinator's target mean wait"),
    CFG_KEY_R("objective.cost_drift", 0.01, 0, 0.5, "share/year", "A", "yearly growth of a pooled offer's staff cost per delivered hour, times the pooled share of its income: an offer covered whatever the demand has less reason to run efficiently"),
    CFG_KEY_R("objective.rigor_loss", 0.5, 0, 1, "share", "A", "buyers follow up less rigorously where the price is pooled: their rigor falls by this share times the pooled share of the price"),
};

static int objective_load(const cfg *c, const params *base, void *own, cfg_error *err)
{
    (void)base;
    objective_params *o = own;
    if (params_load_segments(c, "objective", &o->seg, err)) return -1;
    o->national = !strcmp(cfg_text(c, "objective.pool"), "national");
    o->threshold_mode = !strcmp(cfg_text(c, "objective.mode"), "threshold");
    o->share = cfg_real(c, "objective.share");
    o->buyer_share = cfg_real(c, "objective.buyer_share");
    o->above_share = cfg_real(c, "objective.above_share");
    o->threshold = cfg_real(c, "objective.threshold");
    o->elasticity = cfg_real(c, "objective.elasticity");
    o->coordinator = cfg_bool(c, "objective.coordinator");
    o->target_wait_days = cfg_real(c, "objective.target_wait_days");
    o->cost_drift = cfg_real(c, "objective.cost_drift");
    o->rigor_loss = cfg_real(c, "objective.rigor_loss");
    return 0;
}

/* This regime's parameters in the market's params. */
static inline const objective_params *objective_par(const market *m)
{
    return regime_params(m->p, &regime_objective);
}

double objective_threshold_price(double tariff_day, double buyer_share,
                                 double above_share, double threshold_year)
{
    double above = fmax(0, tariff_day * DAYS_PER_YEAR - threshold_year);
    return buyer_share * tariff_day + above_share * above / DAYS_PER_YEAR;
}

double objective_contribution(double pool_total, double adults,
                              double pool_adults)
{
    return pool_adults > 0 ? pool_total * adults / pool_adults : 0;
}

static double buyer_price(const market *m, const citizen *c, const offer *o);

/* What objective financing keeps per offer. */
typedef struct pool_offer {
    double carry;        /* result to settle in next year's contributions */
    double settled;      /* settlement taken from this year's */
    int    coordinated;  /* places the coordinator added (paid in full by the pool) */
} pool_offer;

static pool_offer *pool_of_offer(const market *m, const offer *o)
{
    return regime_offer_data(m, o);
}

/* The buyer pays a share of the takst price: the same parts, scaled; the
 * pooled part is added to the price of a place at year end (kpi.c). */
static void objective_price_parts(const market *m, const citizen *c,
                                  const offer *o, double *parts)
{
    double full = tariff_price(m, c, o), paid = buyer_price(m, c, o);
    tariff_price_parts(m, c, o, parts);
    for (int k = 0; k < N_PARTS; k++) parts[k] *= full > 0 ? paid / full : 0;
}

static double buyer_price(const market *m, const citizen *c, const offer *o)
{
    const objective_params *op = objective_par(m);
    double tariff = tariff_price(m, c, o);
    if (op->threshold_mode)
        return objective_threshold_price(tariff, op->buyer_share,
                                         op->above_share, op->threshold);
    return (1 - op->share) * tariff;
}

/* Per-use income each eligible offer can expect this year at budgeted
 * occupancy, from its residents' prices now (one pass over citizens). */
static double *expected_use_income(const market *m)
{
    double *sum = calloc((size_t)m->n_offers * 2 + 1, sizeof *sum);
    if (!sum) return NULL;
    double *n = sum + m->n_offers;
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state != CIT_PLACED) continue;
        const offer *o = &m->offers[c->offer];
        if (!regime_owns(m, &regime_objective, o)) continue;
        sum[c->offer] += buyer_price(m, c, o);
        n[c->offer]++;
    }
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        sum[i] = n[i] > 0 ? sum[i] / n[i] * o->capacity *
                                m->p->budgeted_occupancy * DAYS_PER_YEAR : 0;
    }
    return sum;
}

static int pool_of(const market *m, int muni)
{
    return objective_par(m)->national ? 0 : m->mt->m[muni].region;
}

static void pay_pool(market *m, offer *o)
{
    double adults = 0;
    int pool = objective_par(m)->national ? 0 : o->region;
    for (int i = 0; i < m->mt->n; i++)
        if (pool_of(m, i) == pool) adults += m->muni[i].adults;
    for (int i = 0; i < m->mt->n; i++) {
        if (pool_of(m, i) != pool) continue;
        double c = objective_contribution(o->pooled, m->muni[i].adults, adults);
        m->muni[i].acct.spend_type[o->type] += c;
        m->muni[i].acct.spend_seller[SELLER_POOL] += c;
        m->ya.spend_type[o->type] += c;
        m->ya.spend_seller[SELLER_POOL] += c;
        o->income += c;     /* what is paid is received, krone for krone */
    }
}

static void objective_year_start(market *m, int year)
{
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status != OFFER_CLOSED && regime_owns(m, &regime_objective, o))
            tariff_set(m, o, year);
    }
}

/* The pooled part of every eligible offer's budget, paid on 1 January (at
 * the start: once the starting stock is placed). */
static void objective_year_lumps(market *m, int year)
{
    (void)year;
    const objective_params *op = objective_par(m);
    double *use = op->threshold_mode ? expected_use_income(m) : NULL;
    if (op->threshold_mode && !use) {
        market_fail(m, "out of memory for objective financing");
        return;
    }
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        o->pooled = 0;
        if (o->status == OFFER_CLOSED || !regime_owns(m, &regime_objective, o))
            continue;
        double budget = offer_budget(m, o);
        /* the coordinator's places are the pool's in full */
        pool_offer *po = pool_of_offer(m, o);
        /* places cut since the coordinator added them are not paid */
        if (po->coordinated > o->capacity) po->coordinated = o->capacity;
        double coord = o->capacity > 0 ? (double)po->coordinated / o->capacity : 0;
        double pooled = op->threshold_mode ? budget - use[i]
                                           : (op->share + (1 - op->share) * coord) * budget;
        o->pooled = pooled - po->carry;   /* a surplus lowers it */
        po->settled = po->carry;
        po->carry = 0;
        pay_pool(m, o);
    }
    free(use);
}

/* Add as many places as the pool's citizens of a segment who have waited
 * longer than the target at year end (the queue itself, not the waits of
 * those already placed, which a growing queue leaves short). */
static void coordinate(market *m)
{
    const params *p = m->p;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            if (regime_of(m, t, g) != &regime_objective) continue;
            int waiting[MAX_REGIONS] = { 0 };
            for (int32_t id = m->wait[t][g].head; id >= 0; id = m->cit[id].wnext)
                if (m->now - m->cit[id].wait_start > objective_par(m)->target_wait_days)
                    waiting[pool_of(m, m->cit[id].home)]++;
            for (int pool = 0; pool < MAX_REGIONS; pool++) {
                if (!waiting[pool]) continue;
                offer *best = NULL;
                for (int k = 0; k < m->seg_n[t][g]; k++) {
                    offer *o = &m->offers[m->seg_offers[t][g][k]];
                    if (o->status != OFFER_OPEN) continue;
                    if (!objective_par(m)->national && o->region != pool) continue;
                    if (!best || o->last_occupancy > best->last_occupancy) best = o;
                }
                if (!best) continue;
                offer_accrue(m, best);
                best->capacity += waiting[pool];
                pool_of_offer(m, best)->coordinated += waiting[pool];
                offers_room_changed(m, best);   /* the new places are free */
            }
        }
}

static void objective_year_end(market *m, int year)
{
    (void)year;
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        /* settle the year's own result: last year's settlement, already in
         * this year's income, is not settled twice */
        if (!regime_owns(m, &regime_objective, o)) continue;
        pool_offer *po = pool_of_offer(m, o);
        po->carry = o->last_result + po->settled;
        /* covered whatever the demand: cost creeps up with the pooled share */
        if (o->status != OFFER_CLOSED && o->income > 0)
            o->cost_factor *= 1 + objective_par(m)->cost_drift *
                                  fmin(1, fmax(0, o->pooled / o->income));
    }
    if (objective_par(m)->coordinator) coordinate(m);
}

/* The share of the price the buyer no longer pays. */
static double pooled_share(const market *m)
{
    const objective_params *op = objective_par(m);
    return 1 - (op->threshold_mode ? op->buyer_share : 1 - op->share);
}

static double objective_rigor(const market *m, const citizen *c, const offer *o)
{
    (void)c; (void)o;
    return 1 - objective_par(m)->rigor_loss * pooled_share(m);
}

static double objective_referral_bias(const market *m, int type, int group)
{
    (void)type; (void)group;
    return objective_par(m)->elasticity * pooled_share(m);
}

/* What an entrant counts on per resident-day: the pool pays the part of
 * its cost-based budget the buyers do not, but the settlement takes its
 * result back, so it keeps its costs and no markup (the tariff less its
 * markup part).  Entry needs a return over cost, so no private provider
 * enters a pooled segment: the coordinator adds places instead. */
static double objective_income(const market *m, const citizen *c, const offer *o)
{
    double parts[N_PARTS];
    tariff_price_parts(m, c, o, parts);
    return tariff_price(m, c, o) - parts[PART_MARKUP];
}

const regime_ops regime_objective = {
    .name = "objective",
    .year_start = objective_year_start,
    .year_lumps = objective_year_lumps,
    .daily_price = buyer_price,
    .income_day = objective_income,
    .price_parts = objective_price_parts,
    .year_end = objective_year_end,
    .referral_bias = objective_referral_bias,
    .rigor = objective_rigor,
    .regrade = negotiation_regrade,
    .addons = negotiation_addons,
    .offer_size = sizeof(pool_offer),
    .keys = objective_keys,
    .n_keys = sizeof objective_keys / sizeof objective_keys[0],
    .params_size = sizeof(objective_params),
    .load = objective_load,
    .segments = offsetof(objective_params, seg),
    .must_admit = 1,
};
