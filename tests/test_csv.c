/*
 * tests/test_csv.c - the municipality CSV reader (muni_table_parse and
 * muni_table_load) on good and bad input, and the year-end invariant check
 * on a market whose state holds a NaN or an infinity.
 * Run from the repository root.
 */
#include "tests/testutil.h"
#include "tests/scenario.h"
#include <math.h>
#include <unistd.h>
#include <sys/stat.h>
#include "models/market.h"
#include "models/params.h"

#define HEADER "code,name,region,population\n"

static muni_table table;   /* large: not on the stack */

/* Parse TEXT as file "m.csv"; returns the parser's result. */
static int parse(const char *text, cfg_error *err)
{
    memset(err, 0, sizeof *err);
    return muni_table_parse(text, strlen(text), "m.csv", &table, err);
}

/* TEXT must be refused at LINE:COL of m.csv, about column KEY ("" for a
 * fault of the whole line), with WORDS in the message. */
static void refused(const char *text, int line, int col, const char *key,
                    const char *words)
{
    cfg_error err;
    if (parse(text, &err) != -1) fail_msg("accepted: %s", text);
    char where[64];
    snprintf(where, sizeof where, "m.csv:%d:%d: ", line, col);
    if (strncmp(err.message, where, strlen(where)) != 0)
        fail_msg("message '%s' does not start with '%s'", err.message, where);
    if (*key) {
        char named[64];
        snprintf(named, sizeof named, "column '%s': ", key);
        if (!strstr(err.message, named))
            fail_msg("message '%s' does not name %s", err.message, named);
    }
    if (words && !strstr(err.message, words))
        fail_msg("message '%s' does not say '%s'", err.message, words);
    assert_string_equal(err.file, "m.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_string_equal(err.key, key);
    for (const char *s = err.message; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fail_msg("raw control character 0x%02x in '%s'", *s, err.message);
}

static void test_good_table(void **state)
{
    (void)state;
    cfg_error err;
    assert_int_equal(parse(HEADER "101,K\xc3\xb8" "benhavn,Hovedstaden,632340\n"
                           "147,Frederiksberg,Hovedstaden,104305\n\n"
                           "751,Aarhus,Midtjylland,1e4\n", &err), 0);
    assert_int_equal(table.n, 3);
    assert_int_equal(table.n_regions, 2);
    assert_int_equal(table.m[0].code, 101);
    assert_string_equal(table.m[0].name, "K\xc3\xb8" "benhavn");
    assert_int_equal(table.m[2].region, 1);
    assert_true(table.m[2].population == 1e4);
}

/* A spreadsheet's byte-order mark and CRLF line ends; no final line end. */
static void test_bom_and_crlf(void **state)
{
    (void)state;
    cfg_error err;
    assert_int_equal(parse("\xef\xbb\xbf" "code,name,region,population\r\n"
                           "101,A,Hovedstaden,1000\r\n102,B,Sj\xc3\xa6lland,20", &err), 0);
    assert_int_equal(table.n, 2);
    assert_true(table.m[1].population == 20);
    assert_string_equal(table.region_name[1], "Sj\xc3\xa6lland");
    /* a mark anywhere else is text, and the header then does not match */
    refused("\xef\xbb\xbf\xef\xbb\xbf" HEADER "101,A,R,1\n", 1, 1, "", "header");
}

static void test_population_bounds(void **state)
{
    (void)state;
    const char *bad[] = { "1e308", "1e999", "0", "2e7", "10000001" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, HEADER "101,A,Hovedstaden,%s\n", bad[i]);
        refused(text, 2, 19, "population", "outside 1 to 1e7");
    }
    /* not a count of persons in digits; "12.000" is Danish for 12000 */
    const char *nan_like[] = { "inf", "-inf", "nan", "NaN", "-5", "0.5", "1e-310",
                               "632.340", "12.000", "1.234", "0x10", "1e", "+5" };
    for (size_t i = 0; i < sizeof nan_like / sizeof nan_like[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, HEADER "101,A,Hovedstaden,%s\n", nan_like[i]);
        refused(text, 2, 19, "population", "without a thousands separator");
    }
    /* a table saved in a Windows code page */
    refused(HEADER "101,K\xf8" "benhavn,Hovedstaden,5\n", 2, 5, "name", "not UTF-8");
    refused(HEADER "101,A,Sj\xe6lland,5\n", 2, 7, "region", "not UTF-8");
    refused("code;name;region;population\n", 1, 1, "", "commas, not semicolons");
    refused(HEADER "101,A,Hovedstaden,12x\n", 2, 19, "population", "not a number: '12x'");
    refused(HEADER "101,A,Hovedstaden,\n", 2, 19, "population", "not a number");
    cfg_error err;
    assert_int_equal(parse(HEADER "101,A,R,1\n102,B,R,1e7\n", &err), 0);
    /* ten municipalities of 1e7 are 1e8: the eleventh passes the total */
    char text[2048] = HEADER;
    for (int i = 0; i < 11; i++) {
        char row[64];
        snprintf(row, sizeof row, "%d,M%d,R,1e7\n", 101 + i, i);
        strcat(text, row);
    }
    refused(text, 12, 11, "population", "above 1e8");
}

static void test_code_bounds(void **state)
{
    (void)state;
    /* 4294967397 is 101 modulo 2^32: it must not be read as 101 */
    refused(HEADER "4294967397,A,Hovedstaden,1000\n", 2, 1, "code", "outside 1 to 2147483647");
    refused(HEADER "2147483648,A,Hovedstaden,1000\n", 2, 1, "code", "outside");
    refused(HEADER "99999999999999999999999,A,H,1\n", 2, 1, "code", "outside");
    refused(HEADER "0,A,Hovedstaden,1000\n", 2, 1, "code", "outside");
    refused(HEADER "-101,A,Hovedstaden,1000\n", 2, 1, "code", "outside");
    refused(HEADER "10a,A,Hovedstaden,1000\n", 2, 1, "code", "not a whole number");
    refused(HEADER "101,A,H,1\n101,B,H,1\n", 3, 1, "code", "duplicate");
    cfg_error err;
    assert_int_equal(parse(HEADER "2147483647,A,Hovedstaden,1000\n", &err), 0);
    assert_int_equal(table.m[0].code, 2147483647);
}

/* The column counts characters, not bytes: the name has a two-byte ø. */
static void test_columns(void **state)
{
    (void)state;
    refused(HEADER "101,K\xc3\xb8" "benhavn,Hovedstaden,lots\n", 2, 27, "population",
            "'lots'");
    refused(HEADER "101,,Hovedstaden,5\n", 2, 5, "name", "empty name");
    refused(HEADER "101,A,,5\n", 2, 7, "region", "empty region");
    refused(HEADER "101,A,Hovedstaden\n", 2, 18, "", "fewer than 4 fields");
    refused(HEADER "101,A,Hovedstaden,5,6\n", 2, 21, "", "more than 4 fields");
    refused(HEADER "101\n", 2, 4, "", "expected 4 fields");
    refused("code;name;region;population\n", 1, 1, "", "header must be");
    refused(HEADER "101,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,R,1\n", 2, 5,
            "name", "longer than 47 bytes");
}

/* Control characters reach the terminal only as \xNN. */
static void test_control_characters(void **state)
{
    (void)state;
    refused(HEADER "101,A\x1b[31mred,Hovedstaden,1000\n", 2, 5, "name",
            "control character \\x1B in 'A\\x1B[31mred'");
    refused(HEADER "101,A,Hovedstaden,1\x1b[2J\n", 2, 19, "population", "\\x1B[2J");
    refused(HEADER "101,A,Hoved\tstaden,1\n", 2, 7, "region", "\\x09");
    /* a C1 control (U+009B, a CSI to some terminals) is not a number */
    refused(HEADER "101,A,Hovedstaden,1\xc2\x9b" "2J\n", 2, 19, "population",
            "'1\\xC2\\x9B2J'");
    refused("code,name,\x07region,population\n", 1, 1, "", "\\x07");
    /* a NUL ends no string early: the byte after it is still seen */
    static const char nul[] = HEADER "101,A,Hovedstaden,1000\0junk\n";
    cfg_error err;
    assert_int_equal(muni_table_parse(nul, sizeof nul - 1, "m.csv", &table, &err), -1);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "\\x00"));
    static const char nul_header[] = "code,name,region,population\0\n101,A,H,1\n";
    assert_int_equal(muni_table_parse(nul_header, sizeof nul_header - 1, "m.csv",
                                      &table, &err), -1);
    assert_int_equal(err.line, 1);
}

