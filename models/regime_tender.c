/*
 * models/regime_tender.c - competition through framework tenders
 * (rammeudbud).
 *
 * Lots are (offer type, target group) for each buyer area: a municipality, a
 * regional consortium or the nation [R].  At the start of the regime's
 * second year and then every contract period the buyer tenders the volume
 * its municipalities placed last year times the period.  An offer bids when the
 * profit it expects from its share of the volume, at its chance of winning
 * (winners over the area's offers), exceeds the cost of bidding; its bid is expected cost at the group's need mix plus a markup
 * and a risk premium that grows as the lot shrinks [R].  The buyer scores
 * price against quality (60/40) and signs with up to N winners.  Contract
 * prices hold for placements made with a winner (or, with scope `all`, for
 * every resident of a winner) and are indexed each year; other placements
 * pay the offer's takst tariff.  Buyers prefer winners, or must use them
 * while they have room (exclusivity).  Losers lose inflow; whether they
 * shrink or close follows from the ordinary capacity rules.
 *
 * Contract terms (a fixed, indexed price; no add-ons or contested grades)
 * hold only for placements on a contract: the rest of a tendered segment
 * keeps the takst rules, negotiation included (on_contract).
 *
 * Tendering costs both sides [R: VIVE 2023 ch. 4, sizes A].  A buyer pays
 * for specifying and evaluating each lot (shared by the area's
 * municipalities by adults), each participating municipality for its own
 * part of every tender and, every year a contract runs, for managing it;
 * these fixed amounts weigh most on small municipalities.  A bidder pays a
 * fixed cost per bid, heaviest for small providers; it is the offer's cost,
 * so it reaches later tariffs, and the bid recovers it over the volume the
 * bidder expects to win.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "regime.h"
#include "flow.h"

/* ---- parameters: this regime's keys and their loader ---------------- */

static const cfg_key tender_keys[] = {
    CFG_KEY_E("tender.groups", "broad", "broad|narrow|all", "R", "target groups whose lots are tendered"),
    CFG_KEY_S("tender.types", "temporary,housing", "R", "offer types whose lots are tendered, comma-separated"),
    CFG_KEY_E("tender.buyer", "region", "municipality|region|national", "R", "who tenders: each municipality, a regional consortium, or one national buyer"),
    CFG_KEY_I("tender.contract_years", 4, 1, 20, "years", "A", "contract period; tenders run in the first year of each period"),
    CFG_KEY_E("tender.scope", "new", "new|all", "R", "contract prices for new placements only, or for every resident of a winner"),
    CFG_KEY_B("tender.exclusive", 0, "R", "buyers must use a winner while one has a free place"),
    CFG_KEY_I("tender.winners", 3, 1, MAX_WINNERS, "offers", "A", "framework winners per lot"),
    CFG_KEY_R("tender.price_weight", 0.6, 0, 1, "share", "A", "weight of price against quality in the award"),
    CFG_KEY_R("tender.markup", 0.04, -0.5, 2, "share", "A", "bidders' markup on expected cost"),
    CFG_KEY_R("tender.risk_premium", 0.02, 0, 2, "share", "R", "risk premium of a large lot"),
    CFG_KEY_R("tender.small_lot_premium", 0.10, 0, 2, "share", "R", "extra risk premium as lot volume falls: times reference/(volume + reference)"),
    CFG_KEY_R("tender.reference_volume", 50, 1, 1e6, "placements", "A", "lot volume at which the extra premium is half its size"),
    CFG_KEY_R("tender.min_volume", 10, 0, 1e6, "placements", "A", "lots expecting fewer placements in a period are not tendered"),
    CFG_KEY_R("tender.bid_cost", 150000, 0, 1e8, "DKK", "A", "a bidder's cost of one bid"),
    CFG_KEY_R("tender.buyer_cost", 500000, 0, 1e9, "DKK", "A", "the buyer's cost of specifying and evaluating one lot, shared by the area's municipalities by adults"),
    CFG_KEY_R("tender.buyer_cost_per_municipality", 100000, 0, 1e9, "DKK", "A", "each participating municipality's own cost of one lot's tender (its needs, its part of the evaluation)"),
    CFG_KEY_R("tender.contract_management_cost", 25000, 0, 1e9, "DKK/year", "A", "a municipality's yearly cost of managing one framework contract it holds"),
    CFG_KEY_R("tender.framework_preference", 0.5, 0, 10, "price share", "A", "how much a buyer prefers a framework winner, as a share of price"),
};

