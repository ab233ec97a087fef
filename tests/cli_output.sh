#!/usr/bin/env bash
# tests/cli_output.sh - what the command line does with its output file when
# things go wrong: a full disk, two runs onto one name, an output that
# cannot be a file, a run killed by SIGINT or SIGTERM.  A bad output is bad
# usage (exit 2, refused before anything runs, nothing written); an I/O error
# is exit 1 with the system's reason; a killed run dies of its signal and
# leaves neither the file nor its temporary.  Prints "ok - NAME" or
# "not ok - NAME" per check.  Run from the repository root (tests/run.sh
# does); the disk-full checks need permission to mount a tmpfs.
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml
FULL=$T/full
# lib.sh removes $T on exit; a tmpfs still mounted inside it must go first.
trap 'mountpoint -q "$FULL" 2>/dev/null && umount "$FULL"; rm -rf "$T"' EXIT

is_hdf5() { h5dump -H "$1" >/dev/null 2>&1; }
no_temporary() { ! compgen -G "$1.tmp-*" >/dev/null; }
seed_of() { h5dump -a /master_seed "$1" 2>/dev/null | awk '$1 == "(0):" { print $2 }'; }

# ---- (a) a full disk: exit 1 with the reason, nothing left ----------------
mkdir -p "$FULL"
if mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
    # the results of one replicate and one year take about 560 kB
    "$P" run "$SMALL" -q -r 1 -y 1 -o "$FULL/x.h5" >/dev/null 2>"$T/full.err"; rc=$?
    check "disk full: run exits 1" [ "$rc" = 1 ]
    check "disk full: run says 'No space left on device'" \
        grep -q "No space left on device" "$T/full.err"
    check "disk full: no x.h5" [ ! -e "$FULL/x.h5" ]
    check "disk full: no x.h5.tmp-* left" no_temporary "$FULL/x.h5"
    grep -q "No space left on device" "$T/full.err" || sed 's/^/# /' "$T/full.err"

    # the same for calibrate's scenario, a few hundred bytes onto a full disk
    dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
    "$P" calibrate "$SMALL" -q -r 1 -y 1 -m 1 -o "$FULL/c.yaml" >/dev/null 2>"$T/cfull.err"; rc=$?
    check "disk full: calibrate exits 1" [ "$rc" = 1 ]
    check "disk full: calibrate says 'No space left on device'" \
        grep -q "No space left on device" "$T/cfull.err"
    check "disk full: no c.yaml nor c.yaml.tmp-* left" \
        eval '[ ! -e "$FULL/c.yaml" ] && no_temporary "$FULL/c.yaml"'
    umount "$FULL"
else
    echo "ok - disk full: skipped (cannot mount)"
fi

# ---- (b) two runs onto one name: the first result survives ----------------
# Both start on a missing file and both pass the check up front; the one
# that finishes second finds the name taken (exit 1) - or, if it started
# after the other had finished, is refused up front (exit 2).  Never both 0.
race() {
    local n=$1 out=$T/race$1.h5 pa pb ra rb winner loser_rc loser_err
    "$P" run "$SMALL" -q -r 2 -y 2 -s 111 -o "$out" >/dev/null 2>"$T/race$n.111" & pa=$!
    "$P" run "$SMALL" -q -r 2 -y 2 -s 222 -o "$out" >/dev/null 2>"$T/race$n.222" & pb=$!
    wait "$pa"; ra=$?
    wait "$pb"; rb=$?
    check "race $n: not both runs succeed" [ "$ra" != 0 -o "$rb" != 0 ]
    if [ "$ra" = 0 ]; then winner=111 loser_rc=$rb loser_err=$T/race$n.222
    elif [ "$rb" = 0 ]; then winner=222 loser_rc=$ra loser_err=$T/race$n.111
    else winner=none loser_rc=$ra loser_err=$T/race$n.111
    fi
    check "race $n: one run succeeds" [ "$winner" != none ]
    check "race $n: the other exits 1 or 2" [ "$loser_rc" = 1 -o "$loser_rc" = 2 ]
    check "race $n: the other says why" \
        grep -qE "was written by another run while this one ran|exists; use --force|another run is writing to the same output" "$loser_err"
    check "race $n: the file is HDF5" is_hdf5 "$out"
    check "race $n: its master_seed is the winner's ($winner)" [ "$(seed_of "$out")" = "$winner" ]
    check "race $n: no temporary left" no_temporary "$out"
}
for n in 1 2 3; do race "$n"; done

# ---- (c) an empty name is bad usage, refused before the run ---------------
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$P" run "$SMALL" -r 1 -y 1 -o '' >"$T/empty.out" 2>"$T/empty.err"); rc=$?
check "-o '': exits 2" [ "$rc" = 2 ]
check "-o '': says what is wrong" grep -q "output wants a file name" "$T/empty.err"
check "-o '': refused before running (no 'jobs in' line)" eval '! grep -q "jobs in" "$T/empty.err"'
check "-o '': refused before running (no summary)" [ ! -s "$T/empty.out" ]
check "-o '': nothing written" [ -z "$(ls -A "$T/cwd")" ]

