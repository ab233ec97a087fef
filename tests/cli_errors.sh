#!/usr/bin/env bash
# tests/cli_errors.sh - the command line on bad input and bad usage.
#
# Every bad scenario must be refused with exit status 2, a message naming
# the file and line at fault, and nothing written.  Prints one line per
# check: "ok - NAME" or "not ok - NAME".  Run from the repository root
# (tests/run.sh does); PLACESIM is the binary, default build/placesim.
set -u
source "$(dirname "$0")/lib.sh"
DENMARK=$ROOT/scenarios/denmark.yaml
SMALL=$ROOT/tests/data/small.yaml

is_hdf5() { h5dump -H "$1" >/dev/null 2>&1; }

# bad_input NAME LOCATION [PATTERN]: the scenario $T/NAME.yaml must be refused
# by run and check; stderr must contain LOCATION ("file:line") and PATTERN.
bad_input() {
    local name=$1 where=$2 pattern=${3:-}
    local f=$T/$name.yaml out=$T/$name.h5 rc
    "$P" run "$f" -o "$out" >"$T/$name.out" 2>"$T/$name.err"; rc=$?
    check "$name: run exits 2" [ "$rc" = 2 ]
    check "$name: message names $(basename "$where")" grep -qF -- "$where" "$T/$name.err"
    [ -n "$pattern" ] && check "$name: message says '$pattern'" grep -qF -- "$pattern" "$T/$name.err"
    check "$name: no output file" [ ! -e "$out" ]
    "$P" check "$f" >/dev/null 2>&1; rc=$?
    check "$name: check exits 2" [ "$rc" = 2 ]
    if ! grep -qF -- "$where" "$T/$name.err"; then sed 's/^/# /' "$T/$name.err"; fi
}

# ---- bad scenarios: line numbers below count from the extends: line (1) ----

# line 3: a mapping value where a scalar ends
printf 'extends: %s\nrun:\n  years: 4: 5\n  seed: 3\n' "$DENMARK" >"$T/syntax.yaml"
bad_input syntax "$T/syntax.yaml:3" "syntax error"

# a typo must be caught, not silently defaulted, and the fix suggested
printf 'extends: %s\ntakst:\n  budgeted_ocupancy: 0.9\n' "$DENMARK" >"$T/unknown_key.yaml"
bad_input unknown_key "$T/unknown_key.yaml:3" "takst.budgeted_occupancy"

printf 'extends: %s\ntakst:\n  cap: none\n' "$DENMARK" >"$T/wrong_type.yaml"
bad_input wrong_type "$T/wrong_type.yaml:3" "takst.cap"

printf 'extends: %s\ntakst:\n  budgeted_occupancy: 1.5\n' "$DENMARK" >"$T/out_of_range.yaml"
bad_input out_of_range "$T/out_of_range.yaml:3" "takst.budgeted_occupancy"

printf 'extends: %s\ntakst:\n  tariff: averaged\n' "$DENMARK" >"$T/bad_enum.yaml"
bad_input bad_enum "$T/bad_enum.yaml:3" "differentiated"

# regimes are named from a fixed list, joined by '+'
printf 'extends: %s\nregime:\n  name: drg+magic\n' "$DENMARK" >"$T/bad_regime.yaml"
bad_input bad_regime "$T/bad_regime.yaml:3" "'magic' is not a regime"

# a regime's segment list names offer types
printf 'extends: %s\ntender:\n  types: temporary,hospital\n' "$DENMARK" >"$T/bad_types.yaml"
bad_input bad_types "$T/bad_types.yaml:3" "'hospital' is not an offer type"

# the setting that points nowhere is on line 3 of the scenario
printf 'extends: %s\nrun:\n  municipalities: nowhere.csv\n' "$DENMARK" >"$T/no_munis.yaml"
bad_input no_munis "$T/no_munis.yaml:3" "nowhere.csv"

# line 3 of the CSV has a population that is not a number
printf 'code,name,region,population\n101,A,R1,1000\n102,B,R1,lots\n103,C,R2,500\n' >"$T/bad.csv"
printf 'extends: %s\nrun:\n  municipalities: bad.csv\n' "$DENMARK" >"$T/bad_csv.yaml"
bad_input bad_csv "$T/bad.csv:3" "population"

# need.levels is 5; a 2-entry need_dist (summing to 1) must be refused
printf 'extends: %s\ngroups:\n  secure:\n    need_dist: [0.5, 0.5]\n' "$DENMARK" >"$T/need_dist.yaml"
bad_input need_dist "$T/need_dist.yaml:4" "need_dist"

