#!/usr/bin/env bash
# The #[pg_test] tests: cargo-pgrx starts its own Postgres, as user postgres.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
step "in-database tests (#[pg_test], cargo pgrx test)"
install -d -o postgres -g postgres "$BUILD/pgrx-test-data"
cd "$REPO"
cargo pgrx test "pg$PG_MAJOR" --runas postgres --pgdata "$BUILD/pgrx-test-data"
