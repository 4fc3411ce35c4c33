-- Text unit ids (issue: ids of any ordinary key type). Every function that
-- takes ids takes text ones; results equal those of bigint ids (bit for
-- bit when the text sorts by bytes as the bigints sort: zero-padded codes),
-- and data and weights keyed by different types are a 42804 error.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS regecon;
SET extra_float_digits = 3;
CREATE TABLE ti_pts AS
SELECT g AS id, lpad(g::text, 4, '0') AS code, 'unit ' || g AS name,
       (g % 12)::float8 + 0.01 * (g % 5) AS x, (g / 12)::float8 AS y,
       5 + sin(g * 1.3) + (g % 7) * 0.4 AS v, 3 + cos(g * 0.7) AS v2
FROM generate_series(1, 144) g;
-- the same weights keyed three ways: bigint, zero-padded text, names
CREATE TABLE ti_wb AS SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(id::bigint) FROM ti_pts), (SELECT array_agg(x) FROM ti_pts), (SELECT array_agg(y) FROM ti_pts), 5);
CREATE TABLE ti_wt AS SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(code) FROM ti_pts), (SELECT array_agg(x) FROM ti_pts), (SELECT array_agg(y) FROM ti_pts), 5);
CREATE TABLE ti_wn AS SELECT a.name AS src, b.name AS dst, w.weight
FROM ti_wb w JOIN ti_pts a ON a.id = w.src JOIN ti_pts b ON b.id = w.dst;
-- knn_weights with text ids builds the same links (ties broken alike)
SELECT count(*) AS links,
       (SELECT count(*) FROM (SELECT src::int8, dst::int8, weight FROM ti_wt EXCEPT SELECT src, dst, weight FROM ti_wb) d) AS differ
FROM ti_wt;
SELECT count(*) AS band_differ FROM (
    SELECT src::int8, dst::int8, weight, distance FROM distance_band_weights(
        (SELECT array_agg(code) FROM ti_pts), (SELECT array_agg(x) FROM ti_pts), (SELECT array_agg(y) FROM ti_pts), 1.5, 'euclidean', false, 1)
    EXCEPT
    SELECT * FROM distance_band_weights(
        (SELECT array_agg(id::bigint) FROM ti_pts), (SELECT array_agg(x) FROM ti_pts), (SELECT array_agg(y) FROM ti_pts), 1.5, 'euclidean', false, 1)) d;
-- the global statistics: identical rows, permutation fields included
SELECT (SELECT morans_i(id, v, 'ti_wb', 199, 42) FROM ti_pts) IS NOT DISTINCT FROM
       (SELECT morans_i(code, v, 'ti_wt', 199, 42) FROM ti_pts) AS moran_same,
       (SELECT gearys_c(id, v, 'ti_wb') FROM ti_pts) IS NOT DISTINCT FROM
       (SELECT gearys_c(code, v, 'ti_wt') FROM ti_pts) AS geary_same,
       (SELECT getis_ord_g(id, v, 'ti_wb', 'b') FROM ti_pts) IS NOT DISTINCT FROM
       (SELECT getis_ord_g(code, v, 'ti_wt', 'b') FROM ti_pts) AS getis_same,
       (SELECT bivariate_morans_i(id, v, v2, 'ti_wb', 99, 7) FROM ti_pts) IS NOT DISTINCT FROM
       (SELECT bivariate_morans_i(code, v, v2, 'ti_wt', 99, 7) FROM ti_pts) AS bivariate_same;
-- names in another order: the analytic results agree to rounding
SELECT abs(a.i - b.i) < 1e-14 AS i_close, abs(a.z_norm - b.z_norm) < 1e-12 AS z_close, a.n = b.n AS n_same
FROM (SELECT (morans_i(id, v, 'ti_wb')).* FROM ti_pts) a, (SELECT (morans_i(name, v, 'ti_wn')).* FROM ti_pts) b;
-- grouped: a gap in one group is a subset, named by text in exact mode
SELECT y::int AS grp, (m).n, (m).absent_units, (m).dropped_links
FROM (SELECT y, morans_i(code, v, 'ti_wt') AS m FROM ti_pts WHERE id <> 13 AND y < 12 GROUP BY y) q
ORDER BY 1 LIMIT 3;
SET regecon.weights_match = exact;
SELECT (morans_i(name, v, 'ti_wn')).n FROM ti_pts WHERE id NOT IN (13, 140);
RESET regecon.weights_match;
-- local statistics: the same rows, ids back as text
-- (the text arrays in another order: rows depend only on the (id, value) pairs)
SELECT count(*) AS lisa_differ FROM (
    SELECT l.id::int8, ii, expected, variance, z, p, quadrant, lag, p_sim, z_sim, cluster
    FROM local_moran((SELECT array_agg(code ORDER BY (id * 37) % 144) FROM ti_pts),
                     (SELECT array_agg(v ORDER BY (id * 37) % 144) FROM ti_pts), 'ti_wt', 99, 3) l
    EXCEPT
    SELECT * FROM local_moran((SELECT array_agg(id::bigint ORDER BY id) FROM ti_pts),
                              (SELECT array_agg(v ORDER BY id) FROM ti_pts), 'ti_wb', 99, 3)) d;
