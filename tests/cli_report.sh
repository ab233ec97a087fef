#!/usr/bin/env bash
# tests/cli_report.sh - `placesim report` and `compare --report` on the small
# market under the regimes: every section and chart in both languages, CSV
# beside it that round-trips against the HDF5 data, the same bytes from the
# same file, headless Chromium loading it with no console error and no
# network request and a screenshot that is not blank, the PDF, the Python
# and R examples, and refusals of bad input.  Prints "ok - NAME" or
# "not ok - NAME" per check.  Run from the repository root.
set -u
source "$(dirname "$0")/lib.sh"
SC=$ROOT/tests/data/small_regimes.yaml
PY=/usr/bin/python3

# ---- compare --report: the file and its report in one call -------------------
"$P" compare "$SC" -r 4 -y 3 -q -o "$T/cmp.h5" --report >"$T/cmp.out" 2>"$T/cmp.err"; rc=$?
check "compare --report exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/cmp.err" | tail -5
check "compare --report writes the report beside the file" [ -s "$T/cmp.html" ]
check "compare --report writes the CSV folder" [ -s "$T/cmp_files/criteria.csv" ]

# ---- both languages: every section, every chart ------------------------------
"$P" report "$T/cmp.h5" -o "$T/en.html" --lang en -q; rc=$?
check "report --lang en exits 0" [ "$rc" = 0 ]
"$P" report "$T/cmp.h5" -o "$T/da.html" -q; rc=$?
check "report (Danish by default) exits 0" [ "$rc" = 0 ]
for s in summary criteria spending risk pairs municipalities supply run assumptions definitions; do
    check "en: section $s" grep -q "<section id=\"$s\">" "$T/en.html"
    check "da: section $s" grep -q "<section id=\"$s\">" "$T/da.html"
done
check "en: five charts" [ "$(grep -o '<svg' "$T/en.html" | wc -l)" = 5 ]
check "da: five charts" [ "$(grep -o '<svg' "$T/da.html" | wc -l)" = 5 ]
check "en: in English" grep -q "The committee's criteria" "$T/en.html"
check "da: in Danish" grep -q "Udvalgets kriterier" "$T/da.html"
check "da: html lang da" grep -q '<html lang="da">' "$T/da.html"
check "da: likelihood words in Danish" grep -qE "sandsynligt|omtrent det samme" "$T/da.html"
check "da: Danish decimal comma in a chart" grep -qE '>[0-9]+,[0-9]+<' "$T/da.html"
check "rules stated: the likelihood scale" grep -q "IPCC" "$T/en.html"
check "rules stated: the materiality threshold" grep -q "materiality threshold" "$T/en.html"
check "a page per municipality (16)" [ "$(grep -c '<details class="muni"' "$T/en.html")" = 16 ]
check "winners and losers in five bands" grep -q "loses &gt; 5 %" "$T/en.html"

