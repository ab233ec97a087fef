/*
 * sim/config.h - scenario files: YAML in, a validated flat configuration out.
 *
 * Owns: reading YAML with libyaml, following `extends:`, flattening nested
 * mappings into dotted keys ("costs.wage_per_hour", "groups.autism.narrow"),
 * checking every key against a caller-supplied key table (type, range,
 * default, description), and reporting errors with file, line, column and the
 * nearest valid key.  Knows nothing of the market: the key table lives in
 * models/params.c and is passed in.
 *
 * Must not: print to stdout/stderr (errors go into cfg_error), exit, or keep
 * global state.
 *
 * Key patterns: a table key may contain `*` as one whole segment, matching any
 * name at that position ("groups.*.narrow"); a path written out in full wins
 * over a pattern that also matches, patterns among themselves go by table
 * order.  A name there is declared by
 * giving it keys; every key flagged CFG_REQUIRED must then be given for it,
 * so a misspelt name cannot silently become a new, defaulted entity.  Under
 * `variants.NAME.` any table key may appear again; such entries are
 * overrides for variant NAME, and may not declare a name the base lacks
 * unless they give its required keys.  A required key has the form
 * PREFIX.*.SUFFIX with one '*'; its def is not used.
 *
 * Limits (each refused with a message, never a crash): a scenario file is a
 * regular file of at most CFG_FILE_MAX bytes; an extends chain has at most
 * CFG_DEPTH_MAX files; a key at most CFG_KEY_MAX - 1 characters (which also
 * bounds nesting); a list at most CFG_LIST_MAX items; a file at most
 * CFG_NODES_MAX keys and mappings, aliases counted at every use; at most
 * CFG_VARIANTS_MAX variants; flow lists and mappings at most CFG_FLOW_MAX
 * deep.  Names and values may not hold control
 * characters, so nothing echoed in a message can drive a terminal.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stddef.h>

typedef enum {
    CFG_REAL,       /* a number */
    CFG_INT,        /* a whole number */
    CFG_BOOL,       /* true / false */
    CFG_ENUM,       /* one of the '|'-separated words in cfg_key.choices */
    CFG_STRING,     /* any scalar text (file names, labels) */
    CFG_REAL_LIST   /* a YAML sequence of numbers, flow or block style */
} cfg_type;

typedef struct cfg_key {
    const char *path;     /* dotted key, may hold '*' segments */
    cfg_type    type;
    double      def;      /* default for REAL/INT/BOOL (0/1) */
    const char *def_text; /* default for ENUM/STRING/REAL_LIST ("[1, 2, 3]") */
    double      min, max; /* inclusive range for REAL/INT and for each list item */
    const char *choices;  /* ENUM: "a|b|c" */
    const char *unit;     /* "DKK/year", "share", "days", ... */
    const char *tag;      /* source tag: "R", "D" or "A" */
    const char *doc;      /* one line */
    unsigned    flags;    /* CFG_REQUIRED */
} cfg_key;

/* No default: a name declared at the key's '*' position must give it. */
#define CFG_REQUIRED 1u

/* Rows of a key table, one per type: path, default, [range,] unit, source
 * tag, description (ENUM: the '|'-separated choices after the default). */
#define CFG_KEY_R(p, d, lo, hi, u, t, doc) { p, CFG_REAL, d, NULL, lo, hi, NULL, u, t, doc, 0 }
#define CFG_KEY_I(p, d, lo, hi, u, t, doc) { p, CFG_INT, d, NULL, lo, hi, NULL, u, t, doc, 0 }
#define CFG_KEY_B(p, d, t, doc)            { p, CFG_BOOL, d, NULL, 0, 1, NULL, "flag", t, doc, 0 }
#define CFG_KEY_E(p, d, ch, t, doc)        { p, CFG_ENUM, 0, d, 0, 0, ch, "word", t, doc, 0 }
#define CFG_KEY_S(p, d, t, doc)            { p, CFG_STRING, 0, d, 0, 0, NULL, "text", t, doc, 0 }
#define CFG_KEY_L(p, d, lo, hi, u, t, doc) { p, CFG_REAL_LIST, 0, d, lo, hi, NULL, u, t, doc, 0 }

#define CFG_LIST_MAX     32         /* longest REAL_LIST accepted */
#define CFG_TEXT_MAX     1024       /* longest scalar value */
#define CFG_KEY_MAX      256        /* longest dotted key, with its NUL */
#define CFG_DEPTH_MAX    32         /* longest extends chain */
#define CFG_FILE_MAX     (1 << 20)  /* largest scenario file, bytes */
#define CFG_NODES_MAX    100000     /* keys and mappings walked per file */
#define CFG_VARIANTS_MAX 1000
#define CFG_FLOW_MAX     64         /* nesting of [ ] and { } */

typedef struct cfg_error {
    char file[512];
    int  line, column;    /* 1-based; 0 when not known */
    char key[256];        /* the offending key, "" when not about a key */
    char message[1024];   /* full sentence: "file:line:col: key 'x': ..." */
} cfg_error;

typedef struct cfg cfg;   /* opaque: the flattened, validated scenario */

