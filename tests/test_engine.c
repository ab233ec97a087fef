/*
 * tests/test_engine.c - the engine layer: event queue (sim/queue), keyed
 * random streams (sim/rng) and the run-plan executor (sim/plan).
 * These know nothing of the market, so they are tested on their own.
 */
#include "tests/testutil.h"
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/choice.h"
#include "sim/engine.h"
#include "sim/plan.h"
#include "sim/queue.h"
#include "sim/rng.h"

/* ---- event queue --------------------------------------------------------- */

static void push(sim_queue *q, double t, int kind, uint32_t id, uint32_t tag)
{
    assert_int_equal(sim_queue_push(q, sim_event_make(t, kind, id, tag)), 0);
}

/* Random times from a fixed-seed stream: a failure is reproducible. */
static void test_queue_pops_in_time_order(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 42, 0, 1, 0);
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 0), 0);
    enum { N = 5000 };
    for (int i = 0; i < N; i++)
        push(&q, 1000 * gsl_rng_uniform(&s.rng), i % 7, (uint32_t)i, (uint32_t)i * 3u);
    assert_int_equal(sim_queue_size(&q), N);
    sim_event e;
    double last = -1;
    for (int i = 0; i < N; i++) {
        const sim_event *top = sim_queue_peek(&q);
        assert_non_null(top);
        double peeked = top->time;
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        assert_true(e.time == peeked);      /* peek shows what pop returns */
        assert_true(e.time >= last);
        /* the payload travels with its time */
        uint32_t id = sim_event_id(&e);
        assert_int_equal(sim_event_kind(&e), (int)(id % 7));
        assert_int_equal(sim_event_tag(&e), sim_tag(id * 3u));
        last = e.time;
    }
    assert_int_equal(sim_queue_size(&q), 0);
    sim_queue_free(&q);
}

/* Equal times come out by (kind, id, tag) whatever the push order, or runs
 * would depend on implementation details. */
static void test_queue_ties_by_contents(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 0.5), 0);
    /* three times, two kinds, ids pushed in a scrambled order */
    for (int i = 0; i < 300; i++)
        push(&q, (double)(2 - i % 3), (i / 3) % 2, (uint32_t)((i * 7919) % 300), 0);
    sim_event e, prev = { -1, 0 };
    for (int i = 0; i < 300; i++) {
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        assert_true(e.time > prev.time ||
                    (e.time == prev.time && e.key > prev.key));
        if (e.time == prev.time)
            assert_true(sim_event_kind(&e) > sim_event_kind(&prev) ||
                        (sim_event_kind(&e) == sim_event_kind(&prev) &&
                         sim_event_id(&e) > sim_event_id(&prev)));
        prev = e;
    }
    sim_queue_free(&q);
}

/* Reverse order, many more events than a bucket's or the heap's first
 * allocation: nothing may be lost. */
static void test_queue_grows(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1), 0);
    enum { N = 10000 };
    for (int i = N - 1; i >= 0; i--) push(&q, i, 0, (uint32_t)i, 0);
    sim_event e;
    for (int i = 0; i < N; i++) {
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        assert_int_equal(sim_event_id(&e), (uint32_t)i);
    }
    sim_queue_free(&q);
}

static void test_queue_empty_pop(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 0), 0);   /* 0: default width */
    sim_event e;
    assert_null(sim_queue_peek(&q));
    assert_int_equal(sim_queue_pop(&q, &e), -1);
    push(&q, 1.0, 0, 7, 0);
    assert_int_equal(sim_queue_pop(&q, &e), 0);
    assert_int_equal(sim_event_id(&e), 7u);
    assert_int_equal(sim_queue_pop(&q, &e), -1);  /* empty again */
    sim_queue_free(&q);
}

/* Reference: unsorted array, remove the minimum (time, id). */
typedef struct ref_ev { double t; uint32_t id; } ref_ev;

