#!/usr/bin/env bash
# regecon on a local Citus cluster: a coordinator and two workers on unix
# sockets, with throwaway data directories, then the tests of tests/citus
# (pg_regress), then the cluster is stopped and removed.
#   test-citus.sh PORT      coordinator on PORT, workers on PORT+1 and PORT+2
#   test-citus.sh PORT bench  the same cluster, then bench/citus/*.sql instead of
#                           the tests (BENCH_CITUS_UNITS units x 10 rows, default 10^6)
# CITUS_KEEP=1 leaves the cluster running after the tests (for a look with
# psql -h /tmp/regecon-citus-coord -p PORT regecon_citus); `scripts/cluster.sh
# stop citus-coord` (and citus-w1, citus-w2) stops it.
# Needs Citus built and installed (scripts/build-citus.sh; make test-citus does
# both) and regecon installed (make install). Run it under the shared lock.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1
db=regecon_citus
nodes=(citus-coord citus-w1 citus-w2)
ports=("$port" $((port + 1)) $((port + 2)))
sock() { printf /tmp/regecon-%s "$1"; }
psql_() { local n=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h "$(sock "${nodes[$n]}")" -p "${ports[$n]}" -U postgres "$@"; }

stop_all() {
    local n
    for n in "${nodes[@]}"; do
        "$REPO/scripts/cluster.sh" stop "$n" || true
        rm -rf "${BUILD:?}/$n"
    done
}
[ "${CITUS_KEEP:-}" = 1 ] || trap stop_all EXIT

step "Citus cluster: coordinator on port ${ports[0]}, workers on ${ports[1]} and ${ports[2]} (unix sockets)"
for i in 0 1 2; do
    n=${nodes[$i]}
    "$REPO/scripts/cluster.sh" stop "$n"
    rm -rf "${BUILD:?}/$n"
    # citus.local_hostname: how a node reaches itself (no TCP here)
    CLUSTER_PRELOAD=citus CLUSTER_OPTS="-c citus.local_hostname=$(sock "$n") -c max_connections=200" \
        "$REPO/scripts/cluster.sh" start "$n" "${ports[$i]}"
    psql_ "$i" -d postgres -c "CREATE DATABASE $db"
    PGOPTIONS='-c client_min_messages=warning' psql_ "$i" -d "$db" -c "CREATE EXTENSION citus"
done
psql_ 0 -d "$db" \
    -c "SELECT citus_set_coordinator_host('$(sock "${nodes[0]}")', ${ports[0]})" \
    -c "SELECT citus_add_node('$(sock "${nodes[1]}")', ${ports[1]})" \
    -c "SELECT citus_add_node('$(sock "${nodes[2]}")', ${ports[2]})" >/dev/null
psql_ 0 -d "$db" -At -c "SELECT 'citus ' || extversion FROM pg_extension WHERE extname = 'citus'" \
    -c "SELECT count(*) || ' worker nodes' FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0"

if [ "${2:-}" = bench ]; then
    for f in "$REPO"/bench/citus/*.sql; do
        step "bench/citus/$(basename "$f") on the coordinator and two workers"
        psql_ 0 -d "$db" -v ON_ERROR_STOP=1 -v units="${BENCH_CITUS_UNITS:-1000000}" -f "$f"
    done
    exit 0
fi

step "Citus tests (pg_regress, tests/citus)"
out=$BUILD/citus-regress
rm -rf "$out"; mkdir -p "$out"
tests=$(cd "$REPO/tests/citus/sql" && ls -1 *.sql | sed 's/\.sql$//' | tr '\n' ' ')
cd "$REPO"   # tests read the shipped data by paths relative to the repository
if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --host="$(sock "${nodes[0]}")" --port="${ports[0]}" --user=postgres --dbname="$db" --use-existing \
        --inputdir=tests/citus --outputdir="$out" $tests; then
    echo "--- regression.diffs:"; head -300 "$out/regression.diffs" 2>/dev/null
    exit 1
fi
