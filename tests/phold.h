/*
 * tests/phold.h - the PHOLD benchmark model, run two ways: on the engine
 * (sim/engine) and on a minimal binary-heap loop that knows nothing of the
 * engine.  tests/bench_phold.c times both; tests/test_phold.c checks that
 * both handle the same events in the same order.
 *
 * PHOLD: NLP logical processes (LPs), one pending event each.  Handling an
 * event at time t for LP i schedules one new event at t + 1 + Exp(1), for
 * LP i with probability 3/4 or else for a uniformly random other LP.  The
 * number of pending events therefore stays NLP, and the model does almost
 * nothing besides queueing: it measures the queue and the loop.  Every LP
 * counts the events it handled, as the smallest state an LP can have.
 *
 * Randomness: one xoroshiro128+ stream per model, inline, drawn in a fixed
 * order per event (remote?, then the other LP if remote, then the delay),
 * as the reference loop (phold_minimal.c, not in the project) does
 * with the same seed words.  The reference picks the remote LP among all
 * NLP, itself included; here it is one of the NLP - 1 others, as the issue
 * says, by a multiply instead of a division.  Both
 * loops pop events in (time, LP) order, so the same seed and end time give
 * the same draws, the same events and the same per-LP counts: the two
 * loops are checked against each other, not only timed.
 *
 * Everything here is static inline: each program that includes it gets
 * its own copy, and the minimal loop is compiled as one function, as a
 * hand-written minimal loop would be.
 */
#ifndef TESTS_PHOLD_H
#define TESTS_PHOLD_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sim/engine.h"

#define PHOLD_KIND   0       /* the model's only event kind */
#define PHOLD_REMOTE 0.25    /* share of events sent to another LP */

typedef struct phold {
    uint64_t    s[2];        /* xoroshiro128+ state */
    uint32_t    nlp;
    uint64_t   *count;       /* events handled per LP: the LPs' state */
    uint64_t    events;      /* events handled */
    int         trace;       /* fold every (time, LP) handled into sum */
    uint64_t    sum;
    sim_engine *eng;         /* set while running on the engine */
} phold;

/* ---- the model ------------------------------------------------------------ */

static inline uint64_t phold_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoroshiro128+ (Blackman and Vigna), the 24/16/37 variant. */
static inline uint64_t phold_next(phold *p)
{
    uint64_t s0 = p->s[0], s1 = p->s[1], r = s0 + s1;
    s1 ^= s0;
    p->s[0] = phold_rotl(s0, 24) ^ s1 ^ (s1 << 16);
    p->s[1] = phold_rotl(s1, 37);
    return r;
}

/* Uniform on [0, 1) from the top 53 bits. */
static inline double phold_u01(phold *p)
{
    return (double)(phold_next(p) >> 11) * 0x1.0p-53;
}

/* Exp(1) as -log(u), u uniform on (0, 1]: never log(0). */
static inline double phold_exp(phold *p)
{
    return -log((double)((phold_next(p) >> 11) + 1) * 0x1.0p-53);
}

/* Uniform on [0, n) by multiply and shift of the top 32 bits: no division,
 * and a bias of at most n / 2^32, far below what PHOLD can notice. */
static inline uint32_t phold_below(phold *p, uint32_t n)
{
    return (uint32_t)(((phold_next(p) >> 32) * (uint64_t)n) >> 32);
}

/* 0, or -1 when out of memory.  TRACE: keep the (time, LP) checksum. */
static inline int phold_init(phold *p, uint32_t nlp, uint64_t seed, int trace)
{
    memset(p, 0, sizeof *p);
    /* the reference's seed words; SEED varies them for other streams */
    p->s[0] = 0x9E3779B97F4A7C15ull ^ seed;
    p->s[1] = 0xD1B54A32D192ED03ull;
    p->nlp = nlp;
    p->trace = trace;
    p->count = calloc(nlp ? nlp : 1, sizeof *p->count);
    return p->count ? 0 : -1;
}

static inline void phold_free(phold *p)
{
    free(p->count);
    p->count = NULL;
}

/* Time of LP I's first event: 1 + Exp(1) from time 0.  Drawn for LP 0,
 * 1, ... in turn, by both loops. */
static inline double phold_first(phold *p)
{
    return 1.0 + phold_exp(p);
}

/* Handle the event at NOW for LP: count it, pick the LP of the next event
 * (*TO) and return its time. */
