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
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "analysis/calibrate.h"
#include "analysis/compare.h"
#include "analysis/results.h"
#include "analysis/risk.h"
#include "analysis/report.h"
#include "analysis/html.h"
#include "models/kpi.h"
#include "models/market.h"
#include "models/params.h"
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
"  calibrate SCENARIO -o OUT  fit the free parameters to the reported figures\n"
"                    and write them to OUT, a scenario extending SCENARIO\n"
"  validate [SCENARIO] targets against the simulated baseline\n"
"                    (default scenarios/denmark.yaml); writes nothing\n"
"  check SCENARIO    validate SCENARIO and its data; write nothing\n"
"  report RESULTS.h5 write the report of a result file of run, compare or\n"
"                    risk: one self-contained HTML file (default RESULTS.html)\n"
"                    and the CSV of its tables in RESULTS_files/\n"
"  reference         print the scenario key reference (Markdown)\n"
"  outputs           print the output (KPI) reference (Markdown)\n"
"\n"
"options for run:\n"
"  -r, --replicates N   replicates per variant (default: run.replicates)\n"
"  -s, --seed S         master seed (default: run.seed)\n"
"  -t, --threads N      threads (default: OMP_NUM_THREADS, else all cores)\n"
"  -y, --years N        simulated years (default: run.years)\n"
"  -o, --output FILE    result file (default: results/SCENARIO-SEED.h5)\n"
"  -f, --force          replace an existing result file\n"
"  -q, --quiet          no summary table\n"
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
        case 'f': o->force = 1; break;
        case 'q': o->quiet = 1; break;
        default: return EXIT_BAD_INPUT;
        }
    }
    return 0;
}

/* ---- the run ----------------------------------------------------------- */

typedef struct run_ctx {
    params     *variant;      /* n_variants params */
    muni_table *munis;        /* n_variants tables */
    sim_record *rec;
    double     *events;       /* per job: summed after, in job order */
} run_ctx;

/* Variants share the seed (variants_comparable): common random numbers. */
static int run_job(void *vctx, int v, int r)
{
    run_ctx *ctx = vctx;
    const params *p = &ctx->variant[v];
    size_t job = sim_record_job(ctx->rec, v, r);
    int rc = market_run(p, &ctx->munis[v], ctx->variant[0].seed, v, r,
                        ctx->rec, &ctx->events[job]);
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
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
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

/* Parameters of variant V, with the command line's overrides; 0 or -1. */
static int load_variant(loaded *l, int v, const options *o, cfg_error *err)
{
    int nv = cfg_variant_count(l->c);
    cfg *vc = nv ? cfg_variant(l->c, v) : l->c;
    if (!vc) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return -1;
    }
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
    l->names[v] = strdup(nv ? cfg_variant_name(l->c, v) : p->regime);
    if (o->replicates) p->replicates = (int)o->replicates;
    if (o->has_seed) p->seed = (uint64_t)o->seed;
    if (o->years) p->years = (int)o->years;
    /* a shorter horizon on the command line must still reach the regimes */
    if (rc == 0 && p->regime_starts >= p->years)
        rc = cfg_fail(vc, "regime.starts_after", err, "%d years after the base year is "
                      "beyond the horizon of --years (%d)", p->regime_starts, p->years) - 1;
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
 * Every result is held in memory until the end, so a plan whose results
 * would not fit in three quarters of the machine's memory is refused up
 * front: the system would otherwise grant the memory lazily and kill the
 * run hours later.
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

static void report_speed(const sim_exec_stats *st, const res_meta *m,
                         const char *path)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = st->seconds > 0 ? st->seconds : 1e-9;
    fprintf(stderr, "placesim: %d jobs in %.2f s: %.3g events/s, %.3g replicates/s, "
            "peak memory %.0f MiB; wrote %s\n", st->jobs_done, st->seconds,
            m->events / secs, st->jobs_done / secs, ru.ru_maxrss / 1024.0, path);
}

/* Run replicates [R0, R1) of every variant; returns the failed jobs.  The
 * progress line counts the invocation's jobs up to R_MAX replicates per
 * variant, from T0. */
static int run_batch(loaded *l, sim_record *rec, double *events, int r0, int r1,
                     int r_max, double t0, const options *o, sim_exec_stats *total)
{
    int failed = 0;
    run_ctx ctx = { l->p, l->mt, rec, events };
    for (int v = 0; v < l->n; v++) {
        sim_plan plan = { l->n, rec->n_replicates, v * rec->n_replicates + r0, r1 - r0 };
        sim_exec_stats st;
        /* jobs done so far: R0 of every variant, and this batch of those before */
        sim_progress pr = { l->names[v], l->n * r0 + v * (r1 - r0), l->n * r_max, t0 };
        failed += sim_plan_run(&plan, run_job, &ctx, (int)o->threads,
                               isatty(2) && !o->quiet ? &pr : NULL, &st);
        total->jobs_done += st.jobs_done;
        total->jobs_failed += st.jobs_failed;
        total->seconds += st.seconds;
    }
    return failed;
}

