#!/usr/bin/env bash
# tests/cli_csv.sh - the municipality CSV through the command line, and a
# documented edge value of the placement model.
#
# A bad CSV must be refused with exit status 2, a message naming
# FILE:LINE:COLUMN and the column's name, no raw control character on the
# terminal, and nothing written; runs that could hang run under timeout, so
# a hang fails its check instead of the suite.  Prints "ok - NAME" or
# "not ok - NAME" per check.  Run from the repository root (tests/run.sh
# does); PLACESIM is the binary, default build/placesim.
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
HEADER='code,name,region,population'

# scenario NAME: $T/NAME.yaml, the small scenario on the table $T/NAME.csv
# (the path is relative to the scenario file).
scenario() {
    printf 'extends: %s\nrun: { municipalities: %s.csv }\n' "$SMALL" "$1" >"$T/$1.yaml"
}

no_raw_controls() { ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"; }

# bad_csv NAME LOCATION PATTERN: $T/NAME.csv must be refused by run and
# check; stderr must contain "$T/NAME.csv:LOCATION: " and PATTERN.
bad_csv() {
    local name=$1 where="$T/$1.csv:$2: " pattern=$3 out=$T/$1.h5 rc
    scenario "$name"
    timeout 20 "$P" run "$T/$name.yaml" -r 1 -y 1 -o "$out" >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    check "$name: run exits 2" [ "$rc" = 2 ]
    check "$name: message names $name.csv:$2" grep -qF -- "$where" "$T/$name.err"
    check "$name: message says '$pattern'" grep -qF -- "$pattern" "$T/$name.err"
    check "$name: no raw control characters in the message" no_raw_controls "$T/$name.err"
    check "$name: no output file" [ ! -e "$out" ]
    timeout 20 "$P" check "$T/$name.yaml" >/dev/null 2>&1; rc=$?
    check "$name: check exits 2" [ "$rc" = 2 ]
    if ! grep -qF -- "$where" "$T/$name.err"; then sed 's/^/# /' "$T/$name.err" | head -5; fi
}

# ---- populations that would make needs arise without end ------------------
for pop in inf nan; do
    printf '%s\n101,A,Hovedstaden,1000\n102,B,Hovedstaden,%s\n' "$HEADER" "$pop" >"$T/pop_$pop.csv"
    bad_csv "pop_$pop" 3:19 "column 'population': not a number: '$pop'"
done
printf '%s\n101,A,Hovedstaden,1000\n102,B,Hovedstaden,1e308\n' "$HEADER" >"$T/pop_1e308.csv"
bad_csv pop_1e308 3:19 "column 'population': population '1e308' is outside 1 to 1e7 persons"
# a Danish thousands separator would read 632.340 as 632 persons
printf '%s\n101,K\303\270benhavn,Hovedstaden,632.340\n' "$HEADER" >"$T/pop_danish.csv"
bad_csv pop_danish 2:27 "without a thousands separator"

# ---- a code above INT_MAX is not read modulo 2^32 (as 101) -----------------
printf '%s\n4294967397,A,Hovedstaden,1000\n' "$HEADER" >"$T/big_code.csv"
bad_csv big_code 2:1 "column 'code': municipality code '4294967397' is outside 1 to 2147483647"

# ---- the column counts characters: København has a two-byte letter ---------
printf '%s\n101,K\303\270benhavn,Hovedstaden,lots\n' "$HEADER" >"$T/column.csv"
bad_csv column 2:27 "column 'population': not a number: 'lots'"

# ---- control characters are shown escaped, never sent to the terminal -----
printf '%s\n101,A\033[2J\033[31mred,Hovedstaden,1000\n' "$HEADER" >"$T/controls.csv"
bad_csv controls 2:5 "column 'name': control character \\x1B in 'A\\x1B[2J\\x1B[31mred'"

# ---- a line longer than the reader's limit is an error, not two rows -------
{ printf '%s\n101,A,Hovedstaden,1000\n102,B,Hovedstaden,' "$HEADER"
  head -c 1500 /dev/zero | tr '\0' 1; printf '\n'; } >"$T/long_line.csv"
bad_csv long_line 3:1024 "line longer than 1023 bytes"

# ---- a spreadsheet's byte-order mark and CRLF line ends are accepted ------
printf '\357\273\277%s\r\n101,K\303\270benhavn,Hovedstaden,632340\r\n147,Frederiksberg,Hovedstaden,104305\r\n' \
    "$HEADER" >"$T/bom.csv"
scenario bom
timeout 20 "$P" check "$T/bom.yaml" >"$T/bom.out" 2>"$T/bom.err"; rc=$?
check "bom: check exits 0" [ "$rc" = 0 ]
check "bom: check counts 2 municipalities" grep -qF "2 municipalities in 1 region," "$T/bom.out"
timeout 60 "$P" run "$T/bom.yaml" -q -r 1 -y 1 -o "$T/bom.h5" >/dev/null 2>"$T/bom_run.err"; rc=$?
check "bom: run exits 0" [ "$rc" = 0 ]
check "bom: run writes its file" [ -s "$T/bom.h5" ]

# ---- placement.wait_tolerance_days: 0 (buy a mismatched place at once) ----
printf 'extends: %s\nplacement: { wait_tolerance_days: 0 }\n' "$SMALL" >"$T/wait0.yaml"
timeout 60 "$P" run "$T/wait0.yaml" -q -r 1 -y 1 -o "$T/wait0.h5" >/dev/null 2>"$T/wait0.err"; rc=$?
check "wait_tolerance_days 0: run completes with exit 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || { echo "# exit $rc (124: timed out)"; sed 's/^/# /' "$T/wait0.err" | head -5; }
check "wait_tolerance_days 0: run writes its file" [ -s "$T/wait0.h5" ]
