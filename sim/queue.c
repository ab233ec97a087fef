/*
 * sim/queue.c - 4-ary heap.  Four children per node halve the depth of a
 * binary heap and keep siblings in one or two cache lines, which pays off in
 * sift-down, the expensive half of a pop.
 */
#include <stdlib.h>
#include "queue.h"

#define ARITY 4

static inline int before(const sim_event *x, const sim_event *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

int sim_queue_init(sim_queue *q, size_t initial_capacity)
{
    q->n = 0;
    q->next_seq = 0;
    q->cap = initial_capacity ? initial_capacity : 1024;
    q->heap = malloc(q->cap * sizeof *q->heap);
    return q->heap ? 0 : -1;
}

void sim_queue_free(sim_queue *q)
{
    free(q->heap);
    q->heap = NULL;
    q->n = q->cap = 0;
}

int sim_queue_push(sim_queue *q, double time, int32_t kind, int32_t a,
                   int32_t b, uint32_t tag)
{
    if (q->n == q->cap) {
        size_t cap = q->cap * 2;
        sim_event *h = realloc(q->heap, cap * sizeof *h);
        if (!h) return -1;
        q->heap = h;
        q->cap = cap;
    }
    sim_event e = { time, q->next_seq++, kind, a, b, tag };
    size_t i = q->n++;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &q->heap[parent])) break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
    return 0;
}

int sim_queue_pop(sim_queue *q, sim_event *out)
{
    if (q->n == 0) return -1;
    *out = q->heap[0];
    sim_event last = q->heap[--q->n];
    size_t i = 0, n = q->n;
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= n) break;
        size_t best = first, end = first + ARITY < n ? first + ARITY : n;
        for (size_t c = first + 1; c < end; c++)
            if (before(&q->heap[c], &q->heap[best])) best = c;
        if (!before(&q->heap[best], &last)) break;
        q->heap[i] = q->heap[best];
        i = best;
    }
    if (n) q->heap[i] = last;
    return 0;
}
