-- Data as users have it: a group whose units are a subset of the weights
-- relation's (one region's provinces, a missing province-year), checked
-- against libpysal's w_subset + esda (tests/fixtures/spatial/subset.json,
-- from tests/fixtures/make/subset_reference.py); GeoDa's LISA cluster names,
-- the spatial lag and the Moran scatter; Tobit groups that cannot be fitted;
-- the guard of martin_resilience.
\set subset `cat tests/fixtures/spatial/subset.json`
\set usjoin `cat tests/fixtures/spatial/usjoin.json`
\set us_gal `cat tests/fixtures/spatial/data/states48.gal`
CREATE TABLE ud_w AS SELECT * FROM read_gal(:'us_gal');
CREATE TABLE ud_obs AS
SELECT v.key AS variable, e.ord - 1 AS id, e.val::float8 AS value
FROM jsonb_each(:'usjoin'::jsonb -> 'variables') v, jsonb_array_elements_text(v.value) WITH ORDINALITY e(val, ord);
CREATE TABLE ud_cases AS
SELECT c.key AS name, c.value AS fx FROM jsonb_each(:'subset'::jsonb -> 'cases') c;

-- 1. Moran's I and Geary's C of the kept units with the national weights
--    (restricted, then row-standardised) equal esda's on w_subset
CREATE TABLE ud_ours AS
SELECT c.name, o.variable, morans_i(o.id, o.value, 'ud_w') AS m, gearys_c(o.id, o.value, 'ud_w') AS g
FROM ud_cases c JOIN ud_obs o ON o.variable IN ('1929', '2009')
 AND o.id IN (SELECT k::bigint FROM jsonb_array_elements_text(c.fx -> 'kept') k)
GROUP BY c.name, o.variable;
SELECT u.name, u.variable, (u.m).n, (u.m).islands, (u.m).absent_units, (u.m).dropped_links,
       (u.m).dropped_links = (c.fx ->> 'dropped_links')::int AS dropped_as_libpysal,
       greatest(rel_err((u.m).i, (r.fx -> 'moran' ->> 'I')::float8),
                rel_err((u.m).variance_norm, (r.fx -> 'moran' ->> 'VI_norm')::float8),
                rel_err((u.m).z_norm, (r.fx -> 'moran' ->> 'z_norm')::float8),
                rel_err((u.m).variance_rand, (r.fx -> 'moran' ->> 'VI_rand')::float8),
                rel_err((u.m).z_rand, (r.fx -> 'moran' ->> 'z_rand')::float8)) < 1e-9 AS moran_matches_esda,
       rel_err((u.g).c, (r.fx -> 'geary' ->> 'C')::float8) < 1e-9 AS geary_matches_esda
FROM ud_ours u JOIN ud_cases c USING (name),
     LATERAL (SELECT c.fx -> 'results' -> u.variable AS fx) r
ORDER BY 1, 2;
-- a gap: one missing state-year no longer fails the other years, and the
-- exact option names the missing unit instead
SELECT variable, (morans_i(id, value, 'ud_w')).absent_units FROM ud_obs
WHERE NOT (variable = '1970' AND id = 5) GROUP BY variable ORDER BY variable;
SET regecon.weights_match = exact;
SELECT sqlstate_of($$SELECT morans_i(id, value, 'ud_w') FROM ud_obs WHERE variable = '1970' AND id <> 5$$) AS exact;
RESET regecon.weights_match;

