-- Benchmark (make bench-citus): the panel Tobit of a synthetic panel of
-- :units units x 10 periods (default 10^6 x 10 = 10^7 rows), pooled and
-- random effects, three ways in the same session:
--   one node     panel_tobit over a plain table on the coordinator;
--   iterative    panel_tobit_distributed over the same plain table;
--   Citus        panel_tobit_distributed over the table distributed by unit
--                over the two workers (4 shards), the per-unit steps on the
--                shards, only the k x k sums crossing the network.
-- One run each (a fit is long); ratios against the one-node aggregate.
\set QUIET on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS regecon;
\if :{?units}
\else
\set units 1000000
\endif
\ir ../lib/bench_median.sql
DROP TABLE IF EXISTS bench_panel, bench_panel_dist;
CREATE TABLE bench_panel AS
SELECT u AS unit, t AS period,
       x1::float8 AS x1, x2::float8 AS x2,
       greatest(0, 0.2 + 0.5 * x1 - 0.3 * x2 + a + e)::float8 AS y
FROM (SELECT u, t,
             ((u * 7919 + t * 104729) % 1000) / 1000.0 AS x1,
             ((u * 31 + t * 17) % 89) / 89.0 - 0.5 AS x2,
             ((u * 2654435761) % 1000) / 1000.0 - 0.5 AS a,
             (((u * 40503 + t * 9973) % 2000) / 2000.0 - 0.5) * 1.5 AS e
      FROM generate_series(1::bigint, :units) u, generate_series(1::bigint, 10) t) s;
CREATE TABLE bench_panel_dist (LIKE bench_panel);
SET citus.shard_count = 4;
SELECT create_distributed_table('bench_panel_dist', 'unit') \gset
INSERT INTO bench_panel_dist SELECT * FROM bench_panel;
VACUUM ANALYZE bench_panel;
VACUUM ANALYZE bench_panel_dist;
CREATE TEMP TABLE results(model text, way text, ms float8, log_likelihood float8, max_rel_diff float8);
CREATE TEMP TABLE fits(model text, way text, f tobit_fit);
DO $$
DECLARE m text; t0 timestamptz; f tobit_fit;
BEGIN
    FOREACH m IN ARRAY ARRAY['pooled', 're'] LOOP
        t0 := clock_timestamp();
        f := (SELECT panel_tobit(y, ARRAY[x1, x2], unit, 0, NULL, m, ARRAY['x1', 'x2']) FROM bench_panel);
        INSERT INTO results VALUES (m, '1 one node: panel_tobit', extract(epoch FROM clock_timestamp() - t0) * 1000, (f).log_likelihood);
        INSERT INTO fits VALUES (m, 'one', f);
        t0 := clock_timestamp();
        f := panel_tobit_distributed('bench_panel', 'y', ARRAY['x1', 'x2'], 'unit', 0, NULL, m);
        INSERT INTO results VALUES (m, '2 one node: panel_tobit_distributed', extract(epoch FROM clock_timestamp() - t0) * 1000, (f).log_likelihood);
        INSERT INTO fits VALUES (m, 'iterative', f);
        t0 := clock_timestamp();
        f := panel_tobit_distributed('bench_panel_dist', 'y', ARRAY['x1', 'x2'], 'unit', 0, NULL, m);
        INSERT INTO results VALUES (m, '3 Citus, 2 workers: panel_tobit_distributed', extract(epoch FROM clock_timestamp() - t0) * 1000, (f).log_likelihood);
        INSERT INTO fits VALUES (m, 'citus', f);
    END LOOP;
END $$;
UPDATE results r SET max_rel_diff = (
    SELECT max(abs(u - v) / (1 + abs(v))) FROM fits a, fits b,
           unnest((a.f).estimates || (a.f).std_errors, (b.f).estimates || (b.f).std_errors) z(u, v)
    WHERE a.model = r.model AND b.model = r.model AND b.way = 'one'
      AND a.way = CASE WHEN r.way LIKE '1%' THEN 'one' WHEN r.way LIKE '2%' THEN 'iterative' ELSE 'citus' END);
\echo
SELECT :units * 10 AS rows, :units AS units;
SELECT r.model, r.way, round(r.ms::numeric, 0) AS ms, r.log_likelihood,
       round((r.ms / o.ms)::numeric, 2) AS ratio_to_one_node,
       r.max_rel_diff AS max_rel_diff_estimates_se
FROM results r JOIN results o ON o.model = r.model AND o.way LIKE '1%'
ORDER BY r.model, r.way;
DROP TABLE bench_panel, bench_panel_dist;
