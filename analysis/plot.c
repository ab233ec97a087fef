/*
 * analysis/plot.c - gnuplot on a script, SVG back.
 *
 * The script goes to a temporary file and gnuplot writes the SVG to
 * another; both are removed before returning.  gnuplot's messages (it
 * writes them on stderr) are read through a pipe and become the error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"

const char *const plot_colour[PLOT_COLOURS] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
    "#000000", "#F0E442",
};

void plot_preamble(char *buf, size_t n, int w, int h)
{
    size_t used = (size_t)snprintf(buf, n,
        "set terminal svg size %d,%d font 'sans,12' background '#ffffff'\n"
        "set encoding utf8\n"
        "set termoption noenhanced\n"   /* names are text: '_' is no subscript */
        "set border 3 lc '#444444'\n"
        "set tics nomirror textcolor '#222222'\n"
        "set grid ytics lc '#dddddd' lt 1\n"
        "set key outside right top vertical Left reverse noautotitle\n"
        "set decimalsign '.'\n", w, h);
    for (int i = 0; i < PLOT_COLOURS && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used,
                                 "set style line %d lc '%s' lw 2 pt 7 ps 0.6\n",
                                 i + 1, plot_colour[i]);
}

int plot_available(void)
{
    return system("gnuplot --version >/dev/null 2>&1") == 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(f);
    if (b) b[n] = 0;
    *len = n;
    return b;
}

/* SVG of gnuplot, from its <svg to its end, with every id='x' and every
 * reference #x prefixed by ID. */
static char *embed(const char *svg, const char *id)
{
    const char *start = strstr(svg, "<svg");
    if (!start) return NULL;
    size_t n = strlen(start), idn = strlen(id), count = 0;
    for (const char *p = start; (p = strstr(p, "id='")); p++) count++;
    for (const char *p = start; (p = strstr(p, "#")); p++) count++;
    char *out = malloc(n + count * (idn + 1) + 1), *o = out;
    if (!out) return NULL;
    for (const char *p = start; *p;) {
        if (!strncmp(p, "id='", 4)) {
            memcpy(o, p, 4); o += 4; p += 4;
            o += sprintf(o, "%s_", id);
        } else if ((!strncmp(p, "url(#", 5)) || !strncmp(p, "href='#", 7)) {
            size_t k = p[0] == 'u' ? 5 : 7;
            memcpy(o, p, k); o += k; p += k;
            o += sprintf(o, "%s_", id);
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

char *plot_svg(const char *script, int w, int h, const char *id, char *err,
               size_t errlen)
{
    const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char gp[512], svg[520];
    snprintf(gp, sizeof gp, "%s/placesim-plot-XXXXXX", tmpdir);
    int fd = mkstemp(gp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file in %s for gnuplot", tmpdir);
        return NULL;
    }
    snprintf(svg, sizeof svg, "%s.svg", gp);
    FILE *f = fdopen(fd, "w");
    char pre[2048];
    plot_preamble(pre, sizeof pre, w, h);
    fprintf(f, "%sset output '%s'\n%s\nset output\n", pre, svg, script);
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>&1", gp);
    FILE *p = popen(cmd, "r");
    char msg[2048] = "";
    size_t used = 0, r;
    while (p && (r = fread(msg + used, 1, sizeof msg - 1 - used, p)) > 0) used += r;
    msg[used] = 0;
    int status = p ? pclose(p) : -1;
    unlink(gp);
    size_t len = 0;
    char *text = status == 0 ? slurp(svg, &len) : NULL;
    unlink(svg);
    if (status != 0 || !text) {
        if (status == 127 * 256 || strstr(msg, "not found"))
            snprintf(err, errlen, "gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
        else
            snprintf(err, errlen, "gnuplot failed on chart %s: %s", id, msg);
        free(text);
        return NULL;
    }
    char *out = embed(text, id);
    free(text);
    if (!out) snprintf(err, errlen, "gnuplot wrote no SVG for chart %s", id);
    return out;
}
