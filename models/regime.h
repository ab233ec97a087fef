/*
 * models/regime.h - a financing regime behind one small interface.
 *
 * A regime decides who pays whom, how prices are set and how they move.  It
 * must not touch citizens' states or the event queue: it sets tariffs at year
 * start, prices a placement on demand, and settles offers' results at year
 * end.  Adding a regime means one new file and one line in regime_find().
 */
#ifndef MODELS_REGIME_H
#define MODELS_REGIME_H

#include "market.h"

typedef struct regime_ops {
    const char *name;
    /* Set every offer's tariff for year Y (before any payment of Y). */
    void   (*year_start)(market *m, int year);
    /* Price per day of citizen C in offer O under this year's tariffs. */
    double (*daily_price)(const market *m, const citizen *c, const offer *o);
    /* Settle offers' results of year Y: carry-over, equity. */
    void   (*year_end)(market *m, int year);
    /* Whether providers and buyers negotiate prices case by case. */
    int      negotiates;
} regime_ops;

const regime_ops *regime_find(const char *name);
extern const regime_ops regime_takst;

/* The takst rules as pure functions, exposed for hand-computed tests. */
double takst_basic_day(double fixed_cost_year, int places,
                       double budgeted_occupancy);
/* Amount of result RESULT (income - cost) carried into a later tariff under
 * band BAND (share of COST) and MODE; 0 when within the band. */
double takst_carry_amount(double result, double cost, double band,
                          carry_mode mode);
/* Tariff after the rammeaftale cap: at most LAST * (1 + index_growth + cap). */
double takst_capped(double cost_based, double last, double index_growth,
                    double cap);

#endif