static int tender_load(const cfg *c, const params *base, void *own, cfg_error *err)
{
    (void)base;
    tender_params *t = own;
    if (params_load_segments(c, "tender", &t->seg, err)) return -1;
    const char *b = cfg_text(c, "tender.buyer");
    t->buyer = !strcmp(b, "municipality") ? BUYER_MUNICIPALITY
             : !strcmp(b, "national") ? BUYER_NATIONAL : BUYER_REGION;
    t->contract_years = (int)cfg_int(c, "tender.contract_years");
    t->scope_all = !strcmp(cfg_text(c, "tender.scope"), "all");
    t->exclusive = cfg_bool(c, "tender.exclusive");
    t->winners = (int)cfg_int(c, "tender.winners");
    t->price_weight = cfg_real(c, "tender.price_weight");
    t->markup = cfg_real(c, "tender.markup");
    t->risk_premium = cfg_real(c, "tender.risk_premium");
    t->small_lot_premium = cfg_real(c, "tender.small_lot_premium");
    t->reference_volume = cfg_real(c, "tender.reference_volume");
    t->min_volume = cfg_real(c, "tender.min_volume");
    t->bid_cost = cfg_real(c, "tender.bid_cost");
    t->buyer_cost = cfg_real(c, "tender.buyer_cost");
    t->buyer_cost_per_municipality = cfg_real(c, "tender.buyer_cost_per_municipality");
    t->contract_management_cost = cfg_real(c, "tender.contract_management_cost");
    t->framework_preference = cfg_real(c, "tender.framework_preference");
    return 0;
}

/* This regime's parameters in the market's params. */
static inline const tender_params *tender_par(const market *m)
{
    return regime_params(m->p, &regime_tender);
}

/* tender: one lot of one round, with its winners and their prices. */
typedef struct tender_lot {
    int8_t  type, group;
    int16_t area;             /* municipality, region or 0, by buyer level */
    int     round, n_win;
    int32_t winner[MAX_WINNERS];
    double  price[MAX_WINNERS];  /* per day, indexed each year */
    double  risk;                /* the lot's risk premium rate */
} tender_lot;

typedef struct tender_state {
    tender_lot *lot;  int n_lots, cap_lots;
    int32_t current[N_OFFER_TYPES][MAX_GROUPS][MAX_MUNIS]; /* lot of this round, -1 */
} tender_state;

static tender_state *tender_of(const market *m) { return regime_state(m, &regime_tender); }
/* The same for an offer tender pays for, without the search (every price). */
static const tender_state *tender_at(const market *m, const offer *o) { return regime_offer_state(m, o); }

/* What tender keeps per citizen: the contract of its placement, if any
 * (lot + 1, so that zeroed data means none). */
typedef struct tender_citizen {
    int32_t lot1;
    int8_t  slot;          /* which winner of the lot */
} tender_citizen;

/* C's contract in O (a tendered offer): its lot, or -1, and its slot. */
static int contract_of(const market *m, const offer *o, const citizen *c, int *slot)
{
    const tender_citizen *t = regime_offer_citizen(m, o, c);
    *slot = t->slot;
    return t->lot1 - 1;
}

static void set_contract(market *m, const offer *o, const citizen *c, int lot, int slot)
{
    tender_citizen *t = regime_offer_citizen(m, o, c);
    t->lot1 = lot + 1;
    t->slot = (int8_t)slot;
}

static int tender_init(market *m, void *state)
{
    (void)m;
    tender_state *ts = state;
    memset(ts->current, 0xff, sizeof ts->current);   /* -1: no lot yet */
    return 0;
}

static void tender_release(void *state)
{
    free(((tender_state *)state)->lot);
}


double tender_bid(double cost_day, double markup, double risk_premium,
                  double small_lot_premium, double reference_volume,
                  double volume)
{
    double risk = risk_premium +
                  small_lot_premium * reference_volume / (volume + reference_volume);
    return cost_day * (1 + markup + risk);
}

double tender_score(double price, double best_price, double quality,
                    double price_weight)
{
    return price_weight * (best_price / price) + (1 - price_weight) * quality;
}

