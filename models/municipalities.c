/*
 * models/municipalities.c - the municipality table from CSV.
 *
 * The file is small and fixed in shape (code,name,region,population), so a
 * strict reader that names the line and column of any fault is worth more
 * than a general CSV library: names contain no commas or quotes.
 *
 * What is accepted:
 *   - an optional UTF-8 byte-order mark before the header (spreadsheets
 *     write one); lines end in LF or CRLF; empty lines are skipped;
 *   - lines of at most 1023 bytes (line end excluded), no control
 *     characters (tab and NUL included);
 *   - code: a whole number from 1 to INT_MAX, unique;
 *   - name and region: non-empty, at most 47 bytes; at most MAX_REGIONS
 *     regions and MAX_MUNIS municipalities;
 *   - population: a finite number of persons from 1 to 1e7, at most 1e8
 *     over the table (Denmark has about 6 million; inf, nan or 1e308 would
 *     make needs arise without end).
 * Anything else is an error naming file, line, column (1-based, in
 * characters, where the field starts) and column name.  Values echoed in
 * messages are shortened and their control characters shown as \xNN.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "market.h"

#define MUNI_LINE_MAX        1023          /* bytes per line, line end excluded */
#define MUNI_FILE_MAX        (1L << 20)    /* 1 MiB: Denmark's table is 3 KiB */
#define MUNI_POPULATION_MIN  1.0           /* persons in one municipality */
#define MUNI_POPULATION_MAX  1e7           /* persons in one municipality */
#define MUNI_TOTAL_MAX       1e8           /* persons in the whole table */
#define ECHO_MAX             64            /* bytes of a value shown in a message */

static const char *const columns[] = { "code", "name", "region", "population" };

/* Copy S[0..n) to OUT for a message: printable UTF-8 as it is, control
 * characters, DEL, C1 controls and malformed bytes as \xNN, a backslash as
 * \\; at most ECHO_MAX input bytes, then "...". */
/* The length of the valid, printable UTF-8 sequence at U[i] (of N bytes),
 * or 0 for a control character, a C1 control or a malformed byte. */
static size_t utf8_len(const unsigned char *u, size_t i, size_t n)
{
    unsigned char b = u[i];
    size_t len = 0;
    if (b >= 0x20 && b < 0x7f) return 1;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    if (!len || i + len > n) return 0;
    for (size_t k = 1; k < len; k++)
        if ((u[i + k] & 0xc0) != 0x80) return 0;
    if (len == 2 && b == 0xc2 && u[i + 1] < 0xa0) return 0;          /* C1 */
    if (len == 3 && ((b == 0xe0 && u[i + 1] < 0xa0) ||                /* overlong */
                     (b == 0xed && u[i + 1] >= 0xa0))) return 0;      /* surrogate */
    if (len == 4 && ((b == 0xf0 && u[i + 1] < 0x90) ||
                     (b == 0xf4 && u[i + 1] >= 0x90))) return 0;
    return len;
}

/* 1 when the N bytes at S are printable UTF-8 throughout. */
static int utf8_text(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len)
        if (!(len = utf8_len(u, i, n))) return 0;
    return 1;
}

static void echo(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0, i = 0, shown = n > ECHO_MAX ? ECHO_MAX : n;
    const unsigned char *u = (const unsigned char *)s;
    while (i < shown && o + 8 < cap) {
        unsigned char b = u[i];
        size_t len = utf8_len(u, i, n);
        if (len == 1 && b == '\\') {
            out[o++] = '\\'; out[o++] = '\\'; i++;
        } else if (len > 0) {
            memcpy(out + o, s + i, len); o += len; i += len;
        } else {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02X", b); i++;
        }
    }
    if (i < n && o + 4 < cap) { memcpy(out + o, "...", 3); o += 3; }
    out[o] = 0;
}

/* 1-based column, in characters, of byte OFF of the line starting at LINE. */
static int char_column(const char *line, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)line[i] & 0xc0) != 0x80) col++;
    return col;
}

/* Fill ERR.  COL is the column name's index or -1; CHAR_COL the 1-based
 * character column or 0 when not known. */
