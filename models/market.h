/*
 * models/market.h - the state of one replicate of the placement market.
 *
 * Owns: municipalities, regions, offers, citizens, waiting lists and the
 * running accounts of one replicate, and the function that runs it from the
 * base year to the horizon.  Everything here is private to one job: jobs on
 * other threads have their own market, and share only the read-only params
 * and municipality table.
 *
 * Money flows in exactly one place (market_pay): every krone a municipality
 * pays for a place is received by an offer in the same call, so the
 * accounts balance by construction and tests check that they do.
 */
#ifndef MODELS_MARKET_H
#define MODELS_MARKET_H

#include <stdint.h>
#include "params.h"
#include "sim/engine.h"
#include "sim/rng.h"

/* Read-only municipality table, loaded once from the CSV. */
typedef struct muni_info {
    int    code;
    char   name[48];
    int    region;
    double population;
} muni_info;

/* A starting offer read from run.offers (start_offers.c). */
typedef struct start_offer {
    int8_t owner_kind, type, group;
    int    muni;        /* index in the table: the owner, or where it stands */
    int    places;
    double tariff;      /* DKK per day at the group's mean need, base year; 0: cost-based */
} start_offer;

typedef struct muni_table {
    int       n, n_regions;
    muni_info m[MAX_MUNIS];
    char      region_name[MAX_REGIONS][48];
    start_offer *start;  /* run.offers, or NULL: offers are generated */
    int          n_start;
    /* run.adults_by_year: adults of municipality i from calendar year
     * adults_year[k] on are adults_value[k]; rows sorted by (i, year) */
    struct adults_row { int muni, year; double adults; } *adults_rows;
    int          n_adults_rows;
} muni_table;

/* Load the CSV (a regular file of at most 1 MiB) with muni_table_parse; on
 * error fill ERR (file, line, column, column name) and return -1. */
int muni_table_load(const char *path, muni_table *t, cfg_error *err);
/* Bind P's region names and joining municipalities (params_bind_regions)
 * to table T; 0, or -1 with ERR naming the scenario key. */
int muni_table_bind(const cfg *c, params *p, const muni_table *t, cfg_error *err);
/* Parse the CSV TEXT[0..len) as read from PATH (used only in messages). */
int muni_table_parse(const char *text, size_t len, const char *path,
                     muni_table *t, cfg_error *err);
/* Read the starting offers of PATH into T->start (owner,municipality,type,
 * group,places,tariff; see start_offers.c), naming groups from P; on error
 * fill ERR (file, line, column, column name) and return -1 with T->start
 * NULL.  muni_table_free_offers releases them. */
int  start_offers_load(const char *path, const params *p, muni_table *t,
                       cfg_error *err);
int  start_offers_parse(const char *text, size_t len, const char *path,
                        const params *p, muni_table *t, cfg_error *err);
void muni_table_free_offers(muni_table *t);
/* Read run.adults_by_year (code,year,adults; adults_table.c) into
 * T->adults_rows; 0, or -1 with ERR naming file, line, column, column. */
int  adults_table_load(const char *path, const params *p, muni_table *t,
                       cfg_error *err);
int  adults_table_parse(const char *text, size_t len, const char *path,
                        const params *p, muni_table *t, cfg_error *err);
/* Adults aged 18-64 of municipality I in calendar year YEAR: the table's
 * last row for I at or before YEAR, else population x run.adult_share. */
double muni_adults(const muni_table *t, const params *p, int i, int year);

/*
 * The parts a day's price is made of, for decomposing price drift.  A
 * regime's price_parts fills them so that they add up to its daily price:
 * cost is what the citizen's true need costs the offer at the reference
 * occupancy; the others are what the regime's rules add or take away.
 */
enum { PART_COST, PART_OCCUPANCY, PART_REGRADING, PART_UPCODING, PART_ADDONS,
       PART_CARRY, PART_MARKUP, PART_CAP, PART_TENDER_RISK, PART_STANDARD,
       PART_MISMATCH, PART_POOLED, PART_RECALIBRATION, N_PARTS };
extern const char *const price_part_name[N_PARTS];

/* Who sells a place, from the buyer's point of view. */
enum { SELLER_OWN, SELLER_OTHER_MUNICIPALITY, SELLER_REGION, SELLER_PRIVATE,
       SELLER_POOL,            /* objective financing: the shared pool */
       N_SELLERS };