/*
 * run and compare: load, run the plan (compare: in batches until the
 * intervals are narrow enough), report, write.  COMPARE selects the
 * comparison report and stopping rule.
 */
enum { MODE_RUN, MODE_COMPARE, MODE_RISK };
static int cmd_report(const char *in, const char *out, const options *o);

static int execute(const char *scenario, const options *o, int argc, char **argv,
                   int mode)
{
    loaded l;
    int rc = load_scenario(scenario, o, &l);
    if (rc) return rc;
    int compare = mode == MODE_COMPARE, n_base = l.n;
    double low[64], high[64];
    if (mode == MODE_RISK && o->sensitivity &&
        add_sensitivity(&l, o->step > 0 ? o->step : 0.2, low, high)) {
        fprintf(stderr, "placesim: out of memory\n");
        exit(EXIT_RUN_FAILED);
    }
    char path[OUT_PATH_MAX];
    if (o->output) snprintf(path, sizeof path, "%s", o->output);
    else default_output(scenario, (unsigned long long)l.p[0].seed, path, sizeof path);
    if (compare && l.n < 2)
        fprintf(stderr, "placesim: %s defines fewer than two variants; "
                "compare wants several (see scenarios/regimes.yaml)\n", scenario);
    /* the default output goes to ./results, made here when missing */
    int bad = (compare && l.n < 2) || !variants_comparable(scenario, &l);
    if (!bad && !o->output && mkdir("results", 0777) && errno != EEXIST) {
        fprintf(stderr, "placesim: cannot create the folder results: %s\n", strerror(errno));
        bad = 1;
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
    if (bad || output_check(path, o->force)) {
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    int batch = l.p[0].replicates;
    int max = !compare || o->until_width <= 0 ? batch
            : o->max_replicates ? (int)o->max_replicates : 10 * batch;
    if (max < batch) max = batch;
    for (int v = 0; v < l.n; v++) l.p[v].replicates = max;
    sim_record *rec = declared_record(&l);
    if (!plan_fits(rec)) {
        sim_record_free(rec);
        loaded_free(&l);
        return EXIT_BAD_INPUT;
    }
    double *events = calloc((size_t)l.n * (size_t)max, sizeof *events);
    if (sim_record_alloc(rec) || !events) {
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
    if (compare) { meta.agg = compare_aggs; meta.n_agg = compare_n_aggs; }
    if (mode == MODE_RISK) { meta.agg = risk_aggs; meta.n_agg = risk_n_aggs; }
    double *figures = mode == MODE_RISK ? calloc((size_t)n_base * RISK_N_FIGURES,
                                                 sizeof *figures) : NULL;

    if (!o->quiet)
        fprintf(stderr, "placesim: %s: %d variant(s) x %d replicates x %d years on %d threads\n",
                scenario, l.n, batch, l.p[0].years, meta.threads);
    sim_exec_stats st = { 0 };
    int done = 0, failed = 0, narrow = 0;
    double t0 = sim_wall_seconds();   /* the progress line's overall ETA */
    do {
        int next = done + batch < max ? done + batch : max;
        failed += run_batch(&l, rec, events, done, next, max, t0, o, &st);
        done = next;
        if (max > batch) {
            narrow = compare_converged(rec, o->until_width);
            if (!o->quiet)
                fprintf(stderr, "placesim: %d replicates per variant: intervals %s\n",
                        done, narrow ? "narrow enough" : "still too wide");
        }
    } while (done < max && !failed && !narrow);
    sim_record_truncate(rec, done);
    if (figures && !risk_figures(rec, n_base, o->has_threshold ? o->threshold : 0.01, figures)) {
        meta.figure_group = "risk";
        meta.figure_name = risk_figure_name;
        meta.figure_doc = risk_figure_doc;
        meta.figures = figures;
        meta.n_figures = RISK_N_FIGURES;
        meta.n_figure_variants = n_base;
        meta.figure_threshold = o->has_threshold ? o->threshold : 0.01;
    }
    for (int j = 0; j < l.n * max; j++) meta.events += events[j];
    meta.seconds = st.seconds;

    if (!o->quiet) {
        if (compare) {
            compare_report(stdout, rec);
        } else if (mode == MODE_RISK) {
            risk_report(stdout, rec, n_base, o->has_threshold ? o->threshold : 0.01);
            const char *keys[64];
            for (size_t i = 0; i < params_sensitivity_len; i++)
                keys[i] = params_sensitivity[i].key;
            if (o->sensitivity)
                risk_sensitivity(stdout, rec, n_base, keys, low, high,
                                 (int)params_sensitivity_len);
        } else {
            report_summary(stdout, rec);
        }
    }
    char err[OUT_PATH_MAX + 256];
    /* A result with failed jobs is not a finished result: nothing is
     * written under the final name (each failure was printed above). */
    if (failed) {
        fprintf(stderr, "placesim: %d job%s failed; nothing written to %s\n",
                failed, failed == 1 ? "" : "s", path);
        rc = EXIT_RUN_FAILED;
    } else if (output_still_free(path, o->force)) {
        rc = EXIT_RUN_FAILED;
    } else if (res_write_h5(rec, &meta, path, o->force, err, sizeof err)) {
        fprintf(stderr, "placesim: %s\n", err);
        rc = EXIT_RUN_FAILED;
    } else {
        report_speed(&st, &meta, path);
        if (o->report) rc = cmd_report(path, NULL, o);
        if (!rc && max > batch && !narrow) {
            fprintf(stderr, "placesim: --until-width %g not reached: the intervals are still "
                    "too wide after %d replicates per variant (--max-replicates); exit %d\n",
                    o->until_width, done, EXIT_NOT_NARROW);
            rc = EXIT_NOT_NARROW;
        }
    }
    res_meta_clear(&meta);
    free(figures);
    sim_record_free(rec);
    free(events);
    loaded_free(&l);
    return rc;
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
    printf("%s: valid; %d variant%s, %d municipalit%s in %d region%s, "
           "%d target group%s, regime %s\n", scenario, l.n, l.n == 1 ? "" : "s",
           l.mt[0].n, l.mt[0].n == 1 ? "y" : "ies", l.mt[0].n_regions,
           l.mt[0].n_regions == 1 ? "" : "s", l.p[0].n_groups,
           l.p[0].n_groups == 1 ? "" : "s", l.p[0].regime);
    loaded_free(&l);
    return 0;
}

/* Run the replicates of variant 0 of L into a new record. */
static sim_record *run_quietly(loaded *l, const options *o)
{
    sim_record *rec = new_record(l);
    double *events = calloc((size_t)l->n * (size_t)l->p[0].replicates, sizeof *events);
    if (!events) { fprintf(stderr, "placesim: out of memory\n"); exit(EXIT_RUN_FAILED); }
    run_ctx ctx = { l->p, l->mt, rec, events };
    sim_plan plan = { l->n, l->p[0].replicates, 0, l->p[0].replicates };  /* variant 0 */
    sim_progress pr = { l->names[0], 0, l->p[0].replicates, sim_wall_seconds() };
    sim_plan_run(&plan, run_job, &ctx, (int)o->threads, isatty(2) && !o->quiet ? &pr : NULL,
                 NULL);
    free(events);
    return rec;
}

static int cmd_validate(const char *scenario, const options *o)
{
    loaded l;
    int rc = load_scenario(scenario, o, &l);
    if (rc) return rc;
    sim_record *rec = run_quietly(&l, o);
    calib_validate(stdout, rec);
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
    double x[CALIB_KNOBS];
    double f = calib_fit(&l.p[0], &l.mt[0], l.p[0].replicates, years, NULL,
                         CALIB_KNOBS, iters, isatty(2) && !o->quiet, x);
    params fitted = l.p[0];
    calib_apply(&fitted, x);
    for (int i = 0; i < CALIB_KNOBS; i++)
        printf("  %-40s %.5g\n", calib_knob_name[i], x[i]);
    printf("  objective (weighted squared relative errors) %.5f\n", f);
    char rel[1100], err[1200], *cmd = join_args(argc, argv);
    relative_to(o->output, scenario, rel, sizeof rel);
    rc = output_still_free(o->output, o->force);
    if (!rc && calib_write(o->output, rel, &fitted, x, f, cmd, err, sizeof err)) {
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

int main(int argc, char **argv)
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
        strcmp(cmd, "report"))
        return bad_usage("unknown command '%s'", cmd);
    /* Before any output exists: an interrupted write removes its temporary. */
    if (strcmp(cmd, "check") && strcmp(cmd, "validate")) sim_outfile_catch_signals();

    options o = { 0 };
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_text, stdout);
            return 0;
        }
    optind = 2;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
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
    if (o.report && strcmp(cmd, "compare") && strcmp(cmd, "risk"))
        return bad_usage("--report is for compare and risk; for %s, run 'placesim report FILE'", cmd);
    if (!strcmp(cmd, "calibrate") && optind == argc - 1)
        return cmd_calibrate(argv[optind], &o, argc, argv);
    int mode = !strcmp(cmd, "compare") ? MODE_COMPARE
             : !strcmp(cmd, "risk") ? MODE_RISK : MODE_RUN;
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
