/*
 * sim/queue.c - near heap and two-level calendar (see queue.h).
 *
 * Bucket index of a time t is floor(t / width).  The queue keeps, with
 * cur the bucket index the heap stands for:
 *   heap          events with index <= cur
 *   near[i % N]   events with cur < index < cur + N         (N = SIM_NEAR)
 *   far[f % F]    events with index >= cur + N, index / N = f < cur / N + F
 *   overflow      the rest
 * Since floor(t / width) never decreases as t grows, every event in a
 * bucket is later than every event in the heap, and the heap's minimum is
 * the queue's.  When cur reaches a multiple of N, far bucket cur / N holds
 * exactly the indices [cur, cur + N) and moves into the near buckets.
 */
#include <assert.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include "queue.h"

#define NEAR_MASK (SIM_NEAR - 1)
#define FAR_MASK  (SIM_FAR - 1)
#define ARITY SIM_HEAP_ARITY
#define TARGET_PER_BUCKET 64.0

/* Times are >= 0 (push turns -0 into +0), and the bit patterns of
 * non-negative doubles order as the numbers do: integer compares, which
 * branch far more predictably than floating-point ones with a tie-break. */
static inline uint64_t time_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b;
}

static inline int before(const sim_event *x, const sim_event *y)
{
    uint64_t a = time_bits(x->time), b = time_bits(y->time);
    return a < b || (a == b && x->key < y->key);
}

static inline uint64_t bucket_of(const sim_queue *q, double t)
{
    double x = t * q->inv_width;
    if (!(x > 0)) return 0;
    return x < 9.0e18 ? (uint64_t)x : (uint64_t)9.0e18;
}

/* ---- storage ------------------------------------------------------------ */

static int bucket_append(sim_bucket *b, sim_event e)
{
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 16;
        if (cap < b->cap) return -1;            /* 2^32 events in one bucket */
        sim_event *ev = realloc(b->ev, (size_t)cap * sizeof *ev);
        if (!ev) return -1;
        b->ev = ev;
        b->cap = cap;
    }
    b->ev[b->n++] = e;
    return 0;
}

/* The heap array starts 3 events (48 bytes) into a 64-byte aligned block,
 * so the four children 4i+1..4i+4 of node i fill one cache line. */
static int heap_reserve(sim_queue *q, size_t need)
{
    if (need <= q->cap_heap) return 0;
    size_t cap = q->cap_heap ? q->cap_heap : 256;
    while (cap < need) cap *= 2;
    size_t bytes = (cap + 4) * sizeof(sim_event);
    bytes = (bytes + 63) / 64 * 64;
    sim_event *mem = aligned_alloc(64, bytes);
    if (!mem) return -1;
    if (q->n_heap) memcpy(mem + 3, q->heap, q->n_heap * sizeof *mem);
    free(q->heap_mem);
    q->heap_mem = mem;
    q->heap = mem + 3;
    q->cap_heap = cap;
    return 0;
}

static void sift_down(sim_event *h, size_t n, size_t i, sim_event x)
{
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= n) break;
        size_t best = first, end = first + ARITY < n ? first + ARITY : n;
        for (size_t c = first + 1; c < end; c++)
            if (before(&h[c], &h[best])) best = c;
        if (!before(&h[best], &x)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = x;
}

static int heap_push(sim_queue *q, sim_event e)
{
    if (q->n_heap == q->cap_heap && heap_reserve(q, q->n_heap + 1)) return -1;
    sim_event *h = q->heap;
    size_t i = q->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
    return 0;
}

/* ---- placing and moving events -------------------------------------------- */

