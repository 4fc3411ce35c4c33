-- Safe on a shared server (docs/security.md): the extension in any schema
-- under any search_path, result types found by oid (a same-named type on
-- the caller's path is never used), NULL first rows, seeds that reproduce
-- whatever the row order and plan, the memory cap and the thread bound.

-- 1. The extension in its own schema, every function called qualified with
--    an empty search_path.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regecon_schema;  -- left by an interrupted run
RESET client_min_messages;
CREATE DATABASE regecon_schema;
\c regecon_schema
CREATE SCHEMA stats;
CREATE EXTENSION regecon SCHEMA stats;
-- decoys earlier on the path: same-named types with other fields
CREATE TYPE public.coupling_result AS (d float8, t float8, c float8);
CREATE TYPE public.moran_result AS (i text);
CREATE TYPE public.tobit_fit AS (model int);
CREATE TABLE public.w (src bigint, dst bigint, weight float8);
INSERT INTO public.w VALUES (1, 2, 1), (2, 1, 1), (2, 3, 1), (3, 2, 1), (3, 4, 1), (4, 3, 1), (4, 5, 1), (5, 4, 1);
CREATE TABLE public.obs (id bigint, x float8, y float8);
INSERT INTO public.obs VALUES (1, 1, 2), (2, 2, 1), (3, 4, 5), (4, 3, 3), (5, 7, 6);
SET search_path = '';
SELECT (stats.coupling_coordination(ARRAY[0.25, 1])).*;
SELECT stats.coupling_degree(0.25, 1) AS d, stats.coupling_class(0.62) AS class,
       stats.martin_resilience(110, 100, 1050, 1000) AS resilience, stats.min_max_scale(5, 0, 10) AS scaled,
       stats.location_quotient(10, 100, 50, 1000) AS lq, stats.edi(1, 10, 5, 100) AS edi,
       stats.cedi(ARRAY[0.5, 1], ARRAY[0.25, 0.75]) AS cedi;
SELECT stats.hhi_agg(x) AS hhi, stats.hhi_normalized_agg(x) AS hhi_norm, stats.hhi_agg(x, 100) AS hhi_total,
       stats.spatial_gini_agg(x, y) AS gini, stats.krugman_index_agg(x, y) AS krugman,
       stats.martin_resilience_agg(x + 1, x, y + 1, y) AS shift_share,
       stats.cedi_entropy(ARRAY[x, y]) AS entropy_weights, stats.indicator_entropy(ARRAY[x, y]) AS entropies
FROM public.obs;
SELECT round((m).i::numeric, 12) AS i, (m).n, round((g).c::numeric, 12) AS c, round((o).g::numeric, 12) AS g,
       round((b).i::numeric, 12) AS bivariate
FROM (SELECT stats.morans_i(id, x, 'public.w', 99, 1) AS m, stats.gearys_c(id, x, 'public.w') AS g,
             stats.getis_ord_g(id, x, 'public.w') AS o, stats.bivariate_morans_i(id, x, y, 'public.w', 99, 1) AS b
      FROM public.obs) s;
SELECT id, round(ii::numeric, 12) AS ii, quadrant FROM stats.local_moran(ARRAY[1, 2, 3, 4, 5]::bigint[], ARRAY[1, 2, 4, 3, 7.0], 'public.w');
SELECT id, round(z::numeric, 12) AS z FROM stats.local_g_star(ARRAY[1, 2, 3, 4, 5]::bigint[], ARRAY[1, 2, 4, 3, 7.0], 'public.w');
SELECT n, links, islands FROM stats.weights_summary('public.w');
SELECT count(*) AS links FROM stats.weights_transform('public.w', 'r');
SELECT count(*) AS knn_links FROM stats.knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 1);
SELECT count(*) AS band_links FROM stats.distance_band_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 1.5);
SELECT stats.min_threshold_distance(ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0]) AS min_threshold;
SELECT count(*) AS gal_links FROM stats.read_gal(stats.to_gal('public.w'));
SELECT count(*) AS gwt_links FROM stats.read_gwt(stats.to_gwt('public.w'));
CREATE TABLE public.fits AS
SELECT stats.panel_tobit(y, ARRAY[x], id % 2, 0, 6, 'pooled', ARRAY['x']) AS fit FROM public.obs;
SELECT term, round(estimate::numeric, 6) AS estimate FROM public.fits, stats.tobit_coefficients(fit);
SELECT model, n_obs FROM public.fits, stats.tobit_summary(fit);
SELECT count(*) AS effects FROM public.fits, stats.tobit_marginal_effects(fit);
CREATE TABLE public.panel AS
SELECT u::bigint AS unit, t, (u % 3) * 0.4 + 0.3 * t + 0.2 * sin(u * 7 + t) AS y, t + 0.5 * cos(u * 3 + t * 5) AS x
FROM generate_series(1, 12) u, generate_series(1, 5) t;
SELECT h.df, h.chi2 IS NOT NULL AS tested
FROM (SELECT stats.panel_tobit(y, ARRAY[x], unit, NULL, NULL, 'fe') AS fe,
             stats.panel_tobit(y, ARRAY[x], unit, NULL, NULL, 're') AS re FROM public.panel) f,
     stats.tobit_hausman(f.fe, f.re) h;
