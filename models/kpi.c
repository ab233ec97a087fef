/*
 * models/kpi.c - a year's accounts become the outputs of domain section 7.
 *
 * Price drift is measured at a fixed case mix: the price paid per day for a
 * citizen of true need level l, weighted by the base year's resident days
 * at each level, so that heavier citizens do not show up as drift while
 * re-grading, add-ons, carry-over and markups do.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kpi.h"
#include "flow.h"
#include "regime.h"

#define KPI_ROW(name, unit, axis, head, doc) \
    { #name, unit, axis, (head) ? SIM_SERIES_HEADLINE : 0u, doc },
const sim_series kpi_table[N_KPI] = { KPI_LIST(KPI_ROW) };
#undef KPI_ROW

/* ORDER KPI_AXIS */
const char *const kpi_axis_name[KPI_N_AXES] = { "municipality", "group", "offer_type" };

/* Each axis gets the index its enum value promises, or the KPI table's
 * axes would point at the wrong lengths. */
static int declare_axes(sim_record *rec, const params *p, const muni_table *mt)
{
    const int len[KPI_N_AXES] = { mt->n, p->n_groups, N_OFFER_TYPES };
    for (int a = 0; a < KPI_N_AXES; a++)
        if (sim_record_add_axis(rec, kpi_axis_name[a], len[a]) != a) return -1;
    int rc = 0;
    for (int i = 0; i < mt->n; i++)
        rc |= sim_record_label_item(rec, KPI_MUNICIPALITY, i, mt->m[i].name) |
              sim_record_code_item(rec, KPI_MUNICIPALITY, i, mt->m[i].code);
    for (int g = 0; g < p->n_groups; g++)
        rc |= sim_record_label_item(rec, KPI_GROUP, g, p->group[g].name);
    for (int t = 0; t < N_OFFER_TYPES; t++)
        rc |= sim_record_label_item(rec, KPI_OFFER_TYPE, t, offer_type_name[t]);
    return rc ? -1 : 0;
}

/* ORDER OFFER_COL */
const char *const kpi_offer_cols[KPI_OFFER_COLS] = {
    "offer", "owner_kind", "owner_code", "region", "offer_type", "group",
    "places", "occupancy", "result", "sold_share", "open"
};

int kpi_declare(sim_record *rec, const params *p, const muni_table *mt)
{
    int *years = malloc((size_t)rec->n_years * sizeof *years);
    if (!years) return -1;
    for (int y = 0; y < rec->n_years; y++) years[y] = p->start_year + y;
    int rc = declare_axes(rec, p, mt) || sim_record_set_years(rec, years) ||
             sim_record_set_series(rec, kpi_table, N_KPI) ||
             sim_record_add_table(rec, "offers_last_year", KPI_OFFER_COLS,
                                  kpi_offer_cols) != KPI_TABLE_OFFERS ? -1 : 0;
    free(years);
    return rc;
}

sim_record *kpi_new_record(const params *p, const muni_table *mt,
                           int n_variants, int n_replicates, int n_years)
{
    sim_record *rec = sim_record_create(n_variants, n_replicates, n_years);
    if (rec && (kpi_declare(rec, p, mt) || sim_record_alloc(rec))) {
        sim_record_free(rec);
        rec = NULL;
    }
    return rec;
}

static double ratio(double a, double b) { return b != 0 ? a / b : NAN; }

/* Fixed-mix price per place-year from revenue and days by level, with the
 * base weights W (renormalised over levels that had residents). */
static double fixed_mix(const double *rev, const double *days, const double *w,
                        int levels)
{
    double sum = 0, wsum = 0;
    for (int l = 0; l < levels; l++)
        if (days[l] > 0 && w[l] > 0) {
            sum += w[l] * rev[l] / days[l];
            wsum += w[l];
        }
    return wsum > 0 ? sum / wsum * DAYS_PER_YEAR : NAN;
}

static void normalise(double *dst, const double *days, int levels)
{
    double s = 0;
    for (int l = 0; l < levels; l++) s += days[l];
    for (int l = 0; l < levels; l++) dst[l] = s > 0 ? days[l] / s : 0;
}

/* The first year whose prices are kept: the last warm-up year when there
 * is one (computed, not recorded: what the base year's drift, spending
 * growth and fixed mix compare with), else the base year, whose drift has
 * no year before it. */
