/*
 * models/params.h - every parameter of the market, typed.
 *
 * Owns: the key table (one row per scenario key: type, default, range, unit,
 * source tag, description) and the step from a validated cfg to a params
 * struct, with the cross-key checks the table cannot express (list lengths,
 * shares summing to one).  The same table drives validation and the scenario
 * reference in the README (`placesim reference`).
 *
 * Must not: hold any state of a run.  A params struct is read-only once
 * loaded and is shared by every job of a variant.
 */
#ifndef MODELS_PARAMS_H
#define MODELS_PARAMS_H

#include <stddef.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdint.h>
#include "sim/config.h"

#define MAX_GROUPS  16
#define MAX_LEVELS  27      /* tariff systems with up to 27 steps exist [R] */
#define MAX_REGIONS 8
#define MAX_MUNIS   128
#define MAX_LAG     5
#define DEMAND_HISTORY 6   /* year ends of demand kept: growth_window_years + 1 */
#define MAX_REGISTRY 16     /* regimes known at once (built in or registered) */
#define REGIME_PARAMS_MAX 1024   /* bytes of parameters one regime may keep */

/* The three traded offer types, then the untraded lowest rung. */
enum { OT_TEMPORARY, OT_LONGTERM, OT_HOUSING, N_OFFER_TYPES };
enum { RUNG_HOME = N_OFFER_TYPES, N_RUNGS };

enum { OWNER_MUNICIPAL, OWNER_REGIONAL, OWNER_PRIVATE, N_OWNERS };

extern const char *const offer_type_name[N_OFFER_TYPES];  /* "temporary", ... */
extern const char *const rung_name[N_RUNGS];

typedef struct group_params {
    char   name[48];
    int    narrow;                    /* few providers, specialist knowledge */
    double incidence[N_RUNGS];        /* needs per 10,000 adults per year */
    double need_dist[MAX_LEVELS];     /* true level at onset, sums to 1 */
    double cost_multiplier;
    double progression_rate;          /* per year, one level down */
    double deterioration_rate;        /* per year, one level up */
    double regional_weight;           /* pull of regional capacity to this group */
    double incidence_growth;          /* per year, from the base year */
} group_params;

typedef struct type_params {
    double places;                    /* base-year capacity [R] */
    double share_regional, share_private;
    double full_cost;                 /* DKK per place-year, base year */
    double mean_stay_years, stay_shape;
    double mean_offer_size;
    double level_shift;               /* onset level relative to the group's */
    double followup_days;             /* between follow-ups after the first */
    double progression_factor;        /* rehabilitation more likely here */
} type_params;

typedef enum { TARIFF_DIFFERENTIATED, TARIFF_AVERAGE } tariff_mode;

/* A regime's segments: which offer types and which groups it takes. */
typedef struct segment_set {
    int types[N_OFFER_TYPES];
    int groups;        /* GROUPS_BROAD, GROUPS_NARROW, GROUPS_ALL */
} segment_set;
enum { GROUPS_BROAD, GROUPS_NARROW, GROUPS_ALL };

typedef enum { OWNER_ACTIVITY, OWNER_FRAME, OWNER_MIXED } owner_model;

#define MAX_SHOCKS 16
typedef enum { SHOCK_INCIDENCE, SHOCK_WAVE, SHOCK_CLOSURE, SHOCK_WAGE,
               SHOCK_EXPENSIVE_CASE } shock_kind;

/* A shock as the scenario states it; occurrences are drawn per replicate. */
typedef struct shock_params {
    char       name[48];
    shock_kind kind;
    int        start_year;       /* calendar year, 0 = base year */
    double     duration_years;
    int        group, region, type;   /* -1: all */
    char       region_name[48];        /* bound to an index by params_bind_regions */
    double     size, size_sd, rate;
} shock_params;

typedef struct owner_budget_params {
    owner_model model;
    double fixed_share, progression_effect, activity_effect;
} owner_budget_params;
typedef enum { CARRY_WHOLE, CARRY_EXCESS } carry_mode;

