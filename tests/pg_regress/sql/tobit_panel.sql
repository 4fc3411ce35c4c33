-- panel_tobit 're' and 'fe' on the public health-expenditure panel (500 units
-- x 4 periods, left-censored at 0), against tests/fixtures/tobit/health_re.json
-- written by tests/fixtures/make/tobit_re_reference.R (R 4.2.2: the plain
-- Gauss-Hermite likelihood of censReg maximised with 8 and 12 points, and the
-- exact likelihood by adaptive quadrature with 100 points, checked against
-- integrate()), and the censReg result published by the data's source project.
\set fx `cat tests/fixtures/tobit/health_re.json`
CREATE TABLE health(id bigint, time int, expenditure float8, income float8, age float8, chronic float8,
                    insurance float8, female float8, bmi float8);
\copy health FROM 'tests/fixtures/tobit/health_panel.csv' CSV HEADER
CREATE TABLE re_fits(key text, fit tobit_fit);
-- the reference's parameter for each of our terms
CREATE FUNCTION ref_name(term text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE term WHEN '_cons' THEN '(Intercept)' ELSE term END $$;
CREATE FUNCTION re_fit() RETURNS tobit_fit LANGUAGE sql AS $$
  SELECT panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL, 're',
                     ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi']) FROM health $$;
INSERT INTO re_fits SELECT 'exact', re_fit();          -- Stata's default: adaptive, 12 points
SHOW regecon.tobit_quadrature;
SHOW regecon.tobit_quadrature_points;
SET regecon.tobit_quadrature = 'ghq';
INSERT INTO re_fits SELECT 'q12', re_fit();
SET regecon.tobit_quadrature_points = 8;
INSERT INTO re_fits SELECT 'q8', re_fit();
RESET regecon.tobit_quadrature;
RESET regecon.tobit_quadrature_points;
-- the quadrature as arguments: the same fits as through the settings, bit
-- for bit, whatever the session's settings say (here the opposite rule)
CREATE FUNCTION re_fit_rule(q text, p int) RETURNS tobit_fit LANGUAGE sql AS $$
  SELECT panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL, 're',
                     ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi'], q, p) FROM health $$;
SET regecon.tobit_quadrature = 'adaptive';
SET regecon.tobit_quadrature_points = 30;
SELECT f.key, (a.fit).quadrature, (a.fit).quadrature_points,
       (a.fit).estimates = (f.fit).estimates AND (a.fit).vcov = (f.fit).vcov
       AND (a.fit).log_likelihood = (f.fit).log_likelihood AS same_fit
FROM re_fits f, LATERAL (SELECT CASE f.key WHEN 'q12' THEN re_fit_rule('ghq', 12)
                                           WHEN 'q8' THEN re_fit_rule('GHQ', 8) END AS fit) a
WHERE f.key <> 'exact' ORDER BY 1;
SET regecon.tobit_quadrature = 'ghq';
SET regecon.tobit_quadrature_points = 3;
SELECT (re_fit_rule('adaptive', 12)).estimates = (fit).estimates AS adaptive_12_as_default
FROM re_fits WHERE key = 'exact';
-- NULL arguments take the settings (here ghq, 3 points)
SELECT (re_fit_rule(NULL, NULL)).quadrature, (re_fit_rule(NULL, 8)).quadrature_points;
RESET regecon.tobit_quadrature;
RESET regecon.tobit_quadrature_points;
-- under a parallel plan (the rule travels in the serialized partial states)
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT partial_aggs($$SELECT panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL,
                                       're', ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi'], 'ghq', 8)
                      FROM health$$) AS partial_aggregates;
SELECT (p.fit).estimates = (f.fit).estimates AS parallel_same_estimates
FROM (SELECT panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL, 're',
                         ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi'], 'ghq', 8) AS fit
      FROM health) p, re_fits f WHERE f.key = 'q8';
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
CREATE VIEW want AS
SELECT key, CASE key WHEN 'exact' THEN :'fx'::jsonb -> 'exact' ELSE :'fx'::jsonb -> 'ghq' -> key END AS w FROM re_fits;
-- coefficients and standard errors: adaptive 12 points against the exact
-- likelihood, plain quadrature against the same plain quadrature
SELECT f.key, count(*) AS terms,
       max(rel_err(c.estimate, (w.w -> 'coefficients' ->> ref_name(c.term))::float8)) < CASE f.key WHEN 'exact' THEN 1e-6 ELSE 1e-8 END AS estimates,
       max(rel_err(c.std_error, (w.w -> 'coefficient_std_error' ->> ref_name(c.term))::float8)) < CASE f.key WHEN 'exact' THEN 1e-6 ELSE 1e-7 END AS std_errors
FROM re_fits f JOIN want w USING (key), tobit_coefficients(f.fit) c
GROUP BY f.key ORDER BY 1;
SELECT f.key, m.quadrature, m.quadrature_points, m.n_obs, m.n_units, m.n_left, m.converged,
       rel_err(m.log_likelihood, (w.w ->> 'loglik')::float8) < CASE f.key WHEN 'exact' THEN 1e-12 ELSE 1e-13 END AS loglik,
       rel_err(m.sigma_e, (w.w ->> 'sigma_e')::float8) < 1e-7 AS sigma_e,
       rel_err(m.sigma_u, (w.w ->> 'sigma_u')::float8) < 1e-7 AS sigma_u,
       rel_err(m.se_sigma_u, (w.w ->> 'sigma_u_std_error')::float8) < 1e-6 AS se_sigma_u,
       rel_err(m.rho, (w.w ->> 'rho')::float8) < 1e-7 AS rho,
       rel_err(m.lr_chibar2, (w.w ->> 'lr_chibar2')::float8) < 1e-8 AS lr_chibar2,
       rel_err(m.p_chibar2, (w.w ->> 'lr_p')::float8) < 1e-6 AS p_chibar2
FROM re_fits f JOIN want w USING (key), tobit_summary(f.fit) m ORDER BY 1;
-- the censReg result published with the data (BHHH, nGHQ = 8): it stopped on a
-- looser criterion, so its log-likelihood is a little below our optimum of the
-- same likelihood, and its coefficients agree to a few 1e-4; its standard errors
-- are BHHH's outer product of gradients (ours: the Hessian), within 8 %.
SELECT (f.fit).log_likelihood >= (p ->> 'loglik')::float8 AS at_least_censreg,
       rel_err((f.fit).log_likelihood, (p ->> 'loglik')::float8) < 1e-9 AS loglik_1e_9,
       max(rel_err(c.estimate, (p -> 'estimate' ->> ref_name(c.term))::float8)) < 5e-4 AS estimates_5e_4,
       max(rel_err(c.std_error, (p -> 'std_error' ->> ref_name(c.term))::float8)) < 0.08 AS std_errors_8pct
FROM re_fits f, tobit_coefficients(f.fit) c, LATERAL (SELECT :'fx'::jsonb -> 'published' AS p) j
WHERE f.key = 'q8' GROUP BY f.fit, p;
SELECT term, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error, stars
FROM re_fits, tobit_coefficients(fit) WHERE key = 'exact';

-- the thread count does not change a bit of the result
SET regecon.max_threads = 1;
CREATE TABLE one_thread AS SELECT re_fit() AS fit;
SET regecon.max_threads = 2;
SELECT (o.fit).estimates = (f.fit).estimates AS same_estimates,
       (o.fit).log_likelihood = (f.fit).log_likelihood AS same_loglik
FROM one_thread o, re_fits f WHERE f.key = 'exact';
RESET regecon.max_threads;

-- cluster-robust standard errors by unit
SELECT term, round(std_error::numeric, 4) AS robust_std_error
FROM re_fits, tobit_coefficients(fit, 'cluster') WHERE key = 'exact';

-- fixed effects: a regressor constant within units is named; without it the
-- fit drops the units censored in every period (with a NOTICE)
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income, female], id, 0, NULL, 'fe', ARRAY['income', 'female']) FROM health$$);
CREATE TABLE fe_fit AS
SELECT panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, bmi], id, 0, NULL, 'fe',
                   ARRAY['income', 'age', 'chronic', 'insurance', 'bmi']) AS fit FROM health;
