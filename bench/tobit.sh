#!/usr/bin/env bash
# Benchmark: panel_tobit against R's AER::tobit (survreg) on the same data,
# timed in the same run: pooled Tobit with 8 regressors at 10^4, 10^5 and
# 10^6 rows, and the random-effects Tobit (adaptive quadrature, 12 points)
# on 10^6 rows in 10^4 units. Called by scripts/bench.sh with: HOST PORT DB REPS
set -Eeuo pipefail
host=$1 port=$2 db=$3 reps=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
out=/tmp/regecon-bench-data   # also named in the COPY below
mkdir -p "$out"
chmod 777 "$out"
Rscript -e 'library(AER)' >/dev/null 2>&1 || apt-get install -y -q r-cran-aer >/dev/null
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -d "$db" "$@"; }

# The data: 10^4 units x 100 periods, y* = x'b + u_i + e, left-censored at 0
# (about a third of the rows). setseed makes it the same in every run.
psql_ -v reps="$reps" -v lib="$repo/bench/lib/bench_median.sql" <<'SQL'
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS regecon CASCADE;
CREATE EXTENSION regecon;
\i :lib
DROP TABLE IF EXISTS tb, tb_ours;
SELECT setseed(0.42);
CREATE TABLE tb AS
WITH u AS (SELECT g AS unit, 0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS u
           FROM generate_series(0, 9999) g),
r AS (SELECT row_number() OVER (ORDER BY t, unit) AS rn, unit, u,
             ARRAY(SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * t FROM generate_series(1, 8)) AS x,
             sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS e
      FROM u, generate_series(1, 100) t)
SELECT rn, unit, x, greatest(0, 0.3 + x[1] * 0.5 - x[2] * 0.4 + x[3] * 0.3 - x[4] * 0.2 + x[5] * 0.1
                              + x[6] * 0.05 - x[7] * 0.05 + x[8] * 0.0 + u + 0.8 * e) AS y
FROM r;
CREATE INDEX ON tb(rn);
ANALYZE tb;
COPY (SELECT rn, unit, y, x[1] AS x1, x[2] AS x2, x[3] AS x3, x[4] AS x4, x[5] AS x5, x[6] AS x6, x[7] AS x7, x[8] AS x8 FROM tb ORDER BY rn)
  TO PROGRAM 'cat > /tmp/regecon-bench-data/tobit.csv' CSV HEADER;
CREATE TABLE tb_ours(what text, n int, ms float8, estimates float8[], log_likelihood float8);
SET max_parallel_workers_per_gather = 0;
INSERT INTO tb_ours SELECT 'pooled', n, bench_median(format(
    'SELECT (panel_tobit(y, x, unit, 0, NULL, %L)).log_likelihood FROM tb WHERE rn <= %s', 'pooled', n), :reps),
    NULL, NULL
FROM (VALUES (10000), (100000), (1000000)) v(n);
UPDATE tb_ours o SET estimates = (f).estimates, log_likelihood = (f).log_likelihood
FROM (SELECT n, (SELECT panel_tobit(y, x, unit, 0, NULL, 'pooled') FROM tb WHERE rn <= n) AS f FROM tb_ours) s
WHERE s.n = o.n;
INSERT INTO tb_ours SELECT 're', 1000000, bench_median(
    'SELECT (panel_tobit(y, x, unit, 0, NULL, ''re'')).log_likelihood FROM tb', greatest(1, :reps / 2)),
    (s.f).estimates, (s.f).log_likelihood
FROM (SELECT panel_tobit(y, x, unit, 0, NULL, 're') AS f FROM tb) s;
INSERT INTO tb_ours SELECT 'scan', 1000000, bench_median('SELECT count(x) FROM tb', :reps), NULL, NULL;
COPY (SELECT what, n, ms, array_to_string(estimates, ' '), log_likelihood FROM tb_ours)
  TO PROGRAM 'cat > /tmp/regecon-bench-data/tobit_ours.csv' CSV;
SQL

Rscript "$repo/bench/tobit_peer.R" "$out/tobit.csv" "$reps" > "$out/tobit_peer.csv"

python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
O = {(r[0], int(r[1])): r for r in csv.reader(open(f"{out}/tobit_ours.csv"))}
P = {(r[0], int(r[1])): r for r in csv.reader(open(f"{out}/tobit_peer.csv")) if r[0] != "versions"}
vers = next(r for r in csv.reader(open(f"{out}/tobit_peer.csv")) if r[0] == "versions")
print(f"R {vers[1]}, AER {vers[2]}, survival {vers[3]}")
print(f"{'benchmark':44} {'regecon ms':>11} {'R ms':>10} {'speed-up':>9} {'max rel. diff':>14}")
for n in (10000, 100000, 1000000):
    o, p = O[("pooled", n)], P[("pooled", n)]
    bo = [float(v) for v in o[3].split()]
    bp = [float(v) for v in p[3].split()]
    # ours: x1..x8, _cons; R: (Intercept), x1..x8
    bp = bp[1:] + bp[:1]
    diff = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(bo, bp))
    print(f"{'pooled Tobit, 8 regressors, ' + format(n, ',') + ' rows':44} {float(o[2]):11.1f} {float(p[2]):10.1f} {float(p[2]) / float(o[2]):8.1f}x {diff:14.1e}")
o = O[("re", 1000000)]
print(f"{'RE Tobit (adaptive, 12 points), 10^6 rows':44} {float(o[2]):11.1f} {'':>10} {'':>9}   (target < 3000 ms)")
print(f"{'(scan of the 10^6-row table: count(x))':44} {float(O[('scan', 1000000)][2]):11.1f}")
PY
