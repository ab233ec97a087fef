/*
 * models/market.c - one replicate: set-up, the two accrual primitives, the
 * event loop and the year end.
 *
 * Time is in days from 1 January of the base year; a year is 365 days.
 * Money accrues between events (price x days); there are no daily events.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "flow.h"
#include "kpi.h"
#include "regime.h"
#include "shocks.h"

void market_fail(market *m, const char *fmt, ...)
{
    if (m->error[0]) return;            /* keep the first failure */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error, sizeof m->error, fmt, ap);
    va_end(ap);
    sim_engine_stop(&m->eng);
}

int market_schedule(market *m, double t, int kind, int a, uint32_t tag)
{
    if (sim_schedule(&m->eng, t, kind, (uint32_t)a, tag)) {
        market_fail(m, "out of memory growing the event queue");
        return -1;
    }
    return 0;
}



int market_seller(const market *m, const citizen *c, const offer *o)
{
    (void)m;
    switch (o->owner_kind) {
    case OWNER_MUNICIPAL:
        return o->owner == c->home ? SELLER_OWN : SELLER_OTHER_MUNICIPALITY;
    case OWNER_REGIONAL: return SELLER_REGION;
    default:             return SELLER_PRIVATE;
    }
}

/* Split AMOUNT into the parts of the price, scaled so that they add up to
 * what was paid exactly. */
static void accrue_parts(market *m, const citizen *c, const offer *o, double amount)
{
    double parts[N_PARTS], sum = 0;
    placement_price_parts(m, c, o, parts);
    for (int k = 0; k < N_PARTS; k++) sum += parts[k];
    if (sum == 0) { parts[PART_COST] = sum = 1; }
    for (int k = 0; k < N_PARTS; k++)
        m->ya.rev_part[k][o->type][c->true_level] += amount * parts[k] / sum;
}

void market_pay(market *m, citizen *c)
{
    double dt = m->now - c->paid_until;
    if (dt <= 0 || c->offer < 0) { c->paid_until = m->now; return; }
    offer *o = &m->offers[c->offer];
    double amount = c->price_day * dt;
    int seller = market_seller(m, c, o);
    municipality *buyer = &m->muni[c->home];
    year_acct *ya = &m->ya;

    buyer->acct.spend_type[o->type] += amount;
    buyer->acct.days_type[o->type] += dt;
    buyer->acct.spend_seller[seller] += amount;
    o->income += amount;
    if (o->owner_kind == OWNER_MUNICIPAL && seller != SELLER_OWN) {
        m->muni[o->owner].acct.sales += amount;
        o->income_others += amount;
    }

    ya->spend_type[o->type] += amount;
    ya->spend_seller[seller] += amount;
    ya->days_type[o->type] += dt;
    ya->rev_tl[o->type][c->true_level] += amount;
    accrue_parts(m, c, o, amount);
    /* an unusually expensive case weighs as (1 + extra) residents of its
     * level, so its cost shows as case mix, not as the price of a level */
    double weight = dt * (1 + c->extra);
    ya->days_tl[o->type][c->true_level] += weight;
    ya->rev_gl[c->group][c->true_level] += amount;
    ya->days_gl[c->group][c->true_level] += weight;
    ya->spend_group[c->group] += amount;
    ya->days_group[c->group] += dt;
    c->paid_until = m->now;
}

void market_admin(market *m, int muni, int purpose, double amount)
{
    assert(purpose >= 0 && purpose < N_ADMIN);
    m->muni[muni].acct.admin_cost += amount;
    m->ya.admin_cost += amount;
    m->ya.admin[purpose] += amount;
}

int market_alternatives(const market *m, int type, int group, int home_region)
{
    if (!m->p->group[group].narrow) return market_free_places(m, type, group, home_region);
    int n = 0;
    for (int r = 0; r < m->mt->n_regions; r++) n += market_free_places(m, type, group, r);
    return n;
}

double market_scarcity(const market *m, int type, int group, int home_region)
{
    return 1 / (1 + market_alternatives(m, type, group, home_region) /
                        m->p->alternatives_ref);
}

void offer_accrue(market *m, offer *o)
{
    double dt = m->now - o->accrued_until;
    o->accrued_until = m->now;
    if (dt <= 0 || o->status == OFFER_CLOSED) return;
    const params *p = m->p;
    double fixed_day = o->fixed_per_place * o->capacity * m->fixed_index /
                       DAYS_PER_YEAR;
    double staff_day = o->staff_hours * m->wage * o->cost_factor / 7.0;
    o->cost += (fixed_day + staff_day) * dt;
    o->cost_fixed += fixed_day * dt;
    o->hour_days += o->priced_hours * dt;
    o->resident_days += o->occupied * dt;
    o->place_days += o->capacity * dt;
    o->delivered_h += o->staff_hours * p->direct_share * dt / 7.0;
    o->needed_h += o->true_hours * p->direct_share * dt / 7.0;
}

static void market_register(market *m);   /* the loop's handlers, below */

