-- Spatial weights as relations and global Moran's I, against PySAL (esda 2.9.0,
-- libpysal 4.14.1) and R spdep 1.2.7 (tests/fixtures/spatial, see its README).
\set usjoin `cat tests/fixtures/spatial/usjoin.json`
\set mexico `cat tests/fixtures/spatial/mexico.json`
\set stl `cat tests/fixtures/spatial/stl.json`
\set us_gal `cat tests/fixtures/spatial/data/states48.gal`
\set mx_gal `cat tests/fixtures/spatial/data/mexico.gal`
\set stl_gal `cat tests/fixtures/spatial/data/stl.gal`

-- weights from GeoDa's GAL files (ids: usjoin and mexico 0-based rows, stl 1-based rows)
CREATE TABLE w_us AS SELECT * FROM read_gal(:'us_gal');
CREATE TABLE w_mx AS SELECT * FROM read_gal(:'mx_gal');
CREATE TABLE w_stl AS SELECT * FROM read_gal(:'stl_gal');
SELECT 'us' AS w, * FROM weights_summary('w_us')
UNION ALL SELECT 'mx', * FROM weights_summary('w_mx')
UNION ALL SELECT 'stl', * FROM weights_summary('w_stl');

-- the values, long: (dataset, variable, id, value)
CREATE TABLE obs AS
SELECT 'usjoin' AS dataset, v.key AS variable, e.ord - 1 AS id, e.val::float8 AS value
FROM jsonb_each(:'usjoin'::jsonb -> 'variables') v, jsonb_array_elements_text(v.value) WITH ORDINALITY e(val, ord)
UNION ALL
SELECT 'mexico', v.key, e.ord - 1, e.val::float8
FROM jsonb_each(:'mexico'::jsonb -> 'variables') v, jsonb_array_elements_text(v.value) WITH ORDINALITY e(val, ord)
UNION ALL
SELECT 'stl', v.key, e.ord, e.val::float8
FROM jsonb_each(:'stl'::jsonb -> 'variables') v, jsonb_array_elements_text(v.value) WITH ORDINALITY e(val, ord);
ANALYZE obs;
CREATE TABLE fx AS
SELECT 'usjoin' AS dataset, 'w_us' AS w, :'usjoin'::jsonb -> 'moran' -> 'gal' AS m
UNION ALL SELECT 'mexico', 'w_mx', :'mexico'::jsonb -> 'moran' -> 'gal'
UNION ALL SELECT 'stl', 'w_stl', :'stl'::jsonb -> 'moran' -> 'gal';

-- Every analytic figure of every case, style r and b, within 1e-12 of both peers
CREATE TABLE ours AS
SELECT o.dataset, o.variable, s.style,
       morans_i(o.id, o.value, f.w::regclass, 0, 0, s.style) AS r
FROM obs o JOIN fx f USING (dataset), (VALUES ('r'), ('b')) s(style)
GROUP BY o.dataset, o.variable, s.style, f.w;
SELECT o.dataset, o.variable, o.style, (o.r).n,
       max(rel_err(v.got, (f.m -> o.style -> o.variable -> 'esda' ->> v.k)::float8)) < 1e-12 AS esda_1e_12,
       max(rel_err(v.got, (f.m -> o.style -> o.variable -> 'spdep' ->> v.k)::float8)) < 1e-12 AS spdep_1e_12
FROM ours o JOIN fx f USING (dataset),
     LATERAL (VALUES ('I', (o.r).i), ('EI', (o.r).expected), ('VI_norm', (o.r).variance_norm),
                     ('z_norm', (o.r).z_norm), ('p_norm', (o.r).p_norm), ('VI_rand', (o.r).variance_rand),
                     ('z_rand', (o.r).z_rand), ('p_rand', (o.r).p_rand)) v(k, got)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3;
-- esda's docstring figure for St Louis homicides: I = 0.244, EI = -0.012987, p_norm = 0.000271
SELECT round((r).i::numeric, 3) AS i, round((r).expected::numeric, 6) AS ei, round((r).p_norm::numeric, 6) AS p_norm
FROM ours WHERE dataset = 'stl' AND style = 'r';

-- The paper's usage: one row per year, from one grouped query; default style r
SELECT variable AS year, round((morans_i(id, value, 'w_us')).i::numeric, 6) AS moran_i
FROM obs WHERE dataset = 'usjoin' GROUP BY variable ORDER BY variable;

