/*
 * models/demand.c - needs arise, are assessed, and meet the intervention
 * ladder.
 *
 * Common random numbers: everything about a need's onset (time, group,
 * character, true level) comes from the municipality's arrival stream with a
 * fixed number of draws per arrival, so replicate r of every variant sees the
 * same needs.  What happens to the citizen afterwards draws from the
 * citizen's own stream, keyed by (municipality, arrival number).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "flow.h"
#include "regime.h"
#include "shocks.h"

#define STOCK_KEY_BASE (1ULL << 40)   /* stock citizens' keys sit above arrivals */
#define CLIMB_KEY_BASE (1ULL << 41)   /* aggregate home users who need housing */

/*
 * Bounds that turn a scenario no run could finish into a failed run with a
 * reason, not a hang or a crash: new needs at most once per adult a year
 * (incidence shocks compound, so enough of them reach infinity), and at
 * most CITIZENS_MAX citizens alive at once (about 3.5 GB of records).
 */
#define ONSETS_PER_ADULT_MAX 1.0
#define CITIZENS_MAX (1 << 25)

/* P(level) at onset for a group in a rung: the group's distribution moved by
 * the rung's shift; a fractional shift moves that share one level further. */
static void shifted_dist(const market *m, int g, double shift, double *out)
{
    const params *p = m->p;
    int L = p->levels, whole = (int)floor(shift);
    double frac = shift - whole;
    memset(out, 0, sizeof(double) * MAX_LEVELS);
    for (int l = 0; l < L; l++) {
        double q = p->group[g].need_dist[l];
        int a = demand_clamp_level(m, l + whole), b = demand_clamp_level(m, l + whole + 1);
        out[a] += q * (1 - frac);
        out[b] += q * frac;
    }
}

static double rung_shift(const params *p, int rung)
{
    return rung == RUNG_HOME ? p->home_level_shift : p->type[rung].level_shift;
}

void demand_prepare(market *m)
{
    const params *p = m->p;
    double cum = 0;
    for (int g = 0; g < p->n_groups; g++)
        for (int k = 0; k < N_RUNGS; k++) {
            shifted_dist(m, g, rung_shift(p, k), m->level_p[k][g]);
            double w = 0;
            for (int l = 0; l < p->levels; l++)
                w += m->level_p[k][g][l] * p->hours_per_week[l];
            m->mean_weight[k][g] = w;
            cum += p->group[g].incidence[k];
            m->onset_cum[g * N_RUNGS + k] = cum;
        }
    m->onset_total = cum;
}

int demand_clamp_level(const market *m, double x)
{
    int l = (int)lround(x);
    return l < 0 ? 0 : l >= m->p->levels ? m->p->levels - 1 : l;
}

/* ---- citizens ------------------------------------------------------------ */

citizen *citizen_new(market *m, int muni, uint64_t key)
{
    int32_t id = m->free_cit;
    if (id >= 0) {
        m->free_cit = m->cit[id].wnext;
        /* the next record to be handed out was freed long ago and is cold:
         * ask for it now, while this one is filled in */
        if (m->free_cit >= 0) {
            const char *next = (const char *)&m->cit[m->free_cit];
            __builtin_prefetch(next, 1);
            __builtin_prefetch(next + sizeof(citizen) - 1, 1);
        }
    } else {
        if (m->n_cit == m->cap_cit) {
            if (m->cap_cit >= CITIZENS_MAX) {
                market_fail(m, "year %d: more than %d citizens at once; the "
                            "scenario's needs are beyond what one run can hold",
                            m->p->start_year + m->year, CITIZENS_MAX);
                return NULL;
            }
            int cap = m->cap_cit ? m->cap_cit * 2 : 1 << 16;
            citizen *nc = realloc(m->cit, (size_t)cap * sizeof *nc);
            if (!nc) { market_fail(m, "out of memory for citizens"); return NULL; }
            m->cit = nc;
            if (regime_citizens_reserve(m, cap)) return NULL;
            m->cap_cit = cap;
        }
        id = m->n_cit++;
        m->cit[id].gen = 0;
    }
    citizen *c = &m->cit[id];
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof *c);
    c->gen = gen;
    c->home = muni;
    c->offer = c->wprev = c->wnext = -1;
    regime_citizen_clear(m, c);
    c->state = CIT_PENDING;
    c->exit_time = -1;
    c->last_change = m->now;
    sim_rng_state_init(&c->rng, sim_rng_key(m->seed, (uint32_t)m->replicate,
                                            RNG_CITIZEN, key));
    return c;
}