static int ref_pop(ref_ev *r, int *n, ref_ev *out)
{
    if (*n == 0) return -1;
    int best = 0;
    for (int i = 1; i < *n; i++)
        if (r[i].t < r[best].t || (r[i].t == r[best].t && r[i].id < r[best].id))
            best = i;
    *out = r[best];
    r[best] = r[--*n];
    return 0;
}

/*
 * A simulation pushes while popping.  SCALE spreads the delays so that
 * events land in the heap, the near and far buckets and the overflow; whole
 * numbers make ties common; a burst of dense events and then a sparse tail
 * make the width adapt both ways.  Checked against the reference.
 */
static void run_vs_reference(double width, double scale, int steps, uint64_t seed)
{
    sim_rng s;
    sim_rng_init(&s, seed, 3, 2, 1);
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, width), 0);
    ref_ev *ref = malloc((size_t)steps * sizeof *ref);
    assert_non_null(ref);
    int n = 0;
    uint32_t id = 0;
    double now = 0;
    for (int step = 0; step < steps; step++) {
        double p_push = step < steps / 3 ? 0.7 : step < 2 * steps / 3 ? 0.5 : 0.3;
        if (gsl_rng_uniform(&s.rng) < p_push) {
            /* in the future of the last popped time, as a model schedules */
            double u = gsl_rng_uniform(&s.rng), d;
            if (u < 0.5) d = (double)gsl_rng_uniform_int(&s.rng, 20);
            else if (u < 0.9) d = floor(scale * gsl_rng_uniform(&s.rng));
            else d = scale * 1000 * gsl_rng_uniform(&s.rng);
            double t = now + d;
            push(&q, t, 0, id, 0);
            ref[n++] = (ref_ev){ t, id++ };
        } else {
            sim_event e;
            ref_ev want;
            int rr = ref_pop(ref, &n, &want);
            assert_int_equal(sim_queue_pop(&q, &e), rr);
            if (rr == 0) {
                assert_true(e.time == want.t);
                assert_int_equal(sim_event_id(&e), want.id);
                now = e.time;
            }
        }
        assert_int_equal(sim_queue_size(&q), n);
    }
    sim_event e;
    ref_ev want;
    while (ref_pop(ref, &n, &want) == 0) {       /* drain: the far levels */
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        assert_true(e.time == want.t);
        assert_int_equal(sim_event_id(&e), want.id);
    }
    assert_int_equal(sim_queue_pop(&q, &e), -1);
    free(ref);
    sim_queue_free(&q);
}

static void test_queue_interleaved_vs_reference(void **state)
{
    (void)state;
    run_vs_reference(1.0, 100, 20000, 7);
    run_vs_reference(0.001, 1e4, 20000, 8);    /* width far too small */
    run_vs_reference(1e5, 10, 20000, 9);       /* width far too large */
    run_vs_reference(1.0, 1e6, 20000, 10);     /* most events overflow */
}

/* ---- the loop ------------------------------------------------------------ */

/* A toy model: kind 0 counts and reschedules itself a day later while its
 * entity's generation matches; kind 1 bumps a generation (cancelling the
 * entity's pending kind-0 event) and kind 2 stops the loop. */
typedef struct toy {
    sim_engine *eng;
    uint32_t gen[4];
    int handled[4], order[64], n_order;
} toy;

static int toy_live(const void *model, const sim_event *e)
{
    const toy *t = model;
    return sim_event_tag(e) == sim_tag(t->gen[sim_event_id(e)]);
}

static void toy_tick(void *model, const sim_event *e)
{
    toy *t = model;
    uint32_t id = sim_event_id(e);
    t->handled[id]++;
    if (t->n_order < 64) t->order[t->n_order++] = (int)id;
    assert_true(t->eng->now == e->time);
    sim_schedule(t->eng, e->time + 1, 0, id, t->gen[id]);
}

