/*
 * analysis/report_html.c - the committee's report, in English or Danish.
 *
 * One self-contained HTML page: styles inline, charts as inline SVG drawn
 * by gnuplot, no script, no link outside the page (a Content-Security-Policy
 * forbids every fetch, so a browser proves it).  Each section opens with a
 * sentence that states its conclusion, computed from the file; every table
 * is also written as CSV.  The order of the sections is written down once,
 * in report_sections[] below.
 *
 * Statistics: a variant is compared with the reference (the file's first
 * variant) replicate by replicate on common random numbers, so each
 * difference is the mean of paired differences with a 95 % Student t
 * interval, and its likelihood word comes from the share of pairs in
 * which the variant is lower (report_likelihood).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "html.h"
#include "calibrate.h"
#include "compare.h"
#include "plot.h"
#include "uncertainty.h"

/* ---- private to this module ------------------------------------------- */

typedef struct rep {
    const res_file    *f;
    const sim_record  *s;
    const report_opts *o;
    FILE  *out;
    char  *err;
    size_t errlen;
    int    failed;
    int    charts;      /* charts drawn so far: their ids */
    int    tables;      /* tables written so far */
    int    price_y;     /* index of the fixed-price year */
    const char *ids[16];   /* the sections written, in order: the contents list */
    int    n_ids;
} rep;

/* English or Danish. */
#define T(r, en, da) ((r)->o->lang == REPORT_DA ? (da) : (en))

static int fail(rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(rep *r, const char *fmt, ...)
{
    if (r->failed) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return -1;
}

static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

/* S as a relative URL path segment: every byte but the unreserved ones
 * percent-encoded (so "q#1?_files" links to that folder). */
static void url(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~')
            fputc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
}

/* A CSV file name for variant V: PREFIX_V_NAME.csv with the name kept to
 * letters, digits, '-' and '_' (others become '_') and 40 characters. */
static void csv_name(char *buf, size_t n, const char *prefix, int v, const char *name)
{
    size_t o = (size_t)snprintf(buf, n, "%s_%d_", prefix, v);
    for (const char *p = name; *p && o + 5 < n && o < strlen(prefix) + 48; p++) {
        char c = *p;
        buf[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' ? c : '_';
    }
    snprintf(buf + o, n - o, ".csv");
}

/* A number as the language writes it: 1,234.5 or 1.234,5; "n/a" for NaN.
 * SIGN: a leading + on positive values (differences). */
static const char *num(const rep *r, char *buf, size_t n, double x, int dec, int sign)
{
    if (!isfinite(x)) { snprintf(buf, n, "%s", T(r, "n/a", "i.a.")); return buf; }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", dec, fabs(x));
    if (!strcmp(raw, "0") || strspn(raw, "0.") == strlen(raw)) x = 0;   /* no "-0.0" */
    char *dot = strchr(raw, '.');
    size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw);
    char th = r->o->lang == REPORT_DA ? '.' : ',', dp = r->o->lang == REPORT_DA ? ',' : '.';
    size_t o = 0;
    if (x < 0) o += (size_t)snprintf(buf + o, n - o, "\u2212");
    else if (sign && x > 0) buf[o++] = '+';
    for (size_t i = 0; i < ilen && o + 2 < n; i++) {
        if (i && (ilen - i) % 3 == 0) buf[o++] = th;
        buf[o++] = raw[i];
    }
    if (dot && o + 1 < n) {
        buf[o++] = dp;
        for (const char *q = dot + 1; *q && o + 1 < n; q++) buf[o++] = *q;
    }
    buf[o] = 0;
    return buf;
}

/* ---- statistics --------------------------------------------------------- */

typedef struct paired {
    int    n;
    double ref, var;          /* means of the reference and of the variant */
    double mean, lo, hi;      /* paired difference, 95 % interval */
    double lower, higher;     /* shares of pairs in which the variant is lower,
                                 higher (the rest are ties) */
} paired;

static double tq(int n) { return n > 1 ? gsl_cdf_tdist_Pinv(0.975, n - 1) : NAN; }

/* Series K's horizon aggregate, variant V against the reference. */
static paired pair_of(const rep *r, int k, res_agg_kind kind, int v)
{
    paired p = { 0 };
    const sim_record *s = r->s;
    double *d = malloc((size_t)s->n_replicates * sizeof *d);
    double sr = 0, sv = 0;
    int lower = 0, higher = 0;
    for (int i = 0; d && i < s->n_replicates; i++) {
        double a = res_aggregate(s, (size_t)k, kind, 0, i);
        double b = res_aggregate(s, (size_t)k, kind, v, i);
        if (!isfinite(a) || !isfinite(b)) continue;
        d[p.n++] = b - a;
        sr += a;
        sv += b;
        lower += b < a;
        higher += b > a;
    }
    if (p.n == 0) {
        free(d);
        p.ref = p.var = p.mean = p.lo = p.hi = p.lower = p.higher = NAN;
        return p;
    }
    p.ref = sr / p.n;
    p.var = sv / p.n;
    p.mean = gsl_stats_mean(d, 1, (size_t)p.n);
    double half = p.n > 1 ? tq(p.n) * gsl_stats_sd(d, 1, (size_t)p.n) / sqrt(p.n) : NAN;
    p.lo = p.mean - half;
    p.hi = p.mean + half;
    p.lower = (double)lower / p.n;
    p.higher = (double)higher / p.n;
    free(d);
    return p;
}

const char *report_likelihood(double p, report_lang lang)
{
    static const struct { double at; const char *en, *da; } scale[] = {
        { 0.99, "virtually certain to be lower", "praktisk talt sikkert lavere" },
        { 0.90, "very likely lower", "meget sandsynligt lavere" },
        { 0.66, "likely lower", "sandsynligvis lavere" },
        { 0.34, "about as likely lower as higher", "lige så sandsynligt lavere som højere" },
        { 0.11, "likely higher", "sandsynligvis højere" },
        { 0.01, "very likely higher", "meget sandsynligt højere" },
        { -1,   "virtually certain to be higher", "praktisk talt sikkert højere" },
    };
    if (!isfinite(p)) return lang == REPORT_DA ? "kan ikke vurderes" : "cannot be judged";
    size_t i = 0;
    while (p < scale[i].at) i++;
    return lang == REPORT_DA ? scale[i].da : scale[i].en;
}

/*
 * The likelihood word: "about the same" within the materiality; "the same
 * in most replicates" when most pairs tie; else the IPCC word for the
 * share of the untied pairs in which the variant is lower, no stronger
 * than "likely" while the 95 % interval of the difference holds zero (a
 * few replicates all of one sign are not near certainty).
 */
static double untied_lower(const paired *p)
{
    double untied = p->lower + p->higher;
    return untied > 0 ? p->lower / untied : 0.5;
}

static const char *verdict(const rep *r, const paired *p)
{
    if (p->n < 2) return T(r, "one replicate: no interval", "én kørsel: intet interval");
    if (fabs(p->mean) <= r->o->materiality * fabs(p->ref))
        return T(r, "about the same", "omtrent det samme");
    if (p->lower + p->higher < 0.5)
        return T(r, "the same in most replicates", "det samme i de fleste kørsler");
    double q = untied_lower(p);
    if (!(p->lo > 0 || p->hi < 0)) q = q > 0.66 ? 0.66 : q < 0.34 ? 0.34 : q;
    return report_likelihood(q, r->o->lang);
}

/* A clear difference: beyond the materiality, very likely one way, and an
 * interval that excludes zero. */
static int clear(const rep *r, const paired *p)
{
    double q = untied_lower(p);
    return p->n > 1 && fabs(p->mean) > r->o->materiality * fabs(p->ref) &&
           (p->lo > 0 || p->hi < 0) && (q >= 0.9 || q <= 0.1) && p->lower + p->higher >= 0.5;
}

/* Mean over replicates of series K (item A) in year Y of variant V. */
static double mean_at(const rep *r, int k, int v, int y, int a, double *half)
{
    const sim_record *s = r->s;
    double sum = 0, sq = 0;
    int n = 0;
    for (int i = 0; i < s->n_replicates; i++) {
        double x = sim_record_get(s, (size_t)k, v, i, y, a);
        if (!isfinite(x)) continue;
        sum += x;
        sq += x * x;
        n++;
    }
    if (!n) { if (half) *half = NAN; return NAN; }
    double m = sum / n;
    if (half) *half = n > 1 ? tq(n) * sqrt(fmax(0, (sq - n * m * m) / (n - 1)) / n) : NAN;
    return m;
}

static int series(const rep *r, const char *name)
{
    return sim_record_series_index(r->s, name);
}

/* The deflator of job (V, I) in year Y: fixed prices of price_y. */
static double deflator(const rep *r, int v, int i, int y)
{
    int k = series(r, "cost_index");
    if (k < 0) return 1;
    double a = sim_record_get(r->s, (size_t)k, v, i, r->price_y, 0);
    double b = sim_record_get(r->s, (size_t)k, v, i, y, 0);
    return isfinite(a) && isfinite(b) && b > 0 ? a / b : 1;
}

static int year_of(const rep *r, int y) { return r->s->years ? r->s->years[y] : y; }

/* Mean over replicates of series K in year Y of variant V, in fixed prices. */
static double fixed_mean(const rep *r, int k, int v, int y)
{
    double sum = 0;
    int n = 0;
    for (int i = 0; i < r->s->n_replicates; i++) {
        double x = sim_record_get(r->s, (size_t)k, v, i, y, 0) * deflator(r, v, i, y);
        if (isfinite(x)) { sum += x; n++; }
    }
    return n ? sum / n : NAN;
}

/* ---- tables and CSV ------------------------------------------------------ */

typedef struct table {
    rep  *r;
    FILE *csv;
    int   cols;
} table;

/* Start a table with CAPTION and the columns of HEAD ('|'-separated), and
 * its CSV file NAME.  A column "A\tB" is A in the page and two CSV columns,
 * A and B (for cells with a note, below). */
static void table_open(rep *r, table *t, const char *name, const char *caption,
                       const char *head)
{
    t->r = r;
    t->csv = r->o->csv_open ? r->o->csv_open(r->o->csv_ctx, name) : NULL;
    if (r->o->csv_open && !t->csv) fail(r, "cannot write the CSV file %s", name);
    r->tables++;
    fprintf(r->out, "<table>\n<caption>");
    esc(r->out, caption);
    if (r->o->csv_dir) {
        fprintf(r->out, " <a class=\"csv\" href=\"");
        url(r->out, r->o->csv_dir);
        fprintf(r->out, "/");
        url(r->out, name);
        fprintf(r->out, "\">CSV</a>");
    }
    fprintf(r->out, "</caption>\n<thead><tr>");
    t->cols = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", head);
    for (char *save = NULL, *c = strtok_r(buf, "|", &save); c; c = strtok_r(NULL, "|", &save)) {
        char *extra = strchr(c, '\t');
        if (extra) *extra++ = 0;
        fprintf(r->out, "<th>");
        esc(r->out, c);
        fprintf(r->out, "</th>");
        /* the shown column, then each '\t'-separated CSV-only column */
        for (char *h = c, *next; t->csv && h; h = next) {
            next = h == c ? extra : strchr(h, '\t');
            if (next && h != c) *next++ = 0;
            fprintf(t->csv, "%s\"", t->cols++ ? "," : "");
            for (const char *q = h; *q; q++) fprintf(t->csv, *q == '"' ? "\"\"" : "%c", *q);
            fputc('"', t->csv);
        }
    }
    if (t->csv) fputc('\n', t->csv);
    fprintf(r->out, "</tr></thead>\n<tbody>\n");
}

/* A row: HTML cells as shown, CSV cells as numbers (NaN: empty).  Each
 * cell is text (HTML and CSV) or a number (CSV) with its shown text. */
typedef struct cell {
    const char *text;
    double      value;
    int         is_num;
    const char *cls;
    const char *note;   /* a second line in the page, its own CSV column */
    int         has_half;   /* the CSV also gets HALF, the 95 % half-width */
    double      half;
} cell;

static void table_row(table *t, const cell *c, int n)
{
    rep *r = t->r;
    fprintf(r->out, "<tr>");
    for (int i = 0; i < n; i++) {
        if (c[i].cls) fprintf(r->out, "<td class=\"%s\">", c[i].cls);
        else fprintf(r->out, i ? "<td class=\"n\">" : "<td>");
        esc(r->out, c[i].text);
        if (c[i].note) {
            fprintf(r->out, "<br><span class=\"w\">");
            esc(r->out, c[i].note);
            fprintf(r->out, "</span>");
        }
        fprintf(r->out, "</td>");
        if (!t->csv) continue;
        if (i) fputc(',', t->csv);
        if (c[i].is_num) {
            if (isfinite(c[i].value)) fprintf(t->csv, "%.10g", c[i].value);
            if (c[i].has_half) {
                fputc(',', t->csv);
                if (isfinite(c[i].half)) fprintf(t->csv, "%.10g", c[i].half);
            }
        } else {
            fputc('"', t->csv);
            for (const char *q = c[i].text; q && *q; q++)
                fprintf(t->csv, *q == '"' ? "\"\"" : "%c", *q);
            fputc('"', t->csv);
        }
        if (c[i].note) {
            fputs(",\"", t->csv);
            for (const char *q = c[i].note; *q; q++) fprintf(t->csv, *q == '"' ? "\"\"" : "%c", *q);
            fputc('"', t->csv);
        }
    }
    fprintf(r->out, "</tr>\n");
    if (t->csv) fputc('\n', t->csv);
}

static void table_close(table *t)
{
    fprintf(t->r->out, "</tbody></table>\n");
    if (t->csv && t->r->o->csv_close(t->r->o->csv_ctx, t->csv))
        fail(t->r, "cannot write a CSV file of the report");
}

static cell txt(const char *s) { return (cell){ s, NAN, 0, NULL, NULL, 0, NAN }; }
static cell val(const char *s, double x) { return (cell){ s, x, 1, NULL, NULL, 0, NAN }; }
/* X shown with DEC decimals into BUF, and the same number in the CSV: a
 * CSV column holds what its header says (bn DKK, %, ...). */
static cell numcell(const rep *r, char *buf, size_t n, double x, int dec, int sign)
{
    return val(num(r, buf, n, x, dec, sign), x);
}

/* ---- charts ------------------------------------------------------------- */

/* Draw SCRIPT (a gnuplot script with its datablocks) W x H into the page
 * as a figure with CAPTION. */
static void chart(rep *r, const char *script, int w, int h, const char *caption)
{
    if (r->failed) return;
    char id[32], msg[1024];
    snprintf(id, sizeof id, "c%d", ++r->charts);
    char *svg = plot_svg(script, w, h, id, msg, sizeof msg);
    if (!svg) { fail(r, "%s", msg); return; }
    fprintf(r->out, "<figure>%s<figcaption>", svg);
    esc(r->out, caption);
    fprintf(r->out, "</figcaption></figure>\n");
    free(svg);
}

/* A growing script. */
typedef struct script { char *s; size_t n; FILE *f; } script;
static void script_open(script *g) { g->s = NULL; g->n = 0; g->f = open_memstream(&g->s, &g->n); }
static char *script_text(script *g) { fclose(g->f); return g->s; }

/* Per variant, one line of the yearly mean of X (scaled by SCALE, in fixed
 * prices when FIXED) with its 95 % band, as datablocks $v0.. . */
static void yearly_blocks(rep *r, FILE *g, int k, double scale, int fixed)
{
    const sim_record *s = r->s;
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(g, "$v%d << EOD\n", v);
        for (int y = 0; y < s->n_years; y++) {
            double sum = 0, sq = 0;
            int n = 0;
            for (int i = 0; i < s->n_replicates; i++) {
                double x = sim_record_get(s, (size_t)k, v, i, y, 0);
                if (!isfinite(x)) continue;
                x *= scale * (fixed ? deflator(r, v, i, y) : 1);
                sum += x; sq += x * x; n++;
            }
            if (!n) continue;
            double m = sum / n;
            double half = n > 1 ? tq(n) * sqrt(fmax(0, (sq - n * m * m) / (n - 1)) / n) : 0;
            fprintf(g, "%d %.6f %.6f %.6f\n", year_of(r, y), m, m - half, m + half);
        }
        fprintf(g, "EOD\n");
    }
}

