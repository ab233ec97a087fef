/*
 * models/municipalities.c - the municipality table from CSV.
 *
 * The file is small and fixed in shape (code,name,region,population), so a
 * strict reader that names the line and column of any fault is worth more
 * than a general CSV library: names contain no commas or quotes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "market.h"

static const char *const columns[] = { "code", "name", "region", "population" };

static int csv_fail(cfg_error *err, const char *path, int line, int col,
                    const char *fmt, const char *detail)
{
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = line;
    err->column = 0;
    snprintf(err->key, sizeof err->key, "%s", col >= 0 ? columns[col] : "");
    char what[600];
    snprintf(what, sizeof what, fmt, detail);
    if (line > 0 && col >= 0)
        snprintf(err->message, sizeof err->message, "%s:%d: column '%s': %s",
                 path, line, columns[col], what);
    else if (line > 0)
        snprintf(err->message, sizeof err->message, "%s:%d: %s", path, line, what);
    else
        snprintf(err->message, sizeof err->message, "%s: %s", path, what);
    return -1;
}

static int region_index(muni_table *t, const char *name)
{
    for (int r = 0; r < t->n_regions; r++)
        if (strcmp(t->region_name[r], name) == 0) return r;
    if (t->n_regions == MAX_REGIONS) return -1;
    snprintf(t->region_name[t->n_regions], sizeof t->region_name[0], "%s", name);
    return t->n_regions++;
}

/* Split LINE in place at commas; returns the field count. */
static int split_fields(char *line, char **field, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *s = line; n < max; ) {
        field[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma) break;
        *comma = 0;
        s = comma + 1;
    }
    return n;
}

static int parse_row(muni_table *t, char *line, const char *path, int ln,
                     cfg_error *err)
{
    char *f[5];
    int n = split_fields(line, f, 5);
    if (n != 4)
        return csv_fail(err, path, ln, -1, "%s", "expected 4 fields: code,name,region,population");
    muni_info *mi = &t->m[t->n];
    char *end;
    errno = 0;
    long code = strtol(f[0], &end, 10);
    if (errno || *end || end == f[0] || code <= 0)
        return csv_fail(err, path, ln, 0, "not a positive whole number: '%s'", f[0]);
    for (int i = 0; i < t->n; i++)
        if (t->m[i].code == code)
            return csv_fail(err, path, ln, 0, "duplicate municipality code '%s'", f[0]);
    if (!*f[1]) return csv_fail(err, path, ln, 1, "%s", "empty name");
    if (!*f[2]) return csv_fail(err, path, ln, 2, "%s", "empty region");
    double pop = strtod(f[3], &end);
    if (*end || end == f[3] || !(pop > 0))
        return csv_fail(err, path, ln, 3, "not a positive number: '%s'", f[3]);
    mi->code = (int)code;
    snprintf(mi->name, sizeof mi->name, "%s", f[1]);
    mi->region = region_index(t, f[2]);
    if (mi->region < 0)
        return csv_fail(err, path, ln, 2, "more than 8 regions at '%s'", f[2]);
    mi->population = pop;
    t->n++;
    return 0;
}

int muni_table_load(const char *path, muni_table *t, cfg_error *err)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "r");
    if (!fp) return csv_fail(err, path, 0, -1, "cannot open: %s", strerror(errno));
    char line[1024];
    int ln = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        ln++;
        if (ln == 1) {
            line[strcspn(line, "\r\n")] = 0;
            if (strcmp(line, "code,name,region,population") != 0)
                rc = csv_fail(err, path, 1, -1, "header must be 'code,name,region,population', found '%s'", line);
            continue;
        }
        if (line[0] == '\n' || line[0] == '\r' || line[0] == 0) continue;
        if (t->n == MAX_MUNIS)
            rc = csv_fail(err, path, ln, -1, "%s", "more than 128 municipalities");
        else
            rc = parse_row(t, line, path, ln, err);
    }
    fclose(fp);
    if (rc == 0 && t->n == 0)
        rc = csv_fail(err, path, ln, -1, "%s", "no municipalities");
    return rc;
}
