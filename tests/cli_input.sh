#!/usr/bin/env bash
# tests/cli_input.sh - hostile scenario files on the command line: names
# that are not names, files that are not files, numbers in other notations,
# misspelt groups and shocks.  Each must be refused by both `check` and
# `run` with exit 2, FILE:LINE:COL and the key in the message, no output
# file, and within a time limit (a hang is a failure, not a slow pass).
set -u
source "$(dirname "$0")/lib.sh"
SMALL=$ROOT/tests/data/small.yaml

# refused NAME WHERE PATTERN: $T/NAME.yaml is refused as promised.
refused() {
    local name=$1 where=$2 pattern=$3 f=$T/$1.yaml out=$T/$1.h5 rc
    timeout 60 "$P" check "$f" >"$T/$name.out" 2>"$T/$name.err"; rc=$?
    check "$name: check exits 2" [ "$rc" = 2 ]
    check "$name: message names $where" grep -qF -- "$where" "$T/$name.err"
    check "$name: message says '$pattern'" grep -qF -- "$pattern" "$T/$name.err"
    check "$name: message has no control characters" \
        bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/$name.err'"
    timeout 60 "$P" run "$f" -r 1 -y 1 -q -o "$out" >/dev/null 2>&1; rc=$?
    check "$name: run exits 2" [ "$rc" = 2 ]
    check "$name: no output file" [ ! -e "$out" ]
    if [ "$rc" != 2 ] || ! grep -qF -- "$where" "$T/$name.err"; then
        sed 's/^/# /' "$T/$name.err"
    fi
}

# a '*' where a name goes used to pass check and crash run (endless
# recursion expanding the pattern)
printf 'extends: %s\ngroups:\n  "*": { narrow: true }\n' "$SMALL" >"$T/star_group.yaml"
refused star_group "$T/star_group.yaml:3:3" "'*' is not a valid name"
printf 'extends: %s\nshocks:\n  "*": { kind: wage }\n' "$SMALL" >"$T/star_shock.yaml"
refused star_shock "$T/star_shock.yaml:3:3" "'*' is not a valid name"

# files that are not regular files, or too large, are refused at once
printf 'extends: /dev/zero\n' >"$T/zero.yaml"
refused zero "$T/zero.yaml:1:10" "not a regular file"
mkfifo "$T/pipe.yaml"
printf 'extends: pipe.yaml\n' >"$T/fifo.yaml"
refused fifo "$T/fifo.yaml:1:10" "not a regular file"
{ printf 'extends: %s\n' "$SMALL"; head -c 2000000 /dev/zero | tr '\0' '#'; } >"$T/huge.yaml"
refused huge "$T/huge.yaml" "larger than 1048576 bytes"

# the ownership-share check names the key the user wrote, with its line
printf 'extends: %s\noffer_types:\n  temporary: { share_private: 0.7, share_regional: 0.7 }\n' \
    "$SMALL" >"$T/shares.yaml"
refused shares "$T/shares.yaml:3:16" "offer_types.temporary.share_private"

# control characters in a key or a value never reach the terminal
printf 'extends: %s\n"\\e[31mred": 1\n' "$SMALL" >"$T/escape_key.yaml"
refused escape_key "$T/escape_key.yaml:2:1" '\x1b[31mred'
printf 'extends: %s\nrun: { municipalities: "\\e[2J" }\n' "$SMALL" >"$T/escape_value.yaml"
refused escape_value "$T/escape_value.yaml:2:24" '\x1b[2J'

# numbers are decimal
printf 'extends: %s\ntakst: { cap: 0x1p-4 }\n' "$SMALL" >"$T/hex.yaml"
refused hex "$T/hex.yaml:2:15" "key 'takst.cap'"

# an empty regime name used to run takst silently
printf 'extends: %s\nregime: { name: "" }\n' "$SMALL" >"$T/no_regime.yaml"
refused no_regime "$T/no_regime.yaml:2:11" "key 'regime.name'"
printf 'extends: %s\nregime: { name: "drg++tender" }\n' "$SMALL" >"$T/empty_regime.yaml"
refused empty_regime "$T/empty_regime.yaml:2:11" "key 'regime.name'"

# a misspelt group or shock is not a new one of defaults
printf 'extends: %s\ngroups:\n  autsim:\n    cost_multiplier: 1.2\n' "$SMALL" >"$T/autsim.yaml"
refused autsim "$T/autsim.yaml:4:5" "if you meant 'autism', correct the name"
printf 'extends: %s\nvariants:\n  more:\n    groups.autsim.cost_multiplier: 1.2\n' \
    "$SMALL" >"$T/autsim_variant.yaml"
