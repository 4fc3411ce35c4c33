-- What a user of 0.1.0 keeps in a database, made with 0.1.0's functions
-- only (scripts/test-upgrade.sh runs it on 0.1.0 before the update, and on
-- a fresh install to compare).
SET client_min_messages = warning;
CREATE TABLE pts AS
SELECT g::bigint AS id, (g % 7)::float8 + 0.1 * (g % 3) AS x, (g / 7)::float8 AS y FROM generate_series(1, 49) g;
CREATE TABLE w AS
SELECT src, dst, weight FROM knn_weights((SELECT array_agg(id ORDER BY id) FROM pts),
    (SELECT array_agg(x ORDER BY id) FROM pts), (SELECT array_agg(y ORDER BY id) FROM pts), 4);
CREATE TABLE panel AS
SELECT p.id, t AS yr, sin(p.id * t) + p.x / 5 AS v,
       least(greatest(0.2 + 0.1 * p.x - 0.05 * t + 0.3 * sin(p.id * 1.7 + t), 0), 1) AS d,
       ARRAY[p.x + 0.3 * cos(p.id + 2.0 * t), t::float8] AS xs
FROM pts p, generate_series(1, 6) t;
-- fits stored as values
CREATE TABLE fits AS
SELECT m AS model, panel_tobit(d, xs, id, 0, 1, m, ARRAY['x', 't']) AS fit
FROM panel, unnest(ARRAY['pooled', 're', 'fe']) m GROUP BY m;
-- views and materialized views over functions that change in the update
CREATE MATERIALIZED VIEW mv_moran AS SELECT yr, morans_i(id, v, 'w', 99, 7) AS m FROM panel GROUP BY yr;
CREATE MATERIALIZED VIEW mv_lisa AS
SELECT l.* FROM (SELECT array_agg(id ORDER BY id) AS ids, array_agg(v ORDER BY id) AS v FROM panel WHERE yr = 1) s,
     local_moran(s.ids, s.v, 'w', 99, 7) l;
CREATE VIEW v_coef AS SELECT f.model, c.* FROM fits f, tobit_coefficients(f.fit) c;
CREATE VIEW v_summary AS SELECT s.* FROM fits f, tobit_summary(f.fit) s;
CREATE VIEW v_geary AS SELECT yr, gearys_c(id, v, 'w') AS g FROM panel GROUP BY yr;
-- the old definitions call the new library until ALTER EXTENSION UPDATE:
-- every changed function once more before it
SELECT count(*) FROM v_coef;
SELECT count(*) FROM v_summary;
SELECT count(*) FROM v_geary;
REFRESH MATERIALIZED VIEW mv_lisa;
REFRESH MATERIALIZED VIEW mv_moran;
