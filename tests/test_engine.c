/*
 * tests/test_engine.c - the engine layer: event queue (sim/queue), keyed
 * random streams (sim/rng) and the run-plan executor (sim/plan).
 * These know nothing of the market, so they are tested on their own.
 */
#include "tests/testutil.h"
#include <math.h>
#include <gsl/gsl_randist.h>
#include "sim/plan.h"
#include "sim/queue.h"
#include "sim/rng.h"

/* ---- event queue --------------------------------------------------------- */

/* Random times from a fixed-seed stream: a failure is reproducible. */
static void test_queue_pops_in_time_order(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 42, 0, 1, 0);
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 16), 0);
    enum { N = 5000 };
    for (int i = 0; i < N; i++)
        assert_int_equal(sim_queue_push(&q, 1000 * gsl_rng_uniform(&s.rng),
                                        i % 7, i, -i, (uint32_t)i * 3u), 0);
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
        assert_int_equal(e.kind, e.a % 7);
        assert_int_equal(e.b, -e.a);
        assert_int_equal(e.tag, (uint32_t)e.a * 3u);
        last = e.time;
    }
    assert_int_equal(sim_queue_size(&q), 0);
    sim_queue_free(&q);
}

/* Equal times must come out in push order whatever the heap's shape, or
 * runs would depend on implementation details. */
static void test_queue_ties_in_push_order(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 4), 0);
    /* interleave three time values so ties are scattered through the heap */
    for (int i = 0; i < 300; i++)
        assert_int_equal(sim_queue_push(&q, (double)(2 - i % 3), 0, i, 0, 0), 0);
    sim_event e;
    int last_a[3] = { -1, -1, -1 };
    double last_t = -1;
    uint64_t last_seq = 0;
    for (int i = 0; i < 300; i++) {
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        int t = (int)e.time;
        assert_true(e.time >= last_t);
        if (e.time == last_t) assert_true(e.seq > last_seq);
        assert_true(e.a > last_a[t]);        /* push order within a time */
        last_a[t] = e.a;
        last_t = e.time;
        last_seq = e.seq;
    }
    sim_queue_free(&q);
}

/* Initial capacity 1 forces many doublings; nothing may be lost. */
static void test_queue_grows(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 1), 0);
    enum { N = 10000 };
    for (int i = N - 1; i >= 0; i--)
        assert_int_equal(sim_queue_push(&q, i, 0, i, 0, 0), 0);
    assert_true(q.cap >= N);
    sim_event e;
    for (int i = 0; i < N; i++) {
        assert_int_equal(sim_queue_pop(&q, &e), 0);
        assert_int_equal(e.a, i);
    }
    sim_queue_free(&q);
}

static void test_queue_empty_pop(void **state)
{
    (void)state;
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 0), 0);   /* 0: default capacity */
    sim_event e;
    assert_null(sim_queue_peek(&q));
    assert_int_equal(sim_queue_pop(&q, &e), -1);
    assert_int_equal(sim_queue_push(&q, 1.0, 0, 7, 0, 0), 0);
    assert_int_equal(sim_queue_pop(&q, &e), 0);
    assert_int_equal(e.a, 7);
    assert_int_equal(sim_queue_pop(&q, &e), -1);  /* empty again */
    sim_queue_free(&q);
}

/* Reference: unsorted array, remove the minimum (time, push index). */
typedef struct ref_ev { double t; int id; } ref_ev;

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

/* A simulation pushes while popping; times are whole numbers so ties are
 * common and the tie rule is checked under interleaving too. */
static void test_queue_interleaved_vs_reference(void **state)
{
    (void)state;
    sim_rng s;
    sim_rng_init(&s, 7, 3, 2, 1);
    sim_queue q;
    assert_int_equal(sim_queue_init(&q, 2), 0);
    enum { STEPS = 20000 };
    ref_ev *ref = malloc(STEPS * sizeof *ref);
    assert_non_null(ref);
    int n = 0, id = 0;
    double now = 0;
    for (int step = 0; step < STEPS; step++) {
        if (gsl_rng_uniform(&s.rng) < 0.55) {
            /* schedule in the future of the last popped time, as a model does */
            double t = now + (double)gsl_rng_uniform_int(&s.rng, 20);
            assert_int_equal(sim_queue_push(&q, t, 0, id, 0, 0), 0);
            ref[n++] = (ref_ev){ t, id++ };
        } else {
            sim_event e;
            ref_ev want;
            int rr = ref_pop(ref, &n, &want);
            assert_int_equal(sim_queue_pop(&q, &e), rr);
            if (rr == 0) {
                assert_true(e.time == want.t);
                assert_int_equal(e.a, want.id);
                now = e.time;
            }
        }
        assert_int_equal(sim_queue_size(&q), n);
    }
    free(ref);
    sim_queue_free(&q);
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
    int failed = sim_plan_run(&p, job_write, &ctx, threads, 0, &st);
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
        cmocka_unit_test(test_queue_ties_in_push_order),
        cmocka_unit_test(test_queue_grows),
        cmocka_unit_test(test_queue_empty_pop),
        cmocka_unit_test(test_queue_interleaved_vs_reference),
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
