/*
 * analysis/uncertainty.c - uncertainty about assumed parameters carried
 * into the comparison (probabilistic sensitivity analysis).
 *
 * Replicates are grouped by draw: replicate r runs under parameter draw
 * r / k (k = uncertainty.replicates_per_draw), and replicate r of every
 * variant is the same draw on the same random numbers, so a paired
 * difference carries the parameters' uncertainty as well as the noise.
 * Per draw d the difference's mean m_d estimates the difference at those
 * parameters; the spread of the replicates around m_d within draws is the
 * Monte Carlo noise, the spread of the m_d over draws is the parameters'
 * (plus a little noise, s_w^2 / k, which the parameters' share takes out).
 */
#include "uncertainty.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "analysis/compare.h"
#include "analysis/results.h"
#include "sim/record.h"
#include "sim/rng.h"

const char *const unc_kind_name[] = { "uniform", "triangular", "normal", "lognormal", "beta" };

/* The streams of the draws: purpose "PRIO", replicate slot = draw, entity =
 * prior.  Apart from every stream of the market (models/flow.h's RNG_*). */
#define RNG_PRIORS 0x5052494fu
/* The table's default bounds: "not given". */
#define UNBOUNDED 1e15

static double prior_real(const cfg *c, const char *name, const char *k)
{
    char key[CFG_KEY_MAX + 64];
    snprintf(key, sizeof key, "uncertainty.priors.%s.%s", name, k);
    return cfg_real(c, key);
}

static int prior_fail(const cfg *c, const char *name, const char *k, cfg_error *err,
                      const char *msg)
{
    char key[CFG_KEY_MAX + 64];
    snprintf(key, sizeof key, "uncertainty.priors.%s.%s", name, k);
    return cfg_fail(c, key, err, "%s", msg) - 1;
}

/* One draw of prior P from R. */
static double draw_one(const unc_prior *p, gsl_rng *r)
{
    double u;
    switch (p->kind) {
    case PRIOR_UNIFORM:
        return p->low + (p->high - p->low) * gsl_rng_uniform(r);
    case PRIOR_TRIANGULAR: {        /* inverse of the distribution function */
        u = gsl_rng_uniform(r);
        double w = p->high - p->low, f = (p->mode - p->low) / w;
        return u < f ? p->low + sqrt(u * w * (p->mode - p->low))
                     : p->high - sqrt((1 - u) * w * (p->high - p->mode));
    }
    case PRIOR_NORMAL:
        return p->mean + gsl_ran_gaussian(r, p->sd);
    case PRIOR_LOGNORMAL:
        return gsl_ran_lognormal(r, p->mean, p->sd);
    default:
        return p->low + (p->high - p->low) * gsl_ran_beta(r, p->a, p->b);
    }
}

/* Whether the scenario's key takes X (its range, whole numbers). */
static int takes(const cfg *c, const char *key, double x)
{
    cfg_error e = { 0 };
    cfg *t = cfg_with_numbers(c, &key, &x, 1, &e);
    cfg_free(t);
    return t != NULL;
}