/*
 * Load PATH, following `extends:` (relative to the file that names it; cycles
 * are an error), and validate every key against TABLE[0..n_table).  Keys
 * given in a file override the same keys of the file it extends.  Returns
 * NULL and fills ERR on: unreadable file, YAML syntax error, unknown key
 * (message suggests the nearest table key), wrong type, value out of range,
 * bad enum word, duplicate key within one file.
 */
cfg *cfg_load(const char *path, const cfg_key *table, size_t n_table,
              cfg_error *err);

/*
 * Where cfg_load_with gets a file's text: READ returns a malloc'd,
 * NUL-terminated copy of PATH's text and its length in *LEN, or NULL with
 * an errno value or one of the CFG_ERR_ codes below in *ERRNUM.
 * cfg_load reads the file system, refusing anything but a regular file of
 * at most CFG_FILE_MAX bytes; a fuzzer or test passes a map of its own so
 * that `extends:` never opens a real file.
 */
typedef struct cfg_reader {
    char *(*read)(void *ctx, const char *path, size_t *len, int *errnum);
    void  *ctx;
} cfg_reader;

enum { CFG_ERR_NOTREG = -1, CFG_ERR_TOOBIG = -2 };

/* "No such file or directory", "not a regular file", ...: ERRNUM in words. */
const char *cfg_read_error(int errnum, char *buf, size_t n);

cfg *cfg_load_with(const char *path, const cfg_key *table, size_t n_table,
                   const cfg_reader *reader, cfg_error *err);

/* The file system reader cfg_load uses, for callers reading data files
 * under the same limits. */
char *cfg_read_file(void *ctx, const char *path, size_t *len, int *errnum);
void cfg_free(cfg *c);

/*
 * Typed getters.  KEY is a concrete dotted key (no '*'); its table pattern
 * supplies the default when the scenario does not set it.  Getting a key that
 * no table pattern matches is a programming error: they return the zero value
 * and the call is reported by cfg_get_unknown_count() (tests check it is 0).
 */
double      cfg_real(const cfg *c, const char *key);
long        cfg_int(const cfg *c, const char *key);
int         cfg_bool(const cfg *c, const char *key);
const char *cfg_text(const cfg *c, const char *key);   /* ENUM or STRING */
/* REAL_LIST: copies up to MAX items into OUT, returns the item count. */
int         cfg_list(const cfg *c, const char *key, double *out, int max);
size_t      cfg_get_unknown_count(const cfg *c);

/*
 * Where a key was set, for errors found later by the model (e.g. a list of
 * the wrong length).  Fills ERR with FILE:LINE:COL of the setting, or of the
 * top-level scenario file with line 0 when the key took its default, and
 * MESSAGE formatted from FMT.  Returns 0 so callers can `return cfg_fail(...)`.
 */
int cfg_fail(const cfg *c, const char *key, cfg_error *err,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Names in use at one '*' position, in order of first appearance across the
 * extends chain: cfg_names(c, "groups", out, 64) gives {"developmental",
 * "autism", ...} when keys "groups.developmental.x" etc. are present.
 * Returns the count.  Pointers stay valid until cfg_free.
 */
int cfg_names(const cfg *c, const char *prefix, const char **out, int max);

/* The word of WORDS[0..n) nearest WORD by edit distance, for "did you
 * mean" hints on names the model checks itself; NULL when N is 0. */
const char *cfg_nearest_word(const char *word, const char *const *words, int n);

/*
 * Variants: `variants: {NAME: {key: value, ...}, ...}` in the scenario.
 * cfg_variant_count() is 0 when the scenario defines none.
 * cfg_variant() returns a new cfg: the base with that variant's overrides
 * applied (already validated at load time), with no `variants.` keys left.
 */
int         cfg_variant_count(const cfg *c);
const char *cfg_variant_name(const cfg *c, int i);
cfg        *cfg_variant(const cfg *c, int i);

/*
 * A copy of C with each KEYS[i] set to VALUES[i], as if the top-level file
 * said so (a sweep's design point): every key must be a number key of the
 * table (a '*' segment matching a name in use, or declaring a new one
 * whose required keys C then lacks, which cfg_finish refuses), and each
 * value in its key's range, whole for a whole-number key.  NULL with ERR
 * set (naming the key) otherwise.
 */
cfg *cfg_with_numbers(const cfg *c, const char *const *keys, const double *values,
                      int n, cfg_error *err);

/* Whether the scenario (or a file it extends) sets KEY, a concrete key,
 * rather than leaving it to its default. */
int cfg_is_set(const cfg *c, const char *key);

/* Directory of the top-level scenario file, for resolving data paths. */
const char *cfg_dir(const cfg *c);
/* Resolve REL against the directory of the file that set KEY. */
int  cfg_path(const cfg *c, const char *key, char *out, size_t n);

/*
 * The fully resolved configuration (every table key that applies, defaults
 * filled in, '*' patterns expanded for every name in use) as YAML text,
 * sorted by key.  Caller frees.  Written into every result file.
 */
char *cfg_resolved_yaml(const cfg *c, const cfg_key *table, size_t n_table);
/* The files of the extends chain, base first, the scenario itself last. */
int         cfg_file_count(const cfg *c);
const char *cfg_file(const cfg *c, int i);
/* The concatenated source text of the scenario and every file it extends. */
const char *cfg_source_text(const cfg *c);

#endif
