/*
 * models/params.c - the market's key table, the whole table with each
 * regime's keys after it, and the loader.
 *
 * Source tags follow the reference model: R stated in the public reports,
 * D derived from stated facts, A an assumption to calibrate.  Defaults here
 * are the baseline; scenarios/denmark.yaml repeats the ones a reader should
 * see (groups, places) so the scenario file documents the market on its own.
 */
#include <assert.h>
#include <math.h>
#include <string.h>
#include "params.h"
#include "regime.h"    /* the registry: each regime's keys and loader */

const char *const offer_type_name[N_OFFER_TYPES] = {
    "temporary", "longterm", "housing"
};
const char *const rung_name[N_RUNGS] = {
    "temporary", "longterm", "housing", "home"
};

#define R CFG_KEY_R
#define I CFG_KEY_I
#define B CFG_KEY_B
#define E CFG_KEY_E
#define S CFG_KEY_S
#define L CFG_KEY_L
/* Required keys: a group or shock declared without them is refused, so a
 * misspelt name cannot quietly become a new entity of defaults. */
#define RQ(p, lo, hi, u, t, doc)   { p, CFG_REAL, 0, NULL, lo, hi, NULL, u, t, doc, CFG_REQUIRED }
#define EQ(p, ch, t, doc)          { p, CFG_ENUM, 0, NULL, 0, 0, ch, "word", t, doc, CFG_REQUIRED }

/* One block of keys per offer type; the defaults reproduce the 2020 table of
 * places by type and owner [R] and the cost per place-year [D]. */
#define TYPE_KEYS(T, places, sreg, spriv, cost, stay, shape, size, shift, fu, prog) \
    R("offer_types." T ".places", places, 0, 1e6, "places", "R", "places of this type in the base year"), \
    R("offer_types." T ".share_regional", sreg, 0, 1, "share", "D", "share of places owned by regions"), \
    R("offer_types." T ".share_private", spriv, 0, 1, "share", "R", "share of places owned by private or self-owning providers"), \
    R("offer_types." T ".full_cost", cost, 1e4, 1e8, "DKK/place-year", "D", "full cost per place-year at budgeted occupancy, base year"), \
    R("offer_types." T ".mean_stay_years", stay, 0.05, 80, "years", "A", "mean length of a stay"), \
    R("offer_types." T ".stay_shape", shape, 0.2, 20, "gamma shape", "A", "shape of the stay-length distribution (1 = exponential)"), \
    R("offer_types." T ".mean_offer_size", size, 1, 500, "places", "R", "mean places per offer (about 19 over all types)"), \
    R("offer_types." T ".level_shift", shift, -10, 10, "levels", "A", "need level at onset relative to the group's distribution"), \
    R("offer_types." T ".followup_days", fu, 30, 1500, "days", "R", "interval between follow-ups after the first (6-24 months)"), \
    R("offer_types." T ".progression_factor", prog, 0, 10, "factor", "A", "multiplies the group's progression rate in this type")

