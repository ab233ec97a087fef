/*
 * models/kpi.h - the outputs every run produces, one row per KPI.
 *
 * Owns: the KPI table (name, unit, axis, headline flag, description), the
 * axes the KPIs are laid out on (municipality, group, offer type) with
 * their labels, and the year-end step that turns a market's yearly
 * accounts into KPI values in a sim_record.  The table is the single source
 * for dataset names in the HDF5 file and the output reference in the
 * README.  Knows nothing of statistics or files: analysis reads the record.
 */
#ifndef MODELS_KPI_H
#define MODELS_KPI_H

#include "sim/record.h"
#include "market.h"

/* The axes, declared in this order by kpi_declare, so that each value is
 * the index sim_record_add_axis returns (ORDER KPI_AXIS: kpi_axis_name). */
enum { KPI_NATIONAL = SIM_AXIS_NONE, KPI_MUNICIPALITY, KPI_GROUP,
       KPI_OFFER_TYPE, KPI_N_AXES };
extern const char *const kpi_axis_name[KPI_N_AXES];

#define KPI_LIST(X) \
 X(expenditure, "DKK", KPI_NATIONAL, 1, "municipalities' spending on the three traded offer types") \
 X(expenditure_per_adult, "DKK", KPI_NATIONAL, 0, "expenditure per adult aged 18-64") \
 X(expenditure_by_type, "DKK", KPI_OFFER_TYPE, 0, "expenditure by offer type") \
 X(expenditure_own, "DKK", KPI_NATIONAL, 0, "spent on the municipality's own offers") \
 X(expenditure_other_municipality, "DKK", KPI_NATIONAL, 0, "spent on other municipalities' offers") \
 X(expenditure_region, "DKK", KPI_NATIONAL, 0, "spent on regional offers") \
 X(expenditure_private, "DKK", KPI_NATIONAL, 0, "spent on private and self-owning offers") \
 X(expenditure_by_group, "DKK", KPI_GROUP, 0, "expenditure by target group (pooled contributions and owners' frames spread over residents)") \
 X(spending_growth, "share", KPI_NATIONAL, 0, "growth of expenditure over the year before (in the base year over the last warm-up year, under takst; NaN without a warm-up)") \
 X(expenditure_pool, "DKK", KPI_NATIONAL, 0, "paid into objective-financing pools") \
 X(external_share, "share", KPI_NATIONAL, 1, "share of expenditure bought outside the municipality") \
 X(home_support_cost, "DKK", KPI_NATIONAL, 0, "cost of SEL 85 support in own home (untraded)") \
 X(unit_price, "DKK/place-year", KPI_NATIONAL, 1, "expenditure per occupied place-year") \
 X(unit_price_by_type, "DKK/place-year", KPI_OFFER_TYPE, 0, "expenditure per occupied place-year by type") \
 X(unit_price_by_group, "DKK/place-year", KPI_GROUP, 0, "expenditure per occupied place-year by target group") \
 X(fixed_mix_price, "DKK/place-year", KPI_NATIONAL, 0, "price of a comparable place: base-year mix of type and need level") \
 X(fixed_mix_price_by_type, "DKK/place-year", KPI_OFFER_TYPE, 0, "price of a comparable place by type") \
 X(price_drift, "share", KPI_NATIONAL, 1, "growth of the fixed-mix price beyond growth of the cost index (the mix of the last warm-up year, or of the base year without one; in the base year against the last warm-up year, under takst, so a regime's switch shows; NaN without a warm-up); the drift_* parts add up to it") \
 X(price_drift_by_type, "share", KPI_OFFER_TYPE, 0, "price drift by offer type") \
 X(price_drift_by_group, "share", KPI_GROUP, 0, "price drift by target group (fixed need-level mix)") \
 X(drift_cost, "share", KPI_NATIONAL, 0, "price drift from cost: the true need's cost at reference occupancy (fixed cost per place moves with capacity)") \
 X(drift_occupancy, "share", KPI_NATIONAL, 0, "price drift from the occupancy assumed in tariffs") \
 X(drift_regrading, "share", KPI_NATIONAL, 0, "price drift from grades above the true need (contested downgrades, average tariffs)") \
 X(drift_upcoding, "share", KPI_NATIONAL, 0, "price drift from negotiated group upgrades") \
 X(drift_addons, "share", KPI_NATIONAL, 0, "price drift from add-ons") \
 X(drift_carry_over, "share", KPI_NATIONAL, 0, "price drift from public offers' results carried into tariffs") \
 X(drift_markup, "share", KPI_NATIONAL, 0, "price drift from private and bidders' markups") \
 X(drift_cap, "share", KPI_NATIONAL, 0, "price drift from the rammeaftale cap (negative when it binds)") \
 X(drift_tender_risk, "share", KPI_NATIONAL, 0, "price drift from tender risk premiums") \
 X(drift_standard_price, "share", KPI_NATIONAL, 0, "price drift from standard prices (group tariffs, contract prices) against own cost") \
 X(drift_mismatch, "share", KPI_NATIONAL, 0, "price drift from premiums for mismatched places") \
 X(drift_recalibration, "share", KPI_NATIONAL, 0, "group tariffs: price drift from upcoding's effect on the cost data behind every group's tariff (the tariff at the true need from the data as billed, against the same data as if nobody were upcoded)") \
 X(drift_pooled, "share", KPI_NATIONAL, 0, "price drift from pooled contributions and owners' frames") \
 X(drift_case_mix, "share", KPI_NATIONAL, 0, "growth of the unit price beyond the cost index that is not price drift: heavier or lighter citizens") \
 X(cost_index, "index", KPI_NATIONAL, 0, "cost index (base year 1): wage and fixed-cost indices weighted by the fixed share") \
 X(price_need_r2, "share", KPI_NATIONAL, 0, "transparency: R2 of the daily prices buyers pay for residents at year end on their true need (the weekly hours it takes), one least-squares line per segment (offer type x target group) against that segment's own variance, averaged over segments by residents (so a regime that pays a fixed share of one segment's prices does not move it; segments with one price for all are left out; pooled contributions and frames are not in the daily price)") \
 X(price_spread_equal_need, "share", KPI_NATIONAL, 0, "transparency: coefficient of variation (standard deviation over mean) of daily prices within cells of equal offer type, group and true need level at year end, averaged over cells by residents") \
 X(cost_per_delivered_hour, "DKK/hour", KPI_NATIONAL, 0, "productivity: offers' costs over the direct staff hours they delivered") \
 X(occupancy_by_type, "share", KPI_OFFER_TYPE, 0, "resident days over place days") \
 X(vacancy_by_type, "share", KPI_OFFER_TYPE, 0, "capacity: empty place days over place days") \
 X(vacancy_by_group, "share", KPI_GROUP, 0, "capacity: empty place days over place days in offers for the group") \
 X(vacancy_broad, "share", KPI_NATIONAL, 0, "capacity: empty place days over place days in offers for broad groups") \
 X(vacancy_narrow, "share", KPI_NATIONAL, 0, "capacity: the same for narrow groups") \
 X(hhi, "index", KPI_NATIONAL, 0, "concentration: Herfindahl-Hirschman index of places by owner (a municipality, a region, a private offer: each private offer counts as its own provider, which understates concentration where providers run several) in each market (offer type x group x region), averaged over markets weighted by places; 1 = one owner") \
 X(places_by_type, "places", KPI_OFFER_TYPE, 0, "capacity of open offers at year end") \
 X(places_municipal, "places", KPI_NATIONAL, 0, "places in municipal offers at year end") \
 X(places_regional, "places", KPI_NATIONAL, 0, "places in regional offers at year end") \
 X(places_private, "places", KPI_NATIONAL, 0, "places in private offers at year end") \
 X(offers_open, "count", KPI_NATIONAL, 0, "offers open at year end") \
 X(users_per_10k_by_type, "per 10,000 adults", KPI_OFFER_TYPE, 0, "average residents per 10,000 adults aged 18-64") \
 X(home_support_per_10k, "per 10,000 adults", KPI_NATIONAL, 0, "average home-support users per 10,000 adults") \
 X(waiting, "citizens", KPI_NATIONAL, 1, "citizens waiting for a place at year end") \
 X(waiting_narrow, "citizens", KPI_NATIONAL, 1, "of whom in narrow groups") \
 X(mean_wait_days, "days", KPI_NATIONAL, 0, "mean wait of placements made in the year, broad groups") \
 X(mean_wait_narrow_days, "days", KPI_NATIONAL, 0, "mean wait of placements made in the year, narrow groups") \
 X(waiting_by_group, "citizens", KPI_GROUP, 0, "citizens waiting at year end by group") \
 X(mean_wait_by_group, "days", KPI_GROUP, 0, "mean wait of placements made in the year by group") \
 X(mean_wait_high_need_days, "days", KPI_NATIONAL, 0, "mean wait of the year's placements of high-need citizens (assessed at placement.high_need_level or above)") \
 X(matched_30d_by_group, "share", KPI_GROUP, 0, "of the year's placements and the citizens still waiting at year end after more than 30 days, the share placed in an offer of their own group within 30 days of the decision (a citizen waiting at one year end and placed the next year counts in both)") \
 X(matched_90d_by_group, "share", KPI_GROUP, 0, "the same within 90 days") \
 X(matched_30d_narrow, "share", KPI_NATIONAL, 0, "matched_30d_by_group over the narrow groups") \
 X(matched_30d_broad, "share", KPI_NATIONAL, 0, "matched_30d_by_group over the broad groups") \
 X(matched_90d_narrow, "share", KPI_NATIONAL, 0, "matched_90d_by_group over the narrow groups") \
 X(matched_90d_broad, "share", KPI_NATIONAL, 0, "matched_90d_by_group over the broad groups") \
 X(progression_rate, "per resident-year", KPI_NATIONAL, 0, "functional ability: residents who progressed to support in their own home, per resident-year of places") \
 X(mean_stay_years, "years", KPI_NATIONAL, 0, "mean length of the stays in places that ended in the year (exits and progressions)") \
 X(mismatch_share, "share", KPI_NATIONAL, 0, "share of placements made in a mismatched offer") \
 X(declined_high_need, "count", KPI_NATIONAL, 0, "offers' refusals of high-need citizens") \
 X(offers_beyond_band_share, "share", KPI_NATIONAL, 0, "share of public offers whose result is beyond +-5 % of cost") \
 X(offer_result_share, "share", KPI_NATIONAL, 0, "offers' total result over their total cost") \
 X(offer_entries, "count", KPI_NATIONAL, 0, "new private offers") \
 X(offer_exits, "count", KPI_NATIONAL, 1, "offers closed (including bankruptcies)") \
 X(bankruptcies, "count", KPI_NATIONAL, 0, "private offers closed with negative equity") \
 X(bankruptcy_rate, "share", KPI_NATIONAL, 0, "bankruptcies over the private offers open during the year") \
 X(quality_closures, "count", KPI_NATIONAL, 0, "offers closed by supervision for quality") \
 X(admin_cost, "DKK", KPI_NATIONAL, 1, "buyers' administration: follow-ups, case negotiations, tendering and the move to a new regime; not part of expenditure (the admin_cost_* parts add up to it)") \
 X(admin_cost_followup, "DKK", KPI_NATIONAL, 0, "follow-ups of placements and reviews of home support") \
 X(admin_cost_negotiation, "DKK", KPI_NATIONAL, 0, "case negotiations at intake and follow-ups: add-ons, contested grades, upcoding") \
 X(admin_cost_tendering, "DKK", KPI_NATIONAL, 0, "buyers' tendering: specifying and evaluating lots, each municipality's part in them, managing the contracts it holds") \
 X(admin_cost_transition, "DKK", KPI_NATIONAL, 0, "one-off costs of moving from takst to the variant's regimes, in the year they take over (regime.transition_cost)") \
 X(bid_cost, "DKK", KPI_NATIONAL, 0, "bidders' costs of bids in framework tenders: providers' costs, not part of admin_cost; a bid spreads its cost over the contract's expected days (a few DKK a day), so winners recover a little of it through their prices and losers none: most of it lowers providers' results, not expenditure") \
 X(negotiations, "count", KPI_NATIONAL, 0, "case negotiations at follow-ups: contested grades, add-ons asked or removed, upcoding asked") \
 X(upcodings, "count", KPI_NATIONAL, 0, "group tariffs: placements moved to a higher group by negotiation") \
 X(lots_tendered, "count", KPI_NATIONAL, 0, "framework tenders held") \
 X(bids, "count", KPI_NATIONAL, 0, "bids made in framework tenders") \
 X(contracted_share, "share", KPI_NATIONAL, 0, "share of placements made on a framework contract") \
 X(delivered_to_needed_hours, "ratio", KPI_NATIONAL, 0, "direct staff hours delivered over residents' true needs") \
 X(budget_deviation, "DKK", KPI_NATIONAL, 0, "spending on places and home support minus budget") \
 X(budget_deviation_share, "share", KPI_NATIONAL, 0, "budget deviation over budget") \
 X(expenditure_net_buyers_joining, "DKK", KPI_NATIONAL, 0, "spending on places of the municipalities that bought more than they sold before the regimes took over (the last warm-up year) and that join the uniform frame tariff (uniform.regions and uniform.municipalities; everyone by default)") \
 X(expenditure_net_sellers_joining, "DKK", KPI_NATIONAL, 0, "the same for net sellers that join") \
 X(expenditure_net_buyers_outside, "DKK", KPI_NATIONAL, 0, "the same for net buyers that do not join") \
 X(expenditure_net_sellers_outside, "DKK", KPI_NATIONAL, 0, "the same for net sellers that do not join") \
 X(budget_deviation_mean, "share", KPI_NATIONAL, 0, "spending control: mean over municipalities of each one's budget deviation over its budget (signed)") \
 X(budget_deviation_abs, "share", KPI_NATIONAL, 0, "spending control: mean over municipalities of the absolute budget deviation over budget") \
 X(long_wait_narrow_share, "share", KPI_NATIONAL, 0, "share of municipalities with, during the year, at least one narrow-group citizen who waited more than outputs.long_wait_days (placed after it, or still waiting at year end)") \
 X(long_wait_broad_share, "share", KPI_NATIONAL, 0, "the same for broad groups") \
 X(muni_expenditure, "DKK", KPI_MUNICIPALITY, 0, "a municipality's spending on places") \
 X(muni_expenditure_per_adult, "DKK", KPI_MUNICIPALITY, 0, "spending on places per adult") \
 X(muni_external_share, "share", KPI_MUNICIPALITY, 0, "share bought outside the municipality") \
 X(muni_net_position, "DKK", KPI_MUNICIPALITY, 0, "sales to other buyers minus purchases from other sellers") \
 X(muni_budget_deviation, "DKK", KPI_MUNICIPALITY, 0, "spending minus budget") \
 X(muni_waiting, "citizens", KPI_MUNICIPALITY, 0, "citizens waiting at year end") \
 X(muni_needs_arising, "citizens", KPI_MUNICIPALITY, 0, "new needs arising (the same in every variant: common random numbers)") \
 X(muni_users_per_10k_temporary, "per 10,000 adults", KPI_MUNICIPALITY, 0, "the municipality's citizens in temporary places (SEL 107), average over the year, per 10,000 adults") \
 X(muni_users_per_10k_longterm, "per 10,000 adults", KPI_MUNICIPALITY, 0, "the same in longterm places (SEL 108)") \
 X(muni_users_per_10k_housing, "per 10,000 adults", KPI_MUNICIPALITY, 0, "the same in housing (SEL 85 / ABL 105)") \
 X(muni_sales, "DKK", KPI_MUNICIPALITY, 0, "income of the municipality's offers from other buyers") \
 X(muni_home_support_cost, "DKK", KPI_MUNICIPALITY, 0, "the municipality's spending on home support (SEL 85 in the citizen's own home)") \
 X(muni_net_cost, "DKK", KPI_MUNICIPALITY, 0, "spending on places and home support minus the income of the municipality's offers from other buyers") \
 X(muni_net_cost_per_adult, "DKK", KPI_MUNICIPALITY, 0, "muni_net_cost per adult aged 18-64") \
 X(muni_purchases_other_municipality, "DKK", KPI_MUNICIPALITY, 0, "bought from other municipalities' offers") \
 X(muni_purchases_region, "DKK", KPI_MUNICIPALITY, 0, "bought from regional offers") \
 X(muni_purchases_private, "DKK", KPI_MUNICIPALITY, 0, "bought from private and self-owning offers") \
 X(muni_budget, "DKK", KPI_MUNICIPALITY, 0, "budget for places and home support") \
 X(muni_admin_cost, "DKK", KPI_MUNICIPALITY, 0, "the municipality's administration: follow-ups, case negotiations, tendering") \
 X(muni_long_waits_narrow, "citizens", KPI_MUNICIPALITY, 0, "narrow-group citizens who waited more than outputs.long_wait_days during the year") \
 X(muni_adults, "persons", KPI_MUNICIPALITY, 0, "adults aged 18-64") \
 X(muni_need_index, "index", KPI_MUNICIPALITY, 0, "the municipality's need per adult relative to the country (trait: structural x idiosyncratic)") \
 X(muni_need_structural, "index", KPI_MUNICIPALITY, 0, "the structural part of the need index (what an expenditure-need model sees)")