static void toy_cancel(void *model, const sim_event *e)
{
    toy *t = model;
    t->gen[sim_event_id(e)]++;
}

static void toy_stop(void *model, const sim_event *e)
{
    (void)e;
    sim_engine_stop(((toy *)model)->eng);
}

static void test_engine_dispatch_stale_until_stop(void **state)
{
    (void)state;
    sim_engine g;
    toy t = { 0 };
    t.eng = &g;
    assert_int_equal(sim_engine_init(&g, &t, 0), 0);
    sim_engine_on(&g, 0, "tick", toy_tick, toy_live);
    sim_engine_on(&g, 1, "cancel", toy_cancel, NULL);
    sim_engine_on(&g, 2, "stop", toy_stop, NULL);
    for (uint32_t i = 0; i < 3; i++) sim_schedule(&g, 0, 0, i, 0);
    sim_schedule(&g, 4.5, 1, 1, 0);           /* entity 1 stops ticking after 4 */
    assert_int_equal(sim_engine_run(&g, 9.5), 0);   /* times 0..9 */
    assert_int_equal(t.handled[0], 10);
    assert_int_equal(t.handled[1], 5);
    assert_int_equal(t.handled[2], 10);
    assert_true(g.stale == 1);                 /* entity 1's tick at 5 */
    /* at equal times, ids in order: 0 1 2 0 1 2 ... */
    for (int i = 0; i < 9; i++) assert_int_equal(t.order[i], i % 3);
    /* the loop resumes where it stopped; a stop event ends it */
    sim_schedule(&g, 12.25, 2, 0, 0);
    assert_int_equal(sim_engine_run(&g, 1e9), 0);
    assert_true(g.stopped);
    assert_int_equal(t.handled[0], 13);        /* 10, 11, 12 */
    assert_true(g.now == 12.25);
    assert_int_equal(g.handled, (uint64_t)(13 + 5 + 13 + 1 + 1));
    sim_engine_free(&g);
}

/* ---- choice under taste ----------------------------------------------------- */

/* Brute force: a normal draw per option, the plain argmax. */
static int argmax_brute(const double *d, int n, double sd, gsl_rng *r)
{
    int best = 0;
    double b = -INFINITY;
    for (int i = 0; i < n; i++) {
        double u = d[i] + sd * gsl_ran_gaussian(r, 1.0);
        if (u > b) { b = u; best = i; }
    }
    return best;
}

/* The thinned argmax picks each option as often as brute force does: per
 * option, the two frequencies over N draws differ by less than 5 sd of
 * their difference.  Far options (beyond 4 sd of the top) must still win
 * sometimes; a case with sd = 0 takes the first top score. */
static void check_choice(const double *d, int n, double sd, int must_far)
{
    enum { N = 400000 };
    sim_rng a, b;
    sim_rng_init(&a, 11, 0, 1, (uint64_t)n);
    sim_rng_init(&b, 12, 0, 1, (uint64_t)n);
    int fa[16] = { 0 }, fb[16] = { 0 };
    for (int k = 0; k < N; k++) {
        int i = sim_choice_argmax(d, n, sd, &a.rng);
        assert_true(i >= 0 && i < n);
        fa[i]++;
        fb[argmax_brute(d, n, sd, &b.rng)]++;
    }
    int far_wins = 0;
    for (int i = 0; i < n; i++) {
        double p = (fa[i] + fb[i]) / (2.0 * N);
        double tol = 5 * sqrt(2 * p * (1 - p) / N) + 2.0 / N;
        if (fabs((fa[i] - fb[i]) / (double)N) > tol)
            fail_msg("option %d: thinned %d, brute force %d of %d", i, fa[i], fb[i], N);
        if (d[i] < d[0] - 4 * sd) far_wins += fa[i];
    }
    if (must_far) assert_true(far_wins > 0);
}

/* Options scored on demand for sim_choice_fold_bounded; counts the calls. */
typedef struct lazy { const double *d; int calls; } lazy;