const cfg_key params_table[] = {
    I("run.start_year", 2021, 1990, 2100, "year", "R", "first simulated calendar year (base year)"),
    I("run.years", 10, 1, 100, "years", "A", "simulated horizon"),
    I("run.warmup_years", 0, 0, 50, "years", "A", "unreported years before the base year, run under takst in every variant on the same streams, so that each variant starts its own regime from the same settled market"),
    I("run.replicates", 100, 1, 1000000, "count", "A", "replicates per variant (--replicates overrides)"),
    I("run.seed", 20211, 0, 9007199254740991.0, "seed", "A", "master seed (--seed overrides)"),
    S("run.municipalities", "data/municipalities.csv", "R", "CSV of municipalities: code,name,region,population"),
    S("run.adults_by_year", "", "D", "CSV of adults aged 18-64 by municipality and year (code,year,adults), each row holding from that year on; empty: flat at population x adult_share"),
    S("run.offers", "", "D", "CSV of the starting offers (owner,municipality,type,group,places,tariff) instead of offers generated from the table of places; empty: generated"),
    R("run.adult_share", 0.60, 0.1, 1, "share", "D", "adults aged 18-64 as a share of population"),

    /* placesim sweep: a design over scenario numbers (analysis/sweep.c
     * reads these; the model never does) */
    E("sweep.design", "none", "none|grid|lhs|sobol|morris", "A", "design of placesim sweep: none, grid (full factorial), lhs (Latin hypercube), sobol (Saltelli's scheme for Sobol indices) or morris (elementary effects)"),
    I("sweep.points", 16, 1, 20000, "count", "A", "lhs: points; sobol: base samples N (N x (factors + 2) points); morris: trajectories r (r x (factors + 1) points); grid: not used; at most 20000 points in all, times the scenario's variants"),
    I("sweep.levels", 4, 2, 1000, "levels", "A", "grid: values per factor without a list; morris: levels of its grid (even)"),
    I("sweep.seed", 1, 0, 9007199254740991.0, "seed", "A", "lhs and morris draws and the bootstrap of the indices"),
    I("sweep.bootstrap", 1000, 10, 100000, "resamples", "A", "bootstrap resamples of the design's rows for the 95 % intervals of Sobol indices"),
    S("sweep.outputs", "expenditure,unit_price,price_drift,waiting_narrow", "A", "comma-separated KPIs (compare's horizon aggregates) whose sensitivity indices are computed from the replicate mean at each point"),
    { "sweep.factors.*.key", CFG_STRING, 0, NULL, 0, 0, NULL, "text", "A", "the scenario key (a number) this factor sets, e.g. costs.wage_growth", CFG_REQUIRED },
    R("sweep.factors.*.low", 0, -1e15, 1e15, "as the key", "A", "lowest value of the factor"),
    R("sweep.factors.*.high", 1, -1e15, 1e15, "as the key", "A", "highest value of the factor"),
    E("sweep.factors.*.scale", "linear", "linear|log", "A", "spacing from low to high: linear, or log (low > 0)"),
    L("sweep.factors.*.values", "[]", -1e15, 1e15, "as the key", "A", "the factor's values instead of low..high (grid: each value; other designs: a point's share picks one)"),

    /* uncertainty about assumptions: priors drawn per replicate group
     * (analysis/uncertainty.c reads these; the model never does) */
    I("uncertainty.replicates_per_draw", 2, 1, 100000, "replicates", "A", "replicates run under each parameter draw: replicate r runs draw r / this (the replicates must be whole draws)"),
    I("uncertainty.seed", 1, 0, 9007199254740991.0, "seed", "A", "the draws' streams: draw d of prior j from (seed, d, j), the same in every variant"),
    { "uncertainty.priors.*.key", CFG_STRING, 0, NULL, 0, 0, NULL, "text", "A", "the scenario key (a number) this prior draws", CFG_REQUIRED },
    EQ("uncertainty.priors.*.dist", "uniform|triangular|normal|lognormal|beta", "A", "the prior's distribution"),
    R("uncertainty.priors.*.low", -1e15, -1e15, 1e15, "as the key", "A", "uniform, triangular, beta: lowest value; normal, lognormal: truncated below it"),
    R("uncertainty.priors.*.high", 1e15, -1e15, 1e15, "as the key", "A", "uniform, triangular, beta: highest value; normal, lognormal: truncated above it"),
    R("uncertainty.priors.*.mode", 0, -1e15, 1e15, "as the key", "A", "triangular: the most likely value"),
    R("uncertainty.priors.*.mean", 0, -1e15, 1e15, "as the key", "A", "normal: the mean; lognormal: the mean of the log"),
    R("uncertainty.priors.*.sd", 1, 0, 1e15, "as the key", "A", "normal: the standard deviation; lognormal: that of the log"),
    R("uncertainty.priors.*.a", 2, 1e-6, 1e6, "shape", "A", "beta: first shape (on low..high)"),
    R("uncertainty.priors.*.b", 2, 1e-6, 1e6, "shape", "A", "beta: second shape"),

    I("need.levels", 5, 2, MAX_LEVELS, "levels", "R", "number of need levels (VUM grades 0-4; tariff systems use 6, 12 or 27)"),
    L("need.hours_per_week", "[2, 5, 10, 18, 30]", 0, 168, "direct hours/week", "A", "relative direct support hours by need level (rescaled to full_cost)"),
    R("need.assessment_noise_sd", 0.5, 0, 5, "levels", "A", "caseworkers' disagreement: sd of assessed minus true level"),

    R("visitation.home_max_level", 0, -1, MAX_LEVELS, "level", "A", "highest assessed level that home support (SEL 85) meets"),
    R("visitation.housing_max_level", 0, -1, MAX_LEVELS, "level", "A", "highest assessed level that housing meets for a temporary or longterm need"),
    R("visitation.strictness", 0, -3, 3, "levels", "A", "added to both thresholds: stricter visitation sends more citizens down the ladder"),
    R("visitation.pressure_strictness", 0.3, 0, 3, "levels", "A", "extra strictness in a year after the municipality overspent by pressure_full_at or more (in proportion below)"),
    R("visitation.pressure_full_at", 0.05, 0.001, 1, "share of budget", "A", "overspending at which the extra strictness is in full"),
    R("visitation.committee_days_small", 28, 1, 365, "days", "R", "decision interval in small municipalities (monthly committee)"),
    R("visitation.committee_days_medium", 14, 1, 365, "days", "R", "decision interval in medium municipalities (fortnightly)"),
    R("visitation.committee_days_large", 7, 1, 365, "days", "R", "decision interval in large municipalities (weekly)"),
    R("visitation.small_population", 40000, 0, 1e7, "persons", "A", "below this a municipality is small"),
    R("visitation.large_population", 100000, 0, 1e7, "persons", "A", "at or above this a municipality is large"),
    R("outputs.long_wait_days", 90, 0, 3650, "days", "A", "a wait longer than this counts as long (long_wait_* outputs)"),
    R("visitation.followup_first_days", 90, 7, 730, "days", "R", "first follow-up after a placement (3 months)"),

    R("trends.incidence_growth_temporary", 0, -0.5, 0.5, "per year", "A", "yearly growth of the incidence of temporary (SEL 107) needs, all groups, from the base year"),
    R("trends.incidence_growth_longterm", 0, -0.5, 0.5, "per year", "A", "yearly growth of the incidence of longterm (SEL 108) needs"),
    R("trends.incidence_growth_housing", 0, -0.5, 0.5, "per year", "A", "yearly growth of the incidence of housing (SEL 85 / ABL 105) needs"),
    R("trends.incidence_growth_home", 0, -0.5, 0.5, "per year", "A", "yearly growth of the incidence of home-support needs"),
    R("home_support.cost_per_year", 90000, 0, 1e7, "DKK/user-year", "A", "cost of SEL 85 support in the citizen's own home, base year"),
    R("home_support.mean_years", 2.5, 0.05, 80, "years", "A", "mean duration of home support"),
    R("home_support.deterioration_factor", 0.25, 0, 10, "factor", "A", "multiplies the group's deterioration rate for citizens in home support"),
    R("home_support.escalated_share", 0.5, 0, 1, "share", "A", "starting stock: share of home-support users' deteriorations that have led to housing (calibrate settles it where housing holds without trends)"),
    R("home_support.level_shift", -3, -10, 10, "levels", "A", "need level at onset of a home-support need relative to the group's"),
    E("home_support.cases", "individual", "individual|aggregate", "A", "home-support users as individual cases, or counted by municipality, group and need level and moved on at each committee meeting (faster; see the README for what it loses)"),

    B("groups.*.narrow", 0, "A", "narrow, highly specialised group: needs a specialised offer"),
    RQ("groups.*.incidence_temporary", 0, 1000, "per 10,000 adults/year", "A", "new needs of temporary (SEL 107) character"),
    RQ("groups.*.incidence_longterm", 0, 1000, "per 10,000 adults/year", "A", "new needs of longterm (SEL 108) character"),
    RQ("groups.*.incidence_housing", 0, 1000, "per 10,000 adults/year", "A", "new needs of housing (SEL 85 in ABL 105) character"),
    RQ("groups.*.incidence_home", 0, 1000, "per 10,000 adults/year", "A", "new needs of home-support character"),
    L("groups.*.need_dist", "[0.10, 0.20, 0.35, 0.25, 0.10]", 0, 1, "probability", "A", "true need level at onset, one entry per level, sums to 1"),
    R("groups.*.cost_multiplier", 1.0, 0.1, 10, "factor", "A", "support hours relative to the type's average (narrow groups 1.5-2.0)"),
    R("groups.*.progression_rate", 0.10, 0, 5, "per year", "A", "rate of moving one level down (rehabilitation)"),
    R("groups.*.deterioration_rate", 0.08, 0, 5, "per year", "A", "rate of moving one level up"),
    R("groups.*.incidence_growth", 0, -0.5, 0.5, "per year", "A", "yearly growth of this group's incidence (all characters), from the base year; below 1 in the warm-up"),
    R("groups.*.regional_weight", 1.0, 0, 100, "factor", "A", "relative pull of regional capacity to this group (regions run the most specialised offers)"),

    TYPE_KEYS("temporary", 7600, 0.092, 0.60, 850000, 1.5, 2.0, 18, 0, 180, 2.0),
    TYPE_KEYS("longterm", 5300, 0.168, 0.309, 1000000, 15, 1.0, 16, 1, 730, 0.5),
    TYPE_KEYS("housing", 15100, 0.0205, 0.0795, 600000, 8, 1.0, 28, -1, 365, 1.0),

    R("costs.wage_per_hour", 450, 1, 1e5, "DKK/attendance hour", "A", "wage per staff attendance hour, base year"),
    R("costs.wage_growth", 0.025, -0.2, 0.5, "per year", "A", "growth of the wage index"),
    R("costs.price_growth", 0.02, -0.2, 0.5, "per year", "A", "growth of the index for fixed costs (buildings, administration)"),
    R("costs.direct_share", 0.6, 0.05, 1, "share", "A", "direct (face-to-face) share of staff attendance time"),
    R("costs.reference_occupancy", 0.95, 0.5, 1, "share", "A", "occupancy at which the full cost per place-year holds (the cost data's basis)"),
    R("costs.fixed_share", 0.30, 0, 0.95, "share", "A", "fixed share of full cost at budgeted occupancy"),
    R("costs.staff_adjust_per_quarter", 0.5, 0, 1, "share of gap", "A", "how far staff moves toward what residents' assessed needs require each quarter"),

    R("placement.penalty_region_municipal", 0.05, 0, 10, "price share", "A", "dislike of another municipality's offer in the region, as a share of price"),
    R("placement.penalty_regional", 0.10, 0, 10, "price share", "A", "dislike of a regional offer"),
    R("placement.penalty_private", 0.15, 0, 10, "price share", "A", "dislike of a private offer"),
    R("placement.penalty_outside_region", 0.20, 0, 10, "price share", "A", "extra dislike of an offer outside the home region"),
    R("placement.cost_sensitivity", 1.0, 0, 10, "factor", "A", "weight of price against fit when choosing an offer"),
    R("placement.preference_noise", 0.10, 0, 5, "price share", "A", "case-specific taste for an offer (sd)"),
    R("placement.wait_tolerance_days", 90, 0, 3650, "days", "A", "waiting after which a mismatched place is bought"),
    R("placement.mismatch_premium", 0.15, 0, 5, "share", "A", "price premium paid for a mismatched place"),
    R("placement.buffer_share", 0.05, 0, 1, "share", "R", "share of an own offer's places kept free for the owner's own citizens"),
    R("placement.min_efficient_size", 10, 1, 200, "places", "A", "a municipality runs its own offer for a group only with at least this much demand"),
    R("placement.decline_margin", 0.05, 0, 5, "share", "A", "an offer declines when expected cost exceeds price by more than this"),
    R("placement.decline_prob", 0.8, 0, 1, "probability", "A", "probability that a private or regional offer declines such a citizen"),
    I("placement.high_need_level", 3, 0, MAX_LEVELS, "level", "A", "assessed level from which a citizen counts as high-need"),

    R("negotiation.regrade_ask_prob", 0.5, 0, 1, "probability", "A", "provider contests a lower assessment at a follow-up"),
    R("negotiation.addon_ask_prob", 0.08, 0, 1, "probability", "A", "provider asks for an add-on at a follow-up (public offers)"),
    R("negotiation.addon_private_factor", 1.5, 0, 10, "factor", "A", "private providers ask this much more often"),
    R("negotiation.addon_size", 0.15, 0, 5, "share of service tariff", "A", "size of one add-on"),
    I("negotiation.max_addons", 3, 0, 20, "count", "A", "add-ons one placement can carry"),
    R("negotiation.rigor", 0.6, 0, 1, "probability", "R", "buyer refuses an unjustified request (R direction, A size)"),
    R("negotiation.push_prob", 0.10, 0, 1, "probability", "R", "buyer pushes the price down at a follow-up (removes an add-on)"),
    R("bargaining.alternatives_ref", 20, 0.01, 1e5, "free places", "A", "free places of the segment within the buyer's reach (its region; the country for narrow groups) at which scarcity is one half: scarcity = 1 / (1 + free places / this)"),
    R("bargaining.scarcity_weight", 0.5, 0, 1, "weight", "A", "how much scarcity adds to a provider's power (0: none)"),
    R("bargaining.lock_in_years", 2, 0.01, 100, "years", "A", "length of stay at which moving a resident costs the buyer 63 % of its full lock-in (lock-in = 1 - exp(-stay / this))"),
    R("bargaining.lock_in_weight", 0.3, 0, 1, "weight", "A", "how much lock-in adds to a provider's power"),
    R("bargaining.scarcity_markup", 0.05, 0, 2, "share", "A", "extra markup a private provider sets, at full scarcity of its segment in its region, when it sets its yearly price"),
    R("bargaining.narrow_occupancy_risk", 0.05, 0, 0.5, "share", "A", "offers of narrow groups set tariffs at budgeted occupancy x (1 - this): a premium against falling occupancy"),
    R("bargaining.seller_threshold", 0.75, 0, 1, "share", "R", "share of an offer's income invoiced to other buyers above which its owner controls its cost less (KL's guide: above 75 %)"),
    R("bargaining.seller_slack", 0.05, 0, 2, "share", "A", "staff an offer invoicing all its income to others keeps above its residents' needs when it is full (linear from the threshold)"),
    R("negotiation.admin_cost_followup", 4000, 0, 1e6, "DKK", "A", "administrative cost of one follow-up"),
    R("negotiation.admin_cost_negotiation", 6000, 0, 1e6, "DKK", "A", "administrative cost of one price negotiation"),

    R("offers.carry_band", 0.05, 0, 1, "share of cost", "R", "public offers carry results beyond this band into tariffs"),
    I("offers.carry_lag", 2, 1, MAX_LAG, "years", "R", "years until a result is carried into tariffs"),
    E("offers.carry_mode", "whole", "whole|excess", "A", "carry the whole result (whole) or only the part beyond the band (excess)"),
    R("offers.expand_occupancy", 0.97, 0, 2, "share", "A", "occupancy above which an offer with a waiting list adds places"),
    R("offers.expand_share", 0.10, 0, 2, "share", "A", "places added in one expansion, share of capacity"),
    R("offers.cut_occupancy", 0.80, 0, 1, "share", "A", "occupancy below which (for low_years) an offer cuts places"),
    R("offers.cut_share", 0.10, 0, 1, "share", "A", "places cut in one step, share of capacity"),
    R("offers.close_occupancy", 0.50, 0, 1, "share", "A", "occupancy below which (for low_years) an offer closes"),
    I("offers.low_years", 2, 1, 10, "years", "A", "years of low occupancy before a cut or closure"),
    R("offers.entry_min_waiting", 5, 0, 1e5, "citizens", "A", "citizens waiting in a region and segment beyond the free places there that draw a new private offer"),
    R("offers.entry_risk_premium", 0.02, 0, 5, "share", "A", "return over cost a new private offer requires"),
    R("offers.entry_growth_years", 2, 0, 10, "years", "A", "years of its segment's recent demand growth in the region (residents and waiting, mean yearly change over offers.growth_window_years) a new private offer counts on besides the unmet queue; 0 = the queue alone"),
    I("offers.growth_window_years", 3, 1, 5, "years", "A", "years over which providers read a segment's demand growth"),
    R("capacity.other_demand_weight", 0.5, 0, 1, "weight", "A", "weight an owner gives other buyers' waiting citizens when it adds places (its own count in full)"),
    R("capacity.narrow_demand_weight", 0.1, 0, 1, "weight", "A", "weight an owner gives every waiting citizen of a narrow group, its own included, when it adds places for that group [R direction, VIVE 2023 ch. 2: the start-up cost and the dependence on other municipalities' demand deter any single municipality from building for a narrow group]"),
    R("capacity.startup_cost", 0.10, 0, 10, "share of a place-year", "A", "start-up cost of a new place (staff, fitting out), as a share of its full cost per year"),
    R("capacity.startup_narrow_factor", 3.0, 0, 100, "factor", "A", "start-up cost of a place for a narrow group relative to a broad one (specialised staff and buildings)"),
    R("capacity.payback_years", 5, 0.1, 50, "years", "A", "years over which a new private offer must earn back its start-up cost"),
    R("offers.quality_closure_private", 0.005, 0, 1, "per year", "A", "private offers closed by supervision for quality a year, on average (the weakest most often)"),
    R("offers.quality_closure_public", 0.001, 0, 1, "per year", "A", "the same for public offers"),
    R("offers.private_initial_equity", 0.15, 0, 10, "share of annual cost", "A", "equity of a private offer at start"),
    R("offers.quality_sd", 0.15, 0, 1, "score", "A", "spread of offers' quality scores around 0.5: what buyers weigh against price in tenders, and what supervision closes the weakest for"),

    I("regime.starts_after", 0, 0, 99, "years", "A", "years after the base year at which the variant's regimes take over from takst (0: the base year)"),
    E("regime.transition", "at_once", "at_once|at_followup", "A", "residents placed before the regimes take over move to the new prices at once, or keep their price, indexed, until their next follow-up"),
    R("regime.transition_cost", 500000, 0, 1e9, "DKK", "A", "one-off cost for each municipality of moving from takst to other regimes (procedures, systems, training), counted in admin_cost in the year they take over"),
    S("regime.name", "takst", "R", "regimes in use, joined by '+' (takst, drg, tender, objective, uniform); each takes its own segments, the first named wins an overlap, the rest stay on takst"),
    E("takst.tariff", "differentiated", "differentiated|average", "R", "service tariff by need level, or one average tariff per offer"),
    R("takst.budgeted_occupancy", 0.95, 0.5, 1, "share", "R", "occupancy assumed when tariffs are set (95-98 % in practice)"),
    R("takst.cap", 0.0, -0.1, 0.1, "per year", "A", "rammeaftale: public tariff growth at most index growth plus this"),
    R("takst.private_markup", 0.05, -0.5, 2, "share", "A", "private offers' markup on cost-based tariffs"),




    E("owner_budget.model", "activity", "activity|frame|mixed", "R", "how an owner funds its own offers: per occupied place, a frame, or both"),
    R("owner_budget.fixed_share", 0.2, 0, 1, "share", "R", "mixed: fixed share of the budget paid as a frame (20 % in an example)"),
    R("owner_budget.progression_effect", 0.3, 0, 10, "factor", "A", "under a frame, an offer promotes its owner's own residents' progression: rate times 1 + this times the frame share"),
    R("owner_budget.activity_effect", 0.2, 0, 1, "factor", "A", "an offer paid per day works less for a resident's progression when nobody waits to take the place: rate times 1 - this times the share of the price paid per day"),

    EQ("shocks.*.kind", "incidence|wave|closure|wage|expensive_case", "A", "incidence: needs x (1 + size); wave: size more needs per 10,000 adults a year; closure: the largest matching offer closes; wage: wages x (1 + size); expensive_case: one case costing (1 + size) times its level's hours"),
    I("shocks.*.start_year", 0, 0, 2200, "year", "A", "calendar year the shock starts (1 January); 0: the base year.  Ignored when rate > 0"),
    R("shocks.*.duration_years", 100, 0, 1000, "years", "A", "how long an incidence, wave or wage shock lasts"),
    S("shocks.*.group", "all", "A", "target group hit, or all (closure and expensive_case: the group the offer or case belongs to)"),
    S("shocks.*.region", "all", "A", "region hit, or all"),
    S("shocks.*.type", "all", "A", "offer type or need character hit, or all (wave: the need's character, default temporary)"),
    R("shocks.*.size", 0.2, -0.99, 1000, "share or per 10,000", "A", "size of the shock (see kind)"),
    R("shocks.*.size_sd", 0, 0, 10, "log sd", "A", "stochastic shocks: spread of the size (log-normal around size)"),
    R("shocks.*.rate", 0, 0, 100, "per year", "A", "0: scheduled once at start_year; above 0: occurrences at random times at this rate over the horizon"),

    R("ownership.county_share", 0.30, 0, 1, "share", "A", "share of each temporary and longterm segment's municipal places in former county institutions taken over in 2007 by a few host municipalities"),
    R("ownership.county_share_housing", 0.10, 0, 1, "share", "A", "the same for housing, mostly built after 2007"),
    I("ownership.hosts_per_region", 3, 0, MAX_MUNIS, "municipalities", "A", "municipalities per region hosting former county institutions"),
    R("ownership.county_size_factor", 2.0, 0.1, 20, "factor", "A", "size of a former county institution relative to the type's mean offer size"),

    R("budget.catch_up", 0.5, 0, 1, "share", "A", "share of the gap between this year's outturn and budget that next year's budget takes up (1: budget from the outturn alone)"),
    R("budget.demand_allowance", 0.0, -0.5, 0.5, "per year", "A", "growth a municipality adds to the price and wage forecast when it budgets next year from this year's spending (0: the budget reacts to demand only through last year's spending)"),

    E("traits.draw", "fixed", "fixed|redraw", "A", "municipalities' lasting traits: fixed (one country for the seed, the same in every replicate and variant) or redraw (a new country in every replicate)"),
    R("traits.need_structural_sd", 0.25, 0, 3, "log sd", "A", "spread of the structural need index (what an expenditure-need model sees) between municipalities"),
    R("traits.need_idiosyncratic_sd", 0.25, 0, 3, "log sd", "A", "spread of the part of need per adult that the structural index does not explain"),
    R("traits.strictness_sd", 0.15, 0, 3, "levels", "A", "spread of visitation strictness between municipalities"),
    R("traits.rigor_sd", 0.10, 0, 3, "log sd", "A", "spread of follow-up rigor (refusing unjustified requests) between municipalities"),
    R("traits.cost_sensitivity_sd", 0.10, 0, 3, "log sd", "A", "spread of the weight of price in placement choices"),
    R("traits.own_preference_sd", 0.30, 0, 3, "log sd", "A", "spread of the preference for running own offers (lowers the demand at which a municipality runs one)"),
    R("traits.budget_bias_sd", 0.01, 0, 0.5, "per year", "A", "spread of municipalities' lasting budget optimism or caution, added to the forecast"),
    R("traits.budget_noise_sd", 0.01, 0, 0.5, "per year", "A", "year-to-year error of a municipality's budget forecast"),
};
const size_t params_table_len = sizeof params_table / sizeof params_table[0];