typedef enum { CIT_FREE, CIT_PENDING, CIT_WAITING, CIT_PLACED, CIT_HOME,
               CIT_EXITED } citizen_state;

typedef struct citizen {
    int32_t  home;          /* municipality index */
    int32_t  offer;         /* -1 unless placed */
    int32_t  wprev, wnext;  /* list links, -1 at the ends: the waiting list
                             * (waiting), the offer's residents (placed),
                             * the committee's queue (pending), free slots */
    uint32_t gen;           /* bumped to cancel scheduled events */
    int8_t   state, group, character, rung;
    int8_t   true_level, priced_level, addons, mismatched;
    uint16_t searches;      /* placement searches so far: keys their tastes */
    double   wait_start;
    double   paid_until;    /* payments accrued up to here */
    double   price_day;     /* DKK per day paid for this placement */
    double   last_change;   /* last need-change evaluation */
    double   exit_time;     /* end of the stay, drawn at visitation */
    double   placed_at;     /* start of the current stay (before 0 for the starting stock) */
    float    extra;         /* an unusually expensive case: hours x (1 + extra) */
    int8_t   old_terms;     /* placed before the regimes took over: keeps its price
                             * until its next follow-up (regime.transition) */
    sim_rng_state rng;      /* the citizen's own stream */
} citizen;

typedef enum { OFFER_OPEN, OFFER_CLOSING, OFFER_CLOSED } offer_status;

/* The fields a placement search reads come first: one cache line. */
typedef struct offer {
    int8_t  type, owner_kind, status, group;
    int32_t owner;          /* municipality or region index; -1 private */
    int32_t region;
    int32_t capacity, occupied;
    int32_t room;           /* free places counted in the index */
    int32_t avail_pos;      /* place in its availability list, or -1 */
    int32_t residents;      /* first placed citizen (linked by wnext), or -1 */
    /* tariff of the current year (DKK per day) */
    double  basic_day, hour_day, average_day;
    double  fixed_per_place;/* DKK per place-year at base prices */
    double  staff_hours;    /* attendance hours per week paid */
    double  need_hours;     /* residents' priced needs + add-ons, attendance h/week */
    double  priced_hours;   /* residents' priced needs without add-ons */
    double  true_hours;     /* residents' true needs, attendance h/week */
    double  accrued_until;
    /* the pieces of a takst tariff, for the drift decomposition: basic
     * and hourly cost before markup and cap, their common scale (markup x
     * cap), the carry-over per day, and the average tariff's hours */
    double  t_basic_cost, t_hour_cost, t_scale, t_carry, t_avg_hours;
    double  carry[MAX_LAG + 1];   /* amounts to fold into coming tariffs */
    double  quality;        /* 0..1, what buyers weigh against price in tenders */
    double  pooled;         /* objective financing: this year's pooled amount */
    double  cost_factor;    /* staff cost per delivered hour against an efficient offer (1) */
    double  frame;          /* owner's frame payment this year (5.5) */
    double  cost_fixed, hour_days;  /* this year: fixed cost; priced hour-days */
    double  last_tariff_index;    /* capped basket price of last year */
    double  last_cost_basket;     /* cost-based basket price of last year */
    /* accounts of the current year */
    double  income, cost, resident_days, place_days, delivered_h, needed_h;
    double  last_cost_fixed, last_hour_days, last_resident_days;
    double  equity;         /* private: equity; public: accumulated result */
    double  startup;        /* start-up cost of places just added, charged next year */
    double  income_others;  /* this year's income from buyers other than the owner */
    double  start_tariff;   /* run.offers: DKK/day at mean need, base year; 0 */
    double  tariff_factor;  /* its ratio to the cost-based tariff; 0 until set */
    double  sold_share;     /* last year's income_others / income */
    double  last_result, last_cost, last_occupancy;
    int     low_years;
} offer;

/* What buyers' administration is spent on (year_acct.admin; the KPIs
 * admin_cost_*).  Bidders' costs of bids are providers' costs, kept apart
 * (year_acct.bid_cost): they reach buyers through tariffs and bids. */
enum { ADMIN_FOLLOWUP, ADMIN_NEGOTIATION, ADMIN_TENDERING, ADMIN_TRANSITION,
       N_ADMIN };

/* Yearly accounts of a municipality (reset at each year end). */
typedef struct muni_acct {
    double spend_type[N_OFFER_TYPES];
    double spend_seller[N_SELLERS];
    double sales;           /* income of its offers from other buyers */
    double home_cost, admin_cost;
    double days_type[N_OFFER_TYPES];   /* its residents' days by type */
    int    long_waits[2];   /* [broad, narrow] placements after a long wait */
} muni_acct;

