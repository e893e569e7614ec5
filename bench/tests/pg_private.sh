#!/bin/sh
# pg_private.sh start|stop DIR: a throwaway PostgreSQL 15 reachable only through the Unix
# socket DIR/.s.PGSQL.5432 (no TCP port, so nothing to collide with). Exit 77 = not installed.
set -e
cmd=$1
dir=$2
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || exit 77
as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
case "$cmd" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_pg "$bin/initdb -D $dir/data -A trust -U postgres >$dir/initdb.log 2>&1"
    as_pg "$bin/pg_ctl -D $dir/data -w -t 60 -l $dir/log -o \"-c listen_addresses= -k $dir -c max_connections=50 -c fsync=off\" start >/dev/null"
    ;;
stop)
    as_pg "$bin/pg_ctl -D $dir/data -m immediate -w stop >/dev/null" || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
