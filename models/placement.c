/*
 * models/placement.c - make or buy.
 *
 * A municipality fills its own offers first (it must, and it keeps buffer
 * places for its own citizens), then weighs price against fit among other
 * public offers in the region, regional offers and private offers; offers
 * outside the region cost extra in fit.  Private and regional offers may
 * decline a citizen whose expected cost exceeds the price they would get.
 * With no suitable place the citizen waits; after the municipality's
 * tolerance it buys a mismatched place at a premium.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "sim/choice.h"
#include "flow.h"
#include "regime.h"

/* ---- waiting lists -------------------------------------------------- */

void wait_push(market *m, citizen *c, int front)
{
    wait_list *w = &m->wait[c->rung][c->group];
    int32_t id = (int32_t)(c - m->cit);
    c->state = CIT_WAITING;
    if (front) {
        c->wprev = -1;
        c->wnext = w->head;
        if (w->head >= 0) m->cit[w->head].wprev = id; else w->tail = id;
        w->head = id;
    } else {
        c->wnext = -1;
        c->wprev = w->tail;
        if (w->tail >= 0) m->cit[w->tail].wnext = id; else w->head = id;
        w->tail = id;
    }
    w->count++;
    m->muni[c->home].waiting++;
}

void wait_remove(market *m, citizen *c)
{
    wait_list *w = &m->wait[c->rung][c->group];
    if (c->wprev >= 0) m->cit[c->wprev].wnext = c->wnext; else w->head = c->wnext;
    if (c->wnext >= 0) m->cit[c->wnext].wprev = c->wprev; else w->tail = c->wprev;
    c->wprev = c->wnext = -1;
    w->count--;
    m->muni[c->home].waiting--;
}

/* ---- prices and costs ------------------------------------------------- */

double placement_price(const market *m, const citizen *c, const offer *o)
{
    double price = regime_of(m, o->type, o->group)->daily_price(m, c, o);
    if (c->mismatched) price *= 1 + m->p->mismatch_premium;
    /* an owner that funds its offer by a frame pays the rest per day */
    if (o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home)
        price *= 1 - m->p->owner.fixed_share;
    return price;
}

/* The parts of placement_price(C, O), adding up to it. */
void placement_price_parts(const market *m, const citizen *c, const offer *o,
                           double *parts)
{
    const regime_ops *r = regime_of(m, o->type, o->group);
    if (r->price_parts) {
        r->price_parts(m, c, o, parts);
    } else {
        for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
        parts[PART_COST] = r->daily_price(m, c, o);
    }
    if (o->owner_kind == OWNER_MUNICIPAL && o->owner == c->home)
        for (int k = 0; k < N_PARTS; k++) parts[k] *= 1 - m->p->owner.fixed_share;
    if (c->mismatched) {
        double sum = 0;
        for (int k = 0; k < N_PARTS; k++) sum += parts[k];
        parts[PART_MISMATCH] += sum * m->p->mismatch_premium;
    }
}

double placement_staffed_hours(const market *m, const citizen *c, const offer *o)
{
    const regime_ops *r = regime_of(m, o->type, o->group);
    if (r->staffed_hours) return r->staffed_hours(m, c, o);
    return citizen_hours(m, c, o, c->priced_level) *
           (1 + c->addons * m->p->addon_size);
}

/* What a resident at LEVEL costs the offer per day: staff for the need plus
 * the fixed cost per place at budgeted occupancy. */
double offer_expected_cost_day(const market *m, const offer *o, int level)
{
    double fixed = o->fixed_per_place * m->fixed_index /
                   (DAYS_PER_YEAR * m->p->reference_occupancy);
    return fixed + market_hours(m, o->type, o->group, level) * m->wage * o->cost_factor / 7.0;
}

void placement_reprice(market *m, citizen *c)
{
    market_pay(m, c);
    c->price_day = placement_price(m, c, &m->offers[c->offer]);
}

/* ---- choice --------------------------------------------------------------- */

enum { TIER_OWN, TIER_REGION_MUNICIPAL, TIER_REGIONAL, TIER_PRIVATE };

static int tier_of(const market *m, const citizen *c, const offer *o)
{
    (void)m;
    if (o->owner_kind == OWNER_MUNICIPAL)
        return o->owner == c->home ? TIER_OWN : TIER_REGION_MUNICIPAL;
    return o->owner_kind == OWNER_REGIONAL ? TIER_REGIONAL : TIER_PRIVATE;
}

