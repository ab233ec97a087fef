/*
 * tests/welch.c - the statistics of tests/equivalence.sh: do two result
 * files of placesim show the same distribution of the headline KPIs?
 *
 *   welch [--alpha A] BEFORE.h5 AFTER.h5   table, last line the verdict;
 *                                          exit 0 no difference, 1 a
 *                                          difference, 2 bad input
 *   welch --selftest                       check the statistics on small
 *                                          examples worked out by hand
 *
 * For every replicate of each file it reduces a national KPI's years to one
 * horizon figure, by the same rules as analysis/results.c's res_aggregate
 * (RES_AGG_SUM, RES_AGG_MEAN, RES_AGG_COMPOUND: years without a finite value
 * are skipped, so price drift's NaN base year drops out).  Then, per KPI, a
 * Welch test of the difference of means (the two runs need not have the
 * same variance or the same number of replicates), and Holm's step-down
 * correction over the whole family so that the chance of any false alarm
 * stays at ALPHA.  A stand-alone program rather than part of the library:
 * it must read files written by any commit, so it depends on the HDF5
 * layout only (README "Results"), not on the code that wrote them.
 *
 * Built by tests/equivalence.sh with `cc $(pkg-config --cflags --libs gsl
 * hdf5)`; not part of `make`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <hdf5.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef enum { AGG_SUM, AGG_MEAN, AGG_COMPOUND } agg_kind;
static const char *const agg_name[] = { "sum", "mean", "compound" };

/* The headline KPIs with their horizon rule and the unit they are shown
 * in (the test itself runs on the raw values; the scale only formats). */
typedef struct {
    const char *kpi;
    agg_kind    kind;
    double      scale;
    const char *unit;
    int         first;   /* first year (0-based) the rule looks at */
} kpi_rule;

/* Waiting is a year-end snapshot whose first years (the starting queue,
 * about a hundred times the later ones) would swamp any change in the
 * settled market: its rule starts in the third year. */
static const kpi_rule rules[] = {
    { "expenditure",    AGG_SUM,      1e-9, "bn DKK", 0 },
    { "unit_price",     AGG_MEAN,     1e-3, "1000 DKK/place-yr", 0 },
    { "price_drift",    AGG_COMPOUND, 100,  "%", 0 },
    { "waiting",        AGG_MEAN,     1,    "citizens", 2 },
    { "waiting_narrow", AGG_MEAN,     1,    "citizens", 2 },
    { "external_share", AGG_MEAN,     100,  "%", 0 },
    { "offer_exits",    AGG_SUM,      1,    "offers", 0 },
};
enum { N_RULES = sizeof rules / sizeof rules[0] };

/* ---- statistics --------------------------------------------------------- */

/* Horizon figure of N yearly values; NaN when no year has a finite value. */
static double aggregate(const double *x, int n, agg_kind kind)
{
    double sum = 0, product = 1;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        sum += x[i];
        product *= 1 + x[i];
        m++;
    }
    if (m == 0) return NAN;
    switch (kind) {
    case AGG_SUM:      return sum;
    case AGG_COMPOUND: return product - 1;
    default:           return sum / m;
    }
}

typedef struct {
    int    n;
    double mean, var, half;   /* sample variance (n - 1); 95 % half-width */
} sample;

/* Mean, variance and the Student-t half-width of the 95 % interval of the
 * mean, as analysis/results.c's describe() computes them. */
static sample describe(const double *x, int n)
{
    sample s = { n, NAN, NAN, NAN };
    if (n < 1) return s;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += x[i];
    s.mean = sum / n;
    if (n < 2) { s.var = s.half = 0; return s; }
    /* two passes: the figures are large (1e11 DKK) and close together */
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.var = ss / (n - 1);
    s.half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(s.var / n);
    return s;
}

typedef struct {
    double t, df, p;   /* statistic, Welch-Satterthwaite df, two-sided p */
} welch_result;