/* ---- set-up ----------------------------------------------------------- */

/*
 * A municipality's lasting traits (domain.md section 9), from a stream keyed
 * by the municipality and, with traits.draw: redraw, the replicate: with
 * fixed, every replicate and every variant sees the same country.  Draws
 * come in a fixed order; a new trait goes at the end, so adding one leaves
 * the others.  Need per adult is a structural index times a part it does
 * not explain, both log-normal with mean 1 before the national
 * normalisation.
 */
static void municipality_traits(market *m, int i)
{
    const params *p = m->p;
    municipality *mu = &m->muni[i];
    sim_rng s;
    sim_rng_init(&s, m->seed, p->traits_redraw ? (uint32_t)m->replicate : UINT32_MAX,
                 RNG_TRAITS, (uint64_t)i);
    gsl_rng *r = &s.rng;
    double ss = p->need_structural_sd, su = p->need_idiosyncratic_sd;
    mu->need_structural = exp(gsl_ran_gaussian_ziggurat(r, ss) - ss * ss / 2);
    mu->need = mu->need_structural * exp(gsl_ran_gaussian_ziggurat(r, su) - su * su / 2);
    mu->strictness = p->strictness + gsl_ran_gaussian_ziggurat(r, p->strictness_sd);
    mu->rigor = fmin(1.0, p->rigor * exp(gsl_ran_gaussian_ziggurat(r, p->rigor_sd)));
    mu->cost_sensitivity = p->cost_sensitivity *
                           exp(gsl_ran_gaussian_ziggurat(r, p->cost_sensitivity_sd));
    mu->own_preference = exp(gsl_ran_gaussian_ziggurat(r, p->own_preference_sd));
    mu->budget_bias = gsl_ran_gaussian_ziggurat(r, p->budget_bias_sd);
}

static void municipalities_init(market *m)
{
    const params *p = m->p;
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        const muni_info *mi = &m->mt->m[i];
        memset(mu, 0, sizeof *mu);
        mu->adults = muni_adults(m->mt, p, i, p->start_year + m->year);
        sim_rng_init(&mu->arrivals, m->seed, (uint32_t)m->replicate,
                     RNG_ARRIVALS, (uint64_t)i);
        sim_rng_init(&mu->budget_rng, m->seed, (uint32_t)m->replicate,
                     RNG_BUDGET, (uint64_t)i);
        sim_rng_init(&mu->home_rng, m->seed, (uint32_t)m->replicate,
                     RNG_HOME, (uint64_t)i);
        municipality_traits(m, i);
        int size = mi->population >= p->large_population ? 2
                 : mi->population >= p->small_population ? 1 : 0;
        mu->committee_days = p->committee_days[size];
    }
    /* the need index redistributes need: its adult-weighted mean is 1, so
     * the groups' incidences stay the national rates */
    double w = 0, a = 0, ws = 0;
    for (int i = 0; i < m->mt->n; i++) {
        w += m->muni[i].adults * m->muni[i].need;
        ws += m->muni[i].adults * m->muni[i].need_structural;
        a += m->muni[i].adults;
    }
    for (int i = 0; i < m->mt->n; i++) {
        if (w > 0) m->muni[i].need *= a / w;
        if (ws > 0) m->muni[i].need_structural *= a / ws;
    }
}

/*
 * Variable cost per place-year is (1 - fixed share) of the type's full cost
 * [D].  The need-hour table gives only the shape across levels; this scale
 * makes the starting residents of each type cost what the reports say a
 * place costs.  It is taken from the starting stock, not the onset mix,
 * because the ladder diverts the lightest needs to home support.
 */
static void hours_scale_init(market *m)
{
    const params *p = m->p;
    double w[N_OFFER_TYPES] = { 0 }, n[N_OFFER_TYPES] = { 0 };
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state != CIT_PENDING || c->rung == RUNG_HOME) continue;
        w[c->rung] += p->group[c->group].cost_multiplier *
                      p->hours_per_week[c->priced_level];
        n[c->rung]++;
    }
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        double mean_weight = n[t] > 0 && w[t] > 0 ? w[t] / n[t] : 1;
        double direct_h_year = (1 - p->fixed_share) * p->type[t].full_cost /
                               (p->wage_per_hour / p->direct_share);
        m->hours_scale[t] = direct_h_year / (DAYS_PER_YEAR / 7.0) / mean_weight;
    }
    /* market_hours is looked up, not computed: it is asked for every
     * offer a placement search scores */
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++)
            for (int l = 0; l < p->levels; l++)
                m->hours_tab[t][g][l] = m->hours_scale[t] * p->group[g].cost_multiplier *
                                        p->hours_per_week[l] / p->direct_share;
}

