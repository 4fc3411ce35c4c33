#!/usr/bin/env bash
# Benchmark: morans_i with 999 permutations (one map, and a 20-year panel in one
# GROUP BY year), local_moran with 999 and 9,999 conditional permutations, and
# KNN weight construction against PySAL (esda with numba, libpysal) on the same
# data and weights, timed in the same run,
# plus the physical floor of the permutations (a bare single-threaded loop over
# the same CSR arrays, crates/regecon-core/examples/moran_floor.rs).
# Called by scripts/bench.sh with: HOST PORT DB REPS
set -Eeuo pipefail
host=$1 port=$2 db=$3 reps=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
out=/tmp/regecon-bench-data   # also named in the \copy below
mkdir -p "$out"
chmod 755 "$out"
python3 -c 'import esda, libpysal, numba' 2>/dev/null || pip install -q esda==2.9.0 libpysal==4.14.1 numba==0.68.1
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -d "$db" "$@"; }

python3 "$repo/bench/spatial_peer.py" "$out" "$reps" > "$out/peer.jsonl"
(cd "$repo" && cargo build -q --release -p regecon-core --example moran_floor)
for n in 3000 100000; do
    "$repo/target/release/examples/moran_floor" "$out/points_$n.csv" 8 "$reps" >> "$out/peer.jsonl"
done

psql_ -v reps="$reps" -v out="$out" -v lib="$repo/bench/lib/bench_median.sql" -v us_gal="$repo/tests/fixtures/spatial/data/states48.gal" <<'SQL'
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS regecon CASCADE;
CREATE EXTENSION regecon;
\i :lib
DROP TABLE IF EXISTS pts, w48, w3000, w100000, ours;
CREATE TABLE pts(n int, id bigint, x float8, y float8, value float8);
\set f48 :out/points_48.csv
\set f3000 :out/points_3000.csv
\set f100000 :out/points_100000.csv
COPY pts(id, x, y, value) FROM :'f48' CSV;
UPDATE pts SET n = 48 WHERE n IS NULL;
COPY pts(id, x, y, value) FROM :'f3000' CSV;
UPDATE pts SET n = 3000 WHERE n IS NULL;
COPY pts(id, x, y, value) FROM :'f100000' CSV;
UPDATE pts SET n = 100000 WHERE n IS NULL;
ANALYZE pts;
-- one table per size, so no timing includes scanning the other sizes
DROP TABLE IF EXISTS p48, p3000, p100000;
CREATE TABLE p48 AS SELECT id, x, y, value FROM pts WHERE n = 48;
CREATE TABLE p3000 AS SELECT id, x, y, value FROM pts WHERE n = 3000;
CREATE TABLE p100000 AS SELECT id, x, y, value FROM pts WHERE n = 100000;
ANALYZE p48, p3000, p100000;
\set gal `cat :us_gal`
CREATE TABLE w48 AS SELECT * FROM read_gal(:'gal');
CREATE TABLE ours(n int, what text, ms float8);
INSERT INTO ours SELECT 3000, 'knn8', bench_median($q$SELECT count(*) FROM knn_weights(
    (SELECT array_agg(id ORDER BY id) FROM p3000), (SELECT array_agg(x ORDER BY id) FROM p3000),
    (SELECT array_agg(y ORDER BY id) FROM p3000), 8)$q$, :reps);
INSERT INTO ours SELECT 100000, 'knn8', bench_median($q$SELECT count(*) FROM knn_weights(
    (SELECT array_agg(id ORDER BY id) FROM p100000), (SELECT array_agg(x ORDER BY id) FROM p100000),
    (SELECT array_agg(y ORDER BY id) FROM p100000), 8)$q$, :reps);
CREATE TABLE w3000 AS SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(id ORDER BY id) FROM p3000), (SELECT array_agg(x ORDER BY id) FROM p3000),
    (SELECT array_agg(y ORDER BY id) FROM p3000), 8);
CREATE TABLE w100000 AS SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(id ORDER BY id) FROM p100000), (SELECT array_agg(x ORDER BY id) FROM p100000),
    (SELECT array_agg(y ORDER BY id) FROM p100000), 8);
INSERT INTO ours SELECT n, 'moran999', bench_median(format(
    'SELECT (morans_i(id, value, %L, 999, 1)).p_sim FROM p%s', 'w' || n, n), :reps)
