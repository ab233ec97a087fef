/*
 * analysis/placesim.c - the command-line tool.
 *
 * The outermost layer: it turns a scenario file into a run plan, runs the
 * plan on threads into one sim_record (the model declares and fills it),
 * prints what a reader needs on the terminal and hands the record, with
 * what this invocation says about itself, to the HDF5 writer.  Exit
 * status: 0 success, 1 a run failed, 2 bad usage or bad input (nothing
 * written).
 */
#define _DEFAULT_SOURCE   /* realpath */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "analysis/calibrate.h"
#include "analysis/compare.h"
#include "analysis/results.h"
#include "analysis/risk.h"
#include "analysis/study.h"
#include "analysis/sweep.h"
#include "analysis/uncertainty.h"
#include "analysis/report.h"
#include "analysis/html.h"
#include "models/kpi.h"
#include "models/market.h"
#include "models/params.h"
#include "sim/journal.h"
#include "sim/mpi.h"
#include "sim/outfile.h"
#include "sim/plan.h"

#ifndef PLACESIM_VERSION
#define PLACESIM_VERSION "0.0.0"
#endif
#ifndef PLACESIM_GIT_COMMIT
#define PLACESIM_GIT_COMMIT "unknown"
#endif

/* 3: compare --until-width wrote its result, but the intervals did not
 * become narrow enough within --max-replicates. */
enum { EXIT_RUN_FAILED = 1, EXIT_BAD_INPUT = 2, EXIT_NOT_NARROW = 3 };
enum { OUT_PATH_MAX = 1024 };   /* longest output path, with its NUL */

static const char usage_text[] =
"usage: placesim COMMAND [OPTIONS]\n"
"\n"
"Simulates the Danish inter-municipal market for places in social care\n"
"(botilbud) under a financing regime, over many replicates.\n"
"\n"
"commands:\n"
"  run SCENARIO      run every variant of SCENARIO and write one HDF5 file\n"
"  compare [SCENARIO] run SCENARIO's variants (default scenarios/regimes.yaml)\n"
"                    on common random numbers; report each variant and its\n"
"                    paired difference from the first, with 95 % intervals\n"
"  risk [SCENARIO]   price-drift risk of SCENARIO's variants (default\n"
"                    scenarios/shocks.yaml: the four regimes under shocks)\n"
"  sweep SCENARIO    run SCENARIO's sweep: design (grid, lhs, sobol, morris):\n"
"                    every point a variant of every variant, on common random\n"
"                    numbers; print and write the sensitivity indices\n"
"  calibrate SCENARIO -o OUT  fit the free parameters to the reported figures\n"
"                    and write them to OUT, a scenario extending SCENARIO\n"
"  validate [SCENARIO] targets against the simulated baseline\n"
"                    (default scenarios/denmark.yaml); writes nothing\n"
"  check SCENARIO    validate SCENARIO and its data; write nothing\n"
"  merge DIR         merge the shard files in DIR (of --shard) into the result\n"
"                    a single run of their plan writes (-o, -f, -q, --report)\n"
"  status DIR        which shards in DIR are done; the missing ones as a Slurm\n"
"                    --array list on stdout (exit 3 while some are missing)\n"
"  report RESULTS.h5 write the report of a result file of run, compare or\n"
"                    risk: one self-contained HTML file (default RESULTS.html)\n"
"                    and the CSV of its tables in RESULTS_files/\n"
"  reference         print the scenario key reference (Markdown)\n"
"  outputs           print the output (KPI) reference (Markdown)\n"
"\n"
"options for run:\n"
"  -r, --replicates N   replicates per variant (default: run.replicates)\n"
"  -s, --seed S         master seed (default: run.seed)\n"
"  -t, --threads N      threads (default: OMP_NUM_THREADS, else\n"
"                       SLURM_CPUS_PER_TASK, else the CPUs this process may use)\n"
"  -y, --years N        simulated years (default: run.years)\n"
"  -o, --output FILE    result file (default: results/SCENARIO-SEED.h5)\n"
"  -f, --force          replace an existing result file\n"
"  -q, --quiet          no summary table\n"
"      --shard K/N      run only shard K (0 to N-1) of the plan's jobs into\n"
"                       DIR/shard-K-of-N.jobs (DIR: -o, default results/\n"
"                       SCENARIO-SEED.shards); placesim merge DIR joins them\n"
"      --resume         continue a run stopped by a kill or signal from the\n"
"                       jobs it kept in OUTPUT.journal (also run, compare, risk)\n"
"  -h, --help           this text\n"
"  -V, --version        program version\n"
"\n"
"options for compare (besides those of run):\n"
"  -w, --until-width W  add batches of replicates until every reported interval\n"
"                       is narrower than W (relative to the reference mean;\n"
"                       absolute for price drift: 0.01 = 1 point)\n"
"  -m, --max-replicates N  stop adding batches here (default 10 x --replicates);\n"
"                       the result is written, but the exit status is 3 when\n"
"                       the intervals are still too wide there\n"
"\n"
"options for risk (besides those of run):\n"
"  -T, --threshold T    yearly drift counted as high, a share (default 0.01)\n"
"  -S, --sensitivity    add a one-at-a-time sensitivity table for the first\n"
"                       variant (each parameter x (1 -+ step))\n"
"      --step S         relative step of the sensitivity (default 0.2)\n"
"\n"
"options for report (and for compare and risk with --report):\n"
"      --report         compare, risk: also write the report of the result file\n"
"      --lang da|en     language of the report (default da)\n"
"      --pdf            also print the report to PDF with headless Chromium\n"
"      --materiality M  differences below M x the reference mean are \"about the\n"
"                       same\" (default 0.01)\n"
"      --price-year Y   fixed prices of year Y (default the first year)\n"
"  report also takes -o (the HTML file), -f and -T (the drift threshold)\n"
"\n"
"options for calibrate: -r N replicates per trial (default 8), -y N years per\n"
"  trial (default 5), -m N simplex iterations at most, over every restart (default 80),\n"
"  -o, -f\n";

typedef struct options {
    long replicates, threads, years, max_replicates;
    double until_width, threshold, step;
    int sensitivity, has_threshold;
    long long seed;
    int  has_seed, force, quiet;
    const char *output;
    /* report */
    int  report, pdf, lang, price_year;   /* lang: 1 + report_lang, 0 default */
    int  has_materiality, has_run_option;  /* report takes none of run's */
    double materiality;
    /* studies: --shard K/N, --resume; merge reads the shards in merge_dir,
     * whose plan is merge_plan */
    int  shard_k, shard_n, resume;
    const char *merge_dir;
    const struct study_header *merge_plan;
} options;

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "placesim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'placesim --help'.\n");
    return EXIT_BAD_INPUT;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) return -1;
    *out = (long)v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        { "replicates", required_argument, 0, 'r' },
        { "seed", required_argument, 0, 's' },
        { "threads", required_argument, 0, 't' },
        { "years", required_argument, 0, 'y' },
        { "output", required_argument, 0, 'o' },
        { "force", no_argument, 0, 'f' },
        { "quiet", no_argument, 0, 'q' },
        { "until-width", required_argument, 0, 'w' },
        { "max-replicates", required_argument, 0, 'm' },
        { "threshold", required_argument, 0, 'T' },
        { "sensitivity", no_argument, 0, 'S' },
        { "step", required_argument, 0, 'P' },
        { "report", no_argument, 0, 'R' },
        { "pdf", no_argument, 0, 'p' },
        { "lang", required_argument, 0, 'L' },
        { "materiality", required_argument, 0, 'M' },
        { "price-year", required_argument, 0, 'Y' },
        { "shard", required_argument, 0, 'K' },
        { "resume", no_argument, 0, 'U' },
        { 0, 0, 0, 0 }
    };
    int ch;
    long v;
    char *end;
    while ((ch = getopt_long(argc, argv, "r:s:t:y:o:fqw:m:T:S", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': o->has_run_option = 1;
            if (parse_long(optarg, 1, 1000000, &v)) return bad_usage("--replicates wants a whole number from 1 to 1000000, got '%s'", optarg);
            o->replicates = v; break;
        case 's': o->has_run_option = 1;
            if (parse_long(optarg, 0, 9007199254740991L, &v)) return bad_usage("--seed wants a whole number from 0 to 2^53-1, got '%s'", optarg);
            o->seed = v; o->has_seed = 1; break;
        case 't': o->has_run_option = 1;
            if (parse_long(optarg, 1, 4096, &v)) return bad_usage("--threads wants a whole number from 1 to 4096, got '%s'", optarg);
            o->threads = v; break;
        case 'y': o->has_run_option = 1;
            if (parse_long(optarg, 1, 100, &v)) return bad_usage("--years wants a whole number from 1 to 100, got '%s'", optarg);
            o->years = v; break;
        case 'w': o->has_run_option = 1;
            o->until_width = strtod(optarg, &end);
            if (*end || end == optarg || !(o->until_width > 0) || o->until_width > 10)
                return bad_usage("--until-width wants a number above 0 and at most 10, got '%s'", optarg);
            break;
        case 'm': o->has_run_option = 1;
            if (parse_long(optarg, 1, 1000000, &v)) return bad_usage("--max-replicates wants a whole number from 1 to 1000000, got '%s'", optarg);
            o->max_replicates = v; break;
        case 'T':
            o->threshold = strtod(optarg, &end);
            if (*end || end == optarg || !(o->threshold > -1) || o->threshold > 1)
                return bad_usage("--threshold wants a share above -1 and at most 1, got '%s'", optarg);
            o->has_threshold = 1;
            break;
        case 'S': o->sensitivity = 1; o->has_run_option = 1; break;
        case 'P': o->has_run_option = 1;
            o->step = strtod(optarg, &end);
            if (*end || end == optarg || !(o->step > 0) || o->step >= 1)
                return bad_usage("--step wants a share above 0 and below 1, got '%s'", optarg);
            break;
        case 'o':
            if (!optarg[0]) return bad_usage("--output wants a file name, got '%s'", optarg);
            if (strlen(optarg) >= OUT_PATH_MAX)
                return bad_usage("--output wants a path shorter than 1024 characters, got '%.40s...'", optarg);
            o->output = optarg;
            break;
        case 'R': o->report = 1; break;
        case 'p': o->pdf = 1; break;
        case 'L':
            /* 0: not given, Danish */
            if (!strcmp(optarg, "da")) o->lang = 1 + REPORT_DA;
            else if (!strcmp(optarg, "en")) o->lang = 1 + REPORT_EN;
            else return bad_usage("--lang wants da or en, got '%s'", optarg);
            break;
        case 'M':
            o->materiality = strtod(optarg, &end);
            if (*end || end == optarg || !(o->materiality >= 0) || o->materiality >= 1)
                return bad_usage("--materiality wants a share from 0 to below 1, got '%s'", optarg);
            o->has_materiality = 1;
            break;
        case 'Y':
            if (parse_long(optarg, 1900, 2200, &v)) return bad_usage("--price-year wants a year, got '%s'", optarg);
            o->price_year = (int)v; break;
        case 'K': {
            /* digits only: sscanf would take signs and spaces, and wrap */
            char kbuf[16] = "", *slash = strchr(optarg, '/');
            long k = -1, n = -1;
            o->has_run_option = 1;
            size_t kl = slash ? (size_t)(slash - optarg) : 0;
            if (slash && kl > 0 && kl < sizeof kbuf &&
                strspn(optarg, "0123456789") == kl && slash[1] &&
                strspn(slash + 1, "0123456789") == strlen(slash + 1)) {
                memcpy(kbuf, optarg, kl);
                if (parse_long(kbuf, 0, 99999, &k) || parse_long(slash + 1, 1, 100000, &n)) k = -1;
            }
            if (k < 0 || n < 1 || k >= n)
                return bad_usage("--shard wants K/N, shard K (from 0) of N (1 to 100000), got '%s'", optarg);
            o->shard_k = (int)k;
            o->shard_n = (int)n;
            break;
        }
        case 'U': o->resume = 1; o->has_run_option = 1; break;
        case 'f': o->force = 1; break;
        case 'q': o->quiet = 1; break;
        default: return EXIT_BAD_INPUT;
        }
    }
    return 0;
}

/* ---- the run ----------------------------------------------------------- */

/* The folder that holds PATH, into DIR of N bytes ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t n)
{
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, n, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
}

typedef struct run_ctx {
    params     *variant;      /* n_variants params */
    muni_table *munis;        /* n_variants tables */
    sim_record *rec;          /* a pool: the values of the jobs running now */
    double     *events;       /* per job: summed after, in job order */
    /* Every finished job's block is kept in a file as it finishes, and read
     * back from there when the result is written, so that no job's values
     * stay in memory: job j's block is in source src[j] (SRC_JOURNAL,
     * SRC_GATHERED, or a merge's shard number) at offset at[j] (-1: not
     * kept yet), at_len[j] bytes. */
    sim_journal *journal;     /* this run's (NULL: a merge) */
    const char  *jpath, *gpath, *merge_dir;
    int          merge_n;
    long long   *at;
    size_t      *at_len;
    int         *src;
    unsigned char *resumed;   /* [job]: taken from a stopped run's journal */
    int          src_open, src_fd;   /* the source file open for reading */
    /* the journal could not be written, or a kept job not read back: either
     * way the journal is kept for --resume */
    int          journal_failed, read_failed;
    long         jobs_left;        /* for the room check after the first job */
    int          room_checked;
    /* --until-width: every job's series without an axis, for the stopping
     * rule between batches (NULL otherwise) */
    sim_record  *national;
    /* uncertainty: the params of variant v under draw d at v x draws + d;
     * replicate r runs draw r / per_draw (NULL: none) */
    params      *drawn;
    muni_table  *drawn_mt;
    int          draws, per_draw;
} run_ctx;

