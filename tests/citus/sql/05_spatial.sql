-- Spatial weights built on the coordinator and kept in a reference table (a
-- copy on every node), then Moran's I of GDP per head, per year.
CREATE TABLE w_knn4 (src bigint, dst bigint, weight float8);
SELECT create_reference_table('w_knn4');
INSERT INTO w_knn4
SELECT src, dst, weight FROM knn_weights(
    (SELECT array_agg(province_id ORDER BY province_id) FROM provinces),
    (SELECT array_agg(lon ORDER BY province_id) FROM provinces),
    (SELECT array_agg(lat ORDER BY province_id) FROM provinces), 4, 'great_circle');
-- the same links on the coordinator and on each worker
CREATE TABLE local_w_knn4 AS SELECT * FROM w_knn4;
SELECT count(*) AS links, count(DISTINCT src) AS units, sum(weight) AS total_weight FROM w_knn4;
SELECT success, result FROM run_command_on_workers($$
    SELECT count(*) || ' links, ' || count(DISTINCT src) || ' units, checksum '
           || sum(hashtext(src || '>' || dst || ':' || weight)) FROM w_knn4$$);
SELECT count(*) || ' links, ' || count(DISTINCT src) || ' units, checksum '
       || sum(hashtext(src || '>' || dst || ':' || weight)) AS coordinator FROM w_knn4;

-- Moran's I of a local table on the coordinator, with the weights in a local
-- table and in the reference table: the same results, permutations included
CREATE TABLE moran_local AS
SELECT year, (morans_i(province_id, gdp / population, 'local_w_knn4', 99, 7)).* FROM local_yearbook GROUP BY year;
CREATE TABLE moran_ref AS
SELECT year, (morans_i(province_id, gdp / population, 'w_knn4', 99, 7)).* FROM local_yearbook GROUP BY year;
SELECT count(*) AS years, round(min(l.i)::numeric, 4) AS min_i, round(max(l.i)::numeric, 4) AS max_i,
       count(*) FILTER (WHERE l.i = r.i AND l.z_norm = r.z_norm AND l.p_sim = r.p_sim) AS equal
FROM moran_local l JOIN moran_ref r USING (year);

-- On a distributed table of values. (1) Grouped by the distribution column,
-- the whole aggregate runs on the shards, and its final function reads the
-- reference table's placement on that worker (a plain table there): the
-- results equal the local run, permutation fields included.
CREATE TABLE yearbook_by_year (LIKE local_yearbook);
SELECT create_distributed_table('yearbook_by_year', 'year');
INSERT INTO yearbook_by_year SELECT * FROM local_yearbook ORDER BY province_id, year;
SELECT citus_strategy($$SELECT year, morans_i(province_id, gdp / population, 'w_knn4') FROM yearbook_by_year GROUP BY year$$, 'morans_i');
CREATE TABLE moran_by_year AS
SELECT year, (morans_i(province_id, gdp / population, 'w_knn4', 99, 7)).* FROM yearbook_by_year GROUP BY year;
-- every field, as text (float8 prints its exact value)
SELECT count(*) AS years, count(*) FILTER (WHERE l::text = r::text) AS equal
FROM moran_local l FULL JOIN moran_by_year r USING (year);
CREATE TABLE geary_by_year AS
SELECT year, (gearys_c(province_id, gdp / population, 'w_knn4')).* FROM yearbook_by_year GROUP BY year;
CREATE TABLE geary_local AS
SELECT year, (gearys_c(province_id, gdp / population, 'local_w_knn4')).* FROM local_yearbook GROUP BY year;
SELECT count(*) AS years, count(*) FILTER (WHERE l::text = r::text) AS equal
FROM geary_local l FULL JOIN geary_by_year r USING (year);

-- (2) Grouped by anything else, Citus gathers every row on the coordinator,
-- arguments included: the weights' regclass would arrive as each worker's
-- oid of the relation, so the aggregate refuses (0A000) rather than read
-- whatever that oid names here. Gathering the values first, in a
-- MATERIALIZED CTE, keeps the regclass on the coordinator; the rows cross
-- the network either way.
SELECT error_of($$SELECT year, (morans_i(province_id, gdp / population, 'w_knn4')).i FROM yearbook GROUP BY year$$);
SELECT error_of($$SELECT year, (bivariate_morans_i(province_id, gdp / population, fdi / gdp, 'w_knn4')).i FROM yearbook GROUP BY year$$);
CREATE TABLE moran_cte AS
WITH v AS MATERIALIZED (SELECT year, province_id, gdp / population AS x FROM yearbook)
SELECT year, (morans_i(province_id, x, 'w_knn4', 99, 7)).* FROM v GROUP BY year;
SELECT count(*) AS years, count(*) FILTER (WHERE l::text = r::text) AS equal
FROM moran_local l FULL JOIN moran_cte r USING (year);

-- (3) Weights only on the coordinator (a plain table) are not on the
-- workers: a query whose aggregate runs on the shards cannot find them.
SELECT error_of($$SELECT year, (morans_i(province_id, gdp / population, 'local_w_knn4')).i FROM yearbook_by_year GROUP BY year$$);
