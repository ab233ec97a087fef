/*
 * models/start_offers.c - the starting offers from CSV (run.offers), for an
 * analyst who has the real ones; without the key the offers are generated
 * from the table of places (offers.c).
 *
 * The file is one header line, owner,municipality,type,group,places,tariff,
 * then one offer a line:
 *   owner         municipal, regional or private
 *   municipality  a code from the municipality table: the owner of a
 *                 municipal offer, where a regional or private one stands
 *                 (its region)
 *   type          temporary, longterm or housing
 *   group         a target group of the scenario
 *   places        a whole number from 1 to 10000
 *   tariff        empty (cost-based, as generated offers), or DKK per day
 *                 for a resident of the group's mean need in the base year,
 *                 from 1 to 1e6; the offer's tariffs then keep that ratio to the
 *                 cost-based ones (with a private offer's markup), and a
 *                 private offer's scarcity markup comes on top
 * Lines end in LF or CRLF, an optional UTF-8 byte-order mark may precede
 * the header, empty lines are skipped; at most 1 MiB and 65,536 offers.
 * Anything else is an error naming file, line, column and column name,
 * and nothing is kept.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "market.h"
#include "csvread.h"

#define START_LINE_MAX   1023
#define START_FILE_MAX   (1L << 20)
#define START_OFFERS_MAX 65536
#define START_PLACES_MAX 10000

static const char *const columns[] = {
    "owner", "municipality", "type", "group", "places", "tariff"
};
enum { N_COLS = 6 };


/* A field's value in a message: printable ASCII as it is, the rest \xNN,
 * at most 48 bytes. */


static int word_of(const char *s, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s, words[i])) return i;
    return -1;
}

/* Parse one data line (NUL-terminated, split in place). */
static int parse_line(char *line, const char *path, int ln, const params *p,
                      const muni_table *t, start_offer *so, cfg_error *err)
{
    char *f[N_COLS];
    int n = 0;
    for (char *s = line;;) {
        if (n == N_COLS)
            return csvread_fail(err, path, ln, NULL, (int)(s - line) + 1,
                        "more than 6 fields; expected owner,municipality,type,group,places,tariff");
        f[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma) break;
        *comma = 0;
        s = comma + 1;
    }
    if (n != N_COLS)
        return csvread_fail(err, path, ln, NULL, 0,
                    "fewer than 6 fields; expected owner,municipality,type,group,places,tariff "
                    "(an empty tariff still needs its comma)");
    char what[400], v[256];
    for (int c = 0; c < N_COLS; c++)
        for (const char *q = f[c]; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f) {
                csvread_shown(v, sizeof v, f[c]);
                snprintf(what, sizeof what, "control character in '%s'", v);
                return csvread_fail(err, path, ln, c >= 0 ? columns[c] : NULL, (int)(f[c] - line) + 1, what);
            }
#define COL(c) (int)(f[c] - line) + 1
    static const char *const owners[] = { "municipal", "regional", "private" };
    int owner = word_of(f[0], owners, 3);
    if (owner < 0) {
        csvread_shown(v, sizeof v, f[0]);
        snprintf(what, sizeof what, "'%s' is not municipal, regional or private", v);
        return csvread_fail(err, path, ln, columns[0], COL(0), what);
    }
    char *end;
    errno = 0;
    long code = strtol(f[1], &end, 10);
    int muni = -1;
    for (int i = 0; csvread_plain_number(f[1], 0) && end != f[1] && !*end && errno == 0 && i < t->n; i++)
        if (t->m[i].code == code) muni = i;
    if (muni < 0) {
        csvread_shown(v, sizeof v, f[1]);
        snprintf(what, sizeof what, "'%s' is not the code of a municipality in the "
                 "municipality table", v);
        return csvread_fail(err, path, ln, columns[1], COL(1), what);
    }
    int type = word_of(f[2], offer_type_name, N_OFFER_TYPES);
    if (type < 0) {
        csvread_shown(v, sizeof v, f[2]);
        snprintf(what, sizeof what, "'%s' is not temporary, longterm or housing", v);
        return csvread_fail(err, path, ln, columns[2], COL(2), what);
    }
    int group = -1;
    for (int g = 0; g < p->n_groups; g++)
        if (!strcmp(f[3], p->group[g].name)) group = g;
    if (group < 0) {
        csvread_shown(v, sizeof v, f[3]);
        snprintf(what, sizeof what, "'%s' is not a target group of the scenario", v);
        return csvread_fail(err, path, ln, columns[3], COL(3), what);
    }
    errno = 0;
    long places = strtol(f[4], &end, 10);
    if (!csvread_plain_number(f[4], 1) || end == f[4] || *end || errno || places < 1 ||
        places > START_PLACES_MAX) {
        csvread_shown(v, sizeof v, f[4]);
        snprintf(what, sizeof what, "'%s' is not a whole number of places from 1 to 10000", v);
        return csvread_fail(err, path, ln, columns[4], COL(4), what);
    }
    double tariff = 0;
    if (*f[5]) {
        errno = 0;
        tariff = strtod(f[5], &end);
        if (!csvread_plain_number(f[5], 1) || end == f[5] || *end || errno || !isfinite(tariff) ||
            !(tariff >= 1) || tariff > 1e6) {
            csvread_shown(v, sizeof v, f[5]);
            snprintf(what, sizeof what, "'%s' is not a tariff in DKK per day from 1 "
                     "to 1e6 in digits (or empty: cost-based)", v);
            return csvread_fail(err, path, ln, columns[5], COL(5), what);
        }
    }
#undef COL
    *so = (start_offer){ .owner_kind = (int8_t)owner, .type = (int8_t)type,
                         .group = (int8_t)group, .muni = muni, .places = (int)places,
                         .tariff = tariff };
    return 0;
}

