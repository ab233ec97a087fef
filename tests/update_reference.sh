#!/usr/bin/env bash
# tests/update_reference.sh - regenerate the scenario and output references in
# README.md from the key table and the KPI table (`make reference`).  Only the
# text between the BEGIN/END markers is replaced.  With --check, change
# nothing and exit 1 if README.md is out of date (used by the test suite).
set -eu
bin=${1:-build/placesim}
mode=${2:-update}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" reference > "$dir/scenario-reference"
"$bin" outputs > "$dir/output-reference"
awk -v dir="$dir" '
    /^<!-- BEGIN [a-z-]+ -->$/ {
        print; name = $3; file = dir "/" name
        while ((getline line < file) > 0) print line
        close(file); skipping = 1; next
    }
    /^<!-- END [a-z-]+ -->$/ { skipping = 0 }
    !skipping { print }
' README.md > "$dir/README.md"
grep -q '<!-- BEGIN scenario-reference -->' README.md || { echo "README.md lacks the reference markers" >&2; exit 2; }
if cmp -s "$dir/README.md" README.md; then
    echo "README.md references are up to date"
elif [ "$mode" = --check ]; then
    echo "README.md references are out of date: run 'make reference'" >&2; exit 1
else
    cp "$dir/README.md" README.md; echo "README.md references regenerated"
fi
