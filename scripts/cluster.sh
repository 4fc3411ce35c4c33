#!/usr/bin/env bash
# A throwaway local cluster run by the postgres user (initdb refuses root).
#   cluster.sh start NAME PORT   create if needed, start if not running
#   cluster.sh stop NAME
# Data in $BUILD/NAME/data, socket in /tmp/regecon-NAME (short: socket paths
# are limited to 107 bytes), listening on no TCP address. pg_cron is preloaded
# when installed (its metadata in the postgres database; jobs run as
# background workers, so they need no TCP connection).
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
cmd=$1 name=$2 port=${3:-}
dir=$BUILD/$name
sock=/tmp/regecon-$name
pgctl() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" "$@"; }
case $cmd in
start)
    install -d -o postgres -g postgres "$dir" "$sock"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres \
            --locale=C.UTF-8 -E UTF8 >"$dir/initdb.log"
    fi
    opts="-p $port -k $sock -c listen_addresses=''"
    if [ -f "$("$PG_CONFIG" --pkglibdir)/pg_cron.so" ]; then
        opts+=" -c shared_preload_libraries=pg_cron -c cron.database_name=postgres"
        opts+=" -c cron.use_background_workers=on -c max_worker_processes=16"
    fi
    if ! pgctl status >/dev/null 2>&1; then
        pgctl -l "$dir/server.log" -w -o "$opts" start >/dev/null
    fi
    echo "cluster $name: port $port, socket $sock, data $dir/data"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ] && pgctl status >/dev/null 2>&1; then
        pgctl -m fast stop >/dev/null
    fi
    ;;
*) echo "usage: $0 start NAME PORT | stop NAME" >&2; exit 2 ;;
esac