static int csv_fail(cfg_error *err, const char *path, int line, int col,
                    int char_col, const char *fmt, const char *detail)
{
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = line;
    err->column = line > 0 ? char_col : 0;
    snprintf(err->key, sizeof err->key, "%s", col >= 0 ? columns[col] : "");
    char what[440], where[544];   /* both fit in err->message */
    int n = snprintf(what, sizeof what, fmt, detail);
    if (line > 0 && char_col > 0)
        n = snprintf(where, sizeof where, "%s:%d:%d", path, line, char_col);
    else if (line > 0)
        n = snprintf(where, sizeof where, "%s:%d", path, line);
    else
        n = snprintf(where, sizeof where, "%s", path);
    if (col >= 0)
        n = snprintf(err->message, sizeof err->message, "%s: column '%s': %s",
                     where, columns[col], what);
    else
        n = snprintf(err->message, sizeof err->message, "%s: %s", where, what);
    (void)n;   /* a message cut at its buffer's end is still the message */
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

typedef struct row {
    const char *path, *line;   /* LINE: the row's first byte */
    int ln;
    cfg_error *err;
    uint32_t *name_hash;       /* one per municipality read so far */
} row;

/* FNV-1a: the duplicate-name check compares hashes before names. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Fail on field F (column index COL) of row R, echoing the field. */
static int field_fail(const row *r, int col, const char *field, const char *fmt)
{
    char shown[ECHO_MAX * 4 + 8];
    echo(shown, sizeof shown, field, strlen(field));
    return csv_fail(r->err, r->path, r->ln, col,
                    char_column(r->line, (size_t)(field - r->line)), fmt, shown);
}

/* A control character (NUL included) in the LEN bytes of row R is an error
 * of the field that holds it. */
static int control_check(const char *line, size_t len, const row *r)
{
    size_t start = 0;
    int field = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)line[i];
        if (b == ',') { start = i + 1; field++; continue; }
        if (b >= 0x20 && b != 0x7f) continue;
        const char *end = memchr(line + start, ',', len - start);
        size_t flen = end ? (size_t)(end - line) - start : len - start;
        char shown[ECHO_MAX * 4 + 8], what[ECHO_MAX * 4 + 64];
        echo(shown, sizeof shown, line + start, flen);
        char ch[16];
        echo(ch, sizeof ch, line + i, 1);
        snprintf(what, sizeof what, "control character %s in '%s'", ch, shown);
        return csv_fail(r->err, r->path, r->ln, field < 4 ? field : -1,
                        char_column(line, start), "%s", what);
    }
    return 0;
}

/* LINE holds LEN bytes (no line end, no control characters) and is
 * NUL-terminated; it is split in place. */
static int parse_row(muni_table *t, char *line, size_t len, const row *r)
{
    char *f[4];
    int n = 0;
    for (char *s = line; ; ) {
        if (n == 4)   /* a fifth field starts here */
            return csv_fail(r->err, r->path, r->ln, -1,
                            char_column(line, (size_t)(s - line)), "%s",
                            "more than 4 fields; expected code,name,region,population "
                            "(no field may hold a comma: a thousands separator?)");
        f[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma) break;
        *comma = 0;
        s = comma + 1;
    }
    if (n != 4)
        return csv_fail(r->err, r->path, r->ln, -1, char_column(line, len),
                        "%s", n == 1 ? "expected 4 fields: code,name,region,population"
                                     : "fewer than 4 fields; expected code,name,region,population");
    muni_info *mi = &t->m[t->n];
    char *end;
    errno = 0;
    long long code = strtoll(f[0], &end, 10);
    if (end == f[0] || *end)
        return field_fail(r, 0, f[0], "not a whole number: '%s'");
    if (errno == ERANGE || code < 1 || code > INT_MAX)
        return field_fail(r, 0, f[0], "municipality code '%s' is outside 1 to 2147483647");
    for (int i = 0; i < t->n; i++)
        if (t->m[i].code == code)
            return field_fail(r, 0, f[0], "duplicate municipality code '%s'");
    if (!*f[1]) return field_fail(r, 1, f[1], "empty name%s");
    if (strlen(f[1]) >= sizeof mi->name)
        return field_fail(r, 1, f[1], "name '%s' is longer than 47 bytes");
    /* Names go into the result file as UTF-8 and into messages: a table
     * saved in a Windows code page ("K\xF8benhavn") is refused here. */
    if (!utf8_text(f[1], strlen(f[1])))
        return field_fail(r, 1, f[1], "name '%s' is not UTF-8 text; save the "
                          "table as CSV in UTF-8");
    uint32_t h = name_hash(f[1]);
    for (int i = 0; i < t->n; i++)
        if (r->name_hash[i] == h && !strcmp(t->m[i].name, f[1]))
            return field_fail(r, 1, f[1], "duplicate municipality name '%s'");
    r->name_hash[t->n] = h;
    if (!*f[2]) return field_fail(r, 2, f[2], "empty region%s");
    /* shocks name a region or "all": a region of that name would be both */
    if (!strcmp(f[2], "all"))
        return field_fail(r, 2, f[2], "'%s' is reserved (a shock's region: all "
                          "means every region)");
    if (!utf8_text(f[2], strlen(f[2])))
        return field_fail(r, 2, f[2], "region '%s' is not UTF-8 text; save the "
                          "table as CSV in UTF-8");
    if (strlen(f[2]) >= sizeof t->region_name[0])
        return field_fail(r, 2, f[2], "region '%s' is longer than 47 bytes");
    /* A count of persons in digits (1e4 allowed).  A '.' or ',' is refused
     * outright: Danish "12.000" would otherwise read as 12 persons. */
    size_t digits = strspn(f[3], "0123456789");
    if (digits && (f[3][digits] == 'e' || f[3][digits] == 'E')) {
        size_t at = digits + 1 + (f[3][digits + 1] == '+');
        size_t exp = strspn(f[3] + at, "0123456789");
        digits = exp ? at + exp : 0;
    }
    if (!digits || f[3][digits])
        return field_fail(r, 3, f[3], "not a number: '%s'; write the population "
                          "as a whole number of persons in digits, without a "
                          "thousands separator (e.g. 632340)");
    double pop = strtod(f[3], &end);
    if (!isfinite(pop) || !(pop >= MUNI_POPULATION_MIN) || pop > MUNI_POPULATION_MAX)
        return field_fail(r, 3, f[3], "population '%s' is outside 1 to 1e7 persons");
    double total = pop;
    for (int i = 0; i < t->n; i++) total += t->m[i].population;
    if (total > MUNI_TOTAL_MAX)
        return field_fail(r, 3, f[3], "population '%s' takes the table above 1e8 persons");
    mi->code = (int)code;
    snprintf(mi->name, sizeof mi->name, "%s", f[1]);
    mi->region = region_index(t, f[2]);
    if (mi->region < 0)
        return field_fail(r, 2, f[2], "more than 8 regions at '%s'");
    mi->population = pop;
    t->n++;
    return 0;
}

