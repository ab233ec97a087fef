/*
 * models/offers.c - the supply side: building ~1,500 offers, staffing them,
 * and the yearly decisions on capacity, closure, bankruptcy and entry.
 *
 * Offers are built from the base-year table of places by type and owner [R].
 * Municipal capacity in a segment (type x group) goes only to municipalities
 * whose own expected demand reaches the minimum efficient size; the others
 * buy.  That is why small municipalities buy more outside, and why the
 * allocation is not proportional to population.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "flow.h"
#include "regime.h"

double offers_fixed_per_place(const market *m, int type, int group)
{
    const params *p = m->p;
    /* full cost is per occupied place-year at the reference occupancy */
    return p->fixed_share * p->type[type].full_cost *
           p->group[group].cost_multiplier * p->reference_occupancy;
}

static int segment_append(market *m, int type, int group, int id)
{
    int *n = &m->seg_n[type][group], *cap = &m->seg_cap[type][group];
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        int32_t *a = realloc(m->seg_offers[type][group], (size_t)nc * sizeof *a);
        if (!a) return -1;
        m->seg_offers[type][group] = a;
        *cap = nc;
    }
    m->seg_offers[type][group][(*n)++] = id;
    return 0;
}

/*
 * The availability index lists, for each segment, region and kind of
 * owner, the open offers with a free place, so that a placement looks only at those.  An
 * offer's place in its list is kept in the offer (swap-remove), and the
 * list's free places are the sum of its offers' room.
 */
int offers_room_changed(market *m, offer *o)
{
    struct avail_list *l = &m->avail[o->type][o->group][o->region][o->owner_kind];
    int room = o->status == OFFER_OPEN && o->occupied < o->capacity
                   ? o->capacity - o->occupied : 0;
    l->free_places += room - o->room;
    o->room = room;
    int32_t id = (int32_t)(o - m->offers);
    if (room > 0 && o->avail_pos < 0) {
        if (l->n == l->cap) {
            int nc = l->cap ? l->cap * 2 : 16;
            int32_t *a = realloc(l->id, (size_t)nc * sizeof *a);
            if (a) l->id = a;
            int32_t *w = realloc(l->owner, (size_t)nc * sizeof *w);
            if (w) l->owner = w;
            if (!a || !w) { market_fail(m, "out of memory for the offer index"); return -1; }
            l->cap = nc;
        }
        o->avail_pos = l->n;
        l->owner[l->n] = o->owner;
        l->id[l->n++] = id;
    } else if (room == 0 && o->avail_pos >= 0) {
        int32_t last = l->id[--l->n];
        l->id[o->avail_pos] = last;
        l->owner[o->avail_pos] = l->owner[l->n];
        m->offers[last].avail_pos = o->avail_pos;
        o->avail_pos = -1;
    }
    return 0;
}

int offers_add(market *m, int type, int group, int owner_kind, int owner,
               int region, int capacity)
{
    if (m->n_offers == m->cap_offers) {
        int nc = m->cap_offers ? m->cap_offers * 2 : 2048;
        if (regime_offers_reserve(m, nc)) return -1;
        offer *a = realloc(m->offers, (size_t)nc * sizeof *a);
        if (!a) return -1;
        m->offers = a;
        m->cap_offers = nc;
    }
    int id = m->n_offers;
    if (segment_append(m, type, group, id)) return -1;
    m->n_offers++;
    offer *o = &m->offers[id];
    memset(o, 0, sizeof *o);
    regime_offer_clear(m, id);
    o->type = (int8_t)type;
    o->group = (int8_t)group;
    o->owner_kind = (int8_t)owner_kind;
    o->owner = owner;
    o->region = region;
    o->capacity = capacity;
    o->status = OFFER_OPEN;
    o->avail_pos = o->residents = -1;
    o->cost_factor = 1;
    m->price_epoch++;   /* a new offer: search floors are stale */
    if (offers_room_changed(m, o)) return -1;
    o->fixed_per_place = offers_fixed_per_place(m, type, group);
    o->accrued_until = m->now;
    /* quality is the offer's own: keyed by its id, the same in every variant */
    sim_rng q;
    sim_rng_init(&q, m->seed, (uint32_t)m->replicate, RNG_QUALITY, (uint64_t)id);
    double z = 0.5 + m->p->quality_sd * gsl_ran_gaussian_ziggurat(&q.rng, 1.0);
    o->quality = z < 0 ? 0 : z > 1 ? 1 : z;
    if (owner_kind == OWNER_PRIVATE) {
        double annual = m->p->type[type].full_cost * capacity *
                        m->p->group[group].cost_multiplier * m->cost_index;
        o->equity = m->p->private_initial_equity * annual;
    }
    return id;
}

