#!/usr/bin/env bash
# tests/bench.sh - `make bench`: PHOLD events per second on the engine and
# on a minimal binary heap, side by side; scenario loading; the Danish
# replicate's CPU per simulated year on one thread (home support as
# individual cases and in aggregate); replicates per second and peak memory
# on all cores, and the four-regime job projected to 1,000 replicates; the
# CPU ratio of ten times the population to today's; peak memory of a
# study of 100 and of 10,000 jobs of the small scenario.
# Figures only; nothing here passes or fails on time.  bench_phold fails
# (and so does this) only if the engine and the heap handled different
# events.  BENCH_PHOLD_SECONDS (default 1) is the least time per PHOLD run,
# BENCH_PHOLD_RUNS (default 3) how many runs of each to keep the fastest of
# (a shared machine only ever makes a run slower).  BENCH_REPLICATES
# (default 40), BENCH_REGIME_REPLICATES (20) and BENCH_X10_REPLICATES (2)
# set the sizes of the runs, BENCH_MEMORY_JOBS ("100 10000") the studies
# whose memory is compared.
set -eu
BUILD=${BUILD:-build}
REPS=${BENCH_REPLICATES:-40}
# simulated years per replicate: the 10 reported and the warm-up's, which
# cost the same (scenarios/market.yaml's run.warmup_years)
WARMUP=$(sed -n 's/^ *warmup_years: *\([0-9]*\).*/\1/p' scenarios/market.yaml | head -1)
YEARS=$((10 + ${WARMUP:-0}))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$BUILD/tests/bench_phold" "${BENCH_PHOLD_SECONDS:-1}" "${BENCH_PHOLD_RUNS:-3}"
echo "placesim bench: scenario loading, one thread (what \`placesim check\` does, in one process)"
for s in scenarios/denmark.yaml scenarios/regimes.yaml; do
    echo "  $("$BUILD/tests/bench_load" "$s" 2)"
done

# cpu_run TAG ARGS...: run placesim ARGS writing $out/TAG.h5; print
# "CPU_SECONDS | placesim's summary line", CPU being the process's user +
# system time by bash's own accounting.
cpu_run() {
    local tag=$1 t line
    shift
    TIMEFORMAT='%3U %3S'
    if ! t=$( { time "$BUILD/placesim" "$@" -o "$out/$tag.h5" -q \
                     2>"$out/$tag.err" >/dev/null; } 2>&1 ); then
        cat "$out/$tag.err" >&2
        return 1
    fi
    line=$(grep 'jobs in' "$out/$tag.err" | sed 's|^placesim: ||; s|; wrote .*||')
    awk -v t="$t" -v l="$line" 'BEGIN { split(t, a, " "); printf "%.3f | %s\n", a[1] + a[2], l }'
}
cpu_of()  { printf '%s\n' "$1" | cut -d' ' -f1; }
line_of() { printf '%s\n' "${1#*| }"; }
peak_of() { printf '%s\n' "$1" | sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p'; }

echo "placesim bench: the Danish replicate on one thread, CPU per simulated year" \
     "(set-up, warm-up and writing included)"
for mode in individual aggregate; do
    scen=scenarios/denmark.yaml
    [ "$mode" = aggregate ] && scen=scenarios/home_aggregate.yaml
    r=$(cpu_run "one-$mode" run "$scen" -r "$REPS" -t 1)
    [ "$mode" = individual ] && peak1=$(peak_of "$r")
    awk -v c="$(cpu_of "$r")" -v n="$REPS" -v y=$YEARS -v m="$mode" -v l="$(line_of "$r")" \
        'BEGIN { printf "  home support %-10s %6.1f ms CPU per simulated year (%d x %d years: %s)\n",
                 m, 1000 * c / (n * y), n, y, l }'
done

echo "placesim bench: all $(nproc) cores"
r=$(cpu_run all run scenarios/denmark.yaml -r "$REPS" -t "$(nproc)")
peakn=$(peak_of "$r")
echo "  denmark.yaml, $(nproc) threads: $(line_of "$r")"
awk -v a="$peak1" -v b="$peakn" -v n="$(nproc)" 'BEGIN {
    printf "  peak memory %s MiB on 1 thread, %s MiB on %d: about %.0f MiB per extra thread\n",
           a, b, n, (n > 1 ? (b - a) / (n - 1) : 0) }'
RREG=${BENCH_REGIME_REPLICATES:-20}
r=$(cpu_run regimes run scenarios/regimes.yaml -r "$RREG" -t "$(nproc)")
echo "  regimes.yaml (5 variants), $RREG replicates: $(line_of "$r")"
line_of "$r" | sed -n 's/^\([0-9]*\) jobs in \([0-9.]*\) s.*/\1 \2/p' | awk '{
    printf "  at that rate 4 variants x 1,000 replicates x 10 years take %.1f min (projected)\n",
           $2 / $1 * 4000 / 60 }'

echo "placesim bench: 10 x the population, offers of today's size, one thread"
big=$out/x10
mkdir -p "$big/data"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $4 = $4 * 10; print }' \
    scenarios/data/municipalities.csv >"$big/data/municipalities.csv"
{
    echo "extends: $PWD/scenarios/denmark.yaml"
    echo "run:"
    echo "  municipalities: data/municipalities.csv"
    echo "offer_types:"
    echo "  temporary: { places: 76000 }"
    echo "  longterm: { places: 53000 }"
    echo "  housing: { places: 151000 }"
} >"$big/x10.yaml"
R10=${BENCH_X10_REPLICATES:-2}
r1=$(cpu_run x1 run scenarios/denmark.yaml -r "$R10" -t 1)
r10=$(cpu_run x10 run "$big/x10.yaml" -r "$R10" -t 1)
echo "  1 x:  $(cpu_of "$r1") s CPU ($(line_of "$r1"))"
echo "  10 x: $(cpu_of "$r10") s CPU ($(line_of "$r10"))"
awk -v a="$(cpu_of "$r1")" -v b="$(cpu_of "$r10")" \
    'BEGIN { printf "  CPU ratio 10 x / 1 x: %.1f\n", b / a }'

echo "placesim bench: peak memory against the number of jobs (scenarios/small.yaml, 1 year, $(nproc) threads)"
first=
for n in ${BENCH_MEMORY_JOBS:-100 10000}; do
    r=$(cpu_run "jobs$n" run scenarios/small.yaml -r "$n" -y 1 -t "$(nproc)")
    p=$(peak_of "$r")
    echo "  $n jobs: peak memory $p MiB ($(line_of "$r"))"
    if [ -z "$first" ]; then first="$n $p"; else
        awk -v a="$first" -v n="$n" -v p="$p" 'BEGIN { split(a, f, " ");
            printf "  %d jobs against %d: %+.1f MiB, %.0f bytes per extra job\n",
                   n, f[1], p - f[2], (p - f[2]) * 1048576 / (n - f[1]) }'
    fi
done
