/*
 * sim/queue.h - the event queue: a small near heap in front of a two-level
 * calendar of time buckets.
 *
 * Owns: ordering 16-byte events by (time, kind, id, tag).  Ties at equal
 * times are broken by the event's own contents (so, for the market, by
 * kind and then by citizen slot), never by where it sits in the queue or
 * when it was pushed, so the order is the same on every platform, for
 * every bucket width, and whatever was pushed or popped before.
 *
 * Why not one heap: a simulation's queue holds many events far ahead (the
 * end of a stay years away) and pops only the next few.  One heap over all
 * of them walks megabytes on every pop.  Here only the events of the
 * current bucket live in a heap (kilobytes, in cache).  Every later event is
 * appended, unsorted, to its bucket: one of SIM_NEAR buckets of `width`
 * days, or beyond those one of SIM_FAR far buckets each spanning all the
 * near ones, or beyond those an overflow list.  A far bucket is emptied into
 * the near buckets when the clock reaches it; a near bucket becomes the heap
 * when the clock reaches it.  Each event is moved at most three times.  The
 * width adapts so that a bucket holds a few dozen events (16 to 256: a
 * heap that small is a few cache lines deep).
 *
 * Storage grows by doubling and is reused: in steady state a push or pop
 * allocates nothing.  Knows nothing of what the kinds mean.
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* key = kind (high SIM_KIND_BITS) | id (32 bits) | tag (low SIM_TAG_BITS) */
#define SIM_KIND_BITS 4
#define SIM_KINDS_MAX (1 << SIM_KIND_BITS)
#define SIM_TAG_BITS  28
#define SIM_TAG_MASK  ((1u << SIM_TAG_BITS) - 1)

typedef struct sim_event {
    double   time;   /* >= 0 and finite */
    uint64_t key;    /* kind, id and tag packed; also the tie-breaker */
} sim_event;

static inline sim_event sim_event_make(double time, int kind, uint32_t id,
                                       uint32_t tag)
{
    sim_event e = { time, (uint64_t)(unsigned)kind << (64 - SIM_KIND_BITS) |
                          (uint64_t)id << SIM_TAG_BITS | (tag & SIM_TAG_MASK) };
    return e;
}
static inline int sim_event_kind(const sim_event *e)
{
    return (int)(e->key >> (64 - SIM_KIND_BITS));
}
static inline uint32_t sim_event_id(const sim_event *e)
{
    return (uint32_t)(e->key >> SIM_TAG_BITS);
}
/* Only the low SIM_TAG_BITS of a tag are kept: compare with sim_tag(x). */
static inline uint32_t sim_event_tag(const sim_event *e)
{
    return (uint32_t)e->key & SIM_TAG_MASK;
}
static inline uint32_t sim_tag(uint32_t x) { return x & SIM_TAG_MASK; }

#define SIM_NEAR 1024   /* near buckets: powers of two */
#define SIM_FAR  256

typedef struct sim_bucket {
    sim_event *ev;
    uint32_t   n, cap;
} sim_bucket;

typedef struct sim_queue {
    sim_event  *heap_mem, *heap;  /* heap = heap_mem + 3: siblings share a line */
    size_t      n_heap, cap_heap;
    sim_bucket  near[SIM_NEAR], far[SIM_FAR], overflow;
    size_t      in_near, in_far;
    uint64_t    overflow_min;     /* smallest bucket index in overflow */
    uint64_t    cur;              /* bucket index the heap holds */
    double      width, inv_width; /* time per near bucket */
    double      last;             /* time of the last pop */
    size_t      n;                /* events held */
    uint32_t    loads, loaded, skipped;   /* for adapting the width */
    int         oom;              /* an internal move ran out of memory */
} sim_queue;

/* WIDTH_HINT: time per bucket to start with (a few dozen times the mean
 * time between events); 0 picks 1.  0, or -1 when out of memory. */
int  sim_queue_init(sim_queue *q, double width_hint);
void sim_queue_free(sim_queue *q);
/* Push E; e.time must be >= the last popped time.  0, or -1 out of memory. */
int  sim_queue_push(sim_queue *q, sim_event e);
/* Remove the earliest event into *out; 0, or -1 when empty (or when an
 * internal move ran out of memory: then q->oom is set). */
int  sim_queue_pop(sim_queue *q, sim_event *out);
/* The earliest event into *out if its time is <= UNTIL: 1 when one was
 * removed, 0 when the queue is empty or its earliest event is later, -1
 * when an internal move ran out of memory (q->oom set).  One call per
 * event for a loop that runs to a time. */
int  sim_queue_pop_until(sim_queue *q, double until, sim_event *out);
static inline size_t sim_queue_size(const sim_queue *q) { return q->n; }
/* The heap's arity (queue.c's layout: the children of node i are
 * ARITY i + 1 .. ARITY i + ARITY). */
#define SIM_HEAP_ARITY 4
/* After the earliest event, the next one if the heap holds it, else NULL
 * (a hint for prefetching: the heap holds the current bucket only). */
static inline const sim_event *sim_queue_second(const sim_queue *q)
{
    if (q->n_heap < 2) return NULL;
    size_t end = q->n_heap < SIM_HEAP_ARITY + 1 ? q->n_heap : SIM_HEAP_ARITY + 1;
    const sim_event *h = q->heap, *best = &h[1];
    for (size_t c = 2; c < end; c++)
        if (h[c].time < best->time || (h[c].time == best->time && h[c].key < best->key))
            best = &h[c];
    return best;
}
/* The earliest event without removing it, or NULL when empty (may move
 * events between levels, hence not const). */
const sim_event *sim_queue_peek(sim_queue *q);

#endif
