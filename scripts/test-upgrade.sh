#!/usr/bin/env bash
# ALTER EXTENSION regecon UPDATE from every older release kept in
# sql/extension (0.1.0 and 0.2.0, and the interim 0.1.0 of
# sql/extension/variants) to the current one, through the chain of upgrade
# scripts PostgreSQL finds (0.1.0 -> 0.2.0 -> 0.3.0), on a database that holds
# what users keep: weights tables, stored tobit_fit values, views and
# materialized views over the changed functions. Checks that
#   - the update runs and keeps every object (views refresh, old fits read),
#   - the catalogue then equals a fresh install's (functions with their
#     arguments, defaults, results, volatility, strictness, parallel safety,
#     sources and comments; aggregates with their support functions; result
#     types with their fields in order),
#   - the same queries give the same results as on a fresh install,
#   - the updated database dumps and restores into a fresh install.
#   test-upgrade.sh SOCKET PORT
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
sock=$1 port=$2
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"; }
tmp=$(mktemp -d)
ext=$("$PG_CONFIG" --sharedir)/extension
current=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -1)
# the older releases (each install script but the current one's), then the
# variants (builds that shipped under a release's version with another
# surface, sql/extension/variants): each is installed for this test only, as
# version RELEASE-COMMIT, with a copy of its release's upgrade script
olds=()
for script in "$REPO"/sql/extension/regecon--*.sql; do
    v=$(basename "$script" .sql | sed 's/^regecon--//')
    [[ $v == *--* || $v == "$current" ]] || olds+=("$v")
done
installed=()
trap 'rm -rf "$tmp"; rm -f "${installed[@]}"' EXIT
for variant in "$REPO"/sql/extension/variants/regecon--*.sql; do
    [ -e "$variant" ] || continue
    v=$(basename "$variant" .sql | sed 's/^regecon--//')
    cp "$variant" "$ext/regecon--$v.sql"
    installed+=("$ext/regecon--$v.sql")
    for up in "$REPO/sql/extension/regecon--${v%%-*}--"*.sql; do
        to=$(basename "$up" .sql | sed 's/^regecon--[^-]*--//')
        cp "$up" "$ext/regecon--$v--$to.sql"
        installed+=("$ext/regecon--$v--$to.sql")
    done
    olds+=("$v")
done
fail=0
for old in "${olds[@]}"; do
    for db in upgraded fresh restored; do
        PGOPTIONS='-c client_min_messages=warning' psql_ -d postgres -c "DROP DATABASE IF EXISTS regecon_$db" -c "CREATE DATABASE regecon_$db"
    done
    # what a user of the old release has: the extension in a schema of its own
    psql_ -d regecon_upgraded <<SQL
SET client_min_messages = warning;
CREATE SCHEMA stats;
CREATE EXTENSION regecon SCHEMA stats VERSION '$old';
ALTER DATABASE regecon_upgraded SET search_path = public, stats;
SQL
    psql_ -d regecon_upgraded -f "$REPO/tests/upgrade/user_objects.sql" >/dev/null
    psql_ -d regecon_upgraded -c "ALTER EXTENSION regecon UPDATE TO '$current'"
    psql_ -d regecon_fresh <<SQL
SET client_min_messages = warning;
CREATE SCHEMA stats;
CREATE EXTENSION regecon SCHEMA stats;
ALTER DATABASE regecon_fresh SET search_path = public, stats;
SQL
    psql_ -d regecon_fresh -f "$REPO/tests/upgrade/user_objects.sql" >/dev/null
    for db in upgraded fresh; do
        psql_ -d regecon_$db -A -t -f "$REPO/tests/upgrade/catalogue.sql" >"$tmp/catalogue.$db"
        # every query, errors included: the comparison below reports them
        psql_ -v ON_ERROR_STOP=0 -d regecon_$db -f "$REPO/tests/upgrade/after.sql" >"$tmp/after.$db" 2>&1
    done
    # the old views now call the deprecated 0.1.0 forms, kept for them (the
    # variants and later releases already had the 0.2.0 forms: their views
    # keep the plain names)
    [ "$old" != 0.1.0 ] || for v in v_coef:tobit_coefficients_0_1 v_summary:tobit_summary_0_1 mv_lisa:local_moran_0_1; do
        if ! psql_ -d regecon_upgraded -A -t -c "SELECT pg_get_viewdef('${v%%:*}'::regclass)" | grep -q "${v#*:}"; then
            echo "FAIL $old -> $current: ${v%%:*} does not call ${v#*:} after the update"; fail=1
        fi
    done
    version=$(psql_ -d regecon_upgraded -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'regecon'")
    if [ "$version" != "$current" ]; then
        echo "FAIL $old -> $current: the updated extension reports version $version"; fail=1
    fi
    if ! diff -u "$tmp/catalogue.fresh" "$tmp/catalogue.upgraded" >"$tmp/catalogue.diff"; then
        echo "FAIL $old -> $current: the catalogue differs from a fresh install's:"; head -60 "$tmp/catalogue.diff"; fail=1
    fi
    # the results, except what names the deprecated functions the old views use
    if ! diff -u <(grep -v _0_1 "$tmp/after.fresh") <(grep -v _0_1 "$tmp/after.upgraded") >"$tmp/after.diff"; then
        echo "FAIL $old -> $current: results differ from a fresh install's:"; head -60 "$tmp/after.diff"; fail=1
    fi
    if grep -q ERROR "$tmp/after.upgraded"; then
        echo "FAIL $old -> $current: errors after the update:"; grep ERROR "$tmp/after.upgraded" | head; fail=1
    fi
    # the updated database dumps and restores (its views name the _0_1 functions)
    "$PGBIN/pg_dump" -h "$sock" -p "$port" -U postgres --no-owner regecon_upgraded >"$tmp/dump.sql"
    psql_ -d regecon_restored -c "ALTER DATABASE regecon_restored SET search_path = public, stats"
    if ! psql_ -d regecon_restored -f "$tmp/dump.sql" >"$tmp/restore.log" 2>&1; then
        echo "FAIL $old -> $current: the updated database does not restore:"; tail -20 "$tmp/restore.log"; fail=1
    else
        psql_ -v ON_ERROR_STOP=0 -d regecon_restored -f "$REPO/tests/upgrade/after.sql" >"$tmp/after.restored" 2>&1
        if ! diff -u "$tmp/after.upgraded" "$tmp/after.restored" >"$tmp/restored.diff"; then
            echo "FAIL $old -> $current: results differ after dump and restore:"; head -40 "$tmp/restored.diff"; fail=1
        fi
    fi
    [ $fail = 0 ] && echo "upgrade $old -> $current: catalogue as a fresh install's ($(wc -l <"$tmp/catalogue.fresh") entries), $(grep -c . "$tmp/after.fresh") result lines identical, dump and restore ok"
done
exit $fail
