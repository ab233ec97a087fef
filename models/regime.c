/*
 * models/regime.c - the registry of regimes, their parameters, and which
 * regime pays for which segment.
 *
 * The registry lists every regime known (built in, then registered); a
 * regime's index there is where params keeps its parameters, loaded by
 * its own hook from its own keys (params.c adds the keys to the table).
 * regime.name lists the regimes in use joined by '+'.  Each takes the
 * segments (offer type x target group) its own `types` and `groups` keys
 * select; the first named wins a segment two regimes select; every other
 * segment stays on takst.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "regime.h"

const char *const price_part_name[N_PARTS] = {
    "cost", "occupancy", "regrading", "upcoding", "addons", "carry_over",
    "markup", "cap", "tender_risk", "standard_price", "mismatch", "pooled",
    "recalibration"
};

/* The registry: one line per regime built in; regime_register adds more.
 * A regime's index here is where params keeps its parameters. */
static const regime_ops *registry[MAX_REGISTRY] = {
    &regime_takst, &regime_drg, &regime_tender, &regime_objective, &regime_uniform,
};
static int n_registry = 5;

const regime_ops *regime_find(const char *name)
{
    for (int i = 0; i < n_registry; i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

int regime_count(void) { return n_registry; }

const regime_ops *regime_at(int i)
{
    assert(i >= 0 && i < n_registry);
    return registry[i];
}

/* Every key of R starts with R's name and a dot, so two regimes' keys
 * never meet and a key names its regime. */
static int keys_are_own(const regime_ops *r)
{
    size_t n = strlen(r->name);
    for (size_t i = 0; i < r->n_keys; i++)
        if (strncmp(r->keys[i].path, r->name, n) || r->keys[i].path[n] != '.') return 0;
    return 1;
}

/* A name regime.name can select and that no key of the market's starts
 * with: letters, digits and '_' only, not a section of params_table. */
static int name_ok(const char *name)
{
    if (!name || !name[0] || strlen(name) > 32) return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return 0;
    size_t n = strlen(name);
    for (size_t i = 0; i < params_table_len; i++)
        if (!strncmp(params_table[i].path, name, n) && params_table[i].path[n] == '.') return 0;
    return 1;
}

int regime_register(const regime_ops *r)
{
    if (n_registry == MAX_REGISTRY || !name_ok(r->name) || regime_find(r->name) ||
        r->params_size > REGIME_PARAMS_MAX || (r->params_size && !r->load) ||
        !keys_are_own(r))
        return -1;
    registry[n_registry++] = r;
    return 0;
}

static int index_of(const regime_ops *r)
{
    for (int i = 0; i < n_registry; i++)
        if (registry[i] == r) return i;
    return -1;
}

const void *regime_params(const params *p, const regime_ops *r)
{
    int i = index_of(r);
    return i >= 0 && r->params_size ? p->regime_params[i] : NULL;
}

void *regime_params_mut(params *p, const regime_ops *r)
{
    return (void *)regime_params(p, r);
}

int regime_params_load(const cfg *c, params *p, cfg_error *err)
{
    for (int i = 0; i < n_registry; i++) {
        const regime_ops *r = registry[i];
        assert(r->params_size <= REGIME_PARAMS_MAX && keys_are_own(r));
        memset(p->regime_params[i], 0, REGIME_PARAMS_MAX);
        if (r->params_size && r->load(c, p, p->regime_params[i], err)) return -1;
    }
    return 0;
}

int regime_params_bind(const cfg *c, params *p, const params_regions *t,
                       cfg_error *err)
{
    for (int i = 0; i < n_registry; i++)
        if (registry[i]->bind &&
            registry[i]->bind(c, p, p->regime_params[i], t, err)) return -1;
    return 0;
}

/* R's slot in M's rstate, or -1. */
static int slot_of(const market *m, const regime_ops *r)
{
    for (int i = 0; i < m->n_rstate; i++)
        if (m->rstate[i].ops == r) return i;
    return -1;
}

void *regime_state(const market *m, const regime_ops *r)
{
    int i = slot_of(m, r);
    return i >= 0 ? m->rstate[i].state : NULL;
}

void regime_release_all(market *m)
{
    for (int i = 0; i < m->n_rstate; i++) {
        if (m->rstate[i].ops->release) m->rstate[i].ops->release(m->rstate[i].state);
        free(m->rstate[i].state);
        free(m->rstate[i].cit);
        free(m->rstate[i].off);
    }
    m->n_rstate = 0;
}

/* Slot I's per-citizen data from OLD to NEW records, the new ones zeroed. */
static int grow_citizens(market *m, int i, int old_cap, int new_cap)
{
    size_t size = m->rstate[i].ops->citizen_size;
    if (!size || new_cap <= old_cap) return 0;
    unsigned char *a = realloc(m->rstate[i].cit, (size_t)new_cap * size);
    if (!a) {
        market_fail(m, "out of memory for the citizens of regime %s", m->rstate[i].ops->name);
        return -1;
    }
    memset(a + (size_t)old_cap * size, 0, (size_t)(new_cap - old_cap) * size);
    m->rstate[i].cit = a;
    return 0;
}

/* The same for slot I's per-offer data. */
static int grow_offers(market *m, int i, int old_cap, int new_cap)
{
    size_t size = m->rstate[i].ops->offer_size;
    if (!size || new_cap <= old_cap) return 0;
    unsigned char *a = realloc(m->rstate[i].off, (size_t)new_cap * size);
    if (!a) {
        market_fail(m, "out of memory for the offers of regime %s", m->rstate[i].ops->name);
        return -1;
    }
    memset(a + (size_t)old_cap * size, 0, (size_t)(new_cap - old_cap) * size);
    m->rstate[i].off = a;
    return 0;
}

int regime_offers_reserve(market *m, int cap)
{
    for (int i = 0; i < m->n_rstate; i++)
        if (grow_offers(m, i, m->cap_offers, cap)) return -1;
    return 0;
}

void regime_offer_clear(market *m, int id)
{
    for (int i = 0; i < m->n_rstate; i++) {
        size_t size = m->rstate[i].ops->offer_size;
        if (size) memset(m->rstate[i].off + (size_t)id * size, 0, size);
    }
}

int regime_citizens_reserve(market *m, int cap)
{
    /* every slot holds m->cap_cit records before the market's array grows */
    for (int i = 0; i < m->n_rstate; i++)
        if (grow_citizens(m, i, m->cap_cit, cap)) return -1;
    return 0;
}

void regime_citizen_clear(market *m, const citizen *c)
{
    size_t id = (size_t)(c - m->cit);
    for (int i = 0; i < m->n_rstate; i++) {
        size_t size = m->rstate[i].ops->citizen_size;
        if (size) memset(m->rstate[i].cit + id * size, 0, size);
    }
}

/* R's slot: its parameters, and its state, allocated and set up the first
 * time this run uses R. */
static int ensure_state(market *m, const regime_ops *r)
{
    if (slot_of(m, r) >= 0) return 0;
    assert(m->n_rstate < MAX_REGIMES);   /* at most one slot per regime in use */
    void *s = r->state_size ? calloc(1, r->state_size) : NULL;
    if (r->state_size && !s) {
        market_fail(m, "out of memory for the state of regime %s", r->name);
        return -1;
    }
    int i = m->n_rstate++;
    m->rstate[i].ops = r;
    m->rstate[i].state = s;
    m->rstate[i].params = regime_params(m->p, r);
    m->rstate[i].cit = NULL;
    m->rstate[i].off = NULL;
    if (grow_citizens(m, i, 0, m->cap_cit) || grow_offers(m, i, 0, m->cap_offers)) return -1;
    return r->init ? r->init(m, s) : 0;
}

static const segment_set *segments_of(const params *p, const regime_ops *r)
{
    if (!r->params_size) return NULL;   /* takst: whatever is left */
    assert(r->segments + sizeof(segment_set) <= r->params_size);
    return (const segment_set *)((const char *)regime_params(p, r) + r->segments);
}

static int selects(const segment_set *s, const params *p, int t, int g)
{
    if (!s || !s->types[t]) return 0;
    int narrow = p->group[g].narrow;
    return s->groups == GROUPS_ALL || (s->groups == GROUPS_NARROW) == narrow;
}

int regime_selects(const params *p, const regime_ops *r, int type, int group)
{
    return selects(segments_of(p, r), p, type, group);
}

static int uses(const market *m, const regime_ops *r)
{
    for (int i = 0; i < m->n_regimes; i++)
        if (m->regimes[i] == r) return 1;
    return 0;
}

int regime_assign(market *m, const char *names)
{
    const params *p = m->p;
    char buf[sizeof p->regime];
    snprintf(buf, sizeof buf, "%s", names);
    m->n_regimes = 0;
    for (char *save = NULL, *w = strtok_r(buf, "+", &save); w;
         w = strtok_r(NULL, "+", &save)) {
        const regime_ops *r = regime_find(w);
        if (!r) { market_fail(m, "unknown regime '%s'", w); return -1; }
        if (m->n_regimes == MAX_REGIMES) {   /* params.c refuses this first */
            market_fail(m, "more than %d regimes at once", MAX_REGIMES);
            return -1;
        }
        m->regimes[m->n_regimes++] = r;
    }
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++) {
            m->seg_regime[t][g] = &regime_takst;
            for (int i = m->n_regimes - 1; i >= 0; i--)   /* first named wins */
                if (selects(segments_of(p, m->regimes[i]), p, t, g))
                    m->seg_regime[t][g] = m->regimes[i];
        }
    /* takst runs whenever a segment is left to it */
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < p->n_groups; g++)
            if (m->seg_regime[t][g] == &regime_takst && !uses(m, &regime_takst)) {
                if (m->n_regimes == MAX_REGIMES) {
                    market_fail(m, "more than %d regimes at once with takst", MAX_REGIMES - 1);
                    return -1;
                }
                m->regimes[m->n_regimes++] = &regime_takst;
            }
    for (int i = 0; i < m->n_regimes; i++)
        if (ensure_state(m, m->regimes[i])) return -1;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        for (int g = 0; g < MAX_GROUPS; g++) {
            m->seg_state[t][g] = regime_state(m, m->seg_regime[t][g]);
            m->seg_slot[t][g] = (int8_t)slot_of(m, m->seg_regime[t][g]);   /* -1: none */
        }
    return 0;
}