/* The whole table: the market's keys, then each known regime's.  Built
 * for the registry as it stands, again after a regime is registered. */
#define PARAMS_KEYS_MAX 512
static cfg_key all_keys[PARAMS_KEYS_MAX];
static size_t n_all_keys;
static int built_for = -1;   /* registry size all_keys was built for */

static void build_keys(void)
{
    if (built_for != regime_count()) {
        n_all_keys = 0;
        for (size_t i = 0; i < params_table_len; i++) all_keys[n_all_keys++] = params_table[i];
        for (int r = 0; r < regime_count(); r++) {
            const regime_ops *ops = regime_at(r);
            /* a registered regime's keys that do not fit are a programming
             * error, caught here rather than truncated */
            assert(n_all_keys + ops->n_keys <= PARAMS_KEYS_MAX);
            for (size_t i = 0; i < ops->n_keys; i++) all_keys[n_all_keys++] = ops->keys[i];
        }
        built_for = regime_count();
    }
}

const cfg_key *params_keys(void) { build_keys(); return all_keys; }
size_t params_keys_len(void) { build_keys(); return n_all_keys; }

/* ---- loading ---------------------------------------------------------- */

static void key_of(char *buf, size_t n, const char *a, const char *b,
                   const char *c)
{
    snprintf(buf, n, "%s.%s.%s", a, b, c);
}