void citizen_release(market *m, citizen *c)
{
    c->state = CIT_FREE;
    c->gen++;                        /* cancels every pending event */
    c->wnext = m->free_cit;
    m->free_cit = (int32_t)(c - m->cit);
}

/* ---- home support (untraded, paid by the municipality itself) ---------- */

/* The users of MUNI cost from home_until to T. */
static void home_accrue_to(market *m, municipality *mu, double t)
{
    double dt = t - mu->home_until;
    mu->home_until = t;
    if (dt <= 0 || mu->home_users == 0) return;
    /* home support is staff time: it grows with the wage index */
    double cost = mu->home_users * m->p->home_cost_per_year *
                  (m->wage / m->p->wage_per_hour) * dt / DAYS_PER_YEAR;
    mu->acct.home_cost += cost;
    m->ya.home_cost += cost;
    m->ya.home_days += mu->home_users * dt;
}

/* The ends kept in MU->home_ends: a 4-ary min-heap of times, so that a
 * pop walks half the levels of a binary heap (a large municipality keeps
 * tens of thousands of ends, well beyond the first cache levels).  Equal
 * times are equal values, so any heap gives home_accrue the same sequence. */
#define ENDS_ARITY 4

static void home_ends_pop(municipality *mu)
{
    double *h = mu->home_ends, x = h[--mu->n_home_ends];
    int n = mu->n_home_ends, i = 0;
    for (;;) {
        int c = ENDS_ARITY * i + 1;
        if (c >= n) break;
        int end = c + ENDS_ARITY < n ? c + ENDS_ARITY : n, best = c;
        for (int k = c + 1; k < end; k++)
            if (h[k] < h[best]) best = k;
        if (!(h[best] < x)) break;
        h[i] = h[best];
        i = best;
    }
    if (n > 0) h[i] = x;
}

static int home_ends_push(market *m, municipality *mu, double t)
{
    if (mu->n_home_ends == mu->cap_home_ends) {
        int cap = mu->cap_home_ends ? 2 * mu->cap_home_ends : 256;
        double *h = realloc(mu->home_ends, (size_t)cap * sizeof *h);
        if (!h) { market_fail(m, "out of memory for home-support stays"); return -1; }
        mu->home_ends = h;
        mu->cap_home_ends = cap;
    }
    double *h = mu->home_ends;
    int i = mu->n_home_ends++;
    while (i > 0 && t < h[(i - 1) / ENDS_ARITY]) {
        h[i] = h[(i - 1) / ENDS_ARITY];
        i = (i - 1) / ENDS_ARITY;
    }
    h[i] = t;
    return 0;
}

/* Cost up to now, the users whose stays ended meanwhile leaving at their
 * ends: the same cost as an exit event for each. */
void home_accrue(market *m, int muni)
{
    municipality *mu = &m->muni[muni];
    while (mu->n_home_ends > 0 && mu->home_ends[0] <= m->now) {
        home_accrue_to(m, mu, fmax(mu->home_ends[0], mu->home_until));
        mu->home_users--;
        home_ends_pop(mu);
    }
    home_accrue_to(m, mu, m->now);
}

void home_enter(market *m, citizen *c)
{
    home_accrue(m, c->home);
    m->muni[c->home].home_users++;
    c->state = CIT_HOME;
    c->rung = RUNG_HOME;
}

void home_leave(market *m, citizen *c)
{
    home_accrue(m, c->home);
    m->muni[c->home].home_users--;
}

