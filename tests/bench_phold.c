/*
 * tests/bench_phold.c - PHOLD events per second on the engine and on the
 * minimal binary-heap loop of tests/phold.h, side by side, by number of
 * LPs.  `make bench` runs it.
 *
 *   bench_phold [SECONDS [RUNS [NLP...]]]
 *
 * Every timed run takes at least about SECONDS (default 1) of CPU time:
 * a short calibration run of both loops picks one end time per size, the
 * same for both.  RUNS (default 1) repeats each timed run and keeps the fastest.
 * NLP defaults to 1024 16384 131072.  Only the loop is timed, not setting
 * up the first events or freeing the queue.
 *
 * Never fails on time.  Exits 1 when the two loops did not handle the same
 * events (count, per-LP counts and the generator's final state): that is
 * the engine's ordering checked against a plain heap, not a timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/phold.h"

/* The loop's own CPU time, not the wall clock: on a shared machine a run
 * that waits for a core would otherwise look slow.  On an idle machine the
 * two agree (the wall clock is printed too). */
typedef struct stopwatch { double cpu, wall; } stopwatch;

static stopwatch watch(void)
{
    struct timespec c, w;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return (stopwatch){ c.tv_sec + c.tv_nsec * 1e-9, w.tv_sec + w.tv_nsec * 1e-9 };
}

static stopwatch since(stopwatch t0)
{
    stopwatch t = watch();
    return (stopwatch){ t.cpu - t0.cpu, t.wall - t0.wall };
}

static void die_oom(void)
{
    fprintf(stderr, "bench_phold: out of memory\n");
    exit(2);
}

/* One run on the engine to END; P is left holding the outcome. */
static stopwatch time_engine(phold *p, uint32_t nlp, double end)
{
    sim_engine *eng = malloc(sizeof *eng);
    if (!eng || phold_init(p, nlp, 0, 0) || phold_engine_init(eng, p)) die_oom();
    stopwatch t0 = watch();
    if (phold_engine_run(eng, end)) die_oom();
    stopwatch dt = since(t0);
    sim_engine_free(eng);
    free(eng);
    return dt;
}

/* One run on the minimal heap to END; P is left holding the outcome. */
static stopwatch time_heap(phold *p, uint32_t nlp, double end)
{
    phold_heap q;
    if (phold_init(p, nlp, 0, 0) || phold_heap_init(&q, p)) die_oom();
    stopwatch t0 = watch();
    phold_heap_run(&q, p, end);
    stopwatch dt = since(t0);
    phold_heap_free(&q);
    return dt;
}

/* The same events, LP by LP, and the same number of draws. */
static int same_outcome(const phold *a, const phold *b)
{
    return a->events == b->events && a->s[0] == b->s[0] && a->s[1] == b->s[1] &&
           memcmp(a->count, b->count, a->nlp * sizeof *a->count) == 0;
}

/* X rounded up to two significant digits: end times that read well. */
static double round_up2(double x)
{
    double scale = pow(10, floor(log10(x)) - 1);
    return ceil(x / scale) * scale;
}

/* An end time at which the faster loop runs for about SECONDS: lengthen a
 * short end time until the faster loop takes 0.1 s, then scale up, with a
 * quarter to spare against noise.  Events grow linearly with the end time
 * (NLP / 2 per unit of time once started). */
static double calibrate(uint32_t nlp, double seconds)
{
    double end = 8;
    for (;;) {
        phold p;
        double te = time_engine(&p, nlp, end).cpu;
        phold_free(&p);
        double th = time_heap(&p, nlp, end).cpu;
        phold_free(&p);
        double fast = te < th ? te : th;
        if (fast >= 0.1) return round_up2(end * 1.25 * seconds / fast);
        end *= fast > 0.01 ? 0.1 / fast * 1.1 : 8;
    }
}

/* RUNS runs of each loop to END, the fastest of each in *TE and *TH.
 * 1 when every run of both handled the same events. */
static int measure(uint32_t nlp, double end, int runs, stopwatch *te,
                   stopwatch *th, uint64_t *events)
{
    int same = 1;
    for (int r = 0; r < runs; r++) {
        phold pe, ph;
        stopwatch t = time_engine(&pe, nlp, end);
        if (r == 0 || t.cpu < te->cpu) *te = t;
        t = time_heap(&ph, nlp, end);
        if (r == 0 || t.cpu < th->cpu) *th = t;
        if (!same_outcome(&pe, &ph)) {
            fprintf(stderr, "bench_phold: %u LPs, end %g: the engine handled %llu "
                    "events, the heap %llu%s\n", nlp, end,
                    (unsigned long long)pe.events, (unsigned long long)ph.events,
                    pe.events == ph.events ? ", but not the same ones" : "");
            same = 0;
        }
        *events = pe.events;
        phold_free(&pe);
        phold_free(&ph);
    }
    return same;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    static const uint32_t sizes[] = { 1024, 16384, 131072 };
    int n_sizes = argc > 3 ? argc - 3 : 3;
    if (!(seconds > 0) || runs < 1) {
        fprintf(stderr, "usage: bench_phold [SECONDS [RUNS [NLP...]]]\n");
        return 2;
    }
    printf("placesim bench: PHOLD (16-byte events, delay 1 + Exp(1), %.0f %% to "
           "another LP), engine vs minimal binary heap, best of %d; "
           "Mev/s per CPU second, s = CPU / wall\n", 100 * PHOLD_REMOTE, runs);
    printf("  %8s %8s %11s %12s %12s %6s  %-4s %-11s  %s\n", "LPs", "end", "events",
           "engine Mev/s", "heap Mev/s", "ratio", "same", "engine s", "heap s");
    fflush(stdout);
    int rc = 0;
    for (int i = 0; i < n_sizes; i++) {
        long v = argc > 3 ? atol(argv[3 + i]) : (long)sizes[i];
        if (v < 1 || v > 1L << 24) {
            fprintf(stderr, "bench_phold: NLP must be 1 to 2^24: %s\n", argv[3 + i]);
            return 2;
        }
        uint32_t nlp = (uint32_t)v;
        double end = calibrate(nlp, seconds);
        stopwatch te = { 0, 0 }, th = { 0, 0 };
        uint64_t events = 0;
        int same;
        /* a calibration on a busy machine can fall short: then lengthen
         * the runs, up to twice, so that the kept runs last SECONDS */
        for (int tries = 0;; tries++) {
            same = measure(nlp, end, runs, &te, &th, &events);
            double least = te.cpu < th.cpu ? te.cpu : th.cpu;
            if (!same || least >= seconds || tries == 2) break;
            end = round_up2(end * 1.25 * seconds / least);
        }
        double me = events / te.cpu * 1e-6, mh = events / th.cpu * 1e-6;
        printf("  %8u %8g %11llu %12.2f %12.2f %6.2f  %-3s  %4.2f / %4.2f  %4.2f / %4.2f\n",
               nlp, end, (unsigned long long)events, me, mh, me / mh,
               same ? "yes" : "NO", te.cpu, te.wall, th.cpu, th.wall);
        fflush(stdout);
        if (!same) rc = 1;
    }
    return rc;
}
