-- The distributed panel Tobit (panel_tobit_distributed): each likelihood
-- evaluation is one query grouped by unit, whose per-unit step runs on the
-- shards when the relation is distributed by its unit column, and whose sum
-- (a float8[] state) is combined from the workers' partial sums: only the
-- k x k matrices cross the network. The results equal panel_tobit's on the
-- local table within 1e-8 (relative, 1 + |value|).
CREATE VIEW tobit_panel AS
SELECT province_id, year, greatest(0, ln(fdi / gdp * 100)) AS y, ln(gdp / population) AS lgdp,
       st_spending / gdp * 100 AS st, ln(highway_km) AS hw
FROM yearbook;
CREATE VIEW local_tobit_panel AS
SELECT province_id, year, greatest(0, ln(fdi / gdp * 100)) AS y, ln(gdp / population) AS lgdp,
       st_spending / gdp * 100 AS st, ln(highway_km) AS hw
FROM local_yearbook;
-- where each step runs, read from the plan of one evaluation's query
SELECT citus_strategy($$SELECT regecon_internal.tobit_sum(t) FROM (
    SELECT regecon_internal.tobit_unit_terms(array_agg(ARRAY[y, lgdp, st, hw]), 3, 0, NULL, 're',
           '{0,0,0,0,0,0}', 'adaptive', 12, 2) AS t FROM tobit_panel GROUP BY province_id) s$$, 'tobit_sum') AS sum_step,
       citus_strategy($$SELECT province_id, regecon_internal.tobit_unit_terms(array_agg(ARRAY[y, lgdp, st, hw]), 3, 0, NULL, 're',
           '{0,0,0,0,0,0}', 'adaptive', 12, 2) FROM tobit_panel GROUP BY province_id$$, 'array_agg') AS unit_step;
CREATE TABLE tobit_want AS
SELECT m, panel_tobit(y, ARRAY[lgdp, st, hw], province_id, 0, NULL, m, ARRAY['lgdp', 'st', 'hw']) AS f
FROM local_tobit_panel, unnest(ARRAY['pooled', 're']) m GROUP BY m;
CREATE TABLE tobit_got AS
SELECT m, panel_tobit_distributed('tobit_panel', 'y', ARRAY['lgdp', 'st', 'hw'], 'province_id', 0, NULL, m) AS f
FROM unnest(ARRAY['pooled', 're']) m;
-- the same fit on the coordinator's local copy (one node, no Citus table)
CREATE TABLE tobit_one_node AS
SELECT m, panel_tobit_distributed('local_tobit_panel', 'y', ARRAY['lgdp', 'st', 'hw'], 'province_id', 0, NULL, m) AS f
FROM unnest(ARRAY['pooled', 're']) m;
CREATE FUNCTION rel_diff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT max(abs(u - v) / (1 + abs(v))) FROM unnest(a, b) z(u, v) $$;
SELECT w.m, (g.f).converged, (g.f).terms = (w.f).terms AS same_terms, (g.f).n_obs, (g.f).n_units, (g.f).n_left,
       greatest(rel_diff((g.f).estimates, (w.f).estimates), rel_diff((g.f).std_errors, (w.f).std_errors),
                rel_diff((g.f).robust_std_errors, (w.f).robust_std_errors),
                rel_diff(ARRAY[(g.f).log_likelihood, (g.f).sigma_e, coalesce((g.f).sigma_u, 0), coalesce((g.f).lr_chibar2, 0)],
                         ARRAY[(w.f).log_likelihood, (w.f).sigma_e, coalesce((w.f).sigma_u, 0), coalesce((w.f).lr_chibar2, 0)]))
         < 1e-8 AS within_1e_8,
       greatest(rel_diff((o.f).estimates, (w.f).estimates), rel_diff((o.f).std_errors, (w.f).std_errors)) < 1e-8 AS one_node_within_1e_8
FROM tobit_want w JOIN tobit_got g USING (m) JOIN tobit_one_node o USING (m) ORDER BY 1;
-- the fit's accessors read it as any panel_tobit fit
SELECT term, round(estimate::numeric, 4) AS estimate
FROM tobit_coefficients((SELECT f FROM tobit_got WHERE m = 're')) ORDER BY term;
-- fixed effects are not sums over units
SELECT error_of($$SELECT panel_tobit_distributed('tobit_panel', 'y', ARRAY['lgdp'], 'province_id', 0, NULL, 'fe')$$);
