/*
 * models/shocks.c - scheduled and stochastic shocks.
 *
 * A scheduled shock occurs once, on 1 January of its start year; one with a
 * rate occurs a Poisson number of times at uniform times over the horizon.
 * Either way its size may be drawn log-normally around the stated size.
 * Incidence shocks (a multiplier) and waves (an addition per 10,000 adults)
 * change the rate at which needs arise; demand.c integrates that
 * piecewise-constant rate exactly, so arrivals keep their common random
 * numbers.  Closures, wage jumps and expensive single cases fire as events.
 */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "shocks.h"
#include "flow.h"

/* One-off shocks dated on a year boundary fire just after the old year has
 * closed (a millionth of a day later), so they count in their own year, and
 * a wage settlement on 1 January is not yet in that year's tariffs. */
#define AFTER_YEAR_END 1e-6

static int add_event(market *m, int i, double t0, double size, double u)
{
    const shock_params *s = &m->p->shock[i];
    if (s->kind != SHOCK_INCIDENCE && s->kind != SHOCK_WAVE) t0 += AFTER_YEAR_END;
    shock_event *a = realloc(m->shocks, (size_t)(m->n_shocks + 1) * sizeof *a);
    if (!a) { market_fail(m, "out of memory for shocks"); return -1; }
    m->shocks = a;
    a[m->n_shocks] = (shock_event){
        .kind = (int8_t)s->kind, .shock = i, .t0 = t0,
        .t1 = t0 + s->duration_years * DAYS_PER_YEAR,
        .group = s->group, .region = s->region, .type = s->type,
        .size = size, .u = u };
    int id = m->n_shocks++;
    if (s->kind == SHOCK_INCIDENCE || s->kind == SHOCK_WAVE) {
        /* needs arising read these at every onset: keep them apart */
        int *ix = realloc(m->incidence_shocks,
                          (size_t)(m->n_incidence_shocks + 1) * sizeof *ix);
        if (!ix) { market_fail(m, "out of memory for shocks"); return -1; }
        m->incidence_shocks = ix;
        ix[m->n_incidence_shocks++] = id;
        m->shocks_on_incidence = 1;
        return 0;
    }
    if (market_schedule(m, t0, EV_SHOCK, id, 0)) return -1;
    if (s->kind == SHOCK_WAGE && isfinite(a[id].t1))   /* the jump ends */
        return market_schedule(m, a[id].t1, EV_SHOCK, id, 1);
    return 0;
}

/* A size around the stated one: log-normal with that mean, sign kept; a
 * multiplier (1 + size) never falls below zero. */
static double draw_size(const shock_params *s, gsl_rng *r)
{
    if (s->size_sd <= 0) return s->size;
    double z = gsl_ran_gaussian_ziggurat(r, s->size_sd);
    return fmax(-1, s->size * exp(z - s->size_sd * s->size_sd / 2));
}

int shocks_prepare(market *m)
{
    const params *p = m->p;
    /* trends make the onset rate piecewise constant, as shocks do */
    if (shocks_trended(p) || m->mt->n_adults_rows) m->shocks_on_incidence = 1;
    double base = market_year_time(m, 0), horizon = p->years * DAYS_PER_YEAR;
    for (int i = 0; i < p->n_shocks; i++) {
        const shock_params *s = &p->shock[i];
        sim_rng st;
        /* keyed by the shock's name: adding a shock leaves the others' draws */
        uint64_t name_key = 1469598103934665603ULL;
        for (const char *c = s->name; *c; c++)
            name_key = (name_key ^ (unsigned char)*c) * 1099511628211ULL;
        sim_rng_init(&st, m->seed, (uint32_t)m->replicate, RNG_SHOCKS, name_key);
        gsl_rng *r = &st.rng;
        if (s->rate > 0) {
            unsigned n = gsl_ran_poisson(r, s->rate * p->years);
            for (unsigned j = 0; j < n; j++) {
                double t0 = base + gsl_rng_uniform(r) * horizon;
                double size = draw_size(s, r);
                if (add_event(m, i, t0, size, gsl_rng_uniform(r))) return -1;
            }
        } else {
            double t0 = base + (s->start_year ? (s->start_year - p->start_year) *
                                                DAYS_PER_YEAR : 0);
            double size = draw_size(s, r);
            if (add_event(m, i, t0, size, gsl_rng_uniform(r))) return -1;
        }
    }
    return 0;
}

static int matches(const shock_event *e, int g, int k, int region)
{
    return (e->group < 0 || e->group == g) && (e->type < 0 || e->type == k) &&
           (e->region < 0 || e->region == region);
}

/* A wave of SIZE needs per 10,000 adults over all the groups (and need
 * characters) it names is shared among them by their base incidence. */
static double wave_share(const market *m, const shock_event *e, int g, int k)
{
    if (e->group >= 0 && e->type >= 0) return 1;
    double total = 0;
    for (int gg = 0; gg < m->p->n_groups; gg++)
        for (int kk = 0; kk < N_RUNGS; kk++)
            if ((e->group < 0 || e->group == gg) && (e->type < 0 || e->type == kk))
                total += m->p->group[gg].incidence[kk];
    return total > 0 ? m->p->group[g].incidence[k] / total : 0;
}

static double trend_of(const params *p, int g, int k, int year)
{
    double growth = p->group[g].incidence_growth + p->incidence_growth[k];
    /* from the base year on: the warm-up runs at the base year's rates */
    return growth != 0 && year > 0 ? pow(1 + growth, year) : 1;
}

