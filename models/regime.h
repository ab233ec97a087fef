/*
 * models/regime.h - financing regimes behind one small interface.
 *
 * A regime decides who pays whom, how prices are set and how they move.  Each
 * regime takes a set of segments (offer type x target group); segments no
 * regime takes stay on takst.  A regime sets the tariffs, contributions or
 * contracts of the offers in its segments at year start, prices a placement
 * on demand, and settles its offers at year end.  Optional hooks say how
 * cases are graded and add-ons agreed (NULL: as assessed, none; the shared
 * case negotiation of negotiation.c where named), what offers staff for,
 * how strictly needs are referred, and which offers buyers prefer.  A regime must not touch citizens' states or the event queue.
 *
 * A regime is a type, as a gsl_rng_type is: its row names its hooks, its
 * scenario keys and the size of the parameters it loads from them (kept in
 * params, filled by its load hook; regime_params finds them), where its
 * segments are among those parameters, and the sizes of the state a run
 * keeps for it and of the data it keeps per citizen and per offer, all
 * allocated zeroed when a run first uses the regime (the state is given to
 * its init hook and released with its release hook; regime_state,
 * regime_offer_state, regime_offer_citizen and regime_offer_data find
 * them).  The cost-based tariff arithmetic several regimes share is in
 * tariff.h; its keys (takst.*) are the market's, in params.c.
 * Adding a regime means one new file and one line in regime.c's registry
 * (or regime_register, for a regime outside the library, before the
 * scenario is loaded: its keys join the table then).
 */
#ifndef MODELS_REGIME_H
#define MODELS_REGIME_H

#include <assert.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "market.h"
#include "tariff.h"

typedef struct regime_ops {
    const char *name;
    /* Set prices of the offers in this regime's segments for year Y. */
    void   (*year_start)(market *m, int year);
    /* Price per day the buyer of C pays offer O (C may be a probe citizen,
     * not one of the market's: see regime_offer_citizen). */
    double (*daily_price)(const market *m, const citizen *c, const offer *o);
    /* Optional: what O receives per resident-day for C from every payer
     * (the buyer's price and pooled payments), which a provider weighs
     * when it decides to enter (NULL: daily_price). */
    double (*income_day)(const market *m, const citizen *c, const offer *o);
    /* Amounts that depend on who is placed (pooled contributions), paid
     * after year_start; at the start, once the starting stock is placed. */
    void   (*year_lumps)(market *m, int year);
    /* Settle year Y for this regime's offers (before capacity decisions). */
    void   (*year_end)(market *m, int year);
    /* Priced level after a follow-up's reassessment ASSESSED (NULL: as
     * assessed); negotiation_regrade where grades are negotiated. */
    int    (*regrade)(market *m, citizen *c, const offer *o, int assessed,
                      gsl_rng *r);
    /* Add-ons agreed for C in O at intake (AT_INTAKE: 0 or 1) or the count
     * after a follow-up (NULL: none); negotiation_addons where they are
     * negotiated. */
    int    (*addons)(market *m, citizen *c, const offer *o, gsl_rng *r, int at_intake);
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
    /* Its scenario keys, each starting with its name and a dot. */
    const cfg_key *keys;
    size_t   n_keys;
    /* Bytes of parameters it keeps in params (at most REGIME_PARAMS_MAX;
     * 0: none, and then it takes no segments of its own: takst, which
     * takes whatever is left). */
    size_t   params_size;
    /* Fill OWN (zeroed, params_size bytes) from C; BASE holds the market's
     * parameters, already loaded.  0, or -1 with ERR naming the key. */
    int    (*load)(const cfg *c, const params *base, void *own, cfg_error *err);
    /* Optional: bind names in OWN to the municipality table; 0 or -1. */
    int    (*bind)(const cfg *c, const params *base, void *own,
                   const params_regions *t, cfg_error *err);
    /* Where among its parameters the segments it takes are (offsetof a
     * segment_set); used only when params_size is not 0. */
    size_t   segments;
    /* Bytes of state a run keeps for this regime (0: none). */
    size_t   state_size;
    /* Optional: set up STATE (zeroed) for market M; 0, or -1 with m->error. */
    int    (*init)(market *m, void *state);
    /* Optional: free what STATE owns (not STATE itself). */
    void   (*release)(void *state);
    /* Bytes the regime keeps per citizen (0: none): zeroed when a citizen
     * record is made and whenever the citizen is placed or discharged. */
    size_t   citizen_size;
    /* Bytes the regime keeps per offer (0: none): zeroed when it opens. */
    size_t   offer_size;
    int      must_admit;   /* funded for supply security: offers may not decline */
} regime_ops;

const regime_ops *regime_find(const char *name);
/* Whether R's own keys in P select segment (TYPE, GROUP); takst selects
 * none (it takes what is left). */
int regime_selects(const params *p, const regime_ops *r, int type, int group);
/* The registry in order: built in first, then as registered. */
int regime_count(void);
const regime_ops *regime_at(int i);
/* R's parameters in P (what its load hook filled), or NULL when R is not
 * known or keeps none.  The mutable form is for tests that set them. */