enum { SRC_JOURNAL = -1, SRC_GATHERED = -2 };   /* a merge's sources are shards 0.. */

/* A job's block in a journal or shard file: its count of events, then its
 * slots (sim_record_pack_job).  The block (malloc'd), or NULL. */
static void *job_block(const run_ctx *ctx, int v, int r, size_t *len)
{
    size_t n = sim_record_job_bytes(ctx->rec, v, r);
    unsigned char *b = n ? malloc(sizeof(double) + n) : NULL;
    if (!b) return NULL;
    memcpy(b, &ctx->events[sim_record_job(ctx->rec, v, r)], sizeof(double));
    if (sim_record_pack_job(ctx->rec, v, r, b + sizeof(double), n)) {
        free(b);
        return NULL;
    }
    *len = sizeof(double) + n;
    return b;
}

/* Job (V, R)'s values from a block, into its slot (bound by the caller);
 * 0 or -1 (a block of another shape). */
static int job_unblock(run_ctx *ctx, int v, int r, const void *data, size_t len)
{
    if (len < sizeof(double)) return -1;
    return sim_record_unpack_job(ctx->rec, v, r, (const unsigned char *)data + sizeof(double),
                                 len - sizeof(double));
}

/* Bind and release job (V, R)'s slot of the pool.  A bind fails only if
 * more threads run jobs than the pool has slots for: a bug, said so. */
static int pool_bind(run_ctx *ctx, int v, int r)
{
    int rc;
    #pragma omp critical(placesim_pool)
    rc = sim_record_bind(ctx->rec, v, r);
    if (rc) fprintf(stderr, "placesim: no free slot for job (%d, %d)\n", v, r);
    return rc;
}

static void pool_release(run_ctx *ctx, int v, int r)
{
    #pragma omp critical(placesim_pool)
    sim_record_release(ctx->rec, v, r);
}

/* The file that holds source SRC, for reading and for messages. */
static void source_path(const run_ctx *ctx, int src, char *buf, size_t n)
{
    if (src == SRC_JOURNAL) snprintf(buf, n, "%s", ctx->jpath);
    else if (src == SRC_GATHERED) snprintf(buf, n, "%s", ctx->gpath);
    else study_shard_path(ctx->merge_dir, src, ctx->merge_n, buf, n);
}

/* Job JOB's kept block, read back from its file (malloc'd, *LEN bytes),
 * or NULL after saying why.  One thread at a time. */
static void *kept_block(run_ctx *ctx, long job, size_t *len)
{
    assert(ctx->at[job] >= 0);   /* every job asked for was kept */
    char path[8192], err[9000];
    source_path(ctx, ctx->src[job], path, sizeof path);
    if (ctx->src_fd < 0 || ctx->src_open != ctx->src[job]) {
        if (ctx->src_fd >= 0) close(ctx->src_fd);
        ctx->src_open = ctx->src[job];
        ctx->src_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (ctx->src_fd < 0) {
            fprintf(stderr, "placesim: cannot read %s again: %s\n", path, strerror(errno));
            return NULL;
        }
    }
    void *b = malloc(ctx->at_len[job] ? ctx->at_len[job] : 1);
    if (!b) return fprintf(stderr, "placesim: out of memory\n"), NULL;
    if (sim_journal_fetch(ctx->src_fd, path, ctx->at[job], (int)job, b, ctx->at_len[job],
                          err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        free(b);
        return NULL;
    }
    *len = ctx->at_len[job];
    return b;
}

/* A job's series without an axis, from its slot to the national record. */
static void copy_national(run_ctx *ctx, int v, int r)
{
    size_t n = 0;
    for (size_t k = 0; k < ctx->rec->n_series; k++) {
        if (ctx->rec->series[k].axis != SIM_AXIS_NONE) continue;
        memcpy(sim_record_slot(ctx->national, n++, v, r), sim_record_slot(ctx->rec, k, v, r),
               (size_t)ctx->rec->n_years * sizeof(double));
    }
    sim_record_set_done(ctx->national, v, r, 1);
}

/* The national series of a job a stopped run kept (--until-width only):
 * its block read back into a slot.  0 or -1. */
static int national_of_kept(run_ctx *ctx, int v, int r)
{
    size_t len, job = sim_record_job(ctx->rec, v, r);
    void *b;
    #pragma omp critical(placesim_source)
    b = kept_block(ctx, (long)job, &len);
    int rc = b ? pool_bind(ctx, v, r) : -1;
    if (rc == 0) {
        rc = job_unblock(ctx, v, r, b, len);
        if (rc == 0) copy_national(ctx, v, r);
        else fprintf(stderr, "placesim: a kept job (%d, %d) does not fit the plan\n", v, r);
        pool_release(ctx, v, r);
    }
    free(b);
    if (rc) ctx->read_failed = 1;
    return rc;
}

/* Keep finished job (V, R) in the journal and note where.  0, or -1: the
 * job's values are lost with its slot, so the job counts as failed (the
 * journal keeps the others for --resume). */
static int keep_finished(run_ctx *ctx, int v, int r)
{
    size_t len = 0, job = sim_record_job(ctx->rec, v, r);
    void *b = job_block(ctx, v, r, &len);
    long long at = -1;
    char err[1200];
    int rc = 0;
    #pragma omp critical(placesim_journal)
    {
        if (!b) {
            snprintf(err, sizeof err, "out of memory keeping job (%d, %d)", v, r);
            rc = -1;
        } else {
            rc = sim_journal_append(ctx->journal, (int)job, b, len, &at, err, sizeof err);
        }
        if (rc && !ctx->journal_failed) fprintf(stderr, "placesim: %s\n", err);
        if (rc) ctx->journal_failed = 1;
        if (rc == 0 && !ctx->room_checked) {
            /* The check before the run knew only a job's series; the first
             * job's block, its table rows too, tells what the rest need. */
            ctx->room_checked = 1;
            struct statvfs fs;
            char dir[8192];
            folder_of(ctx->journal->path, dir, sizeof dir);
            double need = (double)len * (double)(ctx->jobs_left > 1 ? ctx->jobs_left - 1 : 0);
            if (statvfs(dir, &fs) == 0 && need > (double)fs.f_bavail * (double)fs.f_frsize)
                fprintf(stderr, "placesim: warning: at %.0f KiB a job, the journal needs "
                        "%.3g GiB more for the jobs left, and %s has %.3g GiB free: the run "
                        "will stop when the disk is full (the journal is kept for "
                        "--resume)\n", (double)len / 1024.0, need / 1073741824.0, dir,
                        (double)fs.f_bavail * (double)fs.f_frsize / 1073741824.0);
        }
    }
    free(b);
    if (rc == 0) {
        ctx->at_len[job] = len;
        ctx->src[job] = SRC_JOURNAL;
        ctx->at[job] = at;
    }
    return rc;
}

/* Variants share the seed (variants_comparable): common random numbers.
 * A job runs in a slot of the pool, which it gives back once its values
 * are in the journal. */
static int run_job(void *vctx, int v, int r)
{
    run_ctx *ctx = vctx;
    const params *p = &ctx->variant[v];
    size_t job = sim_record_job(ctx->rec, v, r);
    if (ctx->at[job] >= 0) {     /* finished before a stop: in the journal */
        int rc = ctx->national ? national_of_kept(ctx, v, r) : 0;
        if (rc == 0) sim_record_set_done(ctx->rec, v, r, 1);
        return rc;
    }
    const muni_table *mt = &ctx->munis[v];
    if (ctx->drawn) {
        size_t at = (size_t)v * (size_t)ctx->draws + (size_t)(r / ctx->per_draw);
        p = &ctx->drawn[at];
        mt = &ctx->drawn_mt[at];
    }
    if (pool_bind(ctx, v, r)) return -1;
    int rc = market_run(p, mt, ctx->variant[0].seed, v, r, ctx->rec, &ctx->events[job]);
    if (rc == 0) rc = keep_finished(ctx, v, r);
    if (rc == 0 && ctx->national) copy_national(ctx, v, r);
    if (rc == 0) sim_record_set_done(ctx->rec, v, r, 1);
    pool_release(ctx, v, r);
    return rc;
}

/* A job whose values stay in a record that holds every job (run_quietly:
 * no journal, nothing written). */
static int run_held(void *vctx, int v, int r)
{
    run_ctx *ctx = vctx;
    int rc = market_run(&ctx->variant[v], &ctx->munis[v], ctx->variant[0].seed, v, r, ctx->rec,
                        &ctx->events[sim_record_job(ctx->rec, v, r)]);
    if (rc == 0) sim_record_set_done(ctx->rec, v, r, 1);
    return rc;
}

static char *dup_text(const char *s) { return strdup(s ? s : ""); }

static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = calloc(n, 1);
    if (!s) return NULL;
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static void default_output(const char *scenario, unsigned long long seed,
                           char *out, size_t n)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t len = strcspn(base, ".");
    snprintf(out, n, "results/%.*s-%llu.h5", (int)len, base, seed);
}

/* Refuse, before any work, an output the write at the end could not name:
 * a folder (even with --force: rename would fail or put a file inside it),
 * a missing or unwritable parent folder, an existing file without --force.
 * Returns 0, or EXIT_BAD_INPUT after saying why. */