/* Welch's test of mean(b) - mean(a) = 0.  Both samples need n >= 2.  When
 * both variances are zero there is no t: equal means give p = 1, unequal
 * ones p = 0 (two constants that differ are different, however few). */
static welch_result welch(sample a, sample b)
{
    welch_result w = { NAN, NAN, NAN };
    double ea = a.var / a.n, eb = b.var / b.n;   /* squared standard errors */
    double se2 = ea + eb;
    if (!(se2 > 0)) {
        w.p = a.mean == b.mean ? 1.0 : 0.0;
        w.t = a.mean == b.mean ? 0.0 : copysign(INFINITY, b.mean - a.mean);
        return w;
    }
    w.t = (b.mean - a.mean) / sqrt(se2);
    w.df = se2 * se2 / (ea * ea / (a.n - 1) + eb * eb / (b.n - 1));
    /* the upper tail of |t|, doubled; computed from the tail itself rather
     * than 1 - P so that small p keep their digits */
    w.p = 2 * gsl_cdf_tdist_Q(fabs(w.t), w.df);
    if (w.p > 1) w.p = 1;
    return w;
}

/* Holm's step-down adjustment of M p-values: sorted ascending, the i-th
 * smallest (i from 0) becomes min(1, (M - i) p), made non-decreasing by a
 * running maximum.  A hypothesis is rejected at family-wise ALPHA when its
 * adjusted p is <= ALPHA, which is Holm's procedure (stop at the first
 * sorted p above ALPHA / (M - i)). */
static void holm(const double *p, double *adj, int m)
{
    int order[64];
    if (m > 64) m = 64;
    for (int i = 0; i < m; i++) order[i] = i;
    /* insertion sort, stable: M is a handful */
    for (int i = 1; i < m; i++)
        for (int j = i; j > 0 && p[order[j]] < p[order[j - 1]]; j--) {
            int tmp = order[j]; order[j] = order[j - 1]; order[j - 1] = tmp;
        }
    double running = 0;
    for (int i = 0; i < m; i++) {
        double q = (m - i) * p[order[i]];
        if (q > 1) q = 1;
        if (q > running) running = q;
        adj[order[i]] = running;
    }
}

/* ---- self-test ------------------------------------------------------------ */

static int failures;

static void expect(const char *what, double got, double want, double tol)
{
    int ok = fabs(got - want) <= tol || (isnan(got) && isnan(want));
    if (!ok) failures++;
    printf("%s - %s: %.10g (expected %.10g)\n", ok ? "ok" : "not ok", what, got, want);
}

static welch_result welch_of(const double *a, int na, const double *b, int nb)
{
    return welch(describe(a, na), describe(b, nb));
}

/* Integral of Student's t density with DF degrees of freedom from 0 to T,
 * by Simpson's rule on 2000 intervals (error far below 1e-9 here). */