static int has_room_for(const market *m, const citizen *c, const offer *o)
{
    if (o->status != OFFER_OPEN) return 0;
    int free_places = o->capacity - o->occupied;
    if (o->owner_kind == OWNER_MUNICIPAL && o->owner != c->home) {
        /* the owner keeps buffer places for its own citizens [R] */
        int buffer = (int)(m->p->buffer_share * o->capacity);   /* floor: both >= 0 */
        return free_places > buffer;
    }
    return free_places > 0;
}

static int declines(market *m, citizen *c, const offer *o, gsl_rng *r)
{
    if (o->owner_kind == OWNER_MUNICIPAL) return 0;   /* public duty to take */
    if (regime_of(m, o->type, o->group)->must_admit) return 0;
    /* the offer knows the citizen's real need, unusual cost included */
    double cost = offer_expected_cost_day(m, o, c->true_level) +
                  market_hours(m, o->type, o->group, c->true_level) * c->extra *
                  m->wage / 7.0;
    double price = placement_price(m, c, o);
    if (cost <= price * (1 + m->p->decline_margin)) return 0;
    if (gsl_rng_uniform(r) >= m->p->decline_prob) return 0;
    if (c->priced_level >= m->p->high_need_level) m->ya.declined_high++;
    return 1;
}

/* ---- search --------------------------------------------------------------- */

/* One search for citizen C: the segments allowed, the offers TRIED (they
 * declined), and what a score needs. */
typedef struct search {
    market        *m;
    const citizen *c;
    int            mismatch, own_only, n_tried, home_region;
    const int     *tried;
    double         per_price;   /* utility per DKK/day: cost sensitivity / full cost */
    /* the availability list being scored */
    const struct avail_list *list;
    const regime_ops *reg;
    int            region;
} search;

/*
 * The score before taste (u = d + sd * z, z standard normal) of offer ID
 * for the search's citizen, or -INFINITY when it is not an option (no room
 * for this buyer, already tried, ruled out by the regime, not own in an
 * own-only search).  Own offers score 1e9 above any other; the others trade
 * price (relative to the type's cost) against the buyer's dislike of the
 * seller's tier and of another region.
 */
static double score_of(const search *s, int id)
{
    market *m = s->m;
    const params *p = m->p;
    const citizen *c = s->c;
    const offer *o = &m->offers[id];
    int tier = tier_of(m, c, o);
    if (s->own_only && tier != TIER_OWN) return -INFINITY;
    if (!has_room_for(m, c, o)) return -INFINITY;
    for (int t = 0; t < s->n_tried; t++)
        if (s->tried[t] == id) return -INFINITY;
    double u = tier == TIER_OWN ? 1e9 : 0;
    u -= s->per_price * placement_price(m, c, o);
    u -= p->tier_penalty[tier];
    if (s->reg->preference) u += s->reg->preference(m, c, o);
    if (u == -INFINITY) return u;
    if (s->region != s->home_region) u -= p->tier_penalty[4];
    return u;
}

static double score_of_member(void *ctx, int k)
{
    const search *s = ctx;
    return score_of(s, s->list->id[k]);
}

/* Append the options of the current list to the candidate arrays from N;
 * the new count, or -1 when out of memory. */
static int collect_list(search *s, int n)
{
    market *m = s->m;
    const struct avail_list *l = s->list;
    if (n + l->n > m->cand_cap) {
        int cap = 2 * (n + l->n) + 64;
        int32_t *id = realloc(m->cand_id, (size_t)cap * sizeof *id);
        if (id) m->cand_id = id;
        double *d = realloc(m->cand_d, (size_t)cap * sizeof *d);
        if (d) m->cand_d = d;
        if (!id || !d) {
            market_fail(m, "out of memory searching for a place");
            return -1;
        }
        m->cand_cap = cap;
    }
    if (s->own_only) {
        /* the index knows owners: only the buyer's own offers are loaded */
        for (int k = 0; k < l->n; k++) {
            if (l->owner[k] != s->c->home) continue;
            double u = score_of(s, l->id[k]);
            if (u == -INFINITY) continue;
            m->cand_id[n] = l->id[k];
            m->cand_d[n++] = u;
        }
        return n;
    }
    for (int k = 0; k < l->n; k++) {
        /* offers are scattered: ask for the ones a few steps on */
        if (k + 4 < l->n) __builtin_prefetch(&m->offers[l->id[k + 4]]);
        double u = score_of(s, l->id[k]);
        if (u == -INFINITY) continue;
        m->cand_id[n] = l->id[k];
        m->cand_d[n++] = u;
    }
    return n;
}

