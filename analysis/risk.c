/*
 * analysis/risk.c - drift risk tables.
 *
 * Cumulative drift compounds the yearly drifts of a replicate; its spread
 * across replicates (each a possible history, shocks included) is the risk.
 * The sources table sums each source's yearly share of drift: those sums
 * add up to the sum of yearly drifts, which is close to, not equal to, the
 * compounded figure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "risk.h"

static const char *const sources[] = {
    "drift_cost", "drift_occupancy", "drift_regrading", "drift_upcoding",
    "drift_addons", "drift_carry_over", "drift_markup", "drift_cap",
    "drift_tender_risk", "drift_standard_price", "drift_mismatch", "drift_pooled",
    "drift_recalibration",
};
#define N_SOURCES (sizeof sources / sizeof sources[0])

const res_agg risk_aggs[] = {
    { "price_drift", RES_AGG_COMPOUND },
    { "drift_cost", RES_AGG_SUM }, { "drift_occupancy", RES_AGG_SUM },
    { "drift_regrading", RES_AGG_SUM }, { "drift_upcoding", RES_AGG_SUM },
    { "drift_addons", RES_AGG_SUM }, { "drift_carry_over", RES_AGG_SUM },
    { "drift_markup", RES_AGG_SUM }, { "drift_cap", RES_AGG_SUM },
    { "drift_tender_risk", RES_AGG_SUM }, { "drift_standard_price", RES_AGG_SUM },
    { "drift_mismatch", RES_AGG_SUM }, { "drift_pooled", RES_AGG_SUM },
    { "drift_recalibration", RES_AGG_SUM }, { "drift_case_mix", RES_AGG_SUM },
};
const size_t risk_n_aggs = sizeof risk_aggs / sizeof risk_aggs[0];

/* Cumulative drift of every done replicate of variant V into X; count. */
static int cumulative(const sim_record *s, int k, int v, double *x)
{
    int n = 0;
    for (int r = 0; r < s->n_replicates; r++) {
        if (!sim_record_done(s, v, r)) continue;
        double c = res_aggregate(s, (size_t)k, RES_AGG_COMPOUND, v, r);
        if (isfinite(c)) x[n++] = c;
    }
    return n;
}

static double quantile(double *x, int n, double q)
{
    if (n == 0) return NAN;
    gsl_sort(x, 1, (size_t)n);
    return gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, q);
}

/* Yearly drifts of variant V (all replicates and years with a value): the
 * share above T, the share of replicates with any year above T, and the
 * 95th percentile. */
static void yearly(const sim_record *s, int k, int v, double t, double *share,
                   double *any, double *p95)
{
    size_t cap = (size_t)s->n_replicates * (size_t)s->n_years;
    double *x = malloc(cap * sizeof *x);
    int n = 0, above = 0, reps = 0, reps_above = 0;
    for (int r = 0; x && r < s->n_replicates; r++) {
        if (!sim_record_done(s, v, r)) continue;
        int hit = 0;
        for (int y = 0; y < s->n_years; y++) {
            double d = sim_record_get(s, (size_t)k, v, r, y, 0);
            if (!isfinite(d)) continue;
            x[n++] = d;
            above += d > t;
            hit |= d > t;
        }
        reps++;
        reps_above += hit;
    }
    *share = n ? (double)above / n : NAN;
    *any = reps ? (double)reps_above / reps : NAN;
    *p95 = x ? quantile(x, n, 0.95) : NAN;
    free(x);
}

const char *const risk_figure_name[RISK_N_FIGURES] = {
    "cumulative_drift_mean", "cumulative_drift_p05", "cumulative_drift_p50",
    "cumulative_drift_p95", "share_of_years_above", "share_of_replicates_any_year_above",
    "yearly_drift_p95",
};
const char *const risk_figure_doc[RISK_N_FIGURES] = {
    "cumulative price drift over the horizon (compounded yearly drifts), mean over replicates",
    "cumulative price drift, 5th percentile over replicates",
    "cumulative price drift, median over replicates",
    "cumulative price drift, 95th percentile over replicates",
    "share of replicate-years whose price drift exceeds the threshold",
    "share of replicates with at least one year above the threshold",
    "95th percentile of yearly price drift over replicates and years",
};

int risk_figures(const sim_record *s, int n_base, double t, double *out)
{
    int k = sim_record_series_index(s, "price_drift");
    double *x = malloc((size_t)s->n_replicates * sizeof *x);
    if (k < 0 || !x) { free(x); return -1; }
    for (int v = 0; v < n_base; v++) {
        int n = cumulative(s, k, v, x);
        double *f = out + (size_t)v * RISK_N_FIGURES;
        f[0] = n ? gsl_stats_mean(x, 1, (size_t)n) : NAN;
        f[1] = quantile(x, n, 0.05);
        f[2] = quantile(x, n, 0.5);
        f[3] = quantile(x, n, 0.95);
        yearly(s, k, v, t, &f[4], &f[5], &f[6]);
    }
    free(x);
    return 0;
}

