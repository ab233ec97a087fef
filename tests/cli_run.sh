#!/usr/bin/env bash
# tests/cli_run.sh - full runs of the small scenario through the command line:
# thread-count independence, the file's layout, atomic writing, and a golden
# regression of national KPIs.  Prints "ok - NAME" or "not ok - NAME" per
# check.  Run from the repository root (tests/run.sh does).
#
# PLACESIM_UPDATE_GOLDEN=1 rewrites tests/golden/small.txt instead of
# comparing; do that only after a model change you mean to make.
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
GOLDEN=$ROOT/tests/golden/small.txt

# same: h5diff finds no difference in group G of files A and B
same() { h5diff -r "$2" "$3" "$1" "$1" >"$T/diff.out" 2>&1; }
differs() { ! same "$@"; }
has_group() { h5dump -H -g "$1" "$2" >/dev/null 2>&1; }
has_root_attr() { h5dump -H -a "/$1" "$2" >/dev/null 2>&1; }

# Seed, replicates and years come from the scenario (7, 4, 4).
"$P" run "$SMALL" -q --threads 1 -o "$T/t1.h5" >/dev/null 2>"$T/t1.err"; rc1=$?
"$P" run "$SMALL" -q --threads 2 -o "$T/t2.h5" >/dev/null 2>"$T/t2.err"; rc2=$?
check "run with 1 thread exits 0" [ "$rc1" = 0 ]
check "run with 2 threads exits 0" [ "$rc2" = 0 ]

# ---- (a) results do not depend on the number of threads -------------------
if same /kpi "$T/t1.h5" "$T/t2.h5" && same /summary "$T/t1.h5" "$T/t2.h5"; then
    echo "ok - bit-identical for 1 and 2 threads"
else
    echo "not ok - bit-identical for 1 and 2 threads"; sed 's/^/# /' "$T/diff.out" | head -20
fi
# the comparison itself must be able to fail: another seed differs
"$P" run "$SMALL" -q --threads 1 --seed 8 -o "$T/s8.h5" >/dev/null 2>&1
check "h5diff tells another seed apart" differs /kpi "$T/t1.h5" "$T/s8.h5"

# ---- (b) layout ----------------------------------------------------------
for g in /kpi/national /kpi/municipal /summary /scenario /axes; do
    check "group $g present" has_group "$g" "$T/t1.h5"
done
check "root attribute git_commit present" has_root_attr git_commit "$T/t1.h5"

# ---- (c) written under a temporary name, renamed when complete -----------
left=$(find "$T" -name '*.tmp-*' | wc -l)
check "no temporary file left" [ "$left" = 0 ]

# ---- (d) golden regression ----------------------------------------------
golden "golden national KPIs" "$T/t1.h5" "$GOLDEN" /kpi/national/expenditure /kpi/national/unit_price /kpi/national/waiting /kpi/national/external_share
