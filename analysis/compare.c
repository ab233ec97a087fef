/*
 * analysis/compare.c - the comparison tables and the stopping rule.
 *
 * Differences are paired: replicate r of every variant saw the same needs,
 * so the difference is taken replicate by replicate and its interval is
 * narrower than the two variants' intervals would suggest.
 *
 * Two tables: the headline (each variant's mean and its difference, one
 * block per KPI; the stopping rule watches these), and the committee's
 * criteria (VIVE 2023, Tabel 1-3: economic sustainability, professional
 * sustainability, capacity management), one line per KPI with the
 * reference's mean and every variant's paired difference.
 */
#include <math.h>
#include <string.h>
#include "compare.h"

/*
 * One row per compared aggregate, in the order shown:
 *   X(section, series, over the years, title, Danish title, scale, decimals, share)
 * section 0 is the headline; share marks a rate whose widths are absolute.
 */
enum { HEADLINE = COMPARE_HEADLINE, ECONOMIC = COMPARE_ECONOMIC,
       PROFESSIONAL = COMPARE_PROFESSIONAL, CAPACITY = COMPARE_CAPACITY,
       N_SECTIONS = COMPARE_N_SECTIONS };
#define COMPARE_ROWS(X) \
 X(HEADLINE, expenditure, SUM, "total expenditure, bn DKK", "samlede udgifter, mia. kr.", 1e-9, 2, 0) \
 X(HEADLINE, unit_price, LAST, "unit price in the last year, 1000 DKK per place-year", "enhedspris i sidste år, 1.000 kr. pr. pladsår", 1e-3, 1, 0) \
 X(HEADLINE, price_drift, MEAN, "price drift, mean % per year beyond the cost index", "prisglidning, gns. % pr. år ud over omkostningsindekset", 1e2, 2, 1) \
 X(HEADLINE, waiting_narrow, MEAN, "narrow groups: citizens waiting at year end, mean", "smalle målgrupper: borgere på venteliste ved årets udgang, gns.", 1, 1, 0) \
 X(HEADLINE, offer_exits, SUM, "offers closed (exits and bankruptcies), total", "tilbud lukket (lukninger og konkurser), i alt", 1, 1, 0) \
 X(HEADLINE, admin_cost, SUM, "administrative cost, total, mio DKK", "administrationsomkostninger i alt, mio. kr.", 1e-6, 1, 0) \
 X(ECONOMIC, spending_growth, MEAN, "spending growth, % per year", "udgiftsvækst, % pr. år", 1e2, 2, 1) \
 X(ECONOMIC, budget_deviation_mean, MEAN, "budget deviation, mean over municipalities, % of budget", "budgetafvigelse, gns. over kommuner, % af budget", 1e2, 2, 1) \
 X(ECONOMIC, budget_deviation_abs, MEAN, "budget deviation, mean absolute, % of budget", "budgetafvigelse, gns. numerisk, % af budget", 1e2, 2, 1) \
 X(ECONOMIC, price_need_r2, MEAN, "transparency: buyer's price explained by true need, R2 %", "gennemsigtighed: købers pris forklaret af det reelle behov, R2 %", 1e2, 1, 1) \
 X(ECONOMIC, price_spread_equal_need, MEAN, "transparency: price spread at equal true need, CV %", "gennemsigtighed: prisspredning ved samme reelle behov, CV %", 1e2, 1, 1) \
 X(ECONOMIC, cost_per_delivered_hour, LAST, "productivity: cost per delivered staff hour, last year, DKK", "produktivitet: omkostning pr. leveret personaletime, sidste år, kr.", 1, 0, 0) \
 X(ECONOMIC, admin_cost_negotiation, SUM, "administration: case negotiations, total, mio DKK", "administration: forhandlinger i enkeltsager, i alt, mio. kr.", 1e-6, 1, 0) \
 X(ECONOMIC, admin_cost_tendering, SUM, "administration: buyers' tendering, total, mio DKK", "administration: købernes udbud, i alt, mio. kr.", 1e-6, 1, 0) \
 X(ECONOMIC, admin_cost_transition, SUM, "administration: the move to the regime, total, mio DKK", "administration: overgangen til modellen, i alt, mio. kr.", 1e-6, 1, 0) \
 X(ECONOMIC, bid_cost, SUM, "bidders' bid costs (providers' costs), total, mio DKK", "tilbudsgivernes omkostninger til bud, i alt, mio. kr.", 1e-6, 1, 0) \
 X(PROFESSIONAL, delivered_to_needed_hours, MEAN, "delivered per needed staff hour, %", "leveret pr. nødvendig personaletime, %", 1e2, 1, 1) \
 X(PROFESSIONAL, matched_30d_narrow, MEAN, "narrow groups: placed in a matching offer within 30 days, %", "smalle målgrupper: fået plads i et passende tilbud inden 30 dage efter visitationen, %", 1e2, 1, 1) \
 X(PROFESSIONAL, matched_30d_broad, MEAN, "broad groups: placed in a matching offer within 30 days, %", "brede målgrupper: fået plads i et passende tilbud inden 30 dage efter visitationen, %", 1e2, 1, 1) \
 X(PROFESSIONAL, matched_90d_narrow, MEAN, "narrow groups: placed in a matching offer within 90 days, %", "smalle målgrupper: fået plads i et passende tilbud inden 90 dage efter visitationen, %", 1e2, 1, 1) \
 X(PROFESSIONAL, matched_90d_broad, MEAN, "broad groups: placed in a matching offer within 90 days, %", "brede målgrupper: fået plads i et passende tilbud inden 90 dage efter visitationen, %", 1e2, 1, 1) \
 X(PROFESSIONAL, mismatch_share, MEAN, "placements in a mismatched offer, %", "ophold i et tilbud, der ikke passer til behovet, %", 1e2, 2, 1) \
 X(PROFESSIONAL, progression_rate, MEAN, "progression to own home, % of residents per year", "progression til egen bolig, % af beboerne pr. år", 1e2, 2, 1) \
 X(PROFESSIONAL, mean_stay_years, MEAN, "mean length of ended stays, years", "gns. længde af afsluttede ophold, år", 1, 2, 0) \
 X(CAPACITY, vacancy_broad, MEAN, "vacancy, broad groups, %", "tomgang, brede målgrupper, %", 1e2, 2, 1) \
 X(CAPACITY, vacancy_narrow, MEAN, "vacancy, narrow groups, %", "tomgang, smalle målgrupper, %", 1e2, 2, 1) \
 X(CAPACITY, waiting, MEAN, "citizens waiting at year end, mean", "borgere på venteliste ved årets udgang, gns.", 1, 1, 0) \
 X(CAPACITY, long_wait_narrow_share, MEAN, "narrow groups: municipalities with a long wait, %", "smalle målgrupper: kommuner med en lang ventetid, %", 1e2, 1, 1) \
 X(CAPACITY, offer_entries, SUM, "new private offers, total", "nye private tilbud, i alt", 1, 1, 0) \
 X(CAPACITY, bankruptcies, SUM, "bankruptcies, total", "konkurser, i alt", 1, 1, 0) \
 X(CAPACITY, hhi, LAST, "concentration of places (HHI), last year", "koncentration af pladser (HHI), sidste år", 1, 3, 0)