SELECT stats.coupling_degree(0.25, 1, 0.4, 0.6) > 0 AS weighted_d,
       stats.coupling_class(0.45, ARRAY[0.3, 0.5], ARRAY['a', 'b', 'c']) AS custom_class;
SELECT (stats.morans_i(id, x, 'public.w')).n AS n_analytic, (stats.morans_i(id, x, 'public.w', 9, 1, 'b')).n AS n_binary
FROM public.obs;
-- text unit ids (a text weights relation), the readers' _text twins, the
-- fit's readers and the quadrature arguments, still with an empty path
CREATE TABLE public.wt AS SELECT 'p' || src AS src, 'p' || dst AS dst, weight FROM public.w;
SELECT round((m).i::numeric, 12) AS i_text, round((g).c::numeric, 12) AS c_text, round((o).g::numeric, 12) AS g_text,
       round((b).i::numeric, 12) AS bivariate_text
FROM (SELECT stats.morans_i('p' || id, x, 'public.wt', 99, 1) AS m, stats.gearys_c('p' || id, x, 'public.wt') AS g,
             stats.getis_ord_g('p' || id, x, 'public.wt') AS o,
             stats.bivariate_morans_i('p' || id, x, y, 'public.wt', 99, 1) AS b
      FROM public.obs) s;
SELECT id, round(ii::numeric, 12) AS ii FROM stats.local_moran(ARRAY['p1', 'p2', 'p3', 'p4', 'p5'], ARRAY[1, 2, 4, 3, 7.0], 'public.wt');
SELECT id, round(lag::numeric, 12) AS lag FROM stats.spatial_lag(ARRAY['p1', 'p2', 'p3', 'p4', 'p5'], ARRAY[1, 2, 4, 3, 7.0], 'public.wt');
SELECT id, round(z::numeric, 12) AS z, round(lag::numeric, 12) AS lag
FROM stats.moran_scatter(ARRAY[1, 2, 3, 4, 5]::bigint[], ARRAY[1, 2, 4, 3, 7.0], 'public.w');
SELECT count(*) AS links_text FROM stats.weights_transform_text('public.wt', 'r');
SELECT count(*) AS gal_links_text FROM stats.read_gal_text(stats.to_gal('public.wt'));
SELECT count(*) AS gwt_links_text FROM stats.read_gwt_text(stats.to_gwt('public.wt'));
SELECT count(*) AS knn_links_text FROM stats.knn_weights(ARRAY['a', 'b', 'c'], ARRAY[0.0, 1, 3], ARRAY[0.0, 0, 0], 1);
SELECT (stats.tobit_check_fit(fit)).n_obs AS checked,
       (SELECT count(*) FROM stats.tobit_predict(fit, ARRAY[2.0])) AS predictions,
       (SELECT count(*) FROM stats.tobit_average_marginal_effects(fit, ARRAY[[1.0], [2.0], [4.0]])) AS average_effects
FROM public.fits;
SELECT (f).quadrature, (f).quadrature_points, (f).n_units
FROM (SELECT stats.panel_tobit(y, ARRAY[x], 'u' || unit, NULL, NULL, 're', NULL, 'ghq', 8) AS f FROM public.panel) s;
-- the same with the decoys first on the path: regecon's own types are used
SET search_path = public, stats;
SELECT (coupling_coordination(ARRAY[0.25, 1])).c AS c_is_0_8;
SELECT pg_typeof(morans_i(id, x, 'w')) AS moran_type FROM obs;
SELECT pg_typeof(fit) AS fit_type FROM fits;
CREATE TABLE public.stored AS SELECT coupling_coordination(ARRAY[0.25, 1]) AS r;
DROP TYPE public.coupling_result;
SELECT (r).c, (r).t, (r).d FROM public.stored;
\c regecon_regress
DROP DATABASE regecon_schema;

-- 2. A NULL y, x or unit in the first, middle or last row of a group is
--    skipped (it once crashed the backend); a group of only NULL rows is NULL.
SELECT (f).n_obs, round((f).estimates[1]::numeric, 6) AS slope
FROM (SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled') AS f
      FROM (VALUES (NULL::float8, 0.1::float8, 1::bigint), (0.5, 0.2, 1), (0.7, 0.5, 2), (0.2, 0.1, 2), (0.9, 0.8, 3)) v(y, x, unit)) s;
