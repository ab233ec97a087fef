/*
 * analysis/results.c - statistics across replicates of a record.
 *
 * Statistics skip replicates whose job is not done and values that are not
 * finite: a failed or unfinished job must not drag a mean towards zero, and a
 * series that is undefined in one replicate (0/0) should not poison the others.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "results.h"

void res_meta_clear(res_meta *meta)
{
    if (!meta) return;
    free(meta->program_version);
    free(meta->git_commit);
    free(meta->command_line);
    free(meta->plan_digest);
    free(meta->created);
    free(meta->scenario_path);
    free(meta->scenario_source);
    free(meta->resolved_config);
    memset(meta, 0, sizeof *meta);
}

/* ---- statistics ---------------------------------------------------------- */

static int args_valid(const sim_record *s, size_t k, int v, int y, int a)
{
    return s && k < s->n_series && v >= 0 && v < s->n_variants && y >= 0 &&
           y < s->n_years && a >= 0 && a < sim_record_width(s, k);
}

/* Replicate R counts for variant V (and, with REF >= 0, for the pair). */
static int pair_done(const sim_record *s, int v, int ref, int r)
{
    return sim_record_done(s, v, r) && (ref < 0 || sim_record_done(s, ref, r));
}

/* Finite values of (k, v, y, a) over done replicates into BUF; with REF >= 0
 * the paired differences v - ref over replicates done in both.  Returns the
 * count. */
static int gather(const sim_record *s, size_t k, int v, int ref, int y, int a,
                  double *buf)
{
    int n = 0;
    for (int r = 0; r < s->n_replicates; r++) {
        if (!pair_done(s, v, ref, r)) continue;
        double x = sim_record_get(s, k, v, r, y, a);
        if (ref >= 0) x -= sim_record_get(s, k, ref, r, y, a);
        if (isfinite(x)) buf[n++] = x;
    }
    return n;
}

/* Summary of N values; sorts X in place for the quantiles.  With no values
 * everything but n is NaN, so "no data" cannot be mistaken for a zero. */
void res_describe(double *x, int n, res_stat *out)
{
    out->n = n;
    if (n == 0) {
        out->mean = out->sd = out->ci_lo = out->ci_hi = NAN;
        out->p025 = out->p975 = NAN;
        return;
    }
    size_t un = (size_t)n;
    out->mean = gsl_stats_mean(x, 1, un);
    /* one value has no spread to estimate: NaN, not a false zero */
    out->sd = n > 1 ? gsl_stats_sd_m(x, 1, un, out->mean) : NAN;
    double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) *
                              out->sd / sqrt((double)n)
                        : NAN;
    out->ci_lo = out->mean - half;
    out->ci_hi = out->mean + half;
    gsl_sort(x, 1, un);
    out->p025 = gsl_stats_quantile_from_sorted_data(x, 1, un, 0.025);
    out->p975 = gsl_stats_quantile_from_sorted_data(x, 1, un, 0.975);
}

/* Shared body of res_stat_of (REF < 0) and res_stat_diff.  Invalid
 * arguments or an allocation failure give the empty summary (n = 0). */
static void stat_common(const sim_record *s, size_t k, int v, int ref, int y,
                        int a, res_stat *out)
{
    double *buf = NULL;
    int n = 0;
    if (args_valid(s, k, v, y, a) && (ref < 0 || ref < s->n_variants) &&
        (buf = malloc((size_t)s->n_replicates * sizeof *buf)))
        n = gather(s, k, v, ref, y, a, buf);
    res_describe(buf, n, out);
    free(buf);
}

void res_stat_of(const sim_record *s, size_t k, int v, int y, int a, res_stat *out)
{
    stat_common(s, k, v, -1, y, a, out);
}

void res_stat_diff(const sim_record *s, size_t k, int v, int ref, int y, int a,
                   res_stat *out)
{
    /* A negative REF means "no difference" to stat_common; make it out of
     * range instead so a bad REF gives the empty summary. */
    stat_common(s, k, v, ref < 0 ? INT_MAX : ref, y, a, out);
}

/* ---- horizon aggregates -------------------------------------------------- */

double res_aggregate(const sim_record *s, size_t k, res_agg_kind kind, int v, int r)
{
    if (kind == RES_AGG_LAST) return sim_record_get(s, k, v, r, s->n_years - 1, 0);
    double sum = 0, product = 1;
    int n = 0;
    for (int y = 0; y < s->n_years; y++) {
        double x = sim_record_get(s, k, v, r, y, 0);
        if (!isfinite(x)) continue;
        sum += x;
        product *= 1 + x;
        n++;
    }
    if (n == 0) return NAN;
    switch (kind) {
    case RES_AGG_SUM:      return sum;
    case RES_AGG_COMPOUND: return product - 1;
    default:               return sum / n;
    }
}

void res_stat_agg(const sim_record *s, size_t k, res_agg_kind kind, int v, int ref,
                  res_stat *out)
{
    double *buf = NULL;
    int n = 0;
    if (s && k < s->n_series && s->series[k].axis == SIM_AXIS_NONE && v >= 0 &&
        v < s->n_variants && ref < s->n_variants &&
        (buf = malloc((size_t)s->n_replicates * sizeof *buf)))
        for (int r = 0; r < s->n_replicates; r++) {
            if (!pair_done(s, v, ref, r)) continue;
            double x = res_aggregate(s, k, kind, v, r);
            if (ref >= 0) x -= res_aggregate(s, k, kind, ref, r);
            if (isfinite(x)) buf[n++] = x;
        }
    res_describe(buf, n, out);
    free(buf);
}
