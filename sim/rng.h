/*
 * sim/rng.h - random streams keyed by what they are for.
 *
 * Owns: a small-state GSL generator type (splitmix64 over a counter) and the
 * rule that turns (master seed, replicate, purpose, entity) into a stream.
 * Streams never depend on which thread or process draws from them, so any
 * executor gives the same bytes, and replicate r of every variant draws the
 * same numbers for the same purpose (common random numbers).
 *
 * Why a custom type: a citizen needs its own stream, and GSL's classic
 * generators carry kilobytes of state or 32-bit seeds (collisions among
 * millions of keyed streams).  This one is 16 bytes with a 64-bit key, and
 * plugs into every gsl_ran_* distribution through a normal gsl_rng.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct sim_rng_state {
    uint64_t key;      /* fixed for the stream's life */
    uint64_t counter;  /* draws so far */
} sim_rng_state;

/* A stream with its state inline: pass &s.rng to gsl_ran_* functions. */
typedef struct sim_rng {
    gsl_rng       rng;    /* rng.state points at .state below */
    sim_rng_state state;
} sim_rng;

extern const gsl_rng_type *sim_rng_splitmix;

/* Mix the four parts of a stream's identity into one 64-bit key. */
uint64_t sim_rng_key(uint64_t seed, uint32_t replicate, uint32_t purpose,
                     uint64_t entity);

/* Initialise S in place.  S must not be copied afterwards (self-pointer). */
void sim_rng_init(sim_rng *s, uint64_t seed, uint32_t replicate,
                  uint32_t purpose, uint64_t entity);

/* Point a stack gsl_rng at state kept elsewhere (e.g. inside a citizen). */
static inline gsl_rng sim_rng_view(sim_rng_state *st)
{
    gsl_rng r = { sim_rng_splitmix, st };
    return r;
}

/* The N-th sub-stream of the stream keyed KEY: independent of the stream
 * itself and of every other N, so that draws made for the N-th occasion
 * (e.g. a search) do not shift the stream's other draws. */
uint64_t sim_rng_subkey(uint64_t key, uint64_t n);

static inline void sim_rng_state_init(sim_rng_state *st, uint64_t key)
{
    st->key = key;
    st->counter = 0;
}

#endif