SELECT (panel_tobit(y, x, unit, 0, 1, 'pooled')).n_obs
FROM (VALUES (0.5::float8, ARRAY[0.2::float8], 1::bigint), (0.7, ARRAY[0.5], NULL), (0.2, ARRAY[0.1], 2), (0.9, ARRAY[0.8], 3),
             (0.4, NULL, 3), (0.3, ARRAY[0.4], 1)) v(y, x, unit);
SELECT (panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled')).n_obs
FROM (VALUES (0.5::float8, 0.2::float8, 1::bigint), (0.7, 0.5, 2), (0.2, 0.1, 2), (0.9, 0.8, 3), (0.3, 0.4, 1), (NULL, 0.1, 1)) v(y, x, unit);
SELECT panel_tobit(y, ARRAY[x], unit, 0, 1, 'pooled') IS NULL AS all_null
FROM (VALUES (NULL::float8, 0.1::float8, 1::bigint), (NULL, 0.2, 1)) v(y, x, unit);
SELECT hhi_agg(x) AS hhi_first_null FROM (VALUES (NULL::float8), (1), (3)) v(x);
CREATE TABLE w_line AS SELECT * FROM (VALUES (1::bigint, 2::bigint, 1::float8), (2, 1, 1), (2, 3, 1), (3, 2, 1)) v(src, dst, weight);
SELECT morans_i(id, x, 'w_line') IS NULL AS moran_all_null FROM (VALUES (NULL::bigint, NULL::float8), (2, NULL)) v(id, x);
SELECT (morans_i(id, x, 'w_line')).n AS moran_null_first
FROM (VALUES (NULL::bigint, 1::float8), (1, 1), (2, 5), (3, 2), (NULL, NULL)) v(id, x);

-- 3. Seeds reproduce: the permutation fields depend only on the set of rows,
--    not on their order nor on a parallel plan.
CREATE TABLE seed_units AS
SELECT i::bigint AS id, (i % 9)::float8 + 0.37 * (i / 9) AS x, (i / 9)::float8 + 0.11 * (i % 5) AS y FROM generate_series(1, 80) i;
CREATE TABLE seed_w AS
SELECT src, dst, weight FROM knn_weights((SELECT array_agg(id ORDER BY id) FROM seed_units),
    (SELECT array_agg(x ORDER BY id) FROM seed_units), (SELECT array_agg(y ORDER BY id) FROM seed_units), 5);
CREATE TABLE seed_panel AS
SELECT year, u.id,
       ('x' || substr(md5(u.id || '/' || year), 1, 8))::bit(32)::int / 2147483648.0 + 0.03 * year * u.x AS v,
       ('x' || substr(md5(year || '/' || u.id), 1, 8))::bit(32)::int / 2147483648.0 AS v2
FROM seed_units u, generate_series(1, 30) year;
ANALYZE seed_panel;
CREATE TABLE seed_asc AS SELECT year, morans_i(id, v, 'seed_w', 199, 42 ORDER BY id) AS m,
    bivariate_morans_i(id, v, v2, 'seed_w', 199, 42 ORDER BY id) AS b FROM seed_panel GROUP BY year;
CREATE TABLE seed_desc AS SELECT year, morans_i(id, v, 'seed_w', 199, 42 ORDER BY id DESC) AS m,
    bivariate_morans_i(id, v, v2, 'seed_w', 199, 42 ORDER BY id DESC) AS b FROM seed_panel GROUP BY year;
CREATE TABLE seed_shuffled AS SELECT year, morans_i(id, v, 'seed_w', 199, 42 ORDER BY md5(id::text)) AS m,
    bivariate_morans_i(id, v, v2, 'seed_w', 199, 42 ORDER BY md5(id::text)) AS b FROM seed_panel GROUP BY year;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SELECT partial_aggs($$SELECT year, morans_i(id, v, 'seed_w', 199, 42) FROM seed_panel GROUP BY year$$) > 0
       AS parallel_plan;
CREATE TABLE seed_parallel AS SELECT year, morans_i(id, v, 'seed_w', 199, 42) AS m,
    bivariate_morans_i(id, v, v2, 'seed_w', 199, 42) AS b FROM seed_panel GROUP BY year;
RESET enable_hashagg;
SET regecon.max_threads = 1;
CREATE TABLE seed_one_thread AS SELECT year, morans_i(id, v, 'seed_w', 199, 42) AS m,
    bivariate_morans_i(id, v, v2, 'seed_w', 199, 42) AS b FROM seed_panel GROUP BY year;
RESET regecon.max_threads;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT t.name, count(*) AS groups,
       count(*) FILTER (WHERE (t.m).p_sim IS DISTINCT FROM (a.m).p_sim OR (t.m).z_sim IS DISTINCT FROM (a.m).z_sim
                           OR (t.m).i IS DISTINCT FROM (a.m).i OR t.b IS DISTINCT FROM a.b) AS differ
FROM (SELECT 'desc' AS name, * FROM seed_desc UNION ALL SELECT 'shuffled', * FROM seed_shuffled
      UNION ALL SELECT 'parallel', * FROM seed_parallel UNION ALL SELECT 'one thread', * FROM seed_one_thread) t
JOIN seed_asc a USING (year) GROUP BY t.name ORDER BY t.name;
SELECT count(DISTINCT (m).p_sim) > 1 AS p_sim_varies FROM seed_asc;
-- local_moran: the arrays in any order give the same per-unit results
SELECT count(*) AS units,
       count(*) FILTER (WHERE a.p_sim IS DISTINCT FROM b.p_sim OR a.ii IS DISTINCT FROM b.ii) AS differ
FROM local_moran((SELECT array_agg(id ORDER BY id) FROM seed_panel WHERE year = 1),
                 (SELECT array_agg(v ORDER BY id) FROM seed_panel WHERE year = 1), 'seed_w', 199, 42) a
JOIN local_moran((SELECT array_agg(id ORDER BY md5(id::text)) FROM seed_panel WHERE year = 1),
                 (SELECT array_agg(v ORDER BY md5(id::text)) FROM seed_panel WHERE year = 1), 'seed_w', 199, 42) b
  USING (id);

-- 4. Threads: any regecon.max_threads is accepted, never more threads than
--    cores are started (pool.rs), and the result does not depend on it.
SET regecon.max_threads = 1024;
SELECT (m).p_sim = (SELECT (m).p_sim FROM seed_asc WHERE year = 1) AS same_with_1024
FROM (SELECT morans_i(id, v, 'seed_w', 199, 42) AS m FROM seed_panel WHERE year = 1) s;
RESET regecon.max_threads;

-- 5. Memory: regecon.max_memory caps regecon's buffers (53200, never an
--    abort); only a superuser may change it.
SET regecon.max_memory = '2MB';
SELECT sqlstate_of($$SELECT count(*) FROM knn_weights((SELECT array_agg(i::bigint) FROM generate_series(1, 20000) i),
    (SELECT array_agg(i::float8) FROM generate_series(1, 20000) i), (SELECT array_agg((i % 7)::float8) FROM generate_series(1, 20000) i), 8)$$)
    LIKE '53200: knn_weights: the links of knn_weights: 4.9 MB needed%' AS knn_links_over_the_cap;
