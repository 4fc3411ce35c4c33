#!/usr/bin/env bash
# make demo: a throwaway cluster of our own (reused when it is already up,
# pg_cron preloaded), a fresh database, both shipped datasets, the paper's
# pipeline stage by stage, its tables in the terminal and an HTML report.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1
"$REPO/scripts/cluster.sh" start demo "$port"
sock=/tmp/regecon-demo$PG_SUFFIX
db=regecon_demo
psql_() { PGOPTIONS="-c client_min_messages=warning" psql -X -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"; }
PGOPTIONS='-c client_min_messages=warning' psql_ -q -d postgres \
    -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE database = '$db'" 2>/dev/null >/dev/null || true
PGOPTIONS='-c client_min_messages=warning' psql_ -q -d postgres \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
cd "$REPO"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

step "real data: examples/us_income.sql (48 US states, per-capita income 1929-2009)"
start=$(date +%s%N)
psql_ -d "$db" -f examples/us_income.sql
echo "(US example: $(ms "$start") ms)"

step "the paper's pipeline on the SYNTHETIC China yearbook (data/china_yearbook; generated, not official statistics)"
psql_ -q -d "$db" -f sql/china/01_schema.sql
psql_ -q -d "$db" -f sql/china/02_load_sample.sql
echo "  loaded: $(psql_ -At -d "$db" -c "SELECT count(*) || ' provinces, ' || (SELECT count(*) FROM china.yearbook) || ' province-years, ' || (SELECT count(*) FROM china.industry_employment) || ' industry rows' FROM china.provinces")"
# 03_pipeline.sql stage by stage in one session, timed by the server's clock
# (the file is split on its "-- Stage" comments, so the demo runs exactly it)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '/^-- Stage /{n++} {print > sprintf("%s/%02d.sql", dir, n)}' sql/china/03_pipeline.sql
labels=("" "2a resilience (Martin et al. 2016), national reference" "2b agglomeration: HHI of 27 industries"
        "2c CEDI with entropy weights" "3  coupling coordination D and classes"
        "4a spatial weights: KNN k=4 and distance band (great circle)" "4b Table 1: Moran's I per year, 999 permutations"
        "4c LISA clusters per year" "5a influencing factors" "5b Table 2: RE panel Tobit by region (GROUPING SETS)")
{
    echo "SELECT extract(epoch FROM clock_timestamp()) AS t_start \\gset"
    for f in "$tmp"/*.sql; do
        n=$((10#$(basename "$f" .sql)))
        ((n > 0)) || continue
        echo "SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset"
        echo "\\i $f"
        echo "SELECT format('  %-62s %6s ms', '${labels[$n]//\'/\'\'}', round((extract(epoch FROM clock_timestamp()) - :t0) * 1000));"
    done
    echo "SELECT format('  %-62s %6s ms', 'whole pipeline (SQL time)', round((extract(epoch FROM clock_timestamp()) - :t_start) * 1000)) AS total \\gset"
    echo "\\echo :total"
    echo "SELECT round((extract(epoch FROM clock_timestamp()) - :t_start) * 1000) AS pipeline_ms \\gset"
    echo "INSERT INTO china.run_info VALUES ('pipeline_ms', :'pipeline_ms');"
} >"$tmp/run.psql"
psql_ -q -At -d "$db" -f "$tmp/run.psql"
if [ -f "$("$PG_CONFIG" --sharedir)/extension/pg_cron.control" ]; then
    psql_ -q -d postgres -v pipeline_db="$db" -f sql/china/04_schedule.sql >/dev/null
    echo "  scheduled: china.refresh() daily at 06:15 with pg_cron ($(psql_ -At -d postgres -c "SELECT count(*) FROM cron.job WHERE jobname = 'regecon-china-refresh'") job)"
else
    echo "  not scheduled: PostgreSQL $PG_MAJOR here has no pg_cron (sql/china/04_schedule.sql)"
fi
psql_ -q -d "$db" -c "INSERT INTO china.run_info VALUES
    ('generated_at', to_char(now(), 'YYYY-MM-DD HH24:MI:SS TZ')),
    ('regecon_version', (SELECT extversion FROM pg_extension WHERE extname = 'regecon')),
    ('postgres_version', current_setting('server_version')),
    ('data', 'SYNTHETIC China yearbook sample, data/china_yearbook (seeded generator with planted coefficients)')"
psql_ -d "$db" -f sql/china/05_tables.sql

step "report"
"$REPO/scripts/report.sh" "$BUILD/report$PG_SUFFIX.html" "$sock" "$port" "$db"
"$REPO/scripts/check-report.sh" "$BUILD/report$PG_SUFFIX.html"
echo
echo "The cluster keeps running for you to explore:"
echo "  psql -h $sock -p $port -U postgres $db"
echo "Stop it with: make stop"
