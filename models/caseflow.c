/*
 * models/caseflow.c - the life of a case after visitation.
 *
 * At each follow-up the need may have moved (progression, more likely in
 * temporary stays; deterioration), the buyer reassesses, and the regime
 * grades the case and sets its add-ons (regime_ops.regrade and addons;
 * where it negotiates case by case, with the rules of negotiation.c).
 * Residents are not moved because of price [R].  Stays end by
 * duration or death, or by progression to home support.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "flow.h"
#include "regime.h"

double caseflow_stay_days(market *m, citizen *c, int rung, int length_biased)
{
    const params *p = m->p;
    gsl_rng r = sim_rng_view(&c->rng);
    double k = rung == RUNG_HOME ? 1 : p->type[rung].stay_shape;   /* exponential */
    double mean = rung == RUNG_HOME ? p->home_mean_years : p->type[rung].mean_stay_years;
    /* a stay in progress is drawn length-biased: gamma(k) becomes gamma(k+1) */
    return gsl_ran_gamma(&r, k + (length_biased ? 1 : 0), mean / k) * DAYS_PER_YEAR;
}

/*
 * Home-support users are reviewed when their need grows: the time of the
 * next deterioration is drawn exactly (exponential), so the untraded rung
 * costs one event per change instead of one per yearly follow-up.
 */
int caseflow_schedule_home_review(market *m, citizen *c)
{
    const params *p = m->p;
    double rate = p->group[c->group].deterioration_rate * p->home_deterioration_factor;
    if (rate <= 0 || c->true_level >= p->levels - 1) return 0;
    gsl_rng r = sim_rng_view(&c->rng);
    double t = m->now + gsl_ran_exponential(&r, 1 / rate) * DAYS_PER_YEAR;
    if (!(t < c->exit_time)) return 0;
    market_schedule(m, t, EV_FOLLOWUP, (int)(c - m->cit), c->gen);
    return 1;
}

/*
 * The offer's effort toward C's progression, as a factor of the group's
 * rate.  It rises with what the offer's owner gains when C progresses and
 * falls with the income the offer loses [R direction: VIVE 2023 ch. 5,
 * RSD rammestyring; A sizes].  The owner gains when C is its own
 * resident and the place is funded by a frame: the frame share of the
 * place is saved (owner_budget.progression_effect x that share).  The offer
 * loses the part of C's price it is paid per day - all of it from other
 * buyers and in private offers, the rest of the frame from the owner, not
 * the pooled part under objective financing - when nobody waits to take
 * the place (owner_budget.activity_effect x that part).
 */
static double progression_effort(const market *m, const citizen *c, const offer *o)
{
    const owner_budget_params *ob = &m->p->owner;
    int own = o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home;
    double paid = own ? 1 - ob->fixed_share : 1;
    if (o->pooled > 0) {
        double budget = offer_budget(m, o);
        paid *= budget > 0 ? 1 - fmin(1, o->pooled / budget) : 0;
    }
    int refilled = m->wait[o->type][o->group].count > 0;
    double gain = own ? ob->progression_effect * ob->fixed_share : 0;
    double loss = refilled ? 0 : ob->activity_effect * paid;
    return (1 + gain) * fmax(0, 1 - loss);
}

/* Move the true need one level at most since the last look. */
static void need_change(market *m, citizen *c, gsl_rng *r)
{
    const params *p = m->p;
    const group_params *g = &p->group[c->group];
    double years = (m->now - c->last_change) / DAYS_PER_YEAR;
    c->last_change = m->now;
    const offer *o = &m->offers[c->offer];
    double factor = p->type[c->rung].progression_factor * progression_effort(m, c, o);
    double down = 1 - exp(-g->progression_rate * factor * years);
    double up = 1 - exp(-g->deterioration_rate * years);
    double u = gsl_rng_uniform(r);
    if (u < down && c->true_level > 0) c->true_level--;
    else if (u >= down && u < down + up && c->true_level < p->levels - 1)
        c->true_level++;
}

/* C's stay in a place ends now (an exit, or progression to the own home). */
static void stay_ended(market *m, const citizen *c)
{
    m->ya.stays_ended++;
    m->ya.stay_days_ended += m->now - c->placed_at;
}

