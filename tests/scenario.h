/*
 * tests/scenario.h - load a scenario into params and municipalities, as the
 * command line does, for tests that drive the market through the library.
 */
#ifndef TESTS_SCENARIO_H
#define TESTS_SCENARIO_H
#include <stdio.h>
#include "models/market.h"
#include "models/params.h"
#include "models/regime.h"

/* A built-in regime's parameters in a params struct, to set in a test. */
#define DRG_OF(p)       ((drg_params *)regime_params_mut((p), &regime_drg))
#define TENDER_OF(p)    ((tender_params *)regime_params_mut((p), &regime_tender))
#define OBJECTIVE_OF(p) ((objective_params *)regime_params_mut((p), &regime_objective))
#define UNIFORM_OF(p)   ((uniform_params *)regime_params_mut((p), &regime_uniform))

/* 0 on success; otherwise prints the error and returns -1. */
static inline int test_load_scenario(const char *path, params *p, muni_table *mt)
{
    cfg_error err = { 0 };
    cfg *c = cfg_load(path, params_keys(), params_keys_len(), &err);
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
