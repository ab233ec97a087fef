/*
 * sim/config.c - scenario files: libyaml document trees flattened into dotted
 * keys and validated against the caller's key table while they are walked.
 *
 * Each file of an extends chain is parsed into a cfg of its own first, so a
 * duplicate key or a bad value is reported against the file that holds it.
 * Only then is it merged over its base.  A merge replaces values in place,
 * keeping the base's key order: first appearance is what cfg_names and the
 * variant order promise.
 *
 * A loaded cfg is never modified again except for the unknown-get counter,
 * which is updated atomically, so any number of threads may read it.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "config.h"

#define CFG_SHOW_MAX    60      /* value text quoted in messages */
#define CFG_BRANCH_MARK (-2)    /* pattern index value: a prefix, not a key */

/* What a dotted key is with respect to the table. */
enum { CFG_K_UNKNOWN, CFG_K_LEAF, CFG_K_BRANCH };

/* ---------------------------------------------------------------- storage */

typedef struct cfg_buf {
    char  *s;
    size_t len, cap;
    int    oom;
} cfg_buf;

/* Open-addressing string -> int map; keys are borrowed, not copied. */
typedef struct cfg_slot { const char *key; uint64_t hash; int val; } cfg_slot;
typedef struct cfg_map  { cfg_slot *slot; size_t cap, n; } cfg_map;

typedef struct cfg_strs { char **v; size_t n, cap; } cfg_strs;

/* Owned strings in insertion order plus an index for membership. */
typedef struct cfg_set { cfg_strs s; cfg_map ix; } cfg_set;

/* Table paths -> their index, their leading parts -> CFG_BRANCH_MARK.  Built
 * once per load and shared by every cfg made from it (the files of an
 * extends chain, the variants), which may be freed in any order. */
typedef struct cfg_index {
    cfg_map pat;          /* keys point into the table or into prefixes */
    char   *prefixes;     /* the leading parts, NUL-separated, one block */
    int    *required;     /* indices of CFG_REQUIRED entries with one '*' */
    const char **star;    /* what stands before a '*': "groups." of  */
    size_t *star_len;     /* "groups.*.narrow", borrowed from the table */
    int     n_star;
    int     n_required;
    int     multi_star;   /* a path has two '*': match by scanning */
    int     refs;         /* atomic: variants may be made on any thread */
} cfg_index;

typedef struct cfg_leaf {
    char   *key;
    char   *text;      /* scalar as written; NULL for a list */
    double  num;       /* REAL, INT and BOOL (0/1) */
    double *items;     /* REAL_LIST */
    int     n_items;
    int     file;      /* index into cfg.files */
    int     line, column;
    const cfg_key *k;  /* its table entry, found when it was loaded */
} cfg_leaf;

struct cfg {
    const cfg_key *table;
    size_t         n_table;
    struct cfg_index *ix;     /* the table's index, shared with derived cfgs */
    cfg_leaf      *leaf;
    size_t         n_leaf, cap_leaf;
    cfg_map        by_key;
    cfg_strs       files;     /* extends chain, base first, top-level last */
    cfg_set        variants;
    cfg_set        names;     /* "prefix.name" for every key prefix in use */
    char          *dir;
    cfg_buf        source;
    size_t         unknown_gets;
};

static int cfg_buf_reserve(cfg_buf *b, size_t extra)
{
    if (b->oom) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->s = p;
    b->cap = cap;
    return 0;
}

