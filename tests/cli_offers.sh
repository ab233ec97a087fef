#!/usr/bin/env bash
# tests/cli_offers.sh - tables read from CSV: starting offers (run.offers) and
# adults by year (run.adults_by_year).  A run
# uses the file's offers and only those, and a bad row is refused by
# `check` and `run` with exit 2, FILE:LINE:COL and the column, and no
# output file.
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
OFFERS=$ROOT/tests/data/small_offers.csv

scenario() {   # scenario NAME CSV: $T/NAME.yaml extends the small one with CSV
    printf 'extends: %s\nrun:\n  offers: %s\n  warmup_years: 0\n' "$SMALL" "$2" >"$T/$1.yaml"
}

# the whole file runs
scenario all "$OFFERS"
timeout 120 "$P" run "$T/all.yaml" -r 2 -y 2 -q -o "$T/all.h5" >/dev/null 2>"$T/all.err"
check "offers from CSV: run exits 0" [ $? = 0 ]
# only housing rows: no temporary or longterm places in the base year
{ head -1 "$OFFERS"; grep ',housing,' "$OFFERS"; } >"$T/housing.csv"
scenario housing "$T/housing.csv"
timeout 120 "$P" run "$T/housing.yaml" -r 1 -y 1 -q -o "$T/housing.h5" >/dev/null 2>&1
places=$(h5dump -d /kpi/offer_type/places_by_type -y -w 0 "$T/housing.h5" 2>/dev/null |
         sed -n '/DATA {/,/}/p' | tr -dc '0-9., ' | tr ',' '\n' | sed -n '1p;2p' | tr -d ' ' | tr '\n' ' ')
check "housing-only CSV: no temporary or longterm places ($places)" [ "$places" = "0 0 " ]

# refused NAME WHERE PATTERN LINE: a CSV whose second line is LINE
refused() {
    local name=$1 where=$2 pattern=$3 rc
    { head -1 "$OFFERS"; printf '%s\n' "$4"; } >"$T/$name.csv"
    scenario "$name" "$T/$name.csv"
    timeout 60 "$P" check "$T/$name.yaml" >/dev/null 2>"$T/$name.err"; rc=$?
    check "$name: check exits 2" [ "$rc" = 2 ]
    check "$name: message names $where" grep -qF -- "$T/$name.csv:$where" "$T/$name.err"
    check "$name: message says '$pattern'" grep -qF -- "$pattern" "$T/$name.err"
    timeout 60 "$P" run "$T/$name.yaml" -r 1 -y 1 -q -o "$T/$name.h5" >/dev/null 2>&1; rc=$?
    check "$name: run exits 2" [ "$rc" = 2 ]
    check "$name: no output file" [ ! -e "$T/$name.h5" ]
    [ "$rc" = 2 ] || sed 's/^/# /' "$T/$name.err"
}
refused owner "2:1" "column 'owner': 'public' is not municipal" "public,101,housing,autism,10,"
refused municipality "2:11" "column 'municipality': '9999' is not the code" "municipal,9999,housing,autism,10,"
refused type "2:15" "column 'type'" "municipal,101,home,autism,10,"
refused group "2:23" "'autismus' is not a target group" "municipal,101,housing,autismus,10,"
refused places "2:30" "column 'places'" "municipal,101,housing,autism,0,"
refused tariff "2:33" "column 'tariff'" "municipal,101,housing,autism,10,-5"
refused fields "2" "fewer than 6 fields" "municipal,101,housing,autism,10"
printf 'owner;municipality\n' >"$T/header.csv"
scenario header "$T/header.csv"
timeout 60 "$P" check "$T/header.yaml" >/dev/null 2>"$T/header.err"
check "bad header: check exits 2" [ $? = 2 ]
check "bad header: message names the file's line 1" grep -qF "$T/header.csv:1:1" "$T/header.err"

# adults by municipality and year (run.adults_by_year)
printf 'code,year,adults\n101,2022,400000\n' >"$T/adults.csv"
printf 'extends: %s\nrun:\n  adults_by_year: %s\n' "$SMALL" "$T/adults.csv" >"$T/adults.yaml"
timeout 120 "$P" run "$T/adults.yaml" -r 1 -y 2 -q -o "$T/adults.h5" >/dev/null 2>&1
check "adults by year: run exits 0" [ $? = 0 ]
# [variant][replicate][year][municipality]: 2022 is the second year, and
# København the first of the table's 16 municipalities
a=$(h5dump -d /kpi/municipal/muni_adults -y -w 0 "$T/adults.h5" 2>/dev/null |
    sed -n '/DATA {/,/}/p' | grep -oE '[0-9]+(\.[0-9]+)?' | sed -n '17p')
check "adults by year: Copenhagen has 400000 adults from 2022 ($a)" [ "$a" = 400000 ]
printf 'code,year,adults\n101,20x2,400000\n' >"$T/adults_bad.csv"
printf 'extends: %s\nrun:\n  adults_by_year: %s\n' "$SMALL" "$T/adults_bad.csv" >"$T/adults_bad.yaml"
timeout 60 "$P" check "$T/adults_bad.yaml" >/dev/null 2>"$T/adults_bad.err"
check "adults by year, bad year: check exits 2" [ $? = 2 ]
check "adults by year, bad year: message names line 2, column 5 and 'year'" \
    grep -qF "$T/adults_bad.csv:2:5: column 'year'" "$T/adults_bad.err"

# a table that cannot be read is the scenario key's error
printf 'extends: %s\nrun:\n  offers: no-such-offers.csv\n' "$SMALL" >"$T/missing.yaml"
timeout 60 "$P" check "$T/missing.yaml" >/dev/null 2>"$T/missing.err"
check "missing offers table: check exits 2" [ $? = 2 ]
check "missing offers table: message names the scenario's line and key" \
    grep -qF "$T/missing.yaml:3:3: key 'run.offers'" "$T/missing.err"
