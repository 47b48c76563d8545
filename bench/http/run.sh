#!/bin/sh
# The HTTP benchmark: relais against nginx serving the same bytes, in one run, on loopback.
#
#   sh bench/http/run.sh [path/to/relais]        (make bench)
#
# For each store (SQLite, then a private PostgreSQL): a demo database, relais on a loopback port, the
# exact bytes of GET /api/v1/structures/1 saved to a file that nginx serves at the same URL with the
# same content type; then wrk on nginx (static), relais (the JSON read by id) and relais (the page
# /structures/1, built from the database, as a logged-in admin). Prints a table, the ratio
# relais_json / nginx, and a Markdown block for bench/README.md; writes everything to bench/out/.
#
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (50), BENCH_THREADS (2), BENCH_STORES
# ("sqlite postgres"), RELAIS_THREADS (relais --threads; default: its own, the number of cores).
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$(cd "$(dirname "${1:-build/relais}")" && pwd)/$(basename "${1:-build/relais}")
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
STORES=${BENCH_STORES:-sqlite postgres}
PASSWORD='Mot-de-passe-du-banc-2024'

for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make build)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/relais-bench.XXXXXX")
chmod 755 "$tmp"
pids=""
nginx_confs=""
cleanup() {
    for p in $nginx_confs; do nginx -p "$p" -c "$p/nginx.conf" -e "$p/error.log" -s stop 2>/dev/null || true; done
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    sh "$ROOT/tests/pg.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/out
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="bench/out/http-$stamp"
results="$out.tsv"
printf 'store\ttarget\turl\treq_per_s\tp50_ms\tp99_ms\terrors\n' >"$results"

# A free loopback port, for nginx (relais picks its own with --port 0).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Milliseconds from wrk's "1.23ms" / "456.00us" / "1.02s".
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
        printf "%.3f", n
    }'
}

# bench_one STORE TARGET URL [wrk options...]: one wrk run, one line of results.
bench_one() {
    store=$1 target=$2 url=$3
    shift 3
    log="$out-$store-$target.wrk.txt"
    echo "--- $store $target: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
    timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$log" 2>&1 ||
        { cat "$log"; echo "bench: wrk failed" >&2; exit 1; }
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
    errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }' "$log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$store" "$target" "$url" "$rps" "$p50" "$p99" "$errors" >>"$results"
    echo "    $rps req/s, p50 $p50 ms, p99 $p99 ms, $errors errors"
}

# Starts relais on DB; sets relais_pid and relais_base once the listening line is printed.
# Its stdout is a FIFO held open on descriptor 3: the first line is the readiness signal.
start_relais() {
    db=$1 name=$2
    fifo="$tmp/$name.out"
    mkfifo "$fifo"
    set -- serve --database "$db" --bind 127.0.0.1 --port 0 --data-dir "$tmp/data-$name" --web-dir "$ROOT/web/dist"
    [ -n "${RELAIS_THREADS:-}" ] && set -- "$@" --threads "$RELAIS_THREADS"
    # Like nginx here, no access log (relais writes one line per request to stderr by default).
    if "$BIN" serve --help 2>/dev/null | grep -q -- --no-access-log; then set -- "$@" --no-access-log; fi
    mkdir -p "$tmp/data-$name"
    "$BIN" "$@" >"$fifo" 2>"$out-$name.relais.log" &
    relais_pid=$!
    pids="$pids $relais_pid"
    exec 3<"$fifo"
    # read(1) takes one byte at a time from a pipe, so nothing after the line is consumed; the
    # timeout keeps a server that never says it listens from hanging the benchmark.
    line=$(timeout 60 sh -c 'IFS= read -r l; printf "%s" "$l"' <&3 || true)
    case "$line" in
    "relais: listening on http://127.0.0.1:"*) relais_base=${line#relais: listening on } ;;
    *) echo "bench: relais did not start: $line" >&2; cat "$out-$name.relais.log" >&2; exit 1 ;;
    esac
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

