/*
 * analysis/study.c - one plan run in pieces: shards, their merge, and
 * journals of finished jobs.
 *
 * The header is a few "key value" lines, so a person can read what a file
 * is with `head -c 600`, and a reader refuses a key it does not know
 * rather than guess.  The digest decides whether two files belong to one
 * plan; the other lines say how to rebuild that plan (merge reloads the
 * scenario from them and checks that its digest is still the same).
 */
#include "study.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "sim/journal.h"

const char *const study_mode_name[] = { "run", "compare", "risk", "sweep" };
#define N_MODES (int)(sizeof study_mode_name / sizeof *study_mode_name)

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void study_digest(const char *const *piece, const size_t *len, int n, char out[17])
{
    uLong c = crc32(0L, Z_NULL, 0), a = adler32(0L, Z_NULL, 0);
    for (int i = 0; i < n; i++) {
        /* the length first, so that pieces cannot slide into each other */
        unsigned long long l = len[i];
        c = crc32(c, (const Bytef *)&l, sizeof l);
        a = adler32(a, (const Bytef *)&l, sizeof l);
        for (size_t at = 0; at < len[i];) {
            uInt k = len[i] - at > (1u << 30) ? (1u << 30) : (uInt)(len[i] - at);
            c = crc32(c, (const Bytef *)piece[i] + at, k);
            a = adler32(a, (const Bytef *)piece[i] + at, k);
            at += k;
        }
    }
    snprintf(out, 17, "%08lx%08lx", c & 0xffffffffUL, a & 0xffffffffUL);
}

/* ---- the header ---------------------------------------------------------- */

char *study_header_text(const study_header *h)
{
    const char *fmt =
        "placesim plan 1\n"
        "digest %s\n"
        "command %s\n"
        "scenario %s\n"
        "cwd %s\n"
        "variants %d\n"
        "replicates %ld\n"
        "years %ld\n"
        "seed %lld\n"
        "threshold %.17g %d\n"
        "sensitivity %d %.17g\n"
        "shard %d %d\n"
        "jobs %ld\n";
    int n = snprintf(NULL, 0, fmt, h->digest, study_mode_name[h->mode], h->scenario,
                     h->cwd, h->variants, h->replicates, h->years, h->seed,
                     h->threshold, h->has_threshold, h->sensitivity, h->step,
                     h->shard_k, h->shard_n, h->total_jobs);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s)
        snprintf(s, (size_t)n + 1, fmt, h->digest, study_mode_name[h->mode], h->scenario,
                 h->cwd, h->variants, h->replicates, h->years, h->seed, h->threshold,
                 h->has_threshold, h->sensitivity, h->step, h->shard_k, h->shard_n,
                 h->total_jobs);
    return s;
}

void study_header_free(study_header *h)
{
    free(h->scenario);
    free(h->cwd);
    memset(h, 0, sizeof *h);
}

/* The rest of line KEY in TEXT (after "KEY "), up to the newline, or NULL. */
static const char *line_of(const char *text, const char *key, size_t *len)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, key, k) && p[k] == ' ') {
            const char *v = p + k + 1, *e = strchr(v, '\n');
            *len = e ? (size_t)(e - v) : strlen(v);
            return v;
        }
    return NULL;
}

static char *line_dup(const char *text, const char *key)
{
    size_t len;
    const char *v = line_of(text, key, &len);
    char *s = v ? malloc(len + 1) : NULL;
    if (s) { memcpy(s, v, len); s[len] = '\0'; }
    return s;
}

int study_parse(const char *text, study_header *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (strncmp(text, "placesim plan 1\n", 16))
        return fail(err, errlen, "not the header of a placesim plan");
    char *digest = line_dup(text, "digest"), *cmd = line_dup(text, "command");
    char *num[7] = { line_dup(text, "variants"), line_dup(text, "replicates"),
                     line_dup(text, "years"), line_dup(text, "seed"),
                     line_dup(text, "threshold"), line_dup(text, "sensitivity"),
                     line_dup(text, "shard") };
    char *jobs = line_dup(text, "jobs");
    h->scenario = line_dup(text, "scenario");
    h->cwd = line_dup(text, "cwd");
    int ok = digest && strlen(digest) == 16 && cmd && jobs && h->scenario && h->cwd;
    for (int i = 0; i < 7; i++) ok = ok && num[i];
    h->mode = N_MODES;
    for (int m = 0; ok && m < N_MODES; m++)
        if (!strcmp(cmd, study_mode_name[m])) h->mode = (study_mode)m;
    ok = ok && h->mode < N_MODES &&
         sscanf(num[0], "%d", &h->variants) == 1 &&
         sscanf(num[1], "%ld", &h->replicates) == 1 &&
         sscanf(num[2], "%ld", &h->years) == 1 &&
         sscanf(num[3], "%lld", &h->seed) == 1 &&
         sscanf(num[4], "%lg %d", &h->threshold, &h->has_threshold) == 2 &&
         sscanf(num[5], "%d %lg", &h->sensitivity, &h->step) == 2 &&
         sscanf(num[6], "%d %d", &h->shard_k, &h->shard_n) == 2 &&
         sscanf(jobs, "%ld", &h->total_jobs) == 1 &&
         h->variants >= 1 && h->replicates >= 1 && h->total_jobs ==
             (long)h->variants * h->replicates &&
         h->shard_n >= 0 && (h->shard_n == 0 || (h->shard_k >= 0 && h->shard_k < h->shard_n));
    if (ok) memcpy(h->digest, digest, 17);
    free(digest);
    free(cmd);
    free(jobs);
    for (int i = 0; i < 7; i++) free(num[i]);
    if (!ok) {
        study_header_free(h);
        return fail(err, errlen, "a damaged or unknown plan header");
    }
    return 0;
}

