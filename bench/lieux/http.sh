#!/bin/sh
# HTTP benchmark of the search API over 100,000 lieux: wrk with 20 connections on a mix of 600
# searches (bench/lieux/queries.lua). Prints requests per second and the latency distribution.
# Usage: sh bench/lieux/http.sh   (after make build; loopback only; stops what it starts)
set -eu
cd "$(dirname "$0")/../.."
out=bench/out
KEEP_DB=1 sh bench/lieux/search.sh 100000 1 >/dev/null
db="$out/search-bench.db"
log="$out/lieux-http.relais.log"
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp" "$db" "$db-wal" "$db-shm"; }
trap cleanup EXIT INT TERM
mkfifo "$tmp/ready"
build/relais serve --database "sqlite:$db" --port 0 --no-access-log --data-dir "$tmp" >"$tmp/ready" 2>"$log" &
pid=$!
read -r line <"$tmp/ready"
port=${line##*:}
# The index is built at start; a first request checks that the API answers.
curl -fsS "http://127.0.0.1:$port/api/v1/lieux?commune=laval&rayon=30&limite=1" >/dev/null
echo "relais on port $port, 100,000 lieux; wrk -t2 -c20 -d${BENCH_DURATION:-10s} --latency"
wrk -t2 -c20 -d"${BENCH_DURATION:-10s}" --latency -s bench/lieux/queries.lua "http://127.0.0.1:$port" |
    tee "$out/lieux-http.wrk.txt" | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|75|90|99)%"
