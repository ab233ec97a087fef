/*
 * analysis/sweep.c - designs over scenario numbers, and the sensitivity
 * indices of a result over them.
 *
 * The designs work in shares u in [0, 1] per factor and map them to values
 * last (sweep_value), so every design treats a log-spaced factor or a list
 * of values alike.  The indices read only the outputs in design order, so
 * they are tested on a function with known indices (Ishigami's, in
 * tests/test_sweep.c) exactly as they run on the market.
 */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "analysis/compare.h"
#include "analysis/results.h"
#include "sim/record.h"
#include "sim/rng.h"

const char *const sweep_kind_name[] = { "none", "grid", "lhs", "sobol", "morris" };

/* The design's streams (sim/rng: all 64 bits of sweep.seed count), apart
 * from the market's: purpose "SWEP", entity 0 the points, 1 the bootstrap,
 * 2 Sobol's digital shift. */
#define RNG_SWEEP 0x53574550u

/* Keys a point may not change: variants must share them to be compared
 * replicate by replicate (placesim.c's variants_comparable), and a sweep
 * cannot sweep itself. */
static const char *const fixed_keys[] = {
    "run.years", "run.start_year", "run.replicates", "run.seed",
    "outputs.long_wait_days",
};

double sweep_value(const sweep_factor *f, double u)
{
    if (u < 0) u = 0;
    if (u > 1) u = 1;
    if (f->n_values > 0) {
        int i = (int)floor(u * f->n_values);
        return f->values[i >= f->n_values ? f->n_values - 1 : i];
    }
    if (f->log) return exp(log(f->low) + u * (log(f->high) - log(f->low)));
    return f->low + u * (f->high - f->low);
}

/* ---- reading the section --------------------------------------------------- */

/* Fail on factor NAME's key K (e.g. "low") with the message of E. */
static int factor_fail(const cfg *c, const char *name, const char *k, cfg_error *err,
                       const char *fmt, const char *what)
{
    char key[CFG_KEY_MAX + 64];
    snprintf(key, sizeof key, "sweep.factors.%s.%s", name, k);
    return cfg_fail(c, key, err, fmt, what) - 1;
}

/* VALUE is one the factor's key may take (cfg_with_numbers says why not). */
static int value_ok(const cfg *c, const sweep_factor *f, double value, const char *where,
                    cfg_error *err)
{
    cfg_error e = { 0 };
    cfg *t = cfg_with_numbers(c, &f->key, &value, 1, &e);
    if (t) { cfg_free(t); return 0; }
    const char *why = strstr(e.message, "': ");
    why = why ? why + 3 : e.message;
    char msg[CFG_KEY_MAX + sizeof e.message + 8];
    if (strstr(why, "not a number of the scenario")) {   /* the key's fault, not the value's */
        snprintf(msg, sizeof msg, "'%s' is not a number key of the scenario (placesim "
                 "reference lists them)", f->key);
        return factor_fail(c, f->name, "key", err, "%s", msg);
    }
    if (strstr(why, "pattern ('*')") || strstr(why, "does not have")) {
        snprintf(msg, sizeof msg, "'%s' %s", f->key, why);
        return factor_fail(c, f->name, "key", err, "%s", msg);
    }
    if (strstr(why, "whole number") && f->n_values == 0) {
        snprintf(msg, sizeof msg, "'%s' takes whole numbers: give them as a list "
                 "(values: [...]) rather than low and high", f->key);
        return factor_fail(c, f->name, "key", err, "%s", msg);
    }
    return factor_fail(c, f->name, where, err, "%s", why);
}