SELECT * FROM local_moran(ARRAY['0001', '0002', '0013', '0014'], ARRAY[1, 2, 3, 5]::float8[], 'ti_wt', 0) ORDER BY id;
SELECT id, value, round(lag::numeric, 6) AS lag FROM spatial_lag(ARRAY['unit 2', 'unit 1', 'unit 13'], ARRAY[2, 1, 13]::float8[], 'ti_wn') ORDER BY id;
SELECT count(*) AS scatter_differ FROM (
    SELECT id::int8, z, lag FROM moran_scatter((SELECT array_agg(code) FROM ti_pts), (SELECT array_agg(v) FROM ti_pts), 'ti_wt')
    EXCEPT SELECT * FROM moran_scatter((SELECT array_agg(id::bigint) FROM ti_pts), (SELECT array_agg(v) FROM ti_pts), 'ti_wb')) d;
SELECT count(*) AS gstar_differ FROM (
    SELECT id::int8, g, expected, variance, z, p FROM local_g_star((SELECT array_agg(code) FROM ti_pts), (SELECT array_agg(v) FROM ti_pts), 'ti_wt')
    EXCEPT SELECT * FROM local_g_star((SELECT array_agg(id::bigint) FROM ti_pts), (SELECT array_agg(v) FROM ti_pts), 'ti_wb')) d;
-- weights tools
SELECT * FROM weights_summary('ti_wn');
SELECT n, islands FROM weights_summary('ti_wn', ARRAY['an island']);
SELECT count(*) AS transform_differ FROM (
    SELECT src::int8, dst::int8, weight FROM weights_transform_text('ti_wt', 'r')
    EXCEPT SELECT * FROM weights_transform('ti_wb', 'r')) d;
-- GAL and GWT round trips with text ids (names, leading zeros kept)
CREATE TABLE ti_small (src text, dst text, weight float8);
INSERT INTO ti_small VALUES ('007', '010', 1), ('010', '007', 1), ('010', 'Ñuñoa', 0.5), ('Ñuñoa', '010', 2);
SELECT to_gal('ti_small', ARRAY['099']);
SELECT * FROM read_gal_text(to_gal('ti_small')) ORDER BY 1, 2;
SELECT to_gwt('ti_small', 'layer', 'code');
SELECT * FROM read_gwt_text(to_gwt('ti_small')) ORDER BY 1, 2;
SELECT * FROM read_gal_text(E'3\nAguascalientes 1\nZacatecas\nZacatecas 2\nAguascalientes Jalisco\nJalisco 0') ORDER BY 1, 2;
INSERT INTO ti_small VALUES ('San Luis Potosí', '007', 1);
SELECT to_gal('ti_small');
-- other text-like key types: varchar and char(n) read as text
CREATE TABLE ti_wv AS SELECT src::varchar(8) AS src, dst::char(4) AS dst, weight FROM ti_wt;
SELECT (morans_i(code, v, 'ti_wv')).i = (morans_i(code, v, 'ti_wt')).i AS varchar_same FROM ti_pts;
-- parallel aggregation merges text dictionaries
CREATE TABLE ti_many AS SELECT g AS id, 'u' || lpad(g::text, 6, '0') AS code, ((g * 7919) % 1000)::float8 AS v,
       (g % 300)::float8 AS x, (g / 300)::float8 AS y FROM generate_series(1, 30000) g;