static void risk_table(FILE *out, const sim_record *s, int n_base, double t)
{
    int k = sim_record_series_index(s, "price_drift");
    double *x = malloc((size_t)s->n_replicates * sizeof *x);
    if (k < 0 || !x) { free(x); return; }
    fprintf(out, "\nCumulative price drift %d-%d (%% beyond the cost index; %d replicates)"
            " and yearly drift above %.2f %%\n", s->years[0], s->years[s->n_years - 1],
            s->n_replicates, 100 * t);
    fprintf(out, "  %-16s %8s %8s %8s %8s | %11s %13s %10s\n", "variant", "mean",
            "5 %", "median", "95 %", "P(year > t)", "P(any year>t)", "year 95 %");
    for (int v = 0; v < n_base; v++) {
        int n = cumulative(s, k, v, x);
        double mean = n ? gsl_stats_mean(x, 1, (size_t)n) : NAN;
        double q05 = quantile(x, n, 0.05), q50 = quantile(x, n, 0.5),
               q95 = quantile(x, n, 0.95);
        double share, any, p95;
        yearly(s, k, v, t, &share, &any, &p95);
        fprintf(out, "  %-16s %8.2f %8.2f %8.2f %8.2f | %11.2f %13.2f %10.2f\n",
                s->variant_names[v], 100 * mean, 100 * q05, 100 * q50, 100 * q95,
                share, any, 100 * p95);
    }
    free(x);
}

static void sources_table(FILE *out, const sim_record *s, int n_base)
{
    fprintf(out, "\nSources of drift: each source's yearly shares summed over the years, "
            "mean over replicates (%% points); they add up to the summed yearly drift\n");
    fprintf(out, "  %-22s", "source");
    for (int v = 0; v < n_base; v++) fprintf(out, " %14s", s->variant_names[v]);
    fputc('\n', out);
    for (size_t i = 0; i <= N_SOURCES + 1; i++) {
        const char *name = i < N_SOURCES ? sources[i]
                         : i == N_SOURCES ? "price_drift" : "drift_case_mix";
        int k = sim_record_series_index(s, name);
        if (k < 0) continue;
        const char *label = i < N_SOURCES ? name + 6
                          : i == N_SOURCES ? "= total (summed)" : "(case mix, apart)";
        fprintf(out, "  %-22s", label);
        for (int v = 0; v < n_base; v++) {
            res_stat st;
            res_stat_agg(s, (size_t)k, RES_AGG_SUM, v, -1, &st);
            fprintf(out, " %14.3f", 100 * st.mean);
        }
        fputc('\n', out);
    }
}

void risk_report(FILE *out, const sim_record *s, int n_base, double threshold)
{
    risk_table(out, s, n_base, threshold);
    sources_table(out, s, n_base);
}

typedef struct effect { int i; double diff, half; } effect;

static int by_size(const void *a, const void *b)
{
    double x = fabs(((const effect *)a)->diff), y = fabs(((const effect *)b)->diff);
    return x < y ? 1 : x > y ? -1 : ((const effect *)a)->i - ((const effect *)b)->i;
}

void risk_sensitivity(FILE *out, const sim_record *s, int n_base,
                      const char *const *keys, const double *low,
                      const double *high, int n_keys)
{
    int k = sim_record_series_index(s, "price_drift");
    effect *e = calloc((size_t)n_keys, sizeof *e);
    if (k < 0 || !e) { free(e); return; }
    for (int i = 0; i < n_keys; i++) {
        res_stat st;
        int lo = n_base + 2 * i, hi = lo + 1;
        res_stat_agg(s, (size_t)k, RES_AGG_COMPOUND, hi, lo, &st);  /* paired */
        e[i] = (effect){ i, st.mean, st.ci_hi - st.mean };
    }
    qsort(e, (size_t)n_keys, sizeof *e, by_size);
    fprintf(out, "\nSensitivity of cumulative drift under %s, one parameter at a time "
            "(paired difference high - low, %% points, 95 %% interval)\n",
            s->variant_names[0]);
    fprintf(out, "  %-32s %10s %10s %10s %10s %16s\n", "parameter", "low", "high",
            "drift low", "drift high", "effect");
    for (int j = 0; j < n_keys; j++) {
        int i = e[j].i;
        res_stat a, b;
        res_stat_agg(s, (size_t)k, RES_AGG_COMPOUND, n_base + 2 * i, -1, &a);
        res_stat_agg(s, (size_t)k, RES_AGG_COMPOUND, n_base + 2 * i + 1, -1, &b);
        fprintf(out, "  %-32s %10.4g %10.4g %10.2f %10.2f %+9.2f ±%-5.2f\n", keys[i],
                low[i], high[i], 100 * a.mean, 100 * b.mean, 100 * e[j].diff,
                100 * e[j].half);
    }
    free(e);
}