/* S as a gnuplot string: single-quoted, a quote doubled, so that no name
 * from the file can end the string and become a command. */
static void gp_str(FILE *g, const char *s)
{
    fputc('\'', g);
    for (; s && *s; s++) {
        if (*s == '\'') fputc('\'', g);
        fputc(*s, g);
    }
    fputc('\'', g);
}

static void plot_lines_with_bands(rep *r, FILE *g, const char *ylabel)
{
    const sim_record *s = r->s;
    if (r->o->lang == REPORT_DA) fprintf(g, "set decimalsign ','\n");
    fprintf(g, "set xlabel '%s'\nset ylabel '%s'\nset xtics 1\nset format y '%%.1f'\n"
            "set style fill transparent solid 0.18 noborder\nplot ",
            T(r, "year", "år"), ylabel);
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(g, "%s$v%d using 1:3:4 with filledcurves lc '%s' notitle, "
                "$v%d using 1:2 with linespoints ls %d title ",
                v ? ", " : "", v, plot_colour[v % PLOT_COLOURS], v, v % PLOT_COLOURS + 1);
        gp_str(g, s->variant_names[v]);
    }
    fprintf(g, "\n");
}

/* ---- the sections --------------------------------------------------------- */

static int k_expenditure(const rep *r) { return series(r, "expenditure"); }

static void heading(rep *r, const char *id, const char *title)
{
    if (r->n_ids < 16) r->ids[r->n_ids++] = id;
    fprintf(r->out, "<section id=\"%s\">\n<h2>", id);
    esc(r->out, title);
    fprintf(r->out, "</h2>\n");
}

static void para(rep *r, const char *text)
{
    fprintf(r->out, "<p>");
    esc(r->out, text);
    fprintf(r->out, "</p>\n");
}

static void section_end(rep *r) { fprintf(r->out, "</section>\n"); }

/* The variant with the lowest total expenditure, and its difference. */
static int cheapest(const rep *r, paired *best)
{
    int k = k_expenditure(r), at = 0;
    best->mean = 0;
    for (int v = 1; k >= 0 && v < r->s->n_variants; v++) {
        paired p = pair_of(r, k, RES_AGG_SUM, v);
        if (p.mean < best->mean) { *best = p; at = v; }
    }
    return at;
}

static void span_years(const rep *r, char *buf, size_t n)
{
    if (r->s->n_years == 1) snprintf(buf, n, "%d", year_of(r, 0));
    else snprintf(buf, n, "%d\u2013%d", year_of(r, 0), year_of(r, r->s->n_years - 1));
}

static void describe_variant(const rep *r, int v, char *out, size_t n);

static void sec_summary(rep *r)
{
    const sim_record *s = r->s;
    char yrs[32], a[64], b[64], c[64], title[512];
    span_years(r, yrs, sizeof yrs);
    int k = k_expenditure(r);
    if (k < 0) { fail(r, "the file has no expenditure series"); return; }
    paired best = { 0 };
    int v = cheapest(r, &best);
    if (s->n_variants < 2) {
        double sum = 0;
        for (int i = 0; i < s->n_replicates; i++) sum += res_aggregate(s, (size_t)k, RES_AGG_SUM, 0, i);
        snprintf(title, sizeof title, T(r, "%s: municipalities spend %s bn DKK on places over %s",
                                        "%s: kommunerne bruger %s mia. kr. på pladser i %s"),
                 s->variant_names[0], num(r, a, sizeof a, sum / s->n_replicates * 1e-9, 1, 0), yrs);
    } else if (v == 0) {
        snprintf(title, sizeof title, T(r, "No regime spends less than %s over %s",
                                        "Ingen model bruger mindre end %s i %s"),
                 s->variant_names[0], yrs);
    } else {
        snprintf(title, sizeof title,
                 T(r, "%s spends the least: %s bn DKK (%s %%) less than %s over %s",
                   "%s bruger mindst: %s mia. kr. (%s %%) mindre end %s i %s"),
                 s->variant_names[v], num(r, a, sizeof a, -best.mean * 1e-9, 1, 0),
                 num(r, b, sizeof b, -100 * best.mean / best.ref, 1, 0), s->variant_names[0], yrs);
    }
    heading(r, "summary", title);
    if (s->n_variants < 2) { section_end(r); return; }
    fprintf(r->out, "<ul class=\"findings\">\n");
    for (int w = 1; w < s->n_variants; w++) {
        paired p = pair_of(r, k, RES_AGG_SUM, w);
        int kw = series(r, "waiting_narrow");
        paired q = kw >= 0 ? pair_of(r, kw, RES_AGG_MEAN, w) : (paired){ 0 };
        fprintf(r->out, "<li><b>");
        esc(r->out, s->variant_names[w]);
        fprintf(r->out, "</b>: ");
        char line[1024];
        snprintf(line, sizeof line,
                 T(r, "total expenditure %s bn DKK against %s (95 %% interval %s to %s): "
                      "%s (%s in %.0f %% of paired replicates); narrow-group waiting %s citizens (%s).",
                   "samlede udgifter %s mia. kr. i forhold til %s (95 %%-interval %s til %s): "
                      "%s (%s i %.0f %% af de parvise kørsler); venteliste for smalle målgrupper %s borgere (%s)."),
                 num(r, a, sizeof a, p.mean * 1e-9, 2, 1), s->variant_names[0],
                 num(r, b, sizeof b, p.lo * 1e-9, 2, 1), num(r, c, sizeof c, p.hi * 1e-9, 2, 1),
                 verdict(r, &p),
                 p.lower >= p.higher ? T(r, "lower", "lavere") : T(r, "higher", "højere"),
                 100 * (p.lower >= p.higher ? p.lower : p.higher),
                 num(r, title, sizeof title, q.mean, 1, 1), verdict(r, &q));
        esc(r->out, line);
        /* what the saving may cost: the whole waiting list and supply */
        int kall = series(r, "waiting"), kx = series(r, "offer_exits"), ke = series(r, "offer_entries");
        if (kall >= 0 && kx >= 0 && ke >= 0) {
            paired qa = pair_of(r, kall, RES_AGG_MEAN, w), qx = pair_of(r, kx, RES_AGG_SUM, w),
                   qe = pair_of(r, ke, RES_AGG_SUM, w);
            char x1[48], x2[48], x3[48], x4[48];
            snprintf(line, sizeof line,
                     T(r, " All citizens waiting at year end: %s against %s under %s (%s); offers closed %s, new private offers %s over the years.",
                       " Alle borgere på venteliste ved årets udgang: %s mod %s under %s (%s); lukkede tilbud %s, nye private tilbud %s over årene."),
                     num(r, x1, sizeof x1, qa.var, 1, 0), num(r, x2, sizeof x2, qa.ref, 1, 0),
                     s->variant_names[0], verdict(r, &qa), num(r, x3, sizeof x3, qx.mean, 0, 1),
                     num(r, x4, sizeof x4, qe.mean, 0, 1));
            esc(r->out, line);
        }
        fprintf(r->out, "</li>\n");
    }
    fprintf(r->out, "</ul>\n");
    /* what each variant is, from its own settings */
    table t;
    table_open(r, &t, "models.csv", T(r, "The financing models compared (amounts in the summary and the criteria are in current prices)",
                                      "De sammenlignede finansieringsmodeller (beløb i sammenfatningen og kriterierne er i løbende priser)"),
               T(r, "variant|financing", "variant|finansiering"));
    for (int w = 0; w < s->n_variants; w++) {
        char d[1024];
        describe_variant(r, w, d, sizeof d);
        cell cc[2] = { txt(s->variant_names[w]), txt(d) };
        cc[1].cls = "l";
        table_row(&t, cc, 2);
    }
    table_close(&t);
    para(r, T(r, "Differences are paired: replicate r of every regime met the same needs at the "
                 "same times (common random numbers), so each difference is the mean of the "
                 "replicate-by-replicate differences, with its 95 % interval.",
              "Forskellene er parvise: kørsel r af hver model mødte de samme behov på de samme "
                 "tidspunkter (fælles tilfældige tal), så hver forskel er gennemsnittet af "
                 "forskellene kørsel for kørsel, med 95 %-interval."));
    section_end(r);
}

/* The validation targets' names in Danish (calibrate.c names them in
 * English); a name not here is shown as it is. */
static const char *target_name(const rep *r, const char *en)
{
    static const char *const pairs[][2] = {
        { "places temporary", "pladser, midlertidige (§ 107)" },
        { "places longterm", "pladser, længerevarende (§ 108)" },
        { "places housing", "pladser, bofællesskaber (§ 85 / ABL § 105)" },
        { "places municipal", "pladser, kommunale" },
        { "places regional", "pladser, regionale" },
        { "places private", "pladser, private og selvejende" },
        { "offers", "tilbud" },
        { "spending, three types (DKK)", "udgifter, de tre typer (kr.)" },
        { "external share of places and home support", "andel købt eksternt af pladser og socialpædagogisk støtte i egen bolig" },
        { "external spending: private share", "eksterne køb: andel fra private" },
        { "external spending: regional share", "eksterne køb: andel fra regioner" },
        { "external spending: other municipalities' share", "eksterne køb: andel fra andre kommuner" },
        { "private sales to municipalities (DKK)", "privates salg til kommuner (kr.)" },
        { "home support in own home (DKK)", "socialpædagogisk støtte i egen bolig, § 85 (kr.)" },
        { "longterm cost per resident-year (DKK)", "længerevarende: udgift pr. beboerår (kr.)" },
        { "temporary users per 10,000 adults", "brugere af midlertidige tilbud pr. 10.000 voksne" },
        { "longterm users per 10,000 adults", "brugere af længerevarende tilbud pr. 10.000 voksne" },
        { "housing users per 10,000 adults", "brugere af bofællesskaber pr. 10.000 voksne" },
        { "spread of temporary users, 7 municipalities", "spredning i brugere af midlertidige tilbud, 7 kommuner" },
        { "spread of longterm users, 7 municipalities", "spredning i brugere af længerevarende tilbud, 7 kommuner" },
        { "spread of housing users, 7 municipalities", "spredning i brugere af bofællesskaber, 7 kommuner" },
        { "municipalities with a narrow wait > 90 days", "kommuner med ventetid over 90 dage i smalle målgrupper" },
        { "nominal spending growth per year", "udgiftsvækst i løbende priser pr. år" },
        { "residents, change per year", "beboere, ændring pr. år" },
        { "spending growth over 3 years, three types", "udgiftsvækst over 3 år, de tre typer" },
        { "spending growth over 3 years, temporary", "udgiftsvækst over 3 år, midlertidige" },
        { "spending growth over 3 years, longterm", "udgiftsvækst over 3 år, længerevarende" },
        { "spending growth over 3 years, housing", "udgiftsvækst over 3 år, bofællesskaber" },
        { "budget deviation over budget (overspent)", "budgetafvigelse i forhold til budget (overskridelse)" },
        { "private bankruptcies per offer and year", "private konkurser pr. tilbud og år" },
        { "private places, change per year", "private pladser, ændring pr. år" },
    };
    if (r->o->lang != REPORT_DA) return en;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(pairs[i][0], en)) return pairs[i][1];
    return en;
}

