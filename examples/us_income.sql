-- regecon example: the measures of the paper on real data.
-- Per-capita personal income of the 48 contiguous US states, 1929-2009 (BEA,
-- via PySAL; data/us_income/README.md). Run by `make demo`.
\set QUIET on
\pset footer off
\pset null '(null)'
SET client_min_messages = warning;
DROP TABLE IF EXISTS income, usjoin_raw, w_queen CASCADE;
CREATE EXTENSION IF NOT EXISTS regecon;

-- 1. Load the wide CSV (one column per year) and make it a yearbook panel
--    income(state, fips, year, income).
CREATE TABLE usjoin_raw(rn serial, line text);   -- rn: line number (1 = header)
\copy usjoin_raw(line) FROM 'data/us_income/usjoin.csv'
CREATE TABLE income AS
WITH rows AS (
  SELECT string_to_array(replace(line, '"', ''), ',') AS f, rn
  FROM usjoin_raw),
header AS (SELECT f FROM rows WHERE rn = 1)
SELECT r.rn - 2 AS id, r.f[1] AS state, r.f[2]::int AS fips, h.f[i]::int AS year, r.f[i]::float8 AS income
FROM rows r, header h, generate_subscripts(r.f, 1) i
WHERE r.rn > 1 AND i > 2;
\echo
\echo '== Panel loaded: 48 states x 81 years of per-capita income (BEA)'
SELECT count(DISTINCT state) AS states, min(year) AS first_year, max(year) AS last_year, count(*) AS rows
FROM income;

-- 2. Martin et al. (2016) resistance to two shocks, the reference being the
--    48 states together. martin_resilience(y_t, y_base, ref_t, ref_base).
CREATE TEMP VIEW shocks AS
SELECT s.name, s.base, s.trough FROM (VALUES ('Great Depression', 1929, 1933),
                                             ('Great Recession', 2007, 2009)) s(name, base, trough);
CREATE TEMP TABLE resistance AS
WITH nat AS (SELECT year, sum(income) AS income FROM income GROUP BY year)
SELECT sh.name AS shock, i.state,
       martin_resilience(t.income, b.income, nt.income, nb.income) AS resistance
FROM shocks sh
JOIN income b ON b.year = sh.base
JOIN income t ON t.year = sh.trough AND t.state = b.state
JOIN nat nb ON nb.year = sh.base
JOIN nat nt ON nt.year = sh.trough
JOIN income i ON i.state = b.state AND i.year = sh.base;
\echo
\echo '== Resistance to each shock (Martin et al. 2016): (g_state - g_US) / |g_US|'
\echo '   > 0: the state did better than the nation; < 0: worse. The ratio divides by |g_US|,'
\echo '   so when the national change is small (2007-09, nominal) the values are large.'
SELECT sh.name AS shock, sh.base || '-' || sh.trough AS "window",
       round((100 * (sum(t.income) / sum(b.income) - 1))::numeric, 2) AS us_growth_pct
FROM shocks sh JOIN income b ON b.year = sh.base JOIN income t ON t.year = sh.trough AND t.state = b.state
GROUP BY 1, 2 ORDER BY 2;
SELECT shock,
       string_agg(state || ' ' || round(resistance::numeric, 2), ', ' ORDER BY resistance DESC)
         FILTER (WHERE rk_top <= 3) AS most_resistant,
       string_agg(state || ' ' || round(resistance::numeric, 2), ', ' ORDER BY resistance)
         FILTER (WHERE rk_bottom <= 3) AS least_resistant
FROM (SELECT *, rank() OVER (PARTITION BY shock ORDER BY resistance DESC) AS rk_top,
                rank() OVER (PARTITION BY shock ORDER BY resistance) AS rk_bottom
      FROM resistance) r
GROUP BY shock ORDER BY shock;

-- 3. Concentration: how unequal are income shares across states?
--    hhi_agg is 1/48 = 0.0208 for perfectly equal shares; the normalised HHI
--    is 0 then. Falling values are regional convergence.
\echo
\echo '== Concentration of per-capita income across the 48 states (HHI of shares)'
SELECT year, round(hhi_agg(income)::numeric, 6) AS hhi,
       round(hhi_normalized_agg(income)::numeric, 6) AS hhi_normalized,
       round(krugman_index_agg(income, 1)::numeric, 4) AS krugman_vs_equal
FROM income WHERE year IN (1929, 1932, 1950, 1970, 1990, 2009)
GROUP BY year ORDER BY year;

-- 4. Entropy weights (the paper's CEDI method) for a composite index of the
--    two resistances, each min-max normalised to [0, 1] first.
CREATE TEMP TABLE scored AS
SELECT state, shock,
       min_max_scale(resistance, min(resistance) OVER w, max(resistance) OVER w) AS score
FROM resistance WINDOW w AS (PARTITION BY shock);
CREATE TEMP TABLE composite AS
SELECT state,
       max(score) FILTER (WHERE shock = 'Great Depression') AS u1930s,
       max(score) FILTER (WHERE shock = 'Great Recession') AS u2000s
FROM scored GROUP BY state;
\echo
\echo '== Entropy weights of the two normalised resistances (sum to 1)'
SELECT cedi_entropy(ARRAY[u1930s, u2000s]) AS weights,
       indicator_entropy(ARRAY[u1930s, u2000s]) AS entropy
FROM composite;

-- 5. Coupling coordination of the two resistances, and the paper's classes.
\echo
\echo '== Coupling coordination D of 1930s and 2000s resistance, by class'
SELECT class, count(*) AS states, round(min(d)::numeric, 3) AS min_d, round(max(d)::numeric, 3) AS max_d,
       string_agg(state, ', ' ORDER BY d DESC) FILTER (WHERE rk <= 4) AS highest_d
FROM (SELECT state, d, coupling_class(d) AS class,
             rank() OVER (PARTITION BY coupling_class(d) ORDER BY d DESC) AS rk
      FROM (SELECT state, coupling_degree(u1930s, u2000s) AS d FROM composite) c0
      WHERE d IS NOT NULL) c
GROUP BY class ORDER BY min(d);

-- 6. Spatial autocorrelation: queen contiguity from GeoDa's GAL file, kept as a
--    table, and Moran's I of per-capita income for every year in one query.
\set gal `cat data/us_income/states48.gal`
CREATE TABLE w_queen AS SELECT * FROM read_gal(:'gal');
\echo
\echo '== Queen contiguity weights (states48.gal) and Moran''s I year by year, 999 permutations'
SELECT n, links, islands, min_neighbours, round(mean_neighbours::numeric, 2) AS mean_neighbours, max_neighbours
FROM weights_summary('w_queen');
DROP TABLE IF EXISTS us_moran;
CREATE TABLE us_moran AS
SELECT year, (morans_i(id, income, 'w_queen', 999, 42)).* FROM income GROUP BY year;
SELECT count(*) AS years, count(*) FILTER (WHERE p_sim < 0.05) AS significant_5pct,
       round(min(i)::numeric, 4) AS min_i, (array_agg(year ORDER BY i))[1] AS year_min,
       round(max(i)::numeric, 4) AS max_i, (array_agg(year ORDER BY i DESC))[1] AS year_max
FROM us_moran;
SELECT year, round(i::numeric, 4) AS moran_i, round(z_rand::numeric, 2) AS z_rand, p_rand < 0.001 AS p_rand_lt_001,
       p_sim, round(z_sim::numeric, 2) AS z_sim
FROM us_moran WHERE year % 10 = 9 OR year IN (1932, 2009)
ORDER BY year;