/* Split CAPACITY places into offers of about the type's mean size. */
static int add_split(market *m, int type, int group, int kind, int owner,
                     int region, double capacity)
{
    int places = (int)lround(capacity);
    if (places <= 0) return 0;
    int n = (int)lround(places / m->p->type[type].mean_offer_size);
    if (n < 1) n = 1;
    for (int i = 0; i < n; i++) {
        int size = places / n + (i < places % n ? 1 : 0);
        if (offers_add(m, type, group, kind, owner, region, size) < 0) return -1;
    }
    return 0;
}

/* Expected stock of a segment in municipality I: onsets x mean stay. */
static double expected_stock(const market *m, int i, int type, int group)
{
    const params *p = m->p;
    return m->muni[i].adults * m->muni[i].need * p->group[group].incidence[type] /
           1e4 * p->type[type].mean_stay_years;
}

/*
 * History [R]: after the 2007 reform some municipalities took over the
 * counties' institutions.  In each region ownership.hosts_per_region
 * municipalities, drawn at random (not by size: the old institutions stand
 * mostly outside the large cities) from a stream keyed by the region (a
 * fixed country unless traits.draw is redraw), host them; they are not
 * chosen for their own demand, so they sell most of their places.
 * HOSTS[r][k] are the hosts of region r, N_HOSTS[r] how many.
 */
static void draw_hosts(market *m, int (*hosts)[MAX_MUNIS], int *n_hosts)
{
    const params *p = m->p;
    for (int r = 0; r < m->mt->n_regions; r++) {
        sim_rng s;
        sim_rng_init(&s, m->seed, p->traits_redraw ? (uint32_t)m->replicate : UINT32_MAX,
                     RNG_HISTORY, (uint64_t)r);
        double w[MAX_MUNIS] = { 0 }, total = 0;
        for (int i = 0; i < m->mt->n; i++)
            if (m->mt->m[i].region == r) total += w[i] = 1;
        n_hosts[r] = 0;
        for (int k = 0; k < p->county_hosts && total > 0; k++) {
            double x = gsl_rng_uniform(&s.rng) * total;
            int pick = -1;
            for (int i = 0; i < m->mt->n && pick < 0; i++)
                if (w[i] > 0 && (x -= w[i]) < 0) pick = i;
            if (pick < 0)      /* rounding: the last one left */
                for (int i = m->mt->n - 1; i >= 0 && pick < 0; i--) if (w[i] > 0) pick = i;
            hosts[r][n_hosts[r]++] = pick;
            total -= w[pick];
            w[pick] = 0;
        }
    }
}

/* Municipal places of segment (T, G): the former county institutions'
 * share with the hosts, in proportion to the region's demand, in offers of
 * county size; the rest to municipalities whose own demand, weighed by
 * their preference for running offers, reaches the minimum efficient
 * size. */
static int build_municipal(market *m, int t, int g, double places,
                           int (*hosts)[MAX_MUNIS], const int *n_hosts)
{
    const params *p = m->p;
    /* housing is mostly built after 2007: its county share is smaller */
    double county = places * (t == OT_HOUSING ? p->county_share_housing : p->county_share);
    double demand[MAX_REGIONS] = { 0 }, all = 0;
    for (int i = 0; i < m->mt->n; i++) {
        double d = expected_stock(m, i, t, g);
        demand[m->mt->m[i].region] += d;
        all += d;
    }
    double size = p->type[t].mean_offer_size * p->county_size_factor;
    for (int r = 0; r < m->mt->n_regions && all > 0; r++) {
        if (!n_hosts[r] || demand[r] <= 0) continue;
        double here = county * demand[r] / all / n_hosts[r];
        for (int k = 0; k < n_hosts[r]; k++) {
            int places_k = (int)lround(here);
            int n = (int)lround(places_k / size);
            if (n < 1) n = 1;
            for (int j = 0; j < n && places_k > 0; j++) {
                int sz = places_k / n + (j < places_k % n ? 1 : 0);
                if (sz > 0 && offers_add(m, t, g, OWNER_MUNICIPAL, hosts[r][k], r, sz) < 0)
                    return -1;
            }
        }
    }
    places -= county;
    double eligible = 0;
    int largest = 0;
    for (int i = 0; i < m->mt->n; i++) {
        double d = expected_stock(m, i, t, g) * m->muni[i].own_preference;
        if (d >= p->min_efficient_size) eligible += d;
        if (m->mt->m[i].population > m->mt->m[largest].population) largest = i;
    }
    if (eligible <= 0)   /* nobody is big enough: the largest runs it */
        return add_split(m, t, g, OWNER_MUNICIPAL, largest,
                         m->mt->m[largest].region, places);
    for (int i = 0; i < m->mt->n; i++) {
        double d = expected_stock(m, i, t, g) * m->muni[i].own_preference;
        if (d < p->min_efficient_size) continue;
        if (add_split(m, t, g, OWNER_MUNICIPAL, i, m->mt->m[i].region,
                      places * d / eligible)) return -1;
    }
    return 0;
}