static int first_year(const market *m)
{
    return m->p->warmup_years > 0 ? -1 : 0;
}

static double drift(double now, double last, const market *m)
{
    if (m->year == first_year(m) || !(last > 0) || !(now > 0)) return NAN;
    return (now / last) / (m->cost_index / m->cost_index_last) - 1;
}

typedef struct writer {
    sim_record *rec;
    int v, r, y;
} writer;

/* Every index here comes from the market's own counts, which kpi_declare
 * gave the axes: a value out of range is a bug, not an input error. */
static void put(const writer *w, int k, int item, double x)
{
    if (!w->rec) return;   /* the last warm-up year: kept, not recorded */
    int rc = sim_record_put(w->rec, (size_t)k, w->v, w->r, w->y, item, x);
    assert(rc == 0);
    (void)rc;
}

/* Fixed-mix price of every part, all types weighted as the fixed-mix price
 * is, and each part's share of the drift: its growth beyond the index over
 * last year's whole price.  The shares add up to price_drift. */
static void record_drift_parts(market *m, const writer *w, double fm_all,
                               double unit_price)
{
    static const int kpi_of_part[N_PARTS] = {
        K_drift_cost, K_drift_occupancy, K_drift_regrading, K_drift_upcoding,
        K_drift_addons, K_drift_carry_over, K_drift_markup, K_drift_cap,
        K_drift_tender_risk, K_drift_standard_price, K_drift_mismatch, K_drift_pooled,
        K_drift_recalibration
    };
    year_acct *ya = &m->ya;
    int L = m->p->levels;
    double g = m->cost_index / m->cost_index_last;
    for (int k = 0; k < N_PARTS; k++) {
        double sum = 0, wsum = 0;
        for (int t = 0; t < N_OFFER_TYPES; t++) {
            double fm = fixed_mix(ya->rev_tl[t], ya->days_tl[t], m->base_mix_tl[t], L);
            if (isnan(fm)) continue;
            sum += fixed_mix(ya->rev_part[k][t], ya->days_tl[t], m->base_mix_tl[t], L) *
                   m->base_days_type[t];
            wsum += m->base_days_type[t];
        }
        double part = wsum > 0 ? sum / wsum : NAN;
        double share = m->year == first_year(m) || !(m->last_fixed_price_all > 0) ? NAN
                     : (part - m->last_part_price[k] * g) / (m->last_fixed_price_all * g);
        put(w, kpi_of_part[k], 0, share);
        m->last_part_price[k] = part;
    }
    double unit_drift = m->year == first_year(m) || !(m->last_unit_price > 0) ? NAN
                      : unit_price / m->last_unit_price / g - 1;
    double fixed_drift = m->year == first_year(m) || !(m->last_fixed_price_all > 0) ? NAN
                       : fm_all / m->last_fixed_price_all / g - 1;
    put(w, K_drift_case_mix, 0, unit_drift - fixed_drift);
    m->last_unit_price = unit_price;
}

static void record_prices(market *m, const writer *w)
{
    const params *p = m->p;
    year_acct *ya = &m->ya;
    int L = p->levels;
    if (m->year == first_year(m)) {
        for (int t = 0; t < N_OFFER_TYPES; t++) {
            normalise(m->base_mix_tl[t], ya->days_tl[t], L);
            m->base_days_type[t] = ya->days_type[t];
        }
        for (int g = 0; g < p->n_groups; g++)
            normalise(m->base_mix_gl[g], ya->days_gl[g], L);
    }
    /* the all-types price weights each type by its base-year resident days */
    double all = 0, all_w = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        double fm = fixed_mix(ya->rev_tl[t], ya->days_tl[t], m->base_mix_tl[t], L);
        put(w, K_fixed_mix_price_by_type, t, fm);
        put(w, K_price_drift_by_type, t, drift(fm, m->last_fixed_price_type[t], m));
        m->last_fixed_price_type[t] = fm;
        put(w, K_unit_price_by_type, t,
            ratio(ya->spend_type[t], ya->days_type[t] / DAYS_PER_YEAR));
        if (!isnan(fm)) {
            all += fm * m->base_days_type[t];
            all_w += m->base_days_type[t];
        }
    }
    double fm_all = all_w > 0 ? all / all_w : NAN;
    put(w, K_fixed_mix_price, 0, fm_all);
    put(w, K_price_drift, 0, drift(fm_all, m->last_fixed_price_all, m));
    double total = 0, days = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        total += ya->spend_type[t];
        days += ya->days_type[t];
    }
    record_drift_parts(m, w, fm_all, ratio(total, days / DAYS_PER_YEAR));
    m->last_fixed_price_all = fm_all;
    for (int g = 0; g < p->n_groups; g++) {
        double fm = fixed_mix(ya->rev_gl[g], ya->days_gl[g], m->base_mix_gl[g], L);
        put(w, K_price_drift_by_group, g, drift(fm, m->last_fixed_price_group[g], m));
        m->last_fixed_price_group[g] = fm;
        put(w, K_unit_price_by_group, g,
            ratio(ya->spend_group[g], ya->days_group[g] / DAYS_PER_YEAR));
    }
}

