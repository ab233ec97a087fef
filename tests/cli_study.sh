#!/usr/bin/env bash
# tests/cli_study.sh - one plan run in pieces: --shard K/N and merge give
# the same bytes as a threaded run for run, compare and risk and any N;
# status lists the missing shards as a Slurm --array list; merge refuses
# an incomplete set, a changed scenario and shards of two plans; a run
# killed with SIGKILL at random moments continues with --resume and ends
# with the same bytes; a journal left behind is refused without --resume;
# and the thread count follows --threads, OMP_NUM_THREADS,
# SLURM_CPUS_PER_TASK.  Prints "ok - NAME" or "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
SMALL=tests/data/small.yaml
REG=tests/data/small_regimes.yaml
contains() { grep -qF -- "$2" "$1"; }
attr() {   # attr FILE GROUP NAME: an attribute's value
    /usr/bin/python3 -c "import h5py,sys; v=h5py.File(sys.argv[1],'r')[sys.argv[2]].attrs[sys.argv[3]]; print(v.decode() if isinstance(v,bytes) else v)" "$@"
}

# ---- shards and merge: the same bytes for any N ---------------------------
"$P" compare $REG -r 6 -t 2 -q -o "$T/full.h5" 2>/dev/null
check "compare: threaded run" [ -f "$T/full.h5" ]
for n in 1 3 7; do
    ok=1
    for ((k = 0; k < n; k++)); do
        "$P" compare $REG -r 6 -t 1 -q --shard $k/$n -o "$T/sh$n" 2>/dev/null || ok=0
    done
    check "compare: $n shards run" [ "$ok" = 1 ]
    check "compare: $n shards: no journal left" [ -z "$(ls "$T/sh$n" | grep journal)" ]
    "$P" merge "$T/sh$n" -q -o "$T/m$n.h5" 2>"$T/m$n.err"
    check "compare: $n shards merge" [ -f "$T/m$n.h5" ]
    check "compare: $n shards merged: the same bytes as threaded" same_bytes "$T/full.h5" "$T/m$n.h5"
done
# a shard's jobs: contiguous, every job once (30 jobs in 7 shards)
"$P" status "$T/sh7" >"$T/st.out" 2>"$T/st.err"; rc=$?
check "status: complete exits 0" [ "$rc" = 0 ]
check "status: complete prints no --array" [ ! -s "$T/st.out" ]
check "status: says complete" contains "$T/st.err" "7 done, 0 missing"

"$P" run $SMALL -r 5 -t 2 -q -o "$T/run.h5" 2>/dev/null
for k in 0 1; do "$P" run $SMALL -r 5 -q --shard $k/2 -o "$T/rsh" 2>/dev/null; done
"$P" merge "$T/rsh" -q -o "$T/rm.h5" 2>/dev/null
check "run: 2 shards merged: the same bytes" same_bytes "$T/run.h5" "$T/rm.h5"
"$P" risk $SMALL -r 4 -t 2 -q -S -o "$T/risk.h5" >/dev/null 2>&1
for k in 0 1 2; do "$P" risk $SMALL -r 4 -t 1 -q -S --shard $k/3 -o "$T/ksh" >/dev/null 2>&1; done
"$P" merge "$T/ksh" -q -o "$T/km.h5" >/dev/null 2>&1
check "risk --sensitivity: 3 shards merged: the same bytes" same_bytes "$T/risk.h5" "$T/km.h5"
check "merged file: /run says how it was made" [ "$(attr "$T/km.h5" run jobs_done)" = "$(attr "$T/risk.h5" run jobs_done)" ]

# the default folder: results/SCENARIO-SEED.shards beside the default result
mkdir -p "$T/cwd" && cp scenarios/small.yaml scenarios/data/small_municipalities.csv "$T/cwd/"
sed -i -e "s|^extends: .*|extends: $ROOT/scenarios/denmark.yaml|" \
    -e "s|municipalities: data/|municipalities: |" "$T/cwd/small.yaml"
( cd "$T/cwd" && "$P" run small.yaml -r 2 -q --shard 0/1 2>/dev/null )
seed=$(ls "$T/cwd/results" 2>/dev/null | sed -n 's/^small-\([0-9]*\)\.shards$/\1/p')
check "default shard folder: results/small-SEED.shards" [ -f "$T/cwd/results/small-$seed.shards/shard-0-of-1.jobs" ]
( cd "$T" && "$P" merge cwd/results/small-$seed.shards -q 2>/dev/null )
check "merge without -o: the single run's default name, where it ran" [ -f "$T/cwd/results/small-$seed.h5" ]

