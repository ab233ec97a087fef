/*
 * sim/choice.h - the best of many options scored with random taste.
 *
 * Owns: drawing argmax_i (score[i] + sd * z_i), the z_i independent
 * standard normals, exactly, while drawing far fewer than one normal per
 * option, and - where the caller can bound a group of options' scores -
 * without even computing most of their scores.  A discrete choice among
 * dozens or thousands of alternatives (a random-utility model with normal
 * taste) then costs a handful of draws.
 *
 * A search is a running maximum B (start at -INFINITY) into which batches
 * of options are folded; any order of batches and options gives the same
 * law of the winner.  Knows nothing of what the options are.
 */
#ifndef SIM_CHOICE_H
#define SIM_CHOICE_H

#include <gsl/gsl_rng.h>

/*
 * Index of the option with the highest score + sd * z among SCORE[0..n),
 * n >= 1.  With sd <= 0, the first option with the highest score.  Draws
 * from R; the number of draws depends on the scores.
 */
int sim_choice_argmax(const double *score, int n, double sd, gsl_rng *r);

/* Fold SCORE[0..n) into the running maximum *B: the index of the option
 * that now holds it, or -1 if none of these beat *B.  sd > 0. */
int sim_choice_fold(const double *score, int n, double sd, double *B, gsl_rng *r);

/*
 * Fold options 0..n-1 whose scores are all at most UPPER but are computed
 * only on demand, by SCORE(CTX, j) (-INFINITY: j is not an option after
 * all).  Scores only the options thinning lands on: about n * Q((*B - UPPER)
 * / sd) of them.  Returns the index of the option that now holds *B, or -1.
 * sd > 0 and *B finite.
 */
int sim_choice_fold_bounded(int n, double upper, double sd, double *B,
                            double (*score)(void *ctx, int j), void *ctx,
                            gsl_rng *r);

/* The chance that an option scoring at most UPPER beats B. */
double sim_choice_chance(double B, double upper, double sd);

/* 1 when that chance is below 1/4 (without computing it): the batch is
 * better thinned (sim_choice_fold_bounded) than scored in full. */
int sim_choice_unlikely(double B, double upper, double sd);

/* An upper bound on the normal's upper tail Q(t) for t >= 0, cheaper
 * than Q and within 2 % of it for t from 1 to 30 (where thinning
 * uses it). */
double sim_choice_chance_bound(double t);

#endif
