-- Benchmark: aggregates whose partial states travel between processes in a
-- parallel plan (serialize in each worker, deserialize in the leader: the
-- postcard codec of crates/regecon-core/src/codec.rs), against the same
-- query in a serial plan (no state crosses a process), in the same session.
-- morans_i over 100,000 units (states of about 1 MB) and a pooled
-- panel_tobit over 100,000 rows x 5 regressors (about 5 MB).
-- bench/crates.sh times the codec alone (serialize + deserialize per state).
\set QUIET on
\pset footer off
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS regecon CASCADE;  -- the installed build, not a stale catalogue
CREATE EXTENSION regecon;
\ir lib/bench_median.sql
SELECT setseed(0.5) AS seeded \gset
DROP TABLE IF EXISTS cp_pts, cp_w, cp_rows;
CREATE UNLOGGED TABLE cp_pts AS
SELECT i::bigint AS id, random() AS x, random() AS y, random() * 100 AS v FROM generate_series(1, 100000) i;
CREATE UNLOGGED TABLE cp_w AS SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(id ORDER BY id) FROM cp_pts), (SELECT array_agg(x ORDER BY id) FROM cp_pts),
    (SELECT array_agg(y ORDER BY id) FROM cp_pts), 4);
CREATE UNLOGGED TABLE cp_rows AS
SELECT greatest(0, x1 + 0.5 * x2 - x3 + random() - 0.8) AS y, ARRAY[x1, x2, x3, x4, x5] AS x, (i % 2000) + 1 AS unit
FROM (SELECT i, random() x1, random() x2, random() x3, random() x4, random() x5 FROM generate_series(1, 100000) i) s;
VACUUM ANALYZE cp_pts, cp_w, cp_rows;
CREATE TEMP TABLE cp_results(what text, serial_ms float8, parallel_ms float8, plan_parallel bool);
CREATE OR REPLACE FUNCTION pg_temp.is_parallel(q text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE l text; found bool := false;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN ' || q LOOP found := found OR l LIKE '%Partial Aggregate%'; END LOOP;
    RETURN found;
END $$;
\set qm 'SELECT (morans_i(id, v, ''cp_w'')).i FROM cp_pts'
\set qt 'SELECT (panel_tobit(y, x, unit, 0, NULL, ''pooled'')).log_likelihood FROM cp_rows'
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 0;
SELECT bench_median(:'qm', 1) + bench_median(:'qt', 1) AS warmup \gset
INSERT INTO cp_results SELECT 'morans_i, 100000 units', bench_median(:'qm', :reps), NULL, NULL;
INSERT INTO cp_results SELECT 'panel_tobit pooled, 100000 rows x 5', bench_median(:'qt', :reps), NULL, NULL;
SET max_parallel_workers_per_gather = 2;
UPDATE cp_results SET parallel_ms = bench_median(:'qm', :reps), plan_parallel = pg_temp.is_parallel(:'qm')
WHERE what LIKE 'morans_i%';
UPDATE cp_results SET parallel_ms = bench_median(:'qt', :reps), plan_parallel = pg_temp.is_parallel(:'qt')
WHERE what LIKE 'panel_tobit%';
\echo 'parallel aggregates (2 workers + leader: states serialized and deserialized) vs serial, median of' :reps 'runs'
SELECT what, round(serial_ms::numeric, 1) AS serial_ms, round(parallel_ms::numeric, 1) AS parallel_ms,
       round((parallel_ms / serial_ms)::numeric, 3) AS ratio, plan_parallel
FROM cp_results;
DROP TABLE cp_pts, cp_w, cp_rows;