static int area_of(const market *m, int muni)
{
    switch (tender_par(m)->buyer) {
    case BUYER_MUNICIPALITY: return muni;
    case BUYER_REGION:       return m->mt->m[muni].region;
    default:                 return 0;
    }
}

/* May offer O bid for a lot of AREA?  Regional buyers and municipalities
 * tender among the offers of their region; the nation among all. */
static int in_area(const market *m, const offer *o, int area)
{
    switch (tender_par(m)->buyer) {
    case BUYER_MUNICIPALITY: return o->region == m->mt->m[area].region;
    case BUYER_REGION:       return o->region == area;
    default:                 return 1;
    }
}

static double mix_cost_day(const market *m, const offer *o)
{
    double c = 0;
    for (int l = 0; l < m->p->levels; l++)
        c += m->level_p[o->type][o->group][l] * offer_expected_cost_day(m, o, l);
    return c;
}

typedef struct bid { int offer; double price, score; } bid;

static int by_score(const void *a, const void *b)
{
    const bid *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->offer - y->offer;      /* deterministic ties */
}

static tender_lot *new_lot(market *m)
{
    tender_state *ts = tender_of(m);
    if (ts->n_lots == ts->cap_lots) {
        int cap = ts->cap_lots ? ts->cap_lots * 2 : 256;
        tender_lot *a = realloc(ts->lot, (size_t)cap * sizeof *a);
        if (!a) { market_fail(m, "out of memory for tender lots"); return NULL; }
        ts->lot = a;
        ts->cap_lots = cap;
    }
    tender_lot *l = &ts->lot[ts->n_lots++];
    memset(l, 0, sizeof *l);
    return l;
}

/* The buyers' cost of one lot's tender: the lot's own cost shared by the
 * area's municipalities by adults, and each one's part in full. */
static void charge_buyers(market *m, int area)
{
    const tender_params *tp = tender_par(m);
    double adults = 0;
    for (int i = 0; i < m->mt->n; i++)
        if (area_of(m, i) == area) adults += m->muni[i].adults;
    for (int i = 0; i < m->mt->n; i++)
        if (area_of(m, i) == area)
            market_admin(m, i, ADMIN_TENDERING,
                         tp->buyer_cost * m->muni[i].adults / adults +
                         tp->buyer_cost_per_municipality);
}

/* Every municipality manages each contract it holds, every year. */
static void charge_contract_management(market *m)
{
    const params *p = m->p;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++)
            for (int i = 0; i < m->mt->n; i++)
                if (tender_of(m)->current[t][g][i] >= 0)
                    market_admin(m, i, ADMIN_TENDERING, tender_par(m)->contract_management_cost);
}

static void run_lot(market *m, int t, int g, int area, double volume, int round,
                    bid *bids)
{
    const tender_params *tp = tender_par(m);
    int n = 0, eligible = 0;
    double years = fmin(m->p->type[t].mean_stay_years, tp->contract_years);
    for (int k = 0; k < m->seg_n[t][g]; k++) {
        const offer *o = &m->offers[m->seg_offers[t][g][k]];
        eligible += o->status == OFFER_OPEN && in_area(m, o, area);
    }
    for (int k = 0; k < m->seg_n[t][g]; k++) {
        int id = m->seg_offers[t][g][k];
        offer *o = &m->offers[id];
        if (o->status != OFFER_OPEN || !in_area(m, o, area)) continue;
        double cost = mix_cost_day(m, o);
        /* the days the bidder expects to be paid for if it wins */
        double days = volume / tp->winners * years * DAYS_PER_YEAR;
        double price = tender_bid(cost, tp->markup, tp->risk_premium,
                                  tp->small_lot_premium, tp->reference_volume, volume) +
                       tp->bid_cost / days;
        /* worth a bid if the margin, at the chance of winning among the
         * area's offers, covers the bid's cost */
        double chance = fmin(1, (double)tp->winners / eligible);
        if (chance * days * (price - cost) <= tp->bid_cost) continue;
        offer_accrue(m, o);
        o->cost += tp->bid_cost;             /* bidding is the offer's cost */
        m->ya.bid_cost += tp->bid_cost;
        m->ya.bids++;
        bids[n++] = (bid){ id, price, 0 };
    }
    charge_buyers(m, area);
    m->ya.lots_tendered++;
    if (n == 0) return;
    double best = bids[0].price;
    for (int i = 1; i < n; i++) best = fmin(best, bids[i].price);
    for (int i = 0; i < n; i++)
        bids[i].score = tender_score(bids[i].price, best,
                                     m->offers[bids[i].offer].quality, tp->price_weight);
    qsort(bids, (size_t)n, sizeof *bids, by_score);
    tender_lot *l = new_lot(m);
    if (!l) return;
    int lot = (int)(l - tender_of(m)->lot);
    *l = (tender_lot){ .type = (int8_t)t, .group = (int8_t)g, .area = (int16_t)area,
                       .round = round, .n_win = n < tp->winners ? n : tp->winners,   /* winners <= MAX_WINNERS (params) */
                       .risk = tp->risk_premium + tp->small_lot_premium *
                               tp->reference_volume / (volume + tp->reference_volume) };
    for (int w = 0; w < l->n_win; w++) {
        l->winner[w] = bids[w].offer;
        l->price[w] = bids[w].price;
    }
    for (int i = 0; i < m->mt->n; i++)
        if (area_of(m, i) == area) tender_of(m)->current[t][g][i] = lot;
}