static void record_spending(market *m, const writer *w)
{
    year_acct *ya = &m->ya;
    double total = 0, adults = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        total += ya->spend_type[t];
        put(w, K_expenditure_by_type, t, ya->spend_type[t]);
    }
    for (int i = 0; i < m->mt->n; i++) adults += m->muni[i].adults;
    put(w, K_expenditure, 0, total);
    put(w, K_expenditure_per_adult, 0, total / adults);
    put(w, K_expenditure_own, 0, ya->spend_seller[SELLER_OWN]);
    put(w, K_expenditure_other_municipality, 0, ya->spend_seller[SELLER_OTHER_MUNICIPALITY]);
    put(w, K_expenditure_region, 0, ya->spend_seller[SELLER_REGION]);
    put(w, K_expenditure_private, 0, ya->spend_seller[SELLER_PRIVATE]);
    put(w, K_expenditure_pool, 0, ya->spend_seller[SELLER_POOL]);
    put(w, K_external_share, 0, ratio(total - ya->spend_seller[SELLER_OWN], total));
    put(w, K_home_support_cost, 0, ya->home_cost);
    double days = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) days += ya->days_type[t];
    put(w, K_unit_price, 0, ratio(total, days / DAYS_PER_YEAR));
    put(w, K_cost_index, 0, m->cost_index);
    put(w, K_admin_cost, 0, ya->admin_cost);
    put(w, K_admin_cost_followup, 0, ya->admin[ADMIN_FOLLOWUP]);
    put(w, K_admin_cost_negotiation, 0, ya->admin[ADMIN_NEGOTIATION]);
    put(w, K_admin_cost_tendering, 0, ya->admin[ADMIN_TENDERING]);
    put(w, K_admin_cost_transition, 0, ya->admin[ADMIN_TRANSITION]);
    put(w, K_bid_cost, 0, ya->bid_cost);
    for (int g = 0; g < m->p->n_groups; g++)
        put(w, K_expenditure_by_group, g, ya->spend_group[g]);
    put(w, K_spending_growth, 0, m->year == first_year(m) || !(m->last_expenditure > 0) ? NAN
                                 : total / m->last_expenditure - 1);
    m->last_expenditure = total;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        put(w, K_users_per_10k_by_type, t, ya->days_type[t] / DAYS_PER_YEAR / adults * 1e4);
    put(w, K_home_support_per_10k, 0, ya->home_days / DAYS_PER_YEAR / adults * 1e4);
}

/*
 * Herfindahl-Hirschman index of open places by owner in each market (offer
 * type x group x region), averaged over markets weighted by their places.
 * An owner is a municipality, a region, or one private offer (each private
 * offer is its own provider).  Offers of a segment are in seg_offers.
 */
static double concentration(const market *m)
{
    const params *p = m->p;
    double hhi = 0, weight = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++)
            for (int r = 0; r < m->mt->n_regions; r++) {
                double by_muni[MAX_MUNIS] = { 0 }, by_region[MAX_REGIONS] = { 0 };
                double total = 0, sum_sq = 0;
                for (int k = 0; k < m->seg_n[t][g]; k++) {
                    const offer *o = &m->offers[m->seg_offers[t][g][k]];
                    if (o->status == OFFER_CLOSED || o->region != r || o->capacity <= 0)
                        continue;
                    double x = o->capacity;
                    total += x;
                    if (o->owner_kind == OWNER_MUNICIPAL) by_muni[o->owner] += x;
                    else if (o->owner_kind == OWNER_REGIONAL) by_region[o->owner] += x;
                    else sum_sq += x * x;          /* a provider of its own */
                }
                if (total <= 0) continue;
                for (int i = 0; i < m->mt->n; i++) sum_sq += by_muni[i] * by_muni[i];
                for (int i = 0; i < m->mt->n_regions; i++) sum_sq += by_region[i] * by_region[i];
                hhi += sum_sq / total;       /* (sum_sq / total^2) weighted by total */
                weight += total;
            }
    return ratio(hhi, weight);
}