/* A unit as the language writes it. */
static const char *unit_word(const rep *r, const char *unit)
{
    static const char *const pairs[][2] = {
        { "share", "andel" }, { "citizens", "borgere" }, { "count", "antal" }, { "years", "år" },
        { "index", "indeks" }, { "DKK", "kr." }, { "DKK/hour", "kr./time" }, { "ratio", "forhold" },
        { "per resident-year", "pr. beboerår" }, { "places", "pladser" }, { "offers", "tilbud" },
        { "DKK/place-year", "kr./pladsår" }, { "persons", "personer" },
    };
    if (r->o->lang != REPORT_DA) return unit;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(pairs[i][0], unit)) return pairs[i][1];
    return unit;
}

static void sec_run(rep *r)
{
    const res_file *f = r->f;
    const sim_record *s = r->s;
    char buf[1024], yrs[32];
    span_years(r, yrs, sizeof yrs);
    snprintf(buf, sizeof buf, T(r, "What was run: %d %s × %d %s over %s",
                                "Hvad er kørt: %d %s × %d %s over %s"),
             s->n_variants, s->n_variants == 1 ? T(r, "variant", "variant") : T(r, "variants", "varianter"),
             s->n_replicates, s->n_replicates == 1 ? T(r, "replicate", "kørsel") : T(r, "replicates", "kørsler"),
             yrs);
    heading(r, "run", buf);
    table t;
    table_open(r, &t, "run.csv", T(r, "The run", "Kørslen"),
               T(r, "item|value", "punkt|værdi"));
    char variants[1024] = "";
    for (int v = 0; v < s->n_variants; v++) {
        size_t u = strlen(variants);
        snprintf(variants + u, sizeof variants - u, "%s%s", v ? ", " : "", s->variant_names[v]);
    }
    char seed[32], reps[16];
    snprintf(seed, sizeof seed, "%llu", f->master_seed);
    snprintf(reps, sizeof reps, "%d", s->n_replicates);
    const char *rows[][2] = {
        { T(r, "scenario", "scenarie"), f->scenario_path },
        { T(r, "variants (the first is the reference)", "varianter (den første er referencen)"), variants },
        { T(r, "replicates per variant", "kørsler pr. variant"), reps },
        { T(r, "years", "år"), yrs },
        { T(r, "master seed", "startværdi (seed)"), seed },
        { T(r, "placesim version", "placesim-version"), f->version },
        { T(r, "commit", "commit"), f->git_commit },
        { T(r, "result file written", "resultatfil skrevet"), f->created },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cell c[2] = { txt(rows[i][0]), txt(rows[i][1]) };
        c[1].cls = "l";
        table_row(&t, c, 2);
    }
    table_close(&t);

    /* the baseline against the reported figures, in the reference variant */
    int misses = 0, measurable = 0;
    double mean[CALIB_MAX_TARGETS], half[CALIB_MAX_TARGETS];
    for (size_t i = 0; i < calib_n_targets; i++) {
        double sum = 0, sq = 0;
        int n = 0;
        for (int k = 0; k < s->n_replicates; k++) {
            double x = calib_measure(s, i, 0, k);
            if (!isfinite(x)) continue;
            sum += x; sq += x * x; n++;
        }
        mean[i] = n ? sum / n : NAN;
        half[i] = n > 1 ? tq(n) * sqrt(fmax(0, (sq - n * mean[i] * mean[i]) / (n - 1)) / n) : NAN;
        /* a target the file cannot measure (too few years) is not counted */
        if (!isfinite(mean[i])) continue;
        measurable++;
        misses += !(fabs(calib_error(&calib_targets[i], mean[i])) <= 0.10);
    }
    snprintf(buf, sizeof buf, T(r, "The baseline (%s, first year) meets %d of the %d reported figures this file can measure within 10 %%; the misses below qualify the waiting and supply results.",
                                "Basisforløbet (%s, første år) rammer %d af de %d opgjorte tal, filen kan måle, inden for 10 %%; afvigelserne herunder begrænser resultaterne om venteliste og forsyning."),
             s->variant_names[0], measurable - misses, measurable);
    fprintf(r->out, "<h3>");
    esc(r->out, buf);
    fprintf(r->out, "</h3>\n");
    table_open(r, &t, "validation.csv", T(r, "Validation of the baseline", "Validering af basisforløbet"),
               T(r, "target|source|reported\treported, to|simulated|95 % ±|error (shares: points)",
                 "mål|kilde|opgjort\topgjort, til|simuleret|95 % ±|afvigelse (andele: point)"));
    for (size_t i = 0; i < calib_n_targets; i++) {
        const calib_target *tg = &calib_targets[i];
        int share = fabs(tg->hi) < 1;
        int bn = fabs(tg->hi) >= 1e8;   /* amounts of DKK: in bn */
        double sc = share ? 100 : bn ? 1e-9 : 1;
        int dec = share ? 1 : bn ? 2 : fabs(tg->hi) >= 1000 ? 0 : 2;
        char rep_s[96], a[48], b[48], sim[48], hw[48], er[48];
        if (tg->lo == tg->hi) snprintf(rep_s, sizeof rep_s, "%s", num(r, a, sizeof a, tg->lo * sc, dec, 0));
        else snprintf(rep_s, sizeof rep_s, "%s\u2013%s", num(r, a, sizeof a, tg->lo * sc, dec, 0),
                      num(r, b, sizeof b, tg->hi * sc, dec, 0));
        if (share) strncat(rep_s, " %", sizeof rep_s - strlen(rep_s) - 1);
        if (bn) strncat(rep_s, T(r, " bn", " mia."), sizeof rep_s - strlen(rep_s) - 1);
        double e = calib_error(tg, mean[i]);
        /* a share's miss in percentage points (to the range's nearer end),
         * an amount's in per cent of the target, as validate prints them */
        double gap = mean[i] < tg->lo ? mean[i] - tg->lo : mean[i] > tg->hi ? mean[i] - tg->hi : 0;
        double shown_e = !isfinite(mean[i]) ? NAN : share ? 100 * gap : 100 * e;
        char unit_e[64];
        snprintf(unit_e, sizeof unit_e, "%s%s", num(r, er, sizeof er, shown_e, share ? 2 : 1, 1),
                 !isfinite(shown_e) ? "" : share ? T(r, " pp", " pt.") : " %");
        cell c[6] = { txt(target_name(r, tg->name)), txt(tg->source), txt(rep_s),
                      numcell(r, sim, sizeof sim, mean[i] * sc, dec + (share ? 1 : 0), 0),
                      numcell(r, hw, sizeof hw, half[i] * sc, dec + (share ? 1 : 0), 0),
                      val(unit_e, shown_e) };
        c[2] = val(rep_s, tg->lo * sc);
        c[1].cls = "l";
        c[2].has_half = 1;   /* the CSV's second column: the range's upper end */
        c[2].half = tg->hi * sc;
        if (!(fabs(e) <= 0.10)) c[5].cls = "n miss";
        table_row(&t, c, 6);
    }
    table_close(&t);
    section_end(r);
}

static void sec_criteria(rep *r)
{
    const sim_record *s = r->s;
    char buf[1024];
    if (s->n_variants < 2) return;
    /* how many criteria each regime moves beyond the materiality */
    int moved[64] = { 0 }, rows = 0;
    for (size_t i = 0; i < compare_n_rows; i++) {
        int k = series(r, compare_rows[i].series);
        if (k < 0) continue;
        rows++;
        for (int v = 1; v < s->n_variants && v < 64; v++) {
            paired p = pair_of(r, k, compare_rows[i].kind, v);
            moved[v] += clear(r, &p);
        }
    }
    int most = 1;
    for (int v = 2; v < s->n_variants && v < 64; v++) if (moved[v] > moved[most]) most = v;
    snprintf(buf, sizeof buf, T(r, "On the committee's criteria %s differs most from %s: "
                                   "a clear difference on %d of %d",
                                "På udvalgets kriterier afviger %s mest fra %s: "
                                   "en klar forskel på %d af %d"),
             s->variant_names[most], s->variant_names[0], moved[most], rows);
    heading(r, "criteria", buf);
    para(r, T(r, "Each row is one criterion of VIVE 2023 (economic sustainability, professional "
                 "sustainability, capacity management) summed up over the horizon. The reference "
                 "column shows its mean with the 95 % interval; each regime's column shows its "
                 "paired difference from the reference with the 95 % interval, and a likelihood "
                 "word. A clear difference: beyond the materiality threshold and very likely "
                 "lower or higher.",
              "Hver række er et af VIVE 2023's kriterier (økonomisk bæredygtighed, faglig "
                 "bæredygtighed, kapacitetsstyring) opgjort over hele perioden. Referencens kolonne "
                 "viser gennemsnittet med 95 %-interval; hver models kolonne viser den parvise "
                 "forskel fra referencen med 95 %-interval og et sandsynlighedsord. En klar "
                 "forskel: større end væsentlighedstærsklen og meget sandsynligt lavere eller højere."));
    char head[1024];
    snprintf(head, sizeof head, "%s|%s\t%s ± 95 %%", T(r, "criterion", "kriterium"),
             s->variant_names[0], s->variant_names[0]);
    for (int v = 1; v < s->n_variants; v++) {
        size_t u = strlen(head);
        snprintf(head + u, sizeof head - u, "|%s\t%s ± 95 %%\t%s %s", s->variant_names[v],
                 s->variant_names[v], s->variant_names[v], T(r, "likelihood", "sandsynlighed"));
    }
    table t;
    table_open(r, &t, "criteria.csv", T(r, "The committee's criteria: mean ± 95 % of the reference, "
                                        "paired difference ± 95 % of each regime",
                                        "Udvalgets kriterier: referencens gennemsnit ± 95 %, "
                                        "hver models parvise forskel ± 95 %"), head);
    int ncols = 1 + s->n_variants;
    cell *c = calloc((size_t)ncols, sizeof *c);
    char (*text)[96] = calloc((size_t)ncols, sizeof *text);
    if (!c || !text) { free(c); free(text); fail(r, "out of memory"); return; }
    int last_sec = -1;
    for (size_t i = 0; i < compare_n_rows; i++) {
        const compare_row *row = &compare_rows[i];
        int k = series(r, row->series);
        if (k < 0) continue;
        if (row->section != last_sec) {
            fprintf(r->out, "<tr class=\"sec\"><td colspan=\"%d\">", ncols);
            esc(r->out, compare_section_title[row->section][r->o->lang == REPORT_DA]);
            fprintf(r->out, "</td></tr>\n");
            last_sec = row->section;
        }
        c[0] = txt(r->o->lang == REPORT_DA ? row->title_da : row->title);
        paired p0 = pair_of(r, k, row->kind, 1);
        res_stat st;
        res_stat_agg(s, (size_t)k, row->kind, 0, -1, &st);
        char a[48], b[48];
        snprintf(text[1], sizeof text[1], "%s ± %s", num(r, a, sizeof a, st.mean * row->scale, row->decimals, 0),
                 num(r, b, sizeof b, (st.ci_hi - st.mean) * row->scale, row->decimals, 0));
        c[1] = val(text[1], st.mean * row->scale);
        c[1].has_half = 1;
        c[1].half = (st.ci_hi - st.mean) * row->scale;
        if (st.n < 2) {   /* one replicate: no interval to show */
            snprintf(text[1], sizeof text[1], "%s", num(r, a, sizeof a, st.mean * row->scale, row->decimals, 0));
            c[1].half = NAN;
        }
        (void)p0;
        for (int v = 1; v < s->n_variants; v++) {
            paired p = pair_of(r, k, row->kind, v);
            int j = 1 + v;
            snprintf(text[j], sizeof text[j], "%s ± %s", num(r, a, sizeof a, p.mean * row->scale, row->decimals, 1),
                     num(r, b, sizeof b, (p.hi - p.mean) * row->scale, row->decimals, 0));
            c[j] = val(text[j], p.mean * row->scale);
            c[j].has_half = 1;
            c[j].half = (p.hi - p.mean) * row->scale;
            const char *word = verdict(r, &p);
            c[j].note = word;
            c[j].cls = strstr(word, "lower") || strstr(word, "lavere") ?
                       (strstr(word, "higher") || strstr(word, "højere") ? "n" : "n lo")
                       : strstr(word, "higher") || strstr(word, "højere") ? "n hi" : "n";
        }
        table_row(&t, c, ncols);
    }
    free(c);
    free(text);
    table_close(&t);
    char rule[1024], m[32];
    snprintf(rule, sizeof rule,
             T(r, "Rules: the likelihood word comes from p, the share of paired replicates in which "
                  "the regime is lower than the reference, on the IPCC scale: virtually certain "
                  "(p ≥ 99 %%), very likely (≥ 90 %%), likely (≥ 66 %%), about as likely as not "
                  "(34–66 %%), and the same words for higher when p is small. \"About the same\" "
                  "when the mean difference is within %s %% of the reference's mean (the "
                  "materiality threshold). The word is about one replicate (one possible future), "
                  "the interval about the mean: a small difference can be near certain in every "
                  "future and still below the materiality threshold. Lower is not always better: "
                  "read it with the criterion.",
               "Regler: sandsynlighedsordet kommer fra p, andelen af parvise kørsler hvor modellen "
                  "er lavere end referencen, på IPCC's skala: praktisk talt sikkert (p ≥ 99 %%), "
                  "meget sandsynligt (≥ 90 %%), sandsynligvis (≥ 66 %%), lige så sandsynligt som "
                  "ikke (34–66 %%), og de samme ord for højere når p er lille. \"Omtrent det samme\" "
                  "når den gennemsnitlige forskel er inden for %s %% af referencens gennemsnit "
                  "(væsentlighedstærsklen). Ordet gælder én kørsel (én mulig fremtid), intervallet "
                  "gennemsnittet: en lille forskel kan være næsten sikker i hver fremtid og stadig "
                  "under væsentlighedstærsklen. Lavere er ikke altid bedre: læs det med kriteriet."),
             num(r, m, sizeof m, 100 * r->o->materiality, 1, 0));
    fprintf(r->out, "<p class=\"rule\">");
    esc(r->out, rule);
    fprintf(r->out, "</p>\n");
    section_end(r);
}