/*
 * Home support in aggregate form (home_support.cases: aggregate).  A user's
 * stay ends at a constant rate (stays are exponential) and its need grows
 * at the group's rate times the home factor, so a municipality's users are
 * counts by group and true level.  At each step (committee meeting, year
 * end) the users of a cell who ended or deteriorated since the last step
 * are drawn as binomials; a deteriorated user is reassessed as at a review
 * and either stays at the next level or needs housing, and only then becomes
 * a citizen record again.  Cost accrues at the midpoint of the step for the
 * users who left in it.  What this loses is in the README.
 */
void home_admit(market *m, citizen *c)
{
    if (!m->p->home_aggregate) {
        home_enter(m, c);
        if (caseflow_schedule_home_review(m, c)) {
            market_schedule(m, c->exit_time, EV_EXIT, (int)(c - m->cit), c->gen);
            return;
        }
        /* nothing happens to this user before the end of its stay but the
         * end: the municipality keeps the end, not a record and an event
         * (a user whose stay has ended is released at once) */
        if (!(c->exit_time > m->now) || home_ends_push(m, &m->muni[c->home], c->exit_time))
            home_leave(m, c);
        citizen_release(m, c);
        return;
    }
    municipality *mu = &m->muni[c->home];
    home_accrue(m, c->home);
    mu->home_n[c->group][c->true_level]++;
    mu->home_users++;
    c->state = CIT_HOME;
    citizen_release(m, c);
}

/* The committee of MUNI meets now: aggregate home support takes the
 * home-support needs that arose since its last meeting (demand_collect). */
static void home_admit_pending(market *m, int muni)
{
    municipality *mu = &m->muni[muni];
    if (mu->n_pending_home == 0) return;
    home_accrue(m, muni);
    for (int g = 0; g < m->p->n_groups; g++)
        for (int l = 0; l < m->p->levels; l++) {
            mu->home_n[g][l] += mu->pending_home[g][l];
            mu->pending_home[g][l] = 0;
        }
    mu->home_users += mu->n_pending_home;
    mu->n_pending_home = 0;
}

/* A deteriorated user whose need home support no longer meets: a citizen
 * again, who needs housing from now. */
static void home_climb(market *m, int muni, int g, int level, double assessed,
                       uint64_t k)
{
    /* keyed by the step and its order in the step, not by a running count,
     * so that the same climb in two variants is the same citizen */
    uint64_t key = CLIMB_KEY_BASE | (m->muni[muni].home_steps & 0xfffff) << 20 | (k & 0xfffff);
    citizen *c = citizen_new(m, muni, ((uint64_t)muni << 48) | key);
    if (!c) return;
    c->group = (int8_t)g;
    c->character = RUNG_HOME;
    c->true_level = (int8_t)level;
    c->rung = OT_HOUSING;
    c->priced_level = (int8_t)demand_clamp_level(m, assessed);
    c->exit_time = m->now + caseflow_stay_days(m, c, OT_HOUSING, 0);
    c->wait_start = m->now;
    placement_try(m, c, 0);
    placement_wait_events(m, c);
}

