/*
 * sim/choice.c - exact argmax under normal taste, by thinning.
 *
 * Going through the options in any fixed order, the argmax needs only
 * whether each option beats the best so far, B (probability Q((B - d) / sd),
 * Q the normal's upper tail), and if it does, its value (the normal's tail
 * above B).  An option's value is never needed otherwise.
 *
 * The options are taken in bands of one sd below the top score.  The top
 * band gets a full draw each (a draw is cheaper than Q).  In each lower
 * band the chance of beating B is at most qmax = Q((B - band's top) / sd),
 * since B only grows; the options that do are found by thinning a
 * Bernoulli process: skip a geometric number of the band's options at rate
 * qmax, accept the one landed on with probability Q(t) / qmax.  Each option
 * thus beats B with exactly its own probability, independently of the
 * others, and a band two sd down costs a few per cent of a draw per option.
 * The order (bands, then index) depends on the scores only, never on draws.
 */
#include <assert.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "choice.h"

#define BANDS 6              /* 0..4 sd below the top, and the rest */

static inline int band_of(double top, double d, double inv_sd)
{
    double b = (top - d) * inv_sd;
    return b < BANDS - 1 ? (int)b : BANDS - 1;
}

/* Thin band K of the options: every option of it beats *B with its own
 * probability; *best and *B follow the winners. */
static void thin_band(const double *d, int n, double sd, double top, int k,
                      int members, double band_top, double *B, int *best,
                      gsl_rng *r)
{
    double inv_sd = 1 / sd;
    double qmax = gsl_cdf_ugaussian_Q((*B - band_top) * inv_sd);
    double log_miss = log1p(-qmax);      /* 0 when qmax is below 1e-16 */
    int i = 0, seen = 0;                 /* position; members passed */
    while (qmax > 0 && log_miss < 0) {
        /* members passed over before the next one landed on */
        double skip = qmax >= 1 ? 0 : floor(log(gsl_rng_uniform_pos(r)) / log_miss);
        if (!(skip < members - seen)) return;
        for (long left = (long)skip + 1; i < n; i++) {
            if (band_of(top, d[i], inv_sd) != k) continue;
            seen++;
            if (--left == 0) break;
        }
        assert(i < n);       /* skip < members - seen: it landed */
        double t = (*B - d[i]) * inv_sd;
        if (gsl_rng_uniform(r) * qmax < gsl_cdf_ugaussian_Q(t)) {
            double z;                     /* its taste, from the tail above t */
            if (t > 0) z = gsl_ran_gaussian_tail(r, t, 1.0);
            else do z = gsl_ran_gaussian_ziggurat(r, 1.0); while (z <= t);
            *B = d[i] + sd * z;
            *best = i;
        }
        i++;
    }
}

int sim_choice_argmax(const double *d, int n, double sd, gsl_rng *r)
{
    int best = 0;
    if (!(sd > 0)) {
        for (int i = 1; i < n; i++)
            if (d[i] > d[best]) best = i;
        return best;
    }
    double top = d[0], inv_sd = 1 / sd;
    for (int i = 1; i < n; i++) top = fmax(top, d[i]);
    int members[BANDS] = { 0 };
    double band_top[BANDS];
    for (int k = 0; k < BANDS; k++) band_top[k] = -INFINITY;
    double B = -INFINITY;
    for (int i = 0; i < n; i++) {
        int k = band_of(top, d[i], inv_sd);
        if (k > 0) {
            members[k]++;
            band_top[k] = fmax(band_top[k], d[i]);
            continue;
        }
        double u = d[i] + sd * gsl_ran_gaussian_ziggurat(r, 1.0);
        if (u > B) { B = u; best = i; }
    }
    for (int k = 1; k < BANDS; k++)
        if (members[k])
            thin_band(d, n, sd, top, k, members[k], band_top[k], &B, &best, r);
    return best;
}
