#!/usr/bin/env bash
# The #[pg_test] tests: cargo-pgrx starts its own Postgres, as user postgres.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
step "in-database tests (#[pg_test], cargo pgrx test) on PostgreSQL $PG_MAJOR"
data=$BUILD/pgrx-test-data$PG_SUFFIX
install -d -o postgres -g postgres "$data"
cd "$REPO"
cargo pgrx test "pg$PG_MAJOR" --runas postgres --pgdata "$data"
