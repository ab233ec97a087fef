/*
 * sim/journal.c - finished jobs kept on disk as they finish.
 *
 * A record is written with one write() and then fdatasync(): a kill at
 * any moment leaves every earlier record whole and at most one torn record
 * at the end, which the CRC or the short length gives away.  Reading stops
 * at the first record that is not whole, so a torn tail costs exactly the
 * job that was being written, and reopening cuts it off before appending.
 *
 * The process writing a journal holds an exclusive flock on it for as long
 * as it is open.  The kernel drops the lock when the process dies, however
 * it dies, so a journal nobody holds was left by a stopped run, and one
 * that is held belongs to a run still going (sim_journal_busy).
 */
#define _GNU_SOURCE   /* flock; renameat2 and RENAME_NOREPLACE (glibc 2.28) */
#include "journal.h"
#include "outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC        "placesim-journal"   /* 16 bytes, no NUL in the file */
#define MAGIC_LEN    16
#define VERSION      1u
#define ORDER_MARK   0x01020304u
#define RECORD_MARK  0x4A4F4221u
#define HEAD_FIXED   (MAGIC_LEN + 4 * 4)
#define REC_FIXED    (4 + 4 + 8)
/* A header longer than this is not one this program wrote. */
#define HEADER_MAX   (1u << 20)

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static uint32_t crc_of(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {   /* zlib takes a uInt at a time */
        uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = (uint32_t)crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return crc;
}

static uint32_t record_crc(int32_t job, uint64_t len, const void *data)
{
    uint32_t c = (uint32_t)crc32(0L, Z_NULL, 0);
    c = crc_of(c, &job, sizeof job);
    c = crc_of(c, &len, sizeof len);
    return crc_of(c, data, (size_t)len);
}

/* ---- images: a header and records in memory ---------------------------- */

static int image_put(sim_journal_image *im, const void *data, size_t len)
{
    if (len > SIZE_MAX - im->len) return -1;
    if (im->len + len > im->cap) {
        size_t cap = im->cap ? im->cap : 4096;
        while (cap < im->len + len) {
            if (cap > SIZE_MAX / 2) return -1;
            cap *= 2;
        }
        unsigned char *d = realloc(im->data, cap);
        if (!d) return -1;
        im->data = d;
        im->cap = cap;
    }
    memcpy(im->data + im->len, data, len);
    im->len += len;
    return 0;
}

int sim_journal_image_start(sim_journal_image *im, const char *header)
{
    memset(im, 0, sizeof *im);
    size_t h = strlen(header);
    if (h > HEADER_MAX) return -1;
    uint32_t fixed[4] = { VERSION, ORDER_MARK, (uint32_t)h,
                          crc_of((uint32_t)crc32(0L, Z_NULL, 0), header, h) };
    if (image_put(im, MAGIC, MAGIC_LEN) || image_put(im, fixed, sizeof fixed) ||
        image_put(im, header, h)) {
        sim_journal_image_free(im);
        return -1;
    }
    return 0;
}

int sim_journal_image_add(sim_journal_image *im, int job, const void *data, size_t len)
{
    uint32_t mark = RECORD_MARK;
    int32_t j = job;
    uint64_t l = len;
    uint32_t crc = record_crc(j, l, data);
    return image_put(im, &mark, sizeof mark) || image_put(im, &j, sizeof j) ||
           image_put(im, &l, sizeof l) || image_put(im, data, len) ||
           image_put(im, &crc, sizeof crc) ? -1 : 0;
}

void sim_journal_image_rewind(sim_journal_image *im)
{
    im->len = 0;
}

void sim_journal_image_free(sim_journal_image *im)
{
    free(im->data);
    memset(im, 0, sizeof *im);
}

/* ---- reading ------------------------------------------------------------- */

/* Read exactly LEN bytes at the file position; 1 whole, 0 short (end of
 * file), -1 error. */
static int read_all(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

/* The header of the open file FD (positioned at 0) into *OUT. */
static int read_header(int fd, const char *path, char **out, char *err, size_t errlen)
{
    unsigned char fixed[HEAD_FIXED];
    int got = read_all(fd, fixed, sizeof fixed);
    if (got < 0) return fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
    if (got == 0 || memcmp(fixed, MAGIC, MAGIC_LEN) != 0)
        return fail(err, errlen, "%s is not a placesim journal of jobs", path);
    uint32_t w[4];
    memcpy(w, fixed + MAGIC_LEN, sizeof w);
    if (w[1] != ORDER_MARK)
        return fail(err, errlen, "%s was written on a machine of another byte order", path);
    if (w[0] != VERSION)
        return fail(err, errlen, "%s is a journal of version %u; this program reads "
                    "version %u", path, (unsigned)w[0], VERSION);
    if (w[2] > HEADER_MAX)
        return fail(err, errlen, "%s: damaged header (length %u)", path, (unsigned)w[2]);
    char *h = malloc((size_t)w[2] + 1);
    if (!h) return fail(err, errlen, "out of memory reading %s", path);
    got = read_all(fd, h, w[2]);
    if (got <= 0) {
        free(h);
        return got < 0 ? fail(err, errlen, "cannot read %s: %s", path, strerror(errno))
                       : fail(err, errlen, "%s: the header is cut short", path);
    }
    h[w[2]] = '\0';
    if (crc_of((uint32_t)crc32(0L, Z_NULL, 0), h, w[2]) != w[3]) {
        free(h);
        return fail(err, errlen, "%s: damaged header (CRC)", path);
    }
    if (out) *out = h;
    else free(h);
    return 0;
}

char *sim_journal_header(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *h = NULL;
    read_header(fd, path, &h, err, errlen);
    close(fd);
    return h;
}

/* The body of sim_journal_read (FN) and sim_journal_scan (AT_FN). */
static int read_records(const char *path, char **header, sim_journal_fn fn,
                        sim_journal_at_fn at_fn, void *ctx, long long *intact_end,
                        int *damaged, char *err, size_t errlen)
{
    if (header) *header = NULL;
    if (damaged) *damaged = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
    char *h = NULL;
    if (read_header(fd, path, &h, err, errlen)) {
        close(fd);
        return -1;
    }
    long long end = (long long)HEAD_FIXED + (long long)strlen(h);
    int rc = 0, torn = 0;
    void *buf = NULL;
    size_t cap = 0;
    for (;;) {
        unsigned char fixed[REC_FIXED];
        int got = read_all(fd, fixed, sizeof fixed);
        if (got < 0) { rc = fail(err, errlen, "cannot read %s: %s", path, strerror(errno)); break; }
        if (got == 0) {
            /* a whole end of file, or a few bytes of a torn record */
            off_t at = lseek(fd, 0, SEEK_CUR);
            torn = at > end;
            break;
        }
        uint32_t mark;
        int32_t job;
        uint64_t len;
        memcpy(&mark, fixed, 4);
        memcpy(&job, fixed + 4, 4);
        memcpy(&len, fixed + 8, 8);
        struct stat st;
        if (mark != RECORD_MARK || job < 0 || fstat(fd, &st) != 0 ||
            len > (uint64_t)st.st_size) { torn = 1; break; }
        if (len + 4 > cap) {
            void *b = realloc(buf, (size_t)len + 4);
            if (!b) { rc = fail(err, errlen, "out of memory reading %s", path); break; }
            buf = b;
            cap = (size_t)len + 4;
        }
        got = read_all(fd, buf, (size_t)len + 4);
        if (got < 0) { rc = fail(err, errlen, "cannot read %s: %s", path, strerror(errno)); break; }
        if (got == 0) { torn = 1; break; }
        uint32_t crc;
        memcpy(&crc, (unsigned char *)buf + len, 4);
        if (crc != record_crc(job, len, buf)) { torn = 1; break; }
        if (fn && (rc = fn(ctx, job, buf, (size_t)len)) != 0) break;
        if (at_fn && (rc = at_fn(ctx, job, end, buf, (size_t)len)) != 0) break;
        end += REC_FIXED + (long long)len + 4;
    }
    free(buf);
    close(fd);
    if (rc == 0 && intact_end) *intact_end = end;
    if (damaged) *damaged = torn;
    if (header && rc == 0) *header = h;
    else free(h);
    return rc;
}

int sim_journal_read(const char *path, char **header, sim_journal_fn fn, void *ctx,
                     long long *intact_end, int *damaged, char *err, size_t errlen)
{
    return read_records(path, header, fn, NULL, ctx, intact_end, damaged, err, errlen);
}

int sim_journal_scan(const char *path, char **header, sim_journal_at_fn fn, void *ctx,
                     long long *intact_end, int *damaged, char *err, size_t errlen)
{
    return read_records(path, header, NULL, fn, ctx, intact_end, damaged, err, errlen);
}

int sim_journal_fetch(int fd, const char *path, long long at, int job, void *buf,
                      size_t len, char *err, size_t errlen)
{
    unsigned char fixed[REC_FIXED], tail[4];
    size_t got = 0;
    /* pread: the descriptor's position is not shared state */
    for (int part = 0; part < 3; part++) {
        unsigned char *p = part == 0 ? fixed : part == 1 ? buf : tail;
        size_t n = part == 0 ? REC_FIXED : part == 1 ? len : 4;
        off_t from = (off_t)at + (off_t)(part == 0 ? 0 : part == 1 ? REC_FIXED : REC_FIXED + len);
        for (got = 0; got < n;) {
            ssize_t k = pread(fd, p + got, n - got, from + (off_t)got);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) return fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
            if (k == 0) return fail(err, errlen, "%s is shorter than when it was read", path);
            got += (size_t)k;
        }
    }
    uint32_t mark, crc;
    int32_t jb;
    uint64_t l;
    memcpy(&mark, fixed, 4);
    memcpy(&jb, fixed + 4, 4);
    memcpy(&l, fixed + 8, 8);
    memcpy(&crc, tail, 4);
    if (mark != RECORD_MARK || jb != job || l != (uint64_t)len || crc != record_crc(jb, l, buf))
        return fail(err, errlen, "%s: job %d changed since it was read (damaged?)", path, job);
    return 0;
}

/* ---- writing ------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync PATH's folder, so that a new name survives a crash. */
static int sync_folder(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int sim_journal_create(sim_journal *j, const char *path, const char *header,
                       char *err, size_t errlen)
{
    j->fd = -1;
    j->path = strdup(path);
    if (!j->path) return fail(err, errlen, "out of memory");
    sim_journal_image im;
    if (sim_journal_image_start(&im, header)) {
        sim_journal_close(j);
        return fail(err, errlen, "out of memory");
    }
    /* Made whole and locked under a name of its own, then linked to PATH
     * (which fails if PATH exists): so whoever finds PATH finds it locked
     * and with its header, never in the moment between create and lock. */
    char *fresh = malloc(strlen(path) + 32);
    int rc = fresh ? 0 : -1;
    if (fresh) {
        sprintf(fresh, "%s.new-%ld", path, (long)getpid());
        unlink(fresh);   /* a dead process's of our pid */
        sim_outfile_sweep(path, ".new-");   /* and those of other dead processes */
        j->fd = open(fresh, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        rc = j->fd < 0 ? -1 : 0;
    }
    if (rc == 0 && (flock(j->fd, LOCK_EX | LOCK_NB) != 0 ||
                    write_all(j->fd, im.data, im.len) || fdatasync(j->fd))) {
        int e = errno;
        unlink(fresh);
        errno = e;
        rc = -1;
    }
    if (rc == 0) {
        rc = link(fresh, path);   /* EEXIST: another run's */
        struct stat st;
        if (rc != 0 && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)) {
            /* no hard links (FAT, some network shares): a rename that does
             * not replace, or else check, then rename */
#ifdef RENAME_NOREPLACE
            rc = renameat2(AT_FDCWD, fresh, AT_FDCWD, path, RENAME_NOREPLACE);
            if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
#endif
            {
                if (lstat(path, &st) == 0) errno = EEXIST;
                else rc = rename(fresh, path);
            }
        }
        int e = errno;
        unlink(fresh);
        errno = e;
    }
    if (rc == 0 && sync_folder(path)) {
        int e = errno;
        unlink(path);
        errno = e;
        rc = -1;
    }
    free(fresh);
    j->end = (long long)im.len;
    sim_journal_image_free(&im);
    if (rc) {
        int e = errno;
        sim_journal_close(j);
        errno = e;
        return fail(err, errlen, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

int sim_journal_busy(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);   /* drops the lock if we took it */
    return busy;
}

int sim_journal_reopen(sim_journal *j, const char *path, long long end,
                       char *err, size_t errlen)
{
    j->fd = -1;
    j->path = strdup(path);
    if (!j->path) return fail(err, errlen, "out of memory");
    j->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (j->fd >= 0 && flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
        close(j->fd);
        j->fd = -1;
        free(j->path);
        j->path = NULL;
        return fail(err, errlen, "another run is writing %s now", path);
    }
    j->end = end;
    if (j->fd < 0 || ftruncate(j->fd, (off_t)end) || fdatasync(j->fd) ||
        lseek(j->fd, 0, SEEK_END) < 0) {
        int e = errno;
        sim_journal_close(j);
        return fail(err, errlen, "cannot continue %s: %s", path, strerror(e));
    }
    return 0;
}

int sim_journal_append(sim_journal *j, int job, const void *data, size_t len,
                       long long *at, char *err, size_t errlen)
{
    if (j->fd < 0) return fail(err, errlen, "journal not open");
    uint32_t mark = RECORD_MARK;
    int32_t jb = job;
    uint64_t l = len;
    uint32_t crc = record_crc(jb, l, data);
    unsigned char fixed[REC_FIXED];
    memcpy(fixed, &mark, 4);
    memcpy(fixed + 4, &jb, 4);
    memcpy(fixed + 8, &l, 8);
    /* one buffer, one write: the record is whole or torn at the end */
    unsigned char *rec = malloc(REC_FIXED + len + 4);
    if (!rec) return fail(err, errlen, "out of memory writing %s", j->path);
    memcpy(rec, fixed, REC_FIXED);
    memcpy(rec + REC_FIXED, data, len);
    memcpy(rec + REC_FIXED + len, &crc, 4);
    int rc = write_all(j->fd, rec, REC_FIXED + len + 4) || (!j->no_sync && fdatasync(j->fd));
    int e = errno;
    free(rec);
    if (rc) {
        /* a part written may stay: the file's end is where it is now */
        off_t now = lseek(j->fd, 0, SEEK_END);
        if (now >= 0) j->end = (long long)now;
        return fail(err, errlen, "cannot write %s: %s", j->path, strerror(e));
    }
    if (at) *at = j->end;
    j->end += (long long)(REC_FIXED + len + 4);
    return 0;
}

void sim_journal_close(sim_journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
    free(j->path);
    j->path = NULL;
}
