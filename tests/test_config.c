/*
 * tests/test_config.c - sim/config: loading, validation messages, extends,
 * variants and the resolved-YAML round trip, on fixtures in tests/data/config.
 * Run from the repository root: fixture paths are relative to it.
 */
#include "tests/testutil.h"
#include <math.h>
#include <unistd.h>
#include "sim/config.h"

#define DATA "tests/data/config/"

static const cfg_key table[] = {
    { "seed", CFG_INT, 1, NULL, 0, 1e9, NULL, NULL, "A", "random seed", 0 },
    { "years", CFG_REAL, 10, NULL, 0.5, 100, NULL, "years", "A", "horizon", 0 },
    { "costs.wage_per_hour", CFG_REAL, 250, NULL, 0, 10000, NULL, "DKK/hour",
      "R", "wage", 0 },
    { "costs.overhead", CFG_REAL, 0.2, NULL, 0, 1, NULL, "share", "A",
      "overhead on wages", 0 },
    { "market.matching", CFG_ENUM, 0, "queue", 0, 0, "queue|random|ranked",
      NULL, "A", "matching rule", 0 },
    { "market.enabled", CFG_BOOL, 1, NULL, 0, 1, NULL, NULL, "A", "market on", 0 },
    { "output.label", CFG_STRING, 0, "run", 0, 0, NULL, NULL, "A", "label", 0 },
    { "data.municipalities", CFG_STRING, 0, "municipalities.csv", 0, 0, NULL,
      NULL, "D", "municipality table", 0 },
    { "groups.*.narrow", CFG_REAL, 0.5, NULL, 0, 1, NULL, "share", "R",
      "narrow share", 0 },
    { "groups.*.size", CFG_INT, 100, NULL, 0, 1e6, NULL, "persons", "D",
      "group size", 0 },
    { "groups.*.weights", CFG_REAL_LIST, 0, "[0.25, 0.75]", 0, 1, NULL,
      "share", "A", "weights", 0 },
};
#define N_TABLE (sizeof table / sizeof *table)

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("expected \"%s\" in \"%s\"", part, text);
}

static cfg *load_ok(const char *path)
{
    cfg_error err;
    cfg *c = cfg_load(path, table, N_TABLE, &err);
    if (!c) fail_msg("loading %s failed: %s", path, err.message);
    return c;
}

/* Loads PATH expecting failure at FILE:LINE:COL about KEY. */
static cfg_error load_fails(const char *path, const char *file, int line,
                            int col, const char *key)
{
    cfg_error err;
    cfg *c = cfg_load(path, table, N_TABLE, &err);
    if (c) {
        cfg_free(c);
        fail_msg("%s loaded but should have failed", path);
    }
    assert_string_equal(err.file, file);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_string_equal(err.key, key);
    return err;
}

static void test_good_file(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "good.yaml");
    double w[CFG_LIST_MAX];
    assert_int_equal(cfg_int(c, "seed"), 42);
    assert_true(cfg_real(c, "years") == 12.5);
    assert_true(cfg_real(c, "costs.wage_per_hour") == 310.5);
    assert_string_equal(cfg_text(c, "market.matching"), "ranked");
    assert_int_equal(cfg_bool(c, "market.enabled"), 0);
    assert_string_equal(cfg_text(c, "output.label"), "Danish baseline: 2024");
    assert_true(cfg_real(c, "groups.autism.narrow") == 0.3);
    assert_int_equal(cfg_int(c, "groups.autism.size"), 1200);
    assert_int_equal(cfg_list(c, "groups.autism.weights", w, CFG_LIST_MAX), 3);
    assert_true(w[0] == 0.1 && w[1] == 0.2 && w[2] == 0.7);
    assert_int_equal(cfg_list(c, "groups.developmental.weights", w, 1), 2);
    assert_true(w[0] == 0.5);
    assert_string_equal(cfg_dir(c), "tests/data/config");
    char path[256];
    cfg_path(c, "data.municipalities", path, sizeof path);
    assert_string_equal(path, "tests/data/config/../muni.csv");
    assert_int_equal(cfg_get_unknown_count(c), 0);
    cfg_free(c);
}