static int list_of_levels(const cfg *c, const char *key, int levels,
                          double *out, int must_sum_to_one, cfg_error *err)
{
    int n = cfg_list(c, key, out, MAX_LEVELS);
    if (n != levels)
        return cfg_fail(c, key, err, "has %d entries; need.levels is %d", n,
                        levels) - 1;
    if (must_sum_to_one) {
        double s = 0;
        for (int i = 0; i < n; i++) s += out[i];
        if (fabs(s - 1) > 1e-6)
            return cfg_fail(c, key, err, "entries sum to %.6g, not 1", s) - 1;
    }
    return 0;
}

static int load_groups(const cfg *c, params *p, cfg_error *err)
{
    const char *names[MAX_GROUPS + 1];
    p->n_groups = cfg_names(c, "groups", names, MAX_GROUPS + 1);
    if (p->n_groups < 1)
        return cfg_fail(c, "groups", err, "at least one target group is needed") - 1;
    if (p->n_groups > MAX_GROUPS)
        return cfg_fail(c, "groups", err, "at most %d target groups", MAX_GROUPS) - 1;
    for (int g = 0; g < p->n_groups; g++) {
        group_params *gp = &p->group[g];
        char k[256];
        snprintf(gp->name, sizeof gp->name, "%s", names[g]);
#define GET(field, suffix) key_of(k, sizeof k, "groups", names[g], suffix); field = cfg_real(c, k)
        key_of(k, sizeof k, "groups", names[g], "narrow");
        gp->narrow = cfg_bool(c, k);
        GET(gp->incidence[OT_TEMPORARY], "incidence_temporary");
        GET(gp->incidence[OT_LONGTERM], "incidence_longterm");
        GET(gp->incidence[OT_HOUSING], "incidence_housing");
        GET(gp->incidence[RUNG_HOME], "incidence_home");
        GET(gp->cost_multiplier, "cost_multiplier");
        GET(gp->progression_rate, "progression_rate");
        GET(gp->deterioration_rate, "deterioration_rate");
        GET(gp->regional_weight, "regional_weight");
        GET(gp->incidence_growth, "incidence_growth");
#undef GET
        key_of(k, sizeof k, "groups", names[g], "need_dist");
        if (list_of_levels(c, k, p->levels, gp->need_dist, 1, err)) return -1;
    }
    return 0;
}

