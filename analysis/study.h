/*
 * analysis/study.h - one plan run in pieces: shards, their merge, and
 * journals of finished jobs.
 *
 * Owns: the text that says which plan a journal or shard file belongs to
 * (its header: the plan's digest, the command, the scenario and the options
 * that shape the results, and which shard), the digest itself (CRC-32 and
 * Adler-32 of everything the results depend on: program, command, options,
 * the scenario as resolved and the bytes of its data files), which jobs a
 * shard K of N runs, and reading a folder of shard files (status, merge).
 *
 * A plan's jobs are numbered variant x replicates + replicate (sim/plan);
 * shard K of N runs the jobs [K T / N, (K + 1) T / N) of the T, so any N
 * covers every job exactly once and a shard's jobs do not depend on how
 * many threads or machines run the others.
 *
 * Knows nothing of what a job computes; the command line (placesim.c) runs
 * the jobs and writes the result.
 */
#ifndef ANALYSIS_STUDY_H
#define ANALYSIS_STUDY_H

#include <stddef.h>

/* The commands whose plans can be split, kept and merged. */
typedef enum { STUDY_RUN, STUDY_COMPARE, STUDY_RISK, STUDY_SWEEP } study_mode;
extern const char *const study_mode_name[];

typedef struct study_header {
    char        digest[17];          /* 16 hex digits */
    study_mode  mode;
    char       *scenario, *cwd;      /* as typed; the folder it was typed in */
    long        replicates, years;   /* per variant, after the command line */
    long long   seed;
    int         variants;
    double      threshold;           /* risk */
    int         has_threshold, sensitivity;
    double      step;
    int         shard_k, shard_n;    /* 0 / 0 when not sharded */
    long        total_jobs;
} study_header;

/* The digest of the LEN bytes of each of N pieces, as 16 hex digits. */
void study_digest(const char *const *piece, const size_t *len, int n, char out[17]);

/* The header as text (malloc'd), and back; study_parse returns 0, or -1
 * with ERR set (a header this program did not write). */
char *study_header_text(const study_header *h);
int   study_parse(const char *text, study_header *h, char *err, size_t errlen);
void  study_header_free(study_header *h);

/* The first job and the count of shard K of N over TOTAL jobs. */
void study_shard_jobs(long total, int k, int n, long *first, long *count);

/* The file of shard K of N in folder DIR, into BUF. */
void study_shard_path(const char *dir, int k, int n, char *buf, size_t len);

/*
 * The shard files in DIR: every "shard-K-of-N.jobs" whose header belongs to
 * the same plan.  On success *HEADER is the plan's (of the first file),
 * DONE[k] (n entries, malloc'd) says which shards are there, and
 * RUNNING[k] how many finished jobs a shard still being run (or stopped)
 * has kept in its journal (-1 none).  Returns 0, or -1 with ERR set: no
 * shard at all, files of different plans or shard counts.  A shard file
 * whose header or records are damaged, or that holds fewer jobs than its
 * share, is not done: RUNNING[k] is -2 for it (run it again).
 */
int study_scan(const char *dir, study_header *header, unsigned char **done,
               long **running, char *err, size_t errlen);

/* The shards K with !DONE[K] as a Slurm --array list ("1,3-5") into BUF;
 * the count. */
int study_missing_list(const unsigned char *done, int n, char *buf, size_t len);

#endif
