#!/bin/sh
# In-process search benchmark: 100,000 lieux, proximity + filters + open now. Prints p50/p99.
# Usage: sh bench/lieux/search.sh [N] [QUERIES]   (after make build)
set -eu
cd "$(dirname "$0")/../.."
out=bench/out
mkdir -p "$out"
CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -g -Isrc -Ibuild/gen -include src/core/prelude.h $(pkg-config --cflags jansson sqlite3 libpq libutf8proc)"
LIBS="build/librelais.a $(pkg-config --libs libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf fontconfig) -lcsv -lm -pthread"
make -s build/librelais.a
cc $CFLAGS -o "$out/search_bench" bench/lieux/search_bench.c $LIBS
db="$out/search-bench.db"
rm -f "$db" "$db-wal" "$db-shm"
"$out/search_bench" "sqlite:$db" "${1:-100000}" "${2:-20000}"
# KEEP_DB=1 leaves the database for the HTTP benchmark (bench/lieux/http.sh).
[ "${KEEP_DB:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