SELECT model, n_obs, n_units, dropped_units, n_left, converged, sigma_u IS NULL AS no_sigma_u
FROM fe_fit, tobit_summary(fit);
SELECT term, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error, stars
FROM fe_fit, tobit_coefficients(fit);

-- FE equals a pooled Tobit with explicit unit dummies (units 1-6, 24 rows;
-- the pooled fit's _cons is unit 1's effect)
CREATE TABLE small AS SELECT * FROM health WHERE id <= 6 AND id NOT IN
  (SELECT id FROM health GROUP BY id HAVING max(expenditure) <= 0);
SELECT count(*) AS rows, count(DISTINCT id) AS units FROM small;
WITH fe AS (SELECT panel_tobit(expenditure, ARRAY[income, chronic], id, 0, NULL, 'fe') AS f FROM small),
     dummies AS (SELECT panel_tobit(expenditure, ARRAY[income, chronic] || ARRAY(
                          SELECT (s.id = u)::int::float8 FROM (SELECT DISTINCT id AS u FROM small ORDER BY 1 OFFSET 1) d),
                        id, 0, NULL, 'pooled') AS f FROM small s)
SELECT rel_err((fe.f).estimates[1], (d.f).estimates[1]) < 1e-9 AS income,
       rel_err((fe.f).estimates[2], (d.f).estimates[2]) < 1e-9 AS chronic,
       rel_err((fe.f).std_errors[1], (d.f).std_errors[1]) < 1e-8 AS se_income,
       rel_err((fe.f).sigma_e, (d.f).sigma_e) < 1e-9 AS sigma_e,
       rel_err((fe.f).log_likelihood, (d.f).log_likelihood) < 1e-12 AS loglik,
       (fe.f).n_params = (d.f).n_params AS same_parameter_count