# ---- incomplete, changed, mixed --------------------------------------------
mkdir "$T/part"
for k in 0 2 3; do "$P" compare $REG -r 6 -q --shard $k/6 -o "$T/part" 2>/dev/null; done
"$P" status "$T/part" >"$T/st.out" 2>"$T/st.err"; rc=$?
check "status: missing shards exit 3" [ "$rc" = 3 ]
check "status: missing shards as a Slurm --array list" [ "$(cat "$T/st.out")" = "--array=1,4-5" ]
"$P" merge "$T/part" -o "$T/part.h5" 2>"$T/merge.err"; rc=$?
check "merge: incomplete set refused (exit 2)" [ "$rc" = 2 ]
check "merge: names the missing shards" contains "$T/merge.err" "3 of the 6 shards are missing or damaged (1,4-5)"
check "merge: incomplete set writes nothing" [ ! -e "$T/part.h5" ]
"$P" compare $REG -r 6 -q -s 99 --shard 1/6 -o "$T/other" 2>/dev/null
cp "$T/other/shard-1-of-6.jobs" "$T/part/"
"$P" status "$T/part" >/dev/null 2>"$T/mix.err"; rc=$?
check "status: a shard of another plan refused (exit 2)" [ "$rc" = 2 ]
check "status: says which file belongs to another plan" contains "$T/mix.err" "belongs to another plan"
# a scenario changed after its shards ran
cp scenarios/small.yaml "$T/chg.yaml"
sed -i -e 's|municipalities: .*|municipalities: '"$ROOT"'/scenarios/data/small_municipalities.csv|' \
    -e "s|^extends: .*|extends: $ROOT/scenarios/denmark.yaml|" "$T/chg.yaml"
for k in 0 1; do "$P" run "$T/chg.yaml" -r 2 -q --shard $k/2 -o "$T/chg" 2>/dev/null; done
sed -i 's/^  years: .*/  years: 3/' "$T/chg.yaml"; echo "# changed" >>"$T/chg.yaml"
"$P" merge "$T/chg" -o "$T/chg.h5" 2>"$T/chg.err"; rc=$?
check "merge: a scenario changed since refused (exit 2)" [ "$rc" = 2 ]
check "merge: says the scenario changed" contains "$T/chg.err" "changed since"
check "merge: changed scenario writes nothing" [ ! -e "$T/chg.h5" ]
# a damaged shard file: status lists it to run again, merge refuses it
cp -r "$T/sh3" "$T/dmg"
f="$T/dmg/shard-1-of-3.jobs"; truncate -s $(( $(stat -c %s "$f") - 50 )) "$f"
"$P" status "$T/dmg" >"$T/dmg.st" 2>"$T/dmg.st.err"; rc=$?
check "status: a cut shard file is missing (exit 3)" [ "$rc" = 3 ]
check "status: a cut shard file in the --array list" [ "$(cat "$T/dmg.st")" = "--array=1" ]
check "status: says it is damaged" contains "$T/dmg.st.err" "damaged or cut short"
"$P" merge "$T/dmg" -o "$T/dmg.h5" 2>"$T/dmg.err"; rc=$?
check "merge: a cut shard file refused (exit 2)" [ "$rc" = 2 ]
check "merge: says which shard to run again" contains "$T/dmg.err" "1 of the 3 shards is missing or damaged (1)"

# ---- bad use ---------------------------------------------------------------
bad() {   # bad NAME EXPECTED-TEXT ARGS...: exit 2 with the text
    local name=$1 want=$2; shift 2
    "$P" "$@" >/dev/null 2>"$T/bad.err"; local rc=$?
    check "$name: exit 2" [ "$rc" = 2 ]
    check "$name: says why" contains "$T/bad.err" "$want"
}
bad "--shard 3/3" "--shard wants K/N" run $SMALL --shard 3/3 -o "$T/x"
bad "--shard 1" "--shard wants K/N" run $SMALL --shard 1 -o "$T/x"
bad "--shard -1/2" "--shard wants K/N" run $SMALL --shard -1/2 -o "$T/x"
bad "--shard 0/4294967297 (no wrapping)" "--shard wants K/N" run $SMALL --shard 0/4294967297 -o "$T/x"
bad "--shard +0/2" "--shard wants K/N" run $SMALL --shard +0/2 -o "$T/x"
bad "--shard with --until-width" "fixed number of replicates" compare $REG -r 2 -w 0.1 --shard 0/2 -o "$T/x"
bad "--shard with --report" "merge --report" compare $REG -r 2 --report --shard 0/2 -o "$T/x"
bad "--shard for validate" "are for run, compare, risk and sweep" validate $SMALL --shard 0/2
bad "merge with -r" "merge takes the plan from its shards" merge "$T/sh3" -r 4
bad "merge of an empty folder" "holds no shard" merge "$T/cwd"
bad "status of a missing folder" "cannot open the folder" status "$T/nowhere"

