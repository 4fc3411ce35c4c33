-- Materialized views over every kind of regecon function, created and
-- refreshed with an empty search_path. From PostgreSQL 17 on, CREATE and
-- REFRESH MATERIALIZED VIEW run the query with search_path = pg_catalog,
-- pg_temp whatever the session's: a function that looked up its result type,
-- a support function or a relation by unqualified name would fail there
-- (docs/security.md). On 15 and 16 SET search_path = '' gives the same path;
-- on 18 this file is the real check. The extension sits in a schema of its
-- own with same-named decoy types first on the session's path.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regecon_matviews;  -- left by an interrupted run
RESET client_min_messages;
CREATE DATABASE regecon_matviews;
\c regecon_matviews
CREATE SCHEMA stats;
CREATE EXTENSION regecon SCHEMA stats;
CREATE TYPE public.coupling_result AS (d float8, t float8, c float8);
CREATE TYPE public.moran_result AS (i text);
CREATE TYPE public.geary_result AS (c text);
CREATE TYPE public.tobit_fit AS (model int);
CREATE TABLE public.w (src bigint, dst bigint, weight float8);
INSERT INTO public.w VALUES (1, 2, 1), (2, 1, 1), (2, 3, 1), (3, 2, 1), (3, 4, 1), (4, 3, 1), (4, 5, 1), (5, 4, 1),
                            (5, 6, 1), (6, 5, 1);
CREATE TABLE public.w_text AS SELECT 'u' || src AS src, 'u' || dst AS dst, weight FROM public.w;
CREATE TABLE public.obs (year int, id bigint, x float8, y float8, z float8);
INSERT INTO public.obs
SELECT year, id, (id * 7 + year * 3) % 11 + 0.5 * id * year, (id * 5 + year) % 7 + 0.25 * year, 0.1 * id + 0.3 * ((id + year) % 3)
FROM generate_series(1, 3) year, generate_series(1, 6) id;
CREATE TABLE public.panel AS
SELECT u::bigint AS unit, t, (u % 3) * 0.4 + 0.3 * t + 0.2 * sin(u * 7 + t) AS y, t + 0.5 * cos(u * 3 + t * 5) AS x
FROM generate_series(1, 12) u, generate_series(1, 5) t;
CREATE FUNCTION public.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
-- the control: a function that names regecon's objects unqualified, as a
-- user's function may, works under the session's path ...
SET search_path = public, stats;
CREATE FUNCTION public.unqualified_d() RETURNS float8 LANGUAGE sql STABLE
AS $$ SELECT (coupling_coordination(ARRAY[0.25, 1])).d $$;
SELECT round(public.unqualified_d()::numeric, 12) AS d;
CREATE MATERIALIZED VIEW public.mv_control AS SELECT public.unqualified_d() AS d WITH NO DATA;
-- ... and fails where the path is empty: in a REFRESH under the session's
-- path from PostgreSQL 17 on (so the views below are built under the
-- restricted path there), and under an empty path on every version
SELECT public.sqlstate_of('REFRESH MATERIALIZED VIEW public.mv_control')
         = CASE WHEN current_setting('server_version_num')::int >= 170000 THEN '42883' ELSE 'no error' END
         AS refresh_as_the_version_does;
SET search_path = '';
SELECT public.sqlstate_of('REFRESH MATERIALIZED VIEW public.mv_control') AS refresh_under_empty_path;

SET search_path = '';
-- spatial aggregates, one row per year (bigint and text ids, every weights style)
CREATE MATERIALIZED VIEW public.mv_spatial AS
SELECT year, stats.morans_i(id, x, 'public.w') AS m, stats.morans_i(id, x, 'public.w', 99, 7) AS m_perm,
       stats.morans_i(id, x, 'public.w', 99, 7, 'b') AS m_style,
       stats.morans_i('u' || id, x, 'public.w_text', 99, 7) AS m_text,
       stats.gearys_c(id, x, 'public.w') AS c, stats.gearys_c(id, x, 'public.w', 'b') AS c_style,
       stats.getis_ord_g(id, x, 'public.w') AS g, stats.getis_ord_g('u' || id, x, 'public.w_text', 'r') AS g_text,
       stats.bivariate_morans_i(id, x, y, 'public.w', 99, 7) AS b,
       stats.bivariate_morans_i('u' || id, x, y, 'public.w_text') AS b_text
