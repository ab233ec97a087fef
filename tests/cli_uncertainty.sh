#!/usr/bin/env bash
# tests/cli_uncertainty.sh - uncertainty about assumptions on the small
# market: compare with an uncertainty: section prints, for the headline
# rows, the Monte Carlo interval beside the parameter interval; replicate r
# runs draw r / k, the same in every variant (a variant that sets a prior's
# key keeps its own value); the draws follow their priors and their seed;
# the file holds them; a prior that matters shows as the main driver and a
# prior without effect leaves the parameter interval as narrow as the
# noise; bad sections are refused with file:line, exit 2.  Prints "ok -
# NAME" or "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
contains() { grep -qF -- "$2" "$1"; }
scenario() {   # scenario FILE REPLICATES PRIORS...
    local f=$1 r=$2; shift 2
    {
        printf 'extends: %s/tests/data/small.yaml\nrun: { years: 3, replicates: %s }\n' "$ROOT" "$r"
        printf 'variants:\n  takst: {}\n  drg: { regime: { name: drg } }\n'
        printf '  no_talks: { negotiation: { rigor: 1.0 } }\n'
        printf 'uncertainty:\n  replicates_per_draw: 2\n  priors:\n'
        for p in "$@"; do printf '    %s\n' "$p"; done
    } >"$f"
}
scenario "$T/u.yaml" 40 \
    'rigor: { key: negotiation.rigor, dist: triangular, low: 0.2, mode: 0.6, high: 0.95 }' \
    'idle: { key: negotiation.admin_cost_followup, dist: uniform, low: 3999, high: 4001 }' \
    'noise: { key: need.assessment_noise_sd, dist: normal, mean: 0.5, sd: 0.1, low: 0.2, high: 0.8 }' \
    'markup: { key: takst.private_markup, dist: beta, a: 2, b: 5, low: 0, high: 0.2 }' \
    'upcode: { key: drg.upcode_prob, dist: lognormal, mean: -1.2, sd: 0.3, high: 1 }'
"$P" check "$T/u.yaml" >"$T/check.out" 2>&1
check "check: the section is valid" contains "$T/check.out" "uncertainty: 5 priors, 20 draws of 2 replicates"
"$P" compare "$T/u.yaml" -t 2 -o "$T/u.h5" >"$T/u.out" 2>"$T/u.err"; rc=$?
check "compare: exit 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/u.err" | tail -3
check "compare: prints the two intervals" contains "$T/u.out" "Monte Carlo 95 %"
check "compare: and the parameters' interval" contains "$T/u.out" "parameters 95 %"
/usr/bin/python3 - "$T/u.h5" >"$T/py.out" 2>&1 <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
x = f["uncertainty/draw"][()]                      # [draw][prior]
names = [s.decode() for s in f["uncertainty/prior"][()]]
assert x.shape == (20, 5), x.shape
rig, idle, noise, mk, up = x.T
assert ((rig >= 0.2) & (rig <= 0.95)).all() and ((noise >= 0.2) & (noise <= 0.8)).all()
assert ((mk >= 0) & (mk <= 0.2)).all() and ((up > 0) & (up <= 1)).all()
assert len(set(np.round(rig, 12))) == 20           # twenty different draws
# the resolved parameters: every variant runs under the same draws
e = f["kpi/national/expenditure"][()]              # [variant][replicate][year]
# no_talks sets rigor itself: its replicate pairs under different rigor
# draws differ only by noise, while takst's move with rigor
lo = f["uncertainty/diff/expenditure/param_lo"][()]
hi = f["uncertainty/diff/expenditure/param_hi"][()]
mc_lo = f["uncertainty/diff/expenditure/mc_lo"][()]
mc_hi = f["uncertainty/diff/expenditure/mc_hi"][()]
rho = f["uncertainty/diff/expenditure/rho"][()]    # [variant][prior]
assert np.isfinite(lo[1:]).all() and (lo[1:] <= hi[1:]).all() and (mc_lo[1:] <= mc_hi[1:]).all()
print("ok")
print("rho no_talks-takst:", dict(zip(names, np.round(rho[2], 2))))
PY
check "the file: draws in their priors' support, one per pair of replicates" grep -qx ok "$T/py.out"
grep -qx ok "$T/py.out" || sed 's/^/# /' "$T/py.out" | tail -5
# no_talks sets negotiation.rigor itself: the rigor prior moves takst, not
# no_talks, so it is the main driver of their difference in spending
check "a prior that matters is the main driver (rigor, no_talks)" \
    grep -qE "no_talks .*rigor \(" "$T/u.out"
