/*
 * sim/outfile.h - output files that appear whole or not at all.
 *
 * Owns: the temporary name PATH.tmp-<pid>, getting the bytes onto the disk
 * (fsync of the file, then of its folder once the final name exists), and
 * giving the file its final name without replacing anything unless asked
 * to.  Owns the process's handlers of the signals that end it (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, ...) once sim_outfile_catch_signals()
 * is called: they remove the temporaries still being written and then die
 * of the same signal.
 *
 * Must not touch: what the bytes mean (HDF5, YAML and journals build their
 * content in memory or stream it through here), and any file other than the
 * temporary it created and the final name it was given.  It never decides
 * whether an existing result may be replaced: the caller passes FORCE.
 *
 * Every error message names the path and ends with the system's reason
 * (strerror), e.g. "cannot write out.h5.tmp-42: No space left on device".
 */
#ifndef SIM_OUTFILE_H
#define SIM_OUTFILE_H

#include <stddef.h>

/* Temporaries that may be open at the same time (e.g. a result file and a
 * journal of finished jobs).  Opening one more fails with EMFILE. */
#define SIM_OUTFILE_MAX 4

/* One file being written: opened, filled (possibly in many pieces, e.g. a
 * record per finished job), then committed or aborted.  Plain data, owned
 * by the caller; the fields are private to sim/outfile.c. */
typedef struct sim_outfile {
    const char *path;  /* final name, borrowed: must outlive the write */
    char *tmp;         /* PATH.tmp-<pid> */
    int fd;            /* -1 when closed */
    int force;         /* replace an existing PATH at commit */
    int slot;          /* index in the signal handlers' table, -1 none */
} sim_outfile;

/* Create PATH.tmp-<pid> (registered for removal on a signal first).
 * Whether an existing PATH may be replaced is the caller's to check up
 * front, in its own words; with FORCE == 0 the commit keeps a PATH that
 * exists by then, so a message there can say it appeared while this write
 * ran.  Returns 0, or -1 with ERR set and nothing left on disk. */
int sim_outfile_open(sim_outfile *f, const char *path, int force, char *err,
                     size_t errlen);

/* Remove the temporaries PATH<MARK><pid> (MARK ".tmp-" for this module's,
 * another for a caller's own, such as a journal's ".new-") of processes no
 * longer alive: a SIGKILL, which no handler sees, leaves one.  For a
 * caller that holds PATH for itself (its journal's lock), or is about to
 * take it, so that no live writer of PATH on another machine can be
 * meant.  Returns how many were removed. */
int sim_outfile_sweep(const char *path, const char *mark);

/* Append LEN bytes.  Returns 0, or -1 with ERR set (the file stays open:
 * the caller aborts it). */
int sim_outfile_append(sim_outfile *f, const void *data, size_t len, char *err,
                       size_t errlen);

/* Flush to disk and give the file its final name: without FORCE, never over
 * a PATH that appeared since the open (the other file is kept, this one is
 * removed and the call fails).  Returns 0, or -1 with ERR set; either way F
 * is closed. */
int sim_outfile_commit(sim_outfile *f, char *err, size_t errlen);

/* Close and remove the temporary; safe on a closed or failed file. */
void sim_outfile_abort(sim_outfile *f);

/* Open, append DATA and commit in one call; on failure nothing is left at
 * PATH.tmp-<pid> and an older PATH is untouched. */
int sim_outfile_write(const char *path, const void *data, size_t len, int force,
                      char *err, size_t errlen);

/* Install the handlers of the signals that end the process (a signal it
 * was started with ignored stays ignored, as for a job run with nohup or in
 * the background of a script).  Call once, early, before any thread starts. */
void sim_outfile_catch_signals(void);

#endif
