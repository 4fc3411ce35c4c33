-- contiguity_weights on PostGIS polygons, against libpysal 4.14.1 Queen and Rook
-- (tests/fixtures/spatial/contiguity.json, from tests/fixtures/make/contiguity_reference.py)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
RESET client_min_messages;
\set cont `cat tests/fixtures/spatial/contiguity.json`
CREATE TABLE us48_raw(id bigint, state_fips int, name text, wkt text);
\copy us48_raw FROM 'tests/fixtures/spatial/data/us48_wkt.csv' CSV HEADER
CREATE TABLE us48 AS SELECT id, name, ST_GeomFromText(wkt) AS geom FROM us48_raw;
CREATE TABLE stl_raw(id serial, wkt text);   -- id: 1-based row of stl_hom.csv, as stl.gal
\copy stl_raw(wkt) FROM PROGRAM 'cut -d"\"" -f2 tests/fixtures/spatial/data/stl_hom.csv | tail -n +2'
CREATE TABLE stl AS SELECT id, ST_GeomFromText(wkt) AS geom FROM stl_raw;
SELECT count(*) AS states, (SELECT count(*) FROM stl) AS counties FROM us48;

CREATE TABLE theirs AS
SELECT d.dataset, r.rule, n.key::bigint AS src, x::bigint AS dst
FROM (VALUES ('us48'), ('stl')) d(dataset), (VALUES ('queen'), ('rook')) r(rule),
     jsonb_each(:'cont'::jsonb -> d.dataset -> r.rule -> 'neighbours') n, jsonb_array_elements_text(n.value) x;
CREATE TABLE ours AS
SELECT 'us48' AS dataset, r.rule, c.src, c.dst FROM (VALUES ('queen'), ('rook')) r(rule), contiguity_weights('us48', 'id', 'geom', r.rule) c
UNION ALL
SELECT 'stl', r.rule, c.src, c.dst FROM (VALUES ('queen'), ('rook')) r(rule), contiguity_weights('stl', 'id', 'geom', r.rule) c;
SELECT dataset, rule, count(*) AS links,
       (SELECT count(*) FROM (SELECT src, dst FROM ours o WHERE o.dataset = t.dataset AND o.rule = t.rule
                              EXCEPT SELECT src, dst FROM theirs h WHERE h.dataset = t.dataset AND h.rule = t.rule) x) AS only_ours,
       (SELECT count(*) FROM (SELECT src, dst FROM theirs h WHERE h.dataset = t.dataset AND h.rule = t.rule
                              EXCEPT SELECT src, dst FROM ours o WHERE o.dataset = t.dataset AND o.rule = t.rule) x) AS only_libpysal
FROM ours t GROUP BY dataset, rule ORDER BY dataset, rule;
-- the queen-only pairs are corner touches (Utah-New Mexico, Colorado-Arizona)
SELECT a.name, b.name FROM ours o JOIN us48 a ON a.id = o.src JOIN us48 b ON b.id = o.dst
WHERE o.dataset = 'us48' AND o.rule = 'queen' AND o.src < o.dst
  AND NOT EXISTS (SELECT 1 FROM ours r WHERE r.dataset = 'us48' AND r.rule = 'rook' AND r.src = o.src AND r.dst = o.dst)
ORDER BY 1;
-- the shipped stl.gal is rook contiguity
\set stl_gal `cat tests/fixtures/spatial/data/stl.gal`
SELECT count(*) AS differences FROM (
  (SELECT src, dst FROM read_gal(:'stl_gal') EXCEPT SELECT src, dst FROM ours WHERE dataset = 'stl' AND rule = 'rook')
  UNION ALL
  (SELECT src, dst FROM ours WHERE dataset = 'stl' AND rule = 'rook' EXCEPT SELECT src, dst FROM read_gal(:'stl_gal'))) d;
-- bad input
SELECT sqlstate_of($$SELECT * FROM contiguity_weights('us48', 'id', 'geom', 'bishop')$$);
SELECT sqlstate_of($$SELECT * FROM contiguity_weights('us48', 'nope', 'geom')$$);
CREATE TABLE dup AS SELECT 1::bigint AS id, geom FROM us48 LIMIT 2;
SELECT sqlstate_of($$SELECT * FROM contiguity_weights('dup', 'id', 'geom')$$);
-- search_path hijack: a function named st_intersects (and an && operator)
-- earlier on the caller's path is never called: PostGIS's own are, by schema
CREATE SCHEMA decoy;
CREATE FUNCTION decoy.st_intersects(geometry, geometry) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'decoy st_intersects called'; END $$;
CREATE FUNCTION decoy.st_relate(geometry, geometry, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'decoy st_relate called'; END $$;
SET search_path = decoy, public;
SELECT r.rule, count(*) AS links, count(*) = (SELECT count(*) FROM public.ours o WHERE o.dataset = 'us48' AND o.rule = r.rule) AS same
FROM (VALUES ('queen'), ('rook')) r(rule), contiguity_weights('us48', 'id', 'geom', r.rule) c
GROUP BY r.rule ORDER BY r.rule;
RESET search_path;
-- a materialized view over it, created and refreshed under an empty path
-- (the path of every CREATE and REFRESH MATERIALIZED VIEW from PostgreSQL 17
-- on; matviews.sql covers the other functions, on 18 too)
SET search_path = '';
CREATE MATERIALIZED VIEW public.mv_contiguity AS
SELECT r.rule, count(*) AS links
FROM (VALUES ('queen'), ('rook')) r(rule), public.contiguity_weights('public.us48', 'id', 'geom', r.rule) c
GROUP BY r.rule;
REFRESH MATERIALIZED VIEW public.mv_contiguity;
SELECT * FROM public.mv_contiguity ORDER BY rule;
RESET search_path;
DROP MATERIALIZED VIEW mv_contiguity;
SET client_min_messages = warning;
DROP SCHEMA decoy CASCADE;
RESET client_min_messages;
DROP TABLE us48_raw, us48, stl_raw, stl, theirs, ours, dup;
