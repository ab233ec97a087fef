#!/usr/bin/env bash
# tests/cli_sweep.sh - placesim sweep on the small market: the shipped
# 3-factor Sobol study runs, prints first-order and total indices with
# intervals and writes /sweep; its shards merge into the same bytes; grid,
# lhs and morris designs run and have the documented number of points; a
# scenario's variants cross with the points; and check refuses a bad
# sweep: section with file:line and the key, exit 2.  Prints "ok - NAME"
# or "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
SW=scenarios/sweep_small.yaml
contains() { grep -qF -- "$2" "$1"; }
dims() {   # dims FILE DATASET: its shape as "a x b"
    /usr/bin/python3 -c "import h5py,sys; print(' x '.join(map(str, h5py.File(sys.argv[1],'r')[sys.argv[2]].shape)))" "$@"
}

"$P" check $SW >"$T/check.out" 2>&1
check "check: the shipped sweep is valid" contains "$T/check.out" "sweep: sobol, 3 factors, 80 points"
"$P" sweep $SW -r 2 -t 2 -o "$T/sw.h5" >"$T/sw.out" 2>"$T/sw.err"; rc=$?
check "sweep: exit 0" [ "$rc" = 0 ]
check "sweep: 80 points x 2 replicates" contains "$T/sw.err" "80 variant(s) x 2 replicates"
check "sweep: prints first-order and total indices" contains "$T/sw.out" "first order [95 %]"
for out in expenditure unit_price price_drift waiting_narrow; do
    check "sweep: a block for $out" grep -qx "$out" "$T/sw.out"
done
check "sweep: /sweep/value is points x factors" [ "$(dims "$T/sw.h5" sweep/value)" = "80 x 3" ]
check "sweep: /sweep/sobol/expenditure/first is variants x factors" [ "$(dims "$T/sw.h5" sweep/sobol/expenditure/first)" = "1 x 3" ]
check "sweep: /sweep/mean/unit_price is variants x points" [ "$(dims "$T/sw.h5" sweep/mean/unit_price)" = "1 x 80" ]
/usr/bin/python3 - "$T/sw.h5" >"$T/py.out" 2>&1 <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
x = f["sweep/value"][()]
names = [s.decode() if isinstance(s, bytes) else s for s in f["sweep/factor_key"][()]]
assert names == ["negotiation.rigor", "negotiation.regrade_ask_prob", "takst.private_markup"], names
assert (x[:, 0] >= 0.3).all() and (x[:, 0] <= 0.9).all()
assert (x[:, 2] >= 0).all() and (x[:, 2] <= 0.1).all()
# AB_j rows: A with column j from B (points 32 + 16 j + i)
A, B = x[:16], x[16:32]
for j in range(3):
    AB = x[32 + 16 * j: 48 + 16 * j]
    for c in range(3):
        assert np.array_equal(AB[:, c], B[:, c] if c == j else A[:, c])
# each point's run used its own value: the resolved key differs between points
lo = f["sweep/first_lo" if False else "sweep/sobol/expenditure/first_lo"][()]
hi = f["sweep/sobol/expenditure/first_hi"][()]
assert (lo <= hi).all()
print("ok")
PY
check "sweep: the file's design is Saltelli's and in range" grep -qx ok "$T/py.out"
[ -s "$T/py.out" ] && ! grep -qx ok "$T/py.out" && sed 's/^/# /' "$T/py.out" | tail -5

# shards of a sweep merge into the same bytes
for k in 0 1 2; do "$P" sweep $SW -r 2 -t 1 -q --shard $k/3 -o "$T/sh" 2>/dev/null; done
"$P" merge "$T/sh" -q -o "$T/m.h5" 2>/dev/null
check "sweep: 3 shards merged: the same bytes" same_bytes "$T/sw.h5" "$T/m.h5"

# the other designs, on a scenario with two variants
design() {   # design KIND EXTRA...: a sweep scenario of two factors
    cat >"$T/$1.yaml" <<YAML
extends: $ROOT/tests/data/small.yaml
run: { years: 2, replicates: 1 }
variants:
  takst: {}
  drg: { regime: { name: drg } }
sweep:
  design: $1
  points: 3
  levels: 4
  outputs: expenditure
  factors:
    rigor: { key: negotiation.rigor, low: 0.4, high: 0.8 }
    markup: { key: takst.private_markup, values: [0.0, 0.03, 0.06, 0.1] }
YAML
}
for kind in grid lhs morris; do
    design $kind
    "$P" sweep "$T/$kind.yaml" -t 2 -o "$T/$kind.h5" >"$T/$kind.out" 2>"$T/$kind.err"; rc=$?
    check "$kind: exit 0" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || sed 's/^/# /' "$T/$kind.err" | tail -3
done
# grid: 4 levels x 4 values = 16 points; lhs: 3; morris: 3 x (2 + 1) = 9; each x 2 variants
check "grid: 16 points x 2 variants" contains "$T/grid.err" "32 variant(s)"
check "lhs: 3 points x 2 variants" contains "$T/lhs.err" "6 variant(s)"
check "morris: 3 trajectories x 3 points x 2 variants" contains "$T/morris.err" "18 variant(s)"
check "morris: prints mu* and sigma" contains "$T/morris.out" "mu*"
check "lhs: prints rank correlations" contains "$T/lhs.out" "rank corr."
check "the cross product: a block per scenario variant" contains "$T/grid.out" "expenditure, drg"
names=$(/usr/bin/python3 -c "import h5py; print(' '.join(s.decode() for s in h5py.File('$T/grid.h5','r')['axes/variant'][[0, 11, 12, 15, 16]]))")
check "the cross product: variant b x points + p is base b at point p" [ "$names" = "takst-p0 takst-p11 takst-p12 takst-p15 drg-p0" ]

