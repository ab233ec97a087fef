/*
 * models/regime.h - financing regimes behind one small interface.
 *
 * A regime decides who pays whom, how prices are set and how they move.  Each
 * regime takes a set of segments (offer type x target group); segments no
 * regime takes stay on takst.  A regime sets the tariffs, contributions or
 * contracts of the offers in its segments at year start, prices a placement
 * on demand, and settles its offers at year end.  Optional hooks (NULL: the
 * takst behaviour) let it change how cases are graded at follow-ups, what
 * offers staff for, how strictly needs are referred, and which offers buyers
 * prefer.  A regime must not touch citizens' states or the event queue.
 * Adding a regime means one new file and one line in regime_find().
 */
#ifndef MODELS_REGIME_H
#define MODELS_REGIME_H

#include <gsl/gsl_rng.h>
#include "market.h"

typedef struct regime_ops {
    const char *name;
    /* Set prices of the offers in this regime's segments for year Y. */
    void   (*year_start)(market *m, int year);
    /* Price per day the buyer of C pays offer O. */
    double (*daily_price)(const market *m, const citizen *c, const offer *o);
    /* Amounts that depend on who is placed (pooled contributions), paid
     * after year_start; at the start, once the starting stock is placed. */
    void   (*year_lumps)(market *m, int year);
    /* Settle year Y for this regime's offers (before capacity decisions). */
    void   (*year_end)(market *m, int year);
    /* Priced level after a follow-up's reassessment ASSESSED. */
    int    (*regrade)(market *m, citizen *c, const offer *o, int assessed,
                      gsl_rng *r);
    /* Attendance hours per week the offer staffs for resident C. */
    double (*staffed_hours)(const market *m, const citizen *c, const offer *o);
    /* Levels added to an assessed need referred to segment (TYPE, GROUP). */
    double (*referral_bias)(const market *m, int type, int group);
    /* Utility the buyer of C adds for offer O; -INFINITY rules O out. */
    double (*preference)(const market *m, const citizen *c, const offer *o);
    /* The parts of daily_price(C, O), adding up to it (N_PARTS values). */
    void   (*price_parts)(const market *m, const citizen *c, const offer *o,
                          double *parts);
    /* Optional: a and b such that daily_price(C, O) >= a + b * x for every
     * citizen C, x = C's priced hours in O times (1 + add-ons); lets a
     * placement search bound a group of offers without pricing each. */
    void   (*price_floor)(const market *m, const offer *o, double *a, double *b);
    /* Optional: the buyer's rigor in C's negotiations with O, as a factor
     * of the municipality's (NULL: 1). */
    double (*rigor)(const market *m, const citizen *c, const offer *o);
    /* C has just been placed in O (contracts attach here). */
    void   (*on_place)(market *m, citizen *c, const offer *o);
    /* Optional: C is on (or, not yet placed in O, would be on) terms that
     * replace case negotiation, e.g. a framework contract.  NULL: never. */
    int    (*on_contract)(const market *m, const citizen *c, const offer *o);
    int      negotiates;   /* add-ons and contested grades at follow-ups */
    /* Where in params the segments this regime takes are (offsetof a
     * segment_set), or 0: takst, which takes whatever is left. */
    size_t   segments;
    int      must_admit;   /* funded for supply security: offers may not decline */
} regime_ops;

const regime_ops *regime_find(const char *name);
extern const regime_ops regime_takst, regime_drg, regime_tender, regime_objective,
                        regime_uniform;

/* Fill m->seg_regime and m->regimes from NAMES (regime names joined by
 * '+', as regime.name); -1 and m->error on failure.  Called at set-up,
 * and again on 1 January of the base year after a warm-up under takst. */
int regime_assign(market *m, const char *names);

static inline const regime_ops *regime_of(const market *m, int type, int group)
{
    return m->seg_regime[type][group];
}

/* Are C's add-ons and grade in O negotiated case by case?  The regime's
 * rule, except for placements on contract terms. */
static inline int regime_negotiates(const market *m, const citizen *c,
                                    const offer *o)
{
    const regime_ops *r = regime_of(m, o->type, o->group);
    return r->negotiates && !(r->on_contract && r->on_contract(m, c, o));
}

/* How rigorously C's buyer meets O's requests: the municipality's trait,
 * times the regime's factor. */
static inline double regime_rigor(const market *m, const citizen *c, const offer *o)
{
    const regime_ops *r = regime_of(m, o->type, o->group);
    double x = m->muni[c->home].rigor;
    return r->rigor ? x * r->rigor(m, c, o) : x;
}

static inline int regime_owns(const market *m, const regime_ops *r,
                              const offer *o)
{
    return m->seg_regime[o->type][o->group] == r;
}

/* The takst rules as pure functions, exposed for hand-computed tests and for
 * the regimes that fall back on cost-based tariffs. */
double takst_basic_day(double fixed_cost_year, int places,
                       double budgeted_occupancy);
/* Amount of result RESULT (income - cost) carried into a later tariff under
 * band BAND (share of COST) and MODE; 0 when within the band. */
double takst_carry_amount(double result, double cost, double band,
                          carry_mode mode);
/* Tariff after the rammeaftale cap: at most LAST * (1 + index_growth + cap). */
double takst_capped(double cost_based, double last, double index_growth,
                    double cap);
/* Set one offer's cost-based tariff for year Y (takst rules). */
void   takst_set_tariff(market *m, offer *o, int year);
/* Recompute O's average tariff from its residents now (at the start). */
void   takst_refresh_average(const market *m, offer *o);
/* The takst price of C in O from O's current tariff. */
double takst_price(const market *m, const citizen *c, const offer *o);
/* takst's price floor (regime_ops.price_floor). */
void   takst_price_floor(const market *m, const offer *o, double *a, double *b);
/* The takst parts of C's price in O. */
void   takst_price_parts(const market *m, const citizen *c, const offer *o,
                         double *parts);
/* What C's true need costs O per day at the reference occupancy. */
double regime_cost_day(const market *m, const citizen *c, const offer *o);
/* takst's settlement of one offer: equity, and carry-over if public. */
void   takst_settle(market *m, offer *o);

/* drg: the group tariff per day from cost data, for hand-computed tests. */
double drg_tariff_from_costs(double cost_sum, double resident_days,
                             double index_growth);
/* tender: a bid per day and the award score, for hand-computed tests. */
double tender_bid(double cost_day, double markup, double risk_premium,
                  double small_lot_premium, double reference_volume,
                  double volume);
double tender_score(double price, double best_price, double quality,
                    double price_weight);
/* objective: what the buyer pays per use in threshold mode, per day. */
double objective_threshold_price(double tariff_day, double buyer_share,
                                 double above_share, double threshold_year);
/* objective: municipality's contribution from the pool by adult population. */
double objective_contribution(double pool_total, double adults,
                              double pool_adults);

#endif
