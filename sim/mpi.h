/*
 * sim/mpi.h - a plan's jobs over the ranks of an MPI job (mpirun -np P).
 *
 * Owns: starting and ending MPI, this process's rank and the number of
 * ranks, and carrying finished jobs' blocks (bytes, as sim/journal keeps
 * them) from every rank to rank 0, which alone writes the result.  Rank r
 * runs the same jobs shard r of P would (analysis/study), so the split does
 * not depend on speed and the result is the same bytes as a threaded run.
 *
 * Built with MPI only when the build says so (make MPI=1: PLACESIM_MPI and
 * mpicc); otherwise every call is the one-process case (rank 0 of 1), so
 * callers need no #ifdef.  Knows nothing of what a block holds.
 */
#ifndef SIM_MPI_H
#define SIM_MPI_H

#include <stddef.h>

/* Start MPI (threads only on the main thread call MPI); no-op without it. */
void sim_mpi_init(int *argc, char ***argv);
/* End MPI; call on every rank before exit. */
void sim_mpi_finalize(void);
/* Stop every rank (a rank that cannot go on), with exit status CODE. */
void sim_mpi_abort(int code);
int  sim_mpi_rank(void);
int  sim_mpi_size(void);
/* Whether this build has MPI at all. */
int  sim_mpi_built(void);

/* A worker (rank > 0): send N blocks to rank 0, one at a time: GET gives
 * the I-th (malloc'd, freed here; its job in *JOB, its bytes in *LEN), or
 * NULL when it cannot, which ends the sending as a failure.  N < 0 says
 * the worker failed.  0 or -1. */
typedef void *(*sim_mpi_get_fn)(void *ctx, int i, int *job, size_t *len);
int  sim_mpi_send_jobs(int n, sim_mpi_get_fn get, void *ctx);

/* Rank 0: receive the jobs of worker rank FROM, calling FN for each; the
 * worker's count (negative: it failed), or -1 on a transport error. */
typedef int (*sim_mpi_fn)(void *ctx, int job, const void *data, size_t len);
int  sim_mpi_recv_jobs(int from, sim_mpi_fn fn, void *ctx);

/* Every rank: whether all ranks say OK (a logical and over OK), so that
 * all stop together when one cannot start. */
int  sim_mpi_all(int ok);

#endif