FROM fe, dummies d;

-- Hausman (FE against RE, common slopes; female is not in the FE fit)
SELECT round(h.chi2::numeric, 2) AS chi2, h.df, round(h.p_value::numeric, 4) AS p_value, h.positive_definite, h.terms
FROM fe_fit, re_fits r, tobit_hausman(fe_fit.fit, r.fit) h WHERE r.key = 'exact';
SELECT sqlstate_of($$SELECT tobit_hausman(r.fit, fe_fit.fit) FROM fe_fit, re_fits r WHERE r.key = 'exact'$$);

-- marginal effects at the means: the censored-mean effect is b_j times the
-- probability of an uncensored outcome, the same P for every regressor
SELECT term, effect, round(estimate::numeric, 5) AS estimate, round(std_error::numeric, 5) AS std_error
FROM re_fits, tobit_marginal_effects(fit) WHERE key = 'exact' AND term IN ('income', 'chronic');
SELECT max(m.estimate / c.estimate) - min(m.estimate / c.estimate) < 1e-14 AS same_probability
FROM re_fits f, tobit_marginal_effects(f.fit) m JOIN tobit_coefficients(f.fit) c USING (term)
WHERE f.key = 'exact' AND m.effect = 'censored';

-- Table 2's layout: whole sample and subsets from one grouped query
SELECT coalesce(grp, 'Total') AS grp, (tobit_summary(fit)).n_obs, (tobit_summary(fit)).n_units,
       round((fit).estimates[1]::numeric, 4) AS income
FROM (SELECT CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END AS grp,
             panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL, 're') AS fit
      FROM health GROUP BY GROUPING SETS ((), (1))) s ORDER BY 1;