/* Wage, fixed-cost and cost index of year m->year (below 1 in a warm-up). */
static void set_indices(market *m)
{
    const params *p = m->p;
    m->wage = p->wage_per_hour * pow(1 + p->wage_growth, m->year) *
              shocks_wage_factor(m, m->now);
    m->fixed_index = pow(1 + p->price_growth, m->year);
    m->cost_index = p->fixed_share * m->fixed_index +
                    (1 - p->fixed_share) * m->wage / p->wage_per_hour;
}

int market_init(market *m, const params *p, const muni_table *mt,
                uint64_t seed, int replicate)
{
    memset(m, 0, sizeof *m);
    m->p = p;
    m->mt = mt;
    m->seed = seed;
    m->replicate = replicate;
    m->year = -p->warmup_years;
    set_indices(m);
    shocks_trend_year(m);
    m->cost_index_last = m->cost_index;
    m->free_cit = -1;
    m->price_epoch = 1;   /* floors start stale (epoch 0) */
    m->displaced_at = -1;
    /* a warm-up runs today's tariffs in every variant, and so do the years
     * before the regimes take over */
    if (regime_assign(m, market_regimes_later(p) ? "takst" : p->regime)) return -1;
    /* a day per bucket: about a hundred events at the Danish scale */
    if (sim_engine_init(&m->eng, m, 1.0)) goto oom;
    market_register(m);
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < MAX_GROUPS; g++)
            m->wait[t][g].head = m->wait[t][g].tail = -1;
    sim_rng_init(&m->market_rng, seed, (uint32_t)replicate, RNG_MARKET, 0);

    municipalities_init(m);
    demand_prepare(m);
    if (offers_build(m)) goto oom;
    demand_initial_stock(m);
    hours_scale_init(m);
    regimes_year_start(m);
    demand_place_stock(m);
    if (m->error[0]) return -1;
    for (int i = 0; i < m->n_offers; i++) {    /* staffed for who is there */
        offer *o = &m->offers[i];
        o->staff_hours = o->need_hours;
        /* tariffs were set on empty offers: averages now see residents */
        if (regime_of(m, o->type, o->group) != &regime_drg) tariff_refresh_average(m, o);
    }
    m->price_epoch++;
    regimes_year_lumps(m);
    for (int i = 0; i < m->n_cit; i++)
        if (m->cit[i].state == CIT_PLACED) placement_reprice(m, &m->cit[i]);
    return 0;
oom:
    market_fail(m, "out of memory setting up the market");
    return -1;
}

void market_free(market *m)
{
    sim_engine_free(&m->eng);
    regime_release_all(m);
    free(m->shocks);
    free(m->incidence_shocks);
    free(m->offers);
    free(m->cit);
    free(m->cand_id);
    free(m->cand_d);
    free(m->onsets);
    free(m->displaced);
    for (int i = 0; i < MAX_MUNIS; i++) free(m->muni[i].home_ends);
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < MAX_GROUPS; g++) {
            free(m->seg_offers[t][g]);
            for (int r = 0; r < MAX_REGIONS; r++)
                for (int k = 0; k < N_OWNERS; k++) {
                    free(m->avail[t][g][r][k].id);
                    free(m->avail[t][g][r][k].owner);
                }
        }
}

/* ---- year end --------------------------------------------------------- */

/* Loops over every citizen pay each placed one, and its offer's record
 * is anywhere in memory: ask for the offer of the citizen AHEAD places on
 * (each line of it: paying reads the tariff and writes the accounts). */
#define PAY_AHEAD 8
static inline void prefetch_offer_of(const market *m, int i)
{
    if (i >= m->n_cit || m->cit[i].state != CIT_PLACED) return;
    const char *o = (const char *)&m->offers[m->cit[i].offer];
    for (size_t b = 0; b < sizeof(offer); b += 64) __builtin_prefetch(o + b, 1);
    __builtin_prefetch(o + sizeof(offer) - 1, 1);   /* records are not aligned */
}

static void accrue_everything(market *m)
{
    for (int i = 0; i < m->n_cit; i++) {
        prefetch_offer_of(m, i + PAY_AHEAD);
        if (m->cit[i].state == CIT_PLACED) market_pay(m, &m->cit[i]);
    }
    for (int i = 0; i < m->n_offers; i++) offer_accrue(m, &m->offers[i]);
    for (int i = 0; i < m->mt->n; i++) home_accrue(m, i);
}

/*
 * The invariants every run must keep: every amount, count of days and
 * hours, tariff and index the year's accounts are made of is a finite
 * number; money paid equals money received; every occupied place has
 * exactly one placed citizen; no offer is above capacity or below zero;
 * and every waiting citizen is on exactly one waiting list.  The first
 * check comes first because NaN fails every comparison: a NaN in the
 * accounts would pass all the others silently.
 *
 * Messages name the calendar year and the quantity; market_run adds the
 * job (variant and replicate).
 */

static const char *const seller_label[N_SELLERS] = {
    "own offers", "other municipalities", "regions", "private offers", "the pool"
};

/* Fail unless X is finite; WHAT names it (printf format). 0 or -1. */
static int finite_or_fail(market *m, double x, const char *what, ...)
    __attribute__((format(printf, 3, 4)));