refused autsim_variant "$T/autsim_variant.yaml:4:5" "or did you mean 'autism'?"
printf 'extends: %s\nshocks:\n  rise: { group: autism, size: 0.2 }\n' "$SMALL" >"$T/shock_kind.yaml"
refused shock_kind "$T/shock_kind.yaml:3:11" "kind"
printf 'extends: %s\nshocks:\n  rise: { kind: incidence, group: autsim }\n' "$SMALL" >"$T/shock_group.yaml"
refused shock_group "$T/shock_group.yaml:3:28" "did you mean 'autism'?"
printf 'extends: %s\nshocks:\n  shut: { kind: closure, region: Hovedstad }\n' "$SMALL" >"$T/shock_region.yaml"
refused shock_region "$T/shock_region.yaml:3:26" "did you mean 'Hovedstaden'?"

# a new group declared in full is accepted and runs
printf 'extends: %s\ngroups:\n  adhd: { incidence_temporary: 0.5, incidence_longterm: 0.1, incidence_housing: 0.2, incidence_home: 1 }\n' \
    "$SMALL" >"$T/new_group.yaml"
check "new group declared in full: check exits 0" "$P" check "$T/new_group.yaml"

# compounding incidence shocks used to raise the rate of new needs without
# bound (a run that never ended); now the job fails at once with a reason
printf 'extends: %s\nshocks:\n  boom: { kind: incidence, rate: 100, size: 1000, duration_years: 1000 }\n' \
    "$SMALL" >"$T/boom.yaml"
timeout 60 "$P" run "$T/boom.yaml" -r 1 -y 2 -q -o "$T/boom.h5" >/dev/null 2>"$T/boom.err"; rc=$?
check "runaway shocks: run exits 1, not a timeout" [ "$rc" = 1 ]
check "runaway shocks: message names the year and the job" \
    grep -qE 'variant 0 replicate 0: year [0-9]{4}: new needs in .* per adult' "$T/boom.err"
check "runaway shocks: a failed run writes no result" [ ! -e "$T/boom.h5" ]

# a plan whose finished jobs cannot fit on the journal's disk is refused
# before it runs (it would fail hours later, when the disk is full)
timeout 60 "$P" run "$SMALL" -r 1000000 -y 100 -q -o "$T/huge.h5" >/dev/null 2>"$T/huge_plan.err"; rc=$?
check "oversized plan: run exits 2" [ "$rc" = 2 ]
check "oversized plan: message says how much room" grep -q "GiB of finished jobs" "$T/huge_plan.err"
check "oversized plan: no output file" [ ! -e "$T/huge.h5" ]
check "oversized plan: no journal" [ ! -e "$T/huge.h5.journal" ]

# flow lists nested deep made the YAML parser take minutes
python3 -c "import sys; n=200000; sys.stdout.write('extends: %s\nneed:\n  hours_per_week: ' % sys.argv[1] + '['*n + '1' + ']'*n + '\n')" \
    "$SMALL" >"$T/deep.yaml"
refused deep "$T/deep.yaml:3:" "nested more than 64 deep"

# a tag would be ignored silently, so it is refused
printf 'extends: %s
run: { years: !!int 2 }
' "$SMALL" >"$T/tag.yaml"
refused tag "$T/tag.yaml:2:15" "YAML tags"

# a lot holds at most 8 winners (more wrote past the end of the lot)
printf 'extends: %s
regime: { name: tender }
tender: { winners: 11 }
' "$SMALL" >"$T/winners.yaml"
refused winners "$T/winners.yaml:3:20" "out of range [1, 8]"

# variants that run would refuse are refused by check too
printf 'extends: %s
variants:
  a: {}
  b: { run: { years: 3 } }
' "$SMALL" >"$T/incomparable.yaml"
timeout 60 "$P" check "$T/incomparable.yaml" >/dev/null 2>"$T/incomparable.err"; rc=$?
check "incomparable variants: check exits 2" [ "$rc" = 2 ]
check "incomparable variants: message says why" grep -q "variants must share them" "$T/incomparable.err"

# a measure's threshold is not a policy: variants must share it too
printf 'extends: %s
variants:
  a: {}
  b: { outputs: { long_wait_days: 10 } }
' "$SMALL" >"$T/measure.yaml"
timeout 60 "$P" compare "$T/measure.yaml" -r 1 -y 1 -o "$T/measure.h5" >/dev/null 2>"$T/measure.err"; rc=$?
check "variants with another outputs.long_wait_days: compare exits 2" [ "$rc" = 2 ]
check "variants with another outputs.long_wait_days: message names the key" grep -q "outputs.long_wait_days" "$T/measure.err"
check "variants with another outputs.long_wait_days: no result file" [ ! -e "$T/measure.h5" ]

# OMP_NUM_THREADS is held to --threads' bound (libgomp crashed far above it)
OMP_NUM_THREADS=100000 timeout 120 "$P" run "$SMALL" -r 2 -y 1 -q -o "$T/omp.h5" >/dev/null 2>&1; rc=$?
check "OMP_NUM_THREADS=100000: run exits 0" [ "$rc" = 0 ]