static int read_prior(const cfg *c, const char *name, unc_prior *p, cfg_error *err)
{
    char key[CFG_KEY_MAX + 64];
    memset(p, 0, sizeof *p);
    p->name = name;
    snprintf(key, sizeof key, "uncertainty.priors.%s.key", name);
    p->key = cfg_text(c, key);
    if (!strncmp(p->key, "uncertainty.", 12) || !strncmp(p->key, "sweep.", 6) ||
        !strncmp(p->key, "run.", 4) || !strcmp(p->key, "outputs.long_wait_days"))
        return cfg_fail(c, key, err, "'%s' is not an assumption of the model: priors "
                        "are for its parameters", p->key) - 1;
    if (!takes(c, p->key, cfg_real(c, p->key)))
        return cfg_fail(c, key, err, "'%s' is not a number key of the scenario (placesim "
                        "reference lists them)", p->key) - 1;
    snprintf(key, sizeof key, "uncertainty.priors.%s.dist", name);
    const char *dist = cfg_text(c, key);
    for (int k = 0; k < 5; k++)
        if (!strcmp(dist, unc_kind_name[k])) p->kind = (unc_kind)k;
    /* each distribution's own parameters must be given, and no other */
    static const char *const need[5][3] = {
        { "low", "high", NULL }, { "low", "mode", "high" }, { "mean", "sd", NULL },
        { "mean", "sd", NULL }, { "a", "b", NULL },
    };
    static const char *const all[] = { "low", "high", "mode", "mean", "sd", "a", "b" };
    for (int q = 0; q < 3 && need[p->kind][q]; q++) {
        snprintf(key, sizeof key, "uncertainty.priors.%s.%s", name, need[p->kind][q]);
        if (!cfg_is_set(c, key)) {
            char msg[96];
            snprintf(msg, sizeof msg, "a %s prior wants %s", unc_kind_name[p->kind], need[p->kind][q]);
            return prior_fail(c, name, "dist", err, msg);
        }
    }
    for (size_t q = 0; q < sizeof all / sizeof *all; q++) {
        int wanted = !strcmp(all[q], "low") || !strcmp(all[q], "high");   /* truncation */
        for (int w = 0; w < 3 && need[p->kind][w]; w++) wanted |= !strcmp(need[p->kind][w], all[q]);
        snprintf(key, sizeof key, "uncertainty.priors.%s.%s", name, all[q]);
        if (!wanted && cfg_is_set(c, key)) {
            char msg[96];
            snprintf(msg, sizeof msg, "a %s prior has no %s", unc_kind_name[p->kind], all[q]);
            return prior_fail(c, name, all[q], err, msg);
        }
    }
    /* draws are never whole numbers */
    snprintf(key, sizeof key, "uncertainty.priors.%s.key", name);
    if (!takes(c, p->key, cfg_real(c, p->key) + 0.37) && !takes(c, p->key, cfg_real(c, p->key) - 0.37) &&
        takes(c, p->key, floor(cfg_real(c, p->key))))
        return cfg_fail(c, key, err, "'%s' takes whole numbers, and draws are not: give "
                        "priors to number keys", p->key) - 1;
    p->low = prior_real(c, name, "low");
    p->high = prior_real(c, name, "high");
    p->mode = prior_real(c, name, "mode");
    p->mean = prior_real(c, name, "mean");
    p->sd = prior_real(c, name, "sd");
    p->a = prior_real(c, name, "a");
    p->b = prior_real(c, name, "b");
    int bounded = p->kind == PRIOR_UNIFORM || p->kind == PRIOR_TRIANGULAR ||
                  p->kind == PRIOR_BETA;
    if (bounded && (p->low <= -UNBOUNDED || p->high >= UNBOUNDED))
        return prior_fail(c, name, "dist", err, "a uniform, triangular or beta prior "
                          "wants low and high");
    if ((bounded || p->low > -UNBOUNDED || p->high < UNBOUNDED) && !(p->low < p->high))
        return prior_fail(c, name, "high", err, "high must be above low");
    if (p->kind == PRIOR_TRIANGULAR && !(p->mode >= p->low && p->mode <= p->high))
        return prior_fail(c, name, "mode", err, "a triangular prior's mode lies from low to high");
    if ((p->kind == PRIOR_NORMAL || p->kind == PRIOR_LOGNORMAL) && !(p->sd > 0))
        return prior_fail(c, name, "sd", err, "a normal or lognormal prior wants sd above 0");
    if (bounded) {
        if (!takes(c, p->key, p->low))
            return prior_fail(c, name, "low", err, "outside the key's range");
        if (!takes(c, p->key, p->high))
            return prior_fail(c, name, "high", err, "outside the key's range");
    }
    return 0;
}

int unc_load(const cfg *c, int replicates, unc_design *u, cfg_error *err)
{
    memset(u, 0, sizeof *u);
    const char *names[UNC_MAX_PRIORS + 1];
    int n = cfg_names(c, "uncertainty.priors", names, UNC_MAX_PRIORS + 1);
    if (n == 0) return 0;
    if (n > UNC_MAX_PRIORS)
        return cfg_fail(c, "uncertainty.priors", err, "at most %d priors", UNC_MAX_PRIORS) - 1;
    u->per_draw = (int)cfg_int(c, "uncertainty.replicates_per_draw");
    u->seed = (uint64_t)cfg_int(c, "uncertainty.seed");
    if (replicates % u->per_draw)
        return cfg_fail(c, "uncertainty.replicates_per_draw", err, "%d replicates are not "
                        "whole draws of %d: give a multiple of %d (--replicates)", replicates,
                        u->per_draw, u->per_draw) - 1;
    u->draws = replicates / u->per_draw;
    for (int j = 0; j < n; j++)
        if (read_prior(c, names[j], &u->p[j], err)) return -1;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < j; i++)
            if (!strcmp(u->p[i].key, u->p[j].key)) {
                char key[CFG_KEY_MAX + 64];
                snprintf(key, sizeof key, "uncertainty.priors.%s.key", names[j]);
                return cfg_fail(c, key, err, "'%s' has a prior already ('%s')", u->p[j].key,
                                names[i]) - 1;
            }
    u->n = n;
    u->x = malloc((size_t)u->draws * (size_t)n * sizeof *u->x);
    if (!u->x) return cfg_fail(c, "uncertainty.priors", err, "out of memory") - 1;
    for (int d = 0; d < u->draws; d++)
        for (int j = 0; j < n; j++) {
            const unc_prior *p = &u->p[j];
            sim_rng s;
            sim_rng_init(&s, u->seed, (uint32_t)d, RNG_PRIORS, (uint64_t)j);
            double x = NAN;
            int tries = 0, ok = 0;
            /* truncation: draw again until the key (and low, high) take it */
            do {
                x = draw_one(p, &s.rng);
                ok = x >= p->low && x <= p->high && takes(c, p->key, x);
            } while (!ok && ++tries < 1000);
            if (!ok)
                return prior_fail(c, p->name, "dist", err, "1000 draws in a row fell outside "
                                  "the key's range (or low..high): the prior hardly meets it");
            u->x[(size_t)d * n + j] = x;
        }
    return 0;
}