static int finite_or_fail(market *m, double x, const char *what, ...)
{
    if (isfinite(x)) return 0;
    char name[160];
    va_list ap;
    va_start(ap, what);
    vsnprintf(name, sizeof name, what, ap);
    va_end(ap);
    market_fail(m, "year %d: %s is %g, not a finite number",
                m->p->start_year + m->year, name, x);
    return -1;
}

/* Every finite_or_fail of an array of N doubles, named NAME[i]. */
static int finite_array(market *m, const double *x, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (finite_or_fail(m, x[i], "%s[%d]", name, i)) return -1;
    return 0;
}

static int check_finite(market *m)
{
    const year_acct *ya = &m->ya;
    if (finite_or_fail(m, m->now, "the clock") ||
        finite_or_fail(m, m->wage, "the wage") ||
        finite_or_fail(m, m->fixed_index, "the fixed-cost index") ||
        finite_or_fail(m, m->cost_index, "the cost index"))
        return -1;
    for (int i = 0; i < m->mt->n; i++) {
        const municipality *mu = &m->muni[i];
        const muni_acct *a = &mu->acct;
        for (int s = 0; s < N_SELLERS; s++)
            if (finite_or_fail(m, a->spend_seller[s],
                               "municipality %d spending on %s", i, seller_label[s]))
                return -1;
        for (int t = 0; t < N_OFFER_TYPES; t++)
            if (finite_or_fail(m, a->spend_type[t],
                               "municipality %d spending on %s", i, offer_type_name[t]))
                return -1;
        if (finite_or_fail(m, a->sales, "municipality %d sales", i) ||
            finite_or_fail(m, a->home_cost, "municipality %d home-support cost", i) ||
            finite_or_fail(m, a->admin_cost, "municipality %d administrative cost", i) ||
            finite_or_fail(m, mu->budget, "municipality %d budget", i))
            return -1;
    }
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        if (finite_or_fail(m, o->income, "offer %d income", i) ||
            finite_or_fail(m, o->cost, "offer %d cost", i) ||
            finite_or_fail(m, o->resident_days, "offer %d resident days", i) ||
            finite_or_fail(m, o->place_days, "offer %d place days", i) ||
            finite_or_fail(m, o->staff_hours, "offer %d staff hours", i) ||
            finite_or_fail(m, o->need_hours, "offer %d needed hours", i) ||
            finite_or_fail(m, o->priced_hours, "offer %d priced hours", i) ||
            finite_or_fail(m, o->true_hours, "offer %d true hours", i) ||
            finite_or_fail(m, o->basic_day, "offer %d basic tariff", i) ||
            finite_or_fail(m, o->hour_day, "offer %d hourly tariff", i) ||
            finite_or_fail(m, o->average_day, "offer %d average tariff", i) ||
            finite_or_fail(m, o->equity, "offer %d equity", i))
            return -1;
    }
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_PLACED &&
            finite_or_fail(m, c->price_day, "citizen %d daily price", i))
            return -1;
    }
    if (finite_array(m, ya->spend_type, N_OFFER_TYPES, "national spending by type") ||
        finite_array(m, ya->spend_seller, N_SELLERS, "national spending by seller") ||
        finite_array(m, ya->days_type, N_OFFER_TYPES, "national days by type") ||
        finite_array(m, &ya->rev_tl[0][0], N_OFFER_TYPES * MAX_LEVELS,
                     "revenue by type and level") ||
        finite_array(m, &ya->days_tl[0][0], N_OFFER_TYPES * MAX_LEVELS,
                     "days by type and level") ||
        finite_array(m, &ya->rev_part[0][0][0], N_PARTS * N_OFFER_TYPES * MAX_LEVELS,
                     "revenue by price part") ||
        finite_array(m, ya->spend_group, MAX_GROUPS, "spending by group") ||
        finite_array(m, ya->wait_days_sum, 2, "days waited") ||
        finite_or_fail(m, ya->home_cost, "national home-support cost") ||
        finite_or_fail(m, ya->admin_cost, "national administrative cost") ||
        finite_or_fail(m, ya->delivered_h, "hours delivered") ||
        finite_or_fail(m, ya->needed_h, "hours needed"))
        return -1;
    return 0;
}