/* With an uncertainty: section: each headline difference with the Monte
 * Carlo interval beside the one over the parameter draws (the analysis
 * compare prints, made again from the file's record and draws). */
static void sec_uncertainty(rep *r)
{
    const res_file *f = r->f;
    const sim_record *s = r->s;
    if (f->unc_priors < 1 || s->n_variants < 2) return;
    unc_design u = { .n = f->unc_priors, .draws = f->unc_draws,
                     .per_draw = s->n_replicates / f->unc_draws, .x = f->unc_draw };
    for (int j = 0; j < u.n && j < UNC_MAX_PRIORS; j++) u.p[j].name = f->unc_prior[j];
    unc_result res;
    if (unc_analyse(&u, s, &res)) { unc_result_free(&res); fail(r, "out of memory"); return; }
    char buf[1024];
    snprintf(buf, sizeof buf, T(r, "With uncertainty about the assumptions: %d draws of %d assumed parameters",
                                "Med usikkerhed om antagelserne: %d træk af %d antagne parametre"),
             u.draws, u.n);
    heading(r, "uncertainty", buf);
    para(r, T(r, "Each difference from the first variant: its mean over the assumed parameters' ranges "
                 "with a 95 % interval (the draws the unit, noise included); the noise of the runs around "
                 "the mean of these draws (it narrows with more runs); and where 95 % of the parameter "
                 "draws put the difference: how far it moves when the assumptions move within their "
                 "ranges, which more runs do not narrow. The share is the parameters' part of the spread "
                 "between draws (the rest is the noise of each draw's few runs).",
              "Hver forskel fra første variant: dens gennemsnit over de antagne parametres intervaller "
                 "med et 95 %-interval (trækkene som enhed, støj medregnet); støjen i kørslerne omkring "
                 "gennemsnittet af disse træk (den bliver mindre med flere kørsler); og hvor 95 % af "
                 "parametertrækkene placerer forskellen: hvor meget den flytter sig, når antagelserne "
                 "flytter sig inden for deres intervaller, hvilket flere kørsler ikke ændrer. Andelen er "
                 "parametrenes del af spredningen mellem trækkene (resten er støjen i hvert træks få kørsler)."));
    table t;
    table_open(r, &t, "uncertainty.csv", T(r, "Headline differences with parameter uncertainty",
                                           "Hovedtal: forskelle med usikkerhed om parametrene"),
               T(r, "measure|variant|difference|± 95 %|Monte Carlo 95 %|parameters 95 %|parameters' share, %|main driver",
                    "mål|variant|forskel|± 95 %|Monte Carlo 95 %|parametre 95 %|parametrenes andel, %|vigtigste parameter"));
    for (size_t i = 0; i < compare_n_rows; i++) {
        if (compare_rows[i].section != 0) continue;
        double sc = compare_rows[i].scale;
        int dec = compare_rows[i].decimals;
        for (int v = 1; v < s->n_variants; v++) {
            size_t at = i * (size_t)s->n_variants + (size_t)v;
            char m[64], mc[128], pa[128], sh[32], a[48], b[48], drv[128] = "";
            const char *range = T(r, "%s to %s", "%s til %s");
            num(r, a, sizeof a, res.mc_lo[at] * sc, dec, 1);
            num(r, b, sizeof b, res.mc_hi[at] * sc, dec, 1);
            snprintf(mc, sizeof mc, range, a, b);
            num(r, a, sizeof a, res.par_lo[at] * sc, dec, 1);
            num(r, b, sizeof b, res.par_hi[at] * sc, dec, 1);
            snprintf(pa, sizeof pa, range, a, b);
            int best = unc_main_driver(&u, &res, at);
            if (best >= 0)
                snprintf(drv, sizeof drv, "%s (%+.2f)", u.p[best].name, res.rho[at * u.n + best]);
            else
                snprintf(drv, sizeof drv, "%s", T(r, "none beyond chance", "ingen ud over tilfældet"));
            char hw[64];
            cell c[8] = {
                txt(v == 1 ? T(r, compare_rows[i].title, compare_rows[i].title_da) : ""),
                txt(s->variant_names[v]),
                numcell(r, m, sizeof m, res.mean[at] * sc, dec, 1),
                numcell(r, hw, sizeof hw, res.mean_half[at] * sc, dec, 0),
                txt(mc), txt(pa),
                numcell(r, sh, sizeof sh, 100 * res.par_share[at], 0, 0),
                txt(drv),
            };
            table_row(&t, c, 8);
        }
    }
    table_close(&t);
    section_end(r);
    unc_result_free(&res);
}

static void sec_spending(rep *r)
{
    const sim_record *s = r->s;
    int k = k_expenditure(r), ku = series(r, "unit_price");
    if (k < 0 || ku < 0) return;
    char buf[1024], a[48], b[48];
    int last = s->n_years - 1;
    /* is one variant lowest in every year? */
    int lowest = -1;
    for (int y = 0; y < s->n_years; y++) {
        int at = 0;
        for (int v = 1; v < s->n_variants; v++)
            if (mean_at(r, k, v, y, 0, NULL) < mean_at(r, k, at, y, 0, NULL)) at = v;
        if (y == 0 || (y > 0 && at != lowest)) lowest = y == 0 ? at : -2;
        if (lowest == -2) break;
    }
    double first = fixed_mean(r, k, 0, 0), end = fixed_mean(r, k, 0, last);
    char prices[64];
    if (series(r, "cost_index") >= 0)
        snprintf(prices, sizeof prices, T(r, "%d prices", "%d-priser"), year_of(r, r->price_y));
    else
        snprintf(prices, sizeof prices, "%s", T(r, "nominal: the file has no cost index",
                                                "løbende priser: filen har intet omkostningsindeks"));
    snprintf(buf, sizeof buf, T(r, "Under %s yearly expenditure goes from %s to %s bn DKK (%s)%s%s%s",
                                "Under %s går de årlige udgifter fra %s til %s mia. kr. (%s)%s%s%s"),
             s->variant_names[0], num(r, a, sizeof a, first * 1e-9, 2, 0), num(r, b, sizeof b, end * 1e-9, 2, 0),
             prices,
             lowest >= 0 && s->n_variants > 1 ? T(r, "; ", "; ") : "",
             lowest >= 0 && s->n_variants > 1 ? s->variant_names[lowest] : "",
             lowest >= 0 && s->n_variants > 1 ? T(r, " is lowest in every year", " er lavest i alle år") : "");
    heading(r, "spending", buf);
    para(r, T(r, "Lines: the mean over replicates; bands: its 95 % interval. Fixed prices are "
                 "the nominal amounts divided by the model's cost index (wages and fixed costs) "
                 "relative to the price year.",
              "Linjer: gennemsnittet over kørslerne; bånd: dets 95 %-interval. Faste priser er "
                 "de løbende beløb divideret med modellens omkostningsindeks (løn og faste "
                 "omkostninger) i forhold til prisåret."));
    script g;
    script_open(&g);
    yearly_blocks(r, g.f, k, 1e-9, 1);
    char yl[128];
    snprintf(yl, sizeof yl, T(r, "bn DKK, %s", "mia. kr., %s"), prices);
    plot_lines_with_bands(r, g.f, yl);
    char *sc = script_text(&g);
    snprintf(buf, sizeof buf, T(r, "Expenditure on places per year, bn DKK (%s)",
                                "Udgifter til pladser pr. år, mia. kr. (%s)"), prices);
    chart(r, sc, 760, 340, buf);
    free(sc);
    script_open(&g);
    yearly_blocks(r, g.f, ku, 1e-3, 1);
    snprintf(yl, sizeof yl, T(r, "1000 DKK per place-year, %s", "1.000 kr. pr. pladsår, %s"), prices);
    plot_lines_with_bands(r, g.f, yl);
    sc = script_text(&g);
    snprintf(buf, sizeof buf, T(r, "Unit price (expenditure per occupied place-year), 1000 DKK (%s)",
                                "Enhedspris (udgift pr. belagt pladsår), 1.000 kr. (%s)"), prices);
    chart(r, sc, 760, 340, buf);
    free(sc);

    /* the numbers behind the charts, nominal and fixed */
    char head[1024];
    snprintf(head, sizeof head, "%s|%s|%s", T(r, "year", "år"), T(r, "variant", "variant"),
             T(r, "expenditure, bn DKK nominal|± 95 %|expenditure, bn DKK fixed prices|"
                  "unit price, 1000 DKK nominal|unit price, 1000 DKK fixed prices",
               "udgifter, mia. kr. løbende|± 95 %|udgifter, mia. kr. faste priser|"
                  "enhedspris, 1.000 kr. løbende|enhedspris, 1.000 kr. faste priser"));
    table t;
    table_open(r, &t, "spending.csv", T(r, "Expenditure and unit price by year", "Udgifter og enhedspris pr. år"), head);
    for (int y = 0; y < s->n_years; y++)
        for (int v = 0; v < s->n_variants; v++) {
            double half, m = mean_at(r, k, v, y, 0, &half), mu = mean_at(r, ku, v, y, 0, NULL);
            double fx = 0, fu = 0;
            int n = 0;
            for (int i = 0; i < s->n_replicates; i++) {
                double d = deflator(r, v, i, y);
                double x = sim_record_get(s, (size_t)k, v, i, y, 0), u = sim_record_get(s, (size_t)ku, v, i, y, 0);
                if (!isfinite(x) || !isfinite(u)) continue;
                fx += x * d; fu += u * d; n++;
            }
            fx = n ? fx / n : NAN;
            fu = n ? fu / n : NAN;
            char yr[16], t1[48], t2[48], t3[48], t4[48], t5[48];
            snprintf(yr, sizeof yr, "%d", year_of(r, y));
            cell c[7] = { txt(yr), txt(s->variant_names[v]),
                          numcell(r, t1, sizeof t1, m * 1e-9, 3, 0),
                          numcell(r, t2, sizeof t2, half * 1e-9, 3, 0),
                          numcell(r, t3, sizeof t3, fx * 1e-9, 3, 0),
                          numcell(r, t4, sizeof t4, mu * 1e-3, 1, 0),
                          numcell(r, t5, sizeof t5, fu * 1e-3, 1, 0) };
            c[1].cls = "l";
            table_row(&t, c, 7);
        }
    table_close(&t);
    section_end(r);
}

/* Cumulative price drift of job (V, I) up to year Y: the product of
 * (1 + yearly drift) minus 1, years without a value (the first) skipped. */
static double cumulative_drift(const rep *r, int k, int v, int i, int y)
{
    double c = 1;
    for (int t = 0; t <= y; t++) {
        double x = sim_record_get(r->s, (size_t)k, v, i, t, 0);
        if (isfinite(x)) c *= 1 + x;
    }
    return c - 1;
}

