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

-- Geary's C and Getis-Ord G (global), against esda and spdep
CREATE TABLE fxall AS
SELECT 'usjoin' AS dataset, :'usjoin'::jsonb AS j UNION ALL SELECT 'mexico', :'mexico'::jsonb UNION ALL SELECT 'stl', :'stl'::jsonb;
SELECT o.dataset, o.variable, o.style,
       greatest(rel_err((g).c, (m ->> 'C')::float8), rel_err((g).variance_norm, (m ->> 'VC_norm')::float8),
                rel_err((g).variance_rand, (m ->> 'VC_rand')::float8), rel_err((g).z_norm, (m ->> 'z_norm')::float8),
                rel_err((g).z_rand, (m ->> 'z_rand')::float8)) < 1e-12 AS geary_esda_1e_12,
       rel_err((g).p_norm, (sp ->> 'p_two_sided_norm')::float8) < 1e-10 AS p_two_sided_spdep
FROM (SELECT dataset, variable, s.style, gearys_c(id, value, f.w::regclass, s.style) AS g
      FROM obs JOIN fx f USING (dataset), (VALUES ('r'), ('b')) s(style)
      GROUP BY dataset, variable, s.style, f.w) o
JOIN fxall a USING (dataset),
     LATERAL (SELECT a.j -> 'geary' -> 'gal' -> o.style -> o.variable -> 'esda' AS m,
                     a.j -> 'geary' -> 'gal' -> o.style -> o.variable -> 'spdep' AS sp) x
ORDER BY 1, 2, 3;
SELECT o.dataset, o.variable,
       rel_err((g).g, (m ->> 'G')::float8) < 1e-12 AS g_1e_12,
       rel_err((g).variance, (m ->> 'VG')::float8) < 1e-11 AS var_1e_11,
       rel_err((g).z, (m ->> 'z_norm')::float8) < 1e-11 AS z_1e_11,
       rel_err((g).p, (sp ->> 'p_two_sided')::float8) < 1e-10 AS p_two_sided_spdep
FROM (SELECT dataset, variable, getis_ord_g(id, value, f.w::regclass) AS g
      FROM obs JOIN fx f USING (dataset) GROUP BY dataset, variable, f.w) o,
     LATERAL (SELECT (CASE o.dataset WHEN 'usjoin' THEN :'usjoin'::jsonb WHEN 'mexico' THEN :'mexico'::jsonb ELSE :'stl'::jsonb END)
                     -> 'getis_ord_g' -> 'gal' -> 'b' -> o.variable AS gm) j,
     LATERAL (SELECT j.gm -> 'esda' AS m, j.gm -> 'spdep' AS sp) x
ORDER BY 1, 2;
SELECT sqlstate_of($$SELECT getis_ord_g(id, value - 1000, 'w_us') FROM obs WHERE dataset = 'usjoin' AND variable = '1929'$$);

-- Bivariate Moran (x against the lag of y), against esda's Moran_BV
SELECT rel_err((bivariate_morans_i(a.id, a.value, b.value, 'w_us')).i,
               (:'usjoin'::jsonb -> 'moran_bv' -> 'gal' -> 'r' -> '1929,2009' -> 'esda' ->> 'I')::float8) < 1e-12 AS bv_equals_esda,
       (bivariate_morans_i(a.id, a.value, b.value, 'w_us', 999, 3)).p_sim AS p_sim
FROM obs a JOIN obs b ON b.dataset = a.dataset AND b.id = a.id AND b.variable = '2009'
WHERE a.dataset = 'usjoin' AND a.variable = '1929';

-- Local Moran (LISA) and G*_i for every year in one query
CREATE TABLE lisa AS
SELECT s.variable, l.*
FROM (SELECT variable, array_agg(id ORDER BY id) AS ids, array_agg(value ORDER BY id) AS v
      FROM obs WHERE dataset = 'usjoin' GROUP BY variable) s,
     LATERAL local_moran(s.ids, s.v, 'w_us', 99, 11) l;
SELECT variable, count(*) AS units,
       max(rel_err(ii, (e -> 'Is' ->> id::int)::float8)) < 1e-12 AS ii_esda,
       max(rel_err(expected, (e -> 'EIc' ->> id::int)::float8)) < 1e-12 AS e_esda,
       max(rel_err(variance, (e -> 'VIc' ->> id::int)::float8)) < 1e-12 AS var_esda,
       max(abs(z - (sp -> 'Z_Ii' ->> id::int)::float8)) < 1e-12 AS z_spdep,
       bool_and(quadrant = (ARRAY['HH', 'LH', 'LL', 'HL'])[(e -> 'q' ->> id::int)::int]) AS quadrant_esda,
       bool_and(p_sim > 0 AND p_sim <= 0.5) AS p_sim_ok
FROM lisa,
     LATERAL (SELECT :'usjoin'::jsonb -> 'local_moran' -> 'gal' -> 'r' -> variable -> 'esda' AS e,
                     :'usjoin'::jsonb -> 'local_moran' -> 'gal' -> 'r' -> variable -> 'spdep' -> 'mlvar_true_conditional_true' AS sp) j
GROUP BY variable ORDER BY variable;
SELECT variable, quadrant, count(*) FROM lisa WHERE variable = '2009' GROUP BY 1, 2 ORDER BY 2;
SELECT s.style, count(*) AS units,
       max(rel_err(g.g, (j.e -> 'Gs' ->> g.id::int)::float8)) < 1e-12 AS g_esda,
       max(abs(g.z - (j.sp -> 'Z' ->> g.id::int)::float8)) < 1e-11 AS z_spdep
FROM (VALUES ('b'), ('r')) s(style),
     (SELECT array_agg(id ORDER BY id) AS ids, array_agg(value ORDER BY id) AS v
      FROM obs WHERE dataset = 'usjoin' AND variable = '1929') a,
     LATERAL local_g_star(a.ids, a.v, 'w_us', s.style) g,
     LATERAL (SELECT :'usjoin'::jsonb -> 'local_gstar' -> 'gal' -> s.style -> '1929' -> 'esda' AS e,
                     :'usjoin'::jsonb -> 'local_gstar' -> 'gal' -> s.style -> '1929' -> 'spdep' AS sp) j
GROUP BY s.style ORDER BY 1;
SELECT sqlstate_of($$SELECT * FROM local_moran(ARRAY[1, 2]::bigint[], ARRAY[1.0], 'w_us')$$);
SELECT sqlstate_of($$SELECT * FROM local_moran(ARRAY[0, 1, 2]::bigint[], ARRAY[1.0, 2, 3], 'w_us')$$);

-- Cancellation: a long permutation run stops at statement_timeout (57014),
-- and the backend is fine afterwards
CREATE TABLE big_obs AS
SELECT g AS id, ((g * 7919) % 1000)::float8 AS x, ((g * 104729) % 997)::float8 AS y, (g % 97)::float8 AS value
FROM generate_series(1, 20000) g;
CREATE TABLE w_big AS
SELECT src, dst, weight FROM knn_weights((SELECT array_agg(id::bigint ORDER BY id) FROM big_obs),
  (SELECT array_agg(x ORDER BY id) FROM big_obs), (SELECT array_agg(y ORDER BY id) FROM big_obs), 8);
-- a million permutations of 20,000 units take minutes; the timeout stops them
SET statement_timeout = '500ms';
SELECT sqlstate_of($$SELECT morans_i(id, value, 'w_big', 1000000, 1) FROM big_obs$$);
RESET statement_timeout;
SELECT (morans_i(id, value, 'w_big')).n FROM big_obs;