/* The invariants above; 0, or -1 with m->error set.  Exposed for tests. */
int market_check_invariants(market *m)
{
    if (check_finite(m)) return -1;
    int year = m->p->start_year + m->year;
    double paid = 0, received = 0;
    for (int i = 0; i < m->mt->n; i++)
        for (int s = 0; s < N_SELLERS; s++) paid += m->muni[i].acct.spend_seller[s];
    for (int i = 0; i < m->n_offers; i++) received += m->offers[i].income;
    if (!(fabs(paid - received) <= 1e-6 * fmax(1.0, fabs(paid))))
        market_fail(m, "year %d: paid %.2f DKK but offers received %.2f",
                    year, paid, received);

    /* one pass over the citizens in memory order counts every offer's
     * residents and their staffing need (walking each offer's residents
     * instead would jump between records) */
    int *placed = calloc((size_t)m->n_offers + 1, sizeof *placed);
    double *staffed = calloc((size_t)m->n_offers + 1, sizeof *staffed);
    if (!placed || !staffed) {
        free(placed);
        free(staffed);
        market_fail(m, "out of memory in the invariant check");
        return -1;
    }
    int waiting = 0, listed = 0, home_records[MAX_MUNIS] = { 0 };
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_PLACED) {
            if (c->offer >= 0 && c->offer < m->n_offers) {
                placed[c->offer]++;
                staffed[c->offer] += placement_staffed_hours(m, c, &m->offers[c->offer]);
                /* and C is on its offer's list of residents */
                if (c->wprev >= 0 ? c->wprev >= m->n_cit || m->cit[c->wprev].wnext != i ||
                                        m->cit[c->wprev].offer != c->offer
                                  : m->offers[c->offer].residents != i)
                    market_fail(m, "year %d: citizen %d is not on the residents list of "
                                "offer %d", year, i, c->offer);
            } else market_fail(m, "year %d: citizen %d placed in no offer (%d)",
                             year, i, c->offer);
        } else if (c->state == CIT_WAITING) waiting++;
        else if (c->state == CIT_HOME) home_records[c->home]++;
        else if (c->state != CIT_FREE && c->state != CIT_PENDING &&
                 c->state != CIT_HOME)
            market_fail(m, "year %d: citizen %d in no known state (%d)", year, i,
                        c->state);
    }
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        if (placed[i] != o->occupied)
            market_fail(m, "year %d: offer %d: %d placed citizens but occupancy %d",
                        year, i, placed[i], o->occupied);
        if (o->occupied > o->capacity)
            market_fail(m, "year %d: offer %d above capacity (%d > %d)", year, i,
                        o->occupied, o->capacity);
        /* the staffing target is what the paying regime's rule gives for
         * the residents now there, however they came (take_over) */
        if (o->status != OFFER_CLOSED && o->occupied > 0) {
            double need = staffed[i];
            if (!(fabs(need - o->need_hours) <= 1e-6 * fmax(1.0, need)))
                market_fail(m, "year %d: offer %d staffs for %.6g hours, its residents "
                            "need %.6g by its regime's rule", year, i, o->need_hours, need);
        }
        if (o->capacity < 0)
            market_fail(m, "year %d: offer %d has capacity %d", year, i, o->capacity);
    }
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < m->p->n_groups; g++) {
            if (m->wait[t][g].count < 0)
                market_fail(m, "year %d: waiting list %s/%d has %d citizens", year,
                            offer_type_name[t], g, m->wait[t][g].count);
            listed += m->wait[t][g].count;
        }
    if (listed != waiting)
        market_fail(m, "year %d: %d citizens waiting but %d on waiting lists",
                    year, waiting, listed);
    /* home-support users: records, ends kept without a record, and in the
     * aggregate form counts by group and level (demand.c) */
    for (int i = 0; i < m->mt->n; i++) {
        const municipality *mu = &m->muni[i];
        int counted = home_records[i] + mu->n_home_ends, pending = 0;
        if (m->p->home_aggregate) {
            counted = 0;
            for (int g = 0; g < m->p->n_groups; g++)
                for (int l = 0; l < m->p->levels; l++) {
                    counted += mu->home_n[g][l];
                    pending += mu->pending_home[g][l];
                }
        }
        if (counted != mu->home_users || pending != mu->n_pending_home)
            market_fail(m, "year %d: municipality %d has %d home-support users but "
                        "%d are counted (%d of %d pending)", year, i, mu->home_users,
                        counted, pending, mu->n_pending_home);
    }
    /* the availability index lists exactly the open offers with room */
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        int room = o->status == OFFER_OPEN && o->occupied < o->capacity
                       ? o->capacity - o->occupied : 0;
        const struct avail_list *l = &m->avail[o->type][o->group][o->region][o->owner_kind];
        int listed_here = o->avail_pos >= 0 && o->avail_pos < l->n && l->id[o->avail_pos] == i &&
                          l->owner[o->avail_pos] == o->owner;
        if (o->room != room || (room > 0) != listed_here || (room == 0 && o->avail_pos >= 0))
            market_fail(m, "year %d: offer %d has %d free places but the index says %d%s",
                        year, i, room, o->room,
                        listed_here ? "" : " (not listed, or under another owner)");
    }
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < m->p->n_groups; g++)
            for (int r = 0; r < m->mt->n_regions; r++)
                for (int k = 0; k < N_OWNERS; k++) {
                    const struct avail_list *l = &m->avail[t][g][r][k];
                    int sum = 0;
                    for (int j = 0; j < l->n; j++) sum += m->offers[l->id[j]].room;
                    if (sum != l->free_places)
                        market_fail(m, "year %d: index list %s/%d/%d/%d counts %d free "
                                    "places, its offers %d", year, offer_type_name[t], g,
                                    r, k, l->free_places, sum);
                }
    free(placed);
    free(staffed);
    return m->error[0] ? -1 : 0;
}