static int output_check(const char *path, int force)
{
    struct stat st;
    size_t n = strlen(path);
    if (n == 0) return bad_usage("--output wants a file name, got '%s'", path);
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        if (*c < 0x20 || *c == 0x7f)   /* it is echoed in every message */
            return bad_usage("--output wants a file name without control "
                             "characters%s", "");
    if (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        fprintf(stderr, "placesim: %s is a folder; -o wants a file name\n", path);
        return EXIT_BAD_INPUT;
    }
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
        /* --force replaces results, not devices, FIFOs or sockets */
        fprintf(stderr, "placesim: %s exists and is not a regular file; "
                "-o wants a result file\n", path);
        return EXIT_BAD_INPUT;
    }
    if (lstat(path, &st) == 0) {
        if (!force) {
            fprintf(stderr, "placesim: %s exists; use --force to replace it\n", path);
            return EXIT_BAD_INPUT;
        }
    } else if (errno != ENOENT) {   /* e.g. a parent that is a file, or no search right */
        fprintf(stderr, "placesim: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    char dir[OUT_PATH_MAX];
    folder_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0 || access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "placesim: cannot write to folder '%s': %s\n", dir,
                strerror(errno));
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* Just before writing: a file that was not there when the run began but is
 * now came from another run, and is kept.  Returns 0 or EXIT_RUN_FAILED. */
static int output_still_free(const char *path, int force)
{
    struct stat st;
    if (force || lstat(path, &st) != 0) return 0;
    fprintf(stderr, "placesim: %s was written by another run while this one ran; "
            "this result was not saved\n", path);
    return EXIT_RUN_FAILED;
}

/* A scenario loaded for running: one params and municipality table per
 * variant, and the variants' names. */
typedef struct loaded {
    cfg        *c;
    params     *p;
    muni_table *mt;
    char      **names;
    int         n;
} loaded;

/* Whether PATH is a file the scenario of L reads (a file of its extends
 * chain, or a table a variant loads): --force replaces results, never the
 * input they come from.  Says so and returns 1. */
static int output_is_input(const loaded *l, const char *path)
{
    struct stat out, in;
    if (stat(path, &out) != 0) return 0;
    const char *hit = NULL;
    for (int i = 0; !hit && i < cfg_file_count(l->c); i++)
        if (stat(cfg_file(l->c, i), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            hit = cfg_file(l->c, i);
    for (int v = 0; !hit && v < l->n; v++) {
        const char *files[3] = { l->p[v].municipalities_file, l->p[v].offers_file,
                                 l->p[v].adults_file };
        for (int i = 0; !hit && i < 3; i++)
            if (files[i][0] && stat(files[i], &in) == 0 && in.st_dev == out.st_dev &&
                in.st_ino == out.st_ino)
                hit = files[i];
    }
    if (hit)
        fprintf(stderr, "placesim: -o %s is %s, which the scenario reads; --force replaces "
                "results, not their input\n", path, hit);
    return hit != NULL;
}


static void loaded_free(loaded *l)
{
    if (l->names)
        for (int v = 0; v < l->n; v++) free(l->names[v]);
    free(l->names);
    free(l->p);
    for (int v = 0; l->mt && v < l->n; v++) muni_table_free_offers(&l->mt[v]);
    free(l->mt);
    if (l->c) cfg_free(l->c);
    memset(l, 0, sizeof *l);
}

/* Parameters of variant V from its configuration VC, with the command
 * line's overrides; 0 or -1. */
static int load_params(loaded *l, int v, const cfg *vc, const options *o, cfg_error *err)
{
    params *p = &l->p[v];
    int rc = params_load(vc, p, err);
    if (rc == 0 && access(p->municipalities_file, R_OK) != 0)
        rc = cfg_fail(vc, "run.municipalities", err, "cannot read '%s': %s",
                      p->municipalities_file, strerror(errno)) - 1;
    if (rc == 0) rc = muni_table_load(p->municipalities_file, &l->mt[v], err);
    if (rc == 0)
        rc = muni_table_bind(vc, p, &l->mt[v], err);
    /* a table that cannot be read is the scenario key's error */
    if (rc == 0 && p->offers_file[0] && access(p->offers_file, R_OK) != 0)
        rc = cfg_fail(vc, "run.offers", err, "cannot read '%s': %s",
                      p->offers_file, strerror(errno)) - 1;
    if (rc == 0 && p->offers_file[0])
        rc = start_offers_load(p->offers_file, p, &l->mt[v], err);
    if (rc == 0 && p->adults_file[0] && access(p->adults_file, R_OK) != 0)
        rc = cfg_fail(vc, "run.adults_by_year", err, "cannot read '%s': %s",
                      p->adults_file, strerror(errno)) - 1;
    if (rc == 0 && p->adults_file[0])
        rc = adults_table_load(p->adults_file, p, &l->mt[v], err);
    if (o->replicates) p->replicates = (int)o->replicates;
    if (o->has_seed) p->seed = (uint64_t)o->seed;
    if (o->years) p->years = (int)o->years;
    /* a shorter horizon on the command line must still reach the regimes */
    if (rc == 0 && p->regime_starts >= p->years)
        rc = cfg_fail(vc, "regime.starts_after", err, "%d years after the base year is "
                      "beyond the horizon of --years (%d)", p->regime_starts, p->years) - 1;
    return rc;
}

/* Parameters of the scenario's variant V; 0 or -1. */
static int load_variant(loaded *l, int v, const options *o, cfg_error *err)
{
    int nv = cfg_variant_count(l->c);
    cfg *vc = nv ? cfg_variant(l->c, v) : l->c;
    if (!vc) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return -1;
    }
    int rc = load_params(l, v, vc, o, err);
    l->names[v] = strdup(nv ? cfg_variant_name(l->c, v) : l->p[v].regime);
    if (nv) cfg_free(vc);
    return rc;
}

/* Load the scenario into one params per variant; prints errors. */
static int load_scenario(const char *path, const options *o, loaded *l)
{
    cfg_error err = { 0 };
    memset(l, 0, sizeof *l);
    l->c = cfg_load(path, params_keys(), params_keys_len(), &err);
    if (!l->c) {
        fprintf(stderr, "placesim: %s\n", err.message);
        return EXIT_BAD_INPUT;
    }
    int nv = cfg_variant_count(l->c);
    l->n = nv ? nv : 1;
    l->p = calloc((size_t)l->n, sizeof *l->p);
    l->mt = calloc((size_t)l->n, sizeof *l->mt);
    l->names = calloc((size_t)l->n, sizeof *l->names);
    if (!l->p || !l->mt || !l->names) {
        fprintf(stderr, "placesim: out of memory\n");
        loaded_free(l);
        return EXIT_RUN_FAILED;
    }
    for (int v = 0; v < l->n; v++)
        if (load_variant(l, v, o, &err)) {
            fprintf(stderr, "placesim: %s\n", err.message);
            loaded_free(l);
            return EXIT_BAD_INPUT;
        }
    return 0;
}

/* Append two variants per sensitivity knob: variant 0 with the knob at
 * value x (1 - step) and x (1 + step), clamped to the key's range. */
static int add_sensitivity(loaded *l, double step, double *low, double *high)
{
    int n = l->n + 2 * (int)params_sensitivity_len;
    params *p = realloc(l->p, (size_t)n * sizeof *p);
    if (p) l->p = p;
    muni_table *mt = realloc(l->mt, (size_t)n * sizeof *mt);
    if (mt) l->mt = mt;
    char **nm = realloc(l->names, (size_t)n * sizeof *nm);
    if (nm) l->names = nm;
    if (!p || !mt || !nm) return -1;
    for (size_t i = 0; i < params_sensitivity_len; i++)
        for (int side = 0; side < 2; side++) {
            int v = l->n++;
            const params_knob *k = &params_sensitivity[i];
            l->p[v] = l->p[0];
            l->mt[v] = l->mt[0];
            double x = params_get_knob(&l->p[0], k) * (side ? 1 + step : 1 - step);
            double set = params_set_knob(&l->p[v], k, x);
            (side ? high : low)[i] = set;
            char name[128];
            snprintf(name, sizeof name, "%s%c", k->key, side ? '+' : '-');
            l->names[v] = strdup(name);
        }
    return 0;
}

/*
 * uncertainty: the params of every variant under every parameter draw, at
 * v x draws + d in DL.  A prior's key that a variant sets itself (a policy
 * the variant is about, e.g. talks switched off) keeps the variant's
 * value: the prior is not applied there.  0, or EXIT_BAD_INPUT after
 * saying why.
 */
static int draws_expand(const loaded *l, const options *o, const unc_design *u, loaded *dl)
{
    int nv = cfg_variant_count(l->c), D = u->draws;
    size_t n = (size_t)l->n * (size_t)D;
    dl->c = NULL;
    dl->p = calloc(n, sizeof *dl->p);
    dl->mt = calloc(n, sizeof *dl->mt);
    dl->names = NULL;
    dl->n = 0;
    if (!dl->p || !dl->mt) { fprintf(stderr, "placesim: out of memory\n"); exit(EXIT_RUN_FAILED); }
    cfg_error err = { 0 };
    for (int v = 0; v < l->n; v++) {
        cfg *vc = nv ? cfg_variant(l->c, v) : l->c;
        if (!vc) { fprintf(stderr, "placesim: out of memory\n"); exit(EXIT_RUN_FAILED); }
        const char *keys[UNC_MAX_PRIORS];
        int idx[UNC_MAX_PRIORS], k = 0;
        for (int j = 0; j < u->n; j++)
            if (!nv || cfg_real(vc, u->p[j].key) == cfg_real(l->c, u->p[j].key)) {
                keys[k] = u->p[j].key;
                idx[k++] = j;
            }
        for (int d = 0; d < D; d++) {
            double x[UNC_MAX_PRIORS];
            for (int q = 0; q < k; q++) x[q] = u->x[(size_t)d * u->n + idx[q]];
            cfg *vd = cfg_with_numbers(vc, keys, x, k, &err);
            int rc = !vd || load_params(dl, v * D + d, vd, o, &err);
            cfg_free(vd);
            dl->n = v * D + d + 1;
            if (rc) {
                fprintf(stderr, "placesim: parameter draw %d of variant '%s': %s\n", d,
                        l->names[v], err.message);
                if (nv) cfg_free(vc);
                return EXIT_BAD_INPUT;
            }
        }
        if (nv) cfg_free(vc);
    }
    return 0;
}

/* The KPIs a sweep may take as outputs: compare's horizon aggregates. */
static int sweep_output_names(const char **names)
{
    for (size_t i = 0; i < compare_n_aggs; i++) names[i] = compare_aggs[i].series;
    return (int)compare_n_aggs;
}

/* Most variants a sweep makes (scenario variants x design points). */
#define SWEEP_VARIANTS_MAX SWEEP_MAX_POINTS

/*
 * sweep: every design point of D becomes a variant of every variant of the
 * scenario (the cross product, scenario variant first: variant b x P + p
 * is scenario variant b at point p), all on the same seed, so every point
 * runs on common random numbers.  A variant may not change the sweep:
 * section.  0, or EXIT_BAD_INPUT after saying why.
 */
static int sweep_expand(loaded *l, const options *o, sweep_design *d)
{
    const char *names[64];
    int n_names = sweep_output_names(names);
    cfg_error err = { 0 };
    if (sweep_load(l->c, names, n_names, d, &err)) {
        fprintf(stderr, "placesim: %s\n", err.message);
        return EXIT_BAD_INPUT;
    }
    if (d->kind == SWEEP_NONE) {
        fprintf(stderr, "placesim: %s has no sweep: section (sweep.design and "
                "sweep.factors; see scenarios/sweep_small.yaml)\n", cfg_file(l->c, cfg_file_count(l->c) - 1));
        return EXIT_BAD_INPUT;
    }
    int nb = l->n, P = d->n_points, nv = cfg_variant_count(l->c);
    if ((long)nb * P > SWEEP_VARIANTS_MAX) {
        cfg_fail(l->c, "sweep.points", &err, "%d variants x %d design points make %ld "
                 "variants of the plan, more than %d; use fewer points or variants", nb, P,
                 (long)nb * P, SWEEP_VARIANTS_MAX);
        fprintf(stderr, "placesim: %s\n", err.message);
        return EXIT_BAD_INPUT;
    }
    loaded x = { l->c, calloc((size_t)nb * P, sizeof(params)),
                 calloc((size_t)nb * P, sizeof(muni_table)),
                 calloc((size_t)nb * P, sizeof(char *)), 0 };
    if (!x.p || !x.mt || !x.names) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    int rc = 0;
    for (int b = 0; b < nb && rc == 0; b++) {
        cfg *vb = nv ? cfg_variant(l->c, b) : l->c;
        if (!vb) { fprintf(stderr, "placesim: out of memory\n"); exit(EXIT_RUN_FAILED); }
        if (nv) {
            sweep_design e;
            cfg_error e_err = { 0 };
            int same = sweep_load(vb, names, n_names, &e, &e_err) == 0 &&
                       e.n_points == P && e.k == d->k &&
                       !memcmp(e.x, d->x, (size_t)P * (size_t)d->k * sizeof *e.x);
            for (int j = 0; same && j < d->k; j++) same = !strcmp(e.f[j].key, d->f[j].key);
            sweep_free(&e);
            if (!same) {
                fprintf(stderr, "placesim: %s: variant '%s' changes the sweep: section; "
                        "the design is the scenario's, the same for every variant\n",
                        cfg_file(l->c, cfg_file_count(l->c) - 1), cfg_variant_name(l->c, b));
                rc = EXIT_BAD_INPUT;
            }
        }
        for (int j = 0; nv && j < d->k; j++)
            if (cfg_real(vb, d->f[j].key) != cfg_real(l->c, d->f[j].key))
                fprintf(stderr, "placesim: note: variant '%s' sets %s itself; the sweep's "
                        "points set it instead\n", cfg_variant_name(l->c, b), d->f[j].key);
        for (int pt = 0; pt < P && rc == 0; pt++) {
            int v = b * P + pt;
            const char *keys[SWEEP_MAX_FACTORS];
            for (int j = 0; j < d->k; j++) keys[j] = d->f[j].key;
            cfg *vp = cfg_with_numbers(vb, keys, d->x + (size_t)pt * d->k, d->k, &err);
            if (!vp || load_params(&x, v, vp, o, &err)) {
                fprintf(stderr, "placesim: design point %d: %s\n", pt, err.message);
                rc = EXIT_BAD_INPUT;
            }
            cfg_free(vp);
            char name[160];
            if (nb > 1 || nv) snprintf(name, sizeof name, "%s-p%d", l->names[b], pt);
            else snprintf(name, sizeof name, "p%d", pt);
            x.names[v] = strdup(name);
            x.n = v + 1;
        }
        if (nv) cfg_free(vb);
    }
    if (rc) {
        x.c = NULL;
        loaded_free(&x);
        return rc;
    }
    /* the scenario's own variants give way to the points */
    l->c = NULL;
    loaded_free(l);
    *l = x;
    return 0;
}

/* Variants are compared replicate by replicate: they must share the plan. */
static int variants_comparable(const char *scenario, const loaded *l)
{
    const params *p = l->p;
    for (int v = 1; v < l->n; v++)
        if (p[v].years != p[0].years || p[v].replicates != p[0].replicates ||
            p[v].seed != p[0].seed || l->mt[v].n != l->mt[0].n ||
            p[v].n_groups != p[0].n_groups || p[v].start_year != p[0].start_year ||
            p[v].long_wait_days != p[0].long_wait_days) {
            fprintf(stderr, "placesim: %s: variant '%s' changes run.years, "
                    "run.start_year, run.replicates, run.seed, the municipalities, "
                    "the groups or outputs.long_wait_days (a measure, not a policy); "
                    "variants must share them to be compared\n",
                    scenario, l->names[v]);
            return 0;
        }
    return 1;
}

static char *resolved_all(const cfg *c, char **names, int n)
{
    if (cfg_variant_count(c) == 0)
        return cfg_resolved_yaml(c, params_keys(), params_keys_len());
    size_t len = 1;
    char **parts = calloc((size_t)n, sizeof *parts);
    for (int v = 0; v < n; v++) {
        cfg *vc = cfg_variant(c, v);
        parts[v] = vc ? cfg_resolved_yaml(vc, params_keys(), params_keys_len()) : NULL;
        if (vc) cfg_free(vc);
        len += (parts[v] ? strlen(parts[v]) : 0) + strlen(names[v]) + 32;
    }
    char *s = calloc(len, 1);
    for (int v = 0; v < n; v++) {
        strcat(s, "# --- variant ");
        strcat(s, names[v]);
        strcat(s, " ---\n");
        if (parts[v]) strcat(s, parts[v]);
        free(parts[v]);
    }
    free(parts);
    return s;
}

/*
 * A record that holds every job's values (compare --until-width's national
 * series) and would not fit in three quarters of the machine's memory is
 * refused up front: the system would otherwise grant the memory lazily and
 * kill the run hours later.
 */
static int plan_fits(const sim_record *rec)
{
    size_t need = sim_record_bytes(rec);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double have = pages > 0 && page > 0 ? (double)pages * (double)page : 0;
    if (need != SIZE_MAX && (have <= 0 || (double)need <= 0.75 * have)) return 1;
    fprintf(stderr, "placesim: %d variant%s x %d replicates x %d years would hold "
            "%.3g GiB of results in memory, more than three quarters of this "
            "machine's %.3g GiB; run fewer replicates or years\n", rec->n_variants,
            rec->n_variants == 1 ? "" : "s", rec->n_replicates, rec->n_years,
            need == SIZE_MAX ? INFINITY : (double)need / 1073741824.0,
            have / 1073741824.0);
    return 0;
}

/*
 * Every finished job is kept in the journal until the result is written,
 * so a plan whose journal would not fit on the disk it goes to is refused
 * before it runs, rather than failing when the disk is full.  A lower
 * bound only: a job's block holds at least its series' values (its table
 * rows come on top, and the result file itself needs room beside the
 * journal), so a plan that passes may still fill the disk, and is then
 * stopped with its journal kept.  JOBS counts those this process keeps
 * (MPI rank 0: the workers' as well, in the gathered file beside it).
 */
static int journal_fits(const sim_record *rec, long jobs, const char *jpath)
{
    double per_job = sizeof(double) + 24;   /* its events, the record's frame */
    for (size_t k = 0; k < rec->n_series; k++)
        per_job += (double)rec->n_years * sim_record_width(rec, k) * sizeof(double);
    double need = per_job * (double)jobs;
    struct stat st;
    if (stat(jpath, &st) == 0) need -= (double)st.st_size;   /* kept already */
    char dir[8192];
    folder_of(jpath, dir, sizeof dir);
    struct statvfs fs;
    if (statvfs(dir, &fs) != 0) return 1;   /* unknown: the writes will tell */
    double have = (double)fs.f_bavail * (double)fs.f_frsize;
    if (need <= have) return 1;
    fprintf(stderr, "placesim: %ld jobs of %d years would keep at least %.3g GiB of "
            "finished jobs in %s until the result is written, more than the %.3g GiB "
            "free there; run fewer replicates or years, or write elsewhere with -o\n",
            jobs, rec->n_years, need / 1073741824.0, jpath, have / 1073741824.0);
    return 0;
}

/* A record of L's plan with the KPIs and the variants' names declared, and
 * no data yet (plan_fits looks at it first); exits when memory is short. */
static sim_record *declared_record(const loaded *l)
{
    const params *p = &l->p[0];
    sim_record *rec = sim_record_create(l->n, p->replicates, p->years);
    if (!rec) {   /* jobs are numbered with an int */
        fprintf(stderr, "placesim: %d variants x %d replicates: more jobs than "
                "one plan can number, or out of memory\n", l->n, p->replicates);
        exit(EXIT_RUN_FAILED);
    }
    int rc = kpi_declare(rec, p, &l->mt[0]);
    for (int v = 0; rc == 0 && v < l->n; v++)
        rc = sim_record_label_variant(rec, v, l->names[v]);
    if (rc) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    return rec;
}

/* A record for L's plan, ready for the jobs to fill. */
static sim_record *new_record(const loaded *l)
{
    sim_record *rec = declared_record(l);
    if (sim_record_alloc(rec)) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    return rec;
}

/* What the file says about this invocation. */
static void run_meta(const loaded *l, const options *o, int argc, char **argv,
                     const char *scenario, res_meta *m)
{
    memset(m, 0, sizeof *m);
    m->master_seed = l->p[0].seed;
    m->threads = sim_plan_threads((int)o->threads);
    m->program_version = dup_text(PLACESIM_VERSION);
    m->git_commit = dup_text(PLACESIM_GIT_COMMIT);
    m->command_line = join_args(argc, argv);
    time_t now = time(NULL);
    char stamp[64];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    m->created = dup_text(stamp);
    m->scenario_path = dup_text(scenario);
    m->scenario_source = dup_text(cfg_source_text(l->c));
    m->resolved_config = resolved_all(l->c, l->names, l->n);
}

/* The line that says what this process ran: the jobs a resumed run took
 * from its journal count neither as jobs nor as events of this run. */
static void report_speed(const sim_exec_stats *st, const run_ctx *ctx, long job_a,
                         long job_n, const char *path)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = st->seconds > 0 ? st->seconds : 1e-9, events = 0;
    int ran = 0;
    for (long j = job_a; j < job_a + job_n; j++)
        if (ctx->at[j] >= 0 && !ctx->resumed[j]) {
            ran++;
            events += ctx->events[j];
        }
    int resumed = st->jobs_done - ran;
    fprintf(stderr, "placesim: %d jobs in %.2f s: %.3g events/s, %.3g replicates/s, "
            "peak memory %.0f MiB%s", ran, st->seconds, events / secs, ran / secs,
            ru.ru_maxrss / 1024.0, resumed > 0 ? "" : "; ");
    if (resumed > 0) fprintf(stderr, " (and %d from the journal); ", resumed);
    fprintf(stderr, "wrote %s\n", path);
}

/* The end of a run with failed jobs: nothing is written, and why. */
static void say_failed(const run_ctx *ctx, int failed, const char *path)
{
    if (ctx->journal_failed)
        fprintf(stderr, "placesim: %d job%s could not be kept, as the journal could not be "
                "written (said above); nothing written to %s\n", failed,
                failed == 1 ? "" : "s", path);
    else
        fprintf(stderr, "placesim: %d job%s failed; nothing written to %s\n", failed,
                failed == 1 ? "" : "s", path);
}

/* Run replicates [R0, R1) of every variant, of the jobs [JOB_A, JOB_B) of
 * the plan (a shard's; all of them otherwise); returns the failed jobs.
 * The progress line counts the invocation's jobs up to R_MAX replicates
 * per variant, from T0. */
static int run_batch(run_ctx *ctx, loaded *l, int r0, int r1, long job_a, long job_b,
                     int r_max, double t0, const options *o, sim_exec_stats *total)
{
    int failed = 0, before = 0;
    sim_record *rec = ctx->rec;
    long all = job_b - job_a;
    if (all > (long)l->n * (r1 - r0)) all = (long)l->n * (r1 - r0);
    for (int v = 0; v < l->n; v++) {
        long a = (long)v * rec->n_replicates + r0, b = (long)v * rec->n_replicates + r1;
        if (a < job_a) a = job_a;
        if (b > job_b) b = job_b;
        if (a >= b) continue;
        sim_plan plan = { l->n, rec->n_replicates, (int)a, (int)(b - a) };
        sim_exec_stats st;
        /* jobs done so far: R0 of every variant, and this batch of those before */
        sim_progress pr = { l->names[v], (int)((long)l->n * r0 + before),
                            o->shard_n ? (int)all : l->n * r_max, t0 };
        failed += sim_plan_run(&plan, run_job, ctx, (int)o->threads,
                               isatty(2) && !o->quiet ? &pr : NULL, &st);
        before += (int)(b - a);
        total->jobs_done += st.jobs_done;
        total->jobs_failed += st.jobs_failed;
        total->seconds += st.seconds;
    }
    return failed;
}

/* ---- studies: the plan's digest, journals, shards, merge ------------- */

/* The whole of file PATH into *OUT (malloc'd) and *LEN; 0 or -1. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        char *nb = realloc(b, cap *= 2);
        if (!nb) { free(b); b = NULL; }
        else b = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b || bad) { free(b); return -1; }
    *out = b;
    *len = n;
    return 0;
}

/*
 * The plan of this invocation, as journals and shard files name it: the
 * digest of everything its results depend on (the program, the command and
 * the options that shape the results, the scenario's text and its resolved
 * form, and the bytes of every data file a variant reads), and how to
 * rebuild it.  0, or -1 when a data file cannot be read any more.
 */
static int plan_of(const loaded *l, const res_meta *meta, const options *o, int mode,
                   const char *scenario, int max, study_header *h)
{
    memset(h, 0, sizeof *h);
    h->mode = (study_mode)mode;
    h->scenario = strdup(scenario);
    char cwd[4096];
    h->cwd = strdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
    h->variants = l->n;
    h->replicates = max;
    h->years = l->p[0].years;
    h->seed = (long long)l->p[0].seed;
    h->threshold = o->has_threshold ? o->threshold : 0.01;
    h->has_threshold = o->has_threshold;
    h->sensitivity = o->sensitivity;
    h->step = o->step;
    h->shard_k = o->shard_k;
    h->shard_n = o->shard_n;
    h->total_jobs = (long)l->n * max;
    if (!h->scenario || !h->cwd) return -1;
    /* the shard line is left out: every shard has the plan's digest */
    char line[512];
    snprintf(line, sizeof line, "%s %d %ld %ld %lld %.17g %d %d %.17g",
             study_mode_name[mode], h->variants, h->replicates, h->years, h->seed,
             h->threshold, h->has_threshold, h->sensitivity, h->step);
    enum { FIXED = 5 };
    int n = FIXED;
    const char *piece[FIXED + 3 * 64 * 2];
    size_t len[FIXED + 3 * 64 * 2];
    char *owned[3 * 64 * 2];
    int n_owned = 0, rc = 0;
    const char *fixed[FIXED] = { PLACESIM_VERSION, PLACESIM_GIT_COMMIT, line,
                                 meta->scenario_source ? meta->scenario_source : "",
                                 meta->resolved_config ? meta->resolved_config : "" };
    for (int i = 0; i < FIXED; i++) { piece[i] = fixed[i]; len[i] = strlen(fixed[i]); }
    for (int v = 0; v < l->n && v < 64 && rc == 0; v++) {
        const char *files[3] = { l->p[v].municipalities_file, l->p[v].offers_file,
                                 l->p[v].adults_file };
        for (int i = 0; i < 3 && rc == 0; i++) {
            if (!files[i][0]) continue;
            char *text;
            size_t tl;
            if (slurp(files[i], &text, &tl)) {
                fprintf(stderr, "placesim: cannot read %s any more: %s\n", files[i],
                        strerror(errno));
                rc = -1;
                break;
            }
            piece[n] = files[i];
            len[n++] = strlen(files[i]);
            piece[n] = owned[n_owned++] = text;
            len[n++] = tl;
        }
    }
    if (rc == 0) study_digest(piece, len, n, h->digest);
    for (int i = 0; i < n_owned; i++) free(owned[i]);
    return rc;
}

/* A buffer for errors nobody reads (a check whose failure has its own
 * message). */
static char *err_buf(void)
{
    static char buf[2048];
    return buf;
}

/* Journal callback: note where job JOB's block is, for its turn and for
 * the result.  Each block is read into a slot once, so that one of another
 * shape is found now (a merge refuses it, a resume runs the job again).
 * With GATHER, the block (a worker rank's) is kept in the gathered file. */
typedef struct keep_ctx {
    run_ctx *run;
    long     total, kept, first, count;   /* jobs [first, first + count) only */
    int      merge;                       /* each job once, or refuse */
    int      src;                         /* where the blocks are */
    sim_journal *gather;                  /* rank 0: where workers' blocks go */
    const char *path;
} keep_ctx;

static int keep_job(void *vctx, int job, long long at, const void *data, size_t len)
{
    keep_ctx *k = vctx;
    run_ctx *ctx = k->run;
    if (job < k->first || job >= k->first + k->count) {
        fprintf(stderr, "placesim: %s holds job %d, outside its jobs %ld to %ld\n",
                k->path, job, k->first, k->first + k->count - 1);
        return 1;
    }
    int v = job / ctx->rec->n_replicates, r = job % ctx->rec->n_replicates;
    if (k->merge && ctx->at[job] >= 0) {
        fprintf(stderr, "placesim: %s holds job %d twice\n", k->path, job);
        return 1;
    }
    if (pool_bind(ctx, v, r)) return 1;
    int fits = job_unblock(ctx, v, r, data, len) == 0;
    pool_release(ctx, v, r);
    if (!fits && k->merge) {
        fprintf(stderr, "placesim: %s: job %d does not fit this plan's shape\n", k->path, job);
        return 1;
    }
    if (!fits) {
        fprintf(stderr, "placesim: a kept job (%d, %d) does not fit the plan; running it "
                "again\n", v, r);
        return 0;
    }
    if (k->gather) {
        char err[1200];
        if (sim_journal_append(k->gather, job, data, len, &at, err, sizeof err)) {
            fprintf(stderr, "placesim: %s\n", err);
            return 1;
        }
    }
    if (ctx->at[job] < 0) k->kept++;   /* a later copy replaces an earlier */
    if (k->src == SRC_JOURNAL) ctx->resumed[job] = 1;
    ctx->at[job] = at;
    ctx->at_len[job] = len;
    ctx->src[job] = k->src;
    memcpy(&ctx->events[job], data, sizeof(double));
    return 0;
}

/* The MPI transport's callback: a block as the journal gives it. */
static int keep_sent(void *vctx, int job, const void *data, size_t len)
{
    return keep_job(vctx, job, -1, data, len);
}

/* --resume: say which journals of the same output PATH this run cannot use
 * (those of a run on another number of MPI ranks, or with or without
 * mpirun), which it leaves where they are. */
static void note_other_journals(const char *path, const char *jpath)
{
    char dir[8192];
    folder_of(path, dir, sizeof dir);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *mine = strrchr(jpath, '/') ? strrchr(jpath, '/') + 1 : jpath;
    DIR *d = opendir(dir);
    size_t bl = strlen(base);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        const char *rest = e->d_name + (strncmp(e->d_name, base, bl) ? 0 : bl);
        size_t rl = strlen(rest);
        int journal = rest != e->d_name && rl >= 8 && !strcmp(rest + rl - 8, ".journal") &&
                      (!strcmp(rest, ".journal") || !strncmp(rest, ".rank-", 6));
        if (journal && strcmp(e->d_name, mine))
            fprintf(stderr, "placesim: note: %s/%s is a journal of this output from a run on "
                    "another number of MPI ranks (or with or without mpirun); --resume "
                    "continues only a run like the one stopped, so this run leaves it\n",
                    dir, e->d_name);
    }
    if (d) closedir(d);
}

