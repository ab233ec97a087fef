/*
 * analysis/report_cmd.c - `placesim report`: a result file in, the report,
 * its CSV folder and (on request) its PDF out.
 *
 * Everything is built in memory and given its name whole (sim/outfile):
 * the CSV files first, the HTML last, so a report that exists has its
 * tables beside it.  The PDF is printed by headless Chromium (Debian's
 * chromium) from the HTML file just written, into a temporary name that
 * becomes OUT.pdf only when Chromium has finished.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "html.h"
#include "sim/outfile.h"

/* ---- private to this module ------------------------------------------- */

#define CSV_OPEN_MAX 8

typedef struct csv_ctx {
    char  dir[PATH_MAX];
    struct { FILE *f; char *buf; size_t len; char name[128]; } open[CSV_OPEN_MAX];
    int   failed;
    char  err[512];
} csv_ctx;

static FILE *csv_open(void *ctx, const char *name)
{
    csv_ctx *c = ctx;
    for (int i = 0; i < CSV_OPEN_MAX; i++)
        if (!c->open[i].f) {
            c->open[i].buf = NULL;
            c->open[i].len = 0;
            c->open[i].f = open_memstream(&c->open[i].buf, &c->open[i].len);
            snprintf(c->open[i].name, sizeof c->open[i].name, "%s", name);
            if (c->open[i].f) fputs("\xEF\xBB\xBF", c->open[i].f);   /* UTF-8 mark for spreadsheets */
            return c->open[i].f;
        }
    return NULL;
}

static int csv_close(void *ctx, FILE *f)
{
    csv_ctx *c = ctx;
    for (int i = 0; i < CSV_OPEN_MAX; i++) {
        if (c->open[i].f != f) continue;
        fclose(f);
        c->open[i].f = NULL;
        char path[PATH_MAX + 160];
        snprintf(path, sizeof path, "%s/%s", c->dir, c->open[i].name);
        int rc = sim_outfile_write(path, c->open[i].buf, c->open[i].len, 1, c->err, sizeof c->err);
        free(c->open[i].buf);
        if (rc) c->failed = 1;
        return rc;
    }
    return -1;
}

/* PATH with its extension .h5 (or none) replaced by EXT. */
static void with_ext(char *out, size_t n, const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    snprintf(out, n, "%.*s%s", (int)stem, path, ext);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Print HTML to PDF with headless Chromium; 0 or -1 with ERR. */
static int print_pdf(const char *html, const char *pdf, int force, char *err, size_t errlen)
{
    char abs[2 * PATH_MAX], cwd[PATH_MAX], tmp[PATH_MAX + 32];
    if (html[0] == '/') snprintf(abs, sizeof abs, "%s", html);
    else if (getcwd(cwd, sizeof cwd)) snprintf(abs, sizeof abs, "%s/%s", cwd, html);
    else {
        snprintf(err, errlen, "cannot resolve %s: %s", html, strerror(errno));
        return -1;
    }
    if (!force && file_exists(pdf)) {
        snprintf(err, errlen, "%s exists; -f replaces it", pdf);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", pdf, (long)getpid());
    char cmd[4 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer "
             "--print-to-pdf='%s' 'file://%s' >/dev/null 2>&1", tmp, abs);
    int status = system(cmd);
    if (status != 0 || !file_exists(tmp)) {
        unlink(tmp);
        snprintf(err, errlen, status == 127 * 256 ? "chromium is not installed (Debian: apt-get install chromium)"
                                                  : "chromium could not print %s to PDF", html);
        return -1;
    }
    if (rename(tmp, pdf)) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, pdf, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int report_write(const char *in, const char *out, const report_opts *opts, int force,
                 int pdf, char *wrote, size_t wrote_len, char *err, size_t errlen)
{
    char path[PATH_MAX], dir[PATH_MAX], link[PATH_MAX];
    if (out) snprintf(path, sizeof path, "%s", out);
    else with_ext(path, sizeof path, in, ".html");
    if (!force && file_exists(path)) {
        snprintf(err, errlen, "%s exists; -f replaces it", path);
        return 2;
    }
    res_file f;
    if (res_file_read(in, &f, err, errlen)) return 2;
    int known = !opts->price_year;
    for (int y = 0; !known && y < f.rec->n_years; y++)
        known = f.rec->years && f.rec->years[y] == opts->price_year;
    if (!known) {
        snprintf(err, errlen, "--price-year %d is not a year of %s (%d-%d)", opts->price_year, in,
                 f.rec->years ? f.rec->years[0] : 0,
                 f.rec->years ? f.rec->years[f.rec->n_years - 1] : 0);
        res_file_free(&f);
        return 2;
    }
    with_ext(dir, sizeof dir, path, "_files");
    const char *base = strrchr(dir, '/');
    snprintf(link, sizeof link, "%s", base ? base + 1 : dir);
    csv_ctx *csv = calloc(1, sizeof *csv);
    if (!csv) { res_file_free(&f); snprintf(err, errlen, "out of memory"); return 1; }
    snprintf(csv->dir, sizeof csv->dir, "%s", dir);
    if (mkdir(dir, 0777) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the folder %s: %s", dir, strerror(errno));
        res_file_free(&f);
        free(csv);
        return 1;
    }
    report_opts o = *opts;
    o.csv_open = csv_open;
    o.csv_close = csv_close;
    o.csv_ctx = csv;
    o.csv_dir = link;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int rc = mem ? report_html(&f, &o, mem, err, errlen) : -1;
    if (mem) fclose(mem);
    if (!rc && csv->failed) { snprintf(err, errlen, "%s", csv->err); rc = -1; }
    if (!rc && sim_outfile_write(path, buf, len, force, err, errlen)) rc = -1;
    free(buf);
    res_file_free(&f);
    free(csv);
    if (rc) return 1;
    if (wrote) snprintf(wrote, wrote_len, "%s", path);
    if (pdf) {
        char p[PATH_MAX];
        with_ext(p, sizeof p, path, ".pdf");
        if (print_pdf(path, p, force, err, errlen)) return 1;
        if (wrote) snprintf(wrote, wrote_len, "%s and %s", path, p);
    }
    return 0;
}
