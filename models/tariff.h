/*
 * models/tariff.h - cost-based tariff arithmetic, shared by the regimes.
 *
 * Owns: an offer's cost-based tariff (basic tariff from fixed cost over
 * budgeted place-days, service tariff by need level or one average tariff,
 * carry-over of public results beyond a band, the rammeaftale cap on public
 * tariff growth, private markups), the price a citizen pays under it and
 * its parts, its floor for placement searches, and the year's settlement.
 * takst is these rules alone; tender, objective and uniform pay them off
 * contract, outside the pool or outside the frame.  The pure functions are
 * exposed for hand-computed tests.
 */
#ifndef MODELS_TARIFF_H
#define MODELS_TARIFF_H

#include "market.h"

double tariff_basic_day(double fixed_cost_year, int places,
                       double budgeted_occupancy);
/* Amount of result RESULT (income - cost) carried into a later tariff under
 * band BAND (share of COST) and MODE; 0 when within the band. */
double tariff_carry_amount(double result, double cost, double band,
                          carry_mode mode);
/* Tariff after the rammeaftale cap: at most LAST * (1 + index_growth + cap). */
double tariff_capped(double cost_based, double last, double index_growth,
                    double cap);
/* Set one offer's cost-based tariff for year Y (takst's rules). */
void   tariff_set(market *m, offer *o, int year);
/* Recompute O's average tariff from its residents now (at the start). */
void   tariff_refresh_average(const market *m, offer *o);
/* C's price in O from O's current cost-based tariff. */
double tariff_price(const market *m, const citizen *c, const offer *o);
/* The floor of tariff_price (regime_ops.price_floor). */
void   tariff_price_floor(const market *m, const offer *o, double *a, double *b);
/* The parts of tariff_price(C, O) (N_PARTS values). */
void   tariff_price_parts(const market *m, const citizen *c, const offer *o,
                         double *parts);
/* What C's true need costs O per day at the reference occupancy. */
double tariff_cost_day(const market *m, const citizen *c, const offer *o);
/* Settle one offer's year: equity, and carry-over if public. */
void   tariff_settle(market *m, offer *o);

#endif