static double t_density_integral(double t, double df)
{
    double c = exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / sqrt(df * M_PI);
    int n = 2000;
    double h = t / n, sum = 0;
    for (int i = 0; i <= n; i++) {
        double x = i * h, f = c * pow(1 + x * x / df, -(df + 1) / 2);
        sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return sum * h / 3;
}

/* The examples are chosen so that each p-value has a closed form: for
 * integer df the t distribution's two-sided tail is elementary.  With
 * theta = atan(|t| / sqrt(df)):
 *   df = 1 (Cauchy):  p = 1 - 2 theta / pi
 *   df = 2:           p = 1 - sin theta
 *   df = 4:           p = 1 - sin theta (1 + cos^2 theta / 2)
 * (Abramowitz & Stegun 26.7.3-26.7.4).  Two equal-size samples with equal
 * variance give df = 2 (n - 1); a constant sample against one of n values
 * gives df = n - 1. */
static int selftest(void)
{
    /* 1. a = {0, 2}, b = {3, 5}: means 1 and 4, variances 2 and 2, squared
     * standard errors 1 and 1, so t = 3 / sqrt(2) = 2.1213203, df = 2^2 /
     * (1/1 + 1/1) = 2.  tan theta = t / sqrt 2 = 3/2, sin theta = 3/sqrt 13,
     * p = 1 - 3/sqrt(13) = 0.16794970566. */
    {
        double a[] = { 0, 2 }, b[] = { 3, 5 };
        welch_result w = welch_of(a, 2, b, 2);
        expect("df=2: t", w.t, 3 / sqrt(2), 1e-12);
        expect("df=2: df", w.df, 2, 1e-12);
        expect("df=2: p = 1 - 3/sqrt 13", w.p, 1 - 3 / sqrt(13), 1e-9);
    }
    /* 2. a = {1, 2, 3}, b = {3, 4, 5}: variances 1 and 1, squared errors
     * 1/3 each, t = 2 / sqrt(2/3) = sqrt 6 = 2.4494897, df = (2/3)^2 /
     * (2 (1/3)^2 / 2) = 4.  tan theta = sqrt 6 / 2, sin^2 theta = 0.6,
     * cos^2 theta = 0.4, p = 1 - sqrt(0.6) 1.2 = 0.07048399. */
    {
        double a[] = { 1, 2, 3 }, b[] = { 3, 4, 5 };
        welch_result w = welch_of(a, 3, b, 3);
        expect("df=4: t", w.t, sqrt(6), 1e-12);
        expect("df=4: df", w.df, 4, 1e-12);
        expect("df=4: p = 1 - 1.2 sqrt 0.6", w.p, 1 - 1.2 * sqrt(0.6), 1e-9);
    }
    /* 3. a = {1, 1, 1} (variance 0), b = {2, 4}: mean 3, variance 2, squared
     * error 1, t = 2, df = 1^2 / (1^2 / 1) = 1.  p = 1 - 2 atan(2) / pi =
     * 0.29516723530. */
    {
        double a[] = { 1, 1, 1 }, b[] = { 2, 4 };
        welch_result w = welch_of(a, 3, b, 2);
        expect("df=1: t", w.t, 2, 1e-12);
        expect("df=1: df", w.df, 1, 1e-12);
        expect("df=1: p = 1 - 2 atan(2)/pi", w.p, 1 - 2 * atan(2) / M_PI, 1e-9);
    }
    /* 4. Unequal sizes and variances, the case Welch is for: a = {1, 2, 3,
     * 4} (mean 5/2, variance 5/3, squared error 5/12), b = {2, 4, 6, 8, 10}
     * (mean 6, variance 10, squared error 2).  se^2 = 29/12, t = 3.5 /
     * sqrt(29/12) = 2.2514358, df = (29/12)^2 / ((5/12)^2 / 3 + 2^2 / 4) =
     * (841/144) / (457/432) = 2523/457 = 5.5207877.  p: no closed form at a
     * fractional df; it must lie between the closed-form tails at df = 4
     * (wider) and at df = infinity (the normal's, 2 Q(t)), and the sign of t
     * follows b - a. */
    {
        double a[] = { 1, 2, 3, 4 }, b[] = { 2, 4, 6, 8, 10 };
        welch_result w = welch_of(a, 4, b, 5);
        expect("unequal: t", w.t, 3.5 / sqrt(29.0 / 12), 1e-12);
        expect("unequal: df = 2523/457", w.df, 2523.0 / 457, 1e-12);
        double th = atan(w.t / 2), p4 = 1 - sin(th) * (1 + cos(th) * cos(th) / 2);
        double pn = erfc(w.t / sqrt(2));
        expect("unequal: p below the df=4 tail", w.p < p4, 1, 0);
        expect("unequal: p above the normal tail", w.p > pn, 1, 0);
        /* and it must match 1 - 2 * integral from 0 to t of the density
         * Gamma((df+1)/2) / (sqrt(df pi) Gamma(df/2)) (1 + x^2/df)^-(df+1)/2,
         * integrated here by Simpson's rule with libm's lgamma, not GSL */
        expect("unequal: p = 1 - 2 (Simpson integral of the density)", w.p,
               1 - 2 * t_density_integral(w.t, w.df), 1e-9);
        welch_result r = welch_of(b, 5, a, 4);
        expect("unequal: swapped gives -t", r.t, -w.t, 1e-12);
        expect("unequal: swapped gives the same p", r.p, w.p, 1e-15);
    }
    /* 5. Identical samples: t = 0, p = 1. */
    {
        double a[] = { 1, 5, 2 };
        expect("identical: p", welch_of(a, 3, a, 3).p, 1, 0);
    }
    /* 6. Zero variance in both: equal constants are no difference (p = 1),
     * different constants are (p = 0). */
    {
        double z[] = { 0, 0, 0 }, z2[] = { 0, 0 }, c[] = { 1, 1 };
        expect("zero variance, equal means: p", welch_of(z, 3, z2, 2).p, 1, 0);
        expect("zero variance, unequal means: p", welch_of(z, 3, c, 2).p, 0, 0);
    }
    /* 7. Holm, m = 5, p = {0.01, 0.04, 0.03, 0.005, 0.5}.  Sorted: 0.005,
     * 0.01, 0.03, 0.04, 0.5; times 5, 4, 3, 2, 1: 0.025, 0.04, 0.09, 0.08,
     * 0.5; running maximum: 0.025, 0.04, 0.09, 0.09, 0.5.  Back in the
     * original order: {0.04, 0.09, 0.09, 0.025, 0.5}; at 0.05 the first and
     * fourth are rejected (0.005 <= 0.05/5, 0.01 <= 0.05/4, then 0.03 >
     * 0.05/3 stops). */
    {
        double p[] = { 0.01, 0.04, 0.03, 0.005, 0.5 }, adj[5];
        double want[] = { 0.04, 0.09, 0.09, 0.025, 0.5 };
        holm(p, adj, 5);
        for (int i = 0; i < 5; i++) {
            char what[48];
            snprintf(what, sizeof what, "holm m=5: adjusted p[%d]", i);
            expect(what, adj[i], want[i], 1e-15);
        }
    }
    /* 8. Holm caps at 1: p = {0.6, 0.9} gives 1.2 -> 1, then max(1, 0.9) = 1;
     * p = {0.3, 0.6} gives 0.6, max(0.6, 0.6) = 0.6; ties {0.02, 0.02, 0.02}
     * all become 0.06. */
    {
        double p1[] = { 0.6, 0.9 }, p2[] = { 0.3, 0.6 }, p3[] = { 0.02, 0.02, 0.02 };
        double adj[3];
        holm(p1, adj, 2);
        expect("holm cap: adjusted p[0]", adj[0], 1, 0);
        expect("holm cap: adjusted p[1]", adj[1], 1, 0);
        holm(p2, adj, 2);
        expect("holm: adjusted p[0]", adj[0], 0.6, 1e-15);
        expect("holm: adjusted p[1]", adj[1], 0.6, 1e-15);
        holm(p3, adj, 3);
        expect("holm ties: adjusted p[2]", adj[2], 0.06, 1e-15);
    }
    /* 9. Horizon rules, with a NaN first year as price drift has:
     * {NaN, 0.1, -0.5}: sum -0.4, mean -0.2, compound 1.1 * 0.5 - 1 = -0.45;
     * all NaN gives NaN. */
    {
        double x[] = { NAN, 0.1, -0.5 }, none[] = { NAN, NAN };
        expect("sum skips NaN", aggregate(x, 3, AGG_SUM), -0.4, 1e-15);
        expect("mean skips NaN", aggregate(x, 3, AGG_MEAN), -0.2, 1e-15);
        expect("compound skips NaN", aggregate(x, 3, AGG_COMPOUND), -0.45, 1e-15);
        expect("no finite year gives NaN", aggregate(none, 2, AGG_SUM), NAN, 0);
    }
    /* 10. The 95 % half-width: {0, 2} has sd sqrt 2, t(0.975, 1) =
     * tan(0.475 pi) = 12.706205, half-width 12.706205 sqrt 2 / sqrt 2. */
    {
        double a[] = { 0, 2 };
        expect("half-width n=2", describe(a, 2).half, tan(0.475 * M_PI), 1e-9);
    }
    printf("welch selftest: %d failed\n", failures);
    return failures ? 1 : 0;
}

/* ---- reading a result file ------------------------------------------------ */

typedef struct {
    const char *path;
    hid_t       file;
    int         n_variants, n_replicates, n_years;
} result_file;

/* A root attribute that is a string (fixed or variable length) into BUF;
 * "?" when there is none, so the header line never fails a run. */
/* Attribute NAME of the root, or of /run where schema 3 keeps it. */
static void root_string(hid_t file, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "?");
    const char *at = "/";
    if (H5Aexists_by_name(file, at, name, H5P_DEFAULT) <= 0) {
        at = "/run";
        if (H5Lexists(file, "run", H5P_DEFAULT) <= 0 ||
            H5Aexists_by_name(file, at, name, H5P_DEFAULT) <= 0) return;
    }
    hid_t attr = H5Aopen_by_name(file, at, name, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) return;
    hid_t type = H5Aget_type(attr);
    if (H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
            hid_t mem = H5Tcopy(H5T_C_S1);
            H5Tset_size(mem, H5T_VARIABLE);
            H5Tset_cset(mem, H5Tget_cset(type));   /* UTF-8 will not convert to ASCII */
            char *s = NULL;
            if (H5Aread(attr, mem, &s) >= 0 && s) {
                snprintf(buf, size, "%s", s);
                H5free_memory(s);
            }
            H5Tclose(mem);
        } else {
            size_t len = H5Tget_size(type);
            char *s = calloc(len + 1, 1);
            if (s && H5Aread(attr, type, s) >= 0) snprintf(buf, size, "%s", s);
            free(s);
        }
    }
    H5Tclose(type);
    H5Aclose(attr);
}