/* ---- shards -------------------------------------------------------------- */

void study_shard_jobs(long total, int k, int n, long *first, long *count)
{
    /* in long long: K x TOTAL overflows a 32-bit long for large plans */
    long long a = (long long)k * total / n, b = (long long)(k + 1) * total / n;
    *first = (long)a;
    *count = (long)(b - a);
}

void study_shard_path(const char *dir, int k, int n, char *buf, size_t len)
{
    snprintf(buf, len, "%s/shard-%d-of-%d.jobs", dir, k, n);
}

/* Count records of a journal (for status). */
static int count_one(void *ctx, int job, const void *data, size_t len)
{
    (void)job; (void)data; (void)len;
    ++*(long *)ctx;
    return 0;
}

int study_scan(const char *dir, study_header *header, unsigned char **done,
               long **running, char *err, size_t errlen)
{
    *done = NULL;
    *running = NULL;
    memset(header, 0, sizeof *header);
    DIR *d = opendir(dir);
    if (!d) return fail(err, errlen, "cannot open the folder %s: %s", dir, strerror(errno));
    int rc = 0, have = 0, bad_k[256], bad_n[256], n_bad = 0;
    struct dirent *e;
    char path[8192];
    while (rc == 0 && (e = readdir(d))) {
        int k, n, end = 0;
        size_t nl = strlen(e->d_name);
        int journal = nl > 8 && !strcmp(e->d_name + nl - 8, ".journal");
        if (sscanf(e->d_name, "shard-%d-of-%d.jobs%n", &k, &n, &end) != 2 ||
            (e->d_name[end] != '\0' && strcmp(e->d_name + end, ".journal")))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = sim_journal_header(path, err, errlen);
        study_header h;
        if (!text || study_parse(text, &h, err, errlen)) {
            /* a damaged header: this shard is to run again (when it is one
             * of the study's, which the others tell) */
            free(text);
            if (!journal && k >= 0 && k < n && n_bad < (int)(sizeof bad_k / sizeof *bad_k)) {
                bad_k[n_bad] = k;
                bad_n[n_bad++] = n;
            }
            continue;
        }
        free(text);
        if (h.shard_n < 1 || h.shard_k != k || h.shard_n != n) {
            rc = fail(err, errlen, "%s says it is shard %d of %d, unlike its name",
                      path, h.shard_k, h.shard_n);
        } else if (!have) {
            *header = h;
            have = 1;
            *done = calloc((size_t)n, 1);
            *running = malloc((size_t)n * sizeof **running);
            if (!*done || !*running) rc = fail(err, errlen, "out of memory");
            for (int i = 0; rc == 0 && i < n; i++) (*running)[i] = -1;
            h.scenario = h.cwd = NULL;
        } else if (strcmp(h.digest, header->digest) || h.shard_n != header->shard_n) {
            rc = fail(err, errlen, "%s belongs to another plan than the other shards in "
                      "%s (digest %s, %d shards; not %s, %d): one folder holds one study",
                      path, dir, h.digest, h.shard_n, header->digest, header->shard_n);
        }
        long kept = 0, first, count;
        int damaged = 0;
        if (rc == 0 && sim_journal_read(path, NULL, count_one, &kept, NULL, &damaged,
                                        err, errlen))
            rc = -1;
        study_shard_jobs(header->total_jobs, k, n, &first, &count);
        if (rc == 0 && journal) {
            if ((*running)[k] < -1 || !(*done)[k]) (*running)[k] = kept;
        } else if (rc == 0 && !damaged && kept == count) {
            (*done)[k] = 1;
        } else if (rc == 0) {
            (*running)[k] = -2;      /* a shard file cut or damaged: run it again */
            (*done)[k] = 0;
        }
        study_header_free(&h);
    }
    closedir(d);
    for (int i = 0; rc == 0 && have && i < n_bad; i++)
        if (bad_n[i] == header->shard_n && !(*done)[bad_k[i]]) (*running)[bad_k[i]] = -2;
    if (rc == 0 && !have)
        rc = fail(err, errlen, "%s holds no shard of a placesim plan (shard-K-of-N.jobs): "
                  "none has started yet", dir);
    if (rc) {
        study_header_free(header);
        free(*done);
        free(*running);
        *done = NULL;
        *running = NULL;
    }
    return rc;
}

int study_missing_list(const unsigned char *done, int n, char *buf, size_t len)
{
    int count = 0;
    size_t at = 0;
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        if (done[k]) continue;
        int j = k;
        while (j + 1 < n && !done[j + 1]) j++;
        count += j - k + 1;
        int w = j == k ? snprintf(buf + at, len - at, "%s%d", at ? "," : "", k)
                       : snprintf(buf + at, len - at, "%s%d-%d", at ? "," : "", k, j);
        if (w > 0 && (size_t)w < len - at) at += (size_t)w;
        k = j;
    }
    return count;
}