/*
 * The journal of this run of output PATH at JPATH: with --resume, where
 * the jobs an earlier run of the same plan kept lie is noted in CTX (and a
 * record a kill cut short is cut off) and the journal continues; without,
 * a journal left there is refused (--force starts over).  0, or
 * EXIT_BAD_INPUT after saying why.
 */
static int journal_start(run_ctx *ctx, sim_journal *j, const char *path, const char *jpath,
                         const study_header *plan, long first, long count,
                         const options *o)
{
    char err[2048];
    char *text = study_header_text(plan);
    if (!text) return fprintf(stderr, "placesim: out of memory\n"), EXIT_RUN_FAILED;
    struct stat st;
    int rc = 0;
    if (lstat(jpath, &st) == 0 && sim_journal_busy(jpath)) {
        fprintf(stderr, "placesim: another run is writing to the same output now (its "
                "journal %s is in use); wait for it, or write elsewhere with -o\n", jpath);
        rc = EXIT_BAD_INPUT;
    } else if (lstat(jpath, &st) == 0 && !o->resume && !o->force) {
        fprintf(stderr, "placesim: %s exists: a run of this output stopped before it "
                "finished; --resume continues it, --force starts it over\n", jpath);
        rc = EXIT_BAD_INPUT;
    } else if (lstat(jpath, &st) == 0 && o->resume) {
        char *head = sim_journal_header(jpath, err, sizeof err);
        study_header h;
        if (!head || study_parse(head, &h, err, sizeof err)) {
            /* a kill while the journal was being created: nothing in it */
            free(head);
            fprintf(stderr, "placesim: %s has no readable header (%s): no job in it can be "
                    "used; starting over\n", jpath, err);
            unlink(jpath);
            rc = sim_journal_create(j, jpath, text, err, sizeof err) ? EXIT_RUN_FAILED : 0;
            if (rc) fprintf(stderr, "placesim: %s\n", err);
            free(text);
            return rc;
        } else if (strcmp(h.digest, plan->digest) || h.shard_k != plan->shard_k ||
                   h.shard_n != plan->shard_n) {
            fprintf(stderr, "placesim: cannot resume from %s: it was written for "
                    "another plan (digest %s, shard %d/%d; this one is %s, %d/%d): the "
                    "scenario, its data, the options or the program changed\n", jpath,
                    h.digest, h.shard_k, h.shard_n, plan->digest, plan->shard_k,
                    plan->shard_n);
            rc = EXIT_BAD_INPUT;
        }
        if (head) study_header_free(&h);
        free(head);
        keep_ctx k = { ctx, plan->total_jobs, 0, first, count, 0, SRC_JOURNAL, NULL, jpath };
        long long end = 0;
        int damaged = 0;
        if (rc == 0 && sim_journal_scan(jpath, NULL, keep_job, &k, &end, &damaged,
                                        err, sizeof err)) {
            fprintf(stderr, "placesim: cannot resume from %s%s%s\n", jpath,
                    err[0] ? ": " : "", err[0] ? err : "");
            rc = EXIT_BAD_INPUT;
        }
        if (rc == 0 && sim_journal_reopen(j, jpath, end, err, sizeof err)) {
            fprintf(stderr, "placesim: %s\n", err);
            rc = EXIT_RUN_FAILED;
        }
        if (rc == 0 && !o->quiet)
            fprintf(stderr, "placesim: resuming from %s: %ld of %ld jobs kept%s\n",
                    jpath, k.kept, count,
                    damaged ? " (the last, cut short by the stop, runs again)" : "");
    } else {
        if (o->resume) note_other_journals(path, jpath);
        if (lstat(jpath, &st) == 0) unlink(jpath);   /* --force: over */
        else if (o->resume && !o->quiet)
            fprintf(stderr, "placesim: no %s to resume from; starting\n", jpath);
        if (sim_journal_create(j, jpath, text, err, sizeof err)) {
            if (errno == EEXIST)
                fprintf(stderr, "placesim: another run is writing to the same output now "
                        "(its journal %s appeared); wait for it, or write elsewhere with "
                        "-o\n", jpath);
            else
                fprintf(stderr, "placesim: %s\n", err);
            rc = errno == EEXIST ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
        }
    }
    free(text);
    return rc;
}

