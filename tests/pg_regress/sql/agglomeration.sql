-- hhi_agg(value): sum of squared shares within the group
CREATE TABLE emp(region text, industry text, jobs float8);
INSERT INTO emp VALUES
  ('R1', 'steel', 2), ('R2', 'steel', 1), ('R3', 'steel', 1),       -- 3/8
  ('R1', 'textiles', 0), ('R2', 'textiles', 5), ('R3', 'textiles', 0), -- 1
  ('R1', 'chips', 3), ('R2', 'chips', 3), ('R3', 'chips', 3), ('R4', 'chips', 3), -- 1/4
  ('R1', 'void', NULL);                                              -- NULL rows skipped
SELECT industry, hhi_agg(jobs), hhi_normalized_agg(jobs), count(jobs)
FROM emp GROUP BY industry ORDER BY industry;
SELECT hhi_agg(jobs) AS empty_group, hhi_normalized_agg(jobs) AS empty_normalized FROM emp WHERE false;
SELECT hhi_normalized_agg(x) AS single_value FROM (VALUES (4.0::float8)) v(x);
SELECT sqlstate_of($$SELECT hhi_agg(x) FROM (VALUES (0.0::float8), (0.0)) v(x)$$);
SELECT sqlstate_of($$SELECT hhi_agg(x) FROM (VALUES (1.0::float8), (-1.0)) v(x)$$);
SELECT sqlstate_of($$SELECT hhi_agg(x) FROM (VALUES ('NaN'::float8)) v(x)$$);
SELECT sqlstate_of($$SELECT hhi_agg(x) FROM (VALUES ('Infinity'::float8)) v(x)$$);

-- hhi_agg(value, total): the paper's eq. (5), total = national employment of the industry
SELECT hhi_agg(v, t) FROM (VALUES (10.0::float8, 100.0::float8), (30, 60)) x(v, t);  -- 0.01 + 0.25
WITH nat AS (SELECT industry, sum(jobs) AS total FROM emp GROUP BY industry)
SELECT region, round(hhi_agg(jobs, total)::numeric, 12) AS hhi_eq5
FROM emp JOIN nat USING (industry) GROUP BY region ORDER BY region;
SELECT sqlstate_of($$SELECT hhi_agg(1, 0)$$);
SELECT sqlstate_of($$SELECT hhi_agg(1, -2)$$);
SELECT sqlstate_of($$SELECT hhi_agg(-1, 2)$$);

-- location_quotient
SELECT location_quotient(30, 100, 1000, 10000) AS lq3, location_quotient(0, 1, 1, 1) AS lq0,
       location_quotient(NULL, 1, 1, 1) IS NULL AS strict;
SELECT sqlstate_of($$SELECT location_quotient(1, 0, 1, 1)$$);
SELECT sqlstate_of($$SELECT location_quotient(1, 1, 0, 1)$$);
SELECT sqlstate_of($$SELECT location_quotient(-1, 1, 1, 1)$$);

-- spatial_gini_agg(l_ij, l_i) over regions; krugman_index_agg(l_ij, l_j) over industries
SELECT spatial_gini_agg(a, b) FROM (VALUES (10.0::float8, 50.0::float8), (0, 50)) v(a, b);  -- 1/2
SELECT spatial_gini_agg(a, b) FROM (VALUES (1.0::float8, 10.0::float8), (3, 30)) v(a, b);   -- 0
SELECT krugman_index_agg(a, b) FROM (VALUES (7.0::float8, 5.0::float8), (0, 5)) v(a, b);    -- 1
SELECT spatial_gini_agg(a, b) AS empty_gini, krugman_index_agg(a, b) AS empty_krugman
FROM (VALUES (1.0::float8, 1.0::float8)) v(a, b) WHERE false;
SELECT sqlstate_of($$SELECT spatial_gini_agg(a, b) FROM (VALUES (0.0::float8, 1.0::float8)) v(a, b)$$);
SELECT sqlstate_of($$SELECT krugman_index_agg(a, b) FROM (VALUES (1.0::float8, 0.0::float8)) v(a, b)$$);
SELECT sqlstate_of($$SELECT krugman_index_agg(a, b) FROM (VALUES (1.0::float8, -1.0::float8)) v(a, b)$$);

