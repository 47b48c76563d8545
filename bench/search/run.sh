#!/bin/sh
# Search benchmark: Relais's index against SQLite FTS5 and two PostgreSQL methods (La Base's
# unaccent + pg_trgm, and full-text search with a french + unaccent configuration), on a corpus of
# 100,000 French documents and the same queries, in one run. See bench/README.md, "Search".
# Usage: sh bench/search/run.sh [QUERIES] [PG_QUERIES]   (after make build; defaults 2000 and 50,
# about 10 minutes: La Base's method takes seconds per query)
# BENCH_STORES=sqlite leaves PostgreSQL out.
set -eu
cd "$(dirname "$0")/../.."
out=bench/out
mkdir -p "$out"
corpus="$out/search-corpus.tsv"
[ -f "$corpus" ] && [ "$corpus" -nt bench/search/corpus.js ] ||
    node bench/search/corpus.js "$corpus" "${BENCH_DOCS:-100000}"
CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -g -Isrc -Ibuild/gen -include src/core/prelude.h $(pkg-config --cflags sqlite3 libpq libutf8proc)"
LIBS="build/librelais.a $(pkg-config --libs libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf) -lcsv -lstemmer -lm -pthread"
make -s build/librelais.a
cc $CFLAGS -o "$out/search_bench" bench/search/search_bench.c $LIBS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/relais-search-bench.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    sh tests/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
url=-
case "${BENCH_STORES:-sqlite postgres}" in
*postgres*) url=$(sh tests/pg.sh start "$tmp/pg") ;;
esac
report="$out/search-$(date -u +%Y%m%d-%H%M).md"
"$out/search_bench" "$corpus" bench/search/relevance.tsv "$url" "${1:-2000}" "${2:-50}" | tee "$report"
echo "search bench: $report" >&2
