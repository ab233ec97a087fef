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
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "html.h"
#include "sim/outfile.h"

/* ---- private to this module ------------------------------------------- */

#define CSV_MAX 512   /* CSV files one report may write */

/* The CSV files of a report, kept in memory until the report is whole. */
typedef struct csv_ctx {
    struct csv_file { FILE *f; char *buf; size_t len; char name[128]; } file[CSV_MAX];
    int   n;
    int   failed;
} csv_ctx;

static FILE *csv_open(void *ctx, const char *name)
{
    csv_ctx *c = ctx;
    if (c->n == CSV_MAX) { c->failed = 1; return NULL; }
    struct csv_file *cf = &c->file[c->n];
    cf->buf = NULL;
    cf->len = 0;
    cf->f = open_memstream(&cf->buf, &cf->len);
    if (!cf->f) { c->failed = 1; return NULL; }
    snprintf(cf->name, sizeof cf->name, "%s", name);
    fputs("\xEF\xBB\xBF", cf->f);   /* UTF-8 mark for spreadsheets */
    c->n++;
    return cf->f;
}

static int csv_close(void *ctx, FILE *f)
{
    csv_ctx *c = ctx;
    for (int i = 0; i < c->n; i++)
        if (c->file[i].f == f) {
            int rc = fclose(f);
            c->file[i].f = NULL;
            return rc ? -1 : 0;
        }
    return -1;
}

static void csv_free(csv_ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        if (c->file[i].f) fclose(c->file[i].f);
        free(c->file[i].buf);
    }
    free(c);
}

/* Write every CSV into DIR (made if missing), then remove the CSV files
 * there that this report did not write (from an earlier report of another
 * file).  0, or -1 with ERR. */
static int csv_commit(csv_ctx *c, const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < c->n; i++) {
        char path[PATH_MAX + 160];
        snprintf(path, sizeof path, "%s/%s", dir, c->file[i].name);
        if (sim_outfile_write(path, c->file[i].buf, c->file[i].len, 1, err, errlen)) return -1;
    }
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".csv")) continue;
        int ours = 0;
        for (int i = 0; i < c->n && !ours; i++) ours = !strcmp(c->file[i].name, e->d_name);
        if (!ours) {
            char path[PATH_MAX + 300];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    if (d) closedir(d);
    return 0;
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

/* Refuse, before any work, a report path the write could not name or
 * should not replace: the result file itself, a folder, a device or other
 * non-regular file, a missing or non-folder parent; without FORCE an
 * existing report or CSV folder.  0, or 2 with ERR. */
static int check_paths(const char *in, const char *path, const char *dir, int force,
                       char *err, size_t errlen)
{
    struct stat a, b;
    if (!path[0]) { snprintf(err, errlen, "-o wants a file name"); return 2; }
    if (!strcmp(in, path) || (stat(in, &a) == 0 && stat(path, &b) == 0 &&
                               a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
        snprintf(err, errlen, "%s is the result file the report reads; -o names another file", path);
        return 2;
    }
    if (lstat(path, &b) == 0 && !S_ISREG(b.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a regular file; -o wants a report file", path);
        return 2;
    }
    if (lstat(path, &b) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return 2;
    }
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash) {
        if (slash == parent) slash[1] = 0; else *slash = 0;
        if (stat(parent, &b) != 0 || !S_ISDIR(b.st_mode)) {
            snprintf(err, errlen, "cannot write %s: %s is not a folder", path, parent);
            return 2;
        }
    }
    if (lstat(dir, &b) == 0 && !S_ISDIR(b.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a folder; the report puts its CSV files there", dir);
        return 2;
    }
    if (!force && (file_exists(path) || file_exists(dir))) {
        snprintf(err, errlen, "%s exists; -f replaces it", file_exists(path) ? path : dir);
        return 2;
    }
    return 0;
}

int report_paths(const char *in, const char *out, char *path, size_t n)
{
    if (out) snprintf(path, n, "%s", out);
    else with_ext(path, n, in, ".html");
    return 0;
}

int report_check_output(const char *in, const char *out, int force, char *err, size_t errlen)
{
    char path[PATH_MAX], dir[PATH_MAX];
    report_paths(in, out, path, sizeof path);
    with_ext(dir, sizeof dir, path, "_files");
    return check_paths(in, path, dir, force, err, errlen);
}

int report_write(const char *in, const char *out, const report_opts *opts, int force,
                 int pdf, char *wrote, size_t wrote_len, char *err, size_t errlen)
{
    char path[PATH_MAX], dir[PATH_MAX], link[PATH_MAX], pdf_path[PATH_MAX];
    report_paths(in, out, path, sizeof path);
    with_ext(dir, sizeof dir, path, "_files");
    with_ext(pdf_path, sizeof pdf_path, path, ".pdf");
    int rc = check_paths(in, path, dir, force, err, errlen);
    if (rc) return rc;
    if (pdf && !force && file_exists(pdf_path)) {
        snprintf(err, errlen, "%s exists; -f replaces it", pdf_path);
        return 2;
    }
    if (pdf && system("chromium --version >/dev/null 2>&1") != 0) {
        snprintf(err, errlen, "--pdf needs chromium (Debian: apt-get install chromium)");
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
    const char *base = strrchr(dir, '/');
    snprintf(link, sizeof link, "%s", base ? base + 1 : dir);
    csv_ctx *csv = calloc(1, sizeof *csv);
    if (!csv) { res_file_free(&f); snprintf(err, errlen, "out of memory"); return 1; }
    report_opts o = *opts;
    /* a risk file's own threshold, unless one is given */
    if (!o.threshold_given && isfinite(f.risk_threshold)) o.threshold = f.risk_threshold;
    o.csv_open = csv_open;
    o.csv_close = csv_close;
    o.csv_ctx = csv;
    o.csv_dir = link;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    rc = mem ? report_html(&f, &o, mem, err, errlen) : -1;
    if (mem) fclose(mem);
    if (!rc && csv->failed) { snprintf(err, errlen, "cannot keep the report's CSV files in memory"); rc = -1; }
    /* the tables first, the report last: a report that exists has them */
    if (!rc && csv_commit(csv, dir, err, errlen)) rc = -1;
    if (!rc && sim_outfile_write(path, buf, len, force, err, errlen)) rc = -1;
    free(buf);
    res_file_free(&f);
    csv_free(csv);
    if (rc) return 1;
    if (wrote) snprintf(wrote, wrote_len, "%s", path);
    if (pdf) {
        if (print_pdf(path, pdf_path, force, err, errlen)) return 1;
        if (wrote) snprintf(wrote, wrote_len, "%s and %s", path, pdf_path);
    }
    return 0;
}