static void sec_risk(rep *r)
{
    const sim_record *s = r->s;
    int k = series(r, "price_drift");
    if (k < 0) return;
    double th = r->o->threshold;
    double *p_year = calloc((size_t)s->n_variants, sizeof *p_year);
    double *p_any = calloc((size_t)s->n_variants, sizeof *p_any);
    double *x = calloc((size_t)s->n_replicates, sizeof *x);
    if (!p_year || !p_any || !x) { free(p_year); free(p_any); free(x); fail(r, "out of memory"); return; }
    int most = 0;
    for (int v = 0; v < s->n_variants; v++) {
        int n = 0, over = 0, any = 0;
        for (int i = 0; i < s->n_replicates; i++) {
            int hit = 0;
            for (int y = 0; y < s->n_years; y++) {
                double d = sim_record_get(s, (size_t)k, v, i, y, 0);
                if (!isfinite(d)) continue;
                n++;
                over += d > th;
                hit |= d > th;
            }
            any += hit;
        }
        p_year[v] = n ? (double)over / n : NAN;
        p_any[v] = (double)any / s->n_replicates;
        if (p_year[v] > p_year[most]) most = v;
    }
    char buf[1024], a[48], b[48];
    char c_s[48], d_s[48];
    if (s->n_variants > 1)
        snprintf(buf, sizeof buf, T(r, "Under %s a year's price drift exceeds %s %% in %s %% of the years (in at least one year in %s %% of the histories); most often under %s",
                                    "Under %s overstiger et års prisglidning %s %% i %s %% af årene (i mindst ét år i %s %% af forløbene); hyppigst med %s"),
                 s->variant_names[0], num(r, a, sizeof a, 100 * th, 1, 0), num(r, b, sizeof b, 100 * p_year[0], 0, 0),
                 num(r, c_s, sizeof c_s, 100 * p_any[0], 0, 0),
                 s->variant_names[most]);
    else
        snprintf(buf, sizeof buf, T(r, "Under %s a year's price drift exceeds %s %% in %s %% of the years (in at least one year in %s %% of the histories)",
                                    "Under %s overstiger et års prisglidning %s %% i %s %% af årene (i mindst ét år i %s %% af forløbene)"),
                 s->variant_names[0], num(r, a, sizeof a, 100 * th, 1, 0), num(r, b, sizeof b, 100 * p_year[0], 0, 0),
                 num(r, d_s, sizeof d_s, 100 * p_any[0], 0, 0));
    heading(r, "risk", buf);
    para(r, T(r, "Price drift is the growth of the price of a fixed mix of needs beyond the growth of "
                 "the cost index. The fan shows, per regime, the median of the cumulative drift since "
                 "the first year over the replicates and the band from the 5th to the 95th percentile.",
              "Prisglidning er væksten i prisen for en fast sammensætning af behov ud over væksten i "
                 "omkostningsindekset. Viften viser for hver model medianen af den akkumulerede "
                 "prisglidning siden første år over kørslerne og båndet fra 5. til 95. percentil."));
    script g;
    script_open(&g);
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(g.f, "$v%d << EOD\n", v);
        for (int y = 0; y < s->n_years; y++) {
            for (int i = 0; i < s->n_replicates; i++) x[i] = 100 * cumulative_drift(r, k, v, i, y);
            gsl_sort(x, 1, (size_t)s->n_replicates);
            fprintf(g.f, "%d %.6f %.6f %.6f\n", year_of(r, y),
                    gsl_stats_quantile_from_sorted_data(x, 1, (size_t)s->n_replicates, 0.5),
                    gsl_stats_quantile_from_sorted_data(x, 1, (size_t)s->n_replicates, 0.05),
                    gsl_stats_quantile_from_sorted_data(x, 1, (size_t)s->n_replicates, 0.95));
        }
        fprintf(g.f, "EOD\n");
    }
    plot_lines_with_bands(r, g.f, T(r, "cumulative price drift, %", "akkumuleret prisglidning, %"));
    char *sc = script_text(&g);
    chart(r, sc, 760, 340, T(r, "Cumulative price drift since the first year, %: median and 5-95 % band",
                             "Akkumuleret prisglidning siden første år, %: median og 5-95 %-bånd"));
    free(sc);
    char head[512];
    snprintf(head, sizeof head, "%s", T(r, "variant|P(yearly drift > threshold), %|P(any year above), %|"
                                           "cumulative drift, last year, median %|5 %|95 %",
                                        "variant|P(årlig glidning > tærskel), %|P(et år over), %|"
                                           "akkumuleret glidning, sidste år, median %|5 %|95 %"));
    table t;
    table_open(r, &t, "risk.csv", T(r, "Price-drift risk", "Risiko for prisglidning"), head);
    for (int v = 0; v < s->n_variants; v++) {
        for (int i = 0; i < s->n_replicates; i++) x[i] = cumulative_drift(r, k, v, i, s->n_years - 1);
        gsl_sort(x, 1, (size_t)s->n_replicates);
        size_t n = (size_t)s->n_replicates;
        double q50 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.5),
               q05 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.05),
               q95 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.95);
        char t1[48], t2[48], t3[48], t4[48], t5[48];
        cell c[6] = { txt(s->variant_names[v]),
                      numcell(r, t1, sizeof t1, 100 * p_year[v], 1, 0),
                      numcell(r, t2, sizeof t2, 100 * p_any[v], 1, 0),
                      numcell(r, t3, sizeof t3, 100 * q50, 2, 0),
                      numcell(r, t4, sizeof t4, 100 * q05, 2, 0),
                      numcell(r, t5, sizeof t5, 100 * q95, 2, 0) };
        c[0].cls = "l";
        table_row(&t, c, 6);
    }
    table_close(&t);
    snprintf(buf, sizeof buf, T(r, "Threshold: %s %% a year (risk --threshold, report --threshold).",
                                "Tærskel: %s %% om året (risk --threshold, report --threshold)."),
             num(r, a, sizeof a, 100 * th, 1, 0));
    fprintf(r->out, "<p class=\"rule\">");
    esc(r->out, buf);
    fprintf(r->out, "</p>\n");
    free(p_year);
    free(p_any);
    free(x);
    section_end(r);
}

static void sec_scatter(rep *r)
{
    const sim_record *s = r->s;
    int k = k_expenditure(r), kw = series(r, "waiting_narrow");
    if (k < 0 || kw < 0 || s->n_variants < 2) return;
    char buf[1024], a[48];
    /* the cheapest by the mean, and how many are cheaper in every pair */
    double best = 0, share = 0;
    int at = 0, always = 0;
    for (int v = 1; v < s->n_variants; v++) {
        paired p = pair_of(r, k, RES_AGG_SUM, v);
        always += p.lower >= 1;
        if (p.mean < best) { best = p.mean; share = p.lower; at = v; }
    }
    char c2[48];
    if (at)
        snprintf(buf, sizeof buf, T(r, "%s is cheapest, %s bn DKK below %s and cheaper in %s %% of paired replicates; %d of %d financing models are cheaper in every one",
                                    "%s er billigst, %s mia. kr. under %s og billigere i %s %% af de parvise kørsler; %d af %d finansieringsmodeller er billigere i dem alle"),
                 s->variant_names[at], num(r, a, sizeof a, -best * 1e-9, 2, 0), s->variant_names[0],
                 num(r, c2, sizeof c2, 100 * share, 0, 0), always, s->n_variants - 1);
    else
        snprintf(buf, sizeof buf, T(r, "No financing model is cheaper than %s on average",
                                    "Ingen finansieringsmodel er billigere end %s i gennemsnit"),
                 s->variant_names[0]);
    heading(r, "pairs", buf);
    para(r, T(r, "One point per replicate and regime: its total expenditure minus the reference's "
                 "in the same replicate (left of zero: cheaper), against its mean narrow-group "
                 "waiting list minus the reference's (below zero: fewer waiting).",
              "Ét punkt pr. kørsel og model: dens samlede udgifter minus referencens i samme kørsel "
                 "(til venstre for nul: billigere), mod dens gennemsnitlige venteliste for smalle "
                 "målgrupper minus referencens (under nul: færre venter)."));
    script g;
    script_open(&g);
    for (int v = 1; v < s->n_variants; v++) {
        fprintf(g.f, "$v%d << EOD\n", v);
        for (int i = 0; i < s->n_replicates; i++)
            fprintf(g.f, "%.6f %.6f\n",
                    1e-9 * (res_aggregate(s, (size_t)k, RES_AGG_SUM, v, i) -
                            res_aggregate(s, (size_t)k, RES_AGG_SUM, 0, i)),
                    res_aggregate(s, (size_t)kw, RES_AGG_MEAN, v, i) -
                        res_aggregate(s, (size_t)kw, RES_AGG_MEAN, 0, i));
        fprintf(g.f, "EOD\n");
    }
    if (r->o->lang == REPORT_DA) fprintf(g.f, "set decimalsign ','\n");
    fprintf(g.f, "set xlabel '%s'\nset ylabel '%s'\nset xzeroaxis lc '#888888'\n"
            "set yzeroaxis lc '#888888'\nplot ",
            T(r, "total expenditure minus the reference, bn DKK", "samlede udgifter minus referencen, mia. kr."),
            T(r, "narrow-group waiting minus the reference, citizens", "venteliste, smalle målgrupper, minus referencen, borgere"));
    for (int v = 1; v < s->n_variants; v++) {
        fprintf(g.f, "%s$v%d using 1:2 with points ls %d title ", v > 1 ? ", " : "", v,
                v % PLOT_COLOURS + 1);
        gp_str(g.f, s->variant_names[v]);
    }
    fprintf(g.f, "\n");
    char *sc = script_text(&g);
    chart(r, sc, 760, 400, T(r, "Paired differences from the reference, one point per replicate",
                             "Parvise forskelle fra referencen, ét punkt pr. kørsel"));
    free(sc);
    table t;
    table_open(r, &t, "pairs.csv", T(r, "Share of paired replicates in which the regime is cheaper",
                                     "Andel af parvise kørsler hvor modellen er billigere"),
               T(r, "variant|cheaper, % of replicates|fewer narrow-group waiting, % of replicates",
                 "variant|billigere, % af kørslerne|færre på venteliste (smalle), % af kørslerne"));
    for (int v = 1; v < s->n_variants; v++) {
        paired p = pair_of(r, k, RES_AGG_SUM, v), q = pair_of(r, kw, RES_AGG_MEAN, v);
        char t1[48], t2[48];
        cell c[3] = { txt(s->variant_names[v]), numcell(r, t1, sizeof t1, 100 * p.lower, 0, 0),
                      numcell(r, t2, sizeof t2, 100 * q.lower, 0, 0) };
        c[0].cls = "l";
        table_row(&t, c, 3);
    }
    table_close(&t);
    section_end(r);
}

/* ---- winners and losers ---------------------------------------------------- */

enum { BAND_GAIN_BIG, BAND_GAIN, BAND_SAME, BAND_LOSE, BAND_LOSE_BIG, N_BANDS };

/* Net cost per adult of municipality M over the horizon (the sum of the
 * years), mean over replicates, for variant V. */
static double net_per_adult(const rep *r, int k, int v, int m)
{
    const sim_record *s = r->s;
    double sum = 0;
    int n = 0;
    for (int i = 0; i < s->n_replicates; i++) {
        double t = 0;
        for (int y = 0; y < s->n_years; y++) t += sim_record_get(s, (size_t)k, v, i, y, m);
        if (isfinite(t)) { sum += t; n++; }
    }
    return n ? sum / n : NAN;
}

static int band_of(const rep *r, double change)
{
    if (!isfinite(change)) return BAND_SAME;
    if (change <= -0.05) return BAND_GAIN_BIG;
    if (change <= -r->o->materiality) return BAND_GAIN;
    if (change < r->o->materiality) return BAND_SAME;
    if (change < 0.05) return BAND_LOSE;
    return BAND_LOSE_BIG;
}

typedef struct muni_change { int m; double ref, var, change; } muni_change;

/* Most affected first: by the change in DKK per adult. */
static int by_abs_change(const void *a, const void *b)
{
    const muni_change *p = a, *q = b;
    double x = fabs(p->var - p->ref), y = fabs(q->var - q->ref);
    int ma = ((const muni_change *)a)->m, mb = ((const muni_change *)b)->m;
    return x < y ? 1 : x > y ? -1 : (ma > mb) - (ma < mb);
}

static const char *band_name(const rep *r, int b)
{
    static const char *const en[N_BANDS] = { "gains > 5 %", "gains < 5 %", "no change",
                                             "loses < 5 %", "loses > 5 %" };
    static const char *const da[N_BANDS] = { "vinder > 5 %", "vinder < 5 %", "ingen ændring",
                                             "taber < 5 %", "taber > 5 %" };
    return r->o->lang == REPORT_DA ? da[b] : en[b];
}