/* Open PATH and learn its plan from /kpi/national/expenditure.  Returns 0
 * on success; prints why and returns -1 otherwise. */
static int open_result(result_file *f, const char *path)
{
    f->path = path;
    f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->file < 0) {
        fprintf(stderr, "welch: %s: cannot open as HDF5\n", path);
        return -1;
    }
    hid_t ds = H5Dopen2(f->file, "/kpi/national/expenditure", H5P_DEFAULT);
    if (ds < 0) {
        fprintf(stderr, "welch: %s: no /kpi/national/expenditure\n", path);
        return -1;
    }
    hid_t sp = H5Dget_space(ds);
    hsize_t dims[4] = { 0, 0, 0, 0 };
    int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    H5Dclose(ds);
    /* [variant][replicate][year], or with a trailing axis of length 1 */
    if (!(rank == 3 || (rank == 4 && dims[3] == 1))) {
        fprintf(stderr, "welch: %s: national KPIs have rank %d, not [variant][replicate][year]\n",
                path, rank);
        return -1;
    }
    f->n_variants = (int)dims[0];
    f->n_replicates = (int)dims[1];
    f->n_years = (int)dims[2];
    return 0;
}

/* The horizon figure of KPI for every replicate of variant V, finite ones
 * only, into OUT (n_replicates long).  Returns the count, or -1 when the
 * dataset is missing or shaped otherwise than expenditure. */
