#!/usr/bin/env bash
# tests/cli_install.sh - `make install PREFIX=...`: the binary, the
# scenarios and data under share/placesim and the man page; an installed
# placesim finds its default scenarios from any folder and writes to
# ./results of that folder, making it.  Prints "ok - NAME" or "not ok - NAME"
# per check.  Run from the repository root.
set -u
source "$(dirname "$0")/lib.sh"
make -s -C "$ROOT" install PREFIX="$T/pfx" BUILD="$(dirname "$P")" >"$T/install.out" 2>&1; rc=$?
check "make install exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/install.out" | tail -5
check "installs the binary" [ -x "$T/pfx/bin/placesim" ]
check "installs the default scenarios" [ -s "$T/pfx/share/placesim/scenarios/regimes.yaml" ]
check "installs the municipality table" [ -s "$T/pfx/share/placesim/scenarios/data/municipalities.csv" ]
check "installs a man page" grep -q '^\.TH PLACESIM' "$T/pfx/share/man/man1/placesim.1"
mkdir -p "$T/elsewhere"
(cd "$T/elsewhere" && "$T/pfx/bin/placesim" validate -r 1 -y 1 >"$T/val.out" 2>&1)
check "installed validate finds scenarios/denmark.yaml from another folder" \
    grep -q "targets within 10 %" "$T/val.out"
(cd "$T/elsewhere" && "$T/pfx/bin/placesim" compare -r 1 -y 1 -q >"$T/cmp.out" 2>&1); rc=$?
check "installed compare runs the default comparison" [ "$rc" = 0 ]
check "installed compare writes ./results, made for it" [ -s "$T/elsewhere/results/regimes-20211.h5" ]