static int winner_slot(const tender_lot *l, int offer_id)
{
    for (int w = 0; w < l->n_win; w++)
        if (l->winner[w] == offer_id) return w;
    return -1;
}

/* With scope `all`, residents of a winner from the lot's area move onto
 * the contract price. */
static void attach_residents(market *m)
{
    for (int i = 0; i < m->n_cit; i++) {
        citizen *c = &m->cit[i];
        if (c->state != CIT_PLACED) continue;
        const offer *o = &m->offers[c->offer];
        if (regime_of(m, o->type, o->group) != &regime_tender) continue;
        int lot = tender_of(m)->current[o->type][o->group][c->home];
        int slot = lot >= 0 ? winner_slot(&tender_of(m)->lot[lot], c->offer) : -1;
        if (slot >= 0) set_contract(m, o, c, lot, slot);
    }
}

static void run_round(market *m, int round)
{
    const params *p = m->p;
    tender_state *ts = tender_of(m);
    bid *bids = malloc((size_t)(m->n_offers + 1) * sizeof *bids);
    if (!bids) { market_fail(m, "out of memory for bids"); return; }
    memset(ts->current, 0xff, sizeof ts->current);
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            if (regime_of(m, t, g) != &regime_tender) continue;
            double volume[MAX_MUNIS] = { 0 };
            for (int i = 0; i < m->mt->n; i++)
                volume[area_of(m, i)] += m->placed_last[t][g][i] *
                                         (double)tender_par(m)->contract_years;
            for (int a = 0; a < MAX_MUNIS; a++)
                if (volume[a] > 0 && volume[a] >= tender_par(m)->min_volume)
                    run_lot(m, t, g, a, volume[a], round, bids);
        }
    free(bids);
    if (tender_par(m)->scope_all) attach_residents(m);
}

static void tender_year_start(market *m, int year)
{
    const tender_params *tp = tender_par(m);
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status != OFFER_CLOSED && regime_owns(m, &regime_tender, o))
            tariff_set(m, o, year);      /* for placements off contract */
    }
    /* contract prices are indexed within the contract */
    double growth = m->cost_index / m->cost_index_last;
    if (year > 0)
        for (int k = 0; k < tender_of(m)->n_lots; k++)
            for (int w = 0; w < tender_of(m)->lot[k].n_win; w++)
                tender_of(m)->lot[k].price[w] *= growth;
    /* the first round at the start of the regime's second year (its first
     * year's placements give the volume), then every contract period */
    int first = m->regime_year + 1;
    if (year >= first && (year - first) % tp->contract_years == 0)
        run_round(m, (year - first) / tp->contract_years);
    charge_contract_management(m);
}

/* Is C on a contract in O, or would C's placement in O be one? */
static int tender_on_contract(const market *m, const citizen *c, const offer *o)
{
    int id = (int)(o - m->offers);
    int slot;
    if (c->state == CIT_PLACED && c->offer == id) return contract_of(m, o, c, &slot) >= 0;
    int lot = tender_at(m, o)->current[o->type][o->group][c->home];
    return lot >= 0 && winner_slot(&tender_at(m, o)->lot[lot], id) >= 0;
}

