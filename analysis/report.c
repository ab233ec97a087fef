/*
 * analysis/report.c - terminal summary and output reference.
 *
 * The summary shows the few KPIs of its column table, looked up by name in
 * the record, so it follows the model's table rather than its enum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

typedef struct column {
    const char *kpi, *title;
    double scale;          /* value shown = value * scale */
    int width, decimals;   /* of the mean; the half-width is unpadded */
} column;

static const column columns[] = {
    { "expenditure",    "expenditure bn DKK", 1e-9, 7, 3 },
    { "unit_price",     "DKK 1000/place-yr",  1e-3, 7, 1 },
    { "price_drift",    "price drift %",      1e2,  6, 2 },
    { "waiting",        "waiting",            1,    6, 0 },
    { "waiting_narrow", "narrow waiting",     1,    5, 0 },
    { "external_share", "external share %",   1e2,  5, 1 },
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

static void cell(FILE *out, const res_stat *st, const column *c)
{
    char buf[80];
    if (!st) { fprintf(out, " | %-20s", "-"); return; }
    if (st->n == 0 || isnan(st->mean)) { fprintf(out, " | %-20s", "n/a"); return; }
    double half = (st->ci_hi - st->mean) * c->scale;
    if (isfinite(half))      /* one replicate has no interval */
        snprintf(buf, sizeof buf, "%*.*f ±%.*f", c->width, c->decimals,
                 st->mean * c->scale, c->decimals, half);
    else
        snprintf(buf, sizeof buf, "%*.*f ±n/a", c->width, c->decimals, st->mean * c->scale);
    /* "±" is two bytes and one column: pad by one byte more */
    fprintf(out, " | %-21s", buf);
}

void report_summary(FILE *out, const sim_record *s)
{
    int done = sim_record_jobs_done(s);
    /* Every column's statistics first, one series at a time: a record read
     * back from its file (a lazy one) then loads each series once, where
     * cell by cell it would load them all again for every row. */
    size_t cells = (size_t)s->n_variants * (size_t)s->n_years;
    res_stat *st = calloc(N_COLUMNS * (cells ? cells : 1), sizeof *st);
    int have[N_COLUMNS];
    for (size_t c = 0; c < N_COLUMNS; c++) {
        int k = sim_record_series_index(s, columns[c].kpi);
        have[c] = k >= 0 && st;
        for (size_t i = 0; have[c] && i < cells; i++)
            res_stat_of(s, (size_t)k, (int)(i / (size_t)s->n_years),
                        (int)(i % (size_t)s->n_years), 0, &st[c * cells + i]);
    }
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(out, "\nvariant %s: mean ± half-width of the 95 %% interval over "
                "%d replicates\n", s->variant_names ? s->variant_names[v] : "?",
                s->n_replicates);
        fprintf(out, "%-4s", "year");
        for (size_t c = 0; c < N_COLUMNS; c++) fprintf(out, " | %-20s", columns[c].title);
        fputc('\n', out);
        for (int y = 0; y < s->n_years; y++) {
            fprintf(out, "%-4d", s->years ? s->years[y] : y);
            size_t i = (size_t)v * (size_t)s->n_years + (size_t)y;
            for (size_t c = 0; c < N_COLUMNS; c++)
                cell(out, have[c] ? &st[c * cells + i] : NULL, &columns[c]);
            fputc('\n', out);
        }
    }
    free(st);
    if (done < s->n_variants * s->n_replicates)
        fprintf(out, "(%d of %d jobs completed)\n", done,
                s->n_variants * s->n_replicates);
}

void report_kpi_reference(FILE *out, const sim_series *table, size_t n,
                          const char *const *axis_name, int n_axes)
{
    fprintf(out, "| dataset | unit | per | meaning |\n|---|---|---|---|\n");
    for (size_t k = 0; k < n; k++) {
        int a = table[k].axis;
        const char *per = a == SIM_AXIS_NONE ? RES_NO_AXIS
                        : a >= 0 && a < n_axes ? axis_name[a] : "?";
        fprintf(out, "| `%s` | %s | %s | %s |\n", table[k].name, table[k].unit,
                per, table[k].doc);
    }
}
