/*
 * sim/mpi.c - a plan's jobs over the ranks of an MPI job.
 *
 * Blocks go to rank 0 after the worker's last job, in job order: first the
 * count, then per job its index and length (two 64-bit integers) and its
 * bytes.  Rank 0 takes the workers one after the other, so what it reads
 * never depends on which rank finished first.  One thread per rank calls
 * MPI (MPI_THREAD_FUNNELED): the jobs' OpenMP threads never do.
 */
#include "mpi.h"

#ifdef PLACESIM_MPI
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <mpi.h>

static int started;

void sim_mpi_init(int *argc, char ***argv)
{
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS)
        started = 1;
}

void sim_mpi_finalize(void)
{
    if (started) MPI_Finalize();
    started = 0;
}

void sim_mpi_abort(int code)
{
    if (started) MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int sim_mpi_rank(void)
{
    int r = 0;
    if (started) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int sim_mpi_size(void)
{
    int n = 1;
    if (started) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int sim_mpi_built(void) { return 1; }

int sim_mpi_send_jobs(int n, sim_mpi_get_fn get, void *ctx)
{
    int64_t count = n;
    if (MPI_Send(&count, 1, MPI_INT64_T, 0, 0, MPI_COMM_WORLD) != MPI_SUCCESS) return -1;
    for (int i = 0; i < n; i++) {
        int job = 0;
        size_t len = 0;
        void *block = get(ctx, i, &job, &len);
        /* one message per block; a length of -1 tells rank 0 it ends here */
        int64_t head[2] = { job, block && len <= INT_MAX ? (int64_t)len : -1 };
        int rc = MPI_Send(head, 2, MPI_INT64_T, 0, 1, MPI_COMM_WORLD) != MPI_SUCCESS ||
                 head[1] < 0 ||
                 MPI_Send(block, (int)len, MPI_BYTE, 0, 2, MPI_COMM_WORLD) != MPI_SUCCESS;
        free(block);
        if (rc) return -1;
    }
    return 0;
}

int sim_mpi_recv_jobs(int from, sim_mpi_fn fn, void *ctx)
{
    int64_t count;
    if (MPI_Recv(&count, 1, MPI_INT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS)
        return -1;
    int rc = 0;
    for (int64_t i = 0; i < count; i++) {
        int64_t head[2];
        if (MPI_Recv(head, 2, MPI_INT64_T, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
            head[1] < 0 || head[1] > INT_MAX)
            return -1;   /* a worker that could not read a block sends no more */
        void *b = malloc(head[1] ? (size_t)head[1] : 1);
        if (!b || MPI_Recv(b, (int)head[1], MPI_BYTE, from, 2, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            free(b);
            return -1;
        }
        /* keep receiving after a refusal, so the worker is not left blocked */
        if (rc == 0 && fn) rc = fn(ctx, (int)head[0], b, (size_t)head[1]);
        free(b);
    }
    return rc ? -1 : (int)count;
}

int sim_mpi_all(int ok)
{
    int in = ok != 0, out = in;
    if (started) MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out;
}

#else   /* one process: rank 0 of 1 */

#include <stdlib.h>

void sim_mpi_init(int *argc, char ***argv) { (void)argc; (void)argv; }
void sim_mpi_finalize(void) {}
void sim_mpi_abort(int code) { exit(code); }
int  sim_mpi_rank(void) { return 0; }
int  sim_mpi_size(void) { return 1; }
int  sim_mpi_built(void) { return 0; }
int  sim_mpi_send_jobs(int n, sim_mpi_get_fn get, void *ctx)
{
    (void)n; (void)get; (void)ctx;
    return -1;   /* there is no rank 0 to send to */
}
int  sim_mpi_recv_jobs(int from, sim_mpi_fn fn, void *ctx)
{
    (void)from; (void)fn; (void)ctx;
    return -1;
}
int  sim_mpi_all(int ok) { return ok != 0; }

#endif