-- Against the independent 60-digit reference
\set fx `cat tests/fixtures/foundation/foundation.json`
SELECT 'hhi' AS measure, count(*) AS cases,
       max(rel_err((SELECT hhi_agg(v::float8) FROM jsonb_array_elements_text(c->'values') v),
                   (c->>'hhi')::float8)) < 1e-12 AS within_1e_12
FROM jsonb_array_elements(:'fx'::jsonb -> 'hhi') c
UNION ALL
SELECT 'hhi_normalized', count(*),
       max(rel_err((SELECT hhi_normalized_agg(v::float8) FROM jsonb_array_elements_text(c->'values') v),
                   (c->>'hhi_normalized')::float8)) < 1e-9
FROM jsonb_array_elements(:'fx'::jsonb -> 'hhi') c WHERE c->>'hhi_normalized' IS NOT NULL
UNION ALL
SELECT 'hhi_total', count(*),
       max(rel_err((SELECT hhi_agg(v::float8, (c->>'total')::float8) FROM jsonb_array_elements_text(c->'values') v),
                   (c->>'hhi')::float8)) < 1e-12
FROM jsonb_array_elements(:'fx'::jsonb -> 'hhi_total') c
UNION ALL
SELECT 'location_quotient', count(*),
       max(rel_err(location_quotient((c->>'l_ij')::float8, (c->>'l_i')::float8, (c->>'l_j')::float8, (c->>'l')::float8),
                   (c->>'lq')::float8)) < 1e-12
FROM jsonb_array_elements(:'fx'::jsonb -> 'location_quotient') c
UNION ALL
SELECT 'spatial_gini', count(*),
       max(abs((SELECT spatial_gini_agg(a::float8, b::float8)
                FROM jsonb_array_elements_text(c->'l_ij') WITH ORDINALITY x(a, i)
                JOIN jsonb_array_elements_text(c->'l_i') WITH ORDINALITY y(b, i) USING (i))
               - (c->>'gini')::float8) / greatest((c->>'gini')::float8, 1e-300)) < 1e-9
FROM jsonb_array_elements(:'fx'::jsonb -> 'spatial_gini') c WHERE (c->>'gini')::float8 > 1e-12
UNION ALL
SELECT 'krugman', count(*),
       max(rel_err((SELECT krugman_index_agg(a::float8, b::float8)
                    FROM jsonb_array_elements_text(c->'l_ij') WITH ORDINALITY x(a, i)
                    JOIN jsonb_array_elements_text(c->'l_j') WITH ORDINALITY y(b, i) USING (i)),
                   (c->>'index')::float8)) < 1e-12
FROM jsonb_array_elements(:'fx'::jsonb -> 'krugman') c WHERE (c->>'index')::float8 > 1e-12
UNION ALL
-- the proportional cases (true value 0 up to the rounding of the inputs): absolute error
SELECT 'proportional (gini, krugman)', count(*),
       max(greatest(
         abs((SELECT spatial_gini_agg(a::float8, b::float8)
              FROM jsonb_array_elements_text(g->'l_ij') WITH ORDINALITY x(a, i)
              JOIN jsonb_array_elements_text(g->'l_i') WITH ORDINALITY y(b, i) USING (i)) - (g->>'gini')::float8),
         abs((SELECT krugman_index_agg(a::float8, b::float8)
              FROM jsonb_array_elements_text(k->'l_ij') WITH ORDINALITY x(a, i)
              JOIN jsonb_array_elements_text(k->'l_j') WITH ORDINALITY y(b, i) USING (i)) - (k->>'index')::float8)))
         < 1e-15
FROM jsonb_array_elements(:'fx'::jsonb -> 'spatial_gini') WITH ORDINALITY g(g, n)
JOIN jsonb_array_elements(:'fx'::jsonb -> 'krugman') WITH ORDINALITY k(k, n) USING (n)
WHERE (k->>'index')::float8 <= 1e-12;