-- bad input
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], time, 0, NULL, 're') FROM health WHERE id = 1$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id * 10 + time, 0, NULL, 're') FROM health$$);
SELECT sqlstate_of($$SELECT panel_tobit(0.0, ARRAY[income], id, 0, NULL, 're') FROM health$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id, 0, NULL, 'fe') FROM health WHERE id = 1 AND time <= 2$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income, 2 * income], id, 0, NULL, 're') FROM health$$);
SELECT sqlstate_of($$SELECT tobit_coefficients(fit, 'bootstrap') FROM fe_fit$$);
SELECT sqlstate_of($$SET regecon.tobit_quadrature = 'laplace'$$);
SELECT sqlstate_of($$SET regecon.tobit_quadrature_points = 0$$);
SELECT sqlstate_of($$SET regecon.tobit_quadrature_points = 151$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id, 0, NULL, 're', NULL, 'laplace', 12) FROM health$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id, 0, NULL, 're', NULL, 'ghq', 0) FROM health$$);
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id, 0, NULL, 're', NULL, 'ghq', 151) FROM health$$);
-- a rule that changes within a group
SELECT sqlstate_of($$SELECT panel_tobit(expenditure, ARRAY[income], id, 0, NULL, 're', NULL, 'ghq', (8 + id % 2)::int) FROM health$$);
-- a long fit stops on statement_timeout (reading the rows takes ~0.2 s, the
-- fit several seconds: the cancel lands between Newton iterations)
CREATE TABLE re_big AS SELECT g / 4 AS unit, (g % 97) / 97.0 AS x, greatest(0, sin(g) + (g % 97) / 97.0) AS y
FROM generate_series(1, 400000) g;
SET statement_timeout = '1s';
SELECT (panel_tobit(y, ARRAY[x], unit, 0, NULL, 're')).converged FROM re_big;
RESET statement_timeout;
SELECT 1 AS backend_alive;

-- panel_tobit_distributed: the same fits from sums over units, one query per
-- likelihood evaluation (docs/tobit.md). Against the aggregate, on the health
-- panel: pooled, RE with the default rule (adaptive, 12) and with ghq/8
-- named by the call, within 1e-9 (relative to 1 + |value|).
CREATE FUNCTION rel_diff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT max(abs(u - v) / (1 + abs(v))) FROM unnest(a, b) z(u, v) $$;
CREATE TABLE dist_fits AS
SELECT key, panel_tobit_distributed('health', 'expenditure', ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi'],
                                    'id', 0, NULL, model, q, p) AS fit
FROM (VALUES ('pooled', 'pooled', NULL, NULL), ('exact', 're', NULL, NULL), ('q8', 're', 'ghq', 8)) v(key, model, q, p);
CREATE TABLE agg_fits AS SELECT 'pooled' AS key,
  panel_tobit(expenditure, ARRAY[income, age, chronic, insurance, female, bmi], id, 0, NULL, 'pooled',
              ARRAY['income', 'age', 'chronic', 'insurance', 'female', 'bmi']) AS fit FROM health
UNION ALL SELECT key, fit FROM re_fits WHERE key IN ('exact', 'q8');
SELECT d.key, (d.fit).converged, (d.fit).terms = (a.fit).terms AS same_terms,
       (d.fit).n_obs = (a.fit).n_obs AND (d.fit).n_units = (a.fit).n_units AND (d.fit).n_left = (a.fit).n_left
         AND (d.fit).obs_min = (a.fit).obs_min AND (d.fit).obs_max = (a.fit).obs_max AS same_counts,
       (d.fit).quadrature IS NOT DISTINCT FROM (a.fit).quadrature
         AND (d.fit).quadrature_points IS NOT DISTINCT FROM (a.fit).quadrature_points AS same_rule,
       greatest(rel_diff((d.fit).estimates, (a.fit).estimates), rel_diff((d.fit).std_errors, (a.fit).std_errors),
                rel_diff((d.fit).robust_std_errors, (a.fit).robust_std_errors), rel_diff((d.fit).vcov, (a.fit).vcov),
                rel_diff((d.fit).x_means, (a.fit).x_means),
                rel_diff(ARRAY[(d.fit).log_likelihood, (d.fit).sigma_e, coalesce((d.fit).sigma_u, 0),
                               coalesce((d.fit).lr_chibar2, 0), (d.fit).aic],
                         ARRAY[(a.fit).log_likelihood, (a.fit).sigma_e, coalesce((a.fit).sigma_u, 0),
                               coalesce((a.fit).lr_chibar2, 0), (a.fit).aic])) < 1e-9 AS within_1e_9