/* Merge: fill the record from every shard of O->merge_dir.  0, or
 * EXIT_BAD_INPUT after saying why. */
static int merge_shards(run_ctx *ctx, const study_header *plan, const options *o)
{
    const study_header *want = o->merge_plan;
    if (strcmp(plan->digest, want->digest)) {
        fprintf(stderr, "placesim: the shards in %s were run with digest %s, but %s "
                "loads as %s here: the scenario, its data files or the program changed "
                "since; nothing merged\n", o->merge_dir, want->digest, plan->scenario,
                plan->digest);
        return EXIT_BAD_INPUT;
    }
    char path[8192], err[2048];
    for (int k = 0; k < want->shard_n; k++) {
        study_shard_path(o->merge_dir, k, want->shard_n, path, sizeof path);
        keep_ctx kc = { ctx, plan->total_jobs, 0, 0, 0, 1, k, NULL, path };
        study_shard_jobs(plan->total_jobs, k, want->shard_n, &kc.first, &kc.count);
        char *head = NULL;
        int damaged = 0;
        int rc = sim_journal_scan(path, &head, keep_job, &kc, NULL, &damaged, err, sizeof err);
        study_header h;
        if (rc == 0 && study_parse(head, &h, err, sizeof err) == 0) {
            if (strcmp(h.digest, want->digest) || h.shard_k != k)
                rc = fprintf(stderr, "placesim: %s is not shard %d of this plan\n", path, k);
            study_header_free(&h);
        } else if (rc == 0) {
            rc = fprintf(stderr, "placesim: %s: %s\n", path, err);
        } else if (rc < 0) {
            fprintf(stderr, "placesim: %s\n", err);
        }
        free(head);
        if (rc == 0 && (damaged || kc.kept != kc.count))
            rc = fprintf(stderr, "placesim: %s holds %ld of its %ld jobs%s; run the shard "
                         "again\n", path, kc.kept, kc.count, damaged ? " and is damaged" : "");
        if (rc) return EXIT_BAD_INPUT;
    }
    for (long j = 0; j < plan->total_jobs; j++) {
        assert(ctx->at[j] >= 0);
        ctx->rec->job_done[j] = 1;
    }
    return 0;
}

/* The end of a shard: its jobs, in job order, read back from the journal
 * one at a time into one file that appears whole (sim/outfile); then the
 * journal goes.  0 or EXIT_RUN_FAILED. */
