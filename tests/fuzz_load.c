/*
 * tests/fuzz_load.c - libFuzzer target for the scenario and CSV loaders:
 * everything `placesim check` does before a run, on inputs that never touch
 * the file system.
 *
 * An input is one or more files: the first is main.yaml, and each line
 * "#@ NAME" starts another file called NAME (a YAML comment, so a plain
 * scenario is a valid input as it stands).  The project's own scenarios and
 * municipality tables are in the map too, read once at start-up, so a
 * fuzzed `extends: denmark.yaml` or `municipalities: data/...csv` reaches
 * real content; an input's files override them.  Nothing is ever opened by
 * a name that comes from an input.
 *
 * Built and run by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/market.h"
#include "models/params.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

#define FUZZ_FILES_MAX 64
#define FUZZ_VARIANTS_MAX 8    /* variants checked per input; the rest cost time only */

typedef struct fuzz_file {
    char  *name;
    char  *text;
    size_t len;
} fuzz_file;

typedef struct fuzz_map {
    fuzz_file f[FUZZ_FILES_MAX];
    int       n;
} fuzz_map;

/* The project's files, loaded once; never changed after. */
static fuzz_map fixed;

static const char *const fixed_files[][2] = {
    { "denmark.yaml", "scenarios/denmark.yaml" },
    { "market.yaml", "scenarios/market.yaml" },
    { "regimes.yaml", "scenarios/regimes.yaml" },
    { "shocks.yaml", "scenarios/shocks.yaml" },
    { "data/municipalities.csv", "scenarios/data/municipalities.csv" },
    { "small_municipalities.csv", "scenarios/data/small_municipalities.csv" },
};

static void map_add(fuzz_map *m, const char *name, size_t nlen,
                    const char *text, size_t len)
{
    if (m->n == FUZZ_FILES_MAX) return;
    fuzz_file *f = &m->f[m->n++];
    f->name = strndup(name, nlen);
    f->text = malloc(len + 1);
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
}

static void map_clear(fuzz_map *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->f[i].name);
        free(m->f[i].text);
    }
    m->n = 0;
}

static const fuzz_file *map_find(const fuzz_map *m, const char *name)
{
    for (int i = m->n - 1; i >= 0; i--)
        if (!strcmp(m->f[i].name, name)) return &m->f[i];
    return NULL;
}

/* The input's files first, then the project's, which are also found by
 * their last part ("../../scenarios/denmark.yaml", as tests/data/small.yaml
 * names it). */
static const fuzz_file *lookup(const fuzz_map *in, const char *name)
{
    const fuzz_file *f = map_find(in, name);
    if (f || (f = map_find(&fixed, name))) return f;
    const char *base = strrchr(name, '/');
    for (int i = 0; base && i < fixed.n; i++) {
        const char *fb = strrchr(fixed.f[i].name, '/');
        if (!strcmp(fb ? fb + 1 : fixed.f[i].name, base + 1)) return &fixed.f[i];
    }
    return NULL;
}

static char *fuzz_read(void *ctx, const char *path, size_t *len, int *errnum)
{
    const fuzz_file *f = lookup(ctx, path);
    if (!f) {
        *errnum = 2;    /* ENOENT */
        return NULL;
    }
    if (f->len > CFG_FILE_MAX) {
        *errnum = CFG_ERR_TOOBIG;
        return NULL;
    }
    char *copy = malloc(f->len + 1);
    memcpy(copy, f->text, f->len + 1);
    *len = f->len;
    return copy;
}

/* Splits DATA at "#@ NAME" lines into IN. */
static void split_input(const uint8_t *data, size_t size, fuzz_map *in)
{
    const char *s = (const char *)data, *end = s + size, *name = "main.yaml";
    size_t nlen = strlen(name);
    const char *start = s;
    for (const char *p = s; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (eol - p > 3 && !memcmp(p, "#@ ", 3)) {
            map_add(in, name, nlen, start, (size_t)(p - start));
            name = p + 3;
            nlen = (size_t)(eol - name);
            start = nl ? nl + 1 : end;
        }
        p = nl ? nl + 1 : end;
    }
    map_add(in, name, nlen, start, (size_t)(end - start));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sizeof fixed_files / sizeof *fixed_files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", FUZZ_ROOT, fixed_files[i][1]);
        size_t len = 0;
        int errnum = 0;
        char *text = cfg_read_file(NULL, path, &len, &errnum);
        if (!text) {
            fprintf(stderr, "fuzz_load: cannot read %s\n", path);
            exit(1);
        }
        map_add(&fixed, fixed_files[i][0], strlen(fixed_files[i][0]), text, len);
        free(text);
    }
    return 0;
}

/* What `placesim check` does with one variant's configuration. */
static void check_variant(const cfg *vc, const fuzz_map *in)
{
    static params p;
    static muni_table mt;
    cfg_error err = { .message = "" };
    /* Every refusal must say where and why: an empty message is a finding. */
    if (params_load(vc, &p, &err)) {
        if (!err.message[0]) __builtin_trap();
        return;
    }
    const fuzz_file *csv = lookup(in, p.municipalities_file);
    if (!csv) return;
    if (muni_table_parse(csv->text, csv->len, p.municipalities_file, &mt, &err) ||
        muni_table_bind(vc, &p, &mt, &err)) {
        if (!err.message[0]) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_map in = { .n = 0 };
    cfg_error err;
    split_input(data, size, &in);
    cfg_reader rd = { fuzz_read, &in };
    cfg *c = cfg_load_with("main.yaml", params_keys(), params_keys_len(), &rd, &err);
    if (c) {
        int nv = cfg_variant_count(c);
        if (!nv) check_variant(c, &in);
        for (int v = 0; v < nv && v < FUZZ_VARIANTS_MAX; v++) {
            cfg *vc = cfg_variant(c, v);
            if (vc) check_variant(vc, &in);
            cfg_free(vc);
        }
        free(cfg_resolved_yaml(c, params_keys(), params_keys_len()));
        cfg_free(c);
    } else if (!err.message[0]) {
        __builtin_trap();
    }
    map_clear(&in);
    return 0;
}