/* Regional and private places follow regional demand. */
static int build_by_region(market *m, int t, int g, int kind, double places)
{
    double demand[MAX_REGIONS] = { 0 }, total = 0;
    for (int i = 0; i < m->mt->n; i++) {
        double d = expected_stock(m, i, t, g);
        demand[m->mt->m[i].region] += d;
        total += d;
    }
    if (total <= 0) return 0;
    for (int r = 0; r < m->mt->n_regions; r++)
        if (add_split(m, t, g, kind, kind == OWNER_REGIONAL ? r : -1, r,
                      places * demand[r] / total)) return -1;
    return 0;
}

/* The starting offers of run.offers, as the file lists them. */
static int offers_from_table(market *m)
{
    const muni_table *mt = m->mt;
    for (int i = 0; i < mt->n_start; i++) {
        const start_offer *so = &mt->start[i];
        int region = mt->m[so->muni].region;
        int owner = so->owner_kind == OWNER_MUNICIPAL ? so->muni
                  : so->owner_kind == OWNER_REGIONAL ? region : -1;
        int id = offers_add(m, so->type, so->group, so->owner_kind, owner, region, so->places);
        if (id < 0) return -1;
        m->offers[id].start_tariff = so->tariff;
    }
    return 0;
}

int offers_build(market *m)
{
    const params *p = m->p;
    if (m->mt->start) return offers_from_table(m);
    int hosts[MAX_REGIONS][MAX_MUNIS], n_hosts[MAX_REGIONS] = { 0 };
    draw_hosts(m, hosts, n_hosts);
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        const type_params *tp = &p->type[t];
        double w = 0, wr = 0;
        for (int g = 0; g < p->n_groups; g++) {
            w += p->group[g].incidence[t];
            wr += p->group[g].incidence[t] * p->group[g].regional_weight;
        }
        if (w <= 0) continue;
        double regional = tp->places * tp->share_regional;
        double private_ = tp->places * tp->share_private;
        double municipal = tp->places - regional - private_;
        /* regions take the specialised groups first: their weight tilts the
         * regional split; municipal places fill what regions leave. */
        for (int g = 0; g < p->n_groups; g++) {
            double share = p->group[g].incidence[t] / w;
            double reg = wr > 0 ? regional * p->group[g].incidence[t] *
                                  p->group[g].regional_weight / wr : 0;
            double mun = fmax(0, (municipal + regional) * share - reg);
            if (build_municipal(m, t, g, mun, hosts, n_hosts) ||
                build_by_region(m, t, g, OWNER_REGIONAL, reg) ||
                build_by_region(m, t, g, OWNER_PRIVATE, private_ * share))
                return -1;
        }
    }
    return 0;
}

/* ---- staff ------------------------------------------------------------ */

/*
 * Staff follow the residents' assessed needs with a lag: the offer pays for
 * the staff it has, not the staff it needs.  A municipal offer that invoices
 * most of its income to other buyers and is full meets no loss of demand
 * when its price rises, so its owner holds its cost down less [R: KL's
 * guide]: it staffs above need by bargaining.seller_slack x (sold share -
 * threshold) / (1 - threshold).
 */