void unc_free(unc_design *u)
{
    free(u->x);
    u->x = NULL;
    u->n = 0;
}

/* Replicate REP's horizon aggregate of series S in variant V less variant
 * 0's (variant 0 itself: its level). */
static double diff_of(const sim_record *rec, int s, res_agg_kind kind, int v, int rep)
{
    double a = res_aggregate(rec, (size_t)s, kind, v, rep);
    return v ? a - res_aggregate(rec, (size_t)s, kind, 0, rep) : a;
}

/* ---- results ------------------------------------------------------------- */

int unc_analyse(const unc_design *u, const sim_record *rec, unc_result *r)
{
    memset(r, 0, sizeof *r);
    int nr = (int)compare_n_rows, nv = rec->n_variants, D = u->draws, k = u->per_draw;
    if (rec->n_replicates != D * k) return -1;
    r->n_rows = nr;
    r->n_variants = nv;
    size_t cells = (size_t)nr * nv;
    double **all[] = { &r->mean, &r->mean_half, &r->mc_lo, &r->mc_hi, &r->par_lo, &r->par_hi,
                       &r->par_share };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (!(*all[i] = malloc(cells * sizeof(double)))) return -1;
    r->rho = malloc(cells * (size_t)u->n * sizeof *r->rho);
    double *m = malloc((size_t)D * sizeof *m), *col = malloc((size_t)D * sizeof *col),
           *work = malloc(2 * (size_t)D * sizeof *work), *sorted = malloc((size_t)D * sizeof *sorted);
    if (!r->rho || !m || !col || !work || !sorted) {
        free(m); free(col); free(work); free(sorted);
        return -1;
    }
    for (int i = 0; i < nr; i++) {
        int s = sim_record_series_index(rec, compare_rows[i].series);
        for (int v = 0; v < nv; v++) {
            size_t at = (size_t)i * nv + v;
            double *out[] = { &r->mean[at], &r->mean_half[at], &r->mc_lo[at], &r->mc_hi[at],
                              &r->par_lo[at], &r->par_hi[at], &r->par_share[at] };
            for (size_t q = 0; q < sizeof out / sizeof *out; q++) *out[q] = NAN;
            for (int j = 0; j < u->n; j++) r->rho[at * u->n + j] = NAN;
            if (s < 0) continue;
            /* the difference from variant 0 (variant 0 itself: its level) */
            double ssw = 0, total = 0;
            int ok = 1;
            for (int d = 0; d < D && ok; d++) {
                /* two passes over the draw's replicates, any number of them:
                 * its mean, then the squares about it */
                double sum = 0;
                for (int q = 0; q < k; q++) {
                    double y = diff_of(rec, s, compare_rows[i].kind, v, d * k + q);
                    if (!isfinite(y)) ok = 0;
                    sum += y;
                }
                m[d] = sum / k;
                for (int q = 0; ok && q < k; q++) {
                    double e = diff_of(rec, s, compare_rows[i].kind, v, d * k + q) - m[d];
                    ssw += e * e;
                }
                total += m[d];
            }
            if (!ok) continue;
            double M = total / D;
            r->mean[at] = M;
            /* Monte Carlo: the noise of the replicates within draws, which
             * one replicate per draw cannot tell from the parameters' */
            double s2w = NAN;
            if (k > 1) {
                int df = D * (k - 1);
                s2w = ssw / df;
                double half = gsl_cdf_tdist_Pinv(0.975, df) * sqrt(s2w / (D * k));
                r->mc_lo[at] = M - half;
                r->mc_hi[at] = M + half;
            }
            /* the parameters: the spread of the draws' means, 95 % of them */
            if (D > 1) {
                /* the mean over the priors: its precision counts the draws
                 * as the sample (draws + noise, D - 1 df) */
                r->mean_half[at] = gsl_cdf_tdist_Pinv(0.975, D - 1) *
                                   gsl_stats_sd(m, 1, (size_t)D) / sqrt(D);
                memcpy(sorted, m, (size_t)D * sizeof *m);
                gsl_sort(sorted, 1, (size_t)D);
                r->par_lo[at] = gsl_stats_quantile_from_sorted_data(sorted, 1, (size_t)D, 0.025);
                r->par_hi[at] = gsl_stats_quantile_from_sorted_data(sorted, 1, (size_t)D, 0.975);
                double vm = gsl_stats_variance(m, 1, (size_t)D), vp = vm - s2w / k;
                r->par_share[at] = k > 1 && vm > 0 ? (vp > 0 ? vp / vm : 0) : NAN;
            }
            for (int j = 0; D > 2 && j < u->n; j++) {
                for (int d = 0; d < D; d++) col[d] = u->x[(size_t)d * u->n + j];
                r->rho[at * u->n + j] = gsl_stats_spearman(col, 1, m, 1, (size_t)D, work);
            }
        }
    }
    free(m); free(col); free(work); free(sorted);
    return 0;
}

