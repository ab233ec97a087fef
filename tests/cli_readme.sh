#!/usr/bin/env bash
# The README's scenario and output references are generated from the key and
# KPI tables; this check fails when someone changes a table and not the README.
PLACESIM=${PLACESIM:-build/placesim}
if bash tests/update_reference.sh "$PLACESIM" --check >/dev/null 2>&1; then
    echo "ok - README references match the key and KPI tables"
else
    echo "not ok - README references are out of date (run make reference)"
fi
