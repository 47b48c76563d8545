#!/bin/sh
# `make run`: creates relais.db with the demo when it does not exist, then serves Relais on
# http://127.0.0.1:8080 (RELAIS_PORT and RELAIS_DATABASE_URL change that).
set -eu
bin=${1:-build/relais}
cd "$(dirname "$0")/.."
db=${RELAIS_DATABASE_URL:-sqlite:relais.db}
case "$db" in
sqlite:*)
    file=${db#sqlite:}
    if [ ! -f "$file" ]; then
        echo "run: creating $file with the demo data"
        "$bin" demo --database "$db"
    fi
    ;;
esac
mkdir -p data
echo "run: demo accounts are listed in README.md (password relais-demo-2026)"
exec "$bin" serve --database "$db" --port "${RELAIS_PORT:-8080}"