/* Put E in the level its bucket index calls for (not counted in q->n). */
static int place(sim_queue *q, sim_event e)
{
    uint64_t idx = bucket_of(q, e.time);
    if (idx <= q->cur) return heap_push(q, e);
    if (idx - q->cur < SIM_NEAR) {
        if (bucket_append(&q->near[idx & NEAR_MASK], e)) return -1;
        q->in_near++;
        return 0;
    }
    uint64_t f = idx / SIM_NEAR;
    if (f - q->cur / SIM_NEAR < SIM_FAR) {
        if (bucket_append(&q->far[f & FAR_MASK], e)) return -1;
        q->in_far++;
        return 0;
    }
    if (bucket_append(&q->overflow, e)) return -1;
    if (idx < q->overflow_min) q->overflow_min = idx;
    return 0;
}

/* The clock reached far bucket F (cur == F * SIM_NEAR): bring overflow
 * events within the far span into far buckets, then far bucket F into the
 * near buckets. */
static int pull_far(sim_queue *q, uint64_t F)
{
    sim_bucket *o = &q->overflow;
    if (o->n && q->overflow_min / SIM_NEAR < F + SIM_FAR) {
        uint32_t keep = 0;
        uint64_t min = UINT64_MAX;
        for (uint32_t i = 0; i < o->n; i++) {
            sim_event e = o->ev[i];
            uint64_t idx = bucket_of(q, e.time), f = idx / SIM_NEAR;
            if (f < F + SIM_FAR) {
                if (bucket_append(&q->far[f & FAR_MASK], e)) return -1;
                q->in_far++;
            } else {
                o->ev[keep++] = e;
                if (idx < min) min = idx;
            }
        }
        o->n = keep;
        q->overflow_min = min;
    }
    sim_bucket *b = &q->far[F & FAR_MASK];
    for (uint32_t i = 0; i < b->n; i++) {
        uint64_t idx = bucket_of(q, b->ev[i].time);
        assert(idx / SIM_NEAR == F);
        if (bucket_append(&q->near[idx & NEAR_MASK], b->ev[i])) return -1;
        q->in_near++;
    }
    q->in_far -= b->n;
    b->n = 0;
    return 0;
}

/* Rebuild everything at a new width (rare: the density of events changed). */
static int set_width(sim_queue *q, double width)
{
    size_t n = q->n;
    sim_event *all = malloc((n ? n : 1) * sizeof *all), *p = all;
    if (!all) return -1;
    if (q->n_heap) memcpy(p, q->heap, q->n_heap * sizeof *p);
    p += q->n_heap;
    q->n_heap = 0;
    /* a bucket never used has no storage: memcpy from NULL is undefined
     * even for no bytes */
    for (int i = 0; i < SIM_NEAR; i++) {
        if (q->near[i].n) memcpy(p, q->near[i].ev, q->near[i].n * sizeof *p);
        p += q->near[i].n;
        q->near[i].n = 0;
    }
    for (int i = 0; i < SIM_FAR; i++) {
        if (q->far[i].n) memcpy(p, q->far[i].ev, q->far[i].n * sizeof *p);
        p += q->far[i].n;
        q->far[i].n = 0;
    }
    if (q->overflow.n) memcpy(p, q->overflow.ev, q->overflow.n * sizeof *p);
    p += q->overflow.n;
    q->overflow.n = 0;
    assert((size_t)(p - all) == n);
    q->in_near = q->in_far = 0;
    q->overflow_min = UINT64_MAX;
    q->width = width;
    q->inv_width = 1 / width;
    q->cur = bucket_of(q, q->last);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) rc = place(q, all[i]);
    free(all);
    return rc;
}

/* After a bucket load: every 64 loads, aim at TARGET_PER_BUCKET events per
 * bucket step, within a factor of 4 either way before acting. */
static int adapt(sim_queue *q)
{
    if (q->loads < 64) return 0;
    double per_step = (double)q->loaded / (q->loads + q->skipped);
    q->loads = q->loaded = q->skipped = 0;
    if (per_step <= 4 * TARGET_PER_BUCKET && per_step >= TARGET_PER_BUCKET / 4)
        return 0;
    double factor = TARGET_PER_BUCKET / (per_step > 1e-3 ? per_step : 1e-3);
    if (factor > 64) factor = 64;
    if (factor < 1.0 / 64) factor = 1.0 / 64;
    double w = q->width * factor;
    if (!(w > 1e-12 && w < 1e12)) return 0;
    return set_width(q, w);
}

