#!/usr/bin/env bash
# Write the HTML report of the paper's study from the pipeline's views:
#   scripts/report.sh OUT_HTML SOCKET_DIR PORT DB
# Runs sql/report.sql with psql (the only tool needed) and prints the path.
set -Eeuo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 OUT_HTML SOCKET_DIR PORT DB" >&2
    exit 2
fi
out=$1 sock=$2 port=$3 db=$4
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case $out in /*) ;; *) out=$PWD/$out ;; esac
mkdir -p "$(dirname "$out")"
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
cd "$repo"
psql -X -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$db" -f sql/report.sql -o "$tmp"
mv -f "$tmp" "$out"
echo "$out"