static void record_offers(market *m, const writer *w)
{
    double place_days[N_OFFER_TYPES] = { 0 }, res_days[N_OFFER_TYPES] = { 0 };
    double places[N_OFFER_TYPES] = { 0 }, by_owner[N_OWNERS] = { 0 };
    double place_days_g[MAX_GROUPS] = { 0 }, res_days_g[MAX_GROUPS] = { 0 };
    double delivered = 0, needed = 0, result = 0, cost = 0;
    int open = 0, pub = 0, beyond = 0;
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        place_days[o->type] += o->place_days;
        res_days[o->type] += o->resident_days;
        place_days_g[o->group] += o->place_days;
        res_days_g[o->group] += o->resident_days;
        delivered += o->delivered_h;
        needed += o->needed_h;
        result += o->last_result;
        cost += o->last_cost;
        if (o->owner_kind != OWNER_PRIVATE && o->last_cost > 0) {
            pub++;
            beyond += fabs(o->last_result) > m->p->carry_band * o->last_cost;
        }
        if (o->status == OFFER_CLOSED) continue;
        open++;
        places[o->type] += o->capacity;
        by_owner[o->owner_kind] += o->capacity;
    }
    for (int t = 0; t < N_OFFER_TYPES; t++) {
        put(w, K_occupancy_by_type, t, ratio(res_days[t], place_days[t]));
        put(w, K_vacancy_by_type, t, 1 - ratio(res_days[t], place_days[t]));
        put(w, K_places_by_type, t, places[t]);
    }
    double pd[2] = { 0, 0 }, rd[2] = { 0, 0 };
    for (int g = 0; g < m->p->n_groups; g++) {
        put(w, K_vacancy_by_group, g, 1 - ratio(res_days_g[g], place_days_g[g]));
        pd[m->p->group[g].narrow] += place_days_g[g];
        rd[m->p->group[g].narrow] += res_days_g[g];
    }
    put(w, K_vacancy_broad, 0, 1 - ratio(rd[0], pd[0]));
    put(w, K_vacancy_narrow, 0, 1 - ratio(rd[1], pd[1]));
    put(w, K_cost_per_delivered_hour, 0, ratio(cost, delivered));
    put(w, K_hhi, 0, concentration(m));
    put(w, K_places_municipal, 0, by_owner[OWNER_MUNICIPAL]);
    put(w, K_places_regional, 0, by_owner[OWNER_REGIONAL]);
    put(w, K_places_private, 0, by_owner[OWNER_PRIVATE]);
    put(w, K_offers_open, 0, open);
    put(w, K_offers_beyond_band_share, 0, ratio(beyond, pub));
    put(w, K_offer_result_share, 0, ratio(result, cost));
    put(w, K_delivered_to_needed_hours, 0, ratio(delivered, needed));
}

