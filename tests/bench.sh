#!/usr/bin/env bash
# tests/bench.sh - `make bench`: events per second, replicates per second and
# peak memory on the Danish scenario, on 1 thread and on all threads.
# Figures only; nothing here passes or fails on time.
set -eu
BUILD=${BUILD:-build}
REPS=${BENCH_REPLICATES:-40}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
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