int unc_main_driver(const unc_design *u, const unc_result *r, size_t at)
{
    if (u->draws < 4 || !(r->par_share[at] >= 0.1)) return -1;
    /* the largest of n correlations is beyond chance only above the
     * Bonferroni bound: z(1 - 0.025 / n) / sqrt(D - 1) */
    double bound = gsl_cdf_ugaussian_Pinv(1 - 0.025 / u->n) / sqrt(u->draws - 1.0);
    int best = -1;
    for (int j = 0; j < u->n; j++) {
        double x = r->rho[at * u->n + j];
        if (isfinite(x) && (best < 0 || fabs(x) > fabs(r->rho[at * u->n + best]))) best = j;
    }
    return best >= 0 && fabs(r->rho[at * u->n + best]) >= bound ? best : -1;
}

void unc_print(FILE *f, const unc_design *u, const unc_result *r, const sim_record *rec)
{
    fprintf(f, "\nwith parameter uncertainty: %d draws of %d priors, %d replicates per draw "
            "(the table above treats the replicates as independent; here the draw is the unit)\n",
            u->draws, u->n, u->per_draw);
    fprintf(f, "difference from %s: the mean over the priors and its 95 %% interval (draws and "
            "noise); the replicates' noise\naround the mean of these draws (Monte Carlo, 95 %%); "
            "where 95 %% of the draws put it; the parameters' share of\nthe spread between draws "
            "(the rest is each draw's noise); and the prior that drives it, where one does beyond\n"
            "chance (Spearman over the draws, Bonferroni over the priors)\n",
            rec->variant_names ? rec->variant_names[0] : "variant 0");
    for (size_t i = 0; i < compare_n_rows; i++) {
        if (compare_rows[i].section != 0) continue;    /* the headline rows */
        fprintf(f, "\n%s\n", compare_rows[i].title);
        fprintf(f, "  %-16s %18s  %-22s %-22s %7s  %s\n", "variant", "mean (95 %)",
                "Monte Carlo 95 %", "parameters 95 %", "share", "main driver");
        double sc = compare_rows[i].scale;
        int dec = compare_rows[i].decimals;
        for (int v = 1; v < r->n_variants; v++) {
            size_t at = i * (size_t)r->n_variants + (size_t)v;
            char mc[64], par[64], drv[96] = "n/a";
            snprintf(mc, sizeof mc, "[%+.*f, %+.*f]", dec, r->mc_lo[at] * sc, dec, r->mc_hi[at] * sc);
            snprintf(par, sizeof par, "[%+.*f, %+.*f]", dec, r->par_lo[at] * sc, dec, r->par_hi[at] * sc);
            int best = unc_main_driver(u, r, at);
            if (best >= 0)
                snprintf(drv, sizeof drv, "%s (%+.2f)", u->p[best].name, r->rho[at * u->n + best]);
            else
                snprintf(drv, sizeof drv, "none beyond chance");
            char mean[64];
            snprintf(mean, sizeof mean, "%+.*f ±%.*f", dec, r->mean[at] * sc, dec,
                     r->mean_half[at] * sc);
            fprintf(f, "  %-16.16s %18s  %-22s %-22s %6.0f%%  %s\n",
                    rec->variant_names ? rec->variant_names[v] : "?", mean,
                    mc, par, 100 * r->par_share[at], drv);
        }
    }
}