FROM (VALUES (48), (3000), (100000)) v(n);
INSERT INTO ours SELECT n, 'moran_I', (morans_i(id, value, ('w' || n)::regclass)).i FROM pts WHERE n > 48 GROUP BY n;
-- the panel: one GROUP BY year, 20 groups sharing the weights relation
DROP TABLE IF EXISTS panel3000;
CREATE TABLE panel3000(year int, id bigint, value float8);
\set fpanel :out/panel_3000.csv
COPY panel3000 FROM :'fpanel' CSV;
ANALYZE panel3000;
INSERT INTO ours SELECT 3000, 'panel_moran999', bench_median($q$SELECT count(p) FROM (SELECT (morans_i(id, value, 'w3000', 999, 1)).p_sim AS p
    FROM panel3000 GROUP BY year) s$q$, :reps);
INSERT INTO ours SELECT 3000, 'panel_I_sum', sum(i) FROM (SELECT (morans_i(id, value, 'w3000')).i FROM panel3000 GROUP BY year) s;
-- LISA: every unit's row, 999 and 9,999 conditional permutations
INSERT INTO ours SELECT n, 'lisa' || p, bench_median(format(
    'SELECT count(p_sim) FROM local_moran((SELECT array_agg(id ORDER BY id) FROM p%s),
     (SELECT array_agg(value ORDER BY id) FROM p%s), %L, %s, 1)', n, n, 'w' || n, p), CASE WHEN n = 100000 AND p = 9999 THEN least(:reps, 3) ELSE :reps END)
FROM (VALUES (3000), (100000)) v(n), (VALUES (999), (9999)) q(p);
\copy ours TO PROGRAM 'cat > /tmp/regecon-bench-data/ours.csv' CSV
SQL

python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
peer = [json.loads(l) for l in open(f"{out}/peer.jsonl")]
vers = next(p for p in peer if p.get("peer") == "versions")
P = {(p["n"], p["what"]): p.get("ms", p.get("value")) for p in peer if "n" in p}
O = {(int(r[0]), r[1]): float(r[2]) for r in csv.reader(open(f"{out}/ours.csv"))}
print(f"PySAL: esda {vers['esda']}, libpysal {vers['libpysal']}, numpy {vers['numpy']}")
print(f"{'benchmark':38} {'regecon ms':>11} {'peer ms':>10} {'speed-up':>9} {'floor ms':>9} {'vs floor':>9}")
for n in (48, 3000, 100000):
    o, p = O[(n, "moran999")], P[(n, "moran999")]
    fl = P.get((n, "floor999"))
    flr = f"{fl:9.1f} {o / fl:8.2f}x" if fl else f"{'':9} {'':9}"
    w = "queen (GAL)" if n == 48 else "KNN k=8"
    print(f"{'morans_i 999 perm, n=' + str(n) + ', ' + w:38} {o:11.1f} {p:10.1f} {p / o:8.1f}x {flr}")
o, p = O[(3000, "panel_moran999")], P[(3000, "panel_moran999")]
print(f"{'morans_i 999 perm, 20 years GROUP BY':38} {o:11.1f} {p:10.1f} {p / o:8.1f}x")
for n in (3000, 100000):
    for perms in (999, 9999):
        o, p = O[(n, f"lisa{perms}")], P[(n, f"lisa{perms}")]
        print(f"{'local_moran ' + str(perms) + ' perm, n=' + str(n):38} {o:11.1f} {p:10.1f} {p / o:8.1f}x")
for n in (3000, 100000):
    o, p = O[(n, "knn8")], P[(n, "knn8")]
    print(f"{'knn_weights k=8, n=' + str(n):38} {o:11.1f} {p:10.1f} {p / o:8.1f}x")
for n in (3000, 100000):
    a, b = O[(n, "moran_I")], P[(n, "moran_I")]
    print(f"same data and weights, n={n}: I = {a:.15f} (esda {b:.15f}, relative difference {abs(a - b) / abs(b):.1e})")
a, b = O[(3000, "panel_I_sum")], P[(3000, "panel_I_sum")]
print(f"panel, sum of the 20 years' I = {a:.15f} (esda {b:.15f}, relative difference {abs(a - b) / abs(b):.1e})")
PY
