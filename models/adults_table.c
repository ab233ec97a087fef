/*
 * models/adults_table.c - adults by municipality and year (run.adults_by_year).
 *
 * Without the key every municipality keeps population x run.adult_share in
 * every year (flat).  With it, a CSV of code,year,adults rows sets a
 * municipality's adults aged 18-64 from that calendar year on, until its
 * next row; years before its first row keep the flat value.  Needs then
 * arise at the year's adults (the onset rate steps on 1 January), and
 * everything per adult uses them.  Codes must be in the municipality
 * table, years within 1900-2200, adults from 1 to 1e7, no (code, year)
 * twice.  Errors name file, line, column and column name.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "market.h"
#include "csvread.h"

#define ADULTS_LINE_MAX 1023
#define ADULTS_FILE_MAX (1L << 20)
#define ADULTS_ROWS_MAX 65536

static const char *const columns[] = { "code", "year", "adults" };




static int by_muni_year(const void *x, const void *y)
{
    const struct adults_row *a = x, *b = y;
    if (a->muni != b->muni) return a->muni < b->muni ? -1 : 1;
    return (a->year > b->year) - (a->year < b->year);
}

static int bad(cfg_error *err, const char *path, int ln, int col, const char *line,
               const char *field, const char *fmt)
{
    char v[256], what[400];
    csvread_shown(v, sizeof v, field);
    snprintf(what, sizeof what, fmt, v);
    return csvread_fail(err, path, ln, col >= 0 ? columns[col] : NULL, (int)(field - line) + 1, what);
}

int adults_table_parse(const char *text, size_t len, const char *path,
                       const params *p, muni_table *t, cfg_error *err)
{
    (void)p;
    static const char header[] = "code,year,adults";
    t->adults_rows = NULL;
    t->n_adults_rows = 0;
    if (!text) len = 0;
    size_t pos = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    struct adults_row *out = NULL;
    int n = 0, cap = 0, ln = 0;
    char line[ADULTS_LINE_MAX + 1];
    int rc = 0;
    while (pos < len && !rc) {
        ln++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t k = nl ? (size_t)(nl - s) : len - pos;
        pos += k + (nl != NULL);
        if (k > 0 && s[k - 1] == '\r') k--;
        if (k > ADULTS_LINE_MAX) { rc = csvread_fail(err, path, ln, NULL, 1, "line longer than 1023 bytes"); break; }
        memcpy(line, s, k);
        line[k] = 0;
        for (size_t i = 0; i < k && !rc; i++)
            if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                rc = csvread_fail(err, path, ln, NULL, (int)i + 1, "control character in the line");
        if (rc) break;
        if (ln == 1) {
            if (strcmp(line, header)) {
                char v[256], what[400];
                csvread_shown(v, sizeof v, line);
                snprintf(what, sizeof what, "header must be '%s', found '%s'", header, v);
                rc = csvread_fail(err, path, 1, NULL, 1, what);
            }
            continue;
        }
        if (k == 0) continue;
        char *f[3];
        int nf = 0;
        for (char *q = line;;) {
            if (nf == 3) { rc = csvread_fail(err, path, ln, NULL, (int)(q - line) + 1, "more than 3 fields; expected code,year,adults"); break; }
            f[nf++] = q;
            char *comma = strchr(q, ',');
            if (!comma) break;
            *comma = 0;
            q = comma + 1;
        }
        if (rc) break;
        if (nf != 3) { rc = csvread_fail(err, path, ln, NULL, 0, "fewer than 3 fields; expected code,year,adults"); break; }
        char *end;
        errno = 0;
        long code = strtol(f[0], &end, 10);
        int muni = -1;
        for (int i = 0; csvread_plain_number(f[0], 0) && end != f[0] && !*end && !errno && i < t->n; i++)
            if (t->m[i].code == code) muni = i;
        if (muni < 0) { rc = bad(err, path, ln, 0, line, f[0], "'%s' is not the code of a municipality in the municipality table"); break; }
        errno = 0;
        long year = strtol(f[1], &end, 10);
        if (!csvread_plain_number(f[1], 0) || end == f[1] || *end || errno || year < 1900 || year > 2200) { rc = bad(err, path, ln, 1, line, f[1], "'%s' is not a calendar year from 1900 to 2200"); break; }
        errno = 0;
        double adults = strtod(f[2], &end);
        if (!csvread_plain_number(f[2], 0) || end == f[2] || *end || errno || !isfinite(adults) ||
            adults < 1 || adults > 1e7) { rc = bad(err, path, ln, 2, line, f[2], "'%s' is not a number of adults from 1 to 1e7"); break; }
        for (int i = 0; i < n && !rc; i++)
            if (out[i].muni == muni && out[i].year == year)
                rc = bad(err, path, ln, 1, line, f[1], "municipality and year '%s' appear twice");
        if (rc) break;
        if (n == ADULTS_ROWS_MAX) { rc = csvread_fail(err, path, ln, NULL, 1, "more than 65536 rows"); break; }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            struct adults_row *a = realloc(out, (size_t)cap * sizeof *a);
            if (!a) { rc = csvread_fail(err, path, ln, NULL, 0, "out of memory"); break; }
            out = a;
        }
        out[n++] = (struct adults_row){ muni, (int)year, adults };
    }
    if (!rc && ln == 0) rc = csvread_fail(err, path, 0, NULL, 0, "empty file; the header is missing");
    if (!rc && n == 0) rc = csvread_fail(err, path, ln, NULL, 0, "no rows (leave run.adults_by_year "
                                 "empty for flat adults)");
    if (rc) { free(out); return -1; }
    qsort(out, (size_t)n, sizeof *out, by_muni_year);
    t->adults_rows = out;
    t->n_adults_rows = n;
    return 0;
}

int adults_table_load(const char *path, const params *p, muni_table *t,
                      cfg_error *err)
{
    char *buf;
    size_t len;
    if (csvread_file(path, (size_t)ADULTS_FILE_MAX, &buf, &len, err)) return -1;
    int rc = adults_table_parse(buf, len, path, p, t, err);
    free(buf);
    return rc;
}

double muni_adults(const muni_table *t, const params *p, int i, int year)
{
    double a = t->m[i].population * p->adult_share;
    for (int k = 0; k < t->n_adults_rows; k++) {
        const struct adults_row *r = &t->adults_rows[k];
        if (r->muni == i && r->year <= year) a = r->adults;
    }
    return a;
}
