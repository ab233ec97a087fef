#!/usr/bin/env bash
# tests/cli_compare.sh - `placesim compare` on the small scenario under the
# four regimes: the committee report, the file's layout, the stopping rule
# for adding replicates, refusal of a scenario without variants, and a golden
# regression of national KPIs per regime.  Prints "ok - NAME" or
# "not ok - NAME" per check.  Run from the repository root (tests/run.sh
# does).
#
# PLACESIM_UPDATE_GOLDEN=1 rewrites tests/golden/small_regimes.txt instead
# of comparing; do that only after a model change you mean to make.
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
GOLDEN=$ROOT/tests/golden/small_regimes.txt
has_group() { h5dump -H -g "$1" "$2" >/dev/null 2>&1; }
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
# replicates FILE: the replicate axis of /kpi/national/expenditure
# (dataspace: variants, replicates, years)
replicates() {
    h5dump -H -d /kpi/national/expenditure "$1" 2>/dev/null |
        sed -n 's/.*SIMPLE { ( *[0-9]*, *\([0-9]*\), *[0-9]* ).*/\1/p'
}

VARIANTS="takst drg tender objective"
cat >"$T/regimes.yaml" <<EOF
# the small market under each regime (written by tests/cli_compare.sh)
extends: $SMALL
variants:
  takst: {}
  drg: { regime: { name: drg } }
  tender: { regime: { name: tender } }
  objective: { regime: { name: objective } }
EOF

# ---- (a) the committee report and the file ---------------------------------
"$P" compare "$T/regimes.yaml" -r 4 -o "$T/cmp.h5" >"$T/cmp.out" 2>"$T/cmp.err"; rc=$?
check "compare exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/cmp.err" | tail -5
check "report has total expenditure" contains "$T/cmp.out" "total expenditure"
check "report has difference from the reference" \
    contains "$T/cmp.out" "difference from the reference"
for v in $VARIANTS; do
    check "report names variant $v" grep -qE "^ +$v +" "$T/cmp.out"
done
for g in /compare /compare_diff /summary_diff; do
    check "group $g present" has_group "$g" "$T/cmp.h5"
done
check "4 replicates per variant written" [ "$(replicates "$T/cmp.h5")" = 4 ]

# ---- (b) batches of replicates until the intervals are narrow ---------------
# A wide target is met by the first batch.  (The reported intervals include
# offers closed, a count with a mean of a few offers; a target of 0.5 is not
# met even by 12 replicates, so the wide target here is 8.)
"$P" compare "$T/regimes.yaml" --until-width 8 --max-replicates 12 -r 4 \
    -o "$T/wide.h5" >/dev/null 2>"$T/wide.err"; rc=$?
check "wide target: exits 0" [ "$rc" = 0 ]
check "wide target: narrow enough after the first batch" \
    contains "$T/wide.err" "4 replicates per variant: intervals narrow enough"
check "wide target: no second batch" lacks "$T/wide.err" "8 replicates per variant"
check "wide target: 4 replicates written" [ "$(replicates "$T/wide.h5")" = 4 ]

# A target no run can meet adds batches up to the maximum.
"$P" compare "$T/regimes.yaml" --until-width 0.000001 --max-replicates 8 -r 4 \
    -o "$T/tight.h5" >/dev/null 2>"$T/tight.err"; rc=$?
check "tight target: exits 3 (not reached)" [ "$rc" = 3 ]
check "tight target: says the width was not reached" contains "$T/tight.err" "not reached"
check "tight target: first batch too wide" \
    contains "$T/tight.err" "4 replicates per variant: intervals still too wide"
check "tight target: runs 8 replicates" contains "$T/tight.err" "8 replicates per variant"
check "tight target: stops at the maximum" lacks "$T/tight.err" "12 replicates per variant"
check "tight target: 8 replicates written" [ "$(replicates "$T/tight.h5")" = 8 ]
# the first batch of the longer run is the same 4 replicates (same seeds)
same_first() {
    h5dump -m %.17g -A 0 -d /kpi/national/expenditure -y -w 0 "$1" |
        sed -n '/DATA {/,/}/p' | tr -s ' ,\n' '\n' | grep -E '^[-0-9]' >"$T/a.txt"
    h5dump -m %.17g -A 0 -d /kpi/national/expenditure -y -w 0 "$2" |
        sed -n '/DATA {/,/}/p' | tr -s ' ,\n' '\n' | grep -E '^[-0-9]' >"$T/b.txt"
    # variant v, replicate r, year y at (v * R + r) * Y + y; R = 4 and 8, Y = 4
    local v r y ok=0
    for v in 0 1 2 3; do for r in 0 1 2 3; do for y in 0 1 2 3; do
        a=$(sed -n "$(((v * 4 + r) * 4 + y + 1))p" "$T/a.txt")
        b=$(sed -n "$(((v * 8 + r) * 4 + y + 1))p" "$T/b.txt")
        [ -n "$a" ] && [ "$a" = "$b" ] || ok=1
    done; done; done
    return $ok
}
check "batches extend the first replicates" same_first "$T/cmp.h5" "$T/tight.h5"

# ---- (c) nothing to compare ----------------------------------------------
"$P" compare "$SMALL" -o "$T/none.h5" >/dev/null 2>"$T/none.err"; rc=$?
check "compare without variants exits 2" [ "$rc" = 2 ]
check "compare without variants says why" contains "$T/none.err" "fewer than two variants"
check "compare without variants writes nothing" [ ! -e "$T/none.h5" ]

# ---- (d) golden regression ----------------------------------------------
golden "golden national KPIs per regime" "$T/cmp.h5" "$GOLDEN" /kpi/national/expenditure /kpi/national/unit_price /kpi/national/price_drift