static void leave_to_home(market *m, citizen *c)
{
    stay_ended(m, c);
    m->ya.progressions++;
    placement_discharge(m, c);
    if (!m->p->home_aggregate)
        c->exit_time = m->now + caseflow_stay_days(m, c, RUNG_HOME, 0);
    home_admit(m, c);
}

static void followup_placed(market *m, citizen *c, double assessed,
                            int improved, gsl_rng *r)
{
    const params *p = m->p;
    offer *o = &m->offers[c->offer];
    /* progression to a lower rung, when the need has really improved: a
     * stable resident is not moved on the strength of one assessment */
    const municipality *mu = &m->muni[c->home];
    double a = assessed - mu->strictness - mu->pressure;
    if (improved && a <= p->home_max_level + 0.5) {
        leave_to_home(m, c);
        return;
    }
    /* within one municipality there is no price to negotiate: its own
     * offer is graded as assessed and asks no add-ons */
    int own = o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home;
    const regime_ops *reg = regime_of(m, o->type, o->group);
    int level = demand_clamp_level(m, assessed);
    if (!own && reg->regrade) level = reg->regrade(m, c, o, level, r);
    int addons = !own && reg->addons ? reg->addons(m, c, o, r, 0) : 0;

    double staffed_before = placement_staffed_hours(m, c, o);
    o->priced_hours -= citizen_hours(m, c, o, c->priced_level);
    c->priced_level = (int8_t)level;
    c->addons = (int8_t)addons;
    o->priced_hours += citizen_hours(m, c, o, c->priced_level);
    o->need_hours += placement_staffed_hours(m, c, o) - staffed_before;
    c->old_terms = 0;          /* a follow-up moves it onto the regime's terms */
    c->price_day = placement_price(m, c, o);
    double next = m->now + p->type[o->type].followup_days;
    if (next < c->exit_time)   /* none after the known end of the stay */
        market_schedule(m, next, EV_FOLLOWUP, (int)(c - m->cit), c->gen);
}

/* A home-support case is reviewed when its need has grown: the ladder is
 * climbed if home support no longer meets the assessed need. */
static void review_home(market *m, citizen *c)
{
    const params *p = m->p;
    const municipality *mu = &m->muni[c->home];
    c->true_level++;
    c->last_change = m->now;
    m->ya.followups++;
    market_admin(m, c->home, ADMIN_FOLLOWUP, p->admin_cost_followup);
    double assessed = demand_assess(m, c);
    if (assessed - mu->strictness - mu->pressure <= p->home_max_level + 0.5) {
        caseflow_schedule_home_review(m, c);
        return;
    }
    home_leave(m, c);
    c->gen++;
    c->rung = OT_HOUSING;
    c->priced_level = (int8_t)demand_clamp_level(m, assessed);
    c->exit_time = m->now + caseflow_stay_days(m, c, OT_HOUSING, 0);
    c->wait_start = m->now;
    c->state = CIT_PENDING;
    placement_try(m, c, 0);
    placement_wait_events(m, c);
}

void caseflow_followup(market *m, citizen *c)
{
    if (c->state == CIT_HOME) { review_home(m, c); return; }
    if (c->state != CIT_PLACED) return;
    const params *p = m->p;
    gsl_rng r = sim_rng_view(&c->rng);
    offer *o = &m->offers[c->offer];
    /* days so far are paid and costed at the old level */
    market_pay(m, c);
    offer_accrue(m, o);
    int before = c->true_level;
    double staffed_before = placement_staffed_hours(m, c, o);
    need_change(m, c, &r);
    o->true_hours += citizen_hours(m, c, o, c->true_level) -
                     citizen_hours(m, c, o, before);
    o->need_hours += placement_staffed_hours(m, c, o) - staffed_before;
    m->ya.followups++;
    market_admin(m, c->home, ADMIN_FOLLOWUP, p->admin_cost_followup);
    followup_placed(m, c, demand_assess(m, c), c->true_level < before, &r);
}

void caseflow_exit(market *m, citizen *c)
{
    if (c->state == CIT_PLACED) {
        stay_ended(m, c);
        placement_discharge(m, c);
    } else if (c->state == CIT_HOME) home_leave(m, c);
    else if (c->state == CIT_WAITING) wait_remove(m, c);   /* the need ended */
    else return;
    citizen_release(m, c);
}