static inline double phold_step(phold *p, double now, uint32_t lp, uint32_t *to)
{
    p->events++;
    p->count[lp]++;
    if (p->trace) {
        /* order-sensitive: a swapped pair of events changes the sum */
        uint64_t bits;
        memcpy(&bits, &now, sizeof bits);
        p->sum = (p->sum ^ bits) * 0x100000001B3ull;
        p->sum = (p->sum ^ lp) * 0x9E3779B97F4A7C15ull;
    }
    uint32_t d = lp;
    if (phold_u01(p) < PHOLD_REMOTE) {
        /* another LP: skip LP itself by drawing among the NLP - 1 others */
        d = lp + 1 + phold_below(p, p->nlp - 1);
        if (d >= p->nlp) d -= p->nlp;
    }
    *to = d;
    return now + 1.0 + phold_exp(p);
}

/* ---- on the engine ---------------------------------------------------------- */

static inline void phold_on_event(void *model, const sim_event *e)
{
    phold *p = model;
    uint32_t to;
    double t = phold_step(p, e->time, sim_event_id(e), &to);
    sim_schedule(p->eng, t, PHOLD_KIND, to, 0);
}

/* Make ENG a PHOLD engine over P, with every LP's first event scheduled.
 * Width hint: the queue wants a bucket to hold a few dozen events.  Each
 * of the NLP chains advances by 2 on average per event, so NLP / 2 events
 * fall in a unit of time and 64 of them in 128 / NLP: that is the hint.
 * The queue adapts its width anyway; a good start only spares it the first
 * rebuilds.  No live function: PHOLD has no stale events.
 * 0, or -1 when out of memory. */
static inline int phold_engine_init(sim_engine *eng, phold *p)
{
    if (sim_engine_init(eng, p, 128.0 / (p->nlp ? p->nlp : 1))) return -1;
    sim_engine_on(eng, PHOLD_KIND, "phold", phold_on_event, NULL);
    p->eng = eng;
    for (uint32_t i = 0; i < p->nlp; i++)
        if (sim_schedule(eng, phold_first(p), PHOLD_KIND, i, 0)) return -1;
    return 0;
}

/* Handle every event at or before END (as sim_engine_run does). */
static inline int phold_engine_run(sim_engine *eng, double end)
{
    return sim_engine_run(eng, end);
}

/* ---- on a minimal binary heap ------------------------------------------------ */

/* 16 bytes, as the engine's: the time and the LP as the tie-breaker (the
 * engine's key for kind 0 and tag 0 orders as the LP does). */
typedef struct phold_ev {
    double   time;
    uint64_t key;
} phold_ev;

typedef struct phold_heap {
    phold_ev *h;
    size_t    n;
} phold_heap;

/* The engine's order (sim/queue.c's before()): time, then key.  Ties
 * almost never happen, but when they do both loops must take the same
 * event first, or the equivalence check would fail by chance. */
static inline int phold_ev_before(phold_ev a, phold_ev b)
{
    return a.time < b.time || (a.time == b.time && a.key < b.key);
}

/* Push and pop work on the caller's copies of the array and its size: the
 * events' uint64_t keys could otherwise alias a size_t in memory and force
 * the compiler to reload it after every store. */
static inline void phold_heap_push(phold_ev *h, size_t *n, phold_ev e)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!phold_ev_before(e, h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

/* The earliest event; the last one sifts down into the hole at the root. */
static inline phold_ev phold_heap_pop(phold_ev *h, size_t *n)
{
    phold_ev top = h[0], last = h[--*n];
    size_t m = *n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m) break;
        if (c + 1 < m && phold_ev_before(h[c + 1], h[c])) c++;
        if (!phold_ev_before(h[c], last)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

/* The heap holds NLP events at all times (each pop is followed by one
 * push), so it is allocated once.  0, or -1 when out of memory. */
static inline int phold_heap_init(phold_heap *q, phold *p)
{
    q->n = 0;
    q->h = malloc(((size_t)p->nlp + 1) * sizeof *q->h);
    if (!q->h) return -1;
    for (uint32_t i = 0; i < p->nlp; i++)
        phold_heap_push(q->h, &q->n, (phold_ev){ phold_first(p), i });
    return 0;
}

static inline void phold_heap_free(phold_heap *q)
{
    free(q->h);
    q->h = NULL;
}

/* Handle every event at or before END, as the engine does. */
static inline void phold_heap_run(phold_heap *q, phold *p, double end)
{
    phold_ev *h = q->h;
    size_t n = q->n;
    while (n && h[0].time <= end) {
        phold_ev e = phold_heap_pop(h, &n);
        uint32_t to;
        double t = phold_step(p, e.time, (uint32_t)e.key, &to);
        phold_heap_push(h, &n, (phold_ev){ t, to });
    }
    q->n = n;
}

#endif