static double lazy_score(void *ctx, int j)
{
    lazy *z = ctx;
    z->calls++;
    return z->d[j];
}

/* A search in two batches, the second bounded and scored lazily, picks
 * each option as often as brute force over all of them, and scores only a
 * fraction of the bounded batch. */
static void test_choice_bounded_batch(void **state)
{
    (void)state;
    enum { N = 300000, FIRST = 3, REST = 40 };
    double d[FIRST + REST] = { 0, -0.05, -0.2 };
    for (int i = 0; i < REST; i++) d[FIRST + i] = -0.25 - 0.005 * i;
    d[FIRST + 7] = -INFINITY;            /* not an option after all */
    sim_rng a, b;
    sim_rng_init(&a, 21, 0, 1, 0);
    sim_rng_init(&b, 22, 0, 1, 0);
    int fa[FIRST + REST] = { 0 }, fb[FIRST + REST] = { 0 };
    lazy z = { d + FIRST, 0 };
    for (int k = 0; k < N; k++) {
        double B = -INFINITY;
        int w = sim_choice_fold(d, FIRST, 0.1, &B, &a.rng);
        int v = sim_choice_fold_bounded(REST, -0.25, 0.1, &B, lazy_score, &z, &a.rng);
        fa[v >= 0 ? FIRST + v : w]++;
        fb[argmax_brute(d, FIRST + REST, 0.1, &b.rng)]++;
    }
    for (int i = 0; i < FIRST + REST; i++) {
        double p = (fa[i] + fb[i]) / (2.0 * N);
        double tol = 5 * sqrt(2 * p * (1 - p) / N) + 2.0 / N;
        if (fabs((fa[i] - fb[i]) / (double)N) > tol)
            fail_msg("option %d: bounded %d, brute force %d of %d", i, fa[i], fb[i], N);
    }
    assert_int_equal(fa[FIRST + 7], 0);
    /* the bounded batch was scored far less than once per option */
    assert_true(z.calls < N * REST / 4);
}

/* The cheap bound on Q is an upper bound wherever thinning uses it, and
 * a close one (else it would rarely spare Q). */
static void test_choice_chance_bound(void **state)
{
    (void)state;
    for (double t = 0; t < 30; t += 1.0 / 64) {
        double q = gsl_cdf_ugaussian_Q(t), b = sim_choice_chance_bound(t);
        if (!(b >= q * (1 + 1e-7)))
            fail_msg("t = %g: bound %.17g below Q %.17g", t, b, q);
        if (t >= 1 && !(b <= q * 1.02))
            fail_msg("t = %g: bound %.17g more than 2 %% above Q %.17g", t, b, q);
    }
    /* the quartile test agrees with GSL's Q at the doubles next to the
     * constant, where a rounding of Q could tell them apart */
    double c = 0.67448975019608171, t = c;
    for (int k = 0; k < 1000; k++) t = nextafter(t, 0);
    for (int k = 0; k < 2001; k++, t = nextafter(t, 1))
        if (sim_choice_unlikely(t, 0, 1) != (gsl_cdf_ugaussian_Q(t) < 0.25))
            fail_msg("t = %.17g: quartile test %d, Q %.17g", t,
                     sim_choice_unlikely(t, 0, 1), gsl_cdf_ugaussian_Q(t));
    assert_true(sim_choice_unlikely(0.6745, 0, 1));
    assert_true(gsl_cdf_ugaussian_Q(0.6745) < 0.25);
    assert_false(sim_choice_unlikely(0.6744, 0, 1));
    assert_false(gsl_cdf_ugaussian_Q(0.6744) < 0.25);
}

/* The thinning rule as first written: Q at every call.  The shortcut that
 * skips Q must give the same winner, the same B and the same draws. */
