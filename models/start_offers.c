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
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "market.h"

#define START_LINE_MAX   1023
#define START_FILE_MAX   (1L << 20)
#define START_OFFERS_MAX 65536
#define START_PLACES_MAX 10000

static const char *const columns[] = {
    "owner", "municipality", "type", "group", "places", "tariff"
};
enum { N_COLS = 6 };

static int fail(cfg_error *err, const char *path, int line, int col, int char_col,
                const char *what)
{
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = line;
    err->column = char_col;
    snprintf(err->key, sizeof err->key, "%s", col >= 0 ? columns[col] : "");
    /* FILE[:LINE[:COL]]: [column 'NAME': ]WHAT; a message cut at its
     * buffer's end is still the message */
    char at[32] = "", name[64] = "";
    if (line > 0 && char_col > 0) snprintf(at, sizeof at, ":%d:%d", line, char_col);
    else if (line > 0) snprintf(at, sizeof at, ":%d", line);
    if (col >= 0) snprintf(name, sizeof name, "column '%s': ", columns[col]);
    int n = snprintf(err->message, sizeof err->message, "%s%s: %s%s", path, at, name, what);
    (void)n;
    return -1;
}

/* A field's value in a message: printable ASCII as it is, the rest \xNN,
 * at most 48 bytes. */
static void shown(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < cap && i < 48; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7f) out[o++] = (char)b;
        else o += (size_t)snprintf(out + o, cap - o, "\\x%02X", b);
    }
    out[o] = 0;
}

/* A number field must start with a digit (or '-' where negatives are
 * meant to be refused with their own message) and hold no hex: strtol and
 * strtod would take " 7", "+7" and "0x10". */
static int plain_number(const char *s)
{
    return (s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9')
               ? !strpbrk(s, "xX") : 0;
}

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
            return fail(err, path, ln, -1, (int)(s - line) + 1,
                        "more than 6 fields; expected owner,municipality,type,group,places,tariff");
        f[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma) break;
        *comma = 0;
        s = comma + 1;
    }
    if (n != N_COLS)
        return fail(err, path, ln, -1, 0,
                    "fewer than 6 fields; expected owner,municipality,type,group,places,tariff "
                    "(an empty tariff still needs its comma)");
    char what[400], v[256];
    for (int c = 0; c < N_COLS; c++)
        for (const char *q = f[c]; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f) {
                shown(v, sizeof v, f[c]);
                snprintf(what, sizeof what, "control character in '%s'", v);
                return fail(err, path, ln, c, (int)(f[c] - line) + 1, what);
            }
#define COL(c) (int)(f[c] - line) + 1
    static const char *const owners[] = { "municipal", "regional", "private" };
    int owner = word_of(f[0], owners, 3);
    if (owner < 0) {
        shown(v, sizeof v, f[0]);
        snprintf(what, sizeof what, "'%s' is not municipal, regional or private", v);
        return fail(err, path, ln, 0, COL(0), what);
    }
    char *end;
    errno = 0;
    long code = strtol(f[1], &end, 10);
    int muni = -1;
    for (int i = 0; plain_number(f[1]) && end != f[1] && !*end && errno == 0 && i < t->n; i++)
        if (t->m[i].code == code) muni = i;
    if (muni < 0) {
        shown(v, sizeof v, f[1]);
        snprintf(what, sizeof what, "'%s' is not the code of a municipality in the "
                 "municipality table", v);
        return fail(err, path, ln, 1, COL(1), what);
    }
    int type = word_of(f[2], offer_type_name, N_OFFER_TYPES);
    if (type < 0) {
        shown(v, sizeof v, f[2]);
        snprintf(what, sizeof what, "'%s' is not temporary, longterm or housing", v);
        return fail(err, path, ln, 2, COL(2), what);
    }
    int group = -1;
    for (int g = 0; g < p->n_groups; g++)
        if (!strcmp(f[3], p->group[g].name)) group = g;
    if (group < 0) {
        shown(v, sizeof v, f[3]);
        snprintf(what, sizeof what, "'%s' is not a target group of the scenario", v);
        return fail(err, path, ln, 3, COL(3), what);
    }
    errno = 0;
    long places = strtol(f[4], &end, 10);
    if (!plain_number(f[4]) || end == f[4] || *end || errno || places < 1 ||
        places > START_PLACES_MAX) {
        shown(v, sizeof v, f[4]);
        snprintf(what, sizeof what, "'%s' is not a whole number of places from 1 to 10000", v);
        return fail(err, path, ln, 4, COL(4), what);
    }
    double tariff = 0;
    if (*f[5]) {
        errno = 0;
        tariff = strtod(f[5], &end);
        if (!plain_number(f[5]) || end == f[5] || *end || errno || !isfinite(tariff) ||
            !(tariff >= 1) || tariff > 1e6) {
            shown(v, sizeof v, f[5]);
            snprintf(what, sizeof what, "'%s' is not a tariff in DKK per day from 1 "
                     "to 1e6 in digits (or empty: cost-based)", v);
            return fail(err, path, ln, 5, COL(5), what);
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
            return fail(err, path, ln, -1, START_LINE_MAX + 1, "line longer than 1023 bytes");
        }
        memcpy(line, s, k);
        line[k] = 0;
        if (memchr(line, 0, k)) {
            free(out);
            return fail(err, path, ln, -1, (int)strlen(line) + 1, "NUL byte in the line");
        }
        if (ln == 1) {
            if (strcmp(line, header)) {
                char v[256], what[400];
                shown(v, sizeof v, line);
                snprintf(what, sizeof what, "header must be '%s', found '%s'", header, v);
                free(out);
                return fail(err, path, 1, -1, 1, what);
            }
            continue;
        }
        if (k == 0) continue;
        if (n == START_OFFERS_MAX) {
            free(out);
            return fail(err, path, ln, -1, 1, "more than 65536 offers");
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            start_offer *a = realloc(out, (size_t)cap * sizeof *a);
            if (!a) { free(out); return fail(err, path, ln, -1, 0, "out of memory"); }
            out = a;
        }
        if (parse_line(line, path, ln, p, t, &out[n], err)) { free(out); return -1; }
        n++;
    }
    if (ln == 0) return fail(err, path, 0, -1, 0, "empty file; the header is missing");
    if (n == 0) { free(out); return fail(err, path, ln, -1, 0, "no offers"); }
    t->start = out;
    t->n_start = n;
    return 0;
}

int start_offers_load(const char *path, const params *p, muni_table *t,
                      cfg_error *err)
{
    t->start = NULL;
    t->n_start = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        char what[300];
        snprintf(what, sizeof what, "cannot open: %s", strerror(errno));
        return fail(err, path, 0, -1, 0, what);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, path, 0, -1, 0, "not a regular file");
    }
    char *buf = malloc((size_t)START_FILE_MAX + 1);
    if (!buf) { close(fd); return fail(err, path, 0, -1, 0, "out of memory"); }
    size_t len = 0;
    while (len <= (size_t)START_FILE_MAX) {
        ssize_t got = read(fd, buf + len, (size_t)START_FILE_MAX + 1 - len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            char what[300];
            snprintf(what, sizeof what, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return fail(err, path, 0, -1, 0, what);
        }
        if (got == 0) break;
        len += (size_t)got;
    }
    close(fd);
    int rc = len > (size_t)START_FILE_MAX ? fail(err, path, 0, -1, 0, "larger than 1 MiB")
                                          : start_offers_parse(buf, len, path, p, t, err);
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
