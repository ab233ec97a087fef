/*
 * sim/plan.h - the run plan and its OpenMP executor.
 *
 * Owns: numbering jobs (job = variant * replicates + replicate), running a
 * slice of them on threads, and the progress line.  A job is fully determined
 * by its index, so the order in which threads take jobs cannot change any
 * result: each job writes only its own output slot.
 * Knows nothing of what a job computes.
 */
#ifndef SIM_PLAN_H
#define SIM_PLAN_H

#include <stddef.h>

typedef struct sim_plan {
    int n_variants;
    int n_replicates;
    int first_job, n_jobs;   /* the slice to run: [first_job, first_job+n_jobs) */
} sim_plan;

/* Run one job; return 0 on success, non-zero on failure (job is recorded). */
typedef int (*sim_job_fn)(void *ctx, int variant, int replicate);

typedef struct sim_exec_stats {
    int    jobs_done, jobs_failed;
    double seconds;
} sim_exec_stats;

static inline int sim_plan_total(const sim_plan *p)
{
    return p->n_variants * p->n_replicates;
}

/* One progress line for a whole invocation that runs several slices:
 * what runs now (e.g. a variant's name), the jobs done before this slice,
 * all the invocation's jobs, and when it began (sim_wall_seconds). */
typedef struct sim_progress {
    const char *label;
    int         done_before, total;
    double      t0;
} sim_progress;

/*
 * Run the plan's slice on THREADS OpenMP threads (0: sim_plan_threads's default:
 * cores).  PROGRESS (NULL: none) draws one line on stderr, rewritten in
 * place: the label, the invocation's jobs done of all, and its overall
 * ETA; it ends the line when the last job of the invocation is done
 * (callers pass it only when stderr is a terminal).  Returns the number of
 * failed jobs.
 */
int sim_plan_run(const sim_plan *p, sim_job_fn fn, void *ctx, int threads,
                 const sim_progress *progress, sim_exec_stats *stats);

/* Thread count that sim_plan_run would use for THREADS. */
#define SIM_PLAN_THREADS_MAX 4096
int sim_plan_threads(int threads);

/* Monotonic wall clock in seconds. */
double sim_wall_seconds(void);

#endif
