#!/usr/bin/env bash
# tests/equivalence.sh [BEFORE [AFTER]] - did a change move the outcome
# distribution?  For a speed-up or refactoring that changes the random path:
# builds two revisions from git, runs the same scenario and seed on each,
# and tests every headline KPI's horizon figure with Welch's test of the
# difference of means, Holm-corrected at 5 % family-wise (tests/welch.c).
# Prints both commits, the command lines and a table of p-values; the last
# line is "equivalence: no difference (...)" (exit 0) or "equivalence:
# DIFFERENCE in KPI,..." (exit 1).  Exit 2: bad usage, a failed build or run.
#
#   BEFORE   git revision, default HEAD~1
#   AFTER    git revision, default HEAD; WORKTREE means the checkout as it is
#            on disk (tracked files with their uncommitted changes, untracked
#            files that .gitignore does not exclude)
#
# Environment (all optional):
#   EQUIV_REPLICATES        replicates per run (default 200)
#   EQUIV_SEED              master seed (default 1)
#   EQUIV_SCENARIO          scenario, relative to the tree (default scenarios/denmark.yaml)
#   EQUIV_SCENARIO_BEFORE, EQUIV_SCENARIO_AFTER   a different one per side
#                           (to see the test find a difference)
#   EQUIV_ALPHA             family-wise level (default 0.05)
#   EQUIV_KEEP=1            keep the temporary folder (its path is printed)
#
# Each revision is exported into a temporary folder and built there with its
# own Makefile and BUILD folder, so nothing in the checkout is touched.  Runs
# use the default thread count (OMP_NUM_THREADS, else all cores); results do
# not depend on it.  Takes a few minutes: not part of `make test`.
set -euo pipefail

die() { echo "equivalence: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel) || die "not in a git checkout"
[ $# -le 2 ] || die "usage: tests/equivalence.sh [BEFORE [AFTER]]"
BEFORE=${1:-HEAD~1}
AFTER=${2:-HEAD}
REPS=${EQUIV_REPLICATES:-200}
SEED=${EQUIV_SEED:-1}
SCEN=${EQUIV_SCENARIO:-scenarios/denmark.yaml}
SCEN_BEFORE=${EQUIV_SCENARIO_BEFORE:-$SCEN}
SCEN_AFTER=${EQUIV_SCENARIO_AFTER:-$SCEN}
ALPHA=${EQUIV_ALPHA:-0.05}
JOBS=$(nproc 2>/dev/null || echo 2)
[[ $REPS =~ ^[0-9]+$ && $REPS -ge 2 ]] || die "EQUIV_REPLICATES must be a whole number >= 2"
[[ $SEED =~ ^[0-9]+$ ]] || die "EQUIV_SEED must be a whole number"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/placesim-equiv.XXXXXX")
cleanup() {
    if [ "${EQUIV_KEEP:-0}" = 1 ]; then echo "equivalence: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The statistics first: a broken helper should fail in a second, not after
# two long runs.  Built from this checkout's tests/welch.c, whatever the
# revisions under test are.
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -O2 \
    $(pkg-config --cflags gsl hdf5) "$HERE/welch.c" -o "$TMP/welch" \
    $(pkg-config --libs gsl hdf5) || die "cannot build tests/welch.c (GSL and HDF5: make deps)"
"$TMP/welch" --selftest >"$TMP/selftest.out" || { cat "$TMP/selftest.out"; die "welch --selftest failed"; }

# export SIDE REV: the tree of REV into $TMP/SIDE/src; sets DESC
export_tree() {
    local side=$1 rev=$2 dest=$TMP/$1/src hash
    mkdir -p "$dest"
    if [ "$rev" = WORKTREE ]; then
        hash=$(git -C "$ROOT" rev-parse HEAD)
        # Tracked files as they are on disk (a deleted one is left out) and
        # untracked ones that are not ignored: what `make` here would build.
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do
                [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
            done | sort -zu | tar --null -T - -cf -) | tar -xf - -C "$dest"
        if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=normal)" ]; then
            DESC="$hash + uncommitted changes (working tree)"
            COMMIT_ATTR="${hash:0:12}-dirty"
        else
            DESC="$hash (working tree, clean)"
            COMMIT_ATTR=${hash:0:12}
        fi
    else
        hash=$(git -C "$ROOT" rev-parse --verify --quiet "$rev^{commit}") ||
            die "$side: '$rev' is not a commit"
        git -C "$ROOT" archive "$hash" | tar -xf - -C "$dest"
        DESC="$hash ($rev: $(git -C "$ROOT" log -1 --format=%s "$hash"))"
        COMMIT_ATTR=${hash:0:12}
    fi
}

# build_and_run SIDE REV SCENARIO
build_and_run() {
    local side=$1 rev=$2 scen=$3 dir=$TMP/$1
    export_tree "$side" "$rev"
    echo "$side: $DESC"
    [ -f "$dir/src/$scen" ] || die "$side: no $scen in $rev"
    # GIT_COMMIT given on the command line: an exported tree has no .git,
    # and the result file should still name the commit it came from.
    local build_cmd="make -C $dir/src -j$JOBS BUILD=$dir/build GIT_COMMIT=$COMMIT_ATTR"
    echo "  build: $build_cmd"
    $build_cmd >"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; die "$side: build failed"; }
    local run_cmd="$dir/build/placesim run $scen -r $REPS -s $SEED -o $TMP/$side.h5 -q"
    echo "  run:   (cd $dir/src && $run_cmd)"
    (cd "$dir/src" && $run_cmd) || die "$side: run failed"
}

echo "equivalence: $REPS replicates, seed $SEED, alpha $ALPHA (family-wise, Holm)"
build_and_run before "$BEFORE" "$SCEN_BEFORE"
build_and_run after "$AFTER" "$SCEN_AFTER"
echo "  compare: welch --alpha $ALPHA before.h5 after.h5 (selftest passed)"
echo
set +e
(cd "$TMP" && ./welch --alpha "$ALPHA" before.h5 after.h5)
rc=$?
set -e
exit $rc