void shocks_trend_year(market *m)
{
    m->trend_year = m->year;
    double cum = 0;
    for (int g = 0; g < m->p->n_groups; g++)
        for (int k = 0; k < N_RUNGS; k++) {
            m->trend_f[g][k] = trend_of(m->p, g, k, m->year);
            /* as shocks_incidence sums them without incidence shocks */
            double inc = m->p->group[g].incidence[k] * m->trend_f[g][k];
            cum += inc > 0 ? inc : 0;
            m->trend_cum[g * N_RUNGS + k] = cum;
        }
}

double shocks_trend(const market *m, int g, int k, double t)
{
    int year = (int)floor(t / DAYS_PER_YEAR) - m->p->warmup_years;
    /* every onset asks: the current year's factors are kept */
    return year == m->trend_year ? m->trend_f[g][k] : trend_of(m->p, g, k, year);
}

int shocks_trended(const params *p)
{
    for (int k = 0; k < N_RUNGS; k++)
        if (p->incidence_growth[k] != 0) return 1;
    for (int g = 0; g < p->n_groups; g++)
        if (p->group[g].incidence_growth != 0) return 1;
    return 0;
}

double shocks_incidence(const market *m, int g, int k, int region, double t)
{
    double inc = m->p->group[g].incidence[k] * shocks_trend(m, g, k, t);
    for (int j = 0; j < m->n_incidence_shocks; j++) {
        const shock_event *e = &m->shocks[m->incidence_shocks[j]];
        if (t < e->t0 || t >= e->t1 || !matches(e, g, k, region)) continue;
        if (e->kind == SHOCK_INCIDENCE) inc *= fmax(0, 1 + e->size);
        else if (e->kind == SHOCK_WAVE) inc += e->size * wave_share(m, e, g, k);
    }
    return inc > 0 ? inc : 0;
}

double shocks_next_change(const market *m, double t)
{
    /* trends and adults by year step on 1 January */
    double next = shocks_trended(m->p) || m->mt->n_adults_rows
                      ? (floor(t / DAYS_PER_YEAR) + 1) * DAYS_PER_YEAR : INFINITY;
    for (int j = 0; j < m->n_incidence_shocks; j++) {
        const shock_event *e = &m->shocks[m->incidence_shocks[j]];
        if (e->t0 > t && e->t0 < next) next = e->t0;
        if (e->t1 > t && e->t1 < next) next = e->t1;
    }
    return next;
}

double shocks_wage_factor(const market *m, double t)
{
    double f = 1;
    for (int i = 0; i < m->n_shocks; i++) {
        const shock_event *e = &m->shocks[i];
        if (e->kind == SHOCK_WAGE && t >= e->t0 && t < e->t1) f *= 1 + e->size;
    }
    return f;
}

/* The largest open offer the shock may hit; ties to the lowest id. */
static offer *largest_offer(market *m, const shock_event *e)
{
    offer *best = NULL;
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status != OFFER_OPEN || !matches(e, o->group, o->type, o->region)) continue;
        if (!best || o->capacity > best->capacity) best = o;
    }
    return best;
}

/* A citizen whose care costs (1 + size) times the hours of the highest
 * level: in a municipality drawn by adults, of the shock's group (or a
 * narrow one), with a need of the shock's type (default longterm). */
static void expensive_case(market *m, const shock_event *e, int id)
{
    const params *p = m->p;
    double adults = 0, x;
    for (int i = 0; i < m->mt->n; i++)
        if (e->region < 0 || m->mt->m[i].region == e->region) adults += m->muni[i].adults;
    x = e->u * adults;
    int muni = -1;
    for (int i = 0; i < m->mt->n && muni < 0; i++) {
        if (e->region >= 0 && m->mt->m[i].region != e->region) continue;
        if ((x -= m->muni[i].adults) < 0) muni = i;
    }
    if (muni < 0) return;
    int g = e->group;
    for (int j = 0; g < 0 && j < p->n_groups; j++) if (p->group[j].narrow) g = j;
    if (g < 0) g = 0;
    citizen *c = citizen_new(m, muni, ((uint64_t)muni << 48) | (1ULL << 44) | (uint64_t)id);
    if (!c) return;
    c->group = (int8_t)g;
    c->character = (int8_t)(e->type >= 0 ? e->type : OT_LONGTERM);
    c->true_level = (int8_t)(p->levels - 1);
    c->extra = (float)e->size;
    demand_decide(m, c);
}

static void set_wage(market *m)
{
    for (int i = 0; i < m->n_offers; i++) offer_accrue(m, &m->offers[i]);
    for (int i = 0; i < m->mt->n; i++) home_accrue(m, i);
    m->wage = m->p->wage_per_hour * pow(1 + m->p->wage_growth, m->year) *
              shocks_wage_factor(m, m->now);   /* as market.c's set_indices */
}

void shocks_fire(market *m, int i)
{
    shock_event *e = &m->shocks[i];
    switch (e->kind) {
    case SHOCK_CLOSURE: {
        offer *o = largest_offer(m, e);
        if (o) offers_close(m, o, 0);
        break;
    }
    case SHOCK_WAGE:          set_wage(m); break;
    case SHOCK_EXPENSIVE_CASE: expensive_case(m, e, i); break;
    default: break;
    }
    e->fired = 1;
}