static void test_defaults(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "good.yaml");
    double w[CFG_LIST_MAX];
    assert_true(cfg_real(c, "costs.overhead") == 0.2);
    assert_true(cfg_real(c, "groups.developmental.narrow") == 0.5);
    assert_int_equal(cfg_int(c, "groups.developmental.size"), 100);
    assert_int_equal(cfg_list(c, "groups.other.weights", w, CFG_LIST_MAX), 2);
    assert_true(w[0] == 0.25 && w[1] == 0.75);
    assert_int_equal(cfg_get_unknown_count(c), 0);
    cfg_free(c);

    c = load_ok(DATA "base.yaml");
    assert_string_equal(cfg_text(c, "market.matching"), "queue");
    assert_int_equal(cfg_bool(c, "market.enabled"), 1);
    assert_string_equal(cfg_text(c, "output.label"), "run");
    char path[256];
    cfg_path(c, "data.municipalities", path, sizeof path);
    assert_string_equal(path, "tests/data/config/municipalities.csv");
    assert_int_equal(cfg_get_unknown_count(c), 0);
    cfg_free(c);
}

static void test_extends_chain(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "chain/top.yaml");
    assert_int_equal(cfg_int(c, "seed"), 1);                     /* base */
    assert_true(cfg_real(c, "costs.overhead") == 0.1);           /* base */
    assert_true(cfg_real(c, "costs.wage_per_hour") == 100);      /* mid */
    assert_true(cfg_real(c, "years") == 7);                      /* top */
    assert_int_equal(cfg_int(c, "groups.a_second.size"), 25);    /* top */
    assert_int_equal(cfg_int(c, "groups.b_first.size"), 10);     /* base */
    assert_string_equal(cfg_dir(c), "tests/data/config/chain");
    char path[256];
    cfg_path(c, "data.municipalities", path, sizeof path);
    assert_string_equal(path, "tests/data/config/chain/local.csv");

    const char *src = cfg_source_text(c);
    const char *b = strstr(src, "# --- tests/data/config/chain/../base.yaml ---\n");
    const char *m = strstr(src, "# --- tests/data/config/chain/../mid.yaml ---\n");
    const char *t = strstr(src, "# --- tests/data/config/chain/top.yaml ---\n");
    assert_non_null(b);
    assert_non_null(m);
    assert_non_null(t);
    assert_true(b < m && m < t);
    assert_contains(t, "label: top");
    cfg_free(c);
}

static void test_cycle(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "cycle_a.yaml", DATA "cycle_b.yaml", 2, 10,
                               "extends");
    assert_contains(err.message, "cycle");
    assert_contains(err.message, "cycle_a.yaml -> " DATA "cycle_b.yaml -> ");
}

static void test_syntax_error(void **state)
{
    (void)state;
    cfg_error err;
    assert_null(cfg_load(DATA "syntax.yaml", table, N_TABLE, &err));
    assert_string_equal(err.file, DATA "syntax.yaml");
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_contains(err.message, DATA "syntax.yaml:3:");
    assert_contains(err.message, "mapping values are not allowed");
}

static void test_unknown_key(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "unknown.yaml", DATA "unknown.yaml", 3, 3,
                               "costs.wage_per_huor");
    assert_string_equal(err.message,
                        DATA "unknown.yaml:3:3: unknown key 'costs.wage_per_huor';"
                             " did you mean 'costs.wage_per_hour'?");
    err = load_fails(DATA "unknown_group.yaml", DATA "unknown_group.yaml", 4, 5,
                     "groups.autism.narow");
    assert_contains(err.message, "did you mean 'groups.autism.narrow'?");
}

static void test_wrong_type(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "wrong_type.yaml", DATA "wrong_type.yaml",
                               2, 18, "costs.wage_per_hour");
    assert_string_equal(err.message,
                        DATA "wrong_type.yaml:2:18: key 'costs.wage_per_hour': "
                             "expected a number (DKK/hour), got 'abc'");
    err = load_fails(DATA "not_int.yaml", DATA "not_int.yaml", 1, 7, "seed");
    assert_contains(err.message, "expected a whole number, got '2.5'");
    err = load_fails(DATA "bad_bool.yaml", DATA "bad_bool.yaml", 2, 12,
                     "market.enabled");
    assert_contains(err.message, "got 'maybe'");
    err = load_fails(DATA "map_for_leaf.yaml", DATA "map_for_leaf.yaml", 2, 3,
                     "seed");
    assert_contains(err.message, "got a mapping");
    err = load_fails(DATA "leaf_for_map.yaml", DATA "leaf_for_map.yaml", 1, 8,
                     "costs");
    assert_contains(err.message, "expected a mapping");
}