void home_step(market *m, int muni)
{
    const params *p = m->p;
    municipality *mu = &m->muni[muni];
    double dt = m->now - mu->home_step;
    if (!p->home_aggregate || dt <= 0) return;
    mu->home_step = m->now;
    home_accrue(m, muni);
    /* each step draws from a sub-stream of its own (steps fall on the same
     * days in every variant: committee meetings, year ends) */
    sim_rng_state st;
    sim_rng_state_init(&st, sim_rng_subkey(mu->home_rng.state.key, ++mu->home_steps));
    gsl_rng rs = sim_rng_view(&st), *r = &rs;
    uint64_t climbs = 0;
    double exit_rate = 1 / (p->home_mean_years * DAYS_PER_YEAR);
    int left = 0;
    for (int g = 0; g < p->n_groups; g++) {
        double det = p->group[g].deterioration_rate * p->home_deterioration_factor /
                     DAYS_PER_YEAR;
        /* from the top level down, so a user moved up is not moved twice */
        for (int l = p->levels - 1; l >= 0; l--) {
            int n = mu->home_n[g][l];
            if (n == 0) continue;
            double up = l < p->levels - 1 ? det : 0, rate = exit_rate + up;
            unsigned moved = gsl_ran_binomial(r, 1 - exp(-rate * dt), (unsigned)n);
            if (moved == 0) continue;
            unsigned ended = up > 0 ? gsl_ran_binomial(r, exit_rate / rate, moved) : moved;
            mu->home_n[g][l] -= (int)moved;
            mu->home_users -= (int)moved;
            left += (int)moved;
            for (unsigned k = ended; k < moved && !m->error[0]; k++) {
                /* a review, as for an individual case */
                m->ya.followups++;
                market_admin(m, muni, ADMIN_FOLLOWUP, p->admin_cost_followup);
                double assessed = l + 1 + gsl_ran_gaussian_ziggurat(r, p->assessment_noise_sd);
                if (assessed - mu->strictness - mu->pressure <= p->home_max_level + 0.5) {
                    mu->home_n[g][l + 1]++;
                    mu->home_users++;
                    left--;
                } else {
                    home_climb(m, muni, g, l + 1, assessed, climbs++);
                }
            }
        }
    }
    /* the users who left did so on average halfway through the step */
    double cost = 0.5 * left * p->home_cost_per_year *
                  (m->wage / p->wage_per_hour) * dt / DAYS_PER_YEAR;
    mu->acct.home_cost -= cost;
    m->ya.home_cost -= cost;
    m->ya.home_days -= 0.5 * left * dt;
}

/* ---- onset ------------------------------------------------------------- */

/* Onsets per day in MUNI at time T under the shocks; with W, also the
 * cumulative weights of (group, character) as onset_cum orders them. */
static double shocked_rate(const market *m, int muni, double t, double *w)
{
    int region = m->mt->m[muni].region;
    double cum = 0;
    int n = m->p->n_groups * N_RUNGS;
    int in_year = (int)floor(t / DAYS_PER_YEAR) - m->p->warmup_years == m->trend_year;
    if (m->n_incidence_shocks == 0 && in_year) {
        /* trends alone: this year's sums are kept (shocks_trend_year) */
        cum = m->trend_cum[n - 1];
        if (w) memcpy(w, m->trend_cum, (size_t)n * sizeof *w);
    } else {
        for (int g = 0; g < m->p->n_groups; g++)
            for (int k = 0; k < N_RUNGS; k++) {
                cum += shocks_incidence(m, g, k, region, t);
                if (w) w[g * N_RUNGS + k] = cum;
            }
    }
    /* adults of T's year: a segment of the onset integral may lie beyond
     * the current year (run.adults_by_year) */
    int year = m->p->start_year + (int)floor(t / DAYS_PER_YEAR) - m->p->warmup_years;
    double adults = year == m->p->start_year + m->year ? m->muni[muni].adults
                                                         : muni_adults(m->mt, m->p, muni, year);
    return adults * m->muni[muni].need * cum / 1e4 / DAYS_PER_YEAR;
}

/* Fails the run when RATE (onsets a day in MUNI, from time T) is beyond
 * ONSETS_PER_ADULT_MAX; returns 1 then. */
static int rate_too_high(market *m, int muni, double rate, double t)
{
    double per_adult = rate * DAYS_PER_YEAR / m->muni[muni].adults;   /* need included */
    if (per_adult <= ONSETS_PER_ADULT_MAX) return 0;
    /* Name the shocks in force then: they are what compounds. */
    char names[256] = "";
    size_t w = 0;
    for (int j = 0; j < m->n_incidence_shocks; j++) {
        const shock_event *e = &m->shocks[m->incidence_shocks[j]];
        const char *nm = m->p->shock[e->shock].name;
        if (t < e->t0 || t >= e->t1 || strstr(names, nm)) continue;
        int k = snprintf(names + w, sizeof names - w, "%s%s", w ? ", " : "", nm);
        if (k < 0 || (size_t)k >= sizeof names - w) break;
        w += (size_t)k;
    }
    market_fail(m, "year %d: new needs in %s would arise %.3g times a year per "
                "adult, more than %g%s%s%s", m->p->start_year + (int)floor(t / DAYS_PER_YEAR) - m->p->warmup_years,
                m->mt->m[muni].name, per_adult, ONSETS_PER_ADULT_MAX,
                *names ? " (incidence shocks in force: " : "; lower the groups' incidences",
                names, *names ? "; each occurrence multiplies the rate, so lower "
                "their rate, size or duration_years)" : "");
    return 1;
}