static void budgets_close_year(market *m)
{
    const params *p = m->p;
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        double spend = mu->acct.home_cost;
        for (int t = 0; t < N_OFFER_TYPES; t++) spend += mu->acct.spend_type[t];
        mu->spend_last = spend;
        /* Financially pressed municipalities visit more strictly [A, R
         * dir.], in proportion to the overspending, in full from
         * visitation.pressure_full_at of the budget */
        double over = mu->budget > 0 ? (spend - mu->budget) / mu->budget : 0;
        mu->pressure = p->pressure_strictness *
                       fmin(1, fmax(0, over / p->pressure_full_at));
    }
}

/*
 * Budget practice [R]: next year's budget is this year's budget, moved
 * toward this year's outturn by budget.catch_up, grown by the price and
 * wage forecast (the cost index the municipality expects), its lasting
 * optimism or caution, a forecast error, and any allowance for demand.
 * Demand enters only through the outturn, late and in part: growth in
 * needs and unit prices beyond the index shows as overspending that
 * persists, different in every municipality.
 */
static double budget_forecast(market *m, municipality *mu)
{
    const params *p = m->p;
    double index = p->fixed_share * p->price_growth + (1 - p->fixed_share) * p->wage_growth;
    return index + p->budget_allowance + mu->budget_bias +
           gsl_ran_gaussian_ziggurat(&mu->budget_rng.rng, p->budget_noise_sd);
}

static void budgets_open_year(market *m)
{
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        double base = mu->budget + m->p->budget_catch_up * (mu->spend_last - mu->budget);
        mu->budget = base * (1 + budget_forecast(m, mu));
        memset(&mu->acct, 0, sizeof mu->acct);
    }
}

/* The base-year budget: this year's spending rate on day one, grown by the
 * forecast - what a municipality knows when it budgets. */
static void budgets_first_year(market *m)
{
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_PLACED)
            m->muni[c->home].spend_last += c->price_day * DAYS_PER_YEAR;
    }
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        home_accrue(m, i);          /* home_users as of now */
        mu->spend_last += mu->home_users * m->p->home_cost_per_year;
        mu->budget = mu->spend_last * (1 + budget_forecast(m, mu));
    }
}

/* Attendance hours per week of a resident at the group's expected mix. */
double offer_expected_hours(const market *m, const offer *o)
{
    return m->hours_scale[o->type] * m->p->group[o->group].cost_multiplier *
           m->mean_weight[o->type][o->group] / m->p->direct_share;
}

/* Staffed hours per resident an offer budgets with: its residents' mean,
 * or the group's expected mix when it is empty. */
double offer_budget_hours(const market *m, const offer *o)
{
    return o->occupied > 0 ? o->need_hours / o->occupied : offer_expected_hours(m, o);
}

/* What an offer expects to spend this year at budgeted occupancy: fixed
 * cost, and staff for its residents' needs. */
double offer_budget(const market *m, const offer *o)
{
    double residents = o->capacity * m->p->budgeted_occupancy;
    return o->fixed_per_place * o->capacity * m->fixed_index +
           residents * offer_budget_hours(m, o) * m->wage * o->cost_factor *
           DAYS_PER_YEAR / 7.0;
}

/*
 * Owners fund their own offers (5.5): per occupied place (activity), by a
 * frame, or both.  The frame share of the budget for the owner's own
 * residents (net of any pooled part) is paid on 1 January; those residents
 * then pay only the rest of the price per day, other buyers the full price.
 */
static void owner_frames(market *m)
{
    double share = m->p->owner.fixed_share;
    if (share <= 0) return;
    int *own = calloc((size_t)m->n_offers + 1, sizeof *own);
    if (!own) { market_fail(m, "out of memory for frames"); return; }
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_PLACED && m->offers[c->offer].owner == c->home &&
            m->offers[c->offer].owner_kind == OWNER_MUNICIPAL)
            own[c->offer]++;
    }
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        o->frame = 0;
        if (o->owner_kind != OWNER_MUNICIPAL || o->status == OFFER_CLOSED) continue;
        double own_share = o->occupied > 0 ? (double)own[i] / o->occupied : 1;
        o->frame = share * (offer_budget(m, o) - o->pooled) * own_share;
        if (o->frame <= 0) { o->frame = 0; continue; }
        o->income += o->frame;
        municipality *mu = &m->muni[o->owner];
        mu->acct.spend_type[o->type] += o->frame;
        mu->acct.spend_seller[SELLER_OWN] += o->frame;
        m->ya.spend_type[o->type] += o->frame;
        m->ya.spend_seller[SELLER_OWN] += o->frame;
    }
    free(own);
}

