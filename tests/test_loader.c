/*
 * tests/test_loader.c - sim/config under hostile input: names that are not
 * names, values that are not numbers, files that are not files, documents
 * built to explode, and names that are declared by mistake.  Most scenarios
 * here live in memory and are read through cfg_load_with, the way the fuzz
 * target reads them; the file-system limits use real files in a temporary
 * folder.
 */
#include "tests/testutil.h"
#include <sys/stat.h>
#include <unistd.h>
#include "sim/config.h"

static const cfg_key table[] = {
    { "seed", CFG_INT, 1, NULL, 0, 1e9, NULL, NULL, "A", "random seed", 0 },
    { "rate", CFG_REAL, 0.5, NULL, -1e9, 1e9, NULL, "share", "A", "a rate", 0 },
    { "label", CFG_STRING, 0, "run", 0, 0, NULL, NULL, "A", "label", 0 },
    { "groups.*.incidence", CFG_REAL, 0, NULL, 0, 100, NULL, "per year", "A",
      "needs a year", CFG_REQUIRED },
    { "groups.*.size", CFG_INT, 100, NULL, 0, 1e6, NULL, "persons", "D",
      "group size", 0 },
    { "groups.special.size", CFG_INT, 5, NULL, 0, 10, NULL, "persons", "D",
      "a path in full wins over the pattern", 0 },
    { "shocks.*.kind", CFG_ENUM, 0, NULL, 0, 0, "wage|closure", "word", "A",
      "kind", CFG_REQUIRED },
    { "shocks.*.size", CFG_REAL, 0.1, NULL, -1, 10, NULL, "share", "A", "size", 0 },
};
#define N_TABLE (sizeof table / sizeof *table)

/* ---- an in-memory file map ------------------------------------------- */

typedef struct memfile { const char *name, *text; } memfile;
typedef struct memfs { const memfile *f; int n; } memfs;

static char *mem_read(void *ctx, const char *path, size_t *len, int *errnum)
{
    const memfs *fs = ctx;
    for (int i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i].name, path)) {
            *len = strlen(fs->f[i].text);
            return strdup(fs->f[i].text);
        }
    *errnum = 2;    /* ENOENT */
    return NULL;
}

static cfg *load_mem(const memfile *files, int n, cfg_error *err)
{
    memfs fs = { files, n };
    cfg_reader rd = { mem_read, &fs };
    return cfg_load_with(files[0].name, table, N_TABLE, &rd, err);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part)) fail_msg("expected \"%s\" in \"%s\"", part, text);
}

/* TEXT as main.yaml must fail with a message holding PART. */
static cfg_error fails(const char *text, const char *part)
{
    memfile f[] = { { "main.yaml", text } };
    cfg_error err;
    cfg *c = load_mem(f, 1, &err);
    if (c) {
        cfg_free(c);
        fail_msg("loaded but should have failed: %s", text);
    }
    assert_contains(err.message, part);
    assert_contains(err.message, "main.yaml");
    return err;
}

static cfg *loads(const char *text)
{
    memfile f[] = { { "main.yaml", text } };
    cfg_error err;
    cfg *c = load_mem(f, 1, &err);
    if (!c) fail_msg("should load: %s\n%s", text, err.message);
    return c;
}

/* ---- names ------------------------------------------------------------ */

static void test_star_is_not_a_name(void **state)
{
    (void)state;
    cfg_error e = fails("groups:\n  \"*\": { incidence: 1 }\n", "'*' is not a valid name");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 3);
    fails("groups.*.incidence: 1\n", "'*' is not a valid name");
    fails("shocks:\n  \"*\": { kind: wage }\n", "'*' is not a valid name");
    /* a name holding a star but not being one is an ordinary name */
    cfg *c = loads("groups:\n  a*b: { incidence: 1 }\n");
    assert_true(cfg_real(c, "groups.a*b.incidence") == 1);
    cfg_free(c);
}