static int read_factor(const cfg *c, const char *name, sweep_factor *f, cfg_error *err)
{
    char key[CFG_KEY_MAX + 64];
    memset(f, 0, sizeof *f);
    f->name = name;
    snprintf(key, sizeof key, "sweep.factors.%s.key", name);
    f->key = cfg_text(c, key);
    if (!strncmp(f->key, "sweep.", 6) || !strncmp(f->key, "variants.", 9))
        return cfg_fail(c, key, err, "'%s': a sweep sets the scenario's numbers, "
                        "not its own or a variant's", f->key) - 1;
    for (size_t i = 0; i < sizeof fixed_keys / sizeof *fixed_keys; i++)
        if (!strcmp(f->key, fixed_keys[i]))
            return cfg_fail(c, key, err, "'%s' shapes the plan every point shares "
                            "(years, replicates, seed, the long-wait measure); it "
                            "cannot be a factor", f->key) - 1;
    snprintf(key, sizeof key, "sweep.factors.%s.low", name);
    f->low = cfg_real(c, key);
    snprintf(key, sizeof key, "sweep.factors.%s.high", name);
    f->high = cfg_real(c, key);
    snprintf(key, sizeof key, "sweep.factors.%s.scale", name);
    f->log = !strcmp(cfg_text(c, key), "log");
    snprintf(key, sizeof key, "sweep.factors.%s.values", name);
    f->n_values = cfg_list(c, key, f->values, CFG_LIST_MAX);
    if (f->n_values == 0 && cfg_is_set(c, key))
        return cfg_fail(c, key, err, "an empty list: give the values, or low and high") - 1;
    char lk[CFG_KEY_MAX + 64], hk[CFG_KEY_MAX + 64];
    snprintf(lk, sizeof lk, "sweep.factors.%s.low", name);
    snprintf(hk, sizeof hk, "sweep.factors.%s.high", name);
    if (f->n_values > 0 && (cfg_is_set(c, lk) || cfg_is_set(c, hk)))
        return cfg_fail(c, key, err, "values or low and high, not both") - 1;
    if (f->n_values > 0) {
        for (int i = 0; i < f->n_values; i++)
            if (value_ok(c, f, f->values[i], "values", err)) return -1;
        return 0;
    }
    if (!(f->low < f->high))
        return factor_fail(c, name, "high", err, "%s", "high must be above low (or give values)");
    if (f->log && !(f->low > 0))
        return factor_fail(c, name, "low", err, "%s", "a log scale wants low above 0");
    if (value_ok(c, f, f->low, "low", err) || value_ok(c, f, f->high, "high", err) ||
        value_ok(c, f, f->low + (f->high - f->low) / 3, "low", err))   /* whole-number keys */
        return -1;
    return 0;
}

static int read_outputs(const cfg *c, const char *const *names, int n_names,
                        sweep_design *d, cfg_error *err)
{
    const char *text = cfg_text(c, "sweep.outputs");
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ", ");
        if (len > 0) {
            int found = -1;
            for (int i = 0; i < n_names; i++)
                if (strlen(names[i]) == len && !strncmp(names[i], p, len)) found = i;
            if (found < 0) {
                char word[64];
                snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), p);
                const char *near = cfg_nearest_word(word, names, n_names);
                return cfg_fail(c, "sweep.outputs", err, "'%s' is not a KPI with a horizon "
                                "aggregate%s%s%s", word, near ? " (did you mean '" : "",
                                near ? near : "", near ? "'?)" : "") - 1;
            }
            for (int o = 0; o < d->n_outputs; o++)
                if (!strcmp(d->output[o], names[found]))
                    return cfg_fail(c, "sweep.outputs", err, "'%s' is named twice",
                                    names[found]) - 1;
            if (d->n_outputs == SWEEP_MAX_OUTPUTS)
                return cfg_fail(c, "sweep.outputs", err, "at most %d outputs",
                                SWEEP_MAX_OUTPUTS) - 1;
            snprintf(d->output[d->n_outputs++], sizeof d->output[0], "%s", names[found]);
        }
        p += len;
        p += strspn(p, ", ");
    }
    if (d->n_outputs == 0)
        return cfg_fail(c, "sweep.outputs", err, "name at least one KPI") - 1;
    return 0;
}

/* ---- the designs ---------------------------------------------------------- */

/* -2: more than 100000 points. */
static int make_grid(sweep_design *d)
{
    long n = 1;
    int len[SWEEP_MAX_FACTORS];
    for (int j = 0; j < d->k; j++) {
        len[j] = d->f[j].n_values > 0 ? d->f[j].n_values : d->levels;
        n *= len[j];
        if (n > SWEEP_MAX_POINTS) return -2;
    }
    d->n_points = (int)n;
    d->u = malloc((size_t)n * (size_t)d->k * sizeof *d->u);
    if (!d->u) return -1;
    for (long i = 0; i < n; i++) {
        long rest = i;
        for (int j = d->k - 1; j >= 0; j--) {    /* the last factor runs fastest */
            int l = (int)(rest % len[j]);
            rest /= len[j];
            d->u[i * d->k + j] = len[j] == 1 ? 0 : (double)l / (len[j] - 1);
        }
    }
    return 0;
}

