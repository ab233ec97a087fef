#!/usr/bin/env bash
# tests/bench.sh - `make bench`: PHOLD events per second on the engine and
# on a minimal binary heap, side by side; then events per second,
# replicates per second and peak memory on the Danish scenario, on 1 thread
# and on all threads.
# Figures only; nothing here passes or fails on time.  bench_phold fails
# (and so does this) only if the engine and the heap handled different
# events.  BENCH_PHOLD_SECONDS (default 1) is the least time per PHOLD run,
# BENCH_PHOLD_RUNS (default 3) how many runs of each to keep the fastest of
# (a shared machine only ever makes a run slower).
set -eu
BUILD=${BUILD:-build}
REPS=${BENCH_REPLICATES:-40}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BUILD/tests/bench_phold" "${BENCH_PHOLD_SECONDS:-1}" "${BENCH_PHOLD_RUNS:-3}"
echo "placesim bench: scenario loading, one thread (what \`placesim check\` does, in one process)"
for s in scenarios/denmark.yaml scenarios/regimes.yaml; do
    echo "  $("$BUILD/tests/bench_load" "$s" 2)"
done
echo "placesim bench: scenarios/denmark.yaml, $REPS replicates x 10 years, $(nproc) cores"
for threads in 1 $(nproc); do
    line=$("$BUILD/placesim" run scenarios/denmark.yaml -r "$REPS" -t "$threads" \
           -o "$out/bench-$threads.h5" -q 2>&1 | grep 'jobs in')
    echo "  threads $threads: ${line#placesim: }" | sed "s| wrote .*||"
done