typedef struct municipality {
    double adults;
    /* lasting traits (market.c, municipalities_init) */
    double need, need_structural;   /* need index (adult-weighted mean 1), its structural part */
    double strictness, rigor, cost_sensitivity, own_preference, budget_bias;
    double committee_days;
    double budget, pressure;
    muni_acct acct;
    sim_rng  arrivals;      /* needs arising here: keyed by municipality */
    sim_rng  budget_rng;    /* yearly forecast errors */
    uint64_t n_arrivals;
    double   next_arrival;  /* time of the next need arising (drawn ahead) */
    double   meeting_at;    /* the committee's next meeting, or INFINITY */
    int32_t  pending_head, pending_tail;  /* arrived, awaiting the committee
                             * (aggregate form: those of home-support
                             * character wait in pending_home instead) */
    int      waiting;       /* citizens waiting now */
    int      home_users;    /* citizens in home support as of home_until
                             * (home_accrue brings it up to now) */
    double   home_until;    /* home-support cost accrued up to here */
    /* individual home support: the ends of the stays of users who need no
     * record (no review falls before the end: nothing can happen to them
     * but the end), a 4-ary min-heap that home_accrue takes them from in order */
    double  *home_ends;
    int      n_home_ends, cap_home_ends;
    /* aggregate home support: users by group and true need level, moved
     * on at each step (demand.c), and the stream that moves them */
    int32_t  home_n[MAX_GROUPS][MAX_LEVELS];
    int32_t  pending_home[MAX_GROUPS][MAX_LEVELS];  /* onsets of home-support
                             * character awaiting the committee (aggregate
                             * form: they need no record), and their sum */
    int32_t  n_pending_home;
    double   home_step;     /* time of the last step */
    uint64_t home_steps;    /* steps taken (they key the steps' draws) */
    sim_rng  home_rng;
    double   spend_last;    /* last year's spending on places and home support */
    int      net_seller;    /* sold more than it bought in the last warm-up year
                             * (without a warm-up: in the base year, under the
                             * variant's regimes unless regime.starts_after) */
} municipality;

/* Doubly linked FIFO of waiting citizens for one (type, group) segment. */
typedef struct wait_list {
    int32_t head, tail, count;
} wait_list;

/* National running totals for one year; turned into KPIs at year end. */
typedef struct year_acct {
    double spend_type[N_OFFER_TYPES], spend_seller[N_SELLERS];
    double days_type[N_OFFER_TYPES];
    double rev_tl[N_OFFER_TYPES][MAX_LEVELS], days_tl[N_OFFER_TYPES][MAX_LEVELS];
    double rev_gl[MAX_GROUPS][MAX_LEVELS], days_gl[MAX_GROUPS][MAX_LEVELS];
    /* rev_tl split into the parts of the price (regime.h PART_*) */
    double rev_part[N_PARTS][N_OFFER_TYPES][MAX_LEVELS];
    double spend_group[MAX_GROUPS], days_group[MAX_GROUPS];
    double home_cost, home_days, admin_cost;
    double admin[N_ADMIN];    /* admin_cost by purpose (ADMIN_*) */
    double bid_cost;          /* bidders' costs of bids (not in admin_cost) */
    double wait_days_sum[2]; int placements[2];   /* [broad, narrow] */
    double wait_days_group[MAX_GROUPS]; int placements_group[MAX_GROUPS];
    int    mismatched, declined_high, followups, negotiations;
    int    entries, exits, bankruptcies, quality_closures;
    int    upcodings, lots_tendered, bids, contracted;
    int    arrivals[MAX_MUNIS];            /* needs arising, by municipality */
    int    placed[N_OFFER_TYPES][MAX_GROUPS][MAX_MUNIS];  /* by buyer */
    double delivered_h, needed_h;
    /* placements in an offer of the citizen's own group within 30 and 90
     * days of the decision, by group; stays that ended (exit or
     * progression), their days, and progressions to the own home */
    int    matched[2][MAX_GROUPS];
    int    stays_ended, progressions;
    double wait_days_high; int placements_high;   /* high-need placements' waits */
    double stay_days_ended;
} year_acct;

struct regime_ops;
struct sim_record;

/* tender: at most this many winners per lot (params checks tender.winners). */
#define MAX_WINNERS 8
#define MAX_REGIMES 8     /* regimes in use at once (takst included) */

