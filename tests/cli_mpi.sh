#!/usr/bin/env bash
# tests/cli_mpi.sh - the MPI build (make MPI=1, Open MPI from Debian) under
# mpirun: compare, run and sweep spread over 2 and 3 ranks write the same
# bytes as a threaded run; a bad scenario is reported once, exit 2;
# --shard and --until-width are refused under mpirun; commands that do not
# run a plan run on rank 0 alone.  Builds the MPI binary into build-mpi
# when it is missing.  Prints "ok - NAME" or "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
M=$ROOT/build-mpi/placesim
if [ ! -x "$M" ] || [ "$M" -ot "$P" ]; then
    # a plain build even under make asan: its flags reach a sub-make through
    # MAKEFLAGS, and LeakSanitizer then reports Open MPI's own allocations
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s MPI=1 BUILD=build-mpi >"$T/build.log" 2>&1
    check "make MPI=1 builds" [ -x "$M" ]
    [ -x "$M" ] || { sed 's/^/# /' "$T/build.log" | tail -10; exit 0; }
fi
run_mpi() { local n=$1; shift; timeout 300 mpirun --allow-run-as-root --oversubscribe -np "$n" "$M" "$@"; }
contains() { grep -qF -- "$2" "$1"; }
REG=tests/data/small_regimes.yaml

"$P" compare $REG -r 5 -t 2 -o "$T/thr.h5" >"$T/thr.out" 2>/dev/null
run_mpi 2 compare $REG -r 5 -o "$T/mpi2.h5" >"$T/mpi2.out" 2>"$T/mpi2.err"; rc=$?
check "compare on 2 ranks: exit 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/mpi2.err" | tail -5
check "compare on 2 ranks: the same bytes as threaded" same_bytes "$T/thr.h5" "$T/mpi2.h5"
check "compare on 2 ranks: rank 0 prints the threaded run's table, once" cmp -s "$T/thr.out" "$T/mpi2.out"
check "compare on 2 ranks: says so" contains "$T/mpi2.err" "2 ranks ran the 25 jobs"
check "compare on 2 ranks: no journal left" [ -z "$(ls "$T" | grep journal)" ]
"$P" run tests/data/small.yaml -r 5 -t 2 -q -o "$T/rthr.h5" 2>/dev/null
run_mpi 3 run tests/data/small.yaml -r 5 -q -o "$T/mpi3.h5" 2>/dev/null
check "run on 3 ranks (5 jobs): the same bytes" same_bytes "$T/rthr.h5" "$T/mpi3.h5"
"$P" sweep scenarios/sweep_small.yaml -r 1 -t 2 -q -o "$T/sthr.h5" 2>/dev/null
run_mpi 2 sweep scenarios/sweep_small.yaml -r 1 -o "$T/smpi.h5" >"$T/smpi.out" 2>/dev/null
check "sweep on 2 ranks: the same bytes" same_bytes "$T/sthr.h5" "$T/smpi.h5"
check "sweep on 2 ranks: prints the indices once" [ "$(grep -c 'first order' "$T/smpi.out")" = 4 ]

printf 'extends: %s/tests/data/small.yaml\nrun: { yaers: 3 }\n' "$ROOT" >"$T/bad.yaml"
run_mpi 2 run "$T/bad.yaml" -o "$T/bad.h5" >/dev/null 2>"$T/bad.err"; rc=$?
check "a bad scenario under mpirun: exit 2" [ "$rc" = 2 ]
check "a bad scenario under mpirun: said once" [ "$(grep -c "unknown key 'run.yaers'" "$T/bad.err")" = 1 ]
check "a bad scenario under mpirun: nothing written" [ -z "$(ls "$T" | grep '^bad.h5')" ]
run_mpi 2 run $REG --shard 0/2 -o "$T/x" >/dev/null 2>"$T/sh.err"; rc=$?
check "--shard under mpirun: refused (exit 2)" [ "$rc" = 2 ]
check "--shard under mpirun: says why" contains "$T/sh.err" "--shard is for separate processes"
run_mpi 2 compare $REG -r 2 -w 0.1 -o "$T/w.h5" >/dev/null 2>"$T/w.err"; rc=$?
check "--until-width under mpirun: refused (exit 2)" [ "$rc" = 2 ]
run_mpi 2 check $REG >"$T/chk.out" 2>&1; rc=$?
check "check under mpirun: exit 0, printed once" [ "$rc" = 0 ] 
check "check under mpirun: one line of verdict" [ "$(grep -c 'valid;' "$T/chk.out")" = 1 ]