/*
 * Price floors by segment, region and kind of owner: every open offer's daily price is at
 * least a + b * x for the citizen's priced hours x (the regime's
 * price_floor), so a list's best score is bounded without looking at its
 * offers.  Rebuilt when prices may have moved (m->price_epoch).
 */
static void floors_refresh(market *m, int type, int group)
{
    struct price_floor (*f)[N_OWNERS] = m->floor[type][group];
    const regime_ops *reg = regime_of(m, type, group);
    for (int r = 0; r < MAX_REGIONS; r++)
        for (int k = 0; k < N_OWNERS; k++) f[r][k] = (struct price_floor){ INFINITY, INFINITY };
    for (int k = 0; k < m->seg_n[type][group]; k++) {
        const offer *o = &m->offers[m->seg_offers[type][group][k]];
        if (o->status != OFFER_OPEN) continue;
        double a, b;
        reg->price_floor(m, o, &a, &b);
        struct price_floor *x = &f[o->region][o->owner_kind];
        x->a = fmin(x->a, a);
        x->b = fmin(x->b, b);
    }
    m->floor_epoch[type][group] = m->price_epoch;
}

/* What the bounds of the search's lists in GROUP share: the citizen's
 * priced hours X there and the price floors kept fresh.  0 when the regime
 * gives no floor (every list of the group is unbounded). */
static int group_bounds(search *s, int group, double *x)
{
    market *m = s->m;
    const citizen *c = s->c;
    const regime_ops *reg = regime_of(m, c->rung, group);
    if (!reg->price_floor || reg->preference) return 0;
    if (m->floor_epoch[c->rung][group] != m->price_epoch) floors_refresh(m, c->rung, group);
    *x = market_hours(m, c->rung, group, c->priced_level) * (1 + c->extra) *
         (1 + c->addons * m->p->addon_size);
    return 1;
}

/* The highest score any non-own offer of list (type S->c->rung, GROUP,
 * REGION, owner KIND) could have for the search's citizen, whose priced
 * hours there are X (group_bounds); -INFINITY when the list has no open
 * offer. */
static double list_upper(const search *s, int group, int region, int kind, double x)
{
    const market *m = s->m;
    const params *p = m->p;
    const citizen *c = s->c;
    const struct price_floor *f = &m->floor[c->rung][group][region][kind];
    if (!(f->a < INFINITY)) return -INFINITY;        /* no open offer there */
    double price = (f->a + f->b * x) * (c->mismatched ? 1 + p->mismatch_premium : 1);
    /* own offers cannot be chosen once the own search failed */
    double pen = p->tier_penalty[kind == OWNER_MUNICIPAL ? TIER_REGION_MUNICIPAL
                                 : kind == OWNER_REGIONAL ? TIER_REGIONAL : TIER_PRIVATE];
    if (region != s->home_region) pen += p->tier_penalty[4];
    double u = -s->per_price * price - pen;
    return u + 1e-9 * (fabs(u) + 1);   /* rounding: the bound must hold */
}

/*
 * The best option of the search (its offer id), or -1.  The search goes
 * list by list (segment, region, kind of owner), highest bound first.  A list whose
 * best possible score is well below the best so far is thinned without
 * scoring most of its offers (sim_choice_fold_bounded); the others are
 * scored in full and folded in.  The law of the winner is that of scoring
 * every offer and drawing a taste for each.
 */