/* A line longer than the reader's limit is an error, not two rows. */
static void test_long_line(void **state)
{
    (void)state;
    static char text[4096];
    strcpy(text, HEADER "101,A,Hovedstaden,1000\n102,B,Hovedstaden,");
    size_t n = strlen(text);
    memset(text + n, '1', 1500);
    strcpy(text + n + 1500, "\n");
    refused(text, 3, 1024, "", "longer than 1023 bytes");
    /* exactly at the limit is a line like any other */
    strcpy(text, HEADER "102,B,Hovedstaden,");
    n = strlen(text);
    size_t row = n - strlen(HEADER);
    memset(text + n, '0', 1023 - row - 1);
    strcpy(text + n + 1023 - row - 1, "7\n");
    cfg_error err;
    assert_int_equal(parse(text, &err), 0);
    assert_true(table.m[0].population == 7);
}

static void test_table_limits(void **state)
{
    (void)state;
    cfg_error err;
    assert_int_equal(parse("", &err), -1);
    assert_non_null(strstr(err.message, "header"));
    assert_int_equal(parse(HEADER, &err), -1);
    assert_non_null(strstr(err.message, "no municipalities"));
    static char text[8192];
    strcpy(text, HEADER);
    for (int i = 0; i < MAX_MUNIS + 1; i++)
        sprintf(text + strlen(text), "%d,M%d,R,100\n", 101 + i, i);
    refused(text, MAX_MUNIS + 2, 1, "", "more than 128 municipalities");
    strcpy(text, HEADER);
    for (int i = 0; i < MAX_REGIONS + 1; i++)
        sprintf(text + strlen(text), "%d,M%d,R%d,100\n", 101 + i, i, i);
    refused(text, MAX_REGIONS + 2, 8, "region", "more than 8 regions");
    /* names are the axis labels of the results: each once; "all" is a
     * shock's word for every region */
    refused(HEADER "101,A,R,5\n102,A,R,5\n", 3, 5, "name", "duplicate municipality name");
    refused(HEADER "101,A,all,5\n", 2, 7, "region", "reserved");
    assert_int_equal(muni_table_parse(NULL, 0, NULL, &table, &err), -1);
}