static int load_types(const cfg *c, params *p, cfg_error *err)
{
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        type_params *tp = &p->type[t];
        char k[256];
#define GET(field, suffix) key_of(k, sizeof k, "offer_types", offer_type_name[t], suffix); field = cfg_real(c, k)
        GET(tp->places, "places");
        GET(tp->share_regional, "share_regional");
        GET(tp->share_private, "share_private");
        GET(tp->full_cost, "full_cost");
        GET(tp->mean_stay_years, "mean_stay_years");
        GET(tp->stay_shape, "stay_shape");
        GET(tp->mean_offer_size, "mean_offer_size");
        GET(tp->level_shift, "level_shift");
        GET(tp->followup_days, "followup_days");
        GET(tp->progression_factor, "progression_factor");
#undef GET
        if (tp->share_regional + tp->share_private > 1 + 1e-9) {
            /* Named at the owner share the scenario set last, so the
             * message points at a line the user wrote. */
            key_of(k, sizeof k, "offer_types", offer_type_name[t], "share_private");
            return cfg_fail(c, k, err, "share_regional + share_private of %s "
                            "come to %.4g, more than 1", offer_type_name[t],
                            tp->share_regional + tp->share_private) - 1;
        }
    }
    return 0;
}

static int load_shocks(const cfg *c, params *p, cfg_error *err)
{
    static const char *const kinds[] = { "incidence", "wave", "closure", "wage",
                                         "expensive_case" };
    const char *names[MAX_SHOCKS + 1];
    p->n_shocks = cfg_names(c, "shocks", names, MAX_SHOCKS + 1);
    if (p->n_shocks > MAX_SHOCKS)
        return cfg_fail(c, "shocks", err, "at most %d shocks", MAX_SHOCKS) - 1;
    for (int i = 0; i < p->n_shocks; i++) {
        shock_params *s = &p->shock[i];
        char k[256];
#define KEY(suffix) (key_of(k, sizeof k, "shocks", names[i], suffix), k)
        snprintf(s->name, sizeof s->name, "%s", names[i]);
        const char *kind = cfg_text(c, KEY("kind"));
        for (int j = 0; j < 5; j++) if (!strcmp(kind, kinds[j])) s->kind = (shock_kind)j;
        s->start_year = (int)cfg_int(c, KEY("start_year"));
        if (s->start_year && (s->start_year < p->start_year ||
                              s->start_year >= p->start_year + p->years))
            return cfg_fail(c, k, err, "%d is outside the run (%d-%d)", s->start_year,
                            p->start_year, p->start_year + p->years - 1) - 1;
        s->duration_years = cfg_real(c, KEY("duration_years"));
        s->size = cfg_real(c, KEY("size"));
        s->size_sd = cfg_real(c, KEY("size_sd"));
        s->rate = cfg_real(c, KEY("rate"));
        const char *g = cfg_text(c, KEY("group"));
        s->group = -1;
        for (int j = 0; j < p->n_groups; j++) if (!strcmp(g, p->group[j].name)) s->group = j;
        if (s->group < 0 && strcmp(g, "all")) {
            const char *gn[MAX_GROUPS];
            for (int j = 0; j < p->n_groups; j++) gn[j] = p->group[j].name;
            return cfg_fail(c, k, err, "'%s' is not a target group of this "
                            "scenario; did you mean '%s'?", g,
                            cfg_nearest_word(g, gn, p->n_groups)) - 1;
        }
        const char *t = cfg_text(c, KEY("type"));
        s->type = s->kind == SHOCK_WAVE ? OT_TEMPORARY : -1;
        for (int j = 0; j < N_OFFER_TYPES; j++) if (!strcmp(t, offer_type_name[j])) s->type = j;
        if (strcmp(t, "all") && (s->type < 0 || strcmp(t, offer_type_name[s->type])))
            return cfg_fail(c, k, err, "'%s' is not an offer type (temporary, longterm, housing or all)", t) - 1;
        snprintf(s->region_name, sizeof s->region_name, "%s", cfg_text(c, KEY("region")));
#undef KEY
    }
    return 0;
}

int params_bind_regions(const cfg *c, params *p, const params_regions *t,
                        cfg_error *err)
{
    const char (*names)[48] = t->names;
    int n = t->n;
    for (int i = 0; i < p->n_shocks; i++) {
        shock_params *s = &p->shock[i];
        s->region = -1;
        for (int r = 0; r < n; r++) if (!strcmp(s->region_name, names[r])) s->region = r;
        if (s->region < 0 && strcmp(s->region_name, "all")) {
            char k[256];
            const char *rn[MAX_REGIONS];
            for (int r = 0; r < n; r++) rn[r] = names[r];
            key_of(k, sizeof k, "shocks", s->name, "region");
            const char *near = cfg_nearest_word(s->region_name, rn, n);
            if (near)
                return cfg_fail(c, k, err, "'%s' is not a region of the "
                                "municipality table; did you mean '%s'?",
                                s->region_name, near) - 1;
            return cfg_fail(c, k, err, "'%s' is not a region of the municipality table",
                            s->region_name) - 1;
        }
    }
    return regime_params_bind(c, p, t, err);
}

/* "temporary,housing" or "all" into one flag per offer type. */
static int load_types_list(const cfg *c, const char *key, int *out, cfg_error *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", cfg_text(c, key));
    memset(out, 0, sizeof(int) * N_OFFER_TYPES);
    for (char *save = NULL, *w = strtok_r(buf, ", ", &save); w;
         w = strtok_r(NULL, ", ", &save)) {
        int found = 0;
        for (int t = 0; t < N_OFFER_TYPES; t++)
            if (!strcmp(w, offer_type_name[t]) || !strcmp(w, "all"))
                out[t] = found = 1;
        if (!found)
            return cfg_fail(c, key, err, "'%s' is not an offer type "
                            "(temporary, longterm, housing or all)", w) - 1;
    }
    int any = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) any |= out[t];
    if (!any)
        return cfg_fail(c, key, err, "names no offer type "
                        "(temporary, longterm, housing or all)") - 1;
    return 0;
}

