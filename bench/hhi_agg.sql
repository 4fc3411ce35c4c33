-- Benchmark: hhi_agg(v) against the same statistic in built-in SQL,
-- sum(v * v) / sum(v) ^ 2, over 10 million rows, serial and parallel.
-- Each query runs `reps` times, alternating ours and the baseline, after a
-- warm-up; we report medians and the ratio ours / baseline (< 1: faster).
\set QUIET on
\pset footer off
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS regecon CASCADE;  -- the installed build, not a stale catalogue
CREATE EXTENSION regecon;
CREATE UNLOGGED TABLE IF NOT EXISTS bench_hhi AS
SELECT (random() * 1000)::float8 AS v FROM generate_series(1, 10000000);
VACUUM ANALYZE bench_hhi;

\ir lib/bench_median.sql

CREATE TEMP TABLE results(mode text, ours_ms float8, builtin_ms float8);
-- serial
SET max_parallel_workers_per_gather = 0;
SELECT bench_median('SELECT hhi_agg(v) FROM bench_hhi', 1) + bench_median('SELECT sum(v*v)/sum(v)^2 FROM bench_hhi', 1) AS warmup \gset
INSERT INTO results
SELECT 'serial', bench_median('SELECT hhi_agg(v) FROM bench_hhi', :reps),
                 bench_median('SELECT sum(v * v) / sum(v) ^ 2 FROM bench_hhi', :reps);
-- parallel: two workers plus the leader
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
INSERT INTO results
SELECT 'parallel (2 workers)', bench_median('SELECT hhi_agg(v) FROM bench_hhi', :reps),
                               bench_median('SELECT sum(v * v) / sum(v) ^ 2 FROM bench_hhi', :reps);
\echo 'hhi_agg(v) vs sum(v*v)/sum(v)^2 over 10,000,000 rows (median of' :reps 'runs each)'
SELECT mode, round(ours_ms::numeric, 1) AS hhi_agg_ms, round(builtin_ms::numeric, 1) AS builtin_sql_ms,
       round((ours_ms / builtin_ms)::numeric, 3) AS ratio
FROM results;