typedef struct market {
    const params     *p;
    const muni_table *mt;
    const struct regime_ops *seg_regime[N_OFFER_TYPES][MAX_GROUPS];
    const struct regime_ops *regimes[MAX_REGIMES];   /* in use, in the order named */
    int       n_regimes;
    /* each regime in use: its parameters, and its own state, sized by its
     * registry row and allocated when a run first uses it (regime_assign;
     * regime_state finds it) */
    struct regime_slot {
        const struct regime_ops *ops;
        void          *state;
        const void    *params;  /* the regime's parameters in p, or NULL */
        unsigned char *cit;     /* citizen_size bytes per citizen record, or NULL */
        unsigned char *off;     /* offer_size bytes per offer, or NULL */
    } rstate[MAX_REGIMES];
    int       n_rstate;
    void     *seg_state[N_OFFER_TYPES][MAX_GROUPS];   /* the state of seg_regime's regime */
    int8_t    seg_slot[N_OFFER_TYPES][MAX_GROUPS];    /* its slot in rstate (-1: no regime) */
    int       placed_last[N_OFFER_TYPES][MAX_GROUPS][MAX_MUNIS];  /* last year's ya.placed */
    int       regime_year;     /* the year the variant's regimes took over */
    struct shock_event *shocks; int n_shocks;   /* this replicate's shocks */
    int       shocks_on_incidence;             /* any incidence or wave shock */
    int      *incidence_shocks; int n_incidence_shocks;  /* their indices */
    uint64_t seed;
    int      replicate, variant;
    struct sim_record *res; /* where the year ends write the KPIs */

    sim_engine eng;     /* the loop, its queue and clock (sim/engine.h) */
    double    now;      /* eng.now while an event is handled */
    int       year;         /* simulated year from the base year (0); negative
                             * in the warm-up (market_year_time) */
    double    wage, fixed_index, cost_index, cost_index_last;
    double    hours_scale[N_OFFER_TYPES];  /* direct h/week per need unit */
    double    hours_tab[N_OFFER_TYPES][MAX_GROUPS][MAX_LEVELS];  /* market_hours */
    /* expected need-level distribution and mean need weight by type, group */
    double    level_p[N_RUNGS][MAX_GROUPS][MAX_LEVELS];
    double    mean_weight[N_RUNGS][MAX_GROUPS];
    double    onset_cum[MAX_GROUPS * N_RUNGS];   /* cumulative onset weights */
    double    onset_total;                        /* per 10,000 adults/year */
    double    events;
    int       trend_year;   /* year of trend_f (shocks_trend_year) */
    double    trend_f[MAX_GROUPS][N_RUNGS];
    double    trend_cum[MAX_GROUPS * N_RUNGS];   /* cumulative trended incidences */

    municipality muni[MAX_MUNIS];
    offer   *offers;   int n_offers, cap_offers;
    citizen *cit;      int n_cit, cap_cit;  int32_t free_cit;
    wait_list wait[N_OFFER_TYPES][MAX_GROUPS];
    int32_t  *seg_offers[N_OFFER_TYPES][MAX_GROUPS];  /* offer ids by segment */
    int       seg_n[N_OFFER_TYPES][MAX_GROUPS], seg_cap[N_OFFER_TYPES][MAX_GROUPS];
    /* The availability index: open offers with a free place, by segment,
     * region and kind of owner, and their free places (offers_room_changed
     * keeps it). */
    struct avail_list {
        int32_t *id;
        int32_t *owner;   /* owner of id[k] (offer.owner): an own-only search
                           * skips other owners' offers without loading them */
        int      n, cap;
        int      free_places;
    } avail[N_OFFER_TYPES][MAX_GROUPS][MAX_REGIONS][N_OWNERS];

    /* Each segment's demand in each region at the last year ends (residents
     * of its open offers there and citizens of the region waiting), newest
     * first: providers read the segment's growth from it (offers.c). */
    int       demand_hist[DEMAND_HISTORY][N_OFFER_TYPES][MAX_GROUPS][MAX_REGIONS];
    int       n_demand_hist;   /* year ends recorded, up to DEMAND_HISTORY */
    int32_t  *cand_id; double *cand_d; int cand_cap;  /* a search's candidates */
    struct onset_ref *onsets; int onset_cap;         /* a meeting's cases */
    int32_t  *displaced; int n_displaced, cap_displaced;  /* by closures now */
    double    displaced_at;
    /* price floors by segment and region for bounding a search (placement.c),
     * valid while floor_epoch matches price_epoch, which moves whenever
     * tariffs may have */
    struct price_floor { double a, b; } floor[N_OFFER_TYPES][MAX_GROUPS][MAX_REGIONS][N_OWNERS];
    uint64_t  floor_epoch[N_OFFER_TYPES][MAX_GROUPS], price_epoch;

    year_acct ya;
    double    base_mix_tl[N_OFFER_TYPES][MAX_LEVELS];  /* base-year case mix */
    double    base_mix_gl[MAX_GROUPS][MAX_LEVELS];
    double    base_days_type[N_OFFER_TYPES];               /* base-year weights */
    double    last_fixed_price_type[N_OFFER_TYPES], last_fixed_price_all;
    double    last_fixed_price_group[MAX_GROUPS];
    double    last_part_price[N_PARTS], last_unit_price, last_expenditure;
    sim_rng   market_rng;   /* year-end decisions: entry, tie-breaks */

    char      error[256];   /* set when an invariant fails */
} market;