static int best_offer(market *m, const citizen *c, int mismatch, gsl_rng *r,
                      const int *tried, int n_tried, int own_only)
{
    const params *p = m->p;
    search s = { .m = m, .c = c, .mismatch = mismatch, .own_only = own_only,
                 .n_tried = n_tried, .tried = tried,
                 .home_region = m->mt->m[c->home].region };
    s.per_price = m->muni[c->home].cost_sensitivity /
                  (p->type[c->rung].full_cost * m->cost_index / DAYS_PER_YEAR);
    double sd = p->preference_noise;
    /* the lists of the search, with their bounds */
    struct { double upper; int group, region, kind; } list[MAX_GROUPS * MAX_REGIONS * N_OWNERS];
    int n_lists = 0;
    for (int g = 0; g < p->n_groups; g++) {
        if (mismatch ? g == c->group : g != c->group) continue;
        /* specialised places are not spent on broad needs, and a
         * specialised need takes specialist knowledge of its own group
         * [R]: only broad needs are placed in another group's offer */
        if (mismatch && (p->group[g].narrow || p->group[c->group].narrow)) continue;
        /* bounds only where lists are thinned: not for own offers (they
         * outscore all others) nor without taste; worked out at the
         * group's first list that has offers */
        int bounded = !own_only && sd > 0, ready = 0;
        double x = 0;
        for (int region = 0; region < m->mt->n_regions; region++) {
            /* own offers are in the owner's region */
            if (own_only && region != s.home_region) continue;
            for (int kind = 0; kind < N_OWNERS; kind++) {
                if (own_only && kind != OWNER_MUNICIPAL) continue;
                if (m->avail[c->rung][g][region][kind].n == 0) continue;
                if (bounded && !ready) {
                    bounded = group_bounds(&s, g, &x);
                    ready = 1;
                }
                double up = bounded ? list_upper(&s, g, region, kind, x) : INFINITY;
                if (up == -INFINITY) continue;
                int i = n_lists++;       /* insertion: highest bound first */
                while (i > 0 && list[i - 1].upper < up) { list[i] = list[i - 1]; i--; }
                list[i].upper = up;
                list[i].group = g;
                list[i].region = region;
                list[i].kind = kind;
            }
        }
    }
    int best = -1, n = 0;
    double B = -INFINITY;
    for (int i = 0; i < n_lists; i++) {
        s.list = &m->avail[c->rung][list[i].group][list[i].region][list[i].kind];
        s.reg = regime_of(m, c->rung, list[i].group);
        s.region = list[i].region;
        if (sd > 0 && B > -INFINITY && list[i].upper < INFINITY &&
            sim_choice_unlikely(B, list[i].upper, sd)) {
            int k = sim_choice_fold_bounded(s.list->n, list[i].upper, sd, &B,
                                            score_of_member, &s, r);
            if (k >= 0) best = s.list->id[k];
            continue;
        }
        if (!(sd > 0)) {                 /* no taste: gather, then the first top */
            if ((n = collect_list(&s, n)) < 0) return -1;
            continue;
        }
        int got = collect_list(&s, 0);
        if (got < 0) return -1;
        if (got == 0) continue;
        int k = sim_choice_fold(m->cand_d, got, sd, &B, r);
        if (k >= 0) best = m->cand_id[k];
    }
    if (!(sd > 0) && n > 0) best = m->cand_id[sim_choice_argmax(m->cand_d, n, sd, r)];
    return best;
}

/*
 * Pick the best offer that accepts.  An own offer's score is 1e9 above any
 * other's, so when the buyer has an own offer it may use, the others cannot
 * win and are not scored; and own offers never decline (public duty).
 */
static int choose(market *m, citizen *c, int mismatch, gsl_rng *r)
{
    int tried[64], n_tried = 0;
    int own = best_offer(m, c, mismatch, r, NULL, 0, 1);
    if (own >= 0) return own;
    for (int attempt = 0; attempt < 64; attempt++) {
        int best = best_offer(m, c, mismatch, r, tried, n_tried, 0);
        if (best < 0) return -1;
        if (!declines(m, c, &m->offers[best], r)) return best;
        tried[n_tried++] = best;
    }
    return -1;
}

static void place(market *m, citizen *c, int id, int mismatch, int addons)
{
    const params *p = m->p;
    offer *o = &m->offers[id];
    gsl_rng r = sim_rng_view(&c->rng);
    int cid = (int)(c - m->cit);
    offer_accrue(m, o);
    o->occupied++;
    offers_room_changed(m, o);
    c->wprev = -1;                  /* onto the offer's residents */
    c->wnext = o->residents;
    if (o->residents >= 0) m->cit[o->residents].wprev = cid;
    o->residents = cid;
    c->offer = id;
    c->state = CIT_PLACED;
    c->paid_until = c->last_change = c->placed_at = m->now;
    c->mismatched = (int8_t)mismatch;
    c->addons = (int8_t)addons;
    c->old_terms = 0;               /* a new placement is on the regime's terms */
    regime_citizen_clear(m, c);     /* and on none of a former placement's */
    const regime_ops *reg = regime_of(m, o->type, o->group);
    if (reg->on_place) reg->on_place(m, c, o);
    c->price_day = placement_price(m, c, o);
    o->need_hours += placement_staffed_hours(m, c, o);
    o->priced_hours += citizen_hours(m, c, o, c->priced_level);
    m->ya.placed[o->type][o->group][c->home]++;
    o->true_hours += citizen_hours(m, c, o, c->true_level);

    int narrow = p->group[c->group].narrow;
    m->ya.wait_days_sum[narrow] += m->now - c->wait_start;
    if (m->now - c->wait_start > p->long_wait_days) m->muni[c->home].acct.long_waits[narrow]++;
    m->ya.placements[narrow]++;
    m->ya.wait_days_group[c->group] += m->now - c->wait_start;
    m->ya.placements_group[c->group]++;
    m->ya.mismatched += mismatch;
    if (c->priced_level >= p->high_need_level) {
        m->ya.wait_days_high += m->now - c->wait_start;
        m->ya.placements_high++;
    }
    if (!mismatch) {
        m->ya.matched[0][c->group] += m->now - c->wait_start <= 30;
        m->ya.matched[1][c->group] += m->now - c->wait_start <= 90;
    }

    double first = p->followup_first_days;
    if (m->now == 0)   /* the starting stock is spread over the cycle */
        first = gsl_rng_uniform_pos(&r) * p->type[o->type].followup_days;
    if (m->now + first < c->exit_time)   /* none after a known end */
        market_schedule(m, m->now + first, EV_FOLLOWUP, cid, c->gen);
    market_schedule(m, fmax(c->exit_time, m->now), EV_EXIT, cid, c->gen);
}