# ---- bad sweep: sections ------------------------------------------------------
bad() {   # bad NAME TEXT-IN-MESSAGE YAML-TAIL: check refuses it, exit 2, file:line
    local name=$1 want=$2
    printf 'extends: %s/tests/data/small.yaml\n%s\n' "$ROOT" "$3" >"$T/bad.yaml"
    "$P" check "$T/bad.yaml" >/dev/null 2>"$T/bad.err"; local rc=$?
    check "$name: exit 2" [ "$rc" = 2 ]
    check "$name: says why" contains "$T/bad.err" "$want"
    check "$name: names file:line" grep -qE "bad.yaml:[0-9]+:[0-9]+: key 'sweep" "$T/bad.err"
}
bad "unknown key" "'costs.nope' is not a number key" 'sweep:
  design: lhs
  factors: { a: { key: costs.nope, low: 1, high: 2 } }'
bad "value outside the key's range" "is not a number from 0 to 1" 'sweep:
  design: lhs
  factors: { a: { key: negotiation.rigor, low: 0.5, high: 3 } }'
bad "high not above low" "high must be above low" 'sweep:
  design: grid
  factors: { a: { key: negotiation.rigor, low: 0.5, high: 0.5 } }'
bad "log scale from 0" "a log scale wants low above 0" 'sweep:
  design: lhs
  factors: { a: { key: takst.private_markup, low: 0, high: 0.1, scale: log } }'
bad "a plan key as factor" "cannot be a factor" 'sweep:
  design: lhs
  factors: { a: { key: run.years, low: 2, high: 3 } }'
bad "a whole-number key with a fraction" "whole number" 'sweep:
  design: lhs
  factors: { a: { key: run.warmup_years, values: [1, 1.5] } }'
bad "an unknown output" "'expenditur' is not a KPI" 'sweep:
  design: lhs
  outputs: expenditur
  factors: { a: { key: negotiation.rigor, low: 0.5, high: 0.6 } }'
bad "factors without a design" "factors are given but no design" 'sweep:
  factors: { a: { key: negotiation.rigor, low: 0.5, high: 0.6 } }'
bad "a design without factors" "a design wants factors" 'sweep:
  design: sobol'
bad "one factor twice" "is factor 'a' already" 'sweep:
  design: lhs
  factors:
    a: { key: negotiation.rigor, low: 0.5, high: 0.6 }
    b: { key: negotiation.rigor, low: 0.5, high: 0.7 }'
bad "morris with odd levels" "an even number of levels" 'sweep:
  design: morris
  levels: 5
  factors: { a: { key: negotiation.rigor, low: 0.1, high: 0.6 } }'
bad "morris with a list unlike its levels" "a list of values must have as many" 'sweep:
  design: morris
  levels: 4
  factors: { a: { key: negotiation.rigor, values: [0.1, 0.5] } }'
bad "an output twice" "is named twice" 'sweep:
  design: lhs
  outputs: expenditure,expenditure
  factors: { a: { key: negotiation.rigor, low: 0.5, high: 0.6 } }'
bad "a group the scenario lacks" "names a group, type or shock the scenario does not have" 'sweep:
  design: lhs
  factors: { a: { key: groups.nosuch.cost_multiplier, low: 1, high: 2 } }'
bad "a pattern as key" "is a pattern" 'sweep:
  design: lhs
  factors: { a: { key: "groups.*.cost_multiplier", low: 1, high: 2 } }'
bad "a whole-number key with low and high" "takes whole numbers: give them as a list" 'sweep:
  design: lhs
  factors: { a: { key: run.warmup_years, low: 1, high: 2 } }'
bad "an empty list of values" "an empty list" 'sweep:
  design: lhs
  factors: { a: { key: negotiation.rigor, values: [] } }'
bad "values and a range" "values or low and high, not both" 'sweep:
  design: lhs
  factors: { a: { key: negotiation.rigor, low: 0.1, values: [0.2, 0.3] } }'
bad "a grid too large" "more than 20000 points" 'sweep:
  design: grid
  levels: 1000
  factors:
    a: { key: negotiation.rigor, low: 0.1, high: 0.6 }
    b: { key: negotiation.regrade_ask_prob, low: 0.1, high: 0.7 }'
# 21 factors: beyond GSL's 40 Sobol dimensions
{
    printf 'extends: %s/tests/data/small.yaml\nsweep:\n  design: sobol\n  factors:\n' "$ROOT"
    for i in $(seq 1 21); do printf '    f%d: { key: groups.autism.incidence_home, low: 0.1, high: 0.2 }\n' "$i"; done
} >"$T/many.yaml"
"$P" check "$T/many.yaml" >/dev/null 2>"$T/many.err"; rc=$?
check "21 factors: refused (exit 2)" [ "$rc" = 2 ]
check "21 factors: says why" contains "$T/many.err" "at most 20 factors"
# a variant may not change the design
printf 'extends: %s\nvariants:\n  a: {}\n  b: { sweep: { points: 8 } }\n' "$ROOT/$SW" >"$T/var.yaml"
"$P" check "$T/var.yaml" >/dev/null 2>"$T/var.err"; rc=$?
check "a variant changing the sweep: refused (exit 2)" [ "$rc" = 2 ]
check "a variant changing the sweep: says so" contains "$T/var.err" "variant 'b' changes the sweep: section"
"$P" sweep tests/data/small.yaml -r 1 -o "$T/none.h5" 2>"$T/none.err"; rc=$?
check "sweep of a scenario without a sweep: exit 2" [ "$rc" = 2 ]
check "sweep of a scenario without a sweep: says so" contains "$T/none.err" "has no sweep: section"
check "sweep of a scenario without a sweep: writes nothing" [ ! -e "$T/none.h5" ]
