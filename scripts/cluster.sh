#!/usr/bin/env bash
# A throwaway local cluster run by the postgres user (initdb refuses root).
#   cluster.sh start NAME PORT   create if needed, start if not running
#   cluster.sh stop NAME
# Data in $BUILD/NAME/data, socket in /tmp/regecon-NAME (short: socket paths
# are limited to 107 bytes), listening on no TCP address. pg_cron is preloaded
# when installed (its metadata in the postgres database; jobs run as
# background workers, so they need no TCP connection). The cluster is of
# PostgreSQL $PG_MAJOR (env.sh); from 16 on NAME gets the version as a suffix
# (test18): clusters of two versions never share a directory or socket.
# CLUSTER_PRELOAD replaces that preload list (test-citus.sh: citus), and
# CLUSTER_OPTS adds server options.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
cmd=$1 name=$2$PG_SUFFIX port=${3:-}
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
    if [ -n "${CLUSTER_PRELOAD:-}" ]; then
        opts+=" -c shared_preload_libraries=$CLUSTER_PRELOAD"
    elif [ -f "$("$PG_CONFIG" --pkglibdir)/pg_cron.so" ]; then
        opts+=" -c shared_preload_libraries=pg_cron -c cron.database_name=postgres"
        opts+=" -c cron.use_background_workers=on -c max_worker_processes=16"
    fi
    opts+=" ${CLUSTER_OPTS:-}"
    if ! pgctl status >/dev/null 2>&1; then
        # the port's socket lock names the postmaster that holds it: another
        # checkout's cluster of the same name, typically
        lock="$sock/.s.PGSQL.$port.lock"
        if [ -f "$lock" ]; then
            pid=$(sed -n 1p "$lock"); other=$(sed -n 2p "$lock")
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$other" != "$dir/data" ]; then
                echo "cluster $name: port $port (socket $sock) is held by another PostgreSQL (pid $pid, data $other)," >&2
                echo "  probably the $name cluster of another checkout. Stop it (make stop in that checkout, or" >&2
                echo "  runuser -u postgres -- $PGBIN/pg_ctl -D $other stop), or use another port: make ${2} ${2^^}_PORT=NNNNN" >&2
                exit 1
            fi
        fi
        if ! pgctl -l "$dir/server.log" -w -o "$opts" start >/dev/null; then
            echo "cluster $name: the server did not start; the end of $dir/server.log:" >&2
            tail -n 15 "$dir/server.log" >&2
            exit 1
        fi
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
