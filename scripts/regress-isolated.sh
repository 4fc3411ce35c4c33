#!/usr/bin/env bash
# Runs one SQL statement in a session of its own and prints what psql prints
# (errors as bare SQLSTATEs), then waits until the server accepts connections
# again. tests/pg_regress/sql/bad_inputs_crash.sql calls it with \! for cases
# that crashed the server: pg_regress's own psql stays idle, so one crash does
# not end the file, and every case shows its outcome. Connection settings come
# from the environment pg_regress sets (PGHOST, PGPORT, PGUSER) and PGDATABASE
# (set by the test file).
set -uo pipefail
ready() {
    for _ in $(seq 1 120); do
        psql -X -q -A -t -c 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "regress-isolated: server not accepting connections" >&2
    return 1
}
ready
psql -X -q -v VERBOSITY=sqlstate -c '\set VERBOSITY sqlstate' -c "$1" 2>&1 |
    sed -e 's/^psql:[^:]*:[0-9]*: //' -e 's/^psql: //'
ready
