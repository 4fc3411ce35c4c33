-- The shipped SYNTHETIC China yearbook (data/china_yearbook), local and distributed.
-- Derived columns (totals, the year before) are computed once on the local
-- tables, so the distributed copies hold the same float8 values.
SET citus.shard_count = 4;
CREATE TABLE provinces (
    province_id bigint PRIMARY KEY, name text, region text, coastal boolean, capital text,
    lon float8, lat float8, area_km2 float8);
\copy provinces FROM 'data/china_yearbook/provinces.csv' CSV HEADER
CREATE TABLE raw_emp (province_id bigint, year int, industry_code text, industry_name text, employees float8);
\copy raw_emp FROM 'data/china_yearbook/industry_employment.csv' CSV HEADER
CREATE TABLE raw_yearbook (
    province_id bigint, year int, gdp float8, population float8, fdi float8, retail_sales float8,
    highway_km float8, ind_fixed_assets float8, ind_employees float8, st_spending float8,
    so2 float8, wastewater float8, dust float8);
\copy raw_yearbook FROM 'data/china_yearbook/yearbook.csv' CSV HEADER

-- employment by province, industry and year, with the totals the aggregates take
CREATE TABLE local_emp AS
SELECT province_id, year, industry_code, employees,
       sum(employees) OVER (PARTITION BY province_id, year) AS province_total,
       sum(employees) OVER (PARTITION BY industry_code, year) AS industry_total,
       lag(employees) OVER (PARTITION BY province_id, industry_code ORDER BY year) AS employees_base
FROM raw_emp ORDER BY province_id, year, industry_code;
CREATE TABLE local_emp2 AS
SELECT e.*, lag(industry_total) OVER (PARTITION BY province_id, industry_code ORDER BY year) AS industry_total_base
FROM local_emp e ORDER BY province_id, year, industry_code;
DROP TABLE local_emp;
ALTER TABLE local_emp2 RENAME TO local_emp;
CREATE TABLE local_yearbook AS SELECT * FROM raw_yearbook ORDER BY province_id, year;

-- the same rows in distributed tables: by industry (for concentration across
-- provinces) and by province (specialisation, resilience, the yearbook)
CREATE TABLE emp_by_industry (LIKE local_emp);
SELECT create_distributed_table('emp_by_industry', 'industry_code');
INSERT INTO emp_by_industry SELECT * FROM local_emp ORDER BY province_id, year, industry_code;
CREATE TABLE emp_by_province (LIKE local_emp);
SELECT create_distributed_table('emp_by_province', 'province_id');
INSERT INTO emp_by_province SELECT * FROM local_emp ORDER BY province_id, year, industry_code;
CREATE TABLE yearbook (LIKE local_yearbook);
SELECT create_distributed_table('yearbook', 'province_id');
INSERT INTO yearbook SELECT * FROM local_yearbook ORDER BY province_id, year;

SELECT logicalrelid::text AS distributed_table, partmethod, count(*) AS shards
FROM pg_dist_partition JOIN pg_dist_shard USING (logicalrelid)
GROUP BY 1, 2 ORDER BY 1;
-- the rows are spread over both workers
SELECT count(DISTINCT nodeport) AS workers_with_shards FROM citus_shards WHERE table_name = 'emp_by_industry'::regclass;
SELECT (SELECT count(*) FROM local_emp) AS local_rows, (SELECT count(*) FROM emp_by_industry) AS by_industry,
       (SELECT count(*) FROM emp_by_province) AS by_province, (SELECT count(*) FROM yearbook) AS yearbook;
