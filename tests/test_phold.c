/*
 * tests/test_phold.c - the engine against a plain binary heap: a small
 * PHOLD (tests/phold.h) run on both must handle the same events in the
 * same order.  Every new event's LP and time depend on the draws so far,
 * so one event out of order changes everything after it.  Nothing here is
 * timed; tests/bench_phold.c is the benchmark.
 */
#include "tests/testutil.h"
#include "tests/phold.h"

static void run_engine(phold *p, uint32_t nlp, uint64_t seed, double end)
{
    sim_engine eng;
    assert_int_equal(phold_init(p, nlp, seed, 1), 0);
    assert_int_equal(phold_engine_init(&eng, p), 0);
    assert_int_equal(phold_engine_run(&eng, end), 0);
    /* the engine's own count agrees with the model's */
    assert_true(eng.handled == p->events);
    assert_true(eng.stale == 0);
    /* one pending event per LP, always */
    assert_int_equal(sim_queue_size(&eng.q), nlp);
    sim_engine_free(&eng);
}

static void run_heap(phold *p, uint32_t nlp, uint64_t seed, double end)
{
    phold_heap q;
    assert_int_equal(phold_init(p, nlp, seed, 1), 0);
    assert_int_equal(phold_heap_init(&q, p), 0);
    phold_heap_run(&q, p, end);
    assert_int_equal(q.n, nlp);
    phold_heap_free(&q);
}

static void check_same(uint32_t nlp, uint64_t seed, double end)
{
    phold a, b;
    run_engine(&a, nlp, seed, end);
    run_heap(&b, nlp, seed, end);
    /* about NLP / 2 events per unit of time: the run did something */
    assert_true(a.events > (uint64_t)(nlp * end / 4));
    assert_true(a.events == b.events);
    assert_true(a.sum == b.sum);
    assert_true(a.s[0] == b.s[0] && a.s[1] == b.s[1]);
    assert_memory_equal(a.count, b.count, nlp * sizeof *a.count);
    phold_free(&a);
    phold_free(&b);
}

/* The case: 64 LPs to time 50. */
static void test_phold_64_lps(void **state)
{
    (void)state;
    check_same(64, 0, 50);
}

/* Other seeds, one LP (every event stays home) and enough LPs for the
 * queue to adapt its width and use its far buckets. */
static void test_phold_other_sizes(void **state)
{
    (void)state;
    check_same(64, 12345, 50);
    check_same(1, 7, 200);
    check_same(2, 7, 200);
    check_same(5000, 3, 40);
}

/* Agreeing sums prove little if the sum ignored the events: another seed
 * must give another sum. */
static void test_phold_checksum_sees_the_stream(void **state)
{
    (void)state;
    phold a, b;
    run_heap(&a, 64, 0, 50);
    run_heap(&b, 64, 1, 50);
    assert_true(a.sum != b.sum);
    phold_free(&a);
    phold_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phold_64_lps),
        cmocka_unit_test(test_phold_other_sizes),
        cmocka_unit_test(test_phold_checksum_sees_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