for store in $STORES; do
    echo "=== $store"
    case "$store" in
    sqlite) db="sqlite:$tmp/relais.db" ;;
    postgres)
        db=$(sh tests/pg.sh start "$tmp/pg")
        ;;
    *) echo "bench: unknown store $store" >&2; exit 2 ;;
    esac
    "$BIN" migrate --database "$db" >/dev/null
    "$BIN" demo --database "$db" >"$out-$store.demo.log" 2>&1 ||
        { cat "$out-$store.demo.log"; echo "bench: relais demo failed" >&2; exit 1; }
    printf '%s\n' "$PASSWORD" | "$BIN" user create --database "$db" --email "banc-$store@example.org" \
        --name "Banc d'essai" --password-stdin --role admin >/dev/null

    start_relais "$db" "$store"
    echo "relais on $relais_base"

    # The bytes of the JSON read, and its content type.
    www="$tmp/www-$store"
    mkdir -p "$www/api/v1/structures"
    code=$(curl -s -o "$www/api/v1/structures/1" -D "$tmp/headers" -w '%{http_code}' "$relais_base/api/v1/structures/1")
    [ "$code" = 200 ] || { echo "bench: GET /api/v1/structures/1 answered $code" >&2; exit 1; }
    ctype=$(awk 'tolower($1) == "content-type:" { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print }' "$tmp/headers")
    bytes=$(wc -c <"$www/api/v1/structures/1")
    echo "GET /api/v1/structures/1: $bytes bytes, $ctype"

    # A session for the page (/structures/1 may need one): log in through the form.
    jar="$tmp/jar-$store"
    token=$(curl -s -c "$jar" "$relais_base/connexion" |
        sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p; s/.*value="\([^"]*\)"[^>]*name="_csrf".*/\1/p' | head -n 1)
    code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
        --data-urlencode "_csrf=$token" --data-urlencode "email=banc-$store@example.org" \
        --data-urlencode "password=$PASSWORD" "$relais_base/connexion")
    session=$(awk '$6 == "relais_session" { print $7 }' "$jar")
    [ "$code" = 303 ] && [ -n "$session" ] || { echo "bench: login failed ($code)" >&2; exit 1; }
    code=$(curl -s -o "$tmp/page.html" -w '%{http_code}' -H "Cookie: relais_session=$session" "$relais_base/structures/1")
    [ "$code" = 200 ] || { echo "bench: GET /structures/1 answered $code" >&2; exit 1; }
    echo "GET /structures/1: $(wc -c <"$tmp/page.html") bytes"

    # nginx with its own prefix, on another loopback port, serving the same bytes.
    prefix="$tmp/nginx-$store"
    mkdir -p "$prefix"
    port=$(free_port)
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@ROOT@|$www|g" -e "s|@PORT@|$port|g" \
        -e "s|@CONTENT_TYPE@|$ctype|g" -e "s|@WORKERS@|$(nproc)|g" bench/http/nginx.conf.in >"$prefix/nginx.conf"
    # nginx daemonizes once its listening socket is bound: its exit is the readiness signal.
    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" ||
        { cat "$prefix/error.log" >&2; echo "bench: nginx did not start" >&2; exit 1; }
    nginx_confs="$nginx_confs $prefix"
    curl -s "http://127.0.0.1:$port/api/v1/structures/1" | cmp -s - "$www/api/v1/structures/1" ||
        { echo "bench: nginx does not serve the same bytes" >&2; exit 1; }

    bench_one "$store" nginx-static "http://127.0.0.1:$port/api/v1/structures/1"
    bench_one "$store" relais-json "$relais_base/api/v1/structures/1"
    bench_one "$store" relais-page "$relais_base/structures/1" -H "Cookie: relais_session=$session"

    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -s quit
    stop_pid "$relais_pid"
    exec 3<&-
    [ "$store" = postgres ] && sh tests/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true
done

# The table, the ratio, the Markdown block.
md="$out.md"
{
    echo "HTTP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),"
    echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine (loopback), $("$BIN" version 2>/dev/null | head -n 1), $(nginx -v 2>&1 | sed 's/.*: //')."
    echo
    echo "| store | target | req/s | p50 (ms) | p99 (ms) | errors |"
    echo "|---|---|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 { printf "| %s | %s | %.0f | %s | %s | %s |\n", $1, $2, $4, $5, $6, $7 }' "$results"
    echo
    awk -F'\t' 'NR > 1 { r[$1 "/" $2] = $4; s[$1] = 1 }
        END { for (k in s) if (r[k "/nginx-static"] > 0)
            printf "- %s: relais_json / nginx = %.2f; relais_page / nginx = %.2f\n", k,
                r[k "/relais-json"] / r[k "/nginx-static"], r[k "/relais-page"] / r[k "/nginx-static"] }' "$results"
} >"$md"
cp "$md" bench/out/http-latest.md
echo
echo "Results: $results, $md"
echo
echo '```markdown'
cat "$md"
echo '```'
# A run with failed requests is not a result.
awk -F'\t' 'NR > 1 && $7 > 0 { bad = 1; print "bench: " $1 " " $2 ": " $7 " failed requests" > "/dev/stderr" } END { exit bad }' "$results"