-- 2. GeoDa's LISA output: cluster names at a significance cutoff (with
--    Bonferroni and FDR corrections), the spatial lag, the Moran scatter
CREATE TABLE ud_arr AS
SELECT array_agg(id ORDER BY id) AS ids, array_agg(value ORDER BY id) AS v FROM ud_obs WHERE variable = '2009';
SELECT l.cluster, count(*) FROM ud_arr, local_moran(ids, v, 'ud_w', 999, 7) l GROUP BY 1 ORDER BY 1;
SELECT 'bonferroni' AS correction, count(*) FILTER (WHERE l.cluster <> 'Not significant') AS significant
FROM ud_arr, local_moran(ids, v, 'ud_w', 999, 7, 'r', 0.05, 'bonferroni') l
UNION ALL
SELECT 'fdr', count(*) FILTER (WHERE l.cluster <> 'Not significant') FROM ud_arr, local_moran(ids, v, 'ud_w', 999, 7, 'r', 0.05, 'fdr') l
UNION ALL
SELECT 'none', count(*) FILTER (WHERE l.cluster <> 'Not significant') FROM ud_arr, local_moran(ids, v, 'ud_w', 999, 7, 'r', 0.05, 'none') l
ORDER BY 2;
-- the lag of local_moran, spatial_lag and the scatter agree; the slope of the
-- scatter (lag on z) is Moran's I
SELECT max(abs(s.lag - l.lag)) < 1e-12 AS lags_agree
FROM ud_arr, spatial_lag(ids, v, 'ud_w') s JOIN local_moran(ids, v, 'ud_w') l USING (id);
SELECT abs(regr_slope(m.lag, m.z) - (SELECT (morans_i(id, value, 'ud_w')).i FROM ud_obs WHERE variable = '2009')) < 1e-12
       AS slope_is_morans_i
FROM ud_arr, moran_scatter(ids, v, 'ud_w') m;
-- an island (a unit whose neighbours are all absent) is Neighborless
SELECT l.id, l.quadrant, l.cluster, l.z IS NULL AS z_null
FROM (SELECT array_agg(id ORDER BY id) AS ids, array_agg(value ORDER BY id) AS v FROM ud_obs
      WHERE variable = '2009' AND id IN (SELECT k::bigint FROM ud_cases, jsonb_array_elements_text(fx -> 'kept') k
                                         WHERE name = 'with_island')) a,
     local_moran(a.ids, a.v, 'ud_w') l
WHERE l.quadrant = 'island';
SELECT sqlstate_of($$SELECT * FROM ud_arr, local_moran(ids, v, 'ud_w', 0, 0, 'r', 1.5)$$) AS bad_cutoff,
       sqlstate_of($$SELECT * FROM ud_arr, local_moran(ids, v, 'ud_w', 0, 0, 'r', 0.05, 'holm')$$) AS bad_correction;

-- 3. Tobit on awkward data: a collinear regressor is omitted (NOTICE, NULL
--    estimate), a group that cannot be fitted gives converged = false with a
--    message and a WARNING instead of aborting the query, input errors stay
--    errors; Wald chi2 and observations per unit in the summary
CREATE TABLE ud_panel AS
SELECT u::bigint AS unit, t, grp, x, 2 * x AS x2,
       greatest(0.0, 0.2 + 0.5 * x + 0.1 * sin(u * 7 + t))::float8 AS y
FROM generate_series(1, 20) u, generate_series(1, 5) t,
     LATERAL (SELECT CASE WHEN u <= 10 THEN 'a' ELSE 'b' END AS grp, cos(u * 3.0 + t * 1.7) AS x) s;
SELECT t.term, round(t.estimate::numeric, 6) AS estimate, t.std_error IS NULL AS se_null, f.omitted
FROM (SELECT panel_tobit(y, ARRAY[x, x2], unit, 0, NULL, 'pooled', ARRAY['x', 'x2']) AS fit FROM ud_panel) s,
     tobit_coefficients(s.fit) t, LATERAL (SELECT (s.fit).omitted) f;
SELECT grp, (fit).converged, (fit).message, (fit).n_obs
FROM (SELECT coalesce(grp, 'all') AS grp,
             panel_tobit(CASE WHEN grp = 'b' THEN 0 ELSE y END, ARRAY[x], unit, 0, NULL, 'pooled') AS fit
      FROM ud_panel GROUP BY GROUPING SETS ((grp), ())) s
