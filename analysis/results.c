/*
 * analysis/results.c - allocation of the result set and statistics across
 * replicates.
 *
 * Statistics skip replicates whose job is not done and values that are not
 * finite: a failed or unfinished job must not drag a mean towards zero, and a
 * KPI that is undefined in one replicate (0/0) should not poison the others.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "results.h"

/* A*B without wrapping; 0 when the product does not fit in size_t. */
static size_t mul_size(size_t a, size_t b)
{
    return (b != 0 && a > SIZE_MAX / b) ? 0 : a * b;
}

/* Number of doubles KPI K needs: variants * replicates * years * axis. */
static size_t kpi_len(const res_set *s, size_t k)
{
    size_t n = mul_size((size_t)s->n_variants, (size_t)s->n_replicates);
    n = mul_size(n, (size_t)s->n_years);
    return mul_size(n, (size_t)s->axis_len[s->kpi[k].axis]);
}

/* Copy the caller's axis lengths; NONE is always 1 so national KPIs share
 * the [year][axis] block layout with the others. */
static void set_axes(res_set *s, const int axis_len[RES_AXIS_COUNT])
{
    s->axis_len[RES_AXIS_NONE] = 1;
    for (int a = 1; a < RES_AXIS_COUNT; a++) {
        int len = axis_len ? axis_len[a] : 0;
        s->axis_len[a] = len > 0 ? len : 0;
    }
}

/* Every KPI needs a known axis of at least one item, or its block is empty. */
static int kpis_valid(const res_set *s)
{
    for (size_t k = 0; k < s->n_kpi; k++) {
        res_axis a = s->kpi[k].axis;
        if ((int)a < 0 || a >= RES_AXIS_COUNT || s->axis_len[a] < 1)
            return 0;
    }
    return 1;
}

static int alloc_data(res_set *s)
{
    if (s->n_kpi == 0) return 1;
    s->data = calloc(s->n_kpi, sizeof *s->data);
    if (!s->data) return 0;
    for (size_t k = 0; k < s->n_kpi; k++) {
        size_t n = kpi_len(s, k);
        if (n == 0) return 0;  /* overflow: sizes are all >= 1 here */
        s->data[k] = calloc(n, sizeof **s->data);
        if (!s->data[k]) return 0;
    }
    return 1;
}

size_t res_bytes(int n_variants, int n_replicates, int n_years,
                 const int axis_len[RES_AXIS_COUNT], const res_kpi *kpi,
                 size_t n_kpi)
{
    res_set s = { .n_variants = n_variants, .n_replicates = n_replicates,
                  .n_years = n_years, .kpi = kpi, .n_kpi = n_kpi };
    set_axes(&s, axis_len);
    size_t total = 0;
    for (size_t k = 0; k < n_kpi; k++) {
        size_t n = kpi_len(&s, k);
        if (n == 0 || n > SIZE_MAX / sizeof(double) ||
            total > SIZE_MAX - n * sizeof(double))
            return SIZE_MAX;
        total += n * sizeof(double);
    }
    return total;
}

res_set *res_create(int n_variants, int n_replicates, int n_years,
                    const int axis_len[RES_AXIS_COUNT],
                    const res_kpi *kpi, size_t n_kpi)
{
    if (n_variants < 1 || n_replicates < 1 || n_years < 1 || (n_kpi && !kpi))
        return NULL;
    res_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n_variants = n_variants;
    s->n_replicates = n_replicates;
    s->n_years = n_years;
    s->kpi = kpi;
    s->n_kpi = n_kpi;
    set_axes(s, axis_len);
    size_t jobs = mul_size((size_t)n_variants, (size_t)n_replicates);
    if (!kpis_valid(s) || !alloc_data(s) ||
        !(s->job_done = calloc(jobs, sizeof *s->job_done))) {
        res_free(s);
        return NULL;
    }
    return s;
}

