/*
 * sim/record.c - the storage of a record: shape checks, allocation, slots.
 *
 * Each series is one array of variants x replicates x years x width
 * doubles, so a job's slot is one contiguous block and a writer can hand a
 * whole series to a file in one call.  Every size is multiplied with an
 * overflow check: a plan is refused, not wrapped round to a small buffer.
 */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "record.h"

/* A*B without wrapping; 0 when the product does not fit in size_t. */
static size_t mul_size(size_t a, size_t b)
{
    return (b != 0 && a > SIZE_MAX / b) ? 0 : a * b;
}

static size_t n_jobs(const sim_record *rec)
{
    return (size_t)rec->n_variants * (size_t)rec->n_replicates;
}

/* The state of a lazy record (sim_record_lazy), private to this module. */
struct sim_record_lazy {
    sim_record_loader   load;
    void               *ctx;
    size_t              budget, loaded;   /* bytes */
    unsigned long long  clock, *stamp;    /* stamp[k]: when K was last read */
    int                 failed;
};

/* Jobs whose values the record holds at a time: all, or its pool's
 * slots. */
static size_t held_jobs(const sim_record *rec)
{
    return rec->n_slots ? (size_t)rec->n_slots : n_jobs(rec);
}

/* Where job J's values start in a series, in blocks of one job's values;
 * -1 for a job not bound to a slot of the pool. */
static ptrdiff_t held_index(const sim_record *rec, size_t j)
{
    return rec->n_slots ? rec->slot_of[j] : (ptrdiff_t)j;
}

/* Doubles of series K: held jobs x years x width; 0 on overflow. */
static size_t series_len(const sim_record *rec, size_t k)
{
    size_t n = mul_size(held_jobs(rec), (size_t)rec->n_years);
    return mul_size(n, (size_t)sim_record_width(rec, k));
}

sim_record *sim_record_create(int n_variants, int n_replicates, int n_years)
{
    /* sim/plan numbers jobs with an int */
    if (n_variants < 1 || n_replicates < 1 || n_years < 1 ||
        n_variants > INT_MAX / n_replicates)
        return NULL;
    sim_record *rec = calloc(1, sizeof *rec);
    if (!rec) return NULL;
    rec->n_variants = n_variants;
    rec->n_replicates = n_replicates;
    rec->n_years = n_years;
    rec->job_done = calloc(n_jobs(rec), sizeof *rec->job_done);
    if (!rec->job_done) {
        free(rec);
        return NULL;
    }
    return rec;
}