static int make_lhs(sweep_design *d, gsl_rng *r)
{
    int n = d->base;
    d->n_points = n;
    d->u = malloc((size_t)n * (size_t)d->k * sizeof *d->u);
    int *perm = malloc((size_t)n * sizeof *perm);
    if (!d->u || !perm) { free(perm); return -1; }
    for (int j = 0; j < d->k; j++) {
        for (int i = 0; i < n; i++) perm[i] = i;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof *perm);
        for (int i = 0; i < n; i++)
            d->u[(size_t)i * d->k + j] = (perm[i] + gsl_rng_uniform(r)) / n;
    }
    free(perm);
    return 0;
}

static int make_sobol(sweep_design *d)
{
    int k = d->k, n = d->base;
    d->n_points = n * (k + 2);
    d->u = malloc((size_t)d->n_points * (size_t)k * sizeof *d->u);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!d->u || !q) { if (q) gsl_qrng_free(q); return -1; }
    /* a random digital shift per coordinate (XOR of the 30 leading bits):
     * the points stay a net, and A and B no longer share the point
     * (0.5, ..., 0.5) nor the origin, which would add nothing */
    sim_rng sr;
    sim_rng_init(&sr, d->seed, 0, RNG_SWEEP, 2);
    for (int j = 0; j < 2 * k; j++) d->shift[j] = (uint32_t)(gsl_rng_get(&sr.rng) & 0x3fffffffu);
    double pt[2 * SWEEP_MAX_FACTORS];
    for (int i = 0; i < n; i++) {
        /* points 0 .. N-1 of the sequence: GSL's starts after the origin */
        if (i == 0) memset(pt, 0, sizeof pt);
        else gsl_qrng_get(q, pt);
        for (int j = 0; j < 2 * k; j++)
            pt[j] = (((uint32_t)(pt[j] * 1073741824.0) ^ d->shift[j]) + 0.5) / 1073741824.0;
        double *a = d->u + (size_t)i * k, *b = d->u + (size_t)(n + i) * k;
        for (int j = 0; j < k; j++) { a[j] = pt[j]; b[j] = pt[k + j]; }
        for (int j = 0; j < k; j++) {
            double *ab = d->u + (size_t)((2 + j) * n + i) * k;
            memcpy(ab, a, (size_t)k * sizeof *ab);
            ab[j] = b[j];
        }
    }
    gsl_qrng_free(q);
    return 0;
}

/* Morris' step on a grid of P levels. */
static double morris_delta(int p) { return p / (2.0 * (p - 1)); }

static int make_morris(sweep_design *d, gsl_rng *r)
{
    int k = d->k, p = d->levels;
    double delta = morris_delta(p);
    d->n_points = d->base * (k + 1);
    d->u = malloc((size_t)d->n_points * (size_t)k * sizeof *d->u);
    int order[SWEEP_MAX_FACTORS];
    if (!d->u) return -1;
    /* base levels l with l / (p - 1) + delta <= 1 */
    int top = 0;
    while ((top + 1) / (double)(p - 1) + delta <= 1 + 1e-12) top++;
    for (int t = 0; t < d->base; t++) {
        double *x = d->u + (size_t)t * (k + 1) * k;
        for (int j = 0; j < k; j++) x[j] = (double)gsl_rng_uniform_int(r, (unsigned long)top + 1) / (p - 1);
        for (int j = 0; j < k; j++) order[j] = j;
        gsl_ran_shuffle(r, order, (size_t)k, sizeof *order);
        for (int s = 0; s < k; s++) {
            double *next = x + (size_t)(s + 1) * k;
            memcpy(next, x + (size_t)s * k, (size_t)k * sizeof *next);
            next[order[s]] += delta;
        }
    }
    return 0;
}