int params_load_segments(const cfg *c, const char *prefix, segment_set *s,
                         cfg_error *err)
{
    char k[64];
    snprintf(k, sizeof k, "%s.groups", prefix);
    const char *g = cfg_text(c, k);
    s->groups = !strcmp(g, "narrow") ? GROUPS_NARROW
              : !strcmp(g, "all") ? GROUPS_ALL : GROUPS_BROAD;
    snprintf(k, sizeof k, "%s.types", prefix);
    return load_types_list(c, k, s->types, err);
}

/* The registry's names, "takst, drg, ..." for messages. */
static void regime_names(char *buf, size_t n)
{
    buf[0] = 0;
    for (int i = 0; i < regime_count(); i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", i ? ", " : "", regime_at(i)->name);
    }
}

/* Regime names joined by '+', each known and named once. */
static int check_regimes(const cfg *c, const char *names, cfg_error *err)
{
    char buf[sizeof ((params *)0)->regime], known[256];
    const regime_ops *seen[MAX_REGISTRY];
    int n_seen = 0, takst = 0;
    regime_names(known, sizeof known);
    /* strtok would skip empty words, so "" and "drg++tender" are caught here. */
    size_t len = strlen(names);
    if (!len || names[0] == '+' || names[len - 1] == '+' || strstr(names, "++"))
        return cfg_fail(c, "regime.name", err, "'%s' names no regime or an empty "
                        "one (%s, joined by '+')", names, known) - 1;
    snprintf(buf, sizeof buf, "%s", names);
    for (char *save = NULL, *w = strtok_r(buf, "+", &save); w;
         w = strtok_r(NULL, "+", &save)) {
        const regime_ops *r = regime_find(w);
        if (!r)
            return cfg_fail(c, "regime.name", err, "'%s' is not a regime "
                            "(%s, joined by '+')", w, known) - 1;
        for (int i = 0; i < n_seen; i++)
            if (seen[i] == r)
                return cfg_fail(c, "regime.name", err, "'%s' is named twice", w) - 1;
        seen[n_seen++] = r;   /* names are distinct: at most MAX_REGISTRY */
        takst |= r == &regime_takst;
    }
    /* a run holds MAX_REGIMES at once, takst among them whether named or not */
    if (n_seen + !takst > MAX_REGIMES)
        return cfg_fail(c, "regime.name", err, "names %d regimes; a run holds at most "
                        "%d besides takst", n_seen - takst, MAX_REGIMES - 1) - 1;
    return 0;
}

/* Every regime named takes at least one segment: one whose keys select
 * nothing in this scenario, or only what a regime named before it takes
 * (the first named wins), would run as if it were not named. */
static int check_idle(const cfg *c, const params *p, cfg_error *err)
{
    char buf[sizeof p->regime];
    const regime_ops *before[MAX_REGISTRY];
    int n_before = 0;
    snprintf(buf, sizeof buf, "%s", p->regime);
    for (char *save = NULL, *w = strtok_r(buf, "+", &save); w;
         w = strtok_r(NULL, "+", &save)) {
        const regime_ops *r = regime_find(w);
        if (!r || r == &regime_takst) continue;   /* takst takes what is left */
        int any = 0, own = 0, by = -1;
        for (int t = 0; t < N_OFFER_TYPES; t++)
            for (int g = 0; g < p->n_groups; g++) {
                if (!regime_selects(p, r, t, g)) continue;
                any = 1;
                int taken = -1;
                for (int i = 0; i < n_before && taken < 0; i++)
                    if (regime_selects(p, before[i], t, g)) taken = i;
                if (taken < 0) own = 1;
                else if (by < 0) by = taken;
            }
        if (!any)
            return cfg_fail(c, "regime.name", err, "'%s' takes no segment of this scenario: "
                            "%s.groups and %s.types select no target group and offer type "
                            "it has", w, w, w) - 1;
        if (!own)
            return cfg_fail(c, "regime.name", err, "'%s' takes no segment: every segment its "
                            "keys (%s.groups, %s.types) select is taken by '%s', named before "
                            "it (the first named wins); name it first or narrow %s's",
                            w, w, w, before[by]->name, before[by]->name) - 1;
        before[n_before++] = r;
    }
    return 0;
}

static int load_regimes(const cfg *c, params *p, cfg_error *err)
{
    const char *names = cfg_text(c, "regime.name");
    if (strlen(names) >= sizeof p->regime)   /* before the copy would cut it */
        return cfg_fail(c, "regime.name", err, "longer than %zu characters",
                        sizeof p->regime - 1) - 1;
    snprintf(p->regime, sizeof p->regime, "%s", names);
    if (check_regimes(c, p->regime, err)) return -1;
    p->regime_starts = (int)cfg_int(c, "regime.starts_after");
    if (p->regime_starts >= (int)cfg_int(c, "run.years"))
        return cfg_fail(c, "regime.starts_after", err, "%d years after the base year is "
                        "beyond the horizon of run.years (%d)", p->regime_starts,
                        (int)cfg_int(c, "run.years")) - 1;
    p->transition_at_followup = !strcmp(cfg_text(c, "regime.transition"), "at_followup");
    p->transition_cost = cfg_real(c, "regime.transition_cost");

    owner_budget_params *ob = &p->owner;
    const char *om = cfg_text(c, "owner_budget.model");
    ob->model = !strcmp(om, "frame") ? OWNER_FRAME
              : !strcmp(om, "mixed") ? OWNER_MIXED : OWNER_ACTIVITY;
    ob->fixed_share = ob->model == OWNER_FRAME ? 1.0
                    : ob->model == OWNER_MIXED ? cfg_real(c, "owner_budget.fixed_share") : 0.0;
    ob->progression_effect = cfg_real(c, "owner_budget.progression_effect");
    ob->activity_effect = cfg_real(c, "owner_budget.activity_effect");
    return 0;
}

