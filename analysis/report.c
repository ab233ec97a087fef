/*
 * analysis/report.c - terminal summary and output reference.
 *
 * The summary shows the headline KPIs (those flagged in the KPI table) by
 * looking them up by name, so it follows the table rather than an enum.
 */
#include <math.h>
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

static int kpi_index(const res_set *s, const char *name)
{
    for (size_t k = 0; k < s->n_kpi; k++)
        if (strcmp(s->kpi[k].name, name) == 0) return (int)k;
    return -1;
}

static void cell(FILE *out, const res_set *s, int k, int v, int y,
                 const column *c)
{
    char buf[80];
    if (k < 0) { fprintf(out, " | %-20s", "-"); return; }
    res_stat st;
    res_stat_of(s, (size_t)k, v, y, 0, &st);
    if (st.n == 0 || isnan(st.mean)) { fprintf(out, " | %-20s", "n/a"); return; }
    snprintf(buf, sizeof buf, "%*.*f ±%.*f", c->width, c->decimals,
             st.mean * c->scale, c->decimals, (st.ci_hi - st.mean) * c->scale);
    fprintf(out, " | %-20s", buf);
}

void report_summary(FILE *out, const res_set *s)
{
    int done = 0;
    for (int j = 0; j < s->n_variants * s->n_replicates; j++) done += s->job_done[j];
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(out, "\nvariant %s: mean ± half-width of the 95 %% interval over "
                "%d replicates\n", s->variant_names ? s->variant_names[v] : "?",
                s->n_replicates);
        fprintf(out, "%-4s", "year");
        for (size_t c = 0; c < N_COLUMNS; c++) fprintf(out, " | %-20s", columns[c].title);
        fputc('\n', out);
        for (int y = 0; y < s->n_years; y++) {
            fprintf(out, "%-4d", s->years ? s->years[y] : y);
            for (size_t c = 0; c < N_COLUMNS; c++)
                cell(out, s, kpi_index(s, columns[c].kpi), v, y, &columns[c]);
            fputc('\n', out);
        }
    }
    if (done < s->n_variants * s->n_replicates)
        fprintf(out, "(%d of %d jobs completed)\n", done,
                s->n_variants * s->n_replicates);
}

static const char *axis_name(res_axis a)
{
    static const char *const names[RES_AXIS_COUNT] = {
        "national", "municipality", "group", "offer_type"
    };
    return a < RES_AXIS_COUNT ? names[a] : "?";
}

void report_kpi_reference(FILE *out, const res_kpi *kpi, size_t n)
{
    fprintf(out, "| dataset | unit | per | meaning |\n|---|---|---|---|\n");
    for (size_t k = 0; k < n; k++)
        fprintf(out, "| `%s` | %s | %s | %s |\n", kpi[k].name, kpi[k].unit,
                axis_name(kpi[k].axis), kpi[k].doc);
}
