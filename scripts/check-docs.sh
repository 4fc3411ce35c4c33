#!/usr/bin/env bash
# Executes the examples of docs/*.md against a running cluster and compares
# their output with the documentation.
#
# In a doc page, a ```sql block is run with psql (the extension is already
# created; blocks of one page share a database, so later blocks can use tables
# made by earlier ones). When the next fenced block is ```text, it is the
# expected output, byte for byte, as psql prints it (errors included).
# A line `<!-- check-docs: load FILE ... -->` runs those SQL files (paths from
# the repository root) in the page's database first. A block fenced
# ```sql excerpt FILE is not run: it must appear verbatim in FILE (so a
# tutorial quoting the pipeline cannot drift from it). A block fenced
# ```sql needs:EXT (and the ```text after it) runs only where PostgreSQL has
# extension EXT available (PostGIS is not in the PostgreSQL 18 that make test
# also runs on).
#   check-docs.sh HOST_OR_SOCKET PORT [docs/page.md ...]
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
host=$1 port=$2; shift 2
pages=("$@")
((${#pages[@]})) || pages=("$REPO"/docs/*.md)
psql_() { psql -X -h "$host" -p "$port" -U postgres "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
available=" $(psql_ -X -At -d postgres -c "SELECT string_agg(name, ' ') FROM pg_available_extensions") "
pass=0 fail=0
for page in "${pages[@]}"; do
    name=$(basename "$page" .md)
    db="docs_$(printf %s "$name" | tr -c 'a-z0-9_\n' _)"
    PGOPTIONS='-c client_min_messages=warning' psql_ -q -d postgres \
        -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    psql_ -q -d "$db" -c "CREATE EXTENSION regecon" >/dev/null
    for f in $(sed -n 's/^<!-- check-docs: load \(.*\) -->$/\1/p' "$page"); do
        (cd "$REPO" && PGOPTIONS="-c client_min_messages=warning" psql_ -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null)
    done
    # excerpts: each must be a verbatim part of the file it names
    perl -0777 -e '
        my ($page, $repo) = @ARGV; open(my $fh, "<", $page) or die; my $text = <$fh>; my $bad = 0;
        while ($text =~ /^```sql excerpt (\S+)\n(.*?)^```$/msg) {
            my ($path, $body) = ($1, $2);
            open(my $f, "<", "$repo/$path") or die "$path: $!"; my $src = <$f>;
            if (index($src, $body) < 0) { print "FAIL $page: an excerpt of $path is not in that file:\n$body"; $bad++ }
        }
        exit($bad ? 1 : 0)' "$page" "$REPO" || fail=$((fail + 1))
    rm -f "$tmp"/blk.*
    # Split the page into numbered blocks: blk.N.sql and, if it follows, blk.N.text
    awk -v dir="$tmp" -v available="$available" '
        /^```sql needs:[a-z0-9_]+[[:space:]]*$/ {
            ext = $2; sub(/^needs:/, "", ext)
            if (index(available, " " ext " ") == 0) { kind = "skip"; last = ""; next }
            n++; kind = "sql"; file = sprintf("%s/blk.%03d.sql", dir, n); printf "" > file; last = "sql"; next
        }
        /^```sql[[:space:]]*$/ { n++; kind = "sql"; file = sprintf("%s/blk.%03d.sql", dir, n); printf "" > file; last = "sql"; next }
        /^```text[[:space:]]*$/ { if (last == "sql") { kind = "text"; file = sprintf("%s/blk.%03d.text", dir, n); printf "" > file } else { kind = "skip" } ; last = ""; next }
        /^```/ { if (kind != "") { kind = ""; next } else { kind = "skip"; last = ""; next } }
        kind == "sql" || kind == "text" { print >> file; next }
        kind == "skip" { next }
        /[^[:space:]]/ { last = "" }
    ' "$page"
    for sql in "$tmp"/blk.*.sql; do
        [ -e "$sql" ] || continue
        want=${sql%.sql}.text
        got=${sql%.sql}.got
        psql_ -d "$db" -v VERBOSITY=default -c "$(cat "$sql")" >"$got" 2>&1 || true
        if [ -e "$want" ]; then
            if diff -u "$want" "$got" >"$got.diff"; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL $page: example $(basename "$sql" .sql):"
                sed 's/^/    /' "$sql"
                cat "$got.diff"
            fi
        elif grep -q '^ERROR:' "$got"; then
            fail=$((fail + 1))
            echo "FAIL $page: setup block $(basename "$sql" .sql) raised an error:"
            cat "$got"
        fi
    done
    psql_ -q -d postgres -c "DROP DATABASE $db" >/dev/null
done
echo "doc examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