int params_load(const cfg *c, params *p, cfg_error *err)
{
    memset(p, 0, sizeof *p);
    p->start_year = (int)cfg_int(c, "run.start_year");
    p->years = (int)cfg_int(c, "run.years");
    p->warmup_years = (int)cfg_int(c, "run.warmup_years");
    p->replicates = (int)cfg_int(c, "run.replicates");
    p->seed = (uint64_t)cfg_int(c, "run.seed");
    /* a path cut at its buffer would name another file */
    static const char *const path_keys[] = { "run.municipalities", "run.adults_by_year",
                                             "run.offers" };
    char *const path_out[] = { p->municipalities_file, p->adults_file, p->offers_file };
    for (int i = 0; i < 3; i++)
        if (cfg_path(c, path_keys[i], path_out[i], sizeof p->offers_file))
            return cfg_fail(c, path_keys[i], err, "the path is longer than %zu bytes "
                            "(with the scenario's folder)", sizeof p->offers_file - 1) - 1;
    p->adult_share = cfg_real(c, "run.adult_share");

    p->levels = (int)cfg_int(c, "need.levels");
    if (list_of_levels(c, "need.hours_per_week", p->levels, p->hours_per_week,
                       0, err)) return -1;
    p->assessment_noise_sd = cfg_real(c, "need.assessment_noise_sd");

    p->home_max_level = cfg_real(c, "visitation.home_max_level");
    p->housing_max_level = cfg_real(c, "visitation.housing_max_level");
    p->strictness = cfg_real(c, "visitation.strictness");
    p->pressure_strictness = cfg_real(c, "visitation.pressure_strictness");
    p->pressure_full_at = cfg_real(c, "visitation.pressure_full_at");
    p->committee_days[0] = cfg_real(c, "visitation.committee_days_small");
    p->committee_days[1] = cfg_real(c, "visitation.committee_days_medium");
    p->committee_days[2] = cfg_real(c, "visitation.committee_days_large");
    p->small_population = cfg_real(c, "visitation.small_population");
    p->large_population = cfg_real(c, "visitation.large_population");
    if (p->small_population > p->large_population)
        return cfg_fail(c, "visitation.small_population", err,
                        "exceeds visitation.large_population") - 1;
    p->followup_first_days = cfg_real(c, "visitation.followup_first_days");

    p->home_cost_per_year = cfg_real(c, "home_support.cost_per_year");
    p->home_mean_years = cfg_real(c, "home_support.mean_years");
    p->home_level_shift = cfg_real(c, "home_support.level_shift");
    p->home_deterioration_factor = cfg_real(c, "home_support.deterioration_factor");
    p->home_escalated_share = cfg_real(c, "home_support.escalated_share");
    p->home_aggregate = strcmp(cfg_text(c, "home_support.cases"), "aggregate") == 0;

    if (load_groups(c, p, err) || load_types(c, p, err)) return -1;

    p->wage_per_hour = cfg_real(c, "costs.wage_per_hour");
    p->wage_growth = cfg_real(c, "costs.wage_growth");
    p->price_growth = cfg_real(c, "costs.price_growth");
    p->direct_share = cfg_real(c, "costs.direct_share");
    p->fixed_share = cfg_real(c, "costs.fixed_share");
    p->reference_occupancy = cfg_real(c, "costs.reference_occupancy");
    p->staff_adjust = cfg_real(c, "costs.staff_adjust_per_quarter");

    p->tier_penalty[0] = 0;
    p->tier_penalty[1] = cfg_real(c, "placement.penalty_region_municipal");
    p->tier_penalty[2] = cfg_real(c, "placement.penalty_regional");
    p->tier_penalty[3] = cfg_real(c, "placement.penalty_private");
    p->tier_penalty[4] = cfg_real(c, "placement.penalty_outside_region");
    p->cost_sensitivity = cfg_real(c, "placement.cost_sensitivity");
    p->preference_noise = cfg_real(c, "placement.preference_noise");
    p->wait_tolerance_days = cfg_real(c, "placement.wait_tolerance_days");
    p->mismatch_premium = cfg_real(c, "placement.mismatch_premium");
    p->buffer_share = cfg_real(c, "placement.buffer_share");
    p->min_efficient_size = cfg_real(c, "placement.min_efficient_size");
    p->decline_margin = cfg_real(c, "placement.decline_margin");
    p->decline_prob = cfg_real(c, "placement.decline_prob");
    p->high_need_level = (int)cfg_int(c, "placement.high_need_level");

    p->regrade_ask_prob = cfg_real(c, "negotiation.regrade_ask_prob");
    p->addon_ask_prob = cfg_real(c, "negotiation.addon_ask_prob");
    p->addon_private_factor = cfg_real(c, "negotiation.addon_private_factor");
    p->addon_size = cfg_real(c, "negotiation.addon_size");
    p->max_addons = (int)cfg_int(c, "negotiation.max_addons");
    p->rigor = cfg_real(c, "negotiation.rigor");
    p->push_prob = cfg_real(c, "negotiation.push_prob");
    p->admin_cost_followup = cfg_real(c, "negotiation.admin_cost_followup");
    p->admin_cost_negotiation = cfg_real(c, "negotiation.admin_cost_negotiation");

    p->carry_band = cfg_real(c, "offers.carry_band");
    p->carry_lag = (int)cfg_int(c, "offers.carry_lag");
    p->carry = strcmp(cfg_text(c, "offers.carry_mode"), "excess") == 0
                   ? CARRY_EXCESS : CARRY_WHOLE;
    p->expand_occupancy = cfg_real(c, "offers.expand_occupancy");
    p->expand_share = cfg_real(c, "offers.expand_share");
    p->cut_occupancy = cfg_real(c, "offers.cut_occupancy");
    p->cut_share = cfg_real(c, "offers.cut_share");
    p->close_occupancy = cfg_real(c, "offers.close_occupancy");
    p->low_years = (int)cfg_int(c, "offers.low_years");
    p->entry_min_waiting = cfg_real(c, "offers.entry_min_waiting");
    p->entry_risk_premium = cfg_real(c, "offers.entry_risk_premium");
    p->entry_growth_years = cfg_real(c, "offers.entry_growth_years");
    p->growth_window_years = (int)cfg_int(c, "offers.growth_window_years");
    p->private_initial_equity = cfg_real(c, "offers.private_initial_equity");
    p->quality_sd = cfg_real(c, "offers.quality_sd");

    if (load_regimes(c, p, err) || load_shocks(c, p, err)) return -1;
    p->tariff = strcmp(cfg_text(c, "takst.tariff"), "average") == 0
                    ? TARIFF_AVERAGE : TARIFF_DIFFERENTIATED;
    p->budgeted_occupancy = cfg_real(c, "takst.budgeted_occupancy");
    p->rammeaftale_cap = cfg_real(c, "takst.cap");
    p->private_markup = cfg_real(c, "takst.private_markup");

    p->budget_allowance = cfg_real(c, "budget.demand_allowance");
    p->budget_catch_up = cfg_real(c, "budget.catch_up");
    p->quality_closure[1] = cfg_real(c, "offers.quality_closure_private");
    p->quality_closure[0] = cfg_real(c, "offers.quality_closure_public");
    p->alternatives_ref = cfg_real(c, "bargaining.alternatives_ref");
    p->scarcity_weight = cfg_real(c, "bargaining.scarcity_weight");
    p->lock_in_years = cfg_real(c, "bargaining.lock_in_years");
    p->lock_in_weight = cfg_real(c, "bargaining.lock_in_weight");
    p->scarcity_markup = cfg_real(c, "bargaining.scarcity_markup");
    p->narrow_occupancy_risk = cfg_real(c, "bargaining.narrow_occupancy_risk");
    p->seller_threshold = cfg_real(c, "bargaining.seller_threshold");
    p->seller_slack = cfg_real(c, "bargaining.seller_slack");
    p->long_wait_days = cfg_real(c, "outputs.long_wait_days");
    for (int k = 0; k < N_RUNGS; k++) {
        char key[96];
        snprintf(key, sizeof key, "trends.incidence_growth_%s", rung_name[k]);
        p->incidence_growth[k] = cfg_real(c, key);
    }
    p->other_demand_weight = cfg_real(c, "capacity.other_demand_weight");
    p->narrow_demand_weight = cfg_real(c, "capacity.narrow_demand_weight");
    p->startup_cost = cfg_real(c, "capacity.startup_cost");
    p->startup_narrow_factor = cfg_real(c, "capacity.startup_narrow_factor");
    p->payback_years = cfg_real(c, "capacity.payback_years");
    p->county_share = cfg_real(c, "ownership.county_share");
    p->county_share_housing = cfg_real(c, "ownership.county_share_housing");
    p->county_hosts = (int)cfg_int(c, "ownership.hosts_per_region");
    p->county_size_factor = cfg_real(c, "ownership.county_size_factor");
    p->traits_redraw = !strcmp(cfg_text(c, "traits.draw"), "redraw");
    p->need_structural_sd = cfg_real(c, "traits.need_structural_sd");
    p->need_idiosyncratic_sd = cfg_real(c, "traits.need_idiosyncratic_sd");
    p->strictness_sd = cfg_real(c, "traits.strictness_sd");
    p->rigor_sd = cfg_real(c, "traits.rigor_sd");
    p->cost_sensitivity_sd = cfg_real(c, "traits.cost_sensitivity_sd");
    p->own_preference_sd = cfg_real(c, "traits.own_preference_sd");
    p->budget_bias_sd = cfg_real(c, "traits.budget_bias_sd");
    p->budget_noise_sd = cfg_real(c, "traits.budget_noise_sd");
    /* last, so that each regime's loader sees the market's parameters */
    if (regime_params_load(c, p, err)) return -1;
    return check_idle(c, p, err);
}