static int read_aggregates(const result_file *f, const kpi_rule *rule, int v, double *out)
{
    char name[128];
    snprintf(name, sizeof name, "/kpi/national/%s", rule->kpi);
    hid_t ds = H5Dopen2(f->file, name, H5P_DEFAULT);
    if (ds < 0) {
        fprintf(stderr, "welch: %s: no dataset %s\n", f->path, name);
        return -1;
    }
    hid_t sp = H5Dget_space(ds);
    hssize_t count = H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    size_t want = (size_t)f->n_variants * (size_t)f->n_replicates * (size_t)f->n_years;
    double *all = count == (hssize_t)want ? malloc(want * sizeof *all) : NULL;
    if (!all || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all) < 0) {
        fprintf(stderr, "welch: %s: cannot read %s (or its shape differs)\n", f->path, name);
        free(all);
        H5Dclose(ds);
        return -1;
    }
    H5Dclose(ds);
    int n = 0;
    for (int r = 0; r < f->n_replicates; r++) {
        const double *years = all + ((size_t)v * f->n_replicates + r) * f->n_years;
        int first = rule->first < f->n_years ? rule->first : 0;
        double x = aggregate(years + first, f->n_years - first, rule->kind);
        if (isfinite(x)) out[n++] = x;
    }
    free(all);
    return n;
}