check "a prior without effect is never a main driver" bash -c "! grep -q 'idle (' '$T/u.out'"
# the same scenario, the same draws: the file's draws repeat
"$P" compare "$T/u.yaml" -t 1 -q -o "$T/u2.h5" 2>/dev/null
check "the draws repeat for the same seed, any thread count" same_bytes "$T/u.h5" "$T/u2.h5"
# draws are keyed by draw: 40 replicates or 48, the first twenty draws agree
scenario "$T/u16.yaml" 48 \
    'rigor: { key: negotiation.rigor, dist: triangular, low: 0.2, mode: 0.6, high: 0.95 }' \
    'idle: { key: negotiation.admin_cost_followup, dist: uniform, low: 3999, high: 4001 }' \
    'noise: { key: need.assessment_noise_sd, dist: normal, mean: 0.5, sd: 0.1, low: 0.2, high: 0.8 }' \
    'markup: { key: takst.private_markup, dist: beta, a: 2, b: 5, low: 0, high: 0.2 }' \
    'upcode: { key: drg.upcode_prob, dist: lognormal, mean: -1.2, sd: 0.3, high: 1 }'
"$P" compare "$T/u16.yaml" -t 2 -q -o "$T/u16.h5" 2>/dev/null
same=$(/usr/bin/python3 -c "
import h5py, numpy as np
a = h5py.File('$T/u.h5','r')['uncertainty/draw'][()]; b = h5py.File('$T/u16.h5','r')['uncertainty/draw'][()]
print(int(np.array_equal(a, b[:20])))")
check "draw d is keyed by (seed, d): more replicates add draws, keep the first" [ "$same" = 1 ]

# ---- refusals ------------------------------------------------------------------
bad() {   # bad NAME TEXT PRIOR [REPLICATES]
    scenario "$T/bad.yaml" "${4:-4}" "$3"
    "$P" check "$T/bad.yaml" >/dev/null 2>"$T/bad.err"; local rc=$?
    check "$1: exit 2" [ "$rc" = 2 ]
    check "$1: says why" contains "$T/bad.err" "$2"
    check "$1: names file:line" grep -qE "bad.yaml:[0-9]+:[0-9]+: key 'uncertainty" "$T/bad.err"
}
bad "replicates not whole draws" "are not whole draws of 2" 'a: { key: negotiation.rigor, dist: uniform, low: 0.2, high: 0.8 }' 5
bad "an unknown key" "is not a number key" 'a: { key: negotiation.rigr, dist: uniform, low: 0.2, high: 0.8 }'
bad "a plan key" "priors are for its parameters" 'a: { key: run.years, dist: uniform, low: 2, high: 3 }'
bad "uniform without bounds" "a uniform prior wants low" 'a: { key: negotiation.rigor, dist: uniform }'
bad "a mode outside" "mode lies from low to high" 'a: { key: negotiation.rigor, dist: triangular, low: 0.2, mode: 0.9, high: 0.8 }'
bad "bounds outside the key's range" "outside the key's range" 'a: { key: negotiation.rigor, dist: uniform, low: 0.2, high: 1.5 }'
bad "a normal without spread" "wants sd above 0" 'a: { key: negotiation.rigor, dist: normal, mean: 0.5, sd: 0 }'
bad "a prior the key can hardly take" "1000 draws in a row" 'a: { key: negotiation.rigor, dist: normal, mean: 50, sd: 1 }'
bad "a normal prior without its mean" "a normal prior wants mean" 'a: { key: negotiation.rigor, dist: normal, sd: 0.1 }'
bad "a uniform prior with a mode" "a uniform prior has no mode" 'a: { key: negotiation.rigor, dist: uniform, low: 0.2, high: 0.8, mode: 0.5 }'
bad "a whole-number key" "takes whole numbers" 'a: { key: negotiation.max_addons, dist: uniform, low: 1, high: 4 }'
bad "an unknown distribution" "dist" 'a: { key: negotiation.rigor, dist: gamma, low: 0.2, high: 0.8 }'
scenario "$T/two.yaml" 4 'a: { key: negotiation.rigor, dist: uniform, low: 0.2, high: 0.8 }' \
    'b: { key: negotiation.rigor, dist: uniform, low: 0.3, high: 0.8 }'
"$P" check "$T/two.yaml" >/dev/null 2>"$T/two.err"; rc=$?
check "one key, two priors: refused (exit 2)" [ "$rc" = 2 ]
check "one key, two priors: says so" contains "$T/two.err" "has a prior already"
"$P" compare "$T/u.yaml" -r 2 -w 0.1 -o "$T/w.h5" >/dev/null 2>"$T/w.err"; rc=$?
check "--until-width with uncertainty: refused (exit 2)" [ "$rc" = 2 ]

# the report shows the two intervals, in both languages
"$P" report "$T/u.h5" -o "$T/u.html" --lang en -f >/dev/null 2>&1
check "report (en): the uncertainty section" grep -q "With uncertainty about the assumptions: 20 draws of 5" "$T/u.html"
check "report (en): its table as CSV" [ -s "$T/u_files/uncertainty.csv" ]
check "report (en): a row per headline measure and variant" [ "$(($(wc -l <"$T/u_files/uncertainty.csv") - 1))" = 12 ]
"$P" report "$T/u.h5" -o "$T/uda.html" --lang da -f >/dev/null 2>&1
check "report (da): the uncertainty section" grep -q "Med usikkerhed om antagelserne" "$T/uda.html"
"$P" report "$T/u2.h5" -o "$T/none.html" -f >/dev/null 2>&1
"$P" compare tests/data/small_regimes.yaml -r 2 -q -o "$T/plain.h5" 2>/dev/null
"$P" report "$T/plain.h5" -o "$T/plain.html" -f >/dev/null 2>&1
check "report without an uncertainty: section: no such section" bash -c "! grep -q 'Med usikkerhed om antagelserne' '$T/plain.html'"

# one replicate per draw (the classic design): the noise cannot be told
# from the parameters, so there is no Monte Carlo interval and no share,
# but the mean's interval and the draws' range are there
{
    printf 'extends: %s/tests/data/small.yaml\nrun: { years: 2, replicates: 6 }\n' "$ROOT"
    printf 'variants:\n  takst: {}\n  drg: { regime: { name: drg } }\n'
    printf 'uncertainty:\n  replicates_per_draw: 1\n  priors:\n'
    printf '    rigor: { key: negotiation.rigor, dist: uniform, low: 0.3, high: 0.9 }\n'
} >"$T/k1.yaml"
"$P" compare "$T/k1.yaml" -t 2 -q -o "$T/k1.h5" >/dev/null 2>&1; rc=$?
check "one replicate per draw: compare exits 0" [ "$rc" = 0 ]
/usr/bin/python3 - "$T/k1.h5" >"$T/k1.out" 2>&1 <<'PY'
import sys, h5py, numpy as np
g = h5py.File(sys.argv[1], "r")["uncertainty/diff/expenditure"]
assert np.isfinite(g["mean_half"][1]) and np.isfinite(g["param_lo"][1]), "mean and range"
assert g["param_lo"][1] <= g["param_hi"][1]
assert np.isnan(g["mc_lo"][1]) and np.isnan(g["param_share"][1]), "no noise estimate"
print("ok")
PY
check "one replicate per draw: the mean's interval and the range, no Monte Carlo interval" grep -qx ok "$T/k1.out"
grep -qx ok "$T/k1.out" || sed 's/^/# /' "$T/k1.out" | tail -5