static void record_flow(market *m, const writer *w)
{
    const params *p = m->p;
    year_acct *ya = &m->ya;
    int waiting = 0, waiting_narrow = 0;
    for (int g = 0; g < p->n_groups; g++) {
        int n = 0;
        for (int t = 0; t < N_OFFER_TYPES; t++) n += m->wait[t][g].count;
        waiting += n;
        if (p->group[g].narrow) waiting_narrow += n;
        put(w, K_waiting_by_group, g, n);
        put(w, K_mean_wait_by_group, g,
            ratio(ya->wait_days_group[g], ya->placements_group[g]));
    }
    put(w, K_waiting, 0, waiting);
    put(w, K_waiting_narrow, 0, waiting_narrow);
    put(w, K_mean_wait_days, 0, ratio(ya->wait_days_sum[0], ya->placements[0]));
    put(w, K_mean_wait_narrow_days, 0, ratio(ya->wait_days_sum[1], ya->placements[1]));
    put(w, K_mean_wait_high_need_days, 0, ratio(ya->wait_days_high, ya->placements_high));
    put(w, K_mismatch_share, 0,
        ratio(ya->mismatched, ya->placements[0] + ya->placements[1]));
    put(w, K_declined_high_need, 0, ya->declined_high);
    put(w, K_offer_entries, 0, ya->entries);
    put(w, K_offer_exits, 0, ya->exits);
    put(w, K_bankruptcies, 0, ya->bankruptcies);
    put(w, K_quality_closures, 0, ya->quality_closures);
    int priv = 0;
    for (int i = 0; i < m->n_offers; i++)
        priv += m->offers[i].owner_kind == OWNER_PRIVATE && m->offers[i].status != OFFER_CLOSED;
    put(w, K_bankruptcy_rate, 0, ratio(ya->bankruptcies, priv + ya->bankruptcies));
    put(w, K_negotiations, 0, ya->negotiations);
    put(w, K_upcodings, 0, ya->upcodings);
    put(w, K_lots_tendered, 0, ya->lots_tendered);
    put(w, K_bids, 0, ya->bids);
    put(w, K_contracted_share, 0,
        ratio(ya->contracted, ya->placements[0] + ya->placements[1]));
    double resident_years = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++) resident_years += ya->days_type[t] / DAYS_PER_YEAR;
    put(w, K_progression_rate, 0, ratio(ya->progressions, resident_years));
    put(w, K_mean_stay_years, 0, ratio(ya->stay_days_ended / DAYS_PER_YEAR, ya->stays_ended));
}

/*
 * Placed in a matching offer within 30 and 90 days: the year's placements
 * and, so that a queue that does not clear is not left out, the citizens
 * still waiting at year end who have waited longer than the limit.  And the
 * transparency of prices, from the residents' daily prices at year end:
 * R2 of a least-squares line of price on true need (the weekly hours the
 * true level needs, with the citizen's own cost factor), one line per
 * segment (offer type x target group: what a regime prices) against the
 * segment's own variance, averaged over segments by residents; and the
 * spread at equal true need, the coefficient of variation within cells of
 * equal type, group and true level, averaged over cells by residents.
 */
static void record_criteria(market *m, const writer *w)
{
    const params *p = m->p;
    const year_acct *ya = &m->ya;
    int over[2][MAX_GROUPS] = { { 0 } };
    enum { CELLS = N_OFFER_TYPES * MAX_GROUPS * MAX_LEVELS };
    double n[CELLS] = { 0 }, sum[CELLS] = { 0 }, sq[CELLS] = { 0 };
    /* per segment: n, sums of x, y, xx, xy, yy */
    double ls[N_OFFER_TYPES][MAX_GROUPS][6] = { { { 0 } } };
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_WAITING) {
            over[0][c->group] += m->now - c->wait_start > 30;
            over[1][c->group] += m->now - c->wait_start > 90;
        } else if (c->state == CIT_PLACED) {
            const offer *o = &m->offers[c->offer];
            int k = (o->type * MAX_GROUPS + c->group) * MAX_LEVELS + c->true_level;
            double x = market_hours(m, o->type, c->group, c->true_level) * (1 + c->extra);
            double y = c->price_day;
            n[k]++;
            sum[k] += y;
            sq[k] += y * y;
            double *a = ls[o->type][c->group];
            a[0]++; a[1] += x; a[2] += y; a[3] += x * x; a[4] += x * y; a[5] += y * y;
        }
    }
    int hit[2][2] = { { 0 } }, all[2][2] = { { 0 } };    /* [limit][narrow] */
    for (int g = 0; g < p->n_groups; g++)
        for (int d = 0; d < 2; d++) {
            int denom = ya->placements_group[g] + over[d][g];
            put(w, d ? K_matched_90d_by_group : K_matched_30d_by_group, g,
                ratio(ya->matched[d][g], denom));
            hit[d][p->group[g].narrow] += ya->matched[d][g];
            all[d][p->group[g].narrow] += denom;
        }
    put(w, K_matched_30d_broad, 0, ratio(hit[0][0], all[0][0]));
    put(w, K_matched_30d_narrow, 0, ratio(hit[0][1], all[0][1]));
    put(w, K_matched_90d_broad, 0, ratio(hit[1][0], all[1][0]));
    put(w, K_matched_90d_narrow, 0, ratio(hit[1][1], all[1][1]));
    /* both measures are means over residents of each segment's (each
     * cell's) own scale-free figure, so a regime that pays one segment a
     * fixed share of the price (objective financing) does not move them */
    double cv_sum = 0, cv_n = 0;
    for (int k = 0; k < CELLS; k++) {
        if (n[k] < 2 || !(sum[k] > 0)) continue;
        double var = fmax(0, sq[k] - sum[k] * sum[k] / n[k]) / n[k];
        cv_sum += n[k] * sqrt(var) / (sum[k] / n[k]);
        cv_n += n[k];
    }
    double r2_sum = 0, r2_n = 0;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            const double *a = ls[t][g];
            if (a[0] < 2) continue;
            double sxx = a[3] - a[1] * a[1] / a[0], sxy = a[4] - a[1] * a[2] / a[0];
            double syy = fmax(0, a[5] - a[2] * a[2] / a[0]);
            if (!(syy > 0)) continue;   /* one price for all: nothing to explain */
            double resid = sxx > 0 ? fmax(0, syy - sxy * sxy / sxx) : syy;
            r2_sum += a[0] * fmin(1, fmax(0, 1 - resid / syy));
            r2_n += a[0];
        }
    put(w, K_price_need_r2, 0, r2_n > 0 ? r2_sum / r2_n : NAN);
    put(w, K_price_spread_equal_need, 0, cv_n > 0 ? cv_sum / cv_n : NAN);
}

