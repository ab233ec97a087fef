/*
 * sim/engine.h - the discrete-event loop.
 *
 * Owns: the clock, the event queue and the loop that pops the earliest
 * event, skips it if it is stale, and hands it to the handler the model
 * registered for its kind.  A model is a pointer the engine never looks
 * into and up to SIM_KINDS_MAX kinds, each with
 *   handle  what the event does (it may schedule more events);
 *   live    optional: 0 when the event was overtaken (its entity changed
 *           since it was scheduled).  Stale events are counted, not handled.
 *   prefetch  optional: called before the current event is handled for
 *           the next event (AHEAD 1) and the one after it (AHEAD 2), so
 *           that what they touch is in cache when their turn comes (an
 *           event touches one entity among many: without it every event
 *           starts with a cache miss).  At AHEAD 2 a hook asks for the
 *           entity; at AHEAD 1 the entity was usually asked for an event
 *           ago (not when the event was just pushed or its bucket just
 *           loaded) and may be read, to ask for what it points to.
 * The loop stops when the queue is empty, the next event is later than the
 * end time, or a handler calls sim_engine_stop (e.g. on an error).
 *
 * Knows nothing of markets, citizens or what a kind means: the market
 * model and the PHOLD benchmark model (tests/) run on the same loop.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdint.h>
#include "queue.h"

typedef void (*sim_handler)(void *model, const sim_event *e);
typedef int  (*sim_live_fn)(const void *model, const sim_event *e);
typedef void (*sim_prefetch_fn)(const void *model, const sim_event *e, int ahead);

typedef struct sim_kind {
    sim_handler     handle;
    sim_live_fn     live;
    sim_prefetch_fn prefetch;  /* optional: start loading what E will touch */
    const char     *name;      /* for messages and statistics */
} sim_kind;

typedef struct sim_engine {
    sim_queue  q;
    double     now;                /* time of the event being handled */
    void      *model;
    sim_kind   kind[SIM_KINDS_MAX];
    uint64_t   handled, stale;     /* events handled; stale events skipped */
    int        stopped;
    int        any_prefetch;       /* some kind has a prefetch hook */
    int        oom;                /* a push failed for want of memory */
} sim_engine;

/* WIDTH_HINT as for sim_queue_init.  0, or -1 when out of memory. */
int  sim_engine_init(sim_engine *e, void *model, double width_hint);
void sim_engine_free(sim_engine *e);
/* Register kind K (0 <= K < SIM_KINDS_MAX); LIVE may be NULL. */
void sim_engine_on(sim_engine *e, int k, const char *name, sim_handler handle,
                   sim_live_fn live);
/* Give kind K (registered) a prefetch hook. */
void sim_engine_prefetch(sim_engine *e, int k, sim_prefetch_fn prefetch);

/* Schedule kind K for entity ID at time T (>= now) with TAG (its low
 * SIM_TAG_BITS kept).  0, or -1 when out of memory (e->oom is set). */
static inline int sim_schedule(sim_engine *e, double t, int k, uint32_t id,
                               uint32_t tag)
{
    if (sim_queue_push(&e->q, sim_event_make(t, k, id, tag)) == 0) return 0;
    e->oom = 1;
    return -1;
}

/* Run until the queue is empty, the next event is later than UNTIL, or a
 * handler stops the engine.  Returns 0, or -1 when the queue ran out of
 * memory. */
int  sim_engine_run(sim_engine *e, double until);
static inline void sim_engine_stop(sim_engine *e) { e->stopped = 1; }

#endif