static void sec_municipalities(rep *r)
{
    const sim_record *s = r->s;
    int k = series(r, "muni_net_cost_per_adult");
    int ax = sim_record_axis_index(s, "municipality");
    if (k < 0 || ax < 0 || s->n_variants < 2) return;
    const sim_axis *mx = &s->axis[ax];
    int n = mx->len;
    muni_change *ch = calloc((size_t)n * (size_t)s->n_variants, sizeof *ch);
    if (!ch) { fail(r, "out of memory"); return; }
    /* the regions, in order of first appearance */
    const char *regions[16];
    int n_regions = 0, *region_of = calloc((size_t)n, sizeof *region_of);
    if (!region_of) { free(ch); fail(r, "out of memory"); return; }
    for (int m = 0; m < n; m++) {
        const char *rn = r->f->muni_region ? r->f->muni_region[m] : T(r, "all", "alle");
        int j = 0;
        while (j < n_regions && strcmp(regions[j], rn)) j++;
        if (j == n_regions && n_regions < 16) regions[n_regions++] = rn;
        region_of[m] = j < 16 ? j : 15;
    }
    /* each municipality's gross cost per adult a year under the reference */
    double *gross = calloc((size_t)n, sizeof *gross);
    int kg = series(r, "muni_expenditure"), kh = series(r, "muni_home_support_cost"),
        ka = series(r, "muni_adults");
    if (!gross || kg < 0 || kh < 0 || ka < 0) {
        free(gross); free(ch); free(region_of);
        fail(r, "the file lacks the municipal spending series the bands are measured against");
        return;
    }
    for (int m = 0; m < n; m++) {
        double sum = 0;
        int cnt = 0;
        for (int i = 0; i < s->n_replicates; i++)
            for (int y = 0; y < s->n_years; y++) {
                double x = (sim_record_get(s, (size_t)kg, 0, i, y, m) + sim_record_get(s, (size_t)kh, 0, i, y, m)) /
                           sim_record_get(s, (size_t)ka, 0, i, y, m);
                if (isfinite(x)) { sum += x; cnt++; }
            }
        gross[m] = cnt && sum > 0 ? sum / cnt : NAN;
    }
    int losers_big = 0, worst_v = 1;
    for (int v = 1; v < s->n_variants; v++) {
        int big = 0;
        for (int m = 0; m < n; m++) {
            muni_change *c = &ch[(size_t)v * n + m];
            c->m = m;
            /* per year, as the municipality pages show it */
            c->ref = net_per_adult(r, k, 0, m) / s->n_years;
            c->var = net_per_adult(r, k, v, m) / s->n_years;
            /* against the gross cost (places and support, always positive):
             * a net cost near zero would make any change a large share */
            c->change = (c->var - c->ref) / gross[m];
            big += band_of(r, c->change) == BAND_LOSE_BIG;
        }
        if (big > losers_big) { losers_big = big; worst_v = v; }
    }
    char buf[1024];
    snprintf(buf, sizeof buf, T(r, "Winners and losers: under %s, %d of %d municipalities lose more than 5 %% (their net cost per adult rises by more than 5 %% of their gross cost)",
                                "Vindere og tabere: under %s taber %d af %d kommuner mere end 5 %% (nettoudgiften pr. voksen stiger med over 5 %% af bruttoudgiften)"),
             s->variant_names[worst_v], losers_big, n);
    heading(r, "municipalities", buf);
    char m_s[32];
    snprintf(buf, sizeof buf,
             T(r, "Net cost is a municipality's spending on places and socio-pedagogical support in "
                  "the citizen's own home (SEL 85) minus the income of its own offers from other "
                  "buyers, per adult aged 18-64, a year on average over the years and replicates "
                  "(current prices). The change is the financing model's net cost minus the "
                  "reference's, as a share of the municipality's gross cost under the reference "
                  "(places and support, before sales: a net cost near zero would make any change "
                  "a large share); \"no change\" is within ±%s %%. Single municipalities' figures "
                  "carry more chance than the national ones.",
               "Nettoudgiften er kommunens udgifter til pladser og socialpædagogisk støtte i egen "
                  "bolig (§ 85) minus dens egne tilbuds indtægter fra andre købere, pr. 18-64-årig, "
                  "pr. år i gennemsnit over årene og kørslerne (løbende priser). Ændringen er "
                  "finansieringsmodellens nettoudgift minus referencens, som andel af kommunens "
                  "bruttoudgift under referencen (pladser og støtte før salg: en nettoudgift nær "
                  "nul ville gøre enhver ændring stor i procent); \"ingen ændring\" er inden for "
                  "±%s %%. Den enkelte kommunes tal er mere usikre end de nationale."),
             num(r, m_s, sizeof m_s, 100 * r->o->materiality, 1, 0));
    para(r, buf);
    for (int v = 1; v < s->n_variants; v++) {
        int count[17][N_BANDS] = { { 0 } };
        for (int m = 0; m < n; m++) {
            int b = band_of(r, ch[(size_t)v * n + m].change);
            count[region_of[m]][b]++;
            count[16][b]++;
        }
        char head[512], cap[256], name[128];
        snprintf(head, sizeof head, "%s|%s|%s|%s|%s|%s", T(r, "region", "region"),
                 band_name(r, 0), band_name(r, 1), band_name(r, 2), band_name(r, 3), band_name(r, 4));
        snprintf(cap, sizeof cap, T(r, "%s against %s: municipalities by change in net cost per adult",
                                    "%s mod %s: kommuner efter ændring i nettoudgift pr. voksen"),
                 s->variant_names[v], s->variant_names[0]);
        csv_name(name, sizeof name, "winners", v, s->variant_names[v]);
        table t;
        table_open(r, &t, name, cap, head);
        for (int j = 0; j <= n_regions; j++) {
            int row = j < n_regions ? j : 16;
            char num_s[N_BANDS][16];
            cell c[1 + N_BANDS];
            c[0] = txt(j < n_regions ? regions[j] : T(r, "all municipalities", "alle kommuner"));
            c[0].cls = j < n_regions ? "l" : "l tot";
            for (int b = 0; b < N_BANDS; b++) {
                snprintf(num_s[b], sizeof num_s[b], "%d", count[row][b]);
                c[1 + b] = val(num_s[b], count[row][b]);
            }
            table_row(&t, c, 1 + N_BANDS);
        }
        table_close(&t);
        /* the most affected */
        muni_change *sorted = malloc((size_t)n * sizeof *sorted);
        if (!sorted) { fail(r, "out of memory"); break; }
        memcpy(sorted, &ch[(size_t)v * n], (size_t)n * sizeof *sorted);
        qsort(sorted, (size_t)n, sizeof *sorted, by_abs_change);
        snprintf(cap, sizeof cap, T(r, "%s: the 10 municipalities most affected", "%s: de 10 mest berørte kommuner"),
                 s->variant_names[v]);
        csv_name(name, sizeof name, "most_affected", v, s->variant_names[v]);
        table_open(r, &t, name, cap,
                   T(r, "municipality|region|net cost per adult, reference, DKK a year|under the regime, DKK a year|change, % of gross cost|band",
                     "kommune|region|nettoudgift pr. voksen, reference, kr. pr. år|under modellen, kr. pr. år|ændring, % af bruttoudgift|bånd"));
        for (int j = 0; j < n && j < 10; j++) {
            const muni_change *c = &sorted[j];
            char t1[48], t2[48], t3[48];
            cell row[6] = { txt(mx->labels ? mx->labels[c->m] : "?"),
                            txt(r->f->muni_region ? r->f->muni_region[c->m] : ""),
                            numcell(r, t1, sizeof t1, c->ref, 0, 0),
                            numcell(r, t2, sizeof t2, c->var, 0, 0),
                            numcell(r, t3, sizeof t3, 100 * c->change, 1, 1),
                            txt(band_name(r, band_of(r, c->change))) };
            row[0].cls = row[1].cls = "l";
            row[5].cls = "l";
            table_row(&t, row, 6);
        }
        table_close(&t);
        free(sorted);
    }
    /* one page per municipality */
    fprintf(r->out, "<h3>%s</h3>\n<p class=\"index\">",
            T(r, "Each municipality", "Hver kommune"));
    for (int m = 0; m < n; m++) {
        fprintf(r->out, "%s<a href=\"#m%d\">", m ? " · " : "", mx->codes ? mx->codes[m] : m);
        esc(r->out, mx->labels ? mx->labels[m] : "?");
        fprintf(r->out, "</a>");
    }
    fprintf(r->out, "</p>\n");
    static const char *const shown[] = { "muni_net_cost_per_adult", "muni_expenditure", "muni_home_support_cost",
                                         "muni_sales", "muni_external_share", "muni_waiting",
                                         "muni_long_waits_narrow", "muni_budget_deviation" };
    static const char *const shown_da[] = { "nettoudgift pr. voksen, kr. pr. år", "udgifter til pladser, mio. kr. pr. år",
                                            "socialpædagogisk støtte i egen bolig (§ 85), mio. kr. pr. år", "salg til andre købere, mio. kr. pr. år",
                                            "andel købt uden for kommunen, %", "borgere på venteliste ved årets udgang",
                                            "smalle målgrupper: ventet over grænsen, borgere pr. år",
                                            "budgetafvigelse, mio. kr. pr. år" };
    static const char *const shown_en[] = { "net cost per adult, DKK a year", "spending on places, mio DKK a year",
                                            "home support, mio DKK a year", "sales to other buyers, mio DKK a year",
                                            "share bought outside the municipality, %", "citizens waiting at year end",
                                            "narrow groups: waited beyond the limit, citizens a year",
                                            "budget deviation, mio DKK a year" };
    static const double scale[] = { 1, 1e-6, 1e-6, 1e-6, 100, 1, 1, 1e-6 };
    static const int dec[] = { 0, 1, 1, 1, 1, 1, 1, 1 };
    for (int m = 0; m < n; m++) {
        char head[1024], cap[256], name[128];
        fprintf(r->out, "<details class=\"muni\" id=\"m%d\"><summary>", mx->codes ? mx->codes[m] : m);
        esc(r->out, mx->labels ? mx->labels[m] : "?");
        if (r->f->muni_region) { fprintf(r->out, " — "); esc(r->out, r->f->muni_region[m]); }
        if (r->f->muni_population) {
            char p[32];
            fprintf(r->out, T(r, ", population %s", ", indbyggere %s"),
                    num(r, p, sizeof p, r->f->muni_population[m], 0, 0));
        }
        fprintf(r->out, "</summary>\n");
        snprintf(head, sizeof head, "%s", T(r, "measure, mean over years and replicates", "mål, gennemsnit over år og kørsler"));
        for (int v = 0; v < s->n_variants; v++) {
            size_t u = strlen(head);
            snprintf(head + u, sizeof head - u, "|%s", s->variant_names[v]);
        }
        snprintf(cap, sizeof cap, "%s", mx->labels ? mx->labels[m] : "?");
        snprintf(name, sizeof name, "municipality_%d.csv", mx->codes ? mx->codes[m] : m);
        table t;
        table_open(r, &t, name, cap, head);
        for (size_t q = 0; q < sizeof shown / sizeof shown[0]; q++) {
            int kq = series(r, shown[q]);
            if (kq < 0) continue;
            cell c[1 + 64];
            char text[64][48];
            c[0] = txt(r->o->lang == REPORT_DA ? shown_da[q] : shown_en[q]);
            for (int v = 0; v < s->n_variants && v < 63; v++) {
                double sum = 0;
                int cnt = 0;
                for (int y = 0; y < s->n_years; y++) {
                    double x = mean_at(r, kq, v, y, m, NULL);
                    if (isfinite(x)) { sum += x; cnt++; }
                }
                double x = cnt ? sum / cnt : NAN;
                c[1 + v] = numcell(r, text[v], sizeof text[v], x * scale[q], dec[q], 0);
            }
            table_row(&t, c, 1 + (s->n_variants < 63 ? s->n_variants : 63));
        }
        table_close(&t);
        fprintf(r->out, "</details>\n");
    }
    free(ch);
    free(region_of);
    free(gross);
    section_end(r);
}

static void sec_supply(rep *r)
{
    const sim_record *s = r->s;
    int kw = series(r, "waiting_narrow");
    if (kw < 0) return;
    char buf[1024], a[48], b[48];
    int fewest = 0;
    double least = INFINITY;
    for (int v = 0; v < s->n_variants; v++) {
        double sum = 0;
        for (int y = 0; y < s->n_years; y++) sum += mean_at(r, kw, v, y, 0, NULL);
        if (sum < least) { least = sum; fewest = v; }
    }
    /* name a model only when it clearly differs from the reference */
    int more = 0, fewer = 0;
    for (int v = 1; v < s->n_variants; v++) {
        paired p = pair_of(r, kw, RES_AGG_MEAN, v);
        if (clear(r, &p)) { more += p.mean > 0; fewer += p.mean < 0; }
    }
    double ref_avg = 0;
    for (int y = 0; y < s->n_years; y++) ref_avg += mean_at(r, kw, 0, y, 0, NULL) / s->n_years;
    if (s->n_variants < 2)
        snprintf(buf, sizeof buf, T(r, "Waiting, supply and trade: %s narrow-group citizens wait at year end on average",
                                    "Venteliste, forsyning og handel: %s borgere i smalle målgrupper venter i gennemsnit ved årets udgang"),
                 num(r, a, sizeof a, ref_avg, 1, 0));
    else if (fewest && fewer)
        snprintf(buf, sizeof buf, T(r, "Waiting, supply and trade: fewest narrow-group citizens wait under %s (%s on average at year end)",
                                    "Venteliste, forsyning og handel: færrest borgere i smalle målgrupper venter under %s (%s i gennemsnit ved årets udgang)"),
                 s->variant_names[fewest], num(r, a, sizeof a, least / s->n_years, 1, 0));
    else
        snprintf(buf, sizeof buf, T(r, "Waiting, supply and trade: %d of %d financing models clearly lengthen the narrow groups' waiting list against %s (%s citizens on average at year end), none clearly shortens it",
                                    "Venteliste, forsyning og handel: %d af %d finansieringsmodeller forlænger klart ventelisten for de smalle målgrupper i forhold til %s (%s borgere i gennemsnit ved årets udgang), ingen forkorter den klart"),
                 more, s->n_variants - 1, s->variant_names[0], num(r, a, sizeof a, ref_avg, 1, 0));
    heading(r, "supply", buf);
    script g;
    script_open(&g);
    yearly_blocks(r, g.f, kw, 1, 0);
    plot_lines_with_bands(r, g.f, T(r, "citizens waiting at year end", "borgere på venteliste ved årets udgang"));
    char *sc = script_text(&g);
    chart(r, sc, 760, 320, T(r, "Narrow groups: citizens waiting at year end", "Smalle målgrupper: borgere på venteliste ved årets udgang"));
    free(sc);
    /* offers: entries, exits, bankruptcies, results */
    static const struct { const char *series, *en, *da; res_agg_kind kind; double scale; int dec; } rows[] = {
        { "offer_entries", "new private offers, total", "nye private tilbud, i alt", RES_AGG_SUM, 1, 1 },
        { "offer_exits", "offers closed, total", "lukkede tilbud, i alt", RES_AGG_SUM, 1, 1 },
        { "bankruptcies", "bankruptcies, total", "konkurser, i alt", RES_AGG_SUM, 1, 1 },
        { "offers_open", "offers open, last year", "åbne tilbud, sidste år", RES_AGG_LAST, 1, 0 },
        { "offer_result_share", "offers' result over their cost, mean %", "tilbuddenes resultat i forhold til omkostningen, gns. %", RES_AGG_MEAN, 100, 2 },
        { "places_private", "private places, last year", "private pladser, sidste år", RES_AGG_LAST, 1, 0 },
        { "external_share", "share of spending bought outside the municipality, mean %", "andel af udgifterne købt uden for kommunen, gns. %", RES_AGG_MEAN, 100, 1 },
    };
    char head[1024];
    snprintf(head, sizeof head, "%s", T(r, "measure", "mål"));
    for (int v = 0; v < s->n_variants; v++) {
        size_t u = strlen(head);
        snprintf(head + u, sizeof head - u, "|%s", s->variant_names[v]);
    }
    table t;
    table_open(r, &t, "supply.csv", T(r, "Offers and trade over the horizon, mean over replicates",
                                      "Tilbud og handel over perioden, gennemsnit over kørslerne"), head);
    for (size_t q = 0; q < sizeof rows / sizeof rows[0]; q++) {
        int k = series(r, rows[q].series);
        if (k < 0) continue;
        cell c[65];
        char text[64][48];
        c[0] = txt(r->o->lang == REPORT_DA ? rows[q].da : rows[q].en);
        int nv = s->n_variants < 64 ? s->n_variants : 64;
        for (int v = 0; v < nv; v++) {
            res_stat st;
            res_stat_agg(s, (size_t)k, rows[q].kind, v, -1, &st);
            c[1 + v] = numcell(r, text[v], sizeof text[v], st.mean * rows[q].scale, rows[q].dec, 0);
        }
        table_row(&t, c, 1 + nv);
    }
    table_close(&t);
    /* external purchases by municipality size */
    int ke = series(r, "muni_external_share"), ka = series(r, "muni_adults");
    int ax = sim_record_axis_index(s, "municipality");
    if (ke >= 0 && ka >= 0 && ax >= 0) {
        int n = s->axis[ax].len;
        double *adults = calloc((size_t)n, sizeof *adults), *sorted = calloc((size_t)n, sizeof *sorted);
        if (!adults || !sorted) { free(adults); free(sorted); fail(r, "out of memory"); return; }
        for (int m = 0; m < n; m++) sorted[m] = adults[m] = mean_at(r, ka, 0, 0, m, NULL);
        gsl_sort(sorted, 1, (size_t)n);
        double cut1 = sorted[n / 3], cut2 = sorted[(2 * n) / 3];
        free(sorted);
        table_open(r, &t, "external_by_size.csv",
                   T(r, "Share bought outside the municipality by municipality size (thirds by adults 18-64), mean %",
                     "Andel købt uden for kommunen efter kommunestørrelse (tredjedele efter 18-64-årige), gns. %"), head);
        const char *third[3] = { T(r, "smallest third", "mindste tredjedel"), T(r, "middle third", "midterste tredjedel"),
                                 T(r, "largest third", "største tredjedel") };
        for (int q = 0; q < 3; q++) {
            cell c[65];
            char text[64][48];
            char label[128];
            snprintf(label, sizeof label, "%s", third[q]);
            c[0] = txt(label);
            int nv = s->n_variants < 64 ? s->n_variants : 64;
            for (int v = 0; v < nv; v++) {
                double sum = 0;
                int cnt = 0;
                for (int m = 0; m < n; m++) {
                    int in = adults[m] < cut1 ? 0 : adults[m] < cut2 ? 1 : 2;
                    if (in != q) continue;
                    for (int y = 0; y < s->n_years; y++) {
                        double x = mean_at(r, ke, v, y, m, NULL);
                        if (isfinite(x)) { sum += x; cnt++; }
                    }
                }
                double x = cnt ? sum / cnt : NAN;
                c[1 + v] = numcell(r, text[v], sizeof text[v], 100 * x, 1, 0);
            }
            table_row(&t, c, 1 + nv);
        }
        table_close(&t);
        free(adults);
        snprintf(buf, sizeof buf, T(r, "Thirds cut at %s and %s adults.", "Tredjedele delt ved %s og %s voksne."),
                 num(r, a, sizeof a, cut1, 0, 0), num(r, b, sizeof b, cut2, 0, 0));
        para(r, buf);
    }
    section_end(r);
}