FROM public.obs GROUP BY year;
-- per-unit functions, one row per unit and year
CREATE MATERIALIZED VIEW public.mv_local AS
SELECT o.year, l.id, l.ii, l.p_sim, l.cluster, g.z AS g_star_z, s.lag, ms.lag AS scatter_lag
FROM (SELECT year, array_agg(id ORDER BY id) AS ids, array_agg(x ORDER BY id) AS xs FROM public.obs GROUP BY year) o,
     stats.local_moran(o.ids, o.xs, 'public.w', 99, 7) l
     JOIN stats.local_g_star(o.ids, o.xs, 'public.w') g USING (id)
     JOIN stats.spatial_lag(o.ids, o.xs, 'public.w') s USING (id)
     JOIN stats.moran_scatter(o.ids, o.xs, 'public.w') ms USING (id);
CREATE MATERIALIZED VIEW public.mv_local_text AS
SELECT l.id, l.ii, l.cluster FROM (SELECT array_agg('u' || id ORDER BY id) AS ids, array_agg(x ORDER BY id) AS xs
                                   FROM public.obs WHERE year = 1) o,
     stats.local_moran(o.ids, o.xs, 'public.w_text', 99, 7) l;
CREATE MATERIALIZED VIEW public.mv_local_0_1 AS
SELECT l.id, l.ii FROM (SELECT array_agg(id ORDER BY id) AS ids, array_agg(x ORDER BY id) AS xs
                        FROM public.obs WHERE year = 1) o,
     stats.local_moran_0_1(o.ids, o.xs, 'public.w', 99, 7) l;
-- weights: built, read, transformed, summarised, written
CREATE MATERIALIZED VIEW public.mv_weights AS
SELECT 'knn' AS kind, count(*) AS links, sum(weight) AS total
FROM stats.knn_weights(ARRAY[1, 2, 3, 4]::bigint[], ARRAY[0.0, 1, 3, 6], ARRAY[0.0, 0, 0, 0], 2)
UNION ALL SELECT 'knn text', count(*), sum(weight)
FROM stats.knn_weights(ARRAY['a', 'b', 'c'], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 1)
UNION ALL SELECT 'band', count(*), sum(weight)
FROM stats.distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 2.5)
UNION ALL SELECT 'band text', count(*), sum(weight)
FROM stats.distance_band_weights(ARRAY['a', 'b', 'c'], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 2.5)
UNION ALL SELECT 'transform', count(*), sum(weight) FROM stats.weights_transform('public.w', 'r')
UNION ALL SELECT 'transform text', count(*), sum(weight) FROM stats.weights_transform_text('public.w_text', 'r')
UNION ALL SELECT 'gal', count(*), sum(weight) FROM stats.read_gal(stats.to_gal('public.w'))
UNION ALL SELECT 'gal text', count(*), sum(weight) FROM stats.read_gal_text(stats.to_gal('public.w_text', NULL::text[]))
UNION ALL SELECT 'gwt', count(*), sum(weight) FROM stats.read_gwt(stats.to_gwt('public.w'))
UNION ALL SELECT 'gwt text', count(*), sum(weight) FROM stats.read_gwt_text(stats.to_gwt('public.w_text'))
UNION ALL SELECT 'summary', s.links, s.s0 FROM stats.weights_summary('public.w') s
UNION ALL SELECT 'summary text', s.links, s.s0 FROM stats.weights_summary('public.w_text', ARRAY['u7']) s
UNION ALL SELECT 'min threshold', 0, stats.min_threshold_distance(ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0]);
-- scalar functions and the other aggregates
CREATE MATERIALIZED VIEW public.mv_scalar AS
SELECT year, stats.coupling_coordination(ARRAY[min(z) / 2, max(z) / 2]) AS cc,
       stats.coupling_degree(min(z) / 2, max(z) / 2) AS d, stats.coupling_degree(min(z) / 2, max(z) / 2, 0.4, 0.6) AS d_weighted,
       stats.coupling_class(stats.coupling_degree(min(z) / 2, max(z) / 2)) AS class,
       stats.coupling_class(0.45, ARRAY[0.3, 0.5], ARRAY['a', 'b', 'c']) AS custom_class,
       stats.martin_resilience(110, 100, 1050, 1000) AS resilience, stats.min_max_scale(5, 0, 10) AS scaled,
       stats.location_quotient(10, 100, 50, 1000) AS lq, stats.edi(1, 10, 5, 100) AS edi,
       stats.cedi(ARRAY[0.5, 1], ARRAY[0.25, 0.75]) AS cedi,
       stats.hhi_agg(x) AS hhi, stats.hhi_normalized_agg(x) AS hhi_norm, stats.hhi_agg(x, 100) AS hhi_total,
       stats.spatial_gini_agg(x, y) AS gini, stats.krugman_index_agg(x, y) AS krugman,
       stats.martin_resilience_agg(x + 1, x, y + 1, y) AS shift_share,
       stats.cedi_entropy(ARRAY[x, y]) AS entropy_weights, stats.indicator_entropy(ARRAY[x, y]) AS entropies