# ---- resume after SIGKILL --------------------------------------------------
# kill at random moments (seeded, so a failure can be replayed), then resume
RANDOM=7
for i in 1 2 3; do
    out="$T/res$i.h5"
    delay=$(printf '0.%03d' $((RANDOM % 900 + 100)))
    "$P" compare $REG -r 6 -t 2 -q -o "$out" 2>/dev/null & pid=$!
    sleep "$delay"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    check "kill -9 at ${delay} s ($i): no result under the final name" [ ! -e "$out" ]
    if [ $i = 1 ] && [ -e "$out.journal" ]; then
        "$P" compare $REG -r 6 -q -o "$out" 2>"$T/again.err"; rc=$?
        check "a journal left: a new run refused (exit 2)" [ "$rc" = 2 ]
        check "a journal left: says --resume" contains "$T/again.err" "--resume continues it"
    fi
    # a second kill during the resumed run, then the last resume
    "$P" compare $REG -r 6 -t 2 -q -o "$out" --resume 2>/dev/null & pid=$!
    sleep 0.$((RANDOM % 5 + 2)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    "$P" compare $REG -r 6 -t 1 -o "$out" --resume >/dev/null 2>"$T/res$i.err"; rc=$?
    check "resumed ($i): exit 0" [ "$rc" = 0 ]
    check "resumed ($i): the same bytes as uninterrupted" same_bytes "$T/full.h5" "$out"
    check "resumed ($i): the journal is gone" [ ! -e "$out.journal" ]
    # a kill while the result was being written leaves its temporary (no
    # handler sees SIGKILL); the next run of the same output removes it
    check "resumed ($i): no temporary left" [ -z "$(ls "$T" | grep "res$i.h5.tmp")" ]
done
check "resume: says how many jobs were kept" grep -q "jobs kept" "$T"/res*.err
check "resume: the speed line counts the kept jobs apart" grep -q "from the journal" "$T"/res*.err
# a journal cut in the middle of a record
"$P" compare $REG -r 6 -t 2 -q -o "$T/cut.h5" 2>/dev/null & pid=$!
sleep 0.8; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e "$T/cut.h5.journal" ]; then
    truncate -s $(( $(stat -c %s "$T/cut.h5.journal") - 77 )) "$T/cut.h5.journal"