/* The value of the dotted KEY in variant V's part of the resolved
 * scenario (nested YAML, two spaces an indent, as cfg writes it; one part
 * per variant after a "# --- variant" line, or one part for all). */
static int resolved_value_of(const rep *r, int v, const char *key, char *out, size_t n)
{
    char path[8][64];
    int section = -1;
    int parts = r->f->resolved && strstr(r->f->resolved, "# --- variant") != NULL;
    for (const char *p = r->f->resolved; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (!strncmp(p, "# --- variant", 13)) {
            if (++section > v) break;
            p = eol ? eol + 1 : NULL;
            continue;
        }
        if (parts && section != v) { p = eol ? eol + 1 : NULL; continue; }
        size_t ind = strspn(p, " ");
        int depth = (int)ind / 2;
        const char *colon = memchr(p, ':', len);
        if (p[ind] != '#' && colon && depth < 8) {
            snprintf(path[depth], sizeof path[depth], "%.*s", (int)(colon - p - ind), p + ind);
            char full[512] = "";
            for (int d = 0; d <= depth; d++) {
                size_t u = strlen(full);
                snprintf(full + u, sizeof full - u, "%s%s", d ? "." : "", path[d]);
            }
            const char *val_s = colon + 1;
            while (*val_s == ' ' && val_s < p + len) val_s++;
            if (!strcmp(full, key) && val_s < p + len) {
                snprintf(out, n, "%.*s", (int)(p + len - val_s), val_s);
                return 1;
            }
        }
        p = eol ? eol + 1 : NULL;
    }
    return 0;
}

static int resolved_value(const rep *r, const char *key, char *out, size_t n)
{
    return resolved_value_of(r, 0, key, out, n);
}

/* Variant V's financing in words, from its own resolved settings: which
 * regime takes which target groups and offer types; the rest takst. */
static void describe_variant(const rep *r, int v, char *out, size_t n)
{
    char names[128] = "takst", buf[128];
    resolved_value_of(r, v, "regime.name", names, sizeof names);
    static const struct { const char *name, *en, *da; } words[] = {
        { "drg", "group tariffs", "gruppetakster" },
        { "tender", "framework tenders", "udbud af rammeaftaler" },
        { "objective", "objective financing", "objektiv finansiering" },
        { "uniform", "a uniform frame tariff", "ensartet rammetakst" },
    };
    out[0] = 0;
    size_t used = 0;
    char list[128];
    snprintf(list, sizeof list, "%s", names);
    for (char *save = NULL, *w = strtok_r(list, "+", &save); w; w = strtok_r(NULL, "+", &save)) {
        const char *en = NULL, *da = NULL;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (!strcmp(words[i].name, w)) { en = words[i].en; da = words[i].da; }
        if (!en) continue;
        char key[64], groups[32] = "", types[96] = "";
        snprintf(key, sizeof key, "%s.groups", w);
        resolved_value_of(r, v, key, groups, sizeof groups);
        snprintf(key, sizeof key, "%s.types", w);
        resolved_value_of(r, v, key, types, sizeof types);
        const char *g = !strcmp(groups, "narrow") ? T(r, "the narrow groups", "de smalle målgrupper")
                      : !strcmp(groups, "all") ? T(r, "every group", "alle målgrupper")
                      : T(r, "the broad groups", "de brede målgrupper");
        char tw[160] = "";
        int all = strstr(types, "temporary") && strstr(types, "longterm") && strstr(types, "housing");
        if (all || strstr(types, "all")) snprintf(tw, sizeof tw, "%s", T(r, "every offer type", "alle tilbudstyper"));
        else {
            static const struct { const char *t, *en, *da; } ty[] = {
                { "temporary", "temporary places (SEL 107)", "midlertidige pladser (§ 107)" },
                { "longterm", "longterm places (SEL 108)", "længerevarende pladser (§ 108)" },
                { "housing", "housing (SEL 85 / ABL 105)", "bofællesskaber (§ 85 / ABL § 105)" },
            };
            for (size_t i = 0; i < 3; i++)
                if (strstr(types, ty[i].t)) {
                    size_t u = strlen(tw);
                    snprintf(tw + u, sizeof tw - u, "%s%s", u ? T(r, " and ", " og ") : "",
                             r->o->lang == REPORT_DA ? ty[i].da : ty[i].en);
                }
        }
        char extra[96] = "";
        if (!strcmp(w, "objective")) {
            char share[32] = "0.6", coord[16] = "true";
            resolved_value_of(r, v, "objective.share", share, sizeof share);
            resolved_value_of(r, v, "objective.coordinator", coord, sizeof coord);
            double phi = atof(share);
            snprintf(extra, sizeof extra, T(r, " (%.0f/%.0f%s)", " (%.0f/%.0f%s)"), 100 * phi,
                     100 * (1 - phi), !strcmp(coord, "true") ? T(r, ", with a coordinator", ", med koordinator") : "");
        }
        used += (size_t)snprintf(out + used, n > used ? n - used : 0, "%s%s%s %s %s%s",
                                 used ? "; " : "", r->o->lang == REPORT_DA ? da : en, extra,
                                 T(r, "for", "for"), g, "");
        if (used < n) used += (size_t)snprintf(out + used, n - used, ", %s", tw);
        (void)buf;
    }
    if (!out[0])
        snprintf(out, n, "%s", T(r, "cost-based tariffs (takst) everywhere, as today",
                                 "takstfinansiering som i dag, for alle"));
    else if (used < n)
        snprintf(out + used, n - used, "%s", T(r, "; takst for the rest", "; takst for resten"));
}

static void sec_assumptions(rep *r)
{
    heading(r, "assumptions", T(r, "What the results rest on: assumed parameters that move the differences",
                                "Hvad resultaterne hviler på: antagne parametre der flytter forskellene"));
    para(r, T(r, "Parameters tagged [A] are assumptions, not reported figures. Those below move "
                 "the differences between regimes most; the README shows how the answer moves "
                 "across their range (placesim risk --sensitivity and the variants of "
                 "scenarios/mechanisms.yaml).",
              "Parametre mærket [A] er antagelser, ikke opgjorte tal. Dem herunder flytter "
                 "forskellene mellem modellerne mest; README viser hvordan svaret flytter sig over "
                 "deres udfaldsrum (placesim risk --sensitivity og varianterne i "
                 "scenarios/mechanisms.yaml)."));
    static const struct { const char *key, *en, *da; } keys[] = {
        { "negotiation.rigor", "buyers refuse unjustified requests (takst, tender outside contracts)", "køberne afviser uberettigede krav (takst, udbud uden for kontrakt)" },
        { "negotiation.addon_ask_prob", "providers ask for add-ons at follow-ups", "leverandørerne beder om tillæg ved opfølgning" },
        { "drg.upcode_prob", "providers ask for a higher group (negotiated grouping)", "leverandørerne beder om en højere gruppe (forhandlet gruppering)" },
        { "tender.bid_cost", "a bidder's cost of one bid, DKK", "en tilbudsgivers omkostning ved ét bud, kr." },
        { "tender.buyer_cost", "a buyer's cost of one lot's tender, DKK", "en købers omkostning ved udbud af ét delområde, kr." },
        { "tender.markup", "bidders' markup on expected cost", "tilbudsgivernes avance på forventet omkostning" },
        { "objective.cost_drift", "yearly cost drift of pooled offers", "årlig omkostningsglidning i puljefinansierede tilbud" },
        { "objective.rigor_loss", "loss of buyers' rigor where the price is pooled", "tab af købernes stramhed hvor prisen er puljet" },
        { "owner_budget.progression_effect", "extra progression under a frame budget", "ekstra progression under rammebudget" },
        { "regime.transition_cost", "one-off cost of the move, per municipality, DKK", "engangsomkostning ved overgangen pr. kommune, kr." },
    };
    table t;
    table_open(r, &t, "assumptions.csv", T(r, "Assumed parameters and their values in this run",
                                           "Antagne parametre og deres værdier i denne kørsel"),
               T(r, "key|meaning|value", "nøgle|betydning|værdi"));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char v[128], shown[64];
        if (!resolved_value(r, keys[i].key, v, sizeof v)) continue;
        char *end;
        double x = strtod(v, &end);
        cell c[3] = { txt(keys[i].key), txt(r->o->lang == REPORT_DA ? keys[i].da : keys[i].en), txt(v) };
        if (end != v && *end == 0) {   /* a number: as the language writes it */
            int dec = fabs(x) >= 1000 || x == floor(x) ? 0 : 2;
            c[2] = numcell(r, shown, sizeof shown, x, fabs(x) < 1 && x != 0 ? 3 : dec, 0);
        }
        c[1].cls = "l";
        table_row(&t, c, 3);
    }
    table_close(&t);
    fprintf(r->out, "<h3>%s</h3>\n<ul>\n", T(r, "What the model leaves out", "Hvad modellen udelader"));
    static const char *const out_en[] = {
        "Municipal offers never decline a citizen, so refusals of heavy cases inside a uniform frame tariff cannot show.",
        "Quality of care is a score that drives tenders and supervision, not an outcome measured for citizens.",
        "Citizens' and relatives' choices, complaints and appeals are not modelled.",
        "Amounts are in the model's nominal prices; fixed prices divide by the model's own cost index.",
    };
    static const char *const out_da[] = {
        "Kommunale tilbud afviser aldrig en borger, så afvisninger af tunge sager inden for en ensartet rammetakst kan ikke ses.",
        "Kvaliteten er en score, der styrer udbud og tilsyn, ikke et målt resultat for borgerne.",
        "Borgeres og pårørendes valg, klager og ankesager er ikke modelleret.",
        "Beløb er i modellens løbende priser; faste priser dividerer med modellens eget omkostningsindeks.",
    };
    for (size_t i = 0; i < sizeof out_en / sizeof out_en[0]; i++) {
        fprintf(r->out, "<li>");
        esc(r->out, r->o->lang == REPORT_DA ? out_da[i] : out_en[i]);
        fprintf(r->out, "</li>\n");
    }
    fprintf(r->out, "</ul>\n");
    section_end(r);
}

/* Plain definitions of every measure the report shows, in English and in
 * Danish (the file's own doc attribute is the model's technical one). */
