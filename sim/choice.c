/*
 * sim/choice.c - exact argmax under normal taste, by thinning.
 *
 * Going through the options in any fixed order, the argmax needs only
 * whether each option beats the best so far, B (probability Q((B - d) / sd),
 * Q the normal's upper tail), and if it does, its value (the normal's tail
 * above B).  An option's value is never needed otherwise.
 *
 * Thinning: when every option of a group beats B with probability at most
 * qmax (true when their scores are at most some U: qmax = Q((B - U) / sd),
 * and B only grows), the ones that do are found by skipping a geometric
 * number of the group at rate qmax and accepting the one landed on with
 * probability Q(t) / qmax.  Each option thus beats B with exactly its own
 * probability, independently of the others, and only the options landed on
 * are looked at.
 *
 * A batch of known scores is taken in bands of one sd below its top score:
 * the top band gets a full draw each (a draw is cheaper than Q), each lower
 * band is thinned with its own top as the bound.  The order (bands, then
 * index) depends on the scores only, never on draws.
 */
#include <assert.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "choice.h"

#define BANDS 6              /* 0..4 sd below the top, and the rest */

double sim_choice_chance(double B, double upper, double sd)
{
    return gsl_cdf_ugaussian_Q((B - upper) / sd);
}

/* Q^-1(1/4), the normal's upper quartile, as the double nearest to it:
 * GSL's Q(t) is below 1/4 exactly when t is at least this (Q of it rounds
 * to just below 1/4; tests/test_engine.c checks the doubles around it), and
 * a comparison costs nothing beside Q itself. */
#define UPPER_QUARTILE 0.67448975019608171

int sim_choice_unlikely(double B, double upper, double sd)
{
    return (B - upper) / sd >= UPPER_QUARTILE;
}

/* An upper bound on Q(t), t >= 0, at a fraction of Q's cost: Sampford's
 * (1953) Q(t) < 4 phi(t) / (3t + sqrt(t^2 + 8)), widened by 1e-6 so that
 * rounding in either function cannot cross it (tests/test_engine.c checks
 * it against Q over the range where both are non-zero). */
double sim_choice_chance_bound(double t)
{
    assert(t >= 0);
    double phi = exp(-0.5 * t * t) * 0.39894228040143268;   /* 1/sqrt(2 pi) */
    return 4 * phi / (3 * t + sqrt(t * t + 8)) * (1 + 1e-6);
}

/* Option with score D beats *B (it was landed on with rate QMAX): accept
 * with probability Q(t) / qmax and draw its taste above t.  1 if it won. */
static int try_beat(double d, double qmax, double sd, double *B, gsl_rng *r)
{
    double t = (*B - d) / sd;
    if (!(gsl_rng_uniform(r) * qmax < gsl_cdf_ugaussian_Q(t))) return 0;
    double z;                            /* its taste, from the tail above t */
    if (t > 0) z = gsl_ran_gaussian_tail(r, t, 1.0);
    else do z = gsl_ran_gaussian_ziggurat(r, 1.0); while (z <= t);
    *B = d + sd * z;
    return 1;
}

/* Members passed over before the next one is landed on, at rate QMAX
 * (LOG_MISS = log(1 - qmax)); may be huge. */
static double geometric_skip(double qmax, double log_miss, gsl_rng *r)
{
    return qmax >= 1 ? 0 : floor(log(gsl_rng_uniform_pos(r)) / log_miss);
}

static inline int band_of(double top, double d, double inv_sd)
{
    double b = (top - d) * inv_sd;
    return b < BANDS - 1 ? (int)b : BANDS - 1;
}

/* Thin band K of the batch (MEMBERS options, all at most BAND_TOP). */
static int thin_band(const double *d, int n, double sd, double top, int k,
                     int members, double band_top, double *B, gsl_rng *r)
{
    double inv_sd = 1 / sd;
    double qmax = sim_choice_chance(*B, band_top, sd);
    double log_miss = log1p(-qmax);      /* 0 when qmax is below 1e-16 */
    int i = 0, seen = 0, best = -1;      /* position; members passed */
    while (qmax > 0 && log_miss < 0) {
        double skip = geometric_skip(qmax, log_miss, r);
        if (!(skip < members - seen)) break;
        for (long left = (long)skip + 1; i < n; i++) {
            if (band_of(top, d[i], inv_sd) != k) continue;
            seen++;
            if (--left == 0) break;
        }
        assert(i < n);       /* skip < members - seen: it landed */
        if (try_beat(d[i], qmax, sd, B, r)) best = i;
        i++;
    }
    return best;
}

int sim_choice_fold(const double *d, int n, double sd, double *B, gsl_rng *r)
{
    double top = d[0], inv_sd = 1 / sd;
    for (int i = 1; i < n; i++) top = fmax(top, d[i]);
    int members[BANDS] = { 0 }, best = -1;
    double band_top[BANDS];
    for (int k = 0; k < BANDS; k++) band_top[k] = -INFINITY;
    for (int i = 0; i < n; i++) {
        int k = band_of(top, d[i], inv_sd);
        if (k > 0) {
            members[k]++;
            band_top[k] = fmax(band_top[k], d[i]);
            continue;
        }
        double u = d[i] + sd * gsl_ran_gaussian_ziggurat(r, 1.0);
        if (u > *B) { *B = u; best = i; }
    }
    for (int k = 1; k < BANDS; k++)
        if (members[k]) {
            int b = thin_band(d, n, sd, top, k, members[k], band_top[k], B, r);
            if (b >= 0) best = b;
        }
    return best;
}

int sim_choice_argmax(const double *d, int n, double sd, gsl_rng *r)
{
    int best = 0;
    if (!(sd > 0)) {
        for (int i = 1; i < n; i++)
            if (d[i] > d[best]) best = i;
        return best;
    }
    double B = -INFINITY;
    return sim_choice_fold(d, n, sd, &B, r);
}

int sim_choice_fold_bounded(int n, double upper, double sd, double *B,
                            double (*score)(void *ctx, int j), void *ctx,
                            gsl_rng *r)
{
    double t = (*B - upper) / sd;
    /*
     * Usually the bound is so far below B that the first skip passes every
     * option.  That skip is floor(log(u) / log(1 - Q(t))) for a uniform u;
     * with a bound q >= Q(t) in place of Q(t) it can only be shorter, so
     * when even that one passes all n, Q(t) itself is not needed.  The
     * uniform is the one the exact skip would use, so the draws and the
     * outcome are those of the exact rule.
     */
    double first = NAN;                  /* log(u) of the first skip, if drawn */
    if (t > 1 && t < 30) {               /* where Q(t) is far from 0 and 1 */
        double q = sim_choice_chance_bound(t);
        if (q > 0 && q < 1) {
            first = log(gsl_rng_uniform_pos(r));
            if (first / log1p(-q) > n + 1.0) return -1;
        }
    }
    double qmax = gsl_cdf_ugaussian_Q(t);
    double log_miss = log1p(-qmax);
    int best = -1;
    for (double j = -1; qmax > 0 && log_miss < 0;) {
        if (!isnan(first)) {             /* the skip drawn above, exactly */
            j += floor(first / log_miss) + 1;
            first = NAN;
        } else {
            j += geometric_skip(qmax, log_miss, r) + 1;
        }
        if (!(j < n)) break;
        double d = score(ctx, (int)j);
        assert(d <= upper);
        if (d > -INFINITY && try_beat(d, qmax, sd, B, r)) best = (int)j;
    }
    return best;
}
