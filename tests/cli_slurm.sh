#!/usr/bin/env bash
# tests/cli_slurm.sh - a study on a real local Slurm: analysis/slurm/submit.sh
# runs the 3-factor Sobol study of the small market (scenarios/
# sweep_small.yaml) as a 4-task job array of shards and the merge after it
# (afterok), which prints the indices with intervals; the merged file has
# the same bytes as a threaded run; a lost shard shows in
# placesim status as an --array list, is run again by that list alone, and
# the second merge is the same again.  Uses a Slurm that answers sinfo, or
# starts one with tests/slurm_local.sh (as root) and stops it after.
# Prints "ok - NAME" or "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
started=0
if ! timeout 10 sinfo -h >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        bash "$ROOT/tests/slurm_local.sh" up >"$T/up.log" 2>&1 && started=1
        check "a local Slurm starts (tests/slurm_local.sh up)" [ "$started" = 1 ]
        [ "$started" = 1 ] || { sed 's/^/# /' "$T/up.log" | tail -15; exit 0; }
    else
        echo "not ok - a local Slurm: none answers sinfo, and only root may start one"
        exit 0
    fi
fi
stop() { [ "$started" = 1 ] && bash "$ROOT/tests/slurm_local.sh" down >/dev/null 2>&1; rm -rf "$T"; }
trap stop EXIT
cd "$T" || exit 1
SW=$ROOT/scenarios/sweep_small.yaml
export PLACESIM=$P

"$P" sweep "$SW" -r 2 -t 2 -q -o "$T/threaded.h5" 2>/dev/null
check "threaded run" [ -f "$T/threaded.h5" ]
timeout 600 bash "$ROOT/analysis/slurm/submit.sh" --wait --merge "-o $T/slurm.h5" \
    4 "$T/study" sweep "$SW" -r 2 -q >"$T/submit.out" 2>&1; rc=$?
check "submit.sh --wait: the array and the merge end well" [ "$rc" = 0 ]
[ "$rc" = 0 ] || { sed 's/^/# /' "$T/submit.out"; cat "$T"/placesim-*.out 2>/dev/null | sed 's/^/# /' | tail -20; }
check "4 shard files" [ "$(ls "$T/study" | grep -c '^shard-[0-3]-of-4.jobs$')" = 4 ]
check "no journal left" [ -z "$(ls "$T/study" | grep journal)" ]
check "the merge prints the Sobol indices with intervals" grep -q "first order \[95 %\]" "$T"/placesim-merge-*.out
check "Slurm array + merge: the same bytes as a threaded run" same_bytes "$T/threaded.h5" "$T/slurm.h5"

# a lost shard: status names it, the array runs it alone, the merge follows
rm "$T/study/shard-2-of-4.jobs"
list=$("$P" status "$T/study" 2>/dev/null)
check "status: the lost shard as --array=2" [ "$list" = "--array=2" ]
job=$(sbatch --parsable "$list" --wait "$ROOT/analysis/slurm/shard.sbatch" 4 "$T/study" \
      sweep "$SW" -r 2 -q 2>/dev/null); rc=$?
[ "$rc" = 0 ] && [ -f "$T/study/shard-2-of-4.jobs" ]
check "the missing task run again by its --array list" [ $? = 0 ]
sbatch --parsable --wait "$ROOT/analysis/slurm/merge.sbatch" "$T/study" -q -f -o "$T/again.h5" \
    >/dev/null 2>&1
check "merged again after the rerun: the same bytes" same_bytes "$T/threaded.h5" "$T/again.h5"