/* The heap is empty and the queue is not: move the clock to the next
 * non-empty near bucket and make it the heap. */
static int refill(sim_queue *q)
{
    while (q->n_heap == 0) {
        if (q->in_near == 0) {
            /* nothing near: jump to the next far bucket that holds events */
            uint64_t F;
            if (q->in_far == 0) {
                assert(q->overflow.n > 0);
                F = q->overflow_min / SIM_NEAR;
            } else {
                F = q->cur / SIM_NEAR + 1;
                while (q->far[F & FAR_MASK].n == 0) F++;
            }
            q->cur = F * SIM_NEAR - 1;
        }
        q->cur++;
        if ((q->cur & NEAR_MASK) == 0 && pull_far(q, q->cur / SIM_NEAR)) return -1;
        sim_bucket *b = &q->near[q->cur & NEAR_MASK];
        if (b->n == 0) { q->skipped++; continue; }
        if (heap_reserve(q, b->n)) return -1;
        memcpy(q->heap, b->ev, b->n * sizeof *b->ev);
        q->n_heap = b->n;
        q->in_near -= b->n;
        q->loads++;
        q->loaded += b->n;
        b->n = 0;
        /* Floyd's heap construction: linear in the bucket's size */
        for (size_t i = (q->n_heap - 2 + ARITY) / ARITY; i-- > 0;)
            sift_down(q->heap, q->n_heap, i, q->heap[i]);
        if (adapt(q)) return -1;
    }
    return 0;
}

/* ---- interface ------------------------------------------------------------- */

int sim_queue_init(sim_queue *q, double width_hint)
{
    memset(q, 0, sizeof *q);
    q->width = width_hint > 0 ? width_hint : 1.0;
    q->inv_width = 1 / q->width;
    q->overflow_min = UINT64_MAX;
    return heap_reserve(q, 256);
}

void sim_queue_free(sim_queue *q)
{
    free(q->heap_mem);
    for (int i = 0; i < SIM_NEAR; i++) free(q->near[i].ev);
    for (int i = 0; i < SIM_FAR; i++) free(q->far[i].ev);
    free(q->overflow.ev);
    memset(q, 0, sizeof *q);
}

int sim_queue_push(sim_queue *q, sim_event e)
{
    assert(e.time >= q->last && e.time <= DBL_MAX);   /* finite, not NaN */
    e.time += 0.0;                                      /* -0 becomes +0 */
    if (place(q, e)) return -1;
    q->n++;
    return 0;
}

const sim_event *sim_queue_peek(sim_queue *q)
{
    if (q->n == 0) return NULL;
    if (q->n_heap == 0 && refill(q)) { q->oom = 1; return NULL; }
    return &q->heap[0];
}

int sim_queue_pop_until(sim_queue *q, double until, sim_event *out)
{
    if (q->n == 0) return 0;
    if (q->n_heap == 0 && refill(q)) { q->oom = 1; return -1; }
    sim_event *h = q->heap;
    if (h[0].time > until) return 0;
    *out = h[0];
    size_t n = --q->n_heap;
    if (n) sift_down(h, n, 0, h[n]);
    q->n--;
    q->last = out->time;
    return 1;
}

int sim_queue_pop(sim_queue *q, sim_event *out)
{
    if (q->n == 0) return -1;
    if (q->n_heap == 0 && refill(q)) { q->oom = 1; return -1; }
    *out = q->heap[0];
    size_t n = --q->n_heap;
    if (n) sift_down(q->heap, n, 0, q->heap[n]);
    q->n--;
    q->last = out->time;
    return 0;
}