/*
 * Time of the next onset in MUNI after time T, or INFINITY.  Without incidence shocks the rate is constant.
 * With them it is piecewise constant, and one unit-exponential draw is
 * spent along it exactly, segment by segment: the same draws as without
 * shocks, so arrivals keep their common random numbers across variants.
 */
static double next_arrival_after(market *m, int muni, double t)
{
    gsl_rng *r = &m->muni[muni].arrivals.rng;
    if (!m->shocks_on_incidence) {
        double rate = m->muni[muni].adults * m->muni[muni].need * m->onset_total /
                      1e4 / DAYS_PER_YEAR;
        if (rate > 0 && rate_too_high(m, muni, rate, t)) return INFINITY;
        return rate > 0 ? t + gsl_ran_exponential(r, 1 / rate) : INFINITY;
    }
    double e = gsl_ran_exponential(r, 1.0);
    for (;;) {
        double rate = shocked_rate(m, muni, t, NULL);
        double next = shocks_next_change(m, t);
        /* !(<=) also catches a NaN rate */
        if (!(rate <= 0) && rate_too_high(m, muni, rate, t)) return INFINITY;
        if (rate > 0 && e <= rate * (next - t)) return t + e / rate;
        if (!isfinite(next)) return INFINITY;
        e -= rate * (next - t);
        t = next;
    }
}

/* Group and character of an onset in MUNI at time T, from one uniform. */
static int pick_onset(const market *m, int muni, double t, double u)
{
    double shocked[MAX_GROUPS * N_RUNGS];
    const double *cum = m->onset_cum;
    double total = m->onset_total;
    if (m->shocks_on_incidence) {
        shocked_rate(m, muni, t, shocked);
        cum = shocked;
        total = shocked[m->p->n_groups * N_RUNGS - 1];
    }
    double x = u * total;
    int n = m->p->n_groups * N_RUNGS;
    for (int i = 0; i < n; i++)
        if (x < cum[i]) return i;
    return n - 1;
}

static int draw_level(const market *m, gsl_rng *r, int g, int k)
{
    double u = gsl_rng_uniform(r), c = 0;
    for (int l = 0; l < m->p->levels; l++) {
        c += m->level_p[k][g][l];
        if (u < c) return l;
    }
    return m->p->levels - 1;
}

/* A committee decides at its meetings (weekly, fortnightly, monthly): the
 * first one strictly after time T. */
static double meeting_after(const market *m, int muni, double t)
{
    double d = m->muni[muni].committee_days;
    return ceil(t / d + 1e-9) * d;
}

/*
 * Needs arising are not events of their own: a need matters first at the
 * committee meeting that decides it.  Each municipality draws its next
 * onset ahead; the meeting after it is its only event, and at that meeting
 * (or at a year end, which counts the year's needs) every onset up to now
 * is drawn in time order, each at its own time, and queued for the
 * committee.  The draws are those an event per onset would make.  All the
 * committees that meet at the same time decide together, in order of
 * onset, as if each need had been an event of its own: no municipality is
 * first in line every week.
 */
static void schedule_meeting(market *m, int muni)
{
    municipality *mu = &m->muni[muni];
    mu->meeting_at = INFINITY;
    if (!isfinite(mu->next_arrival)) return;
    mu->meeting_at = meeting_after(m, muni, mu->next_arrival);
    market_schedule(m, mu->meeting_at, EV_MEETING, muni, 0);
}

