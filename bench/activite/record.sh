#!/bin/sh
# Recording one CRA through HTTP on a database made by stats_bench (bench/activite/run.sh):
# `relais serve` on a loopback port, a médiateur signed in through the login form, then wrk POSTs
# /api/v1/activites (one CRA per request, BENCH_CONNECTIONS connections, BENCH_DURATION), then
# GET /api/v1/statistiques of one département over 12 months as an admin; prints p50/p99 and the
# server's peak resident memory (VmHWM).
#   sh bench/activite/record.sh DATABASE_URL
set -eu
cd "$(dirname "$0")/../.."
url=${1:?usage: record.sh DATABASE_URL}
conns=${BENCH_CONNECTIONS:-4}
dur=${BENCH_DURATION:-10s}
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
pw=bench-relais-2026-mot-de-passe
sid=$(build/relais structure create --database "$url" --name "Bench HTTP $$" --departement 01 2>/dev/null | grep -o '[0-9][0-9]*' | head -n 1)
printf '%s\n' "$pw" | build/relais user create --database "$url" --email "bench-med-$$@bench.relais.invalid" \
    --name "Médiatrice bench" --password-stdin --role mediateur --structure "$sid" --departement 01 >/dev/null 2>&1
printf '%s\n' "$pw" | build/relais user create --database "$url" --email "bench-admin-$$@bench.relais.invalid" \
    --name "Admin bench" --password-stdin --role admin >/dev/null 2>&1
mkfifo "$tmp/ready"
build/relais serve --database "$url" --port 0 --no-access-log --data-dir "$tmp" >"$tmp/ready" 2>"$tmp/relais.log" &
pid=$!
read -r line <"$tmp/ready"
port=${line##*:}
base="http://127.0.0.1:$port"

# Signs in through the form; prints "cookie csrf".
login() {
    jar="$tmp/jar-$1"
    form=$(curl -fsS -c "$jar" -b "$jar" "$base/connexion")
    token=$(printf '%s' "$form" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
    curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" \
        --data-urlencode "email=$2" --data-urlencode "password=$pw" "$base/connexion"
    session=$(awk '$6 == "relais_session" { print $7 }' "$jar")
    page=$(curl -fsS -b "$jar" "$base/compte")
    csrf=$(printf '%s' "$page" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
    echo "relais_session=$session $csrf"
}
set -- $(login med "bench-med-$$@bench.relais.invalid")
med_cookie=$1
med_csrf=$2
set -- $(login admin "bench-admin-$$@bench.relais.invalid")
admin_cookie=$1
store=${url%%:*}
echo "$store HTTP: POST /api/v1/activites, wrk -t1 -c$conns -d$dur"
RELAIS_COOKIE=$med_cookie RELAIS_CSRF=$med_csrf wrk -t1 -c"$conns" -d"$dur" --latency \
    -s bench/activite/record.lua "$base/api/v1/activites" |
    grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%"
echo "$store HTTP: GET /api/v1/statistiques (département 01, 2025), wrk -t1 -c$conns -d$dur"
RELAIS_COOKIE=$admin_cookie wrk -t1 -c"$conns" -d"$dur" --latency -s bench/activite/dashboard.lua "$base" |
    grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%"
echo "$store relais peak RSS: $(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)"
