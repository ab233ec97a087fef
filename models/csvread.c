/*
 * models/csvread.c - shared by the optional CSV tables (see csvread.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvread.h"

int csvread_fail(cfg_error *err, const char *path, int line, const char *col,
                 int char_col, const char *what)
{
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = line;
    err->column = char_col;
    snprintf(err->key, sizeof err->key, "%s", col ? col : "");
    /* FILE[:LINE[:COL]]: [column 'NAME': ]WHAT; a message cut at its
     * buffer's end is still the message */
    char at[32] = "", name[64] = "";
    if (line > 0 && char_col > 0) snprintf(at, sizeof at, ":%d:%d", line, char_col);
    else if (line > 0) snprintf(at, sizeof at, ":%d", line);
    if (col) snprintf(name, sizeof name, "column '%s': ", col);
    int n = snprintf(err->message, sizeof err->message, "%s%s: %s%s", path, at, name, what);
    (void)n;
    return -1;
}

void csvread_shown(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < cap && i < 48; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7f) out[o++] = (char)b;
        else o += (size_t)snprintf(out + o, cap - o, "\\x%02X", b);
    }
    out[o] = 0;
}

int csvread_plain_number(const char *s, int neg)
{
    int start = (s[0] >= '0' && s[0] <= '9') ||
                (neg && s[0] == '-' && s[1] >= '0' && s[1] <= '9');
    return start && !strpbrk(s, "xX");
}

int csvread_file(const char *path, size_t max, char **buf, size_t *len,
                 cfg_error *err)
{
    char what[300];
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: a FIFO must not block the open before it is refused */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(what, sizeof what, "cannot open: %s", strerror(errno));
        return csvread_fail(err, path, 0, NULL, 0, what);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return csvread_fail(err, path, 0, NULL, 0, "not a regular file");
    }
    char *b = malloc(max + 1);
    if (!b) { close(fd); return csvread_fail(err, path, 0, NULL, 0, "out of memory"); }
    size_t n = 0;
    while (n <= max) {   /* one byte past the limit: the file may have grown */
        ssize_t got = read(fd, b + n, max + 1 - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            snprintf(what, sizeof what, "cannot read: %s", strerror(errno));
            free(b);
            close(fd);
            return csvread_fail(err, path, 0, NULL, 0, what);
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (n > max) {
        free(b);
        snprintf(what, sizeof what, "larger than %zu bytes", max);
        return csvread_fail(err, path, 0, NULL, 0, what);
    }
    *buf = b;
    *len = n;
    return 0;
}
