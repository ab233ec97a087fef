#!/usr/bin/env bash
# tests/fuzz_seeds.sh PLACESIM OUT - the fuzz target's seed corpus and
# dictionary, made anew by `make fuzz` from the project's own files.
#   OUT/seeds/         every scenario of scenarios/ and tests/data/, and
#                      each CSV table as an input that names it
#   OUT/scenario.dict  every segment of every key of the key table, every
#                      word of every enumeration, and YAML's punctuation
set -eu
bin=$1 out=$2
rm -rf "$out/seeds"
mkdir -p "$out/seeds"
n=0
for f in scenarios/*.yaml tests/data/*.yaml tests/data/config/*.yaml; do
    n=$((n + 1)); cp "$f" "$out/seeds/scenario-$n.yaml"
done
for f in scenarios/data/*.csv tests/data/*.csv; do
    n=$((n + 1))
    { printf 'extends: denmark.yaml\nrun: { municipalities: table.csv }\n#@ table.csv\n'
      cat "$f"; } >"$out/seeds/csv-$n.txt"
done
# One seed with two files of its own and a variant, so that the mutator
# starts from the shapes the format allows.
printf 'extends: base.yaml\nvariants:\n  v: { takst.cap: 0.01 }\n#@ base.yaml\nextends: denmark.yaml\nrun: { years: 2 }\n' \
    >"$out/seeds/files-2.txt"
"$bin" reference | awk -F'|' '
    NR > 2 {
        key = $2; gsub(/[ `]/, "", key)
        n = split(key, seg, ".")
        for (i = 1; i <= n; i++) if (seg[i] != "*") words[seg[i]] = 1
        range = $5; gsub(/ /, "", range)
        if (range ~ /^[a-z_]+(\/[a-z_]+)+$/) {
            m = split(range, ch, "/"); for (i = 1; i <= m; i++) words[ch[i]] = 1
        }
    }
    END { for (w in words) printf "\"%s\"\n", w }' | sort >"$out/scenario.dict"
for tok in ': ' '- ' '{ ' ' }' '[ ' ' ]' ', ' '&a ' '*a' '!!str ' '"' "'" '#@ ' \
           'extends: ' 'variants:' '.inf' '1e308' 'true' 'false' '0.5' '-1'; do
    printf '"%s"\n' "$(printf '%s' "$tok" | sed 's/\\/\\\\/g; s/"/\\"/g')" >>"$out/scenario.dict"
done
# newline and indent, a UTF-8 byte order mark: in libFuzzer's \xNN escapes
printf '"%s"\n' '\x0a  ' '\xef\xbb\xbf' '\x0d\x0a' >>"$out/scenario.dict"
echo "placesim: $(ls "$out/seeds" | wc -l) seeds, $(wc -l <"$out/scenario.dict") dictionary words in $out"