static int write_shard(run_ctx *ctx, const study_header *plan, long first, long count,
                       const char *path, const options *o)
{
    sim_journal_image im;
    sim_outfile out;
    char *text = study_header_text(plan), err[2048];
    int rc = !text || sim_journal_image_start(&im, text);
    free(text);
    if (rc) return fprintf(stderr, "placesim: out of memory\n"), EXIT_RUN_FAILED;
    if (sim_outfile_open(&out, path, o->force, err, sizeof err) ||
        sim_outfile_append(&out, im.data, im.len, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        sim_outfile_abort(&out);
        sim_journal_image_free(&im);
        return EXIT_RUN_FAILED;
    }
    for (long j = first; j < first + count && rc == 0; j++) {
        size_t len;
        void *b = kept_block(ctx, j, &len);
        sim_journal_image_rewind(&im);   /* one record at a time */
        if (!b) rc = -1;
        else if (sim_journal_image_add(&im, (int)j, b, len))
            rc = fprintf(stderr, "placesim: out of memory\n");
        else if (sim_outfile_append(&out, im.data, im.len, err, sizeof err))
            rc = fprintf(stderr, "placesim: %s\n", err);
        free(b);
    }
    sim_journal_image_free(&im);
    if (rc) {
        sim_outfile_abort(&out);
        return EXIT_RUN_FAILED;
    }
    if (sim_outfile_commit(&out, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        return EXIT_RUN_FAILED;
    }
    return 0;
}

/* A worker's I-th job for rank 0, from its journal. */
typedef struct send_ctx {
    run_ctx *run;
    long     first;
} send_ctx;

static void *send_block(void *vctx, int i, int *job, size_t *len)
{
    send_ctx *c = vctx;
    *job = (int)(c->first + i);
    return kept_block(c->run, c->first + i, len);
}

/*
 * Under mpirun, after every rank ran its jobs: the workers send theirs to
 * rank 0 one block at a time, read back from their journals (a failed
 * worker sends none, and one that cannot read a block back stops there and
 * says so), which keeps them in the gathered file beside its journal,
 * worker by worker.  Rank 0: 0, or -1 when a worker failed or sent what
 * does not fit; a worker: 0 or -1.
 */
static int mpi_gather(run_ctx *ctx, int rank, int ranks, long job_a, long job_n,
                      int failed, const study_header *plan)
{
    if (rank > 0) {
        send_ctx sc = { ctx, job_a };
        int rc = sim_mpi_send_jobs(failed ? -1 : (int)job_n, send_block, &sc);
        return rc || failed ? -1 : 0;
    }
    /* the workers' blocks go to a file of their own beside rank 0's
     * journal, made afresh: a stop loses them, and --resume has every rank
     * send its jobs again from its own journal */
    sim_journal gather = { -1, NULL, 0, 1 };   /* no_sync: a stop loses it anyway */
    char err[2048];
    char *text = study_header_text(plan);
    unlink(ctx->gpath);
    if (!text || sim_journal_create(&gather, ctx->gpath, text, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", text ? err : "out of memory");
        free(text);
        /* the workers still send: receive and drop, so none is left blocked */
    }
    free(text);
    int rc = gather.fd < 0 ? -1 : 0;
    for (int from = 1; from < ranks; from++) {
        long first, count;
        study_shard_jobs(plan->total_jobs, from, ranks, &first, &count);
        char who[32];
        snprintf(who, sizeof who, "rank %d", from);
        keep_ctx kc = { ctx, plan->total_jobs, 0, first, count, 1, SRC_GATHERED,
                        gather.fd >= 0 ? &gather : NULL, who };
        int got = gather.fd >= 0 ? sim_mpi_recv_jobs(from, keep_sent, &kc)
                                 : sim_mpi_recv_jobs(from, NULL, NULL);
        if (gather.fd >= 0 && (got < 0 || kc.kept != count)) {
            fprintf(stderr, "placesim: rank %d %s; nothing written\n", from,
                    got < 0 && kc.kept == 0 ? "failed or sent no jobs"
                    : got < 0 ? "stopped sending its jobs (it says why)"
                              : "sent jobs that do not fit the plan");
            rc = -1;
        }
        for (long j = first; rc == 0 && j < first + count; j++) ctx->rec->job_done[j] = 1;
    }
    sim_journal_close(&gather);
    return rc;
}

/*
 * run, compare and risk: load, run the plan (compare: in batches until the
 * intervals are narrow enough), report, write.  MODE selects the report
 * and stopping rule.  The same function runs one shard of the plan
 * (--shard: its jobs go to a shard file instead) and merges the shards
 * (o->merge_dir: the jobs come from their files instead of running), so a
 * merged file is made exactly as a single run's is.  Every finished job is
 * kept in OUTPUT.journal as it finishes, which --resume reads back after a
 * stop; the journal goes when the result is written.
 */
enum { MODE_RUN = STUDY_RUN, MODE_COMPARE = STUDY_COMPARE, MODE_RISK = STUDY_RISK,
       MODE_SWEEP = STUDY_SWEEP };
static int cmd_report(const char *in, const char *out, const options *o);

static int execute(const char *scenario, const options *o, int argc, char **argv,
                   int mode)
{
    /* under mpirun: rank r runs the jobs shard r of P would, one thread
     * unless --threads or OMP_NUM_THREADS ask for more, and rank 0 writes */
    int rank = sim_mpi_rank(), ranks = sim_mpi_size();
    options om = *o;
    if (ranks > 1) {
        if (!om.threads && !getenv("OMP_NUM_THREADS")) om.threads = 1;
        o = &om;
        if (o->shard_n || (mode == MODE_COMPARE && o->until_width > 0)) {
            if (rank == 0)
                fprintf(stderr, "placesim: under mpirun the ranks split the plan: %s\n",
                        o->shard_n ? "--shard is for separate processes, not ranks"
                                   : "--until-width decides from all results after each "
                                     "batch; give a fixed --replicates");
            return EXIT_BAD_INPUT;
        }
    }
    loaded l;
    int rc = load_scenario(scenario, o, &l);
    if (rc) return rc;
    sweep_design design = { 0 };
    sweep_result swept = { 0 };
    int compare = mode == MODE_COMPARE, n_base = l.n;
    if (mode == MODE_SWEEP && (rc = sweep_expand(&l, o, &design))) {
        sweep_free(&design);
        loaded_free(&l);
        return rc;
    }
    /* uncertainty about the assumptions: the draws, and every variant's
     * params under each (the replicates must be whole draws) */
    unc_design unc = { 0 };
    unc_result unc_res = { 0 };
    loaded drawn = { 0 };
    {
        cfg_error uerr = { 0 };
        if (unc_load(l.c, l.p[0].replicates, &unc, &uerr)) {
            fprintf(stderr, "placesim: %s\n", uerr.message);
            unc_free(&unc);
            sweep_free(&design);
            loaded_free(&l);
            return EXIT_BAD_INPUT;
        }
        const char *why = unc.n == 0 ? NULL
                        : mode == MODE_SWEEP ? "a sweep varies parameters by design; run "
                                               "its priors as a compare instead"
                        : compare && o->until_width > 0 ? "--until-width adds batches that "
                                               "need not be whole draws; give --replicates"
                        : NULL;
        if (why) {
            fprintf(stderr, "placesim: %s has an uncertainty: section, but %s\n", scenario, why);
            unc_free(&unc);
            sweep_free(&design);
            loaded_free(&l);
            return EXIT_BAD_INPUT;
        }
        if (unc.n && (rc = draws_expand(&l, o, &unc, &drawn))) {
            unc_free(&unc);
            loaded_free(&drawn);
            loaded_free(&l);
            return rc;
        }
    }
    double low[64], high[64];
    if (mode == MODE_RISK && o->sensitivity &&
        add_sensitivity(&l, o->step > 0 ? o->step : 0.2, low, high)) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    char path[OUT_PATH_MAX + 64], shard_dir[OUT_PATH_MAX];
    if (o->output && !o->shard_n) snprintf(path, sizeof path, "%s", o->output);
    else default_output(scenario, (unsigned long long)l.p[0].seed, path, sizeof path);
    int bad = 0;
    if (o->shard_n) {
        /* -o names the shards' folder; by default the result's name + .shards */
        if (o->output) snprintf(shard_dir, sizeof shard_dir, "%s", o->output);
        else snprintf(shard_dir, sizeof shard_dir, "%.*s.shards",
                      (int)strlen(path) - 3, path);
        study_shard_path(shard_dir, o->shard_k, o->shard_n, path, sizeof path);
        if (compare && o->until_width > 0) {
            fprintf(stderr, "placesim: --shard runs a fixed number of replicates: "
                    "--until-width decides from all the results, which one shard "
                    "does not have\n");
            bad = 1;
        } else if (o->report) {
            fprintf(stderr, "placesim: --shard writes a part of the result: make the "
                    "report from the merged file (placesim merge --report)\n");
            bad = 1;
        }
    }
    if (compare && l.n < 2)
        fprintf(stderr, "placesim: %s defines fewer than two variants; "
                "compare wants several (see scenarios/regimes.yaml)\n", scenario);
    /* the default output goes to ./results, made here when missing */
    bad = bad || (compare && l.n < 2) || !variants_comparable(scenario, &l);
    if (!bad && (!o->output || o->shard_n)) {
        const char *made = !o->output ? "results" : NULL;
        if (made && mkdir(made, 0777) && errno != EEXIST) {
            fprintf(stderr, "placesim: cannot create the folder %s: %s\n", made, strerror(errno));
            bad = 1;
        }
        if (!bad && o->shard_n && mkdir(shard_dir, 0777) && errno != EEXIST) {
            fprintf(stderr, "placesim: cannot create the folder %s: %s\n", shard_dir,
                    strerror(errno));
            bad = 1;
        }
    }
    /* --report: what the report would refuse, refused before the run */
    if (!bad && o->report) {
        char rerr[2048];
        int first = l.p[0].start_year, last = first + l.p[0].years - 1;
        if (report_check_output(path, NULL, o->force, rerr, sizeof rerr)) {
            fprintf(stderr, "placesim: %s\n", rerr);
            bad = 1;
        } else if (o->price_year && (o->price_year < first || o->price_year > last)) {
            fprintf(stderr, "placesim: --price-year %d is not a year of the run (%d-%d)\n",
                    o->price_year, first, last);
            bad = 1;
        }
    }
    /* --resume on an output that exists: done already if it is this plan's
     * (known once the plan is, below), refused otherwise */
    struct stat out_st;
    int exists_on_resume = o->resume && !o->force && lstat(path, &out_st) == 0 &&
                           S_ISREG(out_st.st_mode);
    if (bad || output_check(path, o->force || exists_on_resume) || output_is_input(&l, path)) {
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    int batch = l.p[0].replicates;
    int max = !compare || o->until_width <= 0 ? batch
            : o->max_replicates ? (int)o->max_replicates : 10 * batch;
    if (max < batch) max = batch;
    for (int v = 0; v < l.n; v++) l.p[v].replicates = max;
    sim_record *rec = declared_record(&l);
    /* the values of the jobs running now only: each goes to the journal
     * as it finishes and is read back from there for the result */
    if (sim_record_pool(rec, sim_plan_threads((int)o->threads) + 1)) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    /* --until-width decides between batches on every job's national series */
    sim_record *national = NULL;
    sim_series *national_series = NULL;
    if (max > batch) {
        size_t n = 0;
        national_series = calloc(rec->n_series, sizeof *national_series);
        for (size_t k = 0; national_series && k < rec->n_series; k++)
            if (rec->series[k].axis == SIM_AXIS_NONE) national_series[n++] = rec->series[k];
        national = national_series ? sim_record_create(l.n, max, l.p[0].years) : NULL;
        if (!national || sim_record_set_series(national, national_series, n)) {
            fprintf(stderr, "placesim: out of memory\n");
            exit(EXIT_RUN_FAILED);
        }
        for (int v = 0; v < l.n; v++) sim_record_label_variant(national, v, l.names[v]);
        if (rec->years) sim_record_set_years(national, rec->years);
    }
    if (national && !plan_fits(national)) {
        sim_record_free(national);
        free(national_series);
        sim_record_free(rec);
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    if (sim_record_alloc(rec) || (national && sim_record_alloc(national))) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    double *events = calloc((size_t)l.n * (size_t)max, sizeof *events);
    if (!events) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    res_meta meta;
    run_meta(&l, o, argc, argv, scenario, &meta);
    /* each municipality's region and population beside its axis, from the
     * reference variant's table (every variant reads the same one) */
    const char *muni_region[MAX_MUNIS];
    double muni_population[MAX_MUNIS];
    for (int i = 0; i < l.mt[0].n; i++) {
        muni_region[i] = l.mt[0].region_name[l.mt[0].m[i].region];
        muni_population[i] = l.mt[0].m[i].population;
    }
    meta.columns[0] = (res_column){ "municipality", "region", muni_region, NULL };
    meta.columns[1] = (res_column){ "municipality", "population", NULL, muni_population };
    meta.n_columns = 2;
    if (compare || mode == MODE_SWEEP) { meta.agg = compare_aggs; meta.n_agg = compare_n_aggs; }
    if (mode == MODE_RISK) { meta.agg = risk_aggs; meta.n_agg = risk_n_aggs; }
    double *figures = mode == MODE_RISK ? calloc((size_t)n_base * RISK_N_FIGURES,
                                                 sizeof *figures) : NULL;

    /* the plan, the jobs this invocation runs, and where finished ones go */
    study_header plan;
    long total = (long)l.n * max, job_a = 0, job_n = total;
    if (o->shard_n) study_shard_jobs(total, o->shard_k, o->shard_n, &job_a, &job_n);
    if (ranks > 1 && !o->merge_dir) study_shard_jobs(total, rank, ranks, &job_a, &job_n);
    sim_journal journal = { -1, NULL, 0, 0 };
    char jpath[sizeof path + 64], gpath[sizeof path + 64 + 16];
    if (ranks > 1) snprintf(jpath, sizeof jpath, "%s.rank-%d-of-%d.journal", path, rank, ranks);
    else snprintf(jpath, sizeof jpath, "%s.journal", path);
    snprintf(gpath, sizeof gpath, "%s.gathered", jpath);
    run_ctx ctx = { .variant = l.p, .munis = l.mt, .rec = rec, .events = events,
                    .jpath = jpath, .gpath = gpath, .merge_dir = o->merge_dir,
                    .merge_n = o->merge_plan ? o->merge_plan->shard_n : 0,
                    .src_open = 0, .src_fd = -1, .national = national,
                    .drawn = unc.n ? drawn.p : NULL, .drawn_mt = unc.n ? drawn.mt : NULL,
                    .draws = unc.draws, .per_draw = unc.per_draw };
    ctx.at = malloc((size_t)total * sizeof *ctx.at);
    ctx.at_len = calloc((size_t)total, sizeof *ctx.at_len);
    ctx.src = calloc((size_t)total, sizeof *ctx.src);
    ctx.resumed = calloc((size_t)total, 1);
    if (!ctx.at || !ctx.at_len || !ctx.src || !ctx.resumed) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    for (long j = 0; j < total; j++) ctx.at[j] = -1;
    rc = plan_of(&l, &meta, o, mode, scenario, max, &plan) ? EXIT_BAD_INPUT : 0;
    if (rc == 0 && !o->merge_dir && !exists_on_resume &&
        !journal_fits(rec, ranks > 1 && rank == 0 ? total : job_n, jpath))
        rc = EXIT_BAD_INPUT;
    if (ranks > 1) { plan.shard_k = rank; plan.shard_n = ranks; }   /* the journal's */
    if (rc == 0) meta.plan_digest = strdup(plan.digest);
    if (rc == 0 && exists_on_resume && !o->merge_dir) {
        /* a finished result (or shard) of this very plan: nothing to do */
        char have[32] = "";
        int same = 0;
        if (o->shard_n) {
            char *head = sim_journal_header(path, err_buf(), 1);
            study_header h;
            if (head && study_parse(head, &h, err_buf(), 1) == 0) {
                same = !strcmp(h.digest, plan.digest) && h.shard_k == plan.shard_k &&
                       h.shard_n == plan.shard_n;
                study_header_free(&h);
            }
            free(head);
        } else {
            same = res_file_plan_digest(path, have, sizeof have) == 0 &&
                   !strcmp(have, plan.digest);
        }
        if (same) {
            if (!o->quiet) fprintf(stderr, "placesim: %s is already the finished result of "
                                   "this plan; nothing to resume\n", path);
            if (!sim_journal_busy(jpath)) unlink(jpath);   /* a kill after the rename */
        } else {
            fprintf(stderr, "placesim: %s exists and is not this plan's result; use --force "
                    "to replace it\n", path);
        }
        rc = same ? 0 : EXIT_BAD_INPUT;
        goto finish;
    }
    if (rc == 0 && o->merge_dir) {
        rc = merge_shards(&ctx, &plan, o);
    } else if (rc == 0) {
        rc = journal_start(&ctx, &journal, path, jpath, &plan, job_a, job_n, o);
        if (rc == 0) ctx.journal = &journal;
        for (long j = job_a; rc == 0 && j < job_a + job_n; j++) ctx.jobs_left += ctx.at[j] < 0;
    }
    if (rc) goto finish;

    if (!o->quiet && o->merge_dir)
        fprintf(stderr, "placesim: %s: %d variant(s) x %d replicates x %d years from "
                "%d shards in %s\n", scenario, l.n, batch, l.p[0].years,
                o->merge_plan->shard_n, o->merge_dir);
    else if (!o->quiet && o->shard_n)
        fprintf(stderr, "placesim: %s: shard %d of %d: jobs %ld to %ld of %ld on %d "
                "threads\n", scenario, o->shard_k, o->shard_n, job_a, job_a + job_n - 1,
                total, meta.threads);
    else if (!o->quiet)
        fprintf(stderr, "placesim: %s: %d variant(s) x %d replicates x %d years on %d threads\n",
                scenario, l.n, batch, l.p[0].years, meta.threads);
    sim_exec_stats st = { 0 };
    int done = 0, failed = 0, narrow = 0;
    double t0 = sim_wall_seconds();   /* the progress line's overall ETA */
    if (o->merge_dir) done = max;
    while (done < max) {
        int next = done + batch < max ? done + batch : max;
        failed += run_batch(&ctx, &l, done, next, job_a, job_a + job_n, max, t0, o, &st);
        done = next;
        if (max > batch) {
            narrow = compare_converged(national, o->until_width);
            if (!o->quiet)
                fprintf(stderr, "placesim: %d replicates per variant: intervals %s\n",
                        done, narrow ? "narrow enough" : "still too wide");
        }
        if (failed || narrow) break;
    }
    char err[OUT_PATH_MAX + 256];
    if (ranks > 1 && !o->merge_dir) {
        rc = mpi_gather(&ctx, rank, ranks, job_a, job_n, failed, &plan);
        if (rank > 0) {
            /* rank 0 says whether the result was written: only then are the
             * workers' journals no longer needed */
            if (sim_mpi_all(1) || failed) unlink(jpath);
            goto finish;
        }
        if (rc) failed += 1;
    }
    if (o->shard_n && !o->merge_dir) {
        if (failed) {
            say_failed(&ctx, failed, path);
            rc = EXIT_RUN_FAILED;
        } else {
            sim_outfile_sweep(path, ".tmp-");   /* a killed run's temporary, if any */
            rc = write_shard(&ctx, &plan, job_a, job_n, path, o);
        }
        if (rc == 0) report_speed(&st, &ctx, job_a, job_n, path);
        if (rc == 0 || (failed && !ctx.journal_failed)) unlink(jpath);
        else
            fprintf(stderr, "placesim: the finished jobs are kept in %s: --resume continues "
                    "from them once the problem is fixed\n", jpath);
        goto finish;
    }
    /* The result: a file made on the disk and filled job by job from
     * where each was kept, then analysed from that file through a view that
     * holds a few series at a time, so that neither step holds every job. */
    sim_record_truncate(rec, done);   /* no job is bound now */
    assert(rec->n_replicates == done);
    if (national) sim_record_truncate(national, done);
    for (int j = 0; j < l.n * max; j++) meta.events += events[j];
    meta.seconds = st.seconds;
    res_writer *writer = NULL;
    sim_record *view = NULL;
    int io_failed = 0;
    /* the temporary a SIGKILLed run of this output left, if any: this run
     * holds the output's journal, so no live writer of it can be meant (a
     * merge holds no such lock, and sweeps nothing) */
    if (!failed && !o->merge_dir) sim_outfile_sweep(path, ".tmp-");
    if (failed) {
        say_failed(&ctx, failed, path);
        rc = EXIT_RUN_FAILED;
    } else if (output_still_free(path, o->force)) {
        rc = EXIT_RUN_FAILED;
    } else if (!(writer = res_writer_open(rec, &meta, path, o->force, err, sizeof err))) {
        fprintf(stderr, "placesim: %s\n", err);
        rc = EXIT_RUN_FAILED;
        io_failed = 1;
    }
    for (int v = 0; writer && v < l.n; v++)
        for (int r = 0; writer && r < done; r++) {
            size_t len;
            long job = (long)v * max + r;   /* as the plan numbered it */
            void *b = kept_block(&ctx, job, &len);
            int lost = !b || pool_bind(&ctx, v, r);
            if (!lost) {
                if (job_unblock(&ctx, v, r, b, len)) {
                    fprintf(stderr, "placesim: kept job %ld does not fit the plan any more\n",
                            job);
                    lost = 1;
                } else if (res_writer_job(writer, rec, v, r)) {
                    fprintf(stderr, "placesim: %s\n", err);
                    lost = io_failed = 1;
                }
                pool_release(&ctx, v, r);
            }
            free(b);
            if (lost) {
                /* a journal, shard or gathered file that cannot be read back
                 * whole is kept: --resume may read it once the cause is gone */
                ctx.read_failed = 1;
                res_writer_abort(writer);
                writer = NULL;
                rc = EXIT_RUN_FAILED;
            }
        }
    if (writer && !(view = res_writer_view(writer))) {
        fprintf(stderr, "placesim: %s\n", err);
        res_writer_abort(writer);
        writer = NULL;
        rc = EXIT_RUN_FAILED;
        io_failed = 1;
    }
    if (view && figures && !risk_figures(view, n_base, o->has_threshold ? o->threshold : 0.01,
                                         figures)) {
        meta.figure_group = "risk";
        meta.figure_name = risk_figure_name;
        meta.figure_doc = risk_figure_doc;
        meta.figures = figures;
        meta.n_figures = RISK_N_FIGURES;
        meta.n_figure_variants = n_base;
        meta.figure_threshold = o->has_threshold ? o->threshold : 0.01;
    }
    const char *base_names[CFG_VARIANTS_MAX];
    if (view && unc.n) {
        if (unc_analyse(&unc, view, &unc_res) || unc_extras(&unc, &unc_res)) {
            fprintf(stderr, "placesim: out of memory\n");
            exit(EXIT_RUN_FAILED);
        }
        meta.extra = unc_res.extra;
        meta.n_extra = unc_res.n_extra;
    }
    if (view && mode == MODE_SWEEP) {
        /* a point's name is its base variant's, then -pN (sweep_expand) */
        static char base_buf[64][160];
        for (int b = 0; b < n_base && b < 64; b++) {
            snprintf(base_buf[b], sizeof base_buf[b], "%s", l.names[b * design.n_points]);
            char *cut = strrchr(base_buf[b], '-');
            if (cut && cut[1] == 'p') *cut = '\0';
            base_names[b] = base_buf[b];
        }
        if (sweep_analyse(&design, view, n_base, &swept) ||
            sweep_extras(&design, &swept, base_names)) {
            fprintf(stderr, "placesim: out of memory\n");
            exit(EXIT_RUN_FAILED);
        }
        meta.extra = swept.extra;
        meta.n_extra = swept.n_extra;
    }
    if (view && !o->quiet) {
        if (compare) {
            compare_report(stdout, view);
            if (unc.n) unc_print(stdout, &unc, &unc_res, view);
        } else if (mode == MODE_RISK) {
            if (unc.n) unc_print(stdout, &unc, &unc_res, view);
            risk_report(stdout, view, n_base, o->has_threshold ? o->threshold : 0.01);
            const char *keys[64];
            for (size_t i = 0; i < params_sensitivity_len; i++)
                keys[i] = params_sensitivity[i].key;
            if (o->sensitivity)
                risk_sensitivity(stdout, view, n_base, keys, low, high,
                                 (int)params_sensitivity_len);
        } else if (mode == MODE_SWEEP) {
            sweep_print(stdout, &design, &swept, base_names);
        } else {
            report_summary(stdout, view);
        }
    }
    if (view && sim_record_load_failed(view)) {
        fprintf(stderr, "placesim: %s\n", err);
        res_writer_abort(writer);
        writer = NULL;
        rc = EXIT_RUN_FAILED;
        io_failed = 1;
    }
    if (writer && res_writer_finish(writer)) {
        fprintf(stderr, "placesim: %s\n", err);
        rc = EXIT_RUN_FAILED;
        io_failed = 1;
    } else if (writer) {
        char cwd[4096], shown[sizeof cwd + sizeof path + 2];
        if (path[0] != '/' && getcwd(cwd, sizeof cwd))   /* merge ran in the shards' folder */
            snprintf(shown, sizeof shown, "%s/%s", cwd, path);
        else
            snprintf(shown, sizeof shown, "%s", path);
        if (o->merge_dir)
            fprintf(stderr, "placesim: merged %d jobs from %d shards; wrote %s\n",
                    sim_record_jobs_done(rec), o->merge_plan->shard_n, shown);
        else
            report_speed(&st, &ctx, job_a, job_n, path);
        if (ranks > 1)
            fprintf(stderr, "placesim: %d ranks ran the %ld jobs (the figures above are "
                    "rank 0's)\n", ranks, total);
        if (o->report) rc = cmd_report(path, NULL, o);
        if (!rc && max > batch && !narrow) {
            fprintf(stderr, "placesim: --until-width %g not reached: the intervals are still "
                    "too wide after %d replicates per variant (--max-replicates); exit %d\n",
                    o->until_width, done, EXIT_NOT_NARROW);
            rc = EXIT_NOT_NARROW;
        }
    }
    /* written, or failed for good (a job broke the model): the journal has
     * done its work.  A result or journal the disk would not take keeps it,
     * so --resume can write the result once there is room; a stop by a
     * signal never comes here, and keeps it too. */
    int keep = io_failed || ctx.journal_failed || ctx.read_failed;
    if (!o->merge_dir && keep)
        fprintf(stderr, "placesim: the finished jobs are kept in %s: --resume continues "
                "from them once the problem is fixed\n", jpath);
    else if (!o->merge_dir)
        unlink(jpath);
    if (ranks > 1 && !o->merge_dir) {
        unlink(gpath);
        sim_mpi_all(!keep && (rc == 0 || rc == EXIT_NOT_NARROW));
    }
finish:
    sim_journal_close(&journal);   /* after the unlink: held until gone */
    if (ctx.src_fd >= 0) close(ctx.src_fd);
    free(ctx.at);
    free(ctx.at_len);
    free(ctx.src);
    free(ctx.resumed);
    sim_record_free(national);
    free(national_series);
    sweep_result_free(&swept);
    sweep_free(&design);
    unc_result_free(&unc_res);
    unc_free(&unc);
    loaded_free(&drawn);
    study_header_free(&plan);
    res_meta_clear(&meta);
    free(figures);
    sim_record_free(rec);
    free(events);
    loaded_free(&l);
    return rc;
}

/* merge DIR: the shards of one plan into the result a single run of it
 * writes, made by execute from the plan their headers name. */
static int cmd_merge(const char *dir, const options *o, int argc, char **argv)
{
    if (o->replicates || o->has_seed || o->years || o->until_width > 0 ||
        o->max_replicates || o->sensitivity || o->step > 0 || o->shard_n || o->resume ||
        o->has_threshold)
        return bad_usage("merge takes the plan from its shards: -r, -s, -y, -w, -m, -T, "
                         "-S, --step, --shard and --resume are for the commands that "
                         "run one%s", "");
    study_header h;
    unsigned char *done;
    long *running;
    char err[8192];
    if (study_scan(dir, &h, &done, &running, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    char list[4096];
    int missing = study_missing_list(done, h.shard_n, list, sizeof list);
    int rc = 0;
    char absdir[4096], absout[8192], cwd[4096];
    if (missing) {
        fprintf(stderr, "placesim: %s: %d of the %d shards %s missing or damaged (%s); "
                "nothing merged.  Run %s (e.g. sbatch --array=%s ...), then merge again; "
                "placesim status %s lists them\n", dir, missing, h.shard_n,
                missing == 1 ? "is" : "are", list, missing == 1 ? "it" : "them", list, dir);
        rc = EXIT_BAD_INPUT;
    } else if (!realpath(dir, absdir) || !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "placesim: cannot resolve %s: %s\n", dir, strerror(errno));
        rc = EXIT_BAD_INPUT;
    }
    options o2 = *o;
    if (rc == 0 && o->output) {
        /* -o is the user's, from here; the merge runs in the shards' folder */
        if (o->output[0] == '/') snprintf(absout, sizeof absout, "%s", o->output);
        else snprintf(absout, sizeof absout, "%s/%s", cwd, o->output);
        o2.output = absout;
    }
    if (rc == 0 && chdir(h.cwd)) {
        fprintf(stderr, "placesim: the shards of %s ran in %s, which this machine cannot "
                "enter: %s\n", h.scenario, h.cwd, strerror(errno));
        rc = EXIT_BAD_INPUT;
    }
    if (rc == 0) {
        o2.replicates = h.replicates;
        o2.has_seed = 1;
        o2.seed = h.seed;
        o2.years = h.years;
        o2.threshold = h.threshold;
        o2.has_threshold = h.has_threshold;
        o2.sensitivity = h.sensitivity;
        o2.step = h.step;
        o2.merge_dir = absdir;
        o2.merge_plan = &h;
        rc = execute(h.scenario, &o2, argc, argv, (int)h.mode);
    }
    free(done);
    free(running);
    study_header_free(&h);
    return rc;
}

/* status DIR: which shards of the study in DIR are done, which kept jobs
 * before a stop, and the missing ones as a Slurm --array list on stdout.
 * 0 when every shard is there, 3 when some are missing. */
static int cmd_status(const char *dir)
{
    study_header h;
    unsigned char *done;
    long *running;
    char err[8192], list[4096];
    if (study_scan(dir, &h, &done, &running, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    int missing = study_missing_list(done, h.shard_n, list, sizeof list);
    fprintf(stderr, "placesim: %s: %s %s, %ld jobs in %d shards (digest %s): %d done, "
            "%d missing\n", dir, study_mode_name[h.mode], h.scenario, h.total_jobs,
            h.shard_n, h.digest, h.shard_n - missing, missing);
    for (int k = 0; k < h.shard_n; k++)
        if (!done[k] && running[k] == -2)
            fprintf(stderr, "  shard %d: its file is damaged or cut short: run it again\n", k);
    for (int k = 0; k < h.shard_n; k++)
        if (!done[k] && running[k] >= 0) {
            long first, count;
            study_shard_jobs(h.total_jobs, k, h.shard_n, &first, &count);
            fprintf(stderr, "  shard %d: running or stopped, %ld of %ld jobs kept "
                    "(--resume continues it)\n", k, running[k], count);
        }
    if (missing) printf("--array=%s\n", list);
    else fprintf(stderr, "  complete: placesim merge %s\n", dir);
    free(done);
    free(running);
    study_header_free(&h);
    return missing ? EXIT_NOT_NARROW : 0;
}

static int cmd_check(const char *scenario, const options *o)
{
    loaded l;
    int rc = load_scenario(scenario, o, &l);
    if (rc) return rc;
    if (!variants_comparable(scenario, &l)) {   /* what run would refuse */
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    /* the sweep: section, as sweep would make its points (every point's
     * values loaded, so a value a key refuses is found here) */
    char sweep_note[128] = "";
    if (strcmp(cfg_text(l.c, "sweep.design"), "none") ||
        cfg_names(l.c, "sweep.factors", (const char *[1]){ 0 }, 1) > 0) {
        sweep_design d;
        int n_base = l.n;
        if ((rc = sweep_expand(&l, o, &d))) {
            sweep_free(&d);
            loaded_free(&l);
            return rc;
        }
        snprintf(sweep_note, sizeof sweep_note, "; sweep: %s, %d factors, %d points x %d "
                 "variant%s", sweep_kind_name[d.kind], d.k, d.n_points, n_base,
                 n_base == 1 ? "" : "s");
        sweep_free(&d);
        loaded_free(&l);
        rc = load_scenario(scenario, o, &l);
        if (rc) return rc;
    }
    /* the uncertainty: section, with its draws made and every variant's
     * params under them loaded, as compare would */
    char unc_note[160] = "";
    {
        unc_design u;
        cfg_error uerr = { 0 };
        if (unc_load(l.c, l.p[0].replicates, &u, &uerr)) {
            fprintf(stderr, "placesim: %s\n", uerr.message);
            unc_free(&u);
            loaded_free(&l);
            return EXIT_BAD_INPUT;
        }
        if (u.n) {
            loaded dl;
            rc = draws_expand(&l, o, &u, &dl);
            loaded_free(&dl);
            snprintf(unc_note, sizeof unc_note, "; uncertainty: %d priors, %d draws of %d "
                     "replicates", u.n, u.draws, u.per_draw);
            unc_free(&u);
            if (rc) {
                loaded_free(&l);
                return rc;
            }
        }
    }
    printf("%s: valid; %d variant%s, %d municipalit%s in %d region%s, "
           "%d target group%s, regime %s\n", scenario, l.n, l.n == 1 ? "" : "s",
           l.mt[0].n, l.mt[0].n == 1 ? "y" : "ies", l.mt[0].n_regions,
           l.mt[0].n_regions == 1 ? "" : "s", l.p[0].n_groups,
           l.p[0].n_groups == 1 ? "" : "s", l.p[0].regime);
    if (sweep_note[0]) printf("%s%s\n", scenario, sweep_note);
    if (unc_note[0]) printf("%s%s\n", scenario, unc_note);
    loaded_free(&l);
    return 0;
}

/* Run the replicates of variant 0 of L into a new record. */
static sim_record *run_quietly(loaded *l, const options *o)
{
    sim_record *rec = new_record(l);
    double *events = calloc((size_t)l->n * (size_t)l->p[0].replicates, sizeof *events);
    if (!events) { fprintf(stderr, "placesim: out of memory\n"); exit(EXIT_RUN_FAILED); }
    run_ctx ctx = { .variant = l->p, .munis = l->mt, .rec = rec, .events = events,
                    .src_fd = -1 };
    sim_plan plan = { l->n, l->p[0].replicates, 0, l->p[0].replicates };  /* variant 0 */
    sim_progress pr = { l->names[0], 0, l->p[0].replicates, sim_wall_seconds() };
    sim_plan_run(&plan, run_held, &ctx, (int)o->threads, isatty(2) && !o->quiet ? &pr : NULL,
                 NULL);
    free(events);
    return rec;
}

/* The settled-start stage of calibrate, and its check in validate: housing
 * users without trends over this many years and replicates (at most). */
#define SETTLE_YEARS 8
#define SETTLE_REPLICATES 20

static int cmd_validate(const char *scenario, const options *o)
{
    loaded l;
    int rc = load_scenario(scenario, o, &l);
    if (rc) return rc;
    sim_record *rec = run_quietly(&l, o);
    calib_validate(stdout, rec);
    int reps = rec->n_replicates < SETTLE_REPLICATES ? rec->n_replicates : SETTLE_REPLICATES;
    double half, drift = calib_housing_drift(&l.p[0], &l.mt[0], reps, SETTLE_YEARS,
                                             (int)o->threads, &half);
    char hw[32];
    if (isfinite(half)) snprintf(hw, sizeof hw, "± %.2f", 100 * half);
    else snprintf(hw, sizeof hw, "± n/a");
    if (isfinite(drift))
        printf("settled start (%s): housing users change %+.2f %s %% a year over %d years\n"
               "  with every trend at zero and no shocks (%d replicates; 0 when the starting "
               "stock is what the flows sustain)\n",
               l.names[0], 100 * drift, hw, SETTLE_YEARS, reps);
    else
        printf("settled start (%s): n/a, no housing users at the start\n", l.names[0]);
    sim_record_free(rec);
    loaded_free(&l);
    return 0;
}

/* The path of BASE as seen from the directory of OUT, for `extends:`. */
static void relative_to(const char *out, const char *base, char *rel, size_t n)
{
    const char *a = strrchr(out, '/'), *b = strrchr(base, '/');
    size_t da = a ? (size_t)(a - out) : 0, db = b ? (size_t)(b - base) : 0;
    if (da == db && strncmp(out, base, da) == 0) snprintf(rel, n, "%s", b ? b + 1 : base);
    else if (base[0] == '/') snprintf(rel, n, "%s", base);
    else {
        char cwd[1024];
        snprintf(rel, n, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", base);
    }
}

static int cmd_calibrate(const char *scenario, const options *o, int argc, char **argv)
{
    if (!o->output)
        return bad_usage("calibrate wants -o OUT, the scenario file to write (%s)", scenario);
    int rc = output_check(o->output, o->force);
    if (rc) return rc;
    options oo = *o;
    if (!oo.replicates) oo.replicates = 8;
    loaded l;
    rc = load_scenario(scenario, &oo, &l);
    if (rc) return rc;
    /* The fit is of one market: the values it writes at the top level
     * would be overridden, or misfitted, in variants. */
    if (l.n > 1) {
        fprintf(stderr, "placesim: %s has %d variants; calibrate fits a scenario "
                "without variants (its values are written at the top level)\n",
                scenario, l.n);
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    /* Writing over a file the new scenario extends would leave a scenario
     * that extends itself, and the old one lost. */
    struct stat so, sf;
    for (int i = 0; stat(o->output, &so) == 0 && i < cfg_file_count(l.c); i++)
        if (stat(cfg_file(l.c, i), &sf) == 0 && sf.st_dev == so.st_dev &&
            sf.st_ino == so.st_ino) {
            fprintf(stderr, "placesim: %s is part of the scenario being calibrated "
                    "(%s); write the calibrated scenario to another file\n",
                    o->output, scenario);
            loaded_free(&l);
            return EXIT_BAD_INPUT;
        }
    int years = o->years ? (int)o->years : 5;
    int iters = o->max_replicates ? (int)o->max_replicates : 80;
    /* Stages, in this order: settle the starting stock on the scenario as
     * it is, fit the knobs with that stock, settle it again on the fit. */
    int verbose = isatty(2) && !o->quiet;
    int settle_reps = l.p[0].replicates < SETTLE_REPLICATES ? l.p[0].replicates
                                                            : SETTLE_REPLICATES;
    int threads = (int)o->threads, bracketed;
    double first = calib_settle(&l.p[0], &l.mt[0], settle_reps, SETTLE_YEARS, threads,
                                verbose, &bracketed);
    if (isnan(first)) {
        fprintf(stderr, "placesim: %s: no housing users at the start, so the starting "
                "stock's escalated share (home_support.escalated_share) cannot be "
                "settled; nothing written\n", scenario);
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    double x[CALIB_KNOBS];
    double f = calib_fit(&l.p[0], &l.mt[0], l.p[0].replicates, years, NULL,
                         CALIB_KNOBS, iters, threads, verbose, x);
    params fitted = l.p[0];
    calib_apply(&fitted, x);
    double share = calib_settle(&fitted, &l.mt[0], settle_reps, SETTLE_YEARS, threads,
                                verbose, &bracketed);
    if (isnan(share)) share = fitted.home_escalated_share;   /* the fit emptied housing */
    double half, drift = calib_housing_drift(&fitted, &l.mt[0], settle_reps, SETTLE_YEARS,
                                             threads, &half);
    for (int i = 0; i < CALIB_KNOBS; i++)
        printf("  %-40s %.5g\n", calib_knob_name[i], x[i]);
    printf("  %-40s %.5g (%.5g before the fit)\n", "home_support.escalated_share", share, first);
    printf("  housing users without trends: %+.3f ± %.3f %% a year over %d years%s\n",
           100 * drift, 100 * half, SETTLE_YEARS,
           bracketed ? "" : " (NOT settled: no share in 0..1 holds housing)");
    if (!bracketed)
        fprintf(stderr, "placesim: warning: no escalated share in 0..1 holds housing users "
                "without trends (%+.2f %% a year at %g); the written scenario says so\n",
                100 * drift, share);
    printf("  objective (weighted squared relative errors) %.5f\n", f);
    char rel[1100], err[1200], *cmd = join_args(argc, argv);
    relative_to(o->output, scenario, rel, sizeof rel);
    rc = output_still_free(o->output, o->force);
    if (!rc && calib_write(o->output, rel, &fitted, x, f, bracketed, cmd, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        rc = EXIT_RUN_FAILED;
    } else if (!rc) {
        fprintf(stderr, "placesim: wrote %s\n", o->output);
    }
    free(cmd);
    loaded_free(&l);
    return rc;
}

/*
 * A default scenario (REL, e.g. "scenarios/regimes.yaml"): in the current
 * folder when it is there (a checkout), else where `make install` put it,
 * share/placesim beside the bin folder of this executable.  Into BUF.
 */
static const char *default_scenario(const char *rel, char *buf, size_t n)
{
    if (access(rel, R_OK) == 0) return rel;
    char exe[OUT_PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return rel;
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return rel;
    *slash = 0;                                   /* PREFIX/bin */
    snprintf(buf, n, "%s/../share/placesim/%s", exe, rel);
    return access(buf, R_OK) == 0 ? buf : rel;
}

/* The report's options from the command line's. */
static report_opts report_options(const options *o)
{
    report_opts r = { 0 };
    r.lang = o->lang ? (report_lang)(o->lang - 1) : REPORT_DA;
    r.materiality = o->has_materiality ? o->materiality : 0.01;
    r.threshold = o->has_threshold ? o->threshold : 0.01;
    r.threshold_given = o->has_threshold;
    r.price_year = o->price_year;
    return r;
}

static int cmd_report(const char *in, const char *out, const options *o)
{
    report_opts r = report_options(o);
    char err[2048], wrote[2 * 4096];
    int rc = report_write(in, out, &r, o->force, o->pdf, wrote, sizeof wrote, err, sizeof err);
    if (rc) {
        fprintf(stderr, "placesim: %s\n", err);
        return rc == 2 ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
    }
    if (!o->quiet) fprintf(stderr, "placesim: wrote %s\n", wrote);
    return 0;
}

static int placesim_main(int argc, char **argv);

/*
 * Under mpirun every rank runs main.  run, compare, risk and sweep spread
 * their jobs over the ranks (execute); every other command is rank 0's
 * alone.  Workers say nothing until their jobs run, so a scenario error is
 * printed once, by rank 0 (every rank finds the same error in the same
 * input, and all stop with its status).
 */
int main(int argc, char **argv)
{
    res_h5_setup();
    sim_mpi_init(&argc, &argv);
    int rc;
    if (sim_mpi_size() > 1 && sim_mpi_rank() > 0) {
        int spread = argc > 1 && (!strcmp(argv[1], "run") || !strcmp(argv[1], "compare") ||
                                  !strcmp(argv[1], "risk") || !strcmp(argv[1], "sweep"));
        if (!spread) {
            sim_mpi_finalize();
            return 0;
        }
        FILE *null = fopen("/dev/null", "w");
        if (null) { fflush(stderr); dup2(fileno(null), 2); fclose(null); }
    }
    rc = placesim_main(argc, argv);
    sim_mpi_finalize();
    return rc;
}

static int placesim_main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_text, stderr); return EXIT_BAD_INPUT; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("placesim %s (%s)\n", PLACESIM_VERSION, PLACESIM_GIT_COMMIT);
        return 0;
    }
    if (!strcmp(cmd, "reference")) { params_reference(stdout); return 0; }
    if (!strcmp(cmd, "outputs")) {
        report_kpi_reference(stdout, kpi_table, N_KPI, kpi_axis_name, KPI_N_AXES);
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "check") && strcmp(cmd, "compare") &&
        strcmp(cmd, "risk") && strcmp(cmd, "validate") && strcmp(cmd, "calibrate") &&
        strcmp(cmd, "report") && strcmp(cmd, "merge") && strcmp(cmd, "status") &&
        strcmp(cmd, "sweep"))
        return bad_usage("unknown command '%s'", cmd);
    /* Before any output exists: an interrupted write removes its temporary. */
    if (strcmp(cmd, "check") && strcmp(cmd, "validate") && strcmp(cmd, "status"))
        sim_outfile_catch_signals();

    options o = { 0 };
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_text, stdout);
            return 0;
        }
    optind = 2;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if ((o.shard_n || o.resume) && strcmp(cmd, "run") && strcmp(cmd, "compare") &&
        strcmp(cmd, "risk") && strcmp(cmd, "sweep"))
        return bad_usage("--shard and --resume are for run, compare, risk and sweep, not %s", cmd);
    char def[2 * OUT_PATH_MAX];
    if (!strcmp(cmd, "validate"))
        return cmd_validate(optind == argc ? default_scenario("scenarios/denmark.yaml", def, sizeof def)
                                           : argv[optind], &o);
    if (!strcmp(cmd, "report")) {
        if (optind != argc - 1) return bad_usage("%s wants exactly one result file", cmd);
        if (o.has_run_option)
            return bad_usage("report reads a result file: -r, -s, -t, -y, -w, -m, -S and "
                             "--step are for the commands that run one%s", "");
        return cmd_report(argv[optind], o.output, &o);
    }
    if (!strcmp(cmd, "status") || !strcmp(cmd, "merge")) {
        if (optind != argc - 1) return bad_usage("%s wants exactly one folder of shards", cmd);
        if (!strcmp(cmd, "status")) return cmd_status(argv[optind]);
        return cmd_merge(argv[optind], &o, argc, argv);
    }
    if (o.report && strcmp(cmd, "compare") && strcmp(cmd, "risk"))
        return bad_usage("--report is for compare and risk; for %s, run 'placesim report FILE'", cmd);
    if (!strcmp(cmd, "calibrate") && optind == argc - 1)
        return cmd_calibrate(argv[optind], &o, argc, argv);
    int mode = !strcmp(cmd, "compare") ? MODE_COMPARE
             : !strcmp(cmd, "risk") ? MODE_RISK
             : !strcmp(cmd, "sweep") ? MODE_SWEEP : MODE_RUN;
    if (mode != MODE_RUN && optind == argc && strcmp(cmd, "check"))
        return execute(default_scenario(mode == MODE_COMPARE ? "scenarios/regimes.yaml"
                                                             : "scenarios/shocks.yaml",
                                        def, sizeof def),
                       &o, argc, argv, mode);
    if (optind != argc - 1)
        return bad_usage("%s wants exactly one scenario file", cmd);
    const char *scenario = argv[optind];
    if (!strcmp(cmd, "check")) return cmd_check(scenario, &o);
    return execute(scenario, &o, argc, argv, mode);
}
