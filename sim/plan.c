/*
 * sim/plan.c - OpenMP executor with a progress line.
 *
 * Jobs are handed out one at a time (dynamic schedule) because replicates
 * differ in length; results cannot depend on that since each job owns its
 * output slot and its random streams are keyed by replicate, not by thread.
 */
#define _GNU_SOURCE   /* sched_getaffinity and CPU_COUNT */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
#include "plan.h"

double sim_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A positive count in environment variable NAME, or 0. */
static int env_count(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s) return 0;
    char *end;
    long n = strtol(s, &end, 10);
    return *end == '\0' && n > 0 && n <= SIM_PLAN_THREADS_MAX ? (int)n : 0;
}

/*
 * Threads: --threads, then OMP_NUM_THREADS (libgomp reads it), then
 * SLURM_CPUS_PER_TASK (what a cluster's scheduler gave this task), then the
 * CPUs this process may run on (its affinity mask, which a scheduler or
 * taskset may have narrowed below the machine's count).  Held to the bound
 * --threads has, as libgomp fails (and crashes) starting some 100,000
 * threads.
 */
int sim_plan_threads(int threads)
{
    int n = threads;
    if (n <= 0 && getenv("OMP_NUM_THREADS")) n = omp_get_max_threads();
    if (n <= 0) n = env_count("SLURM_CPUS_PER_TASK");
    if (n <= 0) {
        cpu_set_t set;
        n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                         : omp_get_max_threads();
    }
    return n < 1 ? 1 : n > SIM_PLAN_THREADS_MAX ? SIM_PLAN_THREADS_MAX : n;
}

static void draw_progress(const sim_progress *pr, int done)
{
    int all = pr->done_before + done;
    double el = sim_wall_seconds() - pr->t0;
    double rate = el > 0 ? all / el : 0;
    double eta = rate > 0 ? (pr->total - all) / rate : 0;
    fprintf(stderr, "\r  %-24.24s %d/%d jobs  %.1f jobs/s  ETA %.0f s   ",
            pr->label ? pr->label : "", all, pr->total, rate, eta);
    if (all >= pr->total) fputc('\n', stderr);
    fflush(stderr);
}

int sim_plan_run(const sim_plan *p, sim_job_fn fn, void *ctx, int threads,
                 const sim_progress *progress, sim_exec_stats *stats)
{
    int done = 0, failed = 0;
    double t0 = sim_wall_seconds();
    int nth = sim_plan_threads(threads);

    #pragma omp parallel for schedule(dynamic, 1) num_threads(nth)
    for (int j = p->first_job; j < p->first_job + p->n_jobs; j++) {
        int v = j / p->n_replicates, r = j % p->n_replicates;
        int rc = fn(ctx, v, r);
        int now;
        #pragma omp atomic capture
        now = ++done;
        if (rc) {
            #pragma omp atomic
            failed++;
        }
        if (progress) {
            #pragma omp critical(sim_progress)
            draw_progress(progress, now);
        }
    }
    if (stats) {
        stats->jobs_done = done;
        stats->jobs_failed = failed;
        stats->seconds = sim_wall_seconds() - t0;
    }
    return failed;
}