static void record_municipalities(market *m, const writer *w)
{
    double dev = 0, budget = 0, dev_mean = 0, dev_abs = 0;
    double by_class[2][2] = { { 0 } };    /* [joins][net seller] */
    int with_budget = 0;
    /* citizens still waiting at year end after a long wait count too */
    int long_waits[MAX_MUNIS][2];
    for (int i = 0; i < m->mt->n; i++) {
        long_waits[i][0] = m->muni[i].acct.long_waits[0];
        long_waits[i][1] = m->muni[i].acct.long_waits[1];
    }
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state == CIT_WAITING && m->now - c->wait_start > m->p->long_wait_days)
            long_waits[c->home][m->p->group[c->group].narrow]++;
    }
    int with_long[2] = { 0, 0 };
    for (int i = 0; i < m->mt->n; i++) {
        with_long[0] += long_waits[i][0] > 0;
        with_long[1] += long_waits[i][1] > 0;
    }
    put(w, K_long_wait_broad_share, 0, ratio(with_long[0], m->mt->n));
    put(w, K_long_wait_narrow_share, 0, ratio(with_long[1], m->mt->n));
    /* who joins a uniform frame tariff (its parameters, whether or not it runs) */
    const uniform_params *up = regime_params(m->p, &regime_uniform);
    for (int i = 0; i < m->mt->n; i++) {
        const municipality *mu = &m->muni[i];
        double spend = 0;
        for (int t = 0; t < N_OFFER_TYPES; t++) spend += mu->acct.spend_type[t];
        double external = spend - mu->acct.spend_seller[SELLER_OWN];
        double deviation = mu->spend_last - mu->budget;
        put(w, K_muni_expenditure, i, spend);
        by_class[up->joins[i] != 0][mu->net_seller] += spend;
        put(w, K_muni_expenditure_per_adult, i, spend / mu->adults);
        put(w, K_muni_external_share, i, ratio(external, spend));
        put(w, K_muni_net_position, i, mu->acct.sales - external);
        put(w, K_muni_budget_deviation, i, deviation);
        put(w, K_muni_waiting, i, mu->waiting);
        put(w, K_muni_needs_arising, i, m->ya.arrivals[i]);
        static const int users_kpi[N_OFFER_TYPES] = {
            K_muni_users_per_10k_temporary, K_muni_users_per_10k_longterm,
            K_muni_users_per_10k_housing
        };
        for (int t = 0; t < N_OFFER_TYPES; t++)
            put(w, users_kpi[t], i, mu->acct.days_type[t] / DAYS_PER_YEAR / mu->adults * 1e4);
        put(w, K_muni_sales, i, mu->acct.sales);
        put(w, K_muni_home_support_cost, i, mu->acct.home_cost);
        double net = spend + mu->acct.home_cost - mu->acct.sales;
        put(w, K_muni_net_cost, i, net);
        put(w, K_muni_net_cost_per_adult, i, net / mu->adults);
        put(w, K_muni_purchases_other_municipality, i,
            mu->acct.spend_seller[SELLER_OTHER_MUNICIPALITY]);
        put(w, K_muni_purchases_region, i, mu->acct.spend_seller[SELLER_REGION]);
        put(w, K_muni_purchases_private, i, mu->acct.spend_seller[SELLER_PRIVATE]);
        put(w, K_muni_budget, i, mu->budget);
        put(w, K_muni_admin_cost, i, mu->acct.admin_cost);
        put(w, K_muni_long_waits_narrow, i, long_waits[i][1]);
        put(w, K_muni_adults, i, mu->adults);
        put(w, K_muni_need_index, i, mu->need);
        put(w, K_muni_need_structural, i, mu->need_structural);
        dev += deviation;
        budget += mu->budget;
        if (mu->budget > 0) {
            dev_mean += deviation / mu->budget;
            dev_abs += fabs(deviation) / mu->budget;
            with_budget++;
        }
    }
    put(w, K_expenditure_net_buyers_joining, 0, by_class[1][0]);
    put(w, K_expenditure_net_sellers_joining, 0, by_class[1][1]);
    put(w, K_expenditure_net_buyers_outside, 0, by_class[0][0]);
    put(w, K_expenditure_net_sellers_outside, 0, by_class[0][1]);
    put(w, K_budget_deviation, 0, dev);
    put(w, K_budget_deviation_share, 0, ratio(dev, budget));
    put(w, K_budget_deviation_mean, 0, ratio(dev_mean, with_budget));
    put(w, K_budget_deviation_abs, 0, ratio(dev_abs, with_budget));
}