static char *own(unc_result *r, const char *s)
{
    char **v = realloc(r->owned, (r->n_owned + 1) * sizeof *v);
    if (!v) return NULL;
    r->owned = v;
    return r->owned[r->n_owned++] = strdup(s);
}

static int add_extra(unc_result *r, const char *path, int rank, size_t d0, size_t d1,
                     const double *value, const char *const *text, const char *dims,
                     const char *doc)
{
    res_extra *v = realloc(r->extra, (r->n_extra + 1) * sizeof *v);
    if (!v) return -1;
    r->extra = v;
    res_extra *x = &r->extra[r->n_extra];
    memset(x, 0, sizeof *x);
    if (!(x->path = own(r, path))) return -1;
    x->rank = rank;
    x->dims[0] = d0;
    x->dims[1] = d1;
    x->value = value;
    x->text = text;
    x->dims_label = dims;
    x->doc = doc;
    r->n_extra++;
    return 0;
}

int unc_extras(const unc_design *u, unc_result *r)
{
    static const char *names[UNC_MAX_PRIORS], *keys[UNC_MAX_PRIORS], *dists[UNC_MAX_PRIORS];
    for (int j = 0; j < u->n; j++) {
        names[j] = u->p[j].name;
        keys[j] = u->p[j].key;
        dists[j] = unc_kind_name[u->p[j].kind];
    }
    size_t nv = (size_t)r->n_variants, n = (size_t)u->n;
    int rc = add_extra(r, "uncertainty/prior", 1, n, 0, NULL, names, "prior", "each prior's name") ||
             add_extra(r, "uncertainty/prior_key", 1, n, 0, NULL, keys, "prior", "the key each prior draws") ||
             add_extra(r, "uncertainty/prior_dist", 1, n, 0, NULL, dists, "prior", "its distribution") ||
             add_extra(r, "uncertainty/draw", 2, (size_t)u->draws, n, u->x, NULL, "draw, prior",
                       "the value of each prior in each draw (replicate r runs draw r / replicates_per_draw)");
    char path[256];
    for (size_t i = 0; rc == 0 && i < compare_n_rows; i++) {
        const char *s = compare_rows[i].series;
        struct { const char *name; const double *v; const char *doc; } f[] = {
            { "mean", r->mean, "mean paired difference from variant 0 (variant 0: its level)" },
            { "mean_half", r->mean_half, "half-width of the 95 % interval of the mean over the priors (the draws the unit, D - 1 df)" },
            { "mc_lo", r->mc_lo, "2.5 % end of the Monte Carlo interval (replicates within draws)" },
            { "mc_hi", r->mc_hi, "97.5 % end of the Monte Carlo interval" },
            { "param_lo", r->par_lo, "2.5 % quantile of the draws' mean differences" },
            { "param_hi", r->par_hi, "97.5 % quantile of the draws' mean differences" },
            { "param_share", r->par_share, "parameters' share of the variance of the draws' means (Monte Carlo part removed)" },
        };
        for (size_t q = 0; rc == 0 && q < sizeof f / sizeof *f; q++) {
            snprintf(path, sizeof path, "uncertainty/diff/%s/%s", s, f[q].name);
            rc = add_extra(r, path, 1, nv, 0, f[q].v + i * nv, NULL, "variant", f[q].doc);
        }
        snprintf(path, sizeof path, "uncertainty/diff/%s/rho", s);
        if (rc == 0)
            rc = add_extra(r, path, 2, nv, n, r->rho + i * nv * n, NULL, "variant, prior",
                           "Spearman rank correlation of each prior with the draws' mean difference");
    }
    return rc ? -1 : 0;
}

void unc_result_free(unc_result *r)
{
    double *all[] = { r->mean, r->mean_half, r->mc_lo, r->mc_hi, r->par_lo, r->par_hi,
                      r->par_share, r->rho };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
    for (size_t i = 0; i < r->n_owned; i++) free(r->owned[i]);
    free(r->owned);
    free(r->extra);
    memset(r, 0, sizeof *r);
}