static int fold_bounded_plain(int n, double upper, double sd, double *B,
                              const double *d, gsl_rng *r)
{
    double qmax = gsl_cdf_ugaussian_Q((*B - upper) / sd);
    double log_miss = log1p(-qmax);
    int best = -1;
    for (double j = -1; qmax > 0 && log_miss < 0;) {
        j += (qmax >= 1 ? 0 : floor(log(gsl_rng_uniform_pos(r)) / log_miss)) + 1;
        if (!(j < n)) break;
        double t = (*B - d[(int)j]) / sd;
        if (!(gsl_rng_uniform(r) * qmax < gsl_cdf_ugaussian_Q(t))) continue;
        double zz;
        if (t > 0) zz = gsl_ran_gaussian_tail(r, t, 1.0);
        else do zz = gsl_ran_gaussian_ziggurat(r, 1.0); while (zz <= t);
        *B = d[(int)j] + sd * zz;
        best = (int)j;
    }
    return best;
}

static void test_choice_bounded_same_draws(void **state)
{
    (void)state;
    enum { N = 200 };
    double d[N];
    sim_rng g, a, b;
    sim_rng_init(&g, 31, 0, 1, 0);
    int landed = 0, spared = 0;
    for (int k = 0; k < 20000; k++) {
        int n = 1 + (int)(gsl_rng_uniform(&g.rng) * N);
        double sd = 0.05 + gsl_rng_uniform(&g.rng);
        double upper = gsl_ran_gaussian(&g.rng, 1.0);
        double B0 = upper + sd * 6 * gsl_rng_uniform(&g.rng);
        for (int i = 0; i < n; i++) d[i] = upper - sd * gsl_ran_exponential(&g.rng, 1.0);
        lazy z = { d, 0 };
        sim_rng_init(&a, 32, (uint64_t)k, 1, 0);
        sim_rng_init(&b, 32, (uint64_t)k, 1, 0);
        double Ba = B0, Bb = B0;
        int wa = sim_choice_fold_bounded(n, upper, sd, &Ba, lazy_score, &z, &a.rng);
        int wb = fold_bounded_plain(n, upper, sd, &Bb, d, &b.rng);
        if (wa != wb || Ba != Bb || gsl_rng_get(&a.rng) != gsl_rng_get(&b.rng))
            fail_msg("case %d (n %d, t %g): winner %d / %d, B %.17g / %.17g",
                     k, n, (B0 - upper) / sd, wa, wb, Ba, Bb);
        landed += z.calls > 0;
        spared += z.calls == 0 && (B0 - upper) / sd > 1;
    }
    assert_true(landed > 1000 && spared > 1000);   /* both paths were taken */
}

static void test_choice_matches_brute_force(void **state)
{
    (void)state;
    const double close[] = { 0, -0.05, -0.1, -0.12, -0.3, -0.45, -0.5, -0.6, -1.0 };
    check_choice(close, 9, 0.1, 0);
    /* many far options (4 sd is 0.8 here) that win a few % of the time */
    double spread[15] = { 0 };
    for (int i = 1; i < 15; i++) spread[i] = -0.81 - 0.01 * i;
    check_choice(spread, 15, 0.2, 1);
    /* every band one sd below the top holds a few options */
    double bands[16];
    for (int i = 0; i < 16; i++) bands[i] = -0.035 * i;
    check_choice(bands, 16, 0.1, 0);
    const double one[] = { 5 };
    check_choice(one, 1, 1.0, 0);
    const double tie[] = { 1, 2, 2, 0 };
    sim_rng s;
    sim_rng_init(&s, 1, 0, 0, 0);
    assert_int_equal(sim_choice_argmax(tie, 4, 0, &s.rng), 1);
}

/* ---- random streams ------------------------------------------------------ */

static void draw(uint64_t seed, uint32_t rep, uint32_t purpose, uint64_t ent,
                 double *out, int n)
{
    sim_rng s;
    sim_rng_init(&s, seed, rep, purpose, ent);
    for (int i = 0; i < n; i++) out[i] = gsl_rng_uniform(&s.rng);
}

