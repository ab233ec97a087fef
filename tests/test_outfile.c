/*
 * tests/test_outfile.c - sim/outfile: a file appears whole under its final
 * name or not at all, never over a file another run put there, and its
 * temporary is removed when the process is killed by SIGINT, SIGTERM or
 * SIGHUP (in a child process, which must die of that very signal).
 */
#include "tests/testutil.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sim/outfile.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/placesim-outfile-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/out.h5", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void assert_file_text(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    assert_string_equal(buf, text);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part)) fail_msg("expected \"%s\" in \"%s\"", part, text);
}

static void test_write(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    assert_int_equal(sim_outfile_write(f->path, "new", 3, 0, err, sizeof err), 0);
    assert_file_text(f->path, "new");
    assert_int_equal(count_entries(f->dir), 1);   /* no temporary left */
}

/* The race two runs onto one name: the first file stays, the second write
 * fails and says so, with the system's reason. */
static void test_keeps_file_that_appeared(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    sim_outfile o;
    assert_int_equal(sim_outfile_open(&o, f->path, 0, err, sizeof err), 0);
    assert_int_equal(sim_outfile_append(&o, "second", 6, err, sizeof err), 0);
    write_text(f->path, "first");
    assert_int_not_equal(sim_outfile_commit(&o, err, sizeof err), 0);
    assert_contains(err, "was written by another run while this one ran");
    assert_contains(err, strerror(EEXIST));
    assert_file_text(f->path, "first");
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_force_replaces(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    write_text(f->path, "old");
    assert_int_equal(sim_outfile_write(f->path, "new", 3, 1, err, sizeof err), 0);
    assert_file_text(f->path, "new");
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_missing_folder(void **state)
{
    fixture *f = *state;
    char err[256] = "", path[256];
    snprintf(path, sizeof path, "%s/missing/out.h5", f->dir);
    assert_int_not_equal(sim_outfile_write(path, "x", 1, 0, err, sizeof err), 0);
    assert_contains(err, path);
    assert_contains(err, strerror(ENOENT));
    assert_int_equal(count_entries(f->dir), 0);
}

static void test_abort_removes_temporary(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    sim_outfile o;
    assert_int_equal(sim_outfile_open(&o, f->path, 0, err, sizeof err), 0);
    assert_int_equal(sim_outfile_append(&o, "half", 4, err, sizeof err), 0);
    assert_int_equal(count_entries(f->dir), 1);
    sim_outfile_abort(&o);
    sim_outfile_abort(&o);   /* twice is harmless */
    assert_int_equal(count_entries(f->dir), 0);
}

/* Several files may be open at once, up to the table's size; a slot is
 * free again after its file is done. */
static void test_open_at_once(void **state)
{
    fixture *f = *state;
    char err[256] = "", path[SIM_OUTFILE_MAX + 1][160];
    sim_outfile o[SIM_OUTFILE_MAX + 1];
    for (int i = 0; i <= SIM_OUTFILE_MAX; i++)
        snprintf(path[i], sizeof path[i], "%s/f%d", f->dir, i);
    for (int i = 0; i < SIM_OUTFILE_MAX; i++)
        assert_int_equal(sim_outfile_open(&o[i], path[i], 0, err, sizeof err), 0);
    assert_int_not_equal(sim_outfile_open(&o[SIM_OUTFILE_MAX], path[SIM_OUTFILE_MAX],
                                          0, err, sizeof err), 0);
    assert_contains(err, strerror(EMFILE));
    for (int i = 0; i < SIM_OUTFILE_MAX; i++)
        assert_int_equal(sim_outfile_commit(&o[i], err, sizeof err), 0);
    assert_int_equal(sim_outfile_write(path[SIM_OUTFILE_MAX], "x", 1, 0, err,
                                       sizeof err), 0);
    assert_int_equal(count_entries(f->dir), SIM_OUTFILE_MAX + 1);
}

static void test_name_too_long(void **state)
{
    fixture *f = *state;
    char err[8192] = "";   /* the message names the whole path */
    size_t n = 5000;
    char *path = malloc(n + 1);
    assert_non_null(path);
    memset(path, 'a', n);
    path[n] = '\0';
    assert_int_not_equal(sim_outfile_write(path, "x", 1, 0, err, sizeof err), 0);
    assert_contains(err, strerror(ENAMETOOLONG));
    free(path);
    assert_int_equal(count_entries(f->dir), 0);
}

/* A child opens PATH, writes half of it, tells the parent and waits; the
 * parent sends SIG.  IGNORED, if not 0, is a signal the child starts with
 * ignored, as under nohup.  Returns the child's wait status. */
static int killed_child(const char *path, int sig, int ignored)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[256];
        sim_outfile o;
        close(ready[0]);
        /* Whatever the test runner ignores, the child starts from defaults. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(sig, SIG_DFL);
        if (ignored) signal(ignored, SIG_IGN);
        sim_outfile_catch_signals();
        if (sim_outfile_open(&o, path, 0, err, sizeof err) ||
            sim_outfile_append(&o, "half", 4, err, sizeof err) ||
            write(ready[1], "r", 1) != 1)
            _exit(3);
        for (;;) pause();
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    if (ignored) {
        kill(pid, ignored);
        /* Not a timing assertion: it only gives the hang-up time to land. */
        struct timespec pause_for = { 0, 100 * 1000 * 1000 };
        nanosleep(&pause_for, NULL);
    }
    kill(pid, sig);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void signal_removes_temporary(fixture *f, int sig)
{
    int status = killed_child(f->path, sig, 0);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_int_equal(count_entries(f->dir), 0);
}

static void test_sigint_removes_temporary(void **state)
{
    signal_removes_temporary(*state, SIGINT);
}

static void test_sigterm_removes_temporary(void **state)
{
    signal_removes_temporary(*state, SIGTERM);
}

static void test_sighup_removes_temporary(void **state)
{
    signal_removes_temporary(*state, SIGHUP);
}

/* Ctrl-\\, a closed pipe, the user signals and timers end a process too. */
static void test_other_signals_remove_temporary(void **state)
{
    static const int sigs[] = { SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM,
                                SIGXCPU, SIGXFSZ };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        signal_removes_temporary(*state, sigs[i]);
}

/* A job started under nohup must survive the hang-up; SIGTERM still ends
 * it and removes the temporary. */
static void test_ignored_signal_stays_ignored(void **state)
{
    fixture *f = *state;
    int status = killed_child(f->path, SIGTERM, SIGHUP);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(count_entries(f->dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keeps_file_that_appeared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_force_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_removes_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigint_removes_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_removes_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sighup_removes_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_signals_remove_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored_signal_stays_ignored, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