static void test_out_of_range(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "range.yaml", DATA "range.yaml", 2, 13,
                               "costs.overhead");
    assert_contains(err.message, "key 'costs.overhead': '1.5' is out of range");
    assert_contains(err.message, "[0, 1] share");
    err = load_fails(DATA "list_range.yaml", DATA "list_range.yaml", 3, 20,
                     "groups.autism.weights");
    assert_contains(err.message, "item 2: '1.2' is out of range [0, 1] share");
    /* beyond a double: too large is out of range like .inf, too small to
     * tell from 0 is not a number (it was read as 0) */
    err = load_fails(DATA "overflow.yaml", DATA "overflow.yaml", 2, 13, "costs.overhead");
    assert_contains(err.message, "is out of range [0, 1] share");
    err = load_fails(DATA "underflow.yaml", DATA "underflow.yaml", 2, 13, "costs.overhead");
    assert_contains(err.message, "expected a number");
}

static void test_bad_enum(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "bad_enum.yaml", DATA "bad_enum.yaml", 2, 13,
                               "market.matching");
    assert_contains(err.message, "queue, random, ranked");
    assert_contains(err.message, "got 'fifo'");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "duplicate.yaml", DATA "duplicate.yaml", 4,
                               3, "costs.overhead");
    assert_contains(err.message, "duplicate key");
    assert_contains(err.message, "line 3");
}

static void test_missing_file(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "no_such_file.yaml", DATA "no_such_file.yaml",
                               0, 0, "");
    assert_string_equal(err.message, DATA "no_such_file.yaml: cannot read: "
                                          "No such file or directory");
}

static void test_list_too_long(void **state)
{
    (void)state;
    cfg_error err = load_fails(DATA "list_long.yaml", DATA "list_long.yaml", 3,
                               14, "groups.autism.weights");
    assert_contains(err.message, "at most 32");
}

static void test_names_order(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "chain/top.yaml");
    const char *names[8];
    /* top.yaml lists c_third first, but base names come before it. */
    assert_int_equal(cfg_names(c, "groups", names, 8), 3);
    assert_string_equal(names[0], "b_first");
    assert_string_equal(names[1], "a_second");
    assert_string_equal(names[2], "c_third");
    assert_int_equal(cfg_names(c, "groups", names, 2), 2);
    assert_int_equal(cfg_names(c, "nothing", names, 8), 0);
    cfg_free(c);

    c = load_ok(DATA "good.yaml");
    assert_int_equal(cfg_names(c, "groups", names, 8), 2);  /* not adhd */
    assert_string_equal(names[0], "autism");
    assert_string_equal(names[1], "developmental");
    cfg_free(c);
}

static void test_variants(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "good.yaml");
    assert_int_equal(cfg_variant_count(c), 3);
    assert_string_equal(cfg_variant_name(c, 0), "low_wage");
    assert_string_equal(cfg_variant_name(c, 1), "new_group");
    assert_string_equal(cfg_variant_name(c, 2), "baseline");

    cfg *v = cfg_variant(c, 0);
    assert_non_null(v);
    assert_int_equal(cfg_variant_count(v), 0);
    assert_true(cfg_real(v, "costs.wage_per_hour") == 200);
    assert_true(cfg_real(v, "groups.autism.narrow") == 0.1);
    assert_int_equal(cfg_int(v, "seed"), 42);
    assert_true(cfg_real(c, "costs.wage_per_hour") == 310.5);  /* base intact */
    cfg_error err;
    cfg_fail(v, "costs.wage_per_hour", &err, "too low");
    assert_string_equal(err.message, DATA "good.yaml:25:7: key "
                                          "'costs.wage_per_hour': too low");
    cfg_free(v);

    const char *names[8];
    v = cfg_variant(c, 1);
    assert_int_equal(cfg_int(v, "groups.adhd.size"), 50);
    assert_int_equal(cfg_names(v, "groups", names, 8), 3);
    assert_string_equal(names[2], "adhd");
    cfg_free(v);
    v = cfg_variant(c, 2);
    assert_true(cfg_real(v, "costs.wage_per_hour") == 310.5);
    cfg_free(v);
    assert_null(cfg_variant(c, 3));
    cfg_free(c);

    err = load_fails(DATA "variant_unknown.yaml", DATA "variant_unknown.yaml", 4,
                     7, "variants.cheap.costs.wage_per_hourr");
    assert_contains(err.message,
                    "did you mean 'variants.cheap.costs.wage_per_hour'?");
    err = load_fails(DATA "variant_range.yaml", DATA "variant_range.yaml", 4, 17,
                     "variants.cheap.costs.overhead");
    assert_contains(err.message, "out of range");
}