/* Common random numbers rest on this: same identity, same numbers. */
static void test_rng_same_identity_same_stream(void **state)
{
    (void)state;
    double a[64], b[64];
    draw(123, 4, 5, 6, a, 64);
    draw(123, 4, 5, 6, b, 64);
    assert_memory_equal(a, b, sizeof a);
}

/* Each of the four parts must matter, including high bits of the 64-bit
 * parts (a key that dropped them would collide across citizens). */
static void test_rng_each_part_changes_stream(void **state)
{
    (void)state;
    double base[16], x[16];
    draw(123, 4, 5, 6, base, 16);
    const struct { uint64_t seed; uint32_t rep, pur; uint64_t ent; } alt[] = {
        { 124, 4, 5, 6 }, { 123 | (1ULL << 40), 4, 5, 6 },
        { 123, 5, 5, 6 }, { 123, 4, 6, 6 },
        { 123, 4, 5, 7 }, { 123, 4, 5, 6 | (1ULL << 50) },
        { 123, 5, 4, 6 },   /* swapped replicate and purpose */
    };
    for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++) {
        draw(alt[i].seed, alt[i].rep, alt[i].pur, alt[i].ent, x, 16);
        int same = 0;
        for (int j = 0; j < 16; j++) same += x[j] == base[j];
        if (same) fail_msg("variant %zu shares %d of 16 draws with the base", i, same);
    }
}

/* A citizen's stream lives as bare state; viewing a copy of it must pick
 * up exactly where the original left off. */
static void test_rng_view_continues(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 99, 1, 2, 3);
    for (int i = 0; i < 10; i++) gsl_rng_uniform(&s.rng);
    sim_rng_state copy = s.state;
    gsl_rng v = sim_rng_view(&copy);
    for (int i = 0; i < 100; i++) {
        double a = gsl_rng_uniform(&s.rng), b = gsl_rng_uniform(&v);
        assert_memory_equal(&a, &b, sizeof a);
    }
    assert_true(copy.counter == s.state.counter);
    /* and through a gsl_ran_* distribution too */
    assert_true(gsl_ran_gaussian(&s.rng, 1.0) == gsl_ran_gaussian(&v, 1.0));
}

static void test_rng_uniform_range_and_mean(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 1, 0, 0, 0);
    enum { N = 100000 };
    double sum = 0;
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(&s.rng);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    /* sd of the mean is 0.29/sqrt(1e5) = 0.0009: 0.01 is > 10 sd */
    assert_true(fabs(sum / N - 0.5) < 0.01);
}

/* Ten equal buckets; sd of a count is ~95, so 5 % (500) is ~5 sd. */
static void test_rng_buckets(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 2, 0, 0, 0);
    enum { N = 100000, B = 10 };
    int count[B] = { 0 };
    for (int i = 0; i < N; i++) count[(int)(gsl_rng_uniform(&s.rng) * B)]++;
    for (int b = 0; b < B; b++)
        if (abs(count[b] - N / B) > 0.05 * N / B)
            fail_msg("bucket %d has %d draws, expected %d +- 5 %%", b, count[b], N / B);
    /* the integer interface (upper 32 bits) must be spread as well */
    int hi[B] = { 0 };
    for (int i = 0; i < N; i++) hi[gsl_rng_uniform_int(&s.rng, B)]++;
    for (int b = 0; b < B; b++) assert_true(abs(hi[b] - N / B) <= 0.05 * N / B);
}

static void check_poisson_mean(double lambda)
{
    sim_rng s;
    sim_rng_init(&s, 3, 0, 9, (uint64_t)lambda);
    enum { N = 100000 };
    double sum = 0;
    for (int i = 0; i < N; i++) sum += gsl_ran_poisson(&s.rng, lambda);
    double sd_mean = sqrt(lambda / N);
    if (fabs(sum / N - lambda) > 5 * sd_mean)
        fail_msg("Poisson(%g) mean %g", lambda, sum / N);
}

