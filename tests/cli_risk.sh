#!/usr/bin/env bash
# tests/cli_risk.sh - `placesim risk` on the small scenario with two regimes
# and a shocks block: the drift risk and sources report, the compounded
# horizon aggregate in the file, the one-at-a-time sensitivity table,
# refusal of a bad threshold and of shocks naming an unknown group or
# region (exit 2, file and line named), and `placesim check` of the shipped
# shock scenario.  Prints "ok - NAME" or "not ok - NAME" per check.  Run
# from the repository root (tests/run.sh does).
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
contains() { grep -qF -- "$2" "$1"; }
has_group() { h5dump -H -g "$1" "$2" >/dev/null 2>&1; }

# Line numbers matter: the refusal checks below expect shocks.rise.group on
# line 8 and shocks.rise.region on line 9.
write_scenario() {   # write_scenario FILE GROUP REGION
    cat >"$1" <<EOF
extends: $SMALL
variants:
  takst: {}
  drg: { regime: { name: drg } }
shocks:
  rise:
    kind: incidence
    group: $2
    region: $3
    start_year: 2023
    size: 0.3
  cases:
    kind: expensive_case
    rate: 5
    size: 3
EOF
}
write_scenario "$T/risk.yaml" autism Hovedstaden

# ---- (a) the report and the file ------------------------------------------
"$P" risk "$T/risk.yaml" -r 4 -o "$T/risk.h5" >"$T/risk.out" 2>"$T/risk.err"; rc=$?
check "risk exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/risk.err" | tail -5
check "report has cumulative price drift" contains "$T/risk.out" "Cumulative price drift"
check "report has sources of drift" contains "$T/risk.out" "Sources of drift"
for v in takst drg; do
    check "report names variant $v" grep -qE "^ +$v +" "$T/risk.out"
done
check "sources table adds up to the summed total" contains "$T/risk.out" "= total (summed)"
check "file has /compare/price_drift" has_group /compare/price_drift "$T/risk.h5"
h5dump -a /compare/price_drift/over_years "$T/risk.h5" >"$T/attr.txt" 2>&1
check "/compare/price_drift is compounded over the years" \
    grep -qE '\(0\): "compound"' "$T/attr.txt"

# ---- (b) sensitivity ------------------------------------------------------
"$P" risk "$T/risk.yaml" --sensitivity --step 0.2 -r 2 -o "$T/sens.h5" \
    >"$T/sens.out" 2>"$T/sens.err"; rc=$?
check "risk --sensitivity exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/sens.err" | tail -5
check "sensitivity table printed" contains "$T/sens.out" "Sensitivity of cumulative drift"
# the keys of params_sensitivity in models/params.c
sed -n '/^const params_knob params_sensitivity\[\] = {/,/^};/p' "$ROOT/models/params.c" |
    sed -n 's/^ *{ *"\([a-z_.]*\)",.*/\1/p' >"$T/keys.txt"
check "params_sensitivity lists rigor and addon_ask_prob" \
    bash -c "grep -qx negotiation.rigor '$T/keys.txt' && grep -qx negotiation.addon_ask_prob '$T/keys.txt'"
while read -r key; do
    check "sensitivity row for $key" grep -qE "^ +$key +" "$T/sens.out"
done <"$T/keys.txt"

# ---- (c) refusals ---------------------------------------------------------
"$P" risk "$T/risk.yaml" --threshold 5 -r 2 -o "$T/thr.h5" >/dev/null 2>"$T/thr.err"; rc=$?
check "--threshold 5 refused with exit 2" [ "$rc" = 2 ]
check "--threshold 5 says why" contains "$T/thr.err" "--threshold"
check "--threshold 5 writes nothing" [ ! -e "$T/thr.h5" ]

write_scenario "$T/bad_group.yaml" no_such_group Hovedstaden
"$P" risk "$T/bad_group.yaml" -r 2 -o "$T/bg.h5" >/dev/null 2>"$T/bg.err"; rc=$?
check "unknown shock group refused with exit 2" [ "$rc" = 2 ]
check "unknown shock group: file and line named" contains "$T/bg.err" "$T/bad_group.yaml:8:"
check "unknown shock group: the name is quoted" contains "$T/bg.err" "no_such_group"
check "unknown shock group writes nothing" [ ! -e "$T/bg.h5" ]
[ "$rc" = 2 ] || sed 's/^/# /' "$T/bg.err" | tail -3

write_scenario "$T/bad_region.yaml" autism Atlantis
"$P" risk "$T/bad_region.yaml" -r 2 -o "$T/br.h5" >/dev/null 2>"$T/br.err"; rc=$?
check "unknown shock region refused with exit 2" [ "$rc" = 2 ]
check "unknown shock region: file and line named" contains "$T/br.err" "$T/bad_region.yaml:9:"
check "unknown shock region: the name is quoted" contains "$T/br.err" "Atlantis"
check "unknown shock region writes nothing" [ ! -e "$T/br.h5" ]
[ "$rc" = 2 ] || sed 's/^/# /' "$T/br.err" | tail -3

# ---- (d) the shipped shock scenario -----------------------------------------
check "check scenarios/shocks.yaml exits 0" \
    bash -c "cd '$ROOT' && '$P' check scenarios/shocks.yaml >/dev/null"