# the uniform frame tariff's joining regions and municipalities are bound
# to the municipality table, with a suggestion for a near miss
printf 'extends: %s\nregime:\n  name: uniform\nuniform:\n  regions: Syddanmrk\n' "$DENMARK" >"$T/uniform_region.yaml"
bad_input uniform_region "$T/uniform_region.yaml:5" "did you mean 'Syddanmark'"
printf 'extends: %s\nuniform:\n  regions: Syddanmark\n  municipalities: "461,101"\n' "$DENMARK" >"$T/uniform_muni.yaml"
bad_input uniform_muni "$T/uniform_muni.yaml:4" "municipality 101 is not in a region of uniform.regions"
printf 'extends: %s\nuniform:\n  municipalities: "461,9999"\n' "$DENMARK" >"$T/uniform_code.yaml"
bad_input uniform_code "$T/uniform_code.yaml:3" "'9999' is not the code"
printf 'extends: %s\nuniform:\n  regions: " , "\n' "$DENMARK" >"$T/uniform_none.yaml"
bad_input uniform_none "$T/uniform_none.yaml:3" "names no region"
printf 'extends: %s\nuniform:\n  types: ""\n' "$DENMARK" >"$T/uniform_types.yaml"
bad_input uniform_types "$T/uniform_types.yaml:3" "names no offer type"
printf 'extends: %s\nuniform:\n  municipalities: ","\n' "$DENMARK" >"$T/uniform_comma.yaml"
bad_input uniform_comma "$T/uniform_comma.yaml:3" "names no municipality"
printf 'extends: %s\nuniform:\n  municipalities: "101,101"\n' "$DENMARK" >"$T/uniform_twice.yaml"
bad_input uniform_twice "$T/uniform_twice.yaml:3" "named twice"

# a regime named but left with no segment would run as if not named
printf 'extends: %s\nregime:\n  name: drg+tender\n' "$DENMARK" >"$T/idle.yaml"
bad_input idle "$T/idle.yaml:3" "'tender' takes no segment"
printf 'extends: %s\nregime:\n  name: objective\ngroups:\n  brain_injury: { narrow: false }\n  dual_diagnosis: { narrow: false }\n  secure: { narrow: false }\n' "$DENMARK" >"$T/idle_none.yaml"
"$P" check "$T/idle_none.yaml" >/dev/null 2>"$T/idle_none.err"
check "objective with no narrow group: check refuses it" [ $? = 2 ]
# a name too long is refused whole, not cut to a shorter one
printf 'extends: %s\nregime:\n  name: drg+tender+objective+uniform+takst+%s\n' "$DENMARK" \
    "$(printf 'x%.0s' $(seq 40))" >"$T/long_name.yaml"
bad_input long_name "$T/long_name.yaml:3" "longer than 63 characters"

# --years shorter than the year a regime takes over is refused, as the key is
printf 'extends: %s\nregime:\n  name: drg\n  starts_after: 4\n' "$DENMARK" >"$T/starts_years.yaml"
"$P" run "$T/starts_years.yaml" -y 3 -r 1 -o "$T/starts_years.h5" >/dev/null 2>"$T/starts_years.err"
check "starts_after beyond --years: run exits 2" [ $? = 2 ]
check "starts_after beyond --years: message names the key" grep -q "regime.starts_after" "$T/starts_years.err"
check "starts_after beyond --years: no output file" [ ! -e "$T/starts_years.h5" ]

# ---- usage ----------------------------------------------------------------

"$P" --help >"$T/help.out" 2>&1; rc=$?
check "--help exits 0" [ "$rc" = 0 ]
check "--help prints usage" grep -q '^usage: placesim' "$T/help.out"

"$P" --version >"$T/version.out" 2>&1; rc=$?
check "--version exits 0" [ "$rc" = 0 ]
check "--version prints the version" grep -qE '^placesim [0-9]' "$T/version.out"

"$P" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command exits 2" [ "$rc" = 2 ]

"$P" run "$SMALL" --replicates 0 -o "$T/zero.h5" >/dev/null 2>&1; rc=$?
check "--replicates 0 exits 2" [ "$rc" = 2 ]
check "--replicates 0 writes nothing" [ ! -e "$T/zero.h5" ]

# ---- existing output ------------------------------------------------------

# an earlier result must never be lost by accident
echo keep >"$T/existing.h5"
"$P" run "$SMALL" -q -r 1 -y 1 -o "$T/existing.h5" >/dev/null 2>&1; rc=$?
check "existing output without --force exits 2" [ "$rc" = 2 ]
check "existing output without --force is unchanged" [ "$(cat "$T/existing.h5")" = keep ]

"$P" run "$SMALL" -q -r 1 -y 1 --force -o "$T/existing.h5" >/dev/null 2>&1; rc=$?
check "--force exits 0" [ "$rc" = 0 ]
check "--force replaces the file with HDF5" is_hdf5 "$T/existing.h5"

# ---- the shipped scenario is valid ---------------------------------------

"$P" check "$DENMARK" >/dev/null 2>&1; rc=$?
check "check scenarios/denmark.yaml exits 0" [ "$rc" = 0 ]
for f in "$(dirname "$DENMARK")"/*.yaml; do
    "$P" check "$f" >/dev/null 2>&1; rc=$?
    check "check scenarios/$(basename "$f") exits 0" [ "$rc" = 0 ]
done
