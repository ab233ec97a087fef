/*
 * sim/rng.c - splitmix64 as a GSL generator, and stream keys.
 *
 * Output i of a stream with key k is mix(k + (i+1) * golden), the splitmix64
 * sequence seeded with k.  Distinct keys give sequences at unrelated offsets of
 * the 2^64 Weyl sequence, so overlap between streams of realistic length is
 * negligible.  The full 64-bit output feeds get_double (53 bits); get returns
 * its upper 32 bits, and the type declares max = 2^32 - 1 accordingly.
 */
#include "rng.h"

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t next64(sim_rng_state *st)
{
    st->counter++;
    return mix64(st->key + st->counter * 0x9e3779b97f4a7c15ULL);
}

static void splitmix_set(void *vstate, unsigned long seed)
{
    sim_rng_state_init(vstate, mix64((uint64_t)seed));
}

static unsigned long splitmix_get(void *vstate)
{
    return (unsigned long)(next64(vstate) >> 32);
}

static double splitmix_get_double(void *vstate)
{
    /* 53 random bits in [0, 1); GSL distributions expect [0, 1). */
    return (double)(next64(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type splitmix_type = {
    "placesim-splitmix64", 0xffffffffUL, 0, sizeof(sim_rng_state),
    splitmix_set, splitmix_get, splitmix_get_double
};

const gsl_rng_type *sim_rng_splitmix = &splitmix_type;

uint64_t sim_rng_key(uint64_t seed, uint32_t replicate, uint32_t purpose,
                     uint64_t entity)
{
    /* Chain the parts through the mixer so that no two identities that
     * differ in one part can collide by arithmetic accident. */
    uint64_t k = mix64(seed ^ 0x5a17ce5eedULL);
    k = mix64(k ^ ((uint64_t)replicate << 32 | purpose));
    k = mix64(k ^ entity);
    return k;
}

uint64_t sim_rng_subkey(uint64_t key, uint64_t n)
{
    return mix64(mix64(key ^ 0x7a57e5ULL) + (n + 1) * 0x9e3779b97f4a7c15ULL);
}

void sim_rng_init(sim_rng *s, uint64_t seed, uint32_t replicate,
                  uint32_t purpose, uint64_t entity)
{
    sim_rng_state_init(&s->state, sim_rng_key(seed, replicate, purpose, entity));
    s->rng.type = sim_rng_splitmix;
    s->rng.state = &s->state;
}