/* ---- sensitivity -------------------------------------------------------- */

/* The [A] parameters that plausibly move price drift most. */
const params_knob params_sensitivity[] = {
    { "negotiation.rigor", offsetof(params, rigor) },
    { "negotiation.regrade_ask_prob", offsetof(params, regrade_ask_prob) },
    { "negotiation.addon_ask_prob", offsetof(params, addon_ask_prob) },
    { "negotiation.addon_size", offsetof(params, addon_size) },
    { "negotiation.push_prob", offsetof(params, push_prob) },
    { "need.assessment_noise_sd", offsetof(params, assessment_noise_sd) },
    { "takst.private_markup", offsetof(params, private_markup) },
    { "costs.staff_adjust_per_quarter", offsetof(params, staff_adjust) },
    { "offers.carry_band", offsetof(params, carry_band) },
    { "placement.decline_prob", offsetof(params, decline_prob) },
};
const size_t params_sensitivity_len =
    sizeof params_sensitivity / sizeof params_sensitivity[0];

static const cfg_key *table_key(const char *path)
{
    const cfg_key *t = params_keys();
    for (size_t i = 0, n = params_keys_len(); i < n; i++)
        if (!strcmp(t[i].path, path)) return &t[i];
    return NULL;
}

double params_get_knob(const params *p, const params_knob *k)
{
    return *(const double *)((const char *)p + k->offset);
}

double params_set_knob(params *p, const params_knob *k, double value)
{
    const cfg_key *t = table_key(k->key);
    if (t && value < t->min) value = t->min;
    if (t && value > t->max) value = t->max;
    *(double *)((char *)p + k->offset) = value;
    return value;
}

/* ---- reference ---------------------------------------------------------- */

static const char *type_word(cfg_type t)
{
    switch (t) {
    case CFG_REAL: return "number";
    case CFG_INT: return "integer";
    case CFG_BOOL: return "true/false";
    case CFG_ENUM: return "word";
    case CFG_STRING: return "text";
    case CFG_REAL_LIST: return "list";
    }
    return "?";
}

/*
 * Where each reported [R] or derived [D] value stands, by short name of
 * ../shared/design/sources.md, matched on the start of the key: the first
 * row whose prefix the key starts with wins.
 */
static const struct { const char *prefix, *source; } key_sources[] = {
    { "offer_types.temporary.places", "VIVE 2023 ch. 1, Fig. 1.1" },
    { "offer_types.longterm.places", "VIVE 2023 ch. 1, Fig. 1.1" },
    { "offer_types.housing.places", "VIVE 2023 ch. 1, Fig. 1.1" },
    { "offer_types.", "VIVE 2023 ch. 1" },
    { "visitation.committee_days", "VIVE slides" },
    { "visitation.followup_first_days", "VIVE slides" },
    { "visitation.", "VIVE 2023 ch. 2" },
    { "need.levels", "VIVE 2023 ch. 2, RSD rammestyring" },
    { "run.", "VIVE 2023 ch. 1" },
    { "placement.buffer_share", "VIVE 2023 ch. 2" },
    { "negotiation.", "VIVE 2023 ch. 2 (information asymmetry)" },
    { "bargaining.seller_threshold", "KL styringsmodeller, prisglidning" },
    { "bargaining.", "VIVE 2023 ch. 2; KL styringsmodeller" },
    { "offers.carry", "VIVE 2023 ch. 2; tariff order §§ 4-7" },
    { "takst.", "VIVE 2023 ch. 2; RSD rammestyring" },
    { "drg.", "VIVE 2023 ch. 3" },
    { "tender.", "VIVE 2023 ch. 4" },
    { "objective.", "VIVE 2023 ch. 5" },
    { "uniform.", "RSD rammestyring" },
    { "owner_budget.", "KL styringsmodeller" },
    { "regime.", "VIVE 2023" },
    { "budget.", "VIVE 2019 ch. 1" },
    { "ownership.", "KL styringsmodeller, foreword" },
    { "traits.", "VIVE 2019 ch. 1 and appendix table 4" },
    { "capacity.", "VIVE 2023 ch. 2 (start-up risk)" },
    { "trends.", "VIVE 2023 ch. 1 (growth by segment 2018-21)" },
};

static const char *source_of(const cfg_key *k)
{
    if (strcmp(k->tag, "R") && strcmp(k->tag, "D")) return "";
    for (size_t i = 0; i < sizeof key_sources / sizeof key_sources[0]; i++)
        if (!strncmp(k->path, key_sources[i].prefix, strlen(key_sources[i].prefix)))
            return key_sources[i].source;
    return "";
}

void params_reference(FILE *out)
{
    fprintf(out, "| key | type | default | range | unit | source | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|---|\n");
    const cfg_key *table = params_keys();
    for (size_t i = 0, n = params_keys_len(); i < n; i++) {
        const cfg_key *k = &table[i];
        char def[128], range[128] = "";
        switch (k->type) {
        case CFG_REAL: case CFG_INT:
            snprintf(def, sizeof def, "%.10g", k->def);
            snprintf(range, sizeof range, "%.10g to %.10g", k->min, k->max);
            break;
        case CFG_BOOL:
            snprintf(def, sizeof def, "%s", k->def ? "true" : "false");
            break;
        case CFG_REAL_LIST:
            snprintf(def, sizeof def, "`%s`", k->def_text);
            snprintf(range, sizeof range, "each %.10g to %.10g", k->min, k->max);
            break;
        default:
            snprintf(def, sizeof def, "%s", k->def_text);
            if (k->choices) snprintf(range, sizeof range, "%s", k->choices);
        }
        if (k->flags & CFG_REQUIRED) snprintf(def, sizeof def, "**required**");
        /* '|' inside a cell would split a Markdown table cell */
        for (char *s = range; *s; s++) if (*s == '|') *s = '/';
        const char *src = source_of(k);
        fprintf(out, "| `%s` | %s | %s | %s | %s | [%s]%s%s | %s |\n", k->path,
                type_word(k->type), def, range, k->unit, k->tag, *src ? " " : "", src,
                k->doc);
    }
}
