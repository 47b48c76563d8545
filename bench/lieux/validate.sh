#!/bin/sh
# Lieux: validation rows per second (parse, convert, validate; nothing stored), Relais against the
# npm library @gouvfr-anct/lieux-de-mediation-numerique 2.3.0 in node, on the same rows, in one run.
#   sh bench/lieux/validate.sh            (after make build/librelais.a, or it builds it)
# Files: the real v1 files (Charente, Nouvelle-Calédonie); the 2022 CNFS file and the France
# Services list (Relais reads the originals and converts them; node gets Relais's conversion as
# JSON, since the library reads only v1 rows); a 100,000-row set derived from all of them
# (jittered coordinates, keys shuffled; JSON, and the same rows as CSV for Relais).
# Writes bench/out/lieux-validate-<time>.{tsv,md} and prints the Markdown table.
# BENCH_BASELINE=COMMIT adds a column: the C side as it was at COMMIT (its src/, from git archive,
# with this harness), measured in the same run, so that a change is judged under the same load.
set -eu
cd "$(dirname "$0")/../.."
OUT=bench/out
BIN=build/bench-lieux
mkdir -p "$OUT" "$BIN"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
N=${BENCH_ROWS:-100000}
export BENCH_SECONDS=${BENCH_SECONDS:-1}
# wall (default), or cpu: the CPU time of each process, for a machine shared with other work
export BENCH_CLOCK=${BENCH_CLOCK:-wall}

load=$(cut -d' ' -f1-3 /proc/loadavg)
make -s build/librelais.a
PKGS="libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf fontconfig"
CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Isrc -include src/core/prelude.h"
LIBS="build/librelais.a $(pkg-config --libs $PKGS) -lcsv -lm -pthread"
cc $CFLAGS -o $BIN/validate_bench bench/lieux/validate_bench.c $LIBS
cc $CFLAGS -o $BIN/lieux-valider bench/lieux/validate_main.c $LIBS

D=ref/data/lieux
CH=$D/charente-2023-v1.json
NC=$D/nouvelle-caledonie-2023-v1.json
CNFS=$D/lieux-cnfs-national-2022-07.json
FS=$D/france-services-liste-fs-20221201.csv
CNFS1=$OUT/lieux-cnfs-2022-v1.json
FS1=$OUT/france-services-2022-v1.json
BIG=$OUT/lieux-$N.json
BIGCSV=$OUT/lieux-$N.csv
$BIN/lieux-valider --export json "$CNFS" >"$CNFS1" 2>/dev/null || true
$BIN/lieux-valider --export json "$FS" >"$FS1" 2>/dev/null || true
node bench/lieux/validate_gen.js "$BIG" "$N" "$CH" "$NC" "$CNFS1" "$FS1"
$BIN/lieux-valider --export csv "$BIG" >"$BIGCSV" 2>/dev/null || true

echo "relais (C)..." >&2
$BIN/validate_bench --seconds "$BENCH_SECONDS" "$CH" "$NC" "$CNFS" "$FS" "$BIG" "$BIGCSV" >"$OUT/lieux-validate-$stamp.relais.tsv"
if [ -n "${BENCH_BASELINE:-}" ]; then
    echo "relais at $BENCH_BASELINE (C)..." >&2
    base=$BIN/baseline
    rm -rf "$base"
    mkdir -p "$base"
    git archive "$BENCH_BASELINE" src | tar -x -C "$base"
    (cd "$base" && cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -include src/core/prelude.h \
        -o validate_bench "$OLDPWD/bench/lieux/validate_bench.c" \
        src/core/alloc.c src/core/arena.c src/core/buf.c src/core/err.c src/core/log.c src/core/str.c \
        src/lieux/lieu.c src/lieux/standard.c src/lieux/validate.c src/lieux/csvread.c \
        src/lieux/formats.c src/lieux/horaires.c src/lieux/geo.c src/lieux/communes.c \
        $(pkg-config --cflags --libs jansson libutf8proc) -lcsv -lm -pthread)
    $base/validate_bench --seconds "$BENCH_SECONDS" "$CH" "$NC" "$CNFS" "$FS" "$BIG" "$BIGCSV" >"$OUT/lieux-validate-$stamp.baseline.tsv"
fi
echo "npm (node $(node --version))..." >&2
node bench/lieux/validate_npm.js "$CH" "$NC" "$CNFS1" "$FS1" "$BIG" >"$OUT/lieux-validate-$stamp.npm.tsv"

# rate FILE TSV: the rows per second of a file
rate() { awk -F'\t' -v f="$1" '$1 == f { print $6 }' "$2"; }
rows() { awk -F'\t' -v f="$1" '$1 == f { print $2 " (" $3 " valid)" }' "$2"; }
R=$OUT/lieux-validate-$stamp.relais.tsv
M=$OUT/lieux-validate-$stamp.npm.tsv
P=$OUT/lieux-validate-$stamp.baseline.tsv
md=$OUT/lieux-validate-$stamp.md
{
    echo "Lieux validation, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores ($(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)),"
    echo "node $(node --version), @gouvfr-anct/lieux-de-mediation-numerique 2.3.0; ${BENCH_SECONDS} s per measure ($BENCH_CLOCK clock), one thread each;"
    echo "load average before the run: $load."
    echo
    if [ -f "$P" ]; then
        echo "| input | rows | relais at $BENCH_BASELINE rows/s | relais rows/s | npm rows/s | ratio before | ratio |"
        echo "|---|---:|---:|---:|---:|---:|---:|"
    else
        echo "| input | rows | relais rows/s | npm rows/s | ratio |"
        echo "|---|---:|---:|---:|---:|"
    fi
    line() { # label relais_file npm_file
        r=$(rate "$2" "$R"); m=$(rate "$3" "$M")
        ratio=$(awk -v r="$r" -v m="$m" 'BEGIN { printf "%.1f", r / m }')
        if [ -f "$P" ]; then
            b=$(rate "$2" "$P")
            printf '| %s | %s | %s | %s | %s | %s | **%s** |\n' "$1" "$(rows "$2" "$R")" "$b" "$r" "$m" \
                "$(awk -v r="$b" -v m="$m" 'BEGIN { printf "%.1f", r / m }')" "$ratio"
        else
            printf '| %s | %s | %s | %s | **%s** |\n' "$1" "$(rows "$2" "$R")" "$r" "$m" "$ratio"
        fi
    }
    line "Charente v1 (JSON)" "$CH" "$CH"
    line "Nouvelle-Calédonie v1 (JSON)" "$NC" "$NC"
    line "CNFS 2022, v0 JSON (npm: converted)" "$CNFS" "$CNFS1"
    line "France Services 2022, CSV (npm: converted JSON)" "$FS" "$FS1"
    line "$N rows, JSON" "$BIG" "$BIG"
    line "$N rows, CSV (npm: the JSON)" "$BIGCSV" "$BIG"
} >"$md"
cat "$md"
