#!/usr/bin/env bash
# tests/run.sh - run the whole suite: cmocka unit tests, then command-line
# tests (tests/cli_*.sh, which print "ok - ..." / "not ok - ...").  Every
# check counts once; the last line is the summary "N passed, N failed".
# Exit status 1 if anything failed.
set -u
BUILD=${BUILD:-build}
export PLACESIM="$BUILD/placesim"
passed=0 failed=0

# run NAME SHOW_RE PASS_RE FAIL_RE COMMAND...: show the lines that matter,
# count passes and failures; a command that dies without reporting a
# failure counts as one.
run() {
    local name=$1 show=$2 pass=$3 fail=$4 out rc p f
    shift 4
    echo "$name: started"     # before the output, which comes when it ends
    out=$("$@" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E "$show" | sed "s|^|$name: |"
    p=$(printf '%s\n' "$out" | grep -c -E "$pass")
    f=$(printf '%s\n' "$out" | grep -c -E "$fail")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        printf '%s\n' "$out" | tail -20
        echo "$name: crashed or failed to start (exit $rc)"; f=1
    fi
    passed=$((passed + p)); failed=$((failed + f))
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run "$(basename "$t")" '^\[ +(OK|FAILED|PASSED) +\]|^\[==========\]' \
        '^\[       OK \]' '^\[  FAILED  \] [a-z_]' "$t"
done
for s in tests/cli_*.sh; do
    [ -f "$s" ] || continue
    run "$(basename "$s")" '^(ok|not ok) ' '^ok ' '^not ok ' bash "$s"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