-- Permutation inference: reproducible for a seed whatever the number of threads,
-- and consistent with the analytic moments
SET regecon.max_threads = 1;
CREATE TABLE perm1 AS SELECT variable, morans_i(id, value, 'w_us', 999, 20261128) AS r
FROM obs WHERE dataset = 'usjoin' GROUP BY variable;
SET regecon.max_threads = 2;
CREATE TABLE perm2 AS SELECT variable, morans_i(id, value, 'w_us', 999, 20261128) AS r
FROM obs WHERE dataset = 'usjoin' GROUP BY variable;
RESET regecon.max_threads;
SELECT a.variable, (a.r).permutations, (a.r).p_sim,
       a.r = b.r AS same_on_1_and_2_threads,
       abs((a.r).mean_sim - (a.r).expected) < 4 * (a.r).sd_sim / sqrt(999) AS mean_near_ei,
       abs((a.r).sd_sim / sqrt((a.r).variance_rand) - 1) < 0.1 AS sd_near_analytic
FROM perm1 a JOIN perm2 b USING (variable) ORDER BY 1;
SELECT (morans_i(id, value, 'w_us', 999, 1)).p_sim <> (morans_i(id, value, 'w_us', 999, 2)).p_sim
       OR (morans_i(id, value, 'w_us', 999, 1)).mean_sim <> (morans_i(id, value, 'w_us', 999, 2)).mean_sim
       AS seeds_differ
FROM obs WHERE dataset = 'usjoin' AND variable = '1970';

-- Parallel plans give the serial result
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT partial_aggs('SELECT variable, morans_i(id, value, ''w_us'') FROM obs WHERE dataset = ''usjoin'' GROUP BY variable') > 0 AS parallel_plan;
SELECT bool_and(rel_err((p.r).i, (o.r).i) < 1e-13) AS parallel_equals_serial
FROM (SELECT variable, morans_i(id, value, 'w_us') AS r FROM obs WHERE dataset = 'usjoin' GROUP BY variable) p
JOIN ours o ON o.dataset = 'usjoin' AND o.style = 'r' AND o.variable = p.variable;
RESET ALL;

-- Islands stay in n (as in esda) and are reported
CREATE TABLE w_island AS SELECT * FROM w_us WHERE src <> 0 AND dst <> 0;
-- esda 2.9.0 on the same weights (unit 0 an island, transform 'r', kept in n):
-- Moran(y1929, w).I = 0.6057131809539559, z_norm = 6.254717297522869
SELECT (r).n, (r).islands, rel_err((r).i, 0.6057131809539559) < 1e-12 AS i_equals_esda,
       rel_err((r).z_norm, 6.254717297522869) < 1e-12 AS z_equals_esda
FROM (SELECT morans_i(id, value, 'w_island') AS r FROM obs WHERE dataset = 'usjoin' AND variable = '1929') s;
SELECT * FROM weights_summary('w_island', ARRAY(SELECT generate_series(0, 47)::bigint));