static void test_control_characters(void **state)
{
    (void)state;
    cfg_error e = fails("\"\\e[31mred\": 1\n", "control character");
    assert_contains(e.message, "\\x1b[31mred");
    assert_null(strchr(e.message, '\x1b'));
    e = fails("label: \"a\\tb\"\n", "control character");
    assert_null(strchr(e.message, '\t'));
    e = fails("label: \"a\\0b\"\n", "control character");
    /* text that only looks odd is fine */
    cfg *c = loads("label: \"K\xc3\xb8" "benhavn\"\n");
    assert_string_equal(cfg_text(c, "label"), "K\xc3\xb8" "benhavn");
    cfg_free(c);
}

/* ---- numbers ------------------------------------------------------------ */

static void test_numbers_are_decimal(void **state)
{
    (void)state;
    static const char *const bad[] = { "0x10", "0x1p4", "nan", ".nan", "inf",
                                       "infinity", "1e400", " 1", "1_000",
                                       "1,5", "--1", "1e", "0b101" };
    char text[64];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "rate: \"%s\"\n", bad[i]);
        fails(text, "key 'rate'");
    }
    static const char *const good[] = { "1", "-2.5", "1e3", "+4", ".5", "5." };
    static const double value[] = { 1, -2.5, 1000, 4, 0.5, 5 };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(text, sizeof text, "rate: %s\n", good[i]);
        cfg *c = loads(text);
        assert_true(cfg_real(c, "rate") == value[i]);
        cfg_free(c);
    }
}

/* ---- declared names ------------------------------------------------------ */

static void test_required_keys(void **state)
{
    (void)state;
    /* a misspelt name is a new one without its required keys */
    cfg_error e = fails("groups:\n  autism: { incidence: 1 }\n  autsim: { size: 3 }\n",
                        "no 'autsim' is declared under 'groups'");
    assert_contains(e.message, "incidence");
    assert_contains(e.message, "if you meant 'autism', correct the name");
    assert_string_equal(e.key, "groups.autsim");
    assert_int_equal(e.line, 3);
    e = fails("shocks:\n  s1: { size: 0.2 }\n", "a new one must give kind");
    assert_contains(e.message, "kind");
    /* declared in full, a new name is fine, in the base and in a variant */
    cfg *c = loads("groups:\n  autism: { incidence: 1 }\n"
                   "variants:\n  v: { groups.adhd.incidence: 2, groups.autism.size: 7 }\n");
    cfg *v = cfg_variant(c, 0);
    assert_true(cfg_real(v, "groups.adhd.incidence") == 2);
    assert_int_equal(cfg_int(v, "groups.autism.size"), 7);
    cfg_free(v);
    cfg_free(c);
    /* a variant may not quietly create a name the base lacks */
    e = fails("groups:\n  autism: { incidence: 1 }\n"
              "variants:\n  v:\n    groups.autsim.size: 7\n",
              "variant 'v' names 'autsim'");
    assert_contains(e.message, "or did you mean 'autism'?");
    assert_int_equal(e.line, 5);
    /* the required key may come from the file extended */
    memfile f[] = { { "top.yaml", "extends: base.yaml\ngroups: { a: { size: 2 } }\n" },
                    { "base.yaml", "groups: { a: { incidence: 3 } }\n" } };
    cfg_error err;
    c = load_mem(f, 2, &err);
    if (!c) fail_msg("%s", err.message);
    assert_true(cfg_real(c, "groups.a.incidence") == 3);
    assert_int_equal(cfg_int(c, "groups.a.size"), 2);
    cfg_free(c);
}

static void test_enum_hint(void **state)
{
    (void)state;
    cfg_error e = fails("shocks:\n  s: { kind: clousre }\n", "did you mean 'closure'?");
    assert_int_equal(e.line, 2);
    e = fails("shocks:\n  s: { kind: xyz }\n", "expected one of {wage, closure}");
    if (strstr(e.message, "did you mean")) fail_msg("no hint expected: %s", e.message);
}

