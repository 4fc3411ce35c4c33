-- Aggregates as window functions, with GROUPING SETS, and sharing state
CREATE TABLE emp2(region text, industry text, jobs float8);
INSERT INTO emp2 VALUES
  ('R1', 'steel', 2), ('R2', 'steel', 1), ('R3', 'steel', 1),
  ('R1', 'chips', 3), ('R2', 'chips', 3), ('R3', 'chips', 6);

-- whole-partition window: every row sees its industry's HHI
SELECT region, industry, jobs, hhi_agg(jobs) OVER (PARTITION BY industry) AS hhi_industry
FROM emp2 ORDER BY industry, region;
-- running and moving frames
SELECT industry, region,
       hhi_agg(jobs) OVER (PARTITION BY industry ORDER BY region) AS running,
       hhi_agg(jobs) OVER (PARTITION BY industry ORDER BY region ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS moving
FROM emp2 ORDER BY industry, region;
-- GROUPING SETS: per industry, per region, overall
SELECT industry, region, hhi_agg(jobs), count(*)
FROM emp2 GROUP BY GROUPING SETS ((industry), (region), ()) ORDER BY industry NULLS LAST, region NULLS LAST;
-- identical inputs share one transition state; finals must not disturb it
SELECT hhi_agg(jobs) AS a, hhi_normalized_agg(jobs) AS b, hhi_agg(jobs) AS c FROM emp2;
-- FILTER and DISTINCT work as for built-ins
SELECT hhi_agg(jobs) FILTER (WHERE industry = 'chips') AS chips, hhi_agg(DISTINCT jobs) AS distinct_jobs FROM emp2;
-- ordered-set style inside a subquery, and in a HAVING clause
SELECT industry FROM emp2 GROUP BY industry HAVING hhi_agg(jobs) > 0.35 ORDER BY 1;
-- catalogue: every aggregate is PARALLEL SAFE, has combine/serial/deserial (serial/deserial only for an internal
-- state: the fixed-size bytea states of hhi_agg and martin_resilience_agg need none), and all functions are IMMUTABLE
SELECT p.proname, p.pronargs, p.proparallel, p.provolatile,
       a.aggcombinefn <> 0 AS has_combine,
       a.aggserialfn <> 0 OR a.aggtranstype <> 'internal'::regtype AS has_serial,
       a.aggdeserialfn <> 0 OR a.aggtranstype <> 'internal'::regtype AS has_deserial
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
ORDER BY 1, 2;
SELECT p.proname, p.pronargs, p.provolatile, p.proparallel, p.proisstrict
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
WHERE p.prokind = 'f' AND p.pronamespace <> 'regecon_internal'::regnamespace
ORDER BY 1, 2;
-- STRICT scalars give NULL for NULL input; coupling_coordination too (it is not
-- STRICT because its weights argument may be NULL)
SELECT coupling_coordination(NULL) IS NULL AS null_u, (coupling_coordination(ARRAY[0.25, 1], NULL)).d AS null_weights;
-- every user-facing function, aggregate, type, field of a result type and
-- setting has a catalogue comment (settings: their description)
-- (support functions: *_trans, *_final, *_combine, *_serialize, *_deserialize)
SELECT 'function' AS kind, p.oid::regprocedure::text AS uncommented
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
WHERE obj_description(p.oid, 'pg_proc') IS NULL AND p.proname !~ '_(trans|final|combine|serialize|deserialize)$'
UNION ALL
SELECT 'type', t.typname::text
FROM pg_type t JOIN pg_depend d ON d.objid = t.oid AND d.classid = 'pg_type'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
WHERE obj_description(t.oid, 'pg_type') IS NULL AND t.typcategory <> 'A'  -- array types: members too from 17 on
UNION ALL
SELECT 'type field', t.typname || '.' || a.attname
FROM pg_type t JOIN pg_depend d ON d.objid = t.oid AND d.classid = 'pg_type'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
WHERE col_description(t.typrelid, a.attnum) IS NULL
UNION ALL
SELECT 'setting', name FROM pg_settings WHERE name LIKE 'regecon.%' AND coalesce(short_desc, '') = ''
ORDER BY 1, 2;