int placement_try(market *m, citizen *c, int allow_mismatch)
{
    /* a search draws tastes and answers from a sub-stream of its own, so
     * that however many it takes (which depends on prices, and so on the
     * regime) the citizen's other draws stay paired across variants */
    sim_rng_state taste;
    sim_rng_state_init(&taste, sim_rng_subkey(c->rng.key, c->searches++));
    gsl_rng r = sim_rng_view(&taste);
    int was_waiting = c->state == CIT_WAITING;
    c->mismatched = 0;
    int id = choose(m, c, 0, &r), mismatch = 0;
    if (id < 0 && allow_mismatch) {
        c->mismatched = 1;      /* prices in the search carry the premium */
        id = choose(m, c, 1, &r);
        mismatch = id >= 0;
        c->mismatched = (int8_t)mismatch;
    }
    if (id < 0) {
        if (!was_waiting) wait_push(m, c, 0);
        return 0;
    }
    if (was_waiting) wait_remove(m, c);
    /* a wait ends: events scheduled for the waiting citizen lapse */
    c->gen++;
    const offer *o = &m->offers[id];
    const regime_ops *reg = regime_of(m, o->type, o->group);
    int addons = reg->addons ? reg->addons(m, c, o, &r, 1) : 0;
    place(m, c, id, mismatch, addons);
    return 1;
}

/* A waiting citizen is looked at again after the tolerance (a mismatched
 * place may then be bought) and leaves the queue when the need ends. */
void placement_wait_events(market *m, citizen *c)
{
    if (c->state != CIT_WAITING) return;
    int id = (int)(c - m->cit);
    market_schedule(m, m->now + m->p->wait_tolerance_days, EV_WAIT_CHECK, id, c->gen);
    market_schedule(m, fmax(c->exit_time, m->now), EV_EXIT, id, c->gen);
}

void placement_discharge(market *m, citizen *c)
{
    offer *o = &m->offers[c->offer];
    market_pay(m, c);
    offer_accrue(m, o);
    o->occupied--;
    offers_room_changed(m, o);
    if (c->wprev >= 0) m->cit[c->wprev].wnext = c->wnext;
    else o->residents = c->wnext;
    if (c->wnext >= 0) m->cit[c->wnext].wprev = c->wprev;
    c->wprev = c->wnext = -1;
    o->need_hours -= placement_staffed_hours(m, c, o);
    o->priced_hours -= citizen_hours(m, c, o, c->priced_level);
    o->true_hours -= citizen_hours(m, c, o, c->true_level);
    if (o->occupied == 0)   /* no rounding drift in an empty offer */
        o->need_hours = o->priced_hours = o->true_hours = 0;
    c->offer = -1;
    regime_citizen_clear(m, c);
    c->gen++;
    if (o->status == OFFER_OPEN) placement_serve_waiting(m, o->type, o->group);
}

/* A place came free: the longest-waiting citizens of the segment try again.
 * Bounded, because a citizen may not fit the freed place (buffers, refusal). */
void placement_serve_waiting(market *m, int type, int group)
{
    int32_t id = m->wait[type][group].head;
    for (int tries = 0; id >= 0 && tries < 4; tries++) {
        int32_t next = m->cit[id].wnext;
        citizen *c = &m->cit[id];
        if (placement_try(m, c, 0)) return;
        id = next;
    }
}

void placement_serve_all(market *m)
{
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < m->p->n_groups; g++) {
            int32_t id = m->wait[t][g].head;
            while (id >= 0) {
                int32_t next = m->cit[id].wnext;
                placement_try(m, &m->cit[id], 0);
                id = next;
            }
        }
}