CREATE TABLE ti_many_w AS SELECT * FROM knn_weights((SELECT array_agg(code) FROM ti_many), (SELECT array_agg(x) FROM ti_many), (SELECT array_agg(y) FROM ti_many), 4);
ANALYZE ti_many;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT morans_i(code, v, 'ti_many_w', 9, 1) FROM ti_many;
SELECT (morans_i(code, v, 'ti_many_w', 9, 1)).* FROM ti_many;
RESET max_parallel_workers_per_gather;
SELECT (morans_i(code, v, 'ti_many_w', 9, 1)).* FROM ti_many;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
-- panel Tobit with text units: the same fit
CREATE TABLE ti_panel AS
SELECT u, lpad(u::text, 3, '0') AS code, 'state ' || u AS name, t,
       least(greatest(0.3 * u / 10 + 0.1 * t + sin(u * t), 0.5), 2.5) AS y,
       ARRAY[t::float8, cos(u + t)] AS x
FROM generate_series(1, 40) u, generate_series(1, 5) t;
SELECT m,
       (SELECT panel_tobit(y, x, u::bigint, 0.5, 2.5, m) FROM ti_panel) IS NOT DISTINCT FROM
       (SELECT panel_tobit(y, x, code, 0.5, 2.5, m) FROM ti_panel) AS same_fit
FROM unnest(ARRAY['pooled', 're', 'fe']) m;
SELECT max(abs(a.estimate - b.estimate)) < 1e-10 AS names_close
FROM tobit_coefficients((SELECT panel_tobit(y, x, u::bigint, 0.5, 2.5, 're') FROM ti_panel)) a
JOIN tobit_coefficients((SELECT panel_tobit(y, x, name, 0.5, 2.5, 're') FROM ti_panel)) b USING (term);
SELECT (s).n_units, (s).obs_min, (s).obs_max FROM (SELECT tobit_summary(panel_tobit(y, x, name, 0.5, 2.5, 'pooled', ARRAY['t', 'c'])) AS s FROM ti_panel) q;
\set VERBOSITY sqlstate
-- mixed key types: 42804, whichever side is text
SELECT morans_i(id, v, 'ti_wt') FROM ti_pts;
SELECT morans_i(code, v, 'ti_wb') FROM ti_pts;
SELECT gearys_c(code, v, 'ti_wb') FROM ti_pts;
SELECT count(*) FROM local_moran(ARRAY['0001'], ARRAY[1]::float8[], 'ti_wb');
SELECT count(*) FROM local_moran(ARRAY[1]::bigint[], ARRAY[1]::float8[], 'ti_wt');
SELECT count(*) FROM weights_summary('ti_wb', ARRAY['x']);
SELECT count(*) FROM weights_transform('ti_wt', 'r');
SELECT count(*) FROM weights_transform_text('ti_wb', 'r');
-- a relation with text src and integer dst
CREATE TABLE ti_mixed AS SELECT src::text AS src, dst, weight FROM ti_wb;
SELECT morans_i(id, v, 'ti_mixed') FROM ti_pts;
-- repeated text ids: 22023
SELECT morans_i(code, v, 'ti_wt') FROM (SELECT * FROM ti_pts UNION ALL SELECT * FROM ti_pts WHERE id = 5) q;
SELECT count(*) FROM local_moran(ARRAY['a', 'a'], ARRAY[1, 2]::float8[], 'ti_wt');
SELECT count(*) FROM knn_weights(ARRAY['a', 'b', 'a'], ARRAY[0, 1, 2]::float8[], ARRAY[0, 0, 0]::float8[], 1);
-- NULL text ids in arrays: 22004; NULL ids in aggregates: rows skipped
SELECT count(*) FROM local_moran(ARRAY['a', NULL], ARRAY[1, 2]::float8[], 'ti_wt');
SELECT (morans_i(CASE WHEN id = 1 THEN NULL ELSE code END, v, 'ti_wt')).n FROM ti_pts;
-- an untyped NULL or '{}' for ids is ambiguous between the overloads (42725): cast it
SELECT count(*) FROM local_moran(NULL, ARRAY[1]::float8[], 'ti_wt');
\set VERBOSITY default
-- messages name text ids
SELECT morans_i(code, v, 'ti_wt') FROM (SELECT * FROM ti_pts UNION ALL SELECT * FROM ti_pts WHERE id = 5) q;
INSERT INTO ti_small VALUES ('007', '007', 1);
SELECT count(*) FROM weights_summary('ti_small');
SELECT morans_i(id, v, 'ti_wt') FROM ti_pts;
DROP TABLE ti_pts, ti_wb, ti_wt, ti_wn, ti_small, ti_wv, ti_many, ti_many_w, ti_panel, ti_mixed;