static void test_cfg_fail(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "chain/top.yaml");
    cfg_error err;
    assert_int_equal(cfg_fail(c, "seed", &err, "need %d items", 3), 0);
    assert_string_equal(err.file, DATA "chain/../base.yaml");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 1);
    assert_string_equal(err.key, "seed");
    assert_string_equal(err.message,
                        DATA "chain/../base.yaml:1:1: key 'seed': need 3 items");
    cfg_fail(c, "market.matching", &err, "defaulted");
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, DATA "chain/top.yaml: key "
                                          "'market.matching': defaulted");
    cfg_free(c);
}

/* Every getter of A and B agrees on the keys of the table and names in use. */
static void assert_same(const cfg *a, const cfg *b)
{
    const char *names[16];
    char key[128];
    double wa[CFG_LIST_MAX], wb[CFG_LIST_MAX];
    int n = cfg_names(a, "groups", names, 16);
    assert_int_equal(cfg_names(b, "groups", (const char *[16]){0}, 16), n);
    for (size_t i = 0; i < N_TABLE; i++) {
        for (int j = 0; j < (strchr(table[i].path, '*') ? n : 1); j++) {
            const char *p = table[i].path;
            if (strchr(p, '*'))
                snprintf(key, sizeof key, "groups.%s%s", names[j], strrchr(p, '.'));
            else
                snprintf(key, sizeof key, "%s", p);
            switch (table[i].type) {
            case CFG_REAL: assert_true(cfg_real(a, key) == cfg_real(b, key)); break;
            case CFG_INT: assert_int_equal(cfg_int(a, key), cfg_int(b, key)); break;
            case CFG_BOOL: assert_int_equal(cfg_bool(a, key), cfg_bool(b, key)); break;
            case CFG_ENUM:
            case CFG_STRING:
                assert_string_equal(cfg_text(a, key), cfg_text(b, key));
                break;
            case CFG_REAL_LIST: {
                int na = cfg_list(a, key, wa, CFG_LIST_MAX);
                assert_int_equal(na, cfg_list(b, key, wb, CFG_LIST_MAX));
                assert_memory_equal(wa, wb, (size_t)na * sizeof *wa);
                break;
            }
            }
        }
    }
}

static cfg *reload(const char *yaml)
{
    char path[] = "/tmp/placesim_cfg_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    cfg *c = load_ok(path);
    unlink(path);
    return c;
}

static void test_resolved_round_trip(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "good.yaml");
    char *yaml = cfg_resolved_yaml(c, table, N_TABLE);
    assert_non_null(yaml);
    assert_true(!strncmp(yaml, "# resolved configuration\n", 25));
    assert_contains(yaml, "\ncosts:\n  overhead: 0.2\n  wage_per_hour: 310.5\n");
    assert_contains(yaml, "  developmental:\n    narrow: 0.5\n");
    assert_contains(yaml, "weights: [0.1, 0.2, 0.7]");
    assert_contains(yaml, "label: \"Danish baseline: 2024\"");
    assert_null(strstr(yaml, "variants"));
    cfg *back = reload(yaml);
    assert_same(c, back);
    assert_int_equal(cfg_variant_count(back), 0);
    cfg_free(back);
    free(yaml);

    cfg *v = cfg_variant(c, 1);
    yaml = cfg_resolved_yaml(v, table, N_TABLE);
    assert_contains(yaml, "  adhd:\n    narrow: 0.5\n    size: 50\n");
    back = reload(yaml);
    assert_same(v, back);
    assert_int_equal(cfg_get_unknown_count(v) + cfg_get_unknown_count(back), 0);
    cfg_free(back);
    free(yaml);
    cfg_free(v);
    cfg_free(c);
}

static void test_unknown_get_counter(void **state)
{
    (void)state;
    cfg *c = load_ok(DATA "good.yaml");
    double w[2];
    assert_int_equal(cfg_get_unknown_count(c), 0);
    assert_true(cfg_real(c, "costs.nothing") == 0);
    assert_string_equal(cfg_text(c, "no.such.key"), "");
    assert_int_equal(cfg_list(c, "groups.autism", w, 2), 0);
    assert_true(cfg_real(c, "variants.low_wage.costs.wage_per_hour") == 0);
    assert_int_equal(cfg_get_unknown_count(c), 4);
    assert_true(cfg_real(c, "costs.wage_per_hour") == 310.5);
    assert_int_equal(cfg_get_unknown_count(c), 4);
    cfg_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_extends_chain),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_bad_enum),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_list_too_long),
        cmocka_unit_test(test_names_order),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_cfg_fail),
        cmocka_unit_test(test_resolved_round_trip),
        cmocka_unit_test(test_unknown_get_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