#define AGG_ROW(sec, series, kind, title, da, scale, dec, share) { #series, RES_AGG_##kind },
const res_agg compare_aggs[] = { COMPARE_ROWS(AGG_ROW) };
#undef AGG_ROW
const size_t compare_n_aggs = sizeof compare_aggs / sizeof compare_aggs[0];

/* How each of compare_aggs is shown, in the same order. */
typedef compare_row row;
#define SHOW_ROW(sec, series, kind, title, da, scale, dec, share) \
    { sec, #series, RES_AGG_##kind, title, da, scale, dec, share },
const compare_row compare_rows[] = { COMPARE_ROWS(SHOW_ROW) };
#undef SHOW_ROW
const size_t compare_n_rows = sizeof compare_rows / sizeof compare_rows[0];
#define rows compare_rows
#define N_ROWS compare_n_rows

const char *const compare_section_title[COMPARE_N_SECTIONS][2] = {
    { "Headline", "Hovedtal" },
    { "Economic sustainability: spending control, transparency, cost-efficient operation",
      "Økonomisk bæredygtighed: udgiftsstyring, gennemsigtighed, omkostningseffektiv drift" },
    { "Professional sustainability: an offer that meets the need, functional ability, specialisation",
      "Faglig bæredygtighed: et tilbud der matcher behovet, funktionsevne, specialisering" },
    { "Capacity management: places matched to demand, supply security",
      "Kapacitetsstyring: pladser der matcher efterspørgslen, forsyningssikkerhed" },
};

/* One cell: mean ± half-width, or n/a (no value, or one replicate: no
 * interval). */
static void cell(char *buf, size_t n, const res_stat *st, const row *r, int sign)
{
    if (st->n < 2 || !isfinite(st->mean)) { snprintf(buf, n, "n/a"); return; }
    snprintf(buf, n, sign ? "%+.*f ±%.*f" : "%.*f ±%.*f", r->decimals,
             st->mean * r->scale, r->decimals, (st->ci_hi - st->mean) * r->scale);
}

/* Print S left-aligned in WIDTH characters (not bytes: "±" is two). */
static void pad(FILE *out, const char *s, int width)
{
    int chars = 0;
    for (const char *q = s; *q; q++) chars += ((unsigned char)*q & 0xc0) != 0x80;
    fputs(s, out);
    for (; chars < width; chars++) fputc(' ', out);
}

static void headline_table(FILE *out, const sim_record *s)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (rows[i].section != HEADLINE) continue;
        int k = sim_record_series_index(s, compare_aggs[i].series);
        if (k < 0) continue;
        fprintf(out, "\n%s\n  ", rows[i].title);
        pad(out, "variant", 16);
        fputc(' ', out);
        pad(out, "mean ± 95 %", 24);
        fprintf(out, " %s\n", s->n_variants > 1 ? "difference from the reference ± 95 %" : "");
        for (int v = 0; v < s->n_variants; v++) {
            res_stat st, d;
            char a[64], b[64] = "(reference)";
            res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, -1, &st);
            cell(a, sizeof a, &st, &rows[i], 0);
            if (v > 0) {
                res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, 0, &d);
                cell(b, sizeof b, &d, &rows[i], 1);
            }
            fputs("  ", out);
            pad(out, s->variant_names[v], 16);
            fputc(' ', out);
            pad(out, a, 24);
            fprintf(out, " %s\n", s->n_variants > 1 ? b : "");
        }
    }
}

