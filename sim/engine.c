/*
 * sim/engine.c - pop, skip stale, dispatch.
 */
#include <assert.h>
#include <string.h>
#include "engine.h"

int sim_engine_init(sim_engine *e, void *model, double width_hint)
{
    memset(e, 0, sizeof *e);
    e->model = model;
    return sim_queue_init(&e->q, width_hint);
}

void sim_engine_free(sim_engine *e)
{
    sim_queue_free(&e->q);
}

void sim_engine_on(sim_engine *e, int k, const char *name, sim_handler handle,
                   sim_live_fn live)
{
    assert(k >= 0 && k < SIM_KINDS_MAX && handle);
    e->kind[k] = (sim_kind){ handle, live, NULL, name };
}

void sim_engine_prefetch(sim_engine *e, int k, sim_prefetch_fn prefetch)
{
    assert(k >= 0 && k < SIM_KINDS_MAX && e->kind[k].handle);
    e->kind[k].prefetch = prefetch;
    e->any_prefetch = 1;
}

int sim_engine_run(sim_engine *e, double until)
{
    sim_queue *q = &e->q;
    sim_event ev;
    while (!e->stopped && !e->oom && sim_queue_pop_until(q, until, &ev) > 0) {
        /* the next two events, if the heap already holds them */
        if (e->any_prefetch && q->n_heap) {
            const sim_event *after = sim_queue_second(q);
            const sim_kind *nk = &e->kind[sim_event_kind(&q->heap[0])];
            if (nk->prefetch) nk->prefetch(e->model, &q->heap[0], 1);
            if (after && (nk = &e->kind[sim_event_kind(after)])->prefetch)
                nk->prefetch(e->model, after, 2);
        }
        const sim_kind *k = &e->kind[sim_event_kind(&ev)];
        assert(k->handle);      /* a kind nobody registered: a model bug */
        if (k->live && !k->live(e->model, &ev)) { e->stale++; continue; }
        e->now = ev.time;
        e->handled++;
        k->handle(e->model, &ev);
    }
    return q->oom || e->oom ? -1 : 0;
}
