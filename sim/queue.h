/*
 * sim/queue.h - the event queue: a 4-ary min-heap of small plain events.
 *
 * Owns: ordering events by (time, sequence).  The sequence number is assigned
 * at push, so events at equal times pop in the order they were scheduled:
 * deterministic whatever the platform's qsort or the heap's shape.
 * Storage grows by doubling and is reused; pushing allocates only when the
 * queue reaches a new high-water mark, never per event in steady state.
 * Knows nothing of what the kinds mean.
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_event {
    double   time;   /* days since the start of the run */
    uint64_t seq;    /* tie-breaker, set by sim_queue_push */
    int32_t  kind;   /* handler index, owned by the model */
    int32_t  a, b;   /* ids, meaning set by the kind */
    uint32_t tag;    /* e.g. a generation counter to detect stale events */
} sim_event;

typedef struct sim_queue {
    sim_event *heap;
    size_t     n, cap;
    uint64_t   next_seq;
} sim_queue;

int  sim_queue_init(sim_queue *q, size_t initial_capacity); /* 0 ok, -1 oom */
void sim_queue_free(sim_queue *q);
int  sim_queue_push(sim_queue *q, double time, int32_t kind, int32_t a,
                    int32_t b, uint32_t tag);               /* 0 ok, -1 oom */
/* Remove the earliest event into *out; returns 0, or -1 when empty. */
int  sim_queue_pop(sim_queue *q, sim_event *out);
static inline size_t sim_queue_size(const sim_queue *q) { return q->n; }
static inline const sim_event *sim_queue_peek(const sim_queue *q)
{
    return q->n ? &q->heap[0] : NULL;
}

#endif