/* The committee's criteria: one line per KPI, the reference's mean, then
 * each variant's paired difference from it. */
static void criteria_table(FILE *out, const sim_record *s)
{
    fprintf(out, "\nThe committee's criteria (VIVE 2023): %s mean ± 95 %%, then each "
            "variant's paired difference ± 95 %%\n", s->variant_names[0]);
    pad(out, "", 62);
    for (int v = 0; v < s->n_variants; v++) {
        fputs(" | ", out);
        pad(out, s->variant_names[v], 18);
    }
    fputc('\n', out);
    for (int sec = ECONOMIC; sec < N_SECTIONS; sec++) {
        fprintf(out, "%s\n", compare_section_title[sec][0]);
        for (size_t i = 0; i < N_ROWS; i++) {
            if (rows[i].section != sec) continue;
            int k = sim_record_series_index(s, compare_aggs[i].series);
            if (k < 0) continue;
            fprintf(out, "  %-60s", rows[i].title);
            for (int v = 0; v < s->n_variants; v++) {
                res_stat st;
                char buf[64];
                res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, v ? 0 : -1, &st);
                cell(buf, sizeof buf, &st, &rows[i], v > 0);
                fputs(" | ", out);
                pad(out, buf, 18);
            }
            fputc('\n', out);
        }
    }
}

/* Per year: the reference's mean, then each variant's paired difference. */
static void year_table(FILE *out, const sim_record *s, const res_agg *agg,
                       const row *r)
{
    int k = sim_record_series_index(s, agg->series);
    if (k < 0) return;
    fprintf(out, "\n%s by year: %s mean, then each variant's paired difference\n",
            r->title, s->variant_names[0]);
    fprintf(out, "%-4s", "year");
    for (int v = 0; v < s->n_variants; v++) {
        fputs(" | ", out);
        pad(out, s->variant_names[v], 18);
    }
    fputc('\n', out);
    for (int y = 0; y < s->n_years; y++) {
        fprintf(out, "%-4d", s->years ? s->years[y] : y);
        for (int v = 0; v < s->n_variants; v++) {
            res_stat st;
            char buf[64];
            if (v == 0) res_stat_of(s, (size_t)k, 0, y, 0, &st);
            else res_stat_diff(s, (size_t)k, v, 0, y, 0, &st);
            cell(buf, sizeof buf, &st, r, v > 0);
            fputs(" | ", out);
            pad(out, buf, 18);
        }
        fputc('\n', out);
    }
}

void compare_report(FILE *out, const sim_record *s)
{
    int done = sim_record_jobs_done(s);
    fprintf(out, "\nComparison over %d-%d, %d replicates per variant (%d jobs done); "
            "reference: %s.\nIntervals are 95 %% intervals of the mean; "
            "differences are paired replicate by replicate.\n",
            s->years ? s->years[0] : 0, s->years ? s->years[s->n_years - 1] : 0,
            s->n_replicates, done, s->variant_names[0]);
    headline_table(out, s);
    criteria_table(out, s);
    for (size_t i = 0; i < N_ROWS; i++)
        if (rows[i].section == HEADLINE) year_table(out, s, &compare_aggs[i], &rows[i]);
}

static int narrow_enough(const res_stat *st, const row *r, double ref_mean,
                         double width)
{
    if (st->n < 2) return 0;
    if (!isfinite(st->mean)) return 1;        /* nothing to estimate */
    double w = st->ci_hi - st->ci_lo;
    return r->share ? w <= width : w <= width * fabs(ref_mean);
}

/* The stopping rule watches the headline rows only. */
int compare_converged(const sim_record *s, double width)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (rows[i].section != HEADLINE) continue;
        int k = sim_record_series_index(s, compare_aggs[i].series);
        if (k < 0) continue;
        res_stat ref;
        res_stat_agg(s, (size_t)k, compare_aggs[i].kind, 0, -1, &ref);
        for (int v = 0; v < s->n_variants; v++) {
            res_stat st;
            res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, v ? 0 : -1, &st);
            if (!narrow_enough(&st, &rows[i], ref.mean, width)) return 0;
        }
    }
    return 1;
}
