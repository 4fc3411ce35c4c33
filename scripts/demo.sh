#!/usr/bin/env bash
# make demo: a throwaway cluster of our own (reused when it is already up),
# a fresh database, and the example on the shipped data.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1
"$REPO/scripts/cluster.sh" start demo "$port"
sock=/tmp/regecon-demo
db=regecon_demo
PGOPTIONS='-c client_min_messages=warning' psql -X -q -h "$sock" -p "$port" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
step "example: examples/us_income.sql (48 US states, per-capita income 1929-2009)"
cd "$REPO"
start=$(date +%s%N)
psql -X -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$db" -f examples/us_income.sql
echo
echo "Ran in $(( ($(date +%s%N) - start) / 1000000 )) ms. The cluster keeps running for you to explore:"
echo "  psql -h $sock -p $port -U postgres $db"
echo "Stop it with: make stop"
