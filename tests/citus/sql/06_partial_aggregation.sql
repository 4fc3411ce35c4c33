-- hhi_agg (both forms), hhi_normalized_agg and martin_resilience_agg keep
-- their state as a bytea of fixed size, which Citus ships: under any grouping
-- the shards compute partial states (worker_partial_agg) and the coordinator
-- combines them.
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state, a.aggcombinefn <> 0 AS combine
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname IN ('hhi_agg', 'hhi_normalized_agg', 'martin_resilience_agg') ORDER BY a.aggfnoid::regprocedure::text;
SELECT * FROM citus_plan('SELECT year, hhi_agg(employees), hhi_normalized_agg(employees) FROM emp_by_industry GROUP BY 1');
-- no grouping at all: one partial state per shard
SELECT citus_strategy('SELECT hhi_agg(employees) FROM emp_by_province', 'hhi_agg');
-- results equal the local ones (the combine is exact up to the order of the
-- compensated additions)
CREATE TABLE want_year AS
SELECT year, hhi_agg(employees) AS hhi, hhi_normalized_agg(employees) AS hhi_norm FROM local_emp GROUP BY year;
CREATE TABLE got_year AS
SELECT year, hhi_agg(employees) AS hhi, hhi_normalized_agg(employees) AS hhi_norm FROM emp_by_industry GROUP BY year;
SELECT count(*) AS groups, count(*) FILTER (WHERE w.hhi = g.hhi AND w.hhi_norm = g.hhi_norm) AS equal,
       max(greatest(abs(g.hhi - w.hhi) / w.hhi, abs(g.hhi_norm - w.hhi_norm) / w.hhi_norm)) < 1e-15 AS within_1e_15
FROM want_year w FULL JOIN got_year g USING (year);
SELECT (SELECT hhi_agg(employees) FROM emp_by_province) = (SELECT hhi_agg(employees) FROM local_emp) AS whole_panel_equal;
-- the paper's eq. (5) per year, and Martin's shift-share resilience of each
-- province from its industries, on the table distributed by industry: partial
-- states on the shards, equal to the local run
SELECT citus_strategy('SELECT year, hhi_agg(employees, industry_total) FROM emp_by_industry GROUP BY 1', 'hhi_agg') AS hhi_total,
       citus_strategy('SELECT province_id, year, martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) FROM emp_by_industry GROUP BY 1, 2', 'martin_resilience_agg') AS resilience;
CREATE TABLE want_year2 AS SELECT year, hhi_agg(employees, industry_total) AS hhi_total FROM local_emp GROUP BY year;
CREATE TABLE got_year2 AS SELECT year, hhi_agg(employees, industry_total) AS hhi_total FROM emp_by_industry GROUP BY year;
SELECT count(*) AS groups, max(abs(g.hhi_total - w.hhi_total) / w.hhi_total) < 1e-13 AS within_1e_13
FROM want_year2 w FULL JOIN got_year2 g USING (year);
CREATE TABLE want_res AS
SELECT province_id, year, martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) AS r
FROM local_emp GROUP BY 1, 2;
CREATE TABLE got_res AS
SELECT province_id, year, martin_resilience_agg(employees, employees_base, industry_total, industry_total_base) AS r
FROM emp_by_industry GROUP BY 1, 2;
SELECT count(*) AS groups, count(g.r) AS with_resilience, count(*) FILTER (WHERE g.r = w.r) AS equal,
       max(abs(g.r - w.r) / abs(w.r)) < 1e-12 AS within_1e_12
FROM want_res w FULL JOIN got_res g USING (province_id, year);
-- with the coordinator fallback disabled, the query still runs
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT count(*) AS groups FROM (SELECT year, hhi_agg(employees) FROM emp_by_industry GROUP BY 1) s;
RESET citus.coordinator_aggregation_strategy;
-- NULL rows are skipped, an empty group is NULL, as before
SELECT hhi_agg(x), hhi_normalized_agg(x) FROM (VALUES (NULL::float8), (2), (2)) v(x);
SELECT hhi_agg(x) IS NULL AS empty_is_null FROM emp_by_industry e, LATERAL (SELECT NULL::float8 AS x) n WHERE false;
-- a direct call of the support functions never writes into its argument,
-- and refuses a state of another length or aggregate
WITH s AS (SELECT ('\x0101' || repeat('00', 54))::bytea AS init)
SELECT regecon_internal.hhi_fixed_final(regecon_internal.hhi_fixed_trans(init, 3)) AS one_value,
       init = ('\x0101' || repeat('00', 54))::bytea AS argument_unchanged FROM s;
SELECT error_of($$SELECT regecon_internal.hhi_fixed_trans('\x0101'::bytea, 1)$$);
SELECT error_of($$SELECT regecon_internal.hhi_fixed_final(('\x0102' || repeat('00', 54))::bytea)$$);
SELECT error_of($$SELECT regecon_internal.hhi_fixed_combine(('\x0101' || repeat('00', 54))::bytea, '\x00'::bytea)$$);