FROM public.obs GROUP BY year;
-- panel Tobit: the fits, and everything that reads a fit
CREATE MATERIALIZED VIEW public.mv_fits AS
SELECT 'pooled' AS model, stats.panel_tobit(y, ARRAY[x], unit, 0.5, NULL, 'pooled', ARRAY['x']) AS fit FROM public.panel
UNION ALL SELECT 're', stats.panel_tobit(y, ARRAY[x], unit, NULL, NULL, 're', ARRAY['x']) FROM public.panel
UNION ALL SELECT 'fe', stats.panel_tobit(y, ARRAY[x], unit, NULL, NULL, 'fe', ARRAY['x']) FROM public.panel
UNION ALL SELECT 'text', stats.panel_tobit(y, ARRAY[x], 'u' || unit, 0.5, NULL, 'pooled', ARRAY['x']) FROM public.panel;
CREATE MATERIALIZED VIEW public.mv_tobit AS
SELECT f.model, c.term, c.estimate, c.std_error, s.n_obs, s.log_likelihood,
       (SELECT e.estimate FROM stats.tobit_marginal_effects(f.fit) e WHERE e.term = c.term
        ORDER BY e.effect LIMIT 1) AS effect,
       (SELECT p.xb FROM stats.tobit_predict(f.fit, ARRAY[1.5]) p) AS xb_at_1_5,
       (SELECT a.estimate FROM stats.tobit_average_marginal_effects(f.fit, ARRAY[ARRAY[1.0], ARRAY[2.0]]) a
        WHERE a.term = c.term ORDER BY a.effect LIMIT 1) AS ame,
       (SELECT c1.estimate FROM stats.tobit_coefficients_0_1(f.fit) c1 WHERE c1.term = c.term) AS estimate_0_1,
       (SELECT s1.n_obs FROM stats.tobit_summary_0_1(f.fit) s1) AS n_obs_0_1,
       (stats.tobit_check_fit(f.fit)).model AS checked
FROM public.mv_fits f, stats.tobit_coefficients(f.fit) c, stats.tobit_summary(f.fit) s;
CREATE MATERIALIZED VIEW public.mv_hausman AS
SELECT h.df, h.chi2 FROM (SELECT fit AS fe FROM public.mv_fits WHERE model = 'fe') a,
     (SELECT fit AS re FROM public.mv_fits WHERE model = 're') b, stats.tobit_hausman(a.fe, b.re) h;
CREATE UNIQUE INDEX ON public.mv_spatial (year);

