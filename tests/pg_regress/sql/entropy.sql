-- edi: share of national emissions over share of national output
SELECT edi(20, 100, 5, 50) AS edi2, edi(NULL, 1, 1, 1) IS NULL AS strict;
SELECT sqlstate_of($$SELECT edi(1, 0, 1, 1)$$);
SELECT sqlstate_of($$SELECT edi(1, 1, 0, 1)$$);
SELECT sqlstate_of($$SELECT edi(-1, 1, 1, 1)$$);

-- cedi_entropy over the regions of a period; hand-worked:
-- indicator 1 shares (1/2, 1/4, 1/4): e = 1.5 ln 2 / ln 3; indicator 2 constant: e = 1;
-- indicator 3 shares (1, 0, 0): e = 0.
CREATE TABLE edis(year int, region text, so2 float8, water float8, dust float8);
INSERT INTO edis VALUES
  (2005, 'a', 2, 1, 5), (2005, 'b', 1, 1, 0), (2005, 'c', 1, 1, 0),
  (2006, 'a', 1, 2, 3), (2006, 'b', 2, 2, 1), (2006, 'c', NULL, 1, 1);   -- NULL element: error
SELECT indicator_entropy(ARRAY[so2, water, dust]) AS e,
       cedi_entropy(ARRAY[so2, water, dust]) AS g
FROM edis WHERE year = 2005;
SELECT max(rel_err(g[k], want[k])) < 1e-15 AS hand_worked_within_1e_15
FROM (SELECT cedi_entropy(ARRAY[so2, water, dust]) AS g FROM edis WHERE year = 2005) a,
     (SELECT ARRAY[(1 - 1.5 * ln(2) / ln(3)) / (2 - 1.5 * ln(2) / ln(3)), 0,
                   1 / (2 - 1.5 * ln(2) / ln(3))]::float8[] AS want) b,
     generate_series(1, 3) k;
-- the composite index in one pass: the weights as a window aggregate over the period
SELECT region, round(cedi(ARRAY[so2, water, dust],
                          cedi_entropy(ARRAY[so2, water, dust]) OVER (PARTITION BY year))::numeric, 12) AS cedi
FROM edis WHERE year = 2005 ORDER BY region;
-- NULL rows skipped, empty group and single region give NULL
SELECT cedi_entropy(e) AS empty_group FROM (SELECT NULL::float8[] AS e) s;
SELECT cedi_entropy(ARRAY[1.0, 2.0]::float8[]) AS single_region;
-- errors
SELECT sqlstate_of($$SELECT cedi_entropy(ARRAY[so2, water, dust]) FROM edis WHERE year = 2006$$);
SELECT sqlstate_of($$SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1.0, 2.0]::float8[]), (ARRAY[1.0]::float8[])) v(e)$$);
SELECT sqlstate_of($$SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1.0, 2.0]::float8[]), (ARRAY[1.0, 2.0]::float8[])) v(e)$$);
SELECT sqlstate_of($$SELECT cedi_entropy(e) FROM (VALUES (ARRAY[0.0, 2.0]::float8[]), (ARRAY[0.0, 1.0]::float8[])) v(e)$$);
SELECT sqlstate_of($$SELECT cedi_entropy(e) FROM (VALUES (ARRAY[1.0, -2.0]::float8[]), (ARRAY[1.0, 1.0]::float8[])) v(e)$$);
SELECT sqlstate_of($$SELECT cedi_entropy(e) FROM (VALUES (ARRAY['NaN']::float8[])) v(e)$$);
SELECT sqlstate_of($$SELECT cedi_entropy(ARRAY[]::float8[])$$);
SELECT sqlstate_of($$SELECT cedi(ARRAY[1, 2], ARRAY[0.5, 0.6])$$);
SELECT sqlstate_of($$SELECT cedi(ARRAY[1, 2], ARRAY[1.0])$$);
SELECT sqlstate_of($$SELECT cedi(ARRAY[1, 2], ARRAY[1.5, -0.5])$$);
SELECT sqlstate_of($$SELECT cedi(ARRAY[1, NULL], ARRAY[0.5, 0.5])$$);

-- Against the independent 60-digit reference
\set fx `cat tests/fixtures/foundation/foundation.json`
CREATE TEMP TABLE fx_entropy AS
SELECT c.ordinality AS case_no, r.ordinality AS region_no,
       ARRAY(SELECT jsonb_array_elements_text(r.value)::float8) AS edi, c.value AS fixture
FROM jsonb_array_elements(:'fx'::jsonb -> 'entropy') WITH ORDINALITY c,
     jsonb_array_elements(c.value -> 'edi') WITH ORDINALITY r;
SELECT count(*) AS cases,
       max(rel_err(g[k], (fixture -> 'weights' ->> (k - 1))::float8)) < 1e-13 AS weights_within_1e_13,
       max(abs(e[k] - (fixture -> 'entropy' ->> (k - 1))::float8)) < 1e-13 AS entropy_within_1e_13
FROM (SELECT case_no, fixture, cedi_entropy(edi) AS g, indicator_entropy(edi) AS e
      FROM fx_entropy GROUP BY case_no, fixture) w,
     generate_subscripts(g, 1) k;
SELECT count(*) AS regions,
       max(rel_err(cedi(edi, g), (fixture -> 'cedi' ->> (region_no::int - 1))::float8)) < 1e-13 AS cedi_within_1e_13
FROM (SELECT *, cedi_entropy(edi) OVER (PARTITION BY case_no) AS g FROM fx_entropy) t;
SELECT count(*) AS cases,
       max(rel_err(edi((c->>'p')::float8, (c->>'p_total')::float8, (c->>'y')::float8, (c->>'y_total')::float8),
                   (c->>'edi')::float8)) < 1e-12 AS within_1e_12
FROM jsonb_array_elements(:'fx'::jsonb -> 'edi') c;