int sweep_load(const cfg *c, const char *const *output_names, int n_output_names,
               sweep_design *d, cfg_error *err)
{
    memset(d, 0, sizeof *d);
    const char *kind = cfg_text(c, "sweep.design");
    for (int i = 0; i < 5; i++)
        if (!strcmp(kind, sweep_kind_name[i])) d->kind = (sweep_kind)i;
    const char *names[SWEEP_MAX_FACTORS + 1];
    int k = cfg_names(c, "sweep.factors", names, SWEEP_MAX_FACTORS + 1);
    if (d->kind == SWEEP_NONE) {
        if (k > 0) {
            char key[CFG_KEY_MAX + 64];   /* where the factors are: design is unset */
            snprintf(key, sizeof key, "sweep.factors.%s.key", names[0]);
            return cfg_fail(c, key, err, "factors are given but no design "
                            "(sweep.design: grid, lhs, sobol or morris)") - 1;
        }
        return 0;
    }
    if (k == 0) return cfg_fail(c, "sweep.design", err, "a design wants factors "
                                "(sweep.factors.NAME.key, low, high)") - 1;
    if (k > SWEEP_MAX_FACTORS) {
        char key[CFG_KEY_MAX + 64];
        snprintf(key, sizeof key, "sweep.factors.%s.key", names[SWEEP_MAX_FACTORS]);
        return cfg_fail(c, key, err, "at most %d factors (GSL's Sobol sequence has 40 "
                        "dimensions, two per factor)", SWEEP_MAX_FACTORS) - 1;
    }
    d->k = k;
    d->base = (int)cfg_int(c, "sweep.points");
    d->levels = (int)cfg_int(c, "sweep.levels");
    d->seed = (uint64_t)cfg_int(c, "sweep.seed");
    d->bootstrap = (int)cfg_int(c, "sweep.bootstrap");
    for (int j = 0; j < k; j++)
        if (read_factor(c, names[j], &d->f[j], err)) return -1;
    for (int j = 0; j < k; j++)
        for (int i = 0; i < j; i++)
            if (!strcmp(d->f[i].key, d->f[j].key)) {
                char key[CFG_KEY_MAX + 64];
                snprintf(key, sizeof key, "sweep.factors.%s.key", d->f[j].name);
                return cfg_fail(c, key, err, "'%s' is factor '%s' already", d->f[j].key,
                                d->f[i].name) - 1;
            }
    if (read_outputs(c, output_names, n_output_names, d, err)) return -1;
    long points = d->kind == SWEEP_SOBOL ? (long)d->base * (k + 2)
                : d->kind == SWEEP_MORRIS ? (long)d->base * (k + 1) : d->base;
    if (points > SWEEP_MAX_POINTS)
        return cfg_fail(c, "sweep.points", err, "%ld points: at most %d", points,
                        SWEEP_MAX_POINTS) - 1;
    if (d->kind == SWEEP_MORRIS && d->levels % 2)
        return cfg_fail(c, "sweep.levels", err, "morris wants an even number of levels: "
                        "its step p / (2 (p - 1)) is whole levels only then") - 1;
    for (int j = 0; d->kind == SWEEP_MORRIS && j < k; j++)
        if (d->f[j].n_values > 0 && d->f[j].n_values != d->levels) {
            char key[CFG_KEY_MAX + 64];
            snprintf(key, sizeof key, "sweep.factors.%s.values", d->f[j].name);
            return cfg_fail(c, key, err, "morris moves on a grid of sweep.levels (%d) "
                            "levels: a list of values must have as many", d->levels) - 1;
        }
    if (d->kind == SWEEP_SOBOL && d->base < 2)
        return cfg_fail(c, "sweep.points", err, "sobol wants at least 2 base rows") - 1;
    int rc = sweep_make(d);
    if (rc == -2)
        return cfg_fail(c, "sweep.design", err, "a grid of more than %d points; "
                        "use fewer levels or lhs", SWEEP_MAX_POINTS) - 1;
    if (rc) return cfg_fail(c, "sweep.design", err, "out of memory") - 1;
    return 0;
}