static const struct { const char *series, *en, *da; } kpi_def[] = {
    { "expenditure", "what municipalities pay for places in the three traded offer types (SEL § 107, § 108, § 85 in ABL § 105) in a year",
      "hvad kommunerne betaler for pladser i de tre handlede tilbudstyper (SEL §§ 107 og 108 samt § 85-støtte i boliger efter ABL § 105) i et år" },
    { "unit_price", "expenditure per occupied place-year", "udgifter pr. belagt pladsår" },
    { "price_drift", "how much faster the price of the same mix of needs grows than the costs behind it (wages and fixed costs)",
      "hvor meget hurtigere prisen for den samme sammensætning af behov stiger end omkostningerne bag den (løn og faste omkostninger)" },
    { "waiting_narrow", "citizens of the narrow, highly specialised groups waiting for a place at the end of the year",
      "borgere i de smalle, højt specialiserede målgrupper der venter på en plads ved årets udgang" },
    { "offer_exits", "offers that closed in the year, bankruptcies included", "tilbud der lukkede i året, konkurser medregnet" },
    { "admin_cost", "municipalities' administration of the market: follow-ups, case negotiations, tenders and the move to a new model",
      "kommunernes administration af markedet: opfølgninger, forhandlinger i enkeltsager, udbud og overgangen til en ny model" },
    { "spending_growth", "how much expenditure grew from the year before", "hvor meget udgifterne voksede fra året før" },
    { "budget_deviation_mean", "spending minus budget as a share of the budget, averaged over municipalities (above zero: overspent)",
      "forbrug minus budget som andel af budgettet, i gennemsnit over kommunerne (over nul: overskridelse)" },
    { "budget_deviation_abs", "the same, but counting overspending and underspending alike: how far budgets miss",
      "det samme, men med over- og underforbrug talt ens: hvor langt budgetterne rammer ved siden af" },
    { "price_need_r2", "how much of the variation in the prices buyers pay is explained by what the citizens really need (100 %: price follows need fully)",
      "hvor meget af variationen i de priser køberne betaler der forklares af borgernes reelle behov (100 %: prisen følger behovet fuldt ud)" },
    { "price_spread_equal_need", "how much prices differ between citizens with the same real need in the same kind of offer",
      "hvor meget priserne er forskellige for borgere med samme reelle behov i samme slags tilbud" },
    { "cost_per_delivered_hour", "offers' costs per hour of direct support actually delivered", "tilbuddenes omkostninger pr. time direkte støtte der faktisk er leveret" },
    { "admin_cost_negotiation", "administration of negotiations in single cases: add-ons, contested need levels, upcoding",
      "administration af forhandlinger i enkeltsager: tillæg, omstridte behovsniveauer, opklassificering" },
    { "admin_cost_tendering", "buyers' cost of tenders: specifying and evaluating lots and managing the contracts",
      "købernes omkostninger ved udbud: beskrive og evaluere delområder og styre kontrakterne" },
    { "admin_cost_transition", "one-off cost of moving to the model, in the year it starts", "engangsomkostning ved overgangen til modellen, i det år den starter" },
    { "bid_cost", "providers' cost of writing bids in tenders (their cost, not the municipalities')",
      "leverandørernes omkostninger til at skrive bud i udbud (deres omkostning, ikke kommunernes)" },
    { "delivered_to_needed_hours", "direct support delivered over what the citizens really need (above 100 %: more than needed)",
      "leveret direkte støtte i forhold til borgernes reelle behov (over 100 %: mere end nødvendigt)" },
    { "matched_30d_narrow", "narrow groups: share of citizens placed in an offer that fits their need within 30 days of the decision",
      "smalle målgrupper: andel af borgerne der har fået plads i et tilbud der passer til behovet inden 30 dage efter visitationen" },
    { "matched_30d_broad", "the same for the broad groups", "det samme for de brede målgrupper" },
    { "matched_90d_narrow", "narrow groups: the same within 90 days", "smalle målgrupper: det samme inden 90 dage" },
    { "matched_90d_broad", "broad groups: the same within 90 days", "brede målgrupper: det samme inden 90 dage" },
    { "mismatch_share", "placements in an offer that does not fit the need (bought after a long wait, at a premium)",
      "ophold i et tilbud der ikke passer til behovet (købt efter lang ventetid, med tillæg)" },
    { "progression_rate", "residents who move on to support in their own home, per resident and year", "beboere der går videre til støtte i egen bolig, pr. beboer og år" },
    { "mean_stay_years", "average length of the stays that ended in the year", "gennemsnitlig længde af de ophold der sluttede i året" },
    { "vacancy_broad", "empty places as a share of all places, offers for the broad groups", "tomme pladser som andel af alle pladser, tilbud til de brede målgrupper" },
    { "vacancy_narrow", "the same for the narrow groups", "det samme for de smalle målgrupper" },
    { "waiting", "citizens waiting for a place at the end of the year", "borgere der venter på en plads ved årets udgang" },
    { "long_wait_narrow_share", "share of municipalities that had, during the year, a citizen of a narrow group who waited longer than outputs.long_wait_days (90 days unless the scenario says otherwise) for a place",
      "andel af kommunerne der i løbet af året havde en borger i en smal målgruppe, som ventede længere end outputs.long_wait_days (90 dage, medmindre scenariet siger andet) på en plads" },
    { "offer_entries", "new private offers that opened in the year", "nye private tilbud der åbnede i året" },
    { "bankruptcies", "private offers that closed because their equity ran out", "private tilbud der lukkede fordi egenkapitalen var opbrugt" },
    { "hhi", "how concentrated places are among owners (0: many small, 1: one owner)", "hvor koncentreret pladserne er hos ejerne (0: mange små, 1: én ejer)" },
    { "cost_index", "the model's index of wages and fixed costs (base year 1), by which fixed prices are computed",
      "modellens indeks for løn og faste omkostninger (basisår 1), som faste priser beregnes med" },
    { "muni_net_cost_per_adult", "a municipality's spending on places and home support minus its own offers' sales to other buyers, per citizen aged 18-64",
      "kommunens udgifter til pladser og socialpædagogisk støtte i egen bolig minus egne tilbuds salg til andre købere, pr. borger på 18-64 år" },
    { "external_share", "share of spending bought outside the buyer's own municipality", "andel af udgifterne købt uden for køberens egen kommune" },
    { "muni_external_share", "the same for one municipality", "det samme for én kommune" },
    { "offer_result_share", "offers' total result over their total costs (above zero: a surplus)", "tilbuddenes samlede resultat i forhold til deres samlede omkostninger (over nul: overskud)" },
    { "offers_open", "offers open at the end of the year", "åbne tilbud ved årets udgang" },
    { "places_private", "places in private and self-owning offers", "pladser i private og selvejende tilbud" },
};

static void sec_definitions(rep *r)
{
    heading(r, "definitions", T(r, "What each measure means", "Hvad hvert mål betyder"));
    /* every criterion the report shows is defined here: a new row of
     * compare_rows without a definition is a programming error */
    for (size_t i = 0; i < compare_n_rows; i++) {
        int found = 0;
        for (size_t j = 0; j < sizeof kpi_def / sizeof kpi_def[0]; j++)
            found |= !strcmp(kpi_def[j].series, compare_rows[i].series);
        if (!found && series(r, compare_rows[i].series) >= 0) {
            fail(r, "the report has no definition of %s", compare_rows[i].series);
            return;
        }
    }
    table t;
    table_open(r, &t, "definitions.csv", T(r, "Definitions (names as in the HDF5 file)",
                                           "Definitioner (navne som i HDF5-filen)"),
               T(r, "measure|unit|definition", "mål|enhed|definition"));
    for (size_t i = 0; i < sizeof kpi_def / sizeof kpi_def[0]; i++) {
        int k = series(r, kpi_def[i].series);
        if (k < 0) continue;
        cell c[3] = { txt(kpi_def[i].series), txt(unit_word(r, r->s->series[k].unit)),
                      txt(r->o->lang == REPORT_DA ? kpi_def[i].da : kpi_def[i].en) };
        c[1].cls = "l";
        c[2].cls = "l";
        table_row(&t, c, 3);
    }
    table_close(&t);
    section_end(r);
}

/* The order of the report, written down once. */
static void (*const report_sections[])(rep *) = {
    sec_summary,          /* the conclusion first */
    sec_criteria,         /* the committee's criteria table */
    sec_uncertainty,      /* the headline differences with parameter uncertainty */
    sec_spending,         /* expenditure and unit price over time */
    sec_risk,             /* price-drift risk */
    sec_scatter,          /* paired differences, cost against waiting */
    sec_municipalities,   /* winners and losers, one page per municipality */
    sec_supply,           /* waiting, offers, trade by size */
    sec_run,              /* what was run, and the validation of the baseline */
    sec_assumptions,      /* what it rests on and leaves out */
    sec_definitions,      /* every measure in plain words */
};

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222;line-height:1.45}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.25em;border-top:2px solid #0072B2;"
    "padding-top:.6em;margin-top:2em}h3{font-size:1.05em}"
    ".sub{color:#555}table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;vertical-align:top;overflow-wrap:break-word}"
    "li,h2,h3,p{overflow-wrap:anywhere}"
    "th{background:#f2f5f8;text-align:left}td.n{text-align:right;white-space:nowrap}"
    "td.l{text-align:left}td.w,span.w{font-style:italic;white-space:normal}"
    "td.miss{color:#a34700;font-weight:bold}tr.sec td{background:#e8eef4;font-weight:bold}"
    "td.tot{font-weight:bold}figure{margin:1em 0}figcaption{font-size:.9em;color:#444}"
    "svg{max-width:100%;height:auto}a.csv{font-weight:normal;font-size:.85em;margin-left:.5em}"
    ".rule{font-size:.85em;color:#444}.index{font-size:.85em;line-height:1.8}"
    "details.muni{margin:.3em 0}details.muni summary{cursor:pointer}"
    "nav ol{columns:2;font-size:.9em}"
    "@media print{details.muni{break-inside:avoid}h2{break-after:avoid}figure{break-inside:avoid}}";

int report_html(const res_file *f, const report_opts *o, FILE *out, char *err, size_t errlen)
{
    rep r = { f, f->rec, o, out, err, errlen, 0, 0, 0, 0, { 0 }, 0 };
    if (!plot_available()) {
        snprintf(err, errlen, "gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
        return -1;
    }
    if (o->price_year) {
        r.price_y = -1;
        for (int y = 0; y < f->rec->n_years; y++)
            if (year_of(&r, y) == o->price_year) r.price_y = y;
        if (r.price_y < 0) {
            snprintf(err, errlen, "the price year %d is not a year of the file (%d-%d)", o->price_year,
                     year_of(&r, 0), year_of(&r, f->rec->n_years - 1));
            return -1;
        }
    }
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
            o->lang == REPORT_DA ? "da" : "en");
    char yrs[32];
    span_years(&r, yrs, sizeof yrs);
    char title[512];
    snprintf(title, sizeof title, T(&r, "Financing of places in social care: %s, %s",
                                    "Finansiering af botilbudspladser: %s, %s"),
             f->scenario_path, yrs);
    esc(out, title);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", style);
    esc(out, T(&r, "Financing of places in social care", "Finansiering af botilbudspladser"));
    fprintf(out, "</h1>\n<p class=\"sub\">");
    char sub[1024];
    snprintf(sub, sizeof sub, T(&r, "%s · %d %s · %d %s each · %s · placesim %s (%s)",
                                "%s · %d %s · %d %s hver · %s · placesim %s (%s)"),
             f->scenario_path, f->rec->n_variants,
             f->rec->n_variants == 1 ? T(&r, "variant", "variant") : T(&r, "variants", "varianter"),
             f->rec->n_replicates,
             f->rec->n_replicates == 1 ? T(&r, "replicate", "kørsel") : T(&r, "replicates", "kørsler"),
             yrs, f->version, f->git_commit);
    esc(out, sub);
    fprintf(out, "</p></header>\n");
    /* the sections go to memory first: the contents list names only those
     * the file had data for */
    char *body = NULL;
    size_t body_len = 0;
    r.out = open_memstream(&body, &body_len);
    if (!r.out) { snprintf(err, errlen, "out of memory"); return -1; }
    for (size_t i = 0; i < sizeof report_sections / sizeof report_sections[0] && !r.failed; i++)
        report_sections[i](&r);
    fclose(r.out);
    r.out = out;
    static const struct { const char *id, *en, *da; } toc[] = {
        { "summary", "Summary", "Sammenfatning" }, { "criteria", "The committee's criteria", "Udvalgets kriterier" },
        { "spending", "Expenditure and unit price", "Udgifter og enhedspris" },
        { "risk", "Price-drift risk", "Risiko for prisglidning" }, { "pairs", "Paired differences", "Parvise forskelle" },
        { "municipalities", "Winners and losers", "Vindere og tabere" },
        { "supply", "Waiting, supply and trade", "Venteliste, forsyning og handel" },
        { "run", "What was run", "Hvad er kørt" }, { "assumptions", "Assumptions", "Antagelser" },
        { "definitions", "Definitions", "Definitioner" },
    };
    fprintf(out, "<nav><ol>");
    for (int i = 0; i < r.n_ids; i++)
        for (size_t j = 0; j < sizeof toc / sizeof toc[0]; j++)
            if (!strcmp(toc[j].id, r.ids[i]))
                fprintf(out, "<li><a href=\"#%s\">%s</a></li>", toc[j].id,
                        o->lang == REPORT_DA ? toc[j].da : toc[j].en);
    fprintf(out, "</ol></nav>\n");
    fwrite(body, 1, body_len, out);
    free(body);
    fprintf(out, "<footer class=\"rule\">");
    esc(out, T(&r, "Made by placesim report from the result file; every figure is computed from it.",
               "Lavet af placesim report ud fra resultatfilen; hvert tal er beregnet ud fra den."));
    fprintf(out, "</footer>\n</body>\n</html>\n");
    return r.failed ? -1 : 0;
}