static void test_load_files(void **state)
{
    (void)state;
    cfg_error err = { 0 };
    assert_int_equal(muni_table_load("scenarios/data/small_municipalities.csv", &table, &err), 0);
    assert_int_equal(table.n, 16);
    assert_int_equal(muni_table_load("scenarios/data/municipalities.csv", &table, &err), 0);
    assert_int_equal(table.n, 98);

    assert_int_equal(muni_table_load("tests/data/no-such.csv", &table, &err), -1);
    assert_non_null(strstr(err.message, "tests/data/no-such.csv: cannot open"));
    assert_int_equal(muni_table_load("tests/data", &table, &err), -1);
    assert_non_null(strstr(err.message, "not a regular file"));

    char dir[] = "/tmp/placesim-csv-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(HEADER, fp);
    for (int i = 0; i < 70000; i++) fputs("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", fp);
    fclose(fp);
    assert_int_equal(muni_table_load(path, &table, &err), -1);
    assert_non_null(strstr(err.message, "larger than 1 MiB"));
    /* the file's errors come from the parser, located in the file */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(HEADER "101,A,Hovedstaden,inf\n", fp);
    fclose(fp);
    assert_int_equal(muni_table_load(path, &table, &err), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:2:19: column 'population'", path);
    assert_non_null(strstr(err.message, want));
    unlink(path);
    rmdir(dir);
}

/* ---- the invariant check on a market with a NaN or an infinity ------- */

typedef struct fixture {
    params     p;
    muni_table mt;
    market     m;
} fixture;

static int setup_market(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_load_scenario("tests/data/small.yaml", &f->p, &f->mt)) { free(f); return -1; }
    f->p.warmup_years = 0;   /* messages name the base year, 2021 */
    *state = f;
    return 0;
}