int sweep_make(sweep_design *d)
{
    int k = d->k;
    sim_rng sr;
    sim_rng_init(&sr, d->seed, 0, RNG_SWEEP, 0);
    gsl_rng *r = &sr.rng;
    int rc = d->kind == SWEEP_GRID ? make_grid(d)
           : d->kind == SWEEP_LHS ? make_lhs(d, r)
           : d->kind == SWEEP_SOBOL ? make_sobol(d) : make_morris(d, r);
    if (rc == 0) {
        d->x = malloc((size_t)d->n_points * (size_t)k * sizeof *d->x);
        if (!d->x) rc = -1;
        for (int i = 0; rc == 0 && i < d->n_points; i++)
            for (int j = 0; j < k; j++)
                d->x[(size_t)i * k + j] = sweep_value(&d->f[j], d->u[(size_t)i * k + j]);
    }
    if (rc) sweep_free(d);
    return rc;
}

void sweep_free(sweep_design *d)
{
    free(d->u);
    free(d->x);
    d->u = d->x = NULL;
    d->n_points = 0;
}

/* ---- indices -------------------------------------------------------------- */

/* First and total index of every factor over the base rows ROW[0..n). */
static int sobol_once(const sweep_design *d, const double *y, const int *row, int n,
                      double *first, double *total)
{
    int k = d->k, base = d->base;
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++) mean += y[row[i]] + y[base + row[i]];
    mean /= 2.0 * n;
    for (int i = 0; i < n; i++) {
        double a = y[row[i]] - mean, b = y[base + row[i]] - mean;
        var += a * a + b * b;
    }
    var /= 2.0 * n - 1;
    if (!(var > 0)) return -1;
    for (int j = 0; j < k; j++) {
        const double *ab = y + (size_t)(2 + j) * base;
        double s = 0, t = 0;
        /* centred on the estimated mean (a bias of order 1 / N): without
         * it the estimator's variance grows with the square of the mean */
        for (int i = 0; i < n; i++) {
            double fa = y[row[i]] - mean, fb = y[base + row[i]] - mean, fab = ab[row[i]] - mean;
            s += fb * (fab - fa);               /* Saltelli et al. 2010 */
            t += (fa - fab) * (fa - fab);       /* Jansen 1999 */
        }
        first[j] = s / n / var;
        total[j] = t / (2.0 * n) / var;
    }
    return 0;
}

int sweep_sobol(const sweep_design *d, const double *y, double *first, double *first_lo,
                double *first_hi, double *total, double *total_lo, double *total_hi)
{
    int k = d->k, n = d->base, nb = d->bootstrap;
    for (int j = 0; j < k; j++)
        first[j] = first_lo[j] = first_hi[j] = total[j] = total_lo[j] = total_hi[j] = NAN;
    int *row = malloc((size_t)n * sizeof *row);
    double *bf = malloc((size_t)nb * (size_t)k * sizeof *bf);
    double *bt = malloc((size_t)nb * (size_t)k * sizeof *bt);
    double *col = malloc((size_t)nb * sizeof *col);
    sim_rng sr;
    sim_rng_init(&sr, d->seed, 0, RNG_SWEEP, 1);
    gsl_rng *r = &sr.rng;
    int rc = row && bf && bt && col ? 0 : -1;
    if (rc == 0) {
        for (int i = 0; i < n; i++) row[i] = i;
        rc = sobol_once(d, y, row, n, first, total);
    }
    if (rc == 0) {
        int good = 0;
        for (int b = 0; b < nb; b++) {
            for (int i = 0; i < n; i++) row[i] = (int)gsl_rng_uniform_int(r, (unsigned long)n);
            if (sobol_once(d, y, row, n, bf + (size_t)good * k, bt + (size_t)good * k) == 0)
                good++;
        }
        for (int j = 0; good > 0 && j < k; j++) {
            double *lo[2] = { &first_lo[j], &total_lo[j] }, *hi[2] = { &first_hi[j], &total_hi[j] };
            const double *src[2] = { bf, bt };
            for (int w = 0; w < 2; w++) {
                for (int b = 0; b < good; b++) col[b] = src[w][(size_t)b * k + j];
                gsl_sort(col, 1, (size_t)good);
                *lo[w] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)good, 0.025);
                *hi[w] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)good, 0.975);
            }
        }
    }
    free(row);
    free(bf);
    free(bt);
    free(col);
    return rc;
}