# ---- (d) an output that cannot be a file, refused before the run ----------
mkdir -p "$T/adir"
"$P" run "$SMALL" -r 1 -y 1 --force -o "$T/adir" >"$T/dir.out" 2>"$T/dir.err"; rc=$?
check "-o DIR --force: exits 2" [ "$rc" = 2 ]
check "-o DIR --force: says it is a folder" grep -q "is a folder" "$T/dir.err"
check "-o DIR --force: refused before running" eval '[ ! -s "$T/dir.out" ] && ! grep -q "jobs in" "$T/dir.err"'
check "-o DIR --force: DIR still an empty folder" eval '[ -d "$T/adir" ] && [ -z "$(ls -A "$T/adir")" ]'
check "-o DIR --force: no DIR.tmp-* left" no_temporary "$T/adir"

"$P" run "$SMALL" -r 1 -y 1 -o "$T/missing/x.h5" >/dev/null 2>"$T/missing.err"; rc=$?
check "missing parent folder: exits 2" [ "$rc" = 2 ]
check "missing parent folder: says 'No such file or directory'" \
    grep -q "No such file or directory" "$T/missing.err"
check "missing parent folder: not created" [ ! -e "$T/missing" ]

# ---- (e) killed during a run: dies of the signal, leaves nothing ----------
# A background job of a script starts with SIGINT ignored (and must keep it
# so); job control (set -m) starts it with the default instead, as a shell
# at a terminal would.  The checks hold whenever the signal lands; the write
# phase itself is covered by tests/test_outfile.c.
killed() {
    local sig=$1 want=$2 out=$T/killed-$1.h5 pid rc
    set -m
    # enough replicates that the run cannot end before the signal lands
    "$P" run "$SMALL" -r 2000 -o "$out" >/dev/null 2>"$T/killed-$sig.err" &
    pid=$!
    set +m
    for _ in $(seq 300); do   # until it has started running; at most 30 s
        grep -q "variant(s) x" "$T/killed-$sig.err" && break
        sleep 0.1
    done
    kill -"$sig" "$pid"
    wait "$pid"; rc=$?
    check "SIG$sig during a run: exit status $want (killed by the signal)" [ "$rc" = "$want" ]
    check "SIG$sig during a run: no result file" [ ! -e "$out" ]
    check "SIG$sig during a run: no temporary left" no_temporary "$out"
}
killed INT 130
killed TERM 143

# ---- (f) calibrate refuses an existing scenario up front ------------------
echo keep >"$T/existing.yaml"
"$P" calibrate "$SMALL" -r 1 -y 1 -m 1 -o "$T/existing.yaml" >"$T/cal.out" 2>"$T/cal.err"; rc=$?
check "calibrate onto an existing file without --force: exits 2" [ "$rc" = 2 ]
check "calibrate onto an existing file: unchanged" [ "$(cat "$T/existing.yaml")" = keep ]
check "calibrate onto an existing file: refused before fitting" [ ! -s "$T/cal.out" ]
"$P" calibrate "$SMALL" -r 1 -y 1 -m 1 --force -o "$T/adir" >/dev/null 2>&1; rc=$?
check "calibrate -o DIR --force: exits 2" [ "$rc" = 2 ]
# with no housing users the starting stock's escalated share cannot be
# settled: refused before the fit, nothing written
{ printf 'extends: %s\noffer_types:\n  housing: { places: 0 }\ngroups:\n' "$SMALL"
  for g in developmental autism mental_illness physical brain_injury dual_diagnosis secure; do
      printf '  %s: { incidence_housing: 0 }\n' "$g"; done; } >"$T/nohousing.yaml"
"$P" calibrate "$T/nohousing.yaml" -r 1 -y 1 -m 1 -t 1 -o "$T/nohousing_fit.yaml" >/dev/null 2>"$T/nohousing.err"; rc=$?
check "calibrate without housing users: exits 2" [ "$rc" = 2 ]
check "calibrate without housing users: says the share cannot be settled" grep -q "cannot be settled" "$T/nohousing.err"
check "calibrate without housing users: nothing written" [ ! -e "$T/nohousing_fit.yaml" ]
"$P" validate "$T/nohousing.yaml" -r 1 -t 1 >"$T/nohousing_val.out" 2>&1
check "validate without housing users: settled start n/a" grep -q "settled start (takst): n/a" "$T/nohousing_val.out"
# a run of two years cannot measure growth over three: not measured, not met
"$P" validate "$SMALL" -r 1 -y 2 -t 1 >"$T/short_val.out" 2>&1
check "validate -y 2: 3-year growth not measured" grep -q "growth over 3 years, housing .*not measured" "$T/short_val.out"
check "validate -y 2: unmeasured targets are not counted as met" \
    sh -c "grep 'targets within' '$T/short_val.out' | awk '{exit !(\$1 <= 27)}'"
