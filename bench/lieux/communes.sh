#!/bin/sh
# Benchmark of the communes table, autocompletion and coverage (bench/lieux/communes_bench.c).
# Usage, from anywhere: sh bench/lieux/communes.sh
# It links against build/librelais.a when `make build/librelais.a` succeeds, and otherwise compiles
# the few sources it needs into a temporary directory, so that it runs while other parts of the
# tree are being written. Output: one "metric value unit" line per figure, also saved in
# bench/out/communes-<UTC time>.txt.
set -eu
cd "$(dirname "$0")/../.."

CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Isrc -include src/core/prelude.h"
PKG_CFLAGS=$(pkg-config --cflags libutf8proc jansson)
PKG_LIBS=$(pkg-config --libs libutf8proc jansson)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/relais-bench-communes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if make -s build/librelais.a >"$tmp/make.log" 2>&1; then
    # shellcheck disable=SC2046
    cc $CFLAGS $PKG_CFLAGS -o "$tmp/bench" bench/lieux/communes_bench.c build/librelais.a \
        $(pkg-config --libs libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc \
            pangocairo cairo-pdf fontconfig) -lcsv -lm -pthread
    linked="build/librelais.a"
else
    srcs="src/lieux/communes.c src/lieux/geo.c src/lieux/couverture.c src/core/arena.c
          src/core/str.c src/core/buf.c src/core/log.c src/core/alloc.c src/core/err.c"
    # shellcheck disable=SC2086
    cc $CFLAGS $PKG_CFLAGS -o "$tmp/bench" bench/lieux/communes_bench.c $srcs $PKG_LIBS -lm
    linked="sources (make build/librelais.a failed)"
fi

mkdir -p bench/out
out="bench/out/communes-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "# communes bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, linked from $linked"
    "$tmp/bench"
} | tee "$out"
