#!/bin/sh
# Statistics benchmark of the activité module (bench/README.md, section « Activité »).
#   sh bench/activite/run.sh [CRAS] [DEPARTEMENTS] [MEDIATEURS]
# Defaults: 1,000,000 CRAs, 10 départements, 400 médiateurs: the density of one département in the
# issue's 10,000,000 / 100 / 4,000 (BENCH_CRAS=10000000 BENCH_DEPS=100 BENCH_MEDS=4000 for the
# full size). For each store (SQLite, then a private PostgreSQL from tests/pg.sh): generate, count
# (activite_aggregates_rebuild), then the dashboard of one département over 12 months with every
# breakdown: from the counters (BENCH_RUNS runs), by plain GROUP BY on the raw rows (the peer,
# BENCH_RAW_RUNS runs) and by Relais's raw engine (what a filter that crosses dimensions costs).
# Then recording one CRA and reading the dashboard through HTTP, and the server's peak RSS
# (bench/activite/record.sh).
set -eu
cd "$(dirname "$0")/../.."
CRAS=${1:-${BENCH_CRAS:-1000000}}
DEPS=${2:-${BENCH_DEPS:-10}}
MEDS=${3:-${BENCH_MEDS:-400}}
RUNS=${BENCH_RUNS:-200}
RAW_RUNS=${BENCH_RAW_RUNS:-20}
STORES=${BENCH_STORES:-sqlite postgres}
out=bench/out
mkdir -p "$out"
chmod 755 "$out"
CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Isrc -Ibuild/gen -include src/core/prelude.h $(pkg-config --cflags jansson sqlite3 libpq libutf8proc)"
LIBS="build/librelais.a $(pkg-config --libs libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf xlsxwriter) -lcsv -lm -pthread"
make -s build/librelais.a build/relais
cc $CFLAGS -o "$out/stats_bench" bench/activite/stats_bench.c $LIBS

pgdir=$(mktemp -d /tmp/relais-bench-pg.XXXXXX)
chmod 755 "$pgdir"
cleanup() { sh tests/pg.sh stop "$pgdir/pg" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap cleanup EXIT INT TERM

report="$out/activite-$(date -u +%Y%m%dT%H%M%S).txt"
{
    echo "Activité statistics benchmark, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores ($(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -n 1))"
    echo "$CRAS CRAs, $DEPS départements, $MEDS médiateurs, 36 months; dashboard of one département over 12 months"
} | tee "$report"
for store in $STORES; do
    if [ "$store" = sqlite ]; then
        db="$out/activite-bench.db"
        rm -f "$db" "$db-wal" "$db-shm"
        url="sqlite:$db"
    else
        url=$(sh tests/pg.sh start "$pgdir/pg")
    fi
    /usr/bin/time -f "$store generate: max RSS %M KiB, %e s" "$out/stats_bench" "$url" generate "$CRAS" "$DEPS" "$MEDS" 2>&1 | grep -v ' info ' | tee -a "$report"
    "$out/stats_bench" "$url" measure "$RUNS" 2>/dev/null | tee -a "$report"
    "$out/stats_bench" "$url" measure "$RAW_RUNS" plain 2>/dev/null | tee -a "$report"
    "$out/stats_bench" "$url" measure "$RAW_RUNS" raw 2>/dev/null | tee -a "$report"
    BENCH_CONNECTIONS=1 sh bench/activite/record.sh "$url" 2>&1 | tee -a "$report"
    [ "$store" = sqlite ] && [ "${KEEP_DB:-0}" != 1 ] && rm -f "$db" "$db-wal" "$db-shm"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$report"
echo "report: $report"