/* A placement pays its contract price, if it has one; a prospective one
 * would pay the winner's contract price of the buyer's current lot. */
static double tender_price(const market *m, const citizen *c, const offer *o)
{
    int id = (int)(o - m->offers), slot;
    if (c->state == CIT_PLACED && c->offer == id) {
        int own = contract_of(m, o, c, &slot);
        return own >= 0 ? tender_at(m, o)->lot[own].price[slot] : tariff_price(m, c, o);
    }
    int lot = tender_at(m, o)->current[o->type][o->group][c->home];
    slot = lot >= 0 ? winner_slot(&tender_at(m, o)->lot[lot], id) : -1;
    return slot >= 0 ? tender_at(m, o)->lot[lot].price[slot] : tariff_price(m, c, o);
}

/* A contract price is cost at the lot's mix x (1 + markup + risk): its
 * markup and risk shares, and its distance from the citizen's own cost. */
static void tender_price_parts(const market *m, const citizen *c, const offer *o,
                               double *parts)
{
    int id = (int)(o - m->offers), lot = -1, slot = -1;
    if (c->state == CIT_PLACED && c->offer == id) {
        lot = contract_of(m, o, c, &slot);
    } else if ((lot = tender_at(m, o)->current[o->type][o->group][c->home]) >= 0) {
        slot = winner_slot(&tender_at(m, o)->lot[lot], id);
    }
    if (lot < 0 || slot < 0) { tariff_price_parts(m, c, o, parts); return; }
    const tender_lot *l = &tender_at(m, o)->lot[lot];
    double price = l->price[slot], mk = tender_par(m)->markup;
    double base = price / (1 + mk + l->risk);
    for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
    parts[PART_COST] = tariff_cost_day(m, c, o);
    parts[PART_STANDARD] = base - parts[PART_COST];
    parts[PART_MARKUP] = base * mk;
    parts[PART_TENDER_RISK] = base * l->risk;
}

static void tender_year_end(market *m, int year)
{
    (void)year;
    for (int i = 0; i < m->n_offers; i++)
        if (regime_owns(m, &regime_tender, &m->offers[i]))
            tariff_settle(m, &m->offers[i]);
}

static double tender_preference(const market *m, const citizen *c, const offer *o)
{
    int lot = tender_at(m, o)->current[o->type][o->group][c->home];
    if (lot < 0) return 0;
    const tender_lot *l = &tender_at(m, o)->lot[lot];
    const tender_params *tp = regime_offer_params(m, o);   /* hot: no search */
    if (winner_slot(l, (int)(o - m->offers)) >= 0) return tp->framework_preference;
    if (!tp->exclusive) return 0;
    for (int w = 0; w < l->n_win; w++) {
        const offer *x = &m->offers[l->winner[w]];
        if (x->status == OFFER_OPEN && x->occupied < x->capacity) return -INFINITY;
    }
    return 0;   /* every winner is full: the buyer may go elsewhere */
}

static void tender_on_place(market *m, citizen *c, const offer *o)
{
    int lot = tender_at(m, o)->current[o->type][o->group][c->home];
    if (lot < 0) return;
    int slot = winner_slot(&tender_at(m, o)->lot[lot], (int)(o - m->offers));
    if (slot < 0) return;
    set_contract(m, o, c, lot, slot);
    m->ya.contracted++;
}

const regime_ops regime_tender = {
    .name = "tender",
    .year_start = tender_year_start,
    .daily_price = tender_price,
    .price_parts = tender_price_parts,
    .year_end = tender_year_end,
    .preference = tender_preference,
    .on_place = tender_on_place,
    .on_contract = tender_on_contract,
    .regrade = negotiation_regrade,
    .addons = negotiation_addons,
    .keys = tender_keys,
    .n_keys = sizeof tender_keys / sizeof tender_keys[0],
    .params_size = sizeof(tender_params),
    .load = tender_load,
    .segments = offsetof(tender_params, seg),
    .state_size = sizeof(tender_state),
    .citizen_size = sizeof(tender_citizen),
    .init = tender_init,
    .release = tender_release,
};
