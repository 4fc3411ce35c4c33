-- After the update (and on a fresh install, to compare): the user's objects
-- still work, and 0.2.0's functions read what 0.1.0 stored.
SET extra_float_digits = 0;
REFRESH MATERIALIZED VIEW mv_moran;
REFRESH MATERIALIZED VIEW mv_lisa;
SELECT yr, round(((m).i)::numeric, 10) AS i, (m).p_sim, (m).absent_units FROM mv_moran ORDER BY yr;
SELECT id, round(ii::numeric, 10) AS ii, quadrant, p_sim FROM mv_lisa ORDER BY id LIMIT 5;
SELECT model, term, round(estimate::numeric, 8) AS estimate, round(std_error::numeric, 8) AS se FROM v_coef ORDER BY 1, 2;
SELECT model, n_obs, n_units, round(log_likelihood::numeric, 8) AS ll, converged FROM v_summary ORDER BY 1;
SELECT yr, round(((g).c)::numeric, 10) AS c FROM v_geary ORDER BY yr;
-- the stored fits through 0.2.0's readers (what 0.1.0 stored; the fields
-- 0.2.0 added read as NULL in a fit 0.1.0 stored: refit to fill them)
SELECT f.model, c.term, round(c.estimate::numeric, 8) AS b, round(c.ci_lower::numeric, 6) AS lo,
       round(c.ci_upper::numeric, 6) AS hi
FROM fits f, tobit_coefficients(f.fit) c ORDER BY 1, 2;
SELECT f.model, s.n_obs, s.converged, round(s.log_likelihood::numeric, 8) AS ll FROM fits f, tobit_summary(f.fit) s ORDER BY 1;
SELECT f.model, (tobit_check_fit(f.fit)).n_obs FROM fits f ORDER BY 1;
SELECT f.model, round(p.xb::numeric, 8) AS xb, round(p.e_ystar::numeric, 8) AS ystar
FROM fits f, tobit_predict(f.fit, ARRAY[3, 2]) p ORDER BY 1;
SELECT f.model, m.term, m.effect, round(m.estimate::numeric, 8) AS me, round(m.std_error::numeric, 8) AS se
FROM fits f, tobit_marginal_effects(f.fit) m ORDER BY 1, 2, 3;
-- the same data fitted again by 0.2.0
SELECT s.model, s.n_obs, s.message, round(s.wald_chi2::numeric, 6) AS wald, s.wald_df, s.obs_min, s.obs_max
FROM (SELECT panel_tobit(d, xs, id, 0, 1, m, ARRAY['x', 't']) AS fit FROM panel, unnest(ARRAY['pooled', 're', 'fe']) m GROUP BY m) f,
     tobit_summary(f.fit) s ORDER BY 1;
-- and 0.2.0's new forms
SELECT id, cluster FROM local_moran((SELECT array_agg(id ORDER BY id) FROM panel WHERE yr = 1),
                                    (SELECT array_agg(v ORDER BY id) FROM panel WHERE yr = 1), 'w', 99, 7) ORDER BY id LIMIT 5;
SELECT (morans_i(id::text, v, 'w')).i IS NULL AS never FROM panel WHERE false;
-- the deprecated 0.1.0 forms, called directly (one C symbol serves both forms)
SELECT id, round(ii::numeric, 10) AS ii, p_sim FROM local_moran_0_1((SELECT array_agg(id ORDER BY id) FROM panel WHERE yr = 2),
    (SELECT array_agg(v ORDER BY id) FROM panel WHERE yr = 2), 'w', 99, 7) ORDER BY id LIMIT 3;
SELECT f.model, c.term, round(c.estimate::numeric, 8) AS b FROM fits f, tobit_coefficients_0_1(f.fit) c ORDER BY 1, 2;
SELECT s.model, s.n_obs FROM fits f, tobit_summary_0_1(f.fit) s ORDER BY 1;
