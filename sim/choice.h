/*
 * sim/choice.h - the best of many options scored with random taste.
 *
 * Owns: drawing argmax_i (score[i] + sd * z_i), the z_i independent
 * standard normals, exactly, while drawing far fewer than one normal per
 * option.  A discrete choice among dozens of alternatives (a random-utility
 * model with normal taste) is then a handful of draws, not dozens.
 * Knows nothing of what the options are.
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

#endif