ORDER BY grp;
SELECT count(*) AS rows, bool_and(estimate IS NULL) AS all_null
FROM (SELECT panel_tobit(0::float8, ARRAY[x], unit, 0, NULL, 'pooled') AS fit FROM ud_panel) s, tobit_coefficients(s.fit);
SELECT sqlstate_of($$SELECT panel_tobit(y, ARRAY[x], unit, 1, 0, 'pooled') FROM ud_panel$$) AS lower_above_upper;
SELECT wald_df, round(wald_chi2::numeric, 4) AS wald_chi2, wald_p < 0.05 AS significant, obs_min, obs_mean, obs_max
FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, NULL, 'pooled') AS fit FROM ud_panel) s, tobit_summary(s.fit);

-- confidence intervals (Stata's level, default 95) are estimate -/+ z se,
-- and tobit_predict gives the linear prediction and the censored means
SELECT t.term, abs(t.ci_lower - (t.estimate - 1.959963984540054 * t.std_error)) < 1e-12
           AND abs(t.ci_upper - (t.estimate + 1.959963984540054 * t.std_error)) < 1e-12 AS ci_95,
       abs(t90.ci_upper - (t90.estimate + 1.6448536269514722 * t90.std_error)) < 1e-12 AS ci_90
FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, NULL, 'pooled', ARRAY['x']) AS fit FROM ud_panel) s,
     tobit_coefficients(s.fit) t JOIN tobit_coefficients(s.fit, 'oim', 90) t90 USING (term)
ORDER BY t.term;
SELECT abs(p.xb - ((s.fit).estimates[1] * 0.5 + (s.fit).estimates[2])) < 1e-12 AS xb_is_linear,
       p.e_ystar = p.xb AS e_ystar, p.pr_uncensored BETWEEN 0 AND 1 AS pr_in_0_1,
       p.e_censored >= greatest(p.xb, 0) AS censored_mean_above, p.e_truncated > 0 AS truncated_mean_positive
FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, NULL, 'pooled', ARRAY['x']) AS fit FROM ud_panel) s,
     tobit_predict(s.fit, ARRAY[0.5]) p;
SELECT sqlstate_of($$SELECT * FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, NULL, 'pooled') AS fit FROM ud_panel) s,
                                   tobit_coefficients(s.fit, 'oim', 100)$$) AS bad_level,
       sqlstate_of($$SELECT * FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, NULL, 'pooled') AS fit FROM ud_panel) s,
                                   tobit_predict(s.fit, ARRAY[1, 2])$$) AS bad_x;

-- 4. martin_resilience's guard: NULL (and a NOTICE) when the reference barely moves
SELECT martin_resilience(110, 100, 1000.5, 1000) AS unguarded,
       martin_resilience(110, 100, 1000.5, 1000, 0.01) AS guarded,
       martin_resilience(110, 100, 1050, 1000, 0.01) AS moved;
-- 5. GAL and GWT files written as docs/spatial.md says (psql unaligned,
--    tuples only) are byte for byte the files libpysal read back in
--    tests/fixtures/make/gal_roundtrip_reference.py, and libpysal saw every
--    link and weight of the relation
CREATE TABLE ud_rt AS
SELECT src, dst, weight FROM knn_weights((SELECT array_agg(i::bigint) FROM generate_series(1, 30) i),
    (SELECT array_agg(sin(i)::float8) FROM generate_series(1, 30) i),
    (SELECT array_agg(cos(i * 2)::float8) FROM generate_series(1, 30) i), 3, binary => false);
