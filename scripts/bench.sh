#!/usr/bin/env bash
# make bench: every benchmark in bench/, on a cluster of its own, each printing
# a ratio against a baseline timed in the same session.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1 reps=${BENCH_REPS:-5}
"$REPO/scripts/cluster.sh" start bench "$port"
sock=/tmp/regecon-bench$PG_SUFFIX
psql -X -q -h "$sock" -p "$port" -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'regecon_bench'" \
  | grep -q 1 || psql -X -q -h "$sock" -p "$port" -U postgres -d postgres -c "CREATE DATABASE regecon_bench"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), PostgreSQL $("$PG_CONFIG" --version | cut -d' ' -f2)"
for f in "$REPO"/bench/*.sql; do
    step "bench/$(basename "$f")"
    psql -X -v ON_ERROR_STOP=1 -v reps="$reps" -h "$sock" -p "$port" -U postgres -d regecon_bench -f "$f"
done
for f in "$REPO"/bench/*.sh; do
    step "bench/$(basename "$f")"
    "$f" "$sock" "$port" regecon_bench "$reps"
done