FROM dist_fits d JOIN agg_fits a USING (key) ORDER BY 1;
-- the accessors read it as any fit
SELECT term, round(estimate::numeric, 4) AS estimate FROM tobit_coefficients((SELECT fit FROM dist_fits WHERE key = 'exact'));
-- a view turns expressions into columns; a text unit column; an empty search_path
CREATE VIEW health_view AS SELECT 'p' || id AS person, expenditure / 1000 AS spending, income FROM health;
SET search_path = '';
SELECT (f).converged, (f).n_units, round((f).estimates[1]::numeric, 6) AS income
FROM (SELECT public.panel_tobit_distributed('public.health_view', 'spending', ARRAY['income'], 'person', 0, NULL, 're') AS f) s;
RESET search_path;
SELECT round((panel_tobit(expenditure / 1000, ARRAY[income], 'p' || id, 0, NULL, 're')).estimates[1]::numeric, 6) AS income_aggregate
FROM health;
-- NULL names of the data or the model: NULL
SELECT panel_tobit_distributed(NULL, 'expenditure', ARRAY['income'], 'id', 0, NULL, 're') IS NULL AS null_relation,
       panel_tobit_distributed('health', 'expenditure', NULL, 'id', 0, NULL, 're') IS NULL AS null_x,
       panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 0, NULL, NULL) IS NULL AS null_model;
-- bad input: named errors
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 0, NULL, 'fe')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'spending', ARRAY['income'], 'id', 0, NULL, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income', 'ctid'], 'id', 0, NULL, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY[]::text[], 'id', 0, NULL, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income', NULL], 'id', 0, NULL, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income', 'income'], 'id', 0, NULL, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 1, 0, 're')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 0, NULL, 're', 'laplace')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 0, NULL, 're', 'ghq', 151)$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health', 'expenditure', ARRAY['income'], 'id', 0, NULL, 'bogus')$$);
-- collinear regressors, a relation without rows
CREATE TABLE health_twice AS SELECT *, 2 * income AS income2 FROM health;
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health_twice', 'expenditure', ARRAY['income', 'income2'], 'id', 0, NULL, 'pooled')$$);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health_twice', 'expenditure', ARRAY['income'], 'id', 5e9, NULL, 'pooled')$$);
CREATE TABLE health_none (LIKE health);
SELECT sqlstate_of($$SELECT panel_tobit_distributed('health_none', 'expenditure', ARRAY['income'], 'id', 0, NULL, 'pooled')$$);
-- the per-unit step: NULL (never NaN) where theta leaves the likelihood's domain
SELECT regecon_internal.tobit_unit_terms(ARRAY[ARRAY[1, 0.5], ARRAY[0, 0.2]]::float8[], 1, 0, NULL, 'pooled',
       ARRAY[1e308, 1e308, 0]::float8[], 'adaptive', 12, 2) IS NULL AS outside_domain;
-- a long distributed fit stops on statement_timeout too
SET statement_timeout = '1s';
SELECT (panel_tobit_distributed('re_big', 'y', ARRAY['x'], 'unit', 0, NULL, 're')).converged;
RESET statement_timeout;
SELECT 1 AS backend_alive;
DROP TABLE dist_fits, agg_fits, health_twice, health_none CASCADE;
DROP VIEW health_view;
DROP FUNCTION rel_diff(float8[], float8[]);
