#!/usr/bin/env bash
# tests/run.sh - run the whole suite: cmocka unit tests, then command-line
# tests (tests/cli_*.sh).  Every check counts once; the last line is the
# summary "N passed, N failed".  Exit status 1 if anything failed.
set -u
BUILD=${BUILD:-build}
export PLACESIM="$BUILD/placesim"
passed=0 failed=0

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E '^\[ +(OK|FAILED|PASSED|RUN) +\]|^\[==========\]' \
        | grep -v -E '^\[ RUN' | sed "s|^|$(basename "$t"): |"
    p=$(printf '%s\n' "$out" | grep -c -E '^\[       OK \]')
    f=$(printf '%s\n' "$out" | grep -c -E '^\[  FAILED  \] [a-z_]')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        printf '%s\n' "$out" | tail -20
        echo "$(basename "$t"): crashed or failed to start (exit $rc)"; f=1
    fi
    passed=$((passed + p)); failed=$((failed + f))
done

for s in tests/cli_*.sh; do
    [ -f "$s" ] || continue
    out=$(bash "$s" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E '^(ok|not ok) ' | sed "s|^|$(basename "$s"): |"
    p=$(printf '%s\n' "$out" | grep -c -E '^ok ')
    f=$(printf '%s\n' "$out" | grep -c -E '^not ok ')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        printf '%s\n' "$out" | tail -20
        echo "$(basename "$s"): script failed (exit $rc)"; f=1
    fi
    passed=$((passed + p)); failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
