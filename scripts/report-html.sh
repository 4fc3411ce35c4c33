#!/usr/bin/env bash
# Writes the study's HTML report (sql/china/06_report.sql) from a database
# where the pipeline ran:  report-html.sh OUT_HTML SOCKET_DIR PORT DB
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
out=$1 sock=$2 port=$3 db=$4
mkdir -p "$(dirname "$out")"
cd "$REPO"
psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$db" -f sql/china/06_report.sql -o "$out"
echo "report: $out ($(wc -c <"$out") bytes, self-contained: open it in any browser)"
