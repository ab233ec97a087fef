/*
 * models/flow.h - the citizen's path through the market, module by module.
 *
 * demand.c     needs arising, visitation and the intervention ladder
 * placement.c  make or buy: choosing an offer, acceptance, waiting lists
 * caseflow.c   follow-ups, need change, add-ons and re-grading, exits
 * offers.c     building the offers, staff, capacity, entry and bankruptcy
 * kpi.c        turning a year's accounts into outputs
 *
 * Internal to models/: the CLI and tests use market.h and regime.h.
 */
#ifndef MODELS_FLOW_H
#define MODELS_FLOW_H

#include "market.h"

/*
 * Event kinds; id = citizen, municipality or shock index, tag = citizen
 * generation (a shock's start or end).  The order is the tie-break at equal
 * times (sim/queue.h): shocks, then the year end, the quarter, citizens'
 * events, and last the committees, which decide with the year's accounts
 * already closed.
 */
enum { EV_SHOCK, EV_YEAR_END, EV_QUARTER, EV_EXIT, EV_FOLLOWUP, EV_WAIT_CHECK,
       EV_MEETING, N_EVENT_KINDS };

/* Random-stream purposes (sim_rng_key's third part). */
enum { RNG_ARRIVALS = 1, RNG_CITIZEN, RNG_POLICY /* unused */, RNG_STOCK, RNG_MARKET,
       RNG_QUALITY, RNG_SHOCKS, RNG_HOME, RNG_TRAITS, RNG_BUDGET, RNG_HISTORY,
       RNG_SUPERVISION };

#define DAYS_PER_YEAR 365.0

/* Time of 1 January of YEAR (0 = base year): the clock starts at 0 on the
 * first day of the warm-up. */
static inline double market_year_time(const market *m, int year)
{
    return (year + m->p->warmup_years) * DAYS_PER_YEAR;
}

/* market.c */
void     regimes_year_start(market *m);
void     regimes_year_lumps(market *m);
double   offer_budget(const market *m, const offer *o);
double   offer_budget_hours(const market *m, const offer *o);
double   offer_expected_hours(const market *m, const offer *o);

/* demand.c */
void     demand_prepare(market *m);               /* onset tables */
void     demand_start(market *m);                 /* first arrivals, meetings */
void     demand_collect(market *m, int muni);     /* needs arisen up to now */
void     demand_meeting(market *m, int muni);     /* the committees decide */
void     demand_decide(market *m, citizen *c);    /* visitation */
void     demand_initial_stock(market *m);          /* create, not place */
void     demand_place_stock(market *m);
int      demand_assess_rung(const market *m, const citizen *c, double assessed);
double   demand_assess(market *m, citizen *c);    /* continuous assessed level */
int      demand_clamp_level(const market *m, double x);
citizen *citizen_new(market *m, int muni, uint64_t key);
void     citizen_release(market *m, citizen *c);
void     home_accrue(market *m, int muni);
void     home_enter(market *m, citizen *c);
/* C starts home support now: its first review and its exit are
 * scheduled, or, when no review comes before the exit, the exit is kept by
 * the municipality (home_accrue takes it) and C's record is released; in
 * aggregate form C is counted and its record released. */
void     home_admit(market *m, citizen *c);
/* Aggregate home support: exits and deteriorations since the last step. */
void     home_step(market *m, int muni);
void     home_leave(market *m, citizen *c);

/* placement.c */
int    placement_try(market *m, citizen *c, int allow_mismatch);
void   placement_discharge(market *m, citizen *c);
void   placement_serve_waiting(market *m, int type, int group);
void   placement_serve_all(market *m);     /* after capacity changes */
void   placement_wait_events(market *m, citizen *c);
void   wait_push(market *m, citizen *c, int front);
void   wait_remove(market *m, citizen *c);
void   placement_reprice(market *m, citizen *c);
double placement_price(const market *m, const citizen *c, const offer *o);
double placement_staffed_hours(const market *m, const citizen *c, const offer *o);
void   placement_price_parts(const market *m, const citizen *c, const offer *o,
                             double *parts);
double offer_expected_cost_day(const market *m, const offer *o, int level);

/* caseflow.c */
void   caseflow_followup(market *m, citizen *c);
void   caseflow_exit(market *m, citizen *c);
/* The review of home-support user C at its next deterioration, if that
 * comes before the end of its stay: 1 if one was scheduled. */
int    caseflow_schedule_home_review(market *m, citizen *c);
/* negotiation.c (negotiation_regrade, negotiation_addons: regime.h) */
/* The provider's bargaining power over C's buyer in O, in [0, 1): from the
 * scarcity of alternatives and (unless AT_INTAKE) the lock-in of C's stay. */
double negotiation_power(const market *m, const citizen *c, const offer *o, int at_intake);
/* Length of a stay in RUNG; LENGTH_BIASED for a stay in progress at the start. */
double caseflow_stay_days(market *m, citizen *c, int rung, int length_biased);

/* offers.c */
int    offers_build(market *m);
void   offers_staff_quarter(market *m);
void   offers_close(market *m, offer *o, int bankrupt);
void   offers_close_accounts(market *m);
void   offers_year_end(market *m);
/* Segment (T, G)'s mean yearly change of demand in region R, as providers
 * read it at the year end (residents and waiting). */
double offers_demand_growth(const market *m, int t, int g, int r);
void   offers_open_year(market *m);
/* Call after any change to O's occupancy, capacity or status. */
int    offers_room_changed(market *m, offer *o);
int    offers_add(market *m, int type, int group, int owner_kind, int owner,
                  int region, int capacity);
double offers_fixed_per_place(const market *m, int type, int group);

#endif