/* Tariffs, contracts and prices of the year. */
void regimes_year_start(market *m)
{
    for (int i = 0; i < m->n_regimes; i++) m->regimes[i]->year_start(m, m->year);
    m->price_epoch++;   /* placement searches' price floors are stale */
}

/* The year's lump payments, which depend on who is placed. */
void regimes_year_lumps(market *m)
{
    for (int i = 0; i < m->n_regimes; i++)
        if (m->regimes[i]->year_lumps) m->regimes[i]->year_lumps(m, m->year);
    owner_frames(m);
}

/* Every resident onto this year's prices; one still on the terms it had
 * before the regimes took over keeps its price, indexed. */
static void reprice_all(market *m)
{
    double growth = m->cost_index / m->cost_index_last;
    for (int i = 0; i < m->n_cit; i++) {
        prefetch_offer_of(m, i + PAY_AHEAD);
        citizen *c = &m->cit[i];
        if (c->state != CIT_PLACED) continue;
        if (!c->old_terms) {
            placement_reprice(m, c);
            continue;
        }
        market_pay(m, c);
        c->price_day *= growth;
    }
}

/*
 * The variant's regimes take over from takst on 1 January: each
 * municipality pays the one-off cost of the move if any segment leaves
 * takst, and with regime.transition at_followup every resident keeps the
 * price it has, indexed, until its next follow-up (caseflow.c clears
 * old_terms).  Every offer's staffing target is counted again by the new
 * regime's rule (staffed_hours): follow-ups and discharges move it by
 * differences under that rule, so hours staffed for grades and add-ons
 * agreed under takst would otherwise stay in it for as long as the offer
 * is never empty.
 * 0, or -1 with m->error set.
 */
static int take_over(market *m)
{
    const params *p = m->p;
    m->regime_year = m->year;
    if (regime_assign(m, p->regime)) return -1;
    int moves = 0;
    for (int i = 0; i < m->n_regimes; i++) moves |= m->regimes[i] != &regime_takst;
    if (moves)
        for (int i = 0; i < m->mt->n; i++)
            market_admin(m, i, ADMIN_TRANSITION, p->transition_cost);
    if (moves && p->transition_at_followup)
        for (int i = 0; i < m->n_cit; i++)
            if (m->cit[i].state == CIT_PLACED) m->cit[i].old_terms = 1;
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status == OFFER_CLOSED) continue;
        double need = 0;
        for (int id = o->residents; id >= 0; id = m->cit[id].wnext)
            need += placement_staffed_hours(m, &m->cit[id], o);
        o->need_hours = need;
    }
    return 0;
}

static void year_end(market *m, struct sim_record *res, int v, int r)
{
    const params *p = m->p;
    /* needs that arose this year count in it, decided or not; aggregate
     * home support is moved on to the year end */
    for (int i = 0; i < m->mt->n; i++) {
        demand_collect(m, i);
        home_step(m, i);
    }
    accrue_everything(m);
    market_check_invariants(m);
    offers_close_accounts(m);
    for (int i = 0; i < m->n_regimes; i++) m->regimes[i]->year_end(m, m->year);
    budgets_close_year(m);
    offers_year_end(m);        /* closures, capacity, entry: counted this year */
    /* who sells: in the last warm-up year (without one, the base year),
     * before any reported year under another regime than takst */
    if (m->year == (p->warmup_years > 0 ? -1 : 0))
        for (int i = 0; i < m->mt->n; i++) {
            const muni_acct *a = &m->muni[i].acct;
            double bought = 0;
            for (int t = 0; t < N_OFFER_TYPES; t++) bought += a->spend_type[t];
            m->muni[i].net_seller = a->sales > bought - a->spend_seller[SELLER_OWN];
        }
    /* warm-up: unreported, but its last year's prices are what the base
     * year's drift compares with */
    if (m->year >= 0) kpi_record(m, res, v, r, m->year);
    else if (m->year == -1) kpi_record(m, NULL, v, r, -1);
    offers_open_year(m);

    m->year++;
    memcpy(m->placed_last, m->ya.placed, sizeof m->placed_last);
    memset(&m->ya, 0, sizeof m->ya);
    budgets_open_year(m);
    m->cost_index_last = m->cost_index;
    set_indices(m);
    for (int i = 0; i < m->mt->n; i++)        /* run.adults_by_year */
        m->muni[i].adults = muni_adults(m->mt, p, i, p->start_year + m->year);
    shocks_trend_year(m);
    /* after a warm-up (or later, regime.starts_after), each variant's own
     * regimes take over from takst */
    if (market_regimes_later(p) && m->year == p->regime_starts && take_over(m)) {
        sim_engine_stop(&m->eng);
        return;
    }
    if (m->year < p->years) {
        regimes_year_start(m);
        regimes_year_lumps(m);
        reprice_all(m);
        placement_serve_all(m);   /* new and larger offers take waiting citizens */
        market_schedule(m, market_year_time(m, m->year + 1), EV_YEAR_END, 0, 0);
    } else {
        sim_engine_stop(&m->eng);
    }
}

