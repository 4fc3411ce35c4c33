-- panel_tobit (pooled) against R's AER::tobit on the Affairs data
-- (tests/fixtures/tobit, from tests/fixtures/make/tobit_reference.R)
\set fx `cat tests/fixtures/tobit/affairs.json`
CREATE TABLE affairs(affairs float8, male float8, age float8, yearsmarried float8, kids float8,
                     religiousness float8, education float8, occupation float8, rating float8);
\copy affairs FROM 'tests/fixtures/tobit/affairs.csv' CSV HEADER
ALTER TABLE affairs ADD COLUMN id serial;
CREATE TABLE fits AS
SELECT f.key, panel_tobit(a.affairs, ARRAY[a.age, a.yearsmarried, a.religiousness, a.occupation, a.rating], a.id, 0,
                          CASE f.key WHEN 'left0_right4' THEN 4 END, 'pooled',
                          ARRAY['age', 'yearsmarried', 'religiousness', 'occupation', 'rating']) AS fit
FROM affairs a, (VALUES ('left0'), ('left0_right4')) f(key)
GROUP BY f.key;
-- AER lists (Intercept) first and Log(scale) last; we list _cons last (Stata's order)
SELECT s.key, count(*) AS terms,
       max(rel_err(c.estimate, (want -> 'estimate' ->> pos)::float8)) < 1e-8 AS estimates_1e_8,
       max(rel_err(c.std_error, (want -> 'std_error' ->> pos)::float8)) < 1e-8 AS std_errors_1e_8,
       max(abs(c.z - (want -> 'z' ->> pos)::float8)) < 1e-7 AS z_1e_7
FROM fits s, tobit_coefficients(s.fit) WITH ORDINALITY c(term, estimate, std_error, z, p_value, stars, ci_lower, ci_upper, ord),
     LATERAL (SELECT :'fx'::jsonb -> 'fits' -> s.key AS want,
                     CASE WHEN c.term = '_cons' THEN 0 ELSE c.ord::int END AS pos) j
GROUP BY s.key ORDER BY 1;
SELECT s.key, m.n_obs, m.n_left, m.n_uncensored, m.n_right, m.converged,
       rel_err(m.log_likelihood, (:'fx'::jsonb -> 'fits' -> s.key ->> 'log_likelihood')::float8) < 1e-12 AS loglik_1e_12,
       rel_err(m.sigma_e, (:'fx'::jsonb -> 'fits' -> s.key ->> 'scale')::float8) < 1e-8 AS sigma_1e_8
FROM fits s, tobit_summary(s.fit) m ORDER BY 1;
SELECT term, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error, stars
FROM fits, tobit_coefficients(fit) WHERE key = 'left0';

-- average marginal effects over the fitted rows against R (AER::tobit with
-- the formulas written out, tests/fixtures/make/tobit_predict_reference.R)
\set px `cat tests/fixtures/tobit/predict.json`
SELECT s.key, count(*) AS effects,
       max(rel_err(e.estimate, (w ->> 'estimate')::float8)) < 1e-7 AS ame_1e_7,
       max(rel_err(e.std_error, (w ->> 'std_error')::float8)) < 1e-6 AS se_1e_6
FROM fits s,
     tobit_average_marginal_effects(s.fit, (SELECT array_agg(ARRAY[age, yearsmarried, religiousness, occupation, rating] ORDER BY id) FROM affairs)) e,
     jsonb_array_elements(:'px'::jsonb -> 'fits' -> s.key -> 'ame') w
WHERE w ->> 'term' = e.term AND w ->> 'kind' = e.effect
GROUP BY s.key ORDER BY 1;
SELECT term, effect, round(estimate::numeric, 4) AS ame, round(std_error::numeric, 4) AS se
FROM fits, tobit_average_marginal_effects(fit, (SELECT array_agg(ARRAY[age, yearsmarried, religiousness, occupation, rating]) FROM affairs))
WHERE key = 'left0' AND term = 'rating';
-- a one-row x is the effect at that row; a ragged x is an error
SELECT count(*) FROM fits, tobit_average_marginal_effects(fit, ARRAY[30, 10, 3, 5, 4]::float8[]) WHERE key = 'left0';
SELECT sqlstate_of($$SELECT tobit_average_marginal_effects(fit, ARRAY[1, 2, 3]::float8[]) FROM fits$$);

-- one regression per group from GROUPING SETS (Table 2's layout)
SELECT CASE WHEN grouping(male) = 1 THEN 'Total' WHEN male = 1 THEN 'Men' ELSE 'Women' END AS sample,
       (tobit_summary(panel_tobit(affairs, ARRAY[age, yearsmarried, religiousness, occupation, rating], id, 0, NULL, 'pooled'))).n_obs
FROM affairs GROUP BY GROUPING SETS ((male), ()) ORDER BY 1;

-- NULL rows are skipped; NULL bounds mean no censoring on that side
SELECT (tobit_summary(panel_tobit(NULLIF(affairs, 12), ARRAY[age, rating], id, 0, NULL, 'pooled'))).n_obs FROM affairs;
SELECT (tobit_summary(panel_tobit(affairs, ARRAY[age, rating], id, NULL, NULL, 'pooled'))).n_left FROM affairs;

-- bad input
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age, age * 2], id, 0, NULL, 'pooled', ARRAY['age', 'age2']) FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age, 1.0], id, 0, NULL, 'pooled', ARRAY['age', 'one']) FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(0.0, ARRAY[age], id, 0, NULL, 'pooled') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age], id, 0, NULL, 'pooled') FROM affairs WHERE id < 3$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, CASE WHEN id = 7 THEN ARRAY[age] ELSE ARRAY[age, rating] END, id, 0, NULL, 'pooled') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age, 'NaN'], id, 0, NULL, 'pooled') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age], id, 4, 0, 'pooled') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age], id, 0, NULL, 'probit') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age], id, 0, NULL, 're') FROM affairs$$);
SELECT sqlstate_of($$SELECT panel_tobit(affairs, ARRAY[age], id, 0, NULL, 'pooled', ARRAY['a', 'b']) FROM affairs$$);
DROP TABLE affairs, fits;