/* Attendance hours per week a citizen of group G at level L needs in type T
 * (zero until the stock has set the scale, market_init). */
static inline double market_hours(const market *m, int type, int group, int level)
{
    return m->hours_tab[type][group][level];
}
/* The same for citizen C in offer O at LEVEL, with C's own cost factor. */
static inline double citizen_hours(const market *m, const citizen *c,
                                   const offer *o, int level)
{
    return market_hours(m, o->type, o->group, level) * (1 + c->extra);
}

/*
 * Run replicate R of the market under P on municipality table MT, writing
 * the KPIs of every year into slot (V, R) of RES.  Returns 0, or -1 with
 * m->error set (out of memory or a broken invariant).  EVENTS receives the
 * number of events processed.
 */
int market_run(const params *p, const muni_table *mt, uint64_t seed, int v,
               int r, struct sim_record *res, double *events);

/* ---- shared by the model's modules ------------------------------------ */

int    market_init(market *m, const params *p, const muni_table *mt,
                   uint64_t seed, int replicate);
void   market_free(market *m);
/* After market_init: the base-year budgets, the shocks, the first needs and
 * the first quarter and year end; the year ends write into slot V of RES
 * (NULL: nowhere; only a test stops before the first reported year). */
void   market_start(market *m, struct sim_record *res, int v);
/* Handle every event up to time UNTIL (days from the start of the
 * warm-up); 0, or -1 with m->error set.  market_run = init, start, advance
 * to the end of the horizon, free. */
int    market_advance(market *m, double until);
/* The year-end invariant checks (accounts balance, occupancy, capacity,
 * waiting lists, every amount finite); 0, or -1 with m->error set. */
int    market_check_invariants(market *m);

/* Accrue payments of a placed citizen up to now (the one place money moves). */
void   market_pay(market *m, citizen *c);
/* Accrue an offer's costs and resident days up to now. */
void   offer_accrue(market *m, offer *o);
int    market_seller(const market *m, const citizen *c, const offer *o);
/* Do the variant's regimes take over after the run starts (a warm-up under
 * takst, or regime.starts_after)? */
static inline int market_regimes_later(const params *p)
{
    return p->warmup_years > 0 || p->regime_starts > 0;
}
/* Municipality MUNI spends AMOUNT on administration for PURPOSE (ADMIN_*). */
void   market_admin(market *m, int muni, int purpose, double amount);
/* Free places in open offers of segment (TYPE, GROUP) in REGION: the
 * alternatives a buyer there has, from the availability index. */
static inline int market_free_places(const market *m, int type, int group,
                                     int region)
{
    int n = 0;
    for (int k = 0; k < N_OWNERS; k++) n += m->avail[type][group][region][k].free_places;
    return n;
}
/* Free places a buyer in HOME_REGION can turn to in segment (TYPE, GROUP):
 * its region, or the whole country for a narrow group. */
int    market_alternatives(const market *m, int type, int group, int home_region);
/* Scarcity of that segment for that buyer, in (0, 1]: 1 / (1 + free
 * places / bargaining.alternatives_ref). */
double market_scarcity(const market *m, int type, int group, int home_region);
int    market_schedule(market *m, double t, int kind, int a, uint32_t tag);
void   market_fail(market *m, const char *fmt, ...)
           __attribute__((format(printf, 2, 3)));

#endif
