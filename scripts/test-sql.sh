#!/usr/bin/env bash
# SQL regression tests (tests/pg_regress) and the doc examples, on a throwaway
# cluster with the installed extension, of PostgreSQL $PG_MAJOR (env.sh).
# Tests that need PostGIS or pg_cron run where they are installed (Debian's
# 15; the PostgreSQL 18 of the wheel has neither): tests/pg_regress/needs
# names them.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1
"$REPO/scripts/cluster.sh" start test "$port"
trap '"$REPO/scripts/cluster.sh" stop test' EXIT
sock=/tmp/regecon-test$PG_SUFFIX
step "SQL regression tests (pg_regress, tests/pg_regress) on PostgreSQL $PG_MAJOR"
out=$BUILD/regress$PG_SUFFIX
rm -rf "$out"; mkdir -p "$out"
# bad_inputs_crash runs last: its cases may crash the server (each in a session of its own)
tests=$(cd "$REPO/tests/pg_regress/sql" && ls -1 *.sql | sed 's/\.sql$//' | grep -vx 'setup\|bad_inputs_crash' | tr '\n' ' ')
tests+=" bad_inputs_crash"
# leave out the tests whose extension this PostgreSQL lacks
while read -r t ext; do
    [[ -z "$t" || "$t" = \#* ]] && continue
    if [ ! -f "$("$PG_CONFIG" --sharedir)/extension/$ext.control" ]; then
        echo "  skipped: $t (needs $ext, not installed in PostgreSQL $PG_MAJOR)"
        tests=$(printf ' %s ' $tests | sed "s/ $t / /")
    fi
done <"$REPO/tests/pg_regress/needs"
cd "$REPO"   # tests read fixtures by paths relative to the repository
if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --bindir="$PGBIN" --host="$sock" --port="$port" --user=postgres --dbname=regecon_regress \
        --inputdir=tests/pg_regress --outputdir="$out" setup $tests; then
    echo "--- regression.diffs:"; cat "$out/regression.diffs" 2>/dev/null | head -200
    exit 1
fi
step "pg_dump/pg_restore of the pipeline's materialized views (custom and plain formats)"
"$REPO/scripts/test-dump-restore.sh" "$sock" "$port"
step "the README's function table is the catalogue's user-facing surface (scripts/check-surface.py)"
python3 "$REPO/scripts/check-surface.py" "$sock" "$port" regecon_regress
step "the checked-in SQL scripts are this build's (scripts/sql-scripts.py, docs/versions.md)"
python3 "$REPO/scripts/sql-scripts.py" check
step "ALTER EXTENSION regecon UPDATE from every older release, against a fresh install"
"$REPO/scripts/test-upgrade.sh" "$sock" "$port"
step "doc examples (docs/*.md)"
"$REPO/scripts/check-docs.sh" "$sock" "$port"
step "the study's HTML report renders in a headless browser (from the pipeline tests' database)"
"$REPO/scripts/report.sh" "$BUILD/test-report$PG_SUFFIX.html" "$sock" "$port" regecon_regress
"$REPO/scripts/check-report.sh" "$BUILD/test-report$PG_SUFFIX.html"
step "SQL fuzzer, bounded run (scripts/fuzz.py; make fuzz runs it longer)"
python3 "$REPO/scripts/fuzz.py" --host "$sock" --port "$port" --db regecon_fuzz \
    --seconds "${FUZZ_TEST_SECONDS:-110}" --seed "${FUZZ_SEED:-1}" --log "$BUILD/test$PG_SUFFIX/server.log"