/* ---- the loop ---------------------------------------------------------- */

/*
 * The handlers the engine calls, one per kind.  Each sets the market's
 * clock, which the model's modules read as m->now.
 */
static market *at(void *model, const sim_event *e)
{
    market *m = model;
    m->now = e->time;
    return m;
}

static citizen *cit_of(market *m, const sim_event *e)
{
    return &m->cit[sim_event_id(e)];
}

/* A citizen's event is stale once its generation moved on. */
static int citizen_live(const void *model, const sim_event *e)
{
    const market *m = model;
    return sim_tag(m->cit[sim_event_id(e)].gen) == sim_event_tag(e);
}

static void citizen_prefetch(const void *model, const sim_event *e, int ahead)
{
    const market *m = model;
    const citizen *c = &m->cit[sim_event_id(e)];
    if (ahead > 1) {
        __builtin_prefetch(c);
        __builtin_prefetch((const char *)c + sizeof *c - 1);
        return;
    }
    /* asked for an event ago: a placed citizen's event pays its offer */
    if (c->state != CIT_PLACED || c->offer < 0) return;
    const char *o = (const char *)&m->offers[c->offer];
    for (size_t b = 0; b < sizeof(offer); b += 64) __builtin_prefetch(o + b, 1);
    __builtin_prefetch(o + sizeof(offer) - 1, 1);
}

/* A committee that met with others at the same time has met. */
static int meeting_live(const void *model, const sim_event *e)
{
    const market *m = model;
    return m->muni[sim_event_id(e)].meeting_at == e->time;
}

static void on_meeting(void *mv, const sim_event *e)
{
    demand_meeting(at(mv, e), (int)sim_event_id(e));
}

static void on_followup(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    caseflow_followup(m, cit_of(m, e));
}

static void on_exit(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    caseflow_exit(m, cit_of(m, e));
}

static void on_wait_check(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    citizen *c = cit_of(m, e);
    if (c->state != CIT_WAITING) return;
    placement_try(m, c, 1);
    /* looked at again a tolerance later, but at least a day: a tolerance
     * of 0 buys at once and must not recheck forever */
    if (c->state == CIT_WAITING)
        market_schedule(m, m->now + fmax(m->p->wait_tolerance_days, 1.0),
                        EV_WAIT_CHECK, (int)(c - m->cit), c->gen);
}

static void on_quarter(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    offers_staff_quarter(m);
    market_schedule(m, m->now + DAYS_PER_YEAR / 4, EV_QUARTER, 0, 0);
}

static void on_year_end(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    year_end(m, m->res, m->variant, m->replicate);
}

static void on_shock(void *mv, const sim_event *e)
{
    market *m = at(mv, e);
    shocks_fire(m, (int)sim_event_id(e));
}

static void market_register(market *m)
{
    sim_engine *g = &m->eng;
    sim_engine_on(g, EV_SHOCK, "shock", on_shock, NULL);
    sim_engine_on(g, EV_YEAR_END, "year end", on_year_end, NULL);
    sim_engine_on(g, EV_QUARTER, "quarter", on_quarter, NULL);
    sim_engine_on(g, EV_EXIT, "exit", on_exit, citizen_live);
    sim_engine_on(g, EV_FOLLOWUP, "follow-up", on_followup, citizen_live);
    sim_engine_on(g, EV_WAIT_CHECK, "wait check", on_wait_check, citizen_live);
    sim_engine_on(g, EV_MEETING, "committee meeting", on_meeting, meeting_live);
    for (int k = EV_EXIT; k <= EV_WAIT_CHECK; k++) sim_engine_prefetch(g, k, citizen_prefetch);
}

void market_start(market *m, struct sim_record *res, int v)
{
    budgets_first_year(m);
    if (shocks_prepare(m) == 0) demand_start(m);
    market_schedule(m, DAYS_PER_YEAR / 4, EV_QUARTER, 0, 0);
    market_schedule(m, market_year_time(m, m->year + 1), EV_YEAR_END, 0, 0);
    m->res = res;
    m->variant = v;
}

int market_advance(market *m, double until)
{
    if (!m->error[0] && sim_engine_run(&m->eng, until))
        market_fail(m, "out of memory growing the event queue");
    m->events = (double)m->eng.handled;
    return m->error[0] ? -1 : 0;
}

int market_run(const params *p, const muni_table *mt, uint64_t seed, int v,
               int r, struct sim_record *res, double *events)
{
    market *m = calloc(1, sizeof *m);
    if (!m) return -1;
    int rc = market_init(m, p, mt, seed, r);
    if (rc == 0) {
        market_start(m, res, v);
        market_advance(m, market_year_time(m, p->years));
    }
    if (m->error[0]) {
        fprintf(stderr, "placesim: variant %d replicate %d: %s\n", v, r, m->error);
        rc = -1;
    }
    if (events) *events = m->events;
    market_free(m);
    free(m);
    return rc;
}
