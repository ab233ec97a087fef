/*
 * sim/outfile.c - output files that appear whole or not at all.
 *
 * A reader must never find a half-written file under the final name, and a
 * run must never destroy a result it was not told to replace.  So the bytes
 * go to PATH.tmp-<pid>, are flushed to the disk, and only then get the final
 * name: with renameat2(RENAME_NOREPLACE), or link() + unlink() where the
 * file system does not know that flag, both of which fail rather than
 * replace a file another process put there meanwhile.  rename() replaces,
 * and is used only when the caller says so.
 */
#define _GNU_SOURCE   /* renameat2 and RENAME_NOREPLACE (glibc 2.28) */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Long enough for any Linux path (PATH_MAX 4096) plus ".tmp-<pid>". */
#define TMP_NAME_MAX (4096 + 32)

/*
 * The temporaries being written, for the signal handlers.  This is the one
 * piece of mutable global state in the program, and it has to be: a signal
 * handler receives no argument, so what it must clean up can only be found
 * in static storage.  A name is written into its slot before the file is
 * created and the slot is armed after that; the handler reads only armed
 * slots and calls only unlink(), which is async-signal-safe.  The slot state
 * is a lock-free atomic so that a handler running on any thread (OpenMP
 * workers receive signals too) sees a fully written name.
 */
enum { SLOT_FREE, SLOT_FILLING, SLOT_ARMED };
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "a signal handler may only read lock-free atomics");
static char tmp_name[SIM_OUTFILE_MAX][TMP_NAME_MAX];
static atomic_int tmp_state[SIM_OUTFILE_MAX];

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

/* Claim a slot and write PATH.tmp-<pid> into it; the slot is armed, so the
 * name is removed on a signal even if the file is created a moment later. */
static int slot_claim(const char *path)
{
    for (int i = 0; i < SIM_OUTFILE_MAX; i++) {
        int expect = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&tmp_state[i], &expect, SLOT_FILLING))
            continue;
        int n = snprintf(tmp_name[i], TMP_NAME_MAX, "%s.tmp-%ld", path,
                         (long)getpid());
        if (n < 0 || n >= TMP_NAME_MAX) {
            atomic_store(&tmp_state[i], SLOT_FREE);
            errno = ENAMETOOLONG;
            return -1;
        }
        atomic_store(&tmp_state[i], SLOT_ARMED);
        return i;
    }
    errno = EMFILE;
    return -1;
}

static void slot_release(sim_outfile *f)
{
    if (f->slot >= 0) atomic_store(&tmp_state[f->slot], SLOT_FREE);
    f->slot = -1;
    f->tmp = NULL;
}

/* Close (if open), remove the temporary, forget it; keeps errno. */
static void discard(sim_outfile *f)
{
    int e = errno;
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    if (f->tmp) unlink(f->tmp);
    slot_release(f);
    errno = e;
}

int sim_outfile_open(sim_outfile *f, const char *path, int force, char *err,
                     size_t errlen)
{
    f->path = path;
    f->tmp = NULL;
    f->fd = -1;
    f->force = force;
    f->slot = -1;
    if (!path || !path[0]) {
        errno = ENOENT;
        return fail(err, errlen, "no output file named: %s", strerror(errno));
    }
    f->slot = slot_claim(path);
    if (f->slot < 0)
        return fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
    f->tmp = tmp_name[f->slot];
    /* The name carries our pid, so a file already under it was left by a
     * dead process with the same pid: truncating it is safe. */
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (f->fd < 0) {
        int e = errno;
        slot_release(f);
        return fail(err, errlen, "cannot create %s.tmp-%ld: %s", path,
                    (long)getpid(), strerror(e));
    }
    return 0;
}

int sim_outfile_sweep(const char *path, const char *mark)
{
    char dir[TMP_NAME_MAX], prefix[TMP_NAME_MAX + 8];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    snprintf(prefix, sizeof prefix, "%s%s", base, mark);
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t plen = strlen(prefix);
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, plen) != 0) continue;
        const char *pid = e->d_name + plen;
        if (!pid[0] || strspn(pid, "0123456789") != strlen(pid) || strlen(pid) > 9) continue;
        long p = strtol(pid, NULL, 10);
        if (p == (long)getpid() || kill((pid_t)p, 0) == 0 || errno != ESRCH) continue;
        char name[2 * TMP_NAME_MAX];
        snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
        removed += unlink(name) == 0;
    }
    closedir(d);
    return removed;
}