static void free_strings(char **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

void res_free(res_set *s)
{
    if (!s) return;
    free_strings(s->variant_names, s->n_variants);
    free(s->years);
    for (int a = 0; a < RES_AXIS_COUNT; a++)
        free_strings(s->axis_labels[a], s->axis_len[a]);
    free(s->municipality_codes);
    if (s->data)
        for (size_t k = 0; k < s->n_kpi; k++) free(s->data[k]);
    free(s->data);
    free(s->job_done);
    free(s->program_version);
    free(s->git_commit);
    free(s->command_line);
    free(s->created);
    free(s->scenario_path);
    free(s->scenario_source);
    free(s->resolved_config);
    free(s);   /* kpi is borrowed from the model */
}

/* ---- statistics ---------------------------------------------------------- */

static double value_at(const res_set *s, size_t k, int v, int r, int y, int a)
{
    size_t len = (size_t)s->axis_len[s->kpi[k].axis];
    size_t job = (size_t)v * (size_t)s->n_replicates + (size_t)r;
    return s->data[k][(job * (size_t)s->n_years + (size_t)y) * len + (size_t)a];
}

static int job_done(const res_set *s, int v, int r)
{
    return s->job_done[(size_t)v * (size_t)s->n_replicates + (size_t)r] != 0;
}

static int args_valid(const res_set *s, size_t k, int v, int y, int a)
{
    return s && k < s->n_kpi && v >= 0 && v < s->n_variants && y >= 0 &&
           y < s->n_years && a >= 0 && a < s->axis_len[s->kpi[k].axis];
}

/* Finite values of (k, v, y, a) over done replicates into BUF; with REF >= 0
 * the paired differences v - ref over replicates done in both.  Returns the
 * count. */
static int gather(const res_set *s, size_t k, int v, int ref, int y, int a,
                  double *buf)
{
    int n = 0;
    for (int r = 0; r < s->n_replicates; r++) {
        if (!job_done(s, v, r) || (ref >= 0 && !job_done(s, ref, r)))
            continue;
        double x = value_at(s, k, v, r, y, a);
        if (ref >= 0) x -= value_at(s, k, ref, r, y, a);
        if (isfinite(x)) buf[n++] = x;
    }
    return n;
}

/* Summary of N values; sorts X in place for the quantiles.  With no values
 * everything but n is NaN, so "no data" cannot be mistaken for a zero. */
static void describe(double *x, int n, res_stat *out)
{
    out->n = n;
    if (n == 0) {
        out->mean = out->sd = out->ci_lo = out->ci_hi = NAN;
        out->p025 = out->p975 = NAN;
        return;
    }
    size_t un = (size_t)n;
    out->mean = gsl_stats_mean(x, 1, un);
    out->sd = n > 1 ? gsl_stats_sd_m(x, 1, un, out->mean) : 0.0;
    double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) *
                              out->sd / sqrt((double)n)
                        : 0.0;
    out->ci_lo = out->mean - half;
    out->ci_hi = out->mean + half;
    gsl_sort(x, 1, un);
    out->p025 = gsl_stats_quantile_from_sorted_data(x, 1, un, 0.025);
    out->p975 = gsl_stats_quantile_from_sorted_data(x, 1, un, 0.975);
}

/* Shared body of res_stat_of (REF < 0) and res_stat_diff.  Invalid
 * arguments or an allocation failure give the empty summary (n = 0). */
static void stat_common(const res_set *s, size_t k, int v, int ref, int y,
                        int a, res_stat *out)
{
    double *buf = NULL;
    int n = 0;
    if (args_valid(s, k, v, y, a) && (ref < 0 || ref < s->n_variants) &&
        (buf = malloc((size_t)s->n_replicates * sizeof *buf)))
        n = gather(s, k, v, ref, y, a, buf);
    describe(buf, n, out);
    free(buf);
}

void res_stat_of(const res_set *s, size_t k, int v, int y, int a, res_stat *out)
{
    stat_common(s, k, v, -1, y, a, out);
}

void res_stat_diff(const res_set *s, size_t k, int v, int ref, int y, int a,
                   res_stat *out)
{
    /* A negative REF means "no difference" to stat_common; make it out of
     * range instead so a bad REF gives the empty summary. */
    stat_common(s, k, v, ref < 0 ? INT_MAX : ref, y, a, out);
}

/* ---- horizon aggregates -------------------------------------------------- */

double res_aggregate(const res_set *s, size_t k, res_agg_kind kind, int v, int r)
{
    if (kind == RES_AGG_LAST) return value_at(s, k, v, r, s->n_years - 1, 0);
    double sum = 0, product = 1;
    int n = 0;
    for (int y = 0; y < s->n_years; y++) {
        double x = value_at(s, k, v, r, y, 0);
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

void res_stat_agg(const res_set *s, size_t k, res_agg_kind kind, int v, int ref,
                  res_stat *out)
{
    double *buf = NULL;
    int n = 0;
    if (s && k < s->n_kpi && s->kpi[k].axis == RES_AXIS_NONE && v >= 0 &&
        v < s->n_variants && ref < s->n_variants &&
        (buf = malloc((size_t)s->n_replicates * sizeof *buf)))
        for (int r = 0; r < s->n_replicates; r++) {
            if (!job_done(s, v, r) || (ref >= 0 && !job_done(s, ref, r))) continue;
            double x = res_aggregate(s, k, kind, v, r);
            if (ref >= 0) x -= res_aggregate(s, k, kind, ref, r);
            if (isfinite(x)) buf[n++] = x;
        }
    describe(buf, n, out);
    free(buf);
}

int res_kpi_index(const res_set *s, const char *name)
{
    for (size_t k = 0; k < s->n_kpi; k++)
        if (strcmp(s->kpi[k].name, name) == 0) return (int)k;
    return -1;
}

void res_truncate(res_set *s, int r)
{
    if (r >= s->n_replicates || r < 1) return;
    for (size_t k = 0; k < s->n_kpi; k++) {
        size_t block = (size_t)s->n_years * (size_t)s->axis_len[s->kpi[k].axis];
        for (int v = 0; v < s->n_variants; v++)
            memmove(s->data[k] + (size_t)v * (size_t)r * block,
                    s->data[k] + (size_t)v * (size_t)s->n_replicates * block,
                    (size_t)r * block * sizeof(double));
    }
    for (int v = 0; v < s->n_variants; v++)
        memmove(s->job_done + (size_t)v * (size_t)r,
                s->job_done + (size_t)v * (size_t)s->n_replicates, (size_t)r);
    s->n_replicates = r;
}