void sweep_morris(const sweep_design *d, const double *y, double *mu, double *mu_star,
                  double *sigma)
{
    int k = d->k, r = d->base;
    double delta = morris_delta(d->levels);
    double *ee = malloc((size_t)r * (size_t)k * sizeof *ee);
    for (int j = 0; j < k; j++) mu[j] = mu_star[j] = sigma[j] = NAN;
    if (!ee) return;
    for (int t = 0; t < r; t++) {
        const double *u = d->u + (size_t)t * (k + 1) * k;
        const double *yt = y + (size_t)t * (k + 1);
        for (int s = 0; s < k; s++) {
            int j = 0;     /* the factor that moved between points s and s + 1 */
            while (j < k && u[(size_t)(s + 1) * k + j] == u[(size_t)s * k + j]) j++;
            ee[(size_t)j * r + t] = (yt[s + 1] - yt[s]) / delta;
        }
    }
    for (int j = 0; j < k; j++) {
        const double *e = ee + (size_t)j * r;
        double m = 0, ma = 0;
        for (int t = 0; t < r; t++) { m += e[t]; ma += fabs(e[t]); }
        mu[j] = m / r;
        mu_star[j] = ma / r;
        sigma[j] = r > 1 ? gsl_stats_sd(e, 1, (size_t)r) : NAN;
    }
    free(ee);
}

/* ---- results of a run ------------------------------------------------------ */

/* The horizon aggregate kind of compare's row for SERIES. */
static int agg_of(const char *series, res_agg_kind *kind)
{
    for (size_t i = 0; i < compare_n_aggs; i++)
        if (!strcmp(compare_aggs[i].series, series)) {
            *kind = compare_aggs[i].kind;
            return 0;
        }
    return -1;
}

int sweep_analyse(const sweep_design *d, const sim_record *rec, int n_base, sweep_result *r)
{
    memset(r, 0, sizeof *r);
    int no = d->n_outputs, P = d->n_points, k = d->k;
    r->n_outputs = no;
    r->n_base = n_base;
    r->n_points = P;
    r->k = k;
    size_t per_point = (size_t)no * n_base * P, per_factor = (size_t)no * n_base * k;
    r->mean = malloc(per_point * sizeof *r->mean);
    r->noise = malloc((size_t)no * n_base * sizeof *r->noise);
    if (!r->mean || !r->noise) return -1;
    double **want[] = { &r->first, &r->first_lo, &r->first_hi, &r->total, &r->total_lo,
                        &r->total_hi, &r->mu, &r->mu_star, &r->sigma, &r->rho };
    int from = d->kind == SWEEP_SOBOL ? 0 : d->kind == SWEEP_MORRIS ? 6 : 9;
    int to = d->kind == SWEEP_SOBOL ? 6 : d->kind == SWEEP_MORRIS ? 9 : 10;
    for (int i = from; i < to; i++)
        if (!(*want[i] = malloc(per_factor * sizeof(double)))) return -1;
    double *work = malloc(2 * (size_t)P * sizeof *work), *col = malloc((size_t)P * sizeof *col);
    if (!work || !col) { free(work); free(col); return -1; }
    for (int o = 0; o < no; o++) {
        int s = sim_record_series_index(rec, d->output[o]);
        res_agg_kind kind;
        if (s < 0 || agg_of(d->output[o], &kind)) { free(work); free(col); return -1; }
        for (int b = 0; b < n_base; b++) {
            double *y = r->mean + ((size_t)o * n_base + b) * P;
            for (int pt = 0; pt < P; pt++) {
                res_stat st;
                res_stat_agg(rec, (size_t)s, kind, b * P + pt, -1, &st);
                y[pt] = st.n > 0 ? st.mean : NAN;
            }
            /* the replicates' noise in the spread of the means between
             * points: sum over r of Var(y_r - ybar) / (R (R - 1) Var(ybar)) */
            int R = rec->n_replicates;
            double vy = P > 1 ? gsl_stats_variance(y, 1, (size_t)P) : NAN, ve = 0;
            for (int rep = 0; R > 1 && rep < R; rep++) {
                for (int pt = 0; pt < P; pt++)
                    col[pt] = res_aggregate(rec, (size_t)s, kind, b * P + pt, rep) - y[pt];
                ve += gsl_stats_variance(col, 1, (size_t)P);
            }
            r->noise[(size_t)o * n_base + b] = R > 1 && vy > 0 ? ve / ((double)R * (R - 1) * vy) : NAN;
            size_t at = ((size_t)o * n_base + b) * k;
            if (d->kind == SWEEP_SOBOL)
                sweep_sobol(d, y, r->first + at, r->first_lo + at, r->first_hi + at,
                            r->total + at, r->total_lo + at, r->total_hi + at);
            else if (d->kind == SWEEP_MORRIS)
                sweep_morris(d, y, r->mu + at, r->mu_star + at, r->sigma + at);
            else
                for (int j = 0; j < k; j++) {
                    for (int pt = 0; pt < P; pt++) col[pt] = d->x[(size_t)pt * k + j];
                    r->rho[at + j] = P > 2 ? gsl_stats_spearman(col, 1, y, 1, (size_t)P, work)
                                           : NAN;
                }
        }
    }
    free(work);
    free(col);
    return 0;
}