-- refreshed, still under the empty path, and concurrently (which runs the
-- query again in a transaction of its own)
REFRESH MATERIALIZED VIEW public.mv_spatial;
REFRESH MATERIALIZED VIEW CONCURRENTLY public.mv_spatial;
REFRESH MATERIALIZED VIEW public.mv_local;
REFRESH MATERIALIZED VIEW public.mv_local_text;
REFRESH MATERIALIZED VIEW public.mv_local_0_1;
REFRESH MATERIALIZED VIEW public.mv_weights;
REFRESH MATERIALIZED VIEW public.mv_scalar;
REFRESH MATERIALIZED VIEW public.mv_fits;
REFRESH MATERIALIZED VIEW public.mv_tobit;
REFRESH MATERIALIZED VIEW public.mv_hausman;
-- and with the decoys first on the session's path
SET search_path = public, stats;
REFRESH MATERIALIZED VIEW mv_spatial;
REFRESH MATERIALIZED VIEW mv_scalar;
REFRESH MATERIALIZED VIEW mv_fits;
REFRESH MATERIALIZED VIEW mv_tobit;

-- what the views hold: regecon's own types, the values of a direct call
SELECT pg_typeof(m) AS m_type, pg_typeof(c) AS c_type FROM mv_spatial LIMIT 1;
SELECT pg_typeof(cc) AS cc_type FROM mv_scalar LIMIT 1;
SELECT pg_typeof(fit) AS fit_type FROM mv_fits LIMIT 1;
SELECT year, round((m).i::numeric, 12) AS i, (m_perm).permutations, round((m_style).i::numeric, 12) AS i_binary,
       (m_text).i = (m).i AS text_ids_agree, round((c).c::numeric, 12) AS c, round((c_style).c::numeric, 12) AS c_binary,
       round((g).g::numeric, 12) AS g, round((g_text).g::numeric, 12) AS g_text_r,
       round((b).i::numeric, 12) AS bivariate, (b_text).i = (b).i AS bivariate_text_agrees
FROM mv_spatial ORDER BY year;
SELECT v.year, (v.m_perm).p_sim = (d.m).p_sim AND (v.m_perm).i = (d.m).i AS same_as_direct_call
FROM mv_spatial v JOIN (SELECT year, stats.morans_i(id, x, 'public.w', 99, 7) AS m FROM obs GROUP BY year) d USING (year)
ORDER BY year;
SELECT year, count(*) AS units, round(sum(ii)::numeric, 12) AS sum_ii, round(sum(g_star_z)::numeric, 12) AS sum_g_star_z,
       round(sum(lag)::numeric, 12) AS sum_lag, round(sum(scatter_lag)::numeric, 12) AS sum_scatter_lag,
       string_agg(cluster, ' ' ORDER BY id) AS clusters
FROM mv_local GROUP BY year ORDER BY year;
SELECT count(*) AS units, round(sum(ii)::numeric, 12) AS sum_ii FROM mv_local_text;
SELECT count(*) AS units, round(sum(ii)::numeric, 12) AS sum_ii FROM mv_local_0_1;
SELECT kind, links, round(total::numeric, 9) AS total FROM mv_weights;
SELECT year, round((cc).d::numeric, 12) AS d, round(d::numeric, 12) AS coupling_degree, class, custom_class,
       round(hhi::numeric, 12) AS hhi, round(gini::numeric, 12) AS gini,
       round(entropy_weights[1]::numeric, 12) AS entropy_weight_x
FROM mv_scalar ORDER BY year;
SELECT model, term, round(estimate::numeric, 6) AS estimate, round(std_error::numeric, 6) AS std_error, n_obs,
       round(effect::numeric, 6) AS effect, round(xb_at_1_5::numeric, 6) AS xb_at_1_5, round(ame::numeric, 6) AS ame,
       estimate_0_1 = estimate AS same_0_1, n_obs_0_1 = n_obs AS same_n_obs_0_1, checked
FROM mv_tobit ORDER BY model, term;
SELECT df, chi2 IS NOT NULL AS tested FROM mv_hausman;
\c regecon_regress
DROP DATABASE regecon_matviews;