void demand_start(market *m)
{
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        mu->pending_head = mu->pending_tail = -1;
        mu->next_arrival = next_arrival_after(m, i, m->now);
        schedule_meeting(m, i);
    }
}

void demand_collect(market *m, int muni)
{
    municipality *mu = &m->muni[muni];
    while (mu->next_arrival <= m->now && !m->error[0]) {
        double t = mu->next_arrival;
        gsl_rng *r = &mu->arrivals.rng;
        int onset = pick_onset(m, muni, t, gsl_rng_uniform(r));
        int g = onset / N_RUNGS, k = onset % N_RUNGS;
        int level = draw_level(m, r, g, k);
        uint64_t key = mu->n_arrivals++;
        m->ya.arrivals[muni]++;
        mu->next_arrival = next_arrival_after(m, muni, t);
        if (k == RUNG_HOME && m->p->home_aggregate) {
            /* a need of home-support character starts in home support
             * whatever its assessment (demand_assess_rung), and in the
             * aggregate form a user there is a count: it waits for the
             * committee as a count too (home_admit_pending) */
            mu->pending_home[g][level]++;
            mu->n_pending_home++;
            continue;
        }

        citizen *c = citizen_new(m, muni, ((uint64_t)muni << 48) | key);
        if (!c) return;
        c->group = (int8_t)g;
        c->character = (int8_t)k;
        c->true_level = (int8_t)level;
        c->last_change = t;
        /* queued for the committee, in order of onset */
        int32_t id = (int32_t)(c - m->cit);
        c->wnext = -1;
        if (mu->pending_tail >= 0) m->cit[mu->pending_tail].wnext = id;
        else mu->pending_head = id;
        mu->pending_tail = id;
    }
}

/* The next case of a committee meeting now: its earliest pending onset. */
typedef struct onset_ref { double t; int32_t id; } onset_ref;

static inline int onset_before(const onset_ref *a, const onset_ref *b)
{
    return a->t < b->t || (a->t == b->t && a->id < b->id);
}

