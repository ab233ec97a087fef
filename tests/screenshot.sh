#!/usr/bin/env bash
# tests/screenshot.sh HTML PNG - the top of a report as headless Chromium
# draws it (1100 x 1500 pixels), the call tests/cli_report.sh checks and
# `make screenshot` uses for the README's results/report.png.
set -eu
html=$1 png=$2
case $html in /*) ;; *) html=$PWD/$html ;; esac
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
    --screenshot="$png" "file://$html" >/dev/null 2>&1
[ -s "$png" ]
