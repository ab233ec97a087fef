/*
 * models/negotiation.c - case-by-case negotiation between buyer and
 * provider, the rules a regime that prices case by case names in its row
 * (regime_ops.regrade and addons: takst, and tender, objective and uniform
 * off contract, outside the pool's part or outside the frame).
 *
 * The provider - who knows the citizen better [R] - contests a lower grade
 * at a follow-up and asks for add-ons at intake and at follow-ups; the
 * buyer's rigor decides, and the buyer pushes prices down [R].  What the
 * provider obtains grows with its bargaining power.  Within one
 * municipality there is no price to negotiate (the callers skip own
 * offers), and placements on contract terms (regime_ops.on_contract)
 * negotiate nothing.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "flow.h"
#include "regime.h"

/* Is C in O (or would C be) on terms that replace negotiation? */
static int on_contract(const market *m, const citizen *c, const offer *o)
{
    const regime_ops *r = regime_of(m, o->type, o->group);
    return r->on_contract && r->on_contract(m, c, o);
}

/*
 * Bargaining power [R direction, A size]: after placement the provider knows
 * the citizen best and the resident is almost never moved.  What it obtains
 * grows with the buyer's lack of alternatives, scarcity s = 1 / (1 + free
 * places within reach / bargaining.alternatives_ref), and with the cost of
 * moving the resident, lock-in l = 1 - exp(-stay / bargaining.lock_in_years):
 *     power = 1 - (1 - scarcity_weight x s) (1 - lock_in_weight x l).
 * The buyer refuses an unjustified request with probability rigor x
 * (1 - power); the provider asks with its base probability x (1 + power);
 * the buyer pushes a price down with push_prob x (1 - power).  A
 * municipality's own offer has no power over its owner.
 */
double negotiation_power(const market *m, const citizen *c, const offer *o, int at_intake)
{
    const params *p = m->p;
    if (o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home) return 0;
    double s = market_scarcity(m, o->type, o->group, m->mt->m[c->home].region);
    double lock = 0;
    if (!at_intake)
        lock = 1 - exp(-(m->now - c->placed_at) / DAYS_PER_YEAR / p->lock_in_years);
    return 1 - (1 - p->scarcity_weight * s) * (1 - p->lock_in_weight * lock);
}

static double ask_prob(const market *m, const offer *o)
{
    const params *p = m->p;
    return p->addon_ask_prob * (o->owner_kind == OWNER_PRIVATE ? p->addon_private_factor : 1);
}

static int intake_addons(market *m, citizen *c, const offer *o, gsl_rng *r)
{
    const params *p = m->p;
    if (o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home) return 0;
    double power = negotiation_power(m, c, o, 1);
    /* at intake the provider asks only as far as scarcity lets it */
    int asked = gsl_rng_uniform(r) < fmin(1, ask_prob(m, o) * power);
    if (!asked) return 0;
    m->ya.negotiations++;
    market_admin(m, c->home, ADMIN_NEGOTIATION, p->admin_cost_negotiation);
    return gsl_rng_uniform(r) >= regime_rigor(m, c, o) * (1 - power) && p->max_addons > 0;
}

/*
 * The grade after reassessment: a higher assessment is granted, a lower one
 * stands only if the provider does not contest it or the buyer insists.
 */
int negotiation_regrade(market *m, citizen *c, const offer *o, int assessed,
                        gsl_rng *r)
{
    const params *p = m->p;
    if (assessed >= c->priced_level || on_contract(m, c, o)) return assessed;
    double power = negotiation_power(m, c, o, 0);
    if (gsl_rng_uniform(r) >= fmin(1, p->regrade_ask_prob * (1 + power))) return assessed;
    m->ya.negotiations++;
    market_admin(m, c->home, ADMIN_NEGOTIATION, p->admin_cost_negotiation);
    return gsl_rng_uniform(r) < regime_rigor(m, c, o) * (1 - power) ? assessed
                                                                       : c->priced_level;
}

static int followup_addons(market *m, citizen *c, const offer *o, gsl_rng *r)
{
    const params *p = m->p;
    int addons = c->addons;
    double power = negotiation_power(m, c, o, 0);
    int asked = gsl_rng_uniform(r) < fmin(1, ask_prob(m, o) * (1 + power));
    int pushed = gsl_rng_uniform(r) < p->push_prob * (1 - power);
    double rigor = regime_rigor(m, c, o) * (1 - power);
    if (asked && addons < p->max_addons && gsl_rng_uniform(r) >= rigor) addons++;
    if (pushed && addons > 0) addons--;   /* buyers push prices down [R] */
    int talks = asked + (pushed && c->addons > 0);
    m->ya.negotiations += talks;
    market_admin(m, c->home, ADMIN_NEGOTIATION, talks * p->admin_cost_negotiation);
    return addons;
}

int negotiation_addons(market *m, citizen *c, const offer *o, gsl_rng *r, int at_intake)
{
    if (on_contract(m, c, o)) return 0;
    return at_intake ? intake_addons(m, c, o, r) : followup_addons(m, c, o, r);
}