int muni_table_parse(const char *text, size_t len, const char *path,
                     muni_table *t, cfg_error *err)
{
    static const char header[] = "code,name,region,population";
    memset(t, 0, sizeof *t);
    if (!path) path = "(municipalities)";
    if (!text) len = 0;
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;   /* BOM */
    char line[MUNI_LINE_MAX + 1];
    uint32_t hashes[MAX_MUNIS];
    int ln = 0;
    while (pos < len) {
        ln++;
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl != NULL);
        if (n > 0 && start[n - 1] == '\r') n--;
        if (n > MUNI_LINE_MAX)
            return csv_fail(err, path, ln, -1, char_column(start, MUNI_LINE_MAX),
                            "%s", "line longer than 1023 bytes");
        memcpy(line, start, n);
        line[n] = 0;
        if (ln == 1) {
            if (n != sizeof header - 1 || memcmp(line, header, n) != 0) {
                char shown[ECHO_MAX * 4 + 8];
                echo(shown, sizeof shown, line, n);
                char what[ECHO_MAX * 4 + 80];
                snprintf(what, sizeof what, "'%s'%s", shown, memchr(line, ';', n)
                         ? " (separate the columns with commas, not semicolons)"
                         : "");
                return csv_fail(err, path, 1, -1, 1,
                                "header must be 'code,name,region,population', found %s",
                                what);
            }
            continue;
        }
        if (n == 0) continue;
        if (t->n == MAX_MUNIS)
            return csv_fail(err, path, ln, -1, 1, "%s", "more than 128 municipalities");
        row r = { path, line, ln, err, hashes };
        if (control_check(line, n, &r) || parse_row(t, line, n, &r)) return -1;
    }
    if (ln == 0)
        return csv_fail(err, path, 0, -1, 0, "%s",
                        "empty file; the header 'code,name,region,population' is missing");
    if (t->n == 0)
        return csv_fail(err, path, ln, -1, 0, "%s", "no municipalities");
    return 0;
}

int muni_table_bind(const cfg *c, params *p, const muni_table *t, cfg_error *err)
{
    int region_of[MAX_MUNIS], code[MAX_MUNIS];
    for (int i = 0; i < t->n; i++) {
        region_of[i] = t->m[i].region;
        code[i] = t->m[i].code;
    }
    params_regions r = { (const char (*)[48])t->region_name, t->n_regions,
                         region_of, code, t->n };
    return params_bind_regions(c, p, &r, err);
}

int muni_table_load(const char *path, muni_table *t, cfg_error *err)
{
    memset(t, 0, sizeof *t);
    /* O_NONBLOCK: a FIFO must not block the open before it is refused */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return csv_fail(err, path, 0, -1, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return csv_fail(err, path, 0, -1, 0, "%s", "not a regular file");
    }
    if (st.st_size > MUNI_FILE_MAX) {
        close(fd);
        return csv_fail(err, path, 0, -1, 0, "%s", "larger than 1 MiB");
    }
    /* read one byte past the limit, in case the file grew since fstat */
    char *buf = malloc((size_t)MUNI_FILE_MAX + 1);
    if (!buf) {
        close(fd);
        return csv_fail(err, path, 0, -1, 0, "%s", "out of memory");
    }
    size_t len = 0;
    while (len <= (size_t)MUNI_FILE_MAX) {
        ssize_t got = read(fd, buf + len, (size_t)MUNI_FILE_MAX + 1 - len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return csv_fail(err, path, 0, -1, 0, "cannot read: %s", strerror(e));
        }
        if (got == 0) break;
        len += (size_t)got;
    }
    close(fd);
    int rc = len > (size_t)MUNI_FILE_MAX
           ? csv_fail(err, path, 0, -1, 0, "%s", "larger than 1 MiB")
           : muni_table_parse(buf, len, path, t, err);
    free(buf);
    return rc;
}
