/*
 * analysis/compare.c - the comparison tables and the stopping rule.
 *
 * Differences are paired: replicate r of every variant saw the same needs,
 * so the difference is taken replicate by replicate and its interval is
 * narrower than the two variants' intervals would suggest.
 */
#include <math.h>
#include <string.h>
#include "compare.h"

/* What is compared, and how each is summed up over the horizon. */
const res_agg compare_aggs[] = {
    { "expenditure", RES_AGG_SUM },   { "unit_price", RES_AGG_LAST },
    { "price_drift", RES_AGG_MEAN },  { "waiting_narrow", RES_AGG_MEAN },
    { "offer_exits", RES_AGG_SUM },   { "admin_cost", RES_AGG_SUM },
};
const size_t compare_n_aggs = sizeof compare_aggs / sizeof compare_aggs[0];

/* How each of compare_aggs is shown, in the same order. */
typedef struct row {
    const char *title;
    double      scale;       /* shown = value * scale */
    int         decimals;
    int         share;       /* a rate: widths are absolute */
} row;

static const row rows[] = {
    { "total expenditure, bn DKK", 1e-9, 2, 0 },
    { "unit price in the last year, 1000 DKK per place-year", 1e-3, 1, 0 },
    { "price drift, mean % per year beyond the cost index", 1e2, 2, 1 },
    { "narrow groups: citizens waiting at year end, mean", 1, 1, 0 },
    { "offers closed (exits and bankruptcies), total", 1, 1, 0 },
    { "administrative cost, total, mio DKK", 1e-6, 1, 0 },
};
#define N_ROWS (sizeof rows / sizeof rows[0])
_Static_assert(N_ROWS == sizeof compare_aggs / sizeof compare_aggs[0],
               "one presentation row per compared aggregate");

static void cell(char *buf, size_t n, const res_stat *st, const row *r, int sign)
{
    if (st->n == 0 || !isfinite(st->mean)) { snprintf(buf, n, "n/a"); return; }
    snprintf(buf, n, sign ? "%+.*f ±%.*f" : "%.*f ±%.*f", r->decimals,
             st->mean * r->scale, r->decimals, (st->ci_hi - st->mean) * r->scale);
}

static void committee_table(FILE *out, const sim_record *s)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        int k = sim_record_series_index(s, compare_aggs[i].series);
        if (k < 0) continue;
        fprintf(out, "\n%s\n  %-16s %-24s %s\n", rows[i].title, "variant",
                "mean ± 95 %", s->n_variants > 1 ? "difference from the reference ± 95 %" : "");
        for (int v = 0; v < s->n_variants; v++) {
            res_stat st, d;
            char a[64], b[64] = "(reference)";
            res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, -1, &st);
            cell(a, sizeof a, &st, &rows[i], 0);
            if (v > 0) {
                res_stat_agg(s, (size_t)k, compare_aggs[i].kind, v, 0, &d);
                cell(b, sizeof b, &d, &rows[i], 1);
            }
            fprintf(out, "  %-16s %-24s %s\n", s->variant_names[v], a,
                    s->n_variants > 1 ? b : "");
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
            agg->series, s->variant_names[0]);
    fprintf(out, "%-4s", "year");
    for (int v = 0; v < s->n_variants; v++) fprintf(out, " | %-18s", s->variant_names[v]);
    fputc('\n', out);
    for (int y = 0; y < s->n_years; y++) {
        fprintf(out, "%-4d", s->years ? s->years[y] : y);
        for (int v = 0; v < s->n_variants; v++) {
            res_stat st;
            char buf[64];
            if (v == 0) res_stat_of(s, (size_t)k, 0, y, 0, &st);
            else res_stat_diff(s, (size_t)k, v, 0, y, 0, &st);
            cell(buf, sizeof buf, &st, r, v > 0);
            fprintf(out, " | %-18s", buf);
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
    committee_table(out, s);
    for (size_t i = 0; i < N_ROWS; i++) year_table(out, s, &compare_aggs[i], &rows[i]);
}

static int narrow_enough(const res_stat *st, const row *r, double ref_mean,
                         double width)
{
    if (st->n < 2) return 0;
    if (!isfinite(st->mean)) return 1;        /* nothing to estimate */
    double w = st->ci_hi - st->ci_lo;
    return r->share ? w <= width : w <= width * fabs(ref_mean);
}

int compare_converged(const sim_record *s, double width)
{
    for (size_t i = 0; i < N_ROWS; i++) {
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
