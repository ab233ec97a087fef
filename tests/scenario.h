/*
 * tests/scenario.h - load a scenario into params and municipalities, as the
 * command line does, for tests that drive the market through the library.
 */
#ifndef TESTS_SCENARIO_H
#define TESTS_SCENARIO_H
#include <stdio.h>
#include "models/market.h"
#include "models/params.h"

/* 0 on success; otherwise prints the error and returns -1. */
static inline int test_load_scenario(const char *path, params *p, muni_table *mt)
{
    cfg_error err = { 0 };
    cfg *c = cfg_load(path, params_table, params_table_len, &err);
    if (!c) { fprintf(stderr, "%s\n", err.message); return -1; }
    int rc = params_load(c, p, &err);
    if (rc == 0) rc = muni_table_load(p->municipalities_file, mt, &err);
    if (rc == 0)
        rc = muni_table_bind(c, p, mt, &err);
    cfg_free(c);
    if (rc) fprintf(stderr, "%s\n", err.message);
    return rc ? -1 : 0;
}
#endif