static void free_strings(char **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

void sim_record_free(sim_record *rec)
{
    if (!rec) return;
    free_strings(rec->variant_names, rec->n_variants);
    free(rec->years);
    for (int a = 0; a < rec->n_axes; a++) {
        free(rec->axis[a].name);
        free_strings(rec->axis[a].labels, rec->axis[a].len);
        free(rec->axis[a].codes);
    }
    if (rec->data)
        for (size_t k = 0; k < rec->n_series; k++) free(rec->data[k]);
    for (int t = 0; t < rec->n_tables; t++) {
        sim_table *tb = &rec->table[t];
        for (size_t j = 0; tb->rows && j < n_jobs(rec); j++) free(tb->rows[j]);
        free(tb->rows);
        free(tb->n_rows);
        free(tb->name);
    }
    free(rec->data);
    free(rec->job_done);
    free(rec->slot_of);
    free(rec->slot_used);
    if (rec->lazy) free(rec->lazy->stamp);
    free(rec->lazy);
    free(rec);   /* the series table is borrowed */
}

/* ---- shape ---------------------------------------------------------------- */

int sim_record_axis_index(const sim_record *rec, const char *name)
{
    for (int a = 0; a < rec->n_axes; a++)
        if (strcmp(rec->axis[a].name, name) == 0) return a;
    return -1;
}

int sim_record_add_axis(sim_record *rec, const char *name, int len)
{
    if (rec->data || !name || !name[0] || len < 1 ||
        rec->n_axes == SIM_RECORD_MAX_AXES || sim_record_axis_index(rec, name) >= 0)
        return -1;
    sim_axis *ax = &rec->axis[rec->n_axes];
    if (!(ax->name = strdup(name))) return -1;
    ax->len = len;
    return rec->n_axes++;
}

int sim_record_series_index(const sim_record *rec, const char *name)
{
    for (size_t k = 0; k < rec->n_series; k++)
        if (strcmp(rec->series[k].name, name) == 0) return (int)k;
    return -1;
}

/* Names are keys (readers look series up by name), so they must be there
 * and distinct; an axis must be one that exists, or slots have no width. */
static int series_valid(const sim_record *rec, const sim_series *t, size_t n)
{
    if (n > INT_MAX || (n && !t)) return 0;
    for (size_t k = 0; k < n; k++) {
        if (!t[k].name || !t[k].name[0]) return 0;
        if (t[k].axis != SIM_AXIS_NONE && (t[k].axis < 0 || t[k].axis >= rec->n_axes))
            return 0;
        for (size_t j = 0; j < k; j++)
            if (strcmp(t[j].name, t[k].name) == 0) return 0;
    }
    return 1;
}

int sim_record_set_series(sim_record *rec, const sim_series *table, size_t n)
{
    if (rec->data || !series_valid(rec, table, n)) return -1;
    rec->series = table;
    rec->n_series = n;
    return 0;
}

size_t sim_record_bytes(const sim_record *rec)
{
    size_t total = 0;
    for (size_t k = 0; k < rec->n_series; k++) {
        size_t n = series_len(rec, k);
        if (n == 0 || n > SIZE_MAX / sizeof(double) ||
            total > SIZE_MAX - n * sizeof(double))
            return SIZE_MAX;
        total += n * sizeof(double);
    }
    return total;
}

int sim_record_pool(sim_record *rec, int n_slots)
{
    if (rec->data || rec->n_slots || n_slots < 1) return -1;
    if ((size_t)n_slots > n_jobs(rec)) n_slots = (int)n_jobs(rec);
    rec->slot_of = malloc(n_jobs(rec) * sizeof *rec->slot_of);
    rec->slot_used = calloc((size_t)n_slots, 1);
    if (!rec->slot_of || !rec->slot_used) {
        free(rec->slot_of);
        free(rec->slot_used);
        rec->slot_of = NULL;
        rec->slot_used = NULL;
        return -1;
    }
    for (size_t j = 0; j < n_jobs(rec); j++) rec->slot_of[j] = -1;
    rec->n_slots = n_slots;
    return 0;
}

int sim_record_bind(sim_record *rec, int v, int r)
{
    if (!rec->n_slots || !rec->data || v < 0 || v >= rec->n_variants || r < 0 ||
        r >= rec->n_replicates)
        return -1;
    size_t j = sim_record_job(rec, v, r);
    if (rec->slot_of[j] >= 0) return -1;
    int s = 0;
    while (s < rec->n_slots && rec->slot_used[s]) s++;
    if (s == rec->n_slots) return -1;
    rec->slot_used[s] = 1;
    rec->slot_of[j] = s;
    for (size_t k = 0; k < rec->n_series; k++) {
        size_t block = (size_t)rec->n_years * (size_t)sim_record_width(rec, k);
        memset(rec->data[k] + (size_t)s * block, 0, block * sizeof(double));
    }
    for (int t = 0; t < rec->n_tables; t++) {
        free(rec->table[t].rows[j]);
        rec->table[t].rows[j] = NULL;
        rec->table[t].n_rows[j] = 0;
    }
    return 0;
}

void sim_record_release(sim_record *rec, int v, int r)
{
    if (!rec->n_slots || v < 0 || v >= rec->n_variants || r < 0 || r >= rec->n_replicates)
        return;
    size_t j = sim_record_job(rec, v, r);
    if (rec->slot_of[j] < 0) return;
    rec->slot_used[rec->slot_of[j]] = 0;
    rec->slot_of[j] = -1;
    for (int t = 0; t < rec->n_tables; t++) {
        free(rec->table[t].rows[j]);
        rec->table[t].rows[j] = NULL;
        rec->table[t].n_rows[j] = 0;
    }
}

int sim_record_lazy(sim_record *rec, sim_record_loader load, void *ctx, size_t budget)
{
    if (rec->data || rec->n_slots || !load) return -1;
    rec->lazy = calloc(1, sizeof *rec->lazy);
    rec->data = calloc(rec->n_series ? rec->n_series : 1, sizeof *rec->data);
    if (rec->lazy)
        rec->lazy->stamp = calloc(rec->n_series ? rec->n_series : 1, sizeof *rec->lazy->stamp);
    if (!rec->lazy || !rec->data || !rec->lazy->stamp) {
        if (rec->lazy) free(rec->lazy->stamp);
        free(rec->lazy);
        free(rec->data);
        rec->lazy = NULL;
        rec->data = NULL;
        return -1;
    }
    rec->lazy->load = load;
    rec->lazy->ctx = ctx;
    rec->lazy->budget = budget;
    memset(rec->job_done, 1, n_jobs(rec));
    return 0;
}

int sim_record_load_failed(const sim_record *rec)
{
    return rec->lazy && rec->lazy->failed;
}

/* Series K's values: loaded first on a lazy record, making room by
 * dropping the series read least recently.  NULL when the load failed.
 * A lazy record's cache changes under a const pointer: it is what a read
 * costs, not what the record holds. */
static double *series_data(const sim_record *crec, size_t k)
{
    sim_record *rec = (sim_record *)crec;
    struct sim_record_lazy *lz = rec->lazy;
    if (!lz) return rec->data[k];
    lz->stamp[k] = ++lz->clock;
    if (rec->data[k]) return rec->data[k];
    size_t bytes = series_len(rec, k) * sizeof(double);
    while (lz->loaded + bytes > lz->budget) {
        size_t old = SIZE_MAX;
        for (size_t i = 0; i < rec->n_series; i++)
            if (rec->data[i] && (old == SIZE_MAX || lz->stamp[i] < lz->stamp[old])) old = i;
        if (old == SIZE_MAX) break;
        free(rec->data[old]);
        rec->data[old] = NULL;
        lz->loaded -= series_len(rec, old) * sizeof(double);
    }
    double *d = malloc(bytes ? bytes : sizeof(double));
    if (!d || lz->load(lz->ctx, rec, k, d)) {
        free(d);
        lz->failed = 1;
        return NULL;
    }
    rec->data[k] = d;
    lz->loaded += bytes;
    return d;
}

int sim_record_alloc(sim_record *rec)
{
    if (rec->lazy) return -1;
    if (rec->data || sim_record_bytes(rec) == SIZE_MAX) return -1;
    /* at least one pointer, so that data != NULL says "allocated" even for
     * a record without series */
    rec->data = calloc(rec->n_series ? rec->n_series : 1, sizeof *rec->data);
    if (!rec->data) return -1;
    for (size_t k = 0; k < rec->n_series; k++)
        if (!(rec->data[k] = calloc(series_len(rec, k), sizeof **rec->data))) {
            for (size_t j = 0; j < k; j++) free(rec->data[j]);
            free(rec->data);
            rec->data = NULL;
            return -1;
        }
    memset(rec->job_done, 0, n_jobs(rec));
    return 0;
}

/* ---- labels --------------------------------------------------------------- */

/* Set *SLOT (an array of N strings, allocated on first use) entry I to a
 * copy of TEXT. */
static int set_string(char ***slot, int n, int i, const char *text)
{
    if (i < 0 || i >= n || !text) return -1;
    if (!*slot && !(*slot = calloc((size_t)n, sizeof **slot))) return -1;
    char *copy = strdup(text);
    if (!copy) return -1;
    free((*slot)[i]);
    (*slot)[i] = copy;
    return 0;
}

int sim_record_label_variant(sim_record *rec, int v, const char *name)
{
    return set_string(&rec->variant_names, rec->n_variants, v, name);
}

int sim_record_set_years(sim_record *rec, const int *years)
{
    if (!years) return -1;
    if (!rec->years && !(rec->years = calloc((size_t)rec->n_years, sizeof *rec->years)))
        return -1;
    memcpy(rec->years, years, (size_t)rec->n_years * sizeof *years);
    return 0;
}

int sim_record_label_item(sim_record *rec, int axis, int item, const char *label)
{
    if (axis < 0 || axis >= rec->n_axes) return -1;
    return set_string(&rec->axis[axis].labels, rec->axis[axis].len, item, label);
}

int sim_record_code_item(sim_record *rec, int axis, int item, int code)
{
    if (axis < 0 || axis >= rec->n_axes) return -1;
    sim_axis *ax = &rec->axis[axis];
    if (item < 0 || item >= ax->len) return -1;
    if (!ax->codes && !(ax->codes = calloc((size_t)ax->len, sizeof *ax->codes)))
        return -1;
    ax->codes[item] = code;
    return 0;
}

/* ---- values --------------------------------------------------------------- */

static int job_valid(const sim_record *rec, int v, int r)
{
    return v >= 0 && v < rec->n_variants && r >= 0 && r < rec->n_replicates;
}

double *sim_record_slot(sim_record *rec, size_t k, int v, int r)
{
    if (!rec->data || k >= rec->n_series || !job_valid(rec, v, r)) return NULL;
    ptrdiff_t at = held_index(rec, sim_record_job(rec, v, r));
    if (at < 0) return NULL;
    size_t per_job = (size_t)rec->n_years * (size_t)sim_record_width(rec, k);
    double *d = series_data(rec, k);
    return d ? d + (size_t)at * per_job : NULL;
}

/* Offset of (V, R, Y, ITEM) in series K, or -1 when out of range. */
static ptrdiff_t offset_of(const sim_record *rec, size_t k, int v, int r, int y,
                           int item)
{
    if (!rec->data || k >= rec->n_series || !job_valid(rec, v, r) || y < 0 ||
        y >= rec->n_years)
        return -1;
    int width = sim_record_width(rec, k);
    if (item < 0 || item >= width) return -1;
    ptrdiff_t held = held_index(rec, sim_record_job(rec, v, r));
    if (held < 0) return -1;
    size_t year = (size_t)held * (size_t)rec->n_years + (size_t)y;
    return (ptrdiff_t)(year * (size_t)width + (size_t)item);
}

double sim_record_get(const sim_record *rec, size_t k, int v, int r, int y, int item)
{
    ptrdiff_t at = offset_of(rec, k, v, r, y, item);
    const double *d = at < 0 ? NULL : series_data(rec, k);
    return d ? d[at] : NAN;
}

int sim_record_put(sim_record *rec, size_t k, int v, int r, int y, int item, double x)
{
    ptrdiff_t at = offset_of(rec, k, v, r, y, item);
    double *d = at < 0 ? NULL : series_data(rec, k);
    if (!d) return -1;
    d[at] = x;
    return 0;
}

int sim_record_done(const sim_record *rec, int v, int r)
{
    return job_valid(rec, v, r) && rec->job_done[sim_record_job(rec, v, r)] != 0;
}

void sim_record_set_done(sim_record *rec, int v, int r, int done)
{
    if (job_valid(rec, v, r)) rec->job_done[sim_record_job(rec, v, r)] = done != 0;
}

int sim_record_jobs_done(const sim_record *rec)
{
    int n = 0;
    for (size_t j = 0; j < n_jobs(rec); j++) n += rec->job_done[j] != 0;
    return n;
}

/* Variant v's first N replicates move down to where variant v starts when
 * there are N replicates per variant; variant 0 stays where it is. */
void sim_record_truncate(sim_record *rec, int n)
{
    if (n >= rec->n_replicates || n < 1 || rec->lazy) return;
    for (int s = 0; s < rec->n_slots; s++)
        if (rec->slot_used[s]) return;
    /* a pool's values are by slot, not by job: nothing to move */
    for (size_t k = 0; rec->data && !rec->n_slots && k < rec->n_series; k++) {
        size_t block = (size_t)rec->n_years * (size_t)sim_record_width(rec, k);
        for (int v = 1; v < rec->n_variants; v++)
            memmove(rec->data[k] + (size_t)v * (size_t)n * block,
                    rec->data[k] + (size_t)v * (size_t)rec->n_replicates * block,
                    (size_t)n * block * sizeof(double));
    }
    for (int t = 0; t < rec->n_tables; t++) {
        sim_table *tb = &rec->table[t];
        for (int v = 0; v < rec->n_variants; v++)
            for (int r = 0; r < rec->n_replicates; r++) {
                size_t from = (size_t)v * (size_t)rec->n_replicates + (size_t)r;
                if (r >= n) {                 /* dropped */
                    free(tb->rows[from]);
                    continue;
                }
                size_t to = (size_t)v * (size_t)n + (size_t)r;
                tb->rows[to] = tb->rows[from];
                tb->n_rows[to] = tb->n_rows[from];
            }
        for (size_t j = (size_t)rec->n_variants * (size_t)n; j < n_jobs(rec); j++) {
            tb->rows[j] = NULL;
            tb->n_rows[j] = 0;
        }
    }
    for (int v = 1; v < rec->n_variants; v++)
        memmove(rec->job_done + (size_t)v * (size_t)n,
                rec->job_done + (size_t)v * (size_t)rec->n_replicates, (size_t)n);
    rec->n_replicates = n;
}

int sim_record_add_table(sim_record *rec, const char *name, int n_cols,
                         const char *const *cols)
{
    if (!name || !*name || n_cols < 1 || !cols || rec->n_tables == SIM_RECORD_MAX_TABLES)
        return -1;
    for (int t = 0; t < rec->n_tables; t++)
        if (!strcmp(rec->table[t].name, name)) return -1;
    sim_table *tb = &rec->table[rec->n_tables];
    tb->name = strdup(name);
    tb->rows = calloc(n_jobs(rec), sizeof *tb->rows);
    tb->n_rows = calloc(n_jobs(rec), sizeof *tb->n_rows);
    if (!tb->name || !tb->rows || !tb->n_rows) {
        free(tb->name); free(tb->rows); free(tb->n_rows);
        memset(tb, 0, sizeof *tb);
        return -1;
    }
    tb->n_cols = n_cols;
    tb->cols = cols;
    return rec->n_tables++;
}

double *sim_record_table_rows(sim_record *rec, int t, int v, int r, int n_rows)
{
    if (t < 0 || t >= rec->n_tables || v < 0 || v >= rec->n_variants || r < 0 ||
        r >= rec->n_replicates || n_rows < 1)
        return NULL;
    sim_table *tb = &rec->table[t];
    size_t j = sim_record_job(rec, v, r);
    size_t len = mul_size((size_t)n_rows, (size_t)tb->n_cols);
    double *rows = len ? calloc(len, sizeof *rows) : NULL;
    if (!rows) return NULL;
    free(tb->rows[j]);
    tb->rows[j] = rows;
    tb->n_rows[j] = n_rows;
    return rows;
}

/* ---- a job's values as one block --------------------------------------- */

/*
 * The block is every series' slot in series order, then for each table an
 * int32 row count and its rows: what the job wrote, in the order the
 * record's shape fixes, so the same shape reads it back.  Doubles are
 * copied as bytes: a job read back is bit for bit the job that ran.
 */
size_t sim_record_job_bytes(const sim_record *rec, int v, int r)
{
    if (!rec->data || !job_valid(rec, v, r) || held_index(rec, sim_record_job(rec, v, r)) < 0)
        return 0;
    size_t n = 0, j = sim_record_job(rec, v, r);
    for (size_t k = 0; k < rec->n_series; k++)
        n += (size_t)rec->n_years * (size_t)sim_record_width(rec, k) * sizeof(double);
    for (int t = 0; t < rec->n_tables; t++)
        n += sizeof(int32_t) + (size_t)rec->table[t].n_rows[j] *
                               (size_t)rec->table[t].n_cols * sizeof(double);
    return n;
}

int sim_record_pack_job(const sim_record *rec, int v, int r, void *buf, size_t len)
{
    if (len != sim_record_job_bytes(rec, v, r) || len == 0) return -1;
    unsigned char *p = buf;
    size_t j = sim_record_job(rec, v, r), h = (size_t)held_index(rec, j);
    for (size_t k = 0; k < rec->n_series; k++) {
        size_t block = (size_t)rec->n_years * (size_t)sim_record_width(rec, k);
        memcpy(p, rec->data[k] + h * block, block * sizeof(double));
        p += block * sizeof(double);
    }
    for (int t = 0; t < rec->n_tables; t++) {
        const sim_table *tb = &rec->table[t];
        int32_t rows = tb->n_rows[j];
        memcpy(p, &rows, sizeof rows);
        p += sizeof rows;
        size_t cells = (size_t)rows * (size_t)tb->n_cols;
        if (cells) memcpy(p, tb->rows[j], cells * sizeof(double));
        p += cells * sizeof(double);
    }
    assert(p == (unsigned char *)buf + len);
    return 0;
}

int sim_record_unpack_job(sim_record *rec, int v, int r, const void *buf, size_t len)
{
    if (!rec->data || !job_valid(rec, v, r)) return -1;
    const unsigned char *p = buf, *end = p + len;
    size_t j = sim_record_job(rec, v, r);
    ptrdiff_t h = held_index(rec, j);
    if (h < 0) return -1;
    for (size_t k = 0; k < rec->n_series; k++) {
        size_t block = (size_t)rec->n_years * (size_t)sim_record_width(rec, k);
        if ((size_t)(end - p) < block * sizeof(double)) return -1;
        memcpy(rec->data[k] + (size_t)h * block, p, block * sizeof(double));
        p += block * sizeof(double);
    }
    for (int t = 0; t < rec->n_tables; t++) {
        int32_t rows;
        if ((size_t)(end - p) < sizeof rows) return -1;
        memcpy(&rows, p, sizeof rows);
        p += sizeof rows;
        size_t cells = mul_size((size_t)(rows < 0 ? 0 : rows),
                                (size_t)rec->table[t].n_cols);
        if (rows < 0 || (size_t)(end - p) / sizeof(double) < cells) return -1;
        if (rows > 0) {
            double *dst = sim_record_table_rows(rec, t, v, r, rows);
            if (!dst) return -1;
            memcpy(dst, p, cells * sizeof(double));
        } else {
            free(rec->table[t].rows[j]);
            rec->table[t].rows[j] = NULL;
            rec->table[t].n_rows[j] = 0;
        }
        p += cells * sizeof(double);
    }
    if (p != end) return -1;
    rec->job_done[j] = 1;
    return 0;
}