static double seller_slack(const market *m, const offer *o)
{
    const params *p = m->p;
    if (o->owner_kind != OWNER_MUNICIPAL || o->sold_share <= p->seller_threshold ||
        o->last_occupancy < p->expand_occupancy || p->seller_threshold >= 1)
        return 0;
    return p->seller_slack * (o->sold_share - p->seller_threshold) /
           (1 - p->seller_threshold);
}

void offers_staff_quarter(market *m)
{
    double speed = m->p->staff_adjust;
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        if (o->status == OFFER_CLOSED) continue;
        offer_accrue(m, o);
        double target = o->need_hours * (1 + seller_slack(m, o));
        o->staff_hours += speed * (target - o->staff_hours);
    }
}

/* ---- yearly decisions ------------------------------------------------- */

static int by_id(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

void offers_close(market *m, offer *o, int bankrupt)
{
    offer_accrue(m, o);
    o->status = OFFER_CLOSED;
    offers_room_changed(m, o);
    o->staff_hours = 0;
    m->ya.exits++;
    m->ya.bankruptcies += bankrupt;
    if (o->occupied == 0) return;
    /* residents of a failed offer must be placed again, first in line */
    if (m->displaced_at != m->now) m->n_displaced = 0;
    m->displaced_at = m->now;
    while (o->residents >= 0) {
        citizen *c = &m->cit[o->residents];
        placement_discharge(m, c);      /* unlinks it from the residents */
        c->wait_start = m->now;
        wait_push(m, c, 1);
        placement_wait_events(m, c);
        if (m->n_displaced == m->cap_displaced) {
            int cap = m->cap_displaced ? 2 * m->cap_displaced : 256;
            int32_t *d = realloc(m->displaced, (size_t)cap * sizeof *d);
            if (!d) { market_fail(m, "out of memory for displaced residents"); return; }
            m->displaced = d;
            m->cap_displaced = cap;
        }
        m->displaced[m->n_displaced++] = (int32_t)(c - m->cit);
    }
    /* Everyone displaced at this instant, by this closure or an earlier one
     * of the same year end, tries again at once, in order of citizen; each
     * closure thus gives the earlier ones another round of offers' answers. */
    qsort(m->displaced, (size_t)m->n_displaced, sizeof *m->displaced, by_id);
    for (int i = 0; i < m->n_displaced && !m->error[0]; i++) {
        citizen *c = &m->cit[m->displaced[i]];
        if (c->state == CIT_WAITING && c->wait_start == m->now) placement_try(m, c, 1);
    }
}

static void resize(market *m, offer *o, int capacity)
{
    offer_accrue(m, o);
    o->capacity = capacity;
    offers_room_changed(m, o);
}

/*
 * The demand an owner can count on when it adds places [R direction, A
 * size]: a municipality its own waiting citizens in full and other buyers'
 * with weight capacity.other_demand_weight, because a place built for
 * others stands empty, at the owner's cost, when their demand goes
 * elsewhere; a region (no citizens of its own) others' with that weight; a
 * private provider every waiting citizen (below).  For a narrow group every
 * owner, private ones too, counts every waiting citizen, its own included,
 * with weight capacity.narrow_demand_weight: a specialised place lives on
 * a thin, lumpy stream of citizens from many buyers, none of whom commits
 * to it, and its start-up is dearer, so no single municipality builds for
 * a narrow group [R: VIVE 2023 ch. 2]; that is what keeps narrow citizens
 * waiting.  NEED holds the waiting still unserved in the offer's segment
 * by region, NEED_HOME by home municipality.
 */
static double relied_demand(const market *m, const offer *o, const int *need,
                            const int *need_home)
{
    if (m->p->group[o->group].narrow) return m->p->narrow_demand_weight * need[o->region];
    /* selling to municipalities is a private provider's business: it
     * counts every waiting citizen and prices the risk instead (its
     * expansion must pay, below) */
    if (o->owner_kind == OWNER_PRIVATE) return need[o->region];
    int own = o->owner_kind == OWNER_MUNICIPAL ? need_home[o->owner] : 0;
    return own + m->p->other_demand_weight * (need[o->region] - own);
}

/* The start-up cost of PLACES new places of segment (TYPE, GROUP) [A]:
 * recruiting and training specialised staff, fitting out; a share of a
 * place-year's full cost, higher for narrow groups. */
static double startup_cost(const market *m, int type, int group, int places)
{
    const params *p = m->p;
    double share = p->startup_cost * (p->group[group].narrow ? p->startup_narrow_factor : 1);
    return share * places * p->type[type].full_cost * p->group[group].cost_multiplier *
           m->cost_index;
}

/*
 * Cut or close after low occupancy for some years; expand a full offer when
 * citizens wait in its segment, by as many places as the demand its owner
 * can count on (relied_demand), when that is at least one place and, for a
 * private owner, when last year's result covers the start-up cost.  The
 * places added in a region never exceed the citizens waiting there.
 */
static void capacity_decision(market *m, offer *o, int *need, int *need_home)
{
    const params *p = m->p;
    double occ = o->last_occupancy;
    if (occ < p->cut_occupancy) o->low_years++;
    else o->low_years = 0;
    if (o->low_years >= p->low_years) {
        o->low_years = 0;
        if (occ < p->close_occupancy) {
            o->status = OFFER_CLOSING;        /* no admissions; empties out */
            offers_room_changed(m, o);
            return;
        }
        int cut = (int)ceil(p->cut_share * o->capacity);
        resize(m, o, o->capacity - cut > o->occupied ? o->capacity - cut : o->occupied);
        return;
    }
    if (!(occ > p->expand_occupancy) || need[o->region] <= 0) return;
    int add = (int)lround(p->expand_share * o->capacity);
    if (add < 1) add = 1;
    int relied = (int)floor(relied_demand(m, o, need, need_home));
    if (add > relied) add = relied;
    if (add > need[o->region]) add = need[o->region];
    if (add < 1) return;
    double startup = startup_cost(m, o->type, o->group, add);
    if (o->owner_kind == OWNER_PRIVATE && o->last_result < startup) return;
    need[o->region] -= add;
    if (o->owner_kind == OWNER_MUNICIPAL) {
        int own = need_home[o->owner] < add ? need_home[o->owner] : add;
        need_home[o->owner] -= own;
    }
    resize(m, o, o->capacity + add);
    o->startup += startup;     /* charged to the coming year (offers_open_year) */
}

/* Citizens waiting in segment (TYPE, GROUP), by home region (and, with
 * BY_HOME, by home municipality). */
static void waiting_by_region(const market *m, int type, int group, int *out,
                              int *by_home)
{
    memset(out, 0, sizeof(int) * MAX_REGIONS);
    if (by_home) memset(by_home, 0, sizeof(int) * MAX_MUNIS);
    for (int32_t id = m->wait[type][group].head; id >= 0; id = m->cit[id].wnext) {
        out[m->mt->m[m->cit[id].home].region]++;
        if (by_home) by_home[m->cit[id].home]++;
    }
}

/* Mean income per day the segment's open offers would have for a resident
 * at the group's expected need mix: the buyer's price, and under pooled
 * financing what the pool pays besides (the regime's income_day). */
static double segment_price(market *m, int type, int group, int private_only)
{
    citizen probe = { 0 };
    probe.group = (int8_t)group;
    probe.rung = (int8_t)type;
    double sum = 0;
    int n = 0;
    for (int k = 0; k < m->seg_n[type][group]; k++) {
        const offer *o = &m->offers[m->seg_offers[type][group][k]];
        if (o->status != OFFER_OPEN) continue;
        if (private_only && o->owner_kind != OWNER_PRIVATE) continue;
        for (int l = 0; l < m->p->levels; l++) {
            probe.priced_level = probe.true_level = (int8_t)l;
            const regime_ops *r = regime_of(m, type, group);
            sum += m->level_p[type][group][l] *
                   (r->income_day ? r->income_day : r->daily_price)(m, &probe, o);
        }
        n++;
    }
    return n ? sum / n : 0;
}

/*
 * Record this year end's demand of every segment in every region: the
 * residents of its offers there and the region's citizens waiting for it,
 * before closures displace anyone.  The newest record goes first.
 */
static void record_demand(market *m)
{
    int n = m->n_demand_hist < DEMAND_HISTORY ? m->n_demand_hist : DEMAND_HISTORY - 1;
    memmove(m->demand_hist[1], m->demand_hist[0], (size_t)n * sizeof m->demand_hist[0]);
    int (*d)[MAX_GROUPS][MAX_REGIONS] = m->demand_hist[0];
    memset(d, 0, sizeof m->demand_hist[0]);
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        if (o->status != OFFER_CLOSED) d[o->type][o->group][o->region] += o->occupied;
    }
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < m->p->n_groups; g++)
            for (int32_t id = m->wait[t][g].head; id >= 0; id = m->cit[id].wnext)
                d[t][g][m->mt->m[m->cit[id].home].region]++;
    m->n_demand_hist = n + 1;
}