static void onset_sift(onset_ref *h, int n, int i)
{
    onset_ref x = h[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && onset_before(&h[c + 1], &h[c])) c++;
        if (!onset_before(&h[c], &x)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

void demand_meeting(market *m, int muni)
{
    (void)muni;   /* every committee meeting now decides, this one included */
    /* each committee's queue is in order of onset: merge the queues by
     * a heap of their first cases */
    if (m->onset_cap < m->mt->n) {
        onset_ref *a = realloc(m->onsets, (size_t)m->mt->n * sizeof *a);
        if (!a) { market_fail(m, "out of memory for the committees' cases"); return; }
        m->onsets = a;
        m->onset_cap = m->mt->n;
    }
    onset_ref *heap = m->onsets;
    int n = 0;
    for (int i = 0; i < m->mt->n; i++) {
        municipality *mu = &m->muni[i];
        if (mu->meeting_at != m->now) continue;
        demand_collect(m, i);
        home_step(m, i);
        home_admit_pending(m, i);
        int32_t id = mu->pending_head;
        if (id >= 0) heap[n++] = (onset_ref){ m->cit[id].last_change, id };
        mu->pending_head = mu->pending_tail = -1;
    }
    for (int i = n / 2; i-- > 0;) onset_sift(heap, n, i);
    while (n > 0 && !m->error[0]) {
        citizen *c = &m->cit[heap[0].id];
        int32_t next = c->wnext;
        c->wnext = -1;
        /* the committee's next case takes its place before C is decided
         * (deciding may move citizens in memory) */
        if (next >= 0) {
            heap[0] = (onset_ref){ m->cit[next].last_change, next };
            /* the case after NEXT is decided only after NEXT, and cases of
             * other committees come between: its record has time to come in */
            int32_t after = m->cit[next].wnext;
            if (after >= 0) __builtin_prefetch(&m->cit[after]);
        } else heap[0] = heap[--n];
        if (n > 0) onset_sift(heap, n, 0);
        demand_decide(m, c);
    }
    for (int i = 0; i < m->mt->n && !m->error[0]; i++)
        if (m->muni[i].meeting_at == m->now) schedule_meeting(m, i);
}

/* ---- visitation ---------------------------------------------------------- */

double demand_assess(market *m, citizen *c)
{
    gsl_rng r = sim_rng_view(&c->rng);
    return c->true_level + gsl_ran_gaussian_ziggurat(&r, m->p->assessment_noise_sd);
}

/*
 * The least intrusive step that meets the assessed need [R]: home support,
 * then housing, then the temporary or longterm offer the need calls for.
 * A need of home-support character starts there; it climbs the ladder only
 * when it deteriorates (caseflow.c).  Strictness (and last year's
 * overspending) raises both thresholds.
 */
int demand_assess_rung(const market *m, const citizen *c, double assessed)
{
    const params *p = m->p;
    const municipality *mu = &m->muni[c->home];
    double a = assessed - mu->strictness - mu->pressure;
    if (c->character != RUNG_HOME) {
        /* a regime that lowers the buyer's price loosens referral to it */
        const regime_ops *r = regime_of(m, c->character, c->group);
        if (r->referral_bias) a += r->referral_bias(m, c->character, c->group);
    }
    if (c->character == RUNG_HOME || a <= p->home_max_level + 0.5) return RUNG_HOME;
    if (c->character == OT_HOUSING || a <= p->housing_max_level + 0.5) return OT_HOUSING;
    return c->character;
}

void demand_decide(market *m, citizen *c)
{
    double assessed = demand_assess(m, c);
    int rung = demand_assess_rung(m, c, assessed);
    c->priced_level = (int8_t)demand_clamp_level(m, assessed);
    c->rung = (int8_t)rung;
    c->exit_time = m->now + caseflow_stay_days(m, c, rung, 0);
    if (rung == RUNG_HOME) {
        home_admit(m, c);
        return;
    }
    c->wait_start = m->now;
    placement_try(m, c, 0);
    placement_wait_events(m, c);
}

/* ---- the stock at the start --------------------------------------------- */

/*
 * The base year starts with the citizens already in care.  For each
 * municipality, group and character, candidates arrive as a Poisson number
 * with mean rate x longest stay; each is assessed and kept with probability
 * (stay of the rung it lands in) / (longest stay), which gives the
 * stationary stock of every rung.  Kept citizens are placed by the ordinary
 * placement rules in random order, so the starting allocation is the model's
 * own, not an assumption.  Remaining stays follow the residual-life
 * (length-biased) distribution.
 */
void demand_initial_stock(market *m)
{
    const params *p = m->p;
    double longest = p->home_mean_years;
    for (int t = 0; t < N_OFFER_TYPES; t++)
        longest = fmax(longest, p->type[t].mean_stay_years);

    for (int i = 0; i < m->mt->n && !m->error[0]; i++) {
        sim_rng s;
        sim_rng_init(&s, m->seed, (uint32_t)m->replicate, RNG_STOCK, (uint64_t)i);
        uint64_t key = STOCK_KEY_BASE;
        for (int g = 0; g < p->n_groups; g++)
            for (int k = 0; k < N_RUNGS; k++) {
                double mean = m->muni[i].adults * m->muni[i].need *
                              p->group[g].incidence[k] * shocks_trend(m, g, k, 0) /
                              1e4 * longest;
                unsigned n = gsl_ran_poisson(&s.rng, mean);
                /* residents who came to housing from home support: home
                 * users x deterioration rate x housing stay x the share of
                 * deteriorations that home support no longer meets */
                unsigned escalated = 0;
                if (k == RUNG_HOME) {
                    double esc = p->group[g].deterioration_rate *
                                 p->home_deterioration_factor;
                    escalated = gsl_ran_poisson(&s.rng, p->home_escalated_share * mean / longest *
                        p->home_mean_years * esc * p->type[OT_HOUSING].mean_stay_years);
                }
                for (unsigned j = 0; j < escalated; j++) {
                    citizen *c = citizen_new(m, i, ((uint64_t)i << 48) | key++);
                    if (!c) return;
                    c->group = (int8_t)g;
                    c->character = RUNG_HOME;
                    c->true_level = (int8_t)draw_level(m, &s.rng, g, OT_HOUSING);
                    c->priced_level = (int8_t)demand_clamp_level(m, demand_assess(m, c));
                    c->rung = OT_HOUSING;
                }
                for (unsigned j = 0; j < n; j++) {
                    /* a candidate is drawn and assessed on its own stream,
                     * as a citizen would be, and gets a record only when
                     * kept: most are not (their stays are shorter) */
                    uint64_t ck = ((uint64_t)i << 48) | key++;
                    citizen cand;
                    memset(&cand, 0, sizeof cand);
                    cand.home = i;
                    cand.group = (int8_t)g;
                    cand.character = (int8_t)k;
                    cand.true_level = (int8_t)draw_level(m, &s.rng, g, k);
                    sim_rng_state_init(&cand.rng, sim_rng_key(m->seed, (uint32_t)m->replicate,
                                                              RNG_CITIZEN, ck));
                    double assessed = demand_assess(m, &cand);
                    int rung = demand_assess_rung(m, &cand, assessed);
                    double stay = rung == RUNG_HOME ? p->home_mean_years
                                                    : p->type[rung].mean_stay_years;
                    if (gsl_rng_uniform(&s.rng) >= stay / longest) continue;
                    if (rung == RUNG_HOME && p->home_aggregate) {
                        /* a count from the start (home_admit) */
                        m->muni[i].home_n[g][cand.true_level]++;
                        m->muni[i].home_users++;
                        continue;
                    }
                    citizen *c = citizen_new(m, i, ck);
                    if (!c) return;
                    c->group = cand.group;
                    c->character = cand.character;
                    c->true_level = cand.true_level;
                    c->rng = cand.rng;          /* past the assessment's draws */
                    c->priced_level = (int8_t)demand_clamp_level(m, assessed);
                    c->rung = (int8_t)rung;
                }
            }
    }
}

/* Place the starting stock in random order (Fisher-Yates with the market
 * stream) by the ordinary rules; home-support users start at home. */
void demand_place_stock(market *m)
{
    int n = m->n_cit;
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order) { market_fail(m, "out of memory for the initial stock"); return; }
    int k = 0;
    for (int i = 0; i < m->n_cit; i++)
        if (m->cit[i].state == CIT_PENDING) order[k++] = i;
    for (int i = k - 1; i > 0; i--) {
        int j = (int)gsl_rng_uniform_int(&m->market_rng.rng, (unsigned long)i + 1);
        int t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (int i = 0; i < k; i++) {
        citizen *c = &m->cit[order[i]];
        gsl_rng r = sim_rng_view(&c->rng);
        int rung = c->rung;
        /* residual stay: full stay from the length-biased law, minus a
         * uniform share already served */
        double full = caseflow_stay_days(m, c, rung, 1);
        double remaining = full * gsl_rng_uniform_pos(&r);
        c->exit_time = remaining;
        if (rung == RUNG_HOME) {
            home_admit(m, c);
            continue;
        }
        c->wait_start = 0;
        if (placement_try(m, c, 1)) c->placed_at = remaining - full;   /* served so far */
        placement_wait_events(m, c);
    }
    free(order);
    /* the start's placements are not the base year's: forget their waits
     * (but not the payments of 1 January) */
    year_acct *ya = &m->ya;
    memset(ya->wait_days_sum, 0, sizeof ya->wait_days_sum);
    memset(ya->placements, 0, sizeof ya->placements);
    memset(ya->wait_days_group, 0, sizeof ya->wait_days_group);
    memset(ya->placements_group, 0, sizeof ya->placements_group);
    memset(ya->placed, 0, sizeof ya->placed);
    memset(ya->matched, 0, sizeof ya->matched);
    ya->wait_days_high = 0;
    ya->placements_high = 0;
    ya->mismatched = ya->declined_high = ya->contracted = 0;
}
