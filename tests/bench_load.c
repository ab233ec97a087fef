/*
 * tests/bench_load.c - loads per second of a scenario: the YAML loader, the
 * parameter binding and the municipality table of every variant, as
 * `placesim check` does them, in one process so that start-up does not
 * hide the loader's cost.
 * Prints one figure; `make bench` runs it.  Never fails on time.
 *
 *   bench_load SCENARIO [SECONDS [LOADS]]
 *
 * stops after SECONDS (default 2) or after LOADS loads, whichever comes
 * first; a fixed LOADS makes two builds comparable as whole processes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "models/market.h"
#include "models/params.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One variant: its parameters, its municipality table, its regions. */
static int load_variant(const cfg *vc, params *p, muni_table *mt, cfg_error *err)
{
    return params_load(vc, p, err) ||
           muni_table_load(p->municipalities_file, mt, err) ||
           muni_table_bind(vc, p, mt, err);
}

/* One load as `placesim check` does it: the file chain, then every variant. */
static int load_once(const char *path, params *p, muni_table *mt)
{
    cfg_error err;
    cfg *c = cfg_load(path, params_keys(), params_keys_len(), &err);
    int rc = !c, nv = c ? cfg_variant_count(c) : 0;
    if (c && !nv) rc = load_variant(c, p, mt, &err);
    for (int v = 0; v < nv && !rc; v++) {
        cfg *vc = cfg_variant(c, v);
        rc = !vc || load_variant(vc, p, mt, &err);
        cfg_free(vc);
    }
    if (rc) fprintf(stderr, "bench_load: %s\n", err.message);
    cfg_free(c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load SCENARIO [SECONDS [LOADS]]\n");
        return 2;
    }
    double secs = argc > 2 ? atof(argv[2]) : 2.0;
    long max = argc > 3 ? atol(argv[3]) : -1;
    static params p;
    static muni_table mt;
    long n = 0;
    double t0 = now(), t;
    do {
        if (load_once(argv[1], &p, &mt)) return 1;
        n++;
        t = now() - t0;
    } while (t < secs && n != max);
    printf("%s: %ld loads in %.2f s: %.0f loads/s (%.1f us per load)\n",
           argv[1], n, t, n / t, 1e6 * t / n);
    return 0;
}