/* Mean yearly change of segment (T, G)'s demand in region R over the last
 * offers.growth_window_years year ends (fewer at the start): what a provider
 * reads as the segment's trend.  0 before two year ends are recorded. */
double offers_demand_growth(const market *m, int t, int g, int r)
{
    int k = m->p->growth_window_years;
    if (k > m->n_demand_hist - 1) k = m->n_demand_hist - 1;
    if (k <= 0) return 0;
    return (m->demand_hist[0][t][g][r] - m->demand_hist[k][t][g][r]) / (double)k;
}

/*
 * A new private offer enters a region's segment [A] when citizens wait there
 * beyond the free places the region's offers already have (after this year
 * end's expansions): at least offers.entry_min_waiting of them.  It expects
 * those citizens, and where the segment's demand in the region has grown,
 * offers.entry_growth_years of that growth (offers_demand_growth) besides,
 * a narrow group's weighed by capacity.narrow_demand_weight:
 * an entrant into a full segment that neither queues nor grows would wait
 * for the few new cases incumbents leave it, and fail; one where demand
 * grows fills from the growth incumbents do not build for.  It enters when
 * the going price at that fill covers the expected cost
 * plus a risk premium plus the start-up cost spread over
 * capacity.payback_years.  A narrow group's few waiting citizens promise
 * too little to carry a specialised offer's start-up [R direction].  At
 * most one entry per region and segment a year.
 */