fi
"$P" compare $REG -r 6 -q -o "$T/cut.h5" --resume 2>/dev/null
check "resume after a torn record: the same bytes" same_bytes "$T/full.h5" "$T/cut.h5"
# a journal of another plan
"$P" compare $REG -r 6 -q -o "$T/oth.h5" 2>/dev/null & pid=$!
sleep 0.5; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$P" compare $REG -r 5 -q -o "$T/oth.h5" --resume 2>"$T/oth.err"; rc=$?
check "resume with other options: refused (exit 2)" [ "$rc" = 2 ]
check "resume with other options: says another plan" contains "$T/oth.err" "another plan"
"$P" compare $REG -r 5 -q -f -o "$T/oth.h5" 2>/dev/null; rc=$?
[ "$rc" = 0 ] && [ ! -e "$T/oth.h5.journal" ]
check "--force starts over from a journal" [ $? = 0 ]
# a shard resumed
# killed once its journal holds a few jobs (a fixed delay raced the shard's end)
"$P" compare $REG -r 6 -t 2 -q --shard 0/2 -o "$T/rsd" 2>/dev/null & pid=$!
for _ in $(seq 200); do
    [ "$(stat -c %s "$T/rsd/shard-0-of-2.jobs.journal" 2>/dev/null || echo 0)" -gt 150000 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$P" status "$T/rsd" >/dev/null 2>"$T/rsd.err"
check "status: a stopped shard's kept jobs" contains "$T/rsd.err" "running or stopped"
"$P" compare $REG -r 6 -q --shard 0/2 -o "$T/rsd" --resume 2>/dev/null
"$P" compare $REG -r 6 -q --shard 1/2 -o "$T/rsd" 2>/dev/null
"$P" merge "$T/rsd" -q -o "$T/rsd.h5" 2>/dev/null
check "a shard resumed after kill -9: merged, the same bytes" same_bytes "$T/full.h5" "$T/rsd.h5"

# ---- threads: --threads, OMP_NUM_THREADS, SLURM_CPUS_PER_TASK, affinity ----
threads_of() { attr "$1" run threads; }
"$P" run $SMALL -r 1 -q -f -o "$T/t.h5" -t 3 2>/dev/null
check "threads: --threads 3" [ "$(threads_of "$T/t.h5")" = 3 ]
OMP_NUM_THREADS=2 SLURM_CPUS_PER_TASK=5 "$P" run $SMALL -r 1 -q -f -o "$T/t.h5" 2>/dev/null
check "threads: OMP_NUM_THREADS before SLURM_CPUS_PER_TASK" [ "$(threads_of "$T/t.h5")" = 2 ]
env -u OMP_NUM_THREADS SLURM_CPUS_PER_TASK=5 "$P" run $SMALL -r 1 -q -f -o "$T/t.h5" 2>/dev/null
check "threads: SLURM_CPUS_PER_TASK" [ "$(threads_of "$T/t.h5")" = 5 ]
if command -v taskset >/dev/null && [ "$(nproc --all)" -gt 1 ]; then
    env -u OMP_NUM_THREADS -u SLURM_CPUS_PER_TASK taskset -c 0 "$P" run $SMALL -r 1 -q -f -o "$T/t.h5" 2>/dev/null
    check "threads: the CPUs the process may run on (taskset -c 0)" [ "$(threads_of "$T/t.h5")" = 1 ]
fi

# ---- --resume on a finished result ------------------------------------------
"$P" compare $REG -r 6 -q -o "$T/full.h5" --resume 2>"$T/done.err"; rc=$?
check "--resume on this plan's finished result: exit 0" [ "$rc" = 0 ]
"$P" compare $REG -r 5 -q -o "$T/full.h5" --resume 2>"$T/notdone.err"; rc=$?
check "--resume on another plan's result: refused (exit 2)" [ "$rc" = 2 ]
check "--resume on another plan's result: says so" contains "$T/notdone.err" "not this plan's result"
"$P" compare $REG -r 6 -q --shard 0/3 -o "$T/sh3" --resume 2>/dev/null; rc=$?
check "--resume on a finished shard (a requeued task): exit 0" [ "$rc" = 0 ]
: >"$T/empty.h5.journal"
"$P" run $SMALL -r 2 -q -o "$T/empty.h5" --resume 2>"$T/empty.err"; rc=$?
check "--resume from a journal without a header: starts over" [ "$rc" = 0 ] 
check "--resume from a journal without a header: says so" contains "$T/empty.err" "starting over"

# ---- a full disk keeps the finished jobs ------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$T/tiny" && mount -t tmpfs -o size=1m tmpfs "$T/tiny" 2>/dev/null; then
    "$P" compare $REG -r 6 -q -o "$T/tiny/o.h5" >/dev/null 2>"$T/full.err"; rc=$?
    check "disk full: exit 1" [ "$rc" = 1 ]
    check "disk full: the journal is kept" [ -s "$T/tiny/o.h5.journal" ]
    check "disk full: says --resume continues" contains "$T/full.err" "--resume continues from them"
    mount -o remount,size=64m "$T/tiny"
    "$P" compare $REG -r 6 -q -o "$T/tiny/o.h5" --resume 2>/dev/null; rc=$?
    check "disk full, then room: --resume ends well" [ "$rc" = 0 ]
    check "disk full, then room: the same bytes" same_bytes "$T/full.h5" "$T/tiny/o.h5"
    umount "$T/tiny"
fi

# ---- two runs of one output at once -----------------------------------------
"$P" compare $REG -r 6 -t 1 -q -o "$T/busy.h5" 2>/dev/null & pid=$!
sleep 0.4
"$P" compare $REG -r 6 -q -o "$T/busy.h5" --resume 2>"$T/busy.err"; rc=$?
check "a second run on a live journal: refused (exit 2)" [ "$rc" = 2 ]
check "a second run on a live journal: says another run is writing" contains "$T/busy.err" "another run is writing"
"$P" compare $REG -r 6 -q -f -o "$T/busy.h5" 2>/dev/null; rc=$?
check "--force does not take a live run's journal" [ "$rc" = 2 ]
wait $pid; rc=$?
check "the first run ends well" [ "$rc" = 0 ]
check "the first run: the same bytes" same_bytes "$T/full.h5" "$T/busy.h5"