# ---- self-contained: nothing fetched -------------------------------------------
check "no external reference" [ "$(grep -oE '(src|href)="(https?:)?//' "$T/en.html" | wc -l)" = 0 ]
check "a policy that forbids every fetch" grep -q "default-src 'none'" "$T/en.html"
check "no script" [ "$(grep -c '<script' "$T/en.html")" = 0 ]

# ---- the same bytes from the same file -----------------------------------------
"$P" report "$T/cmp.h5" -o "$T/en2.html" --lang en -q
sed 's/en2_files/en_files/g' "$T/en2.html" >"$T/en2.same"
check "the same file gives the same report" cmp -s "$T/en.html" "$T/en2.same"
check "the same file gives the same CSV" diff -r -q "$T/en_files" "$T/en2_files"

# ---- CSV: one per table and per municipality, round-trip against HDF5 ----------
check "a CSV per municipality" [ "$(ls "$T/en_files"/municipality_*.csv | wc -l)" = 16 ]
check "CSV has a header row" grep -q '"year","variant"' "$T/en_files/spending.csv"
# expenditure of the reference in the first year: mean of the raw replicates
want=$($PY -c "import h5py; d = h5py.File('$T/cmp.h5')['kpi/national/expenditure']; print('%.9e' % (d[0, :, 0].mean() / 1e9))")
got=$(awk -F, 'NR == 2 {printf "%.9e", $3}' "$T/en_files/spending.csv")   # bn DKK
check "CSV round-trips the HDF5 mean ($want = $got)" [ "$want" = "$got" ]

# ---- Python and R read the file ---------------------------------------------------
if $PY -c 'import h5py, pandas' 2>/dev/null; then
    $PY "$ROOT/analysis/read_results.py" "$T/cmp.h5" >"$T/py.out" 2>&1; rc=$?
    check "Python example exits 0" [ "$rc" = 0 ]
    check "Python example reads variant names as text" grep -q "^ *takst" "$T/py.out"
    $PY "$ROOT/analysis/read_results.py" "$T/cmp.h5" muni_net_cost_per_adult >"$T/py2.out" 2>&1
    check "Python example reads a municipal KPI with its names" grep -q "København" "$T/py2.out"
else
    echo "not ok - Python example: /usr/bin/python3 with h5py and pandas is missing"
fi
if command -v Rscript >/dev/null; then
    Rscript "$ROOT/analysis/read_results.R" "$T/cmp.h5" >"$T/r.out" 2>&1; rc=$?
    check "R example exits 0" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || sed 's/^/# /' "$T/r.out" | tail -5
    # the first rows are replicate 0 of each variant in the first year
    check "R example has the dimensions in the file's order" grep -qE "^2 +drg +0 +2021" "$T/r.out"
    "$P" run "$ROOT/tests/data/small.yaml" -r 2 -y 2 -q -o "$T/one.h5"
    Rscript "$ROOT/analysis/read_results.R" "$T/one.h5" >"$T/r1.out" 2>&1
    check "R example keeps a single variant's axis" grep -qE "^1 +[a-z_]+ +0 +2021" "$T/r1.out"
else
    echo "not ok - R example: Rscript is missing"
fi

# ---- a run's file (one variant) has a report too --------------------------------
"$P" run "$ROOT/tests/data/small.yaml" -r 2 -y 2 -q -o "$T/run.h5" 2>/dev/null
"$P" report "$T/run.h5" -q; rc=$?
check "report of a run's file exits 0" [ "$rc" = 0 ]
check "report of a run's file has its summary" grep -q '<section id="summary">' "$T/run.html"

# ---- headless Chromium: loads, no console error, no request, not blank ------------
if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
        --dump-dom "file://$T/en.html" >"$T/dom.html" 2>"$T/chromium.err"
    check "Chromium renders the report" grep -q "summary" "$T/dom.html"
    check "no console message" [ "$(grep -c 'CONSOLE' "$T/chromium.err")" = 0 ]
    check "no blocked fetch" [ "$(grep -ci 'Refused to' "$T/chromium.err")" = 0 ]
    check "a screenshot" bash "$ROOT/tests/screenshot.sh" "$T/da.html" "$T/shot.png"
    if $PY -c 'import PIL' 2>/dev/null; then
        colours=$($PY -c "from PIL import Image; im = Image.open('$T/shot.png').convert('RGB'); print(len(im.getcolors(1 << 20) or []))")
        check "the screenshot is not blank ($colours colours)" [ "$colours" -gt 50 ]
    fi
    "$P" report "$T/cmp.h5" -o "$T/pdf.html" --lang en --pdf -q; rc=$?
    check "report --pdf exits 0" [ "$rc" = 0 ]
    check "the PDF is a PDF" grep -q '^%PDF' "$T/pdf.pdf"
    pages=$(pdfinfo "$T/pdf.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    check "the PDF has several pages (${pages:-none})" [ "${pages:-0}" -ge 5 ]
else
    echo "not ok - Chromium is missing (Debian: chromium)"
fi

# ---- bad input ----------------------------------------------------------------------
echo "not a result" >"$T/bad.h5"
"$P" report "$T/bad.h5" -o "$T/bad.html" 2>"$T/bad.err"; rc=$?
check "report of a non-HDF5 file exits 2" [ "$rc" = 2 ]
check "report of a non-HDF5 file says so" grep -q "not an HDF5 file" "$T/bad.err"
check "report of a non-HDF5 file writes nothing" [ ! -e "$T/bad.html" ]
cp "$T/en.html" "$T/keep.html"
"$P" report "$T/cmp.h5" -o "$T/en.html" 2>"$T/exists.err"; rc=$?
check "existing report without -f exits 2" [ "$rc" = 2 ]
check "existing report without -f is unchanged" cmp -s "$T/en.html" "$T/keep.html"
"$P" report "$T/cmp.h5" -o "$T/x.html" --lang fr 2>/dev/null; rc=$?
check "--lang fr exits 2" [ "$rc" = 2 ]
"$P" report "$T/cmp.h5" -o "$T/y.html" --price-year 1999 2>"$T/py.err"; rc=$?
check "a price year outside the file is refused" [ "$rc" = 2 ]
check "a refused price year writes no report" [ ! -e "$T/y.html" ]
check "a refused price year makes no CSV folder" [ ! -e "$T/y_files" ]
"$P" run "$ROOT/tests/data/small.yaml" --report -q -o "$T/z.h5" 2>/dev/null; rc=$?
check "run --report is refused (report is for compare and risk)" [ "$rc" = 2 ]

# ---- what a hostile review found -------------------------------------------------
# a variant name cannot become a gnuplot command (no '.' in it: a dot
# would split the scenario key)
rm -f /tmp/pwned_placesim
cat >"$T/inj.yaml" <<YAML
extends: $ROOT/tests/data/small.yaml
variants:
  "a'b": {}
  "x', '< touch /tmp/pwned_placesim' using 1:1 with lines title 'y": { regime: { name: drg } }
YAML
"$P" compare "$T/inj.yaml" -r 2 -y 2 -q -o "$T/inj.h5" 2>"$T/inj.err" || sed "s/^/# /" "$T/inj.err"
"$P" report "$T/inj.h5" -q; rc=$?
check "a variant name with quotes: report exits 0" [ "$rc" = 0 ]
check "a variant name cannot run a command" [ ! -e /tmp/pwned_placesim ]
# the result file and devices are never replaced
cp "$T/cmp.h5" "$T/keep.h5"
"$P" report "$T/cmp.h5" -o "$T/cmp.h5" -f 2>/dev/null; rc=$?
check "-o the result file itself exits 2" [ "$rc" = 2 ]
check "-o the result file itself leaves it" cmp -s "$T/cmp.h5" "$T/keep.h5"
"$P" report "$T/cmp.h5" -o /dev/null -f 2>/dev/null; rc=$?
check "-o /dev/null -f exits 2" [ "$rc" = 2 ]
check "/dev/null is still a device" [ -c /dev/null ]
"$P" report "$T/cmp.h5" -o "$T/nowhere/x.html" 2>/dev/null; rc=$?
check "-o into a missing folder exits 2" [ "$rc" = 2 ]
"$P" compare "$SC" -r 2 -y 2 -q -o "$T/c9.html" --report -f 2>"$T/c9.err"; rc=$?
check "compare --report whose report would replace its result file exits 2" [ "$rc" = 2 ]
check "... before running (no result written)" [ ! -e "$T/c9.html" ]
cp "$T/en.html" "$T/pre.html"
"$P" compare "$SC" -r 2 -y 2 -q -o "$T/pre.h5" --report 2>/dev/null; rc=$?
check "compare --report with an existing report exits 2" [ "$rc" = 2 ]
check "... before running" [ ! -e "$T/pre.h5" ]
# a file without variant labels: numbered, no crash
if $PY -c 'import h5py' 2>/dev/null; then
    cp "$T/cmp.h5" "$T/novar.h5"
    $PY -c "import h5py; f = h5py.File('$T/novar.h5', 'a'); del f['axes/variant']"
    "$P" report "$T/novar.h5" -q 2>/dev/null; rc=$?
    check "a file without /axes/variant: report exits 0" [ "$rc" = 0 ]
    cp "$T/cmp.h5" "$T/noexp.h5"
    $PY -c "import h5py; f = h5py.File('$T/noexp.h5', 'a'); del f['kpi/national/expenditure']"
    "$P" report "$T/noexp.h5" -q 2>/dev/null; rc=$?
    check "a file without expenditure: report fails" [ "$rc" != 0 ]
    check "... and writes nothing" [ ! -e "$T/noexp.html" ] && [ ! -e "$T/noexp_files" ]
fi
# a risk file's own threshold
"$P" risk "$SC" -r 2 -y 3 -T 0.02 -q -o "$T/risk.h5" 2>/dev/null
"$P" report "$T/risk.h5" --lang en -q
check "a risk file's report uses its threshold" grep -q "exceeds 2.0 %" "$T/risk.html"
# --materiality 0 is taken
"$P" report "$T/cmp.h5" -o "$T/m0.html" --lang en --materiality 0 -q
check "--materiality 0 is stated" grep -q "within 0.0 %" "$T/m0.html"
# an old report's CSV files do not stay beside a new one
"$P" report "$T/run.h5" -o "$T/en.html" -f -q
check "a report of another file leaves no stale CSV" [ ! -e "$T/en_files/criteria.csv" ]
# report takes no run options
"$P" report "$T/cmp.h5" -o "$T/r3.html" -r 3 2>/dev/null; rc=$?
check "report -r exits 2" [ "$rc" = 2 ]
