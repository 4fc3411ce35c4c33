-- A million rows; every aggregate under a forced parallel plan must equal the
-- serial result (to 1e-12 relative: the summation order differs).
CREATE TABLE big AS
SELECT g AS id, g % 97 AS grp, g % 27 AS industry,
       (((g::bigint * 7919) % 1000) + 0.5)::float8 AS v,
       (((g::bigint * 104729) % 997) + 1)::float8 AS w,
       (((g::bigint * 31) % 89) + 1)::float8 AS x3
FROM generate_series(1, 1000000) g;
ANALYZE big;

-- Every aggregate of the extension, in one statement (a UNION ALL of branches).
CREATE VIEW all_aggs AS
          SELECT 'hhi'::text AS name, NULL::int AS grp, hhi_agg(v) AS val FROM big
UNION ALL SELECT 'hhi_normalized', NULL, hhi_normalized_agg(v) FROM big
UNION ALL SELECT 'hhi_total', NULL, hhi_agg(v, 1e6) FROM big
UNION ALL SELECT 'hhi_by_grp', grp, hhi_agg(v) FROM big GROUP BY grp
UNION ALL SELECT 'martin_agg', grp, martin_resilience_agg(v + w, v, x3 + 1, x3) FROM big GROUP BY grp
UNION ALL SELECT 'gini', NULL, spatial_gini_agg(v, w) FROM big
UNION ALL SELECT 'krugman', industry, krugman_index_agg(v, w) FROM big GROUP BY industry
UNION ALL SELECT 'entropy_w' || k, NULL, g[k]
          FROM (SELECT cedi_entropy(ARRAY[v, w, x3]) AS g FROM big) s, generate_series(1, 3) k
UNION ALL SELECT 'entropy_e' || k, NULL, e[k]
          FROM (SELECT indicator_entropy(ARRAY[v, w, x3]) AS e FROM big) s, generate_series(1, 3) k;

SET max_parallel_workers_per_gather = 0;
SELECT partial_aggs('SELECT * FROM all_aggs') AS partial_aggregates_serial;
CREATE TABLE res_serial AS SELECT * FROM all_aggs;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;  -- the workers do all the scanning
EXPLAIN (COSTS OFF) SELECT hhi_agg(v) FROM big;
-- the plan as run, in the same words on every version (PostgreSQL 18 prints
-- buffers by default and row counts with decimals)
CREATE FUNCTION explain_analyze(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ' || q LOOP
        RETURN NEXT regexp_replace(line, 'rows=(\d+)\.00 ', 'rows=\1 ', 'g');
    END LOOP;
END $$;
SELECT plan AS "QUERY PLAN" FROM explain_analyze('SELECT hhi_agg(v) FROM big') plan;
-- all nine branches run as partial aggregates in workers
SELECT partial_aggs('SELECT * FROM all_aggs') AS partial_aggregates_parallel;
CREATE TABLE res_parallel AS SELECT * FROM all_aggs;
RESET ALL;

SELECT s.name, count(*) AS groups,
       max(rel_err(p.val, s.val)) < 1e-12 AS parallel_equals_serial,
       bool_and(s.val IS NOT NULL) AS all_computed
FROM res_serial s JOIN res_parallel p ON p.name = s.name AND p.grp IS NOT DISTINCT FROM s.grp
GROUP BY s.name ORDER BY s.name;
-- and against the same statistic in plain SQL
SELECT rel_err((SELECT val FROM res_parallel WHERE name = 'hhi'),
               (SELECT sum(v * v) / sum(v) ^ 2 FROM big)) < 1e-12 AS hhi_equals_builtin_sql;
DROP TABLE big CASCADE;
DROP TABLE res_serial, res_parallel;