-- Bad input: a specific error, never a crash
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929' AND id <> 5$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable IN ('1929', '1932')$$);
SELECT sqlstate_of($$SELECT morans_i(id, 1.0, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929' AND id < 2$$);
CREATE TABLE w_neg AS SELECT src, dst, CASE WHEN src = 0 THEN -1.0 ELSE weight END AS weight FROM w_us;
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_neg') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
CREATE TABLE w_badcols AS SELECT src AS origin, dst, weight FROM w_us;
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_badcols') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
CREATE TABLE w_null AS SELECT src, dst, NULLIF(weight, weight) AS weight FROM w_us LIMIT 1;
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_null') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, 'no_such_table') FROM obs$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us', -1, 0) FROM obs$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us', 9, 0, 'x') FROM obs$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, NULL) FROM obs$$);
SELECT sqlstate_of($$SELECT morans_i(id, value, CASE WHEN id = 3 THEN 'w_mx' ELSE 'w_us' END::regclass) FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
-- NULL values are skipped, and the weights then name the unit that has none
SELECT sqlstate_of($$SELECT morans_i(id, NULLIF(value, 323), 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
-- privileges are the caller's: a role that may not read the weights fails
CREATE ROLE regecon_reader;
GRANT SELECT ON obs TO regecon_reader;
SET ROLE regecon_reader;
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);
RESET ROLE;
DROP OWNED BY regecon_reader;
DROP ROLE regecon_reader;

-- Builders: KNN against libpysal's neighbour lists on the same coordinates
CREATE TABLE coords AS
SELECT e.ord - 1 AS id, (e.c ->> 0)::float8 AS x, (e.c ->> 1)::float8 AS y
FROM jsonb_array_elements(:'usjoin'::jsonb -> 'weights' -> 'knn4' -> 'coords') WITH ORDINALITY e(c, ord);
CREATE TABLE w_knn AS
SELECT * FROM knn_weights((SELECT array_agg(id ORDER BY id) FROM coords), (SELECT array_agg(x ORDER BY id) FROM coords),
                          (SELECT array_agg(y ORDER BY id) FROM coords), 4);
SELECT count(*) AS units,
       bool_and(ours = theirs) AS knn4_equals_libpysal
FROM (SELECT src, array_agg(dst ORDER BY dst) AS ours FROM w_knn GROUP BY src) a
JOIN (SELECT e.ord - 1 AS src, ARRAY(SELECT x::bigint FROM jsonb_array_elements_text(e.nb) x ORDER BY 1) AS theirs
      FROM jsonb_array_elements(:'usjoin'::jsonb -> 'weights' -> 'knn4' -> 'neighbours') WITH ORDINALITY e(nb, ord)) b
USING (src);
SELECT max(rel_err((r).i, (:'usjoin'::jsonb -> 'moran' -> 'knn4' -> 'r' -> variable -> 'esda' ->> 'I')::float8)) < 1e-12
       AS knn_moran_equals_esda
FROM (SELECT variable, morans_i(id, value, 'w_knn') AS r FROM obs WHERE dataset = 'usjoin' GROUP BY variable) s;
-- distance band: symmetric, every unit linked at the minimum threshold
CREATE TABLE w_band AS
SELECT * FROM distance_band_weights((SELECT array_agg(id ORDER BY id) FROM coords), (SELECT array_agg(x ORDER BY id) FROM coords),
                                    (SELECT array_agg(y ORDER BY id) FROM coords),
                                    min_threshold_distance((SELECT array_agg(x ORDER BY id) FROM coords), (SELECT array_agg(y ORDER BY id) FROM coords)));
SELECT n, islands, asymmetric_pairs, min_neighbours >= 1 AS no_island FROM weights_summary('w_band');
-- great-circle distances in km: Beijing to Shanghai
SELECT dst, round(distance::numeric, 1) AS km
FROM knn_weights(ARRAY[1, 2, 3]::bigint[], ARRAY[116.4074, 121.4737, 113.2644], ARRAY[39.9042, 31.2304, 23.1291], 1, 'great_circle')
ORDER BY src;
SELECT round(weight::numeric, 6) AS inverse_distance
FROM distance_band_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 3.0], ARRAY[0.0, 4.0], 5, binary => false, power => 2) LIMIT 1;
SELECT sqlstate_of($$SELECT * FROM knn_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 1.0], ARRAY[0.0, 0.0], 2)$$);
SELECT sqlstate_of($$SELECT * FROM knn_weights(ARRAY[1, 1]::bigint[], ARRAY[0.0, 1.0], ARRAY[0.0, 0.0], 1)$$);
SELECT sqlstate_of($$SELECT * FROM knn_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 1.0], ARRAY[0.0], 1)$$);
SELECT sqlstate_of($$SELECT * FROM knn_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 1.0], ARRAY[0.0, 95.0], 1, 'great_circle')$$);
SELECT sqlstate_of($$SELECT * FROM distance_band_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 0.0], ARRAY[0.0, 0.0], 1, binary => false)$$);
SELECT sqlstate_of($$SELECT * FROM knn_weights(ARRAY[1, 2]::bigint[], ARRAY[0.0, 1.0], ARRAY[0.0, 0.0], 1, 'manhattan')$$);

-- Transforms and formats
SELECT src, round(sum(weight)::numeric, 12) AS row_sum FROM weights_transform('w_us', 'r')
GROUP BY src ORDER BY src LIMIT 3;
SELECT count(*) AS links, min(weight), max(weight) FROM weights_transform('w_knn', 'b');
SELECT (SELECT count(*) FROM read_gal(to_gal('w_us'))) AS gal_links,
       (SELECT count(*) FROM (SELECT * FROM read_gal(to_gal('w_us')) EXCEPT SELECT * FROM w_us) d) AS gal_differences,
       (SELECT count(*) FROM (SELECT * FROM read_gwt(to_gwt('w_knn')) EXCEPT SELECT src, dst, weight FROM w_knn) d) AS gwt_differences;
SELECT sqlstate_of($$SELECT * FROM read_gal(E'2\n0 1\n1\n')$$);