void sweep_print(FILE *f, const sweep_design *d, const sweep_result *r,
                 const char *const *base_names)
{
    fprintf(f, "\nsweep: %s design, %d factors, %d points (%s)\n",
            sweep_kind_name[d->kind], d->k, d->n_points,
            d->kind == SWEEP_SOBOL ? "first-order and total Sobol indices of the replicate "
                                     "mean, bootstrap 95 % intervals over the base rows"
            : d->kind == SWEEP_MORRIS ? "Morris: mu* and sigma of the elementary effects, "
                                        "per whole range of the factor"
            : "Spearman's rank correlation of each factor with the replicate mean");
    for (int o = 0; o < r->n_outputs; o++)
        for (int b = 0; b < r->n_base; b++) {
            double eta = r->noise[(size_t)o * r->n_base + b];
            fprintf(f, "\n%s%s%s\n", d->output[o], r->n_base > 1 ? ", " : "",
                    r->n_base > 1 ? base_names[b] : "");
            fprintf(f, "  replicates' noise in the spread between points: %.2f%s\n", eta,
                    eta > 0.1 ? "  (above 0.1: first-order indices are pulled down and "
                                "totals pushed up by noise; run more replicates)" : "");
            if (d->kind == SWEEP_SOBOL)
                fprintf(f, "  %-24s %-24s %-24s\n", "factor", "first order [95 %]", "total [95 %]");
            else if (d->kind == SWEEP_MORRIS)
                fprintf(f, "  %-24s %12s %12s %12s\n", "factor", "mu*", "mu", "sigma");
            else
                fprintf(f, "  %-24s %12s\n", "factor", "rank corr.");
            size_t at = ((size_t)o * r->n_base + b) * r->k;
            for (int j = 0; j < r->k; j++) {
                char a[64], t[64];
                if (d->kind == SWEEP_SOBOL) {
                    snprintf(a, sizeof a, "%.3f [%.3f, %.3f]", r->first[at + j],
                             r->first_lo[at + j], r->first_hi[at + j]);
                    snprintf(t, sizeof t, "%.3f [%.3f, %.3f]", r->total[at + j],
                             r->total_lo[at + j], r->total_hi[at + j]);
                    fprintf(f, "  %-24s %-24s %-24s\n", d->f[j].name, a, t);
                } else if (d->kind == SWEEP_MORRIS) {
                    fprintf(f, "  %-24s %12.4g %12.4g %12.4g\n", d->f[j].name,
                            r->mu_star[at + j], r->mu[at + j], r->sigma[at + j]);
                } else if (isfinite(r->rho[at + j])) {
                    fprintf(f, "  %-24s %12.3f\n", d->f[j].name, r->rho[at + j]);
                } else {
                    fprintf(f, "  %-24s %12s\n", d->f[j].name, "n/a");   /* < 3 points, or flat */
                }
            }
        }
}

/* Keep a copy of S in R (freed with it); the copy, or NULL. */
static char *own(sweep_result *r, const char *s)
{
    char **v = realloc(r->owned, (r->n_owned + 1) * sizeof *v);
    if (!v) return NULL;
    r->owned = v;
    return r->owned[r->n_owned++] = strdup(s);
}