static int teardown_market(void **state)
{
    free(*state);
    return 0;
}

/* A fresh market of the small scenario; must pass the check. */
static market *fresh(fixture *f)
{
    market_free(&f->m);
    assert_int_equal(market_init(&f->m, &f->p, &f->mt, f->p.seed, 3), 0);
    assert_int_equal(market_check_invariants(&f->m), 0);
    assert_string_equal(f->m.error, "");
    return &f->m;
}

/* The check must fail on M and its message contain WORDS. */
static void reported(market *m, const char *words)
{
    assert_int_equal(market_check_invariants(m), -1);
    if (!strstr(m->error, words))
        fail_msg("error '%s' does not say '%s'", m->error, words);
}

static void test_invariants_see_nan(void **state)
{
    fixture *f = *state;
    market *m = fresh(f);
    m->offers[5].income = NAN;      /* paid != received would miss this */
    reported(m, "year 2021: offer 5 income is nan");

    m = fresh(f);
    m->muni[2].acct.spend_seller[SELLER_PRIVATE] = INFINITY;
    reported(m, "year 2021: municipality 2 spending on private offers is inf");

    /* paid and received both infinite: their difference is NaN */
    m = fresh(f);
    m->muni[0].acct.spend_seller[SELLER_OWN] = INFINITY;
    m->offers[0].income = INFINITY;
    reported(m, "is inf, not a finite number");

    m = fresh(f);
    for (int i = 0; i < m->n_cit; i++)
        if (m->cit[i].state == CIT_PLACED) { m->cit[i].price_day = NAN; break; }
    reported(m, "daily price is nan");

    m = fresh(f);
    m->ya.rev_part[PART_CARRY][1][2] = -INFINITY;
    reported(m, "revenue by price part");

    m = fresh(f);
    m->year = 2;
    m->wage = NAN;
    reported(m, "year 2023: the wage is nan");

    /* the counting invariants still speak */
    m = fresh(f);
    m->offers[1].occupied++;
    reported(m, "year 2021: offer 1:");
    m = fresh(f);
    m->wait[0][0].count++;
    reported(m, "on waiting lists");
    /* home-support users: records and kept ends against the count */
    m = fresh(f);
    assert_true(m->muni[1].home_users > 0);
    m->muni[1].home_users++;
    reported(m, "year 2021: municipality 1 has");
    /* a resident missing from its offer's list */
    m = fresh(f);
    for (int i = 0; i < m->n_offers; i++)
        if (m->offers[i].residents >= 0) {
            int id = m->offers[i].residents;
            m->offers[i].residents = m->cit[id].wnext;
            break;
        }
    reported(m, "is not on the residents list");
    market_free(m);
    memset(m, 0, sizeof *m);
}

/* The same count in the aggregate form: users by group and level, and the
 * needs that wait for the committee as counts. */
static void test_invariants_count_aggregate_home(void **state)
{
    fixture *f = *state;
    f->p.home_aggregate = 1;
    market *m = fresh(f);
    assert_true(m->muni[0].home_users > 0);
    assert_int_equal(m->n_cit > 0, 1);
    m->muni[0].home_n[0][0]++;
    reported(m, "year 2021: municipality 0 has");
    m = fresh(f);
    m->muni[3].n_pending_home++;
    reported(m, "pending");
    market_free(m);
    memset(m, 0, sizeof *m);
    f->p.home_aggregate = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_table),
        cmocka_unit_test(test_bom_and_crlf),
        cmocka_unit_test(test_population_bounds),
        cmocka_unit_test(test_code_bounds),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_table_limits),
        cmocka_unit_test(test_load_files),
        cmocka_unit_test_setup_teardown(test_invariants_see_nan, setup_market,
                                        teardown_market),
        cmocka_unit_test_setup_teardown(test_invariants_count_aggregate_home, setup_market,
                                        teardown_market),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
