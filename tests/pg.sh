#!/bin/sh
# A private PostgreSQL server for tests and benchmarks, on a Unix socket in a directory of its own, so
# that parallel runs never collide on a port.
#   tests/pg.sh start DIR   initdb + start; prints the connection URL on standard output
#   tests/pg.sh stop DIR    fast shutdown, then removes DIR
# initdb and postgres refuse to run as root: as root they run as the `postgres` user.
set -eu
cmd=${1:?usage: pg.sh start|stop DIR}
dir=${2:?usage: pg.sh start|stop DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
        runuser -u postgres -- test -x "$dir" ||
            { echo "pg.sh: user postgres cannot reach $dir (make its parents world-traversable)" >&2; exit 1; }
    fi
    chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U relais -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=on -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h "$dir" -U relais relais
    # The socket directory must be reachable by the (root) test process.
    chmod 755 "$dir"
    echo "postgresql:///relais?host=$dir&user=relais"
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg.sh start|stop DIR" >&2
    exit 2
    ;;
esac