static int add_extra(sweep_result *r, const char *path, int rank, size_t d0, size_t d1,
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

int sweep_extras(const sweep_design *d, sweep_result *r, const char *const *base_names)
{
    (void)base_names;
    static const char *kind_text[5][1] = { { "none" }, { "grid" }, { "lhs" }, { "sobol" }, { "morris" } };
    const char **names = r->factor_names = malloc((size_t)d->k * sizeof *names);
    const char **keys = r->factor_keys = malloc((size_t)d->k * sizeof *keys);
    if (!names || !keys) return -1;
    for (int j = 0; j < d->k; j++) { names[j] = own(r, d->f[j].name); keys[j] = own(r, d->f[j].key); }
    size_t P = (size_t)d->n_points, k = (size_t)d->k, no = (size_t)r->n_outputs, b = (size_t)r->n_base;
    int rc = add_extra(r, "sweep/design", 1, 1, 0, NULL, kind_text[d->kind], "", "the design: grid, lhs, sobol or morris") ||
             add_extra(r, "sweep/factor", 1, k, 0, NULL, names, "factor", "each factor's name") ||
             add_extra(r, "sweep/factor_key", 1, k, 0, NULL, keys, "factor", "the scenario key each factor sets") ||
             add_extra(r, "sweep/share", 2, P, k, d->u, NULL, "point, factor", "each point's place in each factor's range, 0 to 1") ||
             add_extra(r, "sweep/value", 2, P, k, d->x, NULL, "point, factor", "the value each point gives each factor's key");
    char path[256];
    for (size_t o = 0; rc == 0 && o < no; o++) {
        const char *out = d->output[o];
        snprintf(path, sizeof path, "sweep/mean/%s", out);
        rc = add_extra(r, path, 2, b, P, r->mean + o * b * P, NULL, "scenario variant, point",
                       "replicate mean of the output's horizon aggregate at each point");
        snprintf(path, sizeof path, "sweep/noise/%s", out);
        if (rc == 0)
            rc = add_extra(r, path, 1, b, 0, r->noise + o * b, NULL, "scenario variant",
                           "the replicates' noise share of the variance of the means between points");
        struct { const char *name; double *v; const char *doc; } idx[] = {
            { "sobol/%s/first", r->first, "first-order Sobol index (Saltelli 2010)" },
            { "sobol/%s/first_lo", r->first_lo, "2.5 % bootstrap percentile of the first-order index" },
            { "sobol/%s/first_hi", r->first_hi, "97.5 % bootstrap percentile of the first-order index" },
            { "sobol/%s/total", r->total, "total Sobol index (Jansen 1999)" },
            { "sobol/%s/total_lo", r->total_lo, "2.5 % bootstrap percentile of the total index" },
            { "sobol/%s/total_hi", r->total_hi, "97.5 % bootstrap percentile of the total index" },
            { "morris/%s/mu_star", r->mu_star, "Morris mu*: mean absolute elementary effect over the factor's whole range" },
            { "morris/%s/mu", r->mu, "Morris mu: mean elementary effect" },
            { "morris/%s/sigma", r->sigma, "Morris sigma: standard deviation of the elementary effects" },
            { "spearman/%s/rho", r->rho, "Spearman's rank correlation of the factor with the output over the points" },
        };
        for (size_t i = 0; rc == 0 && i < sizeof idx / sizeof *idx; i++) {
            if (!idx[i].v) continue;
            char name[64];
            snprintf(name, sizeof name, idx[i].name, out);
            snprintf(path, sizeof path, "sweep/%s", name);
            rc = add_extra(r, path, 2, b, k, idx[i].v + o * b * k, NULL, "scenario variant, factor",
                           idx[i].doc);
        }
    }
    return rc ? -1 : 0;
}

void sweep_result_free(sweep_result *r)
{
    double *all[] = { r->mean, r->noise, r->first, r->first_lo, r->first_hi, r->total, r->total_lo,
                      r->total_hi, r->mu, r->mu_star, r->sigma, r->rho };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
    for (size_t i = 0; i < r->n_owned; i++) free(r->owned[i]);
    free(r->owned);
    free(r->factor_names);
    free(r->factor_keys);
    free(r->extra);
    memset(r, 0, sizeof *r);
}