static void test_full_path_wins(void **state)
{
    (void)state;
    cfg *c = loads("groups:\n  special: { incidence: 1 }\n  other: { incidence: 1, size: 50 }\n");
    assert_int_equal(cfg_int(c, "groups.special.size"), 5);   /* its own default */
    assert_int_equal(cfg_int(c, "groups.other.size"), 50);
    cfg_free(c);
    fails("groups:\n  special: { incidence: 1, size: 50 }\n", "out of range [0, 10]");
}

/* ---- documents built to be large ----------------------------------------- */

static void test_alias_bomb(void **state)
{
    (void)state;
    /* One variant of 400 groups, aliased by 500 more: small as text, but
     * 400,000 keys and mappings if every use were walked without limit. */
    char *text = malloc(1 << 16);
    size_t w = (size_t)sprintf(text, "variants:\n  v0: &v0\n    groups:\n");
    for (int j = 0; j < 400; j++)
        w += (size_t)sprintf(text + w, "      g%d: { incidence: 1 }\n", j);
    for (int i = 1; i < 500; i++) w += (size_t)sprintf(text + w, "  v%d: *v0\n", i);
    memfile f[] = { { "main.yaml", text } };
    cfg_error err;
    assert_null(load_mem(f, 1, &err));
    assert_contains(err.message, "keys and mappings in one file");
    free(text);
}

static void test_too_many_variants(void **state)
{
    (void)state;
    size_t cap = 32 * (CFG_VARIANTS_MAX + 2);
    char *text = malloc(cap);
    size_t w = (size_t)sprintf(text, "variants:\n");
    for (int i = 0; i <= CFG_VARIANTS_MAX; i++)
        w += (size_t)snprintf(text + w, cap - w, "  v%d: { seed: %d }\n", i, i);
    memfile f[] = { { "main.yaml", text } };
    cfg_error err;
    assert_null(load_mem(f, 1, &err));
    assert_contains(err.message, "variants");
    free(text);
}

static void test_cycle_by_name(void **state)
{
    (void)state;
    memfile f[] = { { "a.yaml", "extends: b.yaml\nseed: 1\n" },
                    { "b.yaml", "extends: a.yaml\nseed: 2\n" } };
    cfg_error err;
    assert_null(load_mem(f, 2, &err));
    assert_contains(err.message, "extends cycle");
}

/* ---- files that are not scenario files ------------------------------------ */

static void test_not_regular_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/placesim-loader-XXXXXX", path[256], fifo[256];
    assert_non_null(mkdtemp(dir));
    cfg_error err;
    assert_null(cfg_load("/dev/zero", table, N_TABLE, &err));
    assert_contains(err.message, "not a regular file");
    assert_null(cfg_load(dir, table, N_TABLE, &err));
    assert_contains(err.message, "not a regular file");
    snprintf(fifo, sizeof fifo, "%s/fifo.yaml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(cfg_load(fifo, table, N_TABLE, &err));   /* must not block */
    assert_contains(err.message, "not a regular file");

    snprintf(path, sizeof path, "%s/big.yaml", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (long i = 0; i < CFG_FILE_MAX / 8 + 1; i++) fputs("# pad  \n", fp);
    fclose(fp);
    assert_null(cfg_load(path, table, N_TABLE, &err));
    assert_contains(err.message, "larger than");

    /* named by extends, the message also names the line that named it */
    char top[256];
    snprintf(top, sizeof top, "%s/top.yaml", dir);
    fp = fopen(top, "w");
    fprintf(fp, "extends: /dev/zero\n");
    fclose(fp);
    assert_null(cfg_load(top, table, N_TABLE, &err));
    assert_contains(err.message, "not a regular file (named by extends in ");
    assert_contains(err.message, "top.yaml:1:10");
    unlink(top);
    unlink(path);
    unlink(fifo);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_is_not_a_name),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_numbers_are_decimal),
        cmocka_unit_test(test_required_keys),
        cmocka_unit_test(test_enum_hint),
        cmocka_unit_test(test_full_path_wins),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_too_many_variants),
        cmocka_unit_test(test_cycle_by_name),
        cmocka_unit_test(test_not_regular_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