#define KPI_ENUM(name, unit, axis, head, doc) K_##name,
enum { KPI_LIST(KPI_ENUM) N_KPI };
#undef KPI_ENUM

extern const sim_series kpi_table[N_KPI];

/* The job table of offers in the last year (sim_record_add_table). */
enum { KPI_TABLE_OFFERS = 0 };
#define KPI_OFFER_COLS 11
extern const char *const kpi_offer_cols[KPI_OFFER_COLS];

/* Declare on REC (created, not yet allocated) the KPI axes, labelled from
 * P and MT, the calendar years from run.start_year, and the KPI table.
 * Returns 0, or -1 when the record refuses them (an empty axis, memory). */
int kpi_declare(sim_record *rec, const params *p, const muni_table *mt);

/* A record for the plan with the KPIs declared and the data allocated, or
 * NULL. */
sim_record *kpi_new_record(const params *p, const muni_table *mt,
                           int n_variants, int n_replicates, int n_years);

/* Record year Y of market M into slot (V, R) of REC.  Called once per year
 * after the accounts are closed and before they are reset; with REC NULL
 * for the last warm-up year, whose prices and spending the base year's
 * drift and growth compare with (nothing recorded). */
void kpi_record(market *m, struct sim_record *rec, int v, int r, int y);

#endif
