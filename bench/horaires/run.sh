#!/bin/sh
# Opening hours: values parsed per second on the real corpus (every `horaires` value of
# ref/data/lieux, 2,558 strings), Relais (C, lieux/horaires.c) against opening_hours.js 3.15.0 in
# node, in one run, on the same values; and the parse rate of the corpus (parsed / total, and how
# many more have a suggestion that parses).
#   sh bench/horaires/run.sh            (builds build/librelais.a if needed)
# Environment: BENCH_SECONDS (per measure, 1 by default; 3 for the figures of bench/README.md).
# Writes bench/out/horaires-<time>.md and prints it.
set -eu
cd "$(dirname "$0")/../.."
OUT=bench/out
BIN=build/bench-horaires
mkdir -p "$OUT" "$BIN"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
export BENCH_SECONDS=${BENCH_SECONDS:-1}

make -s build/librelais.a
PKGS="libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf fontconfig"
cc -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Isrc -include src/core/prelude.h \
    -o $BIN/horaires_bench bench/horaires/horaires_bench.c \
    build/librelais.a $(pkg-config --libs $PKGS) -lcsv -lm -pthread

corpus=$OUT/horaires-corpus.txt
node -e '
const { realValues } = require("./tests/conformance/lib/horaires_corpus.js");
process.stdout.write(realValues().map((r) => r.value).join("\n") + "\n");
' >"$corpus"

set -- $($BIN/horaires_bench "$corpus")
n=$1 parsed=$2 suggested=$3 c_parse=$4 c_eval=$5
set -- $(node bench/horaires/oh_bench.js "$corpus")
js_parsed=$2 js_parse=$3 js_eval=$4

report=$OUT/horaires-$stamp.md
awk -v n="$n" -v p="$parsed" -v s="$suggested" -v jp="$js_parsed" -v cp="$c_parse" \
    -v ce="$c_eval" -v jsp="$js_parse" -v jse="$js_eval" -v secs="$BENCH_SECONDS" \
    -v cpu="$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)" \
    -v cores="$(nproc)" -v node="$(node --version)" -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" '
BEGIN {
    printf "Opening hours benchmark, %s, %s cores (%s), node %s, %s s per measure.\n\n", when, cores, cpu, node, secs
    printf "Corpus: %d real `horaires` values (ref/data/lieux: CNFS 2022, Charente, Nouvelle-Calédonie).\n\n", n
    printf "| parse rate | values | share |\n|---|---:|---:|\n"
    printf "| parsed by Relais | %d | %.2f %% |\n", p, 100 * p / n
    printf "| refused, with a suggestion that parses | %d | %.2f %% |\n", s, 100 * s / n
    printf "| parsed or fixed by the suggestion | %d | %.2f %% |\n", p + s, 100 * (p + s) / n
    printf "| parsed by opening_hours.js | %d | %.2f %% |\n\n", jp, 100 * jp / n
    printf "| measure | Relais (C) | opening_hours.js | ratio |\n|---|---:|---:|---:|\n"
    printf "| values parsed per second | %d | %d | %.1f |\n", cp, jsp, cp / jsp
    printf "| parse + state at one moment, per second | %d | %d | %.1f |\n", ce, jse, ce / jse
}' >"$report"
cat "$report"