static void private_entry(market *m)
{
    const params *p = m->p;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            int waiting[MAX_REGIONS] = { 0 };
            waiting_by_region(m, t, g, waiting, NULL);
            /* the free places a waiting citizen could take: other owners'
             * municipal offers keep a buffer for their own (has_room_for) */
            int open_free[MAX_REGIONS] = { 0 };
            for (int k = 0; k < m->seg_n[t][g]; k++) {
                const offer *o = &m->offers[m->seg_offers[t][g][k]];
                if (o->status != OFFER_OPEN) continue;
                int free_places = o->capacity - o->occupied;
                if (o->owner_kind == OWNER_MUNICIPAL)
                    free_places -= (int)(p->buffer_share * o->capacity);
                if (free_places > 0) open_free[o->region] += free_places;
            }
            int unmet[MAX_REGIONS], any = 0;
            for (int r = 0; r < m->mt->n_regions; r++) {
                unmet[r] = waiting[r] - open_free[r];
                any |= unmet[r] >= p->entry_min_waiting && unmet[r] >= 1;
            }
            if (!any) continue;
            /* an entrant expects what private offers of the segment charge */
            double price = segment_price(m, t, g, 1);
            if (price <= 0) price = segment_price(m, t, g, 0);
            double cost = 0;
            for (int l = 0; l < p->levels; l++) {
                offer probe = { 0 };
                probe.type = (int8_t)t;
                probe.group = (int8_t)g;
                probe.fixed_per_place = offers_fixed_per_place(m, t, g);
                probe.cost_factor = 1;      /* an entrant runs efficiently */
                cost += m->level_p[t][g][l] * offer_expected_cost_day(m, &probe, l);
            }
            /* a narrow group's growth is a thin, lumpy stream from many
             * buyers, weighed as its queue is in expansions */
            double growth_weight = p->group[g].narrow ? p->narrow_demand_weight : 1;
            for (int r = 0; r < m->mt->n_regions; r++) {
                if (unmet[r] < p->entry_min_waiting || unmet[r] < 1) continue;
                double expected = unmet[r] + p->entry_growth_years * growth_weight *
                                  fmax(0, offers_demand_growth(m, t, g, r));
                int size = (int)fmax(p->min_efficient_size,
                                     fmin(floor(expected), p->type[t].mean_offer_size));
                double fill = fmin(1.0, expected / size);
                double startup_day = startup_cost(m, t, g, size) /
                                     (p->payback_years * DAYS_PER_YEAR * size);
                /* per place-day: income at that fill against fixed cost,
                 * staff for the residents, and start-up */
                double fixed_ref = offers_fixed_per_place(m, t, g) * m->fixed_index /
                                   (DAYS_PER_YEAR * p->reference_occupancy);
                double cost_place = fixed_ref * p->reference_occupancy +
                                    (cost - fixed_ref) * fill;
                if (price * fill < cost_place * (1 + p->entry_risk_premium) + startup_day)
                    continue;
                int id = offers_add(m, t, g, OWNER_PRIVATE, -1, r, size);
                if (id < 0) {
                    market_fail(m, "out of memory adding an offer");
                    return;
                }
                /* the owners put up the start-up cost with the capital */
                m->offers[id].startup = startup_cost(m, t, g, size);
                m->offers[id].equity += m->offers[id].startup;
                m->ya.entries++;
            }
        }
}