typedef struct params {
    /* run */
    int      start_year, years, replicates;
    int      warmup_years;             /* unreported, under takst, before the base year */
    uint64_t seed;
    char     municipalities_file[1024];
    char     offers_file[1024];       /* run.offers, or "" */
    char     adults_file[1024];       /* run.adults_by_year, or "" */
    double   adult_share;
    /* need */
    int      levels;
    double   hours_per_week[MAX_LEVELS];  /* direct hours, shape by level */
    double   assessment_noise_sd;
    /* visitation */
    double   home_max_level, housing_max_level, strictness, pressure_strictness,
             pressure_full_at;
    double   committee_days[3];           /* small, medium, large */
    double   small_population, large_population;
    double   followup_first_days;
    /* home support (untraded) */
    double   incidence_growth[N_RUNGS];    /* per year by need character */
    double   home_cost_per_year, home_mean_years, home_level_shift,
             home_deterioration_factor, home_escalated_share;
    int      home_aggregate;   /* home support counted, not as citizens */
    /* entities */
    int          n_groups;
    group_params group[MAX_GROUPS];
    type_params  type[N_OFFER_TYPES];
    /* costs */
    double   wage_per_hour, wage_growth, price_growth, direct_share,
             fixed_share, reference_occupancy, staff_adjust;
    /* placement */
    double   tier_penalty[5];             /* own, region municipal, regional,
                                             private, outside the region */
    double   cost_sensitivity, preference_noise, wait_tolerance_days,
             mismatch_premium, buffer_share, min_efficient_size,
             decline_margin, decline_prob;
    int      high_need_level;
    /* negotiation at follow-ups */
    double   regrade_ask_prob, addon_ask_prob, addon_private_factor,
             addon_size, rigor, push_prob, admin_cost_followup,
             admin_cost_negotiation;
    int      max_addons;
    /* offers' economics */
    double   carry_band;
    int      carry_lag;
    carry_mode carry;
    double   expand_occupancy, expand_share, cut_occupancy, cut_share,
             close_occupancy, entry_min_waiting, entry_risk_premium,
             entry_growth_years, private_initial_equity;
    int      low_years;
    int      growth_window_years;   /* <= DEMAND_HISTORY - 1 */
    /* regime: which regimes, and the parameters of each */
    char     regime[64];
    int      regime_starts;      /* years after the base year the regimes take over */
    int      transition_at_followup;   /* residents keep their price until a follow-up */
    double   transition_cost;    /* one-off, per municipality [A] */
    owner_budget_params owner;
    int      n_shocks;
    shock_params shock[MAX_SHOCKS];
    tariff_mode tariff;
    double   budgeted_occupancy, rammeaftale_cap, private_markup;
    /* budgets and municipal heterogeneity */
    double   budget_allowance, budget_catch_up, long_wait_days;
    double   quality_closure[2];   /* per year: [public, private] */
    /* bargaining power (caseflow.c, regime_takst.c, offers.c) */
    double   alternatives_ref, scarcity_weight, lock_in_years, lock_in_weight,
             scarcity_markup, narrow_occupancy_risk, seller_threshold, seller_slack;
    double   other_demand_weight, narrow_demand_weight, startup_cost, startup_narrow_factor, payback_years;
    double   county_share, county_share_housing, county_size_factor;   /* inherited ownership */
    int      county_hosts;
    int      traits_redraw;   /* 0: one country per seed; 1: one per replicate */
    double   need_structural_sd, need_idiosyncratic_sd, strictness_sd, rigor_sd,
             cost_sensitivity_sd, own_preference_sd, budget_bias_sd,
             budget_noise_sd;
    double   quality_sd;       /* offers' quality scores around 0.5 */
    /* Each known regime's own parameters, filled by its load hook from its
     * own keys, by registry index (regime.h: regime_params finds them). */
    _Alignas(max_align_t) unsigned char regime_params[MAX_REGISTRY][REGIME_PARAMS_MAX];
} params;

/* The market's own keys; each regime keeps its own in its registry row. */
extern const cfg_key params_table[];
extern const size_t params_table_len;

/* Every key a scenario may set: the market's, then each known regime's, in
 * registry order (for cfg_load, cfg_resolved_yaml and the reference), and
 * their count.  Rebuilt when a regime is registered; call them before any
 * threads start.  Either may be called first. */
const cfg_key *params_keys(void);
size_t params_keys_len(void);

/* A regime's segments from its `PREFIX.groups` and `PREFIX.types` keys. */
int params_load_segments(const cfg *c, const char *prefix, segment_set *s,
                         cfg_error *err);

/* Fill P from C; 0 on success, else ERR names the key.  */
int params_load(const cfg *c, params *p, cfg_error *err);

/* The regions and municipalities of the municipality table, for names
 * in the scenario that refer to them. */
typedef struct params_regions {
    const char (*names)[48];   /* region names, N of them */
    int        n;
    const int *region_of, *code;   /* of each of the N_MUNIS */
    int        n_munis;
} params_regions;

/* Bind shocks' region names to the indices of the municipality table's
 * regions, and call each regime's bind hook (e.g. the municipalities that
 * join a uniform frame tariff); 0, or -1 with ERR naming the key. */
int params_bind_regions(const cfg *c, params *p, const params_regions *t,
                        cfg_error *err);

/* Parameters a one-at-a-time sensitivity analysis varies: the key, and
 * where it lives in a params struct. */
typedef struct params_knob {
    const char *key;
    size_t      offset;     /* of a double in params */
} params_knob;
extern const params_knob params_sensitivity[];
extern const size_t params_sensitivity_len;
/* Set knob K of P to VALUE clamped to the key's range; returns the value. */
double params_set_knob(params *p, const params_knob *k, double value);
double params_get_knob(const params *p, const params_knob *k);

/* Markdown table of every key: for the README's scenario reference. */
void params_reference(FILE *out);

#endif