\pset format unaligned
\pset tuples_only on
\o /tmp/regecon_regress_knn3.gal
SELECT to_gal('ud_rt');
\o /tmp/regecon_regress_knn3.gwt
SELECT to_gwt('ud_rt');
\o
\pset format aligned
\pset tuples_only off
\! cmp -s /tmp/regecon_regress_knn3.gal tests/fixtures/spatial/roundtrip/knn3.gal && echo 'gal file: as libpysal read it' || echo 'gal file: DIFFERS'
\! cmp -s /tmp/regecon_regress_knn3.gwt tests/fixtures/spatial/roundtrip/knn3.gwt && echo 'gwt file: as libpysal read it' || echo 'gwt file: DIFFERS'
\set rt `cat tests/fixtures/spatial/roundtrip/libpysal.json`
SELECT f.kind, (x.j ->> 'n')::int AS n, (x.j ->> 'links')::int AS links,
       (x.j ->> 'links')::int = (SELECT count(*) FROM ud_rt) AS all_links,
       (SELECT count(*) FROM jsonb_array_elements(x.j -> 'triples') t
        LEFT JOIN ud_rt r ON r.src = (t ->> 0)::bigint AND r.dst = (t ->> 1)::bigint
                         AND (f.kind = 'gal' OR r.weight = (t ->> 2)::float8)
        WHERE r.src IS NULL) AS mismatches
FROM (VALUES ('gal'), ('gwt')) f(kind), LATERAL (SELECT :'rt'::jsonb -> f.kind AS j) x;
-- 6. A panel's GROUP BY year reads the weights relation once and builds the
--    matrix once per set of units (a cache of the statement): the results
--    equal one query per year, years with other units included, and a
--    change to the relation is seen by the next statement, also when a
--    PL/pgSQL loop runs the same (cached) plan again
CREATE TABLE ud_cw AS SELECT src, dst, weight FROM knn_weights((SELECT array_agg(i::bigint) FROM generate_series(1, 60) i),
    (SELECT array_agg(sin(i * 1.7)::float8) FROM generate_series(1, 60) i),
    (SELECT array_agg(cos(i * 0.9)::float8) FROM generate_series(1, 60) i), 4);
CREATE TABLE ud_cp AS SELECT i::bigint AS id, yr, sin(i * yr) + i / 30.0 AS v
FROM generate_series(1, 60) i, generate_series(1, 6) yr WHERE NOT (yr = 3 AND i % 7 = 0);
CREATE TABLE ud_grouped AS SELECT yr, morans_i(id, v, 'ud_cw', 99, 5) AS m FROM ud_cp GROUP BY yr;
CREATE TABLE ud_single (yr int, m moran_result);
DO $$ BEGIN FOR y IN 1..6 LOOP
    INSERT INTO ud_single SELECT y, morans_i(id, v, 'ud_cw', 99, 5) FROM ud_cp WHERE yr = y;
END LOOP; END $$;
SELECT count(*) AS years, count(*) FILTER (WHERE g.m IS NOT DISTINCT FROM s.m) AS identical,
       max((g.m).absent_units) AS max_absent
FROM ud_grouped g JOIN ud_single s USING (yr);
CREATE TABLE ud_seen (pass int, i float8);
CREATE FUNCTION ud_twice() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    FOR pass IN 1..2 LOOP
        INSERT INTO ud_seen SELECT pass, (morans_i(id, v, 'ud_cw')).i FROM ud_cp WHERE yr = 1;
        IF pass = 1 THEN
            DELETE FROM ud_cw WHERE src < 20 AND dst % 2 = 0;   -- to be seen by pass 2
        END IF;
    END LOOP;
END $$;
SELECT ud_twice();
SELECT (SELECT i FROM ud_seen WHERE pass = 1) <> (SELECT i FROM ud_seen WHERE pass = 2) AS second_pass_saw_the_change,
       (SELECT i FROM ud_seen WHERE pass = 2) = (SELECT (morans_i(id, v, 'ud_cw')).i FROM ud_cp WHERE yr = 1) AS second_pass_equals_a_new_query;
DROP FUNCTION ud_twice();
DROP TABLE ud_cw, ud_cp, ud_grouped, ud_single, ud_seen;
DROP TABLE ud_w, ud_obs, ud_cases, ud_ours, ud_arr, ud_panel, ud_rt;
