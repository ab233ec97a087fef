/*
 * sim/journal.h - finished jobs kept on disk as they finish.
 *
 * Owns: one file of a header and job records, each record a job index and
 * the job's bytes with a CRC-32 (zlib) over both, appended and flushed to
 * the disk (fdatasync) before the next job is counted as kept; reading such
 * a file back record by record; and, on reopening one to continue it,
 * cutting off a record a kill left half-written at the end.
 *
 * A journal is not a temporary: it is kept on purpose when the process dies
 * (any signal, SIGKILL included), so a run can continue where it stopped,
 * and the caller removes it once the result it stands for is written,
 * before closing it.  While open it is locked (flock), which tells a
 * journal in use from one a stopped run left.  The
 * same format, written whole through sim/outfile, is a shard's file.
 *
 * Knows nothing of what the bytes mean: the header is a text the caller
 * writes and compares (what plan the jobs belong to), a record is a
 * caller's block (a job's slots of a sim_record, say).
 *
 * Layout, in the byte order of the machine that wrote it (a header word
 * says which, and a reader refuses the other):
 *   "placesim-journal" (16 bytes), u32 version 1, u32 0x01020304,
 *   u32 header length H, u32 CRC of the header, H bytes of header text;
 *   then records: u32 0x4A4F4221 ("JOB!"), i32 job, u64 length L,
 *   L bytes, u32 CRC of job, length and bytes.
 */
#ifndef SIM_JOURNAL_H
#define SIM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_journal {
    int   fd;       /* -1 when closed */
    char *path;     /* owned */
    long long end;  /* bytes in the file: where the next record goes */
    int no_sync;    /* 1: records are not flushed one by one (a file a stop
                     * may lose, made afresh on a restart) */
} sim_journal;

/* Called for each intact record in file order; non-zero stops the read,
 * which then returns that value. */
typedef int (*sim_journal_fn)(void *ctx, int job, const void *data, size_t len);

/* The header text of the journal at PATH (malloc'd, NUL-terminated), or
 * NULL with ERR set: missing, unreadable, not a journal, damaged header. */
char *sim_journal_header(const char *path, char *err, size_t errlen);

/* Where a record lies in its file (AT, the offset of its start), for
 * reading it back alone later (sim_journal_fetch) instead of holding its
 * bytes meanwhile; DATA and LEN are its bytes, good during the call. */
typedef int (*sim_journal_at_fn)(void *ctx, int job, long long at, const void *data,
                                 size_t len);

/* Read PATH: its header to *HEADER (malloc'd; may be NULL to skip) and every
 * intact record to FN.  A record cut short at the end, or whose CRC fails,
 * ends the read there: *INTACT_END (may be NULL) is the offset after the
 * last intact record, *DAMAGED says whether anything followed it.  Returns
 * 0, FN's non-zero value, or -1 with ERR set. */
int sim_journal_read(const char *path, char **header, sim_journal_fn fn, void *ctx,
                     long long *intact_end, int *damaged, char *err, size_t errlen);

/* sim_journal_read, giving each intact record's place to FN as well. */
int sim_journal_scan(const char *path, char **header, sim_journal_at_fn fn, void *ctx,
                     long long *intact_end, int *damaged, char *err, size_t errlen);

/* Read the record of job JOB at offset AT of the file FD (opened on PATH,
 * for messages), of LEN bytes, into BUF, checking it again (mark, job,
 * length and CRC: the file may have changed since it was scanned).
 * 0, or -1 with ERR set. */
int sim_journal_fetch(int fd, const char *path, long long at, int job, void *buf,
                      size_t len, char *err, size_t errlen);

/* Create a new journal at PATH (it must not exist: errno EEXIST then)
 * with HEADER, flushed to the disk with its folder, and locked: made under
 * PATH.new-<pid> and linked to PATH, so that PATH is never seen unlocked.
 * 0, or -1 with ERR set and nothing left (a SIGKILL in between leaves
 * PATH.new-<pid>, which the next create by that pid replaces). */
int sim_journal_create(sim_journal *j, const char *path, const char *header,
                       char *err, size_t errlen);

/* Open the journal at PATH to append, first cutting it to END (the
 * intact_end a read gave).  0, or -1 with ERR set. */
int sim_journal_reopen(sim_journal *j, const char *path, long long end,
                       char *err, size_t errlen);

/* Whether a live process holds the journal at PATH open for writing (its
 * flock); 0 for one a stopped run left, or none. */
int sim_journal_busy(const char *path);

/* Append job JOB's LEN bytes and flush them to the disk (unless no_sync); *AT (may be NULL)
 * is the record's offset, for sim_journal_fetch.  Not thread-safe: callers
 * on several threads hold a lock.  0, or -1 with ERR set. */
int sim_journal_append(sim_journal *j, int job, const void *data, size_t len,
                       long long *at, char *err, size_t errlen);

/* Close (the file stays); safe on a closed journal. */
void sim_journal_close(sim_journal *j);

/* A journal image in memory, for a file written whole (sim_outfile):
 * the header, then records added in the caller's order. */
typedef struct sim_journal_image {
    unsigned char *data;
    size_t len, cap;
} sim_journal_image;

int  sim_journal_image_start(sim_journal_image *im, const char *header);
int  sim_journal_image_add(sim_journal_image *im, int job, const void *data, size_t len);
/* Empty IM, keeping its memory: what is added next is a piece of a file
 * whose start was written before (a file written record by record). */
void sim_journal_image_rewind(sim_journal_image *im);
void sim_journal_image_free(sim_journal_image *im);

#endif