int sim_outfile_append(sim_outfile *f, const void *data, size_t len, char *err,
                       size_t errlen)
{
    const char *p = data;
    if (f->fd < 0) {
        errno = EBADF;
        return fail(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
    }
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            return fail(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Give TMP the name PATH without replacing anything; 0 or -1 with errno. */
static int place_noreplace(const char *tmp, const char *path)
{
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
    /* link() fails with EEXIST where a rename would replace: the same
     * guarantee, at the price of a moment with two names. */
    if (link(tmp, path) == 0) {
        unlink(tmp);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) return -1;
    /* A file system without hard links (FAT, some network shares): check,
     * then rename.  Only a file created in the microseconds between the two
     * calls could be replaced. */
    struct stat st;
    if (lstat(path, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp, path);
}

/* Flush the folder holding PATH, so that the new name survives a crash.
 * File systems that cannot flush a folder (EINVAL, ENOTSUP) or a folder we
 * may write but not read (EACCES) leave that to the system. */
static int sync_folder(const char *path)
{
    char dir[TMP_NAME_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno == EACCES ? 0 : -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && (e == EINVAL || e == ENOTSUP || e == EOPNOTSUPP)) rc = 0;
    errno = e;
    return rc;
}

int sim_outfile_commit(sim_outfile *f, char *err, size_t errlen)
{
    if (f->fd < 0 || !f->tmp) {
        errno = EBADF;
        return fail(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
    }
    /* A full disk or a lost network server often shows only here. */
    int rc = fsync(f->fd);
    if (rc != 0) {
        int e = errno;
        discard(f);
        return fail(err, errlen, "cannot write %s to disk: %s", f->path, strerror(e));
    }
    rc = close(f->fd);
    f->fd = -1;
    if (rc != 0 && errno != EINTR) {
        int e = errno;
        discard(f);
        return fail(err, errlen, "cannot write %s to disk: %s", f->path, strerror(e));
    }
    rc = f->force ? rename(f->tmp, f->path) : place_noreplace(f->tmp, f->path);
    if (rc != 0) {
        int e = errno;
        discard(f);
        if (!f->force && e == EEXIST)
            return fail(err, errlen, "%s was written by another run while this one "
                        "ran; this result was not saved (%s)", f->path, strerror(e));
        return fail(err, errlen, "cannot rename the finished file to %s: %s",
                    f->path, strerror(e));
    }
    slot_release(f);
    if (sync_folder(f->path) != 0)
        return fail(err, errlen, "%s is complete, but its folder could not be "
                    "flushed to disk: %s", f->path, strerror(errno));
    return 0;
}

void sim_outfile_abort(sim_outfile *f)
{
    discard(f);
}

int sim_outfile_write(const char *path, const void *data, size_t len, int force,
                      char *err, size_t errlen)
{
    sim_outfile f;
    if (sim_outfile_open(&f, path, force, err, errlen)) return -1;
    if (sim_outfile_append(&f, data, len, err, errlen)) {
        sim_outfile_abort(&f);
        return -1;
    }
    return sim_outfile_commit(&f, err, errlen);
}

/* ---- signals ------------------------------------------------------------ */

/* Every signal whose default action ends the process without a core dump
 * meant for debugging: any of them may arrive while a file is written. */
static const int caught[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM,
#ifdef SIGXCPU
    SIGXCPU,
#endif
#ifdef SIGXFSZ
    SIGXFSZ,
#endif
#ifdef SIGVTALRM
    SIGVTALRM,
#endif
#ifdef SIGPROF
    SIGPROF,
#endif
};

/* Remove the temporaries, then die of SIG itself, so that the parent (a
 * shell, a batch system) sees the signal and not an ordinary exit.  The
 * handler was reset to the default on entry (SA_RESETHAND); the raised
 * signal is delivered as soon as the handler returns. */
static void on_signal(int sig)
{
    int e = errno;
    for (int i = 0; i < SIM_OUTFILE_MAX; i++)
        if (atomic_load(&tmp_state[i]) == SLOT_ARMED) unlink(tmp_name[i]);
    raise(sig);
    errno = e;
}

void sim_outfile_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    /* One cleanup at a time: a second signal waits until the first is done. */
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
        struct sigaction old;
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(caught[i], &sa, NULL);
    }
}
