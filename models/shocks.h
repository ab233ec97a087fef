/*
 * models/shocks.h - shocks to the market, drawn once per replicate.
 *
 * Owns: turning the scenario's shocks into dated occurrences (scheduled, or
 * at random times at a rate, with a random size), the incidence multipliers
 * and additions that needs arising read, and firing the one-off shocks
 * (closures, wage jumps, expensive cases).  Occurrences come from a stream
 * keyed by (seed, replicate, shocks, shock), so every variant of a
 * comparison meets the same shocks.
 */
#ifndef MODELS_SHOCKS_H
#define MODELS_SHOCKS_H

#include "market.h"

typedef struct shock_event {
    int8_t kind, fired;
    int    shock;            /* index in params.shock */
    double t0, t1;           /* days: start, end */
    int    group, region, type;
    double size;
    double u;                /* a uniform draw to pick targets "all" */
} shock_event;

/* Draw the replicate's occurrences and schedule the one-off shocks. */
int    shocks_prepare(market *m);
/* Trend multiplier of the incidence of (group G, character K) at time T:
 * (1 + group growth + character growth) ^ (calendar year - base year),
 * constant within a year, 1 in the base year and the warm-up (trends.*,
 * groups.*.incidence_growth). */
double shocks_trend(const market *m, int g, int k, double t);
/* Keep the trend factors of the current year m->year (at set-up and on
 * every 1 January). */
void   shocks_trend_year(market *m);
/* Whether any trend is set (the onset rate then steps on 1 January). */
int    shocks_trended(const params *p);
/* Incidence of (group G, character K) in REGION at time T: base x trend x
 * multiplier + additions, per 10,000 adults a year. */
double shocks_incidence(const market *m, int g, int k, int region, double t);
/* The next time after T at which an incidence changes (INFINITY if none). */
double shocks_next_change(const market *m, double t);
/* Fire occurrence I (EV_SHOCK). */
void   shocks_fire(market *m, int i);
/* Wage multiplier of the wage shocks active at time T. */
double shocks_wage_factor(const market *m, double t);

#endif
