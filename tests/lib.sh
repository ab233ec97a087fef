# tests/lib.sh - what the command-line tests share; sourced, not run.
# Sets ROOT, P (the placesim binary, absolute) and T (a temporary folder
# removed on exit); defines check and golden.
ROOT=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
P=${PLACESIM:-build/placesim}
case $P in /*) ;; *) P=$PWD/$P ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

check() {   # check NAME COMMAND...: ok when COMMAND succeeds
    local name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# golden LABEL FILE GOLDEN DATASET...: the datasets of FILE, data only at
# full precision, must equal the text in GOLDEN.  With
# PLACESIM_UPDATE_GOLDEN=1 GOLDEN is rewritten instead: do that only after a
# model change you mean to make.
golden() {
    local label=$1 file=$2 want=$3 args=() rc
    shift 3
    for d in "$@"; do args+=(-d "$d"); done
    h5dump -m %.17g -A 0 "${args[@]}" -y -w 0 "$file" 2>/dev/null \
        | sed "1s/^HDF5 \".*\" {\$/HDF5 \"$(basename "$want" .txt).h5\" {/" >"$T/golden.txt"
    rc=${PIPESTATUS[0]}
    check "$label: datasets readable" [ "$rc" = 0 ]
    if [ "$rc" != 0 ]; then
        :   # reported above; never compare or store a partial extract
    elif [ "${PLACESIM_UPDATE_GOLDEN:-0}" = 1 ]; then
        mkdir -p "$(dirname "$want")"
        cp "$T/golden.txt" "$want"
        echo "ok - $label: updated"
    elif [ ! -f "$want" ]; then
        echo "not ok - $label: $want missing (run with PLACESIM_UPDATE_GOLDEN=1)"
    elif diff -u "$want" "$T/golden.txt" >"$T/golden.diff"; then
        echo "ok - $label: unchanged"
    else
        echo "not ok - $label: unchanged"; sed 's/^/# /' "$T/golden.diff" | head -30
    fi
}

# same_bytes A B: "the same bytes" of two result files as the study tools
# promise them: h5diff finds no difference in any dataset or attribute
# outside /run, and both files have the same objects and attribute names
# there (h5diff says nothing of an attribute only one file has).
same_bytes() {
    h5diff --exclude-path /run "$1" "$2" >"$T/h5diff.out" 2>&1 || {
        sed 's/^/# /' "$T/h5diff.out" | head -5; return 1; }
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py
def inventory(path):
    seen = {}
    with h5py.File(path, "r") as f:
        seen["/"] = sorted(f.attrs.keys())
        def visit(name, obj):
            if name == "run" or name.startswith("run/"):
                return
            seen[name] = sorted(obj.attrs.keys())
        f.visititems(visit)
    return seen
a, b = inventory(sys.argv[1]), inventory(sys.argv[2])
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print(f"# {k}: {a.get(k)} against {b.get(k)}")
            break
    sys.exit(1)
PY
}