# a scenario with variants is refused: the fit would be written where
# variants override it
printf 'extends: %s\nvariants:\n  a: {}\n  b: { capacity: { narrow_demand_weight: 0.9 } }\n' "$SMALL" >"$T/calvar.yaml"
"$P" calibrate "$T/calvar.yaml" -r 1 -y 1 -m 1 -o "$T/calvar_fit.yaml" >/dev/null 2>"$T/calvar.err"; rc=$?
check "calibrate a scenario with variants: exits 2" [ "$rc" = 2 ]
check "calibrate a scenario with variants: says why" grep -q "variants" "$T/calvar.err"
check "calibrate a scenario with variants: writes nothing" [ ! -e "$T/calvar_fit.yaml" ]

# --force replaces result files, never a device, FIFO or socket
mknod "$T/fakenull" c 1 3 2>/dev/null || mkfifo "$T/fakenull"
"$P" run "$SMALL" -r 1 -y 1 -q -o "$T/fakenull" --force >/dev/null 2>"$T/fakenull.err"; rc=$?
check "-o DEVICE --force: exit 2" [ "$rc" = 2 ]
check "-o DEVICE --force: the node is still not a regular file" [ ! -f "$T/fakenull" ]
check "-o DEVICE --force: message says so" grep -q "not a regular file" "$T/fakenull.err"

# calibrate must not write over the scenario it calibrates
cp "$ROOT/scenarios/small.yaml" "$T/calib_self.yaml"
sed -i "s|^extends: .*|extends: $ROOT/scenarios/denmark.yaml|; s|municipalities: data/small_municipalities.csv|municipalities: $ROOT/scenarios/data/small_municipalities.csv|" "$T/calib_self.yaml"
cp "$T/calib_self.yaml" "$T/calib_self.orig"
"$P" calibrate "$T/calib_self.yaml" -o "$T/calib_self.yaml" --force -r 1 -y 1 -m 1 >/dev/null 2>"$T/calib_self.err"; rc=$?
check "calibrate onto its own scenario: exit 2" [ "$rc" = 2 ]
check "calibrate onto its own scenario: scenario unchanged" cmp -s "$T/calib_self.yaml" "$T/calib_self.orig"

# an output name with control characters is refused, not echoed raw
"$P" run "$SMALL" -r 1 -y 1 -q -o "$(printf '%s/x\033[31m.h5' "$T")" >/dev/null 2>"$T/esc.err"; rc=$?
check "-o with an escape sequence: exit 2" [ "$rc" = 2 ]
check "-o with an escape sequence: nothing echoed raw" bash -c "! LC_ALL=C grep -q \$'\\033' '$T/esc.err'"

# ---- (g) a temporary a SIGKILL left goes with the next run of its output ---
# The result is written to OUT.tmp-<pid> while the run writes it; no handler
# sees SIGKILL, so a kill then leaves it, and the next run of OUT removes
# the temporaries of processes that are gone (never a live one's).
sleep 0 & dead=$!; wait $dead
sleep 30 & alive=$!
printf 'half' >"$T/stale.h5.tmp-$dead"
printf 'live' >"$T/stale.h5.tmp-$alive"
"$P" run "$SMALL" -r 1 -y 1 -q -o "$T/stale.h5" >/dev/null 2>&1; rc=$?
check "a killed run's temporary: the next run exits 0" [ "$rc" = 0 ]
check "a killed run's temporary: removed" [ ! -e "$T/stale.h5.tmp-$dead" ]
check "a live process's temporary: kept" [ -e "$T/stale.h5.tmp-$alive" ]
kill $alive 2>/dev/null; wait $alive 2>/dev/null || true

# ---- (h) --force replaces results, never the scenario or its tables --------
printf 'extends: %s\n' "$SMALL" >"$T/own.yaml"
cp "$T/own.yaml" "$T/own.copy"
"$P" run "$T/own.yaml" -r 1 -y 1 -q -f -o "$T/own.yaml" >/dev/null 2>"$T/own.err"; rc=$?
check "-o naming the scenario, with --force: exit 2" [ "$rc" = 2 ]
check "-o naming the scenario: says it is the scenario's input" grep -q "which the scenario reads" "$T/own.err"
check "-o naming the scenario: the scenario is unchanged" cmp -s "$T/own.copy" "$T/own.yaml"
"$P" run "$T/own.yaml" -r 1 -y 1 -q -f -o "$SMALL" >/dev/null 2>&1; rc=$?
check "-o naming a file the scenario extends: exit 2" [ "$rc" = 2 ]
