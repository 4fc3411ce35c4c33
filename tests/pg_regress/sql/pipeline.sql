-- The paper's pipeline (sql/china) on the SYNTHETIC China yearbook sample
-- (data/china_yearbook), checked against the generator's planted values, and
-- the refresh path: a new year (data/china_yearbook/holdout_2020) flows
-- through every stage with china.refresh().
\set QUIET on
\i sql/china/01_schema.sql
\i sql/china/02_load_sample.sql
\i sql/china/03_pipeline.sql
\set QUIET off
SELECT (SELECT count(*) FROM china.provinces) AS provinces, (SELECT count(*) FROM china.yearbook) AS yearbook_rows,
       (SELECT count(*) FROM china.coupling) AS coupling_rows, (SELECT min(year) FROM china.coupling) AS first_year,
       (SELECT max(year) FROM china.coupling) AS last_year;
-- D recomputed by the pipeline equals the generator's planted D
CREATE TEMP TABLE planted_d(province_id bigint, year int, d_planted float8, d_star float8);
\copy planted_d FROM 'data/china_yearbook/planted_d.csv' CSV HEADER
SELECT count(*) AS rows, max(abs(c.d - p.d_planted)) < 1e-9 AS d_matches_1e_9
FROM china.coupling c JOIN planted_d p USING (province_id, year);
-- the stages' invariants: scores in [0, 1] with the panel's extremes at 0 and 1,
-- entropy weights summing to 1, classes as the paper's thresholds
SELECT min(u1) = 0 AND max(u1) = 1 AS u1_spans, min(u2) = 0 AND max(u2) = 1 AS u2_spans,
       bool_and(class = CASE WHEN d < 0.3 THEN 'low' WHEN d < 0.5 THEN 'moderate' ELSE 'high' END) AS classes
FROM china.coupling;
SELECT bool_and(abs(weights[1] + weights[2] + weights[3] - 1) < 1e-12) AS weights_sum_to_1 FROM china.cedi;
-- weights: 4 neighbours each; the band leaves no island
SELECT n, links, islands, min_neighbours, max_neighbours FROM weights_summary('china.w_knn4');
SELECT n, islands, min_neighbours > 0 AS no_island FROM weights_summary('china.w_band');
-- Table 1: 15 years x 2 weights, reproducible with the seed
SELECT count(*) AS rows, bool_and(n = 31) AS n_31, bool_and(p_sim > 0 AND p_sim <= 1) AS p_in_range FROM china.table1;
SELECT t.i = (m).i AND t.p_sim = (m).p_sim AS reproducible
FROM china.table1 t, (SELECT morans_i(province_id, d, 'china.w_knn4', 999, 2022) AS m FROM china.coupling WHERE year = 2012) s
WHERE t.year = 2012 AND t.weights = 'knn4';
SELECT count(*) AS lisa_rows, count(DISTINCT quadrant) AS quadrants FROM china.lisa;
-- Table 2: seven groups; the whole-country fit recovers the planted
-- coefficients within 3 standard errors, and counts the censored rows
SELECT grp, model, n_obs, n_units, n_left, n_right, converged FROM china.table2_summary ORDER BY grp_order;
SELECT count(*) AS terms, bool_and(abs(estimate - planted) < 3 * std_error) AS planted_within_3_se
FROM china.table2 WHERE grp = 'Total';
\set planted `cat data/china_yearbook/planted.json`
SELECT n_left = (:'planted'::jsonb ->> 'censored_left')::int AS left_as_planted,
       n_right = (:'planted'::jsonb ->> 'censored_right')::int AS right_as_planted
FROM china.table2_summary WHERE grp = 'Total';

-- The refresh path: load 2020, refresh, and every stage has it
\copy china.yearbook FROM 'data/china_yearbook/holdout_2020/yearbook.csv' CSV HEADER
\copy china.industry_employment FROM 'data/china_yearbook/holdout_2020/industry_employment.csv' CSV HEADER
SELECT count(*) AS before_refresh FROM china.coupling WHERE year = 2020;
SELECT china.refresh() AS views_refreshed;
SELECT (SELECT count(*) FROM china.resilience WHERE year = 2020) AS resilience,
       (SELECT count(*) FROM china.agglomeration WHERE year = 2020) AS agglomeration,
       (SELECT count(*) FROM china.cedi WHERE year = 2020) AS cedi,
       (SELECT count(*) FROM china.coupling WHERE year = 2020) AS coupling,
       (SELECT count(*) FROM china.table1 WHERE year = 2020) AS table1,
       (SELECT count(*) FROM china.lisa WHERE year = 2020) AS lisa,
       (SELECT count(*) FROM china.factors WHERE year = 2020) AS factors,
       (SELECT n_obs FROM china.table2_summary WHERE grp = 'Total') AS tobit_total_rows;
CREATE TEMP TABLE planted_2020(province_id bigint, year int, d_planted float8, d_star float8);
\copy planted_2020 FROM 'data/china_yearbook/holdout_2020/planted_d.csv' CSV HEADER
SELECT count(*) AS rows, max(abs(c.d - p.d_planted)) < 1e-9 AS d_2020_matches_1e_9
FROM china.coupling c JOIN planted_2020 p USING (province_id, year);