/* Poisson via a GSL distribution: the custom type must plug in correctly
 * (small lambda uses uniforms, large lambda the gamma route). */
static void test_rng_poisson_mean(void **state)
{
    (void)state;
    check_poisson_mean(0.7);
    check_poisson_mean(3.5);
    check_poisson_mean(40);
}

/* ---- run plan ------------------------------------------------------------ */

typedef struct plan_ctx {
    int *slot, *writes;
    int n_replicates;
    int fail_replicate;   /* jobs with this replicate fail; -1 none */
} plan_ctx;

static int job_write(void *vctx, int v, int r)
{
    plan_ctx *c = vctx;
    int j = v * c->n_replicates + r;
    c->slot[j] = v * 100 + r;
    #pragma omp atomic
    c->writes[j]++;
    return r == c->fail_replicate;
}

static void run_plan(int threads, int first, int n_jobs, int fail_rep)
{
    enum { V = 3, R = 7 };
    int slot[V * R], writes[V * R] = { 0 };
    for (int j = 0; j < V * R; j++) slot[j] = -1;
    plan_ctx ctx = { slot, writes, R, fail_rep };
    sim_plan p = { V, R, first, n_jobs };
    sim_exec_stats st;
    int failed = sim_plan_run(&p, job_write, &ctx, threads, NULL, &st);
    int want_failed = 0;
    for (int j = 0; j < V * R; j++) {
        int in_slice = j >= first && j < first + n_jobs;
        /* every job of the slice exactly once, nothing outside it */
        assert_int_equal(writes[j], in_slice ? 1 : 0);
        assert_int_equal(slot[j], in_slice ? (j / R) * 100 + j % R : -1);
        want_failed += in_slice && j % R == fail_rep;
    }
    assert_int_equal(failed, want_failed);
    assert_int_equal(st.jobs_failed, want_failed);
    assert_int_equal(st.jobs_done, n_jobs);
    assert_true(st.seconds >= 0);
}

static void test_plan_every_slot_once(void **state)
{
    (void)state;
    run_plan(1, 0, 21, -1);
    run_plan(2, 0, 21, -1);
}

static void test_plan_counts_failures(void **state)
{
    (void)state;
    run_plan(1, 0, 21, 2);     /* one failure per variant: 3 */
    run_plan(2, 0, 21, 2);
}

/* A slice (as a cluster array task would run) touches only its jobs. */
static void test_plan_slice(void **state)
{
    (void)state;
    run_plan(2, 5, 9, 6);
    assert_int_equal(sim_plan_threads(3), 3);
    assert_true(sim_plan_threads(0) >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_pops_in_time_order),
        cmocka_unit_test(test_queue_ties_by_contents),
        cmocka_unit_test(test_queue_grows),
        cmocka_unit_test(test_queue_empty_pop),
        cmocka_unit_test(test_queue_interleaved_vs_reference),
        cmocka_unit_test(test_engine_dispatch_stale_until_stop),
        cmocka_unit_test(test_choice_matches_brute_force),
        cmocka_unit_test(test_choice_bounded_batch),
        cmocka_unit_test(test_choice_chance_bound),
        cmocka_unit_test(test_choice_bounded_same_draws),
        cmocka_unit_test(test_rng_same_identity_same_stream),
        cmocka_unit_test(test_rng_each_part_changes_stream),
        cmocka_unit_test(test_rng_view_continues),
        cmocka_unit_test(test_rng_uniform_range_and_mean),
        cmocka_unit_test(test_rng_buckets),
        cmocka_unit_test(test_rng_poisson_mean),
        cmocka_unit_test(test_plan_every_slot_once),
        cmocka_unit_test(test_plan_counts_failures),
        cmocka_unit_test(test_plan_slice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
