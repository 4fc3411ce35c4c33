#!/usr/bin/env bash
# pg_dump / pg_restore of a database holding the paper's pipeline (every
# stage a materialized view over regecon's functions and aggregates), in the
# custom and the plain format: the restore must leave every materialized view
# populated with the same contents. pg_restore and psql restoring a plain dump
# run the views' queries with an empty search_path, so this fails if any
# regecon function finds an object by name through the caller's path.
# The extension is created in its own schema (stats) here, so the restored
# views also prove that nothing assumes the public schema.
#   test-dump-restore.sh SOCKET_DIR PORT
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
sock=$1 port=$2
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"; }
dump="$BUILD/dump-restore"
rm -rf "$dump"; install -d -o postgres "$dump"
for db in dr_source dr_custom dr_plain; do
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
    psql_ -d postgres -c "CREATE DATABASE $db"
done
cd "$REPO"
psql_ -d dr_source -c "CREATE SCHEMA stats" -c "CREATE EXTENSION regecon SCHEMA stats" \
    -c "ALTER DATABASE dr_source SET search_path = public, stats"
# a fresh connection picks up the database's search_path
PGOPTIONS='-c client_min_messages=warning' psql_ -d dr_source \
    -f sql/china/01_schema.sql -f sql/china/02_load_sample.sql -f sql/china/03_pipeline.sql >/dev/null

# one line per materialized view: populated, rows and an md5 of its sorted rows
fingerprint() {
    # (a temporary function, not query_to_xml: PostgreSQL may be built without libxml)
    psql_ -At -d "$1" -c "
        CREATE FUNCTION pg_temp.fingerprint(v regclass) RETURNS text LANGUAGE plpgsql AS \$\$
        DECLARE r text;
        BEGIN
            EXECUTE format('SELECT count(*) || '':'' || md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) FROM %s t', v)
                INTO r;
            RETURN r;
        END \$\$" -c "
        SELECT c.oid::regclass::text, m.ispopulated, pg_temp.fingerprint(c.oid::regclass)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_matviews m
          ON m.schemaname = c.relnamespace::regnamespace::text AND m.matviewname = c.relname
        WHERE c.relkind = 'm' ORDER BY 1"
}
fingerprint dr_source >"$dump/source.txt"
views=$(wc -l <"$dump/source.txt")
if ((views < 10)) || grep -q '|f|' "$dump/source.txt"; then
    echo "FAIL dump/restore: the source database should hold 10 populated materialized views:"; cat "$dump/source.txt"; exit 1
fi

runuser -u postgres -- "$PGBIN/pg_dump" -h "$sock" -p "$port" -U postgres -Fc -f "$dump/source.dump" dr_source
runuser -u postgres -- "$PGBIN/pg_dump" -h "$sock" -p "$port" -U postgres -Fp -f "$dump/source.sql" dr_source
# custom format through pg_restore; plain format through psql, as users do.
# Any error fails the restore (pg_restore --exit-on-error, psql ON_ERROR_STOP).
runuser -u postgres -- "$PGBIN/pg_restore" -h "$sock" -p "$port" -U postgres --exit-on-error -d dr_custom "$dump/source.dump"
psql_ -d dr_plain -f "$dump/source.sql" >/dev/null

fail=0
for db in dr_custom dr_plain; do
    fingerprint "$db" >"$dump/$db.txt"
    if diff -u "$dump/source.txt" "$dump/$db.txt"; then
        echo "ok dump/restore ($db): $views materialized views populated, contents identical"
    else
        echo "FAIL dump/restore ($db): the restored views differ from the source (diff above)"; fail=1
    fi
done
for db in dr_source dr_custom dr_plain; do psql_ -d postgres -c "DROP DATABASE $db"; done
exit $fail