const void *regime_params(const params *p, const regime_ops *r);
void *regime_params_mut(params *p, const regime_ops *r);
/* Load every known regime's parameters into P from C (params_load), and
 * bind them to the municipality table (params_bind_regions); 0 or -1. */
int regime_params_load(const cfg *c, params *p, cfg_error *err);
int regime_params_bind(const cfg *c, params *p, const params_regions *t,
                       cfg_error *err);

/* Case negotiation (negotiation.c), for the rows of regimes that negotiate
 * case by case: the contested grade after a follow-up, and the add-ons
 * asked and agreed at intake and at follow-ups; nothing on contract terms. */
int negotiation_regrade(market *m, citizen *c, const offer *o, int assessed, gsl_rng *r);
int negotiation_addons(market *m, citizen *c, const offer *o, gsl_rng *r, int at_intake);
/* Add R to the registry (a regime outside the library, e.g. in a test);
 * 0, or -1 if the registry is full or the name is taken. */
int regime_register(const regime_ops *r);
/* The state market M keeps for regime R (NULL if R has none or is unused). */
void *regime_state(const market *m, const regime_ops *r);
/* Release every regime's state of M (market_free). */
void regime_release_all(market *m);
/* Room for CAP citizen records in every regime's per-citizen data (after
 * the market's own array grew); 0, or -1 with m->error. */
int  regime_citizens_reserve(market *m, int cap);
/* Zero every regime's data of citizen C (made, placed or discharged). */
void regime_citizen_clear(market *m, const citizen *c);
/* Room for CAP offers in every regime's per-offer data (before the
 * market's own array grows), and zeroed data for offer ID; 0 or -1. */
int  regime_offers_reserve(market *m, int cap);
void regime_offer_clear(market *m, int id);
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

/* The state of the regime that pays for O's segment (regime_state, without
 * the search: for hooks called on every price). */
static inline void *regime_offer_state(const market *m, const offer *o)
{
    return m->seg_state[o->type][o->group];
}

/* The data the regime paying for O's segment keeps for citizen C, or NULL
 * when C is a probe outside the market's records (daily_price is also asked
 * about hypothetical citizens, e.g. a segment's price at its need mix). */
static inline void *regime_offer_citizen(const market *m, const offer *o, const citizen *c)
{
    uintptr_t at = (uintptr_t)c, first = (uintptr_t)m->cit;   /* c may be anywhere */
    if (at < first || at >= first + (uintptr_t)m->n_cit * sizeof *c) return NULL;
    int i = m->seg_slot[o->type][o->group];
    assert(i >= 0 && m->rstate[i].cit);   /* the regime keeps data per citizen */
    const struct regime_slot *s = &m->rstate[i];
    return s->cit + (size_t)(c - m->cit) * s->ops->citizen_size;
}

/* The parameters of the regime paying for O's segment (regime_params,
 * without the search), or NULL when it keeps none. */
static inline const void *regime_offer_params(const market *m, const offer *o)
{
    int i = m->seg_slot[o->type][o->group];
    assert(i >= 0);   /* every regime in use has a slot */
    return m->rstate[i].params;
}

/* The data the regime paying for O's segment keeps for O. */
static inline void *regime_offer_data(const market *m, const offer *o)
{
    int i = m->seg_slot[o->type][o->group];
    assert(i >= 0 && m->rstate[i].off);   /* the regime keeps data per offer */
    return m->rstate[i].off + (size_t)(o - m->offers) * m->rstate[i].ops->offer_size;
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

/* ---- the built-in regimes' parameters (for their files, the KPIs that
 * read them, and tests that set them) ---------------------------------- */

typedef struct drg_params {
    segment_set seg;
    int    regional, data_lag, budget_neutral, negotiated, minimum_entitlement;
    int    by_delivered;   /* cost allocation: by delivered (1) or priced hours */
    double upcode_prob;
    double private_return; /* counted in private offers' costs [A] */
} drg_params;

typedef enum { BUYER_MUNICIPALITY, BUYER_REGION, BUYER_NATIONAL } buyer_level;

typedef struct tender_params {
    segment_set seg;
    buyer_level buyer;
    int    contract_years, scope_all, exclusive, winners;
    double price_weight, markup, risk_premium, small_lot_premium,
           reference_volume, min_volume, bid_cost, buyer_cost,
           buyer_cost_per_municipality, contract_management_cost,
           framework_preference;
} tender_params;

typedef struct objective_params {
    segment_set seg;
    int    national, threshold_mode, coordinator;
    double share, buyer_share, above_share, threshold, elasticity,
           target_wait_days, cost_drift, rigor_loss;
} objective_params;

/* The uniform frame tariff: the segments it takes, and who joins (a
 * region's municipalities, or those listed); joins[] is bound to the
 * municipality table by its bind hook. */
typedef struct uniform_params {
    segment_set seg;
    char   regions[256], municipalities[512];   /* as written */
    int8_t joins[MAX_MUNIS];
} uniform_params;


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