/* ---- the comparison ------------------------------------------------------- */

static int compare(const char *before, const char *after, double alpha)
{
    result_file fb, fa;
    if (open_result(&fb, before) || open_result(&fa, after)) return 2;
    if (fb.n_variants != fa.n_variants || fb.n_years != fa.n_years) {
        fprintf(stderr, "welch: the files differ in plan: %d variant(s) x %d years against %d x %d\n",
                fb.n_variants, fb.n_years, fa.n_variants, fa.n_years);
        return 2;
    }
    for (int i = 0; i < 2; i++) {
        const result_file *f = i ? &fa : &fb;
        char commit[64], cmd[512];
        root_string(f->file, "git_commit", commit, sizeof commit);
        root_string(f->file, "command_line", cmd, sizeof cmd);
        printf("%-6s %s: git_commit %s, %d variant(s) x %d replicates x %d years\n"
               "       command_line: %s\n",
               i ? "after" : "before", f->path, commit, f->n_variants,
               f->n_replicates, f->n_years, cmd);
    }

    /* One test per variant and KPI; the family is all of them. */
    int m = fb.n_variants * N_RULES;
    if (m > 64) {
        fprintf(stderr, "welch: %d variants are more than this check handles (9)\n", fb.n_variants);
        return 2;
    }
    sample sb[64], sa[64];
    welch_result w[64];
    double p[64], adj[64];
    int identical[64];
    double *xb = malloc((size_t)fb.n_replicates * sizeof *xb);
    double *xa = malloc((size_t)fa.n_replicates * sizeof *xa);
    if (!xb || !xa) { fprintf(stderr, "welch: out of memory\n"); return 2; }
    for (int v = 0; v < fb.n_variants; v++)
        for (int k = 0; k < N_RULES; k++) {
            int i = v * N_RULES + k;
            int nb = read_aggregates(&fb, &rules[k], v, xb);
            int na = read_aggregates(&fa, &rules[k], v, xa);
            if (nb < 0 || na < 0) return 2;
            if (nb < 2 || na < 2) {
                fprintf(stderr, "welch: %s: %d and %d replicates with a finite value; a test needs 2 each\n",
                        rules[k].kpi, nb, na);
                return 2;
            }
            /* Bit-identical figures replicate by replicate: worth saying,
             * because a change that should not touch the random path (a
             * refactoring) must give exactly this. */
            identical[i] = nb == na && memcmp(xb, xa, (size_t)nb * sizeof *xb) == 0;
            sb[i] = describe(xb, nb);
            sa[i] = describe(xa, na);
            w[i] = welch(sb[i], sa[i]);
            p[i] = w[i].p;
        }
    free(xb);
    free(xa);
    holm(p, adj, m);

    printf("\nWelch test of the difference of horizon means, Holm-corrected over %d test(s) at family-wise %g\n",
           m, alpha);
    printf("mean ± half-width of the 95 %% interval over replicates; difference = after - before\n");
    char diffs[1024] = "";
    int n_diff = 0, all_identical = 1;
    for (int v = 0; v < fb.n_variants; v++) {
        if (fb.n_variants > 1) printf("variant %d\n", v);
        printf("%-15s %-9s %-18s %-22s %-22s %-12s %-8s %-9s %-9s %s\n", "KPI", "rule",
               "unit", "before", "after", "difference", "df", "p raw", "p Holm", "verdict");
        for (int k = 0; k < N_RULES; k++) {
            int i = v * N_RULES + k;
            const kpi_rule *r = &rules[k];
            double s = r->scale;
            char bs[32], as[32], ds[16], dfs[16];
            snprintf(bs, sizeof bs, "%.6g ±%.2g", sb[i].mean * s, sb[i].half * s);
            snprintf(as, sizeof as, "%.6g ±%.2g", sa[i].mean * s, sa[i].half * s);
            snprintf(ds, sizeof ds, "%+.3g", (sa[i].mean - sb[i].mean) * s);
            snprintf(dfs, sizeof dfs, isfinite(w[i].df) ? "%.1f" : "-", w[i].df);
            int differ = adj[i] <= alpha;
            char rule[16];
            if (r->first) snprintf(rule, sizeof rule, "%s y%d+", agg_name[r->kind], r->first + 1);
            else snprintf(rule, sizeof rule, "%s", agg_name[r->kind]);
            /* "±" is two bytes and one column: one more byte of width */
            printf("%-15s %-9s %-18s %-23s %-23s %-12s %-8s %-9.4g %-9.4g %s%s\n", r->kpi,
                   rule, r->unit, bs, as, ds, dfs, p[i], adj[i],
                   differ ? "DIFFERENCE" : "no difference",
                   identical[i] ? " (identical)" : "");
            all_identical &= identical[i];
            if (differ) {
                size_t len = strlen(diffs);
                snprintf(diffs + len, sizeof diffs - len, "%s%s", n_diff ? "," : "", r->kpi);
                if (fb.n_variants > 1) {
                    len = strlen(diffs);
                    snprintf(diffs + len, sizeof diffs - len, "[%d]", v);
                }
                n_diff++;
            }
        }
    }
    if (all_identical)
        printf("every KPI's horizon figures are bit-identical replicate by replicate\n");
    H5Fclose(fb.file);
    H5Fclose(fa.file);
    if (n_diff) {
        printf("equivalence: DIFFERENCE in %s\n", diffs);
        return 1;
    }
    if (fb.n_variants > 1)
        printf("equivalence: no difference (%d KPIs x %d variants, Holm %g %%)\n", N_RULES,
               fb.n_variants, alpha * 100);
    else
        printf("equivalence: no difference (%d KPIs, Holm %g %%)\n", N_RULES, alpha * 100);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: welch [--alpha A] BEFORE.h5 AFTER.h5 | welch --selftest\n");
}

int main(int argc, char **argv)
{
    double alpha = 0.05;
    int i = 1;
    if (argc == 2 && strcmp(argv[1], "--selftest") == 0) return selftest();
    if (argc > 2 && strcmp(argv[1], "--alpha") == 0) {
        char *end;
        alpha = strtod(argv[2], &end);
        if (*end || !(alpha > 0 && alpha < 1)) {
            fprintf(stderr, "welch: --alpha takes a number between 0 and 1\n");
            return 2;
        }
        i = 3;
    }
    if (argc - i != 2) {
        usage();
        return 2;
    }
    /* HDF5's own error stack would print pages for a missing dataset; the
     * messages above say what is wrong. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return compare(argv[i], argv[i + 1], alpha);
}
