-- martin_resilience: hand-worked values (docs/methods.md section 1)
SELECT martin_resilience(110, 100, 1050, 1000) AS expands_faster,   -- (0.10-0.05)/0.05 = 1
       martin_resilience(80, 100, 900, 1000)   AS falls_harder,     -- (-0.2+0.1)/0.1 = -1
       martin_resilience(95, 100, 900, 1000)   AS resists,          -- (-0.05+0.1)/0.1 = 0.5
       martin_resilience(120, 100, 12, 10)     AS same_growth;      -- 0
-- STRICT: NULL in, NULL out
SELECT martin_resilience(NULL, 100, 1050, 1000) IS NULL AS null_in_null_out;
-- errors name the argument and carry a SQLSTATE
SELECT sqlstate_of('SELECT martin_resilience(1, 0, 2, 1)');
SELECT sqlstate_of('SELECT martin_resilience(1, 1, 2, 0)');
SELECT sqlstate_of('SELECT martin_resilience(1.1, 1, 5, 5)');
SELECT sqlstate_of('SELECT martin_resilience(''NaN'', 1, 2, 1)');
SELECT sqlstate_of('SELECT martin_resilience(1, -1, 2, 1)');
SELECT sqlstate_of('SELECT martin_resilience(1, 1, ''Infinity'', 1)');
SELECT sqlstate_of('SELECT martin_resilience(1e300, 1e-300, 1.0000000000000002, 1)');

-- martin_resilience_agg: shift-share over sectors
CREATE TABLE sectors(region text, sector int, e_t float8, e_base float8, ref_t float8, ref_base float8);
INSERT INTO sectors VALUES
  ('A', 1, 120, 100, 1100, 1000), ('A', 2, 45, 50, 450, 500),   -- dY = 15, dE = 5 -> 2
  ('B', 1, 110, 100, 1050, 1000),                               -- one sector: scalar formula, 1
  ('C', 1, NULL, 100, 1100, 1000),                              -- NULL rows are skipped
  ('D', 1, 120, 100, 1100, 1000), ('D', 2, 45, 50, 400, 500);   -- dE = 0 -> error
SELECT region, martin_resilience_agg(e_t, e_base, ref_t, ref_base)
FROM sectors WHERE region <> 'D' GROUP BY region ORDER BY region;
SELECT martin_resilience_agg(e_t, e_base, ref_t, ref_base) AS empty_group FROM sectors WHERE false;
SELECT sqlstate_of($$SELECT martin_resilience_agg(e_t, e_base, ref_t, ref_base) FROM sectors WHERE region = 'D'$$);
SELECT sqlstate_of($$SELECT martin_resilience_agg(-1, 1, 1, 1)$$);
SELECT sqlstate_of($$SELECT martin_resilience_agg(1, 1, 1, 0)$$);

-- Against the independent 60-digit reference (tests/fixtures/foundation, mpmath)
\set fx `cat tests/fixtures/foundation/foundation.json`
SELECT count(*) AS cases,
       max(rel_err(martin_resilience((c->>'y_t')::float8, (c->>'y_base')::float8,
                                     (c->>'ref_t')::float8, (c->>'ref_base')::float8),
                   (c->>'resilience')::float8)) < 1e-12 AS within_1e_12
FROM jsonb_array_elements(:'fx'::jsonb -> 'martin') c;
SELECT count(*) AS cases, max(rel_err(got, want)) < 1e-12 AS within_1e_12
FROM (SELECT (c->>'resilience')::float8 AS want,
             (SELECT martin_resilience_agg(e_t::float8, e_b::float8, r_t::float8, r_b::float8)
              FROM jsonb_array_elements_text(c->'e_t') WITH ORDINALITY a(e_t, i)
              JOIN jsonb_array_elements_text(c->'e_base') WITH ORDINALITY b(e_b, i) USING (i)
              JOIN jsonb_array_elements_text(c->'ref_t') WITH ORDINALITY d(r_t, i) USING (i)
              JOIN jsonb_array_elements_text(c->'ref_base') WITH ORDINALITY e(r_b, i) USING (i)) AS got
      FROM jsonb_array_elements(:'fx'::jsonb -> 'martin_agg') c) t;

-- The docs' recipe: every region and year against the national total, k = 1
CREATE TABLE gdp(region text, year int, gdp float8);
INSERT INTO gdp VALUES ('N', 2008, 100), ('N', 2009, 90), ('S', 2008, 300), ('S', 2009, 285),
                       ('N', 2010, 99), ('S', 2010, 300);
WITH nat AS (SELECT year, sum(gdp) AS gdp FROM gdp GROUP BY year),
     panel AS (
       SELECT g.region, g.year, g.gdp, n.gdp AS ref,
              lag(g.gdp) OVER w AS gdp_base, lag(n.gdp) OVER w AS ref_base
       FROM gdp g JOIN nat n USING (year)
       WINDOW w AS (PARTITION BY g.region ORDER BY g.year))
SELECT region, year, round(martin_resilience(gdp, gdp_base, ref, ref_base)::numeric, 6) AS resilience
FROM panel WHERE gdp_base IS NOT NULL ORDER BY region, year;