-- distance bands stream their links: 1500 points all within the band give
-- 2,248,500 links under a 2MB cap
SELECT count(*) AS band_links_streamed FROM distance_band_weights((SELECT array_agg(i::bigint) FROM generate_series(1, 1500) i),
    (SELECT array_agg((i % 10)::float8) FROM generate_series(1, 1500) i), (SELECT array_agg(0.0::float8) FROM generate_series(1, 1500) i), 100);
RESET regecon.max_memory;
-- a Tobit with 10^5 regressors would need p x p matrices of 80 GB: refused
-- (53200) before anything is allocated (it once aborted the backend)
SELECT left(sqlstate_of($$SELECT panel_tobit(y, x, 1, 0, 1, 'fe')
    FROM (VALUES (0.5::float8, (SELECT array_agg(g::float8) FROM generate_series(1, 100000) g))) v(y, x)$$), 60) AS huge_k;
CREATE ROLE regecon_safety_user;
SET ROLE regecon_safety_user;
SELECT sqlstate_of($$SET regecon.max_memory = '100GB'$$) AS ordinary_role_sets_memory;
SELECT sqlstate_of($$SET regecon.max_threads = 64$$) AS ordinary_role_sets_threads;
-- the support functions are out of reach (no USAGE on regecon_internal), the
-- aggregates that call them by oid are not
SELECT sqlstate_of($$SELECT regecon_internal.hhi_serialize(NULL)$$) AS ordinary_role_calls_support;
SELECT hhi_agg(v) AS ordinary_role_aggregates FROM (VALUES (1.0::float8), (3.0)) t(v);
SELECT (panel_tobit(y, ARRAY[x], u, 0, 1, 'pooled')).converged AS ordinary_role_tobit
FROM (VALUES (0.2::float8, 0.1::float8, 1::bigint), (0.5, 0.4, 1), (0.0, -0.3, 2), (0.9, 0.8, 2), (0.4, 0.2, 3), (1.0, 1.1, 3)) v(y, x, u);
RESET ROLE;
DROP ROLE regecon_safety_user;