static void cfg_buf_add(cfg_buf *b, const char *s, size_t n)
{
    if (cfg_buf_reserve(b, n)) return;
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void cfg_buf_str(cfg_buf *b, const char *s)
{
    cfg_buf_add(b, s, strlen(s));
}

static void cfg_buf_printf(cfg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void cfg_buf_printf(cfg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || cfg_buf_reserve(b, (size_t)n)) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Eight bytes at a time, then a splitmix64 finish so that the low bits,
 * which pick the slot, depend on every byte: keys share long prefixes
 * ("groups.autism.incidence_...").  Hashing was a tenth of a load. */
static uint64_t cfg_hash(const char *s)
{
    size_t n = strlen(s);
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    for (; n >= 8; n -= 8, s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h ^= w;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

/* The slot holding KEY, or the empty slot where it would go.  CAP > 0. */
static size_t cfg_map_find(const cfg_map *m, const char *key, uint64_t h)
{
    size_t i = h & (m->cap - 1);
    while (m->slot[i].key &&
           (m->slot[i].hash != h || strcmp(m->slot[i].key, key)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int cfg_map_get(const cfg_map *m, const char *key)
{
    if (!m->cap) return -1;
    size_t i = cfg_map_find(m, key, cfg_hash(key));
    return m->slot[i].key ? m->slot[i].val : -1;
}

/* Room for N keys in all; slots keep their hash, so a rehash hashes none. */
static int cfg_map_reserve(cfg_map *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 64;
    while (cap < 2 * n) cap *= 2;
    if (cap == m->cap) return 0;
    cfg_slot *s = calloc(cap, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i].key) continue;
        size_t j = m->slot[i].hash & (cap - 1);
        while (s[j].key) j = (j + 1) & (cap - 1);
        s[j] = m->slot[i];
    }
    free(m->slot);
    m->slot = s;
    m->cap = cap;
    return 0;
}

/*
 * Looks KEY up and, when absent, adds it with VAL: one hash for both.
 * Returns the slot, with *ADDED 1 when it was added (its key then is KEY,
 * which must outlive the map: the caller may repoint it at its own copy of
 * the same text) or NULL when out of memory.
 */
static cfg_slot *cfg_map_upsert(cfg_map *m, const char *key, int val, int *added)
{
    if (2 * (m->n + 1) > m->cap && cfg_map_reserve(m, m->n + 1)) return NULL;
    uint64_t h = cfg_hash(key);
    cfg_slot *sl = &m->slot[cfg_map_find(m, key, h)];
    *added = !sl->key;
    if (*added) {
        sl->key = key;
        sl->hash = h;
        sl->val = val;
        m->n++;
    }
    return sl;
}

/* KEY must not be present yet and must outlive the map. */
static int cfg_map_put(cfg_map *m, const char *key, int val)
{
    int added;
    return cfg_map_upsert(m, key, val, &added) ? 0 : -1;
}

static int cfg_strs_push(cfg_strs *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return 0;
}

static void cfg_strs_free(cfg_strs *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Returns 1 when added, 0 when already present (*OLD, when given, is then
 * the value it has), -1 when out of memory. */
static int cfg_set_put(cfg_set *set, const char *s, size_t len, int val, int *old)
{
    char key[2 * CFG_KEY_MAX];
    int added;
    if (len >= sizeof key) return -1;
    memcpy(key, s, len);
    key[len] = '\0';
    cfg_slot *sl = cfg_map_upsert(&set->ix, key, val, &added);
    if (!sl) return -1;
    if (!added) {
        if (old) *old = sl->val;
        return 0;
    }
    if (cfg_strs_push(&set->s, key, len)) {
        /* Take the slot back out: linear probing cannot just empty it, so
         * the whole map is rebuilt without it (only when out of memory). */
        sl->key = NULL;
        set->ix.n--;
        cfg_map tmp = set->ix;
        set->ix = (cfg_map){ 0 };
        int rc = cfg_map_reserve(&set->ix, tmp.n);
        for (size_t i = 0; !rc && i < tmp.cap; i++)
            if (tmp.slot[i].key) rc = cfg_map_put(&set->ix, tmp.slot[i].key, tmp.slot[i].val);
        free(tmp.slot);
        return -1;
    }
    sl->key = set->s.v[set->s.n - 1];
    return 1;
}

static int cfg_set_add(cfg_set *set, const char *s, size_t len, int val)
{
    return cfg_set_put(set, s, len, val, NULL);
}

static void cfg_set_free(cfg_set *set)
{
    cfg_strs_free(&set->s);
    free(set->ix.slot);
    memset(set, 0, sizeof *set);
}

static void cfg_leaf_free(cfg_leaf *lf)
{
    free(lf->key);
    free(lf->text);
    free(lf->items);
    memset(lf, 0, sizeof *lf);
}

/*
 * Moves LF into C, replacing the value and position of an existing key while
 * keeping its place in the order.  LF is consumed even on failure.
 */
static int cfg_put(cfg *c, cfg_leaf *lf)
{
    if (c->n_leaf == c->cap_leaf) {
        size_t cap = c->cap_leaf ? 2 * c->cap_leaf : 64;
        cfg_leaf *v = realloc(c->leaf, cap * sizeof *v);
        if (!v) goto fail;
        c->leaf = v;
        c->cap_leaf = cap;
    }
    int added;
    cfg_slot *sl = cfg_map_upsert(&c->by_key, lf->key, (int)c->n_leaf, &added);
    if (!sl) goto fail;
    if (!added) {
        cfg_leaf *old = &c->leaf[sl->val];
        free(lf->key);
        lf->key = old->key;
        free(old->text);
        free(old->items);
        *old = *lf;
        return 0;
    }
    c->leaf[c->n_leaf++] = *lf;
    return 0;
fail:
    cfg_leaf_free(lf);
    return -1;
}

static int cfg_leaf_copy(cfg_leaf *dst, const cfg_leaf *src, const char *key)
{
    *dst = *src;
    dst->key = strdup(key);
    dst->text = src->text ? strdup(src->text) : NULL;
    dst->items = NULL;
    if (src->n_items) {
        dst->items = malloc((size_t)src->n_items * sizeof *dst->items);
        if (dst->items)
            memcpy(dst->items, src->items,
                   (size_t)src->n_items * sizeof *dst->items);
    }
    if (!dst->key || (src->text && !dst->text) ||
        (src->n_items && !dst->items)) {
        cfg_leaf_free(dst);
        return -1;
    }
    return 0;
}

static cfg_index *cfg_index_table(const cfg_key *table, size_t n_table);
static void cfg_index_release(cfg_index *ix);

/* A new, empty cfg; it shares LIKE's table index when LIKE is given. */
static cfg *cfg_new(const cfg_key *table, size_t n_table, const cfg *like)
{
    cfg *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->table = table;
    c->n_table = n_table;
    if (like) {
        c->ix = like->ix;
        __atomic_fetch_add(&c->ix->refs, 1, __ATOMIC_RELAXED);
    } else if (!(c->ix = cfg_index_table(table, n_table))) {
        free(c);
        return NULL;
    }
    return c;
}

void cfg_free(cfg *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_leaf; i++) cfg_leaf_free(&c->leaf[i]);
    free(c->leaf);
    free(c->by_key.slot);
    cfg_strs_free(&c->files);
    cfg_set_free(&c->variants);
    cfg_set_free(&c->names);
    cfg_index_release(c->ix);
    free(c->dir);
    free(c->source.s);
    free(c);
}

/* ------------------------------------------------------------ key matching */

static int cfg_is_star(const char *seg, size_t len)
{
    return len == 1 && seg[0] == '*';
}

/* CFG_K_LEAF when KEY is PAT, CFG_K_BRANCH when KEY is a leading part of PAT. */
static int cfg_match(const char *pat, const char *key)
{
    for (;;) {
        size_t pl = strcspn(pat, "."), kl = strcspn(key, ".");
        if (kl == 0) return CFG_K_UNKNOWN;
        if (!cfg_is_star(pat, pl) && (pl != kl || memcmp(pat, key, pl)))
            return CFG_K_UNKNOWN;
        pat += pl;
        key += kl;
        if (!*key) return *pat ? CFG_K_BRANCH : CFG_K_LEAF;
        if (!*pat) return CFG_K_UNKNOWN;
        pat++;
        key++;
    }
}

/*
 * Matching every key against every table path was most of a load's time, so
 * the table is indexed once per cfg: each path maps to its index, each of
 * its leading parts to CFG_BRANCH_MARK.  A key is then looked up as written
 * and with each of its segments in turn replaced by '*', which finds every
 * path with at most one '*'; a table with more falls back to scanning.
 */
static void cfg_index_release(cfg_index *ix)
{
    if (ix && __atomic_sub_fetch(&ix->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        free(ix->pat.slot);
        free(ix->prefixes);
        free(ix->required);
        free(ix->star);
        free(ix->star_len);
        free(ix);
    }
}

static cfg_index *cfg_index_table(const cfg_key *table, size_t n_table)
{
    cfg_index *ix = calloc(1, sizeof *ix);
    size_t bytes = 1, n_keys = n_table;
    if (!ix) return NULL;
    ix->refs = 1;
    for (size_t i = 0; i < n_table; i++) {
        bytes += strlen(table[i].path) + 1;
        for (const char *p = table[i].path; *p; p++) n_keys += *p == '.';
    }
    ix->prefixes = malloc(bytes);
    ix->required = malloc((n_table ? n_table : 1) * sizeof *ix->required);
    ix->star = malloc((n_table ? n_table : 1) * sizeof *ix->star);
    ix->star_len = malloc((n_table ? n_table : 1) * sizeof *ix->star_len);
    if (!ix->prefixes || !ix->required || !ix->star || !ix->star_len ||
        cfg_map_reserve(&ix->pat, n_keys))
        goto fail;
    for (size_t i = 0; i < n_table; i++) {
        const char *path = table[i].path;
        int stars = 0;
        for (const char *p = path; *p; p += strcspn(p, "."), p += *p == '.')
            stars += cfg_is_star(p, strcspn(p, "."));
        ix->multi_star |= stars > 1;
        /* A required key needs a '*' whose names it belongs to, and a
         * suffix after it; others are not checked (see config.h). */
        if ((table[i].flags & CFG_REQUIRED) && stars == 1 && strstr(path, ".*."))
            ix->required[ix->n_required++] = (int)i;
        if (stars == 1) {
            const char *at = !strncmp(path, "*.", 2) || !strcmp(path, "*") ? path
                           : strstr(path, ".*.") ? strstr(path, ".*.") + 1
                           : path + strlen(path) - 1;   /* "a.b.*" */
            size_t len = (size_t)(at - path);
            int known = 0;
            for (int j = 0; j < ix->n_star && !known; j++)
                known = ix->star_len[j] == len && !memcmp(ix->star[j], path, len);
            if (!known) {
                ix->star[ix->n_star] = path;
                ix->star_len[ix->n_star++] = len;
            }
        }
        /* The first entry for a path wins, as in a scan in table order. */
        if (cfg_map_get(&ix->pat, path) < 0 && cfg_map_put(&ix->pat, path, (int)i))
            goto fail;
    }
    char *w = ix->prefixes;
    for (size_t i = 0; i < n_table; i++) {
        const char *path = table[i].path;
        for (const char *p = path; *p; p++) {
            if (*p != '.') continue;
            size_t len = (size_t)(p - path);
            memcpy(w, path, len);
            w[len] = '\0';
            if (cfg_map_get(&ix->pat, w) < 0) {
                if (cfg_map_put(&ix->pat, w, CFG_BRANCH_MARK)) goto fail;
                w += len + 1;
            }
        }
    }
    return ix;
fail:
    cfg_index_release(ix);
    return NULL;
}

/* The scan the index replaces, for tables it cannot serve. */
static int cfg_scan(const cfg *c, const char *key, const cfg_key **k)
{
    int branch = 0;
    for (size_t i = 0; i < c->n_table; i++) {
        int m = cfg_match(c->table[i].path, key);
        if (m == CFG_K_LEAF && (!*k || !strcmp(c->table[i].path, key)))
            *k = &c->table[i];
        branch |= m == CFG_K_BRANCH;
    }
    return *k ? CFG_K_LEAF : branch ? CFG_K_BRANCH : CFG_K_UNKNOWN;
}

/* What KEY is to the table; *K is its entry when a leaf: the path equal to
 * KEY if there is one, else the first pattern in table order that matches. */
static int cfg_lookup(const cfg *c, const char *key, const cfg_key **k)
{
    char probe[CFG_KEY_MAX + 2];
    size_t len = strlen(key);
    int best = -1, branch = 0;
    *k = NULL;
    if (c->ix->multi_star) return cfg_scan(c, key, k);
    if (len >= CFG_KEY_MAX) return CFG_K_UNKNOWN;
    int v = cfg_map_get(&c->ix->pat, key);
    if (v >= 0) {                     /* a path as written beats a pattern */
        *k = &c->table[v];
        return CFG_K_LEAF;
    }
    branch = v == CFG_BRANCH_MARK;
    /* Only where a pattern has its '*' after the same leading part. */
    for (int j = 0; j < c->ix->n_star; j++) {
        size_t at = c->ix->star_len[j];
        if (at > len || memcmp(key, c->ix->star[j], at)) continue;
        const char *seg = key + at;
        size_t sl = strcspn(seg, ".");
        if (!sl) continue;                /* "a..b": no path has it */
        memcpy(probe, key, at);
        probe[at] = '*';
        memcpy(probe + at + 1, seg + sl, len - at - sl + 1);
        v = cfg_map_get(&c->ix->pat, probe);
        if (v >= 0 && (best < 0 || v < best)) best = v;
        branch |= v == CFG_BRANCH_MARK;
    }
    if (best >= 0) {
        *k = &c->table[best];
        return CFG_K_LEAF;
    }
    return branch ? CFG_K_BRANCH : CFG_K_UNKNOWN;
}

/* The first table entry whose path matches KEY, or NULL. */
static const cfg_key *cfg_pattern(const cfg *c, const char *key)
{
    const cfg_key *k;
    return cfg_lookup(c, key, &k) == CFG_K_LEAF ? k : NULL;
}

/* Splits "variants.NAME[.REST]"; REST is NULL when the key stops at NAME. */
static int cfg_variant_split(const char *key, const char **name, size_t *len,
                             const char **rest)
{
    static const char pre[] = "variants.";
    if (strncmp(key, pre, sizeof pre - 1)) return 0;
    *name = key + sizeof pre - 1;
    *len = strcspn(*name, ".");
    if (!*len) return 0;
    *rest = (*name)[*len] ? *name + *len + 1 : NULL;
    return 1;
}

static int cfg_is_variant_key(const char *key)
{
    return !strncmp(key, "variants.", 9);
}

/* Variant overrides are checked as the table key they override. */
static int cfg_classify(const cfg *c, const char *key, const cfg_key **k)
{
    const char *name, *rest;
    size_t len;
    *k = NULL;
    if (!strcmp(key, "variants")) return CFG_K_BRANCH;
    if (cfg_variant_split(key, &name, &len, &rest)) {
        if (!rest) return CFG_K_BRANCH;
        key = rest;
    }
    return cfg_lookup(c, key, k);
}

static size_t cfg_levenshtein(const char *a, const char *b)
{
    size_t row[2 * CFG_KEY_MAX + 1];
    size_t la = strlen(a), lb = strlen(b);
    if (lb > 2 * CFG_KEY_MAX) lb = 2 * CFG_KEY_MAX;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cfg_nearest_word(const char *word, const char *const *words, int n)
{
    const char *best = NULL;
    size_t d = SIZE_MAX;
    for (int i = 0; i < n; i++) {
        size_t e = cfg_levenshtein(word, words[i]);
        if (e < d) {
            d = e;
            best = words[i];
        }
    }
    return best;
}

static int cfg_segments(const char *s)
{
    int n = 1;
    for (; *s; s++) n += *s == '.';
    return n;
}

/* PAT with each '*' replaced by KEY's name at that position, when they have
 * the same depth: the suggestion then reads as the user's own key. */
static void cfg_candidate(const char *pat, const char *key, char *out,
                          size_t n)
{
    if (cfg_segments(pat) != cfg_segments(key)) {
        snprintf(out, n, "%s", pat);
        return;
    }
    cfg_buf b = {0};
    for (;;) {
        size_t pl = strcspn(pat, "."), kl = strcspn(key, ".");
        if (cfg_is_star(pat, pl)) cfg_buf_add(&b, key, kl);
        else cfg_buf_add(&b, pat, pl);
        pat += pl;
        key += kl;
        if (!*pat) break;
        cfg_buf_add(&b, ".", 1);
        pat++;
        key++;
    }
    snprintf(out, n, "%s", b.s ? b.s : "");
    free(b.s);
}

static void cfg_nearest(const cfg *c, const char *key, char *out, size_t n)
{
    char cand[2 * CFG_KEY_MAX];
    size_t best = SIZE_MAX;
    out[0] = '\0';
    for (size_t i = 0; i < c->n_table; i++) {
        cfg_candidate(c->table[i].path, key, cand, sizeof cand);
        size_t d = cfg_levenshtein(key, cand);
        if (d < best) {
            best = d;
            snprintf(out, n, "%s", cand);
        }
    }
}

/* ----------------------------------------------------------------- errors */

static void cfg_cat(char *dst, size_t n, const char *src)
{
    size_t len = strlen(dst);
    if (len + 1 >= n) return;
    size_t k = strlen(src);
    if (k > n - len - 1) k = n - len - 1;
    memcpy(dst + len, src, k);
    dst[len + k] = '\0';
}

/* Fills ERR; KEYED adds the "key 'KEY': " the message format asks for. */
static void cfg_verr(cfg_error *err, const char *file, int line, int col,
                     const char *key, int keyed, const char *fmt, va_list ap)
{
    if (!err) return;
    char body[sizeof err->message], where[64];
    vsnprintf(body, sizeof body, fmt, ap);
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    snprintf(err->key, sizeof err->key, "%s", key ? key : "");
    err->line = line > 0 ? line : 0;
    err->column = line > 0 ? col : 0;
    err->message[0] = '\0';
    cfg_cat(err->message, sizeof err->message, err->file);
    if (err->line) {
        snprintf(where, sizeof where, ":%d:%d", err->line, err->column);
        cfg_cat(err->message, sizeof err->message, where);
    }
    cfg_cat(err->message, sizeof err->message, ": ");
    if (keyed) {
        cfg_cat(err->message, sizeof err->message, "key '");
        cfg_cat(err->message, sizeof err->message, err->key);
        cfg_cat(err->message, sizeof err->message, "': ");
    }
    cfg_cat(err->message, sizeof err->message, body);
}

static int cfg_err(cfg_error *err, const char *file, int line, int col,
                   const char *key, int keyed, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int cfg_err(cfg_error *err, const char *file, int line, int col,
                   const char *key, int keyed, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_verr(err, file, line, col, key, keyed, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---------------------------------------------------------------- values */

/* Shortest %g text that reads back as the same double. */
static void cfg_fmt_num(double v, char *out, size_t n)
{
    if (isinf(v)) {
        snprintf(out, n, "%s", v < 0 ? "-.inf" : ".inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}

/* Accepts decimal and exponent forms and YAML's .inf; never NaN.  A
 * number too large for a double reads as infinite (so the range check
 * names it, as it does .inf); one too small to be told from 0 is refused
 * rather than read as 0 or a denormal. */
static int cfg_parse_number(const char *s, double *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (!strcasecmp(p, ".inf")) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    /* strtod would also take "inf", "nan" and leading blanks. */
    if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
        return -1;
    /* ... and hexadecimal ("0x1p4"), which no scenario means. */
    if (p[strspn(p, "0123456789.eE+-")]) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end) return -1;
    if (errno == ERANGE && isinf(v)) {
        *out = v;
        return 0;
    }
    if (errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int cfg_parse_bool(const char *s, double *out)
{
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes")) *out = 1;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no")) *out = 0;
    else return -1;
    return 0;
}

static int cfg_is_choice(const char *choices, const char *s)
{
    size_t len = strlen(s);
    while (choices && *choices) {
        size_t w = strcspn(choices, "|");
        if (w == len && !memcmp(choices, s, len)) return 1;
        choices += w + (choices[w] == '|');
    }
    return 0;
}

static const char *cfg_unit(const cfg_key *k)
{
    return k->unit && *k->unit ? k->unit : NULL;
}

/* "a number (DKK/year)": what KEY takes, for messages. */
static void cfg_expect(const cfg_key *k, char *out, size_t n)
{
    static const char *what[] = {
        [CFG_REAL] = "a number", [CFG_INT] = "a whole number",
        [CFG_BOOL] = "true, false, yes or no", [CFG_STRING] = "text",
        [CFG_REAL_LIST] = "a list of numbers",
    };
    if (k->type == CFG_ENUM) {
        snprintf(out, n, "one of {");
        for (const char *c = k->choices ? k->choices : ""; *c; c++) {
            if (*c == '|') cfg_cat(out, n, ", ");
            else cfg_cat(out, n, (char[2]){ *c, '\0' });
        }
        cfg_cat(out, n, "}");
        return;
    }
    snprintf(out, n, "%s", what[k->type]);
    int numeric = k->type == CFG_REAL || k->type == CFG_INT ||
                  k->type == CFG_REAL_LIST;
    if (numeric && cfg_unit(k)) {
        cfg_cat(out, n, " (");
        cfg_cat(out, n, cfg_unit(k));
        cfg_cat(out, n, ")");
    }
}

/* The first control character of S (never a terminal's business), or 0. */
static int cfg_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return *p;
    return 0;
}

/* S quoted for a message: cut after CFG_SHOW_MAX bytes, control characters
 * as \xNN.  OUT should hold 4 * CFG_SHOW_MAX + 8 bytes. */
static void cfg_show_text(const char *s, char *out, size_t n)
{
    if (!*s) {
        snprintf(out, n, "nothing");
        return;
    }
    size_t len = strlen(s), w = 0;
    int cut = len > CFG_SHOW_MAX;
    if (cut) len = CFG_SHOW_MAX;
    if (n < 8) {
        if (n) out[0] = '\0';
        return;
    }
    out[w++] = '\'';
    for (size_t i = 0; i < len && w + 9 < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f) w += (size_t)snprintf(out + w, n - w, "\\x%02x", ch);
        else out[w++] = (char)ch;
    }
    if (cut) w += (size_t)snprintf(out + w, n - w, "...");
    out[w++] = '\'';
    out[w] = '\0';
}

static void cfg_show(const yaml_node_t *v, char *out, size_t n)
{
    if (v->type == YAML_SCALAR_NODE)
        cfg_show_text((const char *)v->data.scalar.value, out, n);
    else snprintf(out, n, v->type == YAML_MAPPING_NODE ? "a mapping" : "a list");
}

/* Checks S as a number for K (a list item when K is a REAL_LIST). */
static int cfg_check_number(const cfg_key *k, const char *s, double *out,
                            char *why, size_t n)
{
    char shown[4 * CFG_SHOW_MAX + 8], lo[32], hi[32];
    const char *unit = cfg_unit(k);
    double v;
    int bad = cfg_parse_number(s, &v) ||
              (k->type == CFG_INT && (v != floor(v) || fabs(v) > 9007199254740992.0));
    if (bad || v < k->min || v > k->max) cfg_show_text(s, shown, sizeof shown);
    if (bad) {
        snprintf(why, n, "expected %s%s%s%s, got %s",
                 k->type == CFG_INT ? "a whole number" : "a number",
                 unit ? " (" : "", unit ? unit : "", unit ? ")" : "", shown);
        return -1;
    }
    if (v < k->min || v > k->max) {
        cfg_fmt_num(k->min, lo, sizeof lo);
        cfg_fmt_num(k->max, hi, sizeof hi);
        snprintf(why, n, "%s is out of range [%s, %s]%s%s", shown, lo, hi,
                 unit ? " " : "", unit ? unit : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* --------------------------------------------------------------- loading */

typedef struct cfg_loader {
    cfg             *out;      /* this file's leaves, validated */
    const char      *path;
    yaml_document_t *doc;
    cfg_set          seen;     /* keys and mapping paths -> first line */
    long             nodes;    /* pairs walked, aliases at every use */
    char            *extends;
    yaml_mark_t      ext_mark;
    cfg_error       *err;
} cfg_loader;

static int cfg_ld_err(cfg_loader *ld, const yaml_mark_t *m, const char *key,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int cfg_ld_err(cfg_loader *ld, const yaml_mark_t *m, const char *key,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_verr(ld->err, ld->path, (int)m->line + 1, (int)m->column + 1, key,
             key != NULL, fmt, ap);
    va_end(ap);
    return -1;
}

static int cfg_oom(cfg_error *err, const char *file)
{
    return cfg_err(err, file, 0, 0, NULL, 0, "out of memory");
}

static int cfg_type_error(cfg_loader *ld, const char *key, const cfg_key *k,
                          const yaml_node_t *v)
{
    char want[512], got[4 * CFG_SHOW_MAX + 8], word[64];
    cfg_expect(k, want, sizeof want);
    cfg_show(v, got, sizeof got);
    /* A misspelt word of an enumeration gets the nearest one offered. */
    const char *near = NULL, *words[32];
    int n = 0;
    if (k->type == CFG_ENUM && v->type == YAML_SCALAR_NODE && k->choices) {
        for (const char *ch = k->choices; *ch && n < 32; n++) {
            size_t len = strcspn(ch, "|");
            words[n] = ch;
            ch += len + (ch[len] == '|');
        }
        /* words[] point into CHOICES: compare each as its own string */
        size_t best = SIZE_MAX;
        for (int i = 0; i < n; i++) {
            size_t len = strcspn(words[i], "|");
            snprintf(word, sizeof word, "%.*s", (int)len, words[i]);
            size_t d = cfg_levenshtein((const char *)v->data.scalar.value, word);
            if (d < best && d <= 1 + len / 3) {
                best = d;
                near = words[i];
            }
        }
    }
    if (near)
        return cfg_ld_err(ld, &v->start_mark, key, "expected %s, got %s; did you "
                          "mean '%.*s'?", want, got, (int)strcspn(near, "|"), near);
    return cfg_ld_err(ld, &v->start_mark, key, "expected %s, got %s", want, got);
}

static int cfg_unknown(cfg_loader *ld, const char *key, const yaml_node_t *kn)
{
    char near[3 * CFG_KEY_MAX] = "";
    const char *name, *rest;
    size_t len;
    if (cfg_variant_split(key, &name, &len, &rest) && rest) {
        size_t pre = (size_t)(rest - key);
        memcpy(near, key, pre);
        cfg_nearest(ld->out, rest, near + pre, sizeof near - pre);
        if (!near[pre]) near[0] = '\0';
    } else {
        cfg_nearest(ld->out, key, near, sizeof near);
    }
    int line = (int)kn->start_mark.line + 1, col = (int)kn->start_mark.column + 1;
    if (!*near)
        return cfg_err(ld->err, ld->path, line, col, key, 0,
                       "unknown key '%s'", key);
    return cfg_err(ld->err, ld->path, line, col, key, 0,
                   "unknown key '%s'; did you mean '%s'?", key, near);
}

static int cfg_check_scalar(cfg_loader *ld, const char *key, const cfg_key *k,
                            const yaml_node_t *v, cfg_leaf *lf)
{
    const char *s = (const char *)v->data.scalar.value;
    char why[768];
    if (k->type == CFG_REAL_LIST) return cfg_type_error(ld, key, k, v);
    if (v->data.scalar.length >= CFG_TEXT_MAX)
        return cfg_ld_err(ld, &v->start_mark, key,
                          "value is longer than %d characters", CFG_TEXT_MAX - 1);
    if (strlen(s) != v->data.scalar.length || cfg_control(s)) {
        char shown[4 * CFG_SHOW_MAX + 8];
        cfg_show_text(s, shown, sizeof shown);
        return cfg_ld_err(ld, &v->start_mark, key,
                          "value %s holds a control character", shown);
    }
    switch (k->type) {
    case CFG_REAL:
    case CFG_INT:
        if (cfg_check_number(k, s, &lf->num, why, sizeof why))
            return cfg_ld_err(ld, &v->start_mark, key, "%s", why);
        break;
    case CFG_BOOL:
        if (cfg_parse_bool(s, &lf->num)) return cfg_type_error(ld, key, k, v);
        break;
    case CFG_ENUM:
        if (!cfg_is_choice(k->choices, s)) return cfg_type_error(ld, key, k, v);
        break;
    default:
        break;
    }
    lf->text = strdup(s);
    return lf->text ? 0 : cfg_oom(ld->err, ld->path);
}

static int cfg_check_list(cfg_loader *ld, const char *key, const cfg_key *k,
                          const yaml_node_t *v, cfg_leaf *lf)
{
    char why[768];
    if (k->type != CFG_REAL_LIST) return cfg_type_error(ld, key, k, v);
    yaml_node_item_t *it = v->data.sequence.items.start;
    int n = (int)(v->data.sequence.items.top - it);
    if (n > CFG_LIST_MAX)
        return cfg_ld_err(ld, &v->start_mark, key,
                          "list has %d items; at most %d are allowed", n,
                          CFG_LIST_MAX);
    lf->items = malloc((size_t)(n ? n : 1) * sizeof *lf->items);
    if (!lf->items) return cfg_oom(ld->err, ld->path);
    for (int i = 0; i < n; i++) {
        const yaml_node_t *item = yaml_document_get_node(ld->doc, it[i]);
        if (item->type != YAML_SCALAR_NODE)
            return cfg_ld_err(ld, &item->start_mark, key,
                              "item %d: expected a number, got %s", i + 1,
                              item->type == YAML_MAPPING_NODE ? "a mapping"
                                                              : "a list");
        if (cfg_check_number(k, (const char *)item->data.scalar.value,
                             &lf->items[i], why, sizeof why))
            return cfg_ld_err(ld, &item->start_mark, key, "item %d: %s",
                              i + 1, why);
    }
    lf->n_items = n;
    return 0;
}

/* Remembers NAME of a "variants.NAME..." key, so even an empty variant counts. */
static int cfg_note_variant(cfg *c, const char *key)
{
    const char *name, *rest;
    size_t len;
    if (!cfg_variant_split(key, &name, &len, &rest)) return 0;
    return cfg_set_add(&c->variants, name, len, 0) < 0 ? -1 : 0;
}

static int cfg_note_variant_at(cfg_loader *ld, const char *key,
                               const yaml_node_t *kn)
{
    if (cfg_note_variant(ld->out, key)) return cfg_oom(ld->err, ld->path);
    if (ld->out->variants.s.n > CFG_VARIANTS_MAX)
        return cfg_ld_err(ld, &kn->start_mark, NULL,
                          "more than %d variants", CFG_VARIANTS_MAX);
    return 0;
}

static int cfg_add_leaf(cfg_loader *ld, const char *key, const cfg_key *k,
                        const yaml_node_t *kn, const yaml_node_t *v)
{
    cfg_leaf lf = {0};
    int rc = v->type == YAML_SCALAR_NODE ? cfg_check_scalar(ld, key, k, v, &lf)
                                         : cfg_check_list(ld, key, k, v, &lf);
    if (rc) {
        cfg_leaf_free(&lf);
        return -1;
    }
    lf.line = (int)kn->start_mark.line + 1;
    lf.column = (int)kn->start_mark.column + 1;
    lf.k = k;
    lf.key = strdup(key);
    if (!lf.key) {
        cfg_leaf_free(&lf);
        return cfg_oom(ld->err, ld->path);
    }
    if (cfg_note_variant_at(ld, key, kn)) {
        cfg_leaf_free(&lf);
        return -1;
    }
    if (cfg_put(ld->out, &lf)) return cfg_oom(ld->err, ld->path);
    return 0;
}

static int cfg_walk_mapping(cfg_loader *ld, const yaml_node_t *map,
                            const char *prefix);

/* A node's tag is the default for its kind unless the text gave one. */
static int cfg_tagged(const yaml_node_t *n)
{
    static const char pre[] = "tag:yaml.org,2002:";   /* then str, seq, map */
    const char *tag = (const char *)n->tag, *kind =
        n->type == YAML_SCALAR_NODE ? "str"
      : n->type == YAML_SEQUENCE_NODE ? "seq" : "map";
    return tag && (strncmp(tag, pre, sizeof pre - 1) ||
                   strcmp(tag + sizeof pre - 1, kind));
}

static int cfg_walk_value(cfg_loader *ld, const char *key,
                          const yaml_node_t *kn, const yaml_node_t *v)
{
    const cfg_key *k;
    /* A tag would be silently ignored: the key table decides every type. */
    if (cfg_tagged(v) || cfg_tagged(kn))
        return cfg_ld_err(ld, cfg_tagged(v) ? &v->start_mark : &kn->start_mark,
                          key, "YAML tags (such as !!int or !name) are not used "
                          "in scenarios; the reference gives each key's type");
    int kind = cfg_classify(ld->out, key, &k);
    if (v->type == YAML_MAPPING_NODE) {
        if (kind == CFG_K_LEAF) return cfg_type_error(ld, key, k, v);
        if (cfg_note_variant_at(ld, key, kn)) return -1;
        /* An unknown mapping is reported at its first key, which can be
         * matched against the table; an empty one has nothing better. */
        if (kind == CFG_K_UNKNOWN &&
            v->data.mapping.pairs.start == v->data.mapping.pairs.top)
            return cfg_unknown(ld, key, kn);
        return cfg_walk_mapping(ld, v, key);
    }
    if (kind == CFG_K_BRANCH) {
        char got[4 * CFG_SHOW_MAX + 8];
        cfg_show(v, got, sizeof got);
        return cfg_ld_err(ld, &v->start_mark, key,
                          "expected a mapping of keys, got %s", got);
    }
    if (kind == CFG_K_UNKNOWN) return cfg_unknown(ld, key, kn);
    return cfg_add_leaf(ld, key, k, kn, v);
}

/* PREFIX.NAME into OUT, refusing keys that could not be written back. */
static int cfg_join_key(cfg_loader *ld, const char *prefix,
                        const yaml_node_t *kn, char *out)
{
    if (kn->type != YAML_SCALAR_NODE)
        return cfg_ld_err(ld, &kn->start_mark, *prefix ? prefix : NULL,
                          "a key must be a name, not %s",
                          kn->type == YAML_MAPPING_NODE ? "a mapping" : "a list");
    const char *s = (const char *)kn->data.scalar.value;
    size_t len = kn->data.scalar.length, plen = strlen(prefix);
    char shown[4 * CFG_SHOW_MAX + 8];
    const char *why = NULL;
    if (!len || s[0] == '.' || s[len - 1] == '.' || strstr(s, "..") ||
        strlen(s) != len)
        why = "%s is not a valid key name";
    else if (cfg_control(s))
        why = "key %s holds a control character";
    /* '*' is the table's wildcard: as a name it would match every name. */
    for (const char *p = s; !why && *p; p += strcspn(p, "."), p += *p == '.')
        if (cfg_is_star(p, strcspn(p, ".")))
            why = "'*' is not a valid name (key %s)";
    if (why) {
        cfg_show_text(s, shown, sizeof shown);
        return cfg_ld_err(ld, &kn->start_mark, NULL, why, shown);
    }
    if (plen + 1 + len >= CFG_KEY_MAX)
        return cfg_ld_err(ld, &kn->start_mark, NULL,
                          "key is longer than %d characters", CFG_KEY_MAX - 1);
    /* Once per pair: plain copies, as snprintf showed in profiles. */
    memcpy(out, prefix, plen);
    if (plen) out[plen++] = '.';
    memcpy(out + plen, s, len + 1);
    return 0;
}

static int cfg_take_extends(cfg_loader *ld, const yaml_node_t *v)
{
    if (v->type != YAML_SCALAR_NODE || !v->data.scalar.length ||
        strlen((const char *)v->data.scalar.value) != v->data.scalar.length ||
        cfg_control((const char *)v->data.scalar.value)) {
        char got[4 * CFG_SHOW_MAX + 8];
        cfg_show(v, got, sizeof got);
        return cfg_ld_err(ld, &v->start_mark, "extends",
                          "expected the name of a file to extend, got %s", got);
    }
    ld->extends = strdup((const char *)v->data.scalar.value);
    ld->ext_mark = v->start_mark;
    return ld->extends ? 0 : cfg_oom(ld->err, ld->path);
}

static int cfg_walk_pair(cfg_loader *ld, const char *prefix,
                         const yaml_node_pair_t *p)
{
    const yaml_node_t *kn = yaml_document_get_node(ld->doc, p->key);
    const yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
    char key[CFG_KEY_MAX];
    /* An alias is walked at every use, so this, not the file size, is what
     * bounds the work of a document built of aliases of aliases. */
    if (++ld->nodes > CFG_NODES_MAX)
        return cfg_ld_err(ld, &kn->start_mark, NULL,
                          "more than %d keys and mappings in one file "
                          "(aliases count at every use)", CFG_NODES_MAX);
    if (cfg_join_key(ld, prefix, kn, key)) return -1;
    /* libyaml keeps duplicate keys; flattening also catches "a: {b: 1}"
     * next to "a.b: 2". */
    int first = 0;
    int put = cfg_set_put(&ld->seen, key, strlen(key), (int)kn->start_mark.line + 1,
                          &first);
    if (put < 0) return cfg_oom(ld->err, ld->path);
    if (!put)
        return cfg_ld_err(ld, &kn->start_mark, key,
                          "duplicate key (first given on line %d)", first);
    if (!*prefix && !strcmp(key, "extends")) return cfg_take_extends(ld, v);
    return cfg_walk_value(ld, key, kn, v);
}

static int cfg_walk_mapping(cfg_loader *ld, const yaml_node_t *map,
                            const char *prefix)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++)
        if (cfg_walk_pair(ld, prefix, p)) return -1;
    return 0;
}

static int cfg_syntax_error(cfg_loader *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR) return cfg_oom(ld->err, ld->path);
    if (p->error == YAML_READER_ERROR)
        return cfg_err(ld->err, ld->path, 0, 0, NULL, 0,
                       "cannot read YAML: %s at byte %zu", problem,
                       p->problem_offset);
    if (p->context)
        return cfg_ld_err(ld, &p->problem_mark, NULL,
                          "YAML syntax error: %s (%s on line %d)", problem,
                          p->context, (int)p->context_mark.line + 1);
    return cfg_ld_err(ld, &p->problem_mark, NULL, "YAML syntax error: %s",
                      problem);
}

/* A second document would silently be ignored, so it is refused. */
static int cfg_parse_rest(cfg_loader *ld, yaml_parser_t *p)
{
    yaml_document_t more;
    if (!yaml_parser_load(p, &more)) return cfg_syntax_error(ld, p);
    int extra = yaml_document_get_root_node(&more) != NULL;
    yaml_mark_t m = more.start_mark;
    yaml_document_delete(&more);
    if (extra)
        return cfg_ld_err(ld, &m, NULL,
                          "only one YAML document is allowed in a scenario");
    return 0;
}

/*
 * libyaml takes time quadratic in the depth of flow collections
 * ("[[[[...]]]]": minutes for a file within CFG_FILE_MAX), and no scenario
 * nests more than a few, so the depth is checked on the raw text first.
 * Quoted text and comments are skipped; a bracket inside a plain scalar is
 * counted, which can only refuse a file, never let a deep one through.
 */
static int cfg_flow_depth(cfg_loader *ld, const char *text, size_t len)
{
    int depth = 0, line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '\n') {
            line++;
            bol = i + 1;
        } else if (ch == '#' && (i == bol || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            while (i + 1 < len && text[i + 1] != '\n') i++;
        } else if (ch == '"' || ch == '\'') {
            for (i++; i < len && text[i] != ch; i++) {
                if (ch == '"' && text[i] == '\\' && i + 1 < len) i++;
                if (text[i] == '\n') {
                    line++;
                    bol = i + 1;
                }
            }
        } else if (ch == '[' || ch == '{') {
            if (++depth > CFG_FLOW_MAX) {
                yaml_mark_t m = { i, (size_t)line - 1, i - bol };
                return cfg_ld_err(ld, &m, NULL, "lists and mappings nested more "
                                  "than %d deep", CFG_FLOW_MAX);
            }
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

static int cfg_parse(cfg_loader *ld, const char *text, size_t len)
{
    yaml_parser_t p;
    if (cfg_flow_depth(ld, text, len)) return -1;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p)) return cfg_oom(ld->err, ld->path);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = -1;
    if (!yaml_parser_load(&p, &doc)) {
        cfg_syntax_error(ld, &p);
        yaml_parser_delete(&p);
        return -1;
    }
    ld->doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int empty = root == NULL;
    if (empty) {
        rc = 0;
    } else if (root->type != YAML_MAPPING_NODE) {
        char got[4 * CFG_SHOW_MAX + 8];
        cfg_show(root, got, sizeof got);
        rc = cfg_ld_err(ld, &root->start_mark, NULL,
                        "the top level must be a mapping of keys, got %s", got);
    } else {
        rc = cfg_walk_mapping(ld, root, "");
    }
    ld->doc = NULL;
    yaml_document_delete(&doc);
    if (!rc && !empty) rc = cfg_parse_rest(ld, &p);
    yaml_parser_delete(&p);
    return rc;
}

const char *cfg_read_error(int errnum, char *buf, size_t n)
{
    if (errnum == CFG_ERR_NOTREG) return "not a regular file";
    if (errnum == CFG_ERR_TOOBIG) {
        snprintf(buf, n, "larger than %d bytes, the limit for a scenario or "
                 "data file", CFG_FILE_MAX);
        return buf;
    }
    /* The XSI strerror_r under _POSIX_C_SOURCE: 0 on success. */
    if (strerror_r(errnum, buf, n)) snprintf(buf, n, "error %d", errnum);
    return buf;
}

/* The size is checked on the open descriptor, and the read stops one byte
 * past the limit, so a file that grows or a device that never ends (a FIFO,
 * /dev/zero) cannot make the loader read without bound. */
char *cfg_read_file(void *ctx, const char *path, size_t *len, int *errnum)
{
    (void)ctx;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is then
     * refused as not a regular file.  A regular file ignores the flag. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    struct stat st;
    if (!f) {
        *errnum = errno;
        if (fd >= 0) close(fd);
        return NULL;
    }
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > CFG_FILE_MAX) {
        *errnum = fstat(fileno(f), &st) ? errno
                : !S_ISREG(st.st_mode) ? CFG_ERR_NOTREG : CFG_ERR_TOOBIG;
        fclose(f);
        return NULL;
    }
    cfg_buf b = {0};
    char chunk[8192];
    size_t k;
    cfg_buf_reserve(&b, (size_t)st.st_size);
    while (b.len <= CFG_FILE_MAX && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        cfg_buf_add(&b, chunk, k);
    *errnum = ferror(f) ? (errno ? errno : EIO) : b.oom ? ENOMEM
            : b.len > CFG_FILE_MAX ? CFG_ERR_TOOBIG : 0;
    fclose(f);
    if (*errnum) {
        free(b.s);
        return NULL;
    }
    *len = b.len;
    return b.s;
}

/* One link of the extends chain being loaded, for cycle detection. */
typedef struct cfg_chain {
    const char             *path;
    int                     known;          /* dev, ino valid */
    dev_t                   dev;
    ino_t                   ino;
    int                     line, column;   /* of its `extends:` value */
    const struct cfg_chain *up;
} cfg_chain;

/* REL relative to BASE_FILE's folder into OUT; -1 (OUT empty) when the
 * result does not fit: a cut path would name another file. */
static int cfg_join_path(const char *base_file, const char *rel, char *out,
                         size_t n)
{
    const char *slash = strrchr(base_file, '/');
    int k;
    if (rel[0] == '/' || !slash) k = snprintf(out, n, "%s", rel);
    else if (slash == base_file) k = snprintf(out, n, "/%s", rel);
    else k = snprintf(out, n, "%.*s/%s", (int)(slash - base_file), base_file, rel);
    if (k < 0 || (size_t)k >= n) {
        if (n) out[0] = '\0';
        return -1;
    }
    return 0;
}

static int cfg_cycle_error(const char *path, const cfg_chain *up, cfg_error *err)
{
    const cfg_chain *link[CFG_DEPTH_MAX + 1];
    int n = 0;
    for (const cfg_chain *u = up; u && n <= CFG_DEPTH_MAX; u = u->up) link[n++] = u;
    char trail[sizeof err->message] = "";
    while (n-- > 0) {
        cfg_cat(trail, sizeof trail, link[n]->path);
        cfg_cat(trail, sizeof trail, " -> ");
    }
    cfg_cat(trail, sizeof trail, path);
    return cfg_err(err, up->path, up->line, up->column, "extends", 1,
                   "extends cycle: %s", trail);
}

/* Files are compared by device and inode, which sees through "./", ".."
 * and links where comparing names would not. */
static int cfg_check_chain(const char *path, const struct stat *st,
                           const cfg_chain *up, int depth, cfg_error *err)
{
    if (depth > CFG_DEPTH_MAX)
        return cfg_err(err, up->path, up->line, up->column, "extends", 1,
                       "extends chain is longer than %d files", CFG_DEPTH_MAX);
    for (const cfg_chain *u = up; u; u = u->up)
        if (st ? u->known && u->dev == st->st_dev && u->ino == st->st_ino
               : !u->known && !strcmp(u->path, path))
            return cfg_cycle_error(path, up, err);
    return 0;
}

/* Moves the leaves of one file's SRC over the leaves loaded so far. */
static int cfg_merge(cfg *c, cfg *src, int file)
{
    for (size_t i = 0; i < src->variants.s.n; i++) {
        const char *v = src->variants.s.v[i];
        if (cfg_set_add(&c->variants, v, strlen(v), 0) < 0) return -1;
    }
    for (size_t i = 0; i < src->n_leaf; i++) {
        cfg_leaf lf = src->leaf[i];
        memset(&src->leaf[i], 0, sizeof lf);
        lf.file = file;
        if (cfg_put(c, &lf)) return -1;
    }
    return 0;
}

static int cfg_add_file(cfg *c, const char *path, const char *text, size_t len)
{
    if (cfg_strs_push(&c->files, path, strlen(path))) return -1;
    cfg_buf_printf(&c->source, "# --- %s ---\n", path);
    cfg_buf_add(&c->source, text, len);
    if (len && text[len - 1] != '\n') cfg_buf_add(&c->source, "\n", 1);
    return c->source.oom ? -1 : 0;
}

static int cfg_load_file(cfg *c, const char *path, const cfg_reader *rd,
                         const cfg_chain *up, int depth, cfg_error *err);

static int cfg_load_base(cfg *c, cfg_loader *ld, const cfg_reader *rd,
                         const struct stat *st, const cfg_chain *up, int depth)
{
    char base[4096];
    cfg_chain me = { ld->path, st != NULL, st ? st->st_dev : 0,
                     st ? st->st_ino : 0, (int)ld->ext_mark.line + 1,
                     (int)ld->ext_mark.column + 1, up };
    if (cfg_join_path(ld->path, ld->extends, base, sizeof base))
        return cfg_err(ld->err, ld->path, me.line, me.column, "extends", 1,
                       "the path of '%s' is longer than %zu bytes", ld->extends,
                       sizeof base - 1);
    return cfg_load_file(c, base, rd, &me, depth + 1, ld->err);
}

static int cfg_load_file(cfg *c, const char *path, const cfg_reader *rd,
                         const cfg_chain *up, int depth, cfg_error *err)
{
    /* Only the file system has inodes; a reader of its own compares names. */
    struct stat sb;
    const struct stat *st =
        rd->read != cfg_read_file || stat(path, &sb) ? NULL : &sb;
    if (cfg_check_chain(path, st, up, depth, err)) return -1;
    size_t len = 0;
    int errnum = 0;
    char *text = rd->read(rd->ctx, path, &len, &errnum);
    if (!text) {
        char buf[256];
        const char *why = cfg_read_error(errnum, buf, sizeof buf);
        if (!up) return cfg_err(err, path, 0, 0, NULL, 0, "cannot read: %s", why);
        return cfg_err(err, path, 0, 0, NULL, 0,
                       "cannot read: %s (named by extends in %s:%d:%d)", why,
                       up->path, up->line, up->column);
    }
    cfg_loader ld = { .path = path, .err = err };
    int rc = -1;
    ld.out = cfg_new(c->table, c->n_table, c);
    if (!ld.out) cfg_oom(err, path);
    else if (!cfg_parse(&ld, text, len) &&
             (!ld.extends || !cfg_load_base(c, &ld, rd, st, up, depth))) {
        int file = (int)c->files.n;
        rc = cfg_add_file(c, path, text, len) || cfg_merge(c, ld.out, file)
                 ? cfg_oom(err, path) : 0;
    }
    cfg_free(ld.out);
    cfg_set_free(&ld.seen);
    free(ld.extends);
    free(text);
    return rc;
}

/* The names at '*' positions, for cfg_names: "groups.autism" for a leaf
 * "groups.autism.narrow" under "groups.*.narrow".  A table with a path of
 * two '*' keeps every leading part of every key instead. */
static int cfg_index_names(cfg *c)
{
    const cfg_index *ix = c->ix;
    for (size_t i = 0; i < c->n_leaf; i++) {
        const char *key = c->leaf[i].key;
        if (cfg_is_variant_key(key)) continue;
        if (ix->multi_star) {
            for (const char *p = key;; p++) {
                if ((*p == '.' || !*p) &&
                    cfg_set_add(&c->names, key, (size_t)(p - key), 0) < 0)
                    return -1;
                if (!*p) break;
            }
            continue;
        }
        for (int j = 0; j < ix->n_star; j++) {
            size_t at = ix->star_len[j];
            if (strncmp(key, ix->star[j], at)) continue;
            size_t len = at + strcspn(key + at, ".");
            if (len > at && cfg_set_add(&c->names, key, len, 0) < 0) return -1;
        }
    }
    return 0;
}

static char *cfg_dirname(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash) return strdup(".");
    if (slash == file) return strdup("/");
    return strndup(file, (size_t)(slash - file));
}

/* ------------------------------------------------------ declared names */

/* PAT's parts around its one '*': "groups.*.narrow" gives "groups" and
 * "narrow".  0 when PAT has no '*' or more than one, or no suffix. */
static int cfg_star_split(const char *pat, char *prefix, size_t n,
                          const char **suffix)
{
    const char *star = strstr(pat, ".*.");
    if (!star || strstr(star + 2, ".*.") || (size_t)(star - pat) >= n) return 0;
    memcpy(prefix, pat, (size_t)(star - pat));
    prefix[star - pat] = '\0';
    *suffix = star + 3;
    return 1;
}

/* The required keys under PREFIX that NAME lacks, as "a, b"; AT is put in
 * front of every key looked up ("variants.V." or ""). */
static void cfg_missing(const cfg *c, const char *at, const char *prefix,
                        const char *name, char *out, size_t n)
{
    char pre[CFG_KEY_MAX], key[3 * CFG_KEY_MAX];
    const char *suffix;
    out[0] = '\0';
    for (int r = 0; r < c->ix->n_required; r++) {
        const cfg_key *t = &c->table[c->ix->required[r]];
        if (!cfg_star_split(t->path, pre, sizeof pre, &suffix) || strcmp(pre, prefix))
            continue;
        snprintf(key, sizeof key, "%s%s.%s.%s", at, prefix, name, suffix);
        if (cfg_map_get(&c->by_key, key) >= 0) continue;
        if (*out) cfg_cat(out, n, ", ");
        cfg_cat(out, n, suffix);
    }
}

/* The name under PREFIX nearest NAME among those that lack nothing. */
static void cfg_nearest_name(const cfg *c, const char *prefix,
                             const char *name, char *out, size_t n)
{
    const char *names[256];
    char lack[512];
    size_t best = SIZE_MAX;
    int k = cfg_names(c, prefix, names, 256);
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        if (!strcmp(names[i], name)) continue;
        cfg_missing(c, "", prefix, names[i], lack, sizeof lack);
        size_t d = cfg_levenshtein(name, names[i]);
        if (!*lack && d < best) {
            best = d;
            snprintf(out, n, "%s", names[i]);
        }
    }
}

static int cfg_undeclared(const cfg *c, const cfg_leaf *lf, const char *prefix,
                          const char *name, const char *lack, const char *variant,
                          cfg_error *err)
{
    char near[CFG_KEY_MAX], key[2 * CFG_KEY_MAX + 2], hint[CFG_KEY_MAX + 32] = "";
    cfg_nearest_name(c, prefix, name, near, sizeof near);
    if (*near) snprintf(hint, sizeof hint, "; or did you mean '%s'?", near);
    snprintf(key, sizeof key, "%s.%s", prefix, name);
    if (variant)
        return cfg_err(err, c->files.v[lf->file], lf->line, lf->column, key, 1,
                       "variant '%s' names '%s', which the scenario does not "
                       "declare under '%s'; to declare it here, give %s%s",
                       variant, name, prefix, lack, hint);
    if (*near)
        return cfg_err(err, c->files.v[lf->file], lf->line, lf->column, key, 1,
                       "no '%s' is declared under '%s'; if you meant '%s', "
                       "correct the name; if '%s' is a new one, give it %s "
                       "(they have no default)", name, prefix, near, name, lack);
    return cfg_err(err, c->files.v[lf->file], lf->line, lf->column, key, 1,
                   "no '%s' is declared under '%s'; a new one must give %s "
                   "(they have no default)", name, prefix, lack);
}

/*
 * A name at a '*' position is declared by the keys given for it; one that
 * lacks a CFG_REQUIRED key is taken for a misspelling of a declared one,
 * in the base and in each variant (where a name the base lacks must be
 * declared in full).  The error points at the name's first key.
 */
static int cfg_check_declared(const cfg *c, cfg_error *err)
{
    char pre[CFG_KEY_MAX], lack[512], at[CFG_KEY_MAX + 16];
    char last[2 * CFG_KEY_MAX + 2] = "", last_at[CFG_KEY_MAX + 16] = "";
    const char *suffix;
    if (!c->ix->n_required) return 0;
    for (size_t i = 0; i < c->n_leaf; i++) {
        const cfg_leaf *lf = &c->leaf[i];
        const char *key = lf->key, *vname = NULL, *rest;
        size_t vlen = 0;
        at[0] = '\0';
        if (cfg_variant_split(key, &vname, &vlen, &rest)) {
            if (!rest) continue;
            snprintf(at, sizeof at, "variants.%.*s.", (int)vlen, vname);
            key = rest;
        }
        if (!lf->k || !c->ix->n_required ||
            !cfg_star_split(lf->k->path, pre, sizeof pre, &suffix))
            continue;
        /* KEY is PRE.NAME.SUFFIX: NAME stands where the '*' does. */
        size_t plen = strlen(pre), nlen = strlen(key) - plen - strlen(suffix) - 2;
        char name[CFG_KEY_MAX], decl[2 * CFG_KEY_MAX + 2];
        if (strlen(key) < plen + strlen(suffix) + 3 || nlen >= sizeof name) continue;
        memcpy(name, key + plen + 1, nlen);
        name[nlen] = '\0';
        snprintf(decl, sizeof decl, "%s.%s", pre, name);
        /* A name's keys mostly stand together: check each name once. */
        if (!strcmp(decl, last) && !strcmp(at, last_at)) continue;
        snprintf(last, sizeof last, "%s", decl);
        snprintf(last_at, sizeof last_at, "%s", at);
        int in_base = cfg_map_get(&c->names.ix, decl) >= 0;
        if (vname && in_base) continue;   /* an override of a declared name */
        cfg_missing(c, vname ? at : "", pre, name, lack, sizeof lack);
        if (!*lack) continue;
        if (!vname) {
            /* Report at the name's first key, the one that declared it. */
            for (size_t j = 0; j <= i; j++)
                if (!strncmp(c->leaf[j].key, decl, strlen(decl)) &&
                    c->leaf[j].key[strlen(decl)] == '.') {
                    lf = &c->leaf[j];
                    break;
                }
        }
        char vn[CFG_KEY_MAX];
        snprintf(vn, sizeof vn, "%.*s", (int)vlen, vname ? vname : "");
        return cfg_undeclared(c, lf, pre, name, lack, vname ? vn : NULL, err);
    }
    return 0;
}

static int cfg_finish(cfg *c)
{
    c->dir = cfg_dirname(c->files.v[c->files.n - 1]);
    if (!c->dir) return -1;
    return cfg_index_names(c);
}

cfg *cfg_load(const char *path, const cfg_key *table, size_t n_table,
              cfg_error *err)
{
    static const cfg_reader fs = { cfg_read_file, NULL };
    return cfg_load_with(path, table, n_table, &fs, err);
}

cfg *cfg_load_with(const char *path, const cfg_key *table, size_t n_table,
                   const cfg_reader *reader, cfg_error *err)
{
    if (err) memset(err, 0, sizeof *err);
    cfg *c = cfg_new(table, n_table, NULL);
    if (!c) {
        cfg_oom(err, path);
        return NULL;
    }
    if (cfg_load_file(c, path, reader, NULL, 0, err)) {
        cfg_free(c);
        return NULL;
    }
    if (cfg_finish(c)) {
        cfg_oom(err, path);
        cfg_free(c);
        return NULL;
    }
    if (cfg_check_declared(c, err)) {
        cfg_free(c);
        return NULL;
    }
    return c;
}

/* ---------------------------------------------------------------- getters */

/*
 * KEY's table entry when it has one of TYPES (a bit per cfg_type), and its
 * leaf when the scenario sets it.  Any other call is a programming error and
 * is counted; getters are otherwise read-only, so the count is atomic.
 */
static const cfg_key *cfg_get(const cfg *c, const char *key, unsigned types,
                              const cfg_leaf **lf)
{
    /* A variant's override is read through cfg_variant, never directly. */
    int i = cfg_is_variant_key(key) ? -1 : cfg_map_get(&c->by_key, key);
    const cfg_key *k = i >= 0 ? c->leaf[i].k : cfg_pattern(c, key);
    *lf = NULL;
    if (!k || !(types & (1u << k->type))) {
        __atomic_fetch_add((size_t *)&c->unknown_gets, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    if (i >= 0) *lf = &c->leaf[i];
    return k;
}

#define CFG_BIT(t) (1u << (t))

double cfg_real(const cfg *c, const char *key)
{
    const cfg_leaf *lf;
    const cfg_key *k = cfg_get(c, key, CFG_BIT(CFG_REAL) | CFG_BIT(CFG_INT), &lf);
    return !k ? 0 : lf ? lf->num : k->def;
}

long cfg_int(const cfg *c, const char *key)
{
    const cfg_leaf *lf;
    const cfg_key *k = cfg_get(c, key, CFG_BIT(CFG_INT), &lf);
    return !k ? 0 : (long)(lf ? lf->num : k->def);
}

int cfg_bool(const cfg *c, const char *key)
{
    const cfg_leaf *lf;
    const cfg_key *k = cfg_get(c, key, CFG_BIT(CFG_BOOL), &lf);
    return !k ? 0 : (lf ? lf->num : k->def) != 0;
}

const char *cfg_text(const cfg *c, const char *key)
{
    const cfg_leaf *lf;
    const cfg_key *k =
        cfg_get(c, key, CFG_BIT(CFG_ENUM) | CFG_BIT(CFG_STRING), &lf);
    if (!k) return "";
    if (lf) return lf->text;
    return k->def_text ? k->def_text : "";
}

/* Reads a table default such as "[0.1, 0.2]"; returns the item count. */
static int cfg_parse_list_text(const char *s, double *out, int max)
{
    int n = 0;
    if (!s) return 0;
    s += strspn(s, " \t[");
    for (;;) {
        s += strspn(s, " \t,");
        if (!*s || *s == ']') break;
        char *end;
        double v = strtod(s, &end);
        if (end == s) break;
        if (n < max) out[n] = v;
        n++;
        s = end;
    }
    return n;
}

/* Returns the length of the list, which exceeds MAX when it was cut short:
 * callers checking a required length can compare it directly. */
int cfg_list(const cfg *c, const char *key, double *out, int max)
{
    const cfg_leaf *lf;
    const cfg_key *k = cfg_get(c, key, CFG_BIT(CFG_REAL_LIST), &lf);
    if (!k) return 0;
    if (!lf) return cfg_parse_list_text(k->def_text, out, max);
    for (int i = 0; i < lf->n_items && i < max; i++) out[i] = lf->items[i];
    return lf->n_items;
}

size_t cfg_get_unknown_count(const cfg *c)
{
    return __atomic_load_n(&c->unknown_gets, __ATOMIC_RELAXED);
}

static const cfg_leaf *cfg_leaf_of(const cfg *c, const char *key)
{
    int i = cfg_map_get(&c->by_key, key);
    return i < 0 ? NULL : &c->leaf[i];
}

int cfg_fail(const cfg *c, const char *key, cfg_error *err, const char *fmt, ...)
{
    const cfg_leaf *lf = cfg_leaf_of(c, key);
    const char *file = c->files.v[lf ? lf->file : (int)c->files.n - 1];
    va_list ap;
    va_start(ap, fmt);
    cfg_verr(err, file, lf ? lf->line : 0, lf ? lf->column : 0, key, 1, fmt, ap);
    va_end(ap);
    return 0;
}

/* Names follow PREFIX directly, so the prefix ends at the entry's last dot. */
int cfg_names(const cfg *c, const char *prefix, const char **out, int max)
{
    size_t plen = strlen(prefix);
    int n = 0;
    for (size_t i = 0; i < c->names.s.n && n < max; i++) {
        const char *e = c->names.s.v[i], *dot = strrchr(e, '.');
        size_t at = dot ? (size_t)(dot - e) : 0;
        if (!plen ? !dot : (dot && at == plen && !memcmp(e, prefix, plen)))
            out[n++] = plen ? dot + 1 : e;
    }
    return n;
}

int cfg_variant_count(const cfg *c)
{
    return (int)c->variants.s.n;
}

const char *cfg_variant_name(const cfg *c, int i)
{
    return i >= 0 && (size_t)i < c->variants.s.n ? c->variants.s.v[i] : NULL;
}

static int cfg_copy_leaf_to(cfg *v, const cfg_leaf *src, const char *key)
{
    cfg_leaf lf;
    return cfg_leaf_copy(&lf, src, key) || cfg_put(v, &lf) ? -1 : 0;
}

static int cfg_fill_variant(cfg *v, const cfg *c, const char *name)
{
    char pre[CFG_KEY_MAX + 16];
    size_t plen = (size_t)snprintf(pre, sizeof pre, "variants.%s.", name);
    for (size_t i = 0; i < c->files.n; i++)
        if (cfg_strs_push(&v->files, c->files.v[i], strlen(c->files.v[i])))
            return -1;
    cfg_buf_add(&v->source, c->source.s ? c->source.s : "", c->source.len);
    if (v->source.oom) return -1;
    for (size_t i = 0; i < c->n_leaf; i++)
        if (!cfg_is_variant_key(c->leaf[i].key) &&
            cfg_copy_leaf_to(v, &c->leaf[i], c->leaf[i].key))
            return -1;
    for (size_t i = 0; i < c->n_leaf; i++)
        if (!strncmp(c->leaf[i].key, pre, plen) &&
            cfg_copy_leaf_to(v, &c->leaf[i], c->leaf[i].key + plen))
            return -1;
    return cfg_finish(v);
}

cfg *cfg_variant(const cfg *c, int i)
{
    const char *name = cfg_variant_name(c, i);
    if (!name) return NULL;
    cfg *v = cfg_new(c->table, c->n_table, c);
    if (v && cfg_fill_variant(v, c, name)) {
        cfg_free(v);
        v = NULL;
    }
    return v;
}

/* Whether every name KEY's '*' positions hold is in use in C (a key
 * without names is). */
static int cfg_one_name_in_use(const cfg *c, const char *key)
{
    cfg *t = cfg_new(c->table, c->n_table, c);
    if (!t) return 0;
    cfg_leaf lf = { 0 };
    lf.key = strdup(key);
    lf.text = strdup("0");
    lf.k = cfg_pattern(c, key);
    int ok = lf.key && lf.text && cfg_strs_push(&t->files, c->files.v[c->files.n - 1],
                                                strlen(c->files.v[c->files.n - 1])) == 0;
    if (ok && cfg_put(t, &lf) == 0 && cfg_finish(t) == 0) {
        ok = 1;
        for (size_t i = 0; ok && i < t->names.s.n; i++)
            ok = cfg_map_get(&c->names.ix, t->names.s.v[i]) >= 0;
    } else {
        ok = 0;
    }
    cfg_free(t);
    return ok;
}

cfg *cfg_with_numbers(const cfg *c, const char *const *keys, const double *values,
                      int n, cfg_error *err)
{
    for (int i = 0; i < n; i++) {
        const cfg_key *k = cfg_pattern(c, keys[i]);
        if (!k || cfg_is_variant_key(keys[i]) || (k->type != CFG_REAL && k->type != CFG_INT)) {
            cfg_err(err, c->files.v[c->files.n - 1], 0, 0, keys[i], 1,
                    "not a number of the scenario");
            return NULL;
        }
        if (!(values[i] >= k->min && values[i] <= k->max) ||
            (k->type == CFG_INT && values[i] != floor(values[i]))) {
            cfg_err(err, c->files.v[c->files.n - 1], 0, 0, keys[i], 1,
                    "%.6g is not a %s from %g to %g", values[i],
                    k->type == CFG_INT ? "whole number" : "number", k->min, k->max);
            return NULL;
        }
    }
    cfg *v = cfg_new(c->table, c->n_table, c);
    int rc = v ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < c->files.n; i++)
        rc = cfg_strs_push(&v->files, c->files.v[i], strlen(c->files.v[i]));
    if (rc == 0) {
        cfg_buf_add(&v->source, c->source.s ? c->source.s : "", c->source.len);
        rc = v->source.oom ? -1 : 0;
    }
    for (size_t i = 0; rc == 0 && i < c->n_leaf; i++)
        rc = cfg_copy_leaf_to(v, &c->leaf[i], c->leaf[i].key);
    for (int i = 0; rc == 0 && i < n; i++) {
        char text[64];
        snprintf(text, sizeof text, "%.17g", values[i]);
        cfg_leaf lf = { 0 };
        lf.key = strdup(keys[i]);
        lf.text = strdup(text);
        lf.num = values[i];
        lf.file = (int)c->files.n - 1;
        lf.k = cfg_pattern(c, keys[i]);
        if (!lf.key || !lf.text) {
            free(lf.key);
            free(lf.text);
            rc = -1;
        } else {
            rc = cfg_put(v, &lf);
        }
    }
    if (rc == 0) rc = cfg_finish(v);
    if (rc) {
        cfg_free(v);
        cfg_err(err, c->files.v[c->files.n - 1], 0, 0, "", 0, "out of memory");
        return NULL;
    }
    /* a key may set a number of a group, shock, ... the scenario has, not
     * declare a new one (nor name a '*' pattern): that would do nothing */
    if (v->names.s.n != c->names.s.n) {
        for (int i = 0; i < n; i++)
            if (strstr(keys[i], ".*") || !cfg_one_name_in_use(c, keys[i])) {
                cfg_err(err, c->files.v[c->files.n - 1], 0, 0, keys[i], 1, "%s",
                        strstr(keys[i], "*") ? "is a pattern ('*'): name one the scenario has"
                                             : "names a group, type or shock the scenario "
                                               "does not have");
                break;
            }
        cfg_free(v);
        return NULL;
    }
    return v;
}

int cfg_is_set(const cfg *c, const char *key)
{
    return cfg_map_get(&c->by_key, key) >= 0;
}

const char *cfg_dir(const cfg *c)
{
    return c->dir;
}

int cfg_path(const cfg *c, const char *key, char *out, size_t n)
{
    const cfg_leaf *lf;
    if (!n) return -1;
    out[0] = '\0';
    const cfg_key *k =
        cfg_get(c, key, CFG_BIT(CFG_STRING) | CFG_BIT(CFG_ENUM), &lf);
    if (!k) return 0;
    const char *text = lf ? lf->text : k->def_text ? k->def_text : "";
    if (!*text) return 0;
    const char *from = c->files.v[lf ? lf->file : (int)c->files.n - 1];
    return cfg_join_path(from, text, out, n);
}

/* ------------------------------------------------------- resolved output */

/* Sorts '.' before every other character so a mapping's keys stay together
 * and "a" precedes "a.b". */
static int cfg_key_cmp(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    for (;; a++, b++) {
        int x = *a == '.' ? 1 : *a, y = *b == '.' ? 1 : *b;
        if (x != y) return x - y;
        if (!x) return 0;
    }
}

/* Adds PAT to OUT with each '*' segment replaced by every name in use. */
static int cfg_expand(const cfg *c, const char *pat, cfg_strs *out)
{
    const char *star = NULL;
    for (const char *p = pat; *p; p += strcspn(p, "."), p += *p == '.')
        if (cfg_is_star(p, strcspn(p, "."))) {
            star = p;
            break;
        }
    if (!star) return cfg_strs_push(out, pat, strlen(pat));
    size_t plen = star > pat ? (size_t)(star - pat) - 1 : 0;
    char prefix[CFG_KEY_MAX], key[2 * CFG_KEY_MAX];
    snprintf(prefix, sizeof prefix, "%.*s", (int)plen, pat);
    const char **names = malloc((c->names.s.n + 1) * sizeof *names);
    if (!names) return -1;
    int n = cfg_names(c, prefix, names, (int)c->names.s.n), rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        snprintf(key, sizeof key, "%s%s%s%s", prefix, plen ? "." : "",
                 names[i], star + 1);
        rc = cfg_expand(c, key, out);
    }
    free(names);
    return rc;
}

/* Plain YAML only for words no reader could take for anything but text. */
static int cfg_plain_ok(const char *s)
{
    static const char *reserved[] = { "true", "false", "yes", "no", "on",
                                      "off", "y", "n", "null", "~", ".nan" };
    double v;
    if (!*s || !cfg_parse_number(s, &v)) return 0;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (!strcasecmp(s, reserved[i])) return 0;
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_./", *s))
        return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_./+-") == strlen(s);
}

static void cfg_put_text(cfg_buf *b, const char *s)
{
    if (cfg_plain_ok(s)) {
        cfg_buf_str(b, s);
        return;
    }
    cfg_buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') cfg_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f) cfg_buf_printf(b, "\\x%02x", *p);
        else cfg_buf_add(b, (const char *)p, 1);
    }
    cfg_buf_add(b, "\"", 1);
}

static void cfg_put_num(cfg_buf *b, double v)
{
    char num[40];
    cfg_fmt_num(v, num, sizeof num);
    cfg_buf_str(b, num);
}

static void cfg_put_value(cfg_buf *b, const cfg *c, const char *key)
{
    const cfg_key *k = cfg_pattern(c, key);
    const cfg_leaf *lf = cfg_leaf_of(c, key);
    double items[CFG_LIST_MAX];
    int n;
    switch (k->type) {
    case CFG_REAL:
    case CFG_INT:
        cfg_put_num(b, lf ? lf->num : k->def);
        break;
    case CFG_BOOL:
        cfg_buf_str(b, (lf ? lf->num : k->def) != 0 ? "true" : "false");
        break;
    case CFG_ENUM:
    case CFG_STRING:
        cfg_put_text(b, lf ? lf->text : k->def_text ? k->def_text : "");
        break;
    case CFG_REAL_LIST:
        n = lf ? lf->n_items : cfg_parse_list_text(k->def_text, items, CFG_LIST_MAX);
        if (n > CFG_LIST_MAX) n = CFG_LIST_MAX;
        cfg_buf_add(b, "[", 1);
        for (int i = 0; i < n; i++) {
            if (i) cfg_buf_add(b, ", ", 2);
            cfg_put_num(b, lf ? lf->items[i] : items[i]);
        }
        cfg_buf_add(b, "]", 1);
        break;
    }
}

/* Writes KEY nested under the mappings it does not share with PREV. */
static void cfg_put_key(cfg_buf *b, const cfg *c, const char *key,
                        const char *prev)
{
    char seg[CFG_KEY_MAX];
    const char *p = key;
    int depth = 0;
    while (prev) {
        size_t kl = strcspn(p, "."), ql = strcspn(prev, ".");
        if (!p[kl] || !prev[ql] || kl != ql || memcmp(p, prev, kl)) break;
        p += kl + 1;
        prev += ql + 1;
        depth++;
    }
    for (;; depth++) {
        size_t kl = strcspn(p, ".");
        snprintf(seg, sizeof seg, "%.*s", (int)kl, p);
        cfg_buf_printf(b, "%*s", 2 * depth, "");
        cfg_put_text(b, seg);
        if (!p[kl]) break;
        cfg_buf_add(b, ":\n", 2);
        p += kl + 1;
    }
    cfg_buf_add(b, ": ", 2);
    cfg_put_value(b, c, key);
    cfg_buf_add(b, "\n", 1);
}

char *cfg_resolved_yaml(const cfg *c, const cfg_key *table, size_t n_table)
{
    cfg_strs keys = {0};
    cfg_buf b = {0};
    int rc = 0;
    for (size_t i = 0; i < n_table && !rc; i++)
        rc = cfg_expand(c, table[i].path, &keys);
    if (!rc) {
        qsort(keys.v, keys.n, sizeof *keys.v, cfg_key_cmp);
        cfg_buf_str(&b, "# resolved configuration\n");
        const char *prev = NULL;
        for (size_t i = 0; i < keys.n; i++) {
            /* Keys the cfg's own table does not know cannot be valued. */
            if ((prev && !strcmp(prev, keys.v[i])) || !cfg_pattern(c, keys.v[i]))
                continue;
            cfg_put_key(&b, c, keys.v[i], prev);
            prev = keys.v[i];
        }
    }
    cfg_strs_free(&keys);
    if (rc || b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int cfg_file_count(const cfg *c)
{
    return (int)c->files.n;
}

const char *cfg_file(const cfg *c, int i)
{
    return i >= 0 && (size_t)i < c->files.n ? c->files.v[i] : NULL;
}

const char *cfg_source_text(const cfg *c)
{
    return c->source.s ? c->source.s : "";
}