int start_offers_parse(const char *text, size_t len, const char *path,
                       const params *p, muni_table *t, cfg_error *err)
{
    static const char header[] = "owner,municipality,type,group,places,tariff";
    t->start = NULL;
    t->n_start = 0;
    if (!text) len = 0;
    size_t pos = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    start_offer *out = NULL;
    int n = 0, cap = 0, ln = 0;
    char line[START_LINE_MAX + 1];
    while (pos < len) {
        ln++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t k = nl ? (size_t)(nl - s) : len - pos;
        pos += k + (nl != NULL);
        if (k > 0 && s[k - 1] == '\r') k--;
        if (k > START_LINE_MAX) {
            free(out);
            return csvread_fail(err, path, ln, NULL, START_LINE_MAX + 1, "line longer than 1023 bytes");
        }
        memcpy(line, s, k);
        line[k] = 0;
        if (memchr(line, 0, k)) {
            free(out);
            return csvread_fail(err, path, ln, NULL, (int)strlen(line) + 1, "NUL byte in the line");
        }
        if (ln == 1) {
            if (strcmp(line, header)) {
                char v[256], what[400];
                csvread_shown(v, sizeof v, line);
                snprintf(what, sizeof what, "header must be '%s', found '%s'", header, v);
                free(out);
                return csvread_fail(err, path, 1, NULL, 1, what);
            }
            continue;
        }
        if (k == 0) continue;
        if (n == START_OFFERS_MAX) {
            free(out);
            return csvread_fail(err, path, ln, NULL, 1, "more than 65536 offers");
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            start_offer *a = realloc(out, (size_t)cap * sizeof *a);
            if (!a) { free(out); return csvread_fail(err, path, ln, NULL, 0, "out of memory"); }
            out = a;
        }
        if (parse_line(line, path, ln, p, t, &out[n], err)) { free(out); return -1; }
        n++;
    }
    if (ln == 0) return csvread_fail(err, path, 0, NULL, 0, "empty file; the header is missing");
    if (n == 0) { free(out); return csvread_fail(err, path, ln, NULL, 0, "no offers"); }
    t->start = out;
    t->n_start = n;
    return 0;
}

int start_offers_load(const char *path, const params *p, muni_table *t,
                      cfg_error *err)
{
    char *buf;
    size_t len;
    if (csvread_file(path, (size_t)START_FILE_MAX, &buf, &len, err)) return -1;
    int rc = start_offers_parse(buf, len, path, p, t, err);
    free(buf);
    return rc;
}

void muni_table_free_offers(muni_table *t)
{
    free(t->start);
    t->start = NULL;
    t->n_start = 0;
    free(t->adults_rows);
    t->adults_rows = NULL;
    t->n_adults_rows = 0;
}
