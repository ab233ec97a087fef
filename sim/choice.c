/*
 * sim/choice.c - exact argmax under normal taste, by thinning.
 *
 * Going through the options in any order, the argmax needs only whether
 * each option beats the best so far, B (probability Q((B - d) / sd), Q the
 * normal's upper tail), and if it does, its value (the normal's tail above
 * B).  An option's value is never needed otherwise.  Options within NEAR_SD
 * of the top score get a full draw each, which is cheaper than Q.  For the
 * far ones the chance of beating B is at most qmax = Q((B - far top) / sd),
 * since B only grows; the ones that do are found by thinning a Bernoulli
 * process: skip a geometric number of far options at rate qmax, accept the
 * one landed on with probability Q(t) / qmax.  Each far option thus beats B
 * with exactly its own probability, independently of the others.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "choice.h"

#define NEAR_SD 4.0

int sim_choice_argmax(const double *d, int n, double sd, gsl_rng *r)
{
    int best = 0;
    if (!(sd > 0)) {
        for (int i = 1; i < n; i++)
            if (d[i] > d[best]) best = i;
        return best;
    }
    double top = d[0];
    for (int i = 1; i < n; i++) top = fmax(top, d[i]);
    double cut = top - NEAR_SD * sd, B = -INFINITY, far_top = -INFINITY;
    int n_far = 0;
    for (int i = 0; i < n; i++) {
        if (d[i] < cut) { far_top = fmax(far_top, d[i]); n_far++; continue; }
        double u = d[i] + sd * gsl_ran_gaussian_ziggurat(r, 1.0);
        if (u > B) { B = u; best = i; }
    }
    if (n_far == 0) return best;
    double qmax = gsl_cdf_ugaussian_Q((B - far_top) / sd);
    double log_miss = log1p(-qmax);      /* 0 when qmax is below 1e-16 */
    int i = 0, seen = 0;                 /* position; far options passed */
    while (qmax > 0 && log_miss < 0) {
        /* far options passed over before the next one landed on */
        double skip = qmax >= 1 ? 0 : floor(log(gsl_rng_uniform_pos(r)) / log_miss);
        if (!(skip < n_far - seen)) break;
        for (long k = (long)skip + 1;; i++) {
            if (d[i] >= cut) continue;
            seen++;
            if (--k == 0) break;
        }
        double t = (B - d[i]) / sd;
        if (gsl_rng_uniform(r) * qmax < gsl_cdf_ugaussian_Q(t)) {
            double z;                     /* its taste, from the tail above t */
            if (t > 0) z = gsl_ran_gaussian_tail(r, t, 1.0);
            else do z = gsl_ran_gaussian_ziggurat(r, 1.0); while (z <= t);
            B = d[i] + sd * z;
            best = i;
        }
        i++;
    }
    return best;
}