/* Supervision closes offers for quality [R: the social supervisory
 * authority], the weakest most often: probability offers.quality_closure
 * x 2 (1 - quality) a year, from a stream keyed by the offer and the year,
 * so that one closure more or less in a variant moves no other draw. */
static int closed_for_quality(market *m, const offer *o)
{
    double rate = m->p->quality_closure[o->owner_kind == OWNER_PRIVATE];
    if (rate <= 0) return 0;
    sim_rng s;
    sim_rng_init(&s, m->seed, (uint32_t)m->replicate, RNG_SUPERVISION,
                 (uint64_t)(o - m->offers) << 8 | (uint64_t)(m->year + m->p->warmup_years));
    return gsl_rng_uniform(&s.rng) < rate * 2 * (1 - o->quality);
}

void offers_year_end(market *m)
{
    int n = m->n_offers;   /* entries below are not judged this year */
    record_demand(m);
    int need[N_OFFER_TYPES][MAX_GROUPS][MAX_REGIONS];
    int need_home[N_OFFER_TYPES][MAX_GROUPS][MAX_MUNIS];
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < m->p->n_groups; g++)
            waiting_by_region(m, t, g, need[t][g], need_home[t][g]);
    for (int i = 0; i < n; i++) {
        offer *o = &m->offers[i];
        if (o->status == OFFER_CLOSED) continue;
        if (o->owner_kind == OWNER_PRIVATE && o->equity < 0) {
            offers_close(m, o, 1);
            continue;
        }
        if (o->status == OFFER_OPEN && closed_for_quality(m, o)) {
            m->ya.quality_closures++;
            offers_close(m, o, 0);
            continue;
        }
        if (o->status == OFFER_CLOSING && o->occupied == 0) offers_close(m, o, 0);
    }
    /* Capacity decisions in a random order (the market stream): the
     * waiting citizens an expansion may serve go to whichever full offer
     * decides first, and that must not be the one built first. */
    int32_t *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order) { market_fail(m, "out of memory for capacity decisions"); return; }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (m->offers[i].status == OFFER_OPEN) order[k++] = i;
    for (int i = k - 1; i > 0; i--) {
        int j = (int)gsl_rng_uniform_int(&m->market_rng.rng, (unsigned long)i + 1);
        int32_t t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (int i = 0; i < k; i++) {
        offer *o = &m->offers[order[i]];
        capacity_decision(m, o, need[o->type][o->group], need_home[o->type][o->group]);
    }
    free(order);
    private_entry(m);
}

/* A new year of accounts for every offer (after the KPIs are recorded). */
void offers_open_year(market *m)
{
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        o->income = o->income_others = o->resident_days = o->place_days = 0;
        o->cost = o->startup;   /* start-up cost of places added at the year end */
        o->startup = 0;
        o->delivered_h = o->needed_h = o->cost_fixed = o->hour_days = 0;
    }
}

/* Close the year's books of every offer: occupancy, cost and result are
 * kept for the regime's settlement, the KPIs and next year's decisions. */
void offers_close_accounts(market *m)
{
    for (int i = 0; i < m->n_offers; i++) {
        offer *o = &m->offers[i];
        o->last_occupancy = o->place_days > 0 ? o->resident_days / o->place_days : 0;
        o->sold_share = o->income > 0 ? o->income_others / o->income : 0;
        o->last_cost = o->cost;
        o->last_result = o->income - o->cost;
        o->last_cost_fixed = o->cost_fixed;
        o->last_hour_days = o->hour_days;
        o->last_resident_days = o->resident_days;
    }
}