/*
 * Pooled contributions and owners' frames are paid as lumps, not per day; to
 * price a comparable place they are spread over the offer's residents at
 * year end by true need level, in proportion to their hours.
 */
static void spread_lumps(market *m)
{
    for (int i = 0; i < m->n_cit; i++) {
        const citizen *c = &m->cit[i];
        if (c->state != CIT_PLACED) continue;
        const offer *o = &m->offers[c->offer];
        double lump = o->pooled + o->frame;
        if (lump == 0 || o->true_hours <= 0) continue;
        double share = lump * citizen_hours(m, c, o, c->true_level) /
                       o->true_hours;
        m->ya.rev_tl[o->type][c->true_level] += share;
        m->ya.rev_part[PART_POOLED][o->type][c->true_level] += share;
        m->ya.rev_gl[c->group][c->true_level] += share;
        m->ya.spend_group[c->group] += share;
    }
}

/* The last year's offers, one row each (closed ones of that year too): who
 * owns each, where, what it offers, and how it did.  Owner codes: the
 * municipality's code, the region's index + 1, or 0 for private. */
static void record_offers_table(market *m, sim_record *rec, int v, int r)
{
    int n = 0;
    for (int i = 0; i < m->n_offers; i++) n += m->offers[i].place_days > 0 ||
                                              m->offers[i].status != OFFER_CLOSED;
    double *row = n ? sim_record_table_rows(rec, KPI_TABLE_OFFERS, v, r, n) : NULL;
    if (!row) return;   /* no offers, or no memory: the table stays empty */
    for (int i = 0; i < m->n_offers; i++) {
        const offer *o = &m->offers[i];
        if (!(o->place_days > 0 || o->status != OFFER_CLOSED)) continue;
        double code = o->owner_kind == OWNER_MUNICIPAL ? m->mt->m[o->owner].code
                    : o->owner_kind == OWNER_REGIONAL ? o->owner + 1 : 0;
        const double x[KPI_OFFER_COLS] = {
            i, o->owner_kind, code, o->region, o->type, o->group, o->capacity,
            o->last_occupancy, o->last_result, o->sold_share, o->status == OFFER_OPEN
        };
        memcpy(row, x, sizeof x);
        row += KPI_OFFER_COLS;
    }
}

void kpi_record(market *m, sim_record *rec, int v, int r, int y)
{
    writer w = { rec, v, r, y };
    if (rec && y == rec->n_years - 1) record_offers_table(m, rec, v, r);
    spread_lumps(m);
    record_prices(m, &w);
    record_spending(m, &w);
    record_offers(m, &w);
    record_flow(m, &w);
    record_criteria(m, &w);
    record_municipalities(m, &w);
}
